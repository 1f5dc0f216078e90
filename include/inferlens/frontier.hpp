// Frontiers of systems: the pipeline from a result table to answers. A frontier_spec says what
// to plot (any two numeric columns, measured, derived or economic), what a system is (the
// group-by columns) and how to interpolate; result_table::frontiers(spec) gives one
// system_frontier per system, each a value with its key, its frontier points, its curve and its
// operating points at any interactivity, priced or not.
//
//   for (const auto& sys : inferlens::load("agg_bmk").frontiers())
//     if (const auto op = sys.at(100, inferlens::pricing::preset(inferlens::tier::neocloud)))
//       std::printf("%s: %.0f tok/s/GPU, $%.4f/Mtok\n", sys.name().c_str(), op->tput_per_gpu, op->usd_per_mtok);
//
// Values at an interactivity come from the curves through the frontier points (Steffen by
// default, as the InferenceMAX dashboard draws them); every economic figure there is computed
// from the interpolated throughput, so throughput and cost never disagree.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inferlens/columns.hpp"
#include "inferlens/curves.hpp"
#include "inferlens/economics.hpp"
#include "inferlens/error.hpp"
#include "inferlens/limits.hpp"
#include "inferlens/pareto.hpp"
#include "inferlens/pricing.hpp"
#include "inferlens/record.hpp"
#include "inferlens/table.hpp"
#include "inferlens/detail/threads.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// What a frontier is drawn on.
struct frontier_spec {
  column_id x = cols::median_intvty;  ///< interactivity (tok/s/user) by default
  column_id y = cols::tput_per_gpu;   ///< any numeric column, economic ones included
  std::optional<sense> x_sense, y_sense;  ///< default: the column's natural sense (latency, cost, energy: lower is better)
  /// What one system is; the default is InferenceMAX's (model, ISL/OSL, precision, accelerator,
  /// framework, speculative decoding), every parallelism and concurrency pooled.
  std::vector<column_id> group_by{std::begin(system_columns), std::end(system_columns)};
  interpolation kind = interpolation::steffen;
  /// The price of each system's GPUs: needed when x or y is an economic column.
  std::optional<pricing> price;
  /// Threads the systems are computed on, one range of systems each: 0 as many as the usable
  /// cores on a table of 200,000 rows or more (one below), 1 for one. The set is the same.
  unsigned threads = 0;
};

/// The values that identify one system.
class system_key {
 public:
  system_key() = default;
  system_key(std::vector<column_id> columns, std::vector<cell> values)
      : columns_(std::move(columns)), values_(std::move(values)) {}

  INFERLENS_LAZY std::span<const column_id> columns() const noexcept { return columns_; }
  INFERLENS_LAZY std::span<const cell> values() const noexcept { return values_; }

  /// The key's value of a column as text ("" when missing or not a key column).
  std::string operator[](column_id c) const {
    for (std::size_t i = 0; i < columns_.size(); ++i)
      if (columns_[i] == c) return to_string(values_[i]);
    return {};
  }
  /// The same by column name; an unknown name is an input_error with suggestions.
  std::string operator[](std::string_view column) const { return (*this)[find_column(column)]; }
  INFERLENS_LAZY bool contains(column_id c) const noexcept { return std::find(columns_.begin(), columns_.end(), c) != columns_.end(); }

  /// "a | b | c", "-" for a missing value.
  INFERLENS_LAZY std::string label() const {
    std::string s;
    for (const cell& v : values_) {
      if (!s.empty()) s += " | ";
      const std::string t = to_string(v);
      s += t.empty() ? "-" : t;
    }
    return s.empty() ? "all points" : s;
  }

