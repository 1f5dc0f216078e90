// The simulated server: its engine on a virtual clock, then the HTTP server on real loopback,
// driven by a small blocking Beast client (each read bounded by a timeout).
#include <utility>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <numeric>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "inferlens/sim/model.hpp"
#include "inferlens/sim/server.hpp"

namespace sim = inferlens::sim;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using sim_clock = std::chrono::steady_clock;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

// ---------------------------------------------------------------------------------------------
// The engine on its virtual clock

struct run_summary {
  std::vector<double> first_token_s, last_token_s;
  std::vector<int> tokens;
  std::vector<sim::finish_reason> finish;
  double makespan_s = 0.0;
  int steps = 0;

  double tpot_s(std::size_t i) const { return (last_token_s[i] - first_token_s[i]) / (tokens[i] - 1); }
  double median_tpot_s() const {
    std::vector<double> v;
    for (std::size_t i = 0; i < tokens.size(); ++i)
      if (tokens[i] > 1) v.push_back(tpot_s(i));
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  }
  double output_throughput() const {
    return std::accumulate(tokens.begin(), tokens.end(), 0.0) / makespan_s;
  }
};

/// Submits every request at t = 0 and steps until all are done.
run_summary run_all(sim::scheduler& s, const std::vector<sim::request_spec>& requests) {
  std::vector<sim::sequence_id> ids;
  for (const auto& r : requests) ids.push_back(s.submit(r).value());
  run_summary out;
  out.first_token_s.assign(ids.size(), -1.0);
  out.last_token_s.assign(ids.size(), -1.0);
  out.tokens.assign(ids.size(), 0);
  out.finish.assign(ids.size(), sim::finish_reason::none);
  while (!s.idle()) {
    const auto& r = s.step();
    REQUIRE(r.did_work());
    ++out.steps;
    for (const auto& e : r.events) {
      const auto i = static_cast<std::size_t>(std::find(ids.begin(), ids.end(), e.id) - ids.begin());
      REQUIRE(i < ids.size());
      if (out.tokens[i] == 0) out.first_token_s[i] = r.end_s();
      out.last_token_s[i] = r.end_s();
      out.tokens[i] += e.tokens;
      if (e.finish != sim::finish_reason::none) out.finish[i] = e.finish;
    }
  }
  out.makespan_s = s.now();
  return out;
}

std::vector<sim::request_spec> same_requests(int n, int prompt, int output) {
  return std::vector<sim::request_spec>(static_cast<std::size_t>(n), sim::request_spec{prompt, output, true});
}

}  // namespace

TEST_CASE("sim model: step time follows the model exactly") {
  sim::step_model m;
  sim::scheduler s(m);
  REQUIRE(s.submit({100, 3, true}).has_value());
  const auto& first = s.step();  // prefill of 100 tokens, which yields the first token
  CHECK(first.prefill_tokens == 100);
  CHECK(first.decode_sequences == 0);
  CHECK(first.duration_s == doctest::Approx(m.decode_base_s + 100 * m.prefill_s_per_token));
  REQUIRE(first.events.size() == 1);
  CHECK(first.events[0].tokens == 1);
  const auto& second = s.step();  // one decode over 101 context tokens
  CHECK(second.decode_sequences == 1);
  CHECK(second.context_tokens == 101);
  CHECK(second.duration_s == doctest::Approx(m.decode_base_s + m.decode_per_seq_s + 101 * m.kv_read_s_per_token));
  const auto& third = s.step();
  REQUIRE(third.events.size() == 1);
  CHECK(third.events[0].finish == sim::finish_reason::length);
  CHECK(s.idle());
  CHECK(s.kv_used_tokens() == 0);
  CHECK_FALSE(s.step().did_work());
}

TEST_CASE("sim model: TPOT rises with the batch while throughput saturates") {
  const sim::step_model m;
  std::vector<double> tpot, throughput;
  for (const int batch : {1, 4, 16, 64, 128}) {
    sim::scheduler s(m);
    const auto r = run_all(s, same_requests(batch, 128, 256));
    tpot.push_back(r.median_tpot_s());
    throughput.push_back(r.output_throughput());
  }
  for (std::size_t i = 1; i < tpot.size(); ++i) {
    CHECK(tpot[i] > tpot[i - 1]);
    CHECK(throughput[i] > throughput[i - 1]);
  }
  // Batch 1 decodes at base + one sequence + its KV read.
  CHECK(tpot[0] == doctest::Approx(m.decode_base_s + m.decode_per_seq_s).epsilon(0.01));
  // Diminishing returns: 4× the batch gives far less than 4× the throughput at the top end,
  // and throughput stays under the asymptote 1 / decode_per_seq_s.
  CHECK(throughput[1] / throughput[0] > 3.0);
  CHECK(throughput[4] / throughput[3] < 1.5);
  CHECK(throughput[4] < 1.0 / m.decode_per_seq_s);
}

