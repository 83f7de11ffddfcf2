// The neuron bank block and the fully analog chain tile -> neuron bank -> tile: its outputs
// against the SystemC-free models composed by hand (column currents from the conductances,
// the readout, the neuron's transfer, the next tile's effective weights), the links' energy
// and the chain's timing.
#include "neurotlm/blocks/neuron_bank/neuron_bank_module.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/blocks/controller/controller_module.h"
#include "neurotlm/blocks/crossbar/tile_driver.h"
#include "neurotlm/blocks/crossbar/tile_module.h"
#include "neurotlm/blocks/neuron_bank/neuron_bank_driver.h"
#include "neurotlm/core/cycles.h"
#include "neurotlm/devices/technology.h"
#include "testing/platforms.h"

using namespace neurotlm;
using neurotlm::testing::config_from;
using neurotlm::testing::run_job;

namespace {

constexpr std::uint64_t kTile0 = 0x10000000, kTile1 = 0x10400000, kAct = 0x20000000;

json tile(const std::string& name, int rows, int cols) {
    return {{"name", name},        {"type", "crossbar_tile"}, {"rows", rows},
            {"cols", cols},        {"device", "dev"},         {"adc", {{"bits", 0}}},
            {"read_noise", false}, {"variation", false}};
}

// tile0 (4 inputs, 3 outputs) -> act0 (3 neurons) -> tile1 (3 inputs, 2 outputs).
json chain_platform(bool analog = true, const std::string& readout = "transimpedance") {
    json doc = {{"neurotlm", 1},
                {"name", "chain"},
                {"seed", 3},
                {"devices",
                 {{"dev",
                   {{"type", "rram"},
                    {"levels", 1024},
                    {"r_on", "5 kohm"},
                    {"r_off", "15 kohm"},
                    {"read_voltage", "0.2 V"},
                    {"source", "test device"}}}}},
                {"components",
                 {{{"name", "ctrl"}, {"type", "controller"}},
                  {{"name", "bus"}, {"type", "router"}},
                  tile("tile0", 4, 6),
                  tile("tile1", 3, 4),
                  {{"name", "act0"},
                   {"type", "neuron_bank"},
                   {"neurons", 3},
                   {"readout", {{"kind", readout}, {"gain", 4}, {"r_unit", "1 kohm"}}}}}},
                {"connections",
                 {{{"from", "ctrl.out"}, {"to", "bus.in"}},
                  {{"from", "bus.out"}, {"to", "tile0.in"}, {"base", "0x10000000"}},
                  {{"from", "bus.out"}, {"to", "tile1.in"}, {"base", "0x10400000"}},
                  {{"from", "bus.out"}, {"to", "act0.in"}, {"base", "0x20000000"}}}}};
    if (analog) {
        doc["connections"].push_back(
            {{"from", "tile0.aout"}, {"to", "act0.ain"}, {"length", "100 um"}});
        doc["connections"].push_back({{"from", "act0.aout"}, {"to", "tile1.ain"}});
    }
    return doc;
}

const std::vector<float> kW0{0.5f,  -0.25f, 1.0f,  -1.0f, 0.75f,  0.0f,
                             0.25f, 0.5f,   -0.5f, 0.0f,  -0.75f, 0.25f};
const std::vector<float> kW1{1.0f, -0.5f, -0.25f, 0.75f, 0.5f, 0.5f};
// Multiples of 1/255, so the 8-bit input quantisation keeps them.
const std::vector<float> kX{1.0f, -0.6f, 0.2f, 0.4f};

} // namespace

