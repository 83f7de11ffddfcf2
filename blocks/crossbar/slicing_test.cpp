// Weight bit-slicing: a weight_bits code spread over cells of floor(log2(levels)) bits and
// recombined by shift-and-add reproduces exact integer products with ideal devices, in every
// encoding; the counts behind the periphery's energy (word-line activations, conversions,
// shift-adds) are what the slices say; a tile that cannot hold a weight is refused with the
// arithmetic; the periphery derived from the technology is never zero where it exists.

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/blocks/crossbar/crossbar.h"
#include "neurotlm/core/error.h"
#include "neurotlm/core/rng.h"

namespace neurotlm {
namespace {

CellSpec sliced_rram(int levels) {
    return CellSpec::from_json(
        {{"type", "rram"}, {"r_on", 100e3}, {"r_off", 1.7e6}, {"levels", levels}});
}

/// Sliced, every non-ideality off, one DAC slice per input bit.
CrossbarSpec sliced_spec(int rows, int cols, int levels, WeightMapping mapping, int weight_bits) {
    CrossbarSpec s;
    s.rows = rows;
    s.cols = cols;
    s.cell = sliced_rram(levels);
    s.mapping = mapping;
    s.weight_bits = weight_bits;
    s.input_bits = 4;
    s.dac.bits = 1;
    s.adc.bits = 0;
    s.read_noise = false;
    s.variation = false;
    return s;
}

struct Case {
    const char* name;
    WeightMapping mapping;
    int levels;
    int columns_per_weight; // 8-bit weights
};

const Case kCases[] = {
    {"offset, 1-bit cells", WeightMapping::offset, 2, 8},
    {"offset, 2-bit cells", WeightMapping::offset, 4, 4},
    {"twos_complement, 1-bit cells", WeightMapping::twos_complement, 2, 8},
    {"twos_complement, 4-bit cells", WeightMapping::twos_complement, 16, 3},
    {"differential, 1-bit cells", WeightMapping::differential, 2, 14},
    {"differential, 3 levels (1 bit used)", WeightMapping::differential, 3, 14},
};

// Weights that are exact 8-bit codes (c / 127 * w_max) and inputs that are exact 4-bit codes
// (q / 15 * x_max): the product the tile returns must be the integer sum, to float rounding,
// with an ideal converter and with a 12-bit converter whose step the signals fall on, so
// shift-and-add itself loses nothing.
TEST(Slicing, ShiftAddReconstructsExactIntegerProducts) {
    const int rows = 16;
    for (const Case& c : kCases) {
        for (int adc_bits : {0, 12}) {
            CrossbarSpec s = sliced_spec(rows, 4 * c.columns_per_weight, c.levels, c.mapping, 8);
            s.adc.bits = adc_bits;
            s.adc.shared_by_columns = 1;
            ASSERT_EQ(s.columns_per_weight(), c.columns_per_weight) << c.name;
            Crossbar xb(s, RngStream(3, "xb"));
            ASSERT_EQ(xb.logical_cols(), 4) << c.name;
            RngStream r(7, "codes");
            std::vector<float> w(rows * 4), x(rows);
            std::vector<long> wc(w.size()), xc(x.size());
            for (std::size_t k = 0; k < w.size(); ++k) {
                wc[k] = static_cast<long>(std::floor(r.uniform() * 255.0)) - 127;
                w[k] = static_cast<float>(wc[k]) / 127.0f * 2.0f;
            }
            for (std::size_t k = 0; k < x.size(); ++k) {
                xc[k] = static_cast<long>(std::floor(r.uniform() * 31.0)) - 15;
                x[k] = static_cast<float>(xc[k]) / 15.0f * 0.5f;
            }
            xb.program(w.data(), rows, 4, 2.0f);
            xb.set_input_range(0.5f);
            // The converter's step: half an input range, the lattice every signal lies on
            // (digits, less the reference's half digit, times whole input slices), so that a
            // converted signal is exact; 2047 steps cover every signal here.
            xb.set_output_range(2047 * 0.25f);
            std::vector<float> y(4);
            xb.mvm(x.data(), y.data());
            for (int j = 0; j < 4; ++j) {
                long exact = 0;
                for (int i = 0; i < rows; ++i)
                    exact +=
                        wc[static_cast<std::size_t>(i) * 4 + j] * xc[static_cast<std::size_t>(i)];
                const double expected = exact * (2.0 / 127.0) * (0.5 / 15.0);
                EXPECT_NEAR(y[j], expected, 1e-4)
                    << c.name << ", adc " << adc_bits << ", col " << j;
            }
        }
    }
}

TEST(Slicing, NominalWeightsAreTheNearestCode) {
    const CrossbarSpec s = sliced_spec(8, 64, 2, WeightMapping::offset, 8);
    EXPECT_FLOAT_EQ(Crossbar::nominal_weight(s, 0.0f, 1.0f), 0.0f);
    EXPECT_FLOAT_EQ(Crossbar::nominal_weight(s, 0.3f, 1.0f), 38.0f / 127.0f); // 38.1 -> 38
    EXPECT_FLOAT_EQ(Crossbar::nominal_weight(s, -2.0f, 1.0f), -1.0f);         // clipped
    // Analog, 2 levels on a differential pair: only the sign survives; 0.3 rounds to 0.
    CrossbarSpec a = s;
    a.weight_bits = 0;
    a.mapping = WeightMapping::differential;
    EXPECT_FLOAT_EQ(Crossbar::nominal_weight(a, 0.3f, 1.0f), 0.0f);
    EXPECT_FLOAT_EQ(Crossbar::nominal_weight(a, 0.7f, 1.0f), 1.0f);
}

// Word-line activations: per input slice, the rows whose bit is 1, once per multiplexer phase.
// With one converter per signal there is one phase, so the count is the number of 1 bits.
TEST(Slicing, RowDriverActivationsAreTheOneBitsOfTheSlices) {
    for (int shared : {1, 4}) {
        CrossbarSpec s = sliced_spec(8, 64, 2, WeightMapping::offset, 8);
        s.adc.bits = 5;
        s.adc.shared_by_columns = shared;
        Crossbar xb(s, RngStream(1, "xb"));
        const std::vector<float> w(8 * 8, 0.25f);
        xb.program(w.data(), 8, 8, 1.0f);
        xb.set_input_range(15.0f);
        // Input codes 0..7 (4-bit inputs): 0,1,1,2,1,2,2,3 one bits = 12.
        std::vector<float> x(8), y(8);
        int ones = 0;
        for (int i = 0; i < 8; ++i) {
            x[i] = static_cast<float>(i);
            for (int b = i; b; b >>= 1)
                ones += b & 1;
        }
        ASSERT_EQ(ones, 12);
        const CrossbarCost c = xb.mvm(x.data(), y.data());
        const std::uint64_t signals = 8 * 8; // 8 weights x 8 slices
        const std::uint64_t rounds = (signals + xb.adc_count() - 1) / xb.adc_count();
        EXPECT_EQ(rounds, static_cast<std::uint64_t>(shared));
        EXPECT_EQ(c.dac_conversions, 12u * rounds) << "shared by " << shared;
        EXPECT_EQ(c.adc_conversions, 4u * signals); // 4 input slices
        EXPECT_EQ(c.mux_phases, 4u * rounds);
        // Every conversion is shifted and added; the offset-binary zero costs one add per
        // driven row (the inputs' sum) and one per output.
        EXPECT_EQ(c.shift_adds, 4u * signals + 7u + 8u);
    }
}

TEST(Slicing, ATileThatCannotHoldAWeightIsRefusedWithTheArithmetic) {
    CrossbarSpec s = sliced_spec(8, 4, 2, WeightMapping::offset, 8);
    const std::string why = s.slicing_problem();
    EXPECT_NE(why.find("weight_bits 8 on cells of 2 levels (1 bit(s) per cell) takes 8 slices = 8 "
                       "columns per weight with the offset mapping, but the tile has 4 columns"),
              std::string::npos)
        << why;
    EXPECT_THROW(Crossbar(s, RngStream()), InputError);
    s.weight_bits = 1;
    EXPECT_NE(s.slicing_problem().find("0 (analog) or 2 to 16"), std::string::npos);
    s.weight_bits = 0;
    s.mapping = WeightMapping::twos_complement;
    EXPECT_NE(s.slicing_problem().find("needs weight_bits > 0"), std::string::npos);
    // 16-level cells hold 4 bits: 8-bit offset codes take 2 columns.
    CrossbarSpec ok = sliced_spec(8, 4, 16, WeightMapping::offset, 8);
    EXPECT_EQ(ok.slicing_problem(), "");
    EXPECT_EQ(ok.logical_cols(), 2);
}

TEST(Slicing, EveryPartOfTheDerivedPeripheryHasAreaAndPrice) {
    const Technology& t = *Technology::preset("22nm");
    CrossbarSpec s = sliced_spec(128, 128, 2, WeightMapping::offset, 8);
    s.input_bits = 8;
    s.adc.bits = 5;
    s.adc.kind = AdcKind::flash;
    s.adc.shared_by_columns = 8;
    s.cell.area_m2 = 0.023232e-12;
    s.derive_periphery(t);
    Crossbar xb(s, RngStream(1, "xb"));
    for (const auto& part : xb.area_parts_m2())
        EXPECT_GT(part.second, 0.0) << part.first;
    for (const ActionPrice& a : xb.energy_table())
        // (the array read is priced per read, the cell write by the device)
        if (a.name != "array_read" && a.name != "cell_write") EXPECT_GT(a.energy_J, 0.0) << a.name;
    EXPECT_GT(xb.leakage_W(), 0.0);
    // Flash: 31 comparators of 8 gate equivalents each switching once.
    EXPECT_DOUBLE_EQ(s.adc.energy_per_conversion_J(), 31 * 8 * t.gate_energy_J());
    // The row driver charges the word line to vdd and the source line to the read voltage
    // (both the same capacitance), the switch matrix's gates to vdd, and latches a bit.
    const double c_line = 129 * (std::sqrt(0.023232e-12) * t.wire_cap_F_per_m + t.gate_cap_F);
    EXPECT_DOUBLE_EQ(s.word_line_capacitance_F(t), c_line);
    const double v = t.vdd_V, vr = s.cell.read_voltage_V;
    EXPECT_NEAR(s.dac.energy_per_conversion_J,
                c_line * (v * v + vr * vr) + 64 * t.gate_cap_F * v * v + 3 * t.gate_energy_J(),
                1e-24);
    // 16 converters (128 signals / 8), each with a shift-adder of the partial-sum width:
    // 5 (code) + 7 (input slices) + 7 (weight slices) + 1 (sign) = 20 bits.
    EXPECT_EQ(s.adc_count(), 16);
    EXPECT_EQ(s.partial_sum_bits(), 20);
}

TEST(Slicing, ARampConverterCountsInTheTechnology) {
    const Technology& t = *Technology::preset("22nm");
    CrossbarSpec s = sliced_spec(128, 128, 2, WeightMapping::offset, 8);
    s.adc.bits = 5;
    s.adc.kind = AdcKind::ramp;
    s.derive_periphery(t);
    // 32 steps, each a comparator decision (8 GE) and a counter step (two flip-flops toggle).
    EXPECT_DOUBLE_EQ(s.adc.energy_per_conversion_J(), 32 * (8 + 2 * 5.7) * t.gate_energy_J());
    EXPECT_DOUBLE_EQ(s.adc.area_per_adc_m2, t.area_m2(8 + 5 * (5.7 + 2 + 3)));
    EXPECT_NEAR(s.adc.latency_s(), 32e-9, 1e-20);
    Crossbar xb(s, RngStream(1, "xb"));
    EXPECT_GT(xb.area_m2(), 0.0);
}

} // namespace
} // namespace neurotlm
