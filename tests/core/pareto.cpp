// Pareto frontiers and non-dominated layers: hand-made cases, the dashboard's own algorithms
// written out literally, and O(n²) brute force on many random sets with heavy ties and NaN.
#include <doctest/doctest.h>

#include <inferlens/pareto.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace {

using inferlens::sense;
using idx = std::vector<std::size_t>;

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();
constexpr double k_inf = std::numeric_limits<double>::infinity();

double flip(double v, sense s) { return s == sense::maximize ? v : -v; }

// Standard Pareto dominance in maximise-everything coordinates.
bool dominates(const std::vector<double>& q, const std::vector<double>& p) {
  bool strictly = false;
  for (std::size_t j = 0; j < q.size(); ++j) {
    if (q[j] < p[j]) return false;
    if (q[j] > p[j]) strictly = true;
  }
  return strictly;
}

// Brute force from the definition: nothing dominates p and no earlier point equals it.
// Returns indices in input order.
idx brute_frontier(const std::vector<std::vector<double>>& pts, const std::vector<sense>& senses) {
  const std::size_t n = pts.size();
  auto oriented = [&](std::size_t i) {
    std::vector<double> v(pts[i].size());
    for (std::size_t j = 0; j < v.size(); ++j) v[j] = flip(pts[i][j], senses[j]);
    return v;
  };
  auto has_nan = [&](std::size_t i) {
    return std::any_of(pts[i].begin(), pts[i].end(), [](double v) { return std::isnan(v); });
  };
  idx out;
  for (std::size_t p = 0; p < n; ++p) {
    if (has_nan(p)) continue;
    const auto vp = oriented(p);
    bool on = true;
    for (std::size_t q = 0; q < n && on; ++q) {
      if (q == p || has_nan(q)) continue;
      const auto vq = oriented(q);
      if (dominates(vq, vp) || (q < p && vq == vp)) on = false;
    }
    if (on) out.push_back(p);
  }
  return out;
}

// Brute-force layers: peel the brute-force frontier off again and again.
idx brute_ranks(const std::vector<std::vector<double>>& pts, const std::vector<sense>& senses) {
  idx rank(pts.size(), 0);
  std::vector<std::size_t> alive;
  for (std::size_t i = 0; i < pts.size(); ++i)
    if (std::none_of(pts[i].begin(), pts[i].end(), [](double v) { return std::isnan(v); })) alive.push_back(i);
  for (std::size_t layer = 1; !alive.empty(); ++layer) {
    std::vector<std::vector<double>> sub;
    for (std::size_t i : alive) sub.push_back(pts[i]);
    const idx front = brute_frontier(sub, senses);
    std::vector<std::size_t> rest;
    std::size_t f = 0;
    for (std::size_t k = 0; k < alive.size(); ++k) {
      if (f < front.size() && front[f] == k) {
        rank[alive[k]] = layer;
        ++f;
      } else {
        rest.push_back(alive[k]);
      }
    }
    alive = rest;
  }
  return rank;
}

struct point {
  double x, y;
};

// The dashboard's `upper_left` (maximize x, maximize y), written out as the reference
// describes it; JavaScript's sort is stable.
idx dashboard_upper_left(const std::vector<point>& pts) {
  idx order;
  for (std::size_t i = 0; i < pts.size(); ++i)
    if (!std::isnan(pts[i].x) && !std::isnan(pts[i].y)) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (pts[a].x != pts[b].x) return pts[a].x < pts[b].x;
    return pts[a].y > pts[b].y;
  });
  idx front;
  for (std::size_t i : order) {
    if (!front.empty() && pts[front.back()].x == pts[i].x) continue;  // the earlier, higher y stays
    while (!front.empty() && pts[i].y >= pts[front.back()].y) front.pop_back();
    front.push_back(i);
  }
  return front;
}

