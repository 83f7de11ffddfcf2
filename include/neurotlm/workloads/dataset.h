#pragma once
/// @file
/// @brief Image datasets in the IDX format of MNIST and Fashion-MNIST.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "neurotlm/core/error.h"

namespace neurotlm {

/// @brief Images as floats in [0, 1] (byte / 255), one row per image, and optional labels.
struct Dataset {
    int count = 0, height = 0, width = 0;
    std::vector<float> pixels; ///< count x (height * width)
    std::vector<int> labels;   ///< empty when no label file was given
    int image_size() const { return height * width; }
    const float* image(int i) const {
        return pixels.data() + static_cast<std::size_t>(i) * image_size();
    }
};

/// @brief Read an IDX image file and, unless @p labels_path is empty, its IDX label file.
///
/// Either file may be gzip'd or plain (zlib tells them apart by their magic). @p offset skips
/// the first images; @p limit caps how many are read (0 = all that remain). Throws InputError
/// naming the file and what is wrong: missing file, bad magic, a data type other than
/// unsigned bytes, absurd dimensions, truncated data, images and labels that disagree on
/// their count, an offset past the end. Memory grows with the data actually read, so a header
/// that claims billions of images fails on truncation rather than on allocation.
/// Errors are DatasetError, which says whether the images, the labels or the offset are wrong.
Dataset load_idx(const std::string& images_path, const std::string& labels_path,
                 std::size_t limit = 0, std::size_t offset = 0);

/// @brief What load_idx refuses, and which of its inputs is at fault (so a configuration error
/// can point at the right key).
class DatasetError : public InputError {
public:
    enum class Part { images, labels, offset };
    DatasetError(Part part, const std::string& what) : InputError(what), m_part(part) {}
    Part part() const { return m_part; }

private:
    Part m_part;
};

/// @brief Write an IDX3 unsigned-byte image file; a ".gz" suffix writes it gzip'd.
void write_idx_images(const std::string& path, int count, int height, int width,
                      const std::vector<std::uint8_t>& bytes);
/// @brief Write an IDX1 unsigned-byte label file; a ".gz" suffix writes it gzip'd.
void write_idx_labels(const std::string& path, const std::vector<std::uint8_t>& labels);

/// @brief Where Debian's dataset-fashion-mnist package installs its files.
std::string default_fashion_mnist_dir();

/// @brief Dimensions from an IDX image file's header alone (nothing else is read): for
/// estimating memory before loading. Throws InputError like load_idx.
struct IdxShape {
    std::uint64_t count = 0;
    std::uint32_t height = 0, width = 0;
};
IdxShape idx_image_shape(const std::string& images_path);

} // namespace neurotlm
