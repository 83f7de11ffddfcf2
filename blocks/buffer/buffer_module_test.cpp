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
#include "testing/platforms.h"

using namespace neurotlm;
using neurotlm::testing::config_from;
using neurotlm::testing::run_job;

namespace {

constexpr std::uint64_t kBase = 0x20000000;

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
        BufferDriver d(c, kBase, "buf");
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
    const double e = buf->spec().read_word_J(); // 4 KiB: 10 pJ x sqrt(1/2)
    EXPECT_NEAR(e, 10e-12 * std::sqrt(0.5), 1e-24);
    EXPECT_EQ(buf->ledger().find("word_write")->count, 8u);
    EXPECT_EQ(buf->ledger().find("word_read")->count, 10u);
    EXPECT_DOUBLE_EQ(buf->ledger().find("word_read")->energy_J, 10 * e);
    EXPECT_DOUBLE_EQ(buf->ledger().leakage_power_W(), 4096 * 8 * 50e-12);
    // 32768 bits x 0.346 um^2 (Intel 45 nm cell) / 0.7 (array efficiency).
    EXPECT_NEAR(buf->area_m2(), 4096 * 8 * 0.346e-12 / 0.7, 1e-18);
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
        BufferDriver a(c, kBase, "one"), b(c, 0x30000000, "four");
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
        c.write32(kBase + regmap::CTRL.offset, 1);
        EXPECT_TRUE(c.read32(kBase + regmap::STATUS.offset) & regmap::kStatusError);
        EXPECT_EQ(c.read32(kBase + regmap::ERROR_CODE.offset), regmap::kErrBadCommand.value);
        EXPECT_EQ(c.read32(kBase + regmap::TYPE.offset), buffer::regs::kTypeCode);
    });
}

TEST(SramBuffer, ACapacityOfPartWordsIsAConfigurationError) {
    EXPECT_THROW(Platform(config_from(buffer_platform({{"capacity", 1004}}))), ConfigError);
}
