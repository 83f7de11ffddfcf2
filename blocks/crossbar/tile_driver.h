#pragma once
/// @brief Driver for a crossbar tile: turns "program these weights" and "multiply this vector"
/// into register accesses. start_mvm() and collect() are separate so an initiator can start
/// several tiles before collecting any: the tiles then work in parallel in simulated time.

#include <cstdint>
#include <string>
#include <vector>

#include "neurotlm/drivers/initiator.h"

namespace neurotlm {

class CrossbarTileDriver {
public:
    CrossbarTileDriver(Initiator& bus, std::uint64_t base, std::string name = {});

    /// Reads ROWS/COLS from the tile (checks the ID register first).
    void probe();
    int rows() const { return m_rows; }
    int cols() const { return m_cols; }
    std::uint64_t base() const { return m_base; }
    const std::string& name() const { return m_name; }

    /// Program a rows x cols block (row-major, row = input) with |w| <= w_max.
    void program(const float* weights, int rows, int cols, float w_max);
    void set_input_range(float x_max);
    void set_output_range(float y_max);

    /// The hardware width of an input and of an output element (tile_widths.h): transfers
    /// of the input and output windows are charged at these bits; 0 = as float32.
    void set_element_bits(int input_bits, int output_bits) {
        m_input_bits = input_bits;
        m_output_bits = output_bits;
    }

    void start_mvm(const float* x, int n);
    /// Start the same multiply on every tile of @p tiles (tiles that share one input): the
    /// input is written once to all of them by a multicast, then one multicast MVM command
    /// starts them together. The width is the first tile's.
    static void start_mvm(Initiator& bus, const std::vector<CrossbarTileDriver*>& tiles,
                          const float* x, int n);
    /// Offer the tile @p count coming MVMs (input b: @p n values at x + b * n; outputs: @p cols
    /// values at y + b * cols) to compute together now; true if it did. The MVMs are then
    /// started and collected as usual and give these outputs; simulated time and energy are
    /// booked by them, not here (Initiator::look_ahead).
    bool look_ahead(const float* x, int count, int n, float* y, int cols);
    /// Waits (in simulated time) for the MVM and reads @p n outputs.
    void collect(float* y, int n);

private:
    void command(std::uint32_t code, const char* what);
    Initiator& m_bus;
    std::uint64_t m_base;
    std::string m_name;
    int m_rows = 0;
    int m_cols = 0;
    int m_input_bits = 0;
    int m_output_bits = 0;
};

} // namespace neurotlm