TEST_CASE("sim model: a full KV cache makes requests wait") {
  sim::step_model m;
  m.kv_capacity_tokens = 1000;  // room for two requests of 100 + 400
  sim::scheduler s(m);
  const auto a = s.submit({100, 400, true});
  const auto b = s.submit({100, 400, true});
  const auto c = s.submit({100, 400, true});
  REQUIRE((a && b && c));
  s.step();
  CHECK(s.running() == 2);
  CHECK(s.waiting() == 1);
  CHECK(s.kv_used_tokens() == 1000);
  double a_done = -1, c_first = -1;
  while (!s.idle()) {
    const auto& r = s.step();
    for (const auto& e : r.events) {
      if (e.id == *a && e.finish != sim::finish_reason::none) a_done = r.end_s();
      if (e.id == *c && c_first < 0) c_first = r.end_s();
    }
  }
  CHECK(a_done > 0);
  CHECK(c_first > a_done);  // c started only once a freed its reservation

  SUBCASE("the batch limit too") {
    sim::step_model small;
    small.max_batch = 2;
    sim::scheduler t(small);
    for (int i = 0; i < 5; ++i) REQUIRE(t.submit({10, 10, true}).has_value());
    t.step();
    CHECK(t.running() == 2);
    CHECK(t.waiting() == 3);
  }
  SUBCASE("requests that can never fit are refused") {
    CHECK_FALSE(s.submit({600, 401, true}).has_value());  // > KV capacity
    sim::step_model limited;
    limited.max_model_len_tokens = 100;
    sim::scheduler t(limited);
    CHECK_FALSE(t.submit({90, 11, true}).has_value());
    CHECK(t.submit({90, 10, true}).has_value());
    CHECK_FALSE(t.submit({0, 10, true}).has_value());
  }
}

TEST_CASE("sim model: prefill is chunked under the token budget") {
  sim::step_model m;
  m.prefill_token_budget = 256;
  sim::scheduler s(m);
  const auto decoding = s.submit({10, 50, true});
  s.step();  // prefills the short one; it decodes from now on
  const auto longer = s.submit({1000, 5, true});
  REQUIRE((decoding && longer));
  int steps_to_first_token = 0;
  bool seen = false;
  while (!seen) {
    const auto& r = s.step();
    ++steps_to_first_token;
    CHECK(r.decode_sequences == 1);  // decodes go first and take one token of the budget each
    CHECK(r.prefill_tokens <= 255);
    for (const auto& e : r.events) seen = seen || e.id == *longer;
  }
  CHECK(steps_to_first_token == 4);  // ceil(1000 / 255)
}

TEST_CASE("sim model: seeded EOS, cancel and pause") {
  sim::step_model m;
  m.eos_probability_per_token = 0.05;
  const auto lengths = [&](std::uint64_t seed, bool ignore_eos) {
    sim::scheduler s(m, seed);
    std::vector<sim::request_spec> rs(20, sim::request_spec{16, 100, ignore_eos});
    return run_all(s, rs);
  };
  const auto a = lengths(7, false);
  const auto b = lengths(7, false);
  const auto c = lengths(8, false);
  CHECK(a.tokens == b.tokens);
  CHECK(a.tokens != c.tokens);
  const auto early = std::count(a.finish.begin(), a.finish.end(), sim::finish_reason::stop);
  CHECK(early > 10);  // P(no EOS in 100 tokens) = 0.95^100 < 1 %
  for (std::size_t i = 0; i < a.tokens.size(); ++i)
    CHECK((a.finish[i] == sim::finish_reason::stop ? a.tokens[i] < 100 : a.tokens[i] == 100));
  const auto ignored = lengths(7, true);
  CHECK(std::all_of(ignored.tokens.begin(), ignored.tokens.end(), [](int t) { return t == 100; }));

  sim::scheduler s(m);
  const auto x = s.submit({100, 100, true});
  const auto y = s.submit({100, 100, true});
  s.step();
  CHECK(s.kv_used_tokens() == 400);
  CHECK(s.cancel(*x));
  CHECK_FALSE(s.cancel(*x));
  CHECK(s.kv_used_tokens() == 200);
  s.set_paused(*y, true);
  CHECK_FALSE(s.step().did_work());
  s.set_paused(*y, false);
  CHECK(s.step().decode_sequences == 1);
  const auto z = s.submit({1, 1, true});
  CHECK(z != x);  // a reused slot gets a new id
}

// ---------------------------------------------------------------------------------------------
// The HTTP server on loopback

namespace {

struct sse_event {
  std::string event;  // "" unless an event: line was present
  std::string data;
};

/// Splits an SSE body into complete events; an unterminated tail goes to `rest`.
std::vector<sse_event> parse_sse(std::string_view body, std::string* rest = nullptr) {
  std::vector<sse_event> out;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t end = body.find("\n\n", pos);
    if (end == std::string_view::npos) break;
    sse_event e;
    std::string_view block = body.substr(pos, end - pos);
    while (!block.empty()) {
      const std::size_t nl = block.find('\n');
      const std::string_view line = block.substr(0, nl);
      if (line.substr(0, 6) == "data: ") e.data += line.substr(6);
      if (line.substr(0, 7) == "event: ") e.event = line.substr(7);
      block = nl == std::string_view::npos ? std::string_view() : block.substr(nl + 1);
    }
    out.push_back(std::move(e));
    pos = end + 2;
  }
  if (rest) *rest = body.substr(pos);
  return out;
}

struct received_chunk {
  sim_clock::time_point at;
  std::string data;
};

struct reply {
  beast::error_code ec;
  bool timed_out = false;
  int status = 0;
  std::string content_type;
  bool chunked = false;
  std::string body;
  std::vector<received_chunk> chunks;  // HTTP chunks, stamped when their last byte was parsed
  int partial_pieces = 0;              // chunk bodies that arrived in more than one piece
  std::vector<sse_event> events() const { return parse_sse(body); }
};

/// A blocking HTTP/1.1 client over one keep-alive connection; every read is bounded.
class test_client {
 public:
  explicit test_client(std::uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    socket_.set_option(tcp::no_delay(true));
  }

