#include "neurotlm/blocks/crossbar/ir_drop.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

#include "neurotlm/blocks/crossbar/crossbar.h"
#include "neurotlm/core/error.h"

namespace neurotlm {

namespace detail {

namespace {

/// The rows x (cols + 1) conductance matrix of the array with its reference column in place.
std::vector<double> with_reference(const std::vector<double>& g_S, int rows, int cols,
                                   const ReferenceColumn& ref) {
    if (rows <= 0 || cols <= 0 || g_S.size() != static_cast<size_t>(rows) * cols)
        throw std::invalid_argument("IrNetwork: conductance matrix does not match rows x cols");
    const int at = ref.position == ReferencePosition::first ? 0 : cols;
    std::vector<double> g(static_cast<size_t>(rows) * (cols + 1));
    for (int i = 0; i < rows; ++i) {
        const double* in = g_S.data() + static_cast<size_t>(i) * cols;
        double* out = g.data() + static_cast<size_t>(i) * (cols + 1);
        for (int j = 0, c = 0; c <= cols; ++c)
            out[c] = c == at ? ref.g_S : in[j++];
    }
    return g;
}

} // namespace

IrNetwork::IrNetwork(const std::vector<double>& g_S, int rows, int cols, double r_wire_ohm,
                     double r_col_ohm, const ReferenceColumn& ref)
    : IrNetwork(with_reference(g_S, rows, cols, ref), rows, cols + 1, r_wire_ohm, r_col_ohm) {
    m_reference = ref.position == ReferencePosition::first ? 0 : cols;
    m_first_data = ref.position == ReferencePosition::first ? 1 : 0;
}

IrNetwork::IrNetwork(const std::vector<double>& g_S, int rows, int cols, double r_wire_ohm,
                     double r_col_ohm, const std::vector<double>* terminal_ohm,
                     int cols_per_row_node)
    : m_rows(rows), m_cols(cols), m_group(cols_per_row_node),
      m_row_nodes((cols + cols_per_row_node - 1) / std::max(cols_per_row_node, 1)),
      m_g_wire_S(1.0 / r_wire_ohm), m_g_col_S(1.0 / (r_col_ohm > 0.0 ? r_col_ohm : r_wire_ohm)) {
    if (rows <= 0 || cols <= 0 || g_S.size() != static_cast<size_t>(rows) * cols)
        throw std::invalid_argument("IrNetwork: conductance matrix does not match rows x cols");
    if (!(r_wire_ohm > 0.0) || !(r_col_ohm >= 0.0))
        throw std::invalid_argument("IrNetwork: wire resistance must be > 0");
    if (cols_per_row_node < 1 || cols_per_row_node > 2)
        throw std::invalid_argument("IrNetwork: one or two columns per row node");
    if (terminal_ohm && terminal_ohm->size() != static_cast<size_t>(cols))
        throw std::invalid_argument("IrNetwork: one terminal resistance per column");
    // A terminal resistance in series with the last segment: one conductance to the terminal
    // voltage, no extra node.
    m_g_end_S.assign(static_cast<size_t>(cols), m_g_col_S);
    m_terminal_V.assign(static_cast<size_t>(cols), 0.0);
    if (terminal_ohm)
        for (int j = 0; j < cols; ++j) {
            const double r = (*terminal_ohm)[static_cast<size_t>(j)];
            if (!(r >= 0.0) || !std::isfinite(r))
                throw std::invalid_argument("IrNetwork: terminal resistance must be >= 0");
            m_g_end_S[static_cast<size_t>(j)] = 1.0 / (1.0 / m_g_col_S + r);
        }

    number_nodes();
    const int n = rows * m_row_nodes + rows * cols;
    std::vector<Eigen::Triplet<double>> t;
    t.reserve(static_cast<size_t>(rows) * cols * 10);
    auto branch = [&](int a, int b, double g) {
        t.emplace_back(a, a, g);
        t.emplace_back(b, b, g);
        t.emplace_back(a, b, -g);
        t.emplace_back(b, a, -g);
    };
    const double gw = m_g_wire_S, gc = m_g_col_S;
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < cols; ++j) {
            branch(row_node(i, j), col_node(i, j), g_S[static_cast<size_t>(i) * cols + j]);
            // Row wire: the first segment leads to the source, whose voltage is in the RHS;
            // one segment per row node.
            if (j == 0)
                t.emplace_back(row_node(i, 0), row_node(i, 0), gw);
            else if (j % m_group == 0)
                branch(row_node(i, j - 1), row_node(i, j), gw);
            // Column wire: the last segment leads to the virtual ground at 0 V, or through the
            // terminal resistance to the terminal voltage (in the RHS).
            if (i + 1 < rows)
                branch(col_node(i, j), col_node(i + 1, j), gc);
            else
                t.emplace_back(col_node(i, j), col_node(i, j), m_g_end_S[static_cast<size_t>(j)]);
        }
    }
    m_a.resize(n, n);
    m_a.setFromTriplets(t.begin(), t.end());
    m_rhs = Eigen::VectorXd::Zero(n);
    m_v.resize(n);

