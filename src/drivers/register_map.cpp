#include "neurotlm/drivers/register_map.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "neurotlm/core/registry.h"

namespace neurotlm::regmap {

namespace {

using MapRegistry = NamedRegistry<const RegisterMap*>;

std::string hex(std::uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llX", static_cast<unsigned long long>(v));
    return buf;
}

/// Table cells must not break the Markdown table.
std::string cell(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '|')
            out += "\\|";
        else if (c == '\n')
            out += ' ';
        else
            out += c;
    }
    return out;
}

std::string register_row(const Register& r) {
    std::string meaning = r.meaning;
    for (std::size_t f = 0; f < r.field_count; ++f) {
        const Field& fd = r.fields[f];
        meaning += f == 0 ? "; " : ", ";
        meaning += fd.width == 1 ? "bit " + std::to_string(fd.lsb)
                                 : "bits " + std::to_string(fd.lsb + fd.width - 1) + ":" +
                                       std::to_string(fd.lsb);
        meaning += std::string(" ") + fd.name + ": " + fd.meaning;
    }
    return "| " + hex(r.offset) + " | " + r.name + " | " + to_string(r.access) + " | " +
           hex(r.reset) + " | " + cell(meaning) + " |\n";
}

std::string code_list(const std::vector<Code>& codes) {
    std::string out;
    for (const Code& c : codes)
        out += "| " + std::to_string(c.value) + " | " + c.name + " | " + cell(c.meaning) + " |\n";
    return out;
}

} // namespace

const char* to_string(Access access) {
    switch (access) {
    case Access::ro: return "RO";
    case Access::wo: return "WO";
    case Access::rw: return "RW";
    }
    return "?";
}

const Register* RegisterMap::find_register(std::uint64_t offset) const {
    for (const Register* r : kHeader)
        if (r->offset == offset) return r;
    for (const Register& r : registers)
        if (r.offset == offset) return &r;
    return nullptr;
}

const char* RegisterMap::error_text(std::uint32_t code) const {
    for (const Code* c : kCommonErrors)
        if (c->value == code) return c->meaning;
    for (const Code& c : errors)
        if (c.value == code) return c.meaning;
    return "unknown error";
}

std::vector<std::string> check(const RegisterMap& map) {
    std::vector<std::string> problems;
    std::set<std::uint64_t> offsets;
    for (const Register* r : kHeader)
        offsets.insert(r->offset);
    for (const Register& r : map.registers) {
        if (r.offset % 4 != 0) problems.push_back(std::string(r.name) + ": offset not aligned");
        if (r.offset < kFirstBlockRegister || r.offset >= kWindowBase)
            problems.push_back(std::string(r.name) + ": offset outside [0x20, 0x10000)");
        if (!offsets.insert(r.offset).second)
            problems.push_back(std::string(r.name) + ": offset " + hex(r.offset) + " taken twice");
        for (std::size_t f = 0; f < r.field_count; ++f)
            if (r.fields[f].lsb + r.fields[f].width > 32)
                problems.push_back(std::string(r.name) + "." + r.fields[f].name +
                                   ": field beyond bit 31");
    }
    for (const Window& w : map.windows) {
        if (w.offset % 4 != 0 || w.offset < kWindowBase)
            problems.push_back(std::string(w.name) + ": window offset below 0x10000 or unaligned");
        if (!offsets.insert(w.offset).second)
            problems.push_back(std::string(w.name) + ": offset " + hex(w.offset) + " taken twice");
    }
    std::set<std::uint32_t> commands;
    for (const Code& c : map.commands)
        if (c.value == 0 || !commands.insert(c.value).second)
            problems.push_back(std::string("command ") + c.name + ": code 0 or used twice");
    std::set<std::uint32_t> errors;
    for (const Code* c : kCommonErrors)
        errors.insert(c->value);
    for (const Code& c : map.errors)
        if (!errors.insert(c.value).second)
            problems.push_back(std::string("error ") + c.name + ": code used twice");
    return problems;
}

bool add(const RegisterMap& (*get)()) {
    const RegisterMap& map = get();
    const auto problems = check(map);
    if (!problems.empty())
        throw std::logic_error("register map of " + map.type + ": " + problems.front());
    for (const auto& kv : MapRegistry::instance().entries())
        if (kv.second->type_code == map.type_code)
            throw std::logic_error("type code " + std::to_string(map.type_code) + " of " +
                                   map.type + " is " + kv.first + "'s already");
    MapRegistry::instance().add(map.type, &map);
    return true;
}

