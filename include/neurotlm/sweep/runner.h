#pragma once
/// @file
/// @brief Running a sweep into a folder that survives being killed.
///
/// DIR/points/<id>/ holds each point's report folder (written by the point's own `neurotlm run`,
/// which replaces a folder as a whole), DIR/results.jsonl one line per finished point (appended,
/// flushed and synced as it finishes), DIR/results.csv and DIR/sweep.html the table and the
/// page (rewritten atomically). Run again, the same command skips the points that have a line
/// (or a complete report folder) and runs the rest, so nothing is lost or run twice.

#include <cstddef>
#include <string>
#include <vector>

#include "neurotlm/core/params.h"
#include "neurotlm/sweep/executor.h"
#include "neurotlm/sweep/sweep_spec.h"

namespace neurotlm {

struct SweepOptions {
    std::string out;                   ///< DIR
    std::string program;               ///< the neurotlm executable each point runs
    bool retry_failed = false;         ///< run the points recorded as failed again
    bool quiet = false;                ///< no progress line
    bool tty = false;                  ///< one updating progress line instead of a line per point
    std::vector<std::string> run_args; ///< more arguments for each `run` (e.g. --memory-limit)
};

/// What happened to one point (a line of results.jsonl).
struct PointRecord {
    std::string id;
    bool ok = false;
    json figures = json::object(); ///< figure key -> number (null when the report lacks it)
    std::string item;              ///< what the workload counts ("inference")
    std::string error;             ///< why it failed: the exit status and the stderr tail
    double wall_time_s = 0.0;
};

struct SweepSummary {
    std::size_t total = 0, ok = 0, failed = 0;
    std::size_t ran = 0;    ///< points run by this invocation
    std::size_t reused = 0; ///< finished earlier (a results line or a complete report folder)
    bool stopped = false;   ///< a stop was requested; the rest is left for the next run
};

/// Run every point of @p spec not yet finished in options.out, through @p executor.
SweepSummary run_sweep(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                       Executor& executor, const SweepOptions& options);

/// The figures @p spec collects, read from a report.json document.
json collect_figures(const SweepSpec& spec, const json& report);

/// results.csv for the points with records (one row per point, in sweep order).
std::string sweep_csv(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                      const std::vector<const PointRecord*>& records);

/// sweep.html for the points with records.
std::string sweep_page(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                       const std::vector<const PointRecord*>& records);

} // namespace neurotlm
