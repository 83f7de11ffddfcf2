#include "neurotlm/devices/cell.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"
#include "neurotlm/devices/library.h"
#include "testing/paths.h"

namespace neurotlm {
namespace {

CellSpec load_cell(const json& j) {
    return CellSpec::from_json(j, "platform.json", "/devices/x");
}

/// The JSON pointer of the ConfigError that building @p j throws ("" if none is thrown).
std::string cell_error_pointer(const json& j) {
    try {
        load_cell(j);
    } catch (const ConfigError& e) {
        return e.pointer();
    }
    return "";
}

TEST(Cell, RramLevelsAreEquallySpacedInConductance) {
    // 1/4 kohm = 0.25 mS ... 1/1 kohm = 1 mS in three equal steps of 0.25 mS.
    CellSpec c = load_cell({{"type", "rram"}, {"levels", 4}, {"r_on", "1 kohm"}, {"r_off", 4000}});
    ASSERT_EQ(c.levels(), 4);
    EXPECT_DOUBLE_EQ(c.conductances_S[0], 0.25e-3);
    EXPECT_DOUBLE_EQ(c.conductances_S[1], 0.50e-3);
    EXPECT_DOUBLE_EQ(c.conductances_S[2], 0.75e-3);
    EXPECT_DOUBLE_EQ(c.conductances_S[3], 1.00e-3);
    EXPECT_EQ(c.type, CellType::rram);
    EXPECT_STREQ(to_string(c.type), "rram");
    // RRAM levels are ohmic: no bias dependence.
    EXPECT_DOUBLE_EQ(c.conductance_at(0, 0.5), 0.25e-3);
}

TEST(Cell, DefaultsAndUnits) {
    CellSpec c = load_cell({{"type", "rram"},
                            {"r_on", "5 kohm"},
                            {"r_off", "15 kohm"},
                            {"cell_area", "0.01 um^2"},
                            {"write_energy", "2 pJ"},
                            {"write_latency", "10 ns"}});
    EXPECT_EQ(c.levels(), 2);
    EXPECT_DOUBLE_EQ(c.g_min(), 1.0 / 15e3);
    EXPECT_DOUBLE_EQ(c.g_max(), 1.0 / 5e3);
    EXPECT_NEAR(c.area_m2, 0.01e-12, 1e-27);
    EXPECT_NEAR(c.write_energy_J, 2e-12, 1e-24);
    EXPECT_NEAR(c.write_latency_s, 10e-9, 1e-20);
    EXPECT_DOUBLE_EQ(c.read_voltage_V, 0.2);
    EXPECT_EQ(c.variation_sigma, 0.0);
    EXPECT_EQ(c.read_noise_sigma, 0.0);
    EXPECT_EQ(c.source, "");
}

TEST(Cell, MtjStatesAndTmrBiasDependence) {
    // R_P = 5 kohm, TMR0 = 1.5 -> R_AP(0) = 12.5 kohm. At V = Vh = 0.5 V the TMR halves to 0.75:
    // R_AP = 8.75 kohm. At V = 1 V: TMR = 1.5 / (1 + 4) = 0.3, R_AP = 6.5 kohm.
    CellSpec c = load_cell({{"type", "mtj"}, {"r_p", "5 kohm"}, {"tmr", 1.5}, {"v_half", "0.5 V"}});
    ASSERT_EQ(c.levels(), 2);
    EXPECT_DOUBLE_EQ(c.g_max(), 1.0 / 5e3);
    EXPECT_DOUBLE_EQ(c.g_min(), 1.0 / 12.5e3);
    EXPECT_DOUBLE_EQ(c.conductance_at(0, 0.0), 1.0 / 12.5e3);
    EXPECT_NEAR(c.conductance_at(0, 0.5), 1.0 / 8.75e3, 1e-15);
    EXPECT_NEAR(c.conductance_at(0, -0.5), 1.0 / 8.75e3, 1e-15);
    EXPECT_NEAR(c.conductance_at(0, 1.0), 1.0 / 6.5e3, 1e-15);
    // The parallel state does not depend on bias.
    EXPECT_DOUBLE_EQ(c.conductance_at(1, 1.0), 1.0 / 5e3);
    EXPECT_THROW(c.conductance_at(2, 0.0), std::out_of_range);

    // v_half absent: no bias dependence at all.
    CellSpec flat = load_cell({{"type", "sot_mram"}, {"r_p", 8488.26}, {"tmr", 2.0}});
    EXPECT_EQ(flat.type, CellType::sot_mram);
    EXPECT_DOUBLE_EQ(flat.conductance_at(0, 0.8), 1.0 / (8488.26 * 3.0));
}

TEST(Cell, AJunctionsResistanceFollowsFromItsRaAndShape) {
    // IMAC-Sim: RA 10 ohm um^2 on a 50 nm x 30 nm ellipse: 10 / (pi/4 x 0.05 x 0.03) ohm.
    EXPECT_NEAR(mtj_parallel_resistance_ohm(10e-12, 30e-9, 50e-9), 8488.26, 0.01);
    const CellSpec c = load_cell({{"type", "sot_mram"},
                                  {"ra", "10 ohm*um^2"},
                                  {"mtj_width", "30 nm"},
                                  {"mtj_length", "50 nm"},
                                  {"tmr", 2.0}});
    EXPECT_NEAR(1.0 / c.g_max(), 10e-12 / (M_PI / 4 * 30e-9 * 50e-9), 1e-9);
    EXPECT_NEAR(c.g_max() / c.g_min(), 3.0, 1e-12); // R_AP = R_P (1 + TMR)
    // Twice the RA, twice the resistance; a larger junction, less.
    const CellSpec hi = load_cell({{"type", "mtj"},
                                   {"ra", "20 ohm*um^2"},
                                   {"mtj_width", "30 nm"},
                                   {"mtj_length", "50 nm"},
                                   {"tmr", 2.0}});
    EXPECT_NEAR(c.g_max() / hi.g_max(), 2.0, 1e-12);
    // Both ways at once, half a shape, or a shape on an RRAM cell are refused at the key.
    EXPECT_EQ(cell_error_pointer({{"type", "sot_mram"},
                                  {"r_p", 8000},
                                  {"ra", "10 ohm*um^2"},
                                  {"mtj_width", "30 nm"},
                                  {"mtj_length", "50 nm"},
                                  {"tmr", 2.0}}),
              "/devices/x/r_p");
    EXPECT_EQ(cell_error_pointer({{"type", "sot_mram"}, {"ra", "10 ohm*um^2"}, {"tmr", 2.0}}),
              "/devices/x/mtj_width");
    EXPECT_EQ(cell_error_pointer(
                  {{"type", "rram"}, {"r_on", 1000}, {"r_off", 2000}, {"ra", "10 ohm*um^2"}}),
              "/devices/x/ra");
}

TEST(Cell, ValidationErrorsCarryThePointer) {
    const json rram = {{"type", "rram"}, {"r_on", 1000}, {"r_off", 2000}};
    EXPECT_EQ(cell_error_pointer(rram), "");

    json j = rram;
    j["r_off"] = 1000; // r_off == r_on
    EXPECT_EQ(cell_error_pointer(j), "/devices/x/r_off");
    j["r_off"] = "500 ohm"; // r_off < r_on
    EXPECT_EQ(cell_error_pointer(j), "/devices/x/r_off");

    j = rram;
    j["variation_sigma"] = -0.1;
    EXPECT_EQ(cell_error_pointer(j), "/devices/x/variation_sigma");
    j = rram;
    j["read_noise_sigma"] = std::numeric_limits<double>::quiet_NaN();
    EXPECT_EQ(cell_error_pointer(j), "/devices/x/read_noise_sigma");
    j = rram;
    j["r_on"] = std::numeric_limits<double>::quiet_NaN();
    EXPECT_EQ(cell_error_pointer(j), "/devices/x/r_on");
    j = rram;
    j["r_on"] = -5;
    EXPECT_EQ(cell_error_pointer(j), "/devices/x/r_on");

    // Keys of the other device family.
    j = rram;
    j["r_p"] = 1000;
    EXPECT_EQ(cell_error_pointer(j), "/devices/x/r_p");
    j = rram;
    j["tmr"] = 1.0;
    EXPECT_EQ(cell_error_pointer(j), "/devices/x/tmr");
    EXPECT_EQ(cell_error_pointer({{"type", "mtj"}, {"r_p", 1000}, {"tmr", 1.0}, {"r_on", 10}}),
              "/devices/x/r_on");

    // Missing type-specific keys, missing type, unknown type, unknown key.
    EXPECT_EQ(cell_error_pointer({{"type", "rram"}, {"r_on", 1000}}), "/devices/x/r_off");
    EXPECT_EQ(cell_error_pointer({{"type", "mtj"}, {"tmr", 1.0}}), "/devices/x/r_p");
    EXPECT_EQ(cell_error_pointer({{"type", "sot_mram"}, {"r_p", 1000}}), "/devices/x/tmr");
    EXPECT_EQ(cell_error_pointer({{"r_on", 1000}, {"r_off", 2000}}), "/devices/x/type");
    EXPECT_EQ(cell_error_pointer({{"type", "pcm"}}), "/devices/x/type");
    j = rram;
    j["r_offf"] = 3;
    EXPECT_EQ(cell_error_pointer(j), "/devices/x/r_offf");

    // MTJs have two states; levels must be >= 2 anywhere.
    EXPECT_EQ(cell_error_pointer({{"type", "mtj"}, {"r_p", 1000}, {"tmr", 1.0}, {"levels", 4}}),
              "/devices/x/levels");
    j = rram;
    j["levels"] = 1;
    EXPECT_EQ(cell_error_pointer(j), "/devices/x/levels");

    // Fault fractions: each in [0, 1], together at most 1.
    j = rram;
    j["stuck_on_fraction"] = 1.5;
    EXPECT_EQ(cell_error_pointer(j), "/devices/x/stuck_on_fraction");
    j = rram;
    j["stuck_on_fraction"] = 0.6;
    j["stuck_off_fraction"] = 0.6;
    EXPECT_EQ(cell_error_pointer(j), "/devices/x/stuck_off_fraction");

    j = rram;
    j["read_voltage"] = 0;
    EXPECT_EQ(cell_error_pointer(j), "/devices/x/read_voltage");
    j = rram;
    j["cell_area"] = "3 ns"; // wrong unit kind
    EXPECT_EQ(cell_error_pointer(j), "/devices/x/cell_area");
}

TEST(Cell, ErrorMessageNamesFileAndExpectation) {
    try {
        load_cell({{"type", "rram"}, {"r_on", 2000}, {"r_off", 1000}});
        FAIL() << "r_off < r_on accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.file(), "platform.json");
        EXPECT_NE(e.expected().find("r_on"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("/devices/x/r_off"), std::string::npos);
    }
}

TEST(Cell, PresetsLoadAndCiteSources) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(testing::source_dir()) / "configs" / "devices";
    int count = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".json") continue;
        SCOPED_TRACE(entry.path().string());
        std::ifstream in(entry.path());
        const json j = json::parse(in);
        CellSpec c;
        ASSERT_NO_THROW(c = CellSpec::from_json(j, entry.path().string(), ""));
        EXPECT_FALSE(c.source.empty());
        // Every invented number must be flagged as such.
        EXPECT_NE(c.source.find("assumed"), std::string::npos);
        ++count;
    }
    EXPECT_GE(count, 4);

