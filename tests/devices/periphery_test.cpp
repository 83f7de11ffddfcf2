#include "neurotlm/devices/periphery.h"

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"

namespace neurotlm {
namespace {

struct Periphery {
    AdcSpec adc;
    DacSpec dac;
};

const SpecTable<Periphery>& periphery_spec() {
    static const SpecTable<Periphery> t = [] {
        SpecTable<Periphery> s;
        s.include<AdcSpec>("adc", NEUROTLM_FIELD(adc), AdcSpec::table());
        s.include<DacSpec>("dac", NEUROTLM_FIELD(dac), DacSpec::table());
        return s;
    }();
    return t;
}
const ParamTable& periphery_table() {
    return periphery_spec().params();
}
AdcSpec adc_from_params(const Params& p) {
    return periphery_spec().build(p).adc;
}
DacSpec dac_from_params(const Params& p) {
    return periphery_spec().build(p).dac;
}

std::string periphery_error_pointer(const json& j) {
    try {
        Params::validate(j, periphery_table(), "p.json", "/components/0");
    } catch (const ConfigError& e) {
        return e.pointer();
    }
    return "";
}

TEST(Adc, WaldenEnergyAndSarLatency) {
    AdcSpec a;
    a.bits = 5;
    a.fom_J = 10e-15;
    a.clock_Hz = 1e9;
    // 10 fJ * 2^5 = 320 fJ per conversion; 5 bits at one bit per 1 ns cycle = 5 ns.
    EXPECT_NEAR(a.energy_per_conversion_J(), 320e-15, 1e-27);
    EXPECT_NEAR(a.latency_s(), 5e-9, 1e-20);
    a.bits = 8;
    a.clock_Hz = 500e6;
    EXPECT_NEAR(a.energy_per_conversion_J(), 2.56e-12, 1e-24);
    EXPECT_NEAR(a.latency_s(), 16e-9, 1e-20);
}

TEST(Adc, RampCountsEveryLevelWithOneComparator) {
    AdcSpec a;
    a.kind = AdcKind::ramp;
    a.bits = 6;
    a.clock_Hz = 2e9;
    a.comparator_energy_J = 2e-15;
    a.count_step_energy_J = 3e-15;
    // 2^6 = 64 cycles of 0.5 ns, each a comparator decision and a counter step.
    EXPECT_NEAR(a.latency_s(), 32e-9, 1e-20);
    EXPECT_NEAR(a.energy_per_conversion_J(), 64 * 5e-15, 1e-27);
    EXPECT_EQ(a.comparators(), 1);
    // One comparator (8 GE), and per bit a counter flip-flop with two gates and a latch.
    EXPECT_DOUBLE_EQ(a.gates(), 8.0 + 6 * (5.7 + 2.0 + 3.0));
    // Smaller than a SAR of the same resolution, far smaller than a flash; slower than both.
    AdcSpec sar = a, flash = a;
    sar.kind = AdcKind::sar;
    flash.kind = AdcKind::flash;
    EXPECT_LT(a.gates(), sar.gates());
    EXPECT_LT(a.gates(), flash.gates());
    EXPECT_GT(a.latency_s(), sar.latency_s());
    EXPECT_GT(a.latency_s(), flash.latency_s());
}

TEST(Adc, EnergyGrowsStrictlyWithBits) {
    AdcSpec a;
    double last = 0.0;
    for (int bits = 1; bits <= 16; ++bits) {
        a.bits = bits;
        EXPECT_GT(a.energy_per_conversion_J(), last) << bits;
        EXPECT_GT(a.latency_s(), 0.0);
        last = a.energy_per_conversion_J();
    }
}

TEST(Adc, IdealConverterIsFree) {
    AdcSpec a;
    a.bits = 0;
    EXPECT_TRUE(a.ideal());
    EXPECT_EQ(a.energy_per_conversion_J(), 0.0);
    EXPECT_EQ(a.latency_s(), 0.0);
}

TEST(Periphery, DefaultsFromTheTable) {
    const Params p = Params::validate(json::object(), periphery_table(), "p.json", "");
    const AdcSpec a = adc_from_params(p);
    EXPECT_EQ(a.bits, 5);
    EXPECT_EQ(a.shared_by_columns, 8);
    EXPECT_NEAR(a.fom_J, 10e-15, 1e-27);
    EXPECT_NEAR(a.clock_Hz, 1e9, 1e-3);
    EXPECT_EQ(a.area_per_adc_m2, 0.0);
    EXPECT_EQ(a.leakage_per_adc_W, 0.0);
    const DacSpec d = dac_from_params(p);
    EXPECT_EQ(d.bits, 1);
    EXPECT_EQ(d.energy_per_conversion_J, 0.0); // derived by the tile from the word line

    const ParamTable t = periphery_table();
    const std::string& fom = t.find("adc.fom")->description;
    EXPECT_NE(fom.find("Walden"), std::string::npos);
    EXPECT_NE(fom.find("SAR"), std::string::npos);
    EXPECT_NE(t.find("dac.energy")->description.find("derived"), std::string::npos);
}

TEST(Periphery, StructDefaultsAreTheTableDefaults) {
    EXPECT_TRUE(AdcSpec::table().default_mismatches().empty());
    EXPECT_TRUE(DacSpec::table().default_mismatches().empty())
        << DacSpec::table().default_mismatches().front();
    EXPECT_TRUE(periphery_spec().default_mismatches().empty());
}

TEST(Periphery, ABoundIsCheckedOnStructsBuiltInCode) {
    AdcSpec a;
    a.bits = 17;
    ASSERT_EQ(AdcSpec::table().check(a).size(), 1u);
    EXPECT_NE(AdcSpec::table().check(a).front().find("bits"), std::string::npos);
    a.bits = 16;
    a.fom_J = 0.0; // fom must be > 0
    EXPECT_EQ(AdcSpec::table().check(a).size(), 1u);
}

TEST(Periphery, ValuesWithUnits) {
    const Params p = Params::validate(
        {{"adc", {{"bits", 0}, {"fom", "20 fJ"}, {"clock", "2 GHz"}, {"area", "1000 um^2"}}},
         {"dac", {{"bits", 4}, {"energy", "3 fJ"}, {"latency", "1 ns"}}}},
        periphery_table(), "p.json", "");
    const AdcSpec a = adc_from_params(p);
    EXPECT_TRUE(a.ideal());
    EXPECT_NEAR(a.fom_J, 20e-15, 1e-27);
    EXPECT_NEAR(a.clock_Hz, 2e9, 1e-3);
    EXPECT_NEAR(a.area_per_adc_m2, 1e-9, 1e-21);
    const DacSpec d = dac_from_params(p);
    EXPECT_EQ(d.bits, 4);
    EXPECT_NEAR(d.energy_per_conversion_J, 3e-15, 1e-27);
    EXPECT_NEAR(d.latency_s, 1e-9, 1e-21);
}

TEST(Periphery, RangeErrorsCarryThePointer) {
    EXPECT_EQ(periphery_error_pointer({{"adc", {{"bits", 17}}}}), "/components/0/adc/bits");
    EXPECT_EQ(periphery_error_pointer({{"adc", {{"bits", -1}}}}), "/components/0/adc/bits");
    EXPECT_EQ(periphery_error_pointer({{"adc", {{"shared_by_columns", 0}}}}),
              "/components/0/adc/shared_by_columns");
    EXPECT_EQ(periphery_error_pointer({{"adc", {{"fom", 0}}}}), "/components/0/adc/fom");
    EXPECT_EQ(periphery_error_pointer({{"adc", {{"clock", "5 ns"}}}}), "/components/0/adc/clock");
    EXPECT_EQ(periphery_error_pointer({{"dac", {{"bits", 0}}}}), "/components/0/dac/bits");
    EXPECT_EQ(periphery_error_pointer({{"dac", {{"bits", 9}}}}), "/components/0/dac/bits");
    EXPECT_EQ(periphery_error_pointer({{"dac", {{"energy", -1e-15}}}}), "/components/0/dac/energy");
    EXPECT_EQ(periphery_error_pointer({{"adc", {{"bitz", 3}}}}), "/components/0/adc/bitz");
}

} // namespace
} // namespace neurotlm
