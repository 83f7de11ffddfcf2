#include "neurotlm/workloads/npy.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"

namespace neurotlm {

namespace {

const char npy_magic[] = "\x93NUMPY";
constexpr std::size_t magic_size = 6;
// No weight file comes close; a shape beyond this is corruption, caught before allocating.
constexpr std::uint64_t max_elements = std::uint64_t{1} << 40;

/// A value of the Python dict literal that forms a .npy header.
struct PyValue {
    enum class Kind { string, boolean, tuple } kind = Kind::string;
    std::string text;
    bool flag = false;
    std::vector<std::uint64_t> items;
};

/// Recursive-descent reader for the subset of Python literals that numpy writes in headers.
class HeaderParser {
public:
    HeaderParser(const std::string& text, const std::string& path) : m_s(text), m_path(path) {}

    std::vector<std::pair<std::string, PyValue>> dict() {
        std::vector<std::pair<std::string, PyValue>> out;
        expect('{');
        while (true) {
            skip_space();
            if (peek() == '}') {
                ++m_pos;
                break;
            }
            std::string key = string_literal();
            expect(':');
            PyValue value = this->value();
            for (const auto& kv : out)
                if (kv.first == key) fail("repeats the key '" + key + "'");
            out.emplace_back(std::move(key), std::move(value));
            skip_space();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            expect('}');
            break;
        }
        skip_space();
        if (m_pos != m_s.size()) fail("has text after the closing brace");
        return out;
    }

private:
    [[noreturn]] void fail(const std::string& why) const {
        throw InputError(m_path + ": malformed .npy header: it " + why +
                         " (header: " + printable() + ")");
    }
    std::string printable() const {
        std::string t;
        for (char c : m_s.substr(0, 120))
            t += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
        return t;
    }
    void skip_space() {
        while (m_pos < m_s.size() && std::isspace(static_cast<unsigned char>(m_s[m_pos])))
            ++m_pos;
    }
    char peek() const { return m_pos < m_s.size() ? m_s[m_pos] : '\0'; }
    void expect(char c) {
        skip_space();
        if (peek() != c) fail(std::string("lacks '") + c + "' at offset " + std::to_string(m_pos));
        ++m_pos;
    }
    std::string string_literal() {
        skip_space();
        const char quote = peek();
        if (quote != '\'' && quote != '"') fail("has a key or value that is not a quoted string");
        ++m_pos;
        std::string out;
        while (m_pos < m_s.size() && m_s[m_pos] != quote)
            out += m_s[m_pos++];
        if (m_pos >= m_s.size()) fail("has an unterminated string");
        ++m_pos;
        return out;
    }
    std::uint64_t integer() {
        skip_space();
        if (!std::isdigit(static_cast<unsigned char>(peek())))
            fail("has a shape entry that is not a non-negative integer");
        std::uint64_t v = 0;
        while (std::isdigit(static_cast<unsigned char>(peek()))) {
            const auto digit = static_cast<std::uint64_t>(m_s[m_pos++] - '0');
            if (v > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
                fail("has a shape entry too large to represent");
            v = v * 10 + digit;
        }
        if (peek() == 'L') ++m_pos; // Python 2 long literals
        return v;
    }
    PyValue value() {
        skip_space();
        PyValue v;
        const char c = peek();
        if (c == '\'' || c == '"') {
            v.kind = PyValue::Kind::string;
            v.text = string_literal();
        } else if (m_s.compare(m_pos, 4, "True") == 0) {
            v.kind = PyValue::Kind::boolean;
            v.flag = true;
            m_pos += 4;
        } else if (m_s.compare(m_pos, 5, "False") == 0) {
            v.kind = PyValue::Kind::boolean;
            m_pos += 5;
        } else if (c == '(') {
            v.kind = PyValue::Kind::tuple;
            ++m_pos;
            skip_space();
            while (peek() != ')') {
                v.items.push_back(integer());
                skip_space();
                if (peek() == ',') {
                    ++m_pos;
                    skip_space();
                } else if (peek() != ')') {
                    fail("has a shape tuple that is not closed");
                }
            }
            ++m_pos;
        } else if (c == '[') {
            throw InputError(m_path + ": structured (record) dtypes are not supported");
        } else {
            fail("has a value that is not a string, True, False or a tuple of integers");
        }
        return v;
    }

    const std::string& m_s;
    const std::string& m_path;
    std::size_t m_pos = 0;
};

struct Dtype {
    char kind = 'f'; // f, i, u, b
    int bytes = 4;
    bool big_endian = false;
};

Dtype parse_descr(const std::string& descr, const std::string& path) {
    auto unsupported = [&]() -> InputError {
        return InputError(path + ": unsupported dtype '" + descr +
                          "'; supported: f2, f4, f8, i1-i8, u1-u8, b1 in either byte order");
    };
    if (descr.size() < 3) throw unsupported();
    Dtype d;
    const char order = descr[0];
    if (order == '>') {
        d.big_endian = true;
    } else if (order == '=') {
        const std::uint16_t probe = 1;
        unsigned char first;
        std::memcpy(&first, &probe, 1);
        d.big_endian = first == 0;
    } else if (order != '<' && order != '|') {
        throw unsupported();
    }
    d.kind = descr[1];
    const std::string size = descr.substr(2);
    if (size == "1")
        d.bytes = 1;
    else if (size == "2")
        d.bytes = 2;
    else if (size == "4")
        d.bytes = 4;
    else if (size == "8")
        d.bytes = 8;
    else
        throw unsupported();
    const bool ok = (d.kind == 'f' && d.bytes >= 2) || d.kind == 'i' || d.kind == 'u' ||
                    (d.kind == 'b' && d.bytes == 1);
    if (!ok) throw unsupported();
    return d;
}

float half_to_float(std::uint16_t h) {
    const int sign = (h >> 15) & 1;
    const int exponent = (h >> 10) & 0x1f;
    const int mantissa = h & 0x3ff;
    float magnitude;
    if (exponent == 0)
        magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    else if (exponent == 31)
        magnitude = mantissa ? std::numeric_limits<float>::quiet_NaN()
                             : std::numeric_limits<float>::infinity();
    else
        magnitude = std::ldexp(static_cast<float>(mantissa | 0x400), exponent - 25);
    return sign ? -magnitude : magnitude;
}

/// Decode one element; assembling the integer arithmetically keeps this host-endian agnostic.
float decode(const unsigned char* p, const Dtype& d) {
    std::uint64_t bits = 0;
    for (int k = 0; k < d.bytes; ++k) {
        const int src = d.big_endian ? d.bytes - 1 - k : k;
        bits |= std::uint64_t{p[src]} << (8 * k);
    }
    switch (d.kind) {
    case 'f':
        if (d.bytes == 2) return half_to_float(static_cast<std::uint16_t>(bits));
        if (d.bytes == 4) {
            const auto u = static_cast<std::uint32_t>(bits);
            float f;
            std::memcpy(&f, &u, 4);
            return f;
        } else {
            double x;
            std::memcpy(&x, &bits, 8);
            return static_cast<float>(x);
        }
    case 'i': {
        const int shift = 64 - 8 * d.bytes;
        const auto v = static_cast<std::int64_t>(bits << shift) >> shift;
        return static_cast<float>(v);
    }
    case 'b': return bits ? 1.0f : 0.0f;
    default: return static_cast<float>(bits);
    }
}

std::uint32_t little_u32(const unsigned char* p) {
    return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
           (std::uint32_t{p[3]} << 24);
}

std::string shape_text(const std::vector<std::uint64_t>& shape) {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i) s += ", ";
        s += std::to_string(shape[i]);
    }
    if (shape.size() == 1) s += ",";
    return s + ")";
}

} // namespace