// The dashboard's `lower_right` (maximize x, minimize y): sort x descending, ties y ascending,
// keep a point when its y is below everything kept so far. Comes out x descending.
idx dashboard_lower_right(const std::vector<point>& pts) {
  idx order;
  for (std::size_t i = 0; i < pts.size(); ++i)
    if (!std::isnan(pts[i].x) && !std::isnan(pts[i].y)) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (pts[a].x != pts[b].x) return pts[a].x > pts[b].x;
    return pts[a].y < pts[b].y;
  });
  idx front;
  double min_y = k_inf;
  bool first = true;
  for (std::size_t i : order) {
    if (first || pts[i].y < min_y) {
      front.push_back(i);
      min_y = pts[i].y;
      first = false;
    }
  }
  return front;
}

// The dashboard's `lower_left` (minimize x, minimize y): sort x ascending, ties y ascending,
// keep when y is strictly below the running minimum. Comes out x ascending.
idx dashboard_lower_left(const std::vector<point>& pts) {
  idx order;
  for (std::size_t i = 0; i < pts.size(); ++i)
    if (!std::isnan(pts[i].x) && !std::isnan(pts[i].y)) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (pts[a].x != pts[b].x) return pts[a].x < pts[b].x;
    return pts[a].y < pts[b].y;
  });
  idx front;
  bool first = true;
  double min_y = 0;
  for (std::size_t i : order) {
    if (first || pts[i].y < min_y) {
      front.push_back(i);
      min_y = pts[i].y;
      first = false;
    }
  }
  return front;
}

// Random points: integer coordinates in 0..levels-1 (many ties and duplicates) or continuous,
// with some NaN and infinities sprinkled in.
std::vector<point> random_points(std::mt19937_64& rng, std::size_t n, int levels, double nan_rate, double inf_rate) {
  std::uniform_int_distribution<int> level(0, levels - 1);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto value = [&]() -> double {
    const double u = unit(rng);
    if (u < nan_rate) return k_nan;
    if (u < nan_rate + inf_rate) return unit(rng) < 0.5 ? k_inf : -k_inf;
    return levels > 0 ? static_cast<double>(level(rng)) : unit(rng) * 100.0 - 50.0;
  };
  std::vector<point> pts(n);
  for (auto& p : pts) p = {value(), value()};
  return pts;
}

std::vector<std::vector<double>> as_rows(const std::vector<point>& pts) {
  std::vector<std::vector<double>> rows;
  for (const auto& p : pts) rows.push_back({p.x, p.y});
  return rows;
}

void split(const std::vector<point>& pts, std::vector<double>& xs, std::vector<double>& ys) {
  xs.clear();
  ys.clear();
  for (const auto& p : pts) {
    xs.push_back(p.x);
    ys.push_back(p.y);
  }
}

std::vector<double> flatten(const std::vector<std::vector<double>>& rows) {
  std::vector<double> v;
  for (const auto& r : rows) v.insert(v.end(), r.begin(), r.end());
  return v;
}

constexpr sense both_senses[] = {sense::maximize, sense::minimize};

}  // namespace

TEST_CASE("frontier_2d: a hand-made example with ties") {
  //  index:     0    1    2    3    4    5    6    7
  // (x, y):  (1,5) (2,5) (2,3) (3,4) (3,4) (4,1) (0,9) (4,1)
  // maximize both: (1,5) loses to (2,5) (larger x, equal y); (2,3) to (2,5) (same x, higher y);
  // (3,4) index 4 is a later duplicate of index 3; (4,1) index 7 a later duplicate of index 5.
  const std::vector<double> x{1, 2, 2, 3, 3, 4, 0, 4};
  const std::vector<double> y{5, 5, 3, 4, 4, 1, 9, 1};
  CHECK(inferlens::frontier_2d(x, y) == idx{6, 1, 3, 5});
  // maximize x, minimize y: (4,1) has the largest x and the smallest y, so it dominates every
  // other point but its own later duplicate, which loses the tie.
  CHECK(inferlens::frontier_2d(x, y, sense::maximize, sense::minimize) == idx{5});
  // minimize both: (0,9) has the smallest x; (1,5) beats (2,5), (2,3) beats (3,4); (4,1) smallest y.
  // Ordered by x ascending.
  CHECK(inferlens::frontier_2d(x, y, sense::minimize, sense::minimize) == idx{6, 0, 2, 5});
  // minimize x, maximize y: only (0,9), which has both the smallest x and the largest y.
  CHECK(inferlens::frontier_2d(x, y, sense::minimize, sense::maximize) == idx{6});
}

