// Test main for SystemC tests: SystemC warnings and errors become test failures, and the
// tests run inside sc_main so SystemC's own start-up happens as in a real simulation.

#include <gtest/gtest.h>
#include <systemc>

namespace {

void report_to_gtest(const sc_core::sc_report& report, const sc_core::sc_actions& actions) {
    const auto severity = report.get_severity();
    if (severity == sc_core::SC_WARNING || severity == sc_core::SC_ERROR ||
        severity == sc_core::SC_FATAL) {
        ADD_FAILURE() << "SystemC " << (severity == sc_core::SC_WARNING ? "warning" : "error")
                      << ": " << report.get_msg_type() << ": " << report.get_msg();
    }
    if (actions & sc_core::SC_THROW) throw report;
}

} // namespace

int sc_main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    sc_core::sc_report_handler::set_handler(report_to_gtest);
    sc_core::sc_report_handler::set_actions(sc_core::SC_ERROR, sc_core::SC_THROW);
    return RUN_ALL_TESTS();
}
