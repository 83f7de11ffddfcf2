#include "neurotlm/report/html.h"

#include "activity_charts.h"
#include "early_exit_section.h"
#include "html_format.h"
#include "network_sections.h"
#include "results_tables.h"
#include "training_curves.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

#include "neurotlm/core/units.h"

namespace neurotlm {

namespace {

using namespace html;

// ---------------------------------------------------------------------------------------------
// Page sections

struct Derived {
    double items, energy_per_item_J, latency_per_item_s, throughput, tops_per_w, avg_power_W;
};

Derived derive(const Report& r) {
    Derived d{};
    d.items = static_cast<double>(r.items);
    d.energy_per_item_J = ratio(r.work_energy_J(), d.items);
    d.latency_per_item_s = ratio(r.work_time_s(), d.items);
    d.throughput = ratio(d.items, r.work_time_s());
    d.tops_per_w = ratio(r.ops, r.work_energy_J()) / 1e12;
    d.avg_power_W = ratio(r.energy_J(), r.simulated_time_s);
    return d;
}

void write_header(std::ostringstream& os, const Report& r) {
    os << "<header>\n<h1>neurotlm report: " << esc(r.platform) << "</h1>\n";
    const std::string done = count(r.items) + " of " + count(r.items_requested) + " " +
                             esc(r.item_name) + (r.items_requested == 1 ? "" : "s");
    if (r.complete)
        os << "<div class=\"banner ok\">Complete: " << done << " simulated.</div>\n";
    else
        os << "<div class=\"banner bad\">INCOMPLETE: "
           << esc(r.incomplete_reason.empty() ? "the run stopped early" : r.incomplete_reason)
           << " (" << done << " simulated). Per-item figures cover the finished items only."
           << "</div>\n";
    os << "<dl class=\"meta\">\n";
    auto row = [&](const char* key, const std::string& html_value) {
        os << "<dt>" << key << "</dt><dd>" << html_value << "</dd>\n";
    };
    auto text = [](const std::string& s) { return s.empty() ? kNotAvailable : esc(s); };
    auto code = [](const std::string& s) {
        return s.empty() ? kNotAvailable : "<code>" + esc_name(s) + "</code>";
    };
    row("platform", text(r.platform));
    row("workload", text(r.workload_kind));
    row("configuration", code(r.config_file));
    if (!r.overrides.empty()) {
        std::string list;
        for (const std::string& o : r.overrides)
            list += (list.empty() ? "" : "<br>") + std::string("<code>") + esc(o) + "</code>";
        row("overrides (--set)", list);
    }
    row("config hash", code(r.config_hash));
    row("seed", std::to_string(r.seed));
    row("neurotlm version", text(r.version));
    if (!r.started_at.empty()) row("started (UTC)", esc(r.started_at));
    row("wall-clock time", qty(r.wall_time_s, Unit::second));
    row("simulated time", qty(r.simulated_time_s, Unit::second));
    os << "</dl>\n";
    os << "<nav><a href=\"#figures\">Key figures</a><a href=\"#classes\">Energy by class</a>"
          "<a href=\"#components\">Energy per component</a><a href=\"#actions\">Energy per "
          "action</a><a href=\"#phases\">Phases</a>";
    if (!r.time_series.is_null()) os << "<a href=\"#activity\">Activity</a>";
    if (r.workload_results.is_object() && r.workload_results.contains("confusion"))
        os << "<a href=\"#confusion\">Confusion matrix</a>";
    if (r.workload_results.is_object() && r.workload_results.contains("layers"))
        os << "<a href=\"#mapping\">Layer mapping</a>";
    if (r.workload_results.is_object() && r.workload_results.contains("epochs"))
        os << "<a href=\"#training\">Training</a>";
    if (r.workload_kind == "hopfield_recall" && r.workload_results.is_object() &&
        r.workload_results.contains("memories"))
        os << "<a href=\"#recall\">Recall per memory</a>";
    if (r.workload_results.is_object() && r.workload_results.contains("early_exit") &&
        r.workload_results["early_exit"].is_object())
        os << "<a href=\"#early-exit\">Early exits</a>";
    os << "<a href=\"#workload\">Workload</a><a href=\"#config\">Configuration</a></nav>\n";
    os << "</header>\n";
}

void card(std::ostringstream& os, const std::string& key, const std::string& value,
          const std::string& sub = {}) {
    os << "<div class=\"card\"><div class=\"k\">" << key << "</div><div class=\"v\">" << value
       << "</div>";
    if (!sub.empty()) os << "<div class=\"s\">" << sub << "</div>";
    os << "</div>\n";
}

// A large count with an engineering prefix and a name: "880.3 k inferences". Borrows the
// prefixes of a unit, then drops the unit.
std::string many(double v, const std::string& what) {
    if (!std::isfinite(v)) return kNotAvailable;
    std::string s = qty(v, Unit::hertz);
    if (s.size() >= 2 && s.compare(s.size() - 2, 2, "Hz") == 0) s.erase(s.size() - 2);
    if (!s.empty() && s.back() != ' ') s += ' ';
    return s + esc(what);
}

// "880.3 k/s": short enough for a key-figure card; the card names what is counted.
std::string rate(double per_s) {
    std::string s = many(per_s, "");
    while (!s.empty() && s.back() == ' ')
        s.pop_back();
    return std::isfinite(per_s) ? s + "/s" : s;
}

void write_key_figures(std::ostringstream& os, const Report& r, const Derived& d) {
    const std::string item = esc(r.item_name);
    os << "<section id=\"figures\">\n<h2>Key figures</h2>\n<div class=\"cards\">\n";
    card(os, item + "s", count(r.items),
         r.items != r.items_requested ? "of " + count(r.items_requested) + " requested"
                                      : std::string("as requested"));
    // A figure that is 0 because nothing on the platform models it (no block reports an area,
    // books energy, or the workload counts no operations) is not a result: n/a, and why.
    const bool energy = r.energy_J() > 0;
    const std::string no_energy = "no block books energy";
    card(os, "latency per " + item, qty(d.latency_per_item_s, Unit::second), "set-up excluded");
    card(os, "throughput", rate(d.throughput), item + "s per second of work");
    card(os, "energy per " + item, energy ? qty(d.energy_per_item_J, Unit::joule) : kNotAvailable,
         energy ? "set-up excluded" : no_energy);
    card(os, "average power", energy ? qty(d.avg_power_W, Unit::watt) : kNotAvailable,
         energy ? "over the whole simulated time" : no_energy);
    if (r.ops > 0)
        card(os, "efficiency",
             std::isfinite(d.tops_per_w) ? plain(d.tops_per_w, 3) + " TOPS/W" : kNotAvailable,
             many(r.ops, "operations"));
    else
        card(os, "efficiency", kNotAvailable, "the workload counts no operations");
    const double area_m2 = r.area_m2();
    if (std::isfinite(area_m2) && area_m2 > 0)
        card(os, "area", area(area_m2), count(r.components.size()) + " components");
    else
        card(os, "area", kNotAvailable,
             "no block reports an area (" + count(r.components.size()) + " components)");
    card(os, "total energy", energy ? qty(r.energy_J(), Unit::joule) : kNotAvailable,
         energy ? "leakage " + qty(r.leakage_energy_J(), Unit::joule) : no_energy);
    if (r.setup_time_s() > 0 || r.setup_energy_J() > 0)
        card(os, "set-up (programming)", qty(r.setup_time_s(), Unit::second),
             energy ? qty(r.setup_energy_J(), Unit::joule) : no_energy);
    const auto acc = json_number(r.workload_results, "accuracy");
    if (acc) {
        std::string sub;
        if (const auto sw = json_number(r.workload_results, "software_accuracy"))
            sub = "software reference " + pct(*sw, 2);
        if (const auto agree = json_number(r.workload_results, "agreement_with_software"))
            sub += (sub.empty() ? "" : "; ") + std::string("agrees with software on ") +
                   pct(*agree, 1);
        card(os, "accuracy", pct(*acc, 2), sub);
    }
    os << "</div>\n";
    const auto warnings = r.workload_results.is_object() ? r.workload_results.find("warnings")
                                                         : r.workload_results.end();
    if (warnings != r.workload_results.end() && warnings->is_array())
        for (const auto& w : *warnings)
            if (w.is_string())
                os << "<p class=\"warning\"><strong>Warning:</strong> " << esc(w.get<std::string>())
                   << "</p>\n";
    os << "</section>\n";
}

// Energy by class (energy_class in core/ledger.h): per item of work, its share, the whole
// run, and the whole run split by component type.
void write_classes(std::ostringstream& os, const Report& r, const Derived& d) {
    os << "<section id=\"classes\">\n<h2>Energy by class</h2>\n";
    const ClassEnergies work = r.work_energy_by_class_J();
    const ClassEnergies all = r.energy_by_class_J();
    std::vector<std::string> types;
    for (const auto& c : r.components)
        if (std::find(types.begin(), types.end(), c.type) == types.end()) types.push_back(c.type);
    const std::string item = esc(r.item_name);
    os << "<p class=\"note\">Every action belongs to one class; leakage (static power over the "
          "run) is a class of its own. Per "
       << item << " and its share: set-up excluded. The classes add up to the energy per " << item
       << " (" << qty(d.energy_per_item_J, Unit::joule) << ") and to the total ("
       << qty(r.energy_J(), Unit::joule) << ").</p>\n";
    os << "<table>\n<thead><tr><th>class</th><th class=\"n\">per " << item
       << "</th><th class=\"n\">share</th><th class=\"n\">whole run</th>";
    for (const auto& t : types)
        os << "<th class=\"n\">" << esc(t) << "</th>";
    os << "</tr></thead>\n<tbody>\n";
    auto whole = [&](const std::string& cls) {
        for (const auto& [name, e] : all)
            if (name == cls) return e;
        return 0.0;
    };
    for (std::size_t i = 0; i < work.size(); ++i) {
        const std::string& cls = work[i].first;
        os << "<tr><td class=\"name\">" << esc(cls) << "</td><td class=\"n\">"
           << qty(ratio(work[i].second, d.items), Unit::joule) << "</td><td class=\"n\">"
           << pct(ratio(work[i].second, r.work_energy_J())) << "</td><td class=\"n\">"
           << qty(whole(cls), Unit::joule) << "</td>";
        for (const auto& t : types) {
            double e = 0.0;
            for (const auto& c : r.components)
                if (c.type == t)
                    for (const auto& [name, v] : c.energy_by_class_J())
                        if (name == cls) e += v;
            os << "<td class=\"n\">" << qty(e, Unit::joule) << "</td>";
        }
        os << "</tr>\n";
    }
    os << "</tbody>\n</table>\n</section>\n";
}

constexpr std::size_t kTopComponents = 20;

void write_component_chart(std::ostringstream& os, const Report& r) {
    os << "<section id=\"components\">\n<h2>Energy per component</h2>\n";
    if (r.components.empty()) {
        os << "<p class=\"note\">The platform has no components.</p>\n</section>\n";
        return;
    }
    std::vector<const ComponentReport*> order;
    for (const auto& c : r.components)
        order.push_back(&c);
    std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
        return sort_key(a->energy_J()) > sort_key(b->energy_J());
    });
    const double total = r.energy_J();
    auto make_bar = [&](const std::string& label, double dyn, double leak) {
        Bar b;
        b.label = label;
        b.segments.push_back({dyn, kPalette[0], "dynamic: " + qty(dyn, Unit::joule), {}});
        b.segments.push_back({leak, kPalette[1], "leakage: " + qty(leak, Unit::joule), {}});
        const double e = dyn + leak;
        b.value_text = qty(e, Unit::joule) + "  (" + pct(ratio(e, total)) + ")";
        return b;
    };
    std::vector<Bar> bars;
    const std::size_t shown = std::min(order.size(), kTopComponents);
    for (std::size_t i = 0; i < shown; ++i)
        bars.push_back(
            make_bar(order[i]->name, order[i]->dynamic_energy_J, order[i]->leakage_energy_J));
    if (order.size() > shown) {
        double dyn = 0, leak = 0;
        for (std::size_t i = shown; i < order.size(); ++i) {
            dyn += order[i]->dynamic_energy_J;
            leak += order[i]->leakage_energy_J;
        }
        Bar b =
            make_bar("others (" + std::to_string(order.size() - shown) + " components)", dyn, leak);
        b.muted = true;
        bars.push_back(b);
    }
    os << "<p class=\"note\">Total energy " << qty(total, Unit::joule)
       << " over the whole run, set-up included. "
       << (order.size() > shown ? "The " + std::to_string(shown) +
                                      " largest consumers are shown; the rest are summed."
                                : std::string("Sorted by energy."))
       << "</p>\n";
    os << "<div class=\"legend\"><span class=\"item\">" << swatch(kPalette[0])
       << "dynamic (actions)</span><span class=\"item\">" << swatch(kPalette[1])
       << "leakage</span></div>\n";
    os << "<div class=\"figure\">" << hbar_chart(bars, "Energy per component", ChartGeometry{})
       << "</div>\n</section>\n";
}

