#include "neurotlm/workloads/network.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"
#include "neurotlm/core/params.h"
#include "neurotlm/workloads/npy.h"
#include "testing/errors.h"
#include "testing/paths.h"

using namespace neurotlm;

namespace {

// The 2-3-2 example worked by hand:
//   x = [1, 2]; W1 = [[1, -1], [0.5, 0.5], [-2, 1]] (out x in), b1 = [0, 1, 0.5], ReLU
//   z1 = [-1, 2.5, 0.5] -> a1 = [0, 2.5, 0.5]
//   W2 = [[1, 2, 3], [-1, 0, 1]], b2 = [0.5, -0.5], linear -> y = [7, 0]
const json w1_out_in =
    json::array({json::array({1, -1}), json::array({0.5, 0.5}), json::array({-2, 1})});
const json w2_out_in = json::array({json::array({1, 2, 3}), json::array({-1, 0, 1})});

json transpose(const json& m) {
    json t = json::array();
    for (std::size_t c = 0; c < m[0].size(); ++c) {
        json row = json::array();
        for (std::size_t r = 0; r < m.size(); ++r)
            row.push_back(m[r][c]);
        t.push_back(row);
    }
    return t;
}

json example() {
    return json{{"format", "neurotlm-network"},
                {"version", 1},
                {"name", "tiny"},
                {"input", 2},
                {"layers", json::array({json{{"name", "hidden"},
                                             {"type", "dense"},
                                             {"outputs", 3},
                                             {"activation", "relu"},
                                             {"weights", w1_out_in},
                                             {"bias", {0, 1, 0.5}}},
                                        json{{"name", "out"},
                                             {"outputs", 2},
                                             {"weights", w2_out_in},
                                             {"bias", {0.5, -0.5}}}})}};
}

NpyArray matrix(const json& m) {
    NpyArray a;
    a.shape = {m.size(), m[0].size()};
    for (const auto& row : m)
        for (const auto& v : row)
            a.data.push_back(v.get<float>());
    return a;
}

class NetworkTest : public ::testing::Test {
protected:
    std::string dir = neurotlm::testing::scratch_dir("network");
    std::string write(const json& doc, const std::string& name = "net.json") const {
        const std::string p = dir + "/" + name;
        std::ofstream(p) << doc.dump(2);
        return p;
    }
    void check_example(const Network& net) const {
        ASSERT_EQ(net.layers.size(), 2u);
        EXPECT_EQ(net.input_size(), 2);
        EXPECT_EQ(net.output_size(), 2);
        EXPECT_EQ(net.layers[0].inputs, 2);
        EXPECT_EQ(net.layers[0].outputs, 3);
        EXPECT_EQ(net.layers[1].inputs, 3);
        // Stored inputs x outputs: weight(input, output) is the file's [output][input].
        EXPECT_FLOAT_EQ(net.layers[0].weight(0, 2), -2.0f);
        EXPECT_FLOAT_EQ(net.layers[0].weight(1, 0), -1.0f);
        EXPECT_FLOAT_EQ(net.layers[1].weight(2, 1), 1.0f);
        const float x[2] = {1.0f, 2.0f};
        const auto layers = forward_layers(net, x);
        ASSERT_EQ(layers.size(), 2u);
        EXPECT_EQ(layers[0], (std::vector<float>{0.0f, 2.5f, 0.5f}));
        const auto y = forward(net, x);
        EXPECT_EQ(y, (std::vector<float>{7.0f, 0.0f}));
        EXPECT_EQ(argmax(y.data(), 2), 0);
    }
};

} // namespace

TEST_F(NetworkTest, InlineWeightsForwardMatchesHandComputation) {
    const Network net = load_network(write(example()));
    EXPECT_EQ(net.name, "tiny");
    EXPECT_EQ(net.path, dir + "/net.json");
    EXPECT_EQ(net.layers[0].name, "hidden");
    EXPECT_EQ(net.layers[0].activation, Activation::relu);
    EXPECT_EQ(net.layers[1].activation, Activation::none);
    check_example(net);
}

TEST_F(NetworkTest, InlineInOutLayout) {
    json doc = example();
    doc["layers"][0]["weights"] = transpose(w1_out_in);
    doc["layers"][0]["weights_layout"] = "in_out";
    doc["layers"][1]["weights"] = transpose(w2_out_in);
    doc["layers"][1]["weights_layout"] = "in_out";
    check_example(load_network(write(doc)));
}

