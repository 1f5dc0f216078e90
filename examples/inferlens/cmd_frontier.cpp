// `inferlens frontier`: the Pareto frontier per system, with values interpolated along it at
// chosen x. Parses options, calls result_table::frontiers, prints.
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <inferlens/format.hpp>
#include <inferlens/frontier.hpp>
#include <inferlens/write.hpp>

#include "chart_cli.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "economics_cli.hpp"

namespace inferlens::cli {
namespace {

struct frontier_options {
  input_options in;
  std::string x = "median_intvty", y = "tput_per_gpu";
  std::string x_sense, y_sense;
  std::string group_by;
  std::optional<std::string> at;
  std::string format = "table";
  std::string interpolation = "steffen";
  chart_cli_options chart;  // --format svg / vega
};

std::optional<sense> sense_option(const std::string& s, std::string_view option) {
  if (s.empty()) return std::nullopt;
  if (s == "max" || s == "maximize") return sense::maximize;
  if (s == "min" || s == "minimize") return sense::minimize;
  option_error(option, s, "expected max or min");
}

// "tp4", "tp8 ep8 dpa", "1P tp4 + 2D tp8"
std::string parallelism(const benchmark_point& p) {
  auto side = [](const worker_pool& w, const char* role) {
    std::string s = fmt::format("{}{}", w.num_workers.value_or(1), role);
    if (w.tp) s += fmt::format(" tp{}", *w.tp);
    if (w.ep && *w.ep > 1) s += fmt::format(" ep{}", *w.ep);
    if (w.dp_attention.value_or(false)) s += " dpa";
    return s;
  };
  if (uses_worker_pools(p)) return side(p.prefill, "P") + " + " + side(p.decode, "D");
  std::string s = p.tp ? fmt::format("tp{}", *p.tp) : "";
  if (p.pp && *p.pp > 1) s += fmt::format(" pp{}", *p.pp);
  if (p.ep && *p.ep > 1) s += fmt::format(" ep{}", *p.ep);
  if (p.dp_attention.value_or(false)) s += " dpa";
  return s.empty() ? "-" : s;
}

// What a user can do about a skip reason.
std::string hint(const std::string& reason) {
  if (reason.starts_with("no GPU count")) return ": give --gpus N, or --set tp=N";
  if (reason.starts_with("no median_tpot") || reason.find("(interactivity is 1 / TPOT)") != std::string::npos)
    return ": this format has no TPOT; see docs/formats.md";
  if (reason.find("preset") != std::string::npos) return ": " + remedy("accelerator");
  return "";
}

void print_summary(const result_table& t, const frontier_set& set) {
  std::size_t files = 0;
  for (const auto& f : t.files()) files += f.error.empty() ? 1 : 0;
  std::size_t skipped = 0;
  for (const auto& s : set.skipped()) skipped += s.rows;
  fmt::print("{} rows from {} files; {} systems; {} rows on frontiers; {} rows on none\n", set.rows(), files, set.size(),
             set.rows_on_frontiers(), skipped);
  for (const auto& s : set.skipped())
    fmt::print("  {} rows: {}{}{}\n", s.rows, s.reason, hint(s.reason),
               s.sources.empty() ? "" : fmt::format(" (e.g. {})", s.sources.front()));
}

std::string images_note(const system_frontier& s) {
  const std::vector<std::string> images = s.rows().distinct(cols::image);
  if (images.size() < 2) return {};
  return fmt::format("  pools {} engine images ({}); --latest keeps the latest run of each configuration, --group-by ...,image splits them\n",
                     images.size(), fmt::join(images, ", "));
}

void print_table(const frontier_set& set, const std::vector<double>& at, bool economics) {
  const column_id x = set.spec().x, y = set.spec().y;
  fmt::print("x = {}, y = {}", header(x), header(y));
  if (!at.empty()) fmt::print("; systems ranked by y at {}", quantity(x, at.front(), 4));
  fmt::print("\n");
  std::size_t rank = 0;
  std::vector<const system_frontier*> order;
  if (!at.empty()) order = set.ranked_at(at.front());
  else
    for (const auto& s : set) order.push_back(&s);
  for (const system_frontier* s : order) {
    fmt::print("\n{}. {}  ({} points, {} on the frontier", ++rank, s->name(), s->rows().size(), s->points().size());
    if (const auto r = s->x_range()) fmt::print("; x {} to {}", quantity(x, r->first, 3), quantity(x, r->second, 3));
    fmt::print(")\n");
    fmt::print("{}", images_note(*s));
    if (s->empty()) {
      for (const auto& k : s->skipped()) fmt::print("  {} rows: {}{}\n", k.rows, k.reason, hint(k.reason));
      continue;
    }
    const std::string hx = header(x), hy = header(y);
    const std::size_t wx = std::max<std::size_t>(hx.size(), 10), wy = std::max<std::size_t>(hy.size(), 10);
    fmt::print("  {:>{}} {:>{}} {:>11} {:>5}  {}\n", hx, wx, hy, wy, "concurrency", "gpus", "parallelism");
    const auto xs = s->curve().xs(), ys = s->curve().ys();
    for (std::size_t i = 0; i < s->points().size(); ++i) {
      const benchmark_point& p = s->points()[i];
      fmt::print("  {:>{}} {:>{}} {:>11} {:>5}  {}\n", number_text(xs[i]), wx, number_text(ys[i]), wy,
                 p.concurrency ? std::to_string(*p.concurrency) : "-", p.num_gpus ? std::to_string(*p.num_gpus) : "-",
                 parallelism(p));
    }
    for (double v : at) {
      const auto op = s->at(v);
      if (!op) {
        fmt::print("  at {}: outside the frontier's range\n", quantity(x, v, 4));
        continue;
      }
      fmt::print("  at {}: {}", quantity(x, v, 4), quantity(y, op->y, 4));
      if (y != cols::tput_per_gpu && !std::isnan(op->tput_per_gpu)) fmt::print(", {} total", quantity(cols::tput_per_gpu, op->tput_per_gpu));
      if (economics) {
        if (op->priced())
          fmt::print("; {}, {}, {} ({} at {})", quantity(cols::usd_per_mtok, op->usd_per_mtok, 4),
                     quantity(cols::tok_per_s_per_mw, op->tok_per_s_per_mw), quantity(cols::j_per_token, op->j_per_token),
                     quantity(op->price->usd_per_gpu_hour, "$/GPU-h", 4), quantity(op->price->kw_per_gpu, "kW/GPU", 3));
        else
          fmt::print("; not priced: {}{}", op->unpriced_reason, hint(op->unpriced_reason));
      }
      fmt::print("\n");
    }
  }
}

void print_csv(const frontier_set& set, const std::vector<double>& at) {
  const column_id x = set.spec().x, y = set.spec().y;
  std::vector<std::string> head{"kind", "system"};
  for (column_id c : set.spec().group_by) head.emplace_back(name_of(c));
  for (std::string h : {std::string(name_of(x)), std::string(name_of(y)), std::string("concurrency"), std::string("num_gpus"),
                        std::string("parallelism"), std::string("usd_per_mtok"), std::string("tok_per_s_per_mw"), std::string("source"),
                        std::string("source_row")})
    head.push_back(std::move(h));
  fmt::print("{}\n", fmt::join(head, ","));
  const auto num = [](double v) { return std::isnan(v) ? std::string() : fmt::format("{}", v); };
  for (const system_frontier& s : set) {
    std::string key = csv_field(s.name());
    for (const cell& c : s.key().values()) {
      key += ',';
      key += csv_field(to_string(c));
    }
    for (std::size_t i = 0; i < s.points().size(); ++i) {
      const benchmark_point& p = s.points()[i];
      fmt::print("frontier,{},{},{},{},{},{},,,{},{}\n", key, num(s.curve().xs()[i]), num(s.curve().ys()[i]),
                 p.concurrency ? std::to_string(*p.concurrency) : "", p.num_gpus ? std::to_string(*p.num_gpus) : "",
                 csv_field(parallelism(p)), csv_field(p.source), p.source_row ? std::to_string(*p.source_row) : "");
    }
    for (double v : at)
      if (const auto op = s.at(v))
        fmt::print("at,{},{},{},,,,{},{},,\n", key, num(v), num(op->y), num(op->usd_per_mtok), num(op->tok_per_s_per_mw));
  }
}

void run_frontier(const frontier_options& o, const economics_cli_options& econ, bool economics_asked) {
  frontier_spec spec;
  spec.x = column_option(o.x, "--x", true);
  spec.y = column_option(o.y, "--y", true);
  spec.x_sense = sense_option(o.x_sense, "--x-sense");
  spec.y_sense = sense_option(o.y_sense, "--y-sense");
  if (!o.group_by.empty()) {
    spec.group_by.clear();
    if (o.group_by != "none")
      for (const auto& name : split_list(o.group_by, "--group-by")) spec.group_by.push_back(column_option(name, "--group-by"));
  }
  if (o.interpolation != "steffen" && o.interpolation != "linear") option_error("--interpolation", o.interpolation, "expected steffen or linear");
  spec.kind = o.interpolation == "linear" ? interpolation::linear : interpolation::steffen;
  const bool economic = info(spec.x).economic() || info(spec.y).economic();
  if (economic || economics_asked) spec.price = pricing_from(econ);
  const std::vector<double> at =
      o.at ? number_list(*o.at, "--at", /*positive=*/true) : std::vector<double>{};

  const result_table table = load_inputs(o.in);
  const frontier_set set = table.frontiers(spec);
  if (o.format == "svg" || o.format == "vega") return write_chart(set, at, o.format, o.chart);
  if (!o.chart.out.empty()) option_error("--out", o.chart.out, "--out is for --format svg or vega; the other formats print to stdout");
  if (o.format == "json") {
    std::cout << to_json_text(set, at, table.files());
    return;
  }
  if (o.format == "csv") return print_csv(set, at);
  print_summary(table, set);
  print_table(set, at, economic || economics_asked);
}

}  // namespace

void add_frontier_command(CLI::App& app) {
  auto o = std::make_shared<frontier_options>();
  auto econ = std::make_shared<economics_cli_options>();
  CLI::App* cmd = app.add_subcommand(
      "frontier",
      "Pareto frontier of throughput per GPU against interactivity (or any two columns), one per system,\n"
      "with values interpolated along the frontier at chosen x (Steffen monotone cubic, as the\n"
      "InferenceMAX dashboard; no extrapolation). A system is model, ISL/OSL, precision, accelerator,\n"
      "framework and speculative decoding, every parallelism and concurrency pooled.");
  o->in.add_to(cmd);
  cmd->add_option("--x", o->x, "x column (median_intvty, median_e2el, p99_ttft, ...; docs/api.md lists the columns)")
      ->capture_default_str();
  cmd->add_option("--y", o->y,
                  "y column (tput_per_gpu, output_tput_per_gpu, input_tput_per_gpu, ...) or an economic figure:\n"
                  "usd_per_mtok, tokens_per_usd, tok_per_s_per_mw, j_per_token, measured_j_per_token and their\n"
                  "_input/_output variants, priced with --cost and --power (docs/economics.md)")
      ->capture_default_str();
  cmd->add_option("--x-sense", o->x_sense, "max or min; default: min for latencies, cost and energy, max otherwise");
  cmd->add_option("--y-sense", o->y_sense, "max or min; default as for --x-sense");
  cmd->add_option("--group-by", o->group_by,
                  "comma-separated columns, one frontier per distinct value; 'none' pools all (default: the system\n"
                  "columns model,isl,osl,precision,accelerator,framework,spec_decoding)")
      ->check(CLI::Validator([](std::string& v) { return v.empty() ? std::string("empty: give columns, or 'none'") : std::string(); },
                             "COLUMNS"));
  cmd->add_option("--at", o->at, "comma-separated x values at which to read each frontier, e.g. 50,100,200");
  cmd->add_option("--interpolation", o->interpolation, "steffen (monotone cubic, d3.curveMonotoneX) or linear")->capture_default_str();
  cmd->add_option("--format", o->format, "table, json, csv, svg (one chart of every system's frontier) or vega (the same as a Vega-Lite spec)")
      ->check(CLI::IsMember({"table", "json", "csv", "svg", "vega"}))
      ->capture_default_str();
  cmd->add_option("--out", o->chart.out, "with --format svg or vega: the file to write (default: stdout)");
  cmd->add_flag("--log-x", o->chart.log_x, "with --format svg or vega: logarithmic x axis");
  cmd->add_flag("--log-y", o->chart.log_y, "with --format svg or vega: logarithmic y axis");
  add_economics_options(cmd, econ);
  cmd->callback([o, econ, cmd] { run_frontier(*o, *econ, economics_options_given(*cmd)); });
}

}  // namespace inferlens::cli
