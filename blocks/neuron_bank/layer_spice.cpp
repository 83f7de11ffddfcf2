#include "neurotlm/blocks/neuron_bank/layer_spice.h"

#include <cstdlib>
#include <iomanip>
#include <sstream>

#include "neurotlm/blocks/neuron_bank/neuron_spice.h"
#include "neurotlm/core/error.h"

namespace neurotlm {

namespace {

/// An op-amp as a voltage-controlled source: its finite gain leaves an input error of
/// V_out / 10^9, nanovolts.
constexpr double kOpAmpGain = 1e9;

// One tile: row sources, row and column wires, cells; the column lines end in nodes p/m<tag>_<j>.
void write_tile(std::ostream& out, const Crossbar& xbar, const std::vector<double>& v_rows_V,
                const std::string& tag) {
    const CrossbarSpec& s = xbar.spec();
    const int rows = s.rows, cols = s.cols;
    const bool wires = s.ir_drop && s.wire_resistance_ohm > 0.0;
    const int connected = xbar.connected_rows(), ccols = xbar.connected_cols();
    const std::vector<double>& g = xbar.conductances_S();
    // Both cells of a pair on one row node with row_segments "pair".
    const int group = s.row_segment_per_pair ? 2 : 1;
    auto row_node = [&](int i, int c) {
        return wires ? "r" + tag + "_" + std::to_string(i) + "_" + std::to_string(c / group)
                     : "d" + tag + "_" + std::to_string(i);
    };
    auto line_end = [&](int c) {
        return (c % 2 == 0 ? "p" : "m") + tag + "_" + std::to_string(c / 2);
    };
    auto col_node = [&](int i, int c) {
        return wires ? "c" + tag + "_" + std::to_string(i) + "_" + std::to_string(c) : line_end(c);
    };
    out << "* tile " << tag << ": " << rows << " x " << cols << " cells, " << connected << " x "
        << ccols << " on the lines\n";
    for (int i = 0; i < rows; ++i) {
        out << "VR" << tag << "_" << i << " d" << tag << "_" << i << " 0 DC "
            << v_rows_V[static_cast<std::size_t>(i)] << "\n";
        if (wires)
            for (int c = 0; c < cols; c += group)
                out << "RW" << tag << "_" << i << "_" << c << " "
                    << (c == 0 ? "d" + tag + "_" + std::to_string(i) : row_node(i, c - 1)) << " "
                    << row_node(i, c) << " " << s.wire_resistance_ohm << "\n";
    }
    for (int i = 0; i < connected; ++i)
        for (int c = 0; c < ccols; ++c) {
            const double gc = g[static_cast<std::size_t>(i) * cols + c];
            if (gc > 0.0)
                out << "RX" << tag << "_" << i << "_" << c << " " << row_node(i, c) << " "
                    << col_node(i, c) << " " << 1.0 / gc << "\n";
        }
    if (wires)
        for (int c = 0; c < cols; ++c)
            for (int i = 0; i < rows; ++i)
                out << "RC" << tag << "_" << i << "_" << c << " " << col_node(i, c) << " "
                    << (i + 1 < rows ? col_node(i + 1, c) : line_end(c)) << " "
                    << s.column_segment_ohm() << "\n";
}

// The readout of pair j of a tile: from its line ends to the amplifier output a<tag>_<j>. A
// pair the tile ends in a virtual ground (a transimpedance readout, or a pair not linked to the
// bank) gets ammeters and a transimpedance output (left untied when the pair is unlinked).
void write_readout(std::ostream& out, const ReadoutAmpSpec& amp, const LineTermination& term,
                   const std::string& tag, int j) {
    const std::string t = tag + "_" + std::to_string(j);
    const double r = amp.r_unit_ohm, rf = amp.gain * amp.r_unit_ohm;
    if (!term.virtual_ground()) {
        const LineTermination want = amp.termination();
        if (term != want)
            throw InputError("write_chain_layer_netlist: tile " + tag + " ends pair " +
                             std::to_string(j) + " in a load other than the bank's amplifier");
        out << "R1" << t << " m" << t << " n1" << t << " " << r << "\n";
        out << "R2" << t << " p" << t << " n2" << t << " " << r << "\n";
        out << "R3" << t << " n1" << t << " a" << t << " " << rf << "\n";
        out << "R4" << t << " n2" << t << " 0 " << rf << "\n";
        out << "EA" << t << " a" << t << " 0 n2" << t << " n1" << t << " " << kOpAmpGain << "\n";
    } else {
        // Both lines held at 0 V by ammeters; the output gain r_unit (I+ - I-).
        out << "VP" << t << " p" << t << " 0 DC 0\n";
        out << "VM" << t << " m" << t << " 0 DC 0\n";
        out << "HP" << t << " a" << t << " h" << t << " VP" << t << " " << rf << "\n";
        out << "HM" << t << " h" << t << " 0 VM" << t << " " << -rf << "\n";
    }
}

bool same_mosfet(const MosfetSpec& a, const MosfetSpec& b) {
    return a.vt_V == b.vt_V && a.kp_per_fin_A_per_V2 == b.kp_per_fin_A_per_V2 &&
           a.lambda_per_V == b.lambda_per_V && a.fins == b.fins;
}

bool same_inverter(const SotNeuronSpec& a, const SotNeuronSpec& b) {
    return same_mosfet(a.nmos, b.nmos) && same_mosfet(a.pmos, b.pmos) &&
           a.rail_low_V == b.rail_low_V && a.rail_high_V == b.rail_high_V;
}

} // namespace

std::string chain_layer_output_node(int b, int j) {
    return "o" + std::to_string(b) + "_" + std::to_string(j);
}

void write_chain_layer_netlist(std::ostream& out, const std::vector<ChainBankNet>& banks,
                               double tie_ohm, const std::string& title) {
    if (banks.empty()) throw InputError("write_chain_layer_netlist: no banks");
    if (!(tie_ohm > 0.0)) throw InputError("write_chain_layer_netlist: tie_ohm must be > 0");
    out << "* " << (title.empty() ? "analog chain layer, operating point" : title) << "\n";
    out << std::setprecision(12);
    const NeuronBankSpec* models = nullptr; ///< the bank whose inverter the models describe
    for (std::size_t b = 0; b < banks.size(); ++b) {
        const ChainBankNet& bank = banks[b];
        const std::string bt = std::to_string(b);
        if (!bank.bank || !bank.neurons || bank.parts.empty() ||
            bank.parts.size() != bank.v_rows_V.size() ||
            static_cast<int>(bank.parts.size()) != bank.bank->parts)
            throw InputError("write_chain_layer_netlist: bank " + bt +
                             " needs its spec, its neurons and one tile with row voltages per "
                             "part");
        if (bank.outputs < 1 || bank.outputs > bank.bank->neurons ||
            bank.outputs > bank.neurons->size())
            throw InputError("write_chain_layer_netlist: bank " + bt + ": " +
                             std::to_string(bank.outputs) + " outputs for " +
                             std::to_string(bank.bank->neurons) + " neurons");
        const bool linear = bank.bank->mode == BankMode::linear;
        if (!linear && !models) {
            write_neuron_models(out, bank.bank->neuron);
            models = bank.bank;
        } else if (!linear && !same_inverter(models->neuron, bank.bank->neuron)) {
            throw InputError("write_chain_layer_netlist: bank " + bt +
                             "'s inverter (transistors, rails) differs from bank 0's; one "
                             "netlist holds one inverter model");
        }
        for (std::size_t k = 0; k < bank.parts.size(); ++k) {
            const Crossbar& x = *bank.parts[k];
            const std::string tag = bt + "_" + std::to_string(k);
            if (x.spec().mapping != WeightMapping::differential || x.spec().sliced())
                throw InputError("write_chain_layer_netlist: tile " + tag +
                                 " is not differential with analog weights");
            if (bank.v_rows_V[k].size() != static_cast<std::size_t>(x.spec().rows))
                throw InputError("write_chain_layer_netlist: tile " + tag + " has " +
                                 std::to_string(x.spec().rows) + " rows, " +
                                 std::to_string(bank.v_rows_V[k].size()) + " voltages given");
            if (x.logical_cols() < bank.outputs)
                throw InputError("write_chain_layer_netlist: tile " + tag + " has " +
                                 std::to_string(x.logical_cols()) + " pairs, fewer than " +
                                 std::to_string(bank.outputs) + " outputs");
            write_tile(out, x, bank.v_rows_V[k], tag);
            for (int j = 0; j < x.logical_cols(); ++j) {
                const LineTermination term = x.termination(j);
                if (j < bank.outputs && term.virtual_ground() != (bank.bank->readout.kind ==
                                                                  ReadoutKind::transimpedance))
                    throw InputError("write_chain_layer_netlist: tile " + tag + " ends pair " +
                                     std::to_string(j) + " otherwise than the bank's " +
                                     "readout (set_terminations)");
                write_readout(out, bank.bank->readout, term, tag, j);
                if (j < bank.outputs)
                    out << "RT" << tag << "_" << j << " a" << tag << "_" << j << " n" << bt << "_"
                        << j << " " << tie_ohm << "\n";
            }
        }
        for (int j = 0; j < bank.outputs; ++j) {
            const std::string n = "n" + bt + "_" + std::to_string(j);
            if (linear)
                out << "RO" << bt << "_" << j << " " << n << " " << chain_layer_output_node(b, j)
                    << " 1e-3\nRL" << bt << "_" << j << " " << chain_layer_output_node(b, j)
                    << " 0 1e12\n";
            else
                write_neuron_instance(out, bank.neurons->neuron(j), bt + "_" + std::to_string(j), n,
                                      chain_layer_output_node(b, j));
        }
    }
    out << ".control\nset numdgt=12\nop\n";
    for (std::size_t b = 0; b < banks.size(); ++b)
        for (int j = 0; j < banks[b].outputs; ++j)
            out << "print v(" << chain_layer_output_node(static_cast<int>(b), j) << ")\n";
    out << "quit\n.endc\n.end\n";
}

std::vector<std::pair<std::string, double>> parse_op_print(const std::string& output) {
    std::vector<std::pair<std::string, double>> values;
    std::istringstream in(output);
    std::string line;
    while (std::getline(in, line)) {
        const auto open = line.find("v(");
        const auto close = line.find(") = ");
        if (open != 0 || close == std::string::npos) continue;
        const char* p = line.c_str() + close + 4;
        char* end = nullptr;
        const double v = std::strtod(p, &end);
        if (end == p) continue;
        values.emplace_back(line.substr(2, close - 2), v);
    }
    if (values.empty()) throw InputError("parse_op_print: no values in the ngspice output");
    return values;
}

} // namespace neurotlm
