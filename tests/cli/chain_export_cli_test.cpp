// `neurotlm export-spice` on an analog chain, as a user runs it: the last layer of the shipped
// IMAC-Sim platform (trained weights, the activations of a real image, difference amplifiers on
// wired tiles) exported after the run, solved by ngspice and compared with the model's outputs.

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "neurotlm/blocks/hopfield/spice_export.h"
#include "neurotlm/blocks/neuron_bank/layer_spice.h"
#include "testing/cli.h"
#include "testing/paths.h"
#include "testing/require.h"

using neurotlm::testing::scratch_dir;
using neurotlm::testing::source_dir;

namespace {

/// The command under run_program's timeout: a hung ngspice ends as a failure, not a stalled
/// suite.
int export_run(const std::string& args, std::string* out = nullptr, std::string* err = nullptr) {
    const neurotlm::testing::CliResult r = neurotlm::testing::run_program(NEUROTLM_CLI, args, 600);
    if (out) *out = r.out;
    if (err) *err = r.err;
    return r.code;
}

std::string imacsim() {
    return source_dir() + "/configs/imacsim_mlp.json";
}

TEST(ChainExportCli, TheLastLayerOfTheImacSimChainAgreesWithNgspice) {
    NEUROTLM_REQUIRE_TOOL(neurotlm::ngspice_available(), "ngspice");
    const std::string out = scratch_dir("chain-export-l3");
    std::string args = "export-spice " + imacsim() + " --layer 3 --image 2 --check --out " + out;
#ifdef NEUROTLM_SANITIZED
    // Under the sanitizers, solving the 67 wired tiles takes minutes; the wired loaded read is
    // checked there by ChainLayerSpice and LoadedRead, so the tiles' wires are left ideal here.
    for (int group = 2; group <= 6; ++group)
        args += " --set /components/" + std::to_string(group) + "/ir_drop=false";
#endif
    std::string stdout_text, err;
    ASSERT_EQ(export_run(args, &stdout_text, &err), 0) << err;
    EXPECT_NE(stdout_text.find("layer 3: 1 banks, 3 tiles"), std::string::npos) << stdout_text;
    // --check compared the netlist's operating point with the model and said so.
    EXPECT_NE(stdout_text.find("within 2 %"), std::string::npos) << stdout_text;
    // The same comparison here, from the files a user gets.
    std::map<std::string, double> model;
    std::ifstream csv(out + "/expected_outputs.csv");
    std::string line;
    std::getline(csv, line);
    EXPECT_EQ(line, "bank,output,node,model_V");
    while (std::getline(csv, line)) {
        char bank[64], node[64];
        int output = 0;
        double v = 0.0;
        ASSERT_EQ(std::sscanf(line.c_str(), "%63[^,],%d,%63[^,],%lf", bank, &output, node, &v), 4)
            << line;
        model[node] = v;
    }
    ASSERT_EQ(model.size(), 10u); // the ten classes' readouts
    std::map<std::string, double> spice;
    for (const auto& [node, v] :
         neurotlm::parse_op_print(neurotlm::run_ngspice(out + "/layer3.cir")))
        spice[node] = v;
    double lo = 1e9, hi = -1e9;
    for (const auto& [node, v] : model) {
        ASSERT_EQ(spice.count(node), 1u) << node;
        EXPECT_NEAR(spice[node], v, 0.02 * 0.8) << node;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    // Readouts that tell classes apart, not a row of zeros.
    EXPECT_GT(hi - lo, 0.1);
}

TEST(ChainExportCli, ALayerOrImageOutsideTheChainIsRefused) {
    const std::string out = scratch_dir("chain-export-bad");
    std::string err;
    EXPECT_EQ(export_run("export-spice " + imacsim() + " --layer 4 --out " + out, nullptr, &err),
              2);
    EXPECT_NE(err.find("layers 1..3"), std::string::npos) << err;
    EXPECT_EQ(export_run("export-spice " + imacsim() + " --image -1 --out " + out, nullptr, &err),
              2);
    EXPECT_NE(err.find("--image"), std::string::npos) << err;
    // The platform runs 1000 images: image 1000 is not among them.
    EXPECT_EQ(export_run("export-spice " + imacsim() + " --image 1000 --out " + out, nullptr, &err),
              2);
    EXPECT_NE(err.find("stop_after"), std::string::npos) << err;
}

} // namespace
