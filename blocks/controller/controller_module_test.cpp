// The Controller on its own (no platform file): the digital work it books, the job it runs on
// its thread, failures handed back to the caller, its transactions and the quantum it keeps.
// The global quantum is set here as the platform sets it (src/topology/platform.cpp).

#include <cstring>
#include <map>
#include <stdexcept>

#include <gtest/gtest.h>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "neurotlm/blocks/controller/controller_module.h"
#include "neurotlm/blocks/controller/nonlinear_unit.h"
#include "neurotlm/core/stop.h"
#include "neurotlm/devices/technology.h"
#include "testing/bench.h"

using namespace neurotlm;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

/// A memory that takes 5 ns per access and refuses address 0xBAD.
struct Sink : sc_core::sc_module {
    tlm_utils::simple_target_socket<Sink> in;
    std::map<std::uint64_t, std::uint32_t> words;
    std::uint64_t accesses = 0;

    explicit Sink(const sc_core::sc_module_name& name) : sc_core::sc_module(name), in("in") {
        in.register_b_transport(this, &Sink::b_transport);
    }
    void b_transport(tlm::tlm_generic_payload& t, sc_time& delay) {
        ++accesses;
        if (t.get_address() == 0xBAD || t.get_data_length() != 4) {
            t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        std::uint32_t& w = words[t.get_address()];
        if (t.is_write())
            std::memcpy(&w, t.get_data_ptr(), 4);
        else
            std::memcpy(t.get_data_ptr(), &w, 4);
        delay += sc_time(5, SC_NS);
        t.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

/// A controller at 500 MHz (2 ns a cycle) with 8 SIMD lanes and round energies, wired to a Sink.
struct Rig {
    Params params;
    Controller ctrl;
    Sink sink;
    explicit Rig(double quantum_s = 1e-6)
        : params(neurotlm::testing::bench_params({{"clock", "500 MHz"},
                                                  {"simd_lanes", 8},
                                                  {"accumulate_energy", "2 pJ"},
                                                  {"activation_energy", "3 pJ"},
                                                  {"compare_energy", "0.5 pJ"}},
                                                 Controller::param_table())),
          ctrl("ctrl", params, ComponentContext{}), sink("sink") {
        ctrl.out.bind(sink.in);
        tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_time(quantum_s, sc_core::SC_SEC));
    }
    void run() {
        sc_core::sc_start();
        ctrl.rethrow_if_failed();
    }
};

} // namespace

TEST(Controller, DigitalWorkBooksCountTimesEnergyAndCeilCountOverLanesCycles) {
    Rig rig;
    sc_time after_acc, after_act, after_cmp, after_nothing;
    rig.ctrl.set_job([&](Controller& c) {
        c.digital(DigitalOp::accumulate, 17); // ceil(17 / 8) = 3 cycles
        after_acc = c.now();
        c.digital(DigitalOp::activation, 8); // 1 cycle
        after_act = c.now();
        c.digital(DigitalOp::compare, 9); // 2 cycles
        after_cmp = c.now();
        c.digital(DigitalOp::compare, 0); // nothing
        after_nothing = c.now();
    });
    rig.run();
    EXPECT_EQ(after_acc, sc_time(6, SC_NS));
    EXPECT_EQ(after_act, sc_time(8, SC_NS));
    EXPECT_EQ(after_cmp, sc_time(12, SC_NS));
    EXPECT_EQ(after_nothing, after_cmp);
    EXPECT_DOUBLE_EQ(rig.ctrl.end_time_s(), 12e-9);
    EXPECT_EQ(rig.ctrl.busy_time(), sc_time(12, SC_NS));

    const ActionRecord* acc = rig.ctrl.ledger().find("accumulate");
    const ActionRecord* act = rig.ctrl.ledger().find("activation");
    const ActionRecord* cmp = rig.ctrl.ledger().find("compare");
    ASSERT_TRUE(acc && act && cmp);
    EXPECT_EQ(acc->count, 17u);
    EXPECT_NEAR(acc->energy_J, 17 * 2e-12, 1e-24);
    EXPECT_EQ(act->count, 8u);
    EXPECT_NEAR(act->energy_J, 8 * 3e-12, 1e-24);
    EXPECT_EQ(cmp->count, 9u);
    EXPECT_NEAR(cmp->energy_J, 9 * 0.5e-12, 1e-24);
}

TEST(Controller, DefaultEnergiesAreIntegerAddersOfTheTechnology) {
    // A 16-bit accumulation at 22 nm is 16 full adders of that node; an 8-bit activation 8 of
    // them; a 24-bit comparison (the default width) 24. The full adder at 22 nm, 0.8 V is
    // Horowitz's 45 nm, 0.9 V bit (0.1 pJ / 32) x 22/45 x (0.8/0.9)^2.
    const Technology& t22 = *Technology::preset("22nm");
    EXPECT_NEAR(t22.full_adder_energy_J, 0.1e-12 / 32 * 22.0 / 45.0 * (0.8 / 0.9) * (0.8 / 0.9),
                1e-24);
    ComponentContext ctx;
    ctx.technology = &t22;
    const Params p =
        neurotlm::testing::bench_params({{"accumulate_bits", 16}}, Controller::param_table());
    Controller ctrl("ctrl22", p, ctx);
    const ActionRecord* acc = ctrl.ledger().find("accumulate");
    const ActionRecord* act = ctrl.ledger().find("activation");
    const ActionRecord* cmp = ctrl.ledger().find("compare");
    ASSERT_TRUE(acc && act && cmp);
    EXPECT_DOUBLE_EQ(acc->energy_per_action_J, 16 * t22.full_adder_energy_J);
    EXPECT_DOUBLE_EQ(act->energy_per_action_J, 8 * t22.full_adder_energy_J);
    EXPECT_DOUBLE_EQ(cmp->energy_per_action_J, 24 * t22.full_adder_energy_J);
    EXPECT_EQ(acc->energy_class, energy_class::shift_add);
    EXPECT_EQ(act->energy_class, energy_class::activation);
    EXPECT_EQ(cmp->energy_class, energy_class::activation);
    // The datapath: 32 lanes x (16 x (full adder + flip-flop) + 8 x full adder) gates.
    const double gates = 32 * (16 * (5.3 + 5.7) + 8 * 5.3);
    EXPECT_DOUBLE_EQ(ctrl.datapath_gates(), gates);
    EXPECT_DOUBLE_EQ(ctrl.area_m2(), gates * t22.gate_area_m2);
    EXPECT_GT(ctrl.area_m2(), 0.0);
    EXPECT_DOUBLE_EQ(ctrl.ledger().leakage_power_W(), gates * t22.gate_leakage_W);
    EXPECT_GT(ctrl.ledger().leakage_power_W(), 0.0);
}

TEST(Controller, SigmoidLikeActivationsUseTheNonlinearUnitWhichThenCountsInAreaAndLeakage) {
    // 8 lanes at 500 MHz; a piecewise-linear unit takes two cycles per evaluation.
    Params p = neurotlm::testing::bench_params(
        {{"clock", "500 MHz"}, {"simd_lanes", 8}, {"nonlinear", {{"kind", "pwl"}}}},
        Controller::param_table());
    Controller ctrl("ctrl_nl", p, ComponentContext{});
    Sink sink("sink_nl");
    ctrl.out.bind(sink.in);
    const Technology& t = *Technology::preset(Technology::default_preset());
    NonlinearUnitSpec pwl;
    pwl.kind = NonlinearKind::pwl;
    const double before_gates = ctrl.datapath_gates();
    EXPECT_DOUBLE_EQ(ctrl.area_m2(), before_gates * t.gate_area_m2);
    sc_time after;
    ctrl.set_job([&](Controller& c) {
        c.digital(DigitalOp::nonlinear, 17); // ceil(17 / 8) = 3 issue cycles + 1 to drain
        after = c.now();
    });
    sc_core::sc_start();
    ctrl.rethrow_if_failed();
    EXPECT_EQ(after, sc_time(8, SC_NS));
    const ActionRecord* nl = ctrl.ledger().find("nonlinear");
    ASSERT_NE(nl, nullptr);
    EXPECT_EQ(nl->count, 17u);
    EXPECT_EQ(nl->energy_class, energy_class::activation);
    EXPECT_DOUBLE_EQ(nl->energy_per_action_J, pwl.energy_J(t));
    // Eight units now exist.
    EXPECT_DOUBLE_EQ(ctrl.datapath_gates(), before_gates + 8 * pwl.gates());
    EXPECT_DOUBLE_EQ(ctrl.area_m2(), ctrl.datapath_gates() * t.gate_area_m2);
    EXPECT_DOUBLE_EQ(ctrl.ledger().leakage_power_W(), ctrl.datapath_gates() * t.gate_leakage_W);
}

TEST(Controller, WrittenEnergiesAndLeakageWinOverTheTechnology) {
    ComponentContext ctx;
    ctx.technology = Technology::preset("22nm");
    const Params p = neurotlm::testing::bench_params(
        {{"accumulate_energy", "0.9 pJ"}, {"leakage", 0}}, Controller::param_table());
    Controller ctrl("ctrl_own", p, ctx);
    EXPECT_DOUBLE_EQ(ctrl.ledger().find("accumulate")->energy_per_action_J, 0.9e-12);
    EXPECT_EQ(ctrl.ledger().leakage_power_W(), 0.0);
    // Not written: from the technology.
    EXPECT_DOUBLE_EQ(ctrl.ledger().find("compare")->energy_per_action_J,
                     24 * ctx.technology->full_adder_energy_J);
}

TEST(Controller, TheJobRunsAndFinishes) {
    Rig rig;
    bool ran = false;
    EXPECT_FALSE(rig.ctrl.finished());
    rig.ctrl.set_job([&](Controller&) { ran = true; });
    rig.run();
    EXPECT_TRUE(ran);
    EXPECT_TRUE(rig.ctrl.finished());
    EXPECT_FALSE(rig.ctrl.stopped_early());
    EXPECT_NO_THROW(rig.ctrl.rethrow_if_failed());
}

TEST(Controller, AnExceptionInTheJobIsRethrownToTheCaller) {
    Rig rig;
    rig.ctrl.set_job([](Controller& c) {
        c.digital(DigitalOp::accumulate, 8);
        throw std::runtime_error("job failed on purpose");
    });
    sc_core::sc_start();
    EXPECT_FALSE(rig.ctrl.finished());
    try {
        rig.ctrl.rethrow_if_failed();
        FAIL() << "nothing rethrown";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "job failed on purpose");
    }
    // The time up to the failure is still accounted.
    EXPECT_DOUBLE_EQ(rig.ctrl.end_time_s(), 2e-9);
}

