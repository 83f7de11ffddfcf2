// Learning rules, pattern generators and the overlap measure of the Hopfield model.

#include <cmath>
#include <numeric>
#include <string>

#include "neurotlm/blocks/hopfield/hopfield.h"
#include "neurotlm/core/error.h"

namespace neurotlm {

namespace {

void check_bipolar(const HopfieldPattern& p, int neurons, const char* who) {
    if (static_cast<int>(p.size()) != neurons)
        throw InputError(std::string(who) + ": pattern of " + std::to_string(p.size()) +
                         " entries for " + std::to_string(neurons) + " neurons");
    for (std::int8_t v : p)
        if (v != 1 && v != -1)
            throw InputError(std::string(who) + ": pattern entries must be -1 or +1, found " +
                             std::to_string(int(v)));
}

} // namespace

HopfieldWeights empty_weights(int neurons, HopfieldLearning rule) {
    if (neurons < 1) throw InputError("empty_weights: a network needs at least one neuron");
    HopfieldWeights w;
    w.neurons = neurons;
    w.w.assign(static_cast<std::size_t>(neurons) * neurons, 0.0f);
    // Hebbian weights stay integer counts, scaled by 1/N: exact sums and exact ties.
    w.scale = rule == HopfieldLearning::hebbian ? 1.0 / neurons : 1.0;
    return w;
}

void learn_pattern(HopfieldWeights& weights, const HopfieldPattern& xi, HopfieldLearning rule) {
    const int n = weights.neurons;
    check_bipolar(xi, n, "learn_pattern");
    if (weights.w.size() != static_cast<std::size_t>(n) * n)
        throw InputError("learn_pattern: weight matrix does not match the neuron count");
    float* w = weights.w.data();
    if (rule == HopfieldLearning::hebbian) {
        const float inc = static_cast<float>(1.0 / (n * weights.scale));
        for (int i = 0; i < n; ++i) {
            const float a = inc * xi[static_cast<std::size_t>(i)];
            float* wi = w + static_cast<std::size_t>(i) * n;
            for (int j = 0; j < n; ++j)
                wi[j] += a * xi[static_cast<std::size_t>(j)];
            wi[i] = 0.0f;
        }
        return;
    }
    // Storkey (1997): the update of pattern mu uses the local fields of the weights learned so
    // far, so it works in real units.
    if (weights.scale != 1.0) {
        for (float& v : weights.w)
            v = static_cast<float>(v * weights.scale);
        weights.scale = 1.0;
    }
    std::vector<double> g(static_cast<std::size_t>(n), 0.0);
    for (int i = 0; i < n; ++i) {
        const float* wi = w + static_cast<std::size_t>(i) * n;
        double acc = 0.0;
        for (int k = 0; k < n; ++k)
            acc += double(wi[k]) * xi[static_cast<std::size_t>(k)];
        g[static_cast<std::size_t>(i)] = acc;
    }
    const double inv_n = 1.0 / n;
    for (int i = 0; i < n; ++i) {
        const double xi_i = xi[static_cast<std::size_t>(i)];
        const double w_ii = w[static_cast<std::size_t>(i) * n + i];
        for (int j = i + 1; j < n; ++j) {
            const double xi_j = xi[static_cast<std::size_t>(j)];
            const double w_jj = w[static_cast<std::size_t>(j) * n + j];
            float& w_ij = w[static_cast<std::size_t>(i) * n + j];
            float& w_ji = w[static_cast<std::size_t>(j) * n + i];
            // h_ij = sum_{k != i, j} W_ik xi_k.
            const double h_ij = g[static_cast<std::size_t>(i)] - w_ii * xi_i - w_ij * xi_j;
            const double h_ji = g[static_cast<std::size_t>(j)] - w_jj * xi_j - w_ji * xi_i;
            const double d_ij = (xi_i * xi_j - xi_i * h_ji - h_ij * xi_j) * inv_n;
            const double d_ji = (xi_j * xi_i - xi_j * h_ij - h_ji * xi_i) * inv_n;
            w_ij = static_cast<float>(w_ij + d_ij);
            w_ji = static_cast<float>(w_ji + d_ji);
        }
    }
    for (int i = 0; i < n; ++i)
        w[static_cast<std::size_t>(i) * n + i] = 0.0f;
}

HopfieldWeights learn_weights(const std::vector<HopfieldPattern>& patterns, int neurons,
                              HopfieldLearning rule) {
    HopfieldWeights w = empty_weights(neurons, rule);
    for (const auto& p : patterns)
        learn_pattern(w, p, rule);
    return w;
}

std::vector<HopfieldPattern> random_patterns(int count, int neurons, RngStream& rng) {
    if (count < 0 || neurons < 1)
        throw InputError("random_patterns: need count >= 0 and neurons >= 1");
    std::vector<HopfieldPattern> out(static_cast<std::size_t>(count));
    for (auto& p : out) {
        p.resize(static_cast<std::size_t>(neurons));
        std::uint64_t bits = 0;
        for (int i = 0; i < neurons; ++i) {
            if (i % 64 == 0) bits = rng.next_u64();
            p[static_cast<std::size_t>(i)] = (bits & 1u) ? 1 : -1;
            bits >>= 1;
        }
    }
    return out;
}

HopfieldPattern flip_bits(const HopfieldPattern& pattern, int k, RngStream& rng) {
    const int n = static_cast<int>(pattern.size());
    if (k < 0 || k > n)
        throw InputError("flip_bits: cannot flip " + std::to_string(k) + " of " +
                         std::to_string(n) + " bits");
    HopfieldPattern out = pattern;
    std::vector<int> index(static_cast<std::size_t>(n));
    std::iota(index.begin(), index.end(), 0);
    // Partial Fisher-Yates: the first k entries are a uniform k-subset.
    for (int m = 0; m < k; ++m) {
        const int r = m + static_cast<int>(rng.below(static_cast<std::uint64_t>(n - m)));
        std::swap(index[static_cast<std::size_t>(m)], index[static_cast<std::size_t>(r)]);
        std::int8_t& v = out[static_cast<std::size_t>(index[static_cast<std::size_t>(m)])];
        v = static_cast<std::int8_t>(-v);
    }
    return out;
}

HopfieldPattern mask_region(const HopfieldPattern& pattern, int begin, int length,
                            std::int8_t fill) {
    const int n = static_cast<int>(pattern.size());
    if (begin < 0 || length < 0 || begin + length > n)
        throw InputError("mask_region: region [" + std::to_string(begin) + ", " +
                         std::to_string(begin + length) + ") outside a pattern of " +
                         std::to_string(n) + " bits");
    if (fill != 1 && fill != -1) throw InputError("mask_region: fill must be -1 or +1");
    HopfieldPattern out = pattern;
    std::fill(out.begin() + begin, out.begin() + begin + length, fill);
    return out;
}

double overlap(const HopfieldPattern& a, const HopfieldPattern& b) {
    if (a.size() != b.size() || a.empty())
        throw InputError("overlap: patterns of different (or zero) length");
    long sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        sum += a[i] * b[i];
    return static_cast<double>(sum) / static_cast<double>(a.size());
}

} // namespace neurotlm