TEST_F(NetworkTest, NpyWeightsBothLayoutsRelativeToTheJsonFile) {
    std::filesystem::create_directories(dir + "/sub/w");
    write_npy(dir + "/sub/w/w1.npy", matrix(w1_out_in));            // out_in
    write_npy(dir + "/sub/w/w2.npy", matrix(transpose(w2_out_in))); // in_out
    write_npy(dir + "/sub/w/b1.npy", NpyArray{{3}, {0, 1, 0.5f}});
    json doc = example();
    doc["layers"][0]["weights"] = "w/w1.npy";
    doc["layers"][0]["bias"] = "w/b1.npy";
    doc["layers"][1]["weights"] = dir + "/sub/w/w2.npy"; // absolute works too
    doc["layers"][1]["weights_layout"] = "in_out";
    check_example(load_network(write(doc, "sub/net.json")));
}

TEST_F(NetworkTest, DefaultsNameTypeBiasAndActivation) {
    json doc = {{"format", "neurotlm-network"},
                {"version", 1},
                {"input", 2},
                {"layers", json::array({json{{"outputs", 1}, {"weights", {{1.0, 1.0}}}}})}};
    const Network net = load_network(write(doc, "plain.json"));
    EXPECT_EQ(net.name, "plain");
    EXPECT_EQ(net.layers[0].name, "fc1");
    EXPECT_EQ(net.layers[0].bias, std::vector<float>{0.0f});
    const float x[2] = {2.0f, -3.0f};
    EXPECT_EQ(forward(net, x), std::vector<float>{-1.0f});
}

TEST_F(NetworkTest, SaveWritesNpyBesideTheJsonAndLoadsBack) {
    const Network original = load_network(write(example()));
    const std::string out = dir + "/saved/tiny.json";
    save_network(original, out);
    EXPECT_TRUE(std::filesystem::exists(dir + "/saved/tiny_hidden_w.npy"));
    EXPECT_TRUE(std::filesystem::exists(dir + "/saved/tiny_hidden_b.npy"));
    EXPECT_TRUE(std::filesystem::exists(dir + "/saved/tiny_out_w.npy"));
    EXPECT_EQ(read_npy(dir + "/saved/tiny_hidden_w.npy").shape,
              (std::vector<std::size_t>{3, 2})); // out_in, as PyTorch stores it
    const Network back = load_network(out);
    ASSERT_EQ(back.layers.size(), original.layers.size());
    for (std::size_t l = 0; l < back.layers.size(); ++l) {
        EXPECT_EQ(back.layers[l].name, original.layers[l].name);
        EXPECT_EQ(back.layers[l].weights, original.layers[l].weights);
        EXPECT_EQ(back.layers[l].bias, original.layers[l].bias);
        EXPECT_EQ(back.layers[l].activation, original.layers[l].activation);
    }
    check_example(back);

    Network broken = original;
    broken.layers[1].weights.pop_back();
    EXPECT_THROW(save_network(broken, dir + "/broken.json"), InputError);
}

TEST(Activation, NamesAndValues) {
    for (auto a : {Activation::none, Activation::relu, Activation::sigmoid, Activation::tanh,
                   Activation::reverse_sigmoid})
        EXPECT_EQ(parse_activation(to_string(a)), a);
    try {
        parse_activation("gelu");
        FAIL() << "no exception";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("reverse_sigmoid"), std::string::npos);
    }
    EXPECT_FLOAT_EQ(activate(Activation::relu, -1.0f), 0.0f);
    EXPECT_FLOAT_EQ(activate(Activation::relu, 2.0f), 2.0f);
    EXPECT_FLOAT_EQ(activate(Activation::sigmoid, 0.0f), 0.5f);
    EXPECT_FLOAT_EQ(activate(Activation::sigmoid, 2.0f), 1.0f / (1.0f + std::exp(-2.0f)));
    EXPECT_FLOAT_EQ(activate(Activation::reverse_sigmoid, 2.0f), 1.0f / (1.0f + std::exp(2.0f)));
    EXPECT_FLOAT_EQ(activate(Activation::tanh, 0.5f), std::tanh(0.5f));
    EXPECT_FLOAT_EQ(activate(Activation::none, -3.0f), -3.0f);
    // Derivatives against central differences.
    for (auto a : {Activation::sigmoid, Activation::tanh, Activation::reverse_sigmoid})
        for (float x : {-1.5f, 0.0f, 0.7f}) {
            const float h = 1e-3f;
            const float numeric = (activate(a, x + h) - activate(a, x - h)) / (2 * h);
            EXPECT_NEAR(activation_derivative(a, x), numeric, 1e-3f) << to_string(a) << " " << x;
        }
    EXPECT_EQ(argmax(nullptr, 0), -1);
    const float tie[3] = {1.0f, 3.0f, 3.0f};
    EXPECT_EQ(argmax(tie, 3), 1);
}

