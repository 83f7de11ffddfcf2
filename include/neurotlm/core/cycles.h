#pragma once
/// @brief The one conversion from a duration to whole clock cycles: latencies are counted in
/// integer cycles of a block's clock and become simulated time only at the block's edge.

#include <cstdint>

namespace neurotlm {

/// Whole cycles of @p clock_Hz covering @p seconds (rounded up). A duration that is an exact
/// multiple of the period in decimal (10 ns at 1 GHz) does not gain a cycle from the binary
/// rounding of the product. Zero, negative or NaN durations take no cycles. Throws InputError
/// when the count does not fit in 64 bits.
std::uint64_t cycles_for(double seconds, double clock_Hz);

} // namespace neurotlm