struct ActionSum {
    std::string name;
    std::string description;
    std::uint64_t count = 0;
    double energy_J = 0.0;
};

struct TypeSum {
    std::string type;
    std::size_t components = 0;
    std::vector<ActionSum> actions;
    double leakage_J = 0.0;
    double total() const {
        double s = leakage_J;
        for (const auto& a : actions)
            s += a.energy_J;
        return s;
    }
};

std::vector<TypeSum> sum_by_type(const Report& r) {
    std::vector<TypeSum> types;
    std::map<std::string, std::size_t> index;
    for (const auto& c : r.components) {
        auto [it, fresh] = index.emplace(c.type, types.size());
        if (fresh) types.push_back(TypeSum{c.type, 0, {}, 0.0});
        TypeSum& t = types[it->second];
        ++t.components;
        t.leakage_J += c.leakage_energy_J;
        for (const auto& a : c.actions) {
            auto found = std::find_if(t.actions.begin(), t.actions.end(),
                                      [&](const ActionSum& s) { return s.name == a.name; });
            if (found == t.actions.end()) {
                t.actions.push_back({a.name, a.description, 0, 0.0});
                found = t.actions.end() - 1;
            }
            if (found->description.empty()) found->description = a.description;
            found->count += a.count;
            found->energy_J += a.energy_J;
        }
    }
    for (auto& t : types)
        std::stable_sort(t.actions.begin(), t.actions.end(), [](const auto& a, const auto& b) {
            return sort_key(a.energy_J) > sort_key(b.energy_J);
        });
    std::stable_sort(types.begin(), types.end(), [](const auto& a, const auto& b) {
        return sort_key(a.total()) > sort_key(b.total());
    });
    return types;
}

