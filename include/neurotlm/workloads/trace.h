#pragma once
/// @brief Trace replay ("kind": "trace"): a JSON-lines file of operations on named components,
/// for workloads that are not networks. One operation per line; the component's block type
/// provides its operations (registered beside its driver, drivers/trace_ops.h):
///   crossbar_tile:
///   {"op": "program", "component": "tile0", "weights": [[...], ...], "weight_range": 1.0}
///        (or "weights_npy": "w.npy", read once however many lines name it; rows = inputs;
///         weight_range defaults to max |w|; input range x max column sum |w| <= 3.4e34)
///   {"op": "input_range", "component": "tile0", "value": 1.0}
///   {"op": "output_range", "component": "tile0", "value": 0}        (0: automatic)
///   {"op": "mvm", "component": "tile0", "input": [...]}              (start and collect)
///   {"op": "start", "component": "tile0", "input": [...]}            (start only: tiles overlap)
///   {"op": "collect", "component": "tile0"}                          (wait and read results)
///   hopfield_array:
///   {"op": "store", "component": "hop", "memory": 0, "patterns": [[1, -1, ...], ...]}
///   {"op": "recall", "component": "hop", "memory": 0, "probe": [1, -1, ...]}
///   any:
///   {"op": "phase", "name": "layer1"}                                (attribute what follows)
/// Blank lines and lines starting with '#' are skipped. The whole file is validated before
/// the run: errors name the file, the line and the JSON pointer within the line. Programming
/// and storing are set-up (the "program" phase).

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "neurotlm/drivers/trace_ops.h"
#include "neurotlm/workloads/workload.h"

namespace neurotlm {

class TraceReplay : public Workload {
public:
    static ParamTable param_table();
    TraceReplay(const Params& params, const PlatformInfo& platform);
    ~TraceReplay() override;

    const char* kind() const override { return "trace"; }
    void run(RunContext& context) override;
    json results() const override;
    WorkloadTotals totals() const override;
    std::vector<std::string> setup_phases() const override { return {"program"}; }
    json resolved_paths() const override;

    /// Validated lines, in order.
    std::size_t steps() const { return m_steps.size(); }

    /// Bytes the trace will hold, estimated before it is loaded from the text and the headers
    /// of its .npy files only: each distinct file once (lines naming it share it), what the
    /// numbers written in the lines become, what each line's block type keeps per step, and
    /// the larger of reading one file and parsing the longest line.
    static double estimate_bytes(const Params& p, const PlatformInfo& platform);

private:
    struct Line {
        int number = 0;
        std::string phase;     ///< a phase marker, or
        std::string component; ///< the component the step runs on
        std::unique_ptr<trace::Step> step;
    };

    /// Validate one line of the trace and append its step.
    void add_line(const std::string& text, int number, const std::string& base_dir,
                  const PlatformInfo& platform, const std::string& ops_expected,
                  std::set<std::string>& item_names);

    /// A .npy weight file, read once for every line naming it.
    struct Matrix {
        int rows = 0, cols = 0;
        std::shared_ptr<const std::vector<float>> data;
    };

    std::string m_path;
    std::map<std::string, Matrix> m_matrices; ///< by resolved path
    std::map<std::string, std::unique_ptr<trace::Component>> m_components;
    std::vector<Line> m_steps;
    std::string m_item_name = "operation";
    std::uint64_t m_items = 0;
    double m_ops = 0;
    json m_outputs = json::array();
    bool m_record;
};

} // namespace neurotlm
