// The trace workload, validated against a hand-built platform (no SystemC): the bad traces in
// tests/data/traces are refused line by line, each error naming the file and line and the JSON
// pointer inside the line; the good one becomes the steps it spells.

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

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

/// A trace file in a scratch folder with @p text.
std::string write_trace(const std::string& name, const std::string& text) {
    static const std::string dir = neurotlm::testing::scratch_dir("trace_workload");
    const std::string path = dir + "/" + name;
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
