#include "neurotlm/report/html.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

using namespace neurotlm;

namespace {

constexpr const char* kHostile = "<script>alert(1)</script>&\"'";

ActionRecord html_action(const std::string& name, std::uint64_t n, double energy_J,
                         const std::string& description = "an action") {
    ActionRecord a;
    a.name = name;
    a.description = description;
    a.count = n;
    a.energy_J = energy_J;
    a.energy_per_action_J = n ? energy_J / static_cast<double>(n) : 0.0;
    return a;
}

PhaseReport phase(const std::string& name, double latency_s, double energy_J, bool setup,
                  std::uint64_t entries) {
    PhaseReport p;
    p.name = name;
    p.latency_s = latency_s;
    p.dynamic_energy_J = energy_J;
    p.setup = setup;
    p.entries = entries;
    return p;
}

/// Two components and round numbers, so every derived figure is known by hand:
/// work time 800 ns and work energy 2 uJ over 10 items; 2e6 ops / 2 uJ = 1 TOPS/W.
Report small_report() {
    Report r;
    r.platform = "demo_platform";
    r.config_file = "/configs/demo.json";
    r.config_hash = "0123456789abcdef";
    r.seed = 7;
    r.version = "0.1.0";
    r.workload_kind = "mlp_inference";
    r.items = 10;
    r.items_requested = 10;
    r.ops = 2e6;
    r.simulated_time_s = 900e-9;

    ComponentReport tile;
    tile.name = "tile0";
    tile.type = "crossbar_tile";
    tile.actions = {html_action("adc_conversion", 100, 1.5e-6),
                    html_action("dac_conversion", 50, 0.5e-6)};
    tile.dynamic_energy_J = 2.0e-6;
    tile.busy_time_s = 450e-9;
    tile.utilisation = 0.5;
    tile.area_m2 = 1.6384e-10;
    tile.stats.set("mvms", 10, Unit::none, "matrix-vector multiplications");
    ComponentReport ctrl;
    ctrl.name = "ctrl";
    ctrl.type = "controller";
    ctrl.actions = {html_action("accumulate", 10, 0.1e-6)};
    ctrl.dynamic_energy_J = 0.1e-6;
    r.components = {tile, ctrl};

    r.phases = {phase("program", 100e-9, 0.1e-6, true, 1), phase("fc1", 500e-9, 1.5e-6, false, 10),
                phase("fc2", 300e-9, 0.5e-6, false, 10)};
    r.workload_results = {
        {"accuracy", 0.9},
        {"software_accuracy", 0.92},
        {"agreement_with_software", 0.95},
        {"confusion", {{5, 1}, {0, 4}}},
        {"layers",
         {{{"layer", "fc1"},
           {"inputs", 256},
           {"outputs", 64},
           {"activation", "relu"},
           {"row_blocks", 2},
           {"col_blocks", 1},
           {"tiles",
            {{{"tile", "tile0"},
              {"row0", 0},
              {"rows", 128},
              {"col0", 0},
              {"cols", 64},
              {"adc_range", 4.5}},
             {{"tile", "tile1"},
              {"row0", 128},
              {"rows", 128},
              {"col0", 0},
              {"cols", 64},
              {"adc_range", 5.25}}}}}}},
    };
    return r;
}

Report big_report(std::size_t n) {
    Report r;
    r.platform = "big";
    r.items = 1;
    r.items_requested = 1;
    r.simulated_time_s = 1e-6;
    for (std::size_t i = 0; i < n; ++i) {
        ComponentReport c;
        c.name = "pe" + std::to_string(i);
        c.type = i % 2 ? "odd_pe" : "even_pe";
        c.dynamic_energy_J = static_cast<double>(i + 1) * 1e-9;
        c.actions = {html_action("mac", i + 1, c.dynamic_energy_J)};
        r.components.push_back(c);
    }
    r.phases = {phase("compute", 1e-6, 1e-6, false, 1)};
    return r;
}

/// Figures that cannot be computed, and strings that try to break out of the markup.
Report hostile_report() {
    Report r;
    r.platform = std::string("plat") + kHostile;
    r.config_file = std::string("/tmp/") + kHostile + ".json";
    r.config_hash = kHostile;
    r.version = kHostile;
    r.workload_kind = kHostile;
    r.item_name = "image";
    r.items = 0; // every per-item figure divides by zero
    r.items_requested = 5;
    r.complete = false;
    r.incomplete_reason = kHostile;
    r.simulated_time_s = 0.0;
    ComponentReport c;
    c.name = std::string("comp") + kHostile;
    c.type = kHostile;
    c.actions = {html_action(kHostile, 3, std::nan(""), kHostile)};
    c.dynamic_energy_J = std::nan("");
    c.leakage_energy_J = std::numeric_limits<double>::infinity();
    c.busy_time_s = std::nan("");
    c.utilisation = std::nan("");
    c.area_m2 = std::nan("");
    c.stats.set(kHostile, std::nan(""), Unit::second, kHostile);
    r.components = {c};
    r.phases = {phase(kHostile, std::nan(""), std::nan(""), false, 0)};
    r.workload_results = {{"accuracy", std::nan("")},
                          {"note", kHostile},
                          {kHostile, {1, 2, 3}},
                          {"confusion", {{1, 0}, {0, 1}}},
                          {"layers", {{{"layer", kHostile}, {"tiles", {{{"tile", kHostile}}}}}}}};
    return r;
}

json config_with(const std::string& text) {
    return {{"platform", {{"name", text}}}, {"seed", 7}};
}

/// Tag names opened and closed in order must nest; void and self-closed elements are skipped.
/// Returns an empty string when balanced, otherwise what went wrong.
std::string tag_balance_error(const std::string& html) {
    static const std::vector<std::string> kVoid = {"meta",  "br",   "hr",  "img",
                                                   "input", "link", "col", "wbr"};
    std::vector<std::string> stack;
    std::size_t pos = 0;
    while ((pos = html.find('<', pos)) != std::string::npos) {
        const std::size_t end = html.find('>', pos);
        if (end == std::string::npos) return "unterminated tag at " + std::to_string(pos);
        const std::string tag = html.substr(pos + 1, end - pos - 1);
        pos = end + 1;
        if (tag.empty() || tag[0] == '!') continue; // doctype, comment
        const bool closing = tag[0] == '/';
        std::size_t i = closing ? 1 : 0;
        std::string name;
        while (i < tag.size() && std::isalnum(static_cast<unsigned char>(tag[i])))
            name += static_cast<char>(std::tolower(static_cast<unsigned char>(tag[i++])));
        if (name.empty()) return "tag without a name: <" + tag + ">";
        if (closing) {
            if (stack.empty() || stack.back() != name)
                return "</" + name + "> closes <" + (stack.empty() ? "nothing" : stack.back()) +
                       ">";
            stack.pop_back();
            continue;
        }
        if (tag.back() == '/') continue;
        if (std::find(kVoid.begin(), kVoid.end(), name) != kVoid.end()) continue;
        stack.push_back(name);
        // The stylesheet is raw text: skip to its end tag.
        if (name == "style") {
            const std::size_t close = html.find("</style>", pos);
            if (close == std::string::npos) return "<style> not closed";
            pos = close;
        }
    }
    if (!stack.empty()) return "<" + stack.back() + "> not closed";
    return {};
}

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t pos = text.find(what); pos != std::string::npos;
         pos = text.find(what, pos + what.size()))
        ++n;
    return n;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// The checks every page must pass, whatever the report.
