#pragma once
/// @brief Bases of neurotlm's hardware blocks: Block (any block the platform instantiates) and
/// Component (a memory-mapped target with the busy-until timing model).

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "neurotlm/core/activity.h"
#include "neurotlm/core/ledger.h"
#include "neurotlm/core/params.h"
#include "neurotlm/core/rng.h"
#include "neurotlm/core/stats.h"
#include "neurotlm/drivers/initiator.h"
#include "neurotlm/drivers/register_bank.h"
#include "neurotlm/modules/analog.h"

namespace neurotlm {

class DeviceLibrary;
struct Technology;

/// @brief What the platform hands every block at construction.
struct ComponentContext {
    std::uint64_t seed = 0;
    const DeviceLibrary* devices = nullptr;
    /// The platform's CMOS technology; nullptr outside a platform (blocks then use the default
    /// preset, Technology::default_preset()).
    const Technology* technology = nullptr;
    /// The technology to price circuits in: the platform's, else the default preset.
    const Technology& tech() const;
};

/// Simulated time a run may reach (SystemC's 64-bit picosecond time ends at about 213 days).
inline constexpr double kMaxSimulatedTime_s = 1e6;

/// The common base of every target socket type, so blocks of any socket flavour can be wired.
using TargetSocket =
    tlm::tlm_base_target_socket_b<32, tlm::tlm_fw_transport_if<>, tlm::tlm_bw_transport_if<>>;

/// @brief Any hardware block the platform instantiates from JSON: clock, energy ledger, RNG
/// stream, statistics, and named sockets the topology can wire.
class Block : public sc_core::sc_module {
public:
    Block(const sc_core::sc_module_name& name, const Params& params,
          const ComponentContext& context);
    Block(const Block&) = delete;
    Block& operator=(const Block&) = delete;

    /// The registry's type name ("crossbar_tile").
    virtual const char* type_name() const = 0;
    /// Silicon area of the block.
    virtual double area_m2() const { return 0.0; }
    /// Block-specific statistics for the report.
    virtual void collect_stats(StatSet& stats) const {}
    /// Bytes of address space the block decodes on its target socket (0: none).
    virtual std::uint64_t address_span() const { return 0; }

    /// Target socket by role name ("in"), or nullptr.
    virtual TargetSocket* target_socket(const std::string& name) { return nullptr; }
    /// Bind initiator socket @p name to @p target; @p base/@p size are the address range the
    /// binding decodes (routers), ignored by point-to-point initiators. False if no such socket.
    virtual bool bind_initiator(const std::string& name, TargetSocket& target, std::uint64_t base,
                                std::uint64_t size) {
        return false;
    }

    /// Analog output or input port by name (modules/analog.h), or nullptr.
    AnalogOut* analog_out(const std::string& name);
    AnalogIn* analog_in(const std::string& name);

    const EnergyLedger& ledger() const { return m_ledger; }
    EnergyLedger& ledger() { return m_ledger; }
    const sc_core::sc_time& clock_period() const { return m_clock_period; }
    /// The clock as configured (the period is this rounded to whole picoseconds).
    double clock_Hz() const { return m_clock_Hz; }
    sc_core::sc_time cycles(std::uint64_t n) const {
        return m_clock_period * static_cast<double>(n);
    }
    /// Total simulated time the block spent working.
    const sc_core::sc_time& busy_time() const { return m_busy_total; }
    /// When the block finishes the work it has accepted (zero if it keeps no such time).
    virtual sc_core::sc_time idle_at() const { return sc_core::SC_ZERO_TIME; }

    /// The common parameters every block type accepts.
    static void add_common_params(ParamTable& table, const char* default_clock = "1 GHz");

