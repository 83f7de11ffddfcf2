#include "testing/platforms.h"

namespace neurotlm::testing {

PlatformConfig config_from(nlohmann::json doc, const LoadOptions& options) {
    return parse_config(std::move(doc), "test.json", std::string(NEUROTLM_SOURCE_DIR) + "/configs",
                        options);
}

nlohmann::json exact_cell_devices() {
    return {{"cell",
             {{"preset", "rram_imacsim"},
              {"levels", 1024},
              {"variation_sigma", 0},
              {"read_noise_sigma", 0}}}};
}

nlohmann::json exact_tiles(int count, int rows, int cols) {
    return {{"name", "tile"},       {"type", "crossbar_tile"},
            {"count", count},       {"rows", rows},
            {"cols", cols},         {"device", "cell"},
            {"variation", false},   {"read_noise", false},
            {"adc", {{"bits", 0}}}, {"dac", {{"bits", 8}}},
            {"input_bits", 16}};
}

nlohmann::json tile_platform(int tiles, int rows, int cols, nlohmann::json tile_overrides,
                             std::string device) {
    nlohmann::json tile = {{"name", "tile"},       {"type", "crossbar_tile"},
                           {"count", tiles},       {"rows", rows},
                           {"cols", cols},         {"device", device},
                           {"adc", {{"bits", 0}}}, {"dac", {{"bits", 8}}},
                           {"read_noise", false},  {"variation", false}};
    if (tile_overrides.is_object()) tile.merge_patch(tile_overrides);
    return {
        {"neurotlm", 1},
        {"name", "test"},
        {"seed", 7},
        {"devices",
         {{"ideal",
           {{"type", "rram"},
            {"levels", 1024},
            {"r_on", "5 kohm"},
            {"r_off", "15 kohm"},
            {"read_voltage", "0.2 V"},
            {"source", "test device"}}}}},
        {"components",
         {{{"name", "ctrl"}, {"type", "controller"}}, {{"name", "bus"}, {"type", "router"}}, tile}},
        {"connections",
         {{{"from", "ctrl.out"}, {"to", "bus.in"}},
          {{"from", "bus.out"}, {"to", "tile.in"}, {"base", "0x10000000"}, {"size", "4 MiB"}}}},
    };
}

double run_job(Platform& platform, std::function<void(Controller&)> job) {
    platform.controller().set_job(std::move(job));
    sc_core::sc_start();
    platform.controller().rethrow_if_failed();
    return platform.controller().end_time_s();
}

} // namespace neurotlm::testing
