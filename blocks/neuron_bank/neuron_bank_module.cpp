#include "neurotlm/blocks/neuron_bank/neuron_bank_module.h"

#include <algorithm>
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
    std::vector<AnalogPortSpec> ports;
    for (int k = 0; k < s.parts; ++k) {
        AnalogPortSpec in;
        in.name = s.input_port(k);
        in.signal = AnalogSignal::current;
        in.width = s.neurons;
        // A bank waiting for a part that never comes would never activate.
        in.required = s.parts > 1;
        // A difference amplifier's I+ line sees its R2 + R4 to ground and develops a voltage;
        // a virtual ground holds the wires at 0 V.
        in.termination = s.readout.termination();
        in.load_ohm = in.termination.plus_ohm;
        in.description = s.parts == 1
                             ? "differential readout currents I+ - I- (A), one per neuron; each "
                               "sample activates the bank"
                             : "differential readout currents I+ - I- (A) of row block " +
                                   std::to_string(k) +
                                   ", one per neuron; averaged with the other parts, the bank "
                                   "activating when all have arrived";
        ports.push_back(in);
    }
    AnalogPortSpec out;
    out.name = "aout";
    out.output = true;
    out.signal = AnalogSignal::voltage;
    out.width = s.neurons;
    out.description = s.mode == BankMode::linear
                          ? "readout output voltages (V) after each sample"
                          : "neuron output voltages (V) after each activation";
    ports.push_back(out);
    return ports;
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
    m_configured_gain = m_spec.readout.gain;
    regs.bind(r::GAIN, m_gain, [this] {
        m_spec.readout.gain = std::isfinite(m_gain) && m_gain > 0.0f ? static_cast<double>(m_gain)
                                                                     : m_configured_gain;
        // A difference amplifier's input resistors scale with its gain: the tiles see new loads.
        for (AnalogIn* in : m_inputs)
            in->set_termination(m_spec.readout.termination());
    });
    regs.bind(r::INPUT, m_input);
    regs.bind(r::OUTPUT, m_output);
    regs.check_complete();

    m_actions = ledger().declare(neuron_bank_energy_table());
    ledger().set_leakage_power(m_spec.leakage_W());
    m_part_V.assign(static_cast<std::size_t>(m_spec.parts), std::vector<double>(m_neurons));
    m_part_seen.assign(static_cast<std::size_t>(m_spec.parts), false);
    int part = 0;
    for (const AnalogPortSpec& p : analog_ports(params)) {
        if (p.output) {
            m_aout = &add_analog_out(p);
            continue;
        }
        m_inputs.push_back(&add_analog_in(
            p, [this, part](const std::vector<double>& i, const sc_core::sc_time& t) {
                on_currents(part, i, t);
            }));
        ++part;
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

void NeuronBank::on_currents(int part, const std::vector<double>& i_A,
                             const sc_core::sc_time& arrival) {
    ++m_analog_samples;
    const std::size_t k = static_cast<std::size_t>(part);
    if (m_part_seen[k]) {
        // A part sent twice before the others: the sample's parts no longer belong together.
        refuse(regmap::kErrBadSize.value);
        return;
    }
    m_part_seen[k] = true;
    ++m_parts_seen;
    for (std::uint32_t n = 0; n < m_neurons; ++n)
        m_part_V[k][n] = m_spec.input_from_current_V(i_A[n]);
    if (m_parts_seen == 1 || arrival > m_last_arrival) m_last_arrival = arrival;
    if (m_parts_seen < m_spec.parts) return;

    // Every amplifier's output is tied to the neuron input through an equal resistor: the
    // neuron sees their average (average_parts_V).
    std::vector<double> parts(m_part_V.size());
    for (std::uint32_t n = 0; n < m_neurons; ++n) {
        for (std::size_t q = 0; q < parts.size(); ++q)
            parts[q] = m_part_V[q][n];
        m_input[n] = static_cast<float>(average_parts_V(parts));
    }
    std::fill(m_part_seen.begin(), m_part_seen.end(), false);
    m_parts_seen = 0;
    const sc_core::sc_time start = busy_until() > m_last_arrival ? busy_until() : m_last_arrival;
    occupy(m_last_arrival, activate(start));
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
    stats.set("parts", m_spec.parts, Unit::none, "readouts averaged at each neuron input");
}

NEUROTLM_REGISTER_COMPONENT("neuron_bank", NeuronBank,
                            "SOT-MRAM analog neurons behind differential readout amplifiers: "
                            "analog activations between crossbar tiles without conversion");

} // namespace neurotlm