    auto preset = [&](const char* name) {
        std::ifstream in(dir / (std::string(name) + ".json"));
        return CellSpec::from_json(json::parse(in), name, "");
    };
    // Published values (MODELS.md): IMAC-Sim R_low/R_high 5/15 kohm; SOT-MRAM R_P 8488.26 ohm,
    // R_AP 25464.79 ohm; NeuroSim R_on 100 kohm with on/off 17.
    const CellSpec imac = preset("rram_imacsim");
    EXPECT_DOUBLE_EQ(1.0 / imac.g_max(), 5e3);
    EXPECT_DOUBLE_EQ(1.0 / imac.g_min(), 15e3);
    const CellSpec sot = preset("sot_mram_amin2022");
    EXPECT_EQ(sot.type, CellType::sot_mram);
    // (from RA 10 ohm um^2 on 50 nm x 30 nm; IMAC-Sim prints the result to 0.01 ohm)
    EXPECT_NEAR(1.0 / sot.g_max(), 8488.26, 0.01);
    EXPECT_NEAR(1.0 / sot.g_min(), 25464.79, 0.02);
    const CellSpec ns = preset("rram_neurosim");
    EXPECT_NEAR(1.0 / ns.g_max(), 100e3, 1e-6);
    EXPECT_NEAR(ns.g_max() / ns.g_min(), 17.0, 1e-9);
    EXPECT_EQ(ns.levels(), 2);
    const CellSpec mtj = preset("mtj_generic");
    EXPECT_EQ(mtj.type, CellType::mtj);
}

