#pragma once
/// @brief CMOS periphery of a crossbar: DAC (row drivers) and ADC (shared by several columns),
/// each with energy, latency and area per action.

#include "neurotlm/core/spec_table.h"

namespace neurotlm {

/// How a converter decides its bits.
enum class AdcKind {
    /// Successive approximation: one bit per cycle; energy by the Walden figure of merit,
    /// E = FoM * 2^bits (Walden, IEEE JSAC 1999; Murmann's ADC survey for current FoMs).
    sar,
    /// Flash, or a multilevel current sense amplifier as NeuroSim's: 2^bits - 1 comparators
    /// against reference levels decide every bit in one cycle; E = (2^bits - 1) x the energy of
    /// one clocked comparator.
    flash,
    /// Single slope (ramp): a ramp is compared with the column's value every cycle while a
    /// counter counts, and the count at the crossing is latched: 2^bits cycles; E = 2^bits x (a
    /// comparator decision + a counter step). The slowest and, per converter, the smallest.
    ramp,
};

/// @brief A column converter shared by several columns. bits = 0 means an ideal, free converter
/// (no quantisation): useful as a reference.
struct AdcSpec {
    AdcKind kind = AdcKind::sar;
    int bits = 5;
    int shared_by_columns = 8; ///< columns multiplexed onto one ADC
    double fom_J = 10e-15;     ///< Walden FoM, J per conversion step (SAR)
    /// Flash: one comparator decision; 0 = derived from the technology (set by the tile).
    double comparator_energy_J = 0.0;
    /// Ramp: the counter's energy per count (a binary counter toggles two flip-flops per
    /// increment on average); 0 = derived from the technology (set by the tile).
    double count_step_energy_J = 0.0;
    double clock_Hz = 1e9;          ///< converter clock: SAR decides one bit a cycle, flash all
    double area_per_adc_m2 = 0.0;   ///< 0 in a tile = derived from the technology
    double leakage_per_adc_W = 0.0; ///< 0 in a tile = derived from the technology

    bool ideal() const { return bits == 0; }
    double energy_per_conversion_J() const;
    double latency_s() const;

    /// Comparators in one converter (SAR and ramp: 1; flash: 2^bits - 1).
    int comparators() const;
    /// Gate equivalents of one converter, for its area and leakage (see the definition).
    double gates() const;

    /// The parameters (keys "kind", "bits", "shared_by_columns", "fom", "comparator_energy",
    /// "count_step_energy", "clock", "area", "leakage"),
    /// bound to these fields; a tile nests them under "adc".
    static const SpecTable<AdcSpec>& table();
};

/// @brief Row driver: converts a digital input slice of `bits` bits to a read voltage.
struct DacSpec {
    int bits = 1;
    /// Per word-line activation (a row driven for one slice and one multiplexer phase); 0 in a
    /// tile = derived from the word line's capacitance and the technology.
    double energy_per_conversion_J = 0.0;
    double latency_s = 0.0;
    double area_per_dac_m2 = 0.0;

    /// The parameters ("bits", "energy", "latency", "area"); a tile nests them under "dac".
    static const SpecTable<DacSpec>& table();
};

} // namespace neurotlm
