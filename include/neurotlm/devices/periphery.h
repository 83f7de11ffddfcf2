#pragma once
/// @brief CMOS periphery of a crossbar: DAC (row drivers) and ADC (shared by several columns),
/// each with energy, latency and area per action.

#include "neurotlm/core/spec_table.h"

namespace neurotlm {

/// @brief Successive-approximation ADC. Energy per conversion follows the Walden figure of
/// merit, E = FoM * 2^bits; a conversion takes `bits` cycles of the ADC clock.
/// bits = 0 means an ideal, free converter (no quantisation): useful as a reference.
struct AdcSpec {
    int bits = 5;
    int shared_by_columns = 8; ///< columns multiplexed onto one ADC
    double fom_J = 10e-15;     ///< Walden FoM, J per conversion step
    double clock_Hz = 1e9;     ///< SAR clock: one bit decided per cycle
    double area_per_adc_m2 = 0.0;
    double leakage_per_adc_W = 0.0;

    bool ideal() const { return bits == 0; }
    double energy_per_conversion_J() const;
    double latency_s() const;

    /// The parameters (keys "bits", "shared_by_columns", "fom", "clock", "area", "leakage"),
    /// bound to these fields; a tile nests them under "adc".
    static const SpecTable<AdcSpec>& table();
};

/// @brief Row driver: converts a digital input slice of `bits` bits to a read voltage.
struct DacSpec {
    int bits = 1;
    double energy_per_conversion_J = 10e-15; ///< per row per slice (assumed, see table())
    double latency_s = 0.0;
    double area_per_dac_m2 = 0.0;

    /// The parameters ("bits", "energy", "latency", "area"); a tile nests them under "dac".
    static const SpecTable<DacSpec>& table();
};

} // namespace neurotlm
