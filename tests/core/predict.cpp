// The physical bound (limits.hpp) and the calibrated model (predict.hpp): the bound against a
// hand computation of tco-power.md §6's worked example, properties on the real data, the fit
// recovering planted parameters, the CLI.
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <inferlens/inferlens.hpp>
#include <inferlens/limits.hpp>
#include <inferlens/predict.hpp>
#include <inferlens/write.hpp>

#ifdef INFERLENS_CLI
#include "cli_support.hpp"
#endif

using namespace inferlens;

namespace {

// Llama-3.3-70B, FP8 weights and KV, on H100 SXM, decode only, 2,048 tokens of context.
limit_config llama70b_h100(std::int64_t tp) {
  limit_config c;
  c.model = "Llama-3.3-70B";
  c.accelerator = "h100";
  c.precision = "fp8";
  c.kv_precision = "fp8";
  c.tp = tp;
  c.prefill = false;
  c.context = 2048;
  c.length_scale = 1;
  return c;
}

input_error thrown(const auto& f) {
  try {
    f();
  } catch (const input_error& e) {
    return e;
  }
  FAIL("no input_error thrown");
  return input_error({}, "");
}

}  // namespace

TEST_CASE("predict: the bound reproduces the roofline worked example computed by hand") {
  // The example's inputs, written out here independently of the data files.
  const double params = 70.55e9, weight_bytes = params * 1.0;
  const double kv_per_token = 2.0 * 80 * 8 * 128 * 1.0;  // layers x KV heads x head dim x K and V, 1 byte
  const double bw = 3.35e12, hbm = 80e9, ctx = 2048;
  for (std::int64_t n : {2, 4, 8}) {
    const double N = static_cast<double>(n);
    const limit_bound b = bound(llama70b_h100(n));
    for (double I : {50.0, 100.0}) {
      const double batch = (N * bw / I - weight_bytes) / (ctx * kv_per_token);
      const double cap = (N * hbm - weight_bytes) / (ctx * kv_per_token);
      const auto at = b.at(I);
      if (batch < 1) {
        CHECK_FALSE(at);  // N = 2 at 100 tok/s/user: unreachable
        continue;
      }
      REQUIRE(at);
      const double expected = std::min(batch, cap) * I / N;
      CHECK(at->output_tput_per_gpu == doctest::Approx(expected).epsilon(1e-6));
      CHECK(at->tput_per_gpu == doctest::Approx(expected).epsilon(1e-6));  // decode only: output tokens
      CHECK(at->binding == (batch < cap ? limit_kind::bandwidth : limit_kind::capacity));
    }
    // HBM-limited at 30 tok/s/user with 90% of HBM usable
    limit_config c = llama70b_h100(n);
    c.hbm_fraction = 0.9;
    const auto at30 = bound(c).at(30);
    REQUIRE(at30);
    const double cap = (N * hbm * 0.9 - weight_bytes) / (ctx * kv_per_token);
    CHECK(at30->tput_per_gpu == doctest::Approx(cap * 30 / N).epsilon(1e-6));
    CHECK(at30->binding == limit_kind::capacity);
    // batch 1: weights and one sequence's KV over the bandwidth
    CHECK(b.max_interactivity() == doctest::Approx(N * bw / (weight_bytes + ctx * kv_per_token)).epsilon(1e-9));
  }
}

TEST_CASE("predict: bound curve is monotone and prefill lowers it; MoE reads fewer weights at small batch") {
  limit_config c;
  c.model = "DeepSeek-R1";
  c.accelerator = "b200";
  c.precision = "fp8";
  c.tp = 8;
  c.isl = 8192;
  c.osl = 1024;
  const limit_bound b = bound(c);
  REQUIRE_FALSE(b.empty());
  const auto xs = b.curve().xs(), ys = b.curve().ys();
  REQUIRE(xs.size() > 10);
  for (std::size_t i = 1; i < xs.size(); ++i) {
    CHECK(xs[i] > xs[i - 1]);
    CHECK(ys[i] <= ys[i - 1] * (1 + 1e-12));
  }
  limit_config decode_only = c;
  decode_only.prefill = false;
  const double x = 0.5 * (xs.front() + xs.back());
  CHECK(b.at(x)->tput_per_gpu < bound(decode_only).at(x)->tput_per_gpu * (1 + 8192.0 / 1024));
  const limit_model m = resolve(c);
  CHECK(m.weights_read(1) == doctest::Approx(37e9).epsilon(1e-6));   // active parameters at 1 byte
  CHECK(m.weights_read(1e6) == doctest::Approx(671e9).epsilon(1e-6));  // every expert
  CHECK(m.weights_read(16) < m.weights_read(64));
}

