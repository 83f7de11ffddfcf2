#pragma once
/// @brief Trace replay ("kind": "trace"): a JSON-lines file of operations on named crossbar
/// tiles, for workloads that are not networks. One operation per line:
///   {"op": "program", "component": "tile0", "weights": [[...], ...], "weight_range": 1.0}
///        (or "weights_npy": "w.npy"; rows = inputs; weight_range defaults to max |w|)
///   {"op": "input_range", "component": "tile0", "value": 1.0}
///   {"op": "output_range", "component": "tile0", "value": 0}        (0: automatic)
///   {"op": "mvm", "component": "tile0", "input": [...]}              (start and collect)
///   {"op": "start", "component": "tile0", "input": [...]}            (start only: tiles overlap)
///   {"op": "collect", "component": "tile0"}                          (wait and read results)
///   {"op": "phase", "name": "layer1"}                                (attribute what follows)
/// Blank lines and lines starting with '#' are skipped. The whole file is validated before
/// the run: errors name the file, the line and the JSON pointer within the line.

#include <string>
#include <vector>

#include "neurotlm/workloads/workload.h"

namespace neurotlm {

class TraceReplay : public Workload {
public:
    static ParamTable param_table();
    TraceReplay(const Params& params, const PlatformInfo& platform);

    const char* kind() const override { return "trace"; }
    void run(RunContext& context) override;
    json results() const override;
    WorkloadTotals totals() const override;
    std::vector<std::string> setup_phases() const override { return {"program"}; }
    json resolved_paths() const override;

    enum class Op { program, input_range, output_range, mvm, start, collect, phase };
    struct Step {
        Op op;
        int line;
        std::string component;
        std::vector<float> data;  ///< weights (rows x cols) or input
        int rows = 0, cols = 0;
        float value = 0.0f;       ///< range, or weight range for program
        std::string name;         ///< phase name
    };
    const std::vector<Step>& steps() const { return m_steps; }

private:
    std::string m_path;
    std::vector<Step> m_steps;
    std::uint64_t m_mvms = 0;
    double m_ops = 0;
    json m_outputs = json::array();
    bool m_record;
};

} // namespace neurotlm