  void send(http::verb verb, const std::string& target, const std::string& body = {},
            const std::string& bearer = {}, bool expect_continue = false) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (expect_continue) req.set(http::field::expect, "100-continue");
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
    req.body() = body;
    req.prepare_payload();
    http::write(socket_, req, send_error_);
  }

  reply read(std::chrono::milliseconds timeout = 10s) {
    reply r;
    if (send_error_) {
      r.ec = std::exchange(send_error_, {});
      return r;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    std::string current;
    auto on_body = [&](std::uint64_t remain, beast::string_view piece, beast::error_code&) -> std::size_t {
      if (remain > piece.size()) ++r.partial_pieces;
      current.append(piece.data(), piece.size());
      r.body.append(piece.data(), piece.size());
      if (remain == piece.size()) r.chunks.push_back({sim_clock::now(), std::exchange(current, {})});
      return piece.size();
    };
    parser.on_chunk_body(on_body);
    bool done = false;
    http::async_read(socket_, buffer_, parser, [&](beast::error_code ec, std::size_t) {
      r.ec = ec;
      done = true;
    });
    io_.restart();
    io_.run_for(timeout);
    if (!done) {
      r.timed_out = true;
      beast::error_code ignored;
      socket_.close(ignored);
      io_.restart();
      io_.run();
    }
    if (parser.is_header_done()) {
      r.status = static_cast<int>(parser.get().result_int());
      r.content_type = std::string(parser.get()[http::field::content_type]);
      r.chunked = parser.chunked();
      if (!r.chunked) r.body = parser.get().body();
    }
    return r;
  }

  reply request(http::verb verb, const std::string& target, const std::string& body = {},
                const std::string& bearer = {}, std::chrono::milliseconds timeout = 10s) {
    send(verb, target, body, bearer);
    return read(timeout);
  }
  reply post(const std::string& target, const json& body, const std::string& bearer = {}) {
    return request(http::verb::post, target, body.dump(), bearer);
  }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
  beast::error_code send_error_;
};

/// A quick engine: 2 ms steps, no EOS.
sim::server_options quick_options() {
  sim::server_options o;
  o.model.decode_base_s = 0.002;
  o.model.decode_per_seq_s = 0.0001;
  o.model.prefill_s_per_token = 1e-6;
  o.model.eos_probability_per_token = 0.0;
  return o;
}

json completion_request(int max_tokens, bool stream = true) {
  return {{"model", "sim-model"},
          {"prompt", "hello world!"},
          {"max_tokens", max_tokens},
          {"stream", stream},
          {"stream_options", {{"include_usage", true}}},
          {"ignore_eos", true}};
}

json chat_request(int max_tokens, bool stream = true) {
  return {{"model", "sim-model"},
          {"messages", json::array({{{"role", "user"}, {"content", "abcdefgh"}}})},
          {"max_completion_tokens", max_tokens},
          {"stream", stream},
          {"stream_options", {{"include_usage", true}}},
          {"ignore_eos", true}};
}

const sim::request_trace* find_trace(const std::vector<sim::request_trace>& ts, const std::string& id) {
  for (const auto& t : ts)
    if (t.id == id) return &t;
  return nullptr;
}

/// The ground truth is consistent with itself and with what the client saw.
void check_trace(const sim::request_trace& t, const reply& r, int expected_tokens) {
  CHECK(t.http_status == 200);
  CHECK(t.completion_tokens == expected_tokens);
  int sum = 0;
  for (const auto& c : t.chunks) sum += c.tokens;
  CHECK(sum == t.completion_tokens);
  REQUIRE_FALSE(t.chunks.empty());
  CHECK(t.received <= t.headers_sent);
  CHECK(t.headers_sent <= t.chunks.front().sent);
  for (std::size_t i = 1; i < t.chunks.size(); ++i) CHECK(t.chunks[i - 1].sent <= t.chunks[i].sent);
  CHECK(t.chunks.back().sent <= t.finished);
  // Traced events are the first HTTP chunks, in order; none can arrive before it was sent.
  REQUIRE(r.chunks.size() >= t.chunks.size());
  for (std::size_t i = 0; i < t.chunks.size(); ++i) CHECK(r.chunks[i].at >= t.chunks[i].sent);
}

}  // namespace

TEST_CASE("sim server: streamed completion, framed as vLLM frames it") {
  sim::server server(quick_options());
  server.start();
  test_client client(server.port());
  const reply r = client.post("/v1/completions", completion_request(8));
  REQUIRE_FALSE(r.ec);
  CHECK(r.status == 200);
  CHECK(r.content_type.find("text/event-stream") == 0);
  CHECK(r.chunked);
  CHECK(r.body.size() > 0);
  CHECK(r.body.substr(r.body.size() - 14) == "data: [DONE]\n\n");
  const auto events = r.events();
  REQUIRE(events.size() == 10);  // 8 tokens, usage, [DONE]
  CHECK(r.chunks.size() == 10);  // one HTTP chunk per event
  std::string id;
  for (std::size_t i = 0; i < 8; ++i) {
    const json j = json::parse(events[i].data);
    if (i == 0) id = j["id"];
    CHECK(j["id"] == id);
    CHECK(j["object"] == "text_completion");
    CHECK(j["model"] == "sim-model");
    CHECK(j["created"].is_number_integer());
    REQUIRE(j["choices"].size() == 1);
    CHECK(j["choices"][0]["index"] == 0);
    CHECK_FALSE(j["choices"][0]["text"].get<std::string>().empty());
    CHECK(j["choices"][0]["logprobs"].is_null());
    if (i < 7) CHECK(j["choices"][0]["finish_reason"].is_null());
    if (i == 7) CHECK(j["choices"][0]["finish_reason"] == "length");
  }
  CHECK(id.rfind("cmpl-", 0) == 0);
  const json usage = json::parse(events[8].data);
  CHECK(usage["id"] == id);
  CHECK(usage["choices"].empty());
  CHECK(usage["usage"] == json{{"prompt_tokens", 3}, {"completion_tokens", 8}, {"total_tokens", 11}});
  CHECK(events[9].data == "[DONE]");

  const auto traces = server.traces();
  REQUIRE(traces.size() == 1);
  const auto* t = find_trace(traces, id);
  REQUIRE(t != nullptr);
  CHECK(t->prompt_tokens == 3);
  CHECK(t->requested_tokens == 8);
  CHECK(t->stream);
  CHECK(t->endpoint == "completions");
  CHECK(t->complete);
  CHECK(t->finish_reason == "length");
  CHECK(t->fault.empty());
  CHECK(t->chunks.size() == 8);
  check_trace(*t, r, 8);
  server.clear_traces();
  CHECK(server.traces().empty());
  CHECK(server.counters().internal_errors == 0);
}

