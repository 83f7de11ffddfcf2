#include "neurotlm/blocks/crossbar/tile_registers.h"

namespace neurotlm::crossbar::regs {

const regmap::RegisterMap& register_map() {
    static const regmap::RegisterMap map{
        "crossbar_tile",
        kTypeCode,
        "An analog crossbar tile: weights programmed into resistive cells, matrix-vector "
        "multiplication in the array through DACs and ADCs.",
        {ROWS, COLS, ROWS_USED, COLS_USED, WEIGHT_RANGE, INPUT_RANGE, OUTPUT_RANGE},
        {INPUT, OUTPUT, WEIGHTS},
        {PROGRAM, MVM},
        {},
        "The tile decodes `0x100000 + ROWS * COLS * 4` bytes; a router range must be at least "
        "that large (the loader says so if it is not). Driver: `neurotlm::CrossbarTileDriver` "
        "(`probe`, `program`, `set_input_range`, `set_output_range`, `start_mvm`, `collect`)."};
    return map;
}

NEUROTLM_REGISTER_MAP(register_map);

} // namespace neurotlm::crossbar::regs
