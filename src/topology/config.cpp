#include "neurotlm/topology/config.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "neurotlm/core/memory.h"
#include "neurotlm/core/units.h"

namespace neurotlm {

namespace fs = std::filesystem;

const ComponentConfig* PlatformConfig::find(const std::string& name) const {
    if (index.size() == components.size()) {
        const auto it = index.find(name);
        if (it == index.end()) return nullptr;
        if (components[it->second].name == name) return &components[it->second];
    }
    for (const auto& c : components)
        if (c.name == name) return &c;
    return nullptr;
}

const ParamTable& platform_param_table() {
    static const ParamTable table = [] {
        ParamTable t;
        // An editor reads "$schema"; neurotlm accepts it so that a file can name its schema.
        t.string("$schema", nullptr, "JSON Schema of this file, for editors; ignored by neurotlm")
            .optional()
            .integer("neurotlm", nullptr, "format version of the platform file; must be 1", 1, 1)
            .string("name", "", "platform name (default: the file name)")
            .string("description", "", "free text")
            .integer("seed", 1, "seed of every random stream (variation, noise, faults)", 0,
                     9007199254740991.0)
            .number("quantum", Unit::second, "1 us",
                    "global quantum: how far the controller runs ahead of the kernel (at least "
                    "the 1 ps time resolution)",
                    1e-12, 1.0)
            .any("technology", Technology::default_preset(),
                 "CMOS technology of the periphery: a preset (\"22nm\", \"32nm\", \"45nm\", "
                 "\"65nm\") or {\"preset\": ..., overrides}")
            .any("devices", json::object(),
                 "named device specs: {\"name\": {\"preset\": ..., overrides}}")
            .any("components", nullptr,
                 "array of components: {\"name\", \"type\", [\"count\"], parameters}")
            .any("connections", json::array(),
                 "array of {\"from\": \"a.out\", \"to\": \"b.in\", [\"base\"], [\"size\"]}, "
                 "or analog links {\"from\": \"tile0.aout\", \"to\": \"act0.ain\", [\"length\"]}")
            .any("workload", json::object(),
                 "what the controller runs: {\"kind\": ..., parameters}");
        return t;
    }();
    return table;
}

namespace {

/// The edge (from, to) that closes a loop in @p graph (component -> components it reaches),
/// searched depth first from each component in turn; nullopt if there is none. The search
/// keeps its own stack: a chain of many thousand blocks must not exhaust the thread's.
template <typename Components>
std::optional<std::pair<std::string, std::string>>
find_loop(const Components& components, std::map<std::string, std::vector<std::string>>& graph) {
    std::map<std::string, int> state; // 0 new, 1 on the current path, 2 done
    for (const auto& c : components) {
        if (state[c.name] != 0) continue;
        // Each entry: a component on the path and how many of its edges were followed.
        std::vector<std::pair<std::string, std::size_t>> path{{c.name, 0}};
        state[c.name] = 1;
        while (!path.empty()) {
            auto& [n, next] = path.back();
            const auto& out = graph[n];
            if (next == out.size()) {
                state[n] = 2;
                path.pop_back();
                continue;
            }
            const std::string m = out[next++];
            if (state[m] == 1) return std::make_pair(n, m);
            if (state[m] == 0) {
                state[m] = 1;
                path.emplace_back(m, 0);
            }
        }
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

bool valid_identifier(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
    return std::all_of(s.begin(), s.end(),
                       [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

// The platform name becomes the default report folder: keep it a plain file name.
bool plain_name(const std::string& n) {
    return !n.empty() && n.size() <= 64 && n[0] != '.' &&
           std::all_of(n.begin(), n.end(), [](unsigned char c) {
               return std::isalnum(c) || c == '_' || c == '-' || c == '.';
           });
}

// A platform without a name takes its file's, made plain (or "platform" if that fails).
std::string name_from_file(const std::string& file) {
    std::string name = fs::path(file).stem().string();
    for (auto& c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
            c = '_';
    if (!plain_name(name)) name = "platform";
    return name;
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v)
        out += (out.empty() ? "" : ", ") + s;
    return out;
}

// "a.b" -> {"a", "b"}; errors name @p pointer.
std::pair<std::string, std::string> split_endpoint(const json& value, const std::string& file,
                                                   const std::string& pointer) {
    const std::string expected = "\"component.socket\" such as \"bus.in\" or \"ctrl.out\"";
    if (!value.is_string()) throw ConfigError(file, pointer, expected, describe_json(value));
    const std::string s = value.get<std::string>();
    const auto dot = s.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == s.size() ||
        s.find('.', dot + 1) != std::string::npos)
        throw ConfigError(file, pointer, expected, describe_json(value));
    return {s.substr(0, dot), s.substr(dot + 1)};
}

// A connection's "base" or "size" (nothing if absent): a non-negative integer or an address text.
std::optional<std::uint64_t> read_address(const json& connection, const char* key,
                                          const std::string& file, const std::string& ptr) {
    if (!connection.contains(key)) return std::nullopt;
    const json& v = connection[key];
    const std::string where = ptr + "/" + key;
    const std::string expected = "an address or size (an integer, \"0x1000\" or \"64 KiB\")";
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_number_integer() && v.get<long long>() >= 0)
        return static_cast<std::uint64_t>(v.get<long long>());
    if (v.is_string()) {
        std::string why;
        auto a = parse_address(v.get<std::string>(), &why);
        if (a) return a;
        throw ConfigError(file, where, expected, why);
    }
    throw ConfigError(file, where, expected, describe_json(v));
}

// An address-decoding component (a router): it accepts many initiators and has address ranges.
bool decodes(const ComponentConfig& c) {
    for (const auto& s : c.type->initiators)
        if (s.second) return true;
    return false;
}

// ---------------------------------------------------------------------------------------------
// Stage 1: read. The file must be a JSON text of sane size; parse errors point at line:column.

json read_document(const std::string& path) {
    return parse_json_text(read_input_file(path, std::uint64_t{64} << 20, "the platform file"),
                           path);
}

// Stage 1, continued: --set and --seed edit the document before validation, so what they write
// is checked exactly like the file's own values.
void apply_command_line(json& doc, const std::string& file, const LoadOptions& options) {
    for (const auto& o : options.overrides)
        apply_override(doc, o);
    if (options.seed) {
        if (!doc.is_object()) throw ConfigError(file, "", "a JSON object", describe_json(doc));
        doc["seed"] = *options.seed;
    }
}

// ---------------------------------------------------------------------------------------------
// Stages 2-8, in the order parse_config runs them. Each stage checks one part of the document
// and leaves in the members below what the later stages need.

struct Loader {
    Loader(const std::string& file_, const std::string& dir_, const LoadOptions& options_)
        : file(file_), dir(dir_), options(options_) {}

    const std::string& file;
    const std::string& dir;
    const LoadOptions& options;
    PlatformConfig cfg;
    Params top;                                             // the validated top level
    std::map<std::string, std::vector<std::string>> groups; // group name -> members
    std::set<std::string> names;                            // every component's name
    const ComponentConfig* ctrl = nullptr;                  // the one controller
    std::set<std::string> bound_targets;                    // non-router targets connected
    std::map<std::string, std::vector<std::string>> edges;  // component -> components it reaches
    std::set<std::string> reachable;                        // what the controller reaches

    void read_top_level(const json& doc);
    void read_devices();
    void read_technology();
    void read_components();
    void read_component(const json& c, const std::string& ptr);
    void declare(const std::string& name, int count, const BlockType* type, const Params& params,
                 const std::string& ptr);
    void add_controller();
    void read_connections();
    void read_connection(const json& c, const std::string& ptr);
    bool read_analog_link(const json& c, const std::string& ptr, const std::string& from,
                          const std::string& from_port, const std::string& to,
                          const std::string& to_port);
    void check_analog();
    std::map<std::string, std::vector<AnalogPortSpec>> analog_ports; // component -> its ports
    std::set<std::string> analog_bound;                              // "b.port" inputs connected
    const std::vector<AnalogPortSpec>& ports_of(const ComponentConfig& c);
    void check_sockets();
    void check_ranges();
    void check_loops();
    void check_connected();
    void reach(const std::string& n);
    void fill_info();
    void read_workload();
};

// Stage 2: the top level. Its keys are checked against the table; the name must stay a plain
// file name, because it becomes the default report folder.
void Loader::read_top_level(const json& doc) {
    cfg.file = file;
    cfg.dir = dir;
    top = Params::validate(doc, platform_param_table(), file, "");
    cfg.name = top.string("name");
    if (!cfg.name.empty() && !plain_name(cfg.name))
        throw ConfigError(file, "/name",
                          "a plain name (letters, digits, '_', '-', '.'; not starting with '.'; "
                          "up to 64 characters)",
                          describe_json(top.raw("name")));
    if (cfg.name.empty()) cfg.name = name_from_file(file);
    cfg.description = top.string("description");
    cfg.seed = static_cast<std::uint64_t>(top.integer("seed"));
    cfg.quantum_s = top.number("quantum");
}

// Stage 3: devices. Presets and their overrides are checked once, at /devices, before any
// component's parameters refer to a device by name.
void Loader::read_devices() {
    cfg.devices = std::make_shared<DeviceLibrary>(DeviceLibrary::default_search_dirs(dir));
    cfg.devices->load_section(top.raw("devices"), file, "/devices");
}

// Stage 3: the technology, before any block is priced in it.
void Loader::read_technology() {
    cfg.technology = std::make_shared<Technology>(
        Technology::from_config(top.raw("technology"), file, "/technology", &cfg.technology_name));
}

// Stage 4: components and groups. Every block needs a known type and valid parameters before
// anything is built, and a name that connections and the workload can refer to.
void Loader::read_components() {
    const json& comps = top.raw("components");
    if (!comps.is_array() || comps.empty())
        throw ConfigError(file, "/components", "a non-empty array of components",
                          describe_json(comps));
    for (std::size_t i = 0; i < comps.size(); ++i)
        read_component(comps[i], "/components/" + std::to_string(i));
}

// Stage 4: one declaration; name, type and count are checked first, as everything else
// depends on them.
void Loader::read_component(const json& c, const std::string& ptr) {
    if (!c.is_object()) throw ConfigError(file, ptr, "a component object", describe_json(c));
    auto name_it = c.find("name");
    if (name_it == c.end())
        throw ConfigError(file, ptr + "/name", "a name for the component", "nothing");
    if (!name_it->is_string() || !valid_identifier(name_it->get<std::string>()))
        throw ConfigError(file, ptr + "/name",
                          "an identifier (letters, digits, _; up to 64 characters)",
                          describe_json(*name_it));
    const std::string name = name_it->get<std::string>();
    auto type_it = c.find("type");
    if (type_it == c.end())
        throw ConfigError(file, ptr + "/type",
                          "a component type (" + join(Registry::instance().names()) + ")",
                          "nothing");
    const BlockType* type =
        type_it->is_string() ? Registry::instance().find(type_it->get<std::string>()) : nullptr;
    if (!type)
        throw ConfigError(file, ptr + "/type",
                          "a component type (" + join(Registry::instance().names()) + ")",
                          describe_json(*type_it));
    int count = 0; // 0: a single component, not a group
    auto count_it = c.find("count");
    if (count_it != c.end()) {
        if (!count_it->is_number_integer() || count_it->get<long long>() < 1 ||
            count_it->get<long long>() > kMaxGroupCount)
            throw ConfigError(file, ptr + "/count",
                              "an integer in [1, " + std::to_string(kMaxGroupCount) + "]",
                              describe_json(*count_it));
        count = static_cast<int>(count_it->get<long long>());
    }
    Params params = Params::validate(c, type->params, file, ptr, {"name", "type", "count"});
    declare(name, count, type, params, ptr);
}

// Stage 4: expand "count" into members name0..nameN-1. A name is one component or one group,
// never both and never twice, so every reference to it is unambiguous.
void Loader::declare(const std::string& name, int count, const BlockType* type,
                     const Params& params, const std::string& ptr) {
    auto add = [&](const std::string& n) {
        if (groups.count(n) || !names.insert(n).second)
            throw ConfigError(file, ptr + "/name", "a name no other component has",
                              "\"" + n + "\" again");
        cfg.index[n] = cfg.components.size();
        cfg.components.push_back({n, type, params, ptr});
    };
    if (count == 0) {
        if (groups.count(name))
            throw ConfigError(file, ptr + "/name", "a name no other component has",
                              "\"" + name + "\" again");
        add(name);
    } else {
        if (names.count(name) || groups.count(name))
            throw ConfigError(file, ptr + "/name", "a name no other component has",
                              "\"" + name + "\" again");
        groups[name];
        for (int k = 0; k < count; ++k) {
            add(name + std::to_string(k));
            groups[name].push_back(name + std::to_string(k));
        }
    }
}

// Stage 5: the controller. Exactly one runs the workload; a file that declares none gets one
// named "ctrl", unless that name is taken.
void Loader::add_controller() {
    int controllers = 0;
    for (const auto& c : cfg.components)
        if (c.type->name == "controller") ++controllers;
    if (controllers > 1)
        throw ConfigError(file, "/components", "exactly one component of type \"controller\"",
                          std::to_string(controllers));
    if (controllers == 0) {
        if (names.count("ctrl") || groups.count("ctrl"))
            throw ConfigError(file, "/components",
                              "a component of type \"controller\" (the name \"ctrl\" is taken, so "
                              "none can be added implicitly)",
                              "none");
        const BlockType* type = Registry::instance().find("controller");
        cfg.index["ctrl"] = cfg.components.size();
        cfg.components.push_back(
            {"ctrl", type, Params::validate(json::object(), type->params, file, "/components/-"),
             "/components/-"});
    }
    // No component is added after this, so the pointer stays valid.
    for (const auto& c : cfg.components)
        if (c.type->name == "controller") ctrl = &c;
}

// Stage 6: connections. Each names declared components; a connection to a group becomes one
// per member, member k at base + k * size, so every range must fit in 64 bits.
void Loader::read_connections() {
    const json& conns = top.raw("connections");
    if (!conns.is_array())
        throw ConfigError(file, "/connections", "an array of connections", describe_json(conns));
    for (std::size_t i = 0; i < conns.size(); ++i)
        read_connection(conns[i], "/connections/" + std::to_string(i));
}

// Stage 6: one connection, checked key by key in the order a reader would fix them.
void Loader::read_connection(const json& c, const std::string& ptr) {
    if (!c.is_object()) throw ConfigError(file, ptr, "a connection object", describe_json(c));
    for (auto it = c.begin(); it != c.end(); ++it)
        if (it.key() != "from" && it.key() != "to" && it.key() != "base" && it.key() != "size" &&
            it.key() != "length" && it.key() != "first" && it.key() != "count")
            throw ConfigError(file, ptr + "/" + it.key(),
                              "one of the known keys (\"from\", \"to\", \"base\", \"size\", "
                              "\"length\", \"first\", \"count\")",
                              "unknown key \"" + it.key() + "\"");
    if (!c.contains("from"))
        throw ConfigError(file, ptr + "/from", "\"component.socket\"", "nothing");
    if (!c.contains("to")) throw ConfigError(file, ptr + "/to", "\"component.socket\"", "nothing");
    auto [from, from_socket] = split_endpoint(c["from"], file, ptr + "/from");
    auto [to, to_socket] = split_endpoint(c["to"], file, ptr + "/to");
    if (!cfg.find(from)) {
        std::string why = groups.count(from) ? " (a group: connect from one member)" : "";
        throw ConfigError(file, ptr + "/from", "the name of a declared component" + why,
                          "\"" + from + "\"");
    }
    if (read_analog_link(c, ptr, from, from_socket, to, to_socket)) return;
    for (const char* key : {"length", "first", "count"})
        if (c.contains(key))
            throw ConfigError(file, ptr + "/" + key,
                              std::string("no ") + key +
                                  ": only analog links (an analog output to an analog input) "
                                  "have one",
                              describe_json(c[key]));
    const std::optional<std::uint64_t> base = read_address(c, "base", file, ptr);
    const std::optional<std::uint64_t> size = read_address(c, "size", file, ptr);
    if (size && *size == 0) throw ConfigError(file, ptr + "/size", "a size > 0", "0");
    if (base && size && *base > ~std::uint64_t{0} - (*size - 1))
        throw ConfigError(file, ptr + "/size", "a range that ends at or below 2^64",
                          "base " + format_address(*base) + " + size " + format_address(*size));

    std::vector<std::string> targets;
    if (cfg.find(to))
        targets.push_back(to);
    else if (groups.count(to))
        targets = groups[to];
    else
        throw ConfigError(file, ptr + "/to", "the name of a declared component or group",
                          "\"" + to + "\"");
    // The same rule as one range: the last member may end exactly at 2^64.
    if (base && size && targets.size() > 1 &&
        static_cast<unsigned __int128>(*base) +
                static_cast<unsigned __int128>(*size) * targets.size() >
            (static_cast<unsigned __int128>(1) << 64))
        throw ConfigError(file, ptr + "/size",
                          "ranges for all " + std::to_string(targets.size()) +
                              " members that end at or below 2^64",
                          "base + " + std::to_string(targets.size()) + " x size beyond it");
    if (targets.size() > 1 && base && !size)
        throw ConfigError(
            file, ptr + "/size",
            "a size when a group gets a base address (member k sits at base + k * size)",
            "nothing");
    for (std::size_t k = 0; k < targets.size(); ++k) {
        ConnectionConfig cc;
        cc.from = from;
        cc.from_socket = from_socket;
        cc.to = targets[k];
        cc.to_socket = to_socket;
        cc.pointer = ptr;
        if (base) cc.base = *base + (size ? *size * k : 0);
        cc.size = size;
        cfg.connections.push_back(cc);
    }
}

const std::vector<AnalogPortSpec>& Loader::ports_of(const ComponentConfig& c) {
    auto it = analog_ports.find(c.name);
    if (it == analog_ports.end())
        it = analog_ports
                 .emplace(c.name, c.type->analog_ports ? c.type->analog_ports(c.params)
                                                       : std::vector<AnalogPortSpec>{})
                 .first;
    return it->second;
}

namespace {
const AnalogPortSpec* find_port(const std::vector<AnalogPortSpec>& ports, const std::string& n) {
    for (const auto& p : ports)
        if (p.name == n) return &p;
    return nullptr;
}

// "act0.ain (current, 32 values)" for each port of one direction, or "" if none.
std::string port_list(const std::string& comp, const std::vector<AnalogPortSpec>& ports,
                      bool output) {
    std::string out;
    for (const auto& p : ports)
        if (p.output == output)
            out += (out.empty() ? "" : ", ") + comp + "." + p.name + " (" +
                   analog_signal_name(p.signal) + ", " + std::to_string(p.width) + " values)";
    return out;
}
} // namespace

// Stage 6: an analog link, if either end names an analog port (false: a TLM connection). An
// analog output drives analog inputs of its kind and width, point to point, never a socket.
bool Loader::read_analog_link(const json& c, const std::string& ptr, const std::string& from,
                              const std::string& from_port, const std::string& to,
                              const std::string& to_port) {
    const ComponentConfig* src = cfg.find(from);
    const ComponentConfig* dst = cfg.find(to);
    const AnalogPortSpec* out = find_port(ports_of(*src), from_port);
    const AnalogPortSpec* in = dst ? find_port(ports_of(*dst), to_port) : nullptr;
    const std::string endpoint_to = "\"" + to + "." + to_port + "\"";
    if (!out) {
        if (!in) return false;
        const std::string outs = port_list(from, ports_of(*src), true);
        throw ConfigError(file, ptr + "/from",
                          "an analog output to drive analog input " + to + "." + to_port + " (" +
                              (outs.empty() ? "a " + src->type->name + " has none" : outs) + ")",
                          "\"" + from + "." + from_port + "\", not an analog output");
    }
    if (!out->output)
        throw ConfigError(
            file, ptr + "/from",
            "an analog output (" +
                [&] {
                    const std::string l = port_list(from, ports_of(*src), true);
                    return l.empty() ? "a " + src->type->name + " has none" : l;
                }() +
                ")",
            "\"" + from + "." + from_port + "\", an analog input");
    if (!dst)
        throw ConfigError(file, ptr + "/to",
                          "one component's analog input" +
                              std::string(groups.count(to) ? " (a group: link each member on "
                                                             "its own, e.g. " +
                                                                 to + "0." + to_port + ")"
                                                           : ""),
                          endpoint_to);
    const std::string ins = port_list(to, ports_of(*dst), false);
    const std::string expected_in = "an analog " + std::string(analog_signal_name(out->signal)) +
                                    " input of " + std::to_string(out->width) + " values (" +
                                    (ins.empty() ? "a " + dst->type->name + " has none" : ins) +
                                    ")";
    if (!in)
        throw ConfigError(file, ptr + "/to", expected_in,
                          endpoint_to + (to_port == "in" && dst->type->has_target
                                             ? ", a TLM target socket"
                                             : ", no analog input"));
    if (in->output)
        throw ConfigError(file, ptr + "/to", expected_in, endpoint_to + ", an analog output");
    if (in->signal != out->signal)
        throw ConfigError(file, ptr + "/to", expected_in,
                          endpoint_to + ", a " + analog_signal_name(in->signal) + " input");
    // A slice: the link carries values [first, first + count) of the output (a bank's outputs
    // spread over the row blocks of the next layer's tiles, a tile's unused columns left out).
    const auto slice_key = [&](const char* key, int low, int high, int fallback) {
        if (!c.contains(key)) return fallback;
        const json& v = c[key];
        const std::string expected = "an integer from " + std::to_string(low) + " to " +
                                     std::to_string(high) + " (" + from + "." + from_port +
                                     " carries " + std::to_string(out->width) + " values)";
        if (!v.is_number_integer() || v.get<long long>() < low || v.get<long long>() > high)
            throw ConfigError(file, ptr + "/" + key, expected, describe_json(v));
        return static_cast<int>(v.get<long long>());
    };
    const int first = slice_key("first", 0, out->width - 1, 0);
    const int count = slice_key("count", 1, out->width - first, out->width - first);
    const std::string carried = count == out->width
                                    ? std::to_string(count)
                                    : std::to_string(count) + " (values " + std::to_string(first) +
                                          " to " + std::to_string(first + count - 1) + ")";
    if (in->width != count)
        throw ConfigError(file, ptr + "/to",
                          "an analog " + std::string(analog_signal_name(out->signal)) +
                              " input of " + std::to_string(count) + " values (" +
                              (ins.empty() ? "a " + dst->type->name + " has none" : ins) + "); " +
                              from + "." + from_port + " carries " + carried,
                          endpoint_to + " of " + std::to_string(in->width) + " values");
    for (const char* key : {"base", "size"})
        if (c.contains(key))
            throw ConfigError(file, ptr + "/" + key,
                              "no address range: an analog link connects point to point",
                              describe_json(c[key]));
    if (from == to) throw ConfigError(file, ptr + "/to", "another component", "a loop to itself");
    if (!analog_bound.insert(to + "." + to_port).second)
        throw ConfigError(file, ptr + "/to",
                          "an analog input not yet connected (" + to + "." + to_port +
                              " takes one link)",
                          "a second link");
    // A current cannot be shared: each value of a current output goes down one link (slices
    // of one output may go to different inputs if they do not overlap).
    if (out->signal == AnalogSignal::current)
        for (const auto& l : cfg.analog_links)
            if (l.from == from && l.from_port == from_port && first < l.first + l.count &&
                l.first < first + count)
                throw ConfigError(file, ptr + "/from",
                                  "one link per value of a current output (" + from + "." +
                                      from_port + " already sends values " +
                                      std::to_string(l.first) + " to " +
                                      std::to_string(l.first + l.count - 1) + " to " + l.to + "." +
                                      l.to_port + "; a current cannot be shared)",
                                  "a second link over values " + std::to_string(first) + " to " +
                                      std::to_string(first + count - 1));
    AnalogLinkConfig link{from,    from_port,    to,
                          to_port, std::nullopt, ptr,
                          first,   count,        c.contains("first") || c.contains("count")};
    if (c.contains("length")) {
        const json& v = c["length"];
        const std::string expected = "a wire length in (0, 10 cm], e.g. \"200 um\"";
        std::optional<double> len;
        std::string why;
        if (v.is_number())
            len = v.get<double>();
        else if (v.is_string())
            len = parse_quantity(v.get<std::string>(), Unit::metre, &why);
        if (!len)
            throw ConfigError(file, ptr + "/length", expected,
                              why.empty() ? describe_json(v) : why);
        if (!(*len > 0.0 && *len <= 0.1))
            throw ConfigError(file, ptr + "/length", expected, describe_json(v));
        link.length_m = len;
    }
    cfg.analog_links.push_back(link);
    return true;
}

// Stage 7e: analog chains. A block's required analog input must be driven, and a chain must
// not loop: samples propagate by calls, and a loop would never end.
void Loader::check_analog() {
    for (const auto& c : cfg.components)
        for (const auto& p : ports_of(c))
            if (!p.output && p.required && !analog_bound.count(c.name + "." + p.name))
                throw ConfigError(file, c.pointer,
                                  "a link to " + c.name + "." + p.name + " (" + p.description +
                                      "), e.g. {\"from\": \"tile0.aout\", \"to\": \"" + c.name +
                                      "." + p.name + "\"}",
                                  "analog input " + c.name + "." + p.name + " not connected");
    std::map<std::string, std::vector<std::string>> out_of;
    for (const auto& l : cfg.analog_links)
        out_of[l.from].push_back(l.to);
    if (const auto loop = find_loop(cfg.components, out_of)) {
        const auto& [n, m] = *loop;
        std::string where = "/connections";
        for (const auto& l : cfg.analog_links)
            if (l.from == n && l.to == m) where = l.pointer;
        throw ConfigError(file, where + "/to", "an analog chain without loops",
                          "a loop through " + n + " and " + m);
    }
}

// Stage 7a: sockets. Every socket named must exist, and a point-to-point socket or a
// non-router target binds once, as a TLM socket does; this also builds the graph.
void Loader::check_sockets() {
    std::map<std::string, int> initiator_bindings;
    for (const auto& cc : cfg.connections) {
        const ComponentConfig* src = cfg.find(cc.from);
        const ComponentConfig* dst = cfg.find(cc.to);
        const auto& sockets = src->type->initiators;
        auto sit = std::find_if(sockets.begin(), sockets.end(),
                                [&](const auto& s) { return s.first == cc.from_socket; });
        if (sit == sockets.end()) {
            std::string list;
            for (const auto& s : sockets)
                list += (list.empty() ? "" : ", ") + cc.from + "." + s.first;
            throw ConfigError(file, cc.pointer + "/from",
                              list.empty() ? "an initiator socket (a " + src->type->name +
                                                 " has none: it can only be connected to)"
                                           : "an initiator socket (" + list + ")",
                              "\"" + cc.from + "." + cc.from_socket + "\"");
        }
        if (!sit->second && (cc.base || cc.size))
            throw ConfigError(file, cc.pointer + (cc.base ? "/base" : "/size"),
                              "no address range: " + cc.from + "." + cc.from_socket +
                                  " connects point to point",
                              "an address range");
        if (cc.to_socket != "in" || !dst->type->has_target)
            throw ConfigError(file, cc.pointer + "/to",
                              dst->type->has_target
                                  ? "a target socket (" + cc.to + ".in)"
                                  : "a target socket (a " + dst->type->name + " has none)",
                              "\"" + cc.to + "." + cc.to_socket + "\"");
        if (!sit->second && ++initiator_bindings[cc.from + "." + cc.from_socket] > 1)
            throw ConfigError(file, cc.pointer + "/from",
                              "one connection per point-to-point socket (" + cc.from + "." +
                                  cc.from_socket + " is already connected)",
                              "a second connection");
        // Routers accept many initiators; other targets exactly one.
        if (!decodes(*dst) && !bound_targets.insert(cc.to).second)
            throw ConfigError(file, cc.pointer + "/to",
                              "a target not yet connected (" + cc.to + ".in is already connected)",
                              "a second connection");
        if (cc.from == cc.to)
            throw ConfigError(file, cc.pointer + "/to", "another component", "a loop to itself");
        edges[cc.from].push_back(cc.to);
    }
}

// Stage 7b: address ranges. Two targets of one router must not overlap, or an address would
// decode to both.
void Loader::check_ranges() {
    std::map<std::string, std::vector<const ConnectionConfig*>> by_router;
    for (const auto& cc : cfg.connections)
        if (cc.base && cc.size) by_router[cc.from].push_back(&cc);
    for (auto& [router, list] : by_router) {
        // Ties keep the file's order, so the same file always names the same connection.
        std::stable_sort(list.begin(), list.end(),
                         [](const auto* a, const auto* b) { return *a->base < *b->base; });
        for (std::size_t i = 1; i < list.size(); ++i) {
            if (*list[i]->base <= *list[i - 1]->base + (*list[i - 1]->size - 1)) {
                const std::string buf =
                    format_range(*list[i]->base, *list[i]->size) + " overlaps " +
                    format_range(*list[i - 1]->base, *list[i - 1]->size) + " of " + list[i - 1]->to;
                throw ConfigError(file, list[i]->pointer + "/base",
                                  "an address range no other target of " + router + " uses", buf);
            }
        }
    }
}

// Stage 7c: loops. A cycle among routers would forward a transaction forever. The search keeps
// its own stack: a chain of many thousand routers must not exhaust the thread's.
void Loader::check_loops() {
    if (const auto loop = find_loop(cfg.components, edges)) {
        const auto& [n, m] = *loop;
        std::string where = "/connections";
        for (const auto& cc : cfg.connections)
            if (cc.from == n && cc.to == m) where = cc.pointer;
        throw ConfigError(file, where + "/to", "an interconnect without loops",
                          "a loop through " + n + " and " + m);
    }
}

// Stage 7d: reachability. A component the controller cannot reach (or a router that routes
// nowhere) could never take part in the run, so it is a mistake in the file.
void Loader::check_connected() {
    reach(ctrl->name);
    for (const auto& c : cfg.components) {
        if (c.type->name == "controller") {
            if (edges[c.name].empty())
                throw ConfigError(file, "/connections",
                                  "a connection from the controller, e.g. {\"from\": \"" + c.name +
                                      ".out\", \"to\": \"bus.in\"}",
                                  "none");
            continue;
        }
        if (!bound_targets.count(c.name) && !decodes(c))
            throw ConfigError(file, c.pointer,
                              "every component connected: add a connection to " + c.name + ".in",
                              "\"" + c.name + "\" connected to nothing");
        if (decodes(c) && edges[c.name].empty())
            throw ConfigError(file, c.pointer,
                              "a router with at least one target on its out socket",
                              "\"" + c.name + "\" routes to nothing");
        if (decodes(c) && !reachable.count(c.name))
            throw ConfigError(file, c.pointer, "a router the controller can reach",
                              "\"" + c.name + "\" is not connected to any initiator");
    }
}

// Everything downstream of @p n (not @p n itself) is reachable.
void Loader::reach(const std::string& n) {
    std::vector<std::string> todo{n};
    while (!todo.empty()) {
        const std::string from = std::move(todo.back());
        todo.pop_back();
        for (const auto& m : edges[from])
            if (reachable.insert(m).second) todo.push_back(m);
    }
}

// What a workload may know of the platform before it is built (addresses are set at build).
void Loader::fill_info() {
    for (const auto& c : cfg.components)
        cfg.info.components.push_back({c.name, c.type->name, &c.params, 0,
                                       &c == ctrl || reachable.count(c.name) > 0,
                                       cfg.devices.get()});
    cfg.info.file = file;
    cfg.info.seed = cfg.seed;
    cfg.info.config_dir = dir;
    cfg.info.devices = cfg.devices.get();
    cfg.info.technology = cfg.technology.get();
    for (const auto& l : cfg.analog_links)
        cfg.info.analog_links.push_back(
            {l.from, l.from_port, l.to, l.to_port, l.first, l.count, l.pointer});
}

// Stage 8: the workload. Its parameters depend on its kind; an empty one is allowed unless the
// command runs it.
void Loader::read_workload() {
    const json& wl = top.raw("workload");
    if (!wl.is_object()) throw ConfigError(file, "/workload", "an object", describe_json(wl));
    if (wl.empty()) {
        if (options.require_workload)
            throw ConfigError(
                file, "/workload",
                "a workload {\"kind\": " + join(WorkloadRegistry::instance().names()) + ", ...}",
                "none");
        return;
    }
    auto kind_it = wl.find("kind");
    const WorkloadKind* kind = kind_it != wl.end() && kind_it->is_string()
                                   ? WorkloadRegistry::instance().find(kind_it->get<std::string>())
                                   : nullptr;
    if (!kind)
        throw ConfigError(file, "/workload/kind",
                          "a workload kind (" + join(WorkloadRegistry::instance().names()) + ")",
                          kind_it == wl.end() ? "nothing" : describe_json(*kind_it));
    cfg.workload_kind = kind;
    cfg.workload_params = Params::validate(wl, kind->params, file, "/workload", {"kind"});
    cfg.has_workload = true;
}

// Stage 9: memory. Refuse, before anything is allocated, a platform whose estimated memory
// exceeds the limit.
void check_memory(PlatformConfig& cfg, const LoadOptions& options) {
    const std::uint64_t limit =
        options.memory_limit_bytes ? options.memory_limit_bytes : default_memory_limit_bytes();
    double total = 0, largest = 0;
    std::string largest_what, largest_ptr = "/components";
    std::map<std::string, double> by_decl; // per declaration (groups summed)
    for (const auto& c : cfg.components) {
        double b = c.type->estimate_bytes ? c.type->estimate_bytes(c.params) : 0.0;
        if (c.type->read_ahead_bytes)
            b += static_cast<double>(options.reads_ahead) * c.type->read_ahead_bytes(c.params);
        total += b;
        by_decl[c.pointer] += b;
    }
    for (const auto& [ptr, b] : by_decl) {
        if (b > largest) {
            largest = b;
            largest_ptr = ptr;
            largest_what = "the components at " + ptr;
        }
    }
    if (cfg.has_workload && cfg.workload_kind->estimate_bytes) {
        const double b = cfg.workload_kind->estimate_bytes(cfg.workload_params, cfg.info);
        total += b;
        if (b > largest) {
            largest = b;
            largest_ptr = "/workload";
            largest_what = "the workload's data";
        }
    }
    cfg.memory_estimate_bytes = total;
    // NaN (an estimate that overflowed along the way) is refused too.
    if (!(total <= static_cast<double>(limit)))
        throw ConfigError(cfg.file, largest_ptr,
                          "a platform that fits the memory limit of " +
                              format_bytes(static_cast<double>(limit)) +
                              " (change it with --memory-limit)",
                          "an estimated " + format_bytes(total) + ", of which " +
                              format_bytes(largest) + " for " + largest_what);
}

} // namespace

PlatformConfig load_config(const std::string& path, const LoadOptions& options) {
    json doc = read_document(path);
    std::string dir = fs::path(path).parent_path().string();
    if (dir.empty()) dir = ".";
    return parse_config(std::move(doc), path, dir, options);
}

// The stages run in a fixed order, which is also the order errors are reported in: a file
// with several mistakes always names the same one first.
PlatformConfig parse_config(json doc, const std::string& file, const std::string& dir,
                            const LoadOptions& options) {
    apply_command_line(doc, file, options);
    Loader loader(file, dir, options);
    loader.read_top_level(doc);
    loader.read_devices();
    loader.read_technology();
    loader.read_components();
    loader.add_controller();
    loader.read_connections();
    loader.check_sockets();
    loader.check_ranges();
    loader.check_loops();
    loader.check_connected();
    loader.check_analog();
    loader.fill_info();
    loader.read_workload();
    check_memory(loader.cfg, options);
    loader.cfg.document = std::move(doc);
    loader.cfg.overrides = options.overrides;
    return std::move(loader.cfg);
}

} // namespace neurotlm
