// Any byte string as a platform file: the loader must accept it or throw InputError
// (ConfigError); anything else (a crash, a hang, a sanitizer report, another exception) is a
// finding.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "neurotlm/core/error.h"
#include "neurotlm/topology/config.h"

// libsystemc refers to sc_main; libFuzzer provides main and never calls it.
int sc_main(int, char**) {
    return 0;
}

namespace {

// The folder the inputs are written to. It holds a FIFO named "pipe": an input that names it as
// a trace, network, dataset or .npy file must be refused, not wait forever for a writer (the
// seeds in tests/data/fuzz/config do; -timeout turns a hang into a finding).
const std::string& work_dir() {
    static const std::string dir = [] {
        const auto d = std::filesystem::temp_directory_path() /
                       ("neurotlm-fuzz-config-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        ::mkfifo((d / "pipe").c_str(), 0644);
        return d.string();
    }();
    return dir;
}

} // namespace

// Once, before fuzzing: the platform file itself a FIFO.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    try {
        neurotlm::load_config(work_dir() + "/pipe");
        std::abort(); // a FIFO was accepted as a platform file
    } catch (const neurotlm::InputError&) {
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = work_dir() + "/platform.json";
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
