#include "neurotlm/blocks/cam/cam.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "neurotlm/core/cycles.h"
#include "neurotlm/core/error.h"

namespace neurotlm {

// ---------------------------------------------------------------------------------------------
// Ternary words

namespace {
std::size_t limbs(int bits) {
    return static_cast<std::size_t>((bits + 63) / 64);
}
std::uint64_t bit(int i) {
    return std::uint64_t{1} << (i % 64);
}
} // namespace

namespace {
int checked_width(int n) {
    if (n < 0) throw InputError("a ternary word cannot have " + std::to_string(n) + " bits");
    return n;
}
void check_index(int i, int bits) {
    if (i < 0 || i >= bits)
        throw InputError("bit " + std::to_string(i) + " of a ternary word of " +
                         std::to_string(bits) + " bits");
}
} // namespace

TernaryWord::TernaryWord(int n) : bits(checked_width(n)), value(limbs(n), 0), care(limbs(n), 0) {}

TernaryWord TernaryWord::widened(int n) const {
    if (n < bits)
        throw InputError("a ternary word of " + std::to_string(bits) + " bits cannot widen to " +
                         std::to_string(n));
    TernaryWord w(n);
    std::copy(value.begin(), value.end(), w.value.begin()); // bits past `bits` are 0 in both
    std::copy(care.begin(), care.end(), w.care.begin());
    return w;
}

TernaryWord TernaryWord::parse(std::string_view text) {
    TernaryWord w(static_cast<int>(text.size()));
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '0')
            w.set(static_cast<int>(i), Trit::zero);
        else if (c == '1')
            w.set(static_cast<int>(i), Trit::one);
        else if (c != 'X' && c != 'x')
            throw InputError("a ternary word is made of 0, 1 and X; character " +
                             std::to_string(i) + " is '" + std::string(1, c) + "'");
    }
    return w;
}

TernaryWord TernaryWord::from_bits(const std::vector<bool>& v, const std::vector<bool>& care) {
    if (!care.empty() && care.size() != v.size())
        throw InputError("a ternary word's mask has " + std::to_string(care.size()) + " bits for " +
                         std::to_string(v.size()) + " values");
    TernaryWord w(static_cast<int>(v.size()));
    for (std::size_t i = 0; i < v.size(); ++i)
        if (care.empty() || care[i]) w.set(static_cast<int>(i), v[i] ? Trit::one : Trit::zero);
    return w;
}

std::string TernaryWord::str() const {
    std::string s(static_cast<std::size_t>(bits), 'X');
    for (int i = 0; i < bits; ++i) {
        const Trit t = get(i);
        if (t != Trit::x) s[static_cast<std::size_t>(i)] = t == Trit::one ? '1' : '0';
    }
    return s;
}

Trit TernaryWord::get(int i) const {
    check_index(i, bits);
    const std::size_t l = static_cast<std::size_t>(i / 64);
    if (!(care.at(l) & bit(i))) return Trit::x;
    return value[l] & bit(i) ? Trit::one : Trit::zero;
}

void TernaryWord::set(int i, Trit t) {
    check_index(i, bits);
    const std::size_t l = static_cast<std::size_t>(i / 64);
    care.at(l) &= ~bit(i);
    value[l] &= ~bit(i);
    if (t == Trit::x) return;
    care[l] |= bit(i);
    if (t == Trit::one) value[l] |= bit(i);
}

int TernaryWord::cared() const {
    int n = 0;
    for (std::uint64_t c : care)
        n += __builtin_popcountll(c);
    return n;
}

int hamming_distance(const TernaryWord& stored, const TernaryWord& key) {
    if (stored.bits != key.bits)
        throw InputError("a key of " + std::to_string(key.bits) + " bits against a word of " +
                         std::to_string(stored.bits));
    int n = 0;
    for (std::size_t l = 0; l < stored.value.size(); ++l)
        n += __builtin_popcountll((stored.value[l] ^ key.value[l]) & stored.care[l] & key.care[l]);
    return n;
}

const char* to_string(CamMode mode) {
    switch (mode) {
    case CamMode::exact: return "exact";
    case CamMode::best: return "best";
    case CamMode::threshold: return "threshold";
    case CamMode::top2: return "top2";
    }
    return "?";
}

// ---------------------------------------------------------------------------------------------
// The spec and its costs

int CamSpec::sense_bits() const {
    int b = 0;
    while ((1 << b) < bits + 1)
        ++b;
    return std::max(1, b);
}

