// Per-point economics in InferenceMAX / InferenceX terms: $ per million tokens, tokens per $,
// tokens/s per provisioned MW and provisioned J per token (total, input and output), measured
// J per token beside them when a point carries measured power, the economic columns usable as
// a frontier's y, frontiers in cost space, and values at a target interactivity derived from
// the interpolated throughput (so throughput and cost never disagree).
//
// Everything here is a constant per GPU times (or over) the measured throughput per GPU. Where
// the constants come from (presets, cost and power models) is tco.hpp's business; this header
// only needs the two resolved numbers in `economics_inputs`.
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "inferlens/curves.hpp"
#include "inferlens/pareto.hpp"
#include "inferlens/detail/legacy_registry.hpp"
#include "inferlens/record.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// What a kW-per-GPU figure includes. `it`: critical IT power (chip plus its share of host,
/// NICs and switches); `utility`: IT × PUE, the all-in provisioned utility power. InferenceX's
/// August-2025 figures are utility, its July-2026 ones IT (see docs/economics.md).
enum class power_basis { it, utility };

inline constexpr std::string_view to_string(power_basis b) noexcept {
  return b == power_basis::it ? "it" : "utility";
}

/// The two constants every per-point figure needs, already resolved, with where each came from.
struct economics_inputs {
  double usd_per_gpu_hour = std::numeric_limits<double>::quiet_NaN();  ///< all-in cost of one GPU for one hour
  double kw_per_gpu = std::numeric_limits<double>::quiet_NaN();        ///< provisioned power per GPU
  power_basis basis = power_basis::utility;                            ///< what kw_per_gpu includes
  std::string cost_label;   ///< e.g. "b200 hyperscaler, 2026-07 (SemiAnalysis ...)"
  std::string power_label;  ///< e.g. "b200 1.71 kW/GPU IT, 2026-07 (InferenceX ...)"
};

// ---------------------------------------------------------------------------------------------
// The formulas, as InferenceX computes them (chart-utils.ts; same order of operations so the
// results agree to the last bits). Throughput in tok/s per GPU. No answer for a throughput,
// price or power that is not a positive finite number.
// ---------------------------------------------------------------------------------------------

namespace detail {
inline bool positive_finite(double v) noexcept { return std::isfinite(v) && v > 0; }
}  // namespace detail

/// $ per million tokens = usd_per_gpu_hour / (tok_per_s_per_gpu × 3600 / 10^6).
inline std::optional<double> usd_per_mtok(double tok_per_s_per_gpu, double usd_per_gpu_hour) noexcept {
  if (!detail::positive_finite(tok_per_s_per_gpu) || !detail::positive_finite(usd_per_gpu_hour)) return std::nullopt;
  const double mtok_per_gpu_hour = tok_per_s_per_gpu * 3600.0 / 1e6;
  return usd_per_gpu_hour / mtok_per_gpu_hour;
}

/// Tokens per $ = tok_per_s_per_gpu × 3600 / usd_per_gpu_hour.
inline std::optional<double> tokens_per_usd(double tok_per_s_per_gpu, double usd_per_gpu_hour) noexcept {
  if (!detail::positive_finite(tok_per_s_per_gpu) || !detail::positive_finite(usd_per_gpu_hour)) return std::nullopt;
  return tok_per_s_per_gpu * 3600.0 / usd_per_gpu_hour;
}

/// Tokens/s per provisioned MW = tok_per_s_per_gpu × 1000 / kw_per_gpu.
inline std::optional<double> tok_per_s_per_mw(double tok_per_s_per_gpu, double kw_per_gpu) noexcept {
  if (!detail::positive_finite(tok_per_s_per_gpu) || !detail::positive_finite(kw_per_gpu)) return std::nullopt;
  return tok_per_s_per_gpu * 1000.0 / kw_per_gpu;
}

