#include "neurotlm/workloads/hopfield_recall.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "neurotlm/blocks/hopfield/array_driver.h"
#include "neurotlm/blocks/hopfield/hopfield.h"
#include "neurotlm/core/error.h"
#include "neurotlm/workloads/dataset.h"
#include "neurotlm/workloads/npy.h"

namespace neurotlm {

ParamTable HopfieldRecallWorkload::param_table() {
    ParamTable t;
    t.string("component", "", "the hopfield_array to use; \"\" = the platform's only one")
        .any("memories", json::array({{{"source", "random"}, {"count", 4}}}),
             "one pattern set per memory slot: {\"source\": \"random\", \"count\": P} | "
             "{\"source\": \"npy\", \"file\": F} (P x N, sign taken) | {\"source\": \"idx\", "
             "\"images\": F, \"count\": P, \"offset\": 0, \"threshold\": 0.5}")
        .choice("probes.corruption", {"flip", "mask"}, "flip",
                "flip random bits, or overwrite a region with -1")
        .number("probes.flip_fraction", Unit::none, 0.1, "fraction of bits flipped per probe", 0.0,
                1.0)
        .number("probes.mask_fraction", Unit::none, 0.25,
                "fraction of the pattern masked, as one region at a random position", 0.0, 1.0)
        .integer("probes.per_pattern", 5, "corrupted probes per stored pattern", 1, 1e6)
        .any("recall", json::array(),
             "the memories to recall from, by index, in this order ([] = every memory)");
    return t;
}

namespace {

HopfieldPattern sign_pattern(const float* v, int n) {
    HopfieldPattern p(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        p[static_cast<std::size_t>(i)] = v[i] > 0 ? 1 : -1;
    return p;
}

} // namespace

HopfieldRecallWorkload::HopfieldRecallWorkload(const Params& p, const PlatformInfo& platform)
    : m_rng(platform.seed, "workload/hopfield_recall") {
    const std::string& file = platform.file;
    // The array.
    const ComponentInfo* hop = nullptr;
    m_component = p.string("component");
    if (m_component.empty()) {
        for (const auto& c : platform.components) {
            if (c.type != "hopfield_array") continue;
            if (hop)
                throw ConfigError(file, p.pointer_of("component"),
                                  "the name of the hopfield_array to use (there are several)",
                                  "\"\"");
            hop = &c;
        }
        if (!hop)
            throw ConfigError(file, p.pointer_of("component"),
                              "a platform with a hopfield_array component", "none");
    } else {
        hop = platform.find(m_component);
        if (!hop || hop->type != "hopfield_array")
            throw ConfigError(file, p.pointer_of("component"), "a hopfield_array component",
                              hop ? m_component + " is a " + hop->type : "\"" + m_component + "\"");
    }
    if (!hop->reachable)
        throw ConfigError(file, p.pointer_of("component"), "a component the controller can reach",
                          hop->name + " is not connected to it");
    m_component = hop->name;
    const HopfieldSpec spec = HopfieldSpec::table().build(*hop->params);
    m_neurons = spec.neurons;
    const int slots = spec.memories;
    const int max_patterns = spec.max_patterns;

    // The pattern sets.
    m_memory_specs = p.raw("memories");
    const std::string base = p.pointer_of("memories");
    if (!m_memory_specs.is_array() || m_memory_specs.empty())
        throw ConfigError(file, base, "a non-empty array of pattern sets",
                          describe_json(m_memory_specs));
    if (static_cast<int>(m_memory_specs.size()) > slots)
        throw ConfigError(file, base,
                          "at most " + std::to_string(slots) + " pattern sets (" + m_component +
                              " holds that many memories)",
                          std::to_string(m_memory_specs.size()));
    for (std::size_t k = 0; k < m_memory_specs.size(); ++k) {
        const std::string where = base + "/" + std::to_string(k);
        const json& spec = m_memory_specs[k];
        ParamTable t;
        t.choice("source", {"random", "npy", "idx"}, "random", "where the patterns come from")
            .integer("count", 0, "patterns (random, idx); 0 = all rows (npy)", 0, 65536)
            .string("file", "", "npy: P x N array")
            .string("images", "", "idx: image file")
            .integer("offset", 0, "idx: images to skip", 0, 1e9)
            .number("threshold", Unit::none, 0.5, "idx: pixel (0..1) above which a neuron is +1",
                    0.0, 1.0);
        const Params mp = Params::validate(spec, t, file, where);
        Memory m;
        m.source = mp.string("source");
        const int count = static_cast<int>(mp.integer("count"));
        // Checked before the patterns are made or read, so a set the array cannot take is
        // never allocated.
        auto too_many = [&](std::uint64_t n, const std::string& key) {
            if (n > static_cast<std::uint64_t>(max_patterns))
                mp.fail(key,
                        "at most " + std::to_string(max_patterns) + " patterns (" + m_component +
                            "'s max_patterns)",
                        std::to_string(n));
        };
        if (m.source == "random") {
            if (count < 1)
                mp.fail("count", "a number of random patterns >= 1", std::to_string(count));
            too_many(static_cast<std::uint64_t>(count), "count");
            RngStream r = m_rng.derive("memory" + std::to_string(k));
            m.patterns = random_patterns(count, m_neurons, r);
        } else if (m.source == "npy") {
            if (mp.string("file").empty())
                mp.fail("file", "a .npy file of P x N patterns", "nothing");
            m.file = resolve_path(platform.config_dir, mp.string("file"));
            NpyArray a;
            try {
                const NpyInfo info = read_npy_header(m.file);
                if (info.shape.size() == 2)
                    too_many(count > 0 ? std::min<std::uint64_t>(count, info.shape[0])
                                       : info.shape[0],
                             "file");
                a = read_npy(m.file);
            } catch (const InputError& e) {
                throw ConfigError(file, mp.pointer_of("file"), "a readable .npy file", e.what());
            }
            if (a.shape.size() != 2 || a.shape[1] != static_cast<std::size_t>(m_neurons))
                throw ConfigError(file, mp.pointer_of("file"),
                                  "a P x " + std::to_string(m_neurons) +
                                      " array (one pattern a row)",
                                  "shape of " + std::to_string(a.shape.size()) + " dimensions" +
                                      (a.shape.size() == 2 ? ", " + std::to_string(a.shape[0]) +
                                                                 " x " + std::to_string(a.shape[1])
                                                           : std::string()));
            const std::size_t rows =
                count > 0 ? std::min<std::size_t>(count, a.shape[0]) : a.shape[0];
            for (std::size_t r = 0; r < rows; ++r) {
                const float* row = a.data.data() + r * a.shape[1];
                for (int i = 0; i < m_neurons; ++i)
                    if (!std::isfinite(row[i]))
                        throw ConfigError(file, mp.pointer_of("file"), "finite values",
                                          "NaN or infinity");
                m.patterns.push_back(sign_pattern(row, m_neurons));
            }
        } else {
            if (mp.string("images").empty()) mp.fail("images", "an IDX image file", "nothing");
            if (count < 1) mp.fail("count", "a number of images >= 1", std::to_string(count));
            too_many(static_cast<std::uint64_t>(count), "count");
            m.file = resolve_path(platform.config_dir, mp.string("images"));
            Dataset d;
            try {
                d = load_idx(m.file, "", static_cast<std::size_t>(count),
                             static_cast<std::size_t>(mp.integer("offset")));
            } catch (const DatasetError& e) {
                if (e.part() == DatasetError::Part::offset)
                    throw ConfigError(file, mp.pointer_of("offset"),
                                      "an offset below the number of images", e.what());
                throw ConfigError(file, mp.pointer_of("images"), "a readable IDX image file",
                                  e.what());
            }
            if (d.image_size() != m_neurons)
                throw ConfigError(file, mp.pointer_of("images"),
                                  "images of " + std::to_string(m_neurons) +
                                      " pixels (one per neuron)",
                                  std::to_string(d.height) + "x" + std::to_string(d.width));
            const float thr = static_cast<float>(mp.number("threshold"));
            for (int i = 0; i < d.count; ++i) {
                std::vector<float> v(d.image(i), d.image(i) + d.image_size());
                for (auto& x : v)
                    x -= thr;
                m.patterns.push_back(sign_pattern(v.data(), m_neurons));
            }
        }
        if (m.patterns.empty()) throw ConfigError(file, where, "at least one pattern", "none");
        if (static_cast<int>(m.patterns.size()) > max_patterns)
            throw ConfigError(file, where,
                              "at most " + std::to_string(max_patterns) + " patterns (" +
                                  m_component + "'s max_patterns)",
                              std::to_string(m.patterns.size()));
        m_memories.push_back(std::move(m));
    }
    const json& recall = p.raw("recall");
    if (!recall.is_array())
        throw ConfigError(file, p.pointer_of("recall"), "an array of memory indices",
                          describe_json(recall));
    for (std::size_t i = 0; i < recall.size(); ++i) {
        if (!recall[i].is_number_integer() || recall[i].get<long long>() < 0 ||
            recall[i].get<long long>() >= static_cast<long long>(m_memories.size()))
            throw ConfigError(file, p.pointer_of("recall") + "/" + std::to_string(i),
                              "the index of a stored memory (0.." +
                                  std::to_string(m_memories.size() - 1) + ")",
                              describe_json(recall[i]));
        m_recall.push_back(recall[i].get<int>());
    }
    if (m_recall.empty())
        for (std::size_t k = 0; k < m_memories.size(); ++k)
            m_recall.push_back(static_cast<int>(k));
    m_corruption = p.string("probes.corruption");
    m_flip_fraction = p.number("probes.flip_fraction");
    m_mask_fraction = p.number("probes.mask_fraction");
    m_per_pattern = static_cast<int>(p.integer("probes.per_pattern"));
    for (int k : m_recall)
        m_requested += m_memories[static_cast<std::size_t>(k)].patterns.size() *
                       static_cast<std::uint64_t>(m_per_pattern);
}

void HopfieldRecallWorkload::run(RunContext& ctx) {
    HopfieldArrayDriver d(ctx.bus(), ctx.component(m_component)->address, m_component);
    d.probe();
    ctx.phase("store");
    for (std::size_t k = 0; k < m_memories.size(); ++k) {
        d.select(static_cast<int>(k));
        m_memories[k].failed_writes = d.store(m_memories[k].patterns);
    }
    const int flips = static_cast<int>(std::lround(m_flip_fraction * m_neurons));
    const int mask = static_cast<int>(std::lround(m_mask_fraction * m_neurons));
    for (const int ki : m_recall) {
        if (ctx.stop_requested()) break;
        const auto k = static_cast<std::size_t>(ki);
        Memory& m = m_memories[k];
        const std::string phase = "recall_m" + std::to_string(k);
        ctx.phase("select");
        d.select(static_cast<int>(k));
        RngStream r = m_rng.derive("probes" + std::to_string(k));
        for (const auto& pattern : m.patterns) {
            for (int rep = 0; rep < m_per_pattern && !ctx.stop_requested(); ++rep) {
                const HopfieldPattern probe =
                    m_corruption == "flip"
                        ? flip_bits(pattern, flips, r)
                        : mask_region(pattern,
                                      static_cast<int>(r.below(
                                          static_cast<std::uint64_t>(m_neurons - mask + 1))),
                                      mask);
                ctx.phase(phase); // one pass per recall: the phase's figures are per recall
                const HopfieldArrayDriver::Result res = d.recall(probe);
                ctx.phase("");
                ++m.probes;
                m.exact += res.state == pattern ? 1 : 0;
                m.converged += res.converged ? 1 : 0;
                m.cycles += res.cycle ? 1 : 0;
                m.overlap_sum += overlap(res.state, pattern);
                m.iteration_sum += res.iterations;
                m_ops += 2.0 * m_neurons * static_cast<double>(m_neurons) * res.iterations;
                ++m_done;
                ctx.progress(m_done, m_requested,
                             "memory " + std::to_string(k) + ", " + std::to_string(m.exact) + "/" +
                                 std::to_string(m.probes) + " exact");
            }
        }
    }
    ctx.phase("");
}

WorkloadTotals HopfieldRecallWorkload::totals() const {
    WorkloadTotals t;
    t.items = m_done;
    t.items_requested = m_requested;
    t.ops = m_ops;
    t.item_name = "recall";
    return t;
}

json HopfieldRecallWorkload::results() const {
    json j;
    j["component"] = m_component;
    j["neurons"] = m_neurons;
    j["corruption"] = m_corruption;
    j["flip_fraction"] = m_flip_fraction;
    j["mask_fraction"] = m_mask_fraction;
    j["probes_per_pattern"] = m_per_pattern;
    json mems = json::array();
    std::uint64_t probes = 0, exact = 0;
    double overlap_sum = 0;
    for (std::size_t k = 0; k < m_memories.size(); ++k) {
        const Memory& m = m_memories[k];
        const double n = static_cast<double>(m.probes);
        json e = {
            {"memory", k},
            {"phase", "recall_m" + std::to_string(k)},
            {"source", m.source},
            {"patterns", m.patterns.size()},
            {"load", static_cast<double>(m.patterns.size()) / m_neurons},
            {"probes", m.probes},
            {"exact_recall", m.probes ? json(static_cast<double>(m.exact) / n) : json(nullptr)},
            {"mean_overlap", m.probes ? json(m.overlap_sum / n) : json(nullptr)},
            {"mean_iterations", m.probes ? json(m.iteration_sum / n) : json(nullptr)},
            {"converged", m.probes ? json(static_cast<double>(m.converged) / n) : json(nullptr)},
            {"two_cycles", m.cycles},
            {"failed_writes", m.failed_writes}};
        if (!m.file.empty()) e["file"] = m.file;
        mems.push_back(e);
        probes += m.probes;
        exact += m.exact;
        overlap_sum += m.overlap_sum;
    }
    j["memories"] = mems;
    j["exact_recall"] =
        probes ? json(static_cast<double>(exact) / static_cast<double>(probes)) : json(nullptr);
    j["mean_overlap"] = probes ? json(overlap_sum / static_cast<double>(probes)) : json(nullptr);
    return j;
}

json HopfieldRecallWorkload::resolved_paths() const {
    json mems = m_memory_specs;
    for (std::size_t k = 0; k < m_memories.size() && k < mems.size(); ++k) {
        if (m_memories[k].source == "npy") mems[k]["file"] = absolute_path(m_memories[k].file);
        if (m_memories[k].source == "idx") mems[k]["images"] = absolute_path(m_memories[k].file);
    }
    return {{"memories", mems}};
}

std::string HopfieldRecallWorkload::summary() const {
    std::string s;
    for (std::size_t k = 0; k < m_memories.size(); ++k) {
        const Memory& m = m_memories[k];
        if (!m.probes) continue;
        char buf[200];
        std::snprintf(buf, sizeof buf,
                      "%smemory %zu: %zu patterns, exact recall %.1f%%, mean overlap %.3f, %.2f "
                      "iterations, %llu 2-cycles",
                      s.empty() ? "" : "\n  ", k, m.patterns.size(),
                      100.0 * static_cast<double>(m.exact) / static_cast<double>(m.probes),
                      m.overlap_sum / static_cast<double>(m.probes),
                      m.iteration_sum / static_cast<double>(m.probes),
                      static_cast<unsigned long long>(m.cycles));
        s += buf;
    }
    return s;
}

double HopfieldRecallWorkload::estimate_bytes(const Params& p, const PlatformInfo& platform) {
    // The array as the constructor finds it; none (or several) is reported when it is built.
    const ComponentInfo* hop = nullptr;
    if (!p.string("component").empty()) {
        hop = platform.find(p.string("component"));
    } else {
        int arrays = 0;
        for (const auto& c : platform.components)
            if (c.type == "hopfield_array" && ++arrays == 1) hop = &c;
        if (arrays != 1) return 0.0;
    }
    if (!hop || hop->type != "hopfield_array") return 0.0;
    const HopfieldSpec spec = HopfieldSpec::table().build(*hop->params);
    const double n = spec.neurons;
    // A pattern is a vector of one byte a neuron, plus the vector and its heap block.
    const double per_pattern = n + 40.0;

    const json& sets = p.raw("memories");
    if (!sets.is_array()) return 0.0;
    double held = 0.0, read_peak = 0.0, largest_set = 0.0;
    for (const json& set : sets) {
        if (!set.is_object()) continue;
        const std::string source = set.value("source", std::string("random"));
        const json count_json = set.value("count", json(0));
        const double count =
            count_json.is_number() ? std::clamp(count_json.get<double>(), 0.0, 65536.0) : 0.0;
        double patterns = 0.0;
        try {
            if (source == "random") {
                patterns = count;
            } else if (source == "npy") {
                const NpyInfo info = read_npy_header(
                    resolve_path(platform.config_dir, set.value("file", std::string())));
                if (info.shape.size() != 2) continue;
                const double rows = static_cast<double>(info.shape[0]);
                patterns = count > 0 ? std::min(count, rows) : rows;
                read_peak = std::max(read_peak, info.read_bytes());
            } else if (source == "idx") {
                const IdxShape s = idx_image_shape(
                    resolve_path(platform.config_dir, set.value("images", std::string())));
                const json offset = set.value("offset", json(0));
                const double available =
                    static_cast<double>(s.count) -
                    (offset.is_number() ? std::max(0.0, offset.get<double>()) : 0.0);
                patterns = std::max(0.0, std::min(count, available));
                // The images as floats while they are binarised.
                read_peak =
                    std::max(read_peak, patterns * static_cast<double>(s.height) * s.width * 5.0);
            }
        } catch (const InputError&) {
            continue; // unreadable: reported when the workload is built
        }
        // A set beyond the array's max_patterns is refused before it is made or read.
        patterns = std::min(patterns, static_cast<double>(spec.max_patterns));
        held += patterns * per_pattern;
        largest_set = std::max(largest_set, patterns);
    }
    // While a set is stored: its packed copy on the bus and the weights learned from it.
    const double store_peak = largest_set * std::ceil(n / 8.0) + n * n * 4.0;
    return held + std::max(read_peak, store_peak);
}

namespace {
const bool kRegistered = register_workload<HopfieldRecallWorkload>(
    "hopfield_recall",
    "store pattern sets in a Hopfield array's memories and recall them from corrupted probes",
    HopfieldRecallWorkload::estimate_bytes);
} // namespace

} // namespace neurotlm