  /// A readable name: the system (accelerator, framework, speculative decoding), then the
  /// workload (model, ISL/OSL, precision), then any other key column as name=value.
  INFERLENS_LAZY std::string name() const {
    std::string system, workload, rest;
    auto add = [](std::string& s, const std::string& v) {
      if (v.empty()) return;
      if (!s.empty()) s += ' ';
      s += v;
    };
    for (column_id c : {cols::accelerator, cols::hw, cols::framework}) add(system, (*this)[c]);
    if (const std::string spec = (*this)[cols::spec_decoding]; spec != "none") add(system, spec);
    add(workload, (*this)[cols::model]);
    const std::string isl = (*this)[cols::isl], osl = (*this)[cols::osl];
    if (!isl.empty() || !osl.empty()) add(workload, (isl.empty() ? "?" : isl) + "/" + (osl.empty() ? "?" : osl));
    add(workload, (*this)[cols::precision]);
    static constexpr column_id named[] = {cols::accelerator, cols::hw,  cols::framework, cols::spec_decoding,
                                          cols::model,       cols::isl, cols::osl,       cols::precision};
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (std::find(std::begin(named), std::end(named), columns_[i]) != std::end(named)) continue;
      const std::string v = to_string(values_[i]);
      add(rest, std::string(name_of(columns_[i])) + "=" + (v.empty() ? "-" : v));
    }
    std::string out = system;
    for (const std::string* part : {&workload, &rest})
      if (!part->empty()) out += (out.empty() ? "" : " · ") + *part;
    return out.empty() ? label() : out;
  }

  friend bool operator==(const system_key&, const system_key&) = default;

 private:
  std::vector<column_id> columns_;
  std::vector<cell> values_;
};

/// A point on a system's frontier, interpolated at a chosen x. Figures that cannot be known are
/// NaN: the per-role throughputs when the source lacks them, the economics when not priced.
struct operating_point {
  double x = detail::missing;  ///< where it was asked for (tok/s/user for the default x)
  double y = detail::missing;  ///< the frontier's y there
  double tput_per_gpu = detail::missing;         ///< total tok/s per GPU
  double input_tput_per_gpu = detail::missing;   ///< per prefill GPU when disaggregated
  double output_tput_per_gpu = detail::missing;  ///< per decode GPU when disaggregated
  double usd_per_mtok = detail::missing, usd_per_mtok_input = detail::missing, usd_per_mtok_output = detail::missing;
  double tokens_per_usd = detail::missing;    ///< total tokens per $
  double tok_per_s_per_mw = detail::missing;  ///< total tokens/s per provisioned MW
  double j_per_token = detail::missing;       ///< provisioned J per total token
  interpolation kind = interpolation::steffen;  ///< how it was interpolated
  std::optional<resolved_pricing> price;        ///< what it was priced with; none when not priced
  std::string unpriced_reason;                  ///< why a requested price could not be applied

  INFERLENS_LAZY bool priced() const noexcept { return price.has_value(); }
};

/// Rows that are on no frontier because a value is missing, grouped by reason.
struct skipped_rows {
  std::string reason;                ///< e.g. "no GPU count (num_gpus, tp or the worker pools)"
  std::size_t rows = 0;
  std::vector<std::string> sources;  ///< the first few files with such rows
};

class frontier_set;

/// One system's frontier: its key, its frontier points in x order, the curve through them and
/// its values at any x.
class system_frontier {
 public:
  INFERLENS_LAZY const system_key& key() const noexcept { return key_; }
  /// A key column's value as text ("" when missing or not a key column).
  INFERLENS_LAZY std::string key(column_id c) const { return key_[c]; }
  INFERLENS_LAZY std::string key(std::string_view column) const { return key_[column]; }
  INFERLENS_LAZY std::string name() const { return key_.name(); }

  /// The frontier points, x ascending.
  INFERLENS_LAZY std::span<const benchmark_point> points() const noexcept { return points_; }
  /// Every point of the system, on the frontier or not, in table order.
  INFERLENS_LAZY const result_table& rows() const noexcept { return rows_; }
  /// y against x through the frontier points (empty when there are none).
  INFERLENS_LAZY const inferlens::curve& curve() const noexcept { return curves_[0]; }
  /// Another column along the same frontier points (linear for counts, the spec's kind for the
  /// throughputs), e.g. curve_of(cols::output_tput_per_gpu); empty where a point lacks it.
  INFERLENS_LAZY inferlens::curve curve_of(column_id c) const { return along(c, kind_); }
  INFERLENS_LAZY column_id x() const noexcept { return x_; }
  INFERLENS_LAZY column_id y() const noexcept { return y_; }
  INFERLENS_LAZY bool empty() const noexcept { return points_.empty(); }
  /// The frontier's x range, or nothing when it has no point.
  INFERLENS_LAZY std::optional<std::pair<double, double>> x_range() const noexcept {
    if (points_.empty()) return std::nullopt;
    return std::pair{curves_[0].xs().front(), curves_[0].xs().back()};
  }

