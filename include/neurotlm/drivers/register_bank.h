#pragma once
/// @brief The target side of a register map: a block binds each declared register to its
/// storage (or to read/write handlers) and each window to its buffer, and the bank decodes
/// accesses from the declaration: access rights, reset values and offsets come from the map, so
/// the block cannot disagree with its documentation or its driver. SystemC-free.

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "neurotlm/drivers/register_map.h"

namespace neurotlm::regmap {

class RegisterBank {
public:
    explicit RegisterBank(const RegisterMap& map) : m_map(&map) {}
    RegisterBank(const RegisterBank&) = delete;
    RegisterBank& operator=(const RegisterBank&) = delete;

    const RegisterMap& map() const { return *m_map; }

    /// A register held in @p storage, set to the declared reset value now. @p on_write runs
    /// after a bus write has stored the value.
    void bind(const Register& reg, std::uint32_t& storage, std::function<void()> on_write = {});
    /// The same for a register holding a float32 (reset value: its bit pattern).
    void bind(const Register& reg, float& storage, std::function<void()> on_write = {});
    /// A read-only register whose value is computed on every read.
    void bind(const Register& reg, std::function<std::uint32_t()> read);

    /// Called on every bus access to a window with the offset inside it, the length and the
    /// direction; returns the cycles the access takes inside the block (a memory array's access
    /// time) on top of the register interface's transfer cycles.
    using WindowAccess = std::function<std::uint64_t(std::uint64_t, unsigned, bool)>;

    /// A window over @p data; its extent is the vector's size at the time of each access.
    template <typename T>
    void bind(const Window& window, std::vector<T>& data, WindowAccess on_access = {}) {
        bind_bytes(
            window,
            [&data]() {
                return Bytes{reinterpret_cast<unsigned char*>(data.data()),
                             data.size() * sizeof(T)};
            },
            std::move(on_access));
    }

    /// Bus access to a block register (not the common header). False: not decoded here, or
    /// the access direction is not allowed.
    bool read(std::uint64_t offset, std::uint32_t& value) const;
    bool write(std::uint64_t offset, std::uint32_t value);
    /// An access that lands inside one window.
    struct WindowHit {
        unsigned char* data = nullptr;           ///< the bytes at the address; nullptr: refused
        bool waits = false;                      ///< a result that waits for the running command
        const WindowAccess* on_access = nullptr; ///< the window's hook, if bound with one
        std::uint64_t offset = 0;                ///< the address's offset inside the window
    };
    /// The window holding [offset, offset + len) for this direction, or a hit with no data.
    /// The caller runs the hook once per bus access it completes (debug accesses: never).
    WindowHit window(std::uint64_t offset, unsigned len, bool is_write) const;

    /// Bytes of address space decoded: the end of the highest window (or of the registers).
    std::uint64_t span() const;
    /// Throws std::logic_error naming every declared register or window not bound: a block
    /// calls this at the end of its constructor.
    void check_complete() const;

private:
    struct Bytes {
        unsigned char* data;
        std::size_t size;
    };
    struct Reg {
        const Register* decl;
        std::function<std::uint32_t()> read;
        std::function<void(std::uint32_t)> write;
    };
    struct Win {
        const Window* decl;
        std::function<Bytes()> bytes;
        WindowAccess on_access;
    };
    const Register& declared(const Register& reg) const;
    void bind_bytes(const Window& window, std::function<Bytes()> bytes, WindowAccess on_access);

    const RegisterMap* m_map;
    std::vector<Reg> m_regs;
    std::vector<Win> m_windows;
};

} // namespace neurotlm::regmap
