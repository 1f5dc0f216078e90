// Per-point economics in InferenceMAX / InferenceX terms: $ per million tokens, tokens per $,
// tokens/s per provisioned MW and provisioned J per token (total, input and output), measured
// J per token beside them when a point carries measured power, and any economic column's value
// for a point or for a throughput (an interpolated one: throughput and cost never disagree),
// with its inverse.
//
// Everything here is a constant per GPU times (or over) the measured throughput per GPU. Where
// the constants come from is pricing.hpp's business (resolved_pricing); the kernels take the
// two numbers, and templated front ends take callers' own row types through a projection:
//
//   struct run { double tok_s_gpu; };
//   std::vector<double> cost = inferlens::usd_per_mtok(runs, &run::tok_s_gpu, 1.95);  // NaN: no answer
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <ranges>
#include <span>
#include <vector>

#include "inferlens/columns.hpp"
#include "inferlens/pricing.hpp"
#include "inferlens/record.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

// ---------------------------------------------------------------------------------------------
// The formulas, as InferenceX computes them (chart-utils.ts; same order of operations so the
// results agree to the last bits). Throughput in tok/s per GPU. No answer for a throughput,
// price or power that is not a positive finite number.
// ---------------------------------------------------------------------------------------------

namespace detail {
INFERLENS_LAZY bool positive_finite(double v) noexcept { return std::isfinite(v) && v > 0; }
/// A figure that overflows (a denormal throughput or power, 1e300 tok/s) is no answer, never inf.
INFERLENS_LAZY std::optional<double> finite_or_none(double v) noexcept {
  return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}
}  // namespace detail

/// $ per million tokens = usd_per_gpu_hour / (tok_per_s_per_gpu × 3600 / 10^6).
INFERLENS_LAZY std::optional<double> usd_per_mtok(double tok_per_s_per_gpu, double usd_per_gpu_hour) noexcept {
  if (!detail::positive_finite(tok_per_s_per_gpu) || !detail::positive_finite(usd_per_gpu_hour)) return std::nullopt;
  const double mtok_per_gpu_hour = tok_per_s_per_gpu * 3600.0 / 1e6;
  return detail::finite_or_none(usd_per_gpu_hour / mtok_per_gpu_hour);
}

/// Tokens per $ = tok_per_s_per_gpu × 3600 / usd_per_gpu_hour.
INFERLENS_LAZY std::optional<double> tokens_per_usd(double tok_per_s_per_gpu, double usd_per_gpu_hour) noexcept {
  if (!detail::positive_finite(tok_per_s_per_gpu) || !detail::positive_finite(usd_per_gpu_hour)) return std::nullopt;
  return detail::finite_or_none(tok_per_s_per_gpu * 3600.0 / usd_per_gpu_hour);
}

/// Tokens/s per provisioned MW = tok_per_s_per_gpu × 1000 / kw_per_gpu.
INFERLENS_LAZY std::optional<double> tok_per_s_per_mw(double tok_per_s_per_gpu, double kw_per_gpu) noexcept {
  if (!detail::positive_finite(tok_per_s_per_gpu) || !detail::positive_finite(kw_per_gpu)) return std::nullopt;
  return detail::finite_or_none(tok_per_s_per_gpu * 1000.0 / kw_per_gpu);
}

/// Provisioned J per token = kw_per_gpu × 1000 / tok_per_s_per_gpu.
INFERLENS_LAZY std::optional<double> j_per_token(double tok_per_s_per_gpu, double kw_per_gpu) noexcept {
  if (!detail::positive_finite(tok_per_s_per_gpu) || !detail::positive_finite(kw_per_gpu)) return std::nullopt;
  return detail::finite_or_none(kw_per_gpu * 1000.0 / tok_per_s_per_gpu);
}

// ---------------------------------------------------------------------------------------------
// Many throughputs at once: span kernels, and front ends for any range of rows with a projection
// giving tok/s/GPU (a double or an optional<double>). NaN where there is no answer.
// ---------------------------------------------------------------------------------------------

namespace detail {
using formula = std::optional<double> (*)(double, double) noexcept;

INFERLENS_LAZY std::vector<double> apply_formula(formula f, std::span<const double> tput, double constant) {
  std::vector<double> out(tput.size());
  for (std::size_t i = 0; i < tput.size(); ++i) out[i] = f(tput[i], constant).value_or(std::nan(""));
  return out;
}

template <class T>
concept number_or_optional = std::convertible_to<T, double> || requires(const T& t) {
  { t.has_value() } -> std::convertible_to<bool>;
  { *t } -> std::convertible_to<double>;
};

template <class R, class Proj>
std::vector<double> projected(const R& rows, Proj& proj) {
  std::vector<double> out;
  if constexpr (std::ranges::sized_range<const R>) out.reserve(std::ranges::size(rows));
  for (const auto& row : rows) {
    const auto& v = std::invoke(proj, row);
    if constexpr (std::convertible_to<decltype(v), double>) out.push_back(static_cast<double>(v));
    else out.push_back(v.has_value() ? static_cast<double>(*v) : std::nan(""));
  }
  return out;
}
}  // namespace detail