/// Provisioned J per token = kw_per_gpu × 1000 / tok_per_s_per_gpu.
inline std::optional<double> j_per_token(double tok_per_s_per_gpu, double kw_per_gpu) noexcept {
  if (!detail::positive_finite(tok_per_s_per_gpu) || !detail::positive_finite(kw_per_gpu)) return std::nullopt;
  return kw_per_gpu * 1000.0 / tok_per_s_per_gpu;
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

inline std::optional<double> ratio(std::optional<double> num, std::optional<double> den) noexcept {
  if (num && den && std::isfinite(*num) && *num >= 0 && positive_finite(*den)) return *num / *den;
  return std::nullopt;
}
inline std::optional<double> as_real(const std::optional<std::int64_t>& v) noexcept {
  if (v) return static_cast<double>(*v);
  return std::nullopt;
}
inline std::optional<double> sum_of(std::optional<double> a, std::optional<double> b) noexcept {
  if (a && b) return *a + *b;
  return std::nullopt;
}
inline std::optional<double> map_opt(std::optional<double> (*f)(double, double) noexcept, std::optional<double> tput,
                                     double constant) noexcept {
  if (!tput) return std::nullopt;
  return f(*tput, constant);
}

// Measured J per token of one kind: the harness's own figure, else measured energy over the
// run's tokens (counted, else rate × duration), else average power of all GPUs over the
// deployment's token rate.
inline std::optional<double> measured_j(const benchmark_point& p, std::optional<double> given,
                                        std::optional<double> tokens, std::optional<double> deployment_tok_per_s) noexcept {
  if (given && std::isfinite(*given) && *given >= 0) return given;
  if (auto v = ratio(p.total_gpu_energy_j, tokens)) return v;
  if (p.duration && deployment_tok_per_s)
    if (auto v = ratio(p.total_gpu_energy_j, *deployment_tok_per_s * *p.duration)) return v;
  if (p.avg_power_w && p.num_gpus) return ratio(*p.avg_power_w * static_cast<double>(*p.num_gpus), deployment_tok_per_s);
  return std::nullopt;
}

}  // namespace detail

/// The economics of one point with the given constants. Call derive() on the point first (the
/// readers do) so that the per-GPU throughputs are filled.
inline point_economics economics_of(const benchmark_point& p, const economics_inputs& in) noexcept {
  point_economics e;
  const double usd = in.usd_per_gpu_hour, kw = in.kw_per_gpu;
  e.usd_per_mtok = detail::map_opt(&usd_per_mtok, p.tput_per_gpu, usd);
  e.usd_per_mtok_input = detail::map_opt(&usd_per_mtok, p.input_tput_per_gpu, usd);
  e.usd_per_mtok_output = detail::map_opt(&usd_per_mtok, p.output_tput_per_gpu, usd);
  e.tokens_per_usd = detail::map_opt(&tokens_per_usd, p.tput_per_gpu, usd);
  e.input_tokens_per_usd = detail::map_opt(&tokens_per_usd, p.input_tput_per_gpu, usd);
  e.output_tokens_per_usd = detail::map_opt(&tokens_per_usd, p.output_tput_per_gpu, usd);
  e.tok_per_s_per_mw = detail::map_opt(&tok_per_s_per_mw, p.tput_per_gpu, kw);
  e.input_tok_per_s_per_mw = detail::map_opt(&tok_per_s_per_mw, p.input_tput_per_gpu, kw);
  e.output_tok_per_s_per_mw = detail::map_opt(&tok_per_s_per_mw, p.output_tput_per_gpu, kw);
  e.j_per_token = detail::map_opt(&j_per_token, p.tput_per_gpu, kw);
  e.j_per_input_token = detail::map_opt(&j_per_token, p.input_tput_per_gpu, kw);
  e.j_per_output_token = detail::map_opt(&j_per_token, p.output_tput_per_gpu, kw);

  const auto in_tokens = detail::as_real(p.total_input_tokens), out_tokens = detail::as_real(p.total_output_tokens);
  e.measured_j_per_token =
      detail::measured_j(p, p.joules_per_total_token, detail::sum_of(in_tokens, out_tokens), p.total_token_throughput);
  e.measured_j_per_input_token = detail::measured_j(p, p.joules_per_input_token, in_tokens, p.input_throughput);
  e.measured_j_per_output_token = detail::measured_j(p, p.joules_per_output_token, out_tokens, p.output_throughput);
  e.per_role_denominators = uses_worker_pools(p);
  return e;
}

/// The figures that follow from a total throughput alone: what an interpolated point has.
struct throughput_economics {
  double tput_per_gpu = 0;
  std::optional<double> usd_per_mtok, tokens_per_usd, tok_per_s_per_mw, j_per_token;
};

