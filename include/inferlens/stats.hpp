// Descriptive statistics computed exactly as numpy does, so that numbers match `vllm bench serve`:
// pairwise summation (np.sum/np.mean), population std (ddof = 0), median as the mean of the two
// middle values, and percentiles with numpy's default 'linear' method (including its lerp).
//
// Empty input has no answer (std::nullopt). A NaN anywhere makes every statistic NaN, as in numpy.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

namespace detail {

// numpy's pairwise summation (numpy/core/src/umath/loops_utils.h.src, PW_BLOCKSIZE = 128).
INFERLENS_LAZY double pairwise_sum(const double* a, std::size_t n) noexcept {
  if (n < 8) {
    double res = 0.0;  // numpy starts from -0.0 only for the reduction identity; 0.0 gives equal sums
    for (std::size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[j];
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (int j = 0; j < 8; ++j) r[j] += a[i + static_cast<std::size_t>(j)];
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  std::size_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

INFERLENS_LAZY bool has_nan(std::span<const double> x) noexcept {
  return std::any_of(x.begin(), x.end(), [](double v) { return std::isnan(v); });
}

// numpy's _lerp: symmetric form that is exact at both ends.
INFERLENS_LAZY double numpy_lerp(double a, double b, double t) noexcept {
  const double d = b - a;
  return t >= 0.5 ? b - d * (1.0 - t) : a + d * t;
}

}  // namespace detail

/// Sum with numpy's pairwise algorithm.
inline double sum(std::span<const double> x) noexcept { return detail::pairwise_sum(x.data(), x.size()); }

/// Arithmetic mean (np.mean).
INFERLENS_LAZY std::optional<double> mean(std::span<const double> x) noexcept {
  if (x.empty()) return std::nullopt;
  return sum(x) / static_cast<double>(x.size());
}

/// Population standard deviation (np.std, ddof = 0).
INFERLENS_LAZY std::optional<double> pstdev(std::span<const double> x) {
  const auto m = mean(x);
  if (!m) return std::nullopt;
  std::vector<double> sq(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) sq[i] = (x[i] - *m) * (x[i] - *m);
  return std::sqrt(sum(sq) / static_cast<double>(x.size()));
}

/// Percentile p in [0, 100] of already sorted data, numpy 'linear' method. Precondition: sorted, no NaN.
INFERLENS_LAZY std::optional<double> percentile_sorted(std::span<const double> sorted, double p) noexcept {
  if (sorted.empty() || !(p >= 0.0 && p <= 100.0)) return std::nullopt;
  const double q = p / 100.0;
  const double vi = static_cast<double>(sorted.size() - 1) * q;
  const double lo = std::floor(vi);
  const auto i = static_cast<std::size_t>(lo);
  const std::size_t j = std::min(i + 1, sorted.size() - 1);
  return detail::numpy_lerp(sorted[i], sorted[j], vi - lo);
}

/// Median of already sorted data (np.median).
INFERLENS_LAZY std::optional<double> median_sorted(std::span<const double> sorted) noexcept {
  const std::size_t n = sorted.size();
  if (n == 0) return std::nullopt;
  if (n % 2 == 1) return sorted[n / 2];
  return (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
}

/// Percentile p in [0, 100] (np.percentile, linear). NaN in, NaN out.
INFERLENS_LAZY std::optional<double> percentile(std::span<const double> x, double p) {
  if (x.empty() || !(p >= 0.0 && p <= 100.0)) return std::nullopt;
  if (detail::has_nan(x)) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> s(x.begin(), x.end());
  std::sort(s.begin(), s.end());
  return percentile_sorted(s, p);
}

/// Median (np.median). NaN in, NaN out.
INFERLENS_LAZY std::optional<double> median(std::span<const double> x) {
  if (x.empty()) return std::nullopt;
  if (detail::has_nan(x)) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> s(x.begin(), x.end());
  std::sort(s.begin(), s.end());
  return median_sorted(s);
}

/// The statistics a benchmark reports for one metric. All fields are missing for empty input.
struct summary {
  std::size_t count = 0;
  std::optional<double> mean, median, std, p90, p99, p999, min, max;
};

/// Mean, median, population std, p90/p99/p99.9, min and max in one sort.
INFERLENS_LAZY summary summarize(std::span<const double> x) {
  summary s;
  s.count = x.size();
  if (x.empty()) return s;
  if (detail::has_nan(x)) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    s.mean = s.median = s.std = s.p90 = s.p99 = s.p999 = s.min = s.max = nan;
    return s;
  }
  s.mean = inferlens::mean(x);
  s.std = pstdev(x);
  std::vector<double> sorted(x.begin(), x.end());
  std::sort(sorted.begin(), sorted.end());
  s.median = median_sorted(sorted);
  s.p90 = percentile_sorted(sorted, 90.0);
  s.p99 = percentile_sorted(sorted, 99.0);
  s.p999 = percentile_sorted(sorted, 99.9);
  s.min = sorted.front();
  s.max = sorted.back();
  return s;
}

INFERLENS_END_NAMESPACE
