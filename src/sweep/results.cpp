#include "neurotlm/sweep/results.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sstream>
#include <unistd.h>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "neurotlm/report/compare.h"
#include "neurotlm/report/sweep_page.h"

namespace neurotlm {

namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMaxResultsBytes = 1ull << 30;

json record_json(const PointRecord& r) {
    json j = {{"id", r.id},
              {"status", r.ok ? "ok" : "failed"},
              {"values", r.values},
              {"figures", r.figures}};
    if (!r.item.empty()) j["item"] = r.item;
    j["wall_time_s"] = r.wall_time_s;
    if (!r.ok) j["error"] = r.error;
    return j;
}

std::optional<PointRecord> record_from(const json& j) {
    if (!j.is_object() || !j.contains("id") || !j["id"].is_string() || !j.contains("status"))
        return std::nullopt;
    PointRecord r;
    r.id = j["id"];
    r.ok = j["status"] == "ok";
    r.values = j.value("values", json::object());
    r.figures = j.value("figures", json::object());
    r.item = j.value("item", "");
    r.error = j.value("error", "");
    r.wall_time_s = j.value("wall_time_s", 0.0);
    return r;
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

} // namespace

ResultsLog::ResultsLog(std::string path) : m_path(std::move(path)) {
    std::error_code ec;
    std::string text;
    if (fs::exists(m_path, ec)) text = read_input_file(m_path, kMaxResultsBytes, "results.jsonl");
    std::size_t lines = 0, start = 0;
    bool damaged = false;
    while (start < text.size()) {
        const auto nl = text.find('\n', start);
        if (nl == std::string::npos) {
            damaged = true; // a line cut by a kill: its point runs again
            break;
        }
        const std::string line = text.substr(start, nl - start);
        start = nl + 1;
        if (line.empty()) continue;
        ++lines;
        std::optional<PointRecord> r;
        try {
            r = record_from(json::parse(line));
        } catch (const json::exception&) {
        }
        if (!r) {
            damaged = true;
            continue;
        }
        if (!m_records.count(r->id)) m_order.push_back(r->id);
        m_records[r->id] = *r;
    }
    if (damaged || lines != m_records.size()) compact();
    open_for_append();
}

ResultsLog::~ResultsLog() {
    if (m_fd >= 0) ::close(m_fd);
}

const PointRecord* ResultsLog::find(const std::string& id) const {
    const auto it = m_records.find(id);
    return it == m_records.end() ? nullptr : &it->second;
}

void ResultsLog::append(const PointRecord& r) {
    const bool again = m_records.count(r.id) > 0;
    if (!again) m_order.push_back(r.id);
    m_records[r.id] = r;
    // One write of the whole line, then fsync: a kill leaves at most a cut last line, which the
    // next run drops (and runs that point again).
    const std::string line = dump_json(record_json(r)) + "\n";
    std::size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(m_fd, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw InputError(printable(m_path) + ": write failed: " + std::strerror(errno));
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(m_fd) != 0)
        throw InputError(printable(m_path) + ": write failed: " + std::strerror(errno));
    m_duplicates = m_duplicates || again;
}

void ResultsLog::compact() {
    std::string text;
    for (const auto& id : m_order)
        text += dump_json(record_json(m_records.at(id))) + "\n";
    write_file_atomic(m_path, text);
    m_duplicates = false;
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
        open_for_append();
    }
}

void ResultsLog::open_for_append() {
    m_fd = ::open(m_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0) throw InputError(printable(m_path) + ": cannot write: " + std::strerror(errno));
}

