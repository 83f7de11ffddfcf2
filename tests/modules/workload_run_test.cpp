// Whole workloads run through the Platform class from the small platforms in tests/data/good
// (with ideal settings where an exact expectation needs them): the numbers they report must
// follow from the circuit and from logic, not from an earlier run.

#include <cmath>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/blocks/crossbar/tile_module.h"
#include "neurotlm/topology/config.h"
#include "neurotlm/topology/platform.h"
#include "neurotlm/workloads/npy.h"
#include "testing/paths.h"
#include "testing/platforms.h"

using namespace neurotlm;
using neurotlm::testing::test_data;

namespace {

Report run_file(const std::string& file, std::vector<std::string> overrides = {}) {
    LoadOptions options;
    options.overrides = std::move(overrides);
    Platform p(load_config(test_data(file), options));
    return p.run();
}

/// The 8-bit quantiser of the crossbar's inputs: |x| clipped to x_max, rounded to 255 steps.
double quantised(double x, double x_max) {
    const double a = std::min(std::fabs(x), x_max);
    const double code = std::min(std::floor(a / x_max * 255.0 + 0.5), 255.0);
    return (x < 0 ? -1.0 : 1.0) * code * x_max / 255.0;
}

} // namespace

TEST(WorkloadRun, IdealTinyMlpAgreesWithTheFloatNetworkOnEveryImage) {
    // No variation, no noise, no ADC, 1024 levels, 16-bit inputs (two 8-bit slices that an
    // ideal ADC adds exactly): the tiles compute the float network's products to about 1e-3
    // of their range, far inside the margins of this 4-class network, so every prediction is
    // the float one.
    const Report r = run_file("good/tiny_mlp.json",
                              {"/devices/cell/levels=1024", "/devices/cell/variation_sigma=0",
                               "/devices/cell/read_noise_sigma=0", "/components/2/adc/bits=0",
                               "/components/2/input_bits=16", "/components/2/dac/bits=8",
                               "/components/2/variation=false", "/components/2/read_noise=false"});
    const json& w = r.workload_results;
    ASSERT_EQ(w.at("images").get<int>(), 40);
    EXPECT_EQ(w.at("agreement_with_software").get<double>(), 1.0);
    EXPECT_EQ(w.at("accuracy").get<double>(), w.at("software_accuracy").get<double>());
    EXPECT_EQ(r.items, 40u);
}

TEST(WorkloadRun, TinyMlpAccuracyDiffersFromSoftwareByAtMostTheDisagreement) {
    // As shipped (16 levels, variation, read noise, 5-bit ADC): an image the two agree on is
    // right or wrong for both, so |accuracy - software accuracy| <= 1 - agreement.
    const Report r = run_file("good/tiny_mlp.json");
    const json& w = r.workload_results;
    const double acc = w.at("accuracy").get<double>();
    const double sw = w.at("software_accuracy").get<double>();
    const double agree = w.at("agreement_with_software").get<double>();
    EXPECT_LE(std::fabs(acc - sw), 1.0 - agree + 1e-12);
    // The confusion matrix holds every image once, its diagonal the correct ones.
    const json& conf = w.at("confusion");
    ASSERT_EQ(conf.size(), 4u);
    double total = 0, diagonal = 0;
    for (std::size_t i = 0; i < conf.size(); ++i)
        for (std::size_t j = 0; j < conf[i].size(); ++j) {
            total += conf[i][j].get<double>();
            if (i == j) diagonal += conf[i][j].get<double>();
        }
    EXPECT_EQ(total, 40.0);
    EXPECT_DOUBLE_EQ(diagonal / total, acc);
}

