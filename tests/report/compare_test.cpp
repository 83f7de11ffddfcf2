// Reports side by side: the rows, the ratios to the first run and the three renderings.
#include "neurotlm/report/compare.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"
#include "testing/paths.h"

namespace neurotlm {
namespace {

json report(double accuracy, double latency_s, double energy_J, double area_m2, double adc_J) {
    return {{"schema", "neurotlm-report"},
            {"schema_version", 1},
            {"run", {{"platform", "p"}, {"config_file", "p.json"}, {"complete", true}}},
            {"workload", {{"accuracy", accuracy}, {"software_accuracy", 0.9}}},
            {"totals",
             {{"item", "inference"},
              {"workload", "mlp_inference"},
              {"latency_per_item_s", latency_s},
              {"energy_per_item_J", energy_J},
              {"area_m2", area_m2},
              {"tops_per_W", 2.0},
              {"throughput_items_per_s", 1.0 / latency_s},
              {"energy_per_item_by_class_J",
               {{"array", energy_J - adc_J}, {"adc", adc_J}, {"write", 0.0}}}}}};
}

const CompareRow* find(const std::vector<CompareRow>& rows, const std::string& key) {
    for (const auto& r : rows)
        if (r.key == key) return &r;
    return nullptr;
}

TEST(Compare, RowsCarryEachRunsFiguresAndRatiosToTheFirst) {
    // An analog chain against a mixed-signal one: 12x faster, 13.2x less energy.
    const std::vector<ComparedRun> runs = {{"mixed", report(0.85, 12e-9, 13.2e-9, 2e-9, 10e-9)},
                                           {"analog", report(0.84, 1e-9, 1e-9, 1e-9, 0.0)}};
    const auto rows = compare_rows(runs);
    const CompareRow* latency = find(rows, "latency_per_item_s");
    ASSERT_NE(latency, nullptr);
    EXPECT_DOUBLE_EQ(*ratio_to_first(*latency, 1), 1.0 / 12.0);
    // Power during an item is energy over latency: 1.1 W against 1 W.
    const CompareRow* power = find(rows, "power_per_item_W");
    ASSERT_NE(power, nullptr);
    EXPECT_DOUBLE_EQ(*power->values[0], 13.2e-9 / 12e-9);
    EXPECT_NEAR(*ratio_to_first(*power, 1), 1.0 / 1.1, 1e-12);
    // Classes some run uses appear (the analog run has no ADC energy: ratio 0); classes no run
    // uses do not.
    const CompareRow* adc = find(rows, "energy_per_item_by_class_J/adc");
    ASSERT_NE(adc, nullptr);
    EXPECT_DOUBLE_EQ(*ratio_to_first(*adc, 1), 0.0);
    EXPECT_EQ(find(rows, "energy_per_item_by_class_J/write"), nullptr);
    // A figure a run lacks is empty, and so is its ratio.
    std::vector<ComparedRun> partial = runs;
    partial[1].report["workload"].erase("accuracy");
    const std::vector<CompareRow> partial_rows = compare_rows(partial);
    const CompareRow* acc = find(partial_rows, "accuracy");
    ASSERT_NE(acc, nullptr);
    EXPECT_FALSE(acc->values[1].has_value());
    EXPECT_FALSE(ratio_to_first(*acc, 1).has_value());
}

TEST(Compare, TextHtmlAndJsonShowTheSameFigures) {
    const std::vector<ComparedRun> runs = {{"mixed", report(0.85, 12e-9, 13.2e-9, 2e-9, 10e-9)},
                                           {"analog", report(0.84, 1e-9, 1e-9, 1e-9, 0.0)}};
    const std::string text = compare_text(runs);
    EXPECT_NE(text.find("latency per inference"), std::string::npos);
    EXPECT_NE(text.find("0.083x"), std::string::npos); // 1 / 12
    EXPECT_NE(text.find("85.00 %"), std::string::npos);
    const std::string page = compare_html(runs);
    EXPECT_NE(page.find("<table>"), std::string::npos);
    EXPECT_NE(page.find("analog"), std::string::npos);
    EXPECT_NE(page.find("<svg"), std::string::npos);
    const json j = compare_json(runs);
    EXPECT_EQ(j["runs"], json({"mixed", "analog"}));
    bool found = false;
    for (const auto& f : j["figures"])
        if (f["figure"] == "energy_per_item_J") {
            found = true;
            EXPECT_DOUBLE_EQ(f["ratio_to_first"][1].get<double>(), 1.0 / 13.2);
            EXPECT_EQ(f["unit"], "J");
        }
    EXPECT_TRUE(found);
}

TEST(Compare, WhatIsNotAReportIsRefusedWithItsPath) {
    const std::string dir = testing::scratch_dir("compare_inputs");
    EXPECT_THROW(load_compared_run(dir + "/missing"), InputError);
    std::ofstream(dir + "/not_report.json") << R"({"schema": "something-else"})";
    try {
        load_compared_run(dir + "/not_report.json");
        FAIL() << "accepted a file that is not a report";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("not_report.json"), std::string::npos);
    }
    std::filesystem::create_directories(dir + "/run_a");
    std::ofstream(dir + "/run_a/report.json") << report(0.8, 1e-9, 1e-9, 1e-9, 0.0).dump();
    const ComparedRun r = load_compared_run(dir + "/run_a/");
    EXPECT_EQ(r.label, "run_a");
}

} // namespace
} // namespace neurotlm
