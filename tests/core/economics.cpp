// Per-point economics: the InferenceX formulas on hand-computed values, disaggregated
// denominators, measured energy, the economic columns of the registry and their inverses,
// cost-space frontiers (= throughput frontiers mapped through a positive constant), values at a
// target interactivity taken from the interpolated throughput, and the templated front ends
// for callers' own rows.
#include <doctest/doctest.h>

#include <inferlens/columns.hpp>
#include <inferlens/curves.hpp>
#include <inferlens/economics.hpp>
#include <inferlens/json.hpp>
#include <inferlens/load.hpp>
#include <inferlens/pareto.hpp>
#include <inferlens/pricing.hpp>
#include <inferlens/record.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace inferlens;

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();
constexpr double k_inf = std::numeric_limits<double>::infinity();

double value(std::optional<double> v) {
  REQUIRE(v.has_value());
  return *v;
}

// A price with the two constants given (what every per-point figure needs).
resolved_pricing price(double usd, double kw) {
  resolved_pricing r;
  r.usd_per_gpu_hour = usd;
  r.kw_per_gpu = kw;
  return r;
}

// A single-node point with per-GPU throughputs and an interactivity.
benchmark_point point(double tput, double interactivity, std::int64_t tp = 1) {
  benchmark_point p;
  p.hw = "b200";
  p.tp = tp;
  p.total_token_throughput = tput * static_cast<double>(tp);
  p.output_throughput = p.total_token_throughput.value() / 2;
  p.intvty.median = interactivity;
  derive(p);
  return p;
}

const column_id economic_ids[] = {
#define INFERLENS_E(id, ...) cols::id,
    INFERLENS_ECONOMIC_COLUMNS(INFERLENS_E)
#undef INFERLENS_E
};

}  // namespace

TEST_CASE("economics: the four formulas on round numbers") {
  // 1000 tok/s/GPU at $1.80/GPU-h and 2.0 kW/GPU:
  // Mtok per GPU-hour = 1000 × 3600 / 1e6 = 3.6; $/Mtok = 1.80 / 3.6 = 0.5
  CHECK(value(usd_per_mtok(1000, 1.80)) == doctest::Approx(0.5).epsilon(1e-15));
  // tokens per $ = 1000 × 3600 / 1.80 = 2,000,000
  CHECK(value(tokens_per_usd(1000, 1.80)) == doctest::Approx(2e6).epsilon(1e-15));
  // tok/s/MW = 1000 × 1000 / 2.0 = 500,000
  CHECK(value(tok_per_s_per_mw(1000, 2.0)) == 500000.0);
  // J/token = 2.0 × 1000 / 1000 = 2
  CHECK(value(j_per_token(1000, 2.0)) == 2.0);
}

TEST_CASE("economics: InferenceX's order of operations, bit for bit") {
  // chart-utils.ts: costh / (tput_per_gpu * 3600 / 1e6); the same IEEE operations in the same
  // order give the same double.
  for (double t : {17364.1, 476.5, 1707.6, 1926.8, 0.1, 123456.789}) {
    const double tokens_per_hour_m = t * 3600 / 1e6;
    CHECK(value(usd_per_mtok(t, 1.95)) == 1.95 / tokens_per_hour_m);
    CHECK(value(tok_per_s_per_mw(t, 2.17)) == t * 1000 / 2.17);
    CHECK(value(j_per_token(t, 2.17)) == 2.17 * 1000 / t);
  }
}

TEST_CASE("economics: published InferenceX figures") {
  // Reference §6.2: B200 gpt-oss 1k/1k at 17,364.1 tok/s/GPU, $1.95/GPU-h, 2.17 kW:
  // 1.95 / (17364.1 × 0.0036) = 1.95 / 62.51076 = $0.0312/M; 17364.1 × 1000 / 2.17 = 8.00 M tok/s/MW;
  // 2170 / 17364.1 = 0.125 J/tok
  CHECK(value(usd_per_mtok(17364.1, 1.95)) == doctest::Approx(0.0312).epsilon(0.001));
  CHECK(value(tok_per_s_per_mw(17364.1, 2.17)) == doctest::Approx(8.0e6).epsilon(0.001));
  CHECK(value(j_per_token(17364.1, 2.17)) == doctest::Approx(0.125).epsilon(0.001));
  // MiniMax-M2.5 post (table A): H100 conc 32, 1,707.6 tok/s/GPU at $1.30 → 1.30 / 6.14736 = $0.211
  CHECK(value(usd_per_mtok(1707.6, 1.30)) == doctest::Approx(0.2115).epsilon(0.001));
  // B200 NVFP4 TP1 conc 8, 6,683.0 tok/s/GPU at $1.95 → 1.95 / 24.0588 = $0.081
  CHECK(value(usd_per_mtok(6683.0, 1.95)) == doctest::Approx(0.08105).epsilon(0.001));
}

