// Pricing as a value: how an accelerator's GPU-hour is costed (a published InferenceX tier of a
// vintage, a fixed rate, an owner's or a renter's model) and how its power is provisioned (the
// preset of a vintage, a fixed figure, or components × PUE), each a plain struct with named
// units, over a preset database (the shipped one unless told otherwise).
//
//   const auto price = inferlens::pricing::preset(inferlens::tier::neocloud);
//   if (const auto r = price.resolve("b200-trt")) use(r->usd_per_gpu_hour, r->kw_per_gpu);
//   else report(r.reason);  // e.g. no preset for the accelerator: never an exception
//
// resolve() is what frontiers call per system: an accelerator without a preset, a tier or a
// vintage gets a result with the reason, so one system never aborts the others.
#pragma once

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "inferlens/detail/text.hpp"
#include "inferlens/error.hpp"
#include "inferlens/tco.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// InferenceX's published cost tiers: "Owning - Hyperscaler" (costh), "Owning - Neocloud Giant"
/// (costn) and "3 Year Rental" (costr).
enum class tier : unsigned char { hyperscaler, neocloud, rental };

/// The tier's key in the presets: "hyperscaler", "neocloud", "rental".
INFERLENS_LAZY constexpr std::string_view to_string(tier t) noexcept {
  return t == tier::hyperscaler ? "hyperscaler" : t == tier::neocloud ? "neocloud" : "rental";
}

/// A tier by name (any case): hyperscaler, neocloud, rental, InferenceX's costh, costn, costr,
/// and the spellings owning-hyperscaler, hyperscaler-owner, h, owning-neocloud, neocloud-giant,
/// neocloud-owner, n, 3yr-rental, rental-3y, 3-year-rental, r.
INFERLENS_LAZY std::optional<tier> parse_tier(std::string_view name) noexcept {
  struct alias {
    std::string_view name;
    tier t;
  };
  static constexpr alias aliases[] = {
      {"hyperscaler", tier::hyperscaler}, {"costh", tier::hyperscaler},   {"owning-hyperscaler", tier::hyperscaler},
      {"hyperscaler-owner", tier::hyperscaler}, {"h", tier::hyperscaler}, {"neocloud", tier::neocloud},
      {"costn", tier::neocloud},          {"owning-neocloud", tier::neocloud}, {"neocloud-giant", tier::neocloud},
      {"neocloud-owner", tier::neocloud}, {"n", tier::neocloud},          {"rental", tier::rental},
      {"costr", tier::rental},            {"3yr-rental", tier::rental},   {"rental-3y", tier::rental},
      {"3-year-rental", tier::rental},    {"r", tier::rental},
  };
  name = detail::trim(name);
  for (const alias& a : aliases)
    if (detail::iequals(a.name, name)) return a.t;
  return std::nullopt;
}

/// What one accelerator's GPU-hour costs and the power it is provisioned at, resolved, with
/// where each number came from.
struct resolved_pricing {
  std::string accelerator;  ///< the preset's key where presets were used ("b200"), else the name as asked
  double usd_per_gpu_hour = std::numeric_limits<double>::quiet_NaN();
  double kw_per_gpu = std::numeric_limits<double>::quiet_NaN();
  power_basis basis = power_basis::utility;  ///< what kw_per_gpu includes
  std::string cost_source;   ///< one line, e.g. "tier hyperscaler, presets 2026-07: SemiAnalysis ... [2026-07]"
  std::string power_source;  ///< one line, e.g. "preset, presets 2026-07: InferenceX-app ... [2026-07]"
  cost_breakdown cost;       ///< the model behind usd_per_gpu_hour, line by line
  power_breakdown power;     ///< the model behind kw_per_gpu
};

/// A price for one accelerator, or why there is none.
struct pricing_result {
  std::optional<resolved_pricing> value;
  std::string reason;  ///< set when there is no value, e.g. "no preset for accelerator 'rtx6000' (...)"
  std::string field;   ///< what the reason is about: "accelerator", "tier", "power", "vintage" or a parameter key

