// The load generator's Boost-free parts: SSE framing at every split, OpenAI chunk scanning, the
// per-request recorder, vLLM-exact aggregation against hand computations, workloads, schedules
// and request bodies.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <inferlens/load.hpp>
#include <inferlens/loadgen/metrics.hpp>
#include <inferlens/loadgen/output.hpp>
#include <inferlens/loadgen/protocol.hpp>
#include <inferlens/loadgen/schedule.hpp>
#include <inferlens/loadgen/sse.hpp>
#include <inferlens/loadgen/workload.hpp>

namespace lg = inferlens::loadgen;
using namespace std::chrono_literals;

namespace {

struct seen_event {
  std::string type, data, id;
  bool operator==(const seen_event&) const = default;
};

std::vector<seen_event> parse_in_pieces(std::string_view stream, const std::vector<std::size_t>& cuts) {
  lg::sse_parser p;
  std::vector<seen_event> out;
  auto on = [&](const lg::sse_event& e) { out.push_back({std::string(e.type), std::string(e.data), std::string(e.id)}); };
  std::size_t prev = 0;
  for (std::size_t c : cuts) {
    p.feed(stream.substr(prev, c - prev), on);
    prev = c;
  }
  p.feed(stream.substr(prev), on);
  return out;
}

// Every framing the parser must survive, in one stream.
const std::string k_stream =
    "\xEF\xBB\xBF: keep-alive\r\n\r\n"
    "data: {\"id\":\"cmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\r\n\r\n"
    "data:{\"id\":\"cmpl-1\",\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"
    "event: message\rid: 7\rdata: {\"choices\":[{\"text\":\"a\\nb\"}]}\r\r"
    ":\n"
    "data: line1\ndata:  line2\ndata\n\n"
    "retry: 10\nunknown: x\n\n"
    "event: error\ndata: {\"error\":{\"message\":\"boom\"}}\n\n"
    "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}\r\n\r\n"
    "data: [DONE]\r\n\r\n";

const std::vector<seen_event> k_expected = {
    {"", "{\"id\":\"cmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}", ""},
    {"", "{\"id\":\"cmpl-1\",\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}", ""},
    {"message", "{\"choices\":[{\"text\":\"a\\nb\"}]}", "7"},
    {"", "line1\n line2\n", "7"},
    {"error", "{\"error\":{\"message\":\"boom\"}}", "7"},
    {"", "{\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}", "7"},
    {"", "[DONE]", "7"},
};

lg::time_point at_ms(double ms) {
  return lg::time_point{} + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::duration<double, std::milli>(ms + 1000.0));
}

}  // namespace

TEST_SUITE("loadgen.sse") {
  TEST_CASE("whole stream") { CHECK(parse_in_pieces(k_stream, {}) == k_expected); }

  TEST_CASE("every split into two and three pieces, and one byte at a time") {
    const std::size_t n = k_stream.size();
    for (std::size_t i = 0; i <= n; ++i) REQUIRE_MESSAGE(parse_in_pieces(k_stream, {i}) == k_expected, "cut at " << i);
    std::size_t checked = 0;
    for (std::size_t i = 0; i <= n; i += 1)
      for (std::size_t j = i; j <= n; j += 3) {
        REQUIRE_MESSAGE(parse_in_pieces(k_stream, {i, j}) == k_expected, "cuts at " << i << ", " << j);
        ++checked;
      }
    CHECK(checked > 10000);
    std::vector<std::size_t> every(n);
    for (std::size_t i = 0; i < n; ++i) every[i] = i;
    CHECK(parse_in_pieces(k_stream, every) == k_expected);
  }

  TEST_CASE("comments, partial events and counters") {
    lg::sse_parser p;
    int events = 0;
    auto on = [&](const lg::sse_event&) { ++events; };
    p.feed(": ping\n\n: ping\r\n", on);
    CHECK(p.comments() == 2);
    CHECK_FALSE(p.has_partial());
    p.feed("data: {\"a\":1}\n", on);
    CHECK(p.has_partial());  // no blank line yet: a stream that ends here was cut
    p.feed("\n", on);
    CHECK(events == 1);
    CHECK_FALSE(p.has_partial());
    p.feed("data: {\"a\"", on);
    CHECK(p.has_partial());
  }

  TEST_CASE("event with no data is not dispatched") {
    CHECK(parse_in_pieces("event: ping\n\n", {}).empty());
    CHECK(parse_in_pieces("data\n\n", {}) == std::vector<seen_event>{{"", "", ""}});
  }
}

