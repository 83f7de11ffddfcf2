#pragma once
/// @brief Address-decoding interconnect: any number of initiators on `in`, any number of
/// targets on `out`, each at a base address and size. Models a shared bus: a transfer occupies
/// the router for hop latency + ceil(bytes / width) cycles, and transfers queue behind each
/// other (occupancy). Forwards debug transport and DMI with address translation.

#include <cstdint>
#include <string>
#include <vector>

#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "neurotlm/modules/component.h"

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

    struct Range {
        std::uint64_t base;
        std::uint64_t size;
        unsigned port;
    };
    const std::vector<Range>& ranges() const { return m_ranges; }

private:
    const Range* decode(std::uint64_t address) const;
    void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned int transport_dbg(int id, tlm::tlm_generic_payload& trans);
    bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
    void invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end);

    std::vector<Range> m_ranges;
    unsigned m_width_bytes;
    unsigned m_hop_cycles;
    sc_core::sc_time m_busy_until = sc_core::SC_ZERO_TIME;
    std::uint64_t m_transactions = 0;
    std::uint64_t m_bytes = 0;
    sc_core::sc_time m_queueing = sc_core::SC_ZERO_TIME;
    EnergyLedger::ActionId m_act_transfer;
};

} // namespace neurotlm
