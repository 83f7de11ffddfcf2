#pragma once
// `neurotlm sweep sweep.json --out DIR -j N`: a design-space sweep on this machine.

#include <cstddef>
#include <string>

#include <CLI/CLI.hpp>

namespace neurotlm::cli {

struct SweepCommand {
    CLI::App* command = nullptr;
    std::string file;
    std::string out;
    std::size_t jobs = 0;
    bool retry_failed = false;
    bool list_points = false;
    bool quiet = false;
    std::string memory_limit;
    void add(CLI::App& app);
    /// Runs the command if it was chosen; returns its exit code, or -1 if it was not.
    int run();
};

} // namespace neurotlm::cli
