// The Hopfield circuit model against ngspice: every iteration of a synchronous recall is
// exported as a netlist, ngspice solves its DC operating point, and the neuron input currents
// must agree within 1%; a recall driven only by ngspice's currents must end in the same state
// after the same number of iterations.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include <gtest/gtest.h>

#include "testing/require.h"

#include "neurotlm/blocks/hopfield/hopfield.h"
#include "neurotlm/blocks/hopfield/spice_export.h"
#include "neurotlm/core/error.h"
#include "testing/paths.h"

namespace neurotlm {
namespace {

TEST(HopfieldSpice, ParsesNgspiceBatchOutput) {
    // As printed by ngspice 39 in batch mode (the exit note goes to stderr).
    const std::string out = "\nNote: No compatibility mode selected!\n\n\nCircuit: * t\n\n"
                            "Doing analysis at TEMP = 27.000000 and TNOM = 27.000000\n\n\n"
                            "No. of Data Rows : 1\n"
                            "i(vm0) = 1.000000000000e-04\n"
                            "i(vm1) = -7.853984994176e-06\n";
    const auto v = parse_ngspice_values(out);
    ASSERT_EQ(v.count("i(vm0)"), 1u);
    EXPECT_EQ(v.at("i(vm0)"), 1e-4);
    EXPECT_EQ(v.at("i(vm1)"), -7.853984994176e-06);
    EXPECT_EQ(v.count("Doing analysis at TEMP"), 0u);
    const std::vector<double> i = parse_neuron_currents(out, 2);
    EXPECT_EQ(i[1], -7.853984994176e-06);
    EXPECT_THROW(parse_neuron_currents(out, 3), InputError);
}

TEST(HopfieldSpice, NetlistHasOneResistorPerMtj) {
    HopfieldSpec s;
    s.neurons = 3;
    s.storage = WeightStorage::multilevel;
    s.pairs_per_weight = 2;
    HopfieldNetwork net(s, RngStream(1, "net"));
    std::ostringstream os;
    write_hopfield_netlist(os, net.synapse_array(), {1, -1, 1}, "test");
    const std::string text = os.str();
    int resistors = 0, sources = 0, ammeters = 0;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("RP", 0) == 0 || line.rfind("RN", 0) == 0) ++resistors;
        if (line.rfind("VA", 0) == 0 || line.rfind("VB", 0) == 0) ++sources;
        if (line.rfind("VM", 0) == 0) ++ammeters;
    }
    EXPECT_EQ(resistors, 3 * 2 * 2 * 2); // 6 off-diagonal sites x 2 pairs x 2 MTJs
    EXPECT_EQ(sources, 6);
    EXPECT_EQ(ammeters, 3);
    EXPECT_NE(text.find("VB1 b1 0 DC 0.1"), std::string::npos); // neuron 1 is -1: -V on a, +V on b
    EXPECT_NE(text.find("VA1 a1 0 DC -0.1"), std::string::npos);
    EXPECT_NE(text.find("\nop\n"), std::string::npos);
}

struct SpiceCase {
    HopfieldSpec spec;
    int patterns;
    int probes;
    const char* tag;
};

