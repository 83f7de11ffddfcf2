#pragma once
/// @file
/// @brief Ternary networks trained in situ: GXNOR's discrete state transition (Deng et al.,
/// Neural Networks 2018, as its official code does it) realised by the stochastic switching of
/// two-MTJ synapses (Greenberg-Toledo et al., Semicond. Sci. Technol. 36 114003, 2021).
///
/// One GxnorLayer is one fully connected layer: ternary weights (no hidden full-precision
/// copy), batch norm, the ternary activation with its straight-through gradient window, Adam's
/// proposed step turned into a discrete transition. Its weights live either in an ideal ternary
/// store (software GXNOR: the transition drawn as an exact Bernoulli) or in an MtjSynapseArray,
/// where each transition is a write pulse whose width (or current) is chosen from the nominal
/// device by the inverse of the switching model and whose outcome is drawn with the switching
/// probability of the MTJ actually pulsed (its own Ic0 and Delta). SystemC-free: the
/// training_unit block and the software reference run the same code.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "neurotlm/core/rng.h"
#include "neurotlm/core/spec_table.h"
#include "neurotlm/devices/cell.h"

namespace neurotlm {

class DeviceLibrary;
struct Technology;

namespace gxnor {

/// Ternary activation of the official code: +1 for x >= 1, -1 for x <= -1, 0 between.
inline float activate(float x) {
    return x >= 1.0f ? 1.0f : (x <= -1.0f ? -1.0f : 0.0f);
}
/// Its straight-through gradient: 1 for 0.5 < |x| < 1.5, 0 elsewhere.
inline float activation_gradient(float x) {
    const float a = x < 0.0f ? -x : x;
    return a > 0.5f && a < 1.5f ? 1.0f : 0.0f;
}

/// @brief A proposed step dW split as GXNOR splits it: direction, whole steps
/// kappa = floor(|dW| / dz) and the probability tanh(m |nu| / dz) of one more step, nu the rest.
struct Transition {
    int direction = 0; ///< sign(dW): +1, -1, or 0 for no step
    int whole = 0;     ///< kappa's magnitude
    double p = 0.0;    ///< probability of one further step
};
Transition split(double dw, double dz = 1.0, double steepness = 3.0);

} // namespace gxnor

/// The stream update step @p step (1-based) of a layer draws from, given a draw seed: the
/// training unit with DRAW_SEED and software GXNOR with the same seed draw the same numbers.
inline RngStream update_draws(std::uint64_t seed, std::uint64_t step) {
    return RngStream(seed, "update").derive("step " + std::to_string(step));
}
inline RngStream update_draws(std::uint64_t seed) {
    return RngStream(seed, "update");
}

/// How a pulse is tuned to a target switching probability.
enum class PulseControl { width, current };

/// @brief A training unit: an array of two-MTJ synapses and the near-memory circuits that train
/// it. Every periphery number is assumed (the paper publishes none); see table().
struct TrainingUnitSpec {
    int rows = 256;            ///< inputs of the largest layer the array holds
    int columns = 256;         ///< outputs
    CellSpec cell;             ///< the MTJ (type mtj or sot_mram) and its switching parameters
    double ic0_sigma = 0.05;   ///< lognormal sigma of Ic0 from MTJ to MTJ
    double delta_sigma = 0.05; ///< lognormal sigma of Delta from MTJ to MTJ
    PulseControl pulse_control = PulseControl::width;
    double pulse_resolution_s = 0.0; ///< width step of the pulse generator; 0 = continuous
    double read_voltage_V = 0.1;     ///< row voltage of a +-1 input
    double read_time_s = 2e-9;       ///< integration window of one array read
    int input_bits = 8;              ///< DAC of a layer whose inputs are not ternary (the first)
    double dac_energy_J = 5e-15;     ///< one row driven for one read
    double sense_energy_J = 50e-15;  ///< one column's summed current converted
    int accumulator_bits = 16;       ///< width of the near-memory adders
    /// Add-equivalents (of accumulator_bits) per synapse per update of the proposed-step
    /// arithmetic: Adam's two moments, the step, the split and the pulse look-up.
    double optimizer_adds = 130.0;
    double state_bit_energy_J = 20e-15; ///< one bit of Adam's state read or written
    int state_bits = 16;                ///< each of Adam's two moments per synapse
    int lanes = 256;                    ///< near-memory arithmetic in parallel
    double clock_Hz = 1e9;

