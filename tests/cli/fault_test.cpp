// Faults while a report folder is written: kills at random moments and two writers at once.
// Whatever happens, the folder holds either no report.json or files that all belong to one
// complete run.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testing/cli.h"
#include "testing/paths.h"

extern char** environ;

namespace fs = std::filesystem;
using neurotlm::testing::scratch_dir;
using nlohmann::json;

namespace {

using neurotlm::testing::slurp;

// Start `neurotlm run <config> --seed <seed> --out <out> -q` with output discarded.
pid_t spawn_fault_run(const std::string& config, int seed, const std::string& out) {
    return neurotlm::testing::spawn_quiet(
        {NEUROTLM_CLI, "run", config, "--seed", std::to_string(seed), "--out", out, "-q"});
}

using neurotlm::testing::wait_exit;

// The files of a report folder, with report.json's wall-clock fields removed.
struct Folder {
    std::string report, csv, effective;
    int seed = -1;
};

Folder read_folder(const std::string& dir) {
    Folder f;
    json r = json::parse(slurp(dir + "/report.json"));
    f.seed = r["run"]["seed"].get<int>();
    r["run"].erase("wall_time_s");
    r["run"].erase("started_at");
    f.report = r.dump();
    f.csv = slurp(dir + "/report.csv");
    f.effective = slurp(dir + "/config.effective.json");
    return f;
}

// The total energy row of report.csv ("total,<platform>,energy,<value>,J").
double csv_total_energy(const std::string& csv) {
    std::istringstream in(csv);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("total,", 0) != 0) continue;
        const auto metric = line.find(",energy,");
        if (metric != std::string::npos) return std::stod(line.substr(metric + 8));
    }
    return -1;
}

// A small non-ideal MLP platform (device variation and read noise, so each seed gives its own
// numbers), with its paths made absolute so the copy runs from a scratch folder. Small, so
// that 40 runs stay quick under the sanitizers too.
std::string make_config() {
    json cfg = json::parse(slurp(neurotlm::testing::test_data("good/tiny_mlp.json")));
    cfg["workload"]["network"] = neurotlm::testing::test_data("networks/tiny.json");
    cfg["workload"]["dataset"]["images"] =
        neurotlm::testing::test_data("tiny/images-idx3-ubyte.gz");
    cfg["workload"]["dataset"]["labels"] =
        neurotlm::testing::test_data("tiny/labels-idx1-ubyte.gz");
    const std::string path = scratch_dir("fault-config") + "/tiny_mlp.json";
    std::ofstream(path) << cfg.dump(2);
    return path;
}

const std::string kConfig = make_config();
constexpr int kFaultSeeds = 3;

} // namespace

