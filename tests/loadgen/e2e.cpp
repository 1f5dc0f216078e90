// The load generator end to end on real loopback HTTP against the simulated server: measured
// TTFT/ITL/E2EL against the server's ground truth, keep-alive reuse, closed and open loops, every
// injected fault, timeouts, API keys, a stop flag, and a sweep's files read back by the analytics
// core. Every test is bounded in requests and time.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <inferlens/load.hpp>
#include <inferlens/loadgen/client.hpp>
#include <inferlens/loadgen/output.hpp>
#include <inferlens/loadgen/preflight.hpp>
#include <inferlens/loadgen/sweep.hpp>
#include <inferlens/sim/server.hpp>
#include <inferlens/stats.hpp>

namespace lg = inferlens::loadgen;
namespace sim = inferlens::sim;
using namespace std::chrono_literals;

namespace {

sim::server_options fast_sim(double time_scale = 0.25) {
  sim::server_options o;
  o.time_scale = time_scale;  // decode steps of ~2 ms: realistic gaps, short tests
  return o;
}

lg::client_options client_for(const sim::server& s, lg::api_kind api = lg::api_kind::completions) {
  lg::client_options o;
  o.url = s.base_url();
  o.request.model = s.options().model_name;
  o.request.api = api;
  o.timeout.connect = 2000ms;
  o.timeout.first_token = 10'000ms;
  o.timeout.idle = 10'000ms;
  return o;
}

lg::run_plan closed_plan(std::size_t n, std::size_t conc, std::int64_t isl = 64, std::int64_t osl = 24, std::size_t warmups = 0) {
  lg::random_options ro;
  ro.isl = isl;
  ro.osl = osl;
  lg::run_plan p;
  p.prompts = lg::random_prompts(ro, n);
  p.max_concurrency = conc;
  p.warmups = warmups;
  return p;
}

double ms(std::chrono::steady_clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

std::map<std::string, sim::request_trace> traces_by_id(const sim::server& s) {
  std::map<std::string, sim::request_trace> m;
  for (auto& t : s.traces())
    if (!t.id.empty()) m[t.id] = t;
  return m;
}

// The server records a stream when it ends on its side, which can be after the client gave up on it.
void wait_for_traces(const sim::server& s, std::size_t n) {
  for (int i = 0; i < 3000 && s.traces().size() < n; ++i) std::this_thread::sleep_for(10ms);
}

std::size_t count_errors(const std::vector<lg::request_record>& v, lg::error_kind k) {
  return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), [k](const auto& r) { return r.error == k; }));
}

}  // namespace

