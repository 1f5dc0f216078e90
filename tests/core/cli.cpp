// The `inferlens` CLI run as a real process on fixture files this test writes, checked against
// an independent oracle: an O(n²) brute-force frontier and hand-computed Steffen values.
#include <doctest/doctest.h>

#ifdef INFERLENS_CLI

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"

namespace fs = std::filesystem;

namespace {

using cli_support::run_cli;
using cli_support::temp_dir;

nlohmann::json agg_row(const std::string& hw, int conc, double intvty, double tput) {
  return {{"hw", hw},           {"conc", conc},        {"image", "img:1"},        {"model", "org/model"},
          {"framework", "vllm"}, {"precision", "fp4"},  {"spec_decoding", "none"}, {"disagg", false},
          {"isl", 1024},        {"osl", 1024},         {"is_multinode", false},    {"tp", 1},
          {"ep", 1},            {"dp_attention", "false"}, {"tput_per_gpu", tput}, {"output_tput_per_gpu", tput / 2},
          {"input_tput_per_gpu", tput / 2}, {"median_intvty", intvty}, {"median_tpot", 1.0 / intvty}};
}

// Brute force: p survives unless some q has larger x and y at least as large, or equal x and
// larger y; of exact duplicates the first survives.
std::vector<std::pair<double, double>> brute_frontier(const std::vector<std::pair<double, double>>& pts) {
  std::vector<std::pair<double, double>> out;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    bool dominated = false;
    for (std::size_t j = 0; j < pts.size() && !dominated; ++j) {
      const auto [xp, yp] = pts[i];
      const auto [xq, yq] = pts[j];
      dominated = (xq > xp && yq >= yp) || (xq == xp && yq > yp) || (j < i && xq == xp && yq == yp);
    }
    if (!dominated) out.push_back(pts[i]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("cli: frontier JSON matches a brute-force frontier and hand-computed Steffen values") {
  temp_dir dir;
  nlohmann::json rows = nlohmann::json::array();
  // b200: frontier (10,300) (20,200) (40,50); (15,100) and (20,150) are dominated; (40,50) twice.
  for (auto [c, x, y] : std::vector<std::tuple<int, double, double>>{
           {1, 40, 50}, {2, 20, 200}, {4, 10, 300}, {8, 15, 100}, {16, 20, 150}, {32, 40, 50}})
    rows.push_back(agg_row("b200-trt", c, x, y));
  // h100: random points with ties, checked against the brute force.
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> small(1, 6);
  std::vector<std::pair<double, double>> h100;
  for (int i = 0; i < 60; ++i) {
    const double x = 10.0 * small(rng), y = 100.0 * small(rng);
    h100.emplace_back(x, y);
    rows.push_back(agg_row("h100", i + 1, x, y));
  }
  const auto file = dir.write("agg_bmk.json", rows.dump());

  const auto r = run_cli("frontier " + file.string() + " --format json --at 15,30,5,40");
  REQUIRE_MESSAGE(r.status == 0, r.out);
  const auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc["groups"].size() == 2);

  const auto& b200 = doc["groups"][0];
  CHECK(b200["key"]["accelerator"] == "b200");
  CHECK(b200["key"]["model"] == "org/model");
  CHECK(b200["key"]["isl"] == 1024);
  CHECK(b200["points"] == 6);
  REQUIRE(b200["frontier"].size() == 3);
  const double fx[] = {10, 20, 40}, fy[] = {300, 200, 50};
  for (int i = 0; i < 3; ++i) {
    CHECK(b200["frontier"][i]["x"] == fx[i]);
    CHECK(b200["frontier"][i]["y"] == fy[i]);
  }
  CHECK(b200["frontier"][2]["row"]["conc"] == 1);  // the first of the duplicates
  CHECK(b200["frontier"][0]["row"]["hw"] == "b200-trt");
  // Steffen slopes: s0 = -10, s1 = -7.5, m1 = p1 = (-10·20 − 7.5·10)/30 = -55/6 (|p|/2 is the min),
  // m0 = (3·s0 − m1)/2 = -125/12, m2 = (3·s1 − m1)/2 = -20/3.
  // y(15) = ½·300 + ⅛·10·m0 + ½·200 − ⅛·10·m1 = 248.4375; y(30) = ½·200 + ⅛·20·m1 + ½·50 − ⅛·20·m2 = 118.75.
  const auto& at = b200["at"];
  REQUIRE(at.size() == 4);
  CHECK(at[0]["y"].get<double>() == doctest::Approx(248.4375).epsilon(1e-12));
  CHECK(at[1]["y"].get<double>() == doctest::Approx(118.75).epsilon(1e-12));
  CHECK(at[2]["y"].is_null());  // below the frontier's x range: no extrapolation
  CHECK(at[3]["y"].get<double>() == doctest::Approx(50).epsilon(1e-12));

  const auto expected = brute_frontier(h100);
  const auto& h = doc["groups"][1]["frontier"];
  REQUIRE(h.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK(h[i]["x"] == expected[i].first);
    CHECK(h[i]["y"] == expected[i].second);
  }
}

TEST_CASE("cli: table and csv formats, grouping and filters") {
  temp_dir dir;
  nlohmann::json rows = nlohmann::json::array({agg_row("b200", 1, 10, 300), agg_row("h100", 1, 12, 100)});
  const auto file = dir.write("a.json", rows.dump());
  auto r = run_cli("frontier " + file.string());
  REQUIRE_MESSAGE(r.status == 0, r.out);
  CHECK(r.out.find("median_intvty") != std::string::npos);
  CHECK(r.out.find("b200") != std::string::npos);

  r = run_cli("frontier " + file.string() + " --group-by none --format csv");
  REQUIRE_MESSAGE(r.status == 0, r.out);
  // Pooled: (12,100) and (10,300) are both non-dominated.
  CHECK(r.out.rfind("kind,median_intvty,tput_per_gpu,conc,num_gpus,parallelism,source\n", 0) == 0);
  CHECK(r.out.find("frontier,10,300,1,1,tp1,") != std::string::npos);
  CHECK(r.out.find("frontier,12,100,1,1,tp1,") != std::string::npos);

  r = run_cli("frontier " + file.string() + " --filter hw=h100 --format json");
  REQUIRE_MESSAGE(r.status == 0, r.out);
  CHECK(nlohmann::json::parse(r.out)["groups"].size() == 1);
}

TEST_CASE("cli: bad input exits non-zero with a message naming the file, row and field") {
  temp_dir dir;
  const auto broken = dir.write("broken.json", "[{\"hw\": \"b200\",");
  auto r = run_cli("frontier " + broken.string());
  CHECK(r.status != 0);
  CHECK(r.out.find("broken.json") != std::string::npos);

  nlohmann::json rows = nlohmann::json::array({agg_row("b200", 1, 10, 300), agg_row("b200", 2, 20, -5)});
  const auto negative = dir.write("negative.json", rows.dump());
  r = run_cli("frontier " + negative.string());
  CHECK(r.status != 0);
  CHECK(r.out.find("negative.json") != std::string::npos);
  CHECK(r.out.find("row 2") != std::string::npos);
  CHECK(r.out.find("tput_per_gpu") != std::string::npos);

  const auto empty = dir.write("empty.json", "");
  r = run_cli("frontier " + empty.string());
  CHECK(r.status != 0);
  CHECK(r.out.find("empty.json") != std::string::npos);

  const auto good = dir.write("good.json", nlohmann::json::array({agg_row("b200", 1, 10, 300)}).dump());
  r = run_cli("frontier " + good.string() + " --y no_such_metric");
  CHECK(r.status != 0);
  CHECK(r.out.find("no_such_metric") != std::string::npos);
  r = run_cli("frontier " + good.string() + " --group-by model,nope");
  CHECK(r.status != 0);
  CHECK(r.out.find("nope") != std::string::npos);
  r = run_cli("frontier " + (dir.path / "missing.json").string());
  CHECK(r.status != 0);
  CHECK(r.out.find("missing.json") != std::string::npos);
}

TEST_CASE("cli: lenient mode loads the good files of a directory and reports the bad one") {
  temp_dir dir;
  dir.write("good.json", nlohmann::json::array({agg_row("b200", 1, 10, 300)}).dump());
  dir.write("bad.json", "{not json");
  auto r = run_cli("frontier " + dir.path.string());
  CHECK(r.status != 0);
  CHECK(r.out.find("bad.json") != std::string::npos);
  r = run_cli("frontier --lenient --format csv " + dir.path.string());
  CHECK(r.status == 0);
  CHECK(r.out.find("bad.json") != std::string::npos);  // reported on stderr
  CHECK(r.out.find("frontier,") != std::string::npos);
}

TEST_CASE("cli: help explains every option") {
  const auto r = run_cli("frontier --help");
  CHECK(r.status == 0);
  for (const char* opt : {"--x", "--y", "--group-by", "--at", "--format", "--filter", "--latest", "--lenient",
                          "--interpolation"})
    CHECK_MESSAGE(r.out.find(opt) != std::string::npos, opt);
  const auto top = run_cli("--help");
  CHECK(top.status == 0);
  CHECK(top.out.find("frontier") != std::string::npos);
}

#endif
