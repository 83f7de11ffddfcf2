#include "neurotlm/blocks/crossbar/crossbar.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "neurotlm/blocks/crossbar/ir_drop.h"
#include "neurotlm/core/cycles.h"
#include "neurotlm/core/error.h"
#include "neurotlm/core/kernels.h"

namespace neurotlm {

namespace {

/// Signed input code: |x| clipped to x_max, rounded to q_max levels. Computed in double and
/// clamped, so no input (NaN aside, refused earlier) can give a code outside [-q_max, q_max].
std::int32_t quantise(float x, float x_max, std::int32_t q_max) {
    const double a = std::min(std::fabs(static_cast<double>(x)), static_cast<double>(x_max));
    // floor(a / x_max * q_max + 0.5) of a non-negative value below 2^31: the conversion's
    // truncation is that floor, without a call into the maths library.
    const auto code = std::min(static_cast<std::int32_t>(a / x_max * q_max + 0.5),
                               static_cast<std::int32_t>(q_max));
    return x < 0.0f ? -code : code;
}

/// nearbyint(v) in the default rounding mode (to nearest, ties to even) for |v| < 2^52, without a
/// call into the maths library: adding and removing 2^52 leaves no fraction bits, so the sum
/// rounds exactly as nearbyint does. The loops that use it vectorise.
inline double round_to_nearest(double v) {
    constexpr double k2p52 = 4503599627370496.0;
    const double r = (std::fabs(v) + k2p52) - k2p52;
    return std::copysign(r, v);
}

/// The tiles' converter: mid-tread for b >= 2 bits, codes -(2^(b-1)-1) .. 2^(b-1)-1 with a true
/// zero, so silent columns and empty slices add nothing (a mid-rise converter would add half an
/// LSB on every slice). One bit can only tell the sign: +-FS/2. Anything beyond full scale clips
/// to the end codes.
struct AdcQuantiser {
    AdcQuantiser(int bits, double fs)
        : sign_only(bits == 1), code_max(sign_only ? 0.0 : std::ldexp(1.0, bits - 1) - 1.0),
          step(sign_only ? fs : fs / code_max), per_step(1.0 / step) {}
    void apply(float* sig, int n) const {
        if (sign_only) {
            for (int j = 0; j < n; ++j)
                sig[j] = static_cast<float>((sig[j] >= 0 ? 0.5 : -0.5) * step);
            return;
        }
        // Clamped to one code past either end before rounding (the end codes are the same, and
        // the rounding stays exact), then to the end codes.
        const double outer = code_max + 1.0;
        for (int j = 0; j < n; ++j) {
            const double v = std::min(std::max(sig[j] * per_step, -outer), outer);
            sig[j] = static_cast<float>(
                std::min(std::max(round_to_nearest(v), -code_max), code_max) * step);
        }
    }
    bool sign_only;
    double code_max;
    double step;
    double per_step; ///< 1 / step: a multiply per signal instead of a division
};

int ceil_div(int a, int b) {
    return (a + b - 1) / b;
}

/// How a weight_bits code is spread over cells (see CrossbarSpec::weight_bits). Codes are
/// symmetric, c = round(w / w_max * Q) in [-Q, Q] with Q = 2^(B-1) - 1, so that 0 is exact:
/// - offset: u = c + 2^(B-1) in [1, 2^B - 1], sliced into B/b digits; the zero 2^(B-1) times
///   the sum of the inputs is subtracted digitally (offset-binary, as NeuroSim);
/// - differential: |c| in B-1 bits, sliced onto column pairs (the sign picks the column);
/// - twos_complement: the low B-1 bits of the two's-complement code sliced as offset, the sign
///   bit alone on a last slice whose shift-add weight is -2^(B-1).
struct Slicing {
    int B = 0, b = 1, P = 1, mask = 1;
    double Q = 1.0, zero = 0.0;
    WeightMapping mapping = WeightMapping::offset;
    std::vector<double> coef;

