// Pareto frontiers and non-dominated layers, with the exact tie rules of the InferenceMAX
// dashboard.
//
// Two points compare by standard Pareto dominance after every minimised objective is negated:
// q dominates p when q is at least as good in every objective and better in one. A point is on
// the frontier when nothing dominates it; among exact duplicates only the first in input order
// is. For (maximize x, maximize y) this is the dashboard's `upper_left` rule: sort by x
// ascending, ties by y descending; an equal-x point keeps the higher y; otherwise pop while the
// new y >= the last y; push. The frontier comes out with x increasing and y strictly decreasing.
// Points with a NaN coordinate (or a missing projected value) are ignored. The other senses
// reduce to this one by negating coordinates, which reproduces the dashboard's `lower_right`
// and `lower_left` exactly; its `upper_right` (minimize x, maximize y) also keeps a point whose
// y only ties the best so far at a worse x, a quirk not copied here (such a point is dominated).
// Frontiers always come out ordered by x ascending.
//
// Kernels work on std::span<const double>; the templates only project rows into columns.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <concepts>
#include <cstddef>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// Whether an objective is better when larger or when smaller.
enum class sense { maximize, minimize };

namespace detail {

// Every kernel works in "maximise everything" coordinates.
inline double oriented(double v, sense s) noexcept { return s == sense::maximize ? v : -v; }

// A point in maximise-both coordinates. x is kept as its order key (see x_order_key): equal
// keys mean equal x, and unsigned key order is x order, which lets a radix sort do the sorting.
struct frontier_point {
  std::uint64_t x_key;
  double y;
  std::size_t index;
};

// Maps a non-NaN double to an unsigned integer with the same order; -0.0 is folded into +0.0
// first so that equal values get equal keys.
inline std::uint64_t x_order_key(double v) noexcept {
  const auto bits = std::bit_cast<std::uint64_t>(v + 0.0);
  constexpr std::uint64_t sign = std::uint64_t{1} << 63;
  return (bits & sign) ? ~bits : (bits | sign);
}

// Below this many points std::sort is as fast as the radix sort.
inline constexpr std::size_t radix_min_points = std::size_t{1} << 12;
// 11-bit digits: 6 passes over 64-bit keys (fewer passes beat smaller buckets on large inputs).
inline constexpr int radix_bits = 11;
inline constexpr int radix_digits = (64 + radix_bits - 1) / radix_bits;
inline constexpr std::size_t radix_buckets = std::size_t{1} << radix_bits;
using radix_histogram = std::vector<std::array<std::size_t, radix_buckets>>;

inline std::size_t radix_digit(std::uint64_t key, int d) noexcept {
  return static_cast<std::size_t>(key >> (radix_bits * d)) & (radix_buckets - 1);
}

inline void count_digits(radix_histogram& h, std::uint64_t key) noexcept {
  for (int d = 0; d < radix_digits; ++d) ++h[static_cast<std::size_t>(d)][radix_digit(key, d)];
}

// Sorts by x_key ascending: a stable LSD radix sort, skipping digits every key shares, or
// std::sort for few points. `histogram` may hold the digit counts already (else empty).
// Returns the sorted points, which live either in pts or in scratch.
inline std::span<frontier_point> sort_by_x(std::vector<frontier_point>& pts, radix_histogram& histogram,
                                           std::unique_ptr<frontier_point[]>& scratch) {
  const std::size_t m = pts.size();
  if (m < radix_min_points) {
    std::sort(pts.begin(), pts.end(),
              [](const frontier_point& a, const frontier_point& b) { return a.x_key < b.x_key; });
    return pts;
  }
  if (histogram.empty()) {
    histogram.resize(radix_digits);
    for (const auto& p : pts) count_digits(histogram, p.x_key);
  }
  scratch = std::make_unique_for_overwrite<frontier_point[]>(m);
  frontier_point* src = pts.data();
  frontier_point* dst = scratch.get();
  for (int d = 0; d < radix_digits; ++d) {
    auto& c = histogram[static_cast<std::size_t>(d)];
    if (std::find(c.begin(), c.end(), m) != c.end()) continue;  // one bucket holds everything
    std::size_t offset = 0;
    for (auto& v : c) offset += std::exchange(v, offset);
    for (std::size_t i = 0; i < m; ++i) dst[c[radix_digit(src[i].x_key, d)]++] = src[i];
    std::swap(src, dst);
  }
  return {src, m};
}

// Frontier of NaN-free points in maximise-both coordinates, as input indices ordered by x
// ascending. Sorting by x alone suffices: the sweep picks the best point of each equal-x group
// itself (highest y, then lowest index), so the order within a group does not matter.
inline std::vector<std::size_t> sweep_frontier(std::vector<frontier_point>& pts, radix_histogram& histogram) {
  std::unique_ptr<frontier_point[]> scratch;
  const std::span<frontier_point> sorted = sort_by_x(pts, histogram, scratch);
  std::vector<std::size_t> out;
  out.reserve(sorted.size());  // untouched capacity costs address space only
  bool have_right = false;
  double best_right_y = 0.0;  // highest y among points with a larger x
  std::size_t end = sorted.size();
  while (end > 0) {
    const std::uint64_t group_x = sorted[end - 1].x_key;
    std::size_t best = end - 1;
    std::size_t begin = end - 1;
    while (begin > 0 && sorted[begin - 1].x_key == group_x) {
      --begin;
      const frontier_point& c = sorted[begin];
      if (c.y > sorted[best].y || (c.y == sorted[best].y && c.index < sorted[best].index)) best = begin;
    }
    // A larger-x point with y >= this one dominates it.
    if (!have_right || sorted[best].y > best_right_y) {
      out.push_back(sorted[best].index);
      best_right_y = sorted[best].y;
      have_right = true;
    }
    end = begin;
  }
  std::reverse(out.begin(), out.end());
  if (out.size() < out.capacity() / 2) out.shrink_to_fit();
  return out;
}

inline std::vector<std::size_t> sweep_frontier(std::vector<frontier_point>& pts) {
  radix_histogram none;
  return sweep_frontier(pts, none);
}

// Index of the first element >= v in a sorted, non-empty array (size if none), without the
// branch mispredictions of std::lower_bound.
inline std::size_t branchless_lower_bound(const double* a, std::size_t n, double v) noexcept {
  const double* base = a;
  while (n > 1) {
    const std::size_t half = n / 2;
    base = (base[half - 1] < v) ? base + half : base;
    n -= half;
  }
  return static_cast<std::size_t>(base - a) + (*base < v ? 1 : 0);
}

// Inputs at least this large get the sample prefilter; below it sorting everything is cheap.
inline constexpr std::size_t prefilter_min_points = std::size_t{1} << 14;
inline constexpr std::size_t prefilter_sample_size = 1024;

// The 2-objective kernel: frontier indices ordered by oriented x ascending.
//
// Speed-up for large inputs: the frontier F of a strided sample is computed first, and every
// point that some point of F dominates is dropped before sorting. Dominance is transitive, so a
// dominated point can neither be on the frontier nor be the only thing that removes another
// point: dropping it never changes the answer. On random data this leaves a small fraction to
// sort. When most of the sample is on its own frontier (nearly nothing is dominated, e.g. all
// points on an anti-diagonal), the filter would only cost time and is skipped.
inline std::vector<std::size_t> frontier_oriented(std::span<const double> x, std::span<const double> y, sense sx,
                                                  sense sy) {
  const std::size_t n = x.size();
  std::vector<double> fx, fy;  // sample frontier, x ascending, y strictly decreasing
  if (n >= prefilter_min_points) {
    std::vector<frontier_point> sample;
    sample.reserve(prefilter_sample_size + 1);
    const std::size_t stride = n / prefilter_sample_size;
    for (std::size_t i = 0; i < n; i += stride) {
      const double px = oriented(x[i], sx), py = oriented(y[i], sy);
      if (!std::isnan(px) && !std::isnan(py)) sample.push_back({x_order_key(px), py, i});
    }
    const std::size_t sampled = sample.size();
    const auto sample_front = sweep_frontier(sample);
    if (!sample_front.empty() && sample_front.size() * 2 <= sampled) {
      for (std::size_t i : sample_front) {
        fx.push_back(oriented(x[i], sx));
        fy.push_back(oriented(y[i], sy));
      }
    }
  }

  std::vector<frontier_point> pts;
  radix_histogram histogram;
  if (fx.empty()) {
    pts.reserve(n);
    if (n >= radix_min_points) {  // count the radix digits on the way, saving a pass
      histogram.resize(radix_digits);
      for (std::size_t i = 0; i < n; ++i) {
        const double px = oriented(x[i], sx), py = oriented(y[i], sy);
        if (std::isnan(px) || std::isnan(py)) continue;
        const std::uint64_t key = x_order_key(px);
        count_digits(histogram, key);
        pts.push_back({key, py, i});
      }
      if (pts.size() < radix_min_points) histogram.clear();
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        const double px = oriented(x[i], sx), py = oriented(y[i], sy);
        if (!std::isnan(px) && !std::isnan(py)) pts.push_back({x_order_key(px), py, i});
      }
    }
  } else {
    const double* fxs = fx.data();
    const double* fys = fy.data();
    const std::size_t m = fx.size();
    for (std::size_t i = 0; i < n; ++i) {
      const double px = oriented(x[i], sx), py = oriented(y[i], sy);
      if (std::isnan(px) || std::isnan(py)) continue;
      // Among sample-frontier points with x >= px the first has the highest y.
      const std::size_t k = branchless_lower_bound(fxs, m, px);
      if (k < m && fys[k] >= py && (fxs[k] > px || fys[k] > py)) continue;  // dominated
      pts.push_back({x_order_key(px), py, i});
    }
  }
  return sweep_frontier(pts, histogram);
}

