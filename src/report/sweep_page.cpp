#include "neurotlm/report/sweep_page.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "html_format.h"
#include "neurotlm/version.h"

namespace neurotlm {

namespace {

using namespace html;

constexpr int kPlotW = 470, kPlotH = 300;
constexpr int kLeft = 72, kRight = 16, kTop = 26, kBottom = 48;

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

// A tick's label: as many decimals as the step between ticks needs, so that neighbours differ.
std::string tick_text(double v, double step) {
    if (std::fabs(v) >= 1e6 || (v != 0 && std::fabs(v) < 1e-4)) return plain(v, 4);
    const int decimals =
        step > 0 ? std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9))) : 0;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", std::min(decimals + 1, 8), v);
    std::string t = buf;
    // One decimal more than the step's leading digit needs covers steps of 2.5; drop a final 0.
    if (t.find('.') != std::string::npos) {
        while (t.back() == '0')
            t.pop_back();
        if (t.back() == '.') t.pop_back();
    }
    return t;
}

// Round tick positions covering [lo, hi].
std::vector<double> ticks(double lo, double hi, int wanted = 5) {
    if (!(hi > lo)) return {lo};
    const double raw = (hi - lo) / wanted;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * mag >= raw) {
            step = m * mag;
            break;
        }
    std::vector<double> t;
    for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
        t.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
    return t;
}

struct Mark {
    double x = 0, y = 0; // data units (y already scaled)
    std::string link, tip;
    int series = 0;
    bool base = false;
};

struct Failure {
    double x = 0;
    std::string tip;
};

// One x-y chart: series drawn as lines in x order, marks as linked dots, failures as crosses
// under the axis. `categories` non-empty: x is an index into them.
struct Chart {
    std::string title, x_label, y_label;
    bool log_x = false;
    std::vector<std::string> categories;
    std::vector<Mark> marks;
    std::vector<Failure> failures;
    std::vector<std::size_t> front; // marks joined by the front's staircase (Pareto chart)
    bool join_series = true;
    bool percent = false; // a fraction in %: the axis never passes 0 or 100
};

