#pragma once
/// @brief The neuron bank block's parameters and costs, SystemC-free: n SOT-MRAM neurons
/// (sot_neuron.h) behind IMAC-Sim's differential readout amplifiers.

#include <string>
#include <vector>

#include "neurotlm/blocks/neuron_bank/sot_neuron.h"
#include "neurotlm/core/ledger.h"
#include "neurotlm/core/spec_table.h"

namespace neurotlm {

/// How long an activation keeps the bank busy.
enum class NeuronTiming {
    window,   ///< the sampling window (IMAC-Sim: the input is held for 1 ns)
    settling, ///< the slowest neuron's settling time at its input (SotNeuron::settling_time_s)
};

/// What the bank does with its readout outputs.
enum class BankMode {
    neuron, ///< through the SOT-MRAM neurons (a hidden layer's activation)
    linear, ///< the readout outputs themselves (a last layer read out for an argmax)
};

struct NeuronBankSpec {
    int neurons = 32;
    /// Readouts per neuron: a layer split over this many row blocks of tiles, one amplifier per
    /// block, whose outputs are averaged at the neuron input (IMAC-Sim's 1 mohm ties).
    int parts = 1;
    BankMode mode = BankMode::neuron;
    SotNeuronSpec neuron;
    ReadoutAmpSpec readout;
    NeuronTiming timing = NeuronTiming::window;
    /// Off-state current of a power-gated neuron between activations, per neuron.
    double off_current_A = 50e-9;
    double clock_Hz = 1e9; ///< the block's clock (set by the block)

    static const SpecTable<NeuronBankSpec>& table();
    /// Build from validated parameters (relations between the neuron's parameters checked).
    static NeuronBankSpec from_params(const Params& p);

    /// The neuron input for a differential readout current I+ - I- (A): gain r_unit (I+ - I-).
    double input_from_current_V(double i_diff_A) const {
        return readout.output_from_currents_V(i_diff_A, 0.0);
    }
    /// Static power between activations: off_current x swing per neuron (none in linear mode).
    double leakage_W() const {
        return mode == BankMode::linear ? 0.0 : neurons * off_current_A * neuron.swing_V();
    }
    /// The neurons' area (two MTJs and two FinFETs each); the amplifiers are not modelled.
    double area_m2() const { return mode == BankMode::linear ? 0.0 : neurons * neuron.area_m2(); }
    /// The analog input of part @p k: "ain" for a bank of one part, else "ain<k>".
    std::string input_port(int k) const {
        return parts == 1 ? std::string("ain") : "ain" + std::to_string(k);
    }
};

/// The bank's actions, indexing neuron_bank_energy_table().
enum NeuronBankAction : std::size_t { kActivation };
EnergyTable neuron_bank_energy_table();

/// @brief One activation of @p model: outputs, energy (the neurons' DC power over the time the
/// input is held: the window, or the settling time with NeuronTiming::settling) and cycles. In
/// linear mode the outputs are the inputs, held for the window (or no time with settling), and
/// cost nothing (the amplifiers are not modelled).
struct NeuronBankResult {
    std::vector<double> vout_V;
    double energy_J = 0.0;
    double hold_s = 0.0;
    std::uint64_t cycles = 0;
};
NeuronBankResult activate_bank(const NeuronBankSpec& spec, const NeuronBankModel& model,
                               const std::vector<double>& vin_V);

} // namespace neurotlm
