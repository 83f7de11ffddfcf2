#pragma once
/// @file
/// @brief What happened when: every block's busy intervals and the energy it booked in them,
/// binned over simulated time (power and utilisation over time, always kept, bounded in size),
/// and optionally the intervals themselves as events (for VCD and trace-event files), bounded
/// by a time window and an event limit.
///
/// The bins have a fixed count; when the run outgrows them, neighbouring bins merge and the
/// bin width doubles, so a run of any length keeps kBins bins. Energy booked in an interval is
/// spread evenly over it.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace neurotlm {

/// What to keep as events (the bins are always kept).
struct ActivityOptions {
    bool keep_events = false;
    double window_start_s = 0.0; ///< events that end before it are not kept
    double window_end_s = std::numeric_limits<double>::infinity(); ///< nor those that start after
    std::size_t max_events = 1000000; ///< events beyond it are counted, not kept
};

/// One busy interval of a block.
struct ActivityEvent {
    int track = 0;
    double start_s = 0.0, duration_s = 0.0;
    const char* label = ""; ///< a static string (command or action name)
};

/// A phase of the workload beginning (an empty name: no phase from then on).
struct PhaseMark {
    double time_s = 0.0;
    std::string name;
};

class ActivityLog {
public:
    static constexpr std::size_t kBins = 200;

    /// @p classes: the energy classes a bin keeps, in report order.
    ActivityLog(std::vector<std::string> classes, ActivityOptions options = {});

    /// A block (a track): its name and type; returns its index.
    int add_track(std::string name, std::string type);
    /// @brief Block @p track was busy from @p start_s for @p duration_s doing @p label, and
    /// booked @p energy_J (one value per class of the constructor, may be empty) meanwhile.
    void busy(int track, double start_s, double duration_s, const char* label,
              const std::vector<double>& energy_J);
    /// Energy booked at @p time_s outside any busy interval: it lands in the bin of @p time_s.
    void energy_at(double time_s, const std::vector<double>& energy_J);
    void phase(double time_s, const std::string& name);

    const ActivityOptions& options() const { return m_options; }
    const std::vector<std::string>& classes() const { return m_classes; }
    const std::vector<std::string>& track_names() const { return m_track_names; }
    const std::vector<std::string>& track_types() const { return m_track_types; }
    const std::vector<ActivityEvent>& events() const { return m_events; }
    std::uint64_t dropped_events() const { return m_dropped; }
    const std::vector<PhaseMark>& phases() const { return m_phases; }

    /// Width of one bin (the run's extent so far, rounded up to kBins x a power of two of the
    /// first width, 1 ns).
    double bin_s() const { return m_bin_s; }
    /// Bins covering [0, end_s]: at least one.
    std::size_t bins_used(double end_s) const;
    /// Energy of class @p c in bin @p b.
    double energy_J(std::size_t c, std::size_t b) const { return m_energy[c][b]; }
    /// Busy time of track @p t in bin @p b.
    double busy_s(int t, std::size_t b) const { return m_busy[static_cast<std::size_t>(t)][b]; }

private:
    void grow_to(double end_s);
    template <typename Add> void spread(double start_s, double duration_s, Add add);

    std::vector<std::string> m_classes;
    ActivityOptions m_options;
    std::vector<std::string> m_track_names, m_track_types;
    std::vector<ActivityEvent> m_events;
    std::uint64_t m_dropped = 0;
    std::vector<PhaseMark> m_phases;
    double m_bin_s = 1e-9;
    std::vector<std::vector<double>> m_energy; ///< class x bin
    std::vector<std::vector<double>> m_busy;   ///< track x bin
};

} // namespace neurotlm