inline throughput_economics economics_of_throughput(double tok_per_s_per_gpu, const economics_inputs& in) noexcept {
  return {tok_per_s_per_gpu, usd_per_mtok(tok_per_s_per_gpu, in.usd_per_gpu_hour),
          tokens_per_usd(tok_per_s_per_gpu, in.usd_per_gpu_hour), tok_per_s_per_mw(tok_per_s_per_gpu, in.kw_per_gpu),
          j_per_token(tok_per_s_per_gpu, in.kw_per_gpu)};
}

// ---------------------------------------------------------------------------------------------
// Economic columns: names usable wherever a numeric column is (e.g. a frontier's y)
// ---------------------------------------------------------------------------------------------

/// Which throughput an economic figure is computed from.
enum class token_kind { total, input, output };

/// Which formula.
enum class economic_metric { usd_per_mtok, tokens_per_usd, tok_per_s_per_mw, j_per_token, measured_j_per_token };

struct economic_column {
  std::string_view name;
  std::string_view unit;
  std::string_view description;
  economic_metric metric;
  token_kind tokens;
  sense better;  ///< cost and energy minimised; tokens per $ and per MW maximised

  /// The figure for one point (measured figures from the point's measured power).
  std::optional<double> of(const benchmark_point& p, const economics_inputs& in) const noexcept {
    if (metric == economic_metric::measured_j_per_token) {
      const point_economics e = economics_of(p, in);
      return tokens == token_kind::total   ? e.measured_j_per_token
             : tokens == token_kind::input ? e.measured_j_per_input_token
                                           : e.measured_j_per_output_token;
    }
    const std::optional<double> t = tokens == token_kind::total   ? p.tput_per_gpu
                                    : tokens == token_kind::input ? p.input_tput_per_gpu
                                                                  : p.output_tput_per_gpu;
    if (!t) return std::nullopt;
    return from_throughput(*t, in);
  }

  /// The figure for a throughput of this column's token kind (an interpolated point). None for
  /// measured figures, which need measured power.
  std::optional<double> from_throughput(double tok_per_s_per_gpu, const economics_inputs& in) const noexcept {
    switch (metric) {
      case economic_metric::usd_per_mtok: return usd_per_mtok(tok_per_s_per_gpu, in.usd_per_gpu_hour);
      case economic_metric::tokens_per_usd: return tokens_per_usd(tok_per_s_per_gpu, in.usd_per_gpu_hour);
      case economic_metric::tok_per_s_per_mw: return tok_per_s_per_mw(tok_per_s_per_gpu, in.kw_per_gpu);
      case economic_metric::j_per_token: return j_per_token(tok_per_s_per_gpu, in.kw_per_gpu);
      case economic_metric::measured_j_per_token: return std::nullopt;
    }
    return std::nullopt;
  }

