#pragma once
/// @brief Ternary CAM block: W words x B bits of 2T2R memristor cells behind the register map
/// of cam_registers.h. Every search and write is computed by the CamArray model (cam.h), which
/// gives the decision, the sensed distances and the costs the block books: search lines, match
/// lines from the data, one conversion per word, the decision, SET and RESET pulses. Leakage and
/// area from the same spec.

#include <cstdint>
#include <memory>
#include <vector>

#include "neurotlm/blocks/cam/cam.h"
#include "neurotlm/modules/component.h"

namespace neurotlm {

class CamBlock : public Component {
public:
    CamBlock(const sc_core::sc_module_name& name, const Params& params,
             const ComponentContext& context);

    static ParamTable param_table();
    static double estimate_bytes(const Params& params);
    static constexpr const char* kTypeName = "cam_array";
    const char* type_name() const override { return kTypeName; }
    double area_m2() const override { return m_spec.area_m2(); }
    void collect_stats(StatSet& stats) const override;
    const CamSpec& spec() const { return m_spec; }
    /// The model (for inspection after a run).
    const CamArray& array() const { return *m_array; }

protected:
    std::uint64_t execute(std::uint32_t code, const sc_core::sc_time& start,
                          std::uint32_t& error) override;

private:
    TernaryWord unpack(const std::vector<std::uint32_t>& value,
                       const std::vector<std::uint32_t>& care) const;

    CamSpec m_spec;
    std::unique_ptr<CamArray> m_array;
    std::uint32_t m_words = 0, m_bits = 0;
    std::uint32_t m_word_index = 0, m_mode = 0, m_threshold = 0, m_margin = 0;
    std::uint32_t m_flags = 0, m_best = 0, m_best_distance = 0, m_second = 0, m_second_distance = 0,
                  m_match_count = 0, m_sense_errors = 0;
    std::vector<std::uint32_t> m_data, m_mask, m_key, m_key_mask, m_distances, m_matches;
    TernaryWord m_loaded_key;
    bool m_key_loaded = false;
    std::vector<EnergyLedger::ActionId> m_actions; ///< indexed by CamAction
    std::uint64_t m_searches = 0, m_writes = 0, m_key_loads = 0, m_words_sensed = 0,
                  m_sense_errors_total = 0, m_searches_misread = 0, m_sets = 0, m_resets = 0;
    std::uint64_t m_by_mode[4] = {0, 0, 0, 0};
};

} // namespace neurotlm
