// Hostile input as a user meets it on the command line: no crash, no hang, no silent nonsense.
// Every command runs under `timeout`, so a hang fails the test (exit 124) instead of stalling.

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testing/cli.h"
#include "testing/paths.h"

namespace fs = std::filesystem;
using neurotlm::testing::scratch_dir;
using neurotlm::testing::test_data;
using nlohmann::json;

namespace {

using Result = neurotlm::testing::CliResult;
using neurotlm::testing::slurp;

Result reliability_run(const std::string& args, int seconds = 60) {
    return neurotlm::testing::run_program(NEUROTLM_CLI, args, seconds);
}

json reliability_load(const std::string& path) {
    return neurotlm::testing::load_json(path);
}

// A copy of a test configuration in @p dir with its relative paths made absolute.
std::string write_config(const std::string& dir, const std::string& name, json cfg) {
    const std::string path = dir + "/" + name;
    std::ofstream(path) << cfg.dump(2);
    return path;
}

std::string make_fifo(const std::string& dir, const std::string& name) {
    const std::string p = dir + "/" + name;
    EXPECT_EQ(::mkfifo(p.c_str(), 0644), 0);
    return p;
}

// Run the command with no room to write files (ulimit -f 0; SIGXFSZ ignored, so writes fail
// with EFBIG the way they fail with ENOSPC on a full disk). Its messages pass through a pipe to
// @p err_file, which the limit does not reach.
int limited_run(const std::string& args, const std::string& err_file) {
    const std::string cmd = "set -o pipefail; ( trap '' XFSZ; ulimit -f 0; exec timeout 60 " +
                            std::string(NEUROTLM_CLI) + " " + args + " >/dev/null ) 2>&1 | cat > " +
                            err_file;
    return std::system(("bash -c \"" + cmd + "\"").c_str());
}

} // namespace

TEST(Reliability, AFifoIsRefusedWherePlatformDataIsRead) {
    const std::string dir = scratch_dir("rel-fifo");
    const std::string fifo = make_fifo(dir, "pipe");
    // The platform file itself.
    Result r = reliability_run("validate " + fifo);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("FIFO"), std::string::npos) << r.err;

    // A trace.
    json trace_cfg = reliability_load(test_data("good/small_trace.json"));
    trace_cfg["workload"]["file"] = fifo;
    r = reliability_run("validate " + write_config(dir, "trace.json", trace_cfg));
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("/workload/file"), std::string::npos) << r.err;

    // A network, IDX images and IDX labels.
    json mlp = reliability_load(test_data("good/tiny_mlp.json"));
    mlp["workload"]["network"] = test_data("networks/tiny.json");
    mlp["workload"]["dataset"]["images"] = test_data("tiny/images-idx3-ubyte.gz");
    mlp["workload"]["dataset"]["labels"] = test_data("tiny/labels-idx1-ubyte.gz");
    for (const std::string key :
         {"/workload/network", "/workload/dataset/images", "/workload/dataset/labels"}) {
        json c = mlp;
        c[json::json_pointer(key)] = fifo;
        r = reliability_run("validate " + write_config(dir, "mlp.json", c));
        EXPECT_EQ(r.code, 2) << key << ": " << r.err;
        EXPECT_NE(r.err.find(key), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("FIFO"), std::string::npos) << r.err;
    }

    // Hopfield patterns from an .npy file.
    json hop = reliability_load(test_data("good/hopfield_small.json"));
    hop["workload"]["memories"][0] = {{"source", "npy"}, {"file", fifo}};
    r = reliability_run("validate " + write_config(dir, "hop.json", hop));
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("/workload/memories/0/file"), std::string::npos) << r.err;

    // A trace line that reads weights from an .npy file.
    std::ofstream(dir + "/npy.jsonl")
        << "{\"op\": \"program\", \"component\": \"tile0\", \"weights_npy\": \"pipe\"}\n";
    trace_cfg["workload"]["file"] = dir + "/npy.jsonl";
    r = reliability_run("validate " + write_config(dir, "trace2.json", trace_cfg));
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("FIFO"), std::string::npos) << r.err;
}

