#pragma once
/// @brief Register maps of neurotlm components, shared by the SystemC components (which decode
/// them) and the drivers (which any TLM initiator can use to program them).
///
/// Every component starts with the same header block; component-specific registers follow at
/// 0x20; data windows (arrays of little-endian float32) sit at fixed offsets. All registers are
/// 32 bits wide and must be accessed with aligned 4-byte transactions; windows accept any
/// 4-byte-aligned access inside them.

#include <cstdint>

namespace neurotlm::regs {

// Common header.
inline constexpr std::uint64_t ID = 0x00;         ///< RO: kIdMagic
inline constexpr std::uint64_t TYPE = 0x04;       ///< RO: component type code (TypeCode)
inline constexpr std::uint64_t CTRL = 0x08;       ///< WO: write a command code to start it
inline constexpr std::uint64_t STATUS = 0x0C;     ///< RO: status bits; a read waits for completion
inline constexpr std::uint64_t ERROR_CODE = 0x10; ///< RO: ErrorCode of the last command
inline constexpr std::uint64_t LAST_CYCLES = 0x14; ///< RO: latency of the last command, cycles (low 32 bits)

inline constexpr std::uint32_t kIdMagic = 0x4E544C4D; // "NTLM"

enum TypeCode : std::uint32_t { kCrossbarTile = 1, kRouter = 2, kController = 3 };

enum StatusBits : std::uint32_t { kStatusDone = 1u << 0, kStatusError = 1u << 1 };

enum ErrorCode : std::uint32_t {
    kErrNone = 0,
    kErrBadCommand = 1,     ///< unknown command code
    kErrNotProgrammed = 2,  ///< MVM before any PROGRAM
    kErrBadSize = 3,        ///< rows/cols used out of range
    kErrBadRange = 4,       ///< a range register is not a positive finite number
};

/// Crossbar tile: weights are programmed from the WEIGHTS window (ROWS_USED x COLS_USED,
/// row-major, row = input), an MVM multiplies the INPUT window into the OUTPUT window.
namespace tile {
inline constexpr std::uint64_t ROWS = 0x20;         ///< RO: physical rows = logical inputs
inline constexpr std::uint64_t COLS = 0x24;         ///< RO: logical output columns
inline constexpr std::uint64_t ROWS_USED = 0x28;    ///< RW: rows of the programmed block
inline constexpr std::uint64_t COLS_USED = 0x2C;    ///< RW: columns of the programmed block
inline constexpr std::uint64_t WEIGHT_RANGE = 0x30; ///< RW float32: |w| that maps to g_max
inline constexpr std::uint64_t INPUT_RANGE = 0x34;  ///< RW float32: |x| that maps to the full read voltage
inline constexpr std::uint64_t OUTPUT_RANGE = 0x38; ///< RW float32: |y| at the ADC's top code (0 = automatic)

inline constexpr std::uint64_t INPUT = 0x10000;     ///< window: ROWS float32
inline constexpr std::uint64_t OUTPUT = 0x20000;    ///< window: COLS float32 (read waits for the MVM)
inline constexpr std::uint64_t WEIGHTS = 0x100000;  ///< window: ROWS x COLS float32

enum Command : std::uint32_t { kCmdProgram = 1, kCmdMvm = 2 };

/// Bytes of address space a tile of this size decodes.
inline constexpr std::uint64_t span(std::uint64_t rows, std::uint64_t cols) {
    return WEIGHTS + rows * cols * 4;
}
} // namespace tile

} // namespace neurotlm::regs
