#pragma once
/// @brief The widths at which a crossbar tile's data cross the interconnect and sit in
/// buffers: activations go in at the tile's input precision, partial sums come out at a bound
/// on what the tile's converters and shift-add produce. Defined here once, so that the
/// crossbar model can supply its own widths in their place.

#include "neurotlm/blocks/crossbar/crossbar.h"

namespace neurotlm {

/// Bits of one input element: the tile quantises its inputs to input_bits.
inline int tile_input_bits(const CrossbarSpec& s) {
    return s.input_bits;
}

/// Bits of one partial sum out of the tile: ADC bits + ceil(log2 rows) + input bits + weight
/// slices (one cell column per weight sign here: 1). A bound, not a synthesised width (assumed:
/// 5 + 7 + 8 + 1 = 21 for a 128-row tile with a 5-bit ADC and 8-bit inputs). An ideal ADC
/// (0 bits) has no hardware width: its outputs move as float32, 32 bits (assumed).
inline int tile_output_bits(const CrossbarSpec& s) {
    if (s.adc.bits <= 0) return 32;
    int log2_rows = 0;
    while ((1 << log2_rows) < s.rows)
        ++log2_rows;
    constexpr int kWeightSlices = 1;
    return s.adc.bits + log2_rows + s.input_bits + kWeightSlices;
}

} // namespace neurotlm