TEST_SUITE("loadgen.chunks") {
  TEST_CASE("completions text and special-token chunks") {
    auto c = lg::scan_openai_chunk(R"({"id":"cmpl-abc","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":" the","logprobs":null,"finish_reason":null,"stop_reason":null}],"usage":null})");
    CHECK(c.what == lg::chunk_info::kind::json);
    CHECK(c.has_choices);
    CHECK(c.has_content);
    CHECK_FALSE(c.finished);
    CHECK(c.id == "cmpl-abc");
    CHECK_FALSE(c.completion_tokens);
    c = lg::scan_openai_chunk(R"({"choices":[{"index":0,"text":"","finish_reason":"length"}]})");
    CHECK(c.has_choices);
    CHECK_FALSE(c.has_content);
    CHECK(c.finished);
  }

  TEST_CASE("chat role prelude, content, reasoning and tool calls") {
    auto c = lg::scan_openai_chunk(R"({"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]})");
    CHECK(c.has_choices);
    CHECK_FALSE(c.has_content);
    c = lg::scan_openai_chunk(R"({"choices":[{"delta":{"role":"assistant"}}]})");
    CHECK_FALSE(c.has_content);
    c = lg::scan_openai_chunk(R"({"choices":[{"delta":{"content":null,"reasoning_content":"Let me"}}]})");
    CHECK(c.has_content);
    c = lg::scan_openai_chunk(R"({"choices":[{"delta":{"reasoning":"hm"}}]})");
    CHECK(c.has_content);
    c = lg::scan_openai_chunk(R"({"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{"}}]}}]})");
    CHECK(c.has_content);
    c = lg::scan_openai_chunk(R"({"choices":[{"delta":{"tool_calls":[]}}]})");
    CHECK_FALSE(c.has_content);
    c = lg::scan_openai_chunk(R"({"choices":[{"delta":{"content":"\"quoted\" \\ \u00e9"}}]})");
    CHECK(c.has_content);
  }

  TEST_CASE("usage, [DONE], errors, malformed") {
    auto c = lg::scan_openai_chunk(R"({"id":"x","choices":[],"usage":{"prompt_tokens":1024,"total_tokens":2048,"completion_tokens":1024,"prompt_tokens_details":null}})");
    CHECK_FALSE(c.has_choices);
    REQUIRE(c.completion_tokens);
    CHECK(*c.completion_tokens == 1024);
    CHECK(*c.prompt_tokens == 1024);
    CHECK(lg::scan_openai_chunk("[DONE]").what == lg::chunk_info::kind::done);
    CHECK(lg::scan_openai_chunk(" [DONE]\r").what == lg::chunk_info::kind::done);
    c = lg::scan_openai_chunk(R"({"error":{"message":"overloaded","type":"server_error","code":503}})");
    CHECK(c.is_error);
    CHECK(c.error_message == "overloaded");
    c = lg::scan_openai_chunk(R"({"object":"error","message":"bad request","type":"BadRequestError","code":400})");
    CHECK(c.is_error);
    CHECK(c.error_message == "bad request");
    c = lg::scan_openai_chunk(R"({"error":"plain"})");
    CHECK(c.is_error);
    CHECK(c.error_message == "plain");
    for (const char* bad : {"{\"choices\":[{\"text\":\"cut", "{\"choices\":[}", "line1\nline2", "{} trailing", "",
                            "{\"a\":tru}", "{\"a\":1,}", "[1,2]"})
      CHECK_MESSAGE(lg::scan_openai_chunk(bad).what == lg::chunk_info::kind::malformed, bad);
    c = lg::scan_openai_chunk(R"({"a":{"b":[1,2.5e3,-3,true,false,null,{"c":"d"}]},"choices":[{"text":"x"}]})");
    CHECK(c.what == lg::chunk_info::kind::json);
    CHECK(c.has_content);
  }
}

namespace {

// A realistic chat stream: role prelude, three content chunks (the last with finish_reason),
// the usage chunk and [DONE].
const std::string k_chat_stream =
    "data: {\"id\":\"chatcmpl-9\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
    ": keep-alive\n\n"
    "data: {\"id\":\"chatcmpl-9\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"One\"}}]}\n\n"
    "data: {\"id\":\"chatcmpl-9\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" two\"}}]}\n\n"
    "data: {\"id\":\"chatcmpl-9\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" three\"},\"finish_reason\":\"length\"}]}\n\n"
    "data: {\"id\":\"chatcmpl-9\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}\n\n"
    "data: [DONE]\n\n";

lg::request_record record_stream(std::string_view body, const std::vector<std::size_t>& cuts,
                                 lg::first_token_rule rule = lg::first_token_rule::content, std::int64_t osl = 3) {
  lg::request_record r;
  r.output_len = osl;
  r.ignore_eos = true;
  r.sent = at_ms(0);
  lg::stream_recorder rec(r, rule);
  std::size_t prev = 0;
  double t = 1;
  for (std::size_t c : cuts) {
    rec.on_body(at_ms(t++), body.substr(prev, c - prev));
    prev = c;
  }
  rec.on_body(at_ms(t), body.substr(prev));
  rec.finish(at_ms(t + 1));
  return r;
}

}  // namespace

