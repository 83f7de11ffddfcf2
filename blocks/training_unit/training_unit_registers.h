#pragma once
/// @brief The training unit's register map, declared once: the module decodes it, the driver
/// takes its offsets from it, docs/registers.md is generated from it.
///
/// A layer of INPUTS x OUTPUTS (at most ROWS x COLUMNS) is configured, then trained through
/// windows of float32 data: a batch is BATCH rows of INPUT (batch x INPUTS, row-major), its
/// result BATCH rows of OUTPUT (batch x OUTPUTS). Weights and MTJ states are one byte per
/// synapse, INPUTS x OUTPUTS row-major (row = input), the window rounded up to whole words.

#include <cstdint>

#include "neurotlm/drivers/register_map.h"

namespace neurotlm::training_unit::regs {

using regmap::Access;

inline constexpr std::uint32_t kTypeCode = 7;

inline constexpr regmap::Field kFlags[] = {
    {"HIDDEN", 0, 1,
     "the layer has the ternary activation (a hidden layer); clear: the output layer, whose "
     "OUTPUT holds the normalised scores (read by CONFIGURE)"},
    {"WANT_INPUT", 1, 1, "BACKWARD also computes GRAD_IN, the gradient w.r.t. the input"},
};
inline constexpr std::uint32_t kHidden = 1u << 0;
inline constexpr std::uint32_t kWantInput = 1u << 1;

inline constexpr regmap::Register ROWS{"ROWS", 0x20, Access::ro, 0,
                                       "synapse rows: inputs of the largest layer"};
inline constexpr regmap::Register COLUMNS{"COLUMNS", 0x24, Access::ro, 0,
                                          "synapse columns: outputs of the largest layer"};
inline constexpr regmap::Register MAX_BATCH{"MAX_BATCH", 0x28, Access::ro, 0,
                                            "images the INPUT and OUTPUT windows hold"};
inline constexpr regmap::Register INPUTS{"INPUTS", 0x2C, Access::rw, 0,
                                         "inputs of the layer CONFIGURE builds (1..ROWS)"};
inline constexpr regmap::Register OUTPUTS{"OUTPUTS", 0x30, Access::rw, 0,
                                          "outputs of the layer CONFIGURE builds (1..COLUMNS)"};
inline constexpr regmap::Register FLAGS{"FLAGS", 0x34, Access::rw, 0, "layer and command options",
                                        kFlags};
inline constexpr regmap::Register BATCH{
    "BATCH", 0x38, Access::rw, 0,
    "images of a FORWARD (1..MAX_BATCH); BACKWARD takes the batch of the last FORWARD_TRAIN and "
    "refuses another value"};
inline constexpr regmap::Register LEARNING_RATE{"LEARNING_RATE", 0x3C, Access::rw, 0,
                                                "float32: Adam's learning rate for UPDATE"};
inline constexpr regmap::Register STEP{
    "STEP", 0x40, Access::ro, 0,
    "Adam's step count: UPDATEs since CONFIGURE, or since the step LOAD_STATE restored"};
inline constexpr regmap::Register RESTORE_STEP{"RESTORE_STEP", 0x44, Access::rw, 0,
                                               "the step count LOAD_STATE restores"};
inline constexpr regmap::Register DRAW_SEED_LO{
    "DRAW_SEED_LO", 0x48, Access::rw, 0,
    "low word of the seed of the update draws (written before DRAW_SEED_HI); with both 0 the "
    "block's own stream"};
inline constexpr regmap::Register DRAW_SEED_HI{
    "DRAW_SEED_HI", 0x4C, Access::rw, 0,
    "high word of the draw seed; writing it makes UPDATE step n draw from the stream (seed, "
    "\"update\") / \"step n\", as software with the same seed does"};

inline constexpr regmap::Window STATS{
    "STATS",
    0x10000,
    Access::ro,
    "12 float64",
    true,
    "what the last UPDATE did: proposed, blocked, pulses, switched, transitions, "
    "stochastic_pulses, intended_p sum, realised_p sum, abs_error_p sum, pulse_energy (J), "
    "pulse_time (s), synapses"};
inline constexpr regmap::Window INPUT{
    "INPUT",    0x100000,
    Access::rw, "MAX_BATCH x ROWS float32",
    false,      "the batch a FORWARD reads: BATCH x INPUTS, row-major"};
inline constexpr regmap::Window OUTPUT{
    "OUTPUT",
    0x1000000,
    Access::ro,
    "MAX_BATCH x COLUMNS float32",
    true,
    "the last FORWARD's result, BATCH x OUTPUTS: ternary activations (hidden) or scores"};
inline constexpr regmap::Window GRAD_OUT{
    "GRAD_OUT", 0x2000000,
    Access::rw, "MAX_BATCH x COLUMNS float32",
    false,      "the loss gradient w.r.t. the output of the last FORWARD_TRAIN, BATCH x OUTPUTS"};
inline constexpr regmap::Window GRAD_IN{
    "GRAD_IN",
    0x3000000,
    Access::ro,
    "MAX_BATCH x ROWS float32",
    true,
    "the gradient w.r.t. the input BACKWARD computed (FLAGS.WANT_INPUT), BATCH x INPUTS"};
inline constexpr regmap::Window WEIGHTS{
    "WEIGHTS",
    0x4000000,
    Access::rw,
    "ROWS x COLUMNS int8 (rounded up to words)",
    false,
    "ternary weights -1, 0, +1, INPUTS x OUTPUTS row-major (row = input): what PROGRAM and "
    "LOAD_STATE write, READ_WEIGHTS and SAVE_STATE fill"};
inline constexpr regmap::Window SYNAPSE_STATE{
    "SYNAPSE_STATE",
    0x5000000,
    Access::rw,
    "ROWS x COLUMNS uint8 (rounded up to words)",
    false,
    "both MTJs of each synapse, INPUTS x OUTPUTS row-major: bit 0 set when MTJ 1 is parallel, "
    "bit 1 for MTJ 2; filled by SAVE_STATE, restored by LOAD_STATE"};
inline constexpr regmap::Window STATE{
    "STATE",
    0x6000000,
    Access::rw,
    "8 COLUMNS + 2 ROWS x COLUMNS float32",
    false,
    "the layer's training state: gamma, beta, running_mean, running_var, m_g, v_g, m_b, v_b "
    "(OUTPUTS each), then m_w, v_w (INPUTS x OUTPUTS each, row = input)"};

inline constexpr regmap::Code CONFIGURE{
    1, "CONFIGURE",
    "build a layer of INPUTS x OUTPUTS with FLAGS.HIDDEN: weights drawn uniformly from "
    "{-1, 0, +1}, batch norm at gamma 1, beta 0, Adam's state and STEP at 0"};
inline constexpr regmap::Code PROGRAM{
    2, "PROGRAM",
    "write the WEIGHTS window into the MTJs by write-verify; only MTJs whose state "
    "changes are written"};
inline constexpr regmap::Code READ_WEIGHTS{3, "READ_WEIGHTS",
                                           "the weights the MTJs hold into the WEIGHTS window"};
inline constexpr regmap::Code FORWARD_TRAIN{
    4, "FORWARD_TRAIN",
    "BATCH images of INPUT through the array, batch norm with the batch's statistics (running "
    "averages updated) and the activation, into OUTPUT; kept for BACKWARD"};
inline constexpr regmap::Code FORWARD_INFER{
    5, "FORWARD_INFER", "BATCH images of INPUT into OUTPUT with the running averages"};
inline constexpr regmap::Code BACKWARD{
    6, "BACKWARD",
    "GRAD_OUT back through the activation window and batch norm: the weight and batch-norm "
    "gradients, and GRAD_IN if FLAGS.WANT_INPUT"};
inline constexpr regmap::Code UPDATE{
    7, "UPDATE",
    "Adam's step with LEARNING_RATE: gamma and beta updated, each synapse's proposed step "
    "turned into a discrete transition by stochastic write pulses; STATS filled"};
inline constexpr regmap::Code SAVE_STATE{
    8, "SAVE_STATE", "the layer's state into STATE, WEIGHTS and SYNAPSE_STATE, its step into STEP"};
inline constexpr regmap::Code LOAD_STATE{
    9, "LOAD_STATE",
    "restore the layer from STATE, WEIGHTS, SYNAPSE_STATE and RESTORE_STEP; MTJs whose state "
    "changes are written"};

inline constexpr regmap::Code kErrNotConfigured{16, "NOT_CONFIGURED", "no layer: CONFIGURE first"};
inline constexpr regmap::Code kErrBadBatch{
    17, "BAD_BATCH",
    "batch out of range: BATCH is 0, above MAX_BATCH, or (BACKWARD) not the batch of the last "
    "FORWARD_TRAIN"};
inline constexpr regmap::Code kErrLayerTooLarge{
    18, "LAYER_TOO_LARGE", "the layer does not fit the array: INPUTS > ROWS or OUTPUTS > COLUMNS"};
inline constexpr regmap::Code kErrNoTrainingForward{
    19, "NO_TRAINING_FORWARD",
    "BACKWARD needs the layer's last FORWARD to be a FORWARD_TRAIN (since CONFIGURE or "
    "LOAD_STATE)"};
inline constexpr regmap::Code kErrBadWeights{
    20, "BAD_WEIGHTS",
    "a weight is not -1, 0 or +1, or a synapse's MTJ states disagree with its weight"};

/// The order of the float64 values in the STATS window.
enum Stat : unsigned {
    kStatProposed,
    kStatBlocked,
    kStatPulses,
    kStatSwitched,
    kStatTransitions,
    kStatStochasticPulses,
    kStatIntendedP,
    kStatRealisedP,
    kStatAbsErrorP,
    kStatPulseEnergy,
    kStatPulseTime,
    kStatSynapses,
    kStatCount
};

/// Bytes of a window of one byte per synapse for @p synapses, rounded up to whole words.
inline constexpr std::uint64_t synapse_bytes(std::uint64_t synapses) {
    return (synapses + 3) / 4 * 4;
}
/// Floats of the STATE window for a layer of @p inputs x @p outputs.
inline constexpr std::uint64_t state_floats(std::uint64_t inputs, std::uint64_t outputs) {
    return 8 * outputs + 2 * inputs * outputs;
}

const regmap::RegisterMap& register_map();

} // namespace neurotlm::training_unit::regs
