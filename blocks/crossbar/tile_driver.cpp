#include "neurotlm/blocks/crossbar/tile_driver.h"

#include <string>

#include "neurotlm/blocks/crossbar/tile_registers.h"

namespace neurotlm {

namespace r = crossbar::regs;

namespace {
const char* error_text(std::uint32_t code) {
    return r::register_map().error_text(code);
}
} // namespace

CrossbarTileDriver::CrossbarTileDriver(Initiator& bus, std::uint64_t base, std::string name)
    : m_bus(bus), m_base(base), m_name(std::move(name)) {}

void CrossbarTileDriver::probe() {
    const std::uint32_t id = m_bus.read32(m_base + regmap::ID.offset);
    const std::uint32_t type = m_bus.read32(m_base + regmap::TYPE.offset);
    if (id != regmap::kIdMagic || type != r::kTypeCode)
        throw BusError("component '" + m_name + "' at its address is not a crossbar tile");
    m_rows = static_cast<int>(m_bus.read32(m_base + r::ROWS.offset));
    m_cols = static_cast<int>(m_bus.read32(m_base + r::COLS.offset));
}

void CrossbarTileDriver::command(std::uint32_t code, const char* what) {
    m_bus.write32(m_base + regmap::CTRL.offset, code);
    const std::uint32_t status = m_bus.read32(m_base + regmap::STATUS.offset);
    if (status & regmap::kStatusError) {
        const std::uint32_t err = m_bus.read32(m_base + regmap::ERROR_CODE.offset);
        throw BusError("tile '" + m_name + "' refused " + what + ": " + error_text(err));
    }
}

void CrossbarTileDriver::program(const float* weights, int rows, int cols, float w_max) {
    m_bus.write32(m_base + r::ROWS_USED.offset, static_cast<std::uint32_t>(rows));
    m_bus.write32(m_base + r::COLS_USED.offset, static_cast<std::uint32_t>(cols));
    m_bus.write_float(m_base + r::WEIGHT_RANGE.offset, w_max);
    m_bus.write(m_base + r::WEIGHTS.offset, weights,
                static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols) * sizeof(float));
    command(r::PROGRAM.value, "PROGRAM");
}

void CrossbarTileDriver::set_input_range(float x_max) {
    m_bus.write_float(m_base + r::INPUT_RANGE.offset, x_max);
}

void CrossbarTileDriver::set_output_range(float y_max) {
    m_bus.write_float(m_base + r::OUTPUT_RANGE.offset, y_max);
}

namespace {
ElementWidth floats_of(int bits) {
    return bits > 0 ? ElementWidth{sizeof(float), static_cast<unsigned>(bits)} : ElementWidth{};
}
} // namespace

void CrossbarTileDriver::start_mvm(const float* x, int n) {
    m_bus.write_as(m_base + r::INPUT.offset, x, static_cast<std::size_t>(n) * sizeof(float),
                   floats_of(m_input_bits));
    m_bus.write32(m_base + regmap::CTRL.offset, r::MVM.value);
}

void CrossbarTileDriver::start_mvm(Initiator& bus, const std::vector<CrossbarTileDriver*>& tiles,
                                   const float* x, int n) {
    if (tiles.empty()) return;
    std::vector<std::uint64_t> inputs, ctrls;
    for (const CrossbarTileDriver* t : tiles) {
        inputs.push_back(t->m_base + r::INPUT.offset);
        ctrls.push_back(t->m_base + regmap::CTRL.offset);
    }
    bus.multicast_write(inputs, x, static_cast<std::size_t>(n) * sizeof(float),
                        floats_of(tiles.front()->m_input_bits));
    const std::uint32_t mvm = r::MVM.value;
    bus.multicast_write(ctrls, &mvm, sizeof mvm);
}

void CrossbarTileDriver::collect(float* y, int n) {
    try {
        m_bus.read_as(m_base + r::OUTPUT.offset, y, static_cast<std::size_t>(n) * sizeof(float),
                      floats_of(m_output_bits));
    } catch (const BusError&) {
        // The tile refuses to hand out the results of a failed command; say why. Any other
        // refusal (a read beyond the window) is the caller's and passes through as it is.
        const std::uint32_t err = m_bus.read32(m_base + regmap::ERROR_CODE.offset);
        if (err == regmap::kErrNone.value) throw;
        throw BusError("tile '" + m_name + "' refused MVM: " + error_text(err));
    }
}

bool CrossbarTileDriver::look_ahead(const float* x, int count, int n, float* y, int cols) {
    LookAheadRequest r;
    r.inputs = x;
    r.count = count;
    r.width = n;
    r.outputs = y;
    r.out_width = cols;
    return m_bus.look_ahead(m_base, r);
}

} // namespace neurotlm
