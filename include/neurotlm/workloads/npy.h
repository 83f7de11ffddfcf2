#pragma once
/// @file
/// @brief NumPy .npy arrays, read into and written from float32.

#include <cstddef>
#include <string>
#include <vector>

namespace neurotlm {

/// @brief An n-dimensional array of floats in C (row-major) order. An empty shape is a scalar.
struct NpyArray {
    std::vector<std::size_t> shape;
    std::vector<float> data;
    /// Product of the shape (1 for a scalar).
    std::size_t size() const;
};

/// @brief What a .npy file's header says, checked against the file's size: enough to know what
/// reading it will allocate before anything is read.
struct NpyInfo {
    std::vector<std::size_t> shape;
    std::size_t item_bytes = 0; ///< bytes per element in the file
    bool fortran = false;
    std::string descr; ///< the dtype, as written ("<f4")
    /// Product of the shape (1 for a scalar).
    std::size_t size() const;
    /// Bytes read_npy() holds at its peak: the file's data plus the float32 copy.
    double read_bytes() const { return static_cast<double>(size()) * (item_bytes + 4.0); }
};

/// @brief The header of a .npy file, with every check read_npy() makes before it reads the data
/// (throws InputError the same way). Reads only the header.
NpyInfo read_npy_header(const std::string& path);

/// @brief Read a .npy file (format versions 1, 2 and 3).
///
/// Accepts floating point (f2, f4, f8), signed and unsigned integers of 1 to 8 bytes and
/// booleans, in either byte order, and converts them to float. Fortran-ordered arrays are
/// transposed into C order. Throws InputError naming the file and the reason: bad magic, an
/// unparsable header, an unsupported dtype, a shape so large its size overflows, or a shape
/// that disagrees with the number of data bytes (truncated or trailing data). The shape is
/// checked against the file size before anything is allocated.
NpyArray read_npy(const std::string& path);

/// @brief Write @p array as little-endian float32, C order, format version 1.
/// Throws InputError if the data length is not the product of the shape or the file cannot
/// be written.
void write_npy(const std::string& path, const NpyArray& array);

} // namespace neurotlm