TEST(WorkloadRun, TraceOutputsAreTheQuantisedInputTimesTheEffectiveWeights) {
    // With an ideal ADC and no read noise, a multiply is exactly x_q . W_eff: the programmed
    // conductances (levels, variation, faults) as the crossbar reports them.
    LoadOptions options;
    options.overrides = {"/components/2/adc/bits=0", "/components/2/read_noise=false"};
    Platform p(load_config(test_data("good/small_trace.json"), options));
    const Report r = p.run();

    // The inputs each output came from, read from the trace itself.
    std::map<std::string, std::vector<float>> pending;
    std::map<int, std::vector<float>> input_of_output_line;
    {
        std::ifstream in(test_data("traces/small.jsonl"));
        std::string text;
        int line = 0;
        while (std::getline(in, text)) {
            ++line;
            if (text.empty() || text[0] == '#') continue;
            const json j = json::parse(text);
            const std::string op = j.at("op");
            if (op == "start") pending[j.at("component")] = j.at("input").get<std::vector<float>>();
            if (op == "collect") input_of_output_line[line] = pending.at(j.at("component"));
            if (op == "mvm") input_of_output_line[line] = j.at("input").get<std::vector<float>>();
        }
    }

    const json& outputs = r.workload_results.at("outputs");
    ASSERT_EQ(outputs.size(), 3u);
    for (const json& o : outputs) {
        const int line = o.at("line");
        const std::string name = o.at("component");
        const auto* tile = dynamic_cast<const CrossbarTile*>(p.find(name));
        ASSERT_NE(tile, nullptr) << name;
        const std::vector<float>& weff = tile->crossbar().effective_weights();
        const int cols = tile->crossbar().logical_cols();
        const std::vector<float>& x = input_of_output_line.at(line);
        const std::vector<float> y = o.at("output").get<std::vector<float>>();
        ASSERT_EQ(y.size(), 4u) << line;
        for (int j = 0; j < 4; ++j) {
            double want = 0.0, scale = 0.0;
            for (std::size_t i = 0; i < x.size(); ++i) {
                const double xi = quantised(x[i], 1.0); // input_range 1.0 in the trace
                want += xi * weff[i * static_cast<std::size_t>(cols) + j];
                scale += std::fabs(xi * weff[i * static_cast<std::size_t>(cols) + j]);
            }
            EXPECT_NEAR(y[static_cast<std::size_t>(j)], want, 1e-6 * (1.0 + scale))
                << "line " << line << " output " << j;
        }
    }
}

TEST(WorkloadRun, HopfieldRecallsOrthogonalPatternsFromOneFlippedBitEveryTime) {
    // Two orthogonal 40-neuron patterns (alternating, two halves) in ternary MTJ storage, each
    // probed with one flipped bit (flip_fraction 1/40): the Hebbian field of every neuron has
    // the stored sign with margin 37 against 3, so one synchronous iteration restores the
    // pattern and a second confirms it.
    const std::string dir = neurotlm::testing::scratch_dir("hopfield_run");
    NpyArray a;
    a.shape = {2, 40};
    for (int i = 0; i < 40; ++i)
        a.data.push_back(i % 2 == 0 ? 1.0f : -1.0f);
    for (int i = 0; i < 40; ++i)
        a.data.push_back(i < 20 ? 1.0f : -1.0f);
    write_npy(dir + "/orthogonal.npy", a);
    const json doc = {
        {"neurotlm", 1},
        {"seed", 9},
        {"components",
         {{{"name", "ctrl"}, {"type", "controller"}},
          {{"name", "bus"}, {"type", "router"}},
          {{"name", "hop"},
           {"type", "hopfield_array"},
           {"neurons", 40},
           {"memories", 1},
           {"storage", "ternary"},
           {"update", "synchronous"},
           {"write_verify", true}}}},
        {"connections",
         {{{"from", "ctrl.out"}, {"to", "bus.in"}}, {{"from", "bus.out"}, {"to", "hop.in"}}}},
        {"workload",
         {{"kind", "hopfield_recall"},
          {"memories", {{{"source", "npy"}, {"file", dir + "/orthogonal.npy"}}}},
          {"probes", {{"corruption", "flip"}, {"flip_fraction", 0.025}, {"per_pattern", 4}}}}}};
    Platform p(neurotlm::testing::config_from(doc));
    const Report r = p.run();
    const json& m = r.workload_results.at("memories").at(0);
    ASSERT_EQ(m.at("failed_writes").get<int>(), 0);
    EXPECT_EQ(m.at("probes").get<int>(), 8);
    EXPECT_EQ(m.at("exact_recall").get<double>(), 1.0);
    EXPECT_EQ(m.at("converged").get<double>(), 1.0);
    EXPECT_EQ(m.at("mean_iterations").get<double>(), 2.0);
    EXPECT_EQ(m.at("two_cycles").get<int>(), 0);
    EXPECT_EQ(r.items, 8u);
}

