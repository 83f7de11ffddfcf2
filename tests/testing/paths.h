#pragma once
// Locations the tests need: the source tree, shipped test data, a fresh scratch folder.

#include <string>

namespace neurotlm::testing {

std::string source_dir();
std::string test_data(const std::string& relative);
/// A new empty directory under the system temp dir, unique per test process and @p tag.
std::string scratch_dir(const std::string& tag);

/// True in a build with AddressSanitizer (g++ or clang), which runs code several times slower:
/// tests that need seconds of work scale their size by it instead of taking minutes.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

} // namespace neurotlm::testing
