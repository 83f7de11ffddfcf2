// A platform file as one module of someone else's SystemC platform: the host's initiator reaches
// the file's address map through the platform's socket, the host runs (and ends) the simulation,
// the platform runs no workload unless asked and reports when asked or when the simulation ends.
// SystemC elaborates once per process: each test runs in its own (gtest_discover_tests).

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "neurotlm/core/error.h"
#include "neurotlm/topology/platform.h"
#include "testing/paths.h"

using namespace neurotlm;

namespace {

// Platform tile0 of tests/data/good/small_trace.json sits at 0x1000000 (8 x 4 logical).
constexpr std::uint64_t kTile0 = 0x1000000;

/// A host initiator: waits @p start, then reads the tile's ID and ROWS, programs an identity-like
/// weight block and multiplies, recording what it saw and when it finished.
class HostCpu : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<HostCpu> out{"out"};
    std::uint32_t id = 0, rows = 0;
    std::vector<float> y;
    double finished_s = -1.0;

    explicit HostCpu(const sc_core::sc_module_name& name) : sc_core::sc_module(name) {
        SC_HAS_PROCESS(HostCpu);
        SC_THREAD(run);
    }

private:
    void access(tlm::tlm_command cmd, std::uint64_t address, void* data, std::size_t len) {
        tlm::tlm_generic_payload t;
        t.set_command(cmd);
        t.set_address(address);
        t.set_data_ptr(static_cast<unsigned char*>(data));
        t.set_data_length(static_cast<unsigned>(len));
        t.set_streaming_width(static_cast<unsigned>(len));
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        out->b_transport(t, delay);
        ASSERT_TRUE(t.is_response_ok()) << t.get_response_string() << " at " << address;
        wait(delay);
    }
    void write32(std::uint64_t a, std::uint32_t v) { access(tlm::TLM_WRITE_COMMAND, a, &v, 4); }
    std::uint32_t read32(std::uint64_t a) {
        std::uint32_t v = 0;
        access(tlm::TLM_READ_COMMAND, a, &v, 4);
        return v;
    }
    void run() {
        wait(1, sc_core::SC_US); // the platform must not have stopped the simulation by now
        id = read32(kTile0 + 0x0);
        rows = read32(kTile0 + 0x20);
        // Weights 1 on the diagonal of the 8 x 4 block, 0 elsewhere: y_j = x_j.
        std::vector<float> w(8 * 4, 0.0f);
        for (int j = 0; j < 4; ++j)
            w[static_cast<std::size_t>(j) * 4 + j] = 1.0f;
        access(tlm::TLM_WRITE_COMMAND, kTile0 + 0x100000, w.data(), w.size() * 4);
        write32(kTile0 + 0x8, 1); // PROGRAM
        while (!(read32(kTile0 + 0xC) & 1u))
            wait(10, sc_core::SC_NS);
        std::vector<float> x = {0.5f, -0.25f, 1.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
        access(tlm::TLM_WRITE_COMMAND, kTile0 + 0x10000, x.data(), x.size() * 4);
        write32(kTile0 + 0x8, 2); // MVM
        while (!(read32(kTile0 + 0xC) & 1u))
            wait(10, sc_core::SC_NS);
        y.resize(4);
        access(tlm::TLM_READ_COMMAND, kTile0 + 0x20000, y.data(), y.size() * 4);
        finished_s = sc_core::sc_time_stamp().to_seconds();
        sc_core::sc_stop();
    }
};

std::string small_trace() {
    return neurotlm::testing::source_dir() + "/tests/data/good/small_trace.json";
}

} // namespace

TEST(EmbeddedPlatform, HostDrivesTheTileThroughTheSocketAndGetsTheReport) {
    HostCpu cpu("cpu");
    EmbedOptions options;
    options.report_dir = neurotlm::testing::scratch_dir("embedded") + "/report";
    Platform accel("accel", small_trace(), options);
    cpu.out.bind(accel.socket());
    EXPECT_TRUE(accel.embedded());
    // The blocks are the module's children in the host's hierarchy.
    EXPECT_EQ(std::string(accel.module().name()), "accel");
    EXPECT_EQ(std::string(accel.find("tile0")->name()), "accel.tile0");
    EXPECT_THROW(accel.run(), std::logic_error);
    sc_core::sc_start();

    EXPECT_EQ(cpu.id, 0x4E544C4Du);
    EXPECT_EQ(cpu.rows, 8u);
    ASSERT_EQ(cpu.y.size(), 4u);
    // rram_imacsim cells and a 6-bit ADC: the identity comes back within a few ADC steps.
    EXPECT_NEAR(cpu.y[0], 0.5f, 0.05f);
    EXPECT_NEAR(cpu.y[1], -0.25f, 0.05f);
    EXPECT_NEAR(cpu.y[2], 1.0f, 0.05f);
    EXPECT_NEAR(cpu.y[3], 0.0f, 0.05f);
    EXPECT_GT(cpu.finished_s, 1e-6);

    const Report r = accel.report();
    EXPECT_DOUBLE_EQ(r.simulated_time_s, sc_core::sc_time_stamp().to_seconds());
    EXPECT_EQ(r.items, 0u) << "no workload runs unless asked";
    double tile_energy = 0.0, other_tile = -1.0;
    for (const auto& c : r.components) {
        if (c.name == "tile0") tile_energy = c.dynamic_energy_J;
        if (c.name == "tile1") other_tile = c.dynamic_energy_J;
    }
    EXPECT_GT(tile_energy, 0.0);
    EXPECT_EQ(other_tile, 0.0) << "the host touched tile0 only";
    // Written when the host's simulation ended (sc_stop).
    EXPECT_TRUE(std::filesystem::exists(options.report_dir + "/report.json"));
    EXPECT_TRUE(std::filesystem::exists(options.report_dir + "/report.html"));
}

/// A host process that only lets time pass.
class Sleeper : public sc_core::sc_module {
public:
    double woke_s = -1.0;
    explicit Sleeper(const sc_core::sc_module_name& name) : sc_core::sc_module(name) {
        SC_HAS_PROCESS(Sleeper);
        SC_THREAD(run);
    }

private:
    void run() {
        wait(1, sc_core::SC_MS);
        woke_s = sc_core::sc_time_stamp().to_seconds();
    }
};

TEST(EmbeddedPlatform, RunsTheFilesWorkloadWhenAskedWithoutStoppingTheHost) {
    Sleeper host("host");
    EmbedOptions options;
    options.run_workload = true;
    options.report_dir = neurotlm::testing::scratch_dir("embedded-workload") + "/report";
    {
        // Nothing binds the socket: a platform that only runs its workload needs no host bus.
        Platform accel("accel", small_trace(), options);
        sc_core::sc_start();
        EXPECT_DOUBLE_EQ(host.woke_s, 1e-3) << "the workload's end must not stop the host";
        const Report r = accel.report();
        EXPECT_GT(r.items, 0u);
        EXPECT_EQ(r.workload_kind, "trace");
        EXPECT_TRUE(r.complete);
        EXPECT_DOUBLE_EQ(r.simulated_time_s, 1e-3);
        // The simulation ran out of events (no sc_stop): nothing written yet.
        EXPECT_FALSE(std::filesystem::exists(options.report_dir + "/report.json"));
    }
    // ... until the platform goes.
    EXPECT_TRUE(std::filesystem::exists(options.report_dir + "/report.json"));
}

TEST(EmbeddedPlatform, ABadFileIsRefusedBeforeAnythingIsBuilt) {
    EXPECT_THROW(Platform("accel", "/no/such/platform.json"), InputError);
}
