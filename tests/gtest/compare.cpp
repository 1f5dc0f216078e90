// The regression gate from GoogleTest: a comparison converts to ::testing::AssertionResult, so
// EXPECT_TRUE(inferlens::no_regression(...)) passes or fails printing the failing systems.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <inferlens/compare.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace {

inferlens::result_table one_system(double drop_from, double drop_to, const std::string& image) {
  std::vector<inferlens::benchmark_point> pts;
  for (int c : {1, 2, 4, 8, 16, 32, 64, 128, 256}) {
    inferlens::benchmark_point p;
    p.model = "demo-model";
    p.framework = "vllm";
    p.hw = "b200";
    p.precision = "fp8";
    p.spec_decoding = "none";
    p.isl = p.osl = 1024;
    p.concurrency = c;
    p.tp = 8;
    p.image = image;
    p.completed = 10 * c;
    p.intvty.median = 300.0 / std::pow(1.0 + 0.15 * c, 0.6);
    const double tput = 400.0 * c / (1.0 + 0.02 * c) * (c >= drop_from && c <= drop_to ? 0.95 : 1.0);
    p.total_token_throughput = tput * 8;
    inferlens::derive(p);
    pts.push_back(p);
  }
  return inferlens::result_table(pts);
}

TEST(Compare, UnchangedPasses) {
  EXPECT_TRUE(inferlens::no_regression(one_system(0, 0, "a"), one_system(0, 0, "b"), {.range = {30, 250}, .tolerance = 0.03}));
}

TEST(Compare, RegressionFailsNamingTheSystem) {
  EXPECT_NONFATAL_FAILURE(EXPECT_TRUE(inferlens::no_regression(one_system(0, 0, "a"), one_system(8, 32, "b"), {.range = {30, 250}})),
                          "b200 vllm · demo-model 1024/1024 fp8: regressed: tput_per_gpu -");
  const ::testing::AssertionResult r = inferlens::no_regression(one_system(0, 0, "a"), one_system(8, 32, "b"));
  EXPECT_FALSE(r);
  EXPECT_NE(std::string(r.message()).find("1 of 1 systems failed the gate"), std::string::npos);
}

}  // namespace
