// mlp_inference, validated against a hand-built platform (no SystemC): every refusal is a
// ConfigError at the JSON pointer of the offending workload key, and the layer-to-tile mapping
// follows from the tile size by hand.

#include <cmath>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "neurotlm/workloads/mlp_inference.h"
#include "testing/paths.h"
#include "testing/platform_info.h"

using namespace neurotlm;
using neurotlm::testing::config_error_of;
using neurotlm::testing::create_workload;
using neurotlm::testing::FakePlatform;
using neurotlm::testing::test_data;

namespace {

/// The tiny 16-12-4 network and its 40-image 4x4 dataset (tests/data).
json tiny_mlp(json extra = json::object()) {
    json w = {{"kind", "mlp_inference"},
              {"network", test_data("networks/tiny.json")},
              {"dataset",
               {{"images", test_data("tiny/images-idx3-ubyte.gz")},
                {"labels", test_data("tiny/labels-idx1-ubyte.gz")},
                {"limit", 0}}},
              {"calibration_images", 4}};
    w.merge_patch(extra);
    return w;
}

/// @p n tiles tile0.. of 16 x 16 cells: 16 inputs, 8 outputs (differential).
void add_tiles(FakePlatform& p, int n) {
    for (int i = 0; i < n; ++i)
        p.tile("tile" + std::to_string(i), 16, 16);
}

/// A network file of @p inputs -> @p outputs (one dense layer of small weights, times
/// @p scale).
std::string write_network(const std::string& dir, int inputs, int outputs, double scale = 1.0) {
    json w = json::array();
    for (int o = 0; o < outputs; ++o) {
        json row = json::array();
        for (int i = 0; i < inputs; ++i)
            row.push_back(scale * (0.01 * ((o + i) % 5) - 0.02));
        w.push_back(row);
    }
    json net = {{"format", "neurotlm-network"},
                {"version", 1},
                {"name", "made"},
                {"input", inputs},
                {"layers",
                 {{{"name", "fc"},
                   {"type", "dense"},
                   {"outputs", outputs},
                   {"activation", "none"},
                   {"weights", w}}}}};
    const std::string path = dir + "/net_" + std::to_string(inputs) + "_" +
                             std::to_string(outputs) + (scale != 1.0 ? "_scaled" : "") + ".json";
    std::ofstream(path) << net.dump();
    return path;
}

} // namespace

TEST(MlpInferenceWorkload, MapsTheTinyNetworkOntoFiveTilesAsHandCounted) {
    // fc1: 16 inputs + a bias row = 17 rows -> 2 row blocks of 16 and 1; 12 outputs -> 2 column
    // blocks of 8 and 4. fc2: 12 + 1 = 13 rows -> 1 block; 4 outputs -> 1. 4 + 1 = 5 tiles.
    FakePlatform p;
    add_tiles(p, 5);
    auto w = create_workload(tiny_mlp(), p.info);
    auto* mlp = dynamic_cast<MlpInference*>(w.get());
    ASSERT_NE(mlp, nullptr);
    const auto& map = mlp->mapping();
    ASSERT_EQ(map.size(), 2u);
    EXPECT_EQ(map[0].row_blocks, 2);
    EXPECT_EQ(map[0].col_blocks, 2);
    ASSERT_EQ(map[0].blocks.size(), 4u);
    EXPECT_EQ(map[0].blocks[0].rows, 16);
    EXPECT_EQ(map[0].blocks[0].cols, 8);
    EXPECT_EQ(map[0].blocks[1].col0, 8);
    EXPECT_EQ(map[0].blocks[1].cols, 4);
    EXPECT_EQ(map[0].blocks[2].row0, 16);
    EXPECT_EQ(map[0].blocks[2].rows, 1); // the bias row alone
    EXPECT_EQ(map[1].row_blocks, 1);
    ASSERT_EQ(map[1].blocks.size(), 1u);
    EXPECT_EQ(map[1].blocks[0].rows, 13);
    EXPECT_EQ(map[1].blocks[0].cols, 4);
    EXPECT_EQ(map[1].blocks[0].tile, "tile4");
    // The tile's DAC and input precision are taken from its parameters.
    EXPECT_EQ(map[0].blocks[0].input_bits, 8);
    EXPECT_EQ(map[0].blocks[0].dac_bits, 1);
    EXPECT_EQ(w->totals().items_requested, 40u);
}