constexpr std::size_t kActionsPerBar = 9;

void write_action_chart(std::ostringstream& os, const Report& r) {
    os << "<section id=\"actions\">\n<h2>Energy per action type</h2>\n";
    const auto types = sum_by_type(r);
    if (types.empty()) {
        os << "<p class=\"note\">No actions were booked.</p>\n</section>\n";
        return;
    }
    // One colour per action name across the page, so "adc_conversion" looks the same wherever
    // it appears.
    std::map<std::string, std::string> colour;
    std::size_t next = 0;
    for (const auto& t : types)
        for (std::size_t i = 0; i < t.actions.size() && i < kActionsPerBar; ++i)
            if (colour.emplace(t.actions[i].name, kPalette[next % std::size(kPalette)]).second)
                ++next;

    const double grand_total = r.energy_J();
    std::vector<Bar> bars;
    for (const auto& t : types) {
        const double total = t.total();
        Bar b;
        b.label = t.type + " (" + std::to_string(t.components) + ")";
        double rest = 0.0;
        for (std::size_t i = 0; i < t.actions.size(); ++i) {
            const auto& a = t.actions[i];
            if (i >= kActionsPerBar) {
                rest += a.energy_J;
                continue;
            }
            const double share = ratio(a.energy_J, total);
            b.segments.push_back(
                {share, colour[a.name],
                 a.name + ": " + qty(a.energy_J, Unit::joule) + " (" + pct(share) + ")",
                 pct(share, 0)});
        }
        if (rest > 0) {
            const double share = ratio(rest, total);
            b.segments.push_back(
                {share, kOtherColour, "other actions: " + qty(rest, Unit::joule), pct(share, 0)});
        }
        if (t.leakage_J > 0) {
            const double share = ratio(t.leakage_J, total);
            b.segments.push_back({share, kLeakageColour,
                                  "leakage: " + qty(t.leakage_J, Unit::joule), pct(share, 0)});
        }
        b.value_text = qty(total, Unit::joule) + "  (" + pct(ratio(total, grand_total)) + ")";
        bars.push_back(b);
    }
    os << "<p class=\"note\">Actions summed over all components of the same type (number of "
          "components in brackets). Each bar shows how that type's energy splits over its "
          "actions, as a share; the figure after the bar is the type's total energy and its "
          "share of the whole.</p>\n";
    os << "<div class=\"figure\">"
       << hbar_chart(bars, "Energy per action type, by component type", ChartGeometry{}, 1.0)
       << "</div>\n";

    os << "<table>\n<thead><tr><th>component type</th><th>action</th><th>description</th>"
          "<th class=\"n\">count</th><th class=\"n\">energy</th><th class=\"n\">energy per "
          "action</th><th class=\"n\">share of type</th><th class=\"n\">share of total</th>"
          "</tr></thead>\n<tbody>\n";
    for (const auto& t : types) {
        const double total = t.total();
        auto row = [&](const std::string& col, const std::string& name, const std::string& desc,
                       const std::string& n, double e, const std::string& per) {
            os << "<tr><td class=\"name\">" << esc(t.type) << "</td><td class=\"action\">"
               << swatch(col) << esc(name) << "</td><td class=\"desc\">" << esc(desc)
               << "</td><td class=\"n\">" << n << "</td><td class=\"n\">" << qty(e, Unit::joule)
               << "</td><td class=\"n\">" << per << "</td><td class=\"n\">" << pct(ratio(e, total))
               << "</td><td class=\"n\">" << pct(ratio(e, grand_total)) << "</td></tr>\n";
        };
        for (std::size_t i = 0; i < t.actions.size(); ++i) {
            const auto& a = t.actions[i];
            row(i < kActionsPerBar ? colour[a.name] : kOtherColour, a.name, a.description,
                count(a.count), a.energy_J,
                a.count ? qty(a.energy_J / static_cast<double>(a.count), Unit::joule)
                        : std::string(kNotAvailable));
        }
        if (t.leakage_J > 0)
            row(kLeakageColour, "leakage", "static power integrated over the run", "", t.leakage_J,
                "");
    }
    os << "</tbody>\n</table>\n</section>\n";
}

