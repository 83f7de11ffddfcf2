#include "neurotlm/blocks/training_unit/training_unit_driver.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "neurotlm/blocks/training_unit/training_unit_registers.h"

namespace neurotlm {

namespace r = training_unit::regs;

TrainingUnitDriver::TrainingUnitDriver(Initiator& bus, std::uint64_t base, std::string name)
    : m_bus(bus), m_base(base), m_name(std::move(name)) {}

void TrainingUnitDriver::fail(const std::string& why) const {
    throw BusError("training unit '" + m_name + "': " + why);
}

void TrainingUnitDriver::probe() {
    if (m_bus.read32(m_base + regmap::ID.offset) != regmap::kIdMagic ||
        m_bus.read32(m_base + regmap::TYPE.offset) != r::kTypeCode)
        throw BusError("component '" + m_name + "' at its address is not a training unit");
    m_rows = static_cast<int>(m_bus.read32(m_base + r::ROWS.offset));
    m_columns = static_cast<int>(m_bus.read32(m_base + r::COLUMNS.offset));
    m_max_batch = static_cast<int>(m_bus.read32(m_base + r::MAX_BATCH.offset));
}

void TrainingUnitDriver::command(std::uint32_t code, const char* what) {
    m_bus.write32(m_base + regmap::CTRL.offset, code);
    if (m_bus.read32(m_base + regmap::STATUS.offset) & regmap::kStatusError) {
        const std::uint32_t err = m_bus.read32(m_base + regmap::ERROR_CODE.offset);
        throw BusError("training unit '" + m_name + "' refused " + what + ": " +
                       r::register_map().error_text(err));
    }
}

void TrainingUnitDriver::need_layer(const char* what) const {
    if (m_inputs == 0) fail(std::string(what) + " before configure()");
}

void TrainingUnitDriver::check_batch(int batch, const char* what) const {
    if (batch < 1 || batch > m_max_batch)
        fail(std::string(what) + " of " + std::to_string(batch) + " images; the unit takes 1.." +
             std::to_string(m_max_batch) + " (max_batch)");
}

void TrainingUnitDriver::configure(int inputs, int outputs, bool hidden) {
    if (inputs < 0 || outputs < 0) fail("a layer of negative size");
    m_bus.write32(m_base + r::INPUTS.offset, static_cast<std::uint32_t>(inputs));
    m_bus.write32(m_base + r::OUTPUTS.offset, static_cast<std::uint32_t>(outputs));
    m_bus.write32(m_base + r::FLAGS.offset, hidden ? r::kHidden : 0u);
    command(r::CONFIGURE.value, "CONFIGURE");
    m_inputs = inputs;
    m_outputs = outputs;
    m_hidden = hidden;
}

void TrainingUnitDriver::program(const std::vector<std::int8_t>& weights) {
    need_layer("program()");
    if (weights.size() != synapses())
        fail(std::to_string(weights.size()) + " weights for a layer of " +
             std::to_string(m_inputs) + " x " + std::to_string(m_outputs));
    m_bytes.assign(static_cast<std::size_t>(r::synapse_bytes(synapses())), 0u);
    std::memcpy(m_bytes.data(), weights.data(), weights.size());
    m_bus.write(m_base + r::WEIGHTS.offset, m_bytes.data(), m_bytes.size());
    command(r::PROGRAM.value, "PROGRAM");
}

std::vector<std::int8_t> TrainingUnitDriver::read_weights() {
    need_layer("read_weights()");
    command(r::READ_WEIGHTS.value, "READ_WEIGHTS");
    m_bytes.resize(static_cast<std::size_t>(r::synapse_bytes(synapses())));
    m_bus.read(m_base + r::WEIGHTS.offset, m_bytes.data(), m_bytes.size());
    std::vector<std::int8_t> w(synapses());
    std::memcpy(w.data(), m_bytes.data(), w.size());
    return w;
}

void TrainingUnitDriver::forward(const float* x, int batch, bool training,
                                 std::vector<float>& out) {
    need_layer("forward()");
    check_batch(batch, "a forward pass");
    const std::size_t b = static_cast<std::size_t>(batch);
    m_bus.write(m_base + r::INPUT.offset, x, b * static_cast<std::size_t>(m_inputs) * 4);
    m_bus.write32(m_base + r::BATCH.offset, static_cast<std::uint32_t>(batch));
    if (training)
        command(r::FORWARD_TRAIN.value, "FORWARD_TRAIN");
    else
        command(r::FORWARD_INFER.value, "FORWARD_INFER");
    out.resize(b * static_cast<std::size_t>(m_outputs));
    m_bus.read(m_base + r::OUTPUT.offset, out.data(), out.size() * 4);
}

void TrainingUnitDriver::backward(const float* grad_out, int batch, bool want_input,
                                  std::vector<float>& grad_in) {
    need_layer("backward()");
    check_batch(batch, "a backward pass");
    const std::size_t b = static_cast<std::size_t>(batch);
    m_bus.write(m_base + r::GRAD_OUT.offset, grad_out, b * static_cast<std::size_t>(m_outputs) * 4);
    m_bus.write32(m_base + r::BATCH.offset, static_cast<std::uint32_t>(batch));
    m_bus.write32(m_base + r::FLAGS.offset,
                  (m_hidden ? r::kHidden : 0u) | (want_input ? r::kWantInput : 0u));
    command(r::BACKWARD.value, "BACKWARD");
    if (!want_input) {
        grad_in.clear();
        return;
    }
    grad_in.resize(b * static_cast<std::size_t>(m_inputs));
    m_bus.read(m_base + r::GRAD_IN.offset, grad_in.data(), grad_in.size() * 4);
}

UpdateStats TrainingUnitDriver::update(double learning_rate) {
    need_layer("update()");
    m_bus.write_float(m_base + r::LEARNING_RATE.offset, static_cast<float>(learning_rate));
    command(r::UPDATE.value, "UPDATE");
    double v[r::kStatCount];
    m_bus.read(m_base + r::STATS.offset, v, sizeof v);
    auto count = [&](r::Stat s) { return static_cast<std::uint64_t>(v[s]); };
    UpdateStats s;
    s.proposed = count(r::kStatProposed);
    s.blocked = count(r::kStatBlocked);
    s.pulses = count(r::kStatPulses);
    s.switched = count(r::kStatSwitched);
    s.transitions = count(r::kStatTransitions);
    s.stochastic_pulses = count(r::kStatStochasticPulses);
    s.intended_p = v[r::kStatIntendedP];
    s.realised_p = v[r::kStatRealisedP];
    s.abs_error_p = v[r::kStatAbsErrorP];
    s.pulse_energy_J = v[r::kStatPulseEnergy];
    s.pulse_time_s = v[r::kStatPulseTime];
    s.synapses = count(r::kStatSynapses);
    return s;
}

GxnorLayer::State TrainingUnitDriver::save_state() {
    need_layer("save_state()");
    command(r::SAVE_STATE.value, "SAVE_STATE");
    GxnorLayer::State s;
    const std::size_t n = synapses(), o = static_cast<std::size_t>(m_outputs);
    m_floats.resize(static_cast<std::size_t>(
        r::state_floats(static_cast<std::uint64_t>(m_inputs), static_cast<std::uint64_t>(o))));
    m_bus.read(m_base + r::STATE.offset, m_floats.data(), m_floats.size() * 4);
    const float* p = m_floats.data();
    for (auto* v :
         {&s.gamma, &s.beta, &s.running_mean, &s.running_var, &s.m_g, &s.v_g, &s.m_b, &s.v_b}) {
        v->assign(p, p + o);
        p += o;
    }
    s.m_w.assign(p, p + n);
    s.v_w.assign(p + n, p + 2 * n);
    m_bytes.resize(static_cast<std::size_t>(r::synapse_bytes(n)));
    m_bus.read(m_base + r::WEIGHTS.offset, m_bytes.data(), m_bytes.size());
    s.weights.resize(n);
    std::memcpy(s.weights.data(), m_bytes.data(), n);
    m_bus.read(m_base + r::SYNAPSE_STATE.offset, m_bytes.data(), m_bytes.size());
    s.mtj_states.assign(m_bytes.begin(), m_bytes.begin() + static_cast<std::ptrdiff_t>(n));
    s.step = m_bus.read32(m_base + r::STEP.offset);
    return s;
}

void TrainingUnitDriver::load_state(const GxnorLayer::State& s) {
    need_layer("load_state()");
    const std::size_t n = synapses(), o = static_cast<std::size_t>(m_outputs);
    bool fits = s.weights.size() == n && s.m_w.size() == n && s.v_w.size() == n &&
                (s.mtj_states.empty() || s.mtj_states.size() == n);
    for (const auto* v :
         {&s.gamma, &s.beta, &s.running_mean, &s.running_var, &s.m_g, &s.v_g, &s.m_b, &s.v_b})
        fits = fits && v->size() == o;
    if (!fits)
        fail("a saved state that does not match the configured layer of " +
             std::to_string(m_inputs) + " x " + std::to_string(m_outputs));
    if (s.step > std::numeric_limits<std::uint32_t>::max())
        fail("a saved step count of " + std::to_string(s.step) + " (RESTORE_STEP is 32 bits)");
    m_floats.clear();
    m_floats.reserve(static_cast<std::size_t>(
        r::state_floats(static_cast<std::uint64_t>(m_inputs), static_cast<std::uint64_t>(o))));
    for (const auto* v : {&s.gamma, &s.beta, &s.running_mean, &s.running_var, &s.m_g, &s.v_g,
                          &s.m_b, &s.v_b, &s.m_w, &s.v_w})
        m_floats.insert(m_floats.end(), v->begin(), v->end());
    m_bus.write(m_base + r::STATE.offset, m_floats.data(), m_floats.size() * 4);
    m_bytes.assign(static_cast<std::size_t>(r::synapse_bytes(n)), 0u);
    std::memcpy(m_bytes.data(), s.weights.data(), n);
    m_bus.write(m_base + r::WEIGHTS.offset, m_bytes.data(), m_bytes.size());
    std::fill(m_bytes.begin(), m_bytes.end(), 0u);
    if (!s.mtj_states.empty()) {
        std::memcpy(m_bytes.data(), s.mtj_states.data(), n);
    } else {
        // What programming the weights leaves: +1 = (P, AP), -1 = (AP, P), 0 = (AP, AP).
        for (std::size_t k = 0; k < n; ++k)
            m_bytes[k] = s.weights[k] > 0 ? 1u : (s.weights[k] < 0 ? 2u : 0u);
    }
    m_bus.write(m_base + r::SYNAPSE_STATE.offset, m_bytes.data(), m_bytes.size());
    m_bus.write32(m_base + r::RESTORE_STEP.offset, static_cast<std::uint32_t>(s.step));
    command(r::LOAD_STATE.value, "LOAD_STATE");
}

void TrainingUnitDriver::seed_draws(std::uint64_t seed) {
    m_bus.write32(m_base + r::DRAW_SEED_LO.offset, static_cast<std::uint32_t>(seed));
    m_bus.write32(m_base + r::DRAW_SEED_HI.offset, static_cast<std::uint32_t>(seed >> 32));
}

} // namespace neurotlm
