#include "neurotlm/topology/registry.h"

#include <stdexcept>

namespace neurotlm {

Registry& Registry::instance() {
    static Registry registry;
    return registry;
}

void Registry::add(BlockType type) {
    const std::string name = type.name;
    if (!m_types.emplace(name, std::move(type)).second)
        throw std::logic_error("block type \"" + name + "\" registered twice");
}

const BlockType* Registry::find(const std::string& name) const {
    auto it = m_types.find(name);
    return it == m_types.end() ? nullptr : &it->second;
}

std::vector<std::string> Registry::names() const {
    std::vector<std::string> out;
    for (const auto& kv : m_types) out.push_back(kv.first);
    return out;
}

} // namespace neurotlm
