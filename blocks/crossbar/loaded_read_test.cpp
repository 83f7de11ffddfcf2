// Analog reads into loaded terminations (a difference amplifier's input resistors on each pair
// of lines): by hand on ideal wires, the wired solve in the limit of vanishing wire resistance,
// virtual grounds leave the read as it was, and what cannot be terminated is refused.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/blocks/crossbar/crossbar.h"
#include "neurotlm/core/error.h"

namespace neurotlm {
namespace {

CrossbarSpec pair_spec(double r_wire_ohm, bool ir_drop) {
    CrossbarSpec s;
    s.rows = 6;
    s.cols = 8;
    s.cell = CellSpec::from_json({{"type", "rram"}, {"r_on", 5e3}, {"r_off", 15e3}, {"levels", 5}});
    s.adc.bits = 0;
    s.input_bits = 8;
    s.read_noise = false;
    s.variation = false;
    s.wire_resistance_ohm = r_wire_ohm;
    s.ir_drop = ir_drop;
    return s;
}

const std::vector<float> kW = {1, -0.5f, 0,      0.25f, 0.75f, -1,    -0.25f, 0.5f,
                               1, 1,     -1,     0,     0.5f,  0.5f,  -1,     0,
                               0, 0.25f, -0.75f, 1,     -0.5f, 0.25f, 0,      1};
const std::vector<float> kV = {0.2f, -0.1f, 0.0f, 0.05f, 0.2f, -0.2f};

LineTermination imacsim_amp(double gain) {
    return {(1.0 + gain) * 1e3, 1e3, gain / (1.0 + gain)};
}

std::vector<float> read(Crossbar& x, const std::vector<float>& v) {
    std::vector<float> y(static_cast<std::size_t>(x.logical_cols()));
    x.analog_read(v.data(), y.data());
    return y;
}

TEST(LoadedRead, VirtualGroundsLeaveTheReadAsItWas) {
    for (bool wires : {false, true}) {
        Crossbar plain(pair_spec(2.0, wires), RngStream(1, "x"));
        Crossbar term(pair_spec(2.0, wires), RngStream(1, "x"));
        plain.program(kW.data(), 6, 4, 1.0f);
        term.program(kW.data(), 6, 4, 1.0f);
        // Loaded first (a read builds the loaded network), then back to virtual grounds.
        term.set_terminations(std::vector<LineTermination>(4, imacsim_amp(30.0)));
        const auto loaded = read(term, kV);
        term.set_terminations(std::vector<LineTermination>(4));
        EXPECT_FALSE(term.terminated());
        const auto a = read(plain, kV), b = read(term, kV);
        for (std::size_t j = 0; j < a.size(); ++j) {
            EXPECT_EQ(a[j], b[j]) << "wires " << wires << " output " << j;
            EXPECT_NE(loaded[j], a[j]) << "wires " << wires << " output " << j;
        }
    }
}

TEST(LoadedRead, TheEnergyIsWhatTheRowDriversDeliverIntoTheLoadedLines) {
    Crossbar x(pair_spec(0.0, false), RngStream(1, "x"));
    x.program(kW.data(), 6, 4, 1.0f);
    x.set_terminations(std::vector<LineTermination>(4, imacsim_amp(30.0)));
    std::vector<float> y(4);
    const CrossbarCost c = x.analog_read(kV.data(), y.data());
    // By hand: each line's voltage from its divider, then sum_i V_i sum_c G_ic (V_i - V_c).
    const auto& g = x.conductances_S();
    std::vector<double> v_line(8);
    for (int j = 0; j < 4; ++j) {
        double isc_p = 0, isc_m = 0, gp = 0, gm = 0;
        for (int i = 0; i < 6; ++i) {
            isc_p += g[i * 8 + 2 * j] * kV[i];
            isc_m += g[i * 8 + 2 * j + 1] * kV[i];
            gp += g[i * 8 + 2 * j];
            gm += g[i * 8 + 2 * j + 1];
        }
        v_line[2 * j] = isc_p / (gp + 1.0 / 31e3);
        v_line[2 * j + 1] = (isc_m + v_line[2 * j] * 30.0 / 31.0 / 1e3) / (gm + 1.0 / 1e3);
    }
    double p = 0.0;
    for (int i = 0; i < 6; ++i)
        for (int col = 0; col < 8; ++col)
            p += kV[i] * g[i * 8 + col] * (kV[i] - v_line[col]);
    const double e = p * x.spec().read_time_s;
    EXPECT_NEAR(c.array_energy_J, e, 1e-9 * e);
    // With rows of one sign (a hidden layer's neuron outputs) the loaded lines sit near the
    // rows' mean, and the same cells draw far less than into virtual grounds.
    const std::vector<float> pos = {0.2f, 0.1f, 0.0f, 0.05f, 0.2f, 0.2f};
    Crossbar vg(pair_spec(0.0, false), RngStream(1, "x"));
    vg.program(kW.data(), 6, 4, 1.0f);
    EXPECT_GT(vg.analog_read(pos.data(), y.data()).array_energy_J,
              2.0 * x.analog_read(pos.data(), y.data()).array_energy_J);
    // With wires of vanishing resistance the wired solve's energy tends to the same.
    Crossbar wired(pair_spec(1e-3, true), RngStream(1, "x"));
    wired.program(kW.data(), 6, 4, 1.0f);
    wired.set_terminations(std::vector<LineTermination>(4, imacsim_amp(30.0)));
    EXPECT_NEAR(wired.analog_read(kV.data(), y.data()).array_energy_J, e, 1e-4 * e);
}

TEST(LoadedRead, ReadNoiseIntoALoadedReadoutIsRefused) {
    CrossbarSpec s = pair_spec(0.0, false);
    s.read_noise = true;
    s.cell.read_noise_sigma = 0.02;
    Crossbar x(s, RngStream(1, "x"));
    x.program(kW.data(), 6, 4, 1.0f);
    EXPECT_THROW(x.set_terminations(std::vector<LineTermination>(4, imacsim_amp(30.0))),
                 InputError);
    EXPECT_NO_THROW(x.set_terminations(std::vector<LineTermination>(4)));
}

TEST(LoadedRead, IdealWiresAreEachLineADividerIntoTheAmplifier) {
    Crossbar x(pair_spec(0.0, false), RngStream(1, "x"));
    x.program(kW.data(), 6, 4, 1.0f);
    x.set_terminations(std::vector<LineTermination>(4, imacsim_amp(30.0)));
    ASSERT_TRUE(x.terminated());
    const auto y = read(x, kV);
    const auto& g = x.conductances_S();
    for (int j = 0; j < 4; ++j) {
        double isc_p = 0, isc_m = 0, gp = 0, gm = 0;
        for (int i = 0; i < 6; ++i) {
            isc_p += g[i * 8 + 2 * j] * kV[i];
            isc_m += g[i * 8 + 2 * j + 1] * kV[i];
            gp += g[i * 8 + 2 * j];
            gm += g[i * 8 + 2 * j + 1];
        }
        const double v_plus = isc_p / (gp + 1.0 / 31e3);
        const double v_node = v_plus * 30.0 / 31.0;
        const double v_minus = (isc_m + v_node / 1e3) / (gm + 1.0 / 1e3);
        const double i_diff = v_plus / 31e3 - (v_minus - v_node) / 1e3;
        EXPECT_NEAR(y[j] * x.amperes_per_output(), i_diff, 1e-12) << "output " << j;
    }
}

TEST(LoadedRead, TheWiredSolveTendsToTheIdealOneAsTheWiresVanish) {
    Crossbar ideal(pair_spec(0.0, false), RngStream(1, "x"));
    ideal.program(kW.data(), 6, 4, 1.0f);
    ideal.set_terminations(std::vector<LineTermination>(4, imacsim_amp(10.0)));
    const auto want = read(ideal, kV);
    double last_err = 1e9;
    for (double r : {10.0, 1.0, 1e-2}) {
        Crossbar wired(pair_spec(r, true), RngStream(1, "x"));
        wired.program(kW.data(), 6, 4, 1.0f);
        wired.set_terminations(std::vector<LineTermination>(4, imacsim_amp(10.0)));
        const auto got = read(wired, kV);
        double err = 0.0;
        for (std::size_t j = 0; j < got.size(); ++j)
            err = std::max(err, std::fabs(static_cast<double>(got[j] - want[j])));
        EXPECT_LT(err, last_err) << r << " ohm";
        last_err = err;
    }
    EXPECT_LT(last_err, 1e-4);
}

TEST(LoadedRead, AGainChangeRebuildsTheLoadedNetwork) {
    Crossbar x(pair_spec(2.0, true), RngStream(1, "x"));
    x.program(kW.data(), 6, 4, 1.0f);
    x.set_terminations(std::vector<LineTermination>(4, imacsim_amp(30.0)));
    const auto a = read(x, kV);
    x.set_terminations(std::vector<LineTermination>(4, imacsim_amp(5.0)));
    const auto b = read(x, kV);
    Crossbar fresh(pair_spec(2.0, true), RngStream(1, "x"));
    fresh.program(kW.data(), 6, 4, 1.0f);
    fresh.set_terminations(std::vector<LineTermination>(4, imacsim_amp(5.0)));
    const auto c = read(fresh, kV);
    for (std::size_t j = 0; j < a.size(); ++j) {
        EXPECT_EQ(b[j], c[j]);
        EXPECT_NE(a[j], b[j]);
    }
}

TEST(LoadedRead, AbsentRowsDoNotLoadTheLines) {
    // Rows 4 and 5 unprogrammed: grounded, their cells pull the loaded lines towards 0 V;
    // absent, the read is that of a 4-row array.
    CrossbarSpec s = pair_spec(0.0, false);
    Crossbar grounded(s, RngStream(1, "x"));
    s.unused_lines = UnusedLines::absent;
    Crossbar absent(s, RngStream(1, "x"));
    CrossbarSpec small = pair_spec(0.0, false);
    small.rows = 4;
    Crossbar four(small, RngStream(1, "x"));
    for (Crossbar* x : {&grounded, &absent, &four}) {
        x->program(kW.data(), 4, 4, 1.0f);
        x->set_terminations(std::vector<LineTermination>(4, imacsim_amp(30.0)));
    }
    std::vector<float> v = kV;
    v[4] = v[5] = 0.0f;
    const auto g = read(grounded, v), a = read(absent, v);
    const auto f = read(four, std::vector<float>(kV.begin(), kV.begin() + 4));
    for (std::size_t j = 0; j < a.size(); ++j) {
        EXPECT_NEAR(a[j], f[j], 1e-6 * std::max(1.0f, std::fabs(f[j])));
        EXPECT_GT(std::fabs(g[j] - a[j]), 1e-4);
    }
}

TEST(LoadedRead, OnlyDifferentialAnalogArraysTakeALoadedTermination) {
    CrossbarSpec s = pair_spec(0.0, false);
    s.mapping = WeightMapping::offset;
    Crossbar offset(s, RngStream(1, "x"));
    EXPECT_THROW(offset.set_terminations(std::vector<LineTermination>(
                     static_cast<std::size_t>(offset.logical_cols()), imacsim_amp(30.0))),
                 InputError);
    EXPECT_NO_THROW(offset.set_terminations(
        std::vector<LineTermination>(static_cast<std::size_t>(offset.logical_cols()))));
    Crossbar x(pair_spec(0.0, false), RngStream(1, "x"));
    LineTermination bad = imacsim_amp(30.0);
    bad.minus_ohm = 0.0;
    EXPECT_THROW(x.set_terminations(std::vector<LineTermination>(4, bad)), InputError);
}

} // namespace
} // namespace neurotlm