    TrainingUnitSpec();
    static constexpr const char* kDefaultDevice = "mtj_spin_neuromem";
    static const SpecTable<TrainingUnitSpec>& table();
    static TrainingUnitSpec from_params(const Params& p, const DeviceLibrary& devices);
    /// Validates @p object, resolving its device from the default preset search path.
    static TrainingUnitSpec from_json(const json& object, const std::string& file = "",
                                      const std::string& pointer = "");
    double g_parallel() const { return cell.conductance_at(1, read_voltage_V); }
    double g_antiparallel() const { return cell.conductance_at(0, read_voltage_V); }
};

/// @brief What one update of a layer did (summed over its synapses).
struct UpdateStats {
    std::uint64_t synapses = 0;    ///< synapses of the layer
    std::uint64_t proposed = 0;    ///< with a non-zero proposed step
    std::uint64_t blocked = 0;     ///< the step points beyond +-1 (no pulse)
    std::uint64_t pulses = 0;      ///< write pulses applied (MTJs pulsed)
    std::uint64_t switched = 0;    ///< MTJs that switched
    std::uint64_t transitions = 0; ///< weights that changed
    double intended_p = 0.0;       ///< sum of the target probabilities of stochastic pulses
    double realised_p = 0.0;       ///< sum of the probabilities the pulsed MTJs realised
    double abs_error_p = 0.0;      ///< sum of |realised - intended|
    std::uint64_t stochastic_pulses = 0;
    double pulse_energy_J = 0.0;
    double pulse_time_s = 0.0; ///< rows one after another, each row's up and down phases
    void add(const UpdateStats& o);
};

/// @brief Two MTJs per synapse: +1 = (P, AP), -1 = (AP, P), 0 = equal states. Each MTJ has its
/// own Ic0 and Delta (lognormal about the nominal), drawn once.
class MtjSynapseArray {
public:
    MtjSynapseArray(int rows, int columns, const TrainingUnitSpec& spec, RngStream variation);
    int rows() const { return m_rows; }
    int columns() const { return m_columns; }
    std::int8_t weight(int r, int c) const;
    /// Program by write-verify (deterministic); returns the MTJ writes made.
    std::uint64_t program(int r, int c, std::int8_t w);
    /// @brief One discrete step of @p direction (+1 or -1) with target probability @p p: pulse
    /// the MTJ that moves the weight, tuned on the nominal device, drawn on the real one.
    /// Adds to @p stats; returns true when the weight moved.
    bool step(int r, int c, int direction, double p, RngStream& rng, UpdateStats& stats,
              double& row_up_s, double& row_down_s);
    /// The pulse the unit applies for target probability @p p (nominal device, resolution).
    MtjPulse pulse_for(double p) const;
    /// Probability that MTJ @p m (0 or 1) of synapse (r, c) switches under @p pulse.
    double realised_probability(int r, int c, int m, const MtjPulse& pulse) const;
    /// Both MTJs of synapse (r, c): bit 0 set when MTJ 1 is parallel, bit 1 for MTJ 2.
    std::uint8_t state(int r, int c) const { return m_state[at(r, c)]; }
    void set_state(int r, int c, std::uint8_t s) { m_state[at(r, c)] = s & 3u; }
    /// Sum over a row of both MTJs' read conductances (for the read energy).
    double row_conductance(int r) const;

private:
    std::size_t at(int r, int c) const {
        return static_cast<std::size_t>(r) * static_cast<std::size_t>(m_columns) +
               static_cast<std::size_t>(c);
    }
    int m_rows, m_columns;
    const TrainingUnitSpec& m_spec;
    std::vector<std::uint8_t> m_state; ///< bit 0: MTJ 1 parallel; bit 1: MTJ 2 parallel
    std::vector<float> m_ic0_factor, m_delta_factor; ///< 2 per synapse
    double m_strong_width_s = 0.0;                   ///< the deterministic pulse
};

/// @brief Optimiser settings shared by every layer of a network.
struct GxnorHyper {
    double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8; ///< Adam
    double bn_epsilon = 1e-4, bn_momentum = 0.1;       ///< batch norm (running averages)
    double steepness = 3.0;                            ///< m of tanh(m |nu| / dz)
};

/// @brief Feed-forward and update costs a layer counted (for the block's energy and timing).
struct LayerCounts {
    std::uint64_t images = 0;      ///< forward passes
    double read_energy_J = 0.0;    ///< sum V^2 (G1 + G2) t over conducting synapses
    std::uint64_t row_drives = 0;  ///< rows driven with a non-zero input
    std::uint64_t conversions = 0; ///< column conversions
    std::uint64_t backward_images = 0;
};

class GxnorLayer {
public:
    /// @p device null: software GXNOR (ideal ternary store, exact Bernoulli draws). Weights start
    /// uniformly in {-1, 0, +1} from @p init.
    GxnorLayer(int inputs, int outputs, bool hidden, const TrainingUnitSpec* device, RngStream init,
               RngStream variation, const GxnorHyper& hyper = {});
    int inputs() const { return m_in; }
    int outputs() const { return m_out; }
    bool hidden() const { return m_hidden; }
    std::int8_t weight(int i, int o) const;
    std::vector<std::int8_t> weights() const;
    /// Program @p w (inputs x outputs, row = input); returns MTJ writes (0 for software).
    std::uint64_t set_weights(const std::vector<std::int8_t>& w);

