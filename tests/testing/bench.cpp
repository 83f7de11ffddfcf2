#include "testing/bench.h"

#include <cstdio>

namespace neurotlm::testing {

Params bench_params(const nlohmann::json& params, const ParamTable& table,
                    const std::string& file) {
    return Params::validate(params.is_null() ? nlohmann::json::object() : params, table, file, "");
}

BenchInitiator::BenchInitiator(const sc_core::sc_module_name& name)
    : sc_core::sc_module(name), out("out") {
    SC_HAS_PROCESS(BenchInitiator);
    SC_THREAD(thread);
    // Bodies run gtest assertions and drivers on this stack: give it room.
    set_stack_size(16 << 20);
}

void BenchInitiator::thread() {
    for (;;) {
        while (!m_pending)
            sc_core::wait(m_go);
        m_pending = false;
        m_qk.reset();
        try {
            if (m_body) m_body(*this);
        } catch (...) {
            m_failure = std::current_exception();
        }
        m_end_s = now_s();
        // Let the kernel catch up, so the next run (and the caller) see the body's end time.
        m_qk.sync();
        m_done = true;
    }
}

double BenchInitiator::run(std::function<void(BenchInitiator&)> body) {
    m_body = std::move(body);
    m_failure = nullptr;
    m_done = false;
    m_pending = true;
    // The first run finds the flag when the thread starts; later ones wake it up.
    if (sc_core::sc_is_running()) m_go.notify(sc_core::SC_ZERO_TIME);
    // The thread waits for m_go between bodies; once the body is done nothing else is
    // scheduled, so sc_start returns (starvation) and a later run() can start again.
    sc_core::sc_start();
    m_body = nullptr;
    if (!m_done) throw std::logic_error("bench: the simulation stopped before the body finished");
    if (m_failure) std::rethrow_exception(m_failure);
    return m_end_s;
}

void BenchInitiator::advance(const sc_core::sc_time& t) {
    m_qk.inc(t);
    if (m_qk.need_sync()) m_qk.sync();
}

tlm::tlm_response_status BenchInitiator::transport(tlm::tlm_command command, std::uint64_t address,
                                                   void* data, std::size_t len) {
    m_trans.set_command(command);
    m_trans.set_address(address);
    m_trans.set_data_ptr(static_cast<unsigned char*>(data));
    m_trans.set_data_length(static_cast<unsigned>(len));
    m_trans.set_streaming_width(static_cast<unsigned>(len));
    m_trans.set_byte_enable_ptr(nullptr);
    m_trans.set_byte_enable_length(0);
    m_trans.set_dmi_allowed(false);
    m_trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = m_qk.get_local_time();
    out->b_transport(m_trans, delay);
    m_qk.set(delay);
    ++m_transactions;
    const tlm::tlm_response_status status = m_trans.get_response_status();
    if (m_qk.need_sync()) m_qk.sync();
    return status;
}

unsigned BenchInitiator::debug(tlm::tlm_command command, std::uint64_t address, void* data,
                               std::size_t len) {
    tlm::tlm_generic_payload trans;
    trans.set_command(command);
    trans.set_address(address);
    trans.set_data_ptr(static_cast<unsigned char*>(data));
    trans.set_data_length(static_cast<unsigned>(len));
    trans.set_streaming_width(static_cast<unsigned>(len));
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    return out->transport_dbg(trans);
}

namespace {

void check(tlm::tlm_response_status status, bool is_write, std::uint64_t address, std::size_t len) {
    if (status == tlm::TLM_OK_RESPONSE) return;
    tlm::tlm_generic_payload t;
    t.set_response_status(status);
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(address));
    throw BusError(std::string(is_write ? "write" : "read") + " of " + std::to_string(len) +
                   " bytes at " + buf + " failed: " + t.get_response_string());
}

} // namespace

void BenchInitiator::write(std::uint64_t address, const void* data, std::size_t len) {
    check(transport(tlm::TLM_WRITE_COMMAND, address, const_cast<void*>(data), len), true, address,
          len);
}

void BenchInitiator::read(std::uint64_t address, void* data, std::size_t len) {
    check(transport(tlm::TLM_READ_COMMAND, address, data, len), false, address, len);
}

} // namespace neurotlm::testing
