// TrainingUnit: register map, agreement with the layer model and with hand calculation, energy
// booking, timing, errors, checkpoints.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "neurotlm/blocks/controller/controller_module.h"
#include "neurotlm/blocks/training_unit/gxnor.h"
#include "neurotlm/blocks/training_unit/training_unit_driver.h"
#include "neurotlm/blocks/training_unit/training_unit_module.h"
#include "neurotlm/blocks/training_unit/training_unit_registers.h"
#include "neurotlm/devices/technology.h"
#include "neurotlm/topology/platform.h"
#include "testing/platforms.h"

using namespace neurotlm;
using neurotlm::testing::config_from;
using neurotlm::testing::run_job;

namespace {

constexpr std::uint64_t kBase = 0x20000000;
namespace r = training_unit::regs;

json unit_platform(json overrides = json::object()) {
    json unit = {{"name", "tu"}, {"type", "training_unit"}, {"rows", 12},
                 {"columns", 8}, {"max_batch", 16},         {"lanes", 8}};
    unit.update(overrides);
    return {
        {"neurotlm", 1},
        {"seed", 11},
        {"components",
         {{{"name", "ctrl"}, {"type", "controller"}}, {{"name", "bus"}, {"type", "router"}}, unit}},
        {"connections",
         {{{"from", "ctrl.out"}, {"to", "bus.in"}},
          {{"from", "bus.out"}, {"to", "tu.in"}, {"base", "0x20000000"}}}}};
}

std::vector<std::int8_t> random_ternary(std::size_t n, std::uint64_t seed) {
    RngStream r(seed, "ternary");
    std::vector<std::int8_t> v(n);
    for (auto& x : v)
        x = static_cast<std::int8_t>(static_cast<int>(r.below(3)) - 1);
    return v;
}

std::vector<float> random_inputs(std::size_t n, std::uint64_t seed) {
    const std::vector<std::int8_t> t = random_ternary(n, seed);
    return std::vector<float>(t.begin(), t.end());
}

/// The MTJ states programming leaves: +1 = (P, AP) = 1, -1 = (AP, P) = 2, 0 = (AP, AP) = 0.
std::uint8_t programmed_state(std::int8_t w) {
    return w > 0 ? 1u : (w < 0 ? 2u : 0u);
}

TrainingUnit* unit_of(Platform& p) {
    return dynamic_cast<TrainingUnit*>(p.find("tu"));
}

} // namespace

TEST(TrainingUnit, ProgramWritesTheWeightsAndBooksEachMtjWritten) {
    Platform p(config_from(unit_platform()));
    TrainingUnit* tu = unit_of(p);
    ASSERT_NE(tu, nullptr);
    const std::vector<std::int8_t> w = random_ternary(10 * 6, 3);
    std::vector<std::int8_t> initial, back;
    run_job(p, [&](Controller& c) {
        TrainingUnitDriver d(c, kBase, "tu");
        d.probe();
        EXPECT_EQ(d.rows(), 12);
        EXPECT_EQ(d.columns(), 8);
        EXPECT_EQ(d.max_batch(), 16);
        d.configure(10, 6, true);
        initial = d.read_weights();
        d.program(w);
        back = d.read_weights();
    });
    EXPECT_EQ(back, w);
    ASSERT_EQ(initial.size(), w.size());
    EXPECT_NE(initial, w);
    // MTJs written: those whose state differs between the two programmed patterns.
    std::uint64_t writes = 0;
    for (std::size_t k = 0; k < w.size(); ++k) {
        const unsigned d = programmed_state(initial[k]) ^ programmed_state(w[k]);
        writes += (d & 1u) + (d >> 1);
    }
    const ActionRecord* a = tu->ledger().find("program_write");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->count, writes);
    // The default device gives no write energy: its switching pulse, 0.8 V x 80 uA x 5 ns.
    EXPECT_NEAR(a->energy_J, static_cast<double>(writes) * 0.32e-12, 1e-24);
    EXPECT_EQ(a->energy_class, energy_class::write);
}

