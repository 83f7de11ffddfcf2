#include "neurotlm/modules/component.h"

#include <cstring>

#include "neurotlm/core/error.h"
#include "neurotlm/drivers/registers.h"

namespace neurotlm {

Block::Block(const sc_core::sc_module_name& name, const Params& params,
             const ComponentContext& context)
    : sc_core::sc_module(name),
      m_clock_period(1.0 / params.number("clock"), sc_core::SC_SEC),
      m_rng(context.seed, sc_core::sc_module::name()) {}

void Block::add_common_params(ParamTable& table, const char* default_clock) {
    // SystemC's time resolution is 1 ps: a 1 THz clock is the fastest whose period it can hold;
    // slower than 1 kHz would be an unlikely typo. Periods are rounded to whole picoseconds.
    table.number("clock", Unit::hertz, default_clock,
                 "clock of the block; latencies are whole cycles of it (period rounded to 1 ps)",
                 1e3, 1e12);
}

Component::Component(const sc_core::sc_module_name& name, const Params& params,
                     const ComponentContext& context)
    : Block(name, params, context), in("in"),
      m_access_cycles(static_cast<std::uint64_t>(params.integer("access_cycles"))),
      m_bytes_per_cycle(static_cast<std::uint64_t>(params.integer("port_width_bytes"))) {
    in.register_b_transport(this, &Component::b_transport);
    in.register_transport_dbg(this, &Component::transport_dbg);
}

void Component::add_common_params(ParamTable& table, const char* default_clock) {
    Block::add_common_params(table, default_clock);
    table.integer("access_cycles", 1, "cycles for one register or window access", 0, 1e6)
        .integer("port_width_bytes", 32, "bytes the register interface moves per cycle", 1, 4096);
}

TargetSocket* Component::target_socket(const std::string& name) {
    return name == "in" ? &in : nullptr;
}

void Component::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    access(trans, &delay);
}

unsigned int Component::transport_dbg(tlm::tlm_generic_payload& trans) {
    // Debug accesses touch data windows and plain registers only; they never start commands.
    if (trans.is_write() && trans.get_address() < 0x20) return 0;
    return access(trans, nullptr) ? trans.get_data_length() : 0;
}

bool Component::access(tlm::tlm_generic_payload& trans, sc_core::sc_time* delay) {
    const std::uint64_t addr = trans.get_address();
    const unsigned len = trans.get_data_length();
    unsigned char* data = trans.get_data_ptr();
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    // Debug transport ignores streaming width and byte enables (IEEE 1666 TLM-2.0, 11.3.4).
    if (delay && (trans.get_byte_enable_ptr() != nullptr || trans.get_streaming_width() < len)) {
        trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return false;
    }
    if (trans.get_command() == tlm::TLM_IGNORE_COMMAND) return true;
    const bool is_write = trans.is_write();
    const sc_core::sc_time now =
        sc_core::sc_time_stamp() + (delay ? *delay : sc_core::SC_ZERO_TIME);
    auto annotate_access = [&](unsigned bytes) {
        if (!delay) return;
        const std::uint64_t beats = (bytes + m_bytes_per_cycle - 1) / m_bytes_per_cycle;
        *delay += cycles(m_access_cycles + (beats > 0 ? beats - 1 : 0));
    };
    auto wait_until_done = [&]() {
        if (delay && m_busy_until > now) *delay += m_busy_until - now;
    };

    if (addr < 0x10000) {
        // Registers: aligned 32-bit accesses only.
        if (len != 4 || (addr & 3) != 0) {
            trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
            return false;
        }
        std::uint32_t value = 0;
        if (is_write) std::memcpy(&value, data, 4);
        bool ok = true;
        switch (addr) {
        case regs::ID:
            if (is_write) ok = false;
            else value = regs::kIdMagic;
            break;
        case regs::TYPE:
            if (is_write) ok = false;
            else value = type_code();
            break;
        case regs::CTRL:
            if (!is_write) {
                ok = false;
                break;
            }
            {
                const sc_core::sc_time start = m_busy_until > now ? m_busy_until : now;
                std::uint32_t error = regs::kErrNone;
                const std::uint64_t latency = execute(value, start, error);
                // SystemC time saturates near 2^64 ps (213 days): refuse to go anywhere near.
                if (start.to_seconds() + static_cast<double>(latency) * clock_period().to_seconds() >
                    kMaxSimulatedTime_s)
                    throw InputError(std::string(name()) +
                                     ": simulated time would pass 10^6 s; the parameters give "
                                     "latencies far beyond any real hardware");
                m_error = error;
                m_last_cycles = error == regs::kErrNone ? latency : 0;
                m_status = regs::kStatusDone | (error != regs::kErrNone ? regs::kStatusError : 0u);
                if (error == regs::kErrNone) {
                    m_busy_until = start + cycles(latency);
                    add_busy(cycles(latency));
                    ++m_commands;
                }
            }
            break;
        case regs::STATUS:
            if (is_write) ok = false;
            else {
                wait_until_done();
                value = m_status;
            }
            break;
        case regs::ERROR_CODE:
            if (is_write) ok = false;
            else value = m_error;
            break;
        case regs::LAST_CYCLES:
            if (is_write) ok = false;
            else value = static_cast<std::uint32_t>(m_last_cycles);
            break;
        default:
            ok = is_write ? write_register(addr, value, now) : read_register(addr, value, now);
        }
        if (!ok) {
            trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return false;
        }
        if (!is_write) std::memcpy(data, &value, 4);
        annotate_access(4);
        return true;
    }

    if ((addr & 3) != 0 || (len & 3) != 0) {
        trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return false;
    }
    bool wait_for_result = false;
    unsigned char* mem = window(addr, len, is_write, wait_for_result);
    if (!mem) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return false;
    }
    if (wait_for_result) {
        if (m_error != regs::kErrNone) {
            trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
            return false;
        }
        wait_until_done();
    }
    if (is_write) std::memcpy(mem, data, len);
    else std::memcpy(data, mem, len);
    annotate_access(len);
    return true;
}

} // namespace neurotlm
