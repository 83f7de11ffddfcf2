#include "neurotlm/blocks/neuron_bank/neuron_bank_module.h"

#include <cmath>

#include "neurotlm/blocks/neuron_bank/neuron_bank_registers.h"
#include "neurotlm/core/error.h"
#include "neurotlm/modules/registry.h"

namespace neurotlm {

ParamTable NeuronBank::param_table() {
    ParamTable t = NeuronBankSpec::table().params();
    add_common_params(t);
    return t;
}

std::vector<AnalogPortSpec> NeuronBank::analog_ports(const Params& p) {
    const NeuronBankSpec s = NeuronBankSpec::table().build(p);
    AnalogPortSpec in;
    in.name = "ain";
    in.signal = AnalogSignal::current;
    in.width = s.neurons;
    // The I+ line sees the amplifier's R2 + R4 to ground.
    in.load_ohm = s.readout.plus_line_load_ohm();
    in.description = "differential readout currents I+ - I- (A), one per neuron; each sample "
                     "activates the bank";
    AnalogPortSpec out;
    out.name = "aout";
    out.output = true;
    out.signal = AnalogSignal::voltage;
    out.width = s.neurons;
    out.description = "neuron output voltages (V) after each activation";
    return {in, out};
}

NeuronBank::NeuronBank(const sc_core::sc_module_name& name, const Params& params,
                       const ComponentContext& context)
    : Component(name, params, context, neuron_bank::regs::register_map()),
      m_spec(NeuronBankSpec::from_params(params)),
      m_model(m_spec.neuron, m_spec.neurons, rng().derive("neurons")) {
    m_spec.clock_Hz = clock_Hz();
    m_neurons = static_cast<std::uint32_t>(m_spec.neurons);
    m_input.assign(m_neurons, 0.0f);
    m_output.assign(m_neurons, 0.0f);

    namespace r = neuron_bank::regs;
    regmap::RegisterBank& regs = registers();
    regs.bind(r::NEURONS, [this] { return m_neurons; });
    regs.bind(r::ACTIVATIONS, [this] { return m_activations; });
    regs.bind(r::INPUT, m_input);
    regs.bind(r::OUTPUT, m_output);
    regs.check_complete();

    m_actions = ledger().declare(neuron_bank_energy_table());
    ledger().set_leakage_power(m_spec.leakage_W());
    for (const AnalogPortSpec& p : analog_ports(params)) {
        if (p.output)
            m_aout = &add_analog_out(p);
        else
            add_analog_in(p, [this](const std::vector<double>& i, const sc_core::sc_time& t) {
                on_currents(i, t);
            });
    }
}

std::uint64_t NeuronBank::activate(const sc_core::sc_time& start) {
    const std::vector<double> vin(m_input.begin(), m_input.end());
    for (double v : vin)
        if (!std::isfinite(v))
            throw InputError(std::string(name()) + ": a neuron input is not a finite number");
    const NeuronBankResult r = activate_bank(m_spec, m_model, vin);
    for (std::uint32_t i = 0; i < m_neurons; ++i)
        m_output[i] = static_cast<float>(r.vout_V[i]);
    ledger().book(m_actions[kActivation], 1, r.energy_J);
    ++m_activations;
    if (m_aout->connected()) m_aout->send(r.vout_V, start + cycles(r.cycles));
    return r.cycles;
}

void NeuronBank::on_currents(const std::vector<double>& i_A, const sc_core::sc_time& arrival) {
    ++m_analog_samples;
    for (std::uint32_t k = 0; k < m_neurons; ++k)
        m_input[k] = static_cast<float>(m_spec.input_from_current_V(i_A[k]));
    const sc_core::sc_time start = busy_until() > arrival ? busy_until() : arrival;
    occupy(arrival, activate(start));
}

std::uint64_t NeuronBank::execute(std::uint32_t code, const sc_core::sc_time& start,
                                  std::uint32_t& error) {
    if (code != neuron_bank::regs::ACTIVATE.value) {
        error = regmap::kErrBadCommand.value;
        return 0;
    }
    for (float v : m_input)
        if (!std::isfinite(v)) {
            error = regmap::kErrBadRange.value;
            return 0;
        }
    return activate(start);
}

void NeuronBank::collect_stats(StatSet& stats) const {
    stats.set("activations", m_activations, Unit::none, "activations of the bank");
    stats.set("analog_samples", static_cast<double>(m_analog_samples), Unit::none,
              "samples received on the analog input");
    stats.set("neurons", m_neurons, Unit::none, "neurons");
}

NEUROTLM_REGISTER_COMPONENT("neuron_bank", NeuronBank,
                            "SOT-MRAM analog neurons behind differential readout amplifiers: "
                            "analog activations between crossbar tiles without conversion");

} // namespace neurotlm
