#include "neurotlm/topology/schema.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "neurotlm/core/param_limits.h"
#include "neurotlm/devices/cell.h"
#include "neurotlm/devices/technology.h"
#include "neurotlm/modules/registry.h"
#include "neurotlm/topology/config.h"
#include "neurotlm/workloads/network_format.h"
#include "neurotlm/workloads/workload.h"

namespace neurotlm {

namespace {

constexpr const char* kDraft07 = "http://json-schema.org/draft-07/schema#";

std::vector<std::string> split_dotted(const std::string& name) {
    std::vector<std::string> parts;
    std::stringstream ss(name);
    std::string part;
    while (std::getline(ss, part, '.'))
        parts.push_back(part);
    return parts;
}

json object_schema() {
    return {{"type", "object"}, {"properties", json::object()}, {"additionalProperties", false}};
}

void add_required(json& object, const std::string& key) {
    json& req = object["required"];
    if (!req.is_array()) req = json::array();
    if (std::find(req.begin(), req.end(), key) == req.end()) req.push_back(key);
}

// The bounds a number must meet, as the loader checks them (Params::validate): the declared
// range and, for a quantity, the ceiling of its unit.
void add_bounds(json& s, const ParamSpec& spec) {
    double lo = spec.min;
    double hi = spec.max;
    if (spec.kind == ParamKind::number) {
        const double ceiling = quantity_ceiling(spec.unit);
        lo = std::max(lo, -ceiling);
        hi = std::min(hi, ceiling);
    }
    const bool has_lo = std::isfinite(lo) && lo > std::numeric_limits<double>::lowest();
    const bool has_hi = std::isfinite(hi) && hi < std::numeric_limits<double>::max();
    if (has_lo) s[spec.min_exclusive && lo == spec.min ? "exclusiveMinimum" : "minimum"] = lo;
    if (has_hi) s["maximum"] = hi;
}

std::string help_text(const ParamSpec& spec) {
    std::string text = spec.description;
    if (spec.kind == ParamKind::integer || spec.kind == ParamKind::number) {
        const std::string range = range_text(spec);
        if (!range.empty()) text += (text.empty() ? "" : ". ") + std::string("Expected: ") + range;
    } else if (spec.kind == ParamKind::address) {
        text += ". An address or size: an integer, \"0x1000\" or \"64 KiB\"";
    }
    if (spec.required()) text += " (required)";
    return text;
}

} // namespace

json param_schema(const ParamSpec& spec) {
    json s = json::object();
    switch (spec.kind) {
    case ParamKind::integer: {
        s["type"] = "integer";
        add_bounds(s, spec);
        break;
    }
    case ParamKind::number: {
        // A number, or a string with a unit ("10 ns"); a string is parsed by the loader, so
        // the schema can bound only the number form (numeric keywords ignore strings).
        s["type"] = json::array({"number", "string"});
        add_bounds(s, spec);
        break;
    }
    case ParamKind::boolean: s["type"] = "boolean"; break;
    case ParamKind::string: s["type"] = "string"; break;
    case ParamKind::choice:
        s["type"] = "string";
        s["enum"] = spec.choices;
        break;
    case ParamKind::address:
        s["type"] = json::array({"integer", "string"});
        s["minimum"] = 0;
        break;
    case ParamKind::any: break; // checked by its owner, which the schema describes elsewhere
    }
    if (spec.or_zero && (spec.kind == ParamKind::integer || spec.kind == ParamKind::number)) {
        // 0 switches the feature off; otherwise the range applies.
        json bounded = json::object();
        for (const char* k : {"minimum", "exclusiveMinimum", "maximum"})
            if (s.contains(k)) {
                bounded[k] = s[k];
                s.erase(k);
            }
        s["anyOf"] = json::array({json{{"const", 0}}, bounded});
    }
    s["description"] = help_text(spec);
    if (!spec.required() && !spec.optional && !spec.default_value.is_null())
        s["default"] = spec.default_value;
    return s;
}

json param_table_schema(const ParamTable& table) {
    json root = object_schema();
    for (const ParamSpec& spec : table.specs()) {
        const std::vector<std::string> parts = split_dotted(spec.name);
        json* node = &root;
        for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
            json& props = (*node)["properties"];
            if (!props.contains(parts[i])) {
                props[parts[i]] = object_schema();
                props[parts[i]]["description"] = "the \"" + parts[i] + "\" group of parameters";
            }
            // A required parameter inside a group needs the group.
            if (spec.required()) add_required(*node, parts[i]);
            node = &props[parts[i]];
        }
        (*node)["properties"][parts.back()] = param_schema(spec);
        if (spec.required()) add_required(*node, parts.back());
    }
    return root;
}

