#include "neurotlm/blocks/hopfield/spice_transient.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "neurotlm/blocks/hopfield/spice_export.h"
#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"

namespace neurotlm {

namespace {

// Fractions of the neuron latency: the latch strobe after the rows are released, then the
// integrator reset before the next read.
constexpr double kLatchStart = 0.2;
constexpr double kLatchEnd = 0.6;
constexpr double kResetStart = 0.7;
constexpr double kSample = 0.8;

void check_options(const HopfieldSpec& spec, const HopfieldTransientOptions& o) {
    auto positive = [](double v, const char* what) {
        if (!(v > 0.0) || !std::isfinite(v))
            throw InputError(std::string("transient netlist: ") + what + " must be > 0");
    };
    positive(o.vdd_V, "vdd");
    positive(o.driver_on_ohm, "driver_on");
    positive(o.select_on_ohm, "select_on");
    positive(o.latch_capacitance_F, "latch_capacitance");
    positive(o.integrator_gain, "integrator_gain");
    positive(o.integrator_swing_V, "integrator_swing");
    positive(o.dead_band_steps, "dead_band");
    positive(o.edge_s, "edge");
    positive(o.load_time_s, "load_time");
    if (!(o.line_capacitance_per_cell_F >= 0.0))
        throw InputError("transient netlist: line_capacitance_per_cell must be >= 0");
    if (!(o.dead_band_steps < 0.5))
        throw InputError("transient netlist: a dead band of " + std::to_string(o.dead_band_steps) +
                         " weight steps would hide decisions one step apart (use < 0.5)");
    // Every phase must fit its edges.
    const double lat = spec.neuron_latency_s;
    if (!(spec.read_time_s > 2 * o.edge_s) || !(lat * kLatchStart > o.edge_s) ||
        !(lat * (kLatchEnd - kLatchStart) > 2 * o.edge_s) ||
        !(lat * (1.0 - kResetStart) > 3 * o.edge_s) || !(o.load_time_s > 3 * o.edge_s))
        throw InputError("transient netlist: read_time " + std::to_string(spec.read_time_s) +
                         " s and neuron_latency " + std::to_string(lat) +
                         " s are too short for clock edges of " + std::to_string(o.edge_s) +
                         " s (the neuron latency must hold about 12 edges)");
}

} // namespace

double HopfieldTransientTiming::sample_time_s(int k) const {
    return load_s + k * period_s + read_s + kSample * (period_s - read_s);
}

HopfieldTransientTiming transient_timing(const HopfieldSpec& spec,
                                         const HopfieldTransientOptions& options) {
    HopfieldTransientTiming t;
    t.read_s = spec.read_time_s;
    t.period_s = spec.read_time_s + spec.neuron_latency_s;
    t.load_s = options.load_time_s;
    return t;
}

void write_hopfield_transient_netlist(std::ostream& out, const HopfieldNetwork& net,
                                      const HopfieldPattern& probe, int cycles,
                                      const HopfieldTransientOptions& o, const std::string& title) {
    const HopfieldSpec& spec = net.spec();
    const int n = net.neurons();
    if (spec.storage == WeightStorage::ideal)
        throw InputError("transient netlist: float storage has no MTJs to simulate (use storage "
                         "\"ternary\" or \"multilevel\")");
    if (spec.update != UpdateOrder::synchronous)
        throw InputError(std::string("transient netlist: the circuit clocks every neuron at once "
                                     "(update \"synchronous\"); this array updates \"") +
                         to_string(spec.update) + "\"");
    if (static_cast<int>(probe.size()) != n)
        throw InputError("transient netlist: the probe has " + std::to_string(probe.size()) +
                         " states for " + std::to_string(n) + " neurons");
    if (cycles < 1) throw InputError("transient netlist: at least one clock");
    check_options(spec, o);
    const HopfieldTransientTiming t = transient_timing(spec, o);
    const int slots = spec.memories;
    const SynapseArray first = net.synapse_array(0);
    const int l_max = first.cells_per_side;
    const double v_read = spec.read_voltage_V;
    const double lat = spec.neuron_latency_s;
    const double e = o.edge_s;
    // One weight step's charge over a read, and the integrator that makes (N - 1) L steps the
    // full swing.
    const double q_step = net.unit_current_A() * t.read_s;
    const double c_int = std::max(1, (n - 1) * l_max) * q_step / o.integrator_swing_V;
    const double v_step = q_step / c_int;
    const double band = o.dead_band_steps * v_step;
    const double tmr_read =
        first.v_half_V > 0.0
            ? first.tmr0 / (1.0 + v_read * v_read / (first.v_half_V * first.v_half_V))
            : first.tmr0;

    out << "* " << (title.empty() ? "Hopfield recall, transient" : title) << "\n";
    out << "* " << n << " neurons, " << slots << " memories (slot " << net.selected()
        << " selected), " << l_max << " MTJ pair(s) per weight, " << cycles << " clocks of "
        << t.period_s << " s (read " << t.read_s << " s)\n";
    out << "* Generated by neurotlm export-spice --transient; the circuit is described in\n"
        << "* blocks/hopfield/spice_transient.h. Run: ngspice -b <this file>\n";
    out << std::setprecision(12);
    out << ".param vdd=" << o.vdd_V << " vread=" << v_read << " tmr0=" << first.tmr0
        << " vh2=" << first.v_half_V * first.v_half_V << "\n";
    out << "* supply rails of the row drivers\n";
    out << "VPOS vpos 0 DC " << v_read << "\nVNEG vneg 0 DC " << -v_read << "\n";
    out << "* clocks: LOAD (probe into the latches), RD (read enable), LAT (latch strobe), "
           "RST (integrator reset)\n";
    out << "VLOAD load 0 PWL(0 " << o.vdd_V << " " << t.load_s - 2 * e << " " << o.vdd_V << " "
        << t.load_s - e << " 0)\n";
    out << "VRD rd 0 PULSE(0 " << o.vdd_V << " " << t.load_s << " " << e << " " << e << " "
        << t.read_s - e << " " << t.period_s << ")\n";
    out << "VLAT lat 0 PULSE(0 " << o.vdd_V << " " << t.load_s + t.read_s + kLatchStart * lat << " "
        << e << " " << e << " " << (kLatchEnd - kLatchStart) * lat - e << " " << t.period_s
        << ")\n";
    out << "VRST rst 0 PULSE(0 " << o.vdd_V << " " << t.load_s + t.read_s + kResetStart * lat << " "
        << e << " " << e << " " << (1.0 - kResetStart) * lat - 3 * e << " " << t.period_s << ")\n";
    out << "BRDN rdn 0 V = vdd - V(rd)\n";
    out << "* memory select\n";
    for (int k = 0; k < slots; ++k)
        out << "VSEL" << k << " sel" << k << " 0 DC " << (k == net.selected() ? o.vdd_V : 0.0)
            << "\n";
    const double vt = 0.5 * o.vdd_V;
    out << ".model swdrv sw(vt=" << vt << " vh=0 ron=" << o.driver_on_ohm << " roff=1e12)\n";
    out << ".model swsel sw(vt=" << vt << " vh=0 ron=" << o.select_on_ohm << " roff=1e12)\n";
    out << ".model swlat sw(vt=" << vt << " vh=0 ron=1e3 roff=1e12)\n";
    // The reset must empty C_int within its window (20 time constants leave 2e-9 of the charge),
    // however large the array makes C_int.
    const double reset_window = (1.0 - kResetStart) * lat - 3 * e;
    const double reset_ohm = std::min(10.0, reset_window / (20.0 * c_int));
    out << ".model swrst sw(vt=" << vt << " vh=0 ron=" << reset_ohm << " roff=1e12)\n";

    const double row_cap = n * l_max * o.line_capacitance_per_cell_F;
    for (int j = 0; j < n; ++j) {
        const bool high = probe[static_cast<std::size_t>(j)] > 0;
        out << "* neuron " << j << ": latch, converter, memory select\n";
        out << "VP" << j << " p" << j << " 0 DC " << (high ? o.vdd_V : 0.0) << "\n";
        out << "SL" << j << " p" << j << " q" << j << " load 0 swlat\n";
        out << "SK" << j << " k" << j << " q" << j << " lat 0 swlat\n";
        out << "CQ" << j << " q" << j << " 0 " << o.latch_capacitance_F << "\n";
        out << "BU" << j << " up" << j << " 0 V = V(rd)*V(q" << j << ")/vdd\n";
        out << "BD" << j << " dn" << j << " 0 V = V(rd)*(vdd-V(q" << j << "))/vdd\n";
        out << "SAP" << j << " a" << j << " vpos up" << j << " 0 swdrv\n";
        out << "SAN" << j << " a" << j << " vneg dn" << j << " 0 swdrv\n";
        out << "SAG" << j << " a" << j << " 0 rdn 0 swdrv\n";
        out << "SBP" << j << " b" << j << " vpos dn" << j << " 0 swdrv\n";
        out << "SBN" << j << " b" << j << " vneg up" << j << " 0 swdrv\n";
        out << "SBG" << j << " b" << j << " 0 rdn 0 swdrv\n";
        for (int k = 0; k < slots; ++k) {
            out << "SSA" << j << "_" << k << " a" << j << " a" << j << "_" << k << " sel" << k
                << " 0 swsel\n";
            out << "SSB" << j << "_" << k << " b" << j << " b" << j << "_" << k << " sel" << k
                << " 0 swsel\n";
            if (row_cap > 0.0) {
                out << "CA" << j << "_" << k << " a" << j << "_" << k << " 0 " << row_cap << "\n";
                out << "CB" << j << "_" << k << " b" << j << "_" << k << " 0 " << row_cap << "\n";
            }
        }
    }

    // An MTJ from row node `from` to input c<i>.
    auto mtj = [&](const char* side, int k, int i, int j, int l, const std::string& from, double g,
                   bool parallel) {
        if (!(g > 0.0)) return;
        const std::string name = std::string(side) + std::to_string(k) + "_" + std::to_string(i) +
                                 "_" + std::to_string(j) + "_" + std::to_string(l);
        const std::string to = "c" + std::to_string(i);
        if (parallel || first.v_half_V <= 0.0) {
            out << "R" << name << " " << from << " " << to << " " << 1.0 / g << "\n";
            return;
        }
        const std::string v = "V(" + from + "," + to + ")";
        out << "B" << name << " " << from << " " << to << " I = " << g * (1.0 + tmr_read) << "*"
            << v << "/(1+tmr0/(1+" << v << "*" << v << "/vh2))\n";
    };
    for (int k = 0; k < slots; ++k) {
        const SynapseArray a = net.synapse_array(k);
        out << "* memory " << k << ": MTJs (+ side from a<j>_" << k << ", - side from b<j>_" << k
            << ")\n";
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                for (int l = 0; l < l_max; ++l) {
                    const std::size_t c = (static_cast<std::size_t>(i) * n + j) * l_max + l;
                    const std::string js = std::to_string(j) + "_" + std::to_string(k);
                    mtj("P", k, i, j, l, "a" + js, a.g_plus_S[c], a.parallel_plus[c] != 0);
                    mtj("N", k, i, j, l, "b" + js, a.g_minus_S[c], a.parallel_minus[c] != 0);
                }
    }

    const double col_cap = 2.0 * n * slots * l_max * o.line_capacitance_per_cell_F;
    const std::vector<double>& theta = net.threshold_in_steps();
    for (int i = 0; i < n; ++i) {
        const std::string is = std::to_string(i);
        const double th = (theta.empty() ? 0.0 : theta[static_cast<std::size_t>(i)]) * v_step;
        out << "* neuron " << i << ": integrator and clocked comparator\n";
        if (col_cap > 0.0) out << "CC" << i << " c" << i << " 0 " << col_cap << "\n";
        out << "EO" << i << " o" << i << " 0 0 c" << i << " " << o.integrator_gain << "\n";
        out << "CI" << i << " c" << i << " o" << i << " " << c_int << "\n";
        out << "SR" << i << " c" << i << " o" << i << " rst 0 swrst\n";
        // x = Q/C_int - threshold; above the band: VDD, below: 0, inside: the latch's state.
        std::ostringstream x;
        x << std::setprecision(12) << "(-V(o" << i << ")-(" << th << "))";
        const double w = band / 20.0;
        out << "BK" << i << " k" << i << " 0 V = vdd*0.5*(1+tanh((" << x.str() << "-" << band
            << ")/" << w << ")) + V(q" << i << ")*(1-0.5*(1+tanh((" << x.str() << "-" << band
            << ")/" << w << "))-0.5*(1+tanh((-" << x.str() << "-" << band << ")/" << w << ")))\n";
    }

    const double t_end = t.end_s(cycles);
    out << ".control\nset numdgt=12\n";
    // Every clock edge is a breakpoint of ngspice; between edges 25 points per period.
    out << "tran " << t.period_s / 25 << " " << t_end << " 0 " << t.period_s / 25 << "\n";
    for (int k = 0; k < cycles; ++k)
        for (int i = 0; i < n; ++i)
            out << "meas tran s" << k << "_" << i << " find v(q" << i
                << ") at=" << t.sample_time_s(k) << "\n";
    out << "meas tran qpos integ i(vpos) from=" << t.load_s << " to=" << t_end << "\n";
    out << "meas tran qneg integ i(vneg) from=" << t.load_s << " to=" << t_end << "\n";
    // Power delivered by a source is -V I (I into its + terminal): VPOS +V_read, VNEG -V_read.
    out << "let supply_energy = " << v_read << "*(qneg - qpos)\n";
    out << "print supply_energy\n";
    out << ".endc\n.end\n";
}

void write_hopfield_transient_netlist(const std::string& path, const HopfieldNetwork& net,
                                      const HopfieldPattern& probe, int cycles,
                                      const HopfieldTransientOptions& options,
                                      const std::string& title) {
    std::ostringstream out;
    write_hopfield_transient_netlist(out, net, probe, cycles, options, title);
    write_file_atomic(path, out.str());
}

HopfieldTransientResult parse_transient_output(const std::string& output, int neurons, int cycles,
                                               double vdd_V) {
    const std::map<std::string, double> values = parse_ngspice_values(output);
    auto value = [&](const std::string& name) {
        const auto it = values.find(name);
        if (it == values.end())
            throw InputError("ngspice printed no value for " + name +
                             " (did the transient run fail? its output ends: " +
                             output.substr(output.size() > 600 ? output.size() - 600 : 0) + ")");
        return it->second;
    };
    HopfieldTransientResult r;
    for (int k = 0; k < cycles; ++k) {
        HopfieldPattern s(static_cast<std::size_t>(neurons));
        for (int i = 0; i < neurons; ++i)
            s[static_cast<std::size_t>(i)] =
                value("s" + std::to_string(k) + "_" + std::to_string(i)) > 0.5 * vdd_V ? 1 : -1;
        r.states.push_back(std::move(s));
    }
    r.supply_energy_J = value("supply_energy");
    return r;
}

std::vector<HopfieldPattern> states_per_clock(const HopfieldRecall& recall) {
    std::vector<HopfieldPattern> out;
    for (std::size_t k = 1; k < recall.steps.size(); ++k)
        out.push_back(recall.steps[k].drive);
    if (!recall.steps.empty()) out.push_back(recall.state);
    return out;
}

} // namespace neurotlm