void check_against_ngspice(const SpiceCase& c) {
    const int n = c.spec.neurons;
    HopfieldNetwork net(c.spec, RngStream(21, c.tag));
    RngStream rng(22, c.tag);
    const std::vector<HopfieldPattern> stored = random_patterns(c.patterns, n, rng);
    const HopfieldWriteCost wc = net.store(0, stored);
    const SynapseArray array = net.synapse_array();
    const std::string dir = testing::scratch_dir(std::string("hopfield-spice-") + c.tag);
    const double unit = net.unit_current_A();

    double worst_rel = 0.0;
    int solves = 0, cycles = 0, recalled = 0;
    for (int k = 0; k < c.probes; ++k) {
        // Half the probes are corrupted stored patterns, half random states (longer runs).
        const HopfieldPattern& xi = stored[static_cast<std::size_t>(k) % stored.size()];
        const HopfieldPattern probe =
            k % 2 == 0 ? flip_bits(xi, 3 + k % 5, rng) : random_patterns(1, n, rng)[0];
        const HopfieldRecall model = net.recall(probe);
        recalled += model.state == xi;

        // The same recall, decided by ngspice's currents alone.
        HopfieldPattern state = probe, previous;
        int iterations = 0;
        bool converged = false, cycle = false;
        while (iterations < c.spec.max_iterations) {
            const std::string cir =
                dir + "/p" + std::to_string(k) + "_i" + std::to_string(iterations) + ".cir";
            write_hopfield_netlist(cir, array, state);
            const std::vector<double> spice = parse_neuron_currents(run_ngspice(cir), n);
            ++solves;
            ASSERT_LT(static_cast<std::size_t>(iterations), model.steps.size());
            const HopfieldStep& step = model.steps[static_cast<std::size_t>(iterations)];
            EXPECT_EQ(step.drive, state) << "probe " << k << " iteration " << iterations;
            for (int i = 0; i < n; ++i) {
                const double s = spice[static_cast<std::size_t>(i)];
                const double m = step.currents_A[static_cast<std::size_t>(i)];
                EXPECT_NEAR(m, s, 0.01 * std::max(std::fabs(s), unit))
                    << "probe " << k << " iteration " << iterations << " neuron " << i;
                worst_rel = std::max(worst_rel, std::fabs(m - s) / std::max(std::fabs(s), unit));
            }
            ++iterations;
            HopfieldPattern next = state;
            for (int i = 0; i < n; ++i) {
                const double s = spice[static_cast<std::size_t>(i)];
                if (s > 1e-3 * unit)
                    next[static_cast<std::size_t>(i)] = 1;
                else if (s < -1e-3 * unit)
                    next[static_cast<std::size_t>(i)] = -1;
            }
            if (next == state) {
                converged = true;
                break;
            }
            if (next == previous) {
                cycle = true;
                previous = state;
                state = next;
                break;
            }
            previous = state;
            state = next;
        }
        EXPECT_EQ(model.state, state) << "probe " << k;
        EXPECT_EQ(model.iterations, iterations) << "probe " << k;
        EXPECT_EQ(model.converged, converged) << "probe " << k;
        EXPECT_EQ(model.cycle, cycle) << "probe " << k;
        cycles += cycle;
    }
    std::printf("[%s] %d probes, %d ngspice solves, worst relative current difference %.3g, "
                "%d recalled their pattern, %d 2-cycles, %llu failed MTJ writes\n",
                c.tag, c.probes, solves, worst_rel, recalled, cycles,
                static_cast<unsigned long long>(wc.failed_writes));
}

TEST(HopfieldSpice, TernaryN32AgreesWithNgspice) {
    NEUROTLM_REQUIRE_TOOL(ngspice_available(), "ngspice");
    // Default device and writes (P_sw = 0.9933 per pulse, so a few MTJs hold the wrong state:
    // the comparison covers an asymmetric array too). P = 3 is odd, so no field is ever 0.
    SpiceCase c;
    c.spec.neurons = 32;
    c.spec.storage = WeightStorage::ternary;
    c.patterns = 3;
    c.probes = 20;
    c.tag = "ternary";
    check_against_ngspice(c);
}

TEST(HopfieldSpice, MultilevelWithVariationAgreesWithNgspice) {
    NEUROTLM_REQUIRE_TOOL(ngspice_available(), "ngspice");
    // Two pairs per weight, 5% lognormal device variation, a different bias point.
    SpiceCase c;
    c.spec.neurons = 32;
    c.spec.storage = WeightStorage::multilevel;
    c.spec.pairs_per_weight = 2;
    c.spec.cell.variation_sigma = 0.05;
    c.spec.read_voltage_V = 0.3;
    c.patterns = 4;
    c.probes = 8;
    c.tag = "multilevel";
    check_against_ngspice(c);
}

} // namespace
} // namespace neurotlm
