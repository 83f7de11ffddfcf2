// Training any network of the network format (dense and convolution layers, pooling, residual
// adds, layers taking any earlier layer's output): each image through the graph and back, the
// convolutions as im2col products, gradients summed over a mini-batch, SGD with momentum.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include <Eigen/Core>

#include "neurotlm/core/error.h"
#include "neurotlm/core/rng.h"
#include "neurotlm/workloads/trainer.h"
#include "trainer_internal.h"

namespace neurotlm {

namespace {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;

/// A weighted layer's parameters: float (shadow) weights, momentum, the batch's gradient, and
/// the ternary copy the passes use when training ternary.
struct Params2 {
    Matrix w, w_velocity, w_grad, w_ternary;
    RowVector b, b_velocity, b_grad, b_ternary;
    bool ternary = false;
    float alpha = 1.0f;
    const Matrix& forward_w() const { return ternary ? w_ternary : w; }
    const RowVector& forward_b() const { return ternary ? b_ternary : b; }
};

/// One image's pass: per layer its output (after the activation), its pre-activation, a
/// convolution's patches and a max pool's chosen inputs; and per layer the gradient of the loss.
struct Pass {
    std::vector<std::vector<float>> out, pre, grad;
    std::vector<Matrix> cols;
    std::vector<std::vector<int>> argmax;
    std::vector<float> input_grad; ///< discarded: the image is not trained
};

class GraphTrainer {
public:
    GraphTrainer(const Network& arch, const TrainOptions& options)
        : m_net(arch), m_options(options), m_params(arch.layers.size()) {}

    void init(RngStream& rng) {
        for (std::size_t l = 0; l < m_net.layers.size(); ++l) {
            const Layer& L = m_net.layers[l];
            if (!L.weighted()) continue;
            Params2& p = m_params[l];
            // He initialisation on the real fan-in (a group's inputs); the logits' layer Xavier.
            const double fan_in = static_cast<double>(L.inputs) / L.groups;
            const bool last = l + 1 == m_net.layers.size();
            const double sigma =
                last ? std::sqrt(2.0 / (fan_in + L.outputs)) : std::sqrt(2.0 / fan_in);
            p.w.resize(L.inputs, L.outputs);
            const int group_in = L.kind == LayerKind::conv2d ? L.in_shape.channels / L.groups : 0;
            const int group_out = L.outputs / L.groups;
            const int kk = L.kernel_h * L.kernel_w;
            for (int r = 0; r < L.inputs; ++r)
                for (int o = 0; o < L.outputs; ++o) {
                    // A grouped convolution's rows outside the output's group stay 0.
                    const bool in_group =
                        L.kind != LayerKind::conv2d || r / kk / group_in == o / group_out;
                    p.w(r, o) = in_group ? static_cast<float>(rng.normal(0.0, sigma)) : 0.0f;
                }
            p.b = RowVector::Zero(L.outputs);
            p.w_velocity = Matrix::Zero(L.inputs, L.outputs);
            p.b_velocity = RowVector::Zero(L.outputs);
            p.w_grad = Matrix::Zero(L.inputs, L.outputs);
            p.b_grad = RowVector::Zero(L.outputs);
            p.ternary = m_options.weights == WeightQuantization::ternary;
            if (p.ternary) quantise(l);
        }
    }

    /// Start from @p net's weights (float, as they are) instead of init().
    void load(const Network& net) {
        for (std::size_t l = 0; l < net.layers.size(); ++l) {
            const Layer& L = net.layers[l];
            if (!L.weighted()) continue;
            Params2& p = m_params[l];
            p.w = Eigen::Map<const Matrix>(L.weights.data(), L.inputs, L.outputs);
            p.b = L.bias.empty() ? RowVector::Zero(L.outputs)
                                 : RowVector(Eigen::Map<const RowVector>(L.bias.data(), L.outputs));
            p.w_grad = Matrix::Zero(L.inputs, L.outputs);
            p.b_grad = RowVector::Zero(L.outputs);
        }
    }
    const Params2& params(std::size_t l) const { return m_params[l]; }

