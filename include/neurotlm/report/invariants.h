#pragma once
/// @brief Physical invariants every report must satisfy: no negative or non-finite energy or
/// time, action energies add up to each component's dynamic energy, an uncounted action has
/// no energy, busy time within the simulated time, phases within the run. The platform checks
/// them after every run; a violation is a simulator bug, not a user error.

#include <string>
#include <vector>

#include "neurotlm/report/report.h"

namespace neurotlm {

/// Every violated invariant, as a sentence; empty when the report is sound.
std::vector<std::string> check_invariants(const Report& report);

} // namespace neurotlm