void expect_sound(const std::string& html) {
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_EQ(tag_balance_error(html), "");
    for (const char* tag : {"html", "head", "body", "table", "svg", "details"})
        EXPECT_EQ(occurrences(html, std::string("<") + tag + ">") +
                      occurrences(html, std::string("<") + tag + " "),
                  occurrences(html, std::string("</") + tag + ">"))
            << tag;
    const std::string l = lower(html);
    EXPECT_EQ(l.find("http://"), std::string::npos);
    EXPECT_EQ(l.find("https://"), std::string::npos);
    EXPECT_EQ(l.find("<script"), std::string::npos);
    EXPECT_EQ(l.find("<link"), std::string::npos);
    EXPECT_EQ(l.find("<img"), std::string::npos);
    EXPECT_EQ(l.find("url("), std::string::npos);
    // NaN and infinity never leak through as numbers.
    EXPECT_FALSE(std::regex_search(l, std::regex(R"([>\s(](-?nan|-?inf)[\s<)])")));
}

/// The text of the section with id @p id.
std::string section(const std::string& html, const std::string& id) {
    const std::size_t start = html.find("<section id=\"" + id + "\"");
    if (start == std::string::npos) return {};
    return html.substr(start, html.find("</section>", start) - start);
}

TEST(Html, SmallReportHasTheFiguresWithUnits) {
    const std::string html = to_html(small_report(), config_with("demo"));
    expect_sound(html);
    EXPECT_NE(html.find("demo_platform"), std::string::npos);
    EXPECT_NE(html.find("0123456789abcdef"), std::string::npos);
    EXPECT_NE(html.find("Complete"), std::string::npos);
    EXPECT_EQ(html.find("INCOMPLETE"), std::string::npos);
    // Key figures, derived by hand in small_report(): latency and energy per item, average
    // power 2.1 uJ / 900 ns, efficiency, throughput 10 / 800 ns, area, accuracy and software
    // accuracy, total energy.
    for (const std::string figure :
         {"80 ns", "200 nJ", "2.333 W", "1 TOPS/W", "12.5 M/s", "163.8 \xC2\xB5m\xC2\xB2",
          "90.00 %", "92.00 %", "2.1 \xC2\xB5J"})
        EXPECT_NE(html.find(figure), std::string::npos) << figure;
    // Per phase per item: fc1 500 ns and 1.5 uJ over 10 items.
    const std::string phases = section(html, "phases");
    EXPECT_NE(phases.find("50 ns"), std::string::npos);
    EXPECT_NE(phases.find("150 nJ"), std::string::npos);
    EXPECT_NE(phases.find("set-up"), std::string::npos);
    EXPECT_EQ(occurrences(phases, "<svg"), 2u);
    // Components: one bar each, in a chart, and the table.
    const std::string comps = section(html, "components");
    EXPECT_EQ(occurrences(comps, "<text class=\"label\""), 2u);
    EXPECT_NE(comps.find("2 \xC2\xB5J"), std::string::npos);
    EXPECT_NE(comps.find("95.2 %"), std::string::npos);
    const std::string table = section(html, "component-table");
    EXPECT_NE(table.find("450 ns"), std::string::npos);
    EXPECT_NE(table.find("50.0 %"), std::string::npos);
    // Actions by type: crossbar_tile splits 75 % / 25 %.
    const std::string actions = section(html, "actions");
    EXPECT_NE(actions.find("adc_conversion"), std::string::npos);
    EXPECT_NE(actions.find("75.0 %"), std::string::npos);
    EXPECT_NE(actions.find("1.5 \xC2\xB5J"), std::string::npos);
    EXPECT_NE(actions.find("15 nJ"), std::string::npos); // per ADC conversion
    // Confusion matrix: the four counts, and recall of the first class 5/6.
    const std::string confusion = section(html, "confusion");
    ASSERT_FALSE(confusion.empty());
    EXPECT_NE(confusion.find("83.3 %"), std::string::npos);
    EXPECT_NE(confusion.find("100.0 %"), std::string::npos);
    // Layer mapping: tiles with their row ranges, and the sketch.
    const std::string mapping = section(html, "mapping");
    ASSERT_FALSE(mapping.empty());
    EXPECT_NE(mapping.find("tile1"), std::string::npos);
    EXPECT_NE(mapping.find(std::string("128") + "\xE2\x80\x93" + "255"), std::string::npos);
    EXPECT_NE(mapping.find("<svg"), std::string::npos);
    // Configuration, folded.
    const std::string config = section(html, "config");
    EXPECT_NE(config.find("<details>"), std::string::npos);
    EXPECT_NE(config.find("&quot;demo&quot;"), std::string::npos);
}