TEST_CASE("frontier_2d: output is x increasing and y strictly decreasing") {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 50; ++trial) {
    auto pts = random_points(rng, 200, trial % 2 ? 6 : 0, 0.0, 0.0);
    std::vector<double> xs, ys;
    split(pts, xs, ys);
    const idx f = inferlens::frontier_2d(xs, ys);
    for (std::size_t k = 1; k < f.size(); ++k) {
      CHECK(xs[f[k]] > xs[f[k - 1]]);
      CHECK(ys[f[k]] < ys[f[k - 1]]);
    }
  }
}

TEST_CASE("frontier_2d: empty, all-NaN, single point, infinities and bad sizes") {
  const std::vector<double> none;
  CHECK(inferlens::frontier_2d(none, none).empty());
  const std::vector<double> nans{k_nan, 1.0, k_nan};
  const std::vector<double> ones{1.0, k_nan, 2.0};
  CHECK(inferlens::frontier_2d(nans, ones).empty());
  const std::vector<double> one{3.0};
  CHECK(inferlens::frontier_2d(one, one) == idx{0});
  // +k_inf is just the largest value; -k_inf the smallest.
  const std::vector<double> x{k_inf, 1.0, -k_inf, 2.0};
  const std::vector<double> y{0.0, 5.0, k_inf, 5.0};
  CHECK(inferlens::frontier_2d(x, y) == idx{2, 3, 0});
  const std::vector<double> two{1.0, 2.0};
  CHECK_THROWS_AS(inferlens::frontier_2d(one, two), std::invalid_argument);
  CHECK_THROWS_WITH(inferlens::frontier_2d(one, two), doctest::Contains("x has 1 values but y has 2"));
}

TEST_CASE("frontier_2d equals the dashboard's upper_left algorithm exactly, order included") {
  std::mt19937_64 rng(12345);
  for (int trial = 0; trial < 2000; ++trial) {
    const std::size_t n = static_cast<std::size_t>(trial % 40);
    const int levels = trial % 3 == 0 ? 0 : 1 + trial % 6;
    const auto pts = random_points(rng, n, levels, trial % 5 == 0 ? 0.1 : 0.0, trial % 7 == 0 ? 0.1 : 0.0);
    std::vector<double> xs, ys;
    split(pts, xs, ys);
    REQUIRE(inferlens::frontier_2d(xs, ys) == dashboard_upper_left(pts));
  }
}

TEST_CASE("maximize x / minimize y equals the dashboard's lower_right rule; minimize both its lower_left") {
  std::mt19937_64 rng(99);
  for (int trial = 0; trial < 2000; ++trial) {
    const std::size_t n = static_cast<std::size_t>(trial % 40);
    const int levels = trial % 3 == 0 ? 0 : 1 + trial % 6;
    const auto pts = random_points(rng, n, levels, trial % 5 == 0 ? 0.1 : 0.0, 0.0);
    std::vector<double> xs, ys;
    split(pts, xs, ys);
    idx lower_right = dashboard_lower_right(pts);
    std::reverse(lower_right.begin(), lower_right.end());  // ours is always x ascending
    REQUIRE(inferlens::frontier_2d(xs, ys, sense::maximize, sense::minimize) == lower_right);
    REQUIRE(inferlens::frontier_2d(xs, ys, sense::minimize, sense::minimize) == dashboard_lower_left(pts));
  }
}

TEST_CASE("frontier_2d agrees with O(n^2) brute force for every pair of senses") {
  std::mt19937_64 rng(2024);
  for (int trial = 0; trial < 1500; ++trial) {
    const std::size_t n = static_cast<std::size_t>(trial % 50);
    const int levels = trial % 4 == 0 ? 0 : 1 + trial % 6;
    const auto pts = random_points(rng, n, levels, 0.05, trial % 3 == 0 ? 0.05 : 0.0);
    std::vector<double> xs, ys;
    split(pts, xs, ys);
    for (sense sx : both_senses) {
      for (sense sy : both_senses) {
        idx expected = brute_frontier(as_rows(pts), {sx, sy});
        std::sort(expected.begin(), expected.end(), [&](std::size_t a, std::size_t b) { return xs[a] < xs[b]; });
        REQUIRE(inferlens::frontier_2d(xs, ys, sx, sy) == expected);
      }
    }
  }
}

