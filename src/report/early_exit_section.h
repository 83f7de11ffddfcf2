#pragma once
// The early exits of a dynamic network (workload results with "early_exit"): the static and
// dynamic figures side by side, accuracy against computation and against energy over the
// threshold sweep, and the figures per class. Internal to src/report/.

#include <string>

#include "neurotlm/core/params.h"

namespace neurotlm::html {

/// The page section, or "" when @p workload_results hold no early exits.
std::string early_exit_section(const json& workload_results);

} // namespace neurotlm::html