TEST_CASE("predict: architecture data agrees with its own formulas") {
  std::size_t with = 0;
  for (const model_identity& m : known_models()) {
    if (!m.architecture) continue;
    ++with;
    const model_architecture& a = *m.architecture;
    CAPTURE(m.name);
    CHECK(a.kv_bytes_per_token_fp8 == doctest::Approx(a.kv_elements_per_token()));
    CHECK(a.kv_bytes_per_token_bf16 == doctest::Approx(2 * a.kv_elements_per_token()));
    CHECK(a.shared_parameters() > 0);
    CHECK(a.shared_parameters() <= a.active_parameters);
  }
  CHECK(with >= 2);
  for (const char* m : {"gpt-oss-120b", "DeepSeek-R1"}) CHECK(find_model(m)->architecture);
  for (const char* acc : {"h100", "h200", "b200", "gb200", "mi300x", "mi325x", "mi355x", "b200-trt", "mi355x-amd_0"}) {
    CAPTURE(acc);
    const accelerator_spec* s = find_spec(acc);
    REQUIRE(s);
    CHECK(s->hbm_tb_per_s.known());
    CHECK_FALSE(s->hbm_tb_per_s.source.empty());
    CHECK(s->peak_flops("fp4") >= s->peak_flops("fp8"));
    CHECK(s->peak_flops("fp8") >= s->peak_flops("bf16"));
  }
}

TEST_CASE("predict: bad configurations name the field") {
  limit_config c = llama70b_h100(2);
  c.accelerator = "tpu99";
  CHECK(thrown([&] { (void)bound(c); }).where().field == "accelerator");
  c = llama70b_h100(2);
  c.precision = "fp3";
  CHECK(thrown([&] { (void)bound(c); }).where().field == "precision");
  c = llama70b_h100(2);
  c.model = "MiniMax-M2.5";  // a known model without architecture
  CHECK(thrown([&] { (void)bound(c); }).where().field == "model");
  c = llama70b_h100(0);
  CHECK(thrown([&] { (void)bound(c); }).where().field == "tp");
  benchmark_point p;
  p.model = "gpt-oss-120b";
  p.accelerator = "h100";
  p.precision = "fp4";
  p.isl = p.osl = 1024;
  CHECK(thrown([&] { (void)config_of(p); }).where().field == "tp");
  const point_limit l = limit_of(p);
  CHECK_FALSE(l.known());
  CHECK_FALSE(l.reason.empty());
}

TEST_CASE("predict: every real point is within its bound or flagged; pct_of_limit is a column") {
  const std::filesystem::path dir = std::filesystem::path(INFERLENS_SHARED_DATA_DIR) / "inferencemax" / "agg_bmk";
  if (!std::filesystem::exists(dir)) {
    MESSAGE("shared InferenceMAX data not found; skipping");
    return;
  }
  const result_table t = load(dir.string());
  std::size_t bounded = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const point_limit l = limit_of(t.point(i));
    CAPTURE(t.point(i).source);
    CAPTURE(t.point(i).source_row);
    if (l.above) {
      CHECK_FALSE(l.reason.empty());
      continue;
    }
    REQUIRE(l.known());
    ++bounded;
    CHECK(l.pct_of_limit > 0);
    CHECK(l.pct_of_limit <= 100);
    if (std::isfinite(l.bound_at_concurrency)) CHECK(l.bound_at_concurrency <= l.bound * (1 + 1e-9));
  }
  CHECK(bounded == t.size());  // the real set has no impossible point
  const result_table w = with_limits(t);
  CHECK(w.has(cols::pct_of_limit));
  frontier_spec spec;
  spec.y = cols::pct_of_limit;
  const frontier_set set = t.frontiers(spec);  // computed on demand
  CHECK(set.rows_on_frontiers() > 0);
  for (const system_frontier& s : set)
    for (double y : s.curve().ys()) CHECK(y <= 100);
}

