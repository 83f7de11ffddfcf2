#pragma once
// Small platforms for tests, written as JSON the way a user would.

#include <string>

#include <nlohmann/json.hpp>

#include <functional>

#include "neurotlm/topology/config.h"
#include "neurotlm/topology/platform.h"

namespace neurotlm::testing {

/// Validate @p doc as if it were the file "test.json" in the source tree's configs/ folder.
PlatformConfig config_from(nlohmann::json doc, const LoadOptions& options = {});

/// A controller, a router and @p tiles crossbar tiles named tile0.. of rows x cols, on an
/// ideal device unless @p device is given.
nlohmann::json tile_platform(int tiles, int rows, int cols, nlohmann::json tile_overrides = {},
                             std::string device = "ideal");

/// Run @p job on the platform's controller thread (socket calls need elaboration finished)
/// and return the simulated time when it ended.
double run_job(Platform& platform, std::function<void(Controller&)> job);

} // namespace neurotlm::testing
