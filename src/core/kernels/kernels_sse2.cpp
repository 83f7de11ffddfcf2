// kernels::gemv_rows and gemm_rows for SSE2 (every x86-64 processor). Compiled with
// -ffp-contract=off.

#include <immintrin.h>

namespace neurotlm::kernels::detail {

namespace {
using Vec = __m128;
constexpr int kLanes = 4;
constexpr int kGemvStrip = 4; ///< one input: 4 registers of sums
constexpr int kGemmStrip = 2; ///< four inputs: 2 registers of sums each
inline Vec load(const float* p) {
    return _mm_loadu_ps(p);
}
inline void store(float* p, Vec v) {
    _mm_storeu_ps(p, v);
}
inline Vec add(Vec a, Vec b) {
    return _mm_add_ps(a, b);
}
inline Vec mul(Vec a, Vec b) {
    return _mm_mul_ps(a, b);
}
inline Vec splat(float a) {
    return _mm_set1_ps(a);
}
} // namespace

#include "shared_body.inc"

void gemv_rows_sse2(const float* x, const int* rows, int n_rows, const float* w, int cols,
                    float* y) {
    gemv_rows_body(x, rows, n_rows, w, cols, y);
}

void gemm_rows_sse2(const float* x, int ldx, int n, const int* rows, int n_rows, const float* w,
                    int cols, float* y, int ldy) {
    gemm_rows_body(x, ldx, n, rows, n_rows, w, cols, y, ldy);
}

void quantise_codes_sse2(const float* x, int n, float x_max, int q_max, int* codes) {
    const double xm = x_max, qm = q_max;
    const __m128d vxm = _mm_set1_pd(xm), vqm = _mm_set1_pd(qm), half = _mm_set1_pd(0.5);
    const __m128d abs_mask = _mm_castsi128_pd(_mm_set1_epi64x(0x7fffffffffffffffLL));
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        const __m128 xf = _mm_loadu_ps(x + i);
        const __m128d lo = _mm_cvtps_pd(xf);
        const __m128d hi = _mm_cvtps_pd(_mm_movehl_ps(xf, xf));
        auto code = [&](__m128d v) {
            const __m128d a = _mm_min_pd(_mm_and_pd(v, abs_mask), vxm);
            const __m128d q = _mm_add_pd(_mm_mul_pd(_mm_div_pd(a, vxm), vqm), half);
            return _mm_cvttpd_epi32(_mm_min_pd(q, vqm));
        };
        const __m128i c = _mm_unpacklo_epi64(code(lo), code(hi));
        // Negate where x < 0: (c ^ m) - m with m all ones there.
        const __m128i m = _mm_castps_si128(_mm_cmplt_ps(xf, _mm_setzero_ps()));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(codes + i),
                         _mm_sub_epi32(_mm_xor_si128(c, m), m));
    }
    for (; i < n; ++i)
        codes[i] = quantise_code(x[i], xm, qm);
}

} // namespace neurotlm::kernels::detail
