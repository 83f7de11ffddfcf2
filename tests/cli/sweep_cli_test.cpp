// `neurotlm sweep` on a small, fast platform: points run in parallel into results.jsonl,
// results.csv and sweep.html; a sweep killed (SIGKILL) or stopped (SIGINT) part-way resumes with
// every point exactly once and the figures of an uninterrupted run; a failed point is recorded
// and the rest complete. The same across the ranks of an MPI job (`mpirun -np 3` on this
// machine), killed once at the launcher and once at a rank.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testing/cli.h"
#include "testing/paths.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using neurotlm::testing::run_program;
using neurotlm::testing::scratch_dir;
using neurotlm::testing::slurp;
using neurotlm::testing::test_data;
using nlohmann::json;

// A sweep of the tiny MLP (five 16x16 tiles, a few images: a point takes a fraction of a second).
std::string write_sweep(const std::string& dir, const json& parameters, const json& extra = {}) {
    json s = {{"base", test_data("good/tiny_mlp.json")},
              {"parameters", parameters},
              {"collect",
               {"accuracy", "energy_per_item_J", "latency_per_item_s", "power_per_item_W",
                "area_m2", "energy_per_item_by_class_J/adc"}}};
    for (const auto& [k, v] : extra.items())
        s[k] = v;
    const std::string path = dir + "/sweep.json";
    std::ofstream(path) << s.dump(2);
    return path;
}

const json kAdcBits = {
    {"name", "ADC bits"}, {"list", {2, 3, 4, 5}}, {"set", "/components/2/adc/bits"}};
const json kSeeds = {{"name", "seed"}, {"list", {1, 2, 3}}, {"set", "/seed"}};

std::vector<json> jsonl(const std::string& path) {
    std::vector<json> lines;
    std::istringstream in(slurp(path));
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) lines.push_back(json::parse(line));
    return lines;
}

std::map<std::string, json> figures_by_id(const std::string& dir) {
    std::map<std::string, json> out;
    for (const auto& l : jsonl(dir + "/results.jsonl"))
        out[l["id"]] = l["figures"];
    return out;
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1))
        ++n;
    return n;
}

pid_t spawn_sweep(const std::string& sweep, const std::string& out) {
    return neurotlm::testing::spawn_quiet({NEUROTLM_CLI, "sweep", sweep, "--out", out, "-j", "2"});
}

using neurotlm::testing::wait_exit;

// Start a sweep, wait until its first point is recorded, then send it `sig`; returns the
// number of points recorded when the signal was sent.
std::size_t interrupt_after_first_point(const std::string& sweep, const std::string& out, int sig,
                                        int* code) {
    const pid_t pid = spawn_sweep(sweep, out);
    EXPECT_GT(pid, 0);
    std::size_t lines = 0;
    for (int i = 0; i < 60000 && lines == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        lines = count_of(slurp(out + "/results.jsonl"), "\n");
    }
    ::kill(pid, sig);
    *code = wait_exit(pid);
    return lines;
}

// Every point exactly once, with the figures of the uninterrupted run.
void expect_same_results(const std::string& dir, const std::string& reference) {
    const auto lines = jsonl(dir + "/results.jsonl");
    const auto ref = figures_by_id(reference);
    std::set<std::string> ids;
    for (const auto& l : lines) {
        EXPECT_TRUE(ids.insert(l["id"].get<std::string>()).second) << "twice: " << l["id"];
        EXPECT_EQ(l["status"], "ok") << l.dump();
        ASSERT_TRUE(ref.count(l["id"])) << l["id"];
        EXPECT_EQ(l["figures"], ref.at(l["id"])) << l["id"];
    }
    EXPECT_EQ(ids.size(), ref.size());
    EXPECT_EQ(count_of(slurp(dir + "/results.csv"), "\n"), ref.size() + 1);
    // Nothing a killed point was writing is left behind.
    for (const auto& e : fs::directory_iterator(dir + "/points"))
        EXPECT_EQ(e.path().filename().string().find("staging"), std::string::npos) << e.path();
}

