#pragma once
/// @brief The ternary CAM's register map, declared once: the module decodes it, the driver takes
/// its offsets from it, docs/registers.md is generated from it.
///
/// Ternary words travel as two packed bit vectors, a value and a care mask: bit i is bit
/// (i % 32) of 32-bit word i / 32; a care bit of 0 is don't-care (X), whatever the value bit.

#include <cstdint>

#include "neurotlm/drivers/register_map.h"

namespace neurotlm::cam::regs {

using regmap::Access;

inline constexpr std::uint32_t kTypeCode = 8;

inline constexpr regmap::Field kResultFlags[] = {
    {"FOUND", 0, 1, "exact/threshold: a word matched; best/top2: a written word was searched"},
    {"CONFIDENT", 1, 1, "top2: the runner-up is at least MARGIN further (other modes: FOUND)"},
};
inline constexpr std::uint32_t kFound = 1u << 0;
inline constexpr std::uint32_t kConfident = 1u << 1;

/// The value SECOND_INDEX, BEST_INDEX and DISTANCES hold where there is no word.
inline constexpr std::uint32_t kNone = 0xFFFFFFFFu;

inline constexpr regmap::Register WORDS{"WORDS", 0x20, Access::ro, 0, "W: stored words"};
inline constexpr regmap::Register BITS{"BITS", 0x24, Access::ro, 0, "B: bits of a word"};
inline constexpr regmap::Register WORD_INDEX{"WORD_INDEX", 0x28, Access::rw, 0,
                                             "the word WRITE programs"};
inline constexpr regmap::Register MODE{
    "MODE", 0x2C, Access::rw, 1,
    "sensing mode of SEARCH: 0 exact, 1 best (smallest distance), 2 threshold, 3 top2"};
inline constexpr regmap::Register THRESHOLD{"THRESHOLD", 0x30, Access::rw, 0,
                                            "threshold mode: words at distance <= THRESHOLD match"};
inline constexpr regmap::Register MARGIN{
    "MARGIN", 0x34, Access::rw, 1,
    "top2 mode: confident when the runner-up's distance exceeds the best's by >= MARGIN"};
inline constexpr regmap::Register RESULT_FLAGS{
    "RESULT_FLAGS", 0x38, Access::ro, 0, "how the last search ended", kResultFlags};
inline constexpr regmap::Register BEST_INDEX{
    "BEST_INDEX", 0x3C, Access::ro, kNone,
    "the written word at the smallest sensed distance (lowest index on a tie)"};
inline constexpr regmap::Register BEST_DISTANCE{"BEST_DISTANCE", 0x40, Access::ro, kNone,
                                                "its sensed distance"};
inline constexpr regmap::Register SECOND_INDEX{"SECOND_INDEX", 0x44, Access::ro, kNone,
                                               "the runner-up"};
inline constexpr regmap::Register SECOND_DISTANCE{"SECOND_DISTANCE", 0x48, Access::ro, kNone,
                                                  "the runner-up's sensed distance"};
inline constexpr regmap::Register MATCH_COUNT{"MATCH_COUNT", 0x4C, Access::ro, 0,
                                              "exact/threshold: words that matched"};
inline constexpr regmap::Register SENSE_ERRORS{
    "SENSE_ERRORS", 0x50, Access::ro, 0,
    "simulation insight: words of the last search whose sensed distance differs from the "
    "exact Hamming distance (variation and noise)"};

inline constexpr regmap::Window DATA{"DATA",     0x10000,
                                     Access::rw, "ceil(B / 32) uint32",
                                     false,      "value bits of the word WRITE programs"};
inline constexpr regmap::Window MASK{"MASK",     0x11000,
                                     Access::rw, "ceil(B / 32) uint32",
                                     false,      "care bits of that word (0: stored don't-care X)"};
inline constexpr regmap::Window KEY{"KEY",      0x12000,
                                    Access::rw, "ceil(B / 32) uint32",
                                    false,      "value bits of the key LOAD_KEY latches"};
inline constexpr regmap::Window KEY_MASK{"KEY_MASK", 0x13000,
                                         Access::rw, "ceil(B / 32) uint32",
                                         false,      "care bits of the key (0: key don't-care X)"};
inline constexpr regmap::Window DISTANCES{
    "DISTANCES", 0x20000,
    Access::ro,  "W uint32",
    true,        "sensed distance of every word in the last search (0xFFFFFFFF: never written)"};
inline constexpr regmap::Window MATCHES{
    "MATCHES",  0x80000,
    Access::ro, "ceil(W / 32) uint32",
    true,       "exact/threshold: bit w set when word w matched in the last search"};

inline constexpr regmap::Code WRITE{
    1, "WRITE", "program word WORD_INDEX from DATA and MASK; only cells whose state changes"};
inline constexpr regmap::Code LOAD_KEY{2, "LOAD_KEY",
                                       "latch KEY and KEY_MASK into the search-line drivers"};
inline constexpr regmap::Code SEARCH{
    3, "SEARCH", "search every written word for the latched key in MODE; results as above"};

inline constexpr regmap::Code kErrBadWord{16, "BAD_WORD", "WORD_INDEX is not below WORDS"};
inline constexpr regmap::Code kErrNoKey{17, "NO_KEY", "SEARCH before any LOAD_KEY"};
inline constexpr regmap::Code kErrBadMode{18, "BAD_MODE", "MODE is not 0-3"};
inline constexpr regmap::Code kErrBadThreshold{19, "BAD_THRESHOLD",
                                               "THRESHOLD or MARGIN is above BITS"};

/// 32-bit words of one packed vector of @p bits bits.
inline constexpr std::uint64_t words(std::uint64_t bits) {
    return (bits + 31) / 32;
}

const regmap::RegisterMap& register_map();

} // namespace neurotlm::cam::regs
