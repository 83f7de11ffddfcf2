#include "network_sections.h"

#include "html_format.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "neurotlm/core/units.h"

namespace neurotlm::html {

namespace {

// The matrix when it is a square array of arrays of numbers; anything else is not drawn.
std::optional<std::vector<std::vector<double>>> confusion_matrix(const json& results) {
    if (!results.is_object()) return std::nullopt;
    const auto it = results.find("confusion");
    if (it == results.end() || !it->is_array() || it->empty()) return std::nullopt;
    std::vector<std::vector<double>> m;
    for (const auto& row : *it) {
        if (!row.is_array() || row.size() != it->size()) return std::nullopt;
        std::vector<double> values;
        for (const auto& v : row) {
            if (!v.is_number()) return std::nullopt;
            values.push_back(v.get<double>());
        }
        m.push_back(std::move(values));
    }
    return m;
}

// A sketch of one layer's weight matrix with the tile blocks drawn where they sit.
std::string layer_sketch(const json& layer) {
    const auto inputs = json_number(layer, "inputs");
    const auto outputs = json_number(layer, "outputs");
    const auto tiles = layer.find("tiles");
    if (!inputs || !outputs || *inputs <= 0 || *outputs <= 0 || tiles == layer.end() ||
        !tiles->is_array())
        return {};
    // Inputs run along x (the long side for the usual fully connected layer).
    const double w = 760, margin = 4;
    const double h = std::clamp(w * *outputs / *inputs, 34.0, 170.0);
    std::ostringstream os;
    os << "<svg class=\"chart\" width=\"" << w + 2 * margin << "\" height=\""
       << printf_str("%.0f", h + 2 * margin) << "\" viewBox=\"0 0 " << w + 2 * margin << ' '
       << printf_str("%.0f", h + 2 * margin)
       << "\" role=\"img\" aria-label=\"tile placement\"><title>"
       << "weight matrix: inputs along x, outputs along y</title>\n";
    for (const auto& t : *tiles) {
        const auto row0 = json_number(t, "row0"), rows = json_number(t, "rows");
        const auto col0 = json_number(t, "col0"), cols = json_number(t, "cols");
        if (!row0 || !rows || !col0 || !cols) continue;
        const double x = margin + *row0 / *inputs * w, tw = *rows / *inputs * w;
        const double y = margin + *col0 / *outputs * h, th = *cols / *outputs * h;
        const std::string name = t.contains("tile") && t["tile"].is_string()
                                     ? t["tile"].get<std::string>()
                                     : std::string("?");
        os << "<rect class=\"tile\" x=\"" << printf_str("%.2f", x) << "\" y=\""
           << printf_str("%.2f", y) << "\" width=\"" << printf_str("%.2f", tw) << "\" height=\""
           << printf_str("%.2f", th) << "\"><title>" << esc(name) << "</title></rect>";
        if (tw >= kCharWidth * static_cast<double>(name.size()) + 6 && th >= 14)
            os << "<text class=\"tile\" x=\"" << printf_str("%.2f", x + tw / 2) << "\" y=\""
               << printf_str("%.2f", y + th / 2 + 4) << "\" text-anchor=\"middle\">" << esc(name)
               << "</text>";
        os << "\n";
    }
    os << "<rect class=\"matrix\" x=\"" << margin << "\" y=\"" << margin << "\" width=\"" << w
       << "\" height=\"" << printf_str("%.2f", h) << "\"/>\n</svg>\n";
    return os.str();
}

std::string index_range(const json& tile, const char* start, const char* size) {
    const auto s = json_number(tile, start), n = json_number(tile, size);
    if (!s || !n) return kNotAvailable;
    if (*n <= 1) return plain(*s, 9);
    return plain(*s, 9) + "\xE2\x80\x93" + plain(*s + *n - 1, 9);
}

} // namespace

void write_confusion(std::ostringstream& os, const Report& r) {
    const auto m = confusion_matrix(r.workload_results);
    if (!m) return;
    const std::size_t n = m->size();
    std::vector<std::string> names;
    const auto classes = r.workload_results.find("classes");
    for (std::size_t i = 0; i < n; ++i) {
        if (classes != r.workload_results.end() && classes->is_array() && classes->size() == n &&
            (*classes)[i].is_string())
            names.push_back((*classes)[i].get<std::string>());
        else
            names.push_back(std::to_string(i));
    }
    os << "<section id=\"confusion\">\n<h2>Confusion matrix</h2>\n";
    os << "<p class=\"note\">Rows: true label; columns: predicted label. Shade: share of the "
          "row on a square-root scale, so that rare confusions stay visible; "
       << "<span style=\"color:#3b6ea5\">blue</span> = correct, "
       << "<span style=\"color:#c8514d\">red</span> = confused.</p>\n";
    os << "<table class=\"confusion\">\n<thead><tr><th class=\"corner\">true \\ predicted</th>";
    for (std::size_t j = 0; j < n; ++j)
        os << "<th>" << esc(names[j]) << "</th>";
    os << "<th class=\"n\">items</th><th class=\"n\">recall</th></tr></thead>\n<tbody>\n";
    for (std::size_t i = 0; i < n; ++i) {
        double row_sum = 0;
        for (double v : (*m)[i])
            row_sum += std::isfinite(v) ? v : 0;
        os << "<tr><th>" << esc(names[i]) << "</th>";
        for (std::size_t j = 0; j < n; ++j) {
            const double v = (*m)[i][j];
            const double share = ratio(v, row_sum);
            if (!std::isfinite(v) || v == 0) {
                os << "<td class=\"zero\">" << (std::isfinite(v) ? "0" : kNotAvailable) << "</td>";
                continue;
            }
            const double alpha = std::isfinite(share) ? std::sqrt(std::clamp(share, 0.0, 1.0)) : 0;
            const char* rgb = i == j ? "59,110,165" : "200,81,77";
            os << "<td" << (alpha > 0.6 ? " class=\"dark\"" : "") << " style=\"background:rgba("
               << rgb << ',' << printf_str("%.3f", 0.08 + 0.92 * alpha) << ")\" title=\""
               << pct(share) << " of true " << esc(names[i]) << "\">" << plain(v, 6) << "</td>";
        }
        os << "<td class=\"n\">" << plain(row_sum, 9) << "</td><td class=\"n\">"
           << pct(ratio((*m)[i][i], row_sum)) << "</td></tr>\n";
    }
    os << "</tbody>\n</table>\n</section>\n";
}

void write_mapping(std::ostringstream& os, const Report& r) {
    if (!r.workload_results.is_object()) return;
    const auto layers = r.workload_results.find("layers");
    if (layers == r.workload_results.end() || !layers->is_array() || layers->empty()) return;
    os << "<section id=\"mapping\">\n<h2>Layer mapping onto tiles</h2>\n";
    os << "<p class=\"note\">Each layer's weight matrix (inputs \xC3\x97 outputs) is cut into "
          "blocks, one per tile; rows are inputs, columns are outputs.</p>\n";
    os << "<table>\n<thead><tr><th>layer</th><th class=\"n\">inputs \xE2\x86\x92 outputs</th>"
          "<th>activation</th><th class=\"n\">blocks (rows \xC3\x97 cols)</th><th>tile</th>"
          "<th class=\"n\">rows</th><th class=\"n\">columns</th><th class=\"n\">ADC range</th>"
          "</tr></thead>\n<tbody>\n";
    for (const auto& layer : *layers) {
        if (!layer.is_object()) continue;
        const auto tiles = layer.find("tiles");
        const std::size_t n =
            tiles != layer.end() && tiles->is_array() ? std::max<std::size_t>(tiles->size(), 1) : 1;
        const std::string span = n > 1 ? " rowspan=\"" + std::to_string(n) + "\"" : "";
        os << "<tr><td class=\"name\"" << span << ">" << json_text(layer, "layer")
           << "</td><td class=\"n\"" << span << ">" << json_text(layer, "inputs")
           << " \xE2\x86\x92 " << json_text(layer, "outputs") << "</td><td" << span << ">"
           << json_text(layer, "activation") << "</td><td class=\"n\"" << span << ">"
           << json_text(layer, "row_blocks") << " \xC3\x97 " << json_text(layer, "col_blocks")
           << "</td>";
        if (tiles == layer.end() || !tiles->is_array() || tiles->empty()) {
            os << "<td colspan=\"4\">n/a</td></tr>\n";
            continue;
        }
        bool first = true;
        for (const auto& t : *tiles) {
            if (!first) os << "<tr>";
            first = false;
            os << "<td class=\"name\">" << json_text(t, "tile") << "</td><td class=\"n\">"
               << index_range(t, "row0", "rows") << "</td><td class=\"n\">"
               << index_range(t, "col0", "cols") << "</td><td class=\"n\">"
               << json_text(t, "adc_range") << "</td></tr>\n";
        }
    }
    os << "</tbody>\n</table>\n";
    for (const auto& layer : *layers) {
        const std::string sketch = layer_sketch(layer);
        if (sketch.empty()) continue;
        os << "<div class=\"figure\"><h3>" << json_text(layer, "layer") << ": "
           << json_text(layer, "inputs") << " inputs \xC3\x97 " << json_text(layer, "outputs")
           << " outputs</h3>" << sketch << "</div>\n";
    }
    os << "</section>\n";
}

} // namespace neurotlm::html
