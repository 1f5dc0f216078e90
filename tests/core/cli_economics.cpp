// `inferlens tco` and `inferlens site` run as real processes: JSON output against hand
// calculations (the presets built in, or a file given), and bad inputs that must fail with a
// message naming the option to give.
#include <doctest/doctest.h>

#ifdef INFERLENS_CLI

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"

namespace {

namespace fs = std::filesystem;

using cli_output = cli_support::run_result;
inline cli_output run_inferlens(const std::string& args) { return cli_support::run_cli(args); }

nlohmann::json run_json(const std::string& args) {
  const auto r = run_inferlens(args + " --format json");
  INFO(r.out);
  REQUIRE(r.status == 0);
  return nlohmann::json::parse(r.out);
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

using scratch_dir = cli_support::temp_dir;

// CRF(10%, 3 y) = 0.1 × 1.331 / 0.331
constexpr double crf_10_3 = 0.1 * 1.331 / 0.331;

}  // namespace

TEST_CASE("inferlens tco: presets, models and pricing a throughput") {
  const std::string presets = "--presets " + std::string(INFERLENS_SOURCE_DIR) + "/data/accelerators.json";
  SUBCASE("the default tier and vintage, from the presets built in and from the file") {
    for (const std::string& file : {std::string(), presets}) {
      const auto j = run_json("tco --accelerator b200 " + file);
      CHECK(j["systems"][0]["cost"]["usd_per_gpu_hour"] == 1.73);
      CHECK(j["systems"][0]["power"]["kw_per_gpu"] == 1.71);
      CHECK(j["systems"][0]["power"]["basis"] == "it");
      CHECK(j["systems"][0]["accelerator"] == "b200");
    }
  }
  SUBCASE("owned: the reference's H100 example") {
    // 35000 × CRF(10%, 4) / 8760 + 1.37 × 1 × 1.2 × 0.08 + 1.37 × 150 / 730 = 1.26044 + 0.13152 + 0.28151
    const auto j = run_json("tco -a h100 --cost owned --capex-per-gpu 35000 --it-kw 1.37 --pue 1.2 --load-factor 1 --colo 150 " + presets);
    const double expected = 35000 * (0.1 * 1.4641 / 0.4641) / 8760 + 1.37 * 1.2 * 0.08 + 1.37 * 150 / 730.0;
    CHECK(j["systems"][0]["cost"]["usd_per_gpu_hour"].get<double>() == doctest::Approx(expected).epsilon(1e-12));
    CHECK(j["systems"][0]["cost"]["model"] == "owned");
  }
  SUBCASE("rented: the rental tier with its upfront part annualised") {
    const auto j = run_json("tco -a b200 --tier rented " + presets);
    CHECK(j["systems"][0]["cost"]["usd_per_gpu_hour"].get<double>() ==
          doctest::Approx(2.60 * (0.75 + 0.25 * 3 * crf_10_3)).epsilon(1e-12));
  }
  SUBCASE("two systems priced at their throughputs, August-2025 constants") {
    const auto j = run_json("tco -a b200,mi355x --tput-per-gpu 15000,10000 --vintage 2025-08 " + presets);
    // B200: $1.95 / (15000 × 3600 / 1e6) = 1.95 / 54; MI355X: $1.48 / 36
    CHECK(j["systems"][0]["at"]["usd_per_mtok"].get<double>() == 1.95 / (15000.0 * 3600 / 1e6));
    CHECK(j["systems"][1]["at"]["usd_per_mtok"].get<double>() == 1.48 / (10000.0 * 3600 / 1e6));
    CHECK(j["systems"][1]["at"]["tok_per_s_per_mw"].get<double>() == 10000.0 * 1000 / 2.65);
    CHECK(j["systems"][0]["at"]["j_per_token"].get<double>() == 2.17 * 1000 / 15000.0);
  }
  SUBCASE("components power") {
    // 700 W + 575 W + 95 W = 1.37 kW IT, × 1.25 = 1.7125 kW
    const auto j = run_json("tco -a h100 --power components --host-w 575 " + presets);
    CHECK(j["systems"][0]["power"]["kw_per_gpu"].get<double>() == doctest::Approx(1.7125));
    CHECK(j["systems"][0]["power"]["it_kw_per_gpu"].get<double>() == doctest::Approx(1.37));
  }
  SUBCASE("everything given: no presets needed") {
    const auto j = run_json("tco --cost 2.5 --power 1.2 --tput-per-gpu 1000");
    CHECK(j["systems"][0]["at"]["usd_per_mtok"].get<double>() == 2.5 / 3.6);
  }
  SUBCASE("an accelerator added by an overrides file") {
    scratch_dir dir;
    const fs::path f = dir.write("ours.json", R"({"accelerators": {"rtx6000": {"cost_usd_per_gpu_hour": {"hyperscaler": 0.9}, "kw_per_gpu": 0.8}}})");
    // 0.9 / (1000 × 3600 / 1e6) = 0.25; 1000 × 1000 / 0.8 = 1.25e6
    const auto j = run_json("tco -a rtx6000 --tput-per-gpu 1000 --overrides " + f.string());
    CHECK(j["systems"][0]["at"]["usd_per_mtok"].get<double>() == 0.9 / (1000 * 3600 / 1e6));
    CHECK(j["systems"][0]["at"]["tok_per_s_per_mw"].get<double>() == 1000.0 * 1000 / 0.8);
  }
  SUBCASE("readable table: units in the headers, sensible precision") {
    const auto r = run_inferlens("tco -a b200,mi355x --tput-per-gpu 15000,10000 --vintage 2025-08");
    CHECK(r.status == 0);
    CHECK(contains(r.out, "[tok/s/MW utility]"));
    CHECK(contains(r.out, "6.912 M"));  // 15000 × 1000 / 2.17 = 6,912,442
    CHECK_FALSE(contains(r.out, "e+06"));
    CHECK(contains(r.out, "mi355x vs b200"));
  }
  SUBCASE("the preset list") {
    const auto r = run_inferlens("tco --list " + presets);
    CHECK(r.status == 0);
    CHECK(contains(r.out, "mi355x"));
    CHECK(contains(r.out, "2025-08"));
  }
}

TEST_CASE("inferlens tco: bad inputs fail with a message naming the option to give") {
  auto r = run_inferlens("tco -a rtx6000");
  CHECK(r.status == 2);
  CHECK(contains(r.out, "--accelerator: field 'accelerator': no preset for accelerator 'rtx6000' (presets: b200"));
  CHECK(contains(r.out, "give --cost USD_PER_GPU_HOUR and --power KW_PER_GPU, or add it with --overrides FILE"));
  r = run_inferlens("tco -a b200 --cost owned");
  CHECK(r.status == 2);
  CHECK(contains(r.out, "field 'capex_usd_per_gpu': no value given and none in the presets for 'b200' (set it with --capex-per-gpu USD)"));
  r = run_inferlens("tco -a b200 --cost=-3");
  CHECK(r.status == 2);
  CHECK(contains(r.out, "--cost: field 'usd_per_gpu_hour': must be > 0, got -3"));
  r = run_inferlens("tco -a b200 --cost cheapest");
  CHECK(r.status == 2);
  CHECK(contains(r.out, "unknown cost model: expected hyperscaler, neocloud, rental"));
  r = run_inferlens("tco -a tpu7x --cost neocloud");
  CHECK(r.status == 2);
  CHECK(contains(r.out, "no 'neocloud' cost for tpu7x in vintage 2026-07"));
  CHECK(contains(r.out, "give --cost with another tier or a number"));
  r = run_inferlens("tco -a b200 --vintage 1999");
  CHECK(r.status == 2);
  CHECK(contains(r.out, "--vintage: field 'vintage': unknown vintage '1999' (known: 2025-08, 2026-07)"));
  r = run_inferlens("tco -a b200 --power components --pue 0.9");
  CHECK(r.status == 2);
  CHECK(contains(r.out, "--pue: field 'pue': must be >= 1, got 0.9"));
  r = run_inferlens("tco -a b200 --presets /nonexistent/presets.json");
  CHECK(r.status == 2);
  CHECK(contains(r.out, "/nonexistent/presets.json: cannot open the file"));
  r = run_inferlens("tco -a b200 --tput-per-gpu 0");
  CHECK(r.status == 2);
  CHECK(contains(r.out, "--tput-per-gpu"));
  CHECK(contains(r.out, "expected a number > 0"));
  r = run_inferlens("tco");
  CHECK(r.status == 2);
  CHECK(contains(r.out, "give the accelerator"));
  scratch_dir dir;
  const fs::path bad = dir.write("bad.json", R"({"accelerators": {"h100": {"kw_per_gpu": {"2026-07": {"value": -1.4, "basis": "it"}}}}})");
  r = run_inferlens("tco -a h100 --overrides " + bad.string());
  CHECK(r.status == 2);
  CHECK(contains(r.out, bad.string() + ": field 'accelerators.h100.kw_per_gpu.2026-07.value': must be > 0, got -1.4"));
}

TEST_CASE("inferlens site: sizing, revenue, cost view and investment view") {
  SUBCASE("1 MW at 2 kW/GPU") {
    // 500 GPUs × 1000 tok/s × 0.5 = 250,000 tok/s; × 86400 × 365 = 7.884e12 tok/yr = $7.884M at $1/Mtok;
    // TCO 500 × $2 × 8760 = $8.76M
    const auto j = run_json("site --mw 1 --cost 2 --power 2 --tput-per-gpu 1000 --price-per-mtok 1 --utilization 0.5");
    CHECK(j["site"]["gpus"] == 500);
    CHECK(j["site"]["tokens_per_day"].get<double>() == 250000.0 * 86400);
    CHECK(j["site"]["revenue_usd_per_year"].get<double>() == doctest::Approx(7.884e6).epsilon(1e-12));
    CHECK(j["site"]["tco_usd_per_year"].get<double>() == doctest::Approx(8.76e6).epsilon(1e-12));
    CHECK(j["site"]["investment_usd"].is_null());
  }
  SUBCASE("$5M for 72 GPUs") {
    // 72 × 7698 × 31,536,000 s = 1.74790e13 tokens a year → $17.479M at $1/Mtok; 4 years / $5M = 13.98×
    const auto j = run_json(
        "site --gpus 72 --investment 5e6 --cost 2 --power 1.87 --tput-per-gpu 7698 --price-per-mtok 1 --opex-per-gpu-hour 0");
    const double per_year = 72.0 * 7698 * 86400 * 365 / 1e6;
    CHECK(j["site"]["revenue_usd_per_year"].get<double>() == doctest::Approx(per_year).epsilon(1e-12));
    CHECK(j["site"]["revenue_multiple"].get<double>() == doctest::Approx(4 * per_year / 5e6).epsilon(1e-12));
    CHECK(j["site"]["payback_years"].get<double>() == doctest::Approx(5e6 / per_year).epsilon(1e-12));
    CHECK(j["site"]["capex_usd_per_gpu"].get<double>() == doctest::Approx(5e6 / 72));
  }
  SUBCASE("split prices") {
    // $0.5 × 0.75 + $2 × 0.25 = $0.875 per Mtok
    const auto j = run_json("site --gpus 1 --cost 1 --power 1 --tput-per-gpu 1000 --price-input 0.5 --price-output 2 --output-fraction 0.25");
    CHECK(j["operating_point"]["price_usd_per_mtok"].get<double>() == doctest::Approx(0.875));
  }
}

TEST_CASE("inferlens site: the operating point from a result file") {
  scratch_dir dir;
  auto row = [](int conc, double intvty, double tput) {
    return nlohmann::json{{"hw", "b200"}, {"conc", conc}, {"image", "img:1"}, {"model", "org/model"}, {"framework", "vllm"},
                          {"precision", "fp4"}, {"spec_decoding", "none"}, {"disagg", false}, {"isl", 1024}, {"osl", 1024},
                          {"is_multinode", false}, {"tp", 1}, {"ep", 1}, {"dp_attention", "false"}, {"tput_per_gpu", tput},
                          {"output_tput_per_gpu", tput / 2}, {"input_tput_per_gpu", tput / 2}, {"median_intvty", intvty},
                          {"median_tpot", 1.0 / intvty}};
  };
  const nlohmann::json rows = {row(64, 40, 12000), row(16, 80, 8000), row(4, 160, 2000), row(8, 70, 5000)};
  const fs::path file = dir.path / "agg_bmk.json";
  std::ofstream(file) << rows.dump();
  const std::string presets = " --presets " + std::string(INFERLENS_SOURCE_DIR) + "/data/accelerators.json";
  // at a frontier knot the interpolated throughput is the knot's: 8000 tok/s/GPU at 80 tok/s/user;
  // 1 MW / 1.71 kW = 584 GPUs (b200, July-2026 preset)
  const auto j = run_json("site --mw 1 --results " + file.string() + " --at 80 --price-per-mtok 0.5" + presets);
  CHECK(j["accelerator"] == "b200");
  CHECK(j["operating_point"]["tput_per_gpu"].get<double>() == doctest::Approx(8000).epsilon(1e-12));
  CHECK(j["site"]["gpus"] == 584);
  CHECK(j["site"]["revenue_usd_per_year"].get<double>() == doctest::Approx(584 * 8000.0 * 86400 * 365 / 1e6 * 0.5).epsilon(1e-12));
  CHECK(j["site"]["tco_usd_per_year"].get<double>() == doctest::Approx(584 * 1.73 * 8760).epsilon(1e-12));
  // split prices take the output share from the rows (one half)
  const auto s = run_json("site --gpus 8 --results " + file.string() + " --at 80 --price-input 1 --price-output 3" + presets);
  CHECK(s["operating_point"]["price_usd_per_mtok"].get<double>() == doctest::Approx(2.0));
  auto r = run_inferlens("site --mw 1 --results " + file.string() + " --at 500 --price-per-mtok 0.5" + presets);
  CHECK(r.status == 2);
  CHECK(contains(r.out, "outside the frontier's interactivity range [40, 160]"));
}

TEST_CASE("inferlens site: bad inputs") {
  auto r = run_inferlens("site --mw 1 --cost 2 --power 2 --tput-per-gpu 1000");
  CHECK(r.status == 2);
  CHECK(contains(r.out, "give the price"));
  r = run_inferlens("site --cost 2 --power 2 --tput-per-gpu 1000 --price-per-mtok 1");
  CHECK(r.status == 2);
  CHECK(contains(r.out, "give the site size"));
  r = run_inferlens("site --mw 1 --cost 2 --power 2 --price-per-mtok 1");
  CHECK(r.status == 2);
  CHECK(contains(r.out, "give the operating point"));
  r = run_inferlens("site --mw 1 --cost 2 --power 2 --tput-per-gpu -5 --price-per-mtok 1");
  CHECK(r.status != 0);
  r = run_inferlens("site --mw 1 --cost 2 --power 2 --tput-per-gpu 100 --price-per-mtok=-1");
  CHECK(r.status == 2);
  CHECK(contains(r.out, "'price_usd_per_mtok': must be >= 0"));
  r = run_inferlens("site --investment 1e6 --cost 2 --power 2 --tput-per-gpu 100 --price-per-mtok 1 --presets " +
                    std::string(INFERLENS_SOURCE_DIR) + "/data/accelerators.json -a b200");
  CHECK(r.status == 2);
  CHECK(contains(r.out, "no capex preset for 'b200': give --capex-per-gpu USD"));
}

#endif  // INFERLENS_CLI
