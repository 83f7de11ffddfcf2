#include "neurotlm/report/invariants.h"

#include <cmath>
#include <sstream>

namespace neurotlm {

namespace {

// Sums of many booked energies carry rounding; a relative tolerance far above it but far
// below any real accounting error.
constexpr double kRelTol = 1e-9;
constexpr double kAbsTimeTol = 1e-15;

bool close(double a, double b) {
    return std::fabs(a - b) <= kRelTol * std::max(std::fabs(a), std::fabs(b)) + 1e-30;
}

std::string num(double v) {
    std::ostringstream os;
    os.precision(12);
    os << v;
    return os.str();
}

} // namespace

std::vector<std::string> check_invariants(const Report& r) {
    std::vector<std::string> bad;
    auto require = [&](bool ok, const std::string& what) {
        if (!ok) bad.push_back(what);
    };
    auto non_negative = [&](double v, const std::string& what) {
        require(std::isfinite(v) && v >= 0.0, what + " is " + num(v) + ", not a finite value >= 0");
    };
    non_negative(r.simulated_time_s, "simulated time");
    require(r.items <= r.items_requested || r.items_requested == 0,
            "more items completed (" + std::to_string(r.items) + ") than requested (" +
                std::to_string(r.items_requested) + ")");
    non_negative(r.ops, "operation count");

    double dynamic_sum = 0.0;
    for (const auto& c : r.components) {
        const std::string who = "component " + c.name;
        non_negative(c.dynamic_energy_J, who + " dynamic energy");
        non_negative(c.leakage_energy_J, who + " leakage energy");
        non_negative(c.leakage_power_W, who + " leakage power");
        non_negative(c.busy_time_s, who + " busy time");
        non_negative(c.area_m2, who + " area");
        require(c.busy_time_s <= r.simulated_time_s * (1 + kRelTol) + kAbsTimeTol,
                who + " was busy " + num(c.busy_time_s) + " s in a run of " +
                    num(r.simulated_time_s) + " s");
        require(close(c.leakage_energy_J, c.leakage_power_W * r.simulated_time_s),
                who + " leakage energy is not its leakage power times the simulated time");
        double actions = 0.0;
        for (const auto& a : c.actions) {
            non_negative(a.energy_J, who + " action " + a.name + " energy");
            non_negative(a.energy_per_action_J, who + " action " + a.name + " energy per action");
            require(a.count > 0 || a.energy_J == 0.0, who + " action " + a.name + " has energy " +
                                                          num(a.energy_J) +
                                                          " but was never counted");
            actions += a.energy_J;
        }
        require(close(actions, c.dynamic_energy_J),
                who + " action energies add up to " + num(actions) + " J, not its dynamic energy " +
                    num(c.dynamic_energy_J) + " J");
        dynamic_sum += c.dynamic_energy_J;
    }
    require(close(dynamic_sum, r.dynamic_energy_J()),
            "component energies do not add up to the total");
    const double by_class = class_total(r.energy_by_class_J());
    require(close(by_class, r.energy_J()), "energies by class add up to " + num(by_class) +
                                               " J, not the total " + num(r.energy_J()) + " J");

    double phase_time = 0.0, phase_energy = 0.0;
    for (const auto& p : r.phases) {
        const std::string who = "phase " + p.name;
        non_negative(p.latency_s, who + " latency");
        non_negative(p.dynamic_energy_J, who + " dynamic energy");
        non_negative(p.leakage_energy_J, who + " leakage energy");
        if (!p.dynamic_by_class_J.empty())
            require(close(class_total(p.dynamic_by_class_J), p.dynamic_energy_J),
                    who + " energies by class add up to " + num(class_total(p.dynamic_by_class_J)) +
                        " J, not its dynamic energy " + num(p.dynamic_energy_J) + " J");
        phase_time += p.latency_s;
        phase_energy += p.dynamic_energy_J;
    }
    require(phase_time <= r.simulated_time_s * (1 + kRelTol) + kAbsTimeTol,
            "phases last " + num(phase_time) + " s, longer than the run (" +
                num(r.simulated_time_s) + " s)");
    require(phase_energy <= r.dynamic_energy_J() * (1 + kRelTol) + 1e-30,
            "phases hold " + num(phase_energy) + " J, more than the run's dynamic energy " +
                num(r.dynamic_energy_J()) + " J");
    return bad;
}

} // namespace neurotlm
