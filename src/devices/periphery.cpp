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

void add_adc_params(ParamTable& table) {
    table.integer("adc.bits", 5, "ADC resolution; 0 = ideal converter (no quantisation, free)", 0,
                  16);
    table.integer("adc.shared_by_columns", 8, "columns multiplexed onto one ADC", 1);
    table.positive("adc.fom", Unit::joule, 10e-15,
                   "Walden figure of merit, energy per conversion step (E = FoM * 2^bits); the "
                   "default 10 fJ is typical of SAR ADCs, configurable");
    table.positive("adc.clock", Unit::hertz, 1e9, "SAR clock: one bit is decided per cycle");
    table.number("adc.area", Unit::square_metre, 0.0, "area of one ADC", 0.0);
    table.number("adc.leakage", Unit::watt, 0.0, "static power of one ADC", 0.0);
}

void add_dac_params(ParamTable& table) {
    table.integer("dac.bits", 1, "row-driver resolution: input bits applied per read", 1, 8);
    // A 1-bit row driver switching a word line of ~128 cells (~25 fF) at 0.2-1 V costs a few fJ
    // of CV^2 plus driver overhead; 10 fJ is an assumed round figure, not a published one.
    table.number("dac.energy", Unit::joule, 10e-15,
                 "energy per row per input slice (default 10 fJ: assumed, not sourced)", 0.0);
    table.number("dac.latency", Unit::second, 0.0,
                 "settling time of a row driver, added to each read phase (default 0: assumed "
                 "hidden in the read window)",
                 0.0);
    table.number("dac.area", Unit::square_metre, 0.0, "area of one row driver", 0.0);
}

AdcSpec adc_from_params(const Params& p) {
    AdcSpec a;
    a.bits = static_cast<int>(p.integer("adc.bits"));
    a.shared_by_columns = static_cast<int>(p.integer("adc.shared_by_columns"));
    a.fom_J = p.number("adc.fom");
    a.clock_Hz = p.number("adc.clock");
    a.area_per_adc_m2 = p.number("adc.area");
    a.leakage_per_adc_W = p.number("adc.leakage");
    return a;
}

DacSpec dac_from_params(const Params& p) {
    DacSpec d;
    d.bits = static_cast<int>(p.integer("dac.bits"));
    d.energy_per_conversion_J = p.number("dac.energy");
    d.latency_s = p.number("dac.latency");
    d.area_per_dac_m2 = p.number("dac.area");
    return d;
}

} // namespace neurotlm
