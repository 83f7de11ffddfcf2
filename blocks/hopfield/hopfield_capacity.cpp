// Storage-capacity experiment: recall of random patterns as a function of the load P/N.

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include "neurotlm/blocks/hopfield/hopfield.h"
#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "neurotlm/core/stop.h"

namespace neurotlm {

CapacityOptions::CapacityOptions() {
    device.update = UpdateOrder::random;
}

std::vector<CapacityRow> run_capacity_experiment(const CapacityOptions& o) {
    const int n = o.neurons;
    if (n < 2) throw InputError("run_capacity_experiment: need at least 2 neurons");
    if (o.trials < 1) throw InputError("run_capacity_experiment: need at least one trial");
    if (o.loads.empty()) throw InputError("run_capacity_experiment: no loads given");
    std::vector<double> loads = o.loads;
    std::sort(loads.begin(), loads.end());
    std::vector<int> patterns_at(loads.size());
    for (std::size_t k = 0; k < loads.size(); ++k) {
        if (!(loads[k] > 0.0)) throw InputError("run_capacity_experiment: loads must be > 0");
        patterns_at[k] = std::max(1, static_cast<int>(std::lround(loads[k] * n)));
    }
    const int p_max = patterns_at.back();
    const int flips = static_cast<int>(std::lround(o.flip_fraction * n));
    if (flips < 0 || flips > n)
        throw InputError("run_capacity_experiment: flip_fraction must be in [0, 1]");

    struct Acc {
        std::uint64_t probes = 0, exact = 0, retrieved = 0, converged = 0, failed = 0;
        double overlap = 0.0, iterations = 0.0;
    };
    std::vector<std::vector<Acc>> acc(o.storages.size(), std::vector<Acc>(loads.size()));

    for (int t = 0; t < o.trials; ++t) {
        const std::string trial = std::to_string(t);
        RngStream pattern_rng(o.seed, "capacity/patterns/" + trial);
        const std::vector<HopfieldPattern> patterns = random_patterns(p_max, n, pattern_rng);
        for (std::size_t si = 0; si < o.storages.size(); ++si) {
            HopfieldSpec spec = o.device;
            spec.neurons = n;
            spec.memories = 1;
            spec.storage = o.storages[si];
            if (spec.storage == WeightStorage::ternary) spec.pairs_per_weight = 1;
            HopfieldNetwork net(spec, RngStream(o.seed, "capacity/network/" + trial + "/" +
                                                            to_string(spec.storage)));
            // The same probes for every storage: a paired comparison.
            RngStream probe_rng(o.seed, "capacity/probes/" + trial);
            HopfieldWeights w = empty_weights(n, spec.learning);
            int learned = 0;
            for (std::size_t k = 0; k < loads.size(); ++k) {
                // A long experiment must answer Ctrl-C: checked once per load.
                stop_point("during the capacity experiment");
                const int p = patterns_at[k];
                while (learned < p)
                    learn_pattern(w, patterns[static_cast<std::size_t>(learned++)], spec.learning);
                Acc& a = acc[si][k];
                a.failed += net.program_weights(0, w).failed_writes;
                const int probes = o.max_probes > 0 ? std::min(p, o.max_probes) : p;
                for (int q = 0; q < probes; ++q) {
                    // Spread the probed patterns over all stored ones.
                    const auto mu =
                        static_cast<std::size_t>(static_cast<long long>(q) * p / probes);
                    const HopfieldPattern probe = flip_bits(patterns[mu], flips, probe_rng);
                    RecallOptions ro;
                    ro.target = &patterns[mu];
                    ro.record_steps = false;
                    const HopfieldRecall r = net.recall(probe, ro);
                    ++a.probes;
                    a.exact += r.overlap == 1.0 ? 1 : 0;
                    a.retrieved += r.overlap >= o.retrieved_overlap ? 1 : 0;
                    a.converged += r.converged ? 1 : 0;
                    a.overlap += r.overlap;
                    a.iterations += r.iterations;
                }
            }
        }
    }

    std::vector<CapacityRow> rows;
    for (std::size_t si = 0; si < o.storages.size(); ++si)
        for (std::size_t k = 0; k < loads.size(); ++k) {
            const Acc& a = acc[si][k];
            const double probes = static_cast<double>(std::max<std::uint64_t>(a.probes, 1));
            CapacityRow row;
            row.storage = to_string(o.storages[si]);
            row.learning = to_string(o.device.learning);
            row.neurons = n;
            row.load = loads[k];
            row.patterns = patterns_at[k];
            row.trials = o.trials;
            row.probes = a.probes;
            row.flips = flips;
            row.exact_fraction = static_cast<double>(a.exact) / probes;
            row.retrieved_fraction = static_cast<double>(a.retrieved) / probes;
            row.mean_overlap = a.overlap / probes;
            row.mean_iterations = a.iterations / probes;
            row.converged_fraction = static_cast<double>(a.converged) / probes;
            row.failed_writes = a.failed;
            rows.push_back(row);
        }
    return rows;
}

void write_capacity_csv(const std::vector<CapacityRow>& rows, const std::string& path) {
    std::ostringstream out;
    out << "storage,learning,neurons,load,patterns,trials,probes,flips,exact_fraction,"
           "retrieved_fraction,mean_overlap,mean_iterations,converged_fraction,failed_writes\n";
    out.precision(6);
    for (const CapacityRow& r : rows)
        out << r.storage << ',' << r.learning << ',' << r.neurons << ',' << r.load << ','
            << r.patterns << ',' << r.trials << ',' << r.probes << ',' << r.flips << ','
            << r.exact_fraction << ',' << r.retrieved_fraction << ',' << r.mean_overlap << ','
            << r.mean_iterations << ',' << r.converged_fraction << ',' << r.failed_writes << '\n';
    write_file_atomic(path, out.str());
}

} // namespace neurotlm