TEST_CASE("frontier_2d on large inputs (sample prefilter active) equals the dashboard algorithm") {
  std::mt19937_64 rng(5);
  const std::size_t n = 60000;  // above the prefilter threshold
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<point> uniform(n), grid(n), diagonal(n), gaussian(n);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_int_distribution<int> level(0, 99);
  for (std::size_t i = 0; i < n; ++i) {
    uniform[i] = {unit(rng), unit(rng)};
    grid[i] = {static_cast<double>(level(rng)), static_cast<double>(level(rng))};
    const double t = unit(rng);
    diagonal[i] = {t, 1.0 - t};
    gaussian[i] = {normal(rng), normal(rng)};
  }
  for (std::size_t i = 0; i < n; i += 97) uniform[i].y = k_nan;  // NaN survives the prefilter path
  for (const auto* pts : {&uniform, &grid, &diagonal, &gaussian}) {
    std::vector<double> xs, ys;
    split(*pts, xs, ys);
    REQUIRE(inferlens::frontier_2d(xs, ys) == dashboard_upper_left(*pts));
    idx lower_right = dashboard_lower_right(*pts);
    std::reverse(lower_right.begin(), lower_right.end());
    REQUIRE(inferlens::frontier_2d(xs, ys, sense::maximize, sense::minimize) == lower_right);
  }
}

TEST_CASE("frontier_2d on large inputs with negatives, signed zeros, infinities and many survivors") {
  // 40 % of the points lie on the anti-diagonal y = -x (integers, with duplicates, 0 as +0.0 or
  // -0.0), the rest just below it: the sample prefilter runs but leaves thousands of points, so
  // the radix sort sees negative keys, both zeros and infinities.
  std::mt19937_64 rng(8);
  std::uniform_int_distribution<int> coord(-3000, 3000), below(1, 100), pick(0, 999);
  std::vector<point> pts(30000);
  for (std::size_t i = 0; i < pts.size(); ++i) {
    const double k = coord(rng);
    const double zero = pick(rng) < 500 ? 0.0 : -0.0;
    if (i % 5 < 2)
      pts[i] = {k == 0 ? zero : k, k == 0 ? -zero : -k};
    else
      pts[i] = {k == 0 ? zero : k, -k - below(rng)};
    const int special = pick(rng);
    // Infinities placed so that they dominate little: they would otherwise empty the frontier.
    if (special == 0) pts[i] = {k_inf, -k_inf};
    if (special == 1) pts[i] = {-k_inf, k_inf};
    if (special == 2) pts[i].x = k_nan;
    if (special == 3) pts[i].x = -k_inf;
    if (special == 4) pts[i].y = -k_inf;
  }
  std::vector<double> xs, ys;
  split(pts, xs, ys);
  const idx front = inferlens::frontier_2d(xs, ys);
  CHECK(front.size() > 4096);
  REQUIRE(front == dashboard_upper_left(pts));
  idx lower_right = dashboard_lower_right(pts);
  std::reverse(lower_right.begin(), lower_right.end());
  REQUIRE(inferlens::frontier_2d(xs, ys, sense::maximize, sense::minimize) == lower_right);
  REQUIRE(inferlens::frontier_2d(xs, ys, sense::minimize, sense::minimize) == dashboard_lower_left(pts));
}

