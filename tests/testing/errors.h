#pragma once
// The message of the InputError that @p f throws, or "" if it throws none: for tests that
// check what a reader says about a broken file.

#include <string>

#include "neurotlm/core/error.h"

namespace neurotlm::testing {

template <typename F> std::string error_of(F&& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

} // namespace neurotlm::testing
