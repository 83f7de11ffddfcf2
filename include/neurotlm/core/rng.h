#pragma once
/// @brief Deterministic random streams. Each component draws from its own stream, seeded from
/// the platform seed and the component's hierarchical name, so results do not depend on
/// construction order and the same seed reproduces a run bit for bit on any machine (the
/// generator and the distributions are implemented here, not taken from the standard library,
/// whose distributions differ between implementations).

#include <cmath>
#include <cstdint>
#include <string_view>

namespace neurotlm {

/// @brief 64-bit FNV-1a hash of a string, used to derive stream seeds from names.
std::uint64_t hash_name(std::string_view name);

/// @brief xoshiro256++ generator with uniform, normal, lognormal and Bernoulli draws.
class RngStream {
public:
    RngStream() : RngStream(0, "") {}
    RngStream(std::uint64_t seed, std::string_view name);

    std::uint64_t next_u64();
    /// Uniform in [0, 1).
    double uniform();
    /// Standard normal (Box-Muller with a cached second value).
    double normal();
    double normal(double mean, double sigma) { return mean + sigma * normal(); }
    /// exp(N(mu, sigma)); `lognormal_factor(sigma)` has median 1.
    double lognormal_factor(double sigma) {
        return sigma == 0.0 ? 1.0 : std::exp(sigma * normal());
    }
    bool bernoulli(double p) { return uniform() < p; }
    /// Uniform integer in [0, n).
    std::uint64_t below(std::uint64_t n);

    /// @brief A child stream: deterministic in (this stream's seed, name).
    RngStream derive(std::string_view name) const;

private:
    std::uint64_t m_seed;
    std::uint64_t m_s[4];
    double m_spare = 0.0;
    bool m_has_spare = false;
};

} // namespace neurotlm