TEST(SweepCli, RunsThePointsAndCollectsTheirFigures) {
    const std::string dir = scratch_dir("sweep_grid");
    const json dac = {{"name", "DAC bits"}, {"list", {1, 2}}, {"set", "/components/2/dac/bits"}};
    const std::string sweep = write_sweep(dir, json::array({kAdcBits, dac}));
    const auto r = run_program(NEUROTLM_CLI, "sweep " + sweep + " --out " + dir + "/out -j 2");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("8/8 points"), std::string::npos) << r.err;

    const auto lines = jsonl(dir + "/out/results.jsonl");
    ASSERT_EQ(lines.size(), 8u);
    std::set<std::string> ids;
    // ADC energy per inference by (DAC bits, ADC bits): more converter bits cost more.
    std::map<int, std::map<int, double>> adc_energy;
    for (const auto& l : lines) {
        ids.insert(l["id"].get<std::string>());
        ASSERT_EQ(l["status"], "ok") << l.dump();
        for (const char* k :
             {"accuracy", "energy_per_item_J", "latency_per_item_s", "power_per_item_W", "area_m2"})
            EXPECT_TRUE(l["figures"][k].is_number()) << k << " in " << l.dump();
        EXPECT_TRUE(fs::is_regular_file(dir + "/out/points/" + l["id"].get<std::string>() +
                                        "/report.json"));
        adc_energy[l["values"]["DAC bits"]][l["values"]["ADC bits"]] =
            l["figures"]["energy_per_item_by_class_J/adc"];
    }
    EXPECT_EQ(ids.size(), 8u);
    for (const auto& [dac_bits, by_adc] : adc_energy) {
        ASSERT_EQ(by_adc.size(), 4u);
        for (int b = 3; b <= 5; ++b)
            EXPECT_GT(by_adc.at(b), by_adc.at(b - 1)) << "DAC " << dac_bits << ", ADC " << b;
    }

    const std::string csv = slurp(dir + "/out/results.csv");
    EXPECT_EQ(count_of(csv, "\n"), 9u);
    EXPECT_EQ(csv.rfind("id,status,ADC bits,DAC bits,accuracy,energy_per_item_J", 0), 0u) << csv;

    const std::string html = slurp(dir + "/out/sweep.html");
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(html.find("</html>"), std::string::npos);
    EXPECT_EQ(count_of(html, "<svg"), count_of(html, "</svg>"));
    // One chart per figure and parameter, and the Pareto front.
    EXPECT_EQ(count_of(html, "<svg"), 2u * 6u + 1u);
    EXPECT_NE(html.find("id=\"param-0\""), std::string::npos);
    EXPECT_NE(html.find("id=\"param-1\""), std::string::npos);
    EXPECT_NE(html.find("id=\"pareto\""), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    for (const auto& id : ids) {
        const std::string link = "points/" + id + "/report.html";
        EXPECT_NE(html.find("href=\"" + link + "\""), std::string::npos) << link;
        EXPECT_TRUE(fs::is_regular_file(dir + "/out/" + link)) << link;
    }

    // Run again: everything is finished, nothing runs, nothing is added.
    const auto again = run_program(NEUROTLM_CLI, "sweep " + sweep + " --out " + dir + "/out");
    ASSERT_EQ(again.code, 0) << again.err;
    EXPECT_NE(again.err.find("8 finished earlier, 0 to run"), std::string::npos) << again.err;
    EXPECT_EQ(jsonl(dir + "/out/results.jsonl").size(), 8u);
}

TEST(SweepCli, ResumesAfterTheLauncherIsKilled) {
    const std::string dir = scratch_dir("sweep_kill");
    const std::string sweep = write_sweep(dir, json::array({kAdcBits, kSeeds}));
    ASSERT_EQ(run_program(NEUROTLM_CLI, "sweep -q " + sweep + " --out " + dir + "/ref -j 2").code,
              0);
    ASSERT_EQ(figures_by_id(dir + "/ref").size(), 12u);

    int code = 0;
    const std::size_t at_kill = interrupt_after_first_point(sweep, dir + "/out", SIGKILL, &code);
    EXPECT_EQ(code, 128 + SIGKILL);
    EXPECT_GE(at_kill, 1u);
    RecordProperty("points_recorded_when_killed", static_cast<int>(at_kill));
    const auto r = run_program(NEUROTLM_CLI, "sweep " + sweep + " --out " + dir + "/out -j 2");
    ASSERT_EQ(r.code, 0) << r.err;
    expect_same_results(dir + "/out", dir + "/ref");
}

