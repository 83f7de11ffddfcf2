#include "neurotlm/devices/periphery.h"

#include <cmath>

#include "neurotlm/devices/technology.h"

namespace neurotlm {

double AdcSpec::energy_per_conversion_J() const {
    if (ideal()) return 0.0;
    if (kind == AdcKind::flash) return comparators() * comparator_energy_J;
    if (kind == AdcKind::ramp)
        return std::ldexp(1.0, bits) * (comparator_energy_J + count_step_energy_J);
    return fom_J * std::ldexp(1.0, bits);
}

double AdcSpec::latency_s() const {
    if (ideal()) return 0.0;
    switch (kind) {
    case AdcKind::flash: return 1.0 / clock_Hz;
    case AdcKind::ramp: return std::ldexp(1.0, bits) / clock_Hz;
    case AdcKind::sar: break;
    }
    return static_cast<double>(bits) / clock_Hz;
}

int AdcSpec::comparators() const {
    if (ideal()) return 0;
    return kind == AdcKind::flash ? (1 << bits) - 1 : 1;
}

double AdcSpec::gates() const {
    if (ideal()) return 0.0;
    // Gate equivalents (NAND2 area units, see technology.h), first-order and assumed:
    // flash: per level a comparator and a gate of the thermometer-to-binary encoder;
    // SAR: the comparator, a register and control flip-flop per bit with about four gates of
    // logic each, and a binary-weighted capacitor array of 2^bits unit capacitors of about one
    // gate's area each; ramp: the comparator, a counter (a flip-flop and two gates a bit) and
    // a latch per bit holding the count (the ramp generator, shared by many columns, is not
    // counted).
    if (kind == AdcKind::flash) return comparators() * (Technology::kComparatorGates + 1.0);
    if (kind == AdcKind::ramp)
        return Technology::kComparatorGates +
               bits * (Technology::kFlipFlopGates + 2.0 + Technology::kLatchGates);
    return Technology::kComparatorGates + bits * (2.0 * Technology::kFlipFlopGates + 4.0) +
           std::ldexp(1.0, bits);
}

const SpecTable<AdcSpec>& AdcSpec::table() {
    static const SpecTable<AdcSpec> table = [] {
        SpecTable<AdcSpec> t;
        t.choice<AdcKind>(
            "kind", NEUROTLM_FIELD(kind),
            {{"sar", AdcKind::sar}, {"flash", AdcKind::flash}, {"ramp", AdcKind::ramp}}, "sar",
            "sar: one bit a cycle, E = FoM x 2^bits; flash (or a multilevel sense "
            "amplifier): 2^bits - 1 comparators decide all bits in one cycle; ramp "
            "(single slope): one comparator and a counter, 2^bits cycles");
        t.integer("bits", NEUROTLM_FIELD(bits), 5,
                  "ADC resolution; 0 = ideal converter (no quantisation, free)", 0, 16);
        t.integer("shared_by_columns", NEUROTLM_FIELD(shared_by_columns), 8,
                  "columns multiplexed onto one ADC", 1);
        t.positive("fom", Unit::joule, NEUROTLM_FIELD(fom_J), 10e-15,
                   "Walden figure of merit, energy per conversion step (E = FoM * 2^bits); the "
                   "default 10 fJ is typical of SAR ADCs, configurable");
        t.number("comparator_energy", Unit::joule, NEUROTLM_FIELD(comparator_energy_J), 0.0,
                 "flash and ramp: energy of one comparator decision; 0 = derived from the "
                 "technology (a clocked comparator of 8 gate equivalents switching)",
                 0.0, 1e-9);
        t.number("count_step_energy", Unit::joule, NEUROTLM_FIELD(count_step_energy_J), 0.0,
                 "ramp: energy of one count of the counter; 0 = derived from the technology "
                 "(two flip-flops toggle per increment on average)",
                 0.0, 1e-9);
        t.positive(
            "clock", Unit::hertz, NEUROTLM_FIELD(clock_Hz), 1e9,
            "converter clock: SAR decides one bit a cycle, flash all bits in one, ramp counts one "
            "step a cycle");
        t.number("area", Unit::square_metre, NEUROTLM_FIELD(area_per_adc_m2), 0.0,
                 "area of one ADC; 0 = derived from its gate count in the technology", 0.0);
        t.number("leakage", Unit::watt, NEUROTLM_FIELD(leakage_per_adc_W), 0.0,
                 "static power of one ADC; 0 = derived from its gate count in the technology", 0.0);
        return t;
    }();
    return table;
}

const SpecTable<DacSpec>& DacSpec::table() {
    static const SpecTable<DacSpec> table = [] {
        SpecTable<DacSpec> t;
        t.integer("bits", NEUROTLM_FIELD(bits), 1,
                  "row-driver resolution: input bits applied per read", 1, 8);
        t.number("energy", Unit::joule, NEUROTLM_FIELD(energy_per_conversion_J), 0.0,
                 "energy of one word-line activation (a row driven for one input slice and one "
                 "column-multiplexer phase); 0 = derived: the word line's wire and access-gate "
                 "capacitance charged to vdd, plus the input latch",
                 0.0);
        t.number("latency", Unit::second, NEUROTLM_FIELD(latency_s), 0.0,
                 "settling time of a row driver, added to each read phase (default 0: assumed "
                 "hidden in the read window)",
                 0.0);
        t.number("area", Unit::square_metre, NEUROTLM_FIELD(area_per_dac_m2), 0.0,
                 "area of one row driver with its input latch and switch matrix; 0 = derived "
                 "from its gate count in the technology",
                 0.0);
        return t;
    }();
    return table;
}

} // namespace neurotlm
