#pragma once
/// @brief Functional and cost model of one analog crossbar: weights mapped to cell
/// conductances, inputs applied as row voltages (bit-sliced through the DAC), column currents
/// summed, quantised by shared ADCs, and scaled back to weight units.
///
/// Values at the interface are in "weight units": mvm() returns y_j ~ sum_i x_i W_ij where W is
/// the matrix given to program(). Physics (conductances, voltages, currents) stays inside.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "neurotlm/core/ledger.h"
#include "neurotlm/core/rng.h"
#include "neurotlm/core/spec_table.h"
#include "neurotlm/devices/analog_link.h"
#include "neurotlm/devices/cell.h"
#include "neurotlm/devices/periphery.h"
#include "neurotlm/devices/technology.h"

namespace neurotlm {

/// The smallest input range (|x| at full-scale voltage) the quantiser accepts.
inline constexpr float kMinInputRange = 1e-30f;

/// The largest |output| a tile may be asked to produce: outputs, ADC ranges and the effective
/// weights are float32, and device variation (a lognormal factor of a few hundred at sigma 1)
/// and read noise push a read past its nominal bound, so 10^4 of headroom is kept below
/// float32's maximum. A programme whose bound (Crossbar::output_bound) exceeds it would
/// overflow to infinity, which reports as null.
inline constexpr double kMaxTileOutput = 3.4e34;

enum class WeightMapping {
    differential, ///< two columns per weight: W ~ G+ - G-; logical columns = cols / 2
    offset,       ///< one column per weight, W ~ G - G_ref; a reference column is subtracted
    /// Bit-sliced only: the two's-complement code, its sign bit on a 1-bit slice whose
    /// shift-add weight is negative.
    twos_complement,
};

/// @brief Digital shift-and-add behind the ADCs: combines the converted slices of a weight and
/// the input slices into one partial sum. Energy and area 0 in the spec mean "derived from the
/// platform's technology" (set by the tile).
struct ShiftAddSpec {
    double energy_J = 0.0; ///< per converted value shifted and added
    double area_m2 = 0.0;  ///< per shift-adder (one behind each ADC)
    static const SpecTable<ShiftAddSpec>& table();
};

/// @brief Area and energy of the periphery that is not a converter: derived from the technology
/// by the tile unless the platform gives them.
struct ArrayPeripherySpec {
    double column_mux_energy_J = 0.0;  ///< per column-multiplexer phase (select lines switched)
    double column_mux_area_m2 = 0.0;   ///< per physical column
    double write_driver_area_m2 = 0.0; ///< per word line and per bit line (driver + level shifter)
    double leakage_W = 0.0;            ///< static power of drivers, muxes and shift-adders
};

/// Where the offset mapping's reference column (cells at G_ref) sits on the word lines. It
/// matters only with IR drop: the column sees the row wires' drop at its place.
enum class ReferencePosition {
    first, ///< next to the row drivers, before the data columns
    last,  ///< after the data columns, at the far end of the word lines
};

/// Where the differential mapping's pairs rest: the level both cells of a zero weight hold, and
/// the one the cell not carrying a weight keeps. The weight is the same either way; the read
/// current (energy, IR drop) is not.
enum class PairZero {
    g_min, ///< least conductance: least read current
    g_max, ///< highest conductance (IMAC-Sim: 0 -> (R_low, R_low))
};

/// What the rows and columns beyond a programmed block are on the array's lines.
enum class UnusedLines {
    grounded, ///< their cells stay: unused rows held at 0 V by their drivers load the columns,
              ///< unused columns draw from the rows (a real fixed-size array)
    absent,   ///< not connected (IMAC-Sim's netlists: a partial tile has only what it uses)
};

struct CrossbarSpec {
    int rows = 128; ///< physical rows (word lines)
    int cols = 128; ///< physical columns (bit lines)
    WeightMapping mapping = WeightMapping::differential;
    PairZero zero_level = PairZero::g_min; ///< differential analog weights only
    ReferencePosition reference_position = ReferencePosition::last; ///< offset mapping only
    CellSpec cell;
    AdcSpec adc;
    DacSpec dac;
    int input_bits = 8; ///< input precision; sliced into ceil(input_bits/dac.bits) reads
    /// Weight precision: 0 = analog (a weight at the nearest of the cell's levels, on one column
    /// or a differential pair); else a weight_bits code spread over several cells of
    /// floor(log2(levels)) bits each (bit slicing), recombined by shift-and-add.
    int weight_bits = 0;

