// Comparing two sets of results and gating regressions: a baseline and a new build of the same
// systems, matched by identity without the engine image and the date (or by chosen columns);
// per system the ratio curve NEW/BASELINE of any y over the common x range, its extremes,
// crossovers, what each side covers that the other does not, and a gate that says per system
// whether it regressed, improved, stayed within the tolerance, could not be decided because the
// noise is larger than the tolerance, or lost part of the range it had.
//
//   CHECK(inferlens::no_regression(base, next, {.range = {50, 200}, .tolerance = 0.03}));
//
// Repeated runs of one configuration (the same identity and load level in several rows: files
// of several runs, `inferlens bench --repeats N`) are averaged before the frontier is drawn, and
// each point gets a mean and a Student-t interval; the frontier gets a band and each gated x an
// interval of the ratio, both by bootstrap over the repeats (Eigen does the resampling
// matrices; a fixed seed makes every interval reproducible). Without repeats there is no
// interval and the verdicts compare the ratio with the tolerance alone; the comparison says so.
// docs/compare.md explains the statistics.
//
// This header needs Eigen (<Eigen/Core>), so the umbrella <inferlens/inferlens.hpp> does not
// include it. <inferlens/testing.hpp> adds doctest's StringMaker and operator<<.
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inferlens/columns.hpp"
#include "inferlens/curves.hpp"
#include "inferlens/detail/json.hpp"
#include "inferlens/detail/text.hpp"
#include "inferlens/economics.hpp"
#include "inferlens/error.hpp"
#include "inferlens/frontier.hpp"
#include "inferlens/load.hpp"
#include "inferlens/pareto.hpp"
#include "inferlens/pricing.hpp"
#include "inferlens/record.hpp"
#include "inferlens/stats.hpp"
#include "inferlens/table.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

// ---------------------------------------------------------------------------------------------
// Small-sample statistics
// ---------------------------------------------------------------------------------------------

namespace detail::cmp {

// Continued fraction of the regularised incomplete beta function (modified Lentz).
inline double beta_continued_fraction(double a, double b, double x) noexcept {
  constexpr double tiny = 1e-300, eps = 1e-15;
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::abs(d) < tiny) d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 1000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1 / d;
    const double step = d * c;
    h *= step;
    if (std::abs(step - 1) < eps) break;
  }
  return h;
}

// I_x(a, b), the regularised incomplete beta function.
inline double incomplete_beta(double a, double b, double x) noexcept {
  if (!(x > 0)) return 0;
  if (!(x < 1)) return 1;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * beta_continued_fraction(a, b, x) / a;
  return 1 - front * beta_continued_fraction(b, a, 1 - x) / b;
}

// Bisection of a increasing function f on [lo, hi] for f(t) = p, to the last bit.
template <class F>
double solve_increasing(F f, double p, double lo, double hi) noexcept {
  for (int i = 0; i < 2000; ++i) {
    const double mid = lo + (hi - lo) / 2;
    if (!(mid > lo && mid < hi)) break;
    if (f(mid) < p) lo = mid;
    else hi = mid;
  }
  return lo + (hi - lo) / 2;
}

}  // namespace detail::cmp