    explicit Slicing(const CrossbarSpec& s) : B(s.weight_bits), mapping(s.mapping) {
        b = std::max(1, s.bits_per_cell());
        P = s.weight_slices();
        mask = (1 << b) - 1;
        Q = std::ldexp(1.0, B - 1) - 1.0;
        zero = mapping == WeightMapping::offset ? std::ldexp(1.0, B - 1) : 0.0;
        for (int p = 0; p < P; ++p)
            coef.push_back(mapping == WeightMapping::twos_complement && p == P - 1
                               ? -std::ldexp(1.0, B - 1)
                               : std::ldexp(1.0, p * b));
    }
    /// The signed code of @p w.
    std::int32_t code(float w, float w_max) const {
        const double u = std::clamp(static_cast<double>(w) / w_max, -1.0, 1.0);
        return static_cast<std::int32_t>(std::nearbyint(u * Q));
    }
    /// Digits of slice 0..P-1 on the positive and (differential) negative column.
    void digits(std::int32_t c, int* pos, int* neg) const {
        const std::int64_t half = std::int64_t{1} << (B - 1);
        for (int p = 0; p < P; ++p)
            pos[p] = neg[p] = 0;
        if (mapping == WeightMapping::differential) {
            const std::int64_t m = c < 0 ? -std::int64_t{c} : c;
            for (int p = 0; p < P; ++p)
                (c < 0 ? neg : pos)[p] = static_cast<int>((m >> (p * b)) & mask);
        } else if (mapping == WeightMapping::offset) {
            const std::int64_t u = c + half;
            for (int p = 0; p < P; ++p)
                pos[p] = static_cast<int>((u >> (p * b)) & mask);
        } else {
            const std::int64_t u = c < 0 ? c + 2 * half : c;
            const std::int64_t low = u & (half - 1);
            for (int p = 0; p + 1 < P; ++p)
                pos[p] = static_cast<int>((low >> (p * b)) & mask);
            pos[P - 1] = static_cast<int>((u >> (B - 1)) & 1);
        }
    }
};

} // namespace

int CrossbarSpec::bits_per_cell() const {
    int b = 0;
    while ((2 << b) <= cell.levels() && b < 16)
        ++b;
    return b;
}

int CrossbarSpec::weight_slices() const {
    if (!sliced()) return 1;
    const int b = std::max(1, bits_per_cell());
    switch (mapping) {
    case WeightMapping::offset: return ceil_div(weight_bits, b);
    case WeightMapping::differential: return ceil_div(weight_bits - 1, b);
    case WeightMapping::twos_complement: return 1 + ceil_div(weight_bits - 1, b);
    }
    return 1;
}

int CrossbarSpec::columns_per_weight() const {
    return (mapping == WeightMapping::differential ? 2 : 1) * weight_slices();
}

int CrossbarSpec::partial_sum_bits() const {
    // The converted code (an ideal converter is taken as 24 bits, float32's significand),
    // shifted over the input slices and the weight slices, plus the sign.
    const int conversion = adc.ideal() ? 24 : adc.bits;
    const int input_slices = ceil_div(input_bits, dac.bits);
    return conversion + (input_slices - 1) * dac.bits +
           (weight_slices() - 1) * std::max(1, bits_per_cell()) + 1;
}

double CrossbarSpec::word_line_capacitance_F(const Technology& t) const {
    // Cell pitch along the word line: the square root of the cell's area, at least 2F.
    const double pitch = std::max(std::sqrt(cell.area_m2), 2.0 * t.node_m);
    const double columns = static_cast<double>(cols) + reference_columns();
    return columns * (pitch * t.wire_cap_F_per_m + t.gate_cap_F);
}

void CrossbarSpec::derive_periphery(const Technology& t) {
    const double ge = t.gate_energy_J();
    const double v2 = t.vdd_V * t.vdd_V;
    // Converter: its gate count (AdcSpec::gates) in the technology; a flash comparator is a
    // clocked StrongARM latch of about 8 gate equivalents switching once per decision.
    if (adc.area_per_adc_m2 == 0.0) adc.area_per_adc_m2 = t.area_m2(adc.gates());
    if (adc.leakage_per_adc_W == 0.0) adc.leakage_per_adc_W = t.leakage_W(adc.gates());
    if (adc.comparator_energy_J == 0.0) adc.comparator_energy_J = Technology::kComparatorGates * ge;
    if (adc.count_step_energy_J == 0.0)
        adc.count_step_energy_J = 2.0 * Technology::kFlipFlopGates * ge;
    // Row driver of a selector (1T1R) array: an activation charges the word line (wire and
    // access gates) to vdd and the row's source line (wire and access-device drains, taken as
    // one gate capacitance each) to the read voltage, through a switch matrix of one
    // transmission gate per line sized 16x (assumed, for the column currents of a whole row),
    // and latches the input bit. Gates: an input latch per bit, a 4-gate driver, the two
    // switches (2 x 16 x 2 transistors ~ 16 gate equivalents).
    const double switch_gates = 16.0;
    const double driver_gates = Technology::kLatchGates * dac.bits + 4.0 + switch_gates;
    const double line_F = word_line_capacitance_F(t);
    const double vr = cell.read_voltage_V;
    if (dac.energy_per_conversion_J == 0.0)
        dac.energy_per_conversion_J = line_F * v2 + line_F * vr * vr +
                                      2.0 * 2.0 * 16.0 * t.gate_cap_F * v2 +
                                      Technology::kLatchGates * dac.bits * ge;
    if (dac.area_per_dac_m2 == 0.0) dac.area_per_dac_m2 = t.area_m2(driver_gates);
    // Shift-adder: the converted code (plus a carry) added into a register of the partial-sum
    // width; the register's flip-flops switch with data activity 0.5 (assumed).
    const int width = partial_sum_bits();
    const int operand = (adc.ideal() ? 24 : adc.bits) + 1;
    const double shift_add_gates =
        width * (Technology::kFullAdderGates + Technology::kFlipFlopGates);
    if (shift_add.energy_J == 0.0)
        shift_add.energy_J = t.add_energy_J(operand) + 0.5 * t.register_energy_J(width);
    if (shift_add.area_m2 == 0.0) shift_add.area_m2 = t.area_m2(shift_add_gates);
    // Column multiplexer: a transmission gate per column sized 4x (4 gate equivalents,
    // assumed); each phase switches two select lines that cross the tile and drive the gates of
    // one column per ADC.
    const double mux_gates = 4.0;
    const double pitch = std::max(std::sqrt(cell.area_m2), 2.0 * t.node_m);
    const double select_F = adc_count() * 2.0 * 4.0 * t.gate_cap_F +
                            (cols + reference_columns()) * pitch * t.wire_cap_F_per_m;
    periphery.column_mux_energy_J =
        adc.shared_by_columns > 1 && !adc.ideal() ? 2.0 * select_F * v2 : 0.0;
    periphery.column_mux_area_m2 = adc.shared_by_columns > 1 ? t.area_m2(mux_gates) : 0.0;
    // Write driver per word line and bit line: 6 gates of logic and a level shifter to the
    // write voltage of six thick-oxide devices. Thick-oxide devices do not shrink with the
    // node; about 1.5 um^2 each with spacing (assumed, an I/O-class device footprint).
    periphery.write_driver_area_m2 = t.area_m2(6.0) + 6.0 * 1.5e-12;
    const double lines = static_cast<double>(rows) + cols + reference_columns();
    periphery.leakage_W =
        t.leakage_W(rows * driver_gates + (cols + reference_columns()) * mux_gates +
                    adc_count() * shift_add_gates + lines * 6.0);
}

const SpecTable<ShiftAddSpec>& ShiftAddSpec::table() {
    static const SpecTable<ShiftAddSpec> table = [] {
        SpecTable<ShiftAddSpec> t;
        t.number("energy", Unit::joule, NEUROTLM_FIELD(energy_J), 0.0,
                 "energy of one converted value shifted and added into its partial sum; 0 = "
                 "derived: an add and a register of the partial-sum width in the technology",
                 0.0, 1e-9)
            .number("area", Unit::square_metre, NEUROTLM_FIELD(area_m2), 0.0,
                    "area of one shift-adder (one behind each ADC); 0 = derived: a full adder "
                    "and a flip-flop per partial-sum bit",
                    0.0, 1e-6);
        return t;
    }();
    return table;
}

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
             {{"differential", WeightMapping::differential},
              {"offset", WeightMapping::offset},
              {"twos_complement", WeightMapping::twos_complement}},
             "differential",
             "weight to conductance: G+ - G- on column pairs, or G - G_ref on one column (a "
             "reference column subtracted; sliced: offset-binary codes); twos_complement: "
             "sliced only, the sign bit on its own slice")
            .choice<PairZero>(
                "zero_level", NEUROTLM_FIELD(zero_level),
                {{"g_min", PairZero::g_min}, {"g_max", PairZero::g_max}}, "g_min",
                "differential mapping with analog weights: the level both cells of a zero "
                "weight hold and the cell not carrying a weight keeps: g_min (least read "
                "current) or g_max (IMAC-Sim: 0 -> (R_low, R_low)); same weights, different "
                "read energy and IR drop")
            .integer("weight_bits", NEUROTLM_FIELD(weight_bits), 0,
                     "weight precision: 0 = analog (each weight at the nearest of the cell's "
                     "levels); 2-16 = a code of that many bits spread over cells of "
                     "floor(log2(levels)) bits each, recombined by shift-and-add",
                     0, 16)
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
            .number("column_wire_resistance", Unit::ohm, NEUROTLM_FIELD(column_wire_resistance_ohm),
                    0.0,
                    "resistance of one segment of the column wires (bit lines, the outputs) when "
                    "it differs from wire_resistance, which then applies to the rows: 0 = the "
                    "same; else 1 uohm to 1 kohm",
                    1e-6, 1e3)
            .or_zero()
            .boolean("ir_drop", NEUROTLM_FIELD(ir_drop), false,
                     "solve the resistive network with wire resistance on every read")
            .choice<bool>("row_segments", NEUROTLM_FIELD(row_segment_per_pair),
                          {{"column", false}, {"pair", true}}, "column",
                          "with ir_drop, where the row line's segments are: one per physical "
                          "column (each cell at its own place on the word line), or one per "
                          "differential pair (both cells of a pair on one node, as IMAC-Sim's "
                          "netlists); pair needs the differential mapping")
            .choice<UnusedLines>(
                "unused_lines", NEUROTLM_FIELD(unused_lines),
                {{"grounded", UnusedLines::grounded}, {"absent", UnusedLines::absent}}, "grounded",
                "rows and columns beyond the programmed block: grounded = their cells stay "
                "(unused rows held at 0 V load the columns, unused columns draw from the rows); "
                "absent = not connected (IMAC-Sim's netlists, where a partial tile has only the "
                "rows and columns it uses). Matters for the read energy, with ir_drop and with a "
                "loaded readout on the outputs")
            .boolean("read_noise", NEUROTLM_FIELD(read_noise), true,
                     "apply the device's read noise on every read")
            .boolean("variation", NEUROTLM_FIELD(variation), true,
                     "apply device-to-device variation and stuck-at faults when programming");
        t.include<AdcSpec>("adc", NEUROTLM_FIELD(adc), AdcSpec::table());
        t.include<DacSpec>("dac", NEUROTLM_FIELD(dac), DacSpec::table());
        t.include<ShiftAddSpec>("shift_add", NEUROTLM_FIELD(shift_add), ShiftAddSpec::table());
        return t;
    }();
    return table;
}

