#pragma once
/// @file
/// @brief Circuit model of a Hopfield associative memory with MTJ synapses, after
/// Spin-NeuroMem (Fu et al., arXiv:2404.02463; J. Comput. Electron. 24(6), 2025).
///
/// The hardware, as modelled here:
///
/// - N binary neurons. A neuron's output b in {0, 1} feeds a voltage converter that drives a
///   complementary pair of row lines with +s V_read and -s V_read, s = 2b - 1 in {-1, +1}.
///   Inside this model states are bipolar (s), as in the equations.
/// - A synapse array of N x N sites (the diagonal has no cells: w_ii = 0). Site (i, j) joins
///   neuron j's rows to neuron i's input and holds K weight slots (K "memories"); a select
///   signal chooses the active slot. Each slot of a site is L differential MTJ pairs: the "+"
///   MTJs sit on neuron j's +V row, the "-" MTJs on its -V row, all ending on neuron i's input,
///   a virtual ground. Neuron i therefore receives
///   `I_i = sum_j V_j (G+_ij - G-_ij)`, V_j = s_j V_read,
///   with every MTJ conductance taken at the bias it sees, |V_read| (TMR(V) = TMR0/(1+V^2/Vh^2)).
/// - A pair stores +1 as (P, AP), -1 as (AP, P) and 0 as both in the zero state (AP by
///   default). Ternary storage (L = 1) holds sign(W); multilevel storage holds W quantised to
///   2L + 1 levels, q = clamp(round(L W / full_scale), -L, L), as |q| pairs at +-1 and the rest
///   at 0.
/// - The neuron is a comparator: s_i <- +1 if I_i > theta_i I_unit, -1 if below, unchanged on a
///   tie, where I_unit = V_read (G_P - G_AP(V_read)) is the current of one weight step.
/// - Writing uses the stochastic switching model (MtjSwitchingSpec): only MTJs whose state must
///   change get a pulse, a pulse may fail, write-verify retries are optional. The stored
///   (effective) weights are whatever the MTJs ended up in, so failed writes show in recall.
///
/// Costs: a synchronous iteration is one read of the whole array (every column sensed); an
/// asynchronous evaluation of neuron i reads column i only (other inputs disconnected).
/// Read energy is sum V^2 G t over the conducting cells; each read also costs one converter
/// action per row and one neuron action per evaluated neuron. All energies and times of the
/// periphery are assumed defaults (the paper publishes none); see HopfieldSpec::table().
///
/// Ideal ("float") storage is the software reference: the learned W is used as is, currents are
/// reported as V_read dG W s (one weight unit = one pair's dG) and synapse energy is not modelled.

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "neurotlm/core/ledger.h"
#include "neurotlm/core/rng.h"
#include "neurotlm/core/spec_table.h"
#include "neurotlm/devices/cell.h"
#include "neurotlm/devices/mtj_switching.h"

namespace neurotlm {

class DeviceLibrary;

/// A pattern or network state: one entry per neuron, each -1 or +1.
using HopfieldPattern = std::vector<std::int8_t>;

enum class HopfieldLearning { hebbian, storkey };
enum class WeightStorage {
    ideal,      ///< "float": the learned weights, exactly (software reference)
    ternary,    ///< sign(W) on one differential MTJ pair
    multilevel, ///< W quantised to 2L + 1 levels on L pairs in parallel
};
enum class UpdateOrder {
    synchronous, ///< every neuron from the same state; one array read per iteration
    sequential,  ///< asynchronous, neurons 0..N-1 in turn
    random,      ///< asynchronous, a fresh random permutation every sweep
};

const char* to_string(HopfieldLearning v);
const char* to_string(WeightStorage v);
const char* to_string(UpdateOrder v);

/// @brief A weight matrix W = scale * w (N x N, row-major, W_ij is the weight from j to i).
/// Hebbian weights keep w as integer counts and scale = 1/N, so sums over them are exact.
struct HopfieldWeights {
    int neurons = 0;
    std::vector<float> w;
    double scale = 1.0;
    double at(int i, int j) const { return scale * w[static_cast<std::size_t>(i) * neurons + j]; }
};

/// @brief Empty weights for @p rule (Hebbian: scale 1/N; Storkey: scale 1).
HopfieldWeights empty_weights(int neurons, HopfieldLearning rule);
/// @brief Add one pattern: Hebbian W += xi xi^T / N; Storkey (1997)
/// W_ij += (xi_i xi_j - xi_i h_ji - h_ij xi_j) / N with h_ij = sum_{k != i,j} W_ik xi_k.
/// The diagonal stays 0. O(N^2).
void learn_pattern(HopfieldWeights& weights, const HopfieldPattern& xi, HopfieldLearning rule);
HopfieldWeights learn_weights(const std::vector<HopfieldPattern>& patterns, int neurons,
                              HopfieldLearning rule);

/// @brief @p count random patterns of @p neurons independent, equiprobable bits.
std::vector<HopfieldPattern> random_patterns(int count, int neurons, RngStream& rng);
/// @brief A copy of @p pattern with @p k distinct bits flipped (positions uniformly random).
HopfieldPattern flip_bits(const HopfieldPattern& pattern, int k, RngStream& rng);
/// @brief A copy of @p pattern with bits [begin, begin + length) set to @p fill.
HopfieldPattern mask_region(const HopfieldPattern& pattern, int begin, int length,
                            std::int8_t fill = -1);
/// m = (1/N) a^T b.
double overlap(const HopfieldPattern& a, const HopfieldPattern& b);

struct HopfieldSpec {
    int neurons = 32;
    int memories = 1; ///< K weight slots per synapse site
    HopfieldLearning learning = HopfieldLearning::hebbian;
    WeightStorage storage = WeightStorage::ternary;
    int pairs_per_weight = 1;         ///< L (multilevel; ternary and ideal use 1)
    double full_scale = 0.0;          ///< multilevel: |W| at the top level; 0 = max |W|
    bool zero_state_parallel = false; ///< state of both MTJs of a 0 pair: false = AP
    UpdateOrder update = UpdateOrder::synchronous;
    int max_iterations = 100; ///< iterations (synchronous) or sweeps (asynchronous)
    int max_patterns = 256;   ///< the array block's PATTERNS window: patterns one STORE takes