TEST(Html, ManyComponentsChartTheTopTwentyAndGroupTheRest) {
    const std::string html = to_html(big_report(300), json::object());
    expect_sound(html);
    const std::string chart = section(html, "components");
    EXPECT_EQ(occurrences(chart, "<text class=\"label\""), 21u);
    for (int i = 299; i >= 280; --i)
        EXPECT_NE(chart.find(">pe" + std::to_string(i) + "<"), std::string::npos) << i;
    EXPECT_EQ(chart.find(">pe279<"), std::string::npos);
    EXPECT_EQ(chart.find(">pe0<"), std::string::npos);
    EXPECT_NE(chart.find("others (280 components)"), std::string::npos);
    // The others: sum of 1..280 nJ = 39.34 uJ.
    EXPECT_NE(chart.find("39.34 \xC2\xB5J"), std::string::npos);
    // The table lists everything (the folded per-action table below it is left out).
    std::string table = section(html, "component-table");
    table = table.substr(0, table.find("<details>"));
    EXPECT_EQ(occurrences(table, "<tr><td class=\"name\">pe"), 300u);
    // Two component types in the action chart.
    EXPECT_NE(section(html, "actions").find("odd_pe (150)"), std::string::npos);
}

TEST(Html, OneComponentIsDrawnWithoutOthers) {
    const std::string html = to_html(big_report(1), json::object());
    expect_sound(html);
    const std::string chart = section(html, "components");
    EXPECT_EQ(occurrences(chart, "<text class=\"label\""), 1u);
    EXPECT_EQ(chart.find("others"), std::string::npos);
}

