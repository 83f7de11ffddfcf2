#include "neurotlm/blocks/training_unit/training_unit_module.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "neurotlm/blocks/training_unit/training_unit_registers.h"
#include "neurotlm/core/cycles.h"
#include "neurotlm/devices/library.h"
#include "neurotlm/devices/technology.h"
#include "neurotlm/modules/registry.h"

namespace neurotlm {

namespace r = training_unit::regs;

namespace {

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) {
    return (a + b - 1) / b;
}

bool ternary(float v) {
    return v == 0.0f || v == 1.0f || v == -1.0f;
}

/// The weight two MTJ states hold: +1 = (P, AP), -1 = (AP, P), 0 = both alike.
int weight_of(std::uint8_t state) {
    return state == 1u ? 1 : (state == 2u ? -1 : 0);
}

/// The window regions of the map: each window must end before the next one starts.
constexpr std::uint64_t kRegionEnd[] = {
    r::INPUT.offset,         // STATS
    r::OUTPUT.offset,        // INPUT
    r::GRAD_OUT.offset,      // OUTPUT
    r::GRAD_IN.offset,       // GRAD_OUT
    r::WEIGHTS.offset,       // GRAD_IN
    r::SYNAPSE_STATE.offset, // WEIGHTS
    r::STATE.offset,         // SYNAPSE_STATE
};

} // namespace

ParamTable TrainingUnit::param_table() {
    ParamTable t = TrainingUnitSpec::table().params();
    t.integer("max_batch", 100,
              "images the INPUT, OUTPUT and gradient windows hold: the largest batch", 1, 4096);
    add_common_params(t);
    return t;
}

double TrainingUnit::estimate_bytes(const Params& p) {
    const double rows = static_cast<double>(p.integer("rows"));
    const double cols = static_cast<double>(p.integer("columns"));
    const double batch = static_cast<double>(p.integer("max_batch"));
    // Per synapse: the MTJ states (1 byte), two variation factors per MTJ (16), Adam's moments,
    // the gradient and the float weight (16), the weight, MTJ-state and STATE windows (10) and
    // a saved state's copy (11). Per image: the input, gradient and layer copies of a row
    // (4 floats per input) and of an output (8 floats per output).
    return rows * cols * (1.0 + 16.0 + 16.0 + 10.0 + 11.0) + batch * (rows * 16.0 + cols * 32.0) +
           cols * 16.0 * 4.0;
}

double TrainingUnit::logic_gates(const TrainingUnitSpec& s) {
    return static_cast<double>(s.lanes) * s.accumulator_bits * Technology::kFullAdderGates * 20.0;
}

double TrainingUnit::mtj_area_m2(const TrainingUnitSpec& s, const Technology& tech) {
    return s.cell.area_m2 > 0.0 ? s.cell.area_m2 : 40.0 * tech.node_m * tech.node_m;
}

EnergyTable TrainingUnit::energy_table(const TrainingUnitSpec& s, const Technology& tech) {
    const double add_J = tech.add_energy_J(s.accumulator_bits);
    const double mac_J = (s.accumulator_bits + 1) * add_J;
    const double program_J =
        s.cell.write_energy_J > 0.0 ? s.cell.write_energy_J : s.cell.switching.pulse_energy_J();
    return {
        {"synapse_read", 0.0, "one image read from the array: sum V^2 (G1 + G2) t of its synapses",
         energy_class::array},
        {"dac", s.dac_energy_J, "one row driven with a non-zero input for one read",
         energy_class::row_drivers},
        {"sense", s.sense_energy_J, "one column's summed current converted", energy_class::adc},
        {"norm_activation", mac_J,
         "batch norm and activation of one output of one image: one multiply-add, "
         "(accumulator_bits + 1) additions of accumulator_bits",
         energy_class::activation},
        {"backward_arithmetic", add_J,
         "one addition of accumulator_bits in the backward pass (gradients w.r.t. the input, the "
         "weights and batch norm)",
         energy_class::shift_add},
        {"optimizer", s.optimizer_adds * add_J,
         "Adam's proposed step for one parameter (a synapse, a gamma or a beta): optimizer_adds "
         "additions of accumulator_bits",
         energy_class::other},
        {"optimizer_state", 2.0 * s.state_bits * 2.0 * s.state_bit_energy_J,
         "one synapse's two Adam moments read and written back (state_bits each)",
         energy_class::buffers},
        {"write_pulse", 0.0, "one update pulse on an MTJ: V I t of the pulse applied",
         energy_class::write},
        {"program_write", program_J,
         "one MTJ written by PROGRAM or LOAD_STATE (the device's write energy, else its default "
         "switching pulse)",
         energy_class::write},
    };
}

