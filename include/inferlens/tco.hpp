// Where the two constants of economics.hpp come from: cost models producing $ per GPU-hour
// (given, owned, rented, or an InferenceX tier), power models producing kW per GPU (given,
// preset, or built from components × PUE), the preset database shipped as data
// (data/accelerators.json: every value with its source and vintage), user overrides, and the
// lookup of the data file. Every model returns its breakdown so a reader can see why a number
// is what it is. Formulas and defaults: docs/economics.md.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "inferlens/economics.hpp"
#include "inferlens/error.hpp"
#include "inferlens/detail/legacy_registry.hpp"
#include "inferlens/record.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

inline constexpr double hours_per_year = 8760.0;  ///< 365 × 24
inline constexpr double hours_per_month = 730.0;  ///< 8760 / 12, as InferenceX's fleet planner

/// Capital recovery factor: the constant yearly payment, per $ borrowed, that repays a loan at
/// `rate` over `years`: r(1+r)^n / ((1+r)^n − 1), and 1/n at r = 0. No answer for n ≤ 0 or
/// r ≤ −1.
inline std::optional<double> capital_recovery_factor(double rate, double years) noexcept {
  if (!std::isfinite(rate) || !std::isfinite(years) || !(years > 0) || rate <= -1) return std::nullopt;
  if (rate == 0) return 1.0 / years;
  const double growth = std::pow(1.0 + rate, years);
  return rate * growth / (growth - 1.0);
}

// ---------------------------------------------------------------------------------------------
// Breakdowns
// ---------------------------------------------------------------------------------------------

/// One component of a model's result; the lines of a breakdown sum to its total.
struct breakdown_line {
  std::string item;     ///< "capital", "power", ...
  double value = 0;     ///< in the breakdown's unit ($/GPU-h or kW/GPU)
  std::string formula;  ///< the arithmetic with the numbers put in
};

/// One input of a model: its value and where it came from.
struct assumption {
  std::string key;  ///< parameter name, e.g. "cost_of_capital"
  double value = 0;
  std::string unit;
  std::string source;  ///< "given", a preset's source and vintage, or "[derived] ..."
};

struct cost_breakdown {
  std::string model;        ///< "tier hyperscaler", "given", "owned", "rented"
  std::string accelerator;  ///< empty when not tied to one
  std::string vintage;      ///< preset vintage used, empty when none
  std::vector<breakdown_line> lines;
  std::vector<assumption> assumptions;
  double usd_per_gpu_hour = std::numeric_limits<double>::quiet_NaN();
  std::string source;  ///< where the total comes from, one line
};

struct power_breakdown {
  std::string model;  ///< "preset", "given", "components"
  std::string accelerator;
  std::string vintage;
  std::vector<breakdown_line> lines;
  std::vector<assumption> assumptions;
  std::optional<double> it_kw_per_gpu, facility_kw_per_gpu, utility_kw_per_gpu;  ///< where known
  double kw_per_gpu = std::numeric_limits<double>::quiet_NaN();                 ///< the figure used
  power_basis basis = power_basis::utility;                                     ///< what kw_per_gpu includes
  std::string source;
};

// ---------------------------------------------------------------------------------------------
// Model parameters: one registry for defaults, overrides, CLI flags and error messages
// ---------------------------------------------------------------------------------------------

struct parameter_spec {
  std::string_view key;          ///< name in presets, overrides and JSON output
  std::string_view flag;         ///< the CLI option that sets it
  std::string_view unit;
  std::string_view models;       ///< models that use it: owned, rented, components
  std::string_view description;
};

namespace detail {
inline constexpr parameter_spec model_parameter_list[] = {
    {"capex_usd_per_gpu", "--capex-per-gpu", "USD", "owned", "purchase price per GPU incl. its share of the server (CPU, memory, NICs, chassis); default: the preset where one is sourced (h100, gb200)"},
    {"network_capex_usd_per_gpu", "--network-capex-per-gpu", "USD", "owned", "per-GPU share of the scale-out network (default 0)"},
    {"other_capex_usd_per_gpu", "--other-capex-per-gpu", "USD", "owned", "per-GPU share of storage, installation and other capex (default 0)"},
    {"economic_life_years", "--life-years", "years", "owned", "economic life over which capex is recovered (default 4, SemiAnalysis)"},
    {"cost_of_capital", "--wacc", "1/year", "owned", "owner's cost of capital, used in the capital recovery factor (default 0.10)"},
    {"residual_fraction", "--residual", "fraction", "owned", "resale value at the end of the life, as a fraction of capex (default 0)"},
    {"it_kw_per_gpu", "--it-kw", "kW", "owned", "critical IT power per GPU (chip + host/NIC/switch share), before PUE (default: the power preset of the vintage; a utility-basis figure / PUE)"},
    {"pue", "--pue", "ratio", "owned components", "power usage effectiveness: facility power / IT power, >= 1 (default 1.25)"},
    {"usd_per_kwh", "--usd-per-kwh", "USD/kWh", "owned", "electricity price (default 0.08, EIA US industrial)"},
    {"load_factor", "--load-factor", "fraction", "owned", "average draw / provisioned IT power, decode never reaches TDP (default 0.75)"},
    {"colo_usd_per_kw_month", "--colo", "USD/kW-month", "owned", "colocation rent per kW of critical IT (default 184, CBRE H2-2024)"},
    {"maintenance_fraction_per_year", "--maintenance", "1/year", "owned", "maintenance and support per year, as a fraction of capex (default 0)"},
    {"other_opex_usd_per_gpu_hour", "--other-opex", "USD/GPU-h", "owned", "software, staff and other running costs (default 0)"},
    {"availability", "--availability", "fraction", "owned", "fraction of hours the GPU can be sold; the cost of the rest is spread over them (default 1)"},
    {"contract_usd_per_gpu_hour", "--contract-rate", "USD/GPU-h", "rented", "contract rate (default: the 3-year rental tier of the vintage)"},
    {"term_years", "--term-years", "years", "rented", "contract term (default 3)"},
    {"upfront_fraction", "--upfront", "fraction", "rented", "fraction of the whole contract paid at signing (default 0.25)"},
    {"discount_rate", "--discount-rate", "1/year", "rented", "renter's cost of capital, to annualise the upfront payment (default 0.10)"},
    {"tdp_w", "--tdp-w", "W", "components", "accelerator TDP (default: the preset)"},
    {"host_w_per_gpu", "--host-w", "W", "components", "per-GPU share of host CPU, memory, NICs, fans (default: vendor system maximum / GPUs - TDP, where sourced)"},
    {"nic_w_per_gpu", "--nic-w", "W", "components", "per-GPU NIC power not already in the host share (default 0)"},
    {"switch_w_per_gpu", "--switch-w", "W", "components", "per-GPU share of network switches and storage (default 95)"},
    {"other_it_w_per_gpu", "--other-it-w", "W", "components", "any other IT power per GPU (default 0)"},
};
}  // namespace detail

/// Every model parameter, in a stable order.
inline std::span<const parameter_spec> model_parameters() noexcept { return detail::model_parameter_list; }

inline const parameter_spec* find_parameter(std::string_view key) noexcept {
  for (const auto& p : detail::model_parameter_list)
    if (p.key == key) return &p;
  return nullptr;
}

/// Where each parameter came from, by key.
using source_map = std::map<std::string, std::string, std::less<>>;