TEST_CASE("sim server: chat stream opens with a role-only delta sent with the first token") {
  auto o = quick_options();
  o.tokens_per_chunk = 3;
  sim::server server(o);
  server.start();
  test_client client(server.port());
  const reply r = client.post("/v1/chat/completions", chat_request(8));
  REQUIRE_FALSE(r.ec);
  const auto events = r.events();
  // role prelude, then chunks of 1, 3, 3, 1 tokens (first at once, then groups), usage, [DONE]
  REQUIRE(events.size() == 7);
  const json role = json::parse(events[0].data);
  CHECK(role["object"] == "chat.completion.chunk");
  CHECK(role["choices"][0]["delta"] == json{{"role", "assistant"}, {"content", ""}});
  const std::string id = role["id"];
  CHECK(id.rfind("chatcmpl-", 0) == 0);
  std::string text;
  for (std::size_t i = 1; i <= 4; ++i) {
    const json j = json::parse(events[i].data);
    CHECK(j["id"] == id);
    CHECK_FALSE(j["choices"][0]["delta"].contains("role"));
    text += j["choices"][0]["delta"]["content"].get<std::string>();
  }
  CHECK(json::parse(events[4].data)["choices"][0]["finish_reason"] == "length");
  CHECK(json::parse(events[5].data)["usage"]["prompt_tokens"] == 8);  // 3 + (3 + 8 bytes / 4)
  CHECK(json::parse(events[5].data)["usage"]["completion_tokens"] == 8);
  CHECK(events[6].data == "[DONE]");

  const auto traces = server.traces();
  const auto* t = find_trace(traces, id);
  REQUIRE(t != nullptr);
  REQUIRE(t->chunks.size() == 5);
  CHECK(t->chunks[0].tokens == 0);
  CHECK(t->chunks[0].sent == t->chunks[1].sent);  // same write
  CHECK(t->chunks[1].tokens == 1);
  CHECK(t->chunks[2].tokens == 3);
  CHECK(t->chunks[3].tokens == 3);
  CHECK(t->chunks[4].tokens == 1);
  check_trace(*t, r, 8);
}

TEST_CASE("sim server: non-streamed responses, models, health and errors on one keep-alive connection") {
  auto o = quick_options();
  o.api_key = "secret";
  sim::server server(o);
  server.start();
  test_client client(server.port());

  const reply plain = client.post("/v1/completions", completion_request(5, false), "secret");
  REQUIRE_FALSE(plain.ec);
  CHECK(plain.status == 200);
  CHECK(plain.content_type == "application/json");
  const json p = json::parse(plain.body);
  CHECK(p["object"] == "text_completion");
  CHECK(p["choices"][0]["finish_reason"] == "length");
  CHECK(p["usage"]["completion_tokens"] == 5);
  CHECK_FALSE(p["choices"][0]["text"].get<std::string>().empty());

  const reply chat = client.post("/v1/chat/completions", chat_request(4, false), "secret");
  const json c = json::parse(chat.body);
  CHECK(c["object"] == "chat.completion");
  CHECK(c["choices"][0]["message"]["role"] == "assistant");
  CHECK(c["usage"]["total_tokens"] == 12);

  json ids = completion_request(3, false);
  ids["prompt"] = json::array({1, 2, 3, 4, 5});
  CHECK(json::parse(client.post("/v1/completions", ids, "secret").body)["usage"]["prompt_tokens"] == 5);

  const reply models = client.request(http::verb::get, "/v1/models", {}, "secret");
  CHECK(json::parse(models.body)["data"][0]["id"] == "sim-model");
  CHECK(client.request(http::verb::get, "/health").status == 200);  // no key needed

  const reply no_key = client.post("/v1/completions", completion_request(3));
  CHECK(no_key.status == 401);
  CHECK(json::parse(no_key.body)["error"]["code"] == "invalid_api_key");
  CHECK(client.post("/v1/completions", completion_request(3), "wrong").status == 401);

  json unknown = completion_request(3);
  unknown["model"] = "gpt-17";
  const reply missing_model = client.post("/v1/completions", unknown, "secret");
  CHECK(missing_model.status == 404);
  CHECK(json::parse(missing_model.body)["error"]["message"].get<std::string>().find("gpt-17") != std::string::npos);

  const reply bad_json = client.request(http::verb::post, "/v1/completions", "{\"prompt\": ", "secret");
  CHECK(bad_json.status == 400);
  CHECK(json::parse(bad_json.body)["error"]["type"] == "invalid_request_error");
  json no_prompt = completion_request(3);
  no_prompt.erase("prompt");
  CHECK(client.post("/v1/completions", no_prompt, "secret").status == 400);
  json too_long = completion_request(1'000'000);
  CHECK(client.post("/v1/completions", too_long, "secret").status == 400);
  CHECK(client.request(http::verb::get, "/v2/nothing", {}, "secret").status == 404);
  CHECK(client.request(http::verb::get, "/v1/completions", {}, "secret").status == 405);

  // Expect: 100-continue gets the interim response, then the real one.
  client.send(http::verb::post, "/v1/completions", completion_request(2, false).dump(), "secret", true);
  CHECK(client.read().status == 100);
  CHECK(json::parse(client.read().body)["usage"]["completion_tokens"] == 2);

  const reply last = client.post("/v1/completions", completion_request(2), "secret");
  CHECK(last.events().size() == 4);
  CHECK(server.counters().connections == 1);  // all of it on one connection
  CHECK(server.counters().requests == 15);
  const auto traces = server.traces();
  CHECK(std::count_if(traces.begin(), traces.end(), [](const auto& t) { return t.http_status == 401; }) == 2);
  CHECK(std::count_if(traces.begin(), traces.end(), [](const auto& t) { return t.http_status == 400; }) == 3);
  CHECK(std::count_if(traces.begin(), traces.end(), [](const auto& t) { return t.http_status == 404; }) == 1);
}

