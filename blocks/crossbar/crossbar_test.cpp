#include "neurotlm/blocks/crossbar/crossbar.h"

#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"

namespace neurotlm {
namespace {

CellSpec rram(double r_on_ohm, double r_off_ohm, int levels) {
    return CellSpec::from_json(
        {{"type", "rram"}, {"r_on", r_on_ohm}, {"r_off", r_off_ohm}, {"levels", levels}});
}

/// A spec with every non-ideality off: ideal ADC, one read per input.
CrossbarSpec ideal_spec(int rows, int cols, const CellSpec& cell) {
    CrossbarSpec s;
    s.rows = rows;
    s.cols = cols;
    s.cell = cell;
    s.adc.bits = 0;
    s.dac.bits = 8;
    s.input_bits = 8;
    s.read_noise = false;
    s.variation = false;
    return s;
}

/// Reference y = W^T x in double, W row-major rows x cols.
std::vector<double> reference_gemv(const std::vector<float>& w, const std::vector<float>& x,
                                   int rows, int cols) {
    std::vector<double> y(static_cast<size_t>(cols), 0.0);
    for (int i = 0; i < rows; ++i)
        for (int j = 0; j < cols; ++j)
            y[j] += double(x[i]) * w[size_t(i) * cols + j];
    return y;
}

TEST(Crossbar, ReadEnergyIsSumV2GtOnA3x2Array) {
    // r_on 10 kohm, r_off 100 kohm, binary: g_min = 1e-5 S, g_max = 1e-4 S. One logical
    // column on two physical columns. Weights (+1, -1, 0) with w_max 1 give
    //   row 0: G+ = 1e-4, G- = 1e-5   (row sum 1.1e-4 S)
    //   row 1: G+ = 1e-5, G- = 1e-4   (row sum 1.1e-4 S)
    //   row 2: G+ = 1e-5, G- = 1e-5   (row sum 2e-5 S)
    // Inputs x = (1, 1/3, -1), x_max 1, 2-bit inputs: codes (3, 1, -3); read voltage 0.2 V,
    // read time 10 ns.
    CrossbarSpec s = ideal_spec(3, 2, rram(10e3, 100e3, 2));
    s.input_bits = 2;
    s.dac.bits = 2;
    s.cell.read_voltage_V = 0.2;
    s.read_time_s = 10e-9;
    Crossbar xb(s, RngStream(1, "xb"));
    const float w[3] = {1.0f, -1.0f, 0.0f};
    xb.program(w, 3, 1, 1.0f);
    const std::vector<double> g_expected = {1e-4, 1e-5, 1e-5, 1e-4, 1e-5, 1e-5};
    for (size_t k = 0; k < 6; ++k)
        EXPECT_NEAR(xb.conductances_S()[k], g_expected[k], 1e-18);

    const float x[3] = {1.0f, 1.0f / 3.0f, -1.0f};
    float y = 0.0f;
    // One slice: V = (0.2, 0.2/3, -0.2) V.
    //   E = 10 ns * (0.04 * 1.1e-4 + 0.04/9 * 1.1e-4 + 0.04 * 2e-5)
    //     = 10 ns * (4.4e-6 + 4.888889e-7 + 8e-7) W = 5.688889e-14 J
    CrossbarCost c = xb.mvm(x, &y);
    EXPECT_NEAR(c.array_energy_J, 5.6888889e-14, 1e-20);
    EXPECT_NEAR(y, 1.0 - 1.0 / 3.0, 1e-6);
    EXPECT_EQ(c.reads, 1u);
    EXPECT_EQ(c.dac_conversions, 3u);
    EXPECT_EQ(c.adc_conversions, 0u);
    EXPECT_EQ(c.columns_sensed, 1u);

    // Two 1-bit slices: codes 3 = 0b11, 1 = 0b01, 3 = 0b11.
    //   slice 0 drives (0.2, 0.2, -0.2) V: 0.04 * (1.1e-4 + 1.1e-4 + 2e-5) = 9.6e-6 W
    //   slice 1 drives (0.2, 0, -0.2) V:   0.04 * (1.1e-4 + 2e-5)          = 5.2e-6 W
    //   E = 10 ns * 14.8e-6 W = 1.48e-13 J
    s.dac.bits = 1;
    Crossbar sliced(s, RngStream(1, "xb"));
    sliced.program(w, 3, 1, 1.0f);
    c = sliced.mvm(x, &y);
    EXPECT_NEAR(c.array_energy_J, 1.48e-13, 1e-20);
    EXPECT_NEAR(y, 1.0 - 1.0 / 3.0, 1e-6);
    EXPECT_EQ(c.reads, 2u);
}

TEST(Crossbar, PairsRestingAtGMaxHoldTheSameWeightsAtMoreReadEnergy) {
    // IMAC-Sim's ternary pairs: +1 -> (R_low, R_high), -1 -> (R_high, R_low), 0 -> (R_low,
    // R_low). With g_min = 1e-5 S and g_max = 1e-4 S:
    //   row 0 (+1): (1e-4, 1e-5); row 1 (-1): (1e-5, 1e-4); row 2 (0): (1e-4, 1e-4).
    CrossbarSpec s = ideal_spec(3, 2, rram(10e3, 100e3, 2));
    s.input_bits = 2;
    s.dac.bits = 2;
    s.cell.read_voltage_V = 0.2;
    s.read_time_s = 10e-9;
    s.zero_level = PairZero::g_max;
    Crossbar xb(s, RngStream(1, "xb"));
    const float w[3] = {1.0f, -1.0f, 0.0f};
    xb.program(w, 3, 1, 1.0f);
    const std::vector<double> g_expected = {1e-4, 1e-5, 1e-5, 1e-4, 1e-4, 1e-4};
    for (size_t k = 0; k < 6; ++k)
        EXPECT_NEAR(xb.conductances_S()[k], g_expected[k], 1e-18) << k;
    for (int i = 0; i < 3; ++i)
        EXPECT_NEAR(xb.effective_weights()[static_cast<size_t>(i)], w[i], 1e-6);
    // Same output; the zero row now draws 2e-4 S: 10 ns * (4.4e-6 + 4.888889e-7 + 0.04 * 2e-4).
    const float x[3] = {1.0f, 1.0f / 3.0f, -1.0f};
    float y = 0.0f;
    const CrossbarCost c = xb.mvm(x, &y);
    EXPECT_NEAR(y, 1.0 - 1.0 / 3.0, 1e-6);
    EXPECT_NEAR(c.array_energy_J, 10e-9 * (4.4e-6 + 4.888889e-7 + 0.04 * 2e-4), 1e-20);
}

TEST(Crossbar, ReadEnergyMatchesConductanceMatrixWithVariation) {
    // Any programmed state: E = t * sum_ij V_i^2 G_ij over the slices, computed here from the
    // conductance matrix cell by cell.
    CrossbarSpec s = ideal_spec(16, 8, rram(5e3, 50e3, 4));
    s.cell.variation_sigma = 0.2;
    s.variation = true;
    s.input_bits = 4;
    s.dac.bits = 4;
    Crossbar xb(s, RngStream(7, "xb"));
    RngStream r(3, "w");
    std::vector<float> w(16 * 4), x(16);
    for (auto& v : w)
        v = float(r.uniform() * 2 - 1);
    for (auto& v : x)
        v = float(std::round(r.uniform() * 30 - 15) / 15.0);
    xb.program(w.data(), 16, 4, 1.0f);
    std::vector<float> y(4);
    const CrossbarCost c = xb.mvm(x.data(), y.data());
    double p = 0.0;
    for (int i = 0; i < 16; ++i)
        for (int j = 0; j < 8; ++j) {
            const double v = x[i] * s.cell.read_voltage_V;
            p += v * v * xb.conductances_S()[size_t(i) * 8 + j];
        }
    EXPECT_NEAR(c.array_energy_J, p * s.read_time_s, 1e-6 * p * s.read_time_s);
}

TEST(Crossbar, IdealMvmEqualsFloatGemv128) {
    // 17 levels: weights k/16 map exactly onto the differential levels, inputs q/255 onto the
    // 8-bit input grid, so the ideal crossbar must reproduce the plain GEMV.
    CrossbarSpec s = ideal_spec(128, 256, rram(10e3, 1e6, 17));
    Crossbar xb(s, RngStream(11, "xb"));
    ASSERT_EQ(xb.logical_cols(), 128);
    RngStream r(5, "data");
    for (int trial = 0; trial < 2; ++trial) {
        const int ru = trial == 0 ? 128 : 77;
        const int cu = trial == 0 ? 128 : 45;
        std::vector<float> w(size_t(ru) * cu), x(128, 0.0f);
        for (auto& v : w)
            v = float(int(r.below(33)) - 16) / 16.0f * 0.5f;
        for (int i = 0; i < ru; ++i)
            x[i] = float(int(r.below(511)) - 255) / 255.0f * 2.0f;
        xb.program(w.data(), ru, cu, 0.5f);
        xb.set_input_range(2.0f);
        EXPECT_EQ(xb.rows_used(), ru);
        EXPECT_EQ(xb.cols_used(), cu);
        std::vector<float> y(128, -1.0f);
        const CrossbarCost c = xb.mvm(x.data(), y.data());
        const std::vector<double> ref = reference_gemv(w, x, ru, cu);
        for (int j = 0; j < cu; ++j)
            EXPECT_NEAR(y[j], ref[j], 1e-4) << trial << " col " << j;
        for (int j = cu; j < 128; ++j)
            EXPECT_NEAR(y[j], 0.0, 1e-5);
        EXPECT_EQ(c.columns_sensed, std::uint64_t(cu));
    }
}

TEST(Crossbar, RandomWeightsQuantiseToNearestLevel) {
    // 5 levels: |w| snaps to the nearest multiple of w_max/4.
    CrossbarSpec s = ideal_spec(32, 64, rram(10e3, 100e3, 5));
    Crossbar xb(s, RngStream(1, "xb"));
    RngStream r(2, "w");
    std::vector<float> w(32 * 32);
    for (auto& v : w)
        v = float(r.uniform() * 2.0 - 1.0);
    xb.program(w.data(), 32, 32, 1.0f);
    for (size_t k = 0; k < w.size(); ++k) {
        const double snapped = std::round(w[k] * 4.0) / 4.0;
        EXPECT_NEAR(xb.effective_weights()[k], snapped, 1e-6) << w[k];
    }
    // And reads multiply by exactly those weights (inputs on the 8-bit grid).
    std::vector<float> x(32), y(32);
    for (auto& v : x)
        v = float(int(r.below(511)) - 255) / 255.0f;
    xb.mvm(x.data(), y.data());
    const std::vector<double> ref = reference_gemv(xb.effective_weights(), x, 32, 32);
    for (int j = 0; j < 32; ++j)
        EXPECT_NEAR(y[j], ref[j], 1e-4);
}

TEST(Crossbar, InputsAreClippedAndQuantised) {
    CrossbarSpec s = ideal_spec(2, 2, rram(10e3, 100e3, 2));
    s.input_bits = 2; // magnitudes 0, 1/3, 2/3, 1
    s.dac.bits = 2;
    Crossbar xb(s, RngStream(1, "xb"));
    const float w[2] = {1.0f, 1.0f};
    xb.program(w, 2, 1, 1.0f);
    float y = 0.0f;
    const float x1[2] = {0.4f, 0.0f}; // -> 1/3
    xb.mvm(x1, &y);
    EXPECT_NEAR(y, 1.0 / 3.0, 1e-6);
    const float x2[2] = {5.0f, -0.9f}; // -> 1 and -1
    xb.mvm(x2, &y);
    EXPECT_NEAR(y, 0.0, 1e-6);
    const float x3[2] = {std::nanf(""), 0.0f};
    EXPECT_THROW(xb.mvm(x3, &y), InputError);
}

TEST(Crossbar, OffsetMappingSubtractsTheReference) {
    // 5 levels over [-w_max, w_max]: weights in steps of 0.5 are exact.
    CrossbarSpec s = ideal_spec(4, 3, rram(10e3, 100e3, 5));
    s.mapping = WeightMapping::offset;
    Crossbar xb(s, RngStream(1, "xb"));
    ASSERT_EQ(xb.logical_cols(), 3);
    const std::vector<float> w = {1.0f, -1.0f, 0.0f,  0.5f,  -0.5f, 1.0f,
                                  0.0f, 0.0f,  -1.0f, -0.5f, 0.5f,  0.5f};
    xb.program(w.data(), 4, 3, 1.0f);
    const std::vector<float> x = {1.0f, -1.0f, 128.0f / 255.0f, 0.0f};
    std::vector<float> y(3);
    const CrossbarCost c = xb.mvm(x.data(), y.data());
    const std::vector<double> ref = reference_gemv(w, x, 4, 3);
    for (int j = 0; j < 3; ++j)
        EXPECT_NEAR(y[j], ref[j], 1e-5);
    // Energy includes the reference column, G_ref = (g_min + g_max) / 2 = 5.5e-5 S, per row.
    double p = 0.0;
    for (int i = 0; i < 4; ++i) {
        double g = 5.5e-5;
        for (int j = 0; j < 3; ++j)
            g += xb.conductances_S()[size_t(i) * 3 + j];
        p += std::pow(x[i] * s.cell.read_voltage_V, 2) * g;
    }
    EXPECT_NEAR(c.array_energy_J, p * s.read_time_s, 1e-6 * p * s.read_time_s);
}

TEST(Crossbar, AdcErrorIsBoundedByHalfAnLsb) {
    for (int dac_bits : {8, 2, 1}) {
        SCOPED_TRACE(dac_bits);
        CrossbarSpec s = ideal_spec(64, 64, rram(10e3, 100e3, 9));
        Crossbar ideal(s, RngStream(4, "xb"));
        s.adc.bits = 6;
        s.dac.bits = dac_bits;
        Crossbar adc(s, RngStream(4, "xb"));
        RngStream r(9, "data");
        std::vector<float> w(64 * 32), x(64), y0(32), y1(32);
        for (auto& v : w)
            v = float(r.uniform() * 2 - 1);
        ideal.program(w.data(), 64, 32, 1.0f);
        adc.program(w.data(), 64, 32, 1.0f);
        // One read: a full scale of 8 covers these outputs. Bit-sliced reads drive every slice
        // at full-scale voltages, so a slice's output can exceed the final |y|: keep the
        // default range there, the largest output the weights allow (no slice ever clips).
        if (dac_bits == 8) adc.set_output_range(8.0f);
        const double fs = adc.effective_output_range();
        double col_max = 0.0;
        for (int j = 0; j < 32; ++j) {
            double sum = 0.0;
            for (int i = 0; i < 64; ++i)
                sum += std::fabs(ideal.effective_weights()[i * 32 + j]);
            col_max = std::max(col_max, sum);
        }
        if (dac_bits != 8) EXPECT_NEAR(fs, col_max, 1e-5 * col_max);
        // Mid-tread 6-bit converter: codes -31..31, LSB = FS / 31. Slices recombine with
        // weights that sum to 1, so the bound on the sum is the same half LSB as for one
        // conversion.
        const double half_lsb = 0.5 * fs / 31.0;
        double worst = 0.0;
        for (int trial = 0; trial < 50; ++trial) {
            for (auto& v : x)
                v = float(r.uniform() * 2 - 1) * 0.5f;
            ideal.mvm(x.data(), y0.data());
            const CrossbarCost c = adc.mvm(x.data(), y1.data());
            EXPECT_EQ(c.adc_conversions, std::uint64_t(c.reads) * 32);
            for (int j = 0; j < 32; ++j) {
                ASSERT_LE(std::fabs(y0[j]), fs) << "test inputs must stay in range";
                worst = std::max(worst, std::fabs(double(y1[j]) - y0[j]));
            }
        }
        EXPECT_LE(worst, half_lsb * (1 + 1e-5));
        EXPECT_GT(worst, 0.0); // it does quantise
    }
}

TEST(Crossbar, AdcClipsBeyondFullScale) {
    CrossbarSpec s = ideal_spec(4, 2, rram(10e3, 100e3, 2));
    s.adc.bits = 4;
    Crossbar xb(s, RngStream(1, "xb"));
    const float w[4] = {1, 1, 1, 1};
    xb.program(w, 4, 1, 1.0f);
    // Default range: the largest |y| these weights can give, 4 * x_max * 1 = 4.
    EXPECT_FLOAT_EQ(xb.effective_output_range(), 4.0f);
    xb.set_output_range(1.0f);
    const float x[4] = {1, 1, 1, 1};
    float y = 0;
    xb.mvm(x, &y);
    // Top code of a 4-bit mid-tread converter over [-1, 1]: 7 steps of 1/7, i.e. 1.
    EXPECT_NEAR(y, 1.0, 1e-6);
}

TEST(Crossbar, AdcReadsZeroAsZero) {
    // A mid-tread converter has a zero code: silent columns and empty slices add nothing,
    // however many slices are summed.
    CrossbarSpec s = ideal_spec(4, 2, rram(10e3, 100e3, 2));
    s.adc.bits = 5;
    s.dac.bits = 1;
    s.input_bits = 8;
    Crossbar xb(s, RngStream(1, "xb"));
    const float w[4] = {0, 0, 0, 0};
    xb.program(w, 4, 1, 1.0f);
    xb.set_output_range(1.0f);
    const float x[4] = {0.3f, 0.9f, 0.0f, 1.0f};
    float y = 1.0f;
    xb.mvm(x, &y);
    EXPECT_EQ(y, 0.0f);
}

TEST(Crossbar, MaxSliceOutputCoversEverySliceRead) {
    // Two rows of weight 1, inputs 0.5 and 0.25 of x_max = 1, 8-bit codes, 1-bit slices: 0.5 ->
    // code 128 (bit 7), 0.25 -> 64 (bit 6). Slice 7 drives row 0 at full scale (1.0), slice 6 row 1
    // (1.0): the largest single read is 1.0, twice the final output's largest term and more than
    // the final |y| = 0.75.
    const float w[2] = {1.0f, 1.0f};
    const float x[2] = {0.5f, 0.25f};
    EXPECT_FLOAT_EQ(Crossbar::max_slice_output(w, 2, 1, x, 1.0f, 8, 1), 1.0f);
    // One slice of 8 bits: the read is the quantised product itself.
    EXPECT_NEAR(Crossbar::max_slice_output(w, 2, 1, x, 1.0f, 8, 8), 0.75f, 1.0f / 255);
}

TEST(Crossbar, VariationIsLognormalAroundTheLevel) {
    CrossbarSpec s = ideal_spec(64, 128, rram(10e3, 100e3, 2));
    s.variation = true;
    s.cell.variation_sigma = 0.1;
    Crossbar xb(s, RngStream(21, "xb"));
    std::vector<float> w(64 * 64, 1.0f);
    const CrossbarCost c = xb.program(w.data(), 64, 64, 1.0f);
    EXPECT_EQ(c.cell_writes, 64u * 64u); // only the G+ cells change level
    // The written G+ cells: log(G / g_max) ~ N(0, 0.1^2). N = 4096: the mean's standard error
    // is 0.1/64 = 0.0016, the sigma's about 0.1/sqrt(2 * 4096) = 0.0011.
    double sum = 0.0, sum2 = 0.0;
    int n = 0;
    for (int i = 0; i < 64; ++i)
        for (int j = 0; j < 64; ++j) {
            const double l = std::log(xb.conductances_S()[size_t(i) * 128 + 2 * j] / 1e-4);
            sum += l;
            sum2 += l * l;
            ++n;
        }
    const double mean = sum / n;
    const double sigma = std::sqrt(sum2 / n - mean * mean);
    EXPECT_NEAR(mean, 0.0, 0.0065);
    EXPECT_NEAR(sigma, 0.1, 0.005);
}

TEST(Crossbar, StuckAtFaultsArePersistent) {
    CrossbarSpec s = ideal_spec(128, 128, rram(10e3, 100e3, 2));
    s.variation = true;
    s.cell.stuck_on_fraction = 0.05;
    s.cell.stuck_off_fraction = 0.10;
    Crossbar xb(s, RngStream(8, "xb"));
    const size_t n = 128 * 128;
    size_t on = 0, off = 0;
    for (CellFault f : xb.faults()) {
        on += f == CellFault::stuck_on;
        off += f == CellFault::stuck_off;
    }
    // Binomial standard errors: sqrt(p(1-p)/n) = 0.0017 and 0.0023; allow 4 of them.
    EXPECT_NEAR(double(on) / n, 0.05, 0.007);
    EXPECT_NEAR(double(off) / n, 0.10, 0.0095);

    const std::vector<CellFault> before = xb.faults();
    for (float value : {1.0f, -1.0f}) {
        std::vector<float> w(128 * 64, value);
        xb.program(w.data(), 128, 64, 1.0f);
        EXPECT_EQ(xb.faults(), before);
        for (size_t k = 0; k < n; ++k) {
            if (before[k] == CellFault::stuck_on) EXPECT_DOUBLE_EQ(xb.conductances_S()[k], 1e-4);
            if (before[k] == CellFault::stuck_off) EXPECT_DOUBLE_EQ(xb.conductances_S()[k], 1e-5);
            if (before[k] == CellFault::none) {
                const bool plus = k % 2 == 0;
                const double g = (plus == (value > 0)) ? 1e-4 : 1e-5;
                EXPECT_DOUBLE_EQ(xb.conductances_S()[k], g);
            }
        }
    }

    // Disabling variation removes faults as well.
    s.variation = false;
    Crossbar clean(s, RngStream(8, "xb"));
    for (CellFault f : clean.faults())
        ASSERT_EQ(f, CellFault::none);
}

TEST(Crossbar, ReadNoiseVarianceMatchesTheory) {
    // Per-cell G(1 + sigma n) gives output variance sum_i x_i^2 sigma^2 (G+^2 + G-^2) k^2 with
    // k = w_max / (g_max - g_min) weight units per siemens.
    for (int dac_bits : {4, 2}) {
        SCOPED_TRACE(dac_bits);
        CrossbarSpec s = ideal_spec(32, 32, rram(10e3, 100e3, 4));
        s.input_bits = 4;
        s.dac.bits = dac_bits;
        s.read_noise = true;
        s.cell.read_noise_sigma = 0.05;
        Crossbar xb(s, RngStream(17, "xb"));
        RngStream r(3, "w");
        std::vector<float> w(32 * 16), x(32);
        for (auto& v : w)
            v = float(r.uniform() * 2 - 1);
        for (int i = 0; i < 32; ++i)
            x[i] = float(int(r.below(31)) - 15) / 15.0f;
        xb.program(w.data(), 32, 16, 1.0f);

        const double k = 1.0 / (1e-4 - 1e-5);
        std::vector<double> theory(16, 0.0);
        for (int i = 0; i < 32; ++i) {
            // With 2-bit slices the code q = 4 h + l is read twice with independent noise:
            // weights c_1 = 12/15 for the high slice h/3 and c_0 = 3/15 for the low slice l/3, so
            // the effective x^2 is sum_k (c_k x_k)^2, not x^2.
            const int q = int(std::lround(std::fabs(x[i]) * 15));
            double x2 = double(x[i]) * x[i];
            if (dac_bits == 2) {
                const double hi = (12.0 / 15.0) * ((q >> 2) / 3.0);
                const double lo = (3.0 / 15.0) * ((q & 3) / 3.0);
                x2 = hi * hi + lo * lo;
            }
            for (int j = 0; j < 16; ++j) {
                const double gp = xb.conductances_S()[size_t(i) * 32 + 2 * j];
                const double gn = xb.conductances_S()[size_t(i) * 32 + 2 * j + 1];
                theory[j] += x2 * 0.05 * 0.05 * (gp * gp + gn * gn) * k * k;
            }
        }
        const std::vector<double> mean_ref = reference_gemv(xb.effective_weights(), x, 32, 16);

        const int reads = 4000;
        std::vector<double> sum(16, 0.0), sum2(16, 0.0);
        std::vector<float> y(16);
        for (int t = 0; t < reads; ++t) {
            xb.mvm(x.data(), y.data());
            for (int j = 0; j < 16; ++j) {
                const double d = y[j] - mean_ref[j];
                sum[j] += d;
                sum2[j] += d * d;
            }
        }
        double ratio_sum = 0.0;
        for (int j = 0; j < 16; ++j) {
            const double var = sum2[j] / reads;
            // The sample variance of 4000 normals has a relative sd of sqrt(2/4000) = 2.2%.
            EXPECT_NEAR(var / theory[j], 1.0, 0.1) << j;
            EXPECT_NEAR(sum[j] / reads, 0.0, 5 * std::sqrt(theory[j] / reads)) << j;
            ratio_sum += var / theory[j];
        }
        EXPECT_NEAR(ratio_sum / 16, 1.0, 0.03);
    }
}

TEST(Crossbar, ProgrammingCountsOnlyChangedCells) {
    CrossbarSpec s = ideal_spec(4, 4, rram(10e3, 100e3, 2));
    s.cell.write_energy_J = 1e-12;
    s.cell.write_latency_s = 10e-9;
    s.clock_Hz = 1e9;
    Crossbar xb(s, RngStream(1, "xb"));
    // A fresh array holds the zero weight everywhere: zeros write nothing.
    const std::vector<float> zero(8, 0.0f);
    CrossbarCost c = xb.program(zero.data(), 4, 2, 1.0f);
    EXPECT_EQ(c.cell_writes, 0u);
    EXPECT_EQ(c.cycles, 0u);
    // Rows 0 and 2 change: (1, 0) sets G+ of column 0; (-1, 1) sets G- of 0 and G+ of 1.
    const std::vector<float> w = {1, 0, 0, 0, -1, 1, 0, 0};
    c = xb.program(w.data(), 4, 2, 1.0f);
    EXPECT_EQ(c.cell_writes, 3u);
    EXPECT_NEAR(c.write_energy_J, 3e-12, 1e-24);
    EXPECT_EQ(c.cycles, 2u * 10u); // two rows, 10 cycles each (not 11 from rounding)
    c = xb.program(w.data(), 4, 2, 1.0f);
    EXPECT_EQ(c.cell_writes, 0u);
    // Flipping the sign of row 0 rewrites both of its cells.
    const std::vector<float> w2 = {-1, 0, 0, 0, -1, 1, 0, 0};
    c = xb.program(w2.data(), 4, 2, 1.0f);
    EXPECT_EQ(c.cell_writes, 2u);
    EXPECT_EQ(c.cycles, 10u);
}

TEST(Crossbar, ReadCyclesAndAdcCount) {
    CrossbarSpec s = ideal_spec(128, 128, rram(10e3, 100e3, 2));
    s.adc.bits = 5;
    s.adc.shared_by_columns = 8;
    s.adc.clock_Hz = 1e9;
    s.dac.bits = 1;
    s.input_bits = 8;
    s.read_time_s = 10e-9;
    s.clock_Hz = 1e9;
    s.cell.area_m2 = 1e-14;
    s.adc.area_per_adc_m2 = 1e-9;
    s.dac.area_per_dac_m2 = 1e-11;
    Crossbar xb(s, RngStream(1, "xb"));
    EXPECT_EQ(xb.adc_count(), 8); // 64 differential columns, 8 per ADC
    EXPECT_NEAR(xb.area_m2(), 128 * 128 * 1e-14 + 8 * 1e-9 + 128 * 1e-11, 1e-20);
    std::vector<float> w(128 * 64, 0.5f), x(128, 0.25f), y(64);
    xb.program(w.data(), 128, 64, 1.0f);
    const CrossbarCost c = xb.mvm(x.data(), y.data());
    // 8 one-bit slices, each: 10 read cycles + 8 columns per ADC x 5 SAR cycles; one more
    // cycle drains the pipelined shift-adders.
    EXPECT_EQ(c.reads, 8u);
    EXPECT_EQ(c.cycles, 8u * (10u + 8u * 5u) + 1u);
    EXPECT_EQ(c.adc_conversions, 8u * 64u);
    EXPECT_EQ(c.dac_conversions, 8u * 128u);

    // Half the columns in use: each ADC converts 4.
    xb.program(w.data(), 128, 32, 1.0f);
    EXPECT_EQ(xb.mvm(x.data(), y.data()).cycles, 8u * (10u + 4u * 5u) + 1u);
}

TEST(Crossbar, RejectsBadArguments) {
    CrossbarSpec s = ideal_spec(4, 3, rram(10e3, 100e3, 2));
    EXPECT_THROW(Crossbar(s, RngStream()), InputError); // odd columns, differential
    s.cols = 4;
    Crossbar xb(s, RngStream());
    std::vector<float> w(16, 0.0f);
    EXPECT_THROW(xb.program(w.data(), 5, 1, 1.0f), InputError);
    EXPECT_THROW(xb.program(w.data(), 4, 3, 1.0f), InputError);
    EXPECT_THROW(xb.program(w.data(), 4, 2, 0.0f), InputError);
    w[0] = std::nanf("");
    EXPECT_THROW(xb.program(w.data(), 4, 2, 1.0f), InputError);
    EXPECT_THROW(xb.set_input_range(0.0f), InputError);
    EXPECT_THROW(xb.set_output_range(-1.0f), InputError);
}

TEST(Crossbar, MtjArrayIsReadAtTheReadBias) {
    // R_P 5 kohm, TMR0 1.5, V_half 0.5 V, read at 0.5 V: TMR 0.75, R_AP = 8.75 kohm. Weights are
    // calibrated at that bias, so +-1 still read back as +-1.
    CrossbarSpec s = ideal_spec(2, 2,
                                CellSpec::from_json({{"type", "mtj"},
                                                     {"r_p", "5 kohm"},
                                                     {"tmr", 1.5},
                                                     {"v_half", "0.5 V"},
                                                     {"read_voltage", "0.5 V"}}));
    Crossbar xb(s, RngStream(1, "xb"));
    const float w[2] = {1.0f, -1.0f};
    xb.program(w, 2, 1, 1.0f);
    EXPECT_DOUBLE_EQ(xb.conductances_S()[0], 1.0 / 5e3);
    EXPECT_NEAR(xb.conductances_S()[1], 1.0 / 8.75e3, 1e-15);
    const float x[2] = {1.0f, 0.0f};
    float y = 0.0f;
    const CrossbarCost c = xb.mvm(x, &y);
    EXPECT_NEAR(y, 1.0, 1e-6);
    // E = 0.25 V^2 * (1/5k + 1/8.75k) S * 10 ns
    EXPECT_NEAR(c.array_energy_J, 0.25 * (1 / 5e3 + 1 / 8.75e3) * 10e-9, 1e-22);
}

TEST(Crossbar, SameSeedReproducesBitForBit) {
    CrossbarSpec s = ideal_spec(16, 16, rram(10e3, 100e3, 4));
    s.variation = true;
    s.read_noise = true;
    s.cell.variation_sigma = 0.1;
    s.cell.read_noise_sigma = 0.05;
    s.cell.stuck_on_fraction = 0.1;
    s.adc.bits = 5;
    s.dac.bits = 2;
    std::vector<float> w(16 * 8, 0.3f), x(16, 0.7f), y1(8), y2(8);
    Crossbar a(s, RngStream(99, "t")), b(s, RngStream(99, "t"));
    a.program(w.data(), 16, 8, 1.0f);
    b.program(w.data(), 16, 8, 1.0f);
    a.mvm(x.data(), y1.data());
    b.mvm(x.data(), y2.data());
    EXPECT_EQ(y1, y2);
    EXPECT_EQ(a.conductances_S(), b.conductances_S());
}

TEST(Crossbar, WireResistanceIsZeroOrAPhysicalSegment) {
    // 0 = ideal wires; else 1 uohm .. 1 kohm, the reason in the message.
    const ParamTable& t = CrossbarSpec::table().params();
    for (double ok : {0.0, 1e-6, 10.0, 1e3})
        EXPECT_NO_THROW(Params::validate({{"wire_resistance", ok}}, t, "p.json", "/components/2"))
            << ok;
    for (double bad : {1e-320, 1e-9, 1e3 + 1, 1e6}) {
        try {
            Params::validate({{"wire_resistance", bad}}, t, "p.json", "/components/2");
            ADD_FAILURE() << bad << " accepted";
        } catch (const ConfigError& e) {
            EXPECT_EQ(e.pointer(), "/components/2/wire_resistance");
            EXPECT_NE(e.expected().find("real segments are ~10 ohm"), std::string::npos)
                << e.what();
        }
    }
}

TEST(Crossbar, ReferenceColumnIsAChoiceAndCountsInTheArea) {
    const SpecTable<CrossbarSpec>& table = CrossbarSpec::table();
    const ParamTable& t = table.params();
    EXPECT_EQ(table.defaults().reference_position, ReferencePosition::last);
    const Params first = Params::validate({{"reference_column", "first"}}, t, "p.json", "/c");
    EXPECT_EQ(table.build(first).reference_position, ReferencePosition::first);
    EXPECT_THROW(Params::validate({{"reference_column", "middle"}}, t, "p.json", "/c"),
                 ConfigError);

    // The offset mapping's reference column is rows more cells; the differential has none.
    CrossbarSpec s = ideal_spec(4, 3, rram(10e3, 100e3, 5));
    s.cell.area_m2 = 1e-14;
    s.adc.bits = 5; // an ideal converter has no area
    s.adc.area_per_adc_m2 = 1e-9;
    s.adc.shared_by_columns = 1;
    s.dac.area_per_dac_m2 = 1e-11;
    s.mapping = WeightMapping::offset;
    EXPECT_NEAR(Crossbar(s, RngStream(1, "xb")).area_m2(), 4 * 4 * 1e-14 + 3 * 1e-9 + 4 * 1e-11,
                1e-22);
    s.cols = 4;
    s.mapping = WeightMapping::differential;
    EXPECT_NEAR(Crossbar(s, RngStream(1, "xb")).area_m2(), 4 * 4 * 1e-14 + 2 * 1e-9 + 4 * 1e-11,
                1e-22);
}

TEST(Crossbar, OutputBoundIsTheInputRangeTimesTheLargestColumnSum) {
    // Columns |1| + |-3| = 4 and |2| + |0.5| = 2.5: 4 x 2 = 8.
    const std::vector<float> w = {1.0f, 2.0f, -3.0f, 0.5f};
    EXPECT_DOUBLE_EQ(Crossbar::output_bound(w.data(), 2, 2, 2.0), 8.0);
    // In double: products past float32's range are measured, not infinite.
    const std::vector<float> big = {3e38f, 3e38f};
    EXPECT_NEAR(Crossbar::output_bound(big.data(), 2, 1, 1e10), 6e48, 1e42);
    EXPECT_GT(Crossbar::output_bound(big.data(), 2, 1, 1.0), kMaxTileOutput);
}

TEST(Crossbar, SpecDefaultsAreTheTableDefaults) {
    const auto m = CrossbarSpec::table().default_mismatches();
    EXPECT_TRUE(m.empty()) << m.front();
    // A bound from the table applies to specs built in code too.
    CrossbarSpec s;
    s.input_bits = 17;
    EXPECT_FALSE(CrossbarSpec::table().check(s).empty());
}

} // namespace
} // namespace neurotlm

