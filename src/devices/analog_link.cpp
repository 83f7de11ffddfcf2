#include "neurotlm/devices/analog_link.h"

#include <cmath>
#include <string>

#include "neurotlm/core/error.h"
#include "neurotlm/devices/technology.h"

namespace neurotlm {

void LineTermination::currents(double isc_plus_A, double g_plus_S, double isc_minus_A,
                               double g_minus_S, double* i_plus_A, double* i_minus_A) const {
    if (virtual_ground()) {
        *i_plus_A = isc_plus_A;
        *i_minus_A = isc_minus_A;
        return;
    }
    // Each line is its source conductance to the cells' Thevenin voltage isc / g, and the
    // termination: solve the divider of the I+ line, then the I- line against the node that
    // follows it.
    const double gp = 1.0 / plus_ohm, gm = 1.0 / minus_ohm;
    const double v_plus = isc_plus_A / (g_plus_S + gp);
    const double v_node = minus_follows * v_plus;
    const double v_minus = (isc_minus_A + gm * v_node) / (g_minus_S + gm);
    *i_plus_A = gp * v_plus;
    *i_minus_A = gm * (v_minus - v_node);
}

void LineTermination::check() const {
    const bool ok =
        std::isfinite(plus_ohm) && std::isfinite(minus_ohm) &&
        ((plus_ohm == 0.0 && minus_ohm == 0.0) || (plus_ohm > 0.0 && minus_ohm > 0.0)) &&
        minus_follows >= 0.0 && minus_follows < 1.0;
    if (!ok)
        throw InputError("line termination: both resistances > 0 (or both 0 for a virtual "
                         "ground) and 0 <= minus_follows < 1");
}

AnalogLinkSpec AnalogLinkSpec::in_technology(const Technology& tech, AnalogSignal signal,
                                             double length_m) {
    AnalogLinkSpec s;
    s.signal = signal;
    s.length_m = length_m;
    s.wire_cap_F_per_m = tech.wire_cap_F_per_m;
    s.wire_res_ohm_per_m = tech.wire_res_ohm_per_m;
    return s;
}

double AnalogLinkSpec::delay_s() const {
    return driver_settle_s + time_constant_s() * std::log(1.0 / settle_tolerance);
}

double AnalogLinkSpec::wire_voltage_V(double value) const {
    return signal == AnalogSignal::voltage ? value : value * load_ohm;
}

double AnalogLinkSpec::energy_J(const std::vector<double>& values) const {
    double v2 = 0.0;
    for (double v : values) {
        const double w = wire_voltage_V(v);
        v2 += w * w;
    }
    return wires_per_value * wire_capacitance_F() * v2;
}

void AnalogLinkSpec::check() const {
    auto bad = [](const std::string& why) { throw InputError("analog link: " + why); };
    if (!(length_m >= 0.0) || !std::isfinite(length_m)) bad("the length must be >= 0");
    if (!(wire_cap_F_per_m >= 0.0) || !(wire_res_ohm_per_m >= 0.0))
        bad("wire capacitance and resistance must be >= 0");
    if (wires_per_value < 1) bad("at least one wire per value");
    if (!(load_ohm >= 0.0)) bad("the load resistance must be >= 0");
    if (!(driver_settle_s >= 0.0)) bad("the driver's settling time must be >= 0");
    if (!(settle_tolerance > 0.0 && settle_tolerance < 1.0))
        bad("the settling tolerance must be within (0, 1)");
}

} // namespace neurotlm
