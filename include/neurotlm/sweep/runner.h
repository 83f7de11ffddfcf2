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
#include "neurotlm/sweep/results.h"
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

struct SweepSummary {
    std::size_t total = 0, ok = 0, failed = 0;
    std::size_t ran = 0;    ///< points run by this invocation
    std::size_t reused = 0; ///< finished earlier (a results line or a complete report folder)
    bool stopped = false;   ///< a stop was requested; the rest is left for the next run
};

/// Run every point of @p spec not yet finished in options.out, through @p executor.
SweepSummary run_sweep(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                       Executor& executor, const SweepOptions& options);

} // namespace neurotlm
