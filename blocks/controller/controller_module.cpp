#include "neurotlm/blocks/controller/controller_module.h"

#include "neurotlm/core/stop.h"
#include "neurotlm/modules/registry.h"

namespace neurotlm {

ParamTable Controller::param_table() {
    ParamTable t;
    // Energies: Horowitz, "Computing's energy problem", ISSCC 2014, 45 nm, 0.9 V:
    // 32-bit float add 0.9 pJ; 8-bit integer add 0.03 pJ, 32-bit 0.1 pJ.
    t.number("accumulate_energy", Unit::joule, "0.9 pJ",
             "energy of one partial-sum addition (default: 32-bit float add, Horowitz ISSCC 2014, "
             "45 nm)",
             0.0, 1e-6)
        .number("activation_energy", Unit::joule, "0.9 pJ",
                "energy of one activation function evaluation (default: one 32-bit float "
                "add/compare, Horowitz ISSCC 2014)",
                0.0, 1e-6)
        .number("compare_energy", Unit::joule, "0.1 pJ",
                "energy of one comparison (argmax, thresholds; default: 32-bit integer add, "
                "Horowitz ISSCC 2014)",
                0.0, 1e-6)
        .integer("simd_lanes", 32, "digital operations per cycle", 1, 65536)
        .number("leakage", Unit::watt, 0.0, "static power of the controller", 0.0, 1e3);
    add_common_params(t);
    return t;
}

Controller::Controller(const sc_core::sc_module_name& name, const Params& params,
                       const ComponentContext& context)
    : Block(name, params, context), out("out"),
      m_simd_lanes(static_cast<unsigned>(params.integer("simd_lanes"))) {
    m_act[static_cast<int>(DigitalOp::accumulate)] =
        ledger().declare("accumulate", params.number("accumulate_energy"), "partial-sum addition");
    m_act[static_cast<int>(DigitalOp::activation)] = ledger().declare(
        "activation", params.number("activation_energy"), "activation function evaluation");
    m_act[static_cast<int>(DigitalOp::compare)] =
        ledger().declare("compare", params.number("compare_energy"), "comparison");
    ledger().set_leakage_power(params.number("leakage"));
    SC_HAS_PROCESS(Controller);
    SC_THREAD(thread);
    // Workloads run on this thread's stack: give it room (the SystemC default is 64 KiB).
    set_stack_size(16 << 20);
}

bool Controller::bind_initiator(const std::string& name, TargetSocket& target, std::uint64_t,
                                std::uint64_t) {
    if (name != "out") return false;
    out.bind(target);
    return true;
}

void Controller::thread() {
    m_qk.reset();
    try {
        if (m_job) m_job(*this);
        m_finished = true;
    } catch (...) {
        m_failure = std::current_exception();
    }
    m_stopped_early = m_stop_seen;
    m_end_time_s = m_qk.get_current_time().to_seconds();
    m_qk.sync();
    sc_core::sc_stop();
}

void Controller::rethrow_if_failed() const {
    if (m_failure) std::rethrow_exception(m_failure);
}

void Controller::sync_if_needed() {
    if (m_qk.need_sync()) m_qk.sync();
    // Checked on every access, not only at quantum ends: with a long quantum (legal up to
    // seconds of simulated time) a whole run can fit in one, and a stop must still be seen
    // within one work item. Reading the flag costs nothing next to a transaction.
    if (stop_requested()) m_stop_seen = true;
}

void Controller::transport(tlm::tlm_command cmd, std::uint64_t address, void* data,
                           std::size_t len) {
    m_trans.set_command(cmd);
    m_trans.set_address(address);
    m_trans.set_data_ptr(static_cast<unsigned char*>(data));
    m_trans.set_data_length(static_cast<unsigned>(len));
    m_trans.set_streaming_width(static_cast<unsigned>(len));
    m_trans.set_byte_enable_ptr(nullptr);
    m_trans.set_dmi_allowed(false);
    m_trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = m_qk.get_local_time();
    out->b_transport(m_trans, delay);
    m_qk.set(delay);
    ++m_transactions;
    if (m_trans.is_response_error()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(address));
        throw BusError(std::string(cmd == tlm::TLM_WRITE_COMMAND ? "write" : "read") + " of " +
                       std::to_string(len) + " bytes at " + buf +
                       " failed: " + m_trans.get_response_string());
    }
    sync_if_needed();
}

void Controller::write(std::uint64_t address, const void* data, std::size_t len) {
    transport(tlm::TLM_WRITE_COMMAND, address, const_cast<void*>(data), len);
}

void Controller::read(std::uint64_t address, void* data, std::size_t len) {
    transport(tlm::TLM_READ_COMMAND, address, data, len);
}

void Controller::digital(DigitalOp op, std::uint64_t count) {
    if (count == 0) return;
    ledger().book(m_act[static_cast<int>(op)], count);
    const sc_core::sc_time t = cycles((count + m_simd_lanes - 1) / m_simd_lanes);
    m_qk.inc(t);
    add_busy(t);
    sync_if_needed();
}

void Controller::collect_stats(StatSet& stats) const {
    stats.set("transactions", static_cast<double>(m_transactions), Unit::none,
              "transactions issued");
}

NEUROTLM_REGISTER_COMPONENT("controller", Controller,
                            "the initiator that runs the workload through drivers; does the "
                            "digital work between analog operations");

} // namespace neurotlm
