// Router: decoding, address translation for debug and DMI, occupancy.

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/blocks/crossbar/tile_registers.h"
#include "neurotlm/blocks/hopfield/array_registers.h"
#include "neurotlm/blocks/router/router_module.h"
#include "neurotlm/devices/technology.h"
#include "neurotlm/topology/platform.h"
#include "testing/platforms.h"

using namespace neurotlm;
using neurotlm::testing::config_from;
using neurotlm::testing::run_job;
using neurotlm::testing::tile_platform;

TEST(Router, DebugTransportReachesTheTargetWithAPlainPayload) {
    Platform p(config_from(tile_platform(2, 8, 8)));
    run_job(p, [](Controller& c) {
        // A default payload: streaming width 0, no byte enables, as debuggers send.
        tlm::tlm_generic_payload t;
        std::uint32_t id = 0;
        t.set_command(tlm::TLM_READ_COMMAND);
        t.set_address(0x10400000 + regmap::ID.offset); // tile1
        t.set_data_ptr(reinterpret_cast<unsigned char*>(&id));
        t.set_data_length(4);
        EXPECT_EQ(c.out->transport_dbg(t), 4u);
        EXPECT_EQ(id, regmap::kIdMagic);
        EXPECT_EQ(t.get_address(), 0x10400000u + regmap::ID.offset); // restored after translation
    });
}

TEST(Router, DmiRangesAreClippedToTheTargetsWindowWithoutWrapping) {
    Platform p(config_from(tile_platform(2, 8, 8)));
    run_job(p, [](Controller& c) {
        tlm::tlm_generic_payload t;
        t.set_command(tlm::TLM_READ_COMMAND);
        t.set_address(0x10400000 + crossbar::regs::INPUT.offset);
        tlm::tlm_dmi dmi;
        // Tiles grant no DMI; the denial's range, as a target reports it ([0, ~0]), must come
        // back clipped to tile1's window, not wrapped around.
        EXPECT_FALSE(c.out->get_direct_mem_ptr(t, dmi));
        EXPECT_EQ(dmi.get_start_address(), 0x10400000u);
        EXPECT_EQ(dmi.get_end_address(), 0x10400000u + (4u << 20) - 1);
    });
}

TEST(Router, TransfersQueueBehindEachOther) {
    Platform p(config_from(tile_platform(1, 8, 8)));
    run_job(p, [](Controller& c) {
        std::uint32_t v[32] = {}; // the whole weights window of an 8 x 4 tile
        auto send = [&](sc_core::sc_time& delay) {
            tlm::tlm_generic_payload t;
            t.set_command(tlm::TLM_WRITE_COMMAND);
            t.set_address(0x10000000 + crossbar::regs::WEIGHTS.offset);
            t.set_data_ptr(reinterpret_cast<unsigned char*>(v));
            t.set_data_length(sizeof v);
            t.set_streaming_width(sizeof v);
            c.out->b_transport(t, delay);
            EXPECT_TRUE(t.is_response_ok());
        };
        // Two 128-byte writes issued at the same local time: the second waits for the first.
        sc_core::sc_time d1 = sc_core::SC_ZERO_TIME, d2 = sc_core::SC_ZERO_TIME;
        send(d1);
        send(d2);
        // Default router at 1 GHz: 2 hop cycles + 4 beats of 32 bytes = 6 ns on the bus, then the
        // tile's window write (1 access cycle + 3 more beats) = 4 ns. The second transfer waits
        // 6 ns for the bus first.
        EXPECT_EQ(d1, sc_core::sc_time(10, sc_core::SC_NS));
        EXPECT_EQ(d2, sc_core::sc_time(16, sc_core::SC_NS));
    });
}

namespace {
/// Two 8 x 8 tiles on a bus at 22 nm, the router's parameters @p bus merged in.
json wired_platform(json bus) {
    json doc = tile_platform(2, 8, 8);
    doc["technology"] = "22nm";
    doc["components"][1].merge_patch(bus);
    return doc;
}
constexpr std::uint64_t kRouterTile0 = 0x10000000, kRouterTile1 = 0x10400000;
} // namespace

