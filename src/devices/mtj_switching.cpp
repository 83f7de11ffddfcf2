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

const SpecTable<MtjSwitchingSpec>& MtjSwitchingSpec::table() {
    static const SpecTable<MtjSwitchingSpec> table = [] {
        SpecTable<MtjSwitchingSpec> t;
        t.positive("delta", Unit::none, NEUROTLM_FIELD(delta), 60.0,
                   "thermal stability factor E_b/kT (default 60: assumed, ten-year retention)");
        t.positive("ic0", Unit::ampere, NEUROTLM_FIELD(ic0_A), 40e-6,
                   "critical switching current Ic0 (default 40 uA: assumed)");
        t.positive("tau0", Unit::second, NEUROTLM_FIELD(tau0_s), 1e-9,
                   "attempt time of thermal switching (default 1 ns: standard value)");
        t.positive("tau_d", Unit::second, NEUROTLM_FIELD(tau_d_s), 1e-9,
                   "characteristic time tau_D of precessional switching (default 1 ns: assumed)");
        t.positive("write_current", Unit::ampere, NEUROTLM_FIELD(write_current_A), 80e-6,
                   "write pulse current (default 80 uA = 2 Ic0: assumed)");
        t.positive("write_voltage", Unit::volt, NEUROTLM_FIELD(write_voltage_V), 0.8,
                   "voltage across the cell during a write, for E = V I t (default 0.8 V: "
                   "assumed)");
        t.positive("pulse_width", Unit::second, NEUROTLM_FIELD(pulse_width_s), 5e-9,
                   "write pulse width (default 5 ns: assumed; P_sw = 0.9933 with the defaults)");
        return t;
    }();
    return table;
}

MtjSwitchingSpec MtjSwitchingSpec::from_json(const json& object, const std::string& file,
                                             const std::string& pointer) {
    return table().build(Params::validate(object, table().params(), file, pointer));
}

} // namespace neurotlm
