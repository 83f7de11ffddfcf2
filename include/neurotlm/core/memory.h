#pragma once
/// @brief Memory budget: what a configuration will allocate is estimated before anything is
/// built, and a configuration over the limit is refused with the estimate in the message.

#include <cstdint>
#include <string>

namespace neurotlm {

/// Physical memory of this machine in bytes (0 if unknown).
std::uint64_t physical_memory_bytes();
/// The default limit: 80% of physical memory (8 GiB if it cannot be read).
std::uint64_t default_memory_limit_bytes();
/// "1.5 GiB", "300 MiB", "12 KiB".
std::string format_bytes(double bytes);

} // namespace neurotlm
