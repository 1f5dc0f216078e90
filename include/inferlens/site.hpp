// The site and ROI view: a site of given megawatts (or GPUs, or investment) → GPUs → tokens per
// day at an operating point → revenue at a price per million tokens → cost, margin, ROI and
// payback, with every assumption listed. Two cost views sit side by side: an all-in TCO rate
// per GPU-hour (what a renter or an InferenceX tier pays, capital included), and an investment
// with running costs on top (what an owner puts in up front), which is the view behind claims
// like "a $5M system generates $75M of token revenue, a 15× return".
#pragma once

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inferlens/economics.hpp"
#include "inferlens/error.hpp"
#include "inferlens/tco.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

inline constexpr double seconds_per_day = 86400.0;
inline constexpr double days_per_year = 365.0;  ///< with hours_per_year = 8760

struct site_inputs {
  // Sizing: the site's provisioned MW; or a GPU count; or an investment (with the capex per
  // GPU, or with the GPU count, which then gives the capex per GPU).
  std::optional<double> site_mw;         ///< provisioned MW, on the basis of kw_per_gpu
  std::optional<double> gpus;
  std::optional<double> investment_usd;
  double kw_per_gpu = std::numeric_limits<double>::quiet_NaN();  ///< provisioned kW per GPU
  std::optional<double> capex_usd_per_gpu;                         ///< for the investment view
  std::optional<double> usd_per_gpu_hour;                          ///< all-in TCO rate, for the cost view
  double opex_usd_per_gpu_hour = 0;  ///< running cost on top of the investment (power, colocation, ...)

  // Operating point and market
  double tok_per_s_per_gpu = std::numeric_limits<double>::quiet_NaN();  ///< billed tokens/s per GPU at the chosen point
  double price_usd_per_mtok = std::numeric_limits<double>::quiet_NaN();  ///< revenue per million of those tokens
  double utilization = 1;      ///< fraction of hours serving at that point
  double horizon_years = 4;    ///< period for revenue multiple and ROI
};

struct site_result {
  double gpus = 0;
  double provisioned_mw = 0;
  std::optional<double> investment_usd, capex_usd_per_gpu;
  double tokens_per_second = 0, tokens_per_day = 0, tokens_per_year = 0;
  double revenue_usd_per_year = 0;
  double opex_usd_per_year = 0;
  // cost view (with an all-in TCO rate)
  std::optional<double> tco_usd_per_year;
  std::optional<double> tco_usd_per_mtok;  ///< TCO per delivered million tokens, at the utilization
  std::optional<double> profit_usd_per_year;  ///< revenue − TCO
  std::optional<double> margin;               ///< profit / revenue
  std::optional<double> breakeven_price_usd_per_mtok;  ///< price at which revenue covers TCO
  // investment view (with an investment)
  double horizon_years = 0;
  double revenue_usd_over_horizon = 0;
  std::optional<double> revenue_multiple;  ///< revenue over the horizon / investment (the "15×")
  std::optional<double> roi;               ///< (revenue − opex) over the horizon / investment − 1
  std::optional<double> payback_years;     ///< investment / (revenue − opex) per year; none if never
  std::optional<double> investment_breakeven_price_usd_per_mtok;  ///< price that repays investment + opex over the horizon
  std::vector<assumption> assumptions;     ///< every input, with its source where the caller gave one
};

/// Blended price per million tokens when input and output tokens are priced apart:
/// p_in × (1 − f) + p_out × f, with f the output share of the billed tokens.
INFERLENS_LAZY std::optional<double> blended_price_usd_per_mtok(double input_usd_per_mtok, double output_usd_per_mtok,
                                                        double output_fraction) noexcept {
  if (!(std::isfinite(input_usd_per_mtok) && input_usd_per_mtok >= 0) || !(std::isfinite(output_usd_per_mtok) && output_usd_per_mtok >= 0) ||
      !(output_fraction >= 0 && output_fraction <= 1))
    return std::nullopt;
  return input_usd_per_mtok * (1.0 - output_fraction) + output_usd_per_mtok * output_fraction;
}

namespace detail {
inline constexpr double max_site_gpus = 9007199254740992.0;  // 2^53
INFERLENS_LAZY [[noreturn]] inline void bad_site(std::string_view field, const std::string& message) {
  throw input_error({"", std::nullopt, std::nullopt, std::string(field)}, message);
}
INFERLENS_LAZY void site_range(std::string_view field, double v, double lo, bool lo_open, double hi = std::numeric_limits<double>::infinity()) {
  if (std::isnan(v)) bad_site(field, "missing value");
  if (!std::isfinite(v) || (lo_open ? v <= lo : v < lo) || v > hi)
    bad_site(field, concat("must be ", lo_open ? "> " : ">= ", num(lo), std::isfinite(hi) ? " and <= " + num(hi) : std::string(),
                           ", got ", num(v)));
}
}  // namespace detail

