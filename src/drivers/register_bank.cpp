#include "neurotlm/drivers/register_bank.h"

#include <stdexcept>

namespace neurotlm::regmap {

const Register& RegisterBank::declared(const Register& reg) const {
    for (const Register& r : m_map->registers)
        if (r.offset == reg.offset && std::string(r.name) == reg.name) return r;
    throw std::logic_error(m_map->type + ": register " + reg.name +
                           " is not in the block's register map");
}

void RegisterBank::bind(const Register& reg, std::uint32_t& storage,
                        std::function<void()> on_write) {
    const Register& d = declared(reg);
    storage = d.reset;
    m_regs.push_back({&d, [&storage]() { return storage; },
                      [&storage, on_write](std::uint32_t v) {
                          storage = v;
                          if (on_write) on_write();
                      }});
}

void RegisterBank::bind(const Register& reg, float& storage, std::function<void()> on_write) {
    const Register& d = declared(reg);
    std::memcpy(&storage, &d.reset, 4);
    m_regs.push_back({&d,
                      [&storage]() {
                          std::uint32_t u;
                          std::memcpy(&u, &storage, 4);
                          return u;
                      },
                      [&storage, on_write](std::uint32_t v) {
                          std::memcpy(&storage, &v, 4);
                          if (on_write) on_write();
                      }});
}

void RegisterBank::bind(const Register& reg, std::function<std::uint32_t()> read) {
    const Register& d = declared(reg);
    if (d.writable())
        throw std::logic_error(m_map->type + ": register " + d.name +
                               " is writable; bind it to storage");
    m_regs.push_back({&d, std::move(read), {}});
}

void RegisterBank::bind_bytes(const Window& window, std::function<Bytes()> bytes,
                              WindowAccess on_access) {
    for (const Window& w : m_map->windows)
        if (w.offset == window.offset && std::string(w.name) == window.name) {
            m_windows.push_back({&w, std::move(bytes), std::move(on_access)});
            return;
        }
    throw std::logic_error(m_map->type + ": window " + window.name +
                           " is not in the block's register map");
}

bool RegisterBank::read(std::uint64_t offset, std::uint32_t& value) const {
    for (const Reg& r : m_regs)
        if (r.decl->offset == offset) {
            if (!r.decl->readable()) return false;
            value = r.read();
            return true;
        }
    return false;
}

bool RegisterBank::write(std::uint64_t offset, std::uint32_t value) {
    for (const Reg& r : m_regs)
        if (r.decl->offset == offset) {
            if (!r.decl->writable() || !r.write) return false;
            r.write(value);
            return true;
        }
    return false;
}

RegisterBank::WindowHit RegisterBank::window(std::uint64_t offset, unsigned len,
                                             bool is_write) const {
    for (const Win& w : m_windows) {
        const Bytes b = w.bytes();
        const std::uint64_t base = w.decl->offset;
        // Written so that no address can wrap.
        if (offset < base || offset - base > b.size || len > b.size - (offset - base)) continue;
        if (is_write && !w.decl->writable()) return {};
        if (!is_write && w.decl->access == Access::wo) return {};
        return {b.data + (offset - base), w.decl->waits_for_result,
                w.on_access ? &w.on_access : nullptr, offset - base};
    }
    return {};
}

std::uint64_t RegisterBank::span() const {
    std::uint64_t end = kWindowBase;
    for (const Win& w : m_windows) {
        const std::uint64_t e = w.decl->offset + w.bytes().size;
        if (e > end) end = e;
    }
    return end;
}

void RegisterBank::check_complete() const {
    std::string missing;
    for (const Register& r : m_map->registers) {
        bool bound = false;
        for (const Reg& b : m_regs)
            bound = bound || b.decl == &r;
        if (!bound) missing += std::string(missing.empty() ? "" : ", ") + r.name;
    }
    for (const Window& w : m_map->windows) {
        bool bound = false;
        for (const Win& b : m_windows)
            bound = bound || b.decl == &w;
        if (!bound) missing += std::string(missing.empty() ? "" : ", ") + w.name;
    }
    if (!missing.empty())
        throw std::logic_error(m_map->type + ": declared but not bound: " + missing);
}

} // namespace neurotlm::regmap