TEST_SUITE("loadgen.recorder") {
  TEST_CASE("chat stream: content rule skips the role prelude") {
    const auto r = record_stream(k_chat_stream, {});
    CHECK(r.ok());
    CHECK(r.id == "chatcmpl-9");
    CHECK(r.chunks.size() == 4);
    CHECK_FALSE(r.chunks[0].content);
    CHECK(r.saw_done);
    CHECK(r.finished);
    CHECK(*r.output_tokens == 3);
    CHECK(r.output_source == lg::token_source::usage);
    CHECK(*r.prompt_tokens == 12);
    CHECK_FALSE(r.count_mismatch);
    CHECK(r.comments == 1);
    CHECK(r.chunks[1].tokens == 1);  // usage == content chunks: one token each
    CHECK(r.chunks[0].tokens == 0);
  }

  TEST_CASE("the same record at every split") {
    const auto whole = record_stream(k_chat_stream, {});
    for (std::size_t i = 0; i <= k_chat_stream.size(); ++i) {
      const auto r = record_stream(k_chat_stream, {i});
      REQUIRE(r.ok());
      REQUIRE(r.chunks.size() == whole.chunks.size());
      for (std::size_t k = 0; k < r.chunks.size(); ++k) REQUIRE(r.chunks[k].content == whole.chunks[k].content);
      REQUIRE(r.output_tokens == whole.output_tokens);
      REQUIRE(r.id == whole.id);
    }
  }

  TEST_CASE("stamps are the read that completed each event") {
    // cut inside the second content event: it completes with the second read (t = 2 ms)
    const std::size_t cut = k_chat_stream.find("\" two\"") + 2;
    const auto r = record_stream(k_chat_stream, {cut});
    REQUIRE(r.chunks.size() == 4);
    CHECK(r.chunks[1].t == at_ms(1));
    CHECK(r.chunks[2].t == at_ms(2));
    const auto l = lg::latency_of(r, lg::first_token_rule::content);
    REQUIRE(l);
    CHECK(l->ttft == doctest::Approx(0.001));
    CHECK(l->e2el == doctest::Approx(0.002));
    CHECK(*l->tpot == doctest::Approx(0.0005));
  }

  TEST_CASE("any_choice rule counts the role prelude as vLLM does") {
    const std::size_t cut = k_chat_stream.find(": keep-alive");
    const auto r = record_stream(k_chat_stream, {cut}, lg::first_token_rule::any_choice);
    const auto vllm = lg::latency_of(r, lg::first_token_rule::any_choice);
    const auto content = lg::latency_of(r, lg::first_token_rule::content);
    CHECK(vllm->ttft == doctest::Approx(0.001));
    CHECK(content->ttft == doctest::Approx(0.002));
    std::vector<double> itl_v, itl_c;
    lg::append_itls(r, lg::first_token_rule::any_choice, itl_v);
    lg::append_itls(r, lg::first_token_rule::content, itl_c);
    CHECK(itl_v.size() == 3);
    CHECK(itl_c.size() == 2);
  }

  TEST_CASE("no usage: count from content chunks, source recorded, no mismatch from an estimate") {
    std::string body = k_chat_stream;
    body.erase(body.find("data: {\"id\":\"chatcmpl-9\",\"choices\":[],"), body.find("data: [DONE]") - body.find("data: {\"id\":\"chatcmpl-9\",\"choices\":[],"));
    auto r = record_stream(body, {}, lg::first_token_rule::content, 5);
    CHECK(r.ok());
    CHECK(*r.output_tokens == 3);
    CHECK(r.output_source == lg::token_source::chunks);
    CHECK_FALSE(r.count_mismatch);  // one token per chunk is a guess: two tokens in a delta are not EOS
    CHECK(r.chunks[1].tokens == -1);
    // finish_reason "stop" is the server's own word that it stopped at EOS
    const std::string stopped = body.replace(body.find("\"length\""), 8, "\"stop\"");
    r = record_stream(stopped, {}, lg::first_token_rule::content, 5);
    CHECK(r.finish_reason == "stop");
    CHECK(r.count_mismatch);
  }

  TEST_CASE("continuous usage gives per-chunk token counts") {
    const std::string body =
        "data: {\"choices\":[{\"text\":\"ab\"}],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":2}}\n\n"
        "data: {\"choices\":[{\"text\":\"cde\",\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":5}}\n\n"
        "data: [DONE]\n\n";
    const auto r = record_stream(body, {}, lg::first_token_rule::content, 5);
    CHECK(r.ok());
    CHECK(r.output_source == lg::token_source::continuous_usage);
    CHECK(*r.output_tokens == 5);
    CHECK(r.chunks[0].tokens == 2);
    CHECK(r.chunks[1].tokens == 3);
    CHECK(*r.prompt_tokens == 4);
  }

  TEST_CASE("failures") {
    // cut mid-stream: no [DONE], no finish_reason
    auto r = record_stream(k_chat_stream.substr(0, k_chat_stream.find("\" two\"")), {});
    CHECK(r.error == lg::error_kind::truncated);
    // an error event
    r = record_stream("data: {\"choices\":[{\"text\":\"a\"}]}\n\nevent: error\ndata: {\"message\":\"engine died\"}\n\ndata: [DONE]\n\n", {});
    CHECK(r.error == lg::error_kind::server_error);
    CHECK(r.error_message.find("engine died") != std::string::npos);
    // an error object
    r = record_stream("data: {\"error\":{\"message\":\"oom\"}}\n\ndata: [DONE]\n\n", {});
    CHECK(r.error == lg::error_kind::server_error);
    CHECK(r.error_message == "oom");
    // a payload that is not JSON
    r = record_stream("data: {\"choices\":[{\"text\":\"a\"}]}\n\ndata: {\"choices\":[{\"te\n\ndata: [DONE]\n\n", {});
    CHECK(r.error == lg::error_kind::malformed);
    // nothing but [DONE]
    r = record_stream("data: [DONE]\n\n", {});
    CHECK(r.error == lg::error_kind::no_content);
    // transport failure wins over the stream's own state
    lg::request_record rr;
    lg::stream_recorder rec(rr, lg::first_token_rule::content);
    rec.on_body(at_ms(1), "data: {\"choices\":[{\"text\":\"a\"}]}\n\n");
    rec.finish(at_ms(2), lg::error_kind::connection_reset, "reset by peer");
    CHECK(rr.error == lg::error_kind::connection_reset);
    CHECK(rr.chunks.size() == 1);  // what was measured is kept
  }
}