/// The site view. `sources` labels the assumptions (key -> where it came from).
/// @throws input_error on missing or out-of-range inputs, or an ambiguous sizing.
INFERLENS_LAZY site_result site_economics(const site_inputs& in, const source_map& sources = {}) {
  using detail::site_range;
  const int sizings = (in.site_mw ? 1 : 0) + (in.gpus ? 1 : 0) + (in.investment_usd && !in.gpus ? 1 : 0);
  if (sizings == 0) detail::bad_site("site", "give the site size: MW, a GPU count, or an investment");
  if (sizings > 1 || (in.site_mw && in.investment_usd))
    detail::bad_site("site", "give one site size: MW, a GPU count, or an investment (a GPU count with an investment sets the capex per GPU)");
  site_range("tok_per_s_per_gpu", in.tok_per_s_per_gpu, 0, true);
  site_range("price_usd_per_mtok", in.price_usd_per_mtok, 0, false);
  site_range("utilization", in.utilization, 0, true, 1);
  site_range("horizon_years", in.horizon_years, 0, true);
  site_range("opex_usd_per_gpu_hour", in.opex_usd_per_gpu_hour, 0, false);
  if (in.usd_per_gpu_hour) site_range("usd_per_gpu_hour", *in.usd_per_gpu_hour, 0, true);

  site_result r;
  std::optional<double> capex = in.capex_usd_per_gpu;
  if (capex) site_range("capex_usd_per_gpu", *capex, 0, true);
  if (in.site_mw) {
    site_range("site_mw", *in.site_mw, 0, true);
    site_range("kw_per_gpu", in.kw_per_gpu, 0, true);
    r.gpus = std::floor(*in.site_mw * 1000.0 / in.kw_per_gpu);  // InferenceX fleet planner: whole GPUs that fit
    if (r.gpus < 1) detail::bad_site("site_mw", detail::concat(detail::num(*in.site_mw), " MW does not hold one GPU of ", detail::num(in.kw_per_gpu), " kW"));
  } else if (in.gpus) {
    site_range("gpus", *in.gpus, 1, false);
    if (std::floor(*in.gpus) != *in.gpus) detail::bad_site("gpus", "must be a whole number, got " + detail::num(*in.gpus));
    r.gpus = *in.gpus;
    if (in.investment_usd) {
      site_range("investment_usd", *in.investment_usd, 0, true);
      if (capex) detail::bad_site("capex_usd_per_gpu", "give two of GPU count, investment and capex per GPU, not all three");
      capex = *in.investment_usd / r.gpus;
    }
  } else {
    site_range("investment_usd", *in.investment_usd, 0, true);
    if (!capex) detail::bad_site("capex_usd_per_gpu", "sizing by investment needs the capex per GPU (or the GPU count)");
    r.gpus = std::floor(*in.investment_usd / *capex);
    if (r.gpus < 1) detail::bad_site("investment_usd", "the investment does not buy one GPU");
  }
  // A count beyond 2^53 is no longer a whole number in a double, and its products overflow.
  if (!(r.gpus <= detail::max_site_gpus)) {
    const std::string_view field = in.site_mw ? "site_mw" : in.gpus ? "gpus" : "investment_usd";
    const std::string limit = detail::concat("2^53 (", detail::num(detail::max_site_gpus), ")");
    detail::bad_site(field, std::isfinite(r.gpus) ? detail::concat("the site would hold ", detail::num(r.gpus), " GPUs, more than ", limit, ": not a site size")
                                                  : detail::concat("the site would hold more GPUs than ", limit, ": not a site size"));
  }
  if (std::isfinite(in.kw_per_gpu) && in.kw_per_gpu > 0) r.provisioned_mw = r.gpus * in.kw_per_gpu / 1000.0;
  if (capex) {
    r.capex_usd_per_gpu = capex;
    r.investment_usd = in.investment_usd && in.gpus ? *in.investment_usd : r.gpus * *capex;
  }

  r.tokens_per_second = r.gpus * in.tok_per_s_per_gpu * in.utilization;
  r.tokens_per_day = r.tokens_per_second * seconds_per_day;
  r.tokens_per_year = r.tokens_per_day * days_per_year;
  r.revenue_usd_per_year = r.tokens_per_year / 1e6 * in.price_usd_per_mtok;
  r.opex_usd_per_year = r.gpus * in.opex_usd_per_gpu_hour * hours_per_year;
  r.horizon_years = in.horizon_years;
  r.revenue_usd_over_horizon = r.revenue_usd_per_year * in.horizon_years;
  const double mtok_per_year = r.tokens_per_year / 1e6;

  if (in.usd_per_gpu_hour) {
    r.tco_usd_per_year = r.gpus * *in.usd_per_gpu_hour * hours_per_year;
    r.tco_usd_per_mtok = usd_per_mtok(in.tok_per_s_per_gpu * in.utilization, *in.usd_per_gpu_hour);
    r.profit_usd_per_year = r.revenue_usd_per_year - *r.tco_usd_per_year;
    if (r.revenue_usd_per_year > 0) r.margin = *r.profit_usd_per_year / r.revenue_usd_per_year;
    r.breakeven_price_usd_per_mtok = *r.tco_usd_per_year / mtok_per_year;
  }
  if (r.investment_usd) {
    const double inv = *r.investment_usd;
    r.revenue_multiple = r.revenue_usd_over_horizon / inv;
    r.roi = (r.revenue_usd_over_horizon - r.opex_usd_per_year * in.horizon_years - inv) / inv;
    const double net_per_year = r.revenue_usd_per_year - r.opex_usd_per_year;
    if (net_per_year > 0) r.payback_years = inv / net_per_year;
    r.investment_breakeven_price_usd_per_mtok = (inv / in.horizon_years + r.opex_usd_per_year) / mtok_per_year;
  }

  // Each input is in range, but their products may still overflow (1e300 tok/s/GPU on 1e9 GPUs):
  // an infinite figure is refused, never printed.
  const auto finite = [&](std::string_view what, std::optional<double> v) {
    if (v && !std::isfinite(*v))
      detail::bad_site("site", detail::concat("the ", what, " overflows a double: the inputs (", detail::num(r.gpus), " GPUs, ",
                                              detail::num(in.tok_per_s_per_gpu), " tok/s/GPU, $", detail::num(in.price_usd_per_mtok),
                                              "/Mtok) are out of any real range"));
  };
  finite("provisioned MW", r.provisioned_mw);
  finite("investment", r.investment_usd);
  finite("tokens per year", r.tokens_per_year);
  finite("revenue over the horizon", r.revenue_usd_over_horizon);
  finite("opex per year", r.opex_usd_per_year);
  finite("TCO per year", r.tco_usd_per_year);

  auto add = [&](std::string_view key, std::optional<double> v, std::string_view unit) {
    if (!v) return;
    auto it = sources.find(key);
    r.assumptions.push_back({std::string(key), *v, std::string(unit), it == sources.end() ? std::string("given") : it->second});
  };
  add("site_mw", in.site_mw, "MW");
  add("gpus", in.gpus, "GPUs");
  add("investment_usd", in.investment_usd, "USD");
  add("kw_per_gpu", std::isfinite(in.kw_per_gpu) ? std::optional<double>(in.kw_per_gpu) : std::nullopt, "kW");
  add("capex_usd_per_gpu", in.capex_usd_per_gpu, "USD");
  add("usd_per_gpu_hour", in.usd_per_gpu_hour, "USD/GPU-h");
  add("opex_usd_per_gpu_hour", in.opex_usd_per_gpu_hour, "USD/GPU-h");
  add("tok_per_s_per_gpu", in.tok_per_s_per_gpu, "tok/s/GPU");
  add("price_usd_per_mtok", in.price_usd_per_mtok, "USD/Mtok");
  add("utilization", in.utilization, "fraction");
  add("horizon_years", in.horizon_years, "years");
  return r;
}

/// The price per million tokens at which the site's revenue over its horizon is `multiple` ×
/// its investment (e.g. 15 for "a 15× return"); none without an investment.
INFERLENS_LAZY std::optional<double> price_for_revenue_multiple(const site_result& r, double multiple) noexcept {
  if (!r.investment_usd || !(r.tokens_per_year > 0) || !(r.horizon_years > 0)) return std::nullopt;
  return multiple * *r.investment_usd / (r.tokens_per_year / 1e6 * r.horizon_years);
}

/// The running costs per GPU-hour in an owner's cost breakdown (power, colocation, maintenance,
/// other): what a site pays on top of its investment, i.e. the owned model without its capital
/// line and without the unsold-hours uplift. None for a breakdown of another model.
INFERLENS_LAZY std::optional<double> running_costs_usd_per_gpu_hour(const cost_breakdown& owned) noexcept {
  if (owned.model != "owned") return std::nullopt;
  double sum = 0;
  for (const breakdown_line& l : owned.lines)
    if (l.item != "capital" && l.item != "unsold hours") sum += l.value;
  return sum;
}

INFERLENS_END_NAMESPACE