TEST_CASE("sim server: EOS ends outputs early unless ignore_eos is set") {
  auto o = quick_options();
  o.model.eos_probability_per_token = 0.1;
  o.time_scale = 0.0;  // as fast as the CPU allows
  sim::server server(o);
  server.start();
  test_client client(server.port());
  int early = 0;
  for (int i = 0; i < 10; ++i) {
    json body = completion_request(60);
    body["ignore_eos"] = false;
    const auto events = client.post("/v1/completions", body).events();
    REQUIRE(events.size() >= 3);
    const int completion = json::parse(events[events.size() - 2].data)["usage"]["completion_tokens"];
    const json last_content = json::parse(events[events.size() - 3].data);
    if (completion < 60) {
      ++early;
      CHECK(last_content["choices"][0]["finish_reason"] == "stop");
    }
  }
  CHECK(early >= 8);  // P(no EOS in 60 tokens) = 0.9^60 < 0.2 %
  const auto kept = client.post("/v1/completions", completion_request(60)).events();
  CHECK(json::parse(kept[kept.size() - 2].data)["usage"]["completion_tokens"] == 60);
}

TEST_CASE("sim server: concurrent streams are batched and queue behind the batch limit") {
  auto o = quick_options();
  o.model.max_batch = 4;
  sim::server server(o);
  server.start();
  std::vector<std::unique_ptr<test_client>> clients;
  for (int i = 0; i < 8; ++i) {
    clients.push_back(std::make_unique<test_client>(server.port()));
    clients.back()->send(http::verb::post, "/v1/completions", completion_request(10).dump());
    std::this_thread::sleep_for(1ms);  // a definite arrival order
  }
  std::vector<reply> replies;
  for (auto& c : clients) replies.push_back(c->read());
  const auto traces = server.traces();
  REQUIRE(traces.size() == 8);
  std::vector<const sim::request_trace*> by_arrival;
  for (const auto& t : traces) by_arrival.push_back(&t);
  std::sort(by_arrival.begin(), by_arrival.end(), [](auto* a, auto* b) { return a->received < b->received; });
  // The first four ran together (their streams overlap); the others started only once one of them ended.
  auto first_end = by_arrival[0]->chunks.back().sent;
  for (std::size_t i = 0; i < 4; ++i) {
    first_end = std::min(first_end, by_arrival[i]->chunks.back().sent);
    CHECK(by_arrival[i]->chunks.front().sent < by_arrival[(i + 1) % 4]->chunks.back().sent);
  }
  for (std::size_t i = 4; i < 8; ++i) CHECK(by_arrival[i]->chunks.front().sent > first_end);
  for (std::size_t i = 0; i < 8; ++i) {
    REQUIRE_FALSE(replies[i].ec);
    const json first = json::parse(replies[i].events().front().data);
    const auto* t = find_trace(traces, first["id"]);
    REQUIRE(t != nullptr);
    check_trace(*t, replies[i], 10);
  }
}

TEST_CASE("sim server: chunk times follow the step model under time_scale") {
  auto o = quick_options();
  o.model.decode_base_s = 0.010;
  o.model.decode_per_seq_s = 0.0;
  o.time_scale = 0.5;  // 5 ms of wall time per step
  sim::server server(o);
  server.start();
  test_client client(server.port());
  const reply r = client.post("/v1/completions", completion_request(21));
  const auto traces = server.traces();
  REQUIRE(traces.size() == 1);
  std::vector<double> gaps;
  for (std::size_t i = 1; i < traces[0].chunks.size(); ++i)
    gaps.push_back(std::chrono::duration<double>(traces[0].chunks[i].sent - traces[0].chunks[i - 1].sent).count());
  // A step never ends before its time (the engine waits for it); a busy machine only makes it
  // later, by what the server counts as lost model time.
  // 21 steps of 5 ms each chain from when the request arrived (each step is due 5 ms after the
  // previous one was handed out), so the last token cannot be written sooner.
  const double span = std::chrono::duration<double>(traces[0].chunks.back().sent - traces[0].received).count();
  CHECK(span >= 21 * 0.005 * 0.999);
  std::sort(gaps.begin(), gaps.end());
  MESSAGE("median gap between chunks: ", gaps[gaps.size() / 2] * 1000, " ms (5 ms steps)");
  check_trace(traces[0], r, 21);
}

