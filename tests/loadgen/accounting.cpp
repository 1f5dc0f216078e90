// Token accounting on every server's framing (usage on a usage chunk, on the finish chunk, on
// every chunk, llama.cpp's timings, nothing at all), EOS-only responses, invalid UTF-8 from a
// server, result files that never follow a planted symlink, the progress display, and the
// protocol helpers behind the pre-flight and keep-alive. No Boost, no sockets.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <inferlens/loadgen/metrics.hpp>
#include <inferlens/loadgen/output.hpp>
#include <inferlens/loadgen/progress.hpp>
#include <inferlens/loadgen/protocol.hpp>
#include <inferlens/loadgen/workload.hpp>

namespace lg = inferlens::loadgen;
namespace fs = std::filesystem;

namespace {

lg::time_point ms_after_start(double ms) {
  return lg::time_point{} + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::duration<double, std::milli>(ms + 1000.0));
}

// Record a whole body delivered one event per read (1 ms apart).
lg::request_record record(const std::vector<std::string>& events, std::int64_t osl, bool ignore_eos = true,
                          lg::first_token_rule rule = lg::first_token_rule::content) {
  lg::request_record r;
  r.output_len = osl;
  r.input_len = 4;
  r.ignore_eos = ignore_eos;
  r.sent = ms_after_start(0);
  lg::stream_recorder rec(r, rule);
  double t = 1;
  for (const auto& e : events) rec.on_body(ms_after_start(t++), "data: " + e + "\n\n");
  rec.finish(ms_after_start(t));
  return r;
}

std::string text_chunk(const std::string& text, const char* finish = "null", const std::string& extra = "") {
  return R"({"id":"cmpl-1","object":"text_completion","choices":[{"index":0,"text":")" + text +
         R"(","logprobs":null,"finish_reason":)" + finish + "}]" + extra + "}";
}

struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("inferlens-accounting-" + std::to_string(std::random_device{}()));
  temp_dir() { fs::create_directories(path); }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_SUITE("loadgen.accounting") {
  TEST_CASE("vLLM: a usage chunk after the last token is the count") {
    const auto r = record({text_chunk(" a"), text_chunk(" b", "\"length\""),
                           R"({"id":"cmpl-1","choices":[],"usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6}})",
                           "[DONE]"},
                          2);
    REQUIRE(r.ok());
    CHECK(r.output_source == lg::token_source::usage);
    CHECK(*r.output_tokens == 2);
    CHECK(r.finish_reason == "length");
    CHECK_FALSE(r.count_mismatch);
    CHECK(r.chunks[0].tokens == 1);  // the count equals the content chunks: one each, exactly
    CHECK(r.chunks[1].tokens == 1);
  }

  TEST_CASE("llama.cpp /v1/completions: usage and timings on the finish chunk, which has no text") {
    const std::string timings = R"({"prompt_n":4,"prompt_ms":2.5,"predicted_n":3,"predicted_ms":30.0,"predicted_per_token_ms":10.0})";
    const auto r = record({text_chunk(" a"), text_chunk(" b"), text_chunk(" c"),
                           text_chunk("", "\"length\"", R"(,"usage":{"completion_tokens":3,"prompt_tokens":4,"total_tokens":7},"timings":)" + timings),
                           "[DONE]"},
                          3);
    REQUIRE(r.ok());
    CHECK(r.output_source == lg::token_source::finish_usage);  // not continuous usage: only the last chunk had it
    CHECK_FALSE(r.continuous_usage);
    CHECK(*r.output_tokens == 3);
    CHECK(*r.prompt_tokens == 4);
    REQUIRE(r.chunks.size() == 4);
    CHECK(r.chunks[0].tokens == 1);
    CHECK(r.chunks[2].tokens == 1);
    CHECK(r.chunks[3].tokens == 0);  // the empty finish chunk carries none (not 3)
    CHECK(nlohmann::json::parse(r.timings)["predicted_n"] == 3);
    const auto line = lg::record_json(r, 0, lg::first_token_rule::content);
    CHECK(line["server_timings"]["predicted_per_token_ms"] == 10.0);  // the server's own per-request figures, kept
    CHECK(line["chunk_tokens"] == nlohmann::json::array({1, 1, 1, 0}));
    const auto l = lg::latency_of(r, lg::first_token_rule::content);
    CHECK(l->e2el == doctest::Approx(0.003));  // E2EL ends at the last token, not the finish chunk
  }

  TEST_CASE("llama.cpp chat without include_usage: timings.predicted_n is the count") {
    const auto chunk = [](const std::string& delta, const char* finish, const std::string& extra = "") {
      return R"({"choices":[{"finish_reason":)" + std::string(finish) + R"(,"index":0,"delta":)" + delta + "}]" + extra + "}";
    };
    const auto r = record({chunk(R"({"role":"assistant","content":null})", "null"), chunk(R"({"content":" x"})", "null"),
                           chunk(R"({"content":" y z"})", "null"), chunk("{}", "\"length\"", R"(,"timings":{"predicted_n":3})"), "[DONE]"},
                          3);
    REQUIRE(r.ok());
    CHECK(r.output_source == lg::token_source::timings);
    CHECK(*r.output_tokens == 3);
    CHECK_FALSE(r.count_mismatch);
    CHECK(r.chunks[2].tokens == -1);  // 3 tokens in 2 content chunks: per-chunk counts are not known
    CHECK(lg::record_json(r, 0, lg::first_token_rule::content)["chunk_tokens"].is_null());
  }

  TEST_CASE("continuous usage: per-chunk counts from the running totals; ignored when absent") {
    const auto usage = [](int c) { return R"(,"usage":{"prompt_tokens":4,"completion_tokens":)" + std::to_string(c) + "}"; };
    auto r = record({text_chunk(" a", "null", usage(1)), text_chunk(" b c", "null", usage(3)), text_chunk(" d", "\"length\"", usage(4)),
                     R"({"choices":[],"usage":{"prompt_tokens":4,"completion_tokens":4}})", "[DONE]"},
                    4);
    REQUIRE(r.ok());
    CHECK(r.continuous_usage);
    CHECK(r.output_source == lg::token_source::usage);
    CHECK(r.chunks[0].tokens == 1);
    CHECK(r.chunks[1].tokens == 2);
    CHECK(r.chunks[2].tokens == 1);
    r = record({text_chunk(" a"), text_chunk(" b", "\"length\""), R"({"choices":[],"usage":{"completion_tokens":2}})", "[DONE]"}, 2);
    CHECK_FALSE(r.continuous_usage);  // what --continuous-usage warns about
  }

  TEST_CASE("the ignore_eos flag comes only from an exact count or finish_reason stop") {
    // no usage, two tokens in one delta: 2 content chunks for 3 tokens asked, no flag
    auto r = record({text_chunk(" a"), text_chunk(" b c", "\"length\""), "[DONE]"}, 3);
    CHECK(r.output_source == lg::token_source::chunks);
    CHECK(*r.output_tokens == 2);
    CHECK_FALSE(r.count_mismatch);
    // the server's own count says it stopped short
    r = record({text_chunk(" a"), text_chunk(" b", "\"stop\""), R"({"choices":[],"usage":{"completion_tokens":2}})", "[DONE]"}, 3);
    CHECK(r.count_mismatch);
    // not asked for exactly osl: no flag
    r = record({text_chunk(" a", "\"stop\""), R"({"choices":[],"usage":{"completion_tokens":1}})", "[DONE]"}, 3, false);
    CHECK_FALSE(r.count_mismatch);
  }

  TEST_CASE("a response whose only token is EOS succeeds with 1 token") {
    auto r = record({text_chunk("", "\"stop\""), R"({"choices":[],"usage":{"completion_tokens":1}})", "[DONE]"}, 8, false);
    REQUIRE(r.ok());
    CHECK(r.eos_only);
    CHECK(*r.output_tokens == 1);
    const auto l = lg::latency_of(r, lg::first_token_rule::content);
    REQUIRE(l);
    CHECK(l->ttft == doctest::Approx(0.001));
    CHECK_FALSE(l->tpot);
    r = record({text_chunk("", "\"stop\""), "[DONE]"}, 8, false);  // no usage at all: vLLM's client counts 1 too
    REQUIRE(r.ok());
    CHECK(*r.output_tokens == 1);
    r = record({text_chunk("", "\"stop\""), R"({"choices":[],"usage":{"completion_tokens":0}})", "[DONE]"}, 8, false);
    CHECK(r.error == lg::error_kind::no_content);  // the server itself says nothing came
  }

  TEST_CASE("invalid UTF-8 from the server is stored replaced and flagged, and every writer takes it") {
    const std::string bad_id = "cmpl-\xC3\x28\xFF";
    auto r = record({R"({"id":")" + bad_id + R"(","choices":[{"text":" a","finish_reason":"length"}]})", "[DONE]"}, 1);
    REQUIRE(r.ok());
    CHECK(r.invalid_utf8);
    CHECK(lg::is_valid_utf8(r.id));
    CHECK(r.id.find("\xEF\xBF\xBD") != std::string::npos);
    lg::request_record failed;
    lg::stream_recorder rec(failed, lg::first_token_rule::content);
    rec.finish(ms_after_start(1), lg::error_kind::http_status, "HTTP 503: \xFF\xFE broken");
    CHECK(failed.invalid_utf8);
    CHECK(lg::is_valid_utf8(failed.error_message));
    const std::string line = lg::safe_dump(lg::record_json(failed, 0, lg::first_token_rule::content));
    CHECK(nlohmann::json::parse(line)["error"] == "http_status");
    // identity text that slipped through is replaced, not thrown on (nlohmann's type_error.316)
    nlohmann::json j = {{"hw", std::string("h100\xFF")}};
    CHECK_NOTHROW(lg::safe_dump(j));
    // a message cut at 512 bytes is cut at a character boundary
    std::string out;
    CHECK_FALSE(lg::store_text(out, std::string(511, 'a') + "\xC3\xA9", 512));
    CHECK(out.size() == 511);
  }

  TEST_CASE("aggregates: the first message of each failure kind, goodput share, prompt overhead, percentiles") {
    std::vector<lg::request_record> v(4);
    for (auto& r : v) {
      r.scheduled = r.ready = r.sent = ms_after_start(0);
      r.input_len = 100;
      r.prompt_tokens = 128;  // a chat template's 28 tokens
      r.saw_done = r.finished = true;
      r.output_tokens = 2;
      r.output_source = lg::token_source::usage;
      r.chunks = {{ms_after_start(10), 1, 0, true}, {ms_after_start(20), 1, 0, true}};
    }
    v[2].error = lg::error_kind::http_status;
    v[2].error_message = "HTTP 404: The model `x` does not exist.";
    v[3].error = lg::error_kind::connect;
    v[3].error_message = "connect: Connection refused";
    lg::aggregate_options o;
    o.goodput.ttft_ms = 50;
    const auto s = lg::aggregate(v, ms_after_start(0), ms_after_start(100), o);
    CHECK(s.completed == 2);
    CHECK(lg::describe_failures(s) == "connect x1 (connect: Connection refused); http_status x1 (HTTP 404: The model `x` does not exist.)");
    CHECK(*s.good == 2);
    CHECK(*s.prompt_token_overhead() == doctest::Approx(28.0));
    lg::result_meta m;
    m.percentiles = {50, 99.9};
    const auto j = lg::result_json(s, m);
    CHECK(j["p50_ttft_ms"].get<double>() == doctest::Approx(10.0));
    CHECK(j.contains("p99.9_itl_ms"));
    CHECK(j["first_error_by_kind"]["connect"] == "connect: Connection refused");
    CHECK(j["mean_prompt_token_overhead"].get<double>() == doctest::Approx(28.0));
    CHECK(j["good_requests"] == 2);
    CHECK(lg::percentile_word(99.9) == "99.9");
    CHECK(lg::percentile_word(50) == "50");
  }
}

