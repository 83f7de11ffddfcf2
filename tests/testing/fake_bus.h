#pragma once
// A fake neurotlm::Initiator for driver tests without SystemC: a sparse byte memory that
// records every access in order. Reads of bytes never written return what was preset with
// set32/set_float (or 0); addresses put in `refuse` throw BusError, as a target's error
// response would through a real initiator.

#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "neurotlm/drivers/initiator.h"

namespace neurotlm::testing {

class FakeBus : public Initiator {
public:
    struct Access {
        bool write = false;
        std::uint64_t address = 0;
        std::vector<std::uint8_t> bytes; ///< written, or returned by the read
        bool refused = false;            ///< the bus threw BusError (bytes then empty)
        std::size_t size() const { return bytes.size(); }
        std::uint32_t word() const {
            std::uint32_t v = 0;
            std::memcpy(&v, bytes.data(), bytes.size() < 4 ? bytes.size() : 4);
            return v;
        }
        float as_float() const {
            float v = 0;
            std::memcpy(&v, bytes.data(), bytes.size() < 4 ? bytes.size() : 4);
            return v;
        }
    };

    void write(std::uint64_t address, const void* data, std::size_t len) override {
        check(true, address, len);
        Access a{true, address, {}};
        a.bytes.resize(len);
        std::memcpy(a.bytes.data(), data, len);
        for (std::size_t i = 0; i < len; ++i)
            m_memory[address + i] = a.bytes[i];
        accesses.push_back(std::move(a));
    }
    void read(std::uint64_t address, void* data, std::size_t len) override {
        check(false, address, len);
        Access a{false, address, {}};
        a.bytes.resize(len);
        for (std::size_t i = 0; i < len; ++i) {
            auto it = m_memory.find(address + i);
            a.bytes[i] = it == m_memory.end() ? 0 : it->second;
        }
        std::memcpy(data, a.bytes.data(), len);
        accesses.push_back(std::move(a));
    }

    /// Preset memory (not recorded as an access).
    void set_bytes(std::uint64_t address, const void* data, std::size_t len) {
        const auto* p = static_cast<const std::uint8_t*>(data);
        for (std::size_t i = 0; i < len; ++i)
            m_memory[address + i] = p[i];
    }
    void set32(std::uint64_t address, std::uint32_t v) { set_bytes(address, &v, 4); }
    void set_float(std::uint64_t address, float v) { set_bytes(address, &v, 4); }
    std::uint32_t get32(std::uint64_t address) const {
        std::uint8_t b[4] = {};
        for (int i = 0; i < 4; ++i) {
            auto it = m_memory.find(address + static_cast<std::uint64_t>(i));
            if (it != m_memory.end()) b[i] = it->second;
        }
        std::uint32_t v;
        std::memcpy(&v, b, 4);
        return v;
    }

    /// Indices of the completed accesses to @p address (of direction @p write).
    std::vector<std::size_t> find(std::uint64_t address, bool write) const {
        std::vector<std::size_t> out;
        for (std::size_t i = 0; i < accesses.size(); ++i)
            if (accesses[i].address == address && accesses[i].write == write &&
                !accesses[i].refused)
                out.push_back(i);
        return out;
    }
    std::size_t writes() const {
        std::size_t n = 0;
        for (const auto& a : accesses)
            n += a.write && !a.refused ? 1 : 0;
        return n;
    }

    std::vector<Access> accesses;
    std::set<std::uint64_t> refuse; ///< accesses starting here throw BusError

private:
    void check(bool write, std::uint64_t address, std::size_t len) {
        if (!refuse.count(address)) return;
        Access a{write, address, {}};
        a.refused = true;
        accesses.push_back(std::move(a));
        throw BusError("fake bus: access of " + std::to_string(len) + " bytes at " +
                       std::to_string(address) + " refused");
    }
    std::map<std::uint64_t, std::uint8_t> m_memory;
};

} // namespace neurotlm::testing
