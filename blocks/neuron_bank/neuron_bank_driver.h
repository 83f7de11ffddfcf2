#pragma once
/// @brief Driver for a neuron bank: digital access to its inputs and outputs (the last layer
/// of an analog chain, tests, debugging).

#include <cstdint>
#include <string>
#include <vector>

#include "neurotlm/drivers/initiator.h"

namespace neurotlm {

class NeuronBankDriver {
public:
    NeuronBankDriver(Initiator& bus, std::uint64_t base, std::string name = {});

    /// Reads the size (checks the ID and TYPE registers first).
    void probe();
    unsigned neurons() const { return m_neurons; }

    /// Write the neuron input voltages and activate; throws BusError if refused.
    void activate(const std::vector<float>& vin_V);
    /// The output voltages of the last activation (waits for it to finish).
    std::vector<float> read_outputs();
    std::uint32_t activations();
    /// Set every readout amplifier's gain (R3/R1); 0 restores the configured one.
    void set_gain(float gain);

private:
    Initiator& m_bus;
    std::uint64_t m_base;
    std::string m_name;
    unsigned m_neurons = 0;
};

} // namespace neurotlm
