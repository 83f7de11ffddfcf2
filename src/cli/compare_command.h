#pragma once
// `neurotlm compare A/ B/ [C/ ...]`: reports side by side.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace neurotlm::cli {

struct CompareCommand {
    CLI::App* command = nullptr;
    std::vector<std::string> reports;
    std::string html;
    bool as_json = false;
    void add(CLI::App& app);
    /// Runs the command if it was chosen; returns its exit code, or -1 if it was not.
    int run();
};

} // namespace neurotlm::cli
