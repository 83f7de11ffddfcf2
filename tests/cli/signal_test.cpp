// Ctrl-C during a run: the run stops at the next quantum and writes a complete report file
// marked incomplete, with everything done so far.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "neurotlm/workloads/dataset.h"
#include "testing/paths.h"

extern char** environ;

using neurotlm::testing::scratch_dir;
using neurotlm::testing::test_data;
using nlohmann::json;

namespace {

// A dataset large enough that the run takes seconds: many copies of the tiny images.
std::string write_big_dataset(const std::string& dir, int count, const std::string& quantum = "") {
    std::vector<std::uint8_t> px(static_cast<std::size_t>(count) * 16),
        labels(static_cast<std::size_t>(count));
    for (int n = 0; n < count; ++n) {
        const int k = n % 4;
        labels[static_cast<std::size_t>(n)] = static_cast<std::uint8_t>(k);
        for (int r = 0; r < 4; ++r)
            for (int c = 0; c < 4; ++c)
                px[static_cast<std::size_t>(n) * 16 + r * 4 + c] =
                    ((r / 2) * 2 + c / 2) == k ? 220 : 10;
    }
    neurotlm::write_idx_images(dir + "/images.idx", count, 4, 4, px);
    neurotlm::write_idx_labels(dir + "/labels.idx", labels);
    std::ifstream in(test_data("good/tiny_mlp.json"));
    json cfg = json::parse(in);
    cfg["workload"]["network"] = test_data("networks/tiny.json");
    cfg["workload"]["dataset"] = {
        {"images", dir + "/images.idx"}, {"labels", dir + "/labels.idx"}, {"limit", 0}};
    if (!quantum.empty()) cfg["quantum"] = quantum;
    const std::string path = dir + "/big.json";
    std::ofstream(path) << cfg.dump(2);
    return path;
}

} // namespace

namespace {

struct Spawned {
    pid_t pid = 0;
    int err_fd = -1;
};

Spawned spawn_run(const std::string& config, const std::string& out) {
    int err_pipe[2];
    EXPECT_EQ(::pipe(err_pipe), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&fa, err_pipe[0]);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    std::vector<std::string> args = {NEUROTLM_CLI, "run", config, "--out", out};
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    Spawned s;
    EXPECT_EQ(posix_spawn(&s.pid, NEUROTLM_CLI, &fa, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    ::close(err_pipe[1]);
    s.err_fd = err_pipe[0];
    return s;
}

// Read stderr until @p marker appears (or the process ends); returns what was read.
std::string read_until(int fd, const std::string& marker) {
    std::string err;
    char buf[256];
    while (err.find(marker) == std::string::npos) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        err.append(buf, static_cast<std::size_t>(n));
    }
    return err;
}

int finish(const Spawned& s, std::string& err) {
    char buf[256];
    ssize_t n;
    while ((n = ::read(s.err_fd, buf, sizeof buf)) > 0)
        err.append(buf, static_cast<std::size_t>(n));
    ::close(s.err_fd);
    int status = 0;
    ::waitpid(s.pid, &status, 0);
    // Killed by a signal is not the same as exiting with 128 + signal: kept apart.
    return WIFEXITED(status) ? WEXITSTATUS(status) : 256 + WTERMSIG(status);
}

} // namespace

TEST(Signals, InterruptWritesAnIncompleteReportWithTheWorkDone) {
    const std::string dir = scratch_dir("sigint");
    // Seconds of work: the interrupt lands long before the end.
    const int count = neurotlm::testing::kSanitized ? 100000 : 1000000;
    const std::string config = write_big_dataset(dir, count);
    const std::string out = dir + "/report";

    const Spawned sp = spawn_run(config, out);
    // Wait for the first progress line (written as soon as the first image is done), then
    // interrupt.
    std::string err = read_until(sp.err_fd, "] 1/");
    ASSERT_NE(err.find("] 1/"), std::string::npos) << err;
    ::kill(sp.pid, SIGINT);
    EXPECT_EQ(finish(sp, err), 130) << err;
    // The progress line ended before the note about the partial report.
    EXPECT_NE(err.find("\nneurotlm: incomplete ("), std::string::npos) << err;

    std::ifstream in(out + "/report.json");
    ASSERT_TRUE(in.good()) << "no report after the interrupt";
    const json rep = json::parse(in);
    EXPECT_FALSE(rep["run"]["complete"].get<bool>());
    const auto items = rep["totals"]["items"].get<std::uint64_t>();
    EXPECT_GE(items, 1u);
    EXPECT_LT(items, static_cast<std::uint64_t>(count));
    EXPECT_EQ(rep["totals"]["items_requested"].get<std::uint64_t>(),
              static_cast<std::uint64_t>(count));
    EXPECT_EQ(rep["workload"]["images"].get<std::uint64_t>(), items);
    for (const auto& e : std::filesystem::directory_iterator(out))
        EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();
}

TEST(Signals, AStopIsHonouredWithinAOneSecondQuantum) {
    // A quantum of one simulated second holds the whole run: the stop must still be seen
    // between images, not at the quantum's end (which never comes before the run's).
    const std::string dir = scratch_dir("sigint-quantum");
    const int count = neurotlm::testing::kSanitized ? 100000 : 1000000;
    const std::string config = write_big_dataset(dir, count, "1 s");
    const std::string out = dir + "/report";
    const Spawned s = spawn_run(config, out);
    std::string err = read_until(s.err_fd, "] 1/");
    ASSERT_NE(err.find("] 1/"), std::string::npos) << err;
    ::kill(s.pid, SIGTERM);
    EXPECT_EQ(finish(s, err), 130) << err;
    std::ifstream in(out + "/report.json");
    ASSERT_TRUE(in.good()) << "no report after the stop";
    const json rep = json::parse(in);
    EXPECT_FALSE(rep["run"]["complete"].get<bool>());
    EXPECT_LT(rep["totals"]["items"].get<std::uint64_t>(), static_cast<std::uint64_t>(count));
}

TEST(Signals, AStopWhileLoadingWritesNothingAndSaysSo) {
    const std::string dir = scratch_dir("sigint-load");
    const std::string config =
        write_big_dataset(dir, neurotlm::testing::kSanitized ? 200000 : 2000000);
    const std::string out = dir + "/report";
    const Spawned s = spawn_run(config, out);
    // The first line is printed once the handlers are in place, as loading starts.
    std::string err = read_until(s.err_fd, "loading");
    ::kill(s.pid, SIGINT);
    const int code = finish(s, err);
    EXPECT_EQ(code, 130) << err;
    if (err.find("nothing was written") != std::string::npos) {
        EXPECT_FALSE(std::filesystem::exists(out)) << err;
    } else {
        // The loading was already over: the run stopped instead, with a report marked so.
        std::ifstream in(out + "/report.json");
        ASSERT_TRUE(in.good()) << err;
        EXPECT_FALSE(json::parse(in)["run"]["complete"].get<bool>());
    }
}