TEST(NeuronBank, ActivatesWrittenInputsThroughTheModel) {
    Platform p(config_from(chain_platform(false)));
    const auto* bank = dynamic_cast<const NeuronBank*>(p.find("act0"));
    ASSERT_NE(bank, nullptr);
    std::vector<float> out;
    const std::vector<float> vin{-0.1f, 0.0f, 0.05f};
    run_job(p, [&](Controller& c) {
        NeuronBankDriver d(c, kAct, "act0");
        d.probe();
        EXPECT_EQ(d.neurons(), 3u);
        d.activate(vin);
        out = d.read_outputs();
        EXPECT_EQ(d.activations(), 1u);
        EXPECT_THROW(d.activate({0.0f}), BusError);
    });
    const SotNeuron n(bank->spec().neuron);
    double e = 0.0;
    for (std::size_t i = 0; i < vin.size(); ++i) {
        EXPECT_NEAR(out[i], n.output_V(vin[i]), 1e-6);
        e += n.operating_point(vin[i]).power_W() * 1e-9;
    }
    EXPECT_NEAR(bank->ledger().dynamic_energy_J(), e, 1e-6 * e);
    EXPECT_NEAR(bank->area_m2(), 3 * bank->spec().neuron.area_m2(), 1e-24);
    EXPECT_GT(bank->ledger().leakage_power_W(), 0.0);
}

// Program both tiles, start tile0's MVM and read tile1's outputs into @p y (the read waits for
// the whole chain); @p started, if given, gets the time the MVM was started. Returns the end.
static double run_chain(Platform& p, std::vector<float>& y, double* started = nullptr) {
    return run_job(p, [&](Controller& c) {
        CrossbarTileDriver d0(c, kTile0, "tile0"), d1(c, kTile1, "tile1");
        d0.probe();
        d1.probe();
        d0.program(kW0.data(), 4, 3, 1.0f);
        d1.program(kW1.data(), 3, 2, 1.0f);
        d0.set_input_range(1.0f);
        d1.set_input_range(1.0f);
        if (started) *started = c.now().to_seconds();
        d0.start_mvm(kX.data(), 4); // the chain propagates from here
        d1.collect(y.data(), 2);
    });
}

TEST(AnalogChain, OutputsEqualTheCompositionOfTheCircuitModels) {
    Platform p(config_from(chain_platform()));
    auto* t0 = dynamic_cast<CrossbarTile*>(p.find("tile0"));
    auto* t1 = dynamic_cast<CrossbarTile*>(p.find("tile1"));
    auto* bank = dynamic_cast<NeuronBank*>(p.find("act0"));
    ASSERT_TRUE(t0 && t1 && bank);
    std::vector<float> y(2);
    double t_mvm_end = 0.0;
    const double end = run_chain(p, y, &t_mvm_end);

    // tile0: differential column currents from the programmed conductances.
    const double vr = 0.2;
    const auto& g0 = t0->crossbar().conductances_S();
    std::vector<double> i_plus(3, 0.0), i_minus(3, 0.0);
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 3; ++j) {
            const double v = kX[static_cast<std::size_t>(i)] * vr;
            i_plus[j] += v * g0[static_cast<std::size_t>(i) * 6 + 2 * j];
            i_minus[j] += v * g0[static_cast<std::size_t>(i) * 6 + 2 * j + 1];
        }
    // The readout amplifier, then the neuron (no variation: nominal devices).
    const SotNeuron neuron(bank->spec().neuron);
    std::vector<double> vout(3);
    for (int j = 0; j < 3; ++j)
        vout[j] =
            neuron.output_V(bank->spec().readout.output_from_currents_V(i_plus[j], i_minus[j]));
    // tile1 driven at those voltages: y = sum_i (V_i x_max / V_read) w_eff.
    const auto& w1 = t1->crossbar().effective_weights();
    for (int j = 0; j < 2; ++j) {
        double expect = 0.0;
        for (int i = 0; i < 3; ++i)
            expect += vout[i] / vr * w1[static_cast<std::size_t>(i) * 2 + j];
        EXPECT_NEAR(y[j], expect, 1e-4 * std::max(1.0, std::fabs(expect))) << "output " << j;
    }
    EXPECT_EQ(bank->ledger().actions().at(kActivation).count, 1u);

    // tile0's link ends in a virtual ground: its wires do not swing and cost nothing.
    const Technology& tech = *p.config().technology;
    const double c_wire = tech.wire_cap_F_per_m * 100e-6;
    double booked = -1.0;
    for (const auto& a : t0->ledger().actions())
        if (a.name == "analog_aout") booked = a.energy_J;
    EXPECT_EQ(booked, 0.0);
    // tile0 converts nothing: its outputs stay analog.
    EXPECT_EQ(t0->ledger().actions().at(kAdcConversion).count, 0u);

    // Timing: tile0's read, the link, one 1 ns window, the second link, tile1's read.
    const double link0 = 0.5 * tech.wire_res_ohm_per_m * 100e-6 * c_wire * std::log(100.0);
    EXPECT_GT(end, t_mvm_end + 1e-9 + 2 * 10e-9 + link0);
}

