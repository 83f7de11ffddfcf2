#include "neurotlm/blocks/neuron_bank/neuron_spice.h"

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

} // namespace

void write_neuron_dc_netlist(std::ostream& out, const SotNeuron& neuron, double vin_start_V,
                             double vin_stop_V, double step_V, const std::string& title) {
    if (!(step_V > 0.0) || !(vin_stop_V > vin_start_V) || !std::isfinite(vin_stop_V) ||
        !std::isfinite(vin_start_V))
        throw InputError("write_neuron_dc_netlist: need start < stop and step > 0");
    const SotNeuronSpec& s = neuron.spec();
    out << "* " << (title.empty() ? "SOT-MRAM neuron, DC transfer curve" : title) << "\n";
    out << std::setprecision(12);
    out << "* R_in " << neuron.r_in_ohm() << " ohm (P), R_fb " << neuron.r_fb_ohm()
        << " ohm (AP), shift " << s.input_shift_V << " V\n";
    write_model(out, "nfin", "nmos", s.nmos.vt_V, s.nmos);
    write_model(out, "pfin", "pmos", -s.pmos.vt_V, s.pmos);
    out << "VHI vhi 0 DC " << s.rail_high_V << "\n";
    out << "VLO vlo 0 DC " << s.rail_low_V << "\n";
    out << "VIN in 0 DC " << vin_start_V << "\n";
    out << "VSH s in DC " << s.input_shift_V << "\n";
    out << "RIN s x " << neuron.r_in_ohm() << "\n";
    out << "RFB x out " << neuron.r_fb_ohm() << "\n";
    out << "MN out x vlo vlo nfin W=1u L=1u M=" << s.nmos.fins << "\n";
    out << "MP out x vhi vhi pfin W=1u L=1u M=" << s.pmos.fins << "\n";
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

std::vector<NeuronSweepPoint> parse_neuron_sweep(const std::string& output) {
    std::vector<NeuronSweepPoint> rows;
    std::istringstream in(output);
    std::string line;
    while (std::getline(in, line)) {
        // A data row is an integer index and three numbers; headers, rules and notes are not.
        const char* p = line.c_str();
        char* end = nullptr;
        const long index = std::strtol(p, &end, 10);
        if (end == p || (*end != '\t' && *end != ' ')) continue;
        double v[3];
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
            throw InputError("parse_neuron_sweep: row " + std::to_string(index) + " where row " +
                             std::to_string(rows.size()) + " was expected");
        rows.push_back({v[0], v[1], v[2]});
    }
    if (rows.empty()) throw InputError("parse_neuron_sweep: no sweep rows in the ngspice output");
    return rows;
}

} // namespace neurotlm