/// Cumulative distribution of Student's t with `df` degrees of freedom (df > 0).
inline double student_t_cdf(double t, double df) noexcept {
  if (std::isnan(t) || !(df > 0)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  const double tail = 0.5 * detail::cmp::incomplete_beta(df / 2, 0.5, df / (df + t * t));
  return t >= 0 ? 1 - tail : tail;
}

/// The p-quantile of Student's t with `df` degrees of freedom, p in (0, 1); NaN otherwise.
/// student_t_quantile(0.975, 2) = 4.3027 (the factor of a 95 % interval from three values).
inline double student_t_quantile(double p, double df) noexcept {
  if (!(p > 0 && p < 1) || !(df > 0)) return std::numeric_limits<double>::quiet_NaN();
  if (p == 0.5) return 0;
  if (p < 0.5) return -student_t_quantile(1 - p, df);
  double hi = 2;
  while (student_t_cdf(hi, df) < p && hi < 1e300) hi *= 2;
  return detail::cmp::solve_increasing([df](double t) { return student_t_cdf(t, df); }, p, 0, hi);
}

/// The p-quantile of the standard normal distribution, p in (0, 1); NaN otherwise.
inline double normal_quantile(double p) noexcept {
  if (!(p > 0 && p < 1)) return std::numeric_limits<double>::quiet_NaN();
  if (p == 0.5) return 0;
  if (p < 0.5) return -normal_quantile(1 - p);
  return detail::cmp::solve_increasing([](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }, p, 0, 40);
}

/// The mean of repeated measurements and its confidence interval.
struct estimate {
  double mean = detail::missing;
  double lo = detail::missing, hi = detail::missing;  ///< the interval; NaN with fewer than two values
  double sd = detail::missing;                        ///< sample standard deviation (n - 1)
  std::size_t n = 0;                                  ///< how many values

  bool has_interval() const noexcept { return std::isfinite(lo) && std::isfinite(hi); }
};

/// Mean and Student-t interval: mean ± t(1 − (1 − confidence)/2, n − 1) · sd / √n. One value has
/// a mean and no interval; no value has neither. NaN values are left out.
inline estimate mean_interval(std::span<const double> values, double confidence = 0.95) {
  estimate e;
  std::vector<double> v;
  for (double x : values)
    if (!std::isnan(x)) v.push_back(x);
  e.n = v.size();
  if (v.empty()) return e;
  e.mean = *inferlens::mean(v);
  if (v.size() < 2) return e;
  double ss = 0;
  for (double x : v) ss += (x - e.mean) * (x - e.mean);
  e.sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
  const double t = student_t_quantile(1 - (1 - confidence) / 2, static_cast<double>(v.size() - 1));
  const double half = t * e.sd / std::sqrt(static_cast<double>(v.size()));
  e.lo = e.mean - half;
  e.hi = e.mean + half;
  return e;
}

// ---------------------------------------------------------------------------------------------
// What a comparison is asked and what it answers
// ---------------------------------------------------------------------------------------------

/// A closed range of x; both ends NaN (the default) means none.
struct interval {
  double lo = detail::missing, hi = detail::missing;

  bool given() const noexcept { return !std::isnan(lo) || !std::isnan(hi); }
  bool valid() const noexcept { return std::isfinite(lo) && std::isfinite(hi) && lo <= hi; }
  bool contains(double x) const noexcept { return x >= lo && x <= hi; }
  friend bool operator==(const interval&, const interval&) = default;
};

/// What compare() and no_regression() do. Members in this order, so that designated
/// initializers read `{.range = {50, 200}, .tolerance = 0.03}`.
struct compare_options {
  /// Gate over this x range (none by default). With neither `range` nor `at`, the gate covers
  /// the baseline's whole frontier.
  interval range{};
  /// Gate at these x (and over `range` when given too).
  std::vector<double> at{};
  /// A relative change within ±tolerance is no change (0.03: 3 %). It also bounds how far short
  /// of the baseline's best x the new frontier may end (3 % less interactivity) before that
  /// counts as lost coverage.
  double tolerance = 0.03;
  /// What one system is: the columns it is matched by on both sides. The default is the
  /// frontier's system (model, ISL/OSL, precision, accelerator, framework, speculative
  /// decoding): the engine image and the date are what changes between the two sides.
  std::vector<column_id> match{std::begin(system_columns), std::end(system_columns)};
  column_id x = cols::median_intvty;  ///< interactivity by default
  column_id y = cols::tput_per_gpu;   ///< any numeric column, economic ones ($/Mtok) with a price
  std::optional<sense> x_sense{}, y_sense{};  ///< default: the columns' natural sense
  interpolation kind = interpolation::steffen;
  std::optional<pricing> price{};  ///< needed for an economic x or y
  double confidence = 0.95;      ///< of every interval
  std::size_t resamples = 2000;  ///< bootstrap resamples (when there are repeats)
  std::uint64_t seed = 20240614; ///< of the resampling: equal inputs give equal intervals
  std::size_t samples = 129;     ///< evenly spaced x of the ratio curve and of the gate's range
  bool fail_inconclusive = false;  ///< an inconclusive system fails the gate too
  bool fail_missing = true;        ///< a system the baseline has and the new results lack fails
};

/// What the gate concluded, per checked x, per region and per system.
enum class verdict : unsigned char {
  unchanged,      ///< within the tolerance (and, with repeats, no regression beyond it possible)
  improved,       ///< better by more than the tolerance (and its interval too)
  inconclusive,   ///< the interval reaches below 1 − tolerance but the drop is not established
  regressed,      ///< worse by more than the tolerance, the whole interval too
  coverage_lost,  ///< the new frontier does not reach x (or its nearest point is worse there)
  missing,        ///< a system of the baseline that the new results lack
  added,          ///< a system only the new results have
  not_gated,      ///< nothing to check: the baseline does not reach the gate's x
};

inline constexpr std::string_view to_string(verdict v) noexcept {
  switch (v) {
    case verdict::unchanged: return "unchanged";
    case verdict::improved: return "improved";
    case verdict::inconclusive: return "inconclusive";
    case verdict::regressed: return "regressed";
    case verdict::coverage_lost: return "coverage lost";
    case verdict::missing: return "only in baseline";
    case verdict::added: return "only in new";
    case verdict::not_gated: return "not gated";
  }
  return "unchanged";
}

/// How the new frontier answers at an x of the baseline's.
enum class reach : unsigned char {
  inside,     ///< x is inside the new frontier's range
  dominated,  ///< beyond its worse end (lower interactivity): its point there serves x better
  near_end,   ///< beyond its better end by no more than the tolerance: its end point is taken
  beyond,     ///< out of its reach
};

/// One configuration (identity and load level) of one side, over its repeats.
struct configuration_stats {
  std::string label;              ///< the identity columns that are not the system's, e.g. "concurrency=64 tp=4"
  std::vector<std::string> runs;  ///< run ids (or files) of the repeats averaged
  std::size_t rows = 0;           ///< rows of this configuration
  std::size_t dropped = 0;        ///< of them left out: partial, no completed request, a value missing
  estimate x, y;                  ///< the frontier's x and y over the repeats
  bool on_frontier = false;
};

/// The frontier's y at one x with its bootstrap band.
struct band_point {
  double x, y, lo, hi;
};

/// One system on one side of a comparison.
struct side_summary {
  system_frontier frontier;  ///< drawn through the configurations' means
  std::vector<configuration_stats> configurations;
  std::vector<band_point> band;  ///< the bootstrap band over the frontier's range; empty without repeats
  std::vector<std::string> images;  ///< engine images of the system's rows
  std::size_t rows = 0;
  std::size_t repeated = 0;  ///< configurations with two or more repeats

  bool has_repeats() const noexcept { return repeated > 0; }
};

/// One x the gate checked.
struct gate_point {
  double x = detail::missing;
  double base = detail::missing, next = detail::missing;  ///< y of each side (next: see `how`)
  double ratio = detail::missing;  ///< next / base
  double gain = detail::missing;   ///< the ratio oriented so that > 1 is better (base / next when lower y is better)
  double lo = detail::missing, hi = detail::missing;  ///< interval of the gain; NaN without repeats
  reach how = reach::inside;
  verdict status = verdict::unchanged;
  bool requested = false;  ///< one of compare_options::at

  bool has_interval() const noexcept { return std::isfinite(lo) && std::isfinite(hi); }
};

/// Consecutive checked x with one verdict other than unchanged.
struct gate_region {
  verdict status = verdict::regressed;
  double from = detail::missing, to = detail::missing;
  gate_point worst;  ///< the largest drop (the largest gain for an improvement)
  std::size_t points = 0;
};

/// Where a ratio curve is lowest or highest.
struct ratio_extreme {
  double x, ratio;
};

/// One system of either side and what the comparison found.
struct system_comparison {
  system_key key;
  std::string name;
  verdict result = verdict::unchanged;
  bool failed = false;  ///< fails the gate (by the options it was compared with)
  std::optional<side_summary> base, next;
  std::vector<ratio_point> ratios;  ///< next / base over the common x range (curves.hpp's ratio(): a = next, b = base)
  std::optional<ratio_extreme> lowest, highest;
  std::vector<crossover> crossings;  ///< where the new frontier overtakes the baseline's, or falls behind it
  std::optional<interval> base_range, next_range;
  std::vector<interval> lost, gained;  ///< x the baseline covers and the new frontier does not, and the reverse
  std::vector<gate_point> checked;
  std::vector<gate_region> regions;
  std::vector<std::string> notes;
  column_id x = cols::median_intvty, y = cols::tput_per_gpu;
  sense y_sense = sense::maximize;  ///< the direction in which y is better
  double tolerance = 0.03, confidence = 0.95;

  /// One line: the system, its verdict and where, e.g. "b200 vllm · gpt-oss-120b 1024/1024 fp4:
  /// regressed: tput_per_gpu -5.2% over 80–120 tok/s/user (...)".
  std::string description() const;
  /// The region that decided the verdict (the worst of its kind), if any.
  const gate_region* deciding_region() const noexcept {
    const gate_region* best = nullptr;
    for (const gate_region& r : regions) {
      if (r.status != result) continue;
      const bool better = r.status == verdict::improved ? (!best || r.worst.gain > best->worst.gain)
                                                        : (!best || r.worst.gain < best->worst.gain);
      if (better) best = &r;
    }
    return best;
  }
};

/// What one side of a comparison held.
struct side_info {
  std::size_t rows = 0, files = 0, configurations = 0, repeated = 0;
  std::size_t min_repeats = 0, max_repeats = 0;  ///< over the configurations with any valid row
  std::vector<std::string> images;
};

namespace detail::cmp {
template <class A>
concept assertion_result_like = !std::same_as<A, bool> && std::constructible_from<A, bool> &&
                                requires(A& a, const A& ca, const std::string& s) {
                                  a << s;
                                  { ca.message() } -> std::convertible_to<const char*>;
                                };
}  // namespace detail::cmp

/// Every system of both sides and the gate's verdicts. Converts to true when the gate passes,
/// so that CHECK(inferlens::no_regression(...)) reads as an assertion.
struct comparison {
  compare_options options;
  std::vector<system_comparison> systems;  ///< baseline order; then the systems only the new results have
  side_info baseline, candidate;
  std::string uncertainty;  ///< how the intervals were obtained, or why there are none

  /// No system failed the gate.
  bool passed() const noexcept {
    return std::none_of(systems.begin(), systems.end(), [](const system_comparison& s) { return s.failed; });
  }
  explicit operator bool() const noexcept { return passed(); }
  /// Success or failure with description() as the message, for a test framework's assertion
  /// result (GoogleTest's ::testing::AssertionResult): EXPECT_TRUE(no_regression(...)) then
  /// prints the failing systems.
  template <class Assertion>
    requires detail::cmp::assertion_result_like<Assertion>
  operator Assertion() const {
    Assertion a(passed());
    a << description();
    return a;
  }

  std::vector<const system_comparison*> failures() const {
    std::vector<const system_comparison*> out;
    for (const auto& s : systems)
      if (s.failed) out.push_back(&s);
    return out;
  }
  std::size_t count(verdict v) const noexcept {
    return static_cast<std::size_t>(
        std::count_if(systems.begin(), systems.end(), [v](const system_comparison& s) { return s.result == v; }));
  }
  /// The system with this name (system_key::name()), or nullptr.
  const system_comparison* find(std::string_view name) const noexcept {
    for (const auto& s : systems)
      if (s.name == name) return &s;
    return nullptr;
  }
  /// "no regression: ..." or the failing systems, one line each.
  std::string description() const;
  /// What the gate covered: "50–200 tok/s/user", "at 100, 200 tok/s/user", "each baseline frontier's range".
  std::string gate_text() const;
};

// ---------------------------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------------------------

namespace detail::cmp {

inline constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();

// How a frontier axis of a configuration follows from its repeats: the mean of `averaged`,
// mapped through the economic formula when the axis is a figure computed from a throughput.
struct axis_rule {
  column_id column;
  column_id averaged;
  bool from_throughput = false;  // economic: formula(mean throughput)
  bool per_row = false;          // measured energy: each row's figure, averaged
};

inline axis_rule axis_of(column_id c) {
  const column& k = info(c);
  if (!k.economic()) return {c, c, false, false};
  if (k.metric == economic_metric::measured_j_per_token) return {c, c, false, true};
  return {c, throughput_column(k.tokens), true, false};
}

// The quantity averaged over repeats for one row.
inline double averaged_quantity(const row_view& r, const axis_rule& a, const pricing_result* pr) {
  if (a.per_row) {
    if (!pr || !*pr) return nan_value;
    return economic_value(a.column, r.point(), **pr).value_or(nan_value);
  }
  return r.number(a.averaged);
}

// The axis value from an averaged quantity.
inline double axis_value(const axis_rule& a, double q, const pricing_result* pr) noexcept {
  if (!a.from_throughput) return q;
  if (!pr || !*pr || !std::isfinite(q)) return nan_value;
  return economic_value_from_throughput(a.column, q, **pr).value_or(nan_value);
}

// One configuration of one side.
struct config_data {
  std::vector<double> qx, qy;  // averaged quantities of the valid repeats
  std::vector<std::string> runs;
  std::size_t rows = 0;
  const pricing_result* price = nullptr;
};

// One side: one row per configuration (the repeats' means), its frontiers, and per row the
// repeats behind it.
struct side_build {
  result_table means;
  std::vector<config_data> configs;
  frontier_set set;
  std::vector<std::vector<std::size_t>> members;  // per system of `set`: rows of `means`
};

inline std::vector<column_id> identity_columns() {
  std::vector<column_id> out;
  for (const column& c : columns())
    if (c.kind == column_kind::identity) out.push_back(c.id);
  return out;
}

// The mean of the measured and derived columns over the given rows, on the first row's identity.
inline benchmark_point mean_point(const result_table& rows, std::span<const std::size_t> use) {
  benchmark_point p = rows.point(use.front());
  if (use.size() == 1) return p;
  for (const column& c : columns()) {
    if (index_of(c.id) >= point_column_count || !c.numeric()) continue;
    if (c.kind != column_kind::measured && c.kind != column_kind::derived) continue;
    std::vector<double> values;
    for (std::size_t i : use)
      if (const double v = rows[i].number(c.id); !std::isnan(v)) values.push_back(v);
    if (values.empty()) continue;
    double m = *inferlens::mean(values);
    if (c.type == column_type::integer) m = std::round(m);
    set_number(p, c.id, m);
  }
  return p;
}

inline std::string run_name(const row_view& r) {
  if (!r.text(cols::run).empty()) return std::string(r.text(cols::run));
  if (!r.text(cols::date).empty()) return std::string(r.text(cols::date));
  return std::string(r.text(cols::source));
}

using price_cache = std::map<std::string, pricing_result, std::less<>>;

inline side_build build_side(const result_table& t, const frontier_spec& spec, price_cache& prices) {
  const axis_rule ax = axis_of(spec.x), ay = axis_of(spec.y);
  const bool priced = (info(spec.x).economic() || info(spec.y).economic()) && spec.price;
  side_build out;
  std::vector<benchmark_point> points;
  for (const table_group& g : t.groups(identity_columns())) {
    config_data cd;
    cd.rows = g.rows.size();
    if (priced) {
      const std::string_view acc = g.rows[0].text(cols::accelerator);
      auto it = prices.find(acc);
      if (it == prices.end()) it = prices.emplace(std::string(acc), spec.price->resolve(acc)).first;
      cd.price = &it->second;
    }
    std::vector<std::size_t> valid;
    for (std::size_t i = 0; i < g.rows.size(); ++i) {
      const row_view r = g.rows[i];
      if (r.number(cols::partial) == 1.0 || r.number(cols::completed) == 0.0) continue;
      const double qx = averaged_quantity(r, ax, cd.price), qy = averaged_quantity(r, ay, cd.price);
      if (!std::isfinite(axis_value(ax, qx, cd.price)) || !std::isfinite(axis_value(ay, qy, cd.price))) continue;
      valid.push_back(i);
      cd.qx.push_back(qx);
      cd.qy.push_back(qy);
      std::string run = run_name(r);
      if (std::find(cd.runs.begin(), cd.runs.end(), run) == cd.runs.end()) cd.runs.push_back(std::move(run));
    }
    // A configuration without a usable row keeps one row, so that frontiers() says why.
    points.push_back(valid.empty() ? g.rows.point(0) : mean_point(g.rows, valid));
    out.configs.push_back(std::move(cd));
  }
  out.means = result_table(points);
  out.means.set_files(std::vector<source_file>(t.files().begin(), t.files().end()));
  out.set = out.means.frontiers(spec);
  const grouping g = out.means.grouping_of(spec.group_by);
  out.members.resize(g.groups());
  for (std::size_t j = 0; j < out.means.size(); ++j) out.members[g.group_of[j]].push_back(j);
  return out;
}

inline std::string configuration_label(const benchmark_point& p, std::span<const column_id> match) {
  std::string s;
  for (const column& c : columns()) {
    if (c.kind != column_kind::identity || c.id == cols::model_prefix) continue;
    if (std::find(match.begin(), match.end(), c.id) != match.end()) continue;
    const cell v = get(p, c.id);
    if (std::holds_alternative<std::monostate>(v)) continue;
    if ((c.id == cols::disagg || c.id == cols::multinode) && v == cell(false)) continue;
    if (c.id == cols::request_rate && std::isinf(as_number(v).value_or(0))) continue;
    if (c.id == cols::hw && p.hw == p.accelerator) continue;
    if (!s.empty()) s += ' ';
    s += std::string(c.name) + "=" + to_string(v);
  }
  return s.empty() ? "-" : s;
}

// The bootstrap curves of one system on one side; empty when no configuration is repeated.
struct replicate_set {
  std::vector<curve> curves;
  bool empty() const noexcept { return curves.empty(); }
};

inline std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 1469598103934665603ull) noexcept {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// The factor that scales a resampled mean's deviation so that, for one configuration, the
// bootstrap's spread matches the Student-t interval of its mean: √(n/(n−1)) undoes the plain
// bootstrap's shrinkage of the variance, t/z widens normal quantiles to Student's.
inline double small_sample_scale(std::size_t n, double confidence) noexcept {
  if (n < 2) return 0;
  const double q = 1 - (1 - confidence) / 2;
  const double nn = static_cast<double>(n);
  return std::sqrt(nn / (nn - 1)) * student_t_quantile(q, nn - 1) / normal_quantile(q);
}

inline replicate_set bootstrap(const side_build& side, std::span<const std::size_t> rows, const frontier_spec& spec,
                               sense sx, sense sy, const compare_options& o, std::uint64_t seed) {
  replicate_set out;
  std::vector<std::size_t> use;
  bool repeated = false;
  for (std::size_t j : rows) {
    const config_data& c = side.configs[j];
    if (c.qx.empty()) continue;
    use.push_back(j);
    repeated = repeated || c.qx.size() >= 2;
  }
  if (!repeated || o.resamples == 0) return out;
  const axis_rule ax = axis_of(spec.x), ay = axis_of(spec.y);
  const auto B = static_cast<Eigen::Index>(o.resamples);
  const auto m = static_cast<Eigen::Index>(use.size());
  Eigen::MatrixXd X(B, m), Y(B, m);
  std::mt19937_64 rng(seed);
  for (Eigen::Index j = 0; j < m; ++j) {
    const config_data& c = side.configs[use[static_cast<std::size_t>(j)]];
    const auto n = static_cast<Eigen::Index>(c.qx.size());
    Eigen::MatrixXd Q(n, 2);
    for (Eigen::Index i = 0; i < n; ++i) {
      Q(i, 0) = c.qx[static_cast<std::size_t>(i)];
      Q(i, 1) = c.qy[static_cast<std::size_t>(i)];
    }
    Eigen::MatrixXd M(B, 2);
    if (n == 1) {
      M.col(0).setConstant(Q(0, 0));
      M.col(1).setConstant(Q(0, 1));
    } else {
      // Resampling matrix: row b holds the multiplicities of a draw of n repeats with
      // replacement, over n; the resampled means are W Q.
      Eigen::MatrixXd W = Eigen::MatrixXd::Zero(B, n);
      const double share = 1.0 / static_cast<double>(n);
      for (Eigen::Index b = 0; b < B; ++b)
        for (Eigen::Index k = 0; k < n; ++k) W(b, static_cast<Eigen::Index>(rng() % static_cast<std::uint64_t>(n))) += share;
      const Eigen::RowVectorXd centre = Q.colwise().mean();
      const double scale = small_sample_scale(static_cast<std::size_t>(n), o.confidence);
      M = ((W * Q).rowwise() - centre) * scale;
      M.rowwise() += centre;
      M = M.cwiseMax(0.0);  // every axis quantity is a non-negative measurement
    }
    for (Eigen::Index b = 0; b < B; ++b) {
      X(b, j) = axis_value(ax, M(b, 0), c.price);
      Y(b, j) = axis_value(ay, M(b, 1), c.price);
    }
  }
  out.curves.reserve(o.resamples);
  std::vector<double> xs(static_cast<std::size_t>(m)), ys(static_cast<std::size_t>(m));
  for (Eigen::Index b = 0; b < B; ++b) {
    for (Eigen::Index j = 0; j < m; ++j) {
      xs[static_cast<std::size_t>(j)] = X(b, j);
      ys[static_cast<std::size_t>(j)] = Y(b, j);
    }
    const std::vector<std::size_t> front = frontier_2d(xs, ys, sx, sy);
    std::vector<double> fx, fy;
    for (std::size_t f : front) {
      fx.push_back(xs[f]);
      fy.push_back(ys[f]);
    }
    out.curves.emplace_back(std::move(fx), std::move(fy), spec.kind);
  }
  return out;
}

// The new frontier's answer at x: inside its range, from the point at its worse end (which
// serves any x beyond that end), from its better end when x is beyond it by no more than the
// tolerance, or nothing.
struct reached {
  double y = nan_value;
  reach how = reach::beyond;
};

inline reached reach_of(const curve& c, double x, sense sx, double tolerance) noexcept {
  if (c.empty()) return {};
  if (const auto v = c.y_at(x)) return {*v, reach::inside};
  const double lo = c.xs().front(), hi = c.xs().back();
  const double first = std::max(0.0, c.ys().front()), last = std::max(0.0, c.ys().back());
  if (sx == sense::maximize) {
    if (x < lo) return {first, reach::dominated};
    if (x > hi && x <= hi * (1 + tolerance)) return {last, reach::near_end};
  } else {
    if (x > hi) return {last, reach::dominated};
    if (x < lo && x >= lo * (1 - tolerance)) return {first, reach::near_end};
  }
  return {};
}

// The ratio oriented so that > 1 is better.
inline double gain_of(double base, double next, sense sy) noexcept {
  if (std::isnan(base) || std::isnan(next)) return nan_value;
  if (sy == sense::maximize) {
    if (base == 0) return next == 0 ? 1.0 : std::numeric_limits<double>::infinity();
    return next / base;
  }
  if (next == 0) return base == 0 ? 1.0 : std::numeric_limits<double>::infinity();
  return base / next;
}

inline verdict point_verdict(double gain, double lo, double hi, reach how, double tol) noexcept {
  if (how == reach::beyond) return verdict::coverage_lost;
  const double worse = 1 - tol, better = 1 + tol;
  verdict v = verdict::unchanged;
  if (!(std::isfinite(lo) && std::isfinite(hi))) {
    if (gain < worse) v = verdict::regressed;
    else if (gain > better) v = verdict::improved;
  } else if (gain < worse && hi < worse) {
    v = verdict::regressed;
  } else if (gain > better && lo > better) {
    v = verdict::improved;
  } else if (lo < worse) {
    v = verdict::inconclusive;
  }
  // The new frontier does not reach x and the point it has there is worse: the frontier was cut short.
  if (v == verdict::regressed && how != reach::inside) v = verdict::coverage_lost;
  return v;
}

inline double percentile_of(std::vector<double>& v, double p) {
  std::sort(v.begin(), v.end());
  return percentile_sorted(v, p).value_or(nan_value);
}

// The band of a side's frontier over its own range.
inline std::vector<band_point> band_of(const curve& estimate_curve, const replicate_set& reps, std::size_t samples,
                                       double confidence) {
  std::vector<band_point> out;
  if (reps.empty() || estimate_curve.empty()) return out;
  const double lo = estimate_curve.xs().front(), hi = estimate_curve.xs().back();
  std::vector<double> xs;
  const std::size_t n = lo == hi ? 1 : std::max<std::size_t>(samples, 2);
  for (std::size_t i = 0; i < n; ++i)
    xs.push_back(n == 1 ? lo : lo + (hi - lo) * (static_cast<double>(i) / static_cast<double>(n - 1)));
  for (double k : estimate_curve.xs()) xs.push_back(k);
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  std::vector<double> ys;
  const double a = 100 * (1 - confidence) / 2;
  for (double x : xs) {
    ys.clear();
    for (const curve& c : reps.curves)
      if (const auto v = c.y_at(x)) ys.push_back(*v);
    band_point b{x, estimate_curve.y_at(x).value_or(nan_value), nan_value, nan_value};
    if (2 * ys.size() >= reps.curves.size()) {
      b.lo = percentile_of(ys, a);
      b.hi = percentile_of(ys, 100 - a);
    }
    out.push_back(b);
  }
  return out;
}

inline std::vector<interval> minus(interval a, const std::optional<interval>& b) {
  if (!b) return {a};
  std::vector<interval> out;
  if (a.lo < b->lo) out.push_back({a.lo, std::min(a.hi, b->lo)});
  if (a.hi > b->hi) out.push_back({std::max(a.lo, b->hi), a.hi});
  return out;
}

// Text helpers (no fmt in this header).
inline std::string num(double v, int digits = 3) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::abs(v) >= std::pow(10.0, digits)) return fixed(v, 0);
  return general(v, digits);
}
// A signed change: "+12.3%", "-5.0%", "0.0%".
inline std::string percent(double fraction) {
  if (!std::isfinite(fraction)) return std::isnan(fraction) ? "-" : (fraction > 0 ? "+inf%" : "-inf%");
  std::string s = fixed(100 * fraction, 1);
  if (s == "-0.0") s = "0.0";
  return (s != "0.0" && fraction > 0 ? "+" : "") + s + "%";
}
// An unsigned share: "3%", "2.5%".
inline std::string share(double fraction) { return general(100 * fraction, 3) + "%"; }
inline std::string with_unit(double v, column_id c, int digits = 3) {
  const std::string_view unit = info(c).unit;
  return unit.empty() ? num(v, digits) : num(v, digits) + " " + std::string(unit);
}
inline std::string bare_span(double from, double to, column_id c) {
  if (from == to) return with_unit(from, c);
  const std::string_view unit = info(c).unit;
  return num(from) + "–" + num(to) + (unit.empty() ? "" : " " + std::string(unit));
}
inline std::string span_text(double from, double to, column_id c) {
  return (from == to ? "at " : "over ") + bare_span(from, to, c);
}
inline std::string range_text(const std::optional<interval>& r) {
  if (!r) return "-";
  return r->lo == r->hi ? num(r->lo) : num(r->lo) + "–" + num(r->hi);
}