// IMAC-Sim's difference amplifier: the lines end in its input resistors, so each line's
// voltage is the divider of its cells and the resistor, and the amplifier takes the currents
// into the resistors. Composed by hand from the conductances (LineTermination::currents).
TEST(AnalogChain, ADifferenceReadoutLoadsTheTilesLines) {
    Platform p(config_from(chain_platform(true, "difference")));
    auto* t0 = dynamic_cast<CrossbarTile*>(p.find("tile0"));
    auto* t1 = dynamic_cast<CrossbarTile*>(p.find("tile1"));
    auto* bank = dynamic_cast<NeuronBank*>(p.find("act0"));
    ASSERT_TRUE(t0 && t1 && bank);
    std::vector<float> y(2);
    run_chain(p, y);
    const ReadoutAmpSpec& amp = bank->spec().readout;
    ASSERT_EQ(amp.kind, ReadoutKind::difference);
    const LineTermination term = amp.termination();
    EXPECT_DOUBLE_EQ(term.plus_ohm, 5e3); // (1 + 4) x 1 kohm
    EXPECT_DOUBLE_EQ(term.minus_ohm, 1e3);
    EXPECT_DOUBLE_EQ(term.minus_follows, 0.8);

    const double vr = 0.2;
    const auto& g0 = t0->crossbar().conductances_S();
    const SotNeuron neuron(bank->spec().neuron);
    std::vector<double> vout(3), i_diff(3);
    double differs = 0.0;
    for (int j = 0; j < 3; ++j) {
        double isc_p = 0.0, isc_m = 0.0, g_p = 0.0, g_m = 0.0;
        for (int i = 0; i < 4; ++i) {
            const double v = kX[static_cast<std::size_t>(i)] * vr;
            const double gp = g0[static_cast<std::size_t>(i) * 6 + 2 * j];
            const double gm = g0[static_cast<std::size_t>(i) * 6 + 2 * j + 1];
            isc_p += v * gp;
            isc_m += v * gm;
            g_p += gp;
            g_m += gm;
        }
        double ip = 0.0, im = 0.0;
        term.currents(isc_p, g_p, isc_m, g_m, &ip, &im);
        i_diff[static_cast<std::size_t>(j)] = ip - im;
        // By hand: the I+ line's divider, then the I- line against the follower node.
        const double v_plus = isc_p / (g_p + 1.0 / 5e3);
        const double v_minus = (isc_m + 0.8 * v_plus / 1e3) / (g_m + 1.0 / 1e3);
        EXPECT_NEAR(ip, v_plus / 5e3, 1e-15);
        EXPECT_NEAR(im, (v_minus - 0.8 * v_plus) / 1e3, 1e-15);
        EXPECT_NEAR(amp.output_from_currents_V(ip, im), amp.output_V(v_plus, v_minus), 1e-12);
        vout[j] = neuron.output_V(amp.output_from_currents_V(ip, im));
        differs = std::max(differs, std::fabs(amp.output_from_currents_V(ip, im) -
                                              amp.output_from_currents_V(isc_p, isc_m)));
    }
    // The load matters here (a 4-row tile of 5-15 kohm cells into 1 and 5 kohm).
    EXPECT_GT(differs, 1e-3);
    const auto& w1 = t1->crossbar().effective_weights();
    for (int j = 0; j < 2; ++j) {
        double expect = 0.0;
        for (int i = 0; i < 3; ++i)
            expect += vout[i] / vr * w1[static_cast<std::size_t>(i) * 2 + j];
        EXPECT_NEAR(y[j], expect, 1e-4 * std::max(1.0, std::fabs(expect))) << "output " << j;
    }
    // The lines now carry voltages: the link (100 um) books C V^2 on both wires of each pair,
    // V the difference current across the I+ line's (1 + gain) r_unit.
    const double c_wire = p.config().technology->wire_cap_F_per_m * 100e-6;
    double e_link = 0.0;
    for (int j = 0; j < 3; ++j) {
        const double v = i_diff[static_cast<std::size_t>(j)] * 5e3;
        e_link += 2.0 * c_wire * v * v;
    }
    double booked = 0.0;
    for (const auto& a : t0->ledger().actions())
        if (a.name == "analog_aout") booked = a.energy_J;
    EXPECT_GT(booked, 0.0);
    EXPECT_NEAR(booked, e_link, 1e-6 * e_link);
}

