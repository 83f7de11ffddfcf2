#include "neurotlm/report/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "neurotlm/core/rng.h"
#include "neurotlm/core/units.h"
#include "neurotlm/report/html.h"

namespace neurotlm {

namespace fs = std::filesystem;

namespace {
ClassEnergies::iterator find_class(ClassEnergies& e, const std::string& name) {
    return std::find_if(e.begin(), e.end(), [&](const auto& c) { return c.first == name; });
}
} // namespace

ClassEnergies energy_by_class(const std::vector<ActionRecord>& actions) {
    ClassEnergies out;
    for (const char* c : energy_class::kActionClasses)
        out.emplace_back(c, 0.0);
    for (const auto& a : actions) {
        auto it = find_class(out, a.energy_class);
        if (it == out.end()) it = out.insert(out.end(), {a.energy_class, 0.0});
        it->second += a.energy_J;
    }
    return out;
}

void add_class_energies(ClassEnergies& into, const ClassEnergies& more, double scale) {
    for (const auto& [name, e] : more) {
        auto it = find_class(into, name);
        if (it == into.end()) {
            // A class of its own goes before leakage, which stays last.
            auto leak = find_class(into, energy_class::leakage);
            it = into.insert(leak, {name, 0.0});
        }
        it->second += scale * e;
    }
}

double class_total(const ClassEnergies& e) {
    double s = 0.0;
    for (const auto& c : e)
        s += c.second;
    return s;
}

ClassEnergies ComponentReport::energy_by_class_J() const {
    ClassEnergies e = energy_by_class(actions);
    e.emplace_back(energy_class::leakage, leakage_energy_J);
    return e;
}

ClassEnergies Report::energy_by_class_J() const {
    ClassEnergies e = energy_by_class({});
    for (const auto& c : components)
        add_class_energies(e, energy_by_class(c.actions));
    e.emplace_back(energy_class::leakage, leakage_energy_J());
    return e;
}

ClassEnergies Report::work_energy_by_class_J() const {
    ClassEnergies e = energy_by_class_J();
    for (const auto& p : phases) {
        if (!p.setup) continue;
        add_class_energies(e, p.dynamic_by_class_J, -1.0);
        find_class(e, energy_class::leakage)->second -= p.leakage_energy_J;
    }
    // A class spent only in set-up leaves the rounding of the subtraction: none was spent.
    const ClassEnergies all = energy_by_class_J();
    for (auto& entry : e) {
        const std::string& name = entry.first;
        const auto it =
            std::find_if(all.begin(), all.end(), [&](const auto& c) { return c.first == name; });
        if (it != all.end() && std::fabs(entry.second) <= 1e-12 * std::fabs(it->second))
            entry.second = 0.0;
    }
    return e;
}

double Report::dynamic_energy_J() const {
    double s = 0;
    for (const auto& c : components)
        s += c.dynamic_energy_J;
    return s;
}
double Report::leakage_energy_J() const {
    double s = 0;
    for (const auto& c : components)
        s += c.leakage_energy_J;
    return s;
}
double Report::area_m2() const {
    double s = 0;
    for (const auto& c : components)
        s += c.area_m2;
    return s;
}
double Report::setup_time_s() const {
    double s = 0;
    for (const auto& p : phases)
        if (p.setup) s += p.latency_s;
    return s;
}
double Report::setup_energy_J() const {
    double s = 0;
    for (const auto& p : phases)
        if (p.setup) s += p.energy_J();
    return s;
}

namespace {

// JSON cannot hold NaN or infinity: a figure that does not exist is null.
json num(double v) {
    return std::isfinite(v) ? json(v) : json(nullptr);
}
double ratio(double a, double b) {
    return b > 0 ? a / b : std::nan("");
}

struct Totals {
    double energy_per_item_J, latency_per_item_s, throughput, tops_per_w, avg_power_W;
};

Totals derive(const Report& r) {
    Totals t{};
    const double items = static_cast<double>(r.items);
    t.energy_per_item_J = ratio(r.work_energy_J(), items);
    t.latency_per_item_s = ratio(r.work_time_s(), items);
    t.throughput = ratio(items, r.work_time_s());
    t.tops_per_w = ratio(r.ops, r.work_energy_J()) / 1e12;
    t.avg_power_W = ratio(r.energy_J(), r.simulated_time_s);
    return t;
}

} // namespace

json to_json(const Report& r, bool with_wall_clock) {
    json j;
    j["schema"] = "neurotlm-report";
    j["schema_version"] = kReportSchemaVersion;
    json run = {{"platform", r.platform},       {"config_file", r.config_file},
                {"config_hash", r.config_hash}, {"seed", r.seed},
                {"version", r.version},         {"complete", r.complete}};
    run["overrides"] = r.overrides;
    if (!r.complete) run["incomplete_reason"] = r.incomplete_reason;
    if (with_wall_clock) {
        run["wall_time_s"] = r.wall_time_s;
        run["started_at"] = r.started_at;
    }
    j["run"] = run;

    const Totals t = derive(r);
    j["totals"] = {
        {"workload", r.workload_kind},
        {"item", r.item_name},
        {"items", r.items},
        {"items_requested", r.items_requested},
        {"simulated_time_s", num(r.simulated_time_s)},
        {"energy_J", num(r.energy_J())},
        {"dynamic_energy_J", num(r.dynamic_energy_J())},
        {"leakage_energy_J", num(r.leakage_energy_J())},
        {"average_power_W", num(t.avg_power_W)},
        {"area_m2", num(r.area_m2())},
        {"setup_time_s", num(r.setup_time_s())},
        {"setup_energy_J", num(r.setup_energy_J())},
        {"latency_per_item_s", num(t.latency_per_item_s)},
        {"energy_per_item_J", num(t.energy_per_item_J)},
        {"throughput_items_per_s", num(t.throughput)},
        {"ops", num(r.ops)},
        {"tops_per_W", num(t.tops_per_w)},
    };
    {
        json all = json::object(), per_item = json::object();
        for (const auto& [c, e] : r.energy_by_class_J())
            all[c] = num(e);
        for (const auto& [c, e] : r.work_energy_by_class_J())
            per_item[c] = num(ratio(e, static_cast<double>(r.items)));
        j["totals"]["energy_by_class_J"] = all;
        j["totals"]["energy_per_item_by_class_J"] = per_item;
    }

    json comps = json::array();
    for (const auto& c : r.components) {
        json actions = json::array();
        for (const auto& a : c.actions) {
            actions.push_back(
                {{"action", a.name},
                 {"description", a.description},
                 {"energy_class", a.energy_class},
                 {"count", a.count},
                 {"energy_J", num(a.energy_J)},
                 {"energy_per_action_J", num(a.count ? a.energy_J / static_cast<double>(a.count)
                                                     : a.energy_per_action_J)}});
        }
        json stats = json::array();
        for (const auto& s : c.stats.all())
            stats.push_back({{"name", s.name},
                             {"value", num(s.value)},
                             {"unit", std::string(unit_symbol(s.unit))},
                             {"description", s.description}});
        json by_class = json::object();
        for (const auto& [cls, e] : c.energy_by_class_J())
            by_class[cls] = num(e);
        comps.push_back({{"name", c.name},
                         {"type", c.type},
                         {"energy_J", num(c.energy_J())},
                         {"energy_by_class_J", by_class},
                         {"dynamic_energy_J", num(c.dynamic_energy_J)},
                         {"leakage_energy_J", num(c.leakage_energy_J)},
                         {"leakage_power_W", num(c.leakage_power_W)},
                         {"busy_time_s", num(c.busy_time_s)},
                         {"utilisation", num(c.utilisation)},
                         {"area_m2", num(c.area_m2)},
                         {"actions", actions},
                         {"stats", stats}});
    }
    j["components"] = comps;

    json phases = json::array();
    for (const auto& p : r.phases) {
        json by_class = json::object();
        for (const auto& [cls, e] : p.dynamic_by_class_J)
            by_class[cls] = num(e);
        phases.push_back(
            {{"phase", p.name},
             {"setup", p.setup},
             {"entries", p.entries},
             {"latency_s", num(p.latency_s)},
             {"energy_J", num(p.energy_J())},
             {"dynamic_energy_J", num(p.dynamic_energy_J)},
             {"leakage_energy_J", num(p.leakage_energy_J)},
             {"latency_per_entry_s", num(ratio(p.latency_s, static_cast<double>(p.entries)))},
             {"energy_per_entry_J", num(ratio(p.energy_J(), static_cast<double>(p.entries)))},
             {"latency_per_item_s",
              num(p.setup ? std::nan("") : ratio(p.latency_s, static_cast<double>(r.items)))},
             {"energy_per_item_J",
              num(p.setup ? std::nan("") : ratio(p.energy_J(), static_cast<double>(r.items)))},
             {"dynamic_energy_by_class_J", by_class}});
    }
    j["phases"] = phases;
    j["workload"] = r.workload_results;
    if (!r.time_series.is_null()) j["time_series"] = r.time_series;
    return j;
}

json time_series_json(const ActivityLog& log, double end_s, double leakage_W) {
    // Work booked to end after the last block's idle time (a memory's own access time past
    // its initiator's end) still shows: the bins reach the last one holding anything.
    std::size_t bins = log.bins_used(end_s);
    for (std::size_t b = bins; b < ActivityLog::kBins; ++b) {
        bool used = false;
        for (std::size_t c = 0; c < log.classes().size() && !used; ++c)
            used = log.energy_J(c, b) != 0.0;
        for (std::size_t t = 0; t < log.track_names().size() && !used; ++t)
            used = log.busy_s(static_cast<int>(t), b) != 0.0;
        if (used) bins = b + 1;
    }
    const double bin = log.bin_s();
    json classes = json::object();
    std::vector<double> total(bins, leakage_W);
    for (std::size_t c = 0; c < log.classes().size(); ++c) {
        std::vector<double> w(bins);
        double sum = 0.0;
        for (std::size_t b = 0; b < bins; ++b) {
            w[b] = log.energy_J(c, b) / bin;
            total[b] += w[b];
            sum += w[b];
        }
        if (sum > 0.0) classes[log.classes()[c]] = w;
    }
    std::size_t peak = 0;
    for (std::size_t b = 1; b < bins; ++b)
        if (total[b] > total[peak]) peak = b;
    json busy = json::object();
    for (std::size_t t = 0; t < log.track_names().size(); ++t) {
        std::vector<double> f(bins);
        for (std::size_t b = 0; b < bins; ++b)
            f[b] = log.busy_s(static_cast<int>(t), b) / bin;
        busy[log.track_names()[t]] = f;
    }
    json phases = json::array();
    for (const PhaseMark& p : log.phases())
        phases.push_back({{"time_s", p.time_s}, {"phase", p.name}});
    // The last bin may extend past the end of the run: its power is over its full width.
    return {{"bin_s", bin},
            {"bins", bins},
            {"power_W", classes},
            {"leakage_W", leakage_W},
            {"total_power_W", total},
            {"peak_power_W", total[peak]},
            {"peak_time_s", (static_cast<double>(peak) + 0.5) * bin},
            {"utilisation", busy},
            {"phase_marks", phases},
            {"events_kept", log.events().size()},
            {"events_dropped", log.dropped_events()}};
}

namespace {
std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}
std::string csv_number(double v) {
    if (!std::isfinite(v)) return "";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}
} // namespace

