// neurotlm-bench: Google Benchmark timings of the crossbar kernel against a plain GEMV, and of
// the same multiply through a CrossbarTile over TLM, then the ratios:
//   (b)/(a) crossbar ideal MVM vs plain float GEMV   (target: within 2x)
//   (c)/(b) TLM tile MVM vs the crossbar model alone (target: within 1.25x)
// All benchmarks run inside the controller's SystemC thread.

#include <cstdio>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <systemc>

#include "bench_platform.h"
#include "neurotlm/topology/platform.h"

namespace neurotlm::bench {

namespace {
Platform* g_platform = nullptr;
constexpr std::uint64_t kBase = 0x40000000;
} // namespace

Controller* controller() {
    return g_platform ? &g_platform->controller() : nullptr;
}
std::uint64_t tile_address(int n) {
    return n == 128 ? kBase : kBase + 0x1000000;
}

} // namespace neurotlm::bench

namespace {

class RecordingReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const auto& r : runs) {
            if (r.error_occurred) continue;
            const std::string name = r.benchmark_name();
            // Prefer the median when repetitions were asked for.
            if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median") continue;
            std::string key = name;
            const auto pos = key.find("_median");
            if (pos != std::string::npos) key = key.substr(0, pos);
            // In seconds: benchmarks report in their own time units.
            const double per_second = benchmark::GetTimeUnitMultiplier(r.time_unit);
            times[key] = r.GetAdjustedCPUTime() / per_second;
            real_times[key] = r.GetAdjustedRealTime() / per_second;
        }
        ConsoleReporter::ReportRuns(runs);
    }
    std::map<std::string, double> times;      ///< CPU time
    std::map<std::string, double> real_times; ///< wall time (child processes included)
};

nlohmann::json bench_platform() {
    nlohmann::json tile = {{"type", "crossbar_tile"}, {"device", "bench"}, {"adc", {{"bits", 0}}},
                           {"dac", {{"bits", 8}}},    {"input_bits", 8},   {"read_noise", false},
                           {"variation", false}};
    nlohmann::json t128 = tile, t256 = tile;
    t128.update({{"name", "tile128"}, {"rows", 128}, {"cols", 256}});
    t256.update({{"name", "tile256"}, {"rows", 256}, {"cols", 512}});
    return {
        {"neurotlm", 1},
        {"name", "bench"},
        {"devices",
         {{"bench", {{"type", "rram"}, {"levels", 16}, {"r_on", "10 kohm"}, {"r_off", "1 Mohm"}}}}},
        {"components",
         {{{"name", "ctrl"}, {"type", "controller"}},
          {{"name", "bus"}, {"type", "router"}},
          t128,
          t256}},
        {"connections",
         {{{"from", "ctrl.out"}, {"to", "bus.in"}},
          {{"from", "bus.out"}, {"to", "tile128.in"}, {"base", "0x40000000"}, {"size", "16 MiB"}},
          {{"from", "bus.out"},
           {"to", "tile256.in"},
           {"base", "0x41000000"},
           {"size", "16 MiB"}}}}};
}

void print_ratio(const RecordingReporter& rep, const char* what, const std::string& num,
                 const std::string& den, double target, bool real_time = false) {
    const auto& times = real_time ? rep.real_times : rep.times;
    auto a = times.find(num), b = times.find(den);
    if (a == times.end() || b == times.end()) {
        std::printf("  %-48s (not run)\n", what);
        return;
    }
    const double r = a->second / b->second;
    if (target > 0)
        std::printf("  %-48s %6.2fx   (target <= %.2fx: %s)\n", what, r, target,
                    r <= target ? "met" : "MISSED");
    else
        std::printf("  %-48s %.3gx\n", what, r);
}

/// Speed of @p ours relative to @p reference (reference time / ours): at least @p target.
void print_speed(const RecordingReporter& rep, const char* what, const std::string& ours,
                 const std::string& reference, double target) {
    auto a = rep.times.find(ours), b = rep.times.find(reference);
    if (a == rep.times.end() || b == rep.times.end()) {
        std::printf("  %-56s (not run)\n", what);
        return;
    }
    const double speed = b->second / a->second;
    std::printf("  %-56s %6.2fx   (target >= %.2fx: %s)\n", what, speed, target,
                speed >= target ? "met" : "MISSED");
}

} // namespace

