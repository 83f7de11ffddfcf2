#pragma once
/// @brief What a bus's wires do: the data of each transfer laid out beat by beat on the wires
/// (LSB first, a beat being one bit per wire) and the wires that change from one beat to the
/// next counted. Dynamic energy of a wire is drawn when it rises (C V^2 from the supply, half of
/// it dissipated then and half when it falls), so a change costs C V^2 / 2 on average.
///
/// Raw bytes (registers, weights) are laid out as they are. Elements the simulator holds as
/// float32 but the hardware moves at fewer bits (an ElementWidth) are laid out as the codes the
/// hardware would send, estimated from the values: scaled by the transfer's largest magnitude to
/// the full code range of their width (unsigned when no element is negative, two's complement
/// otherwise). The sender's own quantisation scale may differ; the estimate keeps what decides
/// the activity: zeros stay all-zero codes, and small values keep their high bits still.
/// Wires a short last beat does not drive keep their value.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "neurotlm/drivers/initiator.h"

namespace neurotlm {

class WireActivity {
public:
    explicit WireActivity(unsigned wires);

    /// Send @p len bytes of @p data holding elements of width @p width; returns the wire
    /// changes the transfer caused.
    std::uint64_t send(const unsigned char* data, std::size_t len, const ElementWidth& width);

    unsigned wires() const { return m_wires; }
    std::uint64_t transitions() const { return m_transitions; }
    std::uint64_t bits() const { return m_bits; }
    /// Changes per bit sent so far (0 before anything was sent).
    double activity() const;

private:
    unsigned m_wires;
    std::vector<std::uint64_t> m_state;  ///< the wires' values after the last beat
    std::vector<std::uint64_t> m_stream; ///< scratch: one transfer's bits, LSB first
    std::uint64_t m_transitions = 0;
    std::uint64_t m_bits = 0;
};

} // namespace neurotlm
