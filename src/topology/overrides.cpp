// Command-line overrides: `--set /json/pointer=value` edits a platform document before it is
// validated, so what it writes is checked exactly like the file's own values.

#include "neurotlm/topology/config.h"

#include <string>

#include "neurotlm/core/error.h"
#include "neurotlm/core/files.h"

namespace neurotlm {

namespace {

/// /components/<name>/... addresses the component of that name: the pointer with its index.
std::string component_by_name(const json& document, const std::string& ptr,
                              const std::string& assignment) {
    const std::string prefix = "/components/";
    if (ptr.compare(0, prefix.size(), prefix) != 0) return ptr;
    const auto end = ptr.find('/', prefix.size());
    const std::string segment = ptr.substr(
        prefix.size(), end == std::string::npos ? std::string::npos : end - prefix.size());
    const bool index =
        !segment.empty() &&
        (segment == "-" || segment.find_first_not_of("0123456789") == std::string::npos);
    if (index || !document.is_object() || !document.contains("components") ||
        !document["components"].is_array())
        return ptr;
    // The segment as a name: a JSON pointer escapes '~' and '/' in it as ~0 and ~1.
    std::string name;
    try {
        name = json::json_pointer("/" + segment).back();
    } catch (const json::exception&) {
        return ptr; // not a valid pointer: apply_override says so
    }
    const json& components = document["components"];
    for (std::size_t i = 0; i < components.size(); ++i)
        if (components[i].is_object() && components[i].contains("name") &&
            components[i]["name"] == name)
            return prefix + std::to_string(i) +
                   (end == std::string::npos ? std::string() : ptr.substr(end));
    std::string names;
    for (const auto& c : components)
        if (c.is_object() && c.contains("name") && c["name"].is_string())
            names += (names.empty() ? "" : ", ") + c["name"].get<std::string>();
    throw InputError("--set " + assignment + ": no component named \"" + name +
                     "\" (components: " + names + ")");
}

} // namespace

void apply_override(json& document, const std::string& assignment) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0 || assignment[0] != '/')
        throw InputError("--set " + assignment +
                         ": expected /json/pointer=value, e.g. --set /components/1/rows=256");
    const std::string ptr = assignment.substr(0, eq);
    const std::string text = assignment.substr(eq + 1);
    json value;
    // A bare word is a string (--set /workload/kind=trace, --set /components/1/clock=2 GHz); a
    // text that starts like a JSON array, object or string must be one.
    const auto first = text.find_first_not_of(" \t");
    const bool looks_like_json = first != std::string::npos &&
                                 (text[first] == '[' || text[first] == '{' || text[first] == '"');
    try {
        value = parse_json_text(text, "--set " + assignment);
    } catch (const InputError&) {
        if (looks_like_json) throw;
        if (!valid_utf8(text))
            throw InputError("--set " + printable(assignment) +
                             ": the value is not UTF-8 text, which a JSON document must hold");
        value = text;
    }
    json::json_pointer pointer;
    try {
        pointer = json::json_pointer(component_by_name(document, ptr, assignment));
    } catch (const json::exception& e) {
        throw InputError("--set " + assignment + ": " + ptr + " is not a JSON pointer");
    }
    try {
        const json::json_pointer parent = pointer.parent_pointer();
        if (!document.contains(parent))
            throw InputError("--set " + assignment + ": " + parent.to_string() +
                             " does not exist in the configuration");
        const json& p = document.at(parent);
        if (!p.is_object() && !p.is_array())
            throw InputError("--set " + assignment + ": " + parent.to_string() +
                             " is not an object or array");
        if (p.is_array()) {
            const std::string last = pointer.back();
            if (last != "-" && !document.contains(pointer))
                throw InputError("--set " + assignment + ": " + ptr +
                                 " is past the end of the array");
        }
        document[pointer] = value;
    } catch (const json::exception& e) {
        throw InputError("--set " + assignment + ": " + e.what());
    }
}

} // namespace neurotlm