  explicit operator bool() const noexcept { return value.has_value(); }
  /// @throws std::bad_optional_access when there is no value
  const resolved_pricing& operator*() const { return value.value(); }
  const resolved_pricing* operator->() const { return &value.value(); }
};

// ---------------------------------------------------------------------------------------------
// Cost models. An unset optional means "the preset of the accelerator, else the presets'
// default" (model_parameters() documents each); an empty vintage means the presets' default.
// ---------------------------------------------------------------------------------------------

/// An InferenceX tier of a published vintage, from the presets.
struct published_tier {
  inferlens::tier level = tier::hyperscaler;
  std::string vintage;
};

/// A rate given directly, for every accelerator.
struct fixed_rate {
  double usd_per_gpu_hour = std::numeric_limits<double>::quiet_NaN();
};

/// An owner's cost: capex recovered over the economic life at the cost of capital, plus power,
/// colocation, maintenance and other running costs, spread over the hours sold.
struct owner_model {
  std::optional<double> capex_usd_per_gpu, network_capex_usd_per_gpu, other_capex_usd_per_gpu;  ///< USD
  std::optional<double> economic_life_years;            ///< years
  std::optional<double> cost_of_capital;                ///< 1/year
  std::optional<double> residual_fraction;              ///< of capex, at the end of the life
  std::optional<double> it_kw_per_gpu;                  ///< kW IT; default the vintage's preset power (utility / PUE)
  std::optional<double> pue;                            ///< ratio >= 1
  std::optional<double> usd_per_kwh;                    ///< USD/kWh
  std::optional<double> load_factor;                    ///< average / provisioned power
  std::optional<double> colo_usd_per_kw_month;          ///< USD per kW IT per month
  std::optional<double> maintenance_fraction_per_year;  ///< of capex, per year
  std::optional<double> other_opex_usd_per_gpu_hour;    ///< USD/GPU-h
  std::optional<double> availability;                   ///< fraction of hours sold
  std::string vintage;                                  ///< of the preset power
};

/// A renter's cost: a contract rate with its upfront part annualised.
struct renter_model {
  std::optional<double> contract_usd_per_gpu_hour;  ///< USD/GPU-h; default the vintage's rental tier
  std::optional<double> term_years;                 ///< years
  std::optional<double> upfront_fraction;           ///< of the whole contract, paid at signing
  std::optional<double> discount_rate;              ///< 1/year
  std::string vintage;                              ///< of the rental tier
};

// ---------------------------------------------------------------------------------------------
// Power models
// ---------------------------------------------------------------------------------------------

/// The accelerator's published figure of a vintage; reported on `basis` (default: as published,
/// converted with the PUE otherwise).
struct preset_power {
  std::string vintage;
  std::optional<power_basis> basis;
  std::optional<double> pue;  ///< for the conversion; default the presets'
};

/// A figure given directly, for every accelerator; with a PUE the other basis is known too.
struct fixed_power {
  double kw_per_gpu = std::numeric_limits<double>::quiet_NaN();
  power_basis basis = power_basis::utility;  ///< InferenceX's figures are "all-in"
  std::optional<double> pue;
};

/// IT power from its parts (TDP + host + NIC + switch + other), facility overhead by PUE.
struct component_power_model {
  std::optional<double> tdp_w, host_w_per_gpu, nic_w_per_gpu, switch_w_per_gpu, other_it_w_per_gpu;  ///< W per GPU
  std::optional<double> pue;
  power_basis basis = power_basis::utility;  ///< which figure to report
};

