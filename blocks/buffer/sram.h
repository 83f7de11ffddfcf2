#pragma once
/// @brief An SRAM buffer as an architect sizes it: capacity, word width and banks in, energy
/// and time per word access, leakage and area out.
///
/// Default model (anchored at 45 nm, carried to the platform's technology; every figure cited
/// or marked assumed):
/// - Read energy of one 64-bit access grows with the square root of the capacity (the bit
///   lines and word lines both grow with the array's side): E64 = 10 pJ x sqrt(C / 8 KiB) x s.
///   At s = 1 this fits Horowitz, "Computing's energy problem", ISSCC 2014 (45 nm, 0.9 V:
///   64-bit SRAM read 10 pJ at 8 KB, 20 pJ at 32 KB, 100 pJ at 1 MB) exactly at 8 and 32 KB
///   and 13% high at 1 MB. s = Technology::energy_scale_from_45nm(): C V^2 with C proportional
///   to the feature size (the law the technology's adder follows; 1.23 at the 45 nm preset's
///   1.0 V, 0.39 at 22 nm and 0.8 V). A word of W bits costs E64 x W / 64. Writes cost the
///   same as reads (assumed).
/// - Area: the technology's 6T cell (45 nm: 0.346 um^2, Intel, Mistry et al., IEDM 2007) over
///   an array efficiency of 0.7 (assumed: decoders, sense amplifiers, wiring).
/// - Leakage: one gate equivalent's leakage of the technology per bit cell (assumed: a 6T cell
///   and a NAND2 have transistors of the same order of width and count).
/// - Access time 1 ns (assumed; CACTI gives about that for tens of KB at 45 nm). Banks work in
///   parallel: n consecutive words take ceil(n / banks) access times.
/// Any of these can be replaced by the user's own figures (read_energy, write_energy,
/// cell_area, leakage_per_bit, access_time).
///
/// Register-file model (`kind: register_file`, the flip-flop buffers of small accelerators and
/// of NeuroSim's chips): every bit a flip-flop (5.7 GE) with its share of an N:1 read
/// multiplexer tree (a 2:1 multiplexer per stored bit, 2.3 GE: Nangate 45 nm MUX2_X1 1.86 um^2
/// over NAND2_X1's 0.80 um^2), built in the technology's gates. A word write clocks W
/// flip-flops (data activity 0.5, assumed, as the shift-adders) and drives W write-data lines
/// down the bank's column of N words; a read passes W bits through log2(N) multiplexer levels
/// (activity 0.5) and up a read line of the same length. Line lengths follow from the cell's
/// placed pitch, so the energy per bit grows with the number of words as the SRAM's does with
/// the square root of its capacity. Area and leakage: the gate equivalents per bit.

#include <cstdint>

#include "neurotlm/core/ledger.h"
#include "neurotlm/core/spec_table.h"
#include "neurotlm/devices/technology.h"

namespace neurotlm {

/// What the buffer's bits are built from.
enum class BufferKind { sram, register_file };

struct SramSpec {
    BufferKind kind = BufferKind::sram;
    double capacity_bytes = 65536.0; ///< whole buffer
    int word_bits = 64;              ///< bits read or written per access of one bank
    int banks = 1;                   ///< independent banks; consecutive words interleave
    double access_time_s = 1e-9;
    double read_energy_J = 0.0;      ///< per word; 0 = the model above
    double write_energy_J = 0.0;     ///< per word; 0 = the model above
    double cell_area_m2 = 0.346e-12; ///< default: the technology's SRAM cell
    double array_efficiency = 0.7;
    double leakage_per_bit_W = 20.25e-12; ///< default: from the technology's gate leakage
    double clock_Hz = 1e9; ///< the block's clock: access times are whole cycles of it
    /// The model's energies over Horowitz's 45 nm, 0.9 V figures (not a parameter: the
    /// technology's energy_scale_from_45nm()).
    double energy_scale = 1.0;
    /// The platform's technology (the register-file model is priced in its gates and wires).
    Technology technology;

    int word_bytes() const { return word_bits / 8; }
    double bank_bytes() const { return capacity_bytes / banks; }
    /// Energy of one word read and one word written (the model, or the user's figure).
    double read_word_J() const;
    double write_word_J() const;
    /// The SRAM model's energy of one word access (reads and writes alike).
    double model_word_J() const;
    /// The register-file model's energies of one word read and one word write.
    double register_file_read_J() const;
    double register_file_write_J() const;
    /// Gate equivalents of one stored bit of a register file: a flip-flop and a 2:1 multiplexer.
    static constexpr double kRegisterFileGatesPerBit = Technology::kFlipFlopGates + 2.3;
    double area_m2() const;
    double leakage_W() const;
    /// Words an access of @p len bytes at byte @p offset touches.
    std::uint64_t words(std::uint64_t offset, std::uint64_t len) const;
    /// Cycles for @p words consecutive words spread over the banks.
    std::uint64_t cycles(std::uint64_t words) const;

    /// Every parameter, bound to these fields (the clock is the block's).
    static const SpecTable<SramSpec>& table();
    /// The spec of validated parameters @p p in technology @p tech: cell area, leakage and the
    /// energy scale follow the technology unless the parameters name them.
    static SramSpec in_technology(const Params& p, const Technology& tech);
    /// SRAM leakage per bit over the technology's gate-equivalent leakage (assumed).
    static constexpr double kCellLeakageOverGate = 1.0;
    /// Words in one bank.
    double bank_words() const { return bank_bytes() / word_bytes(); }
    /// Throws InputError for a capacity that is not a whole number of words in every bank.
    void check() const;
};

/// The buffer's actions, indexing sram_energy_table().
enum SramAction : std::size_t { kWordRead, kWordWrite };
EnergyTable sram_energy_table(const SramSpec& spec);

} // namespace neurotlm
