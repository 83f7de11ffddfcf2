#include "neurotlm/blocks/crossbar/tile_module.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "neurotlm/blocks/crossbar/tile_registers.h"
#include "neurotlm/core/cycles.h"
#include "neurotlm/core/error.h"
#include "neurotlm/devices/library.h"
#include "neurotlm/modules/registry.h"

namespace neurotlm {

namespace {

CrossbarSpec spec_from(const Params& p, const ComponentContext& ctx, double clock_Hz) {
    CrossbarSpec s = CrossbarSpec::table().build(p);
    if (s.mapping == WeightMapping::differential && s.cols % 2 != 0)
        p.fail("cols", "an even number of columns for the differential mapping (two per weight)",
               std::to_string(s.cols));
    if (!ctx.devices) throw std::logic_error("crossbar_tile built without a device library");
    s.cell = ctx.devices->resolve(p.string("device"), p.file(), p.pointer_of("device"));
    s.clock_Hz = clock_Hz;
    if (s.ir_drop && s.wire_resistance_ohm <= 0.0)
        p.fail("wire_resistance", "a wire resistance > 0 when ir_drop is true", "0");
    if (const std::string why = s.slicing_problem(); !why.empty())
        p.fail("weight_bits", "a weight code the tile's columns can hold", why);
    s.derive_periphery(ctx.tech());
    return s;
}

} // namespace

ParamTable CrossbarTile::param_table() {
    ParamTable t = CrossbarSpec::table().params();
    // How an analog sample meets the rows: IMAC-Sim's tiles take the previous layer's neurons on
    // their first rows and drive the bias row from VDD, not from a neuron.
    t.integer("ain_rows", 0,
              "rows an analog sample on ain drives, from the first (the port's width); 0 = all "
              "rows",
              0, 4096)
        .integer("bias_rows", 0,
                 "rows after the ain rows that every analog sample drives at the full read "
                 "voltage from the supply (a layer's bias row); ain_rows + bias_rows <= rows",
                 0, 4096);
    add_common_params(t);
    return t;
}

double CrossbarTile::estimate_bytes(const Params& p) {
    const double rows = static_cast<double>(p.integer("rows"));
    const double cols = static_cast<double>(p.integer("cols"));
    // Offset-binary and two's-complement mappings read against a physical reference column.
    const double physical_cols = cols + (p.string("mapping") == "differential" ? 0.0 : 1.0);
    // Per physical cell: level, conductance, fault; per logical cell (at most one a column):
    // the weights window, effective weight and noise variance; the device's level tables (at
    // most 1024 levels of a conductance and a digit); per row and column, scratch vectors of a
    // read (at most eight of eight bytes).
    double bytes = rows * physical_cols * (4 + 8 + sizeof(CellFault)) + rows * cols * (4 + 4 + 4) +
                   1024.0 * (8 + 4) + (rows + cols) * 64.0;
    // Bit-sliced weights keep a signal matrix and its noise variances (at most one signal a
    // column).
    if (p.integer("weight_bits") > 0) bytes += rows * cols * (4 + 4);
    if (p.boolean("ir_drop")) {
        // Sparse factor of the 2 x rows x columns node grid: about min(rows, columns) entries a
        // node.
        bytes += 2.0 * rows * physical_cols * std::min(rows, physical_cols) * 12.0;
    }
    // The scratch of a chunk of reads computed together (Crossbar::mvm_batch, up to
    // Crossbar::kBatchChunk inputs, each in one read per input slice): per read and row the
    // value, its square and the driven-row list; per read and signal the value and its noise
    // variance.
    const CrossbarSpec s = CrossbarSpec::table().build(p);
    const double slices =
        std::ceil(static_cast<double>(s.input_bits) / static_cast<double>(std::max(1, s.dac.bits)));
    bytes +=
        Crossbar::kBatchChunk * slices * (rows * (4.0 + 4.0 + 4.0) + physical_cols * (4.0 + 4.0));
    return bytes;
}

double CrossbarTile::read_ahead_bytes(const Params& p) {
    // Per read computed ahead: its inputs, its outputs, its costs and the read noise's state.
    return static_cast<double>(p.integer("rows") + p.integer("cols")) * sizeof(float) +
           sizeof(CrossbarCost) + sizeof(RngStream);
}

std::vector<AnalogPortSpec> CrossbarTile::analog_ports(const Params& p) {
    const CrossbarSpec s = CrossbarSpec::table().build(p);
    std::vector<AnalogPortSpec> ports;
    const int ain_rows =
        p.integer("ain_rows") > 0 ? static_cast<int>(p.integer("ain_rows")) : s.rows;
    const int bias_rows = static_cast<int>(p.integer("bias_rows"));
    if (ain_rows + bias_rows > s.rows)
        p.fail(p.integer("ain_rows") > 0 ? "ain_rows" : "bias_rows",
               "ain_rows + bias_rows at most the tile's " + std::to_string(s.rows) + " rows",
               std::to_string(ain_rows) + " + " + std::to_string(bias_rows));
    AnalogPortSpec in;
    in.name = "ain";
    in.signal = AnalogSignal::voltage;
    in.width = ain_rows;
    in.description = bias_rows > 0 ? "row voltages (V) of the first ain_rows rows; each sample "
                                     "starts an MVM without the DAC, bias rows at full scale"
                                   : "row voltages (V); each sample starts an MVM without the DAC";
    ports.push_back(in);
    if (!s.sliced()) {
        AnalogPortSpec out;
        out.name = "aout";
        out.output = true;
        out.signal = AnalogSignal::current;
        out.width = s.cols / s.columns_per_weight();
        out.wires_per_value = s.mapping == WeightMapping::differential ? 2 : 1;
        out.description = "differential column currents (A, I+ - I- or I - I_ref) of each MVM, "
                          "without the ADC";
        ports.push_back(out);
    }
    return ports;
}

CrossbarTile::CrossbarTile(const sc_core::sc_module_name& name, const Params& params,
                           const ComponentContext& context)
    : Component(name, params, context, crossbar::regs::register_map()) {
    const CrossbarSpec spec = spec_from(params, context, clock_Hz());
    m_xbar = std::make_unique<Crossbar>(spec, rng().derive("crossbar"));
    m_rows = static_cast<std::uint32_t>(m_xbar->logical_rows());
    m_cols = static_cast<std::uint32_t>(m_xbar->logical_cols());
    m_input.assign(m_rows, 0.0f);
    m_output.assign(m_cols, 0.0f);
    m_weights.assign(static_cast<std::size_t>(m_rows) * m_cols, 0.0f);

    namespace r = crossbar::regs;
    regmap::RegisterBank& regs = registers();
    regs.bind(r::ROWS, [this] { return m_rows; });
    regs.bind(r::COLS, [this] { return m_cols; });
    regs.bind(r::ROWS_USED, m_rows_used);
    regs.bind(r::COLS_USED, m_cols_used);
    m_rows_used = m_rows;
    m_cols_used = m_cols;
    regs.bind(r::WEIGHT_RANGE, m_weight_range);
    regs.bind(r::INPUT_RANGE, m_input_range, [this] {
        if (std::isfinite(m_input_range) && m_input_range >= kMinInputRange)
            m_xbar->set_input_range(m_input_range);
    });
    regs.bind(r::OUTPUT_RANGE, m_output_range, [this] {
        if (std::isfinite(m_output_range) && m_output_range >= 0)
            m_xbar->set_output_range(m_output_range);
    });
    regs.bind(r::INPUT, m_input);
    regs.bind(r::OUTPUT, m_output);
    regs.bind(r::WEIGHTS, m_weights);
    regs.check_complete();

    m_actions = ledger().declare(m_xbar->energy_table());
    ledger().set_leakage_power(m_xbar->leakage_W());
    for (const AnalogPortSpec& p : analog_ports(params)) {
        if (p.output)
            m_aout = &add_analog_out(p);
        else
            m_ain = &add_analog_in(p, [this](const std::vector<double>& v,
                                             const sc_core::sc_time& t) { on_row_voltages(v, t); });
    }
    m_ain_rows = static_cast<std::uint32_t>(m_ain->spec().width);
    m_bias_rows = static_cast<std::uint32_t>(params.integer("bias_rows"));
    m_row_V.assign(m_rows, 0.0f);
}

void CrossbarTile::sync_terminations() {
    if (!m_aout || !m_aout->connected()) return;
    const std::size_t n = static_cast<std::size_t>(m_xbar->logical_cols());
    m_term.assign(n, LineTermination{});
    std::vector<int> receivers(n, 0);
    bool loaded = false;
    for (const AnalogOut::Link& l : m_aout->links()) {
        const LineTermination& t = l.in->termination();
        loaded = loaded || !t.virtual_ground();
        for (int k = l.first; k < l.first + l.count; ++k) {
            m_term[static_cast<std::size_t>(k)] = t;
            ++receivers[static_cast<std::size_t>(k)];
        }
    }
    if (loaded)
        for (std::size_t k = 0; k < n; ++k)
            if (receivers[k] > 1)
                throw InputError(std::string(name()) + ".aout: output " + std::to_string(k) +
                                 " goes to " + std::to_string(receivers[k]) +
                                 " receivers and one of them loads its lines (a difference "
                                 "amplifier): a pair of lines can end in one readout only");
    try {
        m_xbar->set_terminations(m_term);
    } catch (const InputError& e) {
        throw InputError(std::string(name()) + ".aout: " + e.what());
    }
}

std::uint64_t CrossbarTile::finish_analog_read(const CrossbarCost& read,
                                               const sc_core::sc_time& done) {
    EnergyLedger& l = ledger();
    l.book(m_actions[kArrayRead], read.reads, read.array_energy_J);
    ++m_mvms;
    ++m_analog_mvms;
    if (m_aout && m_aout->connected()) {
        const double a = m_xbar->amperes_per_output();
        std::vector<double> i_A(m_cols);
        for (std::uint32_t j = 0; j < m_cols; ++j)
            i_A[j] = static_cast<double>(m_output[j]) * a;
        m_aout->send(i_A, done);
        return 0;
    }
    const CrossbarCost c = m_xbar->convert(m_output.data());
    l.book(m_actions[kAdcConversion], c.adc_conversions);
    l.book(m_actions[kShiftAdd], c.shift_adds);
    l.book(m_actions[kColumnMux], c.mux_phases);
    return c.cycles;
}

void CrossbarTile::on_row_voltages(const std::vector<double>& v_V,
                                   const sc_core::sc_time& arrival) {
    std::uint32_t error = regmap::kErrNone.value;
    if (!m_programmed)
        error = regmap::kErrNotProgrammed.value;
    else if (!std::isfinite(m_input_range) || !(m_input_range >= kMinInputRange))
        error = regmap::kErrBadRange.value;
    if (error != regmap::kErrNone.value) {
        // Nothing to compute with: the sample is refused, as a command would be.
        refuse(error);
        return;
    }
    // The link's rows, then the bias rows at the full read voltage from the supply, the rest
    // undriven.
    const float full_V = static_cast<float>(m_xbar->spec().cell.read_voltage_V);
    for (std::uint32_t i = 0; i < m_rows; ++i)
        m_row_V[i] = i < m_ain_rows                 ? static_cast<float>(v_V[i])
                     : i < m_ain_rows + m_bias_rows ? full_V
                                                    : 0.0f;
    sync_terminations();
    const CrossbarCost read = m_xbar->analog_read(m_row_V.data(), m_output.data());
    // The output leaves on aout after the read; the ADC, if used, adds its cycles.
    const sc_core::sc_time start = busy_until() > arrival ? busy_until() : arrival;
    const std::uint64_t convert = finish_analog_read(read, start + cycles(read.cycles));
    occupy(arrival, read.cycles + convert);
}

double CrossbarTile::area_m2() const {
    return m_xbar->area_m2();
}

std::uint64_t CrossbarTile::execute(std::uint32_t code, const sc_core::sc_time& start,
                                    std::uint32_t& error) {
    switch (code) {
    case crossbar::regs::PROGRAM.value: {
        if (m_rows_used == 0 || m_cols_used == 0 || m_rows_used > m_rows || m_cols_used > m_cols) {
            error = regmap::kErrBadSize.value;
            return 0;
        }
        if (!std::isfinite(m_weight_range) || m_weight_range <= 0) {
            error = regmap::kErrBadRange.value;
            return 0;
        }
        const CrossbarCost c = m_xbar->program(m_weights.data(), static_cast<int>(m_rows_used),
                                               static_cast<int>(m_cols_used), m_weight_range);
        ledger().book(m_actions[kCellWrite], c.cell_writes);
        m_programmed = true;
        return c.cycles;
    }
    case crossbar::regs::MVM.value: {
        if (!m_programmed) {
            error = regmap::kErrNotProgrammed.value;
            return 0;
        }
        if (!std::isfinite(m_input_range) || !(m_input_range >= kMinInputRange)) {
            error = regmap::kErrBadRange.value;
            return 0;
        }
        if (m_aout && m_aout->connected()) {
            // The outputs stay analog: the row drivers apply the quantised inputs in one read
            // and the column currents leave on aout, with no ADC.
            m_xbar->row_voltages(m_input.data(), m_row_V.data());
            sync_terminations();
            const CrossbarCost read = m_xbar->analog_read(m_row_V.data(), m_output.data());
            std::uint64_t driven = 0;
            for (float v : m_row_V)
                driven += v != 0.0f ? 1 : 0;
            ledger().book(m_actions[kDacConversion], driven);
            const std::uint64_t latency =
                read.cycles + cycles_for(m_xbar->spec().dac.latency_s, clock_Hz());
            finish_analog_read(read, start + cycles(latency));
            return latency;
        }
        const CrossbarCost c = m_xbar->mvm(m_input.data(), m_output.data());
        EnergyLedger& l = ledger();
        l.book(m_actions[kArrayRead], c.reads, c.array_energy_J);
        l.book(m_actions[kDacConversion], c.dac_conversions);
        l.book(m_actions[kAdcConversion], c.adc_conversions);
        l.book(m_actions[kShiftAdd], c.shift_adds);
        l.book(m_actions[kColumnMux], c.mux_phases);
        ++m_mvms;
        return c.cycles;
    }
    default: error = regmap::kErrBadCommand.value; return 0;
    }
}

bool CrossbarTile::look_ahead(const LookAheadRequest& r) {
    if (!m_programmed || (m_aout && m_aout->connected())) return false;
    if (!std::isfinite(m_input_range) || !(m_input_range >= kMinInputRange)) return false;
    if (r.count <= 0 || r.width < 0 || r.width > static_cast<int>(m_rows) || r.out_width < 0 ||
        r.out_width > static_cast<int>(m_cols) || !r.inputs || !r.outputs)
        return false;
    const std::size_t rows = m_input.size();
    const std::size_t cols = static_cast<std::size_t>(m_xbar->logical_cols());
    const std::size_t n = static_cast<std::size_t>(r.count);
    const std::size_t width = static_cast<std::size_t>(r.width);
    m_ahead_in.resize(n * rows);
    for (std::size_t b = 0; b < n; ++b) {
        float* const in = m_ahead_in.data() + b * rows;
        std::copy(m_input.begin(), m_input.end(), in);
        std::copy_n(r.inputs + b * width, width, in);
    }
    m_ahead_out.resize(n * cols);
    if (!m_xbar->look_ahead(m_ahead_in.data(), r.count, m_ahead_out.data())) return false;
    const std::size_t out_width = static_cast<std::size_t>(r.out_width);
    for (std::size_t b = 0; b < n; ++b)
        std::copy_n(m_ahead_out.data() + b * cols, out_width, r.outputs + b * out_width);
    return true;
}

void CrossbarTile::collect_stats(StatSet& stats) const {
    stats.set("mvms", static_cast<double>(m_mvms), Unit::none, "matrix-vector multiplications");
    stats.set("analog_mvms", static_cast<double>(m_analog_mvms), Unit::none,
              "MVMs read without converters (analog input or output)");
    stats.set("rows", m_rows, Unit::none, "logical rows (inputs)");
    stats.set("cols", m_cols, Unit::none, "logical columns (outputs)");
    const CrossbarSpec& s = m_xbar->spec();
    stats.set("cells_per_weight", s.columns_per_weight(), Unit::none,
              "physical columns one weight takes (slices, x2 for differential pairs)");
    stats.set("partial_sum_bits", s.partial_sum_bits(), Unit::none,
              "width of the partial sums the shift-adders hold and the tile outputs");
    stats.set("adcs", s.adc_count(), Unit::none, "converters (each with its shift-adder)");
    for (const auto& part : m_xbar->area_parts_m2())
        stats.set("area_" + part.first, part.second, Unit::square_metre,
                  "area of the tile's " + part.first);
}

NEUROTLM_REGISTER_COMPONENT("crossbar_tile", CrossbarTile,
                            "analog crossbar tile: resistive cells with DAC/ADC periphery, "
                            "matrix-vector multiply in memory");

} // namespace neurotlm