namespace detail {
template <class Model>
struct model_field {
  std::string_view key;
  std::optional<double> Model::*member;
};
inline constexpr model_field<owner_model> owner_fields[] = {
    {"capex_usd_per_gpu", &owner_model::capex_usd_per_gpu},
    {"network_capex_usd_per_gpu", &owner_model::network_capex_usd_per_gpu},
    {"other_capex_usd_per_gpu", &owner_model::other_capex_usd_per_gpu},
    {"economic_life_years", &owner_model::economic_life_years},
    {"cost_of_capital", &owner_model::cost_of_capital},
    {"residual_fraction", &owner_model::residual_fraction},
    {"it_kw_per_gpu", &owner_model::it_kw_per_gpu},
    {"pue", &owner_model::pue},
    {"usd_per_kwh", &owner_model::usd_per_kwh},
    {"load_factor", &owner_model::load_factor},
    {"colo_usd_per_kw_month", &owner_model::colo_usd_per_kw_month},
    {"maintenance_fraction_per_year", &owner_model::maintenance_fraction_per_year},
    {"other_opex_usd_per_gpu_hour", &owner_model::other_opex_usd_per_gpu_hour},
    {"availability", &owner_model::availability},
};
inline constexpr model_field<renter_model> renter_fields[] = {
    {"contract_usd_per_gpu_hour", &renter_model::contract_usd_per_gpu_hour},
    {"term_years", &renter_model::term_years},
    {"upfront_fraction", &renter_model::upfront_fraction},
    {"discount_rate", &renter_model::discount_rate},
};
inline constexpr model_field<component_power_model> component_fields[] = {
    {"tdp_w", &component_power_model::tdp_w},
    {"host_w_per_gpu", &component_power_model::host_w_per_gpu},
    {"nic_w_per_gpu", &component_power_model::nic_w_per_gpu},
    {"switch_w_per_gpu", &component_power_model::switch_w_per_gpu},
    {"other_it_w_per_gpu", &component_power_model::other_it_w_per_gpu},
    {"pue", &component_power_model::pue},
};
INFERLENS_LAZY std::span<const model_field<owner_model>> fields_of(const owner_model&) noexcept { return owner_fields; }
INFERLENS_LAZY std::span<const model_field<renter_model>> fields_of(const renter_model&) noexcept { return renter_fields; }
INFERLENS_LAZY std::span<const model_field<component_power_model>> fields_of(const component_power_model&) noexcept {
  return component_fields;
}

// A given value must be a number inside its parameter's range.
INFERLENS_LAZY void check_given(std::string_view key, const std::optional<double>& v) {
  if (!v) return;
  const parameter_spec& p = *find_parameter(key);
  if (in_range(p, *v) && is_cost_or_power(key) && !implausible(*v).empty()) bad_parameter(key, implausible(*v));
  if (in_range(p, *v)) return;
  bad_parameter(key, concat("must be ", range_text(p), ", got ", num(*v)));
}

INFERLENS_LAZY std::string given_parameters(const auto& model) {
  std::string s;
  for (const auto& f : fields_of(model))
    if (model.*f.member) s += concat(", ", f.key, " ", num(*(model.*f.member)));
  return s;
}
}  // namespace detail

/// Sets the parameter called `key` (see model_parameters()) of a model; false when the model has
/// no parameter of that name.
template <class Model>
  requires requires(const Model& m) { detail::fields_of(m); }
bool set_parameter(Model& model, std::string_view key, double value) {
  for (const auto& f : detail::fields_of(model))
    if (f.key == key) {
      model.*f.member = value;
      return true;
    }
  return false;
}

namespace detail {

// Picks each model parameter: given, else the accelerator's preset, else the presets' defaults.
struct parameter_picker {
  const preset_db& db;
  const accelerator_preset* acc;
  source_map sources;

  INFERLENS_LAZY std::optional<double> find(std::string_view key, const std::optional<double>& given) {
    if (given) {
      sources[std::string(key)] = "given";
      return given;
    }
    const sourced_value* v = acc ? acc->value(key) : nullptr;
    if (!v) v = db.default_value(key);
    if (!v) return std::nullopt;
    sources[std::string(key)] = v->described();
    return v->value;
  }