namespace detail {

inline std::string num(double v) { return fmt::format("{:.6g}", v); }

[[noreturn]] inline void bad_parameter(std::string_view key, const std::string& message) {
  const parameter_spec* p = find_parameter(key);
  std::string m = message;
  if (p) m += fmt::format(" (set it with {} {})", p->flag, p->unit);
  throw input_error({"", std::nullopt, std::nullopt, std::string(key)}, m);
}

// The checks every model input gets: finite, and inside its range.
inline void require_range(std::string_view key, double v, double lo, bool lo_open, double hi = std::numeric_limits<double>::infinity(),
                          bool hi_open = false) {
  const bool ok = std::isfinite(v) && (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  if (ok) return;
  if (std::isnan(v)) bad_parameter(key, "missing value");
  std::string range = fmt::format("{}{}", lo_open ? "> " : ">= ", num(lo));
  if (std::isfinite(hi)) range += fmt::format(" and {}{}", hi_open ? "< " : "<= ", num(hi));
  bad_parameter(key, fmt::format("must be {}, got {}", range, num(v)));
}

inline std::string source_of(const source_map& s, std::string_view key) {
  auto it = s.find(key);
  return it == s.end() ? std::string("given") : it->second;
}

inline assumption make_assumption(std::string_view key, double v, const source_map& s) {
  const parameter_spec* p = find_parameter(key);
  return {std::string(key), v, p ? std::string(p->unit) : std::string(), source_of(s, key)};
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Cost models
// ---------------------------------------------------------------------------------------------

/// A rate given directly.
inline cost_breakdown given_cost(double usd_per_gpu_hour, std::string source = "given") {
  detail::require_range("usd_per_gpu_hour", usd_per_gpu_hour, 0, true);
  cost_breakdown b;
  b.model = "given";
  b.usd_per_gpu_hour = usd_per_gpu_hour;
  b.lines.push_back({"given rate", usd_per_gpu_hour, "as given"});
  b.assumptions.push_back({"usd_per_gpu_hour", usd_per_gpu_hour, "USD/GPU-h", source});
  b.source = std::move(source);
  return b;
}

/// An owner's cost of one GPU-hour. Defaults are the library's (docs/economics.md); the
/// preset file carries the same values with their sources.
struct owned_cost_inputs {
  double capex_usd_per_gpu = std::numeric_limits<double>::quiet_NaN();
  double network_capex_usd_per_gpu = 0;
  double other_capex_usd_per_gpu = 0;
  double economic_life_years = 4;
  double cost_of_capital = 0.10;
  double residual_fraction = 0;
  double it_kw_per_gpu = std::numeric_limits<double>::quiet_NaN();
  double pue = 1.25;
  double usd_per_kwh = 0.08;
  double load_factor = 0.75;
  double colo_usd_per_kw_month = 184;
  double maintenance_fraction_per_year = 0;
  double other_opex_usd_per_gpu_hour = 0;
  double availability = 1;
};

/// The running costs of an owned GPU per provisioned hour (power, colocation, maintenance,
/// other), without capital and before the availability uplift: what a site pays on top of its
/// investment.
struct owned_opex {
  double power = 0, colocation = 0, maintenance = 0, other = 0;
  double total() const noexcept { return power + colocation + maintenance + other; }
};

inline void validate(const owned_cost_inputs& in) {
  detail::require_range("capex_usd_per_gpu", in.capex_usd_per_gpu, 0, true);
  detail::require_range("network_capex_usd_per_gpu", in.network_capex_usd_per_gpu, 0, false);
  detail::require_range("other_capex_usd_per_gpu", in.other_capex_usd_per_gpu, 0, false);
  detail::require_range("economic_life_years", in.economic_life_years, 0, true);
  detail::require_range("cost_of_capital", in.cost_of_capital, 0, false);
  detail::require_range("residual_fraction", in.residual_fraction, 0, false, 1, true);
  detail::require_range("it_kw_per_gpu", in.it_kw_per_gpu, 0, true);
  detail::require_range("pue", in.pue, 1, false);
  detail::require_range("usd_per_kwh", in.usd_per_kwh, 0, false);
  detail::require_range("load_factor", in.load_factor, 0, false, 1, false);
  detail::require_range("colo_usd_per_kw_month", in.colo_usd_per_kw_month, 0, false);
  detail::require_range("maintenance_fraction_per_year", in.maintenance_fraction_per_year, 0, false);
  detail::require_range("other_opex_usd_per_gpu_hour", in.other_opex_usd_per_gpu_hour, 0, false);
  detail::require_range("availability", in.availability, 0, true, 1, false);
}

inline double owned_capex_total(const owned_cost_inputs& in) noexcept {
  return in.capex_usd_per_gpu + in.network_capex_usd_per_gpu + in.other_capex_usd_per_gpu;
}

/// power = IT kW × load factor × PUE × $/kWh; colocation = IT kW × $/kW-month / 730 h;
/// maintenance = fraction × capex / 8760 h.
inline owned_opex owned_opex_per_gpu_hour(const owned_cost_inputs& in) {
  validate(in);
  return {in.it_kw_per_gpu * in.load_factor * in.pue * in.usd_per_kwh, in.it_kw_per_gpu * in.colo_usd_per_kw_month / hours_per_month,
          in.maintenance_fraction_per_year * owned_capex_total(in) / hours_per_year, in.other_opex_usd_per_gpu_hour};
}

/// capital = (capex − residual × capex / (1+r)^n) × CRF(r, n) / 8760 h; total = (capital +
/// power + colocation + maintenance + other) / availability.
inline cost_breakdown owned_cost(const owned_cost_inputs& in, const source_map& sources = {}) {
  validate(in);
  const double capex = owned_capex_total(in);
  const double crf = *capital_recovery_factor(in.cost_of_capital, in.economic_life_years);
  const double residual_now = in.residual_fraction * capex / std::pow(1.0 + in.cost_of_capital, in.economic_life_years);
  const double capital = (capex - residual_now) * crf / hours_per_year;
  const owned_opex o = owned_opex_per_gpu_hour(in);
  const double sum = capital + o.power + o.colocation + o.maintenance + o.other;
  const double total = sum / in.availability;

  using detail::num;
  cost_breakdown b;
  b.model = "owned";
  std::string capital_formula = fmt::format("capex ${} × CRF({}, {} y) {} / 8760 h", num(capex), num(in.cost_of_capital),
                                            num(in.economic_life_years), num(crf));
  if (in.residual_fraction > 0)
    capital_formula = fmt::format("(capex ${} − residual ${} discounted) × CRF({}, {} y) {} / 8760 h", num(capex),
                                  num(in.residual_fraction * capex), num(in.cost_of_capital), num(in.economic_life_years), num(crf));
  b.lines.push_back({"capital", capital, capital_formula});
  b.lines.push_back({"power", o.power,
                     fmt::format("{} kW IT × load {} × PUE {} × ${}/kWh", num(in.it_kw_per_gpu), num(in.load_factor), num(in.pue),
                                 num(in.usd_per_kwh))});
  b.lines.push_back({"colocation", o.colocation,
                     fmt::format("{} kW IT × ${}/kW-month / 730 h", num(in.it_kw_per_gpu), num(in.colo_usd_per_kw_month))});
  b.lines.push_back({"maintenance", o.maintenance,
                     fmt::format("{} × capex ${} / 8760 h", num(in.maintenance_fraction_per_year), num(capex))});
  b.lines.push_back({"other opex", o.other, "as given"});
  if (in.availability < 1)
    b.lines.push_back({"unsold hours", total - sum, fmt::format("sum ${} / availability {} − sum", num(sum), num(in.availability))});
  b.usd_per_gpu_hour = total;
  for (auto [k, v] : {std::pair<std::string_view, double>{"capex_usd_per_gpu", in.capex_usd_per_gpu},
                      {"network_capex_usd_per_gpu", in.network_capex_usd_per_gpu},
                      {"other_capex_usd_per_gpu", in.other_capex_usd_per_gpu},
                      {"economic_life_years", in.economic_life_years},
                      {"cost_of_capital", in.cost_of_capital},
                      {"residual_fraction", in.residual_fraction},
                      {"it_kw_per_gpu", in.it_kw_per_gpu},
                      {"pue", in.pue},
                      {"usd_per_kwh", in.usd_per_kwh},
                      {"load_factor", in.load_factor},
                      {"colo_usd_per_kw_month", in.colo_usd_per_kw_month},
                      {"maintenance_fraction_per_year", in.maintenance_fraction_per_year},
                      {"other_opex_usd_per_gpu_hour", in.other_opex_usd_per_gpu_hour},
                      {"availability", in.availability}})
    b.assumptions.push_back(detail::make_assumption(k, v, sources));
  b.source = "owned model";
  return b;
}

/// A renter's cost of one GPU-hour on a contract with part of it paid upfront.
struct rented_cost_inputs {
  double contract_usd_per_gpu_hour = std::numeric_limits<double>::quiet_NaN();
  double term_years = 3;
  double upfront_fraction = 0.25;
  double discount_rate = 0.10;
};

inline void validate(const rented_cost_inputs& in) {
  detail::require_range("contract_usd_per_gpu_hour", in.contract_usd_per_gpu_hour, 0, true);
  detail::require_range("term_years", in.term_years, 0, true);
  detail::require_range("upfront_fraction", in.upfront_fraction, 0, false, 1, false);
  detail::require_range("discount_rate", in.discount_rate, 0, false);
}

/// The upfront share u of the contract (u × rate × term × 8760 h, paid at signing) is
/// annualised at the renter's cost of capital: effective rate = rate × (1 − u) + rate × u ×
/// term × CRF(r, term). Power and facility are in the rate.
inline cost_breakdown rented_cost(const rented_cost_inputs& in, const source_map& sources = {}) {
  validate(in);
  const double crf = *capital_recovery_factor(in.discount_rate, in.term_years);
  const double as_you_go = in.contract_usd_per_gpu_hour * (1.0 - in.upfront_fraction);
  const double upfront = in.contract_usd_per_gpu_hour * in.upfront_fraction * in.term_years * crf;
  using detail::num;
  cost_breakdown b;
  b.model = "rented";
  b.lines.push_back({"pay as you go", as_you_go,
                     fmt::format("${} × (1 − upfront {})", num(in.contract_usd_per_gpu_hour), num(in.upfront_fraction))});
  b.lines.push_back({"upfront, annualised", upfront,
                     fmt::format("${} × {} × {} y × CRF({}, {} y) {}", num(in.contract_usd_per_gpu_hour), num(in.upfront_fraction),
                                 num(in.term_years), num(in.discount_rate), num(in.term_years), num(crf))});
  b.usd_per_gpu_hour = as_you_go + upfront;
  b.assumptions.push_back(detail::make_assumption("contract_usd_per_gpu_hour", in.contract_usd_per_gpu_hour, sources));
  b.assumptions.push_back(detail::make_assumption("term_years", in.term_years, sources));
  b.assumptions.push_back(detail::make_assumption("upfront_fraction", in.upfront_fraction, sources));
  b.assumptions.push_back(detail::make_assumption("discount_rate", in.discount_rate, sources));
  b.source = "rented model";
  return b;
}

// ---------------------------------------------------------------------------------------------
// Power models
// ---------------------------------------------------------------------------------------------

/// A kW-per-GPU figure given directly, with what it includes. With a PUE, the other basis is
/// filled too (utility = IT × PUE).
inline power_breakdown given_power(double kw_per_gpu, power_basis basis, std::optional<double> pue = std::nullopt,
                                   std::string source = "given") {
  detail::require_range("kw_per_gpu", kw_per_gpu, 0, true);
  if (pue) detail::require_range("pue", *pue, 1, false);
  power_breakdown b;
  b.model = "given";
  b.kw_per_gpu = kw_per_gpu;
  b.basis = basis;
  b.lines.push_back({basis == power_basis::it ? "IT power" : "all-in utility power", kw_per_gpu, "as given"});
  if (basis == power_basis::it) {
    b.it_kw_per_gpu = kw_per_gpu;
    if (pue) b.utility_kw_per_gpu = kw_per_gpu * *pue;
  } else {
    b.utility_kw_per_gpu = kw_per_gpu;
    if (pue) b.it_kw_per_gpu = kw_per_gpu / *pue;
  }
  if (b.it_kw_per_gpu && b.utility_kw_per_gpu) b.facility_kw_per_gpu = *b.utility_kw_per_gpu - *b.it_kw_per_gpu;
  b.assumptions.push_back({"kw_per_gpu", kw_per_gpu, "kW", source});
  if (pue) b.assumptions.push_back({"pue", *pue, "ratio", "given"});
  b.source = std::move(source);
  return b;
}

/// IT power built from its parts; facility overhead kept apart.
struct power_components {
  double tdp_w = std::numeric_limits<double>::quiet_NaN();
  double host_w_per_gpu = 0;
  double nic_w_per_gpu = 0;
  double switch_w_per_gpu = 0;
  double other_it_w_per_gpu = 0;
  double pue = 1.25;
};

/// IT kW = (TDP + host + NIC + switch + other) / 1000; utility kW = IT kW × PUE; facility
/// overhead = utility − IT. `report` picks which of the two economics uses.
inline power_breakdown component_power(const power_components& c, power_basis report = power_basis::utility,
                                       const source_map& sources = {}) {
  detail::require_range("tdp_w", c.tdp_w, 0, true);
  detail::require_range("host_w_per_gpu", c.host_w_per_gpu, 0, false);
  detail::require_range("nic_w_per_gpu", c.nic_w_per_gpu, 0, false);
  detail::require_range("switch_w_per_gpu", c.switch_w_per_gpu, 0, false);
  detail::require_range("other_it_w_per_gpu", c.other_it_w_per_gpu, 0, false);
  detail::require_range("pue", c.pue, 1, false);
  using detail::num;
  power_breakdown b;
  b.model = "components";
  b.lines.push_back({"accelerator TDP (default: the preset)", c.tdp_w / 1000.0, fmt::format("{} W", num(c.tdp_w))});
  b.lines.push_back({"host share", c.host_w_per_gpu / 1000.0, fmt::format("{} W", num(c.host_w_per_gpu))});
  b.lines.push_back({"NICs", c.nic_w_per_gpu / 1000.0, fmt::format("{} W", num(c.nic_w_per_gpu))});
  b.lines.push_back({"switch share", c.switch_w_per_gpu / 1000.0, fmt::format("{} W", num(c.switch_w_per_gpu))});
  b.lines.push_back({"other IT", c.other_it_w_per_gpu / 1000.0, fmt::format("{} W", num(c.other_it_w_per_gpu))});
  const double it = (c.tdp_w + c.host_w_per_gpu + c.nic_w_per_gpu + c.switch_w_per_gpu + c.other_it_w_per_gpu) / 1000.0;
  const double utility = it * c.pue;
  b.lines.push_back({"facility overhead", utility - it, fmt::format("IT {} kW × (PUE {} − 1)", num(it), num(c.pue))});
  b.it_kw_per_gpu = it;
  b.utility_kw_per_gpu = utility;
  b.facility_kw_per_gpu = utility - it;
  b.basis = report;
  b.kw_per_gpu = report == power_basis::it ? it : utility;
  for (auto [k, v] : {std::pair<std::string_view, double>{"tdp_w", c.tdp_w},
                      {"host_w_per_gpu", c.host_w_per_gpu},
                      {"nic_w_per_gpu", c.nic_w_per_gpu},
                      {"switch_w_per_gpu", c.switch_w_per_gpu},
                      {"other_it_w_per_gpu", c.other_it_w_per_gpu},
                      {"pue", c.pue}})
    b.assumptions.push_back(detail::make_assumption(k, v, sources));
  b.source = "component model";
  return b;
}

// ---------------------------------------------------------------------------------------------
// Presets
// ---------------------------------------------------------------------------------------------

/// A number with where it came from.
struct sourced_value {
  double value = std::numeric_limits<double>::quiet_NaN();
  std::string source;
  std::string vintage;
  std::string note;
  std::optional<power_basis> basis;  ///< power figures only
};

struct vintage_info {
  std::string name;
  std::vector<std::string> aliases;
  std::string title;
  std::string used;  ///< when the publisher used it
};

/// The vintage key that applies to every vintage (user overrides without a vintage).
inline constexpr std::string_view any_vintage = "*";

struct accelerator_preset {
  std::string key;  ///< normalised name, e.g. "b200"
  std::string name;
  std::vector<std::string> aliases;
  /// tdp_w, hbm_gb, hbm_tb_per_s, system_max_kw_per_gpu, capex_usd_per_gpu, or any model parameter
  std::map<std::string, sourced_value, std::less<>> values;
  /// vintage -> tier -> $/GPU-hour
  std::map<std::string, std::map<std::string, sourced_value, std::less<>>, std::less<>> cost_usd_per_gpu_hour;
  /// vintage -> kW per GPU (with basis)
  std::map<std::string, sourced_value, std::less<>> kw_per_gpu;

  const sourced_value* value(std::string_view k) const noexcept {
    auto it = values.find(k);
    return it == values.end() ? nullptr : &it->second;
  }
  const sourced_value* cost(std::string_view vintage, std::string_view tier) const noexcept {
    for (std::string_view v : {vintage, any_vintage}) {
      auto it = cost_usd_per_gpu_hour.find(v);
      if (it == cost_usd_per_gpu_hour.end()) continue;
      auto t = it->second.find(tier);
      if (t != it->second.end()) return &t->second;
    }
    return nullptr;
  }
  const sourced_value* power(std::string_view vintage) const noexcept {
    for (std::string_view v : {vintage, any_vintage}) {
      auto it = kw_per_gpu.find(v);
      if (it != kw_per_gpu.end()) return &it->second;
    }
    return nullptr;
  }
};

/// The preset database: vintages, defaults of the model parameters, accelerators.
struct preset_db {
  std::string default_vintage;
  std::vector<vintage_info> vintages;  ///< in file order (oldest first)
  std::map<std::string, sourced_value, std::less<>> defaults;
  std::map<std::string, accelerator_preset, std::less<>> accelerators;
  std::vector<std::string> files;  ///< files it was read from, in order

  /// The preset for an accelerator name: its key, an alias, or a raw label such as "b200-trt"
  /// or "GB200 NVL72" (normalised as the dashboard does); nullptr when none.
  const accelerator_preset* find(std::string_view accelerator) const {
    std::string lower;
    for (char c : accelerator) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const std::string& name : {lower, normalize_accelerator(accelerator)}) {
      if (name.empty()) continue;
      if (auto it = accelerators.find(name); it != accelerators.end()) return &it->second;
      for (const auto& [k, a] : accelerators)
        for (const auto& alias : a.aliases)
          if (detail::iequals(alias, name)) return &a;
    }
    return nullptr;
  }

  std::string accelerator_names() const {
    std::string s;
    for (const auto& [k, a] : accelerators) s += (s.empty() ? "" : ", ") + k;
    return s;
  }

  /// The canonical vintage name for a name or alias; empty means the default.
  std::string vintage(std::string_view name) const {
    if (name.empty()) {
      if (default_vintage.empty())
        throw input_error({"", std::nullopt, std::nullopt, "vintage"}, "the presets name no default vintage: give --vintage");
      return default_vintage;
    }
    for (const auto& v : vintages) {
      if (detail::iequals(v.name, name)) return v.name;
      for (const auto& a : v.aliases)
        if (detail::iequals(a, name)) return v.name;
    }
    std::string known;
    for (const auto& v : vintages) known += (known.empty() ? "" : ", ") + v.name;
    throw input_error({"", std::nullopt, std::nullopt, "vintage"},
                      fmt::format("unknown vintage '{}' (known: {})", name, known.empty() ? "none" : known));
  }

  const sourced_value* default_value(std::string_view key) const noexcept {
    auto it = defaults.find(key);
    return it == defaults.end() ? nullptr : &it->second;
  }
};

namespace detail {

using json = nlohmann::json;

struct preset_parser {
  std::string file;
  bool strict;  // shipped data: every value needs value, source and vintage

  [[noreturn]] void fail(const std::string& field, const std::string& message) const {
    throw input_error({file, std::nullopt, std::nullopt, field}, message);
  }

  std::string text(const json& j, const std::string& field, bool required) const {
    if (!j.contains(field.substr(field.rfind('.') + 1))) {
      if (required) fail(field, "missing");
      return {};
    }
    const json& v = j.at(field.substr(field.rfind('.') + 1));
    if (!v.is_string()) fail(field, "expected a string");
    return v.get<std::string>();
  }

  // A value: {"value": N, "source": "...", "vintage": "...", "note"?, "basis"?}; user files may
  // give a bare number or leave out source and vintage.
  sourced_value value(const json& j, const std::string& field, std::string_view vintage_key, bool power) const {
    sourced_value v;
    if (j.is_number() && !strict) {
      v.value = j.get<double>();
    } else {
      if (!j.is_object()) fail(field, strict ? "expected {\"value\", \"source\", \"vintage\"}" : "expected a number or an object with \"value\"");
      if (!j.contains("value") || !j.at("value").is_number()) fail(field + ".value", "expected a number");
      v.value = j.at("value").get<double>();
      v.source = text(j, field + ".source", strict);
      v.vintage = text(j, field + ".vintage", strict);
      v.note = text(j, field + ".note", false);
      const std::string b = text(j, field + ".basis", strict && power);
      if (!b.empty()) {
        if (b == "it") v.basis = power_basis::it;
        else if (b == "utility") v.basis = power_basis::utility;
        else fail(field + ".basis", fmt::format("expected \"it\" or \"utility\", got \"{}\"", b));
      }
    }
    if (!std::isfinite(v.value)) fail(field + ".value", "not a finite number");
    if (strict && v.source.empty()) fail(field + ".source", "empty");
    if (strict && v.vintage.empty()) fail(field + ".vintage", "empty");
    if (v.source.empty()) v.source = "user file " + file;
    if (v.vintage.empty()) v.vintage = vintage_key == any_vintage || vintage_key.empty() ? "user" : std::string(vintage_key);
    if (power && !v.basis) v.basis = power_basis::utility;  // InferenceX labels its figure "all-in utility"
    return v;
  }

  static bool value_like(const json& j) { return j.is_number() || (j.is_object() && j.contains("value")); }

  std::vector<std::string> strings(const json& j, const std::string& field) const {
    std::vector<std::string> out;
    if (!j.is_array()) fail(field, "expected an array of strings");
    for (const auto& s : j) {
      if (!s.is_string()) fail(field, "expected an array of strings");
      out.push_back(s.get<std::string>());
    }
    return out;
  }

  accelerator_preset accelerator(const std::string& key, const json& j) const {
    const std::string base = "accelerators." + key;
    if (!j.is_object()) fail(base, "expected an object");
    accelerator_preset a;
    a.key = key;
    for (const auto& [k, v] : j.items()) {
      const std::string field = base + "." + k;
      if (k == "name") {
        if (!v.is_string()) fail(field, "expected a string");
        a.name = v.get<std::string>();
      } else if (k == "aliases") {
        a.aliases = strings(v, field);
      } else if (k == "cost_usd_per_gpu_hour") {
        if (!v.is_object()) fail(field, "expected {VINTAGE: {TIER: value}}");
        // user files may skip the vintage level: {TIER: value} applies to every vintage
        const bool flat = !strict && !v.empty() && value_like(v.begin().value());
        if (flat) {
          for (const auto& [tier, tv] : v.items())
            a.cost_usd_per_gpu_hour[std::string(any_vintage)][tier] = value(tv, field + "." + tier, any_vintage, false);
          continue;
        }
        for (const auto& [vint, tiers] : v.items()) {
          if (!tiers.is_object()) fail(field + "." + vint, "expected {TIER: value}");
          for (const auto& [tier, tv] : tiers.items())
            a.cost_usd_per_gpu_hour[vint][tier] = value(tv, field + "." + vint + "." + tier, vint, false);
        }
      } else if (k == "kw_per_gpu") {
        if (!strict && value_like(v)) {
          a.kw_per_gpu[std::string(any_vintage)] = value(v, field, any_vintage, true);
          continue;
        }
        if (!v.is_object()) fail(field, "expected {VINTAGE: value}");
        for (const auto& [vint, pv] : v.items()) a.kw_per_gpu[vint] = value(pv, field + "." + vint, vint, true);
      } else {
        a.values[k] = value(v, field, any_vintage, false);
      }
    }
    if (a.name.empty()) a.name = key;
    return a;
  }

  preset_db parse(const json& j) const {
    if (!j.is_object()) fail("", "expected a JSON object");
    preset_db db;
    db.files.push_back(file);
    if (strict) {
      if (!j.contains("format") || j.at("format") != "inferlens-presets")
        fail("format", "expected \"inferlens-presets\" (is this an inferlens preset file?)");
    }
    if (j.contains("default_vintage")) db.default_vintage = text(j, "default_vintage", true);
    if (j.contains("vintages")) {
      if (!j.at("vintages").is_array()) fail("vintages", "expected an array");
      std::size_t i = 0;
      for (const auto& v : j.at("vintages")) {
        const std::string field = fmt::format("vintages[{}]", i++);
        if (!v.is_object()) fail(field, "expected an object");
        vintage_info info;
        info.name = text(v, field + ".name", true);
        if (v.contains("aliases")) info.aliases = strings(v.at("aliases"), field + ".aliases");
        info.title = text(v, field + ".title", false);
        info.used = text(v, field + ".used", false);
        db.vintages.push_back(std::move(info));
      }
    }
    if (j.contains("defaults")) {
      if (!j.at("defaults").is_object()) fail("defaults", "expected an object");
      for (const auto& [k, v] : j.at("defaults").items()) db.defaults[k] = value(v, "defaults." + k, any_vintage, false);
    }
    if (j.contains("accelerators")) {
      if (!j.at("accelerators").is_object()) fail("accelerators", "expected an object");
      for (const auto& [k, v] : j.at("accelerators").items()) {
        std::string key;
        for (char c : k) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        db.accelerators[key] = accelerator(key, v);
      }
    }
    if (strict) check(db);
    return db;
  }

  // Every vintage a value is filed under is declared; the default vintage exists.
  void check(const preset_db& db) const {
    auto declared = [&](std::string_view v) {
      if (v == any_vintage) return true;
      for (const auto& d : db.vintages)
        if (d.name == v) return true;
      return false;
    };
    if (!db.default_vintage.empty() && !declared(db.default_vintage))
      fail("default_vintage", fmt::format("'{}' is not declared in \"vintages\"", db.default_vintage));
    for (const auto& [k, a] : db.accelerators) {
      for (const auto& [v, tiers] : a.cost_usd_per_gpu_hour)
        if (!declared(v)) fail(fmt::format("accelerators.{}.cost_usd_per_gpu_hour.{}", k, v), "vintage not declared in \"vintages\"");
      for (const auto& [v, p] : a.kw_per_gpu)
        if (!declared(v)) fail(fmt::format("accelerators.{}.kw_per_gpu.{}", k, v), "vintage not declared in \"vintages\"");
    }
  }
};

inline json read_json_file(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw input_error({path.string(), std::nullopt, std::nullopt, ""}, "cannot open the file");
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string text = ss.str();
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    throw input_error({path.string(), std::nullopt, e.byte > 0 ? e.byte - 1 : 0, ""}, std::string("invalid JSON: ") + e.what());
  }
}

}  // namespace detail

/// Parse a preset document. `strict` (the shipped data) requires every value as {"value",
/// "source", "vintage"} and power figures with a "basis"; otherwise (a user's overrides) bare
/// numbers are fine and take "user file NAME" as their source.
inline preset_db parse_presets(const nlohmann::json& j, const std::string& origin, bool strict) {
  return detail::preset_parser{origin, strict}.parse(j);
}

/// Load a preset file, strictly validated.
inline preset_db load_presets(const std::filesystem::path& path) {
  return parse_presets(detail::read_json_file(path), path.string(), true);
}

/// Lay `overlay` over `base`: its values replace the base's, value by value; a value filed
/// under any vintage ("*") replaces that value in every vintage.
inline void merge_presets(preset_db& base, const preset_db& overlay) {
  if (!overlay.default_vintage.empty()) base.default_vintage = overlay.default_vintage;
  for (const auto& v : overlay.vintages) {
    bool found = false;
    for (auto& b : base.vintages)
      if (b.name == v.name) {
        b = v;
        found = true;
      }
    if (!found) base.vintages.push_back(v);
  }
  for (const auto& [k, v] : overlay.defaults) base.defaults[k] = v;
  for (const auto& [key, o] : overlay.accelerators) {
    auto [it, added] = base.accelerators.try_emplace(key, o);
    if (added) continue;
    accelerator_preset& a = it->second;
    if (!o.name.empty() && o.name != o.key) a.name = o.name;
    for (const auto& al : o.aliases) a.aliases.push_back(al);
    for (const auto& [k, v] : o.values) a.values[k] = v;
    for (const auto& [vint, tiers] : o.cost_usd_per_gpu_hour)
      for (const auto& [tier, v] : tiers) {
        if (vint == any_vintage)
          for (auto& [bv, btiers] : a.cost_usd_per_gpu_hour) btiers[tier] = v;
        a.cost_usd_per_gpu_hour[vint][tier] = v;
      }
    for (const auto& [vint, v] : o.kw_per_gpu) {
      if (vint == any_vintage)
        for (auto& [bv, bp] : a.kw_per_gpu) bp = v;
      a.kw_per_gpu[vint] = v;
    }
  }
  for (const auto& f : overlay.files) base.files.push_back(f);
}

/// Read a user's override file (same schema, lenient) and lay it over `base`.
inline void merge_presets_file(preset_db& base, const std::filesystem::path& path) {
  merge_presets(base, parse_presets(detail::read_json_file(path), path.string(), false));
}

/// Find a shipped data file: `explicit_file` when given (it must exist), else
/// $INFERLENS_DATA_DIR/NAME, else ../share/inferlens/NAME next to the running executable (an
/// installed CLI), else SOURCE_DATA_DIR/NAME (a build tree; pass the source data directory).
inline std::filesystem::path find_data_file(std::string_view file_name, const std::filesystem::path& explicit_file = {},
                                            std::string_view source_data_dir = {}) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!explicit_file.empty()) {
    if (fs::is_regular_file(explicit_file, ec)) return explicit_file;
    throw input_error({explicit_file.string(), std::nullopt, std::nullopt, ""}, "no such file");
  }
  std::vector<fs::path> tried;
  if (const char* env = std::getenv("INFERLENS_DATA_DIR"); env && *env) tried.push_back(fs::path(env) / file_name);
  if (const fs::path exe = fs::read_symlink("/proc/self/exe", ec); !ec && !exe.empty())
    tried.push_back(exe.parent_path().parent_path() / "share" / "inferlens" / file_name);
  if (!source_data_dir.empty()) tried.push_back(fs::path(source_data_dir) / file_name);
  for (const auto& p : tried)
    if (fs::is_regular_file(p, ec)) return p;
  std::string where;
  for (const auto& p : tried) where += (where.empty() ? "" : ", ") + p.string();
  throw input_error({std::string(file_name), std::nullopt, std::nullopt, ""},
                    fmt::format("data file not found (looked in: {}); set INFERLENS_DATA_DIR or give the file explicitly",
                                where.empty() ? "nowhere" : where));
}

