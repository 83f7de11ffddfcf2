#include "neurotlm/blocks/router/wire_activity.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace neurotlm {

namespace {
constexpr unsigned kWordBits = 64;

std::uint64_t low_mask(unsigned n) {
    return n >= kWordBits ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
}

/// Set bits of a word, without a call into the compiler's runtime (the portable build has no
/// popcount instruction).
inline unsigned popcount(std::uint64_t v) {
    v = v - ((v >> 1) & 0x5555555555555555ULL);
    v = (v & 0x3333333333333333ULL) + ((v >> 2) & 0x3333333333333333ULL);
    v = (v + (v >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return static_cast<unsigned>((v * 0x0101010101010101ULL) >> 56);
}

/// Wires that change when @p n words of wires go from @p state to @p next, and state = next:
/// with the processor's popcount instruction where it has one (every x86-64 since 2008), else
/// the portable count. The same count either way.
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("popcnt"))) std::uint64_t
flip_words_popcnt(std::uint64_t* state, const std::uint64_t* next, std::size_t n) {
    std::uint64_t c = 0;
    for (std::size_t w = 0; w < n; ++w) {
        c += static_cast<std::uint64_t>(__builtin_popcountll(state[w] ^ next[w]));
        state[w] = next[w];
    }
    return c;
}
#endif

std::uint64_t flip_words_portable(std::uint64_t* state, const std::uint64_t* next, std::size_t n) {
    std::uint64_t c = 0;
    for (std::size_t w = 0; w < n; ++w) {
        c += popcount(state[w] ^ next[w]);
        state[w] = next[w];
    }
    return c;
}

using FlipWords = std::uint64_t (*)(std::uint64_t*, const std::uint64_t*, std::size_t);
FlipWords flip_words() {
#if defined(__x86_64__) && defined(__GNUC__)
    static const FlipWords f =
        __builtin_cpu_supports("popcnt") ? flip_words_popcnt : flip_words_portable;
    return f;
#else
    return flip_words_portable;
#endif
}

/// std::round(v) (half away from zero) for |v| < 2^62, inline: the truncation and the
/// remainder are exact there.
inline double round_half_away(double v) {
    const double t = static_cast<double>(static_cast<std::int64_t>(v));
    const double d = v - t;
    return d >= 0.5 ? t + 1.0 : d <= -0.5 ? t - 1.0 : t;
}

/// Appends values of a few bits to a stream of words, LSB first.
struct BitWriter {
    std::vector<std::uint64_t>& words;
    std::uint64_t acc = 0;
    unsigned filled = 0;
    /// @p value holds no bits above @p nbits (1..64).
    void put(std::uint64_t value, unsigned nbits) {
        acc |= value << filled;
        if (filled + nbits >= kWordBits) {
            words.push_back(acc);
            acc = filled == 0 ? 0 : value >> (kWordBits - filled);
            filled = filled + nbits - kWordBits;
        } else {
            filled += nbits;
        }
    }
    void finish() {
        if (filled > 0) words.push_back(acc);
    }
};
} // namespace

WireActivity::WireActivity(unsigned wires)
    : m_wires(wires), m_state((wires + kWordBits - 1) / kWordBits, 0) {
    if (wires == 0) throw std::invalid_argument("WireActivity: a bus needs at least one wire");
}

double WireActivity::activity() const {
    return m_bits == 0 ? 0.0 : static_cast<double>(m_transitions) / static_cast<double>(m_bits);
}

