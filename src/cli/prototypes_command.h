#pragma once
// `neurotlm prototypes NETWORK --exit LAYER ... --out FILE`: the semantic memory of a network's
// exit points (class prototypes as ternary words for a CAM), from labelled training images.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace neurotlm::cli {

struct PrototypesCommand {
    CLI::App* command = nullptr;
    std::string network, images, labels, out;
    std::vector<std::string> exits;
    int grid = 1;
    double delta = 0.5;
    std::size_t limit = 0;
    void add(CLI::App& app);
    /// Runs the command if it was chosen; returns its exit code, or -1 if it was not.
    int run();
};

} // namespace neurotlm::cli