inline void close_region(std::vector<gate_region>& out, std::span<const gate_point> pts, std::size_t first, std::size_t last) {
  const verdict v = pts[first].status;
  if (v == verdict::unchanged) return;
  gate_region r;
  r.status = v;
  r.from = pts[first].x;
  r.to = pts[last].x;
  r.points = last - first + 1;
  r.worst = pts[first];
  for (std::size_t i = first; i <= last; ++i) {
    const bool better = v == verdict::improved ? pts[i].gain > r.worst.gain : pts[i].gain < r.worst.gain;
    if (better) r.worst = pts[i];
  }
  out.push_back(r);
}

inline side_summary summarize_side(const side_build& b, const system_frontier& f, std::span<const std::size_t> rows,
                                   const replicate_set& reps, const compare_options& o, const frontier_spec& spec) {
  side_summary s;
  s.frontier = f;
  s.images = f.rows().distinct(cols::image);
  const axis_rule ax = axis_of(spec.x), ay = axis_of(spec.y);
  const std::vector<column_id> ids = identity_columns();
  for (std::size_t j : rows) {
    const config_data& c = b.configs[j];
    configuration_stats cs;
    const benchmark_point p = b.means.point(j);
    cs.label = configuration_label(p, spec.group_by);
    cs.runs = c.runs;
    cs.rows = c.rows;
    cs.dropped = c.rows - c.qx.size();
    s.rows += c.rows;
    if (c.qx.size() >= 2) ++s.repeated;
    // Each axis: the mean from the averaged quantity, the interval mapped through the formula.
    const auto axis_estimate = [&](const axis_rule& a, const std::vector<double>& q) {
      estimate e = mean_interval(q, o.confidence);
      if (!a.from_throughput) return e;
      std::vector<double> mapped;
      for (double v : q) mapped.push_back(axis_value(a, v, c.price));
      const estimate m = mean_interval(mapped, o.confidence);
      estimate out;
      out.n = e.n;
      out.sd = m.sd;
      out.mean = axis_value(a, e.mean, c.price);
      if (e.has_interval()) {
        const double l = axis_value(a, std::max(0.0, e.lo), c.price), h = axis_value(a, e.hi, c.price);
        out.lo = std::min(l, h);
        out.hi = std::max(l, h);
      }
      return out;
    };
    cs.x = axis_estimate(ax, c.qx);
    cs.y = axis_estimate(ay, c.qy);
    if (!c.qx.empty())
      for (const benchmark_point& fp : f.points())
        if (std::all_of(ids.begin(), ids.end(), [&](column_id id) { return get(fp, id) == get(p, id); })) cs.on_frontier = true;
    s.configurations.push_back(std::move(cs));
  }
  s.band = band_of(f.curve(), reps, o.samples, o.confidence);
  return s;
}

