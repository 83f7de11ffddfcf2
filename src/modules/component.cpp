#include "neurotlm/modules/component.h"

#include "neurotlm/devices/technology.h"

#include <cstring>
#include <stdexcept>

#include "neurotlm/core/error.h"
#include "neurotlm/modules/transfer.h"

namespace neurotlm {

const Technology& ComponentContext::tech() const {
    return technology ? *technology : *Technology::preset(Technology::default_preset());
}

Block::Block(const sc_core::sc_module_name& name, const Params& params,
             const ComponentContext& context)
    : sc_core::sc_module(name), m_clock_Hz(params.number("clock")),
      m_clock_period(1.0 / m_clock_Hz, sc_core::SC_SEC),
      m_rng(context.seed, sc_core::sc_module::name()) {}

AnalogOut* Block::analog_out(const std::string& name) {
    for (auto& p : m_analog_outs)
        if (p->spec().name == name) return p.get();
    return nullptr;
}

AnalogIn* Block::analog_in(const std::string& name) {
    for (auto& p : m_analog_ins)
        if (p->spec().name == name) return p.get();
    return nullptr;
}

AnalogOut& Block::add_analog_out(const AnalogPortSpec& spec) {
    if (analog_out(spec.name) || analog_in(spec.name) || !spec.output)
        throw std::logic_error(std::string(name()) + ": analog port " + spec.name +
                               " declared twice or as the wrong direction");
    m_analog_outs.push_back(std::make_unique<AnalogOut>(spec, m_ledger));
    return *m_analog_outs.back();
}

AnalogIn& Block::add_analog_in(const AnalogPortSpec& spec, AnalogIn::Handler handler) {
    if (analog_out(spec.name) || analog_in(spec.name) || spec.output)
        throw std::logic_error(std::string(name()) + ": analog port " + spec.name +
                               " declared twice or as the wrong direction");
    m_analog_ins.push_back(std::make_unique<AnalogIn>(spec, std::move(handler)));
    return *m_analog_ins.back();
}

void Block::set_activity(ActivityLog* log, int track) {
    m_activity = log;
    m_track = track;
    m_logged_J.assign(energy_class::kActionClasses.size(), 0.0);
    // What was booked before the run (while the platform was built) counts at time zero.
    if (log) log->energy_at(0.0, energy_since_logged());
}

std::vector<double> Block::energy_since_logged() {
    std::vector<double> now(energy_class::kActionClasses.size(), 0.0);
    for (const auto& a : m_ledger.actions())
        for (std::size_t c = 0; c < now.size(); ++c)
            if (a.energy_class == energy_class::kActionClasses[c]) now[c] += a.energy_J;
    std::vector<double> delta(now.size());
    for (std::size_t c = 0; c < now.size(); ++c)
        delta[c] = now[c] - (c < m_logged_J.size() ? m_logged_J[c] : 0.0);
    m_logged_J = std::move(now);
    return delta;
}

void Block::add_busy(const sc_core::sc_time& start, const sc_core::sc_time& t, const char* label) {
    m_busy_total += t;
    if (m_activity)
        m_activity->busy(m_track, start.to_seconds(), t.to_seconds(), label, energy_since_logged());
}

void Block::flush_activity(const sc_core::sc_time& time) {
    if (m_activity) m_activity->energy_at(time.to_seconds(), energy_since_logged());
}

void Block::add_common_params(ParamTable& table, const char* default_clock) {
    // SystemC's time resolution is 1 ps: a 1 THz clock is the fastest whose period it can hold;
    // slower than 1 kHz would be an unlikely typo. Periods are rounded to whole picoseconds.
    table.number("clock", Unit::hertz, default_clock,
                 "clock of the block; latencies are whole cycles of it (period rounded to 1 ps)",
                 1e3, 1e12);
}

Component::Component(const sc_core::sc_module_name& name, const Params& params,
                     const ComponentContext& context, const regmap::RegisterMap& map)
    : Block(name, params, context), in("in"), m_registers(map),
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
    if (LookAheadExtension* ext = trans.get_extension<LookAheadExtension>()) {
        ext->taken =
            ext->request != nullptr && trans.get_address() == 0 && look_ahead(*ext->request);
        return 0;
    }
    // Debug accesses touch data windows and plain registers only; they never start commands.
    if (trans.is_write() && trans.get_address() < regmap::kFirstBlockRegister) return 0;
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