TEST_CASE("frontier_nd agrees with brute force for d = 1..4 and with frontier_2d for d = 2") {
  std::mt19937_64 rng(31337);
  std::uniform_int_distribution<int> level(0, 4);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int trial = 0; trial < 800; ++trial) {
    const std::size_t d = 1 + static_cast<std::size_t>(trial % 4);
    const std::size_t n = static_cast<std::size_t>(trial % 45);
    const bool ties = trial % 3 != 0;
    std::vector<std::vector<double>> rows(n, std::vector<double>(d));
    for (auto& r : rows)
      for (auto& v : r) v = unit(rng) < 0.03 ? k_nan : ties ? level(rng) : unit(rng);
    std::vector<sense> senses(d);
    for (auto& s : senses) s = unit(rng) < 0.5 ? sense::maximize : sense::minimize;
    const auto values = flatten(rows);
    const idx expected = brute_frontier(rows, senses);
    REQUIRE(inferlens::frontier_nd(values, d, senses) == expected);
    REQUIRE(inferlens::detail::frontier_nd_general(values, d, senses) == expected);
    if (d == 2) {
      std::vector<double> xs, ys;
      for (const auto& r : rows) {
        xs.push_back(r[0]);
        ys.push_back(r[1]);
      }
      idx two = inferlens::frontier_2d(xs, ys, senses[0], senses[1]);
      std::sort(two.begin(), two.end());
      REQUIRE(two == expected);
    }
  }
}

