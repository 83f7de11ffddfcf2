#include "neurotlm/workloads/gxnor_training.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "neurotlm/blocks/training_unit/training_unit_driver.h"
#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "neurotlm/workloads/network.h"

namespace neurotlm {

namespace fs = std::filesystem;

namespace {

constexpr const char* kCheckpointMagic = "NEUROTLM-GXNOR-CHECKPOINT 1";

std::string fmnist(const char* file) {
    return default_fashion_mnist_dir() + "/" + file;
}

/// The loss of the official code: mean over the batch and classes of max(0, 1 - t y)^2 with
/// t = +1 for the label and -1 otherwise; its gradient into @p grad. Returns the mean loss and
/// counts correct argmaxes into @p correct.
double squared_hinge(const std::vector<float>& scores, const int* labels, int batch, int classes,
                     std::vector<float>& grad, std::uint64_t& correct) {
    grad.assign(scores.size(), 0.0f);
    double loss = 0.0;
    const float norm = 2.0f / static_cast<float>(batch * classes);
    for (int b = 0; b < batch; ++b) {
        const float* y = scores.data() + static_cast<std::size_t>(b) * classes;
        if (argmax(y, classes) == labels[b]) ++correct;
        for (int c = 0; c < classes; ++c) {
            const float t = c == labels[b] ? 1.0f : -1.0f;
            const float margin = std::max(0.0f, 1.0f - t * y[c]);
            loss += static_cast<double>(margin) * margin;
            grad[static_cast<std::size_t>(b) * classes + c] = -norm * t * margin;
        }
    }
    return loss / (static_cast<double>(batch) * classes);
}

/// Where @p a and @p b first differ, as "path: a, this run b" ("" when equal).
std::string first_difference(const json& a, const json& b, const std::string& path) {
    if (a.is_object() && b.is_object()) {
        for (auto it = b.begin(); it != b.end(); ++it) {
            const std::string d = first_difference(a.contains(it.key()) ? a[it.key()] : json(),
                                                   it.value(), path + "/" + it.key());
            if (!d.empty()) return d;
        }
        for (auto it = a.begin(); it != a.end(); ++it)
            if (!b.contains(it.key())) return path + "/" + it.key() + " is no longer set";
        return "";
    }
    if (a == b) return "";
    return (path.empty() ? "the checkpoint" : path) + " " + a.dump() + ", this run " + b.dump();
}

template <typename T> void put(std::string& out, const std::vector<T>& v) {
    if (!v.empty()) out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}
template <typename T>
void take(const std::string& in, std::size_t& at, std::vector<T>& v, std::size_t n,
          const std::string& file) {
    if (at + n * sizeof(T) > in.size()) throw InputError(file + ": the checkpoint is truncated");
    v.resize(n);
    if (n > 0) std::memcpy(v.data(), in.data() + at, n * sizeof(T)); // no null pointer for n 0
    at += n * sizeof(T);
}

} // namespace

/// One network being trained: on the training units (drivers) or in software (layers).
struct GxnorTraining::Side {
    std::vector<TrainingUnitDriver> units; ///< hardware
    std::vector<GxnorLayer> layers;        ///< software
    std::vector<std::uint64_t> draw_seeds; ///< per layer
    std::vector<std::uint64_t> steps;      ///< software: updates made per layer
    std::vector<std::vector<float>> acts;  ///< each layer's output of the current batch
    std::vector<float> grad, grad_in;
    double best = -1.0;
    bool hardware() const { return !units.empty(); }
    std::size_t size() const { return hardware() ? units.size() : layers.size(); }