  /// The operating point at x, or nothing outside the frontier's x range (no extrapolation).
  /// Priced with the spec's pricing when it had one.
  INFERLENS_LAZY std::optional<operating_point> at(double x) const { return evaluate(x, price_ ? &*price_ : nullptr); }
  /// The operating point at x, priced (a system that cannot be priced keeps NaN economics and
  /// says why in unpriced_reason).
  INFERLENS_LAZY std::optional<operating_point> at(double x, const pricing& price) const { return evaluate(x, &price); }

  /// The x at which the frontier's y takes a value (the inverse of curve().y_at).
  INFERLENS_LAZY std::optional<double> x_at(double y) const noexcept { return curves_[0].x_at(y); }
  /// The x at which a throughput or economic column takes a value along this frontier, e.g.
  /// x_at(cols::usd_per_mtok, 0.10, price): the interactivity a budget buys.
  INFERLENS_LAZY std::optional<double> x_at(column_id c, double value, const pricing& price) const {
    if (!info(c).economic()) return curve_of(c).x_at(value);
    const pricing_result pr = price.resolve(accelerator());
    if (!pr) return std::nullopt;
    const auto t = throughput_for(c, value, *pr);
    if (!t) return std::nullopt;
    return curve_of(inferlens::throughput_column(info(c).tokens)).x_at(*t);
  }
  INFERLENS_LAZY std::optional<double> x_at(column_id c, double value) const { return curve_of(c).x_at(value); }

  /// Rows of this system that are on no frontier because a value is missing, by reason.
  INFERLENS_LAZY std::span<const skipped_rows> skipped() const noexcept { return skipped_; }

  /// The accelerator the system's points share ("" when they span several).
  INFERLENS_LAZY std::string accelerator() const {
    if (key_.contains(cols::accelerator)) return key_[cols::accelerator];
    const std::vector<std::string> seen = rows_.distinct(cols::accelerator);
    return seen.size() == 1 ? seen.front() : std::string();
  }

 private:
  friend class frontier_set;
  friend class result_table;

  // A curve of column c through the frontier points' x; empty when any point lacks c.
  INFERLENS_LAZY inferlens::curve along(column_id c, interpolation kind) const {
    if (points_.empty()) return {};
    std::vector<double> ys;
    ys.reserve(points_.size());
    for (const benchmark_point& p : points_) {
      const double v = number(p, c);
      if (!std::isfinite(v)) return {};
      ys.push_back(v);
    }
    const auto xs = curves_[0].xs();
    return inferlens::curve(std::vector<double>(xs.begin(), xs.end()), std::move(ys), kind);
  }

  INFERLENS_LAZY std::optional<operating_point> evaluate(double x, const pricing* price) const {
    const auto y = curves_[0].y_at(x);
    if (!y) return std::nullopt;
    operating_point op;
    op.x = x;
    op.y = *y;
    op.kind = kind_;
    const auto value_of = [&](std::size_t i, column_id c) {
      if (y_ == c) return *y;
      return curves_[i].y_at(x).value_or(detail::missing);
    };
    op.tput_per_gpu = value_of(1, cols::tput_per_gpu);
    op.input_tput_per_gpu = value_of(2, cols::input_tput_per_gpu);
    op.output_tput_per_gpu = value_of(3, cols::output_tput_per_gpu);
    if (!price) return op;
    const pricing_result pr = price->resolve(accelerator());
    if (!pr) {
      op.unpriced_reason = pr.reason.empty() ? "not priced" : pr.reason;
      return op;
    }
    const auto figure = [&](column_id c, double tput) {
      if (!std::isfinite(tput)) return detail::missing;
      return economic_value_from_throughput(c, tput, *pr).value_or(detail::missing);
    };
    op.usd_per_mtok = figure(cols::usd_per_mtok, op.tput_per_gpu);
    op.usd_per_mtok_input = figure(cols::usd_per_mtok_input, op.input_tput_per_gpu);
    op.usd_per_mtok_output = figure(cols::usd_per_mtok_output, op.output_tput_per_gpu);
    op.tokens_per_usd = figure(cols::tokens_per_usd, op.tput_per_gpu);
    op.tok_per_s_per_mw = figure(cols::tok_per_s_per_mw, op.tput_per_gpu);
    op.j_per_token = figure(cols::j_per_token, op.tput_per_gpu);
    if (info(y_).economic() && info(y_).metric != economic_metric::measured_j_per_token) {
      const double t = info(y_).tokens == token_kind::total ? op.tput_per_gpu
                       : info(y_).tokens == token_kind::input ? op.input_tput_per_gpu
                                                               : op.output_tput_per_gpu;
      op.y = figure(y_, t);
    }
    op.price = *pr;
    return op;
  }

