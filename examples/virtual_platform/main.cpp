// A minimal foreign virtual platform: its own initiator (standing in for a CPU model) drives a
// neurotlm CrossbarTile through the tile's register map, with no neurotlm controller, router or
// platform file. The initiator adapts its socket to neurotlm::Initiator so that the shipped
// driver can be used; writing the registers by hand works just as well (docs/registers.md).

#include <cmath>
#include <cstdio>
#include <vector>

#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "neurotlm/blocks/crossbar/tile_driver.h"
#include "neurotlm/blocks/crossbar/tile_module.h"
#include "neurotlm/devices/library.h"

class Cpu : public sc_core::sc_module, public neurotlm::Initiator {
public:
    tlm_utils::simple_initiator_socket<Cpu> out{"out"};
    std::vector<float> result;

    explicit Cpu(const sc_core::sc_module_name& name) : sc_core::sc_module(name) {
        SC_HAS_PROCESS(Cpu);
        SC_THREAD(run);
    }

    void write(std::uint64_t address, const void* data, std::size_t len) override {
        transport(tlm::TLM_WRITE_COMMAND, address, const_cast<void*>(data), len);
    }
    void read(std::uint64_t address, void* data, std::size_t len) override {
        transport(tlm::TLM_READ_COMMAND, address, data, len);
    }

private:
    void transport(tlm::tlm_command cmd, std::uint64_t address, void* data, std::size_t len) {
        tlm::tlm_generic_payload t;
        t.set_command(cmd);
        t.set_address(address);
        t.set_data_ptr(static_cast<unsigned char*>(data));
        t.set_data_length(static_cast<unsigned>(len));
        t.set_streaming_width(static_cast<unsigned>(len));
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        out->b_transport(t, delay);
        if (!t.is_response_ok()) throw neurotlm::BusError(t.get_response_string());
        wait(delay); // this simple CPU syncs on every access
    }

    void run() {
        // 4 inputs x 3 outputs, and an input vector: y = x^T W.
        const std::vector<float> w = {0.9f,  -0.2f, 0.0f, 0.1f, 0.8f, -0.7f,
                                      -0.6f, 0.0f,  0.7f, 0.3f, 0.3f, 0.9f};
        const std::vector<float> x = {1.0f, 0.5f, 0.25f, 0.75f};
        neurotlm::CrossbarTileDriver tile(*this, 0, "tile");
        tile.probe();
        tile.program(w.data(), 4, 3, 1.0f);
        tile.set_input_range(1.0f);
        tile.start_mvm(x.data(), 4);
        result.resize(3);
        tile.collect(result.data(), 3);
    }
};

int sc_main(int, char**) {
    // The tile's parameters, validated exactly as a platform file's would be.
    const neurotlm::json spec = {{"rows", 4},
                                 {"cols", 6},
                                 {"device", "rram_neurosim"},
                                 {"adc", {{"bits", 0}}},
                                 {"dac", {{"bits", 8}}},
                                 {"variation", false},
                                 {"read_noise", false}};
    const neurotlm::Params params = neurotlm::Params::validate(
        spec, neurotlm::CrossbarTile::param_table(), "main.cpp", "/tile");
    neurotlm::DeviceLibrary devices(neurotlm::DeviceLibrary::default_search_dirs(""));
    std::printf("device preset rram_neurosim: %s\n", devices.find_preset("rram_neurosim").c_str());
    neurotlm::ComponentContext context;
    context.seed = 1;
    context.devices = &devices;

    Cpu cpu("cpu");
    neurotlm::CrossbarTile tile("tile", params, context);
    cpu.out.bind(tile.in);
    sc_core::sc_start();

    // Binary cells: each weight is stored as 0 or +-1 x the weight range (the nearest level),
    // so the tile multiplies by [[1,0,0],[0,1,-1],[-1,0,1],[0,0,1]].
    const double expected[3] = {1.0 - 0.25, 0.5, -0.5 + 0.25 + 0.75};
    bool ok = true;
    for (int j = 0; j < 3; ++j) {
        std::printf("y[%d] = %.4f (binary-cell weights give %.4f)\n", j, cpu.result[j],
                    expected[j]);
        ok = ok && std::fabs(cpu.result[j] - expected[j]) < 0.01;
    }
    std::printf("tile energy %.3g J over %s, %s\n", tile.ledger().dynamic_energy_J(),
                sc_core::sc_time_stamp().to_string().c_str(), ok ? "ok" : "MISMATCH");
    return ok ? 0 : 1;
}