    const std::vector<float>& forward(std::size_t l, const float* x, int batch, bool training) {
        if (hardware()) {
            units[l].forward(x, batch, training, acts[l]);
            return acts[l];
        }
        acts[l] = layers[l].forward(x, batch, training);
        return acts[l];
    }
    /// The whole network on @p x: the scores.
    const std::vector<float>& run(const float* x, int batch, bool training) {
        const float* in = x;
        for (std::size_t l = 0; l < size(); ++l)
            in = forward(l, in, batch, training).data();
        return acts.back();
    }
    void backward(const std::vector<float>& grad_scores, int batch) {
        grad = grad_scores;
        for (std::size_t l = size(); l-- > 0;) {
            const bool want = l > 0;
            if (hardware()) {
                units[l].backward(grad.data(), batch, want, grad_in);
            } else {
                grad_in = layers[l].backward(grad.data(), want);
            }
            grad.swap(grad_in);
        }
    }
    UpdateStats update(double lr) {
        UpdateStats total;
        for (std::size_t l = 0; l < size(); ++l) {
            if (hardware()) {
                total.add(units[l].update(lr));
            } else {
                RngStream draws = update_draws(draw_seeds[l], ++steps[l]);
                total.add(layers[l].update(lr, draws));
            }
        }
        return total;
    }
    /// Both sides draw update step n of layer l from update_draws(seed_l, n).
    void seed_draws(std::uint64_t seed) {
        draw_seeds.assign(size(), 0);
        steps.assign(size(), 0);
        for (std::size_t l = 0; l < size(); ++l) {
            draw_seeds[l] = hash_name("gxnor_training draws layer " + std::to_string(l)) ^ seed;
            if (hardware()) units[l].seed_draws(draw_seeds[l]);
        }
    }
    GxnorLayer::State state(std::size_t l) {
        return hardware() ? units[l].save_state() : layers[l].state();
    }
    void restore(std::size_t l, const GxnorLayer::State& s) {
        if (hardware()) {
            units[l].load_state(s);
        } else {
            layers[l].restore(s);
            steps[l] = s.step;
        }
    }
};

ParamTable GxnorTraining::param_table() {
    ParamTable t;
    t.any("hidden", json::array({256}),
          "widths of the hidden layers (a list of integers; [] trains a single layer)")
        .string("units", "",
                "the training_unit blocks, one per layer in order: a component or group name; "
                "\"\" = every training_unit of the platform")
        .integer("epochs", 10, "passes over the training set", 1, 100000)
        .integer("batch", 100, "images per update", 1, 4096)
        .number("learning_rate.start", Unit::none, 0.003, "Adam's learning rate in the first epoch",
                1e-9, 10.0)
        .number("learning_rate.end", Unit::none, 0.0003,
                "learning rate of the last epoch (decays geometrically per epoch)", 1e-9, 10.0)
        .integer("stop_after_epochs", 0,
                 "stop after this many epochs as if interrupted (continue later with "
                 "--resume); 0 = run every epoch",
                 0, 100000)
        .boolean("software_reference", true,
                 "train the same network in software with exact Bernoulli draws beside it")
        .string("dataset.train_images", fmnist("train-images-idx3-ubyte.gz"),
                "training images (IDX, gzip'd or plain)")
        .string("dataset.train_labels", fmnist("train-labels-idx1-ubyte.gz"), "training labels")
        .string("dataset.test_images", fmnist("t10k-images-idx3-ubyte.gz"), "test images")
        .string("dataset.test_labels", fmnist("t10k-labels-idx1-ubyte.gz"), "test labels")
        .integer("dataset.train_limit", 0, "training images to use; 0 = all", 0, 1e9)
        .integer("dataset.test_limit", 0, "test images to evaluate on; 0 = all", 0, 1e9);
    add_preprocessing_params(t, "dataset.");
    return t;
}

GxnorTraining::~GxnorTraining() = default;

void GxnorTraining::load_data(const Params& p, const PlatformInfo& platform) {
    const std::string& file = platform.file;
    auto path = [&](const char* key) { return resolve_path(platform.config_dir, p.string(key)); };
    m_train_images = path("dataset.train_images");
    m_train_labels = path("dataset.train_labels");
    m_test_images = path("dataset.test_images");
    m_test_labels = path("dataset.test_labels");
    auto load = [&](const std::string& images, const std::string& labels, const char* ikey,
                    const char* lkey, const char* limit) {
        try {
            Dataset d = load_idx(images, labels, static_cast<std::size_t>(p.integer(limit)));
            preprocess(d, preprocessing_from(p, "dataset."));
            return d;
        } catch (const DatasetError& e) {
            if (e.part() == DatasetError::Part::labels)
                throw ConfigError(file, p.pointer_of(lkey),
                                  "a readable IDX label file that matches the images", e.what());
            throw ConfigError(file, p.pointer_of(ikey), "a readable IDX image file", e.what());
        }
    };
    m_train = load(m_train_images, m_train_labels, "dataset.train_images", "dataset.train_labels",
                   "dataset.train_limit");
    m_test = load(m_test_images, m_test_labels, "dataset.test_images", "dataset.test_labels",
                  "dataset.test_limit");
    if (m_train.count == 0)
        throw ConfigError(file, p.pointer_of("dataset.train_images"), "at least one image", "none");
    if (m_test.image_size() != m_train.image_size())
        throw ConfigError(file, p.pointer_of("dataset.test_images"),
                          "test images of the training images' size (" +
                              std::to_string(m_train.height) + "x" + std::to_string(m_train.width) +
                              ")",
                          std::to_string(m_test.height) + "x" + std::to_string(m_test.width));
    // Inputs in [-1, 1], as the official code scales them.
    for (Dataset* d : {&m_train, &m_test})
        for (float& v : d->pixels)
            v = 2.0f * v - 1.0f;
}

GxnorTraining::GxnorTraining(const Params& p, const PlatformInfo& platform) {
    const std::string& file = platform.file;
    const json& hidden = p.raw("hidden");
    std::vector<int> widths;
    if (!hidden.is_array())
        throw ConfigError(file, p.pointer_of("hidden"), "a list of layer widths such as [256]",
                          hidden.dump());
    for (const json& h : hidden) {
        if (!h.is_number_integer() || h.get<long long>() < 1 || h.get<long long>() > 65536)
            throw ConfigError(file, p.pointer_of("hidden"),
                              "a list of integer widths from 1 to 65536", hidden.dump());
        widths.push_back(h.get<int>());
    }
    m_epochs = static_cast<int>(p.integer("epochs"));
    m_batch = static_cast<int>(p.integer("batch"));
    m_lr_start = p.number("learning_rate.start");
    m_lr_end = p.number("learning_rate.end");
    m_software = p.boolean("software_reference");
    m_stop_after = static_cast<int>(p.integer("stop_after_epochs"));
    m_seed = platform.seed;

    load_data(p, platform);
    int classes = 0;
    for (int l : m_train.labels)
        classes = std::max(classes, l + 1);
    if (m_train.labels.empty() || classes < 2)
        throw ConfigError(file, p.pointer_of("dataset.train_labels"),
                          "labels of at least two classes", "none");
    for (int l : m_test.labels)
        if (l >= classes)
            throw ConfigError(file, p.pointer_of("dataset.test_labels"),
                              "test labels among the " + std::to_string(classes) +
                                  " training classes",
                              "label " + std::to_string(l));
    m_widths.push_back(m_train.image_size());
    m_widths.insert(m_widths.end(), widths.begin(), widths.end());
    m_widths.push_back(classes);

    // One training unit per layer, each large enough for its layer.
    std::vector<const ComponentInfo*> units;
    const std::string group = p.string("units");
    if (group.empty()) {
        for (const auto& c : platform.components)
            if (c.type == "training_unit") units.push_back(&c);
    } else {
        units = platform.group(group);
        if (units.empty())
            throw ConfigError(file, p.pointer_of("units"),
                              "the name of a training_unit component or group",
                              "\"" + group + "\": no component or group has that name");
    }
    const std::size_t layers = m_widths.size() - 1;
    if (units.size() != layers)
        throw ConfigError(file, p.pointer_of("units"),
                          std::to_string(layers) + " training_unit blocks, one per layer (" +
                              std::to_string(m_widths.front()) + " inputs, hidden " +
                              hidden.dump() + ", " + std::to_string(classes) + " classes)",
                          std::to_string(units.size()) +
                              (group.empty() ? " in the platform" : " in \"" + group + "\""));
    for (std::size_t l = 0; l < layers; ++l) {
        const ComponentInfo& u = *units[l];
        if (u.type != "training_unit")
            throw ConfigError(file, p.pointer_of("units"), "training_unit blocks",
                              "\"" + u.name + "\", a " + u.type);
        const long long rows = u.params->integer("rows"), cols = u.params->integer("columns");
        if (rows < m_widths[l] || cols < m_widths[l + 1])
            throw ConfigError(file, u.params->pointer_of(rows < m_widths[l] ? "rows" : "columns"),
                              "an array of at least " + std::to_string(m_widths[l]) + " x " +
                                  std::to_string(m_widths[l + 1]) + " synapses for layer " +
                                  std::to_string(l + 1) + " (rows = inputs, columns = outputs)",
                              std::to_string(rows) + " x " + std::to_string(cols) + " in \"" +
                                  u.name + "\"");
        if (u.params->integer("max_batch") < m_batch)
            throw ConfigError(file, u.params->pointer_of("max_batch"),
                              "at least the workload's batch of " + std::to_string(m_batch),
                              std::to_string(u.params->integer("max_batch")) + " in \"" + u.name +
                                  "\"");
        if (!u.reachable)
            throw ConfigError(file, p.pointer_of("units"),
                              "training units the controller can address",
                              "\"" + u.name + "\" is not connected to its bus");
        m_units.push_back(u.name);
    }
    if (m_train.count < m_batch)
        throw ConfigError(file, p.pointer_of("batch"),
                          "a batch of at most the " + std::to_string(m_train.count) +
                              " training images",
                          std::to_string(m_batch));
    if (m_test.count == 0)
        throw ConfigError(file, p.pointer_of("dataset.test_images"), "at least one test image",
                          "none");
    // The first unit's DAC quantises the pixels; the software network takes them the same way,
    // so the two differ by the MTJs alone.
    const int bits = static_cast<int>(units.front()->params->integer("input_bits"));
    const float levels = static_cast<float>((1 << (bits - 1)) - 1);
    for (Dataset* d : {&m_train, &m_test})
        for (float& v : d->pixels)
            v = std::round(std::clamp(v, -1.0f, 1.0f) * levels) / levels;
    // What a checkpoint must have been written by: every setting of the workload but when to
    // stop, the units' parameters, the seed.
    json workload = p.effective();
    workload.erase("stop_after_epochs");
    m_fingerprint = {{"workload", workload}, {"seed", platform.seed}, {"units", json::array()}};
    for (const ComponentInfo* u : units)
        m_fingerprint["units"].push_back(u->params->effective());
}

bool GxnorTraining::set_output(const std::string& dir, bool resume) {
    std::string base = dir;
    while (base.size() > 1 && base.back() == '/')
        base.pop_back();
    m_live_dir = base + ".training";
    m_resume = resume;
    return true;
}

void GxnorTraining::append_record(const json& record) const {
    if (m_live_dir.empty()) return;
    {
        std::ofstream out(m_live_dir + "/epochs.jsonl", std::ios::app);
        out << record.dump() << "\n";
        if (!out) throw InputError(m_live_dir + "/epochs.jsonl: cannot be written");
    }
    // The CSV is rewritten from all records so far (a few lines per epoch).
    std::ostringstream csv;
    csv << "epoch,learning_rate,loss,train_accuracy,test_accuracy,best_test_accuracy,"
           "software_loss,software_test_accuracy,software_best_test_accuracy,pulses,switched,"
           "transitions,mean_intended_p,mean_realised_p,mean_abs_error_p,feed_forward_J,"
           "update_J,feed_forward_s,update_s,feed_forward_tops_per_w,update_tops_per_w\n";
    for (const json& r : m_records) {
        auto num = [&](const json& v) {
            if (v.is_null()) return std::string();
            std::ostringstream os;
            os.precision(8);
            os << v.get<double>();
            return os.str();
        };
        const json& hw = r["hardware"];
        const json sw = r.contains("software") ? r["software"] : json::object();
        auto get = [&](const json& o, const char* k) { return o.contains(k) ? o[k] : json(); };
        csv << r["epoch"].get<int>() << "," << num(r["learning_rate"]) << "," << num(hw["loss"])
            << "," << num(hw["train_accuracy"]) << "," << num(hw["test_accuracy"]) << ","
            << num(hw["best_test_accuracy"]) << "," << num(get(sw, "loss")) << ","
            << num(get(sw, "test_accuracy")) << "," << num(get(sw, "best_test_accuracy")) << ","
            << num(r["update"]["pulses"]) << "," << num(r["update"]["switched"]) << ","
            << num(r["update"]["transitions"]) << "," << num(r["update"]["mean_intended_p"]) << ","
            << num(r["update"]["mean_realised_p"]) << "," << num(r["update"]["mean_abs_error_p"])
            << "," << num(r["energy_J"]["feed_forward"]) << "," << num(r["energy_J"]["update"])
            << "," << num(r["latency_s"]["feed_forward"]) << "," << num(r["latency_s"]["update"])
            << "," << num(r["tops_per_w"]["feed_forward"]) << "," << num(r["tops_per_w"]["update"])
            << "\n";
    }
    write_file_atomic(m_live_dir + "/epochs.csv", csv.str());
}

void GxnorTraining::write_checkpoint(int epochs_done) const {
    if (m_live_dir.empty()) return;
    json meta = {{"epochs_done", epochs_done},
                 {"widths", m_widths},
                 {"seed", m_seed},
                 {"batch", m_batch},
                 {"epochs", m_epochs},
                 {"software_reference", m_software},
                 {"records", m_records},
                 {"best", {{"hardware", m_hw->best}, {"software", m_sw ? m_sw->best : -1.0}}}};
    std::string blob;
    for (Side* side : {m_hw.get(), m_sw.get()}) {
        if (!side) continue;
        for (std::size_t l = 0; l < side->size(); ++l) {
            const GxnorLayer::State s = side->state(l);
            meta["steps"].push_back(s.step);
            put(blob, s.weights);
            put(blob, s.mtj_states);
            for (const auto* v : {&s.gamma, &s.beta, &s.running_mean, &s.running_var, &s.m_g,
                                  &s.v_g, &s.m_b, &s.v_b, &s.m_w, &s.v_w})
                put(blob, *v);
        }
    }
    meta["mtj_states"] = true;
    meta["fingerprint"] = m_fingerprint;
    write_file_atomic(m_live_dir + "/checkpoint.bin",
                      std::string(kCheckpointMagic) + "\n" + meta.dump() + "\n" + blob);
}

bool GxnorTraining::read_checkpoint() {
    const std::string file = m_live_dir + "/checkpoint.bin";
    std::ifstream in(file, std::ios::binary);
    if (!in) return false;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t l1 = text.find('\n');
    const std::size_t l2 = l1 == std::string::npos ? l1 : text.find('\n', l1 + 1);
    if (l2 == std::string::npos || text.compare(0, l1, kCheckpointMagic) != 0)
        throw InputError(file + ": not a neurotlm training checkpoint");
    json meta;
    try {
        meta = json::parse(text.substr(l1 + 1, l2 - l1 - 1));
    } catch (const json::exception& e) {
        throw InputError(file + ": unreadable checkpoint header (" + e.what() + ")");
    }
    const std::string difference =
        first_difference(meta.value("fingerprint", json()), m_fingerprint, "");
    if (!difference.empty())
        throw InputError(file + " was written by a different run (" + difference +
                         "): run without --resume, or with another --out");
    std::size_t at = l2 + 1;
    std::size_t k = 0;
    for (Side* side : {m_hw.get(), m_sw.get()}) {
        if (!side) continue;
        for (std::size_t l = 0; l < side->size(); ++l) {
            const std::size_t n =
                static_cast<std::size_t>(m_widths[l]) * static_cast<std::size_t>(m_widths[l + 1]);
            const std::size_t o = static_cast<std::size_t>(m_widths[l + 1]);
            GxnorLayer::State s;
            s.step = meta["steps"].at(k++).get<std::uint64_t>();
            take(text, at, s.weights, n, file);
            take(text, at, s.mtj_states, side->hardware() ? n : 0, file);
            for (auto* v : {&s.gamma, &s.beta, &s.running_mean, &s.running_var, &s.m_g, &s.v_g,
                            &s.m_b, &s.v_b})
                take(text, at, *v, o, file);
            take(text, at, s.m_w, n, file);
            take(text, at, s.v_w, n, file);
            side->restore(l, s);
        }
    }
    m_start_epoch = meta["epochs_done"].get<int>();
    m_records = meta["records"].get<std::vector<json>>();
    m_hw->best = meta["best"]["hardware"].get<double>();
    if (m_sw) m_sw->best = meta["best"]["software"].get<double>();
    return true;
}

void GxnorTraining::run(RunContext& context) {
    const std::size_t layers = m_widths.size() - 1;
    m_hw = std::make_unique<Side>();
    m_hw->acts.resize(layers);
    for (std::size_t l = 0; l < layers; ++l) {
        const ComponentInfo* info = context.component(m_units[l]);
        m_hw->units.emplace_back(context.bus(), info->address, info->name);
        m_hw->units.back().probe();
    }
    if (m_software) {
        m_sw = std::make_unique<Side>();
        m_sw->acts.resize(layers);
    }
    // The same initial weights for both: uniform in {-1, 0, +1}.
    context.phase("program");
    const RngStream init(m_seed, "gxnor_training init");
    for (std::size_t l = 0; l < layers; ++l) {
        const bool hidden = l + 1 < layers;
        RngStream layer_init = init.derive("layer " + std::to_string(l));
        std::vector<std::int8_t> w(static_cast<std::size_t>(m_widths[l]) *
                                   static_cast<std::size_t>(m_widths[l + 1]));
        for (auto& v : w)
            v = static_cast<std::int8_t>(static_cast<int>(layer_init.below(3)) - 1);
        m_hw->units[l].configure(m_widths[l], m_widths[l + 1], hidden);
        m_hw->units[l].program(w);
        if (m_sw) {
            m_sw->layers.emplace_back(m_widths[l], m_widths[l + 1], hidden, nullptr,
                                      RngStream(m_seed, "unused"), RngStream(m_seed, "unused"),
                                      m_hyper);
            m_sw->layers.back().set_weights(w);
        }
    }
    m_hw->seed_draws(m_seed);
    if (m_sw) m_sw->seed_draws(m_seed);
    if (!m_live_dir.empty()) {
        std::error_code ec;
        if (!m_resume && fs::exists(m_live_dir + "/checkpoint.bin"))
            throw InputError(m_live_dir +
                             " holds an earlier training run: continue it with --resume, or "
                             "remove the folder");
        fs::create_directories(m_live_dir, ec);
        if (ec) throw InputError(m_live_dir + ": cannot be created (" + ec.message() + ")");
        if (m_resume) {
            if (!read_checkpoint())
                std::fprintf(stderr, "neurotlm: no checkpoint in %s: training from the start\n",
                             m_live_dir.c_str());
        } else {
            std::ofstream(m_live_dir + "/epochs.jsonl", std::ios::trunc);
        }
    }

    std::uint64_t synapses = 0;
    for (std::size_t l = 0; l < layers; ++l)
        synapses +=
            static_cast<std::uint64_t>(m_widths[l]) * static_cast<std::uint64_t>(m_widths[l + 1]);
    const int classes = m_widths.back();
    const int n = m_train.count;
    // As the official code: whole batches only (a remainder would give batch statistics of a
    // few images); the shuffle changes which images are left out each epoch.
    const int batches = n / m_batch;
    const std::uint64_t total_batches = static_cast<std::uint64_t>(batches) * m_epochs;
    m_images_requested = static_cast<std::uint64_t>(batches) * m_batch * (m_epochs - m_start_epoch);
    const std::size_t in = static_cast<std::size_t>(m_widths.front());
    std::vector<float> x(static_cast<std::size_t>(m_batch) * in);
    std::vector<int> labels(static_cast<std::size_t>(m_batch));
    std::vector<float> grad;
    const auto wall_start = std::chrono::steady_clock::now();
    std::uint64_t batches_done_run = 0;
    int epochs_this_run = 0;

    auto evaluate = [&](Side& side) {
        std::uint64_t correct = 0;
        for (int start = 0; start < m_test.count; start += m_batch) {
            const int b = std::min(m_batch, m_test.count - start);
            const std::vector<float>& s = side.run(m_test.image(start), b, false);
            for (int i = 0; i < b; ++i)
                if (argmax(s.data() + static_cast<std::size_t>(i) * classes, classes) ==
                    m_test.labels[static_cast<std::size_t>(start + i)])
                    ++correct;
        }
        return m_test.count ? static_cast<double>(correct) / m_test.count : -1.0;
    };

    for (int epoch = m_start_epoch; epoch < m_epochs; ++epoch) {
        // The units hold the learning rate as float32: both networks use that value.
        const double lr = static_cast<float>(
            m_epochs > 1 ? m_lr_start * std::pow(m_lr_end / m_lr_start,
                                                 static_cast<double>(epoch) / (m_epochs - 1))
                         : m_lr_start);
        // Order and draws derive from the seed and the epoch, so a resumed run repeats them.
        RngStream shuffle(m_seed, "gxnor_training shuffle " + std::to_string(epoch));
        std::vector<int> order(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i)
            order[static_cast<std::size_t>(i)] = i;
        for (int i = n - 1; i > 0; --i)
            std::swap(order[static_cast<std::size_t>(i)],
                      order[shuffle.below(static_cast<std::uint64_t>(i) + 1)]);

        double loss_hw = 0.0, loss_sw = 0.0, e_ff = 0.0, e_up = 0.0, t_ff = 0.0, t_up = 0.0;
        std::uint64_t correct_hw = 0, correct_sw = 0, images = 0;
        UpdateStats stats, sw_stats;
        bool stopped = false;
        for (int bi = 0; bi < batches; ++bi) {
            if (context.stop_requested()) {
                stopped = true;
                break;
            }
            const int b = m_batch;
            for (int i = 0; i < b; ++i) {
                const int k = order[static_cast<std::size_t>(bi * m_batch + i)];
                std::copy(m_train.image(k), m_train.image(k) + in,
                          x.begin() +
                              static_cast<std::ptrdiff_t>(static_cast<std::size_t>(i) * in));
                labels[static_cast<std::size_t>(i)] = m_train.labels[static_cast<std::size_t>(k)];
            }
            // Hardware: feed-forward, then the backward pass and the update.
            context.phase("feed_forward");
            double e0 = context.dynamic_energy_J(), t0 = context.now_s();
            const std::vector<float>& scores = m_hw->run(x.data(), b, true);
            context.digital(DigitalOp::accumulate, static_cast<std::uint64_t>(b) * classes);
            double e1 = context.dynamic_energy_J(), t1 = context.now_s();
            loss_hw += b * squared_hinge(scores, labels.data(), b, classes, grad, correct_hw);
            context.phase("update");
            m_hw->backward(grad, b);
            stats.add(m_hw->update(lr));
            e_ff += e1 - e0;
            t_ff += t1 - t0;
            e_up += context.dynamic_energy_J() - e1;
            t_up += context.now_s() - t1;
            context.phase("");
            if (m_sw) {
                const std::vector<float>& s = m_sw->run(x.data(), b, true);
                loss_sw += b * squared_hinge(s, labels.data(), b, classes, grad, correct_sw);
                m_sw->backward(grad, b);
                sw_stats.add(m_sw->update(lr));
            }
            images += static_cast<std::uint64_t>(b);
            m_images_trained += static_cast<std::uint64_t>(b);
            ++batches_done_run;
            const double wall =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start)
                    .count();
            const std::uint64_t done = static_cast<std::uint64_t>(epoch) * batches + bi + 1;
            const double rate =
                wall > 0 ? batches_done_run * static_cast<double>(m_batch) / wall : 0.0;
            // The progress line adds the rate in batches and the time left.
            char status[160];
            std::snprintf(status, sizeof status,
                          "epoch %d/%d batch %d/%d, %.0f images/s, loss %.4f", epoch + 1, m_epochs,
                          bi + 1, batches, rate, loss_hw / static_cast<double>(images));
            context.progress(done, total_batches, status);
        }
        if (stopped) break;
        ++epochs_this_run;

        context.phase("evaluate");
        const double acc_hw = evaluate(*m_hw);
        m_hw->best = std::max(m_hw->best, acc_hw);
        context.phase("");
        json record = {{"epoch", epoch + 1}, {"learning_rate", lr}, {"images", images}};
        record["hardware"] = {{"loss", loss_hw / static_cast<double>(images)},
                              {"train_accuracy", static_cast<double>(correct_hw) / images},
                              {"test_accuracy", acc_hw},
                              {"best_test_accuracy", m_hw->best}};
        if (m_sw) {
            const double acc_sw = evaluate(*m_sw);
            m_sw->best = std::max(m_sw->best, acc_sw);
            record["software"] = {{"loss", loss_sw / static_cast<double>(images)},
                                  {"train_accuracy", static_cast<double>(correct_sw) / images},
                                  {"test_accuracy", acc_sw},
                                  {"best_test_accuracy", m_sw->best},
                                  {"transitions", sw_stats.transitions},
                                  {"blocked", sw_stats.blocked}};
        }
        const double sp = static_cast<double>(stats.stochastic_pulses);
        record["update"] = {{"synapse_updates", static_cast<double>(synapses) * batches},
                            {"proposed", stats.proposed},
                            {"blocked", stats.blocked},
                            {"pulses", stats.pulses},
                            {"switched", stats.switched},
                            {"transitions", stats.transitions},
                            {"stochastic_pulses", stats.stochastic_pulses},
                            {"mean_intended_p", sp > 0 ? stats.intended_p / sp : 0.0},
                            {"mean_realised_p", sp > 0 ? stats.realised_p / sp : 0.0},
                            {"mean_abs_error_p", sp > 0 ? stats.abs_error_p / sp : 0.0},
                            {"pulse_energy_J", stats.pulse_energy_J}};
        // One op: one synapse's multiply-accumulate in a forward pass, or one synapse's update
        // (its share of an array update) in the update phase.
        const double ff_ops = static_cast<double>(synapses) * static_cast<double>(images);
        const double up_ops = static_cast<double>(synapses) * batches;
        record["energy_J"] = {{"feed_forward", e_ff}, {"update", e_up}};
        record["latency_s"] = {{"feed_forward", t_ff}, {"update", t_up}};
        record["energy_per_op_J"] = {{"feed_forward", ff_ops > 0 ? e_ff / ff_ops : 0.0},
                                     {"update", up_ops > 0 ? e_up / up_ops : 0.0}};
        record["tops_per_w"] = {{"feed_forward", e_ff > 0 ? ff_ops / e_ff / 1e12 : 0.0},
                                {"update", e_up > 0 ? up_ops / e_up / 1e12 : 0.0}};
        record["wall_s"] =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
        m_records.push_back(record);
        context.phase("checkpoint");
        append_record(record);
        write_checkpoint(epoch + 1);
        context.phase("");
        if (m_stop_after > 0 && epochs_this_run >= m_stop_after) break;
    }
    m_complete = static_cast<int>(m_records.size()) == m_epochs;
    context.phase("checkpoint");
    m_trained.clear();
    for (auto& u : m_hw->units)
        m_trained.push_back(u.read_weights());
    if (!m_live_dir.empty()) export_network(m_live_dir + "/trained_network.json");
    context.phase("");
}