double CamSpec::cell_area_m2() const {
    return cell_area_F2 * technology.node_m * technology.node_m;
}

double CamSpec::cell_pitch_m() const {
    return std::sqrt(cell_area_m2());
}

double CamSpec::ml_capacitance_F() const {
    const double per_bit =
        2.0 * technology.gate_cap_F + technology.wire_cap_F_per_m * cell_pitch_m();
    return bits * per_bit + sense_input_cap_F;
}

double CamSpec::sl_capacitance_F() const {
    return words * (technology.gate_cap_F + technology.wire_cap_F_per_m * cell_pitch_m());
}

double CamSpec::t_eval_s() const {
    if (eval_time_s > 0.0) return eval_time_s;
    return 2.0 * ml_capacitance_F() / (bits * g_lrs_S());
}

double CamSpec::v_ml_V(int mismatches, int cared) const {
    return v_ml_V(mismatches, cared, t_eval_s());
}

double CamSpec::v_ml_V(int mismatches, int cared, double t) const {
    const double g = mismatches * g_lrs_S() + (cared - mismatches) * g_hrs_S();
    return vdd_V() * std::exp(-t * g / ml_capacitance_F());
}

double CamSpec::min_count_step_V(double t) const {
    // dV/dn is proportional to V: the step between the two lowest voltages is the smallest.
    return v_ml_V(bits - 1, bits, t) - v_ml_V(bits, bits, t);
}

double CamSpec::required_step_V() const {
    return std::max(kMinStepOverNoise * sense_noise_V, 1e-6 * vdd_V());
}

CamSpec::EvalRange CamSpec::eval_time_range() const {
    // step(t) = VDD (e^{-t g1 / C} - e^{-t g2 / C}) rises from 0 to its peak at
    // t* = C ln(g2 / g1) / (g2 - g1), then falls: the times that meet the step form [lo, hi].
    const double c = ml_capacitance_F();
    const double g1 = (bits - 1) * g_lrs_S() + g_hrs_S(), g2 = bits * g_lrs_S();
    const double peak = c * std::log(g2 / g1) / (g2 - g1);
    const double need = required_step_V();
    EvalRange r;
    if (min_count_step_V(peak) < need) return r;
    const auto solve = [&](double a, double b, bool rising) {
        for (int i = 0; i < 200; ++i) {
            const double m = 0.5 * (a + b);
            ((min_count_step_V(m) >= need) == rising ? b : a) = m;
        }
        return 0.5 * (a + b);
    };
    double far = 2.0 * peak;
    while (min_count_step_V(far) >= need)
        far *= 2.0;
    r.lo_s = solve(0.0, peak, true);
    r.hi_s = solve(peak, far, false);
    return r;
}

double CamSpec::tap_switches() const {
    return std::ldexp(2.0, sense_bits()) - 2.0;
}

double CamSpec::search_line_J() const {
    return sl_capacitance_F() * vdd_V() * vdd_V();
}

double CamSpec::key_latch_J() const {
    return technology.register_energy_J(2 * bits);
}

double CamSpec::write_latch_J() const {
    return technology.register_energy_J(2 * bits);
}

double CamSpec::sense_J() const {
    // Each decision fires the comparator and clocks the SAR register's bit; over a conversion
    // the tap-select tree's switches (2^(b+1) - 2) have their gates switched once each on
    // average (decision i re-steers the 2^i switches of tree level i; assumed).
    return (sense_bits() * (Technology::kComparatorGates + Technology::kFlipFlopGates) +
            tap_switches() * kTapSwitchGates) *
           technology.gate_energy_J();
}

double CamSpec::ladder_J() const {
    // The shared resistor string (total R) is sized so that a tap at its middle (source
    // resistance R / 4) settles the W comparator inputs it may drive (W x the sense input) to
    // half an LSB of b bits, (b + 1) ln 2 time constants, within one decision t_d; it draws
    // VDD^2 / R for the b decisions: E = b t_d VDD^2 / R = (ln 2 / 4) b (b + 1) W C_in VDD^2,
    // whatever t_d (a first-order sizing, assumed).
    const double b = sense_bits();
    return std::log(2.0) / 4.0 * b * (b + 1.0) * words * sense_input_cap_F * vdd_V() * vdd_V();
}

double CamSpec::resolve_J() const {
    return words * technology.compare_energy_J(sense_bits());
}

