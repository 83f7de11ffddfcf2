// Deterministic random streams (core/rng.h). The generator is checked against a reference
// xoshiro256++ / splitmix64 written here from the published algorithms (Blackman & Vigna) and
// their published test vectors; the distributions are checked against their definitions
// with statistical tolerances of about five standard errors over fixed seeds, so every
// run draws the same numbers and the tests are deterministic.

#include "neurotlm/core/rng.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace neurotlm {
namespace {

constexpr int kDraws = 100000;

// ---- reference implementations from the published algorithms --------------------------------

std::uint64_t ref_rotl(std::uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

std::uint64_t ref_splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

struct RefXoshiro256pp {
    std::array<std::uint64_t, 4> s;
    std::uint64_t next() {
        const std::uint64_t result = ref_rotl(s[0] + s[3], 23) + s[0];
        const std::uint64_t t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = ref_rotl(s[3], 45);
        return result;
    }
};

TEST(RngReference, PublishedVectors) {
    // splitmix64 from state 0 (the sequence of Java's SplittableRandom with gamma 0x9e37...).
    std::uint64_t x = 0;
    EXPECT_EQ(ref_splitmix64(x), 0xe220a8397b1dcdafULL);
    EXPECT_EQ(ref_splitmix64(x), 0x6e789e6aa1b965f4ULL);
    EXPECT_EQ(ref_splitmix64(x), 0x06c45d188009454fULL);
    // xoshiro256++ from state {1, 2, 3, 4}; the first two by hand: rotl(1 + 4, 23) + 1 =
    // 5 * 2^23 + 1, then rotl(7 + 6 * 2^45, 23) + 7 = 7 * 2^23 + 96 + 7.
    RefXoshiro256pp g{{1, 2, 3, 4}};
    EXPECT_EQ(g.next(), 41943041ULL);
    EXPECT_EQ(g.next(), 58720359ULL);
    EXPECT_EQ(g.next(), 3588806011781223ULL);
    EXPECT_EQ(g.next(), 3591011842654386ULL);
}

// ---- hash_name -----------------------------------------------------------------------------

TEST(HashName, Fnv1a64TestVectors) {
    EXPECT_EQ(hash_name(""), 0xcbf29ce484222325ULL); // the offset basis
    EXPECT_EQ(hash_name("a"), 0xaf63dc4c8601ec8cULL);
    EXPECT_EQ(hash_name("foobar"), 0x85944171f73967e8ULL);
    EXPECT_NE(hash_name("tile0"), hash_name("tile1"));
}

// ---- the generator -------------------------------------------------------------------------

// The stream as seeded today: seed ^ rotl(FNV-1a(name), 17) through splitmix64 gives the
// stream's own seed, which seeds the four xoshiro words through splitmix64. Pinning this is the
// "same seed reproduces a run bit for bit" promise: if seeding changes on purpose, every
// published result changes, and this test says so.
RefXoshiro256pp reference_stream(std::uint64_t seed, const std::string& name) {
    std::uint64_t x = seed ^ ref_rotl(hash_name(name), 17);
    std::uint64_t y = ref_splitmix64(x);
    RefXoshiro256pp g{};
    for (auto& w : g.s)
        w = ref_splitmix64(y);
    return g;
}

TEST(RngStream, IsXoshiro256PlusPlusSeededBySplitmix) {
    for (const auto& [seed, name] : std::vector<std::pair<std::uint64_t, std::string>>{
             {0, ""}, {42, "platform.tile0"}, {~0ULL, "x"}, {1, "ctrl"}}) {
        RngStream r(seed, name);
        RefXoshiro256pp ref = reference_stream(seed, name);
        for (int i = 0; i < 64; ++i)
            ASSERT_EQ(r.next_u64(), ref.next()) << seed << " " << name << " " << i;
    }
}

TEST(RngStream, UniformUsesTheTop53Bits) {
    RngStream r(7, "u");
    RefXoshiro256pp ref = reference_stream(7, "u");
    for (int i = 0; i < 64; ++i)
        ASSERT_EQ(r.uniform(), static_cast<double>(ref.next() >> 11) / 9007199254740992.0) << i;
}

TEST(RngStream, NormalIsBoxMullerWithTheSecondValueCached) {
    RngStream r(11, "n");
    RngStream twin(11, "n");
    for (int pair = 0; pair < 16; ++pair) {
        double u1 = twin.uniform();
        while (u1 <= 0.0)
            u1 = twin.uniform();
        const double u2 = twin.uniform();
        const double radius = std::sqrt(-2.0 * std::log(u1));
        const double theta = 2.0 * std::acos(-1.0) * u2;
        EXPECT_NEAR(r.normal(), radius * std::cos(theta), 1e-12) << pair;
        EXPECT_NEAR(r.normal(), radius * std::sin(theta), 1e-12) << pair;
    }
}

TEST(RngStream, SameSeedAndNameGiveTheSameSequence) {
    RngStream a(42, "platform.tile3");
    RngStream b(42, "platform.tile3");
    for (int i = 0; i < 1000; ++i) {
        ASSERT_EQ(a.next_u64(), b.next_u64()) << i;
        ASSERT_EQ(a.uniform(), b.uniform()) << i;
        ASSERT_EQ(a.normal(), b.normal()) << i;
        ASSERT_EQ(a.below(1000), b.below(1000)) << i;
    }
}

TEST(RngStream, DefaultStreamIsSeedZeroWithNoName) {
    RngStream a;
    RngStream b(0, "");
    for (int i = 0; i < 100; ++i)
        ASSERT_EQ(a.next_u64(), b.next_u64());
}

TEST(RngStream, DifferentNamesOrSeedsGiveDifferentSequences) {
    const std::vector<RngStream> streams = {
        RngStream(42, "tile0"), RngStream(42, "tile1"), RngStream(42, "tile00"),
        RngStream(43, "tile0"), RngStream(42, ""),      RngStream(0, "tile0"),
    };
    std::vector<std::vector<std::uint64_t>> firsts;
    for (RngStream s : streams) {
        std::vector<std::uint64_t> v;
        for (int i = 0; i < 4; ++i)
            v.push_back(s.next_u64());
        firsts.push_back(v);
    }
    for (size_t i = 0; i < firsts.size(); ++i)
        for (size_t j = i + 1; j < firsts.size(); ++j)
            for (int k = 0; k < 4; ++k)
                EXPECT_NE(firsts[i][k], firsts[j][k]) << i << " vs " << j << " draw " << k;
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
    double ma = 0, mb = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        ma += a[i];
        mb += b[i];
    }
    ma /= a.size();
    mb /= b.size();
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / std::sqrt(saa * sbb);
}

std::vector<double> uniforms(RngStream s, int n) {
    std::vector<double> v(n);
    for (auto& x : v)
        x = s.uniform();
    return v;
}

TEST(RngStream, NeighbouringNamesAreUncorrelated) {
    // Standard error of a correlation of independent samples is 1/sqrt(n) = 0.0032.
    const auto a = uniforms(RngStream(42, "tile0"), kDraws);
    const auto b = uniforms(RngStream(42, "tile1"), kDraws);
    EXPECT_LT(std::fabs(correlation(a, b)), 0.016);
    // Lagged by one draw too.
    std::vector<double> a0(a.begin(), a.end() - 1), b1(b.begin() + 1, b.end());
    EXPECT_LT(std::fabs(correlation(a0, b1)), 0.016);
}

TEST(RngStream, DeriveIsDeterministicAndIndependentOfDraws) {
    RngStream parent(5, "platform");
    RngStream before = parent.derive("tile0");
    for (int i = 0; i < 37; ++i)
        parent.next_u64();
    parent.normal(); // leaves a cached spare behind
    RngStream after = parent.derive("tile0");
    RngStream other_parent(5, "platform");
    RngStream third = other_parent.derive("tile0");
    for (int i = 0; i < 100; ++i) {
        const std::uint64_t v = before.next_u64();
        ASSERT_EQ(after.next_u64(), v) << i;
        ASSERT_EQ(third.next_u64(), v) << i;
    }
}

TEST(RngStream, DerivedStreamsDiffer) {
    const RngStream parent(5, "platform");
    RngStream a = parent.derive("a");
    RngStream b = parent.derive("b");
    RngStream self = parent;
    RngStream other_seed = RngStream(6, "platform").derive("a");
    RngStream other_name = RngStream(5, "other").derive("a");
    for (int i = 0; i < 4; ++i) {
        const std::uint64_t va = a.next_u64();
        EXPECT_NE(va, b.next_u64());
        EXPECT_NE(va, self.next_u64());
        EXPECT_NE(va, other_seed.next_u64());
        EXPECT_NE(va, other_name.next_u64());
    }
}

TEST(RngStream, DerivedStreamIsUncorrelatedWithItsParent) {
    const RngStream parent(9, "p");
    const auto p = uniforms(parent, kDraws);
    const auto c = uniforms(parent.derive("child"), kDraws);
    const auto d = uniforms(parent.derive("child2"), kDraws);
    EXPECT_LT(std::fabs(correlation(p, c)), 0.016);
    EXPECT_LT(std::fabs(correlation(c, d)), 0.016);
}

// ---- distributions -------------------------------------------------------------------------

TEST(RngStream, UniformMomentsAndRange) {
    RngStream r(2024, "uniform");
    double sum = 0, sum2 = 0, lo = 1, hi = 0;
    int below_quarter = 0;
    for (int i = 0; i < kDraws; ++i) {
        const double u = r.uniform();
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        sum += u;
        sum2 += u * u;
        lo = std::min(lo, u);
        hi = std::max(hi, u);
        below_quarter += u < 0.25;
    }
    const double mean = sum / kDraws;
    const double var = sum2 / kDraws - mean * mean;
    // U(0,1): mean 1/2 (s.e. sqrt(1/12/n) = 0.00091), variance 1/12 (s.e.
    // sqrt((1/80 - 1/144)/n) = 0.00024), P(u < 1/4) = 1/4 (s.e. 0.0014).
    EXPECT_NEAR(mean, 0.5, 0.0046);
    EXPECT_NEAR(var, 1.0 / 12.0, 0.0012);
    EXPECT_NEAR(below_quarter / double(kDraws), 0.25, 0.007);
    // With 1e5 draws the extremes lie within ~1e-4 of the ends (P(miss) = e^-10).
    EXPECT_LT(lo, 1e-4);
    EXPECT_GT(hi, 1.0 - 1e-4);
}

TEST(RngStream, NormalMomentsAndTails) {
    RngStream r(2024, "normal");
    double sum = 0, sum2 = 0, sum3 = 0, sum4 = 0;
    int within_one = 0, beyond_two = 0;
    for (int i = 0; i < kDraws; ++i) {
        const double z = r.normal();
        ASSERT_TRUE(std::isfinite(z));
        sum += z;
        sum2 += z * z;
        sum3 += z * z * z;
        sum4 += z * z * z * z;
        within_one += std::fabs(z) < 1.0;
        beyond_two += std::fabs(z) > 2.0;
    }
    const double n = kDraws;
    const double mean = sum / n;
    const double var = sum2 / n - mean * mean;
    // N(0,1): mean 0 (s.e. 0.0032), variance 1 (s.e. sqrt(2/n) = 0.0045), third moment 0
    // (s.e. sqrt(15/n) = 0.012), fourth moment 3 (s.e. sqrt(96/n) = 0.031),
    // P(|z| < 1) = erf(1/sqrt 2) = 0.6827 (s.e. 0.0015), P(|z| > 2) = 0.0455 (s.e. 0.00066).
    EXPECT_NEAR(mean, 0.0, 0.016);
    EXPECT_NEAR(var, 1.0, 0.023);
    EXPECT_NEAR(std::sqrt(var), 1.0, 0.012);
    EXPECT_NEAR(sum3 / n, 0.0, 0.06);
    EXPECT_NEAR(sum4 / n, 3.0, 0.16);
    EXPECT_NEAR(within_one / n, std::erf(1.0 / std::sqrt(2.0)), 0.0075);
    EXPECT_NEAR(beyond_two / n, std::erfc(2.0 / std::sqrt(2.0)), 0.0033);
}

TEST(RngStream, NormalWithMeanAndSigmaIsAnAffineMap) {
    RngStream a(3, "affine");
    RngStream b(3, "affine");
    for (int i = 0; i < 100; ++i)
        ASSERT_DOUBLE_EQ(a.normal(0.5, 0.02), 0.5 + 0.02 * b.normal()) << i;

    RngStream r(4, "affine");
    double sum = 0, sum2 = 0;
    for (int i = 0; i < kDraws; ++i) {
        const double x = r.normal(10.0, 3.0);
        sum += x;
        sum2 += x * x;
    }
    const double mean = sum / kDraws;
    const double sd = std::sqrt(sum2 / kDraws - mean * mean);
    EXPECT_NEAR(mean, 10.0, 5 * 3.0 / std::sqrt(double(kDraws)));
    EXPECT_NEAR(sd, 3.0, 5 * 3.0 / std::sqrt(2.0 * kDraws));
}

TEST(RngStream, LognormalFactor) {
    // sigma 0 is exactly 1 and draws nothing.
    RngStream a(8, "ln");
    RngStream b(8, "ln");
    for (int i = 0; i < 10; ++i)
        ASSERT_EQ(a.lognormal_factor(0.0), 1.0);
    ASSERT_EQ(a.next_u64(), b.next_u64());

    // exp(N(0, sigma)): median 1, log has mean 0 and sd sigma, mean exp(sigma^2 / 2).
    const double sigma = 0.1;
    RngStream r(8, "lognormal");
    int below_one = 0;
    double sum_log = 0, sum_log2 = 0, sum = 0;
    for (int i = 0; i < kDraws; ++i) {
        const double f = r.lognormal_factor(sigma);
        ASSERT_GT(f, 0.0);
        below_one += f < 1.0;
        sum += f;
        sum_log += std::log(f);
        sum_log2 += std::log(f) * std::log(f);
    }
    const double n = kDraws;
    const double mlog = sum_log / n;
    EXPECT_NEAR(below_one / n, 0.5, 0.008); // s.e. 0.0016
    EXPECT_NEAR(mlog, 0.0, 5 * sigma / std::sqrt(n));
    EXPECT_NEAR(std::sqrt(sum_log2 / n - mlog * mlog), sigma, 5 * sigma / std::sqrt(2 * n));
    // s.d. of the factor ~ sigma = 0.1, so the mean's s.e. is 0.00032.
    EXPECT_NEAR(sum / n, std::exp(sigma * sigma / 2), 0.0016);
}

TEST(RngStream, Bernoulli) {
    RngStream r(12, "coin");
    int never = 0, always = 0, heads = 0;
    for (int i = 0; i < kDraws; ++i) {
        never += r.bernoulli(0.0);
        always += r.bernoulli(1.0);
        heads += r.bernoulli(0.3);
    }
    EXPECT_EQ(never, 0);
    EXPECT_EQ(always, kDraws);
    // s.e. sqrt(0.3 * 0.7 / n) = 0.00145.
    EXPECT_NEAR(heads / double(kDraws), 0.3, 0.0073);
}

TEST(RngStream, BelowStaysInRangeAndIsUniform) {
    RngStream r(13, "dice");
    EXPECT_EQ(r.below(0), 0u);
    for (int i = 0; i < 100; ++i)
        ASSERT_EQ(r.below(1), 0u);

    constexpr int k = 10;
    std::array<int, k> counts{};
    for (int i = 0; i < kDraws; ++i) {
        const std::uint64_t v = r.below(k);
        ASSERT_LT(v, static_cast<std::uint64_t>(k));
        ++counts[v];
    }
    // Chi-squared with 9 degrees of freedom: P(chi2 > 33.7) = 1e-4.
    double chi2 = 0;
    const double expected = kDraws / double(k);
    for (int c : counts)
        chi2 += (c - expected) * (c - expected) / expected;
    EXPECT_LT(chi2, 33.7);

    // A bound of 3 * 2^62, where a plain modulo of a 64-bit draw would map the top quarter of
    // the draws onto [0, 2^62) and put 5/8 of the draws in the lower half: it must hold half.
    const std::uint64_t big = (std::uint64_t{1} << 63) + (std::uint64_t{1} << 62);
    int low = 0;
    for (int i = 0; i < 20000; ++i) {
        const std::uint64_t v = r.below(big);
        ASSERT_LT(v, big);
        low += v < big / 2;
    }
    // s.e. sqrt(0.25 / 20000) = 0.0035; modulo bias would give 0.625.
    EXPECT_NEAR(low / 20000.0, 0.5, 0.018);
}

TEST(RngStream, CopiesContinueIdentically) {
    RngStream a(21, "copy");
    a.next_u64();
    a.normal(); // a spare is cached
    RngStream b = a;
    for (int i = 0; i < 50; ++i)
        ASSERT_EQ(a.normal(), b.normal()) << i;
}

} // namespace
} // namespace neurotlm
