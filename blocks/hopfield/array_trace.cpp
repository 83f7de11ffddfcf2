// Trace operations on Hopfield arrays (the `trace` workload): store patterns into a memory
// slot, recall from a probe.
//   {"op": "store", "component": "hop", "memory": 0, "patterns": [[1, -1, ...], ...]}
//   {"op": "recall", "component": "hop", "memory": 0, "probe": [1, -1, ...]}

#include "neurotlm/blocks/hopfield/array_driver.h"
#include "neurotlm/blocks/hopfield/hopfield.h"
#include "neurotlm/core/error.h"
#include "neurotlm/drivers/trace_ops.h"

namespace neurotlm {

namespace {

using trace::json;
using Pattern = std::vector<std::int8_t>;

class ArrayTrace : public trace::Component {
public:
    explicit ArrayTrace(const ComponentInfo& info) : m_name(info.name) {
        const HopfieldSpec spec = HopfieldSpec::table().build(*info.params);
        m_neurons = spec.neurons;
        m_max_patterns = spec.max_patterns;
        m_stored.assign(static_cast<std::size_t>(spec.memories), false);
    }
    std::unique_ptr<trace::Step> parse(const std::string& op, const json& j,
                                       const trace::Line& line) override;
    void attach(Initiator& bus, std::uint64_t address) override {
        m_driver = std::make_unique<HopfieldArrayDriver>(bus, address, m_name);
    }
    /// The driver, checking the block on first use (so the check is booked with that use).
    HopfieldArrayDriver& driver() {
        if (!m_probed) m_driver->probe();
        m_probed = true;
        return *m_driver;
    }
    const std::string& name() const { return m_name; }
    int neurons() const { return m_neurons; }

private:
    Pattern pattern(const json& v, const std::string& pointer, const std::string& where) const;
    int memory(const json& j, const std::string& where) const;

    std::string m_name;
    int m_neurons = 0, m_max_patterns = 0;
    std::vector<bool> m_stored; ///< per memory slot: something was stored
    std::unique_ptr<HopfieldArrayDriver> m_driver;
    bool m_probed = false;
};

class Store : public trace::Step {
public:
    Store(ArrayTrace& a, int memory, std::vector<Pattern> patterns)
        : m_array(a), m_memory(memory), m_patterns(std::move(patterns)) {}
    void run(trace::Replay& r) override {
        r.setup([&] {
            m_array.driver().select(m_memory);
            m_array.driver().store(m_patterns);
        });
    }

private:
    ArrayTrace& m_array;
    int m_memory;
    std::vector<Pattern> m_patterns;
};

class Recall : public trace::Step {
public:
    Recall(ArrayTrace& a, int memory, Pattern probe, int line)
        : m_array(a), m_memory(memory), m_probe(std::move(probe)), m_line(line) {}
    void run(trace::Replay& r) override {
        m_array.driver().select(m_memory);
        const HopfieldArrayDriver::Result res = m_array.driver().recall(m_probe);
        json state = json::array();
        for (std::int8_t s : res.state)
            state.push_back(static_cast<int>(s));
        const double n = m_array.neurons();
        // Each iteration reads the whole array: N x N multiply-accumulates, 2 ops each.
        r.item(m_line, m_array.name(),
               {{"state", state}, {"iterations", res.iterations}, {"converged", res.converged}},
               2.0 * n * n * res.iterations);
    }
    std::uint64_t items() const override { return 1; }

private:
    ArrayTrace& m_array;
    int m_memory;
    Pattern m_probe;
    int m_line;
};

Pattern ArrayTrace::pattern(const json& v, const std::string& pointer,
                            const std::string& where) const {
    if (!v.is_array() || static_cast<int>(v.size()) != m_neurons)
        throw ConfigError(where, pointer,
                          "a pattern of " + std::to_string(m_neurons) + " values +1 or -1",
                          describe_json(v));
    Pattern p;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_number_integer() ||
            (v[i].get<std::int64_t>() != 1 && v[i].get<std::int64_t>() != -1))
            throw ConfigError(where, pointer + "/" + std::to_string(i), "+1 or -1",
                              describe_json(v[i]));
        p.push_back(static_cast<std::int8_t>(v[i].get<int>()));
    }
    return p;
}

int ArrayTrace::memory(const json& j, const std::string& where) const {
    const json v = j.value("memory", json(0));
    const int slots = static_cast<int>(m_stored.size());
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() >= slots)
        throw ConfigError(where, "/memory",
                          "a memory slot of " + m_name + " (0.." + std::to_string(slots - 1) + ")",
                          describe_json(v));
    return v.get<int>();
}

std::unique_ptr<trace::Step> ArrayTrace::parse(const std::string& op, const json& j,
                                               const trace::Line& line) {
    const std::string& where = line.where;
    const int slot = memory(j, where);
    if (op == "store") {
        if (!j.contains("patterns") || !j["patterns"].is_array() || j["patterns"].empty() ||
            static_cast<int>(j["patterns"].size()) > m_max_patterns)
            throw ConfigError(where, "/patterns",
                              "1.." + std::to_string(m_max_patterns) +
                                  " patterns (the array's max_patterns)",
                              j.contains("patterns") ? describe_json(j["patterns"]) : "nothing");
        std::vector<Pattern> patterns;
        for (std::size_t k = 0; k < j["patterns"].size(); ++k)
            patterns.push_back(pattern(j["patterns"][k], "/patterns/" + std::to_string(k), where));
        m_stored[static_cast<std::size_t>(slot)] = true;
        return std::make_unique<Store>(*this, slot, std::move(patterns));
    }
    // recall
    if (!m_stored[static_cast<std::size_t>(slot)])
        throw ConfigError(where, "/op",
                          "a \"store\" into memory " + std::to_string(slot) + " of " + m_name +
                              " before a recall from it",
                          "\"recall\"");
    if (!j.contains("probe")) throw ConfigError(where, "/probe", "a probe pattern", "nothing");
    return std::make_unique<Recall>(*this, slot, pattern(j["probe"], "/probe", where), line.number);
}

trace::BlockOps array_trace_ops() {
    trace::BlockOps ops;
    ops.type = "hopfield_array";
    ops.item_name = "recall";
    ops.ops = {{"store", {"memory", "patterns"}}, {"recall", {"memory", "probe"}}};
    ops.create = [](const ComponentInfo& info) { return std::make_unique<ArrayTrace>(info); };
    return ops;
}

} // namespace

NEUROTLM_REGISTER_TRACE_OPS(array_trace_ops);

} // namespace neurotlm
