#include "neurotlm/blocks/router/wire_activity.h"

#include <algorithm>
#include <bitset>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace neurotlm {

namespace {
constexpr unsigned kWordBits = 64;

std::uint64_t low_mask(unsigned n) {
    return n >= kWordBits ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
}

int popcount(std::uint64_t v) {
    return static_cast<int>(std::bitset<kWordBits>(v).count());
}
} // namespace

WireActivity::WireActivity(unsigned wires)
    : m_wires(wires), m_state((wires + kWordBits - 1) / kWordBits, 0), m_beat(m_state.size(), 0) {
    if (wires == 0) throw std::invalid_argument("WireActivity: a bus needs at least one wire");
}

double WireActivity::activity() const {
    return m_bits == 0 ? 0.0 : static_cast<double>(m_transitions) / static_cast<double>(m_bits);
}

void WireActivity::end_beat(unsigned driven) {
    for (std::size_t w = 0; w < m_beat.size(); ++w) {
        // Wires at or past `driven` were not driven in this beat: they hold their value.
        const unsigned first = static_cast<unsigned>(w) * kWordBits;
        const unsigned here = driven > first ? std::min(driven - first, kWordBits) : 0u;
        const std::uint64_t mask = low_mask(here);
        const std::uint64_t next = (m_beat[w] & mask) | (m_state[w] & ~mask);
        m_counted += static_cast<std::uint64_t>(popcount(next ^ m_state[w]));
        m_state[w] = next;
        m_beat[w] = 0;
    }
    m_pos = 0;
}

void WireActivity::push(std::uint64_t value, unsigned nbits) {
    m_bits += nbits;
    while (nbits > 0) {
        const unsigned offset = m_pos % kWordBits;
        const unsigned take = std::min({nbits, m_wires - m_pos, kWordBits - offset});
        m_beat[m_pos / kWordBits] |= (value & low_mask(take)) << offset;
        value = take >= kWordBits ? 0 : value >> take;
        nbits -= take;
        m_pos += take;
        if (m_pos == m_wires) end_beat(m_wires);
    }
}

std::uint64_t WireActivity::send(const unsigned char* data, std::size_t len,
                                 const ElementWidth& width) {
    m_counted = 0;
    if (!width.packed()) {
        for (std::size_t i = 0; i < len; ++i)
            push(data[i], 8);
    } else {
        const std::size_t n = len / width.element_bytes;
        const unsigned bits = std::min(width.bits, kWordBits);
        if (width.element_bytes == sizeof(float)) {
            std::vector<float> v(n);
            std::memcpy(v.data(), data, n * sizeof(float));
            float top = 0.0f;
            bool negative = false;
            for (float x : v) {
                if (!std::isfinite(x)) continue;
                top = std::max(top, std::fabs(x));
                negative = negative || x < 0.0f;
            }
            const unsigned magnitude_bits = negative ? bits - 1 : bits;
            const double full = magnitude_bits == 0 ? 0.0 : std::ldexp(1.0, magnitude_bits) - 1.0;
            for (float x : v) {
                const double q = top > 0.0f && std::isfinite(x) ? std::round(x / top * full) : 0.0;
                const auto code = static_cast<std::int64_t>(q);
                push(static_cast<std::uint64_t>(code) & low_mask(bits), bits);
            }
        } else {
            for (std::size_t e = 0; e < n; ++e) {
                std::uint64_t raw = 0;
                std::memcpy(&raw, data + e * width.element_bytes,
                            std::min<std::size_t>(width.element_bytes, sizeof raw));
                push(raw & low_mask(bits), bits);
            }
        }
    }
    if (m_pos > 0) end_beat(m_pos);
    m_transitions += m_counted;
    return m_counted;
}

} // namespace neurotlm
