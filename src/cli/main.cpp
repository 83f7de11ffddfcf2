// The neurotlm command: run, validate and list platforms, print their schema.
// Exit codes: 0 success, 2 bad input (configuration, files, arguments), 1 internal failure,
// 3 a sweep that ran to its end with failed points, or an exported netlist ngspice disagrees with.

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <systemc>

#include "compare_command.h"
#include "hopfield_commands.h"
#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "neurotlm/core/kernels.h"
#include "neurotlm/core/memory.h"
#include "neurotlm/core/stop.h"
#include "neurotlm/core/units.h"
#include "neurotlm/drivers/initiator.h"
#include "neurotlm/drivers/register_map.h"
#include "neurotlm/report/progress.h"
#include "neurotlm/report/trace_files.h"
#include "neurotlm/topology/config.h"
#include "neurotlm/topology/platform.h"
#include "neurotlm/topology/schema.h"
#include "neurotlm/version.h"
#include "prototypes_command.h"
#include "sweep_command.h"

namespace fs = std::filesystem;
using namespace neurotlm;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitInput = 2;
constexpr int kExitInterrupted = 130;

std::string default_config() {
    if (const char* env = std::getenv("NEUROTLM_DEFAULT_CONFIG")) return env;
    // An installed command uses its own tree's platform, wherever the tree was put.
    if (const std::string installed = installed_data_dir(); !installed.empty())
        return installed + "/configs/default.json";
    const std::string candidates[] = {
        std::string(NEUROTLM_SOURCE_DIR) + "/configs/default.json",
        std::string(NEUROTLM_DATA_DIR) + "/configs/default.json",
    };
    for (const auto& c : candidates)
        if (fs::exists(c)) return c;
    return candidates[0];
}

// SystemC prints its banner to stdout before sc_main runs; silence it unless the user set the
// variable. A static initialiser runs before that.
const bool kBannerOff = [] {
    ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    return true;
}();

// SystemC prints its warnings and errors on stdout, where they would corrupt a command's JSON;
// they go to stderr like every other message.
void systemc_messages_to_stderr(const sc_core::sc_report& rep, const sc_core::sc_actions& actions) {
    if (actions & sc_core::SC_DISPLAY)
        std::fprintf(stderr, "%s\n", sc_core::sc_report_compose_message(rep).c_str());
    sc_core::sc_report_handler::default_handler(rep, actions & ~sc_core::SC_DISPLAY);
}

void quiet_systemc() {
    sc_core::sc_report_handler::set_handler(systemc_messages_to_stderr);
    // SystemC's info messages would interleave with ours; warnings and errors still print.
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);
}

struct RunArgs {
    std::string config;
    std::string out;
    std::optional<long long> seed;
    std::vector<std::string> sets;
    std::string memory_limit;
    bool quiet = false;
    bool resume = false;
    std::string trace;        ///< "", "vcd" or "perfetto"
    std::string trace_window; ///< "START:END" in simulated time
    std::size_t trace_limit = 1000000;
    bool json = false;
    int batch = kDefaultBatchImages;
};

/// --trace-window "10 us:2 ms" (either side may be empty: from the start, to the end).
void parse_trace_window(const std::string& text, ActivityOptions& o) {
    if (text.empty()) return;
    const std::size_t colon = text.find(':');
    if (colon == std::string::npos)
        throw InputError("--trace-window " + text +
                         ": expected START:END in simulated time, e.g. \"0:10 us\" or \"1 ms:\"");
    auto side = [&](const std::string& s, double& out) {
        if (s.find_first_not_of(' ') == std::string::npos) return;
        std::string why;
        const auto v = parse_quantity(s, Unit::second, &why);
        if (!v || *v < 0.0)
            throw InputError("--trace-window " + text + ": \"" + s +
                             "\" is not a time >= 0 (such as \"10 us\")" +
                             (why.empty() ? std::string() : ": " + why));
        out = *v;
    };
    side(text.substr(0, colon), o.window_start_s);
    side(text.substr(colon + 1), o.window_end_s);
    if (!(o.window_end_s > o.window_start_s))
        throw InputError("--trace-window " + text + ": the end must be after the start");
}

