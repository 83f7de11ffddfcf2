#include "hopfield_commands.h"

#include "chain_export.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "neurotlm/blocks/hopfield/array_module.h"
#include "neurotlm/blocks/hopfield/hopfield.h"
#include "neurotlm/blocks/hopfield/spice_export.h"
#include "neurotlm/blocks/hopfield/spice_transient.h"
#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "neurotlm/core/memory.h"
#include "neurotlm/core/stop.h"
#include "neurotlm/topology/config.h"
#include "neurotlm/topology/platform.h"

namespace neurotlm::cli {

namespace fs = std::filesystem;

namespace {

struct ExportArgs {
    std::string config;
    std::string component;
    std::string out;
    int memory = 0;
    int pattern = 0;
    double flip_fraction = 0.1;
    long long seed = 1;
    std::vector<std::string> sets;
    int layer = 1;
    int image = 0;
    bool check = false;
    bool transient = false;
    bool json = false;
} g_export;

struct CapacityArgs {
    int neurons = 1024;
    std::string loads = "0.02,0.04,0.06,0.08,0.10,0.11,0.12,0.13,0.14,0.15,0.16,0.18,0.20,0.25";
    int trials = 3;
    double flip_fraction = 0.05;
    std::string storage = "float,ternary";
    std::string config;
    std::string component;
    long long seed = 1;
    std::string out;
    bool json = false;
} g_capacity;

// The Hopfield spec of @p component in @p config (or the only hopfield_array there).
const ComponentConfig& hopfield_component(const PlatformConfig& cfg, const std::string& name) {
    const ComponentConfig* found = nullptr;
    for (const auto& c : cfg.components) {
        if (c.type->name != "hopfield_array") continue;
        if (!name.empty() && c.name != name) continue;
        if (found)
            throw InputError(cfg.file +
                             ": several hopfield_array components: name one with --component");
        found = &c;
    }
    if (!found)
        throw InputError(cfg.file + ": no hopfield_array component" +
                         (name.empty() ? std::string() : " named \"" + name + "\""));
    return *found;
}

/// What one probe's transient export wrote and, with --check, what ngspice said.
struct TransientCheck {
    bool ran = false;
    /// First clock at which ngspice's states differ from the model's (-1: none), and whether
    /// every differing decision there was within the comparator's dead band of the threshold.
    int first_divergence = -1;
    int neurons_differing = 0;
    bool divergence_within_band = false;
    double worst_margin_steps = 0.0; ///< |current/step - threshold| of a differing neuron
    double supply_energy_J = 0.0;
    double ngspice_s = 0.0;
    bool agrees() const { return first_divergence < 0 || divergence_within_band; }
};

/// Writes recall.cir and expected_states.csv for a synchronous recall @p r of @p probe; with
/// @p check runs ngspice on it and compares.
TransientCheck export_transient(OutputFolder& folder, const HopfieldNetwork& net,
                                const HopfieldPattern& probe, const HopfieldRecall& r,
                                const std::string& title, bool check) {
    const HopfieldTransientOptions options;
    const int n = net.neurons();
    const std::string netlist = folder.staged("recall.cir");
    write_hopfield_transient_netlist(netlist, net, probe, r.iterations, options, title);
    const std::vector<HopfieldPattern> expected = states_per_clock(r);
    const std::vector<double>& theta = net.threshold_in_steps();
    auto margin = [&](int k, int i) {
        return r.steps[static_cast<std::size_t>(k)].currents_A[static_cast<std::size_t>(i)] /
                   net.unit_current_A() -
               (theta.empty() ? 0.0 : theta[static_cast<std::size_t>(i)]);
    };
    std::ostringstream csv;
    csv << "clock,neuron,state_after,input_current_A,margin_steps\n";
    csv.precision(12);
    for (int k = 0; k < r.iterations; ++k)
        for (int i = 0; i < n; ++i)
            csv << k << ',' << i << ',' << int(expected[static_cast<std::size_t>(k)][i]) << ','
                << r.steps[static_cast<std::size_t>(k)].currents_A[static_cast<std::size_t>(i)]
                << ',' << margin(k, i) << '\n';
    folder.write("expected_states.csv", csv.str());
    TransientCheck c;
    if (!check) return c;
    const auto t0 = std::chrono::steady_clock::now();
    const std::string output = run_ngspice(netlist);
    c.ngspice_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    stop_point("while ngspice ran");
    folder.write("ngspice.log", output);
    HopfieldTransientResult got;
    try {
        got = parse_transient_output(output, n, r.iterations, options.vdd_V);
    } catch (const InputError& e) {
        // Keep what is needed to see why: the netlist and everything ngspice printed.
        folder.commit();
        throw InputError(std::string(e.what()) +
                         "\nThe netlist and ngspice's whole output are in " + folder.path() +
                         "/ (recall.cir, ngspice.log).");
    }
    c.ran = true;
    c.supply_energy_J = got.supply_energy_J;
    for (int k = 0; k < r.iterations && c.first_divergence < 0; ++k) {
        const auto& want = expected[static_cast<std::size_t>(k)];
        const auto& have = got.states[static_cast<std::size_t>(k)];
        if (want == have) continue;
        c.first_divergence = k;
        c.divergence_within_band = true;
        for (int i = 0; i < n; ++i) {
            if (want[static_cast<std::size_t>(i)] == have[static_cast<std::size_t>(i)]) continue;
            ++c.neurons_differing;
            const double m = std::fabs(margin(k, i));
            c.worst_margin_steps = std::max(c.worst_margin_steps, m);
            if (m >= options.dead_band_steps) c.divergence_within_band = false;
        }
    }
    return c;
}

int run_export() {
    const ExportArgs& a = g_export;
    // Everything checkable is checked before the (possibly long) run and before any output.
    if (!(a.flip_fraction >= 0.0 && a.flip_fraction <= 1.0))
        throw InputError("--flip-fraction " + std::to_string(a.flip_fraction) + ": expected 0..1");
    if (a.seed < 0) throw InputError("--seed must be >= 0");
    if (a.memory < 0) throw InputError("--memory must be >= 0");
    if (a.pattern < 0) throw InputError("--pattern must be >= 0");
    if (a.image < 0) throw InputError("--image must be >= 0");
    LoadOptions opt;
    opt.overrides = a.sets;
    opt.require_workload = true;
    PlatformConfig cfg = load_config(a.config, opt);
    bool hopfield = false;
    for (const ComponentConfig& c : cfg.components)
        hopfield = hopfield || (c.type && c.type->name == "hopfield_array");
    if (a.transient && !hopfield)
        throw InputError(a.config + ": --transient exports a hopfield_array's recall, and the "
                                    "platform has none");
    if (!hopfield && has_analog_chain(cfg)) {
        // The workload runs up to and including the image whose layer is exported.
        // (calibration still sees the images it would in a full run).
        opt.overrides.push_back("/workload/stop_after=" + std::to_string(a.image + 1));
        return export_chain_layer(load_config(a.config, opt),
                                  {a.config, a.out, a.layer, a.check, a.json});
    }
    if (a.check && !a.transient)
        throw InputError("--check for a hopfield_array compares a transient recall: add "
                         "--transient (each per-step DC netlist can be run with ngspice -b)");
    if (a.check && !ngspice_available())
        throw InputError("--check needs ngspice on the PATH (Debian package ngspice)");
    // Claimed before the run: the netlists replace the folder's old content as a whole.
    OutputFolder folder(a.out, "recall.txt", {a.config});
    const ComponentConfig& hop_cfg = hopfield_component(cfg, a.component);
    const std::string name = hop_cfg.name;
    if (hop_cfg.params.string("storage") == "float")
        throw InputError(name + " stores float weights: there are no MTJs to export (use "
                                "storage \"ternary\" or \"multilevel\")");
    if (a.transient && hop_cfg.params.string("update") != "synchronous")
        throw InputError(name + " updates \"" + hop_cfg.params.string("update") +
                         "\": the transient circuit clocks every neuron at once (set \"update\": "
                         "\"synchronous\")");
    if (a.memory >= static_cast<int>(hop_cfg.params.integer("memories")))
        throw InputError("--memory " + std::to_string(a.memory) + ": " + name +
                         " holds memories 0.." +
                         std::to_string(hop_cfg.params.integer("memories") - 1));
    Platform platform(std::move(cfg));
    // The workload stores the patterns exactly as a normal run does.
    platform.run();
    stop_point("during the run");
    auto* hop = dynamic_cast<HopfieldArray*>(platform.find(name));
    HopfieldNetwork& net = hop->network();
    const auto& stored = hop->stored(a.memory);
    if (stored.empty())
        throw InputError("--memory " + std::to_string(a.memory) +
                         ": the workload stored nothing there");
    if (a.pattern < 0 || a.pattern >= static_cast<int>(stored.size()))
        throw InputError("--pattern " + std::to_string(a.pattern) + ": memory " +
                         std::to_string(a.memory) + " holds patterns 0.." +
                         std::to_string(stored.size() - 1));
    RngStream rng(static_cast<std::uint64_t>(a.seed), "export-spice/probe");
    const HopfieldPattern& pattern = stored[static_cast<std::size_t>(a.pattern)];
    const int flips = static_cast<int>(std::lround(a.flip_fraction * net.neurons()));
    const HopfieldPattern probe = flip_bits(pattern, flips, rng);
    net.select(a.memory);
    RecallOptions ro;
    ro.target = &pattern;
    ro.record_steps = true;
    const HopfieldRecall r = net.recall(probe, ro);

    std::ostringstream state;
    state << "memory " << a.memory << ", pattern " << a.pattern << ", " << flips
          << " bits flipped\n"
          << "iterations " << r.iterations << ", converged " << (r.converged ? "yes" : "no")
          << ", 2-cycle " << (r.cycle ? "yes" : "no") << ", overlap with the pattern " << r.overlap
          << "\n"
          << "final state:";
    for (auto v : r.state)
        state << ' ' << int(v);
    state << "\n";
    folder.write("recall.txt", state.str());
    const std::string title = "neurotlm " + name + " memory " + std::to_string(a.memory) +
                              " pattern " + std::to_string(a.pattern);
    if (a.transient) {
        const TransientCheck c = export_transient(folder, net, probe, r, title, a.check);
        const double ratio = c.ran ? c.supply_energy_J / r.cost.synapse_energy_J : 0.0;
        const bool energy_ok = !c.ran || (ratio > 0.8 && ratio < 1.25);
        folder.commit();
        if (a.json) {
            json j = {{"command", "export-spice"},
                      {"kind", "hopfield_transient"},
                      {"component", name},
                      {"folder", fs::absolute(a.out).lexically_normal().string()},
                      {"netlist", "recall.cir"},
                      {"neurons", net.neurons()},
                      {"memory", a.memory},
                      {"pattern", a.pattern},
                      {"bits_flipped", flips},
                      {"clocks", r.iterations},
                      {"converged", r.converged},
                      {"two_cycle", r.cycle},
                      {"overlap", r.overlap},
                      {"model_synapse_energy_J", r.cost.synapse_energy_J},
                      {"model_energy_J", r.cost.energy_J()}};
            if (c.ran) {
                j["check"] = {{"states_identical", c.first_divergence < 0},
                              {"first_divergence",
                               c.first_divergence < 0 ? json(nullptr) : json(c.first_divergence)},
                              {"neurons_differing", c.neurons_differing},
                              {"divergence_within_dead_band", c.divergence_within_band},
                              {"worst_margin_steps", c.worst_margin_steps},
                              {"agrees", c.agrees()},
                              {"supply_energy_J", c.supply_energy_J},
                              {"supply_over_model_synapse_energy", ratio},
                              {"supply_over_model_energy", c.supply_energy_J / r.cost.energy_J()},
                              {"ngspice_s", c.ngspice_s}};
            }
            std::printf("%s\n", dump_json(j, 2).c_str());
        } else {
            std::printf("%s/recall.cir: %d neurons, %d memories, a synchronous recall of %d clocks "
                        "(%s); the model's states per clock in %s/expected_states.csv.\n",
                        a.out.c_str(), net.neurons(), net.spec().memories, r.iterations,
                        r.converged ? "converged"
                        : r.cycle   ? "2-cycle"
                                    : "not converged",
                        a.out.c_str());
            if (!c.ran) {
                std::printf("Run it with: ngspice -b %s/recall.cir\n", a.out.c_str());
            } else {
                if (c.first_divergence < 0)
                    std::printf("ngspice: every neuron's state after every clock equals the "
                                "model's.\n");
                else
                    std::printf("ngspice: %d neuron(s) differ after clock %d; %s (largest "
                                "margin %.3g weight steps).\n",
                                c.neurons_differing, c.first_divergence,
                                c.divergence_within_band
                                    ? "each was a near-tie inside the comparator's dead band"
                                    : "NOT explained by the comparator's dead band",
                                c.worst_margin_steps);
                std::printf("supply energy %.4g J; model: synapse reads %.4g J (ratio %.4f), "
                            "with converters and neurons %.4g J; ngspice took %.2f s.\n",
                            c.supply_energy_J, r.cost.synapse_energy_J, ratio, r.cost.energy_J(),
                            c.ngspice_s);
            }
        }
        return c.agrees() && energy_ok ? 0 : 3;
    }
    const SynapseArray array = net.synapse_array();
    std::ostringstream expected;
    expected << "step,neuron,drive,current_A\n";
    expected.precision(12);
    for (std::size_t s = 0; s < r.steps.size(); ++s) {
        const HopfieldStep& step = r.steps[s];
        const std::string file = folder.staged("step" + std::to_string(s) + ".cir");
        write_hopfield_netlist(file, array, step.drive, title + " step " + std::to_string(s));
        for (std::size_t i = 0; i < step.currents_A.size(); ++i)
            expected << s << ',' << i << ',' << int(step.drive[i]) << ',' << step.currents_A[i]
                     << '\n';
    }
    folder.write("expected_currents.csv", expected.str());
    folder.commit();
    if (a.json) {
        std::printf("%s\n", dump_json({{"command", "export-spice"},
                                       {"kind", "hopfield"},
                                       {"component", name},
                                       {"folder", fs::absolute(a.out).lexically_normal().string()},
                                       {"netlists", r.steps.size()},
                                       {"memory", a.memory},
                                       {"pattern", a.pattern},
                                       {"bits_flipped", flips},
                                       {"iterations", r.iterations},
                                       {"converged", r.converged},
                                       {"two_cycle", r.cycle},
                                       {"overlap", r.overlap}},
                                      2)
                                .c_str());
        return 0;
    }
    std::printf(
        "%zu netlists (one per recall step) in %s/step<k>.cir; the model's neuron input "
        "currents in %s/expected_currents.csv.\nCheck a step with: ngspice -b %s/step0.cir\n",
        r.steps.size(), a.out.c_str(), a.out.c_str(), a.out.c_str());
    return 0;
}

std::vector<double> parse_loads(const std::string& text) {
    std::vector<double> loads;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        char* end = nullptr;
        const double v = std::strtod(item.c_str(), &end);
        if (end == item.c_str() || *end != '\0' || !(v > 0.0) || v > 10.0)
            throw InputError("--loads: \"" + item + "\" is not a load P/N in (0, 10]");
        loads.push_back(v);
    }
    if (loads.empty()) throw InputError("--loads: give at least one load P/N");
    return loads;
}

int run_capacity() {
    const CapacityArgs& a = g_capacity;
    if (a.neurons < 2 || a.neurons > 16384) throw InputError("--neurons: expected 2..16384");
    if (a.trials < 1 || a.trials > 1000) throw InputError("--trials: expected 1..1000");
    if (!(a.flip_fraction >= 0.0 && a.flip_fraction <= 1.0))
        throw InputError("--flip-fraction: expected 0..1");
    if (a.seed < 0) throw InputError("--seed must be >= 0");
    // Before the experiment, which can take minutes: the CSV must be writable.
    if (!a.out.empty()) check_output_file(a.out, "--out");
    CapacityOptions o;
    if (!a.config.empty()) {
        // Only the device: MTJ, switching, write-verify and read bias. The experiment's own
        // dynamics (random asynchronous updates, Hebbian learning) stay as documented.
        const PlatformConfig cfg = load_config(a.config);
        const HopfieldSpec d =
            HopfieldSpec::from_params(hopfield_component(cfg, a.component).params, *cfg.devices);
        o.device.cell = d.cell;
        o.device.write_verify = d.write_verify;
        o.device.write_retries = d.write_retries;
        o.device.verify_energy_J = d.verify_energy_J;
        o.device.verify_time_s = d.verify_time_s;
        o.device.read_voltage_V = d.read_voltage_V;
        o.device.zero_state_parallel = d.zero_state_parallel;
        o.device.pairs_per_weight = d.pairs_per_weight;
    }
    o.neurons = a.neurons;
    o.device.neurons = a.neurons;
    o.loads = parse_loads(a.loads);
    o.trials = a.trials;
    o.flip_fraction = a.flip_fraction;
    o.seed = static_cast<std::uint64_t>(a.seed);
    o.storages.clear();
    std::stringstream ss(a.storage);
    std::string s;
    while (std::getline(ss, s, ',')) {
        if (s == "float")
            o.storages.push_back(WeightStorage::ideal);
        else if (s == "ternary")
            o.storages.push_back(WeightStorage::ternary);
        else if (s == "multilevel")
            o.storages.push_back(WeightStorage::multilevel);
        else
            throw InputError("--storage: \"" + s + "\" is not float, ternary or multilevel");
    }
    if (o.storages.empty()) throw InputError("--storage: name at least one");
    // Weights, MTJ states, field and conductance copies: about 22 + 2 L bytes per synapse
    // site, plus the patterns.
    const double max_load = *std::max_element(o.loads.begin(), o.loads.end());
    const double n = a.neurons;
    const double memory = n * n * (22.0 + 2.0 * o.device.pairs_per_weight) + max_load * n * n;
    if (memory > static_cast<double>(default_memory_limit_bytes()))
        throw InputError("--neurons/--loads: the experiment would need about " +
                         format_bytes(memory) + ", more than this machine's limit of " +
                         format_bytes(static_cast<double>(default_memory_limit_bytes())));
    std::fprintf(stderr, "capacity: N = %d, %zu loads, %d trials, %zu storages\n", a.neurons,
                 o.loads.size(), a.trials, o.storages.size());
    const std::vector<CapacityRow> rows = run_capacity_experiment(o);
    if (!a.out.empty()) write_capacity_csv(rows, a.out);
    // The capacity in one figure per storage: the largest load still retrieved from 90% of
    // the probes (m >= 0.9), and how it compares with the first storage listed.
    std::map<std::string, double> capacity;
    std::vector<std::string> order;
    for (const auto& r : rows) {
        if (!capacity.count(r.storage)) {
            capacity[r.storage] = 0.0;
            order.push_back(r.storage);
        }
        if (r.retrieved_fraction >= 0.9)
            capacity[r.storage] = std::max(capacity[r.storage], r.load);
    }
    if (a.json) {
        json table = json::array();
        for (const auto& r : rows)
            table.push_back({{"storage", r.storage},
                             {"load", r.load},
                             {"patterns", r.patterns},
                             {"exact", r.exact_fraction},
                             {"retrieved", r.retrieved_fraction},
                             {"mean_overlap", r.mean_overlap},
                             {"mean_iterations", r.mean_iterations},
                             {"failed_writes", r.failed_writes}});
        json cap = json::object();
        for (const auto& name : order)
            cap[name] = capacity[name];
        json j = {{"command", "hopfield-capacity"},
                  {"neurons", a.neurons},
                  {"trials", a.trials},
                  {"rows", table},
                  {"capacity", cap}};
        if (!a.out.empty()) j["csv"] = fs::absolute(a.out).lexically_normal().string();
        std::printf("%s\n", dump_json(j, 2).c_str());
        return 0;
    }
    std::printf("storage     P/N     P    exact   m>=0.9   <m>     iterations  failed writes\n");
    for (const auto& r : rows)
        std::printf("%-10s %5.3f %5d   %.3f    %.3f   %.4f  %6.2f      %llu\n", r.storage.c_str(),
                    r.load, r.patterns, r.exact_fraction, r.retrieved_fraction, r.mean_overlap,
                    r.mean_iterations, static_cast<unsigned long long>(r.failed_writes));
    for (const auto& name : order) {
        std::printf("capacity (%s): retrieval from >= 90%% of probes up to P/N = %.3f",
                    name.c_str(), capacity[name]);
        if (name != order.front() && capacity[order.front()] > 0)
            std::printf(" (%.0f%% of %s)", 100.0 * capacity[name] / capacity[order.front()],
                        order.front().c_str());
        std::printf("\n");
    }
    if (!a.out.empty()) std::printf("written %s\n", printable(a.out).c_str());
    return 0;
}

} // namespace

