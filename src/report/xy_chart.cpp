#include "xy_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "html_format.h"

namespace neurotlm::html {

namespace {

constexpr int kPlotW = 470, kPlotH = 300;
constexpr int kLeft = 72, kRight = 16, kTop = 26, kBottom = 48;

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

} // namespace

std::string xy_chart(const Chart& c) {
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
           << "\" cy=\"" << printf_str("%.1f", py(m.y)) << "\" r=\""
           << (m.base          ? "6"
               : c.small_marks ? "1.5"
                               : "4")
           << "\" fill=\"" << (m.base ? "#fff" : colour) << "\" stroke=\"" << colour
           << "\" stroke-width=\""
           << (m.base          ? 2.5
               : c.small_marks ? 0
                               : 1)
           << "\"><title>" << esc(m.tip) << "</title></circle></a>\n";
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

} // namespace neurotlm::html