inline void check_options(const compare_options& o) {
  const auto bad = [](const std::string& field, const std::string& message) {
    throw input_error({"", std::nullopt, std::nullopt, field}, message);
  };
  if (!(o.tolerance >= 0 && o.tolerance < 1)) bad("tolerance", "expected a fraction in [0, 1), got " + num(o.tolerance));
  if (!(o.confidence > 0 && o.confidence < 1)) bad("confidence", "expected a fraction in (0, 1), got " + num(o.confidence));
  if (o.range.given() && !o.range.valid()) bad("range", "expected finite lo <= hi, got " + num(o.range.lo) + ":" + num(o.range.hi));
  for (double a : o.at)
    if (!std::isfinite(a)) bad("at", "expected finite x values");
  if (o.samples < 2) bad("samples", "expected at least 2");
  if (o.match.empty()) bad("match", "give at least one column to match systems by");
  for (column_id c : {o.x, o.y})
    if (!info(c).numeric()) bad(std::string(name_of(c)), "not a numeric column");
}

inline std::string side_text(const side_info& s) {
  std::string t = std::to_string(s.rows) + " rows, " + std::to_string(s.configurations) + " configurations";
  if (s.repeated) t += " (" + std::to_string(s.repeated) + " repeated)";
  return t;
}

}  // namespace detail::cmp

// ---------------------------------------------------------------------------------------------
// compare() and no_regression()
// ---------------------------------------------------------------------------------------------

/// Compares the new results with the baseline, system by system (see compare_options).
namespace detail::cmp {
// The frontier spec of compare and trend options: their axes, matching columns and price.
template <class Options>
frontier_spec spec_of(const Options& o) {
  frontier_spec spec;
  spec.x = o.x;
  spec.y = o.y;
  spec.x_sense = o.x_sense;
  spec.y_sense = o.y_sense;
  spec.group_by = o.match;
  spec.kind = o.kind;
  spec.price = o.price;
  return spec;
}
}  // namespace detail::cmp

