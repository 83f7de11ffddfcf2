// The sweep file: every bad entry is refused with its JSON pointer, and the points of each mode
// and value kind are the ones the format promises.

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"
#include "neurotlm/report/sweep_page.h"
#include "neurotlm/sweep/sweep_spec.h"

namespace {

using namespace neurotlm;

// A base platform: a tile, two neuron banks in neuron mode (one says so, one by default) and a
// linear one.
const json kBaseConfig = json::parse(R"({
  "neurotlm": 1, "seed": 1,
  "components": [
    {"name": "ctrl", "type": "controller"},
    {"name": "tile", "type": "crossbar_tile", "adc": {"bits": 5}},
    {"name": "n0", "type": "neuron_bank", "mode": "neuron", "neuron": {"ra": "12 ohm*um^2"}},
    {"name": "n1", "type": "neuron_bank", "readout": {"gain": 2}},
    {"name": "out", "type": "neuron_bank", "mode": "linear"}
  ],
  "workload": {"kind": "mlp_inference", "dataset": {"limit": 1000}}
})");

// The registered defaults the command line would give.
std::optional<json> defaults(const std::string& type, const std::string& key) {
    if (type != "neuron_bank") return std::nullopt;
    if (key == "mode") return json("neuron");
    if (key == "neuron/ra") return json(10e-12);
    if (key == "readout/gain") return json(30.0);
    return std::nullopt;
}

SweepSpec parse(const std::string& text) {
    return parse_sweep(json::parse(text), "sweep.json", "base.json", kBaseConfig, defaults);
}

// The pointer of the error a sweep text gets ("" if it is accepted).
std::string error_pointer(const std::string& text) {
    try {
        parse(text);
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("sweep.json: " + e.pointer()), std::string::npos)
            << e.what();
        EXPECT_FALSE(e.expected().empty());
        return e.pointer();
    }
    return "";
}

constexpr const char* kAdc = R"("set": "/components/1/adc/bits")";

std::string one(const std::string& parameter, const std::string& rest = "") {
    return R"({"base": "base.json", "parameters": [)" + parameter + "]" + rest + "}";
}

