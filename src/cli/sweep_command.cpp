#include "sweep_command.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <unistd.h>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "neurotlm/core/stop.h"
#include "neurotlm/modules/registry.h"
#include "neurotlm/sweep/executor.h"
#include "neurotlm/sweep/runner.h"
#include "neurotlm/sweep/sweep_spec.h"
#ifdef NEUROTLM_HAVE_MPI
#include "neurotlm/mpi/mpi_sweep.h"
#endif

namespace neurotlm::cli {

namespace fs = std::filesystem;

namespace {

// A `where` filter or a base value reads a block's default from its registered table.
std::optional<json> registered_default(const std::string& type, const std::string& key) {
    const BlockType* t = Registry::instance().find(type);
    if (!t) return std::nullopt;
    std::string dotted = key;
    for (char& c : dotted)
        if (c == '/') c = '.';
    const ParamSpec* spec = t->params.find(dotted);
    if (!spec || spec->default_value.is_null()) return std::nullopt;
    return spec->default_value;
}

// A word a POSIX shell reads back as it is, so that a listed point can be pasted after
// `neurotlm run BASE`.
std::string shell_quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// The executable each point runs: this one.
std::string own_executable() {
    std::error_code ec;
    const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec)
        throw InputError("cannot find the neurotlm executable (/proc/self/exe): " + ec.message());
    return p.string();
}

// This process's rank as an MPI launcher gives it to every process it starts: Open MPI's
// mpirun/mpiexec, MPICH's and Intel MPI's mpiexec, Slurm's srun with --mpi=pmix or pmi2.
// nullptr when no launcher started this process.
const char* launcher_rank() {
    for (const char* v : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"})
        if (const char* r = std::getenv(v)) return r;
    return nullptr;
}

} // namespace

void SweepCommand::add(CLI::App& app) {
    command = app.add_subcommand(
        "sweep", "run a design-space sweep: every point a run of its own, in parallel; resumes "
                 "where it stopped");
    command->add_option("sweep", file, "sweep file (docs/sweep-format.md)")->required();
    command->add_option("--out,-o", out, "results folder (default: neurotlm-out/<sweep name>)");
    command
        ->add_option("--jobs,-j", jobs,
                     "points run at once (default: the number of cores); across MPI ranks, "
                     "points each worker rank runs at once (default 1)")
        ->check(CLI::Range(1, 4096));
    command->add_flag("--retry-failed", retry_failed, "run the points recorded as failed again");
    command->add_flag("--list", list_points,
                      "print the points (id and overrides) and exit without running");
    command->add_flag("--quiet,-q", quiet, "print nothing but errors");
    command->add_flag("--json", json,
                      "print the summary (or, with --list, the points) as JSON on stdout");
    command->add_option("--memory-limit", memory_limit, "passed to each point's run (as for run)");
    command->add_flag("--mpi", mpi,
                      "run across the ranks of an MPI job even when no MPI launcher is seen "
                      "(under mpirun or srun this is automatic); -j is then points per rank");
}

int SweepCommand::run() {
    if (!command || !*command) return -1;
    const char* rank = launcher_rank();
    const bool rank_zero = !rank || std::string(rank) == "0";
    if (list_points) {
        if (!rank_zero) return 0; // under a launcher, one rank prints the list
        const SweepSpec spec = load_sweep(file, registered_default);
        if (json) {
            nlohmann::json list = nlohmann::json::array();
            for (const auto& p : sweep_points(spec))
                list.push_back({{"id", p.id}, {"sets", p.sets}});
            std::printf("%s\n", dump_json(list, 2).c_str());
            return 0;
        }
        for (const auto& p : sweep_points(spec)) {
            std::printf("%s", p.id.c_str());
            for (const auto& s : p.sets)
                std::printf(" --set %s", shell_quoted(printable(s)).c_str());
            std::printf("\n");
        }
        return 0;
    }
    if (mpi || rank) {
#ifdef NEUROTLM_HAVE_MPI
        return run_under_mpi();
#else
        if (!rank_zero) return 2; // rank 0 says why
        throw InputError(
            std::string(mpi ? "--mpi" : "this sweep was started by an MPI launcher") +
            ", but this neurotlm was built without MPI (no Boost.MPI and MPI library, such as "
            "Debian's libboost-mpi-dev and openmpi-bin, when it was built): run the sweep "
            "without mpirun, on one machine (-j), or rebuild");
#endif
    }
    install_stop_handlers();
    return run_here();
}

SweepOptions SweepCommand::options(const SweepSpec& spec) const {
    SweepOptions o;
    o.out = out.empty() ? "neurotlm-out/" + spec.name : out;
    o.program = own_executable();
    o.retry_failed = retry_failed;
    o.quiet = quiet;
    o.tty = ::isatty(STDERR_FILENO) != 0;
    if (!memory_limit.empty()) o.run_args = {"--memory-limit", memory_limit};
    return o;
}

int SweepCommand::run_here() {
    const SweepSpec spec = load_sweep(file, registered_default);
    const std::vector<SweepPoint> points = sweep_points(spec);
    const SweepOptions o = options(spec);
    const unsigned cores = std::thread::hardware_concurrency();
    LocalExecutor executor(jobs ? jobs : (cores ? cores : 1));
    return finish(spec, o, run_sweep(spec, points, executor, o));
}

int SweepCommand::finish(const SweepSpec& spec, const SweepOptions& o, const SweepSummary& s) {
    const int code = s.stopped ? 130 : s.failed > 0 ? 3 : 0;
    if (json) {
        std::printf("%s\n",
                    dump_json({{"command", "sweep"},
                               {"sweep", spec.name},
                               {"points", s.total},
                               {"finished", s.ok + s.failed},
                               {"ok", s.ok},
                               {"failed", s.failed},
                               {"ran", s.ran},
                               {"reused", s.reused},
                               {"stopped", s.stopped},
                               {"exit_code", code},
                               {"results", fs::absolute(o.out).lexically_normal().string()}},
                              2)
                        .c_str());
    } else if (!quiet) {
        std::printf("sweep %s: %zu of %zu points finished (%zu ran now, %zu earlier), %zu failed\n",
                    printable(spec.name).c_str(), s.ok + s.failed, s.total, s.ran, s.reused,
                    s.failed);
        std::printf("results: %s/results.csv, results.jsonl, sweep.html\n",
                    printable(o.out).c_str());
    }
    if (s.stopped) {
        std::fprintf(stderr, "sweep stopped; finished points are kept: run the same command to "
                             "resume\n");
    }
    return code;
}

#ifdef NEUROTLM_HAVE_MPI
int SweepCommand::run_under_mpi() {
    MpiSession session;
    install_stop_handlers();
    if (session.size() == 1) return run_here();
    // -j under MPI: points per worker rank. One rank per core and -j 1 (the default), or one
    // rank per node and -j its cores.
    const std::size_t per_rank = jobs ? jobs : 1;
    if (session.rank() != 0) return run_mpi_worker(session, per_rank, own_executable());
    // Made before anything can fail, so that the workers hear the sweep is over however it ends.
    MpiExecutor executor(session, per_rank);
    const SweepSpec spec = load_sweep(file, registered_default);
    const std::vector<SweepPoint> points = sweep_points(spec);
    const SweepOptions o = options(spec);
    if (!quiet)
        std::fprintf(stderr,
                     "sweep: MPI job of %d ranks: rank 0 keeps the results, %d run the "
                     "points (%zu at once each)\n",
                     session.size(), session.size() - 1, per_rank);
    return finish(spec, o, run_sweep(spec, points, executor, o));
}
#endif

} // namespace neurotlm::cli
