#pragma once
/// @brief A process-wide request to stop a run early (set by SIGINT/SIGTERM handlers); the
/// controller checks it at every quantum boundary and the run ends with a report marked
/// incomplete.

namespace neurotlm {

void request_stop();
bool stop_requested();
void clear_stop_request();

} // namespace neurotlm