TEST(Router, AWireChangeCostsHalfItsCVSquaredAndChangesAreCounted) {
    // 1 mm of wire at 22 nm: a rise draws 0.2 fF/um x 1 mm x (0.8 V)^2 = 128 fJ, a fall
    // nothing: 64 fJ a change.
    Platform p(config_from(wired_platform({{"wire_length", "1 mm"}})));
    const auto* bus = dynamic_cast<const Router*>(p.find("bus"));
    ASSERT_NE(bus, nullptr);
    ASSERT_TRUE(bus->measures_activity());
    const double by_hand = 0.5 * 0.2e-15 / 1e-6 * 1e-3 * 0.8 * 0.8;
    EXPECT_NEAR(bus->energy_per_change_J(), by_hand, 1e-22);
    EXPECT_NEAR(by_hand, 64e-15, 1e-22);
    run_job(p, [](Controller& c) {
        // 128 bytes of ones: four beats on 256 wires; the first raises every wire, the others
        // change nothing. Then 32 bytes of zeros: every wire falls.
        std::vector<std::uint32_t> ones(32, 0xFFFFFFFFu), zeros(8, 0u);
        c.write(kRouterTile0 + crossbar::regs::WEIGHTS.offset, ones.data(), 128);
        c.write(kRouterTile0 + crossbar::regs::WEIGHTS.offset, zeros.data(), 32);
    });
    const ActionRecord* a = bus->ledger().find("wire_change");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->energy_class, energy_class::interconnect);
    EXPECT_EQ(a->count, 2u * 256);
    EXPECT_NEAR(a->energy_J, 512 * by_hand, 1e-20);
    StatSet stats;
    bus->collect_stats(stats);
    EXPECT_EQ(stats.find("bits")->value, 160.0 * 8);
    EXPECT_DOUBLE_EQ(stats.find("activity")->value, 512.0 / 1280.0);
}

TEST(Router, AFixedToggleChargesEveryBitAlike) {
    Platform p(config_from(wired_platform({{"wire_length", "1 mm"}, {"toggle", 0.5}})));
    const auto* bus = dynamic_cast<const Router*>(p.find("bus"));
    ASSERT_FALSE(bus->measures_activity());
    EXPECT_NEAR(bus->energy_per_bit_J(), 0.5 * 64e-15, 1e-22);
    run_job(p, [](Controller& c) {
        std::uint32_t v[32] = {};
        c.write(kRouterTile0 + crossbar::regs::WEIGHTS.offset, v, sizeof v);
    });
    const ActionRecord* a = bus->ledger().find("transfer_bit");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->count, 128u * 8);
    EXPECT_NEAR(a->energy_J, 1024 * 32e-15, 1e-20);
}

TEST(Router, AWrittenEnergyPerBitWins) {
    Platform p(config_from(wired_platform({{"energy_per_bit", "0.1 pJ"}})));
    const auto* bus = dynamic_cast<const Router*>(p.find("bus"));
    EXPECT_EQ(bus->energy_per_bit_J(), 0.1e-12);
}

TEST(Router, WireLengthFollowsAnHTreeOverTheTargetsAndAreaIsItsWiresAndGates) {
    // Two tiles and a 4 KiB buffer: three leaves, a tree of two levels over a square of their
    // summed area. A bit crosses half a bar of each: side / 4 + side / 4.
    json doc = wired_platform(json::object());
    doc["components"].push_back({{"name", "buf"}, {"type", "buffer"}, {"capacity", "4 KiB"}});
    doc["connections"].push_back({{"from", "bus.out"}, {"to", "buf.in"}});
    Platform p(config_from(doc));
    const auto* bus = dynamic_cast<const Router*>(p.find("bus"));
    const Technology& t = *Technology::preset("22nm");
    const double area =
        p.find("tile0")->area_m2() + p.find("tile1")->area_m2() + p.find("buf")->area_m2();
    const double side = std::sqrt(area);
    EXPECT_GT(side, 0.0);
    EXPECT_NEAR(bus->targets_area_m2(), area, 1e-24);
    EXPECT_NEAR(bus->wire_length_m(), side / 2, 1e-15);
    // Bars: one of side / 2, then two of side / 2.
    EXPECT_NEAR(bus->tree_length_m(), 1.5 * side, 1e-15);
    EXPECT_NEAR(bus->energy_per_change_J(), 0.5 * t.wire_energy_J(side / 2), 1e-24);
    // 32 bytes = 256 wires at 2 x 22 nm pitch along the tree, plus the decode (64 gates per
    // range) and a 256-bit beat register.
    const double gates = 64 * 3 + 256 * 5.7;
    EXPECT_NEAR(bus->area_m2(), 1.5 * side * 256 * 44e-9 + gates * t.gate_area_m2, 1e-20);
    EXPECT_GT(bus->area_m2(), 0.0);
    run_job(p, [](Controller&) {});
    EXPECT_DOUBLE_EQ(bus->ledger().leakage_power_W(), gates * t.gate_leakage_W);
    EXPECT_GT(bus->ledger().leakage_power_W(), 0.0);
}

