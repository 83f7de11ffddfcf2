// Any byte string as a platform file: the loader must accept it or throw InputError
// (ConfigError); anything else (a crash, a sanitizer report, another exception) is a finding.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "neurotlm/core/error.h"
#include "neurotlm/topology/config.h"

// libsystemc refers to sc_main; libFuzzer provides main and never calls it.
int sc_main(int, char**) {
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = [] {
        const auto dir = std::filesystem::temp_directory_path() /
                         ("neurotlm-fuzz-config-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        return (dir / "platform.json").string();
    }();
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    neurotlm::LoadOptions options;
    options.memory_limit_bytes = std::uint64_t{1} << 30;
    try {
        neurotlm::load_config(path, options);
    } catch (const neurotlm::InputError&) {
        // Bad input, reported as such: the expected outcome for most inputs.
    }
    return 0;
}
