#include "neurotlm/workloads/npy.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"
#include "testing/errors.h"
#include "testing/paths.h"

using neurotlm::testing::error_of;

using namespace neurotlm;

namespace {

/// A .npy file built byte by byte, independent of write_npy.
std::string npy_bytes(const std::string& dict, const std::string& payload, int major = 1) {
    std::string header = dict;
    const std::size_t preamble = major == 1 ? 10 : 12;
    while ((preamble + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    std::string out = "\x93NUMPY";
    out += static_cast<char>(major);
    out += '\0';
    const std::size_t n = header.size();
    out += static_cast<char>(n & 0xff);
    out += static_cast<char>((n >> 8) & 0xff);
    if (major != 1) {
        out += static_cast<char>((n >> 16) & 0xff);
        out += static_cast<char>((n >> 24) & 0xff);
    }
    return out + header + payload;
}

template <typename T> std::string little_endian(const std::vector<T>& values) {
    std::string out;
    for (T v : values) {
        unsigned char b[sizeof(T)];
        std::memcpy(b, &v, sizeof(T)); // the test hosts are little-endian
        out.append(reinterpret_cast<const char*>(b), sizeof(T));
    }
    return out;
}

std::string dict(const std::string& descr, const std::string& shape, bool fortran = false) {
    return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
           ", 'shape': " + shape + ", }";
}

class NpyTest : public ::testing::Test {
protected:
    std::string dir = neurotlm::testing::scratch_dir("npy");
    std::string write(const std::string& name, const std::string& bytes) const {
        const std::string p = dir + "/" + name;
        std::ofstream(p, std::ios::binary) << bytes;
        return p;
    }
};

} // namespace

TEST_F(NpyTest, RoundTrip) {
    for (const auto& shape :
         std::vector<std::vector<std::size_t>>{{}, {5}, {2, 3}, {2, 3, 4}, {0, 3}}) {
        NpyArray a;
        a.shape = shape;
        a.data.resize(a.size());
        for (std::size_t i = 0; i < a.data.size(); ++i)
            a.data[i] = 0.25f * i - 1.5f;
        const std::string p = dir + "/rt.npy";
        write_npy(p, a);
        const NpyArray b = read_npy(p);
        EXPECT_EQ(b.shape, a.shape);
        EXPECT_EQ(b.data, a.data);
    }
    NpyArray special{{3}, {std::numeric_limits<float>::infinity(), -0.0f, 1e-40f}};
    write_npy(dir + "/s.npy", special);
    const NpyArray back = read_npy(dir + "/s.npy");
    EXPECT_EQ(back.data[0], special.data[0]);
    EXPECT_TRUE(std::signbit(back.data[1]));
    EXPECT_EQ(back.data[2], special.data[2]);
}

TEST_F(NpyTest, WrittenHeaderIsAlignedVersionOne) {
    write_npy(dir + "/h.npy", NpyArray{{2, 2}, {1, 2, 3, 4}});
    std::ifstream in(dir + "/h.npy", std::ios::binary);
    std::string all{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    ASSERT_EQ(all.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
    const std::size_t header_len =
        static_cast<unsigned char>(all[8]) | (static_cast<unsigned char>(all[9]) << 8);
    EXPECT_EQ((10 + header_len) % 64, 0u);
    EXPECT_EQ(all[10 + header_len - 1], '\n');
    EXPECT_NE(all.find("'descr': '<f4'"), std::string::npos);
    EXPECT_NE(all.find("'shape': (2, 2)"), std::string::npos);
    EXPECT_EQ(all.size(), 10 + header_len + 16);
}

TEST_F(NpyTest, WriteRejectsShapeDataMismatch) {
    EXPECT_THROW(write_npy(dir + "/bad.npy", NpyArray{{2, 2}, {1, 2, 3}}), InputError);
}

TEST_F(NpyTest, ReadsEveryDtype) {
    const std::vector<float> expect{0, 1, -2, 100};
    const std::vector<float> expect_unsigned{0, 1, 2, 200};
    struct Case {
        std::string descr;
        std::string payload;
        std::vector<float> values;
    };
    const std::vector<Case> cases{
        {"<f4", little_endian<float>({0, 1, -2, 100}), expect},
        {"<f8", little_endian<double>({0, 1, -2, 100}), expect},
        {"<f2", little_endian<std::uint16_t>({0x0000, 0x3c00, 0xc000, 0x5640}), expect},
        {"|i1", little_endian<std::int8_t>({0, 1, -2, 100}), expect},
        {"<i2", little_endian<std::int16_t>({0, 1, -2, 100}), expect},
        {"<i4", little_endian<std::int32_t>({0, 1, -2, 100}), expect},
        {"<i8", little_endian<std::int64_t>({0, 1, -2, 100}), expect},
        {"|u1", little_endian<std::uint8_t>({0, 1, 2, 200}), expect_unsigned},
        {"<u2", little_endian<std::uint16_t>({0, 1, 2, 200}), expect_unsigned},
        {"<u4", little_endian<std::uint32_t>({0, 1, 2, 200}), expect_unsigned},
        {"<u8", little_endian<std::uint64_t>({0, 1, 2, 200}), expect_unsigned},
        {"|b1", little_endian<std::uint8_t>({0, 1, 1, 0}), {0, 1, 1, 0}},
        {"=i4", little_endian<std::int32_t>({0, 1, -2, 100}), expect},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.descr);
        const NpyArray a = read_npy(write("d.npy", npy_bytes(dict(c.descr, "(2, 2)"), c.payload)));
        EXPECT_EQ(a.shape, (std::vector<std::size_t>{2, 2}));
        EXPECT_EQ(a.data, c.values);
    }
}

TEST_F(NpyTest, BigEndianIsConverted) {
    std::string payload;
    for (std::int32_t v : {1, -2}) {
        const auto u = static_cast<std::uint32_t>(v);
        for (int s = 24; s >= 0; s -= 8)
            payload += static_cast<char>((u >> s) & 0xff);
    }
    const NpyArray a = read_npy(write("be.npy", npy_bytes(dict(">i4", "(2,)"), payload)));
    EXPECT_EQ(a.data, (std::vector<float>{1, -2}));

    std::string fpayload;
    std::uint32_t bits;
    const float f = 1.5f;
    std::memcpy(&bits, &f, 4);
    for (int s = 24; s >= 0; s -= 8)
        fpayload += static_cast<char>((bits >> s) & 0xff);
    EXPECT_EQ(read_npy(write("bef.npy", npy_bytes(dict(">f4", "(1,)"), fpayload))).data,
              (std::vector<float>{1.5f}));
}

TEST_F(NpyTest, HeaderVersionsTwoAndThree) {
    for (int major : {2, 3}) {
        const NpyArray a = read_npy(
            write("v.npy", npy_bytes(dict("<f4", "(3,)"), little_endian<float>({1, 2, 3}), major)));
        EXPECT_EQ(a.data, (std::vector<float>{1, 2, 3}));
    }
    // Python 2 era: double quotes, long suffix, no trailing comma.
    const NpyArray a = read_npy(write(
        "py2.npy", npy_bytes("{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (1L, 2L)}",
                             little_endian<float>({7, 8}))));
    EXPECT_EQ(a.shape, (std::vector<std::size_t>{1, 2}));
}

TEST_F(NpyTest, FortranOrderBecomesCOrder) {
    // The 2x3 matrix [[1 2 3] [4 5 6]] stored column by column.
    NpyArray a = read_npy(write(
        "f.npy", npy_bytes(dict("<f4", "(2, 3)", true), little_endian<float>({1, 4, 2, 5, 3, 6}))));
    EXPECT_EQ(a.shape, (std::vector<std::size_t>{2, 3}));
    EXPECT_EQ(a.data, (std::vector<float>{1, 2, 3, 4, 5, 6}));

    // 2x3x2: element [i][j][k] = 100i + 10j + k; Fortran order walks i fastest, then j, then k.
    std::vector<float> fortran;
    for (int k = 0; k < 2; ++k)
        for (int j = 0; j < 3; ++j)
            for (int i = 0; i < 2; ++i)
                fortran.push_back(100.0f * i + 10.0f * j + k);
    a = read_npy(
        write("f3.npy", npy_bytes(dict("<f4", "(2, 3, 2)", true), little_endian(fortran))));
    std::vector<float> c_order;
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j)
            for (int k = 0; k < 2; ++k)
                c_order.push_back(100.0f * i + 10.0f * j + k);
    EXPECT_EQ(a.data, c_order);
}

TEST_F(NpyTest, Truncated) {
    const std::string full = npy_bytes(dict("<f4", "(4,)"), little_endian<float>({1, 2, 3, 4}));
    std::string e = error_of([&] { read_npy(write("t1.npy", full.substr(0, full.size() - 3))); });
    EXPECT_NE(e.find("truncated"), std::string::npos) << e;
    EXPECT_NE(e.find("t1.npy"), std::string::npos) << e;

    e = error_of([&] { read_npy(write("t2.npy", full.substr(0, 30))); });
    EXPECT_NE(e.find("truncated"), std::string::npos) << e;

    e = error_of([&] { read_npy(write("t3.npy", full.substr(0, 8))); });
    EXPECT_NE(e.find("truncated"), std::string::npos) << e;

    e = error_of([&] { read_npy(write("t4.npy", "")); });
    EXPECT_NE(e.find("t4.npy"), std::string::npos) << e;
}

TEST_F(NpyTest, HeaderShapeLargerOrSmallerThanData) {
    std::string e = error_of([&] {
        read_npy(write("big.npy", npy_bytes(dict("<f4", "(3, 3)"), little_endian<float>({1, 2}))));
    });
    EXPECT_NE(e.find("(3, 3)"), std::string::npos) << e;
    EXPECT_NE(e.find("truncated"), std::string::npos) << e;

    e = error_of([&] {
        read_npy(write("small.npy", npy_bytes(dict("<f4", "(1,)"), little_endian<float>({1, 2}))));
    });
    EXPECT_NE(e.find("trailing"), std::string::npos) << e;
}

TEST_F(NpyTest, AbsurdShape) {
    for (const std::string shape :
         {"(4294967296, 4294967296, 4294967296)", "(18446744073709551615,)",
          "(99999999999999999999999,)", "(1099511627777,)"}) {
        SCOPED_TRACE(shape);
        const std::string e = error_of([&] {
            read_npy(write("absurd.npy", npy_bytes(dict("<f4", shape), little_endian<float>({1}))));
        });
        EXPECT_FALSE(e.empty());
        EXPECT_NE(e.find("absurd.npy"), std::string::npos) << e;
    }
}

TEST_F(NpyTest, BadMagicAndBadHeaders) {
    std::string e = error_of([&] { read_npy(write("m.npy", "PK\x03\x04 not a npy file at all")); });
    EXPECT_NE(e.find("bad magic"), std::string::npos) << e;

    std::string v9 = npy_bytes(dict("<f4", "(1,)"), little_endian<float>({1}));
    v9[6] = 9;
    e = error_of([&] { read_npy(write("v9.npy", v9)); });
    EXPECT_NE(e.find("version 9"), std::string::npos) << e;

    for (const std::string bad : {"{'descr': '<f4', 'shape': (1,), }",
                                  "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), "
                                  "'extra': 1}",
                                  "not a dict",
                                  "{'descr': '<f4', 'fortran_order': False, "
                                  "'shape': (-1,), }",
                                  "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': "
                                  "(1,), }"}) {
        SCOPED_TRACE(bad);
        e = error_of(
            [&] { read_npy(write("hdr.npy", npy_bytes(bad, little_endian<float>({1})))); });
        EXPECT_NE(e.find("hdr.npy"), std::string::npos) << e;
    }
}

TEST_F(NpyTest, UnsupportedDtype) {
    for (const std::string descr : {"<c8", "<U4", "|O", "<f16", "<M8", "<b2"}) {
        SCOPED_TRACE(descr);
        const std::string e =
            error_of([&] { read_npy(write("u.npy", npy_bytes(dict(descr, "(1,)"), "xxxxxxxx"))); });
        EXPECT_NE(e.find("unsupported dtype"), std::string::npos) << e;
    }
}