// What `run --json` prints: the figures a script wants from a run, read from the report's own
// JSON so that both say the same. A figure the platform does not model (no block reports an
// area) is null rather than 0.
json run_summary_json(const Report& report, const std::string& out, int code,
                      const std::vector<std::string>& warnings) {
    const json r = to_json(report, false);
    const json& t = r["totals"];
    auto figure = [&](const char* key) -> json {
        const json& v = t.contains(key) ? t[key] : json();
        if (!v.is_number() || v.get<double>() == 0.0) return nullptr;
        return v;
    };
    json s = {{"command", "run"},
              {"platform", report.platform},
              {"workload", report.workload_kind},
              {"item", report.item_name},
              {"items", report.items},
              {"items_requested", report.items_requested},
              {"complete", report.complete},
              {"exit_reason", report.complete ? "completed" : report.incomplete_reason},
              {"exit_code", code},
              {"energy_per_item_J", figure("energy_per_item_J")},
              {"latency_per_item_s", figure("latency_per_item_s")},
              {"average_power_W", figure("average_power_W")},
              {"area_m2", figure("area_m2")},
              {"energy_J", t.value("energy_J", json())},
              {"simulated_time_s", t.value("simulated_time_s", json())},
              {"report", fs::absolute(out).lexically_normal().string()},
              {"warnings", warnings}};
    const json& w = report.workload_results;
    for (const char* key : {"accuracy", "software_accuracy", "exact_recall", "mean_overlap"})
        if (w.is_object() && w.contains(key) && w[key].is_number()) s[key] = w[key];
    return s;
}

// An allocation failed although the estimate fitted the limit: the input asked for more than
// this machine has, so it is reported as bad input with the estimate, not as an internal error.
std::string out_of_memory(double estimate) {
    return "out of memory while building or running the platform (estimated " +
           format_bytes(estimate) + " beforehand; this machine has " +
           format_bytes(static_cast<double>(physical_memory_bytes())) +
           "): make the platform or its workload smaller, or free memory";
}

std::uint64_t parse_memory_limit(const std::string& text) {
    if (text.empty()) return 0;
    std::string why;
    auto v = parse_address(text, &why);
    if (!v || *v == 0)
        throw InputError("--memory-limit " + text + ": expected a size such as \"4 GiB\"" +
                         (why.empty() ? std::string() : " (" + why + ")"));
    return *v;
}

