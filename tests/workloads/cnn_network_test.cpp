// Convolutional networks in the network format: shapes, the im2col weight layout, the float
// reference (worked by hand), saving, and the errors a malformed file gets.

#include <fstream>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"
#include "neurotlm/workloads/network.h"
#include "neurotlm/workloads/npy.h"
#include "testing/paths.h"

using namespace neurotlm;

namespace {

// x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]] through
//   c:   2x2 kernels, stride 1: channel 0 the diagonal [[1, 0], [0, 1]], bias 0 -> 6 8 12 14;
//        channel 1 all 0.5, bias -20 -> -14 -12 -8 -6
//   max: 2x2 windows, stride 2, padding 1: each window holds one value (the rest is padding,
//        -infinity) -> the same 8 values, negatives kept
//   avg: the same windows, zeros counted in the 4 -> 1.5 2 3 3.5 | -3.5 -3 -2 -1.5
//   sum: max + avg, ReLU -> 7.5 10 15 17.5 | 0 0 0 0
//   fc:  flattened channel-major, weights [1, 2, 0, ...] -> 7.5 + 20 = 27.5
const float kImage[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};

json small_cnn() {
    const json kernels = json::parse("[[[[1, 0], [0, 1]]], [[[0.5, 0.5], [0.5, 0.5]]]]");
    return {{"format", "neurotlm-network"},
            {"version", 1},
            {"input", {1, 3, 3}},
            {"layers",
             {{{"name", "c"},
               {"type", "conv2d"},
               {"outputs", 2},
               {"kernel", 2},
               {"weights", kernels},
               {"bias", {0, -20}}},
              {{"name", "max"}, {"type", "maxpool"}, {"kernel", 2}, {"padding", 1}},
              {{"name", "avg"},
               {"type", "avgpool"},
               {"from", "c"},
               {"kernel", 2},
               {"stride", 2},
               {"padding", 1}},
              {{"name", "sum"},
               {"type", "add"},
               {"from", "max"},
               {"skip", "avg"},
               {"activation", "relu"}},
              {{"name", "fc"},
               {"outputs", 1},
               {"weights", json::parse("[[1, 2, 0, 0, 0, 0, 0, 0]]")}}}}};
}

class CnnNetwork : public ::testing::Test {
protected:
    std::string dir = neurotlm::testing::scratch_dir("cnn-network");
    std::string write(const json& doc, const std::string& name = "cnn.json") const {
        const std::string p = dir + "/" + name;
        std::ofstream(p) << doc.dump(1);
        return p;
    }
    static void check_small(const Network& net) {
        ASSERT_EQ(net.layers.size(), 5u);
        EXPECT_EQ(net.input_shape, (Shape{1, 3, 3}));
        EXPECT_EQ(net.input_size(), 9);
        const Layer& c = net.layers[0];
        EXPECT_EQ(c.kind, LayerKind::conv2d);
        EXPECT_EQ(c.out_shape, (Shape{2, 2, 2}));
        EXPECT_EQ(c.inputs, 4); // one channel x 2 x 2
        EXPECT_EQ(c.positions(), 4);
        // Row (channel, ky, kx), column output channel.
        EXPECT_EQ(c.weight(0, 0), 1.0f);
        EXPECT_EQ(c.weight(1, 0), 0.0f);
        EXPECT_EQ(c.weight(3, 0), 1.0f);
        EXPECT_EQ(c.weight(2, 1), 0.5f);
        EXPECT_EQ(net.layers[1].out_shape, (Shape{2, 2, 2}));
        EXPECT_EQ(net.layers[1].stride_h, 2); // pooling strides by its kernel by default
        EXPECT_EQ(net.layers[2].from, 0);
        EXPECT_EQ(net.layers[3].from, 1);
        EXPECT_EQ(net.layers[3].skip, 2);
        EXPECT_EQ(net.layers[4].inputs, 8);
        EXPECT_FALSE(net.is_mlp());

        const auto outs = forward_layers(net, kImage);
        EXPECT_EQ(outs[0], (std::vector<float>{6, 8, 12, 14, -14, -12, -8, -6}));
        EXPECT_EQ(outs[1], outs[0]);
        EXPECT_EQ(outs[2], (std::vector<float>{1.5f, 2, 3, 3.5f, -3.5f, -3, -2, -1.5f}));
        EXPECT_EQ(outs[3], (std::vector<float>{7.5f, 10, 15, 17.5f, 0, 0, 0, 0}));
        EXPECT_EQ(outs[4], std::vector<float>{27.5f});
    }
};

} // namespace

TEST_F(CnnNetwork, ConvolutionPoolingAndResidualAddForwardAsWorkedByHand) {
    check_small(load_network(write(small_cnn())));
}