struct Malformed {
    std::string what;
    std::function<void(json&, const std::string& dir)> mutate;
    std::string pointer;
};

class MalformedNetwork : public NetworkTest, public ::testing::WithParamInterface<Malformed> {};

TEST_P(MalformedNetwork, IsAConfigErrorAtThePointer) {
    json doc = example();
    GetParam().mutate(doc, dir);
    const std::string path = write(doc);
    try {
        load_network(path);
        FAIL() << "loaded without complaint";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.pointer(), GetParam().pointer) << e.what();
        EXPECT_EQ(e.file(), path);
        EXPECT_FALSE(e.expected().empty());
    }
}

INSTANTIATE_TEST_SUITE_P(Network, MalformedNetwork,
                         ::testing::Values(Malformed{"unknown_top_key",
                                                     [](json& d, auto&) { d["inptu"] = 2; },
                                                     "/inptu"},
                                           Malformed{"wrong_format",
                                                     [](json& d, auto&) { d["format"] = "onnx"; },
                                                     "/format"},
                                           Malformed{"missing_format",
                                                     [](json& d, auto&) { d.erase("format"); },
                                                     "/format"},
                                           Malformed{"future_version",
                                                     [](json& d, auto&) { d["version"] = 2; },
                                                     "/version"},
                                           Malformed{"input_as_string",
                                                     [](json& d, auto&) { d["input"] = "2"; },
                                                     "/input"},
                                           Malformed{"input_zero",
                                                     [](json& d, auto&) { d["input"] = 0; },
                                                     "/input"},
                                           Malformed{"no_layers",
                                                     [](json& d, auto&) { d.erase("layers"); },
                                                     "/layers"},
                                           Malformed{
                                               "empty_layers",
                                               [](json& d, auto&) { d["layers"] = json::array(); },
                                               "/layers"},
                                           Malformed{
                                               "layers_object",
                                               [](json& d, auto&) { d["layers"] = json::object(); },
                                               "/layers"},
                                           Malformed{"layer_not_object",
                                                     [](json& d, auto&) { d["layers"][1] = 5; },
                                                     "/layers/1"},
                                           Malformed{
                                               "unknown_layer_key",
                                               [](json& d, auto&) { d["layers"][0]["stride"] = 1; },
                                               "/layers/0/stride"},
                                           Malformed{"missing_outputs",
                                                     [](json& d, auto&) {
                                                         d["layers"][1].erase("outputs");
                                                     },
                                                     "/layers/1/outputs"},
                                           Malformed{"outputs_float",
                                                     [](json& d, auto&) {
                                                         d["layers"][0]["outputs"] = 2.5;
                                                     },
                                                     "/layers/0/outputs"},
                                           Malformed{"bad_type",
                                                     [](json& d, auto&) {
                                                         d["layers"][0]["type"] = "conv3d";
                                                     },
                                                     "/layers/0/type"},
                                           Malformed{"bad_activation",
                                                     [](json& d, auto&) {
                                                         d["layers"][1]["activation"] = "gelu";
                                                     },
                                                     "/layers/1/activation"},
                                           Malformed{"bad_layout",
                                                     [](json& d, auto&) {
                                                         d["layers"][0]["weights_layout"] = "oi";
                                                     },
                                                     "/layers/0/weights_layout"},
                                           Malformed{"missing_weights",
                                                     [](json& d, auto&) {
                                                         d["layers"][0].erase("weights");
                                                     },
                                                     "/layers/0/weights"},
                                           Malformed{"weights_number",
                                                     [](json& d, auto&) {
                                                         d["layers"][0]["weights"] = 3;
                                                     },
                                                     "/layers/0/weights"},
                                           Malformed{"weights_wrong_shape",
                                                     [](json& d, auto&) {
                                                         d["layers"][0]["weights"] =
                                                             transpose(w1_out_in);
                                                     },
                                                     "/layers/0/weights"},
                                           Malformed{"ragged_rows",
                                                     [](json& d, auto&) {
                                                         d["layers"][0]["weights"][1] =
                                                             json::array({1});
                                                     },
                                                     "/layers/0/weights/1"},
                                           Malformed{"row_not_array",
                                                     [](json& d, auto&) {
                                                         d["layers"][0]["weights"][2] = 1;
                                                     },
                                                     "/layers/0/weights/2"},
                                           Malformed{"element_string",
                                                     [](json& d, auto&) {
                                                         d["layers"][1]["weights"][0][1] = "x";
                                                     },
                                                     "/layers/1/weights/0/1"},
                                           Malformed{"chain_mismatch",
                                                     [](json& d, auto&) {
                                                         d["layers"][1]["weights"] =
                                                             json::array({json::array({1, 2}),
                                                                          json::array({3, 4})});
                                                     },
                                                     "/layers/1/weights"},
                                           Malformed{
                                               "declared_inputs_mismatch",
                                               [](json& d, auto&) { d["layers"][1]["inputs"] = 4; },
                                               "/layers/1/inputs"},
                                           Malformed{"bias_wrong_length",
                                                     [](
                                                         json& d,
                                                         auto&) { d["layers"][0]["bias"] = json::array({1, 2}); },
                                                     "/layers/0/bias"},
                                           Malformed{
                                               "bias_element",
                                               [](
                                                   json&
                                                       d,
                                                   auto&) { d["layers"][1]["bias"][1] = nullptr; },
                                               "/layers/1/bias/1"},
                                           Malformed{
                                               "huge_value_is_infinite",
                                               [](json& d,
                                                  auto&) { d["layers"][1]["weights"][0][0] = 1e300; },
                                               "/layers/1/weights"},
                                           Malformed{"duplicate_layer_name",
                                                     [](json& d,
                                                        auto&) { d["layers"][1]["name"] = "hidden"; },
                                                     "/layers/1/name"},
                                           Malformed{
                                               "missing_npy",
                                               [](
                                                   json&
                                                       d,
                                                   auto&) { d["layers"][0]["weights"] = "gone.npy"; },
                                               "/layers/0/weights"},
                                           Malformed{"npy_wrong_shape",
                                                     [](json& d, const std::string& dir) {
                                                         write_npy(dir + "/w.npy",
                                                                   matrix(transpose(w1_out_in)));
                                                         d["layers"][0]["weights"] = "w.npy";
                                                     },
                                                     "/layers/0/weights"},
                                           Malformed{"npy_nan",
                                                     [](json& d, const std::string& dir) {
                                                         NpyArray w = matrix(w2_out_in);
                                                         w.data[4] = std::numeric_limits<
                                                             float>::quiet_NaN();
                                                         write_npy(dir + "/nan.npy", w);
                                                         d["layers"][1]["weights"] = "nan.npy";
                                                     },
                                                     "/layers/1/weights"},
                                           Malformed{"npy_inf_bias",
                                                     [](json& d, const std::string& dir) {
                                                         write_npy(
                                                             dir + "/b.npy",
                                                             NpyArray{
                                                                 {2},
                                                                 {1.0f, std::numeric_limits<
                                                                            float>::infinity()}});
                                                         d["layers"][1]["bias"] = "b.npy";
                                                     },
                                                     "/layers/1/bias"},
                                           Malformed{"npy_bias_2d",
                                                     [](json& d, const std::string& dir) {
                                                         write_npy(dir + "/b2.npy",
                                                                   NpyArray{{1, 2}, {1.0f, 2.0f}});
                                                         d["layers"][1]["bias"] = "b2.npy";
                                                     },
                                                     "/layers/1/bias"}),
                         [](const ::testing::TestParamInfo<Malformed>& info) {
                             return info.param.what;
                         });

