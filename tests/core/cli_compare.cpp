// `inferlens compare` and `inferlens trend` run as real processes on fixture files this test
// writes: exit codes (0 passes, 1 regression, 2 bad input), the failure message naming the
// system, the interactivity and the size, the JSON/Markdown/JUnit outputs, repeats in
// directories, and the trend across runs and versions.
#include <doctest/doctest.h>

#ifdef INFERLENS_CLI

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"

namespace {

using cli_support::run_cli;
using cli_support::temp_dir;

bool has(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

std::size_t occurrences(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto i = haystack.find(needle); i != std::string::npos; i = haystack.find(needle, i + 1)) ++n;
  return n;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

double intvty_of(int c) { return 300.0 / std::pow(1.0 + 0.15 * c, 0.6); }
double tput_of(int c) { return 400.0 * c / (1.0 + 0.02 * c); }

nlohmann::json row(const std::string& hw, int conc, double intvty, double tput, const std::string& image,
                   const std::string& framework = "vllm") {
  return {{"hw", hw},
          {"conc", conc},
          {"image", image},
          {"model", "org/model"},
          {"infmax_model_prefix", "m"},
          {"framework", framework},
          {"precision", "fp8"},
          {"spec_decoding", "none"},
          {"disagg", false},
          {"isl", 1024},
          {"osl", 1024},
          {"is_multinode", false},
          {"tp", 8},
          {"ep", 1},
          {"dp_attention", "false"},
          {"tput_per_gpu", tput},
          {"output_tput_per_gpu", tput / 2},
          {"input_tput_per_gpu", tput / 2},
          {"median_intvty", intvty},
          {"median_tpot", 1.0 / intvty}};
}

// Two systems; `factor(conc)` scales b200's throughput; `keep(conc)` drops b200 points.
std::string rows(const std::string& image, double (*factor)(int) = nullptr, bool (*keep)(int) = nullptr, double noise = 0,
                 unsigned seed = 1, const std::string& framework = "vllm") {
  nlohmann::json out = nlohmann::json::array();
  unsigned state = seed;
  const auto jitter = [&] {
    state = state * 1103515245u + 12345u;
    return noise * ((static_cast<double>((state >> 8) % 2001) - 1000.0) / 1000.0);
  };
  for (int c : {1, 2, 4, 8, 16, 32, 64, 128, 256}) {
    if (!keep || keep(c))
      out.push_back(row("b200", c, intvty_of(c) * (1 + jitter() / 10), tput_of(c) * (factor ? factor(c) : 1.0) * (1 + jitter()), image, framework));
    out.push_back(row("h100", c, intvty_of(c) * 0.7, tput_of(c) * 0.4 * (1 + jitter()), image, framework));
  }
  return out.dump();
}

double drop_mid(int c) { return c >= 8 && c <= 32 ? 0.95 : 1.0; }
bool without_low_conc(int c) { return c >= 4; }

}  // namespace

TEST_CASE("cli compare: an unchanged copy passes (exit 0), a planted regression fails (exit 1) naming system, interactivity and size") {
  temp_dir dir;
  const auto base = dir.write("run_100_agg_bmk.json", rows("img:1"));
  const auto same = dir.write("run_101_agg_bmk.json", rows("img:2"));
  const auto worse = dir.write("run_102_agg_bmk.json", rows("img:2", drop_mid));

  auto r = run_cli("compare " + base.string() + " --against " + same.string());
  REQUIRE_MESSAGE(r.status == 0, r.out);
  CHECK(has(r.out, "baseline: 18 rows from 1 file (img:1)"));
  CHECK(has(r.out, "new:      18 rows from 1 file (img:2)"));
  CHECK(has(r.out, "UNCHANGED      b200 vllm · model 1024/1024 fp8"));
  CHECK(has(r.out, "uncertainty: none: every configuration was measured once"));
  CHECK(has(r.out, "2 systems: 2 unchanged; the gate passes"));

  r = run_cli("compare " + base.string() + " --against " + worse.string() + " --format json");
  REQUIRE_MESSAGE(r.status == 1, r.out);
  const auto json_end = r.out.rfind("}\n");
  REQUIRE(json_end != std::string::npos);
  const auto doc = nlohmann::json::parse(r.out.substr(0, json_end + 1));
  CHECK(doc["passed"] == false);
  CHECK(doc["systems"][0]["verdict"] == "regressed");
  CHECK(doc["systems"][1]["verdict"] == "unchanged");
  const std::string description = doc["systems"][0]["description"];
  CHECK(has(description, "b200 vllm · model 1024/1024 fp8: regressed: tput_per_gpu -"));
  CHECK(has(description, "% over "));
  CHECK(has(description, " tok/s/user"));
  CHECK(has(r.out, "inferlens: error: gate failed: " + description));

  // the drop (concurrency 8-32) lies at about 100-190 tok/s/user: a check inside it fails,
  // checks on either side pass and print their values
  r = run_cli("compare " + base.string() + " --against " + worse.string() + " --at 50,120");
  CHECK(r.status == 1);
  CHECK(has(r.out, "REGRESSED      b200"));
  CHECK(has(r.out, "at 120"));
  r = run_cli("compare " + base.string() + " --against " + worse.string() + " --at 50,250");
  CHECK(r.status == 0);
  CHECK(has(r.out, "UNCHANGED      b200"));
  CHECK(has(r.out, "at 50"));
  CHECK(has(r.out, "at 250"));
  // a tolerance above the drop, or a range away from it, passes
  CHECK(run_cli("compare " + base.string() + " --against " + worse.string() + " --tolerance 6%").status == 0);
  CHECK(run_cli("compare " + base.string() + " --against " + worse.string() + " --range 220:270 --tolerance 0.03").status == 0);
  CHECK(run_cli("compare " + base.string() + " --against " + worse.string() + " --range 150:270 --tolerance 0.03").status == 1);
}

TEST_CASE("cli compare: a frontier cut short fails as lost coverage; systems on one side; --match") {
  temp_dir dir;
  const auto base = dir.write("run_100_agg_bmk.json", rows("img:1"));
  const auto cut = dir.write("run_101_agg_bmk.json", rows("img:2", nullptr, without_low_conc));
  auto r = run_cli("compare " + base.string() + " --against " + cut.string() + " --range 50:250");
  REQUIRE_MESSAGE(r.status == 1, r.out);
  CHECK(has(r.out, "COVERAGE LOST  b200"));
  CHECK(has(r.out, "gate failed: b200 vllm · model 1024/1024 fp8: coverage lost: the new frontier does not reach"));
  CHECK(has(r.out, "(lost "));
  // below the cut the frontier is intact
  CHECK(run_cli("compare " + base.string() + " --against " + cut.string() + " --range 50:150").status == 0);

  nlohmann::json only_h100 = nlohmann::json::array();
  for (const auto& j : nlohmann::json::parse(rows("img:2")))
    if (j["hw"] == "h100") only_h100.push_back(j);
  const auto h100 = dir.write("run_102_agg_bmk.json", only_h100.dump());
  r = run_cli("compare " + base.string() + " --against " + h100.string());
  CHECK(r.status == 1);
  CHECK(has(r.out, "ONLY IN BASELINE b200"));
  CHECK(run_cli("compare " + base.string() + " --against " + h100.string() + " --allow-missing").status == 0);

  const auto sglang = dir.write("run_103_agg_bmk.json", rows("sgl:1", nullptr, nullptr, 0, 1, "sglang"));
  r = run_cli("compare " + base.string() + " --against " + sglang.string() + " --allow-missing");
  CHECK(r.status == 0);
  CHECK(occurrences(r.out, "ONLY IN NEW") == 2);
  r = run_cli("compare " + base.string() + " --against " + sglang.string() + " --match model,isl,osl,accelerator");
  CHECK(r.status == 0);
  CHECK(has(r.out, "UNCHANGED      b200 · model 1024/1024"));
}

TEST_CASE("cli compare: Markdown and JUnit files, written on failure too") {
  temp_dir dir;
  const auto base = dir.write("run_100_agg_bmk.json", rows("img:1"));
  const auto worse = dir.write("run_101_agg_bmk.json", rows("img:2", drop_mid));
  const auto md = dir.path / "out" / "compare.md", junit = dir.path / "junit.xml";
  std::filesystem::create_directories(md.parent_path());
  const auto r = run_cli("compare " + base.string() + " --against " + worse.string() + " --markdown " + md.string() + " --junit " +
                         junit.string());
  CHECK(r.status == 1);
  const std::string m = slurp(md), x = slurp(junit);
  CHECK(has(m, "### inferlens compare: **1 of 2 systems failed**"));
  CHECK(has(m, "| b200 vllm · model 1024/1024 fp8 | **regressed** |"));
  CHECK(x.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0) == 0);
  CHECK(has(x, "<testsuites name=\"inferlens compare\" tests=\"2\" failures=\"1\""));
  CHECK(occurrences(x, "<testcase ") == 2);
  CHECK(occurrences(x, "</testcase>") == 2);
  CHECK(occurrences(x, "<failure type=\"regressed\"") == 1);
  CHECK(has(x, "name=\"b200 vllm · model 1024/1024 fp8\""));
}

