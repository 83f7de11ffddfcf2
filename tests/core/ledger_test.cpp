// Energy bookkeeping (core/ledger.h): declarations, booking fixed x count + data-dependent
// energy, leakage power integrated over time, reset. Expected energies are the products and
// sums worked out by hand.

#include "neurotlm/core/ledger.h"

#include <gtest/gtest.h>

namespace neurotlm {
namespace {

TEST(EnergyLedger, EmptyLedger) {
    EnergyLedger l;
    EXPECT_TRUE(l.actions().empty());
    EXPECT_EQ(l.dynamic_energy_J(), 0.0);
    EXPECT_EQ(l.leakage_power_W(), 0.0);
    EXPECT_EQ(l.leakage_energy_J(1.0), 0.0);
    EXPECT_EQ(l.find("read"), nullptr);
}

TEST(EnergyLedger, DeclareGivesConsecutiveIds) {
    EnergyLedger l;
    EXPECT_EQ(l.declare("read", 2e-12, "one array read"), 0u);
    EXPECT_EQ(l.declare("write", 5e-12, "one row write"), 1u);
    EXPECT_EQ(l.declare("adc", 0.3e-12, "one conversion"), 2u);
    ASSERT_EQ(l.actions().size(), 3u);
    const ActionRecord& r = l.actions()[0];
    EXPECT_EQ(r.name, "read");
    EXPECT_EQ(r.description, "one array read");
    EXPECT_EQ(r.energy_per_action_J, 2e-12);
    EXPECT_EQ(r.count, 0u);
    EXPECT_EQ(r.energy_J, 0.0);
}

TEST(EnergyLedger, DeclaringTwiceReturnsTheFirstIdAndKeepsTheFirstEnergy) {
    EnergyLedger l;
    const auto read = l.declare("read", 2e-12, "first");
    l.declare("write", 5e-12, "w");
    EXPECT_EQ(l.declare("read", 9e-12, "second"), read);
    ASSERT_EQ(l.actions().size(), 2u);
    EXPECT_EQ(l.actions()[read].energy_per_action_J, 2e-12);
    EXPECT_EQ(l.actions()[read].description, "first");
    l.book(read, 3);
    EXPECT_DOUBLE_EQ(l.find("read")->energy_J, 6e-12); // booked at the first energy
}

TEST(EnergyLedger, BookAccumulatesFixedTimesCountPlusExtra) {
    EnergyLedger l;
    const auto read = l.declare("read", 2e-12, "r");
    l.book(read); // one action at 2 pJ
    EXPECT_EQ(l.actions()[read].count, 1u);
    EXPECT_DOUBLE_EQ(l.actions()[read].energy_J, 2e-12);
    l.book(read, 10); // +20 pJ
    EXPECT_EQ(l.actions()[read].count, 11u);
    EXPECT_DOUBLE_EQ(l.actions()[read].energy_J, 22e-12);
    l.book(read, 3, 0.5e-12); // +6 pJ fixed + 0.5 pJ data-dependent
    EXPECT_EQ(l.actions()[read].count, 14u);
    EXPECT_DOUBLE_EQ(l.actions()[read].energy_J, 28.5e-12);
    l.book(read, 0, 1e-12); // data-dependent energy without a count
    EXPECT_EQ(l.actions()[read].count, 14u);
    EXPECT_DOUBLE_EQ(l.actions()[read].energy_J, 29.5e-12);
}

TEST(EnergyLedger, ZeroEnergyActionOnlyCounts) {
    EnergyLedger l;
    const auto hop = l.declare("hop", 0.0, "a bus hop, priced elsewhere");
    l.book(hop, 1000000);
    EXPECT_EQ(l.actions()[hop].count, 1000000u);
    EXPECT_EQ(l.actions()[hop].energy_J, 0.0);
}

TEST(EnergyLedger, LargeCountsDoNotOverflow) {
    EnergyLedger l;
    const auto bit = l.declare("bit", 1e-15, "one bit moved");
    const std::uint64_t n = std::uint64_t{1} << 40; // 1.1e12 actions
    l.book(bit, n);
    l.book(bit, n);
    EXPECT_EQ(l.actions()[bit].count, 2 * n);
    EXPECT_DOUBLE_EQ(l.actions()[bit].energy_J, 2.0 * 1099511627776.0 * 1e-15);
}

TEST(EnergyLedger, DynamicEnergySumsEveryAction) {
    EnergyLedger l;
    const auto read = l.declare("read", 2e-12, "r");
    const auto write = l.declare("write", 5e-12, "w");
    const auto adc = l.declare("adc", 0.25e-12, "a");
    l.book(read, 4);         //  8 pJ
    l.book(write, 2, 1e-12); // 11 pJ
    l.book(adc, 8);          //  2 pJ
    EXPECT_DOUBLE_EQ(l.dynamic_energy_J(), 21e-12);
    EXPECT_DOUBLE_EQ(l.find("write")->energy_J, 11e-12);
    EXPECT_EQ(l.find("adc")->count, 8u);
}

TEST(EnergyLedger, LeakageIsPowerTimesTime) {
    EnergyLedger l;
    l.set_leakage_power(1e-3);
    EXPECT_EQ(l.leakage_power_W(), 1e-3);
    EXPECT_DOUBLE_EQ(l.leakage_energy_J(2e-6), 2e-9); // 1 mW for 2 us = 2 nJ
    EXPECT_EQ(l.leakage_energy_J(0.0), 0.0);
    l.set_leakage_power(0.5);
    EXPECT_DOUBLE_EQ(l.leakage_energy_J(4.0), 2.0);
    // Leakage is not dynamic energy.
    EXPECT_EQ(l.dynamic_energy_J(), 0.0);
}

TEST(EnergyLedger, ResetZeroesCountsAndEnergiesButKeepsDeclarations) {
    EnergyLedger l;
    const auto read = l.declare("read", 2e-12, "r");
    const auto write = l.declare("write", 5e-12, "w");
    l.set_leakage_power(1e-3);
    l.book(read, 4, 1e-12);
    l.book(write, 1);
    l.reset();
    ASSERT_EQ(l.actions().size(), 2u);
    for (const auto& a : l.actions()) {
        EXPECT_EQ(a.count, 0u) << a.name;
        EXPECT_EQ(a.energy_J, 0.0) << a.name;
    }
    EXPECT_EQ(l.dynamic_energy_J(), 0.0);
    EXPECT_EQ(l.find("read")->energy_per_action_J, 2e-12);
    EXPECT_EQ(l.find("write")->description, "w");
    EXPECT_EQ(l.leakage_power_W(), 1e-3);
    // Ids stay valid after a reset, and declaring again still finds the old id.
    EXPECT_EQ(l.declare("write", 1.0, "again"), write);
    l.book(read, 2);
    EXPECT_DOUBLE_EQ(l.dynamic_energy_J(), 4e-12);
}

TEST(EnergyLedger, FindByName) {
    EnergyLedger l;
    l.declare("read", 2e-12, "r");
    l.declare("write", 5e-12, "w");
    ASSERT_NE(l.find("write"), nullptr);
    EXPECT_EQ(l.find("write")->energy_per_action_J, 5e-12);
    EXPECT_EQ(l.find("Write"), nullptr);
    EXPECT_EQ(l.find(""), nullptr);
}

} // namespace
} // namespace neurotlm
