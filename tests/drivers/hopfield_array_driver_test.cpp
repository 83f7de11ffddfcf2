// HopfieldArrayDriver against a fake bus: patterns packed as array_registers.h declares
// (neuron i is bit i % 32 of word i / 32, 1 for +1), the register sequence of STORE and
// RECALL at the declared offsets, and its errors.

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/blocks/crossbar/tile_registers.h"
#include "neurotlm/blocks/hopfield/array_driver.h"
#include "neurotlm/blocks/hopfield/array_registers.h"
#include "neurotlm/drivers/register_map.h"
#include "testing/fake_bus.h"

using namespace neurotlm;
using neurotlm::testing::FakeBus;
namespace h = neurotlm::hopfield::regs;

namespace {

constexpr std::uint64_t kHopBase = 0x20000000;
constexpr int kN = 40; // two words per pattern, the second one partly used

std::string hop_message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const BusError& e) {
        return e.what();
    }
    return "";
}

FakeBus hop_bus(std::uint32_t neurons = kN, std::uint32_t memories = 3,
                std::uint32_t max_patterns = 4) {
    FakeBus bus;
    bus.set32(kHopBase + regmap::ID.offset, regmap::kIdMagic);
    bus.set32(kHopBase + regmap::TYPE.offset, h::kTypeCode);
    bus.set32(kHopBase + h::NEURONS.offset, neurons);
    bus.set32(kHopBase + h::MEMORIES.offset, memories);
    bus.set32(kHopBase + h::MAX_PATTERNS.offset, max_patterns);
    bus.set32(kHopBase + regmap::STATUS.offset, regmap::kStatusDone);
    return bus;
}

/// -1 everywhere except +1 at @p ones.
std::vector<std::int8_t> hop_pattern(std::initializer_list<int> ones) {
    std::vector<std::int8_t> p(kN, -1);
    for (int i : ones)
        p[static_cast<std::size_t>(i)] = 1;
    return p;
}

std::vector<std::uint32_t> words_of(const FakeBus::Access& a) {
    std::vector<std::uint32_t> w(a.size() / 4);
    std::memcpy(w.data(), a.bytes.data(), w.size() * 4);
    return w;
}

} // namespace

TEST(HopfieldArrayDriver, ProbeReadsTheSizes) {
    FakeBus bus = hop_bus(kN, 3, 4);
    HopfieldArrayDriver d(bus, kHopBase, "hop");
    d.probe();
    EXPECT_EQ(d.neurons(), kN);
    EXPECT_EQ(d.memories(), 3);
    EXPECT_EQ(d.max_patterns(), 4);

    FakeBus tile = hop_bus();
    tile.set32(kHopBase + regmap::TYPE.offset, crossbar::regs::kTypeCode);
    HopfieldArrayDriver t(tile, kHopBase, "hop");
    const std::string m = hop_message_of([&] { t.probe(); });
    EXPECT_NE(m.find("not a Hopfield array"), std::string::npos) << m;
}

TEST(HopfieldArrayDriver, StorePacksNeuronIIntoBitIMod32OfWordIDiv32) {
    FakeBus bus = hop_bus();
    bus.set32(kHopBase + h::FAILED_WRITES.offset, 5);
    HopfieldArrayDriver d(bus, kHopBase, "hop");
    d.probe();
    bus.accesses.clear();
    // a: +1 at 0, 31, 32 and 39; b: all +1; c: +1 at 1 and 33.
    const auto a = hop_pattern({0, 31, 32, 39});
    const std::vector<std::int8_t> b(kN, 1);
    const auto c = hop_pattern({1, 33});
    d.select(2);
    const std::uint32_t failed = d.store({a, b, c});
    EXPECT_EQ(failed, 5u); // FAILED_WRITES, read after the command

    const auto select = bus.find(kHopBase + h::SELECT.offset, true);
    const auto window = bus.find(kHopBase + h::PATTERNS.offset, true);
    const auto count = bus.find(kHopBase + h::PATTERN_COUNT.offset, true);
    const auto ctrl = bus.find(kHopBase + regmap::CTRL.offset, true);
    const auto status = bus.find(kHopBase + regmap::STATUS.offset, false);
    const auto failed_read = bus.find(kHopBase + h::FAILED_WRITES.offset, false);
    ASSERT_EQ(select.size(), 1u);
    ASSERT_EQ(window.size(), 1u);
    ASSERT_EQ(count.size(), 1u);
    ASSERT_EQ(ctrl.size(), 1u);
    ASSERT_EQ(status.size(), 1u);
    ASSERT_EQ(failed_read.size(), 1u);
    EXPECT_EQ(bus.accesses[select[0]].word(), 2u);
    EXPECT_EQ(bus.accesses[count[0]].word(), 3u);
    EXPECT_EQ(bus.accesses[ctrl[0]].word(), h::STORE.value);
    EXPECT_LT(window[0], ctrl[0]);
    EXPECT_LT(count[0], ctrl[0]);
    EXPECT_EQ(status[0], ctrl[0] + 1);
    EXPECT_GT(failed_read[0], status[0]);

    // ceil(40 / 32) = 2 words a pattern, patterns back to back; unused bits are 0.
    const std::vector<std::uint32_t> want = {
        0x80000001u, 0x00000081u, // a: bits 0 and 31; word 1 bits 0 (neuron 32) and 7 (39)
        0xFFFFFFFFu, 0x000000FFu, // b: neurons 32..39 are bits 0..7 of word 1
        0x00000002u, 0x00000002u, // c: neuron 1, and neuron 33 = bit 1 of word 1
    };
    EXPECT_EQ(words_of(bus.accesses[window[0]]), want);
}

