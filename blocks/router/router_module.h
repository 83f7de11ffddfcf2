#pragma once
/// @brief Address-decoding interconnect: any number of initiators on `in`, any number of
/// targets on `out`, each at a base address and size. Models a shared bus: a transfer occupies
/// the router for hop latency + ceil(hardware bits / width) cycles, and transfers queue behind
/// each other (occupancy). Energy is that of its wires: the wires that change value from beat
/// to beat are counted from the data (wire_activity.h), each at C V^2 / 2 of its length in the
/// platform's technology, the length from a floor plan (an H-tree over the area of the blocks it
/// connects) unless given. Elements of a declared
/// width (modules/transfer.h) are charged at their hardware bits; a multicast write is charged
/// once and delivered to every destination. Forwards debug transport and DMI with address
/// translation.

#include <cstdint>
#include <string>
#include <vector>

#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "neurotlm/blocks/router/wire_activity.h"
#include "neurotlm/modules/component.h"
#include "neurotlm/modules/transfer.h"

namespace neurotlm {

class Router : public Block {
public:
    tlm_utils::multi_passthrough_target_socket<Router> in;
    tlm_utils::multi_passthrough_initiator_socket<Router> out;

    Router(const sc_core::sc_module_name& name, const Params& params,
           const ComponentContext& context);

    static ParamTable param_table();
    const char* type_name() const override { return "router"; }
    std::uint64_t address_span() const override;
    TargetSocket* target_socket(const std::string& name) override;
    bool bind_initiator(const std::string& name, TargetSocket& target, std::uint64_t base,
                        std::uint64_t size) override;
    static std::vector<std::pair<std::string, bool>> initiator_specs() { return {{"out", true}}; }
    void collect_stats(StatSet& stats) const override;
    sc_core::sc_time idle_at() const override { return m_busy_until; }
    /// The H-tree's wires (width_bytes x 8 of them at twice the feature size apart) and the
    /// decode logic's gates.
    double area_m2() const override;

    /// Length one bit travels from the router to a target: `wire_length` if given, else the
    /// root-to-leaf path of an H-tree over a square holding the bound targets' area.
    double wire_length_m() const;
    /// Total wire length of that H-tree (one wire of the bus; the area counts all of them).
    double tree_length_m() const;
    /// Energy of one bit moved: `energy_per_bit` if given, else a change's energy x `toggle`,
    /// or x the activity measured so far.
    double energy_per_bit_J() const;
    /// Energy of one wire changing value: C V^2 / 2 of a wire of wire_length_m().
    double energy_per_change_J() const;
    /// True when neither `toggle` nor `energy_per_bit` is given: wire changes are counted.
    bool measures_activity() const;
    /// NAND2 gate equivalents of the decode logic and the beat register.
    double gates() const;
    /// Summed area of the blocks on `out` (the floor plan the H-tree spans).
    double targets_area_m2() const;

    struct Range {
        std::uint64_t base;
        std::uint64_t size;
        unsigned port;
    };
    const std::vector<Range>& ranges() const { return m_ranges; }

private:
    const Range* decode(std::uint64_t address) const;
    void end_of_elaboration() override;
    /// Book the wire energy of @p trans's data (after a read returns it).
    void charge(const tlm::tlm_generic_payload& trans);
    /// Occupy the bus for @p bits and book them; returns the delay the transfer adds.
    sc_core::sc_time occupy(std::uint64_t bits, std::uint64_t bytes, sc_core::sc_time& delay);
    void multicast(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay,
                   MulticastExtension& mc);
    void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned int transport_dbg(int id, tlm::tlm_generic_payload& trans);
    bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
    void invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end);

    std::vector<Range> m_ranges;
    std::vector<const Block*> m_targets; ///< the blocks bound on `out` (for the floor plan)
    const Technology& m_tech;
    unsigned m_width_bytes;
    unsigned m_hop_cycles;
    WireActivity m_wires;
    double m_toggle_given = -1.0;           ///< < 0: measured
    double m_wire_length_given_m = -1.0;    ///< < 0: from the floor plan
    double m_energy_per_bit_given_J = -1.0; ///< < 0: from the wire
    double m_leakage_given_W = -1.0;        ///< < 0: from the gates
    std::uint64_t m_bits = 0;
    std::uint64_t m_multicasts = 0;
    std::uint64_t m_deliveries = 0;
    sc_core::sc_time m_busy_until = sc_core::SC_ZERO_TIME;
    std::uint64_t m_transactions = 0;
    std::uint64_t m_bytes = 0;
    sc_core::sc_time m_queueing = sc_core::SC_ZERO_TIME;
    EnergyLedger::ActionId m_act_transfer = 0;
    bool m_priced = false;
};

} // namespace neurotlm
