// The simulated engine with a calibrated system's step times (sim/calibrated.hpp): the step at a
// batch is the calibrated TPOT at that batch, term by term; one system is chosen from results
// (ambiguity names the candidates); the scheduler on its model clock, and a short bench run against
// the simulated server in model time, give TPOTs near the prediction. No wall-clock assert: the
// bench's times are the model's (sweep time_scale), with a loose bound.
#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <inferlens/loadgen/sweep.hpp>
#include <inferlens/predict.hpp>
#include <inferlens/sim/calibrated.hpp>
#include <inferlens/sim/server.hpp>
#include <inferlens/stats.hpp>

namespace lg = inferlens::loadgen;
namespace sim = inferlens::sim;
using inferlens::benchmark_point;

namespace {

// Synthetic points of a planted model (as tests/core/predict.cpp does), with the nominal lengths
// (length ratio 1), so that the calibration recovers the planted coefficients.
std::vector<benchmark_point> planted(const std::string& model, const std::string& acc, const std::string& precision,
                                     const std::string& framework, std::vector<std::int64_t> tps) {
  const std::array<double, inferlens::tpot_terms> c{2.5e-3, 1.3, 0.9, 1.6, 2.0, 4.0};
  const std::array<double, inferlens::ttft_terms> d{0.02, 1.8, 0.35};
  std::vector<benchmark_point> pts;
  for (auto [isl, osl] : {std::pair{1024, 1024}, std::pair{256, 64}, std::pair{8192, 1024}})
    for (std::int64_t tp : tps)
      for (std::int64_t conc : {1, 4, 16, 64}) {
        benchmark_point p;
        p.model = model;
        p.accelerator = p.hw = acc;
        p.precision = precision;
        p.framework = framework;
        p.spec_decoding = "none";
        p.isl = isl;
        p.osl = osl;
        p.tp = tp;
        p.num_gpus = tp;
        p.concurrency = conc;
        inferlens::limit_config cfg = inferlens::config_of(p);
        cfg.length_scale = 1;
        cfg.kv_precision = "fp8";
        const inferlens::limit_model m = inferlens::resolve(cfg);
        const auto f = inferlens::tpot_features(m, static_cast<double>(conc));
        const auto g = inferlens::ttft_features(m, static_cast<double>(conc));
        double tpot = 0, ttft = 0;
        for (std::size_t j = 0; j < inferlens::tpot_terms; ++j) tpot += c[j] * f[j];
        for (std::size_t j = 0; j < inferlens::ttft_terms; ++j) ttft += d[j] * g[j];
        p.tpot.median = p.tpot.mean = tpot;
        p.ttft.mean = p.ttft.median = ttft;
        p.tput_per_gpu = static_cast<double>(conc) * static_cast<double>(isl + osl) / (static_cast<double>(tp) * (ttft + static_cast<double>(osl) * tpot));
        p.intvty.median = 1 / tpot;
        pts.push_back(p);
      }
  return pts;
}

std::string thrown(const auto& f) {
  try {
    f();
  } catch (const inferlens::input_error& e) {
    return e.message();
  }
  FAIL("no input_error thrown");
  return {};
}

const std::string dense = "Llama-3.3-70B fp8 h100 synthetic";

}  // namespace

