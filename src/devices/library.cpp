#include "neurotlm/devices/library.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"

namespace neurotlm {

namespace fs = std::filesystem;

DeviceLibrary::DeviceLibrary(std::vector<std::string> search_dirs)
    : m_dirs(std::move(search_dirs)) {}

std::vector<std::string> DeviceLibrary::default_search_dirs(const std::string& config_dir) {
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("NEUROTLM_DEVICE_PATH")) {
        std::stringstream ss(env);
        std::string d;
        while (std::getline(ss, d, ':'))
            if (!d.empty()) dirs.push_back(d);
    }
    // Only a devices/ folder beside the platform file: the file's own folder holds
    // platforms and traces, which are not presets.
    if (!config_dir.empty()) dirs.push_back(config_dir + "/devices");
    // An installed tree uses its own presets only; a build tree those of its source tree.
    if (const std::string installed = installed_data_dir(); !installed.empty()) {
        dirs.push_back(installed + "/configs/devices");
        return dirs;
    }
#ifdef NEUROTLM_SOURCE_DIR
    dirs.push_back(std::string(NEUROTLM_SOURCE_DIR) + "/configs/devices");
#endif
#ifdef NEUROTLM_DATA_DIR
    dirs.push_back(std::string(NEUROTLM_DATA_DIR) + "/configs/devices");
#endif
    return dirs;
}

std::string DeviceLibrary::find_preset(const std::string& name) const {
    if (name.empty() || name.find('/') != std::string::npos || name.find("..") != std::string::npos)
        return {};
    for (const auto& d : m_dirs) {
        const fs::path p = fs::path(d) / (name + ".json");
        std::error_code ec;
        if (fs::is_regular_file(p, ec)) return p.string();
    }
    return {};
}

std::vector<std::string> DeviceLibrary::preset_names() const {
    std::vector<std::string> names;
    for (const auto& d : m_dirs) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(d, ec)) {
            if (e.path().extension() != ".json") continue;
            const std::string n = e.path().stem().string();
            if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

namespace {
json read_json_file(const std::string& path) {
    return parse_json_text(read_input_file(path, std::uint64_t{1} << 20, "a device preset"), path);
}
} // namespace

DeviceLibrary::Entry DeviceLibrary::load(const json& object, const std::string& file,
                                         const std::string& pointer) const {
    if (!object.is_object()) throw ConfigError(file, pointer, "an object", describe_json(object));
    json merged = json::object();
    auto preset = object.find("preset");
    if (preset != object.end()) {
        if (!preset->is_string())
            throw ConfigError(file, pointer + "/preset", "the name of a device preset",
                              describe_json(*preset));
        const std::string path = find_preset(preset->get<std::string>());
        if (path.empty()) {
            std::string known;
            for (const auto& n : preset_names())
                known += (known.empty() ? "" : ", ") + n;
            throw ConfigError(file, pointer + "/preset",
                              "a preset in configs/devices (" + known + ")",
                              describe_json(*preset));
        }
        merged = read_json_file(path);
        if (!merged.is_object()) throw ConfigError(path, "", "an object", describe_json(merged));
        // Validate the preset on its own first, so an error in it names the preset file.
        CellSpec::from_params(Params::validate(merged, CellSpec::param_table(), path, ""));
    }
    for (auto it = object.begin(); it != object.end(); ++it)
        if (it.key() == "preset") continue;
        // Nested groups ("switching") merge key by key: overriding one switching value keeps
        // the preset's others.
        else if (it.value().is_object() && merged.contains(it.key()) &&
                 merged[it.key()].is_object())
            for (auto in = it.value().begin(); in != it.value().end(); ++in)
                merged[it.key()][in.key()] = in.value();
        else
            merged[it.key()] = it.value();
    Params p = Params::validate(merged, CellSpec::param_table(), file, pointer, {"preset"});
    Entry e{CellSpec::from_params(p), p.effective()};
    return e;
}

void DeviceLibrary::load_section(const json& devices, const std::string& file,
                                 const std::string& pointer) {
    if (!devices.is_object())
        throw ConfigError(file, pointer, "an object of named devices", describe_json(devices));
    for (auto it = devices.begin(); it != devices.end(); ++it)
        m_entries[it.key()] = load(it.value(), file, pointer + "/" + it.key());
}

const CellSpec& DeviceLibrary::resolve(const std::string& name, const std::string& file,
                                       const std::string& pointer) const {
    auto it = m_entries.find(name);
    if (it != m_entries.end()) return it->second.spec;
    auto pit = m_presets.find(name);
    if (pit != m_presets.end()) return pit->second.spec;
    if (!find_preset(name).empty()) {
        json ref = {{"preset", name}};
        auto [ins, ok] = m_presets.emplace(name, load(ref, file, pointer));
        return ins->second.spec;
    }
    std::string known;
    for (const auto& kv : m_entries)
        known += (known.empty() ? "" : ", ") + kv.first;
    for (const auto& n : preset_names())
        known += (known.empty() ? "" : ", ") + n;
    throw ConfigError(file, pointer, "a device declared under /devices or a preset (" + known + ")",
                      "\"" + name + "\"");
}

json DeviceLibrary::effective() const {
    json out = json::object();
    for (const auto& kv : m_entries)
        out[kv.first] = kv.second.effective;
    for (const auto& kv : m_presets)
        out[kv.first] = kv.second.effective;
    return out;
}

CellSpec resolve_tunnel_junction(const Params& p, const DeviceLibrary& devices,
                                 double read_voltage_V) {
    CellSpec cell = devices.resolve(p.string("device"), p.file(), p.pointer_of("device"));
    if (cell.type == CellType::rram || cell.levels() != 2)
        p.fail("device", "a tunnel junction (a device of type mtj or sot_mram)",
               "\"" + p.string("device") + "\", a " + to_string(cell.type) + " device");
    // The block sets the read bias; the device's own read voltage does not apply.
    cell.read_voltage_V = read_voltage_V;
    if (const std::string why = cell.contrast_problem(read_voltage_V); !why.empty())
        p.fail("read_voltage", why + " (device \"" + p.string("device") + "\")",
               format_quantity(read_voltage_V, Unit::volt));
    return cell;
}

} // namespace neurotlm
