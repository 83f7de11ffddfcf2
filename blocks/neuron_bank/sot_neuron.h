#pragma once
/// @file
/// @brief The SOT-MRAM analog neuron of Amin et al. (GLSVLSI 2022, arXiv:2204.09918; the
/// IMAC-Sim netlists): a CMOS inverter with one SOT-MRAM MTJ in the input path (parallel state,
/// R_P) and one as feedback from the output to the inverter input (antiparallel, R_AP), the
/// input shifted by +0.4 V. A bank of such neurons with device-to-device variation, and the
/// differential readout amplifier that drives a neuron from a crossbar's I+ and I- lines.
///
/// The circuit, solved exactly at DC (README.md has the derivation):
///   Vs = Vin + input_shift
///   Vx = (R_AP Vs + R_P Vout) / (R_P + R_AP)          (no current into the gates)
///   I_p(Vx, Vout) - I_n(Vx, Vout) = (Vout - Vx) / R_AP (KCL at the output)
/// with both transistors square-law (Shichman-Hodges, SPICE level 1) devices. The residual is
/// strictly decreasing in Vout, so the one root is found by bisection between the rails.

#include <vector>

#include "neurotlm/core/rng.h"
#include "neurotlm/core/spec_table.h"
#include "neurotlm/devices/analog_link.h"

namespace neurotlm {

/// @brief One FinFET of the inverter as a square-law (Shichman-Hodges, SPICE level 1) MOSFET:
/// I = beta/2 (Vgs - Vt)^2 (1 + lambda Vds) in saturation, beta (Vgs - Vt - Vds/2) Vds
/// (1 + lambda Vds) in the linear region, 0 below threshold; beta = kp_per_fin x fins.
/// Quantities are for an n-channel device; a p-channel one is described by magnitudes.
struct MosfetSpec {
    double vt_V = 0.25;                   ///< threshold voltage magnitude
    double kp_per_fin_A_per_V2 = 0.66e-3; ///< transconductance parameter of one fin
    double lambda_per_V = 0.1;            ///< channel-length modulation
    int fins = 10;                        ///< fins in parallel (IMAC-Sim: nfin=10)

    double beta_A_per_V2() const { return kp_per_fin_A_per_V2 * fins; }
    /// Drain current for gate-source @p vgs and drain-source @p vds (any sign: the device is
    /// symmetric, source and drain swap when vds < 0; the result then is negative).
    double current_A(double vgs, double vds) const;
    /// dI/dVgs and dI/dVds at (vgs, vds >= 0).
    double gm_S(double vgs, double vds) const;
    double gds_S(double vgs, double vds) const;

    static const SpecTable<MosfetSpec>& table();
};

/// @brief Nominal parameters of one neuron (the defaults are IMAC-Sim's: R_P 8488.26 ohm,
/// R_AP 25464.79 ohm, +0.4 V shift, rails 0 and 0.8 V) and of the devices' variation.
struct SotNeuronSpec {
    double ra_ohm_m2 = 10e-12;   ///< MTJ resistance-area product (10 ohm um^2)
    double mtj_length_m = 50e-9; ///< major axis of the elliptical MTJ
    double mtj_width_m = 30e-9;  ///< minor axis
    double tmr = 2.0;            ///< R_AP / R_P - 1
    double ra_sigma = 0.0;       ///< lognormal sigma of each MTJ's RA (device to device)
    double tmr_sigma = 0.0;      ///< lognormal sigma of the feedback MTJ's TMR
    double input_shift_V = 0.4;  ///< added to the neuron input before R_P
    double rail_low_V = 0.0;     ///< inverter's low supply (NMOS source)
    double rail_high_V = 0.8;    ///< inverter's high supply (PMOS source)
    MosfetSpec nmos;
    MosfetSpec pmos;
    double c_in_F = 2e-15;              ///< inverter input (gate) capacitance
    double c_load_F = 2e-15;            ///< capacitance on the neuron output
    double settle_tolerance = 0.01;     ///< settled when within this fraction of the final step
    double window_s = 1e-9;             ///< sampling window of one activation (IMAC-Sim: 1 ns)
    double mtj_footprint_m2 = 0.01e-12; ///< layout area of one SOT-MRAM device
    double fin_pitch_m = 42e-9;         ///< for the transistors' area
    double gate_pitch_m = 70e-9;        ///< contacted gate pitch, for the transistors' area

    /// Area of the MTJ's ellipse, pi/4 x length x width.
    double mtj_area_m2() const;
    double r_p_ohm() const { return ra_ohm_m2 / mtj_area_m2(); }
    double r_ap_ohm() const { return r_p_ohm() * (1.0 + tmr); }
    double swing_V() const { return rail_high_V - rail_low_V; }
    /// Two MTJ footprints plus two transistors of fins x fin_pitch by 2 gate pitches each.
    double area_m2() const;