/// @throws input_error for options out of range, or a y that needs a price without one.
inline comparison compare(const result_table& base, const result_table& next, const compare_options& o = {}) {
  detail::cmp::check_options(o);
  const frontier_spec spec = detail::cmp::spec_of(o);
  const sense sx = o.x_sense.value_or(info(o.x).natural_sense());
  const sense sy = o.y_sense.value_or(info(o.y).natural_sense());
  const double tol = o.tolerance;

  detail::cmp::price_cache prices;
  const detail::cmp::side_build b = detail::cmp::build_side(base, spec, prices);
  const detail::cmp::side_build n = detail::cmp::build_side(next, spec, prices);

  comparison out;
  out.options = o;
  const auto info_of = [](const result_table& t, const detail::cmp::side_build& s) {
    side_info i;
    i.rows = t.size();
    for (const auto& f : t.files()) i.files += f.error.empty() ? 1 : 0;
    i.images = t.distinct(cols::image);
    for (const auto& c : s.configs) {
      if (c.qx.empty()) continue;
      ++i.configurations;
      if (c.qx.size() >= 2) ++i.repeated;
      i.min_repeats = i.min_repeats == 0 ? c.qx.size() : std::min(i.min_repeats, c.qx.size());
      i.max_repeats = std::max(i.max_repeats, c.qx.size());
    }
    return i;
  };
  out.baseline = info_of(base, b);
  out.candidate = info_of(next, n);

  const auto seed_for = [&](const std::string& name, std::uint64_t side) {
    return o.seed ^ detail::cmp::fnv1a(name) ^ (side * 0x9e3779b97f4a7c15ull);
  };

  std::vector<bool> next_used(n.set.size(), false);
  const auto compare_system = [&](std::size_t bi, std::optional<std::size_t> ni) {
    system_comparison sc;
    const system_frontier& bf = b.set[bi];
    sc.key = bf.key();
    sc.name = bf.name();
    sc.x = o.x;
    sc.y = o.y;
    sc.y_sense = sy;
    sc.tolerance = tol;
    sc.confidence = o.confidence;
    const detail::cmp::replicate_set brep = detail::cmp::bootstrap(b, b.members[bi], spec, sx, sy, o, seed_for(sc.name, 1));
    sc.base = detail::cmp::summarize_side(b, bf, b.members[bi], brep, o, spec);
    sc.base_range = bf.x_range() ? std::optional<interval>(interval{bf.x_range()->first, bf.x_range()->second}) : std::nullopt;
    if (sc.base->images.size() > 1) sc.notes.push_back("the baseline pools " + std::to_string(sc.base->images.size()) + " engine images");

    if (!ni) {
      sc.result = verdict::missing;
      sc.failed = o.fail_missing;
      sc.notes.push_back("no rows of this system in the new results");
      return sc;
    }
    const system_frontier& nf = n.set[*ni];
    const detail::cmp::replicate_set nrep = detail::cmp::bootstrap(n, n.members[*ni], spec, sx, sy, o, seed_for(sc.name, 2));
    sc.next = detail::cmp::summarize_side(n, nf, n.members[*ni], nrep, o, spec);
    sc.next_range = nf.x_range() ? std::optional<interval>(interval{nf.x_range()->first, nf.x_range()->second}) : std::nullopt;
    if (sc.next->images.size() > 1) sc.notes.push_back("the new results pool " + std::to_string(sc.next->images.size()) + " engine images");

    if (bf.empty()) {
      sc.result = verdict::not_gated;
      std::string why = "the baseline has no frontier for this system";
      if (!bf.skipped().empty()) why += " (" + std::to_string(bf.skipped().front().rows) + " rows: " + bf.skipped().front().reason + ")";
      sc.notes.push_back(why);
      return sc;
    }
    if (nf.empty()) {
      sc.result = verdict::missing;
      sc.failed = o.fail_missing;
      std::string why = "the new results have no frontier for this system";
      if (!nf.skipped().empty()) why += " (" + std::to_string(nf.skipped().front().rows) + " rows: " + nf.skipped().front().reason + ")";
      sc.notes.push_back(why);
      return sc;
    }

    // The ratio curve, its extremes, crossovers, coverage.
    sc.ratios = ratio(nf.curve(), bf.curve(), o.samples);
    for (const ratio_point& r : sc.ratios) {
      if (!std::isfinite(r.ratio)) continue;
      if (!sc.lowest || r.ratio < sc.lowest->ratio) sc.lowest = ratio_extreme{r.x, r.ratio};
      if (!sc.highest || r.ratio > sc.highest->ratio) sc.highest = ratio_extreme{r.x, r.ratio};
    }
    sc.crossings = crossovers(nf.curve(), bf.curve());
    sc.lost = detail::cmp::minus(*sc.base_range, sc.next_range);
    sc.gained = detail::cmp::minus(*sc.next_range, sc.base_range);

    // The x the gate checks: a grid over the gate's range within the baseline's, the knots of
    // both frontiers and the ends of the new one's reach there, and the requested x.
    struct entry {
      double x;
      int segment;
      bool requested;
    };
    std::vector<entry> grid;
    const interval br = *sc.base_range;
    const bool whole = !o.range.given() && o.at.empty();
    std::optional<interval> gate;
    if (whole) gate = br;
    if (o.range.given()) {
      const interval r{std::max(o.range.lo, br.lo), std::min(o.range.hi, br.hi)};
      if (r.lo <= r.hi) gate = r;
      for (const interval& part : detail::cmp::minus(o.range, br))
        if (part.lo < part.hi || !gate)
          sc.notes.push_back("not gated " + detail::cmp::span_text(part.lo, part.hi, o.x) + ": the baseline's frontier covers " +
                             detail::cmp::range_text(br));
    }
    if (gate) {
      const std::size_t k = gate->lo == gate->hi ? 1 : o.samples;
      for (std::size_t i = 0; i < k; ++i)
        grid.push_back({k == 1 ? gate->lo : gate->lo + (gate->hi - gate->lo) * (static_cast<double>(i) / static_cast<double>(k - 1)), 0, false});
      std::vector<double> marks(bf.curve().xs().begin(), bf.curve().xs().end());
      marks.insert(marks.end(), nf.curve().xs().begin(), nf.curve().xs().end());
      const interval nr = *sc.next_range;
      marks.push_back(sx == sense::maximize ? nr.hi * (1 + tol) : nr.lo * (1 - tol));
      for (double v : marks)
        if (gate->contains(v)) grid.push_back({v, 0, false});
    }
    int segment = 1;
    for (double a : o.at) {
      if (!br.contains(a)) {
        sc.notes.push_back("not gated at " + detail::cmp::with_unit(a, o.x) + ": the baseline's frontier covers " + detail::cmp::range_text(br));
        continue;
      }
      grid.push_back({a, gate && gate->contains(a) ? 0 : segment++, true});
    }
    std::sort(grid.begin(), grid.end(), [](const entry& l, const entry& r) { return l.x < r.x; });
    std::vector<entry> merged;
    for (const entry& e : grid) {
      if (!merged.empty() && merged.back().x == e.x) {
        merged.back().requested = merged.back().requested || e.requested;
        merged.back().segment = std::min(merged.back().segment, e.segment);
      } else {
        merged.push_back(e);
      }
    }

    const double tail = 100 * (1 - o.confidence) / 2;
    std::vector<double> gains;
    std::vector<int> segments;
    for (const entry& e : merged) {
      gate_point p;
      p.x = e.x;
      p.requested = e.requested;
      p.base = bf.curve().y_at(e.x).value_or(detail::cmp::nan_value);
      const detail::cmp::reached r = detail::cmp::reach_of(nf.curve(), e.x, sx, tol);
      p.how = r.how;
      p.next = r.y;
      p.ratio = p.next / p.base;
      p.gain = r.how == reach::beyond ? 0.0 : detail::cmp::gain_of(p.base, p.next, sy);
      if (!brep.empty() || !nrep.empty()) {
        gains.clear();
        const std::size_t reps = std::max(brep.curves.size(), nrep.curves.size());
        for (std::size_t k = 0; k < reps; ++k) {
          double by = p.base;
          if (!brep.empty()) {
            const detail::cmp::reached rb = detail::cmp::reach_of(brep.curves[k], e.x, sx, tol);
            if (rb.how == reach::beyond) continue;  // this resample of the baseline does not reach x
            by = rb.y;
          }
          const detail::cmp::reached rn = nrep.empty() ? r : detail::cmp::reach_of(nrep.curves[k], e.x, sx, tol);
          gains.push_back(rn.how == reach::beyond ? 0.0 : detail::cmp::gain_of(by, rn.y, sy));
        }
        if (2 * gains.size() >= reps) {
          p.lo = detail::cmp::percentile_of(gains, tail);
          p.hi = detail::cmp::percentile_of(gains, 100 - tail);
        }
      }
      p.status = detail::cmp::point_verdict(p.gain, p.lo, p.hi, p.how, tol);
      sc.checked.push_back(p);
      segments.push_back(e.segment);
    }
    for (std::size_t i = 0, first = 0; i < sc.checked.size(); ++i) {
      const bool last = i + 1 == sc.checked.size() || sc.checked[i + 1].status != sc.checked[first].status ||
                        segments[i + 1] != segments[first];
      if (!last) continue;
      detail::cmp::close_region(sc.regions, sc.checked, first, i);
      first = i + 1;
    }
    const auto any = [&](verdict v) {
      return std::any_of(sc.regions.begin(), sc.regions.end(), [v](const gate_region& g) { return g.status == v; });
    };
    if (sc.checked.empty()) sc.result = verdict::not_gated;
    else if (any(verdict::regressed)) sc.result = verdict::regressed;
    else if (any(verdict::coverage_lost)) sc.result = verdict::coverage_lost;
    else if (any(verdict::inconclusive)) sc.result = verdict::inconclusive;
    else if (any(verdict::improved)) sc.result = verdict::improved;
    else sc.result = verdict::unchanged;
    sc.failed = sc.result == verdict::regressed || sc.result == verdict::coverage_lost ||
                (sc.result == verdict::inconclusive && o.fail_inconclusive);
    return sc;
  };

  for (std::size_t bi = 0; bi < b.set.size(); ++bi) {
    std::optional<std::size_t> match;
    for (std::size_t ni = 0; ni < n.set.size(); ++ni)
      if (!next_used[ni] && n.set[ni].key() == b.set[bi].key()) {
        match = ni;
        next_used[ni] = true;
        break;
      }
    out.systems.push_back(compare_system(bi, match));
  }
  for (std::size_t ni = 0; ni < n.set.size(); ++ni) {
    if (next_used[ni]) continue;
    system_comparison sc;
    sc.key = n.set[ni].key();
    sc.name = n.set[ni].name();
    sc.x = o.x;
    sc.y = o.y;
    sc.y_sense = sy;
    sc.tolerance = tol;
    sc.confidence = o.confidence;
    sc.result = verdict::added;
    const detail::cmp::replicate_set nrep = detail::cmp::bootstrap(n, n.members[ni], spec, sx, sy, o, seed_for(sc.name, 2));
    sc.next = detail::cmp::summarize_side(n, n.set[ni], n.members[ni], nrep, o, spec);
    if (const auto r = n.set[ni].x_range()) sc.next_range = interval{r->first, r->second};
    sc.notes.push_back("no rows of this system in the baseline");
    out.systems.push_back(std::move(sc));
  }

  // How the intervals were obtained, or why there are none.
  const side_info &bs = out.baseline, &ns = out.candidate;
  if (bs.repeated == 0 && ns.repeated == 0) {
    out.uncertainty =
        "none: every configuration was measured once on both sides, so there is no interval and the verdicts compare "
        "the ratio with the tolerance alone (repeat each point, e.g. `inferlens bench --repeats 3`, for intervals)";
  } else if (o.resamples == 0) {
    out.uncertainty = "none: resampling was turned off (resamples = 0); the verdicts compare the ratio with the tolerance alone";
  } else {
    const auto side = [](const char* name, const side_info& s) {
      std::string t = std::string(name) + " " + std::to_string(s.repeated) + " of " + std::to_string(s.configurations) +
                      " configurations repeated";
      t += " (" + std::to_string(s.min_repeats) + "–" + std::to_string(s.max_repeats) + " runs per configuration)";
      return t;
    };
    out.uncertainty = "bootstrap over repeats: " + std::to_string(o.resamples) + " resamples, " +
                      detail::cmp::num(100 * o.confidence) + "% percentile intervals (seed " + std::to_string(o.seed) + "), " +
                      "each configuration's deviations scaled to Student's t; " + side("baseline", bs) + ", " + side("new", ns);
    if (bs.repeated < bs.configurations || ns.repeated < ns.configurations)
      out.uncertainty += "; configurations measured once are taken as exact, which understates the noise";
  }
  return out;
}

