#include "neurotlm/blocks/hopfield/array_registers.h"

namespace neurotlm::hopfield::regs {

const regmap::RegisterMap& register_map() {
    static const regmap::RegisterMap map{
        "hopfield_array",
        kTypeCode,
        "A Hopfield associative memory: N binary neurons, MTJ synapses whose sites hold K "
        "memories (weight slots), binary-to-bipolar converters and threshold neurons.",
        {NEURONS, MEMORIES, SELECT, PATTERN_COUNT, ITERATIONS, RECALL_FLAGS, FAILED_WRITES,
         MAX_PATTERNS},
        {PROBE, STATE, PATTERNS},
        {STORE, RECALL},
        {kErrBadSlot},
        "Patterns and states travel packed, as hardware moves them: neuron *i* is bit `i % 32` "
        "of 32-bit word `i / 32`, 1 for +1 and 0 for -1; a pattern is `ceil(N / 32)` words. "
        "`BAD_SIZE` when PATTERN_COUNT is 0 or above MAX_PATTERNS. Driver: "
        "`neurotlm::HopfieldArrayDriver`."};
    return map;
}

NEUROTLM_REGISTER_MAP(register_map);

} // namespace neurotlm::hopfield::regs
