// Interpolated curves: hand-computed Steffen values, shape properties, the reverse query,
// ratios and crossovers, and (when the shared data is present) the InferenceMAX golden values.
#include <doctest/doctest.h>

#include <inferlens/curves.hpp>
#include <inferlens/pareto.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using inferlens::curve;
using inferlens::interpolation;

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();
constexpr double k_inf = std::numeric_limits<double>::infinity();

double at(const curve& c, double x) {
  const auto v = c.y_at(x);
  REQUIRE(v.has_value());
  return *v;
}

// Frontier-shaped random data: x strictly increasing, y strictly decreasing and positive.
void random_frontier(std::mt19937_64& rng, std::size_t n, std::vector<double>& x, std::vector<double>& y) {
  std::uniform_real_distribution<double> gap(0.5, 60.0), drop(0.01, 5000.0);
  x.assign(n, 0.0);
  y.assign(n, 0.0);
  x[0] = gap(rng);
  y[n - 1] = drop(rng) / 10;
  for (std::size_t i = 1; i < n; ++i) x[i] = x[i - 1] + gap(rng);
  for (std::size_t i = n - 1; i > 0; --i) y[i - 1] = y[i] + drop(rng);
}

}  // namespace

TEST_CASE("steffen: hand-computed values on four points") {
  // x = 0, 1, 2, 4; y = 10, 6, 5, 1.
  // h = 1, 1, 2;  s = -4, -1, -2.
  // m1: p = (s0 h1 + s1 h0) / (h0 + h1) = (-4 - 1) / 2 = -2.5;
  //     m1 = (sign(-4) + sign(-1)) * min(4, 1, 1.25) = -2 * 1 = -2.
  // m2: p = (s1 h2 + s2 h1) / (h1 + h2) = (-2 - 2) / 3 = -4/3;
  //     m2 = -2 * min(1, 2, 2/3) = -4/3            (here the 0.5|p| term is the smallest).
  // m0 = (3 s0 - m1) / 2 = (-12 + 2) / 2 = -5;  m3 = (3 s2 - m2) / 2 = (-6 + 4/3) / 2 = -7/3.
  // Hermite basis at t = 0.5: h00 = 0.5, h10 = 0.125, h01 = 0.5, h11 = -0.125;
  //                at t = 0.25: h00 = 0.84375, h10 = 0.140625, h01 = 0.15625, h11 = -0.046875.
  // y(0.5)  = 0.5*10 + 0.125*1*(-5) + 0.5*6 - 0.125*1*(-2)            = 7.625
  // y(1.5)  = 0.5*6 + 0.125*(-2) + 0.5*5 - 0.125*(-4/3)               = 5.25 + 1/6
  // y(1.25) = 0.84375*6 + 0.140625*(-2) + 0.15625*5 - 0.046875*(-4/3) = 5.625
  // y(3)    = 0.5*5 + 0.125*2*(-4/3) + 0.5*1 - 0.125*2*(-7/3)         = 3.25
  const curve c({0, 1, 2, 4}, {10, 6, 5, 1});
  CHECK(c.kind() == interpolation::steffen);
  CHECK(at(c, 0.5) == doctest::Approx(7.625).epsilon(1e-14));
  CHECK(at(c, 1.5) == doctest::Approx(5.25 + 1.0 / 6.0).epsilon(1e-14));
  CHECK(at(c, 1.25) == doctest::Approx(5.625).epsilon(1e-14));
  CHECK(at(c, 3.0) == doctest::Approx(3.25).epsilon(1e-14));
  // Knots are hit exactly.
  CHECK(at(c, 0.0) == 10.0);
  CHECK(at(c, 1.0) == 6.0);
  CHECK(at(c, 2.0) == 5.0);
  CHECK(at(c, 4.0) == 1.0);
}