/// compare() on files or directories (load() with default options).
inline comparison compare(const std::filesystem::path& base, const std::filesystem::path& next, const compare_options& o = {}) {
  return compare(load(base), load(next), o);
}

/// The comparison as an assertion: true when no system regressed or lost coverage (see
/// compare_options for inconclusive and missing systems); its description() names the failing
/// systems, the x where and by how much.
///   CHECK(inferlens::no_regression(base, next, {.range = {50, 200}, .tolerance = 0.03}));
inline comparison no_regression(const result_table& base, const result_table& next, const compare_options& o = {}) {
  return compare(base, next, o);
}
inline comparison no_regression(const std::filesystem::path& base, const std::filesystem::path& next,
                                const compare_options& o = {}) {
  return compare(base, next, o);
}

// ---------------------------------------------------------------------------------------------
// Descriptions
// ---------------------------------------------------------------------------------------------

inline std::string system_comparison::description() const {
  std::string s = name + ": " + std::string(to_string(result));
  const std::string yname(name_of(y));
  const auto interval_text = [&](const gate_point& p) -> std::string {
    if (!p.has_interval()) return {};
    // the interval of the gain, shown as a change of y (gain = base / next when lower is better)
    const bool lower_better = y_sense == sense::minimize;
    const double l = lower_better ? 1 / p.hi - 1 : p.lo - 1, h = lower_better ? 1 / p.lo - 1 : p.hi - 1;
    return detail::cmp::num(100 * confidence) + "% interval " + detail::cmp::percent(l) + " to " + detail::cmp::percent(h);
  };
  const gate_region* r = deciding_region();
  const auto more = [&]() -> std::string {
    std::size_t k = 0;
    for (const gate_region& g : regions) k += g.status == result ? 1 : 0;
    return k > 1 ? "; " + std::to_string(k - 1) + " more region" + (k > 2 ? "s" : "") : "";
  };
  switch (result) {
    case verdict::regressed:
    case verdict::improved:
    case verdict::inconclusive: {
      if (!r) break;
      const std::string it = interval_text(r->worst);
      if (result == verdict::inconclusive) {
        s += ": " + yname + " " + detail::cmp::percent(r->worst.ratio - 1) + " at " + detail::cmp::with_unit(r->worst.x, x) +
             (it.empty() ? "" : ", " + it) + ", tolerance ±" + detail::cmp::share(tolerance) +
             ": the noise is larger than the tolerance (" + detail::cmp::span_text(r->from, r->to, x) + ")";
      } else {
        s += ": " + yname + " " + detail::cmp::percent(r->worst.ratio - 1) + " " + detail::cmp::span_text(r->from, r->to, x);
        if (r->from != r->to || !it.empty()) {
          s += " (";
          if (r->from != r->to) s += (result == verdict::improved ? "best at " : "worst at ") + detail::cmp::with_unit(r->worst.x, x);
          if (!it.empty()) s += std::string(r->from != r->to ? ", " : "") + it;
          s += ")";
        }
      }
      s += more();
      break;
    }
    case verdict::coverage_lost: {
      if (!r) break;
      if (r->worst.how == reach::beyond) {
        s += ": the new frontier does not reach " + detail::cmp::bare_span(r->from, r->to, x) + " (it covers " +
             detail::cmp::range_text(next_range) + ", the baseline " + detail::cmp::range_text(base_range) + ")";
      } else {
        s += ": " + detail::cmp::span_text(r->from, r->to, x) + " is beyond the new frontier (it covers " + detail::cmp::range_text(next_range) +
             ") and its nearest point gives " + yname + " " + detail::cmp::percent(r->worst.ratio - 1) + " of the baseline's";
      }
      s += more();
      break;
    }
    case verdict::unchanged: {
      if (checked.empty()) break;
      s += " within ±" + detail::cmp::share(tolerance) + " " +
           detail::cmp::span_text(checked.front().x, checked.back().x, x);
      if (lowest && highest) s += " (ratio " + detail::cmp::num(lowest->ratio) + "–" + detail::cmp::num(highest->ratio) + ")";
      break;
    }
    case verdict::missing:
    case verdict::added:
    case verdict::not_gated:
      if (!notes.empty()) s += ": " + notes.back();
      break;
  }
  if ((result == verdict::regressed || result == verdict::inconclusive) &&
      std::any_of(regions.begin(), regions.end(), [](const gate_region& g) { return g.status == verdict::coverage_lost; }))
    s += "; coverage lost too";
  return s;
}

inline std::string comparison::gate_text() const {
  const std::string_view unit = info(options.x).unit;
  std::string s;
  if (options.range.given()) s = detail::cmp::num(options.range.lo) + "–" + detail::cmp::num(options.range.hi);
  if (!options.at.empty()) {
    if (!s.empty()) s += " and ";
    s += "at ";
    for (std::size_t i = 0; i < options.at.size(); ++i) s += (i ? ", " : "") + detail::cmp::num(options.at[i]);
  }
  if (s.empty()) return "each baseline frontier's range";
  return unit.empty() ? s : s + " " + std::string(unit);
}

inline std::string comparison::description() const {
  const auto f = failures();
  const std::string tol = "tolerance ±" + detail::cmp::share(options.tolerance);
  if (f.empty()) {
    std::string s = "no regression: " + std::to_string(systems.size()) + " systems (";
    bool first = true;
    for (verdict v : {verdict::unchanged, verdict::improved, verdict::inconclusive, verdict::missing, verdict::added, verdict::not_gated}) {
      const std::size_t k = count(v);
      if (!k) continue;
      s += std::string(first ? "" : ", ") + std::to_string(k) + " " + std::string(to_string(v));
      first = false;
    }
    s += "), " + std::string(name_of(options.y)) + " " + gate_text() + ", " + tol;
    for (const auto& sys : systems)
      if (sys.result == verdict::inconclusive) s += "\n  " + sys.description();
    return s;
  }
  std::string s = std::to_string(f.size()) + " of " + std::to_string(systems.size()) + " systems failed the gate (" +
                  std::string(name_of(options.y)) + " " + gate_text() + ", " + tol + "):";
  for (const system_comparison* sys : f) s += "\n  " + sys->description();
  return s;
}

// ---------------------------------------------------------------------------------------------
// JSON, Markdown, JUnit XML
// ---------------------------------------------------------------------------------------------

namespace detail::cmp {

inline void write_interval(json_text& j, std::string_view k, const std::optional<interval>& r) {
  j.key(k);
  if (!r) {
    j.null();
    return;
  }
  j.array().value(r->lo).value(r->hi).end();
}

inline void write_estimate(json_text& j, std::string_view k, const estimate& e) {
  j.key(k).object().member("mean", e.mean).member("lo", e.lo).member("hi", e.hi).member("sd", e.sd).member("n", e.n).end();
}

inline void write_point(json_text& j, const gate_point& p) {
  static constexpr std::string_view how[] = {"inside", "dominated", "near_end", "beyond"};
  j.object()
      .member("x", p.x)
      .member("base", p.base)
      .member("new", p.next)
      .member("ratio", p.ratio)
      .member("gain", p.gain)
      .member("lo", p.lo)
      .member("hi", p.hi)
      .member("reach", how[static_cast<std::size_t>(p.how)])
      .member("verdict", to_string(p.status))
      .member("requested", p.requested)
      .end();
}

inline void write_side(json_text& j, std::string_view k, const std::optional<side_summary>& s) {
  j.key(k);
  if (!s) {
    j.null();
    return;
  }
  j.object();
  j.member("rows", s->rows).member("repeated_configurations", s->repeated);
  j.key("images").array();
  for (const auto& i : s->images) j.value(i);
  j.end();
  j.key("frontier").array();
  const auto xs = s->frontier.curve().xs(), ys = s->frontier.curve().ys();
  for (std::size_t i = 0; i < xs.size(); ++i) j.array().value(xs[i]).value(ys[i]).end();
  j.end();
  j.key("configurations").array();
  for (const auto& c : s->configurations) {
    j.object().member("label", c.label).member("rows", c.rows).member("dropped", c.dropped).member("on_frontier", c.on_frontier);
    j.key("runs").array();
    for (const auto& r : c.runs) j.value(r);
    j.end();
    write_estimate(j, "x", c.x);
    write_estimate(j, "y", c.y);
    j.end();
  }
  j.end();
  j.key("band").array();
  for (const auto& b : s->band) j.object().member("x", b.x).member("y", b.y).member("lo", b.lo).member("hi", b.hi).end();
  j.end();
  j.key("skipped").array();
  for (const auto& sk : s->frontier.skipped()) j.object().member("reason", sk.reason).member("rows", sk.rows).end();
  j.end();
  j.end();
}

inline void write_side_info(json_text& j, std::string_view k, const side_info& s) {
  j.key(k).object().member("rows", s.rows).member("files", s.files).member("configurations", s.configurations);
  j.member("repeated_configurations", s.repeated).member("min_repeats", s.min_repeats).member("max_repeats", s.max_repeats);
  j.key("images").array();
  for (const auto& i : s.images) j.value(i);
  j.end().end();
}

inline std::string xml_escape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') break;  // not allowed in XML 1.0
        out += static_cast<char>(c);
    }
  }
  return replace_invalid_utf8(out);
}