std::size_t NpyArray::size() const {
    std::size_t n = 1;
    for (auto d : shape)
        n *= d;
    return n;
}

namespace {

/// The header of the open file @p in; leaves the stream at the first data byte.
NpyInfo read_header(std::ifstream& in, const std::string& path) {
    in.seekg(0, std::ios::end);
    const auto file_size = static_cast<std::uint64_t>(in.tellg());
    in.seekg(0);

    unsigned char prefix[12];
    const std::uint64_t prefix_read = std::min<std::uint64_t>(file_size, sizeof prefix);
    in.read(reinterpret_cast<char*>(prefix), static_cast<std::streamsize>(prefix_read));
    if (prefix_read < 10 || std::memcmp(prefix, npy_magic, magic_size) != 0) {
        if (prefix_read >= magic_size && std::memcmp(prefix, npy_magic, magic_size) == 0)
            throw InputError(path + ": truncated: the file ends inside the .npy preamble");
        throw InputError(path + ": not a .npy file (bad magic; expected \\x93NUMPY)");
    }
    const int major = prefix[6];
    std::uint64_t header_len;
    std::uint64_t header_start;
    if (major == 1) {
        header_len = std::uint64_t{prefix[8]} | (std::uint64_t{prefix[9]} << 8);
        header_start = 10;
    } else if (major == 2 || major == 3) {
        if (prefix_read < 12)
            throw InputError(path + ": truncated: the file ends inside the .npy preamble");
        header_len = little_u32(prefix + 8);
        header_start = 12;
    } else {
        throw InputError(path + ": .npy format version " + std::to_string(major) + "." +
                         std::to_string(prefix[7]) + " is not supported (1, 2 and 3 are)");
    }
    if (header_start + header_len > file_size)
        throw InputError(path + ": truncated: the header claims " + std::to_string(header_len) +
                         " bytes but the file has " + std::to_string(file_size - header_start) +
                         " after the preamble");

    std::string header(static_cast<std::size_t>(header_len), '\0');
    in.seekg(static_cast<std::streamoff>(header_start));
    in.read(header.data(), static_cast<std::streamsize>(header_len));
    if (!in) throw InputError(path + ": read error in the .npy header");

    std::string descr;
    bool fortran = false;
    std::vector<std::uint64_t> shape;
    bool have_descr = false, have_order = false, have_shape = false;
    for (auto& [key, value] : HeaderParser(header, path).dict()) {
        if (key == "descr" && value.kind == PyValue::Kind::string) {
            descr = value.text;
            have_descr = true;
        } else if (key == "fortran_order" && value.kind == PyValue::Kind::boolean) {
            fortran = value.flag;
            have_order = true;
        } else if (key == "shape" && value.kind == PyValue::Kind::tuple) {
            shape = value.items;
            have_shape = true;
        } else {
            throw InputError(path + ": .npy header key '" + key +
                             "' is unknown or has the wrong type");
        }
    }
    if (!have_descr || !have_order || !have_shape)
        throw InputError(path + ": .npy header lacks one of 'descr', 'fortran_order', 'shape'");
    const Dtype dtype = parse_descr(descr, path);

    std::uint64_t count = 1;
    for (auto d : shape) {
        if (d != 0 && count > max_elements / d)
            throw InputError(path + ": shape " + shape_text(shape) + " is absurdly large");
        count *= d;
    }
    const std::uint64_t data_bytes = count * static_cast<std::uint64_t>(dtype.bytes);
    const std::uint64_t have = file_size - header_start - header_len;
    if (data_bytes != have)
        throw InputError(path + ": shape " + shape_text(shape) + " of " + descr + " needs " +
                         std::to_string(data_bytes) + " data bytes but the file holds " +
                         std::to_string(have) +
                         (data_bytes > have ? " (truncated)" : " (trailing data)"));
    NpyInfo info;
    info.shape.assign(shape.begin(), shape.end());
    info.item_bytes = static_cast<std::size_t>(dtype.bytes);
    info.fortran = fortran;
    info.descr = descr;
    return info;
}

} // namespace

