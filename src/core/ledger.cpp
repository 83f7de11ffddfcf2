#include "neurotlm/core/ledger.h"

namespace neurotlm {

std::vector<EnergyLedger::ActionId> EnergyLedger::declare(const EnergyTable& table) {
    std::vector<ActionId> ids;
    ids.reserve(table.size());
    for (const ActionPrice& a : table)
        ids.push_back(declare(a.name, a.energy_J, a.description, a.energy_class));
    return ids;
}

EnergyLedger::ActionId EnergyLedger::declare(const std::string& name, double energy_per_action_J,
                                             const std::string& description,
                                             const std::string& energy_class) {
    for (ActionId i = 0; i < m_actions.size(); ++i)
        if (m_actions[i].name == name) return i;
    m_actions.push_back({name, description, energy_class, energy_per_action_J, 0, 0.0});
    return m_actions.size() - 1;
}

double EnergyLedger::dynamic_energy_J() const {
    double sum = 0.0;
    for (const auto& a : m_actions)
        sum += a.energy_J;
    return sum;
}

const ActionRecord* EnergyLedger::find(const std::string& name) const {
    for (const auto& a : m_actions)
        if (a.name == name) return &a;
    return nullptr;
}

void EnergyLedger::reset() {
    for (auto& a : m_actions) {
        a.count = 0;
        a.energy_J = 0.0;
    }
}

} // namespace neurotlm
