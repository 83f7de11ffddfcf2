#include "neurotlm/report/compare.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>

#include "html_format.h"
#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "neurotlm/core/ledger.h"

namespace neurotlm {

namespace {

constexpr std::uint64_t kMaxReportBytes = 256ull << 20;

std::optional<double> number_at(const json& j, const char* pointer) {
    const json::json_pointer p(pointer);
    if (!j.contains(p)) return std::nullopt;
    const json& v = j.at(p);
    if (!v.is_number()) return std::nullopt;
    const double d = v.get<double>();
    return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
}

std::string item_name(const std::vector<ComparedRun>& runs) {
    for (const auto& r : runs) {
        const json& t = r.report.value("totals", json::object());
        if (t.contains("item") && t["item"].is_string()) return t["item"].get<std::string>();
    }
    return "item";
}

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string cell_text(const CompareRow& row, const std::optional<double>& v) {
    if (!v) return "-";
    if (row.percent) return fixed(100.0 * *v, 2) + " %";
    switch (row.unit) {
    case Unit::none: return html::plain(*v);
    case Unit::square_metre: return html::area(*v);
    case Unit::hertz: {
        // A rate of items: "1.047 M/s", not a frequency.
        std::string s = html::qty(*v, Unit::hertz);
        if (s.size() >= 2 && s.compare(s.size() - 2, 2, "Hz") == 0) s.erase(s.size() - 2);
        while (!s.empty() && s.back() == ' ')
            s.pop_back();
        return s + "/s";
    }
    default: return html::qty(*v, row.unit);
    }
}

/// Terminal columns a UTF-8 text takes (one per code point: the units use no wide glyphs).
std::size_t display_width(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

std::string ratio_text(const std::optional<double>& r) {
    if (!r) return "-";
    return (std::fabs(*r) >= 100.0 ? fixed(*r, 0) : fixed(*r, 3)) + "x";
}

} // namespace

ComparedRun load_compared_run(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const bool folder = fs::is_directory(path, ec);
    const std::string file = folder ? (fs::path(path) / "report.json").string() : path;
    check_input_file(file, "a report to compare");
    json doc = parse_json_text(read_input_file(file, kMaxReportBytes, "a report to compare"), file);
    if (!doc.is_object() || doc.value("schema", "") != "neurotlm-report")
        throw InputError(file + ": not a neurotlm report (no \"schema\": \"neurotlm-report\")");
    ComparedRun run;
    fs::path label = folder ? fs::path(path) : fs::path(path).parent_path();
    label = label.lexically_normal();
    if (label.filename().empty()) label = label.parent_path();
    run.label = label.filename().string();
    if (run.label.empty() || run.label == ".")
        run.label = doc.value("run", json::object()).value("platform", std::string("run"));
    run.report = std::move(doc);
    return run;
}

std::vector<CompareRow> compare_rows(const std::vector<ComparedRun>& runs) {
    const std::string item = item_name(runs);
    std::vector<CompareRow> rows;
    auto add = [&](std::string name, std::string key, Unit unit, bool percent, auto get) {
        CompareRow row{std::move(name), std::move(key), unit, percent, {}};
        for (const auto& r : runs)
            row.values.push_back(get(r.report));
        rows.push_back(std::move(row));
    };
    auto at = [](const char* pointer) {
        return [pointer](const json& j) { return number_at(j, pointer); };
    };
    add("accuracy", "accuracy", Unit::none, true, at("/workload/accuracy"));
    add("software reference accuracy", "software_accuracy", Unit::none, true,
        at("/workload/software_accuracy"));
    add("latency per " + item, "latency_per_item_s", Unit::second, false,
        at("/totals/latency_per_item_s"));
    add("energy per " + item, "energy_per_item_J", Unit::joule, false,
        at("/totals/energy_per_item_J"));
    // The power while an item is processed: what a chain draws when it runs, set-up excluded.
    add("power during an " + item, "power_per_item_W", Unit::watt, false,
        [](const json& j) -> std::optional<double> {
            const auto e = number_at(j, "/totals/energy_per_item_J");
            const auto t = number_at(j, "/totals/latency_per_item_s");
            if (!e || !t || *t <= 0.0) return std::nullopt;
            return *e / *t;
        });
    add("area", "area_m2", Unit::square_metre, false, at("/totals/area_m2"));
    add("efficiency (TOPS/W)", "tops_per_W", Unit::none, false, at("/totals/tops_per_W"));
    add(item + "s per second", "throughput_items_per_s", Unit::hertz, false,
        at("/totals/throughput_items_per_s"));
    // Energy by class: the report's order, then leakage, then any class only some runs have.
    std::vector<std::string> classes(energy_class::kActionClasses.begin(),
                                     energy_class::kActionClasses.end());
    classes.push_back(energy_class::leakage);
    std::set<std::string> known(classes.begin(), classes.end());
    for (const auto& r : runs) {
        const json by = r.report.value("totals", json::object())
                            .value("energy_per_item_by_class_J", json::object());
        for (const auto& [k, v] : by.items())
            if (!known.count(k)) {
                classes.push_back(k);
                known.insert(k);
            }
    }
    for (const auto& c : classes) {
        CompareRow row{"  " + c, "energy_per_item_by_class_J/" + c, Unit::joule, false, {}};
        bool any = false;
        for (const auto& r : runs) {
            const std::string pointer = "/totals/energy_per_item_by_class_J/" + c;
            const auto v = number_at(r.report, pointer.c_str());
            any = any || (v && *v != 0.0);
            row.values.push_back(v);
        }
        if (any) rows.push_back(std::move(row));
    }
    return rows;
}

std::optional<double> ratio_to_first(const CompareRow& row, std::size_t i) {
    if (row.values.empty() || i >= row.values.size()) return std::nullopt;
    const auto& a = row.values[0];
    const auto& b = row.values[i];
    if (!a || !b || *a == 0.0) return std::nullopt;
    return *b / *a;
}

std::string compare_text(const std::vector<ComparedRun>& runs) {
    const std::vector<CompareRow> rows = compare_rows(runs);
    // Columns: the figure, then per run its value and (after the first) its ratio to the first.
    std::vector<std::vector<std::string>> table;
    std::vector<std::string> head{"figure"};
    for (std::size_t i = 0; i < runs.size(); ++i) {
        head.push_back(printable(runs[i].label));
        if (i > 0) head.push_back("/ " + printable(runs[0].label));
    }
    table.push_back(head);
    for (const auto& row : rows) {
        std::vector<std::string> line{row.name};
        for (std::size_t i = 0; i < runs.size(); ++i) {
            line.push_back(cell_text(row, row.values[i]));
            if (i > 0) line.push_back(ratio_text(ratio_to_first(row, i)));
        }
        table.push_back(line);
    }
    std::vector<std::size_t> width(head.size(), 0);
    for (const auto& line : table)
        for (std::size_t c = 0; c < line.size(); ++c)
            width[c] = std::max(width[c], display_width(line[c]));
    std::ostringstream os;
    for (std::size_t r = 0; r < table.size(); ++r) {
        for (std::size_t c = 0; c < table[r].size(); ++c) {
            const std::string& s = table[r][c];
            const std::size_t pad = width[c] - display_width(s);
            if (c == 0)
                os << s << std::string(pad + 2, ' ');
            else
                os << std::string(pad, ' ') << s << (c + 1 < table[r].size() ? "  " : "");
        }
        os << '\n';
        if (r == 0) {
            std::size_t total = 0;
            for (std::size_t w : width)
                total += w + 2;
            os << std::string(total - 2, '-') << '\n';
        }
    }
    if (runs.size() > 1)
        os << "ratios are each run's figure over " << printable(runs[0].label) << "'s\n";
    return os.str();
}

json compare_json(const std::vector<ComparedRun>& runs) {
    json out = {{"schema", "neurotlm-compare"}, {"schema_version", 1}};
    json labels = json::array();
    for (const auto& r : runs)
        labels.push_back(r.label);
    out["runs"] = labels;
    json figures = json::array();
    for (const auto& row : compare_rows(runs)) {
        json f = {{"figure", row.key}, {"unit", std::string(unit_symbol(row.unit))}};
        json values = json::array(), ratios = json::array();
        for (std::size_t i = 0; i < runs.size(); ++i) {
            values.push_back(row.values[i] ? json(*row.values[i]) : json(nullptr));
            const auto q = ratio_to_first(row, i);
            ratios.push_back(q ? json(*q) : json(nullptr));
        }
        f["values"] = values;
        f["ratio_to_first"] = ratios;
        figures.push_back(f);
    }
    out["figures"] = figures;
    return out;
}

std::string compare_html(const std::vector<ComparedRun>& runs) {
    using namespace html;
    const std::vector<CompareRow> rows = compare_rows(runs);
    std::ostringstream os;
    os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       << "<title>neurotlm comparison</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n";
    os << "<header>\n<h1>neurotlm comparison</h1>\n<dl class=\"meta\">\n";
    for (const auto& r : runs) {
        const json run = r.report.value("run", json::object());
        os << "<dt>" << esc(r.label) << "</dt><dd>platform " << esc(json_text(run, "platform"))
           << ", workload " << esc(json_text(r.report.value("totals", json::object()), "workload"))
           << ", <code>" << esc(json_text(run, "config_file")) << "</code>"
           << (run.value("complete", true) ? "" : " <strong>(incomplete)</strong>") << "</dd>\n";
    }
    os << "</dl>\n</header>\n";

    os << "<section id=\"figures\">\n<h2>Figures</h2>\n<table>\n<thead><tr><th>figure</th>";
    for (std::size_t i = 0; i < runs.size(); ++i) {
        os << "<th>" << esc(runs[i].label) << "</th>";
        if (i > 0) os << "<th>/ " << esc(runs[0].label) << "</th>";
    }
    os << "</tr></thead>\n<tbody>\n";
    for (const auto& row : rows) {
        os << "<tr><td>" << esc(row.name) << "</td>";
        for (std::size_t i = 0; i < runs.size(); ++i) {
            os << "<td class=\"num\">" << esc(cell_text(row, row.values[i])) << "</td>";
            if (i > 0)
                os << "<td class=\"num\">" << esc(ratio_text(ratio_to_first(row, i))) << "</td>";
        }
        os << "</tr>\n";
    }
    os << "</tbody>\n</table>\n<p>Ratios are each run's figure over " << esc(runs[0].label)
       << "'s. Power during an item is its energy over its latency (set-up excluded).</p>\n"
       << "</section>\n";

    // Energy per item by class, one stacked bar per run on one scale.
    std::vector<Bar> bars;
    std::string legend;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        Bar b;
        b.label = runs[i].label;
        double total = 0.0;
        std::size_t colour = 0;
        for (const auto& row : rows) {
            if (row.key.rfind("energy_per_item_by_class_J/", 0) != 0) {
                continue;
            }
            const std::string cls = row.key.substr(row.key.find('/') + 1);
            const std::string c = cls == energy_class::leakage
                                      ? kLeakageColour
                                      : kPalette[colour % (sizeof kPalette / sizeof *kPalette)];
            ++colour;
            if (i == 0) legend += "<span>" + swatch(c) + " " + esc(cls) + "</span> ";
            if (!row.values[i] || *row.values[i] <= 0.0) continue;
            b.segments.push_back(
                {*row.values[i], c, cls + ": " + qty(*row.values[i], Unit::joule), cls});
            total += *row.values[i];
        }
        b.value_text = qty(total, Unit::joule);
        bars.push_back(b);
    }
    os << "<section id=\"classes\">\n<h2>Energy per " << esc(item_name(runs)) << " by class</h2>\n"
       << hbar_chart(bars, "energy per item by class", ChartGeometry{}) << "<p>" << legend
       << "</p>\n</section>\n";

    // Latency and area, each on its own scale.
    auto single = [&](const char* key, const std::string& title) {
        std::vector<Bar> one;
        for (const auto& row : rows) {
            if (row.key != key) continue;
            for (std::size_t i = 0; i < runs.size(); ++i) {
                Bar b;
                b.label = runs[i].label;
                if (row.values[i])
                    b.segments.push_back({*row.values[i], kPalette[0], runs[i].label, ""});
                b.value_text = cell_text(row, row.values[i]);
                one.push_back(b);
            }
        }
        os << "<section>\n<h2>" << esc(title) << "</h2>\n"
           << hbar_chart(one, title, ChartGeometry{}) << "</section>\n";
    };
    const std::string item = item_name(runs);
    single("latency_per_item_s", "Latency per " + item);
    single("power_per_item_W", "Power during an " + item);
    single("area_m2", "Area");
    os << "</body>\n</html>\n";
    return os.str();
}

} // namespace neurotlm
