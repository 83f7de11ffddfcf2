#pragma once
// Running the project's programs from a test, as a user would from a shell.

#include <string>
#include <vector>

#include <sys/types.h>

#include <nlohmann/json.hpp>

namespace neurotlm::testing {

/// What a program printed and how it ended (exit code, or 128 + signal).
struct CliResult {
    int code = -1;
    std::string out;
    std::string err;
};

/// The whole content of a file ("" if it cannot be read).
std::string slurp(const std::string& path);
/// A JSON file, parsed.
nlohmann::json load_json(const std::string& path);

/// Run `program args` through the shell under `timeout seconds` (a hang ends as exit 124, a
/// failed test instead of a stalled suite), capturing stdout and stderr.
CliResult run_program(const std::string& program, const std::string& args, int seconds = 300);

/// Start @p argv (argv[0] is the program) in the background with stdout and stderr discarded;
/// -1 if it could not be started.
pid_t spawn_quiet(std::vector<std::string> argv);
/// Wait for @p pid: its exit code, or 128 + the signal that ended it.
int wait_exit(pid_t pid);

} // namespace neurotlm::testing
