#pragma once
// Locations the tests need: the source tree, shipped test data, a fresh scratch folder.

#include <string>

namespace neurotlm::testing {

std::string source_dir();
std::string test_data(const std::string& relative);
/// A new empty directory under the system temp dir, unique per test process and @p tag.
std::string scratch_dir(const std::string& tag);

} // namespace neurotlm::testing
