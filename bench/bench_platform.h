#pragma once
// The platform the TLM benchmarks run on: a controller, a router and one tile per size.

#include <cstdint>

#include "neurotlm/blocks/controller/controller_module.h"

namespace neurotlm::bench {

Controller* controller();
std::uint64_t tile_address(int n);

} // namespace neurotlm::bench