std::string CrossbarSpec::slicing_problem() const {
    if (!sliced())
        return mapping == WeightMapping::twos_complement
                   ? "the twos_complement mapping needs weight_bits > 0 (a code to slice)"
                   : "";
    if (weight_bits < 2) return "weight_bits must be 0 (analog) or 2 to 16, got 1";
    if (cell.levels() < 2) return "";
    if (logical_cols() >= 1) return "";
    const char* how = mapping == WeightMapping::differential ? "differential"
                      : mapping == WeightMapping::offset     ? "offset"
                                                             : "twos_complement";
    return "weight_bits " + std::to_string(weight_bits) + " on cells of " +
           std::to_string(cell.levels()) + " levels (" + std::to_string(bits_per_cell()) +
           " bit(s) per cell) takes " + std::to_string(weight_slices()) +
           " slices = " + std::to_string(columns_per_weight()) + " columns per weight with the " +
           how + " mapping, but the tile has " + std::to_string(cols) +
           " columns: lower weight_bits, use cells with more levels, or widen the tile";
}

void CrossbarSpec::check() const {
    auto bad = [](const std::string& what) { throw InputError("crossbar: " + what); };
    if (const auto out = table().check(*this); !out.empty()) bad(out.front());
    if (!sliced() && mapping == WeightMapping::differential && cols % 2 != 0)
        bad("differential mapping needs an even number of columns, got " + std::to_string(cols));
    if (cell.levels() < 2) bad("the cell needs at least 2 conductance levels");
    if (row_segment_per_pair && (mapping != WeightMapping::differential || sliced()))
        bad("row_segments \"pair\" needs the differential mapping with analog weights");
    if (const std::string why = slicing_problem(); !why.empty()) bad(why);
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
    m_nz.reserve(rows);
    m_var.assign(lcols, 0.0f);
    m_sig.assign(static_cast<std::size_t>(m_spec.signals()), 0.0f);
    if (m_spec.sliced()) {
        // Digit d of a b-bit cell sits at the level nearest g_min + d (g_max - g_min)/(2^b - 1).
        const int b = m_spec.bits_per_cell();
        const double step = (g_hi - g_lo) / ((1 << b) - 1);
        for (int d = 0; d < (1 << b); ++d) {
            const double g = g_lo + d * step;
            const auto it =
                std::min_element(m_level_g_S.begin(), m_level_g_S.end(), [g](double a, double c) {
                    return std::fabs(a - g) < std::fabs(c - g);
                });
            m_digit_level.push_back(static_cast<int>(it - m_level_g_S.begin()));
        }
    }
    rebuild();
}

Crossbar::~Crossbar() = default;

std::vector<std::pair<std::string, double>> Crossbar::area_parts_m2() const {
    const CrossbarSpec& s = m_spec;
    const double lines = static_cast<double>(s.rows) + s.cols + s.reference_columns();
    return {
        {"cells", static_cast<double>(s.rows) * (s.cols + s.reference_columns()) * s.cell.area_m2},
        {"adc", s.adc.ideal() ? 0.0 : s.adc_count() * s.adc.area_per_adc_m2},
        {"row_drivers", s.dac_count() * s.dac.area_per_dac_m2},
        {"column_mux", (s.cols + s.reference_columns()) * s.periphery.column_mux_area_m2},
        {"shift_add", s.adc_count() * s.shift_add.area_m2},
        {"write_drivers", lines * s.periphery.write_driver_area_m2},
    };
}

double Crossbar::area_m2() const {
    double sum = 0.0;
    for (const auto& part : area_parts_m2())
        sum += part.second;
    return sum;
}

std::size_t Crossbar::held_bytes() const {
    auto bytes = [](const auto& v) { return v.size() * sizeof(v[0]); };
    auto lists_bytes = [&] {
        std::size_t n = 0;
        for (const auto& l : m_batch.lists)
            n += bytes(l) + sizeof(l);
        return n;
    };
    return bytes(m_coef) + bytes(m_wsig) + bytes(m_sig_var) + bytes(m_sig) + bytes(m_digit_level) +
           bytes(m_fault) + bytes(m_level_g_S) + bytes(m_xq) + bytes(m_x2) + bytes(m_var) +
           bytes(m_nz) + bytes(m_level) + bytes(m_g) + bytes(m_batch.in) + bytes(m_batch.x2) +
           bytes(m_batch.out) + bytes(m_batch.var) + bytes(m_batch.code) + bytes(m_batch.nz) +
           bytes(m_batch.list) + bytes(m_batch.mark) + lists_bytes() + bytes(m_ahead_in) +
           bytes(m_ahead_out) + bytes(m_ahead_cost) + bytes(m_ahead_rng) + bytes(m_weff) +
           bytes(m_noise_var) + bytes(m_row_g_sum) +
           // An IR-drop read's superposition transfer, once enough reads have paid for it.
           (m_spec.ir_drop && m_spec.wire_resistance_ohm > 0.0
                ? detail::IrNetwork::transfer_bytes(m_spec.rows, m_spec.cols + 1)
                : 0);
}

double Crossbar::leakage_W() const {
    return (m_spec.adc.ideal() ? 0.0 : m_spec.adc_count() * m_spec.adc.leakage_per_adc_W) +
           m_spec.periphery.leakage_W;
}

EnergyTable Crossbar::energy_table() const {
    return {
        {"array_read", 0.0, "array read phase: sum V^2 G t over the cells (data-dependent)",
         energy_class::array},
        {"dac_conversion", m_spec.dac.energy_per_conversion_J,
         "word line driven for one input slice and one multiplexer phase",
         energy_class::row_drivers},
        {"adc_conversion", m_spec.adc.energy_per_conversion_J(),
         "column (or weight-slice) signal converted", energy_class::adc},
        {"cell_write", m_spec.cell.write_energy_J, "cell programmed to a new level",
         energy_class::write},
        {"shift_add", m_spec.shift_add.energy_J,
         "converted value shifted and added into its partial sum", energy_class::shift_add},
        {"column_mux", m_spec.periphery.column_mux_energy_J,
         "column-multiplexer phase: the next group of columns connected to the ADCs",
         energy_class::row_drivers},
    };
}

void Crossbar::set_input_range(float x_max) {
    drop_look_ahead();
    // The quantiser divides by it: it must leave codes per unit input finite.
    if (!(x_max >= kMinInputRange) || !std::isfinite(x_max))
        throw InputError("crossbar: input range must be a finite number >= 1e-30, got " +
                         std::to_string(x_max));
    m_x_max = x_max;
}

