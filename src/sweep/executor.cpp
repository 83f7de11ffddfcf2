#include "neurotlm/sweep/executor.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"

namespace neurotlm {

std::string point_log_tail(const std::string& log_file) {
    constexpr std::size_t kTail = 1500;
    std::string text;
    try {
        text = read_input_file(log_file, 64ull << 20, "a point's log");
    } catch (const InputError&) {
        return "";
    }
    if (text.size() > kTail) {
        text.erase(0, text.size() - kTail);
        const auto nl = text.find('\n');
        if (nl != std::string::npos && nl + 1 < text.size()) text.erase(0, nl + 1);
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return printable(text, true);
}

LocalExecutor::LocalExecutor(std::size_t jobs) : m_jobs(jobs == 0 ? 1 : jobs) {
    // SIGCHLD is blocked and waited for (sigtimedwait), so a point that ends is seen at once
    // rather than at the next tick of a polling loop.
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    ::sigprocmask(SIG_BLOCK, &chld, &m_old_mask);
    // A caller may block SIGCHLD itself (an MPI rank does, before MPI starts its threads); the
    // points start with it unblocked all the same.
    m_child_mask = m_old_mask;
    sigdelset(&m_child_mask, SIGCHLD);
}

LocalExecutor::~LocalExecutor() {
    stop_all();
    ::sigprocmask(SIG_SETMASK, &m_old_mask, nullptr);
}

void LocalExecutor::start(const PointJob& job) {
    // Everything the child needs is built before fork: after it only async-signal-safe calls.
    std::vector<char*> argv;
    for (const auto& a : job.argv)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const int log = ::open(job.log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log < 0)
        throw InputError(job.log_file + ": cannot write a point's log: " + std::strerror(errno));
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int err = errno;
        ::close(log);
        throw InputError(std::string("cannot start a point (fork): ") + std::strerror(err));
    }
    if (pid == 0) {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127); // the sweep died before the line above
        // The sweep's own handlers and blocked signals are not the point's.
        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGTERM, SIG_DFL);
        ::sigprocmask(SIG_SETMASK, &m_child_mask, nullptr);
        const int null = ::open("/dev/null", O_RDWR);
        if (null >= 0) {
            ::dup2(null, STDIN_FILENO);
            ::dup2(null, STDOUT_FILENO);
        }
        ::dup2(log, STDERR_FILENO);
        ::execv(argv[0], argv.data());
        const char msg[] = "neurotlm sweep: cannot start the point's process (exec failed)\n";
        (void)!::write(STDERR_FILENO, msg, sizeof msg - 1);
        ::_exit(127);
    }
    ::close(log);
    ::setpgid(pid, pid); // also from here, so a kill of the group never races the child's call
    m_children.push_back({pid, job.slot, std::chrono::steady_clock::now(), job.timeout_s, false});
}

std::vector<PointOutcome> LocalExecutor::poll(std::chrono::milliseconds wait) {
    std::vector<PointOutcome> done;
    const auto until = std::chrono::steady_clock::now() + wait;
    for (;;) {
        const auto now = std::chrono::steady_clock::now();
        for (auto it = m_children.begin(); it != m_children.end();) {
            const double elapsed = std::chrono::duration<double>(now - it->started).count();
            if (it->timeout_s > 0 && elapsed > it->timeout_s && !it->timed_out) {
                ::kill(-it->pid, SIGKILL);
                it->timed_out = true;
            }
            int status = 0;
            const pid_t r = ::waitpid(it->pid, &status, WNOHANG);
            if (r == it->pid) {
                PointOutcome o;
                o.slot = it->slot;
                o.wall_time_s = elapsed;
                o.timed_out = it->timed_out;
                if (WIFEXITED(status)) o.exit_code = WEXITSTATUS(status);
                if (WIFSIGNALED(status)) o.signal = WTERMSIG(status);
                done.push_back(o);
                it = m_children.erase(it);
            } else {
                ++it;
            }
        }
        if (!done.empty() || m_children.empty()) return done;
        // Sleep until a child ends, a timeout is due or the wait is over; a signal with a
        // handler (Ctrl-C) ends the sleep too, so the caller sees a stop request at once.
        auto wake = until;
        for (const auto& c : m_children)
            if (c.timeout_s > 0 && !c.timed_out)
                wake = std::min(wake,
                                c.started +
                                    std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                        std::chrono::duration<double>(c.timeout_s)));
        const auto left = wake - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero()) {
            if (std::chrono::steady_clock::now() >= until) return done;
            continue;
        }
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
        timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
        sigset_t chld;
        sigemptyset(&chld);
        sigaddset(&chld, SIGCHLD);
        const int sig = ::sigtimedwait(&chld, nullptr, &ts);
        if (sig < 0 && errno == EINTR) return done;
    }
}

void LocalExecutor::stop_all() {
    for (const auto& c : m_children)
        ::kill(-c.pid, SIGKILL);
    for (const auto& c : m_children) {
        int status = 0;
        while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    m_children.clear();
}

} // namespace neurotlm
