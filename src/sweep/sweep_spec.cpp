#include "neurotlm/sweep/sweep_spec.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "sweep_internal.h"

namespace neurotlm {

namespace {

namespace fs = std::filesystem;
using namespace sweep_detail;

constexpr std::uint64_t kMaxSweepBytes = 16ull << 20;
constexpr std::uint64_t kMaxBaseBytes = 64ull << 20;
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
    for (const auto& item : object.items()) {
        const std::string& k = item.key();
        if (std::find_if(keys, keys + n, [&](const char* known) { return k == known; }) == keys + n)
            throw ConfigError(file, where + "/" + k, "one of the keys " + join_keys(keys, n),
                              "the unknown key \"" + k + "\"");
    }
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
        // The base value is the targets' common value; when they differ (two layers' gains)
        // there is no single base value to mark or to skip.
        for (std::size_t t = 0; t < sp.pointers.size(); ++t) {
            const auto at = value_at(base, sp.pointers[t]);
            const json v = in_unit(
                at ? *at : default_at(base, sp.pointers[t], defaults).value_or(json()), unit_word);
            if (t == 0) sp.base_value = v;
            if (v != sp.base_value) {
                sp.base_value = json();
                break;
            }
        }
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

} // namespace neurotlm
