#pragma once
/// @brief The SRAM buffer's register map, declared once: the module decodes it, the driver
/// takes its offsets from it, docs/registers.md is generated from it.

#include <cstdint>

#include "neurotlm/drivers/register_map.h"

namespace neurotlm::buffer::regs {

using regmap::Access;

inline constexpr std::uint32_t kTypeCode = 5;

inline constexpr regmap::Register CAPACITY{"CAPACITY", 0x20, Access::ro, 0,
                                           "bytes in the DATA window"};
inline constexpr regmap::Register WORD_BYTES{"WORD_BYTES", 0x24, Access::ro, 0,
                                             "bytes of one bank access"};
inline constexpr regmap::Register BANKS{"BANKS", 0x28, Access::ro, 0, "independent banks"};

inline constexpr regmap::Window DATA{
    "DATA",           0x10000, Access::rw,
    "CAPACITY bytes", false,   "the memory; every access costs the words it touches"};

const regmap::RegisterMap& register_map();

} // namespace neurotlm::buffer::regs
