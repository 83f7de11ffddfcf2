#pragma once
// Tests that need an external tool (ngspice, the Fashion-MNIST package) skip when a developer
// has not installed it, but fail in CI (the CI variable is set there), where tools/setup.sh
// installs it: a missing tool must never turn a CI run into a row of silent skips.

#include <cstdlib>

#include <gtest/gtest.h>

#define NEUROTLM_REQUIRE_TOOL(available, what)                                                     \
    do {                                                                                           \
        if (!(available)) {                                                                        \
            if (std::getenv("CI")) FAIL() << what << " is missing in CI";                          \
            GTEST_SKIP() << what << " is not installed (tools/setup.sh installs it)";              \
        }                                                                                          \
    } while (0)