  INFERLENS_LAZY double need(std::string_view key, const std::optional<double>& given, std::string_view accelerator) {
    if (auto v = find(key, given)) return *v;
    bad_parameter(key, accelerator.empty() ? std::string("no value given and none in the presets")
                                           : concat("no value given and none in the presets for '", accelerator, "'"));
  }

  INFERLENS_LAZY double derived(std::string_view key, double v, std::string source) {
    sources[std::string(key)] = std::move(source);
    return v;
  }
};

INFERLENS_LAZY [[noreturn]] inline void no_preset(std::string_view accelerator, const preset_db& db, std::string_view remedy) {
  if (accelerator.empty())
    throw input_error({"", std::nullopt, std::nullopt, "accelerator"},
                      concat("no accelerator to look up in the presets (none named, or the points span several): ", remedy));
  throw input_error({"", std::nullopt, std::nullopt, "accelerator"},
                    concat("no preset for accelerator '", accelerator, "' (presets: ", db.accelerator_names(), "): ", remedy));
}

INFERLENS_LAZY std::string tiers_of(const accelerator_preset& a, std::string_view vintage) {
  std::vector<std::string_view> tiers;
  for (std::string_view v : {vintage, any_vintage})
    if (auto it = a.cost_usd_per_gpu_hour.find(v); it != a.cost_usd_per_gpu_hour.end())
      for (const auto& [t, x] : it->second)
        if (std::find(tiers.begin(), tiers.end(), t) == tiers.end()) tiers.push_back(t);
  return tiers.empty() ? std::string("none") : join(tiers);
}

template <class Map>
std::string vintages_of(const Map& m) {
  std::vector<std::string_view> vs;
  for (const auto& [v, x] : m) vs.push_back(v);
  return vs.empty() ? std::string("none") : join(vs);
}

// --- cost ---

INFERLENS_LAZY cost_breakdown cost_for(const preset_db& db, std::string_view accelerator, const published_tier& m) {
  const accelerator_preset* acc = db.find(accelerator);
  if (!acc) no_preset(accelerator, db, "price it with a fixed rate and power, or add it to the presets");
  const std::string vintage = db.vintage(m.vintage);
  const std::string_view name = to_string(m.level);
  const sourced_value* v = acc->cost(vintage, name);
  if (!v)
    throw input_error({"", std::nullopt, std::nullopt, "tier"},
                      concat("no '", name, "' cost for ", acc->key, " in vintage ", vintage, " (tiers there: ", tiers_of(*acc, vintage),
                             "; vintages with costs: ", vintages_of(acc->cost_usd_per_gpu_hour),
                             "): choose another tier or vintage, or a fixed rate"));
  cost_breakdown b;
  b.model = concat("tier ", name);
  b.accelerator = acc->key;
  b.vintage = vintage;
  b.usd_per_gpu_hour = v->value;
  b.source = v->described();
  b.lines.push_back({concat(name, " tier"), v->value, concat(acc->key, " ", vintage, " preset")});
  b.assumptions.push_back({"usd_per_gpu_hour", v->value, "USD/GPU-h", b.source});
  return b;
}

INFERLENS_LAZY cost_breakdown cost_for(const preset_db&, std::string_view accelerator, const fixed_rate& m) {
  cost_breakdown b = given_cost(m.usd_per_gpu_hour);
  b.accelerator = std::string(accelerator);
  return b;
}

// The accelerator's IT kW for the owned model: its preset power, divided by PUE when that
// figure is on the utility basis.
INFERLENS_LAZY double owned_it_kw(parameter_picker& pick, const owner_model& m, std::string_view accelerator, const std::string& vintage,
                          double pue) {
  if (m.it_kw_per_gpu) return *pick.find("it_kw_per_gpu", m.it_kw_per_gpu);
  if (pick.acc)
    if (const sourced_value* p = pick.acc->power(vintage)) {
      if (p->basis == power_basis::it) return pick.derived("it_kw_per_gpu", p->value, p->described());
      return pick.derived("it_kw_per_gpu", p->value / pue,
                          concat("[derived] utility ", num(p->value), " kW / PUE ", num(pue), "; ", p->described()));
    }
  return pick.need("it_kw_per_gpu", std::nullopt, accelerator);
}

INFERLENS_LAZY cost_breakdown cost_for(const preset_db& db, std::string_view accelerator, const owner_model& m) {
  const accelerator_preset* acc = db.find(accelerator);
  const std::string vintage = db.find_vintage(m.vintage).value_or(std::string());
  parameter_picker pick{db, acc, {}};
  owned_cost_inputs in;
  in.capex_usd_per_gpu = pick.need("capex_usd_per_gpu", m.capex_usd_per_gpu, accelerator);
  in.network_capex_usd_per_gpu = pick.need("network_capex_usd_per_gpu", m.network_capex_usd_per_gpu, accelerator);
  in.other_capex_usd_per_gpu = pick.need("other_capex_usd_per_gpu", m.other_capex_usd_per_gpu, accelerator);
  in.economic_life_years = pick.need("economic_life_years", m.economic_life_years, accelerator);
  in.cost_of_capital = pick.need("cost_of_capital", m.cost_of_capital, accelerator);
  in.residual_fraction = pick.need("residual_fraction", m.residual_fraction, accelerator);
  in.pue = pick.need("pue", m.pue, accelerator);
  in.it_kw_per_gpu = owned_it_kw(pick, m, accelerator, vintage, in.pue);
  in.usd_per_kwh = pick.need("usd_per_kwh", m.usd_per_kwh, accelerator);
  in.load_factor = pick.need("load_factor", m.load_factor, accelerator);
  in.colo_usd_per_kw_month = pick.need("colo_usd_per_kw_month", m.colo_usd_per_kw_month, accelerator);
  in.maintenance_fraction_per_year = pick.need("maintenance_fraction_per_year", m.maintenance_fraction_per_year, accelerator);
  in.other_opex_usd_per_gpu_hour = pick.need("other_opex_usd_per_gpu_hour", m.other_opex_usd_per_gpu_hour, accelerator);
  in.availability = pick.need("availability", m.availability, accelerator);
  cost_breakdown b = owned_cost(in, pick.sources);
  b.accelerator = acc ? acc->key : std::string(accelerator);
  b.vintage = vintage;
  return b;
}

INFERLENS_LAZY cost_breakdown cost_for(const preset_db& db, std::string_view accelerator, const renter_model& m) {
  const accelerator_preset* acc = db.find(accelerator);
  const std::string vintage = db.find_vintage(m.vintage).value_or(std::string());
  parameter_picker pick{db, acc, {}};
  rented_cost_inputs in;
  const sourced_value* rental = acc ? acc->cost(vintage, to_string(tier::rental)) : nullptr;
  if (m.contract_usd_per_gpu_hour) {
    in.contract_usd_per_gpu_hour = *pick.find("contract_usd_per_gpu_hour", m.contract_usd_per_gpu_hour);
  } else if (rental) {
    in.contract_usd_per_gpu_hour = pick.derived("contract_usd_per_gpu_hour", rental->value, "rental tier: " + rental->described());
  } else if (!acc) {
    no_preset(accelerator, db, "give the contract rate, or add it to the presets");
  } else {
    bad_parameter("contract_usd_per_gpu_hour", concat("no rental tier for ", acc->key, " in vintage ", vintage.empty() ? "(none)" : vintage,
                                                      ": give the contract rate"));
  }
  in.term_years = pick.need("term_years", m.term_years, accelerator);
  in.upfront_fraction = pick.need("upfront_fraction", m.upfront_fraction, accelerator);
  in.discount_rate = pick.need("discount_rate", m.discount_rate, accelerator);
  cost_breakdown b = rented_cost(in, pick.sources);
  b.accelerator = acc ? acc->key : std::string(accelerator);
  b.vintage = vintage;
  return b;
}

// --- power ---

INFERLENS_LAZY power_breakdown power_for(const preset_db& db, std::string_view accelerator, const preset_power& m) {
  const accelerator_preset* acc = db.find(accelerator);
  if (!acc) no_preset(accelerator, db, "give its power, or add it to the presets");
  const std::string vintage = db.vintage(m.vintage);
  const sourced_value* p = acc->power(vintage);
  if (!p)
    throw input_error({"", std::nullopt, std::nullopt, "power"},
                      concat("no power figure for ", acc->key, " in vintage ", vintage, " (vintages with one: ", vintages_of(acc->kw_per_gpu),
                             "): choose another vintage or give the power"));
  parameter_picker pick{db, acc, {}};
  const power_basis published = p->basis.value_or(power_basis::utility);
  const std::string described = p->described();
  power_breakdown b;
  b.model = "preset";
  b.accelerator = acc->key;
  b.vintage = vintage;
  b.assumptions.push_back({"kw_per_gpu", p->value, "kW", described});
  b.lines.push_back({published == power_basis::it ? "IT power (published)" : "all-in utility power (published)", p->value,
                     concat(acc->key, " ", vintage, " preset")});
  const power_basis report = m.basis.value_or(published);
  std::optional<double> pue;
  if (report != published || m.pue) {
    pue = pick.need("pue", m.pue, accelerator);
    require_valid("pue", *pue);
    b.assumptions.push_back({"pue", *pue, "ratio", pick.sources["pue"]});
  }
  fill_bases(b, p->value, published, pue);
  if (b.facility_kw_per_gpu)
    b.lines.push_back({published == power_basis::it ? "facility overhead (PUE)" : "of which facility overhead (PUE)", *b.facility_kw_per_gpu,
                       concat("IT ", num(*b.it_kw_per_gpu), " kW × (PUE ", num(*pue), " − 1)")});
  b.basis = report;
  b.kw_per_gpu = report == power_basis::it ? *b.it_kw_per_gpu : *b.utility_kw_per_gpu;
  b.source = described;
  return b;
}

INFERLENS_LAZY power_breakdown power_for(const preset_db&, std::string_view accelerator, const fixed_power& m) {
  power_breakdown b = given_power(m.kw_per_gpu, m.basis, m.pue);
  b.accelerator = std::string(accelerator);
  return b;
}

INFERLENS_LAZY power_breakdown power_for(const preset_db& db, std::string_view accelerator, const component_power_model& m) {
  const accelerator_preset* acc = db.find(accelerator);
  if (!acc && !m.tdp_w)
    no_preset(accelerator, db, "give its TDP and host power (tdp_w, host_w_per_gpu), or its power, or add it to the presets");
  parameter_picker pick{db, acc, {}};
  power_components c;
  c.tdp_w = pick.need("tdp_w", m.tdp_w, accelerator);
  if (m.host_w_per_gpu) {
    c.host_w_per_gpu = *pick.find("host_w_per_gpu", m.host_w_per_gpu);
  } else if (const sourced_value* sys = acc ? acc->value("system_max_kw_per_gpu") : nullptr) {
    c.host_w_per_gpu = pick.derived("host_w_per_gpu", sys->value * 1000.0 - c.tdp_w,
                                    concat("[derived] system maximum ", num(sys->value), " kW/GPU − TDP ", num(c.tdp_w), " W; ", sys->described()));
  } else {
    c.host_w_per_gpu = pick.need("host_w_per_gpu", std::nullopt, accelerator);
  }
  c.nic_w_per_gpu = pick.need("nic_w_per_gpu", m.nic_w_per_gpu, accelerator);
  c.switch_w_per_gpu = pick.need("switch_w_per_gpu", m.switch_w_per_gpu, accelerator);
  c.other_it_w_per_gpu = pick.need("other_it_w_per_gpu", m.other_it_w_per_gpu, accelerator);
  c.pue = pick.need("pue", m.pue, accelerator);
  power_breakdown b = component_power(c, m.basis, pick.sources);
  b.accelerator = acc ? acc->key : std::string(accelerator);
  return b;
}

// "tier hyperscaler, presets 2026-07: SOURCE" — a breakdown's provenance in one line.
INFERLENS_LAZY std::string provenance(std::string_view model, std::string_view vintage, std::string_view source) {
  std::string s(model);
  if (!vintage.empty()) s += concat(", presets ", vintage);
  if (!source.empty() && source != model && !source.ends_with(" model")) s += concat(": ", source);
  return s;
}

}  // namespace detail