    /// Every parameter, bound to these fields ("nmos.vt", "pmos.fins", ...).
    static const SpecTable<SotNeuronSpec>& table();
    /// Build from validated parameters; relations between parameters (rails, thresholds)
    /// fail with the pointer of the parameter named.
    static SotNeuronSpec from_params(const Params& p);
    /// Throws InputError naming the first parameter out of its range or inconsistent with the
    /// others (for specs built in C++).
    void check() const;
};

/// @brief The DC state of one neuron at one input.
struct SotNeuronPoint {
    double vin_V = 0.0;
    double vx_V = 0.0; ///< inverter input
    double vout_V = 0.0;
    double i_divider_A = 0.0;  ///< through R_P and R_AP, from the shifted input to the output
    double i_nmos_A = 0.0;     ///< output to the low rail
    double i_pmos_A = 0.0;     ///< high rail to the output
    double p_divider_W = 0.0;  ///< dissipated in the two MTJs
    double p_inverter_W = 0.0; ///< dissipated in the two transistors
    double power_W() const { return p_divider_W + p_inverter_W; }
};

/// @brief One neuron with its own two MTJs (nominal, or as sampled for a bank).
class SotNeuron {
public:
    /// The nominal neuron of @p spec (checked).
    explicit SotNeuron(const SotNeuronSpec& spec);
    /// A neuron whose input MTJ has resistance-area product @p ra_in_ohm_m2 and whose feedback
    /// MTJ has @p ra_fb_ohm_m2 and TMR @p tmr_fb.
    SotNeuron(const SotNeuronSpec& spec, double ra_in_ohm_m2, double ra_fb_ohm_m2, double tmr_fb);

    const SotNeuronSpec& spec() const { return m_spec; }
    double r_in_ohm() const { return m_r_in_ohm; } ///< input MTJ (parallel state)
    double r_fb_ohm() const { return m_r_fb_ohm; } ///< feedback MTJ (antiparallel state)
    double ra_in_ohm_m2() const { return m_ra_in; }
    double ra_fb_ohm_m2() const { return m_ra_fb; }
    double tmr_fb() const { return m_tmr_fb; }

    double output_V(double vin_V) const;
    SotNeuronPoint operating_point(double vin_V) const;
    /// dVout/dVin at @p vin_V from the small-signal circuit (no finite differences).
    double slope(double vin_V) const;
    /// Energy dissipated in the neuron over one sampling window with input @p vin_V held.
    double energy_J(double vin_V) const {
        return operating_point(vin_V).power_W() * m_spec.window_s;
    }
    /// Time to settle within settle_tolerance after a step to @p vin_V: the slower mode of the
    /// circuit linearised there (input node: c_in between R_P and R_AP; output node: c_load,
    /// the transistors' gm and gds and R_AP).
    double settling_time_s(double vin_V) const;
    /// The input at which the output is mid-swing (the curve's centre).
    double center_input_V() const;

private:
    double residual(double vs, double vout) const;

    SotNeuronSpec m_spec;
    double m_ra_in;
    double m_ra_fb;
    double m_tmr_fb;
    double m_r_in_ohm;
    double m_r_fb_ohm;
};

/// @brief The inverter alone, unloaded: the output where the two drain currents are equal
/// (f_inv of the textbook form Vout = f_inv(Vx)).
double inverter_output_V(const SotNeuronSpec& spec, double vx_V);
/// @brief The inverter's switching point, f_inv(V) = V.
double inverter_switching_V(const SotNeuronSpec& spec);
/// @brief The neuron's slope at its centre in the limit of an infinite-gain inverter,
/// -R_AP / R_P = -(1 + TMR).
inline double ideal_center_slope(const SotNeuronSpec& spec) {
    return -(1.0 + spec.tmr);
}

/// @brief n neurons, each with its own MTJs sampled once at construction.
///
/// Neuron i draws from `rng.derive("neuron<i>")`, three normals in a fixed order (RA of the
/// input MTJ, RA of the feedback MTJ, TMR of the feedback MTJ), each a lognormal factor of
/// median 1 applied to the nominal value; a sigma of 0 gives the nominal value. So a neuron's
/// devices depend on the seed and its index only, not on the bank's size.
class NeuronBankModel {
public:
    NeuronBankModel(const SotNeuronSpec& spec, int neurons, const RngStream& rng);

    int size() const { return static_cast<int>(m_neurons.size()); }
    const SotNeuron& neuron(int i) const { return m_neurons.at(static_cast<std::size_t>(i)); }
    const SotNeuronSpec& spec() const { return m_spec; }