TEST_SUITE("loadgen.files") {
  TEST_CASE("new files are never written through a symlink or over an existing file") {
    temp_dir d;
    const fs::path victim = d.path / "victim.txt";
    std::ofstream(victim) << "keep me";
    fs::create_symlink(victim, d.path / "planted.json");
    CHECK_THROWS_AS(lg::create_new_file(d.path / "planted.json"), inferlens::input_error);
    CHECK_THROWS_AS(lg::create_new_file(victim), inferlens::input_error);
    CHECK(slurp(victim) == "keep me");
    // replacing: the symlink itself is replaced by the new file, its target untouched
    lg::write_file_replacing(d.path / "planted.json", "{}\n");
    CHECK(slurp(victim) == "keep me");
    CHECK_FALSE(fs::is_symlink(d.path / "planted.json"));
    CHECK(slurp(d.path / "planted.json") == "{}\n");
    // the JSONL writer creates its file new
    fs::create_symlink(victim, d.path / "requests.jsonl");
    CHECK_THROWS_AS(lg::jsonl_writer(d.path / "requests.jsonl", lg::first_token_rule::content), inferlens::input_error);
    CHECK(slurp(victim) == "keep me");
  }
}

TEST_SUITE("loadgen.progress") {
  TEST_CASE("without a terminal: a plain line per interval; on one: one line fitted to the width") {
    std::FILE* f = std::tmpfile();
    REQUIRE(f);
    lg::progress_display lines(f, lg::progress_display::mode::lines, 3600);
    lg::progress_snapshot s;
    s.total = 10;
    s.done = 2;
    s.elapsed_s = 1;
    lines.update("1024/1024 conc 4", s);
    s.done = 3;
    s.elapsed_s = 2;
    lines.update("1024/1024 conc 4", s);  // inside the interval: nothing
    lines.finish();
    std::rewind(f);
    std::string text(4096, '\0');
    text.resize(std::fread(text.data(), 1, text.size(), f));
    std::fclose(f);
    CHECK(text.find("inferlens: 1024/1024 conc 4: 2/10 done, 0 in flight, 0 failed") == 0);
    CHECK(text.find("3/10") == std::string::npos);
    CHECK(std::count(text.begin(), text.end(), '\n') == 1);

    f = std::tmpfile();
    lg::progress_display term(f, lg::progress_display::mode::terminal);
    term.update(std::string(300, 'x'), s);  // a long label on an 80-column "terminal" (a file says 80)
    term.finish();
    std::rewind(f);
    text.assign(4096, '\0');
    text.resize(std::fread(text.data(), 1, text.size(), f));
    std::fclose(f);
    CHECK(text.find('\n') == std::string::npos);  // redrawn in place, never a new line
    const auto start = text.find("\033[K") + 3;
    const auto end = text.find('\r', start);
    CHECK(end - start <= 79);
  }

  TEST_CASE("a client falling behind is named, once") {
    std::FILE* f = std::tmpfile();
    lg::progress_display p(f, lg::progress_display::mode::lines, 3600);
    lg::progress_snapshot s;
    s.total = 1000;
    for (int i = 1; i <= 5; ++i) {
      s.elapsed_s = i * 1.5;
      s.reads = s.read_delays = static_cast<std::uint64_t>(i) * 1000;
      s.read_delay_us_sum = static_cast<std::uint64_t>(i) * 1000 * 5000;  // 5 ms behind on average
      p.update("c", s);
    }
    std::rewind(f);
    std::string text(8192, '\0');
    text.resize(std::fread(text.data(), 1, text.size(), f));
    std::fclose(f);
    CHECK(text.find("the client is the bottleneck: data waited 5.0 ms") != std::string::npos);
    CHECK(text.find("bottleneck") == text.rfind("bottleneck"));
  }
}

