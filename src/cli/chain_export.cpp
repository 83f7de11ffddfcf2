#include "chain_export.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include "neurotlm/blocks/crossbar/tile_module.h"
#include "neurotlm/blocks/hopfield/spice_export.h"
#include "neurotlm/blocks/neuron_bank/layer_spice.h"
#include "neurotlm/blocks/neuron_bank/neuron_bank_module.h"
#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "neurotlm/core/stop.h"
#include "neurotlm/topology/platform.h"

namespace neurotlm::cli {

namespace fs = std::filesystem;

namespace {

/// A neuron bank and, per part, the tile whose lines it reads.
struct BankParts {
    std::string bank;
    std::vector<std::string> tiles; ///< by part
    int depth = 0;                  ///< its layer in the chain
};

bool is_type(const PlatformConfig& cfg, const std::string& name, const char* type) {
    const ComponentConfig* c = cfg.find(name);
    return c && c->type && c->type->name == type;
}

/// The part a bank input port stands for ("ain" 0, "ain<k>" k), or -1.
int part_of(const std::string& port) {
    if (port == "ain") return 0;
    if (port.rfind("ain", 0) != 0) return -1;
    try {
        return std::stoi(port.substr(3));
    } catch (...) {
        return -1;
    }
}

/// Every bank fed by tiles, with its layer: 1 for banks whose tiles take no analog input, else
/// one more than the deepest bank driving their rows.
std::vector<BankParts> chain_banks(const PlatformConfig& cfg) {
    std::map<std::string, BankParts> banks;
    std::map<std::string, std::string> tile_driver; ///< tile -> bank on its ain
    for (const AnalogLinkConfig& l : cfg.analog_links) {
        if (is_type(cfg, l.to, "neuron_bank") && is_type(cfg, l.from, "crossbar_tile")) {
            BankParts& b = banks[l.to];
            b.bank = l.to;
            const int k = part_of(l.to_port);
            if (k < 0) continue;
            if (b.tiles.size() <= static_cast<std::size_t>(k)) b.tiles.resize(k + 1);
            b.tiles[static_cast<std::size_t>(k)] = l.from;
        } else if (is_type(cfg, l.to, "crossbar_tile") && is_type(cfg, l.from, "neuron_bank")) {
            tile_driver[l.to] = l.from;
        }
    }
    // Depths by relaxation: the loader refuses loops of links, so this ends.
    bool changed = true;
    for (auto& [name, b] : banks)
        b.depth = 1;
    while (changed) {
        changed = false;
        for (auto& [name, b] : banks)
            for (const std::string& t : b.tiles) {
                const auto d = tile_driver.find(t);
                if (d == tile_driver.end()) continue;
                const auto up = banks.find(d->second);
                const int depth = up == banks.end() ? 1 : up->second.depth + 1;
                if (depth > b.depth) {
                    b.depth = depth;
                    changed = true;
                }
            }
    }
    std::vector<BankParts> out;
    for (const ComponentConfig& c : cfg.components)
        if (banks.count(c.name)) out.push_back(banks[c.name]);
    return out;
}

} // namespace

bool has_analog_chain(const PlatformConfig& cfg) {
    return !chain_banks(cfg).empty();
}

int export_chain_layer(PlatformConfig cfg, const ChainExportArgs& a) {
    const std::vector<BankParts> all = chain_banks(cfg);
    int layers = 0;
    for (const BankParts& b : all)
        layers = std::max(layers, b.depth);
    if (a.layer < 1 || a.layer > layers)
        throw InputError("--layer " + std::to_string(a.layer) + ": " + cfg.file +
                         "'s analog chain has layers 1.." + std::to_string(layers));
    std::vector<BankParts> layer;
    for (const BankParts& b : all) {
        if (b.depth != a.layer) continue;
        for (std::size_t k = 0; k < b.tiles.size(); ++k)
            if (b.tiles[k].empty())
                throw InputError(b.bank + ": no tile drives its part " + std::to_string(k));
        layer.push_back(b);
    }
    OutputFolder folder(a.out, "expected_outputs.csv", {a.config});
    Platform platform(std::move(cfg));
    platform.run();
    stop_point("during the run");

    std::vector<ChainBankNet> nets;
    std::vector<const NeuronBank*> banks;
    int tiles = 0;
    for (const BankParts& b : layer) {
        const auto* bank = dynamic_cast<const NeuronBank*>(platform.find(b.bank));
        ChainBankNet net;
        net.bank = &bank->spec();
        net.neurons = &bank->model();
        net.outputs = bank->spec().neurons;
        for (const std::string& t : b.tiles) {
            const auto* tile = dynamic_cast<const CrossbarTile*>(platform.find(t));
            net.parts.push_back(&tile->crossbar());
            const std::vector<float>& v = tile->last_row_voltages();
            net.v_rows_V.emplace_back(v.begin(), v.end());
            ++tiles;
        }
        nets.push_back(net);
        banks.push_back(bank);
    }
    const std::string cir_name = "layer" + std::to_string(a.layer) + ".cir";
    std::ostringstream netlist;
    write_chain_layer_netlist(netlist, nets, 1e-3,
                              "neurotlm " + platform.config().name + ", analog chain layer " +
                                  std::to_string(a.layer) + " after the workload's last input");
    const std::string cir = folder.staged(cir_name);
    write_file_atomic(cir, netlist.str());
    std::ostringstream csv;
    csv << "bank,output,node,model_V\n";
    csv.precision(12);
    for (std::size_t b = 0; b < banks.size(); ++b)
        for (int j = 0; j < nets[b].outputs; ++j)
            csv << banks[b]->name() << ',' << j << ','
                << chain_layer_output_node(static_cast<int>(b), j) << ','
                << banks[b]->last_outputs()[static_cast<std::size_t>(j)] << '\n';
    folder.write("expected_outputs.csv", csv.str());
    folder.commit();
    json summary = {{"command", "export-spice"},
                    {"kind", "analog_chain"},
                    {"folder", fs::absolute(a.out).lexically_normal().string()},
                    {"layer", a.layer},
                    {"banks", banks.size()},
                    {"tiles", tiles},
                    {"netlist", cir_name},
                    {"expected_outputs", "expected_outputs.csv"}};
    if (!a.json)
        std::printf("layer %d: %zu banks, %d tiles; written %s/%s and expected_outputs.csv\n",
                    a.layer, banks.size(), tiles, printable(a.out).c_str(), cir_name.c_str());
    if (!a.check) {
        if (a.json) std::printf("%s\n", dump_json(summary, 2).c_str());
        return 0;
    }

    if (!ngspice_available())
        throw InputError("--check needs ngspice on the PATH (apt-get install ngspice)");
    std::map<std::string, double> spice;
    for (const auto& [node, v] : parse_op_print(run_ngspice(a.out + "/" + cir_name)))
        spice[node] = v;
    double worst = 0.0, swing = 0.0;
    for (std::size_t b = 0; b < banks.size(); ++b) {
        swing = std::max(swing, banks[b]->spec().neuron.swing_V());
        for (int j = 0; j < nets[b].outputs; ++j) {
            const std::string node = chain_layer_output_node(static_cast<int>(b), j);
            const auto it = spice.find(node);
            if (it == spice.end())
                throw InputError("ngspice printed no value for " + node + " (see the netlist)");
            worst = std::max(worst, std::fabs(it->second - banks[b]->last_outputs()[j]));
        }
    }
    const bool ok = worst <= 0.02 * swing;
    if (a.json) {
        summary["check"] = {{"max_difference_V", worst},
                            {"swing_V", swing},
                            {"within_2_percent", ok},
                            {"exit_code", ok ? 0 : kExitCheckFailed}};
        std::printf("%s\n", dump_json(summary, 2).c_str());
        return ok ? 0 : kExitCheckFailed;
    }
    std::printf("ngspice: max |model - ngspice| = %.3g V (%.3g %% of the %.3g V swing): %s\n",
                worst, 100.0 * worst / swing, swing, ok ? "within 2 %" : "MORE THAN 2 %");
    return ok ? 0 : kExitCheckFailed;
}

} // namespace neurotlm::cli
