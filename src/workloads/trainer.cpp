#include "neurotlm/workloads/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include <Eigen/Core>

#include "neurotlm/core/error.h"
#include "neurotlm/core/rng.h"
#include "trainer_internal.h"

namespace neurotlm {

namespace {

// Row-major so that a weight matrix (inputs x outputs) is laid out exactly like
// Layer::weights (network.h) and a batch is one image per row, as the dataset stores it.
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;

struct TrainLayer {
    Matrix w;
    RowVector b;
    Matrix w_velocity;
    RowVector b_velocity;
    Activation activation = Activation::none;
    // Ternary training: the weights the passes use, alpha x {-1, 0, 1}; w and b are the float
    // shadow weights the updates go to.
    bool ternary = false;
    Matrix w_ternary;
    RowVector b_ternary;
    float alpha = 1.0f;

    const Matrix& forward_w() const { return ternary ? w_ternary : w; }
    const RowVector& forward_b() const { return ternary ? b_ternary : b; }
};

void ternarize(TrainLayer& layer, double threshold) {
    layer.w_ternary.resize(layer.w.rows(), layer.w.cols());
    layer.b_ternary.resize(layer.b.size());
    layer.alpha = ternarize_values(layer.w.data(), static_cast<std::size_t>(layer.w.size()),
                                   layer.b.data(), static_cast<std::size_t>(layer.b.size()),
                                   threshold, layer.w_ternary.data(), layer.b_ternary.data());
}

void gather(const Dataset& d, const int* indices, int n, Matrix& x) {
    const int size = d.image_size();
    x.resize(n, size);
    for (int r = 0; r < n; ++r)
        std::copy_n(d.image(indices[r]), size, x.row(r).data());
}

void apply_activation(Activation a, const Matrix& z, Matrix& out) {
    out.resize(z.rows(), z.cols());
    const float* src = z.data();
    float* dst = out.data();
    const Eigen::Index n = z.size();
    if (a == Activation::relu) {
        for (Eigen::Index i = 0; i < n; ++i)
            dst[i] = src[i] > 0.0f ? src[i] : 0.0f;
    } else {
        for (Eigen::Index i = 0; i < n; ++i)
            dst[i] = activate(a, src[i]);
    }
}

/// Forward through all layers; keeps pre-activations and activations for backpropagation.
/// The last layer's pre-activations are the logits.
void forward_batch(const std::vector<TrainLayer>& layers, const Matrix& x, std::vector<Matrix>& z,
                   std::vector<Matrix>& a) {
    z.resize(layers.size());
    a.resize(layers.size());
    const Matrix* in = &x;
    for (std::size_t l = 0; l < layers.size(); ++l) {
        z[l].noalias() = *in * layers[l].forward_w();
        z[l].rowwise() += layers[l].forward_b();
        if (l + 1 < layers.size()) {
            apply_activation(layers[l].activation, z[l], a[l]);
            in = &a[l];
        }
    }
}

/// Turns logits into softmax probabilities in place; returns the summed cross-entropy and
/// counts correct predictions.
double softmax_cross_entropy(Matrix& logits, const Dataset& d, const int* indices, int& correct) {
    double loss = 0.0;
    for (Eigen::Index r = 0; r < logits.rows(); ++r) {
        auto row = logits.row(r);
        Eigen::Index best;
        const float top = row.maxCoeff(&best);
        const int label = d.labels[static_cast<std::size_t>(indices[r])];
        if (best == label) ++correct;
        const float shifted_label = row(label) - top;
        row.array() = (row.array() - top).exp();
        const float sum = row.sum();
        row /= sum;
        // From the shifted logits rather than log(p), which underflows for confident mistakes.
        loss += std::log(static_cast<double>(sum)) - shifted_label;
    }
    return loss;
}

double evaluate(const std::vector<TrainLayer>& layers, const Dataset& d) {
    constexpr int chunk = 256;
    std::vector<int> idx(static_cast<std::size_t>(d.count));
    std::iota(idx.begin(), idx.end(), 0);
    Matrix x;
    std::vector<Matrix> z, a;
    int correct = 0;
    for (int start = 0; start < d.count; start += chunk) {
        const int n = std::min(chunk, d.count - start);
        gather(d, idx.data() + start, n, x);
        forward_batch(layers, x, z, a);
        for (int r = 0; r < n; ++r) {
            Eigen::Index best;
            z.back().row(r).maxCoeff(&best);
            if (best == d.labels[static_cast<std::size_t>(start + r)]) ++correct;
        }
    }
    return d.count ? static_cast<double>(correct) / d.count : 0.0;
}

} // namespace

Network train_classifier(const Dataset& train, const Dataset* test, const TrainOptions& options,
                         const std::function<void(const EpochReport&)>& on_epoch) {
    check_training(train, options);
    for (int h : options.hidden)
        if (h < 1) throw InputError("hidden layer widths must be >= 1");

    int classes = options.classes;
    if (classes == 0) {
        if (train.labels.empty()) throw InputError("the training set has no labels");
        classes = 1 + *std::max_element(train.labels.begin(), train.labels.end());
    }
    if (classes < 2) throw InputError("a classifier needs at least 2 classes");
    check_images(train, "training");
    check_labels(train, classes, "training");
    if (test) {
        check_images(*test, "test");
        if (test->image_size() != train.image_size())
            throw InputError("test images have " + std::to_string(test->image_size()) +
                             " pixels, training images " + std::to_string(train.image_size()));
        check_labels(*test, classes, "test");
    }

    RngStream root(options.seed, "neurotlm-train");
    RngStream init = root.derive("init");
    RngStream shuffle = root.derive("shuffle");

    std::vector<int> widths{train.image_size()};
    widths.insert(widths.end(), options.hidden.begin(), options.hidden.end());
    widths.push_back(classes);
    std::vector<TrainLayer> layers(widths.size() - 1);
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const int fan_in = widths[l], fan_out = widths[l + 1];
        const bool hidden = l + 1 < layers.size();
        TrainLayer& layer = layers[l];
        layer.activation = hidden ? options.activation : Activation::none;
        // He init keeps ReLU activations' variance steady; Xavier suits the rest.
        const double sigma = hidden && options.activation == Activation::relu
                                 ? std::sqrt(2.0 / fan_in)
                                 : std::sqrt(2.0 / (fan_in + fan_out));
        layer.w.resize(fan_in, fan_out);
        for (Eigen::Index i = 0; i < layer.w.size(); ++i)
            layer.w.data()[i] = static_cast<float>(init.normal(0.0, sigma));
        layer.b = RowVector::Zero(fan_out);
        layer.w_velocity = Matrix::Zero(fan_in, fan_out);
        layer.b_velocity = RowVector::Zero(fan_out);
        layer.ternary = options.weights == WeightQuantization::ternary;
        if (layer.ternary) ternarize(layer, options.ternary_threshold);
    }

