#include "neurotlm/workloads/workload.h"

#include <filesystem>

namespace neurotlm {

std::string resolve_path(const std::string& dir, const std::string& path) {
    namespace fs = std::filesystem;
    if (path.empty() || fs::path(path).is_absolute() || dir.empty()) return path;
    return (fs::path(dir) / path).lexically_normal().string();
}

std::string absolute_path(const std::string& path) {
    namespace fs = std::filesystem;
    if (path.empty()) return path;
    std::error_code ec;
    const fs::path a = fs::absolute(path, ec);
    return ec ? path : a.lexically_normal().string();
}

} // namespace neurotlm
