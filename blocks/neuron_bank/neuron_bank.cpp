#include "neurotlm/blocks/neuron_bank/neuron_bank.h"

#include "neurotlm/core/cycles.h"
#include "neurotlm/core/error.h"

namespace neurotlm {

const SpecTable<NeuronBankSpec>& NeuronBankSpec::table() {
    static const SpecTable<NeuronBankSpec> table = [] {
        SpecTable<NeuronBankSpec> t;
        t.integer("neurons", NEUROTLM_FIELD(neurons), 32,
                  "neurons in the bank (IMAC-Sim: one per output of a 32-column tile)", 1, 65536);
        t.integer("parts", NEUROTLM_FIELD(parts), 1,
                  "readouts averaged at each neuron input: a layer split over this many row "
                  "blocks of tiles (IMAC-Sim: ceil((inputs + 1) / rows)); inputs ain0 .. "
                  "ain<parts-1>, each required, or ain for one part",
                  1, 1024);
        t.choice<BankMode>("mode", NEUROTLM_FIELD(mode),
                           {{"neuron", BankMode::neuron}, {"linear", BankMode::linear}}, "neuron",
                           "neuron: the readout outputs through the SOT-MRAM neurons; linear: "
                           "the readout outputs themselves (a last layer read for an argmax, "
                           "IMAC-Sim's output layer), no neurons, no energy or area");
        t.include<SotNeuronSpec>("neuron", NEUROTLM_FIELD(neuron), SotNeuronSpec::table());
        t.include<ReadoutAmpSpec>("readout", NEUROTLM_FIELD(readout), ReadoutAmpSpec::table());
        t.choice<NeuronTiming>(
            "timing", NEUROTLM_FIELD(timing),
            {{"window", NeuronTiming::window}, {"settling", NeuronTiming::settling}}, "window",
            "how long an activation takes: the sampling window "
            "(neuron.window; IMAC-Sim's latency) or the slowest neuron's "
            "settling time at its input; rounded up to cycles");
        t.number("off_current", Unit::ampere, NEUROTLM_FIELD(off_current_A), 50e-9,
                 "current of a power-gated neuron between activations (assumed: tens of nA at "
                 "PTM-MG HP's 100 nA/um off-current); leakage = neurons x this x swing",
                 0.0, 1e-3);
        return t;
    }();
    return table;
}

NeuronBankSpec NeuronBankSpec::from_params(const Params& p) {
    NeuronBankSpec s = table().build(p);
    // The neuron's own relations (rails, thresholds), named with their nested pointers.
    try {
        s.neuron.check();
    } catch (const InputError& e) {
        p.fail("neuron", "a consistent neuron (rails, thresholds)", e.what());
    }
    return s;
}

EnergyTable neuron_bank_energy_table() {
    return {{"activation", 0.0,
             "one activation of the bank: the neurons' DC power (MTJ divider and inverter) "
             "while the input is held",
             energy_class::activation}};
}

NeuronBankResult activate_bank(const NeuronBankSpec& spec, const NeuronBankModel& model,
                               const std::vector<double>& vin_V) {
    NeuronBankResult r;
    if (spec.mode == BankMode::linear) {
        r.vout_V = vin_V;
        r.hold_s = spec.timing == NeuronTiming::window ? spec.neuron.window_s : 0.0;
        r.cycles = cycles_for(r.hold_s, spec.clock_Hz);
        return r;
    }
    const NeuronBankModel::Activation a = model.activate(vin_V);
    r.vout_V = a.vout_V;
    const double window = spec.neuron.window_s;
    r.hold_s = spec.timing == NeuronTiming::window ? window : a.latency_s;
    // activate() gives the energy over one window: the power is that over the window.
    r.energy_J = a.energy_J / window * r.hold_s;
    r.cycles = cycles_for(r.hold_s, spec.clock_Hz);
    return r;
}

} // namespace neurotlm