    void forward(const float* image, Pass& s) const {
        const std::size_t n = m_net.layers.size();
        s.out.resize(n);
        s.pre.resize(n);
        s.cols.resize(n);
        s.argmax.resize(n);
        for (std::size_t l = 0; l < n; ++l) {
            const Layer& L = m_net.layers[l];
            const float* x = L.from < 0 ? image : s.out[static_cast<std::size_t>(L.from)].data();
            std::vector<float>& y = s.pre[l];
            const std::size_t size = static_cast<std::size_t>(L.out_shape.size());
            y.resize(size);
            switch (L.kind) {
            case LayerKind::dense: {
                const Params2& p = m_params[l];
                Eigen::Map<RowVector> out(y.data(), L.outputs);
                out.noalias() = Eigen::Map<const RowVector>(x, L.inputs) * p.forward_w();
                out += p.forward_b();
                break;
            }
            case LayerKind::conv2d: {
                const Params2& p = m_params[l];
                const int positions = L.positions();
                Matrix& c = s.cols[l];
                c.resize(positions, L.inputs);
                for (int pos = 0; pos < positions; ++pos)
                    L.patch(x, pos / L.out_shape.width, pos % L.out_shape.width, c.row(pos).data());
                Matrix z = c * p.forward_w();
                z.rowwise() += p.forward_b();
                // Channel-major: output o's plane is column o.
                Eigen::Map<Matrix>(y.data(), L.outputs, positions) = z.transpose();
                break;
            }
            case LayerKind::maxpool: pool_forward(L, x, y.data(), &s.argmax[l]); break;
            case LayerKind::avgpool: pool_forward(L, x, y.data()); break;
            case LayerKind::add: {
                const float* z =
                    L.skip < 0 ? image : s.out[static_cast<std::size_t>(L.skip)].data();
                for (std::size_t i = 0; i < size; ++i)
                    y[i] = x[i] + z[i];
                break;
            }
            }
            s.out[l].resize(size);
            for (std::size_t i = 0; i < size; ++i)
                s.out[l][i] = activate(L.activation, y[i]);
        }
    }

    /// Adds this image's gradients to the batch's; @p dlogits is d loss / d logits.
    void backward(const float* image, Pass& s, const float* dlogits) {
        const std::size_t n = m_net.layers.size();
        s.grad.resize(n);
        for (std::size_t l = 0; l < n; ++l)
            s.grad[l].assign(static_cast<std::size_t>(m_net.layers[l].out_shape.size()), 0.0f);
        s.input_grad.assign(static_cast<std::size_t>(m_net.input_size()), 0.0f);
        std::copy_n(dlogits, s.grad.back().size(), s.grad.back().begin());
        auto grad_of = [&](int t) -> float* {
            return t < 0 ? s.input_grad.data() : s.grad[static_cast<std::size_t>(t)].data();
        };
        for (std::size_t l = n; l-- > 0;) {
            const Layer& L = m_net.layers[l];
            std::vector<float>& dz = s.grad[l];
            if (L.activation != Activation::none)
                for (std::size_t i = 0; i < dz.size(); ++i)
                    dz[i] *= activation_derivative(L.activation, s.pre[l][i]);
            const float* x = L.from < 0 ? image : s.out[static_cast<std::size_t>(L.from)].data();
            float* dx = grad_of(L.from);
            switch (L.kind) {
            case LayerKind::dense: {
                Params2& p = m_params[l];
                const Eigen::Map<const RowVector> g(dz.data(), L.outputs);
                const Eigen::Map<const RowVector> in(x, L.inputs);
                p.w_grad.noalias() += in.transpose() * g;
                p.b_grad += g;
                // Through the weights the pass used (straight through to the shadow weights).
                Eigen::Map<RowVector>(dx, L.inputs) += g * p.forward_w().transpose();
                break;
            }
            case LayerKind::conv2d: {
                Params2& p = m_params[l];
                const int positions = L.positions();
                const Matrix g =
                    Eigen::Map<const Matrix>(dz.data(), L.outputs, positions).transpose();
                p.w_grad.noalias() += s.cols[l].transpose() * g;
                p.b_grad += g.colwise().sum();
                mask_groups(L, p.w_grad); // weights a grouped convolution does not have
                const Matrix dcols = g * p.forward_w().transpose();
                for (int pos = 0; pos < positions; ++pos)
                    scatter_patch(L, pos / L.out_shape.width, pos % L.out_shape.width,
                                  dcols.row(pos).data(), dx);
                break;
            }
            case LayerKind::maxpool:
                for (std::size_t i = 0; i < dz.size(); ++i)
                    if (s.argmax[l][i] >= 0) dx[s.argmax[l][i]] += dz[i];
                break;
            case LayerKind::avgpool: avg_pool_back(L, dz.data(), dx); break;
            case LayerKind::add: {
                float* ds = grad_of(L.skip);
                for (std::size_t i = 0; i < dz.size(); ++i) {
                    dx[i] += dz[i];
                    ds[i] += dz[i];
                }
                break;
            }
            }
        }
    }

