#pragma once
/// @brief SI quantities: parsing of "10 ns", "5 kohm", "1 GHz", "64 KiB" into plain SI numbers,
/// and formatting for people. Everything inside the simulator is a double in base SI units
/// (s, Hz, ohm, S, V, A, J, W, m^2, byte) or an integer count.

#include <optional>
#include <string>
#include <string_view>

namespace neurotlm {

enum class Unit {
    none, ///< dimensionless
    second,
    hertz,
    ohm,
    siemens,
    volt,
    ampere,
    joule,
    watt,
    square_metre,
    byte,
    ohm_square_metre, ///< resistance-area product, e.g. "10 ohm*um^2"
    metre,
    farad,
    farad_per_metre, ///< wire capacitance, e.g. "0.2 fF/um"
    ohm_per_metre,   ///< wire resistance, e.g. "6 ohm/um"
};

/// @brief The unit's symbol as written in reports ("s", "Hz", "ohm", ...).
std::string_view unit_symbol(Unit unit);

/// @brief Parse a quantity written with a unit ("10 ns", "5kohm", "1.2 GHz", "64 KiB") or a
/// bare number, into base SI units. Returns nullopt with @p why filled when the text does
/// not parse or its unit is not of the expected kind.
std::optional<double> parse_quantity(std::string_view text, Unit expected,
                                     std::string* why = nullptr);

/// @brief Format a value in base SI units with an engineering prefix: 1.5e-9, second -> "1.5 ns".
std::string format_quantity(double value, Unit unit, int significant = 4);

/// @brief Parse an unsigned integer written in decimal or hexadecimal ("0x1000"), or a size
/// with a byte unit ("64 KiB").
std::optional<unsigned long long> parse_address(std::string_view text, std::string* why = nullptr);
/// An address or size as "0x1f00".
std::string format_address(unsigned long long value);
/// An address range as "[0x1000, 0x1fff]" (the last address, inclusive, so a range that ends at
/// 2^64 prints without wrapping to 0). @p size must be > 0.
std::string format_range(unsigned long long base, unsigned long long size);

} // namespace neurotlm