    // The lines of the preconditioner: a word line's row nodes joined by row segments, a bit
    // line's column nodes by column segments.
    m_line_start.clear();
    m_line_nodes.clear();
    for (int i = 0; i < rows; ++i) {
        m_line_start.push_back(static_cast<int>(m_line_nodes.size()));
        for (int r = 0; r < m_row_nodes; ++r)
            m_line_nodes.push_back(row_node(i, r * m_group));
    }
    const int first_bit_line = static_cast<int>(m_line_start.size());
    for (int j = 0; j < cols; ++j) {
        m_line_start.push_back(static_cast<int>(m_line_nodes.size()));
        for (int i = 0; i < rows; ++i)
            m_line_nodes.push_back(col_node(i, j));
    }
    m_line_start.push_back(static_cast<int>(m_line_nodes.size()));
    m_line_l.assign(m_line_nodes.size(), 0.0);
    m_line_d.assign(m_line_nodes.size(), 0.0);
    for (std::size_t k = 0; k + 1 < m_line_start.size(); ++k) {
        const double e = static_cast<int>(k) < first_bit_line ? -gw : -gc; // along the line
        const int s0 = m_line_start[k], s1 = m_line_start[k + 1];
        for (int q = s0; q < s1; ++q) {
            const double d = m_a.coeff(m_line_nodes[static_cast<std::size_t>(q)],
                                       m_line_nodes[static_cast<std::size_t>(q)]);
            if (q == s0) {
                m_line_d[static_cast<std::size_t>(q)] = d;
            } else {
                const double l = e / m_line_d[static_cast<std::size_t>(q - 1)];
                m_line_l[static_cast<std::size_t>(q)] = l;
                m_line_d[static_cast<std::size_t>(q)] = d - l * e;
            }
        }
    }
}

void IrNetwork::factorise() {
    if (m_factorised) return;
    m_ldlt.compute(m_a);
    if (m_ldlt.info() != Eigen::Success)
        throw std::runtime_error("IrNetwork: factorisation of the crossbar network failed");
    m_factorised = true;
}

