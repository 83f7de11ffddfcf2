#pragma once
/// @brief SRAM buffer block: a memory-mapped DATA window (buffer_registers.h) whose every access
/// books the words it touches at the SramSpec's energy per word and takes their access time.
/// Leakage and area from the same spec.

#include <cstdint>
#include <vector>

#include "neurotlm/blocks/buffer/sram.h"
#include "neurotlm/modules/component.h"

namespace neurotlm {

class SramBuffer : public Component {
public:
    SramBuffer(const sc_core::sc_module_name& name, const Params& params,
               const ComponentContext& context);

    static ParamTable param_table();
    static double estimate_bytes(const Params& params);
    const char* type_name() const override { return "buffer"; }
    double area_m2() const override { return m_spec.area_m2(); }
    void collect_stats(StatSet& stats) const override;
    const SramSpec& spec() const { return m_spec; }

protected:
    std::uint64_t execute(std::uint32_t code, const sc_core::sc_time& start,
                          std::uint32_t& error) override;

private:
    std::uint64_t access(std::uint64_t offset, unsigned len, bool is_write);

    SramSpec m_spec;
    std::vector<unsigned char> m_data;
    std::uint32_t m_capacity = 0, m_word_bytes = 0, m_banks = 0;
    std::vector<EnergyLedger::ActionId> m_actions; ///< indexed by SramAction
    std::uint64_t m_reads = 0, m_writes = 0, m_bytes_read = 0, m_bytes_written = 0;
};

} // namespace neurotlm