TEST(AnalogChain, ATileWithoutAnalogLinksBehavesAsBefore) {
    Platform p(config_from(chain_platform(false)));
    auto* t0 = dynamic_cast<CrossbarTile*>(p.find("tile0"));
    std::vector<float> y(3);
    run_job(p, [&](Controller& c) {
        CrossbarTileDriver d0(c, kTile0, "tile0");
        d0.probe();
        d0.program(kW0.data(), 4, 3, 1.0f);
        d0.set_input_range(1.0f);
        d0.start_mvm(kX.data(), 4);
        d0.collect(y.data(), 3);
    });
    const auto& w = t0->crossbar().effective_weights();
    for (int j = 0; j < 3; ++j) {
        double expect = 0.0;
        for (int i = 0; i < 4; ++i)
            expect += kX[static_cast<std::size_t>(i)] * w[static_cast<std::size_t>(i) * 3 + j];
        EXPECT_NEAR(y[j], expect, 1e-5);
    }
    for (const auto& a : t0->ledger().actions())
        if (a.name == "analog_aout") EXPECT_EQ(a.count, 0u);
}

namespace {

constexpr std::uint64_t kTile2 = 0x10800000;

// A layer split over two row blocks: tile0 (inputs 0-3) and tile2 (inputs 4-7) feed act0's two
// parts; act0's neurons 1 and 2 drive tile1's first two rows, its third row is a bias row.
json split_platform(const std::string& mode = "neuron") {
    json doc = chain_platform(false);
    doc["components"].push_back(tile("tile2", 4, 6));
    doc["components"][4]["parts"] = 2;
    doc["components"][4]["mode"] = mode;
    doc["components"][3]["ain_rows"] = 2;
    doc["components"][3]["bias_rows"] = 1;
    doc["connections"].push_back({{"from", "bus.out"}, {"to", "tile2.in"}, {"base", "0x10800000"}});
    doc["connections"].push_back({{"from", "tile0.aout"}, {"to", "act0.ain0"}});
    doc["connections"].push_back({{"from", "tile2.aout"}, {"to", "act0.ain1"}});
    doc["connections"].push_back(
        {{"from", "act0.aout"}, {"to", "tile1.ain"}, {"first", 1}, {"count", 2}});
    return doc;
}

const std::vector<float> kW2{-0.5f, 0.25f, 0.75f, 1.0f,  0.0f,  -0.25f,
                             0.5f,  0.5f,  -1.0f, 0.25f, -0.5f, 0.0f};
const std::vector<float> kX2{0.2f, 1.0f, -0.4f, 0.6f};

// Differential currents of @p t driven at @p x (x_max 1) times the read voltage.
std::vector<double> currents(const CrossbarTile& t, const std::vector<float>& x, double vr) {
    const auto& g = t.crossbar().conductances_S();
    const int cols = t.crossbar().spec().cols;
    std::vector<double> i(static_cast<std::size_t>(cols / 2), 0.0);
    for (std::size_t r = 0; r < x.size(); ++r)
        for (std::size_t j = 0; j < i.size(); ++j)
            i[j] += x[r] * vr * (g[r * cols + 2 * j] - g[r * cols + 2 * j + 1]);
    return i;
}

} // namespace