namespace {

lg::request_record make_record(double sched, double sent, std::vector<std::pair<double, bool>> chunks, std::int64_t out,
                               std::int64_t in) {
  lg::request_record r;
  r.scheduled = r.ready = at_ms(sched);
  r.sent = at_ms(sent);
  for (auto [t, content] : chunks) r.chunks.push_back({at_ms(t), -1, 0, content});
  r.output_tokens = out;
  r.output_source = lg::token_source::usage;
  r.prompt_tokens = in;
  r.saw_done = true;
  return r;
}

std::vector<lg::request_record> hand_records() {
  std::vector<lg::request_record> v;
  v.push_back(make_record(0, 0, {{5, false}, {10, true}, {20, true}, {30, true}, {40, true}}, 4, 100));
  v.push_back(make_record(0, 2, {{22, true}, {42, true}, {102, true}}, 3, 50));
  v.push_back(make_record(0, 5, {{55, true}}, 1, 10));
  lg::request_record failed;
  failed.scheduled = failed.ready = at_ms(0);
  failed.sent = at_ms(6);
  failed.input_len = 77;
  failed.error = lg::error_kind::http_status;
  failed.http_status = 500;
  v.push_back(failed);
  lg::request_record warm = make_record(0, 0, {{1, true}, {2, true}}, 2, 1000);
  warm.warmup = true;  // never counted
  v.push_back(warm);
  return v;
}

}  // namespace