TEST_SUITE("loadgen.protocol") {
  TEST_CASE("Keep-Alive hints, error bodies, the model list's path, Connection: close") {
    auto h = lg::parse_keep_alive("timeout=5, max=100");
    CHECK(*h.timeout_s == 5.0);
    CHECK(*h.max == 100);
    h = lg::parse_keep_alive("max=x, foo");
    CHECK_FALSE(h.max);
    CHECK(lg::error_body_message(R"({"error":{"message":"The model `x` does not exist.","type":"NotFoundError"}})") ==
          "The model `x` does not exist.");
    CHECK(lg::error_body_message(R"({"object":"error","message":"bad"})") == "bad");
    CHECK(lg::error_body_message(R"({"detail":"Not Found"})") == "Not Found");
    CHECK(lg::error_body_message(R"({"error":"plain"})") == "plain");
    CHECK(lg::error_body_message("upstream timed out\n") == "upstream timed out");
    CHECK(lg::error_body_message(std::string(1000, 'z')).size() == 303);
    CHECK(lg::parse_endpoint("http://h:1", lg::api_kind::chat).models_path == "/v1/models");
    CHECK(lg::parse_endpoint("http://h:1/x/v1/chat/completions", lg::api_kind::chat).models_path == "/x/v1/models");
    CHECK(lg::parse_endpoint("http://[::1]:8000", lg::api_kind::completions).origin() == "http://[::1]:8000");
    const auto e = lg::parse_endpoint("http://h:1", lg::api_kind::completions);
    CHECK(lg::build_request_head(e, {}, false).find("Connection: close\r\n") != std::string::npos);
    CHECK(lg::build_request_head(e, {}, true).find("Connection") == std::string::npos);
  }

  TEST_CASE("a shared random prefix: the same first tokens in every prompt, counted in the input") {
    lg::random_options o;
    o.isl = 20;
    o.osl = 4;
    o.prefix_len = 8;
    const auto v = lg::random_prompts(o, 5);
    for (const auto& p : v) {
      CHECK(p.input_len == 28);
      REQUIRE(p.token_ids.size() == 28);
      CHECK(std::equal(p.token_ids.begin(), p.token_ids.begin() + 8, v[0].token_ids.begin()));
    }
    CHECK(!std::equal(v[0].token_ids.begin() + 8, v[0].token_ids.end(), v[1].token_ids.begin() + 8));
    o.isl = lg::max_sequence_tokens + 1;
    CHECK_THROWS_AS(lg::random_prompts(o, 1), inferlens::input_error);  // a typo, not std::bad_alloc
  }
}