TEST(SweepCli, StopsCleanlyOnCtrlCAndResumes) {
    const std::string dir = scratch_dir("sweep_int");
    const std::string sweep = write_sweep(dir, json::array({kAdcBits, kSeeds}));
    ASSERT_EQ(run_program(NEUROTLM_CLI, "sweep -q " + sweep + " --out " + dir + "/ref -j 2").code,
              0);
    int code = 0;
    interrupt_after_first_point(sweep, dir + "/out", SIGINT, &code);
    // Stopped (130), or finished in the meantime on a fast machine.
    EXPECT_TRUE(code == 130 || code == 0) << code;
    for (const auto& l : jsonl(dir + "/out/results.jsonl"))
        EXPECT_EQ(l["status"], "ok") << "a point stopped by the sweep is not a failure";
    EXPECT_TRUE(fs::is_regular_file(dir + "/out/sweep.html"));
    const auto r = run_program(NEUROTLM_CLI, "sweep " + sweep + " --out " + dir + "/out -j 2");
    ASSERT_EQ(r.code, 0) << r.err;
    expect_same_results(dir + "/out", dir + "/ref");
}

TEST(SweepCli, ResumeReadsWhatAKillLeftBehind) {
    const std::string dir = scratch_dir("sweep_damaged");
    const std::string sweep = write_sweep(dir, json::array({kAdcBits, kSeeds}));
    ASSERT_EQ(run_program(NEUROTLM_CLI, "sweep -q " + sweep + " --out " + dir + "/ref -j 2").code,
              0);
    fs::copy(dir + "/ref", dir + "/out", fs::copy_options::recursive);
    // As a kill can leave it: the last point finished but has no line, the one before lost its
    // folder too, and the line before that was cut half-way.
    auto lines = jsonl(dir + "/out/results.jsonl");
    ASSERT_EQ(lines.size(), 12u);
    const std::string no_line = lines[11]["id"], no_folder = lines[10]["id"];
    fs::remove_all(dir + "/out/points/" + no_folder);
    const std::string kept_report = slurp(dir + "/out/points/" + no_line + "/report.json");
    std::string text;
    for (std::size_t i = 0; i < 9; ++i)
        text += lines[i].dump() + "\n";
    const std::string cut = lines[9].dump();
    text += cut.substr(0, cut.size() / 2);
    std::ofstream(dir + "/out/results.jsonl", std::ios::trunc) << text;

    const auto r = run_program(NEUROTLM_CLI, "sweep " + sweep + " --out " + dir + "/out -j 2");
    ASSERT_EQ(r.code, 0) << r.err;
    // The points of the cut line and of the missing line have complete report folders: they are
    // read; only the point without a folder runs.
    EXPECT_NE(r.err.find("11 finished earlier, 1 to run"), std::string::npos) << r.err;
    expect_same_results(dir + "/out", dir + "/ref");
    // The finished point was read, not run again.
    EXPECT_EQ(slurp(dir + "/out/points/" + no_line + "/report.json"), kept_report);
}

TEST(SweepCli, AFailedPointIsRecordedAndTheRestComplete) {
    const std::string dir = scratch_dir("sweep_fail");
    const json adc = {
        {"name", "ADC bits"}, {"list", {4, 99, 5}}, {"set", "/components/2/adc/bits"}};
    const std::string sweep = write_sweep(dir, json::array({adc}));
    const std::string out = dir + "/out";
    const auto r = run_program(NEUROTLM_CLI, "sweep " + sweep + " --out " + out + " -j 2");
    EXPECT_EQ(r.code, 3) << r.err;
    auto lines = jsonl(out + "/results.jsonl");
    ASSERT_EQ(lines.size(), 3u);
    std::size_t ok = 0;
    for (const auto& l : lines) {
        if (l["values"]["ADC bits"] == 99) {
            EXPECT_EQ(l["status"], "failed");
            const std::string error = l["error"];
            EXPECT_NE(error.find("exit code 2"), std::string::npos) << error;
            EXPECT_NE(error.find("/components/2/adc/bits"), std::string::npos) << error;
            EXPECT_TRUE(l["figures"]["accuracy"].is_null());
        } else {
            EXPECT_EQ(l["status"], "ok") << l.dump();
            ++ok;
        }
    }
    EXPECT_EQ(ok, 2u);
    EXPECT_NE(slurp(out + "/results.csv").find(",failed,"), std::string::npos);
    const std::string html = slurp(out + "/sweep.html");
    EXPECT_NE(html.find("id=\"failures\""), std::string::npos);
    EXPECT_NE(html.find("1 failed"), std::string::npos);

    // Failed points stay failed unless asked; --retry-failed runs them again, one line each.
    const auto again = run_program(NEUROTLM_CLI, "sweep " + sweep + " --out " + out);
    EXPECT_EQ(again.code, 3);
    EXPECT_NE(again.err.find("0 to run"), std::string::npos) << again.err;
    const auto retry =
        run_program(NEUROTLM_CLI, "sweep " + sweep + " --out " + out + " --retry-failed");
    EXPECT_EQ(retry.code, 3);
    EXPECT_NE(retry.err.find("2 finished earlier, 1 to run"), std::string::npos) << retry.err;
    EXPECT_EQ(jsonl(out + "/results.jsonl").size(), 3u);
}