    double read_time_s = 10e-9;       ///< duration of one read (integration window)
    double clock_Hz = 1e9;            ///< tile clock: latencies are whole cycles of it
    double wire_resistance_ohm = 0.0; ///< resistance of one wire segment between cells
    /// Segments of the column wires (bit lines, the outputs) when they differ from the rows'
    /// (IMAC-Sim: 9.24 ohm along the input lines, 11.55 ohm along the output lines); 0 = the same.
    double column_wire_resistance_ohm = 0.0;
    double column_segment_ohm() const {
        return column_wire_resistance_ohm > 0.0 ? column_wire_resistance_ohm : wire_resistance_ohm;
    }
    bool ir_drop = false; ///< solve the resistive network (needs wire_resistance > 0)
    /// Differential mapping: both cells of a pair on one node of the row line, one row segment
    /// per pair (IMAC-Sim's netlists), instead of one per physical column.
    bool row_segment_per_pair = false;
    /// Rows and columns beyond the programmed block: they matter when the lines are not
    /// virtual grounds (IR drop, a loaded termination) and for the read energy.
    UnusedLines unused_lines = UnusedLines::grounded;
    bool read_noise = true; ///< apply cell.read_noise_sigma on every read
    bool variation = true;  ///< apply cell.variation_sigma and stuck-at at programming

    ShiftAddSpec shift_add;
    ArrayPeripherySpec periphery; ///< derived by the tile (no parameters of its own)

    bool sliced() const { return weight_bits > 0; }
    /// Bits one cell holds when sliced: floor(log2(levels)) (2^bits of its levels are used).
    int bits_per_cell() const;
    /// Slices of one weight (signals sensed and converted per weight): 1 when analog.
    int weight_slices() const;
    /// Physical columns one weight takes: 2 x slices (differential) or slices.
    int columns_per_weight() const;
    /// Output columns: the physical columns divided among the weights (leftovers unused).
    int logical_cols() const { return cols / columns_per_weight(); }
    /// Signals the ADCs convert: one per weight slice (a differential pair is one signal).
    int signals() const { return logical_cols() * weight_slices(); }
    /// ADCs: one per adc.shared_by_columns signals. The one count behind ADC energy, leakage,
    /// area and latency, and behind the shift-adders (one behind each ADC).
    int adc_count() const {
        return (signals() + adc.shared_by_columns - 1) / adc.shared_by_columns;
    }
    /// Row drivers: one per row.
    int dac_count() const { return rows; }
    /// Reference columns: one with the offset and two's-complement mappings, else none.
    int reference_columns() const { return mapping == WeightMapping::differential ? 0 : 1; }
    /// Width of the partial sum a tile produces (ADC code shifted over the weight slices and the
    /// input slices, with the sign): what the shift-adders hold and the output carries.
    int partial_sum_bits() const;

    /// Every parameter of a crossbar tile's circuit, bound to these fields (the cell is named by
    /// "device" and resolved through the device library by the tile; the clock is the tile's).
    static const SpecTable<CrossbarSpec>& table();
    /// @brief Fill every periphery figure left at 0 from the technology and this array's
    /// geometry: ADC area, leakage and comparator energy, row-driver energy and area,
    /// shift-adders, column multiplexers, write drivers. The models and their sources are in
    /// the definition.
    void derive_periphery(const Technology& tech);
    /// Word-line capacitance: the wire across the physical columns (and the reference column)
    /// plus one access-transistor gate per cell.
    double word_line_capacitance_F(const Technology& tech) const;

