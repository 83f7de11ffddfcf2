// kernels::gemv_rows and gemm_rows for AVX-512F. Compiled with -mavx512f -ffp-contract=off.

#include <immintrin.h>

namespace neurotlm::kernels::detail {

namespace {
using Vec = __m512;
constexpr int kLanes = 16;
constexpr int kGemvStrip = 8; ///< one input: 8 registers of sums
constexpr int kGemmStrip = 4; ///< four inputs: 4 registers of sums each
inline Vec load(const float* p) {
    return _mm512_loadu_ps(p);
}
inline void store(float* p, Vec v) {
    _mm512_storeu_ps(p, v);
}
inline Vec add(Vec a, Vec b) {
    return _mm512_add_ps(a, b);
}
inline Vec mul(Vec a, Vec b) {
    return _mm512_mul_ps(a, b);
}
inline Vec splat(float a) {
    return _mm512_set1_ps(a);
}
} // namespace

#include "shared_body.inc"

#include "quantise_avx.inc"

void gemv_rows_avx512(const float* x, const int* rows, int n_rows, const float* w, int cols,
                      float* y) {
    gemv_rows_body(x, rows, n_rows, w, cols, y);
}

void gemm_rows_avx512(const float* x, int ldx, int n, const int* rows, int n_rows, const float* w,
                      int cols, float* y, int ldy) {
    gemm_rows_body(x, ldx, n, rows, n_rows, w, cols, y, ldy);
}

void quantise_codes_avx512(const float* x, int n, float x_max, int q_max, int* codes) {
    quantise_codes_avx(x, n, x_max, q_max, codes);
}

} // namespace neurotlm::kernels::detail