/// A range of rows and a projection to tok/s per GPU (a member pointer, a lambda).
template <class R, class Proj>
concept throughput_rows = std::ranges::input_range<const R> && std::invocable<Proj&, std::ranges::range_reference_t<const R>> &&
                          detail::number_or_optional<std::remove_cvref_t<std::invoke_result_t<Proj&, std::ranges::range_reference_t<const R>>>>;

INFERLENS_LAZY std::vector<double> usd_per_mtok(std::span<const double> tok_per_s_per_gpu, double usd_per_gpu_hour) {
  return detail::apply_formula(&usd_per_mtok, tok_per_s_per_gpu, usd_per_gpu_hour);
}
INFERLENS_LAZY std::vector<double> tokens_per_usd(std::span<const double> tok_per_s_per_gpu, double usd_per_gpu_hour) {
  return detail::apply_formula(&tokens_per_usd, tok_per_s_per_gpu, usd_per_gpu_hour);
}
INFERLENS_LAZY std::vector<double> tok_per_s_per_mw(std::span<const double> tok_per_s_per_gpu, double kw_per_gpu) {
  return detail::apply_formula(&tok_per_s_per_mw, tok_per_s_per_gpu, kw_per_gpu);
}
INFERLENS_LAZY std::vector<double> j_per_token(std::span<const double> tok_per_s_per_gpu, double kw_per_gpu) {
  return detail::apply_formula(&j_per_token, tok_per_s_per_gpu, kw_per_gpu);
}

/// $ per million tokens of each row, in row order.
template <class R, class Proj>
  requires throughput_rows<R, Proj>
std::vector<double> usd_per_mtok(const R& rows, Proj tput_per_gpu, double usd_per_gpu_hour) {
  return usd_per_mtok(std::span<const double>(detail::projected(rows, tput_per_gpu)), usd_per_gpu_hour);
}
/// Tokens per $ of each row.
template <class R, class Proj>
  requires throughput_rows<R, Proj>
std::vector<double> tokens_per_usd(const R& rows, Proj tput_per_gpu, double usd_per_gpu_hour) {
  return tokens_per_usd(std::span<const double>(detail::projected(rows, tput_per_gpu)), usd_per_gpu_hour);
}
/// Tokens/s per provisioned MW of each row.
template <class R, class Proj>
  requires throughput_rows<R, Proj>
std::vector<double> tok_per_s_per_mw(const R& rows, Proj tput_per_gpu, double kw_per_gpu) {
  return tok_per_s_per_mw(std::span<const double>(detail::projected(rows, tput_per_gpu)), kw_per_gpu);
}
/// Provisioned J per token of each row.
template <class R, class Proj>
  requires throughput_rows<R, Proj>
std::vector<double> j_per_token(const R& rows, Proj tput_per_gpu, double kw_per_gpu) {
  return j_per_token(std::span<const double>(detail::projected(rows, tput_per_gpu)), kw_per_gpu);
}

// ---------------------------------------------------------------------------------------------
// Per point
// ---------------------------------------------------------------------------------------------

/// Every economic figure of one benchmark point. Missing where the point lacks the throughput
/// (or, for the measured figures, the measured power) it needs.
struct point_economics {
  std::optional<double> usd_per_mtok, usd_per_mtok_input, usd_per_mtok_output;
  std::optional<double> tokens_per_usd, input_tokens_per_usd, output_tokens_per_usd;
  std::optional<double> tok_per_s_per_mw, input_tok_per_s_per_mw, output_tok_per_s_per_mw;
  std::optional<double> j_per_token, j_per_input_token, j_per_output_token;  ///< provisioned
  /// Measured GPU-board energy (not facility energy), all of it charged to the token kind, as
  /// InferenceX's aggregate_power.py does.
  std::optional<double> measured_j_per_token, measured_j_per_input_token, measured_j_per_output_token;
  /// Disaggregated point: the input figures are per prefill GPU and the output figures per
  /// decode GPU (InferenceMAX's denominators), so they do not compare with aggregated points.
  /// The total figures divide by all GPUs and always compare.
  bool per_role_denominators = false;
};