TrainingUnit::TrainingUnit(const sc_core::sc_module_name& name, const Params& params,
                           const ComponentContext& context)
    : Component(name, params, context, r::register_map()) {
    if (!context.devices) throw std::logic_error("training_unit built without a device library");
    m_spec = TrainingUnitSpec::from_params(params, *context.devices);
    m_spec.clock_Hz = clock_Hz();
    m_update_root = rng().derive("update");
    m_rows = static_cast<std::uint32_t>(m_spec.rows);
    m_columns = static_cast<std::uint32_t>(m_spec.columns);
    m_max_batch = static_cast<std::uint32_t>(params.integer("max_batch"));

    // Every window must fit its region of the map.
    const std::uint64_t rows = m_rows, cols = m_columns, batch = m_max_batch;
    const std::uint64_t bytes[] = {8 * r::kStatCount,
                                   batch * rows * 4,
                                   batch * cols * 4,
                                   batch * cols * 4,
                                   batch * rows * 4,
                                   r::synapse_bytes(rows * cols),
                                   r::synapse_bytes(rows * cols)};
    const regmap::Window* windows[] = {&r::STATS,   &r::INPUT,   &r::OUTPUT,       &r::GRAD_OUT,
                                       &r::GRAD_IN, &r::WEIGHTS, &r::SYNAPSE_STATE};
    for (std::size_t k = 0; k < std::size(bytes); ++k) {
        const std::uint64_t room = kRegionEnd[k] - windows[k]->offset;
        if (bytes[k] > room) {
            const bool synapse_window = k >= 5;
            params.fail(synapse_window ? "rows" : "max_batch",
                        std::string("a ") + windows[k]->name + " window of at most " +
                            std::to_string(room) + " bytes (" + windows[k]->layout + ")",
                        std::to_string(bytes[k]) + " bytes");
        }
    }
    m_stats.assign(r::kStatCount, 0.0);
    m_input.assign(batch * rows, 0.0f);
    m_output.assign(batch * cols, 0.0f);
    m_grad_out.assign(batch * cols, 0.0f);
    m_grad_in.assign(batch * rows, 0.0f);
    m_weights.assign(r::synapse_bytes(rows * cols), 0);
    m_synapse_state.assign(r::synapse_bytes(rows * cols), 0u);
    m_state.assign(r::state_floats(rows, cols), 0.0f);

    regmap::RegisterBank& regs = registers();
    regs.bind(r::ROWS, [this] { return m_rows; });
    regs.bind(r::COLUMNS, [this] { return m_columns; });
    regs.bind(r::MAX_BATCH, [this] { return m_max_batch; });
    regs.bind(r::INPUTS, m_inputs);
    regs.bind(r::OUTPUTS, m_outputs);
    regs.bind(r::FLAGS, m_flags);
    regs.bind(r::BATCH, m_batch);
    regs.bind(r::LEARNING_RATE, m_learning_rate);
    regs.bind(r::STEP, [this] { return m_step; });
    regs.bind(r::RESTORE_STEP, m_restore_step);
    regs.bind(r::DRAW_SEED_LO, m_draw_seed_lo);
    regs.bind(r::DRAW_SEED_HI, m_draw_seed_hi, [this] {
        const std::uint64_t seed =
            (static_cast<std::uint64_t>(m_draw_seed_hi) << 32) | m_draw_seed_lo;
        m_update_root = seed ? update_draws(seed) : rng().derive("update");
    });
    regs.bind(r::STATS, m_stats);
    regs.bind(r::INPUT, m_input);
    regs.bind(r::OUTPUT, m_output);
    regs.bind(r::GRAD_OUT, m_grad_out);
    regs.bind(r::GRAD_IN, m_grad_in);
    regs.bind(r::WEIGHTS, m_weights);
    regs.bind(r::SYNAPSE_STATE, m_synapse_state);
    regs.bind(r::STATE, m_state);
    regs.check_complete();

    const Technology& tech = context.tech();
    m_actions = ledger().declare(energy_table(m_spec, tech));
    m_program_energy_J = m_spec.cell.write_energy_J > 0.0 ? m_spec.cell.write_energy_J
                                                          : m_spec.cell.switching.pulse_energy_J();
    m_write_latency_s = m_spec.cell.write_latency_s > 0.0 ? m_spec.cell.write_latency_s
                                                          : m_spec.cell.switching.pulse_width_s;
    const double gates = logic_gates(m_spec);
    m_area_cells_m2 = 2.0 * static_cast<double>(rows * cols) * mtj_area_m2(m_spec, tech);
    m_area_logic_m2 = tech.area_m2(gates);
    m_area_state_m2 =
        static_cast<double>(rows * cols) * 2.0 * m_spec.state_bits * tech.sram_cell_area_m2;
    ledger().set_leakage_power(tech.leakage_W(gates));
}

