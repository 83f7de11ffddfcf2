#pragma once
// Internal: the sparse nodal model of a crossbar with wire resistance, shared by Crossbar and
// solve_crossbar_network(). Not installed; Eigen stays out of the public headers.

#include <vector>

#include <Eigen/Sparse>
#include <Eigen/SparseCholesky>

#include "neurotlm/blocks/crossbar/crossbar.h"

namespace neurotlm::detail {

/// @brief A column of cells of one conductance beside the data columns: the offset mapping's
/// reference. It is a physical column of the array: its cells share the word lines (so it sees
/// the row wires' drop at its place and loads the rows), and it has its own bit line of wire
/// segments ending in its own virtual ground, like any data column.
struct ReferenceColumn {
    double g_S = 0.0;
    ReferencePosition position = ReferencePosition::last;
};

/// @brief Factorised conductance matrix of the crossbar network. The network is passive and
/// every node has a path to a source or to ground, so the nodal matrix is symmetric positive
/// definite: a sparse LDL^T factorisation is exact and reusable for any row voltages.
class IrNetwork {
public:
    /// @p g_S is rows x cols row-major (S); @p r_wire_ohm > 0 per row segment, @p r_col_ohm per
    /// column segment (0: the same as the rows').
    IrNetwork(const std::vector<double>& g_S, int rows, int cols, double r_wire_ohm,
              double r_col_ohm = 0.0);
    /// The same data columns with a reference column @p ref inserted before (first) or after
    /// (last) them: a rows x (cols + 1) network.
    IrNetwork(const std::vector<double>& g_S, int rows, int cols, double r_wire_ohm,
              double r_col_ohm, const ReferenceColumn& ref);

    /// Data column currents into the virtual grounds (A, size cols, in data order) for row
    /// source voltages (V). @p driver_A (size rows), if not null, receives each source's current
    /// (the reference column's share included); @p reference_A, if not null, the reference
    /// column's current (0 without one).
    void solve(const double* v_rows_V, double* column_A, double* driver_A,
               double* reference_A = nullptr);

private:
    int row_node(int i, int j) const { return i * m_cols + j; }
    int col_node(int i, int j) const { return m_rows * m_cols + i * m_cols + j; }
    double column_current(int j) const { return m_g_col_S * m_v[col_node(m_rows - 1, j)]; }

    int m_rows;
    int m_cols;           ///< physical columns: data columns, plus the reference if any
    int m_first_data = 0; ///< physical index of data column 0
    int m_reference = -1; ///< physical index of the reference column, -1 without one
    double m_g_wire_S;    ///< a row segment
    double m_g_col_S;     ///< a column segment
    Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> m_ldlt;
    Eigen::VectorXd m_rhs;
    Eigen::VectorXd m_v;
};

} // namespace neurotlm::detail