TEST(Html, IncompleteRunSaysSo) {
    Report r = small_report();
    r.complete = false;
    r.items = 4;
    r.incomplete_reason = "interrupted (SIGINT)";
    const std::string html = to_html(r, json::object());
    expect_sound(html);
    EXPECT_NE(html.find("INCOMPLETE"), std::string::npos);
    EXPECT_NE(html.find("interrupted (SIGINT)"), std::string::npos);
    EXPECT_NE(html.find("4 of 10"), std::string::npos);
}

TEST(Html, HostileStringsAreEscapedAndMissingFiguresShowAsNotAvailable) {
    const std::string html = to_html(hostile_report(), config_with(kHostile));
    expect_sound(html);
    EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;"),
              std::string::npos);
    EXPECT_EQ(html.find("<script>"), std::string::npos);
    EXPECT_EQ(html.find("</script>"), std::string::npos);
    EXPECT_NE(html.find("INCOMPLETE"), std::string::npos);
    EXPECT_NE(html.find("n/a"), std::string::npos);
    // Per-item figures of a run without items.
    const std::string figures = section(html, "figures");
    EXPECT_GE(occurrences(figures, ">n/a<"), 3u);
    // A hostile quote never ends an attribute: every title attribute holds escaped text.
    EXPECT_EQ(html.find("title=\"<"), std::string::npos);
}

TEST(Html, WriteReportAddsTheHtmlPage) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("neurotlm-html-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    write_report(dir.string(), small_report(), config_with("demo"));
    std::ifstream in(dir / "report.html");
    ASSERT_TRUE(in.good());
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(), to_html(small_report(), config_with("demo")));
    EXPECT_TRUE(std::filesystem::exists(dir / "report.json"));
    std::filesystem::remove_all(dir);
}

} // namespace

TEST(Html, EnergyByClassIsATableThatAddsUp) {
    Report r = small_report();
    r.components[0].actions[0].energy_class = energy_class::adc;
    r.components[0].actions[1].energy_class = energy_class::row_drivers;
    r.components[1].actions[0].energy_class = energy_class::shift_add;
    r.phases[0].dynamic_by_class_J = {{energy_class::adc, 0.1e-6}};
    const std::string html = to_html(r, json::object());
    expect_sound(html);
    const std::string classes = section(html, "classes");
    ASSERT_FALSE(classes.empty());
    EXPECT_NE(html.find("href=\"#classes\""), std::string::npos);
    // Per item (10 items, set-up excluded): adc (1.5 - 0.1) uJ -> 140 nJ, 70.0 % of the 200 nJ;
    // row drivers 50 nJ; shift-add 10 nJ; a column per component type.
    EXPECT_NE(classes.find(">adc<"), std::string::npos);
    EXPECT_NE(classes.find("140 nJ"), std::string::npos);
    EXPECT_NE(classes.find("70.0 %"), std::string::npos);
    EXPECT_NE(classes.find("50 nJ"), std::string::npos);
    EXPECT_NE(classes.find("10 nJ"), std::string::npos);
    EXPECT_NE(classes.find(">leakage<"), std::string::npos);
    EXPECT_NE(classes.find(">crossbar_tile<"), std::string::npos);
    EXPECT_NE(classes.find(">controller<"), std::string::npos);
}

