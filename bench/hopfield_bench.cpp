// Hopfield recall: the circuit model against circuit simulation. One benchmark iteration is one
// full synchronous recall of an N = 32 ternary MTJ array (3 stored patterns, a probe with 4
// flipped bits):
//   BM_hopfield_ngspice/32  ngspice solving the DC operating point of every iteration's
//                           exported netlist (one process per iteration, output parsed)
//   BM_hopfield_model/32    HopfieldNetwork::recall with every iteration's currents recorded
// and, for N = 16, 32, 64, a whole recall in time on an array of three memories (as
// configs/hopfield_mtj.json, three patterns each, the last memory selected, 10 % of the bits of
// a stored pattern flipped):
//   BM_hopfield_transient_ngspice/N  ngspice's transient simulation of the circuit of
//                                    export-spice --transient (latches, converters, memory
//                                    select, every MTJ, integrating neurons, clocks), one run
//   BM_hopfield_transient_model/N    HopfieldNetwork::recall of the same network and probe
// All report wall-clock time (ngspice runs in child processes, which CPU time would miss).
// Plain C++: nothing here touches SystemC.

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

#include <benchmark/benchmark.h>

#include "neurotlm/blocks/hopfield/hopfield.h"
#include "neurotlm/blocks/hopfield/spice_export.h"
#include "neurotlm/blocks/hopfield/spice_transient.h"

namespace {

struct HopfieldBench {
    neurotlm::HopfieldNetwork net;
    neurotlm::HopfieldPattern probe;
    std::vector<std::string> netlists; ///< one per iteration of the recall
    int neurons;

    explicit HopfieldBench(int n)
        : net(spec(n), neurotlm::RngStream(2024, "hopfield_bench")), neurons(n) {
        neurotlm::RngStream rng(2024, "hopfield_bench/patterns");
        const auto patterns = neurotlm::random_patterns(3, n, rng);
        net.store(0, patterns);
        probe = neurotlm::flip_bits(patterns[0], 4, rng);
        const neurotlm::HopfieldRecall r = net.recall(probe);
        const auto dir = std::filesystem::temp_directory_path() /
                         ("neurotlm-hopfield-bench-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        const neurotlm::SynapseArray array = net.synapse_array();
        for (std::size_t k = 0; k < r.steps.size(); ++k) {
            const std::string path = (dir / ("step" + std::to_string(k) + ".cir")).string();
            neurotlm::write_hopfield_netlist(path, array, r.steps[k].drive);
            netlists.push_back(path);
        }
    }

    ~HopfieldBench() {
        std::error_code ignored;
        if (!netlists.empty())
            std::filesystem::remove_all(std::filesystem::path(netlists.front()).parent_path(),
                                        ignored);
    }

    static neurotlm::HopfieldSpec spec(int n) {
        neurotlm::HopfieldSpec s;
        s.neurons = n;
        s.storage = neurotlm::WeightStorage::ternary;
        s.update = neurotlm::UpdateOrder::synchronous;
        return s;
    }
};

HopfieldBench& bench(int n) {
    static std::map<int, std::unique_ptr<HopfieldBench>> cache;
    auto& slot = cache[n];
    if (!slot) slot = std::make_unique<HopfieldBench>(n);
    return *slot;
}

void BM_hopfield_ngspice(benchmark::State& state) {
    if (!neurotlm::ngspice_available()) {
        state.SkipWithError("ngspice not installed");
        return;
    }
    HopfieldBench& b = bench(static_cast<int>(state.range(0)));
    double checksum = 0.0;
    for (auto _ : state) {
        for (const std::string& cir : b.netlists) {
            const std::vector<double> i =
                neurotlm::parse_neuron_currents(neurotlm::run_ngspice(cir), b.neurons);
            checksum += i[0];
        }
    }
    benchmark::DoNotOptimize(checksum);
    state.counters["dc_solves_per_recall"] = static_cast<double>(b.netlists.size());
}
BENCHMARK(BM_hopfield_ngspice)->Arg(32)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_hopfield_model(benchmark::State& state) {
    HopfieldBench& b = bench(static_cast<int>(state.range(0)));
    std::size_t iterations = 0;
    for (auto _ : state) {
        const neurotlm::HopfieldRecall r = b.net.recall(b.probe);
        iterations = r.steps.size();
        benchmark::DoNotOptimize(r.steps.back().currents_A.data());
    }
    state.counters["iterations_per_recall"] = static_cast<double>(iterations);
}
BENCHMARK(BM_hopfield_model)->Arg(32)->UseRealTime()->Unit(benchmark::kMicrosecond);

struct TransientBench {
    neurotlm::HopfieldNetwork net;
    neurotlm::HopfieldPattern probe;
    std::string netlist;
    int neurons;
    int clocks = 0;
    bool agrees = false; ///< ngspice's states equal the model's after every clock (last run)

