#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include <inferlens/table.hpp>

using namespace inferlens;

namespace {

benchmark_point point(std::string hw, std::int64_t conc, double intvty, double tput, std::string run = "1",
                      std::string image = "img:1") {
  benchmark_point p;
  p.model = "m";
  p.hw = std::move(hw);
  p.framework = "vllm";
  p.precision = "fp8";
  p.spec_decoding = "none";
  p.isl = 1024;
  p.osl = 1024;
  p.concurrency = conc;
  p.tp = 1;
  p.intvty.median = intvty;
  p.tput_per_gpu = tput;
  p.run = std::move(run);
  p.image = std::move(image);
  derive(p);
  return p;
}

std::vector<const column*> cols(std::initializer_list<const char*> names) {
  std::vector<const column*> out;
  for (auto n : names) out.push_back(find_column(n));
  return out;
}

}  // namespace

TEST_CASE("group_by keeps groups in order of first appearance and rows in table order") {
  result_table t({point("h100", 1, 100, 10), point("b200-trt", 1, 90, 50), point("h100-x", 2, 80, 20)});
  const auto g = t.group_by(cols({"accelerator"}));
  REQUIRE(g.size() == 2);
  CHECK(std::get<std::string>(g[0].key[0]) == "h100");
  CHECK(g[0].rows == std::vector<std::size_t>{0, 2});
  CHECK(std::get<std::string>(g[1].key[0]) == "b200");
  CHECK(g[1].rows == std::vector<std::size_t>{1});
  // No group-by columns: one group with everything.
  CHECK(t.group_by({}).size() == 1);
}

TEST_CASE("where compares numbers numerically and text exactly") {
  result_table t({point("h100", 1, 100, 10), point("h100", 4, 90, 50), point("b200", 4, 80, 20)});
  CHECK(t.where(*find_column("conc"), cell(4.0)).size() == 2);
  CHECK(t.where(*find_column("conc"), cell(std::int64_t{4})).size() == 2);
  CHECK(t.where(*find_column("hw"), cell(std::string("b200"))).size() == 1);
  CHECK(t.where(*find_column("hw"), cell(std::string("B200"))).empty());
}

TEST_CASE("column_values gives NaN for missing values and rejects text columns") {
  auto a = point("h100", 1, 100, 10);
  auto b = point("h100", 2, 90, 20);
  b.ttft.p99 = 0.5;
  result_table t({a, b});
  const auto v = t.column_values("p99_ttft");
  REQUIRE(v.size() == 2);
  CHECK(std::isnan(v[0]));
  CHECK(v[1] == 0.5);
  CHECK(t.column_values("conc")[1] == 2.0);
  CHECK_THROWS_AS(t.column_values("hw"), input_error);
  CHECK_THROWS_WITH_AS(t.column_values("no_such_column"), doctest::Contains("no_such_column"), input_error);
}

TEST_CASE("latest_per_configuration keeps the newest run of each configuration") {
  // Same configuration (h100, conc 1) in runs 9 and 10 with different images: run 10 wins
  // (numeric order, not text order); conc 2 appears only in run 9 and stays.
  result_table t({point("h100", 1, 100, 10, "9", "img:old"), point("h100", 1, 110, 12, "10", "img:new"),
                  point("h100", 2, 90, 20, "9", "img:old")});
  const auto latest = t.latest_per_configuration();
  REQUIRE(latest.size() == 2);
  CHECK(latest[0].run == "10");
  CHECK(latest[0].tput_per_gpu == 12);
  CHECK(latest[1].concurrency == 2);

  // Dates order before run ids.
  auto older = point("h100", 1, 100, 10, "99");
  older.date = "20260101-000000";
  auto newer = point("h100", 1, 100, 11, "1");
  newer.date = "20260201-000000";
  CHECK(result_table({newer, older}).latest_per_configuration()[0].tput_per_gpu == 11);
}

TEST_CASE("frontiers per group pick the best configuration at each operating point") {
  // b200: (50, 100) dominated by (60, 120); h100 has one point without tput (left out).
  auto missing = point("h100", 8, 70, 0);
  missing.tput_per_gpu.reset();
  result_table t({point("b200", 1, 50, 100), point("b200", 2, 60, 120), point("b200", 4, 40, 200),
                  point("h100", 1, 30, 10), missing});
  const auto f = t.frontiers(cols({"accelerator"}), *find_column("median_intvty"), *find_column("tput_per_gpu"));
  REQUIRE(f.size() == 2);
  CHECK(f[0].rows.size() == 3);
  CHECK(f[0].frontier == std::vector<std::size_t>{2, 1});  // x ascending: 40, 60
  CHECK(f[1].rows.size() == 2);
  CHECK(f[1].frontier == std::vector<std::size_t>{3});
}

TEST_CASE("resolve_columns names the unknown column") {
  const std::vector<std::string> names = {"model", "isl", "bogus"};
  CHECK_THROWS_WITH_AS(resolve_columns(names), doctest::Contains("'bogus'"), input_error);
  const std::vector<std::string> ok = {"concurrency", "GPU"};
  const auto r = resolve_columns(ok);
  CHECK(r[0]->name == "conc");
  CHECK(r[1]->name == "accelerator");
}
