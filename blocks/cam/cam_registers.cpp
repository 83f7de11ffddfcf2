#include "neurotlm/blocks/cam/cam_registers.h"

namespace neurotlm::cam::regs {

const regmap::RegisterMap& register_map() {
    static const regmap::RegisterMap map{
        "cam_array",
        kTypeCode,
        "A ternary content-addressable memory of W words x B bits on 2T2R memristor cells: one "
        "search discharges every match line by its mismatch count, a sense amplifier per word "
        "converts it, and the block decides by exact match, best match, a distance threshold "
        "or the best two with a margin.",
        {WORDS, BITS, WORD_INDEX, MODE, THRESHOLD, MARGIN, RESULT_FLAGS, BEST_INDEX, BEST_DISTANCE,
         SECOND_INDEX, SECOND_DISTANCE, MATCH_COUNT, SENSE_ERRORS},
        {DATA, MASK, KEY, KEY_MASK, DISTANCES, MATCHES},
        {WRITE, LOAD_KEY, SEARCH},
        {kErrBadWord, kErrNoKey, kErrBadMode, kErrBadThreshold},
        "Ternary words travel as two packed bit vectors: bit *i* is bit `i % 32` of 32-bit word "
        "`i / 32` of DATA (KEY) and of MASK (KEY_MASK); a mask bit of 0 is don't-care (X). "
        "A don't-care never counts as a mismatch, in the stored word or in the key. Words never "
        "written take no part in a search. The block decodes `0x80000 + ceil(W / 32) * 4` bytes. "
        "Driver: `neurotlm::CamDriver` "
        "(`probe`, `write`, `load_key`, `search`)."};
    return map;
}

NEUROTLM_REGISTER_MAP(register_map);

} // namespace neurotlm::cam::regs
