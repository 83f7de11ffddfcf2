// The neurotlm command as a user meets it: exit codes, messages, reports, reproducibility.

#include <cmath>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "neurotlm/version.h"
#include "testing/cli.h"
#include "testing/paths.h"

namespace fs = std::filesystem;
using neurotlm::testing::scratch_dir;
using neurotlm::testing::test_data;
using nlohmann::json;

namespace {

using Result = neurotlm::testing::CliResult;
using neurotlm::testing::slurp;

Result cli_run(const std::string& args) {
    return neurotlm::testing::run_program(NEUROTLM_CLI, args);
}

json cli_load(const std::string& path) {
    return neurotlm::testing::load_json(path);
}

// A report file's text without the two wall-clock lines, for byte-for-byte comparisons.
std::string without_wall_clock(const std::string& text) {
    std::stringstream in(text), out;
    std::string line;
    while (std::getline(in, line))
        if (line.find("wall_time_s") == std::string::npos &&
            line.find("started_at") == std::string::npos)
            out << line << "\n";
    return out.str();
}

// The report without the fields that legitimately change between equal runs.
json comparable(json report) {
    report["run"].erase("wall_time_s");
    report["run"].erase("started_at");
    return report;
}

} // namespace

TEST(Cli, HelpAndVersion) {
    Result h = cli_run("--help");
    EXPECT_EQ(h.code, 0);
    EXPECT_NE(h.out.find("run"), std::string::npos);
    EXPECT_NE(h.out.find("validate"), std::string::npos);
    Result v = cli_run("--version");
    EXPECT_EQ(v.code, 0);
    EXPECT_NE(v.out.find(NEUROTLM_VERSION), std::string::npos);
}

TEST(Cli, TheKernelsInstructionSetIsShownAndCanBeChosen) {
    // The version line names the kernels' instruction set; NEUROTLM_ISA picks one.
    Result v = cli_run("--version");
    EXPECT_NE(v.out.find("kernels: "), std::string::npos) << v.out;
    Result sse2 = neurotlm::testing::run_program("env", std::string("NEUROTLM_ISA=sse2 ") +
                                                            NEUROTLM_CLI + " --version");
    EXPECT_EQ(sse2.code, 0);
    EXPECT_NE(sse2.out.find("kernels: sse2"), std::string::npos) << sse2.out;
    // A name it does not know stops a run before anything is computed, and says why.
    Result bad = neurotlm::testing::run_program(
        "env", std::string("NEUROTLM_ISA=avx9000 ") + NEUROTLM_CLI + " run --out " +
                   neurotlm::testing::scratch_dir("bad-isa") + "/out");
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("NEUROTLM_ISA=avx9000: not one of sse2, avx2, avx512"),
              std::string::npos)
        << bad.err;
}

TEST(Cli, BadArgumentsExitWithTwo) {
    EXPECT_EQ(cli_run("").code, 2);
    EXPECT_EQ(cli_run("frobnicate").code, 2);
    EXPECT_EQ(cli_run("run --seed notanumber").code, 2);
    Result r = cli_run("run --set rows=5 " + test_data("good/small_trace.json"));
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("/json/pointer=value"), std::string::npos) << r.err;
}

TEST(Cli, MissingFileIsBadInputAndWritesNothing) {
    const std::string out = scratch_dir("missing") + "/report";
    Result r = cli_run("run /no/such/platform.json --out " + out);
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("/no/such/platform.json"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
}

TEST(Cli, ListPrintsEveryTypeWithItsParameters) {
    Result r = cli_run("list");
    ASSERT_EQ(r.code, 0) << r.err;
    for (const char* needle : {"crossbar_tile", "router", "controller", "mlp_inference", "trace",
                               "adc.bits", "read_time", "rram_imacsim", "sot_mram_amin2022"})
        EXPECT_NE(r.out.find(needle), std::string::npos) << needle;
}

TEST(Cli, ValidateAcceptsAGoodFileWithoutRunningIt) {
    Result r = cli_run("validate " + test_data("good/tiny_mlp.json"));
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("valid"), std::string::npos);
}