TEST(Reliability, DevZeroIsRefusedWithoutReadingIt) {
    Result r = reliability_run("validate /dev/zero", 20);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("character device"), std::string::npos) << r.err;
}

TEST(Reliability, DeepNestingIsAnErrorNotACrash) {
    const std::string dir = scratch_dir("rel-deep");
    const int depth = 150000;
    const std::string deep = std::string(depth, '[') + std::string(depth, ']');
    std::ofstream(dir + "/deep.json")
        << "{\"neurotlm\": 1, \"description\": " << deep << ", \"components\": []}";
    Result r = reliability_run("validate " + dir + "/deep.json");
    EXPECT_EQ(r.code, 2) << r.err.substr(0, 300);
    EXPECT_NE(r.err.find("/description/0/0"), std::string::npos) << r.err.substr(0, 300);
    EXPECT_NE(r.err.find("nested deeper"), std::string::npos) << r.err.substr(0, 300);

    std::ofstream(dir + "/net.json")
        << "{\"format\": \"neurotlm-network\", \"layers\": " << deep << "}";
    json mlp = reliability_load(test_data("good/tiny_mlp.json"));
    mlp["workload"]["network"] = dir + "/net.json";
    mlp["workload"]["dataset"]["images"] = test_data("tiny/images-idx3-ubyte.gz");
    mlp["workload"]["dataset"]["labels"] = test_data("tiny/labels-idx1-ubyte.gz");
    r = reliability_run("validate " + write_config(dir, "mlp.json", mlp));
    EXPECT_EQ(r.code, 2) << r.err.substr(0, 300);
    EXPECT_NE(r.err.find("/workload/network"), std::string::npos) << r.err.substr(0, 300);
    EXPECT_NE(r.err.find("nested deeper"), std::string::npos) << r.err.substr(0, 300);

    // The same through --set.
    r = reliability_run("validate " + test_data("good/small_trace.json") +
                        " --set '/description=" + std::string(20000, '[') + "'");
    EXPECT_EQ(r.code, 2) << r.err.substr(0, 300);
}

TEST(Reliability, ALongChainOfRoutersIsWalkedWithoutRecursion) {
    // 20 000 routers in a line: the graph walks keep their own stacks.
    const std::string dir = scratch_dir("rel-chain");
    const int n = 20000;
    json cfg = {{"neurotlm", 1}, {"name", "chain"}};
    json comps = json::array({{{"name", "ctrl"}, {"type", "controller"}}});
    json conns = json::array({{{"from", "ctrl.out"}, {"to", "r0.in"}}});
    for (int i = 0; i < n; ++i) {
        comps.push_back({{"name", "r" + std::to_string(i)}, {"type", "router"}});
        const std::string next = i + 1 < n ? "r" + std::to_string(i + 1) : "t";
        conns.push_back({{"from", "r" + std::to_string(i) + ".out"}, {"to", next + ".in"}});
    }
    comps.push_back({{"name", "t"}, {"type", "crossbar_tile"}, {"rows", 8}, {"cols", 8}});
    cfg["components"] = comps;
    cfg["connections"] = conns;
    Result r = reliability_run("validate " + write_config(dir, "chain.json", cfg), 240);
    EXPECT_EQ(r.code, 0) << r.err.substr(0, 500);
}

TEST(Reliability, ASymlinkLoopIsNamed) {
    const std::string dir = scratch_dir("rel-symlink");
    fs::create_symlink(dir + "/b.json", dir + "/a.json");
    fs::create_symlink(dir + "/a.json", dir + "/b.json");
    Result r = reliability_run("validate " + dir + "/a.json");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("loop of symbolic links"), std::string::npos) << r.err;
}

TEST(Reliability, ATraceMayStartWithAByteOrderMark) {
    const std::string dir = scratch_dir("rel-bom");
    std::ofstream(dir + "/bom.jsonl") << "\xEF\xBB\xBF# written by an editor that adds a BOM\n"
                                      << slurp(test_data("traces/small.jsonl"));
    json cfg = reliability_load(test_data("good/small_trace.json"));
    cfg["workload"]["file"] = dir + "/bom.jsonl";
    Result r =
        reliability_run("run -q " + write_config(dir, "bom.json", cfg) + " --out " + dir + "/out");
    EXPECT_EQ(r.code, 0) << r.err;
}

