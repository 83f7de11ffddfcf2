#include "neurotlm/mpi/mpi_sweep.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <signal.h>
#include <thread>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/mpi/request.hpp>
#include <boost/mpi/status.hpp>

#include "neurotlm/core/error.h"
#include "neurotlm/core/stop.h"

namespace neurotlm {

namespace {

namespace mpi = boost::mpi;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// What rank 0 and a worker say to each other. Every message is a list of fields separated by
// NUL bytes (command lines and error text go through as they are, whatever their encoding).
enum Tag : int {
    kJob = 1,     // 0 -> worker: run a point (slot, timeout, log file, argv...)
    kOutcome = 2, // worker -> 0: a point ended (slot, exit code, signal, timed out, wall time,
                  // and the end of its log when it failed)
    kStop = 3,    // 0 -> worker: kill your points (a stop was requested)
    kStopped = 4, // worker -> 0: they are killed
    kQuit = 5,    // 0 -> worker: the sweep is over
    kLeaving = 6, // worker -> 0: I was asked to stop; my points were killed (their slots)
};

std::string pack(const std::vector<std::string>& fields) {
    std::string out;
    for (const auto& f : fields) {
        out += f;
        out += '\0';
    }
    return out;
}

std::vector<std::string> unpack(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\0', start);
        if (end == std::string::npos) break;
        out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

std::string number_text(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

struct Message {
    int from = 0;
    int tag = 0;
    std::vector<std::string> fields;
};

// Polling with short sleeps: Open MPI spins a core in a blocking receive, and on a machine
// with one core per worker that core is the points'. 50 us at first (a reply is usually on its
// way), doubling to 0.5 ms: a point's end reaches rank 0, and the next point its worker, within
// about a millisecond, for a couple of thousand wake-ups a second of an otherwise idle rank.
class Backoff {
public:
    void reset() { m_us = 50; }
    void sleep() {
        std::this_thread::sleep_for(std::chrono::microseconds(m_us));
        m_us = std::min(m_us * 2, 500);
    }

private:
    int m_us = 50;
};

// A cast that refuses a field that is not a number (a message from another program).
long long field_int(const std::vector<std::string>& f, std::size_t i) {
    if (i >= f.size()) throw std::runtime_error("MPI sweep: a message lacks a field");
    return std::stoll(f[i]);
}

double field_double(const std::vector<std::string>& f, std::size_t i) {
    if (i >= f.size()) throw std::runtime_error("MPI sweep: a message lacks a field");
    return std::stod(f[i]);
}

} // namespace

// The session owns the messages being sent: their buffers must outlive MPI_Finalize's last
// progress, so they are declared before the environment and freed after it.
struct MpiSession::Impl {
    struct SigchldBlocked {
        // Blocked before MPI starts its threads, which inherit the mask: a point's end is then
        // never delivered to one of them (and lost) instead of the LocalExecutor's wait.
        SigchldBlocked() {
            sigset_t chld;
            sigemptyset(&chld);
            sigaddset(&chld, SIGCHLD);
            ::pthread_sigmask(SIG_BLOCK, &chld, nullptr);
        }
    };
    struct Send {
        mpi::request request;
        std::shared_ptr<std::string> text;
    };

    SigchldBlocked sigchld;
    std::list<Send> sends;
    mpi::environment env{false};
    mpi::communicator world;

    void send(int to, int tag, const std::vector<std::string>& fields) {
        auto text = std::make_shared<std::string>(pack(fields));
        mpi::request r = world.isend(to, tag, text->data(), static_cast<int>(text->size()));
        sends.push_back({r, std::move(text)});
        reap();
    }
    void reap() {
        for (auto it = sends.begin(); it != sends.end();)
            it = it->request.test() ? sends.erase(it) : std::next(it);
    }
    // Wait a little for the messages sent to leave (the last ones before a rank ends).
    void flush(std::chrono::milliseconds wait) {
        const auto until = Clock::now() + wait;
        Backoff b;
        for (reap(); !sends.empty() && Clock::now() < until; reap())
            b.sleep();
    }
    std::optional<Message> receive(int from) {
        const auto st = world.iprobe(from, mpi::any_tag);
        if (!st) return std::nullopt;
        const int n = st->count<char>().value_or(0);
        std::string text(static_cast<std::size_t>(n), '\0');
        world.recv(st->source(), st->tag(), text.data(), n);
        return Message{st->source(), st->tag(), unpack(text)};
    }
};

MpiSession::MpiSession() : m_impl(std::make_unique<Impl>()) {}
MpiSession::~MpiSession() = default;
int MpiSession::rank() const {
    return m_impl->world.rank();
}
int MpiSession::size() const {
    return m_impl->world.size();
}

// ---------------------------------------------------------------- rank 0

struct MpiExecutor::Impl {
    MpiSession::Impl& mpi;
    std::size_t per_rank;
    struct Worker {
        std::set<std::size_t> slots; // the points it runs
        bool gone = false;
    };
    std::vector<Worker> workers; // by rank; [0] is rank 0 itself and never used

    void take(const Message& m, std::vector<PointOutcome>& out) {
        if (m.from <= 0 || static_cast<std::size_t>(m.from) >= workers.size()) return;
        Worker& w = workers[m.from];
        if (m.tag == kOutcome) {
            PointOutcome o;
            o.slot = static_cast<std::size_t>(field_int(m.fields, 0));
            o.exit_code = static_cast<int>(field_int(m.fields, 1));
            o.signal = static_cast<int>(field_int(m.fields, 2));
            o.timed_out = field_int(m.fields, 3) != 0;
            o.wall_time_s = field_double(m.fields, 4);
            if (m.fields.size() > 5) o.log_tail = m.fields[5];
            if (w.slots.erase(o.slot)) out.push_back(o);
        } else if (m.tag == kLeaving) {
            w.gone = true;
            for (const std::size_t slot : w.slots) {
                PointOutcome o;
                o.slot = slot;
                o.lost = true;
                out.push_back(o);
            }
            std::fprintf(stderr, "sweep: rank %d left the job (%zu of its points run again)\n",
                         m.from, w.slots.size());
            w.slots.clear();
        }
    }
};

MpiExecutor::MpiExecutor(MpiSession& session, std::size_t jobs_per_rank)
    : m_impl(new Impl{*session.m_impl, jobs_per_rank == 0 ? 1 : jobs_per_rank, {}}) {
    m_impl->workers.resize(static_cast<std::size_t>(session.size()));
}

MpiExecutor::~MpiExecutor() {
    for (std::size_t r = 1; r < m_impl->workers.size(); ++r)
        if (!m_impl->workers[r].gone) m_impl->mpi.send(static_cast<int>(r), kQuit, {});
    m_impl->mpi.flush(2s);
}

std::size_t MpiExecutor::capacity() const {
    std::size_t n = 0;
    for (std::size_t r = 1; r < m_impl->workers.size(); ++r)
        n += m_impl->workers[r].gone ? 0 : m_impl->per_rank;
    return n;
}

std::size_t MpiExecutor::running() const {
    std::size_t n = 0;
    for (const auto& w : m_impl->workers)
        n += w.slots.size();
    return n;
}

void MpiExecutor::start(const PointJob& job) {
    // The least busy worker with room (the lowest rank among equals).
    std::size_t best = 0;
    for (std::size_t r = 1; r < m_impl->workers.size(); ++r) {
        const auto& w = m_impl->workers[r];
        if (w.gone || w.slots.size() >= m_impl->per_rank) continue;
        if (best == 0 || w.slots.size() < m_impl->workers[best].slots.size()) best = r;
    }
    if (best == 0) throw std::logic_error("MpiExecutor::start: every worker is busy");
    std::vector<std::string> fields = {std::to_string(job.slot), number_text(job.timeout_s),
                                       job.log_file};
    fields.insert(fields.end(), job.argv.begin(), job.argv.end());
    m_impl->mpi.send(static_cast<int>(best), kJob, fields);
    m_impl->workers[best].slots.insert(job.slot);
}

std::vector<PointOutcome> MpiExecutor::poll(std::chrono::milliseconds wait) {
    std::vector<PointOutcome> out;
    const auto until = Clock::now() + wait;
    Backoff b;
    for (;;) {
        while (auto m = m_impl->mpi.receive(mpi::any_source))
            m_impl->take(*m, out);
        m_impl->mpi.reap();
        if (!out.empty() || running() == 0 || stop_requested() || Clock::now() >= until) return out;
        b.sleep();
    }
}

void MpiExecutor::stop_all() {
    std::set<int> waiting;
    for (std::size_t r = 1; r < m_impl->workers.size(); ++r) {
        auto& w = m_impl->workers[r];
        if (w.gone || w.slots.empty()) continue;
        m_impl->mpi.send(static_cast<int>(r), kStop, {});
        waiting.insert(static_cast<int>(r));
    }
    // A worker that was asked to stop too (mpirun sends SIGTERM to every rank) leaves instead
    // of answering; one that died answers nothing, and the launcher ends the job.
    const auto until = Clock::now() + 10s;
    Backoff b;
    while (!waiting.empty() && Clock::now() < until) {
        while (auto m = m_impl->mpi.receive(mpi::any_source)) {
            if (m->tag == kStopped) waiting.erase(m->from);
            if (m->tag == kLeaving) {
                waiting.erase(m->from);
                if (m->from > 0 && static_cast<std::size_t>(m->from) < m_impl->workers.size())
                    m_impl->workers[m->from].gone = true;
            }
            // An outcome that crossed the stop is dropped, as a killed point's: a point that
            // had finished has its report folder, which the next run reads.
        }
        b.sleep();
    }
    for (auto& w : m_impl->workers)
        w.slots.clear();
}

// ---------------------------------------------------------------- ranks 1..N-1

int run_mpi_worker(MpiSession& session, std::size_t jobs, const std::string& program) {
    MpiSession::Impl& mpi = *session.m_impl;
    LocalExecutor local(jobs == 0 ? 1 : jobs);
    std::map<std::size_t, std::string> logs; // the points running, by slot
    auto report = [&](const PointOutcome& o, const std::string& tail) {
        std::vector<std::string> fields = {std::to_string(o.slot), std::to_string(o.exit_code),
                                           std::to_string(o.signal), o.timed_out ? "1" : "0",
                                           number_text(o.wall_time_s)};
        if (!o.ok()) fields.push_back(tail);
        mpi.send(0, kOutcome, fields);
        logs.erase(o.slot);
    };
    Backoff idle;
    for (;;) {
        if (stop_requested()) {
            std::vector<std::string> slots;
            for (const auto& [slot, log] : logs)
                slots.push_back(std::to_string(slot));
            local.stop_all();
            mpi.send(0, kLeaving, slots);
            mpi.flush(2s);
            return 130;
        }
        bool busy = false;
        while (auto m = mpi.receive(0)) {
            busy = true;
            if (m->tag == kJob) {
                PointJob job;
                job.slot = static_cast<std::size_t>(field_int(m->fields, 0));
                job.timeout_s = field_double(m->fields, 1);
                if (m->fields.size() < 4) throw std::runtime_error("MPI sweep: a job lacks argv");
                job.log_file = m->fields[2];
                job.argv.assign(m->fields.begin() + 3, m->fields.end());
                job.argv[0] = program;
                logs[job.slot] = job.log_file;
                try {
                    local.start(job);
                } catch (const InputError& e) {
                    PointOutcome o;
                    o.slot = job.slot;
                    o.exit_code = 127;
                    report(o, e.what());
                }
            } else if (m->tag == kStop) {
                local.stop_all();
                logs.clear();
                mpi.send(0, kStopped, {});
            } else if (m->tag == kQuit) {
                local.stop_all();
                mpi.flush(2s);
                return 0;
            }
        }
        if (local.running() > 0) {
            // Sleeps until a point ends (SIGCHLD), 1 ms at most: with -j above 1 the next point
            // may be waiting in a message while the others run.
            for (const PointOutcome& o : local.poll(1ms)) {
                busy = true;
                report(o, o.ok() ? std::string() : point_log_tail(logs[o.slot]));
            }
        }
        mpi.reap();
        if (busy)
            idle.reset();
        else if (local.running() == 0)
            idle.sleep();
    }
}

} // namespace neurotlm
