// Whole workloads run through the Platform class from the small platforms in tests/data/good
// (with ideal settings where an exact expectation needs them): the numbers they report must
// follow from the circuit and from logic, not from an earlier run.

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/blocks/crossbar/tile_module.h"
#include "neurotlm/blocks/neuron_bank/sot_neuron.h"
#include "neurotlm/topology/config.h"
#include "neurotlm/topology/platform.h"
#include "neurotlm/workloads/dataset.h"
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

namespace {

/// The tiny network with its hidden layer through the reverse sigmoid, weights negated so that
/// r(-z) = sigmoid(z) keeps it a classifier: a chain of neurons can run it.
std::string reverse_sigmoid_tiny(const std::string& dir) {
    std::ifstream in(test_data("networks/tiny.json"));
    json net = json::parse(in);
    json& fc1 = net["layers"][0];
    fc1["activation"] = "reverse_sigmoid";
    for (auto& row : fc1["weights"])
        for (auto& w : row)
            w = -w.get<double>();
    for (auto& b : fc1["bias"])
        b = -b.get<double>();
    const std::string path = dir + "/tiny_reverse_sigmoid.json";
    std::ofstream(path) << net.dump();
    return path;
}

/// The tiny network (16-12-4) as an analog chain on 8 x 16 tiles (8 inputs, 8 outputs): fc1's
/// 17 rows in 3 row blocks x 2 column blocks, each column block into a neuron bank of 3 parts;
/// fc2's 13 rows in 2 row blocks (8 neurons; 4 neurons and the bias row) into a linear bank.
json tiny_chain(const std::string& network) {
    json doc = neurotlm::testing::tile_platform(6, 8, 16, {{"input_bits", 8}});
    doc["components"][2]["name"] = "a";
    json b = doc["components"][2];
    b.erase("count");
    b["name"] = "b0";
    doc["components"].push_back(b);
    b["name"] = "b1";
    b["ain_rows"] = 4;
    b["bias_rows"] = 1;
    doc["components"].push_back(b);
    const json neuron = {{"ra_sigma", 0}, {"tmr_sigma", 0}};
    doc["components"].push_back({{"name", "n0"},
                                 {"type", "neuron_bank"},
                                 {"neurons", 8},
                                 {"parts", 3},
                                 {"neuron", neuron}});
    doc["components"].push_back({{"name", "n1"},
                                 {"type", "neuron_bank"},
                                 {"neurons", 4},
                                 {"parts", 3},
                                 {"neuron", neuron}});
    doc["components"].push_back({{"name", "out"},
                                 {"type", "neuron_bank"},
                                 {"neurons", 4},
                                 {"parts", 2},
                                 {"mode", "linear"},
                                 {"readout", {{"gain", 10}}}});
    json& c = doc["connections"];
    c[1]["to"] = "a.in";
    for (const char* n : {"b0", "b1", "n0", "n1", "out"})
        c.push_back({{"from", "bus.out"}, {"to", std::string(n) + ".in"}});
    for (int rb = 0; rb < 3; ++rb) {
        c.push_back({{"from", "a" + std::to_string(2 * rb) + ".aout"},
                     {"to", "n0.ain" + std::to_string(rb)}});
        c.push_back({{"from", "a" + std::to_string(2 * rb + 1) + ".aout"},
                     {"to", "n1.ain" + std::to_string(rb)},
                     {"count", 4}});
    }
    c.push_back({{"from", "n0.aout"}, {"to", "b0.ain"}});
    c.push_back({{"from", "n1.aout"}, {"to", "b1.ain"}});
    c.push_back({{"from", "b0.aout"}, {"to", "out.ain0"}, {"count", 4}});
    c.push_back({{"from", "b1.aout"}, {"to", "out.ain1"}, {"count", 4}});
    doc["workload"] = {{"kind", "mlp_inference"},
                       {"network", network},
                       {"dataset",
                        {{"images", test_data("tiny/images-idx3-ubyte.gz")},
                         {"labels", test_data("tiny/labels-idx1-ubyte.gz")},
                         {"limit", 0}}},
                       {"calibration_images", 4}};
    return doc;
}

} // namespace

