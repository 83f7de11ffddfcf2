// `--json` on every command that prints a summary: stdout is one JSON document and nothing else
// (progress and messages go to stderr), its figures are the report's, and errors keep their
// exit codes with nothing on stdout.

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testing/cli.h"
#include "testing/paths.h"

namespace fs = std::filesystem;
using neurotlm::testing::CliResult;
using neurotlm::testing::load_json;
using neurotlm::testing::scratch_dir;
using neurotlm::testing::source_dir;
using neurotlm::testing::test_data;
using nlohmann::json;

namespace {

CliResult run(const std::string& args, int seconds = 300) {
    return neurotlm::testing::run_program(NEUROTLM_CLI, args, seconds);
}

/// stdout parsed whole: a second document or any stray text makes this throw.
json parse_stdout(const CliResult& r) {
    return json::parse(r.out);
}

} // namespace

TEST(JsonCli, RunPrintsTheKeyFiguresOfItsReport) {
    const std::string out = scratch_dir("json-run") + "/r";
    const CliResult r = run("run --json " + test_data("good/tiny_mlp.json") + " --out " + out);
    ASSERT_EQ(r.code, 0) << r.err;
    const json s = parse_stdout(r);
    const json rep = load_json(out + "/report.json");
    EXPECT_EQ(s["command"], "run");
    EXPECT_EQ(s["platform"], rep["run"]["platform"]);
    EXPECT_EQ(s["items"], rep["totals"]["items"]);
    EXPECT_EQ(s["complete"], true);
    EXPECT_EQ(s["exit_reason"], "completed");
    EXPECT_EQ(s["exit_code"], 0);
    EXPECT_EQ(s["accuracy"], rep["workload"]["accuracy"]);
    EXPECT_EQ(s["energy_per_item_J"], rep["totals"]["energy_per_item_J"]);
    EXPECT_EQ(s["latency_per_item_s"], rep["totals"]["latency_per_item_s"]);
    EXPECT_EQ(s["average_power_W"], rep["totals"]["average_power_W"]);
    EXPECT_TRUE(s["area_m2"].is_null() || s["area_m2"] == rep["totals"]["area_m2"]);
    EXPECT_EQ(fs::canonical(s["report"].get<std::string>()), fs::canonical(out));
    // The human summary is not printed; messages stay on stderr.
    EXPECT_EQ(r.out.find("report:"), std::string::npos);
    EXPECT_NE(r.err.find("running"), std::string::npos) << r.err;
}

TEST(JsonCli, RunOfAHopfieldArrayHasItsRecallFigures) {
    const std::string out = scratch_dir("json-hop") + "/r";
    const CliResult r =
        run("run --json -q " + test_data("good/hopfield_small.json") + " --out " + out);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err; // --quiet: nothing but errors
    const json s = parse_stdout(r);
    const json rep = load_json(out + "/report.json");
    EXPECT_EQ(s["exact_recall"], rep["workload"]["exact_recall"]);
    EXPECT_FALSE(s.contains("accuracy"));
}

TEST(JsonCli, RunErrorsKeepTheirExitCodeAndLeaveStdoutEmpty) {
    const CliResult bad =
        run("run --json " + test_data("good/tiny_mlp.json") +
            " --set /components/2/adc/bits=99 --out " + scratch_dir("json-bad") + "/r");
    EXPECT_EQ(bad.code, 2);
    EXPECT_TRUE(bad.out.empty()) << bad.out;
    EXPECT_NE(bad.err.find("error:"), std::string::npos);
    const CliResult missing = run("run --json /nonexistent/platform.json");
    EXPECT_EQ(missing.code, 2);
    EXPECT_TRUE(missing.out.empty()) << missing.out;
}

TEST(JsonCli, Validate) {
    const CliResult r = run("validate --json " + test_data("good/tiny_mlp.json"));
    ASSERT_EQ(r.code, 0) << r.err;
    const json s = parse_stdout(r);
    EXPECT_EQ(s["valid"], true);
    EXPECT_EQ(s["command"], "validate");
    EXPECT_GT(s["components"].get<int>(), 1);
    const CliResult bad = run("validate --json " + test_data("good/tiny_mlp.json") +
                              " --set /components/2/adc/bits=99");
    EXPECT_EQ(bad.code, 2);
    EXPECT_TRUE(bad.out.empty()) << bad.out;
}

