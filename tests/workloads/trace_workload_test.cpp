// The trace workload, validated against a hand-built platform (no SystemC): the bad traces in
// tests/data/traces are refused line by line, each error naming the file and line and the JSON
// pointer inside the line; the good one becomes the steps it spells.

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/workloads/npy.h"
#include "neurotlm/workloads/trace.h"
#include "testing/paths.h"
#include "testing/platform_info.h"

using namespace neurotlm;
using neurotlm::testing::config_error_of;
using neurotlm::testing::ConfigFailure;
using neurotlm::testing::create_workload;
using neurotlm::testing::FakePlatform;
using neurotlm::testing::test_data;

namespace {

/// tile0 and tile1: 8 inputs, 4 outputs (8 x 8 cells, differential); a Hopfield array "hop"
/// of 16 neurons and 2 memories of at most 3 patterns; a tile "far" the controller cannot
/// reach; a router "bus", which has no trace operations.
struct TracePlatform : FakePlatform {
    TracePlatform() {
        tile("tile0", 8, 8);
        tile("tile1", 8, 8);
        hopfield("hop", 16, 2, 3);
        tile("far", 8, 8, /*reachable=*/false);
        other("bus", "router");
    }
};

ConfigFailure error_of_trace(const std::string& path) {
    TracePlatform p;
    return config_error_of([&] { create_workload({{"kind", "trace"}, {"file", path}}, p.info); });
}

/// The scratch folder of this test process (made once: making it again empties it).
const std::string& scratch() {
    static const std::string dir = neurotlm::testing::scratch_dir("trace_workload");
    return dir;
}

/// A trace file in the scratch folder with @p text.
std::string write_trace(const std::string& name, const std::string& text) {
    const std::string path = scratch() + "/" + name;
    std::ofstream(path) << text;
    return path;
}

const std::string kProgram =
    R"({"op": "program", "component": "tile0", "weights": [[1, 0], [0, 1]]})"
    "\n";

} // namespace

TEST(TraceWorkload, TheShippedBadTracesAreRefusedAtTheirLineAndPointer) {
    struct Case {
        const char* file;
        int line;
        const char* pointer;
        const char* says; // part of the expectation or of what was found
    };
    const Case cases[] = {
        {"absent_component.jsonl", 1, "/component", "tile9"},
        {"bad_op.jsonl", 2, "/op", "multiply"},
        {"beyond_double.jsonl", 1, "", "JSON"},
        {"collect_first.jsonl", 2, "/op", "start"},
        {"float_overflow.jsonl", 2, "/input/0", "float32"},
        {"not_json.jsonl", 1, "", "JSON"},
        {"second_start.jsonl", 3, "/op", "collect"},
        {"tiny_range.jsonl", 2, "/value", "1e-30"},
        {"too_wide.jsonl", 1, "/weights", "2x6"},
        {"recall_on_tile.jsonl", 1, "/component", "recall"},
        {"recall_unstored.jsonl", 2, "/op", "store"},
    };
    for (const Case& c : cases) {
        const std::string path = test_data(std::string("traces/") + c.file);
        const ConfigFailure e = error_of_trace(path);
        ASSERT_TRUE(e.thrown) << c.file << " was accepted";
        EXPECT_EQ(e.file, path + ":" + std::to_string(c.line)) << c.file << ": " << e.what;
        EXPECT_EQ(e.pointer, c.pointer) << c.file << ": " << e.what;
        EXPECT_NE(e.what.find(c.says), std::string::npos) << c.file << ": " << e.what;
    }
}

TEST(TraceWorkload, TheSmallAndMixedTracesAreAccepted) {
    TracePlatform p;
    auto w =
        create_workload({{"kind", "trace"}, {"file", test_data("traces/small.jsonl")}}, p.info);
    // 12 lines, the first a comment: 2 programs, 2 input ranges, a phase, 2 starts,
    // 2 collects, a phase, an mvm.
    EXPECT_EQ(dynamic_cast<const TraceReplay&>(*w).steps(), 11u);
    // Three multiplies requested: two collects and an mvm.
    EXPECT_EQ(w->totals().items_requested, 3u);
    EXPECT_EQ(w->totals().item_name, "mvm");
    EXPECT_EQ(w->setup_phases(), std::vector<std::string>{"program"});

    // A tile and a Hopfield array in one trace: a multiply and a recall, items of two kinds.
    auto m =
        create_workload({{"kind", "trace"}, {"file", test_data("traces/mixed.jsonl")}}, p.info);
    EXPECT_EQ(dynamic_cast<const TraceReplay&>(*m).steps(), 6u);
    EXPECT_EQ(m->totals().items_requested, 2u);
}

