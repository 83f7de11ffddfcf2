// The digital neuron's prices against the circuits they describe, worked by hand.
#include "neurotlm/blocks/controller/nonlinear_unit.h"

#include <gtest/gtest.h>

namespace neurotlm {
namespace {

TEST(NonlinearUnit, ALookUpTableIsAMultiplexerTree) {
    const Technology& t = *Technology::preset("22nm");
    NonlinearUnitSpec s; // lut, 8 bits in, 8 out
    const double ge = t.full_adder_energy_J / 5.3;
    // 255 multiplexers per output bit; their selects toggle half the time; 8 levels carry data.
    EXPECT_NEAR(s.energy_J(t), 0.5 * ge * (255 * 8 + 2.3 * 8 * 8), 1e-21);
    EXPECT_DOUBLE_EQ(s.gates(), 255 * 8 * 2.3);
    EXPECT_EQ(s.cycles(), 1);
    // One more input bit doubles the table.
    NonlinearUnitSpec wide = s;
    wide.input_bits = 9;
    EXPECT_NEAR(wide.gates(), 511 * 8 * 2.3, 1e-9);
}

TEST(NonlinearUnit, PiecewiseLinearIsComparesAMultiplyAndAnAdd) {
    const Technology& t = *Technology::preset("22nm");
    NonlinearUnitSpec s;
    s.kind = NonlinearKind::pwl;
    s.segments = 8;
    const double fa = t.full_adder_energy_J;
    // 7 breakpoint comparisons of 8 bits, an 8 x 8 array multiplier, an 8-bit add.
    EXPECT_NEAR(s.energy_J(t), (7 * 8 + 64 + 8) * fa, 1e-21);
    EXPECT_DOUBLE_EQ(s.gates(), (7 * 8 + 64 + 8) * 5.3 + 8 * 2 * 8 * 5.7);
    EXPECT_EQ(s.cycles(), 2);
    // At 8 bits the arithmetic is cheaper per evaluation and far smaller than the table.
    NonlinearUnitSpec lut;
    EXPECT_LT(s.gates(), lut.gates());
    EXPECT_LT(s.energy_J(t), lut.energy_J(t));
}

TEST(NonlinearUnit, StructDefaultsAreTheTableDefaults) {
    const auto mismatches = NonlinearUnitSpec::table().default_mismatches();
    EXPECT_TRUE(mismatches.empty()) << mismatches.front();
}

} // namespace
} // namespace neurotlm
