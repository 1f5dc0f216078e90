// nlohmann::json hooks for the library's types, found by ADL (`nlohmann::json j = point;`,
// `j.get<benchmark_point>()`), and a frontier set as one JSON document. Separate from the
// umbrella header: it needs nlohmann/json, which the analytics core does not.
#pragma once

#include <cmath>
#include <optional>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "inferlens/columns.hpp"
#include "inferlens/detail/json.hpp"
#include "inferlens/detail/point_builder.hpp"
#include "inferlens/error.hpp"
#include "inferlens/frontier.hpp"
#include "inferlens/pricing.hpp"
#include "inferlens/record.hpp"
#include "inferlens/table.hpp"
#include "inferlens/site.hpp"
#include "inferlens/tco.hpp"
#include "inferlens/version.hpp"
#include "inferlens/write.hpp"

INFERLENS_BEGIN_NAMESPACE

namespace detail {
inline nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

inline json_value scanner_value(const nlohmann::json& j, std::string& spelling) {
  json_value v;
  using K = json_value::kind;
  switch (j.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded: break;
    case nlohmann::json::value_t::boolean: v.type = K::boolean, v.boolean = j.get<bool>(); break;
    case nlohmann::json::value_t::number_integer: v.type = K::integer, v.integer = j.get<std::int64_t>(); break;
    case nlohmann::json::value_t::number_unsigned: {
      const auto u = j.get<std::uint64_t>();
      if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        v.type = K::integer, v.integer = static_cast<std::int64_t>(u);
      else
        v.type = K::real, v.real = static_cast<double>(u);
      break;
    }
    case nlohmann::json::value_t::number_float: v.type = K::real, v.real = j.get<double>(); break;
    case nlohmann::json::value_t::string: v.type = K::string, v.text = j.get_ref<const std::string&>(); break;
    case nlohmann::json::value_t::object: v.type = K::object; break;
    case nlohmann::json::value_t::array:
    case nlohmann::json::value_t::binary: v.type = K::array; break;
  }
  if (v.type == K::real) {
    spelling = shortest(v.real);
    v.text = spelling;
  }
  return v;
}
}  // namespace detail

// --- points, tables, files ---------------------------------------------------------------------

/// A point as the library's JSON object (write.hpp's to_json_text, as a tree).
inline void to_json(nlohmann::json& j, const benchmark_point& p) { j = nlohmann::json::parse(to_json_text(p)); }

/// A point from an object keyed by column names or aliases (seconds): strict like the readers,
/// errors name the key (file "<json>"). Unknown keys are ignored; derive() is not applied, so it
/// inverts to_json.
inline void from_json(const nlohmann::json& j, benchmark_point& p) {
  detail::point_builder b("<json>");
  b.start(std::nullopt);
  if (!j.is_object()) b.fail("", "expected a JSON object (one result row), got " + std::string(j.type_name()));
  const auto& keys = detail::row_keys();
  std::string spelling;
  for (const auto& [key, value] : j.items()) {
    const detail::key_action* a = keys.find(key);
    if (a && a->kind != detail::key_kind::ignore) detail::apply_key(b, *a, detail::scanner_value(value, spelling), key);
  }
  p = std::move(b.point);
}

/// A point as raw vLLM client JSON (write.hpp's to_vllm_client_text, as a tree).
inline nlohmann::json to_vllm_client_json(const benchmark_point& p) { return nlohmann::json::parse(to_vllm_client_text(p)); }

inline void to_json(nlohmann::json& j, const source_file& f) { j = nlohmann::json::parse(detail::json_of(f)); }

// --- frontiers ---------------------------------------------------------------------------------

inline void to_json(nlohmann::json& j, const skipped_rows& s) { j = nlohmann::json::parse(detail::json_of(s)); }
inline void to_json(nlohmann::json& j, const system_key& k) { j = nlohmann::json::parse(detail::json_of(k)); }
inline void to_json(nlohmann::json& j, const operating_point& op) { j = nlohmann::json::parse(detail::json_of(op)); }

/// A frontier set as one document (write.hpp's to_json_text, as a tree).
inline nlohmann::json frontier_json(const frontier_set& set, std::span<const double> at = {}) {
  return nlohmann::json::parse(to_json_text(set, at));
}

// --- economics (pricing.hpp, tco.hpp, site.hpp) -------------------------------------------------
// (owned by the economics layer; missing figures are null)

namespace detail {
inline nlohmann::json optional_number(const std::optional<double>& v) { return v ? number_or_null(*v) : nlohmann::json(nullptr); }
}  // namespace detail

inline void to_json(nlohmann::json& j, power_basis b) { j = to_string(b); }
inline void to_json(nlohmann::json& j, tier t) { j = to_string(t); }