std::size_t NpyInfo::size() const {
    std::size_t n = 1;
    for (auto d : shape)
        n *= d;
    return n;
}

NpyInfo read_npy_header(const std::string& path) {
    check_input_file(path, "an .npy array");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(printable(path) + ": cannot open (" + std::strerror(errno) + ")");
    return read_header(in, path);
}

NpyArray read_npy(const std::string& path) {
    check_input_file(path, "an .npy array");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(printable(path) + ": cannot open (" + std::strerror(errno) + ")");
    const NpyInfo info = read_header(in, path);
    const Dtype dtype = parse_descr(info.descr, path);
    const bool fortran = info.fortran;
    const std::vector<std::size_t>& shape = info.shape;
    const std::size_t count = info.size();
    const std::uint64_t data_bytes = count * static_cast<std::uint64_t>(dtype.bytes);

    std::vector<unsigned char> raw(static_cast<std::size_t>(data_bytes));
    in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(data_bytes));
    if (!in) throw InputError(path + ": read error in the .npy data");

    NpyArray out;
    out.shape.assign(shape.begin(), shape.end());
    out.data.resize(static_cast<std::size_t>(count));
    if (!fortran || shape.size() < 2) {
        for (std::size_t i = 0; i < out.data.size(); ++i)
            out.data[i] = decode(raw.data() + i * dtype.bytes, dtype);
        return out;
    }
    // Walk the file in Fortran order (first index fastest) and scatter into C order.
    const std::size_t rank = shape.size();
    std::vector<std::size_t> c_stride(rank, 1);
    for (std::size_t k = rank - 1; k > 0; --k)
        c_stride[k - 1] = c_stride[k] * shape[k];
    std::vector<std::size_t> index(rank, 0);
    std::size_t c_offset = 0;
    for (std::size_t f = 0; f < out.data.size(); ++f) {
        out.data[c_offset] = decode(raw.data() + f * dtype.bytes, dtype);
        for (std::size_t k = 0; k < rank; ++k) {
            if (++index[k] < shape[k]) {
                c_offset += c_stride[k];
                break;
            }
            c_offset -= (index[k] - 1) * c_stride[k];
            index[k] = 0;
        }
    }
    return out;
}

