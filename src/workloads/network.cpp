#include "neurotlm/workloads/network.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "neurotlm/core/params.h"
#include "neurotlm/workloads/network_format.h"
#include "neurotlm/workloads/npy.h"

namespace neurotlm {

namespace fs = std::filesystem;

namespace {

constexpr const char* format_name = "neurotlm-network";
constexpr int format_version = 1;
constexpr double max_width = 1 << 24;

struct ActivationName {
    Activation value;
    const char* name;
};
constexpr ActivationName activation_names[] = {
    {Activation::none, "none"},
    {Activation::relu, "relu"},
    {Activation::sigmoid, "sigmoid"},
    {Activation::tanh, "tanh"},
    {Activation::reverse_sigmoid, "reverse_sigmoid"},
    {Activation::ternary, "ternary"},
};

std::vector<std::string> activation_choices() {
    std::vector<std::string> out;
    for (const auto& a : activation_names)
        out.emplace_back(a.name);
    return out;
}

} // namespace

const ParamTable& network_param_table() {
    static const ParamTable table =
        ParamTable()
            .string("$schema", json(), "JSON Schema of this file, for editors; ignored by neurotlm")
            .optional()
            .choice("format", {format_name}, json(), "identifies the file as a network description")
            .integer("version", json(), "format version", format_version, format_version)
            .string("name", json(), "network name")
            .optional()
            .string("description", json(), "free text: how it was trained, what inputs it expects")
            .optional()
            .integer("input", json(), "input vector length", 1, max_width)
            .any("layers", json(), "array of layer objects, input side first");
    return table;
}

const ParamTable& network_layer_param_table() {
    static const ParamTable table =
        ParamTable()
            .string("name", json(), "layer name (default fc<index+1>)")
            .optional()
            .choice("type", {"dense"}, "dense", "layer kind")
            .integer("inputs", json(), "input count; must equal the previous layer's outputs", 1,
                     max_width)
            .optional()
            .integer("outputs", json(), "output count", 1, max_width)
            .choice("activation", activation_choices(), "none", "activation after the product")
            .any("weights", json(), "weight matrix: a .npy path or nested arrays")
            .choice("weights_layout", {"out_in", "in_out"}, "out_in",
                    "out_in: [outputs][inputs] (PyTorch nn.Linear); in_out: [inputs][outputs]")
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

/// Reads a tensor given either as a .npy path or as nested JSON arrays.
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
    const std::string kind = rank == 1 ? "an array of numbers" : "an array of arrays of numbers";
    if (!value.is_array())
        throw ConfigError(file, pointer, "a .npy path or " + kind, describe_json(value));
    NpyArray out;
    auto number = [&](const json& v, const std::string& where) {
        if (!v.is_number()) throw ConfigError(file, where, "a number", describe_json(v));
        out.data.push_back(static_cast<float>(v.get<double>()));
    };
    if (rank == 1) {
        out.shape = {value.size()};
        for (std::size_t i = 0; i < value.size(); ++i)
            number(value[i], pointer + "/" + std::to_string(i));
        return out;
    }
    std::size_t cols = 0;
    for (std::size_t r = 0; r < value.size(); ++r) {
        const std::string row_ptr = pointer + "/" + std::to_string(r);
        const json& row = value[r];
        if (!row.is_array()) throw ConfigError(file, row_ptr, "an array", describe_json(row));
        if (r == 0) cols = row.size();
        if (row.size() != cols)
            throw ConfigError(file, row_ptr,
                              "a row of " + std::to_string(cols) + " numbers like row 0",
                              describe_json(row));
        for (std::size_t c = 0; c < row.size(); ++c)
            number(row[c], row_ptr + "/" + std::to_string(c));
    }
    out.shape = {value.size(), cols};
    return out;
}

void check_finite(const NpyArray& a, const std::string& file, const std::string& pointer) {
    for (std::size_t i = 0; i < a.data.size(); ++i) {
        if (std::isfinite(a.data[i])) continue;
        std::string where = "element " + std::to_string(i);
        if (a.shape.size() == 2 && a.shape[1] > 0)
            where = "element [" + std::to_string(i / a.shape[1]) + ", " +
                    std::to_string(i % a.shape[1]) + "]";
        throw ConfigError(file, pointer, "finite numbers",
                          std::string(std::isnan(a.data[i]) ? "NaN" : "infinity") + " at " + where);
    }
}

/// Refuses a tensor of a ternary layer holding anything but -1, 0 and 1.
void check_ternary(const NpyArray& a, const std::string& file, const std::string& pointer) {
    for (std::size_t i = 0; i < a.data.size(); ++i) {
        const float v = a.data[i];
        if (v == -1.0f || v == 0.0f || v == 1.0f) continue;
        std::string where = "element " + std::to_string(i);
        if (a.shape.size() == 2 && a.shape[1] > 0)
            where = "element [" + std::to_string(i / a.shape[1]) + ", " +
                    std::to_string(i % a.shape[1]) + "]";
        throw ConfigError(file, pointer, "only -1, 0 and 1 (the layer's quantization is ternary)",
                          std::to_string(v) + " at " + where);
    }
}

std::string file_stem_safe(const std::string& text) {
    std::string out;
    for (char c : text)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')
                   ? c
                   : '_';
    return out.empty() ? std::string("net") : out;
}

} // namespace

