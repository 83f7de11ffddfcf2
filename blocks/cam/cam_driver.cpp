#include "neurotlm/blocks/cam/cam_driver.h"

#include "neurotlm/blocks/cam/cam_registers.h"

namespace neurotlm {

namespace r = cam::regs;

CamDriver::CamDriver(Initiator& bus, std::uint64_t base, std::string name)
    : m_bus(bus), m_base(base), m_name(std::move(name)) {}

void CamDriver::probe() {
    if (m_bus.read32(m_base + regmap::ID.offset) != regmap::kIdMagic ||
        m_bus.read32(m_base + regmap::TYPE.offset) != r::kTypeCode)
        throw BusError("component '" + m_name + "' at its address is not a cam_array");
    m_words = static_cast<int>(m_bus.read32(m_base + r::WORDS.offset));
    m_bits = static_cast<int>(m_bus.read32(m_base + r::BITS.offset));
}

void CamDriver::command(std::uint32_t code, const char* what) {
    m_bus.write32(m_base + regmap::CTRL.offset, code);
    if (m_bus.read32(m_base + regmap::STATUS.offset) & regmap::kStatusError) {
        m_last_error = m_bus.read32(m_base + regmap::ERROR_CODE.offset);
        throw BusError("cam_array '" + m_name + "' refused " + what + ": " +
                       r::register_map().error_text(m_last_error));
    }
}

void CamDriver::send(const TernaryWord& w, std::uint64_t value_window, std::uint64_t care_window) {
    if (m_bits == 0) throw BusError("cam_array '" + m_name + "': probe() first");
    if (w.bits != m_bits)
        throw BusError("cam_array '" + m_name + "' has words of " + std::to_string(m_bits) +
                       " bits; " + std::to_string(w.bits) + " do not fit");
    const std::size_t n = r::words(static_cast<std::uint64_t>(m_bits));
    m_value.assign(n, 0u);
    m_care.assign(n, 0u);
    for (int i = 0; i < m_bits; ++i) {
        const Trit t = w.get(i);
        if (t == Trit::x) continue;
        m_care[static_cast<std::size_t>(i / 32)] |= 1u << (i % 32);
        if (t == Trit::one) m_value[static_cast<std::size_t>(i / 32)] |= 1u << (i % 32);
    }
    m_bus.write(m_base + value_window, m_value.data(), n * sizeof(std::uint32_t));
    m_bus.write(m_base + care_window, m_care.data(), n * sizeof(std::uint32_t));
}

void CamDriver::write(int index, const TernaryWord& word) {
    send(word, r::DATA.offset, r::MASK.offset);
    m_bus.write32(m_base + r::WORD_INDEX.offset, static_cast<std::uint32_t>(index));
    command(r::WRITE.value, "WRITE");
}

void CamDriver::load_key(const TernaryWord& key) {
    send(key, r::KEY.offset, r::KEY_MASK.offset);
    command(r::LOAD_KEY.value, "LOAD_KEY");
}

namespace {
int as_int(std::uint32_t v) {
    return v == r::kNone ? -1 : static_cast<int>(v);
}
} // namespace

CamDriver::Result CamDriver::search(const CamQuery& q, Readback what) {
    if (m_words == 0) throw BusError("cam_array '" + m_name + "': probe() first");
    m_bus.write32(m_base + r::MODE.offset, static_cast<std::uint32_t>(q.mode));
    m_bus.write32(m_base + r::THRESHOLD.offset, static_cast<std::uint32_t>(q.threshold));
    m_bus.write32(m_base + r::MARGIN.offset, static_cast<std::uint32_t>(q.margin));
    command(r::SEARCH.value, "SEARCH");
    Result res;
    res.mode = q.mode;
    const std::uint32_t flags = m_bus.read32(m_base + r::RESULT_FLAGS.offset);
    res.found = flags & r::kFound;
    res.confident = flags & r::kConfident;
    res.best = as_int(m_bus.read32(m_base + r::BEST_INDEX.offset));
    res.best_distance = as_int(m_bus.read32(m_base + r::BEST_DISTANCE.offset));
    res.second = as_int(m_bus.read32(m_base + r::SECOND_INDEX.offset));
    res.second_distance = as_int(m_bus.read32(m_base + r::SECOND_DISTANCE.offset));
    res.matches = static_cast<int>(m_bus.read32(m_base + r::MATCH_COUNT.offset));
    res.sense_errors = static_cast<int>(m_bus.read32(m_base + r::SENSE_ERRORS.offset));
    const std::size_t w = static_cast<std::size_t>(m_words);
    if (what.distances) {
        m_buffer.assign(w, 0u);
        m_bus.read(m_base + r::DISTANCES.offset, m_buffer.data(), w * sizeof(std::uint32_t));
        for (std::uint32_t d : m_buffer)
            res.distances.push_back(as_int(d));
    }
    if (what.matched) {
        const std::size_t mw = r::words(w);
        m_buffer.assign(mw, 0u);
        m_bus.read(m_base + r::MATCHES.offset, m_buffer.data(), mw * sizeof(std::uint32_t));
        for (std::size_t i = 0; i < w; ++i)
            res.matched.push_back((m_buffer[i / 32] >> (i % 32)) & 1u);
    }
    return res;
}

CamDriver::Result CamDriver::search(const TernaryWord& key, const CamQuery& q, Readback what) {
    load_key(key);
    return search(q, what);
}

} // namespace neurotlm
