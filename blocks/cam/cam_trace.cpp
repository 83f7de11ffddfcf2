// Trace operations on ternary CAM arrays (the `trace` workload): write words, search keys,
// optionally with the result a line expects.
//   {"op": "cam_write", "component": "cam", "word": 0, "value": "01X1..."}
//   {"op": "cam_search", "component": "cam", "key": "0X11...", "mode": "top2", "margin": 2,
//    "expect": {"index": 0, "distance": 1, "found": true, "confident": true}}
// A search's output records the decision, and with "expect" whether it held ("as_expected" 1
// or 0); a search that misses its expectation does not stop the trace (variation can make a
// near-threshold search wrong: that is what a trace may be measuring).

#include "neurotlm/blocks/cam/cam.h"
#include "neurotlm/blocks/cam/cam_driver.h"
#include "neurotlm/core/error.h"
#include "neurotlm/drivers/trace_ops.h"

namespace neurotlm {

namespace {

using trace::json;

class CamTrace : public trace::Component {
public:
    explicit CamTrace(const ComponentInfo& info) : m_name(info.name) {
        const CamSpec spec = CamSpec::table().build(*info.params);
        m_words = spec.words;
        m_bits = spec.bits;
    }
    std::unique_ptr<trace::Step> parse(const std::string& op, const json& j,
                                       const trace::Line& line) override;
    void attach(Initiator& bus, std::uint64_t address) override {
        m_driver = std::make_unique<CamDriver>(bus, address, m_name);
    }
    /// The driver, checking the block on first use (so the check is booked with that use).
    CamDriver& driver() {
        if (!m_probed) m_driver->probe();
        m_probed = true;
        return *m_driver;
    }
    const std::string& name() const { return m_name; }
    int words() const { return m_words; }
    int bits() const { return m_bits; }

private:
    TernaryWord word_at(const json& j, const char* key, const std::string& where) const;
    int integer_at(const json& j, const char* key, int def, int max, const std::string& what,
                   const std::string& where) const;