TEST(TrainingUnit, InferenceIsTheTernaryLayerWithFoldedBatchNorm) {
    Platform p(config_from(unit_platform()));
    TrainingUnit* tu = unit_of(p);
    ASSERT_NE(tu, nullptr);
    const int in = 10, out = 6, batch = 8;
    const std::vector<std::int8_t> w = random_ternary(in * out, 4);
    const std::vector<float> x_train = random_inputs(batch * in, 5);
    const std::vector<float> x = random_inputs(batch * in, 6);
    std::vector<float> scores, activations;
    run_job(p, [&](Controller& c) {
        TrainingUnitDriver d(c, kBase, "tu");
        d.probe();
        d.configure(in, out, false);
        d.program(w);
        std::vector<float> ignored;
        d.forward(x_train.data(), batch, true, ignored);
        d.forward(x.data(), batch, false, scores);
    });
    ASSERT_EQ(scores.size(), static_cast<std::size_t>(batch * out));

    // By hand: h = x W; one training forward moves the running averages from (0, 1) by 0.1
    // towards the batch's mean and (population) variance; gamma 1, beta 0.
    auto h = [&](const std::vector<float>& v, int b, int o) {
        double s = 0.0;
        for (int i = 0; i < in; ++i)
            s += v[static_cast<std::size_t>(b * in + i)] * w[static_cast<std::size_t>(i * out + o)];
        return s;
    };
    for (int o = 0; o < out; ++o) {
        double mean = 0.0, var = 0.0;
        for (int b = 0; b < batch; ++b)
            mean += h(x_train, b, o) / batch;
        for (int b = 0; b < batch; ++b)
            var += (h(x_train, b, o) - mean) * (h(x_train, b, o) - mean) / batch;
        const double rm = 0.1 * mean, rv = 0.9 + 0.1 * var;
        const double scale = 1.0 / std::sqrt(rv + 1e-4), shift = -scale * rm;
        for (int b = 0; b < batch; ++b)
            EXPECT_NEAR(scores[static_cast<std::size_t>(b * out + o)], scale * h(x, b, o) + shift,
                        1e-5)
                << "image " << b << ", output " << o;
    }

    // The software layer with the same weights and the same forward passes agrees exactly.
    GxnorLayer ref(in, out, false, nullptr, RngStream(1, "init"), RngStream(1, "variation"));
    ref.set_weights(w);
    ref.forward(x_train.data(), batch, true);
    const std::vector<float> want = ref.forward(x.data(), batch, false);
    EXPECT_EQ(scores, want);
    std::vector<float> scale, shift;
    ref.folded_norm(scale, shift);
    for (int b = 0; b < batch; ++b)
        for (int o = 0; o < out; ++o)
            EXPECT_NEAR(scores[static_cast<std::size_t>(b * out + o)],
                        scale[static_cast<std::size_t>(o)] * static_cast<float>(h(x, b, o)) +
                            shift[static_cast<std::size_t>(o)],
                        1e-5);

    // Energy of the two passes: conversions, driven rows and the read energy by hand.
    const TrainingUnitSpec& s = tu->spec();
    std::uint64_t driven = 0;
    double read_J = 0.0;
    for (const std::vector<float>* v : {&x_train, &x})
        for (int b = 0; b < batch; ++b)
            for (int i = 0; i < in; ++i) {
                const float xi = (*v)[static_cast<std::size_t>(b * in + i)];
                if (xi == 0.0f) continue;
                ++driven;
                double g = 0.0;
                for (int o = 0; o < out; ++o)
                    g += w[static_cast<std::size_t>(i * out + o)] != 0
                             ? s.g_parallel() + s.g_antiparallel()
                             : 2.0 * s.g_antiparallel();
                read_J += s.read_voltage_V * s.read_voltage_V * xi * xi * s.read_time_s * g;
            }
    const EnergyLedger& l = tu->ledger();
    EXPECT_EQ(l.find("sense")->count, 2u * batch * out);
    EXPECT_EQ(l.find("dac")->count, driven);
    EXPECT_EQ(l.find("synapse_read")->count, 2u * batch);
    EXPECT_NEAR(l.find("synapse_read")->energy_J, read_J, 1e-9 * read_J);
    const double mac_J = 17 * Technology::preset("45nm")->add_energy_J(16);
    EXPECT_EQ(l.find("norm_activation")->count, 2u * batch * out);
    EXPECT_NEAR(l.find("norm_activation")->energy_J, 2.0 * batch * out * mac_J, 1e-9 * mac_J);
}