Activation parse_activation(const std::string& name) {
    std::string valid;
    for (const auto& a : activation_names) {
        if (name == a.name) return a.value;
        valid += (valid.empty() ? "" : ", ") + std::string(a.name);
    }
    throw InputError("unknown activation \"" + name + "\"; valid: " + valid);
}

const char* to_string(Activation a) {
    for (const auto& n : activation_names)
        if (n.value == a) return n.name;
    return "?";
}

float activate(Activation a, float x) {
    switch (a) {
    case Activation::none: return x;
    case Activation::relu: return x > 0.0f ? x : 0.0f;
    case Activation::sigmoid: return 1.0f / (1.0f + std::exp(-x));
    case Activation::tanh: return std::tanh(x);
    case Activation::reverse_sigmoid: return 1.0f / (1.0f + std::exp(x));
    case Activation::ternary: return x >= 1.0f ? 1.0f : (x <= -1.0f ? -1.0f : 0.0f);
    }
    return x;
}

float activation_derivative(Activation a, float x) {
    switch (a) {
    case Activation::none: return 1.0f;
    case Activation::relu: return x > 0.0f ? 1.0f : 0.0f;
    case Activation::sigmoid: {
        const float s = activate(a, x);
        return s * (1.0f - s);
    }
    case Activation::tanh: {
        const float t = std::tanh(x);
        return 1.0f - t * t;
    }
    case Activation::reverse_sigmoid: {
        const float s = activate(a, x);
        return -s * (1.0f - s);
    }
    case Activation::ternary: { // straight through in a window around the two thresholds
        const float a = std::fabs(x);
        return a > 0.5f && a < 1.5f ? 1.0f : 0.0f;
    }
    }
    return 1.0f;
}

int Network::input_size() const {
    return layers.empty() ? 0 : layers.front().inputs;
}
int Network::output_size() const {
    return layers.empty() ? 0 : layers.back().outputs;
}