TEST_CASE("cli compare: repeats in directories give intervals; noise inside them passes") {
  temp_dir dir;
  std::filesystem::create_directories(dir.path / "base");
  std::filesystem::create_directories(dir.path / "new");
  for (unsigned k = 0; k < 4; ++k) {
    dir.write("base/run_10" + std::to_string(k) + "_agg_bmk.json", rows("img:1", nullptr, nullptr, 0.004, 10 + k));
    dir.write("new/run_20" + std::to_string(k) + "_agg_bmk.json", rows("img:2", nullptr, nullptr, 0.004, 20 + k));
  }
  auto r = run_cli("compare " + (dir.path / "base").string() + " --against " + (dir.path / "new").string() + " --range 50:200");
  REQUIRE_MESSAGE(r.status == 0, r.out);
  CHECK(has(r.out, "of 18 configurations repeated"));
  CHECK(has(r.out, "uncertainty: bootstrap over repeats: 2000 resamples, 95% percentile intervals"));
  // equal inputs, equal output (the resampling has a fixed seed)
  CHECK(run_cli("compare " + (dir.path / "base").string() + " --against " + (dir.path / "new").string() + " --range 50:200").out == r.out);
  r = run_cli("compare " + (dir.path / "base").string() + " --against " + (dir.path / "new").string() +
              " --range 50:200 --format json --resamples 300 --confidence 90%");
  REQUIRE(r.status == 0);
  const auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["confidence"] == doctest::Approx(0.9));
  const auto& cfg = doc["systems"][0]["base"]["configurations"][0];
  CHECK(cfg["y"]["n"] == 4);
  CHECK(cfg["runs"].size() == 4);
  CHECK(cfg["y"]["lo"].get<double>() < cfg["y"]["mean"].get<double>());
  CHECK(!doc["systems"][0]["base"]["band"].empty());
  for (const auto& p : doc["systems"][0]["checked"]) CHECK(p["lo"].is_number());
}