namespace neurotlm {
namespace {

/// Field-by-field equality of two reads' costs.
void expect_same_cost(const CrossbarCost& a, const CrossbarCost& b, const std::string& what) {
    EXPECT_EQ(a.cycles, b.cycles) << what;
    EXPECT_EQ(a.reads, b.reads) << what;
    EXPECT_EQ(a.dac_conversions, b.dac_conversions) << what;
    EXPECT_EQ(a.adc_conversions, b.adc_conversions) << what;
    EXPECT_EQ(a.shift_adds, b.shift_adds) << what;
    EXPECT_EQ(a.mux_phases, b.mux_phases) << what;
    EXPECT_EQ(a.columns_sensed, b.columns_sensed) << what;
    EXPECT_EQ(0, std::memcmp(&a.array_energy_J, &b.array_energy_J, sizeof(double))) << what;
}

/// Crossbars of every functional path, with variation and read noise on.
std::vector<std::pair<std::string, CrossbarSpec>> look_ahead_specs() {
    std::vector<std::pair<std::string, CrossbarSpec>> out;
    CrossbarSpec base = ideal_spec(40, 24, rram(10e3, 100e3, 16));
    base.variation = true;
    base.read_noise = true;
    base.cell.variation_sigma = 0.05;
    base.cell.read_noise_sigma = 0.02;
    out.emplace_back("ideal converter", base);
    CrossbarSpec adc = base;
    adc.adc.bits = 5;
    adc.adc.shared_by_columns = 4;
    adc.dac.bits = 1;
    out.emplace_back("5-bit ADC, bit-serial inputs", adc);
    CrossbarSpec offset = adc;
    offset.mapping = WeightMapping::offset;
    offset.dac.bits = 2;
    out.emplace_back("offset mapping, 2-bit DAC", offset);
    CrossbarSpec sliced = adc;
    sliced.cols = 32;
    sliced.weight_bits = 4;
    sliced.cell = rram(10e3, 100e3, 4);
    sliced.cell.read_noise_sigma = 0.02;
    out.emplace_back("4-bit weights on 2-bit cells", sliced);
    CrossbarSpec sliced_ideal = sliced;
    sliced_ideal.adc.bits = 0;
    out.emplace_back("4-bit weights, ideal converter", sliced_ideal);
    CrossbarSpec quiet = adc;
    quiet.read_noise = false;
    out.emplace_back("5-bit ADC, no read noise", quiet);
    return out;
}

TEST(CrossbarLookAhead, ReadsComputedAheadAreTheReadsOneAtATimeBitForBit) {
    std::mt19937 gen(21);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::bernoulli_distribution zero(0.4);
    for (const auto& [name, spec] : look_ahead_specs()) {
        for (int n : {1, 2, 3, 4, 7, 13}) {
            Crossbar ahead(spec, RngStream(3, "xb")), single(spec, RngStream(3, "xb"));
            const int rows = spec.rows, lcols = ahead.logical_cols();
            std::vector<float> w(static_cast<size_t>(rows * lcols));
            for (float& v : w)
                v = u(gen);
            ahead.program(w.data(), rows, lcols, 1.0f);
            single.program(w.data(), rows, lcols, 1.0f);
            for (Crossbar* xb : {&ahead, &single})
                xb->set_input_range(1.0f);
            // Sparse inputs (zeros of both signs) and dense ones in one batch.
            std::vector<float> x(static_cast<size_t>(n * rows));
            for (size_t i = 0; i < x.size(); ++i)
                x[i] = (i / rows) % 2 == 0 && zero(gen) ? (u(gen) < 0 ? -0.0f : 0.0f) : u(gen);
            std::vector<float> y_ahead(static_cast<size_t>(n * lcols));
            ASSERT_TRUE(ahead.look_ahead(x.data(), n, y_ahead.data()));
            EXPECT_EQ(ahead.reads_ahead(), n);
            for (int b = 0; b < n; ++b) {
                std::vector<float> y1(lcols), y2(lcols);
                const CrossbarCost c1 = single.mvm(x.data() + b * rows, y1.data());
                const CrossbarCost c2 = ahead.mvm(x.data() + b * rows, y2.data());
                const std::string what =
                    name + ", batch of " + std::to_string(n) + ", input " + std::to_string(b);
                ASSERT_EQ(0, std::memcmp(y1.data(), y2.data(), sizeof(float) * lcols)) << what;
                ASSERT_EQ(0,
                          std::memcmp(y1.data(), y_ahead.data() + b * lcols, sizeof(float) * lcols))
                    << what;
                expect_same_cost(c1, c2, what);
            }
            EXPECT_EQ(ahead.reads_ahead(), 0);
            // And the noise goes on from the same place afterwards.
            std::vector<float> y1(lcols), y2(lcols);
            single.mvm(x.data(), y1.data());
            ahead.mvm(x.data(), y2.data());
            ASSERT_EQ(0, std::memcmp(y1.data(), y2.data(), sizeof(float) * lcols)) << name;
        }
    }
}

TEST(CrossbarLookAhead, AnInputOtherThanForetoldIsReadAsIfNothingHadBeenComputedAhead) {
    std::mt19937 gen(22);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (const auto& [name, spec] : look_ahead_specs()) {
        Crossbar ahead(spec, RngStream(4, "xb")), single(spec, RngStream(4, "xb"));
        const int rows = spec.rows, lcols = ahead.logical_cols();
        std::vector<float> w(static_cast<size_t>(rows * lcols));
        for (float& v : w)
            v = u(gen);
        for (Crossbar* xb : {&ahead, &single}) {
            xb->program(w.data(), rows, lcols, 1.0f);
            xb->set_input_range(1.0f);
        }
        const int n = 6;
        std::vector<float> x(static_cast<size_t>(n * rows)), other(static_cast<size_t>(rows));
        for (float& v : x)
            v = u(gen);
        for (float& v : other)
            v = u(gen);
        std::vector<float> y_ahead(static_cast<size_t>(n * lcols));
        ASSERT_TRUE(ahead.look_ahead(x.data(), n, y_ahead.data()));
        // Two foretold reads, another input, then the rest as foretold; an output range set in
        // between drops what is left.
        std::vector<const float*> order = {x.data(), x.data() + rows, other.data(),
                                           x.data() + 3 * rows};
        for (size_t k = 0; k < order.size(); ++k) {
            std::vector<float> y1(lcols), y2(lcols);
            const CrossbarCost c1 = single.mvm(order[k], y1.data());
            const CrossbarCost c2 = ahead.mvm(order[k], y2.data());
            const std::string what = name + ", read " + std::to_string(k);
            ASSERT_EQ(0, std::memcmp(y1.data(), y2.data(), sizeof(float) * lcols)) << what;
            expect_same_cost(c1, c2, what);
        }
        EXPECT_EQ(ahead.reads_ahead(), 0) << name;
        ASSERT_TRUE(ahead.look_ahead(x.data(), n, y_ahead.data()));
        std::vector<float> y1(lcols), y2(lcols);
        single.mvm(x.data(), y1.data());
        ahead.mvm(x.data(), y2.data());
        ASSERT_EQ(0, std::memcmp(y1.data(), y2.data(), sizeof(float) * lcols)) << name;
        for (Crossbar* xb : {&ahead, &single})
            xb->set_output_range(xb->effective_output_range() * 1.5f);
        EXPECT_EQ(ahead.reads_ahead(), 0) << name;
        single.mvm(x.data() + rows, y1.data());
        ahead.mvm(x.data() + rows, y2.data());
        ASSERT_EQ(0, std::memcmp(y1.data(), y2.data(), sizeof(float) * lcols)) << name;
    }
}

TEST(CrossbarLookAhead, ReadsWithStateBeyondTheNoiseAreNotComputedAhead) {
    CrossbarSpec s = ideal_spec(8, 8, rram(10e3, 100e3, 2));
    s.wire_resistance_ohm = 1.0;
    s.ir_drop = true;
    Crossbar xb(s, RngStream(5, "xb"));
    std::vector<float> w(8 * 4, 0.5f), x(8 * 2, 0.25f), y(4 * 2);
    xb.program(w.data(), 8, 4, 1.0f);
    EXPECT_FALSE(xb.look_ahead(x.data(), 2, y.data()));
    EXPECT_EQ(xb.reads_ahead(), 0);
    s.ir_drop = false;
    Crossbar plain(s, RngStream(5, "xb"));
    plain.program(w.data(), 8, 4, 1.0f);
    x[3] = std::nanf("");
    EXPECT_FALSE(plain.look_ahead(x.data(), 2, y.data()));
    EXPECT_THROW(plain.mvm(x.data(), y.data()), InputError);
}

} // namespace
} // namespace neurotlm
