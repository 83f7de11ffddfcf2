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

enum TypeCode : std::uint32_t { kCrossbarTile = 1, kRouter = 2, kController = 3, kHopfieldArray = 4 };

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

/// Hopfield array: N neurons, a synapse array holding K memories (weight slots). STORE learns
/// PATTERN_COUNT patterns from the PATTERNS window into the selected slot and programs the
/// MTJs; RECALL runs the network from the PROBE window to a fixed point, a 2-cycle, or the
/// component's max_iterations parameter.
/// Patterns and states are packed bits, as the hardware moves them: neuron i is bit (i % 32)
/// of 32-bit word i / 32, 1 for +1 and 0 for -1; a pattern takes ceil(N / 32) words.
namespace hopfield {
inline constexpr std::uint64_t NEURONS = 0x20;        ///< RO: N
inline constexpr std::uint64_t MEMORIES = 0x24;       ///< RO: K weight slots
inline constexpr std::uint64_t SELECT = 0x28;         ///< RW: the active slot (STORE and RECALL)
inline constexpr std::uint64_t PATTERN_COUNT = 0x2C;  ///< RW: patterns STORE reads
inline constexpr std::uint64_t ITERATIONS = 0x30;     ///< RO: iterations of the last recall
inline constexpr std::uint64_t RECALL_FLAGS = 0x34;   ///< RO: bit 0 converged, bit 1 2-cycle
inline constexpr std::uint64_t FAILED_WRITES = 0x38;  ///< RO: MTJs left wrong by the last STORE
inline constexpr std::uint64_t MAX_PATTERNS = 0x3C;   ///< RO: capacity of the PATTERNS window

inline constexpr std::uint64_t PROBE = 0x10000;       ///< window: one packed pattern
inline constexpr std::uint64_t STATE = 0x80000;       ///< window: one packed pattern (read waits for RECALL)
inline constexpr std::uint64_t PATTERNS = 0x100000;   ///< window: MAX_PATTERNS packed patterns

enum Command : std::uint32_t { kCmdStore = 1, kCmdRecall = 2 };
enum Flags : std::uint32_t { kConverged = 1u << 0, kCycle = 1u << 1 };
enum Error : std::uint32_t { kErrBadSlot = 17 };

/// 32-bit words of one packed pattern.
inline constexpr std::uint64_t words(std::uint64_t neurons) { return (neurons + 31) / 32; }
inline constexpr std::uint64_t span(std::uint64_t neurons, std::uint64_t max_patterns) {
    return PATTERNS + max_patterns * words(neurons) * 4;
}
} // namespace hopfield

} // namespace neurotlm::regs