TEST(AnalogChain, ABankOfTwoPartsAveragesTheReadoutsAndActivatesOnTheLastPart) {
    Platform p(config_from(split_platform()));
    auto* t0 = dynamic_cast<CrossbarTile*>(p.find("tile0"));
    auto* t1 = dynamic_cast<CrossbarTile*>(p.find("tile1"));
    auto* t2 = dynamic_cast<CrossbarTile*>(p.find("tile2"));
    auto* bank = dynamic_cast<NeuronBank*>(p.find("act0"));
    ASSERT_TRUE(t0 && t1 && t2 && bank);
    std::vector<float> y(2);
    double second_start = 0.0;
    std::uint32_t after_first = 99;
    const double end = run_job(p, [&](Controller& c) {
        CrossbarTileDriver d0(c, kTile0, "tile0"), d1(c, kTile1, "tile1"), d2(c, kTile2, "tile2");
        NeuronBankDriver b(c, kAct, "act0");
        for (auto* d : {&d0, &d1, &d2})
            d->probe();
        b.probe();
        b.set_gain(6.0f); // replaces the configured 4
        d0.program(kW0.data(), 4, 3, 1.0f);
        d2.program(kW2.data(), 4, 3, 1.0f);
        d1.program(kW1.data(), 3, 2, 1.0f);
        for (auto* d : {&d0, &d1, &d2})
            d->set_input_range(1.0f);
        d0.start_mvm(kX.data(), 4);
        after_first = b.activations();
        c.digital(DigitalOp::accumulate, 5000); // time passes between the parts
        second_start = c.now().to_seconds();
        d2.start_mvm(kX2.data(), 4);
        d1.collect(y.data(), 2);
        EXPECT_EQ(b.activations(), 1u);
    });
    EXPECT_EQ(after_first, 0u) << "the bank waits for its second part";

    const double vr = 0.2;
    const std::vector<double> i0 = currents(*t0, kX, vr), i2 = currents(*t2, kX2, vr);
    const SotNeuron neuron(bank->spec().neuron);
    std::vector<double> vout(3);
    for (std::size_t j = 0; j < 3; ++j)
        vout[j] = neuron.output_V(average_parts_V({6.0 * 1e3 * i0[j], 6.0 * 1e3 * i2[j]}));
    // tile1: rows 0-1 from neurons 1-2, row 2 the bias row at the full read voltage.
    const auto& w1 = t1->crossbar().effective_weights();
    for (std::size_t j = 0; j < 2; ++j) {
        const double expect =
            vout[1] / vr * w1[0 * 2 + j] + vout[2] / vr * w1[1 * 2 + j] + 1.0 * w1[2 * 2 + j];
        EXPECT_NEAR(y[j], expect, 1e-4 * std::max(1.0, std::fabs(expect))) << "output " << j;
    }
    EXPECT_EQ(bank->ledger().actions().at(kActivation).count, 1u);
    // From the later part: its read, the 1 ns window, tile1's read.
    EXPECT_GT(end, second_start + 2 * 10e-9 + 1e-9);
}

TEST(AnalogChain, APartSentTwiceBeforeTheOthersIsRefused) {
    Platform p(config_from(split_platform()));
    std::uint32_t error = 0;
    run_job(p, [&](Controller& c) {
        CrossbarTileDriver d0(c, kTile0, "tile0");
        d0.probe();
        d0.program(kW0.data(), 4, 3, 1.0f);
        d0.set_input_range(1.0f);
        d0.start_mvm(kX.data(), 4);
        d0.start_mvm(kX.data(), 4);
        error = c.read32(kAct + regmap::ERROR_CODE.offset);
    });
    EXPECT_EQ(error, regmap::kErrBadSize.value);
}

TEST(AnalogChain, ALinearBankPassesTheReadoutOnWithoutNeurons) {
    json doc = chain_platform(false);
    doc["components"][4]["mode"] = "linear";
    Platform p(config_from(doc));
    const auto* bank = dynamic_cast<const NeuronBank*>(p.find("act0"));
    std::vector<float> out;
    const std::vector<float> vin{-0.3f, 0.0f, 0.7f};
    run_job(p, [&](Controller& c) {
        NeuronBankDriver d(c, kAct, "act0");
        d.probe();
        d.activate(vin);
        out = d.read_outputs();
    });
    EXPECT_EQ(out, vin);
    EXPECT_EQ(bank->ledger().dynamic_energy_J(), 0.0);
    EXPECT_EQ(bank->area_m2(), 0.0);
    EXPECT_EQ(bank->ledger().leakage_power_W(), 0.0);
}
