// Any byte string as an IDX image file (and, split at a byte of the input, a label file):
// load_idx must return a consistent dataset or throw InputError.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "neurotlm/core/error.h"
#include "neurotlm/workloads/dataset.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string base =
        (std::filesystem::temp_directory_path() / ("neurotlm-fuzz-" + std::to_string(::getpid())))
            .string();
    // The first byte chooses where the label file starts; no split = no labels.
    const std::size_t split = size > 0 ? (data[0] * size) / 256 : 0;
    const std::string images = base + "-images.idx", labels = base + "-labels.idx";
    {
        std::ofstream out(images, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data) + (size ? 1 : 0),
                  static_cast<std::streamsize>(split > 1 ? split - 1 : 0));
        std::ofstream lab(labels, std::ios::binary | std::ios::trunc);
        lab.write(reinterpret_cast<const char*>(data) + split,
                  static_cast<std::streamsize>(size - split));
    }
    try {
        const neurotlm::Dataset d = neurotlm::load_idx(images, split % 2 ? labels : "", 64, 0);
        if (d.pixels.size() != static_cast<std::size_t>(d.count) * d.image_size()) std::abort();
        if (!d.labels.empty() && d.labels.size() != static_cast<std::size_t>(d.count)) std::abort();
        for (float p : d.pixels)
            if (!(p >= 0.0f && p <= 1.0f)) std::abort();
    } catch (const neurotlm::InputError&) {
    }
    return 0;
}
