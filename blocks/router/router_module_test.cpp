// Router: decoding, address translation for debug and DMI, occupancy.

#include <gtest/gtest.h>

#include "neurotlm/blocks/crossbar/tile_registers.h"
#include "neurotlm/blocks/hopfield/array_registers.h"
#include "neurotlm/blocks/router/router_module.h"
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
