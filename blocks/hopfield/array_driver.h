#pragma once
/// @brief Driver for a Hopfield array: store patterns into a memory slot, select a slot,
/// recall from a probe.

#include <cstdint>
#include <string>
#include <vector>

#include "neurotlm/drivers/initiator.h"

namespace neurotlm {

class HopfieldArrayDriver {
public:
    HopfieldArrayDriver(Initiator& bus, std::uint64_t base, std::string name = {});

    /// Reads the size registers (checks the ID and type first).
    void probe();
    int neurons() const { return m_neurons; }
    int memories() const { return m_memories; }
    int max_patterns() const { return m_max_patterns; }

    void select(int slot);
    /// Store @p patterns (each N values of +1/-1, sent packed) into the selected slot; returns
    /// the MTJ writes that failed.
    std::uint32_t store(const std::vector<std::vector<std::int8_t>>& patterns);

    struct Result {
        std::vector<std::int8_t> state;
        int iterations = 0;
        bool converged = false;
        bool cycle = false;
    };
    /// Recall from @p probe on the selected slot (waits for the result in simulated time).
    Result recall(const std::vector<std::int8_t>& probe);

private:
    void command(std::uint32_t code, const char* what);
    void pack(const std::vector<std::int8_t>& pattern, std::uint32_t* words) const;
    Initiator& m_bus;
    std::uint64_t m_base;
    std::string m_name;
    int m_neurons = 0, m_memories = 0, m_max_patterns = 0;
    std::vector<std::uint32_t> m_buffer;
};

} // namespace neurotlm