TEST_CASE("steffen: a peak gets a flat tangent, a flat stretch stays flat") {
  // (0,0) (1,1) (2,0): s = 1, -1, so m1 = (1 - 1) * ... = 0; m0 = 3/2, m2 = -3/2.
  // y(0.5) = 0.125*1.5 + 0.5*1 = 0.6875; symmetric on the right.
  const curve peak({0, 1, 2}, {0, 1, 0});
  CHECK(at(peak, 0.5) == doctest::Approx(0.6875).epsilon(1e-14));
  CHECK(at(peak, 1.5) == doctest::Approx(0.6875).epsilon(1e-14));
  // (0,1) (1,1) (2,3): s = 0, 2, m1 = 2 * min(0, 2, 0.5) = 0, m0 = 0, m2 = (6 - 0)/2 = 3.
  // y(0.5) = 1; y(1.5) = 0.5*1 + 0.5*3 - 0.125*1*3 = 1.625.
  const curve flat({0, 1, 2}, {1, 1, 3});
  CHECK(at(flat, 0.5) == doctest::Approx(1.0).epsilon(1e-14));
  CHECK(at(flat, 0.25) == doctest::Approx(1.0).epsilon(1e-14));
  CHECK(at(flat, 1.5) == doctest::Approx(1.625).epsilon(1e-14));
}

TEST_CASE("two points make a straight line; linear mode joins knots with lines") {
  const curve two({0, 2}, {1, 5});
  CHECK(at(two, 0.5) == doctest::Approx(2.0).epsilon(1e-15));
  CHECK(at(two, 1.5) == doctest::Approx(4.0).epsilon(1e-15));
  const curve lin({0, 1, 2, 4}, {10, 6, 5, 1}, interpolation::linear);
  CHECK(lin.kind() == interpolation::linear);
  CHECK(at(lin, 0.5) == doctest::Approx(8.0).epsilon(1e-15));
  CHECK(at(lin, 1.25) == doctest::Approx(5.75).epsilon(1e-15));
  CHECK(at(lin, 3.0) == doctest::Approx(3.0).epsilon(1e-15));
  CHECK(at(lin, 4.0) == 1.0);
  // Collinear knots: Steffen reproduces the line (every tangent equals the common slope).
  const curve straight({0, 1, 3, 7}, {1, 3, 7, 15});
  for (double x : {0.1, 0.5, 2.0, 2.9, 5.5, 6.99}) CHECK(at(straight, x) == doctest::Approx(1 + 2 * x).epsilon(1e-13));
}

TEST_CASE("no extrapolation, clamping at zero, NaN and the one-point rule") {
  const curve c({0, 1, 2, 4}, {10, 6, 5, 1});
  CHECK_FALSE(c.y_at(-1e-9).has_value());
  CHECK_FALSE(c.y_at(4.000001).has_value());
  CHECK_FALSE(c.y_at(k_nan).has_value());
  CHECK_FALSE(c.y_at(k_inf).has_value());
  CHECK(c.x_min() == 0.0);
  CHECK(c.x_max() == 4.0);

  // Data below zero: the curve reads 0 there.
  const curve neg({0, 1, 2}, {2, -2, -4}, interpolation::linear);
  CHECK(at(neg, 0.25) == doctest::Approx(1.0));
  CHECK(at(neg, 0.75) == 0.0);
  CHECK(at(neg, 1.5) == 0.0);
  const curve neg_steffen({0, 1, 2}, {2, -2, -4});
  CHECK(at(neg_steffen, 1.5) == 0.0);

  // One point: an answer only within 1e-6 of its x.
  const curve one({5.0}, {7.0});
  CHECK(at(one, 5.0) == 7.0);
  CHECK(at(one, 5.0 + 9e-7) == 7.0);
  CHECK(at(one, 5.0 - 9e-7) == 7.0);
  CHECK_FALSE(one.y_at(5.0 + 2e-6).has_value());
  CHECK(one.x_at(7.0) == 5.0);
  CHECK_FALSE(one.x_at(8.0).has_value());

  const curve empty;
  CHECK(empty.empty());
  CHECK(empty.size() == 0);
  CHECK_FALSE(empty.y_at(0.0).has_value());
  CHECK_FALSE(empty.x_at(0.0).has_value());
  CHECK_FALSE(empty.x_min().has_value());
  CHECK_FALSE(empty.x_max().has_value());
  CHECK(empty.xs().empty());
}

