#include "neurotlm/workloads/trainer.h"

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"
#include "neurotlm/core/rng.h"
#include "neurotlm/workloads/npy.h"
#include "testing/paths.h"

using namespace neurotlm;

namespace {

/// Each class lights its own 2x2 block of a 4x4 image, over uniform background noise.
Dataset blocks(int count, std::uint64_t seed, int classes = 4) {
    RngStream rng(seed, "blocks");
    Dataset d;
    d.count = count;
    d.height = 4;
    d.width = 4;
    for (int i = 0; i < count; ++i) {
        const int label = static_cast<int>(rng.below(static_cast<std::uint64_t>(classes)));
        d.labels.push_back(label);
        const int r0 = (label / 2) * 2, c0 = (label % 2) * 2;
        for (int r = 0; r < 4; ++r)
            for (int c = 0; c < 4; ++c) {
                const bool lit = r >= r0 && r < r0 + 2 && c >= c0 && c < c0 + 2;
                d.pixels.push_back(static_cast<float>(0.4 * rng.uniform() + (lit ? 0.5 : 0.0)));
            }
    }
    return d;
}

TrainOptions small_options() {
    TrainOptions o;
    o.hidden = {8};
    o.epochs = 5;
    o.learning_rate = 0.02;
    o.momentum = 0.9;
    o.batch = 16;
    o.seed = 7;
    o.name = "blocks";
    return o;
}

} // namespace

TEST(Trainer, LearnsASeparableProblem) {
    const Dataset train = blocks(400, 1), test = blocks(200, 2);
    std::vector<EpochReport> reports;
    const Network net = train_classifier(train, &test, small_options(),
                                         [&](const EpochReport& r) { reports.push_back(r); });
    ASSERT_EQ(reports.size(), 5u);
    EXPECT_EQ(reports.front().epoch, 1);
    EXPECT_LT(reports.back().loss, reports.front().loss);
    for (std::size_t i = 1; i < reports.size(); ++i)
        EXPECT_LE(reports[i].loss, reports[i - 1].loss * 1.05) << "epoch " << i + 1;
    EXPECT_GT(reports.back().train_accuracy, 0.9);
    EXPECT_GT(reports.back().test_accuracy, 0.9);

    ASSERT_EQ(net.layers.size(), 2u);
    EXPECT_EQ(net.name, "blocks");
    EXPECT_EQ(net.input_size(), 16);
    EXPECT_EQ(net.layers[0].outputs, 8);
    EXPECT_EQ(net.layers[0].activation, Activation::relu);
    EXPECT_EQ(net.output_size(), 4);
    EXPECT_EQ(net.layers[1].activation, Activation::none);
    // The float reference agrees with the trainer's own evaluation.
    EXPECT_DOUBLE_EQ(accuracy(net, test), reports.back().test_accuracy);
}

TEST(Trainer, OtherActivationsAndALinearModelLearnToo) {
    const Dataset train = blocks(400, 3), test = blocks(200, 4);
    for (auto [act, hidden] : {std::pair{Activation::sigmoid, std::vector<int>{8}},
                               std::pair{Activation::tanh, std::vector<int>{8, 6}},
                               std::pair{Activation::reverse_sigmoid, std::vector<int>{8}},
                               std::pair{Activation::relu, std::vector<int>{}}}) {
        SCOPED_TRACE(to_string(act));
        TrainOptions o = small_options();
        o.activation = act;
        o.hidden = hidden;
        o.epochs = 10;
        o.learning_rate = 0.05;
        const Network net = train_classifier(train, nullptr, o);
        EXPECT_EQ(net.layers.size(), hidden.size() + 1);
        EXPECT_GT(accuracy(net, test), 0.9);
    }
}

TEST(Trainer, DeterministicForASeed) {
    const Dataset train = blocks(200, 5);
    const TrainOptions o = small_options();
    const Network a = train_classifier(train, nullptr, o);
    const Network b = train_classifier(train, nullptr, o);
    ASSERT_EQ(a.layers.size(), b.layers.size());
    for (std::size_t l = 0; l < a.layers.size(); ++l) {
        EXPECT_EQ(a.layers[l].weights, b.layers[l].weights);
        EXPECT_EQ(a.layers[l].bias, b.layers[l].bias);
    }
    TrainOptions other = o;
    other.seed = 8;
    EXPECT_NE(train_classifier(train, nullptr, other).layers[0].weights, a.layers[0].weights);
}

