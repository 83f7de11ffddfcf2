#pragma once
/// @brief The CMOS technology a platform is built in: supply, wires and the cost of a logic gate,
/// from which every digital circuit of the periphery (adders, registers, comparators, drivers,
/// multiplexers) is priced in energy, delay, leakage and area.
///
/// Circuits are counted in NAND2 gate equivalents (GE): a full adder is about 5.3 GE and a
/// flip-flop about 5.7 GE of area in the Nangate 45 nm open cell library (FA_X1 4.26 um^2,
/// DFF_X1 4.52 um^2, NAND2_X1 0.80 um^2). The energy of an n-bit addition is n times the full
/// adder's, anchored at 45 nm on Horowitz ("Computing's energy problem", ISSCC 2014: a 32-bit
/// integer add is 0.1 pJ at 0.9 V) and carried to other nodes as C V^2 with C proportional to
/// the feature size. These are first-order laws, stated as such: a synthesised netlist of the
/// same circuit can differ by tens of percent.

#include <string>
#include <vector>

#include "neurotlm/core/spec_table.h"

namespace neurotlm {

/// A plain Technology{} holds the 45 nm preset's values, rounded; platforms use the presets.
struct Technology {
    double node_m = 45e-9;                 ///< feature size (drawn gate length)
    double vdd_V = 1.0;                    ///< logic supply
    double wire_cap_F_per_m = 0.2e-9;      ///< wire capacitance (0.2 fF/um)
    double wire_res_ohm_per_m = 6.17e6;    ///< minimum-pitch wire resistance (6.2 ohm/um)
    double full_adder_energy_J = 3.86e-15; ///< one full-adder bit of an addition at vdd
    double gate_area_m2 = 0.798e-12;       ///< one NAND2 gate equivalent, placed
    double gate_leakage_W = 20.25e-12;     ///< static power of one gate equivalent
    double fo4_delay_s = 16.2e-12;         ///< fan-out-of-4 inverter delay
    double gate_cap_F = 0.135e-15;         ///< gate of a minimum transistor (an access device)
    double sram_cell_area_m2 = 0.346e-12;  ///< 6T SRAM bit cell

    /// Gate equivalents of the circuits the periphery is built from (area; also the energy
    /// weight of circuits that are not adders).
    static constexpr double kFullAdderGates = 5.3;
    static constexpr double kFlipFlopGates = 5.7;
    static constexpr double kLatchGates = 3.0;
    /// A clocked (StrongARM) comparator with its output latch.
    static constexpr double kComparatorGates = 8.0;

    /// Energy of one gate equivalent switching (the full adder's share per gate).
    double gate_energy_J() const { return full_adder_energy_J / kFullAdderGates; }
    /// An @p bits wide addition (ripple or carry-save: one full adder per bit).
    double add_energy_J(int bits) const { return bits * full_adder_energy_J; }
    /// A comparison of @p bits: a subtraction, one full adder per bit.
    double compare_energy_J(int bits) const { return add_energy_J(bits); }
    /// Clocking @p bits into a register.
    double register_energy_J(int bits) const { return bits * kFlipFlopGates * gate_energy_J(); }
    /// Energy of charging a wire of @p length_m through a full swing at vdd with activity
    /// @p toggle (the fraction of cycles a bit changes).
    double wire_energy_J(double length_m, double toggle = 1.0) const {
        return toggle * wire_cap_F_per_m * length_m * vdd_V * vdd_V;
    }
    /// How an energy measured at Horowitz's anchor (45 nm, 0.9 V) carries to this technology:
    /// C V^2 with C proportional to the feature size, the law the adder energy follows.
    double energy_scale_from_45nm() const { return node_m / 45e-9 * (vdd_V / 0.9) * (vdd_V / 0.9); }
    /// Pitch of a minimum-width wire: width F plus spacing F.
    double wire_pitch_m() const { return 2.0 * node_m; }
    /// Area of @p gates gate equivalents.
    double area_m2(double gates) const { return gates * gate_area_m2; }
    /// Static power of @p gates gate equivalents.
    double leakage_W(double gates) const { return gates * gate_leakage_W; }

    /// The parameters ("node", "vdd", "wire_capacitance", ...), bound to these fields.
    static const SpecTable<Technology>& table();
    /// The preset for @p name ("22nm", "32nm", "45nm", "65nm"; "22 nm" also accepted), or
    /// nullptr.
    static const Technology* preset(const std::string& name);
    /// The preset names, smallest node first.
    static std::vector<std::string> preset_names();
    /// The name of the preset a platform gets when it names none.
    static const char* default_preset() { return "45nm"; }
    /// Where each preset's numbers come from.
    static const char* sources();
    /// The platform's `technology` value @p t (a preset name, or an object of a "preset" and
    /// overrides) at @p pointer of @p file; throws ConfigError naming the pointer. The preset's
    /// name goes to @p preset_name when given.
    static Technology from_config(const json& t, const std::string& file,
                                  const std::string& pointer, std::string* preset_name = nullptr);
};

} // namespace neurotlm