TEST_F(NetworkTest, InvalidJsonAndMissingFile) {
    const std::string p = dir + "/broken.json";
    std::ofstream(p) << "{\"format\": \"neurotlm-network\",";
    try {
        load_network(p);
        FAIL();
    } catch (const InputError& e) {
        // file:line:column, as an editor shows it.
        EXPECT_EQ(std::string(e.what()).rfind(p + ":1:31: not valid JSON", 0), 0u) << e.what();
    }
    EXPECT_THROW(load_network(dir + "/absent.json"), InputError);
    std::ofstream(dir + "/array.json") << "[1, 2]";
    try {
        load_network(dir + "/array.json");
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.pointer(), "");
    }
}

TEST_F(NetworkTest, NanInNpyNamesTheElement) {
    NpyArray w = matrix(w2_out_in);
    w.data[4] = std::numeric_limits<float>::quiet_NaN(); // row 1, column 1
    write_npy(dir + "/nan.npy", w);
    json doc = example();
    doc["layers"][1]["weights"] = "nan.npy";
    try {
        load_network(write(doc));
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.found(), "NaN at element [1, 1]");
    }
}

TEST_F(NetworkTest, TernaryLayersHoldLevelsInTheFilesAndTheScaleApplied) {
    // The hidden layer as ternary levels with a gain of 0.5; the output layer with a plain scale
    // of 2 (the same as writing its weights doubled).
    json doc = example();
    doc["description"] = "hand-made";
    doc["layers"][0]["weights"] = json::array({{1, -1}, {0, 1}, {-1, 0}});
    doc["layers"][0]["bias"] = {0, 1, -1};
    doc["layers"][0]["scale"] = 0.5;
    doc["layers"][0]["quantization"] = "ternary";
    doc["layers"][1]["scale"] = 2;
    const Network net = load_network(write(doc));
    EXPECT_EQ(net.description, "hand-made");
    const Layer& h = net.layers[0];
    EXPECT_TRUE(h.ternary);
    EXPECT_FLOAT_EQ(h.scale, 0.5f);
    EXPECT_FLOAT_EQ(h.weight(0, 0), 0.5f);
    EXPECT_FLOAT_EQ(h.weight(1, 0), -0.5f);
    EXPECT_FLOAT_EQ(h.weight(0, 2), -0.5f);
    EXPECT_EQ(h.bias, (std::vector<float>{0.0f, 0.5f, -0.5f}));
    EXPECT_FALSE(net.layers[1].ternary);
    EXPECT_FLOAT_EQ(net.layers[1].weight(2, 0), 6.0f);
    // x = [1, 2]: z1 = 0.5 [1 - 2, 0 + 2 + 1, -1 - 1] = [-0.5, 1.5, -1] -> relu [0, 1.5, 0];
    // y = 2 ([2, 0] x 1.5 + [0.5, -0.5]) = [7, -1].
    const float x[2] = {1.0f, 2.0f};
    EXPECT_EQ(forward(net, x), (std::vector<float>{7.0f, -1.0f}));

    const std::string out = dir + "/saved/ternary.json";
    save_network(net, out);
    EXPECT_EQ(read_npy(dir + "/saved/tiny_hidden_w.npy").data,
              (std::vector<float>{1, -1, 0, 1, -1, 0}));
    EXPECT_EQ(read_npy(dir + "/saved/tiny_hidden_b.npy").data, (std::vector<float>{0, 1, -1}));
    const Network back = load_network(out);
    EXPECT_EQ(back.description, "hand-made");
    for (std::size_t l = 0; l < 2; ++l) {
        EXPECT_EQ(back.layers[l].weights, net.layers[l].weights);
        EXPECT_EQ(back.layers[l].bias, net.layers[l].bias);
        EXPECT_EQ(back.layers[l].scale, net.layers[l].scale);
        EXPECT_EQ(back.layers[l].ternary, net.layers[l].ternary);
    }
    // A file without the new keys still means scale 1, any values.
    const Network plain = load_network(write(example(), "plain.json"));
    EXPECT_FALSE(plain.layers[0].ternary);
    EXPECT_EQ(plain.layers[0].scale, 1.0f);

    Network off = net;
    off.layers[0].weights[1] = 0.25f; // half the scale: not a ternary level
    const std::string why =
        neurotlm::testing::error_of([&] { save_network(off, dir + "/x.json"); });
    EXPECT_NE(why.find("ternary"), std::string::npos) << why;
}

