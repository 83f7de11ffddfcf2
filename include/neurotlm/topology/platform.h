#pragma once
/// @brief A platform built from a validated PlatformConfig: owns the blocks, binds the
/// connections (assigning addresses where the file left them out), sets the global quantum,
/// runs the workload on the controller, and turns ledgers and phases into a Report.
/// SystemC elaborates once per process: build one Platform per process.
///
/// Two ways to use one:
/// - **On its own** (`neurotlm run`): `Platform p(load_config(file)); Report r = p.run();` runs
///   the simulation (sc_start) until the workload is done.
/// - **Inside another SystemC platform**: `Platform accel("accel", "platform.json");` is a module
///   in the host's hierarchy (its blocks are accel.<name>). Bind the host's bus to
///   `accel.socket()`: transactions reach the platform's address map as the file's controller
///   sees it. It never starts or stops the kernel, keeps a global quantum the host set, and
///   runs no workload unless asked (EmbedOptions::run_workload); `accel.report()` gives the
///   report up to now, and EmbedOptions::report_dir writes it when the host's simulation ends
///   (sc_stop) or, failing that, when the platform is destroyed.

#include <chrono>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <tlm>

#include "neurotlm/blocks/controller/controller_module.h"
#include "neurotlm/report/report.h"
#include "neurotlm/topology/config.h"

namespace neurotlm {

/// How a platform inside another SystemC platform behaves.
struct EmbedOptions {
    LoadOptions load;          ///< --set overrides, seed, memory limit, as on the command line
    bool run_workload = false; ///< run the file's workload on its controller from time zero
    std::string report_dir;    ///< if set, the report is written there at sc_stop (or destruction)
};

class Platform {
public:
    using ProgressFn =
        std::function<void(std::uint64_t done, std::uint64_t total, const std::string& status)>;

    explicit Platform(PlatformConfig config);
    /// A platform as a module named @p name inside the host's simulation, from the platform file
    /// @p file (validated as `neurotlm validate` would; throws ConfigError/InputError).
    Platform(const sc_core::sc_module_name& name, const std::string& file,
             const EmbedOptions& options = {});
    ~Platform();
    Platform(const Platform&) = delete;
    Platform& operator=(const Platform&) = delete;

    Block* find(const std::string& name) const;
    Controller& controller() const { return *m_controller; }
    const PlatformConfig& config() const { return m_config; }
    const std::vector<std::unique_ptr<Block>>& blocks() const { return m_blocks; }
    /// The effective configuration: every default filled in, groups expanded, addresses
    /// assigned. Loading it gives the same platform.
    json effective_config() const;

    /// The workload, or nullptr when the file has none.
    const Workload* workload() const { return m_workload.get(); }
    Workload* workload() { return m_workload.get(); }

    void set_progress(ProgressFn fn) { m_progress = std::move(fn); }
    /// What the run keeps as events beside the binned power and utilisation (before run()).
    void set_activity_options(const ActivityOptions& options) { m_activity_options = options; }
    /// The run's activity (after run()): busy intervals, energy and phases over time.
    const ActivityLog* activity() const { return m_activity.get(); }
    /// Run the workload (or just elaborate, if there is none) and return the report. Throws
    /// what the workload threw (InputError for bad data, BusError, ...). Not for an embedded
    /// platform, whose simulation the host runs.
    Report run();

    /// True for a platform built inside another platform's simulation.
    bool embedded() const { return m_shell != nullptr; }
    /// An embedded platform's target socket (32-bit bus width, base protocol; may stay unbound
    /// when the platform only runs its workload): bind the host's initiator or bus to it.
    using HostSocket =
        tlm::tlm_target_socket<32, tlm::tlm_base_protocol_types, 1, sc_core::SC_ZERO_OR_MORE_BOUND>;
    HostSocket& socket();
    /// The module an embedded platform is, in the host's hierarchy.
    sc_core::sc_module& module();
    /// An embedded platform's report up to the current simulated time (energy, busy time, per
    /// component; incomplete if its workload is still running); after run(), the report of that
    /// run (wall time up to this call). Rethrows what a workload threw.
    Report report();
    /// report(), written as report.json, report.csv, config.effective.json and report.html.
    void write_report(const std::string& dir);

private:
    class Context;
    class Shell;
    void build();
    void start_activity();
    /// The report of the simulation up to @p end_s.
    Report make_report(double end_s, double wall_s, std::time_t started);
    void bind_all();
    /// The connections out of one block with every size known and checked (@p decoding: the
    /// block is a router, whose ranges must cover each target's register map).
    std::vector<ConnectionConfig> sized_ranges(const std::vector<const ConnectionConfig*>& out,
                                               bool decoding);
    /// A router's ranges: fixed ones checked for overlaps, automatic ones placed first-fit.
    void place_ranges(std::vector<ConnectionConfig>& list, const std::string& router) const;
    void assign_addresses();
    /// Connect the analog links; a link without a length gets the floor plan's.
    void bind_analog();

    PlatformConfig m_config;
    std::vector<std::unique_ptr<Block>> m_blocks;
    std::map<std::string, Block*> m_by_name; ///< m_blocks by name, for find()
    Controller* m_controller = nullptr;
    std::unique_ptr<Workload> m_workload;
    std::vector<ConnectionConfig> m_bound; ///< connections with their final base and size
    std::vector<double> m_link_lengths_m;  ///< per analog link, as bound
    ProgressFn m_progress;
    ActivityOptions m_activity_options;
    std::unique_ptr<ActivityLog> m_activity;
    std::unique_ptr<Context> m_context;
    std::unique_ptr<Shell> m_shell; ///< embedded only
    EmbedOptions m_embed;
    std::time_t m_started = 0;
    bool m_final_report_written = false;
    /// EmbedOptions::report_dir, once: at the end of simulation (sc_stop) or on destruction.
    void write_final_report();
    std::chrono::steady_clock::time_point m_wall_start;
};

/// @brief The floor plan's length of an analog link between blocks of areas @p a_m2 and @p b_m2:
/// the distance between the centres of two abutting squares, (sqrt(a) + sqrt(b)) / 2, at least
/// 1 um (blocks without area still have a wire between them).
double analog_link_length_m(double a_m2, double b_m2);

/// @brief Why component @p c of a finished run holds an infinite energy or time: which action,
/// leakage or busy time overflowed and the parameters behind it, naming the component's JSON
/// pointer @p pointer; "" when every figure is finite.
std::string overflow_problem(const ComponentReport& c, const std::string& pointer);

} // namespace neurotlm
