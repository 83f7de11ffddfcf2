#pragma once
/// @brief Analog crossbar tile: a Crossbar circuit model (RRAM, MTJ or SOT-MRAM cells) with its
/// DAC/ADC periphery behind the register map of tile_registers.h. Commands: PROGRAM (weights window
/// -> cells), MVM (input window -> output window). Energy: array read energy from the data (sum V^2
/// G t), DAC and ADC conversions, cell writes, leakage of the ADCs.

#include <memory>
#include <vector>

#include "neurotlm/blocks/crossbar/crossbar.h"
#include "neurotlm/modules/component.h"

namespace neurotlm {

class CrossbarTile : public Component {
public:
    CrossbarTile(const sc_core::sc_module_name& name, const Params& params,
                 const ComponentContext& context);

    static ParamTable param_table();
    static double estimate_bytes(const Params& params);
    static constexpr const char* kTypeName = "crossbar_tile";
    const char* type_name() const override { return kTypeName; }
    double area_m2() const override;
    void collect_stats(StatSet& stats) const override;

    const Crossbar& crossbar() const { return *m_xbar; }

protected:
    std::uint64_t execute(std::uint32_t code, const sc_core::sc_time& start,
                          std::uint32_t& error) override;

private:
    std::unique_ptr<Crossbar> m_xbar;
    std::uint32_t m_rows = 0;
    std::uint32_t m_cols = 0;
    std::uint32_t m_rows_used = 0;
    std::uint32_t m_cols_used = 0;
    float m_weight_range = 1.0f;
    float m_input_range = 1.0f;
    float m_output_range = 0.0f;
    bool m_programmed = false;
    std::vector<float> m_input;
    std::vector<float> m_output;
    std::vector<float> m_weights;
    std::uint64_t m_mvms = 0;
    std::vector<EnergyLedger::ActionId> m_actions; ///< indexed by CrossbarAction
};

} // namespace neurotlm
