// Early exits of an inference workload on a platform with two CAMs: each exit's search is the
// Hamming distance of the image's semantic vector to every class prototype, the dynamic figures
// (accuracy, exit shares, computation, energy) follow from the searches, and the sweep runs from
// "everything leaves at the first exit" to "nothing leaves" (the static network, plus the
// CAMs' cost).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/report/html.h"
#include "neurotlm/topology/config.h"
#include "neurotlm/topology/platform.h"
#include "neurotlm/workloads/dataset.h"
#include "neurotlm/workloads/network.h"
#include "neurotlm/workloads/semantic.h"
#include "testing/paths.h"
#include "testing/platforms.h"
#include "testing/tensors.h"

using namespace neurotlm;

namespace {

constexpr int kExitImages = 60, kExitSide = 4, kExitClasses = 3;

/// 16 -> 8 (ReLU) -> 8 (ReLU) -> 3: exits after h1 and h2.
json exit_mlp(std::mt19937& rng) {
    json layers = json::array();
    layers.push_back({{"name", "h1"},
                      {"type", "dense"},
                      {"outputs", 8},
                      {"activation", "relu"},
                      {"weights", neurotlm::testing::random_tensor(rng, {8, 16}, 0.6f)},
                      {"bias", neurotlm::testing::random_tensor(rng, {8}, 0.2f)}});
    layers.push_back({{"name", "h2"},
                      {"type", "dense"},
                      {"outputs", 8},
                      {"activation", "relu"},
                      {"weights", neurotlm::testing::random_tensor(rng, {8, 8}, 0.6f)},
                      {"bias", neurotlm::testing::random_tensor(rng, {8}, 0.2f)}});
    layers.push_back({{"name", "out"},
                      {"type", "dense"},
                      {"outputs", kExitClasses},
                      {"weights", neurotlm::testing::random_tensor(rng, {kExitClasses, 8}, 0.8f)}});
    return {{"format", "neurotlm-network"},
            {"version", 1},
            {"name", "exit_mlp"},
            {"input", {1, kExitSide, kExitSide}},
            {"layers", layers}};
}

struct ExitFiles {
    std::string dir, config;
    Network net;
    Dataset data;
};

/// The network, its images (class i % 3, each class its own brightness pattern plus noise),
/// the semantic memory built from them, and a platform of ideal tiles and two noise-free CAMs.
ExitFiles write_exit_files(const std::vector<ExitSpec>& specs = {{"h1", 1, 0.3}, {"h2", 1, 0.3}},
                           const json& exits = {{"memory", "memory.json"}, {"threshold", 1}}) {
    ExitFiles f;
    f.dir = neurotlm::testing::scratch_dir("early-exit");
    std::mt19937 rng(77);
    std::ofstream(f.dir + "/net.json") << exit_mlp(rng).dump();
    std::uniform_int_distribution<int> noise(0, 120);
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(kExitImages * kExitSide * kExitSide));
    std::vector<std::uint8_t> labels(kExitImages);
    for (int i = 0; i < kExitImages; ++i) {
        labels[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i % kExitClasses);
        for (int k = 0; k < kExitSide * kExitSide; ++k)
            pixels[static_cast<std::size_t>(i * kExitSide * kExitSide + k)] =
                static_cast<std::uint8_t>(noise(rng) +
                                          (k % kExitClasses == i % kExitClasses ? 130 : 0));
    }
    write_idx_images(f.dir + "/images.idx", kExitImages, kExitSide, kExitSide, pixels);
    write_idx_labels(f.dir + "/labels.idx", labels);
    f.net = load_network(f.dir + "/net.json");
    f.data = load_idx(f.dir + "/images.idx", f.dir + "/labels.idx", 0, 0);
    save_semantic_memory(build_semantic_memory(f.net, f.data, specs), f.dir + "/memory.json");
    const json config = {
        {"neurotlm", 1},
        {"name", "early_exit"},
        {"seed", 9},
        {"devices", neurotlm::testing::exact_cell_devices()},
        {"components",
         {{{"name", "ctrl"}, {"type", "controller"}},
          {{"name", "bus"}, {"type", "router"}},
          neurotlm::testing::exact_tiles(3, 32, 16),
          {{"name", "sem"},
           {"type", "cam_array"},
           {"count", 2},
           {"words", 4},
           {"bits", 12},
           {"variation_sigma", 0},
           {"sense_noise", "0 V"}},
          {{"name", "act"}, {"type", "buffer"}, {"capacity", "4 KiB"}}}},
        {"connections",
         {{{"from", "ctrl.out"}, {"to", "bus.in"}},
          {{"from", "bus.out"}, {"to", "tile.in"}, {"base", "0x10000000"}, {"size", "2 MiB"}},
          {{"from", "bus.out"}, {"to", "sem.in"}, {"base", "0x30000000"}, {"size", "1 MiB"}},
          {{"from", "bus.out"}, {"to", "act.in"}, {"base", "0x40000000"}}}},
        {"workload",
         {{"kind", "mlp_inference"},
          {"network", "net.json"},
          {"dataset", {{"images", "images.idx"}, {"labels", "labels.idx"}, {"limit", 0}}},
          {"calibration_images", kExitImages},
          {"record_outputs", kExitImages},
          {"exits", exits}}}};
    f.config = f.dir + "/platform.json";
    std::ofstream(f.config) << config.dump(2);
    return f;
}

