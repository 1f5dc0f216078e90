// `inferlens tco`: the $/GPU-hour and kW/GPU an accelerator is priced at, with the breakdown of
// the model behind each (every component, its value and its source), and optionally what they
// make of a throughput: $/Mtok, tokens/s per MW, J/token, side by side for several systems.
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <inferlens/economics.hpp>
#include <inferlens/error.hpp>
#include <inferlens/format.hpp>
#include <inferlens/json.hpp>
#include <inferlens/pricing.hpp>
#include <inferlens/tco.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "economics_cli.hpp"

namespace inferlens::cli {
namespace {

struct tco_options {
  std::shared_ptr<economics_cli_options> econ = std::make_shared<economics_cli_options>();
  std::string accelerators;
  std::string throughputs;
  std::string format = "table";
  bool list = false;
};

struct system_result {
  std::string accelerator;
  resolved_pricing price;
  std::optional<throughput_economics> at;
};

constexpr double none = std::numeric_limits<double>::quiet_NaN();
std::string g6(double v) { return fmt::format("{:.6g}", v); }

// A number for a table cell whose header carries the unit: 4 significant digits, k/M/G above 10^4.
std::string cell(double v) { return quantity(v, "", 4); }
std::string cell(const std::optional<double>& v) { return v ? cell(*v) : std::string("-"); }

void print_assumptions(const std::vector<assumption>& as) {
  if (as.empty()) return;
  fmt::print("  assumptions:\n");
  for (const auto& a : as) fmt::print("    {:<31} {:>12} {:<12} {}\n", a.key, g6(a.value), a.unit, a.source);
}

void print_system(const system_result& s) {
  const auto& c = s.price.cost;
  fmt::print("{} — cost: {}{}\n", s.accelerator, c.model, c.vintage.empty() ? "" : ", vintage " + c.vintage);
  fmt::print("  {:<34} {:>10}  {}\n", "component", "$/GPU-h", "how");
  for (const auto& l : c.lines) fmt::print("  {:<34} {:>10.4f}  {}\n", l.item, l.value, l.formula);
  fmt::print("  {:<34} {:>10.4f}\n", "total", c.usd_per_gpu_hour);
  if (c.model.starts_with("tier") || c.model == "given") fmt::print("  source: {}\n", c.source);
  if (c.model == "owned" || c.model == "rented") print_assumptions(c.assumptions);

  const auto& p = s.price.power;
  fmt::print("{} — power: {}{}\n", s.accelerator, p.model, p.vintage.empty() ? "" : ", vintage " + p.vintage);
  fmt::print("  {:<34} {:>10}  {}\n", "component", "kW/GPU", "how");
  for (const auto& l : p.lines) fmt::print("  {:<34} {:>10.4f}  {}\n", l.item, l.value, l.formula);
  if (p.it_kw_per_gpu) fmt::print("  {:<34} {:>10.4f}\n", "IT (critical) power", *p.it_kw_per_gpu);
  if (p.utility_kw_per_gpu) fmt::print("  {:<34} {:>10.4f}\n", "utility (all-in) power", *p.utility_kw_per_gpu);
  fmt::print("  {:<34} {:>10.4f}  per {} kW\n", "used", p.kw_per_gpu, to_string(p.basis));
  if (p.model != "components") fmt::print("  source: {}\n", p.source);
  print_assumptions(p.model == "components" || p.assumptions.size() > 1 ? p.assumptions : std::vector<assumption>{});

  if (s.at) {
    const auto& e = *s.at;
    fmt::print("  at {}: {}, {} per {} MW, {}, {}\n", quantity(cols::tput_per_gpu, e.tput_per_gpu, 4),
               quantity(e.usd_per_mtok.value_or(none), "$/Mtok", 4),
               quantity(e.tok_per_s_per_mw.value_or(none), "tok/s", 3), to_string(p.basis),
               quantity(e.j_per_token.value_or(none), "J/tok", 3), quantity(e.tokens_per_usd.value_or(none), "tok/$", 3));
  }
  fmt::print("\n");
}

// Why one system wins: cost per token = price / throughput, so its ratio is the price ratio over
// the throughput ratio.
void print_comparison(const std::vector<system_result>& systems) {
  const std::string_view basis = to_string(systems.front().price.basis);
  fmt::print("{:<12} {:>9} {:>8} {:>11} {:>10} {:>14} {:>9}\n", "accelerator", "[$/GPU-h]", "[kW/GPU]", "[tok/s/GPU]", "[$/Mtok]",
             fmt::format("[tok/s/MW {}]", basis), "[J/tok]");
  for (const auto& s : systems)
    fmt::print("{:<12} {:>9} {:>8} {:>11} {:>10} {:>14} {:>9}\n", s.accelerator, cell(s.price.usd_per_gpu_hour), cell(s.price.kw_per_gpu),
               cell(s.at->tput_per_gpu), cell(s.at->usd_per_mtok), cell(s.at->tok_per_s_per_mw), cell(s.at->j_per_token));
  const auto& a = systems.front();
  for (std::size_t i = 1; i < systems.size(); ++i) {
    const auto& b = systems[i];
    if (!a.at->usd_per_mtok || !b.at->usd_per_mtok || !a.at->tok_per_s_per_mw || !b.at->tok_per_s_per_mw) continue;
    const double price = b.price.usd_per_gpu_hour / a.price.usd_per_gpu_hour, tput = b.at->tput_per_gpu / a.at->tput_per_gpu;
    const double cost = *b.at->usd_per_mtok / *a.at->usd_per_mtok;
    fmt::print("{} vs {}: {:.3g}x the hourly cost and {:.3g}x the throughput -> {:.3g}x the cost per token ({} is cheaper per "
               "token); {:.3g}x the tokens per MW\n",
               b.accelerator, a.accelerator, price, tput, cost, cost < 1 ? b.accelerator : a.accelerator,
               *b.at->tok_per_s_per_mw / *a.at->tok_per_s_per_mw);
  }
}

void print_list(const preset_db& db) {
  fmt::print("presets from {}\n", fmt::join(db.files, ", "));
  for (const auto& v : db.vintages)
    fmt::print("vintage {}{}: {}{}\n", v.name, v.name == db.default_vintage ? " (default)" : "", v.title,
               v.used.empty() ? "" : " — " + v.used);
  fmt::print("\n{:<8} {:<8} {:>13} {:>13} {:>13} {:>12} {:>7} {:>8} {:>10}\n", "accel", "vintage", "[$/GPU-h] hs", "neocloud", "rental",
             "[kW/GPU]", "[TDP W]", "[HBM GB]", "[HBM TB/s]");
  auto value = [](const sourced_value* v) { return v ? g6(v->value) : std::string("-"); };
  for (const auto& [key, a] : db.accelerators)
    for (const auto& v : db.vintages) {
      const sourced_value* p = a.power(v.name);
      if (!p && !a.cost(v.name, "hyperscaler") && !a.cost(v.name, "rental")) continue;
      fmt::print("{:<8} {:<8} {:>13} {:>13} {:>13} {:>12} {:>7} {:>8} {:>10}\n", key, v.name, value(a.cost(v.name, "hyperscaler")),
                 value(a.cost(v.name, "neocloud")), value(a.cost(v.name, "rental")),
                 p ? fmt::format("{} {}", g6(p->value), to_string(p->basis.value_or(power_basis::utility))) : "-",
                 value(a.value("tdp_w")), value(a.value("hbm_gb")), value(a.value("hbm_tb_per_s")));
    }
  fmt::print("\nevery value's source: `inferlens tco --accelerator NAME`, or data/accelerators.json\n");
}

void run_tco(const tco_options& o) {
  const pricing price = pricing_from(*o.econ);
  if (o.list) return print_list(price.presets());
  std::vector<std::string> accelerators;
  if (!o.accelerators.empty()) accelerators = split_list(o.accelerators, "--accelerator");
  if (accelerators.empty()) {
    if (price.uses_presets())
      option_error("--accelerator", "", "give the accelerator (e.g. --accelerator b200; `inferlens tco --list` shows the presets)");
    accelerators.push_back("");
  }
  const std::vector<double> tputs = o.throughputs.empty() ? std::vector<double>{} : number_list(o.throughputs, "--tput-per-gpu", true);
  if (!tputs.empty() && tputs.size() != 1 && tputs.size() != accelerators.size())
    option_error("--tput-per-gpu", o.throughputs, fmt::format("give one throughput, or one per accelerator ({})", accelerators.size()));

  std::vector<system_result> systems;
  for (std::size_t i = 0; i < accelerators.size(); ++i) {
    system_result s{accelerators[i], resolve_or_fail(price, accelerators[i]), std::nullopt};
    if (!tputs.empty()) s.at = economics_of_throughput(tputs.size() == 1 ? tputs.front() : tputs[i], s.price);
    systems.push_back(std::move(s));
  }

  if (o.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : systems) {
      nlohmann::json j = s.price;
      j["accelerator"] = s.accelerator;
      if (s.at) j["at"] = *s.at;
      out.push_back(std::move(j));
    }
    std::cout << nlohmann::json{{"pricing", price.describe()}, {"systems", out}}.dump(2) << '\n';
    return;
  }
  for (const auto& s : systems) print_system(s);
  if (systems.size() > 1 && !tputs.empty()) print_comparison(systems);
}

}  // namespace