    std::string m_name;
    int m_words = 0, m_bits = 0;
    bool m_written = false;
    std::unique_ptr<CamDriver> m_driver;
    bool m_probed = false;
};

class Write : public trace::Step {
public:
    Write(CamTrace& c, int word, TernaryWord value)
        : m_cam(c), m_word(word), m_value(std::move(value)) {}
    void run(trace::Replay& r) override {
        r.setup([&] { m_cam.driver().write(m_word, m_value); });
    }

private:
    CamTrace& m_cam;
    int m_word;
    TernaryWord m_value;
};

class Search : public trace::Step {
public:
    Search(CamTrace& c, TernaryWord key, CamQuery q, json expect, int line)
        : m_cam(c), m_key(std::move(key)), m_query(q), m_expect(std::move(expect)), m_line(line) {}
    void run(trace::Replay& r) override {
        // The output is the result registers only: no distance or match window is read.
        const CamDriver::Result res = m_cam.driver().search(m_key, m_query, CamDriver::kResultOnly);
        const auto none_or = [](int v) { return v < 0 ? json(nullptr) : json(v); };
        json out = {{"mode", to_string(m_query.mode)},
                    {"found", res.found},
                    {"confident", res.confident},
                    {"index", none_or(res.best)},
                    {"distance", none_or(res.best_distance)},
                    {"second", none_or(res.second)},
                    {"second_distance", none_or(res.second_distance)},
                    {"matches", res.matches},
                    {"sense_errors", res.sense_errors}};
        if (!m_expect.is_null()) {
            bool held = true;
            for (auto it = m_expect.begin(); it != m_expect.end(); ++it)
                held = held && out.at(it.key()) == it.value();
            out["expected"] = m_expect;
            out["as_expected"] = held ? 1 : 0;
        }
        // One compare per stored bit of every word.
        r.item(m_line, m_cam.name(), std::move(out),
               static_cast<double>(m_cam.words()) * m_cam.bits());
    }
    std::uint64_t items() const override { return 1; }

private:
    CamTrace& m_cam;
    TernaryWord m_key;
    CamQuery m_query;
    json m_expect;
    int m_line;
};

TernaryWord CamTrace::word_at(const json& j, const char* key, const std::string& where) const {
    const std::string pointer = std::string("/") + key;
    const std::string want =
        "a string of " + std::to_string(m_bits) + " characters 0, 1 or X (bit 0 first)";
    if (!j.contains(key)) throw ConfigError(where, pointer, want, "nothing");
    const json& v = j[key];
    if (!v.is_string()) throw ConfigError(where, pointer, want, describe_json(v));
    if (const std::size_t n = v.get<std::string>().size(); static_cast<int>(n) != m_bits)
        throw ConfigError(where, pointer, want, "a string of " + std::to_string(n) + " characters");
    try {
        return TernaryWord::parse(v.get<std::string>());
    } catch (const InputError& e) {
        throw ConfigError(where, pointer, want, e.what());
    }
}

int CamTrace::integer_at(const json& j, const char* key, int def, int max, const std::string& what,
                         const std::string& where) const {
    if (!j.contains(key)) return def;
    const json& v = j[key];
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > max)
        throw ConfigError(where, std::string("/") + key, what + " (0.." + std::to_string(max) + ")",
                          describe_json(v));
    return v.get<int>();
}

std::unique_ptr<trace::Step> CamTrace::parse(const std::string& op, const json& j,
                                             const trace::Line& line) {
    const std::string& where = line.where;
    if (op == "cam_write") {
        if (!j.contains("word"))
            throw ConfigError(where, "/word", "a word index of " + m_name, "nothing");
        const int word = integer_at(j, "word", 0, m_words - 1, "a word index of " + m_name, where);
        m_written = true;
        return std::make_unique<Write>(*this, word, word_at(j, "value", where));
    }
    // cam_search
    if (!m_written)
        throw ConfigError(where, "/op", "a \"cam_write\" to " + m_name + " before a search",
                          "\"cam_search\"");
    CamQuery q;
    if (j.contains("mode")) {
        const json& m = j["mode"];
        bool known = false;
        for (CamMode mode : {CamMode::exact, CamMode::best, CamMode::threshold, CamMode::top2})
            if (m.is_string() && m.get<std::string>() == to_string(mode)) {
                q.mode = mode;
                known = true;
            }
        if (!known)
            throw ConfigError(where, "/mode", "\"exact\", \"best\", \"threshold\" or \"top2\"",
                              describe_json(m));
    }
    // Each parameter belongs to one mode: required there, refused elsewhere (a value nothing
    // reads would look as if it mattered).
    const auto mode_parameter = [&](const char* key, CamMode owner, const std::string& what) {
        const std::string pointer = std::string("/") + key;
        if (q.mode != owner) {
            if (j.contains(key))
                throw ConfigError(where, pointer,
                                  std::string("no \"") + key + "\" in \"" + to_string(q.mode) +
                                      "\" mode (only \"" + to_string(owner) + "\" mode reads it)",
                                  describe_json(j[key]));
            return 0;
        }
        if (!j.contains(key))
            throw ConfigError(where, pointer,
                              what + " (0.." + std::to_string(m_bits) + "), which \"" +
                                  to_string(owner) + "\" mode needs",
                              "nothing");
        return integer_at(j, key, 0, m_bits, what, where);
    };
    q.threshold = mode_parameter("threshold", CamMode::threshold, "a distance threshold");
    q.margin = mode_parameter("margin", CamMode::top2, "a distance margin");
    json expect;
    if (j.contains("expect")) {
        expect = j["expect"];
        if (!expect.is_object() || expect.empty())
            throw ConfigError(where, "/expect", "an object of the results the search must give",
                              describe_json(expect));
        for (auto it = expect.begin(); it != expect.end(); ++it) {
            const std::string p = "/expect/" + it.key();
            const json& v = it.value();
            if (it.key() == "found" || it.key() == "confident") {
                if (!v.is_boolean()) throw ConfigError(where, p, "true or false", describe_json(v));
            } else if (it.key() == "index" || it.key() == "second" || it.key() == "distance" ||
                       it.key() == "second_distance" || it.key() == "matches") {
                const int max = it.key() == "index" || it.key() == "second" ? m_words - 1
                                : it.key() == "matches"                     ? m_words
                                                                            : m_bits;
                if (!v.is_null() && (!v.is_number_integer() || v.get<std::int64_t>() < 0 ||
                                     v.get<std::int64_t>() > max))
                    throw ConfigError(where, p, "0.." + std::to_string(max) + " or null",
                                      describe_json(v));
            } else {
                throw ConfigError(where, p,
                                  "a key of \"expect\" (index, distance, second, "
                                  "second_distance, matches, found, confident)",
                                  "unknown key \"" + it.key() + "\"");
            }
        }
    }
    return std::make_unique<Search>(*this, word_at(j, "key", where), q, std::move(expect),
                                    line.number);
}

trace::BlockOps cam_trace_ops() {
    trace::BlockOps ops;
    ops.type = "cam_array";
    ops.item_name = "lookup"; // "searchs" would read badly in reports
    ops.ops = {{"cam_write", {"word", "value"}},
               {"cam_search", {"key", "mode", "threshold", "margin", "expect"}}};
    ops.create = [](const ComponentInfo& info) { return std::make_unique<CamTrace>(info); };
    // A search keeps the key's two packed vectors (nothing per word is read back).
    ops.step_bytes = [](const ComponentInfo& info) {
        const CamSpec s = CamSpec::table().build(*info.params);
        return 2.0 * s.bits / 8.0 + 64.0;
    };
    return ops;
}

} // namespace

NEUROTLM_REGISTER_TRACE_OPS(cam_trace_ops);

} // namespace neurotlm
