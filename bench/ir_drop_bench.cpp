// IR drop: the nodal solver's cost per read (back-substitution, and the superposition transfer
// it switches to on long runs), the factorisation plus one read, and ngspice's DC operating
// point of the same netlist. The main prints the ratios beside their targets.

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "neurotlm/blocks/crossbar/ir_drop.h"
#include "neurotlm/blocks/crossbar/spice_export.h"
#include "neurotlm/blocks/hopfield/spice_export.h"
#include "neurotlm/core/rng.h"

namespace {

struct IrBenchData {
    std::vector<double> g; ///< n x n cells, 10 to 100 kohm
    std::vector<double> v; ///< n row voltages, +-0.1 V
};

const IrBenchData& ir_bench_data(int n) {
    static std::map<int, IrBenchData> cache;
    auto it = cache.find(n);
    if (it != cache.end()) return it->second;
    IrBenchData d;
    neurotlm::RngStream rng(2026, "ir_bench");
    d.g.resize(static_cast<std::size_t>(n) * n);
    d.v.resize(static_cast<std::size_t>(n));
    for (auto& g : d.g)
        g = 1e-5 + 9e-5 * rng.uniform();
    for (auto& v : d.v)
        v = 0.2 * rng.uniform() - 0.1;
    return cache.emplace(n, std::move(d)).first->second;
}

constexpr double kSegmentOhm = 1.0;

/// A freshly programmed array's first read: the network built and solved by the line-
/// preconditioned conjugate gradients (what a single read costs).
void BM_ir_first_read(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    const IrBenchData& d = ir_bench_data(n);
    std::vector<double> col(static_cast<std::size_t>(n)), drv(static_cast<std::size_t>(n));
    for (auto _ : state) {
        neurotlm::detail::IrNetwork net(d.g, n, n, kSegmentOhm);
        net.solve(d.v.data(), col.data(), drv.data());
        if (net.iterative_reads() != 1) state.SkipWithError("the first read was not iterative");
        benchmark::DoNotOptimize(col.data());
    }
}
BENCHMARK(BM_ir_first_read)->Arg(32)->Arg(64)->Arg(128)->Unit(benchmark::kMillisecond);

/// The same read by factorisation and back-substitution (what every read after the first few
/// uses until the transfer is built).
void BM_ir_factor_and_read(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    const IrBenchData& d = ir_bench_data(n);
    std::vector<double> col(static_cast<std::size_t>(n)), drv(static_cast<std::size_t>(n));
    for (auto _ : state) {
        neurotlm::detail::IrNetwork net(d.g, n, n, kSegmentOhm);
        net.set_iterative_reads(0);
        net.solve(d.v.data(), col.data(), drv.data());
        benchmark::DoNotOptimize(col.data());
    }
}
BENCHMARK(BM_ir_factor_and_read)->Arg(32)->Arg(64)->Arg(128)->Unit(benchmark::kMillisecond);

void BM_ir_read_back_substitution(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    const IrBenchData& d = ir_bench_data(n);
    neurotlm::detail::IrNetwork net(d.g, n, n, kSegmentOhm);
    net.set_auto_transfer(false);
    net.set_iterative_reads(0);
    std::vector<double> col(static_cast<std::size_t>(n)), drv(static_cast<std::size_t>(n));
    for (auto _ : state) {
        net.solve(d.v.data(), col.data(), drv.data());
        benchmark::DoNotOptimize(col.data());
    }
}
BENCHMARK(BM_ir_read_back_substitution)->Arg(64)->Arg(128)->Unit(benchmark::kMicrosecond);

void BM_ir_build_transfer(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    const IrBenchData& d = ir_bench_data(n);
    for (auto _ : state) {
        state.PauseTiming();
        neurotlm::detail::IrNetwork net(d.g, n, n, kSegmentOhm);
        state.ResumeTiming();
        net.build_transfer();
        benchmark::DoNotOptimize(&net);
    }
}
BENCHMARK(BM_ir_build_transfer)->Arg(64)->Arg(128)->Unit(benchmark::kMillisecond);

void BM_ir_read_transfer(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    const IrBenchData& d = ir_bench_data(n);
    neurotlm::detail::IrNetwork net(d.g, n, n, kSegmentOhm);
    net.build_transfer();
    std::vector<double> col(static_cast<std::size_t>(n)), drv(static_cast<std::size_t>(n));
    for (auto _ : state) {
        net.solve(d.v.data(), col.data(), drv.data());
        benchmark::DoNotOptimize(col.data());
    }
}
BENCHMARK(BM_ir_read_transfer)->Arg(64)->Arg(128)->Unit(benchmark::kMicrosecond);

/// ngspice's DC operating point of the same network (netlist written once; the process, the
/// parse and the solve are timed, as a user running it would wait for them).
void BM_ir_ngspice_op(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    const IrBenchData& d = ir_bench_data(n);
    const std::string path = "/tmp/neurotlm_bench_ir_" + std::to_string(n) + ".cir";
    {
        std::ofstream out(path);
        neurotlm::write_crossbar_dc_netlist(out, d.g, n, n, kSegmentOhm, d.v);
    }
    for (auto _ : state) {
        std::string text;
        try {
            text = neurotlm::run_ngspice(path);
        } catch (const std::exception& e) {
            state.SkipWithError(e.what());
            break;
        }
        const std::vector<double> i = neurotlm::parse_crossbar_column_currents(text, n);
        benchmark::DoNotOptimize(i.data());
    }
}
BENCHMARK(BM_ir_ngspice_op)
    ->Arg(32)
    ->Arg(64)
    ->Iterations(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

} // namespace
