#include "neurotlm/workloads/network.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "neurotlm/core/params.h"
#include "neurotlm/core/rng.h"
#include "neurotlm/workloads/network_format.h"
#include "neurotlm/workloads/npy.h"

namespace neurotlm {

namespace fs = std::filesystem;

namespace {

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

} // namespace

std::vector<std::string> activation_choices() {
    std::vector<std::string> out;
    for (const auto& a : activation_names)
        out.emplace_back(a.name);
    return out;
}

namespace {

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

int Network::output_size() const {
    return layers.empty() ? 0 : layers.back().out_shape.size();
}

bool Network::is_mlp() const {
    for (std::size_t l = 0; l < layers.size(); ++l)
        if (layers[l].kind != LayerKind::dense || layers[l].from != static_cast<int>(l) - 1)
            return false;
    return true;
}

Layer make_dense(std::string name, int inputs, int outputs, int from) {
    Layer l;
    l.name = std::move(name);
    l.inputs = inputs;
    l.outputs = outputs;
    l.in_shape = {inputs, 1, 1};
    l.out_shape = {outputs, 1, 1};
    l.from = from;
    l.weights.assign(static_cast<std::size_t>(inputs) * static_cast<std::size_t>(outputs), 0.0f);
    l.bias.assign(static_cast<std::size_t>(outputs), 0.0f);
    return l;
}

const char* to_string(LayerKind k) {
    switch (k) {
    case LayerKind::dense: return "dense";
    case LayerKind::conv2d: return "conv2d";
    case LayerKind::maxpool: return "maxpool";
    case LayerKind::avgpool: return "avgpool";
    case LayerKind::add: return "add";
    }
    return "?";
}

std::string to_string(const Shape& s) {
    return std::to_string(s.channels) + "x" + std::to_string(s.height) + "x" +
           std::to_string(s.width);
}

void Layer::patch(const float* x, int oy, int ox, float* out) const {
    const int H = in_shape.height, W = in_shape.width;
    for (int c = 0; c < in_shape.channels; ++c)
        for (int ky = 0; ky < kernel_h; ++ky) {
            const int y = oy * stride_h - pad_h + ky;
            const bool row_in = y >= 0 && y < H;
            for (int kx = 0; kx < kernel_w; ++kx) {
                const int xx = ox * stride_w - pad_w + kx;
                *out++ = row_in && xx >= 0 && xx < W
                             ? x[(static_cast<std::size_t>(c) * H + y) * W + xx]
                             : 0.0f;
            }
        }
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
    doc["format"] = kNetworkFormatName;
    doc["version"] = kNetworkFormatVersion;
    doc["name"] = net.name.empty() ? target.stem().string() : net.name;
    if (!net.description.empty()) doc["description"] = net.description;
    if (net.input_shape.height == 1 && net.input_shape.width == 1)
        doc["input"] = net.input_size();
    else
        doc["input"] = {net.input_shape.channels, net.input_shape.height, net.input_shape.width};
    doc["layers"] = nlohmann::ordered_json::array();
    auto name_of = [&](int index) {
        return index < 0 ? std::string("input") : net.layers[static_cast<std::size_t>(index)].name;
    };
    for (std::size_t li = 0; li < net.layers.size(); ++li) {
        const Layer& l = net.layers[li];
        const std::string where = json_path + ": layer " + std::to_string(li) + " (" + l.name + ")";
        if (l.name.empty() || l.name == "input")
            throw InputError(where + " needs a name other than \"\" and \"input\"");
        if (l.from >= static_cast<int>(li) || l.from < -1 || l.skip >= static_cast<int>(li) ||
            l.skip < -1)
            throw InputError(where + " takes its input from a later layer");
        const Shape in =
            l.from < 0 ? net.input_shape : net.layers[static_cast<std::size_t>(l.from)].out_shape;
        if (l.in_shape != in)
            throw InputError(where + " expects " + to_string(l.in_shape) + " but its input is " +
                             to_string(in));
        nlohmann::ordered_json layer = {{"name", l.name}, {"type", to_string(l.kind)}};
        if (l.from != static_cast<int>(li) - 1) layer["from"] = name_of(l.from);
        if (l.kind == LayerKind::add) layer["skip"] = name_of(l.skip);
        if (l.kind == LayerKind::conv2d || l.kind == LayerKind::maxpool ||
            l.kind == LayerKind::avgpool) {
            auto pair = [](int h, int w) {
                return h == w ? nlohmann::ordered_json(h) : nlohmann::ordered_json({h, w});
            };
            layer["kernel"] = pair(l.kernel_h, l.kernel_w);
            layer["stride"] = pair(l.stride_h, l.stride_w);
            layer["padding"] = pair(l.pad_h, l.pad_w);
            if (l.groups != 1) layer["groups"] = l.groups;
        }
        if (l.weighted()) {
            const auto in_n = static_cast<std::size_t>(l.inputs);
            const auto out_n = static_cast<std::size_t>(l.outputs);
            const bool conv = l.kind == LayerKind::conv2d;
            const std::size_t want_in =
                conv ? static_cast<std::size_t>(l.in_shape.channels) * l.kernel_h * l.kernel_w
                     : static_cast<std::size_t>(l.in_shape.size());
            if (in_n != want_in || l.outputs <= 0 || l.weights.size() != in_n * out_n ||
                (!l.bias.empty() && l.bias.size() != out_n) || l.groups < 1 ||
                (conv && (l.in_shape.channels % l.groups || l.outputs % l.groups)))
                throw InputError(where + " has inconsistent sizes: " + std::to_string(l.inputs) +
                                 " -> " + std::to_string(l.outputs) + " with " +
                                 std::to_string(l.weights.size()) + " weights and " +
                                 std::to_string(l.bias.size()) + " biases");
            const std::string prefix = stem + "_" + file_stem_safe(l.name);
            if (!(l.scale > 0.0f) || !std::isfinite(l.scale))
                throw InputError(where + " has scale " + std::to_string(l.scale) +
                                 "; it must be a positive number");
            // The files hold the values divided by the scale; a ternary layer's must come out
            // as exactly -1, 0 or 1.
            auto unscaled = [&](float v, const char* what) {
                const float u = l.scale == 1.0f ? v : v / l.scale;
                if (l.ternary && u != -1.0f && u != 0.0f && u != 1.0f)
                    throw InputError(where + " is ternary but holds the " + what + " " +
                                     std::to_string(v) + ", not -1, 0 or 1 times its scale " +
                                     std::to_string(l.scale));
                return u;
            };

            NpyArray w;
            if (conv) {
                // [out, in / groups, kh, kw]: each output channel's own group of inputs.
                const std::size_t group_in =
                    static_cast<std::size_t>(l.in_shape.channels / l.groups);
                const std::size_t group_out = out_n / static_cast<std::size_t>(l.groups);
                const std::size_t kk = static_cast<std::size_t>(l.kernel_h) * l.kernel_w;
                w.shape = {out_n, group_in, static_cast<std::size_t>(l.kernel_h),
                           static_cast<std::size_t>(l.kernel_w)};
                w.data.resize(out_n * group_in * kk);
                for (std::size_t o = 0; o < out_n; ++o) {
                    const std::size_t r0 = (o / group_out) * group_in * kk;
                    for (std::size_t r = 0; r < group_in * kk; ++r)
                        w.data[o * group_in * kk + r] =
                            unscaled(l.weights[(r0 + r) * out_n + o], "weight");
                }
            } else {
                w.shape = {out_n, in_n};
                w.data.resize(in_n * out_n);
                for (std::size_t i = 0; i < in_n; ++i)
                    for (std::size_t o = 0; o < out_n; ++o)
                        w.data[o * in_n + i] = unscaled(l.weights[i * out_n + o], "weight");
            }
            write_npy((dir / (prefix + "_w.npy")).string(), w);
            layer["outputs"] = l.outputs;
            layer["activation"] = to_string(l.activation);
            layer["weights"] = prefix + "_w.npy";
            layer["weights_layout"] = "out_in";
            if (!l.bias.empty()) {
                NpyArray b{{out_n}, {}};
                for (float v : l.bias)
                    b.data.push_back(unscaled(v, "bias"));
                write_npy((dir / (prefix + "_b.npy")).string(), b);
                layer["bias"] = prefix + "_b.npy";
            }
            if (l.scale != 1.0f) layer["scale"] = l.scale;
            if (l.ternary) layer["quantization"] = "ternary";
        } else {
            layer["activation"] = to_string(l.activation);
        }
        doc["layers"].push_back(std::move(layer));
    }
    write_file_atomic(json_path, dump_json(doc, 2) + "\n");
}

namespace {

/// A dense layer or a convolution computed directly, window by window.
void weighted_forward(const Layer& l, const float* x, std::vector<float>& y) {
    if (l.kind == LayerKind::dense) {
        y = l.bias;
        y.resize(static_cast<std::size_t>(l.outputs), 0.0f);
        for (int i = 0; i < l.inputs; ++i) {
            const float xi = x[i];
            // Zero inputs are common (ReLU outputs, image background) and contribute nothing.
            if (xi == 0.0f) continue;
            const float* row = l.weights.data() + static_cast<std::size_t>(i) * l.outputs;
            for (int o = 0; o < l.outputs; ++o)
                y[static_cast<std::size_t>(o)] += xi * row[o];
        }
        return;
    }
    const Shape& in = l.in_shape;
    const Shape& out = l.out_shape;
    y.assign(static_cast<std::size_t>(out.size()), 0.0f);
    const int group_in = in.channels / l.groups, group_out = l.outputs / l.groups;
    const std::size_t kk = static_cast<std::size_t>(l.kernel_h) * l.kernel_w;
    const std::size_t plane_size = static_cast<std::size_t>(out.height) * out.width;
    // Each output starts at its bias and adds its window's products in (channel, ky, kx) order;
    // looping over the window outside the pixels lets a row of pixels take one weight at once.
    for (int o = 0; o < out.channels; ++o) {
        const int c0 = (o / group_out) * group_in;
        float* plane = y.data() + static_cast<std::size_t>(o) * plane_size;
        std::fill(plane, plane + plane_size,
                  l.bias.empty() ? 0.0f : l.bias[static_cast<std::size_t>(o)]);
        for (int c = c0; c < c0 + group_in; ++c)
            for (int ky = 0; ky < l.kernel_h; ++ky)
                for (int kx = 0; kx < l.kernel_w; ++kx) {
                    const std::size_t row = static_cast<std::size_t>(c) * kk +
                                            static_cast<std::size_t>(ky) * l.kernel_w + kx;
                    const float w = l.weights[row * static_cast<std::size_t>(l.outputs) + o];
                    // Output columns whose input column is inside the image.
                    int ox0 = 0, ox1 = out.width;
                    while (ox0 < ox1 && ox0 * l.stride_w - l.pad_w + kx < 0)
                        ++ox0;
                    while (ox1 > ox0 && (ox1 - 1) * l.stride_w - l.pad_w + kx >= in.width)
                        --ox1;
                    for (int oy = 0; oy < out.height; ++oy) {
                        const int iy = oy * l.stride_h - l.pad_h + ky;
                        if (iy < 0 || iy >= in.height) continue;
                        const float* src =
                            x + (static_cast<std::size_t>(c) * in.height + iy) * in.width;
                        float* dst = plane + static_cast<std::size_t>(oy) * out.width;
                        if (l.stride_w == 1) {
                            const int shift = kx - l.pad_w;
                            for (int ox = ox0; ox < ox1; ++ox)
                                dst[ox] += src[ox + shift] * w;
                        } else {
                            for (int ox = ox0; ox < ox1; ++ox)
                                dst[ox] += src[ox * l.stride_w - l.pad_w + kx] * w;
                        }
                    }
                }
    }
}

} // namespace

void pool_forward(const Layer& l, const float* x, float* y, std::vector<int>* argmax) {
    const Shape& in = l.in_shape;
    const Shape& out = l.out_shape;
    const bool max = l.kind == LayerKind::maxpool;
    const float area = static_cast<float>(static_cast<double>(l.kernel_h) * l.kernel_w);
    if (argmax) argmax->assign(static_cast<std::size_t>(out.size()), -1);
    std::size_t k = 0;
    for (int c = 0; c < in.channels; ++c) {
        const float* plane = x + static_cast<std::size_t>(c) * in.height * in.width;
        for (int oy = 0; oy < out.height; ++oy)
            for (int ox = 0; ox < out.width; ++ox, ++k) {
                float acc = max ? -std::numeric_limits<float>::infinity() : 0.0f;
                int chosen = -1; // max: the first input of the window holding the largest value
                for (int ky = 0; ky < l.kernel_h; ++ky) {
                    const int iy = oy * l.stride_h - l.pad_h + ky;
                    if (iy < 0 || iy >= in.height) continue;
                    for (int kx = 0; kx < l.kernel_w; ++kx) {
                        const int ix = ox * l.stride_w - l.pad_w + kx;
                        if (ix < 0 || ix >= in.width) continue;
                        const float v = plane[iy * in.width + ix];
                        if (!max) {
                            acc += v;
                        } else if (chosen < 0 || v > acc) {
                            acc = v;
                            chosen = (c * in.height + iy) * in.width + ix;
                        }
                    }
                }
                y[k] = max ? acc : acc / area;
                if (argmax) (*argmax)[k] = chosen;
            }
    }
}

std::vector<std::vector<float>> forward_layers(const Network& net, const float* input) {
    std::vector<std::vector<float>> outs(net.layers.size());
    auto tensor = [&](int index) {
        return index < 0 ? input : outs[static_cast<std::size_t>(index)].data();
    };
    for (std::size_t li = 0; li < net.layers.size(); ++li) {
        const Layer& l = net.layers[li];
        std::vector<float>& y = outs[li];
        const float* x = tensor(l.from);
        switch (l.kind) {
        case LayerKind::dense:
        case LayerKind::conv2d: weighted_forward(l, x, y); break;
        case LayerKind::maxpool:
        case LayerKind::avgpool:
            y.resize(static_cast<std::size_t>(l.out_shape.size()));
            pool_forward(l, x, y.data());
            break;
        case LayerKind::add: {
            const float* z = tensor(l.skip);
            y.assign(x, x + l.out_shape.size());
            for (std::size_t i = 0; i < y.size(); ++i)
                y[i] += z[i];
            break;
        }
        }
        if (l.activation != Activation::none)
            for (float& v : y)
                v = activate(l.activation, v);
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
