#include "neurotlm/drivers/trace_ops.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

#include "neurotlm/core/error.h"
#include "neurotlm/core/registry.h"

namespace neurotlm::trace {

using OpsRegistry = NamedRegistry<BlockOps>;

bool add(BlockOps ops) {
    for (const auto& op : ops.ops)
        if (op.first == "phase")
            throw std::logic_error("trace operation \"phase\" of " + ops.type + " is reserved");
    for (const auto& kv : OpsRegistry::instance().entries())
        for (const auto& op : ops.ops)
            if (kv.second.ops.count(op.first))
                throw std::logic_error("trace operation \"" + op.first + "\" of " + ops.type +
                                       " is taken");
    const std::string type = ops.type;
    OpsRegistry::instance().add(type, std::move(ops));
    return true;
}

const BlockOps* find(const std::string& type) {
    return OpsRegistry::instance().find(type);
}

std::vector<std::string> all_operations() {
    std::set<std::string> names{"phase"};
    for (const auto& kv : OpsRegistry::instance().entries())
        for (const auto& op : kv.second.ops)
            names.insert(op.first);
    return {names.begin(), names.end()};
}

std::vector<float> float_vector(const json& v, const std::string& pointer,
                                const std::string& where) {
    if (!v.is_array() || v.empty())
        throw ConfigError(where, pointer, "a non-empty array of numbers", describe_json(v));
    std::vector<float> out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        // Checked as a double first: converting a double beyond float's range is undefined.
        if (!v[i].is_number() || !std::isfinite(v[i].get<double>()) ||
            std::fabs(v[i].get<double>()) > std::numeric_limits<float>::max())
            throw ConfigError(where, pointer + "/" + std::to_string(i),
                              "a finite number within float32 range", describe_json(v[i]));
        out.push_back(v[i].get<float>());
    }
    return out;
}

} // namespace neurotlm::trace
