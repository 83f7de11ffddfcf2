#include "neurotlm/report/sweep_page.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "html_format.h"
#include "neurotlm/version.h"
#include "xy_chart.h"

namespace neurotlm {

namespace {

using namespace html;

// A figure's axis: values are multiplied by `factor` and labelled with `unit`.
struct AxisScale {
    double factor = 1.0;
    std::string unit;
};

AxisScale scale_for(const SweepPageFigure& f, double max_abs) {
    if (f.percent) return {100.0, "%"};
    if (f.unit == Unit::square_metre)
        return max_abs >= 1e-8 ? AxisScale{1e6, "mm\xC2\xB2"}
                               : AxisScale{1e12, "\xC2\xB5m\xC2\xB2"};
    if (f.unit == Unit::none || !prefixable(f.unit)) {
        if (f.unit != Unit::none) return {1.0, std::string(unit_symbol(f.unit))};
        return {1.0, f.unit_label};
    }
    static const std::pair<int, const char*> prefixes[] = {
        {-18, "a"}, {-15, "f"}, {-12, "p"}, {-9, "n"}, {-6, "\xC2\xB5"}, {-3, "m"},
        {0, ""},    {3, "k"},   {6, "M"},   {9, "G"},  {12, "T"}};
    int e = 0;
    if (max_abs > 0 && std::isfinite(max_abs))
        e = static_cast<int>(std::floor(std::log10(max_abs) / 3.0)) * 3;
    e = std::clamp(e, -18, 12);
    std::string sym(unit_symbol(f.unit));
    if (f.unit == Unit::ohm) sym = "\xCE\xA9";
    for (const auto& [exp, p] : prefixes)
        if (exp == e) return {std::pow(10.0, -e), std::string(p) + sym};
    return {1.0, sym};
}

std::string figure_name(const SweepPageFigure& f, const std::string& item) {
    std::string n = f.name;
    const auto pos = n.find("item");
    if (pos != std::string::npos && !item.empty()) n.replace(pos, 4, item);
    return n;
}

std::string axis_label(const std::string& name, const std::string& unit) {
    return unit.empty() ? name : name + " (" + unit + ")";
}

std::string value_text(const SweepPage& page, const SweepPagePoint& pt, std::size_t p) {
    const SweepPageParameter& par = page.parameters[p];
    return pt.index[p] ? par.value_texts[*pt.index[p]] : par.base_text;
}

std::string point_tip(const SweepPage& page, const SweepPagePoint& pt) {
    std::string tip = pt.id;
    for (std::size_t p = 0; p < page.parameters.size(); ++p)
        tip += "\n" + page.parameters[p].name + " = " + value_text(page, pt, p);
    for (std::size_t f = 0; f < page.figures.size() && f < pt.figures.size(); ++f)
        if (pt.figures[f]) {
            const auto& fig = page.figures[f];
            const AxisScale s = scale_for(fig, std::fabs(*pt.figures[f]));
            tip += "\n" + figure_name(fig, page.item) + " = " +
                   plain(*pt.figures[f] * s.factor, 5) + (s.unit.empty() ? "" : " " + s.unit);
        }
    if (!pt.error.empty()) tip += "\nFAILED: " + shorten(pt.error, 400);
    return tip;
}

// Where point @p pt sits on parameter @p p's axis; nullopt when it does not belong on it.
std::optional<double> x_of(const SweepPage& page, const SweepPagePoint& pt, std::size_t p,
                           bool numeric, bool& base) {
    const SweepPageParameter& par = page.parameters[p];
    base = false;
    if (page.mode == "each" && pt.varied != static_cast<int>(p)) {
        if (pt.varied != -1) return std::nullopt;
        base = true;
        if (numeric) return par.base_number;
        for (std::size_t i = 0; i < par.value_texts.size(); ++i)
            if (par.value_texts[i] == par.base_text) return static_cast<double>(i);
        return std::nullopt;
    }
    if (!pt.index[p]) return std::nullopt;
    return numeric ? par.numbers[*pt.index[p]] : std::optional<double>(*pt.index[p]);
}

void write_parameter(std::ostringstream& os, const SweepPage& page, std::size_t p) {
    const SweepPageParameter& par = page.parameters[p];
    bool numeric = std::all_of(par.numbers.begin(), par.numbers.end(),
                               [](const auto& n) { return n.has_value(); });
    os << "<section id=\"param-" << p << "\">\n<h2>" << esc(par.name) << "</h2>\n";
    if (page.mode == "each") {
        os << "<p class=\"note\">Only this parameter varies; the others keep the base platform's "
              "values. ";
        if (par.base_text.empty())
            os << "The base platform has no single value of it (its targets differ, or their "
                  "default is unknown), so the base point is not on these charts.</p>\n";
        else
            os << "The hollow dot is the base platform (" << esc(par.base_text) << ").</p>\n";
    }
    // Series in grid mode: the points that share the other parameters' values.
    std::map<std::vector<std::optional<std::size_t>>, int> series_of;
    std::vector<std::string> series_names;
    for (const auto& pt : page.points) {
        if (page.mode != "grid") break;
        auto key = pt.index;
        key[p].reset();
        if (series_of.emplace(key, static_cast<int>(series_of.size())).second) {
            std::string name;
            for (std::size_t q = 0; q < page.parameters.size(); ++q)
                if (q != p)
                    name += (name.empty() ? "" : ", ") + page.parameters[q].name + " = " +
                            value_text(page, pt, q);
            series_names.push_back(name);
        }
    }
    if (series_names.size() > 1 && series_names.size() <= 12) {
        os << "<div class=\"legend\">";
        for (std::size_t s = 0; s < series_names.size(); ++s)
            os << "<span class=\"item\">" << swatch(kPalette[s % 12]) << esc(series_names[s])
               << "</span>";
        os << "</div>\n";
    }
    os << "<div class=\"pair\">\n";
    for (std::size_t f = 0; f < page.figures.size(); ++f) {
        const SweepPageFigure& fig = page.figures[f];
        double max_abs = 0;
        for (const auto& pt : page.points)
            if (pt.ok && f < pt.figures.size() && pt.figures[f])
                max_abs = std::max(max_abs, std::fabs(*pt.figures[f]));
        const AxisScale s = scale_for(fig, max_abs);
        Chart c;
        c.title = figure_name(fig, page.item) + " against " + par.name;
        c.x_label = axis_label(par.name, par.unit);
        c.y_label = axis_label(figure_name(fig, page.item), s.unit);
        c.log_x = par.log_scale && numeric;
        c.percent = fig.percent;
        if (!numeric) c.categories = par.value_texts;
        for (const auto& pt : page.points) {
            if (!pt.done) continue;
            bool base = false;
            const auto x = x_of(page, pt, p, numeric, base);
            if (!x) continue;
            if (!pt.ok) {
                if (!base || page.mode != "each") c.failures.push_back({*x, point_tip(page, pt)});
                continue;
            }
            if (f >= pt.figures.size() || !pt.figures[f]) continue;
            int series = 0;
            if (page.mode == "grid") {
                auto key = pt.index;
                key[p].reset();
                series = series_of[key];
            }
            c.marks.push_back(
                {*x, *pt.figures[f] * s.factor, pt.link, point_tip(page, pt), series, base});
        }
        os << "<div class=\"figure\">" << xy_chart(c) << "</div>\n";
    }
    os << "</div>\n</section>\n";
}

void write_pareto(std::ostringstream& os, const SweepPage& page) {
    if (page.figures.size() < 2 || page.pareto_x == page.pareto_y) return;
    const SweepPageFigure& fx = page.figures[page.pareto_x];
    const SweepPageFigure& fy = page.figures[page.pareto_y];
    double mx = 0, my = 0;
    for (const auto& pt : page.points)
        if (pt.ok && pt.figures.size() == page.figures.size()) {
            if (pt.figures[page.pareto_x]) mx = std::max(mx, std::fabs(*pt.figures[page.pareto_x]));
            if (pt.figures[page.pareto_y]) my = std::max(my, std::fabs(*pt.figures[page.pareto_y]));
        }
    const AxisScale sx = scale_for(fx, mx), sy = scale_for(fy, my);
    Chart c;
    c.title =
        "Pareto front: " + figure_name(fy, page.item) + " against " + figure_name(fx, page.item);
    c.x_label = axis_label(figure_name(fx, page.item), sx.unit) +
                (fx.higher_is_better ? " (higher is better)" : " (lower is better)");
    c.y_label = axis_label(figure_name(fy, page.item), sy.unit);
    c.join_series = false;
    c.percent = fy.percent;
    std::vector<std::size_t> front_points = pareto_front(page, page.pareto_x, page.pareto_y);
    std::vector<std::pair<double, std::size_t>> front_marks;
    for (std::size_t i = 0; i < page.points.size(); ++i) {
        const auto& pt = page.points[i];
        if (!pt.ok || pt.figures.size() != page.figures.size() || !pt.figures[page.pareto_x] ||
            !pt.figures[page.pareto_y])
            continue;
        if (std::find(front_points.begin(), front_points.end(), i) != front_points.end())
            front_marks.emplace_back(*pt.figures[page.pareto_x], c.marks.size());
        c.marks.push_back({*pt.figures[page.pareto_x] * sx.factor,
                           *pt.figures[page.pareto_y] * sy.factor, pt.link, point_tip(page, pt), 0,
                           false});
    }
    std::sort(front_marks.begin(), front_marks.end());
    for (const auto& fm : front_marks)
        c.front.push_back(fm.second);
    os << "<section id=\"pareto\">\n<h2>Pareto front</h2>\n<p class=\"note\">Every finished point; "
          "the front (orange, joined) are the points no other point beats in both figures ("
       << esc(figure_name(fy, page.item)) << ": " << (fy.higher_is_better ? "higher" : "lower")
       << " is better). Click a point for its report.</p>\n<div class=\"figure\">" << xy_chart(c)
       << "</div>\n</section>\n";
}

std::string figure_cell(const SweepPageFigure& f, double v) {
    if (f.percent) return pct(v, 2);
    if (f.unit == Unit::square_metre) return area(v);
    if (f.unit == Unit::none || !prefixable(f.unit))
        return plain(v, 5) + (f.unit_label.empty() ? "" : " " + esc(f.unit_label));
    return qty(v, f.unit);
}

void write_table(std::ostringstream& os, const SweepPage& page) {
    os << "<section id=\"points\">\n<h2>Points</h2>\n<div class=\"wide\"><table>\n<thead><tr>"
          "<th>point</th>"
          "<th>status</th>";
    for (const auto& par : page.parameters)
        os << "<th>" << esc(axis_label(par.name, par.unit)) << "</th>";
    for (const auto& f : page.figures)
        os << "<th class=\"n\">" << esc(figure_name(f, page.item)) << "</th>";
    os << "</tr></thead>\n<tbody>\n";
    for (const auto& pt : page.points) {
        os << "<tr><td><code>";
        if (pt.done && pt.ok)
            os << "<a href=\"" << esc(pt.link) << "\">" << esc(pt.id) << "</a>";
        else
            os << esc(pt.id);
        os << "</code></td><td>"
           << (!pt.done ? "not run"
               : pt.ok  ? "ok"
                        : "<b>failed</b>")
           << "</td>";
        for (std::size_t p = 0; p < page.parameters.size(); ++p)
            os << "<td>" << esc(value_text(page, pt, p)) << "</td>";
        for (std::size_t f = 0; f < page.figures.size(); ++f)
            os << "<td class=\"n\">"
               << (f < pt.figures.size() && pt.figures[f]
                       ? figure_cell(page.figures[f], *pt.figures[f])
                       : std::string(kNotAvailable))
               << "</td>";
        os << "</tr>\n";
    }
    os << "</tbody>\n</table></div>\n</section>\n";
}

void write_failures(std::ostringstream& os, const SweepPage& page) {
    std::size_t n = 0;
    for (const auto& pt : page.points)
        n += pt.done && !pt.ok ? 1 : 0;
    if (n == 0) return;
    os << "<section id=\"failures\">\n<h2>Failed points</h2>\n<p class=\"note\">Each failed point "
          "with its error (the end of its stderr; the whole is in logs/&lt;point&gt;.log). "
          "<code>--retry-failed</code> runs them again.</p>\n";
    for (const auto& pt : page.points) {
        if (!pt.done || pt.ok) continue;
        os << "<h3><code>" << esc(pt.id) << "</code>: ";
        for (std::size_t p = 0; p < page.parameters.size(); ++p)
            os << (p ? ", " : "") << esc(page.parameters[p].name) << " = "
               << esc(value_text(page, pt, p));
        os << "</h3>\n<pre>" << esc(pt.error) << "</pre>\n";
    }
    os << "</section>\n";
}

} // namespace

std::vector<std::size_t> pareto_front(const SweepPage& page, std::size_t x, std::size_t y) {
    struct P {
        std::size_t i;
        double a, b; // both oriented so that higher is better
    };
    std::vector<P> ps;
    for (std::size_t i = 0; i < page.points.size(); ++i) {
        const auto& pt = page.points[i];
        if (!pt.ok || x >= pt.figures.size() || y >= pt.figures.size() || !pt.figures[x] ||
            !pt.figures[y])
            continue;
        ps.push_back({i, page.figures[x].higher_is_better ? *pt.figures[x] : -*pt.figures[x],
                      page.figures[y].higher_is_better ? *pt.figures[y] : -*pt.figures[y]});
    }
    std::vector<std::size_t> front;
    for (const auto& p : ps) {
        const bool dominated = std::any_of(ps.begin(), ps.end(), [&](const P& q) {
            return q.a >= p.a && q.b >= p.b && (q.a > p.a || q.b > p.b);
        });
        if (!dominated) front.push_back(p.i);
    }
    return front;
}

std::string sweep_html(const SweepPage& page) {
    std::size_t done = 0, failed = 0;
    for (const auto& pt : page.points) {
        done += pt.done ? 1 : 0;
        failed += pt.done && !pt.ok ? 1 : 0;
    }
    std::ostringstream os;
    os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>neurotlm sweep: "
       << esc(page.title) << "</title>\n<style>" << kStyle << "div.wide { overflow-x: auto; }\n"
       << "</style>\n</head>\n<body>\n<header>\n<h1>neurotlm sweep: " << esc(page.title)
       << "</h1>\n";
    const std::string status = std::to_string(done) + " of " + std::to_string(page.points.size()) +
                               " points finished, " + std::to_string(failed) + " failed";
    os << "<div class=\"banner " << (done == page.points.size() && failed == 0 ? "ok" : "bad")
       << "\">" << esc(status)
       << (done < page.points.size() ? " (run the same command again to finish the rest)" : "")
       << ".</div>\n<dl class=\"meta\">\n<dt>base platform</dt><dd><code>" << esc_name(page.base)
       << "</code></dd>\n<dt>mode</dt><dd>" << esc(page.mode) << "</dd>\n";
    if (!page.fixed.empty()) {
        os << "<dt>every point</dt><dd>";
        for (const auto& f : page.fixed)
            os << "<code>--set " << esc(f) << "</code> ";
        os << "</dd>\n";
    }
    os << "</dl>\n<nav>";
    for (std::size_t p = 0; p < page.parameters.size(); ++p)
        os << "<a href=\"#param-" << p << "\">" << esc(page.parameters[p].name) << "</a>";
    os << "<a href=\"#pareto\">Pareto front</a><a href=\"#points\">Points</a>";
    if (failed) os << "<a href=\"#failures\">Failures</a>";
    os << "</nav>\n</header>\n";
    for (std::size_t p = 0; p < page.parameters.size(); ++p)
        write_parameter(os, page, p);
    write_pareto(os, page);
    write_table(os, page);
    write_failures(os, page);
    os << "<footer>Generated by neurotlm " << NEUROTLM_VERSION
       << ". The figures with full precision are in results.csv and results.jsonl; each "
          "point's report is in points/&lt;point&gt;/.</footer>\n</body>\n</html>\n";
    return os.str();
}

} // namespace neurotlm
