#include "neurotlm/core/stats.h"

namespace neurotlm {

void StatSet::set(const std::string& name, double value, Unit unit,
                  const std::string& description) {
    for (auto& s : m_stats) {
        if (s.name == name) {
            s.value = value;
            s.unit = unit;
            s.description = description;
            return;
        }
    }
    m_stats.push_back({name, value, unit, description});
}

const Stat* StatSet::find(const std::string& name) const {
    for (const auto& s : m_stats)
        if (s.name == name) return &s;
    return nullptr;
}

double StatSet::value(const std::string& name, double fallback) const {
    const Stat* s = find(name);
    return s ? s->value : fallback;
}

} // namespace neurotlm
