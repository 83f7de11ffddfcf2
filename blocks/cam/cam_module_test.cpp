// CamBlock: through its driver the block gives the decisions and distances of its model and books
// the model's costs; refused commands give the block's error codes.
#include "neurotlm/blocks/cam/cam_module.h"

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/blocks/cam/cam_driver.h"
#include "neurotlm/blocks/cam/cam_registers.h"
#include "neurotlm/blocks/controller/controller_module.h"
#include "neurotlm/core/error.h"
#include "neurotlm/devices/technology.h"
#include "testing/platforms.h"

using namespace neurotlm;
using neurotlm::testing::config_from;
using neurotlm::testing::run_job;

namespace {

constexpr std::uint64_t kCamBase = 0x20000000;

json cam_platform(json cam) {
    json c = {{"name", "cam"}, {"type", "cam_array"}};
    if (cam.is_object()) c.merge_patch(cam);
    return {
        {"neurotlm", 1},
        {"name", "test"},
        {"seed", 9},
        {"components",
         {{{"name", "ctrl"}, {"type", "controller"}}, {{"name", "bus"}, {"type", "router"}}, c}},
        {"connections",
         {{{"from", "ctrl.out"}, {"to", "bus.in"}},
          {{"from", "bus.out"}, {"to", "cam.in"}, {"base", "0x20000000"}}}}};
}

TernaryWord cam_mod_random(int bits, RngStream& r, double x_fraction) {
    TernaryWord w(bits);
    for (int i = 0; i < bits; ++i)
        if (r.uniform() >= x_fraction) w.set(i, r.bernoulli(0.5) ? Trit::one : Trit::zero);
    return w;
}

} // namespace

TEST(CamBlock, SearchesThroughTheDriverGiveTheModelsResultsAndCosts) {
    // Variation and noise well above the defaults, so the sensed distances differ from the
    // exact ones and the block must follow the model's streams draw for draw.
    Platform p(config_from(cam_platform(
        {{"words", 24}, {"bits", 40}, {"variation_sigma", 0.15}, {"sense_noise", "3 mV"}})));
    const auto* cam = dynamic_cast<const CamBlock*>(p.find("cam"));
    ASSERT_NE(cam, nullptr);
    CamArray reference(cam->spec(), RngStream(9, "cam").derive("array"));

    RngStream r(4, "cam-block");
    std::vector<TernaryWord> words, keys;
    for (int w = 0; w < 20; ++w) // words 20-23 stay unwritten
        words.push_back(cam_mod_random(40, r, w % 4 == 0 ? 0.3 : 0.0));
    words.push_back(cam_mod_random(40, r, 0.0)); // word 3 rewritten: SETs and RESETs
    for (int k = 0; k < 12; ++k)
        keys.push_back(cam_mod_random(40, r, k % 3 == 0 ? 0.25 : 0.0));
    const CamQuery queries[] = {{CamMode::exact, 0, 1},
                                {CamMode::best, 0, 1},
                                {CamMode::threshold, 12, 1},
                                {CamMode::top2, 0, 2}};

    std::vector<CamSearchResult> want;
    double search_J = 0.0, write_J = 0.0;
    int sets = 0, resets = 0;
    for (std::size_t w = 0; w < words.size(); ++w) {
        const CamWriteCost c = reference.write(w < 20 ? static_cast<int>(w) : 3, words[w]);
        write_J += cam_write_energy_J(reference.spec(), c);
        sets += c.sets;
        resets += c.resets;
    }
    for (std::size_t k = 0; k < keys.size(); ++k) {
        want.push_back(reference.search(keys[k], queries[k % 4]));
        search_J += cam_search_energy_J(reference.spec(), want.back());
    }

    std::vector<CamDriver::Result> got;
    run_job(p, [&](Controller& c) {
        CamDriver d(c, kCamBase, "cam");
        d.probe();
        EXPECT_EQ(d.words(), 24);
        EXPECT_EQ(d.bits(), 40);
        for (std::size_t w = 0; w < words.size(); ++w)
            d.write(w < 20 ? static_cast<int>(w) : 3, words[w]);
        for (std::size_t k = 0; k < keys.size(); ++k)
            got.push_back(d.search(keys[k], queries[k % 4]));
    });
    ASSERT_EQ(got.size(), want.size());
    int misread = 0;
    for (std::size_t k = 0; k < got.size(); ++k) {
        SCOPED_TRACE(k);
        EXPECT_EQ(got[k].distances, want[k].distances);
        EXPECT_EQ(got[k].matched, want[k].matched);
        EXPECT_EQ(got[k].found, want[k].found);
        EXPECT_EQ(got[k].confident, want[k].confident);
        EXPECT_EQ(got[k].best, want[k].best);
        EXPECT_EQ(got[k].best_distance, want[k].best_distance);
        EXPECT_EQ(got[k].second, want[k].second);
        EXPECT_EQ(got[k].second_distance, want[k].second_distance);
        EXPECT_EQ(got[k].matches, want[k].matches);
        EXPECT_EQ(got[k].sense_errors, want[k].sense_errors);
        EXPECT_EQ(got[k].distances[22], -1); // never written
        misread += want[k].sense_errors;
    }
    EXPECT_GT(misread, 0); // the comparison covered variation, not only ideal sensing
    // The ledger holds the model's costs.
    const EnergyLedger& l = cam->ledger();
    double booked_search = 0.0;
    for (const char* a : {"search_line", "match_line", "sense", "reference_ladder", "resolve"})
        booked_search += l.find(a)->energy_J;
    EXPECT_NEAR(booked_search, search_J, 1e-9 * search_J);
    EXPECT_EQ(l.find("cell_set")->count, static_cast<std::uint64_t>(sets));
    EXPECT_EQ(l.find("cell_reset")->count, static_cast<std::uint64_t>(resets));
    EXPECT_NEAR(l.find("cell_set")->energy_J + l.find("cell_reset")->energy_J +
                    l.find("write_latch")->energy_J,
                write_J, 1e-9 * write_J);
    EXPECT_EQ(l.find("sense")->count, 12u * 20u);
    EXPECT_EQ(l.find("key_latch")->count, 12u);
    EXPECT_EQ(l.find("match_line")->energy_class, energy_class::array);
    // Leakage and area from the spec, at the platform's 45 nm preset.
    EXPECT_DOUBLE_EQ(l.leakage_power_W(), cam->spec().leakage_W());
    EXPECT_DOUBLE_EQ(cam->area_m2(), cam->spec().area_m2());
    EXPECT_EQ(cam->spec().technology.node_m, Technology::preset("45nm")->node_m);
}

