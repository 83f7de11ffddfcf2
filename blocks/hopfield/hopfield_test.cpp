// Hopfield associative memory with MTJ synapses: learning rules against hand-worked examples,
// fixed points, the energy function, synchronous 2-cycles, clipping and quantisation onto MTJ
// pairs, the converter's currents and read energy against a hand calculation, write failures
// at the rate the switching model sets, memory slots, generators and a small capacity run.

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "neurotlm/blocks/hopfield/hopfield.h"
#include "neurotlm/core/error.h"
#include "neurotlm/devices/library.h"
#include "testing/paths.h"

namespace neurotlm {
namespace {

// R_P = 10 kohm, TMR0 = 2, V_half = 0.5 V, 50 ns write pulses.
const json kTestMtj = {{"type", "mtj"},
                       {"r_p", "10 kohm"},
                       {"tmr", 2.0},
                       {"v_half", "0.5 V"},
                       {"switching", {{"pulse_width", "50 ns"}}}};

// A spec from hopfield_array parameters @p hop whose device is @p device.
HopfieldSpec spec_with(json hop, const json& device) {
    DeviceLibrary lib(DeviceLibrary::default_search_dirs(""));
    lib.load_section({{"m", device}}, "t.json", "/devices");
    hop["device"] = "m";
    return HopfieldSpec::from_params(
        Params::validate(hop, HopfieldSpec::table().params(), "t.json", "/components/0"), lib);
}

HopfieldSpec spec_of(int n, WeightStorage storage, UpdateOrder update = UpdateOrder::synchronous) {
    HopfieldSpec s;
    s.neurons = n;
    s.storage = storage;
    s.update = update;
    return s;
}

/// A pulse long enough that every write succeeds: P_fail = 1 - exp(-148 e^{-100}) ~ 1e-41.
void perfect_writes(HopfieldSpec& s) {
    s.cell.switching.pulse_width_s = 50e-9;
}

/// E = -1/2 s^T W s + theta^T s, written out independently of the model.
double energy_of(const std::vector<double>& w, const std::vector<double>& theta,
                 const HopfieldPattern& s) {
    const std::size_t n = s.size();
    double e = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j)
            e -= 0.5 * w[i * n + j] * s[i] * s[j];
        e += theta[i] * s[i];
    }
    return e;
}

TEST(Hopfield, HebbianHandExample) {
    // xi1 = (1, 1, -1, -1), xi2 = (1, -1, 1, -1). xi1 xi1^T + xi2 xi2^T =
    //   [[2, 0, 0, -2], [0, 2, -2, 0], [0, -2, 2, 0], [-2, 0, 0, 2]];
    // zero diagonal, divided by N = 4: W_03 = W_12 = -1/2, every other entry 0.
    const std::vector<HopfieldPattern> p = {{1, 1, -1, -1}, {1, -1, 1, -1}};
    const HopfieldWeights w = learn_weights(p, 4, HopfieldLearning::hebbian);
    const double expect[4][4] = {
        {0, 0, 0, -0.5}, {0, 0, -0.5, 0}, {0, -0.5, 0, 0}, {-0.5, 0, 0, 0}};
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j)
            EXPECT_DOUBLE_EQ(w.at(i, j), expect[i][j]) << i << j;
}

TEST(Hopfield, StorkeyHandExample) {
    // Same patterns. After xi1: W = (1/4) xi1 xi1^T, zero diagonal. For xi2, the fields
    // g_i = sum_k W_ik xi2_k are (-1/4, 1/4, -1/4, 1/4) and h_ij = g_i - W_ij xi2_j:
    //   (0,1): h_01 = 0, h_10 = 0,       dW = (1/4)(-1)               -> W_01 = 0
    //   (0,2): h_02 = 0, h_20 = 0,       dW = (1/4)(+1)               -> W_02 = 0
    //   (0,3): h_03 = -1/2, h_30 = 1/2,  dW = (1/4)(-1 - 1/2 - 1/2)   -> W_03 = -1/4 - 1/2 = -3/4
    //   (1,2): h_12 = 1/2, h_21 = -1/2,  dW = (1/4)(-1 - 1/2 - 1/2)   -> W_12 = -3/4
    //   (1,3): h_13 = 0, h_31 = 0,       dW = (1/4)(+1)               -> W_13 = 0
    //   (2,3): h_23 = 0, h_32 = 0,       dW = (1/4)(-1)               -> W_23 = 0
    const std::vector<HopfieldPattern> p = {{1, 1, -1, -1}, {1, -1, 1, -1}};
    const HopfieldWeights w = learn_weights(p, 4, HopfieldLearning::storkey);
    const double expect[4][4] = {
        {0, 0, 0, -0.75}, {0, 0, -0.75, 0}, {0, -0.75, 0, 0}, {-0.75, 0, 0, 0}};
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j)
            EXPECT_NEAR(w.at(i, j), expect[i][j], 1e-7) << i << j;
}