TEST_CASE("frontier_nd and nondominated_ranks reject malformed shapes") {
  const std::vector<double> v{1, 2, 3, 4, 5};
  const std::vector<sense> two{sense::maximize, sense::maximize};
  const std::vector<sense> three{sense::maximize, sense::maximize, sense::minimize};
  CHECK_THROWS_WITH_AS(inferlens::frontier_nd(v, 2, two), doctest::Contains("5 values"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(inferlens::frontier_nd(v, 2, three), doctest::Contains("3 senses given for 2"),
                       std::invalid_argument);
  CHECK_THROWS_AS(inferlens::frontier_nd(v, 0, std::vector<sense>{}), std::invalid_argument);
  CHECK_THROWS_AS(inferlens::nondominated_ranks(v, 2, two), std::invalid_argument);
  CHECK(inferlens::frontier_nd(std::vector<double>{}, 3, three).empty());
  CHECK(inferlens::nondominated_ranks(std::vector<double>{}, 3, three).empty());
}

TEST_CASE("nondominated ranks: a hand-made example") {
  // (x, y) maximize both:
  //   0:(3,3) 1:(1,1) 2:(2,2) 3:(3,3) 4:(0,4) 5:(2,1) 6:(k_nan,1)
  // Layer 1: (3,3)#0 and (0,4). Layer 2: the duplicate (3,3)#3. Layer 3: (2,2). Layer 4: (2,1)
  // ((2,2) beats it). Layer 5: (1,1). NaN: 0.
  const std::vector<double> x{3, 1, 2, 3, 0, 2, k_nan};
  const std::vector<double> y{3, 1, 2, 3, 4, 1, 1};
  CHECK(inferlens::nondominated_ranks_2d(x, y) == idx{1, 5, 3, 2, 1, 4, 0});
  CHECK_THROWS_AS(inferlens::nondominated_ranks_2d(x, std::vector<double>{1.0}), std::invalid_argument);
}

TEST_CASE("nondominated ranks agree with brute-force peeling, 2-d and N-d") {
  std::mt19937_64 rng(77);
  std::uniform_int_distribution<int> level(0, 5);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int trial = 0; trial < 600; ++trial) {
    const std::size_t d = 1 + static_cast<std::size_t>(trial % 4);
    const std::size_t n = static_cast<std::size_t>(trial % 35);
    std::vector<std::vector<double>> rows(n, std::vector<double>(d));
    for (auto& r : rows)
      for (auto& v : r) v = unit(rng) < 0.03 ? k_nan : trial % 2 ? level(rng) : unit(rng);
    std::vector<sense> senses(d);
    for (auto& s : senses) s = unit(rng) < 0.5 ? sense::maximize : sense::minimize;
    const auto values = flatten(rows);
    const idx expected = brute_ranks(rows, senses);
    REQUIRE(inferlens::nondominated_ranks(values, d, senses) == expected);
    REQUIRE(inferlens::detail::ranks_nd_general(values, d, senses) == expected);
    if (d == 2) {
      std::vector<double> xs, ys;
      for (const auto& r : rows) {
        xs.push_back(r[0]);
        ys.push_back(r[1]);
      }
      REQUIRE(inferlens::nondominated_ranks_2d(xs, ys, senses[0], senses[1]) == expected);
    }
    // Rank 1 is exactly the frontier.
    idx rank_one;
    for (std::size_t i = 0; i < n; ++i)
      if (expected[i] == 1) rank_one.push_back(i);
    REQUIRE(inferlens::frontier_nd(values, d, senses) == rank_one);
  }
}

namespace {
struct run_row {
  std::string system;
  double interactivity;
  std::optional<double> throughput;
  double cost;
};
}  // namespace

TEST_CASE("pareto_frontier over rows: member pointers, lambdas, optional values") {
  const std::vector<run_row> rows{
      {"a", 50.0, 1000.0, 3.0},        // 0
      {"a", 100.0, 700.0, 2.0},        // 1
      {"b", 100.0, std::nullopt, 1.0},  // 2: no throughput, skipped
      {"b", 120.0, 900.0, 5.0},        // 3
      {"a", 80.0, 600.0, 1.5},         // 4: dominated by 1 on (intvty, tput)
      {"b", 200.0, 100.0, 9.0},        // 5
  };
  const idx front = inferlens::pareto_frontier(rows, &run_row::interactivity, &run_row::throughput);
  CHECK(front == idx{0, 3, 5});
  const idx by_lambda = inferlens::pareto_frontier(
      rows, [](const run_row& r) { return r.interactivity; }, [](const run_row& r) { return r.throughput; });
  CHECK(by_lambda == front);

  // Three objectives: throughput up, interactivity up, cost down. Input order out.
  // 4 (cost 1.5) is no longer dominated by 1 (cost 2.0); 2 has no throughput.
  const idx three = inferlens::pareto_frontier(rows, inferlens::maximize(&run_row::interactivity),
                                               inferlens::maximize(&run_row::throughput),
                                               inferlens::minimize(&run_row::cost));
  CHECK(three == idx{0, 1, 3, 4, 5});
  const idx ranks = inferlens::nondominated_ranks(rows, inferlens::maximize(&run_row::interactivity),
                                                  inferlens::maximize(&run_row::throughput),
                                                  inferlens::minimize(&run_row::cost));
  CHECK(ranks == idx{1, 1, 0, 1, 1, 1});
  const idx ranks2 = inferlens::nondominated_ranks(rows, &run_row::interactivity, &run_row::throughput);
  // Layer 1 = {0, 3, 5}; then 1 (100, 700) beats 4 (80, 600).
  CHECK(ranks2 == idx{1, 2, 0, 1, 3, 1});

  // One frontier per system: the rows of each system through the same front end.
  for (auto [system, want] : {std::pair{std::string("a"), idx{0, 1}}, std::pair{std::string("b"), idx{3, 5}}}) {
    std::vector<run_row> of;
    idx at;
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (rows[i].system == system) of.push_back(rows[i]), at.push_back(i);
    idx got;
    for (std::size_t i : inferlens::pareto_frontier(of, &run_row::interactivity, &run_row::throughput)) got.push_back(at[i]);
    CHECK(got == want);
  }
}

namespace {
// The dominators-first order and layer sweep written out with std::sort, as a reference for
// nondominated_ranks_2d on inputs too large for brute-force peeling.
idx reference_ranks(const std::vector<double>& xs, const std::vector<double>& ys) {
  idx order;
  for (std::size_t i = 0; i < xs.size(); ++i)
    if (!std::isnan(xs[i]) && !std::isnan(ys[i])) order.push_back(i);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (xs[a] != xs[b]) return xs[a] > xs[b];
    if (ys[a] != ys[b]) return ys[a] > ys[b];
    return a < b;
  });
  std::vector<double> top;
  idx rank(xs.size(), 0);
  for (std::size_t i : order) {
    std::size_t k = 0;
    while (k < top.size() && top[k] >= ys[i]) ++k;  // layers are few in these tests
    if (k == top.size()) top.push_back(ys[i]);
    else top[k] = ys[i];
    rank[i] = k + 1;
  }
  return rank;
}