    CellSpec cell; ///< the MTJ: type mtj, R_P, TMR0, V_half, variation, stochastic switching
    bool write_verify = false;       ///< read back after each pulse and retry failures
    int write_retries = 3;           ///< extra pulses allowed by write-verify
    double verify_energy_J = 10e-15; ///< one verify read (assumed)
    double verify_time_s = 2e-9;     ///< one verify read (assumed)

    double read_voltage_V = 0.1;       ///< converter output magnitude V_read (assumed)
    double read_time_s = 2e-9;         ///< integration window of one array read (assumed)
    double converter_energy_J = 5e-15; ///< one converter driving its rows for a read (assumed)
    double neuron_energy_J = 10e-15;   ///< one neuron (comparator) evaluation (assumed)
    double neuron_latency_s = 0.5e-9;  ///< comparator decision after the read (assumed)
    double clock_Hz = 1e9;             ///< latencies are reported in cycles of this clock

    /// Default MTJ: R_P 8488.26 ohm and TMR 200% (the values of IMAC-Sim's SOT-MRAM, used here
    /// because Spin-NeuroMem publishes none) and V_half = 0.5 V (assumed).
    HopfieldSpec();

    /// The preset a hopfield_array uses when its "device" is not given.
    static constexpr const char* kDefaultDevice = "mtj_spin_neuromem";
    /// Every parameter, bound to these fields; "device" is resolved through the library.
    static const SpecTable<HopfieldSpec>& table();
    static HopfieldSpec from_params(const Params& p, const DeviceLibrary& devices);
    /// Validates @p object and resolves its device from the default preset search path.
    static HopfieldSpec from_json(const json& object, const std::string& file = "",
                                  const std::string& pointer = "");
};

/// @brief Cost of programming one slot.
struct HopfieldWriteCost {
    std::uint64_t synapses_changed = 0; ///< sites whose target level differs from the stored one
    std::uint64_t switches_needed = 0;  ///< MTJs whose state had to change
    std::uint64_t pulses = 0;           ///< write pulses applied, retries included
    std::uint64_t failed_writes = 0;    ///< MTJs left in the wrong state
    std::uint64_t verify_reads = 0;
    double write_energy_J = 0.0; ///< pulses x V I t
    double verify_energy_J = 0.0;
    /// One row of the array (one neuron's input, all its MTJs) is written in parallel, in two
    /// phases (to P, to AP); a phase lasts as many pulse (+ verify) rounds as its slowest MTJ.
    double latency_s = 0.0;
    std::uint64_t cycles = 0;
    double energy_J() const { return write_energy_J + verify_energy_J; }
    HopfieldWriteCost& operator+=(const HopfieldWriteCost& o);
};

/// @brief Cost of one recall.
struct HopfieldReadCost {
    std::uint64_t array_reads = 0; ///< whole-array (sync) or one-column (async) reads
    std::uint64_t neuron_evaluations = 0;
    std::uint64_t conversions = 0; ///< converter actions: N rows per read
    double synapse_energy_J = 0.0; ///< sum over reads of sum V^2 G t of conducting cells
    double converter_energy_J = 0.0;
    double neuron_energy_J = 0.0;
    double latency_s = 0.0; ///< reads x (read_time + neuron_latency)
    std::uint64_t cycles = 0;
    double energy_J() const { return synapse_energy_J + converter_energy_J + neuron_energy_J; }
};

/// @brief One iteration (synchronous) or sweep (asynchronous) of a recall.
struct HopfieldStep {
    HopfieldPattern drive;          ///< state on the rows at the start of the iteration
    std::vector<double> currents_A; ///< every neuron's input current under that drive
    double energy = 0.0;            ///< network energy of `drive`
    int flips = 0;                  ///< neurons that changed during the iteration
};

struct HopfieldRecall {
    HopfieldPattern state;  ///< final state
    int iterations = 0;     ///< iterations/sweeps run, the final one without change included
    bool converged = false; ///< a full iteration changed nothing
    bool cycle = false;     ///< synchronous 2-cycle: the state repeats with period 2
    double overlap = std::numeric_limits<double>::quiet_NaN(); ///< with the target, if given
    double energy = 0.0;             ///< network energy of the final state
    std::vector<HopfieldStep> steps; ///< per iteration, when recorded
    HopfieldReadCost cost;
};

struct RecallOptions {
    const HopfieldPattern* target = nullptr; ///< for the overlap
    bool record_steps = true;                ///< fill HopfieldRecall::steps (O(N^2) each)
    /// Called for every neuron that changes, with its index and the new state (asynchronous:
    /// right after the flip; synchronous: after the whole iteration's update).
    std::function<void(int, const HopfieldPattern&)> on_flip;
};

/// @brief One slot of the synapse array as the read circuit sees it: conductances at the read
/// bias, for netlist export and energy checks.
struct SynapseArray {
    int neurons = 0;
    int cells_per_side = 0; ///< L
    double read_voltage_V = 0.0;
    /// Conductance of MTJ l on the + side of site (i, j): g_plus_S[(i*N + j)*L + l] (neuron j's
    /// +V row to neuron i's input); g_minus_S likewise on the -V row. 0 on the diagonal.
    std::vector<double> g_plus_S;
    std::vector<double> g_minus_S;
    /// The MTJs' states, indexed as the conductances: 1 = parallel, 0 = antiparallel.
    std::vector<std::uint8_t> parallel_plus;
    std::vector<std::uint8_t> parallel_minus;
    /// The bias dependence of the antiparallel state, TMR(V) = tmr0 / (1 + V^2 / v_half^2)
    /// (v_half 0: none): an AP MTJ with conductance g at the read bias has
    /// g (1 + TMR(V_read)) / (1 + TMR(V)) at bias V.
    double tmr0 = 0.0;
    double v_half_V = 0.0;
};

/// The array's actions, indexing HopfieldNetwork::energy_table().
enum HopfieldAction : std::size_t {
    kSynapseRead,
    kConverter,
    kNeuronEval,
    kMtjWritePulse,
    kVerifyRead
};

class HopfieldNetwork {
public:
    /// The actions a block books. Every energy is computed by the model from the operation
    /// (read voltages and conductances, pulses actually applied), so each price is zero and the
    /// whole energy is booked as data-dependent.
    static EnergyTable energy_table();

