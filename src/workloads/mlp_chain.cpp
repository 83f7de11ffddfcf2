// Planning an MLP's analog chain (MlpInference::chain()): which tiles feed which neuron bank,
// which bank drives which tiles' rows, read from the platform's analog links and checked
// against the mapping, and the readout gains that make the chain compute the network.
#include <algorithm>
#include <cmath>

#include "neurotlm/blocks/crossbar/crossbar.h"
#include "neurotlm/blocks/neuron_bank/neuron_bank.h"
#include "neurotlm/core/error.h"
#include "neurotlm/workloads/mlp_inference.h"

namespace neurotlm {

namespace {

const AnalogLinkInfo* link_into(const PlatformInfo& platform, const std::string& comp,
                                const std::string& port) {
    for (const auto& k : platform.analog_links)
        if (k.to == comp && k.to_port == port) return &k;
    return nullptr;
}

std::string block_name(const std::string& layer, int rb, int cb, const std::string& tile) {
    return "layer " + layer + ", block (" + std::to_string(rb) + ", " + std::to_string(cb) +
           ") on " + tile;
}

} // namespace

// The chain is read from the links, not declared twice: each tile of a layer sends its column
// currents to the neuron bank of its column block (one part per row block), and each bank's
// outputs reach the rows of the next layer's tiles that take those activations. Anything else
// would compute a different network, so it is refused where the file says it.
void MlpInference::plan_chain_layer(const PlatformInfo& platform, std::size_t l) {
    const std::string& file = platform.file;
    const MatrixMap& lm = m_map[l];
    const Layer& L = m_net.layers[l];
    const bool last = l + 1 == m_net.layers.size();
    ChainLayer layer;
    layer.banks.resize(static_cast<std::size_t>(lm.col_blocks));
    std::vector<std::vector<bool>> part_used(static_cast<std::size_t>(lm.col_blocks));
    for (std::size_t k = 0; k < lm.blocks.size(); ++k) {
        const TileBlock& b = lm.blocks[k];
        const int rb = static_cast<int>(k) / lm.col_blocks;
        const int cb = static_cast<int>(k) % lm.col_blocks;
        const std::string where = block_name(L.name, rb, cb, b.tile);
        const Params& tp = *platform.find(b.tile)->params;

        // Its currents: one link from aout, the block's columns first, into a bank.
        const AnalogLinkInfo* out = nullptr;
        for (const auto& x : platform.analog_links)
            if (x.from == b.tile && x.from_port == "aout") {
                if (out)
                    throw ConfigError(file, x.pointer,
                                      "one link from " + b.tile + ".aout (" + where +
                                          ": its columns feed one neuron bank)",
                                      "a second link");
                out = &x;
            }
        if (!out)
            throw ConfigError(file, "/connections",
                              "a link from " + b.tile + ".aout to a neuron bank (" + where +
                                  "; every tile of an analog chain sends its currents on)",
                              "none");
        const ComponentInfo* bank = platform.find(out->to);
        if (!bank || bank->type != "neuron_bank")
            throw ConfigError(file, out->pointer + "/to", "a neuron_bank input (" + where + ")",
                              "\"" + out->to + "." + out->to_port + "\"");
        if (out->first != 0 || out->count < b.cols)
            throw ConfigError(file, out->pointer,
                              "a link carrying " + b.tile + "'s first " + std::to_string(b.cols) +
                                  " outputs (" + where + " holds outputs " +
                                  std::to_string(b.col0) + " to " +
                                  std::to_string(b.col0 + b.cols - 1) + ")",
                              "values " + std::to_string(out->first) + " to " +
                                  std::to_string(out->first + out->count - 1));
        const NeuronBankSpec spec = NeuronBankSpec::from_params(*bank->params);
        ChainBank& cbank = layer.banks[static_cast<std::size_t>(cb)];
        if (rb == 0) {
            cbank.name = bank->name;
            cbank.col0 = b.col0;
            cbank.cols = b.cols;
            cbank.parts = spec.parts;
            cbank.linear = spec.mode == BankMode::linear;
            cbank.r_unit_ohm = spec.readout.r_unit_ohm;
            cbank.configured_gain = spec.readout.gain;
            cbank.fit_gain = spec.readout.fit_gain;
            cbank.difference = spec.readout.kind == ReadoutKind::difference;
            part_used[static_cast<std::size_t>(cb)].assign(static_cast<std::size_t>(spec.parts),
                                                           false);
            for (const auto& other : layer.banks)
                if (&other != &cbank && other.name == bank->name)
                    throw ConfigError(file, out->pointer + "/to",
                                      "a bank of its own for each column block (" + where + ")",
                                      bank->name + " already takes another column block");
            if (spec.parts != lm.row_blocks)
                bank->params->fail("parts",
                                   std::to_string(lm.row_blocks) + " parts: layer " + L.name +
                                       " is split over " + std::to_string(lm.row_blocks) +
                                       " row blocks (ceil((inputs + 1) / rows)) whose readouts "
                                       "it averages",
                                   std::to_string(spec.parts));
            const bool wants_neuron = L.activation == Activation::reverse_sigmoid;
            const bool fits = cbank.linear ? L.activation == Activation::none : wants_neuron;
            if (!fits || (!last && cbank.linear))
                bank->params->fail(
                    "mode",
                    "a bank that realises layer " + L.name + "'s activation " +
                        to_string(L.activation) +
                        ": \"neuron\" for reverse_sigmoid (the SOT-MRAM neuron's curve), "
                        "\"linear\" for none on the last layer",
                    std::string(cbank.linear ? "linear" : "neuron") +
                        (!wants_neuron && L.activation != Activation::none
                             ? " (no analog neuron computes " +
                                   std::string(to_string(L.activation)) + ")"
                             : ""));
            if (!cbank.linear) {
                if (spec.neuron.rail_low_V != 0.0)
                    bank->params->fail("neuron.rail_low",
                                       "0 V: the outputs drive the next tiles' rows directly, "
                                       "so the low rail is the activation 0",
                                       std::to_string(spec.neuron.rail_low_V) + " V");
                layer.swing_V = spec.neuron.swing_V();
                const ReverseSigmoidFit fit = fit_reverse_sigmoid(
                    SotNeuron(spec.neuron), -spec.neuron.swing_V(), spec.neuron.swing_V());
                layer.center_V = fit.center_V;
                layer.scale_V = fit.scale_V;
            }
            if (last && !bank->reachable)
                throw ConfigError(file, out->pointer + "/to",
                                  "a last-layer bank the controller can read (" + where + ")",
                                  bank->name + " is not connected to it");
        } else if (cbank.name != bank->name) {
            throw ConfigError(file, out->pointer + "/to",
                              "the bank of column block " + std::to_string(cb) + ", " + cbank.name +
                                  " (" + where + ")",
                              "\"" + out->to + "\"");
        }
        if (spec.neurons != out->count)
            throw std::logic_error("analog chain: a link's width differs from its bank's");
        // Which part: ain for one part, ain<k> for several, each used once.
        int part = 0;
        if (spec.parts > 1) part = std::atoi(out->to_port.c_str() + 3);
        auto used = part_used[static_cast<std::size_t>(cb)].begin() + part;
        if (*used) throw std::logic_error("analog chain: two links into one bank input");
        *used = true;

        // Its rows: the first layer's inputs come from the controller; a later layer's from
        // the previous layer's banks, then the bias row from the supply.
        const int inputs = L.inputs;
        const int data_rows = std::min(b.rows, inputs - b.row0);
        const bool has_bias = b.row0 + b.rows > inputs;
        const AnalogLinkInfo* in = link_into(platform, b.tile, "ain");
        if (l == 0) {
            if (in)
                throw ConfigError(file, in->pointer + "/to",
                                  "no link into the first layer's tiles (" + where +
                                      ": the controller writes the inputs)",
                                  "a link from " + in->from + "." + in->from_port);
            continue;
        }
        if (data_rows <= 0)
            throw ConfigError(file, "/workload/network",
                              "a layer whose last row block holds inputs as well as the bias "
                              "row (" +
                                  where +
                                  " would hold only the bias row and nothing "
                                  "would start it)",
                              std::to_string(inputs) + " inputs");
        if (!in)
            throw ConfigError(file, "/connections",
                              "a link into " + b.tile + ".ain from the banks of layer " +
                                  m_net.layers[l - 1].name + " (" + where + " takes inputs " +
                                  std::to_string(b.row0) + " to " +
                                  std::to_string(b.row0 + data_rows - 1) + ")",
                              "none");
        const ChainLayer& prev = m_chain[l - 1];
        const ChainBank* src = nullptr;
        for (const auto& pb : prev.banks)
            if (pb.name == in->from) src = &pb;
        const int from0 = src ? src->col0 + in->first : -1;
        if (!src || in->from_port != "aout" || from0 != b.row0 || in->count != data_rows ||
            in->first + in->count > src->cols)
            throw ConfigError(
                file, in->pointer,
                "a link carrying layer " + m_net.layers[l - 1].name + "'s outputs " +
                    std::to_string(b.row0) + " to " + std::to_string(b.row0 + data_rows - 1) +
                    " (" + where + "; set ain_rows " + std::to_string(data_rows) +
                    " and the link's first and count)",
                src ? "outputs " + std::to_string(from0) + " to " +
                          std::to_string(from0 + in->count - 1) + " of " + in->from
                    : "\"" + in->from + "." + in->from_port + "\", not a bank of that layer");
        const int bias_rows = static_cast<int>(tp.integer("bias_rows"));
        if (bias_rows != (has_bias ? 1 : 0))
            tp.fail("bias_rows",
                    std::string(has_bias ? "1" : "0") + " (" + where +
                        (has_bias ? " holds the layer's bias row after its inputs)"
                                  : " holds no bias row)"),
                    std::to_string(bias_rows));
    }
    m_chain.push_back(std::move(layer));
}

// The tiles give y = a x (x_max, w_max) amperes per unit of a partial pre-activation; each
// part's amplifier gives gain r_unit times that, and the neuron sees the parts' average. So
// the whole pre-activation z reaches the neuron as gain r_unit a z / parts, which must be
// scale_V z.
void MlpInference::set_chain_gains(const std::string& file, const std::string& tiles_pointer) {
    for (std::size_t l = 0; l < m_chain.size(); ++l) {
        ChainLayer& layer = m_chain[l];
        const MatrixMap& lm = m_map[l];
        const double a =
            Crossbar::nominal_amperes_per_output(*lm.blocks.front().spec, lm.x_max, lm.w_max);
        // The parts are averaged with one gain: tiles of other cells or read voltages would
        // weigh their partial sums differently.
        for (const TileBlock& b : lm.blocks) {
            const double ab = Crossbar::nominal_amperes_per_output(*b.spec, lm.x_max, lm.w_max);
            if (std::fabs(ab - a) > 1e-9 * a)
                throw ConfigError(file, tiles_pointer,
                                  "tiles of one layer of an analog chain that give the same "
                                  "current per unit of pre-activation (one cell and read voltage)",
                                  lm.blocks.front().tile + " and " + b.tile + " of layer " +
                                      m_net.layers[l].name + " differ");
        }
        const double g_line = mean_line_conductance(lm);
        for (auto& bank : layer.banks) {
            if (bank.linear || !bank.fit_gain) continue;
            // A transimpedance readout: gain r_unit a z / parts = scale_V z.
            bank.gain = layer.scale_V * bank.parts / (bank.r_unit_ohm * a);
            // A difference amplifier sees each line's conductance-weighted mean of the row
            // voltages, the I- line pulled towards the I+ line by its r_unit: linearised at the
            // layer's mean line conductance g, its output is gain beta (I+ - I-) / g with
            // beta = g / (g + 1 / r_unit). Equal to the transimpedance gain's output for
            // gain = gain_ti r_unit g / beta; the lines' common mode is left (the circuit's).
            if (bank.difference) {
                if (!(g_line > 0.0))
                    throw ConfigError(file, tiles_pointer,
                                      "differential tiles of analog weights for " + bank.name +
                                          "'s difference amplifier (it reads a pair of lines "
                                          "per output)",
                                      "tiles of layer " + m_net.layers[l].name + " without them");
                const double beta = g_line / (g_line + 1.0 / bank.r_unit_ohm);
                bank.gain *= bank.r_unit_ohm * g_line / beta;
            }
        }
    }
}

// The mean conductance of a pair's line over a layer's used pairs, as programmed without
// variation (each tile's rows on the lines: the used ones, or all with UnusedLines::grounded).
double MlpInference::mean_line_conductance(const MatrixMap& lm) {
    double sum = 0.0;
    long lines = 0;
    for (const TileBlock& b : lm.blocks) {
        CrossbarSpec s = *b.spec;
        s.variation = false;
        s.read_noise = false;
        s.ir_drop = false;
        if (s.sliced() || s.mapping != WeightMapping::differential) return 0.0;
        Crossbar x(s, RngStream(0, "line-conductance"));
        x.program(b.weights.data(), b.rows, b.cols, lm.w_max);
        const std::vector<double>& g = x.conductances_S();
        const int connected = s.unused_lines == UnusedLines::absent ? b.rows : s.rows;
        for (int c = 0; c < 2 * b.cols; ++c) {
            for (int i = 0; i < connected; ++i)
                sum += g[static_cast<std::size_t>(i) * s.cols + c];
            ++lines;
        }
    }
    return lines ? sum / static_cast<double>(lines) : 0.0;
}

} // namespace neurotlm
