#include "neurotlm/blocks/hopfield/hopfield.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "neurotlm/core/cycles.h"
#include "neurotlm/core/error.h"
#include "neurotlm/devices/library.h"

namespace neurotlm {

namespace {

bool uses_mtjs(WeightStorage s) {
    return s != WeightStorage::ideal;
}

} // namespace

const char* to_string(HopfieldLearning v) {
    return v == HopfieldLearning::hebbian ? "hebbian" : "storkey";
}

const char* to_string(WeightStorage v) {
    switch (v) {
    case WeightStorage::ideal: return "float";
    case WeightStorage::ternary: return "ternary";
    case WeightStorage::multilevel: return "multilevel";
    }
    return "?";
}

const char* to_string(UpdateOrder v) {
    switch (v) {
    case UpdateOrder::synchronous: return "synchronous";
    case UpdateOrder::sequential: return "sequential";
    case UpdateOrder::random: return "random";
    }
    return "?";
}

// ---------------------------------------------------------------------------------------------
// Specification

HopfieldSpec::HopfieldSpec() {
    // The values of configs/devices/mtj_spin_neuromem.json, so a spec built in code and the
    // default "device" agree (a test checks it).
    cell.type = CellType::mtj;
    cell.source = "R_P and TMR: IMAC-Sim SOT-MRAM netlist values (Amin et al., GLSVLSI 2022), "
                  "reused because Spin-NeuroMem publishes none; V_half assumed";
    const double r_p_ohm = 8488.26;
    cell.tmr0 = 2.0;
    cell.v_half_V = 0.5;
    cell.conductances_S = {1.0 / (r_p_ohm * (1.0 + cell.tmr0)), 1.0 / r_p_ohm};
    cell.read_voltage_V = read_voltage_V;
}

const SpecTable<HopfieldSpec>& HopfieldSpec::table() {
    static const SpecTable<HopfieldSpec> table = [] {
        SpecTable<HopfieldSpec> t;
        t.integer("neurons", NEUROTLM_FIELD(neurons), 32,
                  "number of neurons N (the array is N x N sites)", 1, 65536);
        t.integer("memories", NEUROTLM_FIELD(memories), 1,
                  "weight slots per synapse site (K associative memories; a select picks one)", 1,
                  64);
        t.choice<HopfieldLearning>(
            "learning", NEUROTLM_FIELD(learning),
            {{"hebbian", HopfieldLearning::hebbian}, {"storkey", HopfieldLearning::storkey}},
            "hebbian", "learning rule: Hebbian W = (1/N) sum xi xi^T, or Storkey (1997)");
        t.choice<WeightStorage>("storage", NEUROTLM_FIELD(storage),
                                {{"float", WeightStorage::ideal},
                                 {"ternary", WeightStorage::ternary},
                                 {"multilevel", WeightStorage::multilevel}},
                                "ternary",
                                "weight storage: float (ideal reference), ternary (sign(W) on one "
                                "differential MTJ pair), multilevel (2L+1 levels on L pairs)");
        t.integer("pairs_per_weight", NEUROTLM_FIELD(pairs_per_weight), 1,
                  "L: differential MTJ pairs per weight in parallel (multilevel storage)", 1, 64);
        // Hebbian weights are multiples of 1/N (N <= 65536) and Storkey's of the same order, at
        // most a few P/N (P <= 65536 patterns): a full scale below 1e-6 puts every weight on the
        // top level, one above 1e6 every weight on level 0. Either way the storage holds nothing
        // multilevel, and the level index L W / full_scale must stay a 32-bit integer.
        t.number("full_scale", Unit::none, NEUROTLM_FIELD(full_scale), 0.0,
                 "multilevel: |W| mapped to the top level; 0 = the largest |W_ij|, else 1e-6 to "
                 "1e6 (learned weights are of order 1/N to P/N)",
                 1e-6, 1e6)
            .or_zero();
        t.choice<bool>("zero_state", NEUROTLM_FIELD(zero_state_parallel),
                       {{"ap", false}, {"p", true}}, "ap",
                       "state of both MTJs of a zero-weight pair (AP draws less read current)");
        t.choice<UpdateOrder>("update", NEUROTLM_FIELD(update),
                              {{"synchronous", UpdateOrder::synchronous},
                               {"sequential", UpdateOrder::sequential},
                               {"random", UpdateOrder::random}},
                              "synchronous",
                              "update order: synchronous, asynchronous in index order, or "
                              "asynchronous in a random order per sweep");
        t.integer("max_iterations", NEUROTLM_FIELD(max_iterations), 100,
                  "iterations (synchronous) or sweeps (asynchronous) before a recall gives up", 1,
                  1e6);
        t.integer("max_patterns", NEUROTLM_FIELD(max_patterns), 256,
                  "patterns one STORE can take (size of the PATTERNS window)", 1, 65536);
        t.params().string("device", kDefaultDevice,
                          "the MTJ: a name under /devices or a preset in configs/devices (type "
                          "mtj or sot_mram; its switching parameters drive the writes)");
        t.positive("read_voltage", Unit::volt, NEUROTLM_FIELD(read_voltage_V), 0.1,
                   "converter output magnitude V_read on the rows (default 0.1 V: assumed)");
        t.positive("read_time", Unit::second, NEUROTLM_FIELD(read_time_s), 2e-9,
                   "integration window of one array read (default 2 ns: assumed)");
        t.number("converter_energy", Unit::joule, NEUROTLM_FIELD(converter_energy_J), 5e-15,
                 "one binary-to-bipolar converter driving its row pair for one read (default "
                 "5 fJ: assumed)",
                 0.0);
        t.number("neuron_energy", Unit::joule, NEUROTLM_FIELD(neuron_energy_J), 10e-15,
                 "one neuron (current comparator) evaluation (default 10 fJ: assumed)", 0.0);
        t.number("neuron_latency", Unit::second, NEUROTLM_FIELD(neuron_latency_s), 0.5e-9,
                 "comparator decision time after a read (default 0.5 ns: assumed)", 0.0);
        t.boolean("write_verify", NEUROTLM_FIELD(write_verify), false,
                  "read each written MTJ back and pulse again if it did not switch");
        t.integer("write_retries", NEUROTLM_FIELD(write_retries), 3,
                  "extra pulses write-verify may spend on one MTJ", 0, 1000);
        t.number("verify_energy", Unit::joule, NEUROTLM_FIELD(verify_energy_J), 10e-15,
                 "one verify read (default 10 fJ: assumed)", 0.0);
        t.number("verify_time", Unit::second, NEUROTLM_FIELD(verify_time_s), 2e-9,
                 "one verify read (default 2 ns: assumed)", 0.0);
        return t;
    }();
    return table;
}

HopfieldSpec HopfieldSpec::from_params(const Params& p, const DeviceLibrary& devices) {
    HopfieldSpec s = table().build(p);
    if (s.storage != WeightStorage::multilevel && s.pairs_per_weight != 1)
        p.fail("pairs_per_weight", "1 (more pairs per weight need storage \"multilevel\")",
               std::to_string(s.pairs_per_weight));
    // The converter sets the read bias.
    s.cell = resolve_tunnel_junction(p, devices, s.read_voltage_V);
    return s;
}

HopfieldSpec HopfieldSpec::from_json(const json& object, const std::string& file,
                                     const std::string& pointer) {
    const DeviceLibrary devices(DeviceLibrary::default_search_dirs(""));
    return from_params(Params::validate(object, table().params(), file, pointer), devices);
}

EnergyTable HopfieldNetwork::energy_table() {
    return {
        {"synapse_read", 0.0, "array read: sum V^2 G t over the conducting MTJs (data-dependent)",
         energy_class::array},
        {"converter", 0.0, "binary-to-bipolar converter driving its rows",
         energy_class::row_drivers},
        // A threshold neuron senses its column against a reference: a sense amplifier.
        {"neuron_eval", 0.0, "threshold neuron evaluation", energy_class::adc},
        {"mtj_write_pulse", 0.0, "MTJ write pulse (V I t), retries included", energy_class::write},
        {"verify_read", 0.0, "write-verify read", energy_class::write},
    };
}

HopfieldWriteCost& HopfieldWriteCost::operator+=(const HopfieldWriteCost& o) {
    synapses_changed += o.synapses_changed;
    switches_needed += o.switches_needed;
    pulses += o.pulses;
    failed_writes += o.failed_writes;
    verify_reads += o.verify_reads;
    write_energy_J += o.write_energy_J;
    verify_energy_J += o.verify_energy_J;
    latency_s += o.latency_s;
    cycles += o.cycles;
    return *this;
}

// ---------------------------------------------------------------------------------------------
// Network

HopfieldNetwork::HopfieldNetwork(const HopfieldSpec& spec, RngStream rng)
    : m_spec(spec), m_write_rng(rng.derive("write")), m_update_rng(rng.derive("update")) {
    const int n = spec.neurons;
    if (n < 1) throw InputError("HopfieldNetwork: a network needs at least one neuron");
    if (spec.memories < 1) throw InputError("HopfieldNetwork: memories must be >= 1");
    if (spec.max_iterations < 1) throw InputError("HopfieldNetwork: max_iterations must be >= 1");
    if (spec.storage == WeightStorage::multilevel && spec.pairs_per_weight < 1)
        throw InputError("HopfieldNetwork: pairs_per_weight must be >= 1");
    if (spec.storage == WeightStorage::ternary && spec.pairs_per_weight != 1)
        throw InputError("HopfieldNetwork: ternary storage uses one MTJ pair per weight "
                         "(pairs_per_weight > 1 needs multilevel storage)");
    if (spec.cell.type == CellType::rram || spec.cell.levels() != 2)
        throw InputError("HopfieldNetwork: the synapse cell must be an MTJ (two states)");
    if (!(spec.read_voltage_V > 0.0)) throw InputError("HopfieldNetwork: read voltage must be > 0");
    m_pairs = spec.storage == WeightStorage::multilevel ? spec.pairs_per_weight : 1;

    m_g_p_S = spec.cell.conductance_at(1, spec.read_voltage_V);
    m_g_ap_S = spec.cell.conductance_at(0, spec.read_voltage_V);
    m_unit_current_A = spec.read_voltage_V * (m_g_p_S - m_g_ap_S);

    const std::size_t sites = static_cast<std::size_t>(n) * n;
    const std::size_t mtjs = sites * static_cast<std::size_t>(m_pairs) * 2;
    m_slots.resize(static_cast<std::size_t>(spec.memories));
    for (Slot& s : m_slots) {
        s.target = empty_weights(n, spec.learning);
        if (uses_mtjs(spec.storage)) s.state.assign(mtjs, 0);
    }
    if (uses_mtjs(spec.storage) && spec.cell.variation_sigma > 0.0) {
        RngStream var = rng.derive("variation");
        m_variation.resize(mtjs * m_slots.size());
        for (float& f : m_variation)
            f = static_cast<float>(var.lognormal_factor(spec.cell.variation_sigma));
    }
    m_theta.assign(static_cast<std::size_t>(n), 0.0);
    rebuild();
}

void HopfieldNetwork::check_slot(int slot, const char* who) const {
    if (slot < 0 || slot >= static_cast<int>(m_slots.size()))
        throw InputError(std::string(who) + ": slot " + std::to_string(slot) + " outside [0, " +
                         std::to_string(m_slots.size()) + ")");
}

void HopfieldNetwork::check_pattern(const HopfieldPattern& s, const char* who) const {
    if (static_cast<int>(s.size()) != neurons())
        throw InputError(std::string(who) + ": state of " + std::to_string(s.size()) +
                         " entries for " + std::to_string(neurons()) + " neurons");
    for (std::int8_t v : s)
        if (v != 1 && v != -1) throw InputError(std::string(who) + ": states must be -1 or +1");
}

HopfieldWriteCost HopfieldNetwork::store(int slot, const std::vector<HopfieldPattern>& patterns) {
    return program_weights(slot, learn_weights(patterns, neurons(), m_spec.learning));
}

HopfieldWriteCost HopfieldNetwork::program_weights(int slot, const HopfieldWeights& weights) {
    check_slot(slot, "HopfieldNetwork::program_weights");
    const int n = neurons();
    if (weights.neurons != n || weights.w.size() != static_cast<std::size_t>(n) * n)
        throw InputError("HopfieldNetwork::program_weights: weights for " +
                         std::to_string(weights.neurons) + " neurons, network has " +
                         std::to_string(n));
    Slot& s = m_slots[static_cast<std::size_t>(slot)];
    s.target = weights;
    s.programmed = true;
    HopfieldWriteCost cost;
    if (!uses_mtjs(m_spec.storage)) {
        if (slot == m_active) rebuild();
        return cost;
    }

    const int pairs = m_pairs;
    double full_scale = 1.0;
    if (m_spec.storage == WeightStorage::multilevel) {
        full_scale = m_spec.full_scale;
        if (!(full_scale > 0.0)) {
            full_scale = 0.0;
            for (int i = 0; i < n; ++i)
                for (int j = 0; j < n; ++j)
                    if (i != j) full_scale = std::max(full_scale, std::fabs(weights.at(i, j)));
        }
    }
    const std::uint8_t zero = m_spec.zero_state_parallel ? 1 : 0;
    const MtjSwitchingSpec& sw = m_spec.cell.switching;
    const double p_switch = sw.switching_probability();
    const double pulse_J = sw.pulse_energy_J();
    const double round_s = sw.pulse_width_s + (m_spec.write_verify ? m_spec.verify_time_s : 0.0);
    const int max_pulses = m_spec.write_verify ? 1 + m_spec.write_retries : 1;

    std::vector<std::uint8_t> want(static_cast<std::size_t>(pairs) * 2);
    for (int i = 0; i < n; ++i) {
        int rounds_to_p = 0, rounds_to_ap = 0;
        for (int j = 0; j < n; ++j) {
            if (i == j) continue;
            const double v = weights.at(i, j);
            int q = 0;
            if (m_spec.storage == WeightStorage::ternary)
                q = (v > 0.0) - (v < 0.0);
            else if (full_scale > 0.0)
                // Clamped before rounding: a weight far above the full scale saturates on the
                // top level instead of overflowing the integer conversion.
                q = static_cast<int>(
                    std::lround(std::clamp(v * pairs / full_scale, -double(pairs), double(pairs))));
            // |q| pairs at +-1, the rest at zero: (P, AP) = +1, (AP, P) = -1.
            for (int l = 0; l < pairs; ++l) {
                std::uint8_t plus = zero, minus = zero;
                if (l < std::abs(q)) {
                    plus = q > 0 ? 1 : 0;
                    minus = q > 0 ? 0 : 1;
                }
                want[static_cast<std::size_t>(l) * 2] = plus;
                want[static_cast<std::size_t>(l) * 2 + 1] = minus;
            }
            const std::size_t base = (static_cast<std::size_t>(i) * n + j) * pairs * 2;
            bool changed = false;
            for (std::size_t m = 0; m < want.size(); ++m) {
                std::uint8_t& state = s.state[base + m];
                if (state == want[m]) continue;
                changed = true;
                ++cost.switches_needed;
                int used = 0;
                bool ok = false;
                while (!ok && used < max_pulses) {
                    ++used;
                    ok = m_write_rng.bernoulli(p_switch);
                }
                cost.pulses += static_cast<std::uint64_t>(used);
                if (m_spec.write_verify) cost.verify_reads += static_cast<std::uint64_t>(used);
                if (ok)
                    state = want[m];
                else
                    ++cost.failed_writes;
                int& rounds = want[m] ? rounds_to_p : rounds_to_ap;
                rounds = std::max(rounds, used);
            }
            if (changed) ++cost.synapses_changed;
        }
        cost.latency_s += (rounds_to_p + rounds_to_ap) * round_s;
    }
    cost.write_energy_J = static_cast<double>(cost.pulses) * pulse_J;
    cost.verify_energy_J = static_cast<double>(cost.verify_reads) * m_spec.verify_energy_J;
    cost.cycles = cycles_for(cost.latency_s, m_spec.clock_Hz);
    s.full_scale = full_scale;
    if (slot == m_active) rebuild();
    return cost;
}

void HopfieldNetwork::select(int slot) {
    check_slot(slot, "HopfieldNetwork::select");
    if (slot == m_active) return;
    m_active = slot;
    rebuild();
}

void HopfieldNetwork::set_threshold(std::vector<double> theta) {
    if (theta.empty()) theta.assign(static_cast<std::size_t>(neurons()), 0.0);
    if (static_cast<int>(theta.size()) != neurons())
        throw InputError("HopfieldNetwork::set_threshold: " + std::to_string(theta.size()) +
                         " thresholds for " + std::to_string(neurons()) + " neurons");
    m_theta = std::move(theta);
    m_theta_m.resize(m_theta.size());
    for (std::size_t i = 0; i < m_theta.size(); ++i)
        m_theta_m[i] = m_theta[i] / m_unit;
}

const HopfieldWeights& HopfieldNetwork::target_weights(int slot) const {
    check_slot(slot, "HopfieldNetwork::target_weights");
    return m_slots[static_cast<std::size_t>(slot)].target;
}

const std::vector<std::uint8_t>& HopfieldNetwork::mtj_states(int slot) const {
    check_slot(slot, "HopfieldNetwork::mtj_states");
    return m_slots[static_cast<std::size_t>(slot)].state;
}

double HopfieldNetwork::mtj_conductance_S(int slot, std::size_t index, bool parallel) const {
    const double g = parallel ? m_g_p_S : m_g_ap_S;
    if (m_variation.empty()) return g;
    const std::size_t per_slot = m_slots.front().state.size();
    return g * m_variation[static_cast<std::size_t>(slot) * per_slot + index];
}

void HopfieldNetwork::rebuild() {
    const int n = neurons();
    const std::size_t nn = static_cast<std::size_t>(n) * n;
    const Slot& s = m_slots[static_cast<std::size_t>(m_active)];
    m_mt.assign(nn, 0.0f);
    m_gdiff_S.assign(nn, 0.0);
    m_gcol_S.assign(static_cast<std::size_t>(n), 0.0);
    m_gtotal_S = 0.0;
    const double dg = m_g_p_S - m_g_ap_S;

    if (!uses_mtjs(m_spec.storage)) {
        m_unit = s.target.scale;
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) {
                const std::size_t ij = static_cast<std::size_t>(i) * n + j;
                m_mt[static_cast<std::size_t>(j) * n + i] = s.target.w[ij];
                m_gdiff_S[ij] = dg * s.target.scale * s.target.w[ij];
            }
    } else {
        const int pairs = m_pairs;
        m_unit = m_spec.storage == WeightStorage::multilevel ? s.full_scale / pairs : 1.0;
        if (!(m_unit > 0.0)) m_unit = 1.0; // an all-zero multilevel matrix has no scale
        const bool exact = m_variation.empty();
        for (int i = 0; i < n; ++i) {
            double gcol = 0.0;
            for (int j = 0; j < n; ++j) {
                if (i == j) continue;
                const std::size_t site = static_cast<std::size_t>(i) * n + j;
                const std::size_t base = site * pairs * 2;
                double gp = 0.0, gm = 0.0;
                int count = 0;
                for (int l = 0; l < pairs; ++l) {
                    const std::size_t a = base + static_cast<std::size_t>(l) * 2;
                    gp += mtj_conductance_S(a, s.state[a] != 0);
                    gm += mtj_conductance_S(a + 1, s.state[a + 1] != 0);
                    count += int(s.state[a]) - int(s.state[a + 1]);
                }
                m_gdiff_S[site] = gp - gm;
                gcol += gp + gm;
                // Without variation every weight is an exact multiple of one step: keep it an
                // integer so that fields and ties are exact.
                m_mt[static_cast<std::size_t>(j) * n + i] =
                    exact ? static_cast<float>(count) : static_cast<float>((gp - gm) / dg);
            }
            m_gcol_S[static_cast<std::size_t>(i)] = gcol;
            m_gtotal_S += gcol;
        }
    }
    set_threshold(m_theta);
}