TEST(MlpInferenceWorkload, TooFewTilesNamesHowManyAreNeeded) {
    FakePlatform p;
    add_tiles(p, 4);
    const auto e = config_error_of([&] { create_workload(tiny_mlp(), p.info); });
    ASSERT_TRUE(e.thrown) << e.what;
    EXPECT_EQ(e.file, "platform.json");
    EXPECT_EQ(e.pointer, "/workload/tiles");
    EXPECT_NE(e.expected.find("5 tiles of 16x8"), std::string::npos) << e.what;
    EXPECT_NE(e.found.find("4 tiles"), std::string::npos) << e.what;
}

TEST(MlpInferenceWorkload, KeysAreCheckedWithTheirPointers) {
    FakePlatform p;
    add_tiles(p, 5);
    struct Case {
        json patch;
        const char* pointer;
    };
    const Case cases[] = {
        {{{"bogus", 1}}, "/workload/bogus"},
        {{{"dataset", {{"limit", -1}}}}, "/workload/dataset/limit"},
        {{{"dataset", {{"format", "csv"}}}}, "/workload/dataset/format"},
        {{{"calibration_images", 0}}, "/workload/calibration_images"},
        {{{"adc_range_margin", 0}}, "/workload/adc_range_margin"},
        {{{"software_reference", "yes"}}, "/workload/software_reference"},
        {{{"network", 3}}, "/workload/network"},
        {{{"network", test_data("networks/absent.json")}}, "/workload/network"},
        {{{"network", test_data("networks/truncated_weights.json")}}, "/workload/network"},
        {{{"dataset", {{"images", test_data("tiny/absent.gz")}}}}, "/workload/dataset/images"},
        {{{"dataset", {{"images", test_data("bad_files/truncated-images.gz")}}}},
         "/workload/dataset/images"},
        {{{"tiles", "nothing"}}, "/workload/tiles"},
        {{{"dataset", {{"resize", {{"height", 2}}}}}}, "/workload/dataset/resize/width"},
        {{{"dataset", {{"resize", {{"height", 0}, {"width", -2}}}}}},
         "/workload/dataset/resize/width"},
        {{{"dataset", {{"binarize", {{"threshold", 2}}}}}}, "/workload/dataset/binarize/threshold"},
        {{{"dataset", {{"binarize", {{"high", 2}}}}}}, "/workload/dataset/binarize/threshold"},
        {{{"dataset", {{"binarize", {{"threshold", 0.5}, {"low", 1}}}}}},
         "/workload/dataset/binarize/low"},
    };
    for (const Case& c : cases) {
        const auto e = config_error_of([&] { create_workload(tiny_mlp(c.patch), p.info); });
        EXPECT_TRUE(e.thrown) << c.patch.dump() << ": " << e.what;
        EXPECT_EQ(e.pointer, c.pointer) << c.patch.dump() << ": " << e.what;
    }
}

TEST(MlpInferenceWorkload, TheAdcRangeMarginIsBetweenAHundredthAndAHundred) {
    // 1e-300 became float 0 (the "automatic" range) and 1e-30 clipped every sum: both ran, with
    // 84.7% and 10.7% accuracy. Margins outside [0.01, 100] are refused with the reason.
    FakePlatform p;
    add_tiles(p, 5);
    for (double bad : {1e-300, 1e-30, 0.009, 100.5, 1e3}) {
        const auto e = config_error_of([&] {
            create_workload(tiny_mlp({{"adc_range_margin", bad}}), p.info);
        });
        EXPECT_TRUE(e.thrown) << bad;
        EXPECT_EQ(e.pointer, "/workload/adc_range_margin") << e.what;
        EXPECT_NE(e.expected.find("[0.01, 100]"), std::string::npos) << e.what;
        EXPECT_NE(e.expected.find("clips"), std::string::npos) << e.what;
    }
    for (double good : {0.01, 1.0, 100.0})
        EXPECT_NO_THROW(create_workload(tiny_mlp({{"adc_range_margin", good}}), p.info)) << good;
}

