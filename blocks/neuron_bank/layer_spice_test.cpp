// One whole layer of the fully analog chain against ngspice: six 32 x 64 tiles (a layer of 80
// inputs and a bias row over three row blocks, 52 outputs over two column blocks) with IMAC-Sim's
// wire segments and cells, each pair of lines into IMAC-Sim's difference amplifier, the parts'
// outputs averaged at SOT-MRAM neurons with device-to-device variation. The model's outputs
// (Crossbar::analog_read against the amplifiers' loads, the readout, the parts' average, the
// neurons) must be ngspice's operating point of the exported netlist within 2 % of the swing.
#include "neurotlm/blocks/neuron_bank/layer_spice.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>

#include <gtest/gtest.h>

#include "neurotlm/blocks/hopfield/spice_export.h"
#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "testing/paths.h"
#include "testing/require.h"

namespace neurotlm {
namespace {

CrossbarSpec imacsim_tile(bool wires, bool per_pair) {
    CrossbarSpec s;
    s.rows = 32;
    s.cols = 64;
    // IMAC-Sim's cells: 5 and 15 kohm, read at 0.8 V; zeros rest at (5k, 5k).
    s.cell = CellSpec::from_json(
        {{"type", "rram"}, {"r_on", 5e3}, {"r_off", 15e3}, {"levels", 2}, {"read_voltage", 0.8}});
    s.zero_level = PairZero::g_max;
    s.adc.bits = 0;
    s.dac.bits = 1;
    s.input_bits = 1;
    s.read_noise = false;
    s.variation = false;
    s.read_time_s = 1e-9;
    s.wire_resistance_ohm = 9.24;
    s.column_wire_resistance_ohm = 11.55;
    s.ir_drop = wires;
    s.unused_lines = UnusedLines::absent;
    s.row_segment_per_pair = per_pair;
    return s;
}

struct Layer {
    std::vector<std::unique_ptr<Crossbar>> tiles; ///< [bank][part] flattened
    std::vector<std::unique_ptr<NeuronBankSpec>> specs;
    std::vector<std::unique_ptr<NeuronBankModel>> models;
    std::vector<ChainBankNet> nets;
    std::vector<std::vector<double>> model_out; ///< per bank, per output
};

/// Inputs 0..79 in [0, 0.8] V (a hidden layer's neuron outputs), row 80 the bias at 0.8 V;
/// ternary weights (about a third of each sign), outputs 0..51.
Layer build_layer(bool wires, double gain, ReadoutKind kind, int n_out = 52) {
    const int n_in = 80, rows = 32, pairs = 32;
    RngStream rng(11, "layer");
    std::vector<float> w(static_cast<std::size_t>(n_in + 1) * n_out);
    for (float& x : w) {
        const double u = rng.uniform();
        x = u < 0.33 ? -1.0f : u < 0.67 ? 0.0f : 1.0f;
    }
    std::vector<double> v(static_cast<std::size_t>(n_in + 1));
    for (int i = 0; i < n_in; ++i)
        v[static_cast<std::size_t>(i)] = 0.8 * rng.uniform();
    v[static_cast<std::size_t>(n_in)] = 0.8;

    Layer layer;
    const int row_blocks = (n_in + 1 + rows - 1) / rows;
    const int col_blocks = (n_out + pairs - 1) / pairs;
    for (int cb = 0; cb < col_blocks; ++cb) {
        const int outs = std::min(pairs, n_out - cb * pairs);
        auto spec = std::make_unique<NeuronBankSpec>();
        spec->neurons = pairs;
        spec->parts = row_blocks;
        spec->readout.kind = kind;
        spec->readout.gain = gain;
        spec->neuron.ra_sigma = 0.05;
        spec->neuron.tmr_sigma = 0.05;
        auto model = std::make_unique<NeuronBankModel>(spec->neuron, spec->neurons,
                                                       RngStream(5, "bank" + std::to_string(cb)));
        ChainBankNet net;
        net.bank = spec.get();
        net.neurons = model.get();
        net.outputs = outs;
        std::vector<double> sum(static_cast<std::size_t>(pairs), 0.0);
        for (int rb = 0; rb < row_blocks; ++rb) {
            const int r0 = rb * rows, used = std::min(rows, n_in + 1 - r0);
            // IMAC-Sim's layout (a pair's cells on one row node) with its readout; one segment
            // per column with the virtual grounds.
            auto x = std::make_unique<Crossbar>(
                imacsim_tile(wires, kind == ReadoutKind::difference), RngStream(3, "t"));
            std::vector<float> block(static_cast<std::size_t>(used) * outs);
            for (int i = 0; i < used; ++i)
                for (int j = 0; j < outs; ++j)
                    block[static_cast<std::size_t>(i) * outs + j] =
                        w[static_cast<std::size_t>(r0 + i) * n_out + cb * pairs + j];
            x->program(block.data(), used, outs, 1.0f);
            x->set_input_range(1.0f);
            x->set_terminations(std::vector<LineTermination>(static_cast<std::size_t>(pairs),
                                                             spec->readout.termination()));
            std::vector<double> rows_V(static_cast<std::size_t>(rows), 0.0);
            std::vector<float> rows_f(static_cast<std::size_t>(rows), 0.0f);
            for (int i = 0; i < used; ++i) {
                rows_V[static_cast<std::size_t>(i)] = v[static_cast<std::size_t>(r0 + i)];
                rows_f[static_cast<std::size_t>(i)] = static_cast<float>(rows_V[i]);
            }
            std::vector<float> y(static_cast<std::size_t>(pairs));
            x->analog_read(rows_f.data(), y.data());
            for (int j = 0; j < pairs; ++j)
                sum[static_cast<std::size_t>(j)] += spec->readout.output_from_currents_V(
                    static_cast<double>(y[static_cast<std::size_t>(j)]) * x->amperes_per_output(),
                    0.0);
            // The netlist's sources: the row voltages as the model applied them (float).
            for (int i = 0; i < rows; ++i)
                rows_V[static_cast<std::size_t>(i)] = rows_f[static_cast<std::size_t>(i)];
            net.parts.push_back(x.get());
            net.v_rows_V.push_back(rows_V);
            layer.tiles.push_back(std::move(x));
        }
        std::vector<double> vin(static_cast<std::size_t>(pairs));
        for (int j = 0; j < pairs; ++j)
            vin[static_cast<std::size_t>(j)] = sum[static_cast<std::size_t>(j)] / row_blocks;
        const std::vector<double> out = model->evaluate(vin);
        layer.model_out.emplace_back(out.begin(), out.begin() + outs);
        layer.nets.push_back(net);
        layer.specs.push_back(std::move(spec));
        layer.models.push_back(std::move(model));
    }
    return layer;
}

struct Agreement {
    double worst_V = 0.0;
    int mid_swing = 0; ///< outputs between 5 % and 95 % of the swing
    int outputs = 0;
};

Agreement against_ngspice(const Layer& layer, const std::string& tag) {
    const std::string dir = testing::scratch_dir("layer-spice-" + tag);
    const std::string cir = dir + "/" + tag + ".cir";
    std::ostringstream net;
    write_chain_layer_netlist(net, layer.nets, 1e-3, "analog chain layer: " + tag);
    write_file_atomic(cir, net.str());
    std::map<std::string, double> spice;
    for (const auto& [node, value] : parse_op_print(run_ngspice(cir)))
        spice[node] = value;
    Agreement a;
    for (std::size_t b = 0; b < layer.nets.size(); ++b)
        for (std::size_t j = 0; j < layer.model_out[b].size(); ++j) {
            const std::string node =
                chain_layer_output_node(static_cast<int>(b), static_cast<int>(j));
            EXPECT_EQ(spice.count(node), 1u) << node;
            const double m = layer.model_out[b][j];
            a.worst_V = std::max(a.worst_V, std::fabs(m - spice[node]));
            a.mid_swing += m > 0.04 && m < 0.76 ? 1 : 0;
            ++a.outputs;
        }
    return a;
}

TEST(ChainLayerSpice, AWholeLayerWithWiresAndLoadedReadoutsAgreesWithNgspice) {
    NEUROTLM_REQUIRE_TOOL(ngspice_available(), "ngspice");
    const Layer layer = build_layer(true, 30.0, ReadoutKind::difference);
    const Agreement a = against_ngspice(layer, "imacsim_layer_wires");
    const double swing = layer.specs.front()->neuron.swing_V();
    std::printf("layer with wires, difference readout (gain 30): %d outputs, %d within the "
                "swing's 5-95 %%, max |model - ngspice| %.3g V (%.3g %% of the swing)\n",
                a.outputs, a.mid_swing, a.worst_V, 100.0 * a.worst_V / swing);
    EXPECT_EQ(a.outputs, 52);
    EXPECT_LT(a.worst_V, 0.02 * swing);
    // The check means something only if outputs sit on the curve, not just at the rails.
    EXPECT_GE(a.mid_swing, 8);
}

TEST(ChainLayerSpice, TheSameLayerThroughVirtualGroundsAgreesWithNgspice) {
    NEUROTLM_REQUIRE_TOOL(ngspice_available(), "ngspice");
    // Transimpedance readouts hold the lines at 0 V: the wires' drop is all that loads them.
    const Layer layer = build_layer(true, 1.0, ReadoutKind::transimpedance, 20);
    const Agreement a = against_ngspice(layer, "imacsim_layer_virtual_ground");
    const double swing = layer.specs.front()->neuron.swing_V();
    std::printf("layer with wires, transimpedance readout: max |model - ngspice| %.3g V (%.3g %% "
                "of the swing), %d of %d outputs mid-swing\n",
                a.worst_V, 100.0 * a.worst_V / swing, a.mid_swing, a.outputs);
    EXPECT_EQ(a.outputs, 20);
    EXPECT_LT(a.worst_V, 0.02 * swing);
    EXPECT_GE(a.mid_swing, 8);
}

TEST(ChainLayerSpice, TheNetlistRefusesTilesThatDoNotMatchTheBank) {
    Layer layer = build_layer(false, 30.0, ReadoutKind::difference);
    std::ostringstream out;
    ChainBankNet bad = layer.nets.front();
    bad.v_rows_V.front().pop_back();
    EXPECT_THROW(write_chain_layer_netlist(out, {bad}), InputError);
    bad = layer.nets.front();
    bad.parts.pop_back();
    bad.v_rows_V.pop_back();
    EXPECT_THROW(write_chain_layer_netlist(out, {bad}), InputError);
    bad = layer.nets.front();
    bad.outputs = 33;
    EXPECT_THROW(write_chain_layer_netlist(out, {bad}), InputError);
}

} // namespace
} // namespace neurotlm
