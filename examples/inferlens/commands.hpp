// Each subcommand of the `inferlens` CLI lives in its own cmd_*.cpp and registers itself here.
#pragma once

#include <CLI/CLI.hpp>

namespace inferlens::cli {

void add_frontier_command(CLI::App& app);
void add_sample_command(CLI::App& app);
void add_convert_command(CLI::App& app);
void add_tco_command(CLI::App& app);
void add_site_command(CLI::App& app);
void add_compare_command(CLI::App& app);
void add_trend_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_predict_command(CLI::App& app);
#ifdef INFERLENS_WITH_LOADGEN
void add_bench_command(CLI::App& app);
void add_serve_sim_command(CLI::App& app);
#endif

}  // namespace inferlens::cli
