#include "neurotlm/core/kernels.h"

#include <atomic>
#include <cstdlib>
#include <string>

#include "neurotlm/core/error.h"

namespace neurotlm::kernels {

namespace detail {
void quantise_codes_sse2(const float* x, int n, float x_max, int q_max, int* codes);
void gemm_rows_sse2(const float* x, int ldx, int n, const int* rows, int n_rows, const float* w,
                    int cols, float* y, int ldy);
void gemv_rows_sse2(const float* x, const int* rows, int n_rows, const float* w, int cols,
                    float* y);
void quantise_codes_avx2(const float* x, int n, float x_max, int q_max, int* codes);
void gemm_rows_avx2(const float* x, int ldx, int n, const int* rows, int n_rows, const float* w,
                    int cols, float* y, int ldy);
void gemv_rows_avx2(const float* x, const int* rows, int n_rows, const float* w, int cols,
                    float* y);
void quantise_codes_avx512(const float* x, int n, float x_max, int q_max, int* codes);
void gemm_rows_avx512(const float* x, int ldx, int n, const int* rows, int n_rows, const float* w,
                      int cols, float* y, int ldy);
void gemv_rows_avx512(const float* x, const int* rows, int n_rows, const float* w, int cols,
                      float* y);
} // namespace detail

namespace {

using GemvRows = void (*)(const float*, const int*, int, const float*, int, float*);
using GemmRows = void (*)(const float*, int, int, const int*, int, const float*, int, float*, int);
using QuantiseCodes = void (*)(const float*, int, float, int, int*);

struct Variant {
    Isa isa;
    GemvRows gemv_rows;
    GemmRows gemm_rows;
    QuantiseCodes quantise_codes;
};

Variant variant_of(Isa isa) {
    switch (isa) {
    case Isa::avx512:
        return {isa, detail::gemv_rows_avx512, detail::gemm_rows_avx512,
                detail::quantise_codes_avx512};
    case Isa::avx2:
        return {isa, detail::gemv_rows_avx2, detail::gemm_rows_avx2, detail::quantise_codes_avx2};
    case Isa::sse2: break;
    }
    return {Isa::sse2, detail::gemv_rows_sse2, detail::gemm_rows_sse2, detail::quantise_codes_sse2};
}

Isa widest_supported() {
    if (isa_supported(Isa::avx512)) return Isa::avx512;
    if (isa_supported(Isa::avx2)) return Isa::avx2;
    return Isa::sse2;
}

Isa parse_isa(const std::string& name) {
    for (Isa isa : {Isa::sse2, Isa::avx2, Isa::avx512})
        if (name == isa_name(isa)) return isa;
    throw InputError("NEUROTLM_ISA=" + name + ": not one of sse2, avx2, avx512");
}

/// The variant in use: chosen once, on first use, from NEUROTLM_ISA or the processor.
std::atomic<int> g_active{-1};

Variant active() {
    int a = g_active.load(std::memory_order_acquire);
    if (a < 0) {
        Isa isa = widest_supported();
        if (const char* env = std::getenv("NEUROTLM_ISA"); env && *env) {
            isa = parse_isa(env);
            if (!isa_supported(isa))
                throw InputError(std::string("NEUROTLM_ISA=") + env +
                                 ": this processor does not run it");
        }
        a = static_cast<int>(isa);
        g_active.store(a, std::memory_order_release);
    }
    return variant_of(static_cast<Isa>(a));
}

} // namespace

const char* isa_name(Isa isa) {
    switch (isa) {
    case Isa::sse2: return "sse2";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
    }
    return "?";
}

bool isa_supported(Isa isa) {
    switch (isa) {
    case Isa::sse2: return true;
    case Isa::avx2: return __builtin_cpu_supports("avx2");
    case Isa::avx512: return __builtin_cpu_supports("avx512f");
    }
    return false;
}

Isa active_isa() {
    return active().isa;
}

void use_isa(Isa isa) {
    if (!isa_supported(isa))
        throw InputError(std::string("kernels: this processor does not run ") + isa_name(isa));
    g_active.store(static_cast<int>(isa), std::memory_order_release);
}

void gemv_rows(const float* x, const int* rows, int n_rows, const float* w, int cols, float* y) {
    active().gemv_rows(x, rows, n_rows, w, cols, y);
}

void gemm_rows(const float* x, int ldx, int n, const int* rows, int n_rows, const float* w,
               int cols, float* y, int ldy) {
    active().gemm_rows(x, ldx, n, rows, n_rows, w, cols, y, ldy);
}

void quantise_codes(const float* x, int n, float x_max, int q_max, int* codes) {
    active().quantise_codes(x, n, x_max, q_max, codes);
}

} // namespace neurotlm::kernels