void write_phases(std::ostringstream& os, const Report& r) {
    os << "<section id=\"phases\">\n<h2>Phases</h2>\n";
    if (r.phases.empty()) {
        os << "<p class=\"note\">The workload reported no phases.</p>\n</section>\n";
        return;
    }
    const std::string item = esc(r.item_name);
    std::vector<Bar> latency_bars;
    std::vector<Bar> energy_bars;
    std::size_t colour_index = 0;
    for (const auto& p : r.phases) {
        if (p.setup) continue;
        const char* colour = kPalette[colour_index++ % std::size(kPalette)];
        // Per pass through the phase: one inference's layer, one recall.
        const double lat = ratio(p.latency_s, static_cast<double>(p.entries));
        const double en = ratio(p.energy_J(), static_cast<double>(p.entries));
        latency_bars.push_back(
            {p.name,
             {{lat, colour, p.name + ": " + qty(lat, Unit::second), {}}},
             qty(lat, Unit::second) + "  (" + pct(ratio(p.latency_s, r.work_time_s())) + ")"});
        // Energy stacked by class (one colour per class, as in the legend), leakage last.
        Bar eb{p.name,
               {},
               qty(en, Unit::joule) + "  (" + pct(ratio(p.energy_J(), r.work_energy_J())) + ")"};
        for (std::size_t c = 0; c < energy_class::kActionClasses.size(); ++c) {
            const char* cls = energy_class::kActionClasses[c];
            double joules = 0.0;
            for (const auto& [name, value] : p.dynamic_by_class_J)
                if (name == cls) joules = value;
            const double per_pass = ratio(joules, static_cast<double>(p.entries));
            if (per_pass > 0.0)
                eb.segments.push_back({per_pass,
                                       kPalette[c % std::size(kPalette)],
                                       p.name + ": " + cls + " " + qty(per_pass, Unit::joule),
                                       {}});
        }
        const double leak = ratio(p.leakage_energy_J, static_cast<double>(p.entries));
        if (leak > 0.0)
            eb.segments.push_back(
                {leak, kLeakageColour, p.name + ": leakage " + qty(leak, Unit::joule), {}});
        energy_bars.push_back(std::move(eb));
    }
    if (!latency_bars.empty()) {
        const ChartGeometry half{540, 160, 150};
        os << "<p class=\"note\">Per pass through the phase (one inference's layer of a "
              "network, one recall in a Hopfield memory); set-up phases (programming) are left out "
              "of the "
              "charts and shown in "
              "the table. Shares are of the work (non-set-up) time and energy.</p>\n";
        os << "<div class=\"pair\">\n<div class=\"figure\"><h3>Latency per pass</h3>"
           << hbar_chart(latency_bars, "Latency per pass by phase", half)
           << "</div>\n<div class=\"figure\"><h3>Energy per pass, by class</h3>"
           << hbar_chart(energy_bars, "Energy per pass by phase and energy class", half)
           << "<div class=\"legend\">";
        for (std::size_t c = 0; c < energy_class::kActionClasses.size(); ++c)
            os << "<span class=\"item\">" << swatch(kPalette[c % std::size(kPalette)]) << " "
               << energy_class::kActionClasses[c] << "</span>";
        os << "<span class=\"item\">" << swatch(kLeakageColour)
           << " leakage</span></div></div>\n</div>\n";
    }
    os << "<table>\n<thead><tr><th>phase</th><th>kind</th><th class=\"n\">entries</th>"
          "<th class=\"n\">time</th><th class=\"n\">energy</th><th class=\"n\">leakage</th>"
          "<th class=\"n\">latency per pass</th><th class=\"n\">energy per pass</th>"
          "</tr></thead>\n<tbody>\n";
    for (const auto& p : r.phases) {
        os << "<tr" << (p.setup ? " class=\"setup\"" : "") << "><td class=\"name\">"
           << esc_name(p.name) << "</td><td>" << (p.setup ? "set-up" : "work")
           << "</td><td class=\"n\">" << count(p.entries) << "</td><td class=\"n\">"
           << qty(p.latency_s, Unit::second) << "</td><td class=\"n\">"
           << qty(p.energy_J(), Unit::joule) << "</td><td class=\"n\">"
           << qty(p.leakage_energy_J, Unit::joule) << "</td><td class=\"n\">"
           << (p.setup ? "\xE2\x80\x94" : qty(ratio(p.latency_s, double(p.entries)), Unit::second))
           << "</td><td class=\"n\">"
           << (p.setup ? "\xE2\x80\x94" : qty(ratio(p.energy_J(), double(p.entries)), Unit::joule))
           << "</td></tr>\n";
    }
    os << "</tbody>\n</table>\n</section>\n";
}

