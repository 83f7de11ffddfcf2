// A small convolutional network with every layer kind (strided and padded convolutions, a
// grouped one, a residual add, max and average pooling with padding, a dense layer after a
// feature map) run through a platform of crossbar tiles: what the tiles compute must be the
// network, computed here directly from the tiles' programmed weights and the inputs' quantiser.

#include <cmath>
#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/blocks/crossbar/tile_module.h"
#include "neurotlm/topology/config.h"
#include "neurotlm/topology/platform.h"
#include "neurotlm/workloads/dataset.h"
#include "neurotlm/workloads/mlp_inference.h"
#include "neurotlm/workloads/network.h"
#include "testing/paths.h"
#include "testing/platforms.h"
#include "testing/tensors.h"

using namespace neurotlm;

namespace {

constexpr int kImages = 6, kSide = 9, kClasses = 3;

/// 1x9x9 -> conv 3x2, stride (2, 1), padding (1, 0) (4x5x8) -> grouped conv 3x3 pad 1 (4x5x8)
/// -> add conv1 -> maxpool 2/2 pad 1 (4x3x5) -> avgpool 3/1 (4x1x3) -> dense 3. Nothing square
/// beyond the input, so a height mistaken for a width shows.
json cnn(std::mt19937& rng) {
    json layers = json::array();
    layers.push_back({{"name", "conv1"},
                      {"type", "conv2d"},
                      {"outputs", 4},
                      {"kernel", {3, 2}},
                      {"stride", {2, 1}},
                      {"padding", {1, 0}},
                      {"activation", "relu"},
                      {"weights", neurotlm::testing::random_tensor(rng, {4, 1, 3, 2}, 0.5f)},
                      {"bias", neurotlm::testing::random_tensor(rng, {4}, 0.2f)}});
    layers.push_back({{"name", "conv2"},
                      {"type", "conv2d"},
                      {"outputs", 4},
                      {"kernel", {3, 3}},
                      {"padding", 1},
                      {"groups", 2},
                      {"activation", "relu"},
                      {"weights", neurotlm::testing::random_tensor(rng, {4, 2, 3, 3}, 0.4f)},
                      {"bias", neurotlm::testing::random_tensor(rng, {4}, 0.2f)}});
    layers.push_back({{"name", "res"}, {"type", "add"}, {"skip", "conv1"}, {"activation", "relu"}});
    layers.push_back(
        {{"name", "pool"}, {"type", "maxpool"}, {"kernel", 2}, {"stride", 2}, {"padding", 1}});
    layers.push_back({{"name", "gap"}, {"type", "avgpool"}, {"kernel", 3}, {"stride", 1}});
    layers.push_back({{"name", "fc"},
                      {"type", "dense"},
                      {"outputs", kClasses},
                      {"weights", neurotlm::testing::random_tensor(rng, {kClasses, 12}, 1.0f)},
                      {"bias", neurotlm::testing::random_tensor(rng, {kClasses}, 0.3f)}});
    return {{"format", "neurotlm-network"},
            {"version", 1},
            {"name", "small_cnn"},
            {"input", {1, kSide, kSide}},
            {"layers", layers}};
}

/// Ideal tiles (no variation, noise or converter error; 1024 levels, 16-bit inputs in two
/// exact 8-bit slices) and a buffer for the activations.
json platform(const std::string& network, const std::string& images, const std::string& labels) {
    return {{"neurotlm", 1},
            {"name", "small_cnn"},
            {"seed", 5},
            {"devices", neurotlm::testing::exact_cell_devices()},
            {"components",
             {{{"name", "ctrl"}, {"type", "controller"}},
              {{"name", "bus"}, {"type", "router"}},
              neurotlm::testing::exact_tiles(6, 16, 16),
              {{"name", "act"}, {"type", "buffer"}, {"capacity", "4 KiB"}}}},
            {"connections",
             {{{"from", "ctrl.out"}, {"to", "bus.in"}},
              {{"from", "bus.out"}, {"to", "tile.in"}, {"base", "0x10000000"}, {"size", "2 MiB"}},
              {{"from", "bus.out"}, {"to", "act.in"}, {"base", "0x40000000"}}}},
            {"workload",
             {{"kind", "mlp_inference"},
              {"network", network},
              {"dataset", {{"images", images}, {"labels", labels}, {"limit", 0}}},
              {"calibration_images", kImages},
              {"record_outputs", kImages}}}};
}

/// The crossbar's input quantiser: |x| clipped to x_max, rounded to 2^bits - 1 steps.
double quantised(double x, double x_max, int bits) {
    const double steps = std::ldexp(1.0, bits) - 1.0;
    const double a = std::min(std::fabs(x), x_max);
    const double code = std::min(std::floor(a / x_max * steps + 0.5), steps);
    return (x < 0 ? -1.0 : 1.0) * code * x_max / steps;
}

struct Files {
    std::string dir, config;
    std::vector<std::uint8_t> pixels;
};

Files write_files() {
    Files f;
    f.dir = neurotlm::testing::scratch_dir("cnn-run");
    std::mt19937 rng(2024);
    std::ofstream(f.dir + "/net.json") << cnn(rng).dump();
    std::uniform_int_distribution<int> pixel(0, 255), label(0, kClasses - 1);
    f.pixels.resize(static_cast<std::size_t>(kImages * kSide * kSide));
    for (auto& p : f.pixels)
        p = static_cast<std::uint8_t>(pixel(rng));
    std::vector<std::uint8_t> labels(kImages);
    for (auto& l : labels)
        l = static_cast<std::uint8_t>(label(rng));
    write_idx_images(f.dir + "/images.idx", kImages, kSide, kSide, f.pixels);
    write_idx_labels(f.dir + "/labels.idx", labels);
    f.config = f.dir + "/platform.json";
    std::ofstream(f.config) << platform("net.json", "images.idx", "labels.idx").dump(2);
    return f;
}

/// The hardware's outputs against the reference, and the per-layer picture.
void check_run(const Platform& p, const Report& r, const Files& f) {
    const auto* work = dynamic_cast<const MlpInference*>(p.workload());
    ASSERT_NE(work, nullptr);
    const json& w = r.workload_results;
    ASSERT_EQ(w.at("images").get<int>(), kImages);
    const Network net = load_network(f.dir + "/net.json");
    ASSERT_EQ(net.layers.size(), 6u);

    // The reference: each weighted layer's inputs quantised as the tiles' drivers do, times the
    // weights each tile holds (its effective weights), summed directly window by window.
    const json& layers = w.at("layers");
    for (int image = 0; image < kImages; ++image) {
        std::vector<std::vector<double>> outs(net.layers.size());
        std::vector<double> input(static_cast<std::size_t>(kSide * kSide));
        for (std::size_t i = 0; i < input.size(); ++i)
            input[i] = f.pixels[static_cast<std::size_t>(image * kSide * kSide) + i] / 255.0;
        auto tensor = [&](int t) -> const std::vector<double>& {
            return t < 0 ? input : outs[static_cast<std::size_t>(t)];
        };
        for (std::size_t l = 0; l < net.layers.size(); ++l) {
            const Layer& L = net.layers[l];
            const std::vector<double>& x = tensor(L.from);
            std::vector<double>& y = outs[l];
            const Shape& in = L.in_shape;
            const Shape& out = L.out_shape;
            y.assign(static_cast<std::size_t>(out.size()), 0.0);
            if (L.weighted()) {
                const MatrixMap& map = work->mapping()[l];
                const double x_max = layers[l].at("input_range").get<double>();
                ASSERT_EQ(x_max, map.x_max);
                // The weight of matrix row r, column o, as its tile holds it.
                auto weight = [&](int row, int o) {
                    for (const TileBlock& b : map.blocks) {
                        if (row < b.row0 || row >= b.row0 + b.rows || o < b.col0 ||
                            o >= b.col0 + b.cols)
                            continue;
                        const auto* tile = dynamic_cast<const CrossbarTile*>(p.find(b.tile));
                        const Crossbar& xb = tile->crossbar();
                        return static_cast<double>(
                            xb.effective_weights()[static_cast<std::size_t>(row - b.row0) *
                                                       static_cast<std::size_t>(xb.logical_cols()) +
                                                   static_cast<std::size_t>(o - b.col0)]);
                    }
                    ADD_FAILURE() << "no tile holds row " << row << " column " << o;
                    return 0.0;
                };
                const bool bias_row = layers[l].at("bias_row").get<bool>();
                if (L.kind == LayerKind::dense) {
                    // The input flattened channel, height, width.
                    for (int o = 0; o < L.outputs; ++o) {
                        double acc = bias_row ? x_max * weight(L.inputs, o) : 0.0;
                        for (int i = 0; i < L.inputs; ++i)
                            acc +=
                                quantised(x[static_cast<std::size_t>(i)], x_max, 16) * weight(i, o);
                        y[static_cast<std::size_t>(o)] = acc;
                    }
                } else {
                    const int kh = L.kernel_h, kw = L.kernel_w;
                    for (int o = 0; o < out.channels; ++o)
                        for (int oy = 0; oy < out.height; ++oy)
                            for (int ox = 0; ox < out.width; ++ox) {
                                double acc = bias_row ? x_max * weight(L.inputs, o) : 0.0;
                                for (int c = 0; c < in.channels; ++c)
                                    for (int ky = 0; ky < kh; ++ky)
                                        for (int kx = 0; kx < kw; ++kx) {
                                            const int iy = oy * L.stride_h - L.pad_h + ky;
                                            const int ix = ox * L.stride_w - L.pad_w + kx;
                                            if (iy < 0 || iy >= in.height || ix < 0 ||
                                                ix >= in.width)
                                                continue;
                                            const double v =
                                                x[(static_cast<std::size_t>(c) * in.height + iy) *
                                                      in.width +
                                                  ix];
                                            acc += quantised(v, x_max, 16) *
                                                   weight((c * kh + ky) * kw + kx, o);
                                        }
                                y[(static_cast<std::size_t>(o) * out.height + oy) * out.width +
                                  ox] = acc;
                            }
                }
            } else if (L.kind == LayerKind::add) {
                const std::vector<double>& z = tensor(L.skip);
                for (std::size_t i = 0; i < y.size(); ++i)
                    y[i] = x[i] + z[i];
            } else {
                const bool max = L.kind == LayerKind::maxpool;
                for (int c = 0; c < out.channels; ++c)
                    for (int oy = 0; oy < out.height; ++oy)
                        for (int ox = 0; ox < out.width; ++ox) {
                            double acc = max ? -1e300 : 0.0;
                            for (int ky = 0; ky < L.kernel_h; ++ky)
                                for (int kx = 0; kx < L.kernel_w; ++kx) {
                                    const int iy = oy * L.stride_h - L.pad_h + ky;
                                    const int ix = ox * L.stride_w - L.pad_w + kx;
                                    if (iy < 0 || iy >= in.height || ix < 0 || ix >= in.width)
                                        continue; // -inf (max) or 0 (average) padding
                                    const double v =
                                        x[(static_cast<std::size_t>(c) * in.height + iy) *
                                              in.width +
                                          ix];
                                    acc = max ? std::max(acc, v) : acc + v;
                                }
                            y[(static_cast<std::size_t>(c) * out.height + oy) * out.width + ox] =
                                max ? acc : acc / (L.kernel_h * L.kernel_w);
                        }
            }
            if (L.activation == Activation::relu)
                for (double& v : y)
                    v = std::max(v, 0.0);
        }
        const std::vector<float> hw = w.at("outputs").at(image).get<std::vector<float>>();
        const std::vector<double>& want = outs.back();
        ASSERT_EQ(hw.size(), want.size());
        double scale = 0.0;
        for (double v : want)
            scale = std::max(scale, std::fabs(v));
        ASSERT_GT(scale, 0.0);
        // Float rounding, and a code of a 16-bit input that rounding can tip: 1e-5 of the range.
        for (std::size_t k = 0; k < want.size(); ++k)
            EXPECT_NEAR(hw[k], want[k], 1e-5 * scale) << "image " << image << " output " << k;
        // And the network as trained (float weights, no quantiser) within the 1024 levels'
        // step.
        const std::vector<float> sw =
            forward(net, std::vector<float>(input.begin(), input.end()).data());
        for (std::size_t k = 0; k < want.size(); ++k)
            EXPECT_NEAR(hw[k], sw[k], 2e-2 * scale) << "image " << image << " output " << k;
    }

    // The per-layer picture: reads, tiles and the pooling booked where it happened.
    EXPECT_EQ(layers[0].at("reads_per_inference").get<int>(), 40);
    EXPECT_EQ(layers[0].at("output_shape"), json::array({4, 5, 8}));
    EXPECT_EQ(layers[1].at("row_blocks").get<int>(), 3); // 36 patch rows + a bias row over 16
    EXPECT_EQ(layers[2].at("skip").get<std::string>(), "conv1");
    EXPECT_EQ(layers[3].at("output_shape"), json::array({4, 3, 5}));
    EXPECT_EQ(layers[4].at("output_shape"), json::array({4, 1, 3}));
    // MACs: conv1 40 x 6 x 4, conv2 40 x 18 x 4 (grouped: 2 of 4 input channels), fc 12 x 3.
    EXPECT_DOUBLE_EQ(w.at("macs_per_inference").get<double>(), 960.0 + 2880.0 + 36.0);
    bool pooled = false;
    for (const auto& ph : r.phases)
        if (ph.name == "pool")
            for (const auto& [cls, joules] : ph.dynamic_by_class_J)
                if (cls == "pooling") pooled = joules > 0.0;
    EXPECT_TRUE(pooled) << "max pooling books its comparisons in the pooling class";
}

} // namespace

