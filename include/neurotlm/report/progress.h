#pragma once
/// @brief The progress line of a long run: items done of total, percentage, rate and time
/// left, with the workload's own status text. On a terminal one line redrawn at most every
/// `tty_interval_s`; elsewhere (a log file, CI) one line every `log_interval_s`. The clock and
/// the output are injected, so the throttling is tested without waiting.

#include <cstdint>
#include <functional>
#include <string>

namespace neurotlm {

/// "<1 s", "42 s", "12 min", "3.5 h"; "?" when not finite or negative.
std::string format_duration(double seconds);
/// Three significant digits without an exponent: "0.0123", "4.56", "78.9", "1234"; "?" when
/// not finite or not positive.
std::string format_rate(double per_second);

/// One progress line without a line ending: "[ 37%] 370/1000 items, 12.3 items/s, 51 s left,
/// accuracy 85.95%". @p rate <= 0 means not known yet (shown as "?").
std::string progress_text(std::uint64_t done, std::uint64_t total, double rate,
                          const std::string& status);

class ProgressLine {
public:
    using Clock = std::function<double()>;                ///< seconds, monotonic
    using Sink = std::function<void(const std::string&)>; ///< writes text as is

    struct Options {
        bool tty = false;            ///< redraw one line (carriage return) instead of new lines
        double tty_interval_s = 0.1; ///< at most ten redraws a second
        double log_interval_s = 5.0; ///< a line every few seconds when not a terminal
        std::size_t width = 0;       ///< terminal columns (0: unknown); longer lines are cut
    };

    ProgressLine(Options options, Sink sink, Clock clock);
    /// Ends an open terminal line (newline), so whatever is printed next starts a line.
    ~ProgressLine();
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    /// A workload's report: shown at once for the first item and the last, else when the
    /// interval since the last line has passed.
    void update(std::uint64_t done, std::uint64_t total, const std::string& status);
    /// The run ended (completed or stopped): the latest state if it was not shown yet, and the
    /// end of the terminal line. Idempotent.
    void finish();
    /// Items per second since the first item was reported (0 until a later one is).
    double rate() const;
    /// Lines (or redraws) written so far.
    std::uint64_t shown() const { return m_shown; }

private:
    void show();
    void end_line();

    Options m_options;
    Sink m_sink;
    Clock m_clock;
    bool m_started = false;
    bool m_line_open = false; ///< a terminal line was drawn and not ended
    bool m_pending = false;   ///< the latest update was not shown
    std::uint64_t m_first_done = 0;
    double m_first_t = 0;
    double m_last_shown_t = 0;
    double m_now = 0;
    std::uint64_t m_done = 0;
    std::uint64_t m_total = 0;
    std::string m_status;
    std::uint64_t m_shown = 0;
};

/// The monotonic clock of a real run, in seconds.
double steady_seconds();

} // namespace neurotlm
