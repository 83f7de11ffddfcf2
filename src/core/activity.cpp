#include "neurotlm/core/activity.h"

#include <algorithm>
#include <cmath>

namespace neurotlm {

ActivityLog::ActivityLog(std::vector<std::string> classes, ActivityOptions options)
    : m_classes(std::move(classes)), m_options(options) {
    m_energy.assign(m_classes.size(), std::vector<double>(kBins, 0.0));
}

int ActivityLog::add_track(std::string name, std::string type) {
    m_track_names.push_back(std::move(name));
    m_track_types.push_back(std::move(type));
    m_busy.emplace_back(kBins, 0.0);
    return static_cast<int>(m_track_names.size() - 1);
}

void ActivityLog::grow_to(double end_s) {
    while (end_s > m_bin_s * static_cast<double>(kBins)) {
        auto halve = [](std::vector<double>& v) {
            for (std::size_t i = 0; i < kBins / 2; ++i)
                v[i] = v[2 * i] + v[2 * i + 1];
            std::fill(v.begin() + kBins / 2, v.end(), 0.0);
        };
        for (auto& v : m_energy)
            halve(v);
        for (auto& v : m_busy)
            halve(v);
        m_bin_s *= 2.0;
    }
}

template <typename Add> void ActivityLog::spread(double start_s, double duration_s, Add add) {
    start_s = std::max(start_s, 0.0);
    duration_s = std::max(duration_s, 0.0);
    grow_to(start_s + duration_s);
    const std::size_t first =
        std::min(kBins - 1, static_cast<std::size_t>(std::floor(start_s / m_bin_s)));
    if (duration_s <= 0.0) {
        add(first, 1.0);
        return;
    }
    const double end_s = start_s + duration_s;
    for (std::size_t b = first; b < kBins; ++b) {
        const double lo = std::max(start_s, static_cast<double>(b) * m_bin_s);
        const double hi = std::min(end_s, static_cast<double>(b + 1) * m_bin_s);
        if (hi > lo) add(b, (hi - lo) / duration_s);
        if (static_cast<double>(b + 1) * m_bin_s >= end_s) break;
    }
}

void ActivityLog::busy(int track, double start_s, double duration_s, const char* label,
                       const std::vector<double>& energy_J) {
    std::vector<double>& busy = m_busy[static_cast<std::size_t>(track)];
    spread(start_s, duration_s, [&](std::size_t b, double f) {
        busy[b] += f * duration_s;
        for (std::size_t c = 0; c < energy_J.size() && c < m_energy.size(); ++c)
            if (energy_J[c] != 0.0) m_energy[c][b] += f * energy_J[c];
    });
    if (!m_options.keep_events) return;
    if (start_s + duration_s < m_options.window_start_s || start_s > m_options.window_end_s) return;
    if (m_events.size() >= m_options.max_events) {
        ++m_dropped;
        return;
    }
    m_events.push_back({track, start_s, duration_s, label});
}

void ActivityLog::energy_at(double time_s, const std::vector<double>& energy_J) {
    spread(time_s, 0.0, [&](std::size_t b, double) {
        for (std::size_t c = 0; c < energy_J.size() && c < m_energy.size(); ++c)
            m_energy[c][b] += energy_J[c];
    });
}

void ActivityLog::phase(double time_s, const std::string& name) {
    if (m_phases.empty() && name.empty()) return;
    m_phases.push_back({time_s, name});
}

std::size_t ActivityLog::bins_used(double end_s) const {
    if (!(end_s > 0.0)) return 1;
    return std::min(kBins,
                    std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(end_s / m_bin_s))));
}

} // namespace neurotlm