TEST(CnnRun, TheTilesComputeTheConvolutionsPoolingAndResidualAddOfTheNetwork) {
    const Files f = write_files();
    Platform p(load_config(f.config));
    const Report r = p.run();
    check_run(p, r, f);
    for (const json& layer : r.workload_results.at("layers"))
        if (layer.contains("copies")) EXPECT_EQ(layer.at("copies").get<int>(), 1);
    // Each image's patches were read ahead (40 a layer, in one chunk): the convolutions' tiles
    // answered their reads from them. The fully connected layer's one read is not.
    std::uint64_t served = 0;
    for (int k = 0; k < 6; ++k) {
        const auto* tile = dynamic_cast<const CrossbarTile*>(p.find("tile" + std::to_string(k)));
        ASSERT_NE(tile, nullptr);
        served += tile->crossbar().reads_served_ahead();
    }
    // conv1 (1 tile) and conv2 (3 tiles) read 40 patches per image.
    EXPECT_EQ(served, static_cast<std::uint64_t>(kImages) * 40 * 4);
}

TEST(CnnRun, CopiesOfTheWeightsReadOtherPixelsAtTheSameTimeAndComputeTheSame) {
    // 16 tiles: the network takes 5 (conv1 1, conv2 3, fc 1); the 11 free ones take copies
    // where they save the most rounds of reads per tile (40 pixels each).
    const Files f = write_files();
    LoadOptions options;
    options.overrides = {"/components/2/count=16", "/workload/duplication=fill"};
    Platform p(load_config(f.config, options));
    const Report r = p.run();
    check_run(p, r, f);
    const json& layers = r.workload_results.at("layers");
    const int c1 = layers[0].at("copies").get<int>(), c2 = layers[1].at("copies").get<int>();
    EXPECT_GT(c1, 1);
    EXPECT_EQ(layers[5].at("copies").get<int>(), 1) << "one pixel: nothing to read in parallel";
    const int used = c1 + 3 * c2 + 1;
    EXPECT_EQ(layers[0].at("tiles_used").get<int>() + layers[1].at("tiles_used").get<int>() +
                  layers[5].at("tiles_used").get<int>(),
              used);
    ASSERT_LE(used, 16);
    // No copies the free tiles could hold would take a round of reads off either layer.
    auto more_needed = [](int copies, int tiles_per_copy) {
        const int rounds = (40 + copies - 1) / copies;
        return rounds <= 1 ? 1 << 20 : ((40 + rounds - 2) / (rounds - 1) - copies) * tiles_per_copy;
    };
    EXPECT_GT(more_needed(c1, 1), 16 - used);
    EXPECT_GT(more_needed(c2, 3), 16 - used);
    // Each copy's patches were read ahead in the order its reads came: every read of the two
    // convolutions was served from them (40 pixels x the layer's tiles, per image).
    std::uint64_t served = 0;
    for (int k = 0; k < 16; ++k)
        served += dynamic_cast<const CrossbarTile*>(p.find("tile" + std::to_string(k)))
                      ->crossbar()
                      .reads_served_ahead();
    EXPECT_EQ(served, static_cast<std::uint64_t>(kImages) * 40 * (1 + 3));
}