TEST(WorkloadRun, MixedTraceRecallsTheStoredPatternAndMultipliesByTheEffectiveWeights) {
    // traces/mixed.jsonl stores two orthogonal 16-neuron patterns (two halves, alternating) and
    // recalls from the first with bit 0 flipped: every neuron's field keeps the first pattern's
    // sign (margin 13 against 3), so the recall returns it after two iterations. The tile
    // multiplies [1, 0] by its 2 x 2 identity block.
    LoadOptions options;
    options.overrides = {"/components/2/adc/bits=0", "/components/2/read_noise=false"};
    Platform p(load_config(test_data("good/mixed_trace.json"), options));
    const Report r = p.run();
    const json& outputs = r.workload_results.at("outputs");
    ASSERT_EQ(outputs.size(), 2u);
    std::vector<int> halves(16);
    for (int i = 0; i < 16; ++i)
        halves[static_cast<std::size_t>(i)] = i < 8 ? 1 : -1;
    bool saw_recall = false, saw_mvm = false;
    for (const json& o : outputs) {
        if (o.at("component") == "hop") {
            saw_recall = true;
            EXPECT_EQ(o.at("output").at("state").get<std::vector<int>>(), halves);
            EXPECT_EQ(o.at("output").at("iterations").get<int>(), 2);
            EXPECT_TRUE(o.at("output").at("converged").get<bool>());
        } else {
            saw_mvm = true;
            const auto* tile = dynamic_cast<const CrossbarTile*>(p.find("tile0"));
            ASSERT_NE(tile, nullptr);
            const std::vector<float>& weff = tile->crossbar().effective_weights();
            const int cols = tile->crossbar().logical_cols();
            // Input [1, 0] at input range 1 (the default): y_j = W_eff[0][j], j < 2.
            const std::vector<float> y = o.at("output").get<std::vector<float>>();
            ASSERT_EQ(y.size(), 2u);
            for (int j = 0; j < 2; ++j)
                EXPECT_NEAR(y[static_cast<std::size_t>(j)], weff[static_cast<std::size_t>(j)],
                            1e-6);
            EXPECT_EQ(cols, 4);
        }
    }
    EXPECT_TRUE(saw_recall);
    EXPECT_TRUE(saw_mvm);
}

TEST(WorkloadRun, MlpInputsAreMulticastToTheTilesThatShareThemAtTheirWidth) {
    // tiny_mlp's first layer (16 inputs + bias, 12 outputs) sits on four 16 x 16 tiles: two
    // row blocks (rows 0-15, the bias row) each split over two column blocks. Each row block's
    // two tiles share its input: per image two multicasts of the input and two of the MVM
    // command, each reaching both tiles; the second layer's one tile needs none.
    const Report r = run_file("good/tiny_mlp.json");
    const ComponentReport* bus = nullptr;
    for (const auto& c : r.components)
        if (c.name == "bus") bus = &c;
    ASSERT_NE(bus, nullptr);
    ASSERT_EQ(r.items, 40u);
    EXPECT_EQ(bus->stats.find("multicasts")->value, 4.0 * 40);
    EXPECT_EQ(bus->stats.find("multicast_deliveries")->value, 8.0 * 40);
    // Inputs move at the tiles' 4 bits, partial sums at 5 + 4 + 4 + 1 = 14 bits, registers and
    // weights as bytes: fewer bits on the wires than the functional bytes hold.
    EXPECT_LT(bus->stats.find("bits")->value, 8.0 * bus->stats.find("bytes")->value);
    // The interconnect's class holds the router's energy.
    for (const auto& [cls, e] : bus->energy_by_class_J())
        if (cls == energy_class::interconnect) EXPECT_DOUBLE_EQ(e, bus->dynamic_energy_J);
}
