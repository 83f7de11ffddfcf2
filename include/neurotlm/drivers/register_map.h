#pragma once
/// @brief A block type's register map, declared once: each register's name, offset, access,
/// reset value, fields and meaning; each data window; the command and error codes. The
/// SystemC module decodes its registers from this declaration (RegisterBank), the driver takes
/// its offsets from it, and `neurotlm docs registers` renders docs/registers.md from every
/// registered map.
///
/// Every map starts with the common header at 0x00-0x1F (kHeader). Registers are 32 bits wide
/// and take aligned 4-byte accesses only; windows start at or above kWindowBase and take any
/// 4-byte-aligned access inside them.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace neurotlm::regmap {

enum class Access { ro, wo, rw };
const char* to_string(Access access);

/// A bit field of a register.
struct Field {
    const char* name;
    unsigned lsb;
    unsigned width;
    const char* meaning;
};

struct Register {
    const char* name;
    std::uint64_t offset;
    Access access;
    std::uint32_t reset;
    const char* meaning;
    const Field* fields = nullptr;
    std::size_t field_count = 0;

    constexpr Register(const char* name_, std::uint64_t offset_, Access access_,
                       std::uint32_t reset_, const char* meaning_)
        : name(name_), offset(offset_), access(access_), reset(reset_), meaning(meaning_) {}
    template <std::size_t N>
    constexpr Register(const char* name_, std::uint64_t offset_, Access access_,
                       std::uint32_t reset_, const char* meaning_, const Field (&fields_)[N])
        : name(name_), offset(offset_), access(access_), reset(reset_), meaning(meaning_),
          fields(fields_), field_count(N) {}

    bool readable() const { return access != Access::wo; }
    bool writable() const { return access != Access::ro; }
};

/// A data window: an array in the block's address space whose size depends on the instance.
struct Window {
    const char* name;
    std::uint64_t offset;
    Access access;
    const char* layout;    ///< element type and extent, for people ("ROWS float32")
    bool waits_for_result; ///< a read waits (in simulated time) for the running command
    const char* meaning;

    bool writable() const { return access != Access::ro; }
};

/// A command (written to CTRL) or an error code (read from ERROR_CODE).
struct Code {
    std::uint32_t value;
    const char* name;
    const char* meaning;
};

/// Registers below this offset; windows at or above it.
inline constexpr std::uint64_t kWindowBase = 0x10000;
/// The block-specific registers start here.
inline constexpr std::uint64_t kFirstBlockRegister = 0x20;

inline constexpr std::uint32_t kIdMagic = 0x4E544C4D; // "NTLM"

inline constexpr Field kStatusFields[] = {
    {"DONE", 0, 1, "the last command has finished (a read waits for it)"},
    {"ERROR", 1, 1, "the last command was refused; ERROR_CODE says why"},
};
inline constexpr std::uint32_t kStatusDone = 1u << 0;
inline constexpr std::uint32_t kStatusError = 1u << 1;

// The common header of every block.
inline constexpr Register ID{"ID", 0x00, Access::ro, kIdMagic, "0x4E544C4D (\"NTLM\")"};
inline constexpr Register TYPE{"TYPE", 0x04, Access::ro, 0, "the block's type code"};
inline constexpr Register CTRL{"CTRL", 0x08, Access::wo, 0, "write a command code to start it"};
inline constexpr Register STATUS{
    "STATUS",     0x0C, Access::ro, 0, "status of the last command; a read waits until it is done",
    kStatusFields};
inline constexpr Register ERROR_CODE{"ERROR_CODE", 0x10, Access::ro, 0,
                                     "error code of the last command (0: none)"};
inline constexpr Register LAST_CYCLES{"LAST_CYCLES", 0x14, Access::ro, 0,
                                      "latency of the last command in cycles (low 32 bits)"};
inline constexpr const Register* kHeader[] = {&ID,     &TYPE,       &CTRL,
                                              &STATUS, &ERROR_CODE, &LAST_CYCLES};

// Error codes every block may return.
inline constexpr Code kErrNone{0, "NONE", "no error"};
inline constexpr Code kErrBadCommand{1, "BAD_COMMAND", "unknown command code"};
inline constexpr Code kErrNotProgrammed{
    2, "NOT_PROGRAMMED",
    "the command needs state never set up (a multiply before the weights were programmed)"};
inline constexpr Code kErrBadSize{3, "BAD_SIZE", "a size register is out of range"};
inline constexpr Code kErrBadRange{4, "BAD_RANGE",
                                   "a range register is not a positive finite number"};
inline constexpr const Code* kCommonErrors[] = {&kErrNone, &kErrBadCommand, &kErrNotProgrammed,
                                                &kErrBadSize, &kErrBadRange};

/// The whole map of one block type.
struct RegisterMap {
    std::string type;                ///< the block type name ("crossbar_tile")
    std::uint32_t type_code = 0;     ///< read from TYPE; unique among registered maps
    std::string summary;             ///< one paragraph for the generated documentation
    std::vector<Register> registers; ///< block-specific, at kFirstBlockRegister and above
    std::vector<Window> windows;
    std::vector<Code> commands;
    std::vector<Code> errors; ///< block-specific, besides kCommonErrors
    std::string notes;        ///< Markdown after the tables: data layout, the driver

    const Register* find_register(std::uint64_t offset) const;
    /// The meaning of error code @p code (common or block-specific), or "unknown error".
    const char* error_text(std::uint32_t code) const;
};

/// Register the map @p get returns (a function-local static, so its address is stable) for the
/// documentation and the type-code check; use through NEUROTLM_REGISTER_MAP in the block's
/// source. Throws std::logic_error on a type name or type code registered twice, or a map whose
/// declarations overlap.
bool add(const RegisterMap& (*get)());
/// Every registered map, by type code.
std::vector<const RegisterMap*> all();
const RegisterMap* find(const std::string& type);

/// Checks one map: offsets aligned, registers in [0x20, kWindowBase), windows at or above it,
/// no two declarations at one offset, codes unique. Returns the problems found (empty: fine).
std::vector<std::string> check(const RegisterMap& map);

/// docs/registers.md: every registered map as Markdown.
std::string render_markdown();

} // namespace neurotlm::regmap

/// Register FUNCTION (returning a const RegisterMap& to a static) from the block's source file.
#define NEUROTLM_REGISTER_MAP(FUNCTION)                                                            \
    static const bool neurotlm_register_map_##FUNCTION = ::neurotlm::regmap::add(&FUNCTION)