    /// One SGD step with the batch's summed gradients, then clears them.
    void step(float lr, float momentum, float decay) {
        for (std::size_t l = 0; l < m_params.size(); ++l) {
            if (!m_net.layers[l].weighted()) continue;
            Params2& p = m_params[l];
            if (decay > 0.0f) p.w_grad += decay * p.w;
            p.w_velocity = momentum * p.w_velocity - lr * p.w_grad;
            p.b_velocity = momentum * p.b_velocity - lr * p.b_grad;
            p.w += p.w_velocity;
            p.b += p.b_velocity;
            p.w_grad.setZero();
            p.b_grad.setZero();
            if (p.ternary) quantise(l);
        }
    }

    Network result() const {
        Network net = m_net;
        for (std::size_t l = 0; l < net.layers.size(); ++l) {
            Layer& L = net.layers[l];
            if (!L.weighted()) continue;
            const Params2& p = m_params[l];
            const Matrix& w = p.forward_w();
            const RowVector& b = p.forward_b();
            L.weights.assign(w.data(), w.data() + w.size());
            L.bias.assign(b.data(), b.data() + b.size());
            L.ternary = p.ternary;
            L.scale = p.ternary ? p.alpha : 1.0f;
        }
        return net;
    }

private:
    void quantise(std::size_t l) {
        Params2& p = m_params[l];
        p.w_ternary.resize(p.w.rows(), p.w.cols());
        p.b_ternary.resize(p.b.size());
        // The threshold is the mean |w| of the weights the layer has (not a grouped
        // convolution's zeros outside its groups).
        const Layer& L = m_net.layers[l];
        const std::size_t real =
            static_cast<std::size_t>(L.inputs / L.groups) * static_cast<std::size_t>(L.outputs);
        p.alpha = ternarize_values(p.w.data(), static_cast<std::size_t>(p.w.size()), p.b.data(),
                                   static_cast<std::size_t>(p.b.size()),
                                   m_options.ternary_threshold, p.w_ternary.data(),
                                   p.b_ternary.data(), real + static_cast<std::size_t>(p.b.size()));
    }

    /// Zeros @p m's entries outside each output's group (a grouped convolution's im2col matrix
    /// holds them; the layer has no such weights, so they start at 0 and stay there).
    static void mask_groups(const Layer& L, Matrix& m) {
        if (L.kind != LayerKind::conv2d || L.groups == 1) return;
        const int kk = L.kernel_h * L.kernel_w;
        const int group_in = L.in_shape.channels / L.groups, group_out = L.outputs / L.groups;
        for (int r = 0; r < L.inputs; ++r)
            for (int o = 0; o < L.outputs; ++o)
                if (r / kk / group_in != o / group_out) m(r, o) = 0.0f;
    }

