#pragma once
// `neurotlm sweep sweep.json --out DIR -j N`: a design-space sweep on this machine, or across the
// ranks of an MPI job (`mpirun -np N neurotlm sweep ...`).

#include <cstddef>
#include <string>

#include <CLI/CLI.hpp>

#include "neurotlm/sweep/runner.h"

namespace neurotlm::cli {

struct SweepCommand {
    CLI::App* command = nullptr;
    std::string file;
    std::string out;
    std::size_t jobs = 0;
    bool retry_failed = false;
    bool list_points = false;
    bool quiet = false;
    bool json = false;
    bool mpi = false;
    std::string memory_limit;
    void add(CLI::App& app);
    /// Runs the command if it was chosen; returns its exit code, or -1 if it was not.
    int run();

private:
    SweepOptions options(const SweepSpec& spec) const;
    int run_here();
    int run_under_mpi();
    int finish(const SweepSpec& spec, const SweepOptions& o, const SweepSummary& s);
};

} // namespace neurotlm::cli
