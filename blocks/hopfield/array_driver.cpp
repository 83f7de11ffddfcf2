#include "neurotlm/blocks/hopfield/array_driver.h"

#include "neurotlm/blocks/hopfield/array_registers.h"

namespace neurotlm {

namespace h = hopfield::regs;

HopfieldArrayDriver::HopfieldArrayDriver(Initiator& bus, std::uint64_t base, std::string name)
    : m_bus(bus), m_base(base), m_name(std::move(name)) {}

void HopfieldArrayDriver::probe() {
    if (m_bus.read32(m_base + regmap::ID.offset) != regmap::kIdMagic ||
        m_bus.read32(m_base + regmap::TYPE.offset) != h::kTypeCode)
        throw BusError("component '" + m_name + "' at its address is not a Hopfield array");
    m_neurons = static_cast<int>(m_bus.read32(m_base + h::NEURONS.offset));
    m_memories = static_cast<int>(m_bus.read32(m_base + h::MEMORIES.offset));
    m_max_patterns = static_cast<int>(m_bus.read32(m_base + h::MAX_PATTERNS.offset));
}

void HopfieldArrayDriver::command(std::uint32_t code, const char* what) {
    m_bus.write32(m_base + regmap::CTRL.offset, code);
    if (m_bus.read32(m_base + regmap::STATUS.offset) & regmap::kStatusError) {
        const std::uint32_t err = m_bus.read32(m_base + regmap::ERROR_CODE.offset);
        const char* why = err == regmap::kErrBadSize.value ? "pattern count out of range"
                                                           : h::register_map().error_text(err);
        throw BusError("Hopfield array '" + m_name + "' refused " + what + ": " + why);
    }
}

void HopfieldArrayDriver::select(int slot) {
    m_bus.write32(m_base + h::SELECT.offset, static_cast<std::uint32_t>(slot));
}

void HopfieldArrayDriver::pack(const std::vector<std::int8_t>& pattern,
                               std::uint32_t* words) const {
    if (pattern.size() != static_cast<std::size_t>(m_neurons))
        throw BusError("Hopfield array '" + m_name + "' has " + std::to_string(m_neurons) +
                       " neurons; a pattern of " + std::to_string(pattern.size()) +
                       " does not fit");
    for (int i = 0; i < m_neurons; ++i) {
        const std::int8_t v = pattern[static_cast<std::size_t>(i)];
        if (v != 1 && v != -1)
            throw BusError("Hopfield array '" + m_name + "': neuron " + std::to_string(i) +
                           " of a pattern is " + std::to_string(v) + "; states are +1 or -1");
        if (v > 0) words[i / 32] |= 1u << (i % 32);
    }
}

std::uint32_t HopfieldArrayDriver::store(const std::vector<std::vector<std::int8_t>>& patterns) {
    if (patterns.empty() || patterns.size() > static_cast<std::size_t>(m_max_patterns))
        throw BusError("Hopfield array '" + m_name + "' takes 1.." +
                       std::to_string(m_max_patterns) + " patterns per STORE, not " +
                       std::to_string(patterns.size()));
    const std::size_t words = h::words(static_cast<std::uint64_t>(m_neurons));
    m_buffer.assign(patterns.size() * words, 0u);
    for (std::size_t p = 0; p < patterns.size(); ++p)
        pack(patterns[p], m_buffer.data() + p * words);
    m_bus.write(m_base + h::PATTERNS.offset, m_buffer.data(),
                m_buffer.size() * sizeof(std::uint32_t));
    m_bus.write32(m_base + h::PATTERN_COUNT.offset, static_cast<std::uint32_t>(patterns.size()));
    command(h::STORE.value, "STORE");
    return m_bus.read32(m_base + h::FAILED_WRITES.offset);
}

HopfieldArrayDriver::Result HopfieldArrayDriver::recall(const std::vector<std::int8_t>& probe) {
    const std::size_t words = h::words(static_cast<std::uint64_t>(m_neurons));
    m_buffer.assign(words, 0u);
    pack(probe, m_buffer.data());
    m_bus.write(m_base + h::PROBE.offset, m_buffer.data(), words * sizeof(std::uint32_t));
    command(h::RECALL.value, "RECALL");
    m_bus.read(m_base + h::STATE.offset, m_buffer.data(), words * sizeof(std::uint32_t));
    Result r;
    r.state.resize(static_cast<std::size_t>(m_neurons));
    for (int i = 0; i < m_neurons; ++i)
        r.state[static_cast<std::size_t>(i)] =
            (m_buffer[static_cast<std::size_t>(i / 32)] >> (i % 32)) & 1u ? 1 : -1;
    r.iterations = static_cast<int>(m_bus.read32(m_base + h::ITERATIONS.offset));
    const std::uint32_t flags = m_bus.read32(m_base + h::RECALL_FLAGS.offset);
    r.converged = flags & h::kConverged;
    r.cycle = flags & h::kCycle;
    return r;
}

} // namespace neurotlm
