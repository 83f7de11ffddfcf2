#include "neurotlm/blocks/buffer/buffer_module.h"

#include "neurotlm/blocks/buffer/buffer_registers.h"
#include "neurotlm/core/error.h"
#include "neurotlm/modules/registry.h"

namespace neurotlm {

ParamTable SramBuffer::param_table() {
    ParamTable t = SramSpec::table().params();
    add_common_params(t);
    return t;
}

double SramBuffer::estimate_bytes(const Params& p) {
    return p.number("capacity");
}

SramBuffer::SramBuffer(const sc_core::sc_module_name& name, const Params& params,
                       const ComponentContext& context)
    : Component(name, params, context, buffer::regs::register_map()),
      m_spec(SramSpec::in_technology(params, context.tech())) {
    m_spec.clock_Hz = clock_Hz();
    // Name the parameter that is wrong (the table's ranges were checked by validation).
    if (m_spec.word_bits % 8 != 0)
        params.fail("word_bits", "a multiple of 8", std::to_string(m_spec.word_bits));
    try {
        m_spec.check();
    } catch (const InputError& e) {
        params.fail("capacity",
                    "a capacity of whole words in every bank (banks x word_bits / 8 divides it)",
                    e.what());
    }
    m_data.assign(static_cast<std::size_t>(m_spec.capacity_bytes), 0);
    m_capacity = static_cast<std::uint32_t>(m_spec.capacity_bytes);
    m_word_bytes = static_cast<std::uint32_t>(m_spec.word_bytes());
    m_banks = static_cast<std::uint32_t>(m_spec.banks);

    namespace r = buffer::regs;
    regmap::RegisterBank& regs = registers();
    regs.bind(r::CAPACITY, [this] { return m_capacity; });
    regs.bind(r::WORD_BYTES, [this] { return m_word_bytes; });
    regs.bind(r::BANKS, [this] { return m_banks; });
    regs.bind(r::DATA, m_data, [this](std::uint64_t offset, unsigned len, bool is_write) {
        return access(offset, len, is_write);
    });
    regs.check_complete();

    m_actions = ledger().declare(sram_energy_table(m_spec));
    ledger().set_leakage_power(m_spec.leakage_W());
}

std::uint64_t SramBuffer::access(std::uint64_t offset, unsigned len, bool is_write) {
    const std::uint64_t words = m_spec.words(offset, len);
    ledger().book(m_actions[is_write ? kWordWrite : kWordRead], words);
    (is_write ? m_writes : m_reads) += 1;
    (is_write ? m_bytes_written : m_bytes_read) += len;
    return m_spec.cycles(words);
}

std::uint64_t SramBuffer::execute(std::uint32_t code, const sc_core::sc_time& start,
                                  std::uint32_t& error) {
    error = regmap::kErrBadCommand.value;
    return 0;
}

void SramBuffer::collect_stats(StatSet& stats) const {
    stats.set("reads", static_cast<double>(m_reads), Unit::none, "bus reads of the DATA window");
    stats.set("writes", static_cast<double>(m_writes), Unit::none, "bus writes of the DATA window");
    stats.set("bytes_read", static_cast<double>(m_bytes_read), Unit::byte, "bytes read");
    stats.set("bytes_written", static_cast<double>(m_bytes_written), Unit::byte, "bytes written");
    stats.set("capacity", m_spec.capacity_bytes, Unit::byte, "capacity");
}

NEUROTLM_REGISTER_COMPONENT("buffer", SramBuffer,
                            "SRAM buffer: a memory whose accesses cost energy and time per word "
                            "(activations between layers, data staging)");

} // namespace neurotlm
