#include "testing/paths.h"

#include <chrono>
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
    // Process ids are reused: the start time of this process tells it from an earlier one of
    // the same id, whose folders (and what runs keep beside their output, such as a training
    // run's <out>.training) would otherwise be found here.
    static const std::string process =
        std::to_string(::getpid()) + "-" +
        std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    fs::path dir = fs::temp_directory_path() / ("neurotlm-test-" + process + "-" + tag);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir.string();
}

} // namespace neurotlm::testing
