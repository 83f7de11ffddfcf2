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
#include "neurotlm/core/rng.h"
#include "neurotlm/drivers/initiator.h"

namespace neurotlm {

/// @brief A component as the workload sees it before and during the run.
struct ComponentInfo {
    std::string name;
    std::string type;
    const Params* params = nullptr;   ///< its validated parameters
    std::uint64_t address = 0;        ///< base address as the controller sees it
    bool reachable = false;           ///< the controller can address it
};

/// @brief The platform as known at load time, before anything is built.
struct PlatformInfo {
    std::string file;                 ///< the configuration file (for error messages)
    std::string config_dir;           ///< relative paths in the workload resolve against this
    std::uint64_t seed = 0;           ///< the platform seed (workloads derive their streams)
    std::vector<ComponentInfo> components;
    const ComponentInfo* find(const std::string& name) const;
    /// Components whose name is @p group or group<N> (a "count" expansion), in index order.
    std::vector<const ComponentInfo*> group(const std::string& group) const;
};

/// @brief Digital work the controller performs itself (partial-sum accumulation, activation).
enum class DigitalOp { accumulate, activation, compare };

class RunContext {
public:
    virtual ~RunContext() = default;
    virtual Initiator& bus() = 0;
    /// A component by name, with the address the controller reaches it at; nullptr if none.
    virtual const ComponentInfo* component(const std::string& name) const = 0;
    /// Simulated time as the controller sees it (including its local time offset).
    virtual double now_s() const = 0;
    /// Book @p count digital operations at the controller (energy and time).
    virtual void digital(DigitalOp op, std::uint64_t count) = 0;
    /// Attribute the time and energy that follow to phase @p name (until the next call).
    /// An empty name means "no phase".
    virtual void phase(const std::string& name) = 0;
    /// True once the user asked to stop (Ctrl-C): finish the current item and return.
    virtual bool stop_requested() const = 0;
    /// Report progress (done of total items, with a short status text).
    virtual void progress(std::uint64_t done, std::uint64_t total, const std::string& status) = 0;
};

/// @brief Totals a workload reports, from which the report derives per-inference figures.
struct WorkloadTotals {
    std::uint64_t items = 0;           ///< inferences (or operations) completed
    std::uint64_t items_requested = 0;
    double ops = 0.0;                  ///< arithmetic operations (2 per MAC) in the completed items
    std::string item_name = "inference";
};

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

class WorkloadRegistry {
public:
    static WorkloadRegistry& instance();
    void add(WorkloadKind kind);
    const WorkloadKind* find(const std::string& name) const;
    std::vector<std::string> names() const;

private:
    std::map<std::string, WorkloadKind> m_kinds;
};

/// Register workload class @p W (constructor (Params, PlatformInfo), static param_table()) as
/// kind @p name; use from a namespace-scope initialiser in W's source file.
template <typename W>
bool register_workload(const char* name, const char* description,
                       std::function<double(const Params&, const PlatformInfo&)> estimate = {}) {
    WorkloadRegistry::instance().add(
        {name, description, W::param_table(),
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
