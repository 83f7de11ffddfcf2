#include "neurotlm/blocks/buffer/buffer_driver.h"

#include "neurotlm/blocks/buffer/buffer_registers.h"

namespace neurotlm {

namespace r = buffer::regs;

BufferDriver::BufferDriver(Initiator& bus, std::uint64_t base, std::string name)
    : m_bus(bus), m_base(base), m_name(std::move(name)) {}

void BufferDriver::probe() {
    if (m_bus.read32(m_base + regmap::ID.offset) != regmap::kIdMagic ||
        m_bus.read32(m_base + regmap::TYPE.offset) != r::kTypeCode)
        throw BusError("component '" + m_name + "' at its address is not a buffer");
    m_capacity = m_bus.read32(m_base + r::CAPACITY.offset);
    m_word_bytes = m_bus.read32(m_base + r::WORD_BYTES.offset);
}

void BufferDriver::check(std::uint64_t offset, std::size_t len) const {
    if (m_capacity == 0) throw BusError("buffer '" + m_name + "': probe() first");
    if (offset > m_capacity || len > m_capacity - offset)
        throw BusError("buffer '" + m_name + "' holds " + std::to_string(m_capacity) + " bytes; " +
                       std::to_string(len) + " at offset " + std::to_string(offset) +
                       " do not fit");
}

void BufferDriver::write(std::uint64_t offset, const void* data, std::size_t len,
                         ElementWidth width) {
    check(offset, len);
    m_bus.write_as(m_base + r::DATA.offset + offset, data, len, width);
}

void BufferDriver::read(std::uint64_t offset, void* data, std::size_t len, ElementWidth width) {
    check(offset, len);
    m_bus.read_as(m_base + r::DATA.offset + offset, data, len, width);
}

} // namespace neurotlm