void write_component_table(std::ostringstream& os, const Report& r) {
    if (r.components.empty()) return;
    const double total = r.energy_J();
    os << "<section id=\"component-table\">\n<h2>Components</h2>\n";
    os << "<p class=\"note\">In platform order. Utilisation is busy time over the simulated "
          "time.</p>\n";
    os << "<table>\n<thead><tr><th>component</th><th>type</th><th class=\"n\">energy</th>"
          "<th class=\"n\">share</th><th class=\"n\">dynamic</th><th class=\"n\">leakage</th>"
          "<th class=\"n\">leakage power</th><th class=\"n\">busy time</th>"
          "<th class=\"n\">utilisation</th><th class=\"n\">area</th></tr></thead>\n<tbody>\n";
    for (const auto& c : r.components) {
        const double u = std::isfinite(c.utilisation) ? std::clamp(c.utilisation, 0.0, 1.0) : 0;
        os << "<tr><td class=\"name\">" << esc_name(c.name) << "</td><td>" << esc(c.type)
           << "</td><td class=\"n\">" << qty(c.energy_J(), Unit::joule) << "</td><td class=\"n\">"
           << pct(ratio(c.energy_J(), total)) << "</td><td class=\"n\">"
           << qty(c.dynamic_energy_J, Unit::joule) << "</td><td class=\"n\">"
           << qty(c.leakage_energy_J, Unit::joule) << "</td><td class=\"n\">"
           << qty(c.leakage_power_W, Unit::watt) << "</td><td class=\"n\">"
           << qty(c.busy_time_s, Unit::second) << "</td><td class=\"n\"><span class=\"meter\">"
           << "<span style=\"width:" << printf_str("%.1f", u * 100) << "%\"></span></span>"
           << pct(c.utilisation) << "</td><td class=\"n\">" << area(c.area_m2) << "</td></tr>\n";
    }
    os << "</tbody>\n</table>\n";

    // Every action and statistic of every component: long, so folded away.
    os << "<details>\n<summary>Actions and statistics of each component</summary>\n"
          "<table>\n<thead><tr><th>component</th><th>action / statistic</th><th>description"
          "</th><th class=\"n\">count / value</th><th class=\"n\">energy</th></tr></thead>\n"
          "<tbody>\n";
    for (const auto& c : r.components) {
        for (const auto& a : c.actions)
            os << "<tr><td class=\"name\">" << esc_name(c.name) << "</td><td class=\"name\">"
               << esc(a.name) << "</td><td class=\"desc\">" << esc(a.description)
               << "</td><td class=\"n\">" << count(a.count) << "</td><td class=\"n\">"
               << qty(a.energy_J, Unit::joule) << "</td></tr>\n";
        for (const auto& s : c.stats.all())
            os << "<tr><td class=\"name\">" << esc_name(c.name) << "</td><td class=\"name\">"
               << esc(s.name) << "</td><td class=\"desc\">" << esc(s.description)
               << "</td><td class=\"n\">" << stat_value(s) << "</td><td></td></tr>\n";
    }
    os << "</tbody>\n</table>\n</details>\n</section>\n";
}

