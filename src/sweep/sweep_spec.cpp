#include "neurotlm/sweep/sweep_spec.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "neurotlm/core/rng.h"

namespace neurotlm {

namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMaxSweepBytes = 16ull << 20;
constexpr std::uint64_t kMaxBaseBytes = 64ull << 20;
constexpr std::size_t kMaxValues = 100000;
constexpr std::size_t kMaxPoints = 1000000;

const char* const kTopKeys[] = {"name",    "description", "base",   "parameters", "mode",
                                "collect", "set",         "pareto", "timeout"};
const char* const kParameterKeys[] = {"name", "unit", "list", "range", "random", "set"};

std::string join_keys(const char* const* keys, std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
        s += (i ? ", " : "") + std::string("\"") + keys[i] + "\"";
    return s;
}

void check_keys(const json& object, const char* const* keys, std::size_t n, const std::string& file,
                const std::string& where) {
    for (const auto& [k, v] : object.items()) {
        if (std::find_if(keys, keys + n, [&](const char* known) { return k == known; }) == keys + n)
            throw ConfigError(file, where + "/" + k, "one of the keys " + join_keys(keys, n),
                              "the unknown key \"" + k + "\"");
    }
}

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

// Where a pointer may be set in the base document: every ancestor that exists is an object (or
// an array holding the index); missing objects are created by the override (see merge_sets).
void check_target(const json& base, const std::string& pointer, const std::string& file,
                  const std::string& where) {
    json::json_pointer p;
    try {
        p = json::json_pointer(pointer);
    } catch (const json::exception&) {
        throw ConfigError(file, where, "a JSON pointer such as \"/components/2/adc/bits\"",
                          "\"" + pointer + "\"");
    }
    if (p.empty())
        throw ConfigError(file, where, "a JSON pointer below the root", "\"" + pointer + "\"");
    const json* node = &base;
    std::string walked;
    // Walk the parents: stop at the first that does not exist (it will be created as an object).
    std::vector<std::string> tokens;
    for (json::json_pointer q = p; !q.empty(); q = q.parent_pointer())
        tokens.insert(tokens.begin(), q.back());
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
        const std::string& t = tokens[i];
        walked += "/" + t;
        if (node->is_object()) {
            if (!node->contains(t)) return;
            node = &(*node)[t];
        } else if (node->is_array()) {
            if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos ||
                std::stoull(t) >= node->size())
                throw ConfigError(file, where,
                                  "a pointer into the base platform (" + walked +
                                      " is past the end of an array of " +
                                      std::to_string(node->size()) + ")",
                                  "\"" + pointer + "\"");
            node = &(*node)[std::stoull(t)];
        } else {
            throw ConfigError(file, where,
                              "a pointer into the base platform (" + walked +
                                  " is a value, not an object)",
                              "\"" + pointer + "\"");
        }
    }
    if (node->is_array()) {
        const std::string& t = tokens.back();
        if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos ||
            std::stoull(t) >= node->size())
            throw ConfigError(file, where, "a pointer to an existing element of an array",
                              "\"" + pointer + "\"");
    } else if (!node->is_object()) {
        throw ConfigError(file, where, "a pointer into an object of the base platform",
                          "\"" + pointer + "\"");
    }
}

std::optional<json> value_at(const json& doc, const std::string& pointer) {
    try {
        const json::json_pointer p(pointer);
        if (doc.contains(p)) return doc.at(p);
    } catch (const json::exception&) {
    }
    return std::nullopt;
}

