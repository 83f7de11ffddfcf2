#include "neurotlm/blocks/neuron_bank/neuron_bank_registers.h"

namespace neurotlm::neuron_bank::regs {

const regmap::RegisterMap& register_map() {
    static const regmap::RegisterMap map{
        "neuron_bank",
        kTypeCode,
        "A bank of SOT-MRAM analog neurons behind differential readout amplifiers.",
        {NEURONS, ACTIVATIONS, GAIN},
        {INPUT, OUTPUT},
        {ACTIVATE},
        {},
        "Inputs arrive as analog samples on `ain` (differential currents; the readout gives "
        "gain x r_unit x (I+ - I-) volts; with `parts` > 1, one sample on each of `ain0` .. "
        "whose readouts are averaged, the bank activating when the last part arrives) or are "
        "written to INPUT as volts and applied with "
        "ACTIVATE. Either way the outputs land in OUTPUT (reads wait for the activation) and, "
        "if `aout` is connected, leave on it when the activation ends. Driver: "
        "`neurotlm::NeuronBankDriver` (`probe`, `activate`, `read_outputs`)."};
    return map;
}

NEUROTLM_REGISTER_MAP(register_map);

} // namespace neurotlm::neuron_bank::regs
