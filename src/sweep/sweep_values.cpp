#include "sweep_internal.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "neurotlm/core/error.h"
#include "neurotlm/core/rng.h"
#include "neurotlm/sweep/sweep_spec.h"

namespace neurotlm {

namespace sweep_detail {

namespace {

constexpr std::size_t kMaxValues = 100000;

// A number in shortest round-trip-stable text, or an integer when it is one and integers were
// asked for (integer parameters refuse 5.0).
json clean_number(double v, bool integers) {
    if (integers && std::nearbyint(v) == v && std::fabs(v) < 9e15)
        return static_cast<std::int64_t>(std::llround(v));
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return std::strtod(buf, nullptr);
}

std::string number_text(double v) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

// A bound of a range: a number, or a quantity "5 ohm*um^2" (number and unit word).
struct Bound {
    double value = 0.0;
    std::string unit;
    bool integer = false;
};

Bound read_bound(const json& v, const std::string& file, const std::string& where) {
    Bound b;
    if (v.is_number()) {
        b.value = v.get<double>();
        b.integer = v.is_number_integer() || v.is_number_unsigned();
    } else if (v.is_string()) {
        const auto n = sweep_value_number(v);
        if (!n)
            throw ConfigError(file, where, "a number or a quantity such as \"5 ns\"",
                              describe_json(v));
        b.value = *n;
        const std::string s = v.get<std::string>();
        char* end = nullptr;
        std::strtod(s.c_str(), &end);
        std::string unit(end);
        unit.erase(0, unit.find_first_not_of(" \t"));
        while (!unit.empty() && (unit.back() == ' ' || unit.back() == '\t'))
            unit.pop_back();
        b.unit = unit;
    } else {
        throw ConfigError(file, where, "a number or a quantity such as \"5 ns\"", describe_json(v));
    }
    if (!std::isfinite(b.value))
        throw ConfigError(file, where, "a finite number", describe_json(v));
    return b;
}

json bound_value(double v, const Bound& from, const Bound& to) {
    if (from.unit.empty()) return clean_number(v, from.integer && to.integer);
    return number_text(v) + " " + from.unit;
}

std::int64_t read_count(const json& obj, const char* key, const std::string& file,
                        const std::string& where, std::int64_t min, std::int64_t max) {
    const std::string p = where + "/" + key;
    if (!obj.contains(key)) throw ConfigError(file, p, "a count", "nothing");
    const json& v = obj[key];
    if (!v.is_number_integer() || v.get<std::int64_t>() < min || v.get<std::int64_t>() > max)
        throw ConfigError(
            file, p, "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]",
            describe_json(v));
    return v.get<std::int64_t>();
}

struct RangeShape {
    Bound from, to;
    bool log = false;
};

RangeShape read_shape(const json& r, const std::string& file, const std::string& where,
                      const std::vector<std::string>& keys) {
    if (!r.is_object()) throw ConfigError(file, where, "an object", describe_json(r));
    for (const auto& [k, v] : r.items())
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
            std::string list;
            for (const auto& key : keys)
                list += (list.empty() ? "\"" : ", \"") + key + "\"";
            throw ConfigError(file, where + "/" + k, "one of the keys " + list,
                              "the unknown key \"" + k + "\"");
        }
    RangeShape s;
    for (const char* key : {"from", "to"})
        if (!r.contains(key)) throw ConfigError(file, where + "/" + key, "a value", "nothing");
    s.from = read_bound(r["from"], file, where + "/from");
    s.to = read_bound(r["to"], file, where + "/to");
    if (s.from.unit != s.to.unit)
        throw ConfigError(file, where + "/to", "the unit of /from (\"" + s.from.unit + "\")",
                          "\"" + s.to.unit + "\"");
    if (r.contains("scale")) {
        const json& sc = r["scale"];
        if (!sc.is_string() || (sc != "linear" && sc != "log"))
            throw ConfigError(file, where + "/scale", "\"linear\" or \"log\"", describe_json(sc));
        s.log = sc == "log";
    }
    if (s.log && (s.from.value <= 0 || s.to.value <= 0))
        throw ConfigError(file, where, "bounds > 0 for a log scale",
                          number_text(s.from.value) + " to " + number_text(s.to.value));
    return s;
}

double between(const RangeShape& s, double t) {
    if (s.log)
        return std::exp(std::log(s.from.value) +
                        t * (std::log(s.to.value) - std::log(s.from.value)));
    return s.from.value + t * (s.to.value - s.from.value);
}

} // namespace

std::vector<json> read_values(const json& p, const std::string& file, const std::string& where,
                              bool& log_scale, std::string& unit_word) {
    int kinds = 0;
    for (const char* k : {"list", "range", "random"})
        kinds += p.contains(k) ? 1 : 0;
    if (kinds != 1)
        throw ConfigError(file, where, "exactly one of \"list\", \"range\" or \"random\"",
                          kinds == 0 ? "none" : "several");
    std::vector<json> values;
    if (p.contains("list")) {
        const json& l = p["list"];
        if (!l.is_array() || l.empty() || l.size() > kMaxValues)
            throw ConfigError(file, where + "/list", "a non-empty array of values",
                              describe_json(l));
        for (std::size_t i = 0; i < l.size(); ++i) {
            if (!l[i].is_number() && !l[i].is_string())
                throw ConfigError(file, where + "/list/" + std::to_string(i),
                                  "a number or a string", describe_json(l[i]));
            values.push_back(l[i]);
        }
    } else if (p.contains("range")) {
        const std::string w = where + "/range";
        const RangeShape s = read_shape(p["range"], file, w, {"from", "to", "points", "scale"});
        const auto n = read_count(p["range"], "points", file, w, 1, kMaxValues);
        for (std::int64_t i = 0; i < n; ++i) {
            const double t = n == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(n - 1);
            // The end points exactly as written, not as the arithmetic rounds them.
            const double v = i == 0 ? s.from.value : i == n - 1 ? s.to.value : between(s, t);
            values.push_back(bound_value(v, s.from, s.to));
        }
        log_scale = s.log;
        unit_word = s.from.unit;
    } else {
        const std::string w = where + "/random";
        const RangeShape s =
            read_shape(p["random"], file, w, {"from", "to", "samples", "seed", "scale"});
        const auto n = read_count(p["random"], "samples", file, w, 1, kMaxValues);
        std::uint64_t seed = 1;
        if (p["random"].contains("seed"))
            seed = static_cast<std::uint64_t>(
                read_count(p["random"], "seed", file, w, 0, std::int64_t{1} << 62));
        RngStream rng(seed, "sweep");
        const bool integers = s.from.integer && s.to.integer && s.from.unit.empty() && !s.log;
        for (std::int64_t i = 0; i < n; ++i) {
            double v = between(s, rng.uniform());
            if (integers)
                v = std::floor(s.from.value + rng.uniform() * (s.to.value - s.from.value + 1));
            char buf[48];
            std::snprintf(buf, sizeof buf, "%.6g", v);
            v = std::strtod(buf, nullptr);
            values.push_back(s.from.unit.empty() ? clean_number(v, integers)
                                                 : json(number_text(v) + " " + s.from.unit));
        }
        log_scale = s.log;
        unit_word = s.from.unit;
    }
    for (std::size_t i = 0; i < values.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (values[i] == values[j])
                throw ConfigError(file, where,
                                  "values that differ from each other (each point once)",
                                  "value " + std::to_string(j) + " and value " + std::to_string(i) +
                                      " are both " + describe_json(values[i]));
    return values;
}

// How many SI units one @p word is ("ohm*um^2" -> 1e-12), and of which kind.
namespace {

std::optional<std::pair<Unit, double>> unit_scale(const std::string& word) {
    for (int u = static_cast<int>(Unit::none); u <= static_cast<int>(Unit::ohm_per_metre); ++u)
        if (const auto v = parse_quantity("1 " + word, static_cast<Unit>(u)))
            return std::make_pair(static_cast<Unit>(u), *v);
    return std::nullopt;
}

// The base platform's value written as the swept values are: a default of 1e-11 (ohm m^2, as
// the tables hold it) becomes "10 ohm*um^2" on an axis of ohm*um^2. Unchanged when the unit is
// not known.
} // namespace

json in_unit(const json& value, const std::string& word) {
    if (word.empty() || value.is_null()) return value;
    const auto scale = unit_scale(word);
    if (!scale || scale->second == 0) return value;
    std::optional<double> si;
    if (value.is_number()) si = value.get<double>();
    if (value.is_string()) si = parse_quantity(value.get<std::string>(), scale->first);
    if (!si) return value;
    return number_text(*si / scale->second) + " " + word;
}

} // namespace sweep_detail

std::string sweep_value_text(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_null()) return "";
    return value.dump();
}

std::optional<double> sweep_value_number(const json& value) {
    if (value.is_number()) return value.get<double>();
    if (!value.is_string()) return std::nullopt;
    const std::string s = value;
    const char* begin = s.c_str();
    char* end = nullptr;
    const double v = std::strtod(begin, &end);
    if (end == begin || !std::isfinite(v)) return std::nullopt;
    for (const char* c = begin; c != end; ++c)
        if (std::isalpha(static_cast<unsigned char>(*c)) && *c != 'e' && *c != 'E')
            return std::nullopt;
    // A quantity: a number, a space or not, then a unit word.
    if (*end != '\0' && *end != ' ' && !std::isalpha(static_cast<unsigned char>(*end)))
        return std::nullopt;
    return v;
}

std::string sweep_assignment(const std::string& pointer, const json& value) {
    return pointer + "=" + value.dump();
}

std::string sweep_hash(const std::string& text) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

} // namespace neurotlm