TEST(Faults, KillsAtRandomMomentsNeverLeaveAMixedFolder) {
    const std::string dir = scratch_dir("fault-kill");
    // One complete reference folder per seed; consecutive runs use different seeds, so a folder
    // mixing two runs differs from every reference.
    std::vector<Folder> ref;
    for (int s = 0; s < kFaultSeeds; ++s) {
        const std::string out = dir + "/ref" + std::to_string(s);
        ASSERT_EQ(wait_exit(spawn_fault_run(kConfig, s, out)), 0);
        ref.push_back(read_folder(out));
    }
    for (int a = 0; a < kFaultSeeds; ++a)
        for (int b = 0; b < a; ++b)
            ASSERT_NE(ref[a].csv, ref[b].csv)
                << "seeds " << a << " and " << b << " give the same report: the check is blind";
    // How long one run takes, to spread the kills over loading, running and writing.
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_EQ(wait_exit(spawn_fault_run(kConfig, 0, dir + "/timing")), 0);
    const auto run_us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
            .count();

    const std::string out = dir + "/rep";
    std::mt19937 rng(12345);
    // Half the kills anywhere in the run, half near its end, where the report is written.
    std::uniform_int_distribution<long> anywhere(0, run_us * 12 / 10);
    std::uniform_int_distribution<long> near_end(run_us * 8 / 10, run_us * 12 / 10);
    const int signals[] = {SIGKILL, SIGINT, SIGTERM};
    int kills = 0, with_report = 0, incomplete = 0;
    for (int i = 0; i < 40; ++i) {
        const int seed = i % kFaultSeeds;
        const pid_t pid = spawn_fault_run(kConfig, seed, out);
        ASSERT_GT(pid, 0);
        const long wait_us = i % 2 ? near_end(rng) : anywhere(rng);
        std::this_thread::sleep_for(std::chrono::microseconds(wait_us));
        if (::kill(pid, signals[i % 3]) == 0) ++kills;
        const int code = wait_exit(pid);
        // Exit codes a user may see: done, stopped (report marked incomplete), killed.
        EXPECT_TRUE(code == 0 || code == 130 || code == 128 + SIGKILL || code == 128 + SIGINT ||
                    code == 128 + SIGTERM)
            << "iteration " << i << ": exit " << code;
        if (!fs::exists(out + "/report.json")) continue;
        ++with_report;
        const Folder got = read_folder(out);
        ASSERT_TRUE(got.seed >= 0 && got.seed < kFaultSeeds);
        const json report = json::parse(slurp(out + "/report.json"));
        if (!report["run"]["complete"].get<bool>()) {
            // A run stopped by SIGINT/SIGTERM: its own configuration, and a CSV of the same
            // (partial) run.
            EXPECT_EQ(got.effective, ref[got.seed].effective) << "iteration " << i;
            EXPECT_NEAR(csv_total_energy(got.csv), report["totals"]["energy_J"].get<double>(),
                        1e-8 * report["totals"]["energy_J"].get<double>())
                << "iteration " << i;
            ++incomplete;
            continue;
        }
        EXPECT_EQ(got.report, ref[got.seed].report) << "iteration " << i;
        EXPECT_EQ(got.csv, ref[got.seed].csv) << "iteration " << i;
        EXPECT_EQ(got.effective, ref[got.seed].effective) << "iteration " << i;
    }
    EXPECT_GE(kills, 30);
    // The delays spread across the run: some kills land before any report exists.
    RecordProperty("kills", kills);
    RecordProperty("folders_with_report", with_report);
    RecordProperty("incomplete_reports", incomplete);

    // A clean run afterwards removes what killed writers left behind.
    ASSERT_EQ(wait_exit(spawn_fault_run(kConfig, 1, out)), 0);
    for (const auto& e : fs::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        EXPECT_EQ(name.find(".staging-"), std::string::npos) << name;
    }
    for (const auto& e : fs::directory_iterator(out))
        EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
    EXPECT_EQ(read_folder(out).csv, ref[1].csv);
}

TEST(Faults, TwoWritersOfOneFolderNeverBothWrite) {
    const std::string dir = scratch_dir("fault-concurrent");
    const std::string out = dir + "/rep";
    for (int i = 0; i < 6; ++i) {
        const pid_t a = spawn_fault_run(kConfig, 0, out);
        const pid_t b = spawn_fault_run(kConfig, 1, out);
        const int ca = wait_exit(a), cb = wait_exit(b);
        // Either one was refused (exit 2), or they did not overlap and both finished.
        EXPECT_TRUE((ca == 0 && cb == 0) || (ca == 0 && cb == 2) || (ca == 2 && cb == 0))
            << ca << " " << cb;
        const Folder got = read_folder(out);
        const std::string winner = dir + "/ref" + std::to_string(got.seed);
        if (!fs::exists(winner))
            ASSERT_EQ(wait_exit(spawn_fault_run(kConfig, got.seed, winner)), 0);
        EXPECT_EQ(got.csv, read_folder(winner).csv);
        EXPECT_EQ(got.effective, read_folder(winner).effective);
    }
}