double CamSpec::precharge_full_J() const {
    return ml_capacitance_F() * vdd_V() * vdd_V();
}

double CamSpec::sense_time_s() const {
    return sense_bits() * kFo4PerDecision * technology.fo4_delay_s;
}

double CamSpec::resolve_time_s() const {
    // A tree of ceil(log2 W) levels of b-bit comparators, each ceil(log2 b) + 1 FO4 deep.
    const double levels = std::ceil(std::log2(std::max(2, words)));
    const double depth = std::ceil(std::log2(std::max(2, sense_bits()))) + 1.0;
    return levels * depth * technology.fo4_delay_s;
}

double CamSpec::search_time_s() const {
    return precharge_time_s + t_eval_s() + sense_time_s() + resolve_time_s();
}

std::uint64_t CamSpec::search_cycles() const {
    return cycles_for(search_time_s(), clock_Hz);
}

std::uint64_t CamSpec::write_cycles(int sets, int resets) const {
    const int phases = (sets > 0 ? 1 : 0) + (resets > 0 ? 1 : 0);
    return cycles_for(phases * write_pulse_s, clock_Hz);
}

double CamSpec::periphery_gates() const {
    const int b = sense_bits();
    // Per word: comparator, b-bit SAR register and one gate of SAR logic per bit, the tap-select
    // tree; the resolve tree's b-bit comparator (a full adder per bit). Per column: two SL
    // drivers, a write driver. The key and write latches: 2B flip-flops each. The reference
    // ladder: 2^b resistors (area only: it draws current only while converting).
    const double per_word = Technology::kComparatorGates + tap_switches() * kTapSwitchGates +
                            b * (Technology::kFlipFlopGates + 1.0 + Technology::kFullAdderGates);
    const double per_column = 2.0 * kSlDriverGates + kWriteDriverGates;
    return words * per_word + bits * per_column + 4.0 * bits * Technology::kFlipFlopGates +
           std::ldexp(1.0, b) * kLadderResistorGates;
}

double CamSpec::area_m2() const {
    return static_cast<double>(words) * bits * cell_area_m2() / array_efficiency +
           technology.area_m2(periphery_gates());
}

double CamSpec::leakage_W() const {
    // The ladder's resistors do not leak: it is switched off between conversions (assumed).
    return technology.leakage_W(periphery_gates() -
                                std::ldexp(1.0, sense_bits()) * kLadderResistorGates);
}

const SpecTable<CamSpec>& CamSpec::table() {
    static const SpecTable<CamSpec> table = [] {
        SpecTable<CamSpec> t;
        t.integer("words", NEUROTLM_FIELD(words), 64, "stored words W (match lines)", 1, 65536);
        t.integer("bits", NEUROTLM_FIELD(bits), 64, "bits B of a word (2T2R cells per match line)",
                  1, 4096);
        t.positive("r_lrs", Unit::ohm, NEUROTLM_FIELD(r_lrs_ohm), "147.9 kohm",
                   "low-resistance state; default: geometric mean of the 90-243 kohm LRS of the "
                   "1S1R TCAM cited in the semantic-memory network paper (Zhang et al., "
                   "arXiv:2407.08990)");
        t.positive("hrs_over_lrs", Unit::none, NEUROTLM_FIELD(hrs_over_lrs), 17.3,
                   "HRS / LRS resistance ratio (default 17.3: the same 1S1R TCAM)", 1.0);
        t.number("variation_sigma", Unit::none, NEUROTLM_FIELD(variation_sigma), 0.05,
                 "lognormal sigma of a programmed cell's conductance, drawn at every write of "
                 "the cell, mean-preserving (default 0.05: assumed, write-verified cells)",
                 0.0, 2.0);
        t.number("sense_noise", Unit::volt, NEUROTLM_FIELD(sense_noise_V), "1 mV",
                 "rms noise of the sampled match-line voltage, per word and search (default: "
                 "assumed)",
                 0.0, 1.0);
        t.number("set_energy", Unit::joule, NEUROTLM_FIELD(set_energy_J), "17.5 fJ",
                 "energy of one SET (to LRS); default: the 1S1R TCAM's 17.5 fJ", 0.0);
        t.number("reset_energy", Unit::joule, NEUROTLM_FIELD(reset_energy_J), "538 fJ",
                 "energy of one RESET (to HRS); default: the 1S1R TCAM's 538 fJ", 0.0);
        t.positive("write_pulse", Unit::second, NEUROTLM_FIELD(write_pulse_s), "10 ns",
                   "one SET or one RESET phase of a word write (default: assumed)");
        t.positive("precharge_time", Unit::second, NEUROTLM_FIELD(precharge_time_s), "100 ps",
                   "match-line precharge, search lines settling meanwhile (default: assumed)");
        t.number("eval_time", Unit::second, NEUROTLM_FIELD(eval_time_s), 0.0,
                 "match-line evaluation time; 0 = the time a word mismatching in all B bits "
                 "takes to fall to e^-2 VDD, 2 C_ML / (B G_LRS) (assumed design rule); the "
                 "block refuses one whose smallest step between adjacent counts is below twice "
                 "sense_noise and says which times would do (8-155 ps at the defaults)",
                 0.0, 100e-9);
        t.positive("cell_area_f2", Unit::none, NEUROTLM_FIELD(cell_area_F2), 24.0,
                   "2T2R cell area in F^2 of the technology's node (default 24: assumed, two "
                   "transistor-limited 1T1R cells of 12 F^2)");
        t.number("sense_input_capacitance", Unit::farad, NEUROTLM_FIELD(sense_input_cap_F), "1 fF",
                 "the sense amplifier's input on the match line (default: assumed)", 0.0, 1e-9);
        t.positive("array_efficiency", Unit::none, NEUROTLM_FIELD(array_efficiency), 0.7,
                   "cell area over array area (default 0.7: assumed)", 0.0, 1.0);
        return t;
    }();
    return table;
}