TEST(Html, HopfieldRecallHasATableOfItsMemories) {
    Report r = small_report();
    r.workload_kind = "hopfield_recall";
    r.item_name = "recall";
    // Memory 0: 8 recalls in 8 us and 16 nJ, so 1 us and 2 nJ per recall.
    r.phases = {phase("store", 100e-9, 0.1e-6, true, 1), phase("recall_m0", 8e-6, 16e-9, false, 8),
                phase("recall_m1", 12e-6, 36e-9, false, 12)};
    r.workload_results = {{"component", "hop"},
                          {"corruption", "flip"},
                          {"exact_recall", 0.85},
                          {"memories",
                           {{{"memory", 0},
                             {"phase", "recall_m0"},
                             {"source", "random"},
                             {"patterns", 2},
                             {"load", 0.0625},
                             {"probes", 8},
                             {"exact_recall", 0.875},
                             {"mean_overlap", 0.96875},
                             {"mean_iterations", 2.5},
                             {"converged", 1.0},
                             {"two_cycles", 0},
                             {"failed_writes", 3}},
                            {{"memory", 1},
                             {"phase", "recall_m1"},
                             {"source", "random"},
                             {"patterns", 3},
                             {"load", 0.09375},
                             {"probes", 12},
                             {"exact_recall", 0.75},
                             {"mean_overlap", 0.9},
                             {"mean_iterations", 3.25},
                             {"converged", 0.5},
                             {"two_cycles", 6},
                             {"failed_writes", 0}}}}};
    const std::string html = to_html(r, json::object());
    expect_sound(html);
    const std::string recall = section(html, "recall");
    ASSERT_FALSE(recall.empty());
    EXPECT_EQ(occurrences(recall, "<tr>"), 3u); // header and two memories
    for (const std::string cell :
         {"87.5 %", "0.9688", "2.5", "100.0 %", "1 \xC2\xB5s", "2 nJ", "3 nJ", "50.0 %"})
        EXPECT_NE(recall.find(">" + cell + "<"), std::string::npos) << cell;
    EXPECT_NE(html.find("href=\"#recall\""), std::string::npos);
    // Not repeated as "list of 2 entries" in the workload section.
    const std::string workload = section(html, "workload");
    EXPECT_EQ(workload.find("list of"), std::string::npos) << workload;
    EXPECT_EQ(workload.find("<h3>memories</h3>"), std::string::npos);
}

TEST(Html, ArraysOfFlatRecordsAreTables) {
    Report r = small_report();
    r.workload_results["per_bank"] = {{{"bank", "b0"}, {"outputs", 10}, {"gain", 30.5}},
                                      {{"bank", "b1"}, {"outputs", 4}, {"clipped", true}}};
    r.workload_results["nested"] = {{"steps", {{{"t", 1}}, {{"t", 2}}}}};
    r.workload_results["ragged"] = {{{"a", {1, 2}}}}; // not flat: stays in the JSON block
    const std::string workload = section(to_html(r, json::object()), "workload");
    EXPECT_NE(workload.find("<h3>per_bank</h3>"), std::string::npos);
    EXPECT_NE(workload.find("<h3>nested.steps</h3>"), std::string::npos);
    // Columns are the union of the keys; a missing value is an empty cell.
    EXPECT_NE(workload.find("<th class=\"n\">gain</th>"), std::string::npos);
    EXPECT_NE(workload.find("<th>bank</th>"), std::string::npos);
    EXPECT_NE(workload.find(">30.5<"), std::string::npos);
    EXPECT_NE(workload.find(">yes<"), std::string::npos);
    EXPECT_NE(workload.find("ragged</td><td class=\"name\">list of 1 entries"), std::string::npos);
    EXPECT_EQ(workload.find("list of 2"), std::string::npos);
}

TEST(Html, LongRecordListsAreCut) {
    Report r = small_report();
    json rows = json::array();
    for (int i = 0; i < 1000; ++i)
        rows.push_back({{"i", i}});
    r.workload_results["rows"] = rows;
    const std::string workload = section(to_html(r, json::object()), "workload");
    const std::size_t start = workload.find("<h3>rows</h3>");
    ASSERT_NE(start, std::string::npos);
    const std::string table = workload.substr(start, workload.find("<details>") - start);
    EXPECT_EQ(occurrences(table, "<tr>"), 201u);
    EXPECT_NE(table.find("The first 200 of 1000 entries"), std::string::npos);
}

TEST(Html, FiguresThePlatformDoesNotModelAreNotShownAsZero) {
    Report r = small_report();
    for (auto& c : r.components)
        c.area_m2 = 0.0;
    r.ops = 0;
    const std::string figures = section(to_html(r, json::object()), "figures");
    EXPECT_EQ(figures.find("0 mm"), std::string::npos) << figures;
    EXPECT_EQ(figures.find("0 TOPS/W"), std::string::npos) << figures;
    EXPECT_NE(figures.find("no block reports an area"), std::string::npos);
    EXPECT_NE(figures.find("the workload counts no operations"), std::string::npos);
    // No energy booked anywhere: no "0 J" energy or power.
    Report silent = small_report();
    for (auto& c : silent.components) {
        c.dynamic_energy_J = 0;
        c.actions.clear();
    }
    for (auto& p : silent.phases)
        p.dynamic_energy_J = 0;
    const std::string quiet = section(to_html(silent, json::object()), "figures");
    EXPECT_EQ(quiet.find(">0 J<"), std::string::npos) << quiet;
    EXPECT_EQ(quiet.find(">0 W<"), std::string::npos) << quiet;
    EXPECT_NE(quiet.find("no block books energy"), std::string::npos);
}