    /// Why the weight slicing cannot work on this tile ("" if it can): the arithmetic of
    /// columns per weight against the tile's columns.
    std::string slicing_problem() const;
    /// Throws InputError for a spec outside the table's bounds or structurally impossible (odd
    /// columns with the differential mapping, fewer than two ascending conductance levels).
    void check() const;
};

/// The crossbar's actions, indexing Crossbar::energy_table().
enum CrossbarAction : std::size_t {
    kArrayRead,
    kDacConversion,
    kAdcConversion,
    kCellWrite,
    kShiftAdd,
    kColumnMux,
};

/// @brief What one operation cost; the tile books these into its ledger.
struct CrossbarCost {
    std::uint64_t cycles = 0; ///< latency in tile clock cycles
    std::uint64_t reads = 0;  ///< array read phases (input slices)
    /// Word-line activations: per input slice, the rows whose slice is not 0, once per
    /// column-multiplexer phase (the rows are driven again for each group of columns sensed).
    std::uint64_t dac_conversions = 0;
    std::uint64_t adc_conversions = 0; ///< slices x signals used; 0 with an ideal ADC
    std::uint64_t shift_adds = 0;      ///< converted values shifted and added (+ offset fixes)
    std::uint64_t mux_phases = 0;      ///< column-multiplexer phases (slices x rounds)
    std::uint64_t cell_writes = 0;
    double array_energy_J = 0.0; ///< sum over reads of sum_ij V_i^2 G_ij t (data-dependent)
    double write_energy_J = 0.0; ///< cell_writes x the cell's write energy
    /// Signals sensed (S x signals used), whether or not an ADC converts them:
    /// with an ideal ADC adc_conversions is 0 but the columns are still read.
    std::uint64_t columns_sensed = 0;
};

/// @brief What a stuck-at fault map holds per physical cell.
enum class CellFault : std::uint8_t { none, stuck_on, stuck_off };

/// @brief DC solution of a rows x cols resistive crossbar with wire resistance (the IR-drop
/// model of Crossbar): cell (i,j) of conductance @p g_S[i*cols+j] joins row node (i,j) to column
/// node (i,j); wire segments of @p r_wire_ohm join neighbouring row nodes and neighbouring
/// column nodes; row i is driven from its left end by an ideal source @p v_rows_V[i] through one
/// segment; each column ends at the bottom in a virtual ground (0 V) through one segment. An
/// offset-mapped array's reference column is one more column of @p g_S, all at G_ref.
/// Returns the current into each column's virtual ground (A); fills @p driver_currents_A (the
/// current each source delivers) if given. Builds the network on every call (the read itself by
/// conjugate gradients, IrNetwork): for repeated reads of the same array use Crossbar, which
/// builds it once per program().
std::vector<double> solve_crossbar_network(const std::vector<double>& g_S, int rows, int cols,
                                           double r_wire_ohm, const std::vector<double>& v_rows_V,
                                           std::vector<double>* driver_currents_A = nullptr);

class Crossbar {
public:
    Crossbar(const CrossbarSpec& spec, RngStream rng);
    ~Crossbar();
    Crossbar(const Crossbar&) = delete;
    Crossbar& operator=(const Crossbar&) = delete;

    const CrossbarSpec& spec() const { return m_spec; }
    int logical_rows() const { return m_spec.rows; }
    int logical_cols() const { return m_spec.logical_cols(); }

    /// @brief Program a rows_used x cols_used block (row-major, leading dimension cols_used) of
    /// weights in [-w_max, w_max]; cells outside the block hold the zero weight. Draws
    /// variation and stuck-at faults. Only cells whose level changes are written.
    CrossbarCost program(const float* weights, int rows_used, int cols_used, float w_max);

    /// @brief The largest |output| of any single read (input slice) of @p x against the nominal
    /// weights @p w (rows x cols, row-major), with inputs quantised as mvm() does. Each slice
    /// drives its rows at full-scale voltages, so this, not the final |y|, is what the ADC's
    /// full scale (set_output_range) must cover to avoid clipping: use it to calibrate.
    static float max_slice_output(const float* w, int rows, int cols, const float* x, float x_max,
                                  int input_bits, int dac_bits);