  system_key key_;
  std::vector<benchmark_point> points_;
  result_table rows_;
  // 0: y against x; 1..3: total, input, output throughput per GPU along the same points
  std::vector<inferlens::curve> curves_ = std::vector<inferlens::curve>(4);
  column_id x_ = cols::median_intvty, y_ = cols::tput_per_gpu;
  interpolation kind_ = interpolation::steffen;
  std::optional<pricing> price_;
  std::vector<skipped_rows> skipped_;
};

/// Every system's frontier, in order of each system's first row in the table.
class frontier_set {
 public:
  frontier_set() = default;

  INFERLENS_LAZY const frontier_spec& spec() const noexcept { return spec_; }
  INFERLENS_LAZY std::size_t size() const noexcept { return systems_.size(); }
  INFERLENS_LAZY bool empty() const noexcept { return systems_.empty(); }
  const system_frontier& operator[](std::size_t i) const noexcept { return systems_[i]; }
  INFERLENS_LAZY auto begin() const noexcept { return systems_.begin(); }
  INFERLENS_LAZY auto end() const noexcept { return systems_.end(); }

  /// The system with this name (system_key::name()), or nullptr.
  INFERLENS_LAZY const system_frontier* find(std::string_view name) const noexcept {
    for (const auto& s : systems_)
      if (s.name() == name) return &s;
    return nullptr;
  }

  /// The systems ordered by their y at x, best first by the y column's sense; systems whose
  /// frontier does not reach x come last, in their original order.
  INFERLENS_LAZY std::vector<const system_frontier*> ranked_at(double x) const {
    std::vector<std::pair<double, const system_frontier*>> scored;
    const bool lower_better = spec_.y_sense.value_or(info(spec_.y).natural_sense()) == sense::minimize;
    for (const auto& s : systems_) {
      const auto op = s.at(x);
      double v = op ? op->y : detail::missing;
      if (std::isnan(v)) v = std::numeric_limits<double>::infinity();
      else if (!lower_better) v = -v;
      scored.push_back({v, &s});
    }
    std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<const system_frontier*> out;
    for (const auto& [v, s] : scored) out.push_back(s);
    return out;
  }

  /// Rows on no frontier, by reason, over every system.
  INFERLENS_LAZY std::span<const skipped_rows> skipped() const noexcept { return skipped_; }
  /// Rows the frontiers were computed from, and how many of them are on a frontier.
  INFERLENS_LAZY std::size_t rows() const noexcept { return rows_; }
  INFERLENS_LAZY std::size_t rows_on_frontiers() const noexcept {
    std::size_t n = 0;
    for (const auto& s : systems_) n += s.points().size();
    return n;
  }

 private:
  friend class result_table;
  frontier_spec spec_;
  std::vector<system_frontier> systems_;
  std::vector<skipped_rows> skipped_;
  std::size_t rows_ = 0;
};

