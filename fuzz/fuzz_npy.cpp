// Any byte string as a .npy file: read_npy must return an array whose size matches its shape,
// or throw InputError.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "neurotlm/core/error.h"
#include "neurotlm/workloads/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = (std::filesystem::temp_directory_path() /
                                     ("neurotlm-fuzz-" + std::to_string(::getpid()) + ".npy"))
                                        .string();
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        const neurotlm::NpyArray a = neurotlm::read_npy(path);
        std::size_t n = 1;
        for (std::size_t d : a.shape)
            n *= d;
        if (n != a.data.size()) std::abort(); // the reader's own promise
    } catch (const neurotlm::InputError&) {
    }
    return 0;
}
