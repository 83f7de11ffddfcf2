#pragma once
/// @file
/// @brief The DC netlist of a crossbar with wire resistance, as the IR-drop model
/// (solve_crossbar_network) describes it, for ngspice.
///
/// Row i is driven by a source `V<i>` (node `s<i>`) through one row segment into row node
/// `r<i>_0`; row nodes `r<i>_<j>` are joined by row segments, column nodes `c<i>_<j>` by column
/// segments; the cell `Rc<i>_<j>` joins `r<i>_<j>` to `c<i>_<j>`; each column ends through one
/// more column segment in a 0 V source `VM<j>` (an ammeter into the virtual ground), whose
/// current i(vm<j>) is the column current. A `.control` block runs `op` and prints them with
/// 15 digits.

#include <ostream>
#include <string>
#include <vector>

namespace neurotlm {

/// @brief Write the netlist: @p g_S rows x cols row-major (S, every entry > 0), row segments of
/// @p r_row_ohm, column segments of @p r_col_ohm (0: the rows'), row sources @p v_rows_V.
/// Throws InputError for sizes that do not match or a conductance that is not > 0.
void write_crossbar_dc_netlist(std::ostream& out, const std::vector<double>& g_S, int rows,
                               int cols, double r_row_ohm, const std::vector<double>& v_rows_V,
                               double r_col_ohm = 0.0);
/// @brief The column currents i(vm0) .. i(vm<cols-1>) (A) from ngspice's output of that netlist;
/// throws InputError naming the first one missing.
std::vector<double> parse_crossbar_column_currents(const std::string& output, int cols);

} // namespace neurotlm