namespace detail {

// The entry of a reason in a list of skipped rows, appended when new.
INFERLENS_LAZY skipped_rows& skip_entry(std::vector<skipped_rows>& list, const std::string& reason) {
  auto it = std::find_if(list.begin(), list.end(), [&](const skipped_rows& s) { return s.reason == reason; });
  if (it != list.end()) return *it;
  return list.emplace_back(skipped_rows{reason, 0, {}});
}

INFERLENS_LAZY void add_skip_source(skipped_rows& entry, std::string_view source) {
  if (entry.sources.size() < 3 && !source.empty() &&
      std::find(entry.sources.begin(), entry.sources.end(), source) == entry.sources.end())
    entry.sources.emplace_back(source);
}

INFERLENS_LAZY void count_skip(std::vector<skipped_rows>& list, const std::string& reason, std::string_view source) {
  skipped_rows& entry = skip_entry(list, reason);
  ++entry.rows;
  add_skip_source(entry, source);
}

// Why a row has no value of column c (which it lacks).
INFERLENS_LAZY std::string missing_reason(const row_view& r, column_id c, const std::string& pricing_reason) {
  const column& k = info(c);
  const bool per_gpu = c == cols::tput_per_gpu || c == cols::input_tput_per_gpu || c == cols::output_tput_per_gpu ||
                       (k.economic() && k.metric != economic_metric::measured_j_per_token);
  if (per_gpu) {
    const column_id t = k.economic() ? throughput_column(k.tokens) : c;
    if (std::isnan(r.number(t))) {
      if (std::isnan(r.number(cols::total_token_throughput)) && std::isnan(r.number(cols::output_throughput)))
        return "no token throughput";
      if (std::isnan(r.number(cols::num_gpus))) return "no GPU count (num_gpus, tp or the worker pools)";
      return "no " + std::string(name_of(t));
    }
    if (k.economic()) return pricing_reason.empty() ? "not priced" : pricing_reason;
  }
  if (k.economic()) return "no measured energy or power";
  if (c == cols::pct_of_limit) {
    const point_limit l = limit_of(r.point());
    return l.reason.empty() ? "no pct_of_limit" : l.reason;
  }
  const std::string_view name = k.name;
  if (name.ends_with("_intvty")) {
    const std::string tpot = std::string(name.substr(0, name.size() - 6)) + "tpot";
    return "no " + tpot + " (interactivity is 1 / TPOT)";
  }
  return "no " + std::string(name);
}

}  // namespace detail

template <class>
frontier_set result_table::frontiers() const { return frontiers(frontier_spec{}); }

