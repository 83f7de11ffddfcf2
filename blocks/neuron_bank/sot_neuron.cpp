#include "neurotlm/blocks/neuron_bank/sot_neuron.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include "neurotlm/core/error.h"

namespace neurotlm {

namespace {

constexpr double kPi = 3.14159265358979323846;
// Bisection halves the bracket; 200 halvings reach the spacing of doubles from any bracket.
constexpr int kMaxHalvings = 200;

// The root of a strictly decreasing function f on [lo, hi] (f(lo) >= 0 >= f(hi)), to the
// resolution of doubles.
template <typename F> double decreasing_root(F f, double lo, double hi) {
    for (int i = 0; i < kMaxHalvings; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) break;
        if (f(mid) > 0.0)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

std::string number_text(double x) {
    std::ostringstream os;
    os << x;
    return os.str();
}

} // namespace

double MosfetSpec::current_A(double vgs, double vds) const {
    // Source and drain swap for a negative vds; the gate then drives against the old drain.
    if (vds < 0.0) return -current_A(vgs - vds, -vds);
    const double vov = vgs - vt_V;
    if (vov <= 0.0) return 0.0;
    const double beta = beta_A_per_V2();
    const double clm = 1.0 + lambda_per_V * vds;
    if (vds < vov) return beta * (vov - 0.5 * vds) * vds * clm;
    return 0.5 * beta * vov * vov * clm;
}

double MosfetSpec::gm_S(double vgs, double vds) const {
    const double vov = vgs - vt_V;
    if (vov <= 0.0) return 0.0;
    const double beta = beta_A_per_V2();
    const double clm = 1.0 + lambda_per_V * vds;
    return vds < vov ? beta * vds * clm : beta * vov * clm;
}

double MosfetSpec::gds_S(double vgs, double vds) const {
    const double vov = vgs - vt_V;
    if (vov <= 0.0) return 0.0;
    const double beta = beta_A_per_V2();
    if (vds < vov)
        return beta * (vov - vds) * (1.0 + lambda_per_V * vds) +
               beta * (vov - 0.5 * vds) * vds * lambda_per_V;
    return 0.5 * beta * vov * vov * lambda_per_V;
}

const SpecTable<MosfetSpec>& MosfetSpec::table() {
    static const SpecTable<MosfetSpec> table = [] {
        SpecTable<MosfetSpec> t;
        t.positive("vt", Unit::volt, NEUROTLM_FIELD(vt_V), 0.25,
                   "threshold voltage (magnitude; default 0.25 V: assumed for a 14 nm "
                   "high-performance FinFET)",
                   0.0, 5.0);
        t.positive("kp_per_fin", Unit::none, NEUROTLM_FIELD(kp_per_fin_A_per_V2), 0.66e-3,
                   "square-law transconductance parameter of one fin in A/V^2 (default "
                   "0.66 mA/V^2: about 100 uA per fin at |Vgs| = 0.8 V, assumed)",
                   0.0, 1.0);
        t.number("lambda", Unit::none, NEUROTLM_FIELD(lambda_per_V), 0.1,
                 "channel-length modulation in 1/V (default 0.1: assumed)", 0.0, 10.0);
        t.integer("fins", NEUROTLM_FIELD(fins), 10, "fins in parallel (IMAC-Sim: nfin=10)", 1,
                  10000);
        return t;
    }();
    return table;
}

double SotNeuronSpec::mtj_area_m2() const {
    return 0.25 * kPi * mtj_length_m * mtj_width_m;
}

double SotNeuronSpec::area_m2() const {
    const double transistors = (nmos.fins + pmos.fins) * fin_pitch_m * 2.0 * gate_pitch_m;
    return 2.0 * mtj_footprint_m2 + transistors;
}

const SpecTable<SotNeuronSpec>& SotNeuronSpec::table() {
    static const SpecTable<SotNeuronSpec> table = [] {
        SpecTable<SotNeuronSpec> t;
        t.positive("ra", Unit::ohm_square_metre, NEUROTLM_FIELD(ra_ohm_m2), 10e-12,
                   "MTJ resistance-area product (IMAC-Sim: 10 ohm um^2)", 0.0, 1e-6);
        t.positive("mtj_length", Unit::metre, NEUROTLM_FIELD(mtj_length_m), 50e-9,
                   "major axis of the elliptical MTJ (IMAC-Sim: 50 nm)", 0.0, 1e-3);
        t.positive("mtj_width", Unit::metre, NEUROTLM_FIELD(mtj_width_m), 30e-9,
                   "minor axis of the elliptical MTJ (IMAC-Sim: 30 nm)", 0.0, 1e-3);
        t.positive("tmr", Unit::none, NEUROTLM_FIELD(tmr), 2.0,
                   "tunnel magnetoresistance R_AP / R_P - 1 (IMAC-Sim: 2.0)", 0.0, 100.0);
        t.number("ra_sigma", Unit::none, NEUROTLM_FIELD(ra_sigma), 0.0,
                 "lognormal sigma of each MTJ's RA, drawn once per device", 0.0, 2.0);
        t.number("tmr_sigma", Unit::none, NEUROTLM_FIELD(tmr_sigma), 0.0,
                 "lognormal sigma of the feedback MTJ's TMR, drawn once per device", 0.0, 2.0);
        t.number("input_shift", Unit::volt, NEUROTLM_FIELD(input_shift_V), 0.4,
                 "voltage added to the neuron input before the input MTJ (IMAC-Sim: 0.4 V)", -10.0,
                 10.0);
        t.number("rail_low", Unit::volt, NEUROTLM_FIELD(rail_low_V), 0.0,
                 "inverter's low supply (IMAC-Sim: 0 V)", -10.0, 10.0);
        t.number("rail_high", Unit::volt, NEUROTLM_FIELD(rail_high_V), 0.8,
                 "inverter's high supply (IMAC-Sim: 0.8 V)", -10.0, 10.0);
        t.include<MosfetSpec>("nmos", NEUROTLM_FIELD(nmos), MosfetSpec::table());
        t.include<MosfetSpec>("pmos", NEUROTLM_FIELD(pmos), MosfetSpec::table());
        t.positive("c_in", Unit::farad, NEUROTLM_FIELD(c_in_F), 2e-15,
                   "inverter input capacitance (default 2 fF: about 0.1 fF per fin of 20 fins, "
                   "assumed)",
                   0.0, 1e-9);
        t.positive("c_load", Unit::farad, NEUROTLM_FIELD(c_load_F), 2e-15,
                   "capacitance on the neuron output (default 2 fF: the inverter's drains and a "
                   "short wire, assumed; the next layer's lines come on top)",
                   0.0, 1e-9);
        t.positive("settle_tolerance", Unit::none, NEUROTLM_FIELD(settle_tolerance), 0.01,
                   "settled when within this fraction of the final step", 0.0, 0.5);
        t.positive("window", Unit::second, NEUROTLM_FIELD(window_s), 1e-9,
                   "sampling window of one activation (IMAC-Sim: 1 ns)", 0.0, 1.0);
        t.positive("mtj_footprint", Unit::square_metre, NEUROTLM_FIELD(mtj_footprint_m2), 0.01e-12,
                   "layout area of one SOT-MRAM device with its write channel (default "
                   "0.01 um^2, as the sot_mram_amin2022 preset's cell_area: assumed)",
                   0.0, 1e-6);
        t.positive("fin_pitch", Unit::metre, NEUROTLM_FIELD(fin_pitch_m), 42e-9,
                   "fin pitch, for the transistors' area (14 nm: 42 nm)", 0.0, 1e-5);
        t.positive("gate_pitch", Unit::metre, NEUROTLM_FIELD(gate_pitch_m), 70e-9,
                   "contacted gate pitch, for the transistors' area (14 nm: 70 nm)", 0.0, 1e-5);
        return t;
    }();
    return table;
}

namespace {

// Relations between parameters, as (parameter, expected, found); empty when consistent.
struct Relation {
    std::string name, expected, found;
};

Relation relation_problem(const SotNeuronSpec& s) {
    if (!(s.rail_high_V > s.rail_low_V))
        return {"rail_high", "a voltage above rail_low (" + number_text(s.rail_low_V) + " V)",
                number_text(s.rail_high_V) + " V"};
    if (!(s.nmos.vt_V < s.swing_V()))
        return {"nmos.vt",
                "a threshold below the supply swing (" + number_text(s.swing_V()) +
                    " V), or the NMOS never conducts",
                number_text(s.nmos.vt_V) + " V"};
    if (!(s.pmos.vt_V < s.swing_V()))
        return {"pmos.vt",
                "a threshold below the supply swing (" + number_text(s.swing_V()) +
                    " V), or the PMOS never conducts",
                number_text(s.pmos.vt_V) + " V"};
    return {};
}

} // namespace

SotNeuronSpec SotNeuronSpec::from_params(const Params& p) {
    SotNeuronSpec s = table().build(p);
    const Relation r = relation_problem(s);
    if (!r.name.empty()) p.fail(r.name, r.expected, r.found);
    return s;
}

void SotNeuronSpec::check() const {
    if (const auto out = table().check(*this); !out.empty())
        throw InputError("sot_neuron: " + out.front());
    const Relation r = relation_problem(*this);
    if (!r.name.empty())
        throw InputError("sot_neuron: " + r.name + " must be " + r.expected + ", got " + r.found);
}

SotNeuron::SotNeuron(const SotNeuronSpec& spec)
    : SotNeuron(spec, spec.ra_ohm_m2, spec.ra_ohm_m2, spec.tmr) {}

SotNeuron::SotNeuron(const SotNeuronSpec& spec, double ra_in_ohm_m2, double ra_fb_ohm_m2,
                     double tmr_fb)
    : m_spec(spec), m_ra_in(ra_in_ohm_m2), m_ra_fb(ra_fb_ohm_m2), m_tmr_fb(tmr_fb) {
    m_spec.check();
    if (!(ra_in_ohm_m2 > 0.0) || !(ra_fb_ohm_m2 > 0.0) || !(tmr_fb > 0.0) ||
        !std::isfinite(ra_in_ohm_m2 + ra_fb_ohm_m2 + tmr_fb))
        throw InputError("sot_neuron: a device's RA and TMR must be finite and > 0, got RA " +
                         number_text(ra_in_ohm_m2) + " and " + number_text(ra_fb_ohm_m2) +
                         ", TMR " + number_text(tmr_fb));
    m_r_in_ohm = m_ra_in / m_spec.mtj_area_m2();
    m_r_fb_ohm = m_ra_fb / m_spec.mtj_area_m2() * (1.0 + m_tmr_fb);
}

// Current into the output node from the transistors minus what leaves through the feedback
// MTJ; strictly decreasing in vout (each term falls as vout rises, also through vx).
double SotNeuron::residual(double vs, double vout) const {
    const double vx = (m_r_fb_ohm * vs + m_r_in_ohm * vout) / (m_r_in_ohm + m_r_fb_ohm);
    const double i_p = m_spec.pmos.current_A(m_spec.rail_high_V - vx, m_spec.rail_high_V - vout);
    const double i_n = m_spec.nmos.current_A(vx - m_spec.rail_low_V, vout - m_spec.rail_low_V);
    return i_p - i_n - (vout - vx) / m_r_fb_ohm;
}

double SotNeuron::output_V(double vin_V) const {
    if (!std::isfinite(vin_V))
        throw InputError("sot_neuron: the input must be finite, got " + number_text(vin_V));
    const double vs = vin_V + m_spec.input_shift_V;
    auto f = [&](double vout) { return residual(vs, vout); };
    // The root lies between the rails unless the input drives current past a transistor that
    // is fully on; widen the bracket then (the device model is symmetric, so it stays valid).
    double lo = m_spec.rail_low_V, hi = m_spec.rail_high_V;
    const double step = m_spec.swing_V();
    for (int i = 0; i < 64 && f(lo) < 0.0; ++i)
        lo -= step * (1 << std::min(i, 20));
    for (int i = 0; i < 64 && f(hi) > 0.0; ++i)
        hi += step * (1 << std::min(i, 20));
    return decreasing_root(f, lo, hi);
}

SotNeuronPoint SotNeuron::operating_point(double vin_V) const {
    SotNeuronPoint p;
    p.vin_V = vin_V;
    p.vout_V = output_V(vin_V);
    const double vs = vin_V + m_spec.input_shift_V;
    const double r_sum = m_r_in_ohm + m_r_fb_ohm;
    p.vx_V = (m_r_fb_ohm * vs + m_r_in_ohm * p.vout_V) / r_sum;
    p.i_pmos_A = m_spec.pmos.current_A(m_spec.rail_high_V - p.vx_V, m_spec.rail_high_V - p.vout_V);
    p.i_nmos_A = m_spec.nmos.current_A(p.vx_V - m_spec.rail_low_V, p.vout_V - m_spec.rail_low_V);
    p.i_divider_A = (vs - p.vout_V) / r_sum;
    p.p_divider_W = p.i_divider_A * p.i_divider_A * r_sum;
    p.p_inverter_W =
        p.i_pmos_A * (m_spec.rail_high_V - p.vout_V) + p.i_nmos_A * (p.vout_V - m_spec.rail_low_V);
    return p;
}

namespace {

struct SmallSignal {
    double gm_S;  ///< both transistors' transconductance, NMOS + PMOS
    double gds_S; ///< both transistors' output conductance
};

SmallSignal small_signal(const SotNeuronSpec& s, double vx, double vout) {
    const double vsg = s.rail_high_V - vx, vsd = s.rail_high_V - vout;
    const double vgs = vx - s.rail_low_V, vds = vout - s.rail_low_V;
    return {s.nmos.gm_S(vgs, vds) + s.pmos.gm_S(vsg, vsd),
            s.nmos.gds_S(vgs, vds) + s.pmos.gds_S(vsg, vsd)};
}

} // namespace

double SotNeuron::slope(double vin_V) const {
    const SotNeuronPoint p = operating_point(vin_V);
    const SmallSignal ss = small_signal(m_spec, p.vx_V, p.vout_V);
    const double g_fb = 1.0 / m_r_fb_ohm;
    const double r_sum = m_r_in_ohm + m_r_fb_ohm;
    // dVout = -k dVx at the output node; dVx = a dVs + b dVout at the input node.
    const double k = (ss.gm_S - g_fb) / (ss.gds_S + g_fb);
    const double a = m_r_fb_ohm / r_sum, b = m_r_in_ohm / r_sum;
    return -k * a / (1.0 + k * b);
}

double SotNeuron::settling_time_s(double vin_V) const {
    const SotNeuronPoint p = operating_point(vin_V);
    const SmallSignal ss = small_signal(m_spec, p.vx_V, p.vout_V);
    const double g_in = 1.0 / m_r_in_ohm, g_fb = 1.0 / m_r_fb_ohm;
    const double j11 = -(g_in + g_fb) / m_spec.c_in_F, j12 = g_fb / m_spec.c_in_F;
    const double j21 = (g_fb - ss.gm_S) / m_spec.c_load_F;
    const double j22 = -(ss.gds_S + g_fb) / m_spec.c_load_F;
    const double half_trace = 0.5 * (j11 + j22);
    const double det = j11 * j22 - j12 * j21;
    const double disc = half_trace * half_trace - det;
    // The slower mode: the real eigenvalue nearer zero, or the real part of a complex pair.
    const double rate = disc >= 0.0 ? -(half_trace + std::sqrt(disc)) : -half_trace;
    if (!(rate > 0.0))
        throw InputError("sot_neuron: the circuit is not stable at input " + number_text(vin_V) +
                         " V");
    return std::log(1.0 / m_spec.settle_tolerance) / rate;
}

double SotNeuron::center_input_V() const {
    const double mid = 0.5 * (m_spec.rail_low_V + m_spec.rail_high_V);
    auto f = [&](double vin) { return output_V(vin) - mid; };
    const double guess = mid - m_spec.input_shift_V;
    double lo = guess - m_spec.swing_V(), hi = guess + m_spec.swing_V();
    for (int i = 0; i < 64 && f(lo) < 0.0; ++i)
        lo -= m_spec.swing_V() * (1 << std::min(i, 20));
    for (int i = 0; i < 64 && f(hi) > 0.0; ++i)
        hi += m_spec.swing_V() * (1 << std::min(i, 20));
    return decreasing_root(f, lo, hi);
}

double inverter_output_V(const SotNeuronSpec& s, double vx_V) {
    auto f = [&](double vout) {
        return s.pmos.current_A(s.rail_high_V - vx_V, s.rail_high_V - vout) -
               s.nmos.current_A(vx_V - s.rail_low_V, vout - s.rail_low_V);
    };
    // With one transistor off the other pulls the output to its rail.
    return decreasing_root(f, s.rail_low_V, s.rail_high_V);
}

double inverter_switching_V(const SotNeuronSpec& s) {
    return decreasing_root([&](double v) { return inverter_output_V(s, v) - v; }, s.rail_low_V,
                           s.rail_high_V);
}

NeuronBankModel::NeuronBankModel(const SotNeuronSpec& spec, int neurons, const RngStream& rng)
    : m_spec(spec) {
    m_spec.check();
    if (neurons < 0)
        throw InputError("neuron_bank: the number of neurons must be >= 0, got " +
                         std::to_string(neurons));
    m_neurons.reserve(static_cast<std::size_t>(neurons));
    for (int i = 0; i < neurons; ++i) {
        RngStream r = rng.derive("neuron" + std::to_string(i));
        // Always three draws, so a sigma of 0 on one parameter leaves the others' draws alone.
        const double z_ra_in = r.normal(), z_ra_fb = r.normal(), z_tmr = r.normal();
        m_neurons.emplace_back(m_spec, m_spec.ra_ohm_m2 * std::exp(m_spec.ra_sigma * z_ra_in),
                               m_spec.ra_ohm_m2 * std::exp(m_spec.ra_sigma * z_ra_fb),
                               m_spec.tmr * std::exp(m_spec.tmr_sigma * z_tmr));
    }
}

std::vector<double> NeuronBankModel::evaluate(const std::vector<double>& vin_V) const {
    if (vin_V.size() != m_neurons.size())
        throw InputError("neuron_bank: " + std::to_string(vin_V.size()) + " inputs for " +
                         std::to_string(m_neurons.size()) + " neurons");
    std::vector<double> out(vin_V.size());
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = m_neurons[i].output_V(vin_V[i]);
    return out;
}

NeuronBankModel::Activation NeuronBankModel::activate(const std::vector<double>& vin_V) const {
    if (vin_V.size() != m_neurons.size())
        throw InputError("neuron_bank: " + std::to_string(vin_V.size()) + " inputs for " +
                         std::to_string(m_neurons.size()) + " neurons");
    Activation a;
    a.vout_V.resize(vin_V.size());
    for (std::size_t i = 0; i < vin_V.size(); ++i) {
        const SotNeuronPoint p = m_neurons[i].operating_point(vin_V[i]);
        a.vout_V[i] = p.vout_V;
        a.energy_J += p.power_W() * m_spec.window_s;
        a.latency_s = std::max(a.latency_s, m_neurons[i].settling_time_s(vin_V[i]));
    }
    return a;
}

double reverse_sigmoid(double x) {
    // Written so that neither branch overflows.
    if (x >= 0.0) {
        const double e = std::exp(-x);
        return e / (1.0 + e);
    }
    return 1.0 / (1.0 + std::exp(x));
}

ReverseSigmoidFit fit_reverse_sigmoid(const SotNeuron& neuron, double vin_low_V, double vin_high_V,
                                      int points) {
    if (!(vin_high_V > vin_low_V) || points < 3)
        throw InputError("fit_reverse_sigmoid: need vin_high > vin_low and >= 3 points");
    const SotNeuronSpec& s = neuron.spec();
    ReverseSigmoidFit fit;
    fit.center_V = neuron.center_input_V();
    std::vector<double> vin(static_cast<std::size_t>(points)), y(vin.size());
    double sdd = 0.0, szd = 0.0;
    for (int i = 0; i < points; ++i) {
        const double v = vin_low_V + (vin_high_V - vin_low_V) * i / (points - 1);
        const double yi = (neuron.output_V(v) - s.rail_low_V) / s.swing_V();
        vin[static_cast<std::size_t>(i)] = v;
        y[static_cast<std::size_t>(i)] = yi;
        // Near the rails the logit amplifies the last millivolts; those samples would decide
        // the fit.
        if (yi < 0.02 || yi > 0.98) continue;
        const double d = v - fit.center_V;
        const double z = std::log(1.0 / yi - 1.0);
        sdd += d * d;
        szd += z * d;
    }
    if (!(szd > 0.0))
        throw InputError("fit_reverse_sigmoid: the range holds no part of the transition");
    fit.scale_V = sdd / szd;
    double sum2 = 0.0;
    for (std::size_t i = 0; i < vin.size(); ++i) {
        const double e = std::fabs(y[i] - reverse_sigmoid(fit.pre_activation(vin[i])));
        fit.max_error = std::max(fit.max_error, e);
        sum2 += e * e;
    }
    fit.rms_error = std::sqrt(sum2 / static_cast<double>(vin.size()));
    return fit;
}

double ReadoutAmpSpec::output_V(double v_plus_V, double v_minus_V) const {
    return gain * (v_plus_V - v_minus_V);
}

double ReadoutAmpSpec::output_from_currents_V(double i_plus_A, double i_minus_A) const {
    // V+ = I+ (1 + g) R; V- = V+ g / (1 + g) + I- R; gain (V+ - V-) = g R (I+ - I-).
    return gain * r_unit_ohm * (i_plus_A - i_minus_A);
}

double ReadoutAmpSpec::output_from_norton_V(double i_sc_plus_A, double g_plus_S,
                                            double i_sc_minus_A, double g_minus_S) const {
    // The lines into the difference amplifier's resistors, whatever the kind.
    const LineTermination t{plus_line_load_ohm(), r_unit_ohm, gain / (1.0 + gain)};
    double i_plus = 0.0, i_minus = 0.0;
    t.currents(i_sc_plus_A, g_plus_S, i_sc_minus_A, g_minus_S, &i_plus, &i_minus);
    return output_from_currents_V(i_plus, i_minus);
}

LineTermination ReadoutAmpSpec::termination() const {
    if (kind == ReadoutKind::transimpedance) return {};
    return {plus_line_load_ohm(), r_unit_ohm, gain / (1.0 + gain)};
}

const SpecTable<ReadoutAmpSpec>& ReadoutAmpSpec::table() {
    static const SpecTable<ReadoutAmpSpec> table = [] {
        SpecTable<ReadoutAmpSpec> t;
        t.choice<ReadoutKind>(
            "kind", NEUROTLM_FIELD(kind),
            {{"transimpedance", ReadoutKind::transimpedance},
             {"difference", ReadoutKind::difference}},
            "transimpedance",
            "transimpedance: the crossbar's lines held at a virtual ground, output gain x r_unit "
            "x (I+ - I-); difference: IMAC-Sim's op-amp difference amplifier, whose input "
            "resistors load the lines (the I+ line (1 + gain) r_unit to ground, the I- line "
            "r_unit), output gain (V+ - V-)");
        t.positive("gain", Unit::none, NEUROTLM_FIELD(gain), 30.0,
                   "difference amplifier gain R3/R1 (IMAC-Sim: 30, 30, 10 per layer)", 0.0, 1e6);
        t.boolean("fit_gain", NEUROTLM_FIELD(fit_gain), true,
                  "in an analog chain (mlp_inference), set the gain from the network: a "
                  "pre-activation of 1 reaches the neuron as its fitted reverse-sigmoid scale "
                  "(a difference amplifier's linearised at the layer's mean line conductance); "
                  "false keeps gain as given");
        t.positive("r_unit", Unit::ohm, NEUROTLM_FIELD(r_unit_ohm), 1e3,
                   "input resistors R1 = R2 (IMAC-Sim: 1 kohm); R3 = R4 = gain x r_unit", 0.0,
                   1e12);
        return t;
    }();
    return table;
}

void ReadoutAmpSpec::check() const {
    if (const auto out = table().check(*this); !out.empty())
        throw InputError("readout amplifier: " + out.front());
}

double average_parts_V(const std::vector<double>& part_outputs_V) {
    if (part_outputs_V.empty()) throw InputError("average_parts_V: no parts");
    double sum = 0.0;
    for (double v : part_outputs_V)
        sum += v;
    return sum / static_cast<double>(part_outputs_V.size());
}

} // namespace neurotlm
