// report.html as a browser shows it: a small run's page loaded by headless Chromium, whose DOM
// must carry the page title and the run's figures as report.json has them. Skipped (failed in
// CI) without Chromium; tools/setup.sh installs it.

#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "neurotlm/core/units.h"
#include "testing/cli.h"
#include "testing/paths.h"
#include "testing/require.h"

using neurotlm::testing::CliResult;
using neurotlm::testing::load_json;
using neurotlm::testing::run_program;
using neurotlm::testing::scratch_dir;
using neurotlm::testing::test_data;
using nlohmann::json;

namespace {

std::string chromium() {
    for (const char* candidate : {"chromium", "chromium-browser"})
        if (std::system(("command -v " + std::string(candidate) + " >/dev/null 2>&1").c_str()) == 0)
            return candidate;
    return {};
}

/// A quantity as the page writes it: four significant digits and the micro sign.
std::string page_quantity(double v, neurotlm::Unit unit) {
    std::string s = neurotlm::format_quantity(v, unit, 4);
    const auto space = s.find(' ');
    if (space != std::string::npos && space + 1 < s.size() && s[space + 1] == 'u')
        s.replace(space + 1, 1, "\xC2\xB5");
    return s;
}

std::string page_percent(double fraction) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f %%", 100.0 * fraction);
    return buf;
}

} // namespace

TEST(ReportBrowser, ChromiumShowsTheRunsFigures) {
    const std::string browser = chromium();
    NEUROTLM_REQUIRE_TOOL(!browser.empty(), "chromium");
    const std::string dir = scratch_dir("report-browser");
    const CliResult run = run_program(NEUROTLM_CLI, "run -q " + test_data("good/tiny_mlp.json") +
                                                        " --out " + dir + "/r");
    ASSERT_EQ(run.code, 0) << run.err;
    const json rep = load_json(dir + "/r/report.json");

    // Its own throw-away profile, and nothing that reaches for the network.
    const CliResult page =
        run_program(browser,
                    "--headless --disable-gpu --no-sandbox --no-first-run --disable-sync "
                    "--disable-background-networking --disable-component-update "
                    "--user-data-dir=" +
                        dir + "/profile --dump-dom file://" + dir + "/r/report.html",
                    120);
    ASSERT_EQ(page.code, 0) << page.err;
    const std::string& dom = page.out;
    // The page loaded and was parsed: its title, and the end of the document.
    EXPECT_NE(
        dom.find("<title>neurotlm: " + rep["run"]["platform"].get<std::string>() + "</title>"),
        std::string::npos)
        << dom.substr(0, 400);
    EXPECT_NE(dom.find("</footer>"), std::string::npos);
    // The key figures, as report.json has them.
    const std::string accuracy = page_percent(rep["workload"]["accuracy"].get<double>());
    const std::string energy =
        page_quantity(rep["totals"]["energy_per_item_J"].get<double>(), neurotlm::Unit::joule);
    const std::string latency =
        page_quantity(rep["totals"]["latency_per_item_s"].get<double>(), neurotlm::Unit::second);
    for (const std::string& figure : {accuracy, energy, latency})
        EXPECT_NE(dom.find("<div class=\"v\">" + figure + "</div>"), std::string::npos) << figure;
}
