#include "neurotlm/core/params.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "neurotlm/core/error.h"
#include "neurotlm/core/param_limits.h"

namespace neurotlm {

namespace {

std::string escape_pointer_token(const std::string& token) {
    std::string out;
    for (char c : token) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

std::string join_pointer(const std::string& base, const std::string& dotted) {
    std::string out = base;
    std::stringstream ss(dotted);
    std::string part;
    while (std::getline(ss, part, '.'))
        out += "/" + escape_pointer_token(part);
    return out;
}

std::string format_bound(double v, Unit unit) {
    if (unit == Unit::none) {
        std::ostringstream os;
        os << v;
        return os.str();
    }
    return format_quantity(v, unit);
}

// The bounds alone: "in [0, 1]", ">= 1", "0 or in [1 uohm, 1 kohm]"; "" when unbounded.
std::string bounds_text(const ParamSpec& spec, bool with_zero = true) {
    const bool has_min = spec.min > std::numeric_limits<double>::lowest();
    const bool has_max = spec.max < std::numeric_limits<double>::max();
    std::string out;
    if (has_min && has_max)
        out = std::string("in ") + (spec.min_exclusive ? "(" : "[") +
              format_bound(spec.min, spec.unit) + ", " + format_bound(spec.max, spec.unit) + "]";
    else if (has_min)
        out = (spec.min_exclusive ? "> " : ">= ") + format_bound(spec.min, spec.unit);
    else if (has_max)
        out = "<= " + format_bound(spec.max, spec.unit);
    if (with_zero && spec.or_zero && !out.empty()) out = "0 or " + out;
    return out;
}

const char* kind_name(ParamKind kind) {
    switch (kind) {
    case ParamKind::integer: return "integer";
    case ParamKind::number: return "number";
    case ParamKind::boolean: return "bool";
    case ParamKind::string: return "string";
    case ParamKind::choice: return "choice";
    case ParamKind::address: return "address";
    case ParamKind::any: return "json";
    }
    return "?";
}

} // namespace

std::string describe_json(const json& value) {
    switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array of " + std::to_string(value.size());
    case json::value_t::string: {
        std::string s = value.get<std::string>();
        if (s.size() > 60) s = s.substr(0, 57) + "...";
        return "\"" + s + "\"";
    }
    default: {
        std::string s = value.dump();
        return s;
    }
    }
}

std::string range_text(const ParamSpec& spec) {
    std::string what = spec.kind == ParamKind::integer ? "an integer" : "a number";
    if (spec.unit != Unit::none)
        what = "a quantity in " + std::string(unit_symbol(spec.unit)) +
               " (a number or a string such as \"" +
               format_quantity(spec.min > 0 ? spec.min * 10 : 1.0, spec.unit) + "\")";
    const std::string bounds = bounds_text(spec, false);
    if (bounds.empty()) return what;
    return (spec.or_zero ? "0 or " : "") + what + " " + bounds;
}

bool in_range(const ParamSpec& spec, double x) {
    if (std::isnan(x)) return false;
    if (spec.or_zero && x == 0.0) return true;
    if (spec.min_exclusive ? !(x > spec.min) : !(x >= spec.min)) return false;
    return x <= spec.max;
}

ParamTable& ParamTable::integer(const std::string& name, json def, std::string description,
                                double min, double max) {
    ParamSpec s;
    s.name = name;
    s.kind = ParamKind::integer;
    s.default_value = std::move(def);
    s.description = std::move(description);
    s.min = min;
    s.max = max;
    m_specs.push_back(std::move(s));
    return *this;
}

ParamTable& ParamTable::number(const std::string& name, Unit unit, json def,
                               std::string description, double min, double max) {
    ParamSpec s;
    s.name = name;
    s.kind = ParamKind::number;
    s.unit = unit;
    s.default_value = std::move(def);
    s.description = std::move(description);
    s.min = min;
    s.max = max;
    m_specs.push_back(std::move(s));
    return *this;
}

ParamTable& ParamTable::positive(const std::string& name, Unit unit, json def,
                                 std::string description, double min, double max) {
    number(name, unit, std::move(def), std::move(description), min, max);
    m_specs.back().min_exclusive = true;
    return *this;
}

ParamTable& ParamTable::boolean(const std::string& name, bool def, std::string description) {
    ParamSpec s;
    s.name = name;
    s.kind = ParamKind::boolean;
    s.default_value = def;
    s.description = std::move(description);
    m_specs.push_back(std::move(s));
    return *this;
}

ParamTable& ParamTable::string(const std::string& name, json def, std::string description) {
    ParamSpec s;
    s.name = name;
    s.kind = ParamKind::string;
    s.default_value = std::move(def);
    s.description = std::move(description);
    m_specs.push_back(std::move(s));
    return *this;
}

ParamTable& ParamTable::choice(const std::string& name, std::vector<std::string> choices, json def,
                               std::string description) {
    ParamSpec s;
    s.name = name;
    s.kind = ParamKind::choice;
    s.choices = std::move(choices);
    s.default_value = std::move(def);
    s.description = std::move(description);
    m_specs.push_back(std::move(s));
    return *this;
}

ParamTable& ParamTable::address(const std::string& name, json def, std::string description) {
    ParamSpec s;
    s.name = name;
    s.kind = ParamKind::address;
    s.unit = Unit::byte;
    s.default_value = std::move(def);
    s.description = std::move(description);
    s.min = 0;
    m_specs.push_back(std::move(s));
    return *this;
}

ParamTable& ParamTable::any(const std::string& name, json def, std::string description) {
    ParamSpec s;
    s.name = name;
    s.kind = ParamKind::any;
    s.default_value = std::move(def);
    s.description = std::move(description);
    m_specs.push_back(std::move(s));
    return *this;
}

ParamTable& ParamTable::add(ParamSpec spec) {
    m_specs.push_back(std::move(spec));
    return *this;
}

ParamTable& ParamTable::optional() {
    if (!m_specs.empty()) m_specs.back().optional = true;
    return *this;
}

ParamTable& ParamTable::or_zero() {
    if (!m_specs.empty()) m_specs.back().or_zero = true;
    return *this;
}

const ParamSpec* ParamTable::find(const std::string& name) const {
    for (const auto& s : m_specs)
        if (s.name == name) return &s;
    return nullptr;
}

bool ParamTable::is_group(const std::string& name) const {
    const std::string prefix = name + ".";
    for (const auto& s : m_specs)
        if (s.name.compare(0, prefix.size(), prefix) == 0) return true;
    return false;
}

// Above these, a quantity is a typo or an attack, not a device: a one-second read, a joule per
// action, a kilovolt. Parameters may declare tighter bounds of their own.
double quantity_ceiling(Unit unit) {
    switch (unit) {
    case Unit::second: return 1.0;
    case Unit::joule: return 1e-3;
    case Unit::volt: return 1e3;
    case Unit::ampere: return 1e3;
    case Unit::watt: return 1e3;
    case Unit::ohm: return 1e15;
    case Unit::siemens: return 1e3;
    case Unit::hertz: return 1e15;
    case Unit::square_metre: return 1.0;
    case Unit::ohm_square_metre: return 1.0;
    default: return std::numeric_limits<double>::max();
    }
}

namespace {

// A value out of range is answered with the range and what the parameter is, whose text
// gives the reason for a bound that is not obvious.
std::string range_with_reason(const ParamSpec& spec) {
    return spec.description.empty() ? range_text(spec)
                                    : range_text(spec) + " (" + spec.description + ")";
}

void check_keys(const json& object, const ParamTable& table, const std::string& prefix,
                const std::string& file, const std::string& pointer,
                const std::vector<std::string>& ignored) {
    for (auto it = object.begin(); it != object.end(); ++it) {
        const std::string& key = it.key();
        const std::string full = prefix.empty() ? key : prefix + "." + key;
        if (prefix.empty() && std::find(ignored.begin(), ignored.end(), key) != ignored.end())
            continue;
        const std::string here = pointer + "/" + escape_pointer_token(key);
        if (key.find('.') != std::string::npos) {
            // "adc.bits" is the key "bits" in the object "adc"; a flat dotted key would be
            // silently ignored, so say how to write it.
            const auto dot = key.find('.');
            throw ConfigError(file, here,
                              "nested objects for grouped parameters, e.g. {\"" +
                                  key.substr(0, dot) + "\": {\"" + key.substr(dot + 1) +
                                  "\": ...}}",
                              "the flat key \"" + key + "\"");
        }
        if (table.find(full)) continue;
        if (table.is_group(full)) {
            if (!it.value().is_object())
                throw ConfigError(file, here, "an object", describe_json(it.value()));
            check_keys(it.value(), table, full, file, here, ignored);
            continue;
        }
        // Suggest the closest known key so a typo is quick to fix.
        std::string known;
        for (const auto& s : table.specs()) {
            std::string local = s.name;
            if (!prefix.empty()) {
                if (local.compare(0, prefix.size() + 1, prefix + ".") != 0) continue;
                local = local.substr(prefix.size() + 1);
            }
            local = local.substr(0, local.find('.'));
            if (known.find("\"" + local + "\"") == std::string::npos)
                known += (known.empty() ? "" : ", ") + ("\"" + local + "\"");
        }
        throw ConfigError(file, here, "one of the known keys (" + known + ")",
                          "unknown key \"" + key + "\"");
    }
}

const json* lookup(const json& object, const std::string& dotted) {
    const json* node = &object;
    std::stringstream ss(dotted);
    std::string part;
    while (std::getline(ss, part, '.')) {
        if (!node->is_object()) return nullptr;
        auto it = node->find(part);
        if (it == node->end()) return nullptr;
        node = &*it;
    }
    return node;
}

} // namespace

Params Params::validate(const json& object, const ParamTable& table, const std::string& file,
                        const std::string& pointer, const std::vector<std::string>& ignored) {
    if (!object.is_object()) throw ConfigError(file, pointer, "an object", describe_json(object));
    check_keys(object, table, "", file, pointer, ignored);

    Params out;
    out.m_file = file;
    out.m_pointer = pointer;
    for (const auto& spec : table.specs()) {
        const std::string where = join_pointer(pointer, spec.name);
        const json* given = lookup(object, spec.name);
        Value v;
        v.name = spec.name;
        v.present = given != nullptr;
        if (!given) {
            if (spec.optional) {
                out.m_values.push_back(std::move(v));
                continue;
            }
            if (spec.default_value.is_null())
                throw ConfigError(file, where,
                                  "a value for \"" + spec.name + "\" (" + spec.description + ")",
                                  "nothing: the key is required");
        }
        const json& value = given ? *given : spec.default_value;
        v.original = value;
        switch (spec.kind) {
        case ParamKind::integer: {
            if (!value.is_number_integer()) {
                if (value.is_number_float() && std::isfinite(value.get<double>()) &&
                    value.get<double>() == std::floor(value.get<double>()) &&
                    std::fabs(value.get<double>()) < 9e15) {
                    // 3.0 is an integer to a person.
                } else {
                    throw ConfigError(file, where, range_text(spec), describe_json(value));
                }
            }
            const double d = value.get<double>();
            if (!in_range(spec, d))
                throw ConfigError(file, where, range_with_reason(spec), describe_json(value));
            v.number = d;
            break;
        }
        case ParamKind::number: {
            double d;
            if (value.is_number()) {
                d = value.get<double>();
            } else if (value.is_string() && spec.unit != Unit::none) {
                std::string why;
                auto q = parse_quantity(value.get<std::string>(), spec.unit, &why);
                if (!q) throw ConfigError(file, where, range_text(spec), why);
                d = *q;
            } else if (value.is_string()) {
                std::string why;
                auto q = parse_quantity(value.get<std::string>(), Unit::none, &why);
                if (!q) throw ConfigError(file, where, range_text(spec), why);
                d = *q;
            } else {
                throw ConfigError(file, where, range_text(spec), describe_json(value));
            }
            if (!std::isfinite(d) || !in_range(spec, d))
                throw ConfigError(file, where, range_with_reason(spec), describe_json(value));
            if (std::fabs(d) > quantity_ceiling(spec.unit))
                throw ConfigError(file, where,
                                  "at most " +
                                      format_quantity(quantity_ceiling(spec.unit), spec.unit) +
                                      " (" + spec.description + ")",
                                  describe_json(value));
            v.number = d;
            break;
        }
        case ParamKind::boolean:
            if (!value.is_boolean())
                throw ConfigError(file, where, "true or false", describe_json(value));
            v.number = value.get<bool>() ? 1.0 : 0.0;
            break;
        case ParamKind::string:
            if (!value.is_string())
                throw ConfigError(file, where, "a string", describe_json(value));
            v.text = value.get<std::string>();
            break;
        case ParamKind::choice: {
            std::string list;
            for (const auto& c : spec.choices)
                list += (list.empty() ? "\"" : ", \"") + c + "\"";
            if (!value.is_string())
                throw ConfigError(file, where, "one of " + list, describe_json(value));
            v.text = value.get<std::string>();
            if (std::find(spec.choices.begin(), spec.choices.end(), v.text) == spec.choices.end())
                throw ConfigError(file, where, "one of " + list, describe_json(value));
            break;
        }
        case ParamKind::address: {
            if (value.is_number_unsigned() ||
                (value.is_number_integer() && value.get<long long>() >= 0)) {
                v.number = static_cast<double>(value.get<unsigned long long>());
                v.text = std::to_string(value.get<unsigned long long>());
            } else if (value.is_string()) {
                std::string why;
                auto a = parse_address(value.get<std::string>(), &why);
                if (!a)
                    throw ConfigError(file, where,
                                      "an address or size (an integer, \"0x1000\" or \"64 KiB\")",
                                      why);
                v.number = static_cast<double>(*a);
                v.text = std::to_string(*a);
            } else {
                throw ConfigError(file, where,
                                  "an address or size (an integer, \"0x1000\" or \"64 KiB\")",
                                  describe_json(value));
            }
            break;
        }
        case ParamKind::any: break;
        }
        out.m_values.push_back(std::move(v));
    }
    return out;
}

const Params::Value& Params::get(const std::string& name) const {
    for (const auto& v : m_values)
        if (v.name == name) return v;
    throw std::logic_error("parameter \"" + name + "\" was not declared");
}

bool Params::has(const std::string& name) const {
    for (const auto& v : m_values)
        if (v.name == name) return v.present || !v.original.is_null();
    return false;
}

bool Params::present(const std::string& name) const {
    for (const auto& v : m_values)
        if (v.name == name) return v.present;
    return false;
}

std::int64_t Params::integer(const std::string& name) const {
    return static_cast<std::int64_t>(get(name).number);
}
double Params::number(const std::string& name) const {
    return get(name).number;
}
bool Params::boolean(const std::string& name) const {
    return get(name).number != 0.0;
}
const std::string& Params::string(const std::string& name) const {
    return get(name).text;
}
std::uint64_t Params::address(const std::string& name) const {
    return std::stoull(get(name).text);
}
const json& Params::raw(const std::string& name) const {
    return get(name).original;
}

std::string Params::pointer_of(const std::string& name) const {
    return join_pointer(m_pointer, name);
}

void Params::fail(const std::string& name, const std::string& expected,
                  const std::string& found) const {
    throw ConfigError(m_file, pointer_of(name), expected, found);
}

json Params::effective() const {
    json out = json::object();
    for (const auto& v : m_values) {
        if (v.original.is_null()) continue;
        json* node = &out;
        std::stringstream ss(v.name);
        std::string part;
        std::vector<std::string> parts;
        while (std::getline(ss, part, '.'))
            parts.push_back(part);
        for (size_t i = 0; i + 1 < parts.size(); ++i)
            node = &(*node)[parts[i]];
        (*node)[parts.back()] = v.original;
    }
    return out;
}

std::string describe(const ParamTable& table, const std::string& indent) {
    std::ostringstream os;
    size_t width = 0;
    for (const auto& s : table.specs())
        width = std::max(width, s.name.size());
    for (const auto& s : table.specs()) {
        std::string kind = kind_name(s.kind);
        if (s.unit != Unit::none && s.kind == ParamKind::number)
            kind = std::string(unit_symbol(s.unit));
        if (s.kind == ParamKind::choice) {
            kind.clear();
            for (const auto& c : s.choices)
                kind += (kind.empty() ? "" : "|") + c;
        }
        std::string def = s.required() ? "(required)"
                          : s.optional ? "(optional)"
                                       : s.default_value.dump();
        const std::string bounds =
            s.kind == ParamKind::integer || s.kind == ParamKind::number ? bounds_text(s) : "";
        os << indent << s.name << std::string(width + 2 - s.name.size(), ' ') << "[" << kind
           << "] default " << def << (bounds.empty() ? "" : ", " + bounds) << "\n"
           << indent << std::string(width + 2, ' ') << s.description << "\n";
    }
    return os.str();
}

json describe_as_json(const ParamTable& table) {
    json out = json::array();
    for (const auto& s : table.specs()) {
        json p = {{"name", s.name},
                  {"kind", kind_name(s.kind)},
                  {"required", s.required()},
                  {"optional", s.optional},
                  {"description", s.description}};
        if (s.unit != Unit::none) p["unit"] = std::string(unit_symbol(s.unit));
        if (!s.required() && !s.optional) p["default"] = s.default_value;
        if (s.kind == ParamKind::integer || s.kind == ParamKind::number) {
            if (std::isfinite(s.min) && s.min > std::numeric_limits<double>::lowest())
                p["min"] = s.min;
            if (std::isfinite(s.max) && s.max < std::numeric_limits<double>::max())
                p["max"] = s.max;
            if (s.min_exclusive) p["min_exclusive"] = true;
            if (s.or_zero) p["or_zero"] = true;
            const std::string range = range_text(s);
            if (!range.empty()) p["range"] = range;
        }
        if (s.kind == ParamKind::choice) p["choices"] = s.choices;
        out.push_back(std::move(p));
    }
    return out;
}

} // namespace neurotlm