TEST(HopfieldArrayDriver, RecallPacksTheProbeAndUnpacksTheState) {
    FakeBus bus = hop_bus();
    // The state the array "recalled": +1 at 2, 30, 34 and 39.
    const std::uint32_t state[2] = {(1u << 2) | (1u << 30), (1u << 2) | (1u << 7)};
    bus.set_bytes(kHopBase + h::STATE.offset, state, sizeof state);
    bus.set32(kHopBase + h::ITERATIONS.offset, 7);
    bus.set32(kHopBase + h::RECALL_FLAGS.offset, h::kCycle);
    HopfieldArrayDriver d(bus, kHopBase, "hop");
    d.probe();
    bus.accesses.clear();

    const auto probe = hop_pattern({5, 36});
    const HopfieldArrayDriver::Result r = d.recall(probe);
    EXPECT_EQ(r.state, hop_pattern({2, 30, 34, 39}));
    EXPECT_EQ(r.iterations, 7);
    EXPECT_FALSE(r.converged);
    EXPECT_TRUE(r.cycle);

    const auto window = bus.find(kHopBase + h::PROBE.offset, true);
    const auto ctrl = bus.find(kHopBase + regmap::CTRL.offset, true);
    const auto status = bus.find(kHopBase + regmap::STATUS.offset, false);
    const auto read_state = bus.find(kHopBase + h::STATE.offset, false);
    ASSERT_EQ(window.size(), 1u);
    ASSERT_EQ(ctrl.size(), 1u);
    ASSERT_EQ(read_state.size(), 1u);
    EXPECT_EQ(words_of(bus.accesses[window[0]]), (std::vector<std::uint32_t>{1u << 5, 1u << 4}));
    EXPECT_EQ(bus.accesses[ctrl[0]].word(), h::RECALL.value);
    EXPECT_LT(window[0], ctrl[0]);
    EXPECT_EQ(status.at(0), ctrl[0] + 1);
    EXPECT_GT(read_state[0], status[0]);
    EXPECT_EQ(bus.accesses[read_state[0]].size(), 8u);
}

TEST(HopfieldArrayDriver, ConvergedFlagIsBitZero) {
    FakeBus bus = hop_bus();
    bus.set32(kHopBase + h::RECALL_FLAGS.offset, h::kConverged);
    HopfieldArrayDriver d(bus, kHopBase, "hop");
    d.probe();
    const auto r = d.recall(hop_pattern({}));
    EXPECT_TRUE(r.converged);
    EXPECT_FALSE(r.cycle);
    EXPECT_EQ(r.state, hop_pattern({})); // an all-zero STATE is all -1
}

TEST(HopfieldArrayDriver, ErrorsCarryTheirReason) {
    FakeBus bus = hop_bus();
    bus.set32(kHopBase + regmap::STATUS.offset, regmap::kStatusDone | regmap::kStatusError);
    bus.set32(kHopBase + regmap::ERROR_CODE.offset, h::kErrBadSlot.value);
    HopfieldArrayDriver d(bus, kHopBase, "hop2");
    d.probe();
    std::string m = hop_message_of([&] { d.recall(hop_pattern({1})); });
    EXPECT_NE(m.find(h::kErrBadSlot.meaning), std::string::npos) << m;
    EXPECT_NE(m.find("RECALL"), std::string::npos) << m;
    EXPECT_NE(m.find("hop2"), std::string::npos) << m;

    bus.set32(kHopBase + regmap::ERROR_CODE.offset, regmap::kErrBadSize.value);
    m = hop_message_of([&] { d.store({hop_pattern({1})}); });
    EXPECT_NE(m.find("pattern count"), std::string::npos) << m;
    EXPECT_NE(m.find("STORE"), std::string::npos) << m;
}

TEST(HopfieldArrayDriver, PatternsThatCannotFitAreRefusedBeforeAnyWrite) {
    FakeBus bus = hop_bus(kN, 1, 2);
    HopfieldArrayDriver d(bus, kHopBase, "hop");
    d.probe();
    bus.accesses.clear();
    EXPECT_THROW(d.store({}), BusError); // none
    EXPECT_THROW(d.store({hop_pattern({}), hop_pattern({}), hop_pattern({})}),
                 BusError); // > MAX_PATTERNS
    EXPECT_THROW(d.store({hop_pattern({}), std::vector<std::int8_t>(kN - 1, 1)}),
                 BusError); // wrong N
    EXPECT_THROW(d.recall(std::vector<std::int8_t>(kN + 1, 1)), BusError);
    EXPECT_EQ(bus.accesses.size(), 0u);
}