TEST(Hopfield, StoredPatternsAreFixedPoints) {
    RngStream rng(3, "patterns");
    const std::vector<HopfieldPattern> p = random_patterns(3, 64, rng);
    for (WeightStorage st :
         {WeightStorage::ideal, WeightStorage::ternary, WeightStorage::multilevel})
        for (UpdateOrder order :
             {UpdateOrder::synchronous, UpdateOrder::sequential, UpdateOrder::random})
            for (HopfieldLearning rule : {HopfieldLearning::hebbian, HopfieldLearning::storkey}) {
                HopfieldSpec s = spec_of(64, st, order);
                s.learning = rule;
                if (st == WeightStorage::multilevel) s.pairs_per_weight = 3;
                perfect_writes(s);
                HopfieldNetwork net(s, RngStream(1, "net"));
                const HopfieldWriteCost c = net.store(0, p);
                EXPECT_EQ(c.failed_writes, 0u);
                for (const auto& xi : p) {
                    RecallOptions o;
                    o.target = &xi;
                    const HopfieldRecall r = net.recall(xi, o);
                    EXPECT_TRUE(r.converged);
                    EXPECT_FALSE(r.cycle);
                    EXPECT_EQ(r.iterations, 1);
                    EXPECT_EQ(r.state, xi) << to_string(st) << " " << to_string(order);
                    EXPECT_EQ(r.overlap, 1.0);
                }
            }
}

TEST(Hopfield, CorruptedProbesAreCleanedUp) {
    RngStream rng(4, "patterns");
    const std::vector<HopfieldPattern> p = random_patterns(4, 128, rng);
    for (WeightStorage st : {WeightStorage::ideal, WeightStorage::ternary}) {
        HopfieldSpec s = spec_of(128, st, UpdateOrder::random);
        perfect_writes(s);
        HopfieldNetwork net(s, RngStream(1, "net"));
        net.store(0, p);
        RngStream probe_rng(9, "probes");
        for (const auto& xi : p) {
            RecallOptions o;
            o.target = &xi;
            const HopfieldRecall r = net.recall(flip_bits(xi, 12, probe_rng), o);
            EXPECT_EQ(r.state, xi);
            EXPECT_TRUE(r.converged);
            // A masked quarter is restored too.
            EXPECT_EQ(net.recall(mask_region(xi, 32, 32), o).state, xi);
        }
    }
}

TEST(Hopfield, AsynchronousEnergyNeverRises) {
    // An overloaded network (P/N = 0.25) gives long trajectories into spurious minima.
    const int n = 100;
    RngStream rng(5, "patterns");
    const std::vector<HopfieldPattern> p = random_patterns(25, n, rng);
    for (WeightStorage st : {WeightStorage::ideal, WeightStorage::ternary})
        for (UpdateOrder order : {UpdateOrder::sequential, UpdateOrder::random}) {
            HopfieldSpec s = spec_of(n, st, order);
            perfect_writes(s);
            HopfieldNetwork net(s, RngStream(2, "net"));
            net.store(0, p);
            std::vector<double> theta(n);
            for (int i = 0; i < n; ++i)
                theta[i] = (i % 3 == 0) ? 0.05 : -0.02;
            if (order == UpdateOrder::random) net.set_threshold(theta);
            const std::vector<double> w = net.effective_weights();
            int flips = 0;
            for (int k = 0; k < 20; ++k) {
                const HopfieldPattern probe = random_patterns(1, n, rng)[0];
                double last = energy_of(w, net.threshold(), probe);
                RecallOptions o;
                o.on_flip = [&](int, const HopfieldPattern& s) {
                    const double e = energy_of(w, net.threshold(), s);
                    EXPECT_LT(e, last + 1e-9);
                    last = e;
                    ++flips;
                };
                const HopfieldRecall r = net.recall(probe, o);
                EXPECT_TRUE(r.converged);
                for (std::size_t t = 1; t < r.steps.size(); ++t)
                    EXPECT_LE(r.steps[t].energy, r.steps[t - 1].energy + 1e-9);
                EXPECT_NEAR(r.energy, energy_of(w, net.threshold(), r.state), 1e-9);
                EXPECT_LE(r.energy, r.steps.front().energy);
            }
            EXPECT_GT(flips, 200); // the check was not vacuous
        }
}

