#include "neurotlm/workloads/workload.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>

namespace neurotlm {

const ComponentInfo* PlatformInfo::find(const std::string& name) const {
    for (const auto& c : components)
        if (c.name == name) return &c;
    return nullptr;
}

std::vector<const ComponentInfo*> PlatformInfo::group(const std::string& group) const {
    std::vector<std::pair<long, const ComponentInfo*>> found;
    for (const auto& c : components) {
        if (c.name == group) {
            found.emplace_back(-1, &c);
            continue;
        }
        if (c.name.size() <= group.size() || c.name.compare(0, group.size(), group) != 0) continue;
        const std::string rest = c.name.substr(group.size());
        if (!std::all_of(rest.begin(), rest.end(), [](unsigned char ch) { return std::isdigit(ch); }))
            continue;
        found.emplace_back(std::stol(rest), &c);
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<const ComponentInfo*> out;
    for (const auto& f : found) out.push_back(f.second);
    return out;
}

WorkloadRegistry& WorkloadRegistry::instance() {
    static WorkloadRegistry registry;
    return registry;
}

void WorkloadRegistry::add(WorkloadKind kind) {
    const std::string name = kind.name;
    if (!m_kinds.emplace(name, std::move(kind)).second)
        throw std::logic_error("workload kind \"" + name + "\" registered twice");
}

const WorkloadKind* WorkloadRegistry::find(const std::string& name) const {
    auto it = m_kinds.find(name);
    return it == m_kinds.end() ? nullptr : &it->second;
}

std::vector<std::string> WorkloadRegistry::names() const {
    std::vector<std::string> out;
    for (const auto& kv : m_kinds) out.push_back(kv.first);
    return out;
}

std::string resolve_path(const std::string& dir, const std::string& path) {
    namespace fs = std::filesystem;
    if (path.empty() || fs::path(path).is_absolute() || dir.empty()) return path;
    return (fs::path(dir) / path).lexically_normal().string();
}

} // namespace neurotlm

namespace neurotlm {
std::string absolute_path(const std::string& path) {
    namespace fs = std::filesystem;
    if (path.empty()) return path;
    std::error_code ec;
    const fs::path a = fs::absolute(path, ec);
    return ec ? path : a.lexically_normal().string();
}
} // namespace neurotlm
