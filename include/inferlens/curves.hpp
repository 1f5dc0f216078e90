// Throughput–interactivity curves: interpolation through frontier points, queries in both
// directions, ratios of two curves and the points where one overtakes the other.
//
// Interpolation is monotone cubic Hermite with Steffen tangents, identical to d3's
// `curveMonotoneX`, which the InferenceMAX dashboard draws and interpolates with:
//   h_i = x_{i+1} - x_i,  s_i = (y_{i+1} - y_i) / h_i,
//   interior  m_i = (sign(s_{i-1}) + sign(s_i)) * min(|s_{i-1}|, |s_i|, 0.5 |p_i|),
//             p_i = (s_{i-1} h_i + s_i h_{i-1}) / (h_{i-1} + h_i),  sign(0) = +1, NaN -> 0,
//   ends      m_0 = (3 s_0 - m_1) / 2,  m_{n-1} = (3 s_{n-2} - m_{n-2}) / 2,
// with the standard Hermite basis on each segment. Two points make a straight line. Each
// segment stays between its two knot values (no overshoot). There is no extrapolation: outside
// [x_0, x_{n-1}] a query has no answer, and a one-point curve answers only within 1e-6 of its
// x (the dashboard's rule). Values are clamped at >= 0.
//
// The reverse query (x at a given y) inverts the same spline. InferenceMAX's calculator instead
// fits a second spline of x against y, so its two directions can disagree slightly; inverting
// keeps x_at(y_at(x)) == x to rounding.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <functional>
#include <optional>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "inferlens/pareto.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// How a curve joins its knots.
enum class interpolation { steffen, linear };

struct crossover;
class curve;
inline std::vector<crossover> crossovers(const curve& a, const curve& b);

/// A function y(x) through knots with strictly increasing x.
class curve {
 public:
  /// The empty curve: every query has no answer.
  curve() = default;

  /// @throws std::invalid_argument when x and y differ in size, a value is not finite, or x is
  /// not strictly increasing; the message names the index.
  curve(std::vector<double> x, std::vector<double> y, interpolation kind = interpolation::steffen)
      : x_(std::move(x)), y_(std::move(y)), kind_(kind) {
    if (x_.size() != y_.size())
      throw std::invalid_argument("curve: x has " + std::to_string(x_.size()) + " values but y has " +
                                  std::to_string(y_.size()));
    for (std::size_t i = 0; i < x_.size(); ++i) {
      if (!std::isfinite(x_[i])) throw std::invalid_argument("curve: x[" + std::to_string(i) + "] is not finite");
      if (!std::isfinite(y_[i])) throw std::invalid_argument("curve: y[" + std::to_string(i) + "] is not finite");
      if (i > 0 && !(x_[i] > x_[i - 1]))
        throw std::invalid_argument("curve: x[" + std::to_string(i) + "] = " + std::to_string(x_[i]) +
                                    " is not greater than x[" + std::to_string(i - 1) + "] = " +
                                    std::to_string(x_[i - 1]) + " (x must be strictly increasing)");
    }
    if (kind_ == interpolation::steffen && x_.size() >= 3) tangents_ = steffen_tangents(x_, y_);
    const bool rising = std::is_sorted(y_.begin(), y_.end());
    const bool falling = std::is_sorted(y_.begin(), y_.end(), std::greater<>());
    trend_ = rising ? trend::rising : falling ? trend::falling : trend::mixed;
  }

  /// y at x, or nothing outside [x_min, x_max]. Never negative.
  INFERLENS_LAZY std::optional<double> y_at(double x) const noexcept {
    if (x_.empty() || std::isnan(x)) return std::nullopt;
    if (x_.size() == 1) {
      if (std::abs(x - x_[0]) <= single_point_tolerance) return std::max(0.0, y_[0]);
      return std::nullopt;
    }
    if (x < x_.front() || x > x_.back()) return std::nullopt;
    const double v = eval(segment(x), x);
    if (std::isnan(v)) return std::nullopt;
    return std::max(0.0, v);
  }