/// How to price and power the GPUs of any accelerator: a cost model, a power model and the
/// presets they draw on. A value: copy it, compare its parts, resolve it per accelerator.
class pricing {
 public:
  using cost_model = std::variant<published_tier, fixed_rate, owner_model, renter_model>;
  using power_model = std::variant<preset_power, fixed_power, component_power_model>;

  /// The hyperscaler tier and the preset power of the default vintage, shipped presets.
  pricing() = default;
  pricing(cost_model cost, power_model power = preset_power{}) : cost_(std::move(cost)), power_(std::move(power)) {}

  /// A published tier with the same vintage's preset power: what the InferenceX dashboard shows.
  INFERLENS_LAZY static pricing preset(tier t, std::string_view vintage = {}) {
    return pricing(published_tier{t, std::string(vintage)}, preset_power{std::string(vintage), std::nullopt, std::nullopt});
  }
  /// One rate and one power figure for every accelerator; needs no presets.
  INFERLENS_LAZY static pricing fixed(double usd_per_gpu_hour, double kw_per_gpu, power_basis basis = power_basis::utility) {
    return pricing(fixed_rate{usd_per_gpu_hour}, fixed_power{kw_per_gpu, basis, std::nullopt});
  }

  /// Use these presets (e.g. the shipped ones with a user's overrides merged) instead of the
  /// shipped ones; null restores the shipped ones.
  INFERLENS_LAZY pricing& with_presets(std::shared_ptr<const preset_db> db) {
    db_ = std::move(db);
    return *this;
  }

