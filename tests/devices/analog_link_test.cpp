// The analog link's cost model against hand calculation.

#include <cmath>

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"
#include "neurotlm/devices/analog_link.h"
#include "neurotlm/devices/technology.h"

using namespace neurotlm;

TEST(AnalogLink, VoltageLinkCostsCVSquaredPerWire) {
    AnalogLinkSpec s;
    s.length_m = 100e-6;
    s.wire_cap_F_per_m = 0.2e-9; // 0.2 fF/um: 20 fF over 100 um
    // 20 fF x (0.5^2 + 0.3^2 + 0^2) = 20e-15 x 0.34 = 6.8 fJ
    EXPECT_NEAR(s.energy_J({0.5, -0.3, 0.0}), 6.8e-15, 1e-24);
    s.wires_per_value = 2;
    EXPECT_NEAR(s.energy_J({0.5, -0.3, 0.0}), 13.6e-15, 1e-24);
}

TEST(AnalogLink, CurrentLinkSeesTheReceiversInputResistance) {
    AnalogLinkSpec s;
    s.signal = AnalogSignal::current;
    s.length_m = 50e-6;
    s.wire_cap_F_per_m = 0.2e-9; // 10 fF
    s.load_ohm = 31e3;
    // 10 uA into 31 kohm: 0.31 V; 10 fF x 0.31^2 = 0.961 fJ
    EXPECT_NEAR(s.wire_voltage_V(10e-6), 0.31, 1e-12);
    EXPECT_NEAR(s.energy_J({10e-6}), 0.961e-15, 1e-24);
}

TEST(AnalogLink, DelayIsTheDriversSettlingPlusTheWiresRcSettling) {
    AnalogLinkSpec s;
    s.length_m = 1e-3;
    s.wire_cap_F_per_m = 0.2e-9;   // 200 fF
    s.wire_res_ohm_per_m = 6.17e6; // 6170 ohm
    s.driver_settle_s = 5e-12;
    // tau = R C / 2 = 6170 x 200e-15 / 2 = 617 ps; to 1 %: tau ln 100 = 2.8414 ns
    EXPECT_NEAR(s.time_constant_s(), 617e-12, 1e-18);
    EXPECT_NEAR(s.delay_s(), 5e-12 + 617e-12 * std::log(100.0), 1e-18);
}

TEST(AnalogLink, TakesItsWiresFromTheTechnology) {
    const Technology& t = *Technology::preset("22nm");
    const AnalogLinkSpec s = AnalogLinkSpec::in_technology(t, AnalogSignal::voltage, 20e-6);
    EXPECT_EQ(s.wire_cap_F_per_m, t.wire_cap_F_per_m);
    EXPECT_EQ(s.wire_res_ohm_per_m, t.wire_res_ohm_per_m);
    EXPECT_DOUBLE_EQ(s.wire_capacitance_F(), t.wire_cap_F_per_m * 20e-6);
}

TEST(AnalogLink, RefusesANonPhysicalSpec) {
    AnalogLinkSpec s;
    s.length_m = -1.0;
    EXPECT_THROW(s.check(), InputError);
    s.length_m = 1e-6;
    s.settle_tolerance = 1.0;
    EXPECT_THROW(s.check(), InputError);
    s.settle_tolerance = 0.01;
    EXPECT_NO_THROW(s.check());
}