TEST(MlpInferenceWorkload, PartialSumsBeyondFloat32AreRefusedBeforeTheRun) {
    // Weights up to 2e37 times pixels up to 1 sum to ~1e38 over 16 inputs: the tiles' float32
    // outputs and ADC ranges would be infinite (null in the report). Refused at the network.
    FakePlatform p;
    add_tiles(p, 5);
    const std::string huge =
        write_network(neurotlm::testing::scratch_dir("mlp-overflow"), 16, 4, 1e39);
    const auto e = config_error_of([&] { create_workload(tiny_mlp({{"network", huge}}), p.info); });
    ASSERT_TRUE(e.thrown);
    EXPECT_EQ(e.pointer, "/workload/network") << e.what;
    EXPECT_NE(e.expected.find("float32"), std::string::npos) << e.what;
    EXPECT_NE(e.found.find("layer fc"), std::string::npos) << e.what;
    // Weights up to 2e28 leave the headroom: accepted, with finite ADC ranges.
    const std::string big = write_network(neurotlm::testing::scratch_dir("mlp-big"), 16, 4, 1e30);
    auto w = create_workload(tiny_mlp({{"network", big}}), p.info);
    for (const auto& layer : dynamic_cast<MlpInference*>(w.get())->mapping())
        for (const auto& b : layer.blocks)
            EXPECT_TRUE(std::isfinite(b.y_max));
}

TEST(MlpInferenceWorkload, TheDatasetIsPreprocessedBeforeTheNetworkSeesIt) {
    FakePlatform p;
    add_tiles(p, 5);
    // Binarised 4x4 images still fit the 16-input network.
    EXPECT_NO_THROW(create_workload(
        tiny_mlp({{"dataset", {{"binarize", {{"threshold", 0.5}, {"low", -1}}}}}}), p.info));
    // Resized to 2x2 they no longer do: said at the images, naming the resize.
    const auto e = config_error_of([&] {
        create_workload(tiny_mlp({{"dataset", {{"resize", {{"height", 2}, {"width", 2}}}}}}),
                        p.info);
    });
    ASSERT_TRUE(e.thrown);
    EXPECT_EQ(e.pointer, "/workload/dataset/images") << e.what;
    EXPECT_NE(e.expected.find("dataset.resize"), std::string::npos) << e.what;
    EXPECT_NE(e.found.find("2x2"), std::string::npos) << e.what;
}

TEST(MlpInferenceWorkload, AnOffsetPastTheLastImageIsRefused) {
    FakePlatform p;
    add_tiles(p, 5);
    // 40 images: offset 39 leaves one, 40 leaves none.
    EXPECT_NO_THROW(create_workload(tiny_mlp({{"dataset", {{"offset", 39}}}}), p.info));
    const auto e = config_error_of([&] {
        create_workload(tiny_mlp({{"dataset", {{"offset", 40}}}}), p.info);
    });
    ASSERT_TRUE(e.thrown) << e.what;
    EXPECT_EQ(e.pointer.rfind("/workload/dataset/", 0), 0u) << e.what;
    EXPECT_NE(e.what.find("offset"), std::string::npos) << e.what;
}

TEST(MlpInferenceWorkload, TheNetworkIsRequired) {
    FakePlatform p;
    add_tiles(p, 5);
    json w = tiny_mlp();
    w.erase("network");
    const auto e = config_error_of([&] { create_workload(w, p.info); });
    ASSERT_TRUE(e.thrown);
    EXPECT_EQ(e.pointer, "/workload/network") << e.what;
}

TEST(MlpInferenceWorkload, TheTilesMustBeReachableCrossbarTilesOfOneSize) {
    {
        FakePlatform p;
        add_tiles(p, 4);
        p.tile("tile4", 16, 32); // 16 outputs, not 8
        const auto e = config_error_of([&] { create_workload(tiny_mlp(), p.info); });
        EXPECT_EQ(e.pointer, "/workload/tiles") << e.what;
        EXPECT_NE(e.expected.find("one size"), std::string::npos) << e.what;
    }
    {
        FakePlatform p;
        add_tiles(p, 4);
        p.tile("tile4", 16, 16, /*reachable=*/false);
        const auto e = config_error_of([&] { create_workload(tiny_mlp(), p.info); });
        EXPECT_EQ(e.pointer, "/workload/tiles") << e.what;
        EXPECT_NE(e.found.find("tile4"), std::string::npos) << e.what;
    }
    {
        FakePlatform p;
        add_tiles(p, 5);
        p.hopfield("tile5", 32);
        const auto e = config_error_of([&] {
            create_workload(tiny_mlp({{"tiles", "tile"}}), p.info);
        });
        EXPECT_EQ(e.pointer, "/workload/tiles") << e.what;
        EXPECT_NE(e.found.find("hopfield_array"), std::string::npos) << e.what;
    }
    {
        FakePlatform p; // no tiles at all
        p.other("ctrl", "controller");
        const auto e = config_error_of([&] { create_workload(tiny_mlp(), p.info); });
        EXPECT_EQ(e.pointer, "/workload/tiles") << e.what;
    }
    {
        // A named group uses only its members.
        FakePlatform p;
        add_tiles(p, 2);
        for (int i = 0; i < 5; ++i)
            p.tile("big" + std::to_string(i), 16, 16);
        auto w = create_workload(tiny_mlp({{"tiles", "big"}}), p.info);
        const auto& map = dynamic_cast<const MlpInference&>(*w).mapping();
        EXPECT_EQ(map[0].blocks[0].tile, "big0");
        EXPECT_EQ(map[1].blocks[0].tile, "big4");
    }
}

