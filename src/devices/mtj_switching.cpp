#include "neurotlm/devices/mtj_switching.h"

#include <cmath>
#include <sstream>

#include "neurotlm/core/error.h"

namespace neurotlm {

namespace {

constexpr double kPi = 3.14159265358979323846;

void check_probability(double p, const char* who) {
    if (!(p > 0.0 && p < 1.0)) {
        std::ostringstream os;
        os << who << ": switching probability " << p << " is outside (0, 1)";
        throw InputError(os.str());
    }
}

} // namespace

SwitchingRegime MtjSwitchingSpec::regime(double current_A) const {
    return current_A > ic0_A ? SwitchingRegime::precessional : SwitchingRegime::thermal;
}

double MtjSwitchingSpec::thermal_tau_s(double current_A) const {
    const double i = std::max(current_A, 0.0) / ic0_A;
    return tau0_s * std::exp(delta * (1.0 - i));
}

double MtjSwitchingSpec::switching_probability(double current_A, double width_s) const {
    if (!(width_s > 0.0)) return 0.0;
    if (regime(current_A) == SwitchingRegime::thermal)
        return -std::expm1(-width_s / thermal_tau_s(current_A));
    const double overdrive = current_A / ic0_A - 1.0;
    const double a = kPi * kPi * delta / 4.0;
    return std::exp(-a * std::exp(-2.0 * width_s * overdrive / tau_d_s));
}

double MtjSwitchingSpec::width_for_probability(double p, double current_A) const {
    check_probability(p, "MtjSwitchingSpec::width_for_probability");
    if (regime(current_A) == SwitchingRegime::thermal)
        return -thermal_tau_s(current_A) * std::log1p(-p);
    // exp(-A e^{-k t}) = p  =>  t = ln(A / -ln p) / k,  k = 2 (I/Ic0 - 1) / tau_D.
    const double a = kPi * kPi * delta / 4.0;
    const double ratio = a / -std::log(p);
    if (ratio <= 1.0) return 0.0;
    const double k = 2.0 * (current_A / ic0_A - 1.0) / tau_d_s;
    return std::log(ratio) / k;
}

double MtjSwitchingSpec::current_for_probability(double p, double width_s,
                                                 SwitchingRegime which) const {
    check_probability(p, "MtjSwitchingSpec::current_for_probability");
    if (!(width_s > 0.0))
        throw InputError("MtjSwitchingSpec::current_for_probability: pulse width must be > 0");
    std::ostringstream why;
    if (which == SwitchingRegime::thermal) {
        // 1 - exp(-t/tau) = p  =>  tau = -t / ln(1 - p);  I = Ic0 (1 - ln(tau/tau0) / Delta).
        const double tau = -width_s / std::log1p(-p);
        const double current = ic0_A * (1.0 - std::log(tau / tau0_s) / delta);
        if (current >= 0.0 && current <= ic0_A) return current;
        why << "no thermal-regime current (0 <= I <= Ic0) switches with probability " << p << " in "
            << width_s << " s (it would need " << current << " A)";
    } else {
        const double a = kPi * kPi * delta / 4.0;
        const double ratio = a / -std::log(p);
        if (ratio > 1.0) return ic0_A * (1.0 + tau_d_s * std::log(ratio) / (2.0 * width_s));
        why << "probability " << p << " is below the precessional floor exp(-pi^2 Delta / 4): "
            << "every current above Ic0 switches more often";
    }
    throw InputError("MtjSwitchingSpec::current_for_probability: " + why.str());
}

MtjPulse MtjSwitchingSpec::pulse_for_probability(double p, bool keep_width) const {
    MtjPulse pulse{write_current_A, pulse_width_s};
    if (keep_width)
        pulse.current_A = current_for_probability(p, pulse_width_s, regime(write_current_A));
    else
        pulse.width_s = width_for_probability(p, write_current_A);
    return pulse;
}

void MtjSwitchingSpec::add_params(ParamTable& t, const std::string& prefix) {
    const MtjSwitchingSpec d;
    t.positive(prefix + "delta", Unit::none, d.delta,
               "thermal stability factor E_b/kT (default 60: assumed, ten-year retention)");
    t.positive(prefix + "ic0", Unit::ampere, d.ic0_A,
               "critical switching current Ic0 (default 40 uA: assumed)");
    t.positive(prefix + "tau0", Unit::second, d.tau0_s,
               "attempt time of thermal switching (default 1 ns: standard value)");
    t.positive(prefix + "tau_d", Unit::second, d.tau_d_s,
               "characteristic time tau_D of precessional switching (default 1 ns: assumed)");
    t.positive(prefix + "write_current", Unit::ampere, d.write_current_A,
               "write pulse current (default 80 uA = 2 Ic0: assumed)");
    t.positive(prefix + "write_voltage", Unit::volt, d.write_voltage_V,
               "voltage across the cell during a write, for E = V I t (default 0.8 V: assumed)");
    t.positive(prefix + "pulse_width", Unit::second, d.pulse_width_s,
               "write pulse width (default 5 ns: assumed; P_sw = 0.9933 with the defaults)");
}

const ParamTable& MtjSwitchingSpec::param_table() {
    static const ParamTable table = [] {
        ParamTable t;
        add_params(t);
        return t;
    }();
    return table;
}

MtjSwitchingSpec MtjSwitchingSpec::from_params(const Params& p, const std::string& prefix) {
    MtjSwitchingSpec s;
    s.delta = p.number(prefix + "delta");
    s.ic0_A = p.number(prefix + "ic0");
    s.tau0_s = p.number(prefix + "tau0");
    s.tau_d_s = p.number(prefix + "tau_d");
    s.write_current_A = p.number(prefix + "write_current");
    s.write_voltage_V = p.number(prefix + "write_voltage");
    s.pulse_width_s = p.number(prefix + "pulse_width");
    return s;
}

MtjSwitchingSpec MtjSwitchingSpec::from_json(const json& object, const std::string& file,
                                             const std::string& pointer) {
    return from_params(Params::validate(object, param_table(), file, pointer));
}

} // namespace neurotlm
