#include "neurotlm/workloads/trace.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

#include <set>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "neurotlm/workloads/npy.h"

namespace neurotlm {

ParamTable TraceReplay::param_table() {
    ParamTable t;
    t.string("file", nullptr, "JSON-lines trace of operations on named components")
        .boolean("record_outputs", true, "write every collected output vector into the report");
    return t;
}

TraceReplay::~TraceReplay() = default;

TraceReplay::TraceReplay(const Params& p, const PlatformInfo& platform) {
    m_path = resolve_path(platform.config_dir, p.string("file"));
    m_record = p.boolean("record_outputs");
    try {
        check_input_file(m_path, "the trace");
    } catch (const InputError& e) {
        throw ConfigError(platform.file, p.pointer_of("file"), "a readable trace file", e.what());
    }
    std::ifstream in(m_path);
    if (!in)
        throw ConfigError(platform.file, p.pointer_of("file"), "a readable trace file",
                          m_path + ": cannot open");
    const std::string base_dir = [&] {
        const auto slash = m_path.find_last_of('/');
        return slash == std::string::npos ? std::string(".") : m_path.substr(0, slash);
    }();
    std::string op_list;
    for (const auto& name : trace::all_operations())
        op_list += (op_list.empty() ? "" : ", ") + name;
    const std::string ops_expected = "an operation (" + op_list + ")";

    std::set<std::string> item_names;
    std::string text;
    int number = 0;
    while (std::getline(in, text)) {
        ++number;
        // Editors on some systems start a UTF-8 file with a byte-order mark; it is not content.
        if (number == 1 && text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
        const auto first = text.find_first_not_of(" \t\r");
        if (first == std::string::npos || text[first] == '#') continue;
        add_line(text, number, base_dir, platform, ops_expected, item_names);
    }
    if (m_steps.empty())
        throw ConfigError(platform.file, p.pointer_of("file"), "a trace with operations",
                          m_path + " has none");
    if (item_names.size() == 1) m_item_name = *item_names.begin();
}

void TraceReplay::add_line(const std::string& text, int number, const std::string& base_dir,
                           const PlatformInfo& platform, const std::string& ops_expected,
                           std::set<std::string>& item_names) {
    trace::Line line;
    line.number = number;
    line.where = m_path + ":" + std::to_string(number);
    line.base_dir = base_dir;
    line.read_matrix = [where = line.where, base_dir,
                        matrices = &m_matrices](const std::string& file, const std::string& pointer,
                                                int& rows, int& cols) {
        // A file named on many lines is read once: the lines share its array, as the memory
        // estimate counts it.
        const std::string path = resolve_path(base_dir, file);
        if (auto it = matrices->find(path); it != matrices->end()) {
            rows = it->second.rows;
            cols = it->second.cols;
            return it->second.data;
        }
        NpyArray a;
        try {
            a = read_npy(path);
        } catch (const InputError& e) {
            throw ConfigError(where, pointer, "a readable 2-D .npy file", e.what());
        }
        if (a.shape.size() != 2)
            throw ConfigError(where, pointer, "a 2-D array (inputs x outputs)",
                              std::to_string(a.shape.size()) + " dimensions");
        rows = static_cast<int>(a.shape[0]);
        cols = static_cast<int>(a.shape[1]);
        for (float v : a.data)
            if (!std::isfinite(v))
                throw ConfigError(where, pointer, "finite weights", "NaN or infinity");
        Matrix& m = (*matrices)[path];
        m.rows = rows;
        m.cols = cols;
        m.data = std::make_shared<const std::vector<float>>(std::move(a.data));
        return m.data;
    };
    const std::string& where = line.where;
    json j;
    try {
        j = parse_json_text(text, where);
    } catch (const InputError& e) {
        throw ConfigError(where, "", "one JSON object per line", e.what());
    }
    if (!j.is_object()) throw ConfigError(where, "", "a JSON object", describe_json(j));
    if (!j.contains("op") || !j["op"].is_string())
        throw ConfigError(where, "/op", ops_expected,
                          j.contains("op") ? describe_json(j["op"]) : "nothing");
    const std::string op = j["op"].get<std::string>();
    Line step;
    step.number = number;
    if (op == "phase") {
        for (auto it = j.begin(); it != j.end(); ++it)
            if (it.key() != "op" && it.key() != "name")
                throw ConfigError(where, "/" + it.key(), "a key of \"phase\"",
                                  "unknown key \"" + it.key() + "\"");
        if (!j.contains("name") || !j["name"].is_string() || j["name"].get<std::string>().empty())
            throw ConfigError(where, "/name", "a phase name",
                              j.contains("name") ? describe_json(j["name"]) : "nothing");
        step.phase = j["name"].get<std::string>();
        m_steps.push_back(std::move(step));
        return;
    }
    const auto all = trace::all_operations();
    if (std::find(all.begin(), all.end(), op) == all.end())
        throw ConfigError(where, "/op", ops_expected, describe_json(j["op"]));
    if (!j.contains("component") || !j["component"].is_string())
        throw ConfigError(where, "/component", "the name of a component",
                          j.contains("component") ? describe_json(j["component"]) : "nothing");
    step.component = j["component"].get<std::string>();
    const ComponentInfo* info = platform.find(step.component);
    if (!info)
        throw ConfigError(where, "/component", "a component of the platform",
                          "\"" + step.component + "\"");
    const trace::BlockOps* ops = trace::find(info->type);
    auto op_it = ops ? ops->ops.find(op) : decltype(ops->ops.end()){};
    if (!ops || op_it == ops->ops.end()) {
        std::string has;
        if (ops)
            for (const auto& kv : ops->ops)
                has += (has.empty() ? "" : ", ") + kv.first;
        throw ConfigError(where, "/component", "a component with the operation \"" + op + "\"",
                          step.component + " is a " + info->type +
                              (ops ? " (operations: " + has + ")" : " (no trace operations)"));
    }
    if (!info->reachable)
        throw ConfigError(where, "/component", "a component the controller can reach",
                          step.component + " is not");
    for (auto it = j.begin(); it != j.end(); ++it) {
        const auto& keys = op_it->second;
        if (it.key() != "op" && it.key() != "component" &&
            std::find(keys.begin(), keys.end(), it.key()) == keys.end())
            throw ConfigError(where, "/" + it.key(), "a key of \"" + op + "\"",
                              "unknown key \"" + it.key() + "\"");
    }
    auto [cit, fresh] = m_components.try_emplace(step.component);
    if (fresh) cit->second = ops->create(*info);
    step.step = cit->second->parse(op, j, line);
    if (step.step->items() > 0) item_names.insert(ops->item_name);
    m_steps.push_back(std::move(step));
}

namespace {

/// What the steps see while the trace runs.
class ReplayContext : public trace::Replay {
public:
    ReplayContext(RunContext& ctx, bool record, std::uint64_t& items, double& ops, json& outputs)
        : m_ctx(ctx), m_record(record), m_items(items), m_ops(ops), m_outputs(outputs) {}
    RunContext& context() override { return m_ctx; }
    void setup(const std::function<void()>& work) override {
        m_ctx.phase("program");
        work();
        m_ctx.phase(m_phase);
    }
    void item(int line, const std::string& component, json output, double ops) override {
        ++m_items;
        m_ops += ops;
        if (m_record)
            m_outputs.push_back(
                {{"line", line}, {"component", component}, {"output", std::move(output)}});
    }
    void phase(const std::string& name) {
        m_phase = name;
        m_ctx.phase(name);
    }

private:
    RunContext& m_ctx;
    bool m_record;
    std::uint64_t& m_items;
    double& m_ops;
    json& m_outputs;
    std::string m_phase;
};

} // namespace

void TraceReplay::run(RunContext& ctx) {
    for (auto& kv : m_components)
        kv.second->attach(ctx.bus(), ctx.component(kv.first)->address);
    ReplayContext replay(ctx, m_record, m_items, m_ops, m_outputs);
    for (const Line& s : m_steps) {
        if (ctx.stop_requested()) break;
        if (!s.step)
            replay.phase(s.phase);
        else
            s.step->run(replay);
    }
    ctx.phase("");
}

json TraceReplay::resolved_paths() const {
    return {{"file", absolute_path(m_path)}};
}

WorkloadTotals TraceReplay::totals() const {
    WorkloadTotals t;
    t.items = m_items;
    std::uint64_t requested = 0;
    for (const auto& s : m_steps)
        if (s.step) requested += s.step->items();
    t.items_requested = requested;
    t.ops = m_ops;
    t.item_name = m_item_name;
    return t;
}

json TraceReplay::results() const {
    json j;
    j["trace"] = m_path;
    j["operations"] = m_steps.size();
    j[m_item_name == "mvm" ? "mvms" : "items"] = m_items;
    if (m_record) j["outputs"] = m_outputs;
    return j;
}

namespace {

/// Reads one trace line without building it: the top-level strings it names ("op",
/// "component", a "..._npy" file), without a document (a long line of numbers allocates
/// nothing here).
class LineScan : public json::json_sax_t {
public:
    std::map<std::string, std::string> strings;

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t& v) override {
        if (m_depth == 1 && !m_key.empty()) strings[m_key] = v;
        return true;
    }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override {
        ++m_depth;
        return true;
    }
    bool key(string_t& k) override {
        if (m_depth == 1) m_key = k;
        return true;
    }
    bool end_object() override {
        --m_depth;
        return true;
    }
    bool start_array(std::size_t) override {
        ++m_depth;
        return true;
    }
    bool end_array() override {
        --m_depth;
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const json::exception&) override {
        return false;
    }

private:
    int m_depth = 0;
    std::string m_key;
};

} // namespace

double TraceReplay::estimate_bytes(const Params& p, const PlatformInfo& platform) {
    const std::string path = resolve_path(platform.config_dir, p.string("file"));
    // A file that cannot be read (or must not be: a FIFO) is reported when the workload is
    // built.
    try {
        check_input_file(path, "the trace");
    } catch (const InputError&) {
        return 0.0;
    }
    std::ifstream in(path);
    if (!in) return 0.0;
    const std::string base_dir = [&] {
        const auto slash = path.find_last_of('/');
        return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
    }();
    // A number in a line takes at least two characters with its separator and becomes at most
    // a float32 (4 bytes) plus a JSON value in the report (16) and a pattern byte: 9 bytes a
    // character bounds what a line's own numbers become. The line being parsed holds a JSON
    // document of up to 16 bytes a character (a value per two, vectors doubling).
    constexpr double kHeldPerChar = 9.0, kParsePerChar = 16.0, kPerLine = 128.0;
    double held = 0.0, longest = 0.0, files = 0.0, file_peak = 0.0;
    std::set<std::string> seen;
    std::map<std::string, double> step_bytes; // per component
    std::string text;
    while (std::getline(in, text)) {
        const auto first = text.find_first_not_of(" \t\r");
        if (first == std::string::npos || text[first] == '#') continue;
        const double chars = static_cast<double>(text.size());
        held += kHeldPerChar * chars + kPerLine;
        longest = std::max(longest, chars);
        LineScan scan;
        if (!json::sax_parse(text, &scan, json::input_format_t::json, false)) continue;
        const auto component = scan.strings.find("component");
        if (component != scan.strings.end()) {
            auto [it, fresh] = step_bytes.try_emplace(component->second, 0.0);
            if (fresh) {
                const ComponentInfo* info = platform.find(component->second);
                const trace::BlockOps* ops = info ? trace::find(info->type) : nullptr;
                if (ops && ops->step_bytes) it->second = ops->step_bytes(*info);
            }
            held += it->second;
        }
        for (const auto& [key, value] : scan.strings) {
            if (key.size() < 4 || key.compare(key.size() - 4, 4, "_npy") != 0) continue;
            const std::string file = resolve_path(base_dir, value);
            if (!seen.insert(file).second) continue; // shared: counted once
            try {
                const NpyInfo info = read_npy_header(file);
                files += static_cast<double>(info.size()) * 4.0;
                file_peak = std::max(file_peak, static_cast<double>(info.size()) * info.item_bytes);
            } catch (const InputError&) {
                // unreadable: reported when the line is parsed
            }
        }
    }
    return held + files + std::max(file_peak, kParsePerChar * longest);
}

namespace {
const bool kRegistered = register_workload<TraceReplay>(
    "trace",
    "replay a JSON-lines trace of operations on named blocks (crossbar tiles, Hopfield "
    "arrays, any block type that registers trace operations)",
    TraceReplay::estimate_bytes);
} // namespace

} // namespace neurotlm
