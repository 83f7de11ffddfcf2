// IR drop: the sparse nodal solver against hand-solved networks, against the ideal crossbar in
// the limit of vanishing wire resistance, and against ngspice on an 8x8 array.

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "testing/require.h"

#include "neurotlm/blocks/crossbar/crossbar.h"
#include "neurotlm/blocks/crossbar/ir_drop.h"
#include "neurotlm/blocks/crossbar/spice_export.h"
#include "neurotlm/core/error.h"
#include "neurotlm/devices/spice.h"
#include "testing/paths.h"

namespace neurotlm {
namespace {

TEST(IrDrop, SingleCellIsASeriesCircuit) {
    // Only cell (0,0) conducts (1 mS); r = 10 ohm. Path: source -> r -> cell -> two column
    // segments -> virtual ground: I = 1 V / (10 + 1000 + 10 + 10) ohm = 1/1030 A.
    const std::vector<double> g = {1e-3, 0.0, 0.0, 0.0};
    std::vector<double> drv;
    const std::vector<double> i = solve_crossbar_network(g, 2, 2, 10.0, {1.0, 0.0}, &drv);
    EXPECT_NEAR(i[0], 1.0 / 1030.0, 1e-15);
    EXPECT_NEAR(i[1], 0.0, 1e-15);
    EXPECT_NEAR(drv[0], 1.0 / 1030.0, 1e-15);
    EXPECT_NEAR(drv[1], 0.0, 1e-15);
}

TEST(IrDrop, ColumnSegmentsMayDifferFromRowSegments) {
    // Cell (0,0) of a 2 x 2 array at 1 mS, rows of 10 ohm, columns of 30 ohm: source -> 10 ohm
    // -> cell -> two 30 ohm column segments -> ground: I = 1 V / 1070 ohm.
    const std::vector<double> g = {1e-3, 0.0, 0.0, 0.0};
    detail::IrNetwork net(g, 2, 2, 10.0, 30.0);
    const double v[2] = {1.0, 0.0};
    double col[2], drv[2];
    net.solve(v, col, drv);
    EXPECT_NEAR(col[0], 1.0 / 1070.0, 1e-15);
    EXPECT_NEAR(drv[0], 1.0 / 1070.0, 1e-15);
    // 0 keeps the rows' resistance, as before.
    detail::IrNetwork same(g, 2, 2, 10.0, 0.0);
    same.solve(v, col, drv);
    EXPECT_NEAR(col[0], 1.0 / 1030.0, 1e-15);
}

TEST(IrDrop, HandSolved2x2) {
    // G = [[1, 1/2], [1/4, 1]] S, r = 1 ohm, V = (1, 1/2) V. Row nodes a_ij, column nodes b_ij;
    // row wires a_i0-source, a_i0-a_i1; column wires b_0j-b_1j, b_1j-ground. Solution (V):
    //   a00 = 161/240, a01 = 133/240, a10 = 91/240, a11 = 70/240,
    //   b00 = 110/240, b01 =  77/240, b10 = 59/240, b11 = 49/240.
    // Check KCL by hand, all currents in units of 1/240 A:
    //   a00: in from source 240-161 = 79; out to a01: 161-133 = 28; through G00 to b00: 51;
    //        79 = 28 + 51
    //   a01: in 28; through G01 = 1/2 to b01: (133-77)/2 = 28.
    //   a10: in from source 120-91 = 29; to a11: 21; through G10 = 1/4 to b10: (91-59)/4 = 8.
    //   a11: in 21; through G11 to b11: 70-49 = 21.
    //   b00: in 51; down to b10: 110-59 = 51.          b01: in 28; down to b11: 77-49 = 28.
    //   b10: in 51 + 8; to ground: 59.                  b11: in 28 + 21; to ground: 49.
    // Column currents 59/240 and 49/240 A; source currents 79/240 and 29/240 A.
    const std::vector<double> g = {1.0, 0.5, 0.25, 1.0};
    std::vector<double> drv;
    const std::vector<double> i = solve_crossbar_network(g, 2, 2, 1.0, {1.0, 0.5}, &drv);
    EXPECT_NEAR(i[0], 59.0 / 240.0, 1e-12);
    EXPECT_NEAR(i[1], 49.0 / 240.0, 1e-12);
    EXPECT_NEAR(drv[0], 79.0 / 240.0, 1e-12);
    EXPECT_NEAR(drv[1], 29.0 / 240.0, 1e-12);
}

TEST(IrDrop, Solved3x3) {
    // All G = 1 S, r = 0.1 ohm, V = 1 V on every row. The 18 KCL equations (as in the 2x2 case)
    // were solved in exact rational arithmetic, independently of this code:
    //   column currents (197285, 173920, 162635) / 113477 A
    //   source currents (162635, 173920, 197285) / 113477 A
    // The mirror symmetry (the network is its own transpose with sources and grounds swapped)
    // is a check of its own: the first row's source sees the same as the last column's ground.
    const std::vector<double> g(9, 1.0);
    std::vector<double> drv;
    const std::vector<double> i = solve_crossbar_network(g, 3, 3, 0.1, {1.0, 1.0, 1.0}, &drv);
    const double d = 113477.0;
    EXPECT_NEAR(i[0], 197285.0 / d, 1e-12);
    EXPECT_NEAR(i[1], 173920.0 / d, 1e-12);
    EXPECT_NEAR(i[2], 162635.0 / d, 1e-12);
    EXPECT_NEAR(drv[0], 162635.0 / d, 1e-12);
    EXPECT_NEAR(drv[1], 173920.0 / d, 1e-12);
    EXPECT_NEAR(drv[2], 197285.0 / d, 1e-12);
    // Without wires each column would carry 3 A: the drop is large at r/R_cell = 0.1.
    for (double c : i)
        EXPECT_LT(c, 3.0);
}

CrossbarSpec spec(int rows, int cols, double r_wire_ohm) {
    CrossbarSpec s;
    s.rows = rows;
    s.cols = cols;
    s.cell =
        CellSpec::from_json({{"type", "rram"}, {"r_on", 10e3}, {"r_off", 100e3}, {"levels", 5}});
    s.adc.bits = 0;
    s.dac.bits = 8;
    s.input_bits = 8;
    s.read_noise = false;
    s.variation = false;
    s.wire_resistance_ohm = r_wire_ohm;
    s.ir_drop = true;
    return s;
}

TEST(IrDrop, TinyWireResistanceConvergesToIdeal) {
    RngStream r(12, "data");
    std::vector<float> w(32 * 16), x(32);
    for (auto& v : w)
        v = float(r.uniform() * 2 - 1);
    for (auto& v : x)
        v = float(r.uniform() * 2 - 1);
    Crossbar ideal(spec(32, 32, 0.0), RngStream(1, "xb"));
    ideal.program(w.data(), 32, 16, 1.0f);
    std::vector<float> y0(16), y1(16), y2(16);
    const CrossbarCost c0 = ideal.mvm(x.data(), y0.data());

    Crossbar tiny(spec(32, 32, 1e-3), RngStream(1, "xb"));
    tiny.program(w.data(), 32, 16, 1.0f);
    const CrossbarCost c1 = tiny.mvm(x.data(), y1.data());
    double scale = 0.0;
    for (float v : y0)
        scale = std::max(scale, double(std::fabs(v)));
    for (int j = 0; j < 16; ++j)
        EXPECT_NEAR(y1[j], y0[j], 1e-4 * scale) << j;
    EXPECT_NEAR(c1.array_energy_J, c0.array_energy_J, 1e-4 * c0.array_energy_J);

    // Real wires lose signal: a 10 ohm segment against >= 10 kohm cells shrinks |y| a little
    // and the error grows with r.
    Crossbar lossy(spec(32, 32, 10.0), RngStream(1, "xb"));
    lossy.program(w.data(), 32, 16, 1.0f);
    lossy.mvm(x.data(), y2.data());
    double err1 = 0.0, err2 = 0.0;
    for (int j = 0; j < 16; ++j) {
        err1 += std::fabs(y1[j] - y0[j]);
        err2 += std::fabs(y2[j] - y0[j]);
    }
    EXPECT_GT(err2, 10 * err1);
    EXPECT_LT(err2, 0.2 * 16 * scale);
}

TEST(IrDrop, TheSmallestWireResistanceAllowedIsStillSolvedAccurately) {
    // 1 uohm, the table's lower bound, puts 10^6 S wires beside 10^-4 S cells: the nodal solve
    // must still give the ideal crossbar's answer. Below it (a denormal gave an infinite
    // conductance) the table refuses the value.
    RngStream r(13, "data");
    std::vector<float> w(16 * 8), x(16);
    for (auto& v : w)
        v = float(r.uniform() * 2 - 1);
    for (auto& v : x)
        v = float(r.uniform() * 2 - 1);
    Crossbar ideal(spec(16, 16, 0.0), RngStream(1, "xb"));
    ideal.program(w.data(), 16, 8, 1.0f);
    Crossbar wired(spec(16, 16, 1e-6), RngStream(1, "xb"));
    wired.program(w.data(), 16, 8, 1.0f);
    std::vector<float> y0(8), y1(8);
    ideal.mvm(x.data(), y0.data());
    const CrossbarCost c = wired.mvm(x.data(), y1.data());
    for (int j = 0; j < 8; ++j)
        EXPECT_NEAR(y1[j], y0[j], 1e-4 * (1.0 + std::fabs(y0[j]))) << j;
    EXPECT_TRUE(std::isfinite(c.array_energy_J));

    CrossbarSpec denormal = spec(16, 16, 1e-320);
    EXPECT_FALSE(CrossbarSpec::table().check(denormal).empty());
    EXPECT_THROW(Crossbar(denormal, RngStream(1, "xb")), InputError);
}

TEST(IrDrop, FactorisationIsReusedAndRefreshedOnProgram) {
    // Reading twice gives the same answer; reprogramming must refactorise: the new answer is
    // the network solve of the new conductances (close to -y, not exactly: G+ and G- sit on
    // different columns, at different wire distances).
    Crossbar xb(spec(8, 8, 50.0), RngStream(1, "xb"));
    std::vector<float> w(8 * 4, 1.0f), x(8, 1.0f), y(4), y_again(4), y_new(4);
    xb.program(w.data(), 8, 4, 1.0f);
    xb.mvm(x.data(), y.data());
    xb.mvm(x.data(), y_again.data());
    EXPECT_EQ(y, y_again);
    std::fill(w.begin(), w.end(), -1.0f);
    xb.program(w.data(), 8, 4, 1.0f);
    xb.mvm(x.data(), y_new.data());
    std::vector<double> v(8, xb.spec().cell.read_voltage_V);
    const std::vector<double> i = solve_crossbar_network(xb.conductances_S(), 8, 8, 50.0, v);
    const double k = 1.0 / xb.spec().cell.read_voltage_V / (1e-4 - 1e-5);
    for (int j = 0; j < 4; ++j) {
        EXPECT_NEAR(y_new[j], (i[2 * j] - i[2 * j + 1]) * k, 1e-5 * std::fabs(y[j]));
        EXPECT_NEAR(y_new[j], -y[j], 0.05 * std::fabs(y[j]));
    }
}

/// ngspice's operating point of the network solve_crossbar_network() describes (rows x cols
/// cells @p g, segments of @p r_wire, row sources @p v): the current into each column's virtual
/// ground, by column index (empty if ngspice failed; the caller checks the count).
std::map<int, double> ngspice_column_currents(const std::string& tag, const std::vector<double>& g,
                                              int rows, int cols, double r_wire,
                                              const std::vector<double>& v) {
    const std::string cir = testing::scratch_dir(tag) + "/xbar.cir";
    {
        std::ofstream out(cir);
        write_crossbar_dc_netlist(out, g, rows, cols, r_wire, v);
    }
    const std::string text = run_ngspice(cir);
    std::map<int, double> spice;
    try {
        const std::vector<double> i = parse_crossbar_column_currents(text, cols);
        for (int j = 0; j < cols; ++j)
            spice[j] = i[static_cast<size_t>(j)];
    } catch (const InputError& e) {
        ADD_FAILURE() << e.what() << "\n" << text;
    }
    return spice;
}

TEST(IrDrop, AgreesWithNgspiceOn8x8) {
    NEUROTLM_REQUIRE_TOOL(ngspice_available(), "ngspice");
    const int n = 8;
    const double r_wire = 25.0;
    RngStream r(77, "spice");
    std::vector<double> g(n * n), v(n);
    for (auto& x : g)
        x = 1e-5 + r.uniform() * 9e-5; // 10 kohm .. 100 kohm
    for (auto& x : v)
        x = r.uniform() * 0.3;
    std::map<int, double> spice = ngspice_column_currents("ngspice", g, n, n, r_wire, v);
    ASSERT_EQ(spice.size(), size_t(n));

    const std::vector<double> ours = solve_crossbar_network(g, n, n, r_wire, v);
    double ideal_total = 0.0, ours_total = 0.0;
    for (int j = 0; j < n; ++j) {
        EXPECT_NEAR(ours[j], spice[j], 1e-3 * std::fabs(spice[j])) << "column " << j;
        for (int i = 0; i < n; ++i)
            ideal_total += v[i] * g[size_t(i) * n + j];
        ours_total += ours[j];
    }
    // The wires matter here, so the comparison is not a trivial one.
    EXPECT_LT(ours_total, 0.999 * ideal_total);
}

TEST(IrDrop, CrossbarMatchesNetworkSolve) {
    // The crossbar's IR-drop read is the network solve converted to weight units:
    // y_j = (I_2j - I_2j+1) * x_max / V_read * w_max / (g_max - g_min).
    Crossbar xb(spec(6, 8, 30.0), RngStream(1, "xb"));
    std::vector<float> w = {1,  -0.5f, 0, 0.25f, 0.75f,  -1, -0.25f, 0.5f,  1, 1, -1, 0, 0.5f, 0.5f,
                            -1, 0,     0, 0.25f, -0.75f, 1,  -0.5f,  0.25f, 0, 1};
    xb.program(w.data(), 6, 4, 1.0f);
    xb.set_input_range(2.0f);
    // On the 8-bit input grid (multiples of 2/255), so quantisation changes nothing.
    const std::vector<float> x = {2.0f, -256.0f / 255.0f, 0.0f, 128.0f / 255.0f, 2.0f, -2.0f};
    std::vector<float> y(4);
    const CrossbarCost c = xb.mvm(x.data(), y.data());
    std::vector<double> v(6);
    for (int i = 0; i < 6; ++i)
        v[i] = x[i] / 2.0 * xb.spec().cell.read_voltage_V;
    std::vector<double> drv;
    const std::vector<double> i = solve_crossbar_network(xb.conductances_S(), 6, 8, 30.0, v, &drv);
    const double k = 2.0 / xb.spec().cell.read_voltage_V * 1.0 / (1e-4 - 1e-5);
    for (int j = 0; j < 4; ++j)
        EXPECT_NEAR(y[j], (i[2 * j] - i[2 * j + 1]) * k, 1e-5);
    // Energy: what the sources deliver over the read window.
    double p = 0.0;
    for (int r = 0; r < 6; ++r)
        p += v[r] * drv[r];
    EXPECT_NEAR(c.array_energy_J, p * xb.spec().read_time_s, 1e-9 * p * xb.spec().read_time_s);
}

/// A spec for the offset mapping with wires of @p r_wire_ohm and the reference at @p where.
CrossbarSpec offset_spec(int rows, int cols, double r_wire_ohm, const CellSpec& cell,
                         ReferencePosition where) {
    CrossbarSpec s = spec(rows, cols, r_wire_ohm);
    s.cell = cell;
    s.mapping = WeightMapping::offset;
    s.reference_position = where;
    return s;
}

TEST(IrDrop, OffsetReferenceColumnHandSolved) {
    // One row: one data cell and the reference column. r_on 10 kohm, r_off 30 kohm, 3 levels:
    // G in {1/30k, 1/15k, 1/10k} S, G_ref = 1/15k S (15 kohm); the weight 1 is 10 kohm.
    // Segments of 1 kohm; x = x_max = 1 drives the row at V = V_read. In kohm and V/kohm:
    //  last:  source -1- a0; a0 -10- b0 -1- ground (11); a0 -1- a1 -15- b1 -1- ground (17).
    //         R_in = 1 + 11*17/28 = 215/28, a0 = 187/215 V:
    //         I_data = 17/215, I_ref = 11/215, I_source = 28/215.
    //  first: reference at a0 (15 + 1 = 16), data at a1 (1 + 10 + 1 = 12).
    //         R_in = 1 + 16*12/28 = 55/7, a0 = 48/55 V:
    //         I_ref = 3/55, I_data = 4/55, I_source = 7/55.
    // y = (I_data - I_ref) * w_max / ((G_max - G_min) / 2) * x_max / V = (I_data - I_ref) * 30:
    //  last 180/215 = 36/43, first 30/55 = 6/11. (Ideal wires give 1; the earlier ideal
    //  reference, G_ref * V against the data column alone, gave (1/12 - 1/15) * 30 = 1/2.)
    const CellSpec cell =
        CellSpec::from_json({{"type", "rram"}, {"r_on", 10e3}, {"r_off", 30e3}, {"levels", 3}});
    struct Case {
        ReferencePosition where;
        double y, i_source;
    };
    for (const Case& c : {Case{ReferencePosition::last, 36.0 / 43.0, 28.0 / 215.0},
                          Case{ReferencePosition::first, 6.0 / 11.0, 7.0 / 55.0}}) {
        SCOPED_TRACE(c.where == ReferencePosition::last ? "last" : "first");
        Crossbar xb(offset_spec(1, 1, 1e3, cell, c.where), RngStream(1, "xb"));
        const float w = 1.0f, x = 1.0f;
        xb.program(&w, 1, 1, 1.0f);
        float y = 0.0f;
        const CrossbarCost cost = xb.mvm(&x, &y);
        EXPECT_NEAR(y, c.y, 1e-6);
        const double v = xb.spec().cell.read_voltage_V;
        const double e = v * v * c.i_source / 1e3 * xb.spec().read_time_s;
        EXPECT_NEAR(cost.array_energy_J, e, 1e-9 * e);
    }
}

TEST(IrDrop, TheReferencePositionIsIgnoredByTheDifferentialMapping) {
    RngStream r(5, "data");
    std::vector<float> w(8 * 4), x(8);
    for (auto& v : w)
        v = float(r.uniform() * 2 - 1);
    for (auto& v : x)
        v = float(r.uniform());
    std::vector<float> y_first(4), y_last(4);
    for (auto where : {ReferencePosition::first, ReferencePosition::last}) {
        CrossbarSpec s = spec(8, 8, 10.0);
        s.reference_position = where;
        Crossbar xb(s, RngStream(1, "xb"));
        xb.program(w.data(), 8, 4, 1.0f);
        xb.mvm(x.data(), where == ReferencePosition::first ? y_first.data() : y_last.data());
    }
    EXPECT_EQ(y_first, y_last);
}

/// The rows x (cols + 1) conductances of @p xb's array with its reference column (G_ref, the
/// middle of the level range) inserted at @p ref_col: the array as it is built.
std::vector<double> physical_array(const Crossbar& xb, int ref_col) {
    const int rows = xb.spec().rows, cols = xb.spec().cols;
    const std::vector<double>& levels = xb.spec().cell.conductances_S;
    const double g_ref = 0.5 * (levels.front() + levels.back());
    std::vector<double> g;
    for (int i = 0; i < rows; ++i)
        for (int c = 0, j = 0; c <= cols; ++c)
            g.push_back(c == ref_col ? g_ref : xb.conductances_S()[size_t(i) * cols + j++]);
    return g;
}

TEST(IrDrop, OffsetMappingReadIsTheNetworkSolveWithTheReferenceColumn) {
    // Without ngspice: the crossbar's read is solve_crossbar_network() of the physical array
    // (reference column in place), and its energy is what the row sources deliver.
    RngStream r(9, "data");
    std::vector<float> w(6 * 5), x(6);
    for (auto& v : w)
        v = float(std::floor(r.uniform() * 5.0) * 0.5 - 1.0); // the 5 levels' weights
    for (auto& v : x)
        v = float(std::floor(r.uniform() * 511.0) - 255.0) / 255.0f;
    const CellSpec cell =
        CellSpec::from_json({{"type", "rram"}, {"r_on", 10e3}, {"r_off", 100e3}, {"levels", 5}});
    for (auto where : {ReferencePosition::first, ReferencePosition::last}) {
        const bool first = where == ReferencePosition::first;
        SCOPED_TRACE(first ? "first" : "last");
        Crossbar xb(offset_spec(6, 5, 40.0, cell, where), RngStream(1, "xb"));
        xb.program(w.data(), 6, 5, 1.0f);
        std::vector<float> y(5);
        const CrossbarCost c = xb.mvm(x.data(), y.data());
        std::vector<double> v(6), drv;
        for (int i = 0; i < 6; ++i)
            v[i] = x[i] * cell.read_voltage_V;
        const int ref = first ? 0 : 5;
        const std::vector<double> i =
            solve_crossbar_network(physical_array(xb, ref), 6, 6, 40.0, v, &drv);
        const double k = 2.0 / (1e-4 - 1e-5) / cell.read_voltage_V;
        for (int j = 0; j < 5; ++j)
            EXPECT_NEAR(y[j], (i[first ? j + 1 : j] - i[ref]) * k, 1e-5) << j;
        double p = 0.0;
        for (int row = 0; row < 6; ++row)
            p += v[row] * drv[row];
        // The crossbar's row voltages come from float32 input codes: 1e-7 apart from these.
        const double e = p * xb.spec().read_time_s;
        EXPECT_NEAR(c.array_energy_J, e, 1e-6 * e);
    }
}

TEST(IrDrop, OffsetMappingAgreesWithNgspiceOn32x32WithARealReferenceColumn) {
    // A 32x32 offset-mapped array of the default device's cells (IMAC-Sim: 5 / 15 kohm,
    // binary, 0.8 V), 1 ohm segments, post-ReLU-like inputs in [0, 1] on the 8-bit grid. The
    // netlist is the physical array, reference column included, built from the same
    // conductances; the crossbar's outputs must be ngspice's (I_col - I_ref) in weight units.
    NEUROTLM_REQUIRE_TOOL(ngspice_available(), "ngspice");
    const int n = 32;
    const double r_wire = 1.0;
    const CellSpec cell = CellSpec::from_json(
        {{"type", "rram"}, {"r_on", 5e3}, {"r_off", 15e3}, {"levels", 2}, {"read_voltage", 0.8}});
    RngStream r(32, "spice");
    std::vector<float> w(n * n), x(n);
    for (auto& v : w)
        v = r.uniform() < 0.5 ? -1.0f : 1.0f;
    for (auto& v : x)
        v = float(std::floor(r.uniform() * 256.0)) / 255.0f;
    for (auto where : {ReferencePosition::first, ReferencePosition::last}) {
        const bool first = where == ReferencePosition::first;
        SCOPED_TRACE(first ? "first" : "last");
        Crossbar xb(offset_spec(n, n, r_wire, cell, where), RngStream(1, "xb"));
        xb.program(w.data(), n, n, 1.0f);
        std::vector<float> y(n);
        xb.mvm(x.data(), y.data());

        const int ref = first ? 0 : n;
        std::vector<double> v(n);
        for (int i = 0; i < n; ++i)
            v[i] = x[i] * cell.read_voltage_V; // x_max = 1
        std::map<int, double> spice =
            ngspice_column_currents(first ? "ngspice_ref_first" : "ngspice_ref_last",
                                    physical_array(xb, ref), n, n + 1, r_wire, v);
        ASSERT_EQ(spice.size(), size_t(n + 1));

        // Weight units per ampere: w_max / ((G_max - G_min) / 2) * x_max / V_read.
        const double g_lo = cell.conductances_S.front(), g_hi = cell.conductances_S.back();
        const double k = 2.0 / (g_hi - g_lo) / cell.read_voltage_V;
        const double fs = xb.effective_output_range();
        // The earlier model: data columns solved alone, an ideal reference G_ref * sum V.
        const std::vector<double> alone =
            solve_crossbar_network(xb.conductances_S(), n, n, r_wire, v);
        double v_sum = 0.0;
        for (double vi : v)
            v_sum += vi;
        double err = 0.0, old_err = 0.0;
        for (int j = 0; j < n; ++j) {
            const double expected = (spice[first ? j + 1 : j] - spice[ref]) * k;
            err = std::max(err, std::fabs(y[j] - expected) / fs);
            const double old = (alone[j] - 0.5 * (g_lo + g_hi) * v_sum) * k;
            old_err = std::max(old_err, std::fabs(old - expected) / fs);
        }
        std::printf("reference %s: full scale %.3f, max |model - ngspice| %.3g of full scale, "
                    "ideal reference %.3g\n",
                    first ? "first" : "last", fs, err, old_err);
        // Measured: 2e-8 of full scale; the ideal reference was 5.3 % (first) and 13 % (last)
        // off, so the comparison is not trivial and the earlier model fails it.
        EXPECT_LT(err, 1e-6);
        EXPECT_GT(old_err, first ? 0.04 : 0.1);
    }
}

/// Random conductances in [1e-5, 1e-4] S (10 to 100 kohm) and random row voltages of both
/// signs, some rows silent.
std::vector<double> transfer_test_conductances(int rows, int cols, unsigned seed) {
    std::srand(seed);
    std::vector<double> g(static_cast<size_t>(rows) * cols);
    for (double& v : g)
        v = 1e-5 + 9e-5 * (std::rand() / static_cast<double>(RAND_MAX));
    return g;
}
std::vector<double> transfer_test_voltages(int rows) {
    std::vector<double> v(static_cast<size_t>(rows));
    for (int i = 0; i < rows; ++i)
        v[static_cast<size_t>(i)] =
            i % 5 == 3 ? 0.0 : 0.2 * (std::rand() / static_cast<double>(RAND_MAX)) - 0.1;
    return v;
}

TEST(IrDrop, SuperpositionTransferAgreesWithTheBackSubstitution) {
    // Every network shape the tiles build: plain, pairs on one row node, a reference column
    // first or last, series terminals. One copy reads by back-substitution only (fresh for
    // each read); the other builds the transfer on its own after `rows` reads.
    const int rows = 12, cols = 20;
    const double r = 2.0, r_col = 3.0;
    const std::vector<double> g = transfer_test_conductances(rows, cols, 7);
    std::vector<double> terminals(static_cast<size_t>(cols));
    for (int j = 0; j < cols; ++j)
        terminals[static_cast<size_t>(j)] = 500.0 + 100.0 * j;
    struct Shape {
        const char* name;
        std::function<detail::IrNetwork()> make;
        int data_cols;
    };
    const std::vector<Shape> shapes = {
        {"plain", [&] { return detail::IrNetwork(g, rows, cols, r, r_col); }, cols},
        {"pairs", [&] { return detail::IrNetwork(g, rows, cols, r, r_col, nullptr, 2); }, cols},
        {"reference first",
         [&] {
             return detail::IrNetwork(g, rows, cols, r, r_col,
                                      detail::ReferenceColumn{5e-5, ReferencePosition::first});
         },
         cols},
        {"reference last",
         [&] {
             return detail::IrNetwork(g, rows, cols, r, r_col,
                                      detail::ReferenceColumn{5e-5, ReferencePosition::last});
         },
         cols},
        {"terminals", [&] { return detail::IrNetwork(g, rows, cols, r, r_col, &terminals); }, cols},
    };
    for (const Shape& shape : shapes) {
        SCOPED_TRACE(shape.name);
        detail::IrNetwork fast = shape.make();
        double worst = 0.0;
        for (int read = 0; read < 2 * rows; ++read) {
            EXPECT_EQ(fast.has_transfer(), read > rows) << "read " << read;
            const std::vector<double> v = transfer_test_voltages(rows);
            std::vector<double> col(cols), drv(rows), col0(cols), drv0(rows);
            double ref = 0.0, ref0 = 0.0;
            fast.solve(v.data(), col.data(), drv.data(), &ref);
            detail::IrNetwork exact = shape.make();
            exact.solve(v.data(), col0.data(), drv0.data(), &ref0);
            double full_scale = 0.0;
            for (double c : col0)
                full_scale = std::max(full_scale, std::fabs(c));
            ASSERT_GT(full_scale, 0.0);
            for (int j = 0; j < shape.data_cols; ++j)
                worst = std::max(worst, std::fabs(col[j] - col0[j]) / full_scale);
            for (int i = 0; i < rows; ++i)
                worst = std::max(worst, std::fabs(drv[i] - drv0[i]) / full_scale);
            worst = std::max(worst, std::fabs(ref - ref0) / full_scale);
        }
        EXPECT_TRUE(fast.has_transfer());
        // A sign error, a transposed transfer or a missing driver term gives O(1).
        EXPECT_LT(worst, 1e-10);
    }
}

TEST(IrDrop, TerminalVoltagesStillSolveTheNetwork) {
    // The transfer holds the terminals at 0 V: a read with terminal voltages goes around it
    // and still equals a fresh network's.
    const int rows = 6, cols = 8;
    const std::vector<double> g = transfer_test_conductances(rows, cols, 11);
    const std::vector<double> terminals(static_cast<size_t>(cols), 1000.0);
    detail::IrNetwork net(g, rows, cols, 1.0, 0.0, &terminals);
    net.build_transfer();
    const std::vector<double> v = transfer_test_voltages(rows);
    std::vector<double> vt(static_cast<size_t>(cols), 0.0);
    vt[3] = 0.05;
    std::vector<double> col(cols), drv(rows), col0(cols), drv0(rows);
    net.solve(v.data(), col.data(), drv.data(), nullptr, vt.data());
    detail::IrNetwork fresh(g, rows, cols, 1.0, 0.0, &terminals);
    fresh.solve(v.data(), col0.data(), drv0.data(), nullptr, vt.data());
    for (int j = 0; j < cols; ++j)
        EXPECT_NEAR(col[j], col0[j], 1e-15) << j;
    for (int i = 0; i < rows; ++i)
        EXPECT_NEAR(drv[i], drv0[i], 1e-15) << i;
    // And the terminal's voltage matters (the check is not vacuous).
    std::vector<double> grounded(cols);
    fresh.solve(v.data(), grounded.data(), drv0.data());
    EXPECT_GT(std::fabs(grounded[3] - col0[3]), 1e-6 * std::fabs(col0[3]));
}

} // namespace
} // namespace neurotlm

