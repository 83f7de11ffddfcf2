#pragma once
/// @brief Workloads: what the controller runs. A workload sees the platform only through a
/// RunContext (issue transactions through drivers, do digital work at the controller, mark
/// phases for the report), so it never depends on SystemC.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "neurotlm/core/params.h"
#include "neurotlm/core/registry.h"
#include "neurotlm/core/rng.h"
#include "neurotlm/drivers/run_context.h"

namespace neurotlm {

/// @brief Totals a workload reports, from which the report derives per-inference figures.
struct WorkloadTotals {
    std::uint64_t items = 0; ///< inferences (or operations) completed
    std::uint64_t items_requested = 0;
    double ops = 0.0; ///< arithmetic operations (2 per MAC) in the completed items
    std::string item_name = "inference";
    /// Set when the workload stopped short of what it was asked for on its own (a training run
    /// told to stop after some epochs): the report is then incomplete, for this reason.
    std::string incomplete_reason;
};

/// Images a workload computes together by default (Workload::set_batch).
inline constexpr int kDefaultBatchImages = 32;
/// Output pixels of a convolution whose reads are offered to a tile ahead at once.
inline constexpr int kReadAheadPositions = 64;
/// Reads a tile may hold computed ahead in a run of @p batch images (0: none when one at a
/// time), for memory estimates: a batch of images, or a convolution's chunk of pixels.
inline constexpr int reads_ahead_for_batch(int batch) {
    return batch <= 1 ? 0 : batch > kReadAheadPositions ? batch : kReadAheadPositions;
}

class Workload {
public:
    virtual ~Workload() = default;
    virtual const char* kind() const = 0;
    /// Runs in the controller's thread.
    virtual void run(RunContext& context) = 0;
    /// Workload-specific results for report.json (accuracy, per-layer mapping, ...).
    virtual json results() const = 0;
    virtual WorkloadTotals totals() const = 0;
    /// Phases that are set-up (programming) rather than work: excluded from per-item figures.
    virtual std::vector<std::string> setup_phases() const { return {}; }
    /// The workload's file parameters resolved to absolute paths, as a JSON object shaped like
    /// the workload section, so the effective configuration works from any folder.
    virtual json resolved_paths() const { return json::object(); }
    /// One line for the terminal summary ("accuracy 86.4% (software 86.9%)").
    virtual std::string summary() const { return {}; }
    /// @brief Where the run's report folder is (@p dir), told before the run; a workload may keep
    /// files beside it that outlive an interrupted run. @p resume: continue an interrupted run
    /// from what it kept. Returns false when the workload cannot resume (the default).
    virtual bool set_output(const std::string& dir, bool resume) {
        (void)dir;
        return !resume;
    }
    /// @brief Up to @p images items whose functional computation may run together, ahead of
    /// their timed run (the tiles compute a batch of reads at once; LookAheadRequest). Reports
    /// are identical for any value; 1 computes each read when its command comes. Workloads that
    /// cannot batch ignore it.
    virtual void set_batch(int images) { (void)images; }
    /// Things the user must know about the results before trusting them (a platform that
    /// cannot represent the network's weights, ...): printed prominently and written to the
    /// report. Known once the workload is built.
    virtual std::vector<std::string> warnings() const { return {}; }
};

/// @brief Workload kinds by name, with their parameter tables.
struct WorkloadKind {
    std::string name;
    std::string description;
    ParamTable params;
    /// Validate against the platform and build; throw ConfigError with pointers on bad input.
    std::function<std::unique_ptr<Workload>(const Params&, const PlatformInfo&)> create;
    /// Bytes the workload will allocate (datasets...), estimated before it is built; optional.
    std::function<double(const Params&, const PlatformInfo&)> estimate_bytes;
};

using WorkloadRegistry = NamedRegistry<WorkloadKind>;

/// Register workload class @p W (constructor (Params, PlatformInfo), static param_table()) as
/// kind @p name; use from a namespace-scope initialiser in W's source file.
template <typename W>
bool register_workload(const char* name, const char* description,
                       std::function<double(const Params&, const PlatformInfo&)> estimate = {}) {
    WorkloadRegistry::instance().add(
        name, {name, description, W::param_table(),
               [](const Params& p, const PlatformInfo& platform) -> std::unique_ptr<Workload> {
                   return std::make_unique<W>(p, platform);
               },
               std::move(estimate)});
    return true;
}

/// Resolve @p path against @p dir unless it is absolute.
std::string resolve_path(const std::string& dir, const std::string& path);
/// @p path made absolute and normal.
std::string absolute_path(const std::string& path);

} // namespace neurotlm
