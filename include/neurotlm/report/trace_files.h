#pragma once
/// @file
/// @brief A run's activity as files other tools open: a VCD waveform (GTKWave) with, per
/// block, `busy` (1 while it works) and `valid` (1 from the end of its work until it starts
/// again) and the workload's phase as a string signal; and Chrome trace-event JSON (Perfetto,
/// chrome://tracing) with one track per block, each busy interval a slice named after its
/// command, the phases as instant markers. Both hold the events the log kept (its window and
/// event limit bound their size).

#include <string>

#include "neurotlm/core/activity.h"

namespace neurotlm {

std::string to_vcd(const ActivityLog& log, const std::string& platform);
std::string to_trace_events(const ActivityLog& log, const std::string& platform);

} // namespace neurotlm
