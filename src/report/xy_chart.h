#pragma once
// An x-y chart as inline SVG: series of dots joined in x order, each dot a link with a tooltip,
// failed points as crosses under the plot, an optional Pareto front; linear, log or
// categorical x. Internal to src/report/ (the sweep page draws with it).

#include <cstddef>
#include <string>
#include <vector>

namespace neurotlm::html {

/// One finished point: where it is drawn, its link and tooltip.
struct Mark {
    double x = 0, y = 0; // data units (y already scaled)
    std::string link, tip;
    int series = 0;
    bool base = false;
};

/// A failed point: a cross under the plot at its x.
struct Failure {
    double x = 0;
    std::string tip;
};

// One x-y chart: series drawn as lines in x order, marks as linked dots, failures as crosses
// under the axis. `categories` non-empty: x is an index into them.
struct Chart {
    std::string title, x_label, y_label;
    bool log_x = false;
    std::vector<std::string> categories;
    std::vector<Mark> marks;
    std::vector<Failure> failures;
    std::vector<std::size_t> front; // marks of a Pareto front, joined in x order
    bool join_series = true;
    bool percent = false;     // a fraction in %: the axis never passes 0 or 100
    bool small_marks = false; // dense series: small dots without outline (still with tooltips)
};

std::string xy_chart(const Chart& c);

} // namespace neurotlm::html
