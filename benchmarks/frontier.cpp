// 2-objective Pareto frontier against its baseline: std::sort of the same n (x, y) pairs
// (std::vector<std::pair<double, double>>, default comparator). Target (DESIGN §9): at n = 10^7
// the frontier takes at most 1.5 × the sort.
//
// Two data sets per n, drawn afresh for every repetition (so that neither side profits from a
// branch predictor that has learnt the data):
//   uniform        x, y uniform in [0, 1): few points survive;
//   anti-diagonal  x uniform in [0, 1), y = -x: nothing is dominated, the worst case.
//
//   benchmark_frontier [max_exponent]    (default 7: n = 10^3 ... 10^7)
#include <inferlens/pareto.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <utility>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point start) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct timing {
  double sort_ms, frontier_ms;
  std::size_t frontier_size;
};

enum class shape { uniform, anti_diagonal };

timing measure(std::size_t n, shape kind, int reps, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> x(n), y(n);
  std::vector<std::pair<double, double>> pairs(n);
  std::vector<double> sort_ms, front_ms;
  std::size_t size = 0;
  for (int r = 0; r < reps; ++r) {
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = unit(rng);
      y[i] = kind == shape::uniform ? unit(rng) : -x[i];
      pairs[i] = {x[i], y[i]};
    }
    auto t0 = clock_type::now();
    std::sort(pairs.begin(), pairs.end());
    sort_ms.push_back(ms_since(t0));

    t0 = clock_type::now();
    const auto front = inferlens::frontier_2d(x, y);
    front_ms.push_back(ms_since(t0));
    size = front.size();
    if (pairs.front().first > pairs.back().first) std::puts("unsorted?");  // keeps the sort observable
  }
  return {median_of(sort_ms), median_of(front_ms), size};
}

}  // namespace

int main(int argc, char** argv) {
  const int max_exp = argc > 1 ? std::atoi(argv[1]) : 7;
  std::mt19937_64 rng(20260101);

  std::printf("2-objective Pareto frontier vs std::sort of the same n (x, y) pairs (median of reps)\n");
  std::printf("%-10s %-13s %5s %12s %14s %8s %10s\n", "n", "data", "reps", "sort ms", "frontier ms", "ratio",
              "front size");
  double worst_ratio_at_max = 0.0;
  for (int e = 3; e <= max_exp; ++e) {
    std::size_t n = 1;
    for (int k = 0; k < e; ++k) n *= 10;
    const int reps = n <= 100000 ? 21 : n <= 1000000 ? 7 : 5;
    for (const shape kind : {shape::uniform, shape::anti_diagonal}) {
      const timing t = measure(n, kind, reps, rng);
      const double ratio = t.frontier_ms / t.sort_ms;
      std::printf("%-10zu %-13s %5d %12.3f %14.3f %8.3f %10zu\n", n,
                  kind == shape::uniform ? "uniform" : "anti-diagonal", reps, t.sort_ms, t.frontier_ms, ratio,
                  t.frontier_size);
      if (e == max_exp) worst_ratio_at_max = std::max(worst_ratio_at_max, ratio);
    }
  }
  std::printf("target: frontier <= 1.5 x sort at n = 10^7; worst ratio at n = 10^%d: %.3f (%s)\n", max_exp,
              worst_ratio_at_max, worst_ratio_at_max <= 1.5 ? "met" : "NOT met");
  return 0;
}
