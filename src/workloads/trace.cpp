#include "neurotlm/workloads/trace.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

#include "neurotlm/blocks/crossbar/crossbar.h"
#include "neurotlm/core/error.h"
#include "neurotlm/blocks/crossbar/tile_driver.h"
#include "neurotlm/workloads/npy.h"

namespace neurotlm {

ParamTable TraceReplay::param_table() {
    ParamTable t;
    t.string("file", nullptr, "JSON-lines trace of operations on named components")
        .boolean("record_outputs", true, "write every collected output vector into the report");
    return t;
}

namespace {

std::vector<float> float_vector(const json& v, const std::string& where, const std::string& file) {
    if (!v.is_array() || v.empty()) throw ConfigError(file, where, "a non-empty array of numbers", describe_json(v));
    std::vector<float> out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        // Values are stored as float32 in the tile's windows: they must stay finite there.
        if (!v[i].is_number() || !std::isfinite(v[i].get<double>()) ||
            !std::isfinite(v[i].get<float>()))
            throw ConfigError(file, where + "/" + std::to_string(i),
                              "a finite number within float32 range", describe_json(v[i]));
        out.push_back(v[i].get<float>());
    }
    return out;
}

} // namespace

TraceReplay::TraceReplay(const Params& p, const PlatformInfo& platform) {
    m_path = resolve_path(platform.config_dir, p.string("file"));
    m_record = p.boolean("record_outputs");
    std::ifstream in(m_path);
    if (!in) throw ConfigError(platform.file, p.pointer_of("file"), "a readable trace file", m_path + ": cannot open");
    const std::string base_dir = [&] {
        const auto slash = m_path.find_last_of('/');
        return slash == std::string::npos ? std::string(".") : m_path.substr(0, slash);
    }();

    struct TileShape {
        int rows = 0, cols = 0;            ///< the tile's inputs and outputs
        int used_rows = 0, used_cols = 0;  ///< the programmed block
        bool programmed = false;
        bool started = false;              ///< a start waits for its collect
    };
    std::map<std::string, TileShape> tiles;
    std::string text;
    int line = 0;
    while (std::getline(in, text)) {
        ++line;
        const auto first = text.find_first_not_of(" \t\r");
        if (first == std::string::npos || text[first] == '#') continue;
        const std::string where = m_path + ":" + std::to_string(line);
        json j;
        try {
            j = json::parse(text);
        } catch (const json::exception& e) {
            throw ConfigError(where, "", "one JSON object per line", std::string("invalid JSON: ") + e.what());
        }
        if (!j.is_object()) throw ConfigError(where, "", "a JSON object", describe_json(j));
        if (!j.contains("op") || !j["op"].is_string())
            throw ConfigError(where, "/op", "an operation (program, input_range, output_range, mvm, start, collect, phase)",
                              j.contains("op") ? describe_json(j["op"]) : "nothing");
        const std::string op = j["op"].get<std::string>();
        static const std::map<std::string, std::vector<std::string>> keys = {
            {"program", {"op", "component", "weights", "weights_npy", "weight_range"}},
            {"input_range", {"op", "component", "value"}},
            {"output_range", {"op", "component", "value"}},
            {"mvm", {"op", "component", "input"}},
            {"start", {"op", "component", "input"}},
            {"collect", {"op", "component"}},
            {"phase", {"op", "name"}},
        };
        auto kit = keys.find(op);
        if (kit == keys.end())
            throw ConfigError(where, "/op", "an operation (program, input_range, output_range, mvm, start, collect, phase)",
                              describe_json(j["op"]));
        for (auto it = j.begin(); it != j.end(); ++it)
            if (std::find(kit->second.begin(), kit->second.end(), it.key()) == kit->second.end())
                throw ConfigError(where, "/" + it.key(), "a key of \"" + op + "\"", "unknown key \"" + it.key() + "\"");
        Step s;
        s.line = line;
        if (op == "phase") {
            s.op = Op::phase;
            if (!j.contains("name") || !j["name"].is_string() || j["name"].get<std::string>().empty())
                throw ConfigError(where, "/name", "a phase name", j.contains("name") ? describe_json(j["name"]) : "nothing");
            s.name = j["name"].get<std::string>();
            m_steps.push_back(std::move(s));
            continue;
        }
        if (!j.contains("component") || !j["component"].is_string())
            throw ConfigError(where, "/component", "the name of a crossbar tile",
                              j.contains("component") ? describe_json(j["component"]) : "nothing");
        s.component = j["component"].get<std::string>();
        const ComponentInfo* info = platform.find(s.component);
        if (!info) throw ConfigError(where, "/component", "a component of the platform", "\"" + s.component + "\"");
        if (info->type != "crossbar_tile")
            throw ConfigError(where, "/component", "a crossbar_tile", s.component + " is a " + info->type);
        if (!info->reachable)
            throw ConfigError(where, "/component", "a component the controller can reach", s.component + " is not");
        auto [tit, fresh] = tiles.try_emplace(s.component);
        if (fresh) {
            const CrossbarSpec spec = CrossbarSpec::table().build(*info->params);
            tit->second.rows = spec.rows;
            tit->second.cols = spec.logical_cols();
        }
        TileShape& shape = tit->second;
        if (op == "program") {
            s.op = Op::program;
            if (j.contains("weights") == j.contains("weights_npy"))
                throw ConfigError(where, "/weights", "either \"weights\" (nested arrays) or \"weights_npy\"",
                                  j.contains("weights") ? "both" : "neither");
            if (j.contains("weights")) {
                const json& w = j["weights"];
                if (!w.is_array() || w.empty())
                    throw ConfigError(where, "/weights", "an array of rows (one per input)", describe_json(w));
                for (std::size_t r = 0; r < w.size(); ++r) {
                    auto row = float_vector(w[r], "/weights/" + std::to_string(r), where);
                    if (r == 0) s.cols = static_cast<int>(row.size());
                    else if (static_cast<int>(row.size()) != s.cols)
                        throw ConfigError(where, "/weights/" + std::to_string(r),
                                          "rows of " + std::to_string(s.cols) + " numbers", std::to_string(row.size()));
                    s.data.insert(s.data.end(), row.begin(), row.end());
                }
                s.rows = static_cast<int>(w.size());
            } else {
                if (!j["weights_npy"].is_string())
                    throw ConfigError(where, "/weights_npy", "a path to a .npy file", describe_json(j["weights_npy"]));
                const std::string path = resolve_path(base_dir, j["weights_npy"].get<std::string>());
                NpyArray a;
                try {
                    a = read_npy(path);
                } catch (const InputError& e) {
                    throw ConfigError(where, "/weights_npy", "a readable 2-D .npy file", e.what());
                }
                if (a.shape.size() != 2)
                    throw ConfigError(where, "/weights_npy", "a 2-D array (inputs x outputs)",
                                      std::to_string(a.shape.size()) + " dimensions");
                s.rows = static_cast<int>(a.shape[0]);
                s.cols = static_cast<int>(a.shape[1]);
                s.data = std::move(a.data);
                for (float v : s.data)
                    if (!std::isfinite(v)) throw ConfigError(where, "/weights_npy", "finite weights", "NaN or infinity");
            }
            if (s.rows > shape.rows || s.cols > shape.cols)
                throw ConfigError(where, "/weights",
                                  "at most " + std::to_string(shape.rows) + "x" + std::to_string(shape.cols) +
                                      " weights (the tile's inputs x outputs)",
                                  std::to_string(s.rows) + "x" + std::to_string(s.cols));
            float wmax = 0;
            for (float v : s.data) wmax = std::max(wmax, std::fabs(v));
            s.value = wmax > 0 ? wmax : 1.0f;
            if (j.contains("weight_range")) {
                const json& v = j["weight_range"];
                if (!v.is_number() || !(v.get<float>() > 0) || !std::isfinite(v.get<float>()))
                    throw ConfigError(where, "/weight_range", "a number > 0 within float32 range",
                                      describe_json(v));
                s.value = v.get<float>();
                if (wmax > s.value)
                    throw ConfigError(where, "/weight_range", "a range >= max |w| = " + std::to_string(wmax),
                                      describe_json(v));
            }
            if (shape.started)
                throw ConfigError(where, "/op", "a \"collect\" of " + s.component +
                                                    "'s running multiply before it is reprogrammed",
                                  "\"program\"");
            shape.programmed = true;
            shape.used_rows = s.rows;
            shape.used_cols = s.cols;
        } else if (op == "input_range" || op == "output_range") {
            s.op = op == "input_range" ? Op::input_range : Op::output_range;
            const json v = j.value("value", json());
            const bool ok = v.is_number() && std::isfinite(v.get<float>()) &&
                            (op == "input_range" ? v.get<float>() >= kMinInputRange
                                                 : v.get<float>() >= 0);
            if (!ok)
                throw ConfigError(where, "/value", op == "input_range" ? "a number >= 1e-30" : "a number >= 0 (0: automatic)",
                                  j.contains("value") ? describe_json(v) : "nothing");
            s.value = v.get<float>();
        } else if (op == "mvm" || op == "start") {
            s.op = op == "mvm" ? Op::mvm : Op::start;
            if (!shape.programmed)
                throw ConfigError(where, "/op", "a \"program\" of " + s.component + " before its first multiply", "\"" + op + "\"");
            if (!j.contains("input")) throw ConfigError(where, "/input", "an input vector", "nothing");
            s.data = float_vector(j["input"], "/input", where);
            if (static_cast<int>(s.data.size()) > shape.rows)
                throw ConfigError(where, "/input", "at most " + std::to_string(shape.rows) + " inputs",
                                  std::to_string(s.data.size()));
            // The tile has one output buffer: a second multiply before the collect would
            // overwrite the first one's result.
            if (shape.started)
                throw ConfigError(where, "/op",
                                  "a \"collect\" of " + s.component + "'s running multiply first",
                                  "\"" + op + "\"");
            s.rows = std::min(static_cast<int>(s.data.size()), shape.used_rows);
            s.cols = shape.used_cols;
            if (s.op == Op::start) shape.started = true;
        } else { // collect
            s.op = Op::collect;
            if (!shape.started)
                throw ConfigError(where, "/op", "a \"start\" on " + s.component + " before \"collect\"", "\"collect\"");
            shape.started = false;
            s.cols = shape.used_cols;
            for (auto it = m_steps.rbegin(); it != m_steps.rend(); ++it)
                if (it->component == s.component && it->op == Op::start) {
                    s.rows = it->rows;
                    break;
                }
        }
        m_steps.push_back(std::move(s));
    }
    if (m_steps.empty()) throw ConfigError(platform.file, p.pointer_of("file"), "a trace with operations", m_path + " has none");
}

