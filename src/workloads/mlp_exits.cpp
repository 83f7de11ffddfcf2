// Early exits of an inference workload: the plan from "exits.*", the search at each exit, and
// the figures of the dynamic network (at the configured thresholds, per class, and swept).
#include <algorithm>
#include <cmath>

#include "neurotlm/core/error.h"
#include "neurotlm/workloads/mlp_inference.h"

namespace neurotlm {

namespace {

/// @p a / @p b, or null JSON when there is nothing to divide by (a mean of no images).
json ratio_or_null(double a, double b) {
    return b > 0.0 && std::isfinite(a) ? json(a / b) : json(nullptr);
}

} // namespace

void MlpInference::plan_exits(const Params& p, const PlatformInfo& platform) {
    const std::string& file = platform.file;
    const std::string memory = p.string("exits.memory");
    if (memory.empty()) {
        // Set to something other than its default (an effective configuration writes them all).
        const ParamTable table = param_table();
        for (const char* key :
             {"exits.cams", "exits.rule", "exits.threshold", "exits.stop", "exits.sweep"})
            if (p.present(key) && p.raw(key) != table.find(key)->default_value)
                m_warnings.push_back(std::string(key) + " is set but exits.memory is empty: the " +
                                     "network runs without early exits");
        return;
    }
    const std::string mem_ptr = p.pointer_of("exits.memory");
    if (m_chain_mode)
        throw ConfigError(file, mem_ptr,
                          "no early exits on an analog chain (its activations never reach the "
                          "controller to be pooled and searched)",
                          memory);
    auto plan = std::make_unique<ExitPlan>();
    plan->memory_path = resolve_path(platform.config_dir, memory);
    try {
        plan->memory = load_semantic_memory(plan->memory_path, m_net);
    } catch (const ConfigError&) {
        throw; // at its key in the memory file
    } catch (const InputError& e) {
        throw ConfigError(file, mem_ptr,
                          "a readable semantic memory of " + m_net.name + " (neurotlm prototypes)",
                          e.what());
    }
    // The file's exits in its own order (the order the CAM and threshold lists follow).
    const std::vector<SemanticExit>& exits = plan->memory.exits;
    if (exits.empty())
        throw ConfigError(file, mem_ptr, "a semantic memory with exits",
                          plan->memory_path + " has none");
    const std::size_t n = exits.size();
    const int last = static_cast<int>(m_net.layers.size()) - 1;
    for (std::size_t k = 0; k < n; ++k) {
        const SemanticExit& e = exits[k];
        const std::string where = plan->memory_path + " (its exit after " + e.spec.after + ")";
        for (std::size_t j = 0; j < k; ++j)
            if (exits[j].layer == e.layer)
                throw ConfigError(file, mem_ptr, "one exit per layer", where + ", twice");
        if (e.layer == last)
            throw ConfigError(file, mem_ptr,
                              "exits before the last layer (after it the network has answered)",
                              where);
        const Shape& out = m_net.layers[static_cast<std::size_t>(e.layer)].out_shape;
        if (e.spec.grid < 1 || e.spec.grid > std::min(out.height, out.width))
            throw ConfigError(file, mem_ptr,
                              "a grid from 1 to the exit layer's " + std::to_string(out.height) +
                                  "x" + std::to_string(out.width) + " feature map",
                              where + ": grid " + std::to_string(e.spec.grid));
        for (std::size_t j = 0; j < e.mean.size(); ++j)
            if (!std::isfinite(e.mean[j]) || !std::isfinite(e.sd[j]) || e.sd[j] < 0.0f)
                throw ConfigError(file, mem_ptr, "finite means and standard deviations >= 0",
                                  where + ": value " + std::to_string(j));
    }

    // The CAMs: named, a group, or every reachable cam_array in platform order.
    const json& cams = p.raw("exits.cams");
    const std::string cams_ptr = p.pointer_of("exits.cams");
    const bool automatic = cams.is_string() && cams.get<std::string>().empty();
    std::vector<const ComponentInfo*> found;
    if (automatic) {
        for (const ComponentInfo& c : platform.components)
            if (c.type == "cam_array" && c.reachable) found.push_back(&c);
    } else if (cams.is_string()) {
        found = platform.group(cams.get<std::string>());
        if (found.empty())
            throw ConfigError(file, cams_ptr, "a cam_array block or group of the platform",
                              describe_json(cams));
    } else if (cams.is_array()) {
        for (std::size_t i = 0; i < cams.size(); ++i) {
            const ComponentInfo* c =
                cams[i].is_string() ? platform.find(cams[i].get<std::string>()) : nullptr;
            if (!c)
                throw ConfigError(file, cams_ptr + "/" + std::to_string(i),
                                  "the name of a cam_array block of the platform",
                                  describe_json(cams[i]));
            found.push_back(c);
        }
    } else {
        throw ConfigError(file, cams_ptr, "a list of cam_array names, a group name or \"\"",
                          describe_json(cams));
    }
    if (found.size() < n || (!automatic && found.size() != n))
        throw ConfigError(file, cams_ptr,
                          "a cam_array block per exit of " + plan->memory_path + " (" +
                              std::to_string(n) + ", in the file's order of exits)",
                          std::to_string(found.size()));
    std::vector<std::string> cam_names(n);
    std::vector<int> cam_bits(n);
    for (std::size_t k = 0; k < n; ++k) {
        const ComponentInfo* c = found[k];
        const SemanticExit& e = exits[k];
        const std::string ptr = cams.is_array() ? cams_ptr + "/" + std::to_string(k) : cams_ptr;
        if (c->type != "cam_array" || !c->reachable)
            throw ConfigError(file, ptr,
                              "cam_array blocks the controller reaches (exit after " +
                                  e.spec.after + ")",
                              c->name + " is a " + c->type +
                                  (c->reachable ? "" : " the controller cannot address"));
        const std::int64_t words = c->params->integer("words");
        const std::int64_t bits = c->params->integer("bits");
        if (words < plan->memory.classes || bits < e.bits())
            throw ConfigError(file, ptr,
                              "for the exit after " + e.spec.after + " a CAM of at least " +
                                  std::to_string(plan->memory.classes) + " words (classes) of " +
                                  std::to_string(e.bits()) + " bits (its semantic vector)",
                              c->name + " has " + std::to_string(words) + " words of " +
                                  std::to_string(bits) + " bits");
        for (std::size_t j = 0; j < k; ++j)
            if (cam_names[j] == c->name)
                throw ConfigError(file, ptr, "a CAM of its own for every exit", c->name + " twice");
        cam_names[k] = c->name;
        cam_bits[k] = static_cast<int>(bits);
    }

    // Thresholds: one for every exit, or one per exit in the file's order.
    plan->margin_rule = p.string("exits.rule") == "margin";
    const json& t = p.raw("exits.threshold");
    const std::string t_ptr = p.pointer_of("exits.threshold");
    auto threshold = [&](const json& v, const std::string& ptr, std::size_t k) {
        if (!v.is_number_integer() || v.get<std::int64_t>() < 0 ||
            v.get<std::int64_t>() > exits[k].bits())
            throw ConfigError(file, ptr,
                              "a whole number of bits from 0 to " +
                                  std::to_string(exits[k].bits()) + " (the exit after " +
                                  exits[k].spec.after + ")",
                              describe_json(v));
        return static_cast<int>(v.get<std::int64_t>());
    };
    std::vector<int> thresholds(n);
    if (t.is_array()) {
        if (t.size() != n)
            throw ConfigError(file, t_ptr,
                              "one threshold per exit (" + std::to_string(n) +
                                  ", in the file's order of exits)",
                              std::to_string(t.size()) + " values");
        for (std::size_t k = 0; k < n; ++k)
            thresholds[k] = threshold(t[k], t_ptr + "/" + std::to_string(k), k);
    } else {
        // The default (not written) fits every exit: at most the exit's width.
        for (std::size_t k = 0; k < n; ++k)
            thresholds[k] =
                p.present("exits.threshold")
                    ? threshold(t, t_ptr, k)
                    : std::min(static_cast<int>(t.get<std::int64_t>()), exits[k].bits());
    }
    plan->stop = p.boolean("exits.stop");
    plan->sweep = p.boolean("exits.sweep");

    // From here on the exits are in layer order: the order an image meets them.
    std::vector<std::size_t> order(n);
    for (std::size_t k = 0; k < n; ++k)
        order[k] = k;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return exits[a].layer < exits[b].layer; });
    std::vector<SemanticExit> sorted;
    for (std::size_t k : order) {
        sorted.push_back(exits[k]);
        plan->cams.push_back(cam_names[k]);
        plan->cam_bits.push_back(cam_bits[k]);
        plan->threshold.push_back(thresholds[k]);
    }
    plan->memory.exits = std::move(sorted);

    plan->exit_at.assign(m_net.layers.size(), -1);
    double macs = 0.0;
    std::size_t k = 0;
    for (std::size_t l = 0; l < m_net.layers.size() && k < n; ++l) {
        const Layer& L = m_net.layers[l];
        if (L.weighted())
            macs += static_cast<double>(L.inputs / L.groups) * L.outputs * L.positions();
        if (static_cast<int>(l) == plan->memory.exits[k].layer) {
            plan->exit_at[l] = static_cast<int>(k);
            plan->macs.push_back(macs);
            ++k;
        }
    }
    m_exit_sense_errors.assign(n, 0);
    m_exits = std::move(plan);
}