TEST_CASE("cli compare: bad input exits 2 and names the option") {
  temp_dir dir;
  const auto base = dir.write("run_100_agg_bmk.json", rows("img:1"));
  const std::string args = "compare " + base.string() + " --against " + base.string();
  for (const auto& [extra, expected] : std::vector<std::pair<std::string, std::string>>{
           {" --range 200:50", "--range: field '200:50': expected FROM < TO"},
           {" --range 50-200", "expected FROM:TO"},
           {" --range a:b", "--range"},
           {" --tolerance 3", "did you mean 3%?"},
           {" --tolerance -1%", "--tolerance"},
           {" --tolerance abc", "expected a fraction (0.03) or a percentage (3%)"},
           {" --confidence 120%", "--confidence"},
           {" --y tput_per_gpus", "did you mean tput_per_gpu"},
           {" --match accelrator", "did you mean accelerator"},
           {" --at 1,,2", "--at"},
           {" --y usd_per_mtok --cost cheapest", "unknown cost model"},
           {" --format yaml", "--format"},
           {" --bogus", "bogus"}}) {
    const auto r = run_cli(args + extra);
    CHECK_MESSAGE(r.status == 2, extra, "\n", r.out);
    CHECK_MESSAGE(has(r.out, expected), extra, "\n", r.out);
  }
  auto r = run_cli("compare " + base.string());
  CHECK(r.status == 2);
  CHECK(has(r.out, "--against"));
  r = run_cli("compare " + base.string() + " --against " + (dir.path / "missing.json").string());
  CHECK(r.status == 2);
  CHECK(has(r.out, "missing.json"));
}

