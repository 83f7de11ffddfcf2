#pragma once
/// @brief Training unit: a ternary array of two-MTJ synapses with the near-memory circuits that
/// train it in situ (GXNOR's discrete state transitions realised by stochastic MTJ switching),
/// behind the register map of training_unit_registers.h. The layer is a GxnorLayer
/// (gxnor.h) on the block's own MtjSynapseArray; the block books its costs: read energy from
/// the data, DACs, sense converters, batch norm and activation, the backward pass, Adam's
/// arithmetic and state, write pulses from the switching model, and programming writes.

#include <cstdint>
#include <memory>
#include <vector>

#include "neurotlm/blocks/training_unit/gxnor.h"
#include "neurotlm/modules/component.h"

namespace neurotlm {

class TrainingUnit : public Component {
public:
    TrainingUnit(const sc_core::sc_module_name& name, const Params& params,
                 const ComponentContext& context);

    static ParamTable param_table();
    static double estimate_bytes(const Params& params);
    static constexpr const char* kTypeName = "training_unit";
    const char* type_name() const override { return kTypeName; }
    double area_m2() const override;
    void collect_stats(StatSet& stats) const override;

    const TrainingUnitSpec& spec() const { return m_spec; }
    /// The configured layer, or nullptr before CONFIGURE.
    const GxnorLayer* layer() const { return m_layer.get(); }
    /// Update statistics summed over every UPDATE.
    const UpdateStats& update_totals() const { return m_totals; }

    /// The actions the block books, in the order of energy_table().
    enum Action : std::size_t {
        kSynapseRead,
        kDac,
        kSense,
        kNormActivation,
        kBackwardArithmetic,
        kOptimizer,
        kOptimizerState,
        kWritePulse,
        kProgramWrite,
    };
    /// The energy table of a unit built from @p spec in @p tech.
    static EnergyTable energy_table(const TrainingUnitSpec& spec, const Technology& tech);
    /// Gate equivalents of the near-memory arithmetic: lanes x a multiply-add datapath of about
    /// 20 adders of accumulator_bits.
    static double logic_gates(const TrainingUnitSpec& spec);
    /// The area of one MTJ: the device's, else 40 F^2 of @p tech (assumed).
    static double mtj_area_m2(const TrainingUnitSpec& spec, const Technology& tech);

protected:
    std::uint64_t execute(std::uint32_t code, const sc_core::sc_time& start,
                          std::uint32_t& error) override;

private:
    std::uint64_t configure(std::uint32_t& error);
    std::uint64_t program(std::uint32_t& error);
    std::uint64_t forward(bool training, std::uint32_t& error);
    std::uint64_t backward(std::uint32_t& error);
    std::uint64_t update(std::uint32_t& error);
    std::uint64_t save_state();
    std::uint64_t load_state(std::uint32_t& error);
    /// Cycles to write the layer's rows one after another (a row in parallel).
    std::uint64_t row_write_cycles() const;
    std::size_t synapses() const {
        return static_cast<std::size_t>(m_layer_in) * static_cast<std::size_t>(m_layer_out);
    }

    /// The spec the layer's MtjSynapseArray refers to: declared before m_layer so it outlives it.
    TrainingUnitSpec m_spec;
    std::unique_ptr<GxnorLayer> m_layer;
    RngStream m_update_root; ///< each UPDATE draws from a child named after its step
    double m_program_energy_J = 0.0;
    double m_write_latency_s = 0.0;
    double m_area_cells_m2 = 0.0, m_area_logic_m2 = 0.0, m_area_state_m2 = 0.0;

    // Registers.
    std::uint32_t m_rows, m_columns, m_max_batch;
    std::uint32_t m_inputs = 0, m_outputs = 0, m_flags = 0, m_batch = 0;
    float m_learning_rate = 0.0f;
    std::uint32_t m_step = 0, m_restore_step = 0;
    std::uint32_t m_draw_seed_lo = 0, m_draw_seed_hi = 0;
    // Windows.
    std::vector<double> m_stats;
    std::vector<float> m_input, m_output, m_grad_out, m_grad_in, m_state;
    std::vector<std::int8_t> m_weights;
    std::vector<std::uint8_t> m_synapse_state;

    int m_layer_in = 0, m_layer_out = 0; ///< the configured layer's shape
    int m_train_batch = 0;        ///< batch of the last forward if it was a training one, else 0
    bool m_ternary_inputs = true; ///< the last training forward's inputs were all -1, 0, +1
    std::uint64_t m_forward_images = 0, m_backward_images = 0, m_updates = 0;
    std::uint64_t m_program_writes = 0;
    UpdateStats m_totals;
    std::vector<EnergyLedger::ActionId> m_actions; ///< indexed by Action
};

} // namespace neurotlm
