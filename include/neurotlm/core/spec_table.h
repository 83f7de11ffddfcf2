#pragma once
/// @brief A parameter table bound to the fields of a spec struct: each parameter is spelled,
/// defaulted, bounded and described once, and the same declaration validates JSON (through its
/// ParamTable), fills the struct (build), checks a struct built in C++ against the same bounds
/// (check), and tells whether the struct's own initialisers agree with the table's defaults
/// (default_mismatches, run by a test for every spec type).
///
///     SpecTable<AdcSpec> t;
///     t.integer("bits", NEUROTLM_FIELD(bits), 5, "ADC resolution", 0, 16);
///
/// Fields are reached through accessors, so a table may bind nested members
/// (NEUROTLM_FIELD(adc.bits)) and be nested under a prefix into a bigger table (include()).

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "neurotlm/core/params.h"

/// An accessor for member @p member of a spec, for SpecTable bindings.
#define NEUROTLM_FIELD(member)                                                                     \
    [](auto& spec_) -> auto& {                                                                     \
        return spec_.member;                                                                       \
    }

namespace neurotlm {

template <typename Spec> class SpecTable {
public:
    template <typename T> using Field = std::function<T&(Spec&)>;

    SpecTable& integer(const std::string& name, Field<int> at, json def, std::string description,
                       double min = std::numeric_limits<double>::lowest(),
                       double max = std::numeric_limits<double>::max()) {
        m_table.integer(name, std::move(def), std::move(description), min, max);
        bind<int>(name, at, [](const Params& p, const std::string& key) {
            return static_cast<int>(p.integer(key));
        });
        return *this;
    }
    SpecTable& number(const std::string& name, Unit unit, Field<double> at, json def,
                      std::string description, double min = std::numeric_limits<double>::lowest(),
                      double max = std::numeric_limits<double>::max()) {
        m_table.number(name, unit, std::move(def), std::move(description), min, max);
        bind<double>(name, at,
                     [](const Params& p, const std::string& key) { return p.number(key); });
        return *this;
    }
    /// A number that must be strictly greater than @p min.
    SpecTable& positive(const std::string& name, Unit unit, Field<double> at, json def,
                        std::string description, double min = 0.0,
                        double max = std::numeric_limits<double>::max()) {
        m_table.positive(name, unit, std::move(def), std::move(description), min, max);
        bind<double>(name, at,
                     [](const Params& p, const std::string& key) { return p.number(key); });
        return *this;
    }
    /// Let the last added parameter also be exactly 0 (off) besides its range.
    SpecTable& or_zero() {
        m_table.or_zero();
        return *this;
    }
    /// Mark the last added parameter optional: when the input leaves it out, build() keeps the
    /// field as it is (the struct's own value, or one its owner derives, Params::present).
    SpecTable& optional() {
        m_table.optional();
        return *this;
    }
    SpecTable& boolean(const std::string& name, Field<bool> at, bool def, std::string description) {
        m_table.boolean(name, def, std::move(description));
        bind<bool>(name, at,
                   [](const Params& p, const std::string& key) { return p.boolean(key); });
        return *this;
    }
    /// A string choice stored as the enumerator paired with it.
    template <typename E>
    SpecTable& choice(const std::string& name, Field<E> at,
                      std::vector<std::pair<std::string, E>> options, json def,
                      std::string description) {
        std::vector<std::string> names;
        for (const auto& o : options)
            names.push_back(o.first);
        m_table.choice(name, names, std::move(def), std::move(description));
        m_bindings.push_back(
            {name,
             [name, at, options](const Params& p, const std::string& prefix, Spec& s) {
                 for (const auto& o : options)
                     if (o.first == p.string(prefix + name)) at(s) = o.second;
             },
             [at, options](const Spec& s) -> json {
                 for (const auto& o : options)
                     if (o.second == at(const_cast<Spec&>(s))) return o.first;
                 return nullptr;
             }});
        return *this;
    }

    /// Bind every parameter of @p inner under "<prefix>." to the sub-spec @p at reaches.
    template <typename Inner>
    SpecTable& include(const std::string& prefix, Field<Inner> at, const SpecTable<Inner>& inner) {
        for (const ParamSpec& spec : inner.params().specs()) {
            ParamSpec s = spec;
            s.name = prefix + "." + spec.name;
            m_table.add(s);
        }
        for (const auto& b : inner.bindings()) {
            const std::string full = prefix + "." + b.name;
            m_bindings.push_back(
                {full,
                 [b, at, prefix](const Params& p, const std::string& outer, Spec& s) {
                     b.set(p, outer + prefix + ".", at(s));
                 },
                 [b, at](const Spec& s) { return b.get(at(const_cast<Spec&>(s))); }});
        }
        return *this;
    }

    /// The plain table: parameters a block reads itself (a device name resolved through the
    /// library, a window size) are added here.
    ParamTable& params() { return m_table; }
    const ParamTable& params() const { return m_table; }

    /// Fill every bound field of @p spec from validated parameters.
    void apply(const Params& p, Spec& spec) const { apply(p, std::string(), spec); }
    /// The same for a table nested under @p prefix ("switching.") in a bigger one.
    void apply(const Params& p, const std::string& prefix, Spec& spec) const {
        for (const auto& b : m_bindings)
            b.set(p, prefix, spec);
    }
    /// Only the fields whose parameter the input wrote (for optional parameters whose default
    /// is the struct's own).
    void apply_present(const Params& p, const std::string& prefix, Spec& spec) const {
        for (const auto& b : m_bindings)
            if (p.present(prefix + b.name)) b.set(p, prefix, spec);
    }
    Spec build(const Params& p) const {
        Spec s{};
        apply(p, s);
        return s;
    }
    /// The table's defaults as a spec.
    Spec defaults() const { return build(Params::validate(json::object(), m_table, "", "")); }

    /// Bound fields of @p spec outside the table's ranges, as "name: value outside [min, max]".
    std::vector<std::string> check(const Spec& spec) const {
        std::vector<std::string> out;
        for (const auto& b : m_bindings) {
            const ParamSpec* ps = m_table.find(b.name);
            const json v = b.get(spec);
            if (!ps || !v.is_number()) continue;
            if (!in_range(*ps, v.get<double>()))
                out.push_back(b.name + ": " + v.dump() + " is outside the declared range");
        }
        return out;
    }
    /// Bound fields whose value in a default-constructed Spec differs from the table default.
    std::vector<std::string> default_mismatches() const {
        std::vector<std::string> out;
        const Spec from_table = defaults();
        const Spec plain{};
        for (const auto& b : m_bindings)
            if (b.get(plain) != b.get(from_table))
                out.push_back(b.name + ": struct " + b.get(plain).dump() + ", table " +
                              b.get(from_table).dump());
        return out;
    }

    struct Binding {
        std::string name;
        /// Fill the field from the parameter named prefix + name.
        std::function<void(const Params&, const std::string&, Spec&)> set;
        std::function<json(const Spec&)> get;
    };
    const std::vector<Binding>& bindings() const { return m_bindings; }

private:
    template <typename T, typename Read>
    void bind(const std::string& name, Field<T> at, Read read) {
        m_bindings.push_back(
            {name,
             [name, at, read](const Params& p, const std::string& prefix, Spec& s) {
                 // An optional parameter left out keeps the field's value.
                 if (p.has(prefix + name)) at(s) = read(p, prefix + name);
             },
             [at](const Spec& s) -> json { return at(const_cast<Spec&>(s)); }});
    }

    ParamTable m_table;
    std::vector<Binding> m_bindings;
};

} // namespace neurotlm