  /// The smallest x at which the curve takes the value y, or nothing when y is outside the
  /// curve's range. On a monotone curve (frontiers are) this is the inverse of y_at, so the two
  /// directions agree (InferenceMAX's calculator fits a second spline of x against y instead).
  /// A one-point curve answers within 1e-6 of its y.
  INFERLENS_LAZY std::optional<double> x_at(double y) const noexcept {
    if (x_.empty() || std::isnan(y) || y < 0.0) return std::nullopt;
    if (x_.size() == 1) {
      if (std::abs(y - y_[0]) <= single_point_tolerance) return x_[0];
      return std::nullopt;
    }
    // Every segment is monotone between its knot values, so the first segment whose knot
    // values bracket y holds the answer.
    std::size_t k = 0;
    const std::size_t n = x_.size();
    if (trend_ == trend::falling) {
      if (y > y_.front() || y < y_.back()) return std::nullopt;
      const auto j = static_cast<std::size_t>(
          std::partition_point(y_.begin(), y_.end(), [&](double v) { return v > y; }) - y_.begin());
      if (j == 0) return x_.front();
      k = j - 1;
    } else if (trend_ == trend::rising) {
      if (y < y_.front() || y > y_.back()) return std::nullopt;
      const auto j = static_cast<std::size_t>(
          std::partition_point(y_.begin(), y_.end(), [&](double v) { return v < y; }) - y_.begin());
      if (j == 0) return x_.front();
      k = j - 1;
    } else {
      k = n;
      for (std::size_t i = 0; i + 1 < n; ++i) {
        if (std::min(y_[i], y_[i + 1]) <= y && y <= std::max(y_[i], y_[i + 1])) {
          k = i;
          break;
        }
      }
      if (k == n) return std::nullopt;
    }
    if (y == y_[k]) return x_[k];
    if (y == y_[k + 1]) return x_[k + 1];
    return solve_in_segment(k, y);
  }

  INFERLENS_LAZY std::span<const double> xs() const noexcept { return x_; }
  INFERLENS_LAZY std::span<const double> ys() const noexcept { return y_; }
  /// The Hermite tangents dy/dx at the knots that y_at uses (Steffen's, as d3's curveMonotoneX),
  /// one per knot; empty when every segment is straight (linear kind, or fewer than three knots).
  /// A chart draws segment k as the cubic Bézier with control points (x_k + h/3, y_k + m_k h/3)
  /// and (x_{k+1} - h/3, y_{k+1} - m_{k+1} h/3), h = x_{k+1} - x_k: the same curve.
  INFERLENS_LAZY std::span<const double> tangents() const noexcept { return tangents_; }
  INFERLENS_LAZY std::size_t size() const noexcept { return x_.size(); }
  INFERLENS_LAZY bool empty() const noexcept { return x_.empty(); }
  INFERLENS_LAZY interpolation kind() const noexcept { return kind_; }
  INFERLENS_LAZY std::optional<double> x_min() const noexcept {
    if (x_.empty()) return std::nullopt;
    return x_.front();
  }
  INFERLENS_LAZY std::optional<double> x_max() const noexcept {
    if (x_.empty()) return std::nullopt;
    return x_.back();
  }

  /// The dashboard's tolerance for a one-point curve.
  static constexpr double single_point_tolerance = 1e-6;

 private:
  enum class trend { rising, falling, mixed };

  std::vector<double> x_, y_;
  std::vector<double> tangents_;  // Hermite tangents; empty when segments are straight
  interpolation kind_ = interpolation::steffen;
  trend trend_ = trend::mixed;

  friend std::vector<crossover> crossovers(const curve& a, const curve& b);

  // d3's sign: zero (and NaN) count as positive.
  INFERLENS_LAZY static double d3_sign(double v) noexcept { return v < 0 ? -1.0 : 1.0; }