TEST(TrainingUnit, HiddenLayerGivesTernaryActivations) {
    Platform p(config_from(unit_platform()));
    const int in = 12, out = 8, batch = 16;
    const std::vector<std::int8_t> w = random_ternary(in * out, 7);
    const std::vector<float> x = random_inputs(batch * in, 8);
    std::vector<float> got;
    run_job(p, [&](Controller& c) {
        TrainingUnitDriver d(c, kBase, "tu");
        d.probe();
        d.configure(in, out, true);
        d.program(w);
        d.forward(x.data(), batch, true, got);
    });
    GxnorLayer ref(in, out, true, nullptr, RngStream(1, "init"), RngStream(1, "variation"));
    ref.set_weights(w);
    EXPECT_EQ(got, ref.forward(x.data(), batch, true));
    int nonzero = 0;
    for (float v : got) {
        EXPECT_TRUE(v == 0.0f || v == 1.0f || v == -1.0f) << v;
        nonzero += v != 0.0f ? 1 : 0;
    }
    EXPECT_GT(nonzero, 0);
}

TEST(TrainingUnit, BackwardAndUpdateMoveWeightsAndBookTheirPulses) {
    Platform p(config_from(unit_platform()));
    TrainingUnit* tu = unit_of(p);
    ASSERT_NE(tu, nullptr);
    const int in = 10, out = 6, batch = 8;
    const std::vector<std::int8_t> w = random_ternary(in * out, 9);
    const std::vector<float> x = random_inputs(batch * in, 10);
    std::vector<float> grad(batch * out);
    RngStream gr(12, "grad");
    for (float& g : grad)
        g = static_cast<float>(gr.normal());
    std::vector<float> grad_in, no_grad_in{1.0f};
    std::vector<std::int8_t> after;
    UpdateStats s;
    std::uint32_t step = 0;
    run_job(p, [&](Controller& c) {
        TrainingUnitDriver d(c, kBase, "tu");
        d.probe();
        d.configure(in, out, false);
        d.program(w);
        std::vector<float> y;
        d.forward(x.data(), batch, true, y);
        d.backward(grad.data(), batch, false, no_grad_in);
        d.backward(grad.data(), batch, true, grad_in);
        s = d.update(0.5); // Adam's first step is the learning rate: GXNOR p = tanh(1.5)
        step = c.read32(kBase + r::STEP.offset);
        after = d.read_weights();
    });
    EXPECT_TRUE(no_grad_in.empty());
    // The gradient w.r.t. the input is the software layer's.
    GxnorLayer ref(in, out, false, nullptr, RngStream(1, "init"), RngStream(1, "variation"));
    ref.set_weights(w);
    ref.forward(x.data(), batch, true);
    EXPECT_EQ(grad_in, ref.backward(grad.data(), true));

    EXPECT_EQ(step, 1u);
    EXPECT_EQ(s.synapses, static_cast<std::uint64_t>(in * out));
    EXPECT_GT(s.pulses, 0u);
    EXPECT_GT(s.transitions, 0u);
    EXPECT_LE(s.transitions, s.pulses);
    int changed = 0;
    for (std::size_t k = 0; k < w.size(); ++k)
        changed += after[k] != w[k] ? 1 : 0;
    EXPECT_EQ(static_cast<std::uint64_t>(changed), s.transitions);
    EXPECT_EQ(tu->layer()->weights(), after);

    const EnergyLedger& l = tu->ledger();
    EXPECT_EQ(l.find("write_pulse")->count, s.pulses);
    EXPECT_DOUBLE_EQ(l.find("write_pulse")->energy_J, s.pulse_energy_J);
    EXPECT_GT(s.pulse_energy_J, 0.0);
    // Two backward passes of ternary inputs: per image 60 weight-gradient additions and
    // 4 x 6 multiply-adds of 17 additions, plus 60 for the input gradient of the second.
    EXPECT_EQ(l.find("backward_arithmetic")->count, 2u * batch * (60 + 24 * 17) + batch * 60u);
    EXPECT_EQ(l.find("optimizer")->count, 60u + 12u);
    EXPECT_EQ(l.find("optimizer_state")->count, 60u);
    EXPECT_DOUBLE_EQ(l.find("optimizer_state")->energy_J, 60 * 2 * 16 * 2 * 20e-15);
}

