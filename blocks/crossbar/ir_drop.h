#pragma once
// Internal: the sparse nodal model of a crossbar with wire resistance, shared by Crossbar and
// solve_crossbar_network(). Not installed; Eigen stays out of the public headers.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <Eigen/Dense>
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
    /// @p terminal_ohm, if given (size cols), puts a resistance in series with each column's
    /// last segment, ending at a terminal voltage solve() is given (0: the virtual ground).
    /// @p cols_per_row_node 2 puts both cells of each pair of columns on one node of the row
    /// line (one row segment per pair, as IMAC-Sim's netlists), 1 one segment per column.
    IrNetwork(const std::vector<double>& g_S, int rows, int cols, double r_wire_ohm,
              double r_col_ohm = 0.0, const std::vector<double>* terminal_ohm = nullptr,
              int cols_per_row_node = 1);
    /// The same data columns with a reference column @p ref inserted before (first) or after
    /// (last) them: a rows x (cols + 1) network.
    IrNetwork(const std::vector<double>& g_S, int rows, int cols, double r_wire_ohm,
              double r_col_ohm, const ReferenceColumn& ref);

    /// Data column currents into the virtual grounds (A, size cols, in data order) for row
    /// source voltages (V). @p driver_A (size rows), if not null, receives each source's current
    /// (the reference column's share included); @p reference_A, if not null, the reference
    /// column's current (0 without one).
    /// @p terminal_V (size cols), if not null, the voltage each column's terminal resistance
    /// ends at (networks built with terminal_ohm); else 0 V.
    void solve(const double* v_rows_V, double* column_A, double* driver_A,
               double* reference_A = nullptr, const double* terminal_V = nullptr);

    /// @brief The network is linear: with the terminals at 0 V, every column current and every
    /// driver current is a fixed linear combination of the row voltages. build_transfer() finds
    /// those combinations (one back-substitution per row, a unit voltage on that row alone) and
    /// solve() then reads by superposition, rows x (cols + rows) multiply-adds instead of a
    /// back-substitution over every node. solve() builds it by itself once it has done as many
    /// back-substitutions with the terminals at 0 V as the transfer costs (rows): a run of many
    /// reads pays at most twice the cheaper of the two ways, and a single read never pays for
    /// the transfer. Both agree to rounding (a few 1e-13 of full scale; ir_drop_test).
    void build_transfer();
    bool has_transfer() const { return !m_transfer.empty(); }
    /// @brief The first reads of a network are solved iteratively, without the factorisation:
    /// conjugate gradients preconditioned by the word lines and bit lines (each line's
    /// tridiagonal block solved exactly; the cells, far weaker than the wires, are what the
    /// iterations add), stopped once the residual is below kIterativeTolerance of the
    /// right-hand side and an iteration moves no column's current by more than
    /// kIterativeTolerance of the largest (column currents then within about 1e-11 of full scale
    /// of the direct solve; ir_drop_test). After
    /// @p reads such reads, or as soon as one does not converge in max_iterations(), the network
    /// factorises and back-substitutes from then on. 0: factorise at once.
    void set_iterative_reads(int reads) { m_iterative_limit = reads; }
    /// Reads so far that were solved iteratively.
    int iterative_reads() const { return m_iterative_reads; }
    bool factorised() const { return m_factorised; }
    static constexpr double kIterativeTolerance = 1e-13;
    static constexpr int kMaxIterations = 200;
    /// The iterations a read may take before the network factorises instead (kMaxIterations;
    /// tests lower it to reach the fallback).
    void set_max_iterations(int iterations) { m_max_iterations = iterations; }
    int max_iterations() const { return m_max_iterations; }
    /// Iterative reads before the network factorises, by default: a 64 x 64 read takes 10 to 25
    /// iterations, about a fifth of the factorisation each.
    static constexpr int kDefaultIterativeReads = 3;
    /// Whether solve() may build the transfer by itself (default true); benchmarks and tests of
    /// the back-substitution turn it off.
    void set_auto_transfer(bool allowed) { m_auto_transfer = allowed; }
    /// Bytes the transfer holds once built.
    static std::size_t transfer_bytes(int rows, int cols) {
        return sizeof(double) * static_cast<std::size_t>(rows) *
               static_cast<std::size_t>(cols + rows);
    }

