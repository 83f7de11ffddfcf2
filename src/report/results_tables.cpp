#include "results_tables.h"

#include "html_format.h"

#include <cmath>
#include <sstream>
#include <vector>

namespace neurotlm::html {

namespace {

bool scalar(const json& v) {
    return v.is_string() || v.is_number() || v.is_boolean() || v.is_null();
}

std::string cell(const json& v) {
    if (v.is_null()) return kNotAvailable;
    if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
    if (v.is_number_unsigned()) return count(v.get<std::uint64_t>());
    if (v.is_number_integer()) return esc(dump(v));
    if (v.is_number()) return plain(v.get<double>(), 4);
    return esc_name(v.get<std::string>());
}

// A fraction shown as a percentage, or n/a.
std::string fraction(const json& record, const char* key) {
    const auto v = json_number(record, key);
    return v ? pct(*v, 1) : kNotAvailable;
}

std::string number(const json& record, const char* key, int significant) {
    const auto v = json_number(record, key);
    return v ? plain(*v, significant) : kNotAvailable;
}

std::string integer(const json& record, const char* key) {
    const auto it = record.find(key);
    if (it == record.end() || !it->is_number()) return kNotAvailable;
    return cell(*it);
}

} // namespace

bool flat_object_array(const json& v) {
    if (!v.is_array() || v.empty()) return false;
    for (const auto& e : v) {
        if (!e.is_object() || e.empty()) return false;
        for (const auto& [k, x] : e.items())
            if (!scalar(x)) return false;
    }
    return true;
}

std::string records_table(const std::string& key, const json& rows) {
    if (!flat_object_array(rows)) return {};
    std::vector<std::string> columns;
    std::vector<bool> numeric;
    for (const auto& e : rows)
        for (const auto& [k, x] : e.items()) {
            std::size_t c = 0;
            while (c < columns.size() && columns[c] != k)
                ++c;
            if (c == columns.size()) {
                columns.push_back(k);
                numeric.push_back(true);
            }
            if (x.is_string()) numeric[c] = false;
        }
    std::ostringstream os;
    os << "<h3>" << esc(key) << "</h3>\n<table class=\"records\">\n<thead><tr>";
    for (std::size_t c = 0; c < columns.size(); ++c)
        os << "<th" << (numeric[c] ? " class=\"n\"" : "") << ">" << esc(columns[c]) << "</th>";
    os << "</tr></thead>\n<tbody>\n";
    std::size_t shown = 0;
    for (const auto& e : rows) {
        if (shown++ == kMaxTableRows) break;
        os << "<tr>";
        for (std::size_t c = 0; c < columns.size(); ++c) {
            const auto it = e.find(columns[c]);
            os << "<td class=\"" << (numeric[c] ? "n" : "name") << "\">"
               << (it == e.end() ? std::string() : cell(*it)) << "</td>";
        }
        os << "</tr>\n";
    }
    os << "</tbody>\n</table>\n";
    if (rows.size() > kMaxTableRows)
        os << "<p class=\"note\">The first " << kMaxTableRows << " of " << rows.size()
           << " entries; all are in the JSON below.</p>\n";
    return os.str();
}

std::string hopfield_memories(const Report& r) {
    if (r.workload_kind != "hopfield_recall" || !r.workload_results.is_object()) return {};
    const auto mems = r.workload_results.find("memories");
    if (mems == r.workload_results.end() || !mems->is_array() || mems->empty()) return {};
    std::ostringstream os;
    os << "<section id=\"recall\">\n<h2>Recall per memory</h2>\n<p class=\"note\">Each probe "
          "is a stored pattern corrupted ("
       << json_text(r.workload_results, "corruption")
       << "); exact recall and converged are fractions of the probes, overlap is the mean "
          "|m| with the pattern, latency and energy are per recall (the memory's recall "
          "phase).</p>\n<table>\n<thead><tr><th>memory</th><th>source</th>"
          "<th class=\"n\">patterns</th><th class=\"n\">load P/N</th><th class=\"n\">probes</th>"
          "<th class=\"n\">exact recall</th><th class=\"n\">mean overlap</th>"
          "<th class=\"n\">mean iterations</th><th class=\"n\">converged</th>"
          "<th class=\"n\">2-cycles</th><th class=\"n\">failed writes</th>"
          "<th class=\"n\">latency per recall</th><th class=\"n\">energy per recall</th>"
          "</tr></thead>\n<tbody>\n";
    for (const auto& m : *mems) {
        if (!m.is_object()) continue;
        double latency = std::nan(""), energy = std::nan("");
        const auto ph = m.find("phase");
        const std::string phase = ph != m.end() && ph->is_string() ? ph->get<std::string>() : "";
        for (const PhaseReport& p : r.phases)
            if (!phase.empty() && p.name == phase && p.entries > 0) {
                latency = p.latency_s / static_cast<double>(p.entries);
                energy = p.energy_J() / static_cast<double>(p.entries);
            }
        os << "<tr><td class=\"name\">" << integer(m, "memory") << "</td><td class=\"name\">"
           << json_text(m, "source") << "</td><td class=\"n\">" << integer(m, "patterns")
           << "</td><td class=\"n\">" << number(m, "load", 3) << "</td><td class=\"n\">"
           << integer(m, "probes") << "</td><td class=\"n\">" << fraction(m, "exact_recall")
           << "</td><td class=\"n\">" << number(m, "mean_overlap", 4) << "</td><td class=\"n\">"
           << number(m, "mean_iterations", 3) << "</td><td class=\"n\">" << fraction(m, "converged")
           << "</td><td class=\"n\">" << integer(m, "two_cycles") << "</td><td class=\"n\">"
           << integer(m, "failed_writes") << "</td><td class=\"n\">" << qty(latency, Unit::second)
           << "</td><td class=\"n\">" << qty(energy, Unit::joule) << "</td></tr>\n";
    }
    os << "</tbody>\n</table>\n</section>\n";
    return os.str();
}

} // namespace neurotlm::html
