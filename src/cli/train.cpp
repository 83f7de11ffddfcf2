// neurotlm-train: trains a dense classifier on IDX images and writes it in the neurotlm network
// format. The training itself lives in the library (workloads/trainer.h); this is the CLI.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"
#include "neurotlm/core/memory.h"
#include "neurotlm/core/units.h"
#include "neurotlm/workloads/dataset.h"
#include "neurotlm/workloads/network.h"
#include "neurotlm/workloads/trainer.h"

namespace {

struct Args {
    std::string images, labels, test_images, test_labels, out, activation = "relu";
    std::string memory_limit, resize, weights = "float", arch;
    bool layers_given = false; ///< --hidden or --activation
    bool name_given = false;
    std::size_t limit = 0, test_limit = 0;
    double binarize = -1.0, binarize_low = 0.0, binarize_high = 1.0;
    bool binarize_levels_given = false, ternary_threshold_given = false;
    neurotlm::TrainOptions train;
};

/// The preprocessing the options ask for, refused with the option to fix.
neurotlm::ImagePreprocessing preprocessing(const Args& args) {
    using neurotlm::InputError;
    neurotlm::ImagePreprocessing p;
    if (!args.resize.empty()) {
        const auto x = args.resize.find('x');
        std::size_t used_h = 0, used_w = 0;
        try {
            if (x == std::string::npos) throw std::invalid_argument("no x");
            p.resize_height = std::stoi(args.resize.substr(0, x), &used_h);
            p.resize_width = std::stoi(args.resize.substr(x + 1), &used_w);
        } catch (const std::exception&) {
            used_h = 0;
        }
        if (used_h == 0 || used_h != x || used_w != args.resize.size() - x - 1 ||
            p.resize_height < 1 || p.resize_width < 1 ||
            std::int64_t{p.resize_height} * p.resize_width > neurotlm::max_image_pixels)
            throw InputError("--resize " + args.resize +
                             ": expected HEIGHTxWIDTH, such as 20x20, of at most " +
                             std::to_string(neurotlm::max_image_pixels) + " pixels");
    }
    if (args.binarize >= 0.0) {
        p.binarize = true;
        p.threshold = static_cast<float>(args.binarize);
        p.low = static_cast<float>(args.binarize_low);
        p.high = static_cast<float>(args.binarize_high);
        if (!(p.low < p.high))
            throw InputError("--binarize-high " + fmt::format("{}", args.binarize_high) +
                             " must be above --binarize-low " +
                             fmt::format("{}", args.binarize_low));
    } else if (args.binarize_levels_given) {
        throw InputError("--binarize-low and --binarize-high need --binarize THRESHOLD");
    }
    return p;
}

std::string hidden_list(const std::vector<int>& hidden) {
    std::string out;
    for (int h : hidden)
        out += (out.empty() ? "" : ", ") + std::to_string(h);
    return out;
}

std::uint64_t memory_limit(const std::string& text) {
    using namespace neurotlm;
    if (text.empty()) return default_memory_limit_bytes();
    std::string why;
    const auto v = parse_address(text, &why);
    if (!v || *v == 0)
        throw InputError("--memory-limit " + text + ": expected a size such as \"4 GiB\"" +
                         (why.empty() ? std::string() : " (" + why + ")"));
    return *v;
}

/// Refuse a training run whose estimate exceeds @p limit, before it allocates.
void check_memory(const neurotlm::TrainingMemory& m, std::uint64_t limit, const Args& args) {
    using neurotlm::format_bytes;
    if (m.total_B() <= static_cast<double>(limit)) return;
    throw neurotlm::InputError(
        "training hidden layers [" + hidden_list(args.train.hidden) + "] needs an estimated " +
        format_bytes(m.total_B()) + " (" + format_bytes(m.parameters_B) +
        " for the weights and optimiser state, " + format_bytes(m.datasets_B) +
        " for the images, " + format_bytes(m.activations_B) +
        " for a batch's activations), over the memory limit of " +
        format_bytes(static_cast<double>(limit)) +
        " (change it with --memory-limit, or use narrower --hidden layers, fewer images or a "
        "smaller --batch)");
}

int run(const Args& args) {
    using namespace neurotlm;
    TrainOptions options = args.train;
    options.activation = parse_activation(args.activation);
    options.weights =
        args.weights == "ternary" ? WeightQuantization::ternary : WeightQuantization::none;
    if (args.ternary_threshold_given && options.weights != WeightQuantization::ternary)
        throw InputError("--ternary-threshold applies only with --weights ternary");
    const ImagePreprocessing prep = preprocessing(args);
    const std::uint64_t limit = memory_limit(args.memory_limit);

    // From the headers alone, with the fewest classes a classifier can have: a run too large
    // for any labels is refused before the images are read.
    const bool have_test = !args.test_images.empty();
    auto images = [](const std::string& path, std::size_t cap) {
        const std::uint64_t n = idx_image_shape(path).count;
        return cap ? std::min<std::uint64_t>(n, cap) : n;
    };
    const IdxShape shape = idx_image_shape(args.images);
    const int inputs = prep.resizes() ? prep.resize_height * prep.resize_width
                                      : static_cast<int>(shape.height * shape.width);
    const std::uint64_t train_n = images(args.images, args.limit);
    const std::uint64_t test_n = have_test ? images(args.test_images, args.test_limit) : 0;
    Network arch;
    if (!args.arch.empty()) {
        if (args.layers_given)
            throw InputError("--arch gives the layers: --hidden and --activation do not apply");
        arch = load_network(args.arch);
        if (!args.name_given) options.name = arch.name; // the architecture's, unless renamed
        check_memory(estimate_network_training_memory(arch, train_n, test_n), limit, args);
    } else {
        check_memory(estimate_training_memory(inputs, train_n, test_n,
                                              options.classes > 0 ? options.classes : 2, options),
                     limit, args);
    }

    const auto started = std::chrono::steady_clock::now();
    Dataset train = load_idx(args.images, args.labels, args.limit);
    Dataset test;
    if (have_test) test = load_idx(args.test_images, args.test_labels, args.test_limit);
    preprocess(train, prep);
    if (have_test) preprocess(test, prep);
    // Again with the classes the labels need, before the network is allocated.
    if (args.arch.empty() && options.classes == 0 && !train.labels.empty())
        check_memory(estimate_training_memory(
                         inputs, train_n, test_n,
                         1 + *std::max_element(train.labels.begin(), train.labels.end()), options),
                     limit, args);
    fmt::print(stderr, "train: {} images of {}x{} from {}\n", train.count, train.height,
               train.width, args.images);
    if (have_test) fmt::print(stderr, "test:  {} images from {}\n", test.count, args.test_images);
    fmt::print(stderr, "inputs: {}\n", describe(prep));

    const std::string hidden = hidden_list(options.hidden);
    const std::string layers =
        args.arch.empty() ? fmt::format("hidden [{}] {}", hidden, to_string(options.activation))
                          : fmt::format("the layers of {} ({} layers, input {})", args.arch,
                                        arch.layers.size(), to_string(arch.input_shape));
    fmt::print(stderr, "{}, seed {}, lr {} (x{} per epoch), momentum {}, batch {}\n", layers,
               options.seed, options.learning_rate, options.lr_decay, options.momentum,
               options.batch);
    const bool ternary = options.weights == WeightQuantization::ternary;
    const std::string weights =
        ternary ? fmt::format("ternary (TWN, threshold {} x mean |w|, bias ternary too, scale "
                              "per layer)",
                              options.ternary_threshold)
                : std::string("float");
    fmt::print(stderr, "weights: {}\n", weights);
    options.description = fmt::format("trained by neurotlm-train: {}, weights {}; inputs {}x{}, {}",
                                      layers, weights, train.height, train.width, describe(prep));
    if (!args.arch.empty() && !arch.description.empty())
        options.description += "; architecture: " + arch.description;

    auto log = [](const EpochReport& r) {
        fmt::print(stderr, "epoch {:3d}  lr {:.4g}  loss {:.4f}  train acc {:.4f}", r.epoch,
                   r.learning_rate, r.loss, r.train_accuracy);
        if (r.test_accuracy >= 0.0) fmt::print(stderr, "  test acc {:.4f}", r.test_accuracy);
        fmt::print(stderr, "  {:.1f} s\n", r.seconds);
    };
    const Network net = args.arch.empty()
                            ? train_classifier(train, have_test ? &test : nullptr, options, log)
                            : train_network(arch, train, have_test ? &test : nullptr, options, log);
    save_network(net, args.out);

    // Measure the file as written, with the same float reference the simulator compares with.
    const Network saved = load_network(args.out);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (have_test) {
        const double acc = accuracy(saved, test);
        fmt::print("{}: float reference accuracy {:.4f} on {} test images, {} weights ({:.1f} s "
                   "in all)\n",
                   args.out, acc, test.count, args.weights, seconds);
    } else {
        fmt::print("{}: written ({:.1f} s in all)\n", args.out, seconds);
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    const std::string dir = neurotlm::default_fashion_mnist_dir();
    Args args;
    args.images = dir + "/train-images-idx3-ubyte.gz";
    args.labels = dir + "/train-labels-idx1-ubyte.gz";
    args.test_images = dir + "/t10k-images-idx3-ubyte.gz";
    args.test_labels = dir + "/t10k-labels-idx1-ubyte.gz";

    CLI::App app{"Train a classifier (dense, or any network of the network format with --arch) on "
                 "IDX images (Fashion-MNIST by default) and write it as a neurotlm network "
                 "(JSON + .npy)."};
    app.add_option("--images", args.images, "training images (IDX, optionally gzip'd)")
        ->capture_default_str();
    app.add_option("--labels", args.labels, "training labels (IDX)")->capture_default_str();
    app.add_option("--test-images", args.test_images, "test images; \"\" to skip testing")
        ->capture_default_str();
    app.add_option("--test-labels", args.test_labels, "test labels")->capture_default_str();
    app.add_option("--hidden", args.train.hidden, "hidden layer width (repeat for more layers)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_option("--activation", args.activation, "hidden activation")
        ->capture_default_str()
        ->check(CLI::IsMember({"none", "relu", "sigmoid", "tanh", "reverse_sigmoid"}));
    app.add_option("--classes", args.train.classes, "class count (0: largest label + 1)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    app.add_option("--epochs", args.train.epochs, "passes over the training set")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    app.add_option("--lr", args.train.learning_rate, "learning rate")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_option("--momentum", args.train.momentum, "SGD momentum in [0, 1)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 0.999999));
    app.add_option("--lr-decay", args.train.lr_decay, "learning-rate factor after each epoch")
        ->capture_default_str()
        ->check(CLI::Range(1e-6, 1.0));
    app.add_option("--weight-decay", args.train.weight_decay, "L2 penalty on weights")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    app.add_option("--batch", args.train.batch, "mini-batch size")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_option("--seed", args.train.seed, "seed for initialisation and shuffling")
        ->capture_default_str();
    app.add_option("--limit", args.limit, "use only the first N training images (0: all)")
        ->capture_default_str();
    app.add_option("--test-limit", args.test_limit, "use only the first N test images (0: all)")
        ->capture_default_str();
    app.add_option("--name", args.train.name, "network name (also prefixes the .npy files)")
        ->capture_default_str();
    app.add_option("--out", args.out, "output network JSON; .npy files go beside it")->required();
    app.add_option("--resize", args.resize,
                   "resize the images to HEIGHTxWIDTH by area averaging (e.g. 20x20) before "
                   "training and testing");
    app.add_option("--binarize", args.binarize,
                   "binarize the images (after --resize): a pixel in [0, 1] above this threshold "
                   "becomes --binarize-high, any other --binarize-low")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--binarize-low", args.binarize_low, "level of a pixel at or below --binarize")
        ->capture_default_str();
    app.add_option("--binarize-high", args.binarize_high, "level of a pixel above --binarize")
        ->capture_default_str();
    app.add_option("--weights", args.weights,
                   "float, or ternary: quantisation-aware training to scale x {-1, 0, 1} per "
                   "layer (weights and bias)")
        ->capture_default_str()
        ->check(CLI::IsMember({"float", "ternary"}));
    app.add_option("--ternary-threshold", args.train.ternary_threshold,
                   "with --weights ternary: weights at most this x the layer's mean |w| become 0")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 2.0));
    app.add_option("--arch", args.arch,
                   "train this network instead of a dense one: a network file (dense, conv2d, "
                   "pooling and add layers; docs/network-format.md) whose layers are trained "
                   "from a fresh initialisation (its weights are not used); not with --hidden "
                   "or --activation");
    app.add_option("--memory-limit", args.memory_limit,
                   "refuse a training run estimated to need more memory (default: 80% of this "
                   "machine's memory), e.g. \"4 GiB\"");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }
    args.binarize_levels_given =
        app.count("--binarize-low") > 0 || app.count("--binarize-high") > 0;
    args.ternary_threshold_given = app.count("--ternary-threshold") > 0;
    args.layers_given = app.count("--hidden") > 0 || app.count("--activation") > 0;
    args.name_given = app.count("--name") > 0;
    try {
        return run(args);
    } catch (const neurotlm::InputError& e) {
        fmt::print(stderr, "neurotlm-train: error: {}\n", neurotlm::printable(e.what(), true));
        return 2;
    } catch (const std::bad_alloc&) {
        // The estimate fitted the limit, but the machine had less to give: bad input all the same.
        fmt::print(stderr,
                   "neurotlm-train: error: out of memory (this machine has {}); train a "
                   "smaller network or on fewer images\n",
                   neurotlm::format_bytes(static_cast<double>(neurotlm::physical_memory_bytes())));
        return 2;
    } catch (const std::exception& e) {
        fmt::print(stderr, "neurotlm-train: internal error: {}\n",
                   neurotlm::printable(e.what(), true));
        return 1;
    }
}
