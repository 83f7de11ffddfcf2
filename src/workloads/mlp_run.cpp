// Running an inference workload: the drivers of the tiles and the buffer, programming the
// weights, and each image through the layers (digital and analog-chain paths, reads ahead).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "neurotlm/blocks/buffer/buffer_driver.h"
#include "neurotlm/blocks/cam/cam_driver.h"
#include "neurotlm/blocks/crossbar/crossbar.h"
#include "neurotlm/blocks/crossbar/tile_driver.h"
#include "neurotlm/blocks/crossbar/tile_widths.h"
#include "neurotlm/blocks/neuron_bank/neuron_bank_driver.h"
#include "neurotlm/workloads/mlp_inference.h"

namespace neurotlm {

/// The drivers of one run: a tile driver per block of every layer, and the buffer's.
struct MlpInference::Drivers {
    std::vector<std::vector<CrossbarTileDriver>> tiles; ///< [layer][block]
    std::vector<std::vector<NeuronBankDriver>> banks;   ///< analog chain: [layer][column block]
    std::unique_ptr<BufferDriver> buffer;
    std::vector<std::unique_ptr<CamDriver>> cams; ///< one per early exit
    /// [layer][copy][group]: the blocks of one copy that share one slice of the input (same
    /// rows), which a multicast feeds at once. tiles[layer] holds the copies one after another.
    std::vector<std::vector<std::vector<std::vector<CrossbarTileDriver*>>>> groups;
    /// [layer]: hardware bits of the layer's input activations and of a tile's partial sum
    /// (tile_widths.h; the widest tile of the layer). A layer without tiles carries the
    /// activations at the width of the next weighted layer's inputs (the last one's sums after
    /// the last).
    std::vector<int> in_bits, out_bits;
    /// [tensor + 1]: the width the image (-1) and each layer's output are held at in the
    /// buffer: the widest of their readers' (classify reads the last at out_bits.back()).
    std::vector<int> tensor_bits;
    /// Scratch of one image: every layer's output, and a layer's tile inputs.
    std::vector<std::vector<float>> acts;
    std::vector<float> image, xb, part, ahead_in, ahead_out;
    /// Activations as float32 elements of their hardware width.
    static ElementWidth width(int bits) { return {sizeof(float), static_cast<unsigned>(bits)}; }
    /// The widths and multicast groups of every layer's tiles, once the tiles have drivers.
    void plan(RunContext& ctx, const std::vector<MatrixMap>& map);
};

void MlpInference::Drivers::plan(RunContext& ctx, const std::vector<MatrixMap>& map) {
    for (std::size_t l = 0; l < map.size(); ++l) {
        int in = 0, out = 0;
        const std::size_t blocks = map[l].blocks.size();
        for (CrossbarTileDriver& t : tiles[l]) {
            const CrossbarSpec spec = CrossbarSpec::table().build(*ctx.component(t.name())->params);
            t.set_element_bits(tile_input_bits(spec), tile_output_bits(spec));
            in = std::max(in, tile_input_bits(spec));
            out = std::max(out, tile_output_bits(spec));
        }
        groups.emplace_back(static_cast<std::size_t>(map[l].copies()));
        for (std::size_t r = 0; r < groups[l].size(); ++r) {
            std::vector<int> group_row0;
            for (std::size_t k = 0; k < blocks; ++k) {
                CrossbarTileDriver* t = &tiles[l][r * blocks + k];
                const int row0 = map[l].blocks[k].row0;
                const auto it = std::find(group_row0.begin(), group_row0.end(), row0);
                if (it == group_row0.end()) {
                    group_row0.push_back(row0);
                    groups[l][r].push_back({t});
                } else {
                    groups[l][r][static_cast<std::size_t>(it - group_row0.begin())].push_back(t);
                }
            }
        }
        in_bits.push_back(in);
        out_bits.push_back(out);
    }
    // Layers without tiles: the width of what reads their output next.
    int next_in = 1, last_out = 1;
    for (std::size_t l = map.size(); l-- > 0;)
        if (out_bits[l] > 0) {
            last_out = out_bits[l];
            break;
        }
    next_in = last_out;
    for (std::size_t l = map.size(); l-- > 0;) {
        if (in_bits[l] > 0) {
            next_in = in_bits[l];
        } else {
            in_bits[l] = next_in;
            out_bits[l] = next_in;
        }
    }
    out_bits.push_back(last_out); // classify reads the last layer's output at this width
}

void MlpInference::program_tiles(RunContext& ctx, Drivers& d) {
    d.tiles.resize(m_map.size());
    for (std::size_t l = 0; l < m_map.size(); ++l) {
        d.tiles[l].reserve(m_map[l].blocks.size() + m_map[l].copy_tiles.size());
        for (const auto& b : m_map[l].blocks)
            d.tiles[l].emplace_back(ctx.bus(), ctx.component(b.tile)->address, b.tile);
        for (const auto& name : m_map[l].copy_tiles)
            d.tiles[l].emplace_back(ctx.bus(), ctx.component(name)->address, name);
    }
    d.plan(ctx, m_map);
    d.tensor_bits.assign(m_net.layers.size() + 1, 1);
    for (std::size_t l = 0; l < m_net.layers.size(); ++l) {
        const Layer& L = m_net.layers[l];
        int& from = d.tensor_bits[static_cast<std::size_t>(L.from + 1)];
        from = std::max(from, d.in_bits[l]);
        if (L.kind == LayerKind::add) {
            int& skip = d.tensor_bits[static_cast<std::size_t>(L.skip + 1)];
            skip = std::max(skip, d.in_bits[l]);
        }
    }
    d.tensor_bits.back() = std::max(d.tensor_bits.back(), d.out_bits.back());
    ctx.phase("program");
    for (std::size_t l = 0; l < m_map.size(); ++l) {
        const MatrixMap& lm = m_map[l];
        for (std::size_t k = 0; k < d.tiles[l].size(); ++k) {
            const TileBlock& b = lm.blocks[k % lm.blocks.size()]; // copies hold the same
            CrossbarTileDriver& t = d.tiles[l][k];
            t.probe();
            t.program(b.weights.data(), b.rows, b.cols, lm.w_max);
            t.set_input_range(lm.x_max);
            t.set_output_range(b.y_max);
        }
    }
    // A chain's readout gains are set with the weights: they belong to the mapping.
    d.banks.resize(m_chain.size());
    for (std::size_t l = 0; l < m_chain.size(); ++l)
        for (const ChainBank& bank : m_chain[l].banks) {
            d.banks[l].emplace_back(ctx.bus(), ctx.component(bank.name)->address, bank.name);
            NeuronBankDriver& b = d.banks[l].back();
            b.probe();
            if (bank.gain > 0.0) b.set_gain(static_cast<float>(bank.gain));
        }
    if (!m_buffer.empty()) {
        d.buffer =
            std::make_unique<BufferDriver>(ctx.bus(), ctx.component(m_buffer)->address, m_buffer);
        d.buffer->probe();
    }
    // Each exit's CAM holds one prototype per class, word c for class c.
    if (m_exits) {
        for (std::size_t k = 0; k < m_exits->cams.size(); ++k) {
            const std::string& name = m_exits->cams[k];
            d.cams.push_back(
                std::make_unique<CamDriver>(ctx.bus(), ctx.component(name)->address, name));
            d.cams.back()->probe();
            const SemanticExit& e = m_exits->memory.exits[k];
            for (std::size_t c = 0; c < e.prototypes.size(); ++c)
                d.cams.back()->write(static_cast<int>(c),
                                     e.prototypes[c].widened(m_exits->cam_bits[k]));
            m_exits->leakage_cams_W += ctx.leakage_power_W(name);
        }
        m_exits->leakage_total_W = ctx.leakage_power_W();
    }
    d.acts.resize(m_net.layers.size());
    d.part.resize(static_cast<std::size_t>(m_mapper->tile_cols()));
}

void MlpInference::digital_layer(RunContext* ctx, std::size_t l, const float* x, const float* skip,
                                 std::vector<float>& y) const {
    const Layer& L = m_net.layers[l];
    const std::uint64_t n = static_cast<std::uint64_t>(L.out_shape.size());
    const std::uint64_t window = static_cast<std::uint64_t>(L.kernel_h) * L.kernel_w;
    switch (L.kind) {
    case LayerKind::dense:
    case LayerKind::conv2d: break; // y holds the sums
    case LayerKind::maxpool:
    case LayerKind::avgpool:
        y.resize(n);
        pool_forward(L, x, y.data());
        if (ctx)
            ctx->digital(L.kind == LayerKind::maxpool ? DigitalOp::pool_compare
                                                      : DigitalOp::pool_add,
                         n * (window - 1));
        break;
    case LayerKind::add:
        y.assign(x, x + n);
        for (std::size_t i = 0; i < y.size(); ++i)
            y[i] += skip[i];
        if (ctx) ctx->digital(DigitalOp::accumulate, n);
        break;
    }
    if (L.activation == Activation::none) return;
    for (auto& v : y)
        v = activate(L.activation, v);
    // A ReLU or a ternary threshold is a comparison; sigmoid-like curves need the controller's
    // nonlinear unit.
    if (ctx)
        ctx->digital(L.activation == Activation::relu || L.activation == Activation::ternary
                         ? DigitalOp::activation
                         : DigitalOp::nonlinear,
                     n);
}

void MlpInference::look_ahead(Drivers& d, int first, int count) const {
    // Every layer's outputs for the batch, computed from the reads ahead exactly as infer()
    // computes them from the reads it collects (partial sums in block order).
    const std::size_t n = static_cast<std::size_t>(count);
    const std::size_t layers = m_net.layers.size();
    std::vector<std::vector<float>> outs(layers);
    std::vector<float> in, part, xb;
    auto tensor = [&](int t, std::size_t b) -> const float* {
        if (t < 0) return m_data.image(first + static_cast<int>(b));
        const std::size_t size =
            static_cast<std::size_t>(m_net.layers[static_cast<std::size_t>(t)].out_shape.size());
        return outs[static_cast<std::size_t>(t)].data() + b * size;
    };
    for (std::size_t l = 0; l < layers; ++l) {
        const Layer& L = m_net.layers[l];
        const std::size_t size = static_cast<std::size_t>(L.out_shape.size());
        std::vector<float>& y = outs[l];
        y.assign(n * size, 0.0f);
        if (!L.weighted()) {
            std::vector<float> one;
            for (std::size_t b = 0; b < n; ++b) {
                digital_layer(nullptr, l, tensor(L.from, b),
                              L.kind == LayerKind::add ? tensor(L.skip, b) : nullptr, one);
                std::copy(one.begin(), one.end(), y.begin() + b * size);
            }
            continue;
        }
        const MatrixMap& lm = m_map[l];
        const std::size_t positions = static_cast<std::size_t>(L.positions());
        const std::size_t reads = n * positions; // in infer()'s order: image, then position
        for (std::size_t k = 0; k < lm.blocks.size(); ++k) {
            const TileBlock& blk = lm.blocks[k];
            const std::size_t rows = static_cast<std::size_t>(blk.rows);
            const std::size_t cols = static_cast<std::size_t>(blk.cols);
            in.resize(reads * rows);
            for (std::size_t b = 0; b < n; ++b)
                for (std::size_t pos = 0; pos < positions; ++pos) {
                    xb.resize(static_cast<std::size_t>(matrix_rows(l)));
                    layer_input(l, tensor(L.from, b), static_cast<int>(pos), xb.data());
                    std::copy_n(xb.begin() + blk.row0, rows,
                                in.begin() + (b * positions + pos) * rows);
                }
            part.resize(reads * cols);
            if (!d.tiles[l][k].look_ahead(in.data(), static_cast<int>(reads), blk.rows, part.data(),
                                          blk.cols))
                return;
            for (std::size_t r = 0; r < reads; ++r) {
                float* out = y.data() + (r / positions) * size + r % positions;
                for (std::size_t c = 0; c < cols; ++c)
                    out[(static_cast<std::size_t>(blk.col0) + c) * positions] += part[r * cols + c];
            }
        }
        if (L.activation != Activation::none)
            for (auto& v : y)
                v = activate(L.activation, v);
    }
}

int MlpInference::infer(RunContext& ctx, Drivers& d, int image) {
    // Activations live in the buffer (plan_buffer_slots()): a layer reads its inputs from their
    // slots and writes its output to its own, at the width of the layer that reads it.
    const std::size_t layers = m_net.layers.size();
    auto tensor = [&](int t) -> std::vector<float>& {
        return t < 0 ? d.image : d.acts[static_cast<std::size_t>(t)];
    };
    auto address = [&](int t) {
        return static_cast<std::uint64_t>(m_slot[static_cast<std::size_t>(t + 1)]) *
               m_buffer_slot_bytes;
    };
    auto width = [&](int t) {
        return Drivers::width(d.tensor_bits[static_cast<std::size_t>(t + 1)]);
    };
    auto stash = [&](int t) {
        if (d.buffer)
            d.buffer->write(address(t), tensor(t).data(), tensor(t).size() * sizeof(float),
                            width(t));
    };
    auto fetch = [&](int t) {
        if (d.buffer)
            d.buffer->read(address(t), tensor(t).data(), tensor(t).size() * sizeof(float),
                           width(t));
    };
    d.image.assign(m_data.image(image), m_data.image(image) + m_data.image_size());
    // With early exits every image's segments (between exits) and exits are priced as they
    // run: dynamic energy and time, measured.
    ExitRecord* rec = nullptr;
    double mark_J = 0.0, mark_s = 0.0;
    std::size_t segment = 0;
    auto close = [&](std::vector<double>& J, std::vector<double>& s, std::size_t k) {
        const double e = ctx.dynamic_energy_J(), t = ctx.now_s();
        J[k] = e - mark_J;
        s[k] = t - mark_s;
        mark_J = e;
        mark_s = t;
    };
    if (m_exits) {
        const std::size_t n = m_exits->memory.exits.size();
        ExitRecord r;
        r.label = m_data.labels.empty() ? -1 : m_data.labels[static_cast<std::size_t>(image)];
        r.reached.assign(n, 0);
        r.cam_J.assign(n, 0.0);
        r.cam_s.assign(n, 0.0);
        r.best.assign(n, -1);
        r.best_distance.assign(n, -1);
        r.second_distance.assign(n, -1);
        r.exit_J.assign(n, 0.0);
        r.exit_s.assign(n, 0.0);
        r.segment_J.assign(n + 1, 0.0);
        r.segment_s.assign(n + 1, 0.0);
        m_exit_records.push_back(std::move(r));
        rec = &m_exit_records.back();
        mark_J = ctx.dynamic_energy_J();
        mark_s = ctx.now_s();
    }
    for (std::size_t l = 0; l < layers; ++l) {
        const Layer& L = m_net.layers[l];
        ctx.phase(L.name);
        if (l == 0) stash(-1);
        fetch(L.from);
        if (L.kind == LayerKind::add) fetch(L.skip);
        std::vector<float>& y = d.acts[l];
        if (L.weighted()) {
            const MatrixMap& lm = m_map[l];
            const int positions = L.positions();
            const std::vector<float>& x = tensor(L.from);
            y.assign(static_cast<std::size_t>(L.out_shape.size()), 0.0f);
            const std::size_t rows = static_cast<std::size_t>(matrix_rows(l));
            const std::size_t blocks = lm.blocks.size();
            // With copies of the layer's weights, copy r reads pixel i + r of each round of
            // `copies` pixels, all copies at once; a chunk holds whole rounds.
            const int copies = lm.copies();
            const int chunk_size = copies * ((kPositionChunk + copies - 1) / copies);
            for (int pos0 = 0; pos0 < positions; pos0 += chunk_size) {
                const int chunk = std::min(chunk_size, positions - pos0);
                d.xb.resize(static_cast<std::size_t>(chunk) * rows);
                for (int i = 0; i < chunk; ++i)
                    layer_input(l, x.data(), pos0 + i, d.xb.data() + i * rows);
                // A convolution's patches are known before its reads: offered to each tile
                // ahead, a chunk at a time, they are computed together (bit for bit as one by
                // one; a tile that cannot simply declines).
                if (chunk > copies && m_batch > 1)
                    for (int r = 0; r < copies; ++r)
                        for (std::size_t k = 0; k < blocks; ++k) {
                            const TileBlock& b = lm.blocks[k];
                            const std::size_t br = static_cast<std::size_t>(b.rows);
                            d.ahead_in.clear();
                            int n = 0;
                            for (int i = r; i < chunk; i += copies, ++n)
                                d.ahead_in.insert(d.ahead_in.end(),
                                                  d.xb.begin() + i * rows + b.row0,
                                                  d.xb.begin() + i * rows + b.row0 + br);
                            d.ahead_out.resize(static_cast<std::size_t>(n) * b.cols);
                            d.tiles[l][static_cast<std::size_t>(r) * blocks + k].look_ahead(
                                d.ahead_in.data(), n, b.rows, d.ahead_out.data(), b.cols);
                        }
                for (int i = 0; i < chunk; i += copies) {
                    const int round = std::min(copies, chunk - i);
                    // Start every tile of the layer (of every copy), then collect: the tiles
                    // work in parallel. Tiles that share a slice of the input get it in one
                    // multicast.
                    for (int r = 0; r < round; ++r) {
                        const float* xb = d.xb.data() + (i + r) * rows;
                        for (const auto& group : d.groups[l][static_cast<std::size_t>(r)]) {
                            const std::size_t k =
                                static_cast<std::size_t>(group.front() - &d.tiles[l][0]) % blocks;
                            CrossbarTileDriver::start_mvm(ctx.bus(), group, xb + lm.blocks[k].row0,
                                                          lm.blocks[k].rows);
                        }
                    }
                    for (int r = 0; r < round; ++r) {
                        float* out = y.data() + pos0 + i + r;
                        for (std::size_t k = 0; k < blocks; ++k) {
                            const TileBlock& b = lm.blocks[k];
                            d.tiles[l][static_cast<std::size_t>(r) * blocks + k].collect(
                                d.part.data(), b.cols);
                            for (int c = 0; c < b.cols; ++c)
                                out[static_cast<std::size_t>(b.col0 + c) * positions] +=
                                    d.part[static_cast<std::size_t>(c)];
                        }
                    }
                }
            }
            ctx.digital(DigitalOp::accumulate, static_cast<std::uint64_t>(lm.row_blocks - 1) *
                                                   static_cast<std::uint64_t>(L.outputs) *
                                                   static_cast<std::uint64_t>(positions));
        }
        digital_layer(&ctx, l, tensor(L.from).data(),
                      L.kind == LayerKind::add ? tensor(L.skip).data() : nullptr, y);
        stash(static_cast<int>(l));
        if (rec && m_exits->exit_at[l] >= 0) {
            const std::size_t k = static_cast<std::size_t>(m_exits->exit_at[l]);
            close(rec->segment_J, rec->segment_s, segment++);
            ctx.phase(L.name + "_exit");
            fetch(static_cast<int>(l)); // the features, from the buffer
            search_exit(ctx, d, k, y, *rec);
            close(rec->exit_J, rec->exit_s, k);
            if (m_exits->stop && exit_decides(*rec, k, m_exits->threshold[k])) {
                if (image < m_record) m_outputs.emplace_back(); // left before the last layer
                ctx.phase("");
                return rec->best[k];
            }
        }
    }
    ctx.phase("classify");
    const int last = static_cast<int>(layers) - 1;
    fetch(last);
    const std::vector<float>& x = tensor(last);
    if (image < m_record) m_outputs.push_back(x);
    const int predicted = argmax(x.data(), static_cast<int>(x.size()));
    ctx.digital(DigitalOp::compare, x.size() > 0 ? x.size() - 1 : 0);
    ctx.phase("");
    if (rec) {
        close(rec->segment_J, rec->segment_s, segment);
        rec->final_class = predicted;
    }
    return predicted;
}

void MlpInference::search_exit(RunContext& ctx, Drivers& d, std::size_t k,
                               const std::vector<float>& y, ExitRecord& r) {
    const SemanticExit& e = m_exits->memory.exits[k];
    const Layer& L = m_net.layers[static_cast<std::size_t>(e.layer)];
    // Pooling: every feature added into its cell's sum (the division by a cell's constant
    // size folds into the quantisation thresholds); quantisation: two comparisons per value.
    const std::vector<float> pooled = pool_features(L, y.data(), e.spec.grid);
    ctx.digital(DigitalOp::pool_add, static_cast<std::uint64_t>(L.out_shape.size()));
    ctx.digital(DigitalOp::compare, 2 * static_cast<std::uint64_t>(pooled.size()));
    // Bits beyond the vector (a wider CAM) are don't-care.
    const TernaryWord key = semantic_vector(e, pooled.data()).widened(m_exits->cam_bits[k]);
    CamQuery q;
    q.mode = CamMode::top2;
    q.margin = m_exits->threshold[k];
    const std::string& cam = m_exits->cams[k];
    const double cam_J0 = ctx.component_energy_J(cam), cam_s0 = ctx.now_s();
    const CamDriver::Result res = d.cams[k]->search(key, q, CamDriver::kResultOnly);
    r.cam_J[k] = ctx.component_energy_J(cam) - cam_J0;
    r.cam_s[k] = ctx.now_s() - cam_s0;
    r.reached[k] = 1;
    // The distance rule compares the best distance with its threshold at the controller.
    if (!m_exits->margin_rule) ctx.digital(DigitalOp::compare, 1);
    r.best[k] = res.found ? res.best : -1;
    r.best_distance[k] = res.best_distance;
    r.second_distance[k] = res.second_distance;
    if (res.sense_errors > 0) ++m_exit_sense_errors[k];
}

int MlpInference::infer_chain(RunContext& ctx, Drivers& d, int image) {
    // The controller writes the first layer's inputs (and its bias row) and starts its tiles;
    // from there the currents and voltages travel on the links, and reading the last banks'
    // outputs waits for the whole chain.
    std::vector<float> x(m_data.image(image), m_data.image(image) + m_data.image_size());
    ctx.phase("analog_chain");
    if (d.buffer) {
        d.buffer->write(0, x.data(), x.size() * sizeof(float), Drivers::width(d.in_bits[0]));
        d.buffer->read(0, x.data(), x.size() * sizeof(float), Drivers::width(d.in_bits[0]));
    }
    const MatrixMap& first = m_map.front();
    x.push_back(first.x_max);
    for (const auto& group : d.groups[0][0]) {
        const TileBlock& b = first.blocks[static_cast<std::size_t>(group.front() - &d.tiles[0][0])];
        CrossbarTileDriver::start_mvm(ctx.bus(), group, x.data() + b.row0, b.rows);
    }
    std::vector<float> y(static_cast<std::size_t>(m_net.output_size()), 0.0f);
    const ChainLayer& last = m_chain.back();
    for (std::size_t k = 0; k < last.banks.size(); ++k) {
        const std::vector<float> v = d.banks.back()[k].read_outputs();
        std::copy_n(v.begin(), last.banks[k].cols, y.begin() + last.banks[k].col0);
    }
    if (image < m_record) m_outputs.push_back(y);
    ctx.phase("classify");
    const int predicted = argmax(y.data(), static_cast<int>(y.size()));
    ctx.digital(DigitalOp::compare, y.size() > 0 ? y.size() - 1 : 0);
    ctx.phase("");
    return predicted;
}

void MlpInference::run(RunContext& ctx) {
    Drivers drivers;
    program_tiles(ctx, drivers);
    const std::uint64_t total = static_cast<std::uint64_t>(m_run_count);
    for (int i = 0; i < m_run_count; ++i) {
        if (ctx.stop_requested()) break;
        if (m_batch > 1 && !m_chain_mode && !m_convolutions && i % m_batch == 0)
            look_ahead(drivers, i, std::min(m_batch, m_run_count - i));
        const int predicted = m_chain_mode ? infer_chain(ctx, drivers, i) : infer(ctx, drivers, i);
        m_macs_run += m_exits && m_exits->stop
                          ? exit_outcome(m_exit_records.back(), m_exits->threshold).macs
                          : m_macs_per_image;
        int sw = -1;
        if (m_software) {
            const std::vector<float> ref = forward(m_net, m_data.image(i));
            sw = argmax(ref.data(), static_cast<int>(ref.size()));
            if (sw == predicted) ++m_agree;
        }
        if (!m_data.labels.empty()) {
            const int label = m_data.labels[static_cast<std::size_t>(i)];
            if (predicted == label) ++m_correct;
            if (sw == label) ++m_sw_correct;
            ++m_confusion[static_cast<std::size_t>(label) * static_cast<std::size_t>(m_classes) +
                          static_cast<std::size_t>(predicted)];
        }
        ++m_done;
        // Every item: the listener decides how often to show it (core of a progress line that
        // can say when the first item is done and keep its rate current).
        {
            char status[96];
            if (!m_data.labels.empty())
                std::snprintf(status, sizeof status, "accuracy %.2f%%",
                              100.0 * static_cast<double>(m_correct) / static_cast<double>(m_done));
            else
                status[0] = '\0';
            ctx.progress(m_done, total, status);
        }
    }
}

} // namespace neurotlm
