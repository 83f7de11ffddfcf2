#pragma once
// A PlatformInfo built by hand, for workload tests that must not link SystemC: crossbar tiles
// and Hopfield arrays whose parameters are validated against their circuits' SystemC-free
// spec tables (CrossbarSpec::table(), HopfieldSpec::table()), which is what workloads read
// them with; the block-level extras (clock, access timing) are left out. And a helper that
// validates a workload section and creates the workload through the registry, as the loader
// does.

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "neurotlm/blocks/crossbar/crossbar.h"
#include "neurotlm/blocks/hopfield/hopfield.h"
#include "neurotlm/core/error.h"
#include "neurotlm/core/params.h"
#include "neurotlm/devices/library.h"
#include "neurotlm/drivers/run_context.h"
#include "neurotlm/workloads/workload.h"

namespace neurotlm::testing {

class FakePlatform {
public:
    explicit FakePlatform(std::string file = "platform.json", std::string config_dir = ".",
                          std::uint64_t seed = 1)
        : m_devices(DeviceLibrary::default_search_dirs(config_dir)) {
        info.devices = &m_devices;
        info.file = std::move(file);
        info.config_dir = std::move(config_dir);
        info.seed = seed;
    }
    FakePlatform(const FakePlatform&) = delete;
    FakePlatform& operator=(const FakePlatform&) = delete;

    /// A crossbar tile of @p rows x @p cols physical cells (differential: cols / 2 outputs).
    FakePlatform& tile(const std::string& name, int rows, int cols, bool reachable = true,
                       nlohmann::json extra = nlohmann::json::object()) {
        nlohmann::json p = {{"rows", rows}, {"cols", cols}};
        p.merge_patch(extra);
        return add(name, "crossbar_tile", p, CrossbarSpec::table().params(), reachable);
    }

    /// A Hopfield array of @p neurons with @p memories slots of @p max_patterns patterns.
    FakePlatform& hopfield(const std::string& name, int neurons, int memories = 1,
                           int max_patterns = 256, bool reachable = true) {
        return add(name, "hopfield_array",
                   {{"neurons", neurons}, {"memories", memories}, {"max_patterns", max_patterns}},
                   HopfieldSpec::table().params(), reachable);
    }

    /// A component of another type, with no parameters.
    FakePlatform& other(const std::string& name, const std::string& type, bool reachable = true) {
        return add(name, type, nlohmann::json::object(), ParamTable(), reachable);
    }

    PlatformInfo info;

private:
    FakePlatform& add(const std::string& name, const std::string& type, const nlohmann::json& p,
                      const ParamTable& table, bool reachable) {
        const std::string pointer = "/components/" + std::to_string(info.components.size());
        m_params.push_back(Params::validate(p, table, info.file, pointer));
        ComponentInfo c;
        c.name = name;
        c.type = type;
        c.params = &m_params.back(); // a deque keeps earlier elements in place
        c.address = 0x10000000ull + 0x400000ull * info.components.size();
        c.reachable = reachable;
        c.devices = &m_devices;
        info.components.push_back(c);
        return *this;
    }
    std::deque<Params> m_params;
    DeviceLibrary m_devices;
};

/// Validate @p section (a platform file's "workload" object, "kind" included) and create the
/// workload, as the loader does: errors are ConfigErrors with pointers under /workload.
inline std::unique_ptr<Workload> create_workload(const nlohmann::json& section,
                                                 const PlatformInfo& info) {
    const std::string kind = section.at("kind").get<std::string>();
    const WorkloadKind* k = WorkloadRegistry::instance().find(kind);
    if (!k) throw std::logic_error("no workload kind " + kind);
    const Params p = Params::validate(section, k->params, info.file, "/workload", {"kind"});
    return k->create(p, info);
}

/// The memory estimate the loader checks for @p section before the workload is created (0 for
/// a kind without one).
inline double estimate_workload(const nlohmann::json& section, const PlatformInfo& info) {
    const WorkloadKind* k =
        WorkloadRegistry::instance().find(section.at("kind").get<std::string>());
    if (!k) throw std::logic_error("no workload kind " + section.at("kind").get<std::string>());
    const Params p = Params::validate(section, k->params, info.file, "/workload", {"kind"});
    return k->estimate_bytes ? k->estimate_bytes(p, info) : 0.0;
}

/// The ConfigError @p f throws (pointer, file, message), or an empty pointer and message
/// "no error" if it throws none.
struct ConfigFailure {
    std::string file, pointer, expected, found, what;
    bool thrown = false;
};
template <typename F> ConfigFailure config_error_of(F&& f) {
    ConfigFailure out;
    try {
        f();
        out.what = "no error";
    } catch (const ConfigError& e) {
        out = {e.file(), e.pointer(), e.expected(), e.found(), e.what(), true};
    }
    return out;
}

} // namespace neurotlm::testing
