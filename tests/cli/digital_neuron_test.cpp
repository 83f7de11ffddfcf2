// The mixed-signal chain's digital neuron: a network whose hidden layer is a sigmoid has the
// controller evaluate it in its nonlinear unit (look-up table or piecewise linear), priced in
// the technology and counted once per neuron per image; a ReLU stays a comparison.

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "testing/cli.h"
#include "testing/paths.h"

namespace {

using neurotlm::testing::load_json;
using neurotlm::testing::scratch_dir;
using neurotlm::testing::test_data;
using nlohmann::json;

/// Runs the tiny MLP with its hidden layer's activation @p activation and the controller's
/// nonlinear unit @p kind; returns report.json.
json run_tiny(const std::string& tag, const std::string& activation, const std::string& kind) {
    const std::string dir = scratch_dir("digital_neuron_" + tag);
    json net = load_json(test_data("networks/tiny.json"));
    net["layers"][0]["activation"] = activation;
    std::ofstream(dir + "/net.json") << net.dump();
    json cfg = load_json(test_data("good/tiny_mlp.json"));
    cfg["workload"]["network"] = dir + "/net.json";
    cfg["workload"]["dataset"]["images"] = test_data("tiny/images-idx3-ubyte.gz");
    cfg["workload"]["dataset"]["labels"] = test_data("tiny/labels-idx1-ubyte.gz");
    cfg["components"][0]["nonlinear"] = {{"kind", kind}};
    std::ofstream(dir + "/platform.json") << cfg.dump();
    const auto r = neurotlm::testing::run_program(
        NEUROTLM_CLI, "run -q " + dir + "/platform.json --out " + dir + "/out");
    EXPECT_EQ(r.code, 0) << r.err;
    return load_json(dir + "/out/report.json");
}

const json* action(const json& report, const std::string& component, const std::string& name) {
    for (const auto& c : report["components"])
        if (c["name"] == component)
            for (const auto& a : c["actions"])
                if (a["action"] == name) return &a;
    return nullptr;
}

TEST(DigitalNeuron, ASigmoidLayerIsEvaluatedByTheNonlinearUnit) {
    const json lut = run_tiny("lut", "sigmoid", "lut");
    const json pwl = run_tiny("pwl", "sigmoid", "pwl");
    const double images = lut["totals"]["items"].get<double>();
    ASSERT_GT(images, 0.0);
    const json* n_lut = action(lut, "ctrl", "nonlinear");
    const json* n_pwl = action(pwl, "ctrl", "nonlinear");
    ASSERT_TRUE(n_lut && n_pwl);
    // 12 hidden neurons per image; the output layer has no activation.
    EXPECT_EQ((*n_lut)["count"].get<double>(), 12 * images);
    EXPECT_EQ((*n_lut)["energy_class"], "activation");
    EXPECT_GT((*n_lut)["energy_per_action_J"].get<double>(), 0.0);
    EXPECT_NE((*n_lut)["energy_per_action_J"], (*n_pwl)["energy_per_action_J"]);
    const json* cmp = action(lut, "ctrl", "activation");
    ASSERT_NE(cmp, nullptr);
    EXPECT_EQ((*cmp)["count"].get<double>(), 0.0);
    // The same accuracy either way: the functional result does not depend on the pricing.
    EXPECT_EQ(lut["workload"]["accuracy"], pwl["workload"]["accuracy"]);
}

TEST(DigitalNeuron, AReluLayerIsAComparisonAndBuildsNoNonlinearUnit) {
    const json relu = run_tiny("relu", "relu", "lut");
    const json sigmoid = run_tiny("relu_vs_sigmoid", "sigmoid", "lut");
    const json* n = action(relu, "ctrl", "nonlinear");
    ASSERT_NE(n, nullptr);
    EXPECT_EQ((*n)["count"].get<double>(), 0.0);
    EXPECT_GT((*action(relu, "ctrl", "activation"))["count"].get<double>(), 0.0);
    // The unit's gates count in the controller's area only when it is used.
    auto area = [](const json& r) {
        for (const auto& c : r["components"])
            if (c["name"] == "ctrl") return c["area_m2"].get<double>();
        return 0.0;
    };
    EXPECT_GT(area(sigmoid), area(relu));
}

} // namespace
