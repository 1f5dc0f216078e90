// numpy-exact descriptive statistics: hand-computed values, numpy's pairwise summation blocks,
// its median and 'linear' percentile, empty input and NaN.
#include <doctest/doctest.h>

#include <inferlens/stats.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace {
constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();
}

TEST_CASE("sum follows numpy's pairwise blocks, not a left-to-right loop") {
  // Adding 1 to 1e16 is a tie that rounds back to 1e16 (the spacing there is 2), so the order of
  // additions decides the result.
  // Fewer than 8 values: numpy adds left to right, and every +1 is lost.
  const std::vector<double> seven{1e16, 1, 1, 1, 1, 1, 1};
  CHECK(inferlens::sum(seven) == 1e16);
  // 9 values: eight accumulators r[0..7] = a[0..7], combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))
  // = (1e16 + 2) + 4, then the ninth value: 1e16 + 7 is a tie between 1e16+6 and 1e16+8 and
  // rounds to the even 1e16 + 8.
  const std::vector<double> nine{1e16, 1, 1, 1, 1, 1, 1, 1, 1};
  CHECK(inferlens::sum(nine) == 1e16 + 8);
  // 256 values (1e16 then 255 ones): split 128 + 128. Left block: r0 = 1e16 swallows its 15 ones,
  // r1..r7 = 16 each, so (1e16 + 16 + 32) + 64 = 1e16 + 112. Right block: 128. Total 1e16 + 240.
  std::vector<double> many(256, 1.0);
  many[0] = 1e16;
  CHECK(inferlens::sum(many) == 1e16 + 240);
  CHECK(inferlens::sum(std::vector<double>{}) == 0.0);
}

TEST_CASE("mean and population standard deviation") {
  CHECK(inferlens::mean(std::vector<double>{1, 2, 3, 4}) == 2.5);
  CHECK_FALSE(inferlens::mean(std::vector<double>{}).has_value());
  // Deviations from 5: -3 -1 -1 -1 0 0 2 4; squares sum to 32; 32 / 8 = 4; std = 2.
  CHECK(inferlens::pstdev(std::vector<double>{2, 4, 4, 4, 5, 5, 7, 9}) == 2.0);
  CHECK(inferlens::pstdev(std::vector<double>{3.5}) == 0.0);
  CHECK_FALSE(inferlens::pstdev(std::vector<double>{}).has_value());
  // Two passes (deviations from the mean), so a large offset does not cancel: sqrt(2/3).
  CHECK(*inferlens::pstdev(std::vector<double>{1e9 + 1, 1e9 + 2, 1e9 + 3}) ==
        doctest::Approx(std::sqrt(2.0 / 3.0)).epsilon(1e-12));
  CHECK(std::isnan(*inferlens::mean(std::vector<double>{1, k_nan})));
  CHECK(std::isnan(*inferlens::pstdev(std::vector<double>{1, k_nan})));
}

TEST_CASE("median: middle value, or the mean of the two middle values") {
  CHECK(inferlens::median(std::vector<double>{3, 1, 2}) == 2.0);
  CHECK(inferlens::median(std::vector<double>{4, 1, 3, 2}) == 2.5);
  CHECK(inferlens::median(std::vector<double>{7}) == 7.0);
  CHECK_FALSE(inferlens::median(std::vector<double>{}).has_value());
  CHECK(std::isnan(*inferlens::median(std::vector<double>{1, k_nan, 3})));
  CHECK(inferlens::median_sorted(std::vector<double>{1, 2, 10, 20}) == 6.0);
}