  INFERLENS_LAZY static std::vector<double> steffen_tangents(const std::vector<double>& x, const std::vector<double>& y) {
    const std::size_t n = x.size();
    std::vector<double> h(n - 1), s(n - 1), m(n);
    for (std::size_t i = 0; i + 1 < n; ++i) {
      h[i] = x[i + 1] - x[i];
      s[i] = (y[i + 1] - y[i]) / h[i];
    }
    for (std::size_t i = 1; i + 1 < n; ++i) {
      const double p = (s[i - 1] * h[i] + s[i] * h[i - 1]) / (h[i - 1] + h[i]);
      const double t = (d3_sign(s[i - 1]) + d3_sign(s[i])) *
                       std::min({std::abs(s[i - 1]), std::abs(s[i]), 0.5 * std::abs(p)});
      m[i] = std::isnan(t) ? 0.0 : t;  // d3: `... || 0`
    }
    m[0] = (3 * s[0] - m[1]) / 2;
    m[n - 1] = (3 * s[n - 2] - m[n - 2]) / 2;
    return m;
  }

  // k with x_[k] <= x <= x_[k+1] for x inside the range (size >= 2); branch-free.
  INFERLENS_LAZY std::size_t segment(double x) const noexcept {
    const double* base = x_.data();
    std::size_t len = x_.size() - 1;  // search the left ends of the segments
    while (len > 1) {
      const std::size_t half = len / 2;
      base = (base[half] <= x) ? base + half : base;
      len -= half;
    }
    return static_cast<std::size_t>(base - x_.data());
  }

  INFERLENS_LAZY bool straight() const noexcept { return tangents_.empty(); }

  // Unclamped value inside segment k.
  INFERLENS_LAZY double eval(std::size_t k, double x) const noexcept {
    const double x0 = x_[k], x1 = x_[k + 1], y0 = y_[k], y1 = y_[k + 1];
    const double h = x1 - x0;
    const double t = (x - x0) / h;
    if (straight()) return t == 1.0 ? y1 : y0 + (y1 - y0) * t;  // exact at both ends
    const double t2 = t * t, t3 = t2 * t;
    const double h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + t, h01 = -2 * t3 + 3 * t2, h11 = t3 - t2;
    return h00 * y0 + h10 * h * tangents_[k] + h01 * y1 + h11 * h * tangents_[k + 1];
  }

  // dy/dx inside segment k as a quadratic in v = x - origin: {c0, c1, c2} for c0 + c1 v + c2 v².
  std::array<double, 3> derivative_coefficients(std::size_t k, double origin) const noexcept {
    const double h = x_[k + 1] - x_[k];
    const double s = (y_[k + 1] - y_[k]) / h;
    if (straight()) return {s, 0.0, 0.0};
    const double m0 = tangents_[k], m1 = tangents_[k + 1];
    // Power form in u = x - x_k: y0 + m0 u + b u² + c u³.
    const double b = (3 * s - 2 * m0 - m1) / h;
    const double c = (m0 + m1 - 2 * s) / (h * h);
    const double delta = origin - x_[k];
    return {m0 + 2 * b * delta + 3 * c * delta * delta, 2 * b + 6 * c * delta, 3 * c};
  }

  // dy/dx inside segment k.
  INFERLENS_LAZY double slope(std::size_t k, double x) const noexcept {
    const double h = x_[k + 1] - x_[k];
    if (straight()) return (y_[k + 1] - y_[k]) / h;
    const double t = (x - x_[k]) / h, t2 = t * t;
    return ((6 * t2 - 6 * t) * (y_[k] - y_[k + 1])) / h + (3 * t2 - 4 * t + 1) * tangents_[k] +
           (3 * t2 - 2 * t) * tangents_[k + 1];
  }

