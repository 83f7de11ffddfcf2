// The process-wide stop request (core/stop.h), set from signal handlers.

#include "neurotlm/core/stop.h"

#include <csignal>

#include <gtest/gtest.h>

namespace neurotlm {
namespace {

extern "C" void request_stop_on_signal(int) {
    request_stop();
}

TEST(StopRequest, SetAndClear) {
    clear_stop_request();
    EXPECT_FALSE(stop_requested());
    request_stop();
    EXPECT_TRUE(stop_requested());
    request_stop(); // idempotent
    EXPECT_TRUE(stop_requested());
    clear_stop_request();
    EXPECT_FALSE(stop_requested());
    clear_stop_request();
    EXPECT_FALSE(stop_requested());
}

TEST(StopRequest, SetFromASignalHandler) {
    clear_stop_request();
    auto previous = std::signal(SIGUSR1, request_stop_on_signal);
    ASSERT_NE(previous, SIG_ERR);
    std::raise(SIGUSR1);
    EXPECT_TRUE(stop_requested());
    std::signal(SIGUSR1, previous);
    clear_stop_request();
    EXPECT_FALSE(stop_requested());
}

} // namespace
} // namespace neurotlm
