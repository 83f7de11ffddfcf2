#pragma once
/// @file
/// @brief Stochastic spin-transfer-torque switching of a magnetic tunnel junction (MTJ).
///
/// A write pulse of current I and width t switches the free layer with probability P_sw(I, t):
///
/// - thermally activated regime, I < Ic0 (Neel-Brown with the current lowering the barrier):
///   `tau = tau0 * exp(Delta * (1 - I/Ic0))`, `P_sw = 1 - exp(-t / tau)`;
/// - precessional regime, I > Ic0 (Sun's macrospin model, initial angle from the thermal
///   distribution): `P_sw = exp(-(pi^2 Delta / 4) * exp(-2 t (I/Ic0 - 1) / tau_D))`.
///
/// These are the two asymptotic forms used by Greenberg-Toledo et al., Semicond. Sci. Technol.
/// 36 114003 (2021), arXiv:1912.12636 (section 4 of the project's notes on the modelled
/// hardware). They do not join at I = Ic0 (the thermal form gives 1 - exp(-t/tau0) there, the
/// precessional form exp(-pi^2 Delta/4)); neither is accurate in the crossover region, which a
/// write circuit avoids. Within each regime P_sw rises with I and with t.
///
/// Every number of the default device is assumed: the papers do not publish their MTJ
/// parameters. The defaults are a perpendicular STT-MTJ of typical literature magnitude
/// (Delta = 60 for ten-year retention, Ic0 = 40 uA, tau0 = 1 ns, tau_D = 1 ns) written at
/// 2 Ic0 for 5 ns, which switches with probability 0.9933.

#include "neurotlm/core/rng.h"
#include "neurotlm/core/spec_table.h"

namespace neurotlm {

enum class SwitchingRegime { thermal, precessional };

/// A write pulse: current and width.
struct MtjPulse {
    double current_A = 0.0;
    double width_s = 0.0;
};

struct MtjSwitchingSpec {
    double delta = 60.0;            ///< thermal stability factor E_b / kT (assumed)
    double ic0_A = 40e-6;           ///< critical switching current (assumed)
    double tau0_s = 1e-9;           ///< attempt time of thermal switching (~1 ns, standard)
    double tau_d_s = 1e-9;          ///< characteristic precessional time tau_D (assumed)
    double write_current_A = 80e-6; ///< default write pulse current, 2 Ic0 (assumed)
    double write_voltage_V = 0.8;   ///< voltage across the cell during a write (assumed)
    double pulse_width_s = 5e-9;    ///< default write pulse width (assumed)

    /// Regime of a pulse of @p current_A (thermal below Ic0, precessional above).
    SwitchingRegime regime(double current_A) const;

    /// Mean switching time of the thermal regime, tau0 exp(Delta (1 - I/Ic0)), for I < Ic0.
    double thermal_tau_s(double current_A) const;

    /// @brief Probability that one pulse of @p current_A for @p width_s switches the MTJ.
    /// I <= 0 or t <= 0: the thermal form at I = 0 (retention: tiny, not zero).
    double switching_probability(double current_A, double width_s) const;
    /// The default pulse (write_current_A, pulse_width_s).
    double switching_probability() const {
        return switching_probability(write_current_A, pulse_width_s);
    }

    /// @brief Pulse width that gives switching probability @p p at @p current_A (inverse of
    /// switching_probability in t). Returns 0 when p is reached at t = 0 (precessional regime,
    /// p <= exp(-pi^2 Delta/4)); throws InputError for p outside (0, 1).
    double width_for_probability(double p, double current_A) const;

    /// @brief Current that gives switching probability @p p with a pulse of @p width_s, searched
    /// in @p regime (inverse of switching_probability in I). Throws InputError when no current
    /// of that regime reaches p (thermal: the required I would be >= Ic0 or < 0).
    double current_for_probability(double p, double width_s, SwitchingRegime regime) const;

    /// @brief The pulse that switches with probability @p p: the default write current with the
    /// width from width_for_probability(), or, if @p keep_width, the default width with the
    /// current from current_for_probability() in the default current's regime.
    MtjPulse pulse_for_probability(double p, bool keep_width = false) const;

    /// Energy of one pulse, V I t.
    double pulse_energy_J(double current_A, double width_s) const {
        return write_voltage_V * current_A * width_s;
    }
    double pulse_energy_J() const { return pulse_energy_J(write_current_A, pulse_width_s); }

    /// @brief One pulse: true if the MTJ switched. Draws one uniform number from @p rng.
    bool draw(RngStream& rng, double current_A, double width_s) const {
        return rng.bernoulli(switching_probability(current_A, width_s));
    }
    bool draw(RngStream& rng) const { return draw(rng, write_current_A, pulse_width_s); }

    /// The parameters ("delta", "ic0", "tau0", "tau_d", "write_current", "write_voltage",
    /// "pulse_width"), bound to these fields; an MTJ device nests them under "switching".
    static const SpecTable<MtjSwitchingSpec>& table();
    static MtjSwitchingSpec from_json(const json& object, const std::string& file = "",
                                      const std::string& pointer = "");
};

} // namespace neurotlm
