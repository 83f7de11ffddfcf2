// `neurotlm run --trace`: the trace files a run writes, read back, and their size bound; the
// report's power over time adds up to the run's energy.

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testing/cli.h"
#include "testing/paths.h"

using neurotlm::testing::load_json;
using neurotlm::testing::run_program;
using neurotlm::testing::scratch_dir;
using neurotlm::testing::slurp;
using neurotlm::testing::test_data;
using nlohmann::json;

namespace {

neurotlm::testing::CliResult run(const std::string& out, const std::string& extra) {
    return run_program(NEUROTLM_CLI,
                       "run -q " + test_data("good/tiny_mlp.json") + " --out " + out + " " + extra);
}

} // namespace

TEST(TraceCli, PerfettoTraceHasATrackPerBlockAndStopsAtItsLimit) {
    const std::string dir = scratch_dir("trace-perfetto");
    const auto r = run(dir + "/r", "--trace perfetto --trace-limit 40");
    ASSERT_EQ(r.code, 0) << r.err;
    const json trace = load_json(dir + "/r/trace.json");
    const json report = load_json(dir + "/r/report.json");
    int tracks = 0, slices = 0;
    for (const json& e : trace["traceEvents"]) {
        if (e["ph"] == "M" && e["name"] == "thread_name") ++tracks;
        if (e["ph"] == "X") ++slices;
    }
    EXPECT_EQ(tracks, static_cast<int>(report["components"].size()) + 1); // + the phases' track
    EXPECT_EQ(slices, 40);
    EXPECT_GT(trace["otherData"]["events_dropped"].get<int>(), 0);
    EXPECT_EQ(report["time_series"]["events_dropped"], trace["otherData"]["events_dropped"]);
    // Bounded: 40 slices and the metadata stay small, whatever the run's length.
    EXPECT_LT(std::filesystem::file_size(dir + "/r/trace.json"), 20000u);
}

TEST(TraceCli, VcdHoldsOnlyTheWindow) {
    const std::string dir = scratch_dir("trace-vcd");
    const auto r = run(dir + "/r", "--trace vcd --trace-window '0:50 ns'");
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string vcd = slurp(dir + "/r/activity.vcd");
    ASSERT_NE(vcd.find("$enddefinitions $end"), std::string::npos);
    // No value change after the window's intervals end (each interval is short against 1 us).
    long last = 0;
    for (std::size_t at = vcd.find("\n#"); at != std::string::npos; at = vcd.find("\n#", at + 1))
        last = std::stol(vcd.substr(at + 2));
    EXPECT_GT(last, 0);
    EXPECT_LT(last, 1000000); // ps
    const auto bad = run(dir + "/b", "--trace vcd --trace-window '5 us:1 us'");
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("--trace-window"), std::string::npos) << bad.err;
    const auto alone = run(dir + "/c", "--trace-window '0:1 us'");
    EXPECT_EQ(alone.code, 2);
    EXPECT_NE(alone.err.find("--trace"), std::string::npos) << alone.err;
}

TEST(TraceCli, PowerOverTimeAddsUpToTheRunsEnergy) {
    const std::string dir = scratch_dir("trace-power");
    const auto r = run(dir + "/r", "");
    ASSERT_EQ(r.code, 0) << r.err;
    const json report = load_json(dir + "/r/report.json");
    const json& ts = report["time_series"];
    const double bin = ts["bin_s"].get<double>();
    double dynamic = 0, peak = 0;
    for (auto it = ts["power_W"].begin(); it != ts["power_W"].end(); ++it)
        for (const json& w : it.value())
            dynamic += w.get<double>() * bin;
    for (const json& w : ts["total_power_W"])
        peak = std::max(peak, w.get<double>());
    const double expected = report["totals"]["dynamic_energy_J"].get<double>();
    EXPECT_NEAR(dynamic, expected, 1e-9 * expected);
    EXPECT_DOUBLE_EQ(ts["peak_power_W"].get<double>(), peak);
    EXPECT_GE(peak, report["totals"]["average_power_W"].get<double>());
    // Every block's busy fraction is a fraction.
    for (auto it = ts["utilisation"].begin(); it != ts["utilisation"].end(); ++it)
        for (const json& f : it.value()) {
            EXPECT_GE(f.get<double>(), 0.0);
            EXPECT_LE(f.get<double>(), 1.0 + 1e-9) << it.key();
        }
    EXPECT_NE(slurp(dir + "/r/report.html").find("id=\"activity\""), std::string::npos);
}
