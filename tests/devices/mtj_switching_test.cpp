// Stochastic MTJ switching against the closed forms of the thermal and precessional regimes
// (values worked out by hand from the formulas, not from this code), their inverses, limits,
// monotonicity and the Bernoulli draw.

#include <cmath>

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"
#include "neurotlm/devices/mtj_switching.h"

namespace neurotlm {
namespace {

constexpr double kPi = 3.14159265358979323846;

TEST(MtjSwitching, DefaultPulseIsPrecessional) {
    // I = 2 Ic0, t = 5 tau_D: P = exp(-(pi^2 60 / 4) e^{-2*5*1}) = exp(-148.044066 * 4.539993e-5)
    //   = exp(-0.00672119) = 0.99330135.
    const MtjSwitchingSpec s;
    EXPECT_EQ(s.regime(s.write_current_A), SwitchingRegime::precessional);
    EXPECT_NEAR(s.switching_probability(), 0.99330135, 1e-8);
    // E = V I t = 0.8 V * 80 uA * 5 ns = 0.32 pJ.
    EXPECT_NEAR(s.pulse_energy_J(), 0.32e-12, 1e-18);
}

TEST(MtjSwitching, ThermalRegimeClosedForm) {
    // I = Ic0/2: tau = 1 ns * e^{60 * 0.5} = 1 ns * 1.0686475e13 = 10686.47 s.
    // P(1 s) = 1 - exp(-1/10686.47) = 9.357185e-5.
    const MtjSwitchingSpec s;
    EXPECT_EQ(s.regime(20e-6), SwitchingRegime::thermal);
    EXPECT_NEAR(s.thermal_tau_s(20e-6), 10686.47458, 1e-3);
    EXPECT_NEAR(s.switching_probability(20e-6, 1.0), 9.357185e-5, 1e-10);
    // Zero current: retention, tau = tau0 e^Delta.
    EXPECT_NEAR(s.thermal_tau_s(0.0) / (1e-9 * std::exp(60.0)), 1.0, 1e-12);
    // At Ic0 the thermal form applies: tau = tau0, P(1 ns) = 1 - 1/e.
    EXPECT_NEAR(s.switching_probability(40e-6, 1e-9), 1.0 - std::exp(-1.0), 1e-12);
}

TEST(MtjSwitching, Limits) {
    const MtjSwitchingSpec s;
    for (double i : {0.0, 20e-6, 60e-6, 200e-6}) {
        EXPECT_EQ(s.switching_probability(i, 0.0), 0.0);
        EXPECT_EQ(s.switching_probability(i, -1e-9), 0.0);
    }
    // Long pulses switch with certainty in both regimes.
    EXPECT_NEAR(s.switching_probability(200e-6, 1e-6), 1.0, 1e-12);
    EXPECT_NEAR(s.switching_probability(39e-6, 1e3), 1.0, 1e-12);
    // Just above Ic0 a short pulse almost never switches: the floor exp(-pi^2 Delta / 4).
    EXPECT_NEAR(s.switching_probability(40.0001e-6, 1e-12), std::exp(-kPi * kPi * 15.0), 1e-70);
    // Read disturb: a 2 ns read at 12 uA (0.3 Ic0): tau = 1 ns e^{42} = 1.7393e9 s,
    // P = 2e-9 / 1.7393e9 = 1.1499e-18.
    EXPECT_NEAR(s.switching_probability(12e-6, 2e-9), 1.1499e-18, 1e-22);
}

TEST(MtjSwitching, MonotoneInWidthAndCurrentWithinEachRegime) {
    const MtjSwitchingSpec s;
    for (double i : {10e-6, 30e-6, 41e-6, 60e-6, 120e-6}) {
        double prev = -1.0;
        for (double t = 1e-10; t < 1e-7; t *= 1.3) {
            const double p = s.switching_probability(i, t);
            EXPECT_GE(p, prev) << i << " " << t;
            EXPECT_GE(p, 0.0);
            EXPECT_LE(p, 1.0);
            prev = p;
        }
    }
    for (double t : {1e-9, 3e-9, 10e-9}) {
        double prev = -1.0;
        for (double i = 1e-6; i <= 40e-6; i += 1e-6) {
            const double p = s.switching_probability(i, t);
            EXPECT_GE(p, prev);
            prev = p;
        }
        prev = -1.0;
        for (double i = 41e-6; i < 400e-6; i += 3e-6) {
            const double p = s.switching_probability(i, t);
            EXPECT_GE(p, prev);
            prev = p;
        }
    }
}

TEST(MtjSwitching, WidthForProbability) {
    const MtjSwitchingSpec s;
    // Precessional: t = tau_D ln(A / -ln p) / (2 (I/Ic0 - 1)); p = 0.5 at 2 Ic0:
    // 1 ns * ln(148.044066 / 0.693147) / 2 = 0.5 ns * ln(213.5825) = 2.682011 ns.
    EXPECT_NEAR(s.width_for_probability(0.5, 80e-6), 2.682011e-9, 1e-14);
    // Thermal: t = -tau ln(1 - p); p = 1 - 1/e at Ic0/2 gives t = tau.
    EXPECT_NEAR(s.width_for_probability(1.0 - std::exp(-1.0), 20e-6) / s.thermal_tau_s(20e-6), 1.0,
                1e-12);
    for (double p : {1e-6, 0.1, 0.5, 0.9, 0.999999})
        for (double i : {15e-6, 39e-6, 50e-6, 80e-6, 160e-6})
            EXPECT_NEAR(s.switching_probability(i, s.width_for_probability(p, i)), p, 1e-9 * p)
                << p << " " << i;
    EXPECT_THROW(s.width_for_probability(0.0, 80e-6), InputError);
    EXPECT_THROW(s.width_for_probability(1.0, 80e-6), InputError);
}

TEST(MtjSwitching, CurrentForProbability) {
    const MtjSwitchingSpec s;
    // Precessional: I = Ic0 (1 + tau_D ln(A / -ln p) / (2 t)); p = 0.99, t = 10 ns:
    // ln(148.044066 / 0.01005034) = 9.59766, I = 40 uA * (1 + 0.479883) = 59.19532 uA.
    EXPECT_NEAR(s.current_for_probability(0.99, 10e-9, SwitchingRegime::precessional), 59.19532e-6,
                1e-11);
    // Thermal: p = 0.5 in 1 ms: tau = 1 ms / ln 2 = 1.442695 ms,
    // I = 40 uA (1 - ln(1.442695e6) / 60) = 40 uA * (1 - 14.18202 / 60) = 30.54532 uA.
    EXPECT_NEAR(s.current_for_probability(0.5, 1e-3, SwitchingRegime::thermal), 30.54532e-6, 1e-10);
    // No thermal current switches with p = 0.99 in 1 ns (it would need more than Ic0).
    EXPECT_THROW(s.current_for_probability(0.99, 1e-9, SwitchingRegime::thermal), InputError);
    for (double p : {0.01, 0.5, 0.95})
        for (double t : {2e-9, 5e-9, 20e-9}) {
            const double i = s.current_for_probability(p, t, SwitchingRegime::precessional);
            EXPECT_GT(i, s.ic0_A);
            EXPECT_NEAR(s.switching_probability(i, t), p, 1e-9);
        }
}

TEST(MtjSwitching, PulseForProbability) {
    const MtjSwitchingSpec s;
    // Keep 80 uA: the 2.682011 ns width above. Keep 5 ns: I = Ic0 (1 + ln(A / ln 2) / 10)
    // = 40 uA * (1 + 5.364022 / 10) = 61.45609 uA.
    const MtjPulse w = s.pulse_for_probability(0.5);
    EXPECT_EQ(w.current_A, 80e-6);
    EXPECT_NEAR(w.width_s, 2.682011e-9, 1e-14);
    const MtjPulse c = s.pulse_for_probability(0.5, true);
    EXPECT_EQ(c.width_s, 5e-9);
    EXPECT_NEAR(c.current_A, 61.45609e-6, 1e-11);
}

TEST(MtjSwitching, DrawsAtTheSetProbability) {
    MtjSwitchingSpec s;
    s.pulse_width_s = s.width_for_probability(0.3, s.write_current_A);
    RngStream rng(5, "draw");
    const int n = 200000;
    int switched = 0;
    for (int k = 0; k < n; ++k)
        switched += s.draw(rng) ? 1 : 0;
    // Binomial: sigma = sqrt(n p (1 - p)) = 205; allow 5 sigma.
    EXPECT_NEAR(switched, 0.3 * n, 5 * std::sqrt(n * 0.3 * 0.7));
}

TEST(MtjSwitching, Parameters) {
    const MtjSwitchingSpec s = MtjSwitchingSpec::from_json(
        {{"delta", 45}, {"ic0", "100 uA"}, {"pulse_width", "2 ns"}, {"tau_d", "0.5 ns"}});
    EXPECT_EQ(s.delta, 45.0);
    EXPECT_NEAR(s.ic0_A, 100e-6, 1e-18);
    EXPECT_NEAR(s.pulse_width_s, 2e-9, 1e-21);
    EXPECT_NEAR(s.tau_d_s, 0.5e-9, 1e-21);
    EXPECT_NEAR(s.tau0_s, 1e-9, 1e-21);
    EXPECT_THROW(MtjSwitchingSpec::from_json({{"delta", -1}}), ConfigError);
    EXPECT_THROW(MtjSwitchingSpec::from_json({{"dleta", 40}}), ConfigError);
}

TEST(MtjSwitching, StructDefaultsAreTheTableDefaults) {
    const auto m = MtjSwitchingSpec::table().default_mismatches();
    EXPECT_TRUE(m.empty()) << m.front();
}

} // namespace
} // namespace neurotlm