namespace detail {

INFERLENS_LAZY std::optional<double> ratio(std::optional<double> num, std::optional<double> den) noexcept {
  if (num && den && std::isfinite(*num) && *num >= 0 && positive_finite(*den)) return *num / *den;
  return std::nullopt;
}
INFERLENS_LAZY std::optional<double> as_real(const std::optional<std::int64_t>& v) noexcept {
  if (v) return static_cast<double>(*v);
  return std::nullopt;
}
INFERLENS_LAZY std::optional<double> sum_of(std::optional<double> a, std::optional<double> b) noexcept {
  if (a && b) return *a + *b;
  return std::nullopt;
}
INFERLENS_LAZY std::optional<double> map_opt(formula f, std::optional<double> tput, double constant) noexcept {
  if (!tput) return std::nullopt;
  return f(*tput, constant);
}

// Measured J per token of one kind: the harness's own figure, else measured energy over the
// run's tokens (counted, else rate × duration), else average power of all GPUs over the
// deployment's token rate.
INFERLENS_LAZY std::optional<double> measured_j(const benchmark_point& p, std::optional<double> given, std::optional<double> tokens,
                                        std::optional<double> deployment_tok_per_s) noexcept {
  if (given && std::isfinite(*given) && *given >= 0) return given;
  if (auto v = ratio(p.total_gpu_energy_j, tokens)) return v;
  if (p.duration && deployment_tok_per_s)
    if (auto v = ratio(p.total_gpu_energy_j, *deployment_tok_per_s * *p.duration)) return v;
  if (p.avg_power_w && p.num_gpus) return ratio(*p.avg_power_w * static_cast<double>(*p.num_gpus), deployment_tok_per_s);
  return std::nullopt;
}

}  // namespace detail

/// The economics of one point at a $/GPU-hour and a kW/GPU. Call derive() on the point first
/// (the readers do) so that the per-GPU throughputs are filled.
INFERLENS_LAZY point_economics economics_of(const benchmark_point& p, double usd_per_gpu_hour, double kw_per_gpu) noexcept {
  point_economics e;
  const double usd = usd_per_gpu_hour, kw = kw_per_gpu;
  using detail::map_opt;
  e.usd_per_mtok = map_opt(&usd_per_mtok, p.tput_per_gpu, usd);
  e.usd_per_mtok_input = map_opt(&usd_per_mtok, p.input_tput_per_gpu, usd);
  e.usd_per_mtok_output = map_opt(&usd_per_mtok, p.output_tput_per_gpu, usd);
  e.tokens_per_usd = map_opt(&tokens_per_usd, p.tput_per_gpu, usd);
  e.input_tokens_per_usd = map_opt(&tokens_per_usd, p.input_tput_per_gpu, usd);
  e.output_tokens_per_usd = map_opt(&tokens_per_usd, p.output_tput_per_gpu, usd);
  e.tok_per_s_per_mw = map_opt(&tok_per_s_per_mw, p.tput_per_gpu, kw);
  e.input_tok_per_s_per_mw = map_opt(&tok_per_s_per_mw, p.input_tput_per_gpu, kw);
  e.output_tok_per_s_per_mw = map_opt(&tok_per_s_per_mw, p.output_tput_per_gpu, kw);
  e.j_per_token = map_opt(&j_per_token, p.tput_per_gpu, kw);
  e.j_per_input_token = map_opt(&j_per_token, p.input_tput_per_gpu, kw);
  e.j_per_output_token = map_opt(&j_per_token, p.output_tput_per_gpu, kw);

  const auto in_tokens = detail::as_real(p.total_input_tokens), out_tokens = detail::as_real(p.total_output_tokens);
  e.measured_j_per_token = detail::measured_j(p, p.joules_per_total_token, detail::sum_of(in_tokens, out_tokens), p.total_token_throughput);
  e.measured_j_per_input_token = detail::measured_j(p, p.joules_per_input_token, in_tokens, p.input_throughput);
  e.measured_j_per_output_token = detail::measured_j(p, p.joules_per_output_token, out_tokens, p.output_throughput);
  e.per_role_denominators = uses_worker_pools(p);
  return e;
}

/// The economics of one point at a resolved price.
INFERLENS_LAZY point_economics economics_of(const benchmark_point& p, const resolved_pricing& price) noexcept {
  return economics_of(p, price.usd_per_gpu_hour, price.kw_per_gpu);
}

/// The figures that follow from a total throughput alone: what an interpolated point has.
struct throughput_economics {
  double tput_per_gpu = 0;
  std::optional<double> usd_per_mtok, tokens_per_usd, tok_per_s_per_mw, j_per_token;
};

