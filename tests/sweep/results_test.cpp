// results.jsonl read back after a kill (a cut last line, a point recorded twice), the figures
// read from a report, and the CSV table.

#include <algorithm>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "neurotlm/sweep/results.h"
#include "testing/paths.h"

namespace {

using namespace neurotlm;

std::string results_text(const std::string& path) {
    std::stringstream ss;
    ss << std::ifstream(path).rdbuf();
    return ss.str();
}

PointRecord record(const std::string& id, bool ok, double accuracy) {
    PointRecord r;
    r.id = id;
    r.ok = ok;
    r.figures = {{"accuracy", accuracy}};
    if (!ok) r.error = "exit code 2";
    return r;
}

TEST(ResultsLog, DropsACutLineAndKeepsTheLastLineOfAPoint) {
    const std::string path = neurotlm::testing::scratch_dir("results_log") + "/results.jsonl";
    {
        ResultsLog log(path);
        log.append(record("a", false, 0));
        log.append(record("b", true, 0.5));
        log.append(record("a", true, 0.75)); // a retried point
        EXPECT_TRUE(log.has_duplicates());
    }
    std::ofstream(path, std::ios::app) << R"({"id": "c", "status": "o)"; // killed mid-write
    ResultsLog log(path);
    ASSERT_NE(log.find("a"), nullptr);
    EXPECT_TRUE(log.find("a")->ok);
    EXPECT_EQ(log.find("a")->figures["accuracy"], 0.75);
    EXPECT_NE(log.find("b"), nullptr);
    EXPECT_EQ(log.find("c"), nullptr);
    // Read back, the file was rewritten with one whole line per point.
    const std::string text = results_text(path);
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
    EXPECT_EQ(text.back(), '\n');
    log.append(record("c", true, 1.0));
    EXPECT_EQ(ResultsLog(path).find("c")->figures["accuracy"], 1.0);
}

TEST(SweepResults, FiguresComeFromTheReport) {
    SweepSpec spec;
    for (const char* k : {"accuracy", "energy_per_item_J", "power_per_item_W"})
        for (const auto& f : known_sweep_figures())
            if (f.key == k) spec.collect.push_back(f);
    spec.collect.push_back({"/totals/ops", "ops", Unit::none, "op", false, true});
    spec.collect.push_back({"/totals/missing", "missing", Unit::none, "", false, false});
    const json report = {{"schema", "neurotlm-report"},
                         {"totals",
                          {{"item", "inference"},
                           {"energy_per_item_J", 2e-9},
                           {"latency_per_item_s", 1e-6},
                           {"ops", 100}}},
                         {"workload", {{"accuracy", 0.9}}}};
    const json f = collect_figures(spec, report);
    EXPECT_EQ(f["accuracy"], 0.9);
    EXPECT_EQ(f["energy_per_item_J"], 2e-9);
    EXPECT_DOUBLE_EQ(f["power_per_item_W"].get<double>(), 2e-3);
    EXPECT_EQ(f["/totals/ops"], 100);
    EXPECT_TRUE(f["/totals/missing"].is_null());
}

TEST(SweepResults, CsvHasOneRowPerFinishedPoint) {
    SweepSpec spec;
    spec.mode = SweepMode::each;
    SweepParameter p;
    p.name = "supply";
    p.unit = "V";
    p.values = {"0.6 V", "1 V"};
    p.base_value = "0.8 V";
    spec.parameters.push_back(p);
    spec.collect.push_back(known_sweep_figures().front()); // accuracy
    std::vector<SweepPoint> points(3);
    points[0].id = "base";
    points[0].index = {std::nullopt};
    points[1].id = "low";
    points[1].index = {0};
    points[1].varied = 0;
    points[2].id = "high";
    points[2].index = {1};
    points[2].varied = 0;
    PointRecord base = record("base", true, 0.5), failed = record("high", false, 0);
    failed.error = "exit code 2: \"bad\", really";
    failed.figures = {{"accuracy", nullptr}};
    const std::string csv = sweep_csv(spec, points, {&base, nullptr, &failed});
    EXPECT_EQ(csv, "id,status,varied,supply [V],accuracy,wall_time_s,error\n"
                   "base,ok,base,0.8 V,0.5,0.000,\n"
                   "high,failed,supply,1 V,,0.000,\"exit code 2: \"\"bad\"\", really\"\n");
}

} // namespace