inline constexpr std::string_view presets_file_name = "accelerators.json";

/// The shipped presets (found with find_data_file), with optional user override files on top.
inline preset_db load_default_presets(const std::filesystem::path& explicit_file = {}, std::string_view source_data_dir = {},
                                      std::span<const std::filesystem::path> overrides = {}) {
  preset_db db = load_presets(find_data_file(presets_file_name, explicit_file, source_data_dir));
  for (const auto& o : overrides) merge_presets_file(db, o);
  return db;
}

// ---------------------------------------------------------------------------------------------
// Resolving models from presets and overrides
// ---------------------------------------------------------------------------------------------

/// Overridden parameter values by key (see model_parameters()).
using parameter_values = std::map<std::string, double, std::less<>>;

/// A number written in full ("1.95", "2e3"), or none.
inline std::optional<double> parse_number(std::string_view s) noexcept {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

/// Canonical tier name: hyperscaler, neocloud, rental (InferenceX's costh, costn, costr),
/// owned, rented; other names are returned lower-cased (a user's own tier).
inline std::string canonical_tier(std::string_view t) {
  std::string s;
  for (char c : t) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "costh" || s == "owning-hyperscaler" || s == "hyperscaler-owner" || s == "h") return "hyperscaler";
  if (s == "costn" || s == "owning-neocloud" || s == "neocloud-giant" || s == "neocloud-owner" || s == "n") return "neocloud";
  if (s == "costr" || s == "3yr-rental" || s == "rental-3y" || s == "3-year-rental" || s == "r") return "rental";
  if (s == "own" || s == "owner") return "owned";
  if (s == "rent" || s == "renter") return "rented";
  return s;
}

