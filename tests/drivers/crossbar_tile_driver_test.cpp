// CrossbarTileDriver against a fake bus: the register accesses it makes, at the offsets the
// declared register map gives (tile_registers.h), in the order the hardware needs them, and
// the errors it reports.

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/blocks/crossbar/tile_driver.h"
#include "neurotlm/blocks/crossbar/tile_registers.h"
#include "neurotlm/blocks/hopfield/array_registers.h"
#include "neurotlm/drivers/register_map.h"
#include "testing/fake_bus.h"

using namespace neurotlm;
using neurotlm::testing::FakeBus;
namespace r = neurotlm::crossbar::regs;

namespace {

constexpr std::uint64_t kTileBase = 0x40000000;

std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const BusError& e) {
        return e.what();
    }
    return "";
}

/// A bus whose tile at kBase identifies itself and reports every command done.
FakeBus tile_bus(std::uint32_t rows = 16, std::uint32_t cols = 8) {
    FakeBus bus;
    bus.set32(kTileBase + regmap::ID.offset, regmap::kIdMagic);
    bus.set32(kTileBase + regmap::TYPE.offset, r::kTypeCode);
    bus.set32(kTileBase + r::ROWS.offset, rows);
    bus.set32(kTileBase + r::COLS.offset, cols);
    bus.set32(kTileBase + regmap::STATUS.offset, regmap::kStatusDone);
    return bus;
}

} // namespace

TEST(CrossbarTileDriver, ProbeChecksIdAndTypeAndReadsTheSize) {
    FakeBus bus = tile_bus(16, 8);
    CrossbarTileDriver d(bus, kTileBase, "t");
    d.probe();
    EXPECT_EQ(d.rows(), 16);
    EXPECT_EQ(d.cols(), 8);
    EXPECT_EQ(bus.writes(), 0u); // probing writes nothing
    ASSERT_EQ(bus.find(kTileBase + regmap::ID.offset, false).size(), 1u);
    ASSERT_EQ(bus.find(kTileBase + regmap::TYPE.offset, false).size(), 1u);
}

TEST(CrossbarTileDriver, ProbeRefusesAnotherBlockType) {
    FakeBus bus = tile_bus();
    bus.set32(kTileBase + regmap::TYPE.offset, hopfield::regs::kTypeCode);
    CrossbarTileDriver d(bus, kTileBase, "t7");
    const std::string m = message_of([&] { d.probe(); });
    EXPECT_NE(m.find("not a crossbar tile"), std::string::npos) << m;
    EXPECT_NE(m.find("t7"), std::string::npos) << m;

    FakeBus empty; // nothing at the address: ID reads 0
    CrossbarTileDriver e(empty, kTileBase, "t8");
    EXPECT_THROW(e.probe(), BusError);
}

TEST(CrossbarTileDriver, ProgramWritesSizesRangeAndWeightsThenStartsProgram) {
    FakeBus bus = tile_bus();
    CrossbarTileDriver d(bus, kTileBase, "t");
    const std::vector<float> w = {0.5f, -0.25f, 1.0f, 0.0f, -1.0f, 0.125f}; // 3 x 2
    d.program(w.data(), 3, 2, 1.5f);

    const auto rows_used = bus.find(kTileBase + r::ROWS_USED.offset, true);
    const auto cols_used = bus.find(kTileBase + r::COLS_USED.offset, true);
    const auto range = bus.find(kTileBase + r::WEIGHT_RANGE.offset, true);
    const auto weights = bus.find(kTileBase + r::WEIGHTS.offset, true);
    const auto ctrl = bus.find(kTileBase + regmap::CTRL.offset, true);
    const auto status = bus.find(kTileBase + regmap::STATUS.offset, false);
    ASSERT_EQ(rows_used.size(), 1u);
    ASSERT_EQ(cols_used.size(), 1u);
    ASSERT_EQ(range.size(), 1u);
    ASSERT_EQ(weights.size(), 1u);
    ASSERT_EQ(ctrl.size(), 1u);
    ASSERT_EQ(status.size(), 1u);
    EXPECT_EQ(bus.writes(), 5u); // nothing else is written

    EXPECT_EQ(bus.accesses[rows_used[0]].size(), 4u);
    EXPECT_EQ(bus.accesses[rows_used[0]].word(), 3u);
    EXPECT_EQ(bus.accesses[cols_used[0]].word(), 2u);
    EXPECT_EQ(bus.accesses[range[0]].size(), 4u);
    EXPECT_EQ(bus.accesses[range[0]].as_float(), 1.5f);
    // The weights window gets the block row-major, rows x cols float32, in one access.
    const auto& wa = bus.accesses[weights[0]];
    ASSERT_EQ(wa.size(), w.size() * sizeof(float));
    EXPECT_EQ(std::memcmp(wa.bytes.data(), w.data(), wa.size()), 0);
    EXPECT_EQ(bus.accesses[ctrl[0]].word(), r::PROGRAM.value);

    // Sizes, range and weights are in place before the command; its status is read after.
    for (std::size_t i : {rows_used[0], cols_used[0], range[0], weights[0]})
        EXPECT_LT(i, ctrl[0]);
    EXPECT_GT(status[0], ctrl[0]);
    EXPECT_EQ(ctrl[0] + 1, status[0]);
}

