// The technology presets against the figures they cite.
#include "neurotlm/devices/technology.h"

#include <gtest/gtest.h>

namespace neurotlm {
namespace {

TEST(Technology, PresetsFollowTheirSources) {
    const Technology* t45 = Technology::preset("45nm");
    const Technology* t22 = Technology::preset("22 nm");
    ASSERT_NE(t45, nullptr);
    ASSERT_NE(t22, nullptr);
    EXPECT_EQ(Technology::preset("28nm"), nullptr);
    // Horowitz ISSCC 2014: a 32-bit add is 0.1 pJ at 45 nm and 0.9 V; the 45 nm preset runs at
    // 1.0 V (PTM), so C V^2 raises it by (1.0 / 0.9)^2.
    EXPECT_NEAR(t45->add_energy_J(32), 0.1e-12 / 0.81, 1e-18);
    // Carried to 22 nm as C V^2 with C proportional to the feature size.
    EXPECT_NEAR(t22->add_energy_J(32), 0.1e-12 * (22.0 / 45.0) * (0.8 * 0.8 / 0.81), 1e-18);
    // Nangate NAND2_X1 0.798 um^2 at 45 nm, scaled with F^2; Intel's 22 nm 6T cell.
    EXPECT_NEAR(t22->gate_area_m2, 0.798e-12 * (22.0 / 45.0) * (22.0 / 45.0), 1e-18);
    EXPECT_NEAR(t22->sram_cell_area_m2, 0.092e-12, 1e-18);
}

TEST(Technology, GateLeakageIsTheLowStandbyPowerOffCurrent) {
    // ITRS low-standby-power target: 100 pA per um of width, through about 1.5 devices of
    // minimum width (3F) per gate equivalent, at the supply.
    const Technology* t22 = Technology::preset("22nm");
    EXPECT_NEAR(t22->gate_leakage_W, 100e-12 * 1.5 * 3 * 0.022 * 0.8, 1e-16); // 7.9 pW
    const Technology* t65 = Technology::preset("65nm");
    EXPECT_NEAR(t65->gate_leakage_W, 100e-12 * 1.5 * 3 * 0.065 * 1.1, 1e-16);
    EXPECT_NEAR(t22->leakage_W(1000.0), 1000.0 * t22->gate_leakage_W, 1e-18);
    // The plain struct holds the 45 nm preset's values.
    EXPECT_NEAR(Technology{}.gate_leakage_W, Technology::preset("45nm")->gate_leakage_W, 1e-16);
}

} // namespace
} // namespace neurotlm
