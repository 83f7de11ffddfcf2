// The activity log: busy time and energy spread over bins without loss, the bins doubling as
// the run grows, events bounded by the window and the limit.

#include <gtest/gtest.h>

#include "neurotlm/core/activity.h"

using namespace neurotlm;

namespace {

double total_energy(const ActivityLog& log, std::size_t c) {
    double s = 0;
    for (std::size_t b = 0; b < ActivityLog::kBins; ++b)
        s += log.energy_J(c, b);
    return s;
}

double total_busy(const ActivityLog& log, int t) {
    double s = 0;
    for (std::size_t b = 0; b < ActivityLog::kBins; ++b)
        s += log.busy_s(t, b);
    return s;
}

} // namespace

TEST(Activity, AnIntervalIsSpreadOverTheBinsItCovers) {
    ActivityLog log({"array", "adc"});
    const int t = log.add_track("tile0", "crossbar_tile");
    // 1 ns bins: 2.5 ns of work from 0.5 ns covers bins 0 (0.5), 1 (1), 2 (1).
    log.busy(t, 0.5e-9, 2.5e-9, "MVM", {5e-12, 0.0});
    EXPECT_NEAR(log.busy_s(t, 0), 0.5e-9, 1e-21);
    EXPECT_NEAR(log.busy_s(t, 1), 1e-9, 1e-21);
    EXPECT_NEAR(log.busy_s(t, 2), 1e-9, 1e-21);
    EXPECT_NEAR(log.energy_J(0, 0), 1e-12, 1e-24);
    EXPECT_NEAR(log.energy_J(0, 1), 2e-12, 1e-24);
    EXPECT_EQ(log.energy_J(1, 1), 0.0);
    EXPECT_EQ(log.bins_used(3e-9), 3u);
}

TEST(Activity, BinsDoubleAsTheRunGrowsAndKeepEverything) {
    ActivityLog log({"array"});
    const int t = log.add_track("tile0", "crossbar_tile");
    double busy = 0, energy = 0;
    for (int k = 0; k < 1000; ++k) {
        const double start = k * 7e-9, d = 3e-9 + (k % 5) * 1e-9;
        log.busy(t, start, d, "MVM", {1e-12 * (k % 3 + 1)});
        busy += d;
        energy += 1e-12 * (k % 3 + 1);
    }
    log.energy_at(7.5e-6, {2e-12});
    energy += 2e-12;
    EXPECT_GE(log.bin_s() * ActivityLog::kBins, 7e-6);
    EXPECT_LT(log.bin_s() * ActivityLog::kBins / 2, 7.5e-6); // no more doubling than needed
    EXPECT_NEAR(total_busy(log, t), busy, busy * 1e-12);
    EXPECT_NEAR(total_energy(log, 0), energy, energy * 1e-12);
    // A bin is never busier than its width.
    for (std::size_t b = 0; b < ActivityLog::kBins; ++b)
        EXPECT_LE(log.busy_s(t, b), log.bin_s() * (1 + 1e-12));
}

TEST(Activity, EventsAreKeptOnlyWhenAskedWithinTheWindowAndTheLimit) {
    {
        ActivityLog log({"array"});
        const int t = log.add_track("a", "x");
        log.busy(t, 0, 1e-9, "MVM", {});
        EXPECT_TRUE(log.events().empty());
    }
    ActivityOptions o;
    o.keep_events = true;
    o.window_start_s = 10e-9;
    o.window_end_s = 20e-9;
    o.max_events = 3;
    ActivityLog log({"array"}, o);
    const int t = log.add_track("a", "x");
    for (int k = 0; k < 30; ++k)
        log.busy(t, k * 1e-9, 0.5e-9, "MVM", {});
    // Intervals starting at 10..20 ns meet the window (the one from 9 ns ends at 9.5 ns):
    // 11 events, the first 3 kept.
    EXPECT_EQ(log.events().size(), 3u);
    EXPECT_EQ(log.dropped_events(), 8u);
    EXPECT_DOUBLE_EQ(log.events().front().start_s, 10e-9);
}