TEST(WorkloadRun, AnAnalogChainClassifiesAsTheChainComputedByHand) {
    const std::string net = reverse_sigmoid_tiny(neurotlm::testing::scratch_dir("reverse-sigmoid"));
    Platform p(neurotlm::testing::config_from(tiny_chain(net)));
    const Report r = p.run();
    const json& w = r.workload_results;
    ASSERT_EQ(w.at("images").get<int>(), 40);
    const json& chain = w.at("analog_chain");
    ASSERT_EQ(chain.size(), 2u);
    EXPECT_EQ(chain[0]["banks"].size(), 2u);
    EXPECT_EQ(chain[1]["banks"][0]["mode"], "linear");

    // By hand: the tiles' effective weights and current per output unit, the readouts'
    // average, the nominal neuron, the bias row at the full read voltage, the linear readout.
    auto tile = [&](const std::string& n) { return dynamic_cast<const CrossbarTile*>(p.find(n)); };
    const SotNeuronSpec neuron = [] {
        SotNeuronSpec s;
        s.ra_sigma = 0.0;
        s.tmr_sigma = 0.0;
        return s;
    }();
    const SotNeuron n(neuron);
    const double x0_max = w["layers"][0]["input_range"].get<double>();
    const double x1_max = w["layers"][1]["input_range"].get<double>();
    EXPECT_NEAR(x1_max, 0.2 / neuron.swing_V(), 1e-6) << "V_read / swing";
    const double gain0 = chain[0]["banks"][0]["readout_gain"].get<double>();
    const double gain1 = chain[0]["banks"][1]["readout_gain"].get<double>();
    EXPECT_NEAR(gain0, gain1, 1e-9 * gain0);

    const Dataset data = load_idx(test_data("tiny/images-idx3-ubyte.gz"),
                                  test_data("tiny/labels-idx1-ubyte.gz"), 0, 0);
    int correct = 0;
    for (int img = 0; img < data.count; ++img) {
        std::vector<double> x(17);
        for (int i = 0; i < 16; ++i)
            x[static_cast<std::size_t>(i)] = quantised(data.image(img)[i], x0_max);
        x[16] = x0_max;
        // fc1: 3 row blocks (rows 0-7, 8-15, 16) x 2 column blocks (outputs 0-7, 8-11).
        std::vector<double> h(12, 0.0);
        for (int cb = 0; cb < 2; ++cb) {
            for (int j = 0; j < (cb == 0 ? 8 : 4); ++j) {
                double vin = 0.0;
                for (int rb = 0; rb < 3; ++rb) {
                    const CrossbarTile* t = tile("a" + std::to_string(2 * rb + cb));
                    const auto& we = t->crossbar().effective_weights();
                    double y = 0.0;
                    for (int i = 0; i < 8 && rb * 8 + i < 17; ++i)
                        y += x[static_cast<std::size_t>(rb * 8 + i)] *
                             we[static_cast<std::size_t>(i * 8 + j)];
                    vin += (cb == 0 ? gain0 : gain1) * 1e3 * y *
                           t->crossbar().amperes_per_output() / 3.0;
                }
                h[static_cast<std::size_t>(cb * 8 + j)] = n.output_V(vin);
            }
        }
        // fc2: b0 takes h[0..8), b1 h[8..12) and the bias row; the linear bank averages.
        std::vector<double> out(4, 0.0);
        for (int j = 0; j < 4; ++j) {
            for (int rb = 0; rb < 2; ++rb) {
                const CrossbarTile* t = tile(rb == 0 ? "b0" : "b1");
                const auto& we = t->crossbar().effective_weights();
                double y = 0.0;
                const int rows = rb == 0 ? 8 : 4;
                for (int i = 0; i < rows; ++i)
                    y += h[static_cast<std::size_t>(rb * 8 + i)] / 0.2 * x1_max *
                         we[static_cast<std::size_t>(i * 8 + j)];
                if (rb == 1) y += x1_max * we[static_cast<std::size_t>(4 * 8 + j)];
                out[static_cast<std::size_t>(j)] +=
                    10.0 * 1e3 * y * t->crossbar().amperes_per_output() / 2.0;
            }
        }
        const int predicted =
            static_cast<int>(std::max_element(out.begin(), out.end()) - out.begin());
        if (predicted == data.labels[static_cast<std::size_t>(img)]) ++correct;
    }
    EXPECT_DOUBLE_EQ(w.at("accuracy").get<double>(), correct / 40.0);
    // The software reference runs the same network (reverse sigmoid, same weights).
    EXPECT_GE(w.at("agreement_with_software").get<double>(), 0.9);
    EXPECT_EQ(r.items, 40u);
}

