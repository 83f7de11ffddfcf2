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
/// functional core of every crossbar read, over the listed rows of a row-major weight matrix.
/// Each output's sum starts at 0 and adds its products one row at a time in the listed order,
/// each product rounded before it is added. A row whose x is 0 adds +-0, which changes no sum:
/// any such rows may be listed or left out (the non-zero rows of each input, or the union of a
/// batch's) with the same bits.
void gemv_rows(const float* x, const int* rows, int n_rows, const float* w, int cols, float* y);

/// @brief gemv_rows for @p n inputs at once (a batch of reads of one array): input b at
/// x + b * ldx, its outputs at y + b * ldy, every input over the same row list (the rows any of
/// them needs). Each row's weights are loaded once for several inputs. Bit-identical to
/// gemv_rows of each input alone, whichever of its zero rows the list holds.
void gemm_rows(const float* x, int ldx, int n, const int* rows, int n_rows, const float* w,
               int cols, float* y, int ldy);

/// @brief The crossbar's input quantiser over n inputs: codes[i] = sign(x_i) *
/// min(floor(min(|x_i|, x_max) / x_max * q_max + 0.5), q_max), each step rounded in double as
/// written (the inputs must be finite; 0 < x_max, 0 < q_max < 2^31).
void quantise_codes(const float* x, int n, float x_max, int q_max, int* codes);

} // namespace neurotlm::kernels