void TraceReplay::run(RunContext& ctx) {
    std::map<std::string, CrossbarTileDriver> drivers;
    auto driver = [&](const std::string& name) -> CrossbarTileDriver& {
        auto it = drivers.find(name);
        if (it == drivers.end()) {
            it = drivers.emplace(name, CrossbarTileDriver(ctx.bus(), ctx.component(name)->address, name)).first;
            it->second.probe();
        }
        return it->second;
    };
    std::vector<float> out;
    std::string current_phase;
    for (const Step& s : m_steps) {
        if (ctx.stop_requested()) break;
        switch (s.op) {
        case Op::phase:
            current_phase = s.name;
            ctx.phase(s.name);
            break;
        case Op::program:
            ctx.phase("program");
            driver(s.component).program(s.data.data(), s.rows, s.cols, s.value);
            ctx.phase(current_phase);
            break;
        case Op::input_range: driver(s.component).set_input_range(s.value); break;
        case Op::output_range: driver(s.component).set_output_range(s.value); break;
        case Op::mvm:
        case Op::start: {
            std::vector<float> x(s.data);
            x.resize(static_cast<std::size_t>(driver(s.component).rows()), 0.0f);
            driver(s.component).start_mvm(x.data(), static_cast<int>(x.size()));
            if (s.op == Op::start) break;
        }
            [[fallthrough]];
        case Op::collect: {
            out.assign(static_cast<std::size_t>(s.cols), 0.0f);
            driver(s.component).collect(out.data(), s.cols);
            ++m_mvms;
            // Multiply-accumulates of the programmed block with the inputs given: 2 ops each.
            m_ops += 2.0 * s.rows * s.cols;
            if (m_record)
                m_outputs.push_back({{"line", s.line}, {"component", s.component}, {"output", out}});
            break;
        }
        }
    }
    ctx.phase("");
}

json TraceReplay::resolved_paths() const { return {{"file", absolute_path(m_path)}}; }

WorkloadTotals TraceReplay::totals() const {
    WorkloadTotals t;
    t.items = m_mvms;
    std::uint64_t requested = 0;
    for (const auto& s : m_steps)
        if (s.op == Op::mvm || s.op == Op::collect) ++requested;
    t.items_requested = requested;
    t.ops = m_ops;
    t.item_name = "mvm";
    return t;
}

json TraceReplay::results() const {
    json j;
    j["trace"] = m_path;
    j["operations"] = m_steps.size();
    j["mvms"] = m_mvms;
    if (m_record) j["outputs"] = m_outputs;
    return j;
}

namespace {
const bool kRegistered = register_workload<TraceReplay>(
    "trace", "replay a JSON-lines trace of operations on named crossbar tiles");
} // namespace

} // namespace neurotlm