TEST(Cli, RunWritesTheReportFiles) {
    const std::string out = scratch_dir("run") + "/r";
    Result r = cli_run("run " + test_data("good/tiny_mlp.json") + " --out " + out);
    ASSERT_EQ(r.code, 0) << r.err;
    for (const char* f : {"report.json", "report.csv", "config.effective.json"})
        EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
    const json rep = cli_load(out + "/report.json");
    EXPECT_EQ(rep["schema_version"], 1);
    EXPECT_EQ(rep["totals"]["items"], 40);
    EXPECT_TRUE(rep["run"]["complete"].get<bool>());
    // Component energies add up to the total.
    double sum = 0;
    for (const auto& c : rep["components"])
        sum += c["energy_J"].get<double>();
    EXPECT_NEAR(sum, rep["totals"]["energy_J"].get<double>(), 1e-12 * std::abs(sum));
    EXPECT_GT(rep["workload"]["accuracy"].get<double>(), 0.9);
    // No temporary files left behind.
    for (const auto& e : fs::directory_iterator(out))
        EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();
}

TEST(Cli, SameSeedGivesTheSameReportAndAnotherSeedDoesNot) {
    const std::string dir = scratch_dir("determinism");
    ASSERT_EQ(cli_run("run -q " + test_data("good/tiny_mlp.json") + " --out " + dir + "/a").code,
              0);
    ASSERT_EQ(cli_run("run -q " + test_data("good/tiny_mlp.json") + " --out " + dir + "/b").code,
              0);
    ASSERT_EQ(
        cli_run("run -q --seed 12345 " + test_data("good/tiny_mlp.json") + " --out " + dir + "/c")
            .code,
        0);
    const json a = comparable(cli_load(dir + "/a/report.json"));
    const json b = comparable(cli_load(dir + "/b/report.json"));
    const json c = comparable(cli_load(dir + "/c/report.json"));
    EXPECT_EQ(a.dump(), b.dump());
    EXPECT_NE(a["totals"]["energy_J"], c["totals"]["energy_J"]);
    // The whole file, byte for byte, apart from the two wall-clock lines.
    EXPECT_EQ(without_wall_clock(slurp(dir + "/a/report.json")),
              without_wall_clock(slurp(dir + "/b/report.json")));
}

TEST(Cli, ImagesComputedInBatchesGiveTheSameReportsByteForByte) {
    // The default platform (bit-serial inputs, 5-bit ADCs, variation and read noise), the same
    // with ideal converters (one dense read per image: the batches share the matrix loads) and
    // a small MLP and a small CNN, each image-at-a-time, in the default batches and in batches
    // of 7 (71 images: a batch left over). Every byte of the reports, bar the wall-clock lines,
    // must agree.
    const std::string dir = scratch_dir("batches");
    const std::string def = neurotlm::testing::source_dir() + "/configs/default.json";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"default", def + " --set /workload/dataset/limit=71"},
        {"ideal_adc", def + " --set /workload/dataset/limit=71 --set /components/2/adc/bits=0"},
        {"tiny", test_data("good/tiny_mlp.json")},
        // A convolution's patches are read ahead image by image (16 per image here), with
        // variation, read noise and a 5-bit ADC; its outputs are in the report.
        {"tiny_cnn", test_data("good/tiny_cnn.json")},
    };
    for (const auto& [name, args] : cases) {
        std::vector<std::string> reports, tables;
        for (const char* batch : {"1", "7", ""}) {
            const std::string out = dir + "/" + name + "-" + (*batch ? batch : "default");
            const std::string opt = *batch ? std::string(" --batch ") + batch : "";
            const Result r = cli_run("run -q " + args + opt + " --out " + out);
            ASSERT_EQ(r.code, 0) << name << opt << ": " << r.err;
            reports.push_back(without_wall_clock(slurp(out + "/report.json")));
            tables.push_back(slurp(out + "/report.csv"));
        }
        EXPECT_NE(reports[0].find("\"accuracy\""), std::string::npos) << name;
        for (std::size_t k = 1; k < reports.size(); ++k) {
            EXPECT_EQ(reports[0], reports[k]) << name << ": batch case " << k;
            EXPECT_EQ(tables[0], tables[k]) << name << ": batch case " << k;
        }
    }
    // A batch size outside 1..4096 is refused before anything runs.
    const Result bad =
        cli_run("run -q " + test_data("good/tiny_mlp.json") + " --batch 0 --out " + dir + "/bad");
    EXPECT_NE(bad.code, 0);
    EXPECT_NE(bad.err.find("--batch"), std::string::npos) << bad.err;
}