// Value of a projection as a double: a missing optional becomes NaN, which the kernels skip.
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class V>
concept projected_number =
    std::convertible_to<V, double> ||
    (is_optional<std::remove_cvref_t<V>>::value &&
     std::convertible_to<typename std::remove_cvref_t<V>::value_type, double>);

template <class V>
double to_objective_value(V&& v) {
  if constexpr (is_optional<std::remove_cvref_t<V>>::value) {
    return v ? static_cast<double>(*v) : std::numeric_limits<double>::quiet_NaN();
  } else {
    return static_cast<double>(v);
  }
}

inline void check_nd_shape(const char* what, std::size_t values, std::size_t d, std::size_t senses) {
  if (d == 0) throw std::invalid_argument(std::string(what) + ": the number of objectives d must be at least 1");
  if (senses != d)
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(senses) + " senses given for " +
                                std::to_string(d) + " objectives");
  if (values % d != 0)
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(values) +
                                " values is not a whole number of rows of " + std::to_string(d) + " objectives");
}

inline void check_same_size(const char* what, std::size_t nx, std::size_t ny) {
  if (nx != ny)
    throw std::invalid_argument(std::string(what) + ": x has " + std::to_string(nx) + " values but y has " +
                                std::to_string(ny));
}

// Rows of an n × d matrix in maximise-everything coordinates, NaN rows dropped, ordered so that
// every point comes after all points that dominate it and after its earlier exact duplicates:
// lexicographically descending, ties by input index.
struct oriented_rows {
  std::size_t d = 0;
  std::vector<double> values;       // kept rows, in the order below, row-major
  std::vector<std::size_t> index;   // input index of each kept row
  const double* row(std::size_t r) const noexcept { return values.data() + r * d; }
};

