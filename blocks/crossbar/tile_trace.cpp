// Trace operations on crossbar tiles (the `trace` workload): program, input_range,
// output_range, mvm, start, collect.

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "neurotlm/blocks/crossbar/crossbar.h"
#include "neurotlm/blocks/crossbar/tile_driver.h"
#include "neurotlm/core/error.h"
#include "neurotlm/devices/library.h"
#include "neurotlm/drivers/trace_ops.h"

namespace neurotlm {

namespace {

using trace::json;

class TileTrace;

/// The tile's spec with its cell (which decides the outputs of a sliced tile).
CrossbarSpec spec_of(const ComponentInfo& info) {
    CrossbarSpec spec = CrossbarSpec::table().build(*info.params);
    const Params& p = *info.params;
    if (info.devices)
        spec.cell = info.devices->resolve(p.string("device"), p.file(), p.pointer_of("device"));
    return spec;
}

/// Steps call their tile's driver, which exists only at replay.
class TileStep : public trace::Step {
public:
    explicit TileStep(TileTrace& tile) : m_tile(tile) {}

protected:
    CrossbarTileDriver& driver();
    TileTrace& m_tile;
};

class TileTrace : public trace::Component {
public:
    explicit TileTrace(const ComponentInfo& info) : m_name(info.name) {
        const CrossbarSpec spec = spec_of(info);
        m_rows = spec.rows;
        m_cols = spec.logical_cols();
    }
    std::unique_ptr<trace::Step> parse(const std::string& op, const json& j,
                                       const trace::Line& line) override;
    void attach(Initiator& bus, std::uint64_t address) override {
        m_driver = std::make_unique<CrossbarTileDriver>(bus, address, m_name);
    }
    /// The driver, checking the block on first use (so the check is booked with that use).
    CrossbarTileDriver& driver() {
        if (!m_probed) m_driver->probe();
        m_probed = true;
        return *m_driver;
    }
    const std::string& name() const { return m_name; }

private:
    std::unique_ptr<trace::Step> program(const json& j, const trace::Line& line);
    std::unique_ptr<trace::Step> multiply(const std::string& op, const json& j,
                                          const trace::Line& line);
    /// Refuse (at @p pointer of @p line) a programme and input range whose outputs could
    /// overflow the tile's float32.
    void check_output_bound(const trace::Line& line, const std::string& pointer) const;

