#include "training_curves.h"

#include <sstream>

#include "html_format.h"
#include "xy_chart.h"

namespace neurotlm::html {

namespace {

const json* side_of(const json& record, const char* side) {
    const auto it = record.find(side);
    return it != record.end() && it->is_object() ? &*it : nullptr;
}

std::optional<double> figure(const json& record, const char* side, const char* key) {
    const json* s = side_of(record, side);
    return s ? json_number(*s, key) : std::nullopt;
}

} // namespace

std::string training_curves(const json& results) {
    if (!results.is_object()) return {};
    const auto epochs = results.find("epochs");
    if (epochs == results.end() || !epochs->is_array() || epochs->empty() ||
        !(*epochs)[0].is_object() || !side_of((*epochs)[0], "hardware"))
        return {};
    const bool software = side_of((*epochs)[0], "software") != nullptr;
    struct Line {
        const char* side;
        const char* key;
        const char* name;
    };
    const std::vector<Line> accuracy = {{"hardware", "test_accuracy", "MTJ hardware, test"},
                                        {"software", "test_accuracy", "software GXNOR, test"},
                                        {"hardware", "train_accuracy", "MTJ hardware, training"},
                                        {"software", "train_accuracy", "software GXNOR, training"}};
    const std::vector<Line> loss = {{"hardware", "loss", "MTJ hardware"},
                                    {"software", "loss", "software GXNOR"}};
    std::ostringstream os;
    os << "<section id=\"training\">\n<h2>Training</h2>\n<p class=\"note\">"
       << (software ? "The network trained on the MTJ arrays and the same network trained in "
                      "software with exact Bernoulli draws (same data, initial weights and "
                      "random numbers): the curves differ only by the devices."
                    : "The network trained on the MTJ arrays.")
       << " Per epoch, after its last update.</p>\n<div class=\"legend\">";
    for (std::size_t s = 0; s < accuracy.size(); ++s)
        if (software || std::string(accuracy[s].side) == "hardware")
            os << "<span class=\"item\">" << swatch(kPalette[s % 12]) << esc(accuracy[s].name)
               << "</span>";
    os << "</div>\n<div class=\"pair\">\n";
    auto chart = [&](const std::vector<Line>& lines, const std::string& title,
                     const std::string& y_label, bool percent) {
        Chart c;
        c.title = title;
        c.x_label = "epoch";
        c.y_label = y_label;
        c.percent = percent;
        for (std::size_t s = 0; s < lines.size(); ++s)
            for (const json& rec : *epochs) {
                const auto e = json_number(rec, "epoch");
                const auto v = figure(rec, lines[s].side, lines[s].key);
                if (!e || !v) continue;
                std::ostringstream tip;
                tip << lines[s].name << ", epoch " << *e << ": "
                    << (percent ? pct(*v, 2) : plain(*v, 4));
                c.marks.push_back(
                    {*e, percent ? *v * 100.0 : *v, "", tip.str(), static_cast<int>(s), false});
            }
        os << "<div class=\"figure\">" << xy_chart(c) << "</div>\n";
    };
    chart(accuracy, "Accuracy against epoch", "accuracy (%)", true);
    chart(loss, "Training loss (squared hinge) against epoch", "loss", false);
    os << "</div>\n<table>\n<thead><tr><th>epoch</th><th>test accuracy</th><th>best</th>";
    if (software) os << "<th>software test accuracy</th><th>software best</th>";
    os << "<th>MTJs pulsed</th><th>switched</th><th>mean intended p</th><th>mean realised "
          "p</th><th>feed-forward energy</th><th>update energy</th></tr></thead>\n<tbody>\n";
    for (const json& rec : *epochs) {
        auto cell = [&](std::optional<double> v, bool percent) {
            return v ? (percent ? pct(*v, 2) : plain(*v, 4)) : std::string(kNotAvailable);
        };
        const json empty = json::object();
        const json& u = rec.contains("update") ? rec["update"] : empty;
        const json& e = rec.contains("energy_J") ? rec["energy_J"] : empty;
        auto joules = [&](const char* key) {
            const auto v = json_number(e, key);
            return v ? qty(*v, Unit::joule) : std::string(kNotAvailable);
        };
        os << "<tr><td>" << cell(json_number(rec, "epoch"), false) << "</td><td>"
           << cell(figure(rec, "hardware", "test_accuracy"), true) << "</td><td>"
           << cell(figure(rec, "hardware", "best_test_accuracy"), true) << "</td>";
        if (software)
            os << "<td>" << cell(figure(rec, "software", "test_accuracy"), true) << "</td><td>"
               << cell(figure(rec, "software", "best_test_accuracy"), true) << "</td>";
        os << "<td>" << cell(json_number(u, "pulses"), false) << "</td><td>"
           << cell(json_number(u, "switched"), false) << "</td><td>"
           << cell(json_number(u, "mean_intended_p"), false) << "</td><td>"
           << cell(json_number(u, "mean_realised_p"), false) << "</td><td>"
           << joules("feed_forward") << "</td><td>" << joules("update") << "</td></tr>\n";
    }
    os << "</tbody>\n</table>\n</section>\n";
    return os.str();
}

} // namespace neurotlm::html