inline void to_json(nlohmann::json& j, const breakdown_line& l) {
  j = {{"item", l.item}, {"value", detail::number_or_null(l.value)}, {"formula", l.formula}};
}
inline void to_json(nlohmann::json& j, const assumption& a) {
  j = {{"key", a.key}, {"value", detail::number_or_null(a.value)}, {"unit", a.unit}, {"source", a.source}};
}
inline void to_json(nlohmann::json& j, const cost_breakdown& b) {
  j = {{"model", b.model},
       {"accelerator", b.accelerator},
       {"vintage", b.vintage},
       {"usd_per_gpu_hour", detail::number_or_null(b.usd_per_gpu_hour)},
       {"source", b.source},
       {"lines", b.lines},
       {"assumptions", b.assumptions}};
}
inline void to_json(nlohmann::json& j, const power_breakdown& b) {
  using detail::optional_number;
  j = {{"model", b.model},
       {"accelerator", b.accelerator},
       {"vintage", b.vintage},
       {"kw_per_gpu", detail::number_or_null(b.kw_per_gpu)},
       {"basis", to_string(b.basis)},
       {"it_kw_per_gpu", optional_number(b.it_kw_per_gpu)},
       {"facility_kw_per_gpu", optional_number(b.facility_kw_per_gpu)},
       {"utility_kw_per_gpu", optional_number(b.utility_kw_per_gpu)},
       {"source", b.source},
       {"lines", b.lines},
       {"assumptions", b.assumptions}};
}
inline void to_json(nlohmann::json& j, const resolved_pricing& r) {
  j = {{"accelerator", r.accelerator},
       {"usd_per_gpu_hour", detail::number_or_null(r.usd_per_gpu_hour)},
       {"kw_per_gpu", detail::number_or_null(r.kw_per_gpu)},
       {"power_basis", to_string(r.basis)},
       {"cost_source", r.cost_source},
       {"power_source", r.power_source},
       {"cost", r.cost},
       {"power", r.power}};
}
/// The resolved price, or {"reason", "field"} when there is none.
inline void to_json(nlohmann::json& j, const pricing_result& r) {
  if (r) j = *r;
  else j = {{"reason", r.reason}, {"field", r.field}};
}
inline void to_json(nlohmann::json& j, const point_economics& e) {
  using detail::optional_number;
  j = {{"usd_per_mtok", optional_number(e.usd_per_mtok)},
       {"usd_per_mtok_input", optional_number(e.usd_per_mtok_input)},
       {"usd_per_mtok_output", optional_number(e.usd_per_mtok_output)},
       {"tokens_per_usd", optional_number(e.tokens_per_usd)},
       {"input_tokens_per_usd", optional_number(e.input_tokens_per_usd)},
       {"output_tokens_per_usd", optional_number(e.output_tokens_per_usd)},
       {"tok_per_s_per_mw", optional_number(e.tok_per_s_per_mw)},
       {"input_tok_per_s_per_mw", optional_number(e.input_tok_per_s_per_mw)},
       {"output_tok_per_s_per_mw", optional_number(e.output_tok_per_s_per_mw)},
       {"j_per_token", optional_number(e.j_per_token)},
       {"j_per_input_token", optional_number(e.j_per_input_token)},
       {"j_per_output_token", optional_number(e.j_per_output_token)},
       {"measured_j_per_token", optional_number(e.measured_j_per_token)},
       {"measured_j_per_input_token", optional_number(e.measured_j_per_input_token)},
       {"measured_j_per_output_token", optional_number(e.measured_j_per_output_token)},
       {"per_role_denominators", e.per_role_denominators}};
}
inline void to_json(nlohmann::json& j, const throughput_economics& e) {
  using detail::optional_number;
  j = {{"tput_per_gpu", detail::number_or_null(e.tput_per_gpu)},
       {"usd_per_mtok", optional_number(e.usd_per_mtok)},
       {"tokens_per_usd", optional_number(e.tokens_per_usd)},
       {"tok_per_s_per_mw", optional_number(e.tok_per_s_per_mw)},
       {"j_per_token", optional_number(e.j_per_token)}};
}
inline void to_json(nlohmann::json& j, const site_result& r) {
  using detail::number_or_null;
  using detail::optional_number;
  j = {{"gpus", number_or_null(r.gpus)},
       {"provisioned_mw", number_or_null(r.provisioned_mw)},
       {"investment_usd", optional_number(r.investment_usd)},
       {"capex_usd_per_gpu", optional_number(r.capex_usd_per_gpu)},
       {"tokens_per_second", number_or_null(r.tokens_per_second)},
       {"tokens_per_day", number_or_null(r.tokens_per_day)},
       {"tokens_per_year", number_or_null(r.tokens_per_year)},
       {"revenue_usd_per_year", number_or_null(r.revenue_usd_per_year)},
       {"opex_usd_per_year", number_or_null(r.opex_usd_per_year)},
       {"tco_usd_per_year", optional_number(r.tco_usd_per_year)},
       {"tco_usd_per_mtok", optional_number(r.tco_usd_per_mtok)},
       {"profit_usd_per_year", optional_number(r.profit_usd_per_year)},
       {"margin", optional_number(r.margin)},
       {"breakeven_price_usd_per_mtok", optional_number(r.breakeven_price_usd_per_mtok)},
       {"horizon_years", number_or_null(r.horizon_years)},
       {"revenue_usd_over_horizon", number_or_null(r.revenue_usd_over_horizon)},
       {"revenue_multiple", optional_number(r.revenue_multiple)},
       {"roi", optional_number(r.roi)},
       {"payback_years", optional_number(r.payback_years)},
       {"investment_breakeven_price_usd_per_mtok", optional_number(r.investment_breakeven_price_usd_per_mtok)},
       {"assumptions", r.assumptions}};
}

// --- end of the economics section ---------------------------------------------------------------


INFERLENS_END_NAMESPACE
