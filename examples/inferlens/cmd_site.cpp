// `inferlens site`: a site of given MW (or GPUs, or investment) → GPUs → tokens per day at an
// operating point (given, or read off a result set's frontier at a target interactivity) →
// revenue at a price per million tokens → TCO, margin, ROI and payback, with every assumption
// and its source printed.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <inferlens/curves.hpp>
#include <inferlens/error.hpp>
#include <inferlens/format.hpp>
#include <inferlens/frontier.hpp>
#include <inferlens/json.hpp>
#include <inferlens/pricing.hpp>
#include <inferlens/site.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "economics_cli.hpp"

namespace inferlens::cli {
namespace {

struct site_options {
  std::shared_ptr<economics_cli_options> econ = std::make_shared<economics_cli_options>();
  std::optional<double> mw, gpus, investment;
  std::string accelerator;
  std::optional<double> tput, at, output_fraction;
  std::vector<std::string> results, filters;
  bool latest = false, lenient = false;
  std::optional<double> price, price_input, price_output;
  std::optional<double> utilization, horizon, opex;
  std::string format = "table";
};

// The throughput to run at, from the options or a frontier.
struct site_point {
  double tput_per_gpu = 0;
  std::optional<double> output_fraction;  // output tokens / all tokens
  std::string accelerator;
  std::string source = "given";
  nlohmann::json json;
};

// 1234567.8 -> "1,234,568"
std::string grouped(double v) {
  if (!std::isfinite(v) || std::abs(v) >= 1e18) return fmt::format("{:.4g}", v);
  std::string digits = fmt::format("{:.0f}", std::abs(v));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

std::string dollars(double v) { return (v < 0 ? "-$" : "$") + grouped(std::abs(v)); }

// The operating point on the one system of the results, at the target interactivity.
site_point from_results(const site_options& o) {
  if (!o.at) option_error("--at", "", "with --results, give the target interactivity --at TOK_S_USER");
  input_options in;
  in.inputs = o.results;
  in.filters = o.filters;
  in.latest = o.latest;
  in.lenient = o.lenient;
  const result_table table = load_inputs(in);
  const frontier_set set = table.frontiers();
  std::vector<const system_frontier*> systems;
  for (const system_frontier& s : set)
    if (!s.empty()) systems.push_back(&s);
  if (systems.empty()) option_error("--results", "", "no point with both median_intvty and tput_per_gpu after the filters");
  if (systems.size() > 1) {
    std::string list;
    for (const auto* s : systems) list += "\n  " + s->name();
    option_error("--results", "",
                 fmt::format("the results hold {} systems; pick one with --filter COLUMN=VALUE (e.g. accelerator=..., framework=...):{}",
                             systems.size(), list));
  }
  const system_frontier& s = *systems.front();
  const auto op = s.at(*o.at);
  if (!op) {
    const auto range = *s.x_range();
    option_error("--at", fmt::format("{}", *o.at),
                 fmt::format("outside the frontier's interactivity range [{}, {}] of {}", quantity(range.first, ""),
                             quantity(range.second, ""), s.name()));
  }
  if (!(op->tput_per_gpu > 0)) option_error("--at", fmt::format("{}", *o.at), "the frontier's throughput there is 0");
  site_point p;
  p.tput_per_gpu = op->tput_per_gpu;
  // the output share, linear between the bracketing frontier points (it barely moves along a frontier)
  std::vector<double> shares;
  for (const benchmark_point& q : s.points())
    if (q.output_throughput && q.total_token_throughput && *q.total_token_throughput > 0)
      shares.push_back(*q.output_throughput / *q.total_token_throughput);
  if (shares.size() == s.points().size()) {
    const auto xs = s.curve().xs();
    p.output_fraction = curve(std::vector<double>(xs.begin(), xs.end()), shares, interpolation::linear).y_at(*o.at);
  }
  p.accelerator = s.accelerator();
  p.source = fmt::format("interpolated (Steffen) at {} tok/s/user on the tput_per_gpu frontier of {} ({} of {} points)",
                         quantity(*o.at, ""), s.name(), s.points().size(), s.rows().size());
  const bool disaggregated = uses_worker_pools(s.points().front());
  if (disaggregated) p.source += "; disaggregated: total tokens over prefill + decode GPUs";
  p.json = {{"interactivity", *o.at}, {"tput_per_gpu", p.tput_per_gpu}, {"frontier_points", s.points().size()}, {"system", s.name()},
            {"disaggregated", disaggregated}};
  return p;
}

void run_site(const site_options& o) {
  site_point op;
  if (!o.results.empty()) {
    if (o.tput) option_error("--tput-per-gpu", "", "give either --tput-per-gpu or --results, not both");
    op = from_results(o);
  } else {
    if (!o.tput)
      option_error("--tput-per-gpu", "", "give the operating point: --tput-per-gpu TOK_S_GPU, or --results FILE --at TOK_S_USER");
    op.tput_per_gpu = *o.tput;
    op.json = {{"tput_per_gpu", *o.tput}};
  }
  if (o.output_fraction) op.output_fraction = o.output_fraction;
  const std::string accelerator = o.accelerator.empty() ? op.accelerator : o.accelerator;

  // price per million tokens
  double price = 0;
  std::string price_source = "given";
  if (o.price) {
    if (o.price_input || o.price_output)
      option_error("--price-per-mtok", "", "give --price-per-mtok or --price-input/--price-output, not both");
    price = *o.price;
  } else if (o.price_input || o.price_output) {
    if (!op.output_fraction)
      option_error("--output-fraction", "", "split prices need the output share of the tokens: give --output-fraction F (or --results)");
    const auto p = blended_price_usd_per_mtok(o.price_input.value_or(0), o.price_output.value_or(0), *op.output_fraction);
    if (!p) option_error("--price-input/--price-output", "", "prices must be >= 0 and the output fraction in [0, 1]");
    price = *p;
    price_source = fmt::format("blended: input ${} x {:.4g} + output ${} x {:.4g}", o.price_input.value_or(0), 1 - *op.output_fraction,
                               o.price_output.value_or(0), *op.output_fraction);
  } else {
    option_error("--price-per-mtok", "", "give the price: --price-per-mtok USD (all tokens), or --price-output USD [--price-input USD]");
  }

  const pricing pricing_used = pricing_from(*o.econ);
  const resolved_pricing in = resolve_or_fail(pricing_used, accelerator);
  const preset_db& db = pricing_used.presets();
  source_map sources;
  sources["kw_per_gpu"] = in.power_source;
  sources["usd_per_gpu_hour"] = in.cost_source;
  sources["tok_per_s_per_gpu"] = op.source;
  sources["price_usd_per_mtok"] = price_source;

  site_inputs s;
  s.site_mw = o.mw;
  s.gpus = o.gpus;
  s.investment_usd = o.investment;
  s.kw_per_gpu = in.kw_per_gpu;
  s.usd_per_gpu_hour = in.usd_per_gpu_hour;
  s.tok_per_s_per_gpu = op.tput_per_gpu;
  s.price_usd_per_mtok = price;
  auto from_defaults = [&](std::optional<double> given, std::string_view key, std::string_view default_key, double fallback) {
    if (given) return *given;
    if (const sourced_value* v = db.default_value(default_key)) {
      sources[std::string(key)] = v->described();
      return v->value;
    }
    sources[std::string(key)] = "library default";
    return fallback;
  };
  s.utilization = from_defaults(o.utilization, "utilization", "utilization", 1.0);
  s.horizon_years = from_defaults(o.horizon, "horizon_years", "economic_life_years", 4.0);

  // the investment view: capex and the running costs on top of it
  const auto capex_given = o.econ->values.find("capex_usd_per_gpu");
  const bool owned = std::holds_alternative<owner_model>(pricing_used.cost());
  std::optional<cost_breakdown> opex_model;
  if (o.investment || capex_given != o.econ->values.end() || owned) {
    if (capex_given != o.econ->values.end()) {
      s.capex_usd_per_gpu = capex_given->second;
      sources["capex_usd_per_gpu"] = "command line";
    } else if (!(o.investment && o.gpus)) {
      const accelerator_preset* a = db.find(accelerator);
      const sourced_value* v = a ? a->value("capex_usd_per_gpu") : nullptr;
      if (!v)
        option_error("--capex-per-gpu", "",
                     fmt::format("no capex preset for '{}': give --capex-per-gpu USD (or --gpus with --investment)", accelerator));
      s.capex_usd_per_gpu = v->value;
      sources["capex_usd_per_gpu"] = v->described();
    }
    if (o.opex) {
      s.opex_usd_per_gpu_hour = *o.opex;
    } else {
      // the owner's model with this capex: its power, colocation, maintenance and other lines
      economics_cli_options owner = *o.econ;
      owner.cost = "owned";
      owner.values["capex_usd_per_gpu"] = o.investment && o.gpus ? *o.investment / *o.gpus : s.capex_usd_per_gpu.value_or(0);
      opex_model = resolve_or_fail(pricing_from(owner), accelerator).cost;
      s.opex_usd_per_gpu_hour = *running_costs_usd_per_gpu_hour(*opex_model);
      sources["opex_usd_per_gpu_hour"] = "owned model without capital: power + colocation + maintenance + other (assumptions below)";
    }
  } else if (o.opex) {
    s.opex_usd_per_gpu_hour = *o.opex;
  }
  const site_result r = [&] {
    try {
      return site_economics(s, sources);
    } catch (const input_error& e) {  // named by the option the value came from
      static const std::pair<std::string_view, std::string_view> options[] = {
          {"site_mw", "--mw"}, {"gpus", "--gpus"}, {"investment_usd", "--investment"}, {"tok_per_s_per_gpu", "--tput-per-gpu"},
          {"price_usd_per_mtok", "--price-per-mtok"}, {"utilization", "--utilization"}, {"horizon_years", "--horizon-years"},
          {"opex_usd_per_gpu_hour", "--opex-per-gpu-hour"}, {"capex_usd_per_gpu", "--capex-per-gpu"},
          {"usd_per_gpu_hour", "--cost"}, {"kw_per_gpu", "--power"}};
      for (const auto& [field, option] : options)
        if (e.where().file.empty() && e.where().field == field) option_error(option, e);
      if (e.where().file.empty()) throw input_error({"site", std::nullopt, std::nullopt, e.where().field}, e.message());
      throw;
    }
  }();

  if (o.format == "json") {
    nlohmann::json j = {{"accelerator", accelerator}, {"pricing", in}, {"operating_point", op.json}, {"site", r}};
    j["operating_point"]["price_usd_per_mtok"] = price;
    if (op.output_fraction) j["operating_point"]["output_fraction"] = *op.output_fraction;
    if (opex_model) j["opex_model"] = *opex_model;
    std::cout << j.dump(2) << '\n';
    return;
  }

  fmt::print("site: {} GPUs of {} at {}/GPU ({} basis) = {} provisioned{}\n", grouped(r.gpus), accelerator.empty() ? "?" : accelerator,
             quantity(in.kw_per_gpu, "kW", 4), to_string(in.basis), quantity(r.provisioned_mw, "MW", 4),
             o.mw ? fmt::format(" (of {})", quantity(*o.mw, "MW", 4)) : std::string());
  fmt::print("operating point: {}, {:.4g}% of the hours; price {}\n", quantity(cols::tput_per_gpu, op.tput_per_gpu, 4), 100 * s.utilization,
             quantity(price, "$/Mtok", 4));
  fmt::print("\n{:<30} {:>22} {:>26}\n", "", "per day", "per year");
  fmt::print("{:<30} {:>22} {:>26}\n", "tokens", grouped(r.tokens_per_day), grouped(r.tokens_per_year));
  fmt::print("{:<30} {:>22} {:>26}\n", "revenue [USD]", dollars(r.revenue_usd_per_year / days_per_year), dollars(r.revenue_usd_per_year));
  if (r.tco_usd_per_year) {
    fmt::print("{:<30} {:>22} {:>26}\n", fmt::format("TCO at {} [USD]", quantity(in.usd_per_gpu_hour, "$/GPU-h", 4)),
               dollars(*r.tco_usd_per_year / days_per_year), dollars(*r.tco_usd_per_year));
    fmt::print("{:<30} {:>22} {:>26}\n", "profit (revenue - TCO) [USD]", dollars(*r.profit_usd_per_year / days_per_year),
               dollars(*r.profit_usd_per_year));
    if (r.margin) fmt::print("{:<30} {:>22}\n", "margin", fmt::format("{:.1f}%", 100 * *r.margin));
    fmt::print("{:<30} {:>22}\n", "TCO per delivered Mtok", quantity(*r.tco_usd_per_mtok, "$/Mtok", 4));
    fmt::print("{:<30} {:>22}\n", "breakeven price", quantity(*r.breakeven_price_usd_per_mtok, "$/Mtok", 4));
  }
  if (r.investment_usd) {
    fmt::print("\ninvestment {} ({} GPUs x {}); running costs {} = {}/year\n", dollars(*r.investment_usd), grouped(r.gpus),
               dollars(*r.capex_usd_per_gpu), quantity(s.opex_usd_per_gpu_hour, "$/GPU-h", 4), dollars(r.opex_usd_per_year));
    fmt::print("over {} years: revenue {} = {:.4g}x the investment; ROI (revenue - running costs - investment) / investment = "
               "{:.1f}%\n",
               fmt::format("{:.4g}", r.horizon_years), dollars(r.revenue_usd_over_horizon), *r.revenue_multiple, 100 * *r.roi);
    fmt::print("payback: {}; price that repays investment and running costs over the horizon: {}\n",
               r.payback_years ? fmt::format("{:.3g} years", *r.payback_years) : std::string("never (running costs exceed revenue)"),
               quantity(*r.investment_breakeven_price_usd_per_mtok, "$/Mtok", 4));
  }
  fmt::print("\nassumptions:\n");
  for (const auto& a : r.assumptions) fmt::print("  {:<30} {:>14} {:<12} {}\n", a.key, fmt::format("{:.10g}", a.value), a.unit, a.source);
  if (opex_model) {
    fmt::print("running costs (owned model, without capital):\n");
    for (const auto& l : opex_model->lines)
      if (l.item != "capital" && l.item != "unsold hours") fmt::print("  {:<30} {:>14.4f} {:<12} {}\n", l.item, l.value, "USD/GPU-h", l.formula);
    for (const auto& a : opex_model->assumptions)
      if (a.key != "economic_life_years" && a.key != "cost_of_capital" && a.key != "residual_fraction" && a.key != "capex_usd_per_gpu" &&
          a.key != "network_capex_usd_per_gpu" && a.key != "other_capex_usd_per_gpu")
        fmt::print("  {:<30} {:>14} {:<12} {}\n", a.key, fmt::format("{:.10g}", a.value), a.unit, a.source);
  }
  if (o.price_input || o.price_output) fmt::print("  (output share of tokens: {:.4g})\n", *op.output_fraction);
}

}  // namespace

void add_site_command(CLI::App& app) {
  auto o = std::make_shared<site_options>();
  CLI::App* cmd = app.add_subcommand(
      "site",
      "Site and ROI view: a site of given MW (or GPU count, or investment) -> whole GPUs at the provisioned kW\n"
      "per GPU -> tokens per day at an operating point -> revenue at a price per million tokens -> TCO, profit\n"
      "and margin (cost view), and with an investment: revenue multiple, ROI and payback over a horizon.\n"
      "Every assumption is printed with its source. Formulas: docs/economics.md.");
  cmd->add_option("--mw", o->mw, "site size in provisioned MW (same basis as the kW per GPU); GPUs = floor(MW x 1000 / kW per GPU)");
  cmd->add_option("--gpus", o->gpus, "site size as a GPU count (with --investment: the capex per GPU is investment / GPUs)");
  cmd->add_option("--investment", o->investment,
                  "investment in USD: sizes the site with --capex-per-gpu (GPUs = floor(investment / capex)), or sets the\n"
                  "capex per GPU with --gpus; turns on the investment view (revenue multiple, ROI, payback)");
  cmd->add_option("--accelerator,-a", o->accelerator, "accelerator for the presets (default: the one in --results)");
  cmd->add_option("--tput-per-gpu", o->tput, "operating point: billed tokens/s per GPU")->check(CLI::PositiveNumber);
  cmd->add_option("--results", o->results, "result files or directories to take the operating point from (with --at)");
  cmd->add_option("--at", o->at, "target interactivity in tok/s/user: the throughput is interpolated on the results' frontier");
  cmd->add_option("--filter", o->filters, "COLUMN=VALUE: keep only matching result rows (repeatable); must leave one system");
  cmd->add_flag("--latest", o->latest, "keep only the latest run of each configuration");
  cmd->add_flag("--lenient", o->lenient, "skip unreadable result files instead of failing");
  cmd->add_option("--price-per-mtok", o->price, "revenue per million tokens (all tokens counted by the throughput), USD");
  cmd->add_option("--price-input", o->price_input, "revenue per million input tokens, USD (with --price-output)");
  cmd->add_option("--price-output", o->price_output, "revenue per million output tokens, USD; prices are blended by the output share");
  cmd->add_option("--output-fraction", o->output_fraction,
                  "output tokens / all tokens, for split prices (default with --results: from the frontier points)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--utilization", o->utilization, "fraction of hours serving at the operating point (default 1, as InferenceX)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--horizon-years", o->horizon, "period for the revenue multiple and ROI (default: the economic life, 4 years)");
  cmd->add_option("--opex-per-gpu-hour", o->opex,
                  "running cost on top of the investment, USD per GPU-hour (default: the owned model's power + colocation\n"
                  "+ maintenance + other, from the presets and the flags below)");
  add_economics_options(cmd, o->econ);
  add_model_parameter_options(cmd, o->econ, "owned components");
  cmd->add_option("--format", o->format, "table or json")->check(CLI::IsMember({"table", "json"}))->capture_default_str();
  cmd->callback([o] { run_site(*o); });
}

}  // namespace inferlens::cli