TEST_CASE("predict: the fit recovers planted parameters from synthetic points") {
  const std::array<double, tpot_terms> c{2.5e-3, 1.3, 0.9, 1.6, 2.0, 4.0};
  const std::array<double, ttft_terms> d{0.02, 1.8, 0.35};
  const double rho = 0.9;
  std::vector<benchmark_point> pts;
  for (auto [isl, osl] : {std::pair{1024, 1024}, std::pair{1024, 8192}, std::pair{8192, 1024}})
    for (std::int64_t tp : {1, 2, 4, 8})
      for (std::int64_t conc : {1, 4, 16, 64, 256}) {
        benchmark_point p;
        p.model = "gpt-oss-120b";
        p.accelerator = p.hw = "h100";
        p.precision = "fp4";
        p.framework = "synthetic";
        p.spec_decoding = "none";
        p.isl = isl;
        p.osl = osl;
        p.tp = tp;
        p.concurrency = conc;
        limit_config cfg = config_of(p);
        cfg.length_scale = rho;
        const limit_model m = resolve(cfg);
        const auto f = tpot_features(m, static_cast<double>(conc));
        const auto g = ttft_features(m, static_cast<double>(conc));
        double tpot = 0, ttft = 0;
        for (std::size_t j = 0; j < tpot_terms; ++j) tpot += c[j] * f[j];
        for (std::size_t j = 0; j < ttft_terms; ++j) ttft += d[j] * g[j];
        p.tpot.median = p.tpot.mean = tpot;
        p.ttft.mean = ttft;
        p.intvty.median = 1 / tpot;
        p.tput_per_gpu = rho * static_cast<double>(conc * (isl + osl)) / (static_cast<double>(tp) * (ttft + rho * osl * tpot));
        p.num_gpus = tp;
        pts.push_back(p);
      }
  const calibration cal = calibrate(std::span<const benchmark_point>(pts));
  CHECK(cal.points == pts.size());
  CHECK(cal.length_ratio == doctest::Approx(rho).epsilon(1e-9));
  for (std::size_t j = 0; j < tpot_terms; ++j) {
    CAPTURE(j);
    CHECK(cal.tpot_median.beta[j] == doctest::Approx(c[j]).epsilon(1e-6));
  }
  for (std::size_t j = 0; j < ttft_terms; ++j) {
    CAPTURE(j);
    CHECK(cal.ttft.beta[j] == doctest::Approx(d[j]).epsilon(1e-6));
  }
  CHECK(cal.tpot_median.sigma < 1e-8);
  // the prediction of a measured point gives its measurement back
  const benchmark_point& q = pts[7];
  const auto pr = cal.predict(config_of(q), static_cast<double>(*q.concurrency));
  REQUIRE(pr);
  CHECK(pr->tput_per_gpu == doctest::Approx(*q.tput_per_gpu).epsilon(1e-6));
  CHECK(pr->interactivity == doctest::Approx(1 / *q.tpot.median).epsilon(1e-6));
  // a predicted frontier: x ascending, y descending, never above the bound
  limit_config target = config_of(q);
  target.isl = 2048;
  target.osl = 2048;
  const std::vector<std::int64_t> tps{1, 2, 4, 8};
  const std::vector<double> concs{1, 2, 4, 8, 16, 32, 64, 128, 256};
  const predicted_frontier f = predict_frontier(cal, target, tps, concs);
  REQUIRE(f.points.size() > 2);
  for (std::size_t i = 1; i < f.points.size(); ++i) {
    CHECK(f.points[i].interactivity > f.points[i - 1].interactivity);
    CHECK(f.points[i].tput_per_gpu < f.points[i - 1].tput_per_gpu);
  }
  for (const predicted_point& p : f.all) {
    CHECK(p.low <= p.tput_per_gpu);
    CHECK(p.tput_per_gpu <= p.high);
    if (p.bound > 0) CHECK(p.tput_per_gpu <= p.bound);
  }
  CHECK(thrown([&] { (void)calibrate(std::span<const benchmark_point>(pts.data(), 3)); }).where().field == "results");
}

TEST_CASE("predict: leave-one-out on synthetic points of a planted model has no error") {
  std::vector<benchmark_point> pts;
  for (auto [isl, osl] : {std::pair{1024, 1024}, std::pair{1024, 8192}, std::pair{8192, 1024}})
    for (std::int64_t tp : {1, 2, 4, 8})
      for (std::int64_t conc : {1, 4, 16, 64, 256}) {
        benchmark_point p;
        p.model = "gpt-oss-120b";
        p.accelerator = p.hw = "h200";
        p.precision = "fp4";
        p.framework = "synthetic";
        p.spec_decoding = "none";
        p.isl = isl;
        p.osl = osl;
        p.tp = tp;
        p.concurrency = conc;
        limit_config cfg = config_of(p);
        cfg.length_scale = 1;
        const limit_model m = resolve(cfg);
        const auto f = tpot_features(m, static_cast<double>(conc));
        const double tpot = 1e-3 + 1.25 * f[1] + 1.1 * f[2] + 1.5 * f[3] + 1.2 * f[4] + 2 * f[5];
        const double ttft = 0.01 + 2 * ttft_features(m, static_cast<double>(conc))[1];
        p.tpot.median = p.tpot.mean = tpot;
        p.ttft.mean = ttft;
        p.intvty.median = 1 / tpot;
        p.tput_per_gpu = static_cast<double>(conc * (isl + osl)) / (static_cast<double>(tp) * (ttft + osl * tpot));
        pts.push_back(p);
      }
  const result_table t{std::span<const benchmark_point>(pts)};
  const double at[] = {50, 100, 200};
  const auto errors = validate_leave_one_out(t, at);
  REQUIRE_FALSE(errors.empty());
  for (const validation_error& e : errors) CHECK(std::abs(e.error()) < 1e-6);
}