TEST(Trainer, RejectsUnusableInput) {
    const Dataset train = blocks(50, 6);
    const TrainOptions o = small_options();

    Dataset unlabeled = train;
    unlabeled.labels.clear();
    EXPECT_THROW(train_classifier(unlabeled, nullptr, o), InputError);

    TrainOptions two = o;
    two.classes = 2; // labels go up to 3
    EXPECT_THROW(train_classifier(train, nullptr, two), InputError);

    Dataset wide = blocks(10, 7);
    wide.width = 2;
    wide.height = 8;
    EXPECT_NO_THROW(train_classifier(train, &wide, o)); // same pixel count is fine
    wide.height = 2;
    wide.pixels.resize(40);
    EXPECT_THROW(train_classifier(train, &wide, o), InputError);

    EXPECT_THROW(train_classifier(Dataset{}, nullptr, o), InputError);
    TrainOptions bad = o;
    bad.batch = 0;
    EXPECT_THROW(train_classifier(train, nullptr, bad), InputError);
    bad = o;
    bad.momentum = 1.0;
    EXPECT_THROW(train_classifier(train, nullptr, bad), InputError);
    bad = o;
    // Softmax cross-entropy stays finite for any sane step; only an absurd one overflows the
    // weights (and ReLU units would just die, so use a linear model).
    bad.hidden = {};
    bad.learning_rate = 1e38;
    bad.epochs = 3;
    EXPECT_THROW(train_classifier(train, nullptr, bad), InputError);

    Dataset nan_pixel = train;
    nan_pixel.pixels[5] = std::nanf("");
    EXPECT_THROW(train_classifier(nan_pixel, nullptr, o), InputError);
    Dataset short_pixels = train;
    short_pixels.pixels.pop_back();
    EXPECT_THROW(train_classifier(short_pixels, nullptr, o), InputError);
}

TEST(Trainer, TheMemoryEstimateFollowsTheLayersByHand) {
    // 784-128-10 on 60000 + 10000 images, batch 32 (256 with a test set for evaluation).
    TrainOptions o;
    o.hidden = {128};
    o.batch = 32;
    const TrainingMemory m = estimate_training_memory(784, 60000, 10000, 10, o);
    const double params = 784.0 * 128 + 128 + 128.0 * 10 + 10;
    EXPECT_DOUBLE_EQ(m.parameters_B, params * 4 * 6);
    EXPECT_DOUBLE_EQ(m.datasets_B, 70000.0 * (784 * 4 + 4) + 60000.0 * 4);
    EXPECT_DOUBLE_EQ(m.activations_B, 256.0 * (2 * (784 + 128 + 10) + 3 * 784) * 4);
    EXPECT_DOUBLE_EQ(m.total_B(), m.parameters_B + m.datasets_B + m.activations_B);
    // Without a test set only the batch's activations.
    EXPECT_DOUBLE_EQ(estimate_training_memory(784, 60000, 0, 10, o).activations_B,
                     32.0 * (2 * (784 + 128 + 10) + 3 * 784) * 4);

    // The mistyped --hidden 100000000 needs hundreds of GiB: what neurotlm-train refuses.
    o.hidden = {100000000};
    EXPECT_GT(estimate_training_memory(784, 60000, 10000, 10, o).parameters_B, 1e12);
}

namespace {

/// Every weight and bias of @p layer is -scale, 0 or +scale; counts the zeros and non-zeros.
void expect_ternary(const Layer& layer, int& zeros, int& nonzeros) {
    ASSERT_TRUE(layer.ternary) << layer.name;
    ASSERT_GT(layer.scale, 0.0f) << layer.name;
    auto check = [&](const std::vector<float>& values, const char* what) {
        for (std::size_t i = 0; i < values.size(); ++i) {
            const float v = values[i];
            ASSERT_TRUE(v == 0.0f || v == layer.scale || v == -layer.scale)
                << layer.name << " " << what << " " << i << " = " << v << ", scale " << layer.scale;
            (v == 0.0f ? zeros : nonzeros) += 1;
        }
    };
    check(layer.weights, "weight");
    check(layer.bias, "bias");
}

} // namespace