    /// @brief Forward pass of @p batch rows of @p x (batch x inputs). Training: batch statistics
    /// (and running averages updated); else the running averages. Returns batch x outputs:
    /// ternary activations (hidden) or the normalised scores (output layer).
    const std::vector<float>& forward(const float* x, int batch, bool training);
    /// @brief Back-propagate the loss gradient w.r.t. this layer's output (of the last
    /// training forward); computes the weight and batch-norm gradients and returns the
    /// gradient w.r.t. the input (empty when @p want_input is false).
    const std::vector<float>& backward(const float* grad_out, bool want_input);
    /// Adam's step for the weights turned into discrete transitions, and for gamma and beta.
    /// Stochastic steps draw one number each from @p rng (in synapse order); the strong pulses
    /// of whole steps (device only) draw from a stream derived from it.
    UpdateStats update(double learning_rate, RngStream& rng);

    const LayerCounts& counts() const { return m_counts; }
    void reset_counts() { m_counts = {}; }
    /// Batch norm as inference uses it: y = scale * h + shift per output.
    void folded_norm(std::vector<float>& scale, std::vector<float>& shift) const;

    /// Everything that training changes, for checkpoints: weights and MTJ states are restored
    /// through set_weights (the MTJ variation is redrawn from the same stream).
    struct State {
        std::vector<std::int8_t> weights;
        std::vector<std::uint8_t> mtj_states; ///< device: both MTJs per synapse; software: empty
        std::vector<float> gamma, beta, running_mean, running_var;
        std::vector<float> m_w, v_w, m_g, v_g, m_b, v_b;
        std::uint64_t step = 0;
    };
    State state() const;
    void restore(const State& s);

private:
    void refresh_weights(); ///< m_wf from the store
    int m_in, m_out;
    bool m_hidden;
    const TrainingUnitSpec* m_device;
    GxnorHyper m_hyper;
    std::vector<std::int8_t> m_ideal;         ///< software store
    std::unique_ptr<MtjSynapseArray> m_array; ///< device store
    std::vector<float> m_wf;                  ///< the weights as floats, for the arithmetic
    std::vector<float> m_gamma, m_beta, m_running_mean, m_running_var;
    std::vector<float> m_m_w, m_v_w, m_m_g, m_v_g, m_m_b, m_v_b;
    std::vector<float> m_grad_w, m_grad_g, m_grad_b;
    std::uint64_t m_step = 0;
    // The last training forward, for backward.
    int m_batch = 0;
    std::vector<float> m_x, m_xhat, m_y, m_out_buf, m_inv_std, m_grad_in;
    LayerCounts m_counts;
};

} // namespace neurotlm
