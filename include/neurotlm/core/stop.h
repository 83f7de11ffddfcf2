#pragma once
/// @brief A process-wide request to stop a run early (set by SIGINT/SIGTERM handlers); the
/// controller checks it at every quantum boundary and the run ends with a report marked
/// incomplete.

#include <stdexcept>
#include <string>

namespace neurotlm {

void request_stop();
bool stop_requested();
void clear_stop_request();

/// Make SIGINT and SIGTERM request a stop (a second one exits at once with 128 + signal). A
/// command installs them for its whole life, loading and writing included, so no signal kills
/// it half-way through writing its output.
void install_stop_handlers();

/// @brief A command stopped on request before it had anything to show (exit code 130).
class StopRequested : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Throw StopRequested ("stopped <stage>; nothing was written") if a stop was requested.
void stop_point(const std::string& stage);

} // namespace neurotlm