/// Image @p i's exit (2: none) and answer, from the run's recorded searches and outputs: the
/// first exit (in layer order) whose search @p decides takes it.
std::pair<int, int> exit_taken(const json& searches, const json& outputs, int i,
                               const std::function<bool(const json&, int)>& decides) {
    for (int k = 0; k < 2; ++k) {
        const json& s = searches[static_cast<std::size_t>(i)][static_cast<std::size_t>(k)];
        if (decides(s, k)) return {k, s.at("best").get<int>()};
    }
    const std::vector<float> y = outputs[static_cast<std::size_t>(i)];
    return {2, static_cast<int>(std::max_element(y.begin(), y.end()) - y.begin())};
}

} // namespace

TEST(EarlyExit, TheSearchesAndTheDynamicFiguresFollowFromThePrototypes) {
    const ExitFiles f = write_exit_files();
    Platform p(load_config(f.config));
    const Report r = p.run();
    const json& w = r.workload_results;
    ASSERT_EQ(w.at("images").get<int>(), kExitImages);
    const json& e = w.at("early_exit");
    const SemanticMemory mem = load_semantic_memory(f.dir + "/memory.json", f.net);
    ASSERT_EQ(mem.exits.size(), 2u);
    const json& searches = w.at("exit_searches");
    const json& outputs = w.at("outputs");
    ASSERT_EQ(searches.size(), static_cast<std::size_t>(kExitImages));

    // 1. Each search is the exact Hamming distance of the image's semantic vector (from the
    // float network: the ideal tiles compute it to float rounding) to each prototype, skipping
    // the rare image with a pooled value at a quantisation threshold.
    int checked = 0;
    for (int i = 0; i < kExitImages; ++i) {
        const auto outs = forward_layers(f.net, f.data.image(i));
        for (std::size_t k = 0; k < 2; ++k) {
            const SemanticExit& x = mem.exits[k];
            const Layer& L = f.net.layers[static_cast<std::size_t>(x.layer)];
            const std::vector<float> pooled =
                pool_features(L, outs[static_cast<std::size_t>(x.layer)].data(), 1);
            bool edge = false;
            for (std::size_t j = 0; j < pooled.size(); ++j)
                for (double s : {-1.0, 1.0})
                    // (a unit no training image moves, sd 0, reads 0 here and on the tiles)
                    edge =
                        edge || (x.sd[j] > 0.0f &&
                                 std::fabs(pooled[j] - (x.mean[j] + s * x.spec.delta * x.sd[j])) <
                                     1e-3 * x.sd[j]);
            if (edge) continue;
            const TernaryWord key = semantic_vector(x, pooled.data());
            std::vector<int> d;
            for (const TernaryWord& proto : x.prototypes)
                d.push_back(hamming_distance(proto, key));
            std::vector<int> order = {0, 1, 2};
            std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return d[a] < d[b]; });
            const json& s = searches[static_cast<std::size_t>(i)][k];
            EXPECT_EQ(s.at("best_distance").get<int>(), d[static_cast<std::size_t>(order[0])])
                << "image " << i << " exit " << k;
            EXPECT_EQ(s.at("second_distance").get<int>(), d[static_cast<std::size_t>(order[1])])
                << "image " << i << " exit " << k;
            if (d[order[0]] < d[order[1]])
                EXPECT_EQ(s.at("best").get<int>(), order[0]) << "image " << i << " exit " << k;
            ++checked;
        }
    }
    EXPECT_GT(checked, kExitImages); // most of the 120 searches

    // 2. The sweep, recomputed from the searches and the network's own answers: the first exit
    // whose runner-up is at least t further than its best decides.
    const double macs_h1 = 16.0 * 8, macs_h2 = macs_h1 + 8.0 * 8, macs_all = macs_h2 + 8.0 * 3;
    EXPECT_DOUBLE_EQ(w.at("macs_per_inference").get<double>(), macs_all);
    const json& sweep = e.at("sweep");
    ASSERT_GE(sweep.size(), 2u);
    for (const json& point : sweep) {
        const int t = point.at("threshold").get<int>();
        std::vector<double> count(3, 0.0);
        double right = 0, macs = 0;
        for (int i = 0; i < kExitImages; ++i) {
            const auto [taken,
                        predicted] = exit_taken(searches, outputs, i, [&](const json& s, int) {
                return s.at("second_distance").get<int>() - s.at("best_distance").get<int>() >= t;
            });
            count[static_cast<std::size_t>(taken)] += 1;
            right += predicted == i % kExitClasses;
            macs += taken == 0 ? macs_h1 : taken == 1 ? macs_h2 : macs_all;
        }
        for (std::size_t k = 0; k < 3; ++k)
            EXPECT_DOUBLE_EQ(point.at("exit_share")[k].get<double>(), count[k] / kExitImages)
                << "threshold " << t << " exit " << k;
        EXPECT_DOUBLE_EQ(point.at("accuracy").get<double>(), right / kExitImages) << t;
        // The budget: sum_k P(exit k) MACs(up to k) / MACs(full).
        EXPECT_NEAR(point.at("macs_fraction").get<double>(), macs / (kExitImages * macs_all), 1e-12)
            << t;
    }

    // 3. The ends: margin 0 sends every image out at the first exit, the last threshold none.
    EXPECT_DOUBLE_EQ(sweep.front().at("exit_share")[0].get<double>(), 1.0);
    const json& none = sweep.back();
    EXPECT_DOUBLE_EQ(none.at("exit_share")[2].get<double>(), 1.0);
    EXPECT_DOUBLE_EQ(none.at("accuracy").get<double>(),
                     e.at("static").at("accuracy").get<double>());
    EXPECT_DOUBLE_EQ(e.at("static").at("accuracy").get<double>(), w.at("accuracy").get<double>());
    // Nothing left early: the layers cost what the static network does, the exits on top, and
    // of the exits the CAMs' searches a part.
    EXPECT_NEAR(none.at("energy_fraction_without_exits").get<double>(), 1.0, 1e-9);
    EXPECT_NEAR(none.at("latency_fraction_without_exits").get<double>(), 1.0, 1e-9);
    EXPECT_GT(none.at("energy_fraction_without_cam").get<double>(), 1.0);
    EXPECT_GT(none.at("energy_fraction").get<double>(),
              none.at("energy_fraction_without_cam").get<double>());
    EXPECT_GT(none.at("latency_fraction").get<double>(),
              none.at("latency_fraction_without_cam").get<double>());
    EXPECT_LT(sweep.front().at("energy_fraction_without_exits").get<double>(), 1.0);

    // 4. The configured threshold (1) is that point of the sweep.
    const json& dyn = e.at("dynamic");
    for (const char* key : {"accuracy", "macs_fraction", "energy_fraction", "latency_fraction",
                            "energy_fraction_without_cam", "energy_fraction_without_exits"})
        EXPECT_DOUBLE_EQ(dyn.at(key).get<double>(), sweep[1].at(key).get<double>()) << key;
    double shares = 0;
    for (const json& s : dyn.at("exit_share"))
        shares += s.get<double>();
    EXPECT_NEAR(shares, 1.0, 1e-12);

    // 5. Per class: the images of each class, their figures averaging to the whole.
    double images = 0, right = 0;
    for (const json& c : e.at("per_class")) {
        images += c.at("images").get<double>();
        right += c.at("accuracy").get<double>() * c.at("images").get<double>();
    }
    EXPECT_DOUBLE_EQ(images, kExitImages);
    EXPECT_NEAR(right / kExitImages, dyn.at("accuracy").get<double>(), 1e-12);

    // 6. The CAMs' searches are their own phases, and the run's energy per inference is the
    // static network's plus every exit's (probe mode runs everything), leakage included.
    const json& st = e.at("static");
    double exits_J = 0.0, exits_s = 0.0;
    for (const json& x : e.at("exits")) {
        exits_J += x.at("exit_dynamic_energy_J").get<double>();
        exits_s += x.at("exit_latency_s").get<double>();
        // The CAM's own search is a part of its exit: the rest reads, pools and quantises.
        EXPECT_GT(x.at("search_dynamic_energy_J").get<double>(), 0.0);
        EXPECT_LT(x.at("search_dynamic_energy_J").get<double>(),
                  x.at("exit_dynamic_energy_J").get<double>());
        EXPECT_GT(x.at("search_latency_s").get<double>(), 0.0);
        EXPECT_LT(x.at("search_latency_s").get<double>(), x.at("exit_latency_s").get<double>());
    }
    const double leak_cams = e.at("cam_leakage_power_W").get<double>();
    const double leak_all = e.at("leakage_power_W").get<double>();
    EXPECT_GT(leak_cams, 0.0);
    const double per_item = st.at("energy_per_inference_J").get<double>() + exits_J +
                            leak_cams * st.at("latency_per_inference_s").get<double>() +
                            leak_all * exits_s;
    const double work_J = r.work_energy_J();
    EXPECT_NEAR(per_item * kExitImages, work_J, 1e-3 * work_J);
    bool searched = false;
    for (const auto& ph : r.phases)
        if (ph.name == "h1_exit") searched = ph.entries == static_cast<std::uint64_t>(kExitImages);
    EXPECT_TRUE(searched);
}

