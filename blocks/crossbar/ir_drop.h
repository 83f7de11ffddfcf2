#pragma once
// Internal: the sparse nodal model of a crossbar with wire resistance, shared by Crossbar and
// solve_crossbar_network(). Not installed; Eigen stays out of the public headers.

#include <vector>

#include <Eigen/Sparse>
#include <Eigen/SparseCholesky>

namespace neurotlm::detail {

/// @brief Factorised conductance matrix of the crossbar network. The network is passive and
/// every node has a path to a source or to ground, so the nodal matrix is symmetric positive
/// definite: a sparse LDL^T factorisation is exact and reusable for any row voltages.
class IrNetwork {
public:
    /// @p g_S is rows x cols row-major (S); @p r_wire_ohm > 0.
    IrNetwork(const std::vector<double>& g_S, int rows, int cols, double r_wire_ohm);

    /// Column currents into the virtual grounds (A, size cols) for row source voltages (V).
    /// @p driver_A (size rows), if not null, receives each source's current.
    void solve(const double* v_rows_V, double* column_A, double* driver_A);

private:
    int row_node(int i, int j) const { return i * m_cols + j; }
    int col_node(int i, int j) const { return m_rows * m_cols + i * m_cols + j; }

    int m_rows;
    int m_cols;
    double m_g_wire_S;
    Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> m_ldlt;
    Eigen::VectorXd m_rhs;
    Eigen::VectorXd m_v;
};

} // namespace neurotlm::detail