TEST_SUITE("loadgen.e2e") {
  // Only what no scheduling can change is asserted: exact counts, the order of events (a byte is
  // read after it was written, a request answered after it was sent), and bounds derived from
  // what this run measured. The absolute errors are benchmark_loadgen's figures (docs/benchmarks.md).
  TEST_CASE("measurements match the server's ground truth") {
    for (const bool kernel : {true, false}) {
      CAPTURE(kernel);
      sim::server srv(fast_sim());
      srv.start();
      auto co = client_for(srv);
      co.kernel_rx_stamps = kernel;
      const auto rr = lg::run(co, closed_plan(24, 4, 64, 24, 8));
      srv.stop();
      REQUIRE(rr.records.size() == 24);
      CHECK(rr.warmups.size() == 8);
      CHECK(rr.token_ids);
      CHECK(rr.connections == 4);  // keep-alive: warm-ups open them, measured requests reuse them
      const auto truth = traces_by_id(srv);
      std::vector<double> delay;
      for (const auto& r : rr.records) {
        REQUIRE_MESSAGE(r.ok(), lg::to_string(r.error), ": ", r.error_message);
        CHECK(r.reused_connection);
        CHECK(r.output_source == lg::token_source::usage);
        CHECK(*r.output_tokens == 24);
        CHECK_FALSE(r.count_mismatch);
        CHECK(*r.prompt_tokens == 64);
        const auto it = truth.find(r.id);
        REQUIRE_MESSAGE(it != truth.end(), "no trace for ", r.id);
        const auto& t = it->second;
        REQUIRE(t.chunks.size() == r.chunks.size());
        CHECK(t.completion_tokens == *r.output_tokens);
        CHECK(r.sent <= t.received);  // the server read the request after the client sent it
        double worst = 0;             // this request's largest delivery delay
        for (std::size_t k = 0; k < t.chunks.size(); ++k) {
          CHECK(t.chunks[k].sent <= t.chunks[k].written);
          const double d = ms(r.chunks[k].t - t.chunks[k].sent);
          // User-space stamps come after the read, so after the write: exactly causal. A kernel
          // stamp is converted from the realtime clock, which NTP may slew by 500 ppm over the
          // time the bytes waited for the client: a derived, not a fixed, tolerance.
          const double slack = kernel ? 0.001 + 0.0005 * r.chunks[k].client_delay_us / 1000.0 : 0.0;
          CHECK_MESSAGE(d >= -slack, "chunk ", k, " stamped ", d, " ms before the server wrote it");
          if (k > 0) CHECK(r.chunks[k - 1].t <= r.chunks[k].t);
          worst = std::max(worst, d + slack);
          delay.push_back(d);
        }
        // TTFT and TPOT against the server's: the client's TTFT adds the request's transfer and
        // the first chunk's delay; its TPOT differs by (last delay - first delay) / (n - 1).
        const auto l = lg::latency_of(r, lg::first_token_rule::content);
        const double server_ttft = ms(t.chunks.front().sent - t.received);
        CHECK(l->ttft * 1000 >= server_ttft - 0.01);
        const double server_tpot = ms(t.chunks.back().sent - t.chunks.front().sent) / 23.0;
        CHECK(std::abs(*l->tpot * 1000 - server_tpot) <= worst / 23.0 + 1e-6);
      }
      // A reader woken as each step's bytes arrive reads a 24-token stream of ~2 ms steps in about
      // 25 reads; one woken late (io_uring's deferred task work on Linux 6.18) read it in 1-4,
      // every token stamped as the last. Bound: a third of the tokens, which holds while the
      // client is never more than about two steps late.
      std::vector<double> reads;
      for (const auto& r : rr.records) reads.push_back(r.reads);
      CHECK(*inferlens::summarize(reads).median >= 8);
      const auto d = inferlens::summarize(delay);
      MESSAGE("client stamp - server write (ms): p50 ", *d.median, " p99 ", *d.p99, " max ", *d.max);
      const auto s = lg::aggregate(rr.records, rr.start, rr.end);
      CHECK(s.completed == 24);
      CHECK(s.failed == 0);
      CHECK(s.total_output_tokens == 24 * 24);
      CHECK(s.itl.count == 24 * 23);
      CHECK(*s.tokens_per_chunk.mean == doctest::Approx(1.0));
      CHECK(s.reads >= 24);
      if (kernel) CHECK(s.client_delay.count == 24 * 24);
    }
  }

  TEST_CASE("chat: role prelude and the two first-token rules") {
    auto so = fast_sim();
    so.tokens_per_chunk = 3;
    sim::server srv(so);
    srv.start();
    auto co = client_for(srv, lg::api_kind::chat);
    const auto rr = lg::run(co, closed_plan(6, 3, 40, 10));
    srv.stop();
    CHECK_FALSE(rr.token_ids);  // chat sends text
    for (const auto& r : rr.records) {
      REQUIRE(r.ok());
      REQUIRE(r.chunks.size() >= 2);
      CHECK_FALSE(r.chunks[0].content);  // role prelude
      CHECK(*r.output_tokens == 10);
    }
    const auto content = lg::aggregate(rr.records, rr.start, rr.end);
    lg::aggregate_options vllm;
    vllm.rule = lg::first_token_rule::any_choice;
    const auto any = lg::aggregate(rr.records, rr.start, rr.end, vllm);
    CHECK(any.itl.count == content.itl.count + 6);  // one more gap per request (prelude → first content)
    CHECK(*content.ttft.median >= *any.ttft.median);
    CHECK(*content.tokens_per_chunk.mean > 2.0);  // 10 tokens in 1 + 3 + 3 + 3
  }

  TEST_CASE("open loop: absolute deadlines and the client's lag") {
    sim::server srv(fast_sim(0.05));
    srv.start();
    auto co = client_for(srv);
    lg::run_plan p = closed_plan(40, 0, 32, 8);
    lg::rate_options ro;
    ro.rate = 200;
    ro.process = lg::arrival_process::poisson;
    ro.seed = 1;
    p.deadlines = lg::open_loop_schedule(ro, p.prompts.size());
    const auto rr = lg::run(co, p);
    srv.stop();
    REQUIRE(rr.records.size() == 40);
    std::vector<double> lag;
    for (const auto& r : rr.records) {
      CHECK(r.ok());
      CHECK(r.sent >= r.scheduled);
      lag.push_back(r.lag_s() * 1000);
    }
    const auto l = inferlens::summarize(lag);
    MESSAGE("open loop send lag behind schedule (ms): p50 ", *l.median, " p99 ", *l.p99);
    for (std::size_t i = 1; i < rr.records.size(); ++i) CHECK(rr.records[i - 1].scheduled <= rr.records[i].scheduled);
    const auto s = lg::aggregate(rr.records, rr.start, rr.end);
    CHECK(s.duration_s >= p.deadlines.back());
  }

  TEST_CASE("faults: every run completes, failures are counted and classified, successes kept") {
    struct scenario {
      const char* name;
      void (*set)(sim::fault_options&);
      lg::error_kind expect;
    };
    const scenario scenarios[] = {
        {"http_error", [](sim::fault_options& f) { f.http_error.every_nth = 3; }, lg::error_kind::http_status},
        {"reset", [](sim::fault_options& f) { f.reset.every_nth = 3; }, lg::error_kind::connection_reset},
        // (on a reused connection this looks like a stale keep-alive connection and is retried: see the retry test)
        {"reset at once", [](sim::fault_options& f) { f.reset.every_nth = 3; f.reset_after_chunks = 0; }, lg::error_kind::connection_reset},
        {"truncate mid-event", [](sim::fault_options& f) { f.truncate.every_nth = 3; }, lg::error_kind::truncated},
        {"truncate between events", [](sim::fault_options& f) { f.truncate.every_nth = 3; f.truncate_mid_event = false; }, lg::error_kind::truncated},
        {"malformed_sse", [](sim::fault_options& f) { f.malformed_sse.every_nth = 3; }, lg::error_kind::malformed},
        {"error_event", [](sim::fault_options& f) { f.error_event.every_nth = 3; }, lg::error_kind::server_error},
        {"stall past the idle timeout", [](sim::fault_options& f) { f.stall.every_nth = 3; f.stall_s = 3.0; }, lg::error_kind::idle_timeout},
    };
    for (const auto& sc : scenarios) {
      const std::string name = sc.name;
      CAPTURE(name);
      auto so = fast_sim(0.1);
      sc.set(so.faults);
      sim::server srv(so);
      srv.start();
      auto co = client_for(srv);
      co.format = lg::prompt_format::token_ids;  // no probe: the server's request ordinals are ours
      co.keep_alive = false;                     // a fresh connection each: nothing is retried
      co.timeout.idle = 1000ms;                  // a third of the stall: a busy machine's gaps stay far below it
      const auto rr = lg::run(co, closed_plan(12, 3, 32, 12));
      wait_for_traces(srv, 12);
      srv.stop();
      REQUIRE(rr.records.size() == 12);
      std::size_t injected = 0;
      for (const auto& t : srv.traces()) injected += !t.fault.empty();
      CHECK(injected == 4);
      CHECK(count_errors(rr.records, sc.expect) == 4);
      const auto s = lg::aggregate(rr.records, rr.start, rr.end);
      CHECK(s.completed == 8);
      CHECK(s.failed == 4);
      CHECK(s.errors[static_cast<std::size_t>(sc.expect)] == 4);
      CHECK(s.ttft.count == 8);  // every success measured
      CHECK(s.failure_rate() == doctest::Approx(1.0 / 3));
      for (const auto& r : rr.records)
        if (!r.ok()) CHECK_FALSE(r.error_message.empty());
      if (sc.expect == lg::error_kind::http_status)
        for (const auto& r : rr.records)
          if (!r.ok()) CHECK(r.http_status == 503);
    }
  }

  TEST_CASE("faults that only slow the stream: stall within the idle timeout, slow partial writes") {
    for (int variant = 0; variant < 2; ++variant) {
      auto so = fast_sim(0.1);
      if (variant == 0) {
        so.faults.stall.every_nth = 2;
        so.faults.stall_s = 0.3;
      } else {
        so.faults.slow_write.every_nth = 1;
        so.faults.slow_write_pieces = 5;
        so.faults.slow_write_delay_s = 0.001;
      }
      sim::server srv(so);
      srv.start();
      auto co = client_for(srv);
      co.format = lg::prompt_format::token_ids;
      const auto rr = lg::run(co, closed_plan(6, 2, 32, 12));
      srv.stop();
      const auto s = lg::aggregate(rr.records, rr.start, rr.end);
      CHECK(s.completed == 6);
      CHECK(s.failed == 0);
      if (variant == 0) CHECK(*s.itl.max >= 0.29);  // the stall shows as one long gap
      const auto truth = traces_by_id(srv);
      for (const auto& r : rr.records) CHECK(truth.at(r.id).chunks.size() == r.chunks.size());
    }
  }

  TEST_CASE("first-token timeout, refused connection, API key, ignored ignore_eos") {
    {
      auto so = fast_sim(0.1);
      so.faults.stall.every_nth = 1;
      so.faults.stall_after_chunks = 0;
      so.faults.stall_s = 0.5;
      sim::server srv(so);
      srv.start();
      auto co = client_for(srv);
      co.format = lg::prompt_format::token_ids;
      co.timeout.first_token = 150ms;
      const auto rr = lg::run(co, closed_plan(3, 3, 16, 8));
      srv.stop();
      CHECK(count_errors(rr.records, lg::error_kind::first_token_timeout) == 3);
      for (const auto& r : rr.records) CHECK(r.chunks.empty());
    }
    {
      // a port nobody listens on: bind one, learn its number, close it
      std::uint16_t port = 0;
      {
        sim::server probe(fast_sim());
        port = probe.port();
      }
      lg::client_options co;
      co.url = "http://127.0.0.1:" + std::to_string(port);
      co.format = lg::prompt_format::token_ids;
      const auto rr = lg::run(co, closed_plan(3, 2, 8, 4));
      CHECK(count_errors(rr.records, lg::error_kind::connect) == 3);
      CHECK(rr.connections == 0);
    }
    {
      auto so = fast_sim(0.05);
      so.api_key = "sk-test";
      sim::server srv(so);
      srv.start();
      auto co = client_for(srv);
      auto rr = lg::run(co, closed_plan(2, 1, 8, 4));
      CHECK(count_errors(rr.records, lg::error_kind::http_status) == 2);
      CHECK(rr.records[0].http_status == 401);
      co.request.api_key = "sk-test";
      rr = lg::run(co, closed_plan(2, 1, 8, 4));
      CHECK(count_errors(rr.records, lg::error_kind::none) == 2);
      srv.stop();
    }
    {
      auto so = fast_sim(0.05);
      so.model.eos_probability_per_token = 0.3;
      sim::server srv(so);
      srv.start();
      auto co = client_for(srv);
      co.request.extra_body = {{"ignore_eos", false}};  // the server is told to stop at EOS after all
      const auto rr = lg::run(co, closed_plan(8, 4, 16, 40));
      srv.stop();
      const auto s = lg::aggregate(rr.records, rr.start, rr.end);
      CHECK(s.completed == 8);
      CHECK(s.count_mismatches >= 6);  // asked for 40 under ignore_eos, got fewer: flagged
    }
  }

#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
  TEST_CASE("https to a plain-HTTP server fails the handshake, classified as tls") {
    sim::server srv(fast_sim());
    srv.start();
    lg::client_options co;
    co.url = "https://127.0.0.1:" + std::to_string(srv.port());
    co.verify_tls = false;
    co.format = lg::prompt_format::token_ids;
    co.timeout.connect = 2000ms;
    const auto rr = lg::run(co, closed_plan(2, 2, 8, 4));
    srv.stop();
    CHECK(count_errors(rr.records, lg::error_kind::tls) == 2);
  }
#endif

  TEST_CASE("stop flag and duration limit end a run early, keeping what was measured") {
    sim::server srv(fast_sim(1.0));
    srv.start();
    auto co = client_for(srv);
    std::atomic<bool> stop{false};
    lg::run_hooks hooks;
    hooks.stop = &stop;
    hooks.progress_interval = 20ms;
    std::uint64_t seen = 0;
    hooks.on_progress = [&](const lg::progress_snapshot& p) {  // stop once the streams are under way
      if (!p.warmup && p.content_chunks >= 8 && !stop) {
        seen = p.content_chunks;
        stop = true;
      }
    };
    const auto rr = lg::run(co, closed_plan(8, 4, 16, 4000), hooks);  // ~30 s if not stopped
    CHECK(rr.stopped);
    CHECK(rr.stopped_in == lg::run_phase_kind::measured);
    CHECK(rr.records.size() == 4);  // the other four were never sent
    CHECK(count_errors(rr.records, lg::error_kind::cancelled) == rr.records.size());
    std::size_t kept = 0;
    for (const auto& r : rr.records) kept += r.chunks.size();
    CHECK(kept >= seen);  // partial streams kept

    // closed loop with a duration: nothing starts after it
    lg::run_plan p = closed_plan(400, 2, 16, 8);
    p.max_duration_s = 0.3;
    const auto rd = lg::run(co, p);
    srv.stop();
    CHECK(rd.records.size() < 400);
    CHECK(rd.records.size() >= 2);
    for (const auto& r : rd.records) {
      CHECK(r.ok());
      // Dispatch is decided before the limit (exact); the send itself can lag on a loaded machine.
      CHECK(lg::seconds(rd.start, r.ready) < 0.3);
    }
  }

  TEST_CASE("sweep matrices: InferenceMAX's expansion and shapes") {
    CHECK(lg::geometric_range(4, 64) == std::vector<std::int64_t>{4, 8, 16, 32, 64});
    CHECK(lg::geometric_range(4, 100) == std::vector<std::int64_t>{4, 8, 16, 32, 64, 100});
    CHECK(lg::geometric_range(1, 1) == std::vector<std::int64_t>{1});
    CHECK_THROWS_AS(lg::geometric_range(8, 4), inferlens::input_error);
    inferlens::benchmark_point defaults;
    defaults.model = "m";
    defaults.hw = "h100";
    // InferenceMAX's master config as JSON: named entries, scenarios by kind, search spaces
    const auto master = nlohmann::json::parse(R"({
      "dsr1-fp4-mi355x-sglang": {"model": "amd/DeepSeek-R1", "precision": "fp4", "framework": "sglang", "runner": "mi355x",
        "scenarios": {"fixed-seq-len": [{"isl": 8192, "osl": 1024, "search-space": [
          {"tp": 4, "conc-start": 4, "conc-end": 64}, {"tp": 8, "conc-list": [4, 8]}]}]}}})");
    const auto pts = lg::parse_matrix(master, defaults);
    REQUIRE(pts.size() == 7);
    CHECK(pts[0].isl == 8192);
    CHECK(pts[0].osl == 1024);
    CHECK(*pts[0].concurrency == 4);
    CHECK(*pts[4].concurrency == 64);
    CHECK(*pts[0].identity.tp == 4);
    CHECK(*pts[6].identity.tp == 8);
    CHECK(pts[6].identity.framework == "sglang");
    CHECK(pts[6].identity.hw == "mi355x");
    CHECK(pts[6].identity.model == "amd/DeepSeek-R1");
    // one entry, a list of scenarios, rates; defaults fill the rest
    const auto simple = nlohmann::json::parse(R"({"scenarios": [{"isl": 1024, "osl": 128, "conc-list": [1, 2]},
                                                                {"isl": 512, "osl": 64, "rate-list": [5, 10]}]})");
    const auto sp = lg::parse_matrix(simple, defaults);
    REQUIRE(sp.size() == 4);
    CHECK(sp[0].identity.model == "m");
    CHECK(sp[0].identity.hw == "h100");
    CHECK(*sp[3].rate == 10.0);
    CHECK_FALSE(sp[3].concurrency);
    CHECK_THROWS_AS(lg::parse_matrix(nlohmann::json::parse(R"({"scenarios": [{"isl": 1, "osl": 1}]})"), defaults),
                    inferlens::input_error);
    CHECK_THROWS_AS(lg::parse_matrix(nlohmann::json::parse("[]"), defaults), inferlens::input_error);
    // InferenceMAX's result file name
    inferlens::benchmark_point p;
    p.model = "openai/gpt-oss-120b";
    p.isl = 1024;
    p.osl = 1024;
    p.precision = "fp4";
    p.framework = "vllm";
    p.tp = 8;
    p.concurrency = 64;
    p.hw = "b200";
    CHECK(lg::result_file_stem(p) == "gpt-oss-120b_1k1k_fp4_vllm_tp8-pp1-dcp1-pcp1-ep1-dpafalse_disagg-false_spec-none_conc64_b200");
  }

  TEST_CASE("sweep: files written as it goes, read back by the analytics core") {
    const auto dir = std::filesystem::temp_directory_path() / ("inferlens_loadgen_e2e_sweep-" + std::to_string(std::random_device{}()));
    std::filesystem::remove_all(dir);
    sim::server srv(fast_sim(0.05));
    srv.start();
    lg::sweep_options o;
    o.client = client_for(srv);
    o.prompts_per_concurrency = 3;
    o.warmups_per_concurrency = 1;
    o.out_dir = dir;
    inferlens::benchmark_point id;
    id.hw = "cpu-sim";
    id.framework = "sim";
    id.tp = 1;
    const std::pair<std::int64_t, std::int64_t> sl[] = {{64, 16}};
    const std::int64_t concs[] = {1, 4};
    const auto points = lg::grid(id, sl, concs);
    std::vector<inferlens::benchmark_point> table;
    std::size_t seen = 0;
    lg::sweep_hooks hooks;
    hooks.on_point = [&](const lg::point_result& r) {
      ++seen;
      table.push_back(r.summary.point);
    };
    const auto results = lg::run_sweep(o, points, hooks);
    srv.stop();
    REQUIRE(results.size() == 2);
    CHECK(seen == 2);
    CHECK(table.size() == 2);
    for (const auto& r : results) {
      CAPTURE(r.result_file);
      REQUIRE(std::filesystem::exists(r.result_file));
      const auto back = inferlens::load(r.result_file).points();
      REQUIRE(back.size() == 1);
      CHECK(back[0].concurrency == r.spec.concurrency);
      CHECK(*back[0].completed == static_cast<std::int64_t>(3 * *r.spec.concurrency));
      CHECK(*back[0].ttft.median > 0);
      CHECK(back[0].tput_per_gpu.has_value());
      // a busy machine can deliver a whole short response in one read: TPOT 0, no interactivity
      REQUIRE(back[0].tpot.median.has_value());
      CHECK(*back[0].tpot.median == doctest::Approx(*r.summary.point.tpot.median));
      CHECK(back[0].intvty.median.has_value() == (*back[0].tpot.median > 0));
      CHECK(r.raw.contains("p99.9_ttft_ms"));
      CHECK(r.raw.contains("mean_client_queue_time_ms"));
      CHECK(r.raw["request_rate"] == "inf");
      std::ifstream req(r.requests_file);
      std::size_t lines = 0;
      for (std::string line; std::getline(req, line);) {
        const auto j = nlohmann::json::parse(line);
        CHECK(j.contains("chunk_ms"));
        ++lines;
      }
      CHECK(lines == static_cast<std::size_t>(4 * *r.spec.concurrency));  // 3c measured + 1c warm-ups
    }
    const auto table_back = inferlens::load(dir / "sweep.json").points();
    CHECK(table_back.size() == 2);
    std::filesystem::remove_all(dir);
  }

  // Every personality, both endpoints, keep-alive on: no failures and the server's exact counts.
  TEST_CASE("every server personality: exact counts, no failures, keep-alive or not") {
    for (const sim::personality p : sim::all_personalities)
      for (const lg::api_kind api : {lg::api_kind::completions, lg::api_kind::chat}) {
        const std::string name = std::string(sim::to_string(p)) + " " + std::string(lg::to_string(api));
        CAPTURE(name);
        auto so = fast_sim(0.1);
        so.personality = p;
        so.model.eos_probability_per_token = 0.0;  // TGI does not honour ignore_eos: keep every length exact
        sim::server srv(so);
        srv.start();
        auto co = client_for(srv, api);
        co.format = api == lg::api_kind::chat ? lg::prompt_format::text : lg::prompt_format::token_ids;
        const auto rr = lg::run(co, closed_plan(12, 4, 16, 20));
        wait_for_traces(srv, 12);
        srv.stop();
        REQUIRE(rr.records.size() == 12);
        std::vector<std::size_t> server_chunks, client_chunks;
        for (const auto& t : srv.traces()) {
          CHECK(t.completion_tokens == 20);
          server_chunks.push_back(t.chunks.size());
        }
        const sim::traits t = sim::traits_of(p);
        for (const auto& r : rr.records) {
          REQUIRE_MESSAGE(r.ok(), lg::to_string(r.error), ": ", r.error_message);
          CHECK(*r.output_tokens == 20);
          CHECK_FALSE(r.count_mismatch);
          client_chunks.push_back(r.chunks.size());
          const lg::token_source expected = t.usage == sim::traits::usage_place::never ? lg::token_source::chunks
                                            : t.usage == sim::traits::usage_place::llama_cpp && api == lg::api_kind::completions
                                                ? lg::token_source::finish_usage
                                                : lg::token_source::usage;
          CHECK(r.output_source == expected);
          if (api == lg::api_kind::chat && t.chat_prelude != sim::traits::prelude::none) CHECK_FALSE(r.chunks.front().content);
        }
        std::sort(server_chunks.begin(), server_chunks.end());
        std::sort(client_chunks.begin(), client_chunks.end());
        CHECK(server_chunks == client_chunks);  // every chunk the server wrote, seen once
        if (t.close_after_stream) {
          // llama.cpp closes each connection after its stream although it says keep-alive: every
          // later request finds its connection closed (or retries on a fresh one), none fails
          CHECK(rr.connections == 12);
          CHECK(rr.found_closed + rr.retried >= 8);  // each of them, and idle ones it closed later
        } else {
          CHECK(rr.connections == 4);
          CHECK(rr.retried == 0);
        }
      }
  }

  TEST_CASE("reads through io_uring and through epoll: the same exact counts, warm-ups, threads, small reads") {
    // io_uring where the kernel gives a ring (else both runs are epoll's: the flag says which)
    for (const bool uring : {true, false})
      for (const std::size_t threads : {std::size_t{1}, std::size_t{2}})
        for (const std::size_t read_size : {std::size_t{512}, std::size_t{256 * 1024}}) {
          CAPTURE(uring);
          CAPTURE(threads);
          CAPTURE(read_size);
          auto so = fast_sim(0.1);
          so.model.eos_probability_per_token = 0.0;
          sim::server srv(so);
          srv.start();
          auto co = client_for(srv);
          co.io_uring = uring;
          co.format = lg::prompt_format::token_ids;  // no format probe: one trace per request
          co.io_threads = threads;
          co.read_size = read_size;
          const auto rr = lg::run(co, closed_plan(24, 6, 64, 30, 6));
          wait_for_traces(srv, 30);
          srv.stop();
          if (!uring) CHECK_FALSE(rr.io_uring);
          if (uring && !rr.io_uring) MESSAGE("io_uring unavailable here: the epoll reactor read both runs");
          REQUIRE(rr.records.size() == 24);
          CHECK(rr.warmups.size() == 6);
          CHECK(rr.connections == 6);  // warm-ups open them, the measured phase reuses them (a new ring each phase)
          CHECK(rr.retried == 0);
          CHECK(rr.found_closed == 0);
          std::vector<std::size_t> server_chunks, client_chunks;
          for (const auto& t : srv.traces()) server_chunks.push_back(t.chunks.size());
          for (const auto& r : rr.records) {
            REQUIRE_MESSAGE(r.ok(), lg::to_string(r.error), ": ", r.error_message);
            CHECK(*r.output_tokens == 30);
            CHECK_FALSE(r.count_mismatch);
            CHECK(r.reused_connection);
            CHECK(r.reads >= 1);
            client_chunks.push_back(r.chunks.size());
            CHECK(r.chunks.front().t >= r.sent);
          }
          for (const auto& r : rr.warmups) {
            CHECK(r.ok());
            client_chunks.push_back(r.chunks.size());
          }
          std::sort(server_chunks.begin(), server_chunks.end());
          std::sort(client_chunks.begin(), client_chunks.end());
          CHECK(server_chunks == client_chunks);  // every chunk the server wrote, seen once
        }
  }

  TEST_CASE("connections: no keep-alive, a request retried once on a fresh connection, N I/O threads") {
    {
      sim::server srv(fast_sim(0.1));
      srv.start();
      auto co = client_for(srv);
      co.format = lg::prompt_format::token_ids;
      co.keep_alive = false;
      const auto rr = lg::run(co, closed_plan(6, 2, 16, 8));
      srv.stop();
      CHECK(rr.connections == 6);
      for (const auto& r : rr.records) CHECK((r.ok() && !r.reused_connection));
    }
    {
      // the server resets every 2nd request before answering: on a reused connection that looks
      // like a closed keep-alive connection, so it goes once more on a fresh one (and is answered)
      auto so = fast_sim(0.1);
      so.faults.reset.every_nth = 2;
      so.faults.reset_after_chunks = 0;
      sim::server srv(so);
      srv.start();
      auto co = client_for(srv);
      co.format = lg::prompt_format::token_ids;
      const auto rr = lg::run(co, closed_plan(5, 1, 16, 4));
      srv.stop();
      // ordinals: 1 ok (new connection), 2 reset on reuse -> 3 ok on a fresh one, 4 reset -> 5 ok, ...
      for (const auto& r : rr.records) CHECK_MESSAGE(r.ok(), r.error_message);
      CHECK(rr.retried == 4);
      std::size_t retried = 0;
      for (const auto& r : rr.records) {
        retried += r.retried;
        if (r.retried) CHECK(r.first_sent <= r.sent);
      }
      CHECK(retried == 4);
    }
    {
      sim::server srv(fast_sim(0.1));
      srv.start();
      auto co = client_for(srv);
      co.format = lg::prompt_format::token_ids;
      co.io_threads = 3;
      std::atomic<int> calls{0};
      lg::run_hooks hooks;
      hooks.on_request = [&](const lg::request_record&) { ++calls; };  // from three threads
      const auto rr = lg::run(co, closed_plan(18, 6, 16, 12, 6), hooks);
      srv.stop();
      CHECK(rr.io_threads == 3);
      REQUIRE(rr.records.size() == 18);
      // a phase in which a thread sends nothing ends at once (its reactor is stopped before it ran)
      lg::run_plan none_due = closed_plan(8, 4, 16, 4);
      none_due.max_duration_s = 0.0;
      const auto empty = lg::run(co, none_due);
      CHECK(empty.records.empty());
      CHECK(calls == 24);
      CHECK(rr.connections == 6);
      for (std::size_t i = 0; i < rr.records.size(); ++i) {
        CHECK(rr.records[i].index == i);  // workload order, whatever thread ran it
        CHECK(rr.records[i].ok());
        CHECK(*rr.records[i].output_tokens == 12);
      }
    }
  }

  TEST_CASE("pre-flight: unreachable, wrong model, the model from /v1/models, TLS refused") {
    std::uint16_t closed_port = 0;
    {
      sim::server probe(fast_sim());
      closed_port = probe.port();
    }
    lg::prompt sample;
    sample.token_ids = {1000, 1001};
    sample.input_len = 2;
    sample.output_len = 1;
    lg::client_options co;
    co.url = "http://127.0.0.1:" + std::to_string(closed_port);
    co.request.model = "m";
    auto pre = lg::preflight(co, sample);
    CHECK_FALSE(pre.ok);
    CHECK(pre.message.find("cannot reach http://127.0.0.1:") == 0);
    CHECK(pre.message.find("connect: ") != std::string::npos);

    sim::server srv(fast_sim(0.05));
    srv.start();
    co = client_for(srv);
    co.request.model = "no-such-model";
    pre = lg::preflight(co, sample);
    CHECK_FALSE(pre.ok);
    CHECK(pre.message.find("HTTP 404: The model `no-such-model` does not exist.") != std::string::npos);
    CHECK(pre.message.find("the server lists sim-model") != std::string::npos);
    co.request.model.clear();
    pre = lg::preflight(co, sample);
    CHECK(pre.ok);
    CHECK(pre.model == "sim-model");
    CHECK(pre.max_model_len == srv.options().model.max_model_len_tokens);
    CHECK(pre.token_ids);
#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
    co.url = "https://127.0.0.1:" + std::to_string(srv.port());
    pre = lg::preflight(co, sample);
    CHECK_FALSE(pre.ok);
    CHECK(pre.message.find("tls: ") != std::string::npos);
#endif
    srv.stop();
  }

  namespace {
  struct scratch {
    std::filesystem::path dir = std::filesystem::temp_directory_path() / ("inferlens-e2e-" + std::to_string(std::random_device{}()));
    ~scratch() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  };
  std::size_t files_in(const std::filesystem::path& d) {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(d)) n += e.is_regular_file();
    return n;
  }
  nlohmann::json read_json(const std::filesystem::path& p) {
    std::ifstream in(p);
    return nlohmann::json::parse(in);
  }
  }  // namespace

  TEST_CASE("sweep output: a second run is refused unless --overwrite or --append; no symlink is followed") {
    scratch s;
    sim::server srv(fast_sim(0.05));
    srv.start();
    lg::sweep_options o;
    o.client = client_for(srv);
    o.prompts_per_concurrency = 2;
    o.warmups_per_concurrency = 0;
    o.out_dir = s.dir;
    inferlens::benchmark_point id;
    id.tp = 1;
    const std::pair<std::int64_t, std::int64_t> sl[] = {{32, 8}};
    const std::int64_t concs[] = {1, 2};
    const auto points = lg::grid(id, sl, concs);
    CHECK(lg::run_sweep(o, points).size() == 2);
    CHECK(files_in(s.dir / "results") == 2);
    CHECK_THROWS_AS(lg::run_sweep(o, points), inferlens::input_error);  // refused: the first run is kept
    o.if_exists = lg::sweep_options::existing::append;
    o.run_id = "second";
    CHECK(lg::run_sweep(o, points).size() == 2);
    CHECK(files_in(s.dir / "results") == 4);
    CHECK(read_json(s.dir / "sweep.json").size() == 4);
    const auto manifest = read_json(s.dir / "run.json");
    REQUIRE(manifest["runs"].size() == 2);
    CHECK(manifest["runs"][1]["run"] == "second");
    CHECK(manifest["runs"][1]["points"][0]["result"].get<std::string>().find("_second.json") != std::string::npos);
    o.if_exists = lg::sweep_options::existing::overwrite;
    CHECK(lg::run_sweep(o, points).size() == 2);
    CHECK(files_in(s.dir / "results") == 2);
    CHECK(read_json(s.dir / "sweep.json").size() == 2);
    CHECK(read_json(s.dir / "run.json")["runs"].size() == 1);
    // results/ planted as a symlink to somewhere else: refused
    scratch other;
    std::filesystem::create_directories(other.dir);
    std::filesystem::remove_all(s.dir / "results");
    std::filesystem::create_directory_symlink(other.dir, s.dir / "results");
    CHECK_THROWS_AS(lg::run_sweep(o, points), inferlens::input_error);
    CHECK(files_in(other.dir) == 0);
    srv.stop();
  }

  TEST_CASE("an interrupted point: skipped when nothing was measured, else written marked partial") {
    scratch s;
    sim::server srv(fast_sim(1.0));
    srv.start();
    lg::sweep_options o;
    o.client = client_for(srv);
    o.client.format = lg::prompt_format::token_ids;
    o.out_dir = s.dir;
    std::atomic<bool> stop{false};
    lg::sweep_hooks hooks;
    hooks.stop = &stop;
    inferlens::benchmark_point id;
    {
      // warm-ups of 30,000 tokens (240 s): the stop comes during them whenever it comes
      o.warmups_per_concurrency = 1;
      const std::pair<std::int64_t, std::int64_t> sl[] = {{16, 30000}};
      const std::int64_t concs[] = {2};
      std::thread stopper([&] {
        std::this_thread::sleep_for(200ms);
        stop = true;
      });
      const auto r = lg::run_sweep(o, lg::grid(id, sl, concs), hooks);
      stopper.join();
      CHECK(r.empty());
      CHECK(files_in(s.dir / "results") == 0);
      CHECK(files_in(s.dir / "requests") == 0);
      CHECK(read_json(s.dir / "sweep.json").empty());
      CHECK(read_json(s.dir / "run.json")["runs"][0]["points"][0]["status"] == "skipped");
    }
    {
      // two short prompts and two endless ones at concurrency 2: stopped once the short ones are logged
      const auto prompts = s.dir.parent_path() / (s.dir.filename().string() + "-prompts.jsonl");
      std::ofstream(prompts) << R"({"prompt": [1001, 1002], "output_len": 2})" << "\n"
                             << R"({"prompt": [1003, 1004], "output_len": 2})" << "\n"
                             << R"({"prompt": [1005, 1006], "output_len": 30000})" << "\n"
                             << R"({"prompt": [1007, 1008], "output_len": 30000})" << "\n";
      o.dataset = lg::parse_dataset("jsonl:" + prompts.string());
      o.num_prompts = 4;
      o.warmups_per_concurrency = 0;
      o.if_exists = lg::sweep_options::existing::overwrite;
      stop = false;
      const std::pair<std::int64_t, std::int64_t> sl[] = {{2, 2}};
      const std::int64_t concs[] = {2};
      std::thread stopper([&] {
        for (int i = 0; i < 6000 && !stop; ++i) {
          std::this_thread::sleep_for(10ms);
          for (const auto& e : std::filesystem::directory_iterator(s.dir / "requests")) {
            std::ifstream in(e.path());
            std::size_t lines = 0;
            for (std::string line; std::getline(in, line);) ++lines;
            if (lines >= 2) stop = true;
          }
        }
      });
      const auto r = lg::run_sweep(o, lg::grid(id, sl, concs), hooks);
      stopper.join();
      std::filesystem::remove(prompts);
      REQUIRE(r.size() == 1);
      CHECK(r[0].summary.point.partial);
      CHECK(r[0].summary.completed == 2);
      CHECK(r[0].summary.errors[static_cast<std::size_t>(lg::error_kind::cancelled)] == 2);
      const auto result = read_json(r[0].result_file);
      CHECK(result.value("partial", false));
      CHECK(result["completed"] == 2);
      CHECK(read_json(s.dir / "sweep.json")[0].value("partial", false));
      CHECK(read_json(s.dir / "run.json")["runs"][0]["points"][0]["status"] == "partial");
    }
    srv.stop();
  }

  TEST_CASE("a server that sends invalid UTF-8 (ids, error bodies) loses no measurement") {
    scratch s;
    auto so = fast_sim(0.05);
    so.faults.invalid_utf8.every_nth = 2;
    so.faults.http_error.every_nth = 3;
    sim::server srv(so);
    srv.start();
    lg::sweep_options o;
    o.client = client_for(srv);
    o.client.format = lg::prompt_format::token_ids;
    o.prompts_per_concurrency = 6;
    o.warmups_per_concurrency = 0;
    o.out_dir = s.dir;
    inferlens::benchmark_point id;
    id.hw = "h100";
    const std::pair<std::int64_t, std::int64_t> sl[] = {{16, 4}};
    const std::int64_t concs[] = {2};
    const auto r = lg::run_sweep(o, lg::grid(id, sl, concs));
    srv.stop();
    REQUIRE(r.size() == 1);
    CHECK(r[0].summary.completed + r[0].summary.failed == 12);
    CHECK(r[0].summary.invalid_utf8 >= 4);
    CHECK(read_json(r[0].result_file)["completed"] == r[0].summary.completed);
    std::ifstream in(r[0].requests_file);
    std::size_t lines = 0;
    for (std::string line; std::getline(in, line);) {
      CHECK(lg::is_valid_utf8(line));
      CHECK_NOTHROW(nlohmann::json::parse(line));
      ++lines;
    }
    CHECK(lines == 12);
  }
}