TEST(Cli, CopiesOfAConvolutionsWeightsShortenItsLayer) {
    // tiny_cnn's conv1 reads 16 pixels on one tile; with 16 tiles and duplication "fill" it
    // gets copies that read several pixels at once: its layer's time shrinks with its rounds.
    const std::string dir = scratch_dir("duplication");
    const std::string cfg = test_data("good/tiny_cnn.json") + " --set /components/2/count=16";
    ASSERT_EQ(cli_run("run -q " + cfg + " --out " + dir + "/one").code, 0);
    const Result r =
        cli_run("run -q " + cfg + " --set /workload/duplication=fill --out " + dir + "/fill");
    ASSERT_EQ(r.code, 0) << r.err;
    auto conv1 = [](const json& report) {
        for (const json& ph : report.at("phases"))
            if (ph.at("phase") == "conv1") return ph.at("latency_per_entry_s").get<double>();
        return 0.0;
    };
    const json one = cli_load(dir + "/one/report.json"), fill = cli_load(dir + "/fill/report.json");
    const int copies = fill.at("workload").at("layers").at(0).at("copies").get<int>();
    // The table has each layer's mapping and each layer's energy by class.
    const std::string csv = slurp(dir + "/fill/report.csv");
    EXPECT_NE(csv.find("layer,conv1,copies," + std::to_string(copies) + ",1\n"), std::string::npos);
    EXPECT_NE(csv.find("layer,conv1,tiles_used,"), std::string::npos);
    EXPECT_NE(csv.find("layer,fc,reads_per_inference,1,1\n"), std::string::npos);
    EXPECT_NE(csv.find("phase_class,conv1.adc,energy,"), std::string::npos);
    EXPECT_NE(csv.find("phase_class,pool1.pooling,energy,"), std::string::npos);
    ASSERT_GT(copies, 1);
    EXPECT_EQ(one.at("workload").at("layers").at(0).at("copies").get<int>(), 1);
    const double rounds = std::ceil(16.0 / copies);
    // The same reads in `rounds` rounds instead of 16: the layer is at least half as much
    // faster (its buffer traffic and accumulation do not shrink).
    EXPECT_LT(conv1(fill), conv1(one) * (0.5 + 0.5 * rounds / 16.0))
        << copies << " copies: " << conv1(fill) << " s against " << conv1(one) << " s";

    // Copies by name, as an estimator's duplication would set them; refused where they cannot be.
    const Result four = cli_run("run -q " + cfg +
                                " --set '/workload/copies={\"conv1\": 4}' --out " + dir + "/four");
    ASSERT_EQ(four.code, 0) << four.err;
    EXPECT_EQ(cli_load(dir + "/four/report.json").at("workload").at("layers").at(0).at("copies"),
              4);
    for (const char* bad :
         {"{\"pool1\": 2}", "{\"conv1\": 17}", "{\"nope\": 2}", "{\"conv1\": 15}"}) {
        const std::string c = test_data("good/tiny_cnn.json") + " --set /components/2/count=16";
        const Result r =
            cli_run("run -q " + c + " --set '/workload/copies=" + bad + "' --out " + dir + "/bad");
        EXPECT_NE(r.code, 0) << bad;
        EXPECT_NE(r.err.find("/workload/copies/"), std::string::npos) << bad << ": " << r.err;
    }
}

