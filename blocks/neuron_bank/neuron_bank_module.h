#pragma once
/// @brief Neuron bank block: SOT-MRAM analog neurons (sot_neuron.h) behind differential readout
/// amplifiers. Inputs arrive on the analog input `ain` (a tile's differential column currents)
/// or through the INPUT window (volts, ACTIVATE); outputs land in the OUTPUT window and leave on
/// the analog output `aout` (volts, to the next tile's rows). A bank of several parts averages
/// the readouts of a layer split over row blocks (inputs ain0 .. ain<parts-1>). Register map:
/// neuron_bank_registers.h.

#include <cstdint>
#include <vector>

#include "neurotlm/blocks/neuron_bank/neuron_bank.h"
#include "neurotlm/modules/component.h"

namespace neurotlm {

class NeuronBank : public Component {
public:
    NeuronBank(const sc_core::sc_module_name& name, const Params& params,
               const ComponentContext& context);

    static ParamTable param_table();
    static std::vector<AnalogPortSpec> analog_ports(const Params& params);
    const char* type_name() const override { return "neuron_bank"; }
    double area_m2() const override { return m_spec.area_m2(); }
    void collect_stats(StatSet& stats) const override;

    const NeuronBankSpec& spec() const { return m_spec; }
    const NeuronBankModel& model() const { return m_model; }
    /// The OUTPUT window: the last activation's output voltages (or readouts, linear mode).
    const std::vector<float>& last_outputs() const { return m_output; }

protected:
    std::uint64_t execute(std::uint32_t code, const sc_core::sc_time& start,
                          std::uint32_t& error) override;

private:
    /// Activate on the INPUT window's voltages from @p start; returns the cycles.
    std::uint64_t activate(const sc_core::sc_time& start);
    /// A readout sample of part @p part; the bank activates once every part has one.
    void on_currents(int part, const std::vector<double>& i_A, const sc_core::sc_time& arrival);

    NeuronBankSpec m_spec;
    NeuronBankModel m_model;
    std::vector<AnalogIn*> m_inputs; ///< one per part
    AnalogOut* m_aout = nullptr;
    std::vector<float> m_input;
    float m_gain = 0.0f; ///< GAIN: 0 = the configured readout gain
    double m_configured_gain = 0.0;
    std::vector<std::vector<double>> m_part_V; ///< [part][neuron]: readout outputs received
    std::vector<bool> m_part_seen;
    int m_parts_seen = 0;
    sc_core::sc_time m_last_arrival; ///< the latest part of the pending sample
    std::vector<float> m_output;
    std::uint32_t m_neurons = 0;
    std::uint32_t m_activations = 0;
    std::uint64_t m_analog_samples = 0;
    std::vector<EnergyLedger::ActionId> m_actions; ///< indexed by NeuronBankAction
};

} // namespace neurotlm
