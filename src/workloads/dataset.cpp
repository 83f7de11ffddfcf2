#include "neurotlm/workloads/dataset.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <unistd.h>

#include <zlib.h>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "neurotlm/core/params.h"
#include "neurotlm/core/rng.h"
#include "neurotlm/workloads/npy.h"

namespace neurotlm {

namespace {

constexpr int idx_ubyte = 0x08;
// Generous bounds: real datasets are far smaller, and anything beyond these is a corrupt
// header that would otherwise make us compute or allocate nonsense.
constexpr std::uint32_t max_side = 1u << 16;
constexpr auto max_image_size = static_cast<std::size_t>(max_image_pixels);
constexpr std::size_t chunk_bytes = std::size_t{1} << 20;

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Owns a zlib file handle; gzread reads gzip'd and plain files alike.
class GzReader {
public:
    explicit GzReader(const std::string& path) : m_path(path) {
        check_input_file(path, "an IDX file");
        errno = 0;
        m_file = gzopen(path.c_str(), "rb");
        if (!m_file)
            throw InputError(path + ": cannot open (" +
                             (errno ? std::string(std::strerror(errno)) : "out of memory") + ")");
    }
    ~GzReader() {
        if (m_file) gzclose(m_file);
    }
    GzReader(const GzReader&) = delete;
    GzReader& operator=(const GzReader&) = delete;

    /// Read up to @p n bytes; returns how many arrived (fewer only at the end of the data).
    std::size_t read_some(void* dst, std::size_t n) {
        auto* out = static_cast<unsigned char*>(dst);
        std::size_t done = 0;
        while (done < n) {
            const auto want = static_cast<unsigned>(std::min(n - done, chunk_bytes));
            const int got = gzread(m_file, out + done, want);
            if (got < 0) {
                int code = 0;
                const char* msg = gzerror(m_file, &code);
                throw InputError(m_path + ": read error after " +
                                 std::to_string(m_consumed + done) + " bytes (" +
                                 (msg ? msg : "unknown zlib error") + ")");
            }
            if (got == 0) break;
            done += static_cast<std::size_t>(got);
        }
        m_consumed += done;
        // A gzip stream cut short reads as a short count plus an error flag.
        int code = Z_OK;
        const char* msg = gzerror(m_file, &code);
        if (done < n && code != Z_OK && code != Z_STREAM_END)
            throw InputError(m_path + ": corrupt or truncated after " + std::to_string(m_consumed) +
                             " bytes (" + (msg ? msg : "zlib error") + ")");
        return done;
    }

    void read_exact(void* dst, std::size_t n, const std::string& what) {
        const std::size_t got = read_some(dst, n);
        if (got < n)
            throw InputError(m_path + ": truncated: " + what + " needs " + std::to_string(n) +
                             " more bytes but the file ends after " + std::to_string(got));
    }

