// Every shipped platform with a `<name>.expected.json` beside it still produces its expected
// figures: the file names the overrides the check runs with ("set"), and per figure a JSON
// pointer into report.json (or a list of them, summed) with either an absolute tolerance around a
// value, a band around another figure of the same report (accuracy against the software reference),
// or a factor around a published reference figure. A figure that moves outside its tolerance fails
// with the figure, the bound and the reason the expectation is there.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testing/cli.h"
#include "testing/paths.h"

namespace {

namespace fs = std::filesystem;
using neurotlm::testing::load_json;
using nlohmann::json;

std::vector<std::string> expectation_files() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(neurotlm::testing::source_dir() + "/configs")) {
        const std::string name = e.path().filename().string();
        const std::string suffix = ".expected.json";
        if (name.size() > suffix.size() &&
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
            out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

double number_at(const json& report, const std::string& pointer) {
    const json& v = report.at(json::json_pointer(pointer));
    if (!v.is_number()) throw std::runtime_error(pointer + " is not a number: " + v.dump());
    return v.get<double>();
}

/// "" if the figure holds, else why not. A list of pointers is checked as their sum.
std::string check(const json& report, const json& c) {
    std::string pointer;
    double got = 0.0;
    if (c.at("pointer").is_array()) {
        for (const auto& p : c.at("pointer")) {
            pointer += (pointer.empty() ? "" : " + ") + p.get<std::string>();
            got += number_at(report, p.get<std::string>());
        }
    } else {
        pointer = c.at("pointer").get<std::string>();
        got = number_at(report, pointer);
    }
    const std::string why = c.value("why", "");
    char buf[512];
    if (c.contains("within_factor")) {
        const double ref = c.at("reference").get<double>();
        const double f = c.at("within_factor").get<double>();
        if (got >= ref / f && got <= ref * f) return "";
        std::snprintf(buf, sizeof buf, "%s = %g, not within %gx of %g (%s)", pointer.c_str(), got,
                      f, ref, why.c_str());
        return buf;
    }
    const double centre = c.contains("relative_to")
                              ? number_at(report, c.at("relative_to").get<std::string>())
                              : c.at("value").get<double>();
    const double tol = c.at("abs").get<double>();
    if (std::fabs(got - centre) <= tol) return "";
    std::snprintf(buf, sizeof buf, "%s = %g, not within %g of %g (%s)", pointer.c_str(), got, tol,
                  centre, why.c_str());
    return buf;
}

// One test per shipped platform, so they run side by side.
class ShippedConfigs : public ::testing::TestWithParam<std::string> {};

TEST_P(ShippedConfigs, HoldTheirExpectedFigures) {
    const std::string& file = GetParam();
    SCOPED_TRACE(file);
    const json e = load_json(file);
    const std::string config =
        file.substr(0, file.size() - std::string(".expected.json").size()) + ".json";
    const std::string out =
        neurotlm::testing::scratch_dir("shipped_" + fs::path(config).stem().string());
    std::string args = "run " + config + " --quiet --out " + out;
    for (const auto& s : e.value("set", json::array()))
        args += " --set '" + s.get<std::string>() + "'";
#ifdef NEUROTLM_SANITIZED
    // A platform too large to run sanitized says so, and why, in "sanitized_skip".
    if (e.contains("sanitized_skip")) GTEST_SKIP() << e.at("sanitized_skip").get<std::string>();
    // Under the sanitizers the figures are not the point (the optimised build checks them):
    // a few images run every code path the figures come from, 10-50x slower. A file whose
    // workload counts images otherwise says how in "sanitized_set".
    for (const auto& s : e.value("sanitized_set", json::array({"/workload/dataset/limit=20"})))
        args += " --set '" + s.get<std::string>() + "'";
#endif
    const auto r = neurotlm::testing::run_program(NEUROTLM_CLI, args, 600);
    ASSERT_EQ(r.code, 0) << r.err;
    const json report = load_json(out + "/report.json");
    const json& checks = e.at("checks");
    ASSERT_FALSE(checks.empty());
    for (const auto& c : checks) {
#ifdef NEUROTLM_SANITIZED
        EXPECT_NO_THROW(check(report, c)) << c.dump(); // every figure is in the report
#else
        const std::string problem = check(report, c);
        EXPECT_EQ(problem, "") << problem;
#endif
    }
}

TEST(ShippedConfigsFound, AtLeastOneHasExpectedFigures) {
    EXPECT_FALSE(expectation_files().empty()) << "no configs/*.expected.json";
}

/// The test's name: the platform file's name without .json, as a test name may spell it.
std::string config_name(const ::testing::TestParamInfo<std::string>& info) {
    std::string name = fs::path(info.param).filename().string();
    name = name.substr(0, name.size() - std::string(".expected.json").size());
    for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(Configs, ShippedConfigs, ::testing::ValuesIn(expectation_files()),
                         config_name);

} // namespace