int sc_main(int argc, char** argv) {
    ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
    neurotlm::Platform platform(neurotlm::parse_config(bench_platform(), "bench", "."));
    neurotlm::bench::g_platform = &platform;
    RecordingReporter reporter;
    platform.controller().set_job(
        [&](neurotlm::Controller&) { benchmark::RunSpecifiedBenchmarks(&reporter); });
    sc_core::sc_start();
    platform.controller().rethrow_if_failed();
    std::printf("\nratios (CPU time):\n");
    for (const char* n : {"128", "256"}) {
        const std::string s = n;
        print_ratio(reporter, ("(b)/(a) crossbar ideal MVM / plain GEMV, " + s).c_str(),
                    "BM_crossbar_ideal_mvm/" + s, "BM_gemv_reference/" + s, 2.0);
        print_ratio(reporter, ("(c)/(b) tile over TLM / crossbar model, " + s).c_str(),
                    "BM_tile_mvm_tlm/" + s, "BM_crossbar_ideal_mvm/" + s, 1.25);
    }
    std::printf("\nspeed against Eigen's GEMV built for this processor (CPU time):\n");
    for (const char* n : {"128", "256"}) {
        const std::string s = n;
        print_speed(reporter, ("plain GEMV (portable build), " + s).c_str(),
                    "BM_gemv_reference/" + s, "BM_gemv_eigen_native/" + s, 0.0);
        print_speed(reporter, ("crossbar ideal MVM, " + s).c_str(), "BM_crossbar_ideal_mvm/" + s,
                    "BM_gemv_eigen_native/" + s, 0.7);
        print_speed(reporter, ("crossbar MVM converted by 8-bit ADCs, " + s).c_str(),
                    "BM_crossbar_converted_mvm/" + s, "BM_gemv_eigen_native/" + s, 0.7);
        print_speed(reporter, ("crossbar MVM, bit-sliced weights (2 signals each), " + s).c_str(),
                    "BM_crossbar_bit_sliced_mvm/" + s, "BM_gemv_eigen_native_wide/" + s, 0.7);
    }
    std::printf("\nbatches: 32 inputs computed together / one at a time (CPU time, ideal "
                "converter; speed):\n");
    for (const char* n : {"128", "256"}) {
        const std::string s = n;
        print_speed(reporter, ("crossbar reads, batched vs one at a time, " + s).c_str(),
                    "BM_crossbar_mvm_batched/" + s, "BM_crossbar_mvm_one_at_a_time/" + s, 0.0);
        auto a = reporter.times.find("BM_crossbar_mvm_batched/" + s);
        auto b = reporter.times.find("BM_gemv_eigen_native/" + s);
        if (a != reporter.times.end() && b != reporter.times.end())
            std::printf("  %-56s %6.2fx\n",
                        ("crossbar read in a batch / Eigen GEMV, per input, " + s).c_str(),
                        b->second / (a->second / 32.0));
    }
    for (const auto& [what, name] : std::vector<std::pair<std::string, std::string>>{
             {"default MLP images per second (5-bit ADCs), batched / one at a time",
              "BM_mlp_image_ideal"},
             {"default MLP images per second, ideal converters, batched / one at a time",
              "BM_mlp_image_ideal_adc"}}) {
        auto a = reporter.real_times.find(name + "_unbatched/iterations:1/manual_time");
        auto b = reporter.real_times.find(name + "/iterations:1/manual_time");
        if (a != reporter.real_times.end() && b != reporter.real_times.end())
            std::printf("  %-72s %.0f / %.0f = %.2fx\n", what.c_str(), 1.0 / b->second,
                        1.0 / a->second, a->second / b->second);
        else
            std::printf("  %-72s (not run)\n", what.c_str());
    }
    std::printf("\nIR drop (CPU time):\n");
    for (const char* n : {"64", "128"}) {
        const std::string s = n;
        print_ratio(reporter, ("read: back-substitution / transfer, " + s).c_str(),
                    "BM_ir_read_back_substitution/" + s, "BM_ir_read_transfer/" + s, 0.0);
        print_ratio(reporter, ("transfer build / back-substitution (reads it costs), " + s).c_str(),
                    "BM_ir_build_transfer/" + s, "BM_ir_read_back_substitution/" + s, 0.0);
    }
    for (const auto& [what, name, target] :
         std::vector<std::tuple<std::string, std::string, double>>{
             {"64x64: ngspice DC operating point / first read (iterative)", "BM_ir_first_read/64",
              1000.0},
             {"64x64: ngspice DC operating point / factorisation + read",
              "BM_ir_factor_and_read/64", 0.0}}) {
        auto a = reporter.real_times.find("BM_ir_ngspice_op/64/iterations:3/real_time");
        auto b = reporter.real_times.find(name);
        if (a != reporter.real_times.end() && b != reporter.real_times.end()) {
            const double r = a->second / b->second;
            if (target > 0)
                std::printf("  %-60s %6.0fx   (target >= %.0fx: %s)\n", what.c_str(), r, target,
                            r >= target ? "met" : "MISSED");
            else
                std::printf("  %-60s %6.0fx\n", what.c_str(), r);
        } else {
            std::printf("  %-60s (not run)\n", what.c_str());
        }
    }
    {
        auto a = reporter.real_times.find("BM_mlp_image_ir_drop/iterations:1/manual_time");
        auto b = reporter.real_times.find("BM_mlp_image_ideal/iterations:1/manual_time");
        if (a != reporter.real_times.end() && b != reporter.real_times.end()) {
            const double r = a->second / b->second;
            std::printf("  %-56s %6.2fx   (target <= 10x: %s)\n",
                        "default MLP: time per image, IR drop / ideal wires", r,
                        r <= 10 ? "met" : "MISSED");
        } else {
            std::printf("  %-56s (not run)\n", "default MLP: IR drop / ideal per image");
        }
    }
    std::printf("\nratio (wall time: ngspice runs in child processes):\n");
    print_ratio(reporter, "Hopfield N=32 recall: ngspice / neurotlm model",
                "BM_hopfield_ngspice/32/real_time", "BM_hopfield_model/32/real_time", 0.0, true);
    for (const char* n : {"16", "32", "64"})
        print_ratio(
            reporter,
            (std::string("Hopfield N=") + n + " transient recall: ngspice / model (paper: 5.05e6)")
                .c_str(),
            std::string("BM_hopfield_transient_ngspice/") + n + "/iterations:1/real_time",
            std::string("BM_hopfield_transient_model/") + n + "/real_time", 0.0, true);
    return 0;
}