TEST_CASE("economics: no answer for a throughput, price or power that is not positive") {
  for (double bad : {0.0, -1.0, k_nan, k_inf, -k_inf}) {
    CHECK_FALSE(usd_per_mtok(bad, 1.0));
    CHECK_FALSE(tokens_per_usd(bad, 1.0));
    CHECK_FALSE(tok_per_s_per_mw(bad, 1.0));
    CHECK_FALSE(j_per_token(bad, 1.0));
    CHECK_FALSE(usd_per_mtok(1000, bad));
    CHECK_FALSE(tokens_per_usd(1000, bad));
    CHECK_FALSE(tok_per_s_per_mw(1000, bad));
    CHECK_FALSE(j_per_token(1000, bad));
  }
}

TEST_CASE("economics_of: a single-node point") {
  // tp 4, 8000 tok/s in all, 2000 of them output: per GPU 2000 total, 1500 input, 500 output.
  benchmark_point p;
  p.hw = "b200-trt";
  p.tp = 4;
  p.total_token_throughput = 8000;
  p.output_throughput = 2000;
  derive(p);
  const auto e = economics_of(p, price(1.80, 2.0));
  // $1.80 / (2000 × 0.0036) = 1.80 / 7.2 = 0.25; input 1.80 / 5.4 = 0.3333...; output 1.80 / 1.8 = 1
  CHECK(value(e.usd_per_mtok) == doctest::Approx(0.25));
  CHECK(value(e.usd_per_mtok_input) == doctest::Approx(1.0 / 3.0));
  CHECK(value(e.usd_per_mtok_output) == doctest::Approx(1.0));
  // tokens per $: 7.2e6 / 1.8 = 4e6; 5.4e6 / 1.8 = 3e6; 1.8e6 / 1.8 = 1e6
  CHECK(value(e.tokens_per_usd) == doctest::Approx(4e6));
  CHECK(value(e.input_tokens_per_usd) == doctest::Approx(3e6));
  CHECK(value(e.output_tokens_per_usd) == doctest::Approx(1e6));
  // tok/s/MW at 2 kW: 2000 × 500 = 1e6; 1500 × 500 = 7.5e5; 500 × 500 = 2.5e5
  CHECK(value(e.tok_per_s_per_mw) == doctest::Approx(1e6));
  CHECK(value(e.input_tok_per_s_per_mw) == doctest::Approx(7.5e5));
  CHECK(value(e.output_tok_per_s_per_mw) == doctest::Approx(2.5e5));
  // J/token: 2000 W / 2000 = 1; / 1500 = 1.333...; / 500 = 4
  CHECK(value(e.j_per_token) == doctest::Approx(1.0));
  CHECK(value(e.j_per_input_token) == doctest::Approx(4.0 / 3.0));
  CHECK(value(e.j_per_output_token) == doctest::Approx(4.0));
  CHECK_FALSE(e.measured_j_per_token);
  CHECK_FALSE(e.per_role_denominators);
  // the two-number kernel is the same computation
  CHECK(value(economics_of(p, 1.80, 2.0).usd_per_mtok) == value(e.usd_per_mtok));
}

TEST_CASE("economics_of: disaggregated points use InferenceMAX's per-role denominators") {
  // 4 prefill + 12 decode GPUs, 32,000 tok/s of which 16,000 output:
  // total per GPU = 32000 / 16 = 2000; input per prefill GPU = 16000 / 4 = 4000;
  // output per decode GPU = 16000 / 12 = 1333.33
  benchmark_point p;
  p.hw = "gb200";
  p.multinode = p.disagg = true;
  p.prefill.gpus = 4;
  p.decode.gpus = 12;
  p.total_token_throughput = 32000;
  p.output_throughput = 16000;
  derive(p);
  const auto e = economics_of(p, price(2.0, 1.5));
  CHECK(e.per_role_denominators);
  // $2 / (2000 × 0.0036) = 2 / 7.2; input 2 / 14.4; output 2 / 4.8
  CHECK(value(e.usd_per_mtok) == doctest::Approx(2.0 / 7.2));
  CHECK(value(e.usd_per_mtok_input) == doctest::Approx(2.0 / 14.4));
  CHECK(value(e.usd_per_mtok_output) == doctest::Approx(2.0 / 4.8));
  // J per output token: 1500 W / 1333.33 tok/s = 1.125
  CHECK(value(e.j_per_output_token) == doctest::Approx(1.125));
}