void write_npy(const std::string& path, const NpyArray& array) {
    std::uint64_t count = 1;
    for (auto d : array.shape) {
        if (d != 0 && count > max_elements / d)
            throw InputError(path + ": cannot write an array with an absurd shape");
        count *= d;
    }
    if (count != array.data.size())
        throw InputError(path + ": array shape " +
                         shape_text({array.shape.begin(), array.shape.end()}) + " holds " +
                         std::to_string(count) + " elements but the data has " +
                         std::to_string(array.data.size()));

    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " +
                         shape_text({array.shape.begin(), array.shape.end()}) + ", }";
    // numpy aligns the data to 64 bytes and ends the header with a newline.
    const std::size_t unpadded = magic_size + 4 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header += '\n';
    if (header.size() > 0xffff) throw InputError(path + ": .npy header too long for version 1");

    std::vector<unsigned char> bytes;
    bytes.reserve(magic_size + 4 + header.size() + array.data.size() * 4);
    bytes.insert(bytes.end(), npy_magic, npy_magic + magic_size);
    bytes.push_back(1);
    bytes.push_back(0);
    bytes.push_back(static_cast<unsigned char>(header.size() & 0xff));
    bytes.push_back(static_cast<unsigned char>(header.size() >> 8));
    bytes.insert(bytes.end(), header.begin(), header.end());
    for (float f : array.data) {
        std::uint32_t u;
        std::memcpy(&u, &f, 4);
        for (int k = 0; k < 4; ++k)
            bytes.push_back(static_cast<unsigned char>(u >> (8 * k)));
    }
    write_file_atomic(path, std::string(bytes.begin(), bytes.end()));
}

} // namespace neurotlm