TEST(Cli, PrototypesAreBuiltForEachExitFromLabelledImages) {
    const std::string dir = scratch_dir("prototypes");
    const std::string data = " --images " + test_data("tiny/images-idx3-ubyte.gz") + " --labels " +
                             test_data("tiny/labels-idx1-ubyte.gz");
    const Result r =
        cli_run("prototypes " + test_data("networks/tiny_cnn.json") +
                " --exit conv1 --exit pool1 --grid 2" + data + " --out " + dir + "/mem.json");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("exit after conv1: 16 bits (4 channels x 4 cells)"), std::string::npos)
        << r.out;
    const json mem = cli_load(dir + "/mem.json");
    EXPECT_EQ(mem.at("format"), "neurotlm-semantic-memory");
    ASSERT_EQ(mem.at("exits").size(), 2u);
    EXPECT_EQ(mem.at("exits").at(1).at("after"), "pool1");
    EXPECT_EQ(mem.at("exits").at(1).at("prototypes").size(), 4u);
    EXPECT_EQ(mem.at("exits").at(1).at("prototypes").at(0).get<std::string>().size(), 16u);
    // An unknown layer, or a grid larger than the map (pool1's is 2x2), is refused.
    for (const char* bad : {" --exit nope", " --exit pool1 --grid 3"}) {
        const Result e = cli_run("prototypes " + test_data("networks/tiny_cnn.json") + bad + data +
                                 " --out " + dir + "/bad.json");
        EXPECT_EQ(e.code, 2) << bad;
        EXPECT_NE(e.err.find("error:"), std::string::npos) << e.err;
    }
}

TEST(Cli, TheEffectiveConfigurationReproducesTheRun) {
    const std::string dir = scratch_dir("effective");
    ASSERT_EQ(cli_run("run -q " + test_data("good/tiny_mlp.json") + " --out " + dir + "/a").code,
              0);
    // Relative paths in the effective file were resolved against the original's folder.
    const std::string again = dir + "/a/config.effective.json";
    Result r = cli_run("run -q " + again + " --out " + dir + "/b");
    ASSERT_EQ(r.code, 0) << r.err;
    json a = comparable(cli_load(dir + "/a/report.json"));
    json b = comparable(cli_load(dir + "/b/report.json"));
    for (json* j : {&a, &b}) {
        (*j)["run"].erase("config_file");
        (*j)["workload"].erase("network");
        (*j)["workload"].erase("dataset");
    }
    EXPECT_EQ(a.dump(), b.dump());
}

TEST(Cli, SetOverridesAnyValue) {
    const std::string out = scratch_dir("set") + "/r";
    Result r = cli_run("run -q " + test_data("good/tiny_mlp.json") +
                       " --set /workload/dataset/limit=12 --out " + out);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(cli_load(out + "/report.json")["totals"]["items"], 12);
    Result bad = cli_run("run -q " + test_data("good/tiny_mlp.json") +
                         " --set /components/2/rows=-4 --out " + out + "2");
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("/components/2/rows"), std::string::npos) << bad.err;
}

TEST(Cli, SetAddressesComponentsByNameAndTheReportRecordsEveryOverride) {
    const std::string out = scratch_dir("set-name") + "/r";
    Result r = cli_run("run -q " + test_data("good/tiny_mlp.json") +
                       " --set /workload/dataset/limit=12 --set /components/tile/adc/bits=6 "
                       "--out " +
                       out);
    ASSERT_EQ(r.code, 0) << r.err;
    const json rep = cli_load(out + "/report.json");
    EXPECT_EQ(rep["run"]["overrides"],
              json({"/workload/dataset/limit=12", "/components/tile/adc/bits=6"}));
    // The named component (index 2) is the one changed.
    const json effective = cli_load(out + "/config.effective.json");
    EXPECT_EQ(effective["components"][2]["adc"]["bits"], 6);
    const std::string html = slurp(out + "/report.html");
    EXPECT_NE(html.find("/components/tile/adc/bits=6"), std::string::npos);
    // A name that is not there is refused with the names that are.
    Result bad =
        cli_run("validate " + test_data("good/tiny_mlp.json") + " --set /components/tiel/rows=64");
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("no component named \"tiel\" (components: ctrl, bus, tile)"),
              std::string::npos)
        << bad.err;
    // Without overrides the list is there and empty.
    const std::string plain = scratch_dir("set-none") + "/r";
    ASSERT_EQ(cli_run("run -q " + test_data("good/tiny_mlp.json") + " --out " + plain).code, 0);
    EXPECT_EQ(cli_load(plain + "/report.json")["run"]["overrides"], json::array());
}

