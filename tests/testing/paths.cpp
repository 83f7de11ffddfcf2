#include "testing/paths.h"

#include <filesystem>
#include <unistd.h>

namespace neurotlm::testing {

std::string source_dir() {
    return NEUROTLM_SOURCE_DIR;
}

std::string test_data(const std::string& relative) {
    return std::string(NEUROTLM_TEST_DATA) + "/" + relative;
}

std::string scratch_dir(const std::string& tag) {
    namespace fs = std::filesystem;
    fs::path dir =
        fs::temp_directory_path() / ("neurotlm-test-" + std::to_string(::getpid()) + "-" + tag);
    fs::remove_all(dir);
    // A training run keeps its live folder beside its output (<out>.training); process ids are
    // reused, so one left by an earlier process of the same id would read as a run to resume.
    fs::remove_all(dir.string() + ".training");
    fs::create_directories(dir);
    return dir.string();
}

} // namespace neurotlm::testing