    const std::string& path() const { return m_path; }
    std::size_t consumed() const { return m_consumed; }

private:
    std::string m_path;
    gzFile m_file = nullptr;
    std::size_t m_consumed = 0;
};

std::uint32_t big_endian_u32(const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

std::vector<std::uint32_t> read_header(GzReader& in, int expected_dims, const char* kind) {
    unsigned char magic[4];
    const std::size_t got = in.read_some(magic, 4);
    if (got < 4)
        throw InputError(in.path() + ": truncated: " + std::to_string(got) +
                         " bytes, too short for an IDX header");
    if (magic[0] != 0 || magic[1] != 0)
        throw InputError(in.path() + ": not an IDX file (the magic number must start with two "
                                     "zero bytes)");
    if (magic[2] != idx_ubyte) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", magic[2]);
        throw InputError(in.path() + ": IDX data type " + hex +
                         " is not supported; expected 0x08 (unsigned byte)");
    }
    if (magic[3] != expected_dims)
        throw InputError(in.path() + ": an IDX " + kind + " file has " +
                         std::to_string(expected_dims) + " dimension(s), this one has " +
                         std::to_string(magic[3]));
    std::vector<std::uint32_t> dims(static_cast<std::size_t>(expected_dims));
    unsigned char raw[4];
    for (auto& d : dims) {
        in.read_exact(raw, 4, "the header");
        d = big_endian_u32(raw);
    }
    return dims;
}

void skip(GzReader& in, std::size_t bytes, const std::string& what) {
    std::vector<unsigned char> sink(std::min(bytes, chunk_bytes));
    while (bytes > 0) {
        const std::size_t n = std::min(bytes, sink.size());
        in.read_exact(sink.data(), n, what);
        bytes -= n;
    }
}

class GzWriter {
public:
    // Written to a temporary sibling and renamed over @p path by close(), like every file the
    // project writes (see core/files.h): a reader never sees half a file.
    explicit GzWriter(const std::string& path)
        : m_path(path), m_tmp(path + ".tmp." + std::to_string(::getpid())) {
        m_fd = ::open(m_tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (m_fd < 0) throw InputError(path + ": cannot create (" + std::strerror(errno) + ")");
        // "T" writes plain bytes through the same interface. zlib closes its own copy.
        m_file = gzdopen(::dup(m_fd), ends_with(path, ".gz") ? "wb" : "wbT");
        if (!m_file) {
            discard();
            throw InputError(path + ": cannot create (out of memory)");
        }
    }
    ~GzWriter() {
        if (m_file) gzclose(m_file);
        if (m_fd >= 0) discard();
    }
    GzWriter(const GzWriter&) = delete;
    GzWriter& operator=(const GzWriter&) = delete;

    void write(const void* src, std::size_t n) {
        const auto* p = static_cast<const unsigned char*>(src);
        while (n > 0) {
            const auto part = static_cast<unsigned>(std::min(n, chunk_bytes));
            if (gzwrite(m_file, p, part) != static_cast<int>(part))
                throw InputError(m_path + ": write failed (is the disk full?)");
            p += part;
            n -= part;
        }
    }
    void write_u32(std::uint32_t v) {
        const unsigned char b[4] = {
            static_cast<unsigned char>(v >> 24), static_cast<unsigned char>(v >> 16),
            static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v)};
        write(b, 4);
    }
    void close() {
        const int rc = gzclose(m_file);
        m_file = nullptr;
        if (rc != Z_OK) {
            discard();
            throw InputError(m_path + ": write failed on close (is the disk full?)");
        }
        const bool synced = ::fsync(m_fd) == 0;
        const int err = errno;
        ::close(m_fd);
        m_fd = -1;
        if (!synced || ::rename(m_tmp.c_str(), m_path.c_str()) != 0) {
            ::unlink(m_tmp.c_str());
            throw InputError(m_path + ": write failed: " + std::strerror(synced ? errno : err));
        }
    }

private:
    void discard() {
        ::close(m_fd);
        m_fd = -1;
        ::unlink(m_tmp.c_str());
    }

