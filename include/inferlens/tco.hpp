// Where the two constants of a price come from: cost models producing $ per GPU-hour (given,
// owned, rented), power models producing kW per GPU (given, or built from components × PUE), and
// the preset database (data/accelerators.json, embedded at build time: every value with its
// source and vintage) with user overrides laid on top. Every model returns its breakdown so a
// reader can see why a number is what it is. pricing.hpp picks models and presets per
// accelerator; formulas and defaults: docs/economics.md.
#pragma once

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/stat.h>

#include "inferlens/detail/json.hpp"
#include "inferlens/detail/presets_data.hpp"
#include "inferlens/detail/text.hpp"
#include "inferlens/error.hpp"
#include "inferlens/record.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// What a kW-per-GPU figure includes. `it`: critical IT power (chip plus its share of host,
/// NICs and switches); `utility`: IT × PUE, the all-in provisioned utility power. InferenceX's
/// August-2025 figures are utility, its July-2026 ones IT (see docs/economics.md).
enum class power_basis : unsigned char { it, utility };

INFERLENS_LAZY constexpr std::string_view to_string(power_basis b) noexcept { return b == power_basis::it ? "it" : "utility"; }

/// "it" or "utility" (any case), or nothing.
INFERLENS_LAZY std::optional<power_basis> parse_power_basis(std::string_view s) noexcept {
  s = detail::trim(s);
  if (detail::iequals(s, "it")) return power_basis::it;
  if (detail::iequals(s, "utility")) return power_basis::utility;
  return std::nullopt;
}

inline constexpr double hours_per_year = 8760.0;  ///< 365 × 24
inline constexpr double hours_per_month = 730.0;  ///< 8760 / 12, as InferenceX's fleet planner

