#include "neurotlm/blocks/cam/cam_module.h"

#include <algorithm>
#include <cmath>

#include "neurotlm/blocks/cam/cam_registers.h"
#include "neurotlm/core/error.h"
#include "neurotlm/modules/registry.h"

namespace neurotlm {

namespace r = cam::regs;

ParamTable CamBlock::param_table() {
    ParamTable t = CamSpec::table().params();
    add_common_params(t);
    return t;
}

double CamBlock::estimate_bytes(const Params& p) {
    const double w = static_cast<double>(p.integer("words"));
    const double b = static_cast<double>(p.integer("bits"));
    // Per cell its two states and conductances (24 bytes); per word the stored ternary word
    // (two bits per bit, in 64-bit limbs) and its distance and valid flag.
    return w * b * 24.0 + w * (2.0 * 8.0 * std::ceil(b / 64.0) + 16.0);
}

CamBlock::CamBlock(const sc_core::sc_module_name& name, const Params& params,
                   const ComponentContext& context)
    : Component(name, params, context, r::register_map()),
      m_spec(CamSpec::in_technology(params, context.tech())) {
    m_spec.clock_Hz = clock_Hz();
    // The table's ranges are the parameters' own (validated already); what remains is whether
    // the sense amplifier can tell adjacent counts apart, and which parameter to change.
    std::string param = "eval_time";
    if (const std::string why = m_spec.sensing_problem(&param); !why.empty())
        params.fail(param,
                    param == "eval_time"
                        ? "an evaluation time whose smallest count step exceeds twice the noise"
                        : "a noise (or a width) whose counts some evaluation time separates",
                    why);
    m_array = std::make_unique<CamArray>(m_spec, rng().derive("array"));
    m_words = static_cast<std::uint32_t>(m_spec.words);
    m_bits = static_cast<std::uint32_t>(m_spec.bits);
    const std::size_t vec = r::words(m_bits);
    m_data.assign(vec, 0u);
    m_mask.assign(vec, 0u);
    m_key.assign(vec, 0u);
    m_key_mask.assign(vec, 0u);
    m_distances.assign(m_words, r::kNone);
    m_matches.assign(r::words(m_words), 0u);

    regmap::RegisterBank& regs = registers();
    regs.bind(r::WORDS, [this] { return m_words; });
    regs.bind(r::BITS, [this] { return m_bits; });
    regs.bind(r::WORD_INDEX, m_word_index);
    regs.bind(r::MODE, m_mode);
    regs.bind(r::THRESHOLD, m_threshold);
    regs.bind(r::MARGIN, m_margin);
    regs.bind(r::RESULT_FLAGS, [this] { return m_flags; });
    regs.bind(r::BEST_INDEX, [this] { return m_best; });
    regs.bind(r::BEST_DISTANCE, [this] { return m_best_distance; });
    regs.bind(r::SECOND_INDEX, [this] { return m_second; });
    regs.bind(r::SECOND_DISTANCE, [this] { return m_second_distance; });
    regs.bind(r::MATCH_COUNT, [this] { return m_match_count; });
    regs.bind(r::SENSE_ERRORS, [this] { return m_sense_errors; });
    regs.bind(r::DATA, m_data);
    regs.bind(r::MASK, m_mask);
    regs.bind(r::KEY, m_key);
    regs.bind(r::KEY_MASK, m_key_mask);
    regs.bind(r::DISTANCES, m_distances);
    regs.bind(r::MATCHES, m_matches);
    regs.check_complete();
    m_best = m_best_distance = m_second = m_second_distance = r::kNone;

    m_actions = ledger().declare(cam_energy_table(m_spec));
    ledger().set_leakage_power(m_spec.leakage_W());
}

TernaryWord CamBlock::unpack(const std::vector<std::uint32_t>& value,
                             const std::vector<std::uint32_t>& care) const {
    TernaryWord w(static_cast<int>(m_bits));
    for (std::uint32_t i = 0; i < m_bits; ++i) {
        if (!((care[i / 32] >> (i % 32)) & 1u)) continue;
        w.set(static_cast<int>(i), (value[i / 32] >> (i % 32)) & 1u ? Trit::one : Trit::zero);
    }
    return w;
}

namespace {
std::uint32_t reg_of(int v) {
    return v < 0 ? r::kNone : static_cast<std::uint32_t>(v);
}
} // namespace

std::uint64_t CamBlock::execute(std::uint32_t code, const sc_core::sc_time& start,
                                std::uint32_t& error) {
    EnergyLedger& l = ledger();
    switch (code) {
    case r::WRITE.value: {
        if (m_word_index >= m_words) {
            error = r::kErrBadWord.value;
            return 0;
        }
        const CamWriteCost c =
            m_array->write(static_cast<int>(m_word_index), unpack(m_data, m_mask));
        l.book(m_actions[kCamWriteLatch]);
        l.book(m_actions[kCamSet], static_cast<std::uint64_t>(c.sets));
        l.book(m_actions[kCamReset], static_cast<std::uint64_t>(c.resets));
        ++m_writes;
        m_sets += static_cast<std::uint64_t>(c.sets);
        m_resets += static_cast<std::uint64_t>(c.resets);
        return std::max<std::uint64_t>(1, c.cycles);
    }
    case r::LOAD_KEY.value:
        m_loaded_key = unpack(m_key, m_key_mask);
        m_key_loaded = true;
        l.book(m_actions[kCamKeyLatch]);
        ++m_key_loads;
        return 1;
    case r::SEARCH.value: {
        if (!m_key_loaded) {
            error = r::kErrNoKey.value;
            return 0;
        }
        if (m_mode > static_cast<std::uint32_t>(CamMode::top2)) {
            error = r::kErrBadMode.value;
            return 0;
        }
        if (m_threshold > m_bits || m_margin > m_bits) {
            error = r::kErrBadThreshold.value;
            return 0;
        }
        CamQuery q;
        q.mode = static_cast<CamMode>(m_mode);
        q.threshold = static_cast<int>(m_threshold);
        q.margin = static_cast<int>(m_margin);
        const CamSearchResult s = m_array->search(m_loaded_key, q);
        m_flags = (s.found ? r::kFound : 0u) | (s.confident ? r::kConfident : 0u);
        m_best = reg_of(s.best);
        m_best_distance = reg_of(s.best_distance);
        m_second = reg_of(s.second);
        m_second_distance = reg_of(s.second_distance);
        m_match_count = static_cast<std::uint32_t>(s.matches);
        m_sense_errors = static_cast<std::uint32_t>(s.sense_errors);
        std::fill(m_matches.begin(), m_matches.end(), 0u);
        for (std::size_t i = 0; i < m_distances.size(); ++i) {
            m_distances[i] = reg_of(s.distances[i]);
            if (s.matched[i]) m_matches[i / 32] |= 1u << (i % 32);
        }
        const std::uint64_t sensed = static_cast<std::uint64_t>(s.words_sensed);
        l.book(m_actions[kCamSearchLine], static_cast<std::uint64_t>(s.cared_key_bits));
        l.book(m_actions[kCamMatchLine], sensed, s.match_line_J);
        l.book(m_actions[kCamSense], sensed);
        l.book(m_actions[kCamLadder]);
        l.book(m_actions[kCamResolve]);
        ++m_searches;
        ++m_by_mode[m_mode];
        m_words_sensed += sensed;
        m_sense_errors_total += static_cast<std::uint64_t>(s.sense_errors);
        m_searches_misread += s.sense_errors > 0 ? 1 : 0;
        return s.cycles;
    }
    default: error = regmap::kErrBadCommand.value; return 0;
    }
}

void CamBlock::collect_stats(StatSet& stats) const {
    stats.set("searches", static_cast<double>(m_searches), Unit::none, "searches run");
    for (int m = 0; m < 4; ++m)
        stats.set(std::string("searches_") + to_string(static_cast<CamMode>(m)),
                  static_cast<double>(m_by_mode[m]), Unit::none,
                  std::string("searches in ") + to_string(static_cast<CamMode>(m)) + " mode");
    stats.set("writes", static_cast<double>(m_writes), Unit::none, "words written");
    stats.set("key_loads", static_cast<double>(m_key_loads), Unit::none, "keys latched");
    stats.set("words_sensed", static_cast<double>(m_words_sensed), Unit::none,
              "match lines converted (written words x searches)");
    stats.set("sense_errors", static_cast<double>(m_sense_errors_total), Unit::none,
              "words sensed at a distance other than their exact Hamming distance");
    stats.set("searches_misread", static_cast<double>(m_searches_misread), Unit::none,
              "searches in which at least one word was sensed at a wrong distance");
    stats.set("cells_set", static_cast<double>(m_sets), Unit::none, "SET pulses");
    stats.set("cells_reset", static_cast<double>(m_resets), Unit::none, "RESET pulses");
    stats.set("words", m_spec.words, Unit::none, "stored words W");
    stats.set("bits", m_spec.bits, Unit::none, "bits B of a word");
    stats.set("search_time", m_spec.search_time_s(), Unit::second,
              "one search: precharge, evaluation, conversion, decision");
}

NEUROTLM_REGISTER_COMPONENT("cam_array", CamBlock,
                            "ternary CAM on 2T2R memristor cells: exact, best, threshold and "
                            "top-2 searches by match-line mismatch count");

} // namespace neurotlm