// A component parameter's default: /components/<i>/<key> of a component of a known type.
std::optional<json> default_at(const json& base, const std::string& pointer,
                               const ParamDefaultLookup& defaults) {
    if (!defaults || pointer.rfind("/components/", 0) != 0) return std::nullopt;
    const std::string rest = pointer.substr(12);
    const auto slash = rest.find('/');
    if (slash == std::string::npos || slash == 0) return std::nullopt;
    const std::string index = rest.substr(0, slash);
    if (index.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    const json& comps = base.value("components", json::array());
    const std::size_t i = std::stoull(index);
    if (!comps.is_array() || i >= comps.size() || !comps[i].is_object()) return std::nullopt;
    const json type = comps[i].value("type", json());
    if (!type.is_string()) return std::nullopt;
    return defaults(type.get<std::string>(), rest.substr(slash + 1));
}

std::vector<std::string> read_targets(const json& set, const json& base, const std::string& file,
                                      const std::string& where,
                                      const ParamDefaultLookup& defaults) {
    std::vector<std::string> out;
    if (set.is_string()) {
        check_target(base, set.get<std::string>(), file, where);
        out.push_back(set.get<std::string>());
    } else if (set.is_array() && !set.empty()) {
        for (std::size_t i = 0; i < set.size(); ++i) {
            const std::string w = where + "/" + std::to_string(i);
            if (!set[i].is_string() && !set[i].is_object())
                throw ConfigError(file, w, "a JSON pointer string or {\"type\": ..., \"key\": ...}",
                                  describe_json(set[i]));
            for (auto& t : read_targets(set[i], base, file, w, defaults))
                if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(std::move(t));
        }
    } else if (set.is_object()) {
        const char* const keys[] = {"type", "key", "where"};
        check_keys(set, keys, 3, file, where);
        for (const char* k : {"type", "key"})
            if (!set.contains(k) || !set[k].is_string() || set[k].get<std::string>().empty())
                throw ConfigError(file, where + "/" + k, "a non-empty string",
                                  set.contains(k) ? describe_json(set[k]) : "nothing");
        const std::string type = set["type"];
        std::string key = set["key"];
        if (key[0] == '/') key.erase(0, 1);
        const json where_obj = set.value("where", json::object());
        if (!where_obj.is_object())
            throw ConfigError(file, where + "/where", "an object of parameter: value",
                              describe_json(where_obj));
        const json& comps = base.value("components", json::array());
        std::size_t of_type = 0;
        for (std::size_t i = 0; comps.is_array() && i < comps.size(); ++i) {
            const json& c = comps[i];
            if (!c.is_object() || c.value("type", json()) != type) continue;
            ++of_type;
            bool match = true;
            for (const auto& [k, want] : where_obj.items()) {
                std::optional<json> have = value_at(c, "/" + k);
                if (!have && defaults) have = defaults(type, k);
                if (!have || *have != want) match = false;
            }
            if (!match) continue;
            const std::string p = "/components/" + std::to_string(i) + "/" + key;
            check_target(base, p, file, where + "/key");
            out.push_back(p);
        }
        if (out.empty())
            throw ConfigError(
                file, where,
                "a component of type \"" + type + "\"" +
                    (where_obj.empty() ? "" : " whose parameters match " + where_obj.dump()) +
                    " in the base platform",
                "none (" + std::to_string(of_type) + " of that type)");
    } else {
        throw ConfigError(file, where,
                          "a JSON pointer, an array of them, or {\"type\": ..., \"key\": ...}",
                          describe_json(set));
    }
    return out;
}

// How many SI units one @p word is ("ohm*um^2" -> 1e-12), and of which kind.
std::optional<std::pair<Unit, double>> unit_scale(const std::string& word) {
    for (int u = static_cast<int>(Unit::none); u <= static_cast<int>(Unit::ohm_per_metre); ++u)
        if (const auto v = parse_quantity("1 " + word, static_cast<Unit>(u)))
            return std::make_pair(static_cast<Unit>(u), *v);
    return std::nullopt;
}

// The base platform's value written as the swept values are: a default of 1e-11 (ohm m^2, as
// the tables hold it) becomes "10 ohm*um^2" on an axis of ohm*um^2. Unchanged when the unit is
// not known.
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

// A --set value as the platform file would hold it: JSON, or a bare word as a string.
json parse_set_value(const std::string& text) {
    try {
        return json::parse(text);
    } catch (const json::exception&) {
        return text;
    }
}

std::vector<std::pair<std::string, json>> read_fixed(const json& set, const json& base,
                                                     const std::string& file) {
    std::vector<std::pair<std::string, json>> out;
    if (set.is_object()) {
        for (const auto& [k, v] : set.items()) {
            check_target(base, k, file, "/set/" + k);
            out.emplace_back(k, v);
        }
    } else if (set.is_array()) {
        for (std::size_t i = 0; i < set.size(); ++i) {
            const std::string w = "/set/" + std::to_string(i);
            const json& s = set[i];
            const std::string text = s.is_string() ? s.get<std::string>() : std::string();
            const auto eq = text.find('=');
            if (eq == std::string::npos || eq == 0 || text[0] != '/')
                throw ConfigError(file, w, "\"/json/pointer=value\"", describe_json(s));
            check_target(base, text.substr(0, eq), file, w);
            out.emplace_back(text.substr(0, eq), parse_set_value(text.substr(eq + 1)));
        }
    } else {
        throw ConfigError(file, "/set", "an object {\"/json/pointer\": value}", describe_json(set));
    }
    return out;
}

std::vector<SweepFigure> read_collect(const json& c, const std::string& file) {
    std::vector<SweepFigure> out;
    if (!c.is_array() || c.empty())
        throw ConfigError(file, "/collect", "a non-empty array of figures", describe_json(c));
    for (std::size_t i = 0; i < c.size(); ++i) {
        const std::string w = "/collect/" + std::to_string(i);
        const json& e = c[i];
        SweepFigure f;
        if (e.is_string()) {
            const std::string key = e;
            const auto& known = known_sweep_figures();
            const auto it = std::find_if(known.begin(), known.end(),
                                         [&](const SweepFigure& k) { return k.key == key; });
            const std::string by_class = "energy_per_item_by_class_J/";
            if (it != known.end()) {
                f = *it;
            } else if (key.rfind(by_class, 0) == 0 && key.size() > by_class.size()) {
                f = {key,         "energy per item: " + key.substr(by_class.size()),
                     Unit::joule, "",
                     false,       false};
            } else if (!key.empty() && key[0] == '/') {
                f = {key, key, Unit::none, "", false, false};
            } else {
                std::string names;
                for (const auto& k : known)
                    names += (names.empty() ? "" : ", ") + k.key;
                throw ConfigError(file, w,
                                  "a figure (" + names +
                                      ", energy_per_item_by_class_J/<class>, or a JSON pointer "
                                      "into report.json)",
                                  describe_json(e));
            }
        } else if (e.is_object()) {
            const char* const keys[] = {"pointer", "name", "unit", "better"};
            check_keys(e, keys, 4, file, w);
            const json p = e.value("pointer", json());
            if (!p.is_string() || p.get<std::string>().empty() || p.get<std::string>()[0] != '/')
                throw ConfigError(file, w + "/pointer", "a JSON pointer into report.json",
                                  describe_json(p));
            f.key = p;
            f.name = e.value("name", f.key);
            f.unit_label = e.value("unit", "");
            const json better = e.value("better", json("lower"));
            if (better != "lower" && better != "higher")
                throw ConfigError(file, w + "/better", "\"lower\" or \"higher\"",
                                  describe_json(better));
            f.higher_is_better = better == "higher";
        } else {
            throw ConfigError(file, w, "a figure name or {\"pointer\": ...}", describe_json(e));
        }
        for (const auto& o : out)
            if (o.key == f.key)
                throw ConfigError(file, w, "a figure not collected already", "\"" + f.key + "\"");
        out.push_back(f);
    }
    return out;
}

std::size_t figure_index(const std::vector<SweepFigure>& collect, const json& key,
                         const std::string& file, const std::string& where) {
    for (std::size_t i = 0; i < collect.size(); ++i)
        if (key.is_string() && collect[i].key == key.get<std::string>()) return i;
    throw ConfigError(file, where, "a figure listed in /collect", describe_json(key));
}

// The overrides of one point. A target under an object the base platform does not have (a
// bank without a "neuron" section) is written as that whole object, merged with every other
// target under it, because --set only writes into objects that exist.
std::vector<std::string> merge_sets(const json& base,
                                    const std::vector<std::pair<std::string, json>>& assignments) {
    std::vector<std::string> out;
    std::vector<std::pair<std::string, json>> created; // (missing ancestor, object), in order
    for (const auto& [pointer, value] : assignments) {
        const json::json_pointer p(pointer);
        json::json_pointer missing;
        bool any_missing = false;
        for (json::json_pointer q = p.parent_pointer(); !q.empty(); q = q.parent_pointer())
            if (!base.contains(q)) {
                missing = q;
                any_missing = true;
            }
        if (!any_missing) {
            out.push_back(sweep_assignment(pointer, value));
            continue;
        }
        const std::string m = missing.to_string();
        auto it = std::find_if(created.begin(), created.end(),
                               [&](const auto& c) { return c.first == m; });
        if (it == created.end()) {
            created.emplace_back(m, json::object());
            it = created.end() - 1;
        }
        it->second[json::json_pointer(pointer.substr(m.size()))] = value;
    }
    for (const auto& [m, object] : created)
        out.push_back(sweep_assignment(m, object));
    return out;
}

} // namespace

