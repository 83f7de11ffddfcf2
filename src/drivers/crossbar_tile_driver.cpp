#include "neurotlm/drivers/crossbar_tile_driver.h"

#include <string>

#include "neurotlm/drivers/registers.h"

namespace neurotlm {

namespace {
const char* error_text(std::uint32_t code) {
    switch (code) {
    case regs::kErrNone: return "no error";
    case regs::kErrBadCommand: return "unknown command";
    case regs::kErrNotProgrammed: return "multiply before the weights were programmed";
    case regs::kErrBadSize: return "block size out of range";
    case regs::kErrBadRange: return "range register not a positive finite number";
    }
    return "unknown error";
}
} // namespace

CrossbarTileDriver::CrossbarTileDriver(Initiator& bus, std::uint64_t base, std::string name)
    : m_bus(bus), m_base(base), m_name(std::move(name)) {}

void CrossbarTileDriver::probe() {
    const std::uint32_t id = m_bus.read32(m_base + regs::ID);
    const std::uint32_t type = m_bus.read32(m_base + regs::TYPE);
    if (id != regs::kIdMagic || type != regs::kCrossbarTile)
        throw BusError("component '" + m_name + "' at its address is not a crossbar tile");
    m_rows = static_cast<int>(m_bus.read32(m_base + regs::tile::ROWS));
    m_cols = static_cast<int>(m_bus.read32(m_base + regs::tile::COLS));
}

void CrossbarTileDriver::command(std::uint32_t code, const char* what) {
    m_bus.write32(m_base + regs::CTRL, code);
    const std::uint32_t status = m_bus.read32(m_base + regs::STATUS);
    if (status & regs::kStatusError) {
        const std::uint32_t err = m_bus.read32(m_base + regs::ERROR_CODE);
        throw BusError("tile '" + m_name + "' refused " + what + ": " + error_text(err));
    }
}

void CrossbarTileDriver::program(const float* weights, int rows, int cols, float w_max) {
    m_bus.write32(m_base + regs::tile::ROWS_USED, static_cast<std::uint32_t>(rows));
    m_bus.write32(m_base + regs::tile::COLS_USED, static_cast<std::uint32_t>(cols));
    m_bus.write_float(m_base + regs::tile::WEIGHT_RANGE, w_max);
    m_bus.write(m_base + regs::tile::WEIGHTS, weights,
                static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols) * sizeof(float));
    command(regs::tile::kCmdProgram, "PROGRAM");
}

void CrossbarTileDriver::set_input_range(float x_max) {
    m_bus.write_float(m_base + regs::tile::INPUT_RANGE, x_max);
}

void CrossbarTileDriver::set_output_range(float y_max) {
    m_bus.write_float(m_base + regs::tile::OUTPUT_RANGE, y_max);
}

void CrossbarTileDriver::start_mvm(const float* x, int n) {
    m_bus.write(m_base + regs::tile::INPUT, x, static_cast<std::size_t>(n) * sizeof(float));
    m_bus.write32(m_base + regs::CTRL, regs::tile::kCmdMvm);
}

void CrossbarTileDriver::collect(float* y, int n) {
    try {
        m_bus.read(m_base + regs::tile::OUTPUT, y, static_cast<std::size_t>(n) * sizeof(float));
    } catch (const BusError&) {
        // The tile refuses to hand out the results of a failed command; say why.
        const std::uint32_t err = m_bus.read32(m_base + regs::ERROR_CODE);
        throw BusError("tile '" + m_name + "' refused MVM: " + error_text(err));
    }
}

} // namespace neurotlm