    /// @brief max_slice_output for any spec: the largest |signal| one read of @p x against the
    /// nominal (encoded, variation-free) weights gives, in the units of set_output_range (weight
    /// units when analog; digits x input units when sliced). @p w_max is the weight range.
    static float max_signal_output(const CrossbarSpec& spec, const float* w, int rows, int cols,
                                   const float* x, float x_max, float w_max);
    /// @brief What max_signal_output() reads inputs against: the weights themselves (analog),
    /// or each weight's digits, one column per weight slice (sliced), rows x (returned columns)
    /// into @p out. Computed once, it serves many max_slice_output() calls.
    static int signal_matrix(const CrossbarSpec& spec, const float* w, int rows, int cols,
                             float w_max, std::vector<float>& out);

    /// @brief The value @p w takes once encoded on cells of @p spec without variation: the
    /// nearest level (analog) or the nearest weight_bits code (sliced), in weight units.
    static float nominal_weight(const CrossbarSpec& spec, float w, float w_max);

    /// @brief The largest |y_j| inputs within [-x_max, x_max] can give with the nominal
    /// weights @p w (rows x cols, row-major): x_max * max_j sum_i |w_ij|, in double so that it
    /// says how far past kMaxTileOutput a programme is instead of overflowing itself.
    static double output_bound(const float* w, int rows, int cols, double x_max);

    /// @brief Input scale: inputs are clipped to [-x_max, x_max] and quantised to input_bits.
    void set_input_range(float x_max);
    /// @brief ADC full scale: the |signal| that maps to the ADC's top code, in weight units when
    /// analog, in digits x input units when sliced (one weight slice's column). Every input
    /// slice is driven at full-scale voltages, so this must cover one slice's output, which can
    /// exceed the final |y|. 0 = the largest signal the programmed weights allow.
    void set_output_range(float y_max);
    float input_range() const { return m_x_max; }
    float output_range() const { return m_y_max; }

    /// @brief y[0..logical_cols) = x[0..logical_rows) through the array with every enabled
    /// non-ideality. Unused rows must be given as 0.
    CrossbarCost mvm(const float* x, float* y);

    /// @brief Compute the next @p n reads ahead (a batch): inputs @p x (n x logical_rows,
    /// row-major), their outputs into @p y (n x logical_cols), exactly what n calls of mvm()
    /// with these inputs in this order would give, computed together (the matrix loads shared
    /// between inputs). Those mvm() calls then return the stored results and costs without
    /// computing. A call with another input, or program(), a range change, an analog read or
    /// another look_ahead(), first puts the read noise back where the first unused read would
    /// have drawn from: results never depend on whether, or how well, reads were computed
    /// ahead. Returns false and computes nothing when reads carry state beyond the noise (the
    /// IR-drop solver) or an input is not finite (mvm() refuses it in its turn).
    bool look_ahead(const float* x, int n, float* y);
    /// Reads look_ahead() computes together (its scratch holds this many at most).
    static constexpr int kBatchChunk = 8;
    /// Reads computed ahead and not yet used by mvm().
    int reads_ahead() const { return m_ahead_count - m_ahead_next; }
    /// Reads mvm() answered from reads computed ahead, since construction (not in reports:
    /// results do not depend on it).
    std::uint64_t reads_served_ahead() const { return m_ahead_served; }