TEST_CASE("cli trend: values by run and image, the change between versions") {
  temp_dir dir;
  dir.write("run_100_agg_bmk.json", rows("img:1"));
  dir.write("run_101_agg_bmk.json", rows("img:1"));
  dir.write("run_102_agg_bmk.json", rows("img:2", [](int) { return 1.1; }));
  char at[64];
  std::snprintf(at, sizeof at, "%.17g", intvty_of(16));
  auto r = run_cli("trend " + dir.path.string() + " --at " + at + " --format json");
  REQUIRE_MESSAGE(r.status == 0, r.out);
  const auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc["systems"].size() == 2);
  const auto& b200 = doc["systems"][0];
  CHECK(b200["name"] == "b200 vllm · model 1024/1024 fp8");
  REQUIRE(b200["runs"].size() == 3);
  CHECK(b200["runs"][0]["run"] == "run_100");
  CHECK(b200["runs"][2]["image"] == "img:2");
  CHECK(b200["runs"][0]["values"][0].get<double>() == doctest::Approx(tput_of(16)).epsilon(1e-6));
  REQUIRE(b200["steps"].size() == 1);
  CHECK(b200["steps"][0]["change"][0].get<double>() == doctest::Approx(0.1).epsilon(1e-6));

  r = run_cli("trend " + dir.path.string() + " --at " + std::string(at) + ",1000");
  REQUIRE_MESSAGE(r.status == 0, r.out);
  CHECK(has(r.out, "b200 vllm · model 1024/1024 fp8  (3 runs)"));
  CHECK(has(r.out, "run_102"));
  CHECK(has(r.out, "img:1 → img:2: at "));
  CHECK(has(r.out, "(+10.0%, better)"));

  CHECK(run_cli("trend " + dir.path.string()).status == 2);
  CHECK(run_cli("trend " + dir.path.string() + " --at x").status == 2);
}

TEST_CASE("cli compare --html and report --limits write self-contained pages") {
  temp_dir dir;
  const auto base = dir.write("run_100_agg_bmk.json", rows("img:1"));
  const auto worse = dir.write("run_102_agg_bmk.json", rows("img:2", drop_mid));
  const auto page = dir.path / "compare.html";
  auto r = run_cli("compare " + base.string() + " --against " + worse.string() + " --html " + page.string());
  CHECK(r.status == 1);  // the gate's verdict is unchanged by --html
  std::ifstream in(page);
  std::stringstream text;
  text << in.rdbuf();
  const std::string html = text.str();
  REQUIRE(!html.empty());
  std::size_t frontier_charts = 0, ratio_charts = 0;
  for (std::size_t at = html.find("data-kind=\"frontier\""); at != std::string::npos; at = html.find("data-kind=\"frontier\"", at + 1)) ++frontier_charts;
  for (std::size_t at = html.find("data-kind=\"ratio\""); at != std::string::npos; at = html.find("data-kind=\"ratio\"", at + 1)) ++ratio_charts;
  CHECK(frontier_charts == 2);  // two matched systems
  CHECK(ratio_charts == 2);
  CHECK(has(html, "region-regressed"));
  CHECK(html.find("https://") == std::string::npos);

  const auto report = dir.path / "report.html";
  r = run_cli("report " + base.string() + " --limits --out " + report.string());
  CHECK(r.status == 0);
  std::ifstream rin(report);
  std::stringstream rtext;
  rtext << rin.rdbuf();
  CHECK(has(rtext.str(), "physical bound"));
}

#endif