TEST(Cli, ListFiltersAndPrintsJson) {
    Result r = cli_run("list crossbar_tile presets --json");
    ASSERT_EQ(r.code, 0) << r.err;
    const json doc = json::parse(r.out);
    ASSERT_TRUE(doc.contains("components"));
    EXPECT_EQ(doc["components"].size(), 1u);
    EXPECT_FALSE(doc.contains("workloads"));
    EXPECT_FALSE(doc.contains("platform"));
    const json& tile = doc["components"]["crossbar_tile"];
    bool found = false;
    for (const json& p : tile["parameters"])
        if (p["name"] == "read_time") {
            found = true;
            EXPECT_EQ(p["kind"], "number");
            EXPECT_EQ(p["unit"], "s");
            EXPECT_TRUE(p.contains("default"));
        }
    EXPECT_TRUE(found) << tile.dump();
    EXPECT_EQ(tile["sockets"][0]["name"], "in");
    bool preset = false;
    for (const json& p : doc["device_presets"])
        preset = preset || p["name"] == "rram_imacsim";
    EXPECT_TRUE(preset);
    // Text, filtered: one workload kind only.
    Result text = cli_run("list hopfield_recall");
    ASSERT_EQ(text.code, 0) << text.err;
    EXPECT_NE(text.out.find("workload kind \"hopfield_recall\""), std::string::npos);
    EXPECT_EQ(text.out.find("component type"), std::string::npos);
    Result bad = cli_run("list crossbar");
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("crossbar_tile"), std::string::npos) << bad.err;
}

