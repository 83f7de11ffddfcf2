#pragma once
/// @brief The run report as one self-contained HTML page for people: key figures, SVG charts of
/// energy per component, per action and per phase, tables, the confusion matrix and the layer
/// mapping when the workload has them, and the effective configuration. No scripts and no
/// external resources, so the page opens offline and prints as it shows.

#include <string>

#include "neurotlm/core/params.h"
#include "neurotlm/report/report.h"

namespace neurotlm {

/// @brief Render @p report (and @p effective_config, shown collapsed) as an HTML document.
/// Every string taken from the report or the configuration is HTML-escaped.
std::string to_html(const Report& report, const json& effective_config);

} // namespace neurotlm