template <class>
frontier_set result_table::frontiers(const frontier_spec& spec) const {
  for (auto [c, field] : {std::pair{spec.x, "x"}, std::pair{spec.y, "y"}}) {
    if (!info(c).numeric())
      throw input_error({"", std::nullopt, std::nullopt, field}, std::string(name_of(c)) + " is not a numeric column");
    if (info(c).economic() && !spec.price)
      throw input_error({"", std::nullopt, std::nullopt, field},
                        std::string(name_of(c)) + " is an economic figure: the frontier_spec needs a price");
  }
  if (spec.price) spec.price->validate();
  const sense sx = spec.x_sense.value_or(info(spec.x).natural_sense());
  const sense sy = spec.y_sense.value_or(info(spec.y).natural_sense());

  frontier_set out;
  out.spec_ = spec;
  out.rows_ = size();
  const detail::grouping g = grouping_of(spec.group_by);
  const std::size_t n = size();

  // Rows bucketed by system (a counting sort keeps table order within each).
  std::vector<std::uint32_t> start(g.groups() + 1, 0);
  for (std::size_t i = 0; i < n; ++i) ++start[g.group_of[i] + 1];
  for (std::size_t k = 0; k < g.groups(); ++k) start[k + 1] += start[k];
  detail::column_vector<std::uint32_t> order(n);
  std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
  for (std::size_t i = 0; i < n; ++i) order[fill[g.group_of[i]]++] = static_cast<std::uint32_t>(i);

  // The systems in contiguous ranges of about equal rows, one thread each on a large table,
  // each range with its own price cache.
  constexpr std::size_t rows_per_thread = 100000;
  const std::size_t threads = std::max<std::size_t>(
      1, std::min<std::size_t>(spec.threads ? spec.threads : std::min<std::size_t>(detail::usable_cores(), n / rows_per_thread), g.groups()));
  std::vector<std::size_t> first_group(threads + 1, g.groups());
  for (std::size_t t = 0, k = 0; t < threads; ++t) {
    while (k < g.groups() && start[k] < n * t / threads) ++k;
    first_group[t] = k;
  }
  out.systems_.resize(g.groups());
  detail::run_parallel(threads, [&](std::size_t range) {
    // Economic columns: one price per accelerator.
    std::map<std::string, pricing_result, std::less<>> prices;
    auto price_of = [&](const row_view& r) -> const pricing_result& {
      const std::string_view acc = r.text(cols::accelerator);
      auto it = prices.find(acc);
      if (it == prices.end()) it = prices.emplace(std::string(acc), spec.price->resolve(acc)).first;
      return it->second;
    };
    auto value_of = [&](const row_view& r, column_id c) -> double {
      const column& k = info(c);
      if (c == cols::pct_of_limit) {  // computed on demand where the table does not hold it (limits.hpp)
        const double v = r.number(c);
        return std::isnan(v) ? limit_of(r.point()).pct_of_limit : v;
      }
      if (!k.economic()) return r.number(c);
      const pricing_result& pr = price_of(r);
      if (!pr) return detail::missing;
      if (k.metric == economic_metric::measured_j_per_token)
        return economic_value(c, r.point(), *pr).value_or(detail::missing);
      const double t = r.number(throughput_column(k.tokens));
      if (std::isnan(t)) return detail::missing;
      return economic_value_from_throughput(c, t, *pr).value_or(detail::missing);
    };
    // measured and derived columns read straight from the store, row after row
    const detail::table_storage& store = storage();
    const auto partial = store.numbers_of(cols::partial), completed = store.numbers_of(cols::completed);
    const auto direct = [&](column_id c) { return !info(c).economic() && c != cols::pct_of_limit; };
    const auto x_column = store.numbers_of(spec.x), y_column = store.numbers_of(spec.y);
    const bool x_direct = direct(spec.x), y_direct = direct(spec.y);
    std::vector<double> xs, ys;
    std::vector<std::uint32_t> kept;
    for (std::size_t k = first_group[range]; k < first_group[range + 1]; ++k) {
      system_frontier& s = out.systems_[k];
      std::vector<cell> key;
      for (column_id c : spec.group_by) key.push_back((*this)[g.first[k]].get(c));
      s.key_ = system_key(spec.group_by, std::move(key));
      s.x_ = spec.x;
      s.y_ = spec.y;
      s.kind_ = spec.kind;
      s.price_ = spec.price;
      std::vector<std::uint32_t> members;
      members.reserve(start[k + 1] - start[k]);
      xs.clear();
      ys.clear();
      kept.clear();
      for (std::uint32_t j = start[k]; j < start[k + 1]; ++j) {
        const std::uint32_t i = order[j], row = storage_row(i);
        members.push_back(row);
        const row_view r = (*this)[i];
        std::string reason;
        if (partial[row] == 1.0) reason = "partial measurement (an interrupted run)";
        else if (completed[row] == 0.0) reason = "zero completed requests";
        const double x = !reason.empty() ? detail::missing : x_direct ? x_column[row] : value_of(r, spec.x);
        const double y = !reason.empty() ? detail::missing : y_direct ? y_column[row] : value_of(r, spec.y);
        if (reason.empty() && !std::isfinite(x))
          reason = detail::missing_reason(r, spec.x, info(spec.x).economic() ? price_of(r).reason : std::string());
        if (reason.empty() && !std::isfinite(y))
          reason = detail::missing_reason(r, spec.y, info(spec.y).economic() ? price_of(r).reason : std::string());
        if (!reason.empty()) {
          detail::count_skip(s.skipped_, reason, r.text(cols::source));
          continue;
        }
        xs.push_back(x);
        ys.push_back(y);
        kept.push_back(static_cast<std::uint32_t>(i));
      }
      s.rows_ = select(std::move(members));
      const std::vector<std::size_t> front = frontier_2d(xs, ys, sx, sy);
      std::vector<double> fx, fy;
      fx.reserve(front.size());
      fy.reserve(front.size());
      s.points_.reserve(front.size());
      for (std::size_t f : front) {
        s.points_.push_back(point(kept[f]));
        fx.push_back(xs[f]);
        fy.push_back(ys[f]);
      }
      if (!front.empty()) {
        s.curves_[0] = inferlens::curve(std::move(fx), std::move(fy), spec.kind);
        s.curves_[1] = s.along(cols::tput_per_gpu, spec.kind);
        s.curves_[2] = s.along(cols::input_tput_per_gpu, spec.kind);
        s.curves_[3] = s.along(cols::output_tput_per_gpu, spec.kind);
      }
    }
  });
  // every system's skipped rows in system order: the reasons in order of first appearance and
  // the first sources of each, as one pass over the rows gives them
  for (const system_frontier& sys : out.systems_)
    for (const skipped_rows& k : sys.skipped_) {
      skipped_rows& entry = detail::skip_entry(out.skipped_, k.reason);
      entry.rows += k.rows;
      for (const std::string& src : k.sources) detail::add_skip_source(entry, src);
    }
  return out;
}

INFERLENS_END_NAMESPACE
