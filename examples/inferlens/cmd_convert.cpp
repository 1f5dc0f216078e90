// `inferlens convert`: results of any harness rewritten in another format (InferenceMAX rows,
// vLLM client JSON, CSV, inferlens JSON), so tools of one ecosystem read another's runs.
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>

#include <inferlens/write.hpp>

#include "commands.hpp"
#include "common.hpp"

namespace inferlens::cli {

void add_convert_command(CLI::App& app) {
  struct options {
    input_options in;
    std::string to = "json";
    std::string out;
  };
  auto o = std::make_shared<options>();
  CLI::App* cmd = app.add_subcommand(
      "convert",
      "Rewrite results of any harness in another format: InferenceMAX agg rows (agg), raw vLLM client JSON\n"
      "(vllm: one file per point in --out as a directory), CSV (csv) or inferlens JSON (json). What each\n"
      "format keeps: docs/formats.md.");
  o->in.add_to(cmd);
  cmd->add_option("--to", o->to, "agg, vllm, csv or json")->check(CLI::IsMember({"agg", "vllm", "csv", "json"}))->capture_default_str();
  cmd->add_option("-o,--out", o->out, "output file (a directory for --to vllm)")->required();
  cmd->callback([o] {
    const result_table t = load_inputs(o->in);
    const file_format f = *file_format_from_string(o->to);
    const auto written = save_results(t, o->out, f);
    fmt::print(stderr, "wrote {} points as {} to {}{}\n", t.size(), to_string(f), o->out,
               written.size() > 1 ? fmt::format(" ({} files)", written.size()) : "");
  });
}

}  // namespace inferlens::cli