TEST_F(CnnNetwork, KerasLayoutAndNpyKernelsGiveTheSameNetwork) {
    // [kh][kw][in][out]
    json doc = small_cnn();
    doc["layers"][0]["weights"] =
        json::parse("[[[[1, 0.5]], [[0, 0.5]]], [[[0, 0.5]], [[1, 0.5]]]]");
    doc["layers"][0]["weights_layout"] = "in_out";
    check_small(load_network(write(doc)));
    // PyTorch's Conv2d.weight saved with numpy.save.
    write_npy(dir + "/c_w.npy", NpyArray{{2, 1, 2, 2}, {1, 0, 0, 1, 0.5f, 0.5f, 0.5f, 0.5f}});
    doc = small_cnn();
    doc["layers"][0]["weights"] = "c_w.npy";
    check_small(load_network(write(doc, "npy.json")));
}

TEST_F(CnnNetwork, StridedPaddedAndGroupedConvolutions) {
    // A 3x3 kernel of ones, stride 2, padding 1, over the 3x3 image: the windows centred on
    // the corners sum their 2x2 neighbourhoods.
    json doc = {{"format", "neurotlm-network"},
                {"version", 1},
                {"input", {2, 3, 3}},
                {"layers",
                 {{{"name", "g"},
                   {"type", "conv2d"},
                   {"outputs", 2},
                   {"groups", 2},
                   {"kernel", 3},
                   {"stride", 2},
                   {"padding", 1},
                   // Output 0 sees input channel 0 with ones; output 1 channel 1 with twos.
                   {"weights", json::parse("[[[[1, 1, 1], [1, 1, 1], [1, 1, 1]]],"
                                           " [[[2, 2, 2], [2, 2, 2], [2, 2, 2]]]]")}}}}};
    const Network net = load_network(write(doc));
    const Layer& g = net.layers[0];
    EXPECT_EQ(g.out_shape, (Shape{2, 2, 2}));
    EXPECT_EQ(g.inputs, 18);
    // Output 0's column holds zeros in channel 1's rows, output 1's in channel 0's.
    EXPECT_EQ(g.weight(9, 0), 0.0f);
    EXPECT_EQ(g.weight(0, 1), 0.0f);
    EXPECT_EQ(g.weight(9, 1), 2.0f);
    float x[18];
    for (int i = 0; i < 9; ++i) {
        x[i] = kImage[i];
        x[9 + i] = 10.0f * kImage[i];
    }
    EXPECT_EQ(forward(net, x), (std::vector<float>{12, 16, 24, 28, 240, 320, 480, 560}));
    // The patch the tiles see for output pixel (1, 0): rows 1-3 (3 is padding), columns -1-1.
    float patch[18];
    g.patch(x, 1, 0, patch);
    EXPECT_EQ(std::vector<float>(patch, patch + 9),
              (std::vector<float>{0, 4, 5, 0, 7, 8, 0, 0, 0}));
}

TEST_F(CnnNetwork, RectangularWindowsStridesAndPaddingKeepHeightAndWidthApart) {
    // x = [[1 2 3 4 5], [6 7 8 9 10], [11 12 13 14 15]]; a 2x3 kernel with ones at (0, 0) and
    // (1, 2), stride (1, 2), padding (1, 0): out(oy, ox) = x(oy - 1, 2 ox) + x(oy, 2 ox + 2),
    // 4x2: 3 5 | 9 13 | 19 23 | 11 13. Then a 1x2 max pool (stride 1x2): 5 13 23 13.
    json doc = {{"format", "neurotlm-network"},
                {"version", 1},
                {"input", {1, 3, 5}},
                {"layers",
                 {{{"name", "c"},
                   {"type", "conv2d"},
                   {"outputs", 1},
                   {"kernel", {2, 3}},
                   {"stride", {1, 2}},
                   {"padding", {1, 0}},
                   {"weights", json::parse("[[[[1, 0, 0], [0, 0, 1]]]]")}},
                  {{"name", "p"}, {"type", "maxpool"}, {"kernel", {1, 2}}}}}};
    const Network net = load_network(write(doc, "rect.json"));
    EXPECT_EQ(net.layers[0].out_shape, (Shape{1, 4, 2}));
    EXPECT_EQ(net.layers[1].out_shape, (Shape{1, 4, 1}));
    const float x[15] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    const auto outs = forward_layers(net, x);
    EXPECT_EQ(outs[0], (std::vector<float>{3, 5, 9, 13, 19, 23, 11, 13}));
    EXPECT_EQ(outs[1], (std::vector<float>{5, 13, 23, 13}));
    // The patch of pixel (0, 1): row -1 is padding, row 0 columns 2-4.
    float patch[6];
    net.layers[0].patch(x, 0, 1, patch);
    EXPECT_EQ(std::vector<float>(patch, patch + 6), (std::vector<float>{0, 0, 0, 3, 4, 5}));
    // A Keras kernel [kh][kw][in][out] of the same weights gives the same network.
    doc["layers"][0]["weights"] = json::parse("[[[[1]], [[0]], [[0]]], [[[0]], [[0]], [[1]]]]");
    doc["layers"][0]["weights_layout"] = "in_out";
    EXPECT_EQ(forward_layers(load_network(write(doc, "rect_keras.json")), x)[0], outs[0]);
}