std::uint64_t WireActivity::send(const unsigned char* data, std::size_t len,
                                 const ElementWidth& width) {
    // The transfer's bits in order, LSB first, then cut into beats of one bit per wire.
    std::vector<std::uint64_t>& s = m_stream;
    s.clear();
    std::uint64_t total = 0;
    if (!width.packed()) {
        // Bytes as they are: on a little-endian machine a word of the stream is eight of them.
        total = static_cast<std::uint64_t>(len) * 8;
        s.assign((len + 7) / 8, 0);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (len > 0) std::memcpy(s.data(), data, len);
#else
        for (std::size_t i = 0; i < len; ++i)
            s[i / 8] |= static_cast<std::uint64_t>(data[i]) << (8 * (i % 8));
#endif
    } else {
        const std::size_t n = len / width.element_bytes;
        const unsigned bits = std::min(width.bits, kWordBits);
        total = static_cast<std::uint64_t>(n) * bits;
        s.reserve(static_cast<std::size_t>((total + kWordBits - 1) / kWordBits) + 1);
        BitWriter out{s};
        if (width.element_bytes == sizeof(float)) {
            auto at = [&](std::size_t e) {
                float x;
                std::memcpy(&x, data + e * sizeof(float), sizeof x);
                return x;
            };
            float top = 0.0f;
            bool negative = false;
            for (std::size_t e = 0; e < n; ++e) {
                const float x = at(e);
                if (!std::isfinite(x)) continue;
                top = std::max(top, std::fabs(x));
                negative = negative || x < 0.0f;
            }
            const unsigned magnitude_bits = negative ? bits - 1 : bits;
            const double full = magnitude_bits == 0 ? 0.0 : std::ldexp(1.0, magnitude_bits) - 1.0;
            const bool inline_round = magnitude_bits <= 62;
            const std::uint64_t mask = low_mask(bits);
            for (std::size_t e = 0; e < n; ++e) {
                const float x = at(e);
                double q = 0.0;
                if (top > 0.0f && std::isfinite(x)) {
                    const double v = x / top * full;
                    q = inline_round ? round_half_away(v) : std::round(v);
                }
                // Two's complement of a negative code (|q| < 2^63 then); a non-negative one may
                // reach 2^64 - 1 at 64 bits.
                // (2^64 - 1 rounds to 2^64 in double: the top code then).
                constexpr double k2p64 = 18446744073709551616.0;
                const std::uint64_t code =
                    q < 0.0     ? static_cast<std::uint64_t>(static_cast<std::int64_t>(q))
                    : q < k2p64 ? static_cast<std::uint64_t>(q)
                                : ~std::uint64_t{0};
                out.put(code & mask, bits);
            }
        } else {
            for (std::size_t e = 0; e < n; ++e) {
                std::uint64_t raw = 0;
                std::memcpy(&raw, data + e * width.element_bytes,
                            std::min<std::size_t>(width.element_bytes, sizeof raw));
                out.put(raw & low_mask(bits), bits);
            }
        }
        out.finish();
    }
    s.push_back(0); // one word past the end: a beat's last word may read into it

    // Beat by beat: the wires a beat drives take its bits, the others keep their value (a short
    // last beat); count the wires that change.
    std::uint64_t counted = 0;
    const unsigned words = static_cast<unsigned>(m_state.size());
    std::uint64_t start = 0;
    if (m_wires % kWordBits == 0) {
        // Whole words per beat: every full beat is the stream's next words as they are.
        const FlipWords flip = flip_words();
        for (; start + m_wires <= total; start += m_wires)
            counted += flip(m_state.data(), s.data() + start / kWordBits, words);
    }
    for (; start < total; start += m_wires) {
        const std::uint64_t driven = std::min<std::uint64_t>(m_wires, total - start);
        for (unsigned w = 0; w < words; ++w) {
            const std::uint64_t first = static_cast<std::uint64_t>(w) * kWordBits;
            if (driven <= first) break;
            const unsigned here =
                static_cast<unsigned>(std::min<std::uint64_t>(driven - first, kWordBits));
            const std::uint64_t at = start + first;
            const std::size_t q = static_cast<std::size_t>(at / kWordBits);
            const unsigned r = static_cast<unsigned>(at % kWordBits);
            std::uint64_t value = s[q] >> r;
            if (r != 0 && q + 1 < s.size()) value |= s[q + 1] << (kWordBits - r);
            const std::uint64_t mask = low_mask(here);
            const std::uint64_t next = (value & mask) | (m_state[w] & ~mask);
            counted += popcount(next ^ m_state[w]);
            m_state[w] = next;
        }
    }
    m_bits += total;
    m_transitions += counted;
    return counted;
}

} // namespace neurotlm
