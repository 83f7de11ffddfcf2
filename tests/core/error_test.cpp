// Error types (core/error.h): ConfigError's message names file, JSON pointer, what was
// expected and what was found; both are InputErrors (exit code 2 on the command line).

#include "neurotlm/core/error.h"

#include <stdexcept>
#include <string>
#include <type_traits>

#include <gtest/gtest.h>

namespace neurotlm {
namespace {

static_assert(std::is_base_of_v<InputError, ConfigError>);
static_assert(std::is_base_of_v<std::runtime_error, InputError>);

TEST(ConfigError, MessageNamesFilePointerExpectedAndFound) {
    const ConfigError e("p.json", "/components/2/adc/bits", "an integer in [0, 16]", "17");
    EXPECT_STREQ(e.what(),
                 "p.json: /components/2/adc/bits: expected an integer in [0, 16], found 17");
    EXPECT_EQ(e.file(), "p.json");
    EXPECT_EQ(e.pointer(), "/components/2/adc/bits");
    EXPECT_EQ(e.expected(), "an integer in [0, 16]");
    EXPECT_EQ(e.found(), "17");
}

TEST(ConfigError, PlaceholdersForMissingParts) {
    EXPECT_STREQ(ConfigError("", "/seed", "an integer", "\"x\"").what(),
                 "<config>: /seed: expected an integer, found \"x\"");
    EXPECT_STREQ(ConfigError("a.json", "", "an object", "an array of 2").what(),
                 "a.json: /: expected an object, found an array of 2");
    EXPECT_STREQ(ConfigError("a.json", "/x", "a string", "").what(),
                 "a.json: /x: expected a string");
    // The accessors keep what was given, not the placeholders.
    const ConfigError e("", "", "x", "");
    EXPECT_EQ(e.file(), "");
    EXPECT_EQ(e.pointer(), "");
}

TEST(ConfigError, CaughtAsInputError) {
    try {
        throw ConfigError("f.json", "/a", "b", "c");
    } catch (const InputError& e) {
        EXPECT_STREQ(e.what(), "f.json: /a: expected b, found c");
        return;
    }
    FAIL();
}

TEST(InputError, CarriesItsMessage) {
    const InputError e("cannot read weights.npy");
    EXPECT_STREQ(e.what(), "cannot read weights.npy");
}

} // namespace
} // namespace neurotlm