double TrainingUnit::area_m2() const {
    return m_area_cells_m2 + m_area_logic_m2 + m_area_state_m2;
}

std::uint64_t TrainingUnit::row_write_cycles() const {
    return static_cast<std::uint64_t>(m_layer_in) * cycles_for(m_write_latency_s, clock_Hz());
}

std::uint64_t TrainingUnit::execute(std::uint32_t code, const sc_core::sc_time& start,
                                    std::uint32_t& error) {
    if (code == r::CONFIGURE.value) return configure(error);
    switch (code) {
    case r::PROGRAM.value:
    case r::READ_WEIGHTS.value:
    case r::FORWARD_TRAIN.value:
    case r::FORWARD_INFER.value:
    case r::BACKWARD.value:
    case r::UPDATE.value:
    case r::SAVE_STATE.value:
    case r::LOAD_STATE.value:
        if (!m_layer) {
            error = r::kErrNotConfigured.value;
            return 0;
        }
        break;
    default: error = regmap::kErrBadCommand.value; return 0;
    }
    switch (code) {
    case r::PROGRAM.value: return program(error);
    case r::READ_WEIGHTS.value: {
        const std::vector<std::int8_t> w = m_layer->weights();
        std::copy(w.begin(), w.end(), m_weights.begin());
        return 1;
    }
    case r::FORWARD_TRAIN.value: return forward(true, error);
    case r::FORWARD_INFER.value: return forward(false, error);
    case r::BACKWARD.value: return backward(error);
    case r::UPDATE.value: return update(error);
    case r::SAVE_STATE.value: return save_state();
    default: return load_state(error);
    }
}

std::uint64_t TrainingUnit::configure(std::uint32_t& error) {
    if (m_inputs == 0 || m_outputs == 0) {
        error = regmap::kErrBadSize.value;
        return 0;
    }
    if (m_inputs > m_rows || m_outputs > m_columns) {
        error = r::kErrLayerTooLarge.value;
        return 0;
    }
    // The old layer goes first: its MTJ array refers to m_spec, which stays.
    m_layer.reset();
    m_layer = std::make_unique<GxnorLayer>(static_cast<int>(m_inputs), static_cast<int>(m_outputs),
                                           (m_flags & r::kHidden) != 0, &m_spec,
                                           rng().derive("init"), rng().derive("variation"));
    m_layer->reset_counts();
    m_layer_in = static_cast<int>(m_inputs);
    m_layer_out = static_cast<int>(m_outputs);
    m_step = 0;
    m_train_batch = 0;
    return 1;
}

std::uint64_t TrainingUnit::program(std::uint32_t& error) {
    const std::size_t n = synapses();
    for (std::size_t k = 0; k < n; ++k)
        if (m_weights[k] < -1 || m_weights[k] > 1) {
            error = r::kErrBadWeights.value;
            return 0;
        }
    const std::uint64_t writes =
        m_layer->set_weights(std::vector<std::int8_t>(m_weights.begin(), m_weights.begin() + n));
    ledger().book(m_actions[kProgramWrite], writes);
    m_program_writes += writes;
    return std::max<std::uint64_t>(1, row_write_cycles());
}

std::uint64_t TrainingUnit::forward(bool training, std::uint32_t& error) {
    if (m_batch < 1 || m_batch > m_max_batch) {
        error = r::kErrBadBatch.value;
        return 0;
    }
    const int batch = static_cast<int>(m_batch);
    const std::size_t values = static_cast<std::size_t>(batch) * m_layer_in;
    bool all_ternary = true;
    for (std::size_t k = 0; k < values; ++k) {
        if (!std::isfinite(m_input[k])) {
            error = regmap::kErrBadRange.value;
            return 0;
        }
        all_ternary = all_ternary && ternary(m_input[k]);
    }
    m_layer->reset_counts();
    const std::vector<float>& y = m_layer->forward(m_input.data(), batch, training);
    std::copy(y.begin(), y.end(), m_output.begin());
    const LayerCounts& c = m_layer->counts();
    EnergyLedger& l = ledger();
    l.book(m_actions[kSynapseRead], c.images, c.read_energy_J);
    l.book(m_actions[kDac], c.row_drives);
    l.book(m_actions[kSense], c.conversions);
    const std::uint64_t outputs = static_cast<std::uint64_t>(batch) * m_layer_out;
    l.book(m_actions[kNormActivation], outputs);
    m_layer->reset_counts();
    m_forward_images += static_cast<std::uint64_t>(batch);
    m_train_batch = training ? batch : 0;
    if (training) m_ternary_inputs = all_ternary;
    const std::uint64_t read = cycles_for(m_spec.read_time_s, clock_Hz()) + 1;
    return static_cast<std::uint64_t>(batch) * read +
           ceil_div(outputs, static_cast<std::uint64_t>(m_spec.lanes));
}

