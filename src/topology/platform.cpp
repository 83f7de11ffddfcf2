#include "neurotlm/topology/platform.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <set>
#include <tuple>

#include <tlm_utils/simple_target_socket.h>

#include "neurotlm/core/error.h"
#include "neurotlm/core/stop.h"
#include "neurotlm/core/units.h"
#include "neurotlm/report/invariants.h"
#include "neurotlm/version.h"

namespace neurotlm {

namespace {
std::uint64_t round_up_pow2(std::uint64_t v) {
    std::uint64_t p = 4096;
    while (p < v)
        p <<= 1;
    return p;
}
} // namespace

std::string overflow_problem(const ComponentReport& c, const std::string& pointer) {
    std::string what;
    auto add = [&](const std::string& part) { what += (what.empty() ? "" : "; ") + part; };
    for (const auto& a : c.actions)
        if (!std::isfinite(a.energy_J))
            add("the energy of its action \"" + a.name + "\" (" + a.description + "; " +
                std::to_string(a.count) + " of them at " +
                format_quantity(a.energy_per_action_J, Unit::joule) +
                " each plus any data-dependent part): check the energies, voltages and "
                "resistances that price it, on the component and its device");
    if (!std::isfinite(c.dynamic_energy_J) && what.empty())
        add("its dynamic energy (the sum of its actions' energies)");
    if (!std::isfinite(c.leakage_energy_J))
        add("its leakage energy (" + format_quantity(c.leakage_power_W, Unit::watt) +
            " over the simulated time): check its leakage parameters");
    if (!std::isfinite(c.busy_time_s))
        add("its busy time: check its latency parameters (read and write times, clock)");
    if (what.empty()) return what;
    return c.name + " (" + c.type + ", declared at " + pointer + "): " + what +
           " overflowed to infinity";
}

Platform::Platform(PlatformConfig config) : m_config(std::move(config)) {
    build();
}

void Platform::build() {
    ComponentContext ctx;
    ctx.seed = m_config.seed;
    ctx.devices = m_config.devices.get();
    ctx.technology = m_config.technology.get();
    for (const auto& c : m_config.components) {
        m_blocks.push_back(c.type->create(c.name.c_str(), c.params, ctx));
        m_by_name[c.name] = m_blocks.back().get();
        if (c.type->name == "controller")
            m_controller = static_cast<Controller*>(m_blocks.back().get());
    }
    if (!m_controller) throw std::logic_error("platform without a controller");
    bind_all();
    bind_analog();
    assign_addresses();
    // The platform, not a leaf component, owns the global quantum; inside a host that set one,
    // the host's stands.
    if (!m_shell || tlm_utils::tlm_quantumkeeper::get_global_quantum() == sc_core::SC_ZERO_TIME)
        tlm_utils::tlm_quantumkeeper::set_global_quantum(
            sc_core::sc_time(m_config.quantum_s, sc_core::SC_SEC));
    if (m_config.has_workload)
        m_workload = m_config.workload_kind->create(m_config.workload_params, m_config.info);
}

double analog_link_length_m(double a_m2, double b_m2) {
    return std::max(1e-6, 0.5 * (std::sqrt(std::max(a_m2, 0.0)) + std::sqrt(std::max(b_m2, 0.0))));
}

void Platform::bind_analog() {
    m_link_lengths_m.clear();
    for (const auto& l : m_config.analog_links) {
        Block* src = find(l.from);
        Block* dst = find(l.to);
        AnalogOut* out = src->analog_out(l.from_port);
        AnalogIn* in = dst->analog_in(l.to_port);
        if (!out || !in)
            throw std::logic_error("analog link " + l.from + "." + l.from_port + " -> " + l.to +
                                   "." + l.to_port + ": a port the block type did not build");
        const double length =
            l.length_m ? *l.length_m : analog_link_length_m(src->area_m2(), dst->area_m2());
        out->connect(
            *in, AnalogLinkSpec::in_technology(*m_config.technology, out->spec().signal, length),
            l.first, l.count);
        m_link_lengths_m.push_back(length);
    }
}

Block* Platform::find(const std::string& name) const {
    const auto it = m_by_name.find(name);
    return it == m_by_name.end() ? nullptr : it->second;
}

std::vector<ConnectionConfig>
Platform::sized_ranges(const std::vector<const ConnectionConfig*>& out, bool decoding) {
    // Every size: given, or the target's register map rounded up to a power of two.
    std::vector<ConnectionConfig> list;
    for (const ConnectionConfig* cc : out) {
        ConnectionConfig bound = *cc;
        if (decoding) {
            const std::uint64_t span = find(cc->to)->address_span();
            if (span == 0)
                throw ConfigError(m_config.file, cc->pointer + "/to",
                                  "a target with a register map", cc->to + " decodes no addresses");
            if (!bound.size) {
                if (span > (std::uint64_t{1} << 62))
                    throw ConfigError(m_config.file, cc->pointer + "/size",
                                      "a size (" + cc->to + " decodes up to " +
                                          format_address(span) + ", too much to round up)",
                                      "nothing");
                bound.size = round_up_pow2(span);
            }
            if (*bound.size < span)
                throw ConfigError(m_config.file, cc->pointer + "/size",
                                  "at least " + format_address(span) +
                                      " bytes (the register map of " + cc->to + ")",
                                  format_address(*bound.size));
            if (bound.base && *bound.base > ~std::uint64_t{0} - (*bound.size - 1))
                throw ConfigError(
                    m_config.file, cc->pointer + "/base", "a range that ends at or below 2^64",
                    format_address(*bound.base) + " + " + format_address(*bound.size));
        }
        list.push_back(bound);
    }
    return list;
}

namespace {
// Inclusive last addresses: a range may end exactly at 2^64 - 1 without wrapping.
bool overlaps(const ConnectionConfig& a, const ConnectionConfig& b) {
    return *a.base <= *b.base + (*b.size - 1) && *b.base <= *a.base + (*a.size - 1);
}
} // namespace

void Platform::place_ranges(std::vector<ConnectionConfig>& list, const std::string& router) const {
    // The fixed ranges must not overlap; the automatic ones go in the gaps around them.
    std::vector<const ConnectionConfig*> fixed;
    for (const auto& c : list)
        if (c.base) fixed.push_back(&c);
    for (std::size_t i = 0; i < fixed.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (overlaps(*fixed[i], *fixed[j]))
                throw ConfigError(m_config.file, fixed[i]->pointer + "/base",
                                  "an address range no other target of " + router + " uses",
                                  format_range(*fixed[i]->base, *fixed[i]->size) + " overlaps " +
                                      format_range(*fixed[j]->base, *fixed[j]->size) + " of " +
                                      fixed[j]->to);
    for (auto& c : list) {
        if (c.base) continue;
        // First fit: the lowest address aligned to the size that overlaps nothing placed.
        std::uint64_t b = 0;
        bool placed = false;
        for (int guard = 0; guard < 100000 && !placed; ++guard) {
            c.base = b;
            placed = true;
            for (const auto& o : list) {
                // Automatic ranges not yet placed have no base.
                if (&o == &c || !o.base) continue;
                if (overlaps(c, o)) {
                    placed = false;
                    // Next aligned base after o's last address, if the space has one.
                    const std::uint64_t last = *o.base + (*o.size - 1);
                    const std::uint64_t max_base = ~std::uint64_t{0} - (*c.size - 1);
                    if (last >= max_base)
                        throw ConfigError(m_config.file, c.pointer,
                                          "room in the address space for " + c.to, "none left");
                    b = (last / *c.size + 1) * *c.size;
                    if (b > max_base || b <= last)
                        throw ConfigError(m_config.file, c.pointer,
                                          "room in the address space for " + c.to, "none left");
                    break;
                }
            }
        }
        if (!placed)
            throw ConfigError(m_config.file, c.pointer, "room in the address space for " + c.to,
                              "none found");
    }
}

void Platform::bind_all() {
    // Bind routers' outputs before the connections that target those routers, so a router's
    // span (the end of its last range) is known when its own range is assigned: a depth-first
    // walk that binds a component after everything downstream of it. It keeps its own stack, so
    // a chain of many thousand routers cannot exhaust the thread's.
    std::map<std::string, std::vector<const ConnectionConfig*>> out_of;
    for (const auto& cc : m_config.connections)
        out_of[cc.from].push_back(&cc);
    std::set<std::string> seen;
    std::vector<ConnectionConfig> bound_all;
    const auto bind_outputs = [&](const std::string& name) {
        bool decoding = false;
        if (const ComponentConfig* cfg = m_config.find(name))
            for (const auto& s : cfg->type->initiators)
                decoding = decoding || s.second;
        std::vector<ConnectionConfig> list = sized_ranges(out_of[name], decoding);
        if (decoding) place_ranges(list, name);
        for (const auto& bound : list) {
            Block* src = find(bound.from);
            TargetSocket* target = find(bound.to)->target_socket(bound.to_socket);
            if (!target)
                throw std::logic_error("no target socket " + bound.to + "." + bound.to_socket);
            if (!src->bind_initiator(bound.from_socket, *target, bound.base.value_or(0),
                                     bound.size.value_or(0)))
                throw std::logic_error("no initiator socket " + bound.from + "." +
                                       bound.from_socket);
            bound_all.push_back(bound);
        }
    };
    for (const auto& c : m_config.components) {
        if (!seen.insert(c.name).second) continue;
        std::vector<std::pair<std::string, std::size_t>> path{{c.name, 0}};
        while (!path.empty()) {
            auto& [n, next] = path.back();
            const auto& out = out_of[n];
            if (next == out.size()) {
                bind_outputs(n);
                path.pop_back();
                continue;
            }
            const std::string& to = out[next++]->to;
            if (seen.insert(to).second) path.emplace_back(to, 0);
        }
    }
    // Report the connections in the order the file gave them.
    const auto key = [](const ConnectionConfig& c) {
        return std::make_tuple(c.from, c.from_socket, c.to, c.to_socket);
    };
    std::map<std::tuple<std::string, std::string, std::string, std::string>, ConnectionConfig>
        by_key;
    for (auto& b : bound_all)
        by_key.emplace(key(b), std::move(b));
    m_bound.clear();
    for (const auto& cc : m_config.connections)
        if (auto it = by_key.find(key(cc)); it != by_key.end()) m_bound.push_back(it->second);
}

void Platform::assign_addresses() {
    // Each component's address as the controller sees it: the sum of the bases along the path.
    std::map<std::string, std::vector<const ConnectionConfig*>> out_of;
    for (const auto& cc : m_bound)
        out_of[cc.from].push_back(&cc);
    std::map<std::string, ComponentInfo*> info;
    for (auto& i : m_config.info.components)
        info[i.name] = &i;
    std::vector<std::pair<std::string, std::uint64_t>> todo{{m_controller->basename(), 0}};
    while (!todo.empty()) {
        const auto [from, offset] = todo.back();
        todo.pop_back();
        for (const ConnectionConfig* cc : out_of[from]) {
            const std::uint64_t addr = offset + cc->base.value_or(0);
            if (auto it = info.find(cc->to); it != info.end()) it->second->address = addr;
            todo.emplace_back(cc->to, addr);
        }
    }
}

json Platform::effective_config() const {
    json j;
    j["neurotlm"] = 1;
    j["name"] = m_config.name;
    if (!m_config.description.empty()) j["description"] = m_config.description;
    j["seed"] = m_config.seed;
    j["quantum"] = m_config.document.value("quantum", json("1 us"));
    {
        json t = {{"preset", m_config.technology_name}};
        const Technology& tech = *m_config.technology;
        for (const auto& b : Technology::table().bindings())
            t[b.name] = b.get(tech);
        j["technology"] = t;
    }
    j["devices"] = m_config.devices->effective();
    json comps = json::array();
    for (const auto& c : m_config.components) {
        json e = c.params.effective();
        json entry = {{"name", c.name}, {"type", c.type->name}};
        entry.update(e);
        comps.push_back(entry);
    }
    j["components"] = comps;
    json conns = json::array();
    for (const auto& cc : m_bound) {
        json e = {{"from", cc.from + "." + cc.from_socket}, {"to", cc.to + "." + cc.to_socket}};
        if (cc.base) e["base"] = format_address(*cc.base);
        if (cc.size) e["size"] = format_address(*cc.size);
        conns.push_back(e);
    }
    for (std::size_t i = 0; i < m_config.analog_links.size(); ++i) {
        const AnalogLinkConfig& l = m_config.analog_links[i];
        json e = {{"from", l.from + "." + l.from_port},
                  {"to", l.to + "." + l.to_port},
                  {"length", format_quantity(m_link_lengths_m[i], Unit::metre, 17)}};
        if (l.sliced) {
            e["first"] = l.first;
            e["count"] = l.count;
        }
        conns.push_back(e);
    }
    j["connections"] = conns;
    if (m_config.has_workload) {
        json w = {{"kind", m_config.workload_kind->name}};
        w.update(m_config.workload_params.effective());
        if (m_workload) w.merge_patch(m_workload->resolved_paths());
        j["workload"] = w;
    }
    return j;
}

class Platform::Context : public RunContext {
public:
    Context(Platform& p) : m_p(p), m_ctrl(p.controller()) {}

    Initiator& bus() override { return m_ctrl; }
    const ComponentInfo* component(const std::string& name) const override {
        return m_p.m_config.info.find(name);
    }
    double now_s() const override { return m_ctrl.now().to_seconds(); }
    double dynamic_energy_J() const override { return dynamic_energy(); }
    double component_energy_J(const std::string& name) const override {
        for (const auto& b : m_p.m_blocks)
            if (b->basename() == name) return b->ledger().dynamic_energy_J();
        return 0.0;
    }
    double leakage_power_W(const std::string& name) const override {
        double w = 0.0;
        for (const auto& b : m_p.m_blocks)
            if (name.empty() || b->basename() == name) w += b->ledger().leakage_power_W();
        return w;
    }
    void digital(DigitalOp op, std::uint64_t count) override { m_ctrl.digital(op, count); }
    bool stop_requested() const override { return m_ctrl.stop_seen(); }
    void progress(std::uint64_t done, std::uint64_t total, const std::string& status) override {
        if (m_p.m_progress) m_p.m_progress(done, total, status);
    }

    void phase(const std::string& name) override {
        const double t = now_s();
        if (m_p.m_activity) m_p.m_activity->phase(t, name);
        const double e = dynamic_energy();
        ClassEnergies by_class = class_energy();
        if (m_current >= 0) {
            PhaseReport& p = m_phases[static_cast<std::size_t>(m_current)];
            p.latency_s += t - m_start_t;
            p.dynamic_energy_J += e - m_start_e;
            add_class_energies(p.dynamic_by_class_J, by_class);
            add_class_energies(p.dynamic_by_class_J, m_start_classes, -1.0);
        }
        m_start_classes = std::move(by_class);
        m_current = -1;
        if (!name.empty()) {
            for (std::size_t i = 0; i < m_phases.size(); ++i)
                if (m_phases[i].name == name) m_current = static_cast<int>(i);
            if (m_current < 0) {
                PhaseReport p;
                p.name = name;
                m_phases.push_back(p);
                m_current = static_cast<int>(m_phases.size() - 1);
            }
            ++m_phases[static_cast<std::size_t>(m_current)].entries;
        }
        m_start_t = t;
        m_start_e = e;
    }

    std::vector<PhaseReport>& phases() { return m_phases; }

private:
    double dynamic_energy() const {
        double e = 0;
        for (const auto& b : m_p.m_blocks)
            e += b->ledger().dynamic_energy_J();
        return e;
    }
    ClassEnergies class_energy() const {
        ClassEnergies e = energy_by_class({});
        for (const auto& b : m_p.m_blocks)
            for (const auto& a : b->ledger().actions()) {
                auto it = std::find_if(e.begin(), e.end(),
                                       [&](const auto& c) { return c.first == a.energy_class; });
                if (it == e.end()) it = e.insert(e.end(), {a.energy_class, 0.0});
                it->second += a.energy_J;
            }
        return e;
    }
    Platform& m_p;
    Controller& m_ctrl;
    std::vector<PhaseReport> m_phases;
    int m_current = -1;
    double m_start_t = 0;
    double m_start_e = 0;
    ClassEnergies m_start_classes;
};

void Platform::start_activity() {
    m_started = std::time(nullptr);
    m_wall_start = std::chrono::steady_clock::now();
    m_activity =
        std::make_unique<ActivityLog>(std::vector<std::string>(energy_class::kActionClasses.begin(),
                                                               energy_class::kActionClasses.end()),
                                      m_activity_options);
    for (const auto& b : m_blocks)
        b->set_activity(m_activity.get(), m_activity->add_track(b->basename(), b->type_name()));
    m_context = std::make_unique<Context>(*this);
    Context* ctx = m_context.get();
    Workload* workload = m_workload.get();
    m_controller->set_job([ctx, workload](Controller&) {
        if (workload) workload->run(*ctx);
        ctx->phase("");
    });
}

Report Platform::run() {
    if (embedded())
        throw std::logic_error("Platform::run: an embedded platform runs in its host's "
                               "simulation; ask it for report()");
    start_activity();
    sc_core::sc_start();
    // Rethrown here, in the frame that called sc_start, not inside report(): after SystemC's
    // stack switches, AddressSanitizer cannot unpoison the frames an exception leaves
    // (__asan_handle_no_return sees the wrong stack), and a throw from deeper frames left
    // poisoned shadow that the workload's destructor then ran into (a false stack-use-after-scope).
    m_controller->rethrow_if_failed();
    return report();
}

Report Platform::make_report(double end_s, double wall_s, std::time_t started) {
    m_controller->rethrow_if_failed();
    Workload* workload = m_workload.get();
    Context& ctx = *m_context;
    Report r;
    r.platform = m_config.name;
    r.config_file = m_config.file;
    r.overrides = m_config.overrides;
    r.seed = m_config.seed;
    r.version = NEUROTLM_VERSION;
    const json effective = effective_config();
    r.config_hash = hash_json(effective);
    char iso[32];
    std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&started));
    r.started_at = iso;
    // The run ends when the controller is done and every block has finished what it accepted
    // (a trace may start a multiply it never collects).
    r.simulated_time_s = end_s;
    for (const auto& b : m_blocks)
        r.simulated_time_s = std::max(r.simulated_time_s, b->idle_at().to_seconds());
    double leakage_W = 0.0;
    for (const auto& b : m_blocks) {
        b->flush_activity(sc_core::sc_time(r.simulated_time_s, sc_core::SC_SEC));
        leakage_W += b->ledger().leakage_power_W();
    }
    r.time_series = time_series_json(*m_activity, r.simulated_time_s, leakage_W);
    r.complete = !m_controller->stopped_early();
    if (!r.complete)
        r.incomplete_reason = "stopped by request (signal) before the workload finished";
    else if (workload && !m_controller->finished()) {
        r.complete = false;
        r.incomplete_reason = "the report was made (or the host's simulation ended) before the "
                              "workload finished";
    }
    if (workload) {
        r.workload_kind = workload->kind();
        const WorkloadTotals t = workload->totals();
        r.items = t.items;
        r.items_requested = t.items_requested;
        r.ops = t.ops;
        r.item_name = t.item_name;
        r.workload_results = workload->results();
        if (r.complete && !t.incomplete_reason.empty()) {
            r.complete = false;
            r.incomplete_reason = t.incomplete_reason;
        }
    }
    for (const auto& b : m_blocks) {
        ComponentReport c;
        c.name = b->basename();
        c.type = b->type_name();
        c.actions = b->ledger().actions();
        c.dynamic_energy_J = b->ledger().dynamic_energy_J();
        c.leakage_power_W = b->ledger().leakage_power_W();
        c.leakage_energy_J = b->ledger().leakage_energy_J(r.simulated_time_s);
        c.busy_time_s = b->busy_time().to_seconds();
        c.utilisation = r.simulated_time_s > 0 ? c.busy_time_s / r.simulated_time_s : 0.0;
        c.area_m2 = b->area_m2();
        b->collect_stats(c.stats);
        r.components.push_back(std::move(c));
    }
    const std::vector<std::string> setup =
        workload ? workload->setup_phases() : std::vector<std::string>{};
    for (auto& p : ctx.phases()) {
        p.leakage_energy_J = leakage_W * p.latency_s;
        p.setup = std::find(setup.begin(), setup.end(), p.name) != setup.end();
        r.phases.push_back(p);
    }
    r.wall_time_s = wall_s;
    // Parameters within their bounds can still multiply into an overflow: that is the input's
    // fault, not the simulator's.
    for (const auto& c : r.components) {
        std::string pointer = "/components";
        for (const auto& cc : m_config.components)
            if (cc.name == c.name) pointer = cc.pointer;
        if (const std::string why = overflow_problem(c, pointer); !why.empty())
            throw InputError(why);
    }
    const std::vector<std::string> broken = check_invariants(r);
    if (!broken.empty()) {
        std::string what = "the run's report breaks physical invariants (a simulator bug):";
        for (const auto& b : broken)
            what += "\n  " + b;
        throw std::logic_error(what);
    }
    return r;
}