TEST_SUITE("loadgen.aggregate") {
  // Every expected value below is computed by hand from the per-request data (in ms):
  //   A: sent 0, chunks 5 (role), 10, 20, 30, 40; 4 tokens; 100 prompt tokens
  //   B: sent 2, chunks 22, 42, 102; 3 tokens; 50 prompt tokens
  //   C: sent 5, chunk 55; 1 token; 10 prompt tokens
  //   D: HTTP 500.  Run window 0..200 ms.
  TEST_CASE("vLLM definitions, content rule") {
    const auto recs = hand_records();
    lg::aggregate_options o;
    o.goodput.ttft_ms = 25;
    o.goodput.tpot_ms = 30;
    inferlens::benchmark_point id;
    id.model = "m";
    id.isl = 100;
    id.osl = 4;
    id.concurrency = 4;
    id.tp = 2;
    const auto s = lg::aggregate(recs, at_ms(0), at_ms(200), o, id);
    CHECK(s.completed == 3);
    CHECK(s.failed == 1);
    CHECK(s.errors[static_cast<std::size_t>(lg::error_kind::http_status)] == 1);
    CHECK(s.duration_s == doctest::Approx(0.2));
    CHECK(s.total_input_tokens == 160);
    CHECK(s.total_output_tokens == 8);
    const auto& p = s.point;
    CHECK(*p.request_throughput == doctest::Approx(15.0));
    CHECK(*p.output_throughput == doctest::Approx(40.0));
    CHECK(*p.input_throughput == doctest::Approx(800.0));
    CHECK(*p.total_token_throughput == doctest::Approx(840.0));
    CHECK(*p.num_prompts == 4);
    // TTFT [10, 20, 50]
    CHECK(*p.ttft.mean == doctest::Approx(80.0 / 3 / 1000));
    CHECK(*p.ttft.median == doctest::Approx(0.020));
    CHECK(*p.ttft.std == doctest::Approx(std::sqrt(2600.0 / 9) / 1000));
    CHECK(*p.ttft.p90 == doctest::Approx(0.044));
    CHECK(*p.ttft.p99 == doctest::Approx(0.0494));
    CHECK(*p.ttft.p999 == doctest::Approx(0.04994));
    // TPOT [30/3, 80/2]; C has one token: no TPOT
    CHECK(s.tpot.count == 2);
    CHECK(*p.tpot.mean == doctest::Approx(0.025));
    CHECK(*p.tpot.std == doctest::Approx(0.015));
    CHECK(*p.tpot.p90 == doctest::Approx(0.037));
    // ITL pooled [10, 10, 10, 20, 60]
    CHECK(s.itl.count == 5);
    CHECK(*p.itl.mean == doctest::Approx(0.022));
    CHECK(*p.itl.median == doctest::Approx(0.010));
    CHECK(*p.itl.std == doctest::Approx(std::sqrt(376.0) / 1000));
    CHECK(*p.itl.p90 == doctest::Approx(0.044));
    CHECK(*p.itl.p99 == doctest::Approx(0.0584));
    // E2EL [40, 100, 50]
    CHECK(*p.e2el.mean == doctest::Approx(190.0 / 3 / 1000));
    CHECK(*p.e2el.median == doctest::Approx(0.050));
    CHECK(*p.e2el.p90 == doctest::Approx(0.090));
    // interactivity = 1 / TPOT; per GPU over tp = 2
    CHECK(*p.intvty.median == doctest::Approx(40.0));
    CHECK(*p.tput_per_gpu == doctest::Approx(420.0));
    // goodput: A meets TTFT <= 25 and TPOT <= 30; B misses TPOT; C misses TTFT
    CHECK(*s.good == 1);
    CHECK(*p.request_goodput == doctest::Approx(5.0));
    // beyond vLLM: from the schedule, queue time, tokens per chunk
    CHECK(*s.ttft_from_schedule.mean == doctest::Approx((10.0 + 22 + 55) / 3 / 1000));
    CHECK(*s.queue_time.max == doctest::Approx(0.005));
    CHECK(*s.tokens_per_chunk.mean == doctest::Approx(1.0));
    CHECK(s.failure_rate() == doctest::Approx(0.25));
    CHECK(s.input_lens == std::vector<std::int64_t>{100, 50, 10, 77});
    CHECK(s.output_lens == std::vector<std::int64_t>{4, 3, 1, 0});
  }

  TEST_CASE("any_choice rule reproduces vLLM's role-prelude behaviour") {
    const auto recs = hand_records();
    lg::aggregate_options o;
    o.rule = lg::first_token_rule::any_choice;
    const auto s = lg::aggregate(recs, at_ms(0), at_ms(200), o);
    CHECK(*s.ttft.min == doctest::Approx(0.005));  // A's role chunk
    CHECK(s.itl.count == 6);                       // A gains the 5 ms gap
    CHECK(*s.tpot.min == doctest::Approx(0.035 / 3));
    CHECK_FALSE(s.good);
    CHECK_FALSE(s.point.request_goodput);
  }

  TEST_CASE("a faster-than-real-time server is reported in model time") {
    auto r = make_record(0, 1, {{3, true}, {5, true}}, 2, 10);
    lg::stretch_time(r, at_ms(0), 10.0);
    const auto l = lg::latency_of(r, lg::first_token_rule::content);
    CHECK(l->ttft == doctest::Approx(0.020));
    CHECK(l->e2el == doctest::Approx(0.040));
    CHECK(*l->tpot == doctest::Approx(0.020));
  }

  TEST_CASE("no successful request: missing, not zero") {
    std::vector<lg::request_record> v(2);
    v[0].error = v[1].error = lg::error_kind::connect;
    const auto s = lg::aggregate(v, at_ms(0), at_ms(10));
    CHECK(s.completed == 0);
    CHECK(s.failed == 2);
    CHECK_FALSE(s.point.ttft.mean);
    CHECK(*s.point.request_throughput == 0.0);
    CHECK(s.failure_rate() == 1.0);
  }
}