std::uint64_t TrainingUnit::backward(std::uint32_t& error) {
    if (m_train_batch == 0) {
        error = r::kErrNoTrainingForward.value;
        return 0;
    }
    if (m_batch != static_cast<std::uint32_t>(m_train_batch)) {
        error = r::kErrBadBatch.value;
        return 0;
    }
    const std::size_t values = static_cast<std::size_t>(m_train_batch) * m_layer_out;
    for (std::size_t k = 0; k < values; ++k)
        if (!std::isfinite(m_grad_out[k])) {
            error = regmap::kErrBadRange.value;
            return 0;
        }
    const bool want = (m_flags & r::kWantInput) != 0;
    const std::vector<float>& g = m_layer->backward(m_grad_out.data(), want);
    std::copy(g.begin(), g.end(), m_grad_in.begin());
    // Additions of accumulator_bits per image: the input gradient (a ternary weight adds or
    // subtracts), the weight gradient (ternary inputs add; others shift-add over input_bits)
    // and 4 multiply-adds per output for batch norm.
    const std::uint64_t synapses_n = synapses();
    const std::uint64_t per_image =
        (want ? synapses_n : 0) +
        synapses_n * (m_ternary_inputs ? 1u : static_cast<std::uint64_t>(m_spec.input_bits)) +
        4u * static_cast<std::uint64_t>(m_layer_out) *
            static_cast<std::uint64_t>(m_spec.accumulator_bits + 1);
    const std::uint64_t additions = per_image * static_cast<std::uint64_t>(m_train_batch);
    ledger().book(m_actions[kBackwardArithmetic], additions);
    m_layer->reset_counts();
    m_backward_images += static_cast<std::uint64_t>(m_train_batch);
    return std::max<std::uint64_t>(1,
                                   ceil_div(additions, static_cast<std::uint64_t>(m_spec.lanes)));
}

std::uint64_t TrainingUnit::update(std::uint32_t& error) {
    if (!std::isfinite(m_learning_rate) || m_learning_rate < 0.0f) {
        error = regmap::kErrBadRange.value;
        return 0;
    }
    // Each step draws from its own stream, so a run restored from a checkpoint draws what the
    // uninterrupted run would have.
    RngStream draws = m_update_root.derive("step " + std::to_string(m_step + 1));
    const UpdateStats s = m_layer->update(static_cast<double>(m_learning_rate), draws);
    ++m_step;
    ++m_updates;
    m_totals.add(s);
    m_stats[r::kStatProposed] = static_cast<double>(s.proposed);
    m_stats[r::kStatBlocked] = static_cast<double>(s.blocked);
    m_stats[r::kStatPulses] = static_cast<double>(s.pulses);
    m_stats[r::kStatSwitched] = static_cast<double>(s.switched);
    m_stats[r::kStatTransitions] = static_cast<double>(s.transitions);
    m_stats[r::kStatStochasticPulses] = static_cast<double>(s.stochastic_pulses);
    m_stats[r::kStatIntendedP] = s.intended_p;
    m_stats[r::kStatRealisedP] = s.realised_p;
    m_stats[r::kStatAbsErrorP] = s.abs_error_p;
    m_stats[r::kStatPulseEnergy] = s.pulse_energy_J;
    m_stats[r::kStatPulseTime] = s.pulse_time_s;
    m_stats[r::kStatSynapses] = static_cast<double>(s.synapses);
    EnergyLedger& l = ledger();
    l.book(m_actions[kOptimizer], s.synapses + 2u * static_cast<std::uint64_t>(m_layer_out));
    l.book(m_actions[kOptimizerState], s.synapses);
    l.book(m_actions[kWritePulse], s.pulses, s.pulse_energy_J);
    return std::max<std::uint64_t>(1,
                                   ceil_div(s.synapses, static_cast<std::uint64_t>(m_spec.lanes)) +
                                       cycles_for(s.pulse_time_s, clock_Hz()));
}