TEST(SweepCli, APointOverItsTimeoutIsKilledAndRecorded) {
    const std::string dir = scratch_dir("sweep_timeout");
    // No run finishes in a microsecond: every point times out.
    const std::string sweep = write_sweep(dir, json::array({kAdcBits}), {{"timeout", "1 us"}});
    const auto r = run_program(NEUROTLM_CLI, "sweep " + sweep + " --out " + dir + "/out -j 2");
    EXPECT_EQ(r.code, 3) << r.err;
    const auto lines = jsonl(dir + "/out/results.jsonl");
    ASSERT_EQ(lines.size(), 4u);
    for (const auto& l : lines) {
        EXPECT_EQ(l["status"], "failed");
        EXPECT_EQ(l["error"].get<std::string>().rfind("timed out", 0), 0u) << l.dump();
    }
}

TEST(SweepCli, TheShippedStudiesListTheirPoints) {
    // 7 RA + 7 TMR + 5 sigma + 10 gains + 5 supplies, less the four values equal to the base's
    // (RA 10, TMR 2, sigma 0, 0.8 V) and the gain of 30, plus the base point; without the gain
    // axis on the virtual-ground chain (its gains are fitted).
    const std::pair<const char*, std::size_t> studies[] = {
        {"imacsim_study.json", 30}, {"imacsim_study_transimpedance.json", 21}};
    for (const auto& [file, expected] : studies) {
        const auto r = run_program(NEUROTLM_CLI, "sweep " + neurotlm::testing::source_dir() +
                                                     "/configs/" + file + " --list");
        ASSERT_EQ(r.code, 0) << r.err;
        const std::size_t points = count_of(r.out, "\n");
        EXPECT_EQ(points, expected) << file << "\n" << r.out;
        // Every point on the first 1000 test images.
        EXPECT_EQ(count_of(r.out, "--set '/workload/dataset/limit=1000'"), points) << r.out;
    }
}

TEST(SweepCli, BadSweepFilesAndFoldersAreBadInput) {
    const std::string dir = scratch_dir("sweep_bad");
    const json bad = {{"name", "ADC bits"}, {"list", {4}}, {"set", "/components/7/adc/bits"}};
    const auto r = run_program(NEUROTLM_CLI, "sweep " + write_sweep(dir, json::array({bad})) +
                                                 " --out " + dir + "/o");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("/parameters/0/set"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir + "/o"));
    // A folder that holds something else is not a sweep's to fill.
    fs::create_directories(dir + "/other");
    std::ofstream(dir + "/other/notes.txt") << "mine";
    const auto f = run_program(NEUROTLM_CLI, "sweep " + write_sweep(dir, json::array({kAdcBits})) +
                                                 " --out " + dir + "/other");
    EXPECT_EQ(f.code, 2);
    EXPECT_NE(f.err.find("other content"), std::string::npos) << f.err;
}

#ifndef NEUROTLM_MPIEXEC

TEST(SweepMpiCli, SaysItWasBuiltWithoutMpi) {
    const std::string dir = scratch_dir("sweep_no_mpi");
    const std::string sweep = write_sweep(dir, json::array({kAdcBits}));
    const auto r = run_program(NEUROTLM_CLI, "sweep --mpi " + sweep + " --out " + dir + "/out");
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("built without MPI"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir + "/out"));
}

#else

// mpirun on this machine, as root too (CI runs as root), 3 ranks on 2 cores, shared memory
// between the ranks; in a container Open MPI's single-copy transfers (CMA) need ptrace rights
// it does not have. --bind-to none: a rank's points may use any core.
void mpi_environment() {
    ::setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
    ::setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
    ::setenv("OMPI_MCA_btl_vader_single_copy_mechanism", "none", 1);
}

