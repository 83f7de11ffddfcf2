#pragma once
/// @brief Named statistics with a unit and a description, as reports print them.

#include <string>
#include <vector>

#include "neurotlm/core/units.h"

namespace neurotlm {

struct Stat {
    std::string name;
    double value = 0.0;
    Unit unit = Unit::none;
    std::string description;
};

class StatSet {
public:
    /// Add or overwrite a statistic.
    void set(const std::string& name, double value, Unit unit, const std::string& description);
    const Stat* find(const std::string& name) const;
    double value(const std::string& name, double fallback = 0.0) const;
    const std::vector<Stat>& all() const { return m_stats; }
    bool empty() const { return m_stats.empty(); }

private:
    std::vector<Stat> m_stats;
};

} // namespace neurotlm
