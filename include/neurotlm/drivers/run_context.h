#pragma once
/// @brief What a workload sees of the platform, and what the controller provides: a bus to
/// issue transactions on (through the blocks' drivers), the blocks by name, digital work at the
/// controller, phases for the report. SystemC-free, below both the workloads and the modules,
/// so neither depends on the other.

#include <cstdint>
#include <string>
#include <vector>

#include "neurotlm/core/params.h"
#include "neurotlm/drivers/initiator.h"

namespace neurotlm {

class DeviceLibrary;
struct Technology;

/// @brief A component as the workload sees it before and during the run.
struct ComponentInfo {
    std::string name;
    std::string type;
    const Params* params = nullptr; ///< its validated parameters
    std::uint64_t address = 0;      ///< base address as the controller sees it
    bool reachable = false;         ///< the controller can address it (or it is the controller)
    const DeviceLibrary* devices = nullptr; ///< the platform's devices, to resolve a "device"
};

/// @brief An analog link as the workload sees it: which values of a sender's output reach which
/// receiver's input (a workload that drives a chain learns its structure from these).
struct AnalogLinkInfo {
    std::string from, from_port, to, to_port;
    int first = 0; ///< the slice of the output the link carries
    int count = 0;
    std::string pointer; ///< the connection's JSON pointer, for errors
};

/// @brief The platform as known at load time, before anything is built.
struct PlatformInfo {
    std::string file;       ///< the configuration file (for error messages)
    std::string config_dir; ///< relative paths in the workload resolve against this
    std::uint64_t seed = 0; ///< the platform seed (workloads derive their streams)
    std::vector<ComponentInfo> components;
    std::vector<AnalogLinkInfo> analog_links;
    const DeviceLibrary* devices = nullptr; ///< to build a block's typed spec from its params
    const Technology* technology = nullptr; ///< the platform's CMOS technology
    const ComponentInfo* find(const std::string& name) const;
    /// Components whose name is @p group or group<N> (a "count" expansion), in index order.
    std::vector<const ComponentInfo*> group(const std::string& group) const;
};

/// @brief Digital work the controller performs itself (partial-sum accumulation, activation).
/// pool_compare: one comparison of a max-pooling window; pool_add: one addition of an
/// average-pooling window (the division by a constant window area is a shift or a
/// multiplication folded into the next layer's scale, not counted).
enum class DigitalOp { accumulate, activation, compare, nonlinear, pool_compare, pool_add };
/// How many DigitalOp values there are (for tables indexed by them).
inline constexpr int kDigitalOps = static_cast<int>(DigitalOp::pool_add) + 1;

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
    /// Dynamic energy booked by every block so far (for workloads that report energy over
    /// their own intervals, such as per training epoch).
    virtual double dynamic_energy_J() const { return 0.0; }
    /// Dynamic energy booked so far by component @p name alone (0 when unknown).
    virtual double component_energy_J(const std::string& name) const {
        (void)name;
        return 0.0;
    }
    /// Leakage power of component @p name, or of the whole platform when @p name is empty (for
    /// workloads that price their own intervals, leakage included); 0 when unknown.
    virtual double leakage_power_W(const std::string& name = {}) const {
        (void)name;
        return 0.0;
    }
    /// Report progress (done of total items, with a short status text).
    virtual void progress(std::uint64_t done, std::uint64_t total, const std::string& status) = 0;
};

} // namespace neurotlm
