#pragma once
// `neurotlm export-spice` and `neurotlm hopfield-capacity`.

#include <CLI/CLI.hpp>

namespace neurotlm::cli {

/// Adds the two subcommands to @p app; returns the function that runs whichever was chosen
/// (or nullptr from the returned function's check when neither was).
struct HopfieldCommands {
    CLI::App* export_spice = nullptr;
    CLI::App* capacity = nullptr;
    void add(CLI::App& app);
    /// Runs the chosen command; returns its exit code, or -1 if neither was chosen.
    int run();
};

} // namespace neurotlm::cli