std::string to_csv(const Report& r) {
    std::ostringstream os;
    os << "scope,name,metric,value,unit\n";
    auto row = [&](const std::string& scope, const std::string& name, const std::string& metric,
                   double value, const std::string& unit) {
        os << csv_field(scope) << ',' << csv_field(name) << ',' << csv_field(metric) << ','
           << csv_number(value) << ',' << csv_field(unit) << '\n';
    };
    const Totals t = derive(r);
    row("total", r.platform, "simulated_time", r.simulated_time_s, "s");
    row("total", r.platform, "energy", r.energy_J(), "J");
    row("total", r.platform, "dynamic_energy", r.dynamic_energy_J(), "J");
    row("total", r.platform, "leakage_energy", r.leakage_energy_J(), "J");
    row("total", r.platform, "average_power", t.avg_power_W, "W");
    row("total", r.platform, "area", r.area_m2(), "m^2");
    row("total", r.platform, "items", static_cast<double>(r.items), r.item_name);
    row("total", r.platform, "setup_time", r.setup_time_s(), "s");
    row("total", r.platform, "setup_energy", r.setup_energy_J(), "J");
    row("total", r.platform, "latency_per_item", t.latency_per_item_s, "s");
    row("total", r.platform, "energy_per_item", t.energy_per_item_J, "J");
    row("total", r.platform, "throughput", t.throughput, r.item_name + "/s");
    row("total", r.platform, "ops", r.ops, "op");
    row("total", r.platform, "tops_per_watt", t.tops_per_w, "TOPS/W");
    if (r.workload_results.contains("accuracy") && r.workload_results["accuracy"].is_number())
        row("total", r.platform, "accuracy", r.workload_results["accuracy"].get<double>(), "1");
    if (r.workload_results.contains("software_accuracy") &&
        r.workload_results["software_accuracy"].is_number())
        row("total", r.platform, "software_accuracy",
            r.workload_results["software_accuracy"].get<double>(), "1");
    for (const auto& [c, e] : r.energy_by_class_J())
        row("class", c, "energy", e, "J");
    for (const auto& [c, e] : r.work_energy_by_class_J())
        row("class", c, "energy_per_item", ratio(e, static_cast<double>(r.items)), "J");
    for (const auto& p : r.phases) {
        row("phase", p.name, "latency", p.latency_s, "s");
        row("phase", p.name, "energy", p.energy_J(), "J");
        row("phase", p.name, "entries", static_cast<double>(p.entries), "1");
        row("phase", p.name, "leakage_energy", p.leakage_energy_J, "J");
        for (const auto& [cls, e] : p.dynamic_by_class_J)
            row("phase_class", p.name + "." + cls, "energy", e, "J");
    }
    // Early exits: the static and dynamic networks' figures (the sweep is in exit_sweep.csv).
    if (r.workload_results.is_object() && r.workload_results.contains("early_exit") &&
        r.workload_results["early_exit"].is_object())
        for (const char* side : {"static", "dynamic"}) {
            const json& f = r.workload_results["early_exit"].value(side, json());
            if (!f.is_object()) continue;
            for (auto it = f.begin(); it != f.end(); ++it)
                if (it->is_number()) {
                    const std::string& k = it.key();
                    const bool joules = k.size() > 2 && k.substr(k.size() - 2) == "_J";
                    const bool seconds = k.size() > 2 && k.substr(k.size() - 2) == "_s";
                    row("early_exit", side, k, it->get<double>(),
                        joules                      ? "J"
                        : seconds                   ? "s"
                        : k == "macs_per_inference" ? "MAC"
                                                    : "1");
                } else if (it->is_array()) {
                    // Per exit, the last entry the images no exit took.
                    for (std::size_t k = 0; k < it->size(); ++k)
                        if ((*it)[k].is_number())
                            row("early_exit", side,
                                it.key() + "_" +
                                    (k + 1 < it->size() ? std::to_string(k + 1) : "end"),
                                (*it)[k].get<double>(), "1");
                }
        }
    // A network's layers as the workload mapped them (tiles, their use, reads per item).
    if (r.workload_results.is_object() && r.workload_results.contains("layers") &&
        r.workload_results["layers"].is_array())
        for (const auto& layer : r.workload_results["layers"]) {
            if (!layer.is_object() || !layer.contains("layer") || !layer["layer"].is_string())
                continue;
            const std::string name = layer["layer"].get<std::string>();
            for (const char* key : {"tiles_used", "copies", "utilisation", "reads_per_inference",
                                    "macs_per_inference"})
                if (layer.contains(key) && layer[key].is_number())
                    row("layer", name, key, layer[key].get<double>(), "1");
        }
    for (const auto& c : r.components) {
        row("component", c.name, "energy", c.energy_J(), "J");
        row("component", c.name, "dynamic_energy", c.dynamic_energy_J, "J");
        row("component", c.name, "leakage_energy", c.leakage_energy_J, "J");
        row("component", c.name, "busy_time", c.busy_time_s, "s");
        row("component", c.name, "utilisation", c.utilisation, "1");
        row("component", c.name, "area", c.area_m2, "m^2");
        for (const auto& [cls, e] : c.energy_by_class_J())
            row("component_class", c.name + "." + cls, "energy", e, "J");
        for (const auto& a : c.actions) {
            row("action", c.name + "." + a.name, "count", static_cast<double>(a.count), "1");
            row("action", c.name + "." + a.name, "energy", a.energy_J, "J");
        }
        for (const auto& s : c.stats.all())
            row("stat", c.name + "." + s.name, s.name, s.value, std::string(unit_symbol(s.unit)));
    }
    return os.str();
}