TEST(Hopfield, SynchronousTwoCycleIsDetected) {
    // One stored pattern (1, 1): W_01 = W_10 = 1/2. From (1, -1) a synchronous update gives
    // (sign(W_01 s_1), sign(W_10 s_0)) = (-1, 1), then (1, -1) again: a 2-cycle.
    HopfieldSpec s = spec_of(2, WeightStorage::ideal);
    HopfieldNetwork net(s, RngStream(1, "net"));
    net.store(0, {{1, 1}});
    const HopfieldRecall r = net.recall({1, -1});
    EXPECT_TRUE(r.cycle);
    EXPECT_FALSE(r.converged);
    EXPECT_EQ(r.iterations, 2);
    ASSERT_EQ(r.steps.size(), 2u);
    EXPECT_EQ(r.steps[0].drive, (HopfieldPattern{1, -1}));
    EXPECT_EQ(r.steps[1].drive, (HopfieldPattern{-1, 1}));
    EXPECT_EQ(r.state, (HopfieldPattern{1, -1}));
    // Asynchronously neuron 0 moves first, to s_0 = sign(W_01 s_1) = -1: (-1, -1), a stored
    // (mirror) pattern, in one sweep plus a quiet one.
    HopfieldSpec a = spec_of(2, WeightStorage::ideal, UpdateOrder::sequential);
    HopfieldNetwork anet(a, RngStream(1, "net"));
    anet.store(0, {{1, 1}});
    const HopfieldRecall ra = anet.recall({1, -1});
    EXPECT_TRUE(ra.converged);
    EXPECT_FALSE(ra.cycle);
    EXPECT_EQ(ra.iterations, 2);
    EXPECT_EQ(ra.state, (HopfieldPattern{-1, -1}));
}

TEST(Hopfield, LargerSynchronousCycle) {
    // Two groups with antiferromagnetic coupling (W = -J between groups, +0 inside), started
    // with both groups aligned, swap sign together every step: a 2-cycle at N = 8.
    const int n = 8;
    HopfieldWeights w = empty_weights(n, HopfieldLearning::storkey);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            if ((i < 4) != (j < 4)) w.w[static_cast<std::size_t>(i) * n + j] = -0.25f;
    HopfieldNetwork net(spec_of(n, WeightStorage::ideal), RngStream(1, "net"));
    net.program_weights(0, w);
    const HopfieldRecall r = net.recall(HopfieldPattern(n, 1));
    EXPECT_TRUE(r.cycle);
    EXPECT_EQ(r.state, HopfieldPattern(n, 1));
    EXPECT_EQ(r.steps[1].drive, HopfieldPattern(n, -1));
}

