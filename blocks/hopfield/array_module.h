#pragma once
/// @brief Hopfield associative memory with MTJ synapses (Spin-NeuroMem style): N binary
/// neurons, a synapse array whose sites hold K memories selected at run time, the
/// binary-to-bipolar converter and threshold neurons, behind the register map of
/// array_registers.h. The numbers come from
/// circuits/hopfield.h: synapse read energy from the actual voltages and conductances of
/// every iteration, converter and neuron energy per evaluation, MTJ write energy (stochastic
/// switching, so a write can fail) for storage.

#include <memory>
#include <vector>

#include "neurotlm/blocks/hopfield/hopfield.h"
#include "neurotlm/modules/component.h"

namespace neurotlm {

class HopfieldArray : public Component {
public:
    HopfieldArray(const sc_core::sc_module_name& name, const Params& params,
                  const ComponentContext& context);

    static ParamTable param_table();
    static double estimate_bytes(const Params& params);
    static constexpr const char* kTypeName = "hopfield_array";
    const char* type_name() const override { return kTypeName; }
    void collect_stats(StatSet& stats) const override;

    /// The circuit model (for netlist export and inspection after a run).
    HopfieldNetwork& network() { return *m_net; }
    const HopfieldNetwork& network() const { return *m_net; }
    /// The patterns last stored in @p slot.
    const std::vector<HopfieldPattern>& stored(int slot) const {
        return m_stored.at(static_cast<std::size_t>(slot));
    }

protected:
    std::uint64_t execute(std::uint32_t code, const sc_core::sc_time& start,
                          std::uint32_t& error) override;

private:
    void unpack(const std::uint32_t* words, HopfieldPattern& out) const;

    std::unique_ptr<HopfieldNetwork> m_net;
    int m_neurons;
    int m_memories;
    std::uint32_t m_max_patterns;
    std::uint32_t m_select = 0;
    std::uint32_t m_pattern_count = 0;
    std::vector<std::uint32_t> m_probe, m_state, m_patterns; ///< packed patterns
    std::vector<std::vector<HopfieldPattern>> m_stored;
    std::uint32_t m_iterations = 0, m_flags = 0, m_failed_writes = 0;
    std::uint64_t m_recalls = 0, m_converged = 0, m_cycles = 0, m_failed_total = 0;
    std::vector<EnergyLedger::ActionId> m_actions; ///< indexed by HopfieldAction
};

} // namespace neurotlm
