// Crossbar functional kernels against two references on the same data: a plain float GEMV
// built for any x86-64 (what a portable binary gets without effort), and Eigen's GEMV built for
// this processor (-march=native, bench/native/). The main prints the ratios by name: the
// crossbar's reads against Eigen native (target: at least 0.7x its speed), on one read with an
// ideal converter, one read converted by ADCs, and bit-sliced weights (two signals per weight).

#include <algorithm>
#include <map>
#include <vector>

#include <benchmark/benchmark.h>

#include "neurotlm/blocks/crossbar/crossbar.h"
#include "neurotlm/core/kernels.h"

extern "C" void neurotlm_bench_eigen_native_gemv(const float* w, const float* x, float* y, int rows,
                                                 int cols);
extern "C" const char* neurotlm_bench_eigen_native_isa();

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

/// Eigen's GEMV built for this processor: y (cols) = W^T x for W rows x cols, row-major.
void eigen_native_gemv(benchmark::State& state, int rows, int cols) {
    const BenchData& d = bench_data(std::max(rows, cols));
    std::vector<float> y(static_cast<std::size_t>(cols));
    for (auto _ : state) {
        neurotlm_bench_eigen_native_gemv(d.w.data(), d.x.data(), y.data(), rows, cols);
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * rows * cols);
    state.SetLabel(neurotlm_bench_eigen_native_isa());
}

void BM_gemv_eigen_native(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    eigen_native_gemv(state, n, n);
}
BENCHMARK(BM_gemv_eigen_native)->Arg(128)->Arg(256);

/// n x 2n: the signals of bit-sliced weights on two cells each.
void BM_gemv_eigen_native_wide(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    eigen_native_gemv(state, n, 2 * n);
}
BENCHMARK(BM_gemv_eigen_native_wide)->Arg(128)->Arg(256);

/// A tile of n rows and n outputs on 16-level cells without variation or noise; @p adc_bits 0
/// is an ideal converter; @p weight_bits 8 slices each weight over two cells.
void crossbar_mvm(benchmark::State& state, int adc_bits, int weight_bits) {
    const int n = static_cast<int>(state.range(0));
    const BenchData& d = bench_data(n);
    neurotlm::CrossbarSpec spec;
    spec.rows = n;
    spec.mapping = neurotlm::WeightMapping::differential;
    spec.weight_bits = weight_bits;
    spec.cols = 2 * n * (weight_bits > 0 ? 2 : 1);
    spec.cell = neurotlm::CellSpec::from_json(
        {{"type", "rram"}, {"levels", 16}, {"r_on", "10 kohm"}, {"r_off", "1 Mohm"}});
    spec.adc.bits = adc_bits;
    spec.adc.shared_by_columns = 8;
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
    state.SetLabel(neurotlm::kernels::isa_name(neurotlm::kernels::active_isa()));
}

/// One read through an 8-bit ADC per signal (the converted path: quantise, read, convert,
/// shift-add).
void BM_crossbar_converted_mvm(benchmark::State& state) {
    crossbar_mvm(state, 8, 0);
}
BENCHMARK(BM_crossbar_converted_mvm)->Arg(128)->Arg(256);

/// Bit-sliced 8-bit weights over two 4-bit cells: twice the signals, each converted.
void BM_crossbar_bit_sliced_mvm(benchmark::State& state) {
    crossbar_mvm(state, 8, 8);
}
BENCHMARK(BM_crossbar_bit_sliced_mvm)->Arg(128)->Arg(256);

/// One read with an ideal converter (the fast path: one GEMV of the quantised input).
void BM_crossbar_ideal_mvm(benchmark::State& state) {
    crossbar_mvm(state, 0, 0);
}
BENCHMARK(BM_crossbar_ideal_mvm)->Arg(128)->Arg(256);

/// 32 different dense inputs through an ideal-converter array, one mvm() each (@p batched
/// false) or computed together by look_ahead() and then taken by the same mvm() calls: the time
/// per input of both, with the same results.
void crossbar_batch(benchmark::State& state, bool batched) {
    const int n = static_cast<int>(state.range(0));
    constexpr int kInputs = 32;
    const BenchData& d = bench_data(n);
    neurotlm::CrossbarSpec spec;
    spec.rows = n;
    spec.cols = 2 * n;
    spec.cell = neurotlm::CellSpec::from_json(
        {{"type", "rram"}, {"levels", 16}, {"r_on", "10 kohm"}, {"r_off", "1 Mohm"}});
    spec.adc.bits = 0;
    spec.dac.bits = 8;
    spec.read_noise = false;
    spec.variation = false;
    neurotlm::Crossbar xb(spec, neurotlm::RngStream(1, "bench"));
    xb.program(d.w.data(), n, n, 1.0f);
    std::vector<float> x(static_cast<std::size_t>(kInputs * n)), y(x.size()), ahead(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = d.x[(i * 7 + i / static_cast<std::size_t>(n)) % d.x.size()];
    for (auto _ : state) {
        if (batched) xb.look_ahead(x.data(), kInputs, ahead.data());
        for (int b = 0; b < kInputs; ++b) {
            neurotlm::CrossbarCost cost = xb.mvm(x.data() + b * n, y.data() + b * n);
            benchmark::DoNotOptimize(cost);
        }
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * kInputs);
    state.counters["us_per_input"] = benchmark::Counter(
        static_cast<double>(kInputs),
        benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_crossbar_mvm_one_at_a_time(benchmark::State& state) {
    crossbar_batch(state, false);
}
BENCHMARK(BM_crossbar_mvm_one_at_a_time)->Arg(128)->Arg(256);

void BM_crossbar_mvm_batched(benchmark::State& state) {
    crossbar_batch(state, true);
}
BENCHMARK(BM_crossbar_mvm_batched)->Arg(128)->Arg(256);

} // namespace
