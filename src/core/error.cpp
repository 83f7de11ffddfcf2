#include "neurotlm/core/error.h"

#include "neurotlm/core/files.h"

namespace neurotlm {

namespace {
std::string compose(const std::string& file, const std::string& pointer,
                    const std::string& expected, const std::string& found) {
    // The file name, the pointer and what was found come from the input: escaped, so they
    // cannot act on the terminal the message is printed on.
    std::string msg = file.empty() ? std::string("<config>") : printable(file);
    msg += ": ";
    msg += pointer.empty() ? std::string("/") : printable(pointer);
    msg += ": expected ";
    msg += expected;
    if (!found.empty()) {
        msg += ", found ";
        msg += printable(found, true);
    }
    return msg;
}
} // namespace

ConfigError::ConfigError(std::string file, std::string pointer, std::string expected,
                         std::string found)
    : InputError(compose(file, pointer, expected, found)), m_file(std::move(file)),
      m_pointer(std::move(pointer)), m_expected(std::move(expected)), m_found(std::move(found)) {}

} // namespace neurotlm
