#include "neurotlm/drivers/run_context.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

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
        if (!std::all_of(rest.begin(), rest.end(),
                         [](unsigned char ch) { return std::isdigit(ch); }))
            continue;
        found.emplace_back(std::stol(rest), &c);
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<const ComponentInfo*> out;
    for (const auto& f : found)
        out.push_back(f.second);
    return out;
}

} // namespace neurotlm
