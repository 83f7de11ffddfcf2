#include "neurotlm/blocks/training_unit/gxnor.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "neurotlm/core/error.h"
#include "neurotlm/devices/library.h"

namespace neurotlm {

namespace {
using MatrixRM = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MapRM = Eigen::Map<MatrixRM>;
using ConstMapRM = Eigen::Map<const MatrixRM>;

constexpr std::uint8_t kMtj1Parallel = 1u;
constexpr std::uint8_t kMtj2Parallel = 2u;

std::int8_t weight_of(std::uint8_t state) {
    const bool p1 = state & kMtj1Parallel, p2 = state & kMtj2Parallel;
    if (p1 && !p2) return 1;
    if (!p1 && p2) return -1;
    return 0;
}
} // namespace

namespace gxnor {

Transition split(double dw, double dz, double steepness) {
    Transition t;
    if (!(dw != 0.0) || !std::isfinite(dw)) return t;
    t.direction = dw > 0.0 ? 1 : -1;
    const double a = std::fabs(dw) / dz;
    const double whole = std::floor(a);
    t.whole = whole > 2.0 ? 2 : static_cast<int>(whole); // more than 2 steps always clip
    t.p = std::tanh(steepness * (a - whole));
    return t;
}

} // namespace gxnor

// ---------------------------------------------------------------------------------------------
// The spec

TrainingUnitSpec::TrainingUnitSpec() {
    cell.type = CellType::mtj;
    cell.conductances_S = {1.0 / (8488.26 * 3.0), 1.0 / 8488.26};
    cell.tmr0 = 2.0;
    cell.v_half_V = 0.5;
}

const SpecTable<TrainingUnitSpec>& TrainingUnitSpec::table() {
    static const SpecTable<TrainingUnitSpec> table = [] {
        SpecTable<TrainingUnitSpec> t;
        t.integer("rows", NEUROTLM_FIELD(rows), 256,
                  "synapse rows: inputs of the largest layer the array holds", 1, 65536);
        t.integer("columns", NEUROTLM_FIELD(columns), 256,
                  "synapse columns: outputs of the largest layer the array holds", 1, 65536);
        t.params().string("device", kDefaultDevice,
                          "the MTJ: a name under /devices or a preset in configs/devices (type "
                          "mtj or sot_mram; its \"switching\" parameters drive the update pulses)");
        t.number("ic0_sigma", Unit::none, NEUROTLM_FIELD(ic0_sigma), 0.05,
                 "lognormal sigma of the critical current Ic0 from MTJ to MTJ (default 0.05: "
                 "assumed)",
                 0.0, 1.0);
        t.number("delta_sigma", Unit::none, NEUROTLM_FIELD(delta_sigma), 0.05,
                 "lognormal sigma of the thermal stability Delta from MTJ to MTJ (default 0.05: "
                 "assumed)",
                 0.0, 1.0);
        t.choice<PulseControl>("pulse_control", NEUROTLM_FIELD(pulse_control),
                               {{"width", PulseControl::width}, {"current", PulseControl::current}},
                               "width",
                               "what the unit tunes to reach a switching probability: the pulse "
                               "width at the device's write current, or the current at its pulse "
                               "width (both from the inverse of the switching model)");
        t.number("pulse_resolution", Unit::second, NEUROTLM_FIELD(pulse_resolution_s), 0.0,
                 "width step of the pulse generator (widths round to a multiple); 0 = any width",
                 0.0, 1e-3);
        t.positive("read_voltage", Unit::volt, NEUROTLM_FIELD(read_voltage_V), 0.1,
                   "row voltage of a +-1 input (default 0.1 V: assumed)");
        t.positive("read_time", Unit::second, NEUROTLM_FIELD(read_time_s), 2e-9,
                   "integration window of one array read (default 2 ns: assumed)");
        t.integer("input_bits", NEUROTLM_FIELD(input_bits), 8,
                  "DAC resolution of inputs that are not ternary (the first layer's pixels)", 2,
                  16);
        t.number("dac_energy", Unit::joule, NEUROTLM_FIELD(dac_energy_J), 5e-15,
                 "one row driven for one read (default 5 fJ: assumed)", 0.0);
        t.number("sense_energy", Unit::joule, NEUROTLM_FIELD(sense_energy_J), 50e-15,
                 "one column's summed current converted to a digital value (default 50 fJ: "
                 "assumed, an 8-bit SAR at 0.2 fJ per conversion step)",
                 0.0);
        t.integer("accumulator_bits", NEUROTLM_FIELD(accumulator_bits), 16,
                  "width of the near-memory adders (backward pass, gradients, batch norm)", 4, 64);
        t.number("optimizer_adds", Unit::none, NEUROTLM_FIELD(optimizer_adds), 130.0,
                 "additions of accumulator_bits per synapse per update for the proposed step "
                 "(Adam's moments and step: ~6 multiplies of 16 adds, a square root and a "
                 "division of ~32, the split and the pulse look-up)",
                 0.0);
        t.number("state_bit_energy", Unit::joule, NEUROTLM_FIELD(state_bit_energy_J), 20e-15,
                 "one bit of Adam's state read or written in the unit's SRAM (default 20 fJ: "
                 "assumed)",
                 0.0);
        t.integer("state_bits", NEUROTLM_FIELD(state_bits), 16,
                  "bits of each of Adam's two moments per synapse", 1, 64);
        t.integer("lanes", NEUROTLM_FIELD(lanes), 256,
                  "near-memory arithmetic lanes working in parallel", 1, 65536);
        return t;
    }();
    return table;
}

TrainingUnitSpec TrainingUnitSpec::from_params(const Params& p, const DeviceLibrary& devices) {
    TrainingUnitSpec s = table().build(p);
    s.cell = resolve_tunnel_junction(p, devices, s.read_voltage_V);
    const MtjSwitchingSpec& sw = s.cell.switching;
    if (s.pulse_control == PulseControl::current &&
        sw.regime(sw.write_current_A) == SwitchingRegime::thermal &&
        sw.thermal_tau_s(0.0) * 1e-30 > sw.pulse_width_s)
        p.fail("pulse_control", "a pulse width the thermal regime can use",
               "current control at " + format_quantity(sw.pulse_width_s, Unit::second));
    return s;
}

TrainingUnitSpec TrainingUnitSpec::from_json(const json& object, const std::string& file,
                                             const std::string& pointer) {
    const DeviceLibrary devices(DeviceLibrary::default_search_dirs(""));
    return from_params(Params::validate(object, table().params(), file, pointer), devices);
}

void UpdateStats::add(const UpdateStats& o) {
    synapses += o.synapses;
    proposed += o.proposed;
    blocked += o.blocked;
    pulses += o.pulses;
    switched += o.switched;
    transitions += o.transitions;
    intended_p += o.intended_p;
    realised_p += o.realised_p;
    abs_error_p += o.abs_error_p;
    stochastic_pulses += o.stochastic_pulses;
    pulse_energy_J += o.pulse_energy_J;
    pulse_time_s += o.pulse_time_s;
}

// ---------------------------------------------------------------------------------------------
// The synapse array

MtjSynapseArray::MtjSynapseArray(int rows, int columns, const TrainingUnitSpec& spec,
                                 RngStream variation)
    : m_rows(rows), m_columns(columns), m_spec(spec) {
    const std::size_t n = static_cast<std::size_t>(rows) * static_cast<std::size_t>(columns);
    m_state.assign(n, 0u); // both antiparallel: weight 0
    m_ic0_factor.resize(2 * n);
    m_delta_factor.resize(2 * n);
    RngStream ic0 = variation.derive("ic0"), delta = variation.derive("delta");
    for (std::size_t i = 0; i < 2 * n; ++i) {
        m_ic0_factor[i] = static_cast<float>(ic0.lognormal_factor(spec.ic0_sigma));
        m_delta_factor[i] = static_cast<float>(delta.lognormal_factor(spec.delta_sigma));
    }
    m_strong_width_s = spec.cell.switching.pulse_width_s;
}

std::int8_t MtjSynapseArray::weight(int r, int c) const {
    return weight_of(m_state[at(r, c)]);
}

std::uint64_t MtjSynapseArray::program(int r, int c, std::int8_t w) {
    std::uint8_t& s = m_state[at(r, c)];
    const std::uint8_t target = w > 0 ? kMtj1Parallel : (w < 0 ? kMtj2Parallel : 0u);
    const std::uint64_t writes = static_cast<std::uint64_t>(((s ^ target) & 1u) != 0) +
                                 static_cast<std::uint64_t>(((s ^ target) & 2u) != 0);
    s = target;
    return writes;
}

MtjPulse MtjSynapseArray::pulse_for(double p) const {
    const MtjSwitchingSpec& sw = m_spec.cell.switching;
    if (p >= 1.0) return {sw.write_current_A, m_strong_width_s};
    MtjPulse pulse = sw.pulse_for_probability(p, m_spec.pulse_control == PulseControl::current);
    if (m_spec.pulse_resolution_s > 0.0)
        pulse.width_s =
            std::round(pulse.width_s / m_spec.pulse_resolution_s) * m_spec.pulse_resolution_s;
    return pulse;
}

double MtjSynapseArray::realised_probability(int r, int c, int m, const MtjPulse& pulse) const {
    const std::size_t i = 2 * at(r, c) + static_cast<std::size_t>(m);
    MtjSwitchingSpec sw = m_spec.cell.switching;
    sw.ic0_A *= m_ic0_factor[i];
    sw.delta *= m_delta_factor[i];
    return sw.switching_probability(pulse.current_A, pulse.width_s);
}

bool MtjSynapseArray::step(int r, int c, int direction, double p, RngStream& rng,
                           UpdateStats& stats, double& row_up_s, double& row_down_s) {
    std::uint8_t& s = m_state[at(r, c)];
    const bool p1 = s & kMtj1Parallel, p2 = s & kMtj2Parallel;
    int m = -1;
    if (direction > 0) {
        if (!p1)
            m = 0; // MTJ 1 towards P: -1 -> 0 or 0 (AP, AP) -> +1
        else if (p2)
            m = 1; // MTJ 2 towards AP: 0 (P, P) -> +1
    } else {
        if (p1)
            m = 0; // MTJ 1 towards AP: +1 -> 0 or 0 (P, P) -> -1
        else if (!p2)
            m = 1; // MTJ 2 towards P: 0 (AP, AP) -> -1
    }
    if (m < 0) return false;
    const MtjPulse pulse = pulse_for(p);
    const double q = realised_probability(r, c, m, pulse);
    ++stats.pulses;
    stats.pulse_energy_J += m_spec.cell.switching.pulse_energy_J(pulse.current_A, pulse.width_s);
    if (p < 1.0) {
        ++stats.stochastic_pulses;
        stats.intended_p += p;
        stats.realised_p += q;
        stats.abs_error_p += std::fabs(q - p);
    }
    double& phase = direction > 0 ? row_up_s : row_down_s;
    phase = std::max(phase, pulse.width_s);
    if (!rng.bernoulli(q)) return false;
    s ^= static_cast<std::uint8_t>(m == 0 ? kMtj1Parallel : kMtj2Parallel);
    ++stats.switched;
    return true;
}

double MtjSynapseArray::row_conductance(int r) const {
    const double gp = m_spec.g_parallel(), gap = m_spec.g_antiparallel();
    double g = 0.0;
    for (int c = 0; c < m_columns; ++c) {
        const std::uint8_t s = m_state[at(r, c)];
        g += (s & kMtj1Parallel ? gp : gap) + (s & kMtj2Parallel ? gp : gap);
    }
    return g;
}

// ---------------------------------------------------------------------------------------------
// The layer

GxnorLayer::GxnorLayer(int inputs, int outputs, bool hidden, const TrainingUnitSpec* device,
                       RngStream init, RngStream variation, const GxnorHyper& hyper)
    : m_in(inputs), m_out(outputs), m_hidden(hidden), m_device(device), m_hyper(hyper) {
    if (inputs < 1 || outputs < 1) throw InputError("GxnorLayer: empty layer");
    const std::size_t n = static_cast<std::size_t>(inputs) * static_cast<std::size_t>(outputs);
    std::vector<std::int8_t> w(n);
    for (auto& v : w)
        v = static_cast<std::int8_t>(static_cast<int>(init.below(3)) - 1);
    if (device) {
        if (inputs > device->rows || outputs > device->columns)
            throw InputError("a layer of " + std::to_string(inputs) + " inputs and " +
                             std::to_string(outputs) + " outputs does not fit an array of " +
                             std::to_string(device->rows) + " x " +
                             std::to_string(device->columns) + " synapses");
        m_array = std::make_unique<MtjSynapseArray>(inputs, outputs, *device, variation);
    }
    set_weights(w);
    m_gamma.assign(static_cast<std::size_t>(outputs), 1.0f);
    m_beta.assign(static_cast<std::size_t>(outputs), 0.0f);
    m_running_mean.assign(static_cast<std::size_t>(outputs), 0.0f);
    m_running_var.assign(static_cast<std::size_t>(outputs), 1.0f);
    m_m_w.assign(n, 0.0f);
    m_v_w.assign(n, 0.0f);
    m_grad_w.assign(n, 0.0f);
    for (auto* v : {&m_m_g, &m_v_g, &m_m_b, &m_v_b, &m_grad_g, &m_grad_b})
        v->assign(static_cast<std::size_t>(outputs), 0.0f);
}

std::int8_t GxnorLayer::weight(int i, int o) const {
    return m_array ? m_array->weight(i, o)
                   : m_ideal[static_cast<std::size_t>(i) * static_cast<std::size_t>(m_out) +
                             static_cast<std::size_t>(o)];
}

std::vector<std::int8_t> GxnorLayer::weights() const {
    if (!m_array) return m_ideal;
    std::vector<std::int8_t> w(static_cast<std::size_t>(m_in) * static_cast<std::size_t>(m_out));
    for (int i = 0; i < m_in; ++i)
        for (int o = 0; o < m_out; ++o)
            w[static_cast<std::size_t>(i) * static_cast<std::size_t>(m_out) +
              static_cast<std::size_t>(o)] = m_array->weight(i, o);
    return w;
}

std::uint64_t GxnorLayer::set_weights(const std::vector<std::int8_t>& w) {
    if (w.size() != static_cast<std::size_t>(m_in) * static_cast<std::size_t>(m_out))
        throw InputError("GxnorLayer::set_weights: " + std::to_string(w.size()) +
                         " weights for a layer of " + std::to_string(m_in) + " x " +
                         std::to_string(m_out));
    for (std::int8_t v : w)
        if (v < -1 || v > 1) throw InputError("GxnorLayer::set_weights: a weight is not ternary");
    std::uint64_t writes = 0;
    if (m_array) {
        for (int i = 0; i < m_in; ++i)
            for (int o = 0; o < m_out; ++o)
                writes += m_array->program(
                    i, o,
                    w[static_cast<std::size_t>(i) * static_cast<std::size_t>(m_out) +
                      static_cast<std::size_t>(o)]);
    } else {
        m_ideal = w;
    }
    refresh_weights();
    return writes;
}

void GxnorLayer::refresh_weights() {
    const std::vector<std::int8_t> w = weights();
    m_wf.assign(w.begin(), w.end());
}

const std::vector<float>& GxnorLayer::forward(const float* x, int batch, bool training) {
    const std::size_t bin = static_cast<std::size_t>(batch) * static_cast<std::size_t>(m_in);
    const std::size_t bout = static_cast<std::size_t>(batch) * static_cast<std::size_t>(m_out);
    m_x.assign(x, x + bin);
    if (m_device) {
        // Inputs that are not ternary pass a DAC of input_bits (mid-tread on [-1, 1]).
        const float levels = static_cast<float>((1 << (m_device->input_bits - 1)) - 1);
        for (float& v : m_x)
            if (v != 0.0f && v != 1.0f && v != -1.0f)
                v = std::round(std::clamp(v, -1.0f, 1.0f) * levels) / levels;
        // Read energy: each row's input squared x V^2 x its synapses' conductance x t.
        const double v2t =
            m_device->read_voltage_V * m_device->read_voltage_V * m_device->read_time_s;
        for (int r = 0; r < m_in; ++r) {
            double sq = 0.0;
            for (int b = 0; b < batch; ++b) {
                const float v = m_x[static_cast<std::size_t>(b) * m_in + r];
                if (v != 0.0f) {
                    sq += static_cast<double>(v) * v;
                    ++m_counts.row_drives;
                }
            }
            if (sq > 0.0) m_counts.read_energy_J += v2t * sq * m_array->row_conductance(r);
        }
        m_counts.conversions += static_cast<std::uint64_t>(batch) * m_out;
        m_counts.images += static_cast<std::uint64_t>(batch);
    }
    ConstMapRM X(m_x.data(), batch, m_in);
    ConstMapRM W(m_wf.data(), m_in, m_out);
    MatrixRM h = X * W;
    m_y.resize(bout);
    m_out_buf.resize(bout);
    m_inv_std.resize(static_cast<std::size_t>(m_out));
    if (training) {
        m_batch = batch;
        m_xhat.resize(bout);
        const float kMomentum = static_cast<float>(m_hyper.bn_momentum);
        const float kEps = static_cast<float>(m_hyper.bn_epsilon);
        for (int o = 0; o < m_out; ++o) {
            double mean = 0.0, var = 0.0;
            for (int b = 0; b < batch; ++b)
                mean += h(b, o);
            mean /= batch;
            for (int b = 0; b < batch; ++b)
                var += (h(b, o) - mean) * (h(b, o) - mean);
            var /= batch;
            const float inv = 1.0f / std::sqrt(static_cast<float>(var) + kEps);
            m_inv_std[static_cast<std::size_t>(o)] = inv;
            m_running_mean[static_cast<std::size_t>(o)] =
                (1.0f - kMomentum) * m_running_mean[static_cast<std::size_t>(o)] +
                kMomentum * static_cast<float>(mean);
            m_running_var[static_cast<std::size_t>(o)] =
                (1.0f - kMomentum) * m_running_var[static_cast<std::size_t>(o)] +
                kMomentum * static_cast<float>(var);
            for (int b = 0; b < batch; ++b) {
                const std::size_t k = static_cast<std::size_t>(b) * m_out + o;
                m_xhat[k] = (h(b, o) - static_cast<float>(mean)) * inv;
                m_y[k] = m_gamma[static_cast<std::size_t>(o)] * m_xhat[k] +
                         m_beta[static_cast<std::size_t>(o)];
            }
        }
    } else {
        m_batch = 0; // what backward() needs is gone
        for (int o = 0; o < m_out; ++o) {
            const float inv = 1.0f / std::sqrt(m_running_var[static_cast<std::size_t>(o)] +
                                               static_cast<float>(m_hyper.bn_epsilon));
            const float scale = m_gamma[static_cast<std::size_t>(o)] * inv;
            const float shift = m_beta[static_cast<std::size_t>(o)] -
                                scale * m_running_mean[static_cast<std::size_t>(o)];
            for (int b = 0; b < batch; ++b)
                m_y[static_cast<std::size_t>(b) * m_out + o] = scale * h(b, o) + shift;
        }
    }
    for (std::size_t k = 0; k < bout; ++k)
        m_out_buf[k] = m_hidden ? gxnor::activate(m_y[k]) : m_y[k];
    return m_out_buf;
}

const std::vector<float>& GxnorLayer::backward(const float* grad_out, bool want_input) {
    const int batch = m_batch;
    if (batch < 1)
        throw std::logic_error("GxnorLayer::backward needs a training forward pass just before");
    const std::size_t bout = static_cast<std::size_t>(batch) * static_cast<std::size_t>(m_out);
    std::vector<float> dy(grad_out, grad_out + bout);
    if (m_hidden)
        for (std::size_t k = 0; k < bout; ++k)
            dy[k] *= gxnor::activation_gradient(m_y[k]);
    MatrixRM dh(batch, m_out);
    for (int o = 0; o < m_out; ++o) {
        double sum_dy = 0.0, sum_dy_xhat = 0.0;
        for (int b = 0; b < batch; ++b) {
            const std::size_t k = static_cast<std::size_t>(b) * m_out + o;
            sum_dy += dy[k];
            sum_dy_xhat += static_cast<double>(dy[k]) * m_xhat[k];
        }
        m_grad_g[static_cast<std::size_t>(o)] = static_cast<float>(sum_dy_xhat);
        m_grad_b[static_cast<std::size_t>(o)] = static_cast<float>(sum_dy);
        const float g = m_gamma[static_cast<std::size_t>(o)];
        const float k_inv = m_inv_std[static_cast<std::size_t>(o)] / static_cast<float>(batch);
        for (int b = 0; b < batch; ++b) {
            const std::size_t k = static_cast<std::size_t>(b) * m_out + o;
            dh(b, o) = g * k_inv *
                       (static_cast<float>(batch) * dy[k] - static_cast<float>(sum_dy) -
                        m_xhat[k] * static_cast<float>(sum_dy_xhat));
        }
    }
    ConstMapRM X(m_x.data(), batch, m_in);
    MapRM(m_grad_w.data(), m_in, m_out).noalias() = X.transpose() * dh;
    if (m_device) m_counts.backward_images += static_cast<std::uint64_t>(batch);
    if (want_input) {
        m_grad_in.resize(static_cast<std::size_t>(batch) * static_cast<std::size_t>(m_in));
        ConstMapRM W(m_wf.data(), m_in, m_out);
        MapRM(m_grad_in.data(), batch, m_in).noalias() = dh * W.transpose();
    } else {
        m_grad_in.clear();
    }
    return m_grad_in;
}

UpdateStats GxnorLayer::update(double learning_rate, RngStream& rng) {
    const GxnorHyper& hyper = m_hyper;
    ++m_step;
    const double t = static_cast<double>(m_step);
    const double a_t = learning_rate * std::sqrt(1.0 - std::pow(hyper.beta2, t)) /
                       (1.0 - std::pow(hyper.beta1, t));
    const float b1 = static_cast<float>(hyper.beta1), b2 = static_cast<float>(hyper.beta2);
    auto adam = [&](float g, float& m, float& v) {
        m = b1 * m + (1.0f - b1) * g;
        v = b2 * v + (1.0f - b2) * g * g;
        return -a_t * m / (std::sqrt(static_cast<double>(v)) + hyper.epsilon);
    };
    for (int o = 0; o < m_out; ++o) {
        const std::size_t k = static_cast<std::size_t>(o);
        m_gamma[k] += static_cast<float>(adam(m_grad_g[k], m_m_g[k], m_v_g[k]));
        m_beta[k] += static_cast<float>(adam(m_grad_b[k], m_m_b[k], m_v_b[k]));
    }
    UpdateStats stats;
    stats.synapses = static_cast<std::uint64_t>(m_in) * static_cast<std::uint64_t>(m_out);
    // Whole steps are certain in the algorithm; on the device their strong pulses can still
    // fail. They draw from their own stream, so the draws of the stochastic steps stay those a
    // software network with the same stream makes.
    RngStream whole_draws = rng.derive("whole steps");
    for (int i = 0; i < m_in; ++i) {
        double row_up = 0.0, row_down = 0.0;
        for (int o = 0; o < m_out; ++o) {
            const std::size_t k = static_cast<std::size_t>(i) * static_cast<std::size_t>(m_out) +
                                  static_cast<std::size_t>(o);
            const gxnor::Transition tr =
                gxnor::split(adam(m_grad_w[k], m_m_w[k], m_v_w[k]), 1.0, hyper.steepness);
            if (tr.direction == 0) continue;
            ++stats.proposed;
            const int w = m_array ? m_array->weight(i, o) : m_ideal[k];
            const int room = tr.direction > 0 ? 1 - w : w + 1;
            if (room == 0) {
                ++stats.blocked;
                continue;
            }
            int moved = 0;
            if (m_array) {
                for (int s = 0; s < std::min(tr.whole, room); ++s)
                    moved +=
                        m_array->step(i, o, tr.direction, 1.0, whole_draws, stats, row_up, row_down)
                            ? 1
                            : 0;
                if (tr.whole < room && tr.p > 0.0)
                    moved += m_array->step(i, o, tr.direction, tr.p, rng, stats, row_up, row_down)
                                 ? 1
                                 : 0;
            } else {
                int steps = tr.whole;
                if (tr.whole < room && tr.p > 0.0 && rng.bernoulli(tr.p)) ++steps;
                moved = std::min(steps, room);
                m_ideal[k] = static_cast<std::int8_t>(w + tr.direction * moved);
            }
            if (moved > 0) ++stats.transitions;
        }
        stats.pulse_time_s += row_up + row_down;
    }
    if (stats.transitions > 0) refresh_weights();
    return stats;
}

void GxnorLayer::folded_norm(std::vector<float>& scale, std::vector<float>& shift) const {
    const GxnorHyper& hyper = m_hyper;
    scale.resize(static_cast<std::size_t>(m_out));
    shift.resize(static_cast<std::size_t>(m_out));
    for (int o = 0; o < m_out; ++o) {
        const std::size_t k = static_cast<std::size_t>(o);
        const float inv = 1.0f / std::sqrt(m_running_var[k] + static_cast<float>(hyper.bn_epsilon));
        scale[k] = m_gamma[k] * inv;
        shift[k] = m_beta[k] - scale[k] * m_running_mean[k];
    }
}

GxnorLayer::State GxnorLayer::state() const {
    State s;
    s.weights = weights();
    if (m_array) {
        s.mtj_states.resize(s.weights.size());
        for (int i = 0; i < m_in; ++i)
            for (int o = 0; o < m_out; ++o)
                s.mtj_states[static_cast<std::size_t>(i) * static_cast<std::size_t>(m_out) +
                             static_cast<std::size_t>(o)] = m_array->state(i, o);
    }
    s.gamma = m_gamma;
    s.beta = m_beta;
    s.running_mean = m_running_mean;
    s.running_var = m_running_var;
    s.m_w = m_m_w;
    s.v_w = m_v_w;
    s.m_g = m_m_g;
    s.v_g = m_v_g;
    s.m_b = m_m_b;
    s.v_b = m_v_b;
    s.step = m_step;
    return s;
}

void GxnorLayer::restore(const State& s) {
    const std::size_t n = static_cast<std::size_t>(m_in) * static_cast<std::size_t>(m_out);
    const std::size_t o = static_cast<std::size_t>(m_out);
    if (s.m_w.size() != n || s.v_w.size() != n || s.gamma.size() != o || s.beta.size() != o ||
        s.running_mean.size() != o || s.running_var.size() != o || s.m_g.size() != o ||
        s.v_g.size() != o || s.m_b.size() != o || s.v_b.size() != o)
        throw InputError("a saved layer state does not match a layer of " + std::to_string(m_in) +
                         " x " + std::to_string(m_out));
    set_weights(s.weights);
    if (m_array && !s.mtj_states.empty()) {
        if (s.mtj_states.size() != n)
            throw InputError("a saved layer state has " + std::to_string(s.mtj_states.size()) +
                             " synapse states for a layer of " + std::to_string(n));
        for (int i = 0; i < m_in; ++i)
            for (int o = 0; o < m_out; ++o) {
                const std::uint8_t st =
                    s.mtj_states[static_cast<std::size_t>(i) * static_cast<std::size_t>(m_out) +
                                 static_cast<std::size_t>(o)];
                if (weight_of(st) != s.weights[static_cast<std::size_t>(i) * m_out + o])
                    throw InputError("a saved layer state's MTJ states disagree with its weights");
                m_array->set_state(i, o, st);
            }
    }
    m_gamma = s.gamma;
    m_beta = s.beta;
    m_running_mean = s.running_mean;
    m_running_var = s.running_var;
    m_m_w = s.m_w;
    m_v_w = s.v_w;
    m_m_g = s.m_g;
    m_v_g = s.v_g;
    m_m_b = s.m_b;
    m_v_b = s.v_b;
    m_step = s.step;
}

} // namespace neurotlm
