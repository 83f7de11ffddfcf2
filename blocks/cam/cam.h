#pragma once
/// @brief A ternary content-addressable memory of W words x B bits on 2T2R memristor cells, as
/// an architect sizes it: the cell and match-line circuit whose discharge encodes each word's
/// mismatch count, a sense amplifier that turns it back into a count, four sensing modes, and
/// the energy, time, leakage and area of searches and writes. SystemC-free: the block
/// (cam_module.h) and any other user (a dynamic network's exits) call it directly.
///
/// The circuit (blocks/cam/README.md has every figure with its source or "assumed"):
/// - A bit is a 2T2R cell: branch A (gated by search line SL, driven when the key bit is 1) and
///   branch B (gated by SLB, driven when the key bit is 0), each an access transistor and a
///   memristor between the match line (ML) and ground. Stored 0: A = LRS, B = HRS; stored 1:
///   A = HRS, B = LRS; stored X: both HRS. A key bit of X drives neither line.
/// - So a cared key bit gives the ML a path of G_LRS where the stored bit differs and G_HRS where
///   it matches or is X; a key X gives none. The ML is precharged to VDD and discharges for
///   t_eval: V_ML = VDD exp(-t_eval G / C_ML).
/// - At t_eval the search lines are released and the ML holds its voltage (it is its own
///   sampling capacitor). Per word a b-bit successive-approximation converter, b =
///   ceil(log2(B + 1)), compares it with taps of a reference ladder shared by the array (a
///   resistor string, taps chosen by a switch tree per word; assumed) that sit at the geometric
///   means sqrt(V(n) V(n+1)) of adjacent nominal voltages for the key's k cared bits (a
///   calibrated ladder, assumed): in conductance that is rounding (G - k G_HRS) / (G_LRS -
///   G_HRS), which is what sense_count() computes.
/// - Cell conductances vary (lognormal, mean-preserving, drawn when a cell is programmed) and the
///   sampled voltage has Gaussian noise, so a sum near a decision boundary can be sensed one
///   count off; predicted_sense_error() gives the rate by a Gaussian approximation.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "neurotlm/core/ledger.h"
#include "neurotlm/core/rng.h"
#include "neurotlm/core/spec_table.h"
#include "neurotlm/devices/technology.h"

namespace neurotlm {

/// One value of a ternary word: 0, 1 or don't-care.
enum class Trit : std::uint8_t { zero, one, x };

/// @brief A ternary word of `bits` bits: a value and a care mask (1 = compared, 0 = X).
/// Bit i is bit (i % 64) of element i / 64; bits beyond `bits` are 0 in both. get() and set()
/// throw InputError for an index outside 0..bits-1.
struct TernaryWord {
    int bits = 0;
    std::vector<std::uint64_t> value, care;

    TernaryWord() = default;
    /// @p bits bits, every one X.
    explicit TernaryWord(int bits);
    /// From text of '0', '1' and 'X' (or 'x'), bit 0 first; throws InputError otherwise.
    static TernaryWord parse(std::string_view text);
    /// From values 0 / 1 and a mask (true = cared); the mask may be empty (all cared).
    static TernaryWord from_bits(const std::vector<bool>& value, const std::vector<bool>& care);
    std::string str() const;
    Trit get(int i) const;
    void set(int i, Trit t);
    /// Bits that are not X.
    int cared() const;
    /// The same word in @p bits >= bits bits, the bits beyond don't-care (a key or a word for
    /// a wider CAM); throws InputError for a narrower width.
    TernaryWord widened(int bits) const;
    bool operator==(const TernaryWord& o) const {
        return bits == o.bits && value == o.value && care == o.care;
    }
};

/// Mismatches between a stored word and a key: bits both care about whose values differ.
int hamming_distance(const TernaryWord& stored, const TernaryWord& key);

/// How a search decides.
enum class CamMode : std::uint32_t {
    exact = 0,     ///< words at distance 0
    best = 1,      ///< the word at the smallest distance
    threshold = 2, ///< words at distance <= threshold
    top2 = 3,      ///< the best two; confident when the runner-up is >= margin further
};
const char* to_string(CamMode mode);

struct CamSpec {
    int words = 64;                    ///< W
    int bits = 64;                     ///< B
    double r_lrs_ohm = 147.9e3;        ///< geometric mean of the 1S1R TCAM's 90-243 kohm
    double hrs_over_lrs = 17.3;        ///< the 1S1R TCAM's ratio
    double variation_sigma = 0.05;     ///< lognormal sigma of a programmed conductance (assumed)
    double sense_noise_V = 0.001;      ///< rms noise of the sampled ML voltage (assumed)
    double set_energy_J = 17.5e-15;    ///< one SET (1S1R TCAM)
    double reset_energy_J = 538e-15;   ///< one RESET (1S1R TCAM)
    double write_pulse_s = 10e-9;      ///< one SET or RESET phase (assumed)
    double precharge_time_s = 100e-12; ///< assumed
    double eval_time_s = 0.0;   ///< 0: the time a fully mismatched word takes to fall to e^-2 VDD
    double cell_area_F2 = 24.0; ///< 2T2R cell in F^2 (assumed: two 1T1R of 12 F^2)
    double sense_input_cap_F = 1e-15; ///< the sense amplifier's input on the ML (assumed)
    double array_efficiency = 0.7;    ///< cell area over array area (assumed, as the buffer's)
    double clock_Hz = 1e9;            ///< the block's clock: latencies are whole cycles of it
    /// The platform's technology (supply, wires, gates of the periphery).
    Technology technology;

