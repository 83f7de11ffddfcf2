#include "neurotlm/modules/analog.h"

#include <stdexcept>

#include "neurotlm/core/error.h"
#include "neurotlm/modules/component.h"

namespace neurotlm {

const char* analog_signal_name(AnalogSignal s) {
    return s == AnalogSignal::voltage ? "voltage" : "current";
}

void AnalogIn::receive(const std::vector<double>& values, const sc_core::sc_time& at) {
    m_last = values;
    ++m_samples;
    if (m_handler) m_handler(m_last, at);
}

AnalogOut::AnalogOut(AnalogPortSpec spec, EnergyLedger& ledger)
    : m_spec(std::move(spec)), m_ledger(ledger),
      m_action(ledger.declare("analog_" + m_spec.name, 0.0,
                              "samples sent on analog port " + m_spec.name +
                                  ": C V^2 of the link's wires",
                              energy_class::interconnect)) {}

void AnalogOut::connect(AnalogIn& in, AnalogLinkSpec link) {
    // The loader checked kinds and widths; a mismatch here is a bug.
    if (in.spec().signal != m_spec.signal || in.spec().width != m_spec.width)
        throw std::logic_error("analog link between incompatible ports " + m_spec.name + " and " +
                               in.spec().name);
    link.signal = m_spec.signal;
    link.wires_per_value = m_spec.wires_per_value;
    link.driver_settle_s = m_spec.driver_settle_s;
    link.load_ohm = in.spec().load_ohm;
    link.check();
    in.m_connected = true;
    m_links.push_back({&in, link});
}

void AnalogOut::send(const std::vector<double>& values, const sc_core::sc_time& at) {
    if (values.size() != static_cast<std::size_t>(m_spec.width))
        throw std::logic_error("analog port " + m_spec.name + " sent " +
                               std::to_string(values.size()) + " values, its width is " +
                               std::to_string(m_spec.width));
    for (const Link& l : m_links) {
        m_ledger.book(m_action, 1, l.spec.energy_J(values));
        const double arrive_s = at.to_seconds() + l.spec.delay_s();
        if (arrive_s > kMaxSimulatedTime_s)
            throw InputError("analog port " + m_spec.name +
                             ": simulated time would pass 10^6 s on the link");
        l.in->receive(values, at + sc_core::sc_time(l.spec.delay_s(), sc_core::SC_SEC));
    }
}

} // namespace neurotlm