TEST(TrainingUnit, RefusalsComeBackAsBusErrorsNamingTheBlock) {
    Platform p(config_from(unit_platform()));
    std::string too_large, empty, batch_driver, no_forward;
    std::uint32_t not_configured = 0, batch_block = 0;
    run_job(p, [&](Controller& c) {
        TrainingUnitDriver d(c, kBase, "tu");
        d.probe();
        // A command before CONFIGURE, at the register level (the driver refuses it itself).
        c.write32(kBase + regmap::CTRL.offset, r::FORWARD_TRAIN.value);
        if (c.read32(kBase + regmap::STATUS.offset) & regmap::kStatusError)
            not_configured = c.read32(kBase + regmap::ERROR_CODE.offset);
        try {
            d.configure(13, 8, true);
        } catch (const BusError& e) {
            too_large = e.what();
        }
        try {
            d.configure(0, 8, true);
        } catch (const BusError& e) {
            empty = e.what();
        }
        d.configure(12, 8, true);
        std::vector<float> x(17 * 12, 0.0f), y;
        try {
            d.forward(x.data(), 17, true, y);
        } catch (const BusError& e) {
            batch_driver = e.what();
        }
        c.write32(kBase + r::BATCH.offset, 17);
        c.write32(kBase + regmap::CTRL.offset, r::FORWARD_INFER.value);
        if (c.read32(kBase + regmap::STATUS.offset) & regmap::kStatusError)
            batch_block = c.read32(kBase + regmap::ERROR_CODE.offset);
        d.forward(x.data(), 4, false, y);
        try {
            std::vector<float> g(4 * 8, 0.0f), gi;
            d.backward(g.data(), 4, false, gi);
        } catch (const BusError& e) {
            no_forward = e.what();
        }
    });
    EXPECT_EQ(not_configured, r::kErrNotConfigured.value);
    EXPECT_EQ(batch_block, r::kErrBadBatch.value);
    for (const std::string* m : {&too_large, &empty, &batch_driver, &no_forward})
        EXPECT_NE(m->find("'tu'"), std::string::npos) << *m;
    EXPECT_NE(too_large.find("does not fit the array"), std::string::npos) << too_large;
    EXPECT_NE(empty.find("size register"), std::string::npos) << empty;
    EXPECT_NE(batch_driver.find("1..16"), std::string::npos) << batch_driver;
    EXPECT_NE(no_forward.find("FORWARD_TRAIN"), std::string::npos) << no_forward;
}

TEST(TrainingUnit, AForwardPassTakesItsStatedCycles) {
    // 1 GHz: a read of 2 ns is 2 cycles, plus 1 for the sense: 3 per image; then 6 outputs x 5
    // images of batch norm on 8 lanes, 4 cycles: 5 x 3 + 4 = 19. A second pass issued while
    // the first runs starts when it ends (busy-until) and ends 19 cycles later.
    Platform p(config_from(unit_platform()));
    TrainingUnit* tu = unit_of(p);
    ASSERT_NE(tu, nullptr);
    sc_core::sc_time first, second;
    std::uint32_t last = 0;
    run_job(p, [&](Controller& c) {
        TrainingUnitDriver d(c, kBase, "tu");
        d.probe();
        d.configure(10, 6, true);
        const std::vector<float> x = random_inputs(5 * 10, 13);
        c.write(kBase + r::INPUT.offset, x.data(), x.size() * 4);
        c.write32(kBase + r::BATCH.offset, 5);
        c.write32(kBase + regmap::CTRL.offset, r::FORWARD_TRAIN.value);
        first = tu->busy_until();
        c.write32(kBase + regmap::CTRL.offset, r::FORWARD_TRAIN.value);
        second = tu->busy_until();
        last = c.read32(kBase + regmap::LAST_CYCLES.offset);
    });
    EXPECT_EQ(last, 19u);
    EXPECT_EQ(second - first, sc_core::sc_time(19, sc_core::SC_NS));
}

