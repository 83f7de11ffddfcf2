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

/// The device "cell" of exact_tiles(): an RRAM of 1024 levels without variation or read noise.
nlohmann::json exact_cell_devices();
/// A group "tile" of @p count tiles of rows x cols on that cell that compute the network
/// exactly but for float rounding: no variation, noise or converter error, 16-bit inputs in two
/// exact 8-bit slices.
nlohmann::json exact_tiles(int count, int rows, int cols);

/// Run @p job on the platform's controller thread (socket calls need elaboration finished)
/// and return the simulated time when it ended.
double run_job(Platform& platform, std::function<void(Controller&)> job);

} // namespace neurotlm::testing
