// The SOT-MRAM neuron model against ngspice: the DC transfer curve of the same circuit (level-1
// MOSFETs with the model's parameters, the two MTJs as resistors) must agree within 2 % of the
// output swing over the whole input range, for the nominal neuron and for varied devices.
#include "neurotlm/blocks/neuron_bank/neuron_spice.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include <gtest/gtest.h>

#include "testing/require.h"

#include "neurotlm/blocks/hopfield/spice_export.h"
#include "neurotlm/core/error.h"
#include "testing/paths.h"

namespace neurotlm {
namespace {

TEST(NeuronSpice, ParsesNgspiceDcPrint) {
    // As ngspice 39 prints a DC sweep in batch mode, with a page break and repeated header.
    const std::string out =
        "\nNote: No compatibility mode selected!\n\n\nCircuit: * t\n\n"
        "Doing analysis at TEMP = 27.000000 and TNOM = 27.000000\n\n\nNo. of Data Rows : 3\n"
        "     * t\n     DC transfer characteristic  Sun Nov 29 01:05:26  2026\n"
        "----------------------------------------------\n"
        "Index   v-sweep         v(out)          v(x)            \n"
        "----------------------------------------------\n"
        "0\t-8.00000000000e-01\t7.917986976732e-01\t-1.02050413335e-01\t\n"
        "1\t-7.90000000000e-01\t7.917727002543e-01\t-9.45569119516e-02\t\n"
        "\nIndex   v-sweep         v(out)          v(x)            \n"
        "----------------------------------------------\n"
        "2\t-7.80000000000e-01\t7.917454744671e-01\t-8.70637176601e-02\t\n";
    const std::vector<NeuronSweepPoint> rows = parse_neuron_sweep(out);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].vin_V, -0.8);
    EXPECT_EQ(rows[2].vout_V, 7.917454744671e-01);
    EXPECT_EQ(rows[1].vx_V, -9.45569119516e-02);
    EXPECT_THROW(parse_neuron_sweep("Index v-sweep v(out)\nNote: nothing\n"), InputError);
    EXPECT_THROW(parse_neuron_sweep("0\t1\t2\t3\n2\t1\t2\t3\n"), InputError); // a row missing
}

TEST(NeuronSpice, NetlistDescribesTheModelledCircuit) {
    const SotNeuron n{SotNeuronSpec{}};
    std::ostringstream os;
    write_neuron_dc_netlist(os, n, -0.8, 0.8, 0.01, "test");
    const std::string text = os.str();
    EXPECT_NE(text.find("RIN s x 8488.26363"), std::string::npos) << text;
    EXPECT_NE(text.find("RFB x out 25464.7908"), std::string::npos) << text;
    EXPECT_NE(text.find("VSH s in DC 0.4"), std::string::npos);
    EXPECT_NE(text.find("VHI vhi 0 DC 0.8"), std::string::npos);
    EXPECT_NE(text.find("level=1 vto=0.25 kp=0.00066 lambda=0.1"), std::string::npos);
    EXPECT_NE(text.find("level=1 vto=-0.25"), std::string::npos);
    EXPECT_NE(text.find("MN out x vlo vlo nfin W=1u L=1u M=10"), std::string::npos);
    EXPECT_NE(text.find("MP out x vhi vhi pfin W=1u L=1u M=10"), std::string::npos);
    EXPECT_NE(text.find("\ndc VIN -0.8 0.8 0.01\n"), std::string::npos);
    EXPECT_THROW(write_neuron_dc_netlist(os, n, 0.5, -0.5, 0.01), InputError);
}

// Sweeps @p neuron in ngspice and returns the largest difference from the model as a fraction
// of the swing (and checks the inverter input too).
double sweep_error(const SotNeuron& neuron, double start, double stop, double step,
                   const std::string& tag) {
    const std::string dir = testing::scratch_dir("neuron-spice-" + tag);
    const std::string cir = dir + "/neuron.cir";
    write_neuron_dc_netlist(cir, neuron, start, stop, step, tag);
    const std::vector<NeuronSweepPoint> rows = parse_neuron_sweep(run_ngspice(cir));
    EXPECT_EQ(rows.size(), static_cast<std::size_t>(std::lround((stop - start) / step)) + 1);
    const double swing = neuron.spec().swing_V();
    double worst = 0.0;
    for (const NeuronSweepPoint& r : rows) {
        const SotNeuronPoint m = neuron.operating_point(r.vin_V);
        EXPECT_NEAR(m.vout_V, r.vout_V, 0.02 * swing) << tag << " vin " << r.vin_V;
        EXPECT_NEAR(m.vx_V, r.vx_V, 0.02 * swing) << tag << " vin " << r.vin_V;
        worst = std::max(worst, std::fabs(m.vout_V - r.vout_V) / swing);
    }
    std::printf("[%s] %zu points in [%g, %g] V: max |model - ngspice| = %.3g %% of the swing\n",
                tag.c_str(), rows.size(), start, stop, 100 * worst);
    return worst;
}

