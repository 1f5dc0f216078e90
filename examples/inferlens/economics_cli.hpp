// The economics options the CLI's commands share (--cost, --power, --vintage, --power-basis,
// --presets, --overrides and one flag per model parameter, such as --capex-per-gpu), parsed into
// an inferlens::pricing. The library names its parameters; the flags for them live here, and so
// does the wording that tells a user which option fixes what the library reports.
#pragma once

#include <cctype>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <inferlens/error.hpp>
#include <inferlens/pricing.hpp>
#include <inferlens/tco.hpp>

#include "common.hpp"

namespace inferlens::cli {

struct economics_cli_options {
  std::string cost = "hyperscaler";
  std::string power = "preset";
  std::string vintage;
  std::string basis;  // "", "it" or "utility"
  std::string presets_file;
  std::vector<std::string> overrides;
  std::map<std::string, double, std::less<>> values;  // model parameters by key, from their flags
};

/// The flag that sets each of the library's parameters (model_parameters()).
struct parameter_flag {
  std::string_view key, flag, placeholder;
};
inline constexpr parameter_flag parameter_flags[] = {
    {"usd_per_gpu_hour", "--cost", "USD_PER_GPU_HOUR"},
    {"kw_per_gpu", "--power", "KW_PER_GPU"},
    {"capex_usd_per_gpu", "--capex-per-gpu", "USD"},
    {"network_capex_usd_per_gpu", "--network-capex-per-gpu", "USD"},
    {"other_capex_usd_per_gpu", "--other-capex-per-gpu", "USD"},
    {"economic_life_years", "--life-years", "YEARS"},
    {"cost_of_capital", "--wacc", "RATE"},
    {"residual_fraction", "--residual", "FRACTION"},
    {"it_kw_per_gpu", "--it-kw", "KW"},
    {"pue", "--pue", "RATIO"},
    {"usd_per_kwh", "--usd-per-kwh", "USD"},
    {"load_factor", "--load-factor", "FRACTION"},
    {"colo_usd_per_kw_month", "--colo", "USD"},
    {"maintenance_fraction_per_year", "--maintenance", "FRACTION"},
    {"other_opex_usd_per_gpu_hour", "--other-opex", "USD"},
    {"availability", "--availability", "FRACTION"},
    {"contract_usd_per_gpu_hour", "--contract-rate", "USD_PER_GPU_HOUR"},
    {"term_years", "--term-years", "YEARS"},
    {"upfront_fraction", "--upfront", "FRACTION"},
    {"discount_rate", "--discount-rate", "RATE"},
    {"tdp_w", "--tdp-w", "W"},
    {"host_w_per_gpu", "--host-w", "W"},
    {"nic_w_per_gpu", "--nic-w", "W"},
    {"switch_w_per_gpu", "--switch-w", "W"},
    {"other_it_w_per_gpu", "--other-it-w", "W"},
};

inline const parameter_flag* flag_for(std::string_view key) {
  for (const auto& f : parameter_flags)
    if (f.key == key) return &f;
  return nullptr;
}

/// What a user can do, in this CLI's options, about a library message concerning `field`.
inline std::string remedy(std::string_view field) {
  if (field == "accelerator") return "give --cost USD_PER_GPU_HOUR and --power KW_PER_GPU, or add it with --overrides FILE";
  if (field == "tier") return "give --cost with another tier or a number, or another --vintage";
  if (field == "power") return "give --power KW_PER_GPU or another --vintage";
  if (field == "vintage") return "see `inferlens tco --list`";
  if (const parameter_flag* f = flag_for(field)) return fmt::format("set it with {} {}", f->flag, f->placeholder);
  return {};
}

/// The option a library message concerning `field` is about ("" when none).
inline std::string_view option_for(std::string_view field) {
  if (field == "accelerator") return "--accelerator";
  if (field == "tier") return "--cost";
  if (field == "power") return "--power";
  if (field == "vintage") return "--vintage";
  if (const parameter_flag* f = flag_for(field)) return f->flag;
  return {};
}

/// A library error said in the CLI's terms: addressed to the option, the field kept, the remedy
/// appended.
[[noreturn]] inline void rethrow_with_remedy(const input_error& e) {
  const std::string_view option = option_for(e.where().field);
  if (option.empty()) throw e;
  throw input_error({std::string(option), std::nullopt, std::nullopt, e.where().field}, fmt::format("{} ({})", e.message(), remedy(e.where().field)));
}

/// A price for one accelerator, or an input_error with the reason and the remedy.
inline resolved_pricing resolve_or_fail(const pricing& p, std::string_view accelerator) {
  pricing_result r = p.resolve(accelerator);
  if (!r) rethrow_with_remedy(input_error({"", std::nullopt, std::nullopt, r.field}, r.reason));
  return std::move(*r.value);
}

/// --cost, --power, --vintage, --power-basis, --presets, --overrides.
inline void add_economics_options(CLI::App* cmd, const std::shared_ptr<economics_cli_options>& o,
                                  std::string_view cost_default = "hyperscaler") {
  o->cost = std::string(cost_default);
  cmd->add_option("--cost", o->cost,
                  "$ per GPU-hour: an InferenceX tier of the vintage (hyperscaler = 'Owning - Hyperscaler', neocloud =\n"
                  "'Owning - Neocloud Giant', rental = '3 Year Rental'; also costh/costn/costr), a model (owned:\n"
                  "capex recovered over the economic life + power + colocation + maintenance; rented: contract rate\n"
                  "with its upfront part annualised), or a number in USD per GPU-hour")
      ->capture_default_str();
  cmd->add_option("--power", o->power,
                  "kW per GPU: preset (the accelerator's published figure of the vintage), components (TDP + host +\n"
                  "NIC + switch + other IT, x PUE), or a number in kW per GPU (all-in, as InferenceX)")
      ->capture_default_str();
  cmd->add_option("--vintage", o->vintage,
                  "preset vintage: 2026-07 (July-2026 survey and corrected power, the default) or 2025-08 (August-2025\n"
                  "survey, utility-basis power: the constants of InferenceX posts before 2026-07-14)");
  cmd->add_option("--power-basis", o->basis,
                  "report power per IT kW ('it') or per utility kW ('utility' = IT x PUE); default: as the figure is\n"
                  "published (2025-08: utility, 2026-07: IT; components and numbers: utility)")
      ->check(CLI::IsMember({"", "it", "utility"}));
  cmd->add_option("--presets", o->presets_file,
                  "a full preset file to use instead of the presets built into inferlens (data/accelerators.json)");
  cmd->add_option("--overrides", o->overrides,
                  "JSON file laid over the presets (same schema; bare numbers allowed, e.g.\n"
                  "{\"accelerators\": {\"rtx6000\": {\"cost_usd_per_gpu_hour\": {\"hyperscaler\": 0.9}, \"kw_per_gpu\": 0.8}}});\n"
                  "repeatable");
}

/// True when the command line named any economics option (the frontier prints economics then).
inline bool economics_options_given(const CLI::App& cmd) {
  for (const char* name : {"--cost", "--power", "--vintage", "--power-basis", "--presets", "--overrides"})
    if (cmd.get_option_no_throw(name) && cmd.count(name) > 0) return true;
  return false;
}

/// One flag per model parameter used by any of `models` ("owned rented components").
inline void add_model_parameter_options(CLI::App* cmd, const std::shared_ptr<economics_cli_options>& o,
                                        std::string_view models) {
  for (const parameter_flag& f : parameter_flags) {
    const parameter_spec* p = find_parameter(f.key);
    bool used = false;
    for (std::string_view m : {"owned", "rented", "components"})
      used = used || (models.find(m) != std::string_view::npos && p->models.find(m) != std::string_view::npos);
    if (!used || cmd->get_option_no_throw(std::string(f.flag))) continue;
    const std::string key(f.key);
    cmd->add_option_function<double>(
        std::string(f.flag), [o, key](const double& v) { o->values[key] = v; },
        fmt::format("{} [{}; {}]", p->description, p->unit,
                    p->models.find(' ') == std::string_view::npos ? fmt::format("{} model", p->models) : std::string("owned and power models")));
  }
}

namespace detail_cli {
template <class Model>
Model with_values(Model m, const economics_cli_options& o) {
  for (const auto& [key, v] : o.values) set_parameter(m, key, v);
  return m;
}
inline std::optional<double> value_of(const economics_cli_options& o, std::string_view key) {
  if (auto it = o.values.find(key); it != o.values.end()) return it->second;
  return std::nullopt;
}
}  // namespace detail_cli

/// The pricing the options describe, validated (an out-of-range value names its option).
inline pricing pricing_from(const economics_cli_options& o) {
  std::optional<power_basis> basis;
  if (!o.basis.empty() && !(basis = parse_power_basis(o.basis))) option_error("--power-basis", o.basis, "expected it or utility");
  const std::optional<double> pue = detail_cli::value_of(o, "pue");
  const std::string model = [&] {
    std::string s;
    for (char c : trim_view(o.cost)) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }();

  pricing::cost_model cost;
  if (const auto rate = parse_number(o.cost)) {
    cost = fixed_rate{*rate};
  } else if (const auto t = parse_tier(o.cost)) {
    cost = published_tier{*t, o.vintage};
  } else if (model == "owned" || model == "own" || model == "owner") {
    owner_model m = detail_cli::with_values(owner_model{}, o);
    m.vintage = o.vintage;
    cost = m;
  } else if (model == "rented" || model == "rent" || model == "renter") {
    renter_model m = detail_cli::with_values(renter_model{}, o);
    m.vintage = o.vintage;
    cost = m;
  } else {
    option_error("--cost", o.cost,
                 "unknown cost model: expected hyperscaler, neocloud, rental (or costh, costn, costr), owned, rented or a number in "
                 "USD per GPU-hour");
  }

  pricing::power_model power;
  if (const auto kw = parse_number(o.power)) {
    power = fixed_power{*kw, basis.value_or(power_basis::utility), pue};
  } else if (trim_view(o.power) == "preset") {
    power = preset_power{o.vintage, basis, pue};
  } else if (trim_view(o.power) == "components") {
    component_power_model m = detail_cli::with_values(component_power_model{}, o);
    m.basis = basis.value_or(power_basis::utility);
    power = m;
  } else {
    option_error("--power", o.power, "unknown power model: expected preset, components or a number in kW per GPU");
  }

  pricing p(std::move(cost), std::move(power));
  if (!o.presets_file.empty() || !o.overrides.empty()) {
    auto db = std::make_shared<preset_db>(o.presets_file.empty() ? shipped_presets() : load_presets(o.presets_file));
    for (const auto& f : o.overrides) merge_presets_file(*db, f);
    p.with_presets(std::move(db));
  }
  try {
    p.validate();
  } catch (const input_error& e) {
    rethrow_with_remedy(e);
  }
  return p;
}

}  // namespace inferlens::cli