std::vector<const RegisterMap*> all() {
    std::vector<const RegisterMap*> out;
    for (const auto& kv : MapRegistry::instance().entries())
        out.push_back(kv.second);
    std::sort(out.begin(), out.end(), [](const RegisterMap* a, const RegisterMap* b) {
        return a->type_code < b->type_code;
    });
    return out;
}

const RegisterMap* find(const std::string& type) {
    const RegisterMap* const* m = MapRegistry::instance().find(type);
    return m ? *m : nullptr;
}

std::string render_markdown() {
    std::string md;
    md += "# Register maps\n\n"
          "<!-- Generated by `neurotlm docs registers` from each block's register map "
          "declaration (blocks/<type>/*registers*); do not edit: a test fails when this file "
          "is stale. -->\n\n"
          "Every neurotlm block with a register interface is a TLM-2.0 target on its `in` "
          "socket. Registers are 32 bits wide and take aligned 4-byte accesses; data windows "
          "(from 0x10000 up) hold little-endian 32-bit words and take any 4-byte-aligned access "
          "inside them. Byte enables and streaming are not supported "
          "(`TLM_BYTE_ENABLE_ERROR_RESPONSE`); an address the block does not decode, a write to "
          "a read-only register or a read of a write-only one gives "
          "`TLM_ADDRESS_ERROR_RESPONSE`; a mis-sized register access gives "
          "`TLM_BURST_ERROR_RESPONSE`. A result window read after a failed command answers "
          "`TLM_COMMAND_ERROR_RESPONSE`; read `ERROR_CODE` for the reason. Debug transport "
          "reads and writes registers and windows but never starts a command.\n\n"
          "## Timing\n"
          "A write to `CTRL` starts a command: it begins when both the write arrives and the "
          "previous command has finished, and the block is busy until `start + latency` "
          "(latency in whole cycles of the block's clock, from its circuit model). The write "
          "itself returns after the access latency (`access_cycles`, plus one cycle per "
          "`port_width_bytes` beyond the first beat). A read of `STATUS` or of a result window "
          "is annotated up to the end of the running command, so an initiator that starts "
          "several blocks and then collects them waits for the slowest, not for the sum. "
          "Blocks never call `wait()`.\n\n"
          "## Common header (every block)\n\n"
          "| offset | name | access | reset | meaning |\n|---|---|---|---|---|\n";
    for (const Register* r : kHeader)
        md += register_row(*r);
    md += "\nType codes:";
    bool first = true;
    for (const RegisterMap* m : all()) {
        md += std::string(first ? " " : ", ") + std::to_string(m->type_code) + " `" + m->type + "`";
        first = false;
    }
    md += ".\n\nError codes every block may return:\n\n| code | name | meaning |\n|---|---|---|\n";
    for (const Code* c : kCommonErrors)
        md += code_list({*c});
    for (const RegisterMap* m : all()) {
        md += "\n## `" + m->type + "` (type code " + std::to_string(m->type_code) + ")\n\n";
        if (!m->summary.empty()) md += m->summary + "\n\n";
        if (!m->registers.empty() || !m->windows.empty()) {
            md += "| offset | name | access | reset | meaning |\n|---|---|---|---|---|\n";
            for (const Register& r : m->registers)
                md += register_row(r);
            for (const Window& w : m->windows)
                md += "| " + hex(w.offset) + " | " + w.name + " | " + to_string(w.access) +
                      " window | | " +
                      cell(std::string(w.layout) + "; " + w.meaning +
                           (w.waits_for_result ? "; a read waits for the running command" : "")) +
                      " |\n";
        }
        if (!m->commands.empty())
            md += "\nCommands (written to `CTRL`):\n\n| code | name | meaning |\n|---|---|---|\n" +
                  code_list(m->commands);
        if (!m->errors.empty())
            md += "\nErrors of this block besides the common ones:\n\n| code | name | meaning "
                  "|\n|---|---|---|\n" +
                  code_list(m->errors);
        if (!m->notes.empty()) md += "\n" + m->notes + "\n";
    }
    return md;
}

} // namespace neurotlm::regmap
