#pragma once
/// @brief What a driver needs from whoever issues transactions: the neurotlm controller, or the
/// initiator of a foreign virtual platform wrapped in this interface.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace neurotlm {

/// @brief A transaction failed at the target (bad address, bad command...).
class BusError : public std::runtime_error {
public:
    explicit BusError(const std::string& what) : std::runtime_error(what) {}
};

/// @brief What the bytes of a transfer are in hardware. Functional data stay in the simulator's
/// own format (float32 activations), while the hardware moves each element at its real width:
/// @p bits per element of @p element_bytes bytes. The default, {0, 0}, means the bytes are the
/// hardware's (registers, weights, raw memory).
struct ElementWidth {
    unsigned element_bytes = 0; ///< bytes of one element in the data handed over (float32: 4)
    unsigned bits = 0;          ///< bits of one element on the wires and in memories
    bool packed() const { return element_bytes != 0 && bits != 0; }
    /// Hardware bits of @p len bytes of such elements (len * 8 when not packed).
    std::uint64_t hardware_bits(std::uint64_t len) const {
        return packed() ? len / element_bytes * bits : len * 8;
    }
};

/// @brief Reads a target may compute ahead of the commands that will ask for them: @p count
/// inputs of @p width values (input b at inputs + b * width) and room for as many outputs of
/// @p out_width values. A target that takes it fills the outputs with exactly what those
/// commands will return, and the commands then cost no computation; simulated time, energy and
/// results are the same whether it takes it or not. A simulation speed-up only (functional
/// results of a batch computed together), never a transaction of the hardware.
struct LookAheadRequest {
    const float* inputs = nullptr;
    int count = 0;
    int width = 0;
    float* outputs = nullptr;
    int out_width = 0;
};

class Initiator {
public:
    virtual ~Initiator() = default;
    /// Blocking write of @p len bytes at @p address; throws BusError if the target refuses.
    virtual void write(std::uint64_t address, const void* data, std::size_t len) = 0;
    /// Blocking read; throws BusError if the target refuses.
    virtual void read(std::uint64_t address, void* data, std::size_t len) = 0;

    /// A write of @p len bytes of elements of @p width: the interconnect and the target charge
    /// the hardware bits. An initiator that cannot say so moves the bytes as they are.
    virtual void write_as(std::uint64_t address, const void* data, std::size_t len,
                          ElementWidth width) {
        write(address, data, len);
    }
    /// A read of elements of @p width (see write_as).
    virtual void read_as(std::uint64_t address, void* data, std::size_t len, ElementWidth width) {
        read(address, data, len);
    }
    /// One write of the same @p len bytes to every address of @p addresses (a multicast: the
    /// shared wires carry it once, each target stores it). An initiator without multicast
    /// writes each address in turn, which is what the hardware would then do.
    virtual void multicast_write(const std::vector<std::uint64_t>& addresses, const void* data,
                                 std::size_t len, ElementWidth width = {}) {
        for (std::uint64_t a : addresses)
            write_as(a, data, len, width);
    }

    /// Offer the target at @p address a LookAheadRequest; true if it computed the outputs. An
    /// initiator that cannot deliver one says false, and nothing is lost but speed.
    virtual bool look_ahead(std::uint64_t address, const LookAheadRequest& request) {
        (void)address;
        (void)request;
        return false;
    }

    void write32(std::uint64_t address, std::uint32_t value) { write(address, &value, 4); }
    std::uint32_t read32(std::uint64_t address) {
        std::uint32_t v = 0;
        read(address, &v, 4);
        return v;
    }
    void write_float(std::uint64_t address, float value) { write(address, &value, 4); }
};

} // namespace neurotlm
