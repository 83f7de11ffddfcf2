// hopfield_recall, validated against a hand-built platform (no SystemC): the array it uses,
// its pattern sets and its probes; every refusal a ConfigError at the JSON pointer of the
// offending key.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/workloads/hopfield_recall.h"
#include "neurotlm/workloads/npy.h"
#include "testing/paths.h"
#include "testing/platform_info.h"

using namespace neurotlm;
using neurotlm::testing::config_error_of;
using neurotlm::testing::ConfigFailure;
using neurotlm::testing::create_workload;
using neurotlm::testing::estimate_workload;
using neurotlm::testing::FakePlatform;
using neurotlm::testing::test_data;

namespace {

json recall(json extra = json::object()) {
    json w = {{"kind", "hopfield_recall"}};
    w.merge_patch(extra);
    return w;
}

/// One array "hop" of @p neurons with 2 memories of at most 4 patterns.
struct HopPlatform : FakePlatform {
    explicit HopPlatform(int neurons = 32) { hopfield("hop", neurons, 2, 4); }
};

ConfigFailure error_on(const FakePlatform& p, const json& w) {
    return config_error_of([&] { create_workload(w, p.info); });
}

} // namespace

TEST(HopfieldRecallWorkload, DefaultsStoreFourRandomPatternsInTheOnlyArray) {
    HopPlatform p;
    auto w = create_workload(recall(), p.info);
    const auto& hr = dynamic_cast<const HopfieldRecallWorkload&>(*w);
    ASSERT_EQ(hr.memories().size(), 1u);
    ASSERT_EQ(hr.memories()[0].patterns.size(), 4u);
    for (const auto& pat : hr.memories()[0].patterns) {
        ASSERT_EQ(pat.size(), 32u);
        for (auto v : pat)
            EXPECT_TRUE(v == 1 || v == -1);
    }
    // 4 patterns x 5 probes each (the default per_pattern).
    EXPECT_EQ(w->totals().items_requested, 20u);
    EXPECT_EQ(w->setup_phases(), std::vector<std::string>{"store"});
}

TEST(HopfieldRecallWorkload, RecallOrderAndProbesSetTheRequestedCount) {
    HopPlatform p;
    auto w = create_workload(recall({{"memories", {{{"count", 2}}, {{"count", 3}}}},
                                     {"recall", {1, 1, 0}},
                                     {"probes", {{"per_pattern", 2}}}}),
                             p.info);
    // memory 1 twice (3 patterns each) and memory 0 once (2 patterns), 2 probes a pattern.
    EXPECT_EQ(w->totals().items_requested, (3u + 3u + 2u) * 2u);
}

TEST(HopfieldRecallWorkload, TheArrayMustExistBeUniqueAndReachable) {
    {
        FakePlatform p;
        p.tile("tile0", 8, 8);
        const auto e = error_on(p, recall());
        EXPECT_EQ(e.pointer, "/workload/component") << e.what;
    }
    {
        FakePlatform p;
        p.hopfield("a", 32).hopfield("b", 32);
        auto e = error_on(p, recall());
        EXPECT_EQ(e.pointer, "/workload/component") << e.what;
        EXPECT_NE(e.expected.find("several"), std::string::npos) << e.what;
        EXPECT_NO_THROW(create_workload(recall({{"component", "b"}}), p.info));
    }
    {
        FakePlatform p;
        p.hopfield("hop", 32).tile("tile0", 8, 8);
        auto e = error_on(p, recall({{"component", "tile0"}}));
        EXPECT_EQ(e.pointer, "/workload/component") << e.what;
        EXPECT_NE(e.found.find("crossbar_tile"), std::string::npos) << e.what;
        e = error_on(p, recall({{"component", "nobody"}}));
        EXPECT_EQ(e.pointer, "/workload/component") << e.what;
    }
    {
        FakePlatform p;
        p.hopfield("hop", 32, 1, 256, /*reachable=*/false);
        const auto e = error_on(p, recall());
        EXPECT_EQ(e.pointer, "/workload/component") << e.what;
    }
}

