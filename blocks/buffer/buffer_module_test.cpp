// SramBuffer: data round trip, energy per word touched, access time, leakage and area from its
// spec, and its register map.
#include "neurotlm/blocks/buffer/buffer_module.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/blocks/buffer/buffer_driver.h"
#include "neurotlm/blocks/buffer/buffer_registers.h"
#include "neurotlm/blocks/controller/controller_module.h"
#include "neurotlm/core/error.h"
#include "neurotlm/devices/technology.h"
#include "testing/platforms.h"

using namespace neurotlm;
using neurotlm::testing::config_from;
using neurotlm::testing::run_job;

namespace {

constexpr std::uint64_t kBufferBase = 0x20000000;

json buffer_platform(json buffer) {
    json b = {{"name", "buf"}, {"type", "buffer"}};
    if (buffer.is_object()) b.merge_patch(buffer);
    return {
        {"neurotlm", 1},
        {"name", "test"},
        {"seed", 1},
        {"components",
         {{{"name", "ctrl"}, {"type", "controller"}}, {{"name", "bus"}, {"type", "router"}}, b}},
        {"connections",
         {{{"from", "ctrl.out"}, {"to", "bus.in"}},
          {{"from", "bus.out"}, {"to", "buf.in"}, {"base", "0x20000000"}}}}};
}

} // namespace

TEST(SramBuffer, KeepsWhatIsWrittenAndBooksEveryWordTouched) {
    Platform p(config_from(buffer_platform({{"capacity", "4 KiB"}, {"word_bits", 64}})));
    const auto* buf = dynamic_cast<const SramBuffer*>(p.find("buf"));
    ASSERT_NE(buf, nullptr);
    std::vector<float> back(16);
    run_job(p, [&](Controller& c) {
        BufferDriver d(c, kBufferBase, "buf");
        d.probe();
        EXPECT_EQ(d.capacity(), 4096u);
        EXPECT_EQ(d.word_bytes(), 8u);
        std::vector<float> x(16);
        for (int i = 0; i < 16; ++i)
            x[static_cast<std::size_t>(i)] = 0.25f * static_cast<float>(i);
        d.write(64, x.data(), 64); // 8 words
        d.read(64, back.data(), 64);
        d.read(4, back.data(), 8); // 2 words: straddles a boundary
        EXPECT_THROW(d.write(4090, x.data(), 8), BusError);
    });
    for (int i = 0; i < 8; ++i)
        EXPECT_EQ(back[static_cast<std::size_t>(8 + i)], 0.25f * static_cast<float>(8 + i));
    // 4 KiB at the default 45 nm preset (1.0 V): 10 pJ x sqrt(1/2) x (1.0 / 0.9)^2, Horowitz's
    // 0.9 V figure carried to the preset's supply as C V^2.
    const double e = buf->spec().read_word_J();
    EXPECT_NEAR(e, 10e-12 * std::sqrt(0.5) / 0.81, 1e-24);
    EXPECT_EQ(buf->ledger().find("word_write")->count, 8u);
    EXPECT_EQ(buf->ledger().find("word_read")->count, 10u);
    EXPECT_DOUBLE_EQ(buf->ledger().find("word_read")->energy_J, 10 * e);
    EXPECT_EQ(buf->ledger().find("word_read")->energy_class, energy_class::buffers);
    const Technology& t45 = *Technology::preset("45nm");
    EXPECT_DOUBLE_EQ(buf->ledger().leakage_power_W(), 4096 * 8 * t45.gate_leakage_W);
    // 32768 bits x 0.346 um^2 (Intel 45 nm cell, the preset's) / 0.7 (array efficiency).
    EXPECT_NEAR(buf->area_m2(), 4096 * 8 * 0.346e-12 / 0.7, 1e-18);
}

TEST(SramBuffer, DefaultsFollowThePlatformsTechnology) {
    // At 22 nm, 0.8 V: the 0.092 um^2 cell, energy x 22/45 x (0.8/0.9)^2, leakage per bit one
    // gate equivalent's.
    json doc = buffer_platform({{"capacity", "8 KiB"}});
    doc["technology"] = "22nm";
    Platform p(config_from(doc));
    const auto* buf = dynamic_cast<const SramBuffer*>(p.find("buf"));
    const Technology& t = *Technology::preset("22nm");
    EXPECT_NEAR(buf->spec().read_word_J(), 10e-12 * 22.0 / 45.0 * (0.64 / 0.81), 1e-24);
    EXPECT_NEAR(buf->area_m2(), 8192 * 8 * 0.092e-12 / 0.7, 1e-18);
    EXPECT_GT(buf->area_m2(), 0.0);
    EXPECT_DOUBLE_EQ(buf->ledger().leakage_power_W(), 8192 * 8 * t.gate_leakage_W);
}