TEST_SUITE("loadgen.output") {
  TEST_CASE("result JSON reads back as the same point; per-request JSON lines") {
    const auto recs = hand_records();
    inferlens::benchmark_point id;
    id.model = "org/m";
    id.isl = 100;
    id.osl = 4;
    id.concurrency = 4;
    id.request_rate = std::numeric_limits<double>::infinity();
    id.tp = 2;
    lg::aggregate_options o;
    o.goodput.ttft_ms = 25;
    const auto s = lg::aggregate(recs, at_ms(0), at_ms(200), o, id);
    lg::result_meta m;
    m.start_unix = 1.7e9;
    m.end_unix = 1.7e9 + 0.2;
    const auto j = lg::result_json(s, m);
    CHECK(j["model_id"] == "org/m");
    CHECK(j["max_concurrency"] == 4);
    CHECK(j["request_rate"] == "inf");
    CHECK(j["median_ttft_ms"].get<double>() == doctest::Approx(20.0));
    CHECK(j["p99.9_itl_ms"].get<double>() > 0);
    CHECK(j["request_goodput:"].get<double>() == doctest::Approx(10.0));  // A and B meet TTFT <= 25 ms
    CHECK(j["errors_by_kind"]["http_status"] == 1);
    CHECK(j["output_lens"] == nlohmann::json::array({4, 3, 1, 0}));
    CHECK(j.contains("mean_client_queue_time_ms"));
    CHECK(j.contains("p99_e2el_including_client_queue_ms"));
    const auto back = inferlens::parse(j.dump(), "point.json").points();
    REQUIRE(back.size() == 1);
    CHECK(*back[0].ttft.median == doctest::Approx(*s.point.ttft.median));
    CHECK(*back[0].tput_per_gpu == doctest::Approx(420.0));
    CHECK(back[0].concurrency == 4);

    const auto line = lg::record_json(recs[0], 0.0, lg::first_token_rule::content);
    CHECK(line["ok"] == true);
    CHECK(line["ttft_ms"].get<double>() == doctest::Approx(10.0));
    CHECK(line["chunk_ms"].dump() == "[5.0,10.0,20.0,30.0,40.0]");
    CHECK(line["non_content_chunks"] == nlohmann::json::array({0}));
    const auto failed = lg::record_json(recs[3], 0.0, lg::first_token_rule::content);
    CHECK(failed["error"] == "http_status");
    CHECK_FALSE(failed.contains("ttft_ms"));

    const auto path = std::filesystem::temp_directory_path() / ("inferlens_loadgen_core_requests-" + std::to_string(std::random_device{}()) + ".jsonl");
    std::filesystem::remove(path);
    {
      lg::jsonl_writer w(path, lg::first_token_rule::content);
      for (const auto& r : recs) w.push(r);
    }
    std::ifstream in(path);
    std::size_t lines = 0;
    for (std::string l; std::getline(in, l);) {
      CHECK(nlohmann::json::parse(l).contains("index"));
      ++lines;
    }
    CHECK(lines == recs.size());
    std::filesystem::remove(path);
  }
}

