#include "neurotlm/blocks/hopfield/array_module.h"

#include <algorithm>
#include <cmath>

#include "neurotlm/blocks/hopfield/array_registers.h"
#include "neurotlm/devices/technology.h"
#include "neurotlm/modules/registry.h"

namespace neurotlm {

ParamTable HopfieldArray::param_table() {
    ParamTable t = HopfieldSpec::table().params();
    t.number("leakage", Unit::watt, nullptr,
             "static power of the array's logic; default: per neuron a clocked comparator and a "
             "state flip-flop, in gate equivalents x the technology's gate leakage",
             0.0, 1e3)
        .optional();
    add_common_params(t);
    return t;
}

double HopfieldArray::estimate_bytes(const Params& p) {
    const double n = static_cast<double>(p.integer("neurons"));
    const double k = static_cast<double>(p.integer("memories"));
    const double pairs = static_cast<double>(p.integer("pairs_per_weight"));
    // Per slot: target weights (float), MTJ states (2 L bytes per site) and one float factor
    // per MTJ should the device vary (counted always: the device is resolved only at build);
    // for the active slot: M^T (float), G+ - G- (double); the packed patterns window.
    const double variation = 4.0 * 2.0 * pairs;
    return n * n * (k * (4.0 + 2.0 * pairs + variation) + 4.0 + 8.0) +
           static_cast<double>(p.integer("max_patterns")) * std::ceil(n / 32.0) * 4.0;
}

HopfieldArray::HopfieldArray(const sc_core::sc_module_name& name, const Params& params,
                             const ComponentContext& context)
    : Component(name, params, context, hopfield::regs::register_map()) {
    if (!context.devices) throw std::logic_error("hopfield_array built without a device library");
    HopfieldSpec spec = HopfieldSpec::from_params(params, *context.devices);
    spec.clock_Hz = clock_Hz();
    m_net = std::make_unique<HopfieldNetwork>(spec, rng().derive("network"));
    m_neurons = spec.neurons;
    m_memories = spec.memories;
    m_max_patterns = static_cast<std::uint32_t>(spec.max_patterns);
    const std::size_t words = hopfield::regs::words(static_cast<std::uint64_t>(m_neurons));
    m_probe.assign(words, 0u);
    m_state.assign(words, 0u);
    m_patterns.assign(static_cast<std::size_t>(m_max_patterns) * words, 0u);
    m_stored.resize(static_cast<std::size_t>(m_memories));

    namespace h = hopfield::regs;
    regmap::RegisterBank& regs = registers();
    regs.bind(h::NEURONS, [this] { return static_cast<std::uint32_t>(m_neurons); });
    regs.bind(h::MEMORIES, [this] { return static_cast<std::uint32_t>(m_memories); });
    regs.bind(h::SELECT, m_select);
    regs.bind(h::PATTERN_COUNT, m_pattern_count);
    regs.bind(h::ITERATIONS, [this] { return m_iterations; });
    regs.bind(h::RECALL_FLAGS, [this] { return m_flags; });
    regs.bind(h::FAILED_WRITES, [this] { return m_failed_writes; });
    regs.bind(h::MAX_PATTERNS, [this] { return m_max_patterns; });
    regs.bind(h::PROBE, m_probe);
    regs.bind(h::STATE, m_state);
    regs.bind(h::PATTERNS, m_patterns);
    regs.check_complete();

    m_actions = ledger().declare(HopfieldNetwork::energy_table());
    // The logic that leaks: per neuron its threshold comparator and state register (the MTJs
    // are non-volatile and the converters' analog drivers are not counted; assumed).
    const double gates = m_neurons * (Technology::kComparatorGates + Technology::kFlipFlopGates);
    ledger().set_leakage_power(params.present("leakage") ? params.number("leakage")
                                                         : context.tech().leakage_W(gates));
}

void HopfieldArray::unpack(const std::uint32_t* words, HopfieldPattern& out) const {
    out.resize(static_cast<std::size_t>(m_neurons));
    for (int i = 0; i < m_neurons; ++i)
        out[static_cast<std::size_t>(i)] = (words[i / 32] >> (i % 32)) & 1u ? 1 : -1;
}

std::uint64_t HopfieldArray::execute(std::uint32_t code, const sc_core::sc_time& start,
                                     std::uint32_t& error) {
    namespace h = hopfield::regs;
    if ((code == h::STORE.value || code == h::RECALL.value) &&
        m_select >= static_cast<std::uint32_t>(m_memories)) {
        error = h::kErrBadSlot.value;
        return 0;
    }
    switch (code) {
    case h::STORE.value: {
        if (m_pattern_count == 0 || m_pattern_count > m_max_patterns) {
            error = regmap::kErrBadSize.value;
            return 0;
        }
        std::vector<HopfieldPattern> patterns(m_pattern_count);
        const std::size_t words = h::words(static_cast<std::uint64_t>(m_neurons));
        for (std::uint32_t p = 0; p < m_pattern_count; ++p)
            unpack(m_patterns.data() + p * words, patterns[p]);
        const HopfieldWriteCost c = m_net->store(static_cast<int>(m_select), patterns);
        m_stored[m_select] = std::move(patterns);
        m_failed_writes = static_cast<std::uint32_t>(c.failed_writes);
        m_failed_total += c.failed_writes;
        ledger().book(m_actions[kMtjWritePulse], c.pulses, c.write_energy_J);
        ledger().book(m_actions[kVerifyRead], c.verify_reads, c.verify_energy_J);
        return c.cycles;
    }
    case h::RECALL.value: {
        HopfieldPattern probe;
        unpack(m_probe.data(), probe);
        if (m_net->selected() != static_cast<int>(m_select))
            m_net->select(static_cast<int>(m_select));
        RecallOptions options;
        options.record_steps = false;
        const HopfieldRecall r = m_net->recall(probe, options);
        std::fill(m_state.begin(), m_state.end(), 0u);
        for (int i = 0; i < m_neurons; ++i)
            if (r.state[static_cast<std::size_t>(i)] > 0)
                m_state[static_cast<std::size_t>(i / 32)] |= 1u << (i % 32);
        m_iterations = static_cast<std::uint32_t>(r.iterations);
        m_flags = (r.converged ? h::kConverged : 0u) | (r.cycle ? h::kCycle : 0u);
        ++m_recalls;
        m_converged += r.converged ? 1 : 0;
        m_cycles += r.cycle ? 1 : 0;
        EnergyLedger& l = ledger();
        l.book(m_actions[kSynapseRead], r.cost.array_reads, r.cost.synapse_energy_J);
        l.book(m_actions[kConverter], r.cost.conversions, r.cost.converter_energy_J);
        l.book(m_actions[kNeuronEval], r.cost.neuron_evaluations, r.cost.neuron_energy_J);
        return r.cost.cycles;
    }
    default: error = regmap::kErrBadCommand.value; return 0;
    }
}

void HopfieldArray::collect_stats(StatSet& stats) const {
    stats.set("recalls", static_cast<double>(m_recalls), Unit::none, "recalls run");
    stats.set("converged", static_cast<double>(m_converged), Unit::none,
              "recalls that reached a fixed point");
    stats.set("two_cycles", static_cast<double>(m_cycles), Unit::none,
              "synchronous recalls that ended in a 2-cycle");
    stats.set("failed_writes", static_cast<double>(m_failed_total), Unit::none,
              "MTJ writes that left the cell in the wrong state");
    stats.set("neurons", m_neurons, Unit::none, "neurons N");
    stats.set("memories", m_memories, Unit::none, "memories K held by each synapse site");
}

NEUROTLM_REGISTER_COMPONENT("hopfield_array", HopfieldArray,
                            "Hopfield associative memory: MTJ synapses holding several memories, "
                            "bipolar converters, threshold neurons");

} // namespace neurotlm
