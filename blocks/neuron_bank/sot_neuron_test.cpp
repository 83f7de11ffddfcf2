// The SOT-MRAM neuron against IMAC-Sim's device numbers, the high-gain limit of its transfer
// curve, its own small-signal algebra, hand-derived power, and the variation statistics of a
// bank.
#include "neurotlm/blocks/neuron_bank/sot_neuron.h"

#include <cmath>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"

namespace neurotlm {
namespace {

// The error message of @p f, or "" if it does not throw InputError.
template <typename F> std::string sot_error_of(F f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

TEST(SotNeuron, ImacSimResistancesFromRaAndArea) {
    const SotNeuronSpec s;
    // RA 10 ohm um^2 on a 50 nm x 30 nm ellipse: IMAC-Sim's R_P and R_AP (TMR 2.0).
    EXPECT_NEAR(s.mtj_area_m2(), 3.14159265358979 / 4 * 50e-9 * 30e-9, 1e-26);
    EXPECT_NEAR(s.r_p_ohm(), 8488.26, 0.005);
    EXPECT_NEAR(s.r_ap_ohm(), 25464.79, 0.005);
    const SotNeuron n(s);
    EXPECT_EQ(n.r_in_ohm(), s.r_p_ohm());
    EXPECT_NEAR(n.r_fb_ohm(), s.r_ap_ohm(), 1e-9);
    EXPECT_EQ(s.input_shift_V, 0.4);
    EXPECT_EQ(s.rail_low_V, 0.0);
    EXPECT_EQ(s.rail_high_V, 0.8);
}

TEST(SotNeuron, TablesAgreeWithStructDefaults) {
    for (const auto& m : SotNeuronSpec::table().default_mismatches())
        ADD_FAILURE() << m;
    for (const auto& m : MosfetSpec::table().default_mismatches())
        ADD_FAILURE() << m;
    for (const auto& m : ReadoutAmpSpec::table().default_mismatches())
        ADD_FAILURE() << m;
    // Every parameter is reachable from JSON, the transistors' under "nmos." and "pmos.".
    EXPECT_NE(SotNeuronSpec::table().params().find("pmos.kp_per_fin"), nullptr);
    EXPECT_NE(SotNeuronSpec::table().params().find("ra_sigma"), nullptr);
}

TEST(SotNeuron, SquareLawTransistor) {
    MosfetSpec m;
    m.vt_V = 0.3;
    m.kp_per_fin_A_per_V2 = 1e-4;
    m.fins = 2;
    m.lambda_per_V = 0.1;
    const double beta = 2e-4;
    EXPECT_EQ(m.current_A(0.2, 0.5), 0.0);                                      // below threshold
    EXPECT_NEAR(m.current_A(0.8, 0.6), 0.5 * beta * 0.25 * 1.06, 1e-15);        // saturation
    EXPECT_NEAR(m.current_A(0.8, 0.2), beta * (0.5 - 0.1) * 0.2 * 1.02, 1e-15); // linear
    EXPECT_NEAR(m.current_A(0.8, -0.2), -m.current_A(1.0, 0.2), 1e-18); // drain is the source
    // The small-signal conductances are the derivatives of the current.
    for (double vds : {0.1, 0.45, 0.7}) {
        const double h = 1e-7;
        EXPECT_NEAR(m.gm_S(0.8, vds),
                    (m.current_A(0.8 + h, vds) - m.current_A(0.8 - h, vds)) / (2 * h), 1e-9);
        EXPECT_NEAR(m.gds_S(0.8, vds),
                    (m.current_A(0.8, vds + h) - m.current_A(0.8, vds - h)) / (2 * h), 1e-9);
    }
}

TEST(SotNeuron, InverterAloneSwitchesAtMidRail) {
    const SotNeuronSpec s; // matched transistors: the 0.4 V shift centres the input at 0 V
    EXPECT_NEAR(inverter_switching_V(s), 0.4, 1e-9);
    EXPECT_NEAR(inverter_output_V(s, 0.0), 0.8, 1e-12);
    EXPECT_NEAR(inverter_output_V(s, 0.8), 0.0, 1e-12);
    double prev = 1.0;
    for (double vx = 0.0; vx <= 0.8; vx += 0.01) {
        const double v = inverter_output_V(s, vx);
        EXPECT_LE(v, prev);
        prev = v;
    }
}

TEST(SotNeuron, OutputSatisfiesTheCircuitEquations) {
    const SotNeuron n{SotNeuronSpec{}};
    for (double vin : {-0.6, -0.1, 0.0, 0.05, 0.3}) {
        const SotNeuronPoint p = n.operating_point(vin);
        const double vs = vin + 0.4;
        // KCL at the inverter input (no gate current) and at the output.
        EXPECT_NEAR(p.vx_V,
                    (n.r_fb_ohm() * vs + n.r_in_ohm() * p.vout_V) / (n.r_in_ohm() + n.r_fb_ohm()),
                    1e-12);
        EXPECT_NEAR(p.i_pmos_A - p.i_nmos_A, (p.vout_V - p.vx_V) / n.r_fb_ohm(), 1e-12)
            << "vin " << vin;
        EXPECT_NEAR(p.i_divider_A, (vs - p.vx_V) / n.r_in_ohm(), 1e-12);
    }
}

TEST(SotNeuron, DecreasingWithinRails) {
    const SotNeuron n{SotNeuronSpec{}};
    double prev = n.output_V(-1.2);
    EXPECT_GT(prev, 0.78);
    for (int i = 1; i <= 2400; ++i) {
        const double vin = -1.2 + 1e-3 * i;
        const double v = n.output_V(vin);
        ASSERT_LT(v, prev) << "vin " << vin;
        ASSERT_GE(v, 0.0);
        ASSERT_LE(v, 0.8);
        prev = v;
    }
    EXPECT_LT(prev, 0.02);
    // Mid-swing at 0 V input: the shift puts it on the switching point.
    EXPECT_NEAR(n.center_input_V(), 0.0, 1e-9);
    EXPECT_NEAR(n.output_V(0.0), 0.4, 1e-9);
}

TEST(SotNeuron, SlopeIsMinusOnePlusTmrForAHighGainInverter) {
    SotNeuronSpec s;
    // 100x the transconductance and almost no channel-length modulation: gain in the thousands.
    s.nmos.kp_per_fin_A_per_V2 = s.pmos.kp_per_fin_A_per_V2 = 0.066;
    s.nmos.lambda_per_V = s.pmos.lambda_per_V = 0.001;
    const SotNeuron high(s);
    EXPECT_NEAR(high.slope(0.0), ideal_center_slope(s), 0.01 * 3.0);
    // Other TMRs: the slope is the resistance ratio, R_AP / R_P.
    for (double tmr : {1.0, 3.0}) {
        SotNeuronSpec t = s;
        t.tmr = tmr;
        const SotNeuron n(t);
        EXPECT_NEAR(n.slope(n.center_input_V()), -(1.0 + tmr), 0.01 * (1.0 + tmr)) << tmr;
    }
    // The default (IMAC-Sim-sized) inverter: R_AP loads its output, so about -(1 + TMR).
    const SotNeuron def{SotNeuronSpec{}};
    const double slope = def.slope(0.0);
    std::printf("slope at the centre: default %.4f, high-gain %.4f, ideal %.1f\n", slope,
                high.slope(0.0), ideal_center_slope(s));
    EXPECT_LT(slope, -0.85 * 3.0);
    EXPECT_GT(slope, -3.0);
}

TEST(SotNeuron, SmallSignalSlopeMatchesTheCurve) {
    const SotNeuron n{SotNeuronSpec{}};
    for (double vin : {-0.5, -0.12, -0.03, 0.0, 0.07, 0.2, 0.6}) {
        const double h = 1e-6;
        const double fd = (n.output_V(vin + h) - n.output_V(vin - h)) / (2 * h);
        EXPECT_NEAR(n.slope(vin), fd, 1e-4 + 1e-4 * std::fabs(fd)) << "vin " << vin;
    }
}

TEST(SotNeuron, EnergyIsStaticPowerTimesWindow) {
    // vin = 0.6 V: Vx is near 0.75 V, so the PMOS (|Vt| 0.25 V, Vsg about 0.05 V) is off and
    // the NMOS, in its linear region, sinks the divider current. Solved here independently:
    // beta (Vx - Vt - Vo/2) Vo (1 + lambda Vo) = (Vs - Vo) / (R_P + R_AP).
    const SotNeuronSpec s;
    const double r_sum = s.r_p_ohm() + s.r_ap_ohm();
    const double vs = 0.6 + 0.4;
    const double beta = 0.66e-3 * 10, vt = 0.25, lambda = 0.1;
    double lo = 0.0, hi = 0.8;
    for (int i = 0; i < 100; ++i) {
        const double vo = 0.5 * (lo + hi);
        const double vx = (s.r_ap_ohm() * vs + s.r_p_ohm() * vo) / r_sum;
        const double i_n = beta * (vx - vt - vo / 2) * vo * (1 + lambda * vo);
        (i_n > (vs - vo) / r_sum ? hi : lo) = vo;
    }
    const double vo = 0.5 * (lo + hi);
    ASSERT_LT(0.8 - ((s.r_ap_ohm() * vs + s.r_p_ohm() * vo) / r_sum), 0.25); // PMOS off
    // All the power comes from the shifted input: Vs x I through the divider.
    const double power = vs * (vs - vo) / r_sum;
    const SotNeuron n(s);
    EXPECT_NEAR(n.output_V(0.6), vo, 1e-9);
    EXPECT_NEAR(n.energy_J(0.6), power * 1e-9, 1e-6 * power * 1e-9);
    EXPECT_NEAR(n.operating_point(0.6).i_pmos_A, 0.0, 0.0);

    // With a very strong NMOS the output sits on the rail and only the divider conducts:
    // E = Vs^2 / (R_P + R_AP) x window.
    SotNeuronSpec strong = s;
    strong.nmos.fins = 10000;
    strong.window_s = 2e-9;
    EXPECT_NEAR(SotNeuron(strong).energy_J(0.6), vs * vs / r_sum * 2e-9,
                1e-3 * vs * vs / r_sum * 2e-9);

    // At the centre no current flows in the divider: the power is the inverter's crowbar
    // current, beta/2 (0.4 - Vt)^2 (1 + lambda 0.4) from rail to rail.
    const SotNeuronPoint c = n.operating_point(0.0);
    const double crowbar = 0.5 * beta * 0.15 * 0.15 * (1 + lambda * 0.4);
    EXPECT_NEAR(c.i_divider_A, 0.0, 1e-12);
    EXPECT_NEAR(c.i_nmos_A, crowbar, 1e-9 * crowbar);
    EXPECT_NEAR(c.power_W(), crowbar * 0.8, 1e-6 * crowbar);
    std::printf("energy per 1 ns activation: %.3g J at the centre, %.3g J at vin = 0.6 V\n",
                n.energy_J(0.0), n.energy_J(0.6));
}

TEST(SotNeuron, SettlingTimeFromTheLinearisedCircuit) {
    const SotNeuronSpec s;
    const SotNeuron n(s);
    const double t = n.settling_time_s(0.0);
    EXPECT_GT(t, 1e-12);
    EXPECT_LT(t, 1e-9); // settles within IMAC-Sim's 1 ns window
    // Time constants scale with the capacitances; the tolerance enters as ln(1/tol).
    SotNeuronSpec twice = s;
    twice.c_in_F *= 2;
    twice.c_load_F *= 2;
    EXPECT_NEAR(SotNeuron(twice).settling_time_s(0.0), 2 * t, 1e-9 * t);
    SotNeuronSpec tight = s;
    tight.settle_tolerance = 0.001;
    EXPECT_NEAR(SotNeuron(tight).settling_time_s(0.0), 1.5 * t, 1e-9 * t);
    // Without a load capacitance worth the name only the input node is left: its time
    // constant is c_in over the conductance seen there, 1/R_P + 1/R_AP (plus the loop's help).
    SotNeuronSpec no_load = s;
    no_load.c_load_F = 1e-21;
    no_load.nmos.lambda_per_V = no_load.pmos.lambda_per_V = 0.0;
    const double tau_in = s.c_in_F * s.r_p_ohm() * s.r_ap_ohm() / (s.r_p_ohm() + s.r_ap_ohm());
    EXPECT_LT(SotNeuron(no_load).settling_time_s(0.0), std::log(100.0) * tau_in);
    std::printf("settling to 1%%: %.3g s at the centre, %.3g s at vin = 0.6 V\n", t,
                n.settling_time_s(0.6));
}

TEST(SotNeuron, AreaIsTwoMtjsAndTwoTransistors) {
    const SotNeuronSpec s;
    // 2 x 0.01 um^2 + 20 fins x 42 nm x 2 x 70 nm.
    EXPECT_NEAR(s.area_m2(), 2 * 0.01e-12 + 20 * 42e-9 * 140e-9, 1e-22);
    const NeuronBankModel bank(s, 84, RngStream(1, "bank"));
    EXPECT_NEAR(bank.area_m2(), 84 * s.area_m2(), 1e-20);
}

TEST(SotNeuron, BadParametersAreRefusedByName) {
    auto spec_error = [](auto change) {
        SotNeuronSpec s;
        change(s);
        return sot_error_of([&] { s.check(); });
    };
    EXPECT_NE(spec_error([](SotNeuronSpec& s) { s.tmr = 0.0; }).find("tmr"), std::string::npos);
    EXPECT_NE(spec_error([](SotNeuronSpec& s) { s.tmr = -1.0; }).find("tmr"), std::string::npos);
    EXPECT_NE(spec_error([](SotNeuronSpec& s) { s.ra_ohm_m2 = -10e-12; }).find("ra"),
              std::string::npos);
    EXPECT_NE(spec_error([](SotNeuronSpec& s) { s.mtj_width_m = 0.0; }).find("mtj_width"),
              std::string::npos);
    EXPECT_NE(spec_error([](SotNeuronSpec& s) { s.ra_sigma = -0.1; }).find("ra_sigma"),
              std::string::npos);
    EXPECT_NE(spec_error([](SotNeuronSpec& s) { s.nmos.vt_V = -0.2; }).find("nmos.vt"),
              std::string::npos);
    EXPECT_NE(spec_error([](SotNeuronSpec& s) { s.pmos.fins = 0; }).find("pmos.fins"),
              std::string::npos);
    EXPECT_NE(spec_error([](SotNeuronSpec& s) { s.c_load_F = -1e-15; }).find("c_load"),
              std::string::npos);
    const std::string rails = spec_error([](SotNeuronSpec& s) {
        s.rail_low_V = 0.8;
        s.rail_high_V = 0.0;
    });
    EXPECT_NE(rails.find("rail_high"), std::string::npos) << rails;
    EXPECT_NE(rails.find("rail_low"), std::string::npos) << rails;
    EXPECT_NE(spec_error([](SotNeuronSpec& s) { s.pmos.vt_V = 0.9; }).find("pmos.vt"),
              std::string::npos);
    // The constructors check too, and a device's own values must be positive.
    SotNeuronSpec bad;
    bad.tmr = 0.0;
    EXPECT_THROW(SotNeuron{bad}, InputError);
    EXPECT_THROW(NeuronBankModel(bad, 4, RngStream(1, "b")), InputError);
    EXPECT_NE(sot_error_of([] { SotNeuron(SotNeuronSpec{}, -1e-11, 1e-11, 2.0); }).find("RA"),
              std::string::npos);
    EXPECT_THROW(SotNeuron{SotNeuronSpec{}}.output_V(std::nan("")), InputError);

    // From JSON: the table's ranges and the relations, each with the parameter's pointer.
    const auto& table = SotNeuronSpec::table().params();
    try {
        Params::validate(json{{"tmr", -1.0}}, table, "f.json", "/neurons");
        ADD_FAILURE() << "a negative TMR was accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.pointer(), "/neurons/tmr");
    }
    try {
        Params::validate(json{{"nmos", {{"vt", "-0.1 V"}}}}, table, "f.json", "");
        ADD_FAILURE() << "a negative threshold was accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.pointer(), "/nmos/vt");
    }
    try {
        SotNeuronSpec::from_params(Params::validate(
            json{{"rail_low", "0.8 V"}, {"rail_high", "0 V"}}, table, "f.json", ""));
        ADD_FAILURE() << "inverted rails were accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.pointer(), "/rail_high");
    }
    const SotNeuronSpec from_json = SotNeuronSpec::from_params(Params::validate(
        json{{"ra", "20 ohm*um^2"}, {"tmr", 1.5}, {"pmos", {{"fins", 12}}}}, table, "", ""));
    EXPECT_NEAR(from_json.ra_ohm_m2, 20e-12, 1e-24);
    EXPECT_EQ(from_json.tmr, 1.5);
    EXPECT_EQ(from_json.pmos.fins, 12);
    EXPECT_EQ(from_json.nmos.fins, 10);
}

TEST(SotNeuron, VariationIsDrawnOncePerNeuronFromTheSeed) {
    SotNeuronSpec s;
    s.ra_sigma = 0.05;
    s.tmr_sigma = 0.1;
    const NeuronBankModel a(s, 50, RngStream(7, "layer1.neurons"));
    const NeuronBankModel b(s, 50, RngStream(7, "layer1.neurons"));
    const NeuronBankModel c(s, 50, RngStream(8, "layer1.neurons"));
    const NeuronBankModel small(s, 10, RngStream(7, "layer1.neurons"));
    int differ = 0;
    for (int i = 0; i < 50; ++i) {
        EXPECT_EQ(a.neuron(i).r_in_ohm(), b.neuron(i).r_in_ohm());
        EXPECT_EQ(a.neuron(i).r_fb_ohm(), b.neuron(i).r_fb_ohm());
        differ += a.neuron(i).r_in_ohm() != c.neuron(i).r_in_ohm();
        if (i < 10) EXPECT_EQ(a.neuron(i).r_fb_ohm(), small.neuron(i).r_fb_ohm()); // size-free
    }
    EXPECT_EQ(differ, 50);
    EXPECT_NE(a.neuron(0).r_in_ohm(), a.neuron(1).r_in_ohm());
    // Evaluating does not draw: the same inputs give the same outputs every time.
    const std::vector<double> vin(50, 0.01);
    EXPECT_EQ(a.evaluate(vin), a.evaluate(vin));
    EXPECT_EQ(a.evaluate(vin), b.evaluate(vin));
    EXPECT_NE(a.evaluate(vin), c.evaluate(vin));
    EXPECT_THROW(a.evaluate(std::vector<double>(49, 0.0)), InputError);

    // Sigma 0: every neuron is the nominal one.
    const NeuronBankModel nominal(SotNeuronSpec{}, 20, RngStream(7, "x"));
    const SotNeuron ref{SotNeuronSpec{}};
    for (int i = 0; i < 20; ++i) {
        EXPECT_EQ(nominal.neuron(i).r_in_ohm(), ref.r_in_ohm());
        EXPECT_EQ(nominal.neuron(i).r_fb_ohm(), ref.r_fb_ohm());
        EXPECT_EQ(nominal.neuron(i).output_V(0.05), ref.output_V(0.05));
    }
}

TEST(SotNeuron, MeasuredSpreadMatchesSigma) {
    SotNeuronSpec s;
    s.ra_sigma = 0.05;
    s.tmr_sigma = 0.1;
    const int n = 4000;
    const NeuronBankModel bank(s, n, RngStream(3, "spread"));
    auto stats = [&](auto value) {
        double sum = 0, sum2 = 0;
        for (int i = 0; i < n; ++i) {
            const double v = value(bank.neuron(i));
            sum += v;
            sum2 += v * v;
        }
        const double mean = sum / n;
        return std::make_pair(mean, std::sqrt(sum2 / n - mean * mean));
    };
    const auto ra_in =
        stats([&](const SotNeuron& x) { return std::log(x.ra_in_ohm_m2() / s.ra_ohm_m2); });
    const auto ra_fb =
        stats([&](const SotNeuron& x) { return std::log(x.ra_fb_ohm_m2() / s.ra_ohm_m2); });
    const auto tmr = stats([&](const SotNeuron& x) { return std::log(x.tmr_fb() / s.tmr); });
    // Standard error of a sigma estimate from n samples: sigma / sqrt(2n), about 1.1 %.
    EXPECT_NEAR(ra_in.second, 0.05, 0.05 * 0.05);
    EXPECT_NEAR(ra_fb.second, 0.05, 0.05 * 0.05);
    EXPECT_NEAR(tmr.second, 0.10, 0.10 * 0.05);
    EXPECT_NEAR(ra_in.first, 0.0, 4 * 0.05 / std::sqrt(n));
    EXPECT_NEAR(tmr.first, 0.0, 4 * 0.10 / std::sqrt(n));
    // The resistances follow: R_in = RA_in / area, R_fb = RA_fb / area x (1 + TMR_fb).
    const SotNeuron& x = bank.neuron(17);
    EXPECT_NEAR(x.r_in_ohm(), x.ra_in_ohm_m2() / s.mtj_area_m2(), 1e-9);
    EXPECT_NEAR(x.r_fb_ohm(), x.ra_fb_ohm_m2() / s.mtj_area_m2() * (1 + x.tmr_fb()), 1e-9);
}

TEST(SotNeuron, BankActivationSumsEnergyAndTakesTheSlowestNeuron) {
    SotNeuronSpec s;
    s.ra_sigma = 0.1;
    const NeuronBankModel bank(s, 3, RngStream(5, "act"));
    const std::vector<double> vin{-0.3, 0.0, 0.4};
    const auto a = bank.activate(vin);
    double e = 0, t = 0;
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(a.vout_V[i], bank.neuron(i).output_V(vin[i]));
        e += bank.neuron(i).energy_J(vin[i]);
        t = std::max(t, bank.neuron(i).settling_time_s(vin[i]));
    }
    EXPECT_NEAR(a.energy_J, e, 1e-12 * e);
    EXPECT_EQ(a.latency_s, t);
}

TEST(SotNeuron, ReverseSigmoidFit) {
    const SotNeuron n{SotNeuronSpec{}};
    const ReverseSigmoidFit fit = fit_reverse_sigmoid(n, -0.6, 0.6);
    // r'(0) = -1/4, so matching the slope at the centre needs scale = swing / (4 |slope|).
    const double slope_scale = 0.8 / (4 * std::fabs(n.slope(0.0)));
    std::printf("reverse sigmoid fit: centre %.4f V, scale %.4f V per unit (slope-matched "
                "%.4f), max error %.2f %%, rms %.2f %% of the swing\n",
                fit.center_V, fit.scale_V, slope_scale, 100 * fit.max_error, 100 * fit.rms_error);
    EXPECT_NEAR(fit.center_V, 0.0, 1e-9);
    EXPECT_NEAR(fit.scale_V, slope_scale, 0.25 * slope_scale);
    EXPECT_LT(fit.max_error, 0.06);
    EXPECT_LT(fit.rms_error, 0.03);
    EXPECT_NEAR(fit.input_V(2.0), 2.0 * fit.scale_V, 1e-15);
    EXPECT_NEAR(fit.pre_activation(fit.input_V(-1.3)), -1.3, 1e-12);
    EXPECT_NEAR(reverse_sigmoid(0.0), 0.5, 0.0);
    EXPECT_NEAR(reverse_sigmoid(800.0), 0.0, 1e-300);
    EXPECT_NEAR(reverse_sigmoid(-800.0), 1.0, 0.0);
    EXPECT_THROW(fit_reverse_sigmoid(n, 0.5, 0.6), InputError); // all on one rail
}

TEST(SotNeuron, ReadoutAmplifierAsImacSim) {
    const ReadoutAmpSpec amp; // gain 30, R1 = R2 = 1 kohm
    EXPECT_EQ(amp.plus_line_load_ohm(), 31e3);
    EXPECT_NEAR(amp.output_V(0.012, 0.010), 30 * 0.002, 1e-15);
    // 1 uA more on I+ than on I-: 30 kohm x 1 uA.
    EXPECT_NEAR(amp.output_from_currents_V(3e-6, 2e-6), 0.03, 1e-15);
    // Norton lines with no conductance of their own deliver their whole current.
    EXPECT_NEAR(amp.output_from_norton_V(3e-6, 0.0, 2e-6, 0.0), 0.03, 1e-15);
    // By hand: a line conductance of 1/31 kohm on I+ halves V+; on I-, 1 mS.
    const double vp = 3e-6 * 15.5e3;
    const double vn = 30.0 / 31.0 * vp;
    const double vm = (2e-6 + vn / 1e3) / (1e-3 + 1e-3);
    EXPECT_NEAR(amp.output_from_norton_V(3e-6, 1 / 31e3, 2e-6, 1e-3), 30 * (vp - vm), 1e-12);
    ReadoutAmpSpec bad;
    bad.gain = -1;
    EXPECT_NE(sot_error_of([&] { bad.check(); }).find("gain"), std::string::npos);
    // Split layers: the parts' amplifiers average.
    EXPECT_NEAR(average_parts_V({0.1, 0.2, 0.6}), 0.3, 1e-15);
    EXPECT_THROW(average_parts_V({}), InputError);
}

} // namespace
} // namespace neurotlm