// Shapes that take the kernels' large-input paths: nearly everything on the frontier (no
// prefilter, radix sort with its most-significant-digit pass), duplicates and ties, x values
// that differ only in their last bits, a tight cluster beside far outliers, signed zeros.
std::vector<point> large_shape(std::mt19937_64& rng, std::size_t n, int kind) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> level(-2000, 2000);
  std::vector<point> pts(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = unit(rng);
    switch (kind) {
      case 0: pts[i] = {t, -t}; break;                                            // anti-diagonal
      case 1: { const double k = level(rng); pts[i] = {k, -k - (unit(rng) < 0.3 ? 1 : 0)}; break; }  // ties
      case 2: { const double x = std::nextafter(1.0, 2.0) + static_cast<double>(i % 1500) * 2.220446049250313e-16;
                pts[i] = {x, -x + (unit(rng) < 0.5 ? 0.0 : 1e-3)}; break; }      // last bits only
      case 3: pts[i] = i % 1000 == 0 ? point{1e300 * (t - 0.5), -1e300 * (t - 0.5)} : point{1 + t * 1e-9, -t}; break;
      case 4: { const double k = level(rng) / 100.0; const double x = k == 0 ? (unit(rng) < 0.5 ? 0.0 : -0.0) : k;
                pts[i] = {x, -x}; if (i % 211 == 0) pts[i].y = k_nan; break; }    // signed zeros, NaN
      case 5: pts[i] = {unit(rng), unit(rng)}; break;                              // uniform
      default: pts[i] = {0.5, std::floor(unit(rng) * 10)}; break;                   // one x for all
    }
  }
  return pts;
}
}  // namespace

TEST_CASE("frontier_2d on large inputs through the radix sort's every path equals the dashboard algorithm") {
  std::mt19937_64 rng(424242);
  // LSD radix sort alone (with and without the prefilter), then the most-significant-digit pass.
  const std::size_t msd = inferlens::detail::msd_min_points + 1000;
  for (const std::size_t n : {std::size_t{5000}, std::size_t{40000}, msd}) {
    for (int kind = 0; kind <= 6; ++kind) {
      // At the largest size the shapes that take the MSD pass's distinct paths: buckets that fit
      // in cache, keys that differ only in their last 11 bits (that pass alone sorts), one bucket
      // holding nearly everything, all keys equal.
      if (n == msd && kind != 0 && kind != 2 && kind != 3 && kind != 6) continue;
      CAPTURE(n);
      CAPTURE(kind);
      const auto pts = large_shape(rng, n, kind);
      std::vector<double> xs, ys;
      split(pts, xs, ys);
      REQUIRE(inferlens::frontier_2d(xs, ys) == dashboard_upper_left(pts));
      if (n == msd && kind != 0) continue;
      idx lower_right = dashboard_lower_right(pts);
      std::reverse(lower_right.begin(), lower_right.end());
      REQUIRE(inferlens::frontier_2d(xs, ys, sense::maximize, sense::minimize) == lower_right);
      REQUIRE(inferlens::frontier_2d(xs, ys, sense::minimize, sense::minimize) == dashboard_lower_left(pts));
    }
  }
}

TEST_CASE("frontier_nd (d = 2) and nondominated_ranks_2d on large inputs") {
  std::mt19937_64 rng(515);
  for (const std::size_t n : {std::size_t{6000}, inferlens::detail::msd_min_points + 1000}) {
    for (const int kind : {0, 1, 4, 5}) {
      if (n > 6000 && kind != 0) continue;
      CAPTURE(n);
      CAPTURE(kind);
      const auto pts = large_shape(rng, n, kind);
      std::vector<double> xs, ys, rows;
      split(pts, xs, ys);
      for (const auto& p : pts) {
        rows.push_back(p.x);
        rows.push_back(p.y);
      }
      const std::vector<sense> senses{sense::maximize, sense::maximize};
      idx by_index = dashboard_upper_left(pts);
      std::sort(by_index.begin(), by_index.end());
      REQUIRE(inferlens::frontier_nd(rows, 2, senses) == by_index);
      if (kind != 5) REQUIRE(inferlens::nondominated_ranks_2d(xs, ys) == reference_ranks(xs, ys));
    }
  }
}

