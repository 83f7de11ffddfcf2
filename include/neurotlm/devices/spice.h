#pragma once
/// @file
/// @brief Running ngspice in batch mode and reading what it prints: the circuit references the
/// blocks' netlist exports are checked against.

#include <map>
#include <string>
#include <vector>

namespace neurotlm {

/// @brief Every `name = value` line of ngspice output (names as printed, lower case).
std::map<std::string, double> parse_ngspice_values(const std::string& output);
/// @brief The currents i(<prefix>0) .. i(<prefix><n-1>) of n ammeters (0 V sources) from ngspice
/// output; throws InputError naming the first one missing.
std::vector<double> parse_ammeter_currents(const std::string& output, const std::string& prefix,
                                           int n);

/// @brief Run `ngspice -b` on @p netlist_path and return what it printed: stdout, then stderr
/// (kept apart while it runs, in @p netlist_path + ".stderr", removed afterwards).
/// Throws InputError if ngspice cannot be started.
std::string run_ngspice(const std::string& netlist_path, const std::string& ngspice = "ngspice");
/// True if an `ngspice` executable is on the PATH.
bool ngspice_available();

} // namespace neurotlm
