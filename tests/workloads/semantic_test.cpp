// Semantic vectors for early exits: pooling, the ternary policy, class prototypes from data
// (the quadrant images: each class's prototype is the nearest to its own images), and the file.

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"
#include "neurotlm/workloads/dataset.h"
#include "neurotlm/workloads/semantic.h"
#include "testing/paths.h"

using namespace neurotlm;

namespace {

/// 1x4x4 -> a 2x2 stride-2 convolution of ones into 2 channels (the second the negation) ->
/// dense 4: each output pixel is one quadrant's sum.
Network quadrant_net(const std::string& dir) {
    const json doc = {{"format", "neurotlm-network"},
                      {"version", 1},
                      {"name", "quadrants"},
                      {"input", {1, 4, 4}},
                      {"layers",
                       {{{"name", "c"},
                         {"type", "conv2d"},
                         {"outputs", 2},
                         {"kernel", 2},
                         {"stride", 2},
                         {"weights", json::parse("[[[[1, 1], [1, 1]]], [[[-1, -1], [-1, -1]]]]")}},
                        {{"name", "fc"}, {"outputs", 4}, {"weights", {{"random", "uniform"}}}}}}};
    std::ofstream(dir + "/quadrants.json") << doc.dump();
    return load_network(dir + "/quadrants.json");
}

} // namespace

TEST(Semantic, PoolingAveragesEachCellOfTheGrid) {
    Layer L;
    L.name = "x";
    L.out_shape = {2, 4, 3};
    std::vector<float> y(24);
    for (std::size_t i = 0; i < y.size(); ++i)
        y[i] = static_cast<float>(i);
    // grid 1: each channel's mean (0..11 -> 5.5, 12..23 -> 17.5).
    EXPECT_EQ(pool_features(L, y.data(), 1), (std::vector<float>{5.5f, 17.5f}));
    // grid 2: rows [0, 2) [2, 4), columns [0, 1) [1, 3): channel 0 cells
    // {0, 3} -> 1.5, {1, 2, 4, 5} -> 3, {6, 9} -> 7.5, {7, 8, 10, 11} -> 9.
    const std::vector<float> g = pool_features(L, y.data(), 2);
    ASSERT_EQ(g.size(), 8u);
    EXPECT_EQ(std::vector<float>(g.begin(), g.begin() + 4),
              (std::vector<float>{1.5f, 3.0f, 7.5f, 9.0f}));
    EXPECT_EQ(g[4], 13.5f);
    EXPECT_THROW(pool_features(L, y.data(), 4), InputError); // 4 columns of a 3-wide map
    EXPECT_THROW(pool_features(L, y.data(), 0), InputError);
}

TEST(Semantic, ValuesOutsideTheBandAroundTheMeanAreBitsTheRestDontCare) {
    SemanticExit e;
    e.spec.delta = 0.5;
    e.mean = {0.0f, 0.0f, 0.0f, 10.0f};
    e.sd = {2.0f, 2.0f, 2.0f, 0.0f};
    // band +-1 around 0 (three values), none around 10.
    const float v[4] = {1.5f, -1.5f, 0.5f, 10.0f};
    EXPECT_EQ(semantic_vector(e, v).str(), "10XX");
    const float w[4] = {0.0f, 0.0f, -3.0f, 10.5f};
    EXPECT_EQ(semantic_vector(e, w).str(), "XX01");
}

TEST(Semantic, EachQuadrantsPrototypeIsTheNearestToItsOwnImages) {
    const std::string dir = neurotlm::testing::scratch_dir("semantic");
    const Network net = quadrant_net(dir);
    const Dataset data = load_idx(neurotlm::testing::test_data("tiny/images-idx3-ubyte.gz"),
                                  neurotlm::testing::test_data("tiny/labels-idx1-ubyte.gz"));
    const SemanticMemory mem = build_semantic_memory(net, data, {{"c", 2, 0.5}});
    ASSERT_EQ(mem.exits.size(), 1u);
    const SemanticExit& e = mem.exits[0];
    EXPECT_EQ(e.bits(), 8); // 2 channels x 2x2 cells
    ASSERT_EQ(e.prototypes.size(), 4u);
    int per_class_total = 0;
    for (int n : e.class_images)
        per_class_total += n;
    EXPECT_EQ(per_class_total, data.count);
    // Every image's vector is nearest (Hamming distance over the bits both care about) to its
    // class's prototype.
    int right = 0;
    for (int i = 0; i < data.count; ++i) {
        const std::vector<std::vector<float>> outs = forward_layers(net, data.image(i));
        const std::vector<float> p = pool_features(net.layers[0], outs[0].data(), 2);
        const TernaryWord key = semantic_vector(e, p.data());
        int best = -1, best_d = 1 << 20;
        for (int c = 0; c < 4; ++c) {
            const int d = hamming_distance(e.prototypes[static_cast<std::size_t>(c)], key);
            if (d < best_d) {
                best_d = d;
                best = c;
            }
        }
        right += best == data.labels[static_cast<std::size_t>(i)];
    }
    EXPECT_GE(right, data.count * 9 / 10) << right << " of " << data.count;
    EXPECT_DOUBLE_EQ(e.train_match, static_cast<double>(right) / data.count);
    EXPECT_GT(e.mean_cared, 0.0);
    EXPECT_LE(e.mean_cared, 8.0);

    // The file keeps it; it is checked against the network it is for.
    save_semantic_memory(mem, dir + "/mem.json");
    const SemanticMemory back = load_semantic_memory(dir + "/mem.json", net);
    ASSERT_EQ(back.exits.size(), 1u);
    EXPECT_EQ(back.exits[0].prototypes, e.prototypes);
    EXPECT_EQ(back.exits[0].mean, e.mean);
    EXPECT_EQ(back.exits[0].spec.grid, 2);
    json doc = json::parse(std::ifstream(dir + "/mem.json"));
    doc["exits"][0]["prototypes"][1] = "01";
    std::ofstream(dir + "/bad.json") << doc.dump();
    try {
        load_semantic_memory(dir + "/bad.json", net);
        FAIL() << "a prototype of the wrong width loaded";
    } catch (const ConfigError& err) {
        EXPECT_EQ(err.pointer(), "/exits/0/prototypes/1");
    }
    EXPECT_THROW(build_semantic_memory(net, data, {{"nope", 1, 0.5}}), InputError);
    EXPECT_THROW(build_semantic_memory(net, data, {{"c", 3, 0.5}}), InputError); // 2x2 map
}