void Crossbar::set_output_range(float y_max) {
    drop_look_ahead();
    if (!(y_max >= 0.0f) || !std::isfinite(y_max))
        throw InputError("crossbar: output range must be >= 0, got " + std::to_string(y_max));
    m_y_max = y_max;
}

float Crossbar::effective_output_range() const {
    if (m_y_max > 0.0f) return m_y_max;
    // The largest signal any input in range can produce with these weights: the ADC never
    // clips. An all-zero array would give 0; fall back to one full-scale product (one digit
    // step when sliced).
    if (m_sigabs_max > 0.0f) return m_x_max * m_sigabs_max;
    return m_spec.sliced() ? m_x_max : m_x_max * m_w_max;
}

CrossbarCost Crossbar::program(const float* weights, int rows_used, int cols_used, float w_max) {
    drop_look_ahead();
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
    const bool sliced = m_spec.sliced();
    const Slicing slicing(m_spec);
    const int cpw = m_spec.columns_per_weight();
    std::vector<int> pos(static_cast<std::size_t>(slicing.P)), neg(pos.size());
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
            if (sliced) {
                // Cells outside the block stay at digit 0 (nothing to write); inside, every
                // slice of the weight's code goes to its column (pair).
                const bool inside = i < rows_used && j < cols_used;
                if (inside) slicing.digits(slicing.code(w, w_max), pos.data(), neg.data());
                for (int p = 0; p < slicing.P; ++p) {
                    const std::size_t q = static_cast<std::size_t>(p);
                    const int d_pos = inside ? pos[q] : 0, d_neg = inside ? neg[q] : 0;
                    if (m_spec.mapping == WeightMapping::differential) {
                        write(j * cpw + 2 * p, m_digit_level[static_cast<std::size_t>(d_pos)]);
                        write(j * cpw + 2 * p + 1, m_digit_level[static_cast<std::size_t>(d_neg)]);
                    } else {
                        write(j * cpw + p, m_digit_level[static_cast<std::size_t>(d_pos)]);
                    }
                }
                continue;
            }
            const double u = static_cast<double>(w) / w_max;
            if (m_spec.mapping == WeightMapping::differential &&
                m_spec.zero_level == PairZero::g_max) {
                const int top = static_cast<int>(levels.size()) - 1;
                const double g_max = levels.back();
                write(2 * j, u < 0.0 ? nearest(g_max + u * range) : top);
                write(2 * j + 1, u > 0.0 ? nearest(g_max - u * range) : top);
            } else if (m_spec.mapping == WeightMapping::differential) {
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
    if (m_spec.sliced()) {
        rebuild_signals();
    } else {
        const int rows = m_spec.rows;
        const int cols = m_spec.cols;
        const int lcols = logical_cols();
        const CellSpec& cell = m_spec.cell;
        const double range = m_level_g_S.back() - m_level_g_S.front();
        const bool diff = m_spec.mapping == WeightMapping::differential;

        // Differential: w = (G+ - G-) / (g_max - g_min) * w_max. Offset: the reference sits at
        // the middle of the range, so G - G_ref spans half the range for w_max.
        m_w_per_S = (diff ? m_w_max : 2.0 * m_w_max) / range;
        m_sig_per_S = m_w_per_S;
        m_out_scale = 1.0;
        m_zero = 0.0;
        m_coef.assign(1, 1.0);
        m_g_ref_S = diff ? 0.0 : 0.5 * (m_level_g_S.front() + m_level_g_S.back());
        const double k = m_w_per_S;
        const double noise_k2 = cell.read_noise_sigma * cell.read_noise_sigma * k * k;

        m_weff.assign(static_cast<std::size_t>(rows) * lcols, 0.0f);
        m_noise_var.assign(static_cast<std::size_t>(rows) * lcols, 0.0f);
        for (int i = 0; i < rows; ++i) {
            const double* g = m_g.data() + static_cast<std::size_t>(i) * cols;
            float* weff = m_weff.data() + static_cast<std::size_t>(i) * lcols;
            float* var = m_noise_var.data() + static_cast<std::size_t>(i) * lcols;
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
            }
        }
    }
    // Read energy per row, the default ADC range: over the cells and block in use.
    const int rows = m_spec.rows;
    const int cols = m_spec.cols;
    const int lcols = logical_cols();
    // Absent columns draw nothing from the rows (absent rows are never driven).
    const int ccols = connected_cols();
    m_row_g_sum.assign(static_cast<std::size_t>(rows), 0.0);
    for (int i = 0; i < rows; ++i) {
        double sum = 0.0;
        for (int c = 0; c < ccols; ++c)
            sum += m_g[static_cast<std::size_t>(i) * cols + c];
        m_row_g_sum[static_cast<std::size_t>(i)] = sum;
    }
    auto colabs = [&](const std::vector<float>& w, int width, int used) {
        std::vector<double> col(static_cast<std::size_t>(width), 0.0);
        for (int i = 0; i < m_rows_used; ++i)
            for (int j = 0; j < used; ++j)
                col[static_cast<std::size_t>(j)] +=
                    std::fabs(w[static_cast<std::size_t>(i) * width + j]);
        double worst = 0.0;
        for (double v : col)
            worst = std::max(worst, v);
        return static_cast<float>(worst);
    };
    m_colabs_max = colabs(m_weff, lcols, m_cols_used);
    m_sigabs_max = m_spec.sliced()
                       ? colabs(m_wsig, m_spec.signals(), m_cols_used * m_spec.weight_slices())
                       : m_colabs_max;
    const int connected = connected_rows();
    m_col_g_sum.assign(static_cast<std::size_t>(cols), 0.0);
    for (int i = 0; i < connected; ++i)
        for (int c = 0; c < ccols; ++c)
            m_col_g_sum[static_cast<std::size_t>(c)] += m_g[static_cast<std::size_t>(i) * cols + c];
    m_ir->net.reset();
}

std::vector<double> Crossbar::connected_conductances() const {
    std::vector<double> g = m_g;
    const int cols = m_spec.cols, rows = connected_rows(), ccols = connected_cols();
    for (int i = 0; i < m_spec.rows; ++i)
        for (int c = 0; c < cols; ++c)
            if (i >= rows || c >= ccols) g[static_cast<std::size_t>(i) * cols + c] = 0.0;
    return g;
}

