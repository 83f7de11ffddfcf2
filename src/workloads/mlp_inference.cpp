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
                 "images in the report's workload results, under \"outputs\"",
                 0, 10000)
        .string("buffer", "",
                "the buffer block holding activations between layers: its name; \"\" = the "
                "platform's only buffer, or none when it has no buffer block");
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
}

void MlpInference::place_copies(const Params& p, const std::string& file) {
    const json& copies = p.raw("copies");
    const std::string ptr = p.pointer_of("copies");
    if (!copies.is_object())
        throw ConfigError(file, ptr, "an object of layer names and copy counts",
                          describe_json(copies));
    for (auto it = copies.begin(); it != copies.end(); ++it) {
        const std::string where = ptr + "/" + it.key();
        std::size_t l = 0;
        while (l < m_net.layers.size() && m_net.layers[l].name != it.key())
            ++l;
        if (l == m_net.layers.size())
            throw ConfigError(file, where, "the name of a layer of " + m_net.name,
                              "\"" + it.key() + "\"");
        const Layer& L = m_net.layers[l];
        if (L.kind != LayerKind::conv2d)
            throw ConfigError(file, where,
                              "a convolution (copies read other output pixels at once; a " +
                                  std::string(to_string(L.kind)) + " layer reads one)",
                              it.key() + " is a " + to_string(L.kind) + " layer");
        const json& v = it.value();
        if (!v.is_number_integer() || v.get<std::int64_t>() < 1 ||
            v.get<std::int64_t>() > L.positions())
            throw ConfigError(file, where,
                              "a whole number of copies from 1 to the layer's " +
                                  std::to_string(L.positions()) + " output pixels",
                              describe_json(v));
        MatrixMap& map = m_map[l];
        const std::int64_t more = v.get<std::int64_t>() - 1;
        if (static_cast<double>(more) * static_cast<double>(map.blocks.size()) >
            static_cast<double>(m_mapper->free_tiles()))
            throw ConfigError(file, where,
                              "copies the free tiles can hold (" +
                                  std::to_string(m_mapper->free_tiles()) + " free, " +
                                  std::to_string(map.blocks.size()) + " per copy of " + it.key() +
                                  ")",
                              std::to_string(v.get<std::int64_t>()) + " copies");
        for (std::int64_t k = 0; k < more; ++k)
            m_mapper->place_copy(map);
    }
}

// Greedy: copies go to the convolution whose rounds of reads they cut the most per tile they
// take (a layer of P pixels in c copies reads in ceil(P / c) rounds; where one more copy cuts
// none, the next that helps is the one that brings it to ceil(P / c) - 1).
void MlpInference::duplicate_layers() {
    for (;;) {
        double best_gain = 0.0;
        std::size_t best = m_map.size();
        int best_more = 0;
        for (std::size_t l = 0; l < m_map.size(); ++l) {
            const MatrixMap& map = m_map[l];
            const int positions = m_net.layers[l].positions();
            const int c = map.copies();
            const int rounds = (positions + c - 1) / c;
            if (map.blocks.empty() || rounds <= 1) continue;
            // One more copy, or as many as take a round off when one does not.
            int next = c + 1;
            int saved = rounds - (positions + next - 1) / next;
            if (saved == 0) {
                next = (positions + rounds - 2) / (rounds - 1);
                saved = 1;
            }
            const std::size_t tiles = static_cast<std::size_t>(next - c) * map.blocks.size();
            if (tiles > m_mapper->free_tiles()) continue;
            const double gain = saved / static_cast<double>(tiles);
            if (gain > best_gain) {
                best_gain = gain;
                best = l;
                best_more = next - c;
            }
        }
        if (best == m_map.size()) return;
        for (int k = 0; k < best_more; ++k)
            m_mapper->place_copy(m_map[best]);
    }
}

int MlpInference::matrix_rows(std::size_t l) const {
    return m_net.layers[l].inputs + (m_bias_row[l] ? 1 : 0);
}

