// Energy by class in the report: JSON, CSV and the terminal summary split every joule by the
// class of the action that spent it, leakage as a class of its own, set-up excluded per item.

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "neurotlm/report/report.h"

using namespace neurotlm;

namespace {

ActionRecord action(const std::string& name, const char* cls, std::uint64_t n, double e) {
    ActionRecord a;
    a.name = name;
    a.energy_class = cls;
    a.count = n;
    a.energy_J = e;
    a.energy_per_action_J = e / static_cast<double>(n);
    return a;
}

/// A tile (array 6 nJ, adc 3 nJ, write 1 nJ during programming), a bus (interconnect 2 nJ, of
/// which 0.5 nJ during programming) and a block naming a class of its own; 2 items.
Report classed() {
    Report r;
    r.items = 2;
    r.items_requested = 2;
    r.simulated_time_s = 1e-6;
    r.item_name = "inference";
    ComponentReport tile;
    tile.name = "tile0";
    tile.type = "crossbar_tile";
    tile.actions = {action("array_read", energy_class::array, 4, 6e-9),
                    action("adc_conversion", energy_class::adc, 4, 3e-9),
                    action("cell_write", energy_class::write, 10, 1e-9)};
    tile.dynamic_energy_J = 10e-9;
    tile.leakage_power_W = 1e-3;
    tile.leakage_energy_J = 1e-9;
    ComponentReport bus;
    bus.name = "bus";
    bus.type = "router";
    bus.actions = {action("transfer_bit", energy_class::interconnect, 100, 2e-9)};
    bus.dynamic_energy_J = 2e-9;
    ComponentReport odd;
    odd.name = "odd";
    odd.type = "custom";
    odd.actions = {action("spin", "spintronics", 1, 0.5e-9)};
    odd.dynamic_energy_J = 0.5e-9;
    r.components = {tile, bus, odd};
    PhaseReport program;
    program.name = "program";
    program.setup = true;
    program.entries = 1;
    program.latency_s = 0.2e-6;
    program.dynamic_energy_J = 1.5e-9;
    program.leakage_energy_J = 0.2e-9;
    program.dynamic_by_class_J = {{"write", 1e-9}, {"interconnect", 0.5e-9}};
    r.phases = {program};
    return r;
}

double at(const ClassEnergies& e, const std::string& cls) {
    for (const auto& [name, v] : e)
        if (name == cls) return v;
    return std::nan("");
}

} // namespace

TEST(ReportClasses, TheClassesAddUpToTheTotalWithLeakageLast) {
    const Report r = classed();
    const ClassEnergies e = r.energy_by_class_J();
    EXPECT_NEAR(class_total(e), r.energy_J(), 1e-21);
    EXPECT_NEAR(at(e, "array"), 6e-9, 1e-21);
    EXPECT_NEAR(at(e, "interconnect"), 2e-9, 1e-21);
    EXPECT_NEAR(at(e, "spintronics"), 0.5e-9, 1e-21);
    EXPECT_NEAR(at(e, "leakage"), 1e-9, 1e-21);
    EXPECT_EQ(e.back().first, "leakage");
    EXPECT_EQ(e.front().first, "array"); // declared classes first, in their order
    // The work: the programming phase's write, interconnect and leakage taken out.
    const ClassEnergies w = r.work_energy_by_class_J();
    EXPECT_NEAR(class_total(w), r.work_energy_J(), 1e-21);
    EXPECT_NEAR(at(w, "write"), 0.0, 1e-21);
    EXPECT_NEAR(at(w, "interconnect"), 1.5e-9, 1e-21);
    EXPECT_NEAR(at(w, "leakage"), 0.8e-9, 1e-21);
}

TEST(ReportClasses, JsonHasTheSplitPerWorkloadPerItemPerComponentAndPerPhase) {
    const json j = to_json(classed(), false);
    const json& t = j.at("totals");
    EXPECT_NEAR(t.at("energy_by_class_J").at("adc").get<double>(), 3e-9, 1e-21);
    EXPECT_NEAR(t.at("energy_by_class_J").at("leakage").get<double>(), 1e-9, 1e-21);
    // Per item: (2 - 0.5) nJ of interconnect over 2 items.
    EXPECT_NEAR(t.at("energy_per_item_by_class_J").at("interconnect").get<double>(), 0.75e-9,
                1e-21);
    double per_item = 0.0;
    for (const auto& [k, v] : t.at("energy_per_item_by_class_J").items())
        per_item += v.get<double>();
    EXPECT_NEAR(per_item, t.at("energy_per_item_J").get<double>(), 1e-21);
    const json& tile = j.at("components").at(0);
    EXPECT_NEAR(tile.at("energy_by_class_J").at("write").get<double>(), 1e-9, 1e-21);
    EXPECT_NEAR(tile.at("energy_by_class_J").at("leakage").get<double>(), 1e-9, 1e-21);
    EXPECT_EQ(tile.at("actions").at(1).at("energy_class"), "adc");
    EXPECT_NEAR(j.at("phases").at(0).at("dynamic_energy_by_class_J").at("write").get<double>(),
                1e-9, 1e-21);
}

TEST(ReportClasses, CsvAndSummaryListTheClasses) {
    const std::string csv = to_csv(classed());
    EXPECT_NE(csv.find("class,array,energy,6e-09,J\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("class,interconnect,energy_per_item,7.5e-10,J\n"), std::string::npos);
    EXPECT_NE(csv.find("component_class,tile0.leakage,energy,1e-09,J\n"), std::string::npos);
    const std::string s = summary_table(classed());
    EXPECT_NE(s.find("energy per inference by class:"), std::string::npos) << s;
    EXPECT_NE(s.find("    array"), std::string::npos) << s;
    EXPECT_NE(s.find("    leakage"), std::string::npos) << s;
    EXPECT_EQ(s.find("    row_drivers"), std::string::npos) << s; // no energy: not listed
}