    /// One output voltage per neuron; @p vin_V has one input per neuron.
    std::vector<double> evaluate(const std::vector<double>& vin_V) const;

    struct Activation {
        std::vector<double> vout_V;
        double energy_J = 0.0;  ///< all neurons over one window
        double latency_s = 0.0; ///< the slowest neuron's settling time
    };
    Activation activate(const std::vector<double>& vin_V) const;
    double area_m2() const { return m_spec.area_m2() * size(); }

private:
    SotNeuronSpec m_spec;
    std::vector<SotNeuron> m_neurons;
};

/// @brief How a network trained with the reverse sigmoid r(x) = 1 / (1 + e^x) maps onto a
/// neuron: a pre-activation x is applied as Vin = center_V + scale_V x, and the normalised
/// output (Vout - rail_low) / swing approximates r(x).
struct ReverseSigmoidFit {
    double center_V = 0.0;  ///< input at mid-swing
    double scale_V = 0.0;   ///< volts per unit of x
    double max_error = 0.0; ///< largest |normalised output - r(x)| over the fitted range
    double rms_error = 0.0;

    double input_V(double x) const { return center_V + scale_V * x; }
    /// The pre-activation a neuron input stands for.
    double pre_activation(double vin_V) const { return (vin_V - center_V) / scale_V; }
};

/// @brief Fit r(x) to @p neuron over inputs [vin_low_V, vin_high_V] (@p points samples):
/// the centre where the output is mid-swing, the scale by least squares on the logit of the
/// normalised output (samples within 2 % of a rail left out), errors over all samples.
ReverseSigmoidFit fit_reverse_sigmoid(const SotNeuron& neuron, double vin_low_V, double vin_high_V,
                                      int points = 401);

/// @brief r(x) = 1 / (1 + e^x), the activation the neuron approximates.
double reverse_sigmoid(double x);

/// What the readout amplifier's inputs are to the crossbar's lines.
enum class ReadoutKind {
    /// The lines held at a virtual ground; the output gain x r_unit x (I+ - I-) from the
    /// short-circuit currents.
    transimpedance,
    /// IMAC-Sim's op-amp difference amplifier of resistors: the lines end in its input
    /// resistors and develop voltages; the output gain (V+ - V-).
    difference,
};

/// @brief The readout of one output. IMAC-Sim's (kind difference): an ideal op-amp difference
/// amplifier with R1 = R2 = r_unit and R3 = R4 = gain x r_unit. The I+ line sees
/// R2 + R4 = (1 + gain) r_unit to ground; the I- line sees R1 into the inverting node, which the
/// op-amp holds at the non-inverting node's voltage, V+ gain / (1 + gain). Either kind's output
/// is gain x r_unit x (I+ - I-) for the currents actually into its inputs.
struct ReadoutAmpSpec {
    ReadoutKind kind = ReadoutKind::transimpedance;
    double gain = 30.0;      ///< R3/R1 (IMAC-Sim: 30, 30, 10 for its three layers)
    double r_unit_ohm = 1e3; ///< R1 = R2
    /// An analog chain's mapping sets the gain from the network (mlp_inference); false keeps
    /// `gain` as given.
    bool fit_gain = true;

    /// How the amplifier ends a crossbar's pair of lines (a virtual ground for transimpedance).
    LineTermination termination() const;

    double plus_line_load_ohm() const { return (1.0 + gain) * r_unit_ohm; }
    /// Output for line voltages @p v_plus_V, @p v_minus_V: gain (V+ - V-).
    double output_V(double v_plus_V, double v_minus_V) const;
    /// Output for the currents flowing from the lines into the amplifier's input resistors:
    /// gain r_unit (I+ - I-), a transimpedance of gain x r_unit.
    double output_from_currents_V(double i_plus_A, double i_minus_A) const;
    /// Output when each line is a Norton source (short-circuit current into the amplifier,
    /// @p i_sc_*_A, and the line's own conductance to ground, @p g_*_S): the lines' voltages
    /// are solved with the amplifier's input loads.
    double output_from_norton_V(double i_sc_plus_A, double g_plus_S, double i_sc_minus_A,
                                double g_minus_S) const;

    static const SpecTable<ReadoutAmpSpec>& table();
    void check() const;
};

/// @brief The neuron input when a layer is split horizontally into parts, each with its own
/// amplifier, whose outputs are tied to the neuron input through equal resistors: their
/// average (exact for ideal amplifier outputs and a load much weaker than the ties).
double average_parts_V(const std::vector<double>& part_outputs_V);

} // namespace neurotlm