namespace detail {

// Picks each model parameter: overridden, else the accelerator's preset, else the defaults.
struct parameter_picker {
  const preset_db& db;
  const accelerator_preset* acc;
  const parameter_values& given;
  std::string given_source;
  source_map sources;

  static std::string describe(const sourced_value& v) {
    std::string s = v.source;
    if (!v.vintage.empty()) s += fmt::format(" [{}]", v.vintage);
    if (!v.note.empty()) s += fmt::format(" ({})", v.note);
    return s;
  }

  std::optional<double> find(std::string_view key) {
    if (auto it = given.find(key); it != given.end()) {
      sources[std::string(key)] = given_source;
      return it->second;
    }
    if (acc)
      if (const sourced_value* v = acc->value(key)) {
        sources[std::string(key)] = describe(*v);
        return v->value;
      }
    if (const sourced_value* v = db.default_value(key)) {
      sources[std::string(key)] = describe(*v);
      return v->value;
    }
    return std::nullopt;
  }

  double need(std::string_view key, std::string_view accelerator) {
    if (auto v = find(key)) return *v;
    bad_parameter(key, accelerator.empty() ? std::string("no value given and none in the presets")
                                           : fmt::format("no value given and none in the presets for '{}'", accelerator));
  }

  double derived(std::string_view key, double v, std::string source) {
    sources[std::string(key)] = std::move(source);
    return v;
  }
};

[[noreturn]] inline void no_preset(std::string_view accelerator, const preset_db& db, std::string_view what) {
  const std::string name = accelerator.empty() ? std::string("(none)") : std::string(accelerator);
  throw input_error({"", std::nullopt, std::nullopt, "accelerator"},
                    fmt::format("no preset for accelerator '{}' (presets: {}): give {}, or add it in an overrides file", name,
                                db.accelerators.empty() ? std::string("none loaded") : db.accelerator_names(), what));
}

inline std::string tiers_of(const accelerator_preset& a, std::string_view vintage) {
  std::string s;
  for (std::string_view v : {vintage, any_vintage})
    if (auto it = a.cost_usd_per_gpu_hour.find(v); it != a.cost_usd_per_gpu_hour.end())
      for (const auto& [t, x] : it->second)
        if (s.find(t) == std::string::npos) s += (s.empty() ? "" : ", ") + t;
  return s.empty() ? "none" : s;
}

template <class Map>
std::string vintages_of(const Map& m) {
  std::string s;
  for (const auto& [v, x] : m) s += (s.empty() ? "" : ", ") + v;
  return s.empty() ? "none" : s;
}

// The accelerator's IT kW for the owned model: its preset power, divided by PUE when that
// figure is on the utility basis.
inline double owned_it_kw(parameter_picker& pick, const accelerator_preset* acc, std::string_view accelerator,
                          const std::string& vintage, double pue) {
  if (pick.given.count("it_kw_per_gpu")) return *pick.find("it_kw_per_gpu");
  if (acc)
    if (const sourced_value* p = acc->power(vintage)) {
      if (p->basis == power_basis::it) return pick.derived("it_kw_per_gpu", p->value, parameter_picker::describe(*p));
      return pick.derived("it_kw_per_gpu", p->value / pue,
                          fmt::format("[derived] utility {} kW / PUE {}; {}", num(p->value), num(pue), parameter_picker::describe(*p)));
    }
  return pick.need("it_kw_per_gpu", accelerator);
}

}  // namespace detail

