#pragma once
/// @brief The run report: per component (actions, energy, busy time, area, statistics), per
/// phase (layers, programming), and totals; written as report.json (versioned schema),
/// report.csv and report.html (for people, see html.h). Every figure carries its unit: JSON
/// keys end in the unit (_s, _J, _W, _m2), CSV has a unit column.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "neurotlm/core/activity.h"
#include "neurotlm/core/files.h"
#include "neurotlm/core/ledger.h"
#include "neurotlm/core/params.h"
#include "neurotlm/core/stats.h"

namespace neurotlm {

inline constexpr int kReportSchemaVersion = 1;

/// Energy per class (energy_class in core/ledger.h), in report order: the action classes in
/// their declared order, then any other class a block named, then "leakage" if listed.
using ClassEnergies = std::vector<std::pair<std::string, double>>;

/// Sum @p actions' energies by their class; every declared class is listed, zeros included.
ClassEnergies energy_by_class(const std::vector<ActionRecord>& actions);
/// Add @p more into @p into class by class (new classes keep report order).
void add_class_energies(ClassEnergies& into, const ClassEnergies& more, double scale = 1.0);
/// The sum of every class of @p e.
double class_total(const ClassEnergies& e);

struct ComponentReport {
    std::string name;
    std::string type;
    std::vector<ActionRecord> actions;
    double dynamic_energy_J = 0.0;
    double leakage_power_W = 0.0;
    double leakage_energy_J = 0.0;
    double busy_time_s = 0.0;
    double utilisation = 0.0; ///< busy time / simulated time
    double area_m2 = 0.0;
    StatSet stats;
    double energy_J() const { return dynamic_energy_J + leakage_energy_J; }
    /// Its actions' energy by class, then its leakage as the class "leakage".
    ClassEnergies energy_by_class_J() const;
};

struct PhaseReport {
    std::string name;
    std::uint64_t entries = 0; ///< how often the phase was entered
    double latency_s = 0.0;    ///< simulated time spent in it
    double dynamic_energy_J = 0.0;
    double leakage_energy_J = 0.0;
    bool setup = false;               ///< set-up (programming) rather than work
    ClassEnergies dynamic_by_class_J; ///< dynamic_energy_J split by energy class
    double energy_J() const { return dynamic_energy_J + leakage_energy_J; }
};

struct Report {
    // Run metadata.
    std::string platform;
    std::string config_file;
    std::string config_hash;            ///< hash of the effective configuration
    std::vector<std::string> overrides; ///< the --set assignments of the run, as given
    std::uint64_t seed = 0;
    std::string version;
    double wall_time_s = 0.0; ///< wall clock: the only field that differs between equal runs
    std::string started_at;   ///< wall clock, ISO 8601 UTC
    bool complete = true;
    std::string incomplete_reason;

    std::string workload_kind;
    std::string item_name = "inference";
    std::uint64_t items = 0;
    std::uint64_t items_requested = 0;
    double ops = 0.0;

    double simulated_time_s = 0.0;
    std::vector<ComponentReport> components;
    std::vector<PhaseReport> phases;
    json workload_results = json::object();
    /// Power by energy class and each block's utilisation over simulated time, binned
    /// (time_series_json); null when not recorded.
    json time_series;

    double dynamic_energy_J() const;
    double leakage_energy_J() const;
    double energy_J() const { return dynamic_energy_J() + leakage_energy_J(); }
    double area_m2() const;
    double setup_time_s() const;
    double setup_energy_J() const;
    /// Work (non-setup) time and energy, and per-item figures derived from them.
    double work_time_s() const { return simulated_time_s - setup_time_s(); }
    double work_energy_J() const { return energy_J() - setup_energy_J(); }
    /// The whole run's energy by class, leakage last.
    ClassEnergies energy_by_class_J() const;
    /// The work's (set-up phases excluded) energy by class, leakage last: per item once
    /// divided by items.
    ClassEnergies work_energy_by_class_J() const;
};

/// @brief Power over time by class (dynamic energy per bin / bin width, leakage as a constant
/// @p leakage_W), its total and peak, and each block's busy fraction per bin, over
/// [0, @p end_s].
json time_series_json(const ActivityLog& log, double end_s, double leakage_W);

/// report.json; @p with_wall_clock false drops the wall-clock fields (for comparisons).
json to_json(const Report& report, bool with_wall_clock = true);
/// report.csv: one row per figure: scope,name,metric,value,unit.
std::string to_csv(const Report& report);
/// @brief An early-exit workload's threshold sweep as CSV (one row per threshold: accuracy, the
/// fractions of the static network's MACs, energy and latency, the share leaving at each exit);
/// "" when the results hold none. write_report() writes it as exit_sweep.csv.
std::string exit_sweep_csv(const Report& report);
/// Short table for the terminal.
std::string summary_table(const Report& report);

/// Stage report.json, report.csv, report.html and config.effective.json in @p folder and commit
/// it: the folder then holds this report and nothing of an earlier one.
void write_report(OutputFolder& folder, const Report& report, const json& effective_config);
/// The same for a folder path (claimed, written and committed here).
void write_report(const std::string& dir, const Report& report, const json& effective_config);

/// A stable hash (hex) of a JSON document, for the report's config_hash.
std::string hash_json(const json& document);

} // namespace neurotlm