TEST(Cell, ParamTableDescribesEveryKey) {
    const ParamTable& t = CellSpec::param_table();
    for (const char* key :
         {"type", "source", "levels", "r_on", "r_off", "r_p", "tmr", "v_half", "variation_sigma",
          "read_noise_sigma", "stuck_on_fraction", "stuck_off_fraction", "read_voltage",
          "write_energy", "write_latency", "cell_area"}) {
        const ParamSpec* s = t.find(key);
        ASSERT_NE(s, nullptr) << key;
        EXPECT_FALSE(s->description.empty()) << key;
    }
    EXPECT_TRUE(t.find("type")->required());
    EXPECT_FALSE(t.find("r_on")->required());
}

TEST(Cell, NonsenseTheRunCannotHonourIsRefusedWithItsReason) {
    const json rram = {{"type", "rram"}, {"r_on", "5 kohm"}, {"r_off", "15 kohm"}};
    const json mtj = {{"type", "mtj"}, {"r_p", "5 kohm"}, {"tmr", 2.0}, {"v_half", "0.5 V"}};
    auto with = [](json j, const char* key, json v) {
        j[key] = std::move(v);
        return j;
    };
    struct Case {
        json device;
        const char* pointer;
        const char* reason; ///< in the message
    };
    const Case cases[] = {
        // A lognormal sigma of 1000 draws infinite conductances (the run then overflowed).
        {with(rram, "variation_sigma", 1000), "/devices/x/variation_sigma", "below 0.5"},
        {with(rram, "variation_sigma", 1.01), "/devices/x/variation_sigma", "[0, 1]"},
        // Read noise a million times the signal.
        {with(rram, "read_noise_sigma", 1e6), "/devices/x/read_noise_sigma", "the signal"},
        // No resistance contrast: the states cannot be told apart by any sense amplifier.
        {with(mtj, "tmr", 1e-12), "/devices/x/tmr", "[0.01, 20]"},
        {with(mtj, "tmr", 0), "/devices/x/tmr", "[0.01, 20]"},
        {with(rram, "r_off", "5.01 kohm"), "/devices/x/r_off", "1.01 x r_on"},
        // A v_half so small the TMR is gone at any read bias.
        {with(mtj, "v_half", 1e-9), "/devices/x/v_half", "10 mV"},
        {with(with(mtj, "v_half", "10 mV"), "read_voltage", "1 V"), "/devices/x/v_half",
         "read bias"},
        // A wire, not a cell; an open circuit.
        {with(rram, "r_on", 1e-300), "/devices/x/r_on", "1 Tohm"},
        {with(mtj, "r_p", 1e13), "/devices/x/r_p", "1 Tohm"},
    };
    for (const Case& c : cases) {
        try {
            load_cell(c.device);
            ADD_FAILURE() << c.device.dump() << " was accepted";
        } catch (const ConfigError& e) {
            EXPECT_EQ(e.pointer(), c.pointer) << e.what();
            EXPECT_NE(std::string(e.what()).find(c.reason), std::string::npos) << e.what();
        }
    }
    // The bounds' edges are devices.
    EXPECT_NO_THROW(load_cell(with(with(rram, "variation_sigma", 1), "read_noise_sigma", 1)));
    EXPECT_NO_THROW(load_cell(with(rram, "r_off", "5.05 kohm")));
    EXPECT_NO_THROW(load_cell(with(mtj, "tmr", 0.02)));
    EXPECT_NO_THROW(load_cell(with(mtj, "v_half", 0)));
    const CellSpec c = load_cell(mtj);
    EXPECT_DOUBLE_EQ(c.tmr_at(0.0), 2.0);
    EXPECT_DOUBLE_EQ(c.tmr_at(0.5), 1.0);
    EXPECT_TRUE(c.contrast_problem(0.2).empty());
    EXPECT_FALSE(c.contrast_problem(100.0).empty()); // TMR 2 / 40001 < 0.01
}

TEST(DeviceLibrary, OverridingOneSwitchingValueKeepsThePresetsOthers) {
    // A preset whose switching differs from the built-in defaults in every key.
    const std::string dir = neurotlm::testing::scratch_dir("presets");
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/mtj_test.json") << R"({"type": "mtj", "r_p": "5 kohm", "tmr": 1.0,
               "switching": {"delta": 70, "ic0": 3e-5, "pulse_width": 7e-9}})";
    DeviceLibrary lib({dir});
    lib.load_section({{"m", {{"preset", "mtj_test"}, {"switching", {{"delta", 45}}}}}}, "p.json",
                     "/devices");
    const CellSpec& c = lib.resolve("m", "p.json", "/components/0/device");
    EXPECT_EQ(c.switching.delta, 45.0); // overridden
    EXPECT_EQ(c.switching.ic0_A, 3e-5); // kept from the preset
    EXPECT_EQ(c.switching.pulse_width_s, 7e-9);
}

} // namespace
} // namespace neurotlm
