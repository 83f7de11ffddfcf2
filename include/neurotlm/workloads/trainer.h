#pragma once
/// @file
/// @brief A small, deterministic trainer for classifiers (softmax cross-entropy, mini-batch SGD
/// with momentum): dense networks, and any network of the network format (convolutional,
/// residual), so the repository can produce its own reference networks.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "neurotlm/workloads/dataset.h"
#include "neurotlm/workloads/network.h"

namespace neurotlm {

/// @brief How the trainer represents weights: float, or ternary by quantisation-aware training.
enum class WeightQuantization { none, ternary };

struct TrainOptions {
    std::vector<int> hidden{128};             ///< hidden layer widths; empty = a linear classifier
    Activation activation = Activation::relu; ///< of every hidden layer; the output is linear
    int classes = 0;                          ///< 0: one more than the largest training label
    int epochs = 10;
    double learning_rate = 0.02;
    double momentum = 0.9;
    double lr_decay = 0.8;     ///< learning rate multiplier applied after each epoch
    double weight_decay = 0.0; ///< L2 penalty on weights (not biases)
    int batch = 32;
    std::uint64_t seed = 1;
    std::string name = "mlp";
    std::string description; ///< written into the network file
    /// ternary: float shadow weights, forward and backward passes with each layer's weights and
    /// bias as alpha x {-1, 0, 1} (Ternary Weight Networks, Li & Liu 2016), gradients passed
    /// straight through to the shadow weights; the network returned holds the ternary values.
    WeightQuantization weights = WeightQuantization::none;
    /// Ternary: a weight whose magnitude is at most this x the layer's mean |w| (weights and
    /// bias together) becomes 0; 0.7 is TWN's approximation of the optimal threshold.
    double ternary_threshold = 0.7;
};

struct EpochReport {
    int epoch = 0;               ///< 1-based
    double loss = 0.0;           ///< mean cross-entropy over the epoch's batches
    double train_accuracy = 0.0; ///< on the batches as they were trained (before each update)
    double test_accuracy = -1.0; ///< after the epoch; -1 without a test set
    double learning_rate = 0.0;  ///< used during this epoch
    double seconds = 0.0;
};

/// @brief Train a dense classifier on @p train, evaluating on @p test (may be null) after each
/// epoch and calling @p on_epoch with the figures.
///
/// With options.weights ternary, every layer of the result is ternary (Layer::ternary, its
/// scale the alpha of its last update). Deterministic for a seed on a given build: initialisation
/// (He for ReLU, Xavier otherwise) and shuffling draw from RngStream, and the arithmetic runs on
/// one thread. Throws InputError on unusable input (no labels, a label outside [0, classes),
/// mismatched image sizes, bad options) and when the loss diverges to NaN or infinity.
Network train_classifier(const Dataset& train, const Dataset* test, const TrainOptions& options,
                         const std::function<void(const EpochReport&)>& on_epoch = {});

/// @brief Train any network of the network format (dense and convolution layers, pooling,
/// residual adds; docs/network-format.md) on @p train: @p architecture gives the layers (its
/// weights are not used: every dense and conv2d layer is initialised afresh, He-normal, the
/// last one Xavier), whose last layer must be dense or conv2d without activation (the logits,
/// one per class). Each image goes forward and back through the graph (convolutions as
/// products of their im2col patches, max pooling through the inputs it chose, average pooling
/// spread over its window, adds to both operands); the gradients of a mini-batch are summed,
/// then SGD with momentum as train_classifier(). options.hidden and options.activation are not
/// used; options.weights ternary trains every weighted layer ternary as there. Throws
/// InputError as train_classifier() does, and for images of another shape than the
/// architecture's input.
Network train_network(const Network& architecture, const Dataset& train, const Dataset* test,
                      const TrainOptions& options,
                      const std::function<void(const EpochReport&)>& on_epoch = {});

/// @brief The softmax cross-entropy of @p label at @p image through @p net (its weights as
/// they are, float) and its gradient with respect to every weighted layer's weights (inputs x
/// outputs, as Layer::weights) and bias; empty for layers without weights. What train_network()
/// descends, one image at a time.
struct NetworkGradient {
    double loss = 0.0;
    struct Layer {
        std::vector<float> weights, bias;
    };
    std::vector<Layer> layers;
};
NetworkGradient network_gradient(const Network& net, const float* image, int label);

/// @brief What training will allocate, estimated before anything is loaded.
struct TrainingMemory {
    double datasets_B = 0.0;    ///< training and test images as floats, and their labels
    double parameters_B = 0.0;  ///< weights, momentum, gradients and the network's copies
    double activations_B = 0.0; ///< one batch's (or evaluation chunk's) activations and errors
    double total_B() const { return datasets_B + parameters_B + activations_B; }
};

/// @brief The memory train_classifier() and neurotlm-train need for @p train_images (and
/// @p test_images) images of @p inputs pixels into @p classes classes with @p options' layers
/// and batch. Grows with every width, so a mistyped --hidden is caught before it is allocated.
TrainingMemory estimate_training_memory(int inputs, std::uint64_t train_images,
                                        std::uint64_t test_images, int classes,
                                        const TrainOptions& options);

/// @brief The memory train_network() and neurotlm-train --arch need for @p architecture on
/// @p train_images (and @p test_images) images: its parameters with their momentum, gradients
/// and copies, one image's activations, pre-activations, gradients and patches.
TrainingMemory estimate_network_training_memory(const Network& architecture,
                                                std::uint64_t train_images,
                                                std::uint64_t test_images);

/// @brief Fraction of @p data classified correctly by the float reference forward pass.
double accuracy(const Network& net, const Dataset& data);

} // namespace neurotlm
