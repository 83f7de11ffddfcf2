#pragma once
// Pieces of the sweep file's reader shared by its sources. Internal to src/sweep/.

#include <string>
#include <vector>

#include "neurotlm/core/params.h"

namespace neurotlm::sweep_detail {

/// The values of the parameter object @p p (its list, range or random); ConfigError at
/// @p where. @p log_scale and @p unit_word tell how a range was written.
std::vector<json> read_values(const json& p, const std::string& file, const std::string& where,
                              bool& log_scale, std::string& unit_word);

/// @p value (a number in SI units or a quantity string) written in @p word's unit, as the
/// swept values are ("10 ohm*um^2" for 1e-11 on an axis of ohm*um^2); unchanged when that is
/// not possible.
json in_unit(const json& value, const std::string& word);

} // namespace neurotlm::sweep_detail
