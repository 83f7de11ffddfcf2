#pragma once
/// @file
/// @brief Feed-forward networks: the JSON description (docs/network-format.md), its weights and
/// the float reference forward pass that hardware results are compared against.

#include <cstddef>
#include <string>
#include <vector>

namespace neurotlm {

/// ternary: +1 for x >= 1, -1 for x <= -1, 0 between (GXNOR's activation).
enum class Activation { none, relu, sigmoid, tanh, reverse_sigmoid /* 1/(1+e^x) */, ternary };

/// @brief Parse "none", "relu", "sigmoid", "tanh", "reverse_sigmoid" or "ternary"; throws
/// InputError listing the valid names otherwise.
Activation parse_activation(const std::string& name);
const char* to_string(Activation a);
float activate(Activation a, float x);
/// @brief d activate(x) / dx, written in terms of x.
float activation_derivative(Activation a, float x);

/// What a layer computes. dense and conv2d hold weights and map onto crossbar tiles; the others
/// are computed digitally where the activations are.
enum class LayerKind { dense, conv2d, maxpool, avgpool, add };
const char* to_string(LayerKind k);

/// A tensor's shape as channels x height x width; a vector of n values is {n, 1, 1}.
/// Activations are held channel-major (index (c * height + y) * width + x), PyTorch's order, so
/// a dense layer after a feature map takes it flattened as torch.flatten does.
struct Shape {
    int channels = 0, height = 1, width = 1;
    int size() const { return channels * height * width; }
    bool operator==(const Shape& o) const {
        return channels == o.channels && height == o.height && width == o.width;
    }
    bool operator!=(const Shape& o) const { return !(*this == o); }
};
std::string to_string(const Shape& s);

struct Layer {
    std::string name;
    LayerKind kind = LayerKind::dense;
    /// dense and conv2d: the weight matrix's rows (fan-in, without the bias) and columns.
    /// A convolution's rows are its input patch, one per (input channel, ky, kx) in that order
    /// (im2col), and its columns its output channels; the other layers: in_shape.size() and
    /// out_shape.size().
    int inputs = 0, outputs = 0;
    /// inputs x outputs, row-major (row = input): the crossbar orientation, whatever the file's.
    /// A grouped convolution's rows outside an output channel's group hold 0.
    std::vector<float> weights;
    std::vector<float> bias; ///< outputs (zeros if the file has none); empty without weights
    Activation activation = Activation::none;
    /// The file's tensors times this give weights and bias (already applied to them here): a
    /// ternary layer's per-layer gain, which hardware realises in its readout amplifier.
    float scale = 1.0f;
    /// Weights and bias are each -scale, 0 or +scale (the file holds -1, 0, 1; checked on load
    /// and on save).
    bool ternary = false;

    Shape in_shape, out_shape;
    /// conv2d and pooling: window, step and zero padding (pooling pads with -infinity for max
    /// and with zeros, counted in the average, for avg, as PyTorch's defaults do).
    int kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;
    int groups = 1; ///< conv2d: input and output channels split into this many groups
    /// The layer whose output this layer takes (-1: the network's input); the previous layer
    /// unless the file says otherwise.
    int from = -1;
    /// add: the other operand (-1: the network's input), of from's shape.
    int skip = -1;

    bool weighted() const { return kind == LayerKind::dense || kind == LayerKind::conv2d; }
    /// Output pixels: the matrix-vector products per input (1 for dense).
    int positions() const {
        return kind == LayerKind::conv2d ? out_shape.height * out_shape.width : 1;
    }
    float weight(int input, int output) const {
        return weights[static_cast<std::size_t>(input) * outputs + output];
    }
    /// conv2d: the input patch of output pixel (@p oy, @p ox) as the matrix's rows take it, zero
    /// where the window hangs over the padding. @p x holds in_shape, @p patch inputs values.
    void patch(const float* x, int oy, int ox, float* patch) const;
};

struct Network {
    std::string name;
    std::string description; ///< free text ("" if none); the trainer records its inputs here
    std::string path;        ///< file it was loaded from
    Shape input_shape;       ///< {input, 1, 1} for a vector input
    std::vector<Layer> layers;
    int input_size() const { return input_shape.size(); }
    int output_size() const;
    /// Dense layers only, each taking the previous one's output: a multilayer perceptron.
    bool is_mlp() const;
};

/// @brief A dense layer of @p inputs x @p outputs with zero weights and bias, taking layer
/// @p from's output (-1: the network's input).
Layer make_dense(std::string name, int inputs, int outputs, int from);

/// @brief Load a network description and its weights.
///
/// Every key is checked; unknown keys, wrong types, weight or bias shapes that disagree with
/// the layer sizes, unreadable .npy files and NaN or infinite weights throw ConfigError with
/// the JSON pointer of the offending value (for example "/layers/1/weights"). Relative .npy
/// paths resolve against the directory of the JSON file.
Network load_network(const std::string& path);

/// @brief Write @p net as JSON plus one .npy per tensor beside it, named
/// <name>_<layer>_w.npy and <name>_<layer>_b.npy, weights in "out_in" layout.
/// Throws InputError if a layer's tensors do not match its sizes or a file cannot be written.
void save_network(const Network& net, const std::string& json_path);

/// @brief Float reference (what software computes): the final layer's activated outputs.
/// Convolutions and pooling are computed directly (not through the tiles' im2col matrix).
/// @p input must hold net.input_size() values.
std::vector<float> forward(const Network& net, const float* input);
/// @brief Like forward(), but returns every layer's activated outputs, first layer first.
std::vector<std::vector<float>> forward_layers(const Network& net, const float* input);

/// @brief A max or average pooling layer's output (out_shape) from its input (in_shape); for
/// max pooling, @p argmax (if given) receives per output the index in @p x of the input it took
/// (the first of equals), which is where its gradient goes back to.
void pool_forward(const Layer& layer, const float* x, float* y, std::vector<int>* argmax = nullptr);

/// @brief Index of the largest of @p n values (the first on ties); -1 when n <= 0.
int argmax(const float* v, int n);

} // namespace neurotlm