    /// Gate equivalents of the periphery (assumed; see README): per word the sense amplifier's
    /// comparator and its b-bit SAR register and logic; per column the two search-line drivers
    /// and the write driver.
    static constexpr double kSlDriverGates = 4.0;
    static constexpr double kWriteDriverGates = 8.0;
    /// FO4 delays of one SAR decision (comparator, DAC settling, register), assumed.
    static constexpr double kFo4PerDecision = 4.0;
    /// Gate equivalents of one switch of a word's tap-select tree: a transmission gate, two
    /// transistors of a NAND2's four (assumed).
    static constexpr double kTapSwitchGates = 0.5;
    /// Gate equivalents of area of one resistor of the shared reference ladder (assumed).
    static constexpr double kLadderResistorGates = 1.0;
    /// check(): the smallest ML voltage step between adjacent counts must be at least this many
    /// times sense_noise (a count at the far end is then misread by noise alone with
    /// probability at most 2 Phi(-1) = 32 %; assumed).
    static constexpr double kMinStepOverNoise = 2.0;

    double g_lrs_S() const { return 1.0 / r_lrs_ohm; }
    double g_hrs_S() const { return 1.0 / (r_lrs_ohm * hrs_over_lrs); }
    double vdd_V() const { return technology.vdd_V; }
    /// Sense resolution b = ceil(log2(B + 1)): decisions per word per search.
    int sense_bits() const;
    /// Sense amplifiers (one per word).
    int sense_amplifiers() const { return words; }
    /// Side of a cell (the square root of its area).
    double cell_pitch_m() const;
    double cell_area_m2() const;
    /// ML capacitance: per bit two access-transistor drains (each the technology's gate_cap,
    /// assumed) and a cell pitch of wire, plus the sense amplifier's input.
    double ml_capacitance_F() const;
    /// One search line: per word one transistor gate and a cell pitch of wire.
    double sl_capacitance_F() const;
    /// The evaluation time (eval_time, or the default above).
    double t_eval_s() const;
    /// Nominal ML voltage at t_eval (or at @p t_s) for @p mismatches of @p cared key bits.
    double v_ml_V(int mismatches, int cared) const;
    double v_ml_V(int mismatches, int cared, double t_s) const;
    /// The smallest nominal voltage step between adjacent counts (B - 1 and B mismatches of B
    /// cared bits) at evaluation time @p t_s (default: t_eval).
    double min_count_step_V() const { return min_count_step_V(t_eval_s()); }
    double min_count_step_V(double t_s) const;
    /// The step check() asks for: kMinStepOverNoise x sense_noise, and at least 1e-6 VDD.
    double required_step_V() const;
    /// The evaluation times whose smallest step meets required_step_V(): [lo, hi], or
    /// lo = hi = 0 when none does at this width and noise.
    struct EvalRange {
        double lo_s = 0.0, hi_s = 0.0;
        bool empty() const { return hi_s <= 0.0; }
    };
    EvalRange eval_time_range() const;
    /// Switches of one word's tap-select tree: 2^(b+1) - 2 (a binary tree over 2^b taps).
    double tap_switches() const;

    /// Energies of the actions (prices of cam_energy_table).
    double search_line_J() const;    ///< one cared key bit driven on its SL across W words
    double key_latch_J() const;      ///< latching a key (2B flip-flops: value and care)
    double sense_J() const;          ///< one word's b-bit conversion (comparator, SAR, taps)
    double ladder_J() const;         ///< one search's reference ladder current
    double resolve_J() const;        ///< the digital decision over W distances
    double write_latch_J() const;    ///< latching a word to write (2B flip-flops)
    double precharge_full_J() const; ///< restoring a fully discharged ML: C_ML VDD^2
    /// Latencies.
    double search_time_s() const; ///< precharge + evaluate + sense + resolve
    double sense_time_s() const;
    double resolve_time_s() const;
    std::uint64_t search_cycles() const;
    /// A write of @p sets SET and @p resets RESET cells: one pulse per phase that has any.
    std::uint64_t write_cycles(int sets, int resets) const;
    /// Gate equivalents of the periphery.
    double periphery_gates() const;
    double area_m2() const;
    double leakage_W() const;

