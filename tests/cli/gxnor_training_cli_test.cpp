// gxnor_training run end to end with `neurotlm run` on training units: a separable two-class
// problem is learned on the MTJ arrays and in software, the epoch log is written as it is
// produced, a run stopped after one epoch and resumed with --resume gives exactly the records of
// an uninterrupted run, and the trained network infers as it did in training.

#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/core/rng.h"
#include "neurotlm/workloads/dataset.h"
#include "neurotlm/workloads/network.h"
#include "testing/cli.h"
#include "testing/paths.h"

using namespace neurotlm;
using nlohmann::json;

namespace {

/// 4x4 images of two classes: class 1 is bright in the top half, class 0 in the bottom half,
/// with noise.
void write_dataset(const std::string& dir, int count, std::uint64_t seed, const char* name) {
    RngStream rng(seed, name);
    std::vector<std::uint8_t> pixels, labels;
    for (int i = 0; i < count; ++i) {
        const int label = static_cast<int>(rng.below(2));
        labels.push_back(static_cast<std::uint8_t>(label));
        for (int p = 0; p < 16; ++p) {
            const bool top = p < 8;
            const double base = (top == (label == 1)) ? 0.8 : 0.2;
            const double v = std::min(1.0, std::max(0.0, base + 0.25 * rng.normal()));
            pixels.push_back(static_cast<std::uint8_t>(v * 255.0));
        }
    }
    write_idx_images(dir + "/" + name + "-images.gz", count, 4, 4, pixels);
    write_idx_labels(dir + "/" + name + "-labels.gz", labels);
}

json platform(const std::string& dir, json workload, json unit = json::object()) {
    json w = {{"kind", "gxnor_training"},
              {"hidden", {12}},
              {"epochs", 3},
              {"batch", 20},
              {"learning_rate", {{"start", 0.05}, {"end", 0.01}}},
              {"dataset",
               {{"train_images", dir + "/train-images.gz"},
                {"train_labels", dir + "/train-labels.gz"},
                {"test_images", dir + "/test-images.gz"},
                {"test_labels", dir + "/test-labels.gz"}}}};
    w.merge_patch(workload);
    json doc = {{"neurotlm", 1},
                {"seed", 3},
                {"components",
                 {{{"name", "ctrl"}, {"type", "controller"}},
                  {{"name", "bus"}, {"type", "router"}},
                  {{"name", "u0"},
                   {"type", "training_unit"},
                   {"rows", 16},
                   {"columns", 12},
                   {"max_batch", 20}},
                  {{"name", "u1"},
                   {"type", "training_unit"},
                   {"rows", 12},
                   {"columns", 2},
                   {"max_batch", 20}}}},
                {"connections",
                 {{{"from", "ctrl.out"}, {"to", "bus.in"}},
                  {{"from", "bus.out"}, {"to", "u0.in"}, {"base", "0x10000000"}},
                  {{"from", "bus.out"}, {"to", "u1.in"}, {"base", "0x20000000"}}}},
                {"workload", w}};
    doc["components"][2].merge_patch(unit);
    doc["components"][3].merge_patch(unit);
    return doc;
}

using neurotlm::testing::CliResult;

struct Outcome {
    CliResult cli;
    json report;
    std::vector<json> epochs;
};

/// `neurotlm run` of @p doc into @p out; the report's epoch records.
Outcome train(const json& doc, const std::string& out, bool resume = false) {
    const std::string file = out + ".json";
    {
        std::ofstream f(file);
        f << doc.dump(2);
    }
    Outcome o;
    o.cli = neurotlm::testing::run_program(NEUROTLM_CLI, "run -q " + file + " --out " + out +
                                                             (resume ? " --resume" : ""));
    if (o.cli.code == 0 || o.cli.code == 130) {
        o.report = neurotlm::testing::load_json(out + "/report.json");
        for (const json& e : o.report["workload"]["epochs"])
            o.epochs.push_back(e);
    }
    return o;
}

std::vector<std::string> lines(const std::string& file) {
    std::ifstream in(file);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

class GxnorTrainingRun : public ::testing::Test {
protected:
    void SetUp() override {
        dir = neurotlm::testing::scratch_dir("gxnor_training");
        write_dataset(dir, 200, 1, "train");
        write_dataset(dir, 100, 2, "test");
    }
    std::string dir;
};

} // namespace

TEST_F(GxnorTrainingRun, LearnsOnTheArraysAndInSoftwareAndLogsEveryEpoch) {
    const Outcome r = train(platform(dir, json::object()), dir + "/out");
    ASSERT_EQ(r.cli.code, 0) << r.cli.err;
    ASSERT_EQ(r.epochs.size(), 3u);
    const json& last = r.epochs.back();
    EXPECT_GT(last["hardware"]["best_test_accuracy"].get<double>(), 0.9);
    EXPECT_GT(last["software"]["best_test_accuracy"].get<double>(), 0.9);
    EXPECT_GE(last["hardware"]["best_test_accuracy"].get<double>(),
              last["hardware"]["test_accuracy"].get<double>());
    const json& u = last["update"];
    EXPECT_GT(u["pulses"].get<double>(), 0.0);
    EXPECT_GT(u["switched"].get<double>(), 0.0);
    EXPECT_LE(u["switched"].get<double>(), u["pulses"].get<double>());
    // 5 % variation of Ic0 and Delta: the realised probabilities differ from the intended.
    EXPECT_GT(u["mean_abs_error_p"].get<double>(), 0.0);
    EXPECT_GT(last["energy_J"]["feed_forward"].get<double>(), 0.0);
    EXPECT_GT(last["energy_J"]["update"].get<double>(), 0.0);
    EXPECT_GT(last["latency_s"]["update"].get<double>(), 0.0);
    EXPECT_GT(last["tops_per_w"]["feed_forward"].get<double>(), 0.0);
    // The log holds one line per epoch, the CSV a header and one row per epoch.
    EXPECT_EQ(lines(dir + "/out.training/epochs.jsonl").size(), 3u);
    EXPECT_EQ(lines(dir + "/out.training/epochs.csv").size(), 4u);
    EXPECT_EQ(r.report["totals"]["items"], 600);
    // The learning curves are on the page.
    EXPECT_NE(neurotlm::testing::slurp(dir + "/out/report.html").find("id=\"training\""),
              std::string::npos);
}

TEST_F(GxnorTrainingRun, AResumedRunRepeatsAnUninterruptedOne) {
    const Outcome whole = train(platform(dir, json::object()), dir + "/whole");
    ASSERT_EQ(whole.cli.code, 0) << whole.cli.err;
    const Outcome first = train(platform(dir, {{"stop_after_epochs", 1}}), dir + "/split");
    ASSERT_EQ(first.epochs.size(), 1u) << first.cli.err;
    EXPECT_NE(first.cli.code, 0); // incomplete, as if interrupted
    // Without --resume the kept run is not overwritten.
    const Outcome again = train(platform(dir, json::object()), dir + "/split");
    EXPECT_EQ(again.cli.code, 2);
    EXPECT_NE(again.cli.err.find("--resume"), std::string::npos) << again.cli.err;
    const Outcome rest = train(platform(dir, json::object()), dir + "/split", true);
    ASSERT_EQ(rest.cli.code, 0) << rest.cli.err;
    ASSERT_EQ(rest.epochs.size(), 3u);
    for (std::size_t e = 0; e < 3; ++e) {
        json a = whole.epochs[e], b = rest.epochs[e];
        a.erase("wall_s");
        b.erase("wall_s");
        // Simulated time and energy restart with the process; the learning does not.
        for (json* j : {&a, &b}) {
            j->erase("energy_J");
            j->erase("latency_s");
            j->erase("energy_per_op_J");
            j->erase("tops_per_w");
        }
        EXPECT_EQ(a, b) << "epoch " << e + 1;
    }
    // A checkpoint of another configuration is refused with the difference named.
    const Outcome other = train(platform(dir, {{"batch", 10}}), dir + "/split", true);
    EXPECT_EQ(other.cli.code, 2);
    EXPECT_NE(other.cli.err.find("batch"), std::string::npos) << other.cli.err;
}

TEST_F(GxnorTrainingRun, TheTrainedNetworkInfersAsInTraining) {
    const Outcome r = train(platform(dir, {{"software_reference", false}}), dir + "/net");
    ASSERT_EQ(r.cli.code, 0) << r.cli.err;
    const Network net = load_network(dir + "/net.training/trained_network.json");
    ASSERT_EQ(net.layers.size(), 2u);
    EXPECT_EQ(net.layers[0].activation, Activation::ternary);
    Dataset test = load_idx(dir + "/test-images.gz", dir + "/test-labels.gz");
    for (float& v : test.pixels)
        v = 2.0f * v - 1.0f;
    int correct = 0;
    for (int i = 0; i < test.count; ++i) {
        const std::vector<float> y = forward(net, test.image(i));
        correct += argmax(y.data(), 2) == test.labels[static_cast<std::size_t>(i)];
    }
    // The hardware network's last evaluation used the same weights and folded batch norm, up
    // to the first layer's 8-bit DAC.
    EXPECT_NEAR(correct / 100.0, r.epochs.back()["hardware"]["test_accuracy"].get<double>(), 0.03);
}

TEST_F(GxnorTrainingRun, WithIdealDevicesHardwareTrainsExactlyAsSoftware) {
    // No variation of Ic0 or Delta: every pulse realises its target, the same random numbers
    // decide, so the two networks make the same transitions and reach the same figures.
    const Outcome r = train(platform(dir, {{"learning_rate", {{"start", 0.2}, {"end", 0.03}}}},
                                     {{"ic0_sigma", 0}, {"delta_sigma", 0}}),
                            dir + "/ideal");
    ASSERT_EQ(r.cli.code, 0) << r.cli.err;
    ASSERT_EQ(r.epochs.size(), 3u);
    std::uint64_t transitions = 0;
    for (const json& e : r.epochs) {
        EXPECT_EQ(e["hardware"]["loss"], e["software"]["loss"]) << e.dump();
        EXPECT_EQ(e["hardware"]["test_accuracy"], e["software"]["test_accuracy"]);
        EXPECT_EQ(e["update"]["transitions"], e["software"]["transitions"]);
        EXPECT_LT(e["update"]["mean_abs_error_p"].get<double>(), 1e-12); // inverse, rounded
        transitions += e["update"]["transitions"].get<std::uint64_t>();
    }
    EXPECT_GT(transitions, 50u);
}

TEST_F(GxnorTrainingRun, ConfigurationMistakesAreNamed) {
    struct Case {
        json workload, unit;
        std::string pointer;
    };
    const std::vector<Case> cases = {
        {{{"hidden", "12"}}, json::object(), "/workload/hidden"},
        {{{"hidden", {12, 4}}}, json::object(), "/workload/units"},
        {json::object(), {{"columns", 4}}, "/components/2/columns"},
        {{{"batch", 40}}, json::object(), "/components/2/max_batch"},
        {{{"units", "nosuch"}}, json::object(), "/workload/units"},
        {{{"dataset", {{"train_limit", 10}}}}, json::object(), "/workload/batch"},
    };
    for (const Case& c : cases) {
        const std::string file = dir + "/bad.json";
        {
            std::ofstream f(file);
            f << platform(dir, c.workload, c.unit).dump(2);
        }
        const CliResult r = neurotlm::testing::run_program(NEUROTLM_CLI, "validate " + file);
        EXPECT_EQ(r.code, 2) << c.workload.dump() << r.err;
        EXPECT_NE(r.err.find(c.pointer), std::string::npos) << c.pointer << ": " << r.err;
    }
}