INSTANTIATE_TEST_SUITE_P(
    TernaryNetwork, MalformedNetwork,
    ::testing::Values(
        Malformed{"ternary_weight_not_a_level",
                  [](json& d, auto&) {
                      d["layers"][1]["weights"] = json::array({{1, 0, -1}, {0, 2, 1}});
                      d["layers"][1]["quantization"] = "ternary";
                  },
                  "/layers/1/weights"},
        Malformed{"ternary_bias_not_a_level",
                  [](json& d, auto&) {
                      d["layers"][1]["weights"] = json::array({{1, 0, -1}, {0, 1, 1}});
                      d["layers"][1]["quantization"] = "ternary";
                  },
                  "/layers/1/bias"},
        Malformed{"unknown_quantization",
                  [](json& d, auto&) { d["layers"][0]["quantization"] = "binary"; },
                  "/layers/0/quantization"},
        Malformed{"zero_scale", [](json& d, auto&) { d["layers"][0]["scale"] = 0; },
                  "/layers/0/scale"},
        Malformed{"negative_scale", [](json& d, auto&) { d["layers"][0]["scale"] = -0.5; },
                  "/layers/0/scale"},
        Malformed{"scale_as_text", [](json& d, auto&) { d["layers"][0]["scale"] = "big"; },
                  "/layers/0/scale"}),
    [](const ::testing::TestParamInfo<Malformed>& i) { return i.param.what; });