TEST(NeuronSpice, NominalNeuronAgreesWithNgspice) {
    NEUROTLM_REQUIRE_TOOL(ngspice_available(), "ngspice");
    const SotNeuron n{SotNeuronSpec{}};
    // From one saturated side to the other, through the whole transition.
    EXPECT_LT(sweep_error(n, -1.2, 1.2, 0.005, "nominal"), 0.02);
}

TEST(NeuronSpice, VariedAndResizedNeuronsAgreeWithNgspice) {
    NEUROTLM_REQUIRE_TOOL(ngspice_available(), "ngspice");
    SotNeuronSpec s;
    s.ra_sigma = 0.1;
    s.tmr_sigma = 0.15;
    const NeuronBankModel bank(s, 3, RngStream(11, "spice"));
    for (int i = 0; i < bank.size(); ++i)
        EXPECT_LT(sweep_error(bank.neuron(i), -0.8, 0.8, 0.01, "varied" + std::to_string(i)), 0.02);

    // Another device and supply: RA 15 ohm um^2, TMR 1.5, rails -0.1 .. 0.9 V, unequal
    // transistors (the switching point moves off mid-rail), a high-gain inverter.
    SotNeuronSpec t;
    t.ra_ohm_m2 = 15e-12;
    t.tmr = 1.5;
    t.rail_low_V = -0.1;
    t.rail_high_V = 0.9;
    t.nmos.kp_per_fin_A_per_V2 = 2e-3;
    t.pmos.kp_per_fin_A_per_V2 = 1e-3;
    t.pmos.fins = 14;
    t.nmos.vt_V = 0.3;
    t.nmos.lambda_per_V = 0.02;
    t.pmos.lambda_per_V = 0.05;
    EXPECT_LT(sweep_error(SotNeuron(t), -1.0, 1.0, 0.01, "resized"), 0.02);
}

// ngspice's time for the output to stay within the spec's tolerance of its final step, after
// the input steps from @p from to @p to.
double spice_settling_s(const SotNeuron& neuron, double from, double to, const std::string& tag) {
    const std::string dir = testing::scratch_dir("neuron-step-" + tag);
    const std::string cir = dir + "/step.cir";
    write_neuron_step_netlist(cir, neuron, from, to, 0.5e-12, 1e-9);
    const std::vector<NeuronTransientPoint> rows = parse_neuron_transient(run_ngspice(cir));
    const double initial = neuron.output_V(from), final = neuron.output_V(to);
    EXPECT_NEAR(rows.front().vout_V, initial, 1e-3) << tag;
    EXPECT_NEAR(rows.back().vout_V, final, 1e-3) << tag;
    const double band = neuron.spec().settle_tolerance * std::fabs(final - initial);
    double last_outside = kNeuronStepAt_s;
    for (const NeuronTransientPoint& r : rows)
        if (std::fabs(r.vout_V - final) > band) last_outside = r.time_s;
    return last_outside - kNeuronStepAt_s;
}

TEST(NeuronSpice, SettlingTimeAgreesWithNgspiceTransient) {
    NEUROTLM_REQUIRE_TOOL(ngspice_available(), "ngspice");
    const SotNeuron n{SotNeuronSpec{}};
    struct Step {
        double from, to;
        const char* tag;
    };
    // Steps that end in the transition region, small (what the estimate linearises) or large
    // (slewing through it from a rail): within 20 %.
    for (const Step& st :
         {Step{0.0, 0.005, "small"}, Step{-0.6, 0.0, "rise"}, Step{0.6, 0.0, "fall"}}) {
        const double spice = spice_settling_s(n, st.from, st.to, st.tag);
        const double model = n.settling_time_s(st.to);
        std::printf("[%s] %g V -> %g V: settling to 1%% model %.3g s, ngspice %.3g s (%.2fx)\n",
                    st.tag, st.from, st.to, model, spice, model / spice);
        EXPECT_NEAR(model, spice, 0.2 * spice) << st.tag;
    }
    // Into saturation the transistors' large-signal drive gets there long before the small
    // signal around the final point would: the estimate is an upper bound there.
    const double spice = spice_settling_s(n, 0.0, 0.6, "saturate");
    const double model = n.settling_time_s(0.6);
    std::printf("[saturate] 0 V -> 0.6 V: settling to 1%% model %.3g s, ngspice %.3g s (%.2fx)\n",
                model, spice, model / spice);
    EXPECT_GT(model, spice);
    EXPECT_LT(model, 10 * spice);
}

} // namespace
} // namespace neurotlm