TEST(MlpInferenceWorkload, TheDatasetMustFitTheNetwork) {
    const std::string dir = neurotlm::testing::scratch_dir("mlp_workload");
    FakePlatform p;
    add_tiles(p, 5);
    // 9 inputs against 4x4 = 16-pixel images.
    auto e = config_error_of([&] {
        create_workload(tiny_mlp({{"network", write_network(dir, 9, 4)}}), p.info);
    });
    EXPECT_EQ(e.pointer, "/workload/dataset/images") << e.what;
    EXPECT_NE(e.expected.find("9 pixels"), std::string::npos) << e.what;
    // Two outputs, but the labels run 0..3.
    e = config_error_of([&] {
        create_workload(tiny_mlp({{"network", write_network(dir, 16, 2)}}), p.info);
    });
    EXPECT_EQ(e.pointer, "/workload/dataset/labels") << e.what;
    // Without labels the same network is fine (no accuracy then).
    EXPECT_NO_THROW(create_workload(
        tiny_mlp({{"network", write_network(dir, 16, 2)}, {"dataset", {{"labels", ""}}}}), p.info));
}

TEST(MlpInferenceWorkload, RelativePathsResolveAgainstTheConfigFolder) {
    FakePlatform p("dir/platform.json", test_data("good"));
    add_tiles(p, 5);
    json w = tiny_mlp();
    w["network"] = "../networks/tiny.json";
    w["dataset"]["images"] = "../tiny/images-idx3-ubyte.gz";
    w["dataset"]["labels"] = "../tiny/labels-idx1-ubyte.gz";
    EXPECT_NO_THROW(create_workload(w, p.info));
    w["network"] = "networks/tiny.json"; // relative to tests/data/good: absent
    const auto e = config_error_of([&] { create_workload(w, p.info); });
    EXPECT_EQ(e.file, "dir/platform.json");
    EXPECT_EQ(e.pointer, "/workload/network") << e.what;
}

namespace {

// The tiny network on 2-level cells: analog (each weight at the nearest level: only the sign
// survives) the encoded weights are far from the trained ones and the workload says so, naming
// the remedy; 8-bit codes over 8 cells hold them and it stays silent. The weights' RMS error
// is reported per layer either way.
TEST(MlpInferenceWorkload, WarnsWhenTheCellsCannotHoldTheWeights) {
    for (const bool sliced : {false, true}) {
        FakePlatform p;
        const json extra =
            sliced ? json{{"device", "rram_neurosim"}, {"mapping", "offset"}, {"weight_bits", 8}}
                   : json{{"device", "rram_neurosim"}};
        // Sliced: 8 columns per weight, so 128 columns hold 16 outputs.
        for (int i = 0; i < 5; ++i)
            p.tile("tile" + std::to_string(i), 16, sliced ? 128 : 16, true, extra);
        auto w = create_workload(tiny_mlp(), p.info);
        const std::vector<std::string> warnings = w->warnings();
        const json errors = w->results().at("weight_encoding_error");
        ASSERT_EQ(errors.size(), 2u);
        if (sliced) {
            EXPECT_TRUE(warnings.empty()) << warnings.front();
            for (const auto& e : errors)
                EXPECT_LT(e.get<double>(), 0.05);
        } else {
            ASSERT_FALSE(warnings.empty());
            EXPECT_NE(warnings.front().find("layer fc1"), std::string::npos) << warnings.front();
            EXPECT_NE(warnings.front().find("set weight_bits"), std::string::npos);
            EXPECT_GT(errors[0].get<double>(), 0.5);
            EXPECT_EQ(w->results().at("warnings").size(), warnings.size());
        }
    }
}

} // namespace