int cmd_run(const RunArgs& a) {
    install_stop_handlers();
    LoadOptions opt;
    if (a.seed) {
        if (*a.seed < 0)
            throw InputError("--seed " + std::to_string(*a.seed) + ": expected a seed >= 0");
        opt.seed = static_cast<std::uint64_t>(*a.seed);
    }
    opt.overrides = a.sets;
    opt.require_workload = true;
    opt.memory_limit_bytes = parse_memory_limit(a.memory_limit);
    opt.reads_ahead = reads_ahead_for_batch(a.batch);
    const std::string config = a.config.empty() ? default_config() : a.config;
    // Loading can take seconds (a large dataset): say so, so a wait is not taken for a hang.
    if (!a.quiet) std::fprintf(stderr, "neurotlm: loading %s\n", printable(config).c_str());
    PlatformConfig cfg = load_config(config, opt);
    stop_point("while loading the platform");
    const std::string out = a.out.empty() ? "neurotlm-out/" + cfg.name : a.out;
    // The report folder is claimed before the run: an unusable --out, one that holds the
    // platform file, or one another run is writing is refused before any time is spent.
    OutputFolder folder(out, "report.json", {config});
    const double estimate = cfg.memory_estimate_bytes;
    // Everything that can be wrong with the input is found here, before the run.
    std::unique_ptr<Platform> built;
    if (!a.quiet) std::fprintf(stderr, "neurotlm: building the platform\n");
    try {
        built = std::make_unique<Platform>(std::move(cfg));
    } catch (const std::bad_alloc&) {
        throw InputError(out_of_memory(estimate));
    }
    Platform& platform = *built;
    stop_point("while building the platform");
    if (!a.trace.empty()) {
        ActivityOptions activity;
        activity.keep_events = true;
        activity.max_events = a.trace_limit;
        parse_trace_window(a.trace_window, activity);
        platform.set_activity_options(activity);
    } else if (!a.trace_window.empty()) {
        throw InputError("--trace-window needs --trace vcd or --trace perfetto");
    }
    if (platform.workload()) platform.workload()->set_batch(a.batch);
    if (platform.workload() && !platform.workload()->set_output(out, a.resume))
        throw InputError(std::string("--resume: a ") + platform.workload()->kind() +
                         " workload keeps nothing to continue from; run it without --resume");

    // Declared before the run and ended before anything else is printed: a terminal line left
    // open would take the start of the next message (a warning, the summary, an error).
    ProgressLine::Options popt;
    popt.tty = ::isatty(STDERR_FILENO);
    if (popt.tty) {
        struct winsize ws {};
        if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0) popt.width = ws.ws_col;
    }
    ProgressLine line(
        popt,
        [](const std::string& s) {
            std::fputs(s.c_str(), stderr);
            std::fflush(stderr);
        },
        steady_seconds);
    if (!a.quiet) {
        std::fprintf(stderr, "neurotlm %s: running %s (%s)\n", NEUROTLM_VERSION,
                     platform.config().name.c_str(), printable(config).c_str());
        platform.set_progress(
            [&line](std::uint64_t done, std::uint64_t total, const std::string& status) {
                line.update(done, total, printable(status));
            });
    }
    // Before the run, so that nobody waits for results they should not trust.
    const std::vector<std::string> warnings =
        platform.workload() ? platform.workload()->warnings() : std::vector<std::string>();
    for (const auto& w : warnings)
        std::fprintf(stderr, "neurotlm: WARNING: %s\n", w.c_str());
    Report report;
    try {
        report = platform.run();
    } catch (const std::bad_alloc&) {
        throw InputError(out_of_memory(estimate));
    }
    if (a.trace == "vcd")
        folder.write("activity.vcd", to_vcd(*platform.activity(), report.platform));
    else if (a.trace == "perfetto")
        folder.write("trace.json", to_trace_events(*platform.activity(), report.platform));
    line.finish();
    if (!report.complete && !a.quiet)
        std::fprintf(
            stderr, "neurotlm: incomplete (%s): %llu of %llu %ss; writing the partial report\n",
            report.incomplete_reason.empty() ? "stopped"
                                             : printable(report.incomplete_reason).c_str(),
            static_cast<unsigned long long>(report.items),
            static_cast<unsigned long long>(report.items_requested), report.item_name.c_str());
    write_report(folder, report, platform.effective_config());
    const int code = report.complete ? kExitOk : kExitInterrupted;
    if (a.json) {
        std::printf("%s\n", dump_json(run_summary_json(report, out, code, warnings), 2).c_str());
    } else if (!a.quiet) {
        std::printf("%s", summary_table(report).c_str());
        if (platform.workload()) {
            const std::string s = platform.workload()->summary();
            if (!s.empty()) std::printf("  %s\n", s.c_str());
        }
        for (const auto& w : warnings)
            std::printf("  WARNING: %s\n", w.c_str());
        std::printf("report: %s/report.json, report.csv, report.html, config.effective.json%s\n",
                    printable(out).c_str(),
                    exit_sweep_csv(report).empty() ? "" : ", exit_sweep.csv");
    }
    return code;
}

