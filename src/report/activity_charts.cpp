#include "activity_charts.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

#include "html_format.h"
#include "xy_chart.h"

namespace neurotlm::html {

namespace {

struct TimeScale {
    double factor = 1.0;
    const char* unit = "s";
};

TimeScale time_scale(double end_s) {
    if (end_s < 1e-6) return {1e9, "ns"};
    if (end_s < 1e-3) return {1e6, "us"};
    if (end_s < 1.0) return {1e3, "ms"};
    return {1.0, "s"};
}

struct PowerScale {
    double factor = 1.0;
    const char* unit = "W";
};

PowerScale power_scale(double max_W) {
    if (max_W < 1e-6) return {1e9, "nW"};
    if (max_W < 1e-3) return {1e6, "uW"};
    if (max_W < 1.0) return {1e3, "mW"};
    return {1.0, "W"};
}

std::vector<double> numbers(const json& a) {
    std::vector<double> v;
    if (!a.is_array()) return v;
    for (const json& x : a)
        v.push_back(x.is_number() ? x.get<double>() : 0.0);
    return v;
}

} // namespace

std::string activity_section(const json& ts) {
    if (!ts.is_object() || !ts.contains("bin_s") || !ts.contains("total_power_W")) return {};
    const double bin = ts["bin_s"].get<double>();
    const std::vector<double> total = numbers(ts["total_power_W"]);
    if (total.empty() || !(bin > 0.0)) return {};
    const std::size_t bins = total.size();
    const TimeScale tsc = time_scale(bin * static_cast<double>(bins));
    const PowerScale psc = power_scale(*std::max_element(total.begin(), total.end()));

    // Power: the total and the four classes with the most energy.
    struct Series {
        std::string name;
        std::vector<double> w;
        double sum = 0.0;
    };
    std::vector<Series> classes;
    if (ts.contains("power_W") && ts["power_W"].is_object())
        for (auto it = ts["power_W"].begin(); it != ts["power_W"].end(); ++it) {
            Series s{it.key(), numbers(it.value()), 0.0};
            for (double w : s.w)
                s.sum += w;
            classes.push_back(std::move(s));
        }
    std::sort(classes.begin(), classes.end(),
              [](const Series& a, const Series& b) { return a.sum > b.sum; });
    if (classes.size() > 4) classes.resize(4);
    std::vector<Series> shown{{"total (with leakage)", total, 0.0}};
    shown.insert(shown.end(), classes.begin(), classes.end());

    std::ostringstream os;
    os << "<section id=\"activity\">\n<h2>Activity over time</h2>\n<p class=\"note\">Simulated "
          "time in "
       << bins << " bins of " << esc(qty(bin, Unit::second))
       << "; energy booked during a block's busy interval is spread evenly over it. Peak power "
       << esc(qty(ts.value("peak_power_W", 0.0), Unit::watt)) << " around "
       << esc(qty(ts.value("peak_time_s", 0.0), Unit::second)) << ".</p>\n<div class=\"legend\">";
    for (std::size_t s = 0; s < shown.size(); ++s)
        os << "<span class=\"item\">" << swatch(kPalette[s % 12]) << esc(shown[s].name)
           << "</span>";
    os << "</div>\n";
    Chart c;
    c.title = "Power over time";
    c.x_label = std::string("simulated time (") + tsc.unit + ")";
    c.y_label = std::string("power (") + psc.unit + ")";
    c.small_marks = true;
    for (std::size_t s = 0; s < shown.size(); ++s)
        for (std::size_t b = 0; b < shown[s].w.size() && b < bins; ++b) {
            const double t = (static_cast<double>(b) + 0.5) * bin;
            std::ostringstream tip;
            tip << shown[s].name << " at " << qty(t, Unit::second) << ": "
                << qty(shown[s].w[b], Unit::watt);
            c.marks.push_back({t * tsc.factor, shown[s].w[b] * psc.factor, "", tip.str(),
                               static_cast<int>(s), false});
        }
    os << "<div class=\"figure\">" << xy_chart(c) << "</div>\n";

    // Activity: one row per block, each bin shaded by the fraction of it the block was busy.
    if (ts.contains("utilisation") && ts["utilisation"].is_object()) {
        struct Row {
            std::string name;
            std::vector<double> f;
            double sum = 0.0;
        };
        std::vector<Row> rows;
        for (auto it = ts["utilisation"].begin(); it != ts["utilisation"].end(); ++it) {
            Row r{it.key(), numbers(it.value()), 0.0};
            for (double f : r.f)
                r.sum += f;
            rows.push_back(std::move(r));
        }
        std::stable_sort(rows.begin(), rows.end(),
                         [](const Row& a, const Row& b) { return a.sum > b.sum; });
        const std::size_t hidden = rows.size() > 24 ? rows.size() - 24 : 0;
        if (hidden) rows.resize(24);
        const int label_w = 180, row_h = 16, width = 1000;
        const double cell = static_cast<double>(width - label_w) / static_cast<double>(bins);
        const int height = static_cast<int>(rows.size()) * row_h + 24;
        os << "<div class=\"figure\"><svg role=\"img\" viewBox=\"0 0 " << width << " " << height
           << "\" width=\"100%\"><title>Block activity over time</title>\n";
        for (std::size_t r = 0; r < rows.size(); ++r) {
            const int y = static_cast<int>(r) * row_h;
            os << "<text x=\"0\" y=\"" << y + 12 << "\" font-size=\"12\">"
               << esc(shorten(rows[r].name, 24)) << "</text>";
            for (std::size_t b = 0; b < rows[r].f.size() && b < bins; ++b) {
                const double f = std::min(1.0, std::max(0.0, rows[r].f[b]));
                if (f <= 0.0) continue;
                char buf[200];
                std::snprintf(buf, sizeof buf,
                              "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" "
                              "fill=\"%s\" fill-opacity=\"%.3f\"><title>",
                              label_w + static_cast<double>(b) * cell, y + 2, cell + 0.05,
                              row_h - 4, kPalette[0], 0.15 + 0.85 * f);
                os << buf << esc(rows[r].name) << ": busy " << pct(f, 0) << " at "
                   << esc(qty((static_cast<double>(b) + 0.5) * bin, Unit::second))
                   << "</title></rect>";
            }
            os << "\n";
        }
        os << "<text x=\"" << label_w << "\" y=\"" << height - 6 << "\" font-size=\"12\">0</text>"
           << "<text x=\"" << width << "\" y=\"" << height - 6
           << "\" font-size=\"12\" text-anchor=\"end\">"
           << esc(qty(bin * static_cast<double>(bins), Unit::second)) << "</text></svg></div>\n";
        os << "<p class=\"note\">Each row is a block, darker where it was busy more of the bin "
              "(hover for the figure)"
           << (hidden ? "; the " + std::to_string(hidden) + " least busy blocks are left out" : "")
           << ".</p>\n";
    }
    os << "</section>\n";
    return os.str();
}

} // namespace neurotlm::html