const std::vector<SweepFigure>& known_sweep_figures() {
    static const std::vector<SweepFigure> figures = {
        {"accuracy", "accuracy", Unit::none, "", true, true},
        {"software_accuracy", "software reference accuracy", Unit::none, "", true, true},
        {"latency_per_item_s", "latency per item", Unit::second, "", false, false},
        {"energy_per_item_J", "energy per item", Unit::joule, "", false, false},
        {"power_per_item_W", "power during an item", Unit::watt, "", false, false},
        {"area_m2", "area", Unit::square_metre, "", false, false},
        {"tops_per_W", "efficiency (TOPS/W)", Unit::none, "TOPS/W", false, true},
        {"throughput_items_per_s", "items per second", Unit::none, "1/s", false, true},
    };
    return figures;
}

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

SweepSpec parse_sweep(const json& doc, const std::string& file, const std::string& base_path,
                      const json& base, const ParamDefaultLookup& defaults) {
    if (!doc.is_object()) throw ConfigError(file, "", "a JSON object", describe_json(doc));
    check_keys(doc, kTopKeys, std::size(kTopKeys), file, "");
    SweepSpec s;
    s.file = file;
    s.base = base_path;
    s.base_doc = base;
    s.name = fs::path(file).stem().string();
    if (doc.contains("name")) {
        if (!doc["name"].is_string() || doc["name"].get<std::string>().empty())
            throw ConfigError(file, "/name", "a non-empty string", describe_json(doc["name"]));
        s.name = doc["name"];
    }
    if (!base.is_object() || !base.contains("components"))
        throw ConfigError(file, "/base", "a platform file (an object with \"components\")",
                          describe_json(base));

    const std::string mode = doc.value("mode", json("grid")).is_string()
                                 ? doc.value("mode", std::string("grid"))
                                 : std::string();
    if (mode == "grid")
        s.mode = SweepMode::grid;
    else if (mode == "zip")
        s.mode = SweepMode::zip;
    else if (mode == "each")
        s.mode = SweepMode::each;
    else
        throw ConfigError(file, "/mode", "\"grid\", \"zip\" or \"each\"",
                          describe_json(doc["mode"]));

    const json params = doc.value("parameters", json());
    if (!params.is_array() || params.empty())
        throw ConfigError(file, "/parameters", "a non-empty array of parameters",
                          doc.contains("parameters") ? describe_json(params) : "nothing");
    std::map<std::string, std::string> owner; // target pointer -> parameter that sets it
    for (std::size_t i = 0; i < params.size(); ++i) {
        const std::string w = "/parameters/" + std::to_string(i);
        const json& p = params[i];
        if (!p.is_object()) throw ConfigError(file, w, "a parameter object", describe_json(p));
        check_keys(p, kParameterKeys, std::size(kParameterKeys), file, w);
        SweepParameter sp;
        sp.where = w;
        if (!p.contains("name") || !p["name"].is_string() || p["name"].get<std::string>().empty())
            throw ConfigError(file, w + "/name", "a non-empty name (CSV column, plot label)",
                              p.contains("name") ? describe_json(p["name"]) : "nothing");
        sp.name = p["name"];
        for (const auto& other : s.parameters)
            if (other.name == sp.name)
                throw ConfigError(file, w + "/name", "a name no other parameter has",
                                  "\"" + sp.name + "\"");
        if (p.contains("unit") && !p["unit"].is_string())
            throw ConfigError(file, w + "/unit", "a unit label string", describe_json(p["unit"]));
        std::string unit_word;
        sp.values = read_values(p, file, w, sp.log_scale, unit_word);
        sp.unit = p.value("unit", unit_word);
        if (!p.contains("set"))
            throw ConfigError(file, w + "/set", "the targets the parameter sets", "nothing");
        sp.pointers = read_targets(p["set"], base, file, w + "/set", defaults);
        for (const auto& t : sp.pointers) {
            const auto it = owner.find(t);
            if (it != owner.end() && s.mode != SweepMode::each)
                throw ConfigError(file, w + "/set",
                                  "targets no other parameter sets (in " + mode + " mode)",
                                  t + ", also set by " + it->second);
            owner.emplace(t, w);
        }
        const auto at = value_at(base, sp.pointers.front());
        sp.base_value = in_unit(
            at ? *at : default_at(base, sp.pointers.front(), defaults).value_or(json()), unit_word);
        s.parameters.push_back(std::move(sp));
    }
    if (s.mode == SweepMode::zip)
        for (const auto& p : s.parameters)
            if (p.values.size() != s.parameters.front().values.size())
                throw ConfigError(file, p.where,
                                  std::to_string(s.parameters.front().values.size()) +
                                      " values, as many as " + s.parameters.front().where +
                                      " (zip mode)",
                                  std::to_string(p.values.size()));

    std::vector<std::pair<std::string, json>> fixed;
    if (doc.contains("set")) fixed = read_fixed(doc["set"], base, file);
    for (const auto& [pointer, value] : fixed) {
        const auto it = owner.find(pointer);
        if (it != owner.end())
            throw ConfigError(file, "/set", "fixed overrides no parameter sets",
                              pointer + ", set by " + it->second);
        s.fixed.push_back(sweep_assignment(pointer, value));
    }

    std::vector<std::string> default_collect;
    for (const char* k :
         {"accuracy", "energy_per_item_J", "latency_per_item_s", "power_per_item_W", "area_m2"})
        default_collect.push_back(k);
    s.collect =
        read_collect(doc.contains("collect") ? doc["collect"] : json(default_collect), file);

    if (doc.contains("pareto")) {
        const json& pa = doc["pareto"];
        if (!pa.is_object() || !pa.contains("x") || !pa.contains("y") || pa.size() != 2)
            throw ConfigError(file, "/pareto", "{\"x\": figure, \"y\": figure}", describe_json(pa));
        s.pareto_x = figure_index(s.collect, pa["x"], file, "/pareto/x");
        s.pareto_y = figure_index(s.collect, pa["y"], file, "/pareto/y");
    } else {
        auto find = [&](const char* key, std::size_t fallback) {
            for (std::size_t i = 0; i < s.collect.size(); ++i)
                if (s.collect[i].key == key) return i;
            return std::min(fallback, s.collect.size() - 1);
        };
        s.pareto_x = find("energy_per_item_J", 0);
        s.pareto_y = find("accuracy", 1);
    }

    if (doc.contains("timeout")) {
        const json& t = doc["timeout"];
        std::optional<double> v;
        std::string why;
        if (t.is_number()) v = t.get<double>();
        if (t.is_string()) v = parse_quantity(t.get<std::string>(), Unit::second, &why);
        if (!v || !(*v > 0))
            throw ConfigError(file, "/timeout", "a time > 0 per point, such as \"10 min\" or 600",
                              why.empty() ? describe_json(t) : why);
        s.timeout_s = *v;
    }

    std::size_t total = s.mode == SweepMode::grid ? 1 : s.mode == SweepMode::zip ? 0 : 1;
    for (const auto& p : s.parameters) {
        if (s.mode == SweepMode::grid) total *= p.values.size();
        if (s.mode == SweepMode::each) total += p.values.size();
        if (total > kMaxPoints)
            throw ConfigError(file, "/parameters",
                              "at most " + std::to_string(kMaxPoints) + " points", "more");
    }
    return s;
}