// Sliced: the matrix of signals in digits (one column or pair per weight slice), and from it
// the effective weights, w = scale * (sum_p coef_p * digits_p - zero).
void Crossbar::rebuild_signals() {
    const int rows = m_spec.rows;
    const int cols = m_spec.cols;
    const int lcols = logical_cols();
    const int nsig = m_spec.signals();
    const int cpw = m_spec.columns_per_weight();
    const CellSpec& cell = m_spec.cell;
    const Slicing slicing(m_spec);
    const bool diff = m_spec.mapping == WeightMapping::differential;
    const double step = (m_level_g_S.back() - m_level_g_S.front()) / slicing.mask;
    m_sig_per_S = 1.0 / step;
    m_out_scale = m_w_max / slicing.Q;
    m_coef = slicing.coef;
    m_w_per_S = m_out_scale * m_sig_per_S;
    // The reference column sits mid-way between digit 0 and the top digit, h = (2^b - 1)/2:
    // each slice's signal, sum_i x_i (d_i - h), is centred on 0 and its converter spends its
    // codes on the spread, not on the mean (a reference at digit 0 leaves signals near half the
    // active rows, and a 5-bit converter then rounds away the weights' low bits). The rest,
    // (h sum_p coef_p - zero) sum_i x_i, is restored digitally.
    const double h = diff ? 0.0 : 0.5 * slicing.mask;
    double coef_sum = 0.0;
    for (double cp : slicing.coef)
        coef_sum += cp;
    m_zero = slicing.zero - h * coef_sum;
    m_g_ref_S = diff ? 0.0 : m_level_g_S.front() + h * step;
    const double k = m_sig_per_S;
    const double noise_k2 = cell.read_noise_sigma * cell.read_noise_sigma * k * k;

    m_wsig.assign(static_cast<std::size_t>(rows) * nsig, 0.0f);
    m_sig_var.assign(static_cast<std::size_t>(rows) * nsig, 0.0f);
    m_weff.assign(static_cast<std::size_t>(rows) * lcols, 0.0f);
    m_noise_var.assign(static_cast<std::size_t>(rows) * lcols, 0.0f);
    const double scale2 = m_out_scale * m_out_scale;
    for (int i = 0; i < rows; ++i) {
        const double* g = m_g.data() + static_cast<std::size_t>(i) * cols;
        float* sig = m_wsig.data() + static_cast<std::size_t>(i) * nsig;
        float* svar = m_sig_var.data() + static_cast<std::size_t>(i) * nsig;
        for (int j = 0; j < lcols; ++j) {
            double w = 0.0, v = 0.0;
            for (int p = 0; p < slicing.P; ++p) {
                double d, dv;
                if (diff) {
                    const double gp = g[j * cpw + 2 * p], gn = g[j * cpw + 2 * p + 1];
                    d = (gp - gn) * k;
                    dv = noise_k2 * (gp * gp + gn * gn);
                } else {
                    const double gc = g[j * cpw + p];
                    d = (gc - m_g_ref_S) * k;
                    dv = noise_k2 * gc * gc;
                }
                const double cp = slicing.coef[static_cast<std::size_t>(p)];
                sig[j * slicing.P + p] = static_cast<float>(d);
                svar[j * slicing.P + p] = static_cast<float>(dv);
                w += cp * d;
                v += cp * cp * dv;
            }
            m_weff[static_cast<std::size_t>(i) * lcols + j] =
                static_cast<float>(m_out_scale * (w - m_zero));
            m_noise_var[static_cast<std::size_t>(i) * lcols + j] = static_cast<float>(scale2 * v);
        }
    }
}

