#include "neurotlm/devices/technology.h"

#include <array>

#include "neurotlm/core/error.h"
#include "neurotlm/core/params.h"

namespace neurotlm {

namespace {

constexpr double kLstpOffCurrent_A_per_m = 100e-12 / 1e-6; // 100 pA/um

/// One node, built by the first-order laws of technology.h from its feature size, supply and
/// wire resistivity, with the published SRAM cell of that generation.
Technology node(double node_nm, double vdd_V, double rho_ohm_m, double sram_um2) {
    Technology t;
    const double s = node_nm / 45.0; // linear scale from the 45 nm anchors
    t.node_m = node_nm * 1e-9;
    t.vdd_V = vdd_V;
    // Capacitance per length of a wire stays near 0.2 fF/um across generations (Ho, Mai and
    // Horowitz, "The future of wires", Proc. IEEE 2001).
    t.wire_cap_F_per_m = 0.2e-9;
    // A minimum-pitch copper wire of width F and height 2F, with the resistivity raised by
    // surface and grain scattering at that width (rho given per node).
    t.wire_res_ohm_per_m = rho_ohm_m / (t.node_m * 2.0 * t.node_m);
    // Horowitz ISSCC 2014: 32-bit integer add 0.1 pJ at 45 nm, 0.9 V -> 3.1 fJ per bit; E ~ C V^2
    // with C ~ F.
    t.full_adder_energy_J = 0.1e-12 / 32.0 * s * (vdd_V / 0.9) * (vdd_V / 0.9);
    // Nangate 45 nm open cell library NAND2_X1: 0.798 um^2, scaled with F^2.
    t.gate_area_m2 = 0.798e-12 * s * s;
    // Subthreshold leakage of a low-standby-power process: the ITRS device targets hold the
    // off current of a low-standby-power (LSTP) transistor at about 100 pA per um of width at
    // every node (high-performance ones at about 100 nA/um: override gate_leakage for those).
    // A NAND2 gate equivalent has, averaged over its input states, about 1.5 minimum-width (3F)
    // devices off and unstacked (assumed); each leaks I_off x W at vdd. At 300 K.
    t.gate_leakage_W = kLstpOffCurrent_A_per_m * 1.5 * 3.0 * t.node_m * vdd_V;
    // FO4 ~ 360 ps per um of drawn gate length (rule of thumb, Ho et al. 2001).
    t.fo4_delay_s = 360e-12 * node_nm * 1e-3;
    // About 1 fF per um of gate width, minimum width 3F.
    t.gate_cap_F = 1e-15 / 1e-6 * 3.0 * t.node_m;
    t.sram_cell_area_m2 = sram_um2 * 1e-12;
    return t;
}

struct Preset {
    const char* name;
    Technology tech;
};

// Supplies: the nominal Vdd of the Predictive Technology Model (ASU PTM) high-performance cards.
// SRAM cells: Intel's published 6T cells (65 nm 0.570, 45 nm 0.346, 32 nm 0.171, 22 nm
// 0.092 um^2). Copper resistivity with size effects: about 2.2, 2.5, 3.0 and 4.0 x 10^-8 ohm m
// at 65, 45, 32 and 22 nm widths (ITRS interconnect tables, rounded).
const std::array<Preset, 4>& presets() {
    static const std::array<Preset, 4> p{{
        {"22nm", node(22, 0.8, 4.0e-8, 0.092)},
        {"32nm", node(32, 0.9, 3.0e-8, 0.171)},
        {"45nm", node(45, 1.0, 2.5e-8, 0.346)},
        {"65nm", node(65, 1.1, 2.2e-8, 0.570)},
    }};
    return p;
}

std::string squeeze(const std::string& s) {
    std::string out;
    for (char c : s)
        if (c != ' ') out += c;
    return out;
}

} // namespace

const Technology* Technology::preset(const std::string& name) {
    const std::string key = squeeze(name);
    for (const auto& p : presets())
        if (key == p.name) return &p.tech;
    return nullptr;
}

std::vector<std::string> Technology::preset_names() {
    std::vector<std::string> out;
    for (const auto& p : presets())
        out.emplace_back(p.name);
    return out;
}

const char* Technology::sources() {
    return "supply: ASU Predictive Technology Model nominal Vdd; adder energy: Horowitz, ISSCC "
           "2014 (45 nm) scaled as C V^2; gate area: Nangate 45 nm open cell library scaled as "
           "F^2; SRAM cell: Intel 65/45/32/22 nm 6T cells; wire capacitance and FO4: Ho, Mai and "
           "Horowitz, Proc. IEEE 2001; gate leakage: ITRS low-standby-power off current (100 "
           "pA/um) "
           "over 1.5 minimum-width devices per gate equivalent (assumed)";
}

Technology Technology::from_config(const json& t, const std::string& file,
                                   const std::string& pointer, std::string* preset_name) {
    auto known = [] {
        std::string names;
        for (const auto& n : preset_names())
            names += (names.empty() ? "" : ", ") + n;
        return names;
    };
    auto base = [&](const json& name, const std::string& at) {
        const Technology* p = name.is_string() ? preset(name.get<std::string>()) : nullptr;
        if (!p)
            throw ConfigError(file, at, "a technology preset (" + known() + ")",
                              describe_json(name));
        if (preset_name) *preset_name = name.get<std::string>();
        return *p;
    };
    if (!t.is_object()) return base(t, pointer);
    const json name = t.contains("preset") ? t["preset"] : json(default_preset());
    Technology tech = base(name, pointer + "/preset");
    const Params p = Params::validate(t, table().params(), file, pointer, {"preset", "source"});
    table().apply_present(p, "", tech);
    return tech;
}

const SpecTable<Technology>& Technology::table() {
    static const SpecTable<Technology> table = [] {
        const Technology d = *preset(default_preset());
        SpecTable<Technology> t;
        t.positive("node", Unit::metre, NEUROTLM_FIELD(node_m), d.node_m,
                   "feature size; wire geometry and gate capacitance follow it", 1e-9, 1e-6)
            .positive("vdd", Unit::volt, NEUROTLM_FIELD(vdd_V), d.vdd_V, "logic supply", 0.1, 5.0)
            .positive("wire_capacitance", Unit::farad_per_metre, NEUROTLM_FIELD(wire_cap_F_per_m),
                      d.wire_cap_F_per_m, "capacitance of on-chip wire per length", 0.0, 1e-6)
            .positive("wire_resistance", Unit::ohm_per_metre, NEUROTLM_FIELD(wire_res_ohm_per_m),
                      d.wire_res_ohm_per_m, "resistance of on-chip wire per length", 0.0, 1e12)
            .positive("full_adder_energy", Unit::joule, NEUROTLM_FIELD(full_adder_energy_J),
                      d.full_adder_energy_J,
                      "energy of one bit of an addition; the gate equivalent's switching energy "
                      "is this / 5.3",
                      0.0, 1e-9)
            .positive("gate_area", Unit::square_metre, NEUROTLM_FIELD(gate_area_m2), d.gate_area_m2,
                      "area of one NAND2 gate equivalent", 0.0, 1e-6)
            .number("gate_leakage", Unit::watt, NEUROTLM_FIELD(gate_leakage_W), d.gate_leakage_W,
                    "static power of one gate equivalent", 0.0, 1e-3)
            .positive("fo4_delay", Unit::second, NEUROTLM_FIELD(fo4_delay_s), d.fo4_delay_s,
                      "fan-out-of-4 inverter delay", 0.0, 1e-6)
            .positive("gate_capacitance", Unit::farad, NEUROTLM_FIELD(gate_cap_F), d.gate_cap_F,
                      "gate capacitance of a minimum transistor (a cell's access device)", 0.0,
                      1e-12)
            .positive("sram_cell_area", Unit::square_metre, NEUROTLM_FIELD(sram_cell_area_m2),
                      d.sram_cell_area_m2, "area of a 6T SRAM bit cell", 0.0, 1e-6);
        return t;
    }();
    return table;
}

} // namespace neurotlm
