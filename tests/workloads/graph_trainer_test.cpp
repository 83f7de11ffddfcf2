// The graph trainer: its gradients against finite differences through every layer kind, and
// training a small convolutional network end to end.

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"
#include "neurotlm/workloads/dataset.h"
#include "neurotlm/workloads/network.h"
#include "neurotlm/workloads/trainer.h"
#include "testing/paths.h"
#include "testing/tensors.h"

using namespace neurotlm;

namespace {

/// 2x5x4 -> grouped conv 3x2 stride (1, 2) pad (1, 0), tanh (4x5x2) -> max pool 2x1 stride 1
/// pad (1, 0) (4x6x2); beside it a 2x1 conv of the first conv's output, pad (1, 0), tanh
/// (4x6x2); their sum, tanh -> average pool 2 pad 1 (4x4x2, padding counted) -> dense 3.
/// Smooth activations, so finite differences hold.
Network graph(const std::string& dir) {
    std::mt19937 rng(99);
    json layers = json::array();
    layers.push_back({{"name", "c1"},
                      {"type", "conv2d"},
                      {"outputs", 4},
                      {"groups", 2},
                      {"kernel", {3, 2}},
                      {"stride", {1, 2}},
                      {"padding", {1, 0}},
                      {"activation", "tanh"},
                      {"weights", neurotlm::testing::random_tensor(rng, {4, 1, 3, 2}, 0.8f)},
                      {"bias", neurotlm::testing::random_tensor(rng, {4}, 0.3f)}});
    layers.push_back({{"name", "mp"},
                      {"type", "maxpool"},
                      {"kernel", {2, 1}},
                      {"stride", 1},
                      {"padding", {1, 0}}});
    layers.push_back({{"name", "c2"},
                      {"type", "conv2d"},
                      {"from", "c1"},
                      {"outputs", 4},
                      {"kernel", {2, 1}},
                      {"padding", {1, 0}},
                      {"activation", "tanh"},
                      {"weights", neurotlm::testing::random_tensor(rng, {4, 4, 2, 1}, 0.6f)},
                      {"bias", neurotlm::testing::random_tensor(rng, {4}, 0.3f)}});
    layers.push_back(
        {{"name", "sum"}, {"type", "add"}, {"from", "mp"}, {"skip", "c2"}, {"activation", "tanh"}});
    layers.push_back({{"name", "ap"}, {"type", "avgpool"}, {"kernel", 2}, {"padding", 1}});
    layers.push_back({{"name", "fc"},
                      {"outputs", 3},
                      {"weights", neurotlm::testing::random_tensor(rng, {3, 32}, 0.9f)},
                      {"bias", neurotlm::testing::random_tensor(rng, {3}, 0.3f)}});
    const json doc = {
        {"format", "neurotlm-network"}, {"version", 1}, {"input", {2, 5, 4}}, {"layers", layers}};
    std::ofstream(dir + "/graph.json") << doc.dump();
    return load_network(dir + "/graph.json");
}

} // namespace

