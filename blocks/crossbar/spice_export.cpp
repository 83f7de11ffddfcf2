#include "neurotlm/blocks/crossbar/spice_export.h"

#include <string>

#include "neurotlm/core/error.h"
#include "neurotlm/devices/spice.h"

namespace neurotlm {

void write_crossbar_dc_netlist(std::ostream& out, const std::vector<double>& g_S, int rows,
                               int cols, double r_row_ohm, const std::vector<double>& v_rows_V,
                               double r_col_ohm) {
    if (rows <= 0 || cols <= 0 || g_S.size() != static_cast<std::size_t>(rows) * cols ||
        v_rows_V.size() != static_cast<std::size_t>(rows))
        throw InputError("write_crossbar_dc_netlist: " + std::to_string(g_S.size()) +
                         " conductances and " + std::to_string(v_rows_V.size()) +
                         " row voltages for a " + std::to_string(rows) + " x " +
                         std::to_string(cols) + " array");
    for (double g : g_S)
        if (!(g > 0.0))
            throw InputError("write_crossbar_dc_netlist: every conductance must be > 0");
    const double rc = r_col_ohm > 0.0 ? r_col_ohm : r_row_ohm;
    const auto precision = out.precision(15);
    out << "* " << rows << "x" << cols << " crossbar with wire resistance\n";
    for (int i = 0; i < rows; ++i) {
        out << "V" << i << " s" << i << " 0 DC " << v_rows_V[static_cast<std::size_t>(i)] << "\n";
        out << "Rs" << i << " s" << i << " r" << i << "_0 " << r_row_ohm << "\n";
        for (int j = 0; j < cols; ++j) {
            out << "Rc" << i << "_" << j << " r" << i << "_" << j << " c" << i << "_" << j << " "
                << 1.0 / g_S[static_cast<std::size_t>(i) * cols + j] << "\n";
            if (j + 1 < cols)
                out << "Rr" << i << "_" << j << " r" << i << "_" << j << " r" << i << "_" << j + 1
                    << " " << r_row_ohm << "\n";
            if (i + 1 < rows)
                out << "Rw" << i << "_" << j << " c" << i << "_" << j << " c" << i + 1 << "_" << j
                    << " " << rc << "\n";
        }
    }
    for (int j = 0; j < cols; ++j) {
        out << "Rg" << j << " c" << rows - 1 << "_" << j << " g" << j << " " << rc << "\n";
        out << "Vm" << j << " g" << j << " 0 DC 0\n";
    }
    out << ".control\nset numdgt=15\nop\nprint";
    for (int j = 0; j < cols; ++j)
        out << " i(vm" << j << ")";
    out << "\n.endc\n.end\n";
    out.precision(precision);
}

std::vector<double> parse_crossbar_column_currents(const std::string& output, int cols) {
    return parse_ammeter_currents(output, "vm", cols);
}

} // namespace neurotlm