/// What cost to resolve.
struct cost_request {
  /// hyperscaler | neocloud | rental (InferenceX tiers of the vintage), owned | rented (models
  /// with preset defaults), or a $/GPU-hour number.
  std::string tier = "hyperscaler";
  std::string vintage;             ///< empty: the presets' default (the newest)
  parameter_values values;         ///< model parameter overrides
  std::string values_source = "given";  ///< how overrides are labelled
};

/// $/GPU-hour for an accelerator from presets and overrides, with its breakdown. input_error
/// names what is missing and the option that supplies it.
inline cost_breakdown resolve_cost(const preset_db& db, std::string_view accelerator, const cost_request& req) {
  if (const auto rate = parse_number(req.tier)) {
    cost_breakdown b = given_cost(*rate, req.values_source);
    b.accelerator = std::string(accelerator);
    return b;
  }
  const std::string tier = canonical_tier(req.tier);
  if (tier.empty())
    throw input_error({"", std::nullopt, std::nullopt, "cost"},
                      "empty cost tier: expected hyperscaler, neocloud, rental, owned, rented or a $/GPU-hour number");
  const accelerator_preset* acc = db.find(accelerator);
  const std::string vintage = db.vintage(req.vintage);
  detail::parameter_picker pick{db, acc, req.values, req.values_source, {}};

  if (tier == "owned") {
    owned_cost_inputs in;
    in.capex_usd_per_gpu = pick.need("capex_usd_per_gpu", accelerator);
    in.network_capex_usd_per_gpu = pick.need("network_capex_usd_per_gpu", accelerator);
    in.other_capex_usd_per_gpu = pick.need("other_capex_usd_per_gpu", accelerator);
    in.economic_life_years = pick.need("economic_life_years", accelerator);
    in.cost_of_capital = pick.need("cost_of_capital", accelerator);
    in.residual_fraction = pick.need("residual_fraction", accelerator);
    in.pue = pick.need("pue", accelerator);
    in.it_kw_per_gpu = detail::owned_it_kw(pick, acc, accelerator, vintage, in.pue);
    in.usd_per_kwh = pick.need("usd_per_kwh", accelerator);
    in.load_factor = pick.need("load_factor", accelerator);
    in.colo_usd_per_kw_month = pick.need("colo_usd_per_kw_month", accelerator);
    in.maintenance_fraction_per_year = pick.need("maintenance_fraction_per_year", accelerator);
    in.other_opex_usd_per_gpu_hour = pick.need("other_opex_usd_per_gpu_hour", accelerator);
    in.availability = pick.need("availability", accelerator);
    cost_breakdown b = owned_cost(in, pick.sources);
    b.accelerator = std::string(accelerator);
    b.vintage = vintage;
    return b;
  }
  if (tier == "rented") {
    rented_cost_inputs in;
    const sourced_value* rental = acc ? acc->cost(vintage, "rental") : nullptr;
    if (req.values.count("contract_usd_per_gpu_hour")) {
      in.contract_usd_per_gpu_hour = *pick.find("contract_usd_per_gpu_hour");
    } else if (rental) {
      in.contract_usd_per_gpu_hour = pick.derived("contract_usd_per_gpu_hour", rental->value,
                                                  "rental tier: " + detail::parameter_picker::describe(*rental));
    } else if (!acc) {
      detail::no_preset(accelerator, db, "--contract-rate USD_PER_GPU_HOUR");
    } else {
      detail::bad_parameter("contract_usd_per_gpu_hour",
                            fmt::format("no rental tier for {} in vintage {}", acc->key, vintage));
    }
    in.term_years = pick.need("term_years", accelerator);
    in.upfront_fraction = pick.need("upfront_fraction", accelerator);
    in.discount_rate = pick.need("discount_rate", accelerator);
    cost_breakdown b = rented_cost(in, pick.sources);
    b.accelerator = std::string(accelerator);
    b.vintage = vintage;
    return b;
  }
  // an InferenceX tier (or a user's own) from the presets
  if (!acc) detail::no_preset(accelerator, db, "--cost USD_PER_GPU_HOUR and --power KW_PER_GPU");
  const sourced_value* v = acc->cost(vintage, tier);
  if (!v) {
    bool known_tier = tier == "hyperscaler" || tier == "neocloud" || tier == "rental";
    for (const auto& [vv, tiers] : acc->cost_usd_per_gpu_hour) known_tier = known_tier || tiers.count(tier);
    if (!known_tier)
      throw input_error({"", std::nullopt, std::nullopt, "cost"},
                        fmt::format("unknown cost tier '{}': expected hyperscaler, neocloud, rental, owned, rented or a $/GPU-hour number",
                                    req.tier));
    throw input_error({"", std::nullopt, std::nullopt, "cost"},
                      fmt::format("no '{}' cost for {} in vintage {} (tiers there: {}; vintages with costs: {}): give --cost "
                                  "USD_PER_GPU_HOUR, another tier or another --vintage",
                                  tier, acc->key, vintage, detail::tiers_of(*acc, vintage),
                                  detail::vintages_of(acc->cost_usd_per_gpu_hour)));
  }
  cost_breakdown b;
  b.model = "tier " + tier;
  b.accelerator = acc->key;
  b.vintage = vintage;
  b.usd_per_gpu_hour = v->value;
  b.source = detail::parameter_picker::describe(*v);
  b.lines.push_back({tier + " tier", v->value, fmt::format("{} {} preset", acc->key, vintage)});
  b.assumptions.push_back({"usd_per_gpu_hour", v->value, "USD/GPU-h", b.source});
  return b;
}