    /// @brief One read without converters, for analog links: rows driven at @p v_rows_V (one per
    /// logical row, volts; unused rows 0), the column signals into @p y in output units,
    /// y_j = sum_i (V_i x_max / V_read) W_ij, through the same array as mvm() (effective weights,
    /// read noise, IR drop). Analog weights only (weight_bits 0). Counts one read and its array
    /// energy; no DAC or ADC.
    CrossbarCost analog_read(const float* v_rows_V, float* y);
    /// The differential column current (I+ - I-, or I - I_ref) per output unit of analog_read().
    double amperes_per_output() const;
    /// @brief How each output's pair of lines ends when analog_read()'s outputs leave as
    /// currents: one LineTermination per output (logical column). Virtual grounds (the default)
    /// leave analog_read() as described; with a loaded termination it solves each pair's lines
    /// against the termination (with the wires when ir_drop is on) and its outputs are the
    /// currents into the termination's resistors, I+ - I-, in output units. Differential arrays
    /// of analog weights only (InputError otherwise).
    void set_terminations(const std::vector<LineTermination>& per_output);
    bool terminated() const { return m_terminated; }
    /// amperes_per_output() of an analog-weight array of @p spec programmed at weight range
    /// @p w_max and read at input range @p x_max, before it is built (a mapping's readout gain).
    static double nominal_amperes_per_output(const CrossbarSpec& spec, float x_max, float w_max);
    /// The row voltages the drivers apply in one read for inputs @p x: x quantised to
    /// input_bits, V_read at the input range (the DAC of a tile whose outputs stay analog).
    void row_voltages(const float* x, float* v_V) const;
    /// The ADC's conversion of one read's outputs @p y (from analog_read) in place, and its
    /// counts and cycles; nothing with an ideal converter.
    CrossbarCost convert(float* y);

    /// @brief The effective weight matrix after programming (variation, faults, level
    /// quantisation), logical_rows x logical_cols row-major: what an ideal read multiplies by.
    const std::vector<float>& effective_weights() const { return m_weff; }

    /// @brief Nominal conductance matrices as programmed (with variation), physical rows x cols,
    /// for reports, energy checks and netlist export.
    const std::vector<double>& conductances_S() const { return m_g; }

    /// Cells (with the reference column), ADCs, row drivers, column multiplexers,
    /// shift-adders and write drivers, by part.
    std::vector<std::pair<std::string, double>> area_parts_m2() const;
    /// The sum of area_parts_m2().
    double area_m2() const;
    /// Static power: the ADCs' (none for an ideal converter) and the other periphery's.
    double leakage_W() const;
    /// The actions and their fixed prices, indexed by CrossbarAction; a read's array energy is
    /// data-dependent and booked on top of array_read's zero price.
    EnergyTable energy_table() const;