inline oriented_rows orient_and_order(std::span<const double> values, std::size_t d, std::span<const sense> senses) {
  const std::size_t n = values.size() / d;
  std::vector<double> flipped(values.size());
  std::vector<std::size_t> order;
  order.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    bool has_nan = false;
    for (std::size_t j = 0; j < d; ++j) {
      flipped[i * d + j] = oriented(values[i * d + j], senses[j]);
      has_nan = has_nan || std::isnan(flipped[i * d + j]);
    }
    if (!has_nan) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    for (std::size_t j = 0; j < d; ++j) {
      const double va = flipped[a * d + j], vb = flipped[b * d + j];
      if (va != vb) return va > vb;
    }
    return a < b;
  });
  oriented_rows out;
  out.d = d;
  out.index = order;
  out.values.resize(order.size() * d);
  for (std::size_t r = 0; r < order.size(); ++r)
    std::copy_n(flipped.data() + order[r] * d, d, out.values.data() + r * d);
  return out;
}

// In oriented coordinates, for q processed before p: q is at least as good everywhere.
inline bool weakly_dominates(const double* q, const double* p, std::size_t d) noexcept {
  for (std::size_t j = 0; j < d; ++j)
    if (q[j] < p[j]) return false;
  return true;
}

// N-objective frontier for any d, by sort-filter-skyline: in the order above a point is on the
// frontier iff no frontier point found so far is at least as good everywhere. Input order out.
inline std::vector<std::size_t> frontier_nd_general(std::span<const double> values, std::size_t d,
                                                    std::span<const sense> senses) {
  const oriented_rows rows = orient_and_order(values, d, senses);
  std::vector<std::size_t> front;  // positions in rows
  for (std::size_t r = 0; r < rows.index.size(); ++r) {
    const bool dominated = std::any_of(front.begin(), front.end(),
                                       [&](std::size_t f) { return weakly_dominates(rows.row(f), rows.row(r), d); });
    if (!dominated) front.push_back(r);
  }
  std::vector<std::size_t> out;
  out.reserve(front.size());
  for (std::size_t f : front) out.push_back(rows.index[f]);
  std::sort(out.begin(), out.end());
  return out;
}