  INFERLENS_LAZY const cost_model& cost() const noexcept { return cost_; }
  INFERLENS_LAZY const power_model& power() const noexcept { return power_; }
  /// The presets resolution draws on (the shipped ones unless with_presets() said otherwise).
  INFERLENS_LAZY const preset_db& presets() const noexcept { return db_ ? *db_ : shipped_presets(); }
  /// False when both cost and power are given outright: then no preset is consulted.
  INFERLENS_LAZY bool uses_presets() const noexcept {
    return !std::holds_alternative<fixed_rate>(cost_) || !std::holds_alternative<fixed_power>(power_);
  }

  /// Checks every value given: finite and inside its parameter's range (model_parameters()),
  /// every vintage named known to the presets.
  /// @throws input_error naming the parameter (field), e.g. "field 'pue': must be >= 1, got 0.9"
  INFERLENS_LAZY void validate() const {
    std::visit([&](const auto& m) { check(m); }, cost_);
    std::visit([&](const auto& m) { check(m); }, power_);
  }

  /// $/GPU-hour and kW/GPU for an accelerator (a preset key, an alias, or a raw label such as
  /// "b200-trt" or "GB200 NVL72"), with their breakdowns. Anything missing for this accelerator
  /// (a preset, a tier or a power figure of the vintage, a parameter without a default) gives a
  /// result without a value and with the reason; it never throws for it.
  /// @throws input_error when validate() does (a given value out of range applies to all)
  INFERLENS_LAZY pricing_result resolve(std::string_view accelerator) const {
    validate();
    accelerator = detail::trim(accelerator);
    const preset_db* db = uses_presets() ? &presets() : nullptr;
    const preset_db none;
    try {
      resolved_pricing r;
      r.cost = std::visit([&](const auto& m) { return detail::cost_for(db ? *db : none, accelerator, m); }, cost_);
      r.power = std::visit([&](const auto& m) { return detail::power_for(db ? *db : none, accelerator, m); }, power_);
      const accelerator_preset* acc = db ? db->find(accelerator) : nullptr;
      r.accelerator = acc ? acc->key : std::string(accelerator);
      r.usd_per_gpu_hour = r.cost.usd_per_gpu_hour;
      r.kw_per_gpu = r.power.kw_per_gpu;
      r.basis = r.power.basis;
      r.cost_source = detail::provenance(r.cost.model, r.cost.vintage, r.cost.source);
      r.power_source = detail::provenance(r.power.model, r.power.vintage, r.power.source);
      return {std::move(r), {}, {}};
    } catch (const input_error& e) {
      return {std::nullopt, e.message(), e.where().field};
    }
  }

