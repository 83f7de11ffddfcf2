#pragma once
/// @brief The parameter tables load_network() checks a network file against, for those (a JSON
/// Schema) that describe the format from the same declarations.

#include "neurotlm/core/params.h"

namespace neurotlm {

/// The keys of a network file's top level ("format", "version", "input", "layers", ...).
const ParamTable& network_param_table();
/// The keys of one layer object.
const ParamTable& network_layer_param_table();

} // namespace neurotlm