/// What power to resolve.
struct power_request {
  /// preset (the accelerator's figure of the vintage) | components (TDP + host + NIC + switch
  /// + other, × PUE) | a kW-per-GPU number.
  std::string model = "preset";
  std::string vintage;  ///< empty: the default
  /// Preset and components: the basis to report (a preset figure on the other basis is
  /// converted with the PUE); default: as published (preset), utility (components). A given
  /// number: what it includes; default utility ("all-in").
  std::optional<power_basis> basis;
  parameter_values values;  ///< components parameters, pue
  std::string values_source = "given";
};

/// kW/GPU for an accelerator from presets and overrides, with its breakdown.
inline power_breakdown resolve_power(const preset_db& db, std::string_view accelerator, const power_request& req) {
  const auto given_pue = [&]() -> std::optional<double> {
    if (auto it = req.values.find("pue"); it != req.values.end()) return it->second;
    return std::nullopt;
  };
  if (const auto kw = parse_number(req.model)) {
    power_breakdown b = given_power(*kw, req.basis.value_or(power_basis::utility), given_pue(), req.values_source);
    b.accelerator = std::string(accelerator);
    return b;
  }
  const accelerator_preset* acc = db.find(accelerator);
  const std::string vintage = db.vintage(req.vintage);
  detail::parameter_picker pick{db, acc, req.values, req.values_source, {}};
  std::string model;
  for (char c : req.model) model += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));

  if (model == "components") {
    if (!acc && !req.values.count("tdp_w")) detail::no_preset(accelerator, db, "--tdp-w W and --host-w W (or --power KW_PER_GPU)");
    power_components c;
    c.tdp_w = pick.need("tdp_w", accelerator);
    if (req.values.count("host_w_per_gpu")) {
      c.host_w_per_gpu = *pick.find("host_w_per_gpu");
    } else if (const sourced_value* sys = acc ? acc->value("system_max_kw_per_gpu") : nullptr) {
      c.host_w_per_gpu = pick.derived("host_w_per_gpu", sys->value * 1000.0 - c.tdp_w,
                                      fmt::format("[derived] system maximum {} kW/GPU − TDP {} W; {}", detail::num(sys->value),
                                                  detail::num(c.tdp_w), detail::parameter_picker::describe(*sys)));
    } else {
      c.host_w_per_gpu = pick.need("host_w_per_gpu", accelerator);
    }
    c.nic_w_per_gpu = pick.need("nic_w_per_gpu", accelerator);
    c.switch_w_per_gpu = pick.need("switch_w_per_gpu", accelerator);
    c.other_it_w_per_gpu = pick.need("other_it_w_per_gpu", accelerator);
    c.pue = pick.need("pue", accelerator);
    power_breakdown b = component_power(c, req.basis.value_or(power_basis::utility), pick.sources);
    b.accelerator = std::string(accelerator);
    b.vintage = vintage;
    return b;
  }
  if (model != "preset")
    throw input_error({"", std::nullopt, std::nullopt, "power"},
                      fmt::format("unknown power model '{}': expected preset, components or a kW-per-GPU number", req.model));
  if (!acc) detail::no_preset(accelerator, db, "--cost USD_PER_GPU_HOUR and --power KW_PER_GPU");
  const sourced_value* p = acc->power(vintage);
  if (!p)
    throw input_error({"", std::nullopt, std::nullopt, "power"},
                      fmt::format("no power figure for {} in vintage {} (vintages with one: {}): give --power KW_PER_GPU or "
                                  "another --vintage",
                                  acc->key, vintage, detail::vintages_of(acc->kw_per_gpu)));
  const power_basis published = p->basis.value_or(power_basis::utility);
  const std::string described = detail::parameter_picker::describe(*p);
  power_breakdown b;
  b.model = "preset";
  b.accelerator = acc->key;
  b.vintage = vintage;
  b.assumptions.push_back({"kw_per_gpu", p->value, "kW", described});
  b.lines.push_back({published == power_basis::it ? "IT power (published)" : "all-in utility power (published)", p->value,
                     fmt::format("{} {} preset", acc->key, vintage)});
  const power_basis report = req.basis.value_or(published);
  double pue = std::numeric_limits<double>::quiet_NaN();
  if (report != published || given_pue()) {
    pue = pick.need("pue", accelerator);
    detail::require_range("pue", pue, 1, false);
    b.assumptions.push_back({"pue", pue, "ratio", pick.sources["pue"]});
  }
  if (published == power_basis::it) {
    b.it_kw_per_gpu = p->value;
    if (!std::isnan(pue)) b.utility_kw_per_gpu = p->value * pue;
  } else {
    b.utility_kw_per_gpu = p->value;
    if (!std::isnan(pue)) b.it_kw_per_gpu = p->value / pue;
  }
  if (b.it_kw_per_gpu && b.utility_kw_per_gpu) {
    b.facility_kw_per_gpu = *b.utility_kw_per_gpu - *b.it_kw_per_gpu;
    b.lines.push_back({published == power_basis::it ? "facility overhead (PUE)" : "of which facility overhead (PUE)",
                       *b.facility_kw_per_gpu, fmt::format("IT {} kW × (PUE {} − 1)", detail::num(*b.it_kw_per_gpu), detail::num(pue))});
  }
  b.basis = report;
  b.kw_per_gpu = report == power_basis::it ? *b.it_kw_per_gpu : *b.utility_kw_per_gpu;
  b.source = described;
  return b;
}