    /// Record this block's busy intervals and the energy it books into @p log as track
    /// @p track (the platform does, before the run); null: record nothing.
    void set_activity(ActivityLog* log, int track);
    /// Energy booked since the last busy interval goes to @p log at @p time (end of the run).
    void flush_activity(const sc_core::sc_time& time);

protected:
    RngStream& rng() { return m_rng; }
    /// The block is busy from @p start for @p t doing @p label (a static string): added to its
    /// busy time and, when recording, to the activity log with the energy booked since the
    /// previous interval.
    void add_busy(const sc_core::sc_time& start, const sc_core::sc_time& t, const char* label);
    /// Declare analog ports in the constructor, from the same specs the block type gives the
    /// loader (its static analog_ports(params)).
    AnalogOut& add_analog_out(const AnalogPortSpec& spec);
    AnalogIn& add_analog_in(const AnalogPortSpec& spec, AnalogIn::Handler handler);

private:
    std::vector<std::unique_ptr<AnalogOut>> m_analog_outs;
    std::vector<std::unique_ptr<AnalogIn>> m_analog_ins;
    double m_clock_Hz;
    sc_core::sc_time m_clock_period;
    EnergyLedger m_ledger;
    RngStream m_rng;
    sc_core::sc_time m_busy_total = sc_core::SC_ZERO_TIME;
    ActivityLog* m_activity = nullptr;
    int m_track = -1;
    std::vector<double> m_logged_J; ///< energy by class already given to the log
    std::vector<double> energy_since_logged();
};

/// @brief A memory-mapped hardware block: a TLM-2.0 target with a register interface on `in`
/// (the common header of neurotlm/drivers/register_map.h, then the block's own registers and
/// windows as its declared map says, decoded by `registers()`) and the busy-until timing model:
/// a command starts no earlier than the previous one finished, and a read of STATUS or of a
/// result window is annotated up to the command's completion. Targets never call wait(); they
/// only annotate delay.
class Component : public Block {
public:
    tlm_utils::simple_target_socket<Component> in;

    /// @p map is the block type's declared register map (a static: it outlives the block).
    Component(const sc_core::sc_module_name& name, const Params& params,
              const ComponentContext& context, const regmap::RegisterMap& map);

    std::uint64_t address_span() const override { return m_registers.span(); }
    TargetSocket* target_socket(const std::string& name) override;

    const sc_core::sc_time& busy_until() const { return m_busy_until; }
    sc_core::sc_time idle_at() const override { return m_busy_until; }
    std::uint64_t commands() const { return m_commands; }
    /// Cycles of the last command or analog sample (LAST_CYCLES).
    std::uint64_t last_cycles() const { return m_last_cycles; }

    /// Common parameters plus the register interface's timing.
    static void add_common_params(ParamTable& table, const char* default_clock = "1 GHz");

protected:
    /// The block binds its declared registers and windows here in its constructor, then calls
    /// registers().check_complete().
    regmap::RegisterBank& registers() { return m_registers; }

    /// Execute command @p code starting at @p start; return its latency in cycles, or set
    /// @p error. The result must be fully computed before returning (the component is then
    /// busy in simulated time until start + latency).
    virtual std::uint64_t execute(std::uint32_t code, const sc_core::sc_time& start,
                                  std::uint32_t& error) = 0;

    /// A LookAheadRequest that arrived on a debug transport: compute the outputs the coming
    /// commands will return and return true, or return false (the default) to let the commands
    /// compute them. Nothing observable may change either way.
    virtual bool look_ahead(const LookAheadRequest& request) {
        (void)request;
        return false;
    }

    /// Work that arrives other than by a command (an analog sample at @p arrival): it starts at
    /// max(arrival, busy_until()), the block is busy for @p latency cycles, and STATUS,
    /// LAST_CYCLES and result reads see it like a command. Returns when it ends.
    sc_core::sc_time occupy(const sc_core::sc_time& arrival, std::uint64_t latency);
    /// Work that arrives other than by a command and cannot be done: ERROR_CODE and STATUS say
    /// so as for a refused command.
    void refuse(std::uint32_t error);

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned int transport_dbg(tlm::tlm_generic_payload& trans);
    bool access(tlm::tlm_generic_payload& trans, sc_core::sc_time* delay);
    const char* command_name(std::uint32_t code) const;
    bool header_access(std::uint64_t addr, bool is_write, std::uint32_t& value,
                       const sc_core::sc_time& now, sc_core::sc_time* delay);

    regmap::RegisterBank m_registers;
    std::uint64_t m_access_cycles;
    std::uint64_t m_bytes_per_cycle;
    sc_core::sc_time m_busy_until = sc_core::SC_ZERO_TIME;
    std::uint64_t m_commands = 0;
    std::uint32_t m_status = 0;
    std::uint32_t m_error = 0;
    std::uint64_t m_last_cycles = 0;
};

} // namespace neurotlm
