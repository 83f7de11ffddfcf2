#pragma once
// Random weight tensors as nested JSON arrays, for network files tests write inline.

#include <cstddef>
#include <random>
#include <vector>

#include "neurotlm/core/params.h"

namespace neurotlm::testing {

/// A tensor of @p shape with values uniform in [-scale, scale], drawn from @p rng.
inline json random_tensor(std::mt19937& rng, const std::vector<std::size_t>& shape, float scale) {
    std::uniform_real_distribution<float> u(-scale, scale);
    json a = json::array();
    if (shape.size() == 1) {
        for (std::size_t i = 0; i < shape[0]; ++i)
            a.push_back(u(rng));
        return a;
    }
    const std::vector<std::size_t> rest(shape.begin() + 1, shape.end());
    for (std::size_t i = 0; i < shape[0]; ++i)
        a.push_back(random_tensor(rng, rest, scale));
    return a;
}

} // namespace neurotlm::testing