    /// Draws device variation (cell.variation_sigma, lognormal, per MTJ) from @p rng once.
    /// All MTJs start antiparallel.
    HopfieldNetwork(const HopfieldSpec& spec, RngStream rng);

    const HopfieldSpec& spec() const { return m_spec; }
    int neurons() const { return m_spec.neurons; }

    /// @brief Learn @p patterns with the spec's rule and program them into @p slot.
    HopfieldWriteCost store(int slot, const std::vector<HopfieldPattern>& patterns);
    /// @brief Program target weights into @p slot (clipping/quantising for MTJ storage). Only
    /// MTJs whose state must change are pulsed. Re-selects the slot if it is the active one.
    HopfieldWriteCost program_weights(int slot, const HopfieldWeights& weights);
    /// @brief Make @p slot the active memory.
    void select(int slot);
    int selected() const { return m_active; }

    /// @brief Neuron thresholds theta in weight units of effective_weights() (ternary: one
    /// weight step). Empty = all zero.
    void set_threshold(std::vector<double> theta);
    const std::vector<double>& threshold() const { return m_theta; }

    /// Learned weights last programmed into @p slot.
    const HopfieldWeights& target_weights(int slot) const;
    /// @brief The weights the active slot actually holds, N x N row-major, in weight units:
    /// ideal W; ternary (G+ - G-)/dG in {-1, 0, 1}; multilevel (G+ - G-)/dG * full_scale/L.
    /// Not symmetric if a write failed or devices vary.
    std::vector<double> effective_weights() const;
    /// MTJ states of @p slot, 1 = parallel: index ((i*N + j)*L + l)*2 + side (0 = +, 1 = -).
    const std::vector<std::uint8_t>& mtj_states(int slot) const;
    /// The active slot's array, or @p slot's.
    SynapseArray synapse_array() const { return synapse_array(m_active); }
    SynapseArray synapse_array(int slot) const;
    /// The neurons' thresholds in units of one weight step's current (what the comparator
    /// compares I_i / unit_current_A() with).
    const std::vector<double>& threshold_in_steps() const { return m_theta_m; }

