// `neurotlm schema` and the JSON Schemas shipped in configs/: they are what the command
// generates from the loaders' tables now, and a validator that is not ours (valijson) agrees
// with the loaders on the shipped files and, where a schema can judge, on the bad corpus.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#ifdef NEUROTLM_HAVE_VALIJSON
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>
#endif

#include "testing/cli.h"
#include "testing/paths.h"
#include "testing/require.h"

namespace {

namespace fs = std::filesystem;
using neurotlm::testing::load_json;
using neurotlm::testing::run_program;
using neurotlm::testing::slurp;
using neurotlm::testing::source_dir;
using nlohmann::json;

#ifdef NEUROTLM_HAVE_VALIJSON
constexpr bool kHaveValijson = true;
#else
constexpr bool kHaveValijson = false;
#endif

std::string shipped_schema_path(const std::string& format) {
    return source_dir() + "/configs/" + format + ".schema.json";
}

/// A schema parsed once, and the errors a document has against it ("" when it is valid).
class SchemaChecker {
public:
    explicit SchemaChecker(const std::string& format) {
#ifdef NEUROTLM_HAVE_VALIJSON
        m_document = load_json(shipped_schema_path(format));
        valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
        valijson::adapters::NlohmannJsonAdapter adapter(m_document);
        parser.populateSchema(adapter, m_schema);
#else
        (void)format;
#endif
    }

    /// Where the first (the innermost) error is, as a JSON pointer; a missing or unknown key
    /// is named as the key itself ("/components/2/colums"), as the loader names it.
    std::string first_error_pointer(const json& document) const {
#ifdef NEUROTLM_HAVE_VALIJSON
        valijson::Validator validator;
        valijson::ValidationResults results;
        valijson::adapters::NlohmannJsonAdapter target(document);
        if (validator.validate(m_schema, target, &results)) return "";
        valijson::ValidationResults::Error e;
        if (!results.popError(e)) return "";
        std::string pointer;
        for (const auto& c : e.context)
            if (c.size() > 2 && c.front() == '[' && c.back() == ']')
                pointer += "/" + c.substr(1, c.size() - 2);
        // "Missing required property 'type'." and "... constraints: 'colums'." end with the key.
        const auto last = e.description.rfind('\'');
        const auto first = last == std::string::npos ? last : e.description.rfind('\'', last - 1);
        if (first != std::string::npos &&
            (e.description.find("Missing required property") == 0 ||
             e.description.find("could not be validated") != std::string::npos))
            pointer += "/" + e.description.substr(first + 1, last - first - 1);
        return pointer;
#else
        (void)document;
        return "";
#endif
    }

    std::string errors(const json& document) const {
#ifdef NEUROTLM_HAVE_VALIJSON
        valijson::Validator validator;
        valijson::ValidationResults results;
        valijson::adapters::NlohmannJsonAdapter target(document);
        if (validator.validate(m_schema, target, &results)) return "";
        std::string out;
        valijson::ValidationResults::Error e;
        while (results.popError(e)) {
            std::string where;
            for (const auto& c : e.context)
                where += c;
            out += where + ": " + e.description + "\n";
        }
        return out.empty() ? "invalid" : out;
#else
        (void)document;
        return "";
#endif
    }

private:
#ifdef NEUROTLM_HAVE_VALIJSON
    json m_document;
    valijson::Schema m_schema;
#endif
};

/// The .json files in @p dir whose top level has @p key ("neurotlm" marks a platform,
/// "format" a network), sorted.
std::vector<std::string> files_with_key(const std::string& dir, const std::string& key) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() != ".json") continue;
        const json doc = load_json(e.path().string());
        if (doc.is_object() && doc.contains(key)) out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

TEST(SchemaCli, ShippedSchemasAreWhatTheCommandGenerates) {
    for (const std::string format : {"platform", "network"}) {
        const auto r = run_program(NEUROTLM_CLI, "schema " + format);
        ASSERT_EQ(r.code, 0) << r.err;
        EXPECT_EQ(r.out, slurp(shipped_schema_path(format)))
            << "configs/" << format
            << ".schema.json is not what the loader's tables give now; regenerate it with "
               "`build/neurotlm schema "
            << format << " --out configs/" << format << ".schema.json`";
        const json schema = json::parse(r.out);
        EXPECT_EQ(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        EXPECT_EQ(schema["additionalProperties"], false);
    }
    // Without an argument the command prints the platform file's schema.
    const auto r = run_program(NEUROTLM_CLI, "schema");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, slurp(shipped_schema_path("platform")));
}