namespace neurotlm {
namespace {

TEST(IrDrop, IterativeFirstReadsAgreeWithTheFactorisation) {
    // The first reads of a network go by conjugate gradients; the same reads of a network
    // told to factorise at once must agree to rounding: both carry about 1e-12 to 1e-11 of full
    // scale (a driver's current is the small difference of its source and its node), 1e-10 is
    // asserted; a stop on the residual alone gave 3e-10 into loaded terminals.
    struct Case {
        const char* name;
        int rows, cols, group;
        double r, r_col, g_lo, g_hi;
        bool reference, terminals;
    };
    const std::vector<Case> cases = {
        {"64x64, 1 ohm, 10k-1M cells", 64, 64, 1, 1.0, 0.0, 1e-6, 1e-4, false, false},
        {"32x48 pairs, IMAC-Sim's segments", 32, 48, 2, 9.24, 11.55, 1e-6, 1e-4, false, false},
        {"40x30 with a reference column", 40, 30, 1, 2.0, 3.0, 1e-5, 1e-3, true, false},
        {"24x16 into loaded terminals", 24, 16, 1, 5.0, 5.0, 1e-5, 1e-3, false, true},
        {"48x48, 100 ohm cells", 48, 48, 1, 1.0, 1.0, 1e-3, 1e-2, false, false},
    };
    std::mt19937 gen(3);
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        std::uniform_real_distribution<double> u(c.g_lo, c.g_hi);
        std::vector<double> g(static_cast<size_t>(c.rows) * c.cols);
        for (double& v : g)
            v = u(gen);
        std::vector<double> terminals(static_cast<size_t>(c.cols), 800.0);
        auto make = [&] {
            if (c.reference)
                return detail::IrNetwork(g, c.rows, c.cols, c.r, c.r_col,
                                         detail::ReferenceColumn{5e-5, ReferencePosition::last});
            return detail::IrNetwork(g, c.rows, c.cols, c.r, c.r_col,
                                     c.terminals ? &terminals : nullptr, c.group);
        };
        detail::IrNetwork iterative = make();
        detail::IrNetwork direct = make();
        direct.set_iterative_reads(0);
        std::uniform_real_distribution<double> volts(-0.2, 0.3);
        for (int read = 0; read < detail::IrNetwork::kDefaultIterativeReads + 2; ++read) {
            std::vector<double> v(static_cast<size_t>(c.rows)), vt(static_cast<size_t>(c.cols));
            for (double& x : v)
                x = read == 1 ? 0.0 : volts(gen); // one read with every row at 0 V
            for (double& x : vt)
                x = c.terminals ? volts(gen) * 0.1 : 0.0;
            std::vector<double> col(c.cols), drv(c.rows), col0(c.cols), drv0(c.rows);
            double ref = 0.0, ref0 = 0.0;
            const double* t = c.terminals ? vt.data() : nullptr;
            iterative.solve(v.data(), col.data(), drv.data(), &ref, t);
            direct.solve(v.data(), col0.data(), drv0.data(), &ref0, t);
            double full = 0.0;
            for (double x : col0)
                full = std::max(full, std::fabs(x));
            double worst = 0.0;
            for (int j = 0; j < c.cols; ++j)
                worst = std::max(worst, std::fabs(col[j] - col0[j]));
            for (int i = 0; i < c.rows; ++i)
                worst = std::max(worst, std::fabs(drv[i] - drv0[i]));
            worst = std::max(worst, std::fabs(ref - ref0));
            if (full == 0.0) {
                EXPECT_EQ(worst, 0.0) << "read " << read;
            } else {
                EXPECT_LT(worst / full, 1e-10) << "read " << read;
            }
            const bool expect_iterative = read < detail::IrNetwork::kDefaultIterativeReads;
            EXPECT_EQ(iterative.factorised(), !expect_iterative) << "read " << read;
        }
        EXPECT_EQ(iterative.iterative_reads(), detail::IrNetwork::kDefaultIterativeReads);
        EXPECT_EQ(direct.iterative_reads(), 0);
    }
}

} // namespace
} // namespace neurotlm