TEST_CASE("economics_of: measured energy beside the provisioned figure") {
  benchmark_point p;
  p.hw = "h100";
  p.tp = 8;
  p.total_token_throughput = 8000;
  p.output_throughput = 4000;
  derive(p);
  SUBCASE("from average power per GPU") {
    // 700 W × 8 GPUs / 8000 tok/s = 0.7 J/tok; per input and per output token 5600 / 4000 = 1.4
    p.avg_power_w = 700;
    const auto e = economics_of(p, price(1.0, 1.37));
    CHECK(value(e.measured_j_per_token) == doctest::Approx(0.7));
    CHECK(value(e.measured_j_per_input_token) == doctest::Approx(1.4));
    CHECK(value(e.measured_j_per_output_token) == doctest::Approx(1.4));
    // provisioned beside it: 1370 W / 1000 tok/s/GPU = 1.37
    CHECK(value(e.j_per_token) == doctest::Approx(1.37));
  }
  SUBCASE("from energy and token counts") {
    // 60,000 J over 50,000 input + 25,000 output tokens: 0.8 J/tok; 1.2 per input; 2.4 per output
    p.total_gpu_energy_j = 60000;
    p.total_input_tokens = 50000;
    p.total_output_tokens = 25000;
    const auto e = economics_of(p, price(1.0, 1.37));
    CHECK(value(e.measured_j_per_token) == doctest::Approx(0.8));
    CHECK(value(e.measured_j_per_input_token) == doctest::Approx(1.2));
    CHECK(value(e.measured_j_per_output_token) == doctest::Approx(2.4));
  }
  SUBCASE("from energy and duration") {
    // 56,000 J over 10 s at 8000 tok/s: 56000 / 80000 = 0.7
    p.total_gpu_energy_j = 56000;
    p.duration = 10;
    CHECK(value(economics_of(p, price(1.0, 1.37)).measured_j_per_token) == doctest::Approx(0.7));
  }
  SUBCASE("the harness's own figure wins") {
    p.avg_power_w = 700;
    p.joules_per_total_token = 0.65;
    p.joules_per_output_token = 1.3;
    const auto e = economics_of(p, price(1.0, 1.37));
    CHECK(value(e.measured_j_per_token) == 0.65);
    CHECK(value(e.measured_j_per_output_token) == 1.3);
    CHECK(value(e.measured_j_per_input_token) == doctest::Approx(1.4));
    CHECK(value(economic_value(cols::measured_j_per_output_token, p, price(1.0, 1.37))) == 1.3);
  }
}

TEST_CASE("economics_of: a point without throughput has no figures") {
  benchmark_point p;
  p.hw = "b200";
  const auto e = economics_of(p, price(1.0, 1.0));
  CHECK_FALSE(e.usd_per_mtok);
  CHECK_FALSE(e.tok_per_s_per_mw);
  CHECK_FALSE(e.j_per_output_token);
  CHECK_FALSE(e.measured_j_per_token);
  benchmark_point zero = point(0.0, 50);
  CHECK_FALSE(economics_of(zero, price(1.0, 1.0)).usd_per_mtok);
  // a missing price gives no cost, but the power figures still come
  const auto no_price = economics_of(point(1000, 50), price(k_nan, 2.0));
  CHECK_FALSE(no_price.usd_per_mtok);
  CHECK(value(no_price.tok_per_s_per_mw) == 500000.0);
}

