#pragma once
/// @brief Driver for a training unit: configure a layer, program and read its ternary weights,
/// run forward and backward passes of a batch, apply an update, save and restore the layer's
/// state (checkpoints).

#include <cstdint>
#include <string>
#include <vector>

#include "neurotlm/blocks/training_unit/gxnor.h"
#include "neurotlm/drivers/initiator.h"

namespace neurotlm {

class TrainingUnitDriver {
public:
    TrainingUnitDriver(Initiator& bus, std::uint64_t base, std::string name = {});

    /// Checks ID and TYPE, reads ROWS, COLUMNS, MAX_BATCH.
    void probe();
    int rows() const { return m_rows; }
    int columns() const { return m_columns; }
    int max_batch() const { return m_max_batch; }

    /// Build a layer of @p inputs x @p outputs; @p hidden: it has the ternary activation, else
    /// it is the output layer. Weights start uniformly random in {-1, 0, +1}.
    void configure(int inputs, int outputs, bool hidden);
    /// Program @p weights (inputs x outputs, row = input; each -1, 0 or +1).
    void program(const std::vector<std::int8_t>& weights);
    /// The weights the MTJs hold (inputs x outputs, row = input).
    std::vector<std::int8_t> read_weights();
    /// batch x inputs in, batch x outputs out (hidden: ternary activations; output layer:
    /// scores). @p training: batch statistics, running averages updated, kept for backward().
    void forward(const float* x, int batch, bool training, std::vector<float>& out);
    /// grad w.r.t. the layer's output of the last training forward (batch x outputs); fills
    /// grad_in (batch x inputs) when want_input, else leaves it empty
    void backward(const float* grad_out, int batch, bool want_input, std::vector<float>& grad_in);
    /// Adam's step with @p learning_rate as discrete transitions; what it did (from STATS).
    UpdateStats update(double learning_rate);
    /// Draw the updates from update_draws(@p seed, step) (0: the block's own stream).
    void seed_draws(std::uint64_t seed);
    /// The layer's whole training state (weights, MTJ states, batch norm, Adam, step).
    GxnorLayer::State save_state();
    /// Restore a state saved from a layer of the configured shape (configure() first). A state
    /// without MTJ states (a software layer's) programs zero weights with both MTJs
    /// antiparallel.
    void load_state(const GxnorLayer::State& state);

private:
    void command(std::uint32_t code, const char* what);
    void need_layer(const char* what) const;
    void check_batch(int batch, const char* what) const;
    [[noreturn]] void fail(const std::string& why) const;
    std::size_t synapses() const {
        return static_cast<std::size_t>(m_inputs) * static_cast<std::size_t>(m_outputs);
    }

    Initiator& m_bus;
    std::uint64_t m_base;
    std::string m_name;
    int m_rows = 0, m_columns = 0, m_max_batch = 0;
    int m_inputs = 0, m_outputs = 0;
    bool m_hidden = false;
    std::vector<std::uint8_t> m_bytes;
    std::vector<float> m_floats;
};

} // namespace neurotlm