int cmd_validate(const std::string& file, const std::vector<std::string>& sets,
                 const std::string& memory_limit, bool as_json) {
    LoadOptions opt;
    opt.overrides = sets;
    // Validating builds the platform, so it allocates what a run would: the same limit applies.
    opt.memory_limit_bytes = parse_memory_limit(memory_limit);
    PlatformConfig cfg = load_config(file, opt);
    const std::string name = cfg.name;
    const std::size_t n = cfg.components.size();
    // Building elaborates the platform: connections, address ranges and device presets are
    // checked too, without running anything.
    Platform platform(std::move(cfg));
    if (as_json)
        std::printf("%s\n", dump_json({{"command", "validate"},
                                       {"file", printable(file)},
                                       {"valid", true},
                                       {"platform", name},
                                       {"components", n}},
                                      2)
                                .c_str());
    else
        std::printf("%s: valid (platform %s, %zu components)\n", printable(file).c_str(),
                    name.c_str(), n);
    return kExitOk;
}

/// What `neurotlm list` shows: every section, or those named (a component type, a workload
/// kind, "platform", "device", "presets").
int cmd_list(const std::vector<std::string>& what, bool as_json) {
    const auto& blocks = Registry::instance();
    const auto& workloads = WorkloadRegistry::instance();
    for (const std::string& w : what) {
        if (w == "platform" || w == "device" || w == "presets" || blocks.find(w) ||
            workloads.find(w))
            continue;
        std::string known;
        for (const auto& n : blocks.names())
            known += (known.empty() ? "" : ", ") + n;
        for (const auto& n : workloads.names())
            known += ", " + n;
        throw InputError("list: \"" + printable(w) +
                         "\" is not a component type, a workload kind, \"platform\", \"device\" "
                         "or \"presets\" (types and kinds: " +
                         known + ")");
    }
    auto wanted = [&](const std::string& name) {
        return what.empty() || std::find(what.begin(), what.end(), name) != what.end();
    };
    json doc = json::object();
    if (wanted("platform")) {
        if (as_json)
            doc["platform"] = describe_as_json(platform_param_table());
        else
            std::printf("Platform file (top level):\n%s\n",
                        describe(platform_param_table()).c_str());
    }
    for (const auto& name : blocks.names()) {
        if (!wanted(name)) continue;
        const BlockType* t = blocks.find(name);
        json sockets = json::array();
        std::string socket_text = t->has_target ? "in (target)" : "";
        if (t->has_target) sockets.push_back({{"name", "in"}, {"role", "target"}});
        for (const auto& s : t->initiators) {
            socket_text += (socket_text.empty() ? "" : ", ") + s.first +
                           (s.second ? " (initiator, address-decoding)" : " (initiator)");
            sockets.push_back({{"name", s.first},
                               {"role", s.second ? "initiator, address-decoding" : "initiator"}});
        }
        // Analog ports as a block with the default parameters has them (widths follow them).
        std::string analog;
        json ports = json::array();
        try {
            json defaults = json::object();
            if (t->params.find("device")) defaults["device"] = "ideal";
            for (const AnalogPortSpec& p :
                 t->analog_ports(Params::validate(defaults, t->params, "", ""))) {
                analog += std::string(analog.empty() ? "" : "; ") + p.name + " (analog " +
                          (p.output ? "output" : "input") + ", " + analog_signal_name(p.signal) +
                          ", " + std::to_string(p.width) + " values by default: " + p.description +
                          ")";
                ports.push_back({{"name", p.name},
                                 {"direction", p.output ? "output" : "input"},
                                 {"signal", analog_signal_name(p.signal)},
                                 {"default_width", p.width},
                                 {"description", p.description}});
            }
        } catch (const InputError&) {
        }
        if (as_json) {
            doc["components"][name] = {{"description", t->description},
                                       {"sockets", sockets},
                                       {"analog_ports", ports},
                                       {"parameters", describe_as_json(t->params)}};
            continue;
        }
        std::printf("component type \"%s\": %s\n", name.c_str(), t->description.c_str());
        std::printf("  sockets: %s\n", socket_text.c_str());
        if (!analog.empty()) std::printf("  analog ports: %s\n", analog.c_str());
        std::printf("%s\n", describe(t->params).c_str());
    }
    for (const auto& name : workloads.names()) {
        if (!wanted(name)) continue;
        const WorkloadKind* k = workloads.find(name);
        if (as_json)
            doc["workloads"][name] = {{"description", k->description},
                                      {"parameters", describe_as_json(k->params)}};
        else
            std::printf("workload kind \"%s\": %s\n%s\n", name.c_str(), k->description.c_str(),
                        describe(k->params).c_str());
    }
    if (wanted("device")) {
        if (as_json)
            doc["device"] = describe_as_json(CellSpec::param_table());
        else
            std::printf("device (under /devices/<name>, or a preset name):\n%s\n",
                        describe(CellSpec::param_table()).c_str());
    }
    if (wanted("presets") || wanted("device")) {
        DeviceLibrary lib(DeviceLibrary::default_search_dirs(""));
        std::string presets;
        json list = json::array();
        for (const auto& n : lib.preset_names()) {
            presets += (presets.empty() ? "" : ", ") + n;
            list.push_back({{"name", n}, {"file", lib.find_preset(n)}});
        }
        if (as_json)
            doc["device_presets"] = list;
        else
            std::printf("device presets: %s\n", presets.empty() ? "(none found)" : presets.c_str());
    }
    if (as_json) std::printf("%s\n", dump_json(doc, 2).c_str());
    return kExitOk;
}