bool MlpInference::exit_decides(const ExitRecord& r, std::size_t k, int t) const {
    if (!r.reached[k] || r.best[k] < 0) return false;
    if (m_exits->margin_rule)
        return r.second_distance[k] < 0 || r.second_distance[k] - r.best_distance[k] >= t;
    return r.best_distance[k] <= t;
}

MlpInference::ExitOutcome MlpInference::exit_outcome(const ExitRecord& r,
                                                     const std::vector<int>& thresholds) const {
    ExitOutcome o;
    const std::size_t n = m_exits->memory.exits.size();
    for (std::size_t k = 0; k <= n; ++k) {
        o.network_J += r.segment_J[k];
        o.network_s += r.segment_s[k];
        if (k == n) break;
        o.exit_J += r.exit_J[k];
        o.exit_s += r.exit_s[k];
        o.cam_J += r.cam_J[k];
        o.cam_s += r.cam_s[k];
        if (exit_decides(r, k, thresholds[k])) {
            o.exit = static_cast<int>(k);
            o.predicted = r.best[k];
            o.macs = m_exits->macs[k];
            return o;
        }
    }
    o.exit = static_cast<int>(n);
    o.predicted = r.final_class;
    o.macs = m_macs_per_image;
    return o;
}

json MlpInference::exit_results() const {
    const ExitPlan& x = *m_exits;
    const std::size_t n = x.memory.exits.size();
    const std::size_t count = exit_records();
    // Leakage over each image's own time: the whole platform's with the exits; without the
    // CAMs' own cost, the platform's less the CAMs'; the static network has no CAMs either.
    const double leak_all = x.leakage_total_W;
    const double leak_net = std::max(0.0, x.leakage_total_W - x.leakage_cams_W);
    json exits = json::array();
    std::vector<double> exit_J(n, 0.0), exit_s(n, 0.0), cam_J(n, 0.0), cam_s(n, 0.0),
        searches(n, 0.0);
    for (std::size_t i = 0; i < count; ++i) {
        const ExitRecord& r = m_exit_records[i];
        for (std::size_t k = 0; k < n; ++k)
            if (r.reached[k]) {
                exit_J[k] += r.exit_J[k];
                exit_s[k] += r.exit_s[k];
                cam_J[k] += r.cam_J[k];
                cam_s[k] += r.cam_s[k];
                searches[k] += 1.0;
            }
    }
    for (std::size_t k = 0; k < n; ++k) {
        const SemanticExit& e = x.memory.exits[k];
        exits.push_back({{"after", e.spec.after},
                         {"cam", x.cams[k]},
                         {"bits", e.bits()},
                         {"grid", e.spec.grid},
                         {"delta", e.spec.delta},
                         {"threshold", x.threshold[k]},
                         {"macs_up_to", x.macs[k]},
                         {"macs_fraction_up_to", ratio_or_null(x.macs[k], m_macs_per_image)},
                         {"searches", searches[k]},
                         {"exit_dynamic_energy_J", ratio_or_null(exit_J[k], searches[k])},
                         {"exit_latency_s", ratio_or_null(exit_s[k], searches[k])},
                         {"search_dynamic_energy_J", ratio_or_null(cam_J[k], searches[k])},
                         {"search_latency_s", ratio_or_null(cam_s[k], searches[k])},
                         {"searches_with_sense_errors", m_exit_sense_errors[k]}});
    }
    json j = {{"memory", x.memory_path},
              {"rule", x.margin_rule ? "margin" : "distance"},
              {"policy",
               "neurotlm's: features pooled on a grid, quantised to 1 / 0 / don't-care against "
               "the training statistics, class prototypes searched by Hamming distance"},
              {"stop", x.stop},
              {"leakage_power_W", leak_all},
              {"cam_leakage_power_W", x.leakage_cams_W},
              {"exits", exits}};

    // Aggregates of a set of images at thresholds t: dynamic and (when every image ran the
    // whole network) static.
    struct Sum {
        double images = 0, correct = 0, static_correct = 0, macs = 0;
        double all_J = 0, all_s = 0, nocam_J = 0, nocam_s = 0, net_J = 0, net_s = 0;
        double static_J = 0, static_s = 0;
        std::vector<double> exit_count, exit_correct;
    };
    const bool full = !x.stop;
    auto add = [&](Sum& s, const ExitRecord& r, const ExitOutcome& o) {
        if (s.exit_count.empty()) {
            s.exit_count.assign(n + 1, 0.0);
            s.exit_correct.assign(n + 1, 0.0);
        }
        s.images += 1;
        const bool right = r.label >= 0 && o.predicted == r.label;
        s.correct += right;
        s.exit_count[static_cast<std::size_t>(o.exit)] += 1;
        s.exit_correct[static_cast<std::size_t>(o.exit)] += right;
        s.macs += o.macs;
        // Everything: the layers, the exits (feature reads, pooling, quantisation, searches) and
        // the whole platform's leakage over that time.
        const double t = o.network_s + o.exit_s;
        s.all_J += o.network_J + o.exit_J + leak_all * t;
        s.all_s += t;
        // Without the CAMs' own cost: their searches and their leakage.
        const double t_nocam = t - o.cam_s;
        s.nocam_J += o.network_J + o.exit_J - o.cam_J + leak_net * t_nocam;
        s.nocam_s += t_nocam;
        // Without the exits at all: the network's layers only.
        s.net_J += o.network_J + leak_net * o.network_s;
        s.net_s += o.network_s;
        if (full) {
            double J = 0, sec = 0;
            for (std::size_t k = 0; k <= n; ++k) {
                J += r.segment_J[k];
                sec += r.segment_s[k];
            }
            s.static_J += J + leak_net * sec;
            s.static_s += sec;
            s.static_correct += r.label >= 0 && r.final_class == r.label;
        }
    };
    const bool labelled = !m_data.labels.empty();
    auto figures = [&](const Sum& s) {
        json f;
        f["images"] = s.images;
        f["accuracy"] = labelled ? ratio_or_null(s.correct, s.images) : json(nullptr);
        json share = json::array(), acc = json::array();
        for (std::size_t k = 0; k <= n && !s.exit_count.empty(); ++k) {
            share.push_back(ratio_or_null(s.exit_count[k], s.images));
            acc.push_back(labelled ? ratio_or_null(s.exit_correct[k], s.exit_count[k])
                                   : json(nullptr));
        }
        f["exit_share"] = share;
        f["exit_accuracy"] = acc;
        f["macs_per_inference"] = ratio_or_null(s.macs, s.images);
        f["macs_fraction"] = ratio_or_null(s.macs, s.images * m_macs_per_image);
        // Per level (everything, without the CAMs' cost, the layers only): the means per
        // inference and, beside a static network, the fractions of its figures.
        struct Level {
            const char* suffix;
            double Sum::*J;
            double Sum::*sec;
        };
        for (const Level& l : {Level{"", &Sum::all_J, &Sum::all_s},
                               Level{"_without_cam", &Sum::nocam_J, &Sum::nocam_s},
                               Level{"_without_exits", &Sum::net_J, &Sum::net_s}}) {
            const std::string sfx = l.suffix;
            f["energy_per_inference" + sfx + "_J"] = ratio_or_null(s.*l.J, s.images);
            f["latency_per_inference" + sfx + "_s"] = ratio_or_null(s.*l.sec, s.images);
            if (!full) continue;
            f["energy_fraction" + sfx] = ratio_or_null(s.*l.J, s.static_J);
            f["latency_fraction" + sfx] = ratio_or_null(s.*l.sec, s.static_s);
        }
        if (full)
            f["static_accuracy"] =
                labelled ? ratio_or_null(s.static_correct, s.images) : json(nullptr);
        return f;
    };

    Sum all;
    std::vector<Sum> per_class(static_cast<std::size_t>(m_classes));
    for (std::size_t i = 0; i < count; ++i) {
        const ExitRecord& r = m_exit_records[i];
        const ExitOutcome o = exit_outcome(r, x.threshold);
        add(all, r, o);
        if (r.label >= 0) add(per_class[static_cast<std::size_t>(r.label)], r, o);
    }
    if (full) {
        json st;
        st["images"] = all.images;
        st["accuracy"] = labelled ? ratio_or_null(all.static_correct, all.images) : json(nullptr);
        st["macs_per_inference"] = m_macs_per_image;
        st["energy_per_inference_J"] = ratio_or_null(all.static_J, all.images);
        st["latency_per_inference_s"] = ratio_or_null(all.static_s, all.images);
        j["static"] = st;
    } else {
        j["static"] = nullptr;
    }
    j["dynamic"] = figures(all);
    json classes = json::array();
    for (std::size_t c = 0; c < per_class.size(); ++c) {
        if (per_class[c].images == 0) continue;
        json f = figures(per_class[c]);
        f["class"] = c;
        classes.push_back(f);
    }
    j["per_class"] = classes;

    // The sweep: one threshold at every exit, across the whole range. Margin rule: from 0
    // (every image leaves at the first exit) to the largest margin seen plus one (none leaves).
    // Distance rule: from -1 (none leaves) to the largest best distance seen (every image
    // leaves at the first exit).
    json sweep = json::array();
    if (full && x.sweep && count > 0) {
        int top = 0;
        for (std::size_t i = 0; i < count; ++i) {
            const ExitRecord& r = m_exit_records[i];
            for (std::size_t k = 0; k < n; ++k) {
                if (!r.reached[k] || r.best[k] < 0) continue;
                top = std::max(top, x.margin_rule
                                        ? (r.second_distance[k] < 0
                                               ? 0
                                               : r.second_distance[k] - r.best_distance[k] + 1)
                                        : r.best_distance[k]);
            }
        }
        for (int t = x.margin_rule ? 0 : -1; t <= top; ++t) {
            Sum s;
            const std::vector<int> ts(n, t);
            for (std::size_t i = 0; i < count; ++i)
                add(s, m_exit_records[i], exit_outcome(m_exit_records[i], ts));
            json f = figures(s);
            f["threshold"] = t;
            sweep.push_back(f);
        }
    }
    j["sweep"] = sweep;
    return j;
}

} // namespace neurotlm