void MlpInference::layer_input(std::size_t l, const float* x, int position,
                               std::vector<float>& out) const {
    const Layer& L = m_net.layers[l];
    out.resize(static_cast<std::size_t>(matrix_rows(l)));
    if (L.kind == LayerKind::conv2d)
        L.patch(x, position / L.out_shape.width, position % L.out_shape.width, out.data());
    else
        std::copy_n(x, L.inputs, out.begin());
    if (m_bias_row[l]) out.back() = m_map[l].x_max;
}

// Each activation (the image, every layer's output) takes a slot of the buffer from when it is
// written until its last reader has read it; a slot is reused once free. A chain of layers
// needs two (ping-pong), a residual connection a third.
void MlpInference::plan_buffer_slots() {
    const std::size_t layers = m_net.layers.size();
    // last_use[t + 1]: the last layer reading tensor t (-1: the image); layers = classify.
    std::vector<std::size_t> last_use(layers + 1, 0);
    int widest = m_net.input_size();
    for (std::size_t l = 0; l < layers; ++l) {
        const Layer& L = m_net.layers[l];
        last_use[static_cast<std::size_t>(L.from + 1)] = l;
        if (L.kind == LayerKind::add) last_use[static_cast<std::size_t>(L.skip + 1)] = l;
        widest = std::max(widest, L.out_shape.size());
    }
    last_use[layers] = layers;
    m_buffer_slot_bytes = static_cast<std::uint64_t>(widest) * sizeof(float);
    m_slot.assign(layers + 1, 0);
    std::vector<int> holder; // per slot: the tensor in it (index into last_use), or -1
    for (std::size_t t = 0; t <= layers; ++t) {
        // Tensor t is written by layer t - 1 (the image first); slots whose tensor was last
        // read before that layer are free.
        std::size_t slot = holder.size();
        for (std::size_t k = 0; k < holder.size(); ++k)
            if (holder[k] < 0 || (t > 0 && last_use[static_cast<std::size_t>(holder[k])] < t - 1)) {
                slot = k;
                break;
            }
        if (slot == holder.size()) holder.push_back(-1);
        holder[slot] = static_cast<int>(t);
        m_slot[t] = static_cast<int>(slot);
    }
    m_slots = static_cast<int>(holder.size());
}

void MlpInference::load_dataset(const Params& p, const PlatformInfo& platform) {
    const std::string& file = platform.file;
    const std::string format = p.string("dataset.format");
    const auto limit = static_cast<std::size_t>(p.integer("dataset.limit"));
    const auto offset = static_cast<std::size_t>(p.integer("dataset.offset"));
    if (format == "random") {
        // Synthetic inputs of the network's input shape, no labels.
        for (const char* key : {"dataset.images", "dataset.labels", "dataset.offset",
                                "dataset.resize.height", "dataset.resize.width"})
            if (p.present(key))
                throw ConfigError(file, p.pointer_of(key),
                                  "no files, offset or resize with random images (they are made "
                                  "at the network's input shape)",
                                  std::string(key) + " given");
        if (limit == 0)
            throw ConfigError(file, p.pointer_of("dataset.limit"),
                              "the number of random images to make (at least 1)", "0");
        const Shape& in = m_net.input_shape;
        try {
            m_data = random_images(static_cast<int>(limit), in.channels, in.height, in.width,
                                   p.number("dataset.zero_fraction"),
                                   static_cast<std::uint64_t>(p.integer("dataset.seed")));
        } catch (const InputError& e) {
            throw ConfigError(file, p.pointer_of("dataset.limit"), "random images", e.what());
        }
        m_random_images = true;
        return;
    }
    const bool idx = format == "idx";
    // The defaults name Fashion-MNIST's IDX files: other formats name their own, labels
    // optional.
    if (!idx && !p.present("dataset.images"))
        throw ConfigError(file, p.pointer_of("dataset.images"),
                          "the .npy image array to read (dataset.format is " + format + ")",
                          "none");
    m_images = resolve_path(platform.config_dir, p.string("dataset.images"));
    m_labels = p.string("dataset.labels").empty() || (!idx && !p.present("dataset.labels"))
                   ? std::string()
                   : resolve_path(platform.config_dir, p.string("dataset.labels"));
    try {
        m_data = idx ? load_idx(m_images, m_labels, limit, offset)
                     : load_npy_images(m_images, m_labels, limit, offset);
    } catch (const DatasetError& e) {
        switch (e.part()) {
        case DatasetError::Part::images:
            throw ConfigError(file, p.pointer_of("dataset.images"),
                              idx ? "a readable IDX image file" : "a readable .npy image array",
                              e.what());
        case DatasetError::Part::labels:
            throw ConfigError(file, p.pointer_of("dataset.labels"),
                              idx ? "a readable IDX label file that matches the images"
                                  : "a readable .npy label array that matches the images",
                              e.what());
        case DatasetError::Part::offset:
            throw ConfigError(file, p.pointer_of("dataset.offset"),
                              "an offset below the number of images", e.what());
        }
        throw;
    }
}

