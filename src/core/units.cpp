#include "neurotlm/core/units.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

namespace neurotlm {

std::string_view unit_symbol(Unit unit) {
    switch (unit) {
    case Unit::none: return "1";
    case Unit::second: return "s";
    case Unit::hertz: return "Hz";
    case Unit::ohm: return "ohm";
    case Unit::siemens: return "S";
    case Unit::volt: return "V";
    case Unit::ampere: return "A";
    case Unit::joule: return "J";
    case Unit::watt: return "W";
    case Unit::square_metre: return "m^2";
    case Unit::byte: return "B";
    case Unit::ohm_square_metre: return "ohm*m^2";
    case Unit::metre: return "m";
    case Unit::farad: return "F";
    case Unit::farad_per_metre: return "F/m";
    case Unit::ohm_per_metre: return "ohm/m";
    }
    return "?";
}

namespace {

struct UnitSpelling {
    std::string_view text;
    Unit unit;
    double scale; // multiply by this to reach base SI
};

// Longest spellings first within a family, so "kohm" is not read as "k" + "ohm" twice.
constexpr std::array<UnitSpelling, 34> kSpellings{{
    {"ohm*um^2", Unit::ohm_square_metre, 1e-12},
    {"ohm*m^2", Unit::ohm_square_metre, 1.0},
    {"ohm/um", Unit::ohm_per_metre, 1e6},
    {"ohm/mm", Unit::ohm_per_metre, 1e3},
    {"ohm/m", Unit::ohm_per_metre, 1.0},
    {"fF/um", Unit::farad_per_metre, 1e-9},
    {"pF/mm", Unit::farad_per_metre, 1e-9},
    {"F/m", Unit::farad_per_metre, 1.0},
    {"ohm", Unit::ohm, 1.0},
    {"Ohm", Unit::ohm, 1.0},
    {"Ω", Unit::ohm, 1.0},
    {"Hz", Unit::hertz, 1.0},
    {"um^2", Unit::square_metre, 1e-12},
    {"nm^2", Unit::square_metre, 1e-18},
    {"mm^2", Unit::square_metre, 1e-6},
    {"m^2", Unit::square_metre, 1.0},
    {"KiB", Unit::byte, 1024.0},
    {"MiB", Unit::byte, 1024.0 * 1024.0},
    {"GiB", Unit::byte, 1024.0 * 1024.0 * 1024.0},
    {"B", Unit::byte, 1.0},
    {"s", Unit::second, 1.0},
    {"S", Unit::siemens, 1.0},
    {"V", Unit::volt, 1.0},
    {"A", Unit::ampere, 1.0},
    {"J", Unit::joule, 1.0},
    {"W", Unit::watt, 1.0},
    {"F", Unit::farad, 1.0},
    {"m", Unit::metre, 1.0},
    {"sec", Unit::second, 1.0},
    {"mho", Unit::siemens, 1.0},
    {"bytes", Unit::byte, 1.0},
    {"byte", Unit::byte, 1.0},
    {"ohms", Unit::ohm, 1.0},
    {"1", Unit::none, 1.0},
}};

struct Prefix {
    std::string_view text;
    double scale;
};

constexpr std::array<Prefix, 12> kPrefixes{{
    {"a", 1e-18},
    {"f", 1e-15},
    {"p", 1e-12},
    {"n", 1e-9},
    {"u", 1e-6},
    {"µ", 1e-6},
    {"m", 1e-3},
    {"k", 1e3},
    {"K", 1e3},
    {"M", 1e6},
    {"G", 1e9},
    {"T", 1e12},
}};

bool expected_matches(Unit expected, Unit got) {
    return expected == got;
}

std::string trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
        ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
        --e;
    return std::string(s.substr(b, e - b));
}

// Resolve a unit word (with optional SI prefix) into unit and scale.
std::optional<std::pair<Unit, double>> resolve_unit(const std::string& word) {
    for (const auto& sp : kSpellings)
        if (word == sp.text) return std::make_pair(sp.unit, sp.scale);
    for (const auto& p : kPrefixes) {
        if (word.size() > p.text.size() && word.compare(0, p.text.size(), p.text) == 0) {
            std::string rest = word.substr(p.text.size());
            for (const auto& sp : kSpellings) {
                // Binary byte units and area units already carry their own scale.
                if (sp.unit == Unit::byte && sp.scale != 1.0) continue;
                if (sp.unit == Unit::square_metre || sp.unit == Unit::ohm_square_metre ||
                    sp.unit == Unit::ohm_per_metre || sp.unit == Unit::farad_per_metre)
                    continue;
                if (sp.unit == Unit::none) continue;
                if (rest == sp.text) return std::make_pair(sp.unit, sp.scale * p.scale);
            }
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<double> parse_quantity(std::string_view text_in, Unit expected, std::string* why) {
    const std::string text = trim(text_in);
    auto fail = [&](std::string reason) -> std::optional<double> {
        if (why) *why = std::move(reason);
        return std::nullopt;
    };
    if (text.empty()) return fail("an empty string");
    const char* begin = text.c_str();
    char* end = nullptr;
    errno = 0;
    const double number = std::strtod(begin, &end);
    if (end == begin) return fail("\"" + text + "\" does not start with a number");
    if (errno == ERANGE || !std::isfinite(number))
        return fail("\"" + text + "\" is not a finite number");
    // strtod accepts "inf", "nan" and hex floats; only decimal numbers are quantities.
    for (const char* c = begin; c != end; ++c)
        if (std::isalpha(static_cast<unsigned char>(*c)) && *c != 'e' && *c != 'E')
            return fail("\"" + text + "\" is not a decimal number");
    const std::string unit_word = trim(std::string_view(end));
    if (unit_word.empty()) return number; // bare number: already SI
    auto resolved = resolve_unit(unit_word);
    if (!resolved) return fail("\"" + text + "\" has unknown unit \"" + unit_word + "\"");
    if (!expected_matches(expected, resolved->first))
        return fail("\"" + text + "\" is in " + std::string(unit_symbol(resolved->first)) +
                    ", not " + std::string(unit_symbol(expected)));
    return number * resolved->second;
}

std::optional<unsigned long long> parse_address(std::string_view text_in, std::string* why) {
    const std::string text = trim(text_in);
    auto fail = [&](std::string reason) -> std::optional<unsigned long long> {
        if (why) *why = std::move(reason);
        return std::nullopt;
    };
    if (text.empty()) return fail("an empty string");
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        unsigned long long v = 0;
        int digits = 0;
        for (size_t i = 2; i < text.size(); ++i) {
            const char c = text[i];
            int d;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else if (c == '_' || c == '\'')
                continue;
            else
                return fail("\"" + text + "\" is not a hexadecimal number");
            // Leading zeros are free; 16 significant digits fill 64 bits.
            if ((v != 0 || d != 0) && ++digits > 16)
                return fail("\"" + text + "\" is wider than 64 bits");
            v = v * 16 + static_cast<unsigned long long>(d);
        }
        if (text.find_first_of("0123456789abcdefABCDEF", 2) == std::string::npos)
            return fail("\"" + text + "\" has no hexadecimal digit");
        return v;
    }
    // A plain decimal integer is read exactly (a double would round above 2^53).
    if (text.find_first_not_of("0123456789_'") == std::string::npos &&
        text.find_first_of("0123456789") != std::string::npos) {
        unsigned long long v = 0;
        for (char c : text) {
            if (c == '_' || c == '\'') continue;
            const unsigned long long d = static_cast<unsigned long long>(c - '0');
            if (v > (~0ULL - d) / 10) return fail("\"" + text + "\" is wider than 64 bits");
            v = v * 10 + d;
        }
        return v;
    }
    std::string reason;
    auto q = parse_quantity(text, Unit::byte, &reason);
    if (!q) return fail(reason);
    if (*q < 0 || *q != std::floor(*q) || *q > 1.8e19)
        return fail("\"" + text + "\" is not a non-negative whole number of bytes");
    return static_cast<unsigned long long>(*q);
}

std::string format_quantity(double value, Unit unit, int significant) {
    if (!std::isfinite(value)) return std::to_string(value) + " " + std::string(unit_symbol(unit));
    char buf[64];
    // Wires are quoted per micrometre, as process documents do.
    if (unit == Unit::ohm_per_metre || unit == Unit::farad_per_metre) {
        const bool ohm = unit == Unit::ohm_per_metre;
        std::snprintf(buf, sizeof buf, "%.*g %s", significant, value * (ohm ? 1e-6 : 1e9),
                      ohm ? "ohm/um" : "fF/um");
        return buf;
    }
    if (unit == Unit::none || unit == Unit::byte || unit == Unit::square_metre ||
        unit == Unit::ohm_square_metre) {
        std::snprintf(buf, sizeof buf, "%.*g %s", significant, value,
                      std::string(unit_symbol(unit)).c_str());
        return buf;
    }
    static constexpr std::array<std::pair<double, const char*>, 11> prefixes{{
        {1e12, "T"},
        {1e9, "G"},
        {1e6, "M"},
        {1e3, "k"},
        {1.0, ""},
        {1e-3, "m"},
        {1e-6, "u"},
        {1e-9, "n"},
        {1e-12, "p"},
        {1e-15, "f"},
        {1e-18, "a"},
    }};
    const double mag = std::fabs(value);
    const std::pair<double, const char*>* chosen = &prefixes[4];
    if (mag != 0.0) {
        for (const auto& p : prefixes) {
            if (mag >= p.first * 0.9995) {
                chosen = &p;
                break;
            }
            chosen = &p;
        }
    }
    std::snprintf(buf, sizeof buf, "%.*g %s%s", significant, value / chosen->first, chosen->second,
                  std::string(unit_symbol(unit)).c_str());
    return buf;
}

std::string format_address(unsigned long long value) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", value);
    return buf;
}

std::string format_range(unsigned long long base, unsigned long long size) {
    return "[" + format_address(base) + ", " + format_address(base + (size - 1)) + "]";
}

} // namespace neurotlm
