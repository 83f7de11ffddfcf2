#include "neurotlm/core/stop.h"

#include <csignal>
#include <cstdlib>
#include <signal.h>

namespace neurotlm {

namespace {
// sig_atomic_t: written from a signal handler.
volatile std::sig_atomic_t g_stop = 0;
} // namespace

void request_stop() {
    g_stop = 1;
}
bool stop_requested() {
    return g_stop != 0;
}
void clear_stop_request() {
    g_stop = 0;
}

namespace {
void on_signal(int sig) {
    // Second signal: leave at once. Output folders and files are replaced as a whole (see
    // core/files.h), so what is on disk stays the previous complete output.
    if (g_stop) std::_Exit(128 + sig);
    g_stop = 1;
}
} // namespace

void install_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
}

void stop_point(const std::string& stage) {
    if (stop_requested()) throw StopRequested("stopped " + stage + "; nothing was written");
}

} // namespace neurotlm
