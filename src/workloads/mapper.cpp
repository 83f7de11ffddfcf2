#include "neurotlm/workloads/mapper.h"

#include <algorithm>
#include <stdexcept>

#include "neurotlm/core/error.h"

namespace neurotlm {

namespace {
int ceil_div(int a, int b) {
    return (a + b - 1) / b;
}
} // namespace

TileMapper::TileMapper(std::vector<const ComponentInfo*> tiles, const std::string& file,
                       const std::string& pointer, const DeviceLibrary& devices)
    : m_tiles(std::move(tiles)) {
    m_specs.reserve(m_tiles.size());
    for (const auto* t : m_tiles) {
        if (t->type != "crossbar_tile")
            throw ConfigError(file, pointer, "crossbar_tile components",
                              t->name + " is a " + t->type);
        if (!t->reachable)
            throw ConfigError(file, pointer, "tiles the controller can reach",
                              t->name + " is not connected to the controller");
        CrossbarSpec spec = CrossbarSpec::table().build(*t->params);
        const Params& p = *t->params;
        spec.cell = devices.resolve(p.string("device"), p.file(), p.pointer_of("device"));
        if (const std::string why = spec.slicing_problem(); !why.empty())
            p.fail("weight_bits", "a weight code the tile's columns can hold", why);
        if (m_specs.empty()) {
            m_tile_rows = spec.rows;
            m_tile_cols = spec.logical_cols();
        } else if (spec.rows != m_tile_rows || spec.logical_cols() != m_tile_cols) {
            throw ConfigError(file, pointer, "tiles of one size",
                              m_tiles.front()->name + " and " + t->name + " differ");
        }
        m_specs.push_back(spec);
    }
}

std::int64_t TileMapper::tiles_for(int inputs, int outputs) const {
    return std::int64_t{ceil_div(inputs, m_tile_rows)} * ceil_div(outputs, m_tile_cols);
}

MatrixMap TileMapper::place(const std::vector<float>& matrix, int inputs, int outputs) {
    if (m_next + static_cast<std::size_t>(tiles_for(inputs, outputs)) > m_tiles.size())
        throw std::logic_error("TileMapper::place: not enough tiles (check tiles_for first)");
    MatrixMap map;
    map.row_blocks = ceil_div(inputs, m_tile_rows);
    map.col_blocks = ceil_div(outputs, m_tile_cols);
    for (int rb = 0; rb < map.row_blocks; ++rb) {
        for (int cb = 0; cb < map.col_blocks; ++cb) {
            TileBlock b;
            b.tile = m_tiles[m_next]->name;
            b.input_bits = m_specs[m_next].input_bits;
            b.dac_bits = m_specs[m_next].dac.bits;
            b.spec = &m_specs[m_next];
            ++m_next;
            b.row0 = rb * m_tile_rows;
            b.rows = std::min(m_tile_rows, inputs - b.row0);
            b.col0 = cb * m_tile_cols;
            b.cols = std::min(m_tile_cols, outputs - b.col0);
            b.weights.assign(static_cast<std::size_t>(b.rows) * b.cols, 0.0f);
            for (int r = 0; r < b.rows; ++r)
                for (int c = 0; c < b.cols; ++c)
                    b.weights[static_cast<std::size_t>(r) * b.cols + c] =
                        matrix[static_cast<std::size_t>(b.row0 + r) * outputs + b.col0 + c];
            map.blocks.push_back(std::move(b));
        }
    }
    return map;
}

bool TileMapper::place_copy(MatrixMap& map) {
    if (map.blocks.empty() || map.blocks.size() > free_tiles()) return false;
    for (std::size_t k = 0; k < map.blocks.size(); ++k)
        map.copy_tiles.push_back(m_tiles[m_next++]->name);
    return true;
}

void TileMapper::observe(MatrixMap& map, const std::vector<float>& x) {
    for (auto& b : map.blocks) {
        if (b.signal.empty())
            b.signal_cols = Crossbar::signal_matrix(*b.spec, b.weights.data(), b.rows, b.cols,
                                                    map.w_max, b.signal);
        b.y_max = std::max(b.y_max, Crossbar::max_slice_output(
                                        b.signal.data(), b.rows, b.signal_cols, x.data() + b.row0,
                                        map.x_max, b.spec->input_bits, b.spec->dac.bits));
    }
}

void TileMapper::finish(MatrixMap& map, float margin) {
    for (auto& b : map.blocks) {
        b.y_max =
            b.y_max > 0 ? b.y_max * margin : (b.spec->sliced() ? map.x_max : map.w_max * map.x_max);
        b.signal = std::vector<float>();
        b.signal_cols = 0;
    }
}

} // namespace neurotlm
