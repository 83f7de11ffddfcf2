#pragma once
// A direct test bench for one block (after VCML's test_base): a small SystemC initiator bound
// straight to the block's `in` socket, with no JSON platform, router or controller in between.
//
//     DirectBench<CrossbarTile> bench({{"rows", 8}, {"cols", 8}, {"adc", {{"bits", 0}}}});
//     bench.run([&](BenchInitiator& bus) {
//         CrossbarTileDriver d(bus, DirectBench<CrossbarTile>::kBase, "dut");
//         d.probe();
//         ...
//         EXPECT_EQ(bus.now(), ...);           // simulated time, local offset included
//     });
//
// The block sits at address kBase (0) of the initiator. Parameters are validated with the block
// type's param_table() (ConfigError names "bench.json" and the JSON pointer), device presets are
// found on the default search path, and an optional "devices" section (as in a platform file)
// adds named devices. The body runs in an SC_THREAD; run() returns the simulated time when it
// ended and rethrows whatever it threw. run() may be called again on the same bench: simulated
// time continues. SystemC elaborates once per process: build one bench per test.

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "neurotlm/core/params.h"
#include "neurotlm/devices/library.h"
#include "neurotlm/drivers/initiator.h"
#include "neurotlm/modules/component.h"

namespace neurotlm::testing {

/// @brief The bench's initiator: implements neurotlm::Initiator with blocking b_transport on
/// `out`, keeping its local time in a tlm_quantumkeeper (the global quantum is the bench's).
class BenchInitiator : public sc_core::sc_module, public Initiator {
public:
    tlm_utils::simple_initiator_socket<BenchInitiator> out;

    explicit BenchInitiator(const sc_core::sc_module_name& name);

    // Initiator: throws BusError on any response other than TLM_OK_RESPONSE.
    void write(std::uint64_t address, const void* data, std::size_t len) override;
    void read(std::uint64_t address, void* data, std::size_t len) override;

    /// One b_transport with the local time as its delay; returns the response instead of
    /// throwing (for register-level tests). The local time advances by the annotated delay.
    tlm::tlm_response_status transport(tlm::tlm_command command, std::uint64_t address, void* data,
                                       std::size_t len);
    /// One transport_dbg; returns the bytes the target transferred (no time passes).
    unsigned debug(tlm::tlm_command command, std::uint64_t address, void* data, std::size_t len);

    /// Simulated time as this initiator sees it: kernel time plus the local offset.
    sc_core::sc_time now() const { return m_qk.get_current_time(); }
    double now_s() const { return now().to_seconds(); }
    /// The local offset ahead of the kernel.
    sc_core::sc_time local_time() const { return m_qk.get_local_time(); }
    /// Add @p t of local time (work done by the initiator itself).
    void advance(const sc_core::sc_time& t);
    /// Wait in the kernel until it catches up with the local time.
    void sync() { m_qk.sync(); }
    std::uint64_t transactions() const { return m_transactions; }

    /// Run @p body in this module's thread now (sc_start until it is done); returns the
    /// simulated time when the body ended and rethrows what it threw.
    double run(std::function<void(BenchInitiator&)> body);

private:
    void thread();

    tlm_utils::tlm_quantumkeeper m_qk;
    tlm::tlm_generic_payload m_trans;
    sc_core::sc_event m_go;
    std::function<void(BenchInitiator&)> m_body;
    std::exception_ptr m_failure;
    bool m_pending = false;
    bool m_done = false;
    double m_end_s = 0.0;
    std::uint64_t m_transactions = 0;
};

struct BenchOptions {
    std::uint64_t seed = 1;   ///< the platform seed the block's RNG stream derives from
    std::string name = "dut"; ///< the block's module name (also seeds its stream)
    nlohmann::json devices = nlohmann::json::object(); ///< a platform file's "devices" section
    double quantum_s = 1e-6;         ///< global quantum of the initiator's quantum keeper
    std::string file = "bench.json"; ///< the file name ConfigErrors carry
};

/// Validate @p params against @p table as a block's JSON object (ConfigError on bad input).
Params bench_params(const nlohmann::json& params, const ParamTable& table,
                    const std::string& file = "bench.json");

/// @brief One block of type @p B (a neurotlm Block with a target socket "in" and a static
/// param_table()) driven directly by a BenchInitiator.
template <typename B> class DirectBench {
public:
    /// The block's base address as the initiator sees it.
    static constexpr std::uint64_t kBase = 0;

    explicit DirectBench(const nlohmann::json& params = nlohmann::json::object(),
                         BenchOptions options = {})
        : m_options(std::move(options)),
          m_devices(std::make_unique<DeviceLibrary>(DeviceLibrary::default_search_dirs(""))),
          m_params(bench_params(params, B::param_table(), m_options.file)) {
        if (!m_options.devices.is_null() && !m_options.devices.empty())
            m_devices->load_section(m_options.devices, m_options.file, "/devices");
        tlm_utils::tlm_quantumkeeper::set_global_quantum(
            sc_core::sc_time(m_options.quantum_s, sc_core::SC_SEC));
        ComponentContext context;
        context.seed = m_options.seed;
        context.devices = m_devices.get();
        m_initiator = std::make_unique<BenchInitiator>("bench_initiator");
        m_block = std::make_unique<B>(m_options.name.c_str(), m_params, context);
        TargetSocket* in = m_block->target_socket("in");
        if (!in) throw std::logic_error(m_options.name + " has no target socket \"in\"");
        m_initiator->out.bind(*in);
    }

    /// `DirectBench<CrossbarTile> bench({{"rows", 8}, {"cols", 8}})` reads as the JSON object.
    DirectBench(nlohmann::json::initializer_list_t params, BenchOptions options = {})
        : DirectBench(nlohmann::json(params), std::move(options)) {}
    DirectBench(const DirectBench&) = delete;
    DirectBench& operator=(const DirectBench&) = delete;

    B& block() { return *m_block; }
    const B& block() const { return *m_block; }
    BenchInitiator& initiator() { return *m_initiator; }
    const Params& params() const { return m_params; }
    const DeviceLibrary& devices() const { return *m_devices; }

    /// Run @p body on the initiator's thread; returns the simulated time (s) when it ended.
    double run(std::function<void(BenchInitiator&)> body) {
        return m_initiator->run(std::move(body));
    }

private:
    BenchOptions m_options;
    std::unique_ptr<DeviceLibrary> m_devices;
    Params m_params;
    std::unique_ptr<BenchInitiator> m_initiator;
    std::unique_ptr<B> m_block;
};

} // namespace neurotlm::testing
