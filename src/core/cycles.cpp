#include "neurotlm/core/cycles.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "neurotlm/core/error.h"

namespace neurotlm {

std::uint64_t cycles_for(double seconds, double clock_Hz) {
    if (!(seconds > 0.0)) return 0;
    // The slack (1e-12 relative, far above the product's rounding error) forgives the binary
    // rounding of a product that is a whole number in decimal; capped at half a cycle so that
    // it never removes a whole cycle from a long duration.
    const double x = seconds * clock_Hz;
    const double c = std::ceil(x - std::min(0.5, x * 1e-12));
    if (!(c < 4.6e18))
        throw InputError("a latency of " + std::to_string(seconds) + " s at " +
                         std::to_string(clock_Hz) + " Hz is too many clock cycles to count");
    return static_cast<std::uint64_t>(c);
}

} // namespace neurotlm