TEST(CrossbarTileDriver, AnErrorStatusThrowsWithTheDeclaredReason) {
    FakeBus bus = tile_bus();
    bus.set32(kTileBase + regmap::STATUS.offset, regmap::kStatusDone | regmap::kStatusError);
    bus.set32(kTileBase + regmap::ERROR_CODE.offset, regmap::kErrBadSize.value);
    CrossbarTileDriver d(bus, kTileBase, "tile3");
    const std::vector<float> w(4, 0.5f);
    const std::string m = message_of([&] { d.program(w.data(), 2, 2, 1.0f); });
    ASSERT_FALSE(m.empty()) << "no BusError";
    EXPECT_NE(m.find(regmap::kErrBadSize.meaning), std::string::npos) << m;
    EXPECT_NE(m.find("PROGRAM"), std::string::npos) << m;
    EXPECT_NE(m.find("tile3"), std::string::npos) << m;
    // The reason comes from ERROR_CODE, read after the status.
    const auto err = bus.find(kTileBase + regmap::ERROR_CODE.offset, false);
    ASSERT_EQ(err.size(), 1u);
    EXPECT_GT(err[0], bus.find(kTileBase + regmap::STATUS.offset, false).at(0));
}

TEST(CrossbarTileDriver, AnUnknownErrorCodeStillThrows) {
    FakeBus bus = tile_bus();
    bus.set32(kTileBase + regmap::STATUS.offset, regmap::kStatusDone | regmap::kStatusError);
    bus.set32(kTileBase + regmap::ERROR_CODE.offset, 0xBAD);
    CrossbarTileDriver d(bus, kTileBase, "t");
    const std::vector<float> w(1, 0.5f);
    EXPECT_THROW(d.program(w.data(), 1, 1, 1.0f), BusError);
}

TEST(CrossbarTileDriver, RangesGoToTheirRegistersAsFloat32) {
    FakeBus bus = tile_bus();
    CrossbarTileDriver d(bus, kTileBase, "t");
    d.set_input_range(2.5f);
    d.set_output_range(0.75f);
    ASSERT_EQ(bus.accesses.size(), 2u);
    EXPECT_TRUE(bus.accesses[0].write);
    EXPECT_EQ(bus.accesses[0].address, kTileBase + r::INPUT_RANGE.offset);
    EXPECT_EQ(bus.accesses[0].as_float(), 2.5f);
    EXPECT_EQ(bus.accesses[1].address, kTileBase + r::OUTPUT_RANGE.offset);
    EXPECT_EQ(bus.accesses[1].as_float(), 0.75f);
}

TEST(CrossbarTileDriver, StartWritesTheInputThenMvmAndDoesNotWait) {
    FakeBus bus = tile_bus();
    CrossbarTileDriver d(bus, kTileBase, "t");
    const std::vector<float> x = {1.0f, -0.5f, 0.25f};
    d.start_mvm(x.data(), 3);
    // Exactly the input window and CTRL: no STATUS read, which would wait for the multiply.
    ASSERT_EQ(bus.accesses.size(), 2u);
    EXPECT_EQ(bus.accesses[0].address, kTileBase + r::INPUT.offset);
    ASSERT_EQ(bus.accesses[0].size(), 12u);
    EXPECT_EQ(std::memcmp(bus.accesses[0].bytes.data(), x.data(), 12), 0);
    EXPECT_EQ(bus.accesses[1].address, kTileBase + regmap::CTRL.offset);
    EXPECT_EQ(bus.accesses[1].word(), r::MVM.value);
}

TEST(CrossbarTileDriver, CollectReadsTheOutputWindow) {
    FakeBus bus = tile_bus();
    const float y_tile[3] = {0.5f, -2.0f, 3.25f};
    bus.set_bytes(kTileBase + r::OUTPUT.offset, y_tile, sizeof y_tile);
    CrossbarTileDriver d(bus, kTileBase, "t");
    float y[3] = {};
    d.collect(y, 3);
    ASSERT_EQ(bus.accesses.size(), 1u);
    EXPECT_FALSE(bus.accesses[0].write);
    EXPECT_EQ(bus.accesses[0].size(), 12u);
    for (int j = 0; j < 3; ++j)
        EXPECT_EQ(y[j], y_tile[j]);
}

TEST(CrossbarTileDriver, ARefusedCollectIsExplainedFromTheErrorCode) {
    FakeBus bus = tile_bus();
    bus.refuse.insert(kTileBase + r::OUTPUT.offset);
    bus.set32(kTileBase + regmap::ERROR_CODE.offset, regmap::kErrNotProgrammed.value);
    CrossbarTileDriver d(bus, kTileBase, "tile9");
    float y[2];
    const std::string m = message_of([&] { d.collect(y, 2); });
    EXPECT_NE(m.find(regmap::kErrNotProgrammed.meaning), std::string::npos) << m;
    EXPECT_NE(m.find("tile9"), std::string::npos) << m;
    EXPECT_NE(m.find("MVM"), std::string::npos) << m;
    ASSERT_EQ(bus.accesses.size(), 2u);
    EXPECT_TRUE(bus.accesses[0].refused);
    EXPECT_EQ(bus.accesses[1].address, kTileBase + regmap::ERROR_CODE.offset);
}
