#include "neurotlm/blocks/crossbar/crossbar.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "neurotlm/blocks/crossbar/ir_drop.h"
#include "neurotlm/core/cycles.h"
#include "neurotlm/core/error.h"

namespace neurotlm {

// The factorised network lives behind a pointer so that Eigen stays out of the public header.
// It is built lazily on the first IR-drop read after program(): conductances only change when
// the array is written, so every read until then is a back-substitution.
struct Crossbar::IrSolver {
    std::unique_ptr<detail::IrNetwork> net;
    std::vector<double> v_V;
    std::vector<double> column_A;
    std::vector<double> driver_A;
};

namespace {

/// Signed input code: |x| clipped to x_max, rounded to q_max levels. Computed in double and
/// clamped, so no input (NaN aside, refused earlier) can give a code outside [-q_max, q_max].
std::int32_t quantise(float x, float x_max, std::int32_t q_max) {
    const double a = std::min(std::fabs(static_cast<double>(x)), static_cast<double>(x_max));
    const double q = std::min(std::floor(a / x_max * q_max + 0.5), static_cast<double>(q_max));
    const auto code = static_cast<std::int32_t>(q);
    return x < 0.0f ? -code : code;
}

/// y[0..cols) = sum over the listed rows i of x[i] * w[i, 0..cols): the functional core of every
/// read. Four rows per pass keep y in registers for four multiply-adds per load/store; the inner
/// loops are contiguous and branch-free so the compiler vectorises them.
void gemv_rows(const float* __restrict x, const int* __restrict rows, int n_rows,
               const float* __restrict w, int cols, float* __restrict y) {
    std::fill(y, y + cols, 0.0f);
    const std::size_t ld = static_cast<std::size_t>(cols);
    int k = 0;
    for (; k + 4 <= n_rows; k += 4) {
        const float x0 = x[rows[k]], x1 = x[rows[k + 1]];
        const float x2 = x[rows[k + 2]], x3 = x[rows[k + 3]];
        const float* __restrict w0 = w + ld * static_cast<std::size_t>(rows[k]);
        const float* __restrict w1 = w + ld * static_cast<std::size_t>(rows[k + 1]);
        const float* __restrict w2 = w + ld * static_cast<std::size_t>(rows[k + 2]);
        const float* __restrict w3 = w + ld * static_cast<std::size_t>(rows[k + 3]);
        for (int j = 0; j < cols; ++j)
            y[j] += (x0 * w0[j] + x1 * w1[j]) + (x2 * w2[j] + x3 * w3[j]);
    }
    for (; k < n_rows; ++k) {
        const float xi = x[rows[k]];
        const float* __restrict wi = w + ld * static_cast<std::size_t>(rows[k]);
        for (int j = 0; j < cols; ++j)
            y[j] += xi * wi[j];
    }
}

} // namespace

const SpecTable<CrossbarSpec>& CrossbarSpec::table() {
    static const SpecTable<CrossbarSpec> table = [] {
        SpecTable<CrossbarSpec> t;
        t.integer("rows", NEUROTLM_FIELD(rows), 128, "word lines: inputs per tile", 1, 4096)
            .integer("cols", NEUROTLM_FIELD(cols), 128,
                     "bit lines (physical columns); differential mapping uses two per output", 1,
                     4096);
        t.params().string("device", "rram_imacsim",
                          "cell: a name under /devices or a preset in configs/devices");
        t.choice<WeightMapping>(
             "mapping", NEUROTLM_FIELD(mapping),
             {{"differential", WeightMapping::differential}, {"offset", WeightMapping::offset}},
             "differential",
             "weight to conductance: G+ - G- on column pairs, or G - G_ref on "
             "one column")
            .choice<ReferencePosition>(
                "reference_column", NEUROTLM_FIELD(reference_position),
                {{"first", ReferencePosition::first}, {"last", ReferencePosition::last}}, "last",
                "offset mapping: where the reference column (cells at G_ref on the same word "
                "lines) sits: last = after the data columns, at the far end of the word lines; "
                "first = next to the row drivers. Matters with ir_drop; ignored with the "
                "differential mapping")
            .integer("input_bits", NEUROTLM_FIELD(input_bits), 8,
                     "input precision; fed through the DAC in slices of dac.bits", 1, 16)
            .positive("read_time", Unit::second, NEUROTLM_FIELD(read_time_s), "10 ns",
                      "duration of one array read (one input slice)")
            // Real segments are ~10 ohm (9-12 ohm at a 9 nm node, IMAC-Sim). Below 1 uohm the
            // wires' conductance swamps the cells' by more than 10^9 and the nodal solve loses
            // its digits (a denormal gives an infinite conductance); above 1 kohm per segment a
            // 128-cell line drops more than its cells and carries no usable signal.
            .number("wire_resistance", Unit::ohm, NEUROTLM_FIELD(wire_resistance_ohm), 0.0,
                    "resistance of one wire segment between adjacent cells: 0 = ideal wires, "
                    "else 1 uohm to 1 kohm (real segments are ~10 ohm; below 1 uohm the network "
                    "solve loses its precision, above 1 kohm a line drops more than its cells)",
                    1e-6, 1e3)
            .or_zero()
            .boolean("ir_drop", NEUROTLM_FIELD(ir_drop), false,
                     "solve the resistive network with wire resistance on every read")
            .boolean("read_noise", NEUROTLM_FIELD(read_noise), true,
                     "apply the device's read noise on every read")
            .boolean("variation", NEUROTLM_FIELD(variation), true,
                     "apply device-to-device variation and stuck-at faults when programming");
        t.include<AdcSpec>("adc", NEUROTLM_FIELD(adc), AdcSpec::table());
        t.include<DacSpec>("dac", NEUROTLM_FIELD(dac), DacSpec::table());
        return t;
    }();
    return table;
}

void CrossbarSpec::check() const {
    auto bad = [](const std::string& what) { throw InputError("crossbar: " + what); };
    if (const auto out = table().check(*this); !out.empty()) bad(out.front());
    if (mapping == WeightMapping::differential && cols % 2 != 0)
        bad("differential mapping needs an even number of columns, got " + std::to_string(cols));
    if (cell.levels() < 2) bad("the cell needs at least 2 conductance levels");
    for (int k = 0; k < cell.levels(); ++k) {
        const double g = cell.conductances_S[static_cast<std::size_t>(k)];
        if (!(g > 0.0) || (k > 0 && !(g > cell.conductances_S[static_cast<std::size_t>(k - 1)])))
            bad("cell conductance levels must be positive and strictly ascending");
    }
    if (!(clock_Hz > 0.0)) bad("the clock must be > 0");
    if (!(cell.read_voltage_V > 0.0)) bad("the cell's read voltage must be > 0");
}

Crossbar::Crossbar(const CrossbarSpec& spec, RngStream rng)
    : m_write_rng(rng.derive("write")), m_read_rng(rng.derive("read")), m_spec(spec),
      m_rng(std::move(rng)), m_ir(std::make_unique<IrSolver>()) {
    m_spec.check();
    const std::size_t cells = static_cast<std::size_t>(m_spec.rows) * m_spec.cols;
    const CellSpec& cell = m_spec.cell;
    // Tunnel junctions lose TMR with bias: the array is read, and weights are calibrated, at
    // the full-scale read voltage (exact for binary drives, an approximation for lower slice
    // voltages). RRAM levels are ohmic and unchanged.
    m_level_g_S.resize(static_cast<std::size_t>(cell.levels()));
    for (int k = 0; k < cell.levels(); ++k)
        m_level_g_S[static_cast<std::size_t>(k)] = cell.conductance_at(k, cell.read_voltage_V);
    const double g_lo = m_level_g_S.front();
    const double g_hi = m_level_g_S.back();

    // The fault map is a property of the manufactured array, so it is drawn once here and
    // survives every reprogramming; its own stream keeps it independent of the write history.
    m_fault.assign(cells, CellFault::none);
    if (m_spec.variation && (cell.stuck_on_fraction > 0.0 || cell.stuck_off_fraction > 0.0)) {
        RngStream faults = m_rng.derive("faults");
        for (auto& f : m_fault) {
            const double u = faults.uniform();
            if (u < cell.stuck_on_fraction)
                f = CellFault::stuck_on;
            else if (u < cell.stuck_on_fraction + cell.stuck_off_fraction)
                f = CellFault::stuck_off;
        }
    }

    // A fresh array is taken to be all in the lowest-conductance state (formed, then reset):
    // the zero weight of the differential mapping, so programming zeros writes nothing.
    m_level.assign(cells, 0);
    m_g.assign(cells, 0.0);
    for (std::size_t c = 0; c < cells; ++c) {
        if (m_fault[c] == CellFault::stuck_on)
            m_g[c] = g_hi;
        else if (m_fault[c] == CellFault::stuck_off)
            m_g[c] = g_lo;
        else
            m_g[c] = g_lo *
                     (m_spec.variation ? m_write_rng.lognormal_factor(cell.variation_sigma) : 1.0);
    }
    m_rows_used = m_spec.rows;
    m_cols_used = logical_cols();

    const std::size_t rows = static_cast<std::size_t>(m_spec.rows);
    const std::size_t lcols = static_cast<std::size_t>(logical_cols());
    m_xq.assign(rows, 0.0f);
    m_x2.assign(rows, 0.0f);
    m_code.assign(rows, 0);
    m_nz.reserve(rows);
    m_nz_slice.reserve(rows);
    m_yk.assign(lcols, 0.0f);
    m_var.assign(lcols, 0.0f);
    rebuild();
}

Crossbar::~Crossbar() = default;

double Crossbar::area_m2() const {
    const int ref_cols = m_spec.mapping == WeightMapping::offset ? 1 : 0;
    return static_cast<double>(m_spec.rows) * (m_spec.cols + ref_cols) * m_spec.cell.area_m2 +
           m_spec.adc_count() * m_spec.adc.area_per_adc_m2 +
           m_spec.dac_count() * m_spec.dac.area_per_dac_m2;
}

double Crossbar::leakage_W() const {
    return m_spec.adc.ideal() ? 0.0 : m_spec.adc_count() * m_spec.adc.leakage_per_adc_W;
}

EnergyTable Crossbar::energy_table() const {
    return {
        {"array_read", 0.0, "array read phase: sum V^2 G t over the cells (data-dependent)"},
        {"dac_conversion", m_spec.dac.energy_per_conversion_J,
         "row driver conversion of one input slice"},
        {"adc_conversion", m_spec.adc.energy_per_conversion_J(), "column current conversion"},
        {"cell_write", m_spec.cell.write_energy_J, "cell programmed to a new level"},
    };
}

void Crossbar::set_input_range(float x_max) {
    // The quantiser divides by it: it must leave codes per unit input finite.
    if (!(x_max >= kMinInputRange) || !std::isfinite(x_max))
        throw InputError("crossbar: input range must be a finite number >= 1e-30, got " +
                         std::to_string(x_max));
    m_x_max = x_max;
}

void Crossbar::set_output_range(float y_max) {
    if (!(y_max >= 0.0f) || !std::isfinite(y_max))
        throw InputError("crossbar: output range must be >= 0, got " + std::to_string(y_max));
    m_y_max = y_max;
}

float Crossbar::effective_output_range() const {
    if (m_y_max > 0.0f) return m_y_max;
    // The largest |y| any input in range can produce with these weights: the ADC never clips.
    // An all-zero array would give 0; fall back to one full-scale product.
    if (m_colabs_max > 0.0f) return m_x_max * m_colabs_max;
    return m_x_max * m_w_max;
}

CrossbarCost Crossbar::program(const float* weights, int rows_used, int cols_used, float w_max) {
    const int rows = m_spec.rows;
    const int cols = m_spec.cols;
    const int lcols = logical_cols();
    if (rows_used < 0 || rows_used > rows || cols_used < 0 || cols_used > lcols)
        throw InputError("crossbar: a " + std::to_string(rows_used) + " x " +
                         std::to_string(cols_used) + " block does not fit a " +
                         std::to_string(rows) + " x " + std::to_string(lcols) + " array");
    if (!(w_max > 0.0f) || !std::isfinite(w_max))
        throw InputError("crossbar: w_max must be > 0, got " + std::to_string(w_max));
    if (rows_used * cols_used > 0 && !weights)
        throw InputError("crossbar: no weights given for a non-empty block");

    const CellSpec& cell = m_spec.cell;
    const std::vector<double>& levels = m_level_g_S;
    const double g_min = levels.front();
    const double range = levels.back() - g_min;
    const bool vary = m_spec.variation && cell.variation_sigma > 0.0;
    auto nearest = [&](double g) {
        auto it = std::lower_bound(levels.begin(), levels.end(), g);
        if (it == levels.begin()) return 0;
        if (it == levels.end()) return static_cast<int>(levels.size()) - 1;
        const int hi = static_cast<int>(it - levels.begin());
        return (g - levels[static_cast<std::size_t>(hi - 1)] <
                levels[static_cast<std::size_t>(hi)] - g)
                   ? hi - 1
                   : hi;
    };

    CrossbarCost cost;
    std::uint64_t rows_written = 0;
    for (int i = 0; i < rows; ++i) {
        bool row_written = false;
        auto write = [&](int c, int level) {
            const std::size_t idx = static_cast<std::size_t>(i) * cols + c;
            if (m_level[idx] == level) return;
            m_level[idx] = level;
            ++cost.cell_writes;
            row_written = true;
            // A stuck cell takes the pulse but keeps its state.
            if (m_fault[idx] != CellFault::none) return;
            m_g[idx] = levels[static_cast<std::size_t>(level)] *
                       (vary ? m_write_rng.lognormal_factor(cell.variation_sigma) : 1.0);
        };
        for (int j = 0; j < lcols; ++j) {
            float w = 0.0f;
            if (i < rows_used && j < cols_used) {
                w = weights[static_cast<std::size_t>(i) * cols_used + j];
                if (!std::isfinite(w))
                    throw InputError("crossbar: weight (" + std::to_string(i) + ", " +
                                     std::to_string(j) + ") is not a finite number");
                w = std::clamp(w, -w_max, w_max);
            }
            const double u = static_cast<double>(w) / w_max;
            if (m_spec.mapping == WeightMapping::differential) {
                write(2 * j, u > 0.0 ? nearest(g_min + u * range) : 0);
                write(2 * j + 1, u < 0.0 ? nearest(g_min - u * range) : 0);
            } else {
                write(j, nearest(g_min + 0.5 * (u + 1.0) * range));
            }
        }
        if (row_written) ++rows_written;
    }

    m_w_max = w_max;
    m_rows_used = rows_used;
    m_cols_used = cols_used;
    cost.write_energy_J = static_cast<double>(cost.cell_writes) * cell.write_energy_J;
    cost.cycles = rows_written * cycles_for(cell.write_latency_s, m_spec.clock_Hz);
    rebuild();
    return cost;
}

void Crossbar::rebuild() {
    const int rows = m_spec.rows;
    const int cols = m_spec.cols;
    const int lcols = logical_cols();
    const CellSpec& cell = m_spec.cell;
    const double range = m_level_g_S.back() - m_level_g_S.front();
    const bool diff = m_spec.mapping == WeightMapping::differential;

    // Differential: w = (G+ - G-) / (g_max - g_min) * w_max. Offset: the reference sits at the
    // middle of the range, so G - G_ref spans half the range for w_max.
    m_w_per_S = (diff ? m_w_max : 2.0 * m_w_max) / range;
    m_g_ref_S = diff ? 0.0 : 0.5 * (m_level_g_S.front() + m_level_g_S.back());
    const double k = m_w_per_S;
    const double noise_k2 = cell.read_noise_sigma * cell.read_noise_sigma * k * k;

    m_weff.assign(static_cast<std::size_t>(rows) * lcols, 0.0f);
    m_noise_var.assign(static_cast<std::size_t>(rows) * lcols, 0.0f);
    m_row_g_sum.assign(static_cast<std::size_t>(rows), 0.0);
    std::vector<double> col_abs(static_cast<std::size_t>(lcols), 0.0);
    for (int i = 0; i < rows; ++i) {
        const double* g = m_g.data() + static_cast<std::size_t>(i) * cols;
        float* weff = m_weff.data() + static_cast<std::size_t>(i) * lcols;
        float* var = m_noise_var.data() + static_cast<std::size_t>(i) * lcols;
        double sum = 0.0;
        for (int c = 0; c < cols; ++c)
            sum += g[c];
        m_row_g_sum[static_cast<std::size_t>(i)] = sum;
        for (int j = 0; j < lcols; ++j) {
            double w, v;
            if (diff) {
                const double gp = g[2 * j], gn = g[2 * j + 1];
                w = (gp - gn) * k;
                v = noise_k2 * (gp * gp + gn * gn);
            } else {
                w = (g[j] - m_g_ref_S) * k;
                v = noise_k2 * g[j] * g[j];
            }
            weff[j] = static_cast<float>(w);
            var[j] = static_cast<float>(v);
            col_abs[static_cast<std::size_t>(j)] += std::fabs(w);
        }
    }
    m_colabs_max = static_cast<float>(*std::max_element(col_abs.begin(), col_abs.end()));
    m_ir->net.reset();
}

void Crossbar::ir_read(const float* x, float* y, double* energy_J) {
    const int rows = m_spec.rows;
    const int cols = m_spec.cols;
    const int lcols = logical_cols();
    const bool diff = m_spec.mapping == WeightMapping::differential;
    IrSolver& ir = *m_ir;
    if (!ir.net) {
        const double r = m_spec.wire_resistance_ohm;
        // The offset mapping's reference is a physical column on the same word lines, with its
        // own bit line and virtual ground: it sees the row wires' drop at its place and loads
        // the rows like a data column. An ideal reference (G_ref * sum V) was 5 % (first) to
        // 13 % (last) of full scale off ngspice on a 32x32 array with 1 ohm segments; this
        // agrees to 1e-7 (ir_drop_test, OffsetMappingAgreesWithNgspiceOn32x32...).
        ir.net = diff ? std::make_unique<detail::IrNetwork>(m_g, rows, cols, r)
                      : std::make_unique<detail::IrNetwork>(
                            m_g, rows, cols, r,
                            detail::ReferenceColumn{m_g_ref_S, m_spec.reference_position});
        ir.v_V.assign(static_cast<std::size_t>(rows), 0.0);
        ir.column_A.assign(static_cast<std::size_t>(cols), 0.0);
        ir.driver_A.assign(static_cast<std::size_t>(rows), 0.0);
    }
    const double vr = m_spec.cell.read_voltage_V;
    const double v_per_x = vr / m_x_max;
    for (int i = 0; i < rows; ++i)
        ir.v_V[static_cast<std::size_t>(i)] = x[i] * v_per_x;
    double i_ref = 0.0;
    ir.net->solve(ir.v_V.data(), ir.column_A.data(), ir.driver_A.data(), &i_ref);

    const double scale = m_w_per_S / v_per_x;
    if (diff) {
        for (int j = 0; j < lcols; ++j)
            y[j] = static_cast<float>((ir.column_A[2 * j] - ir.column_A[2 * j + 1]) * scale);
    } else {
        for (int j = 0; j < lcols; ++j)
            y[j] = static_cast<float>((ir.column_A[j] - i_ref) * scale);
    }
    // With wires the array draws what the sources deliver, wire losses and the reference
    // column included.
    double p_W = 0.0;
    for (int i = 0; i < rows; ++i)
        p_W += ir.v_V[static_cast<std::size_t>(i)] * ir.driver_A[i];
    *energy_J += p_W * m_spec.read_time_s;
}

double Crossbar::output_bound(const float* w, int rows, int cols, double x_max) {
    std::vector<double> col(static_cast<std::size_t>(std::max(cols, 0)), 0.0);
    for (int i = 0; i < rows; ++i)
        for (int j = 0; j < cols; ++j)
            col[static_cast<std::size_t>(j)] +=
                std::fabs(w[static_cast<std::size_t>(i) * cols + j]);
    double worst = 0.0;
    for (double c : col)
        worst = std::max(worst, c);
    return worst * x_max;
}

float Crossbar::max_slice_output(const float* w, int rows, int cols, const float* x, float x_max,
                                 int input_bits, int dac_bits) {
    if (rows <= 0 || cols <= 0 || !(x_max > 0.0f) || input_bits < 1 || dac_bits < 1)
        throw InputError("crossbar: max_slice_output needs positive sizes, range and bits");
    const int slices = (input_bits + dac_bits - 1) / dac_bits;
    const std::int32_t q_max = (std::int32_t{1} << input_bits) - 1;
    const std::int32_t s_max = (std::int32_t{1} << dac_bits) - 1;
    if (!(x_max >= kMinInputRange) || !std::isfinite(x_max))
        throw InputError("crossbar: max_slice_output needs an input range >= 1e-30");
    std::vector<std::int32_t> code(static_cast<std::size_t>(rows));
    for (int i = 0; i < rows; ++i)
        code[static_cast<std::size_t>(i)] = quantise(x[i], x_max, q_max);
    std::vector<float> y(static_cast<std::size_t>(cols));
    float worst = 0.0f;
    for (int k = 0; k < slices; ++k) {
        std::fill(y.begin(), y.end(), 0.0f);
        for (int i = 0; i < rows; ++i) {
            const std::int32_t c = code[static_cast<std::size_t>(i)];
            const std::int32_t s = ((c < 0 ? -c : c) >> (k * dac_bits)) & s_max;
            if (s == 0) continue;
            const float xs =
                (c < 0 ? -1.0f : 1.0f) * static_cast<float>(s) / static_cast<float>(s_max) * x_max;
            const float* wi = w + static_cast<std::size_t>(i) * cols;
            for (int j = 0; j < cols; ++j)
                y[static_cast<std::size_t>(j)] += xs * wi[j];
        }
        for (float v : y)
            worst = std::max(worst, std::fabs(v));
    }
    return worst;
}

// One function on purpose: the hot path of every read, whose branches (ideal ADC, noise, IR drop)
// share the quantised input and the scratch buffers.
CrossbarCost Crossbar::mvm(const float* x, float* y) {
    const int rows = m_spec.rows;
    const int lcols = logical_cols();
    const int in_bits = m_spec.input_bits;
    const int dac_bits = m_spec.dac.bits;
    const int slices = (in_bits + dac_bits - 1) / dac_bits;
    const std::int32_t q_max = (std::int32_t{1} << in_bits) - 1;
    const std::int32_t s_max = (std::int32_t{1} << dac_bits) - 1;
    const float x_max = m_x_max;
    const float x_lsb = x_max / static_cast<float>(q_max);

    // Quantise: sign + in_bits magnitude code; the sign sets the drive polarity.
    m_nz.clear();
    for (int i = 0; i < rows; ++i) {
        const float xi = x[i];
        if (!std::isfinite(xi))
            throw InputError("crossbar: input " + std::to_string(i) + " is not a finite number");
        const std::int32_t code = quantise(xi, x_max, q_max);
        const std::int32_t q = code < 0 ? -code : code;
        m_code[static_cast<std::size_t>(i)] = code;
        m_xq[static_cast<std::size_t>(i)] = static_cast<float>(code) * x_lsb;
        if (q != 0) m_nz.push_back(i);
    }
    const int n_nz = static_cast<int>(m_nz.size());

    CrossbarCost cost;
    cost.reads = static_cast<std::uint64_t>(slices);
    // Rows with a zero input keep their driver idle for the whole operation.
    cost.dac_conversions = static_cast<std::uint64_t>(slices) * static_cast<std::uint64_t>(n_nz);
    cost.columns_sensed =
        static_cast<std::uint64_t>(slices) * static_cast<std::uint64_t>(m_cols_used);
    cost.adc_conversions = m_spec.adc.ideal() ? 0 : cost.columns_sensed;
    const int rounds =
        m_spec.adc.ideal() || m_cols_used == 0 ? 0 : (m_cols_used + adc_count() - 1) / adc_count();
    cost.cycles =
        static_cast<std::uint64_t>(slices) *
        (cycles_for(m_spec.read_time_s + m_spec.dac.latency_s, m_spec.clock_Hz) +
         static_cast<std::uint64_t>(rounds) * cycles_for(m_spec.adc.latency_s(), m_spec.clock_Hz));

    const bool ir = m_spec.ir_drop && m_spec.wire_resistance_ohm > 0.0;
    const bool noisy = m_spec.read_noise && m_spec.cell.read_noise_sigma > 0.0;
    const double vr = m_spec.cell.read_voltage_V;

    // Slice k drives row i at V = sign * s_k,i / s_max * V_read; its output counts with weight
    // c_k = 2^(k b) s_max / q_max, so that sum_k c_k * (slice value) = the quantised input.
    auto slice_of = [&](std::int32_t code, int k) {
        const std::int32_t mag = code < 0 ? -code : code;
        return (mag >> (k * dac_bits)) & s_max;
    };
    auto slice_weight = [&](int k) {
        return std::ldexp(static_cast<double>(s_max), k * dac_bits) / static_cast<double>(q_max);
    };

    double energy_J = 0.0;
    if (!ir) {
        // sum_ij V_i^2 G_ij t per slice; G_ref is the offset mapping's reference column.
        double e = 0.0;
        for (int k = 0; k < slices; ++k) {
            for (int i : m_nz) {
                const std::int32_t code = m_code[static_cast<std::size_t>(i)];
                const double v = static_cast<double>(slice_of(code, k)) / s_max * vr;
                e += v * v * (m_row_g_sum[static_cast<std::size_t>(i)] + m_g_ref_S);
            }
        }
        energy_J = e * m_spec.read_time_s;
    }

    auto add_noise = [&](const float* x2, const std::vector<int>& nz, float* out) {
        gemv_rows(x2, nz.data(), static_cast<int>(nz.size()), m_noise_var.data(), lcols,
                  m_var.data());
        for (int j = 0; j < lcols; ++j)
            out[j] +=
                static_cast<float>(std::sqrt(static_cast<double>(m_var[j])) * m_read_rng.normal());
    };

    if (m_spec.adc.ideal()) {
        // No quantisation between slices, so the slices sum linearly: one read of the quantised
        // input gives the same result (the fast path).
        if (!ir)
            gemv_rows(m_xq.data(), m_nz.data(), n_nz, m_weff.data(), lcols, y);
        else
            ir_read(m_xq.data(), y, &energy_J);
        if (noisy) {
            // Each slice is a separate read with independent noise, so the variances add with
            // the squared slice weights: var_j = sum_i (sum_k c_k^2 x_k,i^2) var_ij.
            for (int i : m_nz) {
                double s2 = 0.0;
                for (int k = 0; k < slices; ++k) {
                    const double xk = slice_weight(k) *
                                      slice_of(m_code[static_cast<std::size_t>(i)], k) / s_max *
                                      x_max;
                    s2 += xk * xk;
                }
                m_x2[static_cast<std::size_t>(i)] = static_cast<float>(s2);
            }
            add_noise(m_x2.data(), m_nz, y);
        }
    } else {
        const double fs = effective_output_range();
        const int adc_bits = m_spec.adc.bits;
        // Mid-tread converter for b >= 2 bits: codes -(2^(b-1)-1) .. 2^(b-1)-1 with a true zero,
        // so silent columns and empty slices add nothing (a mid-rise converter would add half
        // an LSB on every slice). One bit can only tell the sign: +-FS/2.
        const bool sign_only = adc_bits == 1;
        const double code_max = sign_only ? 0.0 : std::ldexp(1.0, adc_bits - 1) - 1.0;
        const double step = sign_only ? fs : fs / code_max;
        std::fill(y, y + lcols, 0.0f);
        for (int k = 0; k < slices; ++k) {
            m_nz_slice.clear();
            for (int i : m_nz) {
                const std::int32_t code = m_code[static_cast<std::size_t>(i)];
                const std::int32_t s = slice_of(code, k);
                const float xs = (code < 0 ? -1.0f : 1.0f) * static_cast<float>(s) /
                                 static_cast<float>(s_max) * x_max;
                m_xq[static_cast<std::size_t>(i)] = xs;
                m_x2[static_cast<std::size_t>(i)] = xs * xs;
                if (s != 0) m_nz_slice.push_back(i);
            }
            if (!ir)
                gemv_rows(m_xq.data(), m_nz_slice.data(), static_cast<int>(m_nz_slice.size()),
                          m_weff.data(), lcols, m_yk.data());
            else
                ir_read(m_xq.data(), m_yk.data(), &energy_J);
            if (noisy) add_noise(m_x2.data(), m_nz_slice, m_yk.data());
            // Anything beyond full scale clips to the end codes.
            const double ck = slice_weight(k);
            for (int j = 0; j < lcols; ++j) {
                const double v =
                    sign_only
                        ? (m_yk[j] >= 0 ? 0.5 : -0.5) * step
                        : std::clamp(std::nearbyint(m_yk[j] / step), -code_max, code_max) * step;
                y[j] += static_cast<float>(ck * v);
            }
        }
    }
    cost.array_energy_J = energy_J;
    return cost;
}

} // namespace neurotlm
