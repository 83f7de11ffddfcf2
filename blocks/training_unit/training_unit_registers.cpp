#include "neurotlm/blocks/training_unit/training_unit_registers.h"

namespace neurotlm::training_unit::regs {

const regmap::RegisterMap& register_map() {
    static const regmap::RegisterMap map{
        "training_unit",
        kTypeCode,
        "A ternary array of two-MTJ synapses with the near-memory circuits that train it in "
        "situ: feed-forward in the array, batch norm and the ternary activation, the backward "
        "pass, Adam's proposed step turned into GXNOR's discrete transitions by stochastic MTJ "
        "switching.",
        {ROWS, COLUMNS, MAX_BATCH, INPUTS, OUTPUTS, FLAGS, BATCH, LEARNING_RATE, STEP, RESTORE_STEP,
         DRAW_SEED_LO, DRAW_SEED_HI},
        {STATS, INPUT, OUTPUT, GRAD_OUT, GRAD_IN, WEIGHTS, SYNAPSE_STATE, STATE},
        {CONFIGURE, PROGRAM, READ_WEIGHTS, FORWARD_TRAIN, FORWARD_INFER, BACKWARD, UPDATE,
         SAVE_STATE, LOAD_STATE},
        {kErrNotConfigured, kErrBadBatch, kErrLayerTooLarge, kErrNoTrainingForward, kErrBadWeights},
        "Windows hold the layer as configured, packed: a batch is `BATCH x INPUTS` floats at the "
        "start of INPUT (leading dimension INPUTS, not ROWS), weights and MTJ states "
        "`INPUTS x OUTPUTS` bytes (a weight is a signed byte: -1, 0 or +1; synapse +1 is MTJ 1 "
        "parallel and MTJ 2 antiparallel, -1 the reverse, 0 both alike). STATS holds float64 "
        "values in the order listed above. A synapse window spans `ROWS x COLUMNS` bytes "
        "rounded up to whole words; a transfer is whole words, so `INPUTS x OUTPUTS` is padded "
        "to a multiple of 4. `BAD_SIZE` when INPUTS or OUTPUTS is 0 at CONFIGURE; `BAD_RANGE` "
        "when LEARNING_RATE is negative or not finite, or an INPUT or GRAD_OUT value is not "
        "finite. Checkpoints: SAVE_STATE, then read STATE, WEIGHTS, SYNAPSE_STATE and STEP; to "
        "restore, CONFIGURE the same shape, write them back (STEP into RESTORE_STEP) and "
        "LOAD_STATE. Driver: `neurotlm::TrainingUnitDriver`."};
    return map;
}

NEUROTLM_REGISTER_MAP(register_map);

} // namespace neurotlm::training_unit::regs
