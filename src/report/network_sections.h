#pragma once
// The report page's sections for a network run: its confusion matrix and how its layers were
// mapped onto tiles (a table, and a sketch of each layer's blocks). Internal to src/report/.

#include <sstream>

#include "neurotlm/report/report.h"

namespace neurotlm::html {

/// The confusion matrix of the workload's results ("confusion": a square array of arrays of
/// numbers, "classes" optional names); nothing otherwise.
void write_confusion(std::ostringstream& os, const Report& r);
/// The "Layer mapping onto tiles" section of the workload's results ("layers" with "tiles");
/// nothing otherwise.
void write_mapping(std::ostringstream& os, const Report& r);

} // namespace neurotlm::html
