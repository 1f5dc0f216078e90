// `inferlens`: the analyst CLI. Each subcommand lives in its own cmd_*.cpp.
#include <cstdio>
#include <exception>

#include <inferlens/error.hpp>
#include <inferlens/version.hpp>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"inferlens " INFERLENS_VERSION_STRING
               " — LLM inference benchmark analytics: Pareto frontiers of throughput per GPU against\n"
               "interactivity, cost per million tokens, tokens per MW, and a load generator for\n"
               "OpenAI-compatible servers. Run `inferlens COMMAND --help` for each command's options."};
  app.set_version_flag("--version", INFERLENS_VERSION_STRING);
  app.require_subcommand(1);
  inferlens::cli::add_frontier_command(app);
  inferlens::cli::add_sample_command(app);
  inferlens::cli::add_convert_command(app);
  inferlens::cli::add_tco_command(app);
  inferlens::cli::add_site_command(app);
  inferlens::cli::add_compare_command(app);
  inferlens::cli::add_trend_command(app);
  inferlens::cli::add_report_command(app);
  inferlens::cli::add_predict_command(app);
#ifdef INFERLENS_WITH_LOADGEN
  inferlens::cli::add_bench_command(app);
  inferlens::cli::add_serve_sim_command(app);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints the message (or the help)
    return code == 0 ? 0 : 2;      // bad input, as docs/cli.md says
  } catch (const inferlens::input_error& e) {
    std::fprintf(stderr, "inferlens: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "inferlens: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