    std::vector<int> order(static_cast<std::size_t>(train.count));
    std::iota(order.begin(), order.end(), 0);
    Matrix x, delta, delta_prev, grad_w;
    RowVector grad_b;
    std::vector<Matrix> z, a;
    double lr = options.learning_rate;
    const auto momentum = static_cast<float>(options.momentum);
    const auto decay = static_cast<float>(options.weight_decay);

    for (int epoch = 1; epoch <= options.epochs; ++epoch) {
        const auto started = std::chrono::steady_clock::now();
        shuffle_order(order, shuffle);

        double loss_sum = 0.0;
        int correct = 0;
        const auto step = static_cast<float>(lr);
        for (int start = 0; start < train.count; start += options.batch) {
            const int n = std::min(options.batch, train.count - start);
            const int* idx = order.data() + start;
            gather(train, idx, n, x);
            forward_batch(layers, x, z, a);
            Matrix& probs = z.back();
            loss_sum += softmax_cross_entropy(probs, train, idx, correct);

            // d(mean loss)/d logits = (p - onehot) / n
            delta = probs;
            for (int r = 0; r < n; ++r)
                delta(r, train.labels[static_cast<std::size_t>(idx[r])]) -= 1.0f;
            delta /= static_cast<float>(n);

            for (std::size_t l = layers.size(); l-- > 0;) {
                TrainLayer& layer = layers[l];
                const Matrix& input = l == 0 ? x : a[l - 1];
                grad_w.noalias() = input.transpose() * delta;
                grad_b = delta.colwise().sum();
                if (l > 0) {
                    // Through the weights the forward pass used; the straight-through
                    // estimator then hands the gradient of the ternary weights to the shadow
                    // weights unchanged.
                    delta_prev.noalias() = delta * layer.forward_w().transpose();
                    const Activation act = layers[l - 1].activation;
                    const float* pre = z[l - 1].data();
                    float* d = delta_prev.data();
                    for (Eigen::Index k = 0; k < delta_prev.size(); ++k)
                        d[k] *= activation_derivative(act, pre[k]);
                }
                if (decay > 0.0f) grad_w += decay * layer.w;
                layer.w_velocity = momentum * layer.w_velocity - step * grad_w;
                layer.b_velocity = momentum * layer.b_velocity - step * grad_b;
                layer.w += layer.w_velocity;
                layer.b += layer.b_velocity;
                if (layer.ternary) ternarize(layer, options.ternary_threshold);
                if (l > 0) delta.swap(delta_prev);
            }
        }

        EpochReport report = epoch_report(epoch, loss_sum, correct, train.count, lr);
        if (test && test->count > 0) report.test_accuracy = evaluate(layers, *test);
        report.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (on_epoch) on_epoch(report);
        lr *= options.lr_decay;
    }

