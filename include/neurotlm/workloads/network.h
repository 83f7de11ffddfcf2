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

struct DenseLayer {
    std::string name;
    int inputs = 0, outputs = 0;
    /// inputs x outputs, row-major (row = input): the crossbar orientation, whatever the file's
    std::vector<float> weights;
    std::vector<float> bias; ///< outputs (zeros if the file has none)
    Activation activation = Activation::none;
    /// The file's tensors times this give weights and bias (already applied to them here): a
    /// ternary layer's per-layer gain, which hardware realises in its readout amplifier.
    float scale = 1.0f;
    /// Weights and bias are each -scale, 0 or +scale (the file holds -1, 0, 1; checked on load
    /// and on save).
    bool ternary = false;

    float weight(int input, int output) const {
        return weights[static_cast<std::size_t>(input) * outputs + output];
    }
};

struct Network {
    std::string name;
    std::string description; ///< free text ("" if none); the trainer records its inputs here
    std::string path;        ///< file it was loaded from
    std::vector<DenseLayer> layers;
    int input_size() const;
    int output_size() const;
};

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
/// @p input must hold net.input_size() values.
std::vector<float> forward(const Network& net, const float* input);
/// @brief Like forward(), but returns every layer's activated outputs, first layer first.
std::vector<std::vector<float>> forward_layers(const Network& net, const float* input);

/// @brief Index of the largest of @p n values (the first on ties); -1 when n <= 0.
int argmax(const float* v, int n);

} // namespace neurotlm
