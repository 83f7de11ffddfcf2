// `neurotlm sweep` on a small, fast platform: points run in parallel into results.jsonl,
// results.csv and sweep.html; a sweep killed (SIGKILL) or stopped (SIGINT) part-way resumes with
// every point exactly once and the figures of an uninterrupted run; a failed point is recorded
// and the rest complete.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
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
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    std::vector<std::string> args = {NEUROTLM_CLI, "sweep", sweep, "--out", out, "-j", "2"};
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    if (posix_spawn(&pid, NEUROTLM_CLI, &fa, nullptr, argv.data(), environ) != 0) pid = -1;
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

int wait_exit(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

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

} // namespace
