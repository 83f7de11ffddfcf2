// The bus's wire changes against beats worked out by hand.
#include "neurotlm/blocks/router/wire_activity.h"

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
