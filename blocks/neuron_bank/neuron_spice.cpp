#include "neurotlm/blocks/neuron_bank/neuron_spice.h"

#include <array>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <sstream>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"

namespace neurotlm {

namespace {

void write_model(std::ostream& out, const char* name, const char* type, double vto,
                 const MosfetSpec& m) {
    // KP is per fin; W = L and M = fins make beta = KP x fins. Body effect and junction
    // currents are left out of the model, so they are switched off here: GAMMA 0, IS 0.
    out << ".model " << name << " " << type << " level=1 vto=" << vto
        << " kp=" << m.kp_per_fin_A_per_V2 << " lambda=" << m.lambda_per_V
        << " gamma=0 is=0 ld=0\n";
}

void write_circuit(std::ostream& out, const SotNeuron& neuron) {
    out << std::setprecision(12);
    write_neuron_models(out, neuron.spec());
    write_neuron_instance(out, neuron, "", "in", "out", "vhi", "vlo");
}

} // namespace

void write_neuron_models(std::ostream& out, const SotNeuronSpec& s) {
    write_model(out, "nfin", "nmos", s.nmos.vt_V, s.nmos);
    write_model(out, "pfin", "pmos", -s.pmos.vt_V, s.pmos);
    out << "VHI vhi 0 DC " << s.rail_high_V << "\n";
    out << "VLO vlo 0 DC " << s.rail_low_V << "\n";
}

void write_neuron_instance(std::ostream& out, const SotNeuron& neuron, const std::string& tag,
                           const std::string& in, const std::string& output, const std::string& vhi,
                           const std::string& vlo) {
    const SotNeuronSpec& s = neuron.spec();
    const std::string x = tag.empty() ? "x" : "x" + tag;
    const std::string sh = tag.empty() ? "s" : "s" + tag;
    out << "* R_in " << neuron.r_in_ohm() << " ohm (P), R_fb " << neuron.r_fb_ohm()
        << " ohm (AP), shift " << s.input_shift_V << " V\n";
    out << "VSH" << tag << " " << sh << " " << in << " DC " << s.input_shift_V << "\n";
    out << "RIN" << tag << " " << sh << " " << x << " " << neuron.r_in_ohm() << "\n";
    out << "RFB" << tag << " " << x << " " << output << " " << neuron.r_fb_ohm() << "\n";
    out << "MN" << tag << " " << output << " " << x << " " << vlo << " " << vlo
        << " nfin W=1u L=1u M=" << s.nmos.fins << "\n";
    out << "MP" << tag << " " << output << " " << x << " " << vhi << " " << vhi
        << " pfin W=1u L=1u M=" << s.pmos.fins << "\n";
}

namespace {

// Rows of an ngspice `print` table with three values each: an integer index, then the scale
// (sweep value or time) and two vectors. Headers, rules and notes are skipped.
std::vector<std::array<double, 3>> parse_rows(const std::string& output, const char* who) {
    std::vector<std::array<double, 3>> rows;
    std::istringstream in(output);
    std::string line;
    while (std::getline(in, line)) {
        const char* p = line.c_str();
        char* end = nullptr;
        const long index = std::strtol(p, &end, 10);
        if (end == p || (*end != '\t' && *end != ' ')) continue;
        std::array<double, 3> v{};
        bool ok = true;
        for (double& x : v) {
            p = end;
            x = std::strtod(p, &end);
            if (end == p) {
                ok = false;
                break;
            }
        }
        if (!ok) continue;
        if (index != static_cast<long>(rows.size()))
            throw InputError(std::string(who) + ": row " + std::to_string(index) + " where row " +
                             std::to_string(rows.size()) + " was expected");
        rows.push_back(v);
    }
    if (rows.empty()) throw InputError(std::string(who) + ": no rows in the ngspice output");
    return rows;
}

} // namespace

void write_neuron_dc_netlist(std::ostream& out, const SotNeuron& neuron, double vin_start_V,
                             double vin_stop_V, double step_V, const std::string& title) {
    if (!(step_V > 0.0) || !(vin_stop_V > vin_start_V) || !std::isfinite(vin_stop_V) ||
        !std::isfinite(vin_start_V))
        throw InputError("write_neuron_dc_netlist: need start < stop and step > 0");
    out << "* " << (title.empty() ? "SOT-MRAM neuron, DC transfer curve" : title) << "\n";
    write_circuit(out, neuron);
    out << "VIN in 0 DC " << vin_start_V << "\n";
    out << ".control\nset numdgt=12\nset width=200\n";
    out << "dc VIN " << vin_start_V << " " << vin_stop_V << " " << step_V << "\n";
    // quit ends the run before ngspice's exit note, which goes to stderr and can land in the
    // middle of the printed table when both streams are read together.
    out << "print v(out) v(x)\nquit\n.endc\n.end\n";
}

void write_neuron_dc_netlist(const std::string& path, const SotNeuron& neuron, double vin_start_V,
                             double vin_stop_V, double step_V, const std::string& title) {
    std::ostringstream out;
    write_neuron_dc_netlist(out, neuron, vin_start_V, vin_stop_V, step_V, title);
    write_file_atomic(path, out.str());
}

void write_neuron_step_netlist(std::ostream& out, const SotNeuron& neuron, double vin_from_V,
                               double vin_to_V, double step_s, double stop_s) {
    if (!(step_s > 0.0) || !(stop_s > kNeuronStepAt_s) || !std::isfinite(stop_s) ||
        !std::isfinite(vin_from_V) || !std::isfinite(vin_to_V))
        throw InputError("write_neuron_step_netlist: need step > 0 and stop after the step");
    const SotNeuronSpec& s = neuron.spec();
    out << "* SOT-MRAM neuron, input step " << vin_from_V << " V -> " << vin_to_V << " V\n";
    write_circuit(out, neuron);
    out << "CIN x 0 " << s.c_in_F << "\n";
    out << "CLOAD out 0 " << s.c_load_F << "\n";
    out << "VIN in 0 PWL(0 " << vin_from_V << " " << kNeuronStepAt_s << " " << vin_from_V << " "
        << kNeuronStepAt_s + 1e-12 << " " << vin_to_V << ")\n";
    out << ".control\nset numdgt=12\nset width=200\n";
    // Starting from the DC point of vin_from (no uic); the maximum step keeps the print grid.
    out << "tran " << step_s << " " << stop_s << " 0 " << step_s << "\n";
    out << "print v(out) v(x)\nquit\n.endc\n.end\n";
}

void write_neuron_step_netlist(const std::string& path, const SotNeuron& neuron, double vin_from_V,
                               double vin_to_V, double step_s, double stop_s) {
    std::ostringstream out;
    write_neuron_step_netlist(out, neuron, vin_from_V, vin_to_V, step_s, stop_s);
    write_file_atomic(path, out.str());
}

std::vector<NeuronSweepPoint> parse_neuron_sweep(const std::string& output) {
    std::vector<NeuronSweepPoint> out;
    for (const auto& r : parse_rows(output, "parse_neuron_sweep"))
        out.push_back({r[0], r[1], r[2]});
    return out;
}

std::vector<NeuronTransientPoint> parse_neuron_transient(const std::string& output) {
    std::vector<NeuronTransientPoint> out;
    for (const auto& r : parse_rows(output, "parse_neuron_transient"))
        out.push_back({r[0], r[1], r[2]});
    return out;
}

} // namespace neurotlm
