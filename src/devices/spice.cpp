#include "neurotlm/devices/spice.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "neurotlm/core/error.h"

namespace neurotlm {

std::map<std::string, double> parse_ngspice_values(const std::string& output) {
    std::map<std::string, double> values;
    std::istringstream in(output);
    std::string line;
    while (std::getline(in, line)) {
        const auto eq = line.find(" = ");
        if (eq == std::string::npos) continue;
        std::string name = line.substr(0, eq);
        const auto first = name.find_first_not_of(" \t");
        const auto last = name.find_last_not_of(" \t");
        if (first == std::string::npos) continue;
        name = name.substr(first, last - first + 1);
        if (name.find(' ') != std::string::npos) continue;
        const char* text = line.c_str() + eq + 3;
        char* end = nullptr;
        const double v = std::strtod(text, &end);
        if (end == text) continue;
        values[name] = v;
    }
    return values;
}

std::vector<double> parse_ammeter_currents(const std::string& output, const std::string& prefix,
                                           int n) {
    const std::map<std::string, double> values = parse_ngspice_values(output);
    std::vector<double> out(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        const std::string name = "i(" + prefix + std::to_string(i) + ")";
        const auto it = values.find(name);
        if (it == values.end()) throw InputError("no value for " + name + " in the ngspice output");
        out[static_cast<std::size_t>(i)] = it->second;
    }
    return out;
}

std::string run_ngspice(const std::string& netlist_path, const std::string& ngspice) {
    // stderr goes to its own file: a transient run writes its progress there with carriage
    // returns, which would otherwise land in the middle of printed lines.
    const std::string err_path = netlist_path + ".stderr";
    const std::string command = ngspice + " -b '" + netlist_path + "' 2>'" + err_path + "'";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) throw InputError("run_ngspice: cannot start " + ngspice);
    std::string output;
    char buffer[4096];
    std::size_t got;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
        output.append(buffer, got);
    // ngspice -b with a .control block exits with status 1 after a harmless note.
    ::pclose(pipe);
    std::ifstream err(err_path, std::ios::binary);
    if (err) {
        std::ostringstream text;
        text << err.rdbuf();
        if (!text.str().empty()) output += "\n" + text.str();
    }
    std::remove(err_path.c_str());
    return output;
}

bool ngspice_available() {
    return std::system("command -v ngspice > /dev/null 2>&1") == 0;
}

} // namespace neurotlm