/// Capital recovery factor: the constant yearly payment, per $ borrowed, that repays a loan at
/// `rate` over `years`: r(1+r)^n / ((1+r)^n − 1), and 1/n at r = 0. No answer for n ≤ 0 or
/// r ≤ −1.
INFERLENS_LAZY std::optional<double> capital_recovery_factor(double rate, double years) noexcept {
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
// Parameters: one registry for names, units, valid ranges and defaults' documentation
// ---------------------------------------------------------------------------------------------

struct parameter_spec {
  std::string_view key;     ///< name in the model structs, presets, overrides and JSON output
  std::string_view unit;
  std::string_view models;  ///< models that use it: fixed, owned, rented, components
  std::string_view description;
  double min = 0;  ///< valid range: min < v (min_open) or min <= v, and v <= max (v < max when max_open)
  bool min_open = false;
  double max = std::numeric_limits<double>::infinity();
  bool max_open = false;
};

namespace detail {
inline constexpr double unbounded = std::numeric_limits<double>::infinity();
inline constexpr parameter_spec parameter_list[] = {
    {"usd_per_gpu_hour", "USD/GPU-h", "fixed", "all-in cost of one GPU for one hour", 0, true},
    {"kw_per_gpu", "kW", "fixed", "provisioned power per GPU, on its basis (IT or utility)", 0, true},
    {"capex_usd_per_gpu", "USD", "owned", "purchase price per GPU incl. its share of the server (CPU, memory, NICs, chassis); default: the preset where one is sourced (h100, gb200)", 0, true},
    {"network_capex_usd_per_gpu", "USD", "owned", "per-GPU share of the scale-out network (default 0)"},
    {"other_capex_usd_per_gpu", "USD", "owned", "per-GPU share of storage, installation and other capex (default 0)"},
    {"economic_life_years", "years", "owned", "economic life over which capex is recovered (default 4, SemiAnalysis)", 0, true},
    {"cost_of_capital", "1/year", "owned", "owner's cost of capital, used in the capital recovery factor (default 0.10)"},
    {"residual_fraction", "fraction", "owned", "resale value at the end of the life, as a fraction of capex (default 0)", 0, false, 1, true},
    {"it_kw_per_gpu", "kW", "owned", "critical IT power per GPU (chip + host/NIC/switch share), before PUE (default: the power preset of the vintage; a utility-basis figure / PUE)", 0, true},
    {"pue", "ratio", "owned components preset", "power usage effectiveness: facility power / IT power, >= 1 (default 1.25)", 1, false},
    {"usd_per_kwh", "USD/kWh", "owned", "electricity price (default 0.08, EIA US industrial)"},
    {"load_factor", "fraction", "owned", "average draw / provisioned IT power, decode never reaches TDP (default 0.75)", 0, false, 1, false},
    {"colo_usd_per_kw_month", "USD/kW-month", "owned", "colocation rent per kW of critical IT (default 184, CBRE H2-2024)"},
    {"maintenance_fraction_per_year", "1/year", "owned", "maintenance and support per year, as a fraction of capex (default 0)"},
    {"other_opex_usd_per_gpu_hour", "USD/GPU-h", "owned", "software, staff and other running costs (default 0)"},
    {"availability", "fraction", "owned", "fraction of hours the GPU can be sold; the cost of the rest is spread over them (default 1)", 0, true, 1, false},
    {"contract_usd_per_gpu_hour", "USD/GPU-h", "rented", "contract rate (default: the 3-year rental tier of the vintage)", 0, true},
    {"term_years", "years", "rented", "contract term (default 3)", 0, true},
    {"upfront_fraction", "fraction", "rented", "fraction of the whole contract paid at signing (default 0.25)", 0, false, 1, false},
    {"discount_rate", "1/year", "rented", "renter's cost of capital, to annualise the upfront payment (default 0.10)"},
    {"tdp_w", "W", "components", "accelerator TDP (default: the preset)", 0, true},
    {"host_w_per_gpu", "W", "components", "per-GPU share of host CPU, memory, NICs, fans (default: vendor system maximum / GPUs - TDP, where sourced)"},
    {"nic_w_per_gpu", "W", "components", "per-GPU NIC power not already in the host share (default 0)"},
    {"switch_w_per_gpu", "W", "components", "per-GPU share of network switches and storage (default 95)"},
    {"other_it_w_per_gpu", "W", "components", "any other IT power per GPU (default 0)"},
};
}  // namespace detail

/// Every parameter of the cost and power models, in a stable order.
INFERLENS_LAZY std::span<const parameter_spec> model_parameters() noexcept { return detail::parameter_list; }

INFERLENS_LAZY const parameter_spec* find_parameter(std::string_view key) noexcept {
  for (const auto& p : detail::parameter_list)
    if (p.key == key) return &p;
  return nullptr;
}

/// Where each parameter came from, by key.
using source_map = std::map<std::string, std::string, std::less<>>;

namespace detail {

/// The pieces, one after the other: the library's string building without iostreams or fmt.
INFERLENS_LAZY void append_piece(std::string& s, std::string_view v) { s += v; }
INFERLENS_LAZY void append_piece(std::string& s, char c) { s += c; }
template <class... T>
std::string concat(const T&... parts) {
  std::string s;
  (append_piece(s, parts), ...);
  return s;
}

/// How numbers appear in messages and formulas (printf's %.6g).
INFERLENS_LAZY std::string num(double v) { return general(v, 6); }

INFERLENS_LAZY [[noreturn]] inline void bad_parameter(std::string_view key, const std::string& message, const std::string& file = {}) {
  throw input_error({file, std::nullopt, std::nullopt, std::string(key)}, message);
}

/// "must be > 0", "must be >= 0 and <= 1".
INFERLENS_LAZY std::string range_text(const parameter_spec& p) {
  std::string r = concat(p.min_open ? "> " : ">= ", num(p.min));
  if (std::isfinite(p.max)) r += concat(" and ", p.max_open ? "< " : "<= ", num(p.max));
  return r;
}

INFERLENS_LAZY bool in_range(const parameter_spec& p, double v) noexcept {
  return std::isfinite(v) && (p.min_open ? v > p.min : v >= p.min) && (p.max_open ? v < p.max : v <= p.max);
}

/// Costs per GPU-hour and kW per GPU beyond these are no real figure (a denormal cost gives
/// "$4.9e-324/Mtok", a denormal power infinite tokens per MW): refused as out of range.
inline constexpr double min_cost_or_power = 1e-6, max_cost_or_power = 1e6;
INFERLENS_LAZY bool is_cost_or_power(std::string_view key) noexcept {
  return key == "usd_per_gpu_hour" || key == "kw_per_gpu" || key == "it_kw_per_gpu" || key == "contract_usd_per_gpu_hour";
}
/// The message for a positive cost or power figure outside [min, max], or empty.
INFERLENS_LAZY std::string implausible(double v) {
  if (!(v > 0) || (v >= min_cost_or_power && v <= max_cost_or_power)) return {};
  return concat("must be between ", num(min_cost_or_power), " and ", num(max_cost_or_power), ", got ", num(v),
                " (not a real cost or power figure)");
}

// Every model input: finite and inside its parameter's range. NaN reads as a value not given.
INFERLENS_LAZY void require_valid(std::string_view key, double v, const std::string& file = {}) {
  const parameter_spec& p = *find_parameter(key);
  if (in_range(p, v) && is_cost_or_power(key) && !implausible(v).empty()) bad_parameter(key, implausible(v), file);
  if (in_range(p, v)) return;
  if (std::isnan(v)) bad_parameter(key, "missing value", file);
  bad_parameter(key, concat("must be ", range_text(p), ", got ", num(v)), file);
}

INFERLENS_LAZY std::string source_of(const source_map& s, std::string_view key) {
  auto it = s.find(key);
  return it == s.end() ? std::string("given") : it->second;
}

INFERLENS_LAZY assumption make_assumption(std::string_view key, double v, const source_map& s) {
  const parameter_spec* p = find_parameter(key);
  return {std::string(key), v, p ? std::string(p->unit) : std::string(), source_of(s, key)};
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Cost models
// ---------------------------------------------------------------------------------------------

/// A rate given directly.
INFERLENS_LAZY cost_breakdown given_cost(double usd_per_gpu_hour, std::string source = "given") {
  detail::require_valid("usd_per_gpu_hour", usd_per_gpu_hour);
  cost_breakdown b;
  b.model = "given";
  b.usd_per_gpu_hour = usd_per_gpu_hour;
  b.lines.push_back({"given rate", usd_per_gpu_hour, "as given"});
  b.assumptions.push_back({"usd_per_gpu_hour", usd_per_gpu_hour, "USD/GPU-h", source});
  b.source = std::move(source);
  return b;
}

/// An owner's cost of one GPU-hour, every input known. Defaults are the library's
/// (docs/economics.md); the preset file carries the same values with their sources.
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
  INFERLENS_LAZY double total() const noexcept { return power + colocation + maintenance + other; }
};

namespace detail {
inline constexpr std::pair<std::string_view, double owned_cost_inputs::*> owned_fields[] = {
    {"capex_usd_per_gpu", &owned_cost_inputs::capex_usd_per_gpu},
    {"network_capex_usd_per_gpu", &owned_cost_inputs::network_capex_usd_per_gpu},
    {"other_capex_usd_per_gpu", &owned_cost_inputs::other_capex_usd_per_gpu},
    {"economic_life_years", &owned_cost_inputs::economic_life_years},
    {"cost_of_capital", &owned_cost_inputs::cost_of_capital},
    {"residual_fraction", &owned_cost_inputs::residual_fraction},
    {"it_kw_per_gpu", &owned_cost_inputs::it_kw_per_gpu},
    {"pue", &owned_cost_inputs::pue},
    {"usd_per_kwh", &owned_cost_inputs::usd_per_kwh},
    {"load_factor", &owned_cost_inputs::load_factor},
    {"colo_usd_per_kw_month", &owned_cost_inputs::colo_usd_per_kw_month},
    {"maintenance_fraction_per_year", &owned_cost_inputs::maintenance_fraction_per_year},
    {"other_opex_usd_per_gpu_hour", &owned_cost_inputs::other_opex_usd_per_gpu_hour},
    {"availability", &owned_cost_inputs::availability},
};
}  // namespace detail

/// @throws input_error naming the first missing or out-of-range input.
INFERLENS_LAZY void validate(const owned_cost_inputs& in) {
  for (const auto& [key, member] : detail::owned_fields) detail::require_valid(key, in.*member);
}

INFERLENS_LAZY double owned_capex_total(const owned_cost_inputs& in) noexcept {
  return in.capex_usd_per_gpu + in.network_capex_usd_per_gpu + in.other_capex_usd_per_gpu;
}

/// power = IT kW × load factor × PUE × $/kWh; colocation = IT kW × $/kW-month / 730 h;
/// maintenance = fraction × capex / 8760 h.
INFERLENS_LAZY owned_opex owned_opex_per_gpu_hour(const owned_cost_inputs& in) {
  validate(in);
  return {in.it_kw_per_gpu * in.load_factor * in.pue * in.usd_per_kwh, in.it_kw_per_gpu * in.colo_usd_per_kw_month / hours_per_month,
          in.maintenance_fraction_per_year * owned_capex_total(in) / hours_per_year, in.other_opex_usd_per_gpu_hour};
}

/// capital = (capex − residual × capex / (1+r)^n) × CRF(r, n) / 8760 h; total = (capital +
/// power + colocation + maintenance + other) / availability.
INFERLENS_LAZY cost_breakdown owned_cost(const owned_cost_inputs& in, const source_map& sources = {}) {
  validate(in);
  const double capex = owned_capex_total(in);
  const double crf = *capital_recovery_factor(in.cost_of_capital, in.economic_life_years);
  const double residual_now = in.residual_fraction * capex / std::pow(1.0 + in.cost_of_capital, in.economic_life_years);
  const double capital = (capex - residual_now) * crf / hours_per_year;
  const owned_opex o = owned_opex_per_gpu_hour(in);
  const double sum = capital + o.power + o.colocation + o.maintenance + o.other;
  const double total = sum / in.availability;

  using detail::concat;
  using detail::num;
  cost_breakdown b;
  b.model = "owned";
  const std::string crf_text = concat("CRF(", num(in.cost_of_capital), ", ", num(in.economic_life_years), " y) ", num(crf), " / 8760 h");
  b.lines.push_back({"capital", capital,
                     in.residual_fraction > 0
                         ? concat("(capex $", num(capex), " − residual $", num(in.residual_fraction * capex), " discounted) × ", crf_text)
                         : concat("capex $", num(capex), " × ", crf_text)});
  b.lines.push_back({"power", o.power,
                     concat(num(in.it_kw_per_gpu), " kW IT × load ", num(in.load_factor), " × PUE ", num(in.pue), " × $",
                            num(in.usd_per_kwh), "/kWh")});
  b.lines.push_back({"colocation", o.colocation,
                     concat(num(in.it_kw_per_gpu), " kW IT × $", num(in.colo_usd_per_kw_month), "/kW-month / 730 h")});
  b.lines.push_back({"maintenance", o.maintenance, concat(num(in.maintenance_fraction_per_year), " × capex $", num(capex), " / 8760 h")});
  b.lines.push_back({"other opex", o.other, "as given"});
  if (in.availability < 1)
    b.lines.push_back({"unsold hours", total - sum, concat("sum $", num(sum), " / availability ", num(in.availability), " − sum")});
  b.usd_per_gpu_hour = total;
  for (const auto& [key, member] : detail::owned_fields) b.assumptions.push_back(detail::make_assumption(key, in.*member, sources));
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

namespace detail {
INFERLENS_LAZY std::array<std::pair<std::string_view, double>, 4> rented_fields(const rented_cost_inputs& in) noexcept {
  return {{{"contract_usd_per_gpu_hour", in.contract_usd_per_gpu_hour},
           {"term_years", in.term_years},
           {"upfront_fraction", in.upfront_fraction},
           {"discount_rate", in.discount_rate}}};
}
}  // namespace detail

INFERLENS_LAZY void validate(const rented_cost_inputs& in) {
  for (const auto& [key, v] : detail::rented_fields(in)) detail::require_valid(key, v);
}

/// The upfront share u of the contract (u × rate × term × 8760 h, paid at signing) is
/// annualised at the renter's cost of capital: effective rate = rate × (1 − u) + rate × u ×
/// term × CRF(r, term). Power and facility are in the rate.
INFERLENS_LAZY cost_breakdown rented_cost(const rented_cost_inputs& in, const source_map& sources = {}) {
  validate(in);
  const double crf = *capital_recovery_factor(in.discount_rate, in.term_years);
  const double as_you_go = in.contract_usd_per_gpu_hour * (1.0 - in.upfront_fraction);
  const double upfront = in.contract_usd_per_gpu_hour * in.upfront_fraction * in.term_years * crf;
  using detail::concat;
  using detail::num;
  cost_breakdown b;
  b.model = "rented";
  b.lines.push_back({"pay as you go", as_you_go, concat("$", num(in.contract_usd_per_gpu_hour), " × (1 − upfront ", num(in.upfront_fraction), ")")});
  b.lines.push_back({"upfront, annualised", upfront,
                     concat("$", num(in.contract_usd_per_gpu_hour), " × ", num(in.upfront_fraction), " × ", num(in.term_years), " y × CRF(",
                            num(in.discount_rate), ", ", num(in.term_years), " y) ", num(crf))});
  b.usd_per_gpu_hour = as_you_go + upfront;
  for (const auto& [key, v] : detail::rented_fields(in)) b.assumptions.push_back(detail::make_assumption(key, v, sources));
  b.source = "rented model";
  return b;
}

// ---------------------------------------------------------------------------------------------
// Power models
// ---------------------------------------------------------------------------------------------

namespace detail {
// IT and utility from one figure on a basis and an optional PUE; facility = utility − IT.
INFERLENS_LAZY void fill_bases(power_breakdown& b, double kw, power_basis basis, std::optional<double> pue) {
  if (basis == power_basis::it) {
    b.it_kw_per_gpu = kw;
    if (pue) b.utility_kw_per_gpu = kw * *pue;
  } else {
    b.utility_kw_per_gpu = kw;
    if (pue) b.it_kw_per_gpu = kw / *pue;
  }
  if (b.it_kw_per_gpu && b.utility_kw_per_gpu) b.facility_kw_per_gpu = *b.utility_kw_per_gpu - *b.it_kw_per_gpu;
}
}  // namespace detail

/// A kW-per-GPU figure given directly, with what it includes. With a PUE, the other basis is
/// filled too (utility = IT × PUE).
INFERLENS_LAZY power_breakdown given_power(double kw_per_gpu, power_basis basis, std::optional<double> pue = std::nullopt,
                                   std::string source = "given") {
  detail::require_valid("kw_per_gpu", kw_per_gpu);
  if (pue) detail::require_valid("pue", *pue);
  power_breakdown b;
  b.model = "given";
  b.kw_per_gpu = kw_per_gpu;
  b.basis = basis;
  b.lines.push_back({basis == power_basis::it ? "IT power" : "all-in utility power", kw_per_gpu, "as given"});
  detail::fill_bases(b, kw_per_gpu, basis, pue);
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
INFERLENS_LAZY power_breakdown component_power(const power_components& c, power_basis report = power_basis::utility,
                                       const source_map& sources = {}) {
  const std::pair<std::string_view, double> inputs[] = {{"tdp_w", c.tdp_w},
                                                        {"host_w_per_gpu", c.host_w_per_gpu},
                                                        {"nic_w_per_gpu", c.nic_w_per_gpu},
                                                        {"switch_w_per_gpu", c.switch_w_per_gpu},
                                                        {"other_it_w_per_gpu", c.other_it_w_per_gpu},
                                                        {"pue", c.pue}};
  for (const auto& [key, v] : inputs) detail::require_valid(key, v);
  using detail::num;
  power_breakdown b;
  b.model = "components";
  b.lines.push_back({"accelerator TDP", c.tdp_w / 1000.0, num(c.tdp_w) + " W"});
  b.lines.push_back({"host share", c.host_w_per_gpu / 1000.0, num(c.host_w_per_gpu) + " W"});
  b.lines.push_back({"NICs", c.nic_w_per_gpu / 1000.0, num(c.nic_w_per_gpu) + " W"});
  b.lines.push_back({"switch share", c.switch_w_per_gpu / 1000.0, num(c.switch_w_per_gpu) + " W"});
  b.lines.push_back({"other IT", c.other_it_w_per_gpu / 1000.0, num(c.other_it_w_per_gpu) + " W"});
  const double it = (c.tdp_w + c.host_w_per_gpu + c.nic_w_per_gpu + c.switch_w_per_gpu + c.other_it_w_per_gpu) / 1000.0;
  const double utility = it * c.pue;
  b.lines.push_back({"facility overhead", utility - it, detail::concat("IT ", num(it), " kW × (PUE ", num(c.pue), " − 1)")});
  b.it_kw_per_gpu = it;
  b.utility_kw_per_gpu = utility;
  b.facility_kw_per_gpu = utility - it;
  b.basis = report;
  b.kw_per_gpu = report == power_basis::it ? it : utility;
  for (const auto& [key, v] : inputs) b.assumptions.push_back(detail::make_assumption(key, v, sources));
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

  /// "SOURCE [VINTAGE] (NOTE)": how an assumption's source is shown.
  INFERLENS_LAZY std::string described() const {
    std::string s = source;
    if (!vintage.empty()) s += detail::concat(" [", vintage, "]");
    if (!note.empty()) s += detail::concat(" (", note, ")");
    return s;
  }
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

  INFERLENS_LAZY const sourced_value* value(std::string_view k) const noexcept {
    auto it = values.find(k);
    return it == values.end() ? nullptr : &it->second;
  }
  INFERLENS_LAZY const sourced_value* cost(std::string_view vintage, std::string_view tier) const noexcept {
    for (std::string_view v : {vintage, any_vintage}) {
      auto it = cost_usd_per_gpu_hour.find(v);
      if (it == cost_usd_per_gpu_hour.end()) continue;
      auto t = it->second.find(tier);
      if (t != it->second.end()) return &t->second;
    }
    return nullptr;
  }
  INFERLENS_LAZY const sourced_value* power(std::string_view vintage) const noexcept {
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
  std::vector<std::string> files;  ///< where it was read from, in order ("data/accelerators.json (built in)", user files)

  /// The preset for an accelerator name: its key, an alias, or a raw label such as "b200-trt"
  /// or "GB200 NVL72" (normalised as the dashboard does); nullptr when none.
  INFERLENS_LAZY const accelerator_preset* find(std::string_view accelerator) const {
    for (const std::string& name : {detail::lower(detail::trim(accelerator)), normalize_accelerator(detail::trim(accelerator))}) {
      if (name.empty()) continue;
      if (auto it = accelerators.find(name); it != accelerators.end()) return &it->second;
      for (const auto& [k, a] : accelerators)
        for (const auto& alias : a.aliases)
          if (detail::iequals(alias, name)) return &a;
    }
    return nullptr;
  }

  /// "b200, b300, ..." or "none loaded".
  INFERLENS_LAZY std::string accelerator_names() const {
    std::vector<std::string_view> keys;
    for (const auto& [k, a] : accelerators) keys.push_back(k);
    return keys.empty() ? std::string("none loaded") : detail::join(keys);
  }

  /// The canonical vintage for a name or alias ("" is the default), or nothing when unknown.
  INFERLENS_LAZY std::optional<std::string> find_vintage(std::string_view name) const {
    name = detail::trim(name);
    if (name.empty()) {
      if (default_vintage.empty()) return std::nullopt;
      return default_vintage;
    }
    for (const auto& v : vintages) {
      if (detail::iequals(v.name, name)) return v.name;
      for (const auto& a : v.aliases)
        if (detail::iequals(a, name)) return v.name;
    }
    return std::nullopt;
  }

  /// The canonical vintage for a name or alias; empty means the default.
  /// @throws input_error (field "vintage") for an unknown name, listing the known ones.
  INFERLENS_LAZY std::string vintage(std::string_view name) const {
    if (auto v = find_vintage(name)) return *v;
    if (detail::trim(name).empty())
      throw input_error({"", std::nullopt, std::nullopt, "vintage"}, "the presets name no default vintage: give a vintage");
    std::vector<std::string_view> known;
    for (const auto& v : vintages) known.push_back(v.name);
    throw input_error({"", std::nullopt, std::nullopt, "vintage"},
                      detail::concat("unknown vintage '", detail::trim(name), "' (known: ", known.empty() ? "none" : detail::join(known), ")"));
  }

  INFERLENS_LAZY const sourced_value* default_value(std::string_view key) const noexcept {
    auto it = defaults.find(key);
    return it == defaults.end() ? nullptr : &it->second;
  }
};

namespace detail {

// The key path ("accelerators.h100.tdp_w.value") of the value where a document stops being
// valid JSON (a number overflowing a double, invalid UTF-8), so the error names the key.
INFERLENS_LAZY std::string json_path_of_error(std::string_view text) {
  std::vector<std::string> path;
  json_scanner in(text, utf8_bom_length(text));
  std::string scratch;
  const auto walk = [&](const auto& self, int depth) -> void {
    if (depth > json_scanner::max_depth) in.fail("too deep");
    const char c = in.peek();
    if (c == '{') {
      in.expect('{', "");
      if (in.consume('}')) return;
      do {
        path.emplace_back(in.string(scratch));
        in.expect(':', "");
        self(self, depth + 1);
        path.pop_back();
      } while (in.consume(','));
      in.expect('}', "");
    } else if (c == '[') {
      in.expect('[', "");
      if (in.consume(']')) return;
      std::size_t i = 0;
      do {
        path.push_back(concat("[", std::to_string(i++), "]"));
        self(self, depth + 1);
        path.pop_back();
      } while (in.consume(','));
      in.expect(']', "");
    } else {
      in.value(scratch, depth);
    }
  };
  try {
    walk(walk, 0);
  } catch (const json_syntax_error&) {
  }
  std::string out;
  for (const std::string& p : path) out += (out.empty() || p.front() == '[' ? "" : ".") + p;
  return out;
}

struct preset_parser {
  std::string file;
  bool strict;  // shipped data: every value needs value, source and vintage

  INFERLENS_LAZY [[noreturn]] void fail(const std::string& field, const std::string& message) const {
    throw input_error({file, std::nullopt, std::nullopt, field}, message);
  }

  INFERLENS_LAZY std::string text(const json_node& j, std::string_view key, const std::string& field, bool required) const {
    const json_node* v = j.find(key);
    if (!v) {
      if (required) fail(field, "missing");
      return {};
    }
    if (!v->is_string()) fail(field, "expected a string");
    return v->text;
  }

  // The checks a value gets wherever it is: finite; > 0 for a cost or a power figure; inside its
  // range for a model parameter; >= 0 for anything else (every preset is a physical quantity).
  INFERLENS_LAZY void check_value(const sourced_value& v, std::string_view key, const std::string& at, bool cost_or_power) const {
    if (!std::isfinite(v.value)) fail(at, "not a finite number");
    if (cost_or_power) {
      if (!(v.value > 0)) fail(at, concat("must be > 0, got ", num(v.value)));
      if (const std::string m = implausible(v.value); !m.empty()) fail(at, m);
    } else if (is_cost_or_power(key) && !implausible(v.value).empty()) {
      fail(at, implausible(v.value));
    } else if (const parameter_spec* p = find_parameter(key)) {
      if (!in_range(*p, v.value)) fail(at, concat("must be ", range_text(*p), ", got ", num(v.value)));
    } else if (v.value < 0) {
      fail(at, concat("must be >= 0, got ", num(v.value)));
    }
  }

  // A value: {"value": N, "source": "...", "vintage": "...", "note"?, "basis"?}; user files may
  // give a bare number or leave out source and vintage.
  INFERLENS_LAZY sourced_value value(const json_node& j, std::string_view key, const std::string& field, std::string_view vintage_key,
                      bool power, bool cost_or_power) const {
    sourced_value v;
    for (const json_node* n : {&j, j.find("value")})
      if (n && n->overflow) fail(n == &j ? field : field + ".value", concat("the number ", n->text, " overflows a double"));
    if (j.is_number() && !strict) {
      v.value = j.number();
    } else {
      if (!j.is_object()) fail(field, strict ? "expected {\"value\", \"source\", \"vintage\"}" : "expected a number or an object with \"value\"");
      const json_node* n = j.find("value");
      if (!n || !n->is_number()) fail(field + ".value", "expected a number");
      v.value = n->number();
      v.source = text(j, "source", field + ".source", strict);
      v.vintage = text(j, "vintage", field + ".vintage", strict);
      v.note = text(j, "note", field + ".note", false);
      const std::string b = text(j, "basis", field + ".basis", strict && power);
      if (!b.empty()) {
        v.basis = parse_power_basis(b);
        if (!v.basis) fail(field + ".basis", concat("expected \"it\" or \"utility\", got \"", b, "\""));
      }
    }
    check_value(v, key, j.is_number() ? field : field + ".value", cost_or_power);
    if (strict && v.source.empty()) fail(field + ".source", "empty");
    if (strict && v.vintage.empty()) fail(field + ".vintage", "empty");
    if (v.source.empty()) v.source = "user file " + file;
    if (v.vintage.empty()) v.vintage = vintage_key == any_vintage || vintage_key.empty() ? "user" : std::string(vintage_key);
    if (power && !v.basis) v.basis = power_basis::utility;  // InferenceX labels its figure "all-in utility"
    return v;
  }

  INFERLENS_LAZY static bool value_like(const json_node& j) { return j.is_number() || (j.is_object() && j.find("value")); }

  INFERLENS_LAZY std::vector<std::string> strings(const json_node& j, const std::string& field) const {
    std::vector<std::string> out;
    if (!j.is_array()) fail(field, "expected an array of strings");
    for (const auto& s : j.children) {
      if (!s.is_string()) fail(field, "expected an array of strings");
      out.push_back(s.text);
    }
    return out;
  }

  INFERLENS_LAZY accelerator_preset accelerator(const std::string& key, const json_node& j) const {
    const std::string base = "accelerators." + key;
    if (!j.is_object()) fail(base, "expected an object");
    accelerator_preset a;
    a.key = key;
    for (std::size_t i = 0; i < j.keys.size(); ++i) {
      const std::string& k = j.keys[i];
      const json_node& v = j.children[i];
      const std::string field = base + "." + k;
      if (k == "name") {
        if (!v.is_string()) fail(field, "expected a string");
        a.name = v.text;
      } else if (k == "aliases") {
        a.aliases = strings(v, field);
      } else if (k == "cost_usd_per_gpu_hour") {
        if (!v.is_object()) fail(field, "expected {VINTAGE: {TIER: value}}");
        // user files may skip the vintage level: {TIER: value} applies to every vintage
        if (!strict && !v.children.empty() && value_like(v.children.front())) {
          for (std::size_t t = 0; t < v.keys.size(); ++t)
            a.cost_usd_per_gpu_hour[std::string(any_vintage)][v.keys[t]] =
                value(v.children[t], v.keys[t], field + "." + v.keys[t], any_vintage, false, true);
          continue;
        }
        for (std::size_t n = 0; n < v.keys.size(); ++n) {
          const std::string& vint = v.keys[n];
          const json_node& tiers = v.children[n];
          if (!tiers.is_object()) fail(field + "." + vint, "expected {TIER: value}");
          for (std::size_t t = 0; t < tiers.keys.size(); ++t)
            a.cost_usd_per_gpu_hour[vint][tiers.keys[t]] =
                value(tiers.children[t], tiers.keys[t], field + "." + vint + "." + tiers.keys[t], vint, false, true);
        }
      } else if (k == "kw_per_gpu") {
        if (!strict && value_like(v)) {
          a.kw_per_gpu[std::string(any_vintage)] = value(v, k, field, any_vintage, true, true);
          continue;
        }
        if (!v.is_object()) fail(field, "expected {VINTAGE: value}");
        for (std::size_t n = 0; n < v.keys.size(); ++n)
          a.kw_per_gpu[v.keys[n]] = value(v.children[n], k, field + "." + v.keys[n], v.keys[n], true, true);
      } else {
        a.values[k] = value(v, k, field, any_vintage, false, false);
      }
    }
    if (a.name.empty()) a.name = key;
    return a;
  }

  INFERLENS_LAZY preset_db parse(std::string_view document) const {
    json_node j;
    try {
      j = parse_json(document);
    } catch (const json_syntax_error& e) {
      throw input_error({file, std::nullopt, e.byte, json_path_of_error(document)}, "invalid JSON: " + e.message);
    }
    if (!j.is_object()) fail("", "expected a JSON object");
    preset_db db;
    db.files.push_back(file);
    if (strict) {
      const json_node* format = j.find("format");
      if (!format || !format->is_string() || format->text != "inferlens-presets")
        fail("format", "expected \"inferlens-presets\" (is this an inferlens preset file?)");
    }
    if (j.find("default_vintage")) db.default_vintage = text(j, "default_vintage", "default_vintage", true);
    if (const json_node* vs = j.find("vintages")) {
      if (!vs->is_array()) fail("vintages", "expected an array");
      for (std::size_t i = 0; i < vs->children.size(); ++i) {
        const json_node& v = vs->children[i];
        const std::string field = concat("vintages[", std::to_string(i), "]");
        if (!v.is_object()) fail(field, "expected an object");
        vintage_info info;
        info.name = text(v, "name", field + ".name", true);
        if (const json_node* al = v.find("aliases")) info.aliases = strings(*al, field + ".aliases");
        info.title = text(v, "title", field + ".title", false);
        info.used = text(v, "used", field + ".used", false);
        db.vintages.push_back(std::move(info));
      }
    }
    if (const json_node* d = j.find("defaults")) {
      if (!d->is_object()) fail("defaults", "expected an object");
      for (std::size_t i = 0; i < d->keys.size(); ++i)
        db.defaults[d->keys[i]] = value(d->children[i], d->keys[i], "defaults." + d->keys[i], any_vintage, false, false);
    }
    if (const json_node* accs = j.find("accelerators")) {
      if (!accs->is_object()) fail("accelerators", "expected an object");
      for (std::size_t i = 0; i < accs->keys.size(); ++i) {
        const std::string key = lower(accs->keys[i]);
        db.accelerators[key] = accelerator(key, accs->children[i]);
      }
    }
    if (strict) check(db);
    return db;
  }

  // Every vintage a value is filed under is declared; the default vintage exists.
  INFERLENS_LAZY void check(const preset_db& db) const {
    auto declared = [&](std::string_view v) {
      if (v == any_vintage) return true;
      for (const auto& d : db.vintages)
        if (d.name == v) return true;
      return false;
    };
    if (!db.default_vintage.empty() && !declared(db.default_vintage))
      fail("default_vintage", concat("'", db.default_vintage, "' is not declared in \"vintages\""));
    for (const auto& [k, a] : db.accelerators) {
      for (const auto& [v, tiers] : a.cost_usd_per_gpu_hour)
        if (!declared(v)) fail(concat("accelerators.", k, ".cost_usd_per_gpu_hour.", v), "vintage not declared in \"vintages\"");
      for (const auto& [v, p] : a.kw_per_gpu)
        if (!declared(v)) fail(concat("accelerators.", k, ".kw_per_gpu.", v), "vintage not declared in \"vintages\"");
    }
  }
};

// (A path as a string, which a std::filesystem::path converts to: <filesystem> alone costs as
// much to compile as the rest of this header.)
/// The largest preset or override file read (they are a few kB; this bounds a wrong path such as
/// a device or a log).
inline constexpr std::size_t max_preset_file_bytes = std::size_t{16} << 20;

INFERLENS_LAZY std::string read_text_file(const std::string& path) {
  const auto fail = [&](const std::string& m) { throw input_error({path, std::nullopt, std::nullopt, ""}, m); };
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) fail(std::string("cannot open the file (") + std::strerror(errno) + ")");
  if (S_ISDIR(st.st_mode)) fail("is a directory, not a file");
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) fail("not a regular file (a device or socket)");
  const std::string limit = "larger than the limit of " + std::to_string(max_preset_file_bytes) + " bytes";
  if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > max_preset_file_bytes) fail(limit);
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) fail("cannot open the file");
  std::string text;
  char buf[65536];
  bool too_large = false;
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) {
    if (text.size() + n > max_preset_file_bytes) {
      too_large = true;
      break;
    }
    text.append(buf, n);
  }
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (too_large) fail(limit);
  if (failed) fail("cannot read the file");
  return text;
}

}  // namespace detail

