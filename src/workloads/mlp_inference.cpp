#include "neurotlm/workloads/mlp_inference.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "neurotlm/blocks/buffer/buffer_driver.h"
#include "neurotlm/blocks/buffer/sram.h"
#include "neurotlm/blocks/crossbar/crossbar.h"
#include "neurotlm/blocks/crossbar/tile_driver.h"
#include "neurotlm/blocks/crossbar/tile_widths.h"
#include "neurotlm/blocks/neuron_bank/neuron_bank.h"
#include "neurotlm/blocks/neuron_bank/neuron_bank_driver.h"
#include "neurotlm/core/error.h"
#include "neurotlm/workloads/dataset.h"

namespace neurotlm {

namespace {

std::string fmnist(const char* file) {
    return default_fashion_mnist_dir() + "/" + file;
}

} // namespace

ParamTable MlpInference::param_table() {
    ParamTable t;
    t.string("network", nullptr,
             "network description (neurotlm-network JSON, weights inline or in .npy files)")
        .choice("dataset.format", {"idx"}, "idx",
                "dataset file format (IDX, gzip'd or plain: MNIST, Fashion-MNIST)")
        .string("dataset.images", fmnist("t10k-images-idx3-ubyte.gz"), "image file")
        .string("dataset.labels", fmnist("t10k-labels-idx1-ubyte.gz"),
                "label file; \"\" for none (no accuracy then)")
        .integer("dataset.limit", 1000, "images to run; 0 = all", 0, 1e9)
        .integer("dataset.offset", 0, "images to skip first", 0, 1e9)
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

    m_images = resolve_path(platform.config_dir, p.string("dataset.images"));
    m_labels = p.string("dataset.labels").empty()
                   ? std::string()
                   : resolve_path(platform.config_dir, p.string("dataset.labels"));
    try {
        m_data = load_idx(m_images, m_labels, static_cast<std::size_t>(p.integer("dataset.limit")),
                          static_cast<std::size_t>(p.integer("dataset.offset")));
    } catch (const DatasetError& e) {
        switch (e.part()) {
        case DatasetError::Part::images:
            throw ConfigError(file, p.pointer_of("dataset.images"), "a readable IDX image file",
                              e.what());
        case DatasetError::Part::labels:
            throw ConfigError(file, p.pointer_of("dataset.labels"),
                              "a readable IDX label file that matches the images", e.what());
        case DatasetError::Part::offset:
            throw ConfigError(file, p.pointer_of("dataset.offset"),
                              "an offset below the number of images", e.what());
        }
        throw;
    }
    preprocess(m_data, preprocessing_from(p, "dataset."));
    if (m_data.count == 0)
        throw ConfigError(file, p.pointer_of("dataset.offset"),
                          "at least one image after the offset", "none");
    if (m_data.image_size() != m_net.input_size())
        throw ConfigError(file, p.pointer_of("dataset.images"),
                          "images of " + std::to_string(m_net.input_size()) +
                              " pixels (the network's input), after any dataset.resize",
                          std::to_string(m_data.height) + "x" + std::to_string(m_data.width));
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
    m_classes = m_net.output_size();
    if (!m_data.labels.empty()) {
        for (int l : m_data.labels)
            if (l < 0 || l >= m_classes)
                throw ConfigError(file, p.pointer_of("dataset.labels"),
                                  "labels below the network's " + std::to_string(m_classes) +
                                      " outputs",
                                  "label " + std::to_string(l));
        m_confusion.assign(static_cast<std::size_t>(m_classes * m_classes), 0);
    }

    find_buffer(p, platform);
    if (!platform.devices) throw std::logic_error("mlp_inference without a device library");
    const std::vector<const ComponentInfo*> tiles = find_tiles(p, platform);
    // Tiles whose currents leave on analog links run the network as an analog chain.
    for (const auto* t : tiles)
        for (const auto& l : platform.analog_links)
            if (l.from == t->name && l.from_port == "aout") m_chain_mode = true;
    m_mapper = std::make_unique<TileMapper>(tiles, file, p.pointer_of("tiles"), *platform.devices);
    int needed = 0;
    for (const auto& layer : m_net.layers)
        needed += m_mapper->tiles_for(layer.inputs + 1, layer.outputs);
    if (static_cast<std::size_t>(needed) > m_mapper->tiles())
        throw ConfigError(file, p.pointer_of("tiles"),
                          std::to_string(needed) + " tiles of " +
                              std::to_string(m_mapper->tile_rows()) + "x" +
                              std::to_string(m_mapper->tile_cols()) +
                              " (inputs x outputs) to hold " + m_net.name + " weight-stationary",
                          std::to_string(m_mapper->tiles()) + " tiles");
    for (const auto& layer : m_net.layers)
        m_macs_per_image += static_cast<double>(layer.inputs) * layer.outputs;
    calibrate(platform, p.pointer_of("network"));
    if (m_chain_mode) set_chain_gains(file, p.pointer_of("tiles"));
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
        int widest = m_net.input_size();
        for (const auto& layer : m_net.layers)
            widest = std::max(widest, layer.outputs);
        m_buffer_half = static_cast<std::uint64_t>(widest) * sizeof(float);
        const SramSpec sram = SramSpec::table().build(*buffer->params);
        if (2.0 * static_cast<double>(m_buffer_half) > sram.capacity_bytes)
            throw ConfigError(file, p.pointer_of("buffer"),
                              "a buffer of at least " + std::to_string(2 * m_buffer_half) +
                                  " bytes (two halves of the widest activation, " +
                                  std::to_string(widest) + " float32 values)",
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
    // Every layer's input on each calibration image, from the float reference.
    const std::size_t layers = m_net.layers.size();
    std::vector<std::vector<std::vector<float>>> inputs(static_cast<std::size_t>(m_calibration));
    for (int i = 0; i < m_calibration; ++i) {
        auto& in = inputs[static_cast<std::size_t>(i)];
        in.emplace_back(m_data.image(i), m_data.image(i) + m_data.image_size());
        std::vector<std::vector<float>> outs = forward_layers(m_net, m_data.image(i));
        outs.pop_back(); // the last layer's output feeds no tile
        for (auto& o : outs)
            in.push_back(std::move(o));
    }

    for (std::size_t l = 0; l < layers; ++l) {
        const DenseLayer& L = m_net.layers[l];
        // x_max: the largest input magnitude. The bias row carries b / x_max at input x_max.
        float x_max = 0.0f;
        for (const auto& in : inputs)
            for (float v : in[l])
                x_max = std::max(x_max, std::fabs(v));
        x_max = x_max > 0 ? x_max : 1.0f;
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
        std::vector<float> matrix(static_cast<std::size_t>(L.inputs + 1) * L.outputs);
        for (int r = 0; r <= L.inputs; ++r)
            for (int c = 0; c < L.outputs; ++c)
                matrix[static_cast<std::size_t>(r) * L.outputs + c] =
                    r < L.inputs ? L.weight(r, c) : L.bias[static_cast<std::size_t>(c)] / x_max;
        MatrixMap map = m_mapper->place(matrix, L.inputs + 1, L.outputs);
        map.x_max = x_max;
        map.w_max = w > 0 ? w : 1.0f;
        m_map.push_back(std::move(map));
        if (m_chain_mode) plan_chain_layer(platform, l);
    }
    // ADC range per tile: the largest output of any one input slice over the calibration
    // images (what the converter must cover without clipping).
    for (const auto& in : inputs) {
        for (std::size_t l = 0; l < layers; ++l) {
            std::vector<float> xb(in[l]);
            xb.push_back(m_map[l].x_max); // bias row input
            TileMapper::observe(m_map[l], xb);
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

namespace {

const AnalogLinkInfo* link_into(const PlatformInfo& platform, const std::string& comp,
                                const std::string& port) {
    for (const auto& k : platform.analog_links)
        if (k.to == comp && k.to_port == port) return &k;
    return nullptr;
}

std::string block_name(const std::string& layer, int rb, int cb, const std::string& tile) {
    return "layer " + layer + ", block (" + std::to_string(rb) + ", " + std::to_string(cb) +
           ") on " + tile;
}

} // namespace

// The chain is read from the links, not declared twice: each tile of a layer sends its column
// currents to the neuron bank of its column block (one part per row block), and each bank's
// outputs reach the rows of the next layer's tiles that take those activations. Anything else
// would compute a different network, so it is refused where the file says it.
void MlpInference::plan_chain_layer(const PlatformInfo& platform, std::size_t l) {
    const std::string& file = platform.file;
    const MatrixMap& lm = m_map[l];
    const DenseLayer& L = m_net.layers[l];
    const bool last = l + 1 == m_net.layers.size();
    ChainLayer layer;
    layer.banks.resize(static_cast<std::size_t>(lm.col_blocks));
    std::vector<std::vector<bool>> part_used(static_cast<std::size_t>(lm.col_blocks));
    for (std::size_t k = 0; k < lm.blocks.size(); ++k) {
        const TileBlock& b = lm.blocks[k];
        const int rb = static_cast<int>(k) / lm.col_blocks;
        const int cb = static_cast<int>(k) % lm.col_blocks;
        const std::string where = block_name(L.name, rb, cb, b.tile);
        const Params& tp = *platform.find(b.tile)->params;

        // Its currents: one link from aout, the block's columns first, into a bank.
        const AnalogLinkInfo* out = nullptr;
        for (const auto& x : platform.analog_links)
            if (x.from == b.tile && x.from_port == "aout") {
                if (out)
                    throw ConfigError(file, x.pointer,
                                      "one link from " + b.tile + ".aout (" + where +
                                          ": its columns feed one neuron bank)",
                                      "a second link");
                out = &x;
            }
        if (!out)
            throw ConfigError(file, "/connections",
                              "a link from " + b.tile + ".aout to a neuron bank (" + where +
                                  "; every tile of an analog chain sends its currents on)",
                              "none");
        const ComponentInfo* bank = platform.find(out->to);
        if (!bank || bank->type != "neuron_bank")
            throw ConfigError(file, out->pointer + "/to", "a neuron_bank input (" + where + ")",
                              "\"" + out->to + "." + out->to_port + "\"");
        if (out->first != 0 || out->count < b.cols)
            throw ConfigError(file, out->pointer,
                              "a link carrying " + b.tile + "'s first " + std::to_string(b.cols) +
                                  " outputs (" + where + " holds outputs " +
                                  std::to_string(b.col0) + " to " +
                                  std::to_string(b.col0 + b.cols - 1) + ")",
                              "values " + std::to_string(out->first) + " to " +
                                  std::to_string(out->first + out->count - 1));
        const NeuronBankSpec spec = NeuronBankSpec::from_params(*bank->params);
        ChainBank& cbank = layer.banks[static_cast<std::size_t>(cb)];
        if (rb == 0) {
            cbank.name = bank->name;
            cbank.col0 = b.col0;
            cbank.cols = b.cols;
            cbank.parts = spec.parts;
            cbank.linear = spec.mode == BankMode::linear;
            cbank.r_unit_ohm = spec.readout.r_unit_ohm;
            cbank.configured_gain = spec.readout.gain;
            cbank.fit_gain = spec.readout.fit_gain;
            cbank.difference = spec.readout.kind == ReadoutKind::difference;
            part_used[static_cast<std::size_t>(cb)].assign(static_cast<std::size_t>(spec.parts),
                                                           false);
            for (const auto& other : layer.banks)
                if (&other != &cbank && other.name == bank->name)
                    throw ConfigError(file, out->pointer + "/to",
                                      "a bank of its own for each column block (" + where + ")",
                                      bank->name + " already takes another column block");
            if (spec.parts != lm.row_blocks)
                bank->params->fail("parts",
                                   std::to_string(lm.row_blocks) + " parts: layer " + L.name +
                                       " is split over " + std::to_string(lm.row_blocks) +
                                       " row blocks (ceil((inputs + 1) / rows)) whose readouts "
                                       "it averages",
                                   std::to_string(spec.parts));
            const bool wants_neuron = L.activation == Activation::reverse_sigmoid;
            const bool fits = cbank.linear ? L.activation == Activation::none : wants_neuron;
            if (!fits || (!last && cbank.linear))
                bank->params->fail(
                    "mode",
                    "a bank that realises layer " + L.name + "'s activation " +
                        to_string(L.activation) +
                        ": \"neuron\" for reverse_sigmoid (the SOT-MRAM neuron's curve), "
                        "\"linear\" for none on the last layer",
                    std::string(cbank.linear ? "linear" : "neuron") +
                        (!wants_neuron && L.activation != Activation::none
                             ? " (no analog neuron computes " +
                                   std::string(to_string(L.activation)) + ")"
                             : ""));
            if (!cbank.linear) {
                if (spec.neuron.rail_low_V != 0.0)
                    bank->params->fail("neuron.rail_low",
                                       "0 V: the outputs drive the next tiles' rows directly, "
                                       "so the low rail is the activation 0",
                                       std::to_string(spec.neuron.rail_low_V) + " V");
                layer.swing_V = spec.neuron.swing_V();
                const ReverseSigmoidFit fit = fit_reverse_sigmoid(
                    SotNeuron(spec.neuron), -spec.neuron.swing_V(), spec.neuron.swing_V());
                layer.center_V = fit.center_V;
                layer.scale_V = fit.scale_V;
            }
            if (last && !bank->reachable)
                throw ConfigError(file, out->pointer + "/to",
                                  "a last-layer bank the controller can read (" + where + ")",
                                  bank->name + " is not connected to it");
        } else if (cbank.name != bank->name) {
            throw ConfigError(file, out->pointer + "/to",
                              "the bank of column block " + std::to_string(cb) + ", " + cbank.name +
                                  " (" + where + ")",
                              "\"" + out->to + "\"");
        }
        if (spec.neurons != out->count)
            throw std::logic_error("analog chain: a link's width differs from its bank's");
        // Which part: ain for one part, ain<k> for several, each used once.
        int part = 0;
        if (spec.parts > 1) part = std::atoi(out->to_port.c_str() + 3);
        auto used = part_used[static_cast<std::size_t>(cb)].begin() + part;
        if (*used) throw std::logic_error("analog chain: two links into one bank input");
        *used = true;

        // Its rows: the first layer's inputs come from the controller; a later layer's from
        // the previous layer's banks, then the bias row from the supply.
        const int inputs = L.inputs;
        const int data_rows = std::min(b.rows, inputs - b.row0);
        const bool has_bias = b.row0 + b.rows > inputs;
        const AnalogLinkInfo* in = link_into(platform, b.tile, "ain");
        if (l == 0) {
            if (in)
                throw ConfigError(file, in->pointer + "/to",
                                  "no link into the first layer's tiles (" + where +
                                      ": the controller writes the inputs)",
                                  "a link from " + in->from + "." + in->from_port);
            continue;
        }
        if (data_rows <= 0)
            throw ConfigError(file, "/workload/network",
                              "a layer whose last row block holds inputs as well as the bias "
                              "row (" +
                                  where +
                                  " would hold only the bias row and nothing "
                                  "would start it)",
                              std::to_string(inputs) + " inputs");
        if (!in)
            throw ConfigError(file, "/connections",
                              "a link into " + b.tile + ".ain from the banks of layer " +
                                  m_net.layers[l - 1].name + " (" + where + " takes inputs " +
                                  std::to_string(b.row0) + " to " +
                                  std::to_string(b.row0 + data_rows - 1) + ")",
                              "none");
        const ChainLayer& prev = m_chain[l - 1];
        const ChainBank* src = nullptr;
        for (const auto& pb : prev.banks)
            if (pb.name == in->from) src = &pb;
        const int from0 = src ? src->col0 + in->first : -1;
        if (!src || in->from_port != "aout" || from0 != b.row0 || in->count != data_rows ||
            in->first + in->count > src->cols)
            throw ConfigError(
                file, in->pointer,
                "a link carrying layer " + m_net.layers[l - 1].name + "'s outputs " +
                    std::to_string(b.row0) + " to " + std::to_string(b.row0 + data_rows - 1) +
                    " (" + where + "; set ain_rows " + std::to_string(data_rows) +
                    " and the link's first and count)",
                src ? "outputs " + std::to_string(from0) + " to " +
                          std::to_string(from0 + in->count - 1) + " of " + in->from
                    : "\"" + in->from + "." + in->from_port + "\", not a bank of that layer");
        const int bias_rows = static_cast<int>(tp.integer("bias_rows"));
        if (bias_rows != (has_bias ? 1 : 0))
            tp.fail("bias_rows",
                    std::string(has_bias ? "1" : "0") + " (" + where +
                        (has_bias ? " holds the layer's bias row after its inputs)"
                                  : " holds no bias row)"),
                    std::to_string(bias_rows));
    }
    m_chain.push_back(std::move(layer));
}

// The tiles give y = a x (x_max, w_max) amperes per unit of a partial pre-activation; each
// part's amplifier gives gain r_unit times that, and the neuron sees the parts' average. So
// the whole pre-activation z reaches the neuron as gain r_unit a z / parts, which must be
// scale_V z.
void MlpInference::set_chain_gains(const std::string& file, const std::string& tiles_pointer) {
    for (std::size_t l = 0; l < m_chain.size(); ++l) {
        ChainLayer& layer = m_chain[l];
        const MatrixMap& lm = m_map[l];
        const double a =
            Crossbar::nominal_amperes_per_output(*lm.blocks.front().spec, lm.x_max, lm.w_max);
        // The parts are averaged with one gain: tiles of other cells or read voltages would
        // weigh their partial sums differently.
        for (const TileBlock& b : lm.blocks) {
            const double ab = Crossbar::nominal_amperes_per_output(*b.spec, lm.x_max, lm.w_max);
            if (std::fabs(ab - a) > 1e-9 * a)
                throw ConfigError(file, tiles_pointer,
                                  "tiles of one layer of an analog chain that give the same "
                                  "current per unit of pre-activation (one cell and read voltage)",
                                  lm.blocks.front().tile + " and " + b.tile + " of layer " +
                                      m_net.layers[l].name + " differ");
        }
        const double g_line = mean_line_conductance(lm);
        for (auto& bank : layer.banks) {
            if (bank.linear || !bank.fit_gain) continue;
            // A transimpedance readout: gain r_unit a z / parts = scale_V z.
            bank.gain = layer.scale_V * bank.parts / (bank.r_unit_ohm * a);
            // A difference amplifier sees each line's conductance-weighted mean of the row
            // voltages, the I- line pulled towards the I+ line by its r_unit: linearised at the
            // layer's mean line conductance g, its output is gain beta (I+ - I-) / g with
            // beta = g / (g + 1 / r_unit). Equal to the transimpedance gain's output for
            // gain = gain_ti r_unit g / beta; the lines' common mode is left (the circuit's).
            if (bank.difference) {
                if (!(g_line > 0.0))
                    throw ConfigError(file, tiles_pointer,
                                      "differential tiles of analog weights for " + bank.name +
                                          "'s difference amplifier (it reads a pair of lines "
                                          "per output)",
                                      "tiles of layer " + m_net.layers[l].name + " without them");
                const double beta = g_line / (g_line + 1.0 / bank.r_unit_ohm);
                bank.gain *= bank.r_unit_ohm * g_line / beta;
            }
        }
    }
}

// The mean conductance of a pair's line over a layer's used pairs, as programmed without
// variation (each tile's rows on the lines: the used ones, or all with UnusedLines::grounded).
double MlpInference::mean_line_conductance(const MatrixMap& lm) {
    double sum = 0.0;
    long lines = 0;
    for (const TileBlock& b : lm.blocks) {
        CrossbarSpec s = *b.spec;
        s.variation = false;
        s.read_noise = false;
        s.ir_drop = false;
        if (s.sliced() || s.mapping != WeightMapping::differential) return 0.0;
        Crossbar x(s, RngStream(0, "line-conductance"));
        x.program(b.weights.data(), b.rows, b.cols, lm.w_max);
        const std::vector<double>& g = x.conductances_S();
        const int connected = s.unused_lines == UnusedLines::absent ? b.rows : s.rows;
        for (int c = 0; c < 2 * b.cols; ++c) {
            for (int i = 0; i < connected; ++i)
                sum += g[static_cast<std::size_t>(i) * s.cols + c];
            ++lines;
        }
    }
    return lines ? sum / static_cast<double>(lines) : 0.0;
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
        if (!spec || !(sum2 > 0.0)) continue;
        const double rel = std::sqrt(err2 / sum2);
        m_weight_error.push_back(rel);
        if (rel <= kMaxWeightError) continue;
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
    /// [layer][group]: the blocks that share one slice of the input (same rows), which a
    /// multicast feeds at once.
    std::vector<std::vector<std::vector<CrossbarTileDriver*>>> groups;
    /// [layer]: hardware bits of an input activation and of a tile's partial sum
    /// (tile_widths.h; the widest tile of the layer).
    std::vector<int> in_bits, out_bits;
    /// Activations as float32 elements of their hardware width.
    static ElementWidth width(int bits) { return {sizeof(float), static_cast<unsigned>(bits)}; }
    /// The widths and multicast groups of every layer's tiles, once the tiles have drivers.
    void plan(RunContext& ctx, const std::vector<MatrixMap>& map);
};

void MlpInference::Drivers::plan(RunContext& ctx, const std::vector<MatrixMap>& map) {
    for (std::size_t l = 0; l < map.size(); ++l) {
        int in = 1, out = 1;
        std::vector<int> group_row0;
        groups.emplace_back();
        for (std::size_t k = 0; k < map[l].blocks.size(); ++k) {
            const TileBlock& b = map[l].blocks[k];
            const CrossbarSpec spec = CrossbarSpec::table().build(*ctx.component(b.tile)->params);
            tiles[l][k].set_element_bits(tile_input_bits(spec), tile_output_bits(spec));
            in = std::max(in, tile_input_bits(spec));
            out = std::max(out, tile_output_bits(spec));
            const auto it = std::find(group_row0.begin(), group_row0.end(), b.row0);
            if (it == group_row0.end()) {
                group_row0.push_back(b.row0);
                groups[l].push_back({&tiles[l][k]});
            } else {
                groups[l][static_cast<std::size_t>(it - group_row0.begin())].push_back(
                    &tiles[l][k]);
            }
        }
        in_bits.push_back(in);
        out_bits.push_back(out);
    }
}

void MlpInference::program_tiles(RunContext& ctx, Drivers& d) const {
    d.tiles.resize(m_map.size());
    for (std::size_t l = 0; l < m_map.size(); ++l)
        for (const auto& b : m_map[l].blocks)
            d.tiles[l].emplace_back(ctx.bus(), ctx.component(b.tile)->address, b.tile);
    d.plan(ctx, m_map);
    ctx.phase("program");
    for (std::size_t l = 0; l < m_map.size(); ++l) {
        const MatrixMap& lm = m_map[l];
        for (std::size_t k = 0; k < lm.blocks.size(); ++k) {
            const TileBlock& b = lm.blocks[k];
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
}

void MlpInference::look_ahead(Drivers& d, int first, int count) const {
    const std::size_t n = static_cast<std::size_t>(count);
    std::size_t width = static_cast<std::size_t>(m_data.image_size());
    std::vector<float> x(n * width), xb, in, part, y;
    for (std::size_t b = 0; b < n; ++b)
        std::copy_n(m_data.image(first + static_cast<int>(b)), width, x.begin() + b * width);
    for (std::size_t l = 0; l < m_map.size(); ++l) {
        const DenseLayer& L = m_net.layers[l];
        const MatrixMap& lm = m_map[l];
        // The layer's inputs with the bias row's input, as infer() gives them to the tiles.
        xb.resize(n * (width + 1));
        for (std::size_t b = 0; b < n; ++b) {
            std::copy_n(x.begin() + b * width, width, xb.begin() + b * (width + 1));
            xb[b * (width + 1) + width] = lm.x_max;
        }
        const std::size_t outs = static_cast<std::size_t>(L.outputs);
        y.assign(n * outs, 0.0f);
        for (std::size_t k = 0; k < lm.blocks.size(); ++k) {
            const TileBlock& blk = lm.blocks[k];
            const std::size_t rows = static_cast<std::size_t>(blk.rows);
            const std::size_t cols = static_cast<std::size_t>(blk.cols);
            in.resize(n * rows);
            for (std::size_t b = 0; b < n; ++b)
                std::copy_n(xb.begin() + b * (width + 1) + blk.row0, rows, in.begin() + b * rows);
            part.resize(n * cols);
            if (!d.tiles[l][k].look_ahead(in.data(), count, blk.rows, part.data(), blk.cols))
                return;
            // Partial sums in block order, as infer() adds them.
            for (std::size_t b = 0; b < n; ++b)
                for (std::size_t c = 0; c < cols; ++c)
                    y[b * outs + static_cast<std::size_t>(blk.col0) + c] += part[b * cols + c];
        }
        if (L.activation != Activation::none)
            for (auto& v : y)
                v = activate(L.activation, v);
        x.swap(y);
        width = outs;
    }
}

int MlpInference::infer(RunContext& ctx, Drivers& d, int image) const {
    // Activations live in the buffer: layer l reads its input from half l % 2 and writes its
    // output to the other half.
    // Activations at the width of the layer that reads them; the last layer's outputs at its
    // partial sums' width.
    const std::size_t layers = m_map.size();
    auto bits_of_input = [&](std::size_t l) {
        return l < layers ? d.in_bits[l] : d.out_bits[layers - 1];
    };
    auto stash = [&](std::size_t half, const std::vector<float>& v, std::size_t reader) {
        if (d.buffer)
            d.buffer->write(half * m_buffer_half, v.data(), v.size() * sizeof(float),
                            Drivers::width(bits_of_input(reader)));
    };
    auto fetch = [&](std::size_t half, std::vector<float>& v, std::size_t reader) {
        if (d.buffer)
            d.buffer->read(half * m_buffer_half, v.data(), v.size() * sizeof(float),
                           Drivers::width(bits_of_input(reader)));
    };
    std::vector<float> x(m_data.image(image), m_data.image(image) + m_data.image_size());
    std::vector<float> xb, y, part(static_cast<std::size_t>(m_mapper->tile_cols()));
    for (std::size_t l = 0; l < m_map.size(); ++l) {
        const DenseLayer& L = m_net.layers[l];
        const MatrixMap& lm = m_map[l];
        ctx.phase(L.name);
        if (l == 0) stash(0, x, 0);
        fetch(l % 2, x, l);
        xb = x;
        xb.push_back(lm.x_max);
        // Start every tile of the layer, then collect: the tiles work in parallel. Tiles that
        // share a slice of the input get it in one multicast.
        for (const auto& group : d.groups[l]) {
            const TileBlock& b =
                lm.blocks[static_cast<std::size_t>(group.front() - &d.tiles[l][0])];
            CrossbarTileDriver::start_mvm(ctx.bus(), group, xb.data() + b.row0, b.rows);
        }
        y.assign(static_cast<std::size_t>(L.outputs), 0.0f);
        for (std::size_t k = 0; k < lm.blocks.size(); ++k) {
            const TileBlock& b = lm.blocks[k];
            d.tiles[l][k].collect(part.data(), b.cols);
            for (int c = 0; c < b.cols; ++c)
                y[static_cast<std::size_t>(b.col0 + c)] += part[static_cast<std::size_t>(c)];
        }
        ctx.digital(DigitalOp::accumulate, static_cast<std::uint64_t>(lm.row_blocks - 1) *
                                               static_cast<std::uint64_t>(L.outputs));
        if (L.activation != Activation::none) {
            for (auto& v : y)
                v = activate(L.activation, v);
            // A ReLU or a ternary threshold is a comparison; sigmoid-like curves need the
            // controller's nonlinear unit.
            const DigitalOp op =
                L.activation == Activation::relu || L.activation == Activation::ternary
                    ? DigitalOp::activation
                    : DigitalOp::nonlinear;
            ctx.digital(op, static_cast<std::uint64_t>(L.outputs));
        }
        stash((l + 1) % 2, y, l + 1);
        x.swap(y);
    }
    ctx.phase("classify");
    fetch(m_map.size() % 2, x, layers);
    const int predicted = argmax(x.data(), static_cast<int>(x.size()));
    ctx.digital(DigitalOp::compare, x.size() > 0 ? x.size() - 1 : 0);
    ctx.phase("");
    return predicted;
}

int MlpInference::infer_chain(RunContext& ctx, Drivers& d, int image) const {
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
    for (const auto& group : d.groups[0]) {
        const TileBlock& b = first.blocks[static_cast<std::size_t>(group.front() - &d.tiles[0][0])];
        CrossbarTileDriver::start_mvm(ctx.bus(), group, x.data() + b.row0, b.rows);
    }
    std::vector<float> y(static_cast<std::size_t>(m_net.output_size()), 0.0f);
    const ChainLayer& last = m_chain.back();
    for (std::size_t k = 0; k < last.banks.size(); ++k) {
        const std::vector<float> v = d.banks.back()[k].read_outputs();
        std::copy_n(v.begin(), last.banks[k].cols, y.begin() + last.banks[k].col0);
    }
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
        if (m_batch > 1 && !m_chain_mode && i % m_batch == 0)
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
            ++m_confusion[static_cast<std::size_t>(label * m_classes + predicted)];
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
    j["dataset"] = {{"images", m_images}, {"labels", m_labels}, {"count", m_data.count}};
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
                row.push_back(m_confusion[static_cast<std::size_t>(r * m_classes + c)]);
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
        const auto& lm = m_map[l];
        json blocks = json::array();
        for (const auto& b : lm.blocks)
            blocks.push_back({{"tile", b.tile},
                              {"row0", b.row0},
                              {"rows", b.rows},
                              {"col0", b.col0},
                              {"cols", b.cols},
                              {"adc_range", b.y_max}});
        layers.push_back({{"layer", m_net.layers[l].name},
                          {"inputs", m_net.layers[l].inputs},
                          {"outputs", m_net.layers[l].outputs},
                          {"activation", to_string(m_net.layers[l].activation)},
                          {"row_blocks", lm.row_blocks},
                          {"col_blocks", lm.col_blocks},
                          {"weight_range", lm.w_max},
                          {"input_range", lm.x_max},
                          {"tiles", blocks}});
    }
    j["layers"] = layers;
    return j;
}

json MlpInference::resolved_paths() const {
    json j = {{"network", absolute_path(m_net.path)},
              {"dataset", {{"images", absolute_path(m_images)}}}};
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
    try {
        const IdxShape s =
            idx_image_shape(resolve_path(platform.config_dir, p.string("dataset.images")));
        const double available =
            static_cast<double>(s.count) - static_cast<double>(p.integer("dataset.offset"));
        const double limit = static_cast<double>(p.integer("dataset.limit"));
        const double n = std::max(0.0, limit > 0 ? std::min(limit, available) : available);
        return n * (static_cast<double>(s.height) * s.width * 4.0 + 4.0);
    } catch (const InputError&) {
        return 0.0;
    }
}

const bool kRegistered = register_workload<MlpInference>(
    "mlp_inference", "MLP inference on crossbar tiles, weight-stationary, with accuracy",
    estimate_dataset_bytes);
} // namespace

} // namespace neurotlm
