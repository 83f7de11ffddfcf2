#include "neurotlm/blocks/neuron_bank/neuron_bank_driver.h"

#include <cstring>

#include "neurotlm/blocks/neuron_bank/neuron_bank_registers.h"

namespace neurotlm {

namespace r = neuron_bank::regs;

NeuronBankDriver::NeuronBankDriver(Initiator& bus, std::uint64_t base, std::string name)
    : m_bus(bus), m_base(base), m_name(std::move(name)) {}

void NeuronBankDriver::probe() {
    if (m_bus.read32(m_base + regmap::ID.offset) != regmap::kIdMagic ||
        m_bus.read32(m_base + regmap::TYPE.offset) != r::kTypeCode)
        throw BusError("component '" + m_name + "' at its address is not a neuron bank");
    m_neurons = m_bus.read32(m_base + r::NEURONS.offset);
}

void NeuronBankDriver::activate(const std::vector<float>& vin_V) {
    if (m_neurons == 0) throw BusError("neuron bank '" + m_name + "': probe() first");
    if (vin_V.size() != m_neurons)
        throw BusError("neuron bank '" + m_name + "' has " + std::to_string(m_neurons) +
                       " neurons; " + std::to_string(vin_V.size()) + " inputs given");
    m_bus.write(m_base + r::INPUT.offset, vin_V.data(), vin_V.size() * sizeof(float));
    m_bus.write32(m_base + regmap::CTRL.offset, r::ACTIVATE.value);
    if (m_bus.read32(m_base + regmap::STATUS.offset) & regmap::kStatusError) {
        const std::uint32_t err = m_bus.read32(m_base + regmap::ERROR_CODE.offset);
        throw BusError("neuron bank '" + m_name +
                       "' refused ACTIVATE: " + r::register_map().error_text(err));
    }
}

std::vector<float> NeuronBankDriver::read_outputs() {
    if (m_neurons == 0) throw BusError("neuron bank '" + m_name + "': probe() first");
    std::vector<float> out(m_neurons);
    m_bus.read(m_base + r::OUTPUT.offset, out.data(), out.size() * sizeof(float));
    return out;
}

void NeuronBankDriver::set_gain(float gain) {
    std::uint32_t bits;
    std::memcpy(&bits, &gain, sizeof bits);
    m_bus.write32(m_base + r::GAIN.offset, bits);
}

std::uint32_t NeuronBankDriver::activations() {
    return m_bus.read32(m_base + r::ACTIVATIONS.offset);
}

} // namespace neurotlm
