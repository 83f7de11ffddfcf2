#pragma once
/// @brief The page of a design-space sweep (DIR/sweep.html): each collected figure against each
/// swept parameter, the Pareto front of two figures with every point linked to its own report,
/// the table of points and the failures. Self-contained: inline SVG, no scripts.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "neurotlm/core/units.h"

namespace neurotlm {

struct SweepPageParameter {
    std::string name;
    std::string unit; ///< axis label; "" if none
    std::vector<std::string> value_texts;
    std::vector<std::optional<double>> numbers; ///< where each value is plotted (nullopt: text)
    bool log_scale = false;
    std::string base_text; ///< the base platform's value ("" when unknown)
    std::optional<double> base_number;
};

struct SweepPageFigure {
    std::string key;
    std::string name; ///< "energy per item" ("item" becomes the workload's item name)
    Unit unit = Unit::none;
    std::string unit_label; ///< for Unit::none ("TOPS/W"); "" if dimensionless
    bool percent = false;
    bool higher_is_better = false;
};

struct SweepPagePoint {
    std::string id;
    std::string link;                              ///< its report.html, relative to the page
    std::vector<std::optional<std::size_t>> index; ///< per parameter (nullopt: base value)
    int varied = -1;                               ///< `each` mode: the parameter it varies
    bool done = false;
    bool ok = false;
    std::string error;
    std::vector<std::optional<double>> figures; ///< per figure, when done and ok
};

struct SweepPage {
    std::string title;
    std::string mode; ///< "grid", "zip" or "each"
    std::string base;
    std::string item; ///< "inference"
    std::vector<std::string> fixed;
    std::vector<SweepPageParameter> parameters;
    std::vector<SweepPageFigure> figures;
    std::vector<SweepPagePoint> points;
    std::size_t pareto_x = 0, pareto_y = 0;
};

std::string sweep_html(const SweepPage& page);

/// Indices of the points on the Pareto front of figures @p x and @p y (each better higher or
/// lower as declared): no other point is at least as good in both and better in one.
std::vector<std::size_t> pareto_front(const SweepPage& page, std::size_t x, std::size_t y);

} // namespace neurotlm
