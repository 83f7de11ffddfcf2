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

std::vector<double> parse_neuron_currents(const std::string& output, int neurons) {
    return parse_ammeter_currents(output, "vm", neurons);
}

} // namespace neurotlm