    Network net;
    net.name = options.name;
    net.description = options.description;
    net.input_shape = {widths[0], 1, 1};
    for (std::size_t l = 0; l < layers.size(); ++l) {
        Layer d = make_dense("fc" + std::to_string(l + 1), widths[l], widths[l + 1],
                             static_cast<int>(l) - 1);
        const Matrix& w = layers[l].forward_w();
        const RowVector& b = layers[l].forward_b();
        d.weights.assign(w.data(), w.data() + w.size());
        d.bias.assign(b.data(), b.data() + b.size());
        d.activation = layers[l].activation;
        if (layers[l].ternary) {
            d.ternary = true;
            d.scale = layers[l].alpha;
        }
        net.layers.push_back(std::move(d));
    }
    return net;
}

TrainingMemory estimate_training_memory(int inputs, std::uint64_t train_images,
                                        std::uint64_t test_images, int classes,
                                        const TrainOptions& options) {
    TrainingMemory m;
    // Images as floats, labels as ints (load_idx), and the shuffled order of the training set.
    m.datasets_B = static_cast<double>(train_images + test_images) * (inputs * 4.0 + 4.0) +
                   static_cast<double>(train_images) * 4.0;
    std::vector<double> widths{static_cast<double>(inputs)};
    for (int h : options.hidden)
        widths.push_back(h);
    widths.push_back(classes);
    double parameters = 0.0, sum_widths = 0.0, widest = 0.0;
    for (std::size_t l = 0; l + 1 < widths.size(); ++l)
        parameters += widths[l] * widths[l + 1] + widths[l + 1];
    for (double w : widths) {
        sum_widths += w;
        widest = std::max(widest, w);
    }
    // Weights, their momentum and a gradient while training (and their ternary copy); the
    // network built from them, the copy the CLI writes and the one it reads back to measure.
    m.parameters_B =
        parameters * 4.0 * (options.weights == WeightQuantization::ternary ? 7.0 : 6.0);
    // Pre-activations and activations of every layer for a batch (or, with a test set, a
    // 256-image evaluation chunk), plus the input gathered and two error matrices of the widest
    // layer.
    const double rows = test_images > 0 ? std::max(options.batch, 256) : options.batch;
    m.activations_B = rows * (2.0 * sum_widths + 3.0 * widest) * 4.0;
    return m;
}

double accuracy(const Network& net, const Dataset& data) {
    if (data.count == 0) return 0.0;
    if (data.labels.size() != static_cast<std::size_t>(data.count))
        throw InputError("accuracy needs one label per image");
    if (data.image_size() != net.input_size())
        throw InputError("the network takes " + std::to_string(net.input_size()) +
                         " inputs but the images have " + std::to_string(data.image_size()) +
                         " pixels");
    int correct = 0;
    for (int i = 0; i < data.count; ++i) {
        const std::vector<float> out = forward(net, data.image(i));
        if (argmax(out.data(), static_cast<int>(out.size())) ==
            data.labels[static_cast<std::size_t>(i)])
            ++correct;
    }
    return static_cast<double>(correct) / data.count;
}

} // namespace neurotlm