// Non-dominated layers for any d. A point's rank is one more than the highest rank among the
// points that dominate it; if layer k holds a dominator of p, so does every layer before k,
// hence a binary search over the layers.
inline std::vector<std::size_t> ranks_nd_general(std::span<const double> values, std::size_t d,
                                                 std::span<const sense> senses) {
  const oriented_rows rows = orient_and_order(values, d, senses);
  std::vector<std::size_t> rank(values.size() / d, 0);
  std::vector<std::vector<std::size_t>> layers;  // positions in rows
  for (std::size_t r = 0; r < rows.index.size(); ++r) {
    const auto has_dominator = [&](const std::vector<std::size_t>& layer) {
      return std::any_of(layer.begin(), layer.end(),
                         [&](std::size_t q) { return weakly_dominates(rows.row(q), rows.row(r), d); });
    };
    const auto k = static_cast<std::size_t>(std::partition_point(layers.begin(), layers.end(), has_dominator) -
                                            layers.begin());
    if (k == layers.size()) layers.emplace_back();
    layers[k].push_back(r);
    rank[rows.index[r]] = k + 1;
  }
  return rank;
}

}  // namespace detail

/// The 2-objective Pareto frontier: indices into x/y of the frontier points, ordered by x
/// ascending (whatever the senses). Points with a NaN coordinate are ignored. O(n log n), and
/// close to O(n) on random data.
/// @throws std::invalid_argument when x and y differ in size.
inline std::vector<std::size_t> frontier_2d(std::span<const double> x, std::span<const double> y,
                                            sense sx = sense::maximize, sense sy = sense::maximize) {
  detail::check_same_size("frontier_2d", x.size(), y.size());
  auto out = detail::frontier_oriented(x, y, sx, sy);
  if (sx == sense::minimize) std::reverse(out.begin(), out.end());  // oriented x ascending = x descending
  return out;
}

/// Non-dominated layers of 2-objective points: for each input point its rank, 1 for the
/// frontier, 2 for the frontier once rank 1 is removed, and so on; 0 for points with a NaN.
/// A later exact duplicate of a point ranks one below it. O(n log n).
/// @throws std::invalid_argument when x and y differ in size.
inline std::vector<std::size_t> nondominated_ranks_2d(std::span<const double> x, std::span<const double> y,
                                                      sense sx = sense::maximize, sense sy = sense::maximize) {
  detail::check_same_size("nondominated_ranks_2d", x.size(), y.size());
  std::vector<detail::frontier_point> pts;
  pts.reserve(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double px = detail::oriented(x[i], sx), py = detail::oriented(y[i], sy);
    if (!std::isnan(px) && !std::isnan(py)) pts.push_back({detail::x_order_key(px), py, i});
  }
  // Dominators first: x descending, then y descending, then input order.
  std::sort(pts.begin(), pts.end(), [](const detail::frontier_point& a, const detail::frontier_point& b) {
    if (a.x_key != b.x_key) return a.x_key > b.x_key;
    if (a.y != b.y) return a.y > b.y;
    return a.index < b.index;
  });
  // Every point seen so far has x >= the current one, so its dominators are exactly the seen
  // points with y >= its y. layer_top[k] = highest y in layer k + 1, non-increasing in k.
  std::vector<double> layer_top;
  std::vector<std::size_t> rank(x.size(), 0);
  for (const auto& p : pts) {
    const auto k = static_cast<std::size_t>(
        std::partition_point(layer_top.begin(), layer_top.end(), [&](double top) { return top >= p.y; }) -
        layer_top.begin());
    if (k == layer_top.size())
      layer_top.push_back(p.y);
    else
      layer_top[k] = p.y;
    rank[p.index] = k + 1;
  }
  return rank;
}