TEST(SweepSpec, EachBadEntryIsNamedByItsPointer) {
    const std::string adc = R"({"name": "adc", "list": [4, 5], )" + std::string(kAdc) + "}";
    EXPECT_EQ(error_pointer(one(adc)), "");
    EXPECT_EQ(error_pointer(one(adc, R"(, "colour": 1)")), "/colour");
    EXPECT_EQ(error_pointer(R"({"base": "b", "parameters": {}})"), "/parameters");
    EXPECT_EQ(error_pointer(R"({"base": "b", "parameters": []})"), "/parameters");
    EXPECT_EQ(error_pointer(one(R"({"list": [4], "set": "/seed"})")), "/parameters/0/name");
    EXPECT_EQ(error_pointer(one(R"({"name": "a", "list": [4], "seed": 1, "set": "/seed"})")),
              "/parameters/0/seed");
    EXPECT_EQ(error_pointer(one(R"({"name": "a", "set": "/seed"})")), "/parameters/0");
    EXPECT_EQ(error_pointer(one(
                  R"({"name": "a", "list": [4], "range": {"from": 1, "to": 2, "points": 2},
                      "set": "/seed"})")),
              "/parameters/0");
    EXPECT_EQ(error_pointer(one(R"({"name": "a", "list": [], "set": "/seed"})")),
              "/parameters/0/list");
    EXPECT_EQ(error_pointer(one(R"({"name": "a", "list": [4, {}], "set": "/seed"})")),
              "/parameters/0/list/1");
    EXPECT_EQ(error_pointer(one(R"({"name": "a", "list": [4, 4], "set": "/seed"})")),
              "/parameters/0");
    EXPECT_EQ(error_pointer(one(R"({"name": "a", "list": [4]})")), "/parameters/0/set");
    EXPECT_EQ(error_pointer(one(R"({"name": "a", "list": [4], "set": "seed"})")),
              "/parameters/0/set");
    EXPECT_EQ(error_pointer(one(R"({"name": "a", "list": [4], "set": "/components/9/rows"})")),
              "/parameters/0/set");
    EXPECT_EQ(error_pointer(one(R"({"name": "a", "list": [4], "set": "/seed/x"})")),
              "/parameters/0/set");
    EXPECT_EQ(error_pointer(one(R"({"name": "a", "list": [4], "set": ["/seed", 3]})")),
              "/parameters/0/set/1");
    EXPECT_EQ(error_pointer(one(
                  R"({"name": "a", "list": [4], "set": {"type": "buffer", "key": "capacity"}})")),
              "/parameters/0/set");
    EXPECT_EQ(error_pointer(one(R"({"name": "a", "list": [4], "set": {"type": "neuron_bank"}})")),
              "/parameters/0/set/key");
    EXPECT_EQ(error_pointer(one(R"({"name": "a", "list": [4],
                                    "set": {"type": "neuron_bank", "key": "neurons",
                                            "where": {"mode": "spiking"}}})")),
              "/parameters/0/set");
    EXPECT_EQ(error_pointer(one(R"({"name": "a", "range": {"from": "1 ns", "to": "2 V",
                                    "points": 2}, "set": "/seed"})")),
              "/parameters/0/range/to");
    EXPECT_EQ(error_pointer(one(R"({"name": "a", "range": {"from": 1, "to": 2}, "set": "/seed"})")),
              "/parameters/0/range/points");
    EXPECT_EQ(error_pointer(one(R"({"name": "a", "range": {"from": 0, "to": 2, "points": 3,
                                    "scale": "log"}, "set": "/seed"})")),
              "/parameters/0/range");
    EXPECT_EQ(error_pointer(one(R"({"name": "a", "random": {"from": 0, "to": 2, "samples": 0},
                                    "set": "/seed"})")),
              "/parameters/0/random/samples");
    EXPECT_EQ(error_pointer(one(adc, R"(, "mode": "diagonal")")), "/mode");
    EXPECT_EQ(error_pointer(one(adc, R"(, "collect": ["accuracy", "happiness"])")), "/collect/1");
    EXPECT_EQ(error_pointer(one(adc, R"(, "collect": [{"pointer": "totals"}])")),
              "/collect/0/pointer");
    EXPECT_EQ(error_pointer(one(adc, R"(, "pareto": {"x": "area_m2", "y": "accuracy"},
                                        "collect": ["accuracy", "energy_per_item_J"])")),
              "/pareto/x");
    EXPECT_EQ(error_pointer(one(adc, R"(, "timeout": "soon")")), "/timeout");
    EXPECT_EQ(error_pointer(one(adc, R"(, "set": {"/components/1/adc/bits": 3})")), "/set");
    EXPECT_EQ(error_pointer(one(adc, R"(, "set": ["/workload/dataset/limit"])")), "/set/0");
    // Two parameters on one target conflict in a grid (each point would set it twice) ...
    const std::string adc2 = R"({"name": "adc2", "list": [6, 7], )" + std::string(kAdc) + "}";
    EXPECT_EQ(error_pointer(one(adc + ", " + adc2)), "/parameters/1/set");
    EXPECT_EQ(error_pointer(one(adc + ", " + adc2, R"(, "mode": "zip")")), "/parameters/1/set");
    // ... not in a one-factor study, where they never meet.
    EXPECT_EQ(error_pointer(one(adc + ", " + adc2, R"(, "mode": "each")")), "");
    EXPECT_EQ(error_pointer(one(adc + R"(, {"name": "b", "list": [1, 2, 3], "set": "/seed"})",
                                R"(, "mode": "zip")")),
              "/parameters/1");
    EXPECT_EQ(error_pointer(one(adc + R"(, {"name": "adc", "list": [1], "set": "/seed"})")),
              "/parameters/1/name");
}

