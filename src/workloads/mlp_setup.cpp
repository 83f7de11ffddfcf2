// Setting up an inference workload: weight duplication on the free tiles, the activation
// buffer's slots, and the dataset.
#include <algorithm>
#include <cmath>

#include "neurotlm/blocks/buffer/sram.h"
#include "neurotlm/core/error.h"
#include "neurotlm/workloads/dataset.h"
#include "neurotlm/workloads/mlp_inference.h"

namespace neurotlm {

void MlpInference::place_copies(const Params& p, const std::string& file) {
    const json& copies = p.raw("copies");
    const std::string ptr = p.pointer_of("copies");
    if (!copies.is_object())
        throw ConfigError(file, ptr, "an object of layer names and copy counts",
                          describe_json(copies));
    for (auto it = copies.begin(); it != copies.end(); ++it) {
        std::string key; // JSON pointer escaping: ~ as ~0, / as ~1
        for (char c : it.key())
            key += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
        const std::string where = ptr + "/" + key;
        std::size_t l = 0;
        while (l < m_net.layers.size() && m_net.layers[l].name != it.key())
            ++l;
        if (l == m_net.layers.size())
            throw ConfigError(file, where, "the name of a layer of " + m_net.name,
                              "\"" + it.key() + "\"");
        const Layer& L = m_net.layers[l];
        if (L.kind != LayerKind::conv2d)
            throw ConfigError(file, where,
                              "a convolution (copies read other output pixels at once; a " +
                                  std::string(to_string(L.kind)) + " layer reads one)",
                              it.key() + " is a " + to_string(L.kind) + " layer");
        const json& v = it.value();
        if (!v.is_number_integer() || v.get<std::int64_t>() < 1 ||
            v.get<std::int64_t>() > L.positions())
            throw ConfigError(file, where,
                              "a whole number of copies from 1 to the layer's " +
                                  std::to_string(L.positions()) + " output pixels",
                              describe_json(v));
        MatrixMap& map = m_map[l];
        const std::int64_t more = v.get<std::int64_t>() - 1;
        if (static_cast<double>(more) * static_cast<double>(map.blocks.size()) >
            static_cast<double>(m_mapper->free_tiles()))
            throw ConfigError(file, where,
                              "copies the free tiles can hold (" +
                                  std::to_string(m_mapper->free_tiles()) + " free, " +
                                  std::to_string(map.blocks.size()) + " per copy of " + it.key() +
                                  ")",
                              std::to_string(v.get<std::int64_t>()) + " copies");
        for (std::int64_t k = 0; k < more; ++k)
            m_mapper->place_copy(map);
    }
}

// Greedy: copies go to the convolution whose rounds of reads they cut the most per tile they
// take (a layer of P pixels in c copies reads in ceil(P / c) rounds; where one more copy cuts
// none, the next that helps is the one that brings it to ceil(P / c) - 1).
void MlpInference::duplicate_layers() {
    for (;;) {
        double best_gain = 0.0;
        std::size_t best = m_map.size();
        int best_more = 0;
        for (std::size_t l = 0; l < m_map.size(); ++l) {
            const MatrixMap& map = m_map[l];
            const int positions = m_net.layers[l].positions();
            const int c = map.copies();
            const int rounds = (positions + c - 1) / c;
            if (map.blocks.empty() || rounds <= 1) continue;
            // One more copy, or as many as take a round off when one does not.
            int next = c + 1;
            int saved = rounds - (positions + next - 1) / next;
            if (saved == 0) {
                next = (positions + rounds - 2) / (rounds - 1);
                saved = 1;
            }
            const std::size_t tiles = static_cast<std::size_t>(next - c) * map.blocks.size();
            if (tiles > m_mapper->free_tiles()) continue;
            const double gain = saved / static_cast<double>(tiles);
            if (gain > best_gain) {
                best_gain = gain;
                best = l;
                best_more = next - c;
            }
        }
        if (best == m_map.size()) return;
        for (int k = 0; k < best_more; ++k)
            m_mapper->place_copy(m_map[best]);
    }
}

// Each activation (the image, every layer's output) takes a slot of the buffer from when it is
// written until its last reader has read it; a slot is reused once free. A chain of layers
// needs two (ping-pong), a residual connection a third.
void MlpInference::plan_buffer_slots() {
    const std::size_t layers = m_net.layers.size();
    // last_use[t + 1]: the last layer reading tensor t (-1: the image); layers = classify.
    std::vector<std::size_t> last_use(layers + 1, 0);
    int widest = m_net.input_size();
    for (std::size_t l = 0; l < layers; ++l) {
        const Layer& L = m_net.layers[l];
        last_use[static_cast<std::size_t>(L.from + 1)] = l;
        if (L.kind == LayerKind::add) last_use[static_cast<std::size_t>(L.skip + 1)] = l;
        widest = std::max(widest, L.out_shape.size());
    }
    last_use[layers] = layers;
    m_buffer_slot_bytes = static_cast<std::uint64_t>(widest) * sizeof(float);
    m_slot.assign(layers + 1, 0);
    std::vector<int> holder; // per slot: the tensor in it (index into last_use), or -1
    for (std::size_t t = 0; t <= layers; ++t) {
        // Tensor t is written by layer t - 1 (the image first); slots whose tensor was last
        // read before that layer are free.
        std::size_t slot = holder.size();
        for (std::size_t k = 0; k < holder.size(); ++k)
            if (holder[k] < 0 || (t > 0 && last_use[static_cast<std::size_t>(holder[k])] < t - 1)) {
                slot = k;
                break;
            }
        if (slot == holder.size()) holder.push_back(-1);
        holder[slot] = static_cast<int>(t);
        m_slot[t] = static_cast<int>(slot);
    }
    m_slots = static_cast<int>(holder.size());
}

void MlpInference::load_dataset(const Params& p, const PlatformInfo& platform) {
    const std::string& file = platform.file;
    const std::string format = p.string("dataset.format");
    const auto limit = static_cast<std::size_t>(p.integer("dataset.limit"));
    const auto offset = static_cast<std::size_t>(p.integer("dataset.offset"));
    if (format == "random") {
        // Synthetic inputs of the network's input shape, no labels.
        for (const char* key : {"dataset.images", "dataset.labels", "dataset.offset",
                                "dataset.resize.height", "dataset.resize.width"})
            if (p.present(key))
                throw ConfigError(file, p.pointer_of(key),
                                  "no files, offset or resize with random images (they are made "
                                  "at the network's input shape)",
                                  std::string(key) + " given");
        if (limit == 0)
            throw ConfigError(file, p.pointer_of("dataset.limit"),
                              "the number of random images to make (at least 1)", "0");
        const Shape& in = m_net.input_shape;
        try {
            m_data = random_images(static_cast<int>(limit), in.channels, in.height, in.width,
                                   p.number("dataset.zero_fraction"),
                                   static_cast<std::uint64_t>(p.integer("dataset.seed")));
        } catch (const InputError& e) {
            throw ConfigError(file, p.pointer_of("dataset.limit"), "random images", e.what());
        }
        m_random_images = true;
        return;
    }
    const bool idx = format == "idx";
    // The defaults name Fashion-MNIST's IDX files: other formats name their own, labels
    // optional.
    if (!idx && !p.present("dataset.images"))
        throw ConfigError(file, p.pointer_of("dataset.images"),
                          "the .npy image array to read (dataset.format is " + format + ")",
                          "none");
    m_images = resolve_path(platform.config_dir, p.string("dataset.images"));
    m_labels = p.string("dataset.labels").empty() || (!idx && !p.present("dataset.labels"))
                   ? std::string()
                   : resolve_path(platform.config_dir, p.string("dataset.labels"));
    try {
        m_data = idx ? load_idx(m_images, m_labels, limit, offset)
                     : load_npy_images(m_images, m_labels, limit, offset);
    } catch (const DatasetError& e) {
        switch (e.part()) {
        case DatasetError::Part::images:
            throw ConfigError(file, p.pointer_of("dataset.images"),
                              idx ? "a readable IDX image file" : "a readable .npy image array",
                              e.what());
        case DatasetError::Part::labels:
            throw ConfigError(file, p.pointer_of("dataset.labels"),
                              idx ? "a readable IDX label file that matches the images"
                                  : "a readable .npy label array that matches the images",
                              e.what());
        case DatasetError::Part::offset:
            throw ConfigError(file, p.pointer_of("dataset.offset"),
                              "an offset below the number of images", e.what());
        }
        throw;
    }
}

void MlpInference::find_buffer(const Params& p, const PlatformInfo& platform) {
    const std::string& file = platform.file;
    // The activation buffer: each image is written into it, every layer reads its input from
    // it and writes its output back (ping-pong halves), so moving activations is booked there.
    const ComponentInfo* buffer = nullptr;
    const std::string buffer_name = p.string("buffer");
    if (buffer_name.empty()) {
        for (const auto& c : platform.components) {
            if (c.type != "buffer") continue;
            if (buffer)
                throw ConfigError(file, p.pointer_of("buffer"),
                                  "the name of the buffer to use (there are several)", "\"\"");
            buffer = &c;
        }
    } else {
        buffer = platform.find(buffer_name);
        if (!buffer || buffer->type != "buffer")
            throw ConfigError(file, p.pointer_of("buffer"), "a buffer component",
                              buffer ? buffer_name + " is a " + buffer->type
                                     : "\"" + buffer_name + "\"");
    }
    if (buffer) {
        if (!buffer->reachable)
            throw ConfigError(file, p.pointer_of("buffer"), "a buffer the controller can reach",
                              buffer->name + " is not connected to it");
        plan_buffer_slots();
        const std::uint64_t need = m_buffer_slot_bytes * static_cast<std::uint64_t>(m_slots);
        const SramSpec sram = SramSpec::table().build(*buffer->params);
        if (static_cast<double>(need) > sram.capacity_bytes)
            throw ConfigError(file, p.pointer_of("buffer"),
                              "a buffer of at least " + std::to_string(need) + " bytes (" +
                                  std::to_string(m_slots) +
                                  " activations held at once, each as wide as the widest, " +
                                  std::to_string(m_buffer_slot_bytes / sizeof(float)) +
                                  " float32 values)",
                              buffer->name + " holds " +
                                  std::to_string(static_cast<long long>(sram.capacity_bytes)));
        m_buffer = buffer->name;
    }
}

std::vector<const ComponentInfo*> MlpInference::find_tiles(const Params& p,
                                                           const PlatformInfo& platform) const {
    const std::string& file = platform.file;
    // The tiles.
    std::vector<const ComponentInfo*> tiles;
    const std::string group = p.string("tiles");
    if (group.empty()) {
        for (const auto& c : platform.components)
            if (c.type == "crossbar_tile") tiles.push_back(&c);
    } else {
        tiles = platform.group(group);
        if (tiles.empty())
            throw ConfigError(file, p.pointer_of("tiles"), "a crossbar_tile component or group",
                              "\"" + group + "\"");
    }
    if (tiles.empty())
        throw ConfigError(file, p.pointer_of("tiles"),
                          "a platform with crossbar_tile components to run the network on", "none");
    return tiles;
}

} // namespace neurotlm