/// The N-objective Pareto frontier of `values` (row-major, n rows × d objectives) with one sense
/// per objective: indices of the non-dominated rows in input order. Rows with a NaN are ignored.
/// @throws std::invalid_argument when d is 0, senses.size() != d or values.size() % d != 0.
inline std::vector<std::size_t> frontier_nd(std::span<const double> values, std::size_t d,
                                            std::span<const sense> senses) {
  detail::check_nd_shape("frontier_nd", values.size(), d, senses.size());
  if (d == 2) {  // the fast kernel; same answer (tests check)
    const std::size_t n = values.size() / 2;
    std::vector<double> xs(n), ys(n);
    for (std::size_t i = 0; i < n; ++i) {
      xs[i] = values[2 * i];
      ys[i] = values[2 * i + 1];
    }
    auto out = detail::frontier_oriented(xs, ys, senses[0], senses[1]);
    std::sort(out.begin(), out.end());
    return out;
  }
  return detail::frontier_nd_general(values, d, senses);
}

/// Non-dominated layers of N-objective rows (see nondominated_ranks_2d): rank per input row,
/// 0 for rows with a NaN.
/// @throws std::invalid_argument when d is 0, senses.size() != d or values.size() % d != 0.
inline std::vector<std::size_t> nondominated_ranks(std::span<const double> values, std::size_t d,
                                                   std::span<const sense> senses) {
  detail::check_nd_shape("nondominated_ranks", values.size(), d, senses.size());
  if (d == 2) {
    const std::size_t n = values.size() / 2;
    std::vector<double> xs(n), ys(n);
    for (std::size_t i = 0; i < n; ++i) {
      xs[i] = values[2 * i];
      ys[i] = values[2 * i + 1];
    }
    return nondominated_ranks_2d(xs, ys, senses[0], senses[1]);
  }
  return detail::ranks_nd_general(values, d, senses);
}

// ---------------------------------------------------------------------------------------------
// Front ends over any random-access range of rows
// ---------------------------------------------------------------------------------------------

/// A callable (lambda, member pointer, ...) that maps a row to a number or to an optional
/// number; a missing value drops the row.
template <class P, class Row>
concept objective_projection =
    std::invocable<P&, Row> && detail::projected_number<std::invoke_result_t<P&, Row>>;

/// One objective for the N-objective front ends: a projection and whether larger is better.
template <class Proj>
struct objective {
  Proj projection;
  sense direction = sense::maximize;
};

/// Larger is better, e.g. `maximize(&benchmark_point::tput_per_gpu)`.
template <class Proj>
objective<Proj> maximize(Proj projection) {
  return {std::move(projection), sense::maximize};
}
/// Smaller is better, e.g. cost per million tokens.
template <class Proj>
objective<Proj> minimize(Proj projection) {
  return {std::move(projection), sense::minimize};
}

namespace detail {
template <class R>
using row_ref = std::ranges::range_reference_t<const R>;

template <class R, class Proj>
std::vector<double> project_column(const R& rows, Proj& proj) {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(std::ranges::distance(rows)));
  for (auto&& row : rows) out.push_back(to_objective_value(std::invoke(proj, row)));
  return out;
}

template <class R, class... Projs>
std::vector<double> project_matrix(const R& rows, objective<Projs>&... objectives) {
  constexpr std::size_t d = sizeof...(Projs);
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(std::ranges::distance(rows)) * d);
  for (auto&& row : rows) (values.push_back(to_objective_value(std::invoke(objectives.projection, row))), ...);
  return values;
}
}  // namespace detail

/// 2-objective frontier of any random-access range of rows: indices into `rows`, ordered by
/// the x projection ascending. Rows whose projection is NaN or nullopt are skipped.
template <std::ranges::random_access_range R, class ProjX, class ProjY>
  requires std::ranges::random_access_range<const R> && objective_projection<ProjX, detail::row_ref<R>> &&
           objective_projection<ProjY, detail::row_ref<R>>
