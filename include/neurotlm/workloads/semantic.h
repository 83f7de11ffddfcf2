#pragma once
/// @file
/// @brief Semantic memory for early exits: a network's features at an exit point, pooled and
/// quantised to a ternary semantic vector, and one such vector per class (a prototype) built
/// from training data, to be held in a ternary CAM and searched by Hamming distance.
///
/// The policy is neurotlm's (the published design does not say how its vectors are built):
/// - pooling: the exit layer's output (C x H x W) averaged over a grid x grid split of the
///   feature map, C x grid^2 values, channel-major then cell row and column;
/// - quantisation, per value j against the training images' mean m_j and standard deviation
///   s_j at that exit: 1 above m_j + delta s_j, 0 below m_j - delta s_j, don't-care (X) between,
///   so that a value that says little about the class never counts as a mismatch;
/// - a class's prototype: its training images' mean pooled features, quantised the same way.

#include <string>
#include <vector>

#include "neurotlm/blocks/cam/cam.h"
#include "neurotlm/workloads/dataset.h"
#include "neurotlm/workloads/network.h"

namespace neurotlm {

/// Where an exit reads the network, and what to quantise its features with.
struct ExitSpec {
    std::string after; ///< layer name
    int grid = 1;      ///< 1: one average per channel
    double delta = 0.5;
};

/// One exit's statistics and prototypes.
struct SemanticExit {
    ExitSpec spec;
    int layer = -1;                      ///< index of spec.after in the network
    std::vector<float> mean, sd;         ///< per pooled value, over the training images
    std::vector<TernaryWord> prototypes; ///< per class
    std::vector<int> class_images;       ///< training images per class
    /// Share of the training images whose nearest prototype (Hamming distance, the lower class
    /// on ties) is their own class, and the bits their vectors care about on average.
    double train_match = 0.0, mean_cared = 0.0;
    int bits() const { return static_cast<int>(mean.size()); }
};

struct SemanticMemory {
    std::string network; ///< the network's name
    int classes = 0;
    std::vector<SemanticExit> exits;
};

/// @brief The pooled features of @p layer's output @p y (layer.out_shape) over a @p grid x
/// @p grid split (cell rows and columns at floor(k H / grid)). Throws InputError when the grid
/// is below 1 or larger than the feature map.
std::vector<float> pool_features(const Layer& layer, const float* y, int grid);

/// @brief The semantic vector of @p pooled at @p exit (the policy above).
TernaryWord semantic_vector(const SemanticExit& exit, const float* pooled);

/// @brief Statistics and class prototypes at every exit of @p specs, from @p train (labels
/// required) through the float reference of @p net. Throws InputError for an unknown or
/// repeated layer, a grid the layer's output cannot take, images that are not the network's
/// input, labels outside the network's outputs, or a class without images.
SemanticMemory build_semantic_memory(const Network& net, const Dataset& train,
                                     const std::vector<ExitSpec>& specs);

/// @brief Write @p memory as JSON ("format": "neurotlm-semantic-memory").
void save_semantic_memory(const SemanticMemory& memory, const std::string& path);
/// @brief Read a file save_semantic_memory() wrote, checked against @p net (layer names, sizes,
/// class count); ConfigError at the offending key.
SemanticMemory load_semantic_memory(const std::string& path, const Network& net);

} // namespace neurotlm
