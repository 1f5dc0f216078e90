// The economics options the CLI's commands share (--cost, --power, --vintage, --power-basis,
// --presets, --overrides and the model parameters such as --capex-per-gpu), the preset lookup,
// and a per-accelerator cache of resolved constants.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <inferlens/economics.hpp>
#include <inferlens/error.hpp>
#include <inferlens/tco.hpp>

namespace inferlens::cli {

struct economics_cli_options {
  std::string cost = "hyperscaler";
  std::string power = "preset";
  std::string vintage;
  std::string basis;  // "", "it" or "utility"
  std::string presets_file;
  std::vector<std::string> overrides;
  parameter_values values;  // from the model-parameter flags
};

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
                  "published (2025-08: utility, 2026-07: IT; components: utility)")
      ->check(CLI::IsMember({"", "it", "utility"}));
  cmd->add_option("--presets", o->presets_file,
                  "preset file (default: $INFERLENS_DATA_DIR/accelerators.json, then the installed\n"
                  "share/inferlens/accelerators.json, then the source tree's data/accelerators.json)");
  cmd->add_option("--overrides", o->overrides,
                  "JSON file laid over the presets (same schema; bare numbers allowed, e.g.\n"
                  "{\"accelerators\": {\"rtx6000\": {\"cost_usd_per_gpu_hour\": {\"hyperscaler\": 0.9}, \"kw_per_gpu\": 0.8}}});\n"
                  "repeatable");
}

/// One flag per model parameter used by any of `models` ("owned rented components").
inline void add_model_parameter_options(CLI::App* cmd, const std::shared_ptr<economics_cli_options>& o,
                                        std::string_view models) {
  for (const auto& p : model_parameters()) {
    bool used = false;
    for (std::string_view m : {std::string_view("owned"), std::string_view("rented"), std::string_view("components")})
      used = used || (models.find(m) != std::string_view::npos && p.models.find(m) != std::string_view::npos);
    if (!used || cmd->get_option_no_throw(std::string(p.flag))) continue;
    const std::string key(p.key);
    cmd->add_option_function<double>(
        std::string(p.flag), [o, key](const double& v) { o->values[key] = v; },
        fmt::format("{} [{}; {}]", p.description, p.unit,
                    p.models.find(' ') == std::string_view::npos ? fmt::format("{} model", p.models)
                                                                  : "owned and components models"));
  }
}

inline economics_options to_economics_options(const economics_cli_options& o) {
  economics_options e;
  e.cost = o.cost;
  e.power = o.power;
  e.vintage = o.vintage;
  if (o.basis == "it") e.basis = power_basis::it;
  else if (o.basis == "utility") e.basis = power_basis::utility;
  e.values = o.values;
  e.values_source = "command line";
  return e;
}

/// The presets the options name (or the shipped ones), with the override files laid on top.
inline preset_db load_cli_presets(const economics_cli_options& o) {
#ifdef INFERLENS_SOURCE_DATA_DIR
  const std::string_view source_dir = INFERLENS_SOURCE_DATA_DIR;
#else
  const std::string_view source_dir;
#endif
  std::vector<std::filesystem::path> overrides(o.overrides.begin(), o.overrides.end());
  return load_default_presets(o.presets_file, source_dir, overrides);
}

/// Resolves (and caches) the constants per accelerator; loads the presets only when needed.
class economics_resolver {
 public:
  explicit economics_resolver(economics_cli_options o) : cli_(std::move(o)), options_(to_economics_options(cli_)) {}

  const economics_inputs& operator()(const std::string& accelerator) {
    auto it = cache_.find(accelerator);
    if (it != cache_.end()) return it->second;
    if (!db_ && (needs_presets(options_) || !cli_.overrides.empty() || !cli_.presets_file.empty()))
      db_ = std::make_unique<preset_db>(load_cli_presets(cli_));
    const preset_db empty;
    return cache_.emplace(accelerator, resolve_economics(db_ ? *db_ : empty, accelerator, options_)).first->second;
  }

  const preset_db* presets() const noexcept { return db_.get(); }
  const economics_options& options() const noexcept { return options_; }

 private:
  economics_cli_options cli_;
  economics_options options_;
  std::unique_ptr<preset_db> db_;
  std::map<std::string, economics_inputs> cache_;
};

/// "$1.2346" style: enough digits to read, the JSON output has them all.
inline std::string show_money(double v) { return fmt::format("${:.4g}", v); }
inline std::string show_number(double v) { return fmt::format("{:.6g}", v); }

}  // namespace inferlens::cli
