#include "neurotlm/devices/periphery.h"

#include <cmath>

namespace neurotlm {

double AdcSpec::energy_per_conversion_J() const {
    if (ideal()) return 0.0;
    return fom_J * std::ldexp(1.0, bits);
}

double AdcSpec::latency_s() const {
    if (ideal()) return 0.0;
    return static_cast<double>(bits) / clock_Hz;
}

const SpecTable<AdcSpec>& AdcSpec::table() {
    static const SpecTable<AdcSpec> table = [] {
        SpecTable<AdcSpec> t;
        t.integer("bits", NEUROTLM_FIELD(bits), 5,
                  "ADC resolution; 0 = ideal converter (no quantisation, free)", 0, 16);
        t.integer("shared_by_columns", NEUROTLM_FIELD(shared_by_columns), 8,
                  "columns multiplexed onto one ADC", 1);
        t.positive("fom", Unit::joule, NEUROTLM_FIELD(fom_J), 10e-15,
                   "Walden figure of merit, energy per conversion step (E = FoM * 2^bits); the "
                   "default 10 fJ is typical of SAR ADCs, configurable");
        t.positive("clock", Unit::hertz, NEUROTLM_FIELD(clock_Hz), 1e9,
                   "SAR clock: one bit is decided per cycle");
        t.number("area", Unit::square_metre, NEUROTLM_FIELD(area_per_adc_m2), 0.0,
                 "area of one ADC", 0.0);
        t.number("leakage", Unit::watt, NEUROTLM_FIELD(leakage_per_adc_W), 0.0,
                 "static power of one ADC", 0.0);
        return t;
    }();
    return table;
}

const SpecTable<DacSpec>& DacSpec::table() {
    static const SpecTable<DacSpec> table = [] {
        SpecTable<DacSpec> t;
        t.integer("bits", NEUROTLM_FIELD(bits), 1,
                  "row-driver resolution: input bits applied per read", 1, 8);
        // A 1-bit row driver switching a word line of ~128 cells (~25 fF) at 0.2-1 V costs a
        // few fJ of CV^2 plus driver overhead; 10 fJ is an assumed round figure, not a
        // published one.
        t.number("energy", Unit::joule, NEUROTLM_FIELD(energy_per_conversion_J), 10e-15,
                 "energy per row per input slice (default 10 fJ: assumed, not sourced)", 0.0);
        t.number("latency", Unit::second, NEUROTLM_FIELD(latency_s), 0.0,
                 "settling time of a row driver, added to each read phase (default 0: assumed "
                 "hidden in the read window)",
                 0.0);
        t.number("area", Unit::square_metre, NEUROTLM_FIELD(area_per_dac_m2), 0.0,
                 "area of one row driver", 0.0);
        return t;
    }();
    return table;
}

} // namespace neurotlm
