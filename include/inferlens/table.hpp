// A result table: many benchmark points, with filtering, grouping by any columns, numeric
// columns as Eigen vectors, joining runs, keeping the latest run per configuration, and a Pareto
// frontier per group.
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inferlens/error.hpp"
#include "inferlens/pareto.hpp"
#include "inferlens/detail/legacy_registry.hpp"
#include "inferlens/record.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// The columns InferenceMAX draws one frontier for: one system on one workload.
inline constexpr std::string_view default_group_columns[] = {"model",       "isl",       "osl",          "precision",
                                                             "accelerator", "framework", "spec_decoding"};

/// Look columns up by name; an unknown name is an input_error that names it.
inline std::vector<const column*> resolve_columns(std::span<const std::string> names, std::string_view what = "column") {
  std::vector<const column*> out;
  out.reserve(names.size());
  for (const auto& n : names) {
    const column* c = find_column(n);
    if (!c) throw input_error({"", std::nullopt, std::nullopt, n}, "unknown " + std::string(what));
    out.push_back(c);
  }
  return out;
}

/// Rows sharing one value of the group-by columns.
struct row_group {
  std::vector<cell> key;          ///< one cell per group-by column
  std::vector<std::size_t> rows;  ///< indices into the table, in table order
};

/// Rows of one group and their frontier.
struct group_frontier {
  std::vector<cell> key;
  std::vector<std::size_t> rows;      ///< every row of the group
  std::vector<std::size_t> frontier;  ///< rows on the frontier, x ascending
};

class result_table {
 public:
  result_table() = default;
  explicit result_table(std::vector<benchmark_point> points) : points_(std::move(points)) {}

  std::span<const benchmark_point> points() const noexcept { return points_; }
  std::vector<benchmark_point>& points() noexcept { return points_; }
  std::size_t size() const noexcept { return points_.size(); }
  bool empty() const noexcept { return points_.empty(); }
  const benchmark_point& operator[](std::size_t i) const noexcept { return points_[i]; }
  auto begin() const noexcept { return points_.begin(); }
  auto end() const noexcept { return points_.end(); }

  /// Join another run's points (no deduplication; see latest_per_configuration()).
  void append(const result_table& other) { points_.insert(points_.end(), other.points_.begin(), other.points_.end()); }
  void append(benchmark_point p) { points_.push_back(std::move(p)); }

  /// The rows for which pred(point) is true.
  template <class Pred>
  result_table filter(Pred pred) const {
    result_table out;
    for (const auto& p : points_)
      if (std::invoke(pred, p)) out.points_.push_back(p);
    return out;
  }

  /// The rows whose column equals value (numbers compare numerically, text exactly).
  result_table where(const column& c, const cell& value) const {
    return filter([&](const benchmark_point& p) { return cells_equal(c.get(p), value); });
  }

  /// A numeric column as a vector; missing values are NaN. Text columns are an input_error.
  Eigen::VectorXd column_values(const column& c) const {
    if (c.type == column_type::text)
      throw input_error({"", std::nullopt, std::nullopt, std::string(c.name)}, "not a numeric column");
    Eigen::VectorXd v(static_cast<Eigen::Index>(points_.size()));
    for (std::size_t i = 0; i < points_.size(); ++i)
      v[static_cast<Eigen::Index>(i)] = numeric(points_[i], c).value_or(std::numeric_limits<double>::quiet_NaN());
    return v;
  }
  Eigen::VectorXd column_values(std::string_view name) const { return column_values(require(name)); }

  /// Groups in order of first appearance.
  std::vector<row_group> group_by(std::span<const column* const> by) const {
    std::vector<row_group> groups;
    std::map<std::vector<std::string>, std::size_t> index;  // key as text -> group
    for (std::size_t i = 0; i < points_.size(); ++i) {
      std::vector<cell> key;
      std::vector<std::string> text;
      for (const column* c : by) {
        key.push_back(c->get(points_[i]));
        text.push_back(to_string(key.back()));
      }
      auto [it, added] = index.try_emplace(std::move(text), groups.size());
      if (added) groups.push_back({std::move(key), {}});
      groups[it->second].rows.push_back(i);
    }
    return groups;
  }

