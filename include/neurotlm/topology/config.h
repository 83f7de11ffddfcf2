#pragma once
/// @brief Loading and validating a platform description (JSON) into a PlatformConfig: every
/// key checked, quantities parsed, component groups expanded, connections and address ranges
/// checked, the workload validated against the platform — all before anything is built or
/// written. Errors are ConfigError (file, JSON pointer, expected, found).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "neurotlm/core/params.h"
#include "neurotlm/devices/library.h"
#include "neurotlm/devices/technology.h"
#include "neurotlm/modules/registry.h"
#include "neurotlm/workloads/workload.h"

namespace neurotlm {

/// The most members a component group ("count") may have: a chip of 64 Ki arrays (VGG-8 with
/// 8-bit weights on 1-bit cells takes 6344 of 128x128).
inline constexpr int kMaxGroupCount = 65536;

struct LoadOptions {
    std::optional<std::uint64_t> seed; ///< overrides /seed
    std::vector<std::string>
        overrides; ///< "/json/pointer=value" (value parsed as JSON, else string)
    bool require_workload = false;
    /// Refuse configurations estimated to need more memory; 0 = default_memory_limit_bytes().
    std::uint64_t memory_limit_bytes = 0;
    /// Reads a block may compute ahead at once (the workload's batch: images of a network
    /// without convolutions, or a convolution's 64 output pixels), counted in the memory
    /// estimate; 0 when nothing is computed ahead.
    int reads_ahead = reads_ahead_for_batch(kDefaultBatchImages);
};

struct ComponentConfig {
    std::string name;
    const BlockType* type = nullptr;
    Params params;
    std::string pointer; ///< where it was declared (/components/3)
};

struct ConnectionConfig {
    std::string from, from_socket, to, to_socket;
    std::optional<std::uint64_t> base, size; ///< for address-decoding initiators
    std::string pointer;
};

/// @brief An analog link (modules/analog.h): an analog output to an analog input.
struct AnalogLinkConfig {
    std::string from, from_port, to, to_port;
    std::optional<double> length_m; ///< absent: from the floor plan, at build
    std::string pointer;
    int first = 0;       ///< the slice of the output the link carries: [first, first + count)
    int count = 0;       ///< resolved (never 0 once loaded)
    bool sliced = false; ///< "first" or "count" was written (kept in the effective file)
};

struct PlatformConfig {
    std::string file;
    std::string dir;
    std::string name;
    std::string description;
    std::uint64_t seed = 1;
    double quantum_s = 1e-6;
    json document;                      ///< after --set and --seed
    std::vector<std::string> overrides; ///< the --set assignments applied, as given, in order
    double memory_estimate_bytes = 0;   ///< what the platform and workload will allocate
    std::shared_ptr<DeviceLibrary> devices;
    std::shared_ptr<Technology> technology; ///< /technology: a preset with its overrides
    std::string technology_name;            ///< the preset it starts from
    std::vector<ComponentConfig> components;
    std::vector<ConnectionConfig> connections;
    std::vector<AnalogLinkConfig> analog_links;
    PlatformInfo info; ///< filled by the loader (addresses set at build)
    const WorkloadKind* workload_kind = nullptr;
    Params workload_params;
    bool has_workload = false;

    const ComponentConfig* find(const std::string& name) const;
    /// Position of each component by name (kept by the loader; find() falls back to a scan if
    /// the components were edited without it).
    std::map<std::string, std::size_t> index;

    PlatformConfig() = default;
    // info holds pointers into components: moving keeps them valid, copying would not.
    PlatformConfig(PlatformConfig&&) = default;
    PlatformConfig& operator=(PlatformConfig&&) = default;
    PlatformConfig(const PlatformConfig&) = delete;
    PlatformConfig& operator=(const PlatformConfig&) = delete;
};

/// Read and validate @p path.
PlatformConfig load_config(const std::string& path, const LoadOptions& options = {});
/// Validate an already parsed document; @p file names it in errors, @p dir resolves paths.
PlatformConfig parse_config(json document, const std::string& file, const std::string& dir,
                            const LoadOptions& options = {});
/// Apply one "--set /pointer=value" override to @p document; throws InputError. A component may
/// be addressed by name as well as by index: /components/hop/neurons is /components/2/neurons
/// when the third component is named "hop".
void apply_override(json& document, const std::string& assignment);

/// The parameters of a platform file's top level, for `neurotlm list`.
const ParamTable& platform_param_table();

} // namespace neurotlm
