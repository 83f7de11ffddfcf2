#pragma once
/// @brief The neuron bank's register map, declared once: the module decodes it, the driver
/// takes its offsets from it, docs/registers.md is generated from it.

#include <cstdint>

#include "neurotlm/drivers/register_map.h"

namespace neurotlm::neuron_bank::regs {

using regmap::Access;

inline constexpr std::uint32_t kTypeCode = 6;

inline constexpr regmap::Register NEURONS{"NEURONS", 0x20, Access::ro, 0, "neurons in the bank"};
inline constexpr regmap::Register ACTIVATIONS{"ACTIVATIONS", 0x24, Access::ro, 0,
                                              "activations so far (commands and analog samples)"};

inline constexpr regmap::Register GAIN{
    "GAIN", 0x28, Access::rw, 0,
    "float32: readout gain R3/R1 of every amplifier; 0 = the configured readout.gain (a "
    "workload sets it so a pre-activation of 1 reaches the neuron's fitted scale)"};

inline constexpr regmap::Window INPUT{
    "INPUT",
    0x10000,
    Access::rw,
    "NEURONS float32",
    false,
    "neuron input voltages (V) ACTIVATE applies; an analog sample leaves the readout's outputs "
    "here"};
inline constexpr regmap::Window OUTPUT{"OUTPUT",   0x20000,
                                       Access::ro, "NEURONS float32",
                                       true,       "output voltages (V) of the last activation"};

inline constexpr regmap::Code ACTIVATE{1, "ACTIVATE",
                                       "the input window through the neurons to the output "
                                       "window (and out on aout if it is connected)"};

const regmap::RegisterMap& register_map();

} // namespace neurotlm::neuron_bank::regs
