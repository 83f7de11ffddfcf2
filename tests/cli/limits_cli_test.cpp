// What a run cannot honour is refused before it runs, by `validate` as by `run`: values outside
// the physics or the numbers (exit code 2, the JSON pointer and the reason in the message), and
// configurations over the memory limit (exit code 2 and the estimate, nothing allocated).

#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "neurotlm/workloads/npy.h"
#include "testing/cli.h"
#include "testing/paths.h"

namespace fs = std::filesystem;
using neurotlm::testing::scratch_dir;
using neurotlm::testing::test_data;
using nlohmann::json;

namespace {

using Result = neurotlm::testing::CliResult;

Result limits_run(const std::string& program, const std::string& args) {
    return neurotlm::testing::run_program(program, args);
}

json limits_load(const std::string& path) {
    return neurotlm::testing::load_json(path);
}

/// A good platform from tests/data/good, its files made absolute, changed by @p edit and
/// written to the scratch folder.
std::string platform(const std::string& good, const std::string& name,
                     const std::function<void(json&)>& edit) {
    static const std::string dir = scratch_dir("limits");
    json d = limits_load(test_data("good/" + good));
    if (d["workload"].contains("file"))
        d["workload"]["file"] =
            (fs::path(test_data("good")) / d["workload"]["file"].get<std::string>())
                .lexically_normal()
                .string();
    edit(d);
    const std::string path = dir + "/" + name + ".json";
    std::ofstream(path) << d.dump(2);
    return path;
}

void use_device(json& d, const json& device, int component = 2) {
    d["devices"] = {{"x", device}};
    d["components"][component]["device"] = "x";
}

} // namespace

TEST(Limits, NonsenseIsRefusedByValidateWithItsPointerAndReason) {
    struct Case {
        const char* name;
        std::string file;
        const char* pointer;
        const char* reason;
    };
    const json rram = {{"preset", "rram_imacsim"}};
    auto rram_with = [&](const char* key, json v) {
        json d = rram;
        d[key] = std::move(v);
        return d;
    };
    const Case cases[] = {
        {"wire_denormal",
         platform("small_trace.json", "wire_denormal",
                  [](json& d) {
                      d["components"][2]["wire_resistance"] = 1e-320;
                      d["components"][2]["ir_drop"] = true;
                  }),
         "/components/2/wire_resistance", "real segments are ~10 ohm"},
        {"variation_sigma_1000",
         platform("small_trace.json", "sigma",
                  [&](json& d) { use_device(d, rram_with("variation_sigma", 1000)); }),
         "/devices/x/variation_sigma", "measured devices"},
        {"read_noise_1e6",
         platform("small_trace.json", "noise",
                  [&](json& d) { use_device(d, rram_with("read_noise_sigma", 1e6)); }),
         "/devices/x/read_noise_sigma", "the signal"},
        {"full_scale_1e-300",
         platform("hopfield_small.json", "full_scale",
                  [](json& d) {
                      d["components"][2]["storage"] = "multilevel";
                      d["components"][2]["pairs_per_weight"] = 4;
                      d["components"][2]["full_scale"] = 1e-300;
                  }),
         "/components/2/full_scale", "of order 1/N to P/N"},
        {"tmr_none",
         platform("hopfield_small.json", "tmr",
                  [](json& d) {
                      use_device(d, {{"preset", "mtj_spin_neuromem"}, {"tmr", 1e-12}});
                  }),
         "/devices/x/tmr", "[0.01, 20]"},
        {"tmr_gone_at_read_bias",
         platform("hopfield_small.json", "read_bias",
                  [](json& d) { d["components"][2]["read_voltage"] = "20 V"; }),
         "/components/2/read_voltage", "raise v_half"},
        {"adc_range_margin_1e-300",
         platform("tiny_mlp.json", "margin",
                  [](json& d) {
                      d["workload"]["adc_range_margin"] = 1e-300;
                      d["workload"]["network"] = test_data("networks/tiny.json");
                      d["workload"]["dataset"]["images"] = test_data("tiny/images-idx3-ubyte.gz");
                      d["workload"]["dataset"]["labels"] = test_data("tiny/labels-idx1-ubyte.gz");
                  }),
         "/workload/adc_range_margin", "clips"},
    };
    for (const Case& c : cases) {
        const Result r = limits_run(NEUROTLM_CLI, "validate " + c.file);
        EXPECT_EQ(r.code, 2) << c.name << ": " << r.err;
        EXPECT_NE(r.err.find(c.pointer), std::string::npos) << c.name << ": " << r.err;
        EXPECT_NE(r.err.find(c.reason), std::string::npos) << c.name << ": " << r.err;
    }
}

