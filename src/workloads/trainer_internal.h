#pragma once
// What the dense trainer (trainer.cpp) and the graph trainer (graph_trainer.cpp) share: the
// checks of their inputs and options, and ternary quantisation.

#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "neurotlm/core/error.h"
#include "neurotlm/core/rng.h"
#include "neurotlm/workloads/dataset.h"
#include "neurotlm/workloads/trainer.h"

namespace neurotlm {

/// Refuses an empty training set and options no training can use (InputError naming the
/// option).
inline void check_training(const Dataset& train, const TrainOptions& options) {
    if (train.count <= 0) throw InputError("the training set is empty");
    if (train.image_size() <= 0) throw InputError("the training images have no pixels");
    if (options.epochs < 0) throw InputError("epochs must be >= 0");
    if (options.batch < 1) throw InputError("the batch size must be >= 1");
    if (!(options.learning_rate > 0.0) || !std::isfinite(options.learning_rate))
        throw InputError("the learning rate must be a positive number");
    if (!(options.momentum >= 0.0 && options.momentum < 1.0))
        throw InputError("momentum must be in [0, 1)");
    if (!(options.lr_decay > 0.0 && options.lr_decay <= 1.0))
        throw InputError("the learning-rate decay must be in (0, 1]");
    if (!(options.weight_decay >= 0.0)) throw InputError("weight decay must be >= 0");
    if (!(options.ternary_threshold >= 0.0 && options.ternary_threshold <= 2.0))
        throw InputError("the ternary threshold must be in [0, 2] (times the layer's mean |w|)");
}

/// A new random order of @p order (Fisher-Yates from @p rng), once per epoch.
inline void shuffle_order(std::vector<int>& order, RngStream& rng) {
    for (std::size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[rng.below(i)]);
}

/// An epoch's figures from its sums; InputError when the loss diverged.
inline EpochReport epoch_report(int epoch, double loss_sum, int correct, int images,
                                double learning_rate) {
    EpochReport report;
    report.epoch = epoch;
    report.loss = loss_sum / images;
    report.train_accuracy = static_cast<double>(correct) / images;
    report.learning_rate = learning_rate;
    if (!std::isfinite(report.loss))
        throw InputError("training diverged (loss " + std::to_string(report.loss) + " in epoch " +
                         std::to_string(epoch) + "); try a smaller learning rate");
    return report;
}

/// Refuses an empty or inconsistent image set, or one holding NaN or infinity.
inline void check_images(const Dataset& d, const char* which) {
    if (d.count < 0 || d.height < 0 || d.width < 0 ||
        d.pixels.size() != static_cast<std::size_t>(d.count) * d.image_size())
        throw InputError(std::string("the ") + which + " set has " +
                         std::to_string(d.pixels.size()) + " pixels for " +
                         std::to_string(d.count) + " images of " + std::to_string(d.height) +
                         " x " + std::to_string(d.width));
    for (std::size_t i = 0; i < d.pixels.size(); ++i)
        if (!std::isfinite(d.pixels[i]))
            throw InputError(std::string("the ") + which + " set's image " +
                             std::to_string(i / d.image_size()) + " holds a NaN or infinity");
}

inline void check_labels(const Dataset& d, int classes, const char* which) {
    if (d.labels.size() != static_cast<std::size_t>(d.count))
        throw InputError(std::string("the ") + which + " set has " +
                         std::to_string(d.labels.size()) + " labels for " +
                         std::to_string(d.count) + " images");
    for (std::size_t i = 0; i < d.labels.size(); ++i)
        if (d.labels[i] < 0 || d.labels[i] >= classes)
            throw InputError(std::string("the ") + which + " set's label " +
                             std::to_string(d.labels[i]) + " (image " + std::to_string(i) +
                             ") is outside [0, " + std::to_string(classes) + ")");
}

/// Ternary Weight Networks (Li & Liu 2016, arXiv:1605.04711): threshold delta = t x E|w|, the
/// approximation of the optimal threshold for weights spread uniformly or normally (t = 0.7),
/// and the scale alpha = the mean |w| of the weights above delta, which minimises the L2
/// distance to the float weights for that threshold. The bias is one more row of weights,
/// driven by a constant input, so it shares the threshold and the scale. Writes
/// alpha x {-1, 0, 1} of @p w (@p nw) and @p b (@p nb) to @p wq and @p bq; returns alpha.
/// @p counted: how many values the mean |w| is over (0: nw + nb; fewer when some entries of
/// @p w are structural zeros the layer does not have).
inline float ternarize_values(const float* w, std::size_t nw, const float* b, std::size_t nb,
                              double threshold, float* wq, float* bq, std::size_t counted = 0) {
    // The sums in float, as Eigen reduces them (the threshold a network was trained with).
    using Values = Eigen::Map<const Eigen::ArrayXf>;
    const auto sw = static_cast<Eigen::Index>(nw), sb = static_cast<Eigen::Index>(nb);
    const double n = static_cast<double>(counted > 0 ? counted : nw + nb);
    const double mean_abs =
        n > 0 ? (static_cast<double>(Values(w, sw).abs().sum()) + Values(b, sb).abs().sum()) / n
              : 0.0;
    const auto delta = static_cast<float>(threshold * mean_abs);
    double kept_sum = 0.0;
    std::size_t kept = 0;
    auto tally = [&](float v) {
        if (std::fabs(v) > delta) {
            kept_sum += std::fabs(v);
            ++kept;
        }
    };
    for (std::size_t i = 0; i < nw; ++i)
        tally(w[i]);
    for (std::size_t i = 0; i < nb; ++i)
        tally(b[i]);
    // With nothing above the threshold every level is 0 and alpha is only a positive
    // placeholder for the file.
    const float alpha = kept ? static_cast<float>(kept_sum / static_cast<double>(kept)) : 1.0f;
    auto level = [&](float v) { return v > delta ? alpha : (v < -delta ? -alpha : 0.0f); };
    for (std::size_t i = 0; i < nw; ++i)
        wq[i] = level(w[i]);
    for (std::size_t i = 0; i < nb; ++i)
        bq[i] = level(b[i]);
    return alpha;
}

} // namespace neurotlm
