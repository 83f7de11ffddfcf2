// Memory budget helpers (core/memory.h).

#include "neurotlm/core/memory.h"

#include <string>

#include <gtest/gtest.h>

namespace neurotlm {
namespace {

TEST(FormatBytes, ExamplesFromTheHeader) {
    EXPECT_EQ(format_bytes(1.5 * 1073741824.0), "1.5 GiB");
    EXPECT_EQ(format_bytes(300.0 * 1048576.0), "300 MiB");
    EXPECT_EQ(format_bytes(12.0 * 1024.0), "12 KiB");
}

TEST(FormatBytes, BinaryUnitsUpToPebibytes) {
    EXPECT_EQ(format_bytes(0), "0 B");
    EXPECT_EQ(format_bytes(1), "1 B");
    EXPECT_EQ(format_bytes(1023), "1023 B");
    EXPECT_EQ(format_bytes(1024), "1 KiB");
    EXPECT_EQ(format_bytes(1536), "1.5 KiB");
    EXPECT_EQ(format_bytes(1048576.0), "1 MiB");
    EXPECT_EQ(format_bytes(1073741824.0), "1 GiB");
    EXPECT_EQ(format_bytes(2.0 * 1099511627776.0), "2 TiB");
    EXPECT_EQ(format_bytes(3.0 * 1125899906842624.0), "3 PiB");
}

TEST(FormatBytes, ThreeSignificantDigits) {
    EXPECT_EQ(format_bytes(1.2345 * 1073741824.0), "1.23 GiB");
    EXPECT_EQ(format_bytes(100.4 * 1024.0), "100 KiB");
    EXPECT_EQ(format_bytes(999.0 * 1048576.0), "999 MiB");
}

TEST(FormatBytes, JustBelowTheNextUnitHasNoExponent) {
    // Fixed (core/memory.cpp): "%.3g" switches to exponent notation for 1000..1023.99 of a
    // unit, so a 1000 MiB estimate in the "over the memory limit" message reads "1e+03 MiB"
    // and 1 MiB - 1 byte reads "1.02e+03 KiB" instead of "1000 MiB" / "0.977 MiB" /
    // "1024 KiB" or similar.
    for (double bytes : {1000.0 * 1024.0, 1048575.0, 1000.0 * 1048576.0, 1023.0 * 1073741824.0}) {
        const std::string s = format_bytes(bytes);
        EXPECT_EQ(s.find("e+"), std::string::npos) << bytes << " -> " << s;
    }
}

TEST(Memory, PhysicalMemoryIsKnownOnLinux) {
    const std::uint64_t phys = physical_memory_bytes();
    EXPECT_GT(phys, std::uint64_t{64} << 20); // any machine that builds this has > 64 MiB
}

TEST(Memory, DefaultLimitIsEightyPercentOfPhysicalMemory) {
    const std::uint64_t phys = physical_memory_bytes();
    ASSERT_GT(phys, 0u);
    const std::uint64_t limit = default_memory_limit_bytes();
    const double ideal = 0.8 * static_cast<double>(phys);
    EXPECT_LE(static_cast<double>(limit), ideal);
    EXPECT_GE(static_cast<double>(limit), ideal - 8.0); // integer rounding only
}

} // namespace
} // namespace neurotlm
