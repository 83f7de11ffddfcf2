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
    line.read_matrix = [where = line.where, base_dir](const std::string& file,
                                                      const std::string& pointer, int& rows,
                                                      int& cols) {
        NpyArray a;
        try {
            a = read_npy(resolve_path(base_dir, file));
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
        return std::move(a.data);
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
const bool kRegistered = register_workload<TraceReplay>(
    "trace", "replay a JSON-lines trace of operations on named blocks (crossbar tiles, Hopfield "
             "arrays, any block type that registers trace operations)");
} // namespace

} // namespace neurotlm
