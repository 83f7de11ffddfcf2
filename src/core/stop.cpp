#include "neurotlm/core/stop.h"

#include <csignal>

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

} // namespace neurotlm
