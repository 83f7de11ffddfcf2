// The shipped dynamic network run twice: every image through everything (the default), and
// images stopping at their exit. Without read or sensing noise (whose draws depend on how many
// reads ran before) the stopped run is what the first one predicts for the dynamic network:
// its accuracy, exit shares and energy and latency per inference.

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "testing/cli.h"
#include "testing/paths.h"

namespace {

using nlohmann::json;

/// The shipped configuration, its components where the overrides below expect them.
json run_exits(const std::string& tag, const std::string& extra) {
    const json config = neurotlm::testing::load_json(neurotlm::testing::source_dir() +
                                                     "/configs/fmnist_resnet_exits.json");
    EXPECT_EQ(config.at("components").at(2).at("name"), "tile");
    EXPECT_EQ(config.at("components").at(3).at("name"), "sem");
    const std::string out = neurotlm::testing::scratch_dir(tag);
    const std::string args =
        "run " + neurotlm::testing::source_dir() +
        "/configs/fmnist_resnet_exits.json --quiet --out " + out +
        " --set /workload/dataset/limit=60 --set /workload/calibration_images=20"
        " --set /components/2/read_noise=false --set '/components/3/sense_noise=0 V' " +
        extra;
    const auto r = neurotlm::testing::run_program(NEUROTLM_CLI, args, 600);
    EXPECT_EQ(r.code, 0) << r.err;
    return neurotlm::testing::load_json(out + "/report.json");
}

} // namespace

TEST(EarlyExitCli, ImagesThatStopAtTheirExitCostWhatTheFullRunPredicts) {
    const json full = run_exits("exits-full", "");
    const json stop = run_exits("exits-stop", "--set /workload/exits/stop=true");
    const json& predicted = full.at("workload").at("early_exit").at("dynamic");
    const json& e = stop.at("workload").at("early_exit");
    EXPECT_TRUE(e.at("static").is_null());
    EXPECT_TRUE(e.at("sweep").empty());
    // The stopped run's own accuracy is the dynamic network's.
    EXPECT_DOUBLE_EQ(stop.at("workload").at("accuracy").get<double>(),
                     predicted.at("accuracy").get<double>());
    EXPECT_EQ(e.at("dynamic").at("exit_share"), predicted.at("exit_share"));
    EXPECT_DOUBLE_EQ(e.at("dynamic").at("macs_fraction").get<double>(),
                     predicted.at("macs_fraction").get<double>());
    const double share = predicted.at("exit_share").at(0).get<double>();
    EXPECT_GT(share, 0.0);
    EXPECT_LT(share, 1.0);
    // Its measured totals per inference: the prediction (leakage over each image's own time),
    // to the rounding of the sums and the time between images.
    const json& t = stop.at("totals");
    EXPECT_NEAR(t.at("energy_per_item_J").get<double>(),
                predicted.at("energy_per_inference_J").get<double>(),
                1e-3 * predicted.at("energy_per_inference_J").get<double>());
    EXPECT_NEAR(t.at("latency_per_item_s").get<double>(),
                predicted.at("latency_per_inference_s").get<double>(),
                1e-3 * predicted.at("latency_per_inference_s").get<double>());
    // Its operations are those the images reached (TOPS/W of the work done).
    EXPECT_NEAR(t.at("ops").get<double>() / t.at("items").get<double>(),
                2.0 * predicted.at("macs_per_inference").get<double>(),
                1e-9 * predicted.at("macs_per_inference").get<double>());
    // And it is cheaper than the full run by what the full run says the exits save.
    const double static_J = full.at("workload")
                                .at("early_exit")
                                .at("static")
                                .at("energy_per_inference_J")
                                .get<double>();
    EXPECT_NEAR(t.at("energy_per_item_J").get<double>() / static_J,
                predicted.at("energy_fraction").get<double>(), 1e-3);
}
