#include "neurotlm/sweep/runner.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <sstream>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "neurotlm/core/stop.h"
#include "neurotlm/core/units.h"

namespace neurotlm {

namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMaxReportBytes = 256ull << 20;

// The report of a finished point, if it is there and complete.
std::optional<json> read_point_report(const std::string& folder, std::string* why) {
    const std::string file = folder + "/report.json";
    std::error_code ec;
    if (!fs::exists(file, ec)) {
        if (why) *why = "the point wrote no report (" + file + ")";
        return std::nullopt;
    }
    try {
        json doc =
            parse_json_text(read_input_file(file, kMaxReportBytes, "a point's report"), file);
        if (doc.value("schema", "") != "neurotlm-report") {
            if (why) *why = file + " is not a neurotlm report";
            return std::nullopt;
        }
        if (!doc.value("run", json::object()).value("complete", false)) {
            if (why) *why = "the point's report is incomplete (the run was stopped)";
            return std::nullopt;
        }
        return doc;
    } catch (const InputError& e) {
        if (why) *why = e.what();
        return std::nullopt;
    }
}

std::string status_text(const PointOutcome& o, double timeout_s) {
    if (o.timed_out)
        return "timed out after " + format_quantity(timeout_s, Unit::second) + " (/timeout)";
    if (o.signal) {
        const char* name = ::strsignal(o.signal);
        return "killed by signal " + std::to_string(o.signal) +
               (name ? std::string(" (") + name + ")" : "");
    }
    return "exit code " + std::to_string(o.exit_code);
}

std::string duration_text(double s) {
    if (!std::isfinite(s) || s < 0) return "?";
    char buf[48];
    if (s < 90)
        std::snprintf(buf, sizeof buf, "%.0f s", s);
    else if (s < 5400)
        std::snprintf(buf, sizeof buf, "%.0f min", s / 60);
    else
        std::snprintf(buf, sizeof buf, "%.1f h", s / 3600);
    return buf;
}

// The results folder: claimed with a lock for the sweep's life, refused when it holds
// something a sweep did not write.
class SweepFolder {
public:
    explicit SweepFolder(const std::string& dir) {
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec) throw InputError(printable(dir) + ": cannot create the folder: " + ec.message());
        if (!fs::is_directory(dir, ec)) throw InputError(printable(dir) + ": is not a folder");
        const std::string lock = dir + "/.sweep.lock";
        m_fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (m_fd < 0)
            throw InputError(printable(dir) +
                             ": cannot write in the folder: " + std::strerror(errno));
        if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
            ::close(m_fd);
            throw InputError(printable(dir) + ": another sweep is running in this folder now; "
                                              "wait for it or choose another --out");
        }
        bool foreign = false;
        for (const auto& e : fs::directory_iterator(dir, ec)) {
            const std::string f = e.path().filename().string();
            if (f != ".sweep.lock") foreign = true;
        }
        if (foreign && !fs::exists(dir + "/sweep.json", ec)) {
            ::close(m_fd);
            throw InputError(printable(dir) + ": is a folder with other content (no sweep.json); "
                                              "choose a new or empty folder, or a sweep's");
        }
    }
    ~SweepFolder() { ::close(m_fd); }
    SweepFolder(const SweepFolder&) = delete;
    SweepFolder& operator=(const SweepFolder&) = delete;

private:
    int m_fd = -1;
};

// A point of a sweep that was killed a moment ago may still be dying (its parent-death signal
// is on its way) and hold its folder's lock: wait a little for it rather than record the point
// as failed because "another process is writing this folder".
void wait_for_point_folder(const std::string& points, const std::string& id) {
    const std::string lock = points + "/." + id + ".lock";
    const int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return; // never written: nobody holds it
    for (int i = 0; i < 500 && ::flock(fd, LOCK_EX | LOCK_NB) != 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ::close(fd);
}

json point_values(const SweepSpec& spec, const SweepPoint& pt) {
    json v = json::object();
    for (std::size_t p = 0; p < spec.parameters.size(); ++p) {
        const SweepParameter& sp = spec.parameters[p];
        v[sp.name] = pt.index[p] ? sp.values[*pt.index[p]] : sp.base_value;
    }
    return v;
}

json sweep_manifest(const SweepSpec& spec, const std::vector<SweepPoint>& points) {
    json params = json::array();
    for (const auto& p : spec.parameters)
        params.push_back({{"name", p.name},
                          {"unit", p.unit},
                          {"values", p.values},
                          {"set", p.pointers},
                          {"base_value", p.base_value}});
    json pts = json::array();
    for (const auto& p : points)
        pts.push_back({{"id", p.id}, {"set", p.sets}});
    const char* mode = spec.mode == SweepMode::grid  ? "grid"
                       : spec.mode == SweepMode::zip ? "zip"
                                                     : "each";
    return {{"schema", "neurotlm-sweep"}, {"schema_version", 1}, {"name", spec.name},
            {"sweep_file", spec.file},    {"base", spec.base},   {"mode", mode},
            {"parameters", params},       {"points", pts}};
}

} // namespace

