#include "neurotlm/devices/cell.h"

#include <cmath>
#include <sstream>

#include "neurotlm/core/error.h"

namespace neurotlm {

namespace {

std::string ohm_text(double r_ohm) {
    return format_quantity(r_ohm, Unit::ohm);
}

bool is_magnetic(CellType type) {
    return type != CellType::rram;
}

} // namespace

const char* to_string(CellType type) {
    switch (type) {
    case CellType::rram: return "rram";
    case CellType::mtj: return "mtj";
    case CellType::sot_mram: return "sot_mram";
    }
    return "?";
}

double CellSpec::tmr_at(double v) const {
    if (v_half_V <= 0.0) return tmr0;
    return tmr0 / (1.0 + (v * v) / (v_half_V * v_half_V));
}

std::string CellSpec::contrast_problem(double v) const {
    if (!is_magnetic(type) || tmr_at(v) >= kMinResistanceContrast) return {};
    std::ostringstream os;
    os << "a junction whose TMR at its " << format_quantity(v, Unit::volt)
       << " read bias, TMR0 / (1 + V^2 / v_half^2), stays >= " << kMinResistanceContrast
       << " (it is " << tmr_at(v) << "): raise v_half or lower the read voltage";
    return os.str();
}

double CellSpec::conductance_at(int level, double v) const {
    if (level < 0 || level >= levels())
        throw std::out_of_range("CellSpec::conductance_at: level " + std::to_string(level) +
                                " outside [0, " + std::to_string(levels() - 1) + "]");
    // Only the antiparallel state of a tunnel junction depends on bias; the parallel state and
    // every RRAM level are ohmic at read voltages.
    if (!is_magnetic(type) || level == levels() - 1 || v_half_V <= 0.0)
        return conductances_S[static_cast<size_t>(level)];
    const double r_p_ohm = 1.0 / g_max();
    return 1.0 / (r_p_ohm * (1.0 + tmr_at(v)));
}

double mtj_parallel_resistance_ohm(double ra_ohm_m2, double width_m, double length_m) {
    return ra_ohm_m2 / (M_PI / 4.0 * width_m * length_m);
}

const ParamTable& CellSpec::param_table() {
    static const ParamTable table = [] {
        ParamTable t;
        t.choice("type", {"rram", "mtj", "sot_mram"}, nullptr,
                 "cell technology; selects which resistance keys apply");
        t.string("source", "", "citation of the numbers (or \"assumed\" for invented defaults)");
        t.integer("levels", 2,
                  "programmable conductance levels (RRAM: equally spaced in conductance; "
                  "MTJ/SOT-MRAM: must be 2)",
                  2, 1024);
        // Resistances: no memory cell conducts like a wire (below 1 ohm its read current at any
        // read voltage is amperes) or insulates like an open circuit (above 1 Tohm no sense
        // amplifier sees it); the bounds also keep every energy V^2 G t far from overflow.
        t.number("r_on", Unit::ohm, nullptr,
                 "RRAM: lowest resistance (highest level), 1 ohm to 1 Tohm", 1.0, 1e12)
            .optional();
        t.number("r_off", Unit::ohm, nullptr,
                 "RRAM: highest resistance (lowest level), 1 ohm to 1 Tohm and at least 1.01 x "
                 "r_on",
                 1.0, 1e12)
            .optional();
        t.number("r_p", Unit::ohm, nullptr,
                 "MTJ/SOT-MRAM: parallel-state resistance, 1 ohm to 1 Tohm (or give ra, "
                 "mtj_width and mtj_length)",
                 1.0, 1e12)
            .optional();
        // The junction's stack and shape instead of its resistance: R_P = RA / area, the free
        // layer an ellipse (area pi/4 x width x length). MgO junctions: RA 1-100 ohm um^2.
        t.number("ra", Unit::ohm_square_metre, nullptr,
                 "MTJ/SOT-MRAM: resistance-area product of the parallel state (\"10 ohm*um^2\"), "
                 "0.01 to 10^4 ohm um^2; with mtj_width and mtj_length it gives r_p",
                 1e-14, 1e-8)
            .optional();
        t.number("mtj_width", Unit::metre, nullptr,
                 "MTJ/SOT-MRAM: minor axis of the elliptical junction, 1 nm to 10 um", 1e-9, 1e-5)
            .optional();
        t.number("mtj_length", Unit::metre, nullptr,
                 "MTJ/SOT-MRAM: major axis of the elliptical junction, 1 nm to 10 um", 1e-9, 1e-5)
            .optional();
        // A junction is read by the difference of its two states: below 1% TMR that difference
        // drowns in any sense amplifier's offset (built MgO junctions reach 100-600%), yet the
        // model's noise-free arithmetic would still tell the states apart. 20 (2000%) is
        // beyond every reported device.
        t.number("tmr", Unit::none, nullptr,
                 "MTJ/SOT-MRAM: zero-bias TMR ratio R_AP/R_P - 1 (2.0 = 200%), 0.01 to 20; the "
                 "TMR left at the read voltage must also be >= 0.01",
                 kMinResistanceContrast, 20.0)
            .optional();
        t.number("v_half", Unit::volt, nullptr,
                 "MTJ/SOT-MRAM: bias at which the TMR halves, TMR(V) = TMR0/(1+V^2/Vh^2); "
                 "0 = no bias dependence, else 10 mV to 10 V (measured: 0.3-1 V)",
                 0.01, 10.0)
            .or_zero()
            .optional();
        // Variation is lognormal: at sigma 1 a 6-sigma cell is already 400x off its level, and
        // a sigma of hundreds draws conductances of infinity. Measured arrays lie below 0.5.
        t.number("variation_sigma", Unit::none, 0.0,
                 "device-to-device variation: lognormal sigma of G, drawn at each write, 0 to 1 "
                 "(measured devices: below 0.5)",
                 0.0, 1.0);
        // Read noise is relative to the conductance it perturbs: above 1 the noise exceeds the
        // signal and a Gaussian draw gives negative conductances in more than 16% of reads.
        t.number("read_noise_sigma", Unit::none, 0.0,
                 "read-to-read noise: relative Gaussian sigma of G, drawn per read, 0 to 1 (one "
                 "sigma at most the signal itself; measured: a few percent)",
                 0.0, 1.0);
        t.number("stuck_on_fraction", Unit::none, 0.0,
                 "fraction of cells stuck at the highest conductance", 0.0, 1.0);
        t.number("stuck_off_fraction", Unit::none, 0.0,
                 "fraction of cells stuck at the lowest conductance", 0.0, 1.0);
        t.positive("read_voltage", Unit::volt, 0.2, "full-scale read voltage on a row");
        t.number("write_energy", Unit::joule, 0.0, "energy of one cell write", 0.0);
        t.number("write_latency", Unit::second, 0.0,
                 "duration of one write pulse (a row is written in parallel)", 0.0);
        t.number("cell_area", Unit::square_metre, 0.0, "area of one cell", 0.0);
        // Optional with the switching table's defaults: an RRAM device must not carry them,
        // and an MTJ's effective description lists only what was written.
        for (ParamSpec spec : MtjSwitchingSpec::table().params().specs()) {
            spec.name = "switching." + spec.name;
            spec.description = "MTJ/SOT-MRAM write: " + spec.description;
            spec.default_value = nullptr;
            spec.optional = true;
            t.add(spec);
        }
        return t;
    }();
    return table;
}

CellSpec CellSpec::from_params(const Params& p) {
    CellSpec c;
    const std::string& type = p.string("type");
    if (type == "rram")
        c.type = CellType::rram;
    else if (type == "mtj")
        c.type = CellType::mtj;
    else if (type == "sot_mram")
        c.type = CellType::sot_mram;
    else
        p.fail("type", "one of \"rram\", \"mtj\", \"sot_mram\"", "\"" + type + "\"");

    c.source = p.string("source");
    const int levels = static_cast<int>(p.integer("levels"));

    // Keys of the other family are errors rather than silently ignored: a preset that says
    // r_p on an RRAM cell is almost certainly a mistake about the device.
    const char* rram_keys[] = {"r_on", "r_off"};
    const char* mtj_keys[] = {"r_p", "tmr", "v_half", "ra", "mtj_width", "mtj_length"};
    auto require = [&](const char* name) {
        if (!p.has(name))
            p.fail(name,
                   std::string("a value for \"") + name + "\" (required for a " + type + " cell)",
                   "nothing: the key is required");
    };

    if (c.type == CellType::rram) {
        for (const char* k : mtj_keys)
            if (p.has(k))
                p.fail(k, "no \"" + std::string(k) + "\" on an rram cell (use r_on / r_off)",
                       describe_json(p.raw(k)));
        for (const auto& b : MtjSwitchingSpec::table().bindings())
            if (p.present("switching." + b.name))
                p.fail("switching." + b.name,
                       "no switching parameters on an rram cell (stochastic switching is an "
                       "MTJ property)",
                       describe_json(p.raw("switching." + b.name)));
        require("r_on");
        require("r_off");
        const double r_on = p.number("r_on");
        const double r_off = p.number("r_off");
        if (!(r_off >= r_on * (1.0 + kMinResistanceContrast)))
            p.fail("r_off",
                   "a resistance at least 1.01 x r_on (" + ohm_text(r_on) +
                       "): the levels must differ by more than a sense amplifier's offset",
                   ohm_text(r_off));
        const double g_lo = 1.0 / r_off;
        const double g_hi = 1.0 / r_on;
        c.conductances_S.resize(static_cast<size_t>(levels));
        for (int k = 0; k < levels; ++k)
            c.conductances_S[static_cast<size_t>(k)] = g_lo + (g_hi - g_lo) * k / (levels - 1);
        // Exact endpoints: 1/r_on must be exactly g_max whatever the rounding above.
        c.conductances_S.front() = g_lo;
        c.conductances_S.back() = g_hi;
    } else {
        for (const char* k : rram_keys)
            if (p.has(k))
                p.fail(k, "no \"" + std::string(k) + "\" on a " + type + " cell (use r_p / tmr)",
                       describe_json(p.raw(k)));
        if (levels != 2)
            p.fail("levels", "2 (a tunnel junction has a parallel and an antiparallel state)",
                   std::to_string(levels));
        const bool shaped = p.has("ra") || p.has("mtj_width") || p.has("mtj_length");
        if (shaped && p.has("r_p"))
            p.fail("r_p",
                   "either r_p or ra with mtj_width and mtj_length, not both (they would "
                   "disagree)",
                   describe_json(p.raw("r_p")));
        if (shaped) {
            require("ra");
            require("mtj_width");
            require("mtj_length");
        } else {
            require("r_p");
        }
        require("tmr");
        const double r_p = shaped
                               ? mtj_parallel_resistance_ohm(p.number("ra"), p.number("mtj_width"),
                                                             p.number("mtj_length"))
                               : p.number("r_p");
        if (shaped && !(r_p >= 1.0 && r_p <= 1e12))
            p.fail("ra", "an RA over the junction's area of 1 ohm to 1 Tohm",
                   ohm_text(r_p) + " (RA / (pi/4 x width x length))");
        c.tmr0 = p.number("tmr");
        c.v_half_V = p.has("v_half") ? p.number("v_half") : 0.0;
        c.conductances_S = {1.0 / (r_p * (1.0 + c.tmr0)), 1.0 / r_p};
        MtjSwitchingSpec::table().apply_present(p, "switching.", c.switching);
    }

    c.variation_sigma = p.number("variation_sigma");
    c.read_noise_sigma = p.number("read_noise_sigma");
    c.stuck_on_fraction = p.number("stuck_on_fraction");
    c.stuck_off_fraction = p.number("stuck_off_fraction");
    if (c.stuck_on_fraction + c.stuck_off_fraction > 1.0) {
        std::ostringstream os;
        os << c.stuck_off_fraction << " (with stuck_on_fraction " << c.stuck_on_fraction << ")";
        p.fail("stuck_off_fraction", "stuck_on_fraction + stuck_off_fraction <= 1", os.str());
    }
    c.read_voltage_V = p.number("read_voltage");
    // A crossbar reads the cell at its own read voltage (a Hopfield array at its converter's,
    // checked there).
    if (const std::string why = c.contrast_problem(c.read_voltage_V); !why.empty())
        p.fail("v_half", why, format_quantity(c.v_half_V, Unit::volt));
    c.write_energy_J = p.number("write_energy");
    c.write_latency_s = p.number("write_latency");
    c.area_m2 = p.number("cell_area");
    return c;
}

CellSpec CellSpec::from_json(const json& object, const std::string& file,
                             const std::string& pointer) {
    return from_params(Params::validate(object, param_table(), file, pointer));
}

} // namespace neurotlm
