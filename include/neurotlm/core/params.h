#pragma once
/// @brief Declared parameters: every configurable thing (a component type, a device type, a
/// workload) lists its parameters once, with kind, unit, default, range and description.
/// The same table validates JSON input (unknown keys, wrong types, ranges are errors with the
/// JSON pointer), fills in defaults, and is what `neurotlm list` prints.
///
/// Nested objects are written with dotted names: the parameter "adc.bits" is the key "bits"
/// in the object "adc".

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "neurotlm/core/units.h"

namespace neurotlm {

using json = nlohmann::json;

enum class ParamKind {
    integer, ///< JSON integer
    number,  ///< JSON number, or a string with the unit (if the unit is not none)
    boolean,
    string,
    choice,  ///< a string from a fixed list
    address, ///< an integer, or a string "0x..." or "64 KiB"
    any,     ///< any JSON value, checked by the owner
};

struct ParamSpec {
    std::string name;
    ParamKind kind = ParamKind::number;
    Unit unit = Unit::none;
    json default_value; ///< null: required
    std::string description;
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    bool min_exclusive = false; ///< true: value must be > min
    std::vector<std::string> choices;
    bool optional = false; ///< no default and not required
    /// 0 is accepted besides [min, max]: a number that switches a feature off when 0 but has
    /// a physical range when on (a wire resistance).
    bool or_zero = false;

    bool required() const { return default_value.is_null() && !optional; }
};

/// @brief Fluent builder so a table reads like documentation.
class ParamTable {
public:
    ParamTable& integer(const std::string& name, json def, std::string description,
                        double min = std::numeric_limits<double>::lowest(),
                        double max = std::numeric_limits<double>::max());
    ParamTable& number(const std::string& name, Unit unit, json def, std::string description,
                       double min = std::numeric_limits<double>::lowest(),
                       double max = std::numeric_limits<double>::max());
    /// A number that must be strictly greater than @p min.
    ParamTable& positive(const std::string& name, Unit unit, json def, std::string description,
                         double min = 0.0, double max = std::numeric_limits<double>::max());
    ParamTable& boolean(const std::string& name, bool def, std::string description);
    ParamTable& string(const std::string& name, json def, std::string description);
    ParamTable& choice(const std::string& name, std::vector<std::string> choices, json def,
                       std::string description);
    ParamTable& address(const std::string& name, json def, std::string description);
    ParamTable& any(const std::string& name, json def, std::string description);
    /// Mark the last added parameter as optional (no default, may be absent).
    ParamTable& optional();
    /// Let the last added parameter also be exactly 0 (off) besides its range.
    ParamTable& or_zero();
    /// Add a parameter declared elsewhere (to combine tables).
    ParamTable& add(ParamSpec spec);

    const std::vector<ParamSpec>& specs() const { return m_specs; }
    const ParamSpec* find(const std::string& name) const;
    /// True if @p name is an object prefix of some parameter ("adc" for "adc.bits").
    bool is_group(const std::string& name) const;

private:
    std::vector<ParamSpec> m_specs;
};

/// @brief Validated parameter values, defaults filled in, in base SI units.
class Params {
public:
    Params() = default;
    /// Validate @p object (a JSON object) against @p table; throws ConfigError naming @p file
    /// and the JSON pointer of the offending value. Keys in @p ignored are left to the caller.
    static Params validate(const json& object, const ParamTable& table, const std::string& file,
                           const std::string& pointer,
                           const std::vector<std::string>& ignored = {});

    bool has(const std::string& name) const;
    /// True if the input wrote @p name (not just a default).
    bool present(const std::string& name) const;
    std::int64_t integer(const std::string& name) const;
    double number(const std::string& name) const;
    bool boolean(const std::string& name) const;
    const std::string& string(const std::string& name) const;
    std::uint64_t address(const std::string& name) const;
    const json& raw(const std::string& name) const;

    /// The JSON pointer a parameter was read from, for errors found later.
    std::string pointer_of(const std::string& name) const;
    const std::string& file() const { return m_file; }
    /// The effective values as JSON (nested objects rebuilt), for the effective config.
    json effective() const;

    /// Build an error about parameter @p name.
    [[noreturn]] void fail(const std::string& name, const std::string& expected,
                           const std::string& found) const;

private:
    struct Value {
        std::string name;
        json original; ///< as written (or the default)
        double number = 0.0;
        std::string text;
        bool present = false;
    };
    const Value& get(const std::string& name) const;
    std::vector<Value> m_values;
    std::string m_file;
    std::string m_pointer;
};

/// @brief The range @p spec accepts, as errors and `neurotlm list` state it ("a number in
/// [0, 1]", "0 or a quantity in ohm in [1 uohm, 1 kohm]"); "" for a kind without one.
std::string range_text(const ParamSpec& spec);

/// @brief True if @p x lies in the range @p spec declares (NaN never does).
bool in_range(const ParamSpec& spec, double x);

/// @brief Print a table as aligned text (name, kind/unit, default, range, description).
std::string describe(const ParamTable& table, const std::string& indent = "  ");

/// @brief The same as JSON, one object per parameter: name, kind, unit (its symbol, for a
/// quantity), default (absent when required or optional), required, optional, min/max (when
/// bounded; a quantity's in its SI unit), min_exclusive, or_zero, choices, range (as text) and
/// description.
json describe_as_json(const ParamTable& table);

/// @brief A JSON value as a short string for error messages ("-3", "\"abc\"", "an object").
std::string describe_json(const json& value);

} // namespace neurotlm
