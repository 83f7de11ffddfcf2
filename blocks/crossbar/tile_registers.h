#pragma once
/// @brief The crossbar tile's register map, declared once: the module decodes it, the driver
/// takes its offsets from it, docs/registers.md is generated from it.

#include "neurotlm/drivers/register_map.h"

namespace neurotlm::crossbar::regs {

using regmap::Access;

inline constexpr std::uint32_t kTypeCode = 1;

inline constexpr regmap::Register ROWS{"ROWS", 0x20, Access::ro, 0,
                                       "inputs (word lines) of the tile"};
inline constexpr regmap::Register COLS{"COLS", 0x24, Access::ro, 0,
                                       "logical outputs (cols / 2 with the differential mapping)"};
inline constexpr regmap::Register ROWS_USED{
    "ROWS_USED", 0x28, Access::rw, 0,
    "rows of the block PROGRAM takes from the weights window (reset: ROWS)"};
inline constexpr regmap::Register COLS_USED{"COLS_USED", 0x2C, Access::rw, 0,
                                            "columns of that block (reset: COLS)"};
inline constexpr regmap::Register WEIGHT_RANGE{"WEIGHT_RANGE", 0x30, Access::rw, 0x3F800000,
                                               "float32: |w| that maps to the highest conductance"};
inline constexpr regmap::Register INPUT_RANGE{"INPUT_RANGE", 0x34, Access::rw, 0x3F800000,
                                              "float32: |x| that maps to the full read voltage"};
inline constexpr regmap::Register OUTPUT_RANGE{
    "OUTPUT_RANGE", 0x38, Access::rw, 0,
    "float32: |y| at the ADC's top code, in units of one input slice's read; 0 = automatic "
    "(the largest |y| the weights allow)"};

inline constexpr regmap::Window INPUT{"INPUT",        0x10000, Access::rw,
                                      "ROWS float32", false,   "the input vector"};
inline constexpr regmap::Window OUTPUT{"OUTPUT",       0x20000, Access::ro,
                                       "COLS float32", true,    "the result of the last MVM"};
inline constexpr regmap::Window WEIGHTS{"WEIGHTS",
                                        0x100000,
                                        Access::rw,
                                        "ROWS x COLS float32, row-major, row = input",
                                        false,
                                        "weights PROGRAM reads (a ROWS_USED x COLS_USED block, "
                                        "leading dimension COLS_USED)"};

inline constexpr regmap::Code PROGRAM{1, "PROGRAM",
                                      "the weights window's block to the cells; cells outside "
                                      "the block hold zero; only cells whose level changes are "
                                      "written"};
inline constexpr regmap::Code MVM{2, "MVM",
                                  "the input window through the array to the output window"};

/// The whole map (registered for the documentation and the type-code check).
const regmap::RegisterMap& register_map();

} // namespace neurotlm::crossbar::regs
