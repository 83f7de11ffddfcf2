#pragma once
/// @brief The parameter tables load_network() checks a network file against, for those (a JSON
/// Schema) that describe the format from the same declarations.

#include "neurotlm/core/params.h"

#include <string>
#include <vector>

namespace neurotlm {

inline constexpr const char* kNetworkFormatName = "neurotlm-network";
inline constexpr int kNetworkFormatVersion = 1;

/// The activation names a layer may give, in documentation order.
std::vector<std::string> activation_choices();

/// The keys of a network file's top level ("format", "version", "input", "layers", ...).
const ParamTable& network_param_table();
/// The keys of one layer object.
const ParamTable& network_layer_param_table();

} // namespace neurotlm