bool IrNetwork::iterate() {
    const Eigen::Index n = m_rhs.size();
    Eigen::VectorXd& r = m_cg_r;
    Eigen::VectorXd& z = m_cg_z;
    Eigen::VectorXd& p = m_cg_p;
    Eigen::VectorXd& q = m_cg_q;
    // z = M^-1 r, line by line: forward, divide, backward.
    auto precondition = [&]() {
        for (std::size_t k = 0; k + 1 < m_line_start.size(); ++k) {
            const int s0 = m_line_start[k], s1 = m_line_start[k + 1];
            const int* const node = m_line_nodes.data();
            double prev = 0.0;
            for (int a = s0; a < s1; ++a) {
                prev = r[node[a]] - m_line_l[static_cast<std::size_t>(a)] * prev;
                z[node[a]] = prev;
            }
            for (int a = s0; a < s1; ++a)
                z[node[a]] /= m_line_d[static_cast<std::size_t>(a)];
            for (int a = s1 - 2; a >= s0; --a)
                z[node[a]] -= m_line_l[static_cast<std::size_t>(a + 1)] * z[node[a + 1]];
        }
    };
    m_v.setZero(n);
    const double b_norm = m_rhs.norm();
    if (b_norm == 0.0) return true;
    r = m_rhs;
    z.resize(n);
    precondition();
    p = z;
    double rz = r.dot(z);
    // Stopped on what a read returns: once the residual is small and an iteration moves no
    // column's current by more than the tolerance of the largest one.
    for (int it = 0; it < m_max_iterations; ++it) {
        q.noalias() = m_a * p;
        const double alpha = rz / p.dot(q);
        m_v += alpha * p;
        r -= alpha * q;
        if (r.norm() <= kIterativeTolerance * b_norm) {
            double step = 0.0, top = 0.0;
            for (int j = 0; j < m_cols; ++j) {
                const int node = col_node(m_rows - 1, j);
                step = std::max(step, std::fabs(alpha * p[node]));
                top = std::max(top, std::fabs(m_v[node] - m_terminal_V[static_cast<size_t>(j)]));
            }
            if (step <= kIterativeTolerance * top) return true;
        }
        precondition();
        const double rz_next = r.dot(z);
        p = z + (rz_next / rz) * p;
        rz = rz_next;
    }
    return false;
}

void IrNetwork::number_nodes() {
    m_row_index.assign(static_cast<size_t>(m_rows) * m_row_nodes, -1);
    m_col_index.assign(static_cast<size_t>(m_rows) * m_cols, -1);
    int next = 0;
    // A site is one row node and the column nodes of the cells on it (one, or a pair).
    auto number_row = [&](int i, int r) {
        m_row_index[static_cast<size_t>(i * m_row_nodes + r)] = next++;
    };
    auto number_cols = [&](int i, int r) {
        for (int j = r * m_group; j < std::min(m_cols, (r + 1) * m_group); ++j)
            m_col_index[static_cast<size_t>(i * m_cols + j)] = next++;
    };
    // Blocks of at most this many sites are numbered row by row (measured on 64 x 64: 2 to 16
    // give the same factorisation time, within 10 %).
    constexpr int kLeafSites = 8;
    // Rows [r0, r1) x sites [c0, c1): both halves, then the line of sites between them, across
    // the longer side. Only the wires along the cut join the halves: a cut across the row wires
    // (between two columns of sites) is separated by the line's row nodes alone, and its column
    // nodes (joined only to each other and to those row nodes) are numbered just before them,
    // bit line by bit line; a cut across the column wires likewise by its column nodes, its
    // row nodes (one word line's piece) just before them. Half the separator of whole sites,
    // and the dense block its elimination leaves is a quarter of the size.
    std::vector<std::array<int, 5>> stack; // r0, r1, c0, c1, and 1 once its halves are done
    stack.push_back({0, m_rows, 0, m_row_nodes, 0});
    while (!stack.empty()) {
        const std::array<int, 5> b = stack.back();
        stack.pop_back();
        const int r0 = b[0], r1 = b[1], c0 = b[2], c1 = b[3];
        const int h = r1 - r0, w = c1 - c0;
        if (h <= 0 || w <= 0) continue;
        if (h * w <= kLeafSites) {
            for (int i = r0; i < r1; ++i)
                for (int r = c0; r < c1; ++r) {
                    number_row(i, r);
                    number_cols(i, r);
                }
            continue;
        }
        const bool split_sites = w * m_group >= h;
        const int m = split_sites ? c0 + w / 2 : r0 + h / 2;
        if (b[4]) {
            // Both halves are numbered: the line's other nodes, then the separator.
            if (split_sites) {
                for (int j = m * m_group; j < std::min(m_cols, (m + 1) * m_group); ++j)
                    for (int i = r0; i < r1; ++i)
                        m_col_index[static_cast<size_t>(i * m_cols + j)] = next++;
                for (int i = r0; i < r1; ++i)
                    number_row(i, m);
            } else {
                for (int r = c0; r < c1; ++r)
                    number_row(m, r);
                for (int r = c0; r < c1; ++r)
                    number_cols(m, r);
            }
            continue;
        }
        stack.push_back({r0, r1, c0, c1, 1});
        // The second half pushed first, so the first half is numbered first.
        if (split_sites) {
            stack.push_back({r0, r1, m + 1, c1, 0});
            stack.push_back({r0, r1, c0, m, 0});
        } else {
            stack.push_back({m + 1, r1, c0, c1, 0});
            stack.push_back({r0, m, c0, c1, 0});
        }
    }
}