TEST(GraphTrainer, GradientsAgreeWithFiniteDifferencesThroughEveryLayerKind) {
    const std::string dir = neurotlm::testing::scratch_dir("graph-gradient");
    Network net = graph(dir);
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> image(40);
    for (float& v : image)
        v = u(rng);
    const int label = 1;
    const NetworkGradient g = network_gradient(net, image.data(), label);
    ASSERT_EQ(g.layers.size(), net.layers.size());
    // The loss through the float reference (forward()), not through the trainer's own pass.
    auto loss = [&](const Network& n) {
        const std::vector<float> z = forward(n, image.data());
        double top = z[0], sum = 0.0;
        for (float v : z)
            top = std::max(top, static_cast<double>(v));
        for (float v : z)
            sum += std::exp(v - top);
        return std::log(sum) - (z[static_cast<std::size_t>(label)] - top);
    };
    EXPECT_NEAR(g.loss, loss(net), 1e-5);
    // The loss is computed in float: steps of 1e-2 keep the difference well above its
    // rounding; the curvature term is then about 1e-5.
    const float eps = 1e-2f;
    int checked = 0;
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        if (!net.layers[l].weighted()) {
            EXPECT_TRUE(g.layers[l].weights.empty());
            continue;
        }
        for (int which = 0; which < 2; ++which) {
            std::vector<float>& values = which ? net.layers[l].bias : net.layers[l].weights;
            const std::vector<float>& grad = which ? g.layers[l].bias : g.layers[l].weights;
            ASSERT_EQ(values.size(), grad.size());
            for (std::size_t k = 0; k < values.size(); ++k) {
                const float keep = values[k];
                values[k] = keep + eps;
                const double up = loss(net);
                values[k] = keep - eps;
                const double down = loss(net);
                values[k] = keep;
                const double numeric = (up - down) / (2.0 * eps);
                EXPECT_NEAR(grad[k], numeric, 2e-3 + 2e-2 * std::fabs(numeric))
                    << net.layers[l].name << (which ? " bias " : " weight ") << k;
                ++checked;
            }
        }
    }
    EXPECT_EQ(checked, (48 + 4) + (32 + 4) + (96 + 3)); // c1 grouped: 12 patch rows x 4
    // c1's weights outside each output's group do not exist: no gradient.
    for (int r = 0; r < 12; ++r)
        for (int o = 0; o < 4; ++o)
            if (r / 6 != o / 2)
                EXPECT_EQ(g.layers[0].weights[static_cast<std::size_t>(r * 4 + o)], 0.0f);
    EXPECT_THROW(network_gradient(net, image.data(), 3), InputError);
}

TEST(GraphTrainer, ASmallConvolutionalNetworkLearnsTheQuadrantsAndTrainsReproducibly) {
    // The 40 test images light one 2x2 quadrant of a 4x4 image (4 classes, some noise): a
    // 2x2 stride-2 convolution of 4 channels, ReLU, and a dense layer separate them.
    const Dataset data = load_idx(neurotlm::testing::test_data("tiny/images-idx3-ubyte.gz"),
                                  neurotlm::testing::test_data("tiny/labels-idx1-ubyte.gz"));
    const std::string dir = neurotlm::testing::scratch_dir("graph-train");
    const json doc = {{"format", "neurotlm-network"},
                      {"version", 1},
                      {"input", {1, 4, 4}},
                      {"layers",
                       {{{"name", "c"},
                         {"type", "conv2d"},
                         {"outputs", 4},
                         {"kernel", 2},
                         {"stride", 2},
                         {"activation", "relu"},
                         {"weights", {{"random", "uniform"}}}},
                        {{"name", "fc"}, {"outputs", 4}, {"weights", {{"random", "uniform"}}}}}}};
    std::ofstream(dir + "/arch.json") << doc.dump();
    const Network arch = load_network(dir + "/arch.json");
    TrainOptions o;
    o.epochs = 30;
    o.batch = 4;
    o.learning_rate = 0.05;
    o.lr_decay = 1.0;
    int epochs = 0;
    const Network a = train_network(arch, data, &data, o, [&](const EpochReport&) { ++epochs; });
    EXPECT_EQ(epochs, 30);
    EXPECT_GE(accuracy(a, data), 0.95);
    const Network b = train_network(arch, data, nullptr, o);
    ASSERT_EQ(a.layers.size(), b.layers.size());
    for (std::size_t l = 0; l < a.layers.size(); ++l)
        EXPECT_EQ(a.layers[l].weights, b.layers[l].weights) << "same seed, same weights";
    // Ternary: every weighted layer holds scale x {-1, 0, 1}.
    o.weights = WeightQuantization::ternary;
    const Network t = train_network(arch, data, nullptr, o);
    for (const Layer& L : t.layers) {
        ASSERT_TRUE(L.ternary) << L.name;
        int nonzero = 0;
        for (const std::vector<float>* values : {&L.weights, &L.bias})
            for (float w : *values) {
                EXPECT_TRUE(w == 0.0f || std::fabs(std::fabs(w) - L.scale) < 1e-6f)
                    << L.name << " " << w;
                nonzero += w != 0.0f;
            }
        EXPECT_GT(nonzero, 0) << L.name;
    }
    // The architecture's input must be the images'.
    json wrong = doc;
    wrong["input"] = {1, 5, 5};
    std::ofstream(dir + "/wrong.json") << wrong.dump();
    EXPECT_THROW(train_network(load_network(dir + "/wrong.json"), data, nullptr, o), InputError);
}