inline std::string markdown_cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += "<br>";
    else out += c;
  }
  return out;
}

}  // namespace detail::cmp

/// The comparison as JSON: options, both sides, and per system its verdict, ratio curve,
/// extremes, crossovers, coverage, checked x, regions, bands and configurations with intervals.
inline std::string to_json_text(const comparison& c) {
  detail::json_text j;
  j.object();
  j.member("format", "inferlens-compare/1");
  j.member("passed", c.passed());
  j.member("description", c.description());
  j.member("x", name_of(c.options.x)).member("y", name_of(c.options.y));
  j.member("tolerance", c.options.tolerance).member("confidence", c.options.confidence);
  detail::cmp::write_interval(j, "range", c.options.range.given() ? std::optional<interval>(c.options.range) : std::nullopt);
  j.key("at").array();
  for (double a : c.options.at) j.value(a);
  j.end();
  j.key("match").array();
  for (column_id m : c.options.match) j.value(name_of(m));
  j.end();
  j.member("uncertainty", c.uncertainty);
  detail::cmp::write_side_info(j, "baseline", c.baseline);
  detail::cmp::write_side_info(j, "new", c.candidate);
  j.key("counts").object();
  for (verdict v : {verdict::regressed, verdict::coverage_lost, verdict::inconclusive, verdict::improved, verdict::unchanged,
                    verdict::missing, verdict::added, verdict::not_gated})
    j.member(to_string(v), c.count(v));
  j.end();
  j.key("systems").array();
  for (const system_comparison& s : c.systems) {
    j.object();
    j.member("name", s.name).member("verdict", to_string(s.result)).member("failed", s.failed);
    j.member("description", s.description());
    j.key("key").object();
    for (std::size_t i = 0; i < s.key.columns().size(); ++i) {
      j.key(name_of(s.key.columns()[i]));
      const cell& v = s.key.values()[i];
      if (std::holds_alternative<std::monostate>(v)) j.null();
      else if (const auto d = as_number(v); d && !std::holds_alternative<bool>(v)) j.value(*d);
      else if (const bool* bl = std::get_if<bool>(&v)) j.value(*bl);
      else j.value(to_string(v));
    }
    j.end();
    detail::cmp::write_interval(j, "base_range", s.base_range);
    detail::cmp::write_interval(j, "new_range", s.next_range);
    j.key("lost").array();
    for (const interval& r : s.lost) j.array().value(r.lo).value(r.hi).end();
    j.end();
    j.key("gained").array();
    for (const interval& r : s.gained) j.array().value(r.lo).value(r.hi).end();
    j.end();
    const auto extreme = [&](std::string_view k, const std::optional<ratio_extreme>& e) {
      j.key(k);
      if (!e) j.null();
      else j.object().member("x", e->x).member("ratio", e->ratio).end();
    };
    extreme("min", s.lowest);
    extreme("max", s.highest);
    j.key("crossovers").array();
    for (const crossover& x : s.crossings) j.object().member("x", x.x).member("y", x.y).end();
    j.end();
    j.key("ratio").array();
    for (const ratio_point& r : s.ratios) j.object().member("x", r.x).member("new", r.a).member("base", r.b).member("ratio", r.ratio).end();
    j.end();
    j.key("regions").array();
    for (const gate_region& r : s.regions) {
      j.object().member("verdict", to_string(r.status)).member("from", r.from).member("to", r.to).member("points", r.points);
      j.key("worst");
      detail::cmp::write_point(j, r.worst);
      j.end();
    }
    j.end();
    j.key("checked").array();
    for (const gate_point& p : s.checked) detail::cmp::write_point(j, p);
    j.end();
    j.key("notes").array();
    for (const auto& n : s.notes) j.value(n);
    j.end();
    detail::cmp::write_side(j, "base", s.base);
    detail::cmp::write_side(j, "new", s.next);
    j.end();
  }
  j.end();
  j.end();
  return j.str() + "\n";
}

/// The comparison as Markdown for a pull-request comment: the outcome, a table of the systems
/// (failing ones first) and the notes.
inline std::string to_markdown(const comparison& c) {
  std::string s = "### inferlens compare: ";
  const auto f = c.failures();
  s += f.empty() ? "passed" : "**" + std::to_string(f.size()) + " of " + std::to_string(c.systems.size()) + " systems failed**";
  s += "\n\n";
  s += "`" + std::string(name_of(c.options.y)) + "` against `" + std::string(name_of(c.options.x)) + "`, gate " + c.gate_text() +
       ", tolerance ±" + detail::cmp::share(c.options.tolerance) + ". Baseline: " + detail::cmp::side_text(c.baseline) +
       "; new: " + detail::cmp::side_text(c.candidate) + ". Uncertainty: " + c.uncertainty + ".\n\n";
  s += "| system | verdict | change | where | baseline range | new range | ratio min – max |\n";
  s += "| --- | --- | --- | --- | --- | --- | --- |\n";
  std::vector<const system_comparison*> order;
  for (const auto& sys : c.systems)
    if (sys.failed) order.push_back(&sys);
  for (const auto& sys : c.systems)
    if (!sys.failed) order.push_back(&sys);
  for (const system_comparison* sys : order) {
    const gate_region* r = sys->deciding_region();
    std::string change = "-", where = "-";
    if (r && r->worst.how != reach::beyond) change = detail::cmp::percent(r->worst.ratio - 1);
    if (r) where = detail::cmp::range_text(interval{r->from, r->to});
    std::string v(to_string(sys->result));
    if (sys->failed) v = "**" + v + "**";
    std::string extremes = "-";
    if (sys->lowest && sys->highest) extremes = detail::cmp::num(sys->lowest->ratio) + " – " + detail::cmp::num(sys->highest->ratio);
    s += "| " + detail::cmp::markdown_cell(sys->name) + " | " + v + " | " + change + " | " + where + " | " +
         detail::cmp::range_text(sys->base_range) + " | " + detail::cmp::range_text(sys->next_range) + " | " + extremes + " |\n";
  }
  std::string details;
  for (const system_comparison* sys : order) {
    if (sys->result == verdict::unchanged && sys->notes.empty()) continue;
    details += "- " + detail::cmp::markdown_cell(sys->description()) + "\n";
    for (const auto& n : sys->notes) details += "  - " + detail::cmp::markdown_cell(n) + "\n";
  }
  if (!details.empty()) s += "\n<details><summary>Details</summary>\n\n" + details + "\n</details>\n";
  return s;
}

/// The comparison as JUnit XML: one test case per system (a failure for a failing one, skipped
/// for a system with nothing to gate), so that every CI shows the gate's outcome.
inline std::string to_junit_xml(const comparison& c, std::string_view suite = "inferlens compare") {
  std::size_t failures = 0, skipped = 0;
  for (const auto& s : c.systems) {
    if (s.failed) ++failures;
    else if (s.result == verdict::added || s.result == verdict::not_gated || s.result == verdict::missing) ++skipped;
  }
  const std::string counts = " tests=\"" + std::to_string(c.systems.size()) + "\" failures=\"" + std::to_string(failures) +
                             "\" errors=\"0\" skipped=\"" + std::to_string(skipped) + "\" time=\"0\"";
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites name=\"" + detail::cmp::xml_escape(suite) + "\"" + counts + ">\n";
  x += "  <testsuite name=\"" + detail::cmp::xml_escape(std::string(suite) + ": " + std::string(name_of(c.options.y)) + " against " +
                                                  std::string(name_of(c.options.x))) + "\"" + counts + ">\n";
  x += "    <properties>\n";
  const auto property = [&](std::string_view k, const std::string& v) {
    x += "      <property name=\"" + detail::cmp::xml_escape(k) + "\" value=\"" + detail::cmp::xml_escape(v) + "\"/>\n";
  };
  property("x", std::string(name_of(c.options.x)));
  property("y", std::string(name_of(c.options.y)));
  property("gate", c.gate_text());
  property("tolerance", detail::shortest(c.options.tolerance));
  property("confidence", detail::shortest(c.options.confidence));
  property("uncertainty", c.uncertainty);
  x += "    </properties>\n";
  for (const auto& s : c.systems) {
    std::string classname = "inferlens.compare";
    if (const std::string model = s.key[cols::model]; !model.empty()) classname += "." + model;
    x += "    <testcase name=\"" + detail::cmp::xml_escape(s.name) + "\" classname=\"" + detail::cmp::xml_escape(classname) + "\" time=\"0\"";
    std::string body;
    const std::string text = s.description();
    if (s.failed) {
      body += "      <failure type=\"" + detail::cmp::xml_escape(to_string(s.result)) + "\" message=\"" + detail::cmp::xml_escape(text) + "\">";
      std::string details = text;
      for (const auto& r : s.regions)
        details += "\n" + std::string(to_string(r.status)) + " " + detail::cmp::span_text(r.from, r.to, s.x) + ": worst ratio " +
                   detail::cmp::num(r.worst.ratio, 4) + " at " + detail::cmp::num(r.worst.x, 4);
      for (const auto& n : s.notes) details += "\n" + n;
      body += detail::cmp::xml_escape(details) + "</failure>\n";
    } else if (s.result == verdict::added || s.result == verdict::not_gated || s.result == verdict::missing) {
      body += "      <skipped message=\"" + detail::cmp::xml_escape(text) + "\"/>\n";
    } else {
      body += "      <system-out>" + detail::cmp::xml_escape(text) + "</system-out>\n";
    }
    x += ">\n" + body + "    </testcase>\n";
  }
  x += "  </testsuite>\n</testsuites>\n";
  return x;
}