void HopfieldCommands::add(CLI::App& app) {
    export_spice = app.add_subcommand(
        "export-spice",
        "run a platform, then write SPICE netlists: one per recall step of a Hopfield array, or "
        "one layer of an analog chain (tiles, readouts, neuron banks) with the model's outputs");
    export_spice
        ->add_option("config", g_export.config,
                     "platform JSON with a hopfield_array or an analog chain")
        ->required();
    export_spice->add_option("--out,-o", g_export.out, "folder for the netlists")->required();
    export_spice->add_option("--component", g_export.component,
                             "the hopfield_array (default: the only one)");
    export_spice->add_option("--memory", g_export.memory, "memory slot to recall from (default 0)");
    export_spice->add_option("--pattern", g_export.pattern,
                             "stored pattern to corrupt (default 0)");
    export_spice->add_option("--flip-fraction", g_export.flip_fraction,
                             "bits flipped in the probe (default 0.1)");
    export_spice->add_option("--seed", g_export.seed, "seed of the probe's flips");
    export_spice->add_option("--set", g_export.sets, "override a value: /json/pointer=value");
    export_spice->add_option("--layer", g_export.layer,
                             "analog chain: the layer to export, 1 = the first (default 1)");
    export_spice->add_option("--image", g_export.image,
                             "analog chain: the dataset image whose operating point is exported "
                             "(default 0; the workload runs images 0..K)");
    export_spice->add_flag("--transient", g_export.transient,
                           "Hopfield: one netlist simulating the whole recall in time (latches, "
                           "converters, memory select, integrating neurons, clocks) instead of "
                           "one DC netlist per step");
    export_spice->add_flag("--check", g_export.check,
                           "solve the netlist with ngspice and compare with the model: analog "
                           "chain, exit 3 if they differ by more than 2 % of the swing; Hopfield "
                           "--transient, exit 3 if a state differs other than at a near-tie or "
                           "the supply energy is not within 0.8-1.25x of the model's synapse "
                           "energy");
    export_spice->add_flag("--json", g_export.json, "print what was written as JSON on stdout");

    capacity = app.add_subcommand(
        "hopfield-capacity",
        "recall success versus load P/N for random patterns, float and MTJ weights, as CSV");
    capacity->add_option("--neurons,-n", g_capacity.neurons, "N (default 1024)");
    capacity->add_option("--loads", g_capacity.loads, "comma-separated loads P/N");
    capacity->add_option("--trials", g_capacity.trials, "pattern sets per load (default 3)");
    capacity->add_option("--flip-fraction", g_capacity.flip_fraction,
                         "bits flipped per probe (default 0.05)");
    capacity->add_option("--storage", g_capacity.storage,
                         "float,ternary,multilevel (default float,ternary)");
    capacity->add_option("--config", g_capacity.config,
                         "take the device parameters from this platform's hopfield_array");
    capacity->add_option("--component", g_capacity.component, "which hopfield_array in --config");
    capacity->add_option("--seed", g_capacity.seed, "seed");
    capacity->add_option("--out,-o", g_capacity.out, "CSV file to write");
    capacity->add_flag("--json", g_capacity.json, "print the table and capacities as JSON");
}

int HopfieldCommands::run() {
    install_stop_handlers();
    if (export_spice && *export_spice) return run_export();
    if (capacity && *capacity) return run_capacity();
    return -1;
}

} // namespace neurotlm::cli
