#include "neurotlm/blocks/router/router_module.h"

#include <algorithm>
#include <cmath>

#include "neurotlm/devices/technology.h"
#include "neurotlm/modules/registry.h"

namespace neurotlm {

ParamTable Router::param_table() {
    ParamTable t;
    t.integer("width_bytes", 32, "bytes moved per cycle (the bus has width_bytes x 8 wires)", 1,
              4096)
        .integer("hop_cycles", 2, "decode and arbitration latency per transfer, cycles", 0, 1e6)
        .number("wire_length", Unit::metre, nullptr,
                "length a bit travels from the router to a target; default: the root-to-leaf "
                "path of an H-tree over a square holding the connected blocks' area",
                0.0, 1.0)
        .optional()
        .number("toggle", Unit::none, nullptr,
                "activity: the fraction of the wires that change per beat, fixed; default: "
                "measured, beat by beat, from the data moved (0.5 for random data)",
                0.0, 1.0)
        .optional()
        .number("energy_per_bit", Unit::joule, nullptr,
                "energy per bit moved, fixed; default: a wire change costs wire_length x the "
                "technology's wire capacitance x vdd^2 / 2, and the changes are counted",
                0.0, 1e-6)
        .optional()
        .number("leakage", Unit::watt, nullptr,
                "static power; default: the decode logic's and beat register's gates x the "
                "technology's gate leakage",
                0.0, 1e3)
        .optional();
    add_common_params(t);
    return t;
}

Router::Router(const sc_core::sc_module_name& name, const Params& params,
               const ComponentContext& context)
    : Block(name, params, context), in("in"), out("out"), m_tech(context.tech()),
      m_width_bytes(static_cast<unsigned>(params.integer("width_bytes"))),
      m_hop_cycles(static_cast<unsigned>(params.integer("hop_cycles"))),
      m_wires(m_width_bytes * 8) {
    in.register_b_transport(this, &Router::b_transport);
    in.register_transport_dbg(this, &Router::transport_dbg);
    in.register_get_direct_mem_ptr(this, &Router::get_direct_mem_ptr);
    out.register_invalidate_direct_mem_ptr(this, &Router::invalidate_direct_mem_ptr);
    if (params.present("wire_length")) m_wire_length_given_m = params.number("wire_length");
    if (params.present("toggle")) m_toggle_given = params.number("toggle");
    if (params.present("energy_per_bit"))
        m_energy_per_bit_given_J = params.number("energy_per_bit");
    if (params.present("leakage")) m_leakage_given_W = params.number("leakage");
}

// The floor plan is known once every target is bound: price the wires then.
void Router::end_of_elaboration() {
    if (m_priced) return;
    if (measures_activity())
        m_act_transfer = ledger().declare("wire_change", energy_per_change_J(),
                                          "a bus wire changing value from one beat to the next",
                                          energy_class::interconnect);
    else
        m_act_transfer = ledger().declare("transfer_bit", energy_per_bit_J(),
                                          "bit moved across the interconnect's wires",
                                          energy_class::interconnect);
    ledger().set_leakage_power(m_leakage_given_W >= 0.0 ? m_leakage_given_W
                                                        : m_tech.leakage_W(gates()));
    m_priced = true;
}

double Router::targets_area_m2() const {
    double a = 0.0;
    for (const Block* b : m_targets)
        a += b->area_m2();
    return a;
}

namespace {
/// An H-tree over a square of side @p side reaching @p leaves leaves (Ho, Mai and Horowitz's
/// clock-tree geometry used for a data bus, assumed): level k has 2^(k-1) bars of side /
/// 2^ceil(k/2); a bit from the root to a leaf crosses half of one bar of every level.
struct HTree {
    double path_m = 0.0;  ///< root to one leaf
    double total_m = 0.0; ///< every bar
};
HTree h_tree(double side_m, std::size_t leaves) {
    HTree t;
    if (leaves <= 1) {
        // One block: the router sits at its edge, the wire runs to its middle (assumed).
        t.path_m = t.total_m = side_m / 2.0;
        return t;
    }
    int levels = 0;
    while ((std::size_t{1} << levels) < leaves)
        ++levels;
    for (int k = 1; k <= levels; ++k) {
        const double bar = side_m / std::ldexp(1.0, (k + 1) / 2);
        t.path_m += bar / 2.0;
        t.total_m += std::ldexp(1.0, k - 1) * bar;
    }
    return t;
}
} // namespace

double Router::wire_length_m() const {
    if (m_wire_length_given_m >= 0.0) return m_wire_length_given_m;
    return h_tree(std::sqrt(targets_area_m2()), m_targets.size()).path_m;
}

double Router::tree_length_m() const {
    if (m_wire_length_given_m >= 0.0) {
        // A given length: a tree whose path is that long, scaled from the floor plan's shape.
        const HTree unit = h_tree(1.0, m_targets.size());
        return unit.path_m > 0 ? m_wire_length_given_m * unit.total_m / unit.path_m
                               : m_wire_length_given_m;
    }
    return h_tree(std::sqrt(targets_area_m2()), m_targets.size()).total_m;
}

bool Router::measures_activity() const {
    return m_energy_per_bit_given_J < 0.0 && m_toggle_given < 0.0;
}

double Router::energy_per_change_J() const {
    // A rising wire draws C V^2 from the supply and a falling one nothing: C V^2 / 2 a change.
    return 0.5 * m_tech.wire_energy_J(wire_length_m());
}

double Router::energy_per_bit_J() const {
    if (m_energy_per_bit_given_J >= 0.0) return m_energy_per_bit_given_J;
    const double toggle = m_toggle_given >= 0.0 ? m_toggle_given
                          : m_wires.bits() > 0  ? m_wires.activity()
                                                : 0.5;
    return toggle * energy_per_change_J();
}

double Router::gates() const {
    // Assumed: the address decode compares the upper bits of an address against each range
    // (one 64-bit comparator, about one gate a bit, per target), and one beat of data is
    // registered (width_bytes x 8 flip-flops). Repeaters on long wires are not counted.
    return 64.0 * static_cast<double>(std::max<std::size_t>(m_ranges.size(), 1)) +
           m_width_bytes * 8.0 * Technology::kFlipFlopGates;
}

double Router::area_m2() const {
    // Every wire of the bus runs the whole tree at minimum pitch (2 x the feature size).
    return tree_length_m() * m_width_bytes * 8.0 * m_tech.wire_pitch_m() + m_tech.area_m2(gates());
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
    // The socket is an sc_export of the target's module: that module is on the floor plan.
    if (const auto* socket = dynamic_cast<const sc_core::sc_object*>(&target))
        if (const auto* block = dynamic_cast<const Block*>(socket->get_parent_object()))
            m_targets.push_back(block);
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

void Router::charge(const tlm::tlm_generic_payload& trans) {
    const ElementWidth width = width_of(trans);
    const std::uint64_t changes =
        m_wires.send(trans.get_data_ptr(), trans.get_data_length(), width);
    ledger().book(m_act_transfer,
                  measures_activity() ? changes : width.hardware_bits(trans.get_data_length()));
}

sc_core::sc_time Router::occupy(std::uint64_t bits, std::uint64_t bytes, sc_core::sc_time& delay) {
    if (!m_priced) end_of_elaboration();
    const sc_core::sc_time now = sc_core::sc_time_stamp() + delay;
    const sc_core::sc_time start = m_busy_until > now ? m_busy_until : now;
    const std::uint64_t wires = std::uint64_t{m_width_bytes} * 8;
    const std::uint64_t beats = (bits + wires - 1) / wires;
    const sc_core::sc_time transfer = cycles(m_hop_cycles + beats);
    m_busy_until = start + transfer;
    m_queueing += start - now;
    add_busy(start, transfer, "transfer");
    delay += (start - now) + transfer;
    ++m_transactions;
    m_bytes += bytes;
    m_bits += bits;
    return transfer;
}

void Router::b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    MulticastExtension* mc = trans.get_extension<MulticastExtension>();
    if (mc && !mc->handled && trans.is_write() && mc->addresses.size() > 1) {
        multicast(trans, delay, *mc);
        return;
    }
    const std::uint64_t address = trans.get_address();
    const Range* r = decode(address);
    // The access must lie inside the range; written so that nothing can wrap.
    if (!r || trans.get_data_length() > r->size - (address - r->base)) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    const unsigned len = trans.get_data_length();
    occupy(width_of(trans).hardware_bits(len), len, delay);
    // The wires carry what is written, or what the target returns.
    if (trans.is_write()) charge(trans);

    trans.set_address(address - r->base);
    out[static_cast<int>(r->port)]->b_transport(trans, delay);
    trans.set_address(address);
    if (trans.is_read() && trans.is_response_ok()) charge(trans);
}

void Router::multicast(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay,
                       MulticastExtension& mc) {
    const std::uint64_t address = trans.get_address();
    const unsigned len = trans.get_data_length();
    // Every destination must decode, or nothing is sent.
    std::vector<std::pair<unsigned, std::vector<std::uint64_t>>> by_port; // in first-seen order
    for (std::uint64_t a : mc.addresses) {
        const Range* r = decode(a);
        if (!r || len > r->size - (a - r->base)) {
            trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        auto it = std::find_if(by_port.begin(), by_port.end(),
                               [&](const auto& g) { return g.first == r->port; });
        if (it == by_port.end()) {
            by_port.push_back({r->port, {}});
            it = by_port.end() - 1;
        }
        it->second.push_back(a - r->base);
    }
    // The shared wires carry the data once.
    occupy(width_of(trans).hardware_bits(len), len, delay);
    charge(trans);
    ++m_multicasts;
    m_deliveries += mc.addresses.size();

    const std::vector<std::uint64_t> all = mc.addresses;
    const sc_core::sc_time sent = delay;
    sc_core::sc_time latest = sent;
    bool ok = true;
    for (const auto& [port, local] : by_port) {
        // A group behind one port goes on as a multicast (a router there fans it out); a
        // target that ignores the extension takes the first address, and the rest follow one
        // by one on that port.
        mc.addresses = local;
        mc.handled = local.size() < 2;
        sc_core::sc_time d = sent;
        trans.set_address(local.front());
        trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        out[static_cast<int>(port)]->b_transport(trans, d);
        ok = trans.is_response_ok();
        for (std::size_t i = 1; ok && !mc.handled && i < local.size(); ++i) {
            trans.set_address(local[i]);
            trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
            out[static_cast<int>(port)]->b_transport(trans, d);
            ok = trans.is_response_ok();
        }
        latest = std::max(latest, d);
        if (!ok) break;
    }
    mc.addresses = all;
    mc.handled = true;
    trans.set_address(address);
    delay = latest;
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
    stats.set("bytes", static_cast<double>(m_bytes), Unit::byte,
              "bytes of the transfers as the simulator holds them (float32 elements)");
    stats.set("bits", static_cast<double>(m_bits), Unit::none,
              "bits moved on the wires (elements at their hardware width)");
    stats.set("multicasts", static_cast<double>(m_multicasts), Unit::none,
              "writes delivered to several targets and charged once");
    stats.set("multicast_deliveries", static_cast<double>(m_deliveries), Unit::none,
              "targets those multicasts reached");
    stats.set("wire_length", wire_length_m(), Unit::metre,
              "length a bit travels (H-tree root to leaf, or as given)");
    stats.set("tree_length", tree_length_m(), Unit::metre,
              "total length of one wire of the H-tree (the area counts width_bytes x 8)");
    stats.set("floorplan_area", targets_area_m2(), Unit::square_metre,
              "area of the connected blocks the tree spans");
    stats.set("energy_per_bit", energy_per_bit_J(), Unit::joule,
              "energy of one bit moved (measured: on average)");
    stats.set("wire_changes", static_cast<double>(m_wires.transitions()), Unit::none,
              "bus wires that changed value from one beat to the next");
    stats.set("activity", m_wires.activity(), Unit::none,
              "wire changes per bit moved (random data: 0.5)");
    stats.set("queueing_time", m_queueing.to_seconds(), Unit::second,
              "time transfers waited for the interconnect to be free");
}

NEUROTLM_REGISTER_COMPONENT("router", Router,
                            "address-decoding shared interconnect with bandwidth and occupancy");

} // namespace neurotlm