TEST(CamBlock, ASearchTakesItsModelsCycles) {
    Platform p(config_from(cam_platform({{"words", 8}, {"bits", 16}})));
    const auto* cam = dynamic_cast<const CamBlock*>(p.find("cam"));
    std::uint32_t search_cycles = 0, write_cycles = 0;
    run_job(p, [&](Controller& c) {
        CamDriver d(c, kCamBase, "cam");
        d.probe();
        d.write(0, TernaryWord::parse("0101010101010101"));
        write_cycles = c.read32(kCamBase + regmap::LAST_CYCLES.offset);
        d.search(TernaryWord::parse("0101010101010101"), {CamMode::exact, 0, 1});
        search_cycles = c.read32(kCamBase + regmap::LAST_CYCLES.offset);
    });
    EXPECT_EQ(search_cycles, cam->spec().search_cycles());
    EXPECT_EQ(write_cycles, cam->spec().write_cycles(8, 0)); // 8 SETs: one phase
}

TEST(CamBlock, RefusedCommandsGiveTheBlocksErrorCodes) {
    Platform p(config_from(cam_platform({{"words", 4}, {"bits", 8}})));
    namespace r = cam::regs;
    run_job(p, [&](Controller& c) {
        const auto error_after = [&](std::uint32_t code) {
            c.write32(kCamBase + regmap::CTRL.offset, code);
            EXPECT_TRUE(c.read32(kCamBase + regmap::STATUS.offset) & regmap::kStatusError);
            return c.read32(kCamBase + regmap::ERROR_CODE.offset);
        };
        EXPECT_EQ(c.read32(kCamBase + regmap::TYPE.offset), r::kTypeCode);
        CamDriver d(c, kCamBase, "cam");
        d.probe();
        // A search before any key is latched.
        EXPECT_EQ(error_after(r::SEARCH.value), r::kErrNoKey.value);
        EXPECT_THROW(d.search({CamMode::best, 0, 1}), BusError);
        EXPECT_EQ(d.last_error(), r::kErrNoKey.value);
        // A word beyond the array.
        EXPECT_THROW(d.write(4, TernaryWord::parse("01010101")), BusError);
        EXPECT_EQ(d.last_error(), r::kErrBadWord.value);
        c.write32(kCamBase + r::WORD_INDEX.offset, 99);
        EXPECT_EQ(error_after(r::WRITE.value), r::kErrBadWord.value);
        d.write(1, TernaryWord::parse("01010101"));
        d.load_key(TernaryWord::parse("01010100"));
        // A mode that does not exist; a threshold or margin beyond the word.
        c.write32(kCamBase + r::MODE.offset, 4);
        EXPECT_EQ(error_after(r::SEARCH.value), r::kErrBadMode.value);
        c.write32(kCamBase + r::MODE.offset, 2);
        c.write32(kCamBase + r::THRESHOLD.offset, 9);
        EXPECT_EQ(error_after(r::SEARCH.value), r::kErrBadThreshold.value);
        EXPECT_THROW(d.search({CamMode::top2, 0, 9}), BusError);
        EXPECT_EQ(d.last_error(), r::kErrBadThreshold.value);
        EXPECT_EQ(error_after(7), regmap::kErrBadCommand.value);
        // A word or key of the wrong width never reaches the bus.
        EXPECT_THROW(d.write(0, TernaryWord::parse("0101")), BusError);
        // After the refusals, a good search works.
        const CamDriver::Result res = d.search({CamMode::threshold, 1, 1});
        EXPECT_TRUE(res.found);
        EXPECT_EQ(res.best, 1);
        EXPECT_EQ(res.best_distance, 1);
        EXPECT_EQ(res.distances, (std::vector<int>{-1, 1, -1, -1}));
    });
}