TEST(SweepSpec, GridIsTheCartesianProductLastParameterFastest) {
    const SweepSpec s =
        parse(one(R"({"name": "adc", "list": [4, 5], "set": "/components/1/adc/bits"},
                                     {"name": "seed", "list": [1, 2, 3], "set": "/seed"})"));
    const auto pts = sweep_points(s);
    ASSERT_EQ(pts.size(), 6u);
    EXPECT_EQ(pts[0].sets, (std::vector<std::string>{"/components/1/adc/bits=4", "/seed=1"}));
    EXPECT_EQ(pts[1].sets, (std::vector<std::string>{"/components/1/adc/bits=4", "/seed=2"}));
    EXPECT_EQ(pts[5].sets, (std::vector<std::string>{"/components/1/adc/bits=5", "/seed=3"}));
    for (std::size_t i = 0; i < pts.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            EXPECT_NE(pts[i].id, pts[j].id);
    // Ids depend on the overrides only: the same file gives the same ids.
    const auto again = sweep_points(s);
    for (std::size_t i = 0; i < pts.size(); ++i)
        EXPECT_EQ(pts[i].id, again[i].id);
}

TEST(SweepSpec, ZipPairsValuesAndEachVariesOneAtATime) {
    const std::string params =
        R"({"name": "adc", "list": [4, 5, 6], "set": "/components/1/adc/bits"},
                                  {"name": "seed", "list": [1, 2, 3], "set": "/seed"})";
    const auto zip = sweep_points(parse(one(params, R"(, "mode": "zip")")));
    ASSERT_EQ(zip.size(), 3u);
    EXPECT_EQ(zip[2].sets, (std::vector<std::string>{"/components/1/adc/bits=6", "/seed=3"}));

    const SweepSpec s = parse(one(params, R"(, "mode": "each",
                                            "set": {"/workload/dataset/limit": 200})"));
    const auto each = sweep_points(s);
    // The base point, then ADC bits 4 and 6, then seeds 2 and 3: a value equal to the base
    // platform's (5 bits, seed 1) is the base point, not run again.
    ASSERT_EQ(each.size(), 5u);
    EXPECT_EQ(each[0].varied, -1);
    EXPECT_EQ(each[0].sets, (std::vector<std::string>{"/workload/dataset/limit=200"}));
    EXPECT_EQ(each[1].varied, 0);
    EXPECT_EQ(each[1].sets, (std::vector<std::string>{"/workload/dataset/limit=200",
                                                      "/components/1/adc/bits=4"}));
    EXPECT_FALSE(each[1].index[1].has_value()); // the seed stays the base file's
    EXPECT_EQ(each[2].sets, (std::vector<std::string>{"/workload/dataset/limit=200",
                                                      "/components/1/adc/bits=6"}));
    EXPECT_EQ(each[4].sets, (std::vector<std::string>{"/workload/dataset/limit=200", "/seed=3"}));
    EXPECT_EQ(s.parameters[0].base_value, json(5));
    EXPECT_EQ(s.parameters[1].base_value, json(1));
}

TEST(SweepSpec, RangesAreEvenlySpacedAndKeepTheirUnit) {
    auto values = [](const std::string& p) {
        return parse(one(R"({"name": "a", )" + p + R"(, "set": "/seed"})")).parameters[0].values;
    };
    EXPECT_EQ(values(R"("range": {"from": 5, "to": 20, "points": 7})"),
              (std::vector<json>{5, 7.5, 10, 12.5, 15, 17.5, 20}));
    // Integer bounds and integer steps stay integers (an integer parameter refuses 5.0).
    const auto ints = values(R"("range": {"from": 2, "to": 8, "points": 4})");
    EXPECT_EQ(ints, (std::vector<json>{2, 4, 6, 8}));
    EXPECT_TRUE(ints[1].is_number_integer());
    EXPECT_EQ(values(R"("range": {"from": "0.6 V", "to": "1 V", "points": 3})"),
              (std::vector<json>{"0.6 V", "0.8 V", "1 V"}));
    EXPECT_EQ(values(R"("range": {"from": 1, "to": 100, "points": 3, "scale": "log"})"),
              (std::vector<json>{1, 10, 100}));
    EXPECT_EQ(values(R"("list": ["sram", "register_file"])"),
              (std::vector<json>{"sram", "register_file"}));
    EXPECT_EQ(sweep_value_number(json("7.5 ohm*um^2")), 7.5);
    EXPECT_EQ(sweep_value_number(json("sram")), std::nullopt);
}

TEST(SweepSpec, RandomSamplesAreReproducibleForASeed) {
    auto values = [](int seed) {
        return parse(
                   one(R"({"name": "a", "random": {"from": 0.5, "to": 2, "samples": 20, "seed": )" +
                       std::to_string(seed) + R"(}, "set": "/seed"})"))
            .parameters[0]
            .values;
    };
    const auto a = values(7);
    ASSERT_EQ(a.size(), 20u);
    EXPECT_EQ(a, values(7));
    EXPECT_NE(a, values(8));
    for (const auto& v : a) {
        EXPECT_GE(v.get<double>(), 0.5);
        EXPECT_LE(v.get<double>(), 2.0);
    }
}

TEST(SweepSpec, ComponentTargetsMatchTypeAndWhereWithDefaults) {
    const SweepSpec s = parse(one(R"({"name": "ra", "unit": "ohm*um^2",
        "range": {"from": "5 ohm*um^2", "to": "15 ohm*um^2", "points": 3},
        "set": {"type": "neuron_bank", "key": "neuron/ra", "where": {"mode": "neuron"}}},
        {"name": "tmr", "list": [1, 2],
         "set": {"type": "neuron_bank", "key": "neuron/tmr", "where": {"mode": "neuron"}}})"));
    // n0 says neuron mode, n1 has it by default, out is linear.
    EXPECT_EQ(s.parameters[0].pointers,
              (std::vector<std::string>{"/components/2/neuron/ra", "/components/3/neuron/ra"}));
    // n0 writes 12 ohm um^2, n1 has the default 10: no single base value.
    EXPECT_TRUE(s.parameters[0].base_value.is_null());
    const auto pts = sweep_points(s);
    ASSERT_EQ(pts.size(), 6u);
    // n0 has a "neuron" object: its keys are set one by one. n1 has none: --set cannot write
    // into an object that does not exist, so the point writes the object, both keys merged.
    EXPECT_EQ(pts[0].sets,
              (std::vector<std::string>{"/components/2/neuron/ra=\"5 ohm*um^2\"",
                                        "/components/2/neuron/tmr=1",
                                        "/components/3/neuron={\"ra\":\"5 ohm*um^2\",\"tmr\":1}"}));
    // A default in SI units is shown in the parameter's unit.
    const SweepSpec g = parse(one(R"({"name": "ra",
        "range": {"from": "5 ohm*um^2", "to": "15 ohm*um^2", "points": 3},
        "set": "/components/3/neuron/ra"})"));
    EXPECT_EQ(g.parameters[0].base_value, json("10 ohm*um^2"));
    // Several targets take the same value.
    const SweepSpec many = parse(one(R"({"name": "gain", "list": [5],
        "set": ["/components/3/readout/gain", {"type": "neuron_bank", "key": "readout/gain",
                                               "where": {"mode": "linear"}}]})"));
    EXPECT_EQ(
        many.parameters[0].pointers,
        (std::vector<std::string>{"/components/3/readout/gain", "/components/4/readout/gain"}));
    // n1 has a gain of 2, the linear bank the default 30: no single base value.
    EXPECT_TRUE(many.parameters[0].base_value.is_null());
}

TEST(SweepSpec, CollectDefaultsAndPareto) {
    const SweepSpec s = parse(one(R"({"name": "a", "list": [4], "set": "/seed"})"));
    ASSERT_EQ(s.collect.size(), 5u);
    EXPECT_EQ(s.collect[s.pareto_x].key, "energy_per_item_J");
    EXPECT_EQ(s.collect[s.pareto_y].key, "accuracy");
    const SweepSpec c = parse(one(R"({"name": "a", "list": [4], "set": "/seed"})",
                                  R"(, "collect": ["area_m2", "energy_per_item_by_class_J/adc",
                                       {"pointer": "/totals/ops", "name": "ops", "unit": "op",
                                        "better": "higher"}],
                                      "pareto": {"x": "area_m2", "y": "/totals/ops"})"));
    ASSERT_EQ(c.collect.size(), 3u);
    EXPECT_EQ(c.collect[1].unit, Unit::joule);
    EXPECT_TRUE(c.collect[2].higher_is_better);
    EXPECT_EQ(c.pareto_y, 2u);
}

TEST(SweepPage, ParetoFrontKeepsTheUndominatedPoints) {
    SweepPage page;
    page.figures = {{"energy", "energy", Unit::joule, "", false, false},
                    {"accuracy", "accuracy", Unit::none, "", true, true}};
    auto point = [](double e, double a) {
        SweepPagePoint p;
        p.done = p.ok = true;
        p.figures = {e, a};
        return p;
    };
    page.points = {point(1, 0.5), point(2, 0.9), point(2, 0.8), point(3, 0.9), point(0.5, 0.4)};
    SweepPagePoint failed;
    failed.done = true;
    page.points.push_back(failed);
    EXPECT_EQ(pareto_front(page, 0, 1), (std::vector<std::size_t>{0, 1, 4}));
}

} // namespace
