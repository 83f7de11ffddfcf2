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

/// Bits of one partial sum out of the tile: what its shift-adders hold
/// (CrossbarSpec::partial_sum_bits: the converted code shifted over the input and weight
/// slices, with the sign). An ideal ADC (0 bits) has no hardware width: its outputs move as
/// float32, 32 bits (assumed).
inline int tile_output_bits(const CrossbarSpec& s) {
    if (s.adc.bits <= 0) return 32;
    return s.partial_sum_bits();
}

} // namespace neurotlm
