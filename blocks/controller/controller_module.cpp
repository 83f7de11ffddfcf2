#include "neurotlm/blocks/controller/controller_module.h"

#include <iterator>

#include "neurotlm/blocks/controller/nonlinear_unit.h"
#include "neurotlm/core/stop.h"
#include "neurotlm/devices/technology.h"
#include "neurotlm/modules/registry.h"

namespace neurotlm {

namespace {
/// Activity labels of the controller's digital work, indexed by DigitalOp.
constexpr const char* kDigitalNames[] = {"accumulate", "activation", "compare",
                                         "nonlinear",  "max_pool",   "average_pool"};
static_assert(std::size(kDigitalNames) == kDigitalOps, "a name for every DigitalOp");
} // namespace

ParamTable Controller::param_table() {
    ParamTable t;
    // Widths (assumed defaults, stated in the README): a 128-row tile with 8-bit inputs and a
    // 5-bit ADC hands out partial sums of up to 21 bits (blocks/crossbar/tile_widths.h), and
    // adding up to 8 row blocks of a layer needs 3 more: 24. Activations are 8 bits, the
    // tiles' input_bits default. The classifier compares final sums: 24.
    t.integer("accumulate_bits", 24,
              "width of a partial sum as the controller adds it (prices accumulate and sizes "
              "the datapath)",
              1, 128)
        .integer("activation_bits", 8,
                 "width of an activation as the activation function produces it (prices "
                 "activation: one comparison of this width)",
                 1, 128)
        .integer("compare_bits", 24,
                 "width of the values a comparison (argmax, threshold) compares", 1, 128)
        .number("accumulate_energy", Unit::joule, nullptr,
                "energy of one partial-sum addition; default: accumulate_bits full adders of "
                "the platform's technology",
                0.0, 1e-6)
        .optional()
        .number("activation_energy", Unit::joule, nullptr,
                "energy of one activation function evaluation; default: one activation_bits "
                "comparison (a subtraction) in the technology",
                0.0, 1e-6)
        .optional()
        .number("compare_energy", Unit::joule, nullptr,
                "energy of one comparison (argmax, thresholds); default: compare_bits full "
                "adders in the technology",
                0.0, 1e-6)
        .optional()
        .number("nonlinear_energy", Unit::joule, nullptr,
                "energy of one sigmoid, tanh or reverse-sigmoid evaluation; default: the "
                "nonlinear unit's circuit (nonlinear.kind) in the technology",
                0.0, 1e-6)
        .optional()
        .integer("simd_lanes", 32, "digital operations per cycle", 1, 65536)
        .number("leakage", Unit::watt, nullptr,
                "static power of the controller; default: its datapath's gates x the "
                "technology's gate leakage",
                0.0, 1e3)
        .optional();
    // The digital neuron of sigmoid-like activations, nested under "nonlinear".
    for (ParamSpec s : NonlinearUnitSpec::table().params().specs()) {
        s.name = "nonlinear." + s.name;
        t.add(s);
    }
    add_common_params(t);
    return t;
}

Controller::Controller(const sc_core::sc_module_name& name, const Params& params,
                       const ComponentContext& context)
    : Block(name, params, context), out("out"),
      m_simd_lanes(static_cast<unsigned>(params.integer("simd_lanes"))) {
    const Technology& tech = context.tech();
    const int acc_bits = static_cast<int>(params.integer("accumulate_bits"));
    const int act_bits = static_cast<int>(params.integer("activation_bits"));
    const int cmp_bits = static_cast<int>(params.integer("compare_bits"));
    // An energy the user wrote wins; otherwise the technology prices the integer circuit.
    auto energy = [&](const char* key, double model_J) {
        return params.present(key) ? params.number(key) : model_J;
    };
    m_act[static_cast<int>(DigitalOp::accumulate)] = ledger().declare(
        "accumulate", energy("accumulate_energy", tech.add_energy_J(acc_bits)),
        "partial-sum addition (" + std::to_string(acc_bits) + " bits)", energy_class::shift_add);
    m_act[static_cast<int>(DigitalOp::activation)] = ledger().declare(
        "activation", energy("activation_energy", tech.compare_energy_J(act_bits)),
        "activation function evaluation (" + std::to_string(act_bits) + "-bit comparison)",
        energy_class::activation);
    m_act[static_cast<int>(DigitalOp::compare)] = ledger().declare(
        "compare", energy("compare_energy", tech.compare_energy_J(cmp_bits)),
        "comparison (" + std::to_string(cmp_bits) + " bits)", energy_class::activation);
    // Pooling reuses the lanes' comparators (max) and adders (average).
    m_act[static_cast<int>(DigitalOp::pool_compare)] = ledger().declare(
        "max_pool", energy("compare_energy", tech.compare_energy_J(cmp_bits)),
        "max-pooling comparison (" + std::to_string(cmp_bits) + " bits)", energy_class::pooling);
    m_act[static_cast<int>(DigitalOp::pool_add)] = ledger().declare(
        "average_pool", energy("accumulate_energy", tech.add_energy_J(acc_bits)),
        "average-pooling addition (" + std::to_string(acc_bits) + " bits)", energy_class::pooling);
    NonlinearUnitSpec nl;
    NonlinearUnitSpec::table().apply(params, "nonlinear.", nl);
    m_nonlinear_cycles = static_cast<unsigned>(nl.cycles());
    m_act[static_cast<int>(DigitalOp::nonlinear)] = ledger().declare(
        "nonlinear", energy("nonlinear_energy", nl.energy_J(tech)),
        std::string("sigmoid-like activation (") +
            (nl.kind == NonlinearKind::lut ? "look-up table" : "piecewise linear") + ", " +
            std::to_string(nl.input_bits) + " bits in, " + std::to_string(nl.output_bits) + " out)",
        energy_class::activation);
    // The datapath: per lane an accumulator (adder and register of accumulate_bits) and an
    // activation unit (a comparator of activation_bits; comparisons for argmax reuse the
    // adder). Sequencing and instruction memory are not modelled.
    m_gates = static_cast<double>(m_simd_lanes) *
              (acc_bits * (Technology::kFullAdderGates + Technology::kFlipFlopGates) +
               act_bits * Technology::kFullAdderGates);
    // One nonlinear unit per lane, built only when the workload evaluates sigmoid-like
    // activations: its area and leakage count from the first evaluation (the controller is an
    // initiator, so no floor plan asks for its area before).
    m_nonlinear_gates = static_cast<double>(m_simd_lanes) * nl.gates();
    m_tech = &tech;
    if (params.present("leakage")) m_leakage_given_W = params.number("leakage");
    price_datapath();
    SC_HAS_PROCESS(Controller);
    SC_THREAD(thread);
    // Workloads run on this thread's stack: give it room (the SystemC default is 64 KiB).
    set_stack_size(16 << 20);
}

void Controller::price_datapath() {
    const double gates = datapath_gates();
    m_area_m2 = m_tech->area_m2(gates);
    ledger().set_leakage_power(m_leakage_given_W >= 0.0 ? m_leakage_given_W
                                                        : m_tech->leakage_W(gates));
}

double Controller::datapath_gates() const {
    return m_gates + (m_nonlinear_used ? m_nonlinear_gates : 0.0);
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
    if (m_stop_when_done) sc_core::sc_stop();
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

void Controller::transport(tlm::tlm_command cmd, std::uint64_t address, void* data, std::size_t len,
                           ElementWidth width, const std::vector<std::uint64_t>* multicast) {
    // The extensions live as long as this controller and are taken off after the transport.
    struct Detach {
        tlm::tlm_generic_payload& t;
        WidthExtension* w;
        MulticastExtension* m;
        ~Detach() {
            if (w) t.clear_extension(w);
            if (m) t.clear_extension(m);
        }
    } detach{m_trans, nullptr, nullptr};
    if (width.packed()) {
        m_width_ext.width = width;
        m_trans.set_extension(&m_width_ext);
        detach.w = &m_width_ext;
    }
    if (multicast && multicast->size() > 1) {
        m_multicast_ext.addresses = *multicast;
        m_multicast_ext.handled = false;
        m_trans.set_extension(&m_multicast_ext);
        detach.m = &m_multicast_ext;
    }
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

void Controller::write_as(std::uint64_t address, const void* data, std::size_t len,
                          ElementWidth width) {
    transport(tlm::TLM_WRITE_COMMAND, address, const_cast<void*>(data), len, width);
}

void Controller::read_as(std::uint64_t address, void* data, std::size_t len, ElementWidth width) {
    transport(tlm::TLM_READ_COMMAND, address, data, len, width);
}

bool Controller::look_ahead(std::uint64_t address, const LookAheadRequest& request) {
    tlm::tlm_generic_payload t;
    LookAheadExtension ext;
    ext.request = &request;
    t.set_command(tlm::TLM_IGNORE_COMMAND);
    t.set_address(address);
    t.set_data_ptr(nullptr);
    t.set_data_length(0);
    t.set_extension(&ext);
    // Taken off however the transport ends: the payload would otherwise free it.
    struct Detach {
        tlm::tlm_generic_payload& t;
        LookAheadExtension* e;
        ~Detach() { t.clear_extension(e); }
    } detach{t, &ext};
    out->transport_dbg(t);
    return ext.taken;
}

void Controller::multicast_write(const std::vector<std::uint64_t>& addresses, const void* data,
                                 std::size_t len, ElementWidth width) {
    if (addresses.empty()) return;
    transport(tlm::TLM_WRITE_COMMAND, addresses.front(), const_cast<void*>(data), len, width,
              &addresses);
    // A target reached directly (no router in between) takes only the first address.
    if (addresses.size() > 1 && !m_multicast_ext.handled)
        for (std::size_t i = 1; i < addresses.size(); ++i)
            transport(tlm::TLM_WRITE_COMMAND, addresses[i], const_cast<void*>(data), len, width);
}

void Controller::digital(DigitalOp op, std::uint64_t count) {
    if (count == 0) return;
    if (op == DigitalOp::nonlinear && !m_nonlinear_used) {
        m_nonlinear_used = true;
        price_datapath();
    }
    ledger().book(m_act[static_cast<int>(op)], count);
    const std::uint64_t per_lane = op == DigitalOp::nonlinear ? m_nonlinear_cycles : 1;
    const sc_core::sc_time t = cycles((count + m_simd_lanes - 1) / m_simd_lanes + (per_lane - 1));
    add_busy(m_qk.get_current_time(), t, kDigitalNames[static_cast<int>(op)]);
    m_qk.inc(t);
    sync_if_needed();
}

void Controller::collect_stats(StatSet& stats) const {
    stats.set("transactions", static_cast<double>(m_transactions), Unit::none,
              "transactions issued");
    stats.set("datapath_gates", datapath_gates(), Unit::none,
              "NAND2 gate equivalents of the datapath (area and leakage)");
}

NEUROTLM_REGISTER_COMPONENT("controller", Controller,
                            "the initiator that runs the workload through drivers; does the "
                            "digital work between analog operations");

} // namespace neurotlm
