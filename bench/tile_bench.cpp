// (c) The crossbar's ideal MVM driven through a CrossbarTile over TLM from the controller:
// input window write, START, output window read, through the router. The main runs every
// benchmark inside the controller's thread, so these are real transactions with the quantum
// keeper, exactly as a workload issues them.

#include <vector>

#include <benchmark/benchmark.h>

#include "bench_platform.h"
#include "neurotlm/blocks/crossbar/tile_driver.h"
#include "neurotlm/core/rng.h"

namespace {

void BM_tile_mvm_tlm(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    neurotlm::Controller* ctrl = neurotlm::bench::controller();
    if (!ctrl) {
        state.SkipWithError("no platform");
        return;
    }
    neurotlm::RngStream rng(2024, "crossbar_bench");
    std::vector<float> w(static_cast<std::size_t>(n) * n), x(static_cast<std::size_t>(n)),
        y(static_cast<std::size_t>(n));
    for (auto& v : w)
        v = static_cast<float>(rng.uniform() * 2.0 - 1.0);
    for (auto& v : x)
        v = static_cast<float>(rng.uniform() * 2.0 - 1.0);
    neurotlm::CrossbarTileDriver d(*ctrl, neurotlm::bench::tile_address(n), "tile");
    d.probe();
    d.program(w.data(), n, n, 1.0f);
    d.set_input_range(1.0f);
    for (auto _ : state) {
        d.start_mvm(x.data(), n);
        d.collect(y.data(), n);
        benchmark::DoNotOptimize(y.data());
    }
    state.SetItemsProcessed(state.iterations() * n * n);
}
BENCHMARK(BM_tile_mvm_tlm)->Arg(128)->Arg(256);

} // namespace
