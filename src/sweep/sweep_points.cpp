#include <set>

#include "neurotlm/core/error.h"
#include "neurotlm/sweep/sweep_spec.h"

namespace neurotlm {

namespace {

// The overrides of one point. A target under an object the base platform does not have (a
// bank without a "neuron" section) is written as that whole object, merged with every other
// target under it, because --set only writes into objects that exist.
std::vector<std::string> merge_sets(const json& base,
                                    const std::vector<std::pair<std::string, json>>& assignments) {
    std::vector<std::string> out;
    std::vector<std::pair<std::string, json>> created; // (missing ancestor, object), in order
    for (const auto& [pointer, value] : assignments) {
        const json::json_pointer p(pointer);
        json::json_pointer missing;
        bool any_missing = false;
        for (json::json_pointer q = p.parent_pointer(); !q.empty(); q = q.parent_pointer())
            if (!base.contains(q)) {
                missing = q;
                any_missing = true;
            }
        if (!any_missing) {
            out.push_back(sweep_assignment(pointer, value));
            continue;
        }
        const std::string m = missing.to_string();
        auto it = std::find_if(created.begin(), created.end(),
                               [&](const auto& c) { return c.first == m; });
        if (it == created.end()) {
            created.emplace_back(m, json::object());
            it = created.end() - 1;
        }
        it->second[json::json_pointer(pointer.substr(m.size()))] = value;
    }
    for (const auto& [m, object] : created)
        out.push_back(sweep_assignment(m, object));
    return out;
}

} // namespace

std::vector<SweepPoint> sweep_points(const SweepSpec& spec) {
    const json& base = spec.base_doc;
    std::vector<std::pair<std::string, json>> fixed;
    for (const auto& f : spec.fixed) {
        const auto eq = f.find('=');
        fixed.emplace_back(f.substr(0, eq), json::parse(f.substr(eq + 1)));
    }
    const std::size_t n = spec.parameters.size();
    std::vector<SweepPoint> points;
    std::set<std::string> ids;
    auto add = [&](std::vector<std::optional<std::size_t>> index, int varied) {
        auto assignments = fixed;
        for (std::size_t p = 0; p < n; ++p)
            if (index[p])
                for (const auto& t : spec.parameters[p].pointers)
                    assignments.emplace_back(t, spec.parameters[p].values[*index[p]]);
        SweepPoint pt;
        pt.index = std::move(index);
        pt.varied = varied;
        pt.sets = merge_sets(base, assignments);
        std::string key;
        for (const auto& s : pt.sets)
            key += s + "\n";
        pt.id = sweep_hash(key);
        // Two parameters of an `each` study that write the same value to the same place are
        // one simulation: run it once.
        if (!ids.insert(pt.id).second) return;
        points.push_back(std::move(pt));
    };
    if (spec.mode == SweepMode::each) {
        add(std::vector<std::optional<std::size_t>>(n), -1);
        for (std::size_t p = 0; p < n; ++p)
            for (std::size_t v = 0; v < spec.parameters[p].values.size(); ++v) {
                // The base platform's own value is the base point, run once.
                const SweepParameter& par = spec.parameters[p];
                if (!par.base_value.is_null() && par.values[v] == par.base_value) continue;
                std::vector<std::optional<std::size_t>> index(n);
                index[p] = v;
                add(std::move(index), static_cast<int>(p));
            }
    } else if (spec.mode == SweepMode::zip) {
        for (std::size_t v = 0; v < spec.parameters.front().values.size(); ++v)
            add(std::vector<std::optional<std::size_t>>(n, v), -1);
    } else {
        std::vector<std::size_t> at(n, 0);
        for (;;) {
            add(std::vector<std::optional<std::size_t>>(at.begin(), at.end()), -1);
            std::size_t p = n;
            while (p > 0) {
                --p;
                if (++at[p] < spec.parameters[p].values.size()) break;
                at[p] = 0;
                if (p == 0) return points;
            }
            if (n == 0) break;
        }
    }
    return points;
}

} // namespace neurotlm