    static void avg_pool_back(const Layer& L, const float* dy, float* dx) {
        const Shape& in = L.in_shape;
        const Shape& out = L.out_shape;
        const float area = static_cast<float>(static_cast<double>(L.kernel_h) * L.kernel_w);
        std::size_t k = 0;
        for (int c = 0; c < in.channels; ++c)
            for (int oy = 0; oy < out.height; ++oy)
                for (int ox = 0; ox < out.width; ++ox, ++k)
                    for (int ky = 0; ky < L.kernel_h; ++ky) {
                        const int iy = oy * L.stride_h - L.pad_h + ky;
                        if (iy < 0 || iy >= in.height) continue;
                        for (int kx = 0; kx < L.kernel_w; ++kx) {
                            const int ix = ox * L.stride_w - L.pad_w + kx;
                            if (ix >= 0 && ix < in.width)
                                dx[(c * in.height + iy) * in.width + ix] += dy[k] / area;
                        }
                    }
    }

    /// The inverse of Layer::patch: a patch's gradient added back to the input's.
    static void scatter_patch(const Layer& L, int oy, int ox, const float* g, float* dx) {
        const Shape& in = L.in_shape;
        for (int c = 0; c < in.channels; ++c)
            for (int ky = 0; ky < L.kernel_h; ++ky) {
                const int iy = oy * L.stride_h - L.pad_h + ky;
                for (int kx = 0; kx < L.kernel_w; ++kx, ++g) {
                    const int ix = ox * L.stride_w - L.pad_w + kx;
                    if (iy >= 0 && iy < in.height && ix >= 0 && ix < in.width)
                        dx[(c * in.height + iy) * in.width + ix] += *g;
                }
            }
    }

    Network m_net;
    TrainOptions m_options;
    std::vector<Params2> m_params;
};

/// Softmax of @p logits in place; returns the cross-entropy of @p label.
double softmax_loss(std::vector<float>& logits, int label) {
    const float top = *std::max_element(logits.begin(), logits.end());
    // From the shifted logit rather than log(p), which underflows for confident mistakes.
    const double shifted_label = logits[static_cast<std::size_t>(label)] - top;
    double sum = 0.0;
    for (float& v : logits) {
        v = std::exp(v - top);
        sum += v;
    }
    for (float& v : logits)
        v = static_cast<float>(v / sum);
    return std::log(sum) - shifted_label;
}

} // namespace

NetworkGradient network_gradient(const Network& net, const float* image, int label) {
    if (label < 0 || label >= net.output_size())
        throw InputError("label " + std::to_string(label) + " outside the network's " +
                         std::to_string(net.output_size()) + " outputs");
    GraphTrainer t(net, TrainOptions{});
    t.load(net);
    Pass pass;
    t.forward(image, pass);
    std::vector<float> d = pass.out.back();
    NetworkGradient g;
    g.loss = softmax_loss(d, label);
    d[static_cast<std::size_t>(label)] -= 1.0f;
    t.backward(image, pass, d.data());
    g.layers.resize(net.layers.size());
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        if (!net.layers[l].weighted()) continue;
        const Params2& p = t.params(l);
        g.layers[l].weights.assign(p.w_grad.data(), p.w_grad.data() + p.w_grad.size());
        g.layers[l].bias.assign(p.b_grad.data(), p.b_grad.data() + p.b_grad.size());
    }
    return g;
}

TrainingMemory estimate_network_training_memory(const Network& architecture,
                                                std::uint64_t train_images,
                                                std::uint64_t test_images) {
    TrainingMemory m;
    const double inputs = architecture.input_size();
    m.datasets_B = static_cast<double>(train_images + test_images) * (inputs * 4.0 + 4.0) +
                   static_cast<double>(train_images) * 4.0;
    double parameters = 0.0, activations = inputs;
    for (const Layer& L : architecture.layers) {
        activations += 3.0 * L.out_shape.size(); // output, pre-activation, gradient
        if (!L.weighted()) continue;
        parameters += (static_cast<double>(L.inputs) + 1.0) * L.outputs;
        if (L.kind == LayerKind::conv2d)
            activations += 2.0 * static_cast<double>(L.positions()) * L.inputs; // patches
    }
    // Weights, momentum, gradient and ternary copy; the network copies the result makes.
    m.parameters_B = parameters * 4.0 * 7.0;
    m.activations_B = activations * 4.0;
    return m;
}