// ---------------------------------------------------------------------------------------------
// Over time: one system across many runs
// ---------------------------------------------------------------------------------------------

/// What trend() reads at which x.
struct trend_options {
  std::vector<double> at{};  ///< the x at which each run's frontier is read, e.g. {100}
  std::vector<column_id> match{std::begin(system_columns), std::end(system_columns)};
  column_id x = cols::median_intvty;
  column_id y = cols::tput_per_gpu;
  std::optional<sense> x_sense{}, y_sense{};
  interpolation kind = interpolation::steffen;
  std::optional<pricing> price{};
};

/// One run of one system.
struct trend_run {
  std::string run;    ///< run id (or the date, or the file, when the rows have none)
  std::string date;   ///< the earliest date of its rows ("" when they have none)
  std::string image;  ///< engine image ("" when the rows have none)
  std::size_t rows = 0, configurations = 0, repeated = 0;
  std::optional<interval> x_range;
  std::vector<double> values;  ///< y at each trend_options::at; NaN outside the run's frontier
};

/// From one version (engine image) to the next, in time order.
struct trend_step {
  std::string from, to;  ///< images
  std::vector<double> before, after;  ///< per x: the mean over each version's runs
  std::vector<double> change;         ///< after / before − 1 (NaN where either is missing)
};

struct system_trend {
  system_key key;
  std::string name;
  std::vector<trend_run> runs;    ///< by date, then run id
  std::vector<trend_step> steps;  ///< between consecutive versions
};

struct trend_result {
  trend_options options;
  std::vector<system_trend> systems;
  sense y_sense = sense::maximize;
};

namespace detail::cmp {
inline bool run_id_before(std::string_view a, std::string_view b) {
  auto digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (digits(a) && digits(b)) {
    const auto strip = [](std::string_view s) { return s.substr(std::min(s.find_first_not_of('0'), s.size())); };
    const std::string_view x = strip(a), y = strip(b);
    if (x.size() != y.size()) return x.size() < y.size();
    return x < y;
  }
  return a < b;
}
}  // namespace detail::cmp

/// Per system, its value at fixed x in every run (repeats within a run averaged), in time order,
/// and the change between consecutive versions (engine images).
/// @throws input_error when `at` is empty or holds a value that is not finite.
inline trend_result trend(const result_table& t, const trend_options& o) {
  if (o.at.empty()) throw input_error({"", std::nullopt, std::nullopt, "at"}, "give the x at which to read each run");
  for (double a : o.at)
    if (!std::isfinite(a)) throw input_error({"", std::nullopt, std::nullopt, "at"}, "expected finite x values");
  const frontier_spec spec = detail::cmp::spec_of(o);
  trend_result out;
  out.options = o;
  out.y_sense = o.y_sense.value_or(info(o.y).natural_sense());

  // The runs: rows by (image, run name), each with its earliest date.
  struct run_rows {
    std::string image, run, date;
    std::vector<std::uint32_t> rows;
  };
  std::vector<run_rows> runs;
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const row_view r = t[i];
    std::pair<std::string, std::string> k{std::string(r.text(cols::image)), detail::cmp::run_name(r)};
    auto it = index.find(k);
    if (it == index.end()) {
      it = index.emplace(k, runs.size()).first;
      runs.push_back({k.first, k.second, std::string(r.text(cols::date)), {}});
    }
    run_rows& rr = runs[it->second];
    const std::string_view d = r.text(cols::date);
    if (!d.empty() && (rr.date.empty() || d < rr.date)) rr.date = std::string(d);
    rr.rows.push_back(static_cast<std::uint32_t>(i));
  }
  std::stable_sort(runs.begin(), runs.end(), [](const run_rows& a, const run_rows& b) {
    if (a.date != b.date) return a.date < b.date;
    return detail::cmp::run_id_before(a.run, b.run);
  });

  detail::cmp::price_cache prices;
  // Systems in order of first appearance in the table.
  for (const table_group& g : t.groups(o.match)) {
    system_trend st;
    st.key = system_key(o.match, g.key);
    st.name = st.key.name();
    out.systems.push_back(std::move(st));
  }
  for (const run_rows& rr : runs) {
    std::vector<std::uint32_t> keep(rr.rows);
    const result_table view = t.filter([&](const row_view& r) {
      return std::binary_search(keep.begin(), keep.end(), static_cast<std::uint32_t>(r.position()));
    });
    const detail::cmp::side_build b = detail::cmp::build_side(view, spec, prices);
    for (std::size_t k = 0; k < b.set.size(); ++k) {
      const system_frontier& f = b.set[k];
      const auto it = std::find_if(out.systems.begin(), out.systems.end(), [&](const system_trend& s) { return s.key == f.key(); });
      if (it == out.systems.end()) continue;
      trend_run tr;
      tr.run = rr.run;
      tr.date = rr.date;
      tr.image = rr.image;
      for (std::size_t j : b.members[k]) {
        tr.rows += b.configs[j].rows;
        if (!b.configs[j].qx.empty()) ++tr.configurations;
        if (b.configs[j].qx.size() >= 2) ++tr.repeated;
      }
      if (const auto r = f.x_range()) tr.x_range = interval{r->first, r->second};
      for (double a : o.at) {
        const auto op = f.at(a);
        tr.values.push_back(op ? op->y : detail::cmp::nan_value);
      }
      it->runs.push_back(std::move(tr));
    }
  }
  for (system_trend& st : out.systems) {
    // Versions: consecutive runs of one image.
    struct version {
      std::string image;
      std::vector<double> sum;
      std::vector<std::size_t> n;
    };
    std::vector<version> versions;
    for (const trend_run& r : st.runs) {
      if (versions.empty() || versions.back().image != r.image)
        versions.push_back({r.image, std::vector<double>(o.at.size(), 0), std::vector<std::size_t>(o.at.size(), 0)});
      for (std::size_t i = 0; i < o.at.size(); ++i)
        if (!std::isnan(r.values[i])) {
          versions.back().sum[i] += r.values[i];
          ++versions.back().n[i];
        }
    }
    for (std::size_t v = 1; v < versions.size(); ++v) {
      trend_step step;
      step.from = versions[v - 1].image;
      step.to = versions[v].image;
      for (std::size_t i = 0; i < o.at.size(); ++i) {
        const double before = versions[v - 1].n[i] ? versions[v - 1].sum[i] / static_cast<double>(versions[v - 1].n[i]) : detail::cmp::nan_value;
        const double after = versions[v].n[i] ? versions[v].sum[i] / static_cast<double>(versions[v].n[i]) : detail::cmp::nan_value;
        step.before.push_back(before);
        step.after.push_back(after);
        step.change.push_back(after / before - 1);
      }
      st.steps.push_back(std::move(step));
    }
  }
  return out;
}

/// trend() on files or directories.
inline trend_result trend(const std::filesystem::path& input, const trend_options& o) { return trend(load(input), o); }

/// The trend as JSON.
inline std::string to_json_text(const trend_result& r) {
  detail::json_text j;
  j.object();
  j.member("format", "inferlens-trend/1");
  j.member("x", name_of(r.options.x)).member("y", name_of(r.options.y));
  j.member("y_sense", r.y_sense == sense::maximize ? "max" : "min");
  j.key("at").array();
  for (double a : r.options.at) j.value(a);
  j.end();
  j.key("systems").array();
  for (const system_trend& s : r.systems) {
    j.object().member("name", s.name);
    j.key("runs").array();
    for (const trend_run& t : s.runs) {
      j.object().member("run", t.run).member("date", t.date).member("image", t.image).member("rows", t.rows);
      j.member("configurations", t.configurations).member("repeated_configurations", t.repeated);
      detail::cmp::write_interval(j, "x_range", t.x_range);
      j.key("values").array();
      for (double v : t.values) j.value(v);
      j.end().end();
    }
    j.end();
    j.key("steps").array();
    for (const trend_step& t : s.steps) {
      j.object().member("from", t.from).member("to", t.to);
      for (const auto& [k, v] : {std::pair{"before", &t.before}, {"after", &t.after}, {"change", &t.change}}) {
        j.key(k).array();
        for (double d : *v) j.value(d);
        j.end();
      }
      j.end();
    }
    j.end().end();
  }
  j.end().end();
  return j.str() + "\n";
}

INFERLENS_END_NAMESPACE