CamSpec CamSpec::in_technology(const Params& p, const Technology& tech) {
    CamSpec s = table().build(p);
    s.technology = tech;
    return s;
}

namespace {
std::string cam_format(const char* fmt, double a, double b = 0.0, double c = 0.0, double d = 0.0) {
    char buf[160];
    std::snprintf(buf, sizeof buf, fmt, a, b, c, d);
    return buf;
}
} // namespace

std::string CamSpec::sensing_problem(std::string* param) const {
    // The ladder must separate the counts: the smallest step between adjacent counts (at B - 1
    // and B mismatches, where the line is lowest) against the noise of the sampled voltage.
    const double step = min_count_step_V(), need = required_step_V();
    if (step >= need) return "";
    const EvalRange r = eval_time_range();
    std::string why = "cam_array: at eval_time " + cam_format("%.4g ns", t_eval_s() * 1e9) +
                      " the smallest step between adjacent counts (B - 1 and B of " +
                      std::to_string(bits) + ") is " + cam_format("%.4g mV", step * 1e3) +
                      ", below " + cam_format("%g", kMinStepOverNoise) + " x sense_noise (" +
                      cam_format("%.4g mV", need * 1e3) + "); ";
    if (r.empty()) {
        const double c = ml_capacitance_F();
        const double g1 = (bits - 1) * g_lrs_S() + g_hrs_S(), g2 = bits * g_lrs_S();
        const double peak = c * std::log(g2 / g1) / (g2 - g1);
        if (param) *param = "sense_noise";
        return why + "no eval_time gives that at " + std::to_string(bits) +
               " bits: the largest step is " +
               cam_format("%.4g mV at %.4g ns", min_count_step_V(peak) * 1e3, peak * 1e9) +
               " (fewer bits or less noise)";
    }
    if (param) *param = "eval_time";
    return why + "eval_time must be within " +
           cam_format("%.4g-%.4g ns", r.lo_s * 1e9, r.hi_s * 1e9) + " at " + std::to_string(bits) +
           " bits (at most " + cam_format("%.4g ns", r.hi_s * 1e9) + ")";
}

void CamSpec::check() const {
    if (const auto out = table().check(*this); !out.empty())
        throw InputError("cam_array: " + out.front());
    if (const std::string why = sensing_problem(); !why.empty()) throw InputError(why);
}