TEST(Router, ElementsAreChargedAtTheirHardwareWidth) {
    Platform p(config_from(wired_platform(json::object())));
    const auto* bus = dynamic_cast<const Router*>(p.find("bus"));
    std::vector<float> x(8, 1.0f), back(8, 0.0f);
    run_job(p, [&](Controller& c) {
        // 8 float32 values that are 8-bit activations in hardware: 64 bits, not 256.
        c.write_as(kRouterTile0 + crossbar::regs::INPUT.offset, x.data(), 32, ElementWidth{4, 8});
        c.read(kRouterTile0 + crossbar::regs::INPUT.offset, back.data(), 32);
    });
    EXPECT_EQ(back, x); // the functional bytes are untouched
    StatSet stats;
    bus->collect_stats(stats);
    EXPECT_EQ(stats.find("bits")->value, 64.0 + 256.0);
    // The write goes as eight codes 255 (the largest value at full scale): 64 wires rise.
    const ActionRecord* changes = bus->ledger().find("wire_change");
    ASSERT_NE(changes, nullptr);
    EXPECT_GE(changes->count, 64u);
}

TEST(Router, AMulticastCrossesTheWiresOnceAndReachesEveryTarget) {
    Platform p(config_from(wired_platform(json::object())));
    const auto* bus = dynamic_cast<const Router*>(p.find("bus"));
    std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8}, in0(8), in1(8);
    run_job(p, [&](Controller& c) {
        c.multicast_write({kRouterTile0 + crossbar::regs::INPUT.offset,
                           kRouterTile1 + crossbar::regs::INPUT.offset},
                          x.data(), 32);
        c.read(kRouterTile0 + crossbar::regs::INPUT.offset, in0.data(), 32);
        c.read(kRouterTile1 + crossbar::regs::INPUT.offset, in1.data(), 32);
    });
    EXPECT_EQ(in0, x);
    EXPECT_EQ(in1, x);
    // The write once (256 bits), then the two reads.
    StatSet stats;
    bus->collect_stats(stats);
    EXPECT_EQ(stats.find("bits")->value, 3.0 * 256);
    EXPECT_EQ(stats.find("multicasts")->value, 1.0);
    EXPECT_EQ(stats.find("multicast_deliveries")->value, 2.0);
    EXPECT_EQ(stats.find("bytes")->value, 3.0 * 32);
}

TEST(Router, AMulticastWithAnAddressOutsideEveryRangeIsRefusedWhole) {
    Platform p(config_from(wired_platform(json::object())));
    std::vector<float> x(8, 2.0f), in0(8, 0.0f);
    bool refused = false;
    run_job(p, [&](Controller& c) {
        try {
            c.multicast_write({kRouterTile0 + crossbar::regs::INPUT.offset, 0x70000000}, x.data(),
                              32);
        } catch (const BusError&) {
            refused = true;
        }
        c.read(kRouterTile0 + crossbar::regs::INPUT.offset, in0.data(), 32);
    });
    EXPECT_TRUE(refused);
    EXPECT_EQ(in0, std::vector<float>(8, 0.0f));
}