    std::string m_path, m_tmp;
    int m_fd = -1;
    gzFile m_file = nullptr;
};

// Run @p f; an InputError it throws becomes a DatasetError blaming @p part.
template <class F> auto blaming(DatasetError::Part part, F&& f) {
    try {
        return f();
    } catch (const DatasetError&) {
        throw;
    } catch (const InputError& e) {
        throw DatasetError(part, e.what());
    }
}

} // namespace

Dataset load_idx(const std::string& images_path, const std::string& labels_path, std::size_t limit,
                 std::size_t offset) {
    using Part = DatasetError::Part;
    std::unique_ptr<GzReader> images;
    const auto dims = blaming(Part::images, [&] {
        images = std::make_unique<GzReader>(images_path);
        return read_header(*images, 3, "image");
    });
    const std::uint32_t count = dims[0];
    if (count > static_cast<std::uint32_t>(INT_MAX))
        throw DatasetError(Part::images, images_path + ": header claims " + std::to_string(count) +
                                             " images, more than this reader supports");
    if (dims[1] == 0 || dims[2] == 0 || dims[1] > max_side || dims[2] > max_side ||
        std::size_t{dims[1]} * dims[2] > max_image_size)
        throw DatasetError(Part::images, images_path + ": implausible image size " +
                                             std::to_string(dims[1]) + " x " +
                                             std::to_string(dims[2]) + " in the header");

    std::unique_ptr<GzReader> labels;
    if (!labels_path.empty()) {
        const auto ldims = blaming(Part::labels, [&] {
            labels = std::make_unique<GzReader>(labels_path);
            return read_header(*labels, 1, "label");
        });
        if (ldims[0] != count)
            throw DatasetError(Part::labels, labels_path + ": holds " + std::to_string(ldims[0]) +
                                                 " labels but " + images_path + " holds " +
                                                 std::to_string(count) + " images");
    }
    if (offset > 0 && offset >= count)
        throw DatasetError(Part::offset, "offset " + std::to_string(offset) + " skips past all " +
                                             std::to_string(count) + " images of " + images_path);

    const std::size_t available = count - offset;
    const std::size_t n = limit == 0 ? available : std::min(limit, available);
    const std::size_t image_size = std::size_t{dims[1]} * dims[2];

    Dataset out;
    out.height = static_cast<int>(dims[1]);
    out.width = static_cast<int>(dims[2]);

    blaming(Part::images, [&] {
        skip(*images, offset * image_size, "skipping " + std::to_string(offset) + " images");
        // Read in bounded chunks and grow as data arrives: the header's count is a claim, not
        // a promise, and must not drive one huge allocation.
        const std::size_t per_chunk = std::max<std::size_t>(1, chunk_bytes / image_size);
        out.pixels.reserve(std::min(n * image_size, std::size_t{1} << 26));
        std::vector<unsigned char> buf;
        for (std::size_t done = 0; done < n;) {
            const std::size_t k = std::min(per_chunk, n - done);
            buf.resize(k * image_size);
            const std::size_t got = images->read_some(buf.data(), buf.size());
            if (got < buf.size())
                throw InputError(images_path + ": truncated: the header promises " +
                                 std::to_string(count) + " images of " +
                                 std::to_string(image_size) + " bytes but the data ends within " +
                                 "image " + std::to_string(offset + done + got / image_size));
            for (unsigned char b : buf)
                out.pixels.push_back(static_cast<float>(b) / 255.0f);
            done += k;
        }
        return 0;
    });
    out.count = static_cast<int>(n);

    if (labels) {
        blaming(Part::labels, [&] {
            skip(*labels, offset, "skipping " + std::to_string(offset) + " labels");
            std::vector<unsigned char> raw;
            out.labels.reserve(std::min(n, chunk_bytes));
            for (std::size_t done = 0; done < n;) {
                const std::size_t k = std::min(chunk_bytes, n - done);
                raw.resize(k);
                const std::size_t got = labels->read_some(raw.data(), k);
                if (got < k)
                    throw InputError(labels_path + ": truncated: the header promises " +
                                     std::to_string(count) + " labels but the data ends after " +
                                     std::to_string(offset + done + got));
                out.labels.insert(out.labels.end(), raw.begin(), raw.end());
                done += k;
            }
            return 0;
        });
    }
    return out;
}

void write_idx_images(const std::string& path, int count, int height, int width,
                      const std::vector<std::uint8_t>& bytes) {
    if (count < 0 || height <= 0 || width <= 0)
        throw InputError(path + ": cannot write " + std::to_string(count) + " images of " +
                         std::to_string(height) + " x " + std::to_string(width));
    const std::size_t expected =
        static_cast<std::size_t>(count) * static_cast<std::size_t>(height) * width;
    if (bytes.size() != expected)
        throw InputError(path + ": " + std::to_string(count) + " images of " +
                         std::to_string(height) + " x " + std::to_string(width) + " need " +
                         std::to_string(expected) + " bytes, got " + std::to_string(bytes.size()));
    GzWriter out(path);
    const unsigned char magic[4] = {0, 0, idx_ubyte, 3};
    out.write(magic, 4);
    out.write_u32(static_cast<std::uint32_t>(count));
    out.write_u32(static_cast<std::uint32_t>(height));
    out.write_u32(static_cast<std::uint32_t>(width));
    out.write(bytes.data(), bytes.size());
    out.close();
}

void write_idx_labels(const std::string& path, const std::vector<std::uint8_t>& labels) {
    if (labels.size() > static_cast<std::size_t>(INT_MAX))
        throw InputError(path + ": too many labels for an IDX file");
    GzWriter out(path);
    const unsigned char magic[4] = {0, 0, idx_ubyte, 1};
    out.write(magic, 4);
    out.write_u32(static_cast<std::uint32_t>(labels.size()));
    out.write(labels.data(), labels.size());
    out.close();
}

IdxShape idx_image_shape(const std::string& images_path) {
    GzReader in(images_path);
    const std::vector<std::uint32_t> dims = read_header(in, 3, "image");
    return IdxShape{dims[0], dims[1], dims[2]};
}

namespace {

/// One output index's share of the input: which input pixels it covers and by what weight.
struct AreaSpan {
    int first = 0;
    std::vector<float> weights; ///< for inputs first, first + 1, ...; they sum to 1
};

/// Output pixel o covers the input interval [o * in / out, (o + 1) * in / out); each input
/// pixel i is the interval [i, i + 1) and counts by the length of the overlap.
std::vector<AreaSpan> area_spans(int in, int out) {
    std::vector<AreaSpan> spans(static_cast<std::size_t>(out));
    const double scale = static_cast<double>(in) / out;
    for (int o = 0; o < out; ++o) {
        // From integer products, so borders that fall on a pixel edge land on it exactly.
        const double lo = static_cast<double>(std::int64_t{o} * in) / out;
        const double hi = static_cast<double>(std::int64_t{o + 1} * in) / out;
        AreaSpan& s = spans[static_cast<std::size_t>(o)];
        s.first = static_cast<int>(std::floor(lo));
        const int last = std::min(in - 1, static_cast<int>(std::ceil(hi)) - 1);
        for (int i = s.first; i <= last; ++i) {
            const double overlap = std::min(hi, i + 1.0) - std::max(lo, static_cast<double>(i));
            s.weights.push_back(static_cast<float>(std::max(0.0, overlap) / scale));
        }
    }
    return spans;
}

constexpr int max_resize_side = 1 << 16;

} // namespace

Dataset resize_images(const Dataset& data, int height, int width) {
    if (height < 1 || height > max_resize_side || width < 1 || width > max_resize_side ||
        std::int64_t{height} * width > max_image_pixels)
        throw InputError("resize to " + std::to_string(height) + "x" + std::to_string(width) +
                         ": each side must be in [1, " + std::to_string(max_resize_side) +
                         "] and the image at most " + std::to_string(max_image_pixels) + " pixels");
    if (data.height < 1 || data.width < 1)
        throw InputError("resize: the images are " + std::to_string(data.height) + "x" +
                         std::to_string(data.width));
    if (data.channels > 1) {
        // Channel by channel: each plane is resized as an image of its own.
        Dataset planes = data;
        planes.count = data.count * data.channels;
        planes.channels = 1;
        planes.labels.clear();
        Dataset out = resize_images(planes, height, width);
        out.count = data.count;
        out.channels = data.channels;
        out.labels = data.labels;
        return out;
    }
    Dataset out;
    out.count = data.count;
    out.height = height;
    out.width = width;
    out.labels = data.labels;
    out.pixels.assign(static_cast<std::size_t>(data.count) * out.image_size(), 0.0f);
    const auto rows = area_spans(data.height, height);
    const auto cols = area_spans(data.width, width);
    // Separable: average along each row first, then down the columns.
    std::vector<float> narrowed(static_cast<std::size_t>(data.height) * width);
    for (int n = 0; n < data.count; ++n) {
        const float* src = data.image(n);
        for (int y = 0; y < data.height; ++y)
            for (int x = 0; x < width; ++x) {
                const AreaSpan& s = cols[static_cast<std::size_t>(x)];
                float sum = 0.0f;
                for (std::size_t k = 0; k < s.weights.size(); ++k)
                    sum += s.weights[k] * src[y * data.width + s.first + static_cast<int>(k)];
                narrowed[static_cast<std::size_t>(y) * width + x] = sum;
            }
        float* dst = out.pixels.data() + static_cast<std::size_t>(n) * out.image_size();
        for (int y = 0; y < height; ++y) {
            const AreaSpan& s = rows[static_cast<std::size_t>(y)];
            for (int x = 0; x < width; ++x) {
                float sum = 0.0f;
                for (std::size_t k = 0; k < s.weights.size(); ++k)
                    sum +=
                        s.weights[k] *
                        narrowed[static_cast<std::size_t>(s.first + static_cast<int>(k)) * width +
                                 x];
                dst[y * width + x] = sum;
            }
        }
    }
    return out;
}

Dataset load_npy_images(const std::string& images_path, const std::string& labels_path,
                        std::size_t limit, std::size_t offset) {
    using Part = DatasetError::Part;
    NpyInfo info;
    try {
        info = read_npy_header(images_path);
    } catch (const InputError& e) {
        throw DatasetError(Part::images, e.what());
    }
    const std::vector<std::size_t>& shape = info.shape;
    if (shape.size() != 3 && shape.size() != 4)
        throw DatasetError(Part::images,
                           images_path +
                               ": expected images of [count, height, width] or [count, "
                               "channels, height, width], found a " +
                               std::to_string(shape.size()) + "-D array");
    const std::size_t count = shape[0];
    const std::size_t channels = shape.size() == 4 ? shape[1] : 1;
    const std::size_t height = shape[shape.size() - 2], width = shape.back();
    if (channels < 1 || height < 1 || width < 1 ||
        channels * height * width > static_cast<std::size_t>(max_image_pixels))
        throw DatasetError(Part::images, images_path + ": images of " + std::to_string(channels) +
                                             "x" + std::to_string(height) + "x" +
                                             std::to_string(width) +
                                             " (each side at least 1, at most " +
                                             std::to_string(max_image_pixels) + " values)");
    if (offset >= count)
        throw DatasetError(Part::offset, images_path + " holds " + std::to_string(count) +
                                             " images; the offset skips " + std::to_string(offset));
    NpyArray a;
    try {
        a = read_npy(images_path);
    } catch (const InputError& e) {
        throw DatasetError(Part::images, e.what());
    }
    const bool bytes = info.descr.size() >= 2 && info.descr.substr(1) == "u1";
    const std::size_t size = channels * height * width;
    const std::size_t n = limit > 0 ? std::min(limit, count - offset) : count - offset;
    Dataset out;
    out.count = static_cast<int>(n);
    out.channels = static_cast<int>(channels);
    out.height = static_cast<int>(height);
    out.width = static_cast<int>(width);
    out.pixels.assign(a.data.begin() + static_cast<std::ptrdiff_t>(offset * size),
                      a.data.begin() + static_cast<std::ptrdiff_t>((offset + n) * size));
    for (std::size_t i = 0; i < out.pixels.size(); ++i) {
        float& v = out.pixels[i];
        if (!std::isfinite(v))
            throw DatasetError(Part::images, images_path + ": a non-finite value in image " +
                                                 std::to_string(offset + i / size));
        if (bytes) v /= 255.0f;
    }
    if (labels_path.empty()) return out;
    NpyArray l;
    try {
        l = read_npy(labels_path);
    } catch (const InputError& e) {
        throw DatasetError(Part::labels, e.what());
    }
    if (l.shape != std::vector<std::size_t>{count})
        throw DatasetError(Part::labels,
                           labels_path + ": expected " + std::to_string(count) +
                               " labels (one per image, a 1-D array), found shape of " +
                               std::to_string(l.shape.size()) + " dimensions and " +
                               std::to_string(l.data.size()) + " values");
    for (std::size_t i = offset; i < offset + n; ++i) {
        const float v = l.data[i];
        if (!(v >= 0.0f) || v != std::floor(v) || v > 1e6f)
            throw DatasetError(Part::labels, labels_path + ": label " + std::to_string(i) + " is " +
                                                 std::to_string(v) +
                                                 ", not a class number (0, 1, 2, ...)");
        out.labels.push_back(static_cast<int>(v));
    }
    return out;
}

Dataset random_images(int count, int channels, int height, int width, double zero_fraction,
                      std::uint64_t seed) {
    if (count < 1 || channels < 1 || height < 1 || width < 1 ||
        std::int64_t{channels} * height * width > max_image_pixels)
        throw InputError("random images of " + std::to_string(count) + " x " +
                         std::to_string(channels) + "x" + std::to_string(height) + "x" +
                         std::to_string(width) +
                         ": every size must be at least 1 and an image at "
                         "most " +
                         std::to_string(max_image_pixels) + " values");
    if (!(zero_fraction >= 0.0 && zero_fraction <= 1.0))
        throw InputError("random images: a zero fraction of " + std::to_string(zero_fraction) +
                         ", not in [0, 1]");
    Dataset out;
    out.count = count;
    out.channels = channels;
    out.height = height;
    out.width = width;
    out.pixels.resize(static_cast<std::size_t>(count) * out.image_size());
    RngStream rng(seed, "random-images");
    for (float& v : out.pixels)
        v = rng.uniform() < zero_fraction ? 0.0f : static_cast<float>(1.0 - rng.uniform());
    return out;
}

void binarize_images(Dataset& data, float threshold, float low, float high) {
    if (!std::isfinite(threshold))
        throw InputError("binarize threshold " + std::to_string(threshold) +
                         ": must be a finite number");
    if (!std::isfinite(low) || !std::isfinite(high) || !(low < high))
        throw InputError("binarize levels low " + std::to_string(low) + ", high " +
                         std::to_string(high) + ": must be finite, low below high");
    for (float& v : data.pixels)
        v = v > threshold ? high : low;
}

void preprocess(Dataset& data, const ImagePreprocessing& p) {
    if (p.resizes()) data = resize_images(data, p.resize_height, p.resize_width);
    if (p.binarize) binarize_images(data, p.threshold, p.low, p.high);
}

std::string describe(const ImagePreprocessing& p) {
    std::string out;
    if (p.resizes())
        out = "resize " + std::to_string(p.resize_height) + "x" + std::to_string(p.resize_width) +
              " (area average)";
    if (p.binarize) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "binarize > %g -> {%g, %g}", p.threshold, p.low, p.high);
        out += (out.empty() ? "" : ", ") + std::string(buf);
    }
    return out.empty() ? "none" : out;
}

