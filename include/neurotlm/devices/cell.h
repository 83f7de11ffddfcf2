#pragma once
/// @brief Resistive memory cells: RRAM/memristor, MTJ and SOT-MRAM, as the crossbar sees them.
/// A cell has a set of programmable conductance levels plus non-idealities: device-to-device
/// lognormal variation (drawn once, at programming), cycle-to-cycle read noise (relative
/// Gaussian, per read), stuck-at faults, and for MTJs the bias dependence of the TMR.

#include <string>
#include <vector>

#include "neurotlm/core/params.h"
#include "neurotlm/core/rng.h"
#include "neurotlm/devices/mtj_switching.h"

namespace neurotlm {

enum class CellType { rram, mtj, sot_mram };

/// The smallest relative difference between a cell's extreme states (RRAM r_off / r_on - 1, an
/// MTJ's TMR at its read bias): below it a sense amplifier's offset hides the state, while the
/// model's noise-free arithmetic would still read it perfectly.
inline constexpr double kMinResistanceContrast = 0.01;

/// @brief Parallel-state resistance of a tunnel junction from its resistance-area product and
/// the axes of its elliptical free layer: RA / (pi/4 x width x length). IMAC-Sim's SOT-MRAM
/// neuron: RA 10 ohm um^2 on 50 nm x 30 nm gives 8488.26 ohm.
double mtj_parallel_resistance_ohm(double ra_ohm_m2, double width_m, double length_m);

struct CellSpec {
    CellType type = CellType::rram;
    std::string source;                 ///< citation of the numbers
    std::vector<double> conductances_S; ///< programmable levels, ascending; size >= 2
    double variation_sigma = 0.0;       ///< lognormal sigma of device-to-device variation
    double read_noise_sigma = 0.0;      ///< relative sigma of read-to-read conductance noise
    double stuck_on_fraction = 0.0;     ///< fraction of cells stuck at the highest conductance
    double stuck_off_fraction = 0.0;    ///< fraction stuck at the lowest conductance
    double read_voltage_V = 0.2;        ///< full-scale read voltage on a row
    double write_energy_J = 0.0;        ///< energy of one cell write
    double write_latency_s = 0.0;       ///< duration of one write pulse (a row writes in parallel)
    double area_m2 = 0.0;               ///< cell area
    double tmr0 = 0.0;                  ///< MTJ: zero-bias TMR (R_AP/R_P - 1); 0 for RRAM
    double v_half_V = 0.0;              ///< MTJ: bias at which TMR halves; 0 = no bias dependence
    /// MTJ/SOT-MRAM: stochastic switching of a write pulse (unused for RRAM).
    MtjSwitchingSpec switching;

    double g_min() const { return conductances_S.front(); }
    double g_max() const { return conductances_S.back(); }
    int levels() const { return static_cast<int>(conductances_S.size()); }

    /// MTJ: the TMR at read bias @p v, TMR0 / (1 + V^2/Vh^2) (TMR0 when v_half is 0).
    double tmr_at(double v) const;
    /// Why a tunnel junction read at @p v has too little contrast to be read (its TMR there
    /// is below kMinResistanceContrast), as an "expected" text; "" when it is fine or not an MTJ.
    std::string contrast_problem(double v) const;

    /// Conductance of level @p level read at bias @p v (MTJ: the antiparallel state's
    /// resistance falls with bias as TMR(V) = TMR0 / (1 + V^2/Vh^2)).
    double conductance_at(int level, double v) const;

    /// Parameter table shared by every cell type ("type" selects the meaning of the levels).
    static const ParamTable& param_table();
    /// Build from validated parameters; throws ConfigError for inconsistent values
    /// (r_off <= r_on, levels < 2, ...).
    static CellSpec from_params(const Params& p);
    /// Validate @p object against param_table() and build; errors name @p file and @p pointer.
    static CellSpec from_json(const json& object, const std::string& file = "",
                              const std::string& pointer = "");
};

const char* to_string(CellType type);

} // namespace neurotlm
