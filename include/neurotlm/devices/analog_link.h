#pragma once
/// @brief Cost of an analog link: a bundle of point-to-point wires that carries a vector of
/// voltages or currents from one block to another without conversion (a crossbar tile's column
/// currents into a neuron bank's readout, a neuron bank's outputs onto the next tile's rows).
///
/// Energy: each wire is charged to its value's voltage and discharged before the next sample
/// (one sample per window, as IMAC-Sim's stimulus), so a sample costs C_wire V^2 per wire: half
/// dissipated while charging, half when discharging. A current is seen as the voltage it
/// develops across the receiver's input resistance. Delay: the sender's settling time plus the
/// time the distributed RC line takes to settle within a tolerance, modelled as one pole at the
/// Elmore time constant R_wire C_wire / 2.

#include <vector>

namespace neurotlm {

struct Technology;

/// What a link carries per element.
enum class AnalogSignal { voltage, current };

/// @brief How a receiver of differential line currents ends the two lines of a pair: what the
/// sender's array sees at the far end of its I+ and I- lines. A virtual ground (the default)
/// holds both lines at 0 V. A difference amplifier built of resistors loads them: the I+ line
/// sees plus_ohm to ground, the I- line minus_ohm to a node the amplifier holds at
/// minus_follows times the I+ line's voltage (IMAC-Sim's readout, gain g and input resistors R:
/// (1 + g) R, R and g / (1 + g)). The current the receiver takes is the one into plus_ohm less
/// the one into minus_ohm.
struct LineTermination {
    double plus_ohm = 0.0;  ///< 0: the I+ line is held at 0 V
    double minus_ohm = 0.0; ///< 0: the I- line is held at 0 V
    double minus_follows =
        0.0; ///< the I- resistor's far node, as a fraction of the I+ line's voltage

    bool virtual_ground() const { return plus_ohm == 0.0 && minus_ohm == 0.0; }
    bool operator==(const LineTermination& o) const {
        return plus_ohm == o.plus_ohm && minus_ohm == o.minus_ohm &&
               minus_follows == o.minus_follows;
    }
    bool operator!=(const LineTermination& o) const { return !(*this == o); }
    /// The currents into the two resistors (A) for lines with short-circuit currents
    /// @p isc_plus_A, @p isc_minus_A (into a virtual ground) and own conductances @p g_plus_S,
    /// @p g_minus_S to the sources (a Norton source each); a virtual ground passes the
    /// short-circuit currents.
    void currents(double isc_plus_A, double g_plus_S, double isc_minus_A, double g_minus_S,
                  double* i_plus_A, double* i_minus_A) const;
    /// Throws InputError unless both resistances are > 0 or both 0, and 0 <= minus_follows < 1.
    void check() const;
};

/// @brief Physical description of one link.
struct AnalogLinkSpec {
    AnalogSignal signal = AnalogSignal::voltage;
    double length_m = 0.0;            ///< wire length, sender to receiver
    double wire_cap_F_per_m = 0.2e-9; ///< from the technology
    double wire_res_ohm_per_m = 6.17e6;
    int wires_per_value = 1;        ///< 2 for a differential pair (I+ and I- lines)
    double load_ohm = 0.0;          ///< current links: receiver's input resistance
    double driver_settle_s = 0.0;   ///< sender's own settling before the wire
    double settle_tolerance = 0.01; ///< the wire is settled within this fraction of the step

    /// Wire figures from @p tech, the rest as given.
    static AnalogLinkSpec in_technology(const Technology& tech, AnalogSignal signal,
                                        double length_m);

    double wire_capacitance_F() const { return wire_cap_F_per_m * length_m; }
    double wire_resistance_ohm() const { return wire_res_ohm_per_m * length_m; }
    /// Elmore time constant of one distributed wire, R C / 2.
    double time_constant_s() const { return 0.5 * wire_resistance_ohm() * wire_capacitance_F(); }
    /// Sender settling + tau ln(1 / settle_tolerance).
    double delay_s() const;
    /// The voltage on a wire carrying @p value (a voltage, or a current times load_ohm).
    double wire_voltage_V(double value) const;
    /// Energy of one sample of @p values: sum wires_per_value C_wire V^2.
    double energy_J(const std::vector<double>& values) const;
    /// Throws InputError for a non-physical spec (negative length, tolerance outside (0, 1), ...).
    void check() const;
};

} // namespace neurotlm