void IrNetwork::solve_nodes(const double* v_rows_V, const double* terminal_V, double* all_columns_A,
                            double* driver_A) {
    for (int i = 0; i < m_rows; ++i)
        m_rhs[row_node(i, 0)] = m_g_wire_S * v_rows_V[i];
    for (int j = 0; j < m_cols; ++j) {
        const double vt = terminal_V ? terminal_V[j] : 0.0;
        m_terminal_V[static_cast<size_t>(j)] = vt;
        m_rhs[col_node(m_rows - 1, j)] = m_g_end_S[static_cast<size_t>(j)] * vt;
    }
    if (!m_factorised && m_iterative_reads < m_iterative_limit && iterate()) {
        ++m_iterative_reads;
    } else {
        factorise();
        m_v = m_ldlt.solve(m_rhs);
    }
    for (int j = 0; j < m_cols; ++j)
        all_columns_A[j] = column_current(j);
    if (driver_A)
        for (int i = 0; i < m_rows; ++i)
            driver_A[i] = m_g_wire_S * (v_rows_V[i] - m_v[row_node(i, 0)]);
}

void IrNetwork::build_transfer() {
    if (has_transfer()) return;
    factorise();
    const size_t stride = static_cast<size_t>(m_cols + m_rows);
    std::vector<double> t(stride * static_cast<size_t>(m_rows));
    std::vector<double> unit(static_cast<size_t>(m_rows), 0.0);
    for (int i = 0; i < m_rows; ++i) {
        unit[static_cast<size_t>(i)] = 1.0;
        double* out = t.data() + stride * static_cast<size_t>(i);
        solve_nodes(unit.data(), nullptr, out, out + m_cols);
        unit[static_cast<size_t>(i)] = 0.0;
    }
    m_transfer = std::move(t);
}

void IrNetwork::solve(const double* v_rows_V, double* column_A, double* driver_A,
                      double* reference_A, const double* terminal_V) {
    bool grounded = true;
    if (terminal_V)
        for (int j = 0; j < m_cols && grounded; ++j)
            grounded = terminal_V[j] == 0.0;
    m_all_columns_A.resize(static_cast<size_t>(m_cols));
    double* all = m_all_columns_A.data();
    if (grounded && m_auto_transfer && !has_transfer() &&
        m_grounded_solves >= static_cast<std::uint64_t>(m_rows))
        build_transfer();
    if (grounded && has_transfer()) {
        // Superposition in a fixed order (row by row), whatever the rows' values.
        const size_t stride = static_cast<size_t>(m_cols + m_rows);
        std::fill(all, all + m_cols, 0.0);
        if (driver_A) std::fill(driver_A, driver_A + m_rows, 0.0);
        for (int i = 0; i < m_rows; ++i) {
            const double v = v_rows_V[i];
            if (v == 0.0) continue;
            const double* __restrict t = m_transfer.data() + stride * static_cast<size_t>(i);
            for (int j = 0; j < m_cols; ++j)
                all[j] += v * t[j];
            if (driver_A)
                for (int k = 0; k < m_rows; ++k)
                    driver_A[k] += v * t[m_cols + k];
        }
    } else {
        solve_nodes(v_rows_V, grounded ? nullptr : terminal_V, all, driver_A);
        if (grounded) ++m_grounded_solves;
    }
    const int data_cols = m_reference < 0 ? m_cols : m_cols - 1;
    for (int j = 0; j < data_cols; ++j)
        column_A[j] = all[m_first_data + j];
    if (reference_A) *reference_A = m_reference < 0 ? 0.0 : all[m_reference];
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
