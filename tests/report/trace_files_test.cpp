// The trace files read back: the VCD's declarations and value changes, the trace-event JSON's
// tracks and slices.

#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "neurotlm/core/params.h"
#include "neurotlm/report/trace_files.h"

using namespace neurotlm;

namespace {

ActivityLog sample() {
    ActivityOptions o;
    o.keep_events = true;
    ActivityLog log({"array"}, o);
    const int a = log.add_track("tile 0", "crossbar_tile");
    const int b = log.add_track("bus", "router");
    log.phase(0.0, "program");
    log.busy(b, 0.0, 2e-9, "transfer", {});
    log.busy(a, 2e-9, 5e-9, "MVM", {});
    log.phase(7e-9, "infer");
    log.busy(a, 7e-9, 5e-9, "MVM", {}); // back to back: busy stays high
    log.busy(b, 12e-9, 1e-9, "transfer", {});
    log.phase(13e-9, "");
    return log;
}

} // namespace

TEST(TraceFiles, VcdDeclaresEveryBlockAndChangesAtTheIntervalEnds) {
    const std::string vcd = to_vcd(sample(), "demo");
    ASSERT_NE(vcd.find("$timescale 1ps $end"), std::string::npos);
    ASSERT_NE(vcd.find("$enddefinitions $end"), std::string::npos);
    std::istringstream in(vcd);
    std::map<std::string, std::string> ids; // id -> scope.var
    std::string scope, line;
    std::map<std::string, std::vector<std::pair<long, char>>> changes;
    long now = 0;
    bool body = false;
    while (std::getline(in, line)) {
        std::istringstream w(line);
        std::string tok;
        w >> tok;
        if (tok == "$scope") {
            std::string kind;
            w >> kind >> scope;
        } else if (tok == "$var") {
            std::string type, size, id, name;
            w >> type >> size >> id >> name;
            ids[id] = scope + "." + name;
        } else if (tok == "$enddefinitions") {
            body = true;
        } else if (body && !tok.empty() && tok[0] == '#') {
            now = std::stol(tok.substr(1));
        } else if (body && !tok.empty() && (tok[0] == '0' || tok[0] == '1')) {
            changes[ids.at(tok.substr(1))].push_back({now, tok[0]});
        }
    }
    EXPECT_EQ(ids.size(), 5u); // phase, and busy and valid of two blocks
    // tile_0 busy from 2 ns to 12 ns (two back-to-back MVMs: no dip), valid after.
    const auto& busy = changes.at("tile_0.busy");
    ASSERT_EQ(busy.size(), 3u); // the initial 0, up at 2 ns, down at 12 ns
    EXPECT_EQ(busy[1], (std::pair<long, char>{2000, '1'}));
    EXPECT_EQ(busy[2], (std::pair<long, char>{12000, '0'}));
    const auto& valid = changes.at("tile_0.valid");
    EXPECT_EQ(valid.back(), (std::pair<long, char>{12000, '1'}));
    EXPECT_NE(vcd.find("sinfer"), std::string::npos);
}

TEST(TraceFiles, TraceEventsHaveOneTrackPerBlockAndASlicePerInterval) {
    const json j = json::parse(to_trace_events(sample(), "demo"));
    std::map<int, std::string> threads;
    int slices = 0, marks = 0;
    for (const json& e : j["traceEvents"]) {
        if (e["ph"] == "M" && e["name"] == "thread_name")
            threads[e["tid"].get<int>()] = e["args"]["name"];
        if (e["ph"] == "X") {
            ++slices;
            EXPECT_TRUE(threads.count(e["tid"].get<int>())) << e.dump();
            EXPECT_GT(e["dur"].get<double>(), 0.0);
        }
        if (e["ph"] == "i") ++marks;
    }
    EXPECT_EQ(threads.size(), 3u); // phases, tile 0, bus
    EXPECT_EQ(threads[1], "tile 0 (crossbar_tile)");
    EXPECT_EQ(slices, 4);
    EXPECT_EQ(marks, 3);
    EXPECT_EQ(j["otherData"]["events_dropped"], 0);
}
