#include "neurotlm/blocks/controller/nonlinear_unit.h"

#include <cmath>

namespace neurotlm {

namespace {
constexpr double kMux2Gates = 2.3; // Nangate 45 nm MUX2_X1 1.86 um^2 over NAND2_X1 0.80 um^2
constexpr double kActivity = 0.5;
} // namespace

double NonlinearUnitSpec::energy_J(const Technology& tech) const {
    const double ge = tech.gate_energy_J();
    if (kind == NonlinearKind::lut) {
        const double entries = std::ldexp(1.0, input_bits);
        // Every multiplexer's select input sees the address change half the time; one path of
        // input_bits multiplexers per output bit carries the data.
        return kActivity * ge *
               ((entries - 1.0) * output_bits + kMux2Gates * input_bits * output_bits);
    }
    return (segments - 1) * tech.compare_energy_J(input_bits) +
           input_bits * output_bits * tech.full_adder_energy_J + tech.add_energy_J(output_bits);
}

double NonlinearUnitSpec::gates() const {
    if (kind == NonlinearKind::lut)
        return (std::ldexp(1.0, input_bits) - 1.0) * output_bits * kMux2Gates;
    return (segments - 1) * input_bits * Technology::kFullAdderGates +
           (input_bits * output_bits + output_bits) * Technology::kFullAdderGates +
           segments * 2.0 * output_bits * Technology::kFlipFlopGates;
}

const SpecTable<NonlinearUnitSpec>& NonlinearUnitSpec::table() {
    static const SpecTable<NonlinearUnitSpec> table = [] {
        SpecTable<NonlinearUnitSpec> t;
        t.choice<NonlinearKind>("kind", NEUROTLM_FIELD(kind),
                                {{"lut", NonlinearKind::lut}, {"pwl", NonlinearKind::pwl}}, "lut",
                                "how a sigmoid, tanh or reverse sigmoid is computed: \"lut\" (a "
                                "table of 2^input_bits entries, one cycle) or \"pwl\" (straight "
                                "pieces: compare with the breakpoints, multiply-add; two cycles)");
        t.integer("input_bits", NEUROTLM_FIELD(input_bits), 8,
                  "width of the (saturated) sum the function takes", 1, 16);
        t.integer("output_bits", NEUROTLM_FIELD(output_bits), 8, "width of the activation", 1, 32);
        t.integer("segments", NEUROTLM_FIELD(segments), 8, "pwl: straight pieces of the curve", 2,
                  256);
        return t;
    }();
    return table;
}

} // namespace neurotlm
