// Crossbar functional kernel against a plain float GEMV on the same data. The main computes the
// ratio BM_crossbar_ideal_mvm / BM_gemv_reference by name; the target is within 2x.

#include <algorithm>
#include <map>
#include <vector>

#include <benchmark/benchmark.h>

#include "neurotlm/blocks/crossbar/crossbar.h"

namespace {

struct BenchData {
    std::vector<float> w; ///< n x n, row-major, in [-1, 1]
    std::vector<float> x; ///< n, in [-1, 1]
};

const BenchData& bench_data(int n) {
    static std::map<int, BenchData> cache;
    auto it = cache.find(n);
    if (it != cache.end()) return it->second;
    BenchData d;
    neurotlm::RngStream rng(2024, "crossbar_bench");
    d.w.resize(static_cast<std::size_t>(n) * n);
    d.x.resize(static_cast<std::size_t>(n));
    for (auto& v : d.w)
        v = static_cast<float>(rng.uniform() * 2.0 - 1.0);
    for (auto& v : d.x)
        v = static_cast<float>(rng.uniform() * 2.0 - 1.0);
    return cache.emplace(n, std::move(d)).first->second;
}

/// y = W^T x as an axpy over contiguous rows: the form a compiler vectorises without
/// reassociating a reduction.
void gemv_reference(const float* __restrict w, const float* __restrict x, float* __restrict y,
                    int rows, int cols) {
    std::fill(y, y + cols, 0.0f);
    for (int i = 0; i < rows; ++i) {
        const float xi = x[i];
        const float* __restrict wi = w + static_cast<std::size_t>(i) * cols;
        for (int j = 0; j < cols; ++j)
            y[j] += xi * wi[j];
    }
}

void BM_gemv_reference(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    const BenchData& d = bench_data(n);
    std::vector<float> y(static_cast<std::size_t>(n));
    for (auto _ : state) {
        gemv_reference(d.w.data(), d.x.data(), y.data(), n, n);
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * n * n);
}
BENCHMARK(BM_gemv_reference)->Arg(128)->Arg(256);

void BM_crossbar_ideal_mvm(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    const BenchData& d = bench_data(n);
    neurotlm::CrossbarSpec spec;
    spec.rows = n;
    spec.cols = 2 * n; // differential: n logical columns
    spec.mapping = neurotlm::WeightMapping::differential;
    spec.cell = neurotlm::CellSpec::from_json(
        {{"type", "rram"}, {"levels", 16}, {"r_on", "10 kohm"}, {"r_off", "1 Mohm"}});
    spec.adc.bits = 0;
    spec.dac.bits = 8;
    spec.input_bits = 8;
    spec.read_noise = false;
    spec.variation = false;
    neurotlm::Crossbar xb(spec, neurotlm::RngStream(1, "bench"));
    xb.program(d.w.data(), n, n, 1.0f);
    std::vector<float> y(static_cast<std::size_t>(n));
    for (auto _ : state) {
        neurotlm::CrossbarCost cost = xb.mvm(d.x.data(), y.data());
        benchmark::DoNotOptimize(cost);
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * n * n);
}
BENCHMARK(BM_crossbar_ideal_mvm)->Arg(128)->Arg(256);

} // namespace
