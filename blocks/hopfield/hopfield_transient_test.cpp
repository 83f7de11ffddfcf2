// The transient netlist of a whole recall: its structure, the reader of ngspice's output, and
// ngspice's simulation of latches, converters, memory select, MTJs and integrating neurons
// against the model, clock by clock, with the supply energy beside the model's read energy.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "testing/require.h"

#include "neurotlm/blocks/hopfield/hopfield.h"
#include "neurotlm/blocks/hopfield/spice_export.h"
#include "neurotlm/blocks/hopfield/spice_transient.h"
#include "neurotlm/core/error.h"
#include "testing/paths.h"

namespace neurotlm {
namespace {

HopfieldSpec transient_spec(int n, int memories) {
    HopfieldSpec s;
    s.neurons = n;
    s.memories = memories;
    s.storage = WeightStorage::ternary;
    s.update = UpdateOrder::synchronous;
    return s;
}

/// Two groups of n/2 neurons coupled antiferromagnetically (no coupling inside a group): started
/// aligned, they swap sign together every synchronous clock, a 2-cycle.
HopfieldWeights two_groups_in_antiphase(int n) {
    HopfieldWeights w = empty_weights(n, HopfieldLearning::storkey);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            if ((i < n / 2) != (j < n / 2)) w.w[static_cast<std::size_t>(i) * n + j] = -0.25f;
    return w;
}

int lines_starting(const std::string& text, const std::string& prefix) {
    std::istringstream in(text);
    std::string line;
    int count = 0;
    while (std::getline(in, line))
        count += line.rfind(prefix, 0) == 0;
    return count;
}

TEST(HopfieldTransient, NetlistHoldsEveryMtjOfEveryMemory) {
    HopfieldNetwork net(transient_spec(4, 2), RngStream(1, "net"));
    RngStream rng(2, "patterns");
    net.store(0, random_patterns(1, 4, rng));
    net.store(1, random_patterns(1, 4, rng));
    net.select(1);
    std::ostringstream os;
    write_hopfield_transient_netlist(os, net, {1, -1, 1, -1}, 3);
    const std::string text = os.str();
    // 12 off-diagonal sites x 2 MTJs x 2 memories; the antiparallel ones bias-dependent.
    int parallel = 0, antiparallel = 0;
    for (int k = 0; k < 2; ++k) {
        const SynapseArray a = net.synapse_array(k);
        for (std::size_t c = 0; c < a.g_plus_S.size(); ++c) {
            if (a.g_plus_S[c] == 0.0) continue;
            parallel += a.parallel_plus[c] + a.parallel_minus[c];
            antiparallel += 2 - a.parallel_plus[c] - a.parallel_minus[c];
        }
    }
    EXPECT_EQ(parallel + antiparallel, 48);
    EXPECT_EQ(lines_starting(text, "RP") + lines_starting(text, "RN"), parallel);
    EXPECT_EQ(lines_starting(text, "BP") + lines_starting(text, "BN"), antiparallel);
    EXPECT_NE(text.find("VSEL0 sel0 0 DC 0\n"), std::string::npos);
    EXPECT_NE(text.find("VSEL1 sel1 0 DC 1\n"), std::string::npos);
    // The probe enters the latches: neuron 1 low, neuron 2 high.
    EXPECT_NE(text.find("VP1 p1 0 DC 0\n"), std::string::npos);
    EXPECT_NE(text.find("VP2 p2 0 DC 1\n"), std::string::npos);
    EXPECT_EQ(lines_starting(text, "meas tran s"), 3 * 4);
    EXPECT_EQ(lines_starting(text, "EO"), 4);
    EXPECT_NE(text.find("print supply_energy"), std::string::npos);
}

TEST(HopfieldTransient, RefusesWhatTheCircuitCannotRun) {
    HopfieldNetwork net(transient_spec(4, 1), RngStream(1, "net"));
    std::ostringstream os;
    EXPECT_THROW(write_hopfield_transient_netlist(os, net, {1, 1, 1}, 2), InputError);
    EXPECT_THROW(write_hopfield_transient_netlist(os, net, {1, 1, 1, 1}, 0), InputError);
    HopfieldTransientOptions wide;
    wide.dead_band_steps = 0.5;
    EXPECT_THROW(write_hopfield_transient_netlist(os, net, {1, 1, 1, 1}, 2, wide), InputError);
    HopfieldSpec async = transient_spec(4, 1);
    async.update = UpdateOrder::sequential;
    EXPECT_THROW(write_hopfield_transient_netlist(os, HopfieldNetwork(async, RngStream(1, "a")),
                                                  {1, 1, 1, 1}, 2),
                 InputError);
    HopfieldSpec ideal = transient_spec(4, 1);
    ideal.storage = WeightStorage::ideal;
    EXPECT_THROW(write_hopfield_transient_netlist(os, HopfieldNetwork(ideal, RngStream(1, "i")),
                                                  {1, 1, 1, 1}, 2),
                 InputError);
    HopfieldSpec quick = transient_spec(4, 1);
    quick.neuron_latency_s = 0.1e-9; // shorter than the clock edges allow
    EXPECT_THROW(write_hopfield_transient_netlist(os, HopfieldNetwork(quick, RngStream(1, "q")),
                                                  {1, 1, 1, 1}, 2),
                 InputError);
}

TEST(HopfieldTransient, ReadsStatesAndSupplyEnergy) {
    const std::string out = "s0_0                =  9.999e-01\n"
                            "s0_1                =  1.2e-03\n"
                            "s1_0                =  2.0e-04\n"
                            "s1_1                =  1.0e+00\n"
                            "supply_energy = 3.5e-12\n";
    const HopfieldTransientResult r = parse_transient_output(out, 2, 2);
    ASSERT_EQ(r.states.size(), 2u);
    EXPECT_EQ(r.states[0], (HopfieldPattern{1, -1}));
    EXPECT_EQ(r.states[1], (HopfieldPattern{-1, 1}));
    EXPECT_EQ(r.supply_energy_J, 3.5e-12);
    try {
        parse_transient_output(out, 2, 3);
        ADD_FAILURE() << "a missing clock was not reported";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("s2_0"), std::string::npos) << e.what();
    }
}

TEST(HopfieldTransient, StatesPerClockFollowTheRecall) {
    const int n = 8;
    HopfieldNetwork net(transient_spec(n, 1), RngStream(1, "net"));
    net.program_weights(0, two_groups_in_antiphase(n));
    const HopfieldRecall r = net.recall(HopfieldPattern(n, 1));
    ASSERT_TRUE(r.cycle);
    const std::vector<HopfieldPattern> s = states_per_clock(r);
    ASSERT_EQ(s.size(), static_cast<std::size_t>(r.iterations));
    EXPECT_EQ(s[0], HopfieldPattern(n, -1));
    EXPECT_EQ(s.back(), r.state);
}

/// ngspice's recall of @p probe on @p net, compared clock by clock with the model's. Returns
/// the supply energy over the model's synapse read energy.
double transient_against_model(HopfieldNetwork& net, const HopfieldPattern& probe,
                               const std::string& tag) {
    const HopfieldRecall r = net.recall(probe);
    const std::string cir = testing::scratch_dir("hopfield-transient-" + tag) + "/recall.cir";
    const HopfieldTransientOptions options;
    write_hopfield_transient_netlist(cir, net, probe, r.iterations, options, tag);
    const HopfieldTransientResult got =
        parse_transient_output(run_ngspice(cir), net.neurons(), r.iterations);
    const std::vector<HopfieldPattern> want = states_per_clock(r);
    const std::vector<double>& theta = net.threshold_in_steps();
    for (int k = 0; k < r.iterations; ++k) {
        const auto& step = r.steps[static_cast<std::size_t>(k)];
        bool near_tie = false;
        for (int i = 0; i < net.neurons(); ++i) {
            const double margin =
                step.currents_A[static_cast<std::size_t>(i)] / net.unit_current_A() -
                (theta.empty() ? 0.0 : theta[static_cast<std::size_t>(i)]);
            if (got.states[static_cast<std::size_t>(k)][static_cast<std::size_t>(i)] ==
                want[static_cast<std::size_t>(k)][static_cast<std::size_t>(i)])
                continue;
            // A decision inside the comparator's band may go either way; past it the
            // trajectories are no longer comparable.
            EXPECT_LT(std::fabs(margin), options.dead_band_steps)
                << tag << ": clock " << k << " neuron " << i << " margin " << margin;
            near_tie = true;
        }
        if (near_tie) break;
    }
    const double ratio = got.supply_energy_J / r.cost.synapse_energy_J;
    std::printf("[%s] %d clocks (%s), supply %.4g J, model read energy %.4g J, ratio %.4f\n",
                tag.c_str(), r.iterations, r.converged ? "converged" : "cycle", got.supply_energy_J,
                r.cost.synapse_energy_J, ratio);
    return ratio;
}

TEST(HopfieldTransient, NgspiceRecallsAsTheModelClockByClock) {
    NEUROTLM_REQUIRE_TOOL(ngspice_available(), "ngspice");
    // Two memories, the second selected; default writes (a few failed MTJs make the array
    // asymmetric). Odd pattern counts, so no field is an exact tie.
    HopfieldNetwork net(transient_spec(16, 2), RngStream(7, "net"));
    RngStream rng(8, "patterns");
    net.store(0, random_patterns(3, 16, rng));
    const std::vector<HopfieldPattern> stored = random_patterns(3, 16, rng);
    net.store(1, stored);
    net.select(1);
    for (int k = 0; k < 2; ++k) {
        const double ratio =
            transient_against_model(net, flip_bits(stored[static_cast<std::size_t>(k)], 4, rng),
                                    "probe" + std::to_string(k));
        // The rails deliver the read energy the model books (sum V^2 G t over the read window)
        // plus the drivers' and the lines' small share.
        EXPECT_GT(ratio, 0.98);
        EXPECT_LT(ratio, 1.02);
    }
}

TEST(HopfieldTransient, TwoCycleThresholdsAndVariationInNgspice) {
    NEUROTLM_REQUIRE_TOOL(ngspice_available(), "ngspice");
    // The antiferromagnetic 2-cycle on MTJs.
    {
        const int n = 8;
        HopfieldNetwork net(transient_spec(n, 1), RngStream(1, "net"));
        net.program_weights(0, two_groups_in_antiphase(n));
        const double ratio = transient_against_model(net, HopfieldPattern(n, 1), "cycle");
        EXPECT_GT(ratio, 0.98);
        EXPECT_LT(ratio, 1.02);
    }
    // Two pairs per weight, 5 % device variation, thresholds of +-1.5 steps, V_read 0.3 V
    // (the antiparallel MTJs well into their bias dependence).
    {
        HopfieldSpec s = transient_spec(12, 1);
        s.storage = WeightStorage::multilevel;
        s.pairs_per_weight = 2;
        s.cell.variation_sigma = 0.05;
        s.read_voltage_V = 0.3;
        HopfieldNetwork net(s, RngStream(3, "net"));
        RngStream rng(4, "patterns");
        const std::vector<HopfieldPattern> stored = random_patterns(3, 12, rng);
        net.store(0, stored);
        net.set_threshold(std::vector<double>(12, 1.0));
        const double weight_per_step = 1.0 / net.threshold_in_steps()[0];
        std::vector<double> theta(12);
        for (int i = 0; i < 12; ++i)
            theta[static_cast<std::size_t>(i)] = (i % 3 == 0   ? 1.5
                                                  : i % 3 == 1 ? -1.5
                                                               : 0.0) *
                                                 weight_per_step;
        net.set_threshold(theta);
        ASSERT_NEAR(net.threshold_in_steps()[0], 1.5, 1e-12);
        const double ratio = transient_against_model(net, flip_bits(stored[0], 3, rng), "multi");
        EXPECT_GT(ratio, 0.98);
        EXPECT_LT(ratio, 1.02);
    }
}

} // namespace
} // namespace neurotlm