TEST(Hopfield, TernaryWeightsAreSignOfW) {
    // P = 4 (even) leaves some W_ij exactly 0: all three levels occur.
    const int n = 40;
    RngStream rng(6, "patterns");
    const std::vector<HopfieldPattern> p = random_patterns(4, n, rng);
    for (bool zero_parallel : {false, true}) {
        HopfieldSpec s = spec_of(n, WeightStorage::ternary);
        s.zero_state_parallel = zero_parallel;
        perfect_writes(s);
        HopfieldNetwork net(s, RngStream(1, "net"));
        const HopfieldWriteCost c = net.store(0, p);
        const HopfieldWeights w = learn_weights(p, n, HopfieldLearning::hebbian);
        const std::vector<double> eff = net.effective_weights();
        const std::vector<std::uint8_t>& st = net.mtj_states(0);
        std::uint64_t plus = 0, minus = 0, zero = 0;
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) {
                const std::size_t ij = static_cast<std::size_t>(i) * n + j;
                const double sign = (w.at(i, j) > 0) - (w.at(i, j) < 0);
                EXPECT_EQ(eff[ij], sign) << i << " " << j;
                if (i == j) continue;
                const int a = st[2 * ij], b = st[2 * ij + 1];
                if (sign > 0) {
                    ++plus;
                    EXPECT_TRUE(a == 1 && b == 0); // (P, AP)
                } else if (sign < 0) {
                    ++minus;
                    EXPECT_TRUE(a == 0 && b == 1); // (AP, P)
                } else {
                    ++zero;
                    EXPECT_TRUE(a == b && a == (zero_parallel ? 1 : 0));
                }
            }
        EXPECT_GT(zero, 0u);
        EXPECT_GT(plus, 0u);
        EXPECT_GT(minus, 0u);
        // From all-AP: a +-1 site switches one MTJ; a zero site none (AP) or two (P).
        EXPECT_EQ(c.switches_needed, plus + minus + (zero_parallel ? 2 * zero : 0));
        EXPECT_EQ(c.pulses, c.switches_needed);
        EXPECT_NEAR(c.write_energy_J, c.pulses * 0.8 * 80e-6 * 50e-9, 1e-20 * c.pulses);
        // Re-storing the same patterns writes nothing.
        const HopfieldWriteCost again = net.store(0, p);
        EXPECT_EQ(again.switches_needed, 0u);
        EXPECT_EQ(again.latency_s, 0.0);
    }
}

TEST(Hopfield, MultilevelQuantisesToTwoLPlusOneLevels) {
    // L = 2, full scale = max |W| = 0.9: q = round(2 W / 0.9): 0.9 -> 2, 0.3 -> 1 (0.667),
    // -0.5 -> -1 (-1.111), 0.1 -> 0 (0.222), -0.9 -> -2; effective weight q * 0.45.
    const int n = 4;
    HopfieldWeights w = empty_weights(n, HopfieldLearning::storkey);
    auto set = [&](int i, int j, float v) {
        w.w[static_cast<std::size_t>(i) * n + j] = v;
        w.w[static_cast<std::size_t>(j) * n + i] = v;
    };
    set(0, 1, 0.9f);
    set(0, 2, 0.3f);
    set(0, 3, -0.5f);
    set(1, 2, 0.1f);
    set(1, 3, -0.9f);
    set(2, 3, 0.0f);
    HopfieldSpec s = spec_of(n, WeightStorage::multilevel);
    s.pairs_per_weight = 2;
    perfect_writes(s);
    HopfieldNetwork net(s, RngStream(1, "net"));
    net.program_weights(0, w);
    const std::vector<double> eff = net.effective_weights();
    const int q[4][4] = {{0, 2, 1, -1}, {2, 0, 0, -2}, {1, 0, 0, 0}, {-1, -2, 0, 0}};
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            EXPECT_NEAR(eff[i * n + j], q[i][j] * 0.45, 1e-7);
    // Site (0, 2), q = 1: pair 0 = (P, AP), pair 1 = (AP, AP).
    const auto& st = net.mtj_states(0);
    const std::size_t base = (0 * n + 2) * 4;
    EXPECT_EQ(st[base + 0], 1);
    EXPECT_EQ(st[base + 1], 0);
    EXPECT_EQ(st[base + 2], 0);
    EXPECT_EQ(st[base + 3], 0);
}

