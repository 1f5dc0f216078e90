// The `inferlens` CLI run as a real process on fixture files this test writes, checked against
// an independent oracle (an O(n²) brute-force frontier, hand-computed Steffen values) and for
// what a user meets: typos, empty filters, accelerators without presets, files without GPU
// counts, the summary of what was skipped and why.
#include <doctest/doctest.h>

#ifdef INFERLENS_CLI

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"

namespace {

using cli_support::run_cli;
using cli_support::temp_dir;

nlohmann::json agg_row(const std::string& hw, int conc, double intvty, double tput, const std::string& model = "org/model") {
  return {{"hw", hw},           {"conc", conc},        {"image", "img:1"},        {"model", model},
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

bool has(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

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
  REQUIRE(doc["systems"].size() == 2);
  CHECK(doc["x"] == "median_intvty");
  CHECK(doc["y"] == "tput_per_gpu");
  CHECK(doc["rows"] == 66);

  const auto& b200 = doc["systems"][0];
  CHECK(b200["key"]["accelerator"] == "b200");
  CHECK(b200["key"]["model"] == "model");  // the checkpoint "org/model", canonical
  CHECK(b200["key"]["isl"] == 1024);
  CHECK(b200["points"] == 6);
  REQUIRE(b200["frontier"].size() == 3);
  const double fx[] = {10, 20, 40}, fy[] = {300, 200, 50};
  for (int i = 0; i < 3; ++i) {
    CHECK(b200["frontier"][i]["x"] == fx[i]);
    CHECK(b200["frontier"][i]["y"] == fy[i]);
  }
  CHECK(b200["frontier"][2]["row"]["concurrency"] == 1);  // the first of the duplicates
  CHECK(b200["frontier"][0]["row"]["hw"] == "b200-trt");
  CHECK(b200["frontier"][0]["row"]["model_raw"] == "org/model");
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
  const auto& h = doc["systems"][1]["frontier"];
  REQUIRE(h.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK(h[i]["x"] == expected[i].first);
    CHECK(h[i]["y"] == expected[i].second);
  }
}

TEST_CASE("cli: the table ranks systems at the first --at, with units, and says what it skipped") {
  temp_dir dir;
  nlohmann::json rows = nlohmann::json::array({agg_row("b200", 1, 10, 300), agg_row("b200", 2, 100, 200),
                                               agg_row("h100", 1, 12, 500), agg_row("h100", 2, 100, 400)});
  auto no_gpus = agg_row("mi355x", 1, 50, 1);
  no_gpus.erase("tput_per_gpu");
  no_gpus.erase("output_tput_per_gpu");
  no_gpus.erase("input_tput_per_gpu");
  no_gpus.erase("tp");
  no_gpus["total_token_throughput"] = 1000;
  rows.push_back(no_gpus);
  const auto file = dir.write("a.json", rows.dump());
  // an agg row needs tput_per_gpu: write the one without GPUs as the library's own JSON instead
  const auto own = dir.write("b.json", nlohmann::json::array({no_gpus}).dump());
  rows.erase(rows.size() - 1);
  dir.write("a.json", rows.dump());

  const auto r = run_cli("frontier " + file.string() + " " + own.string() + " --at 50");
  REQUIRE_MESSAGE(r.status == 0, r.out);
  CHECK(has(r.out, "5 rows from 2 files; 3 systems"));
  CHECK(has(r.out, "1 rows: no GPU count (num_gpus, tp or the worker pools): give --gpus N"));
  CHECK(has(r.out, "tput_per_gpu [tok/s/gpu]"));
  // at 50 tok/s/user h100 (between 12→500 and 100→400) beats b200 (10→300, 100→200)
  const auto h100 = r.out.find("1. h100"), b200 = r.out.find("2. b200");
  CHECK(h100 != std::string::npos);
  CHECK(b200 != std::string::npos);
  CHECK(h100 < b200);
  // the system without a GPU count comes last, not at all on a frontier
  CHECK(has(r.out, "3. mi355x"));

  // the same with --gpus: now it has a frontier of its own (1000 tok/s over 4 GPUs)
  const auto g = run_cli("frontier " + own.string() + " --gpus 4 --format json");
  REQUIRE_MESSAGE(g.status == 0, g.out);
  const auto doc = nlohmann::json::parse(g.out);
  REQUIRE(doc["systems"].size() == 1);
  CHECK(doc["systems"][0]["frontier"][0]["y"] == 250);
}

TEST_CASE("cli: typos get suggestions, empty filters list what exists, bad lists are refused") {
  temp_dir dir;
  const auto file = dir.write("a.json", nlohmann::json::array({agg_row("b200", 1, 10, 300), agg_row("h100", 1, 12, 100)}).dump());
  auto r = run_cli("frontier " + file.string() + " --y tput_per_gpus");
  CHECK(r.status == 2);
  CHECK(has(r.out, "--y"));
  CHECK(has(r.out, "did you mean tput_per_gpu"));
  r = run_cli("frontier " + file.string() + " --x median_intvy");
  CHECK(r.status == 2);
  CHECK(has(r.out, "did you mean median_intvty"));
  r = run_cli("frontier " + file.string() + " --filter hw=b300");
  CHECK(r.status == 2);
  CHECK(has(r.out, "no row has hw = b300; the values there: b200, h100"));
  r = run_cli("frontier " + file.string() + " --filter accelrator=b200");
  CHECK(r.status == 2);
  CHECK(has(r.out, "did you mean accelerator"));
  for (const char* at : {"1,,2", "-5", "''", "abc", "1e999"}) {
    r = run_cli("frontier " + file.string() + " --at " + at);
    CHECK_MESSAGE(r.status == 2, at);
    CHECK_MESSAGE(has(r.out, "--at"), at);
  }
  // a filter on the model matches any spelling of it
  r = run_cli("frontier " + file.string() + " --filter model=org/model --format json");
  REQUIRE_MESSAGE(r.status == 0, r.out);
  CHECK(nlohmann::json::parse(r.out)["systems"].size() == 2);
}

TEST_CASE("cli: an accelerator without a preset gets no price, and the others still do") {
  temp_dir dir;
  const auto file =
      dir.write("a.json", nlohmann::json::array({agg_row("b200", 1, 10, 300), agg_row("b200", 2, 100, 200),
                                                 agg_row("madeup9000", 1, 10, 300), agg_row("madeup9000", 2, 100, 200)})
                              .dump());
  auto r = run_cli("frontier " + file.string() + " --at 50 --cost neocloud --format json");
  REQUIRE_MESSAGE(r.status == 0, r.out);
  const auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc["systems"].size() == 2);
  const auto& b200 = doc["systems"][0]["at"][0];
  const auto& madeup = doc["systems"][1]["at"][0];
  CHECK(b200["usd_per_mtok"].get<double>() > 0);
  CHECK(b200["pricing"]["accelerator"] == "b200");
  CHECK(!madeup.contains("usd_per_mtok"));
  CHECK(has(madeup["unpriced"].get<std::string>(), "madeup9000"));
  // an economic y is computed per system: the one without a preset has no frontier, with the reason
  r = run_cli("frontier " + file.string() + " --y usd_per_mtok");
  REQUIRE_MESSAGE(r.status == 0, r.out);
  CHECK(has(r.out, "madeup9000"));
  CHECK(has(r.out, "$/Mtok"));
}

TEST_CASE("cli: csv output and grouping") {
  temp_dir dir;
  const auto file = dir.write("a.json", nlohmann::json::array({agg_row("b200", 1, 10, 300), agg_row("h100", 1, 12, 100)}).dump());
  const auto r = run_cli("frontier " + file.string() + " --group-by none --format csv");
  REQUIRE_MESSAGE(r.status == 0, r.out);
  // Pooled: (12,100) and (10,300) are both non-dominated.
  CHECK(r.out.rfind("kind,system,median_intvty,tput_per_gpu,concurrency,num_gpus,parallelism,usd_per_mtok,tok_per_s_per_mw,source,source_row\n", 0) == 0);
  CHECK(has(r.out, "frontier,all points,10,300,1,1,tp1,,,"));
  CHECK(has(r.out, "frontier,all points,12,100,1,1,tp1,,,"));
}

TEST_CASE("cli: bad input exits 2 with a message naming the file, row and field") {
  temp_dir dir;
  const auto broken = dir.write("broken.json", "[{\"hw\": \"b200\",");
  auto r = run_cli("frontier " + broken.string());
  CHECK(r.status == 2);
  CHECK(has(r.out, "broken.json"));

  nlohmann::json rows = nlohmann::json::array({agg_row("b200", 1, 10, 300), agg_row("b200", 2, 20, -5)});
  const auto negative = dir.write("negative.json", rows.dump());
  r = run_cli("frontier " + negative.string());
  CHECK(r.status == 2);
  CHECK(has(r.out, "negative.json"));
  CHECK(has(r.out, "row 2"));
  CHECK(has(r.out, "tput_per_gpu"));

  const auto empty = dir.write("empty.json", "");
  r = run_cli("frontier " + empty.string());
  CHECK(r.status == 2);
  CHECK(has(r.out, "empty.json"));
  r = run_cli("frontier " + (dir.path / "missing.json").string());
  CHECK(r.status == 2);
  CHECK(has(r.out, "missing.json"));
}

TEST_CASE("cli: a directory with bad files lists every one; lenient loads the rest") {
  temp_dir dir;
  dir.write("good.json", nlohmann::json::array({agg_row("b200", 1, 10, 300)}).dump());
  dir.write("bad1.json", "{not json");
  dir.write("bad2.csv", "no,known,columns\n1,2,3\n");
  auto r = run_cli("frontier " + dir.path.string());
  CHECK(r.status == 2);
  CHECK(has(r.out, "bad1.json"));
  CHECK(has(r.out, "bad2.csv"));
  CHECK(has(r.out, "2 inputs could not be read"));
  r = run_cli("frontier --lenient --format csv " + dir.path.string());
  CHECK(r.status == 0);
  CHECK(has(r.out, "skipped"));
  CHECK(has(r.out, "frontier,"));
}

TEST_CASE("cli: convert between formats, read back the same") {
  temp_dir dir;
  const auto file = dir.write("a.json", nlohmann::json::array({agg_row("b200", 1, 10, 300), agg_row("h100", 2, 12, 100)}).dump());
  for (const char* to : {"agg", "csv", "json"}) {
    const auto out = dir.path / (std::string("out.") + to);
    auto r = run_cli("convert " + file.string() + " --to " + to + " --out " + out.string());
    REQUIRE_MESSAGE(r.status == 0, r.out);
    r = run_cli("frontier " + out.string() + " --format json");
    REQUIRE_MESSAGE(r.status == 0, r.out);
    const auto doc = nlohmann::json::parse(r.out);
    CHECK_MESSAGE(doc["systems"].size() == 2, to);
    CHECK_MESSAGE(doc["systems"][0]["frontier"][0]["y"] == 300, to);
  }
  const auto vllm_dir = dir.path / "vllm";
  auto r = run_cli("convert " + file.string() + " --to vllm --out " + vllm_dir.string());
  REQUIRE_MESSAGE(r.status == 0, r.out);
  CHECK(has(r.out, "(2 files)"));
  r = run_cli("frontier " + vllm_dir.string() + " --format json");
  REQUIRE_MESSAGE(r.status == 0, r.out);
  CHECK(nlohmann::json::parse(r.out)["systems"].size() == 2);
}

TEST_CASE("cli: help explains every option") {
  const auto r = run_cli("frontier --help");
  CHECK(r.status == 0);
  for (const char* opt : {"--x", "--y", "--group-by", "--at", "--format", "--filter", "--latest", "--lenient", "--interpolation",
                          "--set", "--gpus", "--map", "--cost"})
    CHECK_MESSAGE(has(r.out, opt), opt);
  const auto top = run_cli("--help");
  CHECK(top.status == 0);
  for (const char* cmd : {"frontier", "convert", "tco", "site"}) CHECK_MESSAGE(has(top.out, cmd), cmd);
}

#endif