TEST(SchemaCli, OutWritesTheFileAndABadFormatIsRefused) {
    const std::string out = neurotlm::testing::scratch_dir("schema_out") + "/network.schema.json";
    const auto r = run_program(NEUROTLM_CLI, "schema network --out " + out);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(slurp(out), slurp(shipped_schema_path("network")));

    const auto bad = run_program(NEUROTLM_CLI, "schema sweep");
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("platform"), std::string::npos) << bad.err;
}

TEST(SchemaCli, EveryParameterHasADescription) {
    // Editors show the description as help: a property without one is a hole in it.
    const json schema = load_json(shipped_schema_path("platform"));
    std::vector<std::string> missing;
    const auto walk = [&](const auto& self, const json& node, const std::string& where) -> void {
        if (!node.is_object()) return;
        if (node.contains("properties"))
            for (auto it = node["properties"].begin(); it != node["properties"].end(); ++it) {
                if (!it.value().contains("description"))
                    missing.push_back(where + "/properties/" + it.key());
                self(self, it.value(), where + "/properties/" + it.key());
            }
        for (const char* k : {"items", "then", "additionalProperties"})
            if (node.contains(k)) self(self, node[k], where + "/" + k);
        for (const char* k : {"allOf", "oneOf", "anyOf"})
            if (node.contains(k))
                for (std::size_t i = 0; i < node[k].size(); ++i)
                    self(self, node[k][i], where + "/" + k + "/" + std::to_string(i));
    };
    walk(walk, schema, "");
    EXPECT_TRUE(missing.empty()) << "no description at " << missing.front();
    // Each component type has its own parameters, with their defaults.
    const json& component = schema["properties"]["components"]["items"];
    bool crossbar = false;
    for (const json& branch : component["allOf"])
        if (branch["if"]["properties"]["type"]["const"] == "crossbar_tile") {
            crossbar = true;
            EXPECT_TRUE(branch["then"]["properties"]["rows"].contains("default"));
            EXPECT_EQ(branch["then"]["additionalProperties"], false);
        }
    EXPECT_TRUE(crossbar);
}

TEST(SchemaCli, ShippedPlatformsNameTheirSchemaAndTheLoaderAcceptsIt) {
    const auto platforms = files_with_key(source_dir() + "/configs", "neurotlm");
    ASSERT_GE(platforms.size(), 8u);
    for (const auto& file : platforms)
        EXPECT_EQ(load_json(file).value("$schema", ""), "platform.schema.json") << file;
    const auto r = run_program(NEUROTLM_CLI, "validate " + source_dir() + "/configs/default.json");
    EXPECT_EQ(r.code, 0) << r.err;
    const auto wrong = run_program(NEUROTLM_CLI, "validate " + source_dir() +
                                                     "/configs/default.json --set '/$schema=3'");
    EXPECT_EQ(wrong.code, 2);
    EXPECT_NE(wrong.err.find("/$schema"), std::string::npos) << wrong.err;
}

TEST(SchemaCli, ShippedAndGoodPlatformsValidate) {
    NEUROTLM_REQUIRE_TOOL(kHaveValijson, "valijson (libvalijson-dev)");
    const SchemaChecker platform("platform");
    auto files = files_with_key(source_dir() + "/configs", "neurotlm");
    const auto good = files_with_key(source_dir() + "/tests/data/good", "neurotlm");
    ASSERT_FALSE(good.empty());
    files.insert(files.end(), good.begin(), good.end());
    for (const auto& file : files)
        EXPECT_EQ(platform.errors(load_json(file)), "") << file;
}

TEST(SchemaCli, ShippedNetworksValidate) {
    NEUROTLM_REQUIRE_TOOL(kHaveValijson, "valijson (libvalijson-dev)");
    const SchemaChecker network("network");
    const auto files = files_with_key(source_dir() + "/traces", "format");
    ASSERT_GE(files.size(), 2u);
    int networks = 0;
    for (const auto& file : files) {
        // Semantic memories ("neurotlm-semantic-memory") sit beside their networks.
        if (load_json(file).value("format", "") != "neurotlm-network") continue;
        ++networks;
        EXPECT_EQ(network.errors(load_json(file)), "") << file;
        EXPECT_EQ(load_json(file).value("$schema", ""), "../configs/network.schema.json") << file;
    }
    EXPECT_GE(networks, 2);
    EXPECT_EQ(network.errors(load_json(source_dir() + "/tests/data/networks/tiny.json")), "");
    EXPECT_NE(
        network.errors({{"format", "neurotlm-network"},
                        {"version", 1},
                        {"input", 4},
                        {"layers", {{{"outputs", 2}, {"weights", "w.npy"}, {"dilation", 1}}}}}),
        "")
        << "an unknown layer key";
}

