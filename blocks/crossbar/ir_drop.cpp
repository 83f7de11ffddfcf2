#include "neurotlm/blocks/crossbar/ir_drop.h"

#include <stdexcept>
#include <string>

#include "neurotlm/blocks/crossbar/crossbar.h"
#include "neurotlm/core/error.h"

namespace neurotlm {

namespace detail {

IrNetwork::IrNetwork(const std::vector<double>& g_S, int rows, int cols, double r_wire_ohm)
    : m_rows(rows), m_cols(cols), m_g_wire_S(1.0 / r_wire_ohm) {
    if (rows <= 0 || cols <= 0 || g_S.size() != static_cast<size_t>(rows) * cols)
        throw std::invalid_argument("IrNetwork: conductance matrix does not match rows x cols");
    if (!(r_wire_ohm > 0.0)) throw std::invalid_argument("IrNetwork: wire resistance must be > 0");

    const int n = 2 * rows * cols;
    std::vector<Eigen::Triplet<double>> t;
    t.reserve(static_cast<size_t>(rows) * cols * 10);
    auto branch = [&](int a, int b, double g) {
        t.emplace_back(a, a, g);
        t.emplace_back(b, b, g);
        t.emplace_back(a, b, -g);
        t.emplace_back(b, a, -g);
    };
    const double gw = m_g_wire_S;
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < cols; ++j) {
            branch(row_node(i, j), col_node(i, j), g_S[static_cast<size_t>(i) * cols + j]);
            // Row wire: the first segment leads to the source, whose voltage is in the RHS.
            if (j == 0)
                t.emplace_back(row_node(i, 0), row_node(i, 0), gw);
            else
                branch(row_node(i, j - 1), row_node(i, j), gw);
            // Column wire: the last segment leads to the virtual ground at 0 V.
            if (i + 1 < rows)
                branch(col_node(i, j), col_node(i + 1, j), gw);
            else
                t.emplace_back(col_node(i, j), col_node(i, j), gw);
        }
    }
    Eigen::SparseMatrix<double> a(n, n);
    a.setFromTriplets(t.begin(), t.end());
    m_ldlt.compute(a);
    if (m_ldlt.info() != Eigen::Success)
        throw std::runtime_error("IrNetwork: factorisation of the crossbar network failed");
    m_rhs = Eigen::VectorXd::Zero(n);
    m_v.resize(n);
}

void IrNetwork::solve(const double* v_rows_V, double* column_A, double* driver_A) {
    for (int i = 0; i < m_rows; ++i)
        m_rhs[row_node(i, 0)] = m_g_wire_S * v_rows_V[i];
    m_v = m_ldlt.solve(m_rhs);
    for (int j = 0; j < m_cols; ++j)
        column_A[j] = m_g_wire_S * m_v[col_node(m_rows - 1, j)];
    if (driver_A)
        for (int i = 0; i < m_rows; ++i)
            driver_A[i] = m_g_wire_S * (v_rows_V[i] - m_v[row_node(i, 0)]);
}

} // namespace detail

std::vector<double> solve_crossbar_network(const std::vector<double>& g_S, int rows, int cols,
                                           double r_wire_ohm, const std::vector<double>& v_rows_V,
                                           std::vector<double>* driver_currents_A) {
    if (v_rows_V.size() != static_cast<size_t>(rows))
        throw InputError("solve_crossbar_network: " + std::to_string(v_rows_V.size()) +
                         " row voltages for " + std::to_string(rows) + " rows");
    detail::IrNetwork net(g_S, rows, cols, r_wire_ohm);
    std::vector<double> out(static_cast<size_t>(cols));
    if (driver_currents_A) driver_currents_A->assign(static_cast<size_t>(rows), 0.0);
    net.solve(v_rows_V.data(), out.data(), driver_currents_A ? driver_currents_A->data() : nullptr);
    return out;
}

} // namespace neurotlm