TEST_CASE("economic columns: the registry's senses and agreement with economics_of") {
  CHECK(std::size(economic_ids) == 15);
  for (column_id c : economic_ids) CHECK(info(c).economic());
  CHECK(info(cols::usd_per_mtok).better == sense::minimize);
  CHECK(info(cols::tok_per_s_per_mw).better == sense::maximize);
  CHECK(info(cols::tokens_per_usd).better == sense::maximize);
  CHECK(info(cols::j_per_output_token).better == sense::minimize);
  CHECK(throughput_column(info(cols::usd_per_mtok_output).tokens) == cols::output_tput_per_gpu);
  CHECK(throughput_column(info(cols::input_tok_per_s_per_mw).tokens) == cols::input_tput_per_gpu);

  benchmark_point p;
  p.hw = "mi355x";
  p.tp = 8;
  p.total_token_throughput = 24000;
  p.output_throughput = 6000;
  derive(p);
  const auto in = price(1.48, 2.65);
  const auto e = economics_of(p, in);
  CHECK(value(economic_value(cols::usd_per_mtok, p, in)) == value(e.usd_per_mtok));
  CHECK(value(economic_value(cols::usd_per_mtok_input, p, in)) == value(e.usd_per_mtok_input));
  CHECK(value(economic_value(cols::output_tok_per_s_per_mw, p, in)) == value(e.output_tok_per_s_per_mw));
  CHECK(value(economic_value(cols::j_per_token, p, in)) == value(e.j_per_token));
  CHECK(value(economic_value(cols::output_tokens_per_usd, p, in)) == value(e.output_tokens_per_usd));
  CHECK_FALSE(economic_value(cols::measured_j_per_token, p, in));
  CHECK_FALSE(economic_value_from_throughput(cols::measured_j_per_token, 1000, in));
  // not an economic column: no economic value
  CHECK_FALSE(economic_value(cols::tput_per_gpu, p, in));
  CHECK_FALSE(economic_value_from_throughput(cols::median_intvty, 1000, in));
  CHECK_FALSE(throughput_for(cols::tput_per_gpu, 1000, in));
}

TEST_CASE("economic columns: throughput_for inverts economic_value_from_throughput") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> tput(1.0, 50000.0), usd(0.3, 6.0), kw(0.5, 4.0);
  for (int i = 0; i < 200; ++i) {
    const double t = tput(rng);
    const auto in = price(usd(rng), kw(rng));
    for (column_id c : economic_ids) {
      if (info(c).metric == economic_metric::measured_j_per_token) continue;
      const double v = value(economic_value_from_throughput(c, t, in));
      CHECK(value(throughput_for(c, v, in)) == doctest::Approx(t).epsilon(1e-12));
    }
  }
  CHECK_FALSE(throughput_for(cols::usd_per_mtok, 0.0, price(1, 1)));
  CHECK_FALSE(throughput_for(cols::usd_per_mtok, 1.0, price(k_nan, 1)));
  CHECK_FALSE(throughput_for(cols::j_per_token, 1.0, price(1, k_nan)));
}

TEST_CASE("cost frontier = throughput frontier mapped through a positive constant") {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> x(5.0, 300.0), y(10.0, 30000.0), usd(0.5, 5.0), kw(0.8, 3.0);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<double> xs, ys;
    std::vector<benchmark_point> pts;
    const std::size_t n = 1 + static_cast<std::size_t>(trial) * 3;
    for (std::size_t i = 0; i < n; ++i) {
      pts.push_back(point(y(rng), x(rng)));
      xs.push_back(*pts.back().interactivity());
      ys.push_back(*pts.back().tput_per_gpu);
    }
    const auto tput_frontier = frontier_2d(xs, ys, sense::maximize, sense::maximize);
    const auto in = price(usd(rng), kw(rng));
    for (column_id c : {cols::usd_per_mtok, cols::tokens_per_usd, cols::tok_per_s_per_mw, cols::j_per_token}) {
      std::vector<double> vs;
      for (const auto& p : pts) vs.push_back(value(economic_value(c, p, in)));
      const auto f = frontier_2d(xs, vs, sense::maximize, info(c).better);
      REQUIRE(f == tput_frontier);
      // along the frontier the cost rises (and tokens per MW fall) as interactivity rises
      for (std::size_t k = 1; k < f.size(); ++k) {
        if (info(c).better == sense::minimize) CHECK(vs[f[k]] > vs[f[k - 1]]);
        else CHECK(vs[f[k]] < vs[f[k - 1]]);
      }
    }
  }
}

