#pragma once
/// @file
/// @brief SPICE export of one Hopfield array read, and a reader of ngspice's batch output.
///
/// The netlist is the DC circuit of one recall iteration: neuron j's converter is two ideal
/// sources, `VA<j>` (node `a<j>`, +s_j V_read) and `VB<j>` (node `b<j>`, -s_j V_read); every MTJ
/// is a resistor at its state's resistance at the read bias, `RP<i>_<j>_<l>` from `a<j>` and
/// `RN<i>_<j>_<l>` from `b<j>`, both to neuron i's input node `c<i>`; each input is held at
/// virtual ground by a 0 V source `VM<i>` (c<i> to 0) whose current, i(vm<i>), is the neuron
/// input current I_i (positive into the neuron). A `.control` block runs `op` and prints every
/// i(vm<i>) with 12 digits. Run it with `ngspice -b file.cir`; ngspice then exits with status 1
/// after a harmless note, so judge the run by the printed values.

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "neurotlm/blocks/hopfield/hopfield.h"
#include "neurotlm/devices/spice.h"

namespace neurotlm {

/// @brief Write the netlist of one read of @p array with the rows driven by state @p drive
/// (bipolar, one entry per neuron).
void write_hopfield_netlist(std::ostream& out, const SynapseArray& array,
                            const HopfieldPattern& drive, const std::string& title = "");
/// The same, to a file; throws InputError if it cannot be written.
void write_hopfield_netlist(const std::string& path, const SynapseArray& array,
                            const HopfieldPattern& drive, const std::string& title = "");

/// @brief The neuron input currents i(vm0) .. i(vm<n-1>) from ngspice output; throws
/// InputError naming the first one missing.
std::vector<double> parse_neuron_currents(const std::string& output, int neurons);

} // namespace neurotlm
