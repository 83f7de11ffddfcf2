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

void AnalogOut::connect(AnalogIn& in, AnalogLinkSpec link, int first, int count) {
    if (count == 0) count = m_spec.width - first;
    // The loader checked kinds, slices and widths; a mismatch here is a bug.
    if (in.spec().signal != m_spec.signal || first < 0 || count < 1 ||
        first + count > m_spec.width || in.spec().width != count)
        throw std::logic_error("analog link between incompatible ports " + m_spec.name + " and " +
                               in.spec().name);
    link.signal = m_spec.signal;
    link.wires_per_value = m_spec.wires_per_value;
    link.driver_settle_s = m_spec.driver_settle_s;
    link.load_ohm = in.spec().load_ohm;
    link.check();
    in.m_connected = true;
    m_links.push_back({&in, link, first, count});
}

void AnalogOut::send(const std::vector<double>& values, const sc_core::sc_time& at) {
    if (values.size() != static_cast<std::size_t>(m_spec.width))
        throw std::logic_error("analog port " + m_spec.name + " sent " +
                               std::to_string(values.size()) + " values, its width is " +
                               std::to_string(m_spec.width));
    for (const Link& l : m_links) {
        const bool whole = l.first == 0 && l.count == m_spec.width;
        if (!whole) m_slice.assign(values.begin() + l.first, values.begin() + l.first + l.count);
        const std::vector<double>& carried = whole ? values : m_slice;
        m_ledger.book(m_action, 1, l.spec.energy_J(carried));
        const double arrive_s = at.to_seconds() + l.spec.delay_s();
        if (arrive_s > kMaxSimulatedTime_s)
            throw InputError("analog port " + m_spec.name +
                             ": simulated time would pass 10^6 s on the link");
        l.in->receive(carried, at + sc_core::sc_time(l.spec.delay_s(), sc_core::SC_SEC));
    }
}

} // namespace neurotlm