std::vector<double> HopfieldNetwork::effective_weights() const {
    const int n = neurons();
    std::vector<double> w(static_cast<std::size_t>(n) * n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            w[static_cast<std::size_t>(i) * n + j] =
                m_unit * m_mt[static_cast<std::size_t>(j) * n + i];
    return w;
}

SynapseArray HopfieldNetwork::synapse_array(int slot) const {
    if (!uses_mtjs(m_spec.storage))
        throw InputError("HopfieldNetwork::synapse_array: float storage has no MTJ array");
    check_slot(slot, "HopfieldNetwork::synapse_array");
    const int n = neurons();
    const Slot& s = m_slots[static_cast<std::size_t>(slot)];
    SynapseArray a;
    a.neurons = n;
    a.cells_per_side = m_pairs;
    a.read_voltage_V = m_spec.read_voltage_V;
    a.tmr0 = m_spec.cell.tmr0;
    a.v_half_V = m_spec.cell.v_half_V;
    const std::size_t cells = static_cast<std::size_t>(n) * n * m_pairs;
    a.g_plus_S.assign(cells, 0.0);
    a.g_minus_S.assign(cells, 0.0);
    a.parallel_plus.assign(cells, 0);
    a.parallel_minus.assign(cells, 0);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            if (i == j) continue;
            for (int l = 0; l < m_pairs; ++l) {
                const std::size_t c = (static_cast<std::size_t>(i) * n + j) * m_pairs + l;
                a.parallel_plus[c] = s.state[2 * c] != 0;
                a.parallel_minus[c] = s.state[2 * c + 1] != 0;
                a.g_plus_S[c] = mtj_conductance_S(slot, 2 * c, a.parallel_plus[c]);
                a.g_minus_S[c] = mtj_conductance_S(slot, 2 * c + 1, a.parallel_minus[c]);
            }
        }
    return a;
}

