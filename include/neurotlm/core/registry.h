#pragma once
/// @brief Things registered by name from their own source files (block types, workload kinds,
/// register maps): one mechanism for all. A registration runs from a namespace-scope
/// initialiser, so the registry is a function-local static (no initialisation-order problem);
/// the libraries are shared, so no registration is dropped by the linker.

#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace neurotlm {

template <typename Entry> class NamedRegistry {
public:
    /// The one registry of this entry type.
    static NamedRegistry& instance() {
        static NamedRegistry registry;
        return registry;
    }

    /// Add @p entry under @p name; a name registered twice is a programming error.
    void add(const std::string& name, Entry entry) {
        if (!m_entries.emplace(name, std::move(entry)).second)
            throw std::logic_error("\"" + name + "\" registered twice");
    }
    const Entry* find(const std::string& name) const {
        auto it = m_entries.find(name);
        return it == m_entries.end() ? nullptr : &it->second;
    }
    /// Registered names in alphabetical order.
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& kv : m_entries)
            out.push_back(kv.first);
        return out;
    }
    const std::map<std::string, Entry>& entries() const { return m_entries; }

private:
    NamedRegistry() = default;
    std::map<std::string, Entry> m_entries;
};

} // namespace neurotlm