TEST_CASE("sim server: every fault is visible from the client") {
  auto o = quick_options();
  auto faulty = [&](auto configure) {
    sim::server_options f = o;
    configure(f.faults);
    return f;
  };

  SUBCASE("HTTP error with an OpenAI body, connection still usable") {
    sim::server server(faulty([](sim::fault_options& f) {
      f.http_error.every_nth = 2;
      f.http_error_status = 429;
    }));
    server.start();
    test_client client(server.port());
    CHECK(client.post("/v1/completions", completion_request(3)).status == 200);
    const reply r = client.post("/v1/completions", completion_request(3));
    CHECK(r.status == 429);
    CHECK(json::parse(r.body)["error"]["code"] == "rate_limit_exceeded");
    CHECK(client.post("/v1/completions", completion_request(3)).status == 200);
    const auto traces = server.traces();
    REQUIRE(traces.size() == 3);
    CHECK(traces[1].fault == "http_error");
    CHECK(traces[1].http_status == 429);
    CHECK(server.counters().faults == 1);
  }
  SUBCASE("reset after two chunks") {
    sim::server server(faulty([](sim::fault_options& f) { f.reset.probability = 1.0; }));
    server.start();
    test_client client(server.port());
    const reply r = client.post("/v1/completions", completion_request(8));
    CHECK(r.ec);
    CHECK_FALSE(r.timed_out);
    CHECK(r.status == 200);
    CHECK(r.events().size() == 2);
    CHECK(r.body.find("[DONE]") == std::string::npos);
    const auto traces = server.traces();
    REQUIRE(traces.size() == 1);
    CHECK(traces[0].fault == "reset");
    CHECK(traces[0].completion_tokens == 2);
    CHECK_FALSE(traces[0].complete);
  }
  SUBCASE("reset before the response") {
    sim::server server(faulty([](sim::fault_options& f) {
      f.reset.every_nth = 1;
      f.reset_after_chunks = 0;
    }));
    server.start();
    test_client client(server.port());
    const reply r = client.post("/v1/completions", completion_request(8));
    CHECK(r.ec);
    CHECK(r.status == 0);
    REQUIRE(server.traces().size() == 1);
    CHECK(server.traces()[0].fault == "reset");
  }
  SUBCASE("truncated inside an event") {
    sim::server server(faulty([](sim::fault_options& f) { f.truncate.every_nth = 1; }));
    server.start();
    test_client client(server.port());
    const reply r = client.post("/v1/completions", completion_request(8));
    CHECK_FALSE(r.ec);  // the HTTP message itself is complete
    std::string rest;
    const auto events = parse_sse(r.body, &rest);
    CHECK(events.size() == 2);
    CHECK_FALSE(rest.empty());
    CHECK(rest.rfind("data: {", 0) == 0);
    CHECK(r.body.find("[DONE]") == std::string::npos);
    CHECK(server.traces()[0].fault == "truncate");
    CHECK_FALSE(server.traces()[0].complete);
    CHECK(client.post("/v1/completions", completion_request(2)).events().size() == 1);  // fires on the last event
  }
  SUBCASE("truncated at an event boundary") {
    sim::server server(faulty([](sim::fault_options& f) {
      f.truncate.every_nth = 1;
      f.truncate_after_chunks = 3;
      f.truncate_mid_event = false;
    }));
    server.start();
    test_client client(server.port());
    const reply r = client.post("/v1/completions", completion_request(8));
    std::string rest;
    CHECK(parse_sse(r.body, &rest).size() == 3);
    CHECK(rest.empty());
  }
  SUBCASE("malformed JSON in one data line") {
    sim::server server(faulty([](sim::fault_options& f) { f.malformed_sse.every_nth = 1; }));
    server.start();
    test_client client(server.port());
    const reply r = client.post("/v1/completions", completion_request(5));
    const auto events = r.events();
    REQUIRE(events.size() == 7);
    CHECK(json::parse(events[1].data, nullptr, false).is_discarded());
    for (const std::size_t i : {0u, 2u, 3u, 4u, 5u}) CHECK_FALSE(json::parse(events[i].data, nullptr, false).is_discarded());
    CHECK(events.back().data == "[DONE]");
    CHECK(server.traces()[0].fault == "malformed_sse");
    CHECK(server.traces()[0].complete);
  }
  SUBCASE("error event mid-stream") {
    sim::server server(faulty([](sim::fault_options& f) { f.error_event.every_nth = 1; }));
    server.start();
    test_client client(server.port());
    const auto events = client.post("/v1/completions", completion_request(8)).events();
    REQUIRE(events.size() == 4);
    CHECK(events[2].event == "error");
    CHECK(json::parse(events[2].data)["error"]["code"] == 500);
    CHECK(events[3].data == "[DONE]");
    CHECK(server.traces()[0].fault == "error_event");
    CHECK(server.traces()[0].completion_tokens == 2);
  }
  SUBCASE("stall mid-stream") {
    sim::server server(faulty([](sim::fault_options& f) {
      f.stall.every_nth = 1;
      f.stall_after_chunks = 2;
      f.stall_s = 0.15;
    }));
    server.start();
    test_client client(server.port());
    const reply r = client.post("/v1/completions", completion_request(8));
    REQUIRE_FALSE(r.ec);
    REQUIRE(r.chunks.size() == 10);
    const auto t = server.traces()[0];
    CHECK(t.fault == "stall");
    CHECK(t.chunks[2].sent - t.chunks[1].sent >= 150ms);
    CHECK(r.chunks[2].at >= t.chunks[1].sent + 150ms);  // read after it was written, a stall after the one before
    check_trace(t, r, 8);
  }
  SUBCASE("slow partial writes") {
    sim::server server(faulty([](sim::fault_options& f) {
      f.slow_write.every_nth = 1;
      f.slow_write_pieces = 4;
      f.slow_write_delay_s = 0.05;  // long enough that a busy reader still sees pieces apart
    }));
    server.start();
    test_client client(server.port());
    const reply r = client.post("/v1/completions", completion_request(4));
    REQUIRE_FALSE(r.ec);
    CHECK(r.events().size() == 6);
    CHECK(r.partial_pieces >= 1);
    const auto t = server.traces()[0];
    CHECK(t.fault == "slow_write");
    check_trace(t, r, 4);
  }
  SUBCASE("faults drawn with a probability are seeded") {
    const auto count_faults = [&](std::uint64_t seed) {
      sim::server server(faulty([seed](sim::fault_options& f) {
        f.http_error.probability = 0.5;
        f.seed = seed;
      }));
      server.start();
      test_client client(server.port());
      std::string pattern;
      for (int i = 0; i < 16; ++i) pattern += client.post("/v1/completions", completion_request(1)).status == 200 ? '.' : 'x';
      return pattern;
    };
    const auto a = count_faults(1);
    CHECK(a == count_faults(1));
    CHECK(a != count_faults(2));
    CHECK(a.find('x') != std::string::npos);
    CHECK(a.find('.') != std::string::npos);
  }
}

