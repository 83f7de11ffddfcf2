#pragma once
/// @brief Energy bookkeeping in the Timeloop style: a component declares its actions with an
/// energy per action, counts them as they happen, and may add data-dependent energy (a
/// crossbar read's sum V^2 G t) to an action. Leakage power is integrated over simulated
/// time when the report is made.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace neurotlm {

/// @brief The classes energy is reported in across blocks (an architect's breakdown, as
/// NeuroSim's): every action belongs to one.
namespace energy_class {
inline constexpr const char* array = "array";               ///< cell reads
inline constexpr const char* adc = "adc";                   ///< converters and sense amplifiers
inline constexpr const char* row_drivers = "row_drivers";   ///< word lines, input latches, muxes
inline constexpr const char* shift_add = "shift_add";       ///< shift-add and accumulation
inline constexpr const char* activation = "activation";     ///< activation and comparison
inline constexpr const char* pooling = "pooling";           ///< max and average pooling
inline constexpr const char* buffers = "buffers";           ///< on-chip memories
inline constexpr const char* interconnect = "interconnect"; ///< buses, routers, wires
inline constexpr const char* write = "write";               ///< programming cells
inline constexpr const char* other = "other";
/// Static power integrated over the run: reports list it as a class of its own; no action has
/// it.
inline constexpr const char* leakage = "leakage";
/// Every class an action may belong to, in the order reports list them (leakage follows).
inline constexpr std::array<const char*, 10> kActionClasses{
    array, adc, row_drivers, shift_add, activation, pooling, buffers, interconnect, write, other};
} // namespace energy_class

struct ActionRecord {
    std::string name;
    std::string description;
    std::string energy_class = energy_class::other; ///< see energy_class
    double energy_per_action_J = 0.0;               ///< fixed part, booked with every count
    std::uint64_t count = 0;
    double energy_J = 0.0; ///< total booked: fixed part x count + data-dependent part
};

/// @brief One row of a circuit's energy table (Timeloop's ERT): an action and its fixed price.
/// Data-dependent energy (a crossbar read's sum V^2 G t) is added when the action is booked.
struct ActionPrice {
    std::string name;
    double energy_J = 0.0;
    std::string description;
    std::string energy_class = energy_class::other;
};
/// A circuit's actions and prices, in the order the circuit indexes them.
using EnergyTable = std::vector<ActionPrice>;

class EnergyLedger {
public:
    using ActionId = std::size_t;

    /// Declare every action of @p table in order; the id of row i is element i.
    std::vector<ActionId> declare(const EnergyTable& table);

    /// Declare an action; returns its id for fast booking. Declaring a name twice returns
    /// the first id and keeps the first energy.
    ActionId declare(const std::string& name, double energy_per_action_J,
                     const std::string& description,
                     const std::string& energy_class = energy_class::other);

    /// Count @p n actions at their fixed energy plus @p extra_J data-dependent energy.
    void book(ActionId id, std::uint64_t n = 1, double extra_J = 0.0) {
        ActionRecord& a = m_actions[id];
        a.count += n;
        a.energy_J += a.energy_per_action_J * static_cast<double>(n) + extra_J;
    }

    void set_leakage_power(double watts) { m_leakage_W = watts; }
    double leakage_power_W() const { return m_leakage_W; }

    double dynamic_energy_J() const;
    double leakage_energy_J(double elapsed_s) const { return m_leakage_W * elapsed_s; }

    const std::vector<ActionRecord>& actions() const { return m_actions; }
    const ActionRecord* find(const std::string& name) const;

    /// Zero every count and energy, keeping declarations.
    void reset();

private:
    std::vector<ActionRecord> m_actions;
    double m_leakage_W = 0.0;
};

} // namespace neurotlm
