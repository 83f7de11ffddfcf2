// Declared parameters (core/params.h): validation of JSON objects against a ParamTable,
// defaults, kinds, ranges, units, groups, errors located by file and JSON pointer, and the
// effective configuration.

#include "neurotlm/core/params.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"
#include "neurotlm/core/spec_table.h"

namespace neurotlm {
namespace {

const std::string kFile = "platform.json";
const std::string kBase = "/components/2";

// A table like a component's: every kind, a group, a required and an optional parameter.
ParamTable sample_table() {
    ParamTable t;
    t.integer("rows", 128, "rows of the array", 1, 4096)
        .positive("clock", Unit::hertz, "1 GHz", "clock frequency")
        .number("read_voltage", Unit::volt, 0.2, "read voltage", 0.0, 2.0)
        .number("gain", Unit::none, 1.5, "dimensionless gain")
        .boolean("enabled", true, "whether the block is on")
        .string("label", "tile", "free text")
        .choice("mode", {"fast", "accurate"}, "fast", "simulation mode")
        .address("base", "0x1000", "base address")
        .any("extra", json::object(), "owner-checked")
        .integer("adc.bits", 5, "ADC resolution", 0, 16)
        .positive("adc.latency", Unit::second, "5 ns", "ADC conversion time")
        .integer("id", nullptr, "required identifier", 0, 100)
        .string("note", nullptr, "an optional note")
        .optional();
    return t;
}

Params validate(const json& j) {
    return Params::validate(j, sample_table(), kFile, kBase);
}

// The ConfigError that validating @p j throws; fails the test if there is none.
ConfigError error_for(const json& j, const ParamTable& table = sample_table()) {
    try {
        Params::validate(j, table, kFile, kBase);
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "no ConfigError for " << j.dump();
    return ConfigError("", "", "", "");
}

json minimal() {
    return json{{"id", 7}};
}

json with(const std::string& key, json value) {
    json j = minimal();
    j[key] = std::move(value);
    return j;
}

TEST(ParamTable, FindAndGroups) {
    const ParamTable t = sample_table();
    ASSERT_NE(t.find("adc.bits"), nullptr);
    EXPECT_EQ(t.find("adc.bits")->kind, ParamKind::integer);
    EXPECT_EQ(t.find("adc"), nullptr);
    EXPECT_EQ(t.find("nothing"), nullptr);
    EXPECT_TRUE(t.is_group("adc"));
    EXPECT_FALSE(t.is_group("ad")); // a prefix must end at a dot
    EXPECT_FALSE(t.is_group("adc.bits"));
    EXPECT_FALSE(t.is_group("rows"));
}

TEST(ParamTable, BuilderRecordsWhatItWasTold) {
    const ParamTable t = sample_table();
    const ParamSpec* clock = t.find("clock");
    ASSERT_NE(clock, nullptr);
    EXPECT_EQ(clock->kind, ParamKind::number);
    EXPECT_EQ(clock->unit, Unit::hertz);
    EXPECT_TRUE(clock->min_exclusive);
    EXPECT_EQ(clock->min, 0.0);
    EXPECT_FALSE(t.find("read_voltage")->min_exclusive);
    EXPECT_EQ(t.find("base")->unit, Unit::byte);
    EXPECT_EQ(t.find("mode")->choices, (std::vector<std::string>{"fast", "accurate"}));
    EXPECT_TRUE(t.find("id")->required());
    EXPECT_FALSE(t.find("note")->required());
    EXPECT_TRUE(t.find("note")->optional);
    EXPECT_FALSE(t.find("rows")->required());
    EXPECT_EQ(t.specs().size(), 13u);
}

TEST(ParamTable, AddCombinesTables) {
    ParamTable a;
    a.integer("x", 1, "x");
    ParamTable b;
    for (const auto& s : a.specs())
        b.add(s);
    b.boolean("y", false, "y");
    ASSERT_EQ(b.specs().size(), 2u);
    EXPECT_EQ(b.specs()[0].name, "x");
    EXPECT_EQ(b.specs()[1].name, "y");
}

TEST(ParamTable, OptionalOnAnEmptyTableIsHarmless) {
    ParamTable t;
    t.optional();
    EXPECT_TRUE(t.specs().empty());
}

TEST(Params, DefaultsFilledInSiUnits) {
    const Params p = validate(minimal());
    EXPECT_EQ(p.integer("rows"), 128);
    EXPECT_DOUBLE_EQ(p.number("clock"), 1e9);
    EXPECT_DOUBLE_EQ(p.number("read_voltage"), 0.2);
    EXPECT_DOUBLE_EQ(p.number("gain"), 1.5);
    EXPECT_TRUE(p.boolean("enabled"));
    EXPECT_EQ(p.string("label"), "tile");
    EXPECT_EQ(p.string("mode"), "fast");
    EXPECT_EQ(p.address("base"), 4096u);
    EXPECT_EQ(p.integer("adc.bits"), 5);
    EXPECT_DOUBLE_EQ(p.number("adc.latency"), 5e-9);
    EXPECT_EQ(p.integer("id"), 7);
    EXPECT_EQ(p.raw("extra"), json::object());
    EXPECT_EQ(p.file(), kFile);
    // Defaulted values count as present; the absent optional one does not.
    EXPECT_TRUE(p.has("rows"));
    EXPECT_TRUE(p.has("adc.bits"));
    EXPECT_FALSE(p.has("note"));
    EXPECT_FALSE(p.has("undeclared"));
}

TEST(Params, GivenValuesOverrideDefaults) {
    json j = minimal();
    j["rows"] = 64;
    j["clock"] = "500 MHz";
    j["read_voltage"] = "150 mV";
    j["gain"] = "2.5";
    j["enabled"] = false;
    j["label"] = "my tile";
    j["mode"] = "accurate";
    j["base"] = "64 KiB";
    j["extra"] = json::array({1, 2});
    j["adc"] = {{"bits", 8}, {"latency", 2e-9}};
    j["note"] = "hello";
    const Params p = validate(j);
    EXPECT_EQ(p.integer("rows"), 64);
    EXPECT_DOUBLE_EQ(p.number("clock"), 5e8);
    EXPECT_DOUBLE_EQ(p.number("read_voltage"), 0.15);
    EXPECT_DOUBLE_EQ(p.number("gain"), 2.5);
    EXPECT_FALSE(p.boolean("enabled"));
    EXPECT_EQ(p.string("label"), "my tile");
    EXPECT_EQ(p.string("mode"), "accurate");
    EXPECT_EQ(p.address("base"), 65536u);
    EXPECT_EQ(p.raw("extra"), json::array({1, 2}));
    EXPECT_EQ(p.integer("adc.bits"), 8);
    EXPECT_DOUBLE_EQ(p.number("adc.latency"), 2e-9);
    EXPECT_TRUE(p.has("note"));
    EXPECT_EQ(p.string("note"), "hello");
    // raw() is the value as written, not converted.
    EXPECT_EQ(p.raw("clock"), "500 MHz");
}

TEST(Params, UndeclaredNameIsAProgrammingError) {
    const Params p = validate(minimal());
    EXPECT_THROW(p.number("nope"), std::logic_error);
    EXPECT_THROW(p.raw("adc"), std::logic_error);
}

TEST(Params, RequiredKeyMissing) {
    const ConfigError e = error_for(json::object());
    EXPECT_EQ(e.file(), kFile);
    EXPECT_EQ(e.pointer(), "/components/2/id");
    EXPECT_NE(e.expected().find("\"id\""), std::string::npos) << e.what();
    EXPECT_NE(e.expected().find("required identifier"), std::string::npos) << e.what();
    EXPECT_NE(e.found().find("required"), std::string::npos) << e.what();
}

TEST(Params, NotAnObject) {
    const ConfigError e = error_for(json::array({1, 2, 3}));
    EXPECT_EQ(e.pointer(), kBase);
    EXPECT_EQ(e.expected(), "an object");
    EXPECT_EQ(e.found(), "an array of 3");
}

TEST(Params, UnknownKeyNamedByPointerWithSuggestions) {
    const ConfigError e = error_for(with("rowz", 4));
    EXPECT_EQ(e.pointer(), "/components/2/rowz");
    EXPECT_EQ(e.found(), "unknown key \"rowz\"");
    EXPECT_NE(e.expected().find("\"rows\""), std::string::npos) << e.what();
    // A group is suggested once, by its object name.
    EXPECT_NE(e.expected().find("\"adc\""), std::string::npos) << e.what();
    EXPECT_EQ(e.expected().find("\"bits\""), std::string::npos) << e.what();
    EXPECT_EQ(e.expected().find("\"adc\""), e.expected().rfind("\"adc\"")) << e.what();
    // The message carries file and pointer.
    const std::string what = e.what();
    EXPECT_NE(what.find("platform.json"), std::string::npos) << what;
    EXPECT_NE(what.find("/components/2/rowz"), std::string::npos) << what;
}

TEST(Params, UnknownKeyInsideAGroup) {
    const ConfigError e = error_for(with("adc", {{"bitz", 4}}));
    EXPECT_EQ(e.pointer(), "/components/2/adc/bitz");
    EXPECT_NE(e.expected().find("\"bits\""), std::string::npos) << e.what();
    EXPECT_NE(e.expected().find("\"latency\""), std::string::npos) << e.what();
    EXPECT_EQ(e.expected().find("\"rows\""), std::string::npos) << e.what();
}

TEST(Params, PointerTokensAreEscaped) {
    // RFC 6901: "/" is written "~1" and "~" is written "~0".
    EXPECT_EQ(error_for(with("a/b", 1)).pointer(), "/components/2/a~1b");
    EXPECT_EQ(error_for(with("a~b", 1)).pointer(), "/components/2/a~0b");
}

TEST(Params, NestedGroupsAreObjects) {
    json j = minimal();
    j["adc"] = {{"bits", 6}};
    const Params p = validate(j);
    EXPECT_EQ(p.integer("adc.bits"), 6);
    EXPECT_DOUBLE_EQ(p.number("adc.latency"), 5e-9); // the rest of the group keeps defaults
    EXPECT_EQ(p.pointer_of("adc.bits"), "/components/2/adc/bits");
    EXPECT_EQ(p.pointer_of("rows"), "/components/2/rows");
}

TEST(Params, FlatDottedKeyIsRefusedWithTheNestedSpelling) {
    const ConfigError e = error_for(with("adc.bits", 5));
    EXPECT_EQ(e.pointer(), "/components/2/adc.bits");
    EXPECT_NE(e.expected().find("{\"adc\": {\"bits\": ...}}"), std::string::npos) << e.what();
    EXPECT_NE(e.found().find("flat key \"adc.bits\""), std::string::npos) << e.what();
    // Also inside a group.
    ParamTable t;
    t.integer("a.b.c", 1, "deep");
    const ConfigError deep = error_for(json{{"a", {{"b.c", 2}}}}, t);
    EXPECT_EQ(deep.pointer(), "/components/2/a/b.c");
}

TEST(Params, DeeperGroups) {
    ParamTable t;
    t.integer("a.b.c", 1, "deep", 0, 10);
    const Params p = Params::validate(json{{"a", {{"b", {{"c", 3}}}}}}, t, kFile, "");
    EXPECT_EQ(p.integer("a.b.c"), 3);
    EXPECT_EQ(p.pointer_of("a.b.c"), "/a/b/c");
    EXPECT_EQ(error_for(json{{"a", {{"b", {{"c", 11}}}}}}, t).pointer(), "/components/2/a/b/c");
}

TEST(Params, GroupKeyMustHoldAnObject) {
    const ConfigError e = error_for(with("adc", 5));
    EXPECT_EQ(e.pointer(), "/components/2/adc");
    EXPECT_EQ(e.expected(), "an object");
    EXPECT_EQ(e.found(), "5");
}

TEST(Params, IgnoredKeysAreLeftToTheCaller) {
    json j = minimal();
    j["name"] = "tile0";
    j["type"] = "crossbar_tile";
    const Params p = Params::validate(j, sample_table(), kFile, kBase, {"name", "type"});
    EXPECT_FALSE(p.has("name"));
    EXPECT_THROW(p.raw("name"), std::logic_error);
    // Without the ignore list they are unknown keys.
    EXPECT_EQ(error_for(j).found(), "unknown key \"name\"");
    // The ignore list applies only at the top level.
    json nested = minimal();
    nested["adc"] = {{"name", "x"}};
    EXPECT_THROW(Params::validate(nested, sample_table(), kFile, kBase, {"name"}), ConfigError);
}

TEST(Params, IntegerKind) {
    EXPECT_EQ(validate(with("rows", 3.0)).integer("rows"), 3); // 3.0 is an integer to a person
    for (const json& bad : {json(3.5), json("12"), json(true), json(nullptr), json::array()}) {
        const ConfigError e = error_for(with("rows", bad));
        EXPECT_EQ(e.pointer(), "/components/2/rows") << bad.dump();
        EXPECT_EQ(e.expected(), "an integer in [1, 4096]") << bad.dump();
    }
    // Floats too large to be exact integers are refused.
    ParamTable t;
    t.integer("n", 0, "n");
    EXPECT_THROW(Params::validate(json{{"n", 1e16}}, t, kFile, ""), ConfigError);
    EXPECT_EQ(Params::validate(json{{"n", -42}}, t, kFile, "").integer("n"), -42);
}

TEST(Params, IntegerRangeIsInclusive) {
    EXPECT_EQ(validate(with("rows", 1)).integer("rows"), 1);
    EXPECT_EQ(validate(with("rows", 4096)).integer("rows"), 4096);
    EXPECT_EQ(error_for(with("rows", 0)).found(), "0");
    EXPECT_EQ(error_for(with("rows", 4097)).found(), "4097");
    EXPECT_EQ(error_for(with("rows", -1)).pointer(), "/components/2/rows");
}

TEST(Params, NumberInclusiveRange) {
    EXPECT_DOUBLE_EQ(validate(with("read_voltage", 0.0)).number("read_voltage"), 0.0);
    EXPECT_DOUBLE_EQ(validate(with("read_voltage", "2 V")).number("read_voltage"), 2.0);
    const ConfigError lo = error_for(with("read_voltage", "-1 mV"));
    EXPECT_EQ(lo.pointer(), "/components/2/read_voltage");
    EXPECT_NE(lo.expected().find("[0 V, 2 V]"), std::string::npos) << lo.what();
    EXPECT_EQ(lo.found(), "\"-1 mV\"");
    EXPECT_THROW(validate(with("read_voltage", 2.001)), ConfigError);
}

TEST(Params, PositiveIsExclusiveAtItsMinimum) {
    EXPECT_THROW(validate(with("clock", 0)), ConfigError);
    EXPECT_THROW(validate(with("clock", "0 Hz")), ConfigError);
    EXPECT_THROW(validate(with("clock", -1e9)), ConfigError);
    EXPECT_DOUBLE_EQ(validate(with("clock", 1e-300)).number("clock"), 1e-300);
    const ConfigError e = error_for(with("clock", 0));
    EXPECT_NE(e.expected().find("> 0 Hz"), std::string::npos) << e.what();

    ParamTable t;
    t.positive("g", Unit::none, 2.0, "g", 1.0, 3.0);
    EXPECT_THROW(Params::validate(json{{"g", 1.0}}, t, kFile, ""), ConfigError);
    EXPECT_DOUBLE_EQ(Params::validate(json{{"g", 1.0000001}}, t, kFile, "").number("g"), 1.0000001);
    EXPECT_DOUBLE_EQ(Params::validate(json{{"g", 3.0}}, t, kFile, "").number("g"), 3.0);
    const ConfigError r = error_for(json{{"g", 1}}, t);
    // The range, then what the parameter is (its description says why the bounds are there).
    EXPECT_EQ(r.expected(), "a number in (1, 3] (g)");
}

TEST(Params, NumberWithUnitAcceptsBareSiNumbersAndQuantityStrings) {
    EXPECT_DOUBLE_EQ(validate(with("clock", 2e9)).number("clock"), 2e9);
    EXPECT_DOUBLE_EQ(validate(with("clock", "2 GHz")).number("clock"), 2e9);
    EXPECT_DOUBLE_EQ(validate(with("clock", "2e9")).number("clock"), 2e9);
    EXPECT_DOUBLE_EQ(validate(with("clock", 100)).number("clock"), 100.0);
}

TEST(Params, NumberRejectsWrongUnitsAndTypes) {
    const ConfigError unit = error_for(with("clock", "10 ns"));
    EXPECT_EQ(unit.pointer(), "/components/2/clock");
    EXPECT_NE(unit.found().find("not Hz"), std::string::npos) << unit.what();
    EXPECT_THROW(validate(with("clock", "fast")), ConfigError);
    EXPECT_THROW(validate(with("clock", "1 GHz please")), ConfigError);
    EXPECT_THROW(validate(with("clock", true)), ConfigError);
    EXPECT_THROW(validate(with("clock", json::object())), ConfigError);
    // A dimensionless number takes a numeric string but no unit.
    EXPECT_THROW(validate(with("gain", "2 V")), ConfigError);
    EXPECT_THROW(validate(with("gain", "two")), ConfigError);
}

TEST(Params, NonFiniteNumbersAreRejected) {
    // JSON text cannot spell NaN, but a json built in code (or from --set) can hold one.
    EXPECT_THROW(validate(with("gain", std::numeric_limits<double>::quiet_NaN())), ConfigError);
    EXPECT_THROW(validate(with("gain", std::numeric_limits<double>::infinity())), ConfigError);
    EXPECT_THROW(validate(with("gain", -std::numeric_limits<double>::infinity())), ConfigError);
    EXPECT_THROW(validate(with("gain", "nan")), ConfigError);
    EXPECT_THROW(validate(with("gain", "inf")), ConfigError);
    ParamTable t;
    t.integer("n", 0, "n");
    EXPECT_THROW(
        Params::validate(json{{"n", std::numeric_limits<double>::quiet_NaN()}}, t, kFile, ""),
        ConfigError);
}

TEST(Params, UnitCeilings) {
    // Quantities beyond these are typos, whatever the parameter's own range says.
    struct Case {
        Unit unit;
        double ceiling;
    };
    const Case cases[] = {
        {Unit::second, 1.0},           {Unit::joule, 1e-3}, {Unit::volt, 1e3},
        {Unit::ampere, 1e3},           {Unit::watt, 1e3},   {Unit::ohm, 1e15},
        {Unit::siemens, 1e3},          {Unit::hertz, 1e15}, {Unit::square_metre, 1.0},
        {Unit::ohm_square_metre, 1.0},
    };
    for (const auto& c : cases) {
        ParamTable t;
        t.number("x", c.unit, 0.0, "x");
        EXPECT_DOUBLE_EQ(Params::validate(json{{"x", c.ceiling}}, t, kFile, "").number("x"),
                         c.ceiling)
            << unit_symbol(c.unit);
        try {
            Params::validate(json{{"x", c.ceiling * 1.001}}, t, kFile, "/c");
            ADD_FAILURE() << "no ceiling for " << unit_symbol(c.unit);
        } catch (const ConfigError& e) {
            EXPECT_EQ(e.pointer(), "/c/x");
            EXPECT_EQ(e.expected().rfind("at most ", 0), 0u) << e.what();
            EXPECT_NE(e.expected().find("(x)"), std::string::npos) << e.what();
        }
    }
    // Spelled with units, and a declared max above the ceiling does not lift it.
    ParamTable t;
    t.number("t", Unit::second, 0.0, "latency", 0.0, 100.0);
    EXPECT_THROW(Params::validate(json{{"t", "2 s"}}, t, kFile, ""), ConfigError);
    EXPECT_DOUBLE_EQ(Params::validate(json{{"t", "1 s"}}, t, kFile, "").number("t"), 1.0);
    const ConfigError e = error_for(json{{"t", "2 s"}}, t);
    EXPECT_EQ(e.expected(), "at most 1 s (latency)");
    EXPECT_EQ(e.found(), "\"2 s\"");
    // No ceiling for bytes or dimensionless numbers.
    ParamTable u;
    u.number("b", Unit::byte, 0.0, "b").number("n", Unit::none, 0.0, "n");
    const Params p = Params::validate(json{{"b", "64 GiB"}, {"n", 1e300}}, u, kFile, "");
    EXPECT_DOUBLE_EQ(p.number("b"), 64.0 * 1073741824.0);
    EXPECT_DOUBLE_EQ(p.number("n"), 1e300);
}

TEST(Params, UnitCeilingBoundsMagnitude) {
    // Fixed (core/params.cpp, unit_ceiling): the ceiling that refuses "a kilovolt" as a typo is
    // checked only as d > ceiling, so "-5 kV" (or -1e300 V) passes any number parameter whose
    // declared minimum is the default (lowest double), e.g. a bipolar voltage.
    ParamTable t;
    t.number("v", Unit::volt, 0.0, "voltage");
    EXPECT_THROW(Params::validate(json{{"v", "-5 kV"}}, t, kFile, ""), ConfigError);
}

TEST(Params, OrZeroAcceptsZeroBesidesTheRange) {
    // A wire resistance is 0 (ideal wires) or a physical value; a denormal between the two is
    // what overflowed a run.
    ParamTable t;
    t.number("r", Unit::ohm, 0.0, "wire segment", 1e-6, 1e3).or_zero();
    for (double ok : {0.0, 1e-6, 10.0, 1e3})
        EXPECT_DOUBLE_EQ(Params::validate(json{{"r", ok}}, t, kFile, "").number("r"), ok);
    for (double bad : {1e-320, 1e-7, -1e-6, 1001.0}) {
        const ConfigError e = error_for(json{{"r", bad}}, t);
        EXPECT_EQ(e.pointer(), "/components/2/r") << bad;
        EXPECT_EQ(e.expected().rfind("0 or a quantity in ohm", 0), 0u) << e.what();
        EXPECT_NE(e.expected().find("[1 uohm, 1 kohm] (wire segment)"), std::string::npos)
            << e.what();
    }
    EXPECT_EQ(range_text(*t.find("r")).rfind("0 or ", 0), 0u);
    EXPECT_TRUE(in_range(*t.find("r"), 0.0));
    EXPECT_FALSE(in_range(*t.find("r"), 1e-320));
    EXPECT_FALSE(in_range(*t.find("r"), std::nan("")));
    // list states the bounds beside the default.
    EXPECT_NE(describe(t).find("default 0.0, 0 or in [1 uohm, 1 kohm]"), std::string::npos)
        << describe(t);
}

struct Wire {
    double r_ohm = 0.0;
};

TEST(SpecTable, CheckHonoursOrZero) {
    SpecTable<Wire> t;
    t.number("r", Unit::ohm, NEUROTLM_FIELD(r_ohm), 0.0, "wire", 1e-6, 1e3).or_zero();
    Wire w;
    EXPECT_TRUE(t.check(w).empty());
    w.r_ohm = 1e-320;
    EXPECT_EQ(t.check(w).size(), 1u);
    w.r_ohm = 1.0;
    EXPECT_TRUE(t.check(w).empty());
    EXPECT_TRUE(t.default_mismatches().empty());
}

TEST(Params, BooleanKind) {
    EXPECT_FALSE(validate(with("enabled", false)).boolean("enabled"));
    for (const json& bad : {json(1), json("true"), json(nullptr)}) {
        const ConfigError e = error_for(with("enabled", bad));
        EXPECT_EQ(e.pointer(), "/components/2/enabled");
        EXPECT_EQ(e.expected(), "true or false");
    }
}

TEST(Params, StringKind) {
    EXPECT_EQ(validate(with("label", "")).string("label"), "");
    const ConfigError e = error_for(with("label", 5));
    EXPECT_EQ(e.expected(), "a string");
    EXPECT_EQ(e.found(), "5");
}

TEST(Params, ChoiceKind) {
    EXPECT_EQ(validate(with("mode", "accurate")).string("mode"), "accurate");
    const ConfigError e = error_for(with("mode", "Fast")); // case matters
    EXPECT_EQ(e.pointer(), "/components/2/mode");
    EXPECT_EQ(e.expected(), "one of \"fast\", \"accurate\"");
    EXPECT_EQ(e.found(), "\"Fast\"");
    EXPECT_EQ(error_for(with("mode", 1)).expected(), "one of \"fast\", \"accurate\"");
}

TEST(Params, AddressKind) {
    EXPECT_EQ(validate(with("base", 8192)).address("base"), 8192u);
    EXPECT_EQ(validate(with("base", "0x4000_0000")).address("base"), 0x40000000u);
    EXPECT_EQ(validate(with("base", "2 MiB")).address("base"), 2097152u);
    EXPECT_EQ(validate(with("base", 0)).address("base"), 0u);
    // Beyond 2^53 the integer form stays exact.
    EXPECT_EQ(validate(with("base", 0xFFFFFFFFFFFFFFFFull)).address("base"), 0xFFFFFFFFFFFFFFFFull);
    EXPECT_EQ(validate(with("base", "0xFFFFFFFFFFFFFFFF")).address("base"), 0xFFFFFFFFFFFFFFFFull);
    for (const json& bad :
         {json(-1), json(1.5), json("0xZZ"), json("-4 KiB"), json("10 ns"), json(true)}) {
        const ConfigError e = error_for(with("base", bad));
        EXPECT_EQ(e.pointer(), "/components/2/base") << bad.dump();
        EXPECT_NE(e.expected().find("address"), std::string::npos) << e.what();
    }
}

TEST(Params, AnyKindKeepsTheValue) {
    const json v = {{"layers", {784, 128, 10}}, {"x", nullptr}};
    EXPECT_EQ(validate(with("extra", v)).raw("extra"), v);
}

TEST(Params, OptionalParameter) {
    const Params absent = validate(minimal());
    EXPECT_FALSE(absent.has("note"));
    EXPECT_TRUE(absent.raw("note").is_null());
    EXPECT_TRUE(validate(with("note", "x")).has("note"));
    EXPECT_THROW(validate(with("note", 3)), ConfigError);
}

TEST(Params, FailLocatesLaterErrors) {
    const Params p = validate(minimal());
    try {
        p.fail("adc.bits", "at most 4 bits for this ADC", "5");
        FAIL() << "fail() returned";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.file(), kFile);
        EXPECT_EQ(e.pointer(), "/components/2/adc/bits");
        EXPECT_EQ(e.expected(), "at most 4 bits for this ADC");
        EXPECT_EQ(e.found(), "5");
    }
}

TEST(Params, EffectiveRebuildsNestedObjectsWithDefaults) {
    json j = minimal();
    j["clock"] = "500 MHz";
    j["adc"] = {{"bits", 8}};
    const json eff = validate(j).effective();
    const json expected = {
        {"rows", 128},
        {"clock", "500 MHz"},
        {"read_voltage", 0.2},
        {"gain", 1.5},
        {"enabled", true},
        {"label", "tile"},
        {"mode", "fast"},
        {"base", "0x1000"},
        {"extra", json::object()},
        {"adc", {{"bits", 8}, {"latency", "5 ns"}}},
        {"id", 7},
    };
    EXPECT_EQ(eff, expected) << eff.dump(2);
    EXPECT_FALSE(eff.contains("note"));     // absent optional
    EXPECT_FALSE(eff.contains("adc.bits")); // never flat
}

TEST(Params, EffectiveRoundTrips) {
    json j = minimal();
    j["rows"] = 32;
    j["clock"] = "2 GHz";
    j["mode"] = "accurate";
    j["adc"] = {{"latency", "3 ns"}};
    j["note"] = "n";
    const Params first = validate(j);
    const Params second = validate(first.effective());
    EXPECT_EQ(second.effective(), first.effective());
    EXPECT_EQ(second.integer("rows"), 32);
    EXPECT_DOUBLE_EQ(second.number("clock"), 2e9);
    EXPECT_EQ(second.string("mode"), "accurate");
    EXPECT_DOUBLE_EQ(second.number("adc.latency"), 3e-9);
    EXPECT_EQ(second.integer("adc.bits"), 5);
    EXPECT_EQ(second.string("note"), "n");
    EXPECT_EQ(second.address("base"), 4096u);
}

TEST(Params, DefaultsAreValidatedLikeInput) {
    // A bad default is reported like bad input, at the parameter's pointer.
    ParamTable t;
    t.integer("n", 100, "n", 0, 10);
    const ConfigError e = error_for(json::object(), t);
    EXPECT_EQ(e.pointer(), "/components/2/n");
}

TEST(Describe, ListsEveryParameter) {
    const std::string text = describe(sample_table());
    for (const char* name : {"rows", "clock", "adc.bits", "adc.latency", "id", "note", "mode"})
        EXPECT_NE(text.find(name), std::string::npos) << name;
    EXPECT_NE(text.find("[integer] default 128"), std::string::npos) << text;
    EXPECT_NE(text.find("[Hz] default \"1 GHz\""), std::string::npos) << text;
    EXPECT_NE(text.find("[fast|accurate]"), std::string::npos) << text;
    EXPECT_NE(text.find("[address]"), std::string::npos) << text;
    EXPECT_NE(text.find("[bool] default true"), std::string::npos) << text;
    EXPECT_NE(text.find("[json]"), std::string::npos) << text;
    EXPECT_NE(text.find("(required)"), std::string::npos) << text;
    EXPECT_NE(text.find("(optional)"), std::string::npos) << text;
    EXPECT_NE(text.find("ADC conversion time"), std::string::npos) << text;
    // Two lines per parameter.
    size_t lines = 0;
    for (char c : text)
        lines += c == '\n';
    EXPECT_EQ(lines, 2 * sample_table().specs().size());
}

TEST(DescribeJson, ShortForms) {
    EXPECT_EQ(describe_json(json(-3)), "-3");
    EXPECT_EQ(describe_json(json(2.5)), "2.5");
    EXPECT_EQ(describe_json(json(true)), "true");
    EXPECT_EQ(describe_json(json("abc")), "\"abc\"");
    EXPECT_EQ(describe_json(json(nullptr)), "null");
    EXPECT_EQ(describe_json(json::object({{"a", 1}})), "an object");
    EXPECT_EQ(describe_json(json::array({1, 2, 3})), "an array of 3");
    const std::string longer(100, 'x');
    EXPECT_EQ(describe_json(json(longer)), "\"" + std::string(57, 'x') + "...\"");
    const std::string exactly(60, 'y');
    EXPECT_EQ(describe_json(json(exactly)), "\"" + exactly + "\"");
}

} // namespace
} // namespace neurotlm