TEST(Hopfield, AFullScaleFarBelowTheWeightsSaturatesInsteadOfOverflowing) {
    // full_scale 1e-300 once overflowed lround and stored nothing (0% recall). A spec built in
    // code bypasses the table: every weight then sits on the top level, +-L pairs.
    const int n = 4;
    HopfieldWeights w = empty_weights(n, HopfieldLearning::storkey);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            if (i != j) w.w[static_cast<std::size_t>(i) * n + j] = (i + j) % 2 ? 0.5f : -0.25f;
    HopfieldSpec s = spec_of(n, WeightStorage::multilevel);
    s.pairs_per_weight = 3;
    s.full_scale = 1e-300;
    perfect_writes(s);
    HopfieldNetwork net(s, RngStream(1, "net"));
    net.program_weights(0, w);
    const std::vector<double> eff = net.effective_weights();
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            if (i != j)
                EXPECT_NEAR(eff[i * n + j] / 1e-300, (i + j) % 2 ? 1.0 : -1.0, 1e-9) << i << j;
    // From a file it is refused, with the reason: 0 (automatic) or 1e-6 .. 1e6.
    try {
        HopfieldSpec::from_json(
            {{"storage", "multilevel"}, {"pairs_per_weight", 2}, {"full_scale", 1e-300}}, "t.json",
            "/components/2");
        ADD_FAILURE() << "full_scale 1e-300 accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.pointer(), "/components/2/full_scale");
        EXPECT_NE(e.expected().find("0 or a number in [1e-06, 1e+06]"), std::string::npos)
            << e.what();
    }
    EXPECT_NO_THROW(HopfieldSpec::from_json({{"storage", "multilevel"}, {"full_scale", 1e-6}}));
    EXPECT_NO_THROW(HopfieldSpec::from_json({{"storage", "multilevel"}, {"full_scale", 0}}));
}

TEST(Hopfield, ASynapseWithoutContrastAtTheReadBiasIsRefused) {
    // With TMR 1e-12 the arithmetic still told P from AP and recalled perfectly; no sense
    // amplifier could. The device is refused (tmr >= 0.01), and so is a converter voltage at
    // which the junction's TMR has fallen below 1%.
    EXPECT_THROW(spec_with({}, {{"type", "mtj"}, {"r_p", "10 kohm"}, {"tmr", 1e-12}}), ConfigError);
    try {
        spec_with({{"read_voltage", "10 V"}}, kTestMtj); // TMR 2 / 401 = 0.005
        ADD_FAILURE() << "accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.pointer(), "/components/0/read_voltage") << e.what();
        EXPECT_NE(e.expected().find("raise v_half or lower the read voltage"), std::string::npos)
            << e.what();
    }
    EXPECT_NO_THROW(spec_with({{"read_voltage", "1 V"}}, kTestMtj)); // TMR 0.4
}

TEST(Hopfield, ConverterCurrentsAndCostHandExample) {
    // R_P = 10 kohm, TMR0 = 2, V_half = 0.5 V, V_read = 0.25 V:
    // TMR(0.25 V) = 2 / (1 + 0.25) = 1.6, R_AP = 26 kohm; G_P = 1e-4 S, G_AP = 3.8461538e-5 S.
    // One pattern (1, 1, -1): sign(W) = [[0, 1, -1], [1, 0, -1], [-1, -1, 0]].
    // Drive (-1, 1, -1): I_0 = V dG (1*1 + (-1)(-1)) = 2 * 0.25 * 6.1538462e-5 = 3.0769231e-5 A,
    // I_1 = V dG (-1 + 1) = 0, I_2 = V dG (1 - 1) = 0.
    HopfieldSpec s = spec_with({{"neurons", 3}, {"read_voltage", "0.25 V"}}, kTestMtj);
    HopfieldNetwork net(s, RngStream(1, "net"));
    net.store(0, {{1, 1, -1}});
    const std::vector<double> i = net.input_currents_A({-1, 1, -1});
    EXPECT_NEAR(i[0], 3.0769231e-5, 1e-12);
    EXPECT_NEAR(i[1], 0.0, 1e-18);
    EXPECT_NEAR(i[2], 0.0, 1e-18);
    EXPECT_NEAR(net.unit_current_A(), 0.25 * 6.1538462e-5, 1e-12);

    // Synchronous recall: neuron 0 fires (I_0 > 0), 1 and 2 tie and keep their state, giving
    // (1, 1, -1), which is stable (every field is +-2 in units): 2 iterations.
    const HopfieldRecall r = net.recall({-1, 1, -1});
    EXPECT_TRUE(r.converged);
    EXPECT_EQ(r.iterations, 2);
    EXPECT_EQ(r.state, (HopfieldPattern{1, 1, -1}));
    EXPECT_NEAR(r.steps[0].currents_A[0], 3.0769231e-5, 1e-12);
    // Every off-diagonal site holds one P and one AP MTJ, each at |V| = 0.25 V:
    // one read = 6 sites * V^2 (G_P + G_AP) t = 6 * 0.0625 * 1.3846154e-4 * 2 ns
    //          = 1.0384615e-13 J; two reads.
    EXPECT_EQ(r.cost.array_reads, 2u);
    EXPECT_NEAR(r.cost.synapse_energy_J, 2 * 1.0384615e-13, 1e-19);
    // Converters: 3 per read at 5 fJ; neurons: 3 per read at 10 fJ; 2.5 ns per read at 1 GHz.
    EXPECT_EQ(r.cost.conversions, 6u);
    EXPECT_NEAR(r.cost.converter_energy_J, 30e-15, 1e-24);
    EXPECT_NEAR(r.cost.neuron_energy_J, 60e-15, 1e-24);
    EXPECT_NEAR(r.cost.latency_s, 5e-9, 1e-18);
    EXPECT_EQ(r.cost.cycles, 6u); // 3 cycles per read: 2.5 ns rounds up at 1 GHz
}

