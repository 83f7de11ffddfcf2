#pragma once
/// @file
/// @brief SPICE export of one layer of the fully analog chain, as the simulator models it:
/// crossbar tiles with their wire segments, each pair of lines ending in the bank's readout
/// amplifier, the parts' amplifier outputs tied to each neuron input, and the SOT-MRAM neurons.
/// ngspice's operating point of the netlist is the reference the chain's outputs are checked
/// against (layer_spice_test.cpp).
///
/// The netlist, per bank b, part k, row i, column c, pair j (physical columns 2j and 2j+1):
/// - row sources `VR<b>_<k>_<i>` at the row's voltage; with wires, the row line runs from the
///   source through one segment per cell (node `r<b>_<k>_<i>_<c>`), else every cell of the row
///   sits on the source's node;
/// - a cell of conductance G between its row node and its column node, for the rows and columns
///   on the lines (Crossbar::connected_rows, connected_cols: UnusedLines::absent leaves out those
///   beyond the programmed block);
/// - the column line from its first cell down one segment per cell to its last, and one more
///   segment to the readout input (`p<b>_<k>_<j>`, `m<b>_<k>_<j>`);
/// - the readout, as the tile ends each pair (Crossbar::termination): into the bank's difference
///   amplifier (R1, R2 of r_unit, R3, R4 of gain x r_unit, the op-amp a voltage-controlled
///   source of gain 10^9), or at a virtual ground (a 0 V source on each line and a
///   current-controlled voltage source of gain x r_unit on their difference);
/// - each part's amplifier output tied to the neuron input `n<b>_<j>` through `tie_ohm` (IMAC-Sim:
///   1 milliohm), and the neuron of neuron_spice.h (its own MTJ resistances) from `n<b>_<j>` to
///   `o<b>_<j>`; in BankMode::linear the output is the neuron input itself.
/// A `.control` block runs `op`, prints every `v(o<b>_<j>)` and quits.

#include <ostream>
#include <string>
#include <vector>

#include "neurotlm/blocks/crossbar/crossbar.h"
#include "neurotlm/blocks/neuron_bank/neuron_bank.h"

namespace neurotlm {

/// @brief One bank of a layer and the tiles (row blocks) whose readouts it averages.
struct ChainBankNet {
    std::vector<const Crossbar*> parts;        ///< programmed tiles, differential, analog weights
    std::vector<std::vector<double>> v_rows_V; ///< per part: the voltage of each physical row
    const NeuronBankSpec* bank = nullptr;      ///< parts, mode, readout, neuron
    const NeuronBankModel* neurons = nullptr;  ///< the bank's neurons (their own devices)
    int outputs = 0; ///< pairs used, from the first (at most the bank's neurons)
};

/// @brief Write the operating-point netlist of a layer of @p banks. Wires are the tiles' own
/// (wire_resistance and column_wire_resistance when ir_drop is on, else ideal). Throws InputError
/// for a tile that is not differential with analog weights, row voltages that do not match the
/// tiles, or a part count other than the bank's.
void write_chain_layer_netlist(std::ostream& out, const std::vector<ChainBankNet>& banks,
                               double tie_ohm = 1e-3, const std::string& title = "");

/// @brief The node whose voltage is output @p j of bank @p b.
std::string chain_layer_output_node(int b, int j);

/// @brief The `name = value` lines ngspice prints for `print` after `op`, as node name (without
/// `v(` `)`) to value. Throws InputError if none is found.
std::vector<std::pair<std::string, double>> parse_op_print(const std::string& output);

} // namespace neurotlm
