#pragma once
// `neurotlm export-spice` on an analog chain: one layer of tiles, readouts and neuron banks as
// an ngspice netlist, after the platform's workload has run, with the model's outputs to compare.

#include <string>

#include "neurotlm/topology/config.h"

namespace neurotlm::cli {

struct ChainExportArgs {
    std::string config; ///< the platform file (to keep it out of the output folder)
    std::string out;
    int layer = 1;      ///< 1 = the banks fed by tiles that no bank drives
    bool check = false; ///< run ngspice on the netlist and compare
    bool json = false;  ///< print what was written (and the check) as JSON
};

/// Exit status of `export-spice --check` when ngspice and the model differ by more than 2 % of
/// the swing (0 is agreement, 2 bad input, 1 an internal failure).
inline constexpr int kExitCheckFailed = 3;

/// True if @p cfg holds a neuron bank fed by tiles over analog links.
bool has_analog_chain(const PlatformConfig& cfg);

/// Run @p cfg's workload, then write `layer<L>.cir` and `expected_outputs.csv` (bank, output,
/// node, model volts) into args.out; with args.check, solve the netlist with ngspice and print
/// the largest difference (returns kExitCheckFailed if above 2 % of the neurons' swing).
int export_chain_layer(PlatformConfig cfg, const ChainExportArgs& args);

} // namespace neurotlm::cli