std::vector<std::size_t> pareto_frontier(const R& rows, ProjX px, ProjY py, sense sx = sense::maximize,
                                         sense sy = sense::maximize) {
  const auto xs = detail::project_column(rows, px);
  const auto ys = detail::project_column(rows, py);
  return frontier_2d(xs, ys, sx, sy);
}

/// N-objective frontier of rows: `pareto_frontier(rows, maximize(&row::a), minimize(&row::b), ...)`.
/// Indices into `rows` in input order.
template <std::ranges::random_access_range R, class... Projs>
  requires std::ranges::random_access_range<const R> && (sizeof...(Projs) >= 1) &&
           (objective_projection<Projs, detail::row_ref<R>> && ...)
std::vector<std::size_t> pareto_frontier(const R& rows, objective<Projs>... objectives) {
  const auto values = detail::project_matrix(rows, objectives...);
  const sense senses[] = {objectives.direction...};
  return frontier_nd(values, sizeof...(Projs), senses);
}

/// Non-dominated layers of rows on two projections (see nondominated_ranks_2d).
template <std::ranges::random_access_range R, class ProjX, class ProjY>
  requires std::ranges::random_access_range<const R> && objective_projection<ProjX, detail::row_ref<R>> &&
           objective_projection<ProjY, detail::row_ref<R>>
std::vector<std::size_t> nondominated_ranks(const R& rows, ProjX px, ProjY py, sense sx = sense::maximize,
                                            sense sy = sense::maximize) {
  const auto xs = detail::project_column(rows, px);
  const auto ys = detail::project_column(rows, py);
  return nondominated_ranks_2d(xs, ys, sx, sy);
}

/// Non-dominated layers of rows on N objectives.
template <std::ranges::random_access_range R, class... Projs>
  requires std::ranges::random_access_range<const R> && (sizeof...(Projs) >= 1) &&
           (objective_projection<Projs, detail::row_ref<R>> && ...)
std::vector<std::size_t> nondominated_ranks(const R& rows, objective<Projs>... objectives) {
  const auto values = detail::project_matrix(rows, objectives...);
  const sense senses[] = {objectives.direction...};
  return nondominated_ranks(values, sizeof...(Projs), senses);
}

/// One 2-objective frontier per group: `key` maps a row to its group (anything ordered by <,
/// e.g. a string or a tuple). Each frontier holds indices into `rows`, ordered by x ascending.
/// Grouping by system (accelerator, framework, speculative decoding, precision) and pooling
/// every parallelism and concurrency is how InferenceMAX picks the best configuration at each
/// operating point.
template <std::ranges::random_access_range R, class KeyProj, class ProjX, class ProjY>
  requires std::ranges::random_access_range<const R> && std::invocable<KeyProj&, detail::row_ref<R>> &&
           objective_projection<ProjX, detail::row_ref<R>> && objective_projection<ProjY, detail::row_ref<R>>
auto grouped_pareto_frontiers(const R& rows, KeyProj key, ProjX px, ProjY py, sense sx = sense::maximize,
                              sense sy = sense::maximize)
    -> std::map<std::remove_cvref_t<std::invoke_result_t<KeyProj&, detail::row_ref<R>>>, std::vector<std::size_t>> {
  using key_type = std::remove_cvref_t<std::invoke_result_t<KeyProj&, detail::row_ref<R>>>;
  std::map<key_type, std::vector<std::size_t>> members;
  const auto xs = detail::project_column(rows, px);
  const auto ys = detail::project_column(rows, py);
  std::size_t i = 0;
  for (auto&& row : rows) members[std::invoke(key, row)].push_back(i++);
  for (auto& [group, idx] : members) {
    std::vector<double> gx, gy;
    gx.reserve(idx.size());
    gy.reserve(idx.size());
    for (std::size_t r : idx) {
      gx.push_back(xs[r]);
      gy.push_back(ys[r]);
    }
    auto front = frontier_2d(gx, gy, sx, sy);
    for (auto& f : front) f = idx[f];
    idx = std::move(front);
  }
  return members;
}

INFERLENS_END_NAMESPACE
