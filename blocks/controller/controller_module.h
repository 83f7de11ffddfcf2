#pragma once
/// @brief The platform's initiator: a thread that runs a workload through drivers, keeping
/// time with a quantum keeper (the global quantum is set once by the platform). It also does
/// the digital work between analog operations (partial-sum accumulation, activations), with
/// a SIMD width, priced as integer circuits of a given width in the platform's technology: an
/// n-bit accumulation or comparison is n full adders (Technology::add_energy_J), and the
/// datapath's area and leakage are its gates (simd_lanes x (accumulator adder and register +
/// activation comparator)). Transfers it issues carry their elements' hardware width and may
/// be multicast (modules/transfer.h).

#include <exception>
#include <functional>
#include <string>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "neurotlm/drivers/initiator.h"
#include "neurotlm/drivers/run_context.h"
#include "neurotlm/modules/component.h"
#include "neurotlm/modules/transfer.h"

namespace neurotlm {

class Controller : public Block, public Initiator {
public:
    tlm_utils::simple_initiator_socket<Controller> out;

    Controller(const sc_core::sc_module_name& name, const Params& params,
               const ComponentContext& context);

    static ParamTable param_table();
    const char* type_name() const override { return "controller"; }
    bool bind_initiator(const std::string& name, TargetSocket& target, std::uint64_t base,
                        std::uint64_t size) override;
    static std::vector<std::pair<std::string, bool>> initiator_specs() { return {{"out", false}}; }
    static constexpr bool kHasTarget = false;
    void collect_stats(StatSet& stats) const override;
    /// The datapath's gates (gate_area of the technology each).
    double area_m2() const override { return m_area_m2; }
    /// NAND2 gate equivalents of the datapath: simd_lanes x (an accumulate_bits adder and
    /// register, an activation_bits comparator; and a nonlinear unit once a sigmoid-like
    /// activation was evaluated).
    double datapath_gates() const;

    /// The job the thread runs; it receives this controller as its RunContext's engine.
    void set_job(std::function<void(Controller&)> job) { m_job = std::move(job); }
    /// Whether the thread stops the simulation when its job is done (the default). A platform
    /// inside someone else's simulation leaves the kernel to its host.
    void set_stop_when_done(bool stop) { m_stop_when_done = stop; }
    /// Rethrows what the job threw, if anything (call after sc_start returns).
    void rethrow_if_failed() const;
    bool finished() const { return m_finished; }
    bool stopped_early() const { return m_stopped_early; }
    /// Simulated time when the job finished (local time included).
    double end_time_s() const { return m_end_time_s; }

    // Initiator
    void write(std::uint64_t address, const void* data, std::size_t len) override;
    void read(std::uint64_t address, void* data, std::size_t len) override;
    void write_as(std::uint64_t address, const void* data, std::size_t len,
                  ElementWidth width) override;
    void read_as(std::uint64_t address, void* data, std::size_t len, ElementWidth width) override;
    /// A debug transport carrying a LookAheadExtension: no simulated time passes.
    bool look_ahead(std::uint64_t address, const LookAheadRequest& request) override;
    void multicast_write(const std::vector<std::uint64_t>& addresses, const void* data,
                         std::size_t len, ElementWidth width = {}) override;

    /// Simulated time including the local offset of the quantum keeper.
    sc_core::sc_time now() const { return m_qk.get_current_time(); }
    /// Perform @p count digital operations: energy booked, time advanced.
    void digital(DigitalOp op, std::uint64_t count);
    /// Synchronise with the kernel if the quantum is used up; checks for a stop request.
    void sync_if_needed();
    bool stop_seen() const { return m_stop_seen; }

private:
    void thread();
    void transport(tlm::tlm_command cmd, std::uint64_t address, void* data, std::size_t len,
                   ElementWidth width = {}, const std::vector<std::uint64_t>* multicast = nullptr);

    std::function<void(Controller&)> m_job;
    tlm_utils::tlm_quantumkeeper m_qk;
    tlm::tlm_generic_payload m_trans;
    WidthExtension m_width_ext;
    MulticastExtension m_multicast_ext;
    std::exception_ptr m_failure;
    bool m_finished = false;
    bool m_stopped_early = false;
    bool m_stop_seen = false;
    bool m_stop_when_done = true;
    double m_end_time_s = 0.0;
    unsigned m_simd_lanes;
    std::uint64_t m_transactions = 0;
    EnergyLedger::ActionId m_act[kDigitalOps];
    unsigned m_nonlinear_cycles = 1;
    double m_nonlinear_gates = 0.0;
    bool m_nonlinear_used = false;
    const Technology* m_tech = nullptr;
    double m_leakage_given_W = -1.0; ///< < 0: from the gates
    /// Area and leakage of the datapath as it is now (with the nonlinear unit once used).
    void price_datapath();
    double m_gates = 0.0;
    double m_area_m2 = 0.0;
};

} // namespace neurotlm
