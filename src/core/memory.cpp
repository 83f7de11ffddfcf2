#include "neurotlm/core/memory.h"

#include <cstdio>
#include <unistd.h>

namespace neurotlm {

std::uint64_t physical_memory_bytes() {
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long page = ::sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0) return 0;
    return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page);
}

std::uint64_t default_memory_limit_bytes() {
    const std::uint64_t phys = physical_memory_bytes();
    return phys ? phys / 5 * 4 : (std::uint64_t{8} << 30);
}

std::string format_bytes(double bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int u = 0;
    while (bytes >= 1024.0 && u < 5) {
        bytes /= 1024.0;
        ++u;
    }
    char buf[32];
    // Three significant digits, but never an exponent: 1000..1023.99 of a unit print whole.
    std::snprintf(buf, sizeof buf, u == 0 || bytes >= 999.5 ? "%.0f %s" : "%.3g %s", bytes,
                  units[u]);
    return buf;
}

} // namespace neurotlm
