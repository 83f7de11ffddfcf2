#include "neurotlm/blocks/buffer/buffer_registers.h"

namespace neurotlm::buffer::regs {

const regmap::RegisterMap& register_map() {
    static const regmap::RegisterMap map{
        "buffer",
        kTypeCode,
        "An SRAM buffer: a plain memory whose accesses cost energy and time per word touched.",
        {CAPACITY, WORD_BYTES, BANKS},
        {DATA},
        {},
        {},
        "A DATA access of n bytes touches the words it overlaps; they take ceil(words / "
        "BANKS) access times after the transfer over the port. There are no commands (CTRL "
        "answers `BAD_COMMAND`). Driver: `neurotlm::BufferDriver` (`probe`, `write`, `read`)."};
    return map;
}

NEUROTLM_REGISTER_MAP(register_map);

} // namespace neurotlm::buffer::regs