INFERLENS_LAZY throughput_economics economics_of_throughput(double tok_per_s_per_gpu, const resolved_pricing& price) noexcept {
  return {tok_per_s_per_gpu, usd_per_mtok(tok_per_s_per_gpu, price.usd_per_gpu_hour),
          tokens_per_usd(tok_per_s_per_gpu, price.usd_per_gpu_hour), tok_per_s_per_mw(tok_per_s_per_gpu, price.kw_per_gpu),
          j_per_token(tok_per_s_per_gpu, price.kw_per_gpu)};
}

// ---------------------------------------------------------------------------------------------
// Economic columns (columns.hpp's registry: column::economic(), metric, tokens)
// ---------------------------------------------------------------------------------------------

/// The per-GPU throughput column an economic figure of this token kind is computed from.
INFERLENS_LAZY constexpr column_id throughput_column(token_kind k) noexcept {
  return k == token_kind::total ? cols::tput_per_gpu : k == token_kind::input ? cols::input_tput_per_gpu : cols::output_tput_per_gpu;
}

/// An economic column's value for a throughput of its token kind (an interpolated point). None
/// for a column that is not economic, for the measured figures (they need measured power), and
/// where the formula has no answer.
INFERLENS_LAZY std::optional<double> economic_value_from_throughput(column_id c, double tok_per_s_per_gpu, double usd_per_gpu_hour,
                                                            double kw_per_gpu) noexcept {
  const column& k = info(c);
  if (!k.economic()) return std::nullopt;
  switch (k.metric) {
    case economic_metric::usd_per_mtok: return usd_per_mtok(tok_per_s_per_gpu, usd_per_gpu_hour);
    case economic_metric::tokens_per_usd: return tokens_per_usd(tok_per_s_per_gpu, usd_per_gpu_hour);
    case economic_metric::tok_per_s_per_mw: return tok_per_s_per_mw(tok_per_s_per_gpu, kw_per_gpu);
    case economic_metric::j_per_token: return j_per_token(tok_per_s_per_gpu, kw_per_gpu);
    case economic_metric::measured_j_per_token: return std::nullopt;
  }
  return std::nullopt;
}

INFERLENS_LAZY std::optional<double> economic_value_from_throughput(column_id c, double tok_per_s_per_gpu, const resolved_pricing& price) noexcept {
  return economic_value_from_throughput(c, tok_per_s_per_gpu, price.usd_per_gpu_hour, price.kw_per_gpu);
}

/// An economic column's value for one point (the measured figures from its measured energy).
INFERLENS_LAZY std::optional<double> economic_value(column_id c, const benchmark_point& p, const resolved_pricing& price) noexcept {
  const column& k = info(c);
  if (!k.economic()) return std::nullopt;
  if (k.metric == economic_metric::measured_j_per_token) {
    const point_economics e = economics_of(p, price);
    return k.tokens == token_kind::total   ? e.measured_j_per_token
           : k.tokens == token_kind::input ? e.measured_j_per_input_token
                                           : e.measured_j_per_output_token;
  }
  const double t = number(p, throughput_column(k.tokens));
  if (std::isnan(t)) return std::nullopt;
  return economic_value_from_throughput(c, t, price);
}

/// The throughput (tok/s/GPU) at which an economic column takes `value`: the inverse of
/// economic_value_from_throughput, to ask "what interactivity gives $0.10 per million tokens?".
INFERLENS_LAZY std::optional<double> throughput_for(column_id c, double value, double usd_per_gpu_hour, double kw_per_gpu) noexcept {
  const column& k = info(c);
  if (!k.economic() || !detail::positive_finite(value)) return std::nullopt;
  const double usd = usd_per_gpu_hour, kw = kw_per_gpu;
  switch (k.metric) {
    case economic_metric::usd_per_mtok:
      if (!detail::positive_finite(usd)) return std::nullopt;
      return usd / (value * 3600.0 / 1e6);
    case economic_metric::tokens_per_usd:
      if (!detail::positive_finite(usd)) return std::nullopt;
      return value * usd / 3600.0;
    case economic_metric::tok_per_s_per_mw:
      if (!detail::positive_finite(kw)) return std::nullopt;
      return value * kw / 1000.0;
    case economic_metric::j_per_token:
      if (!detail::positive_finite(kw)) return std::nullopt;
      return kw * 1000.0 / value;
    case economic_metric::measured_j_per_token: return std::nullopt;
  }
  return std::nullopt;
}

INFERLENS_LAZY std::optional<double> throughput_for(column_id c, double value, const resolved_pricing& price) noexcept {
  return throughput_for(c, value, price.usd_per_gpu_hour, price.kw_per_gpu);
}

INFERLENS_END_NAMESPACE