std::vector<std::string> mpirun_args(const std::string& sweep, const std::string& out) {
    std::vector<std::string> args = {NEUROTLM_MPIEXEC};
    for (const char* a : {"--oversubscribe", "--bind-to", "none", "--mca", "btl", "self,vader"})
        args.push_back(a);
    for (const std::string& a : {std::string("-np"), std::string("3"), std::string(NEUROTLM_CLI),
                                 std::string("sweep"), sweep, std::string("--out"), out})
        args.push_back(a);
    return args;
}

std::string joined(const std::vector<std::string>& args) {
    std::string out;
    for (const auto& a : args)
        out += (out.empty() ? "" : " ") + a;
    return out;
}

// The parent's pid and the state letter of process @p pid, from /proc (nullopt: no such
// process).
std::optional<std::pair<pid_t, char>> proc_stat(pid_t pid) {
    const std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos || close + 4 > stat.size()) return std::nullopt;
    std::istringstream in(stat.substr(close + 2));
    char state = '?';
    pid_t ppid = 0;
    in >> state >> ppid;
    return std::make_pair(ppid, state);
}

bool running(pid_t pid) {
    const auto st = proc_stat(pid);
    return st && st->second != 'Z';
}

std::vector<pid_t> children_of(pid_t parent) {
    std::vector<pid_t> out;
    for (const auto& e : fs::directory_iterator("/proc")) {
        const std::string name = e.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        const pid_t pid = std::stoi(name);
        if (const auto st = proc_stat(pid); st && st->first == parent && st->second != 'Z')
            out.push_back(pid);
    }
    return out;
}

std::vector<pid_t> descendants_of(pid_t root) {
    std::vector<pid_t> out = children_of(root);
    for (std::size_t i = 0; i < out.size(); ++i)
        for (pid_t c : children_of(out[i]))
            out.push_back(c);
    return out;
}

// The rank Open MPI gave process @p pid ("" when none).
std::string mpi_rank_of(pid_t pid) {
    const std::string env = slurp("/proc/" + std::to_string(pid) + "/environ");
    const std::string key = std::string("OMPI_COMM_WORLD_RANK=");
    for (std::size_t p = 0; p < env.size();) {
        const auto end = env.find('\0', p);
        const std::string var = env.substr(p, end == std::string::npos ? end : end - p);
        if (var.rfind(key, 0) == 0) return var.substr(key.size());
        if (end == std::string::npos) break;
        p = end + 1;
    }
    return "";
}