EnergyTable cam_energy_table(const CamSpec& s) {
    namespace ec = energy_class;
    return {
        {"search_line", s.search_line_J(), "one cared key bit driven on its search line",
         ec::row_drivers},
        {"match_line", 0.0,
         "one word's match line precharged again: C_ML VDD (VDD - V_ML(t_eval)), from the data",
         ec::array},
        {"sense", s.sense_J(),
         "one word's SAR conversion of its match-line voltage (comparator, register, tap tree)",
         ec::adc},
        {"reference_ladder", s.ladder_J(), "one search's current in the shared reference ladder",
         ec::adc},
        {"resolve", s.resolve_J(), "one search's decision over the words' distances",
         ec::activation},
        {"key_latch", s.key_latch_J(), "one key latched into the search-line drivers",
         ec::row_drivers},
        {"write_latch", s.write_latch_J(), "one word latched into the write drivers", ec::write},
        {"cell_set", s.set_energy_J, "one memristor SET (to LRS)", ec::write},
        {"cell_reset", s.reset_energy_J, "one memristor RESET (to HRS)", ec::write},
    };
}

// ---------------------------------------------------------------------------------------------
// The array

CamArray::CamArray(const CamSpec& spec, RngStream rng)
    : m_spec(spec), m_cells(rng.derive("cells")), m_noise(rng.derive("sense")),
      m_cell(static_cast<std::size_t>(spec.words) * static_cast<std::size_t>(spec.bits)),
      m_stored(static_cast<std::size_t>(spec.words), TernaryWord(spec.bits)),
      m_valid(static_cast<std::size_t>(spec.words), false) {
    m_spec.check();
    // Cells start formed and RESET (HRS), at the nominal conductance (assumed).
    for (Cell& c : m_cell)
        c.ga = c.gb = m_spec.g_hrs_S();
}

double CamArray::draw(bool lrs) {
    const double g = lrs ? m_spec.g_lrs_S() : m_spec.g_hrs_S();
    const double s = m_spec.variation_sigma;
    if (s == 0.0) return g;
    // Mean-preserving: E[exp(s N - s^2 / 2)] = 1.
    return g * std::exp(s * m_cells.normal() - 0.5 * s * s);
}

CamWriteCost CamArray::write(int index, const TernaryWord& word) {
    if (index < 0 || index >= m_spec.words)
        throw InputError("cam_array: word " + std::to_string(index) + " of " +
                         std::to_string(m_spec.words));
    if (word.bits != m_spec.bits)
        throw InputError("cam_array: a word of " + std::to_string(word.bits) +
                         " bits for an "
                         "array of " +
                         std::to_string(m_spec.bits));
    CamWriteCost cost;
    for (int i = 0; i < m_spec.bits; ++i) {
        Cell& c = m_cell[static_cast<std::size_t>(index) * m_spec.bits + i];
        const Trit t = word.get(i);
        const bool a = t == Trit::zero, b = t == Trit::one;
        if (a != c.a_lrs) {
            (a ? cost.sets : cost.resets) += 1;
            c.a_lrs = a;
            c.ga = draw(a);
        }
        if (b != c.b_lrs) {
            (b ? cost.sets : cost.resets) += 1;
            c.b_lrs = b;
            c.gb = draw(b);
        }
    }
    m_stored[static_cast<std::size_t>(index)] = word;
    m_valid[static_cast<std::size_t>(index)] = true;
    cost.cycles = m_spec.write_cycles(cost.sets, cost.resets);
    return cost;
}

const TernaryWord& CamArray::stored(int index) const {
    return m_stored.at(static_cast<std::size_t>(index));
}

double CamArray::ml_conductance_S(int index, const TernaryWord& key) const {
    double g = 0.0;
    for (int i = 0; i < m_spec.bits; ++i) {
        const Trit k = key.get(i);
        if (k == Trit::x) continue;
        const Cell& c = m_cell[static_cast<std::size_t>(index) * m_spec.bits + i];
        g += k == Trit::one ? c.ga : c.gb;
    }
    return g;
}

int CamArray::sense_count(double v, int cared) const {
    if (v <= 0.0) return cared;
    const double g = -m_spec.ml_capacitance_F() / m_spec.t_eval_s() * std::log(v / m_spec.vdd_V());
    const double n =
        std::round((g - cared * m_spec.g_hrs_S()) / (m_spec.g_lrs_S() - m_spec.g_hrs_S()));
    return static_cast<int>(std::clamp(n, 0.0, static_cast<double>(cared)));
}

