#pragma once
/// @file
/// @brief A transient SPICE netlist of a whole synchronous Hopfield recall, and the reader of
/// what ngspice prints for it.
///
/// The circuit, clock by clock (every element is named in the netlist's comments):
///
/// - **Rails.** `VPOS` (+V_read) and `VNEG` (-V_read) feed every row driver; their delivered
///   energy over the recall is the *supply energy* printed at the end.
/// - **Neuron latch.** Neuron j's state is the voltage of node `q<j>` (0 or VDD, a latch
///   capacitor). It is loaded with the probe before the first clock (switch from `p<j>`, LOAD
///   phase) and later tracks its comparator only while the LAT strobe is high.
/// - **Converter** (binary to bipolar; a behavioural equivalent of Spin-NeuroMem's XNOR gate and
///   inverter). While the read enable RD is high, row `a<j>` is switched to VPOS and `b<j>` to VNEG
///   if q<j> is high, the other way round if it is low; with RD low both rows are grounded. The
///   switch controls are `up<j> = RD q<j>` and `dn<j> = RD (1 - q<j>)` (behavioural AND gates).
/// - **Memory select.** Every memory slot k has its own copy of the rows, `a<j>_<k>` and
///   `b<j>_<k>`, joined to the converter through a switch closed by `SEL<k>`; only the selected
///   slot's rows are driven.
/// - **MTJs.** One element per MTJ of every slot, from its row to neuron i's input `c<i>`:
///   a resistor in the parallel state; in the antiparallel state a behavioural conductance with
///   the bias dependence `G(V) = g_read (1 + TMR(V_read)) / (1 + TMR(V))`,
///   `TMR(V) = tmr0 / (1 + V^2/v_half^2)`, so it sees the bias it really has.
/// - **Neuron.** An integrator: an op-amp (voltage-controlled source of gain A) with capacitor
///   C_int from `c<i>` to its output `o<i>`, so `c<i>` is a virtual ground and
///   `V(o<i>) = -Q_i / C_int` after the read; a reset switch (RST) empties it between reads.
///   The comparator `k<i>` decides on Q_i against theta_i (in weight steps) times one step's
///   charge; within a dead band of +-dead_band steps around the threshold it outputs the latch's
///   own state (the model keeps a neuron's state on a tie).
/// - **Capacitance.** Each line carries `line_capacitance_per_cell` per MTJ on it; the latch
///   node `latch_capacitance`.
///
/// One clock period is read_time + neuron_latency of the Hopfield spec (the model's latency of
/// one iteration): RD high for read_time; then LAT (40 % of neuron_latency, after a 20 % gap)
/// and RST. The netlist runs `cycles` periods after a 1 ns load phase, prints each neuron's
/// state after every clock (`s<k>_<i>`, volts) and the supply energy (`supply_energy`, J).

#include <iosfwd>
#include <string>
#include <vector>

#include "neurotlm/blocks/hopfield/hopfield.h"

namespace neurotlm {

/// The parts of the circuit the Hopfield model does not describe (all assumed).
struct HopfieldTransientOptions {
    double vdd_V = 1.0;                           ///< logic level of latches and clocks
    double driver_on_ohm = 1.0;                   ///< converter switch to a rail or ground
    double select_on_ohm = 1.0;                   ///< memory-select switch
    double line_capacitance_per_cell_F = 0.1e-15; ///< per MTJ on a row or input line
    double latch_capacitance_F = 10e-15;
    double integrator_gain = 1e6;
    /// Full scale of the integrator: (N - 1) L weight steps give this output swing.
    double integrator_swing_V = 1.0;
    double dead_band_steps = 0.05; ///< comparator band (weight steps) in which the latch holds
    double edge_s = 20e-12;        ///< rise and fall of every clock
    double load_time_s = 1e-9;     ///< before the first clock: the probe enters the latches
};

/// The clock of a transient netlist, from the spec.
struct HopfieldTransientTiming {
    double period_s = 0.0;
    double read_s = 0.0;
    double load_s = 0.0;
    /// End of clock @p k (0-based): where the state after it is sampled.
    double sample_time_s(int k) const;
    double end_s(int cycles) const { return load_s + cycles * period_s; }
};
HopfieldTransientTiming transient_timing(const HopfieldSpec& spec,
                                         const HopfieldTransientOptions& options);

/// @brief Write the transient netlist of a synchronous recall of @p net (active slot selected)
/// from @p probe over @p cycles clocks. Every slot's MTJs are in the netlist.
/// Throws InputError for float storage, an asynchronous update order or a bad probe.
void write_hopfield_transient_netlist(std::ostream& out, const HopfieldNetwork& net,
                                      const HopfieldPattern& probe, int cycles,
                                      const HopfieldTransientOptions& options = {},
                                      const std::string& title = "");
void write_hopfield_transient_netlist(const std::string& path, const HopfieldNetwork& net,
                                      const HopfieldPattern& probe, int cycles,
                                      const HopfieldTransientOptions& options = {},
                                      const std::string& title = "");

/// What ngspice printed for a transient recall.
struct HopfieldTransientResult {
    std::vector<HopfieldPattern> states; ///< after each clock
    double supply_energy_J = 0.0;        ///< delivered by VPOS and VNEG over the clocks
};
/// Throws InputError naming the first value missing (e.g. ngspice failed to converge).
HopfieldTransientResult parse_transient_output(const std::string& output, int neurons, int cycles,
                                               double vdd_V = 1.0);

/// The model's state after each clock of @p recall (recorded with steps): the drive of the
/// next iteration, the final state after the last.
std::vector<HopfieldPattern> states_per_clock(const HopfieldRecall& recall);

} // namespace neurotlm
