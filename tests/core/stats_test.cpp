// Named statistics (core/stats.h).

#include "neurotlm/core/stats.h"

#include <gtest/gtest.h>

namespace neurotlm {
namespace {

TEST(StatSet, StartsEmpty) {
    StatSet s;
    EXPECT_TRUE(s.empty());
    EXPECT_TRUE(s.all().empty());
    EXPECT_EQ(s.find("x"), nullptr);
    EXPECT_EQ(s.value("x"), 0.0);
    EXPECT_EQ(s.value("x", -1.0), -1.0);
}

TEST(StatSet, SetAndFind) {
    StatSet s;
    s.set("latency", 1.5e-9, Unit::second, "time per inference");
    s.set("reads", 42, Unit::none, "array reads");
    EXPECT_FALSE(s.empty());
    ASSERT_EQ(s.all().size(), 2u);
    const Stat* lat = s.find("latency");
    ASSERT_NE(lat, nullptr);
    EXPECT_EQ(lat->name, "latency");
    EXPECT_EQ(lat->value, 1.5e-9);
    EXPECT_EQ(lat->unit, Unit::second);
    EXPECT_EQ(lat->description, "time per inference");
    EXPECT_EQ(s.value("reads"), 42.0);
    EXPECT_EQ(s.value("reads", 7.0), 42.0); // the fallback is only for missing names
    EXPECT_EQ(s.find("Latency"), nullptr);
}

TEST(StatSet, SetOverwritesInPlace) {
    StatSet s;
    s.set("a", 1, Unit::none, "first a");
    s.set("b", 2, Unit::joule, "b");
    s.set("c", 3, Unit::none, "c");
    s.set("b", 20, Unit::watt, "new b");
    ASSERT_EQ(s.all().size(), 3u);
    // Insertion order is kept; the overwritten statistic keeps its place.
    EXPECT_EQ(s.all()[0].name, "a");
    EXPECT_EQ(s.all()[1].name, "b");
    EXPECT_EQ(s.all()[2].name, "c");
    EXPECT_EQ(s.all()[1].value, 20.0);
    EXPECT_EQ(s.all()[1].unit, Unit::watt);
    EXPECT_EQ(s.all()[1].description, "new b");
}

TEST(StatSet, ZeroAndNegativeValuesAreValues) {
    StatSet s;
    s.set("zero", 0.0, Unit::none, "");
    s.set("neg", -2.5, Unit::volt, "");
    EXPECT_EQ(s.value("zero", 99.0), 0.0);
    EXPECT_EQ(s.value("neg", 99.0), -2.5);
}

} // namespace
} // namespace neurotlm