Network train_network(const Network& architecture, const Dataset& train, const Dataset* test,
                      const TrainOptions& options,
                      const std::function<void(const EpochReport&)>& on_epoch) {
    check_training(train, options);
    if (architecture.layers.empty()) throw InputError("the architecture has no layers");
    const Layer& last = architecture.layers.back();
    if (!last.weighted() || last.activation != Activation::none)
        throw InputError("the architecture's last layer must be dense or conv2d without an "
                         "activation: its outputs are the logits; " +
                         last.name + " is " + to_string(last.kind) + " with activation " +
                         to_string(last.activation));
    const int classes = architecture.output_size();
    if (classes < 2) throw InputError("a classifier needs at least 2 outputs");
    if (options.classes != 0 && options.classes != classes)
        throw InputError("the architecture has " + std::to_string(classes) + " outputs, not " +
                         std::to_string(options.classes) + " classes");
    check_images(train, "training");
    check_labels(train, classes, "training");
    const Shape& in = architecture.input_shape;
    auto fits = [&](const Dataset& d) {
        return in.height > 1 || in.width > 1
                   ? d.channels == in.channels && d.height == in.height && d.width == in.width
                   : d.image_size() == in.size();
    };
    if (!fits(train))
        throw InputError("the architecture takes " + to_string(in) + " inputs; the images are " +
                         std::to_string(train.channels) + "x" + std::to_string(train.height) + "x" +
                         std::to_string(train.width));
    if (test) {
        check_images(*test, "test");
        if (!fits(*test)) throw InputError("the test images differ from the training images");
        check_labels(*test, classes, "test");
    }

    RngStream root(options.seed, "neurotlm-train");
    RngStream init = root.derive("init");
    RngStream shuffle = root.derive("shuffle");
    GraphTrainer trainer(architecture, options);
    trainer.init(init);

    std::vector<int> order(static_cast<std::size_t>(train.count));
    std::iota(order.begin(), order.end(), 0);
    Pass pass;
    std::vector<float> dlogits;
    double lr = options.learning_rate;
    for (int epoch = 1; epoch <= options.epochs; ++epoch) {
        const auto started = std::chrono::steady_clock::now();
        shuffle_order(order, shuffle);
        double loss_sum = 0.0;
        int correct = 0;
        for (int start = 0; start < train.count; start += options.batch) {
            const int n = std::min(options.batch, train.count - start);
            for (int k = 0; k < n; ++k) {
                const int image = order[static_cast<std::size_t>(start + k)];
                const int label = train.labels[static_cast<std::size_t>(image)];
                trainer.forward(train.image(image), pass);
                dlogits = pass.out.back();
                if (argmax(dlogits.data(), classes) == label) ++correct;
                loss_sum += softmax_loss(dlogits, label);
                // d(mean loss)/d logits = (p - onehot) / n
                dlogits[static_cast<std::size_t>(label)] -= 1.0f;
                for (float& v : dlogits)
                    v /= static_cast<float>(n);
                trainer.backward(train.image(image), pass, dlogits.data());
            }
            trainer.step(static_cast<float>(lr), static_cast<float>(options.momentum),
                         static_cast<float>(options.weight_decay));
        }
        EpochReport report = epoch_report(epoch, loss_sum, correct, train.count, lr);
        if (test && test->count > 0) report.test_accuracy = accuracy(trainer.result(), *test);
        report.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (on_epoch) on_epoch(report);
        lr *= options.lr_decay;
    }
    Network net = trainer.result();
    net.name = options.name;
    net.description = options.description;
    net.path.clear();
    return net;
}

} // namespace neurotlm