// Scalars of the workload results as "key: value" rows, nested objects with dotted keys; arrays
// of flat records become tables of their own (@p tables); other arrays and anything bulky stay
// in the JSON block below. Keys with a section of their own are left out.
void flatten(const json& j, const std::string& prefix, const std::vector<std::string>& skip,
             std::vector<std::pair<std::string, std::string>>& rows,
             std::vector<std::pair<std::string, const json*>>& tables) {
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (std::find(skip.begin(), skip.end(), key) != skip.end()) continue;
        const json& v = it.value();
        if (v.is_object()) {
            flatten(v, key, skip, rows, tables);
        } else if (v.is_string()) {
            rows.emplace_back(key, esc_name(v.get<std::string>()));
        } else if (v.is_number_float()) {
            rows.emplace_back(key, plain(v.get<double>(), 6));
        } else if (flat_object_array(v)) {
            tables.emplace_back(key, &v);
        } else if (v.is_array()) {
            rows.emplace_back(key, v.empty() ? std::string("none")
                                             : "list of " + std::to_string(v.size()) +
                                                   " entries (see the JSON below)");
        } else {
            rows.emplace_back(key, esc(dump(v)));
        }
    }
}

void write_workload(std::ostringstream& os, const Report& r, const std::vector<std::string>& skip) {
    os << "<section id=\"workload\">\n<h2>Workload results</h2>\n";
    if (!r.workload_results.is_object() || r.workload_results.empty()) {
        os << "<p class=\"note\">The workload reported no results.</p>\n</section>\n";
        return;
    }
    std::vector<std::pair<std::string, std::string>> rows;
    std::vector<std::pair<std::string, const json*>> tables;
    flatten(r.workload_results, "", skip, rows, tables);
    if (!rows.empty()) {
        os << "<table>\n<thead><tr><th>result</th><th>value</th></tr></thead>\n<tbody>\n";
        for (const auto& [k, v] : rows)
            os << "<tr><td class=\"name\">" << esc_name(k) << "</td><td class=\"name\">" << v
               << "</td></tr>\n";
        os << "</tbody>\n</table>\n";
    }
    for (const auto& [k, v] : tables)
        os << records_table(k, *v);
    os << "<details>\n<summary>All workload results (JSON)</summary>\n<pre>"
       << esc(pretty(r.workload_results)) << "</pre>\n</details>\n</section>\n";
}

} // namespace

