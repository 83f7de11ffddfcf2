#pragma once
/// @brief JSON Schemas (draft-07) of the platform file and the network file, generated from the
/// parameter tables the loaders validate against, so that an editor completes and checks a
/// file with the same keys, defaults, ranges and descriptions as neurotlm. A schema judges one
/// value at a time: what needs the whole platform (connections to declared components, address
/// overlaps, the workload against the platform) is left to `neurotlm validate`.

#include "neurotlm/core/params.h"

namespace neurotlm {

/// @brief The schema of a property for one declared parameter: its type, bounds (those the
/// loader applies, on the number form of a quantity), choices, default and description.
json param_schema(const ParamSpec& spec);

/// @brief An object schema for @p table: dotted names become nested objects, required keys are
/// listed, and unknown keys are refused (additionalProperties false) as the loader refuses them.
json param_table_schema(const ParamTable& table);

/// @brief The platform file: the top level, every registered component type and workload kind,
/// devices, technology and connections.
json platform_schema();

/// @brief The network file (docs/network-format.md).
json network_schema();

} // namespace neurotlm
