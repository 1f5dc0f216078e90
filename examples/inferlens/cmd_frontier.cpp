// `inferlens frontier`: the Pareto frontier per system, with interpolated values at chosen x.
#include <algorithm>
#include <cmath>
#include <limits>
#include <cstdio>
#include <functional>
#include <iostream>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <inferlens/curves.hpp>
#include <inferlens/economics.hpp>
#include <inferlens/io.hpp>
#include <inferlens/pareto.hpp>
#include <inferlens/table.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "economics_cli.hpp"

namespace inferlens::cli {
namespace {

struct frontier_options {
  std::vector<std::string> inputs;
  std::string x = "median_intvty", y = "tput_per_gpu";
  std::string x_sense, y_sense;  // empty: from the column (latencies minimised, the rest maximised)
  std::string group_by = fmt::format("{}", fmt::join(default_group_columns, ","));
  std::string at;
  std::vector<std::string> filters;
  std::string format = "table";
  std::string interpolation = "steffen";
  bool latest = false, lenient = false;
};

sense parse_sense(const std::string& s, const column& c) {
  if (s.empty()) return c.unit == "s" ? sense::minimize : sense::maximize;
  if (s == "max" || s == "maximize") return sense::maximize;
  if (s == "min" || s == "minimize") return sense::minimize;
  throw input_error({"--x-sense/--y-sense", std::nullopt, std::nullopt, s}, "expected max or min");
}

const column& numeric_column(const std::string& name, const char* option) {
  const column* c = find_column(name);
  if (!c) throw input_error({option, std::nullopt, std::nullopt, name}, "unknown column (see docs/metrics.md)");
  if (c->type == column_type::text) throw input_error({option, std::nullopt, std::nullopt, name}, "not a numeric column");
  return *c;
}

// "tp4", "tp8 ep8 dpa", "1P tp4 + 2D tp8"
std::string parallelism_label(const benchmark_point& p) {
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

nlohmann::json cell_json(const cell& c) {
  struct visitor {
    nlohmann::json operator()(std::monostate) const { return nullptr; }
    nlohmann::json operator()(const std::string& s) const { return s; }
    nlohmann::json operator()(std::int64_t i) const { return i; }
    nlohmann::json operator()(double d) const { return std::isfinite(d) ? nlohmann::json(d) : nlohmann::json(to_string(d)); }
    nlohmann::json operator()(bool b) const { return b; }
  };
  return std::visit(visitor{}, c);
}

std::string number(double v) { return fmt::format("{:.6g}", v); }

// A plotted quantity: a registry column, or an economic figure computed with the group's constants.
struct axis {
  std::string name;
  std::function<std::optional<double>(const benchmark_point&)> value;
};

struct at_value {
  double x;
  std::optional<double> y;
  std::optional<throughput_economics> economics;  // from the interpolated total throughput
};

struct group_result {
  group_frontier f;
  std::vector<at_value> at;
  std::optional<economics_inputs> economics;  // constants of the group's accelerator, when known
};

void print_table(const std::vector<group_result>& groups, const result_table& t, const axis& x, const axis& y,
                 const std::vector<const column*>& by) {
  if (!by.empty()) {
    std::string header;
    for (const column* c : by) header += (header.empty() ? "" : " | ") + std::string(c->name);
    fmt::print("groups by: {}\n", header);
  }
  for (const auto& g : groups) {
    fmt::print("\n{}  ({} points, {} on the frontier)\n", group_label(g.f.key), g.f.rows.size(), g.f.frontier.size());
    if (g.f.frontier.empty()) {
      fmt::print("  no point has both {} and {}\n", x.name, y.name);
      continue;
    }
    fmt::print("  {:>14} {:>14} {:>6} {:>5}  {}\n", x.name, y.name, "conc", "gpus", "parallelism");
    for (std::size_t r : g.f.frontier) {
      const auto& p = t[r];
      fmt::print("  {:>14} {:>14} {:>6} {:>5}  {}\n", number(*x.value(p)), number(*y.value(p)),
                 p.concurrency ? std::to_string(*p.concurrency) : "-", p.num_gpus ? std::to_string(*p.num_gpus) : "-",
                 parallelism_label(p));
    }
    if (g.economics && !g.at.empty())
      fmt::print("  economics: {} $/GPU-hour ({}), {} kW/GPU ({})\n", number(g.economics->usd_per_gpu_hour),
                 g.economics->cost_label, number(g.economics->kw_per_gpu), g.economics->power_label);
    for (const auto& a : g.at) {
      fmt::print("  at {} = {}: {} = {}", x.name, number(a.x), y.name,
                 a.y ? number(*a.y) : std::string("none (outside the frontier's range)"));
      if (a.economics && a.economics->usd_per_mtok && a.economics->tok_per_s_per_mw && a.economics->j_per_token)
        fmt::print("; {} $/Mtok, {} tok/s/MW, {} J/token", number(*a.economics->usd_per_mtok),
                   number(*a.economics->tok_per_s_per_mw), number(*a.economics->j_per_token));
      fmt::print("\n");
    }
  }
}

void print_json(const std::vector<group_result>& groups, const result_table& t, const axis& x, const axis& y,
                const std::vector<const column*>& by) {
  nlohmann::json out;
  out["x"] = x.name;
  out["y"] = y.name;
  out["groups"] = nlohmann::json::array();
  for (const auto& g : groups) {
    nlohmann::json j;
    j["key"] = nlohmann::json::object();
    for (std::size_t i = 0; i < by.size(); ++i) j["key"][std::string(by[i]->name)] = cell_json(g.f.key[i]);
    j["points"] = g.f.rows.size();
    j["frontier"] = nlohmann::json::array();
    for (std::size_t r : g.f.frontier) {
      nlohmann::json row;
      to_json(row, t[r]);
      j["frontier"].push_back({{"x", *x.value(t[r])}, {"y", *y.value(t[r])}, {"row", std::move(row)}});
    }
    if (g.economics) j["economics"] = *g.economics;
    j["at"] = nlohmann::json::array();
    auto opt = [](std::optional<double> v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
    for (const auto& a : g.at) {
      nlohmann::json e = {{"x", a.x}, {"y", opt(a.y)}};
      if (g.economics) {
        e["tput_per_gpu"] = opt(a.economics ? std::optional<double>(a.economics->tput_per_gpu) : std::nullopt);
        e["usd_per_mtok"] = opt(a.economics ? a.economics->usd_per_mtok : std::nullopt);
        e["tok_per_s_per_mw"] = opt(a.economics ? a.economics->tok_per_s_per_mw : std::nullopt);
        e["j_per_token"] = opt(a.economics ? a.economics->j_per_token : std::nullopt);
      }
      j["at"].push_back(std::move(e));
    }
    out["groups"].push_back(std::move(j));
  }
  std::cout << out.dump(2) << '\n';
}

// One CSV row per frontier point and per --at value: kind,key...,x,y,conc,num_gpus,parallelism,source
void print_csv(const std::vector<group_result>& groups, const result_table& t, const axis& x, const axis& y,
               const std::vector<const column*>& by) {
  auto quote = [](std::string s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  std::string header = "kind";
  for (const column* c : by) header += "," + std::string(c->name);
  header += fmt::format(",{},{},conc,num_gpus,parallelism,source\n", x.name, y.name);
  std::cout << header;
  for (const auto& g : groups) {
    std::string key;
    for (const auto& c : g.f.key) key += "," + quote(to_string(c));
    for (std::size_t r : g.f.frontier) {
      const auto& p = t[r];
      std::cout << "frontier" << key << ',' << to_string(*x.value(p)) << ',' << to_string(*y.value(p)) << ','
                << to_string(detail::to_cell(p.concurrency)) << ',' << to_string(detail::to_cell(p.num_gpus)) << ','
                << quote(parallelism_label(p)) << ',' << quote(p.source) << '\n';
    }
    for (const auto& a : g.at)
      std::cout << "at" << key << ',' << to_string(a.x) << ',' << (a.y ? to_string(*a.y) : "") << ",,,,\n";
  }
}

void run_frontier(const frontier_options& o, const economics_cli_options& econ) {
  const column& x_column = numeric_column(o.x, "--x");
  const axis x{std::string(x_column.name), [&x_column](const benchmark_point& p) { return numeric(p, x_column); }};
  const sense sx = parse_sense(o.x_sense, x_column);

  // --y: a registry column, or an economic figure (cost, tokens per MW, J/token) that needs the
  // accelerator's $/GPU-hour and kW/GPU.
  economics_resolver economics_of_accelerator(econ);
  const economic_column* economic_y = find_economic_column(o.y);
  const column* y_column = economic_y ? nullptr : &numeric_column(o.y, "--y");
  axis y;
  sense sy = sense::maximize;
  if (economic_y) {
    y = {std::string(economic_y->name), [&](const benchmark_point& p) {
           return economic_y->of(p, economics_of_accelerator(p.accelerator));
         }};
    sy = o.y_sense.empty() ? economic_y->better : parse_sense(o.y_sense, *find_column("tput_per_gpu"));
  } else {
    y = {std::string(y_column->name), [y_column](const benchmark_point& p) { return numeric(p, *y_column); }};
    sy = parse_sense(o.y_sense, *y_column);
  }

  const auto group_names = o.group_by == "none" ? std::vector<std::string>{} : split_list(o.group_by);
  const auto by = resolve_columns(group_names, "--group-by column");
  const auto at = parse_number_list(o.at, "--at", /*positive=*/false);
  const auto kind = o.interpolation == "linear" ? interpolation::linear : interpolation::steffen;
  if (o.interpolation != "linear" && o.interpolation != "steffen")
    throw input_error({"--interpolation", std::nullopt, std::nullopt, o.interpolation}, "expected steffen or linear");

  result_table table = apply_filters(load_inputs(o.inputs, o.lenient), o.filters);
  if (o.latest) table = table.latest_per_configuration();

  std::vector<group_result> groups;
  for (auto& f : table.frontiers(by, x.value, y.value, sx, sy)) {
    group_result g{std::move(f), {}, std::nullopt};
    // The group's constants: required when y is economic, best effort for the `at` economics.
    std::set<std::string> accelerators;
    for (std::size_t r : g.f.rows) accelerators.insert(table[r].accelerator);
    if (accelerators.size() == 1 && (economic_y || !at.empty())) {
      try {
        g.economics = economics_of_accelerator(*accelerators.begin());
      } catch (const input_error&) {
        if (economic_y) throw;  // an economic y needs the constants; the message says which
      }
    }
    // Curves on the frontier: y itself, and total throughput for the economics of each `at`.
    // An economic y comes from its interpolated throughput so the two never disagree.
    const std::vector<double> fx = table.frontier_values(g.f, x.value), fy = table.frontier_values(g.f, y.value);
    const std::vector<double> ft = table.frontier_values(g.f, &benchmark_point::tput_per_gpu);
    std::vector<double> fyt;  // the throughput an economic y is computed from
    if (economic_y && !economic_y->measured()) {
      const column& tc = *find_column(economic_y->throughput_column());
      fyt = table.frontier_values(g.f, [&tc](const benchmark_point& p) { return numeric(p, tc); });
    }
    auto make_curve = [&](const std::vector<double>& ys) {
      if (fx.empty() || std::any_of(ys.begin(), ys.end(), [](double v) { return !std::isfinite(v); })) return curve();
      return curve(fx, ys, kind);
    };
    const curve y_curve = make_curve(fy), tput_curve = make_curve(ft);
    const curve y_tput_curve = fyt.empty() ? curve() : make_curve(fyt);
    for (double v : at) {
      at_value a{v, y_curve.y_at(v), std::nullopt};
      if (economic_y && !economic_y->measured() && g.economics)
        a.y = economic_value_at(y_tput_curve, v, *economic_y, *g.economics);
      if (g.economics) a.economics = economics_at(tput_curve, v, *g.economics);
      g.at.push_back(a);
    }
    groups.push_back(std::move(g));
  }
  if (o.format == "json") print_json(groups, table, x, y, by);
  else if (o.format == "csv") print_csv(groups, table, x, y, by);
  else print_table(groups, table, x, y, by);
}

}  // namespace

void add_frontier_command(CLI::App& app) {
  auto o = std::make_shared<frontier_options>();
  auto econ = std::make_shared<economics_cli_options>();
  CLI::App* cmd = app.add_subcommand(
      "frontier",
      "Pareto frontier of throughput per GPU against interactivity (or any two columns), one per system,\n"
      "with values interpolated along the frontier at chosen x (Steffen monotone cubic, as the\n"
      "InferenceMAX dashboard; no extrapolation).");
  cmd->add_option("inputs", o->inputs,
                  "result files or directories: InferenceMAX agg_bmk.json rows, raw `vllm bench serve` JSON,\n"
                  "SGLang bench_serving JSONL, CSV with a header, inferlens JSON")
      ->required();
  cmd->add_option("--x", o->x, "x column (InferenceMAX names: median_intvty, median_e2el, p99_ttft, ...)")
      ->capture_default_str();
  cmd->add_option("--y", o->y,
                  "y column (tput_per_gpu, output_tput_per_gpu, input_tput_per_gpu, ...) or an economic figure:\n"
                  "usd_per_mtok, tokens_per_usd, tok_per_s_per_mw, j_per_token, measured_j_per_token and their\n"
                  "_input/_output variants (docs/economics.md); economic figures are computed with --cost and --power")
      ->capture_default_str();
  cmd->add_option("--x-sense", o->x_sense, "max or min; default: min for latencies (seconds), max otherwise");
  cmd->add_option("--y-sense", o->y_sense, "max or min; default as for --x-sense");
  cmd->add_option("--group-by", o->group_by, "comma-separated columns, one frontier per distinct value; 'none' pools all")
      ->capture_default_str();
  cmd->add_option("--at", o->at, "comma-separated x values at which to interpolate y along each frontier");
  cmd->add_option("--filter", o->filters, "COLUMN=VALUE: keep only matching rows (repeatable)");
  cmd->add_option("--interpolation", o->interpolation, "steffen (monotone cubic, d3.curveMonotoneX) or linear")
      ->capture_default_str();
  cmd->add_option("--format", o->format, "table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  cmd->add_flag("--latest", o->latest, "keep only the latest run of each configuration (by date, then run id)");
  cmd->add_flag("--lenient", o->lenient, "skip unreadable files (listed on stderr) instead of failing");
  add_economics_options(cmd, econ);
  cmd->callback([o, econ] { run_frontier(*o, *econ); });
}

}  // namespace inferlens::cli
