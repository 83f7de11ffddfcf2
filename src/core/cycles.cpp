#include "neurotlm/core/cycles.h"

#include <cmath>
#include <string>

#include "neurotlm/core/error.h"

namespace neurotlm {

std::uint64_t cycles_for(double seconds, double clock_Hz) {
    if (!(seconds > 0.0)) return 0;
    const double c = std::ceil(seconds * clock_Hz * (1.0 - 1e-12));
    if (!(c < 4.6e18))
        throw InputError("a latency of " + std::to_string(seconds) + " s at " +
                         std::to_string(clock_Hz) + " Hz is too many clock cycles to count");
    return static_cast<std::uint64_t>(c);
}

} // namespace neurotlm