namespace {

// The property of @p table's parameter @p name, keeping its description and default, with
// @p shape (what the loader's owner of an `any` parameter accepts) merged in.
json described(const ParamTable& table, const std::string& name, json shape) {
    json s = param_schema(*table.find(name));
    shape.update(s);
    return shape;
}

json address_schema(const std::string& description) {
    return {{"type", json::array({"integer", "string"})},
            {"minimum", 0},
            {"description", description + "; an integer, \"0x1000\" or \"64 KiB\""}};
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

// One component declaration: name, type and count, then the parameters of its type. Each
// type gets its own properties through if/then on "type", so an editor completes the keys of
// the type written.
json component_schema() {
    const auto& registry = Registry::instance();
    const std::vector<std::string> types = sorted(registry.names());
    std::string type_list;
    for (const auto& t : types)
        type_list += (type_list.empty() ? "" : ", ") + t;
    const json name = {{"type", "string"},
                       {"pattern", "^[A-Za-z_][A-Za-z0-9_]{0,63}$"},
                       {"description", "component name (letters, digits, _; up to 64 characters); "
                                       "with count, the members are name0, name1, ..."}};
    const json count = {{"type", "integer"},
                        {"minimum", 1},
                        {"maximum", kMaxGroupCount},
                        {"description", "declare a group of this many identical components"}};
    json s = {{"type", "object"},
              {"description", "a component: {\"name\", \"type\", [\"count\"], parameters}"},
              {"required", json::array({"name", "type"})},
              {"properties",
               {{"name", name},
                {"type",
                 {{"type", "string"},
                  {"enum", types},
                  {"description", "component type (" + type_list + ")"}}},
                {"count", count}}},
              {"allOf", json::array()}};
    for (const auto& t : types) {
        const BlockType* type = registry.find(t);
        json then = param_table_schema(type->params);
        then["properties"]["name"] = name;
        then["properties"]["type"] = {{"const", t}, {"description", type->description}};
        then["properties"]["count"] = count;
        s["allOf"].push_back(
            {{"if",
              {{"properties", {{"type", {{"const", t}}}}}, {"required", json::array({"type"})}}},
             {"then", then}});
    }
    return s;
}

json workload_schema(const ParamTable& top) {
    const auto& registry = WorkloadRegistry::instance();
    const std::vector<std::string> kinds = sorted(registry.names());
    json s = described(
        top, "workload",
        {{"type", "object"},
         {"properties",
          {{"kind",
            {{"type", "string"}, {"enum", kinds}, {"description", "what the controller runs"}}}}},
         // An empty workload is allowed (validate only); any other needs a kind.
         {"allOf", json::array({{{"if", {{"minProperties", 1}}},
                                 {"then", {{"required", json::array({"kind"})}}}}})}});
    for (const auto& k : kinds) {
        const WorkloadKind* kind = registry.find(k);
        json then = param_table_schema(kind->params);
        then["properties"]["kind"] = {{"const", k}, {"description", kind->description}};
        s["allOf"].push_back(
            {{"if",
              {{"properties", {{"kind", {{"const", k}}}}}, {"required", json::array({"kind"})}}},
             {"then", then}});
    }
    return s;
}

// A device under /devices: a preset and overrides, or a whole spec. The preset supplies the
// values it has, so the required ones are required only of a device without a preset.
json device_schema() {
    json s = param_table_schema(CellSpec::param_table());
    json required = s.value("required", json::array());
    s.erase("required");
    s["properties"]["preset"] = {
        {"type", "string"},
        {"description", "a device preset: configs/devices/<preset>.json, a devices/ folder "
                        "beside the platform file, or NEUROTLM_DEVICE_PATH"}};
    s["description"] = "a device spec: {\"preset\": ..., overrides} or every required value";
    if (!required.empty()) {
        s["if"] = {{"not", {{"required", json::array({"preset"})}}}};
        s["then"] = {{"required", required}};
    }
    return s;
}

json technology_schema(const ParamTable& top) {
    const std::vector<std::string> presets = Technology::preset_names();
    std::string list;
    for (const auto& p : presets)
        list += (list.empty() ? "" : ", ") + p;
    const json preset = {{"type", "string"},
                         {"examples", presets},
                         {"description", "a technology preset (" + list + ")"}};
    json object = param_table_schema(Technology::table().params());
    object["properties"]["preset"] = preset;
    object["properties"]["source"] = {
        {"description", "where the numbers come from (free text; not read)"}};
    return described(top, "technology", {{"oneOf", json::array({preset, object})}});
}

json connection_schema() {
    const json endpoint = {{"type", "string"},
                           {"pattern", "^[^.]+\\.[^.]+$"},
                           {"description", "\"component.socket\" such as \"bus.in\" or "
                                           "\"ctrl.out\", or an analog port \"tile0.aout\""}};
    json s = object_schema();
    s["description"] = "a TLM connection (from an initiator socket to a target's \"in\") or an "
                       "analog link (from an analog output to an analog input)";
    s["required"] = json::array({"from", "to"});
    s["properties"] = {
        {"from", endpoint},
        {"to", endpoint},
        {"base", address_schema("base address of the target on an address-decoding initiator "
                                "(a group's member k sits at base + k * size)")},
        {"size",
         [] {
             json size = address_schema("size of the target's address range (> 0)");
             size["minimum"] = 1;
             return size;
         }()},
        {"length",
         {{"type", json::array({"number", "string"})},
          {"exclusiveMinimum", 0},
          {"maximum", 0.1},
          {"description", "analog links only: wire length in m, in (0, 10 cm], e.g. \"200 um\" "
                          "(default: from the floor plan)"}}},
        {"first",
         {{"type", "integer"},
          {"minimum", 0},
          {"description", "analog links only: the first value of the output the link carries"}}},
        {"count",
         {{"type", "integer"},
          {"minimum", 1},
          {"description", "analog links only: how many values of the output the link carries"}}}};
    return s;
}

} // namespace

json platform_schema() {
    const ParamTable& top = platform_param_table();
    json s = param_table_schema(top);
    json& props = s["properties"];
    // The name becomes the default report folder: a plain file name (or "": the file's).
    props["name"]["pattern"] = "^([A-Za-z0-9_-][A-Za-z0-9_.-]{0,63})?$";
    props["technology"] = technology_schema(top);
    props["devices"] =
        described(top, "devices", {{"type", "object"}, {"additionalProperties", device_schema()}});
    props["components"] = described(
        top, "components", {{"type", "array"}, {"minItems", 1}, {"items", component_schema()}});
    props["connections"] =
        described(top, "connections", {{"type", "array"}, {"items", connection_schema()}});
    props["workload"] = workload_schema(top);
    json out = {{"$schema", kDraft07},
                {"title", "neurotlm platform file"},
                {"description", "A neurotlm platform: components, their connections, devices, "
                                "technology and workload. Generated by `neurotlm schema platform` "
                                "from the loader's parameter tables; `neurotlm validate` checks "
                                "what a schema cannot (connections, addresses, the workload "
                                "against the platform)."}};
    out.update(s);
    return out;
}

json network_schema() {
    const ParamTable& top = network_param_table();
    json s = param_table_schema(top);
    json layer = param_table_schema(network_layer_param_table());
    layer["description"] =
        "a layer: dense or conv2d (y = activation(scale (W x + b))), maxpool, avgpool or add";
    const json number = {{"type", "number"}};
    const json matrix = {{"type", "array"}, {"items", {{"type", "array"}, {"items", number}}}};
    const json kernel4 = {
        {"type", "array"},
        {"items", {{"type", "array"}, {"items", {{"type", "array"}, {"items", matrix["items"]}}}}}};
    layer["properties"]["weights"] = described(
        network_layer_param_table(), "weights",
        {{"anyOf", json::array({{{"type", "string"}},
                                matrix,
                                kernel4,
                                {{"type", "object"},
                                 {"required", {"random"}},
                                 {"additionalProperties", false},
                                 {"properties",
                                  {{"random", {{"enum", {"uniform"}}}},
                                   {"range", {{"type", "number"}, {"exclusiveMinimum", 0}}},
                                   {"seed", {{"type", "integer"}, {"minimum", 0}}}}}}})}});
    layer["properties"]["bias"] = described(
        network_layer_param_table(), "bias",
        {{"anyOf", json::array({{{"type", "string"}}, {{"type", "array"}, {"items", number}}})}});
    // An integer, or a pair of them.
    auto pair = [&](const char* key, int minimum) {
        const json one = {{"type", "integer"}, {"minimum", minimum}};
        layer["properties"][key] = described(
            network_layer_param_table(), key,
            {{"anyOf",
              json::array(
                  {one, {{"type", "array"}, {"items", one}, {"minItems", 2}, {"maxItems", 2}}})}});
    };
    pair("kernel", 1);
    pair("stride", 1);
    pair("padding", 0);
    const json positive = {{"type", "integer"}, {"minimum", 1}};
    s["properties"]["input"] = described(
        top, "input",
        {{"anyOf",
          json::array(
              {positive,
               {{"type", "array"}, {"items", positive}, {"minItems", 3}, {"maxItems", 3}}})}});
    s["properties"]["layers"] =
        described(top, "layers", {{"type", "array"}, {"minItems", 1}, {"items", layer}});
    json out = {{"$schema", kDraft07},
                {"title", "neurotlm network file"},
                {"description", "A network description (docs/network-format.md). Generated by "
                                "`neurotlm schema network` from the loader's parameter tables; "
                                "tensor shapes and .npy contents are checked when it is loaded."}};
    out.update(s);
    return out;
}

} // namespace neurotlm
