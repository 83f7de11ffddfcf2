#pragma once
/// @file
/// @brief Image datasets: the IDX format of MNIST and Fashion-MNIST, NumPy arrays (colour
/// images such as CIFAR-10 exported with numpy.save) and synthetic random images.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "neurotlm/core/error.h"

namespace neurotlm {

class ParamTable;
class Params;

/// @brief Images as floats (IDX bytes / 255, in [0, 1]), one row per image, channel-major
/// within an image, and optional labels.
struct Dataset {
    int count = 0, channels = 1, height = 0, width = 0;
    std::vector<float> pixels; ///< count x (channels * height * width)
    std::vector<int> labels;   ///< empty when no label file was given
    int image_size() const { return channels * height * width; }
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

/// @brief Read images from a .npy array of [count, height, width] or [count, channels, height,
/// width] (unsigned bytes are divided by 255, other types taken as they are) and, unless
/// @p labels_path is empty, labels from a .npy of [count] whole numbers. @p offset and
/// @p limit as load_idx. Throws DatasetError naming the file and the problem (shape, a
/// non-finite pixel, a label that is not a non-negative whole number, counts that differ).
Dataset load_npy_images(const std::string& images_path, const std::string& labels_path,
                        std::size_t limit = 0, std::size_t offset = 0);

/// @brief @p count synthetic images of @p channels x @p height x @p width, no labels: each
/// pixel 0 with probability @p zero_fraction, else uniform in (0, 1]: the activations an
/// architecture estimate assumes when it has no data (NeuroSim's synthetic inputs have half
/// zeros). The same @p seed gives the same images. Throws InputError for sizes below 1, more
/// than max_image_pixels per image, or a fraction outside [0, 1].
Dataset random_images(int count, int channels, int height, int width, double zero_fraction,
                      std::uint64_t seed);

/// @brief Write an IDX3 unsigned-byte image file; a ".gz" suffix writes it gzip'd.
void write_idx_images(const std::string& path, int count, int height, int width,
                      const std::vector<std::uint8_t>& bytes);
/// @brief Write an IDX1 unsigned-byte label file; a ".gz" suffix writes it gzip'd.
void write_idx_labels(const std::string& path, const std::vector<std::uint8_t>& labels);

/// @brief The most pixels an image may have, read or resized (a larger one is a corrupt header
/// or a typo, not a dataset).
inline constexpr std::int64_t max_image_pixels = std::int64_t{1} << 24;

/// @brief What to do to images after loading them, in this order: resize, then binarize.
/// The trainer and the inference workload share it, so a network sees at inference the inputs
/// it was trained on.
struct ImagePreprocessing {
    int resize_height = 0, resize_width = 0; ///< both 0: keep the file's size
    bool binarize = false;
    float threshold = 0.5f;        ///< a pixel (0..1) above it becomes high, any other low
    float low = 0.0f, high = 1.0f; ///< the two levels a binarised pixel takes
    bool resizes() const { return resize_height > 0 || resize_width > 0; }
};

/// @brief Shrink (or enlarge) every image to @p height x @p width by area averaging: an output
/// pixel is the mean of the input area it covers, input pixels cut by its border counted by
/// the fraction inside (28 -> 20: each output pixel spans 1.4 input pixels). Shrinking, this
/// is what OpenCV's INTER_AREA computes; it keeps a constant image constant and the image's
/// mean intensity. Labels are kept. Throws InputError for a side below 1 or above 65536, or
/// more than max_image_pixels.
Dataset resize_images(const Dataset& data, int height, int width);

/// @brief Replace every pixel by @p high if it is above @p threshold, else by @p low.
/// Throws InputError for a non-finite threshold or level, or @p low not below @p high.
void binarize_images(Dataset& data, float threshold, float low, float high);

/// @brief Apply @p p to @p data (resize, then binarize); throws InputError naming the bad
/// setting ("resize", "binarize threshold", ...).
void preprocess(Dataset& data, const ImagePreprocessing& p);

/// @brief One line for logs and reports: "resize 20x20 (area average), binarize > 0.5 -> {0, 1}";
/// "none" when @p p does nothing.
std::string describe(const ImagePreprocessing& p);

/// @brief Declare the preprocessing keys under @p prefix ("dataset." gives dataset.resize.height,
/// dataset.resize.width, dataset.binarize.threshold, dataset.binarize.low,
/// dataset.binarize.high), so every workload that loads images spells and bounds them alike.
void add_preprocessing_params(ParamTable& table, const std::string& prefix);

/// @brief Read what add_preprocessing_params() declared from validated @p p, with the checks a
/// table cannot state (both resize sides or neither, low below high, levels only with a
/// threshold); throws ConfigError at the offending key.
ImagePreprocessing preprocessing_from(const Params& p, const std::string& prefix);

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
