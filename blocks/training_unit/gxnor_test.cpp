#include "neurotlm/blocks/training_unit/gxnor.h"

#include <gtest/gtest.h>

#include <cmath>

#include "neurotlm/core/error.h"

namespace neurotlm {
namespace {

TrainingUnitSpec ideal_device(double write_current_A = 80e-6) {
    TrainingUnitSpec s;
    s.ic0_sigma = 0.0;
    s.delta_sigma = 0.0;
    s.cell.switching.write_current_A = write_current_A;
    return s;
}

TEST(Gxnor, SplitFollowsTheOfficialCode) {
    const gxnor::Transition a = gxnor::split(0.2);
    EXPECT_EQ(a.direction, 1);
    EXPECT_EQ(a.whole, 0);
    EXPECT_DOUBLE_EQ(a.p, std::tanh(0.6));
    const gxnor::Transition b = gxnor::split(-1.25);
    EXPECT_EQ(b.direction, -1);
    EXPECT_EQ(b.whole, 1);
    EXPECT_DOUBLE_EQ(b.p, std::tanh(0.75));
    EXPECT_EQ(gxnor::split(0.0).direction, 0);
    EXPECT_EQ(gxnor::split(7.5).whole, 2); // anything beyond two steps clips
}

TEST(Gxnor, TernaryActivationAndItsWindow) {
    EXPECT_EQ(gxnor::activate(1.0f), 1.0f);
    EXPECT_EQ(gxnor::activate(0.99f), 0.0f);
    EXPECT_EQ(gxnor::activate(-1.0f), -1.0f);
    EXPECT_EQ(gxnor::activation_gradient(0.4f), 0.0f);
    EXPECT_EQ(gxnor::activation_gradient(-1.2f), 1.0f);
    EXPECT_EQ(gxnor::activation_gradient(1.6f), 0.0f);
}

// 10^5 pulses tuned for a target probability switch with that probability (within 1 %,
// absolute), in the precessional regime (2 Ic0) and the thermal regime (0.8 Ic0), tuned by
// width and by current.
TEST(Gxnor, MonteCarloOfPulsesMatchesTheTargetInBothRegimes) {
    for (double current : {80e-6, 32e-6}) {
        for (PulseControl control : {PulseControl::width, PulseControl::current}) {
            TrainingUnitSpec spec = ideal_device(current);
            spec.pulse_control = control;
            if (control == PulseControl::current && current < spec.cell.switching.ic0_A)
                spec.cell.switching.pulse_width_s = 1e-3; // thermal switching needs time
            MtjSynapseArray array(1, 1, spec, RngStream(1, "variation"));
            for (double p : {0.05, 0.3, 0.7, 0.95}) {
                const MtjPulse pulse = array.pulse_for(p);
                const MtjSwitchingSpec& sw = spec.cell.switching;
                EXPECT_EQ(sw.regime(pulse.current_A), sw.regime(current));
                EXPECT_NEAR(sw.switching_probability(pulse.current_A, pulse.width_s), p, 1e-9);
                RngStream rng(7, "pulses");
                int switched = 0;
                const int n = 100000;
                for (int k = 0; k < n; ++k)
                    switched += rng.bernoulli(array.realised_probability(0, 0, 0, pulse));
                EXPECT_NEAR(static_cast<double>(switched) / n, p, 0.01)
                    << "current " << current << " p " << p;
            }
        }
    }
}

// The synapse's step realises the target: from -1 up to 0 with probability p.
TEST(Gxnor, SynapseStepsSwitchAtTheTargetProbability) {
    TrainingUnitSpec spec = ideal_device();
    const int n = 20000;
    MtjSynapseArray array(1, n, spec, RngStream(1, "variation"));
    RngStream rng(3, "draws");
    UpdateStats stats;
    double up = 0, down = 0;
    int moved = 0;
    for (int c = 0; c < n; ++c) {
        array.program(0, c, -1);
        moved += array.step(0, c, +1, 0.25, rng, stats, up, down);
    }
    EXPECT_NEAR(static_cast<double>(moved) / n, 0.25, 0.01);
    EXPECT_EQ(stats.pulses, static_cast<std::uint64_t>(n));
    EXPECT_EQ(stats.switched, static_cast<std::uint64_t>(moved));
    EXPECT_NEAR(stats.abs_error_p / n, 0.0, 1e-9);
    EXPECT_GT(up, 0.0);
    EXPECT_EQ(down, 0.0);
    // Each weight that moved is now 0, the others still -1.
    int zeros = 0;
    for (int c = 0; c < n; ++c)
        zeros += array.weight(0, c) == 0;
    EXPECT_EQ(zeros, moved);
}

TEST(Gxnor, EveryStepMovesTheWeightByOne) {
    TrainingUnitSpec spec = ideal_device();
    MtjSynapseArray array(1, 1, spec, RngStream(1, "variation"));
    RngStream rng(3, "draws");
    UpdateStats stats;
    double up = 0, down = 0;
    array.program(0, 0, -1);
    // A certain pulse (p >= 1 is the strong pulse, 0.9933): retry until it switches.
    auto push = [&](int dir) {
        for (int k = 0; k < 100; ++k)
            if (array.step(0, 0, dir, 1.0, rng, stats, up, down)) return;
        FAIL() << "no switch in 100 strong pulses";
    };
    push(+1);
    EXPECT_EQ(array.weight(0, 0), 0);
    push(+1);
    EXPECT_EQ(array.weight(0, 0), 1);
    EXPECT_FALSE(array.step(0, 0, +1, 1.0, rng, stats, up, down)); // clipped
    push(-1);
    EXPECT_EQ(array.weight(0, 0), 0);
    push(-1);
    EXPECT_EQ(array.weight(0, 0), -1);
    EXPECT_FALSE(array.step(0, 0, -1, 1.0, rng, stats, up, down));
}

TEST(Gxnor, DeviceVariationMakesTheRealisedProbabilityDiffer) {
    auto mean_error = [](double sigma) {
        TrainingUnitSpec spec = ideal_device();
        spec.ic0_sigma = sigma;
        spec.delta_sigma = sigma;
        MtjSynapseArray array(1, 5000, spec, RngStream(1, "variation"));
        RngStream rng(3, "draws");
        UpdateStats stats;
        double up = 0, down = 0;
        for (int c = 0; c < 5000; ++c)
            array.step(0, c, +1, 0.2, rng, stats, up, down);
        return stats.abs_error_p / static_cast<double>(stats.stochastic_pulses);
    };
    const double small = mean_error(0.02), large = mean_error(0.1);
    EXPECT_GT(small, 1e-3);
    EXPECT_GT(large, 2.0 * small);
}

// Batch norm's backward pass against finite differences of the squared-hinge-like loss
// sum(y * r) (r fixed random) with respect to the inputs.
TEST(Gxnor, BackwardMatchesFiniteDifferences) {
    const int in = 6, out = 4, batch = 5;
    GxnorLayer layer(in, out, false, nullptr, RngStream(1, "init"), RngStream(1, "v"));
    RngStream rng(2, "data");
    std::vector<float> x(batch * in), r(batch * out);
    for (auto& v : x)
        v = static_cast<float>(rng.normal());
    for (auto& v : r)
        v = static_cast<float>(rng.normal());
    auto loss = [&](const std::vector<float>& xs) {
        GxnorLayer copy =
            GxnorLayer(in, out, false, nullptr, RngStream(1, "init"), RngStream(1, "v"));
        const std::vector<float>& y = copy.forward(xs.data(), batch, true);
        double s = 0;
        for (std::size_t k = 0; k < y.size(); ++k)
            s += static_cast<double>(y[k]) * r[k];
        return s;
    };
    layer.forward(x.data(), batch, true);
    const std::vector<float> grad = layer.backward(r.data(), true);
    ASSERT_EQ(grad.size(), x.size());
    int checked = 0;
    for (std::size_t k = 0; k < x.size(); ++k) {
        std::vector<float> a = x, b = x;
        a[k] += 1e-2f;
        b[k] -= 1e-2f;
        const double numeric = (loss(a) - loss(b)) / 2e-2;
        EXPECT_NEAR(grad[k], numeric, 2e-2 * std::max(1.0, std::fabs(numeric))) << k;
        ++checked;
    }
    EXPECT_EQ(checked, batch * in);
}

// With ideal devices (no variation, any pulse width) and the same random numbers, training on
// the MTJ arrays makes exactly the software's transitions.
TEST(Gxnor, IdealDevicesTrainExactlyAsSoftware) {
    const TrainingUnitSpec spec = ideal_device();
    const int in = 24, out = 5, batch = 16;
    GxnorLayer sw(in, out, true, nullptr, RngStream(1, "init"), RngStream(1, "v"));
    GxnorLayer hw(in, out, true, &spec, RngStream(1, "init"), RngStream(1, "v"));
    ASSERT_EQ(sw.weights(), hw.weights());
    RngStream data(5, "data"), draws_sw(9, "draws"), draws_hw(9, "draws");
    std::vector<float> x(batch * in), g(batch * out);
    std::uint64_t transitions = 0, switched = 0;
    for (int step = 0; step < 30; ++step) {
        for (auto& v : x)
            v = static_cast<float>(static_cast<int>(data.below(3)) - 1);
        for (auto& v : g)
            v = static_cast<float>(data.normal());
        const auto ys = sw.forward(x.data(), batch, true);
        const auto yh = hw.forward(x.data(), batch, true);
        ASSERT_EQ(ys, yh);
        sw.backward(g.data(), false);
        hw.backward(g.data(), false);
        const UpdateStats a = sw.update(0.05, draws_sw);
        const UpdateStats b = hw.update(0.05, draws_hw);
        EXPECT_EQ(a.transitions, b.transitions);
        EXPECT_EQ(a.blocked, b.blocked);
        transitions += b.transitions;
        switched += b.switched;
        ASSERT_EQ(sw.weights(), hw.weights()) << "step " << step;
    }
    EXPECT_GT(transitions, 20u);
    EXPECT_EQ(switched, transitions); // one MTJ per single step
    EXPECT_GT(hw.counts().read_energy_J, 0.0);
}

// Software GXNOR learns a separable ternary problem: the class is the sign of a fixed ternary
// projection of the input.
TEST(Gxnor, SoftwareGxnorLearnsASeparableProblem) {
    const int in = 32, hidden = 32, batch = 50;
    GxnorLayer l1(in, hidden, true, nullptr, RngStream(1, "init1"), RngStream(1, "v"));
    GxnorLayer l2(hidden, 2, false, nullptr, RngStream(1, "init2"), RngStream(1, "v"));
    RngStream data(4, "data"), draws(6, "draws");
    std::vector<float> proj(in);
    for (auto& v : proj)
        v = static_cast<float>(static_cast<int>(data.below(3)) - 1);
    auto make = [&](std::vector<float>& x, std::vector<int>& y) {
        x.resize(batch * in);
        y.resize(batch);
        for (int b = 0; b < batch; ++b) {
            double s = 0;
            for (int i = 0; i < in; ++i) {
                const float v = static_cast<float>(static_cast<int>(data.below(3)) - 1);
                x[static_cast<std::size_t>(b * in + i)] = v;
                s += v * proj[static_cast<std::size_t>(i)];
            }
            y[static_cast<std::size_t>(b)] = s > 0 ? 1 : 0;
        }
    };
    std::vector<float> x, g;
    std::vector<int> y;
    auto accuracy = [&] {
        make(x, y);
        const auto h = l1.forward(x.data(), batch, false);
        const auto& s = l2.forward(h.data(), batch, false);
        int ok = 0;
        for (int b = 0; b < batch; ++b)
            ok += (s[static_cast<std::size_t>(2 * b + 1)] > s[static_cast<std::size_t>(2 * b)]) ==
                  (y[static_cast<std::size_t>(b)] == 1);
        return ok / static_cast<double>(batch);
    };
    const double before = accuracy();
    for (int step = 0; step < 400; ++step) {
        make(x, y);
        const std::vector<float> h = l1.forward(x.data(), batch, true);
        const std::vector<float>& s = l2.forward(h.data(), batch, true);
        g.assign(s.size(), 0.0f);
        for (int b = 0; b < batch; ++b)
            for (int c = 0; c < 2; ++c) {
                const float t = c == y[static_cast<std::size_t>(b)] ? 1.0f : -1.0f;
                const float m = std::max(0.0f, 1.0f - t * s[static_cast<std::size_t>(2 * b + c)]);
                g[static_cast<std::size_t>(2 * b + c)] = -t * m / batch;
            }
        const std::vector<float> gh = l2.backward(g.data(), true);
        l1.backward(gh.data(), false);
        l2.update(0.01, draws);
        l1.update(0.01, draws);
    }
    double after = 0;
    for (int k = 0; k < 10; ++k)
        after += accuracy() / 10;
    EXPECT_LT(before, 0.75);
    EXPECT_GT(after, 0.9);
}

TEST(Gxnor, StateRoundTripsAndRefusesAMismatch) {
    const TrainingUnitSpec spec = ideal_device();
    GxnorLayer a(8, 3, true, &spec, RngStream(1, "init"), RngStream(1, "v"));
    GxnorLayer b(8, 3, true, &spec, RngStream(2, "init"), RngStream(1, "v"));
    GxnorLayer::State s = a.state();
    ASSERT_EQ(s.mtj_states.size(), 24u);
    b.restore(s);
    EXPECT_EQ(b.weights(), a.weights());
    EXPECT_EQ(b.state().mtj_states, s.mtj_states);
    GxnorLayer c(8, 4, true, &spec, RngStream(1, "init"), RngStream(1, "v"));
    EXPECT_THROW(c.restore(s), InputError);
    s.mtj_states[0] = static_cast<std::uint8_t>(s.weights[0] == 1 ? 2 : 1); // disagree
    EXPECT_THROW(b.restore(s), InputError);
}

TEST(Gxnor, ALayerLargerThanTheArrayIsRefused) {
    TrainingUnitSpec spec = ideal_device();
    spec.rows = 4;
    spec.columns = 4;
    EXPECT_THROW(GxnorLayer(5, 4, true, &spec, RngStream(1, "i"), RngStream(1, "v")), InputError);
}

} // namespace
} // namespace neurotlm