TEST_CASE("economics at a target interactivity come from the interpolated throughput") {
  // Two knots (10, 2000) and (20, 1000): at 15 the throughput is 1500.
  const curve c({10.0, 20.0}, {2000.0, 1000.0}, interpolation::linear);
  const auto in = price(1.80, 2.0);
  const auto t = c.y_at(15.0);
  REQUIRE(t);
  const auto e = economics_of_throughput(*t, in);
  CHECK(e.tput_per_gpu == doctest::Approx(1500.0));
  // 1.80 / (1500 × 0.0036) = 1.80 / 5.4 = 1/3 — not the average of the knot costs
  // (0.25 and 0.5 → 0.375), which would disagree with the throughput
  CHECK(value(e.usd_per_mtok) == doctest::Approx(1.0 / 3.0));
  CHECK(value(e.tok_per_s_per_mw) == doctest::Approx(750000.0));  // 1500 × 1000 / 2
  CHECK(value(e.j_per_token) == doctest::Approx(2000.0 / 1500.0));
  CHECK(value(e.tokens_per_usd) == doctest::Approx(3e6));  // 5.4e6 / 1.8
  CHECK_FALSE(c.y_at(25.0));  // no extrapolation
  // and back: the interactivity a $1/3 per Mtok budget buys is 15
  CHECK(value(c.x_at(value(throughput_for(cols::usd_per_mtok, 1.0 / 3.0, in)))) == doctest::Approx(15.0));
  CHECK_FALSE(c.x_at(value(throughput_for(cols::usd_per_mtok, 0.1, in))));  // needs 5000 tok/s/GPU
}

TEST_CASE("economics: property — a steffen curve's cost is the cost of its throughput") {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> x = {12, 30, 55, 90, 140, 210}, y = {14000, 11000, 7000, 3500, 1200, 300};
  const curve c(x, y);
  const auto in = price(1.73, 1.71);
  for (int i = 0; i < 500; ++i) {
    const double q = 12 + u(rng) * (210 - 12);
    const auto t = c.y_at(q);
    REQUIRE(t);
    CHECK(value(economic_value_from_throughput(cols::usd_per_mtok, *t, in)) == 1.73 / (*t * 3600 / 1e6));
    CHECK(value(economic_value_from_throughput(cols::tok_per_s_per_mw, *t, in)) == *t * 1000 / 1.71);
  }
}

TEST_CASE("economics: callers' own rows through a projection") {
  struct run {
    const char* name;
    double tok_s_gpu;
    std::optional<double> measured;
  };
  const std::vector<run> runs = {{"a", 1000, 2000.0}, {"b", 0, std::nullopt}, {"c", 3600, 500.0}};
  // $1.80: 1.80 / 3.6 = 0.5; no answer for 0; 1.80 / 12.96
  const auto cost = usd_per_mtok(runs, &run::tok_s_gpu, 1.80);
  REQUIRE(cost.size() == 3);
  CHECK(cost[0] == 1.80 / (1000 * 3600 / 1e6));
  CHECK(std::isnan(cost[1]));
  CHECK(cost[2] == 1.80 / (3600 * 3600 / 1e6));
  // a projection giving optional<double>: nothing → NaN; 2 kW: 2000 × 1000 / 2 = 1e6, 500 × 500 = 2.5e5
  const auto per_mw = tok_per_s_per_mw(runs, [](const run& r) { return r.measured; }, 2.0);
  CHECK(per_mw[0] == 1e6);
  CHECK(std::isnan(per_mw[1]));
  CHECK(per_mw[2] == 2.5e5);
  // the other two, and the span kernels they are built on
  const std::vector<double> tput = {1000, 3600};
  CHECK(tokens_per_usd(runs, &run::tok_s_gpu, 1.80)[0] == value(tokens_per_usd(1000, 1.80)));
  CHECK(j_per_token(runs, &run::tok_s_gpu, 2.0)[2] == value(j_per_token(3600, 2.0)));
  CHECK(usd_per_mtok(std::span<const double>(tput), 1.80) == std::vector<double>{cost[0], cost[2]});
  // benchmark points are rows like any other
  const std::vector<benchmark_point> pts = {point(1000, 50), point(500, 80)};
  CHECK(usd_per_mtok(pts, &benchmark_point::tput_per_gpu, 1.80)[1] == 1.80 / (500 * 3600 / 1e6));
  CHECK(usd_per_mtok(std::vector<run>{}, &run::tok_s_gpu, 1.0).empty());
}

