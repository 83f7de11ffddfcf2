#pragma once
/// @brief CMOS periphery of a crossbar: DAC (row drivers), ADC (shared by several columns) and
/// sense amplifier, each with energy, latency and area per action.

#include "neurotlm/core/params.h"

namespace neurotlm {

/// @brief Successive-approximation ADC. Energy per conversion follows the Walden figure of
/// merit, E = FoM * 2^bits; a conversion takes `bits` cycles of the ADC clock.
/// bits = 0 means an ideal, free converter (no quantisation): useful as a reference.
struct AdcSpec {
    int bits = 5;
    int shared_by_columns = 8;           ///< columns multiplexed onto one ADC
    double fom_J = 10e-15;               ///< Walden FoM, J per conversion step
    double clock_Hz = 1e9;               ///< SAR clock: one bit decided per cycle
    double area_per_adc_m2 = 0.0;
    double leakage_per_adc_W = 0.0;

    bool ideal() const { return bits == 0; }
    double energy_per_conversion_J() const;
    double latency_s() const;
};

/// @brief Row driver: converts a digital input slice of `bits` bits to a read voltage.
struct DacSpec {
    int bits = 1;
    double energy_per_conversion_J = 0.0; ///< per row per slice
    double latency_s = 0.0;
    double area_per_dac_m2 = 0.0;
};

/// @brief Sense amplifier (used by binary readout and CAM/Hopfield arrays).
struct SenseAmpSpec {
    double energy_J = 0.0;
    double latency_s = 0.0;
    double area_m2 = 0.0;
};

/// Parameters under "adc." and "dac." in a crossbar tile's table.
void add_adc_params(ParamTable& table);
void add_dac_params(ParamTable& table);
AdcSpec adc_from_params(const Params& p);
DacSpec dac_from_params(const Params& p);

} // namespace neurotlm