  /// One line for people: "neocloud tier, presets 2026-07; preset power, presets 2026-07".
  INFERLENS_LAZY std::string describe() const {
    return detail::concat(std::visit([&](const auto& m) { return text(m); }, cost_), "; ",
                          std::visit([&](const auto& m) { return text(m); }, power_));
  }

 private:
  INFERLENS_LAZY void check_vintage(const std::string& vintage) const {
    if (!vintage.empty()) (void)presets().vintage(vintage);  // throws for an unknown one
  }
  INFERLENS_LAZY void check(const published_tier& m) const { check_vintage(m.vintage); }
  INFERLENS_LAZY void check(const fixed_rate& m) const { detail::require_valid("usd_per_gpu_hour", m.usd_per_gpu_hour); }
  template <class Model>
  void check(const Model& m) const
    requires requires { detail::fields_of(m); }
  {
    for (const auto& f : detail::fields_of(m)) detail::check_given(f.key, m.*f.member);
    if constexpr (requires { m.vintage; }) check_vintage(m.vintage);
  }
  INFERLENS_LAZY void check(const preset_power& m) const {
    detail::check_given("pue", m.pue);
    check_vintage(m.vintage);
  }
  INFERLENS_LAZY void check(const fixed_power& m) const {
    detail::require_valid("kw_per_gpu", m.kw_per_gpu);
    detail::check_given("pue", m.pue);
  }