void HopfieldNetwork::field(const HopfieldPattern& s, std::vector<double>& h) const {
    const int n = neurons();
    h.assign(static_cast<std::size_t>(n), 0.0);
    double* hp = h.data();
    for (int j = 0; j < n; ++j) {
        const float* col = m_mt.data() + static_cast<std::size_t>(j) * n;
        if (s[static_cast<std::size_t>(j)] > 0)
            for (int i = 0; i < n; ++i)
                hp[i] += col[i];
        else
            for (int i = 0; i < n; ++i)
                hp[i] -= col[i];
    }
}

std::vector<double> HopfieldNetwork::input_currents_A(const HopfieldPattern& s) const {
    check_pattern(s, "HopfieldNetwork::input_currents_A");
    const int n = neurons();
    std::vector<double> out(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        const double* g = m_gdiff_S.data() + static_cast<std::size_t>(i) * n;
        double acc = 0.0;
        for (int j = 0; j < n; ++j)
            acc += s[static_cast<std::size_t>(j)] * g[j];
        out[static_cast<std::size_t>(i)] = m_spec.read_voltage_V * acc;
    }
    return out;
}

double HopfieldNetwork::energy(const HopfieldPattern& s) const {
    check_pattern(s, "HopfieldNetwork::energy");
    std::vector<double> h;
    field(s, h);
    double quad = 0.0, lin = 0.0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        quad += s[i] * h[i];
        lin += m_theta[i] * s[i];
    }
    return -0.5 * m_unit * quad + lin;
}