TEST(TraceWorkload, ComponentsMustBeReachableAndHaveTheOperation) {
    const std::string hop =
        write_trace("hop.jsonl", R"({"op": "program", "component": "hop", "weights": [[1]]})"
                                 "\n");
    ConfigFailure e = error_of_trace(hop);
    EXPECT_EQ(e.pointer, "/component") << e.what;
    EXPECT_NE(e.found.find("hopfield_array"), std::string::npos) << e.what;

    const std::string bus = write_trace("bus.jsonl", R"({"op": "collect", "component": "bus"})"
                                                     "\n");
    e = error_of_trace(bus);
    EXPECT_EQ(e.pointer, "/component") << e.what;
    EXPECT_NE(e.found.find("router"), std::string::npos) << e.what;

    const std::string far =
        write_trace("far.jsonl", R"({"op": "program", "component": "far", "weights": [[1]]})"
                                 "\n");
    e = error_of_trace(far);
    EXPECT_EQ(e.pointer, "/component") << e.what;
    EXPECT_NE(e.expected.find("reach"), std::string::npos) << e.what;
}

TEST(TraceWorkload, LineLevelMistakesAreLocated) {
    struct Case {
        const char* name;
        std::string text;
        int line;
        const char* pointer;
    };
    const Case cases[] = {
        {"weight_range.jsonl",
         R"({"op": "program", "component": "tile0", "weights": [[2, 0]], "weight_range": 1})"
         "\n",
         1, "/weight_range"},
        {"both.jsonl",
         R"({"op": "program", "component": "tile0", "weights": [[1]], "weights_npy": "w.npy"})"
         "\n",
         1, "/weights"},
        {"ragged.jsonl",
         R"({"op": "program", "component": "tile0", "weights": [[1, 0], [1]]})"
         "\n",
         1, "/weights/1"},
        {"unknown_key.jsonl",
         kProgram + R"({"op": "collect", "component": "tile0", "n": 1})"
                    "\n",
         2, "/n"},
        {"long_input.jsonl",
         kProgram + R"({"op": "mvm", "component": "tile0", "input": [1,2,3,4,5,6,7,8,9]})"
                    "\n",
         2, "/input"},
        {"mvm_unprogrammed.jsonl",
         R"({"op": "mvm", "component": "tile1", "input": [1]})"
         "\n",
         1, "/op"},
        {"reprogram_running.jsonl",
         kProgram +
             R"({"op": "start", "component": "tile0", "input": [1, 0]})"
             "\n" +
             kProgram,
         3, "/op"},
        {"phase_unnamed.jsonl",
         R"({"op": "phase", "name": ""})"
         "\n",
         1, "/name"},
        {"output_range.jsonl",
         kProgram + R"({"op": "output_range", "component": "tile0", "value": -1})"
                    "\n",
         2, "/value"},
        {"not_object.jsonl", "\n# a comment\n[1, 2]\n", 3, ""},
        // Hopfield operations: 16 values of +-1 a pattern, 2 memories, at most 3 patterns.
        {"short_pattern.jsonl",
         R"({"op": "store", "component": "hop", "patterns": [[1, -1, 1]]})"
         "\n",
         1, "/patterns/0"},
        {"zero_in_pattern.jsonl",
         R"({"op": "store", "component": "hop", "patterns": [[1,1,1,1,1,1,1,1,0,1,1,1,1,1,1,1]]})"
         "\n",
         1, "/patterns/0/8"},
        {"memory_beyond.jsonl",
         R"({"op": "store", "component": "hop", "memory": 2, "patterns": [[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]]})"
         "\n",
         1, "/memory"},
        // Outputs beyond float32 (with 10^4 of headroom) would report as null: refused where
        // the weights or the input range make them so.
        {"huge_weights.jsonl",
         R"({"op": "program", "component": "tile0", "weights": [[3e38, 0], [0, 1]]})"
         "\n",
         1, "/weights"},
        {"huge_input_range.jsonl",
         kProgram + R"({"op": "input_range", "component": "tile0", "value": 1e35})"
                    "\n",
         2, "/value"},
        {"range_then_weights.jsonl",
         R"({"op": "input_range", "component": "tile0", "value": 1e30})"
         "\n"
         R"({"op": "program", "component": "tile0", "weights": [[1e5, 0], [0, 1]]})"
         "\n",
         2, "/weights"},
        {"too_many_patterns.jsonl",
         R"({"op": "store", "component": "hop", "patterns": [[1], [1], [1], [1]]})"
         "\n",
         1, "/patterns"},
    };
    for (const Case& c : cases) {
        const std::string path = write_trace(c.name, c.text);
        const ConfigFailure e = error_of_trace(path);
        ASSERT_TRUE(e.thrown) << c.name << " was accepted";
        EXPECT_EQ(e.file, path + ":" + std::to_string(c.line)) << c.name << ": " << e.what;
        EXPECT_EQ(e.pointer, c.pointer) << c.name << ": " << e.what;
    }
}