void MlpInference::find_buffer(const Params& p, const PlatformInfo& platform) {
    const std::string& file = platform.file;
    // The activation buffer: each image is written into it, every layer reads its input from
    // it and writes its output back (ping-pong halves), so moving activations is booked there.
    const ComponentInfo* buffer = nullptr;
    const std::string buffer_name = p.string("buffer");
    if (buffer_name.empty()) {
        for (const auto& c : platform.components) {
            if (c.type != "buffer") continue;
            if (buffer)
                throw ConfigError(file, p.pointer_of("buffer"),
                                  "the name of the buffer to use (there are several)", "\"\"");
            buffer = &c;
        }
    } else {
        buffer = platform.find(buffer_name);
        if (!buffer || buffer->type != "buffer")
            throw ConfigError(file, p.pointer_of("buffer"), "a buffer component",
                              buffer ? buffer_name + " is a " + buffer->type
                                     : "\"" + buffer_name + "\"");
    }
    if (buffer) {
        if (!buffer->reachable)
            throw ConfigError(file, p.pointer_of("buffer"), "a buffer the controller can reach",
                              buffer->name + " is not connected to it");
        plan_buffer_slots();
        const std::uint64_t need = m_buffer_slot_bytes * static_cast<std::uint64_t>(m_slots);
        const SramSpec sram = SramSpec::table().build(*buffer->params);
        if (static_cast<double>(need) > sram.capacity_bytes)
            throw ConfigError(file, p.pointer_of("buffer"),
                              "a buffer of at least " + std::to_string(need) + " bytes (" +
                                  std::to_string(m_slots) +
                                  " activations held at once, each as wide as the widest, " +
                                  std::to_string(m_buffer_slot_bytes / sizeof(float)) +
                                  " float32 values)",
                              buffer->name + " holds " +
                                  std::to_string(static_cast<long long>(sram.capacity_bytes)));
        m_buffer = buffer->name;
    }
}

