#pragma once
/// @brief Reports side by side: the figures an architect compares (accuracy, latency, energy,
/// power and area per item, efficiency, energy by class) of several runs' report.json, with
/// each run's ratio to the first, as a terminal table, an HTML page and JSON.

#include <optional>
#include <string>
#include <vector>

#include "neurotlm/core/params.h"
#include "neurotlm/core/units.h"

namespace neurotlm {

struct ComparedRun {
    std::string label; ///< how the run is named in the comparison (its folder)
    json report;       ///< its report.json
};

struct CompareRow {
    std::string name; ///< "energy per inference"
    std::string key;  ///< a stable identifier for JSON ("energy_per_item_J")
    Unit unit = Unit::none;
    bool percent = false;                      ///< a fraction shown in %
    std::vector<std::optional<double>> values; ///< per run; empty when the run lacks it
};

/// Loads `<folder>/report.json` (or the file itself when @p path names one); InputError with the
/// path when it is missing, is not JSON or is not a neurotlm report.
ComparedRun load_compared_run(const std::string& path);

/// The rows compared: per item accuracy, software accuracy, latency, energy, power during an
/// item (energy / latency), area, TOPS/W, throughput, and energy per item by class (every class
/// any run has).
std::vector<CompareRow> compare_rows(const std::vector<ComparedRun>& runs);

/// @p value of run @p i over that of run 0 (nullopt when either is missing or run 0's is 0).
std::optional<double> ratio_to_first(const CompareRow& row, std::size_t i);

std::string compare_text(const std::vector<ComparedRun>& runs);
std::string compare_html(const std::vector<ComparedRun>& runs);
json compare_json(const std::vector<ComparedRun>& runs);

} // namespace neurotlm