TEST(JsonCli, SweepAndItsPoints) {
    const std::string dir = scratch_dir("json-sweep");
    const json spec = {
        {"base", test_data("good/tiny_mlp.json")},
        {"parameters",
         {{{"name", "ADC bits"}, {"list", {3, 5}}, {"set", "/components/2/adc/bits"}}}},
        {"collect", {"accuracy", "energy_per_item_J"}}};
    std::ofstream(dir + "/sweep.json") << spec.dump(2);
    const CliResult points = run("sweep --json --list " + dir + "/sweep.json");
    ASSERT_EQ(points.code, 0) << points.err;
    const json list = parse_stdout(points);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0]["sets"][0], "/components/2/adc/bits=3");

    const CliResult r = run("sweep --json " + dir + "/sweep.json --out " + dir + "/out -j 2");
    ASSERT_EQ(r.code, 0) << r.err;
    const json s = parse_stdout(r);
    EXPECT_EQ(s["command"], "sweep");
    EXPECT_EQ(s["points"], 2);
    EXPECT_EQ(s["ok"], 2);
    EXPECT_EQ(s["failed"], 0);
    EXPECT_EQ(s["stopped"], false);
    EXPECT_TRUE(fs::is_regular_file(s["results"].get<std::string>() + "/results.csv"));
}

TEST(JsonCli, ExportSpiceOfAHopfieldArray) {
    const std::string out = scratch_dir("json-export");
    const CliResult r =
        run("export-spice --json " + test_data("good/hopfield_small.json") + " --out " + out);
    ASSERT_EQ(r.code, 0) << r.err;
    const json s = parse_stdout(r);
    EXPECT_EQ(s["kind"], "hopfield");
    const int n = s["netlists"].get<int>();
    EXPECT_GE(n, 1);
    EXPECT_TRUE(fs::is_regular_file(out + "/step" + std::to_string(n - 1) + ".cir"));
    EXPECT_FALSE(fs::exists(out + "/step" + std::to_string(n) + ".cir"));
}

TEST(JsonCli, ExportSpiceOfAnAnalogChain) {
    const std::string out = scratch_dir("json-chain");
    // Ideal wires: the export, not the solves, is under test.
    std::string args = "export-spice --json " + source_dir() +
                       "/configs/imacsim_mlp.json --layer 3 --image 0 --out " + out;
    for (int group = 2; group <= 6; ++group)
        args += " --set /components/" + std::to_string(group) + "/ir_drop=false";
    const CliResult r = run(args, 600);
    ASSERT_EQ(r.code, 0) << r.err;
    const json s = parse_stdout(r);
    EXPECT_EQ(s["kind"], "analog_chain");
    EXPECT_EQ(s["layer"], 3);
    EXPECT_EQ(s["banks"], 1);
    EXPECT_EQ(s["tiles"], 3);
    EXPECT_TRUE(fs::is_regular_file(out + "/" + s["netlist"].get<std::string>()));
}

TEST(JsonCli, HopfieldCapacity) {
    const std::string csv = scratch_dir("json-capacity") + "/curve.csv";
    const CliResult r = run("hopfield-capacity --json --neurons 100 --loads 0.05,0.3 --trials 1 "
                            "--storage float --out " +
                            csv);
    ASSERT_EQ(r.code, 0) << r.err;
    const json s = parse_stdout(r);
    ASSERT_EQ(s["rows"].size(), 2u);
    EXPECT_EQ(s["rows"][0]["storage"], "float");
    EXPECT_DOUBLE_EQ(s["rows"][0]["load"].get<double>(), 0.05);
    EXPECT_TRUE(s["capacity"].contains("float"));
    EXPECT_TRUE(fs::is_regular_file(csv));
    const CliResult bad = run("hopfield-capacity --json --loads 0.05,x");
    EXPECT_EQ(bad.code, 2);
    EXPECT_TRUE(bad.out.empty()) << bad.out;
}