TEST(TrainingUnit, ACheckpointRestoresTheLayerExactly) {
    Platform p(config_from(unit_platform()));
    const int in = 10, out = 6, batch = 8;
    const std::vector<std::int8_t> w = random_ternary(in * out, 14);
    const std::vector<float> x = random_inputs(batch * in, 15);
    std::vector<float> grad(batch * out);
    RngStream gr(16, "grad");
    for (float& g : grad)
        g = static_cast<float>(gr.normal());
    GxnorLayer::State saved, saved_again;
    std::vector<float> out_saved, out_trained, out_restored, out_reconfigured;
    std::vector<std::int8_t> next_a, next_b;
    run_job(p, [&](Controller& c) {
        TrainingUnitDriver d(c, kBase, "tu");
        d.probe();
        d.configure(in, out, true);
        d.program(w);
        auto train_step = [&](double lr) {
            std::vector<float> y, gi;
            d.forward(x.data(), batch, true, y);
            d.backward(grad.data(), batch, false, gi);
            d.update(lr);
        };
        train_step(0.3);
        train_step(0.3);
        saved = d.save_state();
        d.forward(x.data(), batch, false, out_saved);
        train_step(0.3);
        next_a = d.read_weights();
        d.forward(x.data(), batch, false, out_trained);
        d.load_state(saved);
        d.forward(x.data(), batch, false, out_restored);
        saved_again = d.save_state();
        train_step(0.3); // the same step again, from the restored state
        next_b = d.read_weights();
        d.configure(in, out, true);
        d.load_state(saved);
        d.forward(x.data(), batch, false, out_reconfigured);
    });
    EXPECT_EQ(saved.step, 2u);
    EXPECT_EQ(saved.weights.size(), static_cast<std::size_t>(in * out));
    EXPECT_EQ(saved.mtj_states.size(), static_cast<std::size_t>(in * out));
    EXPECT_NE(saved.weights, w); // two updates moved some weights
    EXPECT_NE(out_trained, out_saved);
    EXPECT_EQ(out_restored, out_saved);
    EXPECT_EQ(out_reconfigured, out_saved);
    EXPECT_EQ(saved_again.weights, saved.weights);
    EXPECT_EQ(saved_again.mtj_states, saved.mtj_states);
    EXPECT_EQ(saved_again.m_w, saved.m_w);
    EXPECT_EQ(saved_again.v_w, saved.v_w);
    EXPECT_EQ(saved_again.gamma, saved.gamma);
    EXPECT_EQ(saved_again.running_var, saved.running_var);
    EXPECT_EQ(saved_again.step, saved.step);
    // An update after a restore draws what it drew the first time.
    EXPECT_EQ(next_b, next_a);
}

TEST(TrainingUnit, AreaAndLeakageFollowTheStatedCounts) {
    Platform p(config_from(unit_platform()));
    const TrainingUnit* tu = unit_of(p);
    ASSERT_NE(tu, nullptr);
    const Technology& t = *Technology::preset("45nm");
    // 8 lanes x 16-bit adders x 5.3 gates x 20; 2 MTJs of 40 F^2 per synapse; 2 x 16 bits of
    // SRAM per synapse.
    const double gates = 8 * 16 * 5.3 * 20;
    EXPECT_NEAR(tu->ledger().leakage_power_W(), gates * t.gate_leakage_W, 1e-20);
    const double area =
        gates * t.gate_area_m2 + 2 * 96 * 40 * 45e-9 * 45e-9 + 96 * 2 * 16 * t.sram_cell_area_m2;
    EXPECT_NEAR(tu->area_m2(), area, 1e-9 * area);
}