    /// Current of one weight step at the read bias, V_read (G_P - G_AP(V_read)).
    double unit_current_A() const { return m_unit_current_A; }
    /// Every neuron's input current under drive @p s (A).
    std::vector<double> input_currents_A(const HopfieldPattern& s) const;
    /// E = -1/2 s^T W s + theta^T s with the effective weights.
    double energy(const HopfieldPattern& s) const;

    /// @brief Run the network from @p probe with the spec's update order until a full
    /// iteration changes nothing, a synchronous 2-cycle appears, or max_iterations.
    HopfieldRecall recall(const HopfieldPattern& probe, const RecallOptions& options = {});

private:
    struct Slot {
        HopfieldWeights target;
        std::vector<std::uint8_t> state; ///< MTJ states (empty for ideal storage)
        double full_scale = 1.0;         ///< multilevel: |W| of the top level when programmed
        bool programmed = false;
    };
    void check_slot(int slot, const char* who) const;
    void check_pattern(const HopfieldPattern& s, const char* who) const;
    double mtj_conductance_S(std::size_t index, bool parallel) const {
        return mtj_conductance_S(m_active, index, parallel);
    }
    double mtj_conductance_S(int slot, std::size_t index, bool parallel) const;
    void rebuild();
    void field(const HopfieldPattern& s, std::vector<double>& h) const;
    void book_read(HopfieldReadCost& cost, int column) const;

    HopfieldSpec m_spec;
    int m_pairs = 1;
    RngStream m_write_rng;
    RngStream m_update_rng;
    std::vector<Slot> m_slots;
    std::vector<float> m_variation; ///< per MTJ conductance factor (empty: none)
    int m_active = 0;
    std::vector<double> m_theta;
    std::vector<double> m_theta_m; ///< theta in M units (theta / m_unit)
    double m_g_p_S = 0.0;          ///< nominal G_P at the read bias
    double m_g_ap_S = 0.0;         ///< nominal G_AP at the read bias
    double m_unit_current_A = 0.0;
    // Derived from the active slot by rebuild():
    std::vector<float> m_mt;       ///< M^T: m_mt[j*N + i] = M_ij, W_eff = m_unit * M
    double m_unit = 1.0;           ///< weight units per M unit
    std::vector<double> m_gdiff_S; ///< G+_ij - G-_ij, row-major (ideal: dG * W_ij)
    std::vector<double> m_gcol_S;  ///< sum_j (G+_ij + G-_ij) per input i, for read energy
    double m_gtotal_S = 0.0;
};

/// @brief Capacity experiment: store P = load * N random patterns, probe each (with bits
/// flipped), and measure recall, for each storage.
struct CapacityOptions {
    int neurons = 256;
    std::vector<double> loads = {0.05, 0.1, 0.15}; ///< P/N values
    int trials = 3;                                ///< independent pattern sets per load
    double flip_fraction = 0.05;                   ///< probe = pattern with this fraction flipped
    int max_probes = 0;                            ///< per trial and load; 0 = every pattern
    double retrieved_overlap = 0.9; ///< m at or above which a probe counts as retrieved
    std::vector<WeightStorage> storages = {WeightStorage::ideal, WeightStorage::ternary};
    /// Everything else (learning, update order, MTJ, switching, write-verify, max_iterations);
    /// neurons, memories and storage are overridden. The default update order is random.
    HopfieldSpec device;
    std::uint64_t seed = 1;
    CapacityOptions();
};

struct CapacityRow {
    std::string storage;
    std::string learning;
    int neurons = 0;
    double load = 0.0; ///< P/N as requested
    int patterns = 0;  ///< P
    int trials = 0;
    std::uint64_t probes = 0;
    int flips = 0;                   ///< bits flipped per probe
    double exact_fraction = 0.0;     ///< probes that ended exactly on their pattern
    double retrieved_fraction = 0.0; ///< probes that ended with m >= retrieved_overlap
    double mean_overlap = 0.0;
    double mean_iterations = 0.0;
    double converged_fraction = 0.0;
    std::uint64_t failed_writes = 0; ///< MTJ writes that failed while storing (all trials)
};

/// Loads are run in ascending order, adding patterns to the same weights (so one trial costs
/// one Hebbian pass over its largest P); the same pattern sets serve every storage.
std::vector<CapacityRow> run_capacity_experiment(const CapacityOptions& options);
/// Write rows as CSV with a header line; throws InputError if the file cannot be written.
void write_capacity_csv(const std::vector<CapacityRow>& rows, const std::string& path);

} // namespace neurotlm