    explicit TransientBench(int n)
        : net(spec(n), neurotlm::RngStream(2024, "hopfield_transient_bench")), neurons(n) {
        neurotlm::RngStream rng(2024, "hopfield_transient_bench/patterns");
        std::vector<neurotlm::HopfieldPattern> stored;
        for (int k = 0; k < 3; ++k) {
            stored = neurotlm::random_patterns(3, n, rng);
            net.store(k, stored);
        }
        net.select(2);
        probe = neurotlm::flip_bits(stored[0], n / 10, rng);
        const neurotlm::HopfieldRecall r = net.recall(probe);
        clocks = r.iterations;
        const auto dir =
            std::filesystem::temp_directory_path() /
            ("neurotlm-hopfield-transient-" + std::to_string(::getpid()) + "-" + std::to_string(n));
        std::filesystem::create_directories(dir);
        netlist = (dir / "recall.cir").string();
        neurotlm::write_hopfield_transient_netlist(netlist, net, probe, clocks);
    }

    ~TransientBench() {
        std::error_code ignored;
        std::filesystem::remove_all(std::filesystem::path(netlist).parent_path(), ignored);
    }

    static neurotlm::HopfieldSpec spec(int n) {
        neurotlm::HopfieldSpec s;
        s.neurons = n;
        s.memories = 3;
        s.storage = neurotlm::WeightStorage::ternary;
        s.update = neurotlm::UpdateOrder::synchronous;
        return s;
    }
};

TransientBench& transient_bench(int n) {
    static std::map<int, std::unique_ptr<TransientBench>> cache;
    auto& slot = cache[n];
    if (!slot) slot = std::make_unique<TransientBench>(n);
    return *slot;
}

void BM_hopfield_transient_ngspice(benchmark::State& state) {
    if (!neurotlm::ngspice_available()) {
        state.SkipWithError("ngspice not installed");
        return;
    }
    TransientBench& b = transient_bench(static_cast<int>(state.range(0)));
    double energy = 0.0;
    for (auto _ : state) {
        const neurotlm::HopfieldTransientResult r =
            neurotlm::parse_transient_output(neurotlm::run_ngspice(b.netlist), b.neurons, b.clocks);
        energy = r.supply_energy_J;
        b.agrees = r.states == neurotlm::states_per_clock(b.net.recall(b.probe));
    }
    state.counters["clocks"] = b.clocks;
    state.counters["supply_energy_pJ"] = energy * 1e12;
    state.counters["states_as_model"] = b.agrees ? 1 : 0;
}
BENCHMARK(BM_hopfield_transient_ngspice)
    ->Arg(16)
    ->Arg(32)
    ->Arg(64)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

void BM_hopfield_transient_model(benchmark::State& state) {
    TransientBench& b = transient_bench(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        const neurotlm::HopfieldRecall r = b.net.recall(b.probe);
        benchmark::DoNotOptimize(r.state.data());
    }
    state.counters["clocks"] = b.clocks;
}
BENCHMARK(BM_hopfield_transient_model)
    ->Arg(16)
    ->Arg(32)
    ->Arg(64)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

} // namespace