// The memory lists its exits out of layer order (h2, then h1), the CAMs and thresholds follow
// that order, and the rule is the distance: an image leaves at the first exit (in layer order)
// whose best prototype is within that exit's threshold.
TEST(EarlyExit, ListsFollowTheMemorysOrderAndTheDistanceRuleSweepsBothEnds) {
    const ExitFiles f =
        write_exit_files({{"h2", 1, 0.0}, {"h1", 1, 0.0}}, {{"memory", "memory.json"},
                                                            {"cams", {"sem1", "sem0"}},
                                                            {"rule", "distance"},
                                                            {"threshold", {1, 0}}});
    Platform p(load_config(f.config));
    const Report r = p.run();
    const json& w = r.workload_results;
    const json& e = w.at("early_exit");
    EXPECT_EQ(e.at("rule").get<std::string>(), "distance");
    // In layer order: h1 (its CAM sem0, threshold 0), then h2 (sem1, 1).
    const json& exits = e.at("exits");
    ASSERT_EQ(exits.size(), 2u);
    EXPECT_EQ(exits[0].at("after").get<std::string>(), "h1");
    EXPECT_EQ(exits[0].at("cam").get<std::string>(), "sem0");
    EXPECT_EQ(exits[0].at("threshold").get<int>(), 0);
    EXPECT_EQ(exits[1].at("after").get<std::string>(), "h2");
    EXPECT_EQ(exits[1].at("cam").get<std::string>(), "sem1");
    EXPECT_EQ(exits[1].at("threshold").get<int>(), 1);

    // The dynamic figures from the searches with the distance rule and those thresholds.
    const json& searches = w.at("exit_searches");
    const json& outputs = w.at("outputs");
    const int thresholds[2] = {0, 1};
    auto evaluate = [&](const int* t) {
        std::vector<double> count(3, 0.0);
        double right = 0;
        for (int i = 0; i < kExitImages; ++i) {
            const auto [taken, predicted] =
                exit_taken(searches, outputs, i, [&](const json& s, int k) {
                    return s.at("best_distance").get<int>() <= t[k];
                });
            count[static_cast<std::size_t>(taken)] += 1;
            right += predicted == i % kExitClasses;
        }
        return std::make_pair(count, right / kExitImages);
    };
    const auto [count, accuracy] = evaluate(thresholds);
    EXPECT_GT(count[0] + count[1], 0.0) << "some images leave early";
    EXPECT_GT(count[2], 0.0) << "and some do not";
    const json& dyn = e.at("dynamic");
    EXPECT_DOUBLE_EQ(dyn.at("accuracy").get<double>(), accuracy);
    for (std::size_t k = 0; k < 3; ++k)
        EXPECT_DOUBLE_EQ(dyn.at("exit_share")[k].get<double>(), count[k] / kExitImages) << k;

    // The sweep from -1 (no image leaves: the static network) up to every image leaving at
    // the first exit, each point the rule at that threshold.
    const json& sweep = e.at("sweep");
    ASSERT_GE(sweep.size(), 2u);
    EXPECT_EQ(sweep.front().at("threshold").get<int>(), -1);
    EXPECT_DOUBLE_EQ(sweep.front().at("exit_share")[2].get<double>(), 1.0);
    EXPECT_DOUBLE_EQ(sweep.front().at("accuracy").get<double>(),
                     e.at("static").at("accuracy").get<double>());
    EXPECT_DOUBLE_EQ(sweep.back().at("exit_share")[0].get<double>(), 1.0);
    for (const json& point : sweep) {
        const int t = point.at("threshold").get<int>();
        const int ts[2] = {t, t};
        const auto [c, acc] = evaluate(ts);
        EXPECT_DOUBLE_EQ(point.at("accuracy").get<double>(), acc) << t;
        EXPECT_DOUBLE_EQ(point.at("exit_share")[0].get<double>(), c[0] / kExitImages) << t;
    }

    // The report page draws it from the real results.
    const std::string html = to_html(r, json::object());
    const auto at = html.find("<section id=\"early-exit\">");
    ASSERT_NE(at, std::string::npos);
    EXPECT_NE(html.find("Accuracy against energy", at), std::string::npos);
    EXPECT_NE(html.find(">h2<", at), std::string::npos);
}
