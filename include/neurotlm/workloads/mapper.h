#pragma once
/// @brief Placing weight matrices on crossbar tiles, weight-stationary: a matrix of inputs x
/// outputs (a bias as its last input row, driven at the input range) is cut into tile-sized
/// blocks, one tile per block, and each block's ADC range is calibrated per input slice on
/// sample inputs. Shared by every workload that maps layers onto tiles.

#include <cstdint>
#include <string>
#include <vector>

#include "neurotlm/blocks/crossbar/crossbar.h"
#include "neurotlm/devices/library.h"
#include "neurotlm/drivers/run_context.h"

namespace neurotlm {

/// One block of a matrix on one tile.
struct TileBlock {
    std::string tile;       ///< component name
    int row0 = 0, rows = 0; ///< input rows (the last block of a column holds the bias row)
    int col0 = 0, cols = 0; ///< output columns
    float y_max = 0.0f;     ///< calibrated ADC range (one slice read, see Crossbar)
    int input_bits = 8;     ///< the tile's input precision and DAC slice width
    int dac_bits = 1;
    const CrossbarSpec* spec =
        nullptr;                ///< the tile's spec (its cell resolved), owned by the mapper
    std::vector<float> weights; ///< rows x cols as programmed
    /// Crossbar::signal_matrix() of the weights, kept while calibrating (observe()); emptied
    /// by finish().
    std::vector<float> signal;
    int signal_cols = 0;
};

/// A matrix cut into blocks, with the ranges every block of it shares.
struct MatrixMap {
    int row_blocks = 0, col_blocks = 0;
    float w_max = 1.0f;            ///< |w| at the highest conductance
    float x_max = 1.0f;            ///< |x| at the full read voltage
    std::vector<TileBlock> blocks; ///< row-block major
    /// Weight duplication: the tiles of the copies after the first, copy-major (copy r's block
    /// k is copy_tiles[(r - 1) * blocks.size() + k]); each holds what blocks[k] holds.
    std::vector<std::string> copy_tiles;
    int copies() const {
        return blocks.empty() ? 1 : 1 + static_cast<int>(copy_tiles.size() / blocks.size());
    }
};

class TileMapper {
public:
    /// @p tiles in the order they are used; all crossbar tiles of one geometry that the
    /// controller can reach, else ConfigError at @p file / @p pointer. Their cells are resolved
    /// through @p devices (the cell decides how many columns a sliced weight takes).
    TileMapper(std::vector<const ComponentInfo*> tiles, const std::string& file,
               const std::string& pointer, const DeviceLibrary& devices);

    int tile_rows() const { return m_tile_rows; }
    /// Logical outputs per tile.
    int tile_cols() const { return m_tile_cols; }
    std::size_t tiles() const { return m_tiles.size(); }
    /// The spec of the tile place() uses next (the first tile once all are used).
    const CrossbarSpec& next_spec() const { return m_specs[m_next < m_specs.size() ? m_next : 0]; }
    /// Tiles an @p inputs x @p outputs matrix needs.
    std::int64_t tiles_for(int inputs, int outputs) const;

    /// @brief Cut @p inputs x @p outputs (row-major, row = input) onto the next free tiles.
    /// The blocks get their weights; ranges and ADC ranges are set by calibrate().
    MatrixMap place(const std::vector<float>& matrix, int inputs, int outputs);

    /// @brief One more copy of @p map on the next free tiles (its names appended to
    /// map.copy_tiles); false, and nothing taken, when too few tiles are left.
    bool place_copy(MatrixMap& map);
    /// Tiles not yet placed on.
    std::size_t free_tiles() const { return m_tiles.size() - m_next; }

    /// @brief Widen each block's ADC range to cover the largest output of any one input slice
    /// of @p x (the matrix's inputs, x_max already set on @p map).
    static void observe(MatrixMap& map, const std::vector<float>& x);
    /// @brief After observe() on every sample: scale the ranges by @p margin; a block that saw
    /// no output gets the largest output the weights allow.
    static void finish(MatrixMap& map, float margin);

private:
    std::vector<const ComponentInfo*> m_tiles;
    std::vector<CrossbarSpec> m_specs; ///< one per tile; never resized after construction
    int m_tile_rows = 0, m_tile_cols = 0;
    std::size_t m_next = 0;
};

} // namespace neurotlm
