// Reading a network file (docs/network-format.md): the parameter tables its keys are checked
// against, its tensors (.npy, inline or random) and the layer graph with its shapes.
#include <cmath>
#include <filesystem>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "neurotlm/core/params.h"
#include "neurotlm/core/rng.h"
#include "neurotlm/workloads/network.h"
#include "neurotlm/workloads/network_format.h"
#include "neurotlm/workloads/npy.h"

namespace neurotlm {

namespace fs = std::filesystem;

namespace {

constexpr double max_width = 1 << 24;
constexpr double kMaxWeights = double(1 << 28);

} // namespace

const ParamTable& network_param_table() {
    static const ParamTable table =
        ParamTable()
            .string("$schema", json(), "JSON Schema of this file, for editors; ignored by neurotlm")
            .optional()
            .choice("format", {kNetworkFormatName}, json(),
                    "identifies the file as a network description")
            .integer("version", json(), "format version", kNetworkFormatVersion,
                     kNetworkFormatVersion)
            .string("name", json(), "network name")
            .optional()
            .string("description", json(), "free text: how it was trained, what inputs it expects")
            .optional()
            .any("input", json(),
                 "input size: a vector length, or [channels, height, width] for images that "
                 "convolutions take")
            .any("layers", json(), "array of layer objects, input side first");
    return table;
}

const ParamTable& network_layer_param_table() {
    static const ParamTable table =
        ParamTable()
            .string("name", json(), "layer name (default fc<index+1>, conv<index+1>, ...)")
            .optional()
            .choice("type", {"dense", "conv2d", "maxpool", "avgpool", "add"}, "dense",
                    "layer kind: dense and conv2d hold weights (on crossbar tiles); pooling and "
                    "add (a residual connection) are computed digitally")
            .string("from", json(),
                    "the layer whose output this layer takes (\"input\": the network's input); "
                    "default: the previous layer")
            .optional()
            .string("skip", json(),
                    "add: the other operand, a layer name or \"input\" (same shape as the "
                    "layer's input)")
            .optional()
            .integer("inputs", json(),
                     "dense: input count; must equal the size of the layer's input", 1, max_width)
            .optional()
            .integer("outputs", json(), "dense: output count; conv2d: output channels", 1,
                     max_width)
            .optional()
            .any("kernel", json(), "conv2d and pooling: window size, an integer or [height, width]")
            .optional()
            .any("stride", json(),
                 "conv2d and pooling: step, an integer or [height, width]; default 1 for conv2d, "
                 "the kernel for pooling")
            .optional()
            .any("padding", json(),
                 "conv2d and pooling: padding on each side, an integer or [height, width]; "
                 "default 0")
            .optional()
            .integer("groups", 1,
                     "conv2d: channel groups (input and output channels must divide by it)", 1,
                     max_width)
            .choice("activation", activation_choices(), "none", "activation after the layer")
            .any("weights", json(),
                 "dense and conv2d: a .npy path, nested arrays, or {\"random\": \"uniform\", "
                 "\"range\": r, \"seed\": s} (uniform in [-r, r]); conv2d: [outputs, "
                 "inputs/groups, kernel height, kernel width] (PyTorch Conv2d.weight)")
            .optional()
            .choice("weights_layout", {"out_in", "in_out"}, "out_in",
                    "out_in: [outputs][inputs] (PyTorch nn.Linear; conv2d [out][in][kh][kw], "
                    "Conv2d); in_out: [inputs][outputs] (Keras Dense; conv2d [kh][kw][in][out])")
            .any("bias", json(), "bias vector: a .npy path or an array")
            .optional()
            // A ternary network's files hold -1, 0 and 1 and say the gain once per layer, as
            // the crossbar holds levels and the readout amplifier the gain.
            .positive("scale", Unit::none, 1.0,
                      "the layer computes activation(scale (W x + b)) from the files' W and b; "
                      "a ternary layer's gain",
                      0.0, 1e9)
            .choice("quantization", {"none", "ternary"}, "none",
                    "ternary: every weight and bias value in the files is -1, 0 or 1 (checked)");
    return table;
}

namespace {

std::string shape_string(const std::vector<std::size_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

/// "element [i, j, ...]" for flat index @p i of @p a.
std::string element_name(const NpyArray& a, std::size_t i) {
    if (a.shape.size() < 2) return "element " + std::to_string(i);
    std::vector<std::size_t> idx(a.shape.size());
    for (std::size_t k = a.shape.size(); k-- > 0;) {
        const std::size_t n = a.shape[k] ? a.shape[k] : 1;
        idx[k] = i % n;
        i /= n;
    }
    std::string s = "element [";
    for (std::size_t k = 0; k < idx.size(); ++k)
        s += (k ? ", " : "") + std::to_string(idx[k]);
    return s + "]";
}

/// Nested JSON arrays of numbers, @p rank deep, every level regular.
void read_inline(const json& value, std::size_t depth, std::size_t rank, const std::string& file,
                 const std::string& pointer, NpyArray& out) {
    if (depth == rank) {
        if (!value.is_number()) throw ConfigError(file, pointer, "a number", describe_json(value));
        out.data.push_back(static_cast<float>(value.get<double>()));
        return;
    }
    if (!value.is_array()) {
        const std::string want =
            depth + 1 == rank ? "an array of numbers"
                              : "an array of arrays, " + std::to_string(rank - depth) + " deep";
        throw ConfigError(file, pointer, want, describe_json(value));
    }
    if (out.shape.size() <= depth) {
        out.shape.push_back(value.size());
    } else if (out.shape[depth] != value.size()) {
        throw ConfigError(file, pointer,
                          "an array of " + std::to_string(out.shape[depth]) +
                              " like the first at this depth",
                          describe_json(value));
    }
    for (std::size_t i = 0; i < value.size(); ++i)
        read_inline(value[i], depth + 1, rank, file, pointer + "/" + std::to_string(i), out);
}

/// Reads a tensor given either as a .npy path or as nested JSON arrays @p rank deep.
NpyArray read_tensor(const json& value, std::size_t rank, const std::string& file,
                     const std::string& pointer, const fs::path& base_dir) {
    if (value.is_string()) {
        fs::path p = value.get<std::string>();
        if (p.is_relative()) p = base_dir / p;
        try {
            return read_npy(p.string());
        } catch (const InputError& e) {
            throw ConfigError(file, pointer, "a readable .npy file", e.what());
        }
    }
    if (!value.is_array())
        throw ConfigError(file, pointer,
                          "a .npy path or " + std::string(rank == 1 ? "an array of numbers"
                                                                    : "nested arrays of numbers"),
                          describe_json(value));
    NpyArray out;
    read_inline(value, 0, rank, file, pointer, out);
    // An empty level leaves the deeper sizes unknown: they are 0.
    out.shape.resize(rank, 0);
    return out;
}

void check_finite(const NpyArray& a, const std::string& file, const std::string& pointer) {
    for (std::size_t i = 0; i < a.data.size(); ++i) {
        if (std::isfinite(a.data[i])) continue;
        throw ConfigError(file, pointer, "finite numbers",
                          std::string(std::isnan(a.data[i]) ? "NaN" : "infinity") + " at " +
                              element_name(a, i));
    }
}

/// Refuses a tensor of a ternary layer holding anything but -1, 0 and 1.
void check_ternary(const NpyArray& a, const std::string& file, const std::string& pointer) {
    for (std::size_t i = 0; i < a.data.size(); ++i) {
        const float v = a.data[i];
        if (v == -1.0f || v == 0.0f || v == 1.0f) continue;
        throw ConfigError(file, pointer, "only -1, 0 and 1 (the layer's quantization is ternary)",
                          std::to_string(v) + " at " + element_name(a, i));
    }
}

struct Pair {
    int h, w;
};

/// An integer or [height, width] of integers at least @p min.
Pair read_pair(const Params& p, const char* key, Pair def, int min) {
    if (!p.present(key)) return def;
    const json& v = p.raw(key);
    auto ok = [&](const json& e) {
        return e.is_number_integer() && e.get<std::int64_t>() >= min &&
               e.get<std::int64_t>() <= static_cast<std::int64_t>(max_width);
    };
    if (ok(v)) return {v.get<int>(), v.get<int>()};
    if (v.is_array() && v.size() == 2 && ok(v[0]) && ok(v[1]))
        return {v[0].get<int>(), v[1].get<int>()};
    p.fail(key, "an integer of at least " + std::to_string(min) + ", or [height, width] of them",
           describe_json(v));
}

/// The network's input: a length or [channels, height, width].
Shape read_input(const json& v, const std::string& path) {
    auto ok = [](const json& e) {
        return e.is_number_integer() && e.get<std::int64_t>() >= 1 &&
               e.get<std::int64_t>() <= static_cast<std::int64_t>(max_width);
    };
    Shape s;
    if (ok(v)) {
        s.channels = v.get<int>();
    } else if (v.is_array() && v.size() == 3 && ok(v[0]) && ok(v[1]) && ok(v[2])) {
        s = {v[0].get<int>(), v[1].get<int>(), v[2].get<int>()};
    } else {
        throw ConfigError(path, "/input",
                          "a positive integer, or [channels, height, width] of them",
                          describe_json(v));
    }
    if (static_cast<double>(s.channels) * s.height * s.width > max_width)
        throw ConfigError(path, "/input", "at most 16777216 values", to_string(s));
    return s;
}

/// A layer name or "input" to an index (-1 for the input) among the first @p before layers.
int find_layer(const Network& net, const std::string& name, std::size_t before,
               const std::string& path, const std::string& pointer) {
    if (name == "input") return -1;
    for (std::size_t i = 0; i < before; ++i)
        if (net.layers[i].name == name) return static_cast<int>(i);
    std::string names = "\"input\"";
    for (std::size_t i = 0; i < before; ++i)
        names += ", \"" + net.layers[i].name + "\"";
    throw ConfigError(path, pointer, "an earlier layer's name or \"input\" (" + names + ")",
                      "\"" + name + "\"");
}

/// {"random": "uniform", "range": r, "seed": s}: weights drawn uniformly from [-r, r] (r = 1 by
/// default), reproducibly from the seed and the layer's name; for architecture estimates of
/// networks whose trained weights are not at hand.
NpyArray random_tensor(const json& spec, const std::vector<std::size_t>& shape,
                       const std::string& layer, const std::string& path,
                       const std::string& pointer) {
    double range = 1.0;
    std::uint64_t seed = 1;
    bool uniform = false;
    for (auto it = spec.begin(); it != spec.end(); ++it) {
        const json& v = it.value();
        const std::string where = pointer + "/" + it.key();
        if (it.key() == "random") {
            if (!v.is_string() || v.get<std::string>() != "uniform")
                throw ConfigError(path, where, "\"uniform\"", describe_json(v));
            uniform = true;
        } else if (it.key() == "range") {
            if (!v.is_number() || !(v.get<double>() > 0.0) || !(v.get<double>() <= 1e9))
                throw ConfigError(path, where, "a number in (0, 1e9]", describe_json(v));
            range = v.get<double>();
        } else if (it.key() == "seed") {
            if (!v.is_number_integer() || v.get<std::int64_t>() < 0)
                throw ConfigError(path, where, "a non-negative integer", describe_json(v));
            seed = v.get<std::uint64_t>();
        } else {
            throw ConfigError(path, where, "only the keys random, range and seed",
                              "\"" + it.key() + "\"");
        }
    }
    if (!uniform)
        throw ConfigError(path, pointer + "/random",
                          "\"random\": \"uniform\" (weights drawn at random)", "none");
    NpyArray out;
    out.shape = shape;
    out.data.resize(out.size());
    RngStream rng(seed, "weights/" + layer);
    for (float& v : out.data)
        v = static_cast<float>(range * (2.0 * rng.uniform() - 1.0));
    return out;
}

/// Reads and checks a weighted layer's weights and bias into @p layer (whose shapes are set).
void read_weights(const Params& p, Layer& layer, const std::string& path, const std::string& lp,
                  const fs::path& base_dir, bool first) {
    const bool conv = layer.kind == LayerKind::conv2d;
    const bool out_in = p.string("weights_layout") == "out_in";
    const std::string wp = lp + "/weights";
    if (!p.present("weights"))
        throw ConfigError(path, wp,
                          std::string("weights (a ") + to_string(layer.kind) +
                              " layer holds a weight tensor)",
                          "none");
    const auto out_n = static_cast<std::size_t>(layer.outputs);
    const std::size_t group_in =
        conv ? static_cast<std::size_t>(layer.in_shape.channels / layer.groups) : 0;
    const auto kh = static_cast<std::size_t>(layer.kernel_h);
    const auto kw = static_cast<std::size_t>(layer.kernel_w);
    const auto in_n = static_cast<std::size_t>(layer.inputs);
    std::vector<std::size_t> want;
    std::string meaning;
    if (conv) {
        want = out_in ? std::vector<std::size_t>{out_n, group_in, kh, kw}
                      : std::vector<std::size_t>{kh, kw, group_in, out_n};
        meaning = out_in ? " ([outputs, input channels / groups, kernel height, kernel width], "
                           "layout out_in)"
                         : " ([kernel height, kernel width, input channels / groups, outputs], "
                           "layout in_out)";
    } else {
        want =
            out_in ? std::vector<std::size_t>{out_n, in_n} : std::vector<std::size_t>{in_n, out_n};
        meaning =
            std::string(out_in ? " ([outputs, inputs], layout out_in"
                               : " ([inputs, outputs], layout in_out") +
            (first ? "; inputs = the network's input)" : "; inputs = the layer's input size)");
    }
    // A matrix no tile mapping or memory could hold is a typo, refused before it is allocated
    // (random weights would otherwise be drawn for it).
    if (static_cast<double>(in_n) * static_cast<double>(out_n) > kMaxWeights)
        throw ConfigError(path, lp + "/outputs",
                          "a weight matrix of at most 2^28 values (1 GiB of float32)",
                          std::to_string(in_n) + " inputs x " + std::to_string(out_n) + " outputs");
    const NpyArray w = p.raw("weights").is_object()
                           ? random_tensor(p.raw("weights"), want, layer.name, path, wp)
                           : read_tensor(p.raw("weights"), conv ? 4 : 2, path, wp, base_dir);
    if (w.shape != want)
        throw ConfigError(path, wp, "shape " + shape_string(want) + meaning,
                          "shape " + shape_string(w.shape));
    check_finite(w, path, wp);
    if (layer.ternary) check_ternary(w, path, wp);
    layer.weights.assign(in_n * out_n, 0.0f);
    if (conv) {
        // Row (c, ky, kx) of the patch, column o; a group's outputs see only its inputs.
        const std::size_t group_out = out_n / static_cast<std::size_t>(layer.groups);
        for (std::size_t o = 0; o < out_n; ++o) {
            const std::size_t c0 = (o / group_out) * group_in;
            for (std::size_t ci = 0; ci < group_in; ++ci)
                for (std::size_t y = 0; y < kh; ++y)
                    for (std::size_t x = 0; x < kw; ++x) {
                        const std::size_t src = out_in ? ((o * group_in + ci) * kh + y) * kw + x
                                                       : ((y * kw + x) * group_in + ci) * out_n + o;
                        const std::size_t row = ((c0 + ci) * kh + y) * kw + x;
                        layer.weights[row * out_n + o] = w.data[src];
                    }
        }
    } else if (out_in) {
        for (std::size_t o = 0; o < out_n; ++o)
            for (std::size_t i = 0; i < in_n; ++i)
                layer.weights[i * out_n + o] = w.data[o * in_n + i];
    } else {
        layer.weights = w.data;
    }

    if (p.present("bias")) {
        const std::string bp = lp + "/bias";
        const NpyArray b = read_tensor(p.raw("bias"), 1, path, bp, base_dir);
        if (b.shape != std::vector<std::size_t>{out_n})
            throw ConfigError(path, bp, "shape " + shape_string({out_n}) + " (outputs)",
                              "shape " + shape_string(b.shape));
        check_finite(b, path, bp);
        if (layer.ternary) check_ternary(b, path, bp);
        layer.bias = b.data;
    } else {
        layer.bias.assign(out_n, 0.0f);
    }
    if (layer.scale != 1.0f) {
        for (float& v : layer.weights)
            v *= layer.scale;
        for (float& v : layer.bias)
            v *= layer.scale;
    }
}

/// Output size of a window of @p k with @p stride and @p pad over @p n; ConfigError when the
/// window does not fit.
int window_out(int n, int k, int stride, int pad, const char* axis, const std::string& path,
               const std::string& pointer) {
    const int span = n + 2 * pad - k;
    if (span < 0)
        throw ConfigError(path, pointer,
                          std::string("a kernel no larger than the padded input ") + axis + " (" +
                              std::to_string(n + 2 * pad) + ")",
                          std::to_string(k));
    return span / stride + 1;
}

} // namespace

Network load_network(const std::string& path) {
    const json doc =
        parse_json_text(read_input_file(path, std::uint64_t{256} << 20, "the network file"), path);
    const Params top = Params::validate(doc, network_param_table(), path, "");
    const fs::path base_dir = fs::path(path).parent_path();

    Network net;
    net.path = path;
    net.name = top.has("name") ? top.string("name") : fs::path(path).stem().string();
    if (top.has("description")) net.description = top.string("description");
    net.input_shape = read_input(top.raw("input"), path);
    const json& layers = doc["layers"];
    if (!layers.is_array() || layers.empty())
        throw ConfigError(path, "/layers", "a non-empty array of layer objects",
                          describe_json(layers));

    for (std::size_t li = 0; li < layers.size(); ++li) {
        const std::string lp = "/layers/" + std::to_string(li);
        const Params p = Params::validate(layers[li], network_layer_param_table(), path, lp);
        Layer layer;
        const std::string type = p.string("type");
        layer.kind = type == "conv2d"    ? LayerKind::conv2d
                     : type == "maxpool" ? LayerKind::maxpool
                     : type == "avgpool" ? LayerKind::avgpool
                     : type == "add"     ? LayerKind::add
                                         : LayerKind::dense;
        const char* prefix = layer.kind == LayerKind::dense    ? "fc"
                             : layer.kind == LayerKind::conv2d ? "conv"
                             : layer.kind == LayerKind::add    ? "add"
                                                               : "pool";
        layer.name = p.has("name") ? p.string("name") : prefix + std::to_string(li + 1);
        if (layer.name == "input")
            throw ConfigError(path, lp + "/name",
                              "a name other than \"input\" (it means the "
                              "network's input in from and skip)",
                              "\"input\"");
        for (const auto& other : net.layers)
            if (other.name == layer.name)
                throw ConfigError(path, lp + "/name", "a name no other layer uses",
                                  "\"" + layer.name + "\" again");
        layer.from = p.present("from") ? find_layer(net, p.string("from"), li, path, lp + "/from")
                                       : static_cast<int>(li) - 1;
        layer.in_shape = layer.from < 0
                             ? net.input_shape
                             : net.layers[static_cast<std::size_t>(layer.from)].out_shape;
        layer.activation = parse_activation(p.string("activation"));
        layer.scale = static_cast<float>(p.number("scale"));
        layer.ternary = p.string("quantization") == "ternary";

        // Keys that only some kinds take.
        const bool weighted = layer.weighted();
        const bool windowed = layer.kind == LayerKind::conv2d || layer.kind == LayerKind::maxpool ||
                              layer.kind == LayerKind::avgpool;
        auto refuse = [&](const char* key, bool allowed, const char* kinds) {
            if (!allowed && p.present(key))
                throw ConfigError(path, lp + "/" + key,
                                  std::string("no ") + key + " (it belongs to " + kinds + ")",
                                  "it on a " + type + " layer");
        };
        refuse("kernel", windowed, "conv2d and pooling layers");
        refuse("stride", windowed, "conv2d and pooling layers");
        refuse("padding", windowed, "conv2d and pooling layers");
        refuse("groups", layer.kind == LayerKind::conv2d, "conv2d layers");
        refuse("skip", layer.kind == LayerKind::add, "add layers");
        refuse("inputs", layer.kind == LayerKind::dense, "dense layers");
        refuse("outputs", weighted, "dense and conv2d layers");
        refuse("weights", weighted, "dense and conv2d layers");
        refuse("weights_layout", weighted, "dense and conv2d layers");
        refuse("bias", weighted, "dense and conv2d layers");
        refuse("scale", weighted, "dense and conv2d layers");
        refuse("quantization", weighted, "dense and conv2d layers");
        if (weighted && !p.present("outputs"))
            throw ConfigError(path, lp + "/outputs",
                              layer.kind == LayerKind::dense ? "an output count"
                                                             : "an output channel count",
                              "none");

        if (windowed) {
            if (!p.present("kernel"))
                throw ConfigError(path, lp + "/kernel", "a window size, an integer or [h, w]",
                                  "none");
            const Pair k = read_pair(p, "kernel", {1, 1}, 1);
            const Pair s =
                read_pair(p, "stride", layer.kind == LayerKind::conv2d ? Pair{1, 1} : k, 1);
            const Pair pad = read_pair(p, "padding", {0, 0}, 0);
            layer.kernel_h = k.h;
            layer.kernel_w = k.w;
            layer.stride_h = s.h;
            layer.stride_w = s.w;
            layer.pad_h = pad.h;
            layer.pad_w = pad.w;
            if (layer.kind != LayerKind::conv2d && (2 * pad.h > k.h || 2 * pad.w > k.w))
                throw ConfigError(path, lp + "/padding",
                                  "at most half the kernel on each side (a window of padding "
                                  "only has no value)",
                                  std::to_string(pad.h) + "x" + std::to_string(pad.w) + " with a " +
                                      std::to_string(k.h) + "x" + std::to_string(k.w) + " kernel");
            const int oh =
                window_out(layer.in_shape.height, k.h, s.h, pad.h, "height", path, lp + "/kernel");
            const int ow =
                window_out(layer.in_shape.width, k.w, s.w, pad.w, "width", path, lp + "/kernel");
            if (static_cast<double>(oh) * ow * layer.in_shape.channels > max_width)
                throw ConfigError(path, lp + "/kernel", "an output of at most 16777216 values",
                                  std::to_string(layer.in_shape.channels) + " channels of " +
                                      std::to_string(oh) + "x" + std::to_string(ow));
            layer.out_shape = {layer.in_shape.channels, oh, ow};
        }

        switch (layer.kind) {
        case LayerKind::dense:
            if (p.present("inputs") && p.integer("inputs") != layer.in_shape.size())
                throw ConfigError(
                    path, lp + "/inputs",
                    std::to_string(layer.in_shape.size()) +
                        (layer.from < 0
                             ? " (the network's input)"
                             : " (the size of its input, " +
                                   net.layers[static_cast<std::size_t>(layer.from)].name +
                                   "'s output)"),
                    std::to_string(p.integer("inputs")));
            layer.inputs = layer.in_shape.size();
            layer.outputs = static_cast<int>(p.integer("outputs"));
            layer.out_shape = {layer.outputs, 1, 1};
            read_weights(p, layer, path, lp, base_dir, li == 0);
            break;
        case LayerKind::conv2d: {
            layer.groups = static_cast<int>(p.integer("groups"));
            layer.outputs = static_cast<int>(p.integer("outputs"));
            if (layer.in_shape.channels % layer.groups != 0 || layer.outputs % layer.groups != 0)
                throw ConfigError(
                    path, lp + "/groups",
                    "a divisor of the input channels (" + std::to_string(layer.in_shape.channels) +
                        ") and of the outputs (" + std::to_string(layer.outputs) + ")",
                    std::to_string(layer.groups));
            const double rows =
                static_cast<double>(layer.in_shape.channels) * layer.kernel_h * layer.kernel_w;
            if (rows > max_width)
                throw ConfigError(path, lp + "/kernel", "a patch of at most 16777216 values",
                                  std::to_string(static_cast<long long>(rows)));
            layer.inputs = static_cast<int>(rows);
            if (static_cast<double>(layer.outputs) * layer.out_shape.height *
                    layer.out_shape.width >
                max_width)
                throw ConfigError(path, lp + "/outputs", "an output of at most 16777216 values",
                                  std::to_string(layer.outputs) + " channels of " +
                                      std::to_string(layer.out_shape.height) + "x" +
                                      std::to_string(layer.out_shape.width));
            layer.out_shape.channels = layer.outputs;
            read_weights(p, layer, path, lp, base_dir, li == 0);
            break;
        }
        case LayerKind::maxpool:
        case LayerKind::avgpool:
            layer.inputs = layer.in_shape.size();
            layer.outputs = layer.out_shape.size();
            break;
        case LayerKind::add: {
            if (!p.present("skip"))
                throw ConfigError(path, lp + "/skip",
                                  "the other operand: an earlier layer's name or \"input\"",
                                  "none");
            layer.skip = find_layer(net, p.string("skip"), li, path, lp + "/skip");
            const Shape other = layer.skip < 0
                                    ? net.input_shape
                                    : net.layers[static_cast<std::size_t>(layer.skip)].out_shape;
            if (other != layer.in_shape)
                throw ConfigError(path, lp + "/skip",
                                  "a tensor of the layer's input shape " +
                                      to_string(layer.in_shape),
                                  p.string("skip") + " of " + to_string(other));
            layer.out_shape = layer.in_shape;
            layer.inputs = layer.outputs = layer.in_shape.size();
            break;
        }
        }
        net.layers.push_back(std::move(layer));
    }
    return net;
}

} // namespace neurotlm