/// An embedded platform's face in the host's hierarchy: the module its blocks belong to, and a
/// target socket whose transactions go out of the platform's controller socket into the file's
/// address map, with the host's timing annotation.
class Platform::Shell : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket_optional<Shell> in;

    Shell(const sc_core::sc_module_name& name, Platform& platform)
        : sc_core::sc_module(name), in("in"), m_platform(platform) {
        in.register_b_transport(this, &Shell::b_transport);
        in.register_transport_dbg(this, &Shell::transport_dbg);
    }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
        m_platform.controller().out->b_transport(trans, delay);
    }
    unsigned transport_dbg(tlm::tlm_generic_payload& trans) {
        return m_platform.controller().out->transport_dbg(trans);
    }
    void end_of_simulation() override { m_platform.write_final_report(); }
    Platform& m_platform;
};

void Platform::write_final_report() {
    if (!m_shell || m_embed.report_dir.empty() || m_final_report_written) return;
    m_final_report_written = true;
    try {
        write_report(m_embed.report_dir);
    } catch (const std::exception& e) {
        // The host's simulation is ending: say why the report is missing, but do not abort it
        // (an SC_REPORT_ERROR would throw out of the host's sc_start).
        std::fprintf(stderr, "%s: the report could not be written to %s: %s\n", m_shell->name(),
                     m_embed.report_dir.c_str(), e.what());
    }
}

