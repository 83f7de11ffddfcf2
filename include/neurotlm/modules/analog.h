#pragma once
/// @brief Analog ports: point-to-point links between blocks that carry a vector of voltages or
/// currents in simulated time, never through the bus or the controller. A block declares its
/// ports by name (Block::add_analog_out / add_analog_in); the platform connects an output to
/// inputs as the file says. Sending is a function call: the link books its wires' energy on the
/// sender's ledger and hands the values to each receiver with their arrival time; the receiver
/// computes at once and is busy until it is done (busy-until, no wait()).

#include <functional>
#include <string>
#include <vector>

#include <systemc>

#include "neurotlm/core/ledger.h"
#include "neurotlm/devices/analog_link.h"

namespace neurotlm {

class Block;

/// @brief A port as the loader sees it before anything is built (from the block's parameters).
struct AnalogPortSpec {
    std::string name;
    bool output = false;
    AnalogSignal signal = AnalogSignal::voltage;
    int width = 0;           ///< values per sample
    bool required = false;   ///< inputs: the block cannot work without a connection
    int wires_per_value = 1; ///< outputs: 2 for differential pairs
    double load_ohm = 0.0;   ///< current inputs: input resistance the wires see
    /// Current inputs: how the receiver ends a sender's differential lines (the initial value;
    /// AnalogIn::set_termination changes it, e.g. with a gain).
    LineTermination termination;
    double driver_settle_s = 0.0; ///< outputs: the driver's own settling time
    std::string description;
};

/// The kind's name in messages and docs ("voltage", "current").
const char* analog_signal_name(AnalogSignal s);

class AnalogIn {
public:
    /// Called with the values and the time they have settled at the receiver.
    using Handler = std::function<void(const std::vector<double>&, const sc_core::sc_time&)>;
    AnalogIn(AnalogPortSpec spec, Handler handler)
        : m_spec(std::move(spec)), m_handler(std::move(handler)),
          m_termination(m_spec.termination) {}

    const AnalogPortSpec& spec() const { return m_spec; }
    /// How this input ends the lines of a sender of currents, as it is now: a sender whose
    /// array the termination loads reads it before each sample.
    const LineTermination& termination() const { return m_termination; }
    void set_termination(const LineTermination& t) {
        t.check();
        m_termination = t;
    }
    bool connected() const { return m_connected; }
    /// The last sample received (empty before the first).
    const std::vector<double>& last() const { return m_last; }
    std::uint64_t samples() const { return m_samples; }

private:
    friend class AnalogOut;
    void receive(const std::vector<double>& values, const sc_core::sc_time& at);

    AnalogPortSpec m_spec;
    Handler m_handler;
    LineTermination m_termination;
    bool m_connected = false;
    std::vector<double> m_last;
    std::uint64_t m_samples = 0;
};

class AnalogOut {
public:
    /// Declares the action "analog_<port>" (interconnect) on @p ledger.
    AnalogOut(AnalogPortSpec spec, EnergyLedger& ledger);

    const AnalogPortSpec& spec() const { return m_spec; }
    bool connected() const { return !m_links.empty(); }

    /// Connect to @p in over a link of @p link (checked; its signal, wires and driver settling
    /// are taken from the ports). The link carries values [first, first + count) of each sample
    /// (count 0: to the end); @p in must be count values wide.
    void connect(AnalogIn& in, AnalogLinkSpec link, int first = 0, int count = 0);

    /// Send one sample, valid at the sender at @p at: each link books C V^2 of its wires and
    /// delivers at @p at + its delay. @p values has width() elements.
    void send(const std::vector<double>& values, const sc_core::sc_time& at);

    struct Link {
        AnalogIn* in;
        AnalogLinkSpec spec;
        int first = 0; ///< the slice of the sample the link carries
        int count = 0;
    };
    const std::vector<Link>& links() const { return m_links; }

private:
    AnalogPortSpec m_spec;
    EnergyLedger& m_ledger;
    EnergyLedger::ActionId m_action;
    std::vector<Link> m_links;
    std::vector<double> m_slice; ///< scratch: one link's values
};

} // namespace neurotlm
