#include "compare_command.h"

#include <cstdio>

#include "neurotlm/core/files.h"
#include "neurotlm/report/compare.h"

namespace neurotlm::cli {

void CompareCommand::add(CLI::App& app) {
    command = app.add_subcommand(
        "compare", "put reports side by side: figures, each run's ratio to the first, charts");
    command->add_option("reports", reports, "report folders (or report.json files), two or more")
        ->required()
        ->expected(2, -1);
    command->add_option("--html", html, "also write the comparison as an HTML page to this file");
    command->add_flag("--json", as_json, "print the comparison as JSON instead of a table");
}

int CompareCommand::run() {
    if (!command || !*command) return -1;
    if (!html.empty()) check_output_file(html, "--html");
    std::vector<ComparedRun> runs;
    for (const auto& r : reports)
        runs.push_back(load_compared_run(r));
    if (as_json)
        std::printf("%s\n", dump_json(compare_json(runs), 2).c_str());
    else
        std::fputs(compare_text(runs).c_str(), stdout);
    if (!html.empty()) {
        write_file_atomic(html, compare_html(runs));
        if (!as_json) std::printf("comparison: %s\n", html.c_str());
    }
    return 0;
}

} // namespace neurotlm::cli