    static const SpecTable<CamSpec>& table();
    /// The spec of validated parameters @p p in technology @p tech.
    static CamSpec in_technology(const Params& p, const Technology& tech);
    /// Why the sense amplifier cannot count at this spec ("" if it can), and the parameter to
    /// change in @p param: eval_time if another evaluation time would do, else sense_noise.
    std::string sensing_problem(std::string* param = nullptr) const;
    /// Throws InputError for an impossible spec (the table's ranges, sensing_problem()).
    void check() const;
};

/// The block's actions, indexing cam_energy_table().
enum CamAction : std::size_t {
    kCamSearchLine,
    kCamMatchLine,
    kCamSense,
    kCamLadder,
    kCamResolve,
    kCamKeyLatch,
    kCamWriteLatch,
    kCamSet,
    kCamReset
};
EnergyTable cam_energy_table(const CamSpec& spec);

/// What a search asks.
struct CamQuery {
    CamMode mode = CamMode::best;
    int threshold = 0; ///< threshold mode: words at distance <= threshold match
    int margin = 1;    ///< top-2: confident when second - best >= margin
};

/// What a search gives. Distances are the sensed ones; words never written take no part
/// (distance -1).
struct CamSearchResult {
    CamMode mode = CamMode::best;
    bool found = false;         ///< exact/threshold: a word matched; best/top2: any valid word
    bool confident = false;     ///< top2: the margin holds (best: always when found)
    int best = -1, second = -1; ///< word indices (-1: none)
    int best_distance = -1, second_distance = -1; ///< sensed
    int matches = 0;                              ///< exact/threshold: matching words
    std::vector<int> distances;                   ///< sensed, per word
    std::vector<int> exact_distances;             ///< the true Hamming distances, per word
    std::vector<bool> matched;                    ///< exact/threshold: per word
    int sense_errors = 0; ///< valid words whose sensed distance differs from the exact one
    // Costs.
    int cared_key_bits = 0;
    int words_sensed = 0;
    double match_line_J = 0.0; ///< restoring the nominal (noiseless) ML charge lost
    std::uint64_t cycles = 0;
};

struct CamWriteCost {
    int sets = 0, resets = 0;
    std::uint64_t cycles = 0;
};

/// @brief The array: programmed cells with their conductances, the key latch, searches.
class CamArray {
public:
    CamArray(const CamSpec& spec, RngStream rng);

    const CamSpec& spec() const { return m_spec; }
    int words() const { return m_spec.words; }
    int bits() const { return m_spec.bits; }

    /// Program word @p index to @p word (cells whose state changes are written; each written
    /// cell draws its conductance anew). Throws InputError on a bad index or width.
    CamWriteCost write(int index, const TernaryWord& word);
    /// The stored word (as written) and whether it was ever written.
    const TernaryWord& stored(int index) const;
    bool valid(int index) const { return m_valid.at(static_cast<std::size_t>(index)); }
    /// Search every written word for @p key. Throws InputError on a bad width or query.
    CamSearchResult search(const TernaryWord& key, const CamQuery& query = {});
    /// The ML conductance of word @p index for @p key, from its cells' actual conductances.
    double ml_conductance_S(int index, const TernaryWord& key) const;
    /// The count the sense amplifier reports for a sampled ML voltage @p v_ml_V with @p cared
    /// key bits: the nominal ladder's rounding, clamped to 0..cared.
    int sense_count(double v_ml_V, int cared) const;

private:
    struct Cell {
        bool a_lrs = false, b_lrs = false; ///< branch A (key 1) and B (key 0) in LRS
        double ga = 0.0, gb = 0.0;         ///< actual conductances
    };
    double draw(bool lrs);

    CamSpec m_spec;
    RngStream m_cells, m_noise;
    std::vector<Cell> m_cell; ///< words x bits
    std::vector<TernaryWord> m_stored;
    std::vector<bool> m_valid;
};

/// Dynamic energy of a search as the block books it (without the key's latch): search lines of
/// the cared key bits, the match lines' charge, one conversion per word sensed, the reference
/// ladder, the decision.
double cam_search_energy_J(const CamSpec& spec, const CamSearchResult& result);
/// Dynamic energy of a word write as the block books it: the write latch, SETs and RESETs.
double cam_write_energy_J(const CamSpec& spec, const CamWriteCost& cost);

/// The two ways a count is misread: sensed below (low) or above (high) the exact one.
struct CamSenseTails {
    double low = 0.0, high = 0.0;
    double total() const { return low + high; }
};
/// @brief Gaussian prediction of the misread tails for a word with @p mismatches of @p cared
/// key bits: the ML conductance is a sum of independent lognormal cells (mean-preserving, so
/// its mean is nominal; variance sum G_i^2 (e^{sigma^2} - 1)) plus the sampled-voltage noise
/// carried to conductance at each decision boundary (C sigma_V / (t_eval V_ref), V_ref the
/// reference at that boundary, so the high tail, at the lower voltage, is the wider); it is
/// sensed low (high) when it falls half a step below (above) its nominal value. No low tail at
/// 0, no high tail at `cared` (the converter clamps). Throws InputError unless 0 <= mismatches
/// <= cared <= B.
CamSenseTails predicted_sense_tails(const CamSpec& spec, int mismatches, int cared);
/// P(sensed != exact): the sum of the two tails.
double predicted_sense_error(const CamSpec& spec, int mismatches, int cared);

} // namespace neurotlm