  /// For each configuration, only the rows of its latest run. A configuration is every identity
  /// column except the engine image (a newer image of the same configuration replaces the older,
  /// as on the InferenceMAX dashboard); runs are ordered by date, then by run id (numerically
  /// when both are numbers), then by position in the table.
  result_table latest_per_configuration() const {
    std::vector<const column*> key;
    for (const auto& c : columns())
      if (c.identity && c.name != "image") key.push_back(&c);
    result_table out;
    for (const auto& g : group_by(key)) {
      std::size_t best = g.rows.front();
      for (std::size_t r : g.rows)
        if (!run_before(points_[r], points_[best])) best = r;
      out.points_.push_back(points_[best]);
    }
    return out;
  }

  /// One Pareto frontier per group. Projections map a point to the x and y objectives
  /// (std::optional<double>; rows without a value are left out of the frontier).
  template <class ProjX, class ProjY>
  std::vector<group_frontier> frontiers(std::span<const column* const> by, ProjX px, ProjY py,
                                        sense sx = sense::maximize, sense sy = sense::maximize) const {
    std::vector<group_frontier> out;
    std::vector<double> xs, ys;
    for (auto& g : group_by(by)) {
      xs.clear();
      ys.clear();
      for (std::size_t r : g.rows) {
        const std::optional<double> x = std::invoke(px, points_[r]);
        const std::optional<double> y = std::invoke(py, points_[r]);
        xs.push_back(x.value_or(std::numeric_limits<double>::quiet_NaN()));
        ys.push_back(y.value_or(std::numeric_limits<double>::quiet_NaN()));
      }
      group_frontier f{std::move(g.key), std::move(g.rows), {}};
      for (std::size_t i : frontier_2d(xs, ys, sx, sy)) f.frontier.push_back(f.rows[i]);
      out.push_back(std::move(f));
    }
    return out;
  }

  /// A projection's values on a frontier's rows, in frontier order (x ascending): what a curve
  /// along the frontier is built from. Missing values are NaN.
  template <class Proj>
  std::vector<double> frontier_values(const group_frontier& g, Proj proj) const {
    std::vector<double> out;
    out.reserve(g.frontier.size());
    for (std::size_t r : g.frontier) {
      const std::optional<double> v = std::invoke(proj, points_[r]);
      out.push_back(v.value_or(std::numeric_limits<double>::quiet_NaN()));
    }
    return out;
  }

  /// Frontier per group on two registry columns.
  std::vector<group_frontier> frontiers(std::span<const column* const> by, const column& x, const column& y,
                                        sense sx = sense::maximize, sense sy = sense::maximize) const {
    return frontiers(
        by, [&x](const benchmark_point& p) { return numeric(p, x); },
        [&y](const benchmark_point& p) { return numeric(p, y); }, sx, sy);
  }

 private:
  static const column& require(std::string_view name) {
    const column* c = find_column(name);
    if (!c) throw input_error({"", std::nullopt, std::nullopt, std::string(name)}, "unknown column");
    return *c;
  }

  static bool cells_equal(const cell& a, const cell& b) {
    const auto na = as_number(a), nb = as_number(b);
    if (na && nb) return *na == *nb;
    return a == b;
  }

  // Numeric-aware comparison of run ids: "9" < "10".
  static bool run_id_less(const std::string& a, const std::string& b) {
    auto digits = [](const std::string& s) {
      return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (digits(a) && digits(b) && a.size() != b.size()) return a.size() < b.size();
    return a < b;
  }

  static bool run_before(const benchmark_point& a, const benchmark_point& b) {
    if (a.date != b.date) return a.date < b.date;
    return run_id_less(a.run, b.run);
  }

  std::vector<benchmark_point> points_;
};

INFERLENS_END_NAMESPACE