TEST(Reliability, ASetValueThatLooksLikeJsonMustBeJson) {
    Result r = reliability_run("validate " + test_data("good/small_trace.json") +
                               " --set '/description=[1'");
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("not valid JSON"), std::string::npos) << r.err;
    // A bare word is still a string.
    r = reliability_run("validate " + test_data("good/small_trace.json") +
                        " --set /description=hello");
    EXPECT_EQ(r.code, 0) << r.err;
}

TEST(Reliability, ControlCharactersInTheInputNeverReachTheTerminal) {
    const std::string dir = scratch_dir("rel-escape");
    json cfg = reliability_load(test_data("good/small_trace.json"));
    cfg["components"][2]["name"] = "tile\x1b[2J";
    cfg["workload"]["file"] = test_data("traces/small.jsonl");
    Result r = reliability_run("validate " + write_config(dir, "esc.json", cfg));
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("\\u001b[2J"), std::string::npos) << r.err;
    // Invalid UTF-8 in a command-line value.
    r = reliability_run("validate " + test_data("good/small_trace.json") +
                        " --set \"$(printf '/x\\377\\033=1')\"");
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('\xff'), std::string::npos) << r.err;
}

TEST(Reliability, AnUnusableOutputIsRefusedBeforeTheRun) {
    const std::string dir = scratch_dir("rel-out");
    const std::string cfg = test_data("good/small_trace.json");
    std::ofstream(dir + "/afile") << "x";
    Result r = reliability_run("run -q " + cfg + " --out " + dir + "/afile");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("not a folder"), std::string::npos) << r.err;
    EXPECT_EQ(slurp(dir + "/afile"), "x");
    // Not before the run: nothing was simulated (no summary printed).
    EXPECT_EQ(r.out, "");

    // A folder with someone else's files is not replaced.
    fs::create_directories(dir + "/thesis");
    std::ofstream(dir + "/thesis/chapter1.tex") << "x";
    r = reliability_run("run -q " + cfg + " --out " + dir + "/thesis");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("other content"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::exists(dir + "/thesis/chapter1.tex"));

    // Running a report folder's own configuration into that folder would delete the input.
    r = reliability_run("run -q " + cfg + " --out " + dir + "/rep");
    ASSERT_EQ(r.code, 0) << r.err;
    r = reliability_run("run -q " + dir + "/rep/config.effective.json --out " + dir + "/rep");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("holds the input"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::exists(dir + "/rep/config.effective.json"));

    // An unwritable place (a path below a file).
    r = reliability_run("run -q " + cfg + " --out " + dir + "/afile/below");
    EXPECT_EQ(r.code, 2) << r.err;
}