  INFERLENS_LAZY std::string vintage_text(const std::string& v) const {
    return detail::concat("presets ", presets().find_vintage(v).value_or(v.empty() ? std::string("default") : v));
  }
  INFERLENS_LAZY std::string text(const published_tier& m) const { return detail::concat(to_string(m.level), " tier, ", vintage_text(m.vintage)); }
  INFERLENS_LAZY std::string text(const fixed_rate& m) const { return detail::concat("$", detail::num(m.usd_per_gpu_hour), "/GPU-h given"); }
  INFERLENS_LAZY std::string text(const owner_model& m) const {
    return detail::concat("owner's model, ", vintage_text(m.vintage), detail::given_parameters(m));
  }
  INFERLENS_LAZY std::string text(const renter_model& m) const {
    return detail::concat("renter's model, ", vintage_text(m.vintage), detail::given_parameters(m));
  }
  INFERLENS_LAZY std::string text(const preset_power& m) const {
    std::string s = detail::concat("preset power, ", vintage_text(m.vintage));
    if (m.basis) s += detail::concat(", per ", to_string(*m.basis), " kW");
    if (m.pue) s += detail::concat(", pue ", detail::num(*m.pue));
    return s;
  }
  INFERLENS_LAZY std::string text(const fixed_power& m) const {
    std::string s = detail::concat(detail::num(m.kw_per_gpu), " kW/GPU ", to_string(m.basis), " given");
    if (m.pue) s += detail::concat(", pue ", detail::num(*m.pue));
    return s;
  }
  INFERLENS_LAZY std::string text(const component_power_model& m) const {
    return detail::concat("component power, per ", to_string(m.basis), " kW", detail::given_parameters(m));
  }

  cost_model cost_;
  power_model power_;
  std::shared_ptr<const preset_db> db_;  // null: the shipped presets
};

INFERLENS_END_NAMESPACE