TEST_CASE("sim server: a client that stops reading pauses its stream; stop() closes connections") {
  auto o = quick_options();
  o.model = sim::step_model::fast();
  o.time_scale = 0.0;
  o.max_pending_bytes = 8 << 10;
  o.record_traces = false;
  sim::server server(o);
  server.start();
  test_client idle_reader(server.port());
  idle_reader.send(http::verb::post, "/v1/completions", completion_request(2'000'000).dump());
  // Unpaused, the CPU-bound engine would make the 2,000,000 tokens in seconds. Wait until the
  // count stands still (three looks in a row), then it must be a small fraction of that: the
  // socket buffers and max_pending_bytes, nothing more.
  std::uint64_t produced = 0;
  for (int still = 0, i = 0; still < 3 && i < 600; ++i) {
    std::this_thread::sleep_for(100ms);
    const auto now = server.counters().tokens;
    still = now == produced && now > 0 ? still + 1 : 0;
    produced = now;
  }
  CHECK(produced > 0);
  CHECK(produced < 200'000);  // paused: socket buffers full, pending capped

  test_client other(server.port());
  CHECK(other.post("/v1/completions", completion_request(3)).status == 200);  // the rest still works
  server.stop();
  const reply after = other.request(http::verb::get, "/health", {}, {}, 2s);
  CHECK(after.ec);
  CHECK_FALSE(after.timed_out);
  CHECK(server.counters().internal_errors == 0);
}

// ---------------------------------------------------------------------------------------------
// Personalities: each real server's framing

namespace {

sim::server_options personality_options(sim::personality p) {
  auto o = quick_options();
  o.personality = p;
  return o;
}

json with_continuous(json body) {
  body["stream_options"]["continuous_usage_stats"] = true;
  return body;
}

}  // namespace

TEST_CASE("sim personalities: vLLM honours continuous_usage_stats with a running total on every chunk") {
  sim::server server(personality_options(sim::personality::vllm));
  server.start();
  test_client client(server.port());
  const auto events = client.post("/v1/completions", with_continuous(completion_request(4))).events();
  REQUIRE(events.size() == 6);  // 4 tokens, usage, [DONE]
  for (int i = 0; i < 4; ++i) CHECK(json::parse(events[static_cast<std::size_t>(i)].data)["usage"]["completion_tokens"] == i + 1);
  CHECK(json::parse(events[4].data)["choices"].empty());
}

TEST_CASE("sim personalities: llama.cpp") {
  auto o = personality_options(sim::personality::llama_cpp);
  o.model.max_model_len_tokens = 64;  // its default output length is the context left
  sim::server server(o);
  server.start();
  {
    // completions: the finish chunk carries choices, usage and timings, with or without include_usage
    test_client client(server.port());
    json body = completion_request(20);
    body.erase("stream_options");
    body["model"] = "whatever-name";  // llama.cpp serves one model whatever the request says
    client.send(http::verb::post, "/v1/completions", body.dump());
    const reply r = client.read();
    REQUIRE(r.status == 200);
    const auto events = r.events();
    REQUIRE(events.size() >= 3);
    const json last = json::parse(events[events.size() - 2].data);
    CHECK(last["choices"][0]["text"] == "");
    CHECK(last["choices"][0]["finish_reason"] == "length");
    CHECK(last["usage"]["completion_tokens"] == 20);
    CHECK(last["timings"]["predicted_n"] == 20);
    CHECK(events.back().data == "[DONE]");
    // a token that ends inside a character waits for the next: some deltas carry two
    int content = 0;
    for (std::size_t i = 0; i + 2 < events.size(); ++i) ++content;
    CHECK(content < 20);
    // it says keep-alive, then closes: the next request on this connection gets nothing
    client.send(http::verb::post, "/v1/completions", body.dump());
    const reply again = client.read(5s);
    CHECK(again.status == 0);
  }
  {
    // chat: a role prelude with content null in the first write; usage only with include_usage
    test_client client(server.port());
    json body = chat_request(6);
    body.erase("max_completion_tokens");  // llama.cpp reads max_tokens only
    body["max_tokens"] = 6;
    const auto events = client.post("/v1/chat/completions", body).events();
    const json role = json::parse(events[0].data);
    CHECK(role["choices"][0]["delta"] == json{{"role", "assistant"}, {"content", nullptr}});
    const json usage = json::parse(events[events.size() - 2].data);
    CHECK(usage["choices"].empty());
    CHECK(usage["usage"]["completion_tokens"] == 6);
  }
  {
    test_client client(server.port());
    const json body = chat_request(6);  // max_completion_tokens alone: ignored, llama.cpp uses its own default
    const auto t0 = server.traces().size();
    client.post("/v1/chat/completions", body);
    const auto traces = server.traces();
    REQUIRE(traces.size() == t0 + 1);
    CHECK(traces.back().requested_tokens == 64 - traces.back().prompt_tokens);
  }
}

TEST_CASE("sim personalities: TGI sends no usage, no [DONE], an empty id and the role in every delta; ignores ignore_eos") {
  auto o = personality_options(sim::personality::tgi);
  o.model.eos_probability_per_token = 1.0;  // every request ends at its first token, as ignore_eos is not honoured
  sim::server server(o);
  server.start();
  test_client client(server.port());
  const reply r = client.post("/v1/chat/completions", chat_request(8));
  const auto events = r.events();
  REQUIRE(events.size() == 1);  // EOS: one chunk without text, finish_reason stop; nothing after it
  const json j = json::parse(events[0].data);
  CHECK(j["id"] == "");
  CHECK(j["choices"][0]["delta"] == json{{"role", "assistant"}, {"content", ""}});
  CHECK(j["choices"][0]["finish_reason"] == "stop");
  CHECK_FALSE(j.contains("usage"));
  CHECK(r.body.find("[DONE]") == std::string::npos);
}

TEST_CASE("sim personalities: TensorRT-LLM's role-only prelude, three tokens a delta, a space after the JSON; SGLang's usage null") {
  {
    sim::server server(personality_options(sim::personality::trt));
    server.start();
    test_client client(server.port());
    const reply r = client.post("/v1/chat/completions", chat_request(7));
    const auto events = r.events();
    CHECK(json::parse(events[0].data)["choices"][0]["delta"] == json{{"role", "assistant"}});
    CHECK(r.body.find("} \n\n") != std::string::npos);
    REQUIRE(events.size() == 6);  // prelude, 1 + 3 + 3 tokens, usage, [DONE]
    CHECK(json::parse(events[2].data)["choices"][0]["delta"]["content"].get<std::string>().size() > 6);
  }
  {
    sim::server server(personality_options(sim::personality::sglang));
    server.start();
    test_client client(server.port());
    const auto events = client.post("/v1/completions", completion_request(3)).events();
    const json j = json::parse(events[0].data);
    CHECK(j["usage"].is_null());
    CHECK(j["id"].get<std::string>().find("cmpl-") == std::string::npos);
  }
}

// ---------------------------------------------------------------------------------------------
// Connection handling: idle and header timeouts, the cap, host names and IPv6

namespace {
// Reads until the server closes the connection (or 20 s pass): whether it closed.
bool closed_by_server(tcp::socket& s) {
  s.non_blocking(true);
  char buf[256];
  const auto deadline = sim_clock::now() + 20s;
  while (sim_clock::now() < deadline) {
    beast::error_code ec;
    s.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::eof || ec == asio::error::connection_reset) return true;
    if (ec && ec != asio::error::would_block) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}
}  // namespace

TEST_CASE("sim server: idle and header timeouts close connections; the cap evicts the longest-idle one") {
  auto o = quick_options();
  o.idle_timeout_s = 0.2;
  o.header_timeout_s = 0.2;
  sim::server server(o);
  server.start();
  asio::io_context io;
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), server.port());
  tcp::socket idle(io), slow(io);
  idle.connect(ep);
  slow.connect(ep);
  asio::write(slow, asio::buffer(std::string_view("POST /v1/completions HTTP/1.1\r\nHost: x\r\n")));  // and no more
  CHECK(closed_by_server(idle));
  CHECK(closed_by_server(slow));
  CHECK(server.counters().timed_out == 2);

  auto capped = quick_options();
  capped.max_connections = 2;
  capped.idle_timeout_s = 0;
  sim::server small(capped);
  small.start();
  const tcp::endpoint sep(asio::ip::make_address("127.0.0.1"), small.port());
  tcp::socket a(io), b(io);
  a.connect(sep);
  b.connect(sep);
  test_client c(small.port());  // a third: an idle one makes room
  const reply r = c.request(http::verb::get, "/health");
  CHECK(r.status == 200);
  CHECK(small.counters().evicted == 1);
  CHECK(small.counters().refused == 0);
}

TEST_CASE("sim server: host names and IPv6, URLs in brackets") {
  auto o = quick_options();
  o.host = "localhost";
  sim::server by_name(o);
  by_name.start();
  CHECK(by_name.loopback_only());
  CHECK(by_name.base_url().rfind("http://127.0.0.1:", 0) == 0);
  o.host = "::1";
  bool v6 = true;
  try {
    sim::server ipv6(o);
    ipv6.start();
    CHECK(ipv6.base_url() == "http://[::1]:" + std::to_string(ipv6.port()));
    CHECK(ipv6.loopback_only());
  } catch (const std::exception&) {
    v6 = false;  // no IPv6 on this machine
  }
  MESSAGE("IPv6 loopback ", std::string(v6 ? "tested" : "not available"));
  o.host = "0.0.0.0";
  sim::server any(o);
  CHECK_FALSE(any.loopback_only());
  CHECK(any.base_url().rfind("http://127.0.0.1:", 0) == 0);
}
