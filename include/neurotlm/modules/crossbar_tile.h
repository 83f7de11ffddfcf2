#pragma once
/// @brief Analog crossbar tile: a Crossbar circuit model (RRAM, MTJ or SOT-MRAM cells) with its
/// DAC/ADC periphery behind the register map of neurotlm/drivers/registers.h (namespace
/// regs::tile). Commands: PROGRAM (weights window -> cells), MVM (input window -> output
/// window). Energy: array read energy from the data (sum V^2 G t), DAC and ADC conversions,
/// cell writes, leakage of the ADCs.

#include <memory>
#include <vector>

#include "neurotlm/circuits/crossbar.h"
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
    std::uint64_t address_span() const override;
    double area_m2() const override;
    void collect_stats(StatSet& stats) const override;

    const Crossbar& crossbar() const { return *m_xbar; }

protected:
    bool read_register(std::uint64_t offset, std::uint32_t& value,
                       const sc_core::sc_time& now) override;
    bool write_register(std::uint64_t offset, std::uint32_t value,
                        const sc_core::sc_time& now) override;
    unsigned char* window(std::uint64_t offset, unsigned len, bool is_write,
                          bool& wait_for_result) override;
    std::uint64_t execute(std::uint32_t code, const sc_core::sc_time& start,
                          std::uint32_t& error) override;
    std::uint32_t type_code() const override;

private:
    std::unique_ptr<Crossbar> m_xbar;
    int m_rows;
    int m_cols;
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
    EnergyLedger::ActionId m_act_read;
    EnergyLedger::ActionId m_act_dac;
    EnergyLedger::ActionId m_act_adc;
    EnergyLedger::ActionId m_act_write;
};

} // namespace neurotlm