std::string svg(const Chart& c) {
    std::ostringstream os;
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    auto fx = [&](double x) { return c.log_x ? std::log10(x) : x; };
    for (const auto& m : c.marks) {
        if (c.log_x && m.x <= 0) continue;
        x0 = std::min(x0, fx(m.x));
        x1 = std::max(x1, fx(m.x));
        y0 = std::min(y0, m.y);
        y1 = std::max(y1, m.y);
    }
    for (const auto& f : c.failures)
        if (!c.log_x || f.x > 0) {
            x0 = std::min(x0, fx(f.x));
            x1 = std::max(x1, fx(f.x));
        }
    if (!c.categories.empty()) {
        x0 = -0.5;
        x1 = static_cast<double>(c.categories.size()) - 0.5;
    }
    if (!std::isfinite(x0)) x0 = 0, x1 = 1;
    if (!std::isfinite(y0)) y0 = 0, y1 = 1;
    const double data_y0 = y0, data_y1 = y1;
    if (x1 <= x0) x0 -= 0.5, x1 += 0.5;
    if (y1 <= y0) {
        const double pad = y0 == 0 ? 1.0 : std::fabs(y0) * 0.05;
        y0 -= pad, y1 += pad;
    }
    const double xpad = c.categories.empty() ? (x1 - x0) * 0.04 : 0.0;
    const double ypad = (y1 - y0) * 0.06;
    x0 -= xpad, x1 += xpad, y0 -= ypad, y1 += ypad;
    if (c.percent) {
        if (data_y1 <= 100.0) y1 = std::min(y1, 100.0);
        if (data_y0 >= 0.0) y0 = std::max(y0, 0.0);
    }
    const double pw = kPlotW - kLeft - kRight, ph = kPlotH - kTop - kBottom;
    auto px = [&](double x) { return kLeft + (fx(x) - x0) / (x1 - x0) * pw; };
    auto pxi = [&](double xi) { return kLeft + (xi - x0) / (x1 - x0) * pw; };
    auto py = [&](double y) { return kTop + (y1 - y) / (y1 - y0) * ph; };

    os << "<svg class=\"chart\" width=\"" << kPlotW << "\" height=\"" << kPlotH
       << "\" viewBox=\"0 0 " << kPlotW << ' ' << kPlotH << "\" role=\"img\" aria-label=\""
       << esc(c.title) << "\">\n<title>" << esc(c.title) << "</title>\n";
    os << "<rect class=\"frame\" x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << pw
       << "\" height=\"" << ph << "\"/>\n";
    const std::vector<double> yt = ticks(y0, y1);
    for (double t : yt) {
        const double y = py(t);
        os << "<line class=\"grid\" x1=\"" << kLeft << "\" x2=\"" << kLeft + pw << "\" y1=\""
           << printf_str("%.1f", y) << "\" y2=\"" << printf_str("%.1f", y) << "\"/><text x=\""
           << kLeft - 6 << "\" y=\"" << printf_str("%.1f", y + 4) << "\" text-anchor=\"end\">"
           << esc(tick_text(t, yt.size() > 1 ? yt[1] - yt[0] : 0)) << "</text>\n";
    }
    auto xtick = [&](double x, const std::string& label) {
        os << "<line class=\"grid\" x1=\"" << printf_str("%.1f", x) << "\" x2=\""
           << printf_str("%.1f", x) << "\" y1=\"" << kTop << "\" y2=\"" << kTop + ph
           << "\"/><text x=\"" << printf_str("%.1f", x) << "\" y=\"" << kTop + ph + 16
           << "\" text-anchor=\"middle\">" << esc(shorten(label, 14)) << "</text>\n";
    };
    if (!c.categories.empty()) {
        for (std::size_t i = 0; i < c.categories.size(); ++i)
            xtick(pxi(static_cast<double>(i)), c.categories[i]);
    } else if (c.log_x) {
        for (double e = std::ceil(x0); e <= x1; e += 1.0)
            xtick(pxi(e), plain(std::pow(10.0, e), 3));
    } else {
        const std::vector<double> xt = ticks(x0, x1);
        for (double t : xt)
            xtick(pxi(t), tick_text(t, xt.size() > 1 ? xt[1] - xt[0] : 0));
    }
    os << "<text x=\"" << kLeft + pw / 2 << "\" y=\"" << kPlotH - 8
       << "\" text-anchor=\"middle\" class=\"axis-label\">" << esc(c.x_label) << "</text>\n";
    os << "<text transform=\"translate(14," << kTop + ph / 2
       << ") rotate(-90)\" text-anchor=\"middle\" class=\"axis-label\">" << esc(c.y_label)
       << "</text>\n";
    auto xpos = [&](const Mark& m) { return c.categories.empty() ? px(m.x) : pxi(m.x); };

    if (c.join_series) {
        std::map<int, std::vector<const Mark*>> series;
        for (const auto& m : c.marks)
            series[m.series].push_back(&m);
        for (auto& [s, ms] : series) {
            std::sort(ms.begin(), ms.end(),
                      [](const Mark* a, const Mark* b) { return a->x < b->x; });
            if (ms.size() < 2) continue;
            os << "<polyline class=\"series\" stroke=\"" << kPalette[s % 12] << "\" points=\"";
            for (const Mark* m : ms)
                os << printf_str("%.1f", xpos(*m)) << ',' << printf_str("%.1f", py(m->y)) << ' ';
            os << "\"/>\n";
        }
    }
    if (c.front.size() >= 2) {
        os << "<polyline class=\"front\" points=\"";
        for (std::size_t i : c.front)
            os << printf_str("%.1f", xpos(c.marks[i])) << ','
               << printf_str("%.1f", py(c.marks[i].y)) << ' ';
        os << "\"/>\n";
    }
    for (std::size_t i = 0; i < c.marks.size(); ++i) {
        const Mark& m = c.marks[i];
        if (c.log_x && m.x <= 0) continue;
        const bool on_front = std::find(c.front.begin(), c.front.end(), i) != c.front.end();
        const std::string colour = c.front.empty() ? kPalette[m.series % 12]
                                   : on_front      ? kPalette[1]
                                                   : kOtherColour;
        os << "<a href=\"" << esc(m.link) << "\"><circle cx=\"" << printf_str("%.1f", xpos(m))
           << "\" cy=\"" << printf_str("%.1f", py(m.y)) << "\" r=\"" << (m.base ? 6 : 4)
           << "\" fill=\"" << (m.base ? "#fff" : colour) << "\" stroke=\"" << colour
           << "\" stroke-width=\"" << (m.base ? 2.5 : 1) << "\"><title>" << esc(m.tip)
           << "</title></circle></a>\n";
        if (m.base)
            os << "<text class=\"base\" x=\"" << printf_str("%.1f", xpos(m) + 8) << "\" y=\""
               << printf_str("%.1f", py(m.y) - 8) << "\">base</text>\n";
    }
    for (const auto& f : c.failures) {
        if (c.log_x && f.x <= 0) continue;
        const double x = c.categories.empty() ? px(f.x) : pxi(f.x);
        const double y = kTop + ph - 8;
        os << "<path class=\"failed\" d=\"M" << printf_str("%.1f", x - 5) << ' ' << y - 5 << " L"
           << printf_str("%.1f", x + 5) << ' ' << y + 5 << " M" << printf_str("%.1f", x - 5) << ' '
           << y + 5 << " L" << printf_str("%.1f", x + 5) << ' ' << y - 5 << "\"><title>"
           << esc(f.tip) << "</title></path>\n";
    }
    os << "</svg>\n";
    return os.str();
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
    if (page.mode == "each")
        os << "<p class=\"note\">Only this parameter varies; the others keep the base platform's "
              "values. The hollow dot is the base platform ("
           << esc(par.base_text.empty() ? std::string("value unknown") : par.base_text)
           << ").</p>\n";
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
        os << "<div class=\"figure\">" << svg(c) << "</div>\n";
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
       << " is better). Click a point for its report.</p>\n<div class=\"figure\">" << svg(c)
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
       << esc(page.title) << "</title>\n<style>" << kStyle
       << "div.wide { overflow-x: auto; }\n"
          "svg.chart rect.frame { fill: none; stroke: var(--rule); }\n"
          "svg.chart line.grid { stroke: #eef1f4; }\n"
          "svg.chart polyline.series { fill: none; stroke-width: 1.5; }\n"
          "svg.chart polyline.front { fill: none; stroke: #e08a2c; stroke-width: 2; }\n"
          "svg.chart path.failed { stroke: #c0392b; stroke-width: 2; }\n"
          "svg.chart text.axis-label { fill: var(--muted); }\n"
          "svg.chart text.base { font-size: 11px; fill: var(--muted); }\n"
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