Platform::Platform(const sc_core::sc_module_name& name, const std::string& file,
                   const EmbedOptions& options)
    : m_config(load_config(file, options.load)), m_embed(options) {
    // The shell is created while the host's module name is open, so the blocks built next are
    // its children (accel.tile0, ...).
    m_shell = std::make_unique<Shell>(name, *this);
    build();
    m_controller->set_stop_when_done(false);
    if (!options.run_workload) m_workload.reset();
    start_activity();
}

Platform::HostSocket& Platform::socket() {
    if (!m_shell)
        throw std::logic_error("Platform::socket: only a platform built inside another one "
                               "(Platform(name, file)) has a socket for its host");
    return m_shell->in;
}

sc_core::sc_module& Platform::module() {
    if (!m_shell) throw std::logic_error("Platform::module: not an embedded platform");
    return *m_shell;
}

Report Platform::report() {
    if (!m_context) throw std::logic_error("Platform::report: the platform has not run");
    const double end_s =
        embedded() ? sc_core::sc_time_stamp().to_seconds() : m_controller->end_time_s();
    return make_report(
        end_s,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - m_wall_start).count(),
        m_started);
}

void Platform::write_report(const std::string& dir) {
    neurotlm::write_report(dir, report(), effective_config());
}

Platform::~Platform() {
    // A host whose simulation ran out of events never called sc_stop(), so end_of_simulation did
    // not write the report: write it now.
    write_final_report();
    m_context.reset();
    m_workload.reset();
    // Newest first: SystemC's registries search for a departing port from their end, so this
    // order makes tearing down a platform of thousands of blocks linear, not quadratic.
    while (!m_blocks.empty())
        m_blocks.pop_back();
    m_shell.reset();
}

} // namespace neurotlm
