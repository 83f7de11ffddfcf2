// The kernels: every instruction set this processor runs gives bit-identical results, equal to
// the documented order of additions written out in scalar code.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"
#include "neurotlm/core/kernels.h"

namespace neurotlm {
namespace {

/// kernels::gemv_rows's documented order, one output at a time: from 0, one row at a time.
void kernels_scalar_gemv_rows(const float* x, const int* rows, int n_rows, const float* w, int cols,
                              float* y) {
    for (int j = 0; j < cols; ++j) {
        float acc = 0.0f;
        for (int k = 0; k < n_rows; ++k)
            acc += x[rows[k]] * w[rows[k] * cols + j];
        y[j] = acc;
    }
}

/// Restores the variant in use when a test leaves.
struct KernelsIsaGuard {
    kernels::Isa saved = kernels::active_isa();
    ~KernelsIsaGuard() { kernels::use_isa(saved); }
};

TEST(Kernels, EveryInstructionSetGivesTheScalarOrderBitForBit) {
    KernelsIsaGuard guard;
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    int variants = 0;
    for (kernels::Isa isa : {kernels::Isa::sse2, kernels::Isa::avx2, kernels::Isa::avx512}) {
        if (!kernels::isa_supported(isa)) continue;
        ++variants;
        kernels::use_isa(isa);
        EXPECT_EQ(kernels::active_isa(), isa);
        // Widths around every vector length and strip (tails of 1..15), rows out of order and
        // repeated.
        for (int cols : {1, 3, 4, 7, 8, 15, 16, 17, 31, 33, 64, 100, 128, 129, 144}) {
            for (int n_rows : {0, 1, 3, 4, 5, 8, 13, 40}) {
                const int all_rows = 41;
                std::vector<float> w(static_cast<size_t>(all_rows) * cols), x(all_rows);
                for (float& v : w)
                    v = u(rng);
                for (float& v : x)
                    v = u(rng) * 1e3f; // wide range: any reordering shows in the last bits
                std::vector<int> rows(static_cast<size_t>(n_rows));
                for (int k = 0; k < n_rows; ++k)
                    rows[static_cast<size_t>(k)] = (k * 17 + 3) % all_rows;
                std::vector<float> got(cols, 123.0f), want(cols);
                kernels::gemv_rows(x.data(), rows.data(), n_rows, w.data(), cols, got.data());
                kernels_scalar_gemv_rows(x.data(), rows.data(), n_rows, w.data(), cols,
                                         want.data());
                ASSERT_EQ(0, std::memcmp(got.data(), want.data(), sizeof(float) * cols))
                    << kernels::isa_name(isa) << ", " << cols << " columns, " << n_rows << " rows";
            }
        }
    }
    EXPECT_GE(variants, 1);
}

TEST(Kernels, ABatchOverTheUnionOfRowsGivesEachInputsOwnReadBitForBit) {
    KernelsIsaGuard guard;
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::bernoulli_distribution zero(0.6);
    for (kernels::Isa isa : {kernels::Isa::sse2, kernels::Isa::avx2, kernels::Isa::avx512}) {
        if (!kernels::isa_supported(isa)) continue;
        kernels::use_isa(isa);
        // Batches of every remainder modulo 4 and 2, widths around every strip and vector.
        for (int n : {1, 2, 3, 4, 5, 7, 9}) {
            for (int cols : {1, 5, 8, 16, 24, 33, 64, 127, 130}) {
                const int rows = 37;
                const int ldx = rows + 3, ldy = cols + 5;
                std::vector<float> w(static_cast<size_t>(rows) * cols);
                std::vector<float> x(static_cast<size_t>(ldx) * n);
                for (float& v : w)
                    v = u(rng);
                // Zeros of both signs in every input, so that each input's own list differs
                // from the union, and negative weights make -0 products.
                for (float& v : x)
                    v = zero(rng) ? (u(rng) < 0 ? -0.0f : 0.0f) : u(rng) * 1e3f;
                std::vector<int> all;
                for (int i = 0; i < rows; ++i)
                    for (int b = 0; b < n; ++b)
                        if (x[static_cast<size_t>(b * ldx + i)] != 0.0f) {
                            all.push_back(i);
                            break;
                        }
                std::vector<float> got(static_cast<size_t>(ldy) * n, 7.0f);
                kernels::gemm_rows(x.data(), ldx, n, all.data(), static_cast<int>(all.size()),
                                   w.data(), cols, got.data(), ldy);
                for (int b = 0; b < n; ++b) {
                    const float* xb = x.data() + static_cast<size_t>(b) * ldx;
                    std::vector<int> own;
                    for (int i = 0; i < rows; ++i)
                        if (xb[i] != 0.0f) own.push_back(i);
                    std::vector<float> want(static_cast<size_t>(cols));
                    kernels_scalar_gemv_rows(xb, own.data(), static_cast<int>(own.size()), w.data(),
                                             cols, want.data());
                    ASSERT_EQ(0, std::memcmp(got.data() + static_cast<size_t>(b) * ldy, want.data(),
                                             sizeof(float) * cols))
                        << kernels::isa_name(isa) << ", batch " << n << ", input " << b << ", "
                        << cols << " columns";
                    // The padding between outputs is left alone.
                    for (int j = cols; j < ldy; ++j)
                        ASSERT_EQ(got[static_cast<size_t>(b * ldy + j)], 7.0f);
                }
            }
        }
    }
}

TEST(Kernels, QuantiserCodesAreTheFloorFormulaOnEveryInstructionSet) {
    KernelsIsaGuard guard;
    std::mt19937 rng(9);
    std::uniform_real_distribution<float> u(-1.5f, 1.5f);
    for (kernels::Isa isa : {kernels::Isa::sse2, kernels::Isa::avx2, kernels::Isa::avx512}) {
        if (!kernels::isa_supported(isa)) continue;
        kernels::use_isa(isa);
        for (int q_max : {1, 15, 255, 65535}) {
            const float x_max = 0.75f;
            // Random values (beyond full scale too), zeros of both signs, full scale, and every
            // half step, where the rounding turns.
            std::vector<float> x = {0.0f, -0.0f, x_max, -x_max, 2 * x_max, -1e30f, 1e30f};
            for (int k = 0; k <= std::min(q_max, 300); ++k)
                x.push_back((k + 0.5f) * x_max / q_max * (k % 2 ? 1.0f : -1.0f));
            for (int k = 0; k < 333; ++k)
                x.push_back(u(rng));
            for (int n : {static_cast<int>(x.size()), 1, 3, 5, 7, 9, 17}) {
                std::vector<int> got(n, 12345);
                kernels::quantise_codes(x.data(), n, x_max, q_max, got.data());
                for (int i = 0; i < n; ++i) {
                    const double a =
                        std::min(std::fabs(static_cast<double>(x[i])), static_cast<double>(x_max));
                    const double q =
                        std::min(std::floor(a / x_max * q_max + 0.5), static_cast<double>(q_max));
                    const int want = x[i] < 0.0f ? -static_cast<int>(q) : static_cast<int>(q);
                    ASSERT_EQ(got[i], want) << kernels::isa_name(isa) << ": x = " << x[i]
                                            << ", q_max " << q_max << ", n " << n;
                }
            }
        }
    }
}

TEST(Kernels, AnInstructionSetTheProcessorLacksIsRefused) {
    KernelsIsaGuard guard;
    for (kernels::Isa isa : {kernels::Isa::sse2, kernels::Isa::avx2, kernels::Isa::avx512}) {
        if (kernels::isa_supported(isa))
            EXPECT_NO_THROW(kernels::use_isa(isa));
        else
            EXPECT_THROW(kernels::use_isa(isa), InputError);
    }
    EXPECT_TRUE(kernels::isa_supported(kernels::Isa::sse2));
}

} // namespace
} // namespace neurotlm
