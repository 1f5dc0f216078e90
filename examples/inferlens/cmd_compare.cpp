// `inferlens compare BASELINE... --against NEW...`: the regression gate. Parses options, calls
// inferlens::compare, prints the comparison (table or JSON), writes Markdown and JUnit XML when
// asked, and exits 1 when a system regressed (0 otherwise; 2 on bad input).
#include <cctype>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <inferlens/compare.hpp>
#include <inferlens/compare_report.hpp>
#include <inferlens/format.hpp>
#include <inferlens/write.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "economics_cli.hpp"

namespace inferlens::cli {
namespace {

/// "3%" or "0.03" -> 0.03, within [lo, hi). A bare number of 1 or more is refused: "3" means
/// neither 3 % nor 300 % unambiguously.
double fraction_option(const std::string& text, std::string_view option, double lo, double hi) {
  const std::string_view t = trim_view(text);
  const bool percent = !t.empty() && t.back() == '%';
  const std::optional<double> v = parse_number(percent ? t.substr(0, t.size() - 1) : t);
  if (!v || !std::isfinite(*v)) option_error(option, text, "expected a fraction (0.03) or a percentage (3%)");
  const double f = percent ? *v / 100 : *v;
  if (!percent && f >= 1) option_error(option, text, fmt::format("expected a fraction below 1 or a percentage: did you mean {}%?", text));
  if (!(f >= lo && f < hi)) option_error(option, text, fmt::format("expected {}% to {}%", 100 * lo, 100 * hi));
  return f;
}

/// "50:200" -> {50, 200}.
interval range_option(const std::string& text, std::string_view option) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) option_error(option, text, "expected FROM:TO, e.g. 50:200");
  const double a = number_option(trim_view(std::string_view(text).substr(0, colon)), option, false);
  const double b = number_option(trim_view(std::string_view(text).substr(colon + 1)), option, false);
  if (!(a < b)) option_error(option, text, "expected FROM < TO");
  return {a, b};
}

struct compare_cli_options {
  input_options in;
  std::vector<std::string> against;
  std::string match, x = "median_intvty", y = "tput_per_gpu";
  std::string range, at, tolerance = "3%", confidence = "95%";
  long long resamples = 2000;
  unsigned long long seed = 20240614;
  std::string format = "table", markdown, junit, html, interpolation = "steffen";
  bool strict = false, allow_missing = false;
};

std::string files_text(const side_info& s) {
  std::string t = fmt::format("{} rows from {} file{}", s.rows, s.files, s.files == 1 ? "" : "s");
  if (!s.images.empty()) t += fmt::format(" ({})", fmt::join(s.images, ", "));
  if (s.repeated) t += fmt::format("; {} of {} configurations repeated", s.repeated, s.configurations);
  return t;
}

