#include "neurotlm/workloads/semantic.h"

#include <cmath>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"

namespace neurotlm {

namespace {

constexpr const char* kFormat = "neurotlm-semantic-memory";
constexpr int kVersion = 1;

/// Cell k of n along a side of @p size: [floor(k size / n), floor((k + 1) size / n)).
int cell_edge(int k, int size, int n) {
    return static_cast<int>(static_cast<long long>(k) * size / n);
}

} // namespace

std::vector<float> pool_features(const Layer& layer, const float* y, int grid) {
    const Shape& s = layer.out_shape;
    if (grid < 1 || grid > s.height || grid > s.width)
        throw InputError("exit after " + layer.name + ": a grid of " + std::to_string(grid) +
                         " does not fit its " + std::to_string(s.height) + "x" +
                         std::to_string(s.width) + " output");
    std::vector<float> out;
    out.reserve(static_cast<std::size_t>(s.channels) * grid * grid);
    for (int c = 0; c < s.channels; ++c) {
        const float* plane = y + static_cast<std::size_t>(c) * s.height * s.width;
        for (int gy = 0; gy < grid; ++gy)
            for (int gx = 0; gx < grid; ++gx) {
                const int y0 = cell_edge(gy, s.height, grid),
                          y1 = cell_edge(gy + 1, s.height, grid);
                const int x0 = cell_edge(gx, s.width, grid), x1 = cell_edge(gx + 1, s.width, grid);
                double sum = 0.0;
                for (int yy = y0; yy < y1; ++yy)
                    for (int xx = x0; xx < x1; ++xx)
                        sum += plane[yy * s.width + xx];
                out.push_back(static_cast<float>(sum / ((y1 - y0) * (x1 - x0))));
            }
    }
    return out;
}

TernaryWord semantic_vector(const SemanticExit& exit, const float* pooled) {
    TernaryWord w(exit.bits());
    for (int j = 0; j < exit.bits(); ++j) {
        const double m = exit.mean[static_cast<std::size_t>(j)];
        const double band = exit.spec.delta * exit.sd[static_cast<std::size_t>(j)];
        const double v = pooled[j];
        w.set(j, v > m + band ? Trit::one : v < m - band ? Trit::zero : Trit::x);
    }
    return w;
}

SemanticMemory build_semantic_memory(const Network& net, const Dataset& train,
                                     const std::vector<ExitSpec>& specs) {
    SemanticMemory mem;
    mem.network = net.name;
    mem.classes = net.output_size();
    if (specs.empty()) throw InputError("no exit points to build semantic vectors for");
    if (train.labels.size() != static_cast<std::size_t>(train.count) || train.count == 0)
        throw InputError("the training images need one label each");
    if (train.image_size() != net.input_size())
        throw InputError("the images have " + std::to_string(train.image_size()) + " values; " +
                         net.name + " takes " + std::to_string(net.input_size()));
    for (const ExitSpec& spec : specs) {
        SemanticExit e;
        e.spec = spec;
        for (std::size_t l = 0; l < net.layers.size(); ++l)
            if (net.layers[l].name == spec.after) e.layer = static_cast<int>(l);
        if (e.layer < 0) throw InputError("no layer " + spec.after + " in " + net.name);
        for (const SemanticExit& other : mem.exits)
            if (other.layer == e.layer) throw InputError("two exits after " + spec.after);
        if (!(spec.delta >= 0.0) || !std::isfinite(spec.delta))
            throw InputError("exit after " + spec.after + ": delta must be a number >= 0");
        mem.exits.push_back(std::move(e));
    }
    // One pass: per exit the sums and squares of every pooled value, and per class its sums.
    const std::size_t classes = static_cast<std::size_t>(mem.classes);
    std::vector<std::vector<double>> sum(mem.exits.size()), square(mem.exits.size());
    std::vector<std::vector<std::vector<double>>> class_sum(mem.exits.size());
    std::vector<int> per_class(classes, 0);
    // Every image's pooled features, kept to measure the prototypes on them without a second
    // pass through the network.
    std::vector<std::vector<float>> pooled(mem.exits.size());
    for (int i = 0; i < train.count; ++i) {
        const int label = train.labels[static_cast<std::size_t>(i)];
        if (label < 0 || label >= mem.classes)
            throw InputError("label " + std::to_string(label) + " (image " + std::to_string(i) +
                             ") outside " + net.name + "'s " + std::to_string(mem.classes) +
                             " outputs");
        ++per_class[static_cast<std::size_t>(label)];
        const std::vector<std::vector<float>> outs = forward_layers(net, train.image(i));
        for (std::size_t k = 0; k < mem.exits.size(); ++k) {
            const SemanticExit& e = mem.exits[k];
            const Layer& L = net.layers[static_cast<std::size_t>(e.layer)];
            const std::vector<float> p =
                pool_features(L, outs[static_cast<std::size_t>(e.layer)].data(), e.spec.grid);
            if (sum[k].empty()) {
                sum[k].assign(p.size(), 0.0);
                square[k].assign(p.size(), 0.0);
                class_sum[k].assign(classes, std::vector<double>(p.size(), 0.0));
            }
            pooled[k].insert(pooled[k].end(), p.begin(), p.end());
            for (std::size_t j = 0; j < p.size(); ++j) {
                sum[k][j] += p[j];
                square[k][j] += static_cast<double>(p[j]) * p[j];
                class_sum[k][static_cast<std::size_t>(label)][j] += p[j];
            }
        }
    }
    for (std::size_t c = 0; c < classes; ++c)
        if (per_class[c] == 0)
            throw InputError("class " + std::to_string(c) +
                             " has no training images: no "
                             "prototype can be built for it");
    const double n = train.count;
    for (std::size_t k = 0; k < mem.exits.size(); ++k) {
        SemanticExit& e = mem.exits[k];
        e.class_images = per_class;
        for (std::size_t j = 0; j < sum[k].size(); ++j) {
            const double m = sum[k][j] / n;
            e.mean.push_back(static_cast<float>(m));
            e.sd.push_back(static_cast<float>(std::sqrt(std::max(0.0, square[k][j] / n - m * m))));
        }
        std::vector<float> centre(sum[k].size());
        for (std::size_t c = 0; c < classes; ++c) {
            for (std::size_t j = 0; j < centre.size(); ++j)
                centre[j] = static_cast<float>(class_sum[k][c][j] / per_class[c]);
            e.prototypes.push_back(semantic_vector(e, centre.data()));
        }
        int right = 0;
        double cared = 0.0;
        for (int i = 0; i < train.count; ++i) {
            const TernaryWord key =
                semantic_vector(e, pooled[k].data() + static_cast<std::size_t>(i) * e.mean.size());
            cared += key.cared();
            std::size_t best = 0;
            int best_d = hamming_distance(e.prototypes[0], key);
            for (std::size_t c = 1; c < classes; ++c)
                if (const int d = hamming_distance(e.prototypes[c], key); d < best_d) {
                    best_d = d;
                    best = c;
                }
            right += static_cast<int>(best) == train.labels[static_cast<std::size_t>(i)];
        }
        e.train_match = static_cast<double>(right) / n;
        e.mean_cared = cared / n;
    }
    return mem;
}

void save_semantic_memory(const SemanticMemory& memory, const std::string& path) {
    nlohmann::ordered_json doc = {{"format", kFormat},
                                  {"version", kVersion},
                                  {"network", memory.network},
                                  {"classes", memory.classes},
                                  {"exits", nlohmann::ordered_json::array()}};
    for (const SemanticExit& e : memory.exits) {
        nlohmann::ordered_json x = {{"after", e.spec.after},
                                    {"grid", e.spec.grid},
                                    {"delta", e.spec.delta},
                                    {"bits", e.bits()},
                                    {"class_images", e.class_images},
                                    {"train_match", e.train_match},
                                    {"mean_cared_bits", e.mean_cared},
                                    {"mean", e.mean},
                                    {"sd", e.sd},
                                    {"prototypes", nlohmann::ordered_json::array()}};
        for (const TernaryWord& w : e.prototypes)
            x["prototypes"].push_back(w.str());
        doc["exits"].push_back(std::move(x));
    }
    write_file_atomic(path, dump_json(doc, 1) + "\n");
}

SemanticMemory load_semantic_memory(const std::string& path, const Network& net) {
    const json doc = parse_json_text(
        read_input_file(path, std::uint64_t{64} << 20, "the semantic memory"), path);
    auto need = [&](const json& j, const char* key, const std::string& where) -> const json& {
        if (!j.is_object() || !j.contains(key))
            throw ConfigError(path, where + "/" + key, std::string("a value for ") + key, "none");
        return j.at(key);
    };
    if (need(doc, "format", "") != kFormat || need(doc, "version", "") != kVersion)
        throw ConfigError(path, "/format",
                          std::string(kFormat) + " version " + std::to_string(kVersion),
                          describe_json(doc.value("format", json())));
    SemanticMemory mem;
    mem.network = need(doc, "network", "").is_string() ? doc["network"].get<std::string>() : "";
    const json& classes = need(doc, "classes", "");
    if (!classes.is_number_integer() || classes.get<int>() != net.output_size())
        throw ConfigError(path, "/classes",
                          std::to_string(net.output_size()) + " (" + net.name + "'s outputs)",
                          describe_json(classes));
    mem.classes = classes.get<int>();
    const json& exits = need(doc, "exits", "");
    if (!exits.is_array() || exits.empty())
        throw ConfigError(path, "/exits", "a non-empty array of exits", describe_json(exits));
    for (std::size_t k = 0; k < exits.size(); ++k) {
        const std::string where = "/exits/" + std::to_string(k);
        const json& x = exits[k];
        SemanticExit e;
        const json& after = need(x, "after", where);
        for (std::size_t l = 0; l < net.layers.size(); ++l)
            if (after.is_string() && net.layers[l].name == after.get<std::string>())
                e.layer = static_cast<int>(l);
        if (e.layer < 0)
            throw ConfigError(path, where + "/after", "a layer of " + net.name,
                              describe_json(after));
        e.spec.after = after.get<std::string>();
        const json& grid = need(x, "grid", where);
        const json& delta = need(x, "delta", where);
        if (!grid.is_number_integer() || grid.get<int>() < 1)
            throw ConfigError(path, where + "/grid", "an integer >= 1", describe_json(grid));
        if (!delta.is_number() || !(delta.get<double>() >= 0.0))
            throw ConfigError(path, where + "/delta", "a number >= 0", describe_json(delta));
        e.spec.grid = grid.get<int>();
        e.spec.delta = delta.get<double>();
        const Layer& L = net.layers[static_cast<std::size_t>(e.layer)];
        const std::size_t bits =
            static_cast<std::size_t>(L.out_shape.channels) * e.spec.grid * e.spec.grid;
        for (const char* key : {"mean", "sd"}) {
            const json& v = need(x, key, where);
            std::vector<float>& dst = key[0] == 'm' ? e.mean : e.sd;
            if (!v.is_array() || v.size() != bits)
                throw ConfigError(path, where + "/" + key,
                                  std::to_string(bits) + " numbers (" + L.name + "'s " +
                                      std::to_string(L.out_shape.channels) + " channels x " +
                                      std::to_string(e.spec.grid * e.spec.grid) + " cells)",
                                  describe_json(v));
            for (std::size_t j = 0; j < bits; ++j) {
                if (!v[j].is_number() || !std::isfinite(v[j].get<double>()))
                    throw ConfigError(path, where + "/" + key + "/" + std::to_string(j),
                                      "a finite number", describe_json(v[j]));
                dst.push_back(v[j].get<float>());
            }
        }
        const json& protos = need(x, "prototypes", where);
        if (!protos.is_array() || protos.size() != static_cast<std::size_t>(mem.classes))
            throw ConfigError(path, where + "/prototypes",
                              std::to_string(mem.classes) + " prototypes, one per class",
                              describe_json(protos));
        for (std::size_t c = 0; c < protos.size(); ++c) {
            const std::string at = where + "/prototypes/" + std::to_string(c);
            if (!protos[c].is_string())
                throw ConfigError(path, at, "a string of 0, 1 and X", describe_json(protos[c]));
            try {
                e.prototypes.push_back(TernaryWord::parse(protos[c].get<std::string>()));
            } catch (const InputError& err) {
                throw ConfigError(path, at, "a string of 0, 1 and X", err.what());
            }
            if (e.prototypes.back().bits != static_cast<int>(bits))
                throw ConfigError(path, at, std::to_string(bits) + " bits",
                                  std::to_string(e.prototypes.back().bits));
        }
        if (x.contains("train_match") && x["train_match"].is_number())
            e.train_match = x["train_match"].get<double>();
        if (x.contains("mean_cared_bits") && x["mean_cared_bits"].is_number())
            e.mean_cared = x["mean_cared_bits"].get<double>();
        if (x.contains("class_images") && x["class_images"].is_array())
            for (const json& n : x["class_images"])
                e.class_images.push_back(n.is_number_integer() ? n.get<int>() : 0);
        mem.exits.push_back(std::move(e));
    }
    return mem;
}

} // namespace neurotlm