CamSearchResult CamArray::search(const TernaryWord& key, const CamQuery& q) {
    if (key.bits != m_spec.bits)
        throw InputError("cam_array: a key of " + std::to_string(key.bits) +
                         " bits for an array "
                         "of " +
                         std::to_string(m_spec.bits));
    if (q.threshold < 0 || q.threshold > m_spec.bits || q.margin < 0 || q.margin > m_spec.bits)
        throw InputError("cam_array: threshold and margin must be within 0.." +
                         std::to_string(m_spec.bits));
    CamSearchResult r;
    r.mode = q.mode;
    r.cared_key_bits = key.cared();
    const std::size_t w = static_cast<std::size_t>(m_spec.words);
    r.distances.assign(w, -1);
    r.exact_distances.assign(w, -1);
    r.matched.assign(w, false);
    const double c = m_spec.ml_capacitance_F(), t = m_spec.t_eval_s(), vdd = m_spec.vdd_V();
    const int limit = q.mode == CamMode::exact ? 0 : q.threshold;
    for (std::size_t i = 0; i < w; ++i) {
        if (!m_valid[i]) continue;
        const double g = ml_conductance_S(static_cast<int>(i), key);
        const double v_line = vdd * std::exp(-t * g / c);
        // The charge restored is the line's; the noise is the sampler's, not charge lost.
        r.match_line_J += c * vdd * (vdd - v_line);
        double v = v_line;
        if (m_spec.sense_noise_V > 0.0) v += m_spec.sense_noise_V * m_noise.normal();
        const int d = sense_count(v, r.cared_key_bits);
        r.distances[i] = d;
        r.exact_distances[i] = hamming_distance(m_stored[i], key);
        if (d != r.exact_distances[i]) ++r.sense_errors;
        ++r.words_sensed;
        // The two smallest distances; ties go to the lower index.
        if (r.best < 0 || d < r.best_distance) {
            r.second = r.best;
            r.second_distance = r.best_distance;
            r.best = static_cast<int>(i);
            r.best_distance = d;
        } else if (r.second < 0 || d < r.second_distance) {
            r.second = static_cast<int>(i);
            r.second_distance = d;
        }
        if ((q.mode == CamMode::exact || q.mode == CamMode::threshold) && d <= limit) {
            r.matched[i] = true;
            ++r.matches;
        }
    }
    switch (q.mode) {
    case CamMode::exact:
    case CamMode::threshold: r.found = r.matches > 0; break;
    case CamMode::best: r.found = r.best >= 0; break;
    case CamMode::top2: r.found = r.best >= 0; break;
    }
    r.confident = r.found && (q.mode != CamMode::top2 || r.second < 0 ||
                              r.second_distance - r.best_distance >= q.margin);
    r.cycles = m_spec.search_cycles();
    return r;
}

double cam_search_energy_J(const CamSpec& s, const CamSearchResult& r) {
    return r.cared_key_bits * s.search_line_J() + r.match_line_J + r.words_sensed * s.sense_J() +
           s.ladder_J() + s.resolve_J();
}

double cam_write_energy_J(const CamSpec& s, const CamWriteCost& c) {
    return s.write_latch_J() + c.sets * s.set_energy_J + c.resets * s.reset_energy_J;
}

// ---------------------------------------------------------------------------------------------
// The analytic error rate

CamSenseTails predicted_sense_tails(const CamSpec& s, int n, int k) {
    if (n < 0 || n > k || k > s.bits)
        throw InputError("predicted_sense_error: " + std::to_string(n) + " mismatches of " +
                         std::to_string(k) + " cared bits in a word of " + std::to_string(s.bits) +
                         " (0 <= mismatches <= cared <= bits)");
    const double gl = s.g_lrs_S(), gh = s.g_hrs_S(), half = (gl - gh) / 2.0;
    const double spread = std::exp(s.variation_sigma * s.variation_sigma) - 1.0;
    const double cells = (n * gl * gl + (k - n) * gh * gh) * spread;
    const double c = s.ml_capacitance_F(), t = s.t_eval_s();
    const double g = n * gl + (k - n) * gh;
    // Beyond a boundary at g +- half, where the reference voltage is V(g +- half).
    const auto tail = [&](double boundary_g) {
        const double v_ref = s.vdd_V() * std::exp(-t * boundary_g / c);
        const double noise = c * s.sense_noise_V / (t * v_ref);
        const double sd = std::sqrt(cells + noise * noise);
        return sd == 0.0 ? 0.0 : 0.5 * std::erfc(half / sd / std::sqrt(2.0));
    };
    CamSenseTails r;
    if (n > 0) r.low = tail(g - half);
    if (n < k) r.high = tail(g + half);
    return r;
}

double predicted_sense_error(const CamSpec& s, int n, int k) {
    return predicted_sense_tails(s, n, k).total();
}

} // namespace neurotlm