std::string exit_sweep_csv(const Report& r) {
    const json& w = r.workload_results;
    if (!w.is_object() || !w.contains("early_exit") || !w["early_exit"].is_object()) return {};
    const json& sweep = w["early_exit"].value("sweep", json::array());
    if (!sweep.is_array() || sweep.empty() || !sweep[0].is_object()) return {};
    const std::vector<const char*> keys = {"threshold",
                                           "accuracy",
                                           "macs_fraction",
                                           "energy_fraction",
                                           "energy_fraction_without_cam",
                                           "energy_fraction_without_exits",
                                           "latency_fraction",
                                           "latency_fraction_without_cam",
                                           "latency_fraction_without_exits",
                                           "macs_per_inference",
                                           "energy_per_inference_J",
                                           "energy_per_inference_without_cam_J",
                                           "energy_per_inference_without_exits_J",
                                           "latency_per_inference_s"};
    std::ostringstream os;
    for (const char* k : keys)
        os << k << ',';
    const std::size_t exits = sweep[0].value("exit_share", json::array()).size();
    // The last share is of the images no exit took.
    for (std::size_t k = 0; k < exits; ++k)
        os << (k + 1 < exits ? "share_exit_" + std::to_string(k + 1) + "," : "share_end");
    os << '\n';
    for (const json& p : sweep) {
        if (!p.is_object()) continue;
        for (const char* k : keys) {
            const auto it = p.find(k);
            os << (it != p.end() && it->is_number() ? csv_number(it->get<double>()) : "") << ',';
        }
        const json share = p.value("exit_share", json::array());
        for (std::size_t k = 0; k < exits; ++k)
            os << (k < share.size() && share[k].is_number() ? csv_number(share[k].get<double>())
                                                            : "")
               << (k + 1 < exits ? "," : "");
        os << '\n';
    }
    return os.str();
}

