// The invariant checker must accept a sound report and name each kind of broken one.

#include <cmath>

#include <gtest/gtest.h>

#include "neurotlm/report/invariants.h"
#include "neurotlm/report/report.h"

using namespace neurotlm;

namespace {

Report sound() {
    Report r;
    r.simulated_time_s = 1e-6;
    r.items = 2;
    r.items_requested = 2;
    r.ops = 100;
    ComponentReport c;
    c.name = "tile0";
    c.actions = {{"array_read", "", "array", 0.0, 4, 3e-12},
                 {"adc_conversion", "", "adc", 1e-12, 2, 2e-12}};
    c.dynamic_energy_J = 5e-12;
    c.leakage_power_W = 1e-3;
    c.leakage_energy_J = 1e-9;
    c.busy_time_s = 5e-7;
    r.components.push_back(c);
    PhaseReport p;
    p.name = "fc1";
    p.latency_s = 8e-7;
    p.dynamic_energy_J = 4e-12;
    r.phases.push_back(p);
    return r;
}

bool mentions(const std::vector<std::string>& v, const std::string& text) {
    for (const auto& s : v)
        if (s.find(text) != std::string::npos) return true;
    return false;
}

} // namespace

TEST(Invariants, ASoundReportPasses) {
    EXPECT_TRUE(check_invariants(sound()).empty());
}

TEST(Invariants, NegativeEnergyIsCaught) {
    Report r = sound();
    r.components[0].actions[0].energy_J = -1e-12;
    r.components[0].dynamic_energy_J = -1e-12 + 2e-12;
    EXPECT_TRUE(mentions(check_invariants(r), "array_read energy"));
}

TEST(Invariants, NonFiniteTimeIsCaught) {
    Report r = sound();
    r.simulated_time_s = std::nan("");
    EXPECT_TRUE(mentions(check_invariants(r), "simulated time"));
}

TEST(Invariants, ActionsMustAddUpToTheComponent) {
    Report r = sound();
    r.components[0].dynamic_energy_J = 6e-12;
    EXPECT_TRUE(mentions(check_invariants(r), "add up"));
}

TEST(Invariants, EnergyWithoutCountIsCaught) {
    Report r = sound();
    r.components[0].actions[1].count = 0;
    EXPECT_TRUE(mentions(check_invariants(r), "never counted"));
}

TEST(Invariants, BusyLongerThanTheRunIsCaught) {
    Report r = sound();
    r.components[0].busy_time_s = 2e-6;
    EXPECT_TRUE(mentions(check_invariants(r), "was busy"));
}

TEST(Invariants, LeakageMustBePowerTimesTime) {
    Report r = sound();
    r.components[0].leakage_energy_J = 5e-9;
    EXPECT_TRUE(mentions(check_invariants(r), "leakage energy is not"));
}

TEST(Invariants, PhasesCannotOutlastTheRun) {
    Report r = sound();
    r.phases[0].latency_s = 3e-6;
    EXPECT_TRUE(mentions(check_invariants(r), "longer than the run"));
}

TEST(Invariants, PhasesCannotHoldMoreEnergyThanTheRun) {
    Report r = sound();
    r.phases[0].dynamic_energy_J = 1e-9;
    EXPECT_TRUE(mentions(check_invariants(r), "more than the run"));
}

TEST(Invariants, MoreItemsThanRequestedIsCaught) {
    Report r = sound();
    r.items = 3;
    EXPECT_TRUE(mentions(check_invariants(r), "more items"));
}

TEST(Invariants, ClassTotalsAddUpToTheTotalAndABrokenPhaseSplitIsCaught) {
    Report r = sound();
    // array 3 pJ + adc 2 pJ + leakage 1 nJ.
    const ClassEnergies e = r.energy_by_class_J();
    EXPECT_NEAR(class_total(e), r.energy_J(), 1e-24);
    EXPECT_EQ(e.back().first, energy_class::leakage);
    r.phases[0].dynamic_by_class_J = {{"array", 3e-12}, {"adc", 2e-12}}; // 5 pJ against 4
    EXPECT_TRUE(mentions(check_invariants(r), "energies by class add up"));
    r.phases[0].dynamic_by_class_J = {{"array", 3e-12}, {"adc", 1e-12}, {"other", 0}};
    r.phases[0].dynamic_energy_J = 4e-12;
    EXPECT_TRUE(check_invariants(r).empty());
}
