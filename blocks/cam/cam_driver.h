#pragma once
/// @brief Driver for a ternary CAM array: write ternary words, load a key, search in one of the
/// four sensing modes and read the decision and every word's distance.

#include <cstdint>
#include <string>
#include <vector>

#include "neurotlm/blocks/cam/cam.h"
#include "neurotlm/drivers/initiator.h"

namespace neurotlm {

/// What a search reads back beyond the result registers (flags, best two, match count,
/// SENSE_ERRORS): each window is W words or W bits of bus reads, so read only what is used.
struct CamReadback {
    bool distances = true; ///< the DISTANCES window (W words)
    bool matched = true;   ///< the MATCHES window (W bits)
};

class CamDriver {
public:
    CamDriver(Initiator& bus, std::uint64_t base, std::string name = {});

    /// Reads the geometry (checks the ID and TYPE registers first).
    void probe();
    int words() const { return m_words; }
    int bits() const { return m_bits; }

    /// Program word @p index (a ternary word of bits() bits; X bits are stored don't-care).
    void write(int index, const TernaryWord& word);
    /// Latch @p key (X bits are key don't-care) for the searches that follow.
    void load_key(const TernaryWord& key);

    struct Result {
        CamMode mode = CamMode::best;
        bool found = false, confident = false;
        int best = -1, best_distance = -1, second = -1, second_distance = -1; ///< -1: none
        int matches = 0;
        int sense_errors = 0;       ///< simulation insight (SENSE_ERRORS)
        std::vector<int> distances; ///< per word (-1: never written); empty unless read
        std::vector<bool> matched;  ///< exact/threshold: per word; empty unless read
    };
    using Readback = CamReadback;
    static constexpr Readback kResultOnly{false, false};
    /// Search the latched key (waits for the result in simulated time) and read back @p what.
    Result search(const CamQuery& query, Readback what = {});
    /// Load @p key, then search it.
    Result search(const TernaryWord& key, const CamQuery& query, Readback what = {});

    /// The error code of the last refused command (0: none refused yet).
    std::uint32_t last_error() const { return m_last_error; }

private:
    void command(std::uint32_t code, const char* what);
    void send(const TernaryWord& w, std::uint64_t value_window, std::uint64_t care_window);
    Initiator& m_bus;
    std::uint64_t m_base;
    std::string m_name;
    int m_words = 0, m_bits = 0;
    std::uint32_t m_last_error = 0;
    std::vector<std::uint32_t> m_value, m_care, m_buffer;
};

} // namespace neurotlm
