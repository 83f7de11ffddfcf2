#pragma once
/// @file
/// @brief The numeric kernels behind every functional read, built for several instruction sets
/// in one binary and chosen when first used: the widest the processor runs (SSE2, AVX2 or
/// AVX-512F), or the one the environment variable NEUROTLM_ISA names (sse2, avx2, avx512).
///
/// Every variant adds in the same order (vectorised across outputs, never across the terms of
/// one output, and never with fused multiply-add), so results are bit-identical whichever runs:
/// reports do not depend on the machine or the build type.

namespace neurotlm::kernels {

enum class Isa { sse2, avx2, avx512 };

/// "sse2", "avx2" or "avx512".
const char* isa_name(Isa isa);
/// Whether this processor runs @p isa.
bool isa_supported(Isa isa);
/// The variant in use (chosen on first use).
Isa active_isa();
/// Use @p isa from now on (tests and benchmarks); throws InputError if the processor lacks it.
void use_isa(Isa isa);

/// @brief y[0..cols) = sum over k < n_rows of x[rows[k]] * w[rows[k] * cols + (0..cols)]: the
/// functional core of every crossbar read, over the listed (non-zero) rows of a row-major
/// weight matrix. Four rows per pass: y[j] += (x0 w0j + x1 w1j) + (x2 w2j + x3 w3j), then one
/// row at a time for the rest, each product rounded before it is added.
void gemv_rows(const float* x, const int* rows, int n_rows, const float* w, int cols, float* y);

/// @brief The crossbar's input quantiser over n inputs: codes[i] = sign(x_i) *
/// min(floor(min(|x_i|, x_max) / x_max * q_max + 0.5), q_max), each step rounded in double as
/// written (the inputs must be finite; 0 < x_max, 0 < q_max < 2^31).
void quantise_codes(const float* x, int n, float x_max, int q_max, int* codes);

} // namespace neurotlm::kernels