TEST(Hopfield, AsynchronousReadsOneColumnPerEvaluation) {
    // Same network, sequential order: each evaluation reads one column, 2 sites,
    // 2 * 0.0625 * 1.3846154e-4 * 2 ns = 3.4615385e-14 J.
    HopfieldSpec s =
        spec_with({{"neurons", 3}, {"read_voltage", "0.25 V"}, {"update", "sequential"}}, kTestMtj);
    HopfieldNetwork net(s, RngStream(1, "net"));
    net.store(0, {{1, 1, -1}});
    const HopfieldRecall r = net.recall({-1, 1, -1});
    EXPECT_EQ(r.iterations, 2);
    EXPECT_EQ(r.cost.array_reads, 6u);
    EXPECT_EQ(r.cost.neuron_evaluations, 6u);
    EXPECT_EQ(r.cost.conversions, 18u);
    EXPECT_NEAR(r.cost.synapse_energy_J, 6 * 3.4615385e-14, 1e-20);
}

TEST(Hopfield, WritesFailAtTheSetRate) {
    // P = 5 (odd): every off-diagonal W_ij is +-1/N... nonzero, so from all-AP every site
    // switches exactly one MTJ: 128 * 127 = 16256 switches.
    const int n = 128;
    RngStream rng(7, "patterns");
    const std::vector<HopfieldPattern> p = random_patterns(5, n, rng);
    HopfieldSpec s = spec_of(n, WeightStorage::ternary);
    s.cell.switching.pulse_width_s =
        s.cell.switching.width_for_probability(0.8, s.cell.switching.write_current_A);
    const double m = 16256.0;
    {
        HopfieldNetwork net(s, RngStream(1, "net"));
        const HopfieldWriteCost c = net.store(0, p);
        EXPECT_EQ(c.switches_needed, 16256u);
        EXPECT_EQ(c.pulses, 16256u);
        // Binomial(16256, 0.2): mean 3251.2, sigma 51.
        EXPECT_NEAR(double(c.failed_writes), 0.2 * m, 5 * std::sqrt(m * 0.2 * 0.8));
        // A failed site holds 0 instead of +-1.
        const std::vector<double> eff = net.effective_weights();
        std::uint64_t zeros = 0;
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                if (i != j && eff[static_cast<std::size_t>(i) * n + j] == 0.0) ++zeros;
        EXPECT_EQ(zeros, c.failed_writes);
        // Storing again retries exactly the failed MTJs.
        const HopfieldWriteCost again = net.store(0, p);
        EXPECT_EQ(again.switches_needed, c.failed_writes);
    }
    {
        // Write-verify with 2 retries: P_fail = 0.2^3 = 0.008; pulses per switch 1, 2 or 3
        // with probability 0.8, 0.16, 0.04: mean 1.24, variance 0.2624.
        s.write_verify = true;
        s.write_retries = 2;
        HopfieldNetwork net(s, RngStream(1, "net"));
        const HopfieldWriteCost c = net.store(0, p);
        EXPECT_NEAR(double(c.failed_writes), 0.008 * m, 5 * std::sqrt(m * 0.008 * 0.992));
        EXPECT_NEAR(double(c.pulses), 1.24 * m, 5 * std::sqrt(m * 0.2624));
        EXPECT_EQ(c.verify_reads, c.pulses);
        EXPECT_NEAR(c.write_energy_J, c.pulses * s.cell.switching.pulse_energy_J(), 1e-25 * m);
        // Every row switches only towards P; with 127 MTJs per row some need 3 rounds.
        const double round_s = s.cell.switching.pulse_width_s + s.verify_time_s;
        EXPECT_NEAR(c.latency_s, n * 3 * round_s, 1e-15);
    }
}

