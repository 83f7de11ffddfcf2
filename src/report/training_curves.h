#pragma once
// The learning curves of a training workload (results with an "epochs" array of per-epoch
// records, hardware and optionally software): test accuracy and loss against the epoch, side by
// side, and the per-epoch figures as a table. Internal to src/report/.

#include <string>

#include "neurotlm/core/params.h"

namespace neurotlm::html {

/// The page section, or "" when @p workload_results hold no epoch records.
std::string training_curves(const json& workload_results);

} // namespace neurotlm::html