TEST_CASE("curve rejects bad knots and names the index") {
  CHECK_THROWS_WITH_AS(curve({0, 1, 2}, {1, 2}), doctest::Contains("x has 3 values but y has 2"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(curve({0, 1, 1}, {1, 2, 3}), doctest::Contains("x[2]"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(curve({0, 2, 1}, {1, 2, 3}), doctest::Contains("strictly increasing"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(curve({0, 1, 2}, {1, k_nan, 3}), doctest::Contains("y[1]"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(curve({0, k_inf}, {1, 2}), doctest::Contains("x[1] is not finite"), std::invalid_argument);
}

TEST_CASE("steffen never overshoots: monotone data gives a monotone curve inside each segment's knot values") {
  std::mt19937_64 rng(4242);
  std::uniform_real_distribution<double> gap(0.01, 10.0), step(0.0, 100.0), unit(0.0, 1.0);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t n = 3 + static_cast<std::size_t>(trial % 12);
    std::vector<double> x(n), y(n);
    const bool falling = trial % 2 == 1;
    x[0] = gap(rng);
    y[0] = 1000.0;
    for (std::size_t i = 1; i < n; ++i) {
      x[i] = x[i - 1] + gap(rng);
      const double dy = unit(rng) < 0.15 ? 0.0 : step(rng);  // some flat stretches
      y[i] = y[i - 1] + (falling ? -dy : dy);
    }
    const curve c(x, y);
    bool inside = true, monotone = true;
    for (std::size_t k = 0; k + 1 < n; ++k) {
      const double lo = std::min(y[k], y[k + 1]), hi = std::max(y[k], y[k + 1]);
      const double slack = 1e-12 * std::max(std::abs(lo), std::abs(hi));
      double prev = y[k];
      for (int j = 1; j <= 50; ++j) {
        const double xq = j == 50 ? x[k + 1] : x[k] + (x[k + 1] - x[k]) * j / 50.0;
        const double v = c.y_at(xq).value_or(k_nan);
        inside = inside && v >= lo - slack && v <= hi + slack;
        monotone = monotone && (falling ? v <= prev + slack : v >= prev - slack);
        prev = v;
      }
    }
    INFO("trial " << trial);
    REQUIRE(inside);
    REQUIRE(monotone);
  }
}

TEST_CASE("x_at inverts y_at on frontier-shaped data to 1e-12") {
  std::mt19937_64 rng(808);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<double> x, y;
    random_frontier(rng, 2 + static_cast<std::size_t>(trial % 15), x, y);
    for (const auto kind : {interpolation::steffen, interpolation::linear}) {
      const curve c(x, y, kind);
      for (int q = 0; q < 50; ++q) {
        const double xq = x.front() + (x.back() - x.front()) * unit(rng);
        const double yq = at(c, xq);
        const auto back = c.x_at(yq);
        REQUIRE(back.has_value());
        REQUIRE(std::abs(*back - xq) <= 1e-12 * std::abs(xq));
      }
      // Knots come back exactly; outside the y range there is no answer.
      for (std::size_t i = 0; i < x.size(); ++i) REQUIRE(c.x_at(y[i]) == x[i]);
      CHECK_FALSE(c.x_at(y.front() * 1.0001).has_value());
      CHECK_FALSE(c.x_at(y.back() * 0.9999).has_value());
      CHECK_FALSE(c.x_at(k_nan).has_value());
    }
  }
}

TEST_CASE("x_at on a rising curve and on a curve that is not monotone") {
  const curve rising({0, 1, 2, 4}, {1, 5, 6, 10});
  const double y = at(rising, 3.0);
  REQUIRE(rising.x_at(y).has_value());
  CHECK(*rising.x_at(y) == doctest::Approx(3.0).epsilon(1e-14));
  // Peak (0,0) (1,1) (2,0): y = 0.6875 at x = 0.5 and 1.5; the smallest x is returned.
  const curve peak({0, 1, 2}, {0, 1, 0});
  REQUIRE(peak.x_at(0.6875).has_value());
  CHECK(*peak.x_at(0.6875) == doctest::Approx(0.5).epsilon(1e-14));
  CHECK_FALSE(peak.x_at(1.5).has_value());
  CHECK_FALSE(peak.x_at(-0.1).has_value());
}

TEST_CASE("ratio of two curves over their common range") {
  // a = 10 + x on [0, 10] (linear); b = x on [5, 20] (collinear knots, so Steffen is the line).
  const curve a({0, 10}, {10, 20}, interpolation::linear);
  const curve b({5, 7.5, 12, 20}, {5, 7.5, 12, 20});
  const auto r = inferlens::ratio(a, b, 6);
  // Samples 5, 6, 7, 8, 9, 10 plus b's knot 7.5 inside the range.
  const std::vector<double> expected_x{5, 6, 7, 7.5, 8, 9, 10};
  REQUIRE(r.size() == expected_x.size());
  for (std::size_t i = 0; i < r.size(); ++i) {
    CHECK(r[i].x == doctest::Approx(expected_x[i]).epsilon(1e-15));
    CHECK(r[i].a == doctest::Approx(10 + expected_x[i]).epsilon(1e-13));
    CHECK(r[i].b == doctest::Approx(expected_x[i]).epsilon(1e-13));
    CHECK(r[i].ratio == r[i].a / r[i].b);
  }
  CHECK(r.front().x == 5.0);
  CHECK(r.back().x == 10.0);
  // Default sampling: 64 samples and the one interior knot.
  CHECK(inferlens::ratio(a, b).size() == 65);
  // No overlap, or an empty curve: nothing.
  CHECK(inferlens::ratio(a, curve({11, 12}, {1, 2})).empty());
  CHECK(inferlens::ratio(a, curve()).empty());
  // Touching ranges: the single common x.
  const auto touch = inferlens::ratio(a, curve({10, 12}, {4, 2}));
  REQUIRE(touch.size() == 1);
  CHECK(touch[0].x == 10.0);
  CHECK(touch[0].ratio == doctest::Approx(20.0 / 4.0));
}

TEST_CASE("crossovers of two straight lines: the analytic crossing") {
  // a = x, b = 8 - 0.6 x: equal at 1.6 x = 8, x = 5, y = 5.
  for (const auto kind : {interpolation::linear, interpolation::steffen}) {
    const curve a({0, 10}, {0, 10}, kind);
    const curve b({0, 10}, {8, 2}, kind);
    const auto c = inferlens::crossovers(a, b);
    REQUIRE(c.size() == 1);
    CHECK(c[0].x == doctest::Approx(5.0).epsilon(1e-13));
    CHECK(c[0].y == doctest::Approx(5.0).epsilon(1e-13));
  }
  // Steffen through collinear knots on different grids: a = 1 + 2x, b = 10 - x, cross at x = 3, y = 7.
  const curve a({0, 1, 2.5, 4, 6}, {1, 3, 6, 9, 13});
  const curve b({-1, 0.5, 3.7, 8}, {11, 9.5, 6.3, 2});
  const auto c = inferlens::crossovers(a, b);
  REQUIRE(c.size() == 1);
  CHECK(c[0].x == doctest::Approx(3.0).epsilon(1e-12));
  CHECK(c[0].y == doctest::Approx(7.0).epsilon(1e-12));
}

TEST_CASE("crossovers: three crossings inside one segment, a crossing at a knot, touching, identical") {
  // b through (-1,2) (0,1) (1,2) (2,1): tangents at x = 0 and x = 1 are 0 (slope sign changes),
  // so on [0,1] b = 1 + 3t² - 2t³. a = 0.95 + 1.1 x. a - b = 2t³ - 3t² + 1.1t - 0.05
  // = (t - 0.5)(2t² - 2t + 0.1): roots 0.5 and 0.5 ± sqrt(0.2). On [1,2] b <= 2 < a.
  const curve b({-1, 0, 1, 2}, {2, 1, 2, 1});
  const curve a({0, 2}, {0.95, 3.15}, interpolation::linear);
  const auto c = inferlens::crossovers(a, b);
  REQUIRE(c.size() == 3);
  const double roots[] = {0.5 - std::sqrt(0.2), 0.5, 0.5 + std::sqrt(0.2)};
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(c[i].x == doctest::Approx(roots[i]).epsilon(1e-12));
    CHECK(c[i].y == doctest::Approx(0.95 + 1.1 * roots[i]).epsilon(1e-12));
  }

  // Crossing exactly at a knot of b: a = x, b = 2 - x with a knot at 1.
  const auto k = inferlens::crossovers(curve({0, 2}, {0, 2}), curve({0, 1, 2}, {2, 1, 0}));
  REQUIRE(k.size() == 1);
  CHECK(k[0].x == doctest::Approx(1.0).epsilon(1e-15));
  CHECK(k[0].y == doctest::Approx(1.0).epsilon(1e-15));

  // Touching without crossing: the peak (0,0) (1,1) (2,0) under the line y = 1.
  CHECK(inferlens::crossovers(curve({0, 2}, {1, 1}), curve({0, 1, 2}, {0, 1, 0})).empty());
  // Identical curves, disjoint ranges, one-point curves: none.
  CHECK(inferlens::crossovers(b, b).empty());
  CHECK(inferlens::crossovers(a, curve({3, 4}, {0, 9})).empty());
  CHECK(inferlens::crossovers(a, curve({1.0}, {2.0})).empty());
}

TEST_CASE("crossovers on random frontier pairs: every sign change of a dense sampling is found") {
  std::mt19937_64 rng(1001);
  for (int trial = 0; trial < 150; ++trial) {
    std::vector<double> xa, ya, xb, yb;
    random_frontier(rng, 3 + static_cast<std::size_t>(trial % 9), xa, ya);
    random_frontier(rng, 3 + static_cast<std::size_t>((trial / 3) % 9), xb, yb);
    const curve a(xa, ya), b(xb, yb);
    const auto found = inferlens::crossovers(a, b);
    const double lo = std::max(xa.front(), xb.front()), hi = std::min(xa.back(), xb.back());
    for (const auto& c : found) {
      REQUIRE(c.x >= lo);
      REQUIRE(c.x <= hi);
      const double scale = std::max(at(a, c.x), 1.0);
      REQUIRE(std::abs(at(a, c.x) - at(b, c.x)) <= 1e-9 * scale);
    }
    for (std::size_t i = 1; i < found.size(); ++i) REQUIRE(found[i].x > found[i - 1].x);
    if (!(lo < hi)) {
      REQUIRE(found.empty());
      continue;
    }
    // Sign changes on a dense grid are a lower bound (two crossings between samples cancel).
    std::size_t sampled = 0;
    int last = 0;
    for (int j = 0; j <= 4000; ++j) {
      const double x = j == 4000 ? hi : lo + (hi - lo) * j / 4000.0;
      const double d = a.y_at(x).value_or(k_nan) - b.y_at(x).value_or(k_nan);
      const int s = d > 0 ? 1 : d < 0 ? -1 : 0;
      if (s != 0 && last != 0 && s != last) ++sampled;
      if (s != 0) last = s;
    }
    REQUIRE(found.size() >= sampled);
  }
}

TEST_CASE("frontier_curve builds the curve through the maximize-both frontier") {
  // (1,10) (2,8) (2,9) (3,9) (4,1): frontier (1,10) (3,9) (4,1).
  const std::vector<double> x{1, 2, 2, 3, 4, k_nan};
  const std::vector<double> y{10, 8, 9, 9, 1, 100};
  const curve c = inferlens::frontier_curve(x, y, interpolation::linear);
  REQUIRE(c.size() == 3);
  CHECK(c.xs()[1] == 3.0);
  CHECK(c.ys()[1] == 9.0);
  CHECK(at(c, 2.0) == doctest::Approx(9.5));
  struct row {
    double intvty;
    std::optional<double> tput;
  };
  const std::vector<row> rows{{1, 10}, {2, 8}, {2, 9}, {3, 9}, {4, 1}, {5, std::nullopt}};
  const curve r = inferlens::frontier_curve(rows, &row::intvty, &row::tput);
  CHECK(r.size() == 3);
  CHECK(r.kind() == interpolation::steffen);
}

// ---------------------------------------------------------------------------------------------
// InferenceMAX golden values (reference §6.2); skipped when the shared data is absent.
// ---------------------------------------------------------------------------------------------
#ifdef INFERLENS_SHARED_DATA_DIR
namespace {

struct im_point {
  double intvty, tput;
  long long tp = 0, conc = 0;
};

std::string base_gpu(const std::string& hw) { return hw.substr(0, hw.find_first_of("-_")); }

// One dashboard group: (model prefix, isl, osl) then (base gpu, framework, spec decoding, precision).
std::vector<im_point> load_group(const std::filesystem::path& file, const std::string& prefix, int isl, int osl,
                                 const std::string& gpu, const std::string& framework, const std::string& spec,
                                 const std::string& precision) {
  std::ifstream in(file);
  const auto rows = nlohmann::json::parse(in);
  std::vector<im_point> out;
  for (const auto& r : rows) {
    if (r.at("infmax_model_prefix") != prefix || r.at("isl") != isl || r.at("osl") != osl) continue;
    if (base_gpu(r.at("hw").get<std::string>()) != gpu || r.at("framework") != framework ||
        r.at("spec_decoding") != spec || r.at("precision") != precision)
      continue;
    im_point p{r.at("median_intvty").get<double>(), r.at("tput_per_gpu").get<double>()};
    if (r.contains("tp")) p.tp = r.at("tp").get<long long>();
    p.conc = r.at("conc").get<long long>();
    out.push_back(p);
  }
  return out;
}

std::vector<im_point> frontier_of(const std::vector<im_point>& pts) {
  std::vector<double> x, y;
  for (const auto& p : pts) {
    x.push_back(p.intvty);
    y.push_back(p.tput);
  }
  std::vector<im_point> out;
  for (std::size_t i : inferlens::frontier_2d(x, y)) out.push_back(pts[i]);
  return out;
}

curve curve_of(const std::vector<im_point>& front) {
  std::vector<double> x, y;
  for (const auto& p : front) {
    x.push_back(p.intvty);
    y.push_back(p.tput);
  }
  return curve(x, y);
}

// Printed to one decimal: equal when rounding agrees, i.e. within half a unit of the last digit.
bool same_to(double value, double printed, double unit) { return std::abs(value - printed) <= unit / 2; }

}  // namespace

TEST_CASE("InferenceMAX golden frontiers and Steffen values (shared data, optional)") {
  const std::filesystem::path dir = std::filesystem::path(INFERLENS_SHARED_DATA_DIR) / "inferencemax" / "agg_bmk";
  const auto gptoss = dir / "run_20667906037_agg_bmk.json";
  if (!std::filesystem::exists(gptoss)) {
    MESSAGE("shared InferenceMAX data not found; skipping");
    return;
  }

  const auto b200 = load_group(gptoss, "gptoss", 1024, 1024, "b200", "vllm", "none", "fp4");
  const auto h100 = load_group(gptoss, "gptoss", 1024, 1024, "h100", "vllm", "none", "fp4");
  const auto h200 = load_group(gptoss, "gptoss", 1024, 1024, "h200", "vllm", "none", "fp4");
  CHECK(b200.size() == 19);
  CHECK(h100.size() == 15);
  CHECK(h200.size() == 16);

  // b200_vllm: 19 -> 9, (intvty, tok/s/GPU, TP, conc) as listed in the reference.
  const im_point golden_b200[] = {{69.30, 17364.1, 1, 128}, {106.46, 13251.3, 2, 128}, {141.25, 8770.2, 2, 64},
                                  {186.64, 5763.0, 4, 64},  {220.33, 3413.1, 4, 32},   {261.73, 2050.4, 4, 16},
                                  {303.70, 1172.5, 4, 8},   {334.27, 646.0, 4, 4},     {345.92, 333.8, 8, 4}};
  const auto fb = frontier_of(b200);
  REQUIRE(fb.size() == 9);
  for (std::size_t i = 0; i < 9; ++i) {
    CHECK(same_to(fb[i].intvty, golden_b200[i].intvty, 0.01));
    CHECK(same_to(fb[i].tput, golden_b200[i].tput, 0.1));
    CHECK(fb[i].tp == golden_b200[i].tp);
    CHECK(fb[i].conc == golden_b200[i].conc);
  }
  const im_point golden_h100[] = {{65.52, 4112.8, 2, 64},  {99.98, 3117.4, 4, 64}, {134.83, 2094.4, 8, 64},
                                  {168.83, 1318.3, 4, 16}, {205.65, 803.6, 8, 16}, {243.87, 472.1, 8, 8},
                                  {269.37, 260.5, 8, 4}};
  const auto fh100 = frontier_of(h100);
  REQUIRE(fh100.size() == 7);
  for (std::size_t i = 0; i < 7; ++i) {
    CHECK(same_to(fh100[i].intvty, golden_h100[i].intvty, 0.01));
    CHECK(same_to(fh100[i].tput, golden_h100[i].tput, 0.1));
    CHECK(fh100[i].tp == golden_h100[i].tp);
    CHECK(fh100[i].conc == golden_h100[i].conc);
  }
  const im_point golden_h200[] = {{67.82, 4254.3, 2, 64},  {103.27, 3223.1, 4, 64}, {139.65, 2165.5, 8, 64},
                                  {174.05, 1366.9, 4, 16}, {174.47, 1352.4, 8, 32}, {217.83, 838.2, 4, 8},
                                  {249.17, 481.7, 8, 8},   {271.64, 262.5, 8, 4}};
  const auto fh200 = frontier_of(h200);
  REQUIRE(fh200.size() == 8);
  for (std::size_t i = 0; i < 8; ++i) {
    CHECK(same_to(fh200[i].intvty, golden_h200[i].intvty, 0.01));
    CHECK(same_to(fh200[i].tput, golden_h200[i].tput, 0.1));
    CHECK(fh200[i].tp == golden_h200[i].tp);
    CHECK(fh200[i].conc == golden_h200[i].conc);
  }

  // Steffen at 100 and 200 tok/s/user, 1k/1k.
  const curve cb = curve_of(fb), c100 = curve_of(fh100), c200 = curve_of(fh200);
  CHECK(same_to(at(cb, 100), 14011.6, 0.1));
  CHECK(same_to(at(c100, 100), 3117.0, 0.1));
  CHECK(same_to(at(c200, 100), 3318.3, 0.1));
  CHECK(same_to(at(cb, 200), 4785.3, 0.1));
  CHECK(same_to(at(c100, 200), 868.7, 0.1));
  CHECK(same_to(at(c200, 200), 996.8, 0.1));
  // The reverse query lands back on 100 tok/s/user.
  CHECK(cb.x_at(at(cb, 100)).value_or(0) == doctest::Approx(100).epsilon(1e-12));

  // 8k/1k at 100 tok/s/user.
  const auto at100 = [&](const std::string& gpu) {
    return at(curve_of(frontier_of(load_group(gptoss, "gptoss", 8192, 1024, gpu, "vllm", "none", "fp4"))), 100);
  };
  CHECK(same_to(at100("b200"), 28740.2, 0.1));
  CHECK(same_to(at100("h100"), 5785.5, 0.1));
  CHECK(same_to(at100("h200"), 6302.0, 0.1));

  // DeepSeek-R1 8k/1k, GB200 Dynamo-TRT MTP fp4, disaggregated multinode rows.
  const auto dsr1 = dir / "run_20321908209_agg_bmk.json";
  if (std::filesystem::exists(dsr1)) {
    const curve gb =
        curve_of(frontier_of(load_group(dsr1, "dsr1", 8192, 1024, "gb200", "dynamo-trt", "mtp", "fp4")));
    REQUIRE(gb.size() >= 2);
    CHECK(same_to(*gb.x_min(), 22.2, 0.1));
    CHECK(same_to(*gb.x_max(), 262.8, 0.1));
    CHECK(same_to(at(gb, 100), 5445.6, 0.1));
  }
}
#endif
