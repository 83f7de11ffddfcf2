// Analog links in the platform file: what the loader accepts, and every refusal naming the
// connection's JSON pointer.

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"
#include "neurotlm/modules/analog.h"
#include "neurotlm/topology/platform.h"
#include "testing/platforms.h"

using namespace neurotlm;
using neurotlm::testing::config_from;

namespace {

// tile0 (8 x 8: 4 outputs) -> act0 (4 neurons) -> tile1 (4 rows); act1 has 3 neurons.
json doc_with(const json& links) {
    json doc = neurotlm::testing::tile_platform(2, 8, 8);
    doc["components"][2]["rows"] = 8;
    doc["components"].push_back(json{{"name", "act0"}, {"type", "neuron_bank"}, {"neurons", 4}});
    doc["components"].push_back(json{{"name", "act1"}, {"type", "neuron_bank"}, {"neurons", 3}});
    doc["components"].push_back(json{{"name", "narrow"},
                                     {"type", "crossbar_tile"},
                                     {"rows", 4},
                                     {"cols", 8},
                                     {"device", "ideal"}});
    doc["connections"].push_back(json{{"from", "bus.out"}, {"to", "act0.in"}});
    doc["connections"].push_back(json{{"from", "bus.out"}, {"to", "act1.in"}});
    doc["connections"].push_back(json{{"from", "bus.out"}, {"to", "narrow.in"}});
    for (const auto& l : links)
        doc["connections"].push_back(l);
    return doc;
}

// The pointer and message of the refusal of @p links (the first link is /connections/5).
ConfigError refusal(const json& links) {
    try {
        config_from(doc_with(links));
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "accepted";
    return ConfigError("", "", "", "");
}

json analog_link(const std::string& from, const std::string& to) {
    return {{"from", from}, {"to", to}};
}

} // namespace

TEST(AnalogLinkConfig, AcceptsAChainAndKeepsTheLinksApartFromTheBus) {
    const PlatformConfig cfg = config_from(doc_with(json::array(
        {analog_link("tile0.aout", "act0.ain"), analog_link("act0.aout", "narrow.ain")})));
    ASSERT_EQ(cfg.analog_links.size(), 2u);
    EXPECT_EQ(cfg.analog_links[0].from_port, "aout");
    EXPECT_EQ(cfg.analog_links[1].to, "narrow");
    EXPECT_FALSE(cfg.analog_links[0].length_m.has_value());
    EXPECT_EQ(cfg.analog_links[1].pointer, "/connections/6");
}

TEST(AnalogLinkConfig, AVoltageOutputMayDriveSeveralInputs) {
    json doc =
        doc_with(json::array({analog_link("tile0.aout", "act0.ain"),
                              analog_link("act0.aout", "narrow.ain"),
                              {{"from", "act0.aout"}, {"to", "narrow2.ain"}, {"length", "1 mm"}}}));
    json narrow2 = doc["components"][5];
    narrow2["name"] = "narrow2";
    doc["components"].push_back(narrow2);
    doc["connections"].push_back(json{{"from", "bus.out"}, {"to", "narrow2.in"}});
    const PlatformConfig cfg = config_from(doc);
    ASSERT_EQ(cfg.analog_links.size(), 3u);
    EXPECT_DOUBLE_EQ(*cfg.analog_links[2].length_m, 1e-3);
}

TEST(AnalogLinkConfig, RefusesAnAnalogOutputIntoATlmSocket) {
    const ConfigError e = refusal(json::array({analog_link("tile0.aout", "act0.in")}));
    EXPECT_EQ(e.pointer(), "/connections/5/to");
    EXPECT_NE(std::string(e.what()).find("a TLM target socket"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("act0.ain"), std::string::npos) << e.what();
}

TEST(AnalogLinkConfig, RefusesATlmInitiatorIntoAnAnalogInput) {
    const ConfigError e = refusal(json::array({analog_link("bus.out", "act0.ain")}));
    EXPECT_EQ(e.pointer(), "/connections/5/from");
    EXPECT_NE(std::string(e.what()).find("an analog output"), std::string::npos) << e.what();
}

TEST(AnalogLinkConfig, RefusesAWidthMismatch) {
    const ConfigError e = refusal(json::array({analog_link("tile0.aout", "act1.ain")}));
    EXPECT_EQ(e.pointer(), "/connections/5/to");
    EXPECT_NE(std::string(e.what()).find("of 3 values"), std::string::npos) << e.what();
}

TEST(AnalogLinkConfig, RefusesASignalMismatch) {
    // A tile's currents cannot drive another tile's rows.
    const ConfigError e = refusal(json::array({analog_link("tile0.aout", "narrow.ain")}));
    EXPECT_EQ(e.pointer(), "/connections/5/to");
    EXPECT_NE(std::string(e.what()).find("a voltage input"), std::string::npos) << e.what();
}

TEST(AnalogLinkConfig, RefusesAnInputAsTheSource) {
    const ConfigError e = refusal(json::array({analog_link("act0.ain", "narrow.ain")}));
    EXPECT_EQ(e.pointer(), "/connections/5/from");
}

TEST(AnalogLinkConfig, RefusesASecondLinkIntoOneInput) {
    const ConfigError e = refusal(json::array(
        {analog_link("act0.aout", "narrow.ain"), analog_link("act0.aout", "narrow.ain")}));
    EXPECT_EQ(e.pointer(), "/connections/6/to");
}

TEST(AnalogLinkConfig, RefusesSharingACurrentOutput) {
    json doc = doc_with(json::array({analog_link("tile0.aout", "act0.ain")}));
    doc["components"].push_back(json{{"name", "act2"}, {"type", "neuron_bank"}, {"neurons", 4}});
    doc["connections"].push_back(json{{"from", "bus.out"}, {"to", "act2.in"}});
    doc["connections"].push_back(analog_link("tile0.aout", "act2.ain"));
    try {
        config_from(doc);
        FAIL() << "accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.pointer(), "/connections/7/from");
        EXPECT_NE(std::string(e.what()).find("cannot be shared"), std::string::npos) << e.what();
    }
}

TEST(AnalogLinkConfig, RefusesALoop) {
    // act0 (4 neurons) drives narrow's 4 rows; narrow's 4 column currents feed act0.
    json doc = doc_with(json::array({analog_link("act0.aout", "narrow.ain")}));
    doc["connections"].push_back(analog_link("narrow.aout", "act0.ain"));
    try {
        config_from(doc);
        FAIL() << "accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.pointer(), "/connections/6/to");
        EXPECT_NE(std::string(e.what()).find("without loops"), std::string::npos) << e.what();
    }
}

TEST(AnalogLinkConfig, RefusesAddressesAndBadLengths) {
    EXPECT_EQ(
        refusal(json::array({{{"from", "tile0.aout"}, {"to", "act0.ain"}, {"base", 0}}})).pointer(),
        "/connections/5/base");
    EXPECT_EQ(
        refusal(json::array({{{"from", "tile0.aout"}, {"to", "act0.ain"}, {"length", "5 ns"}}}))
            .pointer(),
        "/connections/5/length");
    EXPECT_EQ(refusal(json::array({{{"from", "tile0.aout"}, {"to", "act0.ain"}, {"length", 0}}}))
                  .pointer(),
              "/connections/5/length");
    // A length on a bus connection means nothing.
    EXPECT_EQ(refusal(json::array({{{"from", "bus.out"}, {"to", "act0.in"}, {"length", "1 um"}}}))
                  .pointer(),
              "/connections/5/length");
}

TEST(AnalogLinkConfig, RefusesAGroupAsTheTarget) {
    const ConfigError e = refusal(json::array({analog_link("act0.aout", "tile.ain")}));
    EXPECT_EQ(e.pointer(), "/connections/5/to");
    EXPECT_NE(std::string(e.what()).find("tile0.ain"), std::string::npos) << e.what();
}

TEST(AnalogLinkConfig, TheFloorPlanGivesTheLengthAndTheEffectiveConfigurationKeepsIt) {
    Platform p(config_from(doc_with(json::array({analog_link("tile0.aout", "act0.ain")}))));
    const json eff = p.effective_config();
    const json& last = eff["connections"].back();
    EXPECT_EQ(last["from"], "tile0.aout");
    const double a0 = p.find("tile0")->area_m2(), a1 = p.find("act0")->area_m2();
    const double expect = analog_link_length_m(a0, a1);
    EXPECT_NEAR(expect, 0.5 * (std::sqrt(a0) + std::sqrt(a1)), 1e-12);
    const AnalogOut* out = p.find("tile0")->analog_out("aout");
    ASSERT_EQ(out->links().size(), 1u);
    EXPECT_DOUBLE_EQ(out->links()[0].spec.length_m, expect);
    // Loading the effective configuration gives the same link.
    PlatformConfig again = config_from(eff);
    ASSERT_EQ(again.analog_links.size(), 1u);
    EXPECT_NEAR(*again.analog_links[0].length_m, expect, 1e-12 * expect);
}

TEST(AnalogLinkConfig, ALinkMayCarryASliceOfTheOutput) {
    // tile0's 4 currents: the last 3 to act1, the first to a bank of one neuron.
    json doc = doc_with(
        json::array({{{"from", "tile0.aout"}, {"to", "act1.ain"}, {"first", 1}, {"count", 3}},
                     {{"from", "tile0.aout"}, {"to", "one.ain"}, {"count", 1}}}));
    doc["components"].push_back(json{{"name", "one"}, {"type", "neuron_bank"}, {"neurons", 1}});
    doc["connections"].push_back(json{{"from", "bus.out"}, {"to", "one.in"}});
    const PlatformConfig cfg = config_from(doc);
    ASSERT_EQ(cfg.analog_links.size(), 2u);
    EXPECT_EQ(cfg.analog_links[0].first, 1);
    EXPECT_EQ(cfg.analog_links[0].count, 3);
    EXPECT_EQ(cfg.analog_links[1].first, 0);
    EXPECT_EQ(cfg.analog_links[1].count, 1);
    ASSERT_EQ(cfg.info.analog_links.size(), 2u);
    EXPECT_EQ(cfg.info.analog_links[0].first, 1);
    EXPECT_EQ(cfg.info.analog_links[0].pointer, "/connections/5");

    Platform p(config_from(doc));
    const json eff = p.effective_config();
    const json& conns = eff["connections"];
    bool found = false;
    for (const auto& c : conns)
        if (c["to"] == "act1.ain") {
            found = true;
            EXPECT_EQ(c["first"], 1);
            EXPECT_EQ(c["count"], 3);
        }
    EXPECT_TRUE(found);
}

TEST(AnalogLinkConfig, AWholeLinkWritesNoSliceInTheEffectiveConfiguration) {
    Platform p(config_from(doc_with(json::array({analog_link("tile0.aout", "act0.ain")}))));
    const json eff = p.effective_config(); // kept: the loop below refers into it
    for (const auto& c : eff["connections"])
        EXPECT_FALSE(c.contains("first")) << c.dump();
}

TEST(AnalogLinkConfig, RefusesASliceOutsideTheOutput) {
    ConfigError e = refusal(
        json::array({{{"from", "tile0.aout"}, {"to", "act1.ain"}, {"first", 2}, {"count", 3}}}));
    EXPECT_EQ(e.pointer(), "/connections/5/count");
    EXPECT_NE(std::string(e.what()).find("from 1 to 2"), std::string::npos) << e.what();
    e = refusal(json::array({{{"from", "tile0.aout"}, {"to", "act1.ain"}, {"first", 4}}}));
    EXPECT_EQ(e.pointer(), "/connections/5/first");
    e = refusal(json::array({{{"from", "tile0.aout"}, {"to", "act1.ain"}, {"first", -1}}}));
    EXPECT_EQ(e.pointer(), "/connections/5/first");
    e = refusal(json::array({{{"from", "tile0.aout"}, {"to", "act1.ain"}, {"count", 1.5}}}));
    EXPECT_EQ(e.pointer(), "/connections/5/count");
}

TEST(AnalogLinkConfig, RefusesASliceOfAnotherWidthThanTheInput) {
    const ConfigError e = refusal(
        json::array({{{"from", "tile0.aout"}, {"to", "act0.ain"}, {"first", 1}, {"count", 3}}}));
    EXPECT_EQ(e.pointer(), "/connections/5/to");
    EXPECT_NE(std::string(e.what()).find("carries 3 (values 1 to 3)"), std::string::npos)
        << e.what();
}

TEST(AnalogLinkConfig, RefusesOverlappingSlicesOfACurrentOutput) {
    json doc = doc_with(
        json::array({{{"from", "tile0.aout"}, {"to", "act1.ain"}, {"first", 1}, {"count", 3}},
                     {{"from", "tile0.aout"}, {"to", "one.ain"}, {"first", 3}, {"count", 1}}}));
    doc["components"].push_back(json{{"name", "one"}, {"type", "neuron_bank"}, {"neurons", 1}});
    doc["connections"].push_back(json{{"from", "bus.out"}, {"to", "one.in"}});
    try {
        config_from(doc);
        FAIL() << "accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.pointer(), "/connections/6/from");
        EXPECT_NE(std::string(e.what()).find("values 1 to 3"), std::string::npos) << e.what();
    }
}

TEST(AnalogLinkConfig, RefusesASliceOnABusConnection) {
    json doc = doc_with(json::array());
    doc["connections"][2]["first"] = 0;
    try {
        config_from(doc);
        FAIL() << "accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.pointer(), "/connections/2/first");
    }
}

TEST(AnalogLinkConfig, ABankOfSeveralPartsTakesOneLinkOnEachInput) {
    // Two 8-row tiles feed one bank of 4 neurons of two parts.
    json doc = doc_with(json::array(
        {analog_link("tile0.aout", "act0.ain0"), analog_link("tile1.aout", "act0.ain1")}));
    doc["components"][3]["parts"] = 2;
    const PlatformConfig cfg = config_from(doc);
    EXPECT_EQ(cfg.analog_links[1].to_port, "ain1");

    // The plain ain is gone, and every part is required.
    ConfigError e = [&] {
        json bad = doc_with(json::array({analog_link("tile0.aout", "act0.ain")}));
        bad["components"][3]["parts"] = 2;
        try {
            config_from(bad);
        } catch (const ConfigError& err) {
            return err;
        }
        return ConfigError("", "", "", "accepted");
    }();
    EXPECT_EQ(e.pointer(), "/connections/5/to");
    EXPECT_NE(std::string(e.what()).find("act0.ain0"), std::string::npos) << e.what();
    json missing = doc_with(json::array({analog_link("tile0.aout", "act0.ain0")}));
    missing["components"][3]["parts"] = 2;
    try {
        config_from(missing);
        FAIL() << "accepted";
    } catch (const ConfigError& err) {
        EXPECT_EQ(err.pointer(), "/components/3");
        EXPECT_NE(std::string(err.what()).find("act0.ain1"), std::string::npos) << err.what();
    }
}

TEST(AnalogLinkConfig, ATileTakesAinRowsFromItsLinkAndRefusesMoreRowsThanItHas) {
    // narrow: 4 rows, of which 3 come from the link and 1 is a bias row.
    json doc = doc_with(json::array({analog_link("act1.aout", "narrow.ain")}));
    doc["components"][5]["ain_rows"] = 3;
    doc["components"][5]["bias_rows"] = 1;
    EXPECT_EQ(config_from(doc).analog_links.size(), 1u);

    json bad = doc_with(json::array());
    bad["components"][5]["ain_rows"] = 3;
    bad["components"][5]["bias_rows"] = 2;
    try {
        config_from(bad);
        FAIL() << "accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.pointer(), "/components/5/ain_rows");
        EXPECT_NE(std::string(e.what()).find("3 + 2"), std::string::npos) << e.what();
    }
}