TEST_SUITE("loadgen.workload") {
  TEST_CASE("length bounds under both conventions") {
    auto b = lg::bounds_for(1024, 0.8, lg::range_convention::inferencemax);
    CHECK(b.min == 819);
    CHECK(b.max == 1024);
    b = lg::bounds_for(1024, 0.8, lg::range_convention::vllm);
    CHECK(b.min == 204);
    CHECK(b.max == 1844);
    b = lg::bounds_for(8192, 0.0, lg::range_convention::vllm);
    CHECK(b.min == 8192);
    CHECK(b.max == 8192);
    b = lg::bounds_for(100, 0.0, lg::range_convention::inferencemax);
    CHECK(b.min == 1);  // int(0 * L) = 0 is clamped to one token
    CHECK(b.max == 100);
    CHECK_THROWS_AS(lg::bounds_for(100, 1.0, lg::range_convention::vllm), inferlens::input_error);
    CHECK_THROWS_AS(lg::bounds_for(0, 0.5, lg::range_convention::vllm), inferlens::input_error);
    CHECK(lg::parse_range_convention("inferencemax") == lg::range_convention::inferencemax);
    CHECK(lg::parse_range_convention("vllm") == lg::range_convention::vllm);
    CHECK_FALSE(lg::parse_range_convention("sym"));
  }

  TEST_CASE("seeded random prompts reproduce exactly, and prefixes agree") {
    lg::random_options o;
    o.isl = 256;
    o.osl = 64;
    o.range_ratio = 0.8;
    o.convention = lg::range_convention::inferencemax;
    o.seed = 42;
    const auto a = lg::random_prompts(o, 50);
    const auto b = lg::random_prompts(o, 50);
    const auto c = lg::random_prompts(o, 10);
    for (std::size_t i = 0; i < a.size(); ++i) {
      CHECK(a[i].token_ids == b[i].token_ids);
      CHECK(a[i].output_len == b[i].output_len);
      CHECK(a[i].input_len >= 204);
      CHECK(a[i].input_len <= 256);
      CHECK(a[i].output_len >= 51);
      CHECK(static_cast<std::int64_t>(a[i].token_ids.size()) == a[i].input_len);
      for (auto id : a[i].token_ids) CHECK((id >= 1000 && id < 30000));
    }
    for (std::size_t i = 0; i < c.size(); ++i) CHECK(c[i].token_ids == a[i].token_ids);
    o.seed = 43;
    const auto d = lg::random_prompts(o, 50);
    CHECK(d[0].token_ids != a[0].token_ids);
  }

  TEST_CASE("the generator is pinned (same numbers on every platform)") {
    lg::rng g(0);
    CHECK(g.next() == 11091344671253066420ull);
    lg::random_options o;
    o.isl = 1000;
    o.osl = 100;
    o.range_ratio = 0.5;
    o.convention = lg::range_convention::inferencemax;
    const auto v = lg::random_prompts(o, 3);
    // pinned from this implementation: a change here changes every published workload
    CHECK(v[0].input_len == 585);
    CHECK(v[0].output_len == 75);
    CHECK(v[1].input_len == 790);
    CHECK(v[2].output_len == 57);
    CHECK(v[0].token_ids[0] == 28165);
    CHECK(v[2].token_ids[1] == 12799);
    // the uniform draw covers its whole range
    lg::rng u(7);
    int lo = 0, hi = 0;
    for (int i = 0; i < 20000; ++i) {
      const auto x = u.uniform_int(1, 6);
      lo += x == 1;
      hi += x == 6;
      REQUIRE((x >= 1 && x <= 6));
    }
    CHECK(lo > 3000);
    CHECK(hi > 3000);
  }

  TEST_CASE("default: fixed lengths") {
    lg::random_options o;
    o.isl = 300;
    o.osl = 20;
    for (const auto& p : lg::random_prompts(o, 20)) {
      CHECK(p.input_len == 300);
      CHECK(p.output_len == 20);
    }
  }

  TEST_CASE("text form of a prompt is one word per token") {
    lg::prompt p;
    p.token_ids = {0, 1, 2};
    CHECK(lg::prompt_text(p) == "the of and");
    p.text = "given";
    CHECK(lg::prompt_text(p) == "given");
  }

  TEST_CASE("prompt file and trace") {
    const auto dir = std::filesystem::temp_directory_path() / ("inferlens_loadgen_core-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir);
    const auto pf = (dir / "prompts.jsonl").string();
    {
      std::ofstream f(pf);
      f << R"({"prompt": "hello there world", "output_len": 7})" << "\n\n"
        << R"({"prompt": [11, 12, 13, 14]})" << "\n";
    }
    const auto ps = lg::load_prompt_file(pf, 32);
    REQUIRE(ps.size() == 2);
    CHECK(ps[0].text == "hello there world");
    CHECK(ps[0].input_len == 3);
    CHECK(ps[0].output_len == 7);
    CHECK(ps[1].token_ids.size() == 4);
    CHECK(ps[1].output_len == 32);
    {
      std::ofstream f(pf);
      f << R"({"prompt": "ok"})" << "\n" << R"({"prompt": "x", "output_len": -3})" << "\n";
    }
    try {
      lg::load_prompt_file(pf, 32);
      FAIL("expected an error");
    } catch (const inferlens::input_error& e) {
      CHECK(e.where().row == 2u);
      CHECK(e.where().field == "output_len");
    }
    const auto tf = (dir / "trace.jsonl").string();
    {
      std::ofstream f(tf);
      f << R"({"timestamp": 2000, "input_length": 10, "output_length": 5})" << "\n"
        << R"({"timestamp": 1000, "input_length": 20, "output_length": 6})" << "\n"
        << R"({"timestamp": 1500, "input_len": 30, "osl": 7})" << "\n";
    }
    lg::trace_options to;
    to.time_scale = 2.0;
    const auto tr = lg::load_trace(tf, to);
    REQUIRE(tr.size() == 3);
    CHECK(*tr[0].arrival_s == 0.0);
    CHECK(*tr[1].arrival_s == doctest::Approx(1.0));
    CHECK(*tr[2].arrival_s == doctest::Approx(2.0));
    CHECK(tr[0].input_len == 20);
    CHECK(tr[0].token_ids.size() == 20);
    CHECK(tr[1].output_len == 7);
    const auto sched = lg::trace_schedule(tr);
    CHECK(sched == std::vector<double>{0.0, 1.0, 2.0});
    {
      std::ofstream f(tf);
      f << R"({"timestamp": 2000, "output_length": 5})" << "\n";
    }
    CHECK_THROWS_AS(lg::load_trace(tf), inferlens::input_error);
    std::filesystem::remove_all(dir);
  }
}

TEST_SUITE("loadgen.schedule") {
  TEST_CASE("constant and normalised Poisson") {
    lg::rate_options o;
    o.rate = 10;
    o.process = lg::arrival_process::constant;
    auto t = lg::open_loop_schedule(o, 5);
    CHECK(t[0] == doctest::Approx(0.1));
    CHECK(t[4] == doctest::Approx(0.5));
    o.process = lg::arrival_process::poisson;
    o.seed = 3;
    t = lg::open_loop_schedule(o, 1000);
    CHECK(t.back() == doctest::Approx(100.0));  // vLLM rescales the last arrival to n / rate
    CHECK(std::is_sorted(t.begin(), t.end()));
    CHECK(t == lg::open_loop_schedule(o, 1000));
    o.seed = 4;
    CHECK(t != lg::open_loop_schedule(o, 1000));
    CHECK(lg::due_within(t, 50.0) > 400);
    CHECK(lg::due_within(t, 50.0) < 600);
    CHECK(lg::due_within(t, std::nullopt) == 1000);
  }

  TEST_CASE("gamma burstiness sets the spread of gaps") {
    auto cv2 = [](double burstiness) {
      lg::rate_options o;
      o.rate = 5;
      o.process = lg::arrival_process::gamma;
      o.burstiness = burstiness;
      o.normalize = false;
      o.seed = 11;
      const auto t = lg::open_loop_schedule(o, 20000);
      std::vector<double> gaps(t.size());
      gaps[0] = t[0];
      for (std::size_t i = 1; i < t.size(); ++i) gaps[i] = t[i] - t[i - 1];
      const double m = *inferlens::mean(gaps), sd = *inferlens::pstdev(gaps);
      CHECK(m == doctest::Approx(0.2).epsilon(0.03));
      return (sd / m) * (sd / m);
    };
    CHECK(cv2(0.25) == doctest::Approx(4.0).epsilon(0.1));
    CHECK(cv2(1.0) == doctest::Approx(1.0).epsilon(0.05));
    CHECK(cv2(4.0) == doctest::Approx(0.25).epsilon(0.05));
  }

  TEST_CASE("ramp-up by request index") {
    lg::rate_options o;
    o.process = lg::arrival_process::constant;
    o.ramp = {lg::ramp_up::shape::linear, 1.0, 3.0};
    const auto t = lg::open_loop_schedule(o, 3);  // rates 1, 2, 3
    CHECK(t[0] == doctest::Approx(1.0));
    CHECK(t[1] == doctest::Approx(1.5));
    CHECK(t[2] == doctest::Approx(1.5 + 1.0 / 3));
    o.ramp = {lg::ramp_up::shape::exponential, 1.0, 4.0};
    const auto e = lg::open_loop_schedule(o, 3);  // rates 1, 2, 4
    CHECK(e[2] - e[1] == doctest::Approx(0.25));
    CHECK(lg::closed_loop_schedule(3) == std::vector<double>{0, 0, 0});
    o.ramp = {};
    o.rate = 0;
    CHECK_THROWS_AS(lg::open_loop_schedule(o, 3), inferlens::input_error);
  }
}

TEST_SUITE("loadgen.protocol") {
  TEST_CASE("endpoints") {
    auto e = lg::parse_endpoint("http://127.0.0.1:8000", lg::api_kind::completions);
    CHECK_FALSE(e.tls);
    CHECK(e.host == "127.0.0.1");
    CHECK(e.port == 8000);
    CHECK(e.path == "/v1/completions");
    CHECK(e.host_header == "127.0.0.1:8000");
    e = lg::parse_endpoint("https://api.example.com/v1/", lg::api_kind::chat);
    CHECK(e.tls);
    CHECK(e.port == 443);
    CHECK(e.path == "/v1/chat/completions");
    CHECK(e.host_header == "api.example.com");
    e = lg::parse_endpoint("http://[::1]:9000/openai/v1/completions", lg::api_kind::chat);
    CHECK(e.host == "::1");
    CHECK(e.path == "/openai/v1/completions");
    CHECK(e.host_header == "[::1]:9000");
    CHECK_THROWS_AS(lg::parse_endpoint("localhost:8000", lg::api_kind::chat), inferlens::input_error);
    CHECK_THROWS_AS(lg::parse_endpoint("http://h:99999", lg::api_kind::chat), inferlens::input_error);
  }

  TEST_CASE("request bodies") {
    lg::prompt p;
    p.token_ids = {5, 6};
    p.output_len = 9;
    lg::request_options o;
    o.model = "m";
    o.extra_body = {{"top_k", 1}, {"temperature", nullptr}};
    auto j = nlohmann::json::parse(lg::build_body(p, o, true));
    CHECK(j["prompt"] == nlohmann::json::array({5, 6}));
    CHECK(j["max_tokens"] == 9);
    CHECK(j["stream"] == true);
    CHECK(j["ignore_eos"] == true);
    CHECK(j["stream_options"]["include_usage"] == true);
    CHECK(j["top_k"] == 1);
    CHECK_FALSE(j.contains("temperature"));  // removed by the merge patch
    j = nlohmann::json::parse(lg::build_body(p, o, false));
    CHECK(j["prompt"] == lg::prompt_text(p));
    o.api = lg::api_kind::chat;
    o.continuous_usage = true;
    j = nlohmann::json::parse(lg::build_body(p, o, true));
    CHECK(j["messages"][0]["content"] == lg::prompt_text(p));
    CHECK(j["max_completion_tokens"] == 9);
    CHECK(j["stream_options"]["continuous_usage_stats"] == true);
    o.api_key = "sk-x";
    const auto head = lg::build_request_head(lg::parse_endpoint("http://h:1", lg::api_kind::chat), o);
    CHECK(head.find("POST /v1/chat/completions HTTP/1.1\r\nHost: h:1\r\n") == 0);
    CHECK(head.find("Authorization: Bearer sk-x\r\n") != std::string::npos);
  }
}
