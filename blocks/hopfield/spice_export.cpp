#include "neurotlm/blocks/hopfield/spice_export.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"

namespace neurotlm {

void write_hopfield_netlist(std::ostream& out, const SynapseArray& array,
                            const HopfieldPattern& drive, const std::string& title) {
    const int n = array.neurons;
    const int l_max = array.cells_per_side;
    const std::size_t cells = static_cast<std::size_t>(n) * n * l_max;
    if (static_cast<int>(drive.size()) != n || array.g_plus_S.size() != cells ||
        array.g_minus_S.size() != cells)
        throw InputError("write_hopfield_netlist: drive or conductances do not match " +
                         std::to_string(n) + " neurons");
    out << "* " << (title.empty() ? "Hopfield synapse array, one read" : title) << "\n";
    out << "* " << n << " neurons, " << l_max
        << " MTJ pair(s) per weight, V_read = " << array.read_voltage_V << " V\n";
    out << std::setprecision(12);
    for (int j = 0; j < n; ++j) {
        const double v = drive[static_cast<std::size_t>(j)] * array.read_voltage_V;
        out << "VA" << j << " a" << j << " 0 DC " << v << "\n";
        out << "VB" << j << " b" << j << " 0 DC " << -v << "\n";
    }
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j)
            for (int l = 0; l < l_max; ++l) {
                const std::size_t c = (static_cast<std::size_t>(i) * n + j) * l_max + l;
                if (array.g_plus_S[c] > 0.0)
                    out << "RP" << i << "_" << j << "_" << l << " a" << j << " c" << i << " "
                        << 1.0 / array.g_plus_S[c] << "\n";
                if (array.g_minus_S[c] > 0.0)
                    out << "RN" << i << "_" << j << "_" << l << " b" << j << " c" << i << " "
                        << 1.0 / array.g_minus_S[c] << "\n";
            }
        out << "VM" << i << " c" << i << " 0 DC 0\n";
    }
    out << ".control\nset numdgt=12\nop\n";
    // Short print lines: ngspice's line buffer is finite.
    for (int i = 0; i < n; ++i)
        out << "print i(vm" << i << ")\n";
    out << ".endc\n.end\n";
}

void write_hopfield_netlist(const std::string& path, const SynapseArray& array,
                            const HopfieldPattern& drive, const std::string& title) {
    std::ostringstream out;
    write_hopfield_netlist(out, array, drive, title);
    write_file_atomic(path, out.str());
}

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

std::vector<double> parse_neuron_currents(const std::string& output, int neurons) {
    const std::map<std::string, double> values = parse_ngspice_values(output);
    std::vector<double> out(static_cast<std::size_t>(neurons));
    for (int i = 0; i < neurons; ++i) {
        const auto it = values.find("i(vm" + std::to_string(i) + ")");
        if (it == values.end())
            throw InputError("parse_neuron_currents: no value for i(vm" + std::to_string(i) +
                             ") in the ngspice output");
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
