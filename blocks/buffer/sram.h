#pragma once
/// @brief An SRAM buffer as an architect sizes it: capacity, word width and banks in, energy
/// and time per word access, leakage and area out.
///
/// Default model (45 nm, every figure cited or marked assumed):
/// - Read energy of one 64-bit access grows with the square root of the capacity (the bit
///   lines and word lines both grow with the array's side): E64 = 10 pJ x sqrt(C / 8 KiB). This
///   fits
///   Horowitz, "Computing's energy problem", ISSCC 2014 (45 nm, 0.9 V: 64-bit SRAM read 10 pJ
///   at 8 KB, 20 pJ at 32 KB, 100 pJ at 1 MB) exactly at 8 and 32 KB and 13% high at 1 MB. A
///   word of W bits costs E64 x W / 64. Writes cost the same as reads (assumed).
/// - Area: 0.346 um^2 per 6T cell (Intel 45 nm, Mistry et al., IEDM 2007) over an array
///   efficiency of 0.7 (assumed: decoders, sense amplifiers, wiring).
/// - Leakage: 50 pW per bit (assumed: the order of a 45 nm low-power 6T cell).
/// - Access time 1 ns (assumed; CACTI gives about that for tens of KB at 45 nm). Banks work in
///   parallel: n consecutive words take ceil(n / banks) access times.
/// Any of these can be replaced by the user's own figures (read_energy, write_energy,
/// cell_area, leakage_per_bit, access_time).

#include <cstdint>

#include "neurotlm/core/ledger.h"
#include "neurotlm/core/spec_table.h"

namespace neurotlm {

struct SramSpec {
    double capacity_bytes = 65536.0; ///< whole buffer
    int word_bits = 64;              ///< bits read or written per access of one bank
    int banks = 1;                   ///< independent banks; consecutive words interleave
    double access_time_s = 1e-9;
    double read_energy_J = 0.0;  ///< per word; 0 = the model above
    double write_energy_J = 0.0; ///< per word; 0 = the model above
    double cell_area_m2 = 0.346e-12;
    double array_efficiency = 0.7;
    double leakage_per_bit_W = 50e-12;
    double clock_Hz = 1e9; ///< the block's clock: access times are whole cycles of it

    int word_bytes() const { return word_bits / 8; }
    double bank_bytes() const { return capacity_bytes / banks; }
    /// Energy of one word read and one word written (the model, or the user's figure).
    double read_word_J() const;
    double write_word_J() const;
    /// The model's energy of one word access (reads and writes alike).
    double model_word_J() const;
    double area_m2() const;
    double leakage_W() const;
    /// Words an access of @p len bytes at byte @p offset touches.
    std::uint64_t words(std::uint64_t offset, std::uint64_t len) const;
    /// Cycles for @p words consecutive words spread over the banks.
    std::uint64_t cycles(std::uint64_t words) const;

    /// Every parameter, bound to these fields (the clock is the block's).
    static const SpecTable<SramSpec>& table();
    /// Throws InputError for a capacity that is not a whole number of words in every bank.
    void check() const;
};

/// The buffer's actions, indexing sram_energy_table().
enum SramAction : std::size_t { kWordRead, kWordWrite };
EnergyTable sram_energy_table(const SramSpec& spec);

} // namespace neurotlm
