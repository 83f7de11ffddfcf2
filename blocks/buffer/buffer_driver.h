#pragma once
/// @brief Driver for an SRAM buffer: checks what sits at the address and moves bytes.

#include <cstddef>
#include <cstdint>
#include <string>

#include "neurotlm/drivers/initiator.h"

namespace neurotlm {

class BufferDriver {
public:
    BufferDriver(Initiator& bus, std::uint64_t base, std::string name = {});

    /// Reads the geometry (checks the ID and TYPE registers first).
    void probe();
    std::uint64_t capacity() const { return m_capacity; }
    unsigned word_bytes() const { return m_word_bytes; }

    /// Write or read @p len bytes at byte @p offset of the buffer; elements of a hardware
    /// @p width (8-bit activations held as float32) cost the words their bits fill.
    void write(std::uint64_t offset, const void* data, std::size_t len, ElementWidth width = {});
    void read(std::uint64_t offset, void* data, std::size_t len, ElementWidth width = {});

private:
    void check(std::uint64_t offset, std::size_t len) const;
    Initiator& m_bus;
    std::uint64_t m_base;
    std::string m_name;
    std::uint64_t m_capacity = 0;
    unsigned m_word_bytes = 0;
};

} // namespace neurotlm
