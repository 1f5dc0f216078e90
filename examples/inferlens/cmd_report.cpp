// `inferlens report`: one self-contained HTML report of result files (charts of every system's
// frontier per workload, rankings at chosen interactivities, the inventory). Parses options,
// calls inferlens::html_report, writes the file.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <inferlens/predict_report.hpp>
#include <inferlens/report.hpp>
#include <inferlens/write.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "economics_cli.hpp"

namespace inferlens::cli {
namespace {

struct report_cli_options {
  input_options in;
  std::string out = "report.html";
  std::string at = "50,100,200";
  std::string title = "inferlens report";
  std::string interpolation = "steffen";
  std::string group_by;
  bool no_economics = false;
  bool limits = false, predict = false;
};

void run_report(const report_cli_options& o, const economics_cli_options& econ, const std::vector<std::string>& args) {
  report_options ro;
  ro.title = o.title;
  ro.at = number_list(o.at, "--at", /*positive=*/true);
  if (o.interpolation != "steffen" && o.interpolation != "linear") option_error("--interpolation", o.interpolation, "expected steffen or linear");
  ro.kind = o.interpolation == "linear" ? interpolation::linear : interpolation::steffen;
  if (!o.group_by.empty()) {
    ro.group_by.clear();
    for (const auto& name : split_list(o.group_by, "--group-by")) ro.group_by.push_back(column_option(name, "--group-by"));
  }
  ro.price = o.no_economics ? std::nullopt : std::optional<pricing>(pricing_from(econ));
  ro.limits = o.limits;
  if (o.predict) ro.tput_overlay = predicted_overlay();
  std::string command = "inferlens report";
  for (const std::string& a : args) command += " " + a;
  ro.made_from.push_back(command);

  const result_table table = load_inputs(o.in);
  const std::string page = html_report(table, ro);
  write_file(o.out, page);
  const std::filesystem::path where = std::filesystem::absolute(o.out);
  fmt::print("wrote {} ({} rows, {:.1f} MB): open it in any browser; it needs no network\n", where.string(), table.size(),
             static_cast<double>(page.size()) / 1e6);
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto o = std::make_shared<report_cli_options>();
  auto econ = std::make_shared<economics_cli_options>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "One self-contained HTML report (no network, no external file): per workload (model, ISL/OSL,\n"
      "precision) charts of throughput per GPU, cost per million tokens and tokens/s per MW against\n"
      "interactivity and throughput against end-to-end latency for every system, with the frontier drawn\n"
      "as the curve `frontier --at` evaluates; rankings at chosen interactivities; an inventory of files,\n"
      "runs, engine images, prices and rows on no frontier. docs/report.md shows one.");
  o->in.add_to(cmd);
  cmd->add_option("-o,--out", o->out, "the HTML file to write")->capture_default_str();
  cmd->add_option("--at", o->at, "comma-separated interactivities (tok/s/user) to mark and rank at")->capture_default_str();
  cmd->add_option("--title", o->title, "the page's title")->capture_default_str();
  cmd->add_option("--interpolation", o->interpolation, "steffen (monotone cubic, d3.curveMonotoneX) or linear")->capture_default_str();
  cmd->add_option("--group-by", o->group_by,
                  "comma-separated columns that make a system (default: model,isl,osl,precision,accelerator,framework,\n"
                  "spec_decoding; add image to split engine versions)");
  cmd->add_flag("--no-economics", o->no_economics, "leave out the cost and tokens-per-MW charts and columns");
  cmd->add_flag("--limits", o->limits,
                "draw each system's physical bound (dashed) in the throughput charts and show every point's\n"
                "pct_of_limit in its tooltip (docs/prediction.md)");
  cmd->add_flag("--predict", o->predict,
                "draw each system's calibrated prediction (dotted) with its one-sigma band in the throughput charts");
  add_economics_options(cmd, econ);
  cmd->callback([o, econ, cmd] {
    std::vector<std::string> shown(o->in.inputs.begin(), o->in.inputs.end());  // how it was made, on the page
    if (o->at != "50,100,200") shown.push_back("--at " + o->at);
    if (economics_options_given(*cmd)) shown.push_back("--cost " + econ->cost + " --power " + econ->power);
    if (o->limits) shown.push_back("--limits");
    if (o->predict) shown.push_back("--predict");
    run_report(*o, *econ, shown);
  });
}

}  // namespace inferlens::cli