/// `neurotlm schema`: the JSON Schema of a file format, generated from the loader's tables.
int cmd_schema(const std::string& format, const std::string& out) {
    const json schema = format == "network" ? network_schema() : platform_schema();
    const std::string text = dump_json(schema, 2) + "\n";
    if (out.empty())
        std::fputs(text.c_str(), stdout);
    else
        write_file_atomic(out, text);
    return kExitOk;
}

} // namespace

int sc_main(int argc, char** argv) {
    quiet_systemc();
    // A kernel variant named in NEUROTLM_ISA that does not exist, or that this processor does not
    // run, stops every command before it starts.
    try {
        neurotlm::kernels::active_isa();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return kExitInput;
    }
    CLI::App app{"neurotlm: architecture-level simulator for spintronic and memristive "
                 "in-memory-computing hardware"};
    app.set_version_flag("--version", [] {
        // The kernels' instruction set: NEUROTLM_ISA or the widest this processor runs.
        std::string isa;
        try {
            isa = neurotlm::kernels::isa_name(neurotlm::kernels::active_isa());
        } catch (const std::exception& e) {
            isa = e.what();
        }
        return std::string("neurotlm ") + NEUROTLM_VERSION + " (kernels: " + isa + ")";
    });
    app.require_subcommand(1);

    RunArgs run_args;
    CLI::App* run = app.add_subcommand("run", "run a platform and its workload, write a report");
    run->add_option("config", run_args.config,
                    "platform JSON (default: the built-in default platform)");
    run->add_option("--out,-o", run_args.out,
                    "report folder (default: neurotlm-out/<platform name>)");
    run->add_option("--seed", run_args.seed, "override the platform's seed");
    run->add_option("--set", run_args.sets, "override a value: /json/pointer=value (repeatable)");
    run->add_flag("--quiet,-q", run_args.quiet, "print nothing but errors");
    run->add_option("--trace", run_args.trace,
                    "also write the blocks' activity: vcd (activity.vcd, GTKWave) or perfetto "
                    "(trace.json, Perfetto or chrome://tracing)")
        ->check(CLI::IsMember({"vcd", "perfetto"}));
    run->add_option("--trace-window", run_args.trace_window,
                    "keep only activity within START:END of simulated time (\"0:20 us\")");
    run->add_option("--trace-limit", run_args.trace_limit,
                    "keep at most this many busy intervals (more are counted in the report's "
                    "time_series.events_dropped; default 1000000, about 60 MB of trace)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000000}));
    run->add_flag("--json", run_args.json,
                  "print the run's key figures as JSON on stdout (nothing else goes there)");
    run->add_flag("--resume", run_args.resume,
                  "continue an interrupted run from what its workload kept beside the report "
                  "(gxnor_training: OUT.training/checkpoint.bin)");
    run->add_option("--batch", run_args.batch,
                    "images whose functional reads are computed together, ahead of their timed "
                    "run (default " +
                        std::to_string(kDefaultBatchImages) +
                        "; 1: one at a time). The report is the same for any value: only the "
                        "run's speed changes")
        ->check(CLI::Range(1, 4096));
    run->add_option("--memory-limit", run_args.memory_limit,
                    "refuse platforms estimated to need more memory (default: 80% of this "
                    "machine's memory), e.g. \"4 GiB\"");

    std::string validate_file;
    std::vector<std::string> validate_sets;
    CLI::App* validate = app.add_subcommand("validate", "check a platform file without running it");
    validate->add_option("config", validate_file, "platform JSON")->required();
    validate->add_option("--set", validate_sets,
                         "override a value: /json/pointer=value (repeatable)");
    std::string validate_memory_limit;
    validate->add_option("--memory-limit", validate_memory_limit,
                         "refuse platforms estimated to need more memory (as for run)");
    bool validate_json = false;
    validate->add_flag("--json", validate_json, "print the result as JSON");

    CLI::App* list =
        app.add_subcommand("list", "list component types, workloads and device parameters");
    std::vector<std::string> list_what;
    list->add_option("what", list_what,
                     "only these: component types, workload kinds, \"platform\", \"device\", "
                     "\"presets\"");
    bool list_json = false;
    list->add_flag("--json", list_json,
                   "print them as one JSON document (every parameter's kind, unit, default, range "
                   "and description)");
    std::string docs_topic;
    CLI::App* docs = app.add_subcommand(
        "docs", "print generated documentation: `docs registers` is docs/registers.md");
    docs->add_option("topic", docs_topic, "what to print")
        ->required()
        ->check(CLI::IsMember({"registers"}));
    std::string schema_format = "platform";
    std::string schema_out;
    CLI::App* schema = app.add_subcommand(
        "schema", "print the JSON Schema of the platform or network file, for editors");
    schema->add_option("format", schema_format, "platform (default) or network")
        ->check(CLI::IsMember({"platform", "network"}));
    schema->add_option("--out,-o", schema_out, "write it to this file instead of stdout");
    cli::HopfieldCommands hopfield;
    hopfield.add(app);
    cli::CompareCommand compare;
    compare.add(app);
    cli::SweepCommand sweep;
    sweep.add(app);
    cli::PrototypesCommand prototypes;
    prototypes.add(app);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? kExitOk : kExitInput;
    }

    try {
        if (*run) return cmd_run(run_args);
        if (*validate)
            return cmd_validate(validate_file, validate_sets, validate_memory_limit, validate_json);
        if (*list) return cmd_list(list_what, list_json);
        if (*schema) return cmd_schema(schema_format, schema_out);
        if (*docs) {
            std::fputs(regmap::render_markdown().c_str(), stdout);
            return kExitOk;
        }
        if (const int code = hopfield.run(); code >= 0) return code;
        if (const int code = compare.run(); code >= 0) return code;
        if (const int code = sweep.run(); code >= 0) return code;
        if (const int code = prototypes.run(); code >= 0) return code;
    } catch (const StopRequested& e) {
        std::fprintf(stderr, "%s\n", printable(e.what(), true).c_str());
        return kExitInterrupted;
    } catch (const InputError& e) {
        std::fprintf(stderr, "error: %s\n", printable(e.what(), true).c_str());
        return kExitInput;
    } catch (const BusError& e) {
        std::fprintf(stderr, "error: the workload failed on the platform: %s\n",
                     printable(e.what(), true).c_str());
        return kExitInput;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "error: out of memory: the input asks for more memory than this "
                             "machine has; make it smaller\n");
        return kExitInput;
    } catch (const sc_core::sc_report& e) {
        std::fprintf(stderr, "internal error (SystemC): %s\n", printable(e.what(), true).c_str());
        return kExitInternal;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "internal error: %s\n", printable(e.what(), true).c_str());
        return kExitInternal;
    }
    return kExitInternal;
}
