// `neurotlm compare` on two real runs: a table on the terminal, JSON with --json, an HTML page
// with --html, and exit code 2 for what is not a report.

#include <filesystem>

#include <gtest/gtest.h>

#include "testing/cli.h"
#include "testing/paths.h"

namespace {

using neurotlm::testing::run_program;
using neurotlm::testing::scratch_dir;
using neurotlm::testing::test_data;

TEST(CompareCli, TwoRunsSideBySide) {
    const std::string dir = scratch_dir("compare_cli");
    const std::string cfg = test_data("good/tiny_mlp.json");
    ASSERT_EQ(run_program(NEUROTLM_CLI, "run -q " + cfg + " --out " + dir + "/five").code, 0);
    ASSERT_EQ(run_program(NEUROTLM_CLI, "run -q " + cfg + " --set /components/2/adc/bits=3 --out " +
                                            dir + "/three")
                  .code,
              0);
    const auto table = run_program(NEUROTLM_CLI, "compare " + dir + "/five " + dir +
                                                     "/three --html " + dir + "/cmp.html");
    ASSERT_EQ(table.code, 0) << table.err;
    EXPECT_NE(table.out.find("energy per inference"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("/ five"), std::string::npos) << table.out;
    EXPECT_TRUE(std::filesystem::is_regular_file(dir + "/cmp.html"));
    const auto js = run_program(NEUROTLM_CLI, "compare --json " + dir + "/five " + dir + "/three");
    ASSERT_EQ(js.code, 0) << js.err;
    const auto doc = nlohmann::json::parse(js.out);
    EXPECT_EQ(doc["schema"], "neurotlm-compare");
    EXPECT_EQ(doc["runs"].size(), 2u);
    // Fewer converter bits: less ADC energy per inference.
    for (const auto& f : doc["figures"])
        if (f["figure"] == "energy_per_item_by_class_J/adc")
            EXPECT_LT(f["ratio_to_first"][1].get<double>(), 1.0);
}

TEST(CompareCli, WhatIsNotAReportIsABadInput) {
    const std::string dir = scratch_dir("compare_cli_bad");
    const auto r = run_program(NEUROTLM_CLI, "compare " + dir + "/nothing " + dir + "/none");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("nothing"), std::string::npos) << r.err;
    EXPECT_EQ(run_program(NEUROTLM_CLI, "compare " + dir).code, 2); // one report is not enough
}

} // namespace