std::string to_html(const Report& report, const json& effective_config) {
    const Derived d = derive(report);
    std::ostringstream os;
    os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>neurotlm: "
       << esc(report.platform) << (report.complete ? "" : " (INCOMPLETE)") << "</title>\n<style>"
       << kStyle << "</style>\n</head>\n<body>\n";
    write_header(os, report);
    write_key_figures(os, report, d);
    write_classes(os, report, d);
    write_component_chart(os, report);
    write_action_chart(os, report);
    write_phases(os, report);
    os << html::activity_section(report.time_series);
    write_component_table(os, report);
    write_confusion(os, report);
    write_mapping(os, report);
    // Results with a section of their own are not repeated in the workload's table.
    std::vector<std::string> shown = {"confusion", "layers"};
    const std::string curves = html::training_curves(report.workload_results);
    if (!curves.empty()) shown.push_back("epochs");
    const std::string recall = html::hopfield_memories(report);
    if (!recall.empty()) shown.push_back("memories");
    const std::string exits = html::early_exit_section(report.workload_results);
    if (!exits.empty()) shown.push_back("early_exit");
    os << recall << curves << exits;
    write_workload(os, report, shown);
    os << "<section id=\"config\">\n<h2>Effective configuration</h2>\n<p class=\"note\">The "
          "configuration as the simulator used it, defaults filled in (also in "
          "config.effective.json); hash <code>"
       << esc(report.config_hash) << "</code>.</p>\n<details>\n<summary>Show the configuration"
       << "</summary>\n<pre>" << esc(pretty(effective_config)) << "</pre>\n</details>\n"
       << "</section>\n";
    os << "<footer>Generated by neurotlm " << esc(report.version)
       << ". The same figures, with full precision, are in report.json and report.csv."
       << "</footer>\n</body>\n</html>\n";
    return os.str();
}

} // namespace neurotlm