TEST(Hopfield, MemorySlotsAreIndependent) {
    const int n = 64;
    RngStream rng(8, "patterns");
    const std::vector<HopfieldPattern> a = random_patterns(3, n, rng);
    const std::vector<HopfieldPattern> b = random_patterns(3, n, rng);
    HopfieldSpec s = spec_of(n, WeightStorage::ternary, UpdateOrder::random);
    s.memories = 2;
    perfect_writes(s);
    HopfieldNetwork net(s, RngStream(1, "net"));
    net.store(0, a);
    const std::vector<std::uint8_t> slot0 = net.mtj_states(0);
    net.store(1, b);
    EXPECT_EQ(net.mtj_states(0), slot0);
    EXPECT_EQ(net.selected(), 0);
    for (const auto& xi : a)
        EXPECT_EQ(net.recall(xi).state, xi);
    int b_stable = 0;
    for (const auto& xi : b)
        b_stable += net.recall(xi).state == xi;
    EXPECT_EQ(b_stable, 0);
    net.select(1);
    for (const auto& xi : b)
        EXPECT_EQ(net.recall(xi).state, xi);
    EXPECT_THROW(net.select(2), InputError);
}

TEST(Hopfield, Generators) {
    RngStream r1(11, "g"), r2(11, "g");
    const auto p1 = random_patterns(10, 1000, r1);
    const auto p2 = random_patterns(10, 1000, r2);
    EXPECT_EQ(p1, p2);
    long sum = 0;
    for (const auto& p : p1)
        for (auto v : p) {
            ASSERT_TRUE(v == 1 || v == -1);
            sum += v;
        }
    EXPECT_LT(std::abs(sum), 5 * 100); // sigma = sqrt(10000) = 100
    const HopfieldPattern f = flip_bits(p1[0], 37, r1);
    int diff = 0;
    for (std::size_t i = 0; i < f.size(); ++i)
        diff += f[i] != p1[0][i];
    EXPECT_EQ(diff, 37);
    EXPECT_DOUBLE_EQ(overlap(f, p1[0]), (1000.0 - 2 * 37) / 1000.0);
    const HopfieldPattern m = mask_region(p1[0], 10, 20, 1);
    for (int i = 0; i < 1000; ++i)
        EXPECT_EQ(m[i], (i >= 10 && i < 30) ? 1 : p1[0][i]);
    EXPECT_THROW(flip_bits(p1[0], 1001, r1), InputError);
    EXPECT_THROW(mask_region(p1[0], 990, 20), InputError);
}

