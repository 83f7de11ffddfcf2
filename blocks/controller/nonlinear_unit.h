#pragma once
/// @brief The digital neuron of a mixed-signal chain: a sigmoid, tanh or reverse sigmoid of an
/// integer input, by look-up table or by piecewise-linear arithmetic, priced in the platform's
/// technology (energy per evaluation, cycles, gate equivalents for area and leakage).
///
/// - `lut`: a table of 2^input_bits entries of output_bits, built as the read multiplexer tree a
///   synthesised ROM is before logic minimisation (one 2:1 multiplexer, 2.3 GE, per entry and
///   output bit: an upper bound, minimisation of a monotone curve shrinks it). An evaluation
///   switches the select inputs of the tree (activity 0.5, assumed) and one path of input_bits
///   multiplexers per output bit. One cycle.
/// - `pwl`: `segments` straight pieces (Amin, Curtis and Hayes-Gill, "Piecewise linear
///   approximation applied to nonlinear function of a neural network", IEE Proc. Circuits,
///   Devices and Systems 144(6), 1997, approximate the sigmoid with a few segments): the piece
///   is found by comparing the input with segments - 1 breakpoints, then slope x input +
///   intercept: an input_bits x output_bits array multiplier (one full adder per partial
///   product bit) and an output_bits addition; the pieces' coefficients sit in registers. Two
///   cycles (compare, then multiply-add).
/// Adders and comparators are the technology's full adders (Horowitz ISSCC 2014 at 45 nm,
/// scaled), multiplexers and registers its gate equivalents (Nangate 45 nm areas).

#include "neurotlm/core/spec_table.h"
#include "neurotlm/devices/technology.h"

namespace neurotlm {

enum class NonlinearKind { lut, pwl };

struct NonlinearUnitSpec {
    NonlinearKind kind = NonlinearKind::lut;
    int input_bits = 8;  ///< the accumulated sum, saturated to this width
    int output_bits = 8; ///< the activation the next layer's drivers take
    int segments = 8;    ///< pwl: straight pieces

    /// Energy of one evaluation in @p tech.
    double energy_J(const Technology& tech) const;
    /// Clock cycles of one evaluation (pipelined: a lane starts one every cycle).
    int cycles() const { return kind == NonlinearKind::lut ? 1 : 2; }
    /// NAND2 gate equivalents of one unit.
    double gates() const;

    /// The parameters ("kind", "input_bits", "output_bits", "segments"); the controller nests
    /// them under "nonlinear".
    static const SpecTable<NonlinearUnitSpec>& table();
};

} // namespace neurotlm
