#include "neurotlm/report/progress.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

using namespace neurotlm;

namespace {

/// A progress line on a clock the test moves by hand, recording what it writes.
struct Bench {
    double now = 0;
    std::vector<std::string> out;
    ProgressLine line;

    explicit Bench(bool tty, std::size_t width = 0)
        : line(
              options(tty, width), [this](const std::string& s) { out.push_back(s); },
              [this] { return now; }) {}

    static ProgressLine::Options options(bool tty, std::size_t width) {
        ProgressLine::Options o;
        o.tty = tty;
        o.width = width;
        return o;
    }
    std::string all() const {
        std::string s;
        for (const auto& o : out)
            s += o;
        return s;
    }
};

} // namespace

TEST(Progress, Durations) {
    EXPECT_EQ(format_duration(0.4), "<1 s");
    EXPECT_EQ(format_duration(42.4), "42 s");
    EXPECT_EQ(format_duration(89), "89 s");
    EXPECT_EQ(format_duration(720), "12 min");
    EXPECT_EQ(format_duration(3.5 * 3600), "3.5 h");
    EXPECT_EQ(format_duration(-1), "?");
    EXPECT_EQ(format_duration(1.0 / 0.0), "?");
}

TEST(Progress, RatesHaveThreeSignificantDigits) {
    EXPECT_EQ(format_rate(1234.4), "1234");
    EXPECT_EQ(format_rate(78.94), "78.9");
    EXPECT_EQ(format_rate(4.561), "4.56");
    EXPECT_EQ(format_rate(0.1234), "0.123");
    EXPECT_EQ(format_rate(0.01234), "0.0123");
    EXPECT_EQ(format_rate(0), "?");
    EXPECT_EQ(format_rate(-2), "?");
}

TEST(Progress, TextHasPercentRateTimeLeftAndStatus) {
    EXPECT_EQ(progress_text(370, 1000, 12.6, "accuracy 85.95%"),
              "[ 37%] 370/1000 items, 12.6 items/s, 50 s left, accuracy 85.95%");
    // 630 items left at 12.6 items/s: 50 s.
    EXPECT_EQ(progress_text(1, 1000, 0, ""), "[  0%] 1/1000 items, ? items/s, ? left");
    // Done: no time left, the status still shown.
    EXPECT_EQ(progress_text(10, 10, 2, "memory 3 done"),
              "[100%] 10/10 items, 2.00 items/s, memory 3 done");
}

TEST(Progress, RateCountsFromTheFirstItemNotFromTheSetUp) {
    Bench b(false);
    b.now = 100; // a long set-up before the first item
    b.line.update(1, 100, "");
    b.now = 110;
    b.line.update(21, 100, "");
    EXPECT_DOUBLE_EQ(b.line.rate(), 2.0); // 20 items in 10 s
}

TEST(Progress, TerminalRedrawsAtMostTenTimesASecond) {
    Bench b(true);
    // 1000 items, one every millisecond: one second of items.
    for (int i = 1; i <= 1000; ++i) {
        b.now = i * 0.001;
        b.line.update(static_cast<std::uint64_t>(i), 1000, "");
    }
    // The first item, one redraw per 100 ms after it, and the last.
    EXPECT_GE(b.line.shown(), 10u);
    EXPECT_LE(b.line.shown(), 12u);
    for (const auto& s : b.out)
        EXPECT_EQ(s.substr(0, 1), "\r");
    b.line.finish();
    EXPECT_EQ(b.out.back(), "\n");
    EXPECT_NE(b.out[b.out.size() - 2].find("[100%] 1000/1000"), std::string::npos);
}

TEST(Progress, FirstItemShownAtOnce) {
    Bench b(true);
    b.now = 3600; // an hour of set-up
    b.line.update(1, 60000, "epoch 1/10 batch 1/6000");
    ASSERT_EQ(b.out.size(), 1u);
    EXPECT_NE(b.out[0].find("1/60000 items"), std::string::npos);
    EXPECT_NE(b.out[0].find("epoch 1/10 batch 1/6000"), std::string::npos);
}

TEST(Progress, LogWritesALineEveryFiveSecondsAndTheFinalOne) {
    Bench b(false);
    // 60 s of items, ten a second.
    for (int i = 1; i <= 600; ++i) {
        b.now = i * 0.1;
        b.line.update(static_cast<std::uint64_t>(i), 600, "");
    }
    // The first, one per 5 s (59.9 s after it: 11), the last.
    EXPECT_GE(b.out.size(), 12u);
    EXPECT_LE(b.out.size(), 14u);
    for (const auto& s : b.out) {
        EXPECT_EQ(s.find('\r'), std::string::npos);
        EXPECT_EQ(s.back(), '\n');
    }
    const std::size_t n = b.out.size();
    b.line.finish(); // the last state was shown: nothing more
    EXPECT_EQ(b.out.size(), n);
    EXPECT_NE(b.out.back().find("[100%] 600/600 items, 10.0 items/s"), std::string::npos);
}

TEST(Progress, StoppedRunShowsItsLastStateAndEndsTheLine) {
    for (bool tty : {true, false}) {
        Bench b(tty);
        b.now = 0;
        b.line.update(1, 100, "");
        b.now = 0.01;
        b.line.update(2, 100, ""); // throttled
        const std::size_t n = b.out.size();
        b.line.finish();
        EXPECT_GT(b.out.size(), n) << tty;
        EXPECT_NE(b.all().find("2/100 items"), std::string::npos) << tty;
        EXPECT_EQ(b.all().back(), '\n') << tty;
        b.line.finish(); // idempotent
        EXPECT_EQ(b.all().back(), '\n');
        EXPECT_EQ(b.all().find("\n\n"), std::string::npos) << tty;
    }
}

TEST(Progress, DestructorEndsAnOpenTerminalLine) {
    std::string out;
    {
        double now = 0;
        ProgressLine::Options o;
        o.tty = true;
        ProgressLine line(
            o, [&](const std::string& s) { out += s; }, [&] { return now; });
        line.update(1, 5, "");
    }
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.back(), '\n');
}

TEST(Progress, TerminalLineIsCutToTheWidth) {
    Bench b(true, 40);
    b.line.update(1, 10, std::string(200, 'x'));
    ASSERT_EQ(b.out.size(), 1u);
    // "\r", 39 columns of text, and the clear-to-end-of-line sequence.
    EXPECT_EQ(b.out[0].size(), 1u + 39u + 3u);
}