TEST(Limits, ATraceWhoseOutputsOverflowFloat32IsRefusedBeforeTheRun) {
    // Once: valid, run, and the outputs reported as null.
    const std::string dir = scratch_dir("limits-ovf");
    std::ofstream(dir + "/ovf.jsonl")
        << R"({"op": "program", "component": "tile0", "weights": [[1, 0], [0, 1]]})"
           "\n"
           R"({"op": "input_range", "component": "tile0", "value": 3e38})"
           "\n"
           R"({"op": "mvm", "component": "tile0", "input": [3e38, 3e38]})"
           "\n";
    const std::string file = platform("small_trace.json", "ovf",
                                      [&](json& d) { d["workload"]["file"] = dir + "/ovf.jsonl"; });
    const std::string out = dir + "/r";
    const Result r = limits_run(NEUROTLM_CLI, "run -q " + file + " --out " + out);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("ovf.jsonl:2: /value"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("float32"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out + "/report.json"));
}

TEST(Limits, HopfieldPatternSetsCountAgainstTheMemoryLimit) {
    // 64 sets of 65536 random patterns of 1024 neurons: 4 GiB the estimate never saw.
    const std::string file = platform("hopfield_small.json", "hop_memory", [](json& d) {
        d["components"][2]["neurons"] = 1024;
        d["components"][2]["memories"] = 64;
        d["components"][2]["max_patterns"] = 65536;
        json sets = json::array();
        for (int k = 0; k < 64; ++k)
            sets.push_back({{"source", "random"}, {"count", 65536}});
        d["workload"]["memories"] = sets;
    });
    const std::string out = scratch_dir("limits-hop") + "/r";
    const auto started = std::chrono::steady_clock::now();
    const Result r =
        limits_run(NEUROTLM_CLI, "run " + file + " --memory-limit '3 GiB' --out " + out);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("memory limit of 3 GiB"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("an estimated"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("for the workload's data"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_LT(seconds, 10.0); // refused from the estimate, not after making the patterns
}

TEST(Limits, ATraceCountsItsNpyFilesOnceAndRunsSharingThem) {
    const std::string dir = scratch_dir("limits-npy");
    neurotlm::NpyArray small;
    small.shape = {8, 4};
    small.data.assign(32, 0.01f);
    neurotlm::write_npy(dir + "/w.npy", small);
    neurotlm::NpyArray big;
    big.shape = {1000, 1000};
    big.data.assign(1000000, 0.01f);
    neurotlm::write_npy(dir + "/big.npy", big);

    // 600 lines naming one file: loaded once, the run fits a small limit.
    {
        std::ofstream t(dir + "/many.jsonl");
        for (int i = 0; i < 600; ++i)
            t << R"({"op": "program", "component": "tile0", "weights_npy": "w.npy"})"
                 "\n";
        t << R"({"op": "mvm", "component": "tile0", "input": [1, 0.5]})"
             "\n";
    }
    const std::string many = platform("small_trace.json", "npy_many", [&](json& d) {
        d["workload"]["file"] = dir + "/many.jsonl";
    });
    const Result ok = limits_run(NEUROTLM_CLI, "run -q " + many + " --memory-limit '4 MiB' --out " +
                                                   dir + "/many");
    EXPECT_EQ(ok.code, 0) << ok.err;

    // A 4 MB array is counted from its header before it is read.
    std::ofstream(dir + "/big.jsonl")
        << R"({"op": "program", "component": "tile0", "weights_npy": "big.npy"})"
           "\n";
    const std::string large = platform("small_trace.json", "npy_big", [&](json& d) {
        d["workload"]["file"] = dir + "/big.jsonl";
    });
    const Result r = limits_run(NEUROTLM_CLI, "run -q " + large + " --memory-limit '4 MiB' --out " +
                                                  dir + "/big");
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("/workload"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("an estimated"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir + "/big"));
}

TEST(Limits, TrainingOverTheMemoryLimitIsRefusedWithTheEstimate) {
    const std::string out = scratch_dir("limits-train") + "/net.json";
    const std::string data = "--images " + test_data("tiny/images-idx3-ubyte.gz") + " --labels " +
                             test_data("tiny/labels-idx1-ubyte.gz") + " --test-images ''";
    // The mistyped width: hundreds of GiB, refused at once.
    const auto started = std::chrono::steady_clock::now();
    Result r = limits_run(NEUROTLM_TRAIN, data + " --hidden 100000000 --out " + out);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("needs an estimated"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("GiB for the weights"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--memory-limit"), std::string::npos) << r.err;
    EXPECT_LT(seconds, 10.0);
    EXPECT_FALSE(fs::exists(out));
    // The limit is an option, parsed like neurotlm run's.
    r = limits_run(NEUROTLM_TRAIN, data + " --hidden 1000 --memory-limit '1 MiB' --out " + out);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("memory limit of 1 MiB"), std::string::npos) << r.err;
    EXPECT_EQ(limits_run(NEUROTLM_TRAIN, data + " --memory-limit lots --out " + out).code, 2);
    r = limits_run(NEUROTLM_TRAIN,
                   data + " --hidden 8 --epochs 1 --memory-limit '64 MiB' --out " + out);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(fs::exists(out));
}
