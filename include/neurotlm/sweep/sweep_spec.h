#pragma once
/// @file
/// @brief A design-space sweep file (docs/sweep-format.md): a base platform, the parameters to
/// vary and the JSON pointers each one sets, how they combine (grid, zip, each), fixed overrides
/// and the report figures to collect. Loading checks everything that can be checked without
/// running, and names the JSON pointer of a bad entry; sweep_points() expands the points.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "neurotlm/core/params.h"
#include "neurotlm/core/units.h"

namespace neurotlm {

/// The default of parameter @p key ("readout/gain") of component type @p type, when it is known;
/// `where` filters treat an absent key as this value. The command line passes the registered
/// parameter tables; a test may pass its own.
using ParamDefaultLookup =
    std::function<std::optional<json>(const std::string& type, const std::string& key)>;

enum class SweepMode { grid, zip, each };

/// One parameter: its name and unit label, its values, and the pointers of the base platform
/// every value is written to.
struct SweepParameter {
    std::string name;
    std::string unit;                  ///< display label; "" if none
    std::vector<json> values;          ///< numbers or strings, as written to the platform file
    std::vector<std::string> pointers; ///< targets in the base platform (all take the value)
    json base_value; ///< the base platform's value at the targets (or their type's default), in
                     ///< the range's unit; null when unknown or when the targets differ
    bool log_scale = false; ///< a log range: plotted on a log axis
    std::string where;      ///< the parameter's JSON pointer in the sweep file
};

/// A report figure collected from each point's report.json.
struct SweepFigure {
    std::string key;  ///< "energy_per_item_J", or a report pointer ("/totals/ops")
    std::string name; ///< "energy per inference"
    Unit unit = Unit::none;
    std::string unit_label;        ///< for a figure without a known Unit ("op"); "" otherwise
    bool percent = false;          ///< a fraction shown in %
    bool higher_is_better = false; ///< for the Pareto front
};

struct SweepSpec {
    std::string file; ///< the sweep file as given
    std::string base; ///< the base platform's path (resolved against the sweep file)
    json base_doc;    ///< the base platform as read
    std::string name; ///< the sweep's name (file name without extension unless given)
    SweepMode mode = SweepMode::grid;
    std::vector<SweepParameter> parameters;
    std::vector<std::string> fixed; ///< "/pointer=<json>" for every point
    std::vector<SweepFigure> collect;
    std::size_t pareto_x = 0, pareto_y = 0; ///< indices into collect
    double timeout_s = 0.0;                 ///< 0: none
};

/// One point: the value index of each parameter (nullopt: the base platform's value, in `each`
/// mode) and the --set arguments that make it.
struct SweepPoint {
    std::string id; ///< stable across runs: a hash of the overrides
    std::vector<std::optional<std::size_t>> index;
    std::vector<std::string> sets;
    int varied = -1; ///< `each` mode: the parameter this point varies (-1: the base point)
};

/// The figures a sweep may collect by name (with their units and directions).
const std::vector<SweepFigure>& known_sweep_figures();

/// Read and check a sweep file; ConfigError(file, pointer, expected, found) for a bad entry.
SweepSpec load_sweep(const std::string& path, const ParamDefaultLookup& defaults = {});

/// Check a sweep document already parsed (@p base_doc: the base platform's document).
SweepSpec parse_sweep(const json& doc, const std::string& file, const std::string& base_path,
                      const json& base_doc, const ParamDefaultLookup& defaults = {});

/// Every point of the sweep, in a fixed order.
std::vector<SweepPoint> sweep_points(const SweepSpec& spec);

/// A parameter value as text for tables ("7.5", "5 ohm*um^2", "sram").
std::string sweep_value_text(const json& value);

/// The number a value is plotted at: a JSON number, or the number a quantity string starts
/// with ("7.5 ohm*um^2" -> 7.5); nullopt for other strings.
std::optional<double> sweep_value_number(const json& value);

/// The value --set writes for @p value at @p pointer ("/a/b=\"5 ohm*um^2\"").
std::string sweep_assignment(const std::string& pointer, const json& value);

/// 64-bit FNV-1a of @p text as 16 hex digits (point ids).
std::string sweep_hash(const std::string& text);

} // namespace neurotlm
