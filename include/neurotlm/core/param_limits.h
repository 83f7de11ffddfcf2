#pragma once
/// @brief The ceiling Params::validate puts on every quantity of a unit, whatever its own range:
/// for those (a JSON Schema) that must state the same limits as the loader.

#include "neurotlm/core/units.h"

namespace neurotlm {

/// @brief The largest magnitude a quantity in @p unit may have (a one-second read, a joule per
/// action are typos, not devices); the largest double for a unit without one.
double quantity_ceiling(Unit unit);

} // namespace neurotlm
