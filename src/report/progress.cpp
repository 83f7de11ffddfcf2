#include "neurotlm/report/progress.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <utility>

namespace neurotlm {

std::string format_duration(double s) {
    if (!std::isfinite(s) || s < 0) return "?";
    char buf[48];
    if (s < 1)
        return "<1 s";
    else if (s < 90)
        std::snprintf(buf, sizeof buf, "%.0f s", s);
    else if (s < 5400)
        std::snprintf(buf, sizeof buf, "%.0f min", s / 60);
    else
        std::snprintf(buf, sizeof buf, "%.1f h", s / 3600);
    return buf;
}

std::string format_rate(double r) {
    if (!std::isfinite(r) || r <= 0) return "?";
    char buf[48];
    if (r >= 100)
        std::snprintf(buf, sizeof buf, "%.0f", r);
    else if (r >= 10)
        std::snprintf(buf, sizeof buf, "%.1f", r);
    else if (r >= 1)
        std::snprintf(buf, sizeof buf, "%.2f", r);
    else {
        // Three significant digits below one: 0.123, 0.0123, ...
        const int decimals = 2 - static_cast<int>(std::floor(std::log10(r)));
        std::snprintf(buf, sizeof buf, "%.*f", decimals, r);
    }
    return buf;
}

std::string progress_text(std::uint64_t done, std::uint64_t total, double rate,
                          const std::string& status) {
    const int pct = total ? static_cast<int>(100.0 * static_cast<double>(std::min(done, total)) /
                                             static_cast<double>(total))
                          : 100;
    char head[160];
    std::snprintf(head, sizeof head, "[%3d%%] %llu/%llu items, %s items/s", pct,
                  static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                  format_rate(rate).c_str());
    std::string s = head;
    if (done < total)
        s += ", " + (rate > 0 ? format_duration(static_cast<double>(total - done) / rate) : "?") +
             " left";
    if (!status.empty()) s += ", " + status;
    return s;
}

double steady_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

ProgressLine::ProgressLine(Options options, Sink sink, Clock clock)
    : m_options(options), m_sink(std::move(sink)), m_clock(std::move(clock)) {}

ProgressLine::~ProgressLine() {
    end_line();
}

double ProgressLine::rate() const {
    const double dt = m_now - m_first_t;
    if (!m_started || m_done <= m_first_done || dt <= 0) return 0.0;
    return static_cast<double>(m_done - m_first_done) / dt;
}

void ProgressLine::update(std::uint64_t done, std::uint64_t total, const std::string& status) {
    m_now = m_clock();
    m_done = done;
    m_total = total;
    m_status = status;
    m_pending = true;
    if (!m_started) {
        // The rate counts from the first report: set-up time before it (programming, solves)
        // says nothing about how fast the items go.
        m_started = true;
        m_first_done = done;
        m_first_t = m_now;
        show();
        return;
    }
    const double interval = m_options.tty ? m_options.tty_interval_s : m_options.log_interval_s;
    if (done >= total || m_now - m_last_shown_t >= interval) show();
}

void ProgressLine::finish() {
    if (m_pending) show();
    end_line();
}

void ProgressLine::show() {
    m_pending = false;
    m_last_shown_t = m_now;
    ++m_shown;
    std::string text = "  " + progress_text(m_done, m_total, rate(), m_status);
    if (m_options.tty) {
        // A line wider than the terminal wraps, and the carriage return would then redraw only
        // its last row.
        if (m_options.width > 1 && text.size() > m_options.width - 1)
            text.resize(m_options.width - 1);
        m_sink("\r" + text + "\033[K");
        m_line_open = true;
    } else {
        m_sink(text + "\n");
    }
}

void ProgressLine::end_line() {
    if (!m_line_open) return;
    m_line_open = false;
    m_sink("\n");
}

} // namespace neurotlm
