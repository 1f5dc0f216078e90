// 2-objective Pareto frontier against its baseline: std::sort of the same n (x, y) pairs
// (std::vector<std::pair<double, double>>, default comparator). Target (DESIGN §9): at every
// n >= 10^4 and for both shapes the frontier takes at most 1.0 × the sort, on a busy machine too.
//
// Two data sets per n, drawn afresh for every repetition (so that neither side profits from a
// branch predictor that has learnt the data):
//   uniform        x, y uniform in [0, 1): few points survive;
//   anti-diagonal  x uniform in [0, 1), y = -x: nothing is dominated, the worst case.
//
// Each repetition times both on the same data, the sort first in even repetitions and the
// frontier first in odd ones, and takes their ratio; a row gives min / median / max over the
// repetitions of each time and of the ratio, and the ratio of the first repetition on its own
// ("1st": the first anti-diagonal call at a new n also grows the thread's scratch memory, whose
// fresh pages cost a fault each). A row meets the target when its median ratio is <= 1.0. The
// load average (/proc/loadavg) is printed at the start and at the end: state it with the figures.
//
// On a machine with more runnable threads than cores the wall-clock ratio also measures the
// scheduler: an operation longer than a time slice is preempted on most runs, a shorter one on
// few. "cpu" is therefore the median ratio of the two sides' thread CPU times (user + system, so
// page faults count), which preemption does not inflate.
//
//   benchmark_frontier [max_exponent]    (default 7: n = 10^3 ... 10^7)
#include <inferlens/pareto.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

constexpr double target_ratio = 1.0;
constexpr std::size_t target_min_n = 10000;

double ms_since(clock_type::time_point start) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

// This thread's CPU time (user + system) in ms.
double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  if (!(in >> one >> five >> fifteen)) return "unavailable";
  return one + " " + five + " " + fifteen + " (1, 5, 15 min)";
}

struct spread {
  double min, median, max;
};

spread spread_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t k = v.size();
  const double median = k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
  return {v.front(), median, v.back()};
}

struct timing {
  spread sort_ms, frontier_ms, ratio, cpu_ratio;
  double first_ratio;
  std::size_t frontier_size;
};

enum class shape { uniform, anti_diagonal };

timing measure(std::size_t n, shape kind, int reps, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> x(n), y(n);
  std::vector<std::pair<double, double>> pairs(n);
  std::vector<double> sort_ms, front_ms, ratio, cpu_ratio;
  std::size_t size = 0;
  for (int r = 0; r < reps; ++r) {
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = unit(rng);
      y[i] = kind == shape::uniform ? unit(rng) : -x[i];
      pairs[i] = {x[i], y[i]};
    }
    double s = 0, f = 0, s_cpu = 0, f_cpu = 0;
    for (int side = 0; side < 2; ++side) {
      if ((side == 0) == (r % 2 == 0)) {
        const double c0 = thread_cpu_ms();
        const auto t0 = clock_type::now();
        std::sort(pairs.begin(), pairs.end());
        s = ms_since(t0);
        s_cpu = thread_cpu_ms() - c0;
        if (pairs.front().first > pairs.back().first) std::puts("unsorted?");  // keeps the sort observable
      } else {
        const double c0 = thread_cpu_ms();
        const auto t0 = clock_type::now();
        const auto front = inferlens::frontier_2d(x, y);
        f = ms_since(t0);
        f_cpu = thread_cpu_ms() - c0;
        size = front.size();
      }
    }
    sort_ms.push_back(s);
    front_ms.push_back(f);
    ratio.push_back(f / s);
    cpu_ratio.push_back(f_cpu / s_cpu);
  }
  return {spread_of(sort_ms), spread_of(front_ms), spread_of(ratio), spread_of(cpu_ratio), ratio.front(), size};
}

}  // namespace

int main(int argc, char** argv) {
  const int max_exp = argc > 1 ? std::atoi(argv[1]) : 7;
  std::mt19937_64 rng(20260101);

  std::printf("2-objective Pareto frontier vs std::sort of the same n (x, y) pairs\n");
  std::printf("hardware threads: %u; load average at start: %s\n", std::thread::hardware_concurrency(),
              load_average().c_str());
  std::printf("times in ms, min / median / max over the repetitions; ratio = frontier / sort per repetition;\n"
              "1st = ratio of the first repetition; cpu = median ratio of thread CPU times\n");
  std::printf("%-9s %-13s %4s  %-26s %-26s %-20s %6s %6s %9s\n", "n", "data", "reps", "sort ms", "frontier ms",
              "ratio", "1st", "cpu", "front");
  double worst_median = 0.0, worst_max = 0.0;
  bool met = true;
  for (int e = 3; e <= max_exp; ++e) {
    std::size_t n = 1;
    for (int k = 0; k < e; ++k) n *= 10;
    const int reps = n <= 10000 ? 51 : n <= 100000 ? 21 : n <= 1000000 ? 9 : 5;
    for (const shape kind : {shape::uniform, shape::anti_diagonal}) {
      const timing t = measure(n, kind, reps, rng);
      const bool counts = n >= target_min_n;
      std::printf("%-9zu %-13s %4d  %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %6.3f %6.3f %6.3f %6.3f %6.3f %9zu%s\n", n,
                  kind == shape::uniform ? "uniform" : "anti-diagonal", reps, t.sort_ms.min, t.sort_ms.median,
                  t.sort_ms.max, t.frontier_ms.min, t.frontier_ms.median, t.frontier_ms.max, t.ratio.min,
                  t.ratio.median, t.ratio.max, t.first_ratio, t.cpu_ratio.median, t.frontier_size,
                  !counts ? "" : t.ratio.median <= target_ratio ? "  met" : "  NOT met");
      std::fflush(stdout);
      if (counts) {
        worst_median = std::max(worst_median, t.ratio.median);
        worst_max = std::max(worst_max, t.ratio.max);
        met = met && t.ratio.median <= target_ratio;
      }
    }
  }
  std::printf("target: median ratio <= %.1f for both shapes at every n >= 10^4: %s (worst median %.3f, worst max %.3f)\n",
              target_ratio, met ? "met" : "NOT met", worst_median, worst_max);
  std::printf("load average at end: %s\n", load_average().c_str());
  return met ? 0 : 1;
}
