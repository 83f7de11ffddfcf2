#pragma once
/// @brief The Hopfield array's register map, declared once: the module decodes it, the driver
/// takes its offsets from it, docs/registers.md is generated from it.
///
/// Patterns and states are packed bits, as the hardware moves them: neuron i is bit (i % 32) of
/// 32-bit word i / 32, 1 for +1 and 0 for -1; a pattern takes ceil(N / 32) words.

#include <cstdint>

#include "neurotlm/drivers/register_map.h"

namespace neurotlm::hopfield::regs {

using regmap::Access;

inline constexpr std::uint32_t kTypeCode = 4;

inline constexpr regmap::Field kRecallFlags[] = {
    {"CONVERGED", 0, 1, "the last recall reached a fixed point"},
    {"CYCLE", 1, 1, "the last (synchronous) recall ended in a 2-cycle"},
};
inline constexpr std::uint32_t kConverged = 1u << 0;
inline constexpr std::uint32_t kCycle = 1u << 1;

inline constexpr regmap::Register NEURONS{"NEURONS", 0x20, Access::ro, 0, "N"};
inline constexpr regmap::Register MEMORIES{"MEMORIES", 0x24, Access::ro, 0,
                                           "K: memories each synapse site holds"};
inline constexpr regmap::Register SELECT{"SELECT", 0x28, Access::rw, 0,
                                         "the active memory slot (for STORE and RECALL)"};
inline constexpr regmap::Register PATTERN_COUNT{"PATTERN_COUNT", 0x2C, Access::rw, 0,
                                                "patterns STORE takes from the PATTERNS window"};
inline constexpr regmap::Register ITERATIONS{
    "ITERATIONS", 0x30, Access::ro, 0,
    "iterations (synchronous) or sweeps (asynchronous) of the last recall"};
inline constexpr regmap::Register RECALL_FLAGS{
    "RECALL_FLAGS", 0x34, Access::ro, 0, "how the last recall ended", kRecallFlags};
inline constexpr regmap::Register FAILED_WRITES{
    "FAILED_WRITES", 0x38, Access::ro, 0,
    "MTJs the last STORE left in the wrong state (stochastic switching)"};
inline constexpr regmap::Register MAX_PATTERNS{"MAX_PATTERNS", 0x3C, Access::ro, 0,
                                               "capacity of the PATTERNS window"};

inline constexpr regmap::Window PROBE{
    "PROBE", 0x10000, Access::rw, "one packed pattern", false, "the state RECALL starts from"};
inline constexpr regmap::Window STATE{
    "STATE", 0x80000, Access::ro, "one packed pattern", true, "the recalled state"};
inline constexpr regmap::Window PATTERNS{"PATTERNS", 0x100000,
                                         Access::rw, "MAX_PATTERNS packed patterns",
                                         false,      "the patterns STORE learns"};

inline constexpr regmap::Code STORE{1, "STORE",
                                    "learn PATTERN_COUNT patterns into the selected slot and "
                                    "program its MTJs; only MTJs whose state changes are written"};
inline constexpr regmap::Code RECALL{
    2, "RECALL", "run from PROBE to a fixed point, a 2-cycle or the max_iterations parameter"};

inline constexpr regmap::Code kErrBadSlot{
    17, "BAD_SLOT", "no such memory slot: SELECT is beyond the array's memories"};

/// 32-bit words of one packed pattern.
inline constexpr std::uint64_t words(std::uint64_t neurons) {
    return (neurons + 31) / 32;
}

const regmap::RegisterMap& register_map();

} // namespace neurotlm::hopfield::regs