// ---------------------------------------------------------------------------------------------
// The two constants for economics.hpp
// ---------------------------------------------------------------------------------------------

/// How to price and power an accelerator's points.
struct economics_options {
  std::string cost = "hyperscaler";  ///< tier (hyperscaler, neocloud, rental), model (owned, rented) or $/GPU-hour
  std::string power = "preset";      ///< preset, components, or kW per GPU
  std::string vintage;               ///< empty: the presets' default (the newest)
  std::optional<power_basis> basis;  ///< see power_request::basis
  parameter_values values;           ///< model parameter overrides (capex_usd_per_gpu, pue, ...)
  std::string values_source = "given";
};

/// True when resolving needs the preset file (anything but a given cost and a given power).
inline bool needs_presets(const economics_options& o) noexcept {
  return !parse_number(o.cost) || !parse_number(o.power);
}

/// $/GPU-hour and kW/GPU for an accelerator, with labels saying where each came from.
inline economics_inputs resolve_economics(const preset_db& db, std::string_view accelerator, const economics_options& o) {
  const cost_breakdown c = resolve_cost(db, accelerator, {o.cost, o.vintage, o.values, o.values_source});
  const power_breakdown p = resolve_power(db, accelerator, {o.power, o.vintage, o.basis, o.values, o.values_source});
  economics_inputs in;
  in.usd_per_gpu_hour = c.usd_per_gpu_hour;
  in.kw_per_gpu = p.kw_per_gpu;
  in.basis = p.basis;
  in.cost_label = fmt::format("{}{}{}: ${}/GPU-h ({})", accelerator, accelerator.empty() ? "" : " ", c.model,
                              detail::num(c.usd_per_gpu_hour), c.vintage.empty() ? c.source : c.vintage);
  in.power_label = fmt::format("{}{}{}: {} kW/GPU {} basis ({})", accelerator, accelerator.empty() ? "" : " ", p.model,
                               detail::num(p.kw_per_gpu), to_string(p.basis), p.vintage.empty() ? p.source : p.vintage);
  return in;
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

inline void to_json(nlohmann::json& j, const breakdown_line& l) {
  j = {{"item", l.item}, {"value", l.value}, {"formula", l.formula}};
}
inline void to_json(nlohmann::json& j, const assumption& a) {
  j = {{"key", a.key}, {"value", a.value}, {"unit", a.unit}, {"source", a.source}};
}
inline void to_json(nlohmann::json& j, const cost_breakdown& b) {
  j = {{"model", b.model},       {"accelerator", b.accelerator}, {"vintage", b.vintage},
       {"usd_per_gpu_hour", b.usd_per_gpu_hour}, {"source", b.source}, {"lines", b.lines},
       {"assumptions", b.assumptions}};
}
inline void to_json(nlohmann::json& j, const power_breakdown& b) {
  auto opt = [](std::optional<double> v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  j = {{"model", b.model},
       {"accelerator", b.accelerator},
       {"vintage", b.vintage},
       {"kw_per_gpu", b.kw_per_gpu},
       {"basis", to_string(b.basis)},
       {"it_kw_per_gpu", opt(b.it_kw_per_gpu)},
       {"facility_kw_per_gpu", opt(b.facility_kw_per_gpu)},
       {"utility_kw_per_gpu", opt(b.utility_kw_per_gpu)},
       {"source", b.source},
       {"lines", b.lines},
       {"assumptions", b.assumptions}};
}
INFERLENS_END_NAMESPACE