// Wait (two minutes at most) until none of @p pids runs; orphans come to this process (a
// subreaper) and are reaped here. Returns those still running.
std::vector<pid_t> wait_gone(const std::vector<pid_t>& pids) {
    std::vector<pid_t> left = pids;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (!left.empty() && std::chrono::steady_clock::now() < give_up) {
        while (::waitpid(-1, nullptr, WNOHANG) > 0) {
        }
        std::vector<pid_t> still;
        for (pid_t p : left)
            if (running(p)) still.push_back(p);
        left = still;
        if (!left.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return left;
}

pid_t spawn_logged(const std::vector<std::string>& args, const std::string& log) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    for (auto& a : copy)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid = -1;
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

std::size_t lines_in(const std::string& path) {
    return count_of(slurp(path), "\n");
}

TEST(SweepMpiCli, RunsThePointsAcrossTheRanks) {
    mpi_environment();
    const std::string dir = scratch_dir("sweep_mpi");
    const std::string sweep = write_sweep(dir, json::array({kAdcBits, kSeeds}));
    ASSERT_EQ(run_program(NEUROTLM_CLI, "sweep -q " + sweep + " --out " + dir + "/ref -j 2").code,
              0);
    const auto r = run_program(joined(mpirun_args(sweep, dir + "/out")), "");
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.err.find("MPI job of 3 ranks"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("to run on 2 workers"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("12/12 points"), std::string::npos) << r.err;
    expect_same_results(dir + "/out", dir + "/ref");
    EXPECT_TRUE(fs::is_regular_file(dir + "/out/sweep.html"));

    // Run again under MPI: nothing to run, nothing added.
    const auto again = run_program(joined(mpirun_args(sweep, dir + "/out")), "");
    ASSERT_EQ(again.code, 0) << again.err;
    EXPECT_NE(again.err.find("12 finished earlier, 0 to run"), std::string::npos) << again.err;
    EXPECT_EQ(jsonl(dir + "/out/results.jsonl").size(), 12u);
}

TEST(SweepMpiCli, AFailedPointIsRecordedWithTheRanksError) {
    mpi_environment();
    const std::string dir = scratch_dir("sweep_mpi_fail");
    const json adc = {
        {"name", "ADC bits"}, {"list", {4, 99, 5}}, {"set", "/components/2/adc/bits"}};
    const std::string sweep = write_sweep(dir, json::array({adc}));
    const auto r = run_program(joined(mpirun_args(sweep, dir + "/out")), "");
    EXPECT_EQ(r.code, 3) << r.out << r.err;
    const auto lines = jsonl(dir + "/out/results.jsonl");
    ASSERT_EQ(lines.size(), 3u);
    for (const auto& l : lines) {
        if (l["values"]["ADC bits"] != 99) {
            EXPECT_EQ(l["status"], "ok") << l.dump();
            continue;
        }
        EXPECT_EQ(l["status"], "failed");
        // The end of the point's stderr, read by the rank that ran it.
        const std::string error = l["error"];
        EXPECT_NE(error.find("exit code 2"), std::string::npos) << error;
        EXPECT_NE(error.find("/components/2/adc/bits"), std::string::npos) << error;
    }
}

TEST(SweepMpiCli, ResumesAfterTheLauncherAndThenARankAreKilled) {
    mpi_environment();
    // Orphans of the killed job come to this process: it sees them end and reaps them.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    const std::string dir = scratch_dir("sweep_mpi_kill");
    const std::string sweep = write_sweep(dir, json::array({kAdcBits, kSeeds}));
    ASSERT_EQ(run_program(NEUROTLM_CLI, "sweep -q " + sweep + " --out " + dir + "/ref -j 2").code,
              0);
    const std::string out = dir + "/out", log = dir + "/mpirun.log";
    const auto args = mpirun_args(sweep, out);

    // 1. kill -9 of mpirun once the first point is recorded: the ranks and their points end.
    pid_t launcher = spawn_logged(args, log);
    ASSERT_GT(launcher, 0);
    for (int i = 0; i < 60000 && lines_in(out + "/results.jsonl") == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::vector<pid_t> job = descendants_of(launcher);
    ::kill(launcher, SIGKILL);
    EXPECT_EQ(wait_exit(launcher), 128 + SIGKILL);
    const std::size_t after_launcher = lines_in(out + "/results.jsonl");
    RecordProperty("points_recorded_when_the_launcher_was_killed",
                   static_cast<int>(after_launcher));
    EXPECT_GE(after_launcher, 1u);
    EXPECT_EQ(wait_gone(job), std::vector<pid_t>{}) << "processes of the killed job run on";

    // 2. Resumed, then kill -9 of rank 1 while it runs a point: the point ends with it, and
    // the launcher ends the job.
    launcher = spawn_logged(args, log);
    ASSERT_GT(launcher, 0);
    pid_t rank1 = -1;
    std::vector<pid_t> points;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (rank1 < 0 && std::chrono::steady_clock::now() < give_up) {
        for (pid_t p : children_of(launcher))
            if (mpi_rank_of(p) == "1") {
                points = children_of(p);
                if (!points.empty()) rank1 = p;
            }
        if (rank1 < 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_GT(rank1, 0) << slurp(log);
    job = descendants_of(launcher);
    RecordProperty("points_recorded_when_a_rank_was_killed",
                   static_cast<int>(lines_in(out + "/results.jsonl")));
    ::kill(rank1, SIGKILL);
    EXPECT_NE(wait_exit(launcher), 0);
    // The other ranks may finish a point or two while the launcher ends the job.
    const std::size_t after_rank = lines_in(out + "/results.jsonl");
    EXPECT_EQ(wait_gone(points), std::vector<pid_t>{}) << "the killed rank's point runs on";
    EXPECT_EQ(wait_gone(job), std::vector<pid_t>{}) << "processes of the killed job run on";

    // 3. Resumed to the end: every point once, with the figures of the uninterrupted run.
    const auto r = run_program(joined(args), "");
    ASSERT_EQ(r.code, 0) << r.err << "\n" << slurp(log);
    EXPECT_LT(after_rank, 12u) << "the sweep ended before a rank was killed; nothing to resume";
    expect_same_results(out, dir + "/ref");
}

#endif

} // namespace