TEST_F(CnnNetwork, SaveAndLoadKeepTheGraph) {
    const Network net = load_network(write(small_cnn()));
    save_network(net, dir + "/saved/cnn.json");
    const Network back = load_network(dir + "/saved/cnn.json");
    check_small(back);
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        EXPECT_EQ(back.layers[l].name, net.layers[l].name);
        EXPECT_EQ(back.layers[l].weights, net.layers[l].weights);
        EXPECT_EQ(back.layers[l].bias, net.layers[l].bias);
    }
    // A grouped convolution saves its [out, in / groups, kh, kw] tensor.
    json doc = {{"format", "neurotlm-network"},
                {"version", 1},
                {"input", {4, 2, 2}},
                {"layers",
                 {{{"name", "g"},
                   {"type", "conv2d"},
                   {"outputs", 2},
                   {"groups", 2},
                   {"kernel", 1},
                   {"weights", json::parse("[[[[1]], [[2]]], [[[3]], [[4]]]]")}}}}};
    const Network grouped = load_network(write(doc, "grouped.json"));
    save_network(grouped, dir + "/saved/grouped.json");
    const NpyArray w = read_npy(dir + "/saved/grouped_g_w.npy");
    EXPECT_EQ(w.shape, (std::vector<std::size_t>{2, 2, 1, 1}));
    EXPECT_EQ(w.data, (std::vector<float>{1, 2, 3, 4}));
    EXPECT_EQ(load_network(dir + "/saved/grouped.json").layers[0].weights,
              grouped.layers[0].weights);
}

namespace {

struct BadCnn {
    std::string what;
    std::function<void(json&)> mutate;
    std::string pointer;
};

class MalformedCnn : public CnnNetwork, public ::testing::WithParamInterface<BadCnn> {};

} // namespace

TEST_P(MalformedCnn, IsAConfigErrorAtThePointer) {
    json doc = small_cnn();
    GetParam().mutate(doc);
    const std::string path = write(doc);
    try {
        load_network(path);
        FAIL() << "loaded without complaint";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.pointer(), GetParam().pointer) << e.what();
        EXPECT_FALSE(e.expected().empty());
    }
}

INSTANTIATE_TEST_SUITE_P(
    Cnn, MalformedCnn,
    ::testing::Values(
        BadCnn{"input_of_two",
               [](json& d) {
                   d["input"] = {1, 3};
               },
               "/input"},
        BadCnn{"kernel_too_big", [](json& d) { d["layers"][0]["kernel"] = 4; }, "/layers/0/kernel"},
        BadCnn{"no_kernel", [](json& d) { d["layers"][0].erase("kernel"); }, "/layers/0/kernel"},
        BadCnn{"kernel_of_three",
               [](json& d) {
                   d["layers"][0]["kernel"] = {2, 2, 2};
               },
               "/layers/0/kernel"},
        BadCnn{"zero_stride", [](json& d) { d["layers"][0]["stride"] = 0; }, "/layers/0/stride"},
        BadCnn{"kernel_shape",
               [](json& d) { d["layers"][0]["weights"] = json::parse("[[[[1, 0], [0, 1]]]]"); },
               "/layers/0/weights"},
        BadCnn{"groups", [](json& d) { d["layers"][0]["groups"] = 2; }, "/layers/0/groups"},
        BadCnn{"pool_padding", [](json& d) { d["layers"][1]["padding"] = 2; }, "/layers/1/padding"},
        BadCnn{"pool_weights", [](json& d) { d["layers"][1]["weights"] = json::parse("[[1]]"); },
               "/layers/1/weights"},
        BadCnn{"stride_on_dense", [](json& d) { d["layers"][4]["stride"] = 1; },
               "/layers/4/stride"},
        BadCnn{"unknown_from", [](json& d) { d["layers"][2]["from"] = "nope"; }, "/layers/2/from"},
        BadCnn{"later_from", [](json& d) { d["layers"][2]["from"] = "fc"; }, "/layers/2/from"},
        BadCnn{"no_skip", [](json& d) { d["layers"][3].erase("skip"); }, "/layers/3/skip"},
        BadCnn{"skip_shape", [](json& d) { d["layers"][3]["skip"] = "input"; }, "/layers/3/skip"},
        BadCnn{"named_input", [](json& d) { d["layers"][1]["name"] = "input"; }, "/layers/1/name"},
        BadCnn{"dense_inputs", [](json& d) { d["layers"][4]["inputs"] = 4; }, "/layers/4/inputs"}),
    [](const ::testing::TestParamInfo<BadCnn>& i) { return i.param.what; });
