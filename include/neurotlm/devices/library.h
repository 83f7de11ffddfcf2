#pragma once
/// @brief The devices a platform may use, by name: the platform file's "devices" section, each
/// entry a preset (a JSON file in configs/devices/) and/or explicit cell parameters, plus
/// every preset on the search path under its own name.

#include <map>
#include <string>
#include <vector>

#include "neurotlm/core/params.h"
#include "neurotlm/devices/cell.h"

namespace neurotlm {

class DeviceLibrary {
public:
    DeviceLibrary() = default;
    /// @param search_dirs folders searched for "<preset>.json", in order.
    explicit DeviceLibrary(std::vector<std::string> search_dirs);

    /// Read a "devices" section (an object: name -> spec). Errors carry @p file and pointers.
    void load_section(const json& devices, const std::string& file, const std::string& pointer);

    /// The spec named @p name: a section entry, else a preset file of that name. Throws
    /// ConfigError at @p file / @p pointer listing the known names when there is none.
    const CellSpec& resolve(const std::string& name, const std::string& file,
                            const std::string& pointer) const;

    /// Effective device specs used so far (for the effective configuration).
    json effective() const;
    std::vector<std::string> preset_names() const;
    const std::vector<std::string>& search_dirs() const { return m_dirs; }

    /// Default search path: $NEUROTLM_DEVICE_PATH (colon-separated), @p config_dir/devices,
    /// the installed configs/devices beside this library (wherever the installed tree is), the
    /// source tree's, and the install prefix's. (configs/default.json's folder has devices/, so
    /// shipped presets are found beside shipped platforms.)
    static std::vector<std::string> default_search_dirs(const std::string& config_dir);
    /// The file of preset @p name on the search path, or empty if there is none.
    std::string find_preset(const std::string& name) const;

private:
    struct Entry {
        CellSpec spec;
        json effective;
    };
    Entry load(const json& object, const std::string& file, const std::string& pointer) const;

    std::vector<std::string> m_dirs;
    std::map<std::string, Entry> m_entries;
    mutable std::map<std::string, Entry> m_presets;
};

/// @brief The tunnel junction a block's "device" names, read at the block's own bias
/// @p read_voltage_V (its "read_voltage"): refused (at the key's pointer) when the device is not
/// a two-state MTJ or SOT-MRAM cell, or has too little TMR left at that bias.
CellSpec resolve_tunnel_junction(const Params& p, const DeviceLibrary& devices,
                                 double read_voltage_V);

} // namespace neurotlm