TEST_CASE("percentile: numpy's 'linear' method") {
  const std::vector<double> x{4, 1, 3, 2};  // unsorted on purpose
  // Virtual index (n - 1) * p / 100 = 3p/100, then interpolate between its neighbours.
  CHECK(inferlens::percentile(x, 0) == 1.0);
  CHECK(inferlens::percentile(x, 100) == 4.0);
  CHECK(inferlens::percentile(x, 50) == 2.5);                                      // 1.5 -> 2.5
  CHECK(*inferlens::percentile(x, 25) == doctest::Approx(1.75).epsilon(1e-15));   // 0.75 -> 1.75
  CHECK(*inferlens::percentile(x, 90) == doctest::Approx(3.7).epsilon(1e-15));    // 2.7 -> 3.7
  CHECK(*inferlens::percentile(x, 99) == doctest::Approx(3.97).epsilon(1e-15));   // 2.97 -> 3.97
  CHECK(inferlens::percentile(std::vector<double>{5}, 37) == 5.0);
  CHECK_FALSE(inferlens::percentile(x, -1).has_value());
  CHECK_FALSE(inferlens::percentile(x, 100.5).has_value());
  CHECK_FALSE(inferlens::percentile(x, k_nan).has_value());
  CHECK_FALSE(inferlens::percentile(std::vector<double>{}, 50).has_value());
  CHECK(std::isnan(*inferlens::percentile(std::vector<double>{1, k_nan}, 50)));
  CHECK_FALSE(inferlens::percentile_sorted(std::vector<double>{}, 50).has_value());
}

TEST_CASE("percentile properties on random data: ends are min and max, monotone in p, median agrees") {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal(100.0, 30.0);
  for (int trial = 0; trial < 100; ++trial) {
    std::vector<double> x(1 + static_cast<std::size_t>(trial % 37));
    for (auto& v : x) v = normal(rng);
    const double lo = *std::min_element(x.begin(), x.end()), hi = *std::max_element(x.begin(), x.end());
    REQUIRE(inferlens::percentile(x, 0) == lo);
    REQUIRE(inferlens::percentile(x, 100) == hi);
    REQUIRE(inferlens::percentile(x, 50) == doctest::Approx(*inferlens::median(x)).epsilon(1e-14));
    double prev = lo;
    bool monotone = true, inside = true;
    for (int p = 1; p <= 100; ++p) {
      const double v = *inferlens::percentile(x, p);
      monotone = monotone && v >= prev;
      inside = inside && v >= lo && v <= hi;
      prev = v;
    }
    REQUIRE(monotone);
    REQUIRE(inside);
  }
}

TEST_CASE("summarize: everything at once, empty and NaN") {
  std::vector<double> x{10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  const auto s = inferlens::summarize(x);
  CHECK(s.count == 10);
  CHECK(s.mean == 5.5);
  CHECK(s.median == 5.5);
  CHECK(*s.std == doctest::Approx(std::sqrt(8.25)).epsilon(1e-15));  // (n² - 1) / 12 = 99/12
  CHECK(*s.p90 == doctest::Approx(9.1).epsilon(1e-15));              // index 8.1
  CHECK(*s.p99 == doctest::Approx(9.91).epsilon(1e-15));             // index 8.91
  CHECK(*s.p999 == doctest::Approx(9.991).epsilon(1e-15));           // index 8.991
  CHECK(s.min == 1.0);
  CHECK(s.max == 10.0);
  // The same numbers as the single-statistic functions.
  CHECK(s.p90 == inferlens::percentile(x, 90));
  CHECK(s.std == inferlens::pstdev(x));

  const auto e = inferlens::summarize(std::vector<double>{});
  CHECK(e.count == 0);
  CHECK_FALSE(e.mean.has_value());
  CHECK_FALSE(e.median.has_value());
  CHECK_FALSE(e.std.has_value());
  CHECK_FALSE(e.p99.has_value());
  CHECK_FALSE(e.min.has_value());

  const auto n = inferlens::summarize(std::vector<double>{1, k_nan, 3});
  CHECK(n.count == 3);
  for (const auto& v : {n.mean, n.median, n.std, n.p90, n.p99, n.p999, n.min, n.max}) {
    REQUIRE(v.has_value());
    CHECK(std::isnan(*v));
  }
}