std::string upper(std::string_view s) {
  std::string out;
  for (char c : s) out += c == ' ' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string range_of(const std::optional<interval>& r) {
  if (!r) return "-";
  return r->lo == r->hi ? number_text(r->lo) : fmt::format("{}–{}", number_text(r->lo), number_text(r->hi));
}

void print_table(const comparison& c) {
  const column_id x = c.options.x, y = c.options.y;
  fmt::print("baseline: {}\nnew:      {}\n", files_text(c.baseline), files_text(c.candidate));
  fmt::print("{} against {}; gate: {}, tolerance ±{:g}%\n", header(y), header(x), c.gate_text(), 100 * c.options.tolerance);
  fmt::print("uncertainty: {}\n", c.uncertainty);
  for (const system_comparison& s : c.systems) {
    fmt::print("\n{:<14} {}\n", upper(to_string(s.result)), s.name);
    if (s.base_range || s.next_range) {
      std::string cover = fmt::format("{} → {} {}", range_of(s.base_range), range_of(s.next_range), info(x).unit);
      std::vector<std::string> parts;
      for (const interval& l : s.lost) parts.push_back("lost " + range_of(l));
      for (const interval& g : s.gained) parts.push_back("gained " + range_of(g));
      if (!parts.empty()) cover += fmt::format(" ({})", fmt::join(parts, "; "));
      fmt::print("  {:<12} {}\n", "x range", cover);
    }
    if (s.lowest && s.highest) {
      std::string line = fmt::format("new/base {} at {}, {} at {}", number_text(s.lowest->ratio, 3), number_text(s.lowest->x),
                                     number_text(s.highest->ratio, 3), number_text(s.highest->x));
      if (!s.crossings.empty()) {
        std::vector<std::string> xs;
        for (const crossover& k : s.crossings) xs.push_back(number_text(k.x));
        line += fmt::format("; crossovers at {}", fmt::join(xs, ", "));
      }
      fmt::print("  {:<12} {}\n", "ratio", line);
    }
    for (const gate_region& r : s.regions) {
      const gate_point& w = r.worst;
      std::string where = r.from == r.to ? fmt::format("at {}", quantity(x, r.from, 4))
                                         : fmt::format("over {}–{} {}", number_text(r.from), number_text(r.to), info(x).unit);
      std::string what;
      if (w.how == reach::beyond) what = "beyond the new frontier";
      else
        what = fmt::format("{:+.1f}% at {} ({} → {}{}{})", 100 * (w.ratio - 1), number_text(w.x), number_text(w.base), number_text(w.next),
                           info(y).unit.empty() ? "" : " ", info(y).unit);
      if (w.has_interval()) {
        const bool lower_better = s.y_sense == sense::minimize;
        const double l = lower_better ? 1 / w.hi - 1 : w.lo - 1, h = lower_better ? 1 / w.lo - 1 : w.hi - 1;
        what += fmt::format(", {:g}% interval {:+.1f}% to {:+.1f}%", 100 * c.options.confidence, 100 * l, 100 * h);
      }
      if (w.how == reach::dominated) what += ", from the new frontier's nearest point";
      if (w.how == reach::near_end) what += ", from the new frontier's end point (within the tolerance)";
      fmt::print("  {:<12} {}: {}\n", to_string(r.status), where, what);
    }
    for (const gate_point& p : s.checked)
      if (p.requested)
        fmt::print("  {:<12} {} → {} ({}){}\n", fmt::format("at {}", number_text(p.x)), quantity(y, p.base, 4),
                   p.how == reach::beyond ? "-" : quantity(y, p.next, 4), p.how == reach::beyond ? "not reached" : fmt::format("{:+.1f}%", 100 * (p.ratio - 1)),
                   p.has_interval() ? fmt::format(", {:g}% interval of the gain {:.3f}–{:.3f}", 100 * c.options.confidence, p.lo, p.hi) : "");
    for (const auto& n : s.notes) fmt::print("  {:<12} {}\n", "note", n);
  }
  std::vector<std::string> counts;
  for (verdict v : {verdict::regressed, verdict::coverage_lost, verdict::inconclusive, verdict::improved, verdict::unchanged,
                    verdict::missing, verdict::added, verdict::not_gated})
    if (const std::size_t k = c.count(v)) counts.push_back(fmt::format("{} {}", k, to_string(v)));
  fmt::print("\n{} systems: {}; {}\n", c.systems.size(), fmt::join(counts, ", "), c.passed() ? "the gate passes" : "THE GATE FAILS");
}

void run_compare(const compare_cli_options& o, const economics_cli_options& econ, bool economics_asked) {
  compare_options co;
  co.x = column_option(o.x, "--x", true);
  co.y = column_option(o.y, "--y", true);
  if (!o.match.empty()) {
    co.match.clear();
    for (const auto& name : split_list(o.match, "--match")) co.match.push_back(column_option(name, "--match"));
  }
  if (!o.range.empty()) co.range = range_option(o.range, "--range");
  if (!o.at.empty()) co.at = number_list(o.at, "--at", /*positive=*/false);
  co.tolerance = fraction_option(o.tolerance, "--tolerance", 0, 1);
  co.confidence = fraction_option(o.confidence, "--confidence", 0.5, 1);
  if (o.resamples < 0 || o.resamples > 1'000'000) option_error("--resamples", std::to_string(o.resamples), "expected 0 to 1,000,000");
  co.resamples = static_cast<std::size_t>(o.resamples);
  co.seed = o.seed;
  co.fail_inconclusive = o.strict;
  co.fail_missing = !o.allow_missing;
  if (o.interpolation != "steffen" && o.interpolation != "linear") option_error("--interpolation", o.interpolation, "expected steffen or linear");
  co.kind = o.interpolation == "linear" ? interpolation::linear : interpolation::steffen;
  if (info(co.x).economic() || info(co.y).economic() || economics_asked) co.price = pricing_from(econ);

  input_options next_in = o.in;
  next_in.inputs = o.against;
  const result_table base = load_inputs(o.in);
  const result_table next = load_inputs(next_in);
  if (base.empty()) option_error("BASELINE", fmt::format("{}", fmt::join(o.in.inputs, " ")), "no rows in the baseline");
  if (next.empty()) option_error("--against", fmt::format("{}", fmt::join(o.against, " ")), "no rows in the new results");

  comparison c;
  try {
    c = compare(base, next, co);
  } catch (const input_error& e) {
    const std::string& f = e.where().field;
    if (f == "tolerance") option_error("--tolerance", e);
    if (f == "range") option_error("--range", e);
    if (f == "at") option_error("--at", e);
    if (f == "confidence") option_error("--confidence", e);
    if (f == "match") option_error("--match", e);
    throw;
  }
  if (!o.markdown.empty()) write_file(o.markdown, to_markdown(c));
  if (!o.junit.empty()) write_file(o.junit, to_junit_xml(c));
  if (!o.html.empty()) {
    compare_report_options ro;
    ro.made_from.push_back(fmt::format("inferlens compare {} --against {}", fmt::join(o.in.inputs, " "), fmt::join(o.against, " ")));
    write_file(o.html, html_compare_report(c, ro));
  }
  if (o.format == "json") std::cout << to_json_text(c);
  else print_table(c);
  std::cout.flush();
  if (!c.passed()) {
    const auto failed = c.failures();
    std::string message = "gate failed: " + failed.front()->description();
    if (failed.size() > 1) message += fmt::format(" (and {} more system{})", failed.size() - 1, failed.size() > 2 ? "s" : "");
    throw std::runtime_error(message);
  }
}

}  // namespace