TEST_CASE("the kernels' reused scratch memory: calls of different sizes and shapes, freed, other threads") {
  std::mt19937_64 rng(99991);
  struct input {
    std::vector<double> xs, ys;
    idx front, ranks;
  };
  std::vector<input> inputs;
  for (const std::size_t n : {inferlens::detail::msd_min_points + 1000, std::size_t{3}, std::size_t{30000},
                              std::size_t{0}, std::size_t{5000}, std::size_t{4100}, std::size_t{100000}}) {
    const auto pts = large_shape(rng, n, static_cast<int>(inputs.size() % 6));
    input in;
    split(pts, in.xs, in.ys);
    in.front = dashboard_upper_left(pts);
    in.ranks = n <= 50000 ? reference_ranks(in.xs, in.ys) : idx{};
    inputs.push_back(std::move(in));
  }
  // Larger, smaller and larger again, twice over: a smaller call after a larger one sees the
  // larger one's leftovers in the buffers.
  for (int round = 0; round < 2; ++round) {
    for (const auto& in : inputs) {
      REQUIRE(inferlens::frontier_2d(in.xs, in.ys) == in.front);
      if (!in.ranks.empty() || in.xs.empty()) REQUIRE(inferlens::nondominated_ranks_2d(in.xs, in.ys) == in.ranks);
    }
    inferlens::detail::release_frontier_workspace();
  }
  // Several threads at once, each through the inputs in its own order.
  std::vector<int> ok(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < ok.size(); ++t) {
    threads.emplace_back([&, t] {
      bool all = true;
      for (std::size_t k = 0; k < 2 * inputs.size(); ++k) {
        const auto& in = inputs[(k * (t + 1) + t) % inputs.size()];
        all = all && inferlens::frontier_2d(in.xs, in.ys) == in.front;
      }
      ok[t] = all ? 1 : 0;
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok == std::vector<int>(ok.size(), 1));
}

TEST_CASE("the radix sort of the 2-objective kernels: every path sorts and loses nothing") {
  using record = inferlens::detail::sort_record<std::uint32_t>;
  std::mt19937_64 rng(7070);
  std::vector<std::array<std::uint32_t, inferlens::detail::radix_buckets>> h(inferlens::detail::radix_digits);
  for (const std::size_t m : {std::size_t{5000}, inferlens::detail::msd_min_points + 5}) {
    for (int kind = 0; kind < 5; ++kind) {
      if (m > 5000 && kind == 2) continue;  // the other four are the MSD pass's edge cases
      CAPTURE(m);
      CAPTURE(kind);
      std::vector<record> a(m), b(m);
      for (std::size_t i = 0; i < m; ++i) {
        const std::uint64_t r = rng();
        const std::uint64_t key = kind == 0   ? 0x8000'0000'0000'1234  // all equal
                                  : kind == 1 ? 0x9000'0000'0000'0000 | (r & 0x1f)  // low 5 bits only
                                  : kind == 2 ? r  // all 64 bits
                                  : kind == 3 ? 0xbff0'0000'0000'0000 | (r & 0xfff'ffff)  // one bucket, then low bits
                                              : (r % 3 == 0 ? r : 0x4000'0000'0000'0000 + (r & 0xffff));  // skewed
        a[i] = record::make(key, static_cast<std::uint32_t>(i));
      }
      std::vector<std::pair<std::uint64_t, std::uint32_t>> expected;
      for (const auto& r : a) expected.emplace_back(r.key(), r.index);
      std::sort(expected.begin(), expected.end());
      const record* sorted = inferlens::detail::sort_by_key(a.data(), b.data(), m, h.data(), false);
      std::vector<std::pair<std::uint64_t, std::uint32_t>> got;
      for (std::size_t i = 0; i < m; ++i) got.emplace_back(sorted[i].key(), sorted[i].index);
      REQUIRE(std::is_sorted(got.begin(), got.end(), [](const auto& p, const auto& q) { return p.first < q.first; }));
      std::sort(got.begin(), got.end());
      REQUIRE(got == expected);
    }
  }
}