    if (addr < regmap::kWindowBase) {
        // Registers: aligned 32-bit accesses only.
        if (len != 4 || (addr & 3) != 0) {
            trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
            return false;
        }
        std::uint32_t value = 0;
        if (is_write) std::memcpy(&value, data, 4);
        const bool ok = addr < regmap::kFirstBlockRegister
                            ? header_access(addr, is_write, value, now, delay)
                        : is_write ? m_registers.write(addr, value)
                                   : m_registers.read(addr, value);
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
    const regmap::RegisterBank::WindowHit hit = m_registers.window(addr, len, is_write);
    unsigned char* mem = hit.data;
    if (!mem) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return false;
    }
    if (hit.waits) {
        if (m_error != regmap::kErrNone.value) {
            trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
            return false;
        }
        wait_until_done();
    }
    if (is_write)
        std::memcpy(mem, data, len);
    else
        std::memcpy(data, mem, len);
    // The port and the array move the hardware's bits: elements of a declared width
    // (modules/transfer.h) take their width, not the functional float32 bytes.
    const ElementWidth width = width_of(trans);
    const std::uint64_t hw_len = hardware_bytes(width, len);
    annotate_access(static_cast<unsigned>(hw_len));
    if (delay && hit.on_access) {
        // The block's own array access (a memory's read or write), after the transfer, at
        // the hardware offset and length of the elements.
        const std::uint64_t hw_offset = width.hardware_bits(hit.offset) / 8;
        if (const std::uint64_t own =
                (*hit.on_access)(hw_offset, static_cast<unsigned>(hw_len), is_write)) {
            if (now.to_seconds() + static_cast<double>(own) * clock_period().to_seconds() >
                kMaxSimulatedTime_s)
                throw InputError(std::string(name()) +
                                 ": simulated time would pass 10^6 s; the parameters give access "
                                 "times far beyond any real hardware");
            *delay += cycles(own);
            // *delay already holds the caller's offset: the access ends at time stamp + delay.
            add_busy(sc_core::sc_time_stamp() + *delay - cycles(own), cycles(own),
                     is_write ? "write" : "read");
        }
    }
    return true;
}

sc_core::sc_time Component::occupy(const sc_core::sc_time& arrival, std::uint64_t latency) {
    const sc_core::sc_time start = m_busy_until > arrival ? m_busy_until : arrival;
    if (start.to_seconds() + static_cast<double>(latency) * clock_period().to_seconds() >
        kMaxSimulatedTime_s)
        throw InputError(std::string(name()) +
                         ": simulated time would pass 10^6 s; the parameters give latencies far "
                         "beyond any real hardware");
    m_busy_until = start + cycles(latency);
    add_busy(start, cycles(latency), "sample");
    m_last_cycles = latency;
    m_error = regmap::kErrNone.value;
    m_status = regmap::kStatusDone;
    return m_busy_until;
}

void Component::refuse(std::uint32_t error) {
    m_error = error;
    m_last_cycles = 0;
    m_status = regmap::kStatusDone | regmap::kStatusError;
}

const char* Component::command_name(std::uint32_t code) const {
    for (const auto& c : m_registers.map().commands)
        if (c.value == code) return c.name;
    return "command";
}

bool Component::header_access(std::uint64_t addr, bool is_write, std::uint32_t& value,
                              const sc_core::sc_time& now, sc_core::sc_time* delay) {
    const regmap::Register* reg = m_registers.map().find_register(addr);
    if (!reg || (is_write ? !reg->writable() : !reg->readable())) return false;
    switch (addr) {
    case regmap::ID.offset: value = regmap::kIdMagic; return true;
    case regmap::TYPE.offset: value = m_registers.map().type_code; return true;
    case regmap::STATUS.offset:
        if (delay && m_busy_until > now) *delay += m_busy_until - now;
        value = m_status;
        return true;
    case regmap::ERROR_CODE.offset: value = m_error; return true;
    case regmap::LAST_CYCLES.offset: value = static_cast<std::uint32_t>(m_last_cycles); return true;
    case regmap::CTRL.offset: break;
    default: return false;
    }
    const sc_core::sc_time start = m_busy_until > now ? m_busy_until : now;
    std::uint32_t error = regmap::kErrNone.value;
    const std::uint64_t latency = execute(value, start, error);
    // SystemC time saturates near 2^64 ps (213 days): refuse to go anywhere near.
    if (start.to_seconds() + static_cast<double>(latency) * clock_period().to_seconds() >
        kMaxSimulatedTime_s)
        throw InputError(std::string(name()) +
                         ": simulated time would pass 10^6 s; the parameters give latencies far "
                         "beyond any real hardware");
    const bool failed = error != regmap::kErrNone.value;
    m_error = error;
    m_last_cycles = failed ? 0 : latency;
    m_status = regmap::kStatusDone | (failed ? regmap::kStatusError : 0u);
    if (!failed) {
        m_busy_until = start + cycles(latency);
        add_busy(start, cycles(latency), command_name(value));
        ++m_commands;
    }
    return true;
}

} // namespace neurotlm
