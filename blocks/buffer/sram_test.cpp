// The SRAM buffer's cost model against the figures it cites, and its parameter table.
#include "neurotlm/blocks/buffer/sram.h"

#include <cmath>

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"

namespace neurotlm {
namespace {

SramSpec sram(double capacity, int word_bits = 64, int banks = 1) {
    SramSpec s;
    s.capacity_bytes = capacity;
    s.word_bits = word_bits;
    s.banks = banks;
    return s;
}

TEST(Sram, ReadEnergyFollowsHorowitzAt45nm) {
    // Horowitz, ISSCC 2014 (45 nm): a 64-bit SRAM read costs 10 pJ at 8 KB, 20 pJ at 32 KB and
    // 100 pJ at 1 MB. The square-root model meets the first two exactly.
    EXPECT_NEAR(sram(8192).read_word_J(), 10e-12, 1e-24);
    EXPECT_NEAR(sram(32768).read_word_J(), 20e-12, 1e-24);
    const double mb = sram(1 << 20).read_word_J();
    EXPECT_NEAR(mb, 10e-12 * std::sqrt(128.0), 1e-24); // 113 pJ
    EXPECT_LT(std::fabs(mb - 100e-12) / 100e-12, 0.15);
    // Writes cost a read (assumed); the user's own figure replaces the model.
    EXPECT_EQ(sram(8192).write_word_J(), sram(8192).read_word_J());
    SramSpec own = sram(8192);
    own.read_energy_J = 3e-12;
    EXPECT_EQ(own.read_word_J(), 3e-12);
}

TEST(Sram, EnergyScalesWithWordWidthNotBanks) {
    // A 32-bit word moves half the bits of a 64-bit one.
    EXPECT_NEAR(sram(8192, 32).read_word_J(), 5e-12, 1e-24);
    // Banks change throughput, not energy: the cited figures are for whole arrays.
    EXPECT_NEAR(sram(65536, 64, 8).read_word_J(), 10e-12 * std::sqrt(8.0), 1e-24);
    EXPECT_EQ(sram(65536, 64, 8).read_word_J(), sram(65536, 64, 1).read_word_J());
}

TEST(Sram, WordsAndCycles) {
    const SramSpec s = sram(4096, 64, 4); // 8-byte words, 4 banks, 1 ns at 1 GHz
    EXPECT_EQ(s.words(0, 8), 1u);
    EXPECT_EQ(s.words(0, 9), 2u);
    EXPECT_EQ(s.words(4, 8), 2u); // straddles a word boundary
    EXPECT_EQ(s.words(0, 64), 8u);
    EXPECT_EQ(s.words(0, 0), 0u);
    EXPECT_EQ(s.cycles(8), 2u); // 8 words over 4 banks: 2 access times
    EXPECT_EQ(s.cycles(9), 3u);
    SramSpec slow = s;
    slow.access_time_s = 2.5e-9; // 3 cycles of 1 GHz each
    EXPECT_EQ(slow.cycles(8), 6u);
}

TEST(Sram, AreaAndLeakage) {
    // 64 KiB = 524288 bits x 0.346 um^2 / 0.7 (Intel 45 nm cell, assumed efficiency).
    const SramSpec s = sram(65536);
    EXPECT_NEAR(s.area_m2(), 524288 * 0.346e-12 / 0.7, 1e-18);
    EXPECT_NEAR(s.leakage_W(), 524288 * 50e-12, 1e-15);
}

TEST(Sram, StructDefaultsAreTheTableDefaults) {
    const auto mismatches = SramSpec::table().default_mismatches();
    EXPECT_TRUE(mismatches.empty()) << mismatches.front();
}

TEST(Sram, ImpossibleGeometriesAreRefused) {
    EXPECT_THROW(sram(1004, 64, 1).check(), InputError);    // not whole 8-byte words
    EXPECT_THROW(sram(4096, 12, 1).check(), InputError);    // not whole bytes
    EXPECT_THROW(sram(4096, 64, 1024).check(), InputError); // banks smaller than a word
    EXPECT_NO_THROW(sram(4096, 64, 8).check());
}

} // namespace
} // namespace neurotlm
