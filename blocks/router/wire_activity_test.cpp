// The bus's wire changes against beats worked out by hand.
#include "neurotlm/blocks/router/wire_activity.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace neurotlm {
namespace {

std::uint64_t send_bytes(WireActivity& bus, std::vector<unsigned char> bytes) {
    return bus.send(bytes.data(), bytes.size(), ElementWidth{});
}

std::uint64_t send_floats(WireActivity& bus, std::vector<float> v, unsigned bits) {
    return bus.send(reinterpret_cast<const unsigned char*>(v.data()), v.size() * sizeof(float),
                    ElementWidth{sizeof(float), bits});
}

TEST(WireActivity, RawBytesChangeTheWiresTheyFlip) {
    WireActivity bus(8);
    EXPECT_EQ(send_bytes(bus, {0xFF, 0x00, 0xFF}), 24u); // three beats, every wire each time
    EXPECT_EQ(send_bytes(bus, {0xFF}), 0u);              // the same value again: nothing moves
    EXPECT_EQ(send_bytes(bus, {0x0F}), 4u);
    EXPECT_EQ(bus.transitions(), 28u);
    EXPECT_EQ(bus.bits(), 40u);
    EXPECT_DOUBLE_EQ(bus.activity(), 28.0 / 40.0);
}

TEST(WireActivity, WiresAShortBeatDoesNotDriveKeepTheirValue) {
    WireActivity bus(16);
    EXPECT_EQ(send_bytes(bus, {0xFF}), 8u);        // wires 8-15 stay 0
    EXPECT_EQ(send_bytes(bus, {0x00, 0xFF}), 16u); // 0-7 fall, 8-15 rise
    EXPECT_EQ(send_bytes(bus, {0x00}), 0u);        // 0-7 already 0; 8-15 keep 1
    EXPECT_EQ(send_bytes(bus, {0x00, 0x00}), 8u);
}

TEST(WireActivity, BeatsWiderThanAWordAndWordsSplitAcrossBeats) {
    // 72 wires: 9 bytes a beat; 18 bytes of 0xFF are two identical beats.
    WireActivity wide(72);
    EXPECT_EQ(send_bytes(wide, std::vector<unsigned char>(18, 0xFF)), 72u);
    // 12 wires: 12-bit codes of 0xFFF then 0: every wire rises then falls.
    WireActivity odd(12);
    EXPECT_EQ(send_floats(odd, {1.0f, 0.0f}, 12), 24u);
}

TEST(WireActivity, ElementsGoAsTheirEstimatedCodes) {
    // Non-negative 8-bit elements scaled by the largest: 0, 0.5 and 1 become codes 0, 128 and
    // 255; on 32 wires that is one beat changing 0 + 1 + 8 wires.
    WireActivity bus(32);
    EXPECT_EQ(send_floats(bus, {0.0f, 0.5f, 1.0f, 0.0f}, 8), 9u);
    EXPECT_EQ(bus.bits(), 32u);
    // Signed 4-bit elements: -1 and 1 of largest 1 are -7 (1001) and 7 (0111).
    WireActivity s(8);
    EXPECT_EQ(send_floats(s, {-1.0f, 1.0f}, 4), 5u);
    // All zeros (a dead ReLU layer) move nothing; so do non-finite values.
    WireActivity z(32);
    EXPECT_EQ(send_floats(z, {0.0f, 0.0f, 0.0f, 0.0f}, 8), 0u);
    EXPECT_EQ(z.bits(), 32u);
}

/// The bit-by-bit formulation, written out as directly as possible: values pushed onto the
/// wires LSB first, a beat ending when every wire is driven (or at the end of the transfer, the
/// undriven wires keeping their value), the changed wires counted per beat.
class WireActivityByBits {
public:
    explicit WireActivityByBits(unsigned wires)
        : m_wires(wires), m_state(wires, 0), m_beat(wires, 0) {}
    std::uint64_t send(const unsigned char* data, std::size_t len, const ElementWidth& width) {
        m_counted = 0;
        if (!width.packed()) {
            for (std::size_t i = 0; i < len; ++i)
                push(data[i], 8);
        } else {
            const std::size_t n = len / width.element_bytes;
            const unsigned bits = std::min(width.bits, 64u);
            if (width.element_bytes == sizeof(float)) {
                std::vector<float> v(n);
                if (n > 0) std::memcpy(v.data(), data, n * sizeof(float));
                float top = 0.0f;
                bool negative = false;
                for (float x : v) {
                    if (!std::isfinite(x)) continue;
                    top = std::max(top, std::fabs(x));
                    negative = negative || x < 0.0f;
                }
                const unsigned magnitude_bits = negative ? bits - 1 : bits;
                const double full =
                    magnitude_bits == 0 ? 0.0 : std::ldexp(1.0, magnitude_bits) - 1.0;
                for (float x : v) {
                    const double q =
                        top > 0.0f && std::isfinite(x) ? std::round(x / top * full) : 0.0;
                    std::uint64_t code = ~std::uint64_t{0}; // 2^64 - 1 rounds up to 2^64
                    if (q < 0.0)
                        code = static_cast<std::uint64_t>(static_cast<std::int64_t>(q));
                    else if (q < 18446744073709551616.0)
                        code = static_cast<std::uint64_t>(q);
                    push(code, bits);
                }
            } else {
                for (std::size_t e = 0; e < n; ++e) {
                    std::uint64_t raw = 0;
                    std::memcpy(&raw, data + e * width.element_bytes,
                                std::min<std::size_t>(width.element_bytes, sizeof raw));
                    push(raw, bits);
                }
            }
        }
        if (m_pos > 0) end_beat(m_pos);
        return m_counted;
    }

private:
    void push(std::uint64_t value, unsigned nbits) {
        for (unsigned b = 0; b < nbits; ++b) {
            m_beat[m_pos++] = static_cast<unsigned char>((value >> b) & 1u);
            if (m_pos == m_wires) end_beat(m_wires);
        }
    }
    void end_beat(unsigned driven) {
        for (unsigned w = 0; w < driven; ++w) {
            m_counted += m_beat[w] != m_state[w] ? 1 : 0;
            m_state[w] = m_beat[w];
        }
        m_pos = 0;
    }
    unsigned m_wires;
    std::vector<unsigned char> m_state, m_beat;
    unsigned m_pos = 0;
    std::uint64_t m_counted = 0;
};

TEST(WireActivity, CountsWhatTheBitByBitFormulationCounts) {
    std::mt19937_64 gen(77);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (unsigned wires : {1u, 5u, 8u, 12u, 63u, 64u, 65u, 72u, 100u, 128u, 256u, 300u}) {
        WireActivity fast(wires);
        WireActivityByBits slow(wires);
        std::uint64_t total = 0;
        for (int t = 0; t < 60; ++t) {
            const std::size_t n = gen() % 70;
            const int kind = static_cast<int>(gen() % 4);
            ElementWidth width;
            std::vector<unsigned char> bytes;
            if (kind == 0) { // raw bytes
                bytes.resize(n * 3 + gen() % 5);
                for (auto& b : bytes)
                    b = static_cast<unsigned char>(gen());
            } else if (kind == 1 || kind == 2) { // floats at 1..64 bits (non-negative or signed)
                std::vector<float> v(n);
                for (auto& x : v) {
                    const auto r = gen() % 10;
                    x = r == 0 ? 0.0f : r == 1 ? -0.0f : kind == 1 ? std::fabs(u(gen)) : u(gen);
                    if (r == 2) x = std::nanf("");
                    if (r == 3) x = 0.5f; // exact half steps of the code scale
                }
                if (!v.empty() && gen() % 3 == 0) v[0] = 1.0f;
                bytes.resize(v.size() * sizeof(float));
                if (!v.empty()) std::memcpy(bytes.data(), v.data(), bytes.size());
                width = {sizeof(float), static_cast<unsigned>(1 + gen() % 64)};
            } else { // 2-byte elements at 1..16 bits
                bytes.resize(2 * n);
                for (auto& b : bytes)
                    b = static_cast<unsigned char>(gen());
                width = {2, static_cast<unsigned>(1 + gen() % 16)};
            }
            const std::uint64_t a = fast.send(bytes.data(), bytes.size(), width);
            const std::uint64_t b = slow.send(bytes.data(), bytes.size(), width);
            ASSERT_EQ(a, b) << wires << " wires, transfer " << t << " of kind " << kind;
            total += b;
        }
        EXPECT_EQ(fast.transitions(), total) << wires;
        EXPECT_GT(total, 0u) << wires;
    }
}

TEST(WireActivity, RandomDataChangesHalfTheWires) {
    WireActivity bus(256);
    std::vector<unsigned char> bytes(32 * 4096);
    std::uint32_t x = 12345;
    for (auto& b : bytes) {
        x = x * 1664525u + 1013904223u;
        b = static_cast<unsigned char>(x >> 24);
    }
    send_bytes(bus, bytes);
    EXPECT_NEAR(bus.activity(), 0.5, 0.01);
}

} // namespace
} // namespace neurotlm
