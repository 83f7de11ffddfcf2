// Images per second of the default platform (configs/default.json: Fashion-MNIST MLP 784-128-10
// on sixteen 128x128 RRAM tiles, bit-serial inputs, 5-bit ADCs), ideal wires and with IR drop
// (1 ohm segments). Each runs the command line twice, on N1 and N2 images, and reports the time
// per image of the difference, (t(N2) - t(N1)) / (N2 - N1): start-up, loading and programming
// cancel, and so does the IR-drop solver's one-off cost of building its superposition transfer
// (which the run's total pays once; see docs/ARCHITECTURE.md).

#include <chrono>
#include <cstdlib>
#include <string>

#include <benchmark/benchmark.h>

namespace {

double run_cli_seconds(const std::string& args) {
    const std::string cmd = std::string("'") + NEUROTLM_BENCH_CLI + "' run -q '" +
                            NEUROTLM_SOURCE_DIR + "/configs/default.json' " + args +
                            " --out /tmp/neurotlm_bench_mlp > /dev/null 2>&1";
    const auto t0 = std::chrono::steady_clock::now();
    const int status = std::system(cmd.c_str());
    const auto t1 = std::chrono::steady_clock::now();
    if (status != 0) return -1.0;
    return std::chrono::duration<double>(t1 - t0).count();
}

void mlp_per_image(benchmark::State& state, const std::string& args, int n1, int n2) {
    for (auto _ : state) {
        const double a =
            run_cli_seconds(args + " --set /workload/dataset/limit=" + std::to_string(n1));
        const double b =
            run_cli_seconds(args + " --set /workload/dataset/limit=" + std::to_string(n2));
        if (a < 0 || b < 0) {
            state.SkipWithError("neurotlm run failed (is the Fashion-MNIST test set installed?)");
            break;
        }
        state.SetIterationTime((b - a) / (n2 - n1));
    }
    state.counters["images_per_s"] = benchmark::Counter(1.0, benchmark::Counter::kIsRate);
}

void BM_mlp_image_ideal(benchmark::State& state) {
    mlp_per_image(state, "", 1000, 5000);
}
BENCHMARK(BM_mlp_image_ideal)->UseManualTime()->Iterations(1)->Unit(benchmark::kMicrosecond);

/// The same, each image's reads computed when their commands come (no batches).
void BM_mlp_image_ideal_unbatched(benchmark::State& state) {
    mlp_per_image(state, "--batch 1", 1000, 5000);
}
BENCHMARK(BM_mlp_image_ideal_unbatched)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMicrosecond);

/// Ideal converters (one dense read of each image's input per tile), batched and not.
void BM_mlp_image_ideal_adc(benchmark::State& state) {
    mlp_per_image(state, "--set /components/tile/adc/bits=0", 1000, 5000);
}
BENCHMARK(BM_mlp_image_ideal_adc)->UseManualTime()->Iterations(1)->Unit(benchmark::kMicrosecond);

void BM_mlp_image_ideal_adc_unbatched(benchmark::State& state) {
    mlp_per_image(state, "--set /components/tile/adc/bits=0 --batch 1", 1000, 5000);
}
BENCHMARK(BM_mlp_image_ideal_adc_unbatched)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMicrosecond);

void BM_mlp_image_ir_drop(benchmark::State& state) {
    mlp_per_image(state,
                  "--set /components/tile/ir_drop=true "
                  "--set '/components/tile/wire_resistance=1 ohm'",
                  500, 2500);
}
BENCHMARK(BM_mlp_image_ir_drop)->UseManualTime()->Iterations(1)->Unit(benchmark::kMicrosecond);

} // namespace