TEST(TraceWorkload, FileErrorsPointAtTheWorkloadsFileKey) {
    TracePlatform p;
    ConfigFailure e = config_error_of([&] {
        create_workload({{"kind", "trace"}, {"file", test_data("traces/absent.jsonl")}}, p.info);
    });
    EXPECT_EQ(e.file, "platform.json");
    EXPECT_EQ(e.pointer, "/workload/file") << e.what;

    const std::string empty = write_trace("empty.jsonl", "# nothing but a comment\n\n");
    e = config_error_of([&] { create_workload({{"kind", "trace"}, {"file", empty}}, p.info); });
    EXPECT_EQ(e.pointer, "/workload/file") << e.what;

    e = config_error_of([&] { create_workload({{"kind", "trace"}}, p.info); });
    EXPECT_EQ(e.pointer, "/workload/file") << e.what; // required

    e = config_error_of([&] {
        create_workload({{"kind", "trace"}, {"file", empty}, {"record_outputs", 1}}, p.info);
    });
    EXPECT_EQ(e.pointer, "/workload/record_outputs") << e.what;
}

TEST(TraceWorkload, OutputsWithinTheHeadroomAreAccepted) {
    // 1e17 x a column sum of 1e17 = 1e34 <= 3.4e34.
    const std::string path =
        write_trace("near_bound.jsonl",
                    R"({"op": "program", "component": "tile0", "weights": [[1e17, 0], [0, 1]]})"
                    "\n"
                    R"({"op": "input_range", "component": "tile0", "value": 1e17})"
                    "\n"
                    R"({"op": "mvm", "component": "tile0", "input": [1, 0]})"
                    "\n");
    EXPECT_FALSE(error_of_trace(path).thrown) << error_of_trace(path).what;
}

namespace {

/// A 2-D float32 .npy file of @p rows x @p cols in the scratch folder.
std::string write_matrix(const std::string& name, std::size_t rows, std::size_t cols) {
    NpyArray a;
    a.shape = {rows, cols};
    a.data.assign(rows * cols, 0.01f);
    write_npy(scratch() + "/" + name, a);
    return scratch() + "/" + name;
}

double estimate_of(const std::string& trace) {
    TracePlatform p;
    return neurotlm::testing::estimate_workload({{"kind", "trace"}, {"file", trace}}, p.info);
}

} // namespace

TEST(TraceWorkload, AFileNamedOnManyLinesIsCountedAndLoadedOnce) {
    // 600 lines naming one 8 x 4 file hold one array of it (shared), not 600: the estimate
    // grows by each line's own cost only. A second file counts once more.
    write_matrix("w8x4.npy", 8, 4);
    write_matrix("other8x4.npy", 8, 4);
    const std::string line = R"({"op": "program", "component": "tile0", "weights_npy": "w8x4.npy"})"
                             "\n";
    std::string many;
    for (int i = 0; i < 600; ++i)
        many += line;
    const double one = estimate_of(write_trace("npy_once.jsonl", line));
    const double six_hundred = estimate_of(write_trace("npy_600.jsonl", many));
    const double two_files = estimate_of(write_trace(
        "npy_two.jsonl", line + R"({"op": "program", "component": "tile0", "weights_npy": )"
                                R"("other8x4.npy"})"
                                "\n"));
    const double array = 8 * 4 * 4.0;
    EXPECT_GE(one, array);
    // A line costs its text and the tile's padded input and output (8 x 4 + 4 x 20 bytes).
    const double per_line = 9.0 * static_cast<double>(line.size() - 1) + 128 + 4 * 8 + 20 * 4;
    EXPECT_NEAR(six_hundred - one, 599 * per_line, 1.0);
    EXPECT_GT(two_files - one, array);

    // The workload loads it: 600 steps, accepted.
    TracePlatform p;
    auto w =
        create_workload({{"kind", "trace"}, {"file", write_trace("npy_600.jsonl", many)}}, p.info);
    EXPECT_EQ(dynamic_cast<TraceReplay&>(*w).steps(), 600u);
}

TEST(TraceWorkload, TheEstimateReadsOnlyHeadersAndGrowsWithTheText) {
    // A file's size comes from its header: a 1000 x 1000 array counts 4 MB (plus the peak of
    // reading it), though no line could program it into an 8 x 8 tile.
    write_matrix("w1000.npy", 1000, 1000);
    const double big = estimate_of(write_trace(
        "npy_big.jsonl", R"({"op": "program", "component": "tile0", "weights_npy": "w1000.npy"})"
                         "\n"));
    EXPECT_GE(big, 2 * 4e6);
    // Numbers written inline are counted by their text, whatever the line does.
    std::string input = R"({"op": "mvm", "component": "tile0", "input": [)";
    for (int i = 0; i < 1000; ++i)
        input += i ? ", 1" : "1";
    input += "]}\n";
    const double inline_numbers = estimate_of(write_trace("inline.jsonl", kProgram + input));
    const double short_line = estimate_of(write_trace("short.jsonl", kProgram));
    EXPECT_GT(inline_numbers - short_line, 9.0 * 3000);
}