TEST(Hopfield, Parameters) {
    const HopfieldSpec s = HopfieldSpec::from_json({{"neurons", 16},
                                                    {"memories", 4},
                                                    {"storage", "multilevel"},
                                                    {"pairs_per_weight", 3},
                                                    {"learning", "storkey"},
                                                    {"update", "random"},
                                                    {"write_verify", true}});
    EXPECT_EQ(s.neurons, 16);
    EXPECT_EQ(s.memories, 4);
    EXPECT_EQ(s.storage, WeightStorage::multilevel);
    EXPECT_EQ(s.pairs_per_weight, 3);
    EXPECT_EQ(s.learning, HopfieldLearning::storkey);
    EXPECT_EQ(s.update, UpdateOrder::random);
    EXPECT_TRUE(s.write_verify);
    EXPECT_EQ(s.cell.switching.delta, 60.0); // the default device's
    EXPECT_NEAR(1.0 / s.cell.g_max(), 8488.26, 1e-9);
    EXPECT_EQ(
        spec_with(
            {}, {{"type", "mtj"}, {"r_p", "5 kohm"}, {"tmr", 1.0}, {"switching", {{"delta", 45}}}})
            .cell.switching.delta,
        45.0);
    EXPECT_THROW(HopfieldSpec::from_json({{"storage", "ternary"}, {"pairs_per_weight", 2}}),
                 ConfigError);
    EXPECT_THROW(HopfieldSpec::from_json({{"update", "parallel"}}), ConfigError);
    EXPECT_THROW(HopfieldSpec::from_json({{"mtj", {{"r_p", 1}}}}), ConfigError); // use "device"
    EXPECT_THROW(HopfieldSpec::from_json({{"device", "rram_imacsim"}}), ConfigError);
    EXPECT_THROW(spec_with({}, {{"type", "rram"},
                                {"r_on", "5 kohm"},
                                {"r_off", "10 kohm"},
                                {"switching", {{"delta", 45}}}}),
                 ConfigError);
}

TEST(Hopfield, SpecDefaultsAreTheTableAndTheDefaultDevice) {
    EXPECT_TRUE(HopfieldSpec::table().default_mismatches().empty())
        << HopfieldSpec::table().default_mismatches().front();
    // A spec built in code carries the default device preset's MTJ.
    const HopfieldSpec code;
    const HopfieldSpec file = HopfieldSpec::from_json(json::object());
    EXPECT_EQ(code.cell.conductances_S, file.cell.conductances_S);
    EXPECT_EQ(code.cell.tmr0, file.cell.tmr0);
    EXPECT_EQ(code.cell.v_half_V, file.cell.v_half_V);
    EXPECT_EQ(code.cell.read_voltage_V, file.cell.read_voltage_V);
    EXPECT_EQ(code.cell.switching.delta, file.cell.switching.delta);
    EXPECT_EQ(code.cell.switching.ic0_A, file.cell.switching.ic0_A);
    EXPECT_EQ(code.cell.switching.write_current_A, file.cell.switching.write_current_A);
    EXPECT_EQ(code.cell.switching.pulse_width_s, file.cell.switching.pulse_width_s);
    EXPECT_EQ(code.cell.switching.write_voltage_V, file.cell.switching.write_voltage_V);
    EXPECT_EQ(code.cell.switching.tau0_s, file.cell.switching.tau0_s);
    EXPECT_EQ(code.cell.switching.tau_d_s, file.cell.switching.tau_d_s);
    EXPECT_EQ(code.cell.variation_sigma, file.cell.variation_sigma);
}

TEST(Hopfield, CapacitySmall) {
    CapacityOptions o;
    o.neurons = 100;
    o.loads = {0.3, 0.05};
    o.trials = 2;
    o.device.cell.switching.pulse_width_s = 50e-9;
    const std::vector<CapacityRow> rows = run_capacity_experiment(o);
    ASSERT_EQ(rows.size(), 4u);
    // Rows: float 0.05, float 0.3, ternary 0.05, ternary 0.3.
    EXPECT_EQ(rows[0].storage, "float");
    EXPECT_EQ(rows[0].patterns, 5);
    EXPECT_EQ(rows[0].probes, 10u);
    EXPECT_EQ(rows[0].flips, 5);
    EXPECT_GE(rows[0].exact_fraction, 0.9);
    EXPECT_GE(rows[2].exact_fraction, 0.9);
    // Far above capacity the memory is gone (alpha_c = 0.138).
    EXPECT_LT(rows[1].mean_overlap, 0.8);
    EXPECT_LT(rows[3].mean_overlap, 0.8);
    EXPECT_EQ(rows[1].patterns, 30);
    const std::string csv = testing::scratch_dir("capacity") + "/capacity.csv";
    write_capacity_csv(rows, csv);
    std::ifstream in(csv);
    std::string header, line;
    std::getline(in, header);
    EXPECT_EQ(header.rfind("storage,learning,neurons,load,patterns", 0), 0u);
    int lines = 0;
    while (std::getline(in, line))
        ++lines;
    EXPECT_EQ(lines, 4);
}

} // namespace
} // namespace neurotlm
