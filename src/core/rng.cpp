#include "neurotlm/core/rng.h"

#include <cmath>

namespace neurotlm {

namespace {
std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
std::uint64_t rotl(std::uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}
} // namespace

std::uint64_t hash_name(std::string_view name) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : name) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

RngStream::RngStream(std::uint64_t seed, std::string_view name) {
    std::uint64_t x = seed ^ rotl(hash_name(name), 17);
    m_seed = splitmix64(x);
    std::uint64_t y = m_seed;
    for (auto& s : m_s)
        s = splitmix64(y);
}

std::uint64_t RngStream::next_u64() {
    const std::uint64_t result = rotl(m_s[0] + m_s[3], 23) + m_s[0];
    const std::uint64_t t = m_s[1] << 17;
    m_s[2] ^= m_s[0];
    m_s[3] ^= m_s[1];
    m_s[1] ^= m_s[2];
    m_s[0] ^= m_s[3];
    m_s[2] ^= t;
    m_s[3] = rotl(m_s[3], 45);
    return result;
}

double RngStream::uniform() {
    return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

double RngStream::normal() {
    if (m_has_spare) {
        m_has_spare = false;
        return m_spare;
    }
    double u1 = uniform();
    while (u1 <= 0.0)
        u1 = uniform();
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double theta = 6.283185307179586 * u2;
    m_spare = r * std::sin(theta);
    m_has_spare = true;
    return r * std::cos(theta);
}

std::uint64_t RngStream::below(std::uint64_t n) {
    if (n == 0) return 0;
    // Rejection sampling keeps the draw unbiased.
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
    std::uint64_t v;
    do {
        v = next_u64();
    } while (v >= limit);
    return v % n;
}

RngStream RngStream::derive(std::string_view name) const {
    return RngStream(m_seed, name);
}

} // namespace neurotlm