void GxnorTraining::export_network(const std::string& path) const {
    // The trained hardware network as an inference network: ternary weights, batch norm folded
    // into a per-output gain (applied to the weights) and a bias, the ternary activation.
    Network net;
    net.name = "gxnor_trained";
    net.description = "trained in situ by gxnor_training (hardware network)";
    net.input_shape = {m_widths[0], 1, 1};
    for (std::size_t l = 0; l < m_hw->units.size(); ++l) {
        const GxnorLayer::State s = m_hw->units[l].save_state();
        Layer d = make_dense("fc" + std::to_string(l + 1), m_widths[l], m_widths[l + 1],
                             static_cast<int>(l) - 1);
        d.activation = l + 1 < m_hw->units.size() ? Activation::ternary : Activation::none;
        d.weights.resize(s.weights.size());
        d.bias.resize(static_cast<std::size_t>(d.outputs));
        // The first layer saw pixels p in [0, 1] as 2p - 1: x W = 2 p W - sum_i W, so its
        // weights double and its bias takes the sum, and the file takes pixels as they are.
        const bool first = l == 0;
        for (int o = 0; o < d.outputs; ++o) {
            const std::size_t k = static_cast<std::size_t>(o);
            const float scale =
                s.gamma[k] / std::sqrt(s.running_var[k] + static_cast<float>(m_hyper.bn_epsilon));
            float column = 0.0f;
            for (int i = 0; i < d.inputs; ++i) {
                const std::size_t w = static_cast<std::size_t>(i) * d.outputs + k;
                d.weights[w] = (first ? 2.0f : 1.0f) * scale * static_cast<float>(s.weights[w]);
                column += static_cast<float>(s.weights[w]);
            }
            d.bias[k] = s.beta[k] - scale * s.running_mean[k] - (first ? scale * column : 0.0f);
        }
        net.layers.push_back(std::move(d));
    }
    save_network(net, path);
}

