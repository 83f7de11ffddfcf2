// The Hopfield commands as a user runs them: a recall run, netlists checked in ngspice, and
// the capacity experiment's CSV.

#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "testing/require.h"
#include <nlohmann/json.hpp>

#include "neurotlm/blocks/hopfield/spice_export.h"
#include "testing/cli.h"
#include "testing/paths.h"

namespace fs = std::filesystem;
using neurotlm::testing::scratch_dir;
using neurotlm::testing::test_data;
using nlohmann::json;

namespace {

int hopfield_run(const std::string& args, std::string* err = nullptr) {
    const std::string dir = scratch_dir("hop-io");
    const int status = std::system(
        (std::string(NEUROTLM_CLI) + " " + args + " >" + dir + "/out 2>" + dir + "/err").c_str());
    if (err) {
        std::ifstream in(dir + "/err");
        std::stringstream ss;
        ss << in.rdbuf();
        *err = ss.str();
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

} // namespace

TEST(HopfieldCli, RecallRunReportsEveryMemory) {
    const std::string out = scratch_dir("hop-run") + "/r";
    std::string err;
    ASSERT_EQ(
        hopfield_run("run -q " + test_data("good/hopfield_small.json") + " --out " + out, &err), 0)
        << err;
    std::ifstream in(out + "/report.json");
    const json rep = json::parse(in);
    const json& mems = rep["workload"]["memories"];
    ASSERT_EQ(mems.size(), 2u);
    EXPECT_EQ(mems[0]["probes"], 8); // 2 patterns x 4 probes
    EXPECT_EQ(mems[1]["probes"], 12);
    // Two or three random patterns in 32 neurons, 3 bits flipped: well inside capacity.
    EXPECT_GE(mems[0]["exact_recall"].get<double>(), 0.75);
    EXPECT_EQ(rep["totals"]["items"], 20);
    bool has_store = false;
    for (const auto& p : rep["phases"])
        has_store = has_store || (p["phase"] == "store" && p["setup"]);
    EXPECT_TRUE(has_store);
}

TEST(HopfieldCli, ExportedNetlistsAgreeWithNgspice) {
    NEUROTLM_REQUIRE_TOOL(neurotlm::ngspice_available(), "ngspice");
    const std::string out = scratch_dir("hop-spice");
    std::string err;
    ASSERT_EQ(hopfield_run("export-spice " + test_data("good/hopfield_small.json") +
                               " --memory 1 --pattern 2 --flip-fraction 0.2 --out " + out,
                           &err),
              0)
        << err;
    // The model's currents per step and neuron.
    std::map<std::pair<int, int>, double> expected;
    std::ifstream csv(out + "/expected_currents.csv");
    std::string line;
    std::getline(csv, line);
    while (std::getline(csv, line)) {
        int step, neuron, drive;
        double current;
        ASSERT_EQ(std::sscanf(line.c_str(), "%d,%d,%d,%lf", &step, &neuron, &drive, &current), 4);
        expected[{step, neuron}] = current;
    }
    int steps = 0;
    for (; fs::exists(out + "/step" + std::to_string(steps) + ".cir"); ++steps) {
        const std::string spice =
            neurotlm::run_ngspice(out + "/step" + std::to_string(steps) + ".cir");
        const std::vector<double> got = neurotlm::parse_neuron_currents(spice, 32);
        ASSERT_EQ(got.size(), 32u);
        for (int i = 0; i < 32; ++i) {
            const double want = expected.at({steps, i});
            EXPECT_NEAR(got[static_cast<std::size_t>(i)], want, 0.01 * std::fabs(want) + 1e-12)
                << "step " << steps << " neuron " << i;
        }
    }
    EXPECT_GE(steps, 1);
}

TEST(HopfieldCli, CapacityCurveCollapsesAboveTheLimit) {
    const std::string csv = scratch_dir("hop-capacity") + "/curve.csv";
    std::string err;
    ASSERT_EQ(hopfield_run("hopfield-capacity --neurons 200 --loads 0.05,0.3 --trials 2 --storage "
                           "float,ternary --out " +
                               csv,
                           &err),
              0)
        << err;
    std::ifstream in(csv);
    std::string header, line;
    std::getline(in, header);
    ASSERT_NE(header.find("retrieved_fraction"), std::string::npos) << header;
    // Columns by name.
    std::vector<std::string> cols;
    {
        std::stringstream ss(header);
        std::string c;
        while (std::getline(ss, c, ','))
            cols.push_back(c);
    }
    auto col = [&](const std::string& name) {
        return static_cast<std::size_t>(std::find(cols.begin(), cols.end(), name) - cols.begin());
    };
    std::map<std::pair<std::string, double>, double> retrieved;
    while (std::getline(in, line)) {
        std::vector<std::string> f;
        std::stringstream ss(line);
        std::string c;
        while (std::getline(ss, c, ','))
            f.push_back(c);
        retrieved[{f[col("storage")], std::stod(f[col("load")])}] =
            std::stod(f[col("retrieved_fraction")]);
    }
    // Amit-Gutfreund-Sompolinsky: recall holds well below P/N = 0.138 and fails well above.
    EXPECT_GE(retrieved.at({"float", 0.05}), 0.9);
    EXPECT_LE(retrieved.at({"float", 0.3}), 0.2);
    EXPECT_LE(retrieved.at({"ternary", 0.3}), 0.2);
    EXPECT_EQ(hopfield_run("hopfield-capacity --neurons 200 --loads 0.05,x --out " + csv), 2);
}

TEST(HopfieldCli, TransientRecallOfTheShippedPlatformAgreesWithNgspice) {
    NEUROTLM_REQUIRE_TOOL(neurotlm::ngspice_available(), "ngspice");
    // configs/hopfield_mtj.json (three memories on every synapse) at N = 16: the whole recall
    // in time, every memory's MTJs in the circuit, the second memory selected.
    const std::string out = scratch_dir("hop-transient") + "/t";
    const auto r = neurotlm::testing::run_program(
        NEUROTLM_CLI, "export-spice " + neurotlm::testing::source_dir() +
                          "/configs/hopfield_mtj.json --set /components/2/neurons=16 --memory 1 "
                          "--pattern 2 --transient --check --json --out " +
                          out);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    const json j = json::parse(r.out);
    EXPECT_EQ(j["kind"], "hopfield_transient");
    EXPECT_EQ(j["neurons"], 16);
    EXPECT_GE(j["clocks"].get<int>(), 2) << "a probe with flipped bits takes a clock to restore";
    const json& c = j["check"];
    EXPECT_TRUE(c["states_identical"].get<bool>()) << c.dump();
    EXPECT_GT(c["supply_over_model_synapse_energy"].get<double>(), 0.98);
    EXPECT_LT(c["supply_over_model_synapse_energy"].get<double>(), 1.02);
    for (const char* f : {"recall.cir", "expected_states.csv", "ngspice.log", "recall.txt"})
        EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
}

TEST(HopfieldCli, TransientExportSaysWhatItCannotDo) {
    const std::string dir = scratch_dir("hop-transient-bad");
    const std::string shipped = neurotlm::testing::source_dir() + "/configs/";
    struct Case {
        std::string args, expect;
    };
    const Case cases[] = {
        {shipped + "imacsim_mlp.json --transient", "has none"},
        {test_data("good/hopfield_small.json") + " --check", "--transient"},
        {shipped + "hopfield_mtj.json --set /components/2/update=sequential --transient",
         "synchronous"},
        {shipped + "hopfield_mtj.json --set /components/2/storage=float --transient", "float"},
    };
    int k = 0;
    for (const Case& c : cases) {
        const auto r = neurotlm::testing::run_program(
            NEUROTLM_CLI, "export-spice " + c.args + " --out " + dir + "/" + std::to_string(k++));
        EXPECT_EQ(r.code, 2) << c.args << "\n" << r.err;
        EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.args << "\n" << r.err;
    }
}