// The bad corpus where one value decides (an unknown key, a wrong type, a value out of range, a
// choice not offered, a missing key): the schema refuses each file as the loader does. The
// other files are not listed, because a schema cannot judge them: connections to undeclared
// components or sockets, overlapping or wrapping address ranges, loops, unconnected components,
// duplicate names, device presets and relations between values (r_off above r_on, a parameter
// that needs another), workload files (traces, networks, datasets) and the workload against the
// platform, memory limits; quantities and addresses written as strings ("0 ns", "9 THz",
// "0xZZ"), whose units and ranges only the loader parses; texts that are not JSON (including
// NaN, duplicate keys and nesting limits, which a parser decides before any schema).
TEST(SchemaCli, BadCorpusIsRefusedWhereASchemaCanKnow) {
    NEUROTLM_REQUIRE_TOOL(kHaveValijson, "valijson (libvalijson-dev)");
    const SchemaChecker platform("platform");
    const std::vector<std::string> refused = {
        "05_not_an_object.json",
        "07_version_missing.json",
        "08_version_wrong.json",
        "09_unknown_top_key.json",
        "10_components_not_array.json",
        "11_components_empty.json",
        "12_component_not_object.json",
        "13_type_missing.json",
        "14_type_unknown.json",
        "15_name_missing.json",
        "16_name_invalid.json",
        "18_rows_negative.json",
        "19_rows_zero.json",
        "20_rows_absurd.json",
        "21_rows_string.json",
        "22_rows_fraction.json",
        "24_count_zero.json",
        "25_count_absurd.json",
        "32_unknown_component_key.json",
        "33_adc_bits_absurd.json",
        "34_adc_not_object.json",
        "35_adc_unknown_key.json",
        "36_mapping_unknown.json",
        "37_bool_as_string.json",
        "42_device_sigma_negative.json",
        "44_device_type_unknown.json",
        "45_devices_not_object.json",
        "46_seed_negative.json",
        "47_seed_string.json",
        "49_connections_not_array.json",
        "52_connection_endpoint_no_socket.json",
        "53_connection_unknown_key.json",
        "54_connection_missing_to.json",
        "58_connection_size_zero.json",
        "68_workload_kind_unknown.json",
        "69_workload_kind_missing.json",
        "70_workload_unknown_key.json",
        "71_workload_trace_missing_key.json",
        "79_workload_mlp_missing_network.json",
        "82_name_with_slash.json",
        "91_hopfield_neurons_zero.json",
        "92_hopfield_storage_unknown.json",
        "100_hopfield_flip_fraction_above_one.json",
        "115_flat_dotted_key.json",
        "118_hopfield_absurd_converter_energy.json",
        "119_hopfield_max_iterations_absurd.json",
        "130_name_terminal_escape.json",
        "134_wire_resistance_denormal.json",
        "136_device_variation_sigma_1000.json",
        "137_device_read_noise_sigma_1e6.json",
        "138_device_r_on_below_an_ohm.json",
        "140_device_mtj_tmr_none.json",
        "141_device_mtj_v_half_tiny.json",
        "143_hopfield_full_scale_1e-300.json",
        "144_hopfield_full_scale_1e300.json",
        "145_mlp_adc_range_margin_1e-300.json",
        "146_mlp_adc_range_margin_1e-30.json",
        "147_mlp_adc_range_margin_1000.json",
    };
    // EXPECTED names the pointer the loader reports for each file: the schema must fault the
    // same value, not some other mistake of the file.
    std::map<std::string, std::string> expected;
    {
        std::ifstream in(source_dir() + "/tests/data/bad_configs/EXPECTED");
        std::string line;
        while (std::getline(in, line))
            if (const auto tab = line.find('\t'); tab != std::string::npos)
                expected[line.substr(0, tab)] = line.substr(tab + 1);
    }
    for (const auto& name : refused) {
        const std::string path = source_dir() + "/tests/data/bad_configs/" + name;
        std::ifstream in(path);
        ASSERT_TRUE(in) << path;
        const json doc = json::parse(in);
        EXPECT_NE(platform.errors(doc), "") << name << " passes the schema";
        const std::string where = expected[name];
        if (!where.empty() && where[0] == '/')
            EXPECT_EQ(platform.first_error_pointer(doc), where)
                << name << ": the schema faults another value than the loader\n"
                << platform.errors(doc);
    }
}

} // namespace