    std::string m_name;
    int m_rows = 0, m_cols = 0;           ///< the tile's inputs and outputs
    int m_used_rows = 0, m_used_cols = 0; ///< the programmed block
    bool m_programmed = false;
    double m_column_sum = 0.0;  ///< max_j sum_i |w_ij| of the programmed block
    double m_input_range = 1.0; ///< the tile's INPUT_RANGE as the trace leaves it (reset: 1)
    bool m_started = false;     ///< a start waits for its collect
    int m_started_rows = 0;
    std::unique_ptr<CrossbarTileDriver> m_driver;
    bool m_probed = false;
};

CrossbarTileDriver& TileStep::driver() {
    return m_tile.driver();
}

class Program : public TileStep {
public:
    Program(TileTrace& t, std::shared_ptr<const std::vector<float>> w, int rows, int cols,
            float range)
        : TileStep(t), m_w(std::move(w)), m_rows(rows), m_cols(cols), m_range(range) {}
    void run(trace::Replay& r) override {
        r.setup([&] { driver().program(m_w->data(), m_rows, m_cols, m_range); });
    }

private:
    /// Shared with every other line that programs the same .npy file.
    std::shared_ptr<const std::vector<float>> m_w;
    int m_rows, m_cols;
    float m_range;
};

class SetRange : public TileStep {
public:
    SetRange(TileTrace& t, bool input, float value) : TileStep(t), m_input(input), m_value(value) {}
    void run(trace::Replay&) override {
        if (m_input)
            driver().set_input_range(m_value);
        else
            driver().set_output_range(m_value);
    }

private:
    bool m_input;
    float m_value;
};

/// mvm (start and collect), start, or collect. The input is padded to the tile's rows once,
/// when the trace is loaded.
class Multiply : public TileStep {
public:
    enum class Mode { mvm, start, collect };
    Multiply(TileTrace& t, Mode mode, std::vector<float> x, int line, int rows, int cols)
        : TileStep(t), m_mode(mode), m_x(std::move(x)), m_line(line), m_rows(rows), m_cols(cols) {}
    void run(trace::Replay& r) override {
        if (m_mode != Mode::collect) driver().start_mvm(m_x.data(), static_cast<int>(m_x.size()));
        if (m_mode == Mode::start) return;
        std::vector<float> out(static_cast<std::size_t>(m_cols), 0.0f);
        driver().collect(out.data(), m_cols);
        // The load-time bound leaves headroom; should a read still overflow, say so rather than
        // report null.
        for (float v : out)
            if (!std::isfinite(v))
                throw InputError("trace line " + std::to_string(m_line) + ": " + m_tile.name() +
                                 "'s output overflowed float32 (lower the weights or the input "
                                 "range, or the device's variation_sigma and read_noise_sigma)");
        // Multiply-accumulates of the programmed block with the inputs given: 2 ops each.
        r.item(m_line, m_tile.name(), out, 2.0 * m_rows * m_cols);
    }
    std::uint64_t items() const override { return m_mode == Mode::start ? 0 : 1; }

private:
    Mode m_mode;
    std::vector<float> m_x;
    int m_line, m_rows, m_cols;
};

std::unique_ptr<trace::Step> TileTrace::program(const json& j, const trace::Line& line) {
    const std::string& where = line.where;
    if (j.contains("weights") == j.contains("weights_npy"))
        throw ConfigError(where, "/weights",
                          "either \"weights\" (nested arrays) or \"weights_npy\"",
                          j.contains("weights") ? "both" : "neither");
    std::shared_ptr<const std::vector<float>> weights;
    int rows = 0, cols = 0;
    if (j.contains("weights")) {
        std::vector<float> data;
        const json& w = j["weights"];
        if (!w.is_array() || w.empty())
            throw ConfigError(where, "/weights", "an array of rows (one per input)",
                              describe_json(w));
        for (std::size_t r = 0; r < w.size(); ++r) {
            auto row = trace::float_vector(w[r], "/weights/" + std::to_string(r), where);
            if (r == 0)
                cols = static_cast<int>(row.size());
            else if (static_cast<int>(row.size()) != cols)
                throw ConfigError(where, "/weights/" + std::to_string(r),
                                  "rows of " + std::to_string(cols) + " numbers",
                                  std::to_string(row.size()));
            data.insert(data.end(), row.begin(), row.end());
        }
        rows = static_cast<int>(w.size());
        weights = std::make_shared<const std::vector<float>>(std::move(data));
    } else {
        if (!j["weights_npy"].is_string())
            throw ConfigError(where, "/weights_npy", "a path to a .npy file",
                              describe_json(j["weights_npy"]));
        weights = line.read_matrix(j["weights_npy"].get<std::string>(), "/weights_npy", rows, cols);
    }
    const std::vector<float>& data = *weights;
    if (rows > m_rows || cols > m_cols)
        throw ConfigError(where, "/weights",
                          "at most " + std::to_string(m_rows) + "x" + std::to_string(m_cols) +
                              " weights (the tile's inputs x outputs)",
                          std::to_string(rows) + "x" + std::to_string(cols));
    float wmax = 0;
    for (float v : data)
        wmax = std::max(wmax, std::fabs(v));
    float range = wmax > 0 ? wmax : 1.0f;
    if (j.contains("weight_range")) {
        const json& v = j["weight_range"];
        if (!v.is_number() || !(v.get<float>() > 0) || !std::isfinite(v.get<float>()))
            throw ConfigError(where, "/weight_range", "a number > 0 within float32 range",
                              describe_json(v));
        range = v.get<float>();
        if (wmax > range)
            throw ConfigError(where, "/weight_range",
                              "a range >= max |w| = " + std::to_string(wmax), describe_json(v));
    }
    if (m_started)
        throw ConfigError(where, "/op",
                          "a \"collect\" of " + m_name +
                              "'s running multiply before it is reprogrammed",
                          "\"program\"");
    m_programmed = true;
    m_used_rows = rows;
    m_used_cols = cols;
    m_column_sum = Crossbar::output_bound(data.data(), rows, cols, 1.0);
    check_output_bound(line, j.contains("weights") ? "/weights" : "/weights_npy");
    return std::make_unique<Program>(*this, std::move(weights), rows, cols, range);
}

std::unique_ptr<trace::Step> TileTrace::multiply(const std::string& op, const json& j,
                                                 const trace::Line& line) {
    const std::string& where = line.where;
    if (!m_programmed)
        throw ConfigError(where, "/op", "a \"program\" of " + m_name + " before its first multiply",
                          "\"" + op + "\"");
    if (!j.contains("input")) throw ConfigError(where, "/input", "an input vector", "nothing");
    std::vector<float> x = trace::float_vector(j["input"], "/input", where);
    if (static_cast<int>(x.size()) > m_rows)
        throw ConfigError(where, "/input", "at most " + std::to_string(m_rows) + " inputs",
                          std::to_string(x.size()));
    // The tile has one output buffer: a second multiply before the collect would overwrite the
    // first one's result.
    if (m_started)
        throw ConfigError(where, "/op", "a \"collect\" of " + m_name + "'s running multiply first",
                          "\"" + op + "\"");
    const int rows = std::min(static_cast<int>(x.size()), m_used_rows);
    const bool start_only = op == "start";
    if (start_only) {
        m_started = true;
        m_started_rows = rows;
    }
    x.resize(static_cast<std::size_t>(m_rows), 0.0f);
    return std::make_unique<Multiply>(*this,
                                      start_only ? Multiply::Mode::start : Multiply::Mode::mvm,
                                      std::move(x), line.number, rows, m_used_cols);
}

void TileTrace::check_output_bound(const trace::Line& line, const std::string& pointer) const {
    const double bound = m_column_sum * m_input_range;
    if (bound <= kMaxTileOutput) return;
    char found[160];
    std::snprintf(found, sizeof found,
                  "input range %g times a weight column sum of %g: outputs up to %g", m_input_range,
                  m_column_sum, bound);
    throw ConfigError(line.where, pointer,
                      "weights and an input range whose outputs fit " + m_name +
                          "'s float32 with headroom for variation and noise (input range x "
                          "max_j sum_i |w_ij| <= 3.4e34)",
                      found);
}

std::unique_ptr<trace::Step> TileTrace::parse(const std::string& op, const json& j,
                                              const trace::Line& line) {
    if (op == "program") return program(j, line);
    if (op == "input_range" || op == "output_range") {
        const bool input = op == "input_range";
        const json v = j.value("value", json());
        const bool ok = v.is_number() && std::isfinite(v.get<float>()) &&
                        (input ? v.get<float>() >= kMinInputRange : v.get<float>() >= 0);
        if (!ok)
            throw ConfigError(line.where, "/value",
                              input ? "a number >= 1e-30" : "a number >= 0 (0: automatic)",
                              j.contains("value") ? describe_json(v) : "nothing");
        if (input) {
            m_input_range = v.get<float>();
            check_output_bound(line, "/value");
        }
        return std::make_unique<SetRange>(*this, input, v.get<float>());
    }
    if (op == "mvm" || op == "start") return multiply(op, j, line);
    // collect
    if (!m_started)
        throw ConfigError(line.where, "/op", "a \"start\" on " + m_name + " before \"collect\"",
                          "\"collect\"");
    m_started = false;
    return std::make_unique<Multiply>(*this, Multiply::Mode::collect, std::vector<float>{},
                                      line.number, m_started_rows, m_used_cols);
}

trace::BlockOps tile_trace_ops() {
    trace::BlockOps ops;
    ops.type = "crossbar_tile";
    ops.item_name = "mvm";
    ops.ops = {{"program", {"weights", "weights_npy", "weight_range"}},
               {"input_range", {"value"}},
               {"output_range", {"value"}},
               {"mvm", {"input"}},
               {"start", {"input"}},
               {"collect", {}}};
    ops.create = [](const ComponentInfo& info) { return std::make_unique<TileTrace>(info); };
    ops.step_bytes = [](const ComponentInfo& info) {
        const CrossbarSpec spec = spec_of(info);
        // The input padded to the rows; the output, and its copy recorded in the report (a JSON
        // number each).
        return 4.0 * spec.rows + (4.0 + 16.0) * spec.logical_cols();
    };
    return ops;
}

} // namespace

NEUROTLM_REGISTER_TRACE_OPS(tile_trace_ops);

} // namespace neurotlm