TEST(Reliability, ASecondWriterOfTheSameFolderIsRefused) {
    const std::string dir = scratch_dir("rel-lock");
    const std::string out = dir + "/rep";
    // Hold the folder's lock the way a running neurotlm does.
    const int fd = ::open((dir + "/.rep.lock").c_str(), O_RDWR | O_CREAT, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
    Result r = reliability_run("run -q " + test_data("good/small_trace.json") + " --out " + out);
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("another neurotlm process is writing"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
    ::close(fd);
    r = reliability_run("run -q " + test_data("good/small_trace.json") + " --out " + out);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(fs::exists(out + "/report.json"));
}

TEST(Reliability, ARewrittenFolderHoldsOnlyTheNewRun) {
    const std::string dir = scratch_dir("rel-rewrite");
    const std::string out = dir + "/rep";
    ASSERT_EQ(
        reliability_run("run -q " + test_data("good/small_trace.json") + " --out " + out).code, 0);
    std::ofstream(out + "/notes-from-the-old-run.txt") << "x";
    ASSERT_EQ(
        reliability_run("run -q " + test_data("good/small_trace.json") + " --seed 77 --out " + out)
            .code,
        0);
    EXPECT_FALSE(fs::exists(out + "/notes-from-the-old-run.txt"));
    EXPECT_EQ(reliability_load(out + "/report.json")["run"]["seed"], 77);
    EXPECT_EQ(reliability_load(out + "/config.effective.json")["seed"], 77);
}

TEST(Reliability, HopfieldOutputsAreCheckedBeforeTheWork) {
    const std::string dir = scratch_dir("rel-hopfield");
    std::ofstream(dir + "/afile") << "x";
    Result r = reliability_run("hopfield-capacity -n 64 --loads 0.05 --trials 1 --out " + dir);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("is a folder"), std::string::npos) << r.err;
    r = reliability_run("hopfield-capacity -n 64 --loads 0.05 --trials 1 --out " + dir +
                        "/afile/x.csv");
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(r.out, "");

    fs::create_directories(dir + "/mine");
    std::ofstream(dir + "/mine/keep.txt") << "x";
    r = reliability_run("export-spice " + test_data("good/hopfield_small.json") + " --out " + dir +
                        "/mine");
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_TRUE(fs::exists(dir + "/mine/keep.txt"));
    r = reliability_run("export-spice " + test_data("good/hopfield_small.json") + " --out " + dir +
                        "/spice");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(fs::exists(dir + "/spice/recall.txt"));
    EXPECT_TRUE(fs::exists(dir + "/spice/step0.cir"));
}

TEST(Reliability, AFullDiskFailsLoudlyAndKeepsTheOldOutput) {
    // A file size limit fails writes as a full disk does; the shell ignores SIGXFSZ so the
    // write returns an error instead of killing the process.
    const std::string dir = scratch_dir("rel-full");
    Result r = reliability_run("hopfield-capacity -n 64 --loads 0.05,0.1 --trials 1 --out " + dir +
                               "/c.csv");
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string before = slurp(dir + "/c.csv");
    ASSERT_FALSE(before.empty());
    const int status = limited_run(
        "hopfield-capacity -n 64 --loads 0.05 --trials 1 --out " + dir + "/c.csv", dir + "/err");
    EXPECT_EQ(WEXITSTATUS(status), 2) << slurp(dir + "/err");
    EXPECT_NE(slurp(dir + "/err").find("write failed"), std::string::npos) << slurp(dir + "/err");
    EXPECT_EQ(slurp(dir + "/c.csv"), before);

    // The same for a report folder: the old report stays whole.
    ASSERT_EQ(
        reliability_run("run -q " + test_data("good/small_trace.json") + " --out " + dir + "/rep")
            .code,
        0);
    const std::string old_report = slurp(dir + "/rep/report.json");
    const int status2 = limited_run("run -q " + test_data("good/small_trace.json") +
                                        " --seed 5 --out " + dir + "/rep",
                                    dir + "/err");
    EXPECT_EQ(WEXITSTATUS(status2), 2) << slurp(dir + "/err");
    EXPECT_EQ(slurp(dir + "/rep/report.json"), old_report);
}

TEST(Reliability, BytesThatAreNotUtf8NeverBreakTheReport) {
    const std::string dir = scratch_dir("rel-utf8");
    // A --set value that is not UTF-8 cannot go into a JSON document: refused, before the run.
    Result r = reliability_run("run -q " + test_data("good/small_trace.json") +
                               " --set \"/description=$(printf 'a\\377b')\" --out " + dir + "/a");
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("not UTF-8"), std::string::npos) << r.err;
    // A platform file in a folder whose name is not UTF-8 runs, and its report is valid JSON.
    const std::string odd = dir + "/d\xff";
    fs::create_directories(odd);
    json cfg = reliability_load(test_data("good/small_trace.json"));
    cfg["workload"]["file"] = test_data("traces/small.jsonl");
    write_config(odd, "c.json", cfg);
    r = reliability_run("run -q '" + odd + "/c.json' --out " + dir + "/b");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NO_THROW(reliability_load(dir + "/b/report.json"));
}