TEST(Html, EarlyExitsHaveTheirFiguresCurvesAndClasses) {
    Report r = small_report();
    // Two exits; the sweep at thresholds 0..2, the last with no image leaving early.
    auto point = [](int t, double acc, double macs, double energy, json share) {
        return json{{"threshold", t},
                    {"accuracy", acc},
                    {"macs_fraction", macs},
                    {"energy_fraction", energy},
                    {"energy_fraction_without_cam", energy - 0.01},
                    {"latency_fraction", energy},
                    {"exit_share", share}};
    };
    json dyn = point(1, 0.8125, 0.5, 0.625, {0.25, 0.25, 0.5});
    dyn["energy_per_inference_J"] = 2.5e-6;
    r.workload_results = {
        {"accuracy", 0.875},
        {"early_exit",
         {{"rule", "margin"},
          {"policy", "neurotlm's"},
          {"stop", false},
          {"static",
           {{"accuracy", 0.875}, {"macs_per_inference", 1000.0}, {"energy_per_inference_J", 4e-6}}},
          {"dynamic", dyn},
          {"exits",
           {{{"after", "b1"}, {"cam", "sem0"}, {"bits", 64}, {"threshold", 1}},
            {{"after", kHostile}, {"cam", "sem1"}, {"bits", 64}, {"threshold", 1}}}},
          {"per_class",
           {{{"class", 0}, {"images", 8}, {"static_accuracy", 0.75}, {"accuracy", 0.625}},
            {{"class", 1}, {"images", 8}, {"static_accuracy", 1.0}, {"accuracy", 1.0}}}},
          {"sweep",
           {point(0, 0.5, 0.2, 0.3, {1.0, 0.0, 0.0}),
            point(1, 0.8125, 0.5, 0.625, {0.25, 0.25, 0.5}),
            point(2, 0.875, 1.0, 1.02, {0.0, 0.0, 1.0})}}}}};
    const std::string html = to_html(r, json::object());
    expect_sound(html);
    EXPECT_NE(html.find("href=\"#early-exit\""), std::string::npos);
    const std::string s = section(html, "early-exit");
    ASSERT_FALSE(s.empty());
    for (const std::string cell : {"87.5 %", "81.2 %", "50.0 %", "62.5 %", "4 \xC2\xB5J",
                                   "2.5 \xC2\xB5J", "25.0 % / 25.0 % / 50.0 %"})
        EXPECT_NE(s.find(cell), std::string::npos) << cell;
    EXPECT_EQ(s.find("<script>"), std::string::npos) << "an exit's layer name is escaped";
    // Accuracy against computation (one series) and against energy (everything, without the
    // CAMs' searches, the layers only).
    EXPECT_EQ(occurrences(s, "<svg"), 2u);
    EXPECT_NE(s.find("threshold 2: accuracy 87.50 %"), std::string::npos);
    // Seven figures of the two networks, two exits, two classes (each table with its header).
    EXPECT_EQ(occurrences(s, "<tr>"), 8u + 3u + 3u);
    EXPECT_EQ(section(html, "workload").find("<h3>early_exit</h3>"), std::string::npos);

    // The same sweep as CSV: a header and one row per threshold, the shares at each exit last.
    const std::string csv = exit_sweep_csv(r);
    std::istringstream in(csv);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[0].rfind("threshold,accuracy,macs_fraction,energy_fraction,", 0), 0u);
    EXPECT_NE(lines[0].find(",share_exit_1,share_exit_2,share_end"), std::string::npos);
    // (no "without the exits" figures in this sweep: empty fields)
    EXPECT_EQ(lines[2].rfind("1,0.8125,0.5,0.625,0.615,,0.625,", 0), 0u) << lines[2];
    EXPECT_EQ(lines[2].substr(lines[2].size() - 13), "0.25,0.25,0.5");
    EXPECT_EQ(std::count(lines[3].begin(), lines[3].end(), ','),
              std::count(lines[0].begin(), lines[0].end(), ','));
    // Without exits there is no sweep file.
    r.workload_results = {{"accuracy", 0.5}};
    EXPECT_EQ(exit_sweep_csv(r), "");
}