void HopfieldNetwork::book_read(HopfieldReadCost& cost, int column) const {
    const double v2t = m_spec.read_voltage_V * m_spec.read_voltage_V * m_spec.read_time_s;
    ++cost.array_reads;
    cost.conversions += static_cast<std::uint64_t>(neurons());
    if (column < 0) {
        cost.neuron_evaluations += static_cast<std::uint64_t>(neurons());
        cost.synapse_energy_J += v2t * m_gtotal_S;
    } else {
        ++cost.neuron_evaluations;
        cost.synapse_energy_J += v2t * m_gcol_S[static_cast<std::size_t>(column)];
    }
}

// One function on purpose: the update loop of every recall, its three orders sharing the
// field, the cost booking and the convergence and 2-cycle checks.
HopfieldRecall HopfieldNetwork::recall(const HopfieldPattern& probe, const RecallOptions& options) {
    check_pattern(probe, "HopfieldNetwork::recall");
    if (options.target) check_pattern(*options.target, "HopfieldNetwork::recall (target)");
    const int n = neurons();
    HopfieldRecall r;
    HopfieldPattern s = probe;
    std::vector<double> h;
    field(s, h);

    auto energy_of_state = [&] {
        double quad = 0.0, lin = 0.0;
        for (int i = 0; i < n; ++i) {
            quad += s[static_cast<std::size_t>(i)] * h[static_cast<std::size_t>(i)];
            lin += m_theta[static_cast<std::size_t>(i)] * s[static_cast<std::size_t>(i)];
        }
        return -0.5 * m_unit * quad + lin;
    };
    auto record = [&] {
        if (!options.record_steps) return;
        HopfieldStep step;
        step.drive = s;
        step.currents_A = input_currents_A(s);
        step.energy = energy_of_state();
        r.steps.push_back(std::move(step));
    };
    // Comparator: fire above the threshold, keep the state on an exact tie.
    auto decide = [&](int i) -> std::int8_t {
        const double u = h[static_cast<std::size_t>(i)] - m_theta_m[static_cast<std::size_t>(i)];
        return u > 0.0 ? 1 : u < 0.0 ? -1 : s[static_cast<std::size_t>(i)];
    };
    // Flipping s_i moves every field by 2 s_i(new) M_ki: one column of M, O(N).
    auto flip = [&](int i) {
        std::int8_t& v = s[static_cast<std::size_t>(i)];
        v = static_cast<std::int8_t>(-v);
        const float* col = m_mt.data() + static_cast<std::size_t>(i) * n;
        double* hp = h.data();
        if (v > 0)
            for (int k = 0; k < n; ++k)
                hp[k] += 2.0 * col[k];
        else
            for (int k = 0; k < n; ++k)
                hp[k] -= 2.0 * col[k];
    };

    if (m_spec.update == UpdateOrder::synchronous) {
        HopfieldPattern previous, next(static_cast<std::size_t>(n));
        std::vector<int> changed;
        for (int it = 1; it <= m_spec.max_iterations; ++it) {
            record();
            book_read(r.cost, -1);
            changed.clear();
            for (int i = 0; i < n; ++i) {
                next[static_cast<std::size_t>(i)] = decide(i);
                if (next[static_cast<std::size_t>(i)] != s[static_cast<std::size_t>(i)])
                    changed.push_back(i);
            }
            r.iterations = it;
            if (options.record_steps) r.steps.back().flips = static_cast<int>(changed.size());
            if (changed.empty()) {
                r.converged = true;
                break;
            }
            const bool repeats = it >= 2 && next == previous;
            previous = s;
            for (int i : changed)
                flip(i);
            if (options.on_flip)
                for (int i : changed)
                    options.on_flip(i, s);
            if (repeats) {
                r.cycle = true;
                break;
            }
        }
    } else {
        std::vector<int> order(static_cast<std::size_t>(n));
        std::iota(order.begin(), order.end(), 0);
        for (int sweep = 1; sweep <= m_spec.max_iterations; ++sweep) {
            record();
            if (m_spec.update == UpdateOrder::random)
                for (int k = n - 1; k > 0; --k)
                    std::swap(order[static_cast<std::size_t>(k)],
                              order[static_cast<std::size_t>(
                                  m_update_rng.below(static_cast<std::uint64_t>(k) + 1))]);
            int flips = 0;
            for (int i : order) {
                book_read(r.cost, i);
                if (decide(i) != s[static_cast<std::size_t>(i)]) {
                    flip(i);
                    ++flips;
                    if (options.on_flip) options.on_flip(i, s);
                }
            }
            r.iterations = sweep;
            if (options.record_steps) r.steps.back().flips = flips;
            if (flips == 0) {
                r.converged = true;
                break;
            }
        }
    }

    r.energy = energy_of_state();
    r.state = std::move(s);
    if (options.target) r.overlap = overlap(*options.target, r.state);
    HopfieldReadCost& c = r.cost;
    c.converter_energy_J = static_cast<double>(c.conversions) * m_spec.converter_energy_J;
    c.neuron_energy_J = static_cast<double>(c.neuron_evaluations) * m_spec.neuron_energy_J;
    const double per_read_s = m_spec.read_time_s + m_spec.neuron_latency_s;
    c.latency_s = static_cast<double>(c.array_reads) * per_read_s;
    c.cycles = c.array_reads * cycles_for(per_read_s, m_spec.clock_Hz);
    return r;
}

} // namespace neurotlm