  // x in segment k where the (monotone) segment takes value y, strictly between its knot values:
  // Newton's method kept inside a shrinking bracket (bisecting when a step would leave it), run
  // until the bracket or the step vanishes, so that x_at(y_at(x)) == x to rounding.
  INFERLENS_LAZY double solve_in_segment(std::size_t k, double y) const noexcept {
    double lo = x_[k], hi = x_[k + 1];
    const bool rising = y_[k + 1] > y_[k];
    double x = lo + (hi - lo) * ((y - y_[k]) / (y_[k + 1] - y_[k]));  // the chord's answer
    double best = x, best_err = std::abs(eval(k, x) - y);
    for (int i = 0; i < 200; ++i) {
      const double v = eval(k, x);
      const double err = std::abs(v - y);
      if (err < best_err) {
        best = x;
        best_err = err;
      }
      if (v == y) return x;
      if ((v < y) == rising)
        lo = x;
      else
        hi = x;
      const double mid = lo + (hi - lo) / 2;
      if (!(mid > lo && mid < hi)) break;  // no double left strictly inside the bracket
      const double d = slope(k, x);
      double next = d != 0 ? x - (v - y) / d : mid;
      if (!(next > lo && next < hi)) next = mid;
      if (next == x) break;
      x = next;
    }
    for (const double end : {lo, hi}) {
      const double err = std::abs(eval(k, end) - y);
      if (err < best_err) {
        best = end;
        best_err = err;
      }
    }
    return best;
  }
};

/// Curve `a` divided by curve `b` at one x.
struct ratio_point {
  double x, a, b, ratio;  ///< ratio = a / b (IEEE division: b == 0 gives inf or NaN)
};

/// a / b over the common x range of both curves: `samples` evenly spaced x (both ends included)
/// and every knot of either curve inside the range, x ascending without repeats. Empty when the
/// curves do not overlap. With samples == 1 only the lower end and the knots are used.
INFERLENS_LAZY std::vector<ratio_point> ratio(const curve& a, const curve& b, std::size_t samples = 64) {
  std::vector<ratio_point> out;
  if (a.empty() || b.empty()) return out;
  const double lo = std::max(*a.x_min(), *b.x_min());
  const double hi = std::min(*a.x_max(), *b.x_max());
  if (!(lo <= hi)) return out;
  std::vector<double> xs;
  xs.reserve(samples + a.size() + b.size() + 1);
  if (lo == hi || samples == 1) {
    xs.push_back(lo);
  } else if (samples >= 2) {
    const double steps = static_cast<double>(samples - 1);
    for (std::size_t i = 0; i + 1 < samples; ++i) xs.push_back(lo + (hi - lo) * (static_cast<double>(i) / steps));
    xs.push_back(hi);
  }
  for (const curve* c : {&a, &b})
    for (double k : c->xs())
      if (k >= lo && k <= hi) xs.push_back(k);
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  out.reserve(xs.size());
  for (double x : xs) {
    const auto va = a.y_at(x), vb = b.y_at(x);
    if (va && vb) out.push_back({x, *va, *vb, *va / *vb});
  }
  return out;
}

/// A point where one curve overtakes the other.
struct crossover {
  double x, y;  ///< y: the common value there
};

namespace detail {
// Roots in (0, width) of c0 + c1 v + c2 v², ascending.
INFERLENS_LAZY std::vector<double> quadratic_roots_inside(std::array<double, 3> c, double width) {
  std::vector<double> roots;
  const auto keep = [&](double r) {
    if (r > 0 && r < width) roots.push_back(r);
  };
  if (c[2] == 0) {
    if (c[1] != 0) keep(-c[0] / c[1]);
  } else {
    const double disc = c[1] * c[1] - 4 * c[2] * c[0];
    if (disc >= 0) {
      // Cancellation-free form.
      const double q = -0.5 * (c[1] + (c[1] < 0 ? -1.0 : 1.0) * std::sqrt(disc));
      keep(q / c[2]);
      if (q != 0) keep(c[0] / q);
    }
  }
  std::sort(roots.begin(), roots.end());
  return roots;
}
}  // namespace detail