TEST(Controller, TransactionsCarryTheTargetsDelayAndFailuresThrowBusError) {
    Rig rig;
    std::uint32_t back = 0;
    sc_time after_two;
    std::string error;
    rig.ctrl.set_job([&](Controller& c) {
        c.write32(0x40, 0xCAFE);
        back = c.read32(0x40);
        after_two = c.now();
        try {
            c.read32(0xBAD);
        } catch (const BusError& e) {
            error = e.what();
        }
    });
    rig.run();
    EXPECT_EQ(back, 0xCAFEu);
    EXPECT_EQ(after_two, sc_time(10, SC_NS)); // two accesses of 5 ns
    EXPECT_NE(error.find("0xbad"), std::string::npos) << error;
    EXPECT_NE(error.find("read"), std::string::npos) << error;
    EXPECT_EQ(rig.sink.accesses, 3u);
}

TEST(Controller, RunsAheadOfTheKernelByLessThanOneQuantum) {
    Rig rig(100e-9); // a 100 ns quantum
    sc_time kernel_after_small, local_after_small, kernel_after_big, local_after_big;
    rig.ctrl.set_job([&](Controller& c) {
        c.digital(DigitalOp::accumulate, 8 * 10); // 10 cycles = 20 ns: within the quantum
        kernel_after_small = sc_core::sc_time_stamp();
        local_after_small = c.now();
        c.digital(DigitalOp::accumulate, 8 * 50); // 100 ns more: past the quantum, so it syncs
        kernel_after_big = sc_core::sc_time_stamp();
        local_after_big = c.now();
    });
    rig.run();
    EXPECT_EQ(kernel_after_small, sc_core::SC_ZERO_TIME);
    EXPECT_EQ(local_after_small, sc_time(20, SC_NS));
    EXPECT_EQ(local_after_big, sc_time(120, SC_NS));
    EXPECT_EQ(kernel_after_big, local_after_big);
}

TEST(Controller, SeesAStopRequestWithinTheQuantum) {
    // A quantum of one second can hold a whole run: a stop must not wait for its end.
    Rig rig(1.0);
    bool seen_before = true, seen_after = false;
    rig.ctrl.set_job([&](Controller& c) {
        c.digital(DigitalOp::accumulate, 8);
        seen_before = c.stop_seen();
        request_stop();
        c.digital(DigitalOp::accumulate, 8); // 2 ns, far from the quantum's end
        seen_after = c.stop_seen();
    });
    rig.run();
    clear_stop_request();
    EXPECT_FALSE(seen_before);
    EXPECT_TRUE(seen_after);
    EXPECT_TRUE(rig.ctrl.stopped_early());
    EXPECT_TRUE(rig.ctrl.finished());
}
