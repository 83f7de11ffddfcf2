#pragma once
// Small platforms for tests, written as JSON the way a user would.

#include <string>

#include <nlohmann/json.hpp>

#include "neurotlm/topology/config.h"

namespace neurotlm::testing {

/// Validate @p doc as if it were the file "test.json" in the source tree's configs/ folder.
PlatformConfig config_from(nlohmann::json doc, const LoadOptions& options = {});

/// A controller, a router and @p tiles crossbar tiles named tile0.. of rows x cols, on an
/// ideal device unless @p device is given.
nlohmann::json tile_platform(int tiles, int rows, int cols, nlohmann::json tile_overrides = {},
                             std::string device = "ideal");

} // namespace neurotlm::testing
