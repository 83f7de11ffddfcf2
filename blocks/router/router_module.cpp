#include "neurotlm/blocks/router/router_module.h"

#include <algorithm>

#include "neurotlm/modules/registry.h"

namespace neurotlm {

ParamTable Router::param_table() {
    ParamTable t;
    t.integer("width_bytes", 32, "bytes moved per cycle", 1, 4096)
        .integer("hop_cycles", 2, "decode and arbitration latency per transfer, cycles", 0, 1e6)
        .number("energy_per_bit", Unit::joule, "0.1 pJ",
                "energy per bit moved; the default assumes about 1 mm of on-chip wire "
                "(~0.1 pJ/bit/mm)",
                0.0, 1e-6)
        .number("leakage", Unit::watt, 0.0, "static power", 0.0, 1e3);
    add_common_params(t);
    return t;
}

Router::Router(const sc_core::sc_module_name& name, const Params& params,
               const ComponentContext& context)
    : Block(name, params, context), in("in"), out("out"),
      m_width_bytes(static_cast<unsigned>(params.integer("width_bytes"))),
      m_hop_cycles(static_cast<unsigned>(params.integer("hop_cycles"))) {
    in.register_b_transport(this, &Router::b_transport);
    in.register_transport_dbg(this, &Router::transport_dbg);
    in.register_get_direct_mem_ptr(this, &Router::get_direct_mem_ptr);
    out.register_invalidate_direct_mem_ptr(this, &Router::invalidate_direct_mem_ptr);
    m_act_transfer = ledger().declare("transfer_byte", params.number("energy_per_bit") * 8.0,
                                      "byte moved across the interconnect");
    ledger().set_leakage_power(params.number("leakage"));
}

std::uint64_t Router::address_span() const {
    // One past the last decoded address, saturating: a range ending at 2^64 - 1 spans it all.
    std::uint64_t end = 0;
    for (const auto& r : m_ranges) {
        const std::uint64_t last = r.base + (r.size - 1);
        end = std::max(end, last == ~std::uint64_t{0} ? last : last + 1);
    }
    return end;
}

TargetSocket* Router::target_socket(const std::string& name) {
    return name == "in" ? &in : nullptr;
}

bool Router::bind_initiator(const std::string& name, TargetSocket& target, std::uint64_t base,
                            std::uint64_t size) {
    if (name != "out") return false;
    if (size == 0 || base > ~std::uint64_t{0} - (size - 1))
        throw std::logic_error(std::string(this->name()) + ": an address range past 2^64");
    for (const auto& r : m_ranges)
        if (base <= r.base + (r.size - 1) && r.base <= base + (size - 1))
            throw std::logic_error(std::string(this->name()) + ": overlapping address ranges");
    const unsigned port = static_cast<unsigned>(m_ranges.size());
    out.bind(target);
    m_ranges.push_back({base, size, port});
    std::sort(m_ranges.begin(), m_ranges.end(),
              [](const Range& a, const Range& b) { return a.base < b.base; });
    return true;
}

const Router::Range* Router::decode(std::uint64_t address) const {
    // Ranges are sorted and disjoint: the candidate is the last one starting at or below.
    auto it = std::upper_bound(m_ranges.begin(), m_ranges.end(), address,
                               [](std::uint64_t a, const Range& r) { return a < r.base; });
    if (it == m_ranges.begin()) return nullptr;
    --it;
    return address - it->base < it->size ? &*it : nullptr;
}

void Router::b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const std::uint64_t address = trans.get_address();
    const Range* r = decode(address);
    // The access must lie inside the range; written so that nothing can wrap.
    if (!r || trans.get_data_length() > r->size - (address - r->base)) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    const unsigned len = trans.get_data_length();
    const sc_core::sc_time now = sc_core::sc_time_stamp() + delay;
    const sc_core::sc_time start = m_busy_until > now ? m_busy_until : now;
    const std::uint64_t beats = (len + m_width_bytes - 1) / m_width_bytes;
    const sc_core::sc_time transfer = cycles(m_hop_cycles + beats);
    m_busy_until = start + transfer;
    m_queueing += start - now;
    add_busy(transfer);
    delay += (start - now) + transfer;
    ++m_transactions;
    m_bytes += len;
    ledger().book(m_act_transfer, len);

    trans.set_address(address - r->base);
    out[static_cast<int>(r->port)]->b_transport(trans, delay);
    trans.set_address(address);
}

unsigned int Router::transport_dbg(int id, tlm::tlm_generic_payload& trans) {
    const std::uint64_t address = trans.get_address();
    const Range* r = decode(address);
    if (!r) return 0;
    trans.set_address(address - r->base);
    const unsigned n = out[static_cast<int>(r->port)]->transport_dbg(trans);
    trans.set_address(address);
    return n;
}

bool Router::get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
    const std::uint64_t address = trans.get_address();
    const Range* r = decode(address);
    if (!r) return false;
    trans.set_address(address - r->base);
    const bool ok = out[static_cast<int>(r->port)]->get_direct_mem_ptr(trans, dmi);
    trans.set_address(address);
    // Clip the granted range to this target's window in its own address space, then translate:
    // a target may grant [0, ~0], which would wrap if translated first.
    const std::uint64_t start_local = dmi.get_start_address();
    const std::uint64_t end_local = std::min<std::uint64_t>(dmi.get_end_address(), r->size - 1);
    dmi.set_start_address(r->base + start_local);
    dmi.set_end_address(r->base + end_local);
    // A DMI user bypasses the interconnect: make it pay the hop at least.
    dmi.set_read_latency(dmi.get_read_latency() + cycles(m_hop_cycles));
    dmi.set_write_latency(dmi.get_write_latency() + cycles(m_hop_cycles));
    return ok;
}

void Router::invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end) {
    for (const auto& r : m_ranges) {
        if (static_cast<int>(r.port) != id) continue;
        if (start > r.size - 1) continue;
        const std::uint64_t s = r.base + start;
        const std::uint64_t e = r.base + std::min<std::uint64_t>(end, r.size - 1);
        for (unsigned i = 0; i < in.size(); ++i)
            in[static_cast<int>(i)]->invalidate_direct_mem_ptr(s, e);
    }
}

void Router::collect_stats(StatSet& stats) const {
    stats.set("transactions", static_cast<double>(m_transactions), Unit::none, "transfers routed");
    stats.set("bytes", static_cast<double>(m_bytes), Unit::byte, "bytes moved");
    stats.set("queueing_time", m_queueing.to_seconds(), Unit::second,
              "time transfers waited for the interconnect to be free");
}

NEUROTLM_REGISTER_COMPONENT("router", Router,
                            "address-decoding shared interconnect with bandwidth and occupancy");

} // namespace neurotlm