void Crossbar::ir_read(const float* x, float* sig, double* energy_J) {
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
        const double r_col = m_spec.column_segment_ohm();
        const std::vector<double> g = connected_conductances();
        ir.net = diff ? std::make_unique<detail::IrNetwork>(g, rows, cols, r, r_col, nullptr,
                                                            m_spec.row_segment_per_pair ? 2 : 1)
                      : std::make_unique<detail::IrNetwork>(
                            g, rows, cols, r, r_col,
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

    const double scale = m_sig_per_S / v_per_x;
    const int P = m_spec.weight_slices();
    const int cpw = m_spec.columns_per_weight();
    if (m_spec.mapping == WeightMapping::differential) {
        for (int j = 0; j < lcols; ++j)
            for (int p = 0; p < P; ++p)
                sig[j * P + p] = static_cast<float>(
                    (ir.column_A[j * cpw + 2 * p] - ir.column_A[j * cpw + 2 * p + 1]) * scale);
    } else {
        for (int j = 0; j < lcols; ++j)
            for (int p = 0; p < P; ++p)
                sig[j * P + p] = static_cast<float>((ir.column_A[j * cpw + p] - i_ref) * scale);
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

void Crossbar::combine(const float* sig, double ck, float* y) const {
    const int P = m_spec.weight_slices();
    const int lcols = logical_cols();
    const double k = ck * m_out_scale;
    const double* const coef = m_coef.data();
    if (P == 1) {
        const double c0 = coef[0];
        for (int j = 0; j < lcols; ++j) {
            double acc = 0.0;
            acc += c0 * sig[j];
            y[j] += static_cast<float>(k * acc);
        }
        return;
    }
    for (int j = 0; j < lcols; ++j) {
        double acc = 0.0;
        for (int p = 0; p < P; ++p)
            acc += coef[p] * sig[j * P + p];
        y[j] += static_cast<float>(k * acc);
    }
}

float Crossbar::nominal_weight(const CrossbarSpec& spec, float w, float w_max) {
    if (!(w_max > 0.0f) || !std::isfinite(w)) return 0.0f;
    if (spec.sliced()) {
        const Slicing s(spec);
        return static_cast<float>(s.code(w, w_max) * (w_max / s.Q));
    }
    const CellSpec& cell = spec.cell;
    std::vector<double> g;
    for (int k = 0; k < cell.levels(); ++k)
        g.push_back(cell.conductance_at(k, cell.read_voltage_V));
    const double range = g.back() - g.front();
    auto nearest_g = [&](double x) {
        double best = g.front();
        for (double v : g)
            if (std::fabs(v - x) < std::fabs(best - x)) best = v;
        return best;
    };
    const double u = std::clamp(static_cast<double>(w) / w_max, -1.0, 1.0);
    if (spec.mapping == WeightMapping::differential) {
        const double d = nearest_g(g.front() + std::fabs(u) * range) - g.front();
        return static_cast<float>((u < 0 ? -d : d) / range * w_max);
    }
    const double mid = 0.5 * (g.front() + g.back());
    return static_cast<float>((nearest_g(g.front() + 0.5 * (u + 1.0) * range) - mid) * 2.0 * w_max /
                              range);
}

int Crossbar::signal_matrix(const CrossbarSpec& spec, const float* w, int rows, int cols,
                            float w_max, std::vector<float>& out) {
    const std::size_t n = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
    if (!spec.sliced()) {
        out.assign(w, w + n);
        return cols;
    }
    // Sliced: the digits of every weight slice act as a weight matrix of their own.
    const Slicing s(spec);
    const int P = s.P;
    const bool diff = spec.mapping == WeightMapping::differential;
    const double h = diff ? 0.0 : 0.5 * s.mask; // the mid-level reference (rebuild_signals)
    out.resize(n * static_cast<std::size_t>(P));
    std::vector<int> pos(static_cast<std::size_t>(P)), neg(pos.size());
    for (int i = 0; i < rows; ++i)
        for (int j = 0; j < cols; ++j) {
            s.digits(s.code(w[static_cast<std::size_t>(i) * cols + j], w_max), pos.data(),
                     neg.data());
            for (int p = 0; p < P; ++p)
                out[(static_cast<std::size_t>(i) * cols + j) * P + p] = static_cast<float>(
                    diff ? pos[static_cast<std::size_t>(p)] - neg[static_cast<std::size_t>(p)]
                         : pos[static_cast<std::size_t>(p)] - h);
        }
    return cols * P;
}

float Crossbar::max_signal_output(const CrossbarSpec& spec, const float* w, int rows, int cols,
                                  const float* x, float x_max, float w_max) {
    std::vector<float> signal;
    const int signal_cols = signal_matrix(spec, w, rows, cols, w_max, signal);
    return max_slice_output(signal.data(), rows, signal_cols, x, x_max, spec.input_bits,
                            spec.dac.bits);
}

// One function on purpose: the hot path of every read, whose branches (ideal ADC, noise, IR drop)
// share the quantised input and the scratch buffers.
CrossbarCost Crossbar::mvm(const float* x, float* y) {
    const int rows = m_spec.rows;
    const int lcols = logical_cols();
    if (m_ahead_next < m_ahead_count) {
        // A read computed ahead: its result if this is the input it was computed for, else the
        // noise goes back to where that read would have drawn from and this one is computed.
        const std::size_t k = static_cast<std::size_t>(m_ahead_next);
        if (std::memcmp(x, m_ahead_in.data() + k * static_cast<std::size_t>(rows),
                        sizeof(float) * static_cast<std::size_t>(rows)) == 0) {
            std::copy_n(m_ahead_out.data() + k * static_cast<std::size_t>(lcols), lcols, y);
            ++m_ahead_next;
            ++m_ahead_served;
            return m_ahead_cost[k];
        }
        drop_look_ahead();
    }
    CrossbarCost cost;
    mvm_batch(x, 1, y, &cost, nullptr);
    return cost;
}

bool Crossbar::look_ahead(const float* x, int n, float* y) {
    drop_look_ahead();
    const bool ir = m_spec.ir_drop && m_spec.wire_resistance_ohm > 0.0;
    if (n <= 0 || ir) return false;
    const std::size_t rows = static_cast<std::size_t>(m_spec.rows);
    const std::size_t lcols = static_cast<std::size_t>(logical_cols());
    const std::size_t count = static_cast<std::size_t>(n);
    // An input mvm() would refuse is left for mvm() to refuse, at its time.
    for (std::size_t i = 0; i < count * rows; ++i)
        if (!std::isfinite(x[i])) return false;
    m_ahead_in.assign(x, x + count * rows);
    m_ahead_out.resize(count * lcols);
    m_ahead_cost.assign(count, CrossbarCost{});
    m_ahead_rng.clear();
    // A few inputs at a time: enough to share the matrix's loads (the kernels take four at
    // once), few enough that the scratch of every read stays in cache.
    constexpr std::size_t kChunk = kBatchChunk;
    for (std::size_t b = 0; b < count; b += kChunk)
        mvm_batch(x + b * rows, static_cast<int>(std::min(kChunk, count - b)),
                  m_ahead_out.data() + b * lcols, m_ahead_cost.data() + b, &m_ahead_rng);
    std::copy(m_ahead_out.begin(), m_ahead_out.end(), y);
    m_ahead_count = n;
    m_ahead_next = 0;
    return true;
}

void Crossbar::drop_look_ahead() {
    if (m_ahead_next < m_ahead_count)
        m_read_rng = m_ahead_rng[static_cast<std::size_t>(m_ahead_next)];
    m_ahead_count = 0;
    m_ahead_next = 0;
}

void Crossbar::mvm_batch(const float* x_all, int n, float* y_all, CrossbarCost* costs,
                         std::vector<RngStream>* rng_before) {
    const int rows = m_spec.rows;
    const int lcols = logical_cols();
    const int nsig = m_spec.signals();
    const int in_bits = m_spec.input_bits;
    const int dac_bits = m_spec.dac.bits;
    const int slices = (in_bits + dac_bits - 1) / dac_bits;
    const std::int32_t q_max = (std::int32_t{1} << in_bits) - 1;
    const std::int32_t s_max = (std::int32_t{1} << dac_bits) - 1;
    const float x_max = m_x_max;
    const float x_lsb = x_max / static_cast<float>(q_max);
    const bool ideal = m_spec.adc.ideal();
    const bool ir = m_spec.ir_drop && m_spec.wire_resistance_ohm > 0.0;
    const bool noisy = m_spec.read_noise && m_spec.cell.read_noise_sigma > 0.0;
    const double vr = m_spec.cell.read_voltage_V;
    // Functional reads per input: one of the quantised input when the converter is ideal (the
    // slices then sum linearly), else one per input slice. Each gives `width` values: the
    // outputs themselves (ideal, no wires) or the signals.
    const int reads = ideal ? 1 : slices;
    const int width = ideal && !ir ? lcols : nsig;
    // The read noise is drawn on what the ADCs see: the outputs when ideal (after the signals
    // are combined), else the signals.
    const int noise_width = ideal ? lcols : nsig;
    const std::size_t R = static_cast<std::size_t>(rows);
    const std::size_t N = static_cast<std::size_t>(n);
    const std::size_t W = static_cast<std::size_t>(width);
    const std::size_t NW = static_cast<std::size_t>(noise_width);

    // Quantise: sign + in_bits magnitude code; the sign sets the drive polarity.
    int finite = 1; // a loop without early exit, so that it vectorises
    for (std::size_t i = 0; i < N * R; ++i)
        finite &= std::fabs(x_all[i]) <= std::numeric_limits<float>::max() ? 1 : 0;
    if (!finite)
        for (int i = 0; i < rows; ++i)
            for (std::size_t b = 0; b < N; ++b)
                if (!std::isfinite(x_all[b * R + static_cast<std::size_t>(i)]))
                    throw InputError("crossbar: input " + std::to_string(i) +
                                     " is not a finite number");

    // Slice k drives row i at V = sign * s_k,i / s_max * V_read; its output counts with weight
    // c_k = 2^(k b) s_max / q_max, so that sum_k c_k * (slice value) = the quantised input.
    auto slice_of = [&](std::int32_t code, int k) {
        const std::int32_t mag = code < 0 ? -code : code;
        return (mag >> (k * dac_bits)) & s_max;
    };
    auto slice_weight = [&](int k) {
        return std::ldexp(static_cast<double>(s_max), k * dac_bits) / static_cast<double>(q_max);
    };

    // Every read's row values, squared values (for the noise) and driven rows: read r of input
    // b at [r * N + b]. Rows not driven hold 0.
    BatchScratch& bs = m_batch;
    bs.code.resize(R);
    bs.in.resize(static_cast<std::size_t>(reads) * N * R);
    bs.x2.resize(noisy ? bs.in.size() : 0);
    bs.x_sum.assign(N, 0.0);
    bs.energy.assign(N, 0.0);
    std::int32_t* const codes = bs.code.data();
    const std::uint64_t used = static_cast<std::uint64_t>(m_cols_used) *
                               static_cast<std::uint64_t>(m_spec.weight_slices());
    // The ADCs take their columns in turns (multiplexer phases); the rows are driven again for
    // every phase.
    const std::uint64_t rounds =
        used == 0 ? 0 : (used + adc_count() - 1) / static_cast<std::uint64_t>(adc_count());
    const std::uint64_t adc_cycles =
        ideal ? 0 : rounds * cycles_for(m_spec.adc.latency_s(), m_spec.clock_Hz);
    const std::uint64_t read_cycles =
        cycles_for(m_spec.read_time_s + m_spec.dac.latency_s, m_spec.clock_Hz);
    std::vector<std::vector<int>>& lists = bs.lists;
    lists.resize(static_cast<std::size_t>(reads) * N);
    for (std::size_t b = 0; b < N; ++b) {
        const float* const x = x_all + b * R;
        kernels::quantise_codes(x, rows, x_max, q_max, codes);
        CrossbarCost& cost = costs[b];
        cost = CrossbarCost{};
        // The rows that are not 0 and, for the ideal converter's single read, their values.
        std::vector<int>& nz = ideal ? lists[b] : bs.nz;
        nz.resize(R);
        int n_nz = 0;
        {
            // Two loops: the values vectorise on their own; the list is a branch-free
            // compaction.
            int* const nzp = nz.data();
            if (ideal) {
                float* const xq = bs.in.data() + b * R;
                for (int i = 0; i < rows; ++i)
                    xq[i] = static_cast<float>(codes[i]) * x_lsb;
            }
            for (int i = 0; i < rows; ++i) {
                nzp[n_nz] = i;
                n_nz += codes[i] != 0 ? 1 : 0;
            }
        }
        nz.resize(static_cast<std::size_t>(n_nz));
        // The sum of the quantised inputs: the offset-binary zero's digital correction (needed
        // only when there is one).
        if (m_zero != 0.0)
            for (int i = 0; i < rows; ++i)
                bs.x_sum[b] += static_cast<double>(codes[i]) * x_lsb;

        cost.reads = static_cast<std::uint64_t>(slices);
        cost.columns_sensed = cost.reads * used;
        cost.adc_conversions = ideal ? 0 : cost.columns_sensed;
        std::uint64_t row_slices = 0; // sum over slices of the rows whose slice is not 0
        if (slices == 1)
            row_slices = static_cast<std::uint64_t>(n_nz); // the one slice is the whole code
        else
            for (int k = 0; k < slices; ++k)
                for (int i : nz)
                    row_slices += slice_of(codes[i], k) != 0 ? 1 : 0;
        cost.dac_conversions = row_slices * rounds;
        cost.mux_phases = cost.reads * rounds;
        cost.shift_adds = cost.adc_conversions;
        if (m_spec.sliced() && m_zero != 0.0 && cost.adc_conversions > 0)
            cost.shift_adds += static_cast<std::uint64_t>(n_nz + m_cols_used);
        // The shift-adders are pipelined behind the converters: one cycle drains the last value.
        cost.cycles = cost.reads * (read_cycles + adc_cycles) + (cost.shift_adds > 0 ? 1 : 0);

        if (!ir) {
            // sum_ij V_i^2 G_ij t per slice; G_ref is the offset mappings' reference column.
            // V = s / s_max * V_read per row and slice: sum s^2 (G_row + G_ref), times
            // (V_read / s_max)^2. Four partial sums over the rows in turn, added pairwise: a
            // fixed order without one long chain of dependent additions.
            double e4[4] = {0.0, 0.0, 0.0, 0.0};
            const double* const row_g = m_row_g_sum.data();
            const double g_ref = m_g_ref_S;
            for (int k = 0; k < slices; ++k) {
                int i = 0;
                for (; i + 4 <= rows; i += 4)
                    for (int l = 0; l < 4; ++l) {
                        const double sl = slice_of(codes[i + l], k);
                        e4[l] += sl * sl * (row_g[i + l] + g_ref);
                    }
                for (; i < rows; ++i) {
                    const double sl = slice_of(codes[i], k);
                    e4[0] += sl * sl * (row_g[i] + g_ref);
                }
            }
            const double v_step = vr / s_max;
            const double e = ((e4[0] + e4[1]) + (e4[2] + e4[3])) * (v_step * v_step);
            bs.energy[b] = e * m_spec.read_time_s;
        }

        if (ideal) {
            if (noisy) {
                // Each slice is a separate read with independent noise, so the variances add
                // with the squared slice weights: var_j = sum_i (sum_k c_k^2 x_k,i^2) var_ij.
                float* const x2 = bs.x2.data() + b * R;
                std::fill(x2, x2 + R, 0.0f);
                for (int i : nz) {
                    double s2 = 0.0;
                    for (int k = 0; k < slices; ++k) {
                        const double xk = slice_weight(k) * slice_of(codes[i], k) / s_max * x_max;
                        s2 += xk * xk;
                    }
                    x2[i] = static_cast<float>(s2);
                }
            }
            continue;
        }
        for (int k = 0; k < slices; ++k) {
            const std::size_t at = static_cast<std::size_t>(k) * N + b;
            float* const xs_all = bs.in.data() + at * R;
            float* const x2 = noisy ? bs.x2.data() + at * R : nullptr;
            std::vector<int>& list = lists[at];
            list.resize(static_cast<std::size_t>(n_nz));
            int* const lp = list.data();
            // Every row's value (0 where the code is 0), in a loop that vectorises; then the
            // rows this slice drives.
            const int shift = k * dac_bits;
            const float fs_max = static_cast<float>(s_max);
            for (int i = 0; i < rows; ++i) {
                const std::int32_t code = codes[i];
                const std::int32_t sv = ((code < 0 ? -code : code) >> shift) & s_max;
                xs_all[i] = (code < 0 ? -1.0f : 1.0f) * static_cast<float>(sv) / fs_max * x_max;
            }
            if (x2)
                for (int i = 0; i < rows; ++i)
                    x2[i] = xs_all[i] * xs_all[i];
            int n_slice = 0;
            if (slices == 1) {
                // The one slice is the whole code: it drives every row that is not 0.
                std::copy(nz.begin(), nz.end(), lp);
                n_slice = n_nz;
            } else {
                for (int i : nz) {
                    lp[n_slice] = i;
                    n_slice += slice_of(codes[i], k) != 0 ? 1 : 0;
                }
            }
            list.resize(static_cast<std::size_t>(n_slice));
        }
    }

    // The reads' values: without wires, each read of every input through the array's matrix
    // (several inputs together where their rows overlap enough to share the weights' loads);
    // with wires, the network, input by input and slice by slice, as single reads would go.
    // The noise variances likewise.
    const std::vector<float>& wsig = !ideal && m_spec.sliced() ? m_wsig : m_weff;
    const std::vector<float>& vsig = !ideal && m_spec.sliced() ? m_sig_var : m_noise_var;
    bs.out.resize(static_cast<std::size_t>(reads) * N * W);
    bs.var.resize(noisy ? static_cast<std::size_t>(reads) * N * NW : 0);
    auto through = [&](int r, const std::vector<float>& in, const std::vector<float>& m, int cols,
                       std::vector<float>& out) {
        const std::size_t first = static_cast<std::size_t>(r) * N;
        const std::size_t C = static_cast<std::size_t>(cols);
        const float* const x = in.data() + first * R;
        float* const y = out.data() + first * C;
        if (N > 1) {
            std::size_t own = 0;
            for (std::size_t b = 0; b < N; ++b)
                own += lists[first + b].size();
            bs.mark.assign(R, 0);
            for (std::size_t b = 0; b < N; ++b)
                for (int i : lists[first + b])
                    bs.mark[static_cast<std::size_t>(i)] = 1;
            bs.list.clear();
            for (int i = 0; i < rows; ++i)
                if (bs.mark[static_cast<std::size_t>(i)]) bs.list.push_back(i);
            // Shared loads pay when the inputs' rows mostly coincide (dense inputs); sparse
            // inputs with different rows are cheaper each over its own. Same bits either way.
            if (bs.list.size() * N * 2 <= own * 3) {
                kernels::gemm_rows(x, rows, n, bs.list.data(), static_cast<int>(bs.list.size()),
                                   m.data(), cols, y, cols);
                return;
            }
        }
        for (std::size_t b = 0; b < N; ++b) {
            const std::vector<int>& list = lists[first + b];
            kernels::gemv_rows(x + b * R, list.data(), static_cast<int>(list.size()), m.data(),
                               cols, y + b * C);
        }
    };
    if (!ir) {
        for (int r = 0; r < reads; ++r)
            through(r, bs.in, wsig, width, bs.out);
    } else {
        for (std::size_t b = 0; b < N; ++b)
            for (int r = 0; r < reads; ++r) {
                const std::size_t at = static_cast<std::size_t>(r) * N + b;
                ir_read(bs.in.data() + at * R, bs.out.data() + at * W, &bs.energy[b]);
            }
    }
    if (noisy)
        for (int r = 0; r < reads; ++r)
            through(r, bs.x2, vsig, noise_width, bs.var);

    // Noise, conversion and shift-and-add, input by input in order: each input draws its read
    // noise as a read of its own would.
    const AdcQuantiser adc(ideal ? 8 : m_spec.adc.bits,
                           effective_output_range()); // unused if ideal
    for (std::size_t b = 0; b < N; ++b) {
        if (rng_before) rng_before->push_back(m_read_rng);
        float* const y = y_all + b * static_cast<std::size_t>(lcols);
        auto add_noise = [&](const float* var, int count, float* out) {
            for (int j = 0; j < count; ++j)
                out[j] += static_cast<float>(std::sqrt(static_cast<double>(var[j])) *
                                             m_read_rng.normal());
        };
        if (ideal) {
            const float* const out = bs.out.data() + b * W;
            if (!ir) {
                std::copy_n(out, lcols, y);
            } else {
                std::fill(y, y + lcols, 0.0f);
                combine(out, 1.0, y);
                if (m_zero != 0.0)
                    for (int j = 0; j < lcols; ++j)
                        y[j] -= static_cast<float>(m_out_scale * m_zero * bs.x_sum[b]);
            }
            if (noisy) add_noise(bs.var.data() + b * NW, lcols, y);
        } else {
            std::fill(y, y + lcols, 0.0f);
            for (int k = 0; k < slices; ++k) {
                const std::size_t at = static_cast<std::size_t>(k) * N + b;
                float* const sig = bs.out.data() + at * W;
                if (noisy) add_noise(bs.var.data() + at * NW, nsig, sig);
                adc.apply(sig, nsig);
                combine(sig, slice_weight(k), y);
            }
            // The reference's and the zero code's share of the inputs' sum, restored digitally.
            if (m_zero != 0.0)
                for (int j = 0; j < lcols; ++j)
                    y[j] -= static_cast<float>(m_out_scale * m_zero * bs.x_sum[b]);
        }
        costs[b].array_energy_J = bs.energy[b];
    }
}

double Crossbar::nominal_amperes_per_output(const CrossbarSpec& spec, float x_max, float w_max) {
    const CellSpec& cell = spec.cell;
    const double vr = cell.read_voltage_V;
    const double range = cell.conductance_at(cell.levels() - 1, vr) - cell.conductance_at(0, vr);
    // As rebuild(): the differential pair spans the range for w_max, G - G_ref half of it.
    const double w_per_S =
        (spec.mapping == WeightMapping::differential ? w_max : 2.0 * w_max) / range;
    return vr / x_max / w_per_S;
}

double Crossbar::amperes_per_output() const {
    return m_spec.cell.read_voltage_V / m_x_max / m_w_per_S;
}

void Crossbar::row_voltages(const float* x, float* v_V) const {
    const std::int32_t q_max = (std::int32_t{1} << m_spec.input_bits) - 1;
    const double v_per_code = m_spec.cell.read_voltage_V / q_max;
    for (int i = 0; i < m_spec.rows; ++i) {
        if (!std::isfinite(x[i]))
            throw InputError("crossbar: input " + std::to_string(i) + " is not a finite number");
        v_V[i] = static_cast<float>(quantise(x[i], m_x_max, q_max) * v_per_code);
    }
}

CrossbarCost Crossbar::analog_read(const float* v_rows_V, float* y) {
    drop_look_ahead();
    if (m_spec.sliced())
        throw std::logic_error("crossbar: an analog read needs analog weights (weight_bits 0)");
    const int rows = m_spec.rows;
    const int lcols = logical_cols();
    const double vr = m_spec.cell.read_voltage_V;
    const double x_per_V = m_x_max / vr;
    // The same array as mvm(): inputs in units of x, the effective weights or the IR network.
    m_nz.clear();
    double e = 0.0;
    for (int i = 0; i < rows; ++i) {
        const double v = v_rows_V[i];
        if (!std::isfinite(v))
            throw InputError("crossbar: row voltage " + std::to_string(i) +
                             " is not a finite number");
        m_xq[static_cast<std::size_t>(i)] = static_cast<float>(v * x_per_V);
        m_x2[static_cast<std::size_t>(i)] =
            m_xq[static_cast<std::size_t>(i)] * m_xq[static_cast<std::size_t>(i)];
        if (v != 0.0) {
            m_nz.push_back(i);
            e += v * v * (m_row_g_sum[static_cast<std::size_t>(i)] + m_g_ref_S);
        }
    }
    CrossbarCost cost;
    cost.reads = 1;
    cost.columns_sensed = static_cast<std::uint64_t>(m_cols_used);
    cost.cycles = cycles_for(m_spec.read_time_s, m_spec.clock_Hz);
    double energy_J = 0.0;
    if (m_terminated) {
        loaded_read(v_rows_V, y, &energy_J);
    } else if (m_spec.ir_drop && m_spec.wire_resistance_ohm > 0.0) {
        ir_read(m_xq.data(), m_sig.data(), &energy_J);
        std::fill(y, y + lcols, 0.0f);
        combine(m_sig.data(), 1.0, y);
    } else {
        kernels::gemv_rows(m_xq.data(), m_nz.data(), static_cast<int>(m_nz.size()), m_weff.data(),
                           lcols, y);
        energy_J = e * m_spec.read_time_s;
    }
    if (m_spec.read_noise && m_spec.cell.read_noise_sigma > 0.0) {
        m_var.resize(static_cast<std::size_t>(lcols));
        kernels::gemv_rows(m_x2.data(), m_nz.data(), static_cast<int>(m_nz.size()),
                           m_noise_var.data(), lcols, m_var.data());
        for (int j = 0; j < lcols; ++j)
            y[j] +=
                static_cast<float>(std::sqrt(static_cast<double>(m_var[j])) * m_read_rng.normal());
    }
    cost.array_energy_J = energy_J;
    return cost;
}

CrossbarCost Crossbar::convert(float* y) {
    CrossbarCost cost;
    if (m_spec.adc.ideal()) return cost;
    const std::uint64_t used = static_cast<std::uint64_t>(m_cols_used);
    const std::uint64_t rounds =
        used == 0 ? 0 : (used + adc_count() - 1) / static_cast<std::uint64_t>(adc_count());
    cost.adc_conversions = used;
    cost.shift_adds = used;
    cost.mux_phases = rounds;
    cost.cycles = rounds * cycles_for(m_spec.adc.latency_s(), m_spec.clock_Hz) + (used ? 1 : 0);
    AdcQuantiser(m_spec.adc.bits, effective_output_range()).apply(y, logical_cols());
    return cost;
}

} // namespace neurotlm