namespace neurotlm {
namespace {

TEST(IrDrop, ReadNoiseOnSlicedWeightsWithIdealConvertersIsTheWireFreeNoise) {
    // Sliced weights read through ideal converters: with wires the signals are combined after
    // the solve, and the read noise is then drawn on the outputs, as without wires. With
    // 1 uohm segments and the same seed, the two reads must agree (same draws, same variances).
    auto sliced = [](double r_wire_ohm) {
        CrossbarSpec s = spec(16, 32, r_wire_ohm);
        s.cell = CellSpec::from_json(
            {{"type", "rram"}, {"r_on", 10e3}, {"r_off", 100e3}, {"levels", 4}});
        s.weight_bits = 4;
        s.read_noise = true;
        s.cell.read_noise_sigma = 0.05;
        return s;
    };
    RngStream r(14, "data");
    Crossbar plain(sliced(0.0), RngStream(2, "xb"));
    Crossbar wired(sliced(1e-6), RngStream(2, "xb"));
    const int lcols = plain.logical_cols();
    ASSERT_GT(plain.spec().weight_slices(), 1);
    std::vector<float> w(static_cast<size_t>(16 * lcols)), x(16);
    for (auto& v : w)
        v = float(r.uniform() * 2 - 1);
    plain.program(w.data(), 16, lcols, 1.0f);
    wired.program(w.data(), 16, lcols, 1.0f);
    double spread = 0.0;
    for (int read = 0; read < 5; ++read) {
        for (auto& v : x)
            v = float(r.uniform() * 2 - 1);
        std::vector<float> y0(static_cast<size_t>(lcols)), y1(static_cast<size_t>(lcols)),
            clean(static_cast<size_t>(lcols));
        plain.mvm(x.data(), y0.data());
        wired.mvm(x.data(), y1.data());
        for (int j = 0; j < lcols; ++j) {
            EXPECT_NEAR(y1[j], y0[j], 1e-4 * (1.0 + std::fabs(y0[j]))) << "read " << read;
            spread = std::max(spread, std::fabs(static_cast<double>(y0[j])));
        }
    }
    EXPECT_GT(spread, 0.0);
}

} // namespace
} // namespace neurotlm