SweepSummary run_sweep(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                       Executor& executor, const SweepOptions& o) {
    const std::string dir = o.out;
    SweepFolder folder(dir);
    write_file_atomic(dir + "/sweep.json", dump_json(sweep_manifest(spec, points), 2) + "\n");
    std::error_code ec;
    fs::create_directories(dir + "/points", ec);
    fs::create_directories(dir + "/logs", ec);
    if (ec) throw InputError(printable(dir) + ": cannot create its sub-folders: " + ec.message());
    ResultsLog log(dir + "/results.jsonl");

    SweepSummary sum;
    sum.total = points.size();
    std::vector<const PointRecord*> records(points.size(), nullptr);
    std::deque<std::size_t> pending;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const std::string& id = points[i].id;
        if (const PointRecord* r = log.find(id); r && (r->ok || !o.retry_failed)) {
            records[i] = r;
            continue;
        }
        // Finished, but killed before its line was written: its report is all there is to read.
        if (!log.find(id)) {
            if (auto report = read_point_report(dir + "/points/" + id, nullptr)) {
                PointRecord r;
                r.id = id;
                r.values = point_values(spec, points[i]);
                r.ok = true;
                r.figures = collect_figures(spec, *report);
                r.item = report->value("totals", json::object()).value("item", "");
                r.wall_time_s = report->value("run", json::object()).value("wall_time_s", 0.0);
                log.append(r);
                records[i] = log.find(id);
                continue;
            }
        }
        pending.push_back(i);
    }
    // The records of the points as the log holds them now (after a point ends or is retried).
    auto refresh = [&] {
        for (std::size_t i = 0; i < points.size(); ++i)
            records[i] = log.find(points[i].id);
    };
    refresh();
    sum.reused = points.size() - pending.size();
    if (!o.quiet)
        std::fprintf(stderr,
                     "sweep %s: %zu points, %zu finished earlier, %zu to run on %zu workers\n",
                     printable(spec.name).c_str(), points.size(), sum.reused, pending.size(),
                     executor.capacity());

    auto count = [&] {
        sum.ok = sum.failed = 0;
        for (const PointRecord* r : records)
            if (r) ++(r->ok ? sum.ok : sum.failed);
    };
    auto write_tables = [&] {
        write_file_atomic(dir + "/results.csv", sweep_csv(spec, points, records));
    };
    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t to_run = pending.size();
    auto progress = [&](const std::string& last) {
        if (o.quiet) return;
        count();
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double rate = elapsed > 0 ? static_cast<double>(sum.ran) / elapsed : 0.0;
        const std::size_t left = to_run - sum.ran;
        char line[256];
        std::snprintf(line, sizeof line,
                      "sweep: %zu/%zu points, %zu failed, %.2f points/s, %s left",
                      sum.ok + sum.failed, sum.total, sum.failed, rate,
                      rate > 0 ? duration_text(static_cast<double>(left) / rate).c_str() : "?");
        if (o.tty)
            std::fprintf(stderr, "\r%s   ", line);
        else
            std::fprintf(stderr, "%s (%s)\n", line, last.c_str());
    };

    std::map<std::size_t, std::string> logs;
    // The queue of pending points goes to the executor as slots free up.
    auto fill = [&] {
        while (!pending.empty() && executor.running() < executor.capacity() && !stop_requested()) {
            const std::size_t i = pending.front();
            pending.pop_front();
            const SweepPoint& pt = points[i];
            PointJob job;
            job.slot = i;
            job.argv = {o.program, "run", spec.base, "--out", dir + "/points/" + pt.id, "--quiet"};
            for (const auto& s : pt.sets) {
                job.argv.push_back("--set");
                job.argv.push_back(s);
            }
            job.argv.insert(job.argv.end(), o.run_args.begin(), o.run_args.end());
            job.log_file = dir + "/logs/" + pt.id + ".log";
            job.timeout_s = spec.timeout_s;
            logs[i] = job.log_file;
            wait_for_point_folder(dir + "/points", pt.id);
            executor.start(job);
        }
    };

    auto last_page = std::chrono::steady_clock::now();
    while (!pending.empty() || executor.running() > 0) {
        if (stop_requested()) {
            executor.stop_all();
            sum.stopped = true;
            break;
        }
        if (executor.capacity() == 0) {
            std::fprintf(stderr, "sweep: no worker is left to run the %zu points still to run\n",
                         pending.size());
            sum.stopped = true;
            break;
        }
        fill();
        const std::vector<PointOutcome> ended = executor.poll(std::chrono::milliseconds(250));
        // The next points start before the finished ones are read and recorded (which syncs
        // files to disk): the workers never wait for the bookkeeping.
        fill();
        for (const PointOutcome& out : ended) {
            if (out.lost) { // its worker left: the point runs again elsewhere
                pending.push_front(out.slot);
                continue;
            }
            const SweepPoint& pt = points[out.slot];
            PointRecord r;
            r.id = pt.id;
            r.values = point_values(spec, pt);
            r.wall_time_s = out.wall_time_s;
            std::string why;
            if (out.ok()) {
                if (auto report = read_point_report(dir + "/points/" + pt.id, &why)) {
                    r.ok = true;
                    r.figures = collect_figures(spec, *report);
                    r.item = report->value("totals", json::object()).value("item", "");
                }
            } else {
                why = status_text(out, spec.timeout_s);
                const std::string tail =
                    out.log_tail ? *out.log_tail : point_log_tail(logs[out.slot]);
                if (!tail.empty()) why += ": " + tail;
            }
            if (!r.ok) {
                r.error = why;
                for (const auto& f : spec.collect)
                    r.figures[f.key] = nullptr;
            }
            log.append(r);
            ++sum.ran;
            refresh();
            write_tables();
            // The page takes longer to make than the table: often enough to watch a long sweep.
            const auto now = std::chrono::steady_clock::now();
            if (now - last_page > std::chrono::seconds(10)) {
                write_file_atomic(dir + "/sweep.html", sweep_page(spec, points, records));
                last_page = now;
            }
            progress(pt.id + (r.ok ? " ok" : " FAILED"));
        }
    }
    if (o.tty && !o.quiet && sum.ran > 0) std::fprintf(stderr, "\n");
    refresh();
    if (log.has_duplicates()) log.compact();
    refresh();
    count();
    write_tables();
    write_file_atomic(dir + "/sweep.html", sweep_page(spec, points, records));
    return sum;
}

} // namespace neurotlm