void add_compare_command(CLI::App& app) {
  auto o = std::make_shared<compare_cli_options>();
  auto econ = std::make_shared<economics_cli_options>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Compare new results with a baseline and gate regressions: systems matched by identity without the\n"
      "engine image and date (or --match), per system the ratio NEW/BASELINE of the frontier's y over the\n"
      "common x range, its extremes, crossovers and coverage; a gate over --range and/or --at with a\n"
      "--tolerance. Repeated runs of a configuration give intervals (bootstrap); a drop counts only when\n"
      "its interval lies beyond the tolerance too. Exit 0: nothing regressed; 1: a system regressed or\n"
      "lost coverage; 2: bad input. docs/compare.md has the statistics and a CI recipe.");
  o->in.add_to(cmd);
  cmd->add_option("--against", o->against, "the new results: files or directories (after the baseline's)")->required()->expected(1, -1);
  cmd->add_option("--match", o->match,
                  "comma-separated columns a system is matched by (default: model,isl,osl,precision,accelerator,\n"
                  "framework,spec_decoding: everything but the engine image and date)");
  cmd->add_option("--x", o->x, "x column (interactivity by default)")->capture_default_str();
  cmd->add_option("--y", o->y, "y column: tput_per_gpu, output_tput_per_gpu, ... or an economic one (usd_per_mtok, priced with --cost)")
      ->capture_default_str();
  cmd->add_option("--range", o->range, "gate over FROM:TO of x, e.g. 50:200 (default: each baseline frontier's range)");
  cmd->add_option("--at", o->at, "gate at these x, comma-separated, e.g. 50,100,200");
  cmd->add_option("--tolerance", o->tolerance, "a change within ±this is no change: 3% or 0.03")->capture_default_str();
  cmd->add_option("--confidence", o->confidence, "of the intervals: 95% or 0.95")->capture_default_str();
  cmd->add_option("--resamples", o->resamples, "bootstrap resamples when configurations are repeated (0: none)")->capture_default_str();
  cmd->add_option("--seed", o->seed, "of the resampling (equal inputs, equal intervals)")->capture_default_str();
  cmd->add_flag("--strict", o->strict, "an inconclusive system (noise larger than the tolerance) fails the gate too");
  cmd->add_flag("--allow-missing", o->allow_missing, "a system the baseline has and the new results lack does not fail the gate");
  cmd->add_option("--interpolation", o->interpolation, "steffen (monotone cubic, d3.curveMonotoneX) or linear")->capture_default_str();
  cmd->add_option("--format", o->format, "table or json")->check(CLI::IsMember({"table", "json"}))->capture_default_str();
  cmd->add_option("--markdown", o->markdown, "also write the comparison as Markdown to FILE (a pull-request comment)");
  cmd->add_option("--junit", o->junit, "also write JUnit XML to FILE: one test case per system");
  cmd->add_option("--html", o->html,
                  "also write a self-contained HTML page to FILE: per system both frontiers with their bootstrap\n"
                  "bands, the ratio NEW/BASELINE with its interval, the gate's range and regions, the verdict");
  add_economics_options(cmd, econ);
  cmd->callback([o, econ, cmd] { run_compare(*o, *econ, economics_options_given(*cmd)); });
}

}  // namespace inferlens::cli
