// `inferlens trend RESULTS... --at 100`: one system across many runs at fixed interactivity (the
// historical trend view): per system the value in each run by date and engine image, and the
// change between consecutive versions. Parses options, calls inferlens::trend, prints.
#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <inferlens/compare.hpp>
#include <inferlens/format.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "economics_cli.hpp"

namespace inferlens::cli {
namespace {

struct trend_cli_options {
  input_options in;
  std::string at, match, x = "median_intvty", y = "tput_per_gpu", format = "table", interpolation = "steffen";
};

void print_table(const trend_result& t) {
  const column_id x = t.options.x, y = t.options.y;
  fmt::print("{} at {} = {}\n", header(y), name_of(x),
             fmt::join([&] {
               std::vector<std::string> v;
               for (double a : t.options.at) v.push_back(quantity(x, a, 4));
               return v;
             }(), ", "));
  for (const system_trend& s : t.systems) {
    fmt::print("\n{}  ({} runs)\n", s.name, s.runs.size());
    std::size_t wr = 3, wi = 5;
    for (const trend_run& r : s.runs) {
      wr = std::max(wr, r.run.size());
      wi = std::max(wi, r.image.size());
    }
    fmt::print("  {:<15} {:<{}} {:<{}}", "date", "run", wr, "image", wi);
    for (double a : t.options.at) fmt::print(" {:>12}", fmt::format("at {}", number_text(a)));
    fmt::print("  x range\n");
    for (const trend_run& r : s.runs) {
      fmt::print("  {:<15} {:<{}} {:<{}}", r.date.empty() ? "-" : r.date, r.run, wr, r.image.empty() ? "-" : r.image, wi);
      for (double v : r.values) fmt::print(" {:>12}", number_text(v));
      fmt::print("  {}{}\n",
                 r.x_range ? fmt::format("{}–{}", number_text(r.x_range->lo), number_text(r.x_range->hi)) : "no frontier",
                 r.repeated ? fmt::format(" ({} configurations repeated)", r.repeated) : "");
    }
    for (const trend_step& st : s.steps) {
      std::vector<std::string> changes;
      for (std::size_t i = 0; i < st.change.size(); ++i) {
        if (std::isnan(st.change[i])) {
          changes.push_back(fmt::format("at {}: -", number_text(t.options.at[i])));
          continue;
        }
        const bool better = (t.y_sense == sense::maximize) == (st.change[i] > 0);
        changes.push_back(fmt::format("at {}: {} → {} ({:+.1f}%{})", number_text(t.options.at[i]), number_text(st.before[i]),
                                      number_text(st.after[i]), 100 * st.change[i], st.change[i] == 0 ? "" : better ? ", better" : ", worse"));
      }
      fmt::print("  {} → {}: {}\n", st.from.empty() ? "-" : st.from, st.to.empty() ? "-" : st.to, fmt::join(changes, "; "));
    }
  }
}

void run_trend(const trend_cli_options& o, const economics_cli_options& econ, bool economics_asked) {
  trend_options to;
  if (o.at.empty()) option_error("--at", "", "give the x at which to read each run, e.g. --at 100");
  to.at = number_list(o.at, "--at", /*positive=*/false);
  to.x = column_option(o.x, "--x", true);
  to.y = column_option(o.y, "--y", true);
  if (!o.match.empty()) {
    to.match.clear();
    for (const auto& name : split_list(o.match, "--match")) to.match.push_back(column_option(name, "--match"));
  }
  if (o.interpolation != "steffen" && o.interpolation != "linear") option_error("--interpolation", o.interpolation, "expected steffen or linear");
  to.kind = o.interpolation == "linear" ? interpolation::linear : interpolation::steffen;
  if (info(to.x).economic() || info(to.y).economic() || economics_asked) to.price = pricing_from(econ);
  const trend_result t = trend(load_inputs(o.in), to);
  if (o.format == "json") std::cout << to_json_text(t);
  else print_table(t);
}

}  // namespace

void add_trend_command(CLI::App& app) {
  auto o = std::make_shared<trend_cli_options>();
  auto econ = std::make_shared<economics_cli_options>();
  CLI::App* cmd = app.add_subcommand(
      "trend",
      "One system across many runs at a fixed interactivity: per system (matched without the engine image\n"
      "and date, or by --match) the frontier's y in each run, by date and engine image, and the change\n"
      "between consecutive versions. Repeats within a run are averaged.");
  o->in.add_to(cmd);
  cmd->add_option("--at", o->at, "comma-separated x values at which to read each run's frontier, e.g. 100")->required();
  cmd->add_option("--match", o->match, "comma-separated columns one system is identified by (default: the system columns)");
  cmd->add_option("--x", o->x, "x column")->capture_default_str();
  cmd->add_option("--y", o->y, "y column, economic ones priced with --cost")->capture_default_str();
  cmd->add_option("--interpolation", o->interpolation, "steffen or linear")->capture_default_str();
  cmd->add_option("--format", o->format, "table or json")->check(CLI::IsMember({"table", "json"}))->capture_default_str();
  add_economics_options(cmd, econ);
  cmd->callback([o, econ, cmd] { run_trend(*o, *econ, economics_options_given(*cmd)); });
}

}  // namespace inferlens::cli