private:
    /// Back-substitution for row voltages and terminal voltages (null: 0 V): every physical
    /// column's current into @p all_columns_A (size m_cols) and, if given, the drivers'.
    void solve_nodes(const double* v_rows_V, const double* terminal_V, double* all_columns_A,
                     double* driver_A);
    /// Node numbers in elimination order (number_nodes()): the factorisation follows them.
    int row_node(int i, int j) const {
        return m_row_index[static_cast<std::size_t>(i * m_row_nodes + j / m_group)];
    }
    int col_node(int i, int j) const {
        return m_col_index[static_cast<std::size_t>(i * m_cols + j)];
    }
    /// Nested dissection of the array's grid of cells: each half of the grid is numbered before
    /// the line of cells that separates them, recursively, so the factor fills in about half as
    /// much as with the minimum-degree ordering (and the ordering itself costs next to nothing).
    void number_nodes();
    double column_current(int j) const {
        return m_g_end_S[static_cast<std::size_t>(j)] *
               (m_v[col_node(m_rows - 1, j)] - m_terminal_V[static_cast<std::size_t>(j)]);
    }

    int m_rows;
    int m_cols;                       ///< physical columns: data columns, plus the reference if any
    int m_group = 1;                  ///< columns per row node
    int m_row_nodes = 0;              ///< row nodes per row
    int m_first_data = 0;             ///< physical index of data column 0
    int m_reference = -1;             ///< physical index of the reference column, -1 without one
    double m_g_wire_S;                ///< a row segment
    double m_g_col_S;                 ///< a column segment
    std::vector<double> m_g_end_S;    ///< per column: the last segment and any terminal resistance
    std::vector<double> m_terminal_V; ///< per column: where that ends (0 V: a virtual ground)
    std::vector<int> m_row_index;     ///< per row node (rows x row nodes per row): its number
    std::vector<int> m_col_index;     ///< per column node (rows x cols): its number
    /// The conjugate-gradient read of m_rhs into m_v; false if it did not converge.
    bool iterate();
    /// Factorise (once).
    void factorise();
    Eigen::SparseMatrix<double> m_a; ///< the nodal matrix, both triangles
    Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>, Eigen::Lower, Eigen::NaturalOrdering<int>>
        m_ldlt;
    bool m_factorised = false;
    int m_iterative_limit = kDefaultIterativeReads;
    int m_iterative_reads = 0;
    int m_max_iterations = kMaxIterations;
    /// The line preconditioner: every word line's row nodes and every bit line's column nodes
    /// in order along the line (lines back to back, line k from m_line_start[k]), each node's
    /// multiplier onto the next and pivot in the line's LDL^T.
    std::vector<int> m_line_nodes, m_line_start;
    std::vector<double> m_line_l, m_line_d;
    Eigen::VectorXd m_cg_r, m_cg_z, m_cg_p, m_cg_q; ///< scratch of iterate()
    Eigen::VectorXd m_rhs;
    Eigen::VectorXd m_v;
    std::vector<double> m_all_columns_A; ///< scratch: every physical column's current
    /// Superposition: per row i, the physical columns' currents (m_cols values) and then the
    /// drivers' currents (m_rows values) for 1 V on row i alone; empty until built.
    std::vector<double> m_transfer;
    std::uint64_t m_grounded_solves = 0; ///< back-substitutions with every terminal at 0 V
    bool m_auto_transfer = true;
};

} // namespace neurotlm::detail

namespace neurotlm {

// The factorised network lives behind a pointer so that Eigen stays out of the public header.
// It is built lazily on the first IR-drop read after program() or a change of terminations:
// conductances only change when the array is written, so every read until then is a
// back-substitution.
struct Crossbar::IrSolver {
    std::unique_ptr<detail::IrNetwork> net;
    std::vector<double> v_V;
    std::vector<double> column_A;
    std::vector<double> driver_A;
    // Loaded terminations: the network is linear in the I- terminals' voltages, so their
    // effect is superposed. Per loaded pair k, the response of every column current and every
    // driver current to 1 V on pair k's I- terminal; and the factorised system that makes each
    // I- terminal follow its I+ line (built with the network).
    Eigen::MatrixXd column_response; ///< cols x pairs
    Eigen::MatrixXd driver_response; ///< rows x pairs
    Eigen::PartialPivLU<Eigen::MatrixXd> follow;
    Eigen::VectorXd follow_gain;    ///< per pair: minus_follows x plus_ohm (0: virtual ground)
    std::vector<double> terminal_V; ///< scratch: each column's far node
};

} // namespace neurotlm
