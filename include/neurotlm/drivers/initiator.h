#pragma once
/// @brief What a driver needs from whoever issues transactions: the neurotlm controller, or the
/// initiator of a foreign virtual platform wrapped in this interface.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace neurotlm {

/// @brief A transaction failed at the target (bad address, bad command...).
class BusError : public std::runtime_error {
public:
    explicit BusError(const std::string& what) : std::runtime_error(what) {}
};

class Initiator {
public:
    virtual ~Initiator() = default;
    /// Blocking write of @p len bytes at @p address; throws BusError if the target refuses.
    virtual void write(std::uint64_t address, const void* data, std::size_t len) = 0;
    /// Blocking read; throws BusError if the target refuses.
    virtual void read(std::uint64_t address, void* data, std::size_t len) = 0;

    void write32(std::uint64_t address, std::uint32_t value) { write(address, &value, 4); }
    std::uint32_t read32(std::uint64_t address) {
        std::uint32_t v = 0;
        read(address, &v, 4);
        return v;
    }
    void write_float(std::uint64_t address, float value) { write(address, &value, 4); }
};

} // namespace neurotlm