TEST(HopfieldRecallWorkload, PatternSetsAreCheckedWithTheirPointers) {
    HopPlatform p(16);
    struct Case {
        json patch;
        const char* pointer;
    };
    const Case cases[] = {
        // More sets than the array's 2 memories; not an array; empty.
        {{{"memories", {{{"count", 1}}, {{"count", 1}}, {{"count", 1}}}}}, "/workload/memories"},
        {{{"memories", {{"count", 1}}}}, "/workload/memories"},
        {{{"memories", json::array()}}, "/workload/memories"},
        // Per set.
        {{{"memories", {{{"count", 0}}}}}, "/workload/memories/0/count"},
        {{{"memories", {{{"count", 1}}, {{"source", "disk"}}}}}, "/workload/memories/1/source"},
        {{{"memories", {{{"count", 1}, {"colour", "red"}}}}}, "/workload/memories/0/colour"},
        // max_patterns is 4: refused at the count, before the patterns are made.
        {{{"memories", {{{"count", 5}}}}}, "/workload/memories/0/count"},
        {{{"memories", {{{"source", "npy"}}}}}, "/workload/memories/0/file"},
        {{{"memories", {{{"source", "npy"}, {"file", test_data("bad_files/truncated.npy")}}}}},
         "/workload/memories/0/file"},
        {{{"memories", {{{"source", "idx"}, {"count", 2}}}}}, "/workload/memories/0/images"},
        {{{"memories", {{{"source", "idx"}, {"images", test_data("tiny/images-idx3-ubyte.gz")}}}}},
         "/workload/memories/0/count"},
        {{{"memories",
           {{{"source", "idx"}, {"images", test_data("tiny/absent.gz")}, {"count", 2}}}}},
         "/workload/memories/0/images"},
        {{{"memories",
           {{{"source", "idx"},
             {"images", test_data("tiny/images-idx3-ubyte.gz")},
             {"count", 2},
             {"threshold", 2}}}}},
         "/workload/memories/0/threshold"},
        // Recall order and probes.
        {{{"recall", {0, 1}}}, "/workload/recall/1"}, // one memory stored by default
        {{{"recall", {-1}}}, "/workload/recall/0"},
        {{{"recall", "all"}}, "/workload/recall"},
        {{{"probes", {{"flip_fraction", 1.5}}}}, "/workload/probes/flip_fraction"},
        {{{"probes", {{"corruption", "erase"}}}}, "/workload/probes/corruption"},
        {{{"probes", {{"per_pattern", 0}}}}, "/workload/probes/per_pattern"},
        {{{"component", 3}}, "/workload/component"},
    };
    for (const Case& c : cases) {
        const auto e = error_on(p, recall(c.patch));
        EXPECT_TRUE(e.thrown) << c.patch.dump() << " was accepted";
        EXPECT_EQ(e.pointer, c.pointer) << c.patch.dump() << ": " << e.what;
    }
}

TEST(HopfieldRecallWorkload, ImagesAndNpyRowsMustHaveOneValuePerNeuron) {
    // The tiny images are 4 x 4: 16 neurons take them, 32 do not.
    const json idx = {
        {"memories",
         {{{"source", "idx"}, {"images", test_data("tiny/images-idx3-ubyte.gz")}, {"count", 3}}}}};
    {
        HopPlatform p(16);
        auto w = create_workload(recall(idx), p.info);
        const auto& m = dynamic_cast<const HopfieldRecallWorkload&>(*w).memories();
        ASSERT_EQ(m.size(), 1u);
        EXPECT_EQ(m[0].patterns.size(), 3u);
        EXPECT_EQ(m[0].patterns[0].size(), 16u);
    }
    {
        HopPlatform p(32);
        const auto e = error_on(p, recall(idx));
        EXPECT_EQ(e.pointer, "/workload/memories/0/images") << e.what;
        EXPECT_NE(e.expected.find("32 pixels"), std::string::npos) << e.what;
    }
    // A 2 x 8 .npy: rows of 8 values, signs taken.
    const std::string dir = neurotlm::testing::scratch_dir("hopfield_workload");
    NpyArray a;
    a.shape = {2, 8};
    a.data = {1, -1, 2, -0.5f, 0.1f, -3, 1, 1, -1, -1, -1, -1, 1, 1, 1, 1};
    write_npy(dir + "/p.npy", a);
    const json npy = {{"memories", {{{"source", "npy"}, {"file", dir + "/p.npy"}}}}};
    {
        HopPlatform p(8);
        auto w = create_workload(recall(npy), p.info);
        const auto& m = dynamic_cast<const HopfieldRecallWorkload&>(*w).memories();
        ASSERT_EQ(m[0].patterns.size(), 2u);
        EXPECT_EQ(m[0].patterns[0], (HopfieldPattern{1, -1, 1, -1, 1, -1, 1, 1}));
        EXPECT_EQ(m[0].patterns[1], (HopfieldPattern{-1, -1, -1, -1, 1, 1, 1, 1}));
    }
    {
        HopPlatform p(16);
        const auto e = error_on(p, recall(npy));
        EXPECT_EQ(e.pointer, "/workload/memories/0/file") << e.what;
    }
}

TEST(HopfieldRecallWorkload, TheEstimateCountsThePatternSets) {
    // Generated outside every estimate, 64 sets of 65536 random patterns of 1024 neurons (4 GiB)
    // once passed a 3 GiB limit. A pattern is a byte a neuron plus its vector (40 bytes).
    FakePlatform p;
    p.hopfield("hop", 1024, 64, 65536);
    const json sets = json::array({{{"count", 65536}}, {{"count", 65536}}});
    const double two = estimate_workload(recall({{"memories", sets}}), p.info);
    EXPECT_GE(two, 2 * 65536 * (1024 + 40.0));
    json many = json::array();
    for (int k = 0; k < 64; ++k)
        many.push_back({{"count", 65536}});
    EXPECT_GT(estimate_workload(recall({{"memories", many}}), p.info), 4.0 * (1ull << 30));

    // An npy set counts its rows and the peak of reading the file, from the header alone; a
    // set the array cannot take is refused at its count before it is made.
    HopPlatform small(16);
    const json npy = {
        {"memories", {{{"source", "npy"}, {"file", test_data("fuzz/npy/f4_2x3.npy")}}}}};
    EXPECT_GT(estimate_workload(recall(npy), small.info), 0.0);
    const auto e = error_on(small, recall({{"memories", {{{"count", 60000}}}}}));
    EXPECT_EQ(e.pointer, "/workload/memories/0/count") << e.what;
}
