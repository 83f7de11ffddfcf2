// HopfieldArray: register map, packed patterns, agreement with its circuit model.

#include <gtest/gtest.h>

#include "neurotlm/blocks/crossbar/tile_registers.h"
#include "neurotlm/blocks/hopfield/array_driver.h"
#include "neurotlm/blocks/hopfield/array_module.h"
#include "neurotlm/blocks/hopfield/array_registers.h"
#include "neurotlm/blocks/hopfield/hopfield.h"
#include "neurotlm/devices/technology.h"
#include "neurotlm/topology/platform.h"
#include "testing/platforms.h"

using namespace neurotlm;
using neurotlm::testing::config_from;
using neurotlm::testing::run_job;

namespace {

json hopfield_platform(int neurons, int memories) {
    return {{"neurotlm", 1},
            {"seed", 21},
            {"components",
             {{{"name", "ctrl"}, {"type", "controller"}},
              {{"name", "bus"}, {"type", "router"}},
              {{"name", "hop"},
               {"type", "hopfield_array"},
               {"neurons", neurons},
               {"memories", memories},
               {"storage", "ternary"},
               {"update", "synchronous"}}}},
            {"connections",
             {{{"from", "ctrl.out"}, {"to", "bus.in"}},
              {{"from", "bus.out"}, {"to", "hop.in"}, {"base", "0x20000000"}}}}};
}

} // namespace

TEST(HopfieldArray, RecallMatchesTheCircuitModelAndBooksItsEnergy) {
    Platform p(config_from(hopfield_platform(40, 2)));
    auto* hop = dynamic_cast<HopfieldArray*>(p.find("hop"));
    ASSERT_NE(hop, nullptr);
    // The same spec and stream as the component's model.
    HopfieldNetwork reference(hop->network().spec(), RngStream(21, "hop").derive("network"));
    RngStream r(3, "patterns");
    const auto patterns = random_patterns(3, 40, r);
    const HopfieldPattern probe = flip_bits(patterns[1], 5, r);
    const HopfieldWriteCost wc = reference.store(1, patterns);
    reference.select(1);
    RecallOptions ro;
    ro.record_steps = false;
    const HopfieldRecall want = reference.recall(probe, ro);

    HopfieldArrayDriver::Result got;
    std::uint32_t failed = 0;
    run_job(p, [&](Controller& c) {
        HopfieldArrayDriver d(c, 0x20000000, "hop");
        d.probe();
        EXPECT_EQ(d.neurons(), 40);
        EXPECT_EQ(d.memories(), 2);
        d.select(1);
        failed = d.store(patterns);
        got = d.recall(probe);
    });
    EXPECT_EQ(got.state, want.state);
    EXPECT_EQ(got.iterations, want.iterations);
    EXPECT_EQ(got.converged, want.converged);
    EXPECT_EQ(got.cycle, want.cycle);
    EXPECT_EQ(failed, wc.failed_writes);
    const ActionRecord* synapse = hop->ledger().find("synapse_read");
    ASSERT_NE(synapse, nullptr);
    EXPECT_EQ(synapse->count, want.cost.array_reads);
    EXPECT_DOUBLE_EQ(synapse->energy_J, want.cost.synapse_energy_J);
    EXPECT_DOUBLE_EQ(hop->ledger().find("mtj_write_pulse")->energy_J, wc.write_energy_J);
}

TEST(HopfieldArray, AMemorySlotBeyondTheArrayIsRefused) {
    Platform p(config_from(hopfield_platform(32, 2)));
    std::string message;
    run_job(p, [&](Controller& c) {
        HopfieldArrayDriver d(c, 0x20000000, "hop");
        d.probe();
        d.select(2);
        try {
            d.store({HopfieldPattern(32, 1)});
        } catch (const BusError& e) {
            message = e.what();
        }
    });
    EXPECT_NE(message.find("no such memory slot"), std::string::npos) << message;
}

TEST(HopfieldArray, PatternsTravelPacked) {
    Platform p(config_from(hopfield_platform(40, 1)));
    run_job(p, [&](Controller& c) {
        // 40 neurons: two 32-bit words; bit i of the probe is neuron i.
        std::uint32_t words[2] = {0xFFFFFFFFu, 0xFFu};
        c.write(0x20000000 + hopfield::regs::PROBE.offset, words, sizeof words);
        std::uint32_t back[2] = {};
        c.read(0x20000000 + hopfield::regs::PROBE.offset, back, sizeof back);
        EXPECT_EQ(back[0], words[0]);
        EXPECT_EQ(back[1], words[1]);
        // A third word is outside the window.
        std::uint32_t three[3] = {};
        EXPECT_THROW(c.write(0x20000000 + hopfield::regs::PROBE.offset, three, sizeof three),
                     BusError);
    });
}

TEST(HopfieldArray, LeaksAsItsNeuronsLogicInTheTechnologyAndClassesItsActions) {
    // 40 neurons x (a clocked comparator 8 + a flip-flop 5.7 gate equivalents) x 22 nm's
    // gate leakage.
    json doc = hopfield_platform(40, 2);
    doc["technology"] = "22nm";
    Platform p(config_from(doc));
    const auto* hop = dynamic_cast<const HopfieldArray*>(p.find("hop"));
    ASSERT_NE(hop, nullptr);
    EXPECT_DOUBLE_EQ(hop->ledger().leakage_power_W(),
                     40 * (8.0 + 5.7) * Technology::preset("22nm")->gate_leakage_W);
    EXPECT_GT(hop->ledger().leakage_power_W(), 0.0);
    EXPECT_EQ(hop->ledger().find("synapse_read")->energy_class, energy_class::array);
    EXPECT_EQ(hop->ledger().find("neuron_eval")->energy_class, energy_class::adc);
    EXPECT_EQ(hop->ledger().find("mtj_write_pulse")->energy_class, energy_class::write);
}