std::string summary_table(const Report& r) {
    const Totals t = derive(r);
    std::ostringstream os;
    auto line = [&](const std::string& k, const std::string& v) {
        os << "  " << k << std::string(k.size() < 26 ? 26 - k.size() : 1, ' ') << v << "\n";
    };
    os << "platform " << r.platform << ", workload " << r.workload_kind
       << (r.complete ? "" : "  [INCOMPLETE: " + r.incomplete_reason + "]") << "\n";
    line(r.item_name + "s",
         std::to_string(r.items) + (r.items != r.items_requested
                                        ? " of " + std::to_string(r.items_requested)
                                        : std::string()));
    line("simulated time", format_quantity(r.simulated_time_s, Unit::second));
    line("energy (total)", format_quantity(r.energy_J(), Unit::joule));
    line("average power", format_quantity(t.avg_power_W, Unit::watt));
    if (r.setup_time_s() > 0)
        line("setup (programming)", format_quantity(r.setup_time_s(), Unit::second) + ", " +
                                        format_quantity(r.setup_energy_J(), Unit::joule));
    line("latency per " + r.item_name, format_quantity(t.latency_per_item_s, Unit::second));
    line("energy per " + r.item_name, format_quantity(t.energy_per_item_J, Unit::joule));
    if (r.items > 0) {
        // Classes with energy, and leakage always (its own class): they add up to the line
        // above.
        os << "  energy per " << r.item_name << " by class:\n";
        const ClassEnergies work = r.work_energy_by_class_J();
        for (const auto& [c, e] : work) {
            if (e == 0.0 && c != energy_class::leakage) continue;
            const double per = ratio(e, static_cast<double>(r.items));
            char share[24];
            std::snprintf(share, sizeof share, "  (%.1f%%)", 100.0 * ratio(e, r.work_energy_J()));
            os << "    " << c << std::string(c.size() < 22 ? 22 - c.size() : 1, ' ')
               << format_quantity(per, Unit::joule) << (std::isfinite(per) ? share : "") << "\n";
        }
    }
    if (std::isfinite(t.tops_per_w) && r.ops > 0.0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.3g", t.tops_per_w);
        line("efficiency", std::string(buf) + " TOPS/W");
    } else {
        line("efficiency", "n/a (the workload counts no operations over the whole run)");
    }
    if (r.area_m2() > 0.0) {
        char area[32];
        std::snprintf(area, sizeof area, "%.4g mm^2", r.area_m2() * 1e6);
        line("area", area);
    } else {
        line("area", "n/a (no block reports an area)");
    }
    if (!r.phases.empty()) {
        os << "  per phase (latency, energy per pass):\n";
        for (const auto& p : r.phases) {
            if (p.setup) continue;
            os << "    " << p.name << std::string(p.name.size() < 22 ? 22 - p.name.size() : 1, ' ')
               << format_quantity(ratio(p.latency_s, static_cast<double>(p.entries)), Unit::second)
               << ", "
               << format_quantity(ratio(p.energy_J(), static_cast<double>(p.entries)), Unit::joule)
               << "\n";
        }
    }
    return os.str();
}

void write_report(OutputFolder& folder, const Report& report, const json& effective_config) {
    folder.write("config.effective.json", dump_json(effective_config, 2) + "\n");
    folder.write("report.csv", to_csv(report));
    if (const std::string sweep = exit_sweep_csv(report); !sweep.empty())
        folder.write("exit_sweep.csv", sweep);
    folder.write("report.html", to_html(report, effective_config));
    folder.write("report.json", dump_json(to_json(report), 2) + "\n");
    folder.commit();
}

void write_report(const std::string& dir, const Report& report, const json& effective_config) {
    OutputFolder folder(dir, "report.json");
    write_report(folder, report, effective_config);
}

std::string hash_json(const json& document) {
    const std::uint64_t h = hash_name(dump_json(document));
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

} // namespace neurotlm
