// The register maps as declared: well formed, unique, and the generated documentation current.
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "neurotlm/blocks/crossbar/tile_registers.h"
#include "neurotlm/blocks/hopfield/array_registers.h"
#include "neurotlm/drivers/register_bank.h"
#include "neurotlm/drivers/register_map.h"

namespace neurotlm::regmap {
namespace {

TEST(RegisterMap, EveryRegisteredMapIsWellFormedWithAUniqueTypeCode) {
    const auto maps = all();
    ASSERT_GE(maps.size(), 2u);
    std::set<std::uint32_t> codes;
    for (const RegisterMap* m : maps) {
        EXPECT_TRUE(check(*m).empty()) << m->type << ": " << check(*m).front();
        EXPECT_TRUE(codes.insert(m->type_code).second) << m->type;
        EXPECT_EQ(find(m->type), m);
    }
}

TEST(RegisterMap, CheckFindsOverlapsMisalignmentAndDuplicateCodes) {
    static constexpr Register a{"A", 0x20, Access::rw, 0, "a"};
    static constexpr Register b{"B", 0x20, Access::ro, 0, "b at the same offset"};
    static constexpr Register c{"C", 0x26, Access::ro, 0, "unaligned"};
    static constexpr Register d{"D", 0x08, Access::ro, 0, "in the common header"};
    static constexpr Window w{"W", 0x8000, Access::rw, "x", false, "below the window base"};
    RegisterMap m{"t", 99, "", {a, b, c, d}, {w}, {{1, "X", ""}, {1, "Y", ""}}, {{2, "E", ""}}};
    const auto problems = check(m);
    // B overlaps A, C is unaligned, D sits in the header (outside the block range and on CTRL),
    // W is below 0x10000, command 1 twice, error 2 is a common code.
    EXPECT_EQ(problems.size(), 7u);
}

TEST(RegisterMap, TheCommittedDocumentationIsCurrent) {
    std::ifstream in(NEUROTLM_SOURCE_DIR "/docs/registers.md");
    ASSERT_TRUE(in) << "docs/registers.md is missing";
    std::stringstream committed;
    committed << in.rdbuf();
    EXPECT_EQ(committed.str(), render_markdown())
        << "docs/registers.md is stale: regenerate it with `neurotlm docs registers > "
           "docs/registers.md`";
}

TEST(RegisterMap, DocumentationListsEveryRegisterWindowAndCommand) {
    const std::string md = render_markdown();
    for (const RegisterMap* m : all()) {
        EXPECT_NE(md.find("`" + m->type + "`"), std::string::npos);
        for (const Register& r : m->registers)
            EXPECT_NE(md.find(r.name), std::string::npos);
        for (const Window& w : m->windows)
            EXPECT_NE(md.find(w.name), std::string::npos);
        for (const Code& c : m->commands)
            EXPECT_NE(md.find(c.name), std::string::npos);
    }
}

TEST(RegisterBank, DecodesAsDeclared) {
    const RegisterMap& map = crossbar::regs::register_map();
    RegisterBank bank(map);
    std::uint32_t rows_used = 7, cols_used = 0;
    float w = 0, in = 0, out = 0;
    int writes = 0;
    bank.bind(crossbar::regs::ROWS, [] { return 4u; });
    bank.bind(crossbar::regs::COLS, [] { return 2u; });
    bank.bind(crossbar::regs::ROWS_USED, rows_used, [&] { ++writes; });
    bank.bind(crossbar::regs::COLS_USED, cols_used);
    bank.bind(crossbar::regs::WEIGHT_RANGE, w);
    bank.bind(crossbar::regs::INPUT_RANGE, in);
    EXPECT_THROW(bank.check_complete(), std::logic_error); // OUTPUT_RANGE and windows missing
    bank.bind(crossbar::regs::OUTPUT_RANGE, out);
    std::vector<float> input(4), output(2), weights(8);
    bank.bind(crossbar::regs::INPUT, input);
    bank.bind(crossbar::regs::OUTPUT, output);
    bank.bind(crossbar::regs::WEIGHTS, weights);
    EXPECT_NO_THROW(bank.check_complete());

    // Reset values come from the declaration.
    EXPECT_EQ(rows_used, crossbar::regs::ROWS_USED.reset);
    EXPECT_EQ(w, 1.0f);
    EXPECT_EQ(out, 0.0f);

    std::uint32_t v = 0;
    EXPECT_TRUE(bank.read(crossbar::regs::ROWS.offset, v));
    EXPECT_EQ(v, 4u);
    EXPECT_FALSE(bank.write(crossbar::regs::ROWS.offset, 9)); // read-only
    EXPECT_TRUE(bank.write(crossbar::regs::ROWS_USED.offset, 3));
    EXPECT_EQ(rows_used, 3u);
    EXPECT_EQ(writes, 1);
    EXPECT_FALSE(bank.read(0x3C, v)); // not declared

    const auto in_hit = bank.window(crossbar::regs::INPUT.offset + 4, 8, true);
    EXPECT_EQ(in_hit.data, reinterpret_cast<unsigned char*>(input.data()) + 4);
    EXPECT_FALSE(in_hit.waits);
    EXPECT_EQ(in_hit.offset, 4u);
    EXPECT_EQ(bank.window(crossbar::regs::INPUT.offset + 4, 16, true).data, nullptr); // beyond
    EXPECT_EQ(bank.window(crossbar::regs::OUTPUT.offset, 8, true).data, nullptr);     // read-only
    const auto out_hit = bank.window(crossbar::regs::OUTPUT.offset, 8, false);
    EXPECT_NE(out_hit.data, nullptr);
    EXPECT_TRUE(out_hit.waits);
    EXPECT_EQ(out_hit.on_access, nullptr);
    EXPECT_EQ(bank.span(), crossbar::regs::WEIGHTS.offset + 8 * 4);
}

TEST(RegisterBank, RefusesToBindWhatTheMapDoesNotDeclare) {
    RegisterBank bank(crossbar::regs::register_map());
    std::uint32_t x = 0;
    EXPECT_THROW(bank.bind(hopfield::regs::SELECT, x), std::logic_error);
    EXPECT_THROW(bank.bind(crossbar::regs::ROWS_USED, [] { return 0u; }), std::logic_error);
}

} // namespace
} // namespace neurotlm::regmap