json collect_figures(const SweepSpec& spec, const json& report) {
    const std::vector<CompareRow> rows = compare_rows({ComparedRun{"point", report}});
    json out = json::object();
    for (const auto& f : spec.collect) {
        std::optional<double> v;
        if (!f.key.empty() && f.key[0] == '/') {
            try {
                const json::json_pointer p(f.key);
                if (report.contains(p) && report.at(p).is_number()) v = report.at(p).get<double>();
            } catch (const json::exception&) {
            }
        } else {
            for (const auto& row : rows)
                if (row.key == f.key && !row.values.empty()) v = row.values[0];
        }
        out[f.key] = v && std::isfinite(*v) ? json(*v) : json();
    }
    return out;
}

std::string sweep_csv(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                      const std::vector<const PointRecord*>& records) {
    std::ostringstream os;
    os << "id,status";
    if (spec.mode == SweepMode::each) os << ",varied";
    for (const auto& p : spec.parameters)
        os << ',' << csv_field(p.unit.empty() ? p.name : p.name + " [" + p.unit + "]");
    for (const auto& f : spec.collect)
        os << ',' << csv_field(f.key);
    os << ",wall_time_s,error\n";
    for (std::size_t i = 0; i < points.size(); ++i) {
        const PointRecord* r = records[i];
        if (!r) continue;
        const SweepPoint& pt = points[i];
        os << pt.id << ',' << (r->ok ? "ok" : "failed");
        if (spec.mode == SweepMode::each)
            os << ',' << csv_field(pt.varied < 0 ? "base" : spec.parameters[pt.varied].name);
        for (std::size_t p = 0; p < spec.parameters.size(); ++p) {
            const SweepParameter& sp = spec.parameters[p];
            os << ','
               << csv_field(
                      sweep_value_text(pt.index[p] ? sp.values[*pt.index[p]] : sp.base_value));
        }
        for (const auto& f : spec.collect) {
            const json v = r->figures.value(f.key, json());
            char buf[48] = "";
            if (v.is_number()) std::snprintf(buf, sizeof buf, "%.9g", v.get<double>());
            os << ',' << buf;
        }
        char wall[32];
        std::snprintf(wall, sizeof wall, "%.3f", r->wall_time_s);
        os << ',' << wall << ',' << csv_field(r->error) << '\n';
    }
    return os.str();
}

std::string sweep_page(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                       const std::vector<const PointRecord*>& records) {
    SweepPage page;
    page.title = spec.name;
    page.mode = spec.mode == SweepMode::grid  ? "grid"
                : spec.mode == SweepMode::zip ? "zip"
                                              : "each";
    page.base = spec.base;
    page.fixed = spec.fixed;
    for (const auto& p : spec.parameters) {
        SweepPageParameter pp;
        pp.name = p.name;
        pp.unit = p.unit;
        pp.log_scale = p.log_scale;
        for (const auto& v : p.values) {
            pp.value_texts.push_back(sweep_value_text(v));
            pp.numbers.push_back(sweep_value_number(v));
        }
        pp.base_text = sweep_value_text(p.base_value);
        pp.base_number = sweep_value_number(p.base_value);
        page.parameters.push_back(std::move(pp));
    }
    for (const auto& f : spec.collect)
        page.figures.push_back(
            {f.key, f.name, f.unit, f.unit_label, f.percent, f.higher_is_better});
    page.pareto_x = spec.pareto_x;
    page.pareto_y = spec.pareto_y;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const PointRecord* r = records[i];
        SweepPagePoint pp;
        pp.id = points[i].id;
        pp.link = "points/" + points[i].id + "/report.html";
        pp.index = points[i].index;
        pp.varied = points[i].varied;
        pp.done = r != nullptr;
        if (r) {
            pp.ok = r->ok;
            pp.error = r->error;
            if (page.item.empty() && !r->item.empty()) page.item = r->item;
            for (const auto& f : spec.collect) {
                const json v = r->figures.value(f.key, json());
                pp.figures.push_back(v.is_number() ? std::optional<double>(v.get<double>())
                                                   : std::nullopt);
            }
        }
        page.points.push_back(std::move(pp));
    }
    return sweep_html(page);
}

} // namespace neurotlm