Network load_network(const std::string& path) {
    const json doc =
        parse_json_text(read_input_file(path, std::uint64_t{256} << 20, "the network file"), path);
    const Params top = Params::validate(doc, network_param_table(), path, "");
    const fs::path base_dir = fs::path(path).parent_path();

    Network net;
    net.path = path;
    net.name = top.has("name") ? top.string("name") : fs::path(path).stem().string();
    if (top.has("description")) net.description = top.string("description");
    const json& layers = doc["layers"];
    if (!layers.is_array() || layers.empty())
        throw ConfigError(path, "/layers", "a non-empty array of layer objects",
                          describe_json(layers));

    int inputs = static_cast<int>(top.integer("input"));
    for (std::size_t li = 0; li < layers.size(); ++li) {
        const std::string lp = "/layers/" + std::to_string(li);
        const Params p = Params::validate(layers[li], network_layer_param_table(), path, lp);
        DenseLayer layer;
        layer.name = p.has("name") ? p.string("name") : "fc" + std::to_string(li + 1);
        for (const auto& other : net.layers)
            if (other.name == layer.name)
                throw ConfigError(path, lp + "/name", "a name no other layer uses",
                                  "\"" + layer.name + "\" again");
        if (p.has("inputs") && p.integer("inputs") != inputs)
            throw ConfigError(path, lp + "/inputs",
                              std::to_string(inputs) + (li == 0
                                                            ? " (the network's input)"
                                                            : " (the previous layer's outputs)"),
                              std::to_string(p.integer("inputs")));
        layer.inputs = inputs;
        layer.outputs = static_cast<int>(p.integer("outputs"));
        layer.activation = parse_activation(p.string("activation"));
        layer.scale = static_cast<float>(p.number("scale"));
        layer.ternary = p.string("quantization") == "ternary";
        const auto in_n = static_cast<std::size_t>(layer.inputs);
        const auto out_n = static_cast<std::size_t>(layer.outputs);

        const bool out_in = p.string("weights_layout") == "out_in";
        const std::string wp = lp + "/weights";
        const NpyArray w = read_tensor(p.raw("weights"), 2, path, wp, base_dir);
        const std::vector<std::size_t> want =
            out_in ? std::vector<std::size_t>{out_n, in_n} : std::vector<std::size_t>{in_n, out_n};
        if (w.shape != want)
            throw ConfigError(path, wp,
                              "shape " + shape_string(want) +
                                  (out_in ? " ([outputs, inputs], layout out_in"
                                          : " ([inputs, outputs], layout in_out") +
                                  (li == 0 ? "; inputs = the network's input)"
                                           : "; inputs = the previous layer's outputs)"),
                              "shape " + shape_string(w.shape));
        check_finite(w, path, wp);
        if (layer.ternary) check_ternary(w, path, wp);
        if (out_in) {
            layer.weights.resize(in_n * out_n);
            for (std::size_t o = 0; o < out_n; ++o)
                for (std::size_t i = 0; i < in_n; ++i)
                    layer.weights[i * out_n + o] = w.data[o * in_n + i];
        } else {
            layer.weights = w.data;
        }

        if (p.has("bias")) {
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
        inputs = layer.outputs;
        net.layers.push_back(std::move(layer));
    }
    return net;
}

void save_network(const Network& net, const std::string& json_path) {
    if (net.layers.empty()) throw InputError(json_path + ": cannot save a network with no layers");
    const fs::path target(json_path);
    const fs::path dir = target.parent_path();
    if (!dir.empty()) {
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec) throw InputError(dir.string() + ": cannot create directory (" + ec.message() + ")");
    }
    const std::string stem = file_stem_safe(net.name.empty() ? target.stem().string() : net.name);

    // Ordered so the file reads top-down like the documentation.
    nlohmann::ordered_json doc = nlohmann::ordered_json::object();
    doc["format"] = format_name;
    doc["version"] = format_version;
    doc["name"] = net.name.empty() ? target.stem().string() : net.name;
    if (!net.description.empty()) doc["description"] = net.description;
    doc["input"] = net.input_size();
    doc["layers"] = nlohmann::ordered_json::array();
    int inputs = net.input_size();
    for (std::size_t li = 0; li < net.layers.size(); ++li) {
        const DenseLayer& l = net.layers[li];
        const auto in_n = static_cast<std::size_t>(l.inputs);
        const auto out_n = static_cast<std::size_t>(l.outputs);
        if (l.inputs != inputs || l.outputs <= 0 || l.weights.size() != in_n * out_n ||
            (!l.bias.empty() && l.bias.size() != out_n))
            throw InputError(json_path + ": layer " + std::to_string(li) + " (" + l.name +
                             ") has inconsistent sizes: " + std::to_string(l.inputs) + " -> " +
                             std::to_string(l.outputs) + " with " +
                             std::to_string(l.weights.size()) + " weights and " +
                             std::to_string(l.bias.size()) + " biases");
        const std::string layer_name = l.name.empty() ? "fc" + std::to_string(li + 1) : l.name;
        const std::string prefix = stem + "_" + file_stem_safe(layer_name);
        if (!(l.scale > 0.0f) || !std::isfinite(l.scale))
            throw InputError(json_path + ": layer " + std::to_string(li) + " (" + l.name +
                             ") has scale " + std::to_string(l.scale) +
                             "; it must be a positive number");
        // The files hold the values divided by the scale; a ternary layer's must come out as
        // exactly -1, 0 or 1.
        auto unscaled = [&](float v, const char* what) {
            const float u = l.scale == 1.0f ? v : v / l.scale;
            if (l.ternary && u != -1.0f && u != 0.0f && u != 1.0f)
                throw InputError(json_path + ": layer " + std::to_string(li) + " (" + l.name +
                                 ") is ternary but holds the " + what + " " + std::to_string(v) +
                                 ", not -1, 0 or 1 times its scale " + std::to_string(l.scale));
            return u;
        };

        NpyArray w;
        w.shape = {out_n, in_n};
        w.data.resize(in_n * out_n);
        for (std::size_t i = 0; i < in_n; ++i)
            for (std::size_t o = 0; o < out_n; ++o)
                w.data[o * in_n + i] = unscaled(l.weights[i * out_n + o], "weight");
        write_npy((dir / (prefix + "_w.npy")).string(), w);

        nlohmann::ordered_json layer = {
            {"name", layer_name},           {"type", "dense"},
            {"outputs", l.outputs},         {"activation", to_string(l.activation)},
            {"weights", prefix + "_w.npy"}, {"weights_layout", "out_in"}};
        if (!l.bias.empty()) {
            NpyArray b{{out_n}, {}};
            for (float v : l.bias)
                b.data.push_back(unscaled(v, "bias"));
            write_npy((dir / (prefix + "_b.npy")).string(), b);
            layer["bias"] = prefix + "_b.npy";
        }
        if (l.scale != 1.0f) layer["scale"] = l.scale;
        if (l.ternary) layer["quantization"] = "ternary";
        doc["layers"].push_back(std::move(layer));
        inputs = l.outputs;
    }
    write_file_atomic(json_path, dump_json(doc, 2) + "\n");
}