void add_tco_command(CLI::App& app) {
  auto o = std::make_shared<tco_options>();
  CLI::App* cmd = app.add_subcommand(
      "tco",
      "What one GPU-hour costs and how many kW a GPU is provisioned at, with the model behind each number:\n"
      "an InferenceX tier of a published vintage, an owner's model (capex over the economic life at a cost of\n"
      "capital, power x PUE x $/kWh x load factor, colocation, maintenance), a renter's model (contract rate,\n"
      "term, upfront share, discount rate), or values you give. With --tput-per-gpu, what they make of a\n"
      "throughput: $ per million tokens, tokens/s per MW, J per token, for several accelerators side by side.\n"
      "Formulas, defaults and sources: docs/economics.md.");
  cmd->add_option("--accelerator,-a", o->accelerators,
                  "accelerator(s), comma-separated: h100, h200, b200, b300, gb200, gb300, mi300x, mi325x, mi355x, tpu7x,\n"
                  "vr200, or a raw label such as b200-trt (see --list)");
  cmd->add_option("--tput-per-gpu", o->throughputs,
                  "throughput(s) in tok/s/GPU (one, or one per accelerator) to price: prints $/Mtok, tok/s/MW, J/token\n"
                  "and why one system is cheaper per token than another");
  add_economics_options(cmd, o->econ);
  cmd->get_option("--cost")->description(
      "cost model: hyperscaler | neocloud | rental (InferenceX tiers 'Owning - Hyperscaler', 'Owning - Neocloud\n"
      "Giant', '3 Year Rental' of the vintage), owned (owner's model: capex x CRF(cost of capital, life) / 8760 h\n"
      "+ power + colocation + maintenance), rented (renter's model on a contract rate), or a number (USD/GPU-h)");
  cmd->add_option_function<std::string>(
      "--tier", [o](const std::string& t) { o->econ->cost = t; }, "same as --cost");
  add_model_parameter_options(cmd, o->econ, "owned rented components");
  cmd->add_option("--format", o->format, "table or json")->check(CLI::IsMember({"table", "json"}))->capture_default_str();
  cmd->add_flag("--list", o->list, "list the presets: vintages, tiers, power, TDP and HBM per accelerator");
  cmd->callback([o] { run_tco(*o); });
}

}  // namespace inferlens::cli