json GxnorTraining::results() const {
    json r = {{"widths", m_widths}, {"units", m_units}, {"epochs", m_records}};
    r["epochs_requested"] = m_epochs;
    r["complete"] = m_complete;
    if (!m_records.empty()) {
        const json& last = m_records.back();
        r["final"] = {{"hardware_test_accuracy", last["hardware"]["test_accuracy"]},
                      {"hardware_best_test_accuracy", last["hardware"]["best_test_accuracy"]}};
        if (last.contains("software")) {
            r["final"]["software_test_accuracy"] = last["software"]["test_accuracy"];
            r["final"]["software_best_test_accuracy"] = last["software"]["best_test_accuracy"];
        }
        double e_ff = 0, e_up = 0, ff_ops = 0, up_ops = 0;
        for (const json& e : m_records) {
            e_ff += e["energy_J"]["feed_forward"].get<double>();
            e_up += e["energy_J"]["update"].get<double>();
            ff_ops += e["energy_J"]["feed_forward"].get<double>() /
                      std::max(1e-300, e["energy_per_op_J"]["feed_forward"].get<double>());
            up_ops += e["update"]["synapse_updates"].get<double>();
        }
        r["tops_per_w"] = {{"feed_forward", e_ff > 0 ? ff_ops / e_ff / 1e12 : 0.0},
                           {"update", e_up > 0 ? up_ops / e_up / 1e12 : 0.0},
                           {"op", "one synapse multiply-accumulate (feed-forward) or one "
                                  "synapse's update per batch (update)"}};
    }
    if (!m_live_dir.empty()) r["training_folder"] = m_live_dir;
    return r;
}

