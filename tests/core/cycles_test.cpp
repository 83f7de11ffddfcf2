// Duration to whole clock cycles (core/cycles.h).

#include "neurotlm/core/cycles.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"

namespace neurotlm {
namespace {

TEST(CyclesFor, ExampleFromTheHeader) {
    EXPECT_EQ(cycles_for(10e-9, 1e9), 10u);
}

TEST(CyclesFor, RoundsUpPartialCycles) {
    EXPECT_EQ(cycles_for(10.5e-9, 1e9), 11u);
    EXPECT_EQ(cycles_for(1e-12, 1e9), 1u);  // 1 ps still takes a cycle
    EXPECT_EQ(cycles_for(3e-9, 200e6), 1u); // 3 ns of a 5 ns period
    EXPECT_EQ(cycles_for(5.5e-9, 200e6), 2u);
    EXPECT_EQ(cycles_for(1e-9, 1e6), 1u);
}

TEST(CyclesFor, ExactDecimalMultiplesGainNoCycle) {
    // k periods written in decimal: the binary product may land a few ulp above k.
    const struct {
        double period_s;
        double clock_Hz;
    } clocks[] = {{1e-9, 1e9},   {0.4e-9, 2.5e9}, {0.625e-9, 1.6e9},
                  {5e-9, 200e6}, {0.1e-6, 10e6},  {1e-12, 1e12}};
    for (const auto& c : clocks)
        for (int k = 1; k <= 2000; ++k) {
            ASSERT_EQ(cycles_for(k * c.period_s, c.clock_Hz), static_cast<std::uint64_t>(k))
                << k << " x " << c.period_s;
            // A hundredth of a period more needs one more cycle.
            ASSERT_EQ(cycles_for((k + 0.01) * c.period_s, c.clock_Hz),
                      static_cast<std::uint64_t>(k + 1))
                << k << ".01 x " << c.period_s;
        }
}

TEST(CyclesFor, NoTimeTakesNoCycles) {
    EXPECT_EQ(cycles_for(0.0, 1e9), 0u);
    EXPECT_EQ(cycles_for(-0.0, 1e9), 0u);
    EXPECT_EQ(cycles_for(-5e-9, 1e9), 0u);
    EXPECT_EQ(cycles_for(std::numeric_limits<double>::quiet_NaN(), 1e9), 0u);
    EXPECT_EQ(cycles_for(-std::numeric_limits<double>::infinity(), 1e9), 0u);
}

TEST(CyclesFor, TooManyCyclesIsAnInputError) {
    EXPECT_THROW(cycles_for(1e10, 1e9), InputError); // 1e19 > 2^63
    EXPECT_THROW(cycles_for(std::numeric_limits<double>::infinity(), 1e9), InputError);
    EXPECT_THROW(cycles_for(1.0, std::numeric_limits<double>::infinity()), InputError);
    // Well inside 64 bits it counts.
    EXPECT_EQ(cycles_for(100.0, 1e9), 100000000000u);
}

TEST(CyclesFor, LongDurationsAreNotShortened) {
    // A purely relative guard against binary rounding (x (1 - 1e-12)) would remove whole
    // cycles beyond about 1e12 cycles: 3000 s at 1 GHz would give 3e12 - 3.
    EXPECT_EQ(cycles_for(1000.0, 1e9), 1000000000000u);
    EXPECT_EQ(cycles_for(3000.0, 1e9), 3000000000000u);
    EXPECT_EQ(cycles_for(1e-3, 1e15), 1000000000000u);
}

} // namespace
} // namespace neurotlm