namespace {

// The workload is created, and checks the chain, when the platform is built.
ConfigError chain_refusal(const json& doc) {
    try {
        Platform p(neurotlm::testing::config_from(doc));
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "accepted";
    return ConfigError("", "", "", "");
}

/// The index in /connections of the link from @p from to @p to.
std::size_t link_index(const json& doc, const std::string& from, const std::string& to) {
    const json& c = doc["connections"];
    for (std::size_t i = 0; i < c.size(); ++i)
        if (c[i]["from"] == from && c[i]["to"] == to) return i;
    ADD_FAILURE() << "no link " << from << " -> " << to;
    return 0;
}

} // namespace

json good_chain() {
    return tiny_chain(reverse_sigmoid_tiny(neurotlm::testing::scratch_dir("reverse-sigmoid")));
}

TEST(WorkloadRun, AnAnalogChainBankAveragesAsManyPartsAsTheLayerHasRowBlocks) {
    json doc = good_chain();
    doc["components"][5]["parts"] = 2;
    doc["connections"].erase(link_index(doc, "a4.aout", "n0.ain2"));
    const ConfigError e = chain_refusal(doc);
    EXPECT_EQ(e.pointer(), "/components/5/parts");
    EXPECT_NE(std::string(e.what()).find("3 parts"), std::string::npos) << e.what();
}

TEST(WorkloadRun, AnAnalogChainReadsALastLayerWithoutActivationLinearly) {
    json doc = good_chain();
    doc["components"][7].erase("mode");
    const ConfigError e = chain_refusal(doc);
    EXPECT_EQ(e.pointer(), "/components/7/mode");
    EXPECT_NE(std::string(e.what()).find("\"linear\" for none"), std::string::npos) << e.what();
}

TEST(WorkloadRun, AnAnalogChainRefusesTheWrongNeuronsOnATilesRows) {
    // b1 takes fc1's outputs 8-11, not 4-7.
    json doc = good_chain();
    const std::size_t k = link_index(doc, "n1.aout", "b1.ain");
    doc["connections"][k] = {{"from", "n0.aout"}, {"to", "b1.ain"}, {"first", 4}, {"count", 4}};
    const ConfigError e = chain_refusal(doc);
    EXPECT_EQ(e.pointer(), "/connections/" + std::to_string(k));
    EXPECT_NE(std::string(e.what()).find("outputs 8 to 11"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("outputs 4 to 7 of n0"), std::string::npos) << e.what();
}

TEST(WorkloadRun, AnAnalogChainDrivesEachBiasRowFromTheSupply) {
    json doc = good_chain();
    doc["components"][4].erase("bias_rows");
    const ConfigError e = chain_refusal(doc);
    EXPECT_EQ(e.pointer(), "/components/4/bias_rows");
}

TEST(WorkloadRun, AnAnalogChainTakesTheFirstLayersInputsFromTheController) {
    json doc = good_chain();
    doc["components"].push_back({{"name", "extra"}, {"type", "neuron_bank"}, {"neurons", 8}});
    doc["connections"].push_back({{"from", "bus.out"}, {"to", "extra.in"}});
    doc["connections"].push_back({{"from", "extra.aout"}, {"to", "a0.ain"}});
    doc["components"][2]["ain_rows"] = 8;
    const ConfigError e = chain_refusal(doc);
    EXPECT_NE(std::string(e.what()).find("the controller writes the inputs"), std::string::npos)
        << e.what();
}

TEST(WorkloadRun, AnAnalogChainAveragesPartsOfOneCurrentPerUnit) {
    // b1 on cells read at another voltage: its partial sums would weigh differently.
    json doc = good_chain();
    doc["devices"]["other"] = doc["devices"]["ideal"];
    doc["devices"]["other"]["read_voltage"] = "0.3 V";
    doc["components"][4]["device"] = "other";
    const ConfigError e = chain_refusal(doc);
    EXPECT_EQ(e.pointer(), "/workload/tiles");
    EXPECT_NE(std::string(e.what()).find("b0 and b1 of layer fc2 differ"), std::string::npos)
        << e.what();
}
