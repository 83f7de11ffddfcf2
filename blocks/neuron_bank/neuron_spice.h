#pragma once
/// @file
/// @brief SPICE export of one SOT-MRAM neuron (its DC transfer curve, and its response to an
/// input step), and readers of ngspice's printed tables.
///
/// The netlist is the neuron as SotNeuron models it: `VIN` (node `in`) is the neuron input,
/// `VSH` adds the input shift (node `s` = in + shift), `RIN` is the input MTJ from `s` to the
/// inverter input `x`, `RFB` the feedback MTJ from `x` to the output `out`, and `MN`/`MP` are
/// ngspice level-1 MOSFETs (`.model` cards with VTO, KP, LAMBDA of the spec, W = L so that
/// beta = KP x M with M the fin count; GAMMA 0 and the bulks on the sources, so no body effect)
/// between the rails `VLO` and `VHI`. A `.control` block runs `dc VIN start stop step` and
/// prints v(out) and v(x), then quits (so ngspice exits with status 0 and prints no closing note
/// into the table). Run it with `ngspice -b file.cir`.

#include <ostream>
#include <string>
#include <vector>

#include "neurotlm/blocks/neuron_bank/sot_neuron.h"

namespace neurotlm {

/// @brief The MOSFET model cards of @p spec's inverter (`nfin`, `pfin`) and its rails (sources
/// `VHI`, `VLO` on nodes `vhi`, `vlo`): once per netlist.
void write_neuron_models(std::ostream& out, const SotNeuronSpec& spec);
/// @brief One neuron from node @p in to node @p output (element and internal node names suffixed
/// with @p tag, so a netlist can hold many): the shift source, both MTJs and the inverter on the
/// rails @p vhi, @p vlo.
void write_neuron_instance(std::ostream& out, const SotNeuron& neuron, const std::string& tag,
                           const std::string& in, const std::string& output,
                           const std::string& vhi = "vhi", const std::string& vlo = "vlo");

/// @brief One point of a DC sweep as ngspice printed it.
struct NeuronSweepPoint {
    double vin_V = 0.0;
    double vout_V = 0.0;
    double vx_V = 0.0;
};

/// @brief Write the DC-sweep netlist of @p neuron (its own MTJ resistances) over
/// [vin_start_V, vin_stop_V] in steps of @p step_V.
void write_neuron_dc_netlist(std::ostream& out, const SotNeuron& neuron, double vin_start_V,
                             double vin_stop_V, double step_V, const std::string& title = "");
/// The same, to a file; throws InputError if it cannot be written.
void write_neuron_dc_netlist(const std::string& path, const SotNeuron& neuron, double vin_start_V,
                             double vin_stop_V, double step_V, const std::string& title = "");

/// @brief Write a transient netlist of @p neuron with the model's capacitances (c_in from the
/// inverter input to ground, c_load from the output to ground; the level-1 MOSFETs get none of
/// their own): the input steps from @p vin_from_V to @p vin_to_V at 10 ps with a 1 ps edge, and
/// `tran` prints v(out) and v(x) every @p step_s until @p stop_s.
void write_neuron_step_netlist(std::ostream& out, const SotNeuron& neuron, double vin_from_V,
                               double vin_to_V, double step_s, double stop_s);
void write_neuron_step_netlist(const std::string& path, const SotNeuron& neuron, double vin_from_V,
                               double vin_to_V, double step_s, double stop_s);
/// Time at which the step of write_neuron_step_netlist begins.
inline constexpr double kNeuronStepAt_s = 10e-12;

/// @brief The sweep's rows from ngspice's output of `print v(out) v(x)` after a `dc` analysis
/// (a table "Index v-sweep v(out) v(x)", repeated headers and page breaks ignored). Throws
/// InputError if no row is found or the rows are not numbered 0, 1, 2, ...
std::vector<NeuronSweepPoint> parse_neuron_sweep(const std::string& output);

/// @brief One printed time point of a transient run.
struct NeuronTransientPoint {
    double time_s = 0.0;
    double vout_V = 0.0;
    double vx_V = 0.0;
};
/// @brief The rows of `print v(out) v(x)` after a `tran` analysis (the same table format).
std::vector<NeuronTransientPoint> parse_neuron_transient(const std::string& output);

} // namespace neurotlm