std::vector<std::vector<float>> forward_layers(const Network& net, const float* input) {
    std::vector<std::vector<float>> outs;
    outs.reserve(net.layers.size());
    const float* x = input;
    for (const DenseLayer& l : net.layers) {
        std::vector<float> y = l.bias;
        y.resize(static_cast<std::size_t>(l.outputs), 0.0f);
        for (int i = 0; i < l.inputs; ++i) {
            const float xi = x[i];
            // Zero inputs are common (ReLU outputs, image background) and contribute nothing.
            if (xi == 0.0f) continue;
            const float* row = l.weights.data() + static_cast<std::size_t>(i) * l.outputs;
            for (int o = 0; o < l.outputs; ++o)
                y[o] += xi * row[o];
        }
        for (float& v : y)
            v = activate(l.activation, v);
        outs.push_back(std::move(y));
        x = outs.back().data();
    }
    return outs;
}

std::vector<float> forward(const Network& net, const float* input) {
    auto outs = forward_layers(net, input);
    if (outs.empty()) return {};
    return std::move(outs.back());
}

int argmax(const float* v, int n) {
    if (n <= 0) return -1;
    int best = 0;
    for (int i = 1; i < n; ++i)
        if (v[i] > v[best]) best = i;
    return best;
}

} // namespace neurotlm
