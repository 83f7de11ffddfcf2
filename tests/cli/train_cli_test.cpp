// neurotlm-train's input preprocessing and ternary weights, as a user runs them: a bad value is
// refused before anything is read (exit code 2, the option named), a good run writes a ternary
// network that records its inputs.

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "neurotlm/workloads/network.h"
#include "testing/cli.h"
#include "testing/paths.h"

namespace fs = std::filesystem;
using neurotlm::testing::run_program;
using neurotlm::testing::scratch_dir;
using neurotlm::testing::test_data;

namespace {

std::string tiny_data() {
    return "--images " + test_data("tiny/images-idx3-ubyte.gz") + " --labels " +
           test_data("tiny/labels-idx1-ubyte.gz") + " --test-images ''";
}

} // namespace

TEST(TrainCli, BadPreprocessingAndWeightOptionsAreRefusedNamingTheOption) {
    const std::string out = scratch_dir("train-cli-bad") + "/net.json";
    const std::pair<const char*, const char*> cases[] = {
        {"--resize 20", "--resize"},
        {"--resize 0x20", "--resize"},
        {"--resize 20x20x3", "--resize"},
        {"--resize 65536x65536", "--resize"},
        {"--binarize 1.5", "--binarize"},
        {"--binarize 0.5 --binarize-low 1", "--binarize-high"},
        {"--binarize-high 2", "--binarize"},
        {"--weights binary", "--weights"},
        {"--ternary-threshold 0.5", "--ternary-threshold"},
        {"--weights ternary --ternary-threshold 3", "--ternary-threshold"},
    };
    for (const auto& [options, named] : cases) {
        const auto r = run_program(NEUROTLM_TRAIN, tiny_data() + " " + options + " --out " + out);
        EXPECT_EQ(r.code, 2) << options << ": " << r.err;
        EXPECT_NE((r.err + r.out).find(named), std::string::npos) << options << ": " << r.err;
    }
    EXPECT_FALSE(fs::exists(out));
}

TEST(TrainCli, ATernaryRunOnResizedBinarisedImagesWritesLevelsAndAScale) {
    const std::string dir = scratch_dir("train-cli-ternary");
    const auto r = run_program(NEUROTLM_TRAIN, tiny_data() +
                                                   " --resize 2x2 --binarize 0.5 --binarize-low -1"
                                                   " --weights ternary --hidden 4 --activation"
                                                   " reverse_sigmoid --epochs 2 --name t --out " +
                                                   dir + "/t.json");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("images of 2x2"), std::string::npos) << r.err;
    const nlohmann::json doc = neurotlm::testing::load_json(dir + "/t.json");
    EXPECT_EQ(doc["input"], 4);
    EXPECT_NE(doc["description"].get<std::string>().find("binarize > 0.5 -> {-1, 1}"),
              std::string::npos)
        << doc.dump();
    for (const auto& layer : doc["layers"]) {
        EXPECT_EQ(layer["quantization"], "ternary") << layer.dump();
        EXPECT_GT(layer["scale"].get<double>(), 0.0) << layer.dump();
    }
    const neurotlm::Network net = neurotlm::load_network(dir + "/t.json");
    for (const auto& layer : net.layers)
        EXPECT_TRUE(layer.ternary) << layer.name;
}