TEST(Cli, APlatformOverTheMemoryLimitIsRefusedWithTheEstimate) {
    const std::string out = scratch_dir("memory") + "/r";
    Result r =
        cli_run("run " + test_data("good/tiny_mlp.json") + " --memory-limit '1 KiB' --out " + out);
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("memory limit of 1 KiB"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("estimated"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(
        cli_run("run " + test_data("good/tiny_mlp.json") + " --memory-limit lots --out " + out)
            .code,
        2);
}

TEST(Cli, TraceReplayReportsEveryCollectedOutput) {
    const std::string out = scratch_dir("trace") + "/r";
    Result r = cli_run("run -q " + test_data("good/small_trace.json") + " --out " + out);
    ASSERT_EQ(r.code, 0) << r.err;
    const json rep = cli_load(out + "/report.json");
    ASSERT_EQ(rep["workload"]["outputs"].size(), 3u);
    EXPECT_EQ(rep["totals"]["items"], 3);
    // tile1 holds an identity block: its outputs approximate the inputs.
    const json& y = rep["workload"]["outputs"][1]["output"];
    const double x[] = {0.1, 0.2, 0.3, 0.4};
    for (int i = 0; i < 4; ++i)
        EXPECT_NEAR(y[static_cast<std::size_t>(i)].get<double>(), x[i], 0.05) << i;
}

TEST(Cli, ATraceReplaysOperationsOfEveryBlockType) {
    // Each block type registers its own trace operations: a tile and a Hopfield array in one
    // trace. The array stores two orthogonal patterns (float weights) and recalls the first
    // from a probe with its first bit flipped.
    const std::string out = scratch_dir("trace") + "/mixed";
    Result r = cli_run("run -q " + test_data("good/mixed_trace.json") + " --out " + out);
    ASSERT_EQ(r.code, 0) << r.err;
    const json rep = cli_load(out + "/report.json");
    const json& outputs = rep["workload"]["outputs"];
    ASSERT_EQ(outputs.size(), 2u);
    EXPECT_EQ(outputs[0]["component"], "hop");
    EXPECT_EQ(outputs[0]["line"], 6);
    const json expected = {1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1, -1};
    EXPECT_EQ(outputs[0]["output"]["state"], expected);
    EXPECT_TRUE(outputs[0]["output"]["converged"].get<bool>());
    EXPECT_EQ(outputs[1]["component"], "tile0");
    EXPECT_NEAR(outputs[1]["output"][0].get<double>(), 1.0, 0.05);
    EXPECT_NEAR(outputs[1]["output"][1].get<double>(), 0.0, 0.05);
    // Two kinds of item: the totals call them operations.
    EXPECT_EQ(rep["totals"]["items"], 2);
    // Storing is set-up, like programming.
    bool program = false;
    for (const auto& ph : rep["phases"])
        program = program || ph["phase"] == "program";
    EXPECT_TRUE(program);
}

TEST(Cli, TraceOperationsAreCheckedAgainstTheBlockType) {
    for (const auto& [trace, text] : std::vector<std::pair<std::string, std::string>>{
             {"recall_unstored.jsonl", "recall_unstored.jsonl:2"},
             {"recall_on_tile.jsonl", "tile0 is a crossbar_tile (operations: "}}) {
        json doc = cli_load(test_data("good/mixed_trace.json"));
        doc["workload"]["file"] = test_data("traces/" + trace);
        const std::string dir = scratch_dir("trace-bad");
        std::ofstream(dir + "/p.json") << doc.dump();
        Result r = cli_run("run " + dir + "/p.json --out " + dir + "/r");
        EXPECT_EQ(r.code, 2) << r.err;
        EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
    }
}

// Every malformed configuration in the corpus: exit code 2, a message that locates the
// problem, no crash, and no report folder.
class BadConfig : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(BadConfig, IsRefusedWithALocatedMessageAndNoReport) {
    const auto& [file, expected] = GetParam();
    const std::string out = scratch_dir("bad") + "/report";
    Result r = cli_run("run " + test_data("bad_configs/" + file) + " --out " + out);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find(expected), std::string::npos) << "stderr: " << r.err;
    EXPECT_NE(r.err.find("error: "), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
}

std::vector<std::pair<std::string, std::string>> corpus() {
    std::vector<std::pair<std::string, std::string>> cases;
    std::ifstream in(test_data("bad_configs/EXPECTED"));
    std::string line;
    while (std::getline(in, line)) {
        const auto tab = line.find('\t');
        if (tab != std::string::npos) cases.emplace_back(line.substr(0, tab), line.substr(tab + 1));
    }
    return cases;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadConfig, ::testing::ValuesIn(corpus()), [](const auto& info) {
    std::string n = info.param.first.substr(0, info.param.first.size() - 5);
    for (auto& c : n)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return n;
});

TEST(Cli, TheCorpusIsThere) {
    EXPECT_GE(corpus().size(), 60u);
}

// The technology: a preset by name, overrides checked like any parameter, the effective
// configuration states every figure used, and a finer node makes the periphery cheaper.
TEST(Cli, TheTechnologyIsAPresetWithCheckedOverrides) {
    const std::string tiny = test_data("good/tiny_mlp.json");
    Result bad = cli_run("validate " + tiny + " --set '/technology=\"7nm\"'");
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("/technology: expected a technology preset (22nm, 32nm, 45nm, 65nm)"),
              std::string::npos)
        << bad.err;
    Result volts =
        cli_run("validate " + tiny + " --set '/technology={\"preset\":\"22nm\",\"vdd\":\"9 V\"}'");
    EXPECT_EQ(volts.code, 2);
    EXPECT_NE(volts.err.find("/technology/vdd"), std::string::npos) << volts.err;

    double energy[2] = {0, 0};
    const char* nodes[2] = {"65nm", "22nm"};
    for (int k = 0; k < 2; ++k) {
        const std::string out = scratch_dir(std::string("tech_") + nodes[k]) + "/r";
        Result r = cli_run("run " + tiny + " --quiet --out " + out + " --set '/technology=\"" +
                           nodes[k] + "\"'");
        ASSERT_EQ(r.code, 0) << r.err;
        const json eff = cli_load(out + "/config.effective.json");
        EXPECT_EQ(eff.at("technology").at("preset"), nodes[k]);
        EXPECT_TRUE(eff.at("technology").contains("full_adder_energy"));
        const json report = cli_load(out + "/report.json");
        for (const auto& c : report.at("components"))
            if (c.at("type") == "crossbar_tile")
                for (const auto& a : c.at("actions"))
                    if (a.at("action") == "shift_add") energy[k] += a.at("energy_J").get<double>();
    }
    // C V^2 with C ~ node: (22/65) x (0.8/1.1)^2 = 0.179 of the 65 nm shift-add energy.
    ASSERT_GT(energy[0], 0.0);
    EXPECT_NEAR(energy[1] / energy[0], 22.0 / 65.0 * (0.8 / 1.1) * (0.8 / 1.1), 1e-6);
}