std::uint64_t TrainingUnit::save_state() {
    const GxnorLayer::State s = m_layer->state();
    float* p = m_state.data();
    for (const auto* v : {&s.gamma, &s.beta, &s.running_mean, &s.running_var, &s.m_g, &s.v_g,
                          &s.m_b, &s.v_b, &s.m_w, &s.v_w})
        p = std::copy(v->begin(), v->end(), p);
    std::copy(s.weights.begin(), s.weights.end(), m_weights.begin());
    std::copy(s.mtj_states.begin(), s.mtj_states.end(), m_synapse_state.begin());
    m_step = static_cast<std::uint32_t>(s.step);
    return 1;
}

std::uint64_t TrainingUnit::load_state(std::uint32_t& error) {
    const std::size_t n = synapses(), o = static_cast<std::size_t>(m_layer_out);
    for (std::size_t k = 0; k < n; ++k)
        if (m_synapse_state[k] > 3u || weight_of(m_synapse_state[k]) != m_weights[k]) {
            error = r::kErrBadWeights.value;
            return 0;
        }
    GxnorLayer::State s;
    const float* p = m_state.data();
    for (auto* v :
         {&s.gamma, &s.beta, &s.running_mean, &s.running_var, &s.m_g, &s.v_g, &s.m_b, &s.v_b}) {
        v->assign(p, p + o);
        p += o;
    }
    s.m_w.assign(p, p + n);
    s.v_w.assign(p + n, p + 2 * n);
    s.weights.assign(m_weights.begin(), m_weights.begin() + static_cast<std::ptrdiff_t>(n));
    s.mtj_states.assign(m_synapse_state.begin(),
                        m_synapse_state.begin() + static_cast<std::ptrdiff_t>(n));
    s.step = m_restore_step;
    // The MTJs written: those whose state differs from what the array holds.
    const std::vector<std::uint8_t> now = m_layer->state().mtj_states;
    std::uint64_t writes = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const unsigned d = static_cast<unsigned>(now[k] ^ s.mtj_states[k]);
        writes += (d & 1u) + ((d >> 1) & 1u);
    }
    m_layer->restore(s);
    m_layer->reset_counts();
    ledger().book(m_actions[kProgramWrite], writes);
    m_program_writes += writes;
    m_step = m_restore_step;
    m_train_batch = 0;
    return 1 + (writes > 0 ? row_write_cycles() : 0);
}

void TrainingUnit::collect_stats(StatSet& stats) const {
    stats.set("forward_images", static_cast<double>(m_forward_images), Unit::none,
              "images through the array (training and inference)");
    stats.set("backward_images", static_cast<double>(m_backward_images), Unit::none,
              "images back-propagated");
    stats.set("updates", static_cast<double>(m_updates), Unit::none, "UPDATE commands");
    stats.set("pulses", static_cast<double>(m_totals.pulses), Unit::none,
              "update write pulses (MTJs pulsed)");
    stats.set("switched", static_cast<double>(m_totals.switched), Unit::none,
              "MTJs an update pulse switched");
    stats.set("transitions", static_cast<double>(m_totals.transitions), Unit::none,
              "weights an update changed");
    stats.set("stochastic_pulses", static_cast<double>(m_totals.stochastic_pulses), Unit::none,
              "update pulses with a target probability below 1");
    stats.set("mean_probability_error",
              m_totals.stochastic_pulses > 0
                  ? m_totals.abs_error_p / static_cast<double>(m_totals.stochastic_pulses)
                  : 0.0,
              Unit::none,
              "mean |realised - intended| switching probability of the stochastic pulses "
              "(device variation and pulse resolution)");
    stats.set("program_writes", static_cast<double>(m_program_writes), Unit::none,
              "MTJs written by PROGRAM and LOAD_STATE");
    stats.set("rows", m_rows, Unit::none, "synapse rows (inputs of the largest layer)");
    stats.set("columns", m_columns, Unit::none, "synapse columns (outputs of the largest layer)");
    stats.set("area_cells", m_area_cells_m2, Unit::square_metre, "area of the MTJs");
    stats.set("area_logic", m_area_logic_m2, Unit::square_metre,
              "area of the near-memory arithmetic");
    stats.set("area_optimizer_state", m_area_state_m2, Unit::square_metre,
              "area of the SRAM holding Adam's moments");
}

NEUROTLM_REGISTER_COMPONENT("training_unit", TrainingUnit,
                            "ternary array of two-MTJ synapses trained in situ: GXNOR's discrete "
                            "transitions by stochastic MTJ switching, near-memory backward pass "
                            "and optimiser");

} // namespace neurotlm
