// The local executor: how a point's process ends (exit code, signal, timeout) is what it
// reports, at most `jobs` run at once, its stderr goes to the point's log, and stop_all ends
// every running point.

#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "neurotlm/sweep/executor.h"
#include "testing/paths.h"

namespace {

using namespace neurotlm;

PointJob shell(std::size_t slot, const std::string& script, const std::string& log,
               double timeout_s = 0.0) {
    return {slot, {"/bin/sh", "-c", script}, log, timeout_s};
}

std::map<std::size_t, PointOutcome> run_all(LocalExecutor& ex) {
    std::map<std::size_t, PointOutcome> out;
    while (ex.running() > 0)
        for (const auto& o : ex.poll(std::chrono::milliseconds(1000)))
            out[o.slot] = o;
    return out;
}

TEST(LocalExecutor, ReportsHowEachPointEnded) {
    const std::string dir = neurotlm::testing::scratch_dir("executor");
    LocalExecutor ex(4);
    EXPECT_EQ(ex.capacity(), 4u);
    ex.start(shell(0, "exit 0", dir + "/0.log"));
    ex.start(shell(1, "echo 'bad value' >&2; exit 2", dir + "/1.log"));
    ex.start(shell(2, "kill -SEGV $$", dir + "/2.log"));
    ex.start(shell(3, "exec sleep 30", dir + "/3.log", 0.2));
    EXPECT_EQ(ex.running(), 4u);
    const auto out = run_all(ex);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_TRUE(out.at(0).ok());
    EXPECT_EQ(out.at(1).exit_code, 2);
    EXPECT_FALSE(out.at(1).ok());
    std::stringstream log;
    log << std::ifstream(dir + "/1.log").rdbuf();
    EXPECT_EQ(log.str(), "bad value\n");
    EXPECT_EQ(out.at(2).signal, SIGSEGV);
    EXPECT_FALSE(out.at(2).ok());
    EXPECT_TRUE(out.at(3).timed_out);
    EXPECT_EQ(out.at(3).signal, SIGKILL);
}

TEST(LocalExecutor, StopAllEndsEveryRunningPoint) {
    const std::string dir = neurotlm::testing::scratch_dir("executor_stop");
    LocalExecutor ex(2);
    ex.start(shell(0, "exec sleep 30", dir + "/0.log"));
    ex.start(shell(1, "exec sleep 30", dir + "/1.log"));
    EXPECT_TRUE(ex.poll(std::chrono::milliseconds(10)).empty());
    ex.stop_all();
    EXPECT_EQ(ex.running(), 0u);
}

} // namespace
