#pragma once
/// @file
/// @brief Where the points of a sweep run. The runner keeps the queue of pending points and
/// hands each to an Executor as a command line; the executor runs it somewhere and reports how
/// it ended. LocalExecutor runs up to N child processes on this machine; a distributed executor
/// (MPI ranks, a batch scheduler) implements the same five calls.

#include <chrono>
#include <csignal>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace neurotlm {

/// One point to run: `argv` (argv[0] is the program) with stderr to `log_file`.
struct PointJob {
    std::size_t slot = 0; ///< the runner's number for the point (returned in its outcome)
    std::vector<std::string> argv;
    std::string log_file;
    double timeout_s = 0.0; ///< 0: none
};

/// How a point's process ended.
struct PointOutcome {
    std::size_t slot = 0;
    int exit_code = -1; ///< when it exited
    int signal = 0;     ///< when a signal ended it
    bool timed_out = false;
    double wall_time_s = 0.0;
    /// The end of the point's stderr when it was read where the point ran (a remote executor);
    /// unset: the runner reads the job's log_file.
    std::optional<std::string> log_tail;
    /// The point did not end: the executor lost it (its worker left the job). The runner queues
    /// it again; nothing else in the outcome counts.
    bool lost = false;
    bool ok() const { return exit_code == 0 && signal == 0 && !timed_out && !lost; }
};

/// The end of a point's log (its last lines, up to 1500 characters, made printable): what a
/// failed point's record quotes. "" when the log cannot be read.
std::string point_log_tail(const std::string& log_file);

class Executor {
public:
    virtual ~Executor() = default;
    /// How many points may run at once (0: no worker is left; the runner stops).
    virtual std::size_t capacity() const = 0;
    /// Points started and not yet reported.
    virtual std::size_t running() const = 0;
    /// Start a point; running() < capacity().
    virtual void start(const PointJob& job) = 0;
    /// The points that ended, waiting up to @p wait for the first one.
    virtual std::vector<PointOutcome> poll(std::chrono::milliseconds wait) = 0;
    /// Kill every running point and wait for them (their outcomes are dropped).
    virtual void stop_all() = 0;
};

/// @brief Child processes on this machine, at most `jobs` at once. Each child is in its own
/// process group (a Ctrl-C on the terminal reaches the sweep, which stops them) and dies with
/// the sweep, however the sweep ends (Linux's parent-death signal), so a killed sweep leaves
/// no point running.
class LocalExecutor : public Executor {
public:
    explicit LocalExecutor(std::size_t jobs);
    ~LocalExecutor() override;
    LocalExecutor(const LocalExecutor&) = delete;
    LocalExecutor& operator=(const LocalExecutor&) = delete;

    std::size_t capacity() const override { return m_jobs; }
    std::size_t running() const override { return m_children.size(); }
    void start(const PointJob& job) override;
    std::vector<PointOutcome> poll(std::chrono::milliseconds wait) override;
    void stop_all() override;

private:
    struct Child {
        int pid = -1;
        std::size_t slot = 0;
        std::chrono::steady_clock::time_point started;
        double timeout_s = 0.0;
        bool timed_out = false;
    };
    std::size_t m_jobs;
    std::vector<Child> m_children;
    sigset_t m_old_mask{};
    sigset_t m_child_mask{}; ///< the points' signal mask: the caller's, SIGCHLD unblocked
};

} // namespace neurotlm
