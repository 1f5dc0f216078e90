// Curve queries against their target and a baseline. Target (DESIGN §9): 10^6 queries on a
// 100-point curve in at most 50 ms. Baseline: the same number of std::lower_bound lookups on the
// curve's knots (the search every query needs, without the arithmetic).
//
//   benchmark_interpolation
#include <inferlens/curves.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point start) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

template <class F>
double median_ms(int reps, F&& f) {
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = clock_type::now();
    f();
    t.push_back(ms_since(t0));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main() {
  constexpr std::size_t knots = 100;
  constexpr std::size_t queries = 1000000;
  constexpr double target_ms = 50.0;
  constexpr int reps = 15;

  // A frontier-shaped curve: interactivity increasing, throughput strictly decreasing.
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> gap(0.5, 5.0), drop(1.0, 400.0);
  std::vector<double> x(knots), y(knots);
  x[0] = 20.0;
  y[knots - 1] = 50.0;
  for (std::size_t i = 1; i < knots; ++i) x[i] = x[i - 1] + gap(rng);
  for (std::size_t i = knots - 1; i > 0; --i) y[i - 1] = y[i] + drop(rng);
  const inferlens::curve steffen(x, y);
  const inferlens::curve linear(x, y, inferlens::interpolation::linear);

  std::uniform_real_distribution<double> in_range(x.front(), x.back());
  std::vector<double> qx(queries), qy(queries);
  for (auto& q : qx) q = in_range(rng);
  for (std::size_t i = 0; i < queries; ++i) qy[i] = *steffen.y_at(qx[i]);

  volatile double sink = 0.0;  // keeps every loop's result alive
  const double baseline = median_ms(reps, [&] {
    std::size_t acc = 0;
    for (double q : qx) acc += static_cast<std::size_t>(std::lower_bound(x.begin(), x.end(), q) - x.begin());
    sink = sink + static_cast<double>(acc);
  });
  const auto y_at_loop = [&](const inferlens::curve& c) {
    return [&] {
      double acc = 0.0;
      for (double q : qx) acc += c.y_at(q).value_or(0.0);
      sink = sink + acc;
    };
  };
  const double t_steffen = median_ms(reps, y_at_loop(steffen));
  const double t_linear = median_ms(reps, y_at_loop(linear));
  const double t_inverse = median_ms(5, [&] {
    double acc = 0.0;
    for (double q : qy) acc += steffen.x_at(q).value_or(0.0);
    sink = sink + acc;
  });

  std::printf("%zu queries on a %zu-point curve (median of %d runs)\n", queries, knots, reps);
  std::printf("%-34s %10s %16s %14s\n", "what", "ms", "x baseline", "x 50 ms target");
  const auto row = [&](const char* what, double ms) {
    std::printf("%-34s %10.3f %16.2f %14.3f\n", what, ms, ms / baseline, ms / target_ms);
  };
  row("baseline: std::lower_bound only", baseline);
  row("y_at, steffen", t_steffen);
  row("y_at, linear", t_linear);
  row("x_at, steffen (inverse, info)", t_inverse);
  std::printf("target: y_at (steffen) <= 50 ms for 10^6 queries: %.3f ms (%s)\n", t_steffen,
              t_steffen <= target_ms ? "met" : "NOT met");
  return 0;
}