  /// The throughput (tok/s/GPU) at which this figure takes `value`: the inverse of
  /// from_throughput, to ask "what interactivity gives $0.10 per million tokens?".
  std::optional<double> throughput_for(double value, const economics_inputs& in) const noexcept {
    if (!detail::positive_finite(value)) return std::nullopt;
    const double usd = in.usd_per_gpu_hour, kw = in.kw_per_gpu;
    switch (metric) {
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

  bool measured() const noexcept { return metric == economic_metric::measured_j_per_token; }
  /// The registry column of the throughput this figure derives from (tput_per_gpu, ...).
  std::string_view throughput_column() const noexcept {
    return tokens == token_kind::total ? "tput_per_gpu" : tokens == token_kind::input ? "input_tput_per_gpu" : "output_tput_per_gpu";
  }
};

namespace detail {
inline constexpr economic_column economic_column_list[] = {
    {"usd_per_mtok", "$/Mtok", "cost per million total tokens = $/GPU-h / (tput_per_gpu × 3600 / 1e6)", economic_metric::usd_per_mtok, token_kind::total, sense::minimize},
    {"usd_per_mtok_input", "$/Mtok", "cost per million input tokens (per prefill GPU when disaggregated)", economic_metric::usd_per_mtok, token_kind::input, sense::minimize},
    {"usd_per_mtok_output", "$/Mtok", "cost per million output tokens (per decode GPU when disaggregated)", economic_metric::usd_per_mtok, token_kind::output, sense::minimize},
    {"tokens_per_usd", "tok/$", "total tokens per dollar = tput_per_gpu × 3600 / $/GPU-h", economic_metric::tokens_per_usd, token_kind::total, sense::maximize},
    {"input_tokens_per_usd", "tok/$", "input tokens per dollar", economic_metric::tokens_per_usd, token_kind::input, sense::maximize},
    {"output_tokens_per_usd", "tok/$", "output tokens per dollar", economic_metric::tokens_per_usd, token_kind::output, sense::maximize},
    {"tok_per_s_per_mw", "tok/s/MW", "total tokens/s per provisioned MW = tput_per_gpu × 1000 / kW per GPU", economic_metric::tok_per_s_per_mw, token_kind::total, sense::maximize},
    {"input_tok_per_s_per_mw", "tok/s/MW", "input tokens/s per provisioned MW", economic_metric::tok_per_s_per_mw, token_kind::input, sense::maximize},
    {"output_tok_per_s_per_mw", "tok/s/MW", "output tokens/s per provisioned MW", economic_metric::tok_per_s_per_mw, token_kind::output, sense::maximize},
    {"j_per_token", "J/tok", "provisioned J per total token = kW per GPU × 1000 / tput_per_gpu", economic_metric::j_per_token, token_kind::total, sense::minimize},
    {"j_per_input_token", "J/tok", "provisioned J per input token", economic_metric::j_per_token, token_kind::input, sense::minimize},
    {"j_per_output_token", "J/tok", "provisioned J per output token", economic_metric::j_per_token, token_kind::output, sense::minimize},
    {"measured_j_per_token", "J/tok", "measured GPU-board J per total token", economic_metric::measured_j_per_token, token_kind::total, sense::minimize},
    {"measured_j_per_input_token", "J/tok", "measured GPU-board J per input token", economic_metric::measured_j_per_token, token_kind::input, sense::minimize},
    {"measured_j_per_output_token", "J/tok", "measured GPU-board J per output token", economic_metric::measured_j_per_token, token_kind::output, sense::minimize},
};
struct economic_alias {
  std::string_view alias, name;
};
inline constexpr economic_alias economic_aliases[] = {
    {"cost", "usd_per_mtok"},
    {"cost_per_mtok", "usd_per_mtok"},
    {"usd_per_mtok_total", "usd_per_mtok"},
    {"usd_per_input_mtok", "usd_per_mtok_input"},
    {"usd_per_output_mtok", "usd_per_mtok_output"},
    {"tokens_per_dollar", "tokens_per_usd"},
    {"tok_per_usd", "tokens_per_usd"},
    {"tok_per_s_per_mw_input", "input_tok_per_s_per_mw"},
    {"tok_per_s_per_mw_output", "output_tok_per_s_per_mw"},
    {"tokens_per_mw", "tok_per_s_per_mw"},
    {"tpPerMw", "tok_per_s_per_mw"},
    {"j_per_total_token", "j_per_token"},
    {"jTotal", "j_per_token"},
    {"jInput", "j_per_input_token"},
    {"jOutput", "j_per_output_token"},
    {"j_per_token_input", "j_per_input_token"},
    {"j_per_token_output", "j_per_output_token"},
};
}  // namespace detail

/// Every economic column, in a stable order.
inline std::span<const economic_column> economic_columns() noexcept { return detail::economic_column_list; }

/// The economic column called `name` (case-insensitive, a few aliases such as "cost" or
/// "tpPerMw" accepted), or nullptr.
inline const economic_column* find_economic_column(std::string_view name) noexcept {
  for (const auto& a : detail::economic_aliases)
    if (detail::iequals(a.alias, name)) name = a.name;
  for (const auto& c : detail::economic_column_list)
    if (detail::iequals(c.name, name)) return &c;
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Frontiers and curves in cost space
// ---------------------------------------------------------------------------------------------

/// The frontier of (interactivity ↑, economic figure by its sense) over `points`: indices into
/// `points`, interactivity ascending. Points lacking either value are left out. `inputs_of`
/// gives each point's constants (a callable `const benchmark_point& -> economics_inputs`), so
/// one call can price points of different accelerators.
template <class InputsOf>
  requires std::invocable<InputsOf&, const benchmark_point&>
std::vector<std::size_t> economic_frontier(std::span<const benchmark_point> points, const economic_column& col,
                                           InputsOf&& inputs_of, statistic s = statistic::median) {
  std::vector<double> xs, ys;
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto x = points[i].interactivity(s);
    const auto y = col.of(points[i], inputs_of(points[i]));
    if (!x || !y || !std::isfinite(*x) || !std::isfinite(*y)) continue;
    xs.push_back(*x);
    ys.push_back(*y);
    kept.push_back(i);
  }
  std::vector<std::size_t> out;
  for (std::size_t k : frontier_2d(xs, ys, sense::maximize, col.better)) out.push_back(kept[k]);
  return out;
}

/// Same, with one set of constants for every point.
inline std::vector<std::size_t> economic_frontier(std::span<const benchmark_point> points, const economic_column& col,
                                                  const economics_inputs& in, statistic s = statistic::median) {
  return economic_frontier(points, col, [&in](const benchmark_point&) -> const economics_inputs& { return in; }, s);
}

/// The economic figures at a target interactivity, from the throughput curve of one system
/// (total tok/s/GPU against interactivity, built on its throughput frontier). None outside the
/// curve's range.
inline std::optional<throughput_economics> economics_at(const curve& tput_curve, double interactivity,
                                                        const economics_inputs& in) {
  const std::optional<double> t = tput_curve.y_at(interactivity);
  if (!t) return std::nullopt;
  return economics_of_throughput(*t, in);
}

/// One economic figure at a target interactivity; `tput_curve` must be the curve of the
/// column's throughput (col.throughput_column()).
inline std::optional<double> economic_value_at(const curve& tput_curve, double interactivity, const economic_column& col,
                                               const economics_inputs& in) {
  const std::optional<double> t = tput_curve.y_at(interactivity);
  if (!t) return std::nullopt;
  return col.from_throughput(*t, in);
}

/// The interactivity at which a figure reaches `value` (e.g. the interactivity a $0.10/Mtok
/// budget buys), through the inverse formula and the throughput curve.
inline std::optional<double> interactivity_for(const curve& tput_curve, double value, const economic_column& col,
                                               const economics_inputs& in) {
  const std::optional<double> t = col.throughput_for(value, in);
  if (!t) return std::nullopt;
  return tput_curve.x_at(*t);
}

// ---------------------------------------------------------------------------------------------
// JSON (found by ADL): missing figures are null
// ---------------------------------------------------------------------------------------------

inline void to_json(nlohmann::json& j, const economics_inputs& in) {
  j = {{"usd_per_gpu_hour", in.usd_per_gpu_hour},
       {"kw_per_gpu", in.kw_per_gpu},
       {"power_basis", to_string(in.basis)},
       {"cost", in.cost_label},
       {"power", in.power_label}};
}
inline void to_json(nlohmann::json& j, const point_economics& e) {
  auto opt = [](std::optional<double> v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  j = {{"usd_per_mtok", opt(e.usd_per_mtok)},
       {"usd_per_mtok_input", opt(e.usd_per_mtok_input)},
       {"usd_per_mtok_output", opt(e.usd_per_mtok_output)},
       {"tokens_per_usd", opt(e.tokens_per_usd)},
       {"input_tokens_per_usd", opt(e.input_tokens_per_usd)},
       {"output_tokens_per_usd", opt(e.output_tokens_per_usd)},
       {"tok_per_s_per_mw", opt(e.tok_per_s_per_mw)},
       {"input_tok_per_s_per_mw", opt(e.input_tok_per_s_per_mw)},
       {"output_tok_per_s_per_mw", opt(e.output_tok_per_s_per_mw)},
       {"j_per_token", opt(e.j_per_token)},
       {"j_per_input_token", opt(e.j_per_input_token)},
       {"j_per_output_token", opt(e.j_per_output_token)},
       {"measured_j_per_token", opt(e.measured_j_per_token)},
       {"measured_j_per_input_token", opt(e.measured_j_per_input_token)},
       {"measured_j_per_output_token", opt(e.measured_j_per_output_token)},
       {"per_role_denominators", e.per_role_denominators}};
}
inline void to_json(nlohmann::json& j, const throughput_economics& e) {
  auto opt = [](std::optional<double> v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  j = {{"tput_per_gpu", e.tput_per_gpu},
       {"usd_per_mtok", opt(e.usd_per_mtok)},
       {"tokens_per_usd", opt(e.tokens_per_usd)},
       {"tok_per_s_per_mw", opt(e.tok_per_s_per_mw)},
       {"j_per_token", opt(e.j_per_token)}};
}

INFERLENS_END_NAMESPACE