TEST_CASE("economics: JSON output names every figure, null when missing") {
  nlohmann::json j = economics_of(point(1000, 50), price(1.80, 2.0));
  CHECK(j.at("usd_per_mtok").get<double>() == doctest::Approx(0.5));
  CHECK(j.at("measured_j_per_token").is_null());
  CHECK(j.at("per_role_denominators") == false);
  nlohmann::json t = economics_of_throughput(0, price(1.8, 2.0));
  CHECK(t.at("usd_per_mtok").is_null());
  const pricing_result r = pricing::fixed(1.8, 2.0, power_basis::it).resolve("anything");
  nlohmann::json k = r;
  CHECK(k.at("power_basis") == "it");
  CHECK(k.at("usd_per_gpu_hour") == 1.8);
  nlohmann::json missing = pricing::preset(tier::rental).resolve("rtx6000");
  CHECK(missing.at("field") == "accelerator");
}

TEST_CASE("economics of the real InferenceMAX rows agree with InferenceX's formulas (shared data)") {
  // Independent path: the constants from the dashboard's own table (CSV), the throughputs from the
  // raw JSON rows, the formulas of chart-utils.ts written out here; against the library's presets
  // (vintage 2025-08), reader and economics_of.
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(INFERLENS_SHARED_DATA_DIR) / "inferencemax";
  if (!fs::exists(dir / "agg_bmk") || !fs::exists(dir / "inferencex_app_gpu_specs.csv")) {
    MESSAGE("shared InferenceMAX data not found; skipping");
    return;
  }
  struct constants {
    double kw, costh, costn, costr;
  };
  std::map<std::string, constants> table;
  std::ifstream csv(dir / "inferencex_app_gpu_specs.csv");
  std::string line;
  std::getline(csv, line);
  while (std::getline(csv, line)) {
    std::vector<std::string> c;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) c.push_back(cell);
    if (c.size() >= 5) table[c[0]] = {std::stod(c[1]), std::stod(c[2]), std::stod(c[3]), std::stod(c[4])};
  }
  auto rel = [](double a, double b) { return std::abs(a - b) / std::abs(b); };
  std::size_t rows = 0;
  for (const auto& file : fs::directory_iterator(dir / "agg_bmk")) {
    const auto points = load(file.path()).points();
    std::ifstream f(file.path());
    const nlohmann::json raw = nlohmann::json::parse(f);
    REQUIRE(raw.size() == points.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
      const auto& row = raw[i];
      std::string gpu = row.at("hw").get<std::string>();
      gpu = gpu.substr(0, gpu.find_first_of("-_"));
      CAPTURE(gpu);
      const constants& k = table.at(gpu);
      for (const auto& [t, cost] : {std::pair{tier::hyperscaler, k.costh}, {tier::neocloud, k.costn}, {tier::rental, k.costr}}) {
        const pricing_result in = pricing::preset(t, "2025-08").resolve(points[i].accelerator);
        REQUIRE(in);
        REQUIRE(in->usd_per_gpu_hour == cost);
        REQUIRE(in->kw_per_gpu == k.kw);
        const point_economics e = economics_of(points[i], *in);
        const double tp = row.at("tput_per_gpu"), ti = row.at("input_tput_per_gpu"), to = row.at("output_tput_per_gpu");
        CHECK(rel(value(e.usd_per_mtok), cost / (tp * 3600 / 1e6)) <= 1e-12);
        CHECK(rel(value(e.usd_per_mtok_input), cost / (ti * 3600 / 1e6)) <= 1e-12);
        CHECK(rel(value(e.usd_per_mtok_output), cost / (to * 3600 / 1e6)) <= 1e-12);
        CHECK(rel(value(e.tok_per_s_per_mw), tp * 1000 / k.kw) <= 1e-12);
        CHECK(rel(value(e.output_tok_per_s_per_mw), to * 1000 / k.kw) <= 1e-12);
        CHECK(rel(value(e.j_per_token), k.kw * 1000 / tp) <= 1e-12);
        CHECK(rel(value(e.j_per_input_token), k.kw * 1000 / ti) <= 1e-12);
        CHECK(e.per_role_denominators == row.value("is_multinode", false));
      }
      ++rows;
    }
  }
  CHECK(rows == 698);
}
