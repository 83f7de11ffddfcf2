#include "neurotlm/blocks/cam/cam.h"

#include <algorithm>
#include <cmath>
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

TernaryWord::TernaryWord(int n) : bits(n), value(limbs(n), 0), care(limbs(n), 0) {
    if (n < 0) throw InputError("a ternary word cannot have " + std::to_string(n) + " bits");
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
    const std::size_t l = static_cast<std::size_t>(i / 64);
    if (!(care.at(l) & bit(i))) return Trit::x;
    return value[l] & bit(i) ? Trit::one : Trit::zero;
}

void TernaryWord::set(int i, Trit t) {
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
    const double g = mismatches * g_lrs_S() + (cared - mismatches) * g_hrs_S();
    return vdd_V() * std::exp(-t_eval_s() * g / ml_capacitance_F());
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
    // Each decision fires the comparator and clocks the SAR register's bit.
    return sense_bits() * (Technology::kComparatorGates + Technology::kFlipFlopGates) *
           technology.gate_energy_J();
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
    // Per word: comparator, b-bit SAR register and one gate of SAR logic per bit; the resolve
    // tree's b-bit comparator (a full adder per bit). Per column: two SL drivers, a write driver.
    // The key and write latches: 2B flip-flops each.
    const double per_word = Technology::kComparatorGates +
                            b * (Technology::kFlipFlopGates + 1.0 + Technology::kFullAdderGates);
    const double per_column = 2.0 * kSlDriverGates + kWriteDriverGates;
    return words * per_word + bits * per_column + 4.0 * bits * Technology::kFlipFlopGates;
}

double CamSpec::area_m2() const {
    return static_cast<double>(words) * bits * cell_area_m2() / array_efficiency +
           technology.area_m2(periphery_gates());
}

double CamSpec::leakage_W() const {
    return technology.leakage_W(periphery_gates());
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
                 "takes to fall to e^-2 VDD, 2 C_ML / (B G_LRS) (assumed design rule)",
                 0.0, 1e-3);
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

void CamSpec::check() const {
    if (const auto out = table().check(*this); !out.empty())
        throw InputError("cam_array: " + out.front());
    // The SAR's ladder must separate the counts: V at B mismatches well above the noise.
    if (v_ml_V(bits, bits) < 1e-6 * vdd_V())
        throw InputError("cam_array: eval_time discharges a fully mismatched match line below "
                         "1 uV of VDD; the sense amplifier cannot count it");
}

EnergyTable cam_energy_table(const CamSpec& s) {
    namespace ec = energy_class;
    return {
        {"search_line", s.search_line_J(), "one cared key bit driven on its search line",
         ec::row_drivers},
        {"match_line", 0.0,
         "one word's match line precharged again: C_ML VDD (VDD - V_ML(t_eval)), from the data",
         ec::array},
        {"sense", s.sense_J(), "one word's SAR conversion of its match-line voltage", ec::adc},
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
        double v = vdd * std::exp(-t * g / c);
        if (m_spec.sense_noise_V > 0.0) v += m_spec.sense_noise_V * m_noise.normal();
        r.match_line_J += c * vdd * (vdd - std::min(vdd, std::max(0.0, v)));
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
           s.resolve_J();
}

double cam_write_energy_J(const CamSpec& s, const CamWriteCost& c) {
    return s.write_latch_J() + c.sets * s.set_energy_J + c.resets * s.reset_energy_J;
}

// ---------------------------------------------------------------------------------------------
// The analytic error rate

double predicted_sense_error(const CamSpec& s, int n, int k) {
    const double gl = s.g_lrs_S(), gh = s.g_hrs_S();
    const double spread = std::exp(s.variation_sigma * s.variation_sigma) - 1.0;
    const double cells = (n * gl * gl + (k - n) * gh * gh) * spread;
    const double v = s.v_ml_V(n, k);
    const double noise = s.ml_capacitance_F() * s.sense_noise_V / (s.t_eval_s() * v);
    const double sd = std::sqrt(cells + noise * noise);
    if (sd == 0.0) return 0.0;
    const double tail = 0.5 * std::erfc((gl - gh) / 2.0 / sd / std::sqrt(2.0));
    return (n > 0 ? tail : 0.0) + (n < k ? tail : 0.0);
}

} // namespace neurotlm
