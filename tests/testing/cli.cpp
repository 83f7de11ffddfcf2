#include "testing/cli.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "testing/paths.h"

namespace neurotlm::testing {

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

nlohmann::json load_json(const std::string& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

CliResult run_program(const std::string& program, const std::string& args, int seconds) {
    const std::string dir = scratch_dir("cli-io");
    const std::string cmd = "timeout " + std::to_string(seconds) + " " + program + " " + args +
                            " >" + dir + "/out 2>" + dir + "/err";
    const int status = std::system(cmd.c_str());
    CliResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(dir + "/out");
    r.err = slurp(dir + "/err");
    return r;
}

} // namespace neurotlm::testing
