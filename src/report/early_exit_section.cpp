#include "early_exit_section.h"

#include <cmath>
#include <cstdint>
#include <sstream>
#include <vector>

#include "html_format.h"
#include "xy_chart.h"

namespace neurotlm::html {

namespace {

std::string cell(const json& j, const char* key, bool percent, Unit unit = Unit::none) {
    const auto v = json_number(j, key);
    if (!v) return kNotAvailable;
    if (percent) return pct(*v, 1);
    return unit == Unit::none ? plain(*v, 4) : qty(*v, unit);
}

/// "62.0% / 30.1% / 7.9%": the share leaving at each exit, then at the end.
std::string shares(const json& f) {
    const auto it = f.find("exit_share");
    if (it == f.end() || !it->is_array()) return kNotAvailable;
    std::string s;
    for (const json& v : *it)
        s += (s.empty() ? "" : " / ") + (v.is_number() ? pct(v.get<double>(), 1) : "n/a");
    return s;
}

} // namespace

std::string early_exit_section(const json& results) {
    if (!results.is_object() || !results.contains("early_exit") ||
        !results["early_exit"].is_object())
        return {};
    const json& e = results["early_exit"];
    const json empty = json::object();
    const json& st = e.contains("static") && e["static"].is_object() ? e["static"] : empty;
    const json& dyn = e.contains("dynamic") && e["dynamic"].is_object() ? e["dynamic"] : empty;
    std::ostringstream os;
    os << "<section id=\"early-exit\">\n<h2>Early exits</h2>\n<p class=\"note\">After each exit "
          "layer the features are pooled, quantised to a ternary semantic vector and searched "
          "in a CAM of class prototypes ("
       << json_text(e, "rule") << " rule; " << json_text(e, "policy")
       << "). The energy of the dynamic network is given with everything it spends, without the "
          "CAMs' own searches and leakage (what reading back, pooling and quantising the features "
          "costs stays), and for its layers only."
       << (json_text(e, "stop") == "true"
               ? " Images stopped at their exit: no static figures or sweep."
               : " Every image also ran the whole network and every exit: the static network, "
                 "the dynamic one and the sweep come from the same run, each image priced up to "
                 "its exit.")
       << "</p>\n";
    // The two networks side by side, a figure per row; the dynamic one's with its fraction of
    // the static one's.
    auto with_fraction = [&](const char* key, const char* fraction, Unit unit) {
        std::string v = cell(dyn, key, false, unit);
        if (dyn.contains(fraction)) v += " (" + cell(dyn, fraction, true) + ")";
        return v;
    };
    auto macs = [](const json& f, const char* key) {
        const auto v = json_number(f, key);
        return v ? count(static_cast<std::uint64_t>(std::llround(*v))) : kNotAvailable;
    };
    struct Row {
        const char* label;
        std::string fixed, dynamic;
    };
    const bool has_static = !st.empty();
    const std::vector<Row> rows = {
        {"accuracy", cell(st, "accuracy", true), cell(dyn, "accuracy", true)},
        {"MACs per inference", macs(st, "macs_per_inference"),
         macs(dyn, "macs_per_inference") +
             (dyn.contains("macs_fraction") ? " (" + cell(dyn, "macs_fraction", true) + ")" : "")},
        {"energy per inference", cell(st, "energy_per_inference_J", false, Unit::joule),
         with_fraction("energy_per_inference_J", "energy_fraction", Unit::joule)},
        {"&hellip; without the CAMs' searches", "",
         with_fraction("energy_per_inference_without_cam_J", "energy_fraction_without_cam",
                       Unit::joule)},
        {"&hellip; of the layers only", "",
         with_fraction("energy_per_inference_without_exits_J", "energy_fraction_without_exits",
                       Unit::joule)},
        {"latency per inference", cell(st, "latency_per_inference_s", false, Unit::second),
         with_fraction("latency_per_inference_s", "latency_fraction", Unit::second)},
        {"leaving at each exit / at the end", "", esc(shares(dyn))}};
    os << "<table>\n<thead><tr><th></th>" << (has_static ? "<th>static network</th>" : "")
       << "<th>with early exits</th></tr></thead>\n<tbody>\n";
    for (const Row& r : rows) {
        os << "<tr><td>" << r.label << "</td>";
        if (has_static) os << "<td>" << r.fixed << "</td>";
        os << "<td>" << r.dynamic << "</td></tr>\n";
    }
    os << "</tbody>\n</table>\n";

    if (e.contains("exits") && e["exits"].is_array()) {
        os << "<table>\n<thead><tr><th>exit after</th><th>CAM</th><th>bits</th><th>threshold</"
              "th><th>MACs up to it</th><th>exit energy</th><th>exit latency</th><th>of which "
              "the search</th><th>search latency</th><th>searches with sensing errors</th></tr>"
              "</thead>\n<tbody>\n";
        for (const json& x : e["exits"])
            os << "<tr><td>" << json_text(x, "after") << "</td><td>" << json_text(x, "cam")
               << "</td><td>" << cell(x, "bits", false) << "</td><td>"
               << cell(x, "threshold", false) << "</td><td>" << cell(x, "macs_fraction_up_to", true)
               << "</td><td>" << cell(x, "exit_dynamic_energy_J", false, Unit::joule) << "</td><td>"
               << cell(x, "exit_latency_s", false, Unit::second) << "</td><td>"
               << cell(x, "search_dynamic_energy_J", false, Unit::joule) << "</td><td>"
               << cell(x, "search_latency_s", false, Unit::second) << "</td><td>"
               << cell(x, "searches_with_sense_errors", false) << "</td></tr>\n";
        os << "</tbody>\n</table>\n";
    }

    const json* sweep =
        e.contains("sweep") && e["sweep"].is_array() && !e["sweep"].empty() ? &e["sweep"] : nullptr;
    if (sweep) {
        struct Line {
            const char* key;
            const char* name;
        };
        auto chart = [&](const std::vector<Line>& lines, const std::string& title,
                         const std::string& x_label) {
            Chart c;
            c.title = title;
            c.x_label = x_label;
            c.y_label = "accuracy (%)";
            c.percent = true;
            for (std::size_t s = 0; s < lines.size(); ++s)
                for (const json& p : *sweep) {
                    const auto x = json_number(p, lines[s].key);
                    const auto y = json_number(p, "accuracy");
                    const auto t = json_number(p, "threshold");
                    if (!x || !y || !t) continue;
                    std::ostringstream tip;
                    tip << "threshold " << *t << ": accuracy " << pct(*y, 2) << ", "
                        << lines[s].name << " " << pct(*x, 1) << ", leaving " << shares(p);
                    c.marks.push_back(
                        {*x * 100.0, *y * 100.0, "", tip.str(), static_cast<int>(s), false});
                }
            os << "<div class=\"figure\">" << xy_chart(c) << "</div>\n";
        };
        os << "<h3>Threshold sweep</h3>\n<p class=\"note\">One threshold at every exit, across "
              "its whole range: from every image leaving at the first exit to none leaving (the "
              "static network plus the exits' cost); the same points in exit_sweep.csv.</p>\n"
              "<div class=\"legend\">"
           << "<span class=\"item\">" << swatch(kPalette[0]) << "everything</span>"
           << "<span class=\"item\">" << swatch(kPalette[1]) << "without the CAMs' searches</span>"
           << "<span class=\"item\">" << swatch(kPalette[2]) << "the layers only</span>"
           << "</div>\n<div class=\"pair\">\n";
        chart({{"macs_fraction", "MACs"}}, "Accuracy against computation",
              "MACs relative to the static network (%)");
        chart({{"energy_fraction", "energy"},
               {"energy_fraction_without_cam", "energy without the CAMs' searches"},
               {"energy_fraction_without_exits", "energy of the layers only"}},
              "Accuracy against energy", "energy per inference relative to the static network (%)");
        os << "</div>\n";
    }

    if (e.contains("per_class") && e["per_class"].is_array()) {
        os << "<h3>Per class</h3>\n<table>\n<thead><tr><th>class</th><th>images</th><th>static "
              "accuracy</th><th>accuracy</th><th>MACs</th><th>energy</th><th>leaving at each "
              "exit / at the end</th></tr></thead>\n<tbody>\n";
        for (const json& c : e["per_class"])
            os << "<tr><td>" << cell(c, "class", false) << "</td><td>" << cell(c, "images", false)
               << "</td><td>" << cell(c, "static_accuracy", true) << "</td><td>"
               << cell(c, "accuracy", true) << "</td><td>" << cell(c, "macs_fraction", true)
               << "</td><td>" << cell(c, "energy_fraction", true) << "</td><td>" << esc(shares(c))
               << "</td></tr>\n";
        os << "</tbody>\n</table>\n";
    }
    os << "</section>\n";
    return os.str();
}

} // namespace neurotlm::html