namespace {
/// The pointer and message of the ConfigError building a platform with @p cam throws. One per
/// test: a platform that failed half-built leaves its SystemC objects behind.
std::pair<std::string, std::string> cam_failure(json cam) {
    try {
        Platform p(config_from(cam_platform(std::move(cam))));
    } catch (const ConfigError& e) {
        return {e.pointer(), e.what()};
    }
    return {"", "no error"};
}
} // namespace

TEST(CamBlock, AnEvaluationTimeThatDrainsTheLineIsAConfigurationError) {
    // Too long: the message is the model's, with the largest evaluation time that would do.
    const auto [pointer, what] = cam_failure({{"eval_time", "10 ns"}});
    EXPECT_EQ(pointer, "/components/2/eval_time");
    CamSpec d;
    d.technology = *Technology::preset("45nm");
    char hi[32];
    std::snprintf(hi, sizeof hi, "at most %.4g ns", d.eval_time_range().hi_s * 1e9);
    EXPECT_NE(what.find(hi), std::string::npos) << what;
}

TEST(CamBlock, AWidthNoEvaluationTimeCanCountBlamesTheNoise) {
    const auto [pointer, what] = cam_failure({{"bits", 4096}});
    EXPECT_EQ(pointer, "/components/2/sense_noise");
    EXPECT_NE(what.find("no eval_time"), std::string::npos) << what;
}

namespace {
/// Forwards to the controller and counts the bytes read.
class CamCountingBus : public Initiator {
public:
    explicit CamCountingBus(Initiator& bus) : m_bus(bus) {}
    void write(std::uint64_t a, const void* d, std::size_t n) override { m_bus.write(a, d, n); }
    void read(std::uint64_t a, void* d, std::size_t n) override {
        m_bus.read(a, d, n);
        bytes_read += n;
    }
    std::size_t bytes_read = 0;

private:
    Initiator& m_bus;
};
} // namespace

TEST(CamBlock, ASearchReadsBackOnlyTheWindowsAskedFor) {
    // 40 words: DISTANCES is 40 words, MATCHES 2 (40 bits).
    Platform p(config_from(cam_platform({{"words", 40}, {"bits", 16}})));
    run_job(p, [&](Controller& c) {
        CamCountingBus bus(c);
        CamDriver d(bus, kCamBase, "cam");
        d.probe();
        d.write(0, TernaryWord::parse("0101010101010101"));
        d.write(1, TernaryWord::parse("0101010101010111"));
        d.load_key(TernaryWord::parse("0101010101010111"));
        const CamQuery q{CamMode::threshold, 1, 1};
        const auto read_by = [&](CamDriver::Readback what, CamDriver::Result& res) {
            const std::size_t before = bus.bytes_read;
            res = d.search(q, what);
            return bus.bytes_read - before;
        };
        CamDriver::Result only, dist, match, all;
        // STATUS after the command, then the seven result registers.
        const std::size_t result = read_by(CamDriver::kResultOnly, only);
        EXPECT_EQ(result, 8u * 4u);
        EXPECT_TRUE(only.distances.empty());
        EXPECT_TRUE(only.matched.empty());
        EXPECT_EQ(only.best, 1);
        EXPECT_EQ(only.matches, 2);
        EXPECT_EQ(read_by({true, false}, dist), result + 40u * 4u);
        EXPECT_EQ(dist.distances.size(), 40u);
        EXPECT_TRUE(dist.matched.empty());
        EXPECT_EQ(read_by({false, true}, match), result + 2u * 4u);
        EXPECT_EQ(match.matched.size(), 40u);
        EXPECT_TRUE(match.distances.empty());
        EXPECT_EQ(read_by({}, all), result + 42u * 4u); // the default reads both
        EXPECT_EQ(all.distances[0], 1);
        EXPECT_TRUE(all.matched[0] && all.matched[1]);
    });
}