void add_preprocessing_params(ParamTable& table, const std::string& prefix) {
    table
        .integer(prefix + "resize.height", 0,
                 "resize the images to this many rows by area averaging; 0 = keep", 0,
                 max_resize_side)
        .integer(prefix + "resize.width", 0,
                 "resize the images to this many columns by area averaging; 0 = keep", 0,
                 max_resize_side)
        .number(prefix + "binarize.threshold", Unit::none, json(),
                "binarize: a pixel (0..1, after resizing) above it becomes binarize.high, any "
                "other binarize.low; absent = no binarizing",
                0.0, 1.0)
        .optional()
        // The levels are optional rather than defaulted: the effective configuration would
        // otherwise write them without a threshold, which a reload refuses.
        .number(prefix + "binarize.low", Unit::none, json(),
                "binarize: the level of a pixel at or below the threshold (default 0)", -1e6, 1e6)
        .optional()
        .number(prefix + "binarize.high", Unit::none, json(),
                "binarize: the level of a pixel above the threshold (default 1)", -1e6, 1e6)
        .optional();
}

ImagePreprocessing preprocessing_from(const Params& p, const std::string& prefix) {
    ImagePreprocessing out;
    const std::string h = prefix + "resize.height", w = prefix + "resize.width";
    out.resize_height = static_cast<int>(p.integer(h));
    out.resize_width = static_cast<int>(p.integer(w));
    if ((out.resize_height == 0) != (out.resize_width == 0)) {
        const std::string& zero = out.resize_height == 0 ? h : w;
        p.fail(zero, "both resize.height and resize.width, or neither", "only the other one");
    }
    if (std::int64_t{out.resize_height} * out.resize_width > max_image_pixels)
        p.fail(w,
               "an image of at most " + std::to_string(max_image_pixels) + " pixels (" +
                   std::to_string(out.resize_height) + " rows)",
               describe_json(p.raw(w)) + " columns");
    const std::string t = prefix + "binarize.threshold", lo = prefix + "binarize.low",
                      hi = prefix + "binarize.high";
    out.binarize = p.present(t);
    if (!out.binarize) {
        if (p.present(lo) || p.present(hi))
            p.fail(t, "a threshold when binarize.low or binarize.high is given",
                   "levels without a threshold");
        return out;
    }
    out.threshold = static_cast<float>(p.number(t));
    if (p.present(lo)) out.low = static_cast<float>(p.number(lo));
    if (p.present(hi)) out.high = static_cast<float>(p.number(hi));
    if (!(out.low < out.high))
        p.fail(p.present(hi) ? hi : lo,
               "binarize.low below binarize.high (" + std::to_string(out.low) + ", " +
                   std::to_string(out.high) + ")",
               "levels the other way round");
    return out;
}

std::string default_fashion_mnist_dir() {
    return "/usr/share/datasets/fashion-mnist";
}

} // namespace neurotlm
