#include "neurotlm/devices/analog_link.h"

#include <cmath>
#include <string>

#include "neurotlm/core/error.h"
#include "neurotlm/devices/technology.h"

namespace neurotlm {

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