#ifdef INFERLENS_CLI
TEST_CASE("predict: CLI predict and frontier --y pct_of_limit") {
  // synthetic results with a planted model, written as the library's JSON
  std::vector<benchmark_point> pts;
  for (auto [isl, osl] : {std::pair{1024, 1024}, std::pair{8192, 1024}})
    for (std::int64_t tp : {1, 2, 4})
      for (std::int64_t conc : {4, 16, 64}) {
        benchmark_point p;
        p.model = "gpt-oss-120b";
        p.accelerator = p.hw = "h100";
        p.precision = "fp4";
        p.framework = "vllm";
        p.spec_decoding = "none";
        p.isl = isl;
        p.osl = osl;
        p.tp = tp;
        p.concurrency = conc;
        p.completed = 100;
        const limit_model m = resolve(config_of(p));
        const auto f = tpot_features(m, static_cast<double>(conc));
        const double tpot = 2e-3 + 1.5 * f[1] + 1.2 * f[2] + 2 * f[3] + 2 * f[4] + 3 * f[5];
        const double ttft = 0.03 + 2 * ttft_features(m, static_cast<double>(conc))[1];
        p.tpot.median = p.tpot.mean = tpot;
        p.ttft.mean = p.ttft.median = ttft;
        p.intvty.median = p.intvty.mean = 1 / tpot;
        p.tput_per_gpu = 0.8 * static_cast<double>(conc * (isl + osl)) / (static_cast<double>(tp) * (ttft + 0.8 * osl * tpot));
        pts.push_back(p);
      }
  cli_support::temp_dir dir;
  const auto file = dir.write("runs.json", to_json_text(result_table{std::span<const benchmark_point>(pts)}));
  const std::string in = " \"" + file.string() + "\"";

  auto r = cli_support::run_cli("predict --model gpt-oss-120b --hw h100 --precision fp4 --isl 1024 --osl 4096" + in);
  CHECK(r.status == 0);
  CHECK(r.out.find("h100 vllm · gpt-oss-120b 1024/4096 fp4 (predicted)") != std::string::npos);
  CHECK(r.out.find("calibrated on 18 points") != std::string::npos);
  CHECK(r.out.find("sigma") != std::string::npos);
  CHECK(r.out.find("bound") != std::string::npos);

  r = cli_support::run_cli("predict --model gpt-oss-120b --hw b200 --precision fp4 --isl 1024 --osl 1024 --tp 1,2 --format json" + in);
  CHECK(r.status == 0);
  CHECK(r.out.find("\"cross_hardware\": true") != std::string::npos);
  CHECK(r.out.find("\"frontier\"") != std::string::npos);

  r = cli_support::run_cli("predict --model gpt-oss-120b --hw tpu99 --precision fp4 --isl 1024 --osl 1024" + in);
  CHECK(r.status == 2);
  CHECK(r.out.find("--hw") != std::string::npos);
  r = cli_support::run_cli("predict --model MiniMax-M2.5 --hw h100 --precision fp4 --isl 1024 --osl 1024" + in);
  CHECK(r.status == 2);
  CHECK(r.out.find("architecture") != std::string::npos);
  r = cli_support::run_cli("predict --model gpt-oss-120b --hw h100 --precision fp8 --isl 1024 --osl 1024" + in);
  CHECK(r.status == 2);  // nothing to calibrate on
  CHECK(r.out.find("results") != std::string::npos);

  r = cli_support::run_cli("frontier --y pct_of_limit" + in);
  CHECK(r.status == 0);
  CHECK(r.out.find("pct_of_limit") != std::string::npos);
  CHECK(r.out.find("rows on none") != std::string::npos);
}
#endif  // INFERLENS_CLI
