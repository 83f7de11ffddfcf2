#pragma once
/// @brief Associative recall on a Hopfield array ("kind": "hopfield_recall"). Stores one set of
/// patterns per memory slot (random with the platform seed, rows of a .npy file, or binarised
/// IDX images), then for every memory selects it and probes every stored pattern with
/// corrupted copies (k flipped bits, or a masked region), and reports per memory: exact
/// recalls, mean overlap, iterations, convergence and 2-cycles, latency and energy per recall.
///
///   "workload": { "kind": "hopfield_recall", "component": "hop",
///                 "memories": [ {"source": "random", "count": 8},
///                               {"source": "npy", "file": "letters.npy"},
///                               {"source": "idx", "images": "...", "count": 5, "threshold": 0.5}
///                               ],
///                 "probes": { "corruption": "flip", "flip_fraction": 0.1, "per_pattern": 5 },
///                 "recall": [2, 0] }      (optional: which memories, in which order)

#include <string>
#include <vector>

#include "neurotlm/blocks/hopfield/hopfield.h"
#include "neurotlm/workloads/workload.h"

namespace neurotlm {

class HopfieldRecallWorkload : public Workload {
public:
    static ParamTable param_table();
    HopfieldRecallWorkload(const Params& params, const PlatformInfo& platform);

    const char* kind() const override { return "hopfield_recall"; }
    void run(RunContext& context) override;
    json results() const override;
    WorkloadTotals totals() const override;
    std::vector<std::string> setup_phases() const override { return {"store"}; }
    std::string summary() const override;
    json resolved_paths() const override;

    struct Memory {
        std::string source; ///< random, npy, idx
        std::string file;   ///< resolved path, if any
        std::vector<HopfieldPattern> patterns;
        // Results.
        std::uint64_t probes = 0, exact = 0, converged = 0, cycles = 0;
        double overlap_sum = 0.0, iteration_sum = 0.0;
        std::uint32_t failed_writes = 0;
    };
    const std::vector<Memory>& memories() const { return m_memories; }

    /// Bytes the workload will hold, estimated before it is built: its pattern sets, the peak
    /// of reading a pattern file, and what storing one set needs (a packed copy, the weights
    /// learned from it). Reads only file headers.
    static double estimate_bytes(const Params& p, const PlatformInfo& platform);

private:
    std::string m_component;
    int m_neurons = 0;
    std::vector<Memory> m_memories;
    std::vector<int> m_recall; ///< memories to recall from, in order
    json m_memory_specs;
    std::string m_corruption;
    double m_flip_fraction = 0.1;
    double m_mask_fraction = 0.25;
    int m_per_pattern = 5;
    RngStream m_rng;
    std::uint64_t m_done = 0, m_requested = 0;
    double m_ops = 0.0;
};

} // namespace neurotlm
