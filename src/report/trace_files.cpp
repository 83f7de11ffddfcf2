#include "neurotlm/report/trace_files.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <vector>

#include "neurotlm/core/params.h"

namespace neurotlm {

namespace {

/// VCD identifier number @p n: printable characters '!' to '~', base 94.
std::string vcd_id(std::size_t n) {
    std::string id;
    do {
        id += static_cast<char>('!' + n % 94);
        n /= 94;
    } while (n > 0);
    return id;
}

/// A name VCD readers accept as one token.
std::string vcd_name(const std::string& s) {
    std::string out;
    for (char c : s)
        out += (c == ' ' || c == '\t' || c == '$') ? '_' : c;
    return out.empty() ? "_" : out;
}

/// The phase marks inside the log's event window, and the one in force when it opens.
std::vector<PhaseMark> phases_in_window(const ActivityLog& log) {
    const ActivityOptions& o = log.options();
    std::vector<PhaseMark> out;
    const PhaseMark* before = nullptr;
    for (const PhaseMark& p : log.phases()) {
        if (p.time_s < o.window_start_s)
            before = &p;
        else if (p.time_s <= o.window_end_s)
            out.push_back(p);
    }
    if (before) out.insert(out.begin(), *before);
    return out;
}

std::uint64_t picoseconds(double s) {
    return static_cast<std::uint64_t>(std::llround(std::max(0.0, s) * 1e12));
}

} // namespace

std::string to_vcd(const ActivityLog& log, const std::string& platform) {
    const std::size_t tracks = log.track_names().size();
    std::ostringstream os;
    os << "$version neurotlm activity of " << vcd_name(platform) << " $end\n"
       << "$timescale 1ps $end\n$scope module " << vcd_name(platform) << " $end\n";
    os << "$var string 1 " << vcd_id(0) << " phase $end\n";
    for (std::size_t t = 0; t < tracks; ++t) {
        os << "$scope module " << vcd_name(log.track_names()[t]) << " $end\n"
           << "$var wire 1 " << vcd_id(1 + 2 * t) << " busy $end\n"
           << "$var wire 1 " << vcd_id(2 + 2 * t) << " valid $end\n$upscope $end\n";
    }
    os << "$upscope $end\n$enddefinitions $end\n";

    // Changes: (time, order, text); busy counts overlapping intervals of one block.
    struct Change {
        std::uint64_t time;
        int kind; // 0 end, 1 phase, 2 start: ends before starts at one instant
        std::size_t track;
        std::string phase;
    };
    std::vector<Change> changes;
    for (const ActivityEvent& e : log.events()) {
        changes.push_back({picoseconds(e.start_s), 2, static_cast<std::size_t>(e.track), {}});
        changes.push_back(
            {picoseconds(e.start_s + e.duration_s), 0, static_cast<std::size_t>(e.track), {}});
    }
    for (const PhaseMark& p : phases_in_window(log))
        changes.push_back({picoseconds(p.time_s), 1, 0, p.name.empty() ? "-" : vcd_name(p.name)});
    std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
        return a.time != b.time ? a.time < b.time : a.kind < b.kind;
    });
    os << "#0\n$dumpvars\ns- " << vcd_id(0) << "\n";
    for (std::size_t t = 0; t < tracks; ++t)
        os << "0" << vcd_id(1 + 2 * t) << "\n0" << vcd_id(2 + 2 * t) << "\n";
    os << "$end\n";
    // All changes at one instant are applied together and only the net change written (an
    // interval ending as the next begins leaves busy high).
    std::vector<int> busy(tracks, 0);
    std::vector<char> valid(tracks, 0), shown_busy(tracks, 0), shown_valid(tracks, 0);
    std::string phase = "-", shown_phase = "-";
    for (std::size_t k = 0; k < changes.size();) {
        const std::uint64_t time = changes[k].time;
        for (; k < changes.size() && changes[k].time == time; ++k) {
            const Change& c = changes[k];
            if (c.kind == 1) {
                phase = c.phase;
            } else if (c.kind == 2) {
                ++busy[c.track];
                valid[c.track] = 0;
            } else if (--busy[c.track] == 0) {
                valid[c.track] = 1;
            }
        }
        std::ostringstream step;
        if (phase != shown_phase) step << "s" << phase << " " << vcd_id(0) << "\n";
        shown_phase = phase;
        for (std::size_t t = 0; t < tracks; ++t) {
            const char b = busy[t] > 0 ? 1 : 0;
            if (b != shown_busy[t]) step << (b ? "1" : "0") << vcd_id(1 + 2 * t) << "\n";
            if (valid[t] != shown_valid[t])
                step << (valid[t] ? "1" : "0") << vcd_id(2 + 2 * t) << "\n";
            shown_busy[t] = b;
            shown_valid[t] = valid[t];
        }
        const std::string text = step.str();
        if (text.empty()) continue;
        os << "#" << time << "\n" << text;
    }
    return os.str();
}

std::string to_trace_events(const ActivityLog& log, const std::string& platform) {
    json events = json::array();
    events.push_back(
        {{"ph", "M"}, {"pid", 1}, {"name", "process_name"}, {"args", {{"name", platform}}}});
    events.push_back({{"ph", "M"},
                      {"pid", 1},
                      {"tid", 0},
                      {"name", "thread_name"},
                      {"args", {{"name", "phases"}}}});
    for (std::size_t t = 0; t < log.track_names().size(); ++t)
        events.push_back(
            {{"ph", "M"},
             {"pid", 1},
             {"tid", t + 1},
             {"name", "thread_name"},
             {"args", {{"name", log.track_names()[t] + " (" + log.track_types()[t] + ")"}}}});
    for (const PhaseMark& p : phases_in_window(log))
        events.push_back({{"ph", "i"},
                          {"s", "g"},
                          {"pid", 1},
                          {"tid", 0},
                          {"ts", p.time_s * 1e6},
                          {"name", p.name.empty() ? "(no phase)" : "phase " + p.name}});
    for (const ActivityEvent& e : log.events())
        events.push_back({{"ph", "X"},
                          {"pid", 1},
                          {"tid", e.track + 1},
                          {"ts", e.start_s * 1e6},
                          {"dur", e.duration_s * 1e6},
                          {"name", e.label},
                          {"cat", log.track_types()[static_cast<std::size_t>(e.track)]}});
    return json({{"traceEvents", events},
                 {"displayTimeUnit", "ns"},
                 {"otherData",
                  {{"platform", platform},
                   {"events_kept", log.events().size()},
                   {"events_dropped", log.dropped_events()}}}})
               .dump() +
           "\n";
}

} // namespace neurotlm