    int adc_count() const { return m_spec.adc_count(); }
    /// Bytes of the matrices and scratch vectors the model holds (what a memory estimate must
    /// cover).
    std::size_t held_bytes() const;
    int rows_used() const { return m_rows_used; }
    /// Rows and physical columns whose cells are on the lines (all, or the programmed block's
    /// with UnusedLines::absent).
    int connected_rows() const {
        return m_spec.unused_lines == UnusedLines::absent ? m_rows_used : m_spec.rows;
    }
    int connected_cols() const {
        return m_spec.unused_lines == UnusedLines::absent
                   ? m_cols_used * m_spec.columns_per_weight()
                   : m_spec.cols;
    }
    /// Each output's termination (all virtual grounds unless set_terminations() said otherwise).
    LineTermination termination(int output) const {
        return m_term.empty() ? LineTermination{} : m_term.at(static_cast<std::size_t>(output));
    }
    int cols_used() const { return m_cols_used; }
    /// The ADC full scale actually used: output_range() if set, else the largest |y| the
    /// programmed weights can produce (max_j sum_i x_max |w_eff_ij|).
    float effective_output_range() const;
    /// Stuck-at fault per physical cell, drawn once at construction (all none when the spec
    /// disables variation).
    const std::vector<CellFault>& faults() const { return m_fault; }

private:
    struct IrSolver;
    /// Reads of @p n inputs (x: n x rows), outputs to y (n x logical_cols), costs to @p costs;
    /// the read-noise generator's state before each input's draws into @p rng_before if given.
    void mvm_batch(const float* x, int n, float* y, CrossbarCost* costs,
                   std::vector<RngStream>* rng_before);
    /// Forget the reads computed ahead, the read noise back where the first unused one began.
    void drop_look_ahead();
    /// Scratch of mvm_batch: each read r of input b at [r * n + b].
    struct BatchScratch {
        std::vector<std::int32_t> code;      ///< one input's signed codes
        std::vector<int> nz;                 ///< one input's rows that are not 0
        std::vector<float> in, x2;           ///< reads x inputs x rows: row values, squared
        std::vector<std::vector<int>> lists; ///< the rows each read drives (not 0)
        std::vector<int> list;               ///< the rows any input of one read drives
        std::vector<unsigned char> mark;     ///< rows, while building `list`
        std::vector<float> out, var;         ///< reads x inputs x width: values, noise variances
        std::vector<double> x_sum, energy;   ///< per input
    };
    BatchScratch m_batch;
    std::vector<float> m_ahead_in, m_ahead_out; ///< reads computed ahead: inputs, outputs
    std::vector<CrossbarCost> m_ahead_cost;
    std::vector<RngStream> m_ahead_rng; ///< the read noise's state before each
    int m_ahead_count = 0;
    int m_ahead_next = 0;
    std::uint64_t m_ahead_served = 0;
    void rebuild();
    void rebuild_signals();
    /// One read of @p x: every signal (digits x input units when sliced) into @p sig.
    void ir_read(const float* x, float* sig, double* energy_J);
    /// analog_read() against loaded terminations (loaded_read.cpp).
    void loaded_read(const float* v_rows_V, float* y, double* energy_J);
    void build_loaded_network();
    /// The conductance matrix the lines see: m_g with the cells of UnusedLines::absent cleared.
    std::vector<double> connected_conductances() const;
    /// Signals of the used columns to outputs: y_j += ck * scale * sum_p coef_p * sig_(j,p).
    void combine(const float* sig, double ck, float* y) const;
    int m_rows_used = 0;
    int m_cols_used = 0;
    double m_w_per_S = 0.0;         ///< weight units per siemens of G+ - G- (or G - G_ref)
    double m_sig_per_S = 0.0;       ///< signal units per siemens (m_w_per_S when analog)
    double m_out_scale = 1.0;       ///< weight units per code step when sliced (1 when analog)
    double m_zero = 0.0;            ///< offset-binary zero code, subtracted digitally
    std::vector<double> m_coef;     ///< shift-add weight of each weight slice
    std::vector<float> m_wsig;      ///< sliced: signals' matrix, rows x signals (digits)
    std::vector<float> m_sig_var;   ///< sliced: per-cell noise variance in digit units^2
    std::vector<float> m_sig;       ///< scratch: one read's signals
    float m_sigabs_max = 0.0f;      ///< max over signals of sum_i |wsig_is|
    std::vector<int> m_digit_level; ///< sliced: the cell level that holds each digit
    double m_g_ref_S = 0.0;         ///< offset mappings: the reference column's cells
    float m_colabs_max = 0.0f;      ///< max_j sum_i |w_eff_ij|, for the default ADC range
    std::vector<CellFault> m_fault;
    std::vector<double> m_level_g_S; ///< level conductances at the full-scale read bias
    RngStream m_write_rng;
    RngStream m_read_rng;
    std::vector<float> m_xq;  ///< scratch: quantised (or sliced) input
    std::vector<float> m_x2;  ///< scratch: squared inputs for the noise GEMV
    std::vector<float> m_var; ///< scratch: output-noise variances
    std::vector<int> m_nz;    ///< scratch: indices of rows with non-zero input
    CrossbarSpec m_spec;
    RngStream m_rng;
    float m_w_max = 1.0f;
    float m_x_max = 1.0f;
    float m_y_max = 0.0f;                ///< 0: not set, derived from the array's maximum
    std::vector<int> m_level;            ///< programmed level per physical cell
    std::vector<double> m_g;             ///< conductance per physical cell (rows x cols)
    std::vector<float> m_weff;           ///< effective weights, logical rows x cols
    std::vector<float> m_noise_var;      ///< per-cell output-noise variance in weight units^2
    std::vector<double> m_row_g_sum;     ///< sum_j G_ij per row, for read energy
    std::vector<double> m_col_g_sum;     ///< sum_i G_ij per physical column over connected rows
    std::vector<LineTermination> m_term; ///< per output; empty: all virtual grounds
    bool m_terminated = false;           ///< some output's termination is loaded
    std::unique_ptr<IrSolver> m_ir;
};

} // namespace neurotlm