TEST(SramBuffer, WrittenCellAreaAndLeakageWinOverTheTechnology) {
    json own =
        buffer_platform({{"capacity", "8 KiB"}, {"cell_area", "0.5 um^2"}, {"leakage_per_bit", 0}});
    own["technology"] = "22nm";
    Platform q(config_from(own));
    const auto* b2 = dynamic_cast<const SramBuffer*>(q.find("buf"));
    ASSERT_NE(b2, nullptr);
    EXPECT_NEAR(b2->area_m2(), 8192 * 8 * 0.5e-12 / 0.7, 1e-18);
    EXPECT_EQ(b2->ledger().leakage_power_W(), 0.0);
}

TEST(SramBuffer, ElementsOfAHardwareWidthFillFewerWords) {
    // 64 float32 values that are 8-bit activations: 64 bytes in hardware, one 512-bit word
    // (against four for the 256 functional bytes).
    Platform p(config_from(buffer_platform({{"capacity", "4 KiB"}, {"word_bits", 512}})));
    const auto* buf = dynamic_cast<const SramBuffer*>(p.find("buf"));
    std::vector<float> x(64, 3.0f), back(64, 0.0f);
    run_job(p, [&](Controller& c) {
        BufferDriver d(c, kBufferBase, "buf");
        d.probe();
        d.write(256, x.data(), 256, ElementWidth{4, 8});
        d.read(256, back.data(), 256, ElementWidth{4, 8});
        d.read(0, back.data(), 256); // plain bytes: four words
    });
    EXPECT_EQ(buf->ledger().find("word_write")->count, 1u);
    EXPECT_EQ(buf->ledger().find("word_read")->count, 1u + 4u);
}

TEST(SramBuffer, BanksReadInParallel) {
    // 64 bytes = 8 words: one bank takes 8 access times, four banks take 2. The reads' times as
    // the initiator sees them differ by exactly 6 access times (1 ns each at 1 GHz).
    json doc = buffer_platform({{"name", "one"}, {"capacity", "4 KiB"}, {"banks", 1}});
    doc["components"].push_back(
        {{"name", "four"}, {"type", "buffer"}, {"capacity", "4 KiB"}, {"banks", 4}});
    doc["connections"].push_back({{"from", "bus.out"}, {"to", "four.in"}, {"base", "0x30000000"}});
    doc["connections"][1]["to"] = "one.in";
    Platform p(config_from(doc));
    double one = 0, four = 0;
    run_job(p, [&](Controller& c) {
        std::vector<unsigned char> x(64);
        BufferDriver a(c, kBufferBase, "one"), b(c, 0x30000000, "four");
        a.probe();
        b.probe();
        double t0 = c.now().to_seconds();
        a.read(0, x.data(), 64);
        one = c.now().to_seconds() - t0;
        t0 = c.now().to_seconds();
        b.read(0, x.data(), 64);
        four = c.now().to_seconds() - t0;
    });
    EXPECT_NEAR(one - four, 6e-9, 1e-15);
}

TEST(SramBuffer, HasNoCommands) {
    Platform p(config_from(buffer_platform({})));
    run_job(p, [&](Controller& c) {
        c.write32(kBufferBase + regmap::CTRL.offset, 1);
        EXPECT_TRUE(c.read32(kBufferBase + regmap::STATUS.offset) & regmap::kStatusError);
        EXPECT_EQ(c.read32(kBufferBase + regmap::ERROR_CODE.offset), regmap::kErrBadCommand.value);
        EXPECT_EQ(c.read32(kBufferBase + regmap::TYPE.offset), buffer::regs::kTypeCode);
    });
}

TEST(SramBuffer, ACapacityOfPartWordsIsAConfigurationError) {
    EXPECT_THROW(Platform(config_from(buffer_platform({{"capacity", 1004}}))), ConfigError);
}