SweepSpec load_sweep(const std::string& path, const ParamDefaultLookup& defaults) {
    const json doc = parse_json_text(read_input_file(path, kMaxSweepBytes, "the sweep file"), path);
    if (!doc.is_object()) throw ConfigError(path, "", "a JSON object", describe_json(doc));
    const json base = doc.value("base", json());
    if (!base.is_string() || base.get<std::string>().empty())
        throw ConfigError(path, "/base", "the path of the base platform file",
                          doc.contains("base") ? describe_json(base) : "nothing");
    fs::path base_path = base.get<std::string>();
    if (base_path.is_relative()) base_path = fs::path(path).parent_path() / base_path;
    json base_doc;
    try {
        base_doc =
            parse_json_text(read_input_file(base_path.string(), kMaxBaseBytes, "the base platform"),
                            base_path.string());
    } catch (const InputError& e) {
        throw ConfigError(path, "/base", "a platform file that can be read", e.what());
    }
    return parse_sweep(doc, path, base_path.lexically_normal().string(), base_doc, defaults);
}

std::vector<SweepPoint> sweep_points(const SweepSpec& spec) {
    const json& base = spec.base_doc;
    std::vector<std::pair<std::string, json>> fixed;
    for (const auto& f : spec.fixed) {
        const auto eq = f.find('=');
        fixed.emplace_back(f.substr(0, eq), json::parse(f.substr(eq + 1)));
    }
    const std::size_t n = spec.parameters.size();
    std::vector<SweepPoint> points;
    std::set<std::string> ids;
    auto add = [&](std::vector<std::optional<std::size_t>> index, int varied) {
        auto assignments = fixed;
        for (std::size_t p = 0; p < n; ++p)
            if (index[p])
                for (const auto& t : spec.parameters[p].pointers)
                    assignments.emplace_back(t, spec.parameters[p].values[*index[p]]);
        SweepPoint pt;
        pt.index = std::move(index);
        pt.varied = varied;
        pt.sets = merge_sets(base, assignments);
        std::string key;
        for (const auto& s : pt.sets)
            key += s + "\n";
        pt.id = sweep_hash(key);
        // Two parameters of an `each` study that write the same value to the same place are
        // one simulation: run it once.
        if (!ids.insert(pt.id).second) return;
        points.push_back(std::move(pt));
    };
    if (spec.mode == SweepMode::each) {
        add(std::vector<std::optional<std::size_t>>(n), -1);
        for (std::size_t p = 0; p < n; ++p)
            for (std::size_t v = 0; v < spec.parameters[p].values.size(); ++v) {
                std::vector<std::optional<std::size_t>> index(n);
                index[p] = v;
                add(std::move(index), static_cast<int>(p));
            }
    } else if (spec.mode == SweepMode::zip) {
        for (std::size_t v = 0; v < spec.parameters.front().values.size(); ++v)
            add(std::vector<std::optional<std::size_t>>(n, v), -1);
    } else {
        std::vector<std::size_t> at(n, 0);
        for (;;) {
            add(std::vector<std::optional<std::size_t>>(at.begin(), at.end()), -1);
            std::size_t p = n;
            while (p > 0) {
                --p;
                if (++at[p] < spec.parameters[p].values.size()) break;
                at[p] = 0;
                if (p == 0) return points;
            }
            if (n == 0) break;
        }
    }
    return points;
}

} // namespace neurotlm
