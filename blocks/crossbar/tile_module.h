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
    /// Bytes kept per read computed ahead (Crossbar::look_ahead): the loader adds them times the
    /// reads a workload may compute ahead (LoadOptions::reads_ahead).
    static double read_ahead_bytes(const Params& params);
    /// `aout` (analog weights only): the differential column currents of an MVM, no ADC;
    /// `ain`: row voltages that start an MVM on arrival, no DAC.
    static std::vector<AnalogPortSpec> analog_ports(const Params& params);
    static constexpr const char* kTypeName = "crossbar_tile";
    const char* type_name() const override { return kTypeName; }
    double area_m2() const override;
    void collect_stats(StatSet& stats) const override;

    const Crossbar& crossbar() const { return *m_xbar; }
    /// The row voltages of the last analog read (all 0 before the first), one per row.
    const std::vector<float>& last_row_voltages() const { return m_row_V; }

protected:
    std::uint64_t execute(std::uint32_t code, const sc_core::sc_time& start,
                          std::uint32_t& error) override;
    /// MVMs ahead (a batch through the array at once): each input is the input window with its
    /// first `width` values replaced, the outputs the output window's first `out_width`. Taken
    /// when an MVM command would compute through the crossbar's mvm() with the window's
    /// ranges (programmed, digital outputs, no IR-drop solver).
    bool look_ahead(const LookAheadRequest& request) override;

private:
    /// A sample of row voltages on `ain`: one converter-free read, then out on `aout` or
    /// through the ADC into the output window.
    void on_row_voltages(const std::vector<double>& v_V, const sc_core::sc_time& arrival);
    /// Hand the array the terminations aout's receivers put on its lines now (a receiver's
    /// gain can change them between reads).
    void sync_terminations();
    /// Book an analog read's counts; the output leaves on `aout` at @p done if connected,
    /// else through the ADC. Returns the cycles the conversion adds.
    std::uint64_t finish_analog_read(const CrossbarCost& read, const sc_core::sc_time& done);

    std::unique_ptr<Crossbar> m_xbar;
    AnalogOut* m_aout = nullptr;
    AnalogIn* m_ain = nullptr;
    std::vector<float> m_row_V;          ///< scratch: row voltages of an analog read
    std::vector<LineTermination> m_term; ///< scratch: each output's termination
    std::uint32_t m_rows = 0;
    std::uint32_t m_cols = 0;
    std::uint32_t m_ain_rows = 0;  ///< rows an `ain` sample drives (its width)
    std::uint32_t m_bias_rows = 0; ///< rows after them an `ain` sample drives from the supply
    std::uint32_t m_rows_used = 0;
    std::uint32_t m_cols_used = 0;
    float m_weight_range = 1.0f;
    float m_input_range = 1.0f;
    float m_output_range = 0.0f;
    bool m_programmed = false;
    std::vector<float> m_input;
    std::vector<float> m_output;
    std::vector<float> m_ahead_in, m_ahead_out; ///< scratch of look_ahead()
    std::vector<float> m_weights;
    std::uint64_t m_mvms = 0;
    std::uint64_t m_analog_mvms = 0;
    std::vector<EnergyLedger::ActionId> m_actions; ///< indexed by CrossbarAction
};

} // namespace neurotlm