/// Parse a preset document. `strict` (the shipped data) requires every value as {"value",
/// "source", "vintage"} and power figures with a "basis"; otherwise (a user's overrides) bare
/// numbers are fine and take "user file NAME" as their source. Either way a value that is not
/// finite, a cost or power figure that is not > 0, and a model parameter out of its range
/// (model_parameters()) are errors naming `origin` and the key path.
/// @throws input_error
INFERLENS_LAZY preset_db parse_presets(std::string_view document, const std::string& origin, bool strict) {
  return detail::preset_parser{origin, strict}.parse(document);
}

/// Load a full preset file (the shipped one's schema), strictly validated.
INFERLENS_LAZY preset_db load_presets(const std::string& path) {
  return parse_presets(detail::read_text_file(path), path, true);
}

/// The presets shipped with the library (data/accelerators.json, embedded at build time): parsed
/// once, on first use, thread-safely.
INFERLENS_LAZY const preset_db& shipped_presets() {
  static const preset_db db = parse_presets(detail::accelerators_json, "data/accelerators.json (built in)", true);
  return db;
}

/// Lay `overlay` over `base`: its values replace the base's, value by value; a value filed
/// under any vintage ("*") replaces that value in every vintage.
INFERLENS_LAZY void merge_presets(preset_db& base, const preset_db& overlay) {
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
/// @throws input_error naming the file and the key path of a bad value
INFERLENS_LAZY void merge_presets_file(preset_db& base, const std::string& path) {
  merge_presets(base, parse_presets(detail::read_text_file(path), path, false));
}

INFERLENS_END_NAMESPACE
