#pragma once
/// @file
/// @brief Error types. `InputError` (and `ConfigError`) mean the user's input is wrong:
/// the command line maps them to exit code 2. Anything else is an internal failure.

#include <stdexcept>
#include <string>

namespace neurotlm {

/// @brief Bad input: a file that cannot be read, a malformed value, an impossible request.
class InputError : public std::runtime_error {
public:
    explicit InputError(const std::string& what) : std::runtime_error(what) {}
};

/// @brief A configuration value that is wrong, located by file and JSON pointer.
class ConfigError : public InputError {
public:
    ConfigError(std::string file, std::string pointer, std::string expected, std::string found);

    const std::string& file() const { return m_file; }
    const std::string& pointer() const { return m_pointer; }
    const std::string& expected() const { return m_expected; }
    const std::string& found() const { return m_found; }

private:
    std::string m_file;
    std::string m_pointer;
    std::string m_expected;
    std::string m_found;
};

} // namespace neurotlm