TEST(Trainer, TernaryWeightsAreLevelsTimesAScaleAndStillLearn) {
    const Dataset train = blocks(400, 11), test = blocks(200, 12);
    TrainOptions o = small_options();
    o.activation = Activation::reverse_sigmoid;
    o.weights = WeightQuantization::ternary;
    o.epochs = 10;
    o.learning_rate = 0.05;
    std::vector<EpochReport> reports;
    const Network net =
        train_classifier(train, &test, o, [&](const EpochReport& r) { reports.push_back(r); });
    ASSERT_EQ(net.layers.size(), 2u);
    for (const Layer& layer : net.layers) {
        int zeros = 0, nonzeros = 0;
        expect_ternary(layer, zeros, nonzeros);
        // TWN's threshold (0.7 x mean |w|) zeroes some weights and keeps others.
        EXPECT_GT(zeros, 0) << layer.name;
        EXPECT_GT(nonzeros, 0) << layer.name;
    }
    EXPECT_NE(net.layers[0].scale, net.layers[1].scale); // one gain per layer
    EXPECT_GT(accuracy(net, test), 0.9);
    // The trainer evaluated the same ternary weights it returns.
    EXPECT_DOUBLE_EQ(accuracy(net, test), reports.back().test_accuracy);

    // Saved as levels plus a scale; loads back to the same values.
    const std::string dir = neurotlm::testing::scratch_dir("trainer-ternary");
    save_network(net, dir + "/t.json");
    const NpyArray w = read_npy(dir + "/blocks_fc1_w.npy");
    for (float v : w.data)
        ASSERT_TRUE(v == -1.0f || v == 0.0f || v == 1.0f) << v;
    const Network back = load_network(dir + "/t.json");
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        EXPECT_EQ(back.layers[l].weights, net.layers[l].weights);
        EXPECT_EQ(back.layers[l].bias, net.layers[l].bias);
        EXPECT_EQ(back.layers[l].scale, net.layers[l].scale);
        EXPECT_TRUE(back.layers[l].ternary);
    }

    // Deterministic for a seed, as float training is.
    const Network again = train_classifier(train, &test, o);
    for (std::size_t l = 0; l < net.layers.size(); ++l)
        EXPECT_EQ(again.layers[l].weights, net.layers[l].weights);
    // A float run of the same options is not ternary.
    TrainOptions real = o;
    real.weights = WeightQuantization::none;
    EXPECT_FALSE(train_classifier(train, nullptr, real).layers[0].ternary);
}

TEST(Trainer, TheTernaryThresholdSetsHowManyWeightsAreZero) {
    const Dataset train = blocks(200, 13);
    TrainOptions o = small_options();
    o.weights = WeightQuantization::ternary;
    auto zero_share = [&](double threshold) {
        o.ternary_threshold = threshold;
        const Network net = train_classifier(train, nullptr, o);
        int zeros = 0, nonzeros = 0;
        for (const Layer& layer : net.layers)
            expect_ternary(layer, zeros, nonzeros);
        return static_cast<double>(zeros) / (zeros + nonzeros);
    };
    // 0 keeps every weight's sign (binary weights) but for values exactly 0: a dead ReLU unit's
    // bias never leaves its initial 0. A larger threshold zeroes more.
    EXPECT_LT(zero_share(0.0), 0.02);
    EXPECT_LT(zero_share(0.3), zero_share(1.2));
    for (double bad : {-0.1, 2.5, static_cast<double>(std::nanf(""))}) {
        o.ternary_threshold = bad;
        try {
            train_classifier(train, nullptr, o);
            ADD_FAILURE() << bad << " accepted";
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find("ternary threshold"), std::string::npos)
                << e.what();
        }
    }
}

TEST(Trainer, TheShippedTernaryNetworkHasIMACSimsShape) {
    const std::string path = neurotlm::testing::source_dir() + "/traces/fmnist_ternary_mlp.json";
    const Network net = load_network(path);
    ASSERT_EQ(net.layers.size(), 3u);
    EXPECT_EQ(net.input_size(), 400);
    EXPECT_EQ(net.layers[0].outputs, 120);
    EXPECT_EQ(net.layers[1].outputs, 84);
    EXPECT_EQ(net.output_size(), 10);
    EXPECT_EQ(net.layers[0].activation, Activation::reverse_sigmoid);
    EXPECT_EQ(net.layers[1].activation, Activation::reverse_sigmoid);
    EXPECT_EQ(net.layers[2].activation, Activation::none);
    for (const Layer& layer : net.layers) {
        int zeros = 0, nonzeros = 0;
        expect_ternary(layer, zeros, nonzeros);
    }

    const std::string dir = default_fashion_mnist_dir();
    if (!std::filesystem::exists(dir + "/t10k-images-idx3-ubyte.gz"))
        GTEST_SKIP() << "dataset-fashion-mnist is not installed";
    // The inputs it was trained on (traces/README.md): 20x20, binarised at 0.25 to {-1, 1}.
    Dataset test =
        load_idx(dir + "/t10k-images-idx3-ubyte.gz", dir + "/t10k-labels-idx1-ubyte.gz", 1000);
    ImagePreprocessing p;
    p.resize_height = p.resize_width = 20;
    p.binarize = true;
    p.threshold = 0.25f;
    p.low = -1.0f;
    preprocess(test, p);
    // 85.60 % on these 1000 images when it was trained (85.34 % on all 10 000).
    EXPECT_GT(accuracy(net, test), 0.83);
}