TEST_SUITE("sim.calibrated") {
  TEST_CASE("the step at a batch is the calibrated TPOT at that batch") {
    const auto pts = planted("Llama-3.3-70B", "h100", "fp8", "synthetic", {2, 4, 8});
    const inferlens::calibration cal = inferlens::calibrate(std::span<const benchmark_point>(pts));
    CHECK(cal.length_ratio == doctest::Approx(1.0).epsilon(1e-6));
    for (auto [isl, osl] : {std::pair{1024, 1024}, std::pair{256, 64}})
      for (std::int64_t tp : {2, 4, 8}) {
        CAPTURE(isl);
        CAPTURE(tp);
        benchmark_point like = pts.front();
        like.tp = tp;
        like.isl = isl;
        like.osl = osl;
        const inferlens::limit_config cfg = inferlens::config_of(like);
        const sim::calibrated_step_model s = sim::step_model_from(cal, cfg);
        CHECK(s.model.decode_base_s > 0);
        CHECK(s.model.decode_per_seq_s > 0);
        CHECK(s.model.kv_read_s_per_token > 0);
        CHECK(s.model.prefill_s_per_token > 0);
        CHECK(s.context == doctest::Approx(isl + osl / 2.0));
        CHECK(s.model.max_batch <= 256);
        CHECK(s.model.kv_capacity_tokens >= static_cast<std::int64_t>(s.model.max_batch) * (isl + osl));
        for (double b : {1.0, 2.0, 8.0, 32.0, 64.0}) {
          CAPTURE(b);
          const auto p = cal.predict(cfg, b);
          REQUIRE(p);
          CHECK(s.step_seconds(b) == doctest::Approx(p->tpot).epsilon(1e-9).scale(0));
          // the same through the simulator's own step_seconds, with whole token counts
          const auto ctx = static_cast<std::int64_t>(std::llround(b * s.context));
          const auto pre = static_cast<std::int64_t>(std::llround(s.steady_prefill_tokens(b)));
          CHECK(s.model.step_seconds(static_cast<int>(b), ctx, pre) == doctest::Approx(p->tpot).epsilon(2e-3).scale(0));
        }
      }
  }

  TEST_CASE("a MoE model: the experts a batch touches, as the bound counts them") {
    const auto pts = planted("gpt-oss-120b", "h100", "fp4", "synthetic", {1, 2, 4, 8});
    const inferlens::calibration cal = inferlens::calibrate(std::span<const benchmark_point>(pts));
    const inferlens::limit_config cfg = inferlens::config_of(pts.front());
    const sim::calibrated_step_model s = sim::step_model_from(cal, cfg);
    CHECK(s.model.moe_expert_read_s > 0);
    CHECK(s.model.moe_expert_share == doctest::Approx(4.0 / 128).scale(0));
    for (double b : {1.0, 2.0, 8.0, 64.0}) {
      CAPTURE(b);
      const auto p = cal.predict(cfg, b);
      REQUIRE(p);
      CHECK(s.step_seconds(b) == doctest::Approx(p->tpot).epsilon(1e-9).scale(0));
    }
  }

  TEST_CASE("one system of the results: ambiguity and unknown names list the candidates") {
    auto pts = planted("Llama-3.3-70B", "h100", "fp8", "synthetic", {2, 4, 8});
    const auto moe = planted("gpt-oss-120b", "h100", "fp4", "synthetic", {1, 2});
    pts.insert(pts.end(), moe.begin(), moe.end());
    const std::span<const benchmark_point> all(pts);
    const auto by = sim::calibrated_candidates(all);
    REQUIRE(by.size() == 2);
    const std::string both = thrown([&] { (void)sim::calibrated_system_of(all); });
    CHECK(both.find("2 systems") != std::string::npos);
    CHECK(both.find(dense) != std::string::npos);
    CHECK(both.find("gpt-oss-120b fp4 h100 synthetic") != std::string::npos);
    sim::calibrated_system_options o;
    o.system = "nonesuch";
    const std::string unknown = thrown([&] { (void)sim::calibrated_system_of(all, o); });
    CHECK(unknown.find("nonesuch") != std::string::npos);
    CHECK(unknown.find(dense) != std::string::npos);
    o.system = dense;
    const sim::calibrated_system s = sim::calibrated_system_of(all, o);
    CHECK(s.name == dense);
    CHECK(s.points.size() == 36);
    CHECK(s.step.deployment.tp == 2);  // every tp measured equally often: the smallest
    CHECK(s.step.deployment.isl == 1024);
    o.tp = 8;
    o.isl = 256;
    o.osl = 64;
    const sim::calibrated_system t = sim::calibrated_system_of(all, o);
    CHECK(t.step.deployment.tp == 8);
    CHECK(t.step.deployment.isl == 256);
    CHECK(t.step.deployment.osl == 64);
    CHECK(thrown([&] { (void)sim::calibrated_system_of(std::span<const benchmark_point>(pts.data(), 3)); }).find("no system") !=
          std::string::npos);
  }

  TEST_CASE("the scheduler on the calibrated model: TPOT in model time near the prediction") {
    const auto pts = planted("Llama-3.3-70B", "h100", "fp8", "synthetic", {2, 4, 8});
    sim::calibrated_system_options o;
    o.tp = 4;
    o.isl = 1024;
    o.osl = 1024;
    const sim::calibrated_system s = sim::calibrated_system_of(std::span<const benchmark_point>(pts), o);
    const int batch = 16, isl = 1024, osl = 1024;
    sim::step_model m = s.step.model;
    sim::scheduler sch(m, 1);
    // a closed loop of `batch` sequences; the first wave's lengths staggered so that ends spread out
    struct live {
      double first = -1;
    };
    std::map<sim::sequence_id, live> running;
    int submitted = 0;
    std::vector<double> tpot;
    const auto submit = [&](int max_tokens) {
      const auto id = sch.submit({isl, max_tokens, true});
      REQUIRE(id);
      running[*id] = {};
      ++submitted;
    };
    for (int i = 0; i < batch; ++i) submit(osl * (i + 1) / batch);
    while (tpot.size() < 48) {
      const sim::step_result& r = sch.step();
      REQUIRE(r.did_work());
      std::vector<sim::sequence_id> ended;
      for (const auto& e : r.events) {
        live& l = running[e.id];
        if (l.first < 0) l.first = r.end_s();
        if (e.finish != sim::finish_reason::none) {
          if (submitted > 2 * batch) tpot.push_back((r.end_s() - l.first) / (osl - 1));  // past the first waves
          ended.push_back(e.id);
        }
      }
      for (auto id : ended) {
        running.erase(id);
        submit(osl);
      }
    }
    const double measured = *inferlens::mean(tpot);
    const auto p = s.cal.predict(s.step.deployment, batch);
    REQUIRE(p);
    MESSAGE("scheduler TPOT ", measured * 1e3, " ms; predicted ", p->tpot * 1e3, " ms at batch ", batch);
    CHECK(measured == doctest::Approx(p->tpot).epsilon(0.05).scale(0));
  }

  TEST_CASE("a short bench against the simulated server on the calibrated model: TPOT near the prediction") {
    const auto pts = planted("Llama-3.3-70B", "h100", "fp8", "synthetic", {2, 4, 8});
    sim::calibrated_system_options o;
    o.tp = 8;
    o.isl = 256;
    o.osl = 64;
    const sim::calibrated_system s = sim::calibrated_system_of(std::span<const benchmark_point>(pts), o);
    sim::server_options so;
    so.model = s.step.model;
    so.model.eos_probability_per_token = 0;
    so.time_scale = 0.2;  // 5x faster than the model's time
    so.record_traces = false;
    sim::server srv(so);
    srv.start();
    lg::sweep_options w;
    w.client.url = srv.base_url();
    w.client.request.model = so.model_name;
    w.client.timeout.first_token = std::chrono::milliseconds(20'000);
    w.client.timeout.idle = std::chrono::milliseconds(20'000);
    w.prompts_per_concurrency = 4;
    w.warmups_per_concurrency = 1;
    w.time_scale = so.time_scale;  // results in model time
    benchmark_point id;
    id.hw = "sim";
    id.framework = "sim";
    id.tp = 8;
    const std::pair<std::int64_t, std::int64_t> sl[] = {{256, 64}};
    const std::int64_t concs[] = {8};
    const auto results = lg::run_sweep(w, lg::grid(id, sl, concs));
    const sim::server_counters c = srv.counters();
    srv.stop();
    REQUIRE(results.size() == 1);
    const auto& pt = results.front().summary.point;
    REQUIRE(results.front().summary.completed == 32);
    REQUIRE(pt.tpot.median);
    const auto p = s.cal.predict(s.step.deployment, 8);
    REQUIRE(p);
    const double lost = c.model_run_s > 0 ? c.model_lost_s / c.model_run_s : 0;
    MESSAGE("bench TPOT p50 ", *pt.tpot.median * 1e3, " ms (model time); predicted ", p->tpot * 1e3, " ms; the model clock lost ",
            lost * 100, "% to the wall");
    // Loose: the client's view adds delivery delays, waves of a closed loop skip some prefill
    // stalls, and a busy machine stretches the model clock (counted in `lost`).
    CHECK(*pt.tpot.median > 0.7 * p->tpot);
    CHECK(*pt.tpot.median < (1.4 + lost) * p->tpot);
  }
}
