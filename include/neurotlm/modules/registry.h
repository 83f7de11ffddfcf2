#pragma once
/// @brief Block types by name. Each type registers itself from its own source file with
/// NEUROTLM_REGISTER_COMPONENT; the loader validates a component's JSON against the type's
/// parameter table and calls its factory. `neurotlm list` prints the same tables.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "neurotlm/core/registry.h"
#include "neurotlm/modules/component.h"

namespace neurotlm {

struct BlockType {
    std::string name;
    std::string description;
    ParamTable params;
    /// Initiator sockets by name, and whether each decodes addresses (needs base and size).
    std::vector<std::pair<std::string, bool>> initiators;
    /// Whether the type has a target socket "in".
    bool has_target = true;
    /// Analog ports an instance with these parameters will have (modules/analog.h).
    std::function<std::vector<AnalogPortSpec>(const Params&)> analog_ports;
    /// Bytes an instance will allocate, estimated from its parameters (before it is built).
    std::function<double(const Params&)> estimate_bytes;
    /// Bytes an instance keeps per read computed ahead of its timed run (look-ahead batches),
    /// estimated from its parameters; empty for types that compute nothing ahead.
    std::function<double(const Params&)> read_ahead_bytes;
    std::function<std::unique_ptr<Block>(const sc_core::sc_module_name&, const Params&,
                                         const ComponentContext&)>
        create;
};

/// Block types by name (the same mechanism as workload kinds and register maps).
using Registry = NamedRegistry<BlockType>;

namespace detail {
// A block type may declare `static double estimate_bytes(const Params&)` (memory it will
// allocate). A block type with initiators declares `static std::vector<std::pair<std::string,
// bool>> initiator_specs()`; one without a target socket declares `static constexpr bool kHasTarget
// = false`.
template <typename T, typename = void> struct InitiatorSpecs {
    static std::vector<std::pair<std::string, bool>> get() { return {}; }
};
template <typename T> struct InitiatorSpecs<T, std::void_t<decltype(T::initiator_specs())>> {
    static std::vector<std::pair<std::string, bool>> get() { return T::initiator_specs(); }
};
template <typename T, typename = void> struct MemoryEstimate {
    static std::function<double(const Params&)> get() { return {}; }
};
template <typename T>
struct MemoryEstimate<T, std::void_t<decltype(T::estimate_bytes(std::declval<const Params&>()))>> {
    static std::function<double(const Params&)> get() { return &T::estimate_bytes; }
};
// A block type that computes reads ahead declares `static double read_ahead_bytes(const Params&)`
// (memory kept per read computed ahead).
template <typename T, typename = void> struct ReadAheadEstimate {
    static std::function<double(const Params&)> get() { return {}; }
};
template <typename T>
struct ReadAheadEstimate<
    T, std::void_t<decltype(T::read_ahead_bytes(std::declval<const Params&>()))>> {
    static std::function<double(const Params&)> get() { return &T::read_ahead_bytes; }
};
// A block type with analog ports declares `static std::vector<AnalogPortSpec>
// analog_ports(const Params&)`.
template <typename T, typename = void> struct AnalogPorts {
    static std::function<std::vector<AnalogPortSpec>(const Params&)> get() {
        return [](const Params&) { return std::vector<AnalogPortSpec>{}; };
    }
};
template <typename T>
struct AnalogPorts<T, std::void_t<decltype(T::analog_ports(std::declval<const Params&>()))>> {
    static std::function<std::vector<AnalogPortSpec>(const Params&)> get() {
        return &T::analog_ports;
    }
};
template <typename T, typename = void> struct HasTarget : std::true_type {};
template <typename T>
struct HasTarget<T, std::void_t<decltype(T::kHasTarget)>> : std::bool_constant<T::kHasTarget> {};

struct Registrar {
    Registrar(BlockType type) {
        const std::string name = type.name;
        Registry::instance().add(name, std::move(type));
    }
};
} // namespace detail

} // namespace neurotlm

/// Register CLASS (constructor (name, Params, ComponentContext), static param_table()) as the
/// block type TYPE_NAME. Use it inside namespace neurotlm (or the class's own), unqualified.

#define NEUROTLM_REGISTER_COMPONENT(TYPE_NAME, CLASS, DESCRIPTION)                                 \
    static const ::neurotlm::detail::Registrar neurotlm_registrar_##CLASS {                        \
        ::neurotlm::BlockType {                                                                    \
            TYPE_NAME, DESCRIPTION, CLASS::param_table(),                                          \
                ::neurotlm::detail::InitiatorSpecs<CLASS>::get(),                                  \
                ::neurotlm::detail::HasTarget<CLASS>::value,                                       \
                ::neurotlm::detail::AnalogPorts<CLASS>::get(),                                     \
                ::neurotlm::detail::MemoryEstimate<CLASS>::get(),                                  \
                ::neurotlm::detail::ReadAheadEstimate<CLASS>::get(),                               \
                [](const ::sc_core::sc_module_name& n, const ::neurotlm::Params& p,                \
                   const ::neurotlm::ComponentContext& c) -> std::unique_ptr<::neurotlm::Block> {  \
                    return std::make_unique<CLASS>(n, p, c);                                       \
                }                                                                                  \
        }                                                                                          \
    }
