// NeuronBankSpec and activate_bank: the parameter table, the readout, energy and cycles of an
// activation from the neuron model.

#include "neurotlm/blocks/neuron_bank/neuron_bank.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "neurotlm/core/cycles.h"

using namespace neurotlm;

TEST(NeuronBankSpec, StructDefaultsAreTheTableDefaults) {
    const auto mismatches = NeuronBankSpec::table().default_mismatches();
    EXPECT_TRUE(mismatches.empty()) << mismatches.front();
}

TEST(NeuronBankSpec, ReadoutIsAGainTimesUnitResistanceTransimpedance) {
    NeuronBankSpec s;
    s.readout.gain = 30.0;
    s.readout.r_unit_ohm = 1e3;
    EXPECT_NEAR(s.input_from_current_V(2e-6), 0.06, 1e-15);
    EXPECT_NEAR(s.input_from_current_V(-1e-6), -0.03, 1e-15);
}

TEST(NeuronBankSpec, LeakageAndAreaScaleWithTheNeurons) {
    NeuronBankSpec s;
    s.neurons = 10;
    s.off_current_A = 50e-9;
    EXPECT_NEAR(s.leakage_W(), 10 * 50e-9 * 0.8, 1e-18);
    EXPECT_NEAR(s.area_m2(), 10 * s.neuron.area_m2(), 1e-24);
}

TEST(NeuronBank, AnActivationTakesTheWindowAndTheNeuronsPowerOverIt) {
    NeuronBankSpec s;
    s.neurons = 3;
    const NeuronBankModel model(s.neuron, 3, RngStream(1, "bank"));
    const std::vector<double> vin{-0.2, 0.0, 0.3};
    const NeuronBankResult r = activate_bank(s, model, vin);
    double e = 0.0;
    for (std::size_t i = 0; i < vin.size(); ++i) {
        const SotNeuron n(s.neuron);
        EXPECT_DOUBLE_EQ(r.vout_V[i], n.output_V(vin[i]));
        e += n.operating_point(vin[i]).power_W() * 1e-9;
    }
    EXPECT_NEAR(r.energy_J, e, 1e-9 * e);
    EXPECT_EQ(r.cycles, 1u); // 1 ns at 1 GHz
}

TEST(NeuronBank, SettlingTimingHoldsTheInputForTheSlowestNeuron) {
    NeuronBankSpec s;
    s.neurons = 2;
    s.timing = NeuronTiming::settling;
    s.clock_Hz = 10e9;
    const NeuronBankModel model(s.neuron, 2, RngStream(1, "bank"));
    const std::vector<double> vin{0.0, 0.01};
    const NeuronBankResult r = activate_bank(s, model, vin);
    const SotNeuron n(s.neuron);
    const double t = std::max(n.settling_time_s(0.0), n.settling_time_s(0.01));
    EXPECT_DOUBLE_EQ(r.hold_s, t);
    EXPECT_EQ(r.cycles, cycles_for(t, 10e9));
    const double p = n.operating_point(0.0).power_W() + n.operating_point(0.01).power_W();
    EXPECT_NEAR(r.energy_J, p * t, 1e-9 * p * t);
}
