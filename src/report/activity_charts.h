#pragma once
// Time-resolved sections of the report page: power over time by energy class and each block's
// activity (busy fraction) over time, from the report's time series. Internal to src/report/.

#include <string>

#include "neurotlm/core/params.h"

namespace neurotlm::html {

/// The page section, or "" when @p time_series is null or empty.
std::string activity_section(const json& time_series);

} // namespace neurotlm::html
