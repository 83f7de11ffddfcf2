// A host SystemC platform with a whole neurotlm platform inside it. The host's own CPU-like
// initiator programs the accelerator's crossbar tile and runs one matrix-vector multiply the way
// a driver in software would: register writes, data windows, polling STATUS (docs/registers.md).
// The accelerator is built from its platform file as one module of the host's hierarchy; the host
// runs the simulation, and asks the accelerator for its report at the end.
//
//   embedded_platform accelerator.json [REPORT_DIR]

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "neurotlm/topology/platform.h"

namespace {

// The accelerator's tile, at the base its platform file gives it on the router.
constexpr std::uint64_t kTile = 0x40000000;
// Common header and crossbar_tile registers (docs/registers.md).
constexpr std::uint64_t kId = 0x0, kType = 0x4, kCtrl = 0x8, kStatus = 0xC, kErrorCode = 0x10;
constexpr std::uint64_t kRows = 0x20, kCols = 0x24, kWeightRange = 0x30, kInputRange = 0x34;
constexpr std::uint64_t kInput = 0x10000, kOutput = 0x20000, kWeights = 0x100000;
constexpr std::uint32_t kProgram = 1, kMvm = 2, kDone = 1u << 0, kError = 1u << 1;

class Cpu : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<Cpu> out{"out"};
    bool ok = false;

    explicit Cpu(const sc_core::sc_module_name& name) : sc_core::sc_module(name) {
        SC_HAS_PROCESS(Cpu);
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
        if (!t.is_response_ok()) {
            char where[32];
            std::snprintf(where, sizeof where, "0x%llx", static_cast<unsigned long long>(address));
            throw std::runtime_error(std::string("bus error at ") + where + ": " +
                                     t.get_response_string());
        }
        wait(delay); // this CPU waits for every access to complete
    }
    std::uint32_t read32(std::uint64_t a) {
        std::uint32_t v = 0;
        access(tlm::TLM_READ_COMMAND, a, &v, 4);
        return v;
    }
    void write32(std::uint64_t a, std::uint32_t v) { access(tlm::TLM_WRITE_COMMAND, a, &v, 4); }
    void write_float(std::uint64_t a, float f) {
        std::uint32_t v;
        std::memcpy(&v, &f, 4);
        write32(a, v);
    }
    void command(std::uint32_t code) {
        write32(kTile + kCtrl, code);
        std::uint32_t status = 0;
        while (!((status = read32(kTile + kStatus)) & kDone))
            wait(10, sc_core::SC_NS);
        if (status & kError)
            throw std::runtime_error("command " + std::to_string(code) + " failed, error code " +
                                     std::to_string(read32(kTile + kErrorCode)));
    }

    void run() {
        try {
            if (read32(kTile + kId) != 0x4E544C4D || read32(kTile + kType) != 1)
                throw std::runtime_error("no crossbar tile at the expected address");
            const std::uint32_t rows = read32(kTile + kRows), cols = read32(kTile + kCols);
            std::printf("tile: %u inputs x %u outputs\n", rows, cols);
            // Weights that binary cells hold exactly (a differential pair per weight).
            const std::vector<float> w = {1, 0, -1, 0, 1, 1, -1, 0, 1, 1, -1, 0};
            const std::vector<float> x = {1.0f, 0.5f, 0.25f, 0.75f};
            if (rows != 4 || cols != 3) throw std::runtime_error("expected a 4 x 3 tile");
            access(tlm::TLM_WRITE_COMMAND, kTile + kWeights, const_cast<float*>(w.data()),
                   w.size() * sizeof(float));
            write_float(kTile + kWeightRange, 1.0f);
            command(kProgram);
            write_float(kTile + kInputRange, 1.0f);
            access(tlm::TLM_WRITE_COMMAND, kTile + kInput, const_cast<float*>(x.data()),
                   x.size() * sizeof(float));
            command(kMvm);
            std::vector<float> y(cols);
            access(tlm::TLM_READ_COMMAND, kTile + kOutput, y.data(), y.size() * sizeof(float));
            ok = true;
            for (std::uint32_t j = 0; j < cols; ++j) {
                double expected = 0.0;
                for (std::uint32_t i = 0; i < rows; ++i)
                    expected += x[i] * w[i * cols + j];
                // The 8-bit input DAC rounds x to 1/255 steps.
                const bool close = std::fabs(y[j] - expected) <= 0.01;
                ok = ok && close;
                std::printf("y[%u] = %.4f (x^T W = %.4f)%s\n", j, y[j], expected,
                            close ? "" : "  <- wrong");
            }
            std::printf("done at %s\n", sc_core::sc_time_stamp().to_string().c_str());
        } catch (const std::exception& e) {
            std::printf("cpu: %s\n", e.what());
        }
        sc_core::sc_stop(); // the host ends its simulation
    }
};

} // namespace

int sc_main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s accelerator.json [REPORT_DIR]\n", argv[0]);
        return 2;
    }
    Cpu cpu("cpu");
    neurotlm::EmbedOptions options;
    if (argc > 2) options.report_dir = argv[2]; // written when the simulation ends
    neurotlm::Platform accel("accel", argv[1], options);
    cpu.out.bind(accel.socket());
    sc_core::sc_start();
    const neurotlm::Report report = accel.report();
    std::printf("accelerator: %.4g J over %.4g s simulated (%zu components)\n", report.energy_J(),
                report.simulated_time_s, report.components.size());
    for (const auto& c : report.components)
        std::printf("  %-6s %-14s %.4g J dynamic, busy %.4g s\n", c.name.c_str(), c.type.c_str(),
                    c.dynamic_energy_J, c.busy_time_s);
    std::printf("%s\n", cpu.ok ? "ok" : "FAILED");
    return cpu.ok ? 0 : 1;
}
