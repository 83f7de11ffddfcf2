#pragma once
/// @file
/// @brief A sweep's results: the line each finished point leaves in results.jsonl, the log of
/// those lines (read back whole lines only, appended with fsync), the figures read from a
/// point's report, and the table and page made from them.

#include <map>
#include <string>
#include <vector>

#include "neurotlm/core/params.h"
#include "neurotlm/sweep/sweep_spec.h"

namespace neurotlm {

/// What happened to one point (a line of results.jsonl).
struct PointRecord {
    std::string id;
    bool ok = false;
    json values = json::object();  ///< parameter name -> its value at this point
    json figures = json::object(); ///< figure key -> number (null when the report lacks it)
    std::string item;              ///< what the workload counts ("inference")
    std::string error;             ///< why it failed: the exit status and the stderr tail
    double wall_time_s = 0.0;
};

/// @brief results.jsonl: every complete line read back (the last line of a point wins; a line
/// cut by a kill is dropped), then appended to one line per finished point.
class ResultsLog {
public:
    explicit ResultsLog(std::string path);
    ~ResultsLog();
    ResultsLog(const ResultsLog&) = delete;
    ResultsLog& operator=(const ResultsLog&) = delete;

    /// The point's record, or nullptr. Pointers stay valid while the log lives.
    const PointRecord* find(const std::string& id) const;
    /// Record a finished point: one line, written and synced before this returns.
    void append(const PointRecord& r);
    /// Rewrite the file atomically with one line per point (a retried point's last outcome).
    void compact();
    /// True when a point has more than one line (it was retried).
    bool has_duplicates() const { return m_duplicates; }

private:
    void open_for_append();
    std::string m_path;
    int m_fd = -1;
    bool m_duplicates = false;
    std::map<std::string, PointRecord> m_records;
    std::vector<std::string> m_order;
};

/// The figures @p spec collects, read from a report.json document.
json collect_figures(const SweepSpec& spec, const json& report);

/// results.csv for the points with records (one row per point, in sweep order).
std::string sweep_csv(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                      const std::vector<const PointRecord*>& records);

/// sweep.html for the points with records.
std::string sweep_page(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                       const std::vector<const PointRecord*>& records);

} // namespace neurotlm