WorkloadTotals GxnorTraining::totals() const {
    WorkloadTotals t;
    t.items = m_images_trained;
    t.items_requested = m_images_requested;
    // No single op count fits the whole run's energy (forward and update ops differ): the
    // workload's results give TOPS/W for each; the report's generic figure is left out.
    t.ops = 0.0;
    t.item_name = "training image";
    if (!m_complete && m_stop_after > 0 && !m_records.empty())
        t.incomplete_reason = "stopped after " + std::to_string(m_records.size()) + " of " +
                              std::to_string(m_epochs) +
                              " epochs (stop_after_epochs); continue with --resume";
    return t;
}

std::string GxnorTraining::summary() const {
    if (m_records.empty()) return "no epoch completed";
    const json& last = m_records.back();
    char buf[256];
    std::snprintf(buf, sizeof buf, "epoch %d: test accuracy %.2f%% (best %.2f%%)",
                  last["epoch"].get<int>(), 100 * last["hardware"]["test_accuracy"].get<double>(),
                  100 * last["hardware"]["best_test_accuracy"].get<double>());
    std::string s = buf;
    if (last.contains("software")) {
        std::snprintf(buf, sizeof buf, "; software GXNOR %.2f%% (best %.2f%%)",
                      100 * last["software"]["test_accuracy"].get<double>(),
                      100 * last["software"]["best_test_accuracy"].get<double>());
        s += buf;
    }
    return s;
}

json GxnorTraining::resolved_paths() const {
    return {{"dataset",
             {{"train_images", m_train_images},
              {"train_labels", m_train_labels},
              {"test_images", m_test_images},
              {"test_labels", m_test_labels}}}};
}

double GxnorTraining::estimate_bytes(const Params& p, const PlatformInfo&) {
    // The images as floats (Fashion-MNIST's sizes when no limit is given) and the software
    // network's weights, moments and gradients (the hardware's are its blocks').
    const double train = p.integer("dataset.train_limit") ? p.integer("dataset.train_limit") : 6e4;
    const double test = p.integer("dataset.test_limit") ? p.integer("dataset.test_limit") : 1e4;
    return (train + test) * 784 * 4.0 + 784.0 * 1024 * 16;
}

namespace {
const bool kRegistered = register_workload<GxnorTraining>(
    "gxnor_training",
    "train a ternary network in situ on training_unit blocks (GXNOR, stochastic MTJ switching), "
    "beside the same network trained in software",
    &GxnorTraining::estimate_bytes);
} // namespace

} // namespace neurotlm
