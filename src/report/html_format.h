#pragma once
// Pieces of the HTML report that do not know the report: escaping, number formatting with
// units, and inline-SVG bar charts. Internal to src/report/.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "neurotlm/core/params.h"
#include "neurotlm/core/stats.h"
#include "neurotlm/core/units.h"

namespace neurotlm::html {

// Colours chosen to stay distinct next to each other and in greyscale print.
inline const char* const kPalette[] = {"#3b6ea5", "#e08a2c", "#4a9b5e", "#c8514d",
                                       "#7d62a8", "#3a9a9a", "#96704f", "#cf6fa3",
                                       "#9a9a3a", "#2c3e66", "#d1a623", "#5f8fc4"};
inline constexpr const char* kNotAvailable = "n/a";
inline constexpr const char* kLeakageColour = "#9aa3ad";
inline constexpr const char* kOtherColour = "#c9ced4";
// Upper bound of the average width of a 12 px sans-serif glyph (DejaVu Sans, the widest of the
// usual fallbacks), so estimated labels never spill out of the chart.
inline constexpr double kCharWidth = 7.4;

struct Segment {
    double value = 0.0;
    std::string colour;
    std::string name;       ///< tooltip
    std::string inner_text; ///< written inside the segment when it is wide enough
};

struct Bar {
    std::string label;
    std::vector<Segment> segments;
    std::string value_text; ///< written after the bar
    bool muted = false;     ///< the "others" bar
};

struct ChartGeometry {
    int width = 1000;
    int label_width = 250;
    int value_width = 170;
};

std::string esc(std::string_view s);
std::string printf_str(const char* format, double v);
bool prefixable(Unit unit);
std::string qty(double v, Unit unit, int significant = 4);
std::string area(double m2);
std::string pct(double fraction, int decimals = 1);
std::string count(std::uint64_t n);
std::string plain(double v, int significant = 4);
std::string stat_value(const Stat& s);
double ratio(double a, double b);
double sort_key(double v);
std::string shorten(const std::string& s, std::size_t max_chars);
std::string esc_name(std::string_view s);
std::string dump(const json& j);
void pretty(const json& j, int depth, std::string& out);
std::string pretty(const json& j);
std::optional<double> json_number(const json& j, const char* key);
std::string json_text(const json& j, const char* key);
double bar_total(const Bar& b);
std::string hbar_chart(const std::vector<Bar>& bars, const std::string& title,
                       const ChartGeometry& g, double scale_max = 0.0);
std::string swatch(const std::string& colour);

/// The page's stylesheet (screen and print).
extern const char* const kStyle;

} // namespace neurotlm::html