namespace neurotlm {
namespace {

TEST(IrDrop, AReadThatDoesNotConvergeFactorisesInstead) {
    // Two iterations cannot solve a 32x32 network to the tolerance: the read must fall back to
    // the factorisation, give the direct answer bit for bit, and leave the network factorised.
    const int n = 32;
    const std::vector<double> g = transfer_test_conductances(n, n, 21);
    const std::vector<double> v = transfer_test_voltages(n);
    detail::IrNetwork starved(g, n, n, 1.0), direct(g, n, n, 1.0);
    starved.set_max_iterations(2);
    direct.set_iterative_reads(0);
    std::vector<double> col(n), drv(n), col0(n), drv0(n);
    starved.solve(v.data(), col.data(), drv.data());
    direct.solve(v.data(), col0.data(), drv0.data());
    EXPECT_EQ(starved.iterative_reads(), 0);
    EXPECT_TRUE(starved.factorised());
    EXPECT_EQ(col, col0);
    EXPECT_EQ(drv, drv0);
    // With its iterations it would have converged (the fallback is not the normal path).
    detail::IrNetwork normal(g, n, n, 1.0);
    normal.solve(v.data(), col.data(), drv.data());
    EXPECT_EQ(normal.iterative_reads(), 1);
    EXPECT_FALSE(normal.factorised());
}

} // namespace
} // namespace neurotlm