/// Every x in the common range where a - b changes sign, ascending. Between consecutive knots of
/// either curve both are single cubics, so a - b is split where its derivative vanishes into
/// monotone pieces, and each sign change is located by bisection to the last bit. Where the
/// curves touch without crossing nothing is reported; where they coincide over a stretch and
/// then part on the other side, the start of the stretch is. Crossings below y = 0, where
/// clamping makes both curves 0, are not reported.
inline std::vector<crossover> crossovers(const curve& a, const curve& b) {
  std::vector<crossover> out;
  if (a.size() < 2 || b.size() < 2) return out;
  const double lo = std::max(a.x_.front(), b.x_.front());
  const double hi = std::min(a.x_.back(), b.x_.back());
  if (!(lo < hi)) return out;

  std::vector<double> grid{lo, hi};
  for (const curve* c : {&a, &b})
    for (double k : c->x_)
      if (k > lo && k < hi) grid.push_back(k);
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());

  int last_sign = 0;        // sign of the last non-zero difference seen
  bool in_zero = false;     // the difference has been 0 since zero_x
  double zero_x = 0.0;
  const auto report = [&](double x) {
    const double y = a.eval(a.segment(x), x);
    if (y >= 0) out.push_back({x, y});
  };

  for (std::size_t g = 0; g + 1 < grid.size(); ++g) {
    const double left = grid[g], right = grid[g + 1];
    const double mid = left + (right - left) / 2;
    const std::size_t ka = a.segment(mid), kb = b.segment(mid);
    const auto diff = [&](double x) { return a.eval(ka, x) - b.eval(kb, x); };

    // Breakpoints: the interval's ends and the extrema of a - b inside it.
    const auto da = a.derivative_coefficients(ka, left), db = b.derivative_coefficients(kb, left);
    std::vector<double> points{left};
    for (double r : detail::quadratic_roots_inside({da[0] - db[0], da[1] - db[1], da[2] - db[2]}, right - left))
      if (left + r > points.back() && left + r < right) points.push_back(left + r);
    points.push_back(right);

    for (std::size_t p = (g == 0 ? 0 : 1); p < points.size(); ++p) {
      const double x = points[p];
      const double d = diff(x);
      const int s = d > 0 ? 1 : d < 0 ? -1 : 0;
      if (s == 0) {
        if (!in_zero) {
          in_zero = true;
          zero_x = x;
        }
        continue;
      }
      if (last_sign != 0 && s != last_sign) {
        if (in_zero) {
          report(zero_x);
        } else {
          // a - b is monotone on [points[p-1], x] and changes sign there: bisect.
          double l = points[p - 1], r = x;
          for (int i = 0; i < 2100; ++i) {
            const double m = l + (r - l) / 2;
            if (!(m > l && m < r)) break;
            const double dm = diff(m);
            if (dm == 0) {
              l = r = m;
              break;
            }
            if ((dm > 0) == (last_sign > 0))
              l = m;
            else
              r = m;
          }
          report(std::abs(diff(l)) <= std::abs(diff(r)) ? l : r);
        }
      }
      last_sign = s;
      in_zero = false;
    }
  }
  return out;
}

/// The curve through the (maximize x, maximize y) frontier of the points: the dashboard's
/// throughput-vs-interactivity curve. Points with a NaN are ignored.
/// @throws std::invalid_argument when x and y differ in size or a frontier value is infinite.
INFERLENS_LAZY curve frontier_curve(std::span<const double> x, std::span<const double> y,
                            interpolation kind = interpolation::steffen) {
  const auto front = frontier_2d(x, y);
  std::vector<double> fx, fy;
  fx.reserve(front.size());
  fy.reserve(front.size());
  for (std::size_t i : front) {
    fx.push_back(x[i]);
    fy.push_back(y[i]);
  }
  return curve(std::move(fx), std::move(fy), kind);
}

/// frontier_curve over rows through projections (double or std::optional<double>).
template <std::ranges::random_access_range R, class ProjX, class ProjY>
  requires std::ranges::random_access_range<const R> && objective_projection<ProjX, detail::row_ref<R>> &&
           objective_projection<ProjY, detail::row_ref<R>>
curve frontier_curve(const R& rows, ProjX px, ProjY py, interpolation kind = interpolation::steffen) {
  const auto xs = detail::project_column(rows, px);
  const auto ys = detail::project_column(rows, py);
  return frontier_curve(std::span<const double>(xs), std::span<const double>(ys), kind);
}

INFERLENS_END_NAMESPACE
