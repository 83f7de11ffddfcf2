// CrossbarTile: register map, errors, timing (busy-until, parallel tiles), and agreement
// with its circuit model.

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/blocks/crossbar/crossbar.h"
#include "neurotlm/blocks/crossbar/tile_driver.h"
#include "neurotlm/blocks/crossbar/tile_module.h"
#include "neurotlm/blocks/crossbar/tile_registers.h"
#include "neurotlm/blocks/hopfield/array_registers.h"
#include "neurotlm/topology/platform.h"
#include "testing/platforms.h"

using namespace neurotlm;
using neurotlm::testing::config_from;
using neurotlm::testing::run_job;
using neurotlm::testing::tile_platform;

namespace {

constexpr std::uint64_t kTileBase = 0x10000000;
constexpr std::uint64_t kStride = 4 << 20;

std::vector<float> ramp(int n, float scale) {
    std::vector<float> v(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        v[static_cast<std::size_t>(i)] = scale * std::sin(0.37f * static_cast<float>(i) + 0.1f);
    return v;
}

} // namespace

TEST(CrossbarTile, IdentifiesItselfAndReportsItsSize) {
    Platform p(config_from(tile_platform(1, 16, 8)));
    run_job(p, [](Controller& c) {
        CrossbarTileDriver d(c, kTileBase, "tile0");
        d.probe();
        EXPECT_EQ(d.rows(), 16);
        EXPECT_EQ(d.cols(), 4); // differential: two physical columns per output
        EXPECT_EQ(c.read32(kTileBase + regmap::ID.offset), regmap::kIdMagic);
    });
}

TEST(CrossbarTile, MultiplyMatchesItsCircuitModelBitForBit) {
    // The same spec and the same RNG stream: the component must add nothing to the numbers.
    json doc = tile_platform(
        1, 32, 16,
        {{"variation", true}, {"read_noise", true}, {"adc", {{"bits", 6}}}, {"dac", {{"bits", 2}}}},
        "rram_imacsim");
    Platform p(config_from(doc));
    const auto* tile = dynamic_cast<const CrossbarTile*>(p.find("tile0"));
    ASSERT_NE(tile, nullptr);
    CrossbarSpec spec = tile->crossbar().spec();
    Crossbar reference(spec, RngStream(7, "tile0").derive("crossbar"));

    const std::vector<float> w = ramp(32 * 8, 0.5f);
    const std::vector<float> x = ramp(32, 1.0f);
    std::vector<float> y_tile(8), y_ref(8);
    reference.program(w.data(), 32, 8, 0.5f);
    reference.set_input_range(1.0f);
    reference.mvm(x.data(), y_ref.data());

    run_job(p, [&](Controller& c) {
        CrossbarTileDriver d(c, kTileBase, "tile0");
        d.probe();
        d.program(w.data(), 32, 8, 0.5f);
        d.set_input_range(1.0f);
        d.start_mvm(x.data(), 32);
        d.collect(y_tile.data(), 8);
    });
    for (int j = 0; j < 8; ++j)
        EXPECT_EQ(y_tile[static_cast<std::size_t>(j)], y_ref[static_cast<std::size_t>(j)]) << j;
}

TEST(CrossbarTile, ArrayEnergyInTheLedgerIsTheCircuitsReadEnergy) {
    Platform p(config_from(tile_platform(1, 8, 8)));
    const auto* tile = dynamic_cast<const CrossbarTile*>(p.find("tile0"));
    Crossbar reference(tile->crossbar().spec(), RngStream(7, "tile0").derive("crossbar"));
    const std::vector<float> w = ramp(8 * 4, 1.0f);
    const std::vector<float> x = ramp(8, 1.0f);
    std::vector<float> y(4);
    reference.program(w.data(), 8, 4, 1.0f);
    reference.set_input_range(1.0f);
    const CrossbarCost cost = reference.mvm(x.data(), y.data());
    ASSERT_GT(cost.array_energy_J, 0.0);
    run_job(p, [&](Controller& c) {
        CrossbarTileDriver d(c, kTileBase, "tile0");
        d.probe();
        d.program(w.data(), 8, 4, 1.0f);
        d.set_input_range(1.0f);
        d.start_mvm(x.data(), 8);
        d.collect(y.data(), 4);
    });
    const ActionRecord* read = tile->ledger().find("array_read");
    ASSERT_NE(read, nullptr);
    EXPECT_EQ(read->count, cost.reads);
    EXPECT_DOUBLE_EQ(read->energy_J, cost.array_energy_J);
}

TEST(CrossbarTile, MultiplyBeforeProgramIsRefusedWithAReason) {
    Platform p(config_from(tile_platform(1, 8, 8)));
    std::string message;
    run_job(p, [&](Controller& c) {
        CrossbarTileDriver d(c, kTileBase, "tile0");
        d.probe();
        std::vector<float> x(8, 0.5f), y(4);
        d.start_mvm(x.data(), 8);
        try {
            d.collect(y.data(), 4);
        } catch (const BusError& e) {
            message = e.what();
        }
    });
    EXPECT_NE(message.find("before the weights were programmed"), std::string::npos) << message;
}

TEST(CrossbarTile, AccessOutsideTheMapIsAnAddressError) {
    Platform p(config_from(tile_platform(1, 8, 8)));
    bool threw = false;
    run_job(p, [&](Controller& c) {
        try {
            c.read32(kTileBase + 0x300); // an unmapped register
        } catch (const BusError&) {
            threw = true;
        }
        // A window access running past the input vector.
        std::vector<float> big(9, 0.0f);
        EXPECT_THROW(c.write(kTileBase + crossbar::regs::INPUT.offset, big.data(), big.size() * 4),
                     BusError);
        // Outside every router range.
        EXPECT_THROW(c.read32(0x20), BusError);
    });
    EXPECT_TRUE(threw);
}

TEST(CrossbarTile, TwoTilesStartedTogetherFinishAtTheSlowerOnesTime) {
    // tile0 reads 8 input slices per multiply (1-bit DAC), tile1 reads one: different latencies.
    json doc = tile_platform(2, 64, 64);
    doc["components"][2].erase("count");
    doc["components"][2]["name"] = "tile0";
    doc["components"][2]["dac"]["bits"] = 1;
    doc["components"][2]["read_time"] = "100 ns";
    json second = doc["components"][2];
    second["name"] = "tile1";
    second["dac"]["bits"] = 8;
    doc["components"].push_back(second);
    doc["connections"][1] = {
        {"from", "bus.out"}, {"to", "tile0.in"}, {"base", "0x10000000"}, {"size", "4 MiB"}};
    doc["connections"].push_back(
        {{"from", "bus.out"}, {"to", "tile1.in"}, {"base", "0x10400000"}, {"size", "4 MiB"}});
    Platform p(config_from(doc));

    const std::vector<float> w = ramp(64 * 32, 1.0f);
    const std::vector<float> x = ramp(64, 1.0f);
    double t_parallel = 0, t_sequential = 0, lat0 = 0, lat1 = 0;
    run_job(p, [&](Controller& c) {
        CrossbarTileDriver a(c, kTileBase, "tile0"), b(c, kTileBase + kStride, "tile1");
        a.probe();
        b.probe();
        a.program(w.data(), 64, 32, 1.0f);
        b.program(w.data(), 64, 32, 1.0f);
        std::vector<float> y(32);
        // Sequential: each multiply is collected before the next starts.
        double t0 = c.now().to_seconds();
        a.start_mvm(x.data(), 64);
        a.collect(y.data(), 32);
        lat0 = c.read32(kTileBase + regmap::LAST_CYCLES.offset) * 1e-9;
        b.start_mvm(x.data(), 64);
        b.collect(y.data(), 32);
        lat1 = c.read32(kTileBase + kStride + regmap::LAST_CYCLES.offset) * 1e-9;
        t_sequential = c.now().to_seconds() - t0;
        // Parallel: both started, then both collected.
        t0 = c.now().to_seconds();
        a.start_mvm(x.data(), 64);
        b.start_mvm(x.data(), 64);
        a.collect(y.data(), 32);
        b.collect(y.data(), 32);
        t_parallel = c.now().to_seconds() - t0;
    });
    ASSERT_GT(lat0, 0);
    ASSERT_GT(lat1, 0);
    ASSERT_NE(lat0, lat1);
    // The sequential run pays both latencies; the parallel one only the slower, plus the same
    // bus transfers (which are far shorter than the faster tile's latency here).
    EXPECT_GE(t_sequential, lat0 + lat1);
    EXPECT_GE(t_parallel, std::max(lat0, lat1));
    // What the sequential run spent besides the two latencies: transfers and register reads.
    const double overhead = t_sequential - lat0 - lat1;
    EXPECT_LE(t_parallel, std::max(lat0, lat1) + overhead);
    EXPECT_LT(t_parallel, lat0 + lat1);
}

// One accounting rule: ADC energy, leakage, area and latency all count the same ADCs, and the
// ledger's prices are the circuit's energy table. An 8x8 differential tile has 4 logical columns,
// so with one ADC per column it has 4 ADCs (not 8, one per physical column).
TEST(CrossbarTile, EnergyLeakageAreaAndLatencyCountTheSameAdcs) {
    json doc = tile_platform(1, 8, 8,
                             {{"variation", false},
                              {"read_noise", false},
                              {"input_bits", 4},
                              {"read_time", "10 ns"},
                              {"adc",
                               {{"bits", 5},
                                {"shared_by_columns", 1},
                                {"leakage", "1 uW"},
                                {"area", "100 um^2"},
                                {"fom", "10 fJ"},
                                {"clock", "1 GHz"}}},
                              {"dac", {{"bits", 1}, {"area", "1 um^2"}, {"energy", "2 fJ"}}}});
    Platform p(config_from(doc));
    const auto* tile = dynamic_cast<const CrossbarTile*>(p.find("tile0"));
    ASSERT_NE(tile, nullptr);
    const Crossbar& xbar = tile->crossbar();
    ASSERT_EQ(xbar.logical_cols(), 4);
    ASSERT_EQ(xbar.adc_count(), 4);

    // Leakage: 4 ADCs x 1 uW and the other periphery's. Area: 64 cells (the ideal device has
    // none) + 4 ADCs + 8 drivers + 4 shift-adders (one per ADC) + 16 write drivers (8 word
    // lines, 8 bit lines); no column multiplexer with one column per ADC.
    const CrossbarSpec& s = xbar.spec();
    EXPECT_GT(s.periphery.leakage_W, 0.0);
    EXPECT_DOUBLE_EQ(tile->ledger().leakage_power_W(), 4 * 1e-6 + s.periphery.leakage_W);
    EXPECT_GT(s.shift_add.area_m2, 0.0);
    EXPECT_GT(s.periphery.write_driver_area_m2, 0.0);
    EXPECT_EQ(s.periphery.column_mux_area_m2, 0.0);
    EXPECT_DOUBLE_EQ(tile->area_m2(), 64 * s.cell.area_m2 + 4 * 100e-12 + 8 * 1e-12 +
                                          4 * s.shift_add.area_m2 +
                                          16 * s.periphery.write_driver_area_m2);

    // Prices in the ledger are the circuit's energy table.
    const EnergyTable table = xbar.energy_table();
    for (const ActionPrice& a : table) {
        const ActionRecord* r = tile->ledger().find(a.name);
        ASSERT_NE(r, nullptr) << a.name;
        EXPECT_EQ(r->energy_per_action_J, a.energy_J) << a.name;
    }
    EXPECT_DOUBLE_EQ(table[kAdcConversion].energy_J, 10e-15 * 32);
    EXPECT_DOUBLE_EQ(table[kDacConversion].energy_J, 2e-15);

    // Latency of one MVM on all 4 columns: 4 slices x (10 read cycles + 1 round of 4 ADCs x 5
    // cycles) + 1 shift-add drain = 61 cycles; 4 x 4 conversions.
    std::uint32_t cycles = 0;
    run_job(p, [&](Controller& c) {
        CrossbarTileDriver d(c, kTileBase, "tile0");
        d.probe();
        const std::vector<float> w(8 * 4, 0.5f);
        d.program(w.data(), 8, 4, 1.0f);
        const std::vector<float> x(8, 1.0f);
        std::vector<float> y(4);
        d.start_mvm(x.data(), 8);
        d.collect(y.data(), 4);
        cycles = c.read32(kTileBase + regmap::LAST_CYCLES.offset);
    });
    EXPECT_EQ(cycles, 4u * (10u + 5u) + 1u);
    EXPECT_EQ(tile->ledger().find("adc_conversion")->count, 4u * 4u);
    EXPECT_DOUBLE_EQ(tile->ledger().find("adc_conversion")->energy_J, 16 * 10e-15 * 32);
}

namespace {
/// The loader's memory estimate for a 64 x 64 tile with @p overrides against the bytes the
/// built tile holds (its model's matrices and its weights window, and the scratch of 40 reads
/// computed ahead and then read): it must cover them, and not by so much that it refuses
/// platforms that fit.
void expect_estimate_covers_the_tile(const json& overrides) {
    json doc = tile_platform(1, 64, 64, overrides);
    Platform p(config_from(doc));
    const auto* tile = dynamic_cast<const CrossbarTile*>(p.find("tile0"));
    ASSERT_NE(tile, nullptr);
    constexpr int kAhead = 40;
    const int cols = tile->crossbar().logical_cols();
    const std::vector<float> w = ramp(64 * static_cast<std::size_t>(cols), 1.0f);
    std::vector<float> x(static_cast<std::size_t>(kAhead) * 64),
        y(static_cast<std::size_t>(kAhead * cols));
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<float>((i * 37) % 101) / 101.0f - 0.3f;
    bool ahead = false;
    run_job(p, [&](Controller& c) {
        CrossbarTileDriver d(c, kTileBase, "tile0");
        d.probe();
        d.program(w.data(), 64, cols, 1.0f);
        d.set_input_range(1.0f);
        ahead = d.look_ahead(x.data(), kAhead, 64, y.data(), cols);
        for (int b = 0; b < 3; ++b) {
            d.start_mvm(x.data() + b * 64, 64);
            d.collect(y.data(), cols);
        }
    });
    EXPECT_TRUE(ahead);
    const double held =
        static_cast<double>(tile->crossbar().held_bytes()) + 64.0 * 64.0 * sizeof(float);
    json section;
    for (const auto& c : doc["components"])
        if (c["name"] == "tile") section = c;
    const Params params = Params::validate(section, CrossbarTile::param_table(), "test",
                                           "/components/1", {"name", "type", "count"});
    const double estimate =
        CrossbarTile::estimate_bytes(params) + kAhead * CrossbarTile::read_ahead_bytes(params);
    EXPECT_GE(estimate, held);
    EXPECT_LE(estimate, 2.0 * held);
}
} // namespace

TEST(CrossbarTile, TheMemoryEstimateCoversAnAnalogTile) {
    expect_estimate_covers_the_tile(json::object());
}

TEST(CrossbarTile, TheMemoryEstimateCoversABitSlicedTile) {
    expect_estimate_covers_the_tile({{"weight_bits", 8},
                                     {"mapping", "offset"},
                                     {"adc", {{"bits", 6}}},
                                     {"dac", {{"bits", 1}}}});
}

TEST(CrossbarTile, TheMemoryEstimateCoversADifferentialTile) {
    expect_estimate_covers_the_tile({{"mapping", "differential"}});
}
