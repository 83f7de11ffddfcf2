// An analog read whose output lines are not virtual grounds: each differential pair ends in the
// receiver's termination (IMAC-Sim's difference amplifier: the I+ line into (1 + g) R to
// ground, the I- line into R to a node at g / (1 + g) of the I+ line's voltage), so the lines'
// voltages are whatever the cells, the wires and the termination make them.

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "neurotlm/blocks/crossbar/crossbar.h"
#include "neurotlm/blocks/crossbar/ir_drop.h"
#include "neurotlm/core/error.h"

namespace neurotlm {

void Crossbar::set_terminations(const std::vector<LineTermination>& per_output) {
    drop_look_ahead();
    const int lcols = logical_cols();
    if (per_output.size() != static_cast<std::size_t>(lcols))
        throw std::logic_error("crossbar: " + std::to_string(per_output.size()) +
                               " terminations for " + std::to_string(lcols) + " outputs");
    bool loaded = false;
    for (const LineTermination& t : per_output) {
        t.check();
        loaded = loaded || !t.virtual_ground();
    }
    if (loaded && (m_spec.mapping != WeightMapping::differential || m_spec.sliced()))
        throw InputError("a loaded readout (a difference amplifier on the lines) needs the "
                         "differential mapping with analog weights (weight_bits 0): it takes a "
                         "pair of lines per output");
    // The read noise is drawn in virtual-ground output units; through the loaded lines' dividers
    // it would be scaled per line, which is not modelled.
    if (loaded && m_spec.read_noise && m_spec.cell.read_noise_sigma > 0.0)
        throw InputError("read noise into a loaded readout (a difference amplifier on the "
                         "lines) is not modelled: set read_noise to false on the tile");
    if (loaded == m_terminated && (!loaded || per_output == m_term)) return;
    m_term = per_output;
    m_terminated = loaded;
    m_ir->net.reset();
}

void Crossbar::build_loaded_network() {
    const int rows = m_spec.rows;
    const int cols = m_spec.cols;
    const int lcols = logical_cols();
    IrSolver& ir = *m_ir;
    std::vector<double> terminal_ohm(static_cast<std::size_t>(cols), 0.0);
    for (int j = 0; j < lcols; ++j) {
        terminal_ohm[static_cast<std::size_t>(2 * j)] =
            m_term[static_cast<std::size_t>(j)].plus_ohm;
        terminal_ohm[static_cast<std::size_t>(2 * j + 1)] =
            m_term[static_cast<std::size_t>(j)].minus_ohm;
    }
    ir.net = std::make_unique<detail::IrNetwork>(
        connected_conductances(), rows, cols, m_spec.wire_resistance_ohm,
        m_spec.column_segment_ohm(), &terminal_ohm, m_spec.row_segment_per_pair ? 2 : 1);
    // One solve per loaded pair, rows at 0 V and 1 V on that pair's I- terminal.
    ir.column_response = Eigen::MatrixXd::Zero(cols, lcols);
    ir.driver_response = Eigen::MatrixXd::Zero(rows, lcols);
    ir.follow_gain = Eigen::VectorXd::Zero(lcols);
    const std::vector<double> zero_rows(static_cast<std::size_t>(rows), 0.0);
    std::vector<double> unit(static_cast<std::size_t>(cols), 0.0),
        col(static_cast<std::size_t>(cols)), drv(static_cast<std::size_t>(rows));
    for (int k = 0; k < lcols; ++k) {
        const LineTermination& t = m_term[static_cast<std::size_t>(k)];
        if (t.virtual_ground()) continue;
        ir.follow_gain[k] = t.minus_follows * t.plus_ohm;
        unit[static_cast<std::size_t>(2 * k + 1)] = 1.0;
        ir.net->solve(zero_rows.data(), col.data(), drv.data(), nullptr, unit.data());
        unit[static_cast<std::size_t>(2 * k + 1)] = 0.0;
        for (int c = 0; c < cols; ++c)
            ir.column_response(c, k) = col[static_cast<std::size_t>(c)];
        for (int i = 0; i < rows; ++i)
            ir.driver_response(i, k) = drv[static_cast<std::size_t>(i)];
    }
    // (I - F S_plus) v = F I+_0, with S_plus the I+ columns' rows of the response.
    Eigen::MatrixXd a = Eigen::MatrixXd::Identity(lcols, lcols);
    for (int j = 0; j < lcols; ++j)
        for (int k = 0; k < lcols; ++k)
            a(j, k) -= ir.follow_gain[j] * ir.column_response(2 * j, k);
    ir.follow.compute(a);
}

void Crossbar::loaded_read(const float* v_rows_V, float* y, double* energy_J) {
    const int rows = m_spec.rows;
    const int cols = m_spec.cols;
    const int lcols = logical_cols();
    const int connected = connected_rows();
    IrSolver& ir = *m_ir;
    ir.v_V.assign(static_cast<std::size_t>(rows), 0.0);
    for (int i = 0; i < rows; ++i)
        ir.v_V[static_cast<std::size_t>(i)] = v_rows_V[i];
    ir.column_A.assign(static_cast<std::size_t>(cols), 0.0);
    double p_W = 0.0;

    if (m_spec.ir_drop && m_spec.wire_resistance_ohm > 0.0) {
        if (!ir.net) build_loaded_network();
        // Terminals at 0 V, then the I- terminals' voltages that follow the I+ lines:
        // v = F (I+_0 + S v) with F = diag(minus_follows plus_ohm), S the I+ lines' response.
        ir.terminal_V.assign(static_cast<std::size_t>(cols), 0.0);
        ir.driver_A.assign(static_cast<std::size_t>(rows), 0.0);
        ir.net->solve(ir.v_V.data(), ir.column_A.data(), ir.driver_A.data(), nullptr,
                      ir.terminal_V.data());
        Eigen::VectorXd rhs(lcols);
        for (int j = 0; j < lcols; ++j)
            rhs[j] = ir.follow_gain[j] * ir.column_A[static_cast<std::size_t>(2 * j)];
        const Eigen::VectorXd v_minus = ir.follow.solve(rhs);
        const Eigen::VectorXd d_col = ir.column_response * v_minus;
        const Eigen::VectorXd d_drv = ir.driver_response * v_minus;
        for (int c = 0; c < cols; ++c)
            ir.column_A[static_cast<std::size_t>(c)] += d_col[c];
        // The I- column's current runs to its terminal: less by g_end v there. The response
        // already holds it (it is the network's column current at 1 V).
        for (int i = 0; i < rows; ++i)
            p_W += ir.v_V[static_cast<std::size_t>(i)] *
                   (ir.driver_A[static_cast<std::size_t>(i)] + d_drv[i]);
    } else {
        // Ideal wires: each line is a Norton source (its short-circuit current and the
        // conductance of its connected cells) into the termination.
        std::vector<double> isc(static_cast<std::size_t>(cols), 0.0);
        const int ccols = connected_cols();
        for (int i = 0; i < connected; ++i) {
            const double v = ir.v_V[static_cast<std::size_t>(i)];
            if (v == 0.0) continue;
            const double* g = m_g.data() + static_cast<std::size_t>(i) * cols;
            for (int c = 0; c < ccols; ++c)
                isc[static_cast<std::size_t>(c)] += g[c] * v;
            p_W += v * v * m_row_g_sum[static_cast<std::size_t>(i)];
        }
        for (int j = 0; j < lcols; ++j) {
            const std::size_t cp = static_cast<std::size_t>(2 * j), cm = cp + 1;
            const LineTermination& t = m_term[static_cast<std::size_t>(j)];
            t.currents(isc[cp], m_col_g_sum[cp], isc[cm], m_col_g_sum[cm], &ir.column_A[cp],
                       &ir.column_A[cm]);
            // The sources deliver sum_i V_i sum_c G_ic (V_i - V_c): the lines' own voltage
            // returns sum_c V_c I_sc,c of it.
            if (t.virtual_ground()) continue;
            const double v_plus = ir.column_A[cp] * t.plus_ohm;
            const double v_minus = ir.column_A[cm] * t.minus_ohm + t.minus_follows * v_plus;
            p_W -= v_plus * isc[cp] + v_minus * isc[cm];
        }
    }
    const double per_output = 1.0 / amperes_per_output();
    for (int j = 0; j < lcols; ++j)
        y[j] = static_cast<float>((ir.column_A[static_cast<std::size_t>(2 * j)] -
                                   ir.column_A[static_cast<std::size_t>(2 * j + 1)]) *
                                  per_output);
    *energy_J += p_W * m_spec.read_time_s;
}

} // namespace neurotlm