std::vector<const ComponentInfo*> MlpInference::find_tiles(const Params& p,
                                                           const PlatformInfo& platform) const {
    const std::string& file = platform.file;
    // The tiles.
    std::vector<const ComponentInfo*> tiles;
    const std::string group = p.string("tiles");
    if (group.empty()) {
        for (const auto& c : platform.components)
            if (c.type == "crossbar_tile") tiles.push_back(&c);
    } else {
        tiles = platform.group(group);
        if (tiles.empty())
            throw ConfigError(file, p.pointer_of("tiles"), "a crossbar_tile component or group",
                              "\"" + group + "\"");
    }
    if (tiles.empty())
        throw ConfigError(file, p.pointer_of("tiles"),
                          "a platform with crossbar_tile components to run the network on", "none");
    return tiles;
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
                layer_input(l, input_of(i, outs, l), pos, xb);
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

/// The drivers of one run: a tile driver per block of every layer, and the buffer's.
struct MlpInference::Drivers {
    std::vector<std::vector<CrossbarTileDriver>> tiles; ///< [layer][block]
    std::vector<std::vector<NeuronBankDriver>> banks;   ///< analog chain: [layer][column block]
    std::unique_ptr<BufferDriver> buffer;
    /// [layer][copy][group]: the blocks of one copy that share one slice of the input (same
    /// rows), which a multicast feeds at once. tiles[layer] holds the copies one after another.
    std::vector<std::vector<std::vector<std::vector<CrossbarTileDriver*>>>> groups;
    /// [layer]: hardware bits of the layer's input activations and of a tile's partial sum
    /// (tile_widths.h; the widest tile of the layer). A layer without tiles carries the
    /// activations at the width of the next weighted layer's inputs (the last one's sums after
    /// the last).
    std::vector<int> in_bits, out_bits;
    /// [tensor + 1]: the width the image (-1) and each layer's output are held at in the
    /// buffer: the widest of their readers' (classify reads the last at out_bits.back()).
    std::vector<int> tensor_bits;
    /// Scratch of one image: every layer's output, and a layer's tile inputs.
    std::vector<std::vector<float>> acts;
    std::vector<float> image, xb, patch, part, ahead_in, ahead_out;
    /// Activations as float32 elements of their hardware width.
    static ElementWidth width(int bits) { return {sizeof(float), static_cast<unsigned>(bits)}; }
    /// The widths and multicast groups of every layer's tiles, once the tiles have drivers.
    void plan(RunContext& ctx, const std::vector<MatrixMap>& map);
};

void MlpInference::Drivers::plan(RunContext& ctx, const std::vector<MatrixMap>& map) {
    for (std::size_t l = 0; l < map.size(); ++l) {
        int in = 0, out = 0;
        const std::size_t blocks = map[l].blocks.size();
        for (CrossbarTileDriver& t : tiles[l]) {
            const CrossbarSpec spec = CrossbarSpec::table().build(*ctx.component(t.name())->params);
            t.set_element_bits(tile_input_bits(spec), tile_output_bits(spec));
            in = std::max(in, tile_input_bits(spec));
            out = std::max(out, tile_output_bits(spec));
        }
        groups.emplace_back(static_cast<std::size_t>(map[l].copies()));
        for (std::size_t r = 0; r < groups[l].size(); ++r) {
            std::vector<int> group_row0;
            for (std::size_t k = 0; k < blocks; ++k) {
                CrossbarTileDriver* t = &tiles[l][r * blocks + k];
                const int row0 = map[l].blocks[k].row0;
                const auto it = std::find(group_row0.begin(), group_row0.end(), row0);
                if (it == group_row0.end()) {
                    group_row0.push_back(row0);
                    groups[l][r].push_back({t});
                } else {
                    groups[l][r][static_cast<std::size_t>(it - group_row0.begin())].push_back(t);
                }
            }
        }
        in_bits.push_back(in);
        out_bits.push_back(out);
    }
    // Layers without tiles: the width of what reads their output next.
    int next_in = 1, last_out = 1;
    for (std::size_t l = map.size(); l-- > 0;)
        if (out_bits[l] > 0) {
            last_out = out_bits[l];
            break;
        }
    next_in = last_out;
    for (std::size_t l = map.size(); l-- > 0;) {
        if (in_bits[l] > 0) {
            next_in = in_bits[l];
        } else {
            in_bits[l] = next_in;
            out_bits[l] = next_in;
        }
    }
    out_bits.push_back(last_out); // classify reads the last layer's output at this width
}

void MlpInference::program_tiles(RunContext& ctx, Drivers& d) const {
    d.tiles.resize(m_map.size());
    for (std::size_t l = 0; l < m_map.size(); ++l) {
        d.tiles[l].reserve(m_map[l].blocks.size() + m_map[l].copy_tiles.size());
        for (const auto& b : m_map[l].blocks)
            d.tiles[l].emplace_back(ctx.bus(), ctx.component(b.tile)->address, b.tile);
        for (const auto& name : m_map[l].copy_tiles)
            d.tiles[l].emplace_back(ctx.bus(), ctx.component(name)->address, name);
    }
    d.plan(ctx, m_map);
    d.tensor_bits.assign(m_net.layers.size() + 1, 1);
    for (std::size_t l = 0; l < m_net.layers.size(); ++l) {
        const Layer& L = m_net.layers[l];
        int& from = d.tensor_bits[static_cast<std::size_t>(L.from + 1)];
        from = std::max(from, d.in_bits[l]);
        if (L.kind == LayerKind::add) {
            int& skip = d.tensor_bits[static_cast<std::size_t>(L.skip + 1)];
            skip = std::max(skip, d.in_bits[l]);
        }
    }
    d.tensor_bits.back() = std::max(d.tensor_bits.back(), d.out_bits.back());
    ctx.phase("program");
    for (std::size_t l = 0; l < m_map.size(); ++l) {
        const MatrixMap& lm = m_map[l];
        for (std::size_t k = 0; k < d.tiles[l].size(); ++k) {
            const TileBlock& b = lm.blocks[k % lm.blocks.size()]; // copies hold the same
            CrossbarTileDriver& t = d.tiles[l][k];
            t.probe();
            t.program(b.weights.data(), b.rows, b.cols, lm.w_max);
            t.set_input_range(lm.x_max);
            t.set_output_range(b.y_max);
        }
    }
    // A chain's readout gains are set with the weights: they belong to the mapping.
    d.banks.resize(m_chain.size());
    for (std::size_t l = 0; l < m_chain.size(); ++l)
        for (const ChainBank& bank : m_chain[l].banks) {
            d.banks[l].emplace_back(ctx.bus(), ctx.component(bank.name)->address, bank.name);
            NeuronBankDriver& b = d.banks[l].back();
            b.probe();
            if (bank.gain > 0.0) b.set_gain(static_cast<float>(bank.gain));
        }
    if (!m_buffer.empty()) {
        d.buffer =
            std::make_unique<BufferDriver>(ctx.bus(), ctx.component(m_buffer)->address, m_buffer);
        d.buffer->probe();
    }
    d.acts.resize(m_net.layers.size());
    d.part.resize(static_cast<std::size_t>(m_mapper->tile_cols()));
}

void MlpInference::digital_layer(RunContext* ctx, std::size_t l, const float* x, const float* skip,
                                 std::vector<float>& y) const {
    const Layer& L = m_net.layers[l];
    const std::uint64_t n = static_cast<std::uint64_t>(L.out_shape.size());
    const std::uint64_t window = static_cast<std::uint64_t>(L.kernel_h) * L.kernel_w;
    switch (L.kind) {
    case LayerKind::dense:
    case LayerKind::conv2d: break; // y holds the sums
    case LayerKind::maxpool:
    case LayerKind::avgpool:
        y.resize(n);
        pool_forward(L, x, y.data());
        if (ctx)
            ctx->digital(L.kind == LayerKind::maxpool ? DigitalOp::pool_compare
                                                      : DigitalOp::pool_add,
                         n * (window - 1));
        break;
    case LayerKind::add:
        y.assign(x, x + n);
        for (std::size_t i = 0; i < y.size(); ++i)
            y[i] += skip[i];
        if (ctx) ctx->digital(DigitalOp::accumulate, n);
        break;
    }
    if (L.activation == Activation::none) return;
    for (auto& v : y)
        v = activate(L.activation, v);
    // A ReLU or a ternary threshold is a comparison; sigmoid-like curves need the controller's
    // nonlinear unit.
    if (ctx)
        ctx->digital(L.activation == Activation::relu || L.activation == Activation::ternary
                         ? DigitalOp::activation
                         : DigitalOp::nonlinear,
                     n);
}

void MlpInference::look_ahead(Drivers& d, int first, int count) const {
    // Every layer's outputs for the batch, computed from the reads ahead exactly as infer()
    // computes them from the reads it collects (partial sums in block order).
    const std::size_t n = static_cast<std::size_t>(count);
    const std::size_t layers = m_net.layers.size();
    std::vector<std::vector<float>> outs(layers);
    std::vector<float> in, part, xb;
    auto tensor = [&](int t, std::size_t b) -> const float* {
        if (t < 0) return m_data.image(first + static_cast<int>(b));
        const std::size_t size =
            static_cast<std::size_t>(m_net.layers[static_cast<std::size_t>(t)].out_shape.size());
        return outs[static_cast<std::size_t>(t)].data() + b * size;
    };
    for (std::size_t l = 0; l < layers; ++l) {
        const Layer& L = m_net.layers[l];
        const std::size_t size = static_cast<std::size_t>(L.out_shape.size());
        std::vector<float>& y = outs[l];
        y.assign(n * size, 0.0f);
        if (!L.weighted()) {
            std::vector<float> one;
            for (std::size_t b = 0; b < n; ++b) {
                digital_layer(nullptr, l, tensor(L.from, b),
                              L.kind == LayerKind::add ? tensor(L.skip, b) : nullptr, one);
                std::copy(one.begin(), one.end(), y.begin() + b * size);
            }
            continue;
        }
        const MatrixMap& lm = m_map[l];
        const std::size_t positions = static_cast<std::size_t>(L.positions());
        const std::size_t reads = n * positions; // in infer()'s order: image, then position
        for (std::size_t k = 0; k < lm.blocks.size(); ++k) {
            const TileBlock& blk = lm.blocks[k];
            const std::size_t rows = static_cast<std::size_t>(blk.rows);
            const std::size_t cols = static_cast<std::size_t>(blk.cols);
            in.resize(reads * rows);
            for (std::size_t b = 0; b < n; ++b)
                for (std::size_t pos = 0; pos < positions; ++pos) {
                    layer_input(l, tensor(L.from, b), static_cast<int>(pos), xb);
                    std::copy_n(xb.begin() + blk.row0, rows,
                                in.begin() + (b * positions + pos) * rows);
                }
            part.resize(reads * cols);
            if (!d.tiles[l][k].look_ahead(in.data(), static_cast<int>(reads), blk.rows, part.data(),
                                          blk.cols))
                return;
            for (std::size_t r = 0; r < reads; ++r) {
                float* out = y.data() + (r / positions) * size + r % positions;
                for (std::size_t c = 0; c < cols; ++c)
                    out[(static_cast<std::size_t>(blk.col0) + c) * positions] += part[r * cols + c];
            }
        }
        if (L.activation != Activation::none)
            for (auto& v : y)
                v = activate(L.activation, v);
    }
}

int MlpInference::infer(RunContext& ctx, Drivers& d, int image) {
    // Activations live in the buffer (plan_buffer_slots()): a layer reads its inputs from their
    // slots and writes its output to its own, at the width of the layer that reads it.
    const std::size_t layers = m_net.layers.size();
    auto tensor = [&](int t) -> std::vector<float>& {
        return t < 0 ? d.image : d.acts[static_cast<std::size_t>(t)];
    };
    auto address = [&](int t) {
        return static_cast<std::uint64_t>(m_slot[static_cast<std::size_t>(t + 1)]) *
               m_buffer_slot_bytes;
    };
    auto width = [&](int t) {
        return Drivers::width(d.tensor_bits[static_cast<std::size_t>(t + 1)]);
    };
    auto stash = [&](int t) {
        if (d.buffer)
            d.buffer->write(address(t), tensor(t).data(), tensor(t).size() * sizeof(float),
                            width(t));
    };
    auto fetch = [&](int t) {
        if (d.buffer)
            d.buffer->read(address(t), tensor(t).data(), tensor(t).size() * sizeof(float),
                           width(t));
    };
    d.image.assign(m_data.image(image), m_data.image(image) + m_data.image_size());
    for (std::size_t l = 0; l < layers; ++l) {
        const Layer& L = m_net.layers[l];
        ctx.phase(L.name);
        if (l == 0) stash(-1);
        fetch(L.from);
        if (L.kind == LayerKind::add) fetch(L.skip);
        std::vector<float>& y = d.acts[l];
        if (L.weighted()) {
            const MatrixMap& lm = m_map[l];
            const int positions = L.positions();
            const std::vector<float>& x = tensor(L.from);
            y.assign(static_cast<std::size_t>(L.out_shape.size()), 0.0f);
            const std::size_t rows = static_cast<std::size_t>(matrix_rows(l));
            const std::size_t blocks = lm.blocks.size();
            // With copies of the layer's weights, copy r reads pixel i + r of each round of
            // `copies` pixels, all copies at once; a chunk holds whole rounds.
            const int copies = lm.copies();
            const int chunk_size = copies * ((kPositionChunk + copies - 1) / copies);
            for (int pos0 = 0; pos0 < positions; pos0 += chunk_size) {
                const int chunk = std::min(chunk_size, positions - pos0);
                d.xb.resize(static_cast<std::size_t>(chunk) * rows);
                for (int i = 0; i < chunk; ++i) {
                    layer_input(l, x.data(), pos0 + i, d.patch);
                    std::copy(d.patch.begin(), d.patch.end(), d.xb.begin() + i * rows);
                }
                // A convolution's patches are known before its reads: offered to each tile
                // ahead, a chunk at a time, they are computed together (bit for bit as one by
                // one; a tile that cannot simply declines).
                if (chunk > copies && m_batch > 1)
                    for (int r = 0; r < copies; ++r)
                        for (std::size_t k = 0; k < blocks; ++k) {
                            const TileBlock& b = lm.blocks[k];
                            const std::size_t br = static_cast<std::size_t>(b.rows);
                            d.ahead_in.clear();
                            int n = 0;
                            for (int i = r; i < chunk; i += copies, ++n)
                                d.ahead_in.insert(d.ahead_in.end(),
                                                  d.xb.begin() + i * rows + b.row0,
                                                  d.xb.begin() + i * rows + b.row0 + br);
                            d.ahead_out.resize(static_cast<std::size_t>(n) * b.cols);
                            d.tiles[l][static_cast<std::size_t>(r) * blocks + k].look_ahead(
                                d.ahead_in.data(), n, b.rows, d.ahead_out.data(), b.cols);
                        }
                for (int i = 0; i < chunk; i += copies) {
                    const int round = std::min(copies, chunk - i);
                    // Start every tile of the layer (of every copy), then collect: the tiles
                    // work in parallel. Tiles that share a slice of the input get it in one
                    // multicast.
                    for (int r = 0; r < round; ++r) {
                        const float* xb = d.xb.data() + (i + r) * rows;
                        for (const auto& group : d.groups[l][static_cast<std::size_t>(r)]) {
                            const std::size_t k =
                                static_cast<std::size_t>(group.front() - &d.tiles[l][0]) % blocks;
                            CrossbarTileDriver::start_mvm(ctx.bus(), group, xb + lm.blocks[k].row0,
                                                          lm.blocks[k].rows);
                        }
                    }
                    for (int r = 0; r < round; ++r) {
                        float* out = y.data() + pos0 + i + r;
                        for (std::size_t k = 0; k < blocks; ++k) {
                            const TileBlock& b = lm.blocks[k];
                            d.tiles[l][static_cast<std::size_t>(r) * blocks + k].collect(
                                d.part.data(), b.cols);
                            for (int c = 0; c < b.cols; ++c)
                                out[static_cast<std::size_t>(b.col0 + c) * positions] +=
                                    d.part[static_cast<std::size_t>(c)];
                        }
                    }
                }
            }
            ctx.digital(DigitalOp::accumulate, static_cast<std::uint64_t>(lm.row_blocks - 1) *
                                                   static_cast<std::uint64_t>(L.outputs) *
                                                   static_cast<std::uint64_t>(positions));
        }
        digital_layer(&ctx, l, tensor(L.from).data(),
                      L.kind == LayerKind::add ? tensor(L.skip).data() : nullptr, y);
        stash(static_cast<int>(l));
    }
    ctx.phase("classify");
    const int last = static_cast<int>(layers) - 1;
    fetch(last);
    const std::vector<float>& x = tensor(last);
    if (image < m_record) m_outputs.push_back(x);
    const int predicted = argmax(x.data(), static_cast<int>(x.size()));
    ctx.digital(DigitalOp::compare, x.size() > 0 ? x.size() - 1 : 0);
    ctx.phase("");
    return predicted;
}

int MlpInference::infer_chain(RunContext& ctx, Drivers& d, int image) {
    // The controller writes the first layer's inputs (and its bias row) and starts its tiles;
    // from there the currents and voltages travel on the links, and reading the last banks'
    // outputs waits for the whole chain.
    std::vector<float> x(m_data.image(image), m_data.image(image) + m_data.image_size());
    ctx.phase("analog_chain");
    if (d.buffer) {
        d.buffer->write(0, x.data(), x.size() * sizeof(float), Drivers::width(d.in_bits[0]));
        d.buffer->read(0, x.data(), x.size() * sizeof(float), Drivers::width(d.in_bits[0]));
    }
    const MatrixMap& first = m_map.front();
    x.push_back(first.x_max);
    for (const auto& group : d.groups[0][0]) {
        const TileBlock& b = first.blocks[static_cast<std::size_t>(group.front() - &d.tiles[0][0])];
        CrossbarTileDriver::start_mvm(ctx.bus(), group, x.data() + b.row0, b.rows);
    }
    std::vector<float> y(static_cast<std::size_t>(m_net.output_size()), 0.0f);
    const ChainLayer& last = m_chain.back();
    for (std::size_t k = 0; k < last.banks.size(); ++k) {
        const std::vector<float> v = d.banks.back()[k].read_outputs();
        std::copy_n(v.begin(), last.banks[k].cols, y.begin() + last.banks[k].col0);
    }
    if (image < m_record) m_outputs.push_back(y);
    ctx.phase("classify");
    const int predicted = argmax(y.data(), static_cast<int>(y.size()));
    ctx.digital(DigitalOp::compare, y.size() > 0 ? y.size() - 1 : 0);
    ctx.phase("");
    return predicted;
}

void MlpInference::run(RunContext& ctx) {
    Drivers drivers;
    program_tiles(ctx, drivers);
    const std::uint64_t total = static_cast<std::uint64_t>(m_run_count);
    for (int i = 0; i < m_run_count; ++i) {
        if (ctx.stop_requested()) break;
        if (m_batch > 1 && !m_chain_mode && !m_convolutions && i % m_batch == 0)
            look_ahead(drivers, i, std::min(m_batch, m_run_count - i));
        const int predicted = m_chain_mode ? infer_chain(ctx, drivers, i) : infer(ctx, drivers, i);
        int sw = -1;
        if (m_software) {
            const std::vector<float> ref = forward(m_net, m_data.image(i));
            sw = argmax(ref.data(), static_cast<int>(ref.size()));
            if (sw == predicted) ++m_agree;
        }
        if (!m_data.labels.empty()) {
            const int label = m_data.labels[static_cast<std::size_t>(i)];
            if (predicted == label) ++m_correct;
            if (sw == label) ++m_sw_correct;
            ++m_confusion[static_cast<std::size_t>(label) * static_cast<std::size_t>(m_classes) +
                          static_cast<std::size_t>(predicted)];
        }
        ++m_done;
        // Every item: the listener decides how often to show it (core of a progress line that
        // can say when the first item is done and keep its rate current).
        {
            char status[96];
            if (!m_data.labels.empty())
                std::snprintf(status, sizeof status, "accuracy %.2f%%",
                              100.0 * static_cast<double>(m_correct) / static_cast<double>(m_done));
            else
                status[0] = '\0';
            ctx.progress(m_done, total, status);
        }
    }
}

WorkloadTotals MlpInference::totals() const {
    WorkloadTotals t;
    t.items = m_done;
    t.items_requested = static_cast<std::uint64_t>(m_run_count);
    t.ops = 2.0 * m_macs_per_image * static_cast<double>(m_done);
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
    if (m_record > 0) {
        json outs = json::array();
        for (const auto& o : m_outputs)
            outs.push_back(o);
        j["outputs"] = outs;
    }
    return j;
}

json MlpInference::resolved_paths() const {
    json j = {{"network", absolute_path(m_net.path)}};
    if (m_random_images) return j; // no files
    j["dataset"] = {{"images", absolute_path(m_images)}};
    j["dataset"]["labels"] = m_labels.empty() ? std::string() : absolute_path(m_labels);
    return j;
}

std::string MlpInference::summary() const {
    if (m_data.labels.empty() || m_done == 0) return {};
    char buf[160];
    const double acc = 100.0 * static_cast<double>(m_correct) / static_cast<double>(m_done);
    if (m_software)
        std::snprintf(buf, sizeof buf,
                      "accuracy %.2f%% (float software reference %.2f%%, same images)", acc,
                      100.0 * static_cast<double>(m_sw_correct) / static_cast<double>(m_done));
    else
        std::snprintf(buf, sizeof buf, "accuracy %.2f%%", acc);
    return buf;
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
