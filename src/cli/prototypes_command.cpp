#include "prototypes_command.h"

#include <cstdio>

#include "neurotlm/core/files.h"
#include "neurotlm/workloads/dataset.h"
#include "neurotlm/workloads/network.h"
#include "neurotlm/workloads/semantic.h"

namespace neurotlm::cli {

void PrototypesCommand::add(CLI::App& app) {
    const std::string dir = default_fashion_mnist_dir();
    images = dir + "/train-images-idx3-ubyte.gz";
    labels = dir + "/train-labels-idx1-ubyte.gz";
    command = app.add_subcommand(
        "prototypes",
        "build the semantic memory of a network's exits: each exit layer's output pooled over a "
        "grid, the training images' mean and spread, and one ternary prototype per class (for a "
        "CAM), written as JSON");
    command->add_option("network", network, "network file (docs/network-format.md)")->required();
    command->add_option("--exit", exits, "a layer after which the network may exit (repeat)")
        ->required();
    command->add_option("--grid", grid, "pool each exit's feature map over GRID x GRID cells")
        ->capture_default_str()
        ->check(CLI::Range(1, 1024));
    command
        ->add_option("--delta", delta,
                     "a pooled value more than DELTA standard deviations above (below) the "
                     "training mean is a 1 (0), else don't-care")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 100.0));
    command->add_option("--images", images, "training images (IDX)")->capture_default_str();
    command->add_option("--labels", labels, "training labels (IDX)")->capture_default_str();
    command->add_option("--limit", limit, "use only the first N images (0: all)");
    command->add_option("--out,-o", out, "output file")->required();
}

int PrototypesCommand::run() {
    if (!command || !*command) return -1;
    check_output_file(out, "--out");
    const Network net = load_network(network);
    const Dataset train = load_idx(images, labels, limit);
    std::vector<ExitSpec> specs;
    for (const std::string& e : exits)
        specs.push_back({e, grid, delta});
    const SemanticMemory mem = build_semantic_memory(net, train, specs);
    save_semantic_memory(mem, out);
    // How well the prototypes alone classify the images they came from, exit by exit.
    for (const SemanticExit& e : mem.exits) {
        const Layer& L = net.layers[static_cast<std::size_t>(e.layer)];
        std::printf("exit after %s: %d bits (%d channels x %d cells), keys care about %.1f bits "
                    "on average; the nearest prototype is the image's class for %.2f%% of the "
                    "%d images\n",
                    e.spec.after.c_str(), e.bits(), L.out_shape.channels, e.spec.grid * e.spec.grid,
                    e.mean_cared, 100.0 * e.train_match, train.count);
    }
    std::printf("semantic memory: %s\n", out.c_str());
    return 0;
}

} // namespace neurotlm::cli
