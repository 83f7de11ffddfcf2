#include "html_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace neurotlm::html {

// ---------------------------------------------------------------------------------------------
// Text and number formatting

std::string esc(std::string_view s) {
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string printf_str(const char* format, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

// A figure that could not be computed (no items, no time) is "n/a", never "nan J".

bool prefixable(Unit unit) {
    return unit != Unit::none && unit != Unit::byte && unit != Unit::square_metre &&
           unit != Unit::ohm_square_metre;
}

std::string qty(double v, Unit unit, int significant) {
    if (!std::isfinite(v)) return kNotAvailable;
    std::string s = format_quantity(v, unit, significant);
    // format_quantity writes micro as 'u' for terminals; a page can show the real sign. No unit
    // symbol starts with 'u', so a 'u' right after the space is the prefix.
    const auto space = s.find(' ');
    if (prefixable(unit) && space != std::string::npos && space + 1 < s.size() &&
        s[space + 1] == 'u')
        s.replace(space + 1, 1, "\xC2\xB5");
    if (unit == Unit::ohm) {
        const auto pos = s.rfind("ohm");
        if (pos != std::string::npos) s.replace(pos, 3, "\xCE\xA9");
    }
    return s;
}

// Areas: engineering prefixes do not apply to m^2 (a prefix would be squared), so pick mm^2 or
// um^2, whichever keeps the number readable.
std::string area(double m2) {
    if (!std::isfinite(m2)) return kNotAvailable;
    if (m2 == 0.0) return "0 mm\xC2\xB2";
    if (std::fabs(m2) >= 1e-8) return printf_str("%.4g", m2 * 1e6) + " mm\xC2\xB2";
    return printf_str("%.4g", m2 * 1e12) + " \xC2\xB5m\xC2\xB2";
}

std::string pct(double fraction, int decimals) {
    if (!std::isfinite(fraction)) return kNotAvailable;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f %%", decimals, fraction * 100.0);
    return buf;
}

// Digits grouped by narrow no-break spaces: counts run to billions and must stay legible.
std::string count(std::uint64_t n) {
    const std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += "\xE2\x80\xAF";
        out += digits[i];
    }
    return out;
}

std::string plain(double v, int significant) {
    if (!std::isfinite(v)) return kNotAvailable;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*g", significant, v);
    return buf;
}

std::string stat_value(const Stat& s) {
    if (!std::isfinite(s.value)) return kNotAvailable;
    if (s.unit == Unit::none) return plain(s.value, 6);
    if (s.unit == Unit::square_metre) return area(s.value);
    if (!prefixable(s.unit)) return plain(s.value, 6) + " " + std::string(unit_symbol(s.unit));
    return qty(s.value, s.unit);
}

double ratio(double a, double b) {
    return b > 0 ? a / b : std::nan("");
}

// Sort key that puts figures which are not numbers last.
double sort_key(double v) {
    return std::isfinite(v) ? v : -std::numeric_limits<double>::infinity();
}

// Cut out the middle of a long name: hierarchical names differ at their ends
// ("mesh.cluster3.pe17" vs "mesh.cluster3.pe18"), so both ends are kept.
std::string shorten(const std::string& s, std::size_t max_chars) {
    if (s.size() <= max_chars || max_chars < 5) return s;
    auto on_boundary = [&](std::size_t i) {
        // Never cut a UTF-8 sequence in half.
        return i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    };
    std::size_t head = (max_chars - 1) * 2 / 5;
    while (head > 0 && !on_boundary(head))
        --head;
    std::size_t tail = s.size() - (max_chars - 1 - head);
    while (tail < s.size() && !on_boundary(tail))
        ++tail;
    return s.substr(0, head) + "\xE2\x80\xA6" + s.substr(tail);
}

// Escaped text that may wrap after the separators of hierarchical names and paths, so that
// long names break where a reader expects rather than mid-word.
std::string esc_name(std::string_view s) {
    std::string out;
    for (char c : s) {
        out += esc(std::string_view(&c, 1));
        if (c == '.' || c == '_' || c == '/' || c == '-') out += "<wbr>";
    }
    return out;
}

// JSON dumps of input may hold invalid UTF-8; replace it rather than throw while reporting.
std::string dump(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Indented JSON in which arrays of plain values stay on one line: a weight vector or a confusion
// row is one line to skim, not a column of numbers.
void pretty(const json& j, int depth, std::string& out) {
    const std::string pad(static_cast<std::size_t>(depth + 1) * 2, ' ');
    const std::string close_pad(static_cast<std::size_t>(depth) * 2, ' ');
    if (j.is_object() && !j.empty()) {
        out += "{\n";
        bool first = true;
        for (auto it = j.begin(); it != j.end(); ++it) {
            out += first ? "" : ",\n";
            first = false;
            out += pad + dump(json(it.key())) + ": ";
            pretty(it.value(), depth + 1, out);
        }
        out += "\n" + close_pad + "}";
        return;
    }
    if (j.is_array() && !j.empty()) {
        const bool flat =
            std::none_of(j.begin(), j.end(), [](const json& e) { return e.is_structured(); });
        out += flat ? "[" : "[\n";
        bool first = true;
        for (const auto& e : j) {
            out += first ? "" : (flat ? ", " : ",\n");
            first = false;
            if (!flat) out += pad;
            pretty(e, depth + 1, out);
        }
        out += flat ? "]" : "\n" + close_pad + "]";
        return;
    }
    out += dump(j);
}

std::string pretty(const json& j) {
    std::string out;
    pretty(j, 0, out);
    return out;
}

std::optional<double> json_number(const json& j, const char* key) {
    if (!j.is_object()) return std::nullopt;
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return std::nullopt;
    return it->get<double>();
}

// A scalar JSON value as text (already escaped); "n/a" when absent.
std::string json_text(const json& j, const char* key) {
    if (!j.is_object()) return kNotAvailable;
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return kNotAvailable;
    if (it->is_string()) return esc(it->get<std::string>());
    if (it->is_number_integer() || it->is_number_unsigned()) return esc(dump(*it));
    if (it->is_number()) return plain(it->get<double>(), 4);
    return esc(dump(*it));
}

// ---------------------------------------------------------------------------------------------
// Horizontal bar charts (inline SVG)

double bar_total(const Bar& b) {
    double total = 0.0;
    for (const auto& s : b.segments)
        if (std::isfinite(s.value) && s.value > 0) total += s.value;
    return total;
}

std::string hbar_chart(const std::vector<Bar>& bars, const std::string& title,
                       const ChartGeometry& g, double scale_max) {
    // Scale to the named bars: a sum of hundreds of small components would otherwise squash
    // them into slivers. A muted ("others") bar that does not fit is drawn broken.
    if (scale_max <= 0.0) {
        for (const auto& b : bars)
            if (!b.muted) scale_max = std::max(scale_max, bar_total(b));
        if (scale_max <= 0.0)
            for (const auto& b : bars)
                scale_max = std::max(scale_max, bar_total(b));
    }
    const int row_h = 24;
    const int bar_h = 16;
    const int pad = 6;
    const int height = static_cast<int>(bars.size()) * row_h + 2 * pad;
    const double plot_w = g.width - g.label_width - g.value_width;
    const auto label_chars = static_cast<std::size_t>((g.label_width - 12) / kCharWidth);

    std::ostringstream os;
    os << "<svg class=\"chart\" width=\"" << g.width << "\" height=\"" << height
       << "\" viewBox=\"0 0 " << g.width << ' ' << height << "\" role=\"img\" aria-label=\""
       << esc(title) << "\">\n<title>" << esc(title) << "</title>\n";
    os << "<line class=\"axis\" x1=\"" << g.label_width << "\" y1=\"" << pad / 2 << "\" x2=\""
       << g.label_width << "\" y2=\"" << height - pad / 2 << "\"/>\n";
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const Bar& b = bars[i];
        const double y = pad + static_cast<double>(i) * row_h;
        const double text_y = y + row_h / 2.0 + 4;
        os << "<g" << (b.muted ? " class=\"muted\"" : "") << ">";
        os << "<text class=\"label\" x=\"" << g.label_width - 8 << "\" y=\"" << text_y
           << "\" text-anchor=\"end\"><title>" << esc(b.label) << "</title>"
           << esc(shorten(b.label, label_chars)) << "</text>";
        double x = g.label_width;
        const double total = bar_total(b);
        const bool broken = total > scale_max * 1.0001;
        const double scale = broken ? total : scale_max;
        for (const auto& s : b.segments) {
            if (!std::isfinite(s.value) || s.value <= 0 || scale <= 0) continue;
            const double w = s.value / scale * plot_w;
            os << "<rect x=\"" << printf_str("%.2f", x) << "\" y=\""
               << printf_str("%.1f", y + (row_h - bar_h) / 2.0) << "\" width=\""
               << printf_str("%.2f", std::max(w, 0.5)) << "\" height=\"" << bar_h << "\" fill=\""
               << s.colour << "\"><title>" << esc(s.name) << "</title></rect>";
            if (!s.inner_text.empty() &&
                w >= kCharWidth * static_cast<double>(s.inner_text.size()) + 8)
                os << "<text class=\"inner\" x=\"" << printf_str("%.2f", x + w / 2) << "\" y=\""
                   << text_y << "\" text-anchor=\"middle\">" << esc(s.inner_text) << "</text>";
            x += w;
        }
        if (broken) {
            // Two white slants across the bar: its length is not to scale.
            const double bx = g.label_width + plot_w * 0.82;
            const double y0 = y + (row_h - bar_h) / 2.0 - 2, y1 = y0 + bar_h + 4;
            os << "<path class=\"break\" d=\"M" << printf_str("%.1f", bx) << ' ' << y1 << " L"
               << printf_str("%.1f", bx + 6) << ' ' << y0 << " L" << printf_str("%.1f", bx + 12)
               << ' ' << y0 << " L" << printf_str("%.1f", bx + 6) << ' ' << y1
               << " Z\"><title>not to scale</title></path>";
        }
        os << "<text class=\"value\" x=\"" << printf_str("%.2f", x + 6) << "\" y=\"" << text_y
           << "\">" << esc(b.value_text) << "</text></g>\n";
    }
    os << "</svg>\n";
    return os.str();
}

std::string swatch(const std::string& colour) {
    return "<span class=\"swatch\" style=\"background:" + colour + "\"></span>";
}

// ---------------------------------------------------------------------------------------------
// The page's stylesheet

const char* const kStyle = R"css(
:root { --ink:#1f2933; --muted:#5f6b7a; --rule:#d8dde3; --band:#f4f6f8; --accent:#3b6ea5; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 24px 28px 48px; color: var(--ink);
       font: 14px/1.45 system-ui, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif;
       -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px;
     border-bottom: 2px solid var(--rule); }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.note { color: var(--muted); margin: 4px 0 10px; font-size: 13px; }
p.warning { border-left: 4px solid #c0392b; padding: 6px 10px; margin: 10px 0; }
nav { margin: 10px 0 4px; font-size: 13px; }
nav a { color: var(--accent); text-decoration: none; margin-right: 14px; }
.banner { padding: 8px 12px; border-radius: 4px; margin: 12px 0; font-weight: 600; }
.banner.ok { background: #e6f2ea; color: #1e5c33; border: 1px solid #b9dcc4; }
.banner.bad { background: #fbe7e6; color: #8a1f17; border: 1px solid #efb7b2; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0;
          font-size: 13px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 10px; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px; background: #fff; }
.card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
.card .v { font-size: 21px; font-weight: 600; margin-top: 2px; font-variant-numeric: tabular-nums; }
.card .s { color: var(--muted); font-size: 12px; margin-top: 2px; }
.figure { margin: 8px 0 14px; break-inside: avoid; }
.figure svg { max-width: 100%; height: auto; display: block; }
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr));
        gap: 12px 28px; }
.legend { font-size: 12px; color: var(--muted); margin: 4px 0; }
.legend span.item { margin-right: 14px; white-space: nowrap; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px;
          vertical-align: -1px; margin-right: 5px; }
svg.chart text { font: 12px system-ui, "DejaVu Sans", Helvetica, Arial, sans-serif;
                 fill: var(--ink); }
svg.chart text.inner { fill: #fff; font-size: 11px; }
svg.chart rect.frame { fill: none; stroke: var(--rule); }
svg.chart line.grid { stroke: #eef1f4; }
svg.chart polyline.series { fill: none; stroke-width: 1.5; }
svg.chart polyline.front { fill: none; stroke: #e08a2c; stroke-width: 2; }
svg.chart path.failed { stroke: #c0392b; stroke-width: 2; }
svg.chart text.axis-label { fill: var(--muted); }
svg.chart text.base { font-size: 11px; fill: var(--muted); }
svg.chart text.value { fill: var(--muted); }
svg.chart g.muted text.label { font-style: italic; fill: var(--muted); }
svg.chart line.axis { stroke: var(--rule); }
svg.chart path.break { fill: #fff; }
svg.chart rect.tile { fill: #dfe8f2; stroke: #3b6ea5; stroke-width: 1; }
svg.chart rect.matrix { fill: none; stroke: #1f2933; stroke-width: 1; }
svg.chart text.tile { font-size: 11px; fill: #1f2933; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--rule); text-align: left;
         vertical-align: top; }
th { background: var(--band); font-weight: 600; white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fafbfc; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.name { overflow-wrap: break-word; max-width: 340px; }
td.desc { color: var(--muted); max-width: 380px; }
td.action { white-space: nowrap; }
tr.setup td { color: var(--muted); }
.meter { display: inline-block; width: 60px; height: 8px; background: #e5e9ee; border-radius: 4px;
         margin-right: 6px; vertical-align: 0; overflow: hidden; }
.meter span { display: block; height: 100%; background: var(--accent); }
table.confusion td, table.confusion th { text-align: center; padding: 4px 6px; min-width: 40px;
                                         border: 1px solid #fff; }
table.confusion tbody tr:nth-child(even) td { background: none; }
table.confusion td.zero { color: #b8c0c8; }
table.confusion td.dark { color: #fff; }
table.confusion th.corner { background: #fff; color: var(--muted); font-weight: 400;
                            font-size: 12px; }
details { margin: 8px 0; border: 1px solid var(--rule); border-radius: 6px; padding: 6px 12px; }
details summary { cursor: pointer; font-weight: 600; }
pre { font: 12px/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace; background: var(--band);
      padding: 10px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule);
         padding-top: 8px; }
@media print {
  body { max-width: none; padding: 0; font-size: 12px; }
  nav { display: none; }
  h2 { break-after: avoid; }
  thead { display: table-header-group; }
}
)css";

} // namespace neurotlm::html
