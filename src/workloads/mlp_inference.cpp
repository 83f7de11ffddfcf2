#include "neurotlm/workloads/mlp_inference.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "neurotlm/blocks/buffer/buffer_driver.h"
#include "neurotlm/blocks/buffer/sram.h"
#include "neurotlm/blocks/crossbar/crossbar.h"
#include "neurotlm/blocks/crossbar/tile_driver.h"
#include "neurotlm/blocks/crossbar/tile_widths.h"
#include "neurotlm/blocks/neuron_bank/neuron_bank.h"
#include "neurotlm/blocks/neuron_bank/neuron_bank_driver.h"
#include "neurotlm/core/error.h"
#include "neurotlm/workloads/dataset.h"
#include "neurotlm/workloads/npy.h"

namespace neurotlm {

namespace {

std::string fmnist(const char* file) {
    return default_fashion_mnist_dir() + "/" + file;
}

/// "3 layers: conv2d, maxpool, dense" for messages.
std::string describe_layers(const Network& net) {
    std::string s = std::to_string(net.layers.size()) + " layers:";
    for (std::size_t l = 0; l < net.layers.size(); ++l)
        s += (l ? ", " : " ") + std::string(to_string(net.layers[l].kind)) +
             (net.layers[l].from != static_cast<int>(l) - 1 ? " (from elsewhere)" : "");
    return s;
}

} // namespace

ParamTable MlpInference::param_table() {
    ParamTable t;
    t.string("network", nullptr,
             "network description (neurotlm-network JSON, weights inline or in .npy files)")
        .choice("dataset.format", {"idx", "npy", "random"}, "idx",
                "idx: IDX files, gzip'd or plain (MNIST, Fashion-MNIST); npy: NumPy arrays of "
                "[count, (channels,) height, width] images (bytes / 255, else as stored) and "
                "[count] labels; random: dataset.limit synthetic images of the network's input "
                "shape, no labels")
        .string("dataset.images", fmnist("t10k-images-idx3-ubyte.gz"), "image file")
        .string("dataset.labels", fmnist("t10k-labels-idx1-ubyte.gz"),
                "label file; \"\" for none (no accuracy then)")
        .integer("dataset.limit", 1000, "images to run; 0 = all", 0, 1e9)
        .integer("dataset.offset", 0, "images to skip first", 0, 1e9)
        .number("dataset.zero_fraction", Unit::none, 0.5,
                "random images: the share of pixels that are 0 (the rest uniform in (0, 1])", 0.0,
                1.0)
        .integer("dataset.seed", 1, "random images: their seed", 0, 1e15)
        .integer("stop_after", 0,
                 "run only the first N of the loaded images (0 = all); calibration still takes "
                 "its calibration_images from all of them",
                 0, 1e9)
        .string("tiles", "",
                "crossbar tiles to map the network on: a component or group name; \"\" = every "
                "crossbar_tile")
        .integer("calibration_images", 100,
                 "images (from the start of the dataset) used offline to set input and ADC ranges",
                 1, 1e6)
        // Below 0.01 nearly every column clips at the ADC's top code; above 100 the partial
        // sums use less than 1% of the codes (under one code of a 6-bit ADC). Either is a
        // mistake, and a margin far below float32's precision turned the range into the
        // "automatic" 0.
        .number("adc_range_margin", Unit::none, 1.0,
                "ADC full scale = margin x the largest calibrated partial sum, 0.01 to 100 "
                "(below 1 clips the largest sums, below 0.01 nearly all; above 100 the sums use "
                "under 1% of the ADC's codes)",
                0.01, 100.0)
        .boolean("software_reference", true,
                 "run the float network on the same images for comparison")
        .choice("duplication", {"none", "fill"}, "none",
                "fill: the tiles the network leaves free hold copies of convolution layers' "
                "weights, each copy reading other output pixels at the same time (weight "
                "duplication); the copies go where they save the most reads per tile (after "
                "those \"copies\" asks for)")
        .any("copies", json::object(),
             "copies of a convolution layer's weights by layer name, e.g. {\"conv1\": 16}: each "
             "copy reads other output pixels at the same time (1 = no duplication)")
        .integer("record_outputs", 0,
                 "keep the last layer's outputs (as the hardware computed them) of the first N "
                 "images in the report's workload results, under \"outputs\" (empty for an image "
                 "that stopped at an early exit), and with exits each exit's search under "
                 "\"exit_searches\"",
                 0, 10000)
        .string("buffer", "",
                "the buffer block holding activations between layers: its name; \"\" = the "
                "platform's only buffer, or none when it has no buffer block")
        .string("exits.memory", "",
                "early exits: the semantic memory (class prototypes per exit, from neurotlm "
                "prototypes); \"\" = no exits")
        .any("exits.cams", "",
             "early exits: the cam_array blocks holding each exit's prototypes, in exit order: "
             "a list of names, or a group name; \"\" = the platform's cam_array blocks in order")
        .choice("exits.rule", {"margin", "distance"}, "margin",
                "early exits: margin: exit when the runner-up class's prototype is at least the "
                "threshold further (Hamming distance) than the best one's (the CAM's top-2 "
                "search); distance: exit when the best prototype is within the threshold")
        .any("exits.threshold", 4,
             "early exits: the rule's threshold in bits, one for every exit or a list with one "
             "per exit")
        .boolean("exits.stop", false,
                 "early exits: true: an image that exits stops there (the run's totals are the "
                 "dynamic network's; no static figures or sweep); false: every image also runs "
                 "the whole network and every exit, so that the static network, the dynamic one "
                 "and the threshold sweep come from one run, each image priced up to its exit")
        .boolean("exits.sweep", true,
                 "early exits: evaluate every threshold (the same at every exit) from the run's "
                 "searches: accuracy against computation, energy and latency");
    add_preprocessing_params(t, "dataset.");
    return t;
}

MlpInference::MlpInference(const Params& p, const PlatformInfo& platform) {
    const std::string& file = platform.file;
    const std::string net_path = resolve_path(platform.config_dir, p.string("network"));
    try {
        m_net = load_network(net_path);
    } catch (const InputError& e) {
        // The message names the network file (and the pointer inside it) as well.
        throw ConfigError(file, p.pointer_of("network"), "a readable, valid network file",
                          e.what());
    }
    if (m_net.layers.empty())
        throw ConfigError(file, p.pointer_of("network"), "a network with at least one layer",
                          net_path + " has none");

    load_dataset(p, platform);
    preprocess(m_data, preprocessing_from(p, "dataset."));
    if (m_data.count == 0)
        throw ConfigError(file, p.pointer_of("dataset.offset"),
                          "at least one image after the offset", "none");
    const Shape& in = m_net.input_shape;
    const bool image_input = in.height > 1 || in.width > 1;
    if (image_input ? (in.channels != m_data.channels || in.height != m_data.height ||
                       in.width != m_data.width)
                    : m_data.image_size() != m_net.input_size())
        throw ConfigError(file, p.pointer_of("dataset.images"),
                          image_input ? "images of " + to_string(in) +
                                            " (the network's input: channels x height x width), "
                                            "after any dataset.resize"
                                      : "images of " + std::to_string(m_net.input_size()) +
                                            " pixels (the network's input), after any "
                                            "dataset.resize",
                          std::to_string(m_data.channels) + "x" + std::to_string(m_data.height) +
                              "x" + std::to_string(m_data.width));
    m_calibration =
        static_cast<int>(std::min<std::int64_t>(p.integer("calibration_images"), m_data.count));
    m_run_count = m_data.count;
    if (const std::int64_t stop = p.integer("stop_after"); stop > 0) {
        if (stop > m_data.count)
            throw ConfigError(file, p.pointer_of("stop_after"),
                              "at most the " + std::to_string(m_data.count) +
                                  " images loaded (after dataset.offset and dataset.limit)",
                              std::to_string(stop));
        m_run_count = static_cast<int>(stop);
    }
    m_margin = static_cast<float>(p.number("adc_range_margin"));
    m_software = p.boolean("software_reference");
    m_record = static_cast<int>(p.integer("record_outputs"));
    if (static_cast<double>(m_record) * m_net.output_size() > kMaxRecordedValues)
        throw ConfigError(file, p.pointer_of("record_outputs"),
                          "at most " + std::to_string(static_cast<long long>(kMaxRecordedValues)) +
                              " values in all (images x the network's outputs)",
                          std::to_string(m_record) + " x " + std::to_string(m_net.output_size()));
    m_classes = m_net.output_size();
    if (!m_data.labels.empty()) {
        // A classifier's outputs are its classes; a feature map as output is not one.
        if (m_classes > kMaxClasses)
            throw ConfigError(file, p.pointer_of("dataset.labels"),
                              "a network of at most " + std::to_string(kMaxClasses) +
                                  " outputs (classes) to count labels against",
                              m_net.name + " has " + std::to_string(m_classes) + " outputs");
        for (int l : m_data.labels)
            if (l < 0 || l >= m_classes)
                throw ConfigError(file, p.pointer_of("dataset.labels"),
                                  "labels below the network's " + std::to_string(m_classes) +
                                      " outputs",
                                  "label " + std::to_string(l));
        m_confusion.assign(
            static_cast<std::size_t>(m_classes) * static_cast<std::size_t>(m_classes), 0);
    }

    find_buffer(p, platform);
    if (!platform.devices) throw std::logic_error("mlp_inference without a device library");
    const std::vector<const ComponentInfo*> tiles = find_tiles(p, platform);
    // Tiles whose currents leave on analog links run the network as an analog chain.
    for (const auto* t : tiles)
        for (const auto& l : platform.analog_links)
            if (l.from == t->name && l.from_port == "aout") m_chain_mode = true;
    if (m_chain_mode && !m_net.is_mlp())
        throw ConfigError(file, p.pointer_of("network"),
                          "dense layers, each taking the previous one's output (tiles on analog "
                          "links run a network as an analog chain)",
                          m_net.name + " has " + describe_layers(m_net));
    m_mapper = std::make_unique<TileMapper>(tiles, file, p.pointer_of("tiles"), *platform.devices);
    std::int64_t needed = 0;
    for (std::size_t l = 0; l < m_net.layers.size(); ++l) {
        const Layer& layer = m_net.layers[l];
        // A bias row only where there is a bias (a chain's bias rows are driven by the supply,
        // so a chain keeps them all).
        bool bias = m_chain_mode;
        for (float b : layer.bias)
            bias = bias || b != 0.0f;
        m_bias_row.push_back(layer.weighted() && bias);
        m_convolutions = m_convolutions || layer.kind == LayerKind::conv2d;
        if (!layer.weighted()) continue;
        needed += m_mapper->tiles_for(matrix_rows(l), layer.outputs);
        // A grouped convolution's rows outside a group hold zeros: they are not operations.
        m_macs_per_image +=
            static_cast<double>(layer.inputs / layer.groups) * layer.outputs * layer.positions();
    }
    if (static_cast<std::size_t>(needed) > m_mapper->tiles())
        throw ConfigError(file, p.pointer_of("tiles"),
                          std::to_string(needed) + " tiles of " +
                              std::to_string(m_mapper->tile_rows()) + "x" +
                              std::to_string(m_mapper->tile_cols()) +
                              " (inputs x outputs) to hold " + m_net.name + " weight-stationary",
                          std::to_string(m_mapper->tiles()) + " tiles");
    calibrate(platform, p.pointer_of("network"));
    place_copies(p, file);
    if (p.string("duplication") == "fill") duplicate_layers();
    if (m_chain_mode) set_chain_gains(file, p.pointer_of("tiles"));
    plan_exits(p, platform);
}

int MlpInference::matrix_rows(std::size_t l) const {
    return m_net.layers[l].inputs + (m_bias_row[l] ? 1 : 0);
}

void MlpInference::layer_input(std::size_t l, const float* x, int position, float* out) const {
    const Layer& L = m_net.layers[l];
    if (L.kind == LayerKind::conv2d)
        L.patch(x, position / L.out_shape.width, position % L.out_shape.width, out);
    else
        std::copy_n(x, L.inputs, out);
    if (m_bias_row[l]) out[L.inputs] = m_map[l].x_max;
}

void MlpInference::calibrate(const PlatformInfo& platform, const std::string& network_pointer) {
    const std::string& file = platform.file;
    // Two passes over the calibration images through the float reference, one image at a time
    // (a convolution's inputs are large): first each weighted layer's largest input, then,
    // once the blocks are placed, the largest partial sum each block's converter sees.
    const std::size_t layers = m_net.layers.size();
    auto input_of = [&](int image, const std::vector<std::vector<float>>& outs, std::size_t l) {
        const int from = m_net.layers[l].from;
        return from < 0 ? m_data.image(image) : outs[static_cast<std::size_t>(from)].data();
    };
    auto input_size = [&](std::size_t l) {
        const int from = m_net.layers[l].from;
        return from < 0 ? m_net.input_size()
                        : m_net.layers[static_cast<std::size_t>(from)].out_shape.size();
    };
    std::vector<float> largest(layers, 0.0f);
    for (int i = 0; i < m_calibration; ++i) {
        const std::vector<std::vector<float>> outs = forward_layers(m_net, m_data.image(i));
        for (std::size_t l = 0; l < layers; ++l) {
            if (!m_net.layers[l].weighted()) continue;
            const float* x = input_of(i, outs, l);
            for (int k = 0; k < input_size(l); ++k)
                largest[l] = std::max(largest[l], std::fabs(x[k]));
        }
    }

    m_map.resize(layers);
    for (std::size_t l = 0; l < layers; ++l) {
        const Layer& L = m_net.layers[l];
        if (!L.weighted()) continue;
        // x_max: the largest input magnitude. The bias row carries b / x_max at input x_max.
        float x_max = largest[l] > 0 ? largest[l] : 1.0f;
        // In a chain a neuron's output voltage drives the row: the input range is what the
        // full read voltage stands for, so that V / swing is the activation r(x) in [0, 1].
        if (m_chain_mode && l > 0)
            x_max = static_cast<float>(m_mapper->next_spec().cell.read_voltage_V /
                                       m_chain[l - 1].swing_V);
        float w = 0;
        for (float v : L.weights)
            w = std::max(w, std::fabs(v));
        for (float v : L.bias)
            w = std::max(w, std::fabs(v) / x_max);
        const int rows = matrix_rows(l);
        std::vector<float> matrix(static_cast<std::size_t>(rows) * L.outputs);
        std::copy(L.weights.begin(), L.weights.end(), matrix.begin());
        if (m_bias_row[l])
            for (int c = 0; c < L.outputs; ++c)
                matrix[static_cast<std::size_t>(L.inputs) * L.outputs + c] =
                    L.bias[static_cast<std::size_t>(c)] / x_max;
        MatrixMap map = m_mapper->place(matrix, rows, L.outputs);
        map.x_max = x_max;
        map.w_max = w > 0 ? w : 1.0f;
        m_map[l] = std::move(map);
        if (m_chain_mode) plan_chain_layer(platform, l);
    }
    // ADC range per tile: the largest output of any one input slice over the calibration
    // images (what the converter must cover without clipping); a convolution's every patch.
    std::vector<float> xb;
    for (int i = 0; i < m_calibration; ++i) {
        const std::vector<std::vector<float>> outs = forward_layers(m_net, m_data.image(i));
        for (std::size_t l = 0; l < layers; ++l) {
            if (!m_net.layers[l].weighted()) continue;
            for (int pos = 0; pos < m_net.layers[l].positions(); ++pos) {
                xb.resize(static_cast<std::size_t>(matrix_rows(l)));
                layer_input(l, input_of(i, outs, l), pos, xb.data());
                TileMapper::observe(m_map[l], xb);
            }
        }
    }
    for (auto& map : m_map)
        TileMapper::finish(map, m_margin);
    check_precision();
    // Tiles compute in float32: a layer whose partial sums would overflow it gives infinite
    // outputs and ADC ranges (null in the report), so it is refused here, before the run.
    for (std::size_t l = 0; l < layers; ++l) {
        const MatrixMap& map = m_map[l];
        for (const TileBlock& b : map.blocks) {
            const double bound =
                Crossbar::output_bound(b.weights.data(), b.rows, b.cols, map.x_max);
            if (!(bound <= kMaxTileOutput) || !std::isfinite(b.y_max)) {
                char found[200];
                std::snprintf(found, sizeof found,
                              "layer %s: inputs up to %g times weights give partial sums up to "
                              "%g on %s",
                              m_net.layers[l].name.c_str(), static_cast<double>(map.x_max), bound,
                              b.tile.c_str());
                throw ConfigError(file, network_pointer,
                                  "a network whose partial sums fit the tiles' float32 with "
                                  "headroom for variation and noise (at most 3.4e34)",
                                  found);
            }
        }
    }
}

// A network whose weights the cells cannot hold is not worth running silently: with analog
// cells of few levels (2-level cells keep only a weight's sign) the encoded weights are far
// from the trained ones and the accuracy collapses. Measured on the nominal (variation-free)
// encoding of every weight: the RMS error relative to the weights' RMS.
void MlpInference::check_precision() {
    for (std::size_t l = 0; l < m_map.size(); ++l) {
        const MatrixMap& map = m_map[l];
        double err2 = 0.0, sum2 = 0.0;
        const CrossbarSpec* spec = nullptr;
        for (const TileBlock& b : map.blocks) {
            spec = b.spec;
            for (float w : b.weights) {
                const double q = Crossbar::nominal_weight(*b.spec, w, map.w_max);
                err2 += (q - w) * (q - w);
                sum2 += static_cast<double>(w) * w;
            }
        }
        // One entry per layer: null (NaN) where there are no weights to hold.
        const double rel =
            spec && sum2 > 0.0 ? std::sqrt(err2 / sum2) : std::numeric_limits<double>::quiet_NaN();
        m_weight_error.push_back(rel);
        if (!(rel > kMaxWeightError)) continue;
        char buf[480];
        std::snprintf(
            buf, sizeof buf,
            "layer %s: the weights as the tiles hold them differ from the network's by %.0f%% "
            "RMS (%d-level cells, %s); expect a large accuracy loss: %s",
            m_net.layers[l].name.c_str(), 100.0 * rel, spec->cell.levels(),
            spec->sliced() ? (std::to_string(spec->weight_bits) + "-bit codes").c_str()
                           : "analog: each weight at the nearest level",
            spec->sliced() ? "raise weight_bits"
                           : "set weight_bits (e.g. 8) to spread each weight over several cells, "
                             "or use cells with more levels");
        m_warnings.emplace_back(buf);
    }
}

WorkloadTotals MlpInference::totals() const {
    WorkloadTotals t;
    t.items = m_done;
    t.items_requested = static_cast<std::uint64_t>(m_run_count);
    t.ops = 2.0 * m_macs_run; // with exits that stop, the MACs the images reached
    t.item_name = "inference";
    return t;
}

json MlpInference::results() const {
    json j;
    j["network"] = m_net.path;
    j["network_name"] = m_net.name;
    j["dataset"] = {{"images", m_random_images ? json("random") : json(m_images)},
                    {"labels", m_labels},
                    {"count", m_data.count},
                    {"shape", {m_data.channels, m_data.height, m_data.width}}};
    j["images"] = m_done;
    j["macs_per_inference"] = m_macs_per_image;
    j["warnings"] = m_warnings;
    j["weight_encoding_error"] = m_weight_error;
    const bool labelled = !m_data.labels.empty() && m_done > 0;
    j["accuracy"] = labelled ? json(static_cast<double>(m_correct) / static_cast<double>(m_done))
                             : json(nullptr);
    if (m_software) {
        j["software_accuracy"] =
            labelled ? json(static_cast<double>(m_sw_correct) / static_cast<double>(m_done))
                     : json(nullptr);
        j["agreement_with_software"] =
            m_done ? json(static_cast<double>(m_agree) / static_cast<double>(m_done))
                   : json(nullptr);
    }
    if (labelled) {
        json conf = json::array();
        for (int r = 0; r < m_classes; ++r) {
            json row = json::array();
            for (int c = 0; c < m_classes; ++c)
                row.push_back(
                    m_confusion[static_cast<std::size_t>(r) * static_cast<std::size_t>(m_classes) +
                                static_cast<std::size_t>(c)]);
            conf.push_back(row);
        }
        j["confusion"] = conf;
    }
    if (m_chain_mode) {
        json chain = json::array();
        for (std::size_t l = 0; l < m_chain.size(); ++l) {
            json banks = json::array();
            for (const ChainBank& b : m_chain[l].banks)
                banks.push_back({{"bank", b.name},
                                 {"col0", b.col0},
                                 {"cols", b.cols},
                                 {"parts", b.parts},
                                 {"mode", b.linear ? "linear" : "neuron"},
                                 {"readout_gain", b.gain > 0.0 ? b.gain : b.configured_gain},
                                 {"readout_gain_fitted", b.gain > 0.0}});
            json e = {{"layer", m_net.layers[l].name}, {"banks", banks}};
            if (m_chain[l].scale_V > 0.0) {
                e["neuron_center_V"] = m_chain[l].center_V;
                e["neuron_scale_V"] = m_chain[l].scale_V;
                // The readout has no offset: a neuron centred off 0 V shifts every
                // pre-activation by this much.
                e["pre_activation_offset"] = -m_chain[l].center_V / m_chain[l].scale_V;
            }
            chain.push_back(e);
        }
        j["analog_chain"] = chain;
    }
    j["calibration_images"] = m_calibration;
    if (!m_buffer.empty()) j["activation_buffer"] = m_buffer;
    json layers = json::array();
    for (std::size_t l = 0; l < m_map.size(); ++l) {
        const Layer& L = m_net.layers[l];
        const auto& lm = m_map[l];
        auto shape = [](const Shape& sh) {
            return json::array({sh.channels, sh.height, sh.width});
        };
        json e = {{"layer", L.name},
                  {"type", to_string(L.kind)},
                  {"input_shape", shape(L.in_shape)},
                  {"output_shape", shape(L.out_shape)},
                  {"inputs", L.inputs},
                  {"outputs", L.outputs},
                  {"activation", to_string(L.activation)}};
        if (L.from != static_cast<int>(l) - 1)
            e["from"] = L.from < 0 ? "input" : m_net.layers[static_cast<std::size_t>(L.from)].name;
        if (L.kind == LayerKind::add)
            e["skip"] = L.skip < 0 ? "input" : m_net.layers[static_cast<std::size_t>(L.skip)].name;
        if (L.weighted()) {
            json blocks = json::array();
            double used = 0.0;
            for (const auto& b : lm.blocks) {
                blocks.push_back({{"tile", b.tile},
                                  {"row0", b.row0},
                                  {"rows", b.rows},
                                  {"col0", b.col0},
                                  {"cols", b.cols},
                                  {"adc_range", b.y_max}});
                used += static_cast<double>(b.rows) * b.cols;
            }
            const double capacity = static_cast<double>(lm.blocks.size()) * m_mapper->tile_rows() *
                                    m_mapper->tile_cols();
            e["reads_per_inference"] = L.positions(); // one read of every tile per output pixel
            e["macs_per_inference"] =
                static_cast<double>(L.inputs / L.groups) * L.outputs * L.positions();
            e["bias_row"] = static_cast<bool>(m_bias_row[l]);
            e["row_blocks"] = lm.row_blocks;
            e["col_blocks"] = lm.col_blocks;
            e["copies"] = lm.copies();
            e["tiles_used"] = lm.blocks.size() + lm.copy_tiles.size();
            if (!lm.copy_tiles.empty()) e["copy_tiles"] = lm.copy_tiles;
            // Weights (and bias row) over the cells of the tiles the layer takes.
            e["utilisation"] = capacity > 0.0 ? used / capacity : 0.0;
            e["weight_range"] = lm.w_max;
            e["input_range"] = lm.x_max;
            e["tiles"] = blocks;
        }
        layers.push_back(std::move(e));
    }
    j["layers"] = layers;
    if (m_exits) j["early_exit"] = exit_results();
    if (m_record > 0) {
        json outs = json::array();
        for (const auto& o : m_outputs)
            outs.push_back(o);
        j["outputs"] = outs;
        if (m_exits) {
            // Per recorded image, per exit: what its search found (-1: not reached).
            json searches = json::array();
            for (std::size_t i = 0; i < exit_records() && i < m_outputs.size(); ++i) {
                const ExitRecord& r = m_exit_records[i];
                json image = json::array();
                for (std::size_t k = 0; k < r.best.size(); ++k)
                    image.push_back({{"best", r.best[k]},
                                     {"best_distance", r.best_distance[k]},
                                     {"second_distance", r.second_distance[k]}});
                searches.push_back(image);
            }
            j["exit_searches"] = searches;
        }
    }
    return j;
}

json MlpInference::resolved_paths() const {
    json j = {{"network", absolute_path(m_net.path)}};
    if (m_exits) j["exits"] = {{"memory", absolute_path(m_exits->memory_path)}};
    if (m_random_images) return j; // no files
    j["dataset"] = {{"images", absolute_path(m_images)}};
    j["dataset"]["labels"] = m_labels.empty() ? std::string() : absolute_path(m_labels);
    return j;
}

std::string MlpInference::summary() const {
    if (m_data.labels.empty() || m_done == 0) return {};
    char buf[256];
    const double acc = 100.0 * static_cast<double>(m_correct) / static_cast<double>(m_done);
    if (m_software)
        std::snprintf(buf, sizeof buf,
                      "accuracy %.2f%% (float software reference %.2f%%, same images)", acc,
                      100.0 * static_cast<double>(m_sw_correct) / static_cast<double>(m_done));
    else
        std::snprintf(buf, sizeof buf, "accuracy %.2f%%", acc);
    std::string s = buf;
    if (m_exits && exit_records() > 0) {
        const json dyn = exit_results().at("dynamic");
        const auto number = [&](const char* key) {
            return dyn.contains(key) && dyn[key].is_number() ? dyn[key].get<double>() : 0.0;
        };
        if (m_exits->stop)
            std::snprintf(buf, sizeof buf, "; with early exits, on %.1f%% of the MACs",
                          100.0 * number("macs_fraction"));
        else
            std::snprintf(buf, sizeof buf,
                          "; with early exits %.2f%% on %.1f%% of the MACs and %.1f%% of the "
                          "energy (the static network's figures above)",
                          100.0 * number("accuracy"), 100.0 * number("macs_fraction"),
                          100.0 * number("energy_fraction"));
        s += buf;
    }
    return s;
}

namespace {
// Memory estimate: the images as floats; an unreadable file is reported when the workload
// loads, not here.
double estimate_dataset_bytes(const Params& p, const PlatformInfo& platform) {
    const std::string format = p.string("dataset.format");
    if (format == "random") return 0.0; // made to the network's input shape: not known here
    try {
        const std::string images = resolve_path(platform.config_dir, p.string("dataset.images"));
        double count = 0.0, image = 0.0, read_peak = 0.0;
        if (format == "npy") {
            const NpyInfo info = read_npy_header(images);
            count = info.shape.empty() ? 0.0 : static_cast<double>(info.shape[0]);
            image = count > 0 ? static_cast<double>(info.size()) / count : 0.0;
            read_peak = info.read_bytes(); // the whole array is read before the slice is kept
        } else {
            const IdxShape s = idx_image_shape(images);
            count = static_cast<double>(s.count);
            image = static_cast<double>(s.height) * s.width;
        }
        const double available = count - static_cast<double>(p.integer("dataset.offset"));
        const double limit = static_cast<double>(p.integer("dataset.limit"));
        const double n = std::max(0.0, limit > 0 ? std::min(limit, available) : available);
        return read_peak + n * (image * 4.0 + 4.0);
    } catch (const InputError&) {
        return 0.0;
    }
}

const bool kRegistered = register_workload<MlpInference>(
    "mlp_inference", "MLP inference on crossbar tiles, weight-stationary, with accuracy",
    estimate_dataset_bytes);
} // namespace

} // namespace neurotlm
