// `inferlens predict`: a calibrated frontier for a configuration that may not have been measured
// (another ISL/OSL, concurrency, tp or accelerator), with its uncertainty and the physical bound.
// Parses options, calls predict.hpp, prints.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <inferlens/format.hpp>
#include <inferlens/limits.hpp>
#include <inferlens/predict.hpp>

#include "commands.hpp"
#include "common.hpp"

namespace inferlens::cli {
namespace {

struct predict_cli_options {
  input_options in;
  std::string model, hw, precision, engine, spec = "none";
  long long isl = 0, osl = 0, ep = 1;
  bool dp_attention = false;
  std::string tp, concurrency, at = "50,100,200";
  std::string format = "table";
};

std::string fixed(double v, int digits = 0) { return std::isfinite(v) ? fmt::format("{:.{}f}", v, digits) : "-"; }

void run_predict(const predict_cli_options& o) {
  const model_identity* id = find_model(o.model);
  if (!id) option_error("--model", o.model, "unknown model (data/models.json)");
  if (!id->architecture) option_error("--model", o.model, "no architecture for this model in data/models.json");
  if (!find_spec(o.hw)) {
    try {
      (void)spec_of(o.hw, "--hw");
    } catch (const input_error& e) {
      option_error("--hw", e);
    }
  }
  if (o.isl <= 0) option_error("--isl", std::to_string(o.isl), "expected a positive input length");
  if (o.osl <= 0) option_error("--osl", std::to_string(o.osl), "expected a positive output length");
  if (o.ep <= 0) option_error("--ep", std::to_string(o.ep), "expected a positive expert-parallel size");
  if (detail::precision_bytes(o.precision) == 0) option_error("--precision", o.precision, "expected fp4, fp8, bf16, ...");
  const std::vector<double> at = number_list(o.at, "--at", true);
  const std::string target = normalize_accelerator(o.hw);

  const result_table table = load_inputs(o.in);
  std::vector<benchmark_point> rows;
  for (const benchmark_point& p : table.points())
    if (canonical_model(p.model.empty() ? p.model_raw : p.model) == id->name && p.precision == o.precision &&
        (o.engine.empty() || p.framework == o.engine) && (p.spec_decoding.empty() ? "none" : p.spec_decoding) == o.spec &&
        calibration_point(p))
      rows.push_back(p);
  if (rows.empty())
    throw input_error({"", std::nullopt, std::nullopt, "results"},
                      fmt::format("no aggregated points of {} {}{} with TPOT, TTFT and throughput to calibrate on", id->name, o.precision,
                                  o.engine.empty() ? "" : " on " + o.engine));
  std::vector<std::string> engines;
  for (const benchmark_point& p : rows)
    if (std::find(engines.begin(), engines.end(), p.framework) == engines.end()) engines.push_back(p.framework);

  nlohmann::json out = nlohmann::json::array();
  for (const std::string& engine : engines) {
    std::vector<benchmark_point> same, other;
    for (const benchmark_point& p : rows)
      if (p.framework == engine) (p.accelerator == target ? same : other).push_back(p);
    const bool cross = same.empty();
    const std::vector<benchmark_point>& use = cross ? other : same;
    calibration cal;
    try {
      cal = calibrate(std::span<const benchmark_point>(use));
    } catch (const input_error& e) {
      fmt::print(stderr, "inferlens: {} not predicted: {}\n", engine, e.message());
      continue;
    }
    std::vector<std::int64_t> tps;
    if (!o.tp.empty()) {
      for (double v : number_list(o.tp, "--tp", true)) tps.push_back(static_cast<std::int64_t>(v));
    } else {
      for (const benchmark_point& p : use)
        if (std::find(tps.begin(), tps.end(), *p.tp) == tps.end()) tps.push_back(*p.tp);
      std::sort(tps.begin(), tps.end());
    }
    std::vector<double> concs;
    if (!o.concurrency.empty()) {
      concs = number_list(o.concurrency, "--concurrency", true);
    } else {
      double lo = 1e18, hi = 0;
      for (const benchmark_point& p : use) {
        lo = std::min(lo, static_cast<double>(*p.concurrency));
        hi = std::max(hi, static_cast<double>(*p.concurrency));
      }
      for (double c = lo; c <= hi * (1 + 1e-9); c *= 2) concs.push_back(c);
    }
    limit_config base;
    base.model = id->name;
    base.accelerator = target;
    base.precision = o.precision;
    base.isl = o.isl;
    base.osl = o.osl;
    base.ep = o.ep;
    base.dp_attention = o.dp_attention;
    base.tokens_per_step = tokens_per_step_of(o.spec);
    const predicted_frontier f = predict_frontier(cal, base, tps, concs);

    if (o.format == "json") {
      nlohmann::json j{{"model", id->name}, {"accelerator", target}, {"precision", o.precision}, {"engine", engine},
                       {"isl", o.isl}, {"osl", o.osl}, {"calibrated_on", cal.accelerators}, {"calibration_points", cal.points},
                       {"cross_hardware", cross}, {"length_ratio", cal.length_ratio}, {"tpot_sigma", cal.tpot_mean.sigma},
                       {"ttft_sigma", cal.ttft.sigma}};
      j["frontier"] = nlohmann::json::array();
      for (const predicted_point& p : f.points)
        j["frontier"].push_back({{"tp", p.tp}, {"concurrency", p.concurrency}, {"interactivity", p.interactivity},
                                 {"tput_per_gpu", p.tput_per_gpu}, {"low", p.low}, {"high", p.high}, {"bound", p.bound}});
      j["at"] = nlohmann::json::array();
      for (double x : at) {
        nlohmann::json a{{"interactivity", x}};
        if (auto y = f.curve.y_at(x)) a["tput_per_gpu"] = *y;
        if (auto y = f.low.y_at(x)) a["low"] = *y;
        if (auto y = f.high.y_at(x)) a["high"] = *y;
        if (auto b = f.bound.at(x)) a["bound"] = b->tput_per_gpu;
        j["at"].push_back(a);
      }
      out.push_back(j);
      continue;
    }
    if (o.format == "csv") {
      if (&engine == &engines.front()) fmt::print("engine,tp,concurrency,interactivity,tput_per_gpu,low,high,bound\n");
      for (const predicted_point& p : f.points)
        fmt::print("{},{},{},{},{},{},{},{}\n", engine, p.tp, p.concurrency, p.interactivity, p.tput_per_gpu, p.low, p.high, p.bound);
      continue;
    }
    fmt::print("{} {} · {} {}/{} {} (predicted)\n", target, engine, id->name, o.isl, o.osl, o.precision);
    fmt::print("  calibrated on {} points of {} {}{}; mean lengths {:.2f} x nominal; TPOT residual {:.1f}%, TTFT residual {:.1f}%\n",
               cal.points, engine, fmt::join(cal.accelerators, ", "), cross ? " (another accelerator)" : "", cal.length_ratio,
               100 * cal.tpot_mean.sigma, 100 * cal.ttft.sigma);
    const auto& c = cal.tpot_mean.beta;
    fmt::print("  TPOT = {:.3g} ms + {:.3g} x memory + {:.3g} x compute + {:.3g} x prefill share + {:.3g} x all-reduce + {:.3g} x all-reduce count\n",
               1e3 * c[0], c[1], c[2], c[3], c[4], c[5]);
    if (cross)
      fmt::print("  assumption: {} reaches on {} the same fractions of bandwidth, FLOP/s and scale-up bandwidth, and the same fixed\n"
                 "  step overhead, as on {} (docs/prediction.md gives the cross-hardware error)\n",
                 engine, target, fmt::join(cal.accelerators, ", "));
    if (f.empty()) {
      fmt::print("  no predicted point: the model does not fit at these tp sizes and concurrencies\n\n");
      continue;
    }
    fmt::print("  {:>14} {:>14} {:>22} {:>5} {:>11} {:>14}\n", "tok/s/user", "tok/s/gpu", "-1 sigma .. +1 sigma", "tp", "concurrency",
               "bound tok/s/gpu");
    for (const predicted_point& p : f.points)
      fmt::print("  {:>14} {:>14} {:>22} {:>5} {:>11} {:>14}\n", fixed(p.interactivity, 1), fixed(p.tput_per_gpu),
                 fixed(p.low) + " .. " + fixed(p.high), p.tp, fixed(p.concurrency), fixed(p.bound));
    for (double x : at) {
      const auto y = f.curve.y_at(x);
      const auto b = f.bound.at(x);
      if (!y) {
        fmt::print("  at {} tok/s/user: outside the predicted frontier's range{}\n", number_text(x),
                   b ? fmt::format(" (bound {} tok/s/GPU)", fixed(b->tput_per_gpu)) : std::string());
        continue;
      }
      fmt::print("  at {} tok/s/user: {} tok/s/GPU ({} .. {}){}\n", number_text(x), fixed(*y), fixed(f.low.y_at(x).value_or(NAN)),
                 fixed(f.high.y_at(x).value_or(NAN)), b ? fmt::format("; bound {} tok/s/GPU", fixed(b->tput_per_gpu)) : std::string());
    }
    fmt::print("\n");
  }
  if (o.format == "json") std::cout << out.dump(2) << '\n';
}

}  // namespace

void add_predict_command(CLI::App& app) {
  auto o = std::make_shared<predict_cli_options>();
  CLI::App* cmd = app.add_subcommand(
      "predict",
      "Predicted frontier of a configuration from a model calibrated on measured results: per engine, a few\n"
      "efficiencies (fixed step overhead, fractions of HBM bandwidth, FLOP/s and scale-up bandwidth) fitted\n"
      "by least squares to the points of the same model and precision, then applied to the requested ISL/OSL,\n"
      "tp, concurrencies and accelerator; with a one-sigma band and the physical bound (docs/prediction.md).");
  o->in.add_to(cmd);
  cmd->add_option("--model", o->model, "model, any spelling data/models.json knows (e.g. gpt-oss-120b, DeepSeek-R1)")->required();
  cmd->add_option("--hw", o->hw, "accelerator to predict for (h100, h200, b200, b300, gb200, gb300, mi300x, mi325x, mi355x)")->required();
  cmd->add_option("--precision", o->precision, "weight precision of the points to calibrate on and to predict (fp4, fp8, bf16)")->required();
  cmd->add_option("--isl", o->isl, "input sequence length")->required();
  cmd->add_option("--osl", o->osl, "output sequence length")->required();
  cmd->add_option("--tp", o->tp, "comma-separated tensor-parallel sizes (default: those measured)");
  cmd->add_option("--ep", o->ep, "expert-parallel size")->capture_default_str();
  cmd->add_flag("--dp-attention", o->dp_attention, "data-parallel attention");
  cmd->add_option("--concurrency", o->concurrency, "comma-separated concurrencies (default: powers of 2 over the measured range)");
  cmd->add_option("--engine", o->engine, "calibrate on this engine only (default: one prediction per engine)");
  cmd->add_option("--spec-decoding", o->spec, "speculative decoding of the points to use")->capture_default_str();
  cmd->add_option("--at", o->at, "comma-separated interactivities at which to read the prediction")->capture_default_str();
  cmd->add_option("--format", o->format, "table, json or csv")->check(CLI::IsMember({"table", "json", "csv"}))->capture_default_str();
  cmd->callback([o] { run_predict(*o); });
}

}  // namespace inferlens::cli
