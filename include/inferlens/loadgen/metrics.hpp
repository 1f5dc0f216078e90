// What is measured per request, how a stream's events turn into those measurements, and the
// aggregation of a run into a benchmark_point exactly as `vllm bench serve` defines it
// (calculate_metrics in vllm/benchmarks/serve.py), plus what it lacks: latency from the scheduled
// time, the client's own lag, tokens per chunk, token-count sources and mismatches. No Boost.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "inferlens/loadgen/sse.hpp"
#include "inferlens/record.hpp"
#include "inferlens/stats.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace loadgen {

using time_point = std::chrono::steady_clock::time_point;

/// Seconds from a to b.
inline double seconds(time_point a, time_point b) noexcept { return std::chrono::duration<double>(b - a).count(); }

/// Why a request failed.
enum class error_kind : std::uint8_t {
  none,
  connect,              ///< could not connect (refused, unreachable, DNS)
  connect_timeout,      ///< the connect timeout expired
  tls,                  ///< TLS handshake failed
  write,                ///< sending the request failed
  http_status,          ///< a status other than 200
  first_token_timeout,  ///< no content within the first-token timeout
  idle_timeout,         ///< nothing received within the idle timeout after the first token
  connection_reset,     ///< reset or closed before the response was complete
  truncated,            ///< the response ended without [DONE] or a finish_reason
  malformed,            ///< bad HTTP or an SSE payload that is not JSON
  server_error,         ///< an error object or `event: error` in the stream
  no_content,           ///< the stream completed but carried no token
  cancelled,            ///< the run stopped before the request finished
};
inline constexpr std::size_t error_kind_count = 14;

inline std::string_view to_string(error_kind e) noexcept {
  constexpr std::string_view names[error_kind_count] = {
      "none",      "connect",         "connect_timeout", "tls",       "write",        "http_status", "first_token_timeout",
      "idle_timeout", "connection_reset", "truncated",    "malformed", "server_error", "no_content",  "cancelled"};
  return names[static_cast<std::size_t>(e)];
}

/// Where a request's output token count comes from. All but `chunks` are the server's own count.
enum class token_source : std::uint8_t {
  none,              ///< unknown (failed request)
  usage,             ///< a usage chunk (`choices: []`, vLLM/SGLang/TRT-LLM/OpenAI with include_usage)
  continuous_usage,  ///< per-chunk usage (continuous_usage_stats): the last running total
  chunks,            ///< an estimate: one token per content chunk (the server sent no count)
  finish_usage,      ///< usage on the chunk that carries finish_reason (llama.cpp /v1/completions)
  timings,           ///< llama.cpp's `timings.predicted_n` (its chat stream without include_usage)
};
inline constexpr std::size_t token_source_count = 6;
inline std::string_view to_string(token_source s) noexcept {
  switch (s) {
    case token_source::none: return "none";
    case token_source::usage: return "usage";
    case token_source::continuous_usage: return "continuous_usage";
    case token_source::chunks: return "chunks";
    case token_source::finish_usage: return "finish_usage";
    case token_source::timings: return "timings";
  }
  return "none";
}
/// True when the count is the server's (exact), false for the chunk estimate.
constexpr bool is_exact(token_source s) noexcept { return s != token_source::none && s != token_source::chunks; }

/// Which chunk is the "first token".
enum class first_token_rule {
  /// The first chunk with non-empty text / content / reasoning / tool_calls (AIPerf, SGLang,
  /// GenAI-Perf; the fix of vLLM PR #3768). A chat role prelude never counts. The default.
  content,
  /// The first chunk with a non-empty `choices` array, empty text or not: what the current
  /// `vllm bench serve` and InferenceMAX's client do. ITL then pools gaps between all such chunks.
  any_choice,
};

/// One chunk carrying a non-empty `choices` array.
struct chunk_stamp {
  /// When the bytes that completed the event arrived: the kernel's receive time of the read that
  /// returned them (kernel_rx_stamps), else steady_clock::now() taken first thing after that read.
  time_point t;
  std::int32_t tokens = -1;        ///< tokens in the chunk; -1 when not known exactly
  std::uint16_t client_delay_us = 0;  ///< kernel stamps: how long the bytes waited for the client (saturates)
  bool content = false;            ///< carried text (see first_token_rule::content)
};

/// Everything measured about one request.
struct request_record {
  std::uint64_t index = 0;        ///< position in the workload (warm-ups count separately)
  bool warmup = false;
  std::string id;                 ///< the server's completion id ("cmpl-...")
  std::int64_t input_len = 0;     ///< intended prompt tokens
  std::int64_t output_len = 0;    ///< max_tokens asked for
  bool ignore_eos = false;        ///< whether the request asked for exactly output_len tokens
  std::optional<std::int64_t> prompt_tokens;  ///< usage.prompt_tokens
  std::optional<std::int64_t> output_tokens;  ///< see output_source
  token_source output_source = token_source::none;
  /// ignore_eos was asked but the server did not honour it: an exact count other than
  /// output_len, or finish_reason "stop" (never from the chunk estimate alone).
  bool count_mismatch = false;
  std::string finish_reason;       ///< the server's finish_reason ("length", "stop", ...), "" when none came
  std::string timings;             ///< llama.cpp's per-request `timings` object (JSON text), "" when none came
  bool continuous_usage = false;   ///< chunks before the last carried usage (continuous_usage_stats honoured)
  bool eos_only = false;           ///< the only token was EOS (a finish chunk without text): 1 token

  time_point scheduled{};   ///< the deadline of the schedule
  time_point ready{};       ///< when it could go: max(deadline, a concurrency slot freeing up)
  time_point sent{};        ///< just before the request was written (the vLLM start time)
  time_point first_byte{};  ///< the first response bytes arrived
  time_point done{};        ///< the response ended (or failed)
  std::vector<chunk_stamp> chunks;

  std::uint32_t events = 0, comments = 0;  ///< SSE events and keep-alive comments received
  std::uint32_t reads = 0;                 ///< reads that returned bytes of the response
  bool rx_stamped = false; ///< chunk times are kernel receive stamps (client_delay_us is meaningful)
  bool saw_done = false;   ///< [DONE] received
  bool finished = false;   ///< a finish_reason received
  int http_status = 0;
  std::uint64_t connection = 0;    ///< which connection carried it
  bool reused_connection = false;  ///< keep-alive reuse
  /// Sent again on a fresh connection after a reused one failed before any response byte (the
  /// server had closed it); `first_sent` is when the first attempt went out. Not a failure.
  bool retried = false;
  time_point first_sent{};
  bool invalid_utf8 = false;  ///< something the server sent was not UTF-8; stored with U+FFFD
  error_kind error = error_kind::none;
  std::string error_message;

  bool ok() const noexcept { return error == error_kind::none; }
  /// The client's lag behind the schedule: sent − ready (excludes waiting for a slot).
  double lag_s() const noexcept { return seconds(ready, sent); }
  /// vLLM's client_queue_time: sent − scheduled (waiting for a slot, plus lag).
  double queue_s() const noexcept { return seconds(scheduled, sent); }
};

namespace detail {
inline bool counts_as_token(const chunk_stamp& c, first_token_rule r) noexcept {
  return r == first_token_rule::any_choice || c.content;
}
}  // namespace detail

/// Per-request latencies under a first-token rule.
struct request_latency {
  double ttft = 0;                ///< first token − sent
  double e2el = 0;                ///< last token − sent
  std::optional<double> tpot;     ///< (e2el − ttft) / (output tokens − 1), output tokens > 1
  double ttft_from_schedule = 0;  ///< first token − scheduled
  double e2el_from_schedule = 0;  ///< last token − scheduled
  std::size_t token_chunks = 0;   ///< chunks counted as tokens
};

/// Latencies of a request, or nothing when it carries no token chunk.
inline std::optional<request_latency> latency_of(const request_record& r, first_token_rule rule) {
  const chunk_stamp* first = nullptr;
  const chunk_stamp* last = nullptr;
  request_latency l;
  for (const auto& c : r.chunks)
    if (detail::counts_as_token(c, rule)) {
      if (!first) first = &c;
      last = &c;
      ++l.token_chunks;
    }
  if (!first) return std::nullopt;
  l.ttft = seconds(r.sent, first->t);
  l.e2el = seconds(r.sent, last->t);
  l.ttft_from_schedule = seconds(r.scheduled, first->t);
  l.e2el_from_schedule = seconds(r.scheduled, last->t);
  if (r.output_tokens && *r.output_tokens > 1)
    l.tpot = (l.e2el - l.ttft) / static_cast<double>(*r.output_tokens - 1);
  return l;
}

/// Append a request's inter-chunk gaps (seconds) under a rule: vLLM's ITL list.
inline void append_itls(const request_record& r, first_token_rule rule, std::vector<double>& out) {
  const chunk_stamp* prev = nullptr;
  for (const auto& c : r.chunks) {
    if (!detail::counts_as_token(c, rule)) continue;
    if (prev) out.push_back(seconds(prev->t, c.t));
    prev = &c;
  }
}

/// Stretch a record's times around `origin` by `factor` (reporting a simulated server that runs
/// faster than real time in its model's time).
inline void stretch_time(request_record& r, time_point origin, double factor) {
  auto at = [&](time_point& t) {
    if (t == time_point{}) return;
    t = origin + std::chrono::duration_cast<std::chrono::steady_clock::duration>((t - origin) * factor);
  };
  at(r.scheduled);
  at(r.ready);
  at(r.sent);
  at(r.first_byte);
  at(r.done);
  for (auto& c : r.chunks) at(c.t);
}

// ---------------------------------------------------------------------------------------------
// From stream bytes to a record
// ---------------------------------------------------------------------------------------------

namespace detail {
/// Length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlong forms, surrogates or code
/// points past U+10FFFF), 0 when there is none.
inline std::size_t utf8_length(std::string_view s, std::size_t i) noexcept {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) n = 3, lo = 0xA0;
  else if (c >= 0xE1 && c <= 0xEC) n = 3;
  else if (c == 0xED) n = 3, hi = 0x9F;
  else if (c >= 0xEE && c <= 0xEF) n = 3;
  else if (c == 0xF0) n = 4, lo = 0x90;
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else if (c == 0xF4) n = 4, hi = 0x8F;
  else return 0;
  if (i + n > s.size() || b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}
}  // namespace detail

/// True when `s` is valid UTF-8.
inline bool is_valid_utf8(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = detail::utf8_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

/// Keeps text that came from the server storable: cuts it to at most `max_bytes` at a character
/// boundary and replaces invalid UTF-8 with U+FFFD. Returns whether anything was invalid.
inline bool store_text(std::string& out, std::string_view in, std::size_t max_bytes = std::string::npos) {
  if (in.size() > max_bytes) {
    std::size_t n = max_bytes;
    while (n > 0 && (static_cast<unsigned char>(in[n]) & 0xC0) == 0x80) --n;  // not inside a character
    in = in.substr(0, n);
  }
  out.clear();
  bool replaced = false;
  for (std::size_t i = 0; i < in.size();) {
    const std::size_t n = detail::utf8_length(in, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      replaced = true;
      ++i;
    } else {
      out.append(in.substr(i, n));
      i += n;
    }
  }
  return replaced;
}

/// Turns a response body into a request_record: feed it every body fragment with the time its
/// read completed, then finish(). The per-event work is one scan of the payload and one
/// push_back; nothing is allocated per event once the record's chunk vector is reserved.
class stream_recorder {
 public:
  stream_recorder(request_record& r, first_token_rule rule) : r_(&r), rule_(rule) {}

  /// A body fragment that a read returned at time t; `client_delay_us`: how long it waited in
  /// the kernel before the client read it (0 when unknown).
  void on_body(time_point t, std::string_view bytes, std::uint16_t client_delay_us = 0) {
    delay_us_ = client_delay_us;
    const bool ok = sse_.feed(bytes, [&](const sse_event& ev) { on_event(t, ev); });
    if (!ok) fail(error_kind::malformed, "SSE line longer than 64 MiB");
  }

  /// The response ended at `t`. `transport` is the failure the connection saw (none when the
  /// HTTP message completed). Decides success, the output token count and its source.
  void finish(time_point t, error_kind transport = error_kind::none, std::string_view message = {}) {
    request_record& r = *r_;
    r.done = t;
    r.events = static_cast<std::uint32_t>(sse_.events());
    r.comments = static_cast<std::uint32_t>(sse_.comments());
    if (transport != error_kind::none) fail(transport, message);
    if (r.ok() && !r.saw_done && !r.finished)
      fail(error_kind::truncated, sse_.has_partial() ? "stream cut inside an event" : "stream ended without [DONE]");
    count_tokens();
    std::size_t token_chunks = 0, content_chunks = 0;
    for (const auto& c : r.chunks) {
      token_chunks += detail::counts_as_token(c, rule_);
      content_chunks += c.content;
    }
    // A stream whose only token is EOS has a finish chunk and no text (vLLM's client counts 1 token).
    if (r.ok() && content_chunks == 0 && r.finished && finish_chunk_ && r.output_tokens.value_or(1) >= 1) {
      r.chunks[*finish_chunk_].content = true;
      r.eos_only = true;
      if (!r.output_tokens) {
        r.output_tokens = 1;
        r.output_source = token_source::chunks;
      }
      token_chunks = std::max<std::size_t>(token_chunks, 1);
      content_chunks = 1;
    }
    if (r.ok() && token_chunks == 0)
      fail(error_kind::no_content, r.chunks.empty() ? "no chunk with choices received"
                                   : r.output_tokens   ? "the server reported 0 completion tokens"
                                                       : "no chunk with content received");
    if (!r.ok() && !is_exact(r.output_source)) {  // a failure keeps only the server's own count
      r.output_tokens.reset();
      r.output_source = token_source::none;
    }
    if (r.ok() && !r.output_tokens) {
      r.output_tokens = static_cast<std::int64_t>(content_chunks);
      r.output_source = token_source::chunks;
    }
    if (r.ok() && r.ignore_eos &&
        ((is_exact(r.output_source) && *r.output_tokens != r.output_len) || r.finish_reason == "stop"))
      r.count_mismatch = true;
    assign_chunk_tokens(content_chunks);
  }

  void fail(error_kind e, std::string_view message) {
    if (r_->error != error_kind::none) return;  // the first failure is the cause
    r_->error = e;
    r_->invalid_utf8 |= store_text(r_->error_message, message, 512);
  }

 private:
  void on_event(time_point t, const sse_event& ev) {
    request_record& r = *r_;
    if (ev.type == "error") {
      fail(error_kind::server_error, ev.data);
      return;
    }
    const chunk_info c = scan_openai_chunk(ev.data);
    if (c.what == chunk_info::kind::done) {
      r.saw_done = true;
      return;
    }
    if (c.what == chunk_info::kind::malformed) {
      fail(error_kind::malformed, "SSE payload is not JSON: " + std::string(ev.data.substr(0, 200)));
      return;
    }
    if (c.is_error) {
      fail(error_kind::server_error, c.error_message.empty() ? ev.data : c.error_message);
      return;
    }
    if (r.id.empty() && !c.id.empty()) r.invalid_utf8 |= store_text(r.id, c.id, 256);
    if (!c.timings.empty()) {
      r.invalid_utf8 |= store_text(r.timings, c.timings, 4096);
      if (c.predicted_n) timings_tokens_ = c.predicted_n;
    }
    if (c.prompt_tokens) prompt_tokens_ = c.prompt_tokens;
    if (c.has_choices) {
      // tokens holds the running usage total for now (-1: none); count_tokens() turns it into a delta
      const std::int32_t running = c.completion_tokens ? static_cast<std::int32_t>(*c.completion_tokens) : -1;
      if (c.completion_tokens) {
        ++usage_chunks_;
        last_chunk_usage_ = c.completion_tokens;
      }
      r.chunks.push_back(chunk_stamp{t, running, delay_us_, c.has_content});
      if (c.finished) {
        if (!r.finished) {
          r.finished = true;
          finish_chunk_ = r.chunks.size() - 1;
          if (!c.finish_reason.empty()) r.invalid_utf8 |= store_text(r.finish_reason, c.finish_reason, 64);
          if (c.completion_tokens) finish_usage_ = c.completion_tokens;
        }
      }
    } else if (c.completion_tokens) {  // the usage chunk carries no token
      final_usage_ = c.completion_tokens;
    }
  }

  // The count, from the best source the stream had.
  void count_tokens() {
    request_record& r = *r_;
    // usage on chunks other than the finish chunk means per-chunk (continuous) usage
    r.continuous_usage = usage_chunks_ > (finish_usage_ ? 1u : 0u) || (usage_chunks_ > 0 && !finish_chunk_);
    if (final_usage_) {
      r.output_tokens = final_usage_;
      r.output_source = token_source::usage;
    } else if (r.continuous_usage && last_chunk_usage_) {
      r.output_tokens = last_chunk_usage_;
      r.output_source = token_source::continuous_usage;
    } else if (finish_usage_) {
      r.output_tokens = finish_usage_;
      r.output_source = token_source::finish_usage;
    } else if (timings_tokens_) {
      r.output_tokens = timings_tokens_;
      r.output_source = token_source::timings;
    }
    if (prompt_tokens_) r.prompt_tokens = prompt_tokens_;
  }

  // Tokens per chunk where they are known exactly: from per-chunk usage on every chunk, or one
  // per content chunk when an exact count equals the number of content chunks; else -1.
  void assign_chunk_tokens(std::size_t content_chunks) {
    request_record& r = *r_;
    bool every = !r.chunks.empty() && usage_chunks_ == r.chunks.size();
    if (every && r.continuous_usage) {
      std::int32_t prev = 0;
      for (auto& c : r.chunks) {
        const std::int32_t running = c.tokens;
        c.tokens = running - prev;
        prev = running;
      }
      return;
    }
    const bool one_each = r.output_tokens && is_exact(r.output_source) &&
                          static_cast<std::size_t>(*r.output_tokens) == content_chunks;
    for (auto& c : r.chunks) c.tokens = one_each ? (c.content ? 1 : 0) : -1;
  }

  request_record* r_;
  first_token_rule rule_;
  sse_parser sse_;
  std::optional<std::int64_t> final_usage_, finish_usage_, last_chunk_usage_, timings_tokens_, prompt_tokens_;
  std::optional<std::size_t> finish_chunk_;
  std::size_t usage_chunks_ = 0;
  std::uint16_t delay_us_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Aggregation
// ---------------------------------------------------------------------------------------------

/// Service-level objectives for goodput, in milliseconds as `--goodput ttft:ms tpot:ms e2el:ms`.
/// A successful request is good when it meets every objective given (≤).
struct slo {
  std::optional<double> ttft_ms, tpot_ms, e2el_ms;
  bool any() const noexcept { return ttft_ms || tpot_ms || e2el_ms; }
};

struct aggregate_options {
  first_token_rule rule = first_token_rule::content;
  slo goodput;
};

/// A run's aggregates. The vLLM metrics also fill `point` (in seconds).
struct run_summary {
  benchmark_point point;  ///< identity from the caller; measured fields filled here
  double duration_s = 0;  ///< dispatch start → last request done
  std::int64_t completed = 0, failed = 0;
  std::int64_t total_input_tokens = 0, total_output_tokens = 0;
  summary ttft, tpot, itl, e2el;  ///< seconds, vLLM definitions
  /// The samples behind them (seconds, in workload order), for percentiles beyond p90/p99/p99.9.
  std::vector<double> ttft_samples, tpot_samples, itl_samples, e2el_samples;
  // beyond vLLM
  summary ttft_from_schedule, e2el_from_schedule;  ///< from the scheduled send time (coordinated-omission free)
  summary queue_time;        ///< sent − scheduled (vLLM client_queue_time), successful requests
  summary lag;               ///< sent − ready: the client's own delay, all sent requests
  summary tokens_per_chunk;  ///< per successful request: output tokens / content chunks
  summary client_delay;      ///< per chunk (kernel stamps only): kernel receive → the client's read
  std::optional<std::int64_t> good;  ///< requests meeting the SLOs (with SLOs)
  std::int64_t count_mismatches = 0;  ///< ignore_eos asked, not honoured (exact count or finish_reason "stop")
  std::array<std::int64_t, token_source_count> token_sources{};  ///< successful requests by token_source
  std::array<std::int64_t, error_kind_count> errors{};           ///< failed requests by error_kind
  std::array<std::string, error_kind_count> first_error;         ///< the first message of each kind
  std::vector<std::int64_t> input_lens, output_lens;  ///< per request (0 output for failures), vLLM order
  // prompt tokens: what was asked (input_len) against what the server counted (usage.prompt_tokens)
  std::int64_t prompt_tokens_reported = 0;   ///< successful requests with usage.prompt_tokens
  std::optional<double> mean_requested_input;  ///< mean intended input length of those requests
  std::optional<double> mean_prompt_tokens;    ///< mean usage.prompt_tokens of those requests
  std::int64_t without_continuous_usage = 0;   ///< successful requests with no per-chunk usage
  std::int64_t eos_only = 0, retried = 0, invalid_utf8 = 0;
  std::uint64_t events = 0, reads = 0;  ///< SSE events and reads of successful requests (events per read > 1: coalesced)
  first_token_rule rule = first_token_rule::content;

  double failure_rate() const noexcept {
    const auto n = completed + failed;
    return n ? static_cast<double>(failed) / static_cast<double>(n) : 0.0;
  }
  /// Mean prompt tokens the server counted beyond the requested input length (a chat template's
  /// overhead, a BOS token); missing when the server sent no prompt count.
  std::optional<double> prompt_token_overhead() const noexcept {
    if (!mean_prompt_tokens || !mean_requested_input) return std::nullopt;
    return *mean_prompt_tokens - *mean_requested_input;
  }
};

namespace detail {
inline latency_stats to_latency_stats(const summary& s) {
  return latency_stats{s.mean, s.median, s.std, s.p90, s.p99, s.p999};
}
}  // namespace detail

/// Aggregate the measured (non-warm-up) records of one run. `start` is when dispatch began,
/// `end` when the last request finished; `identity` carries the point's model, ISL, OSL, etc.
inline run_summary aggregate(std::span<const request_record> records, time_point start, time_point end,
                             const aggregate_options& o = {}, benchmark_point identity = {}) {
  run_summary s;
  s.rule = o.rule;
  s.duration_s = seconds(start, end);
  std::vector<double> ttft_sched, e2el_sched, queue, lags, tpc, delays;
  double requested_sum = 0, prompt_sum = 0;
  for (const auto& r : records) {
    if (r.warmup) continue;
    if (r.sent != time_point{}) lags.push_back(r.lag_s());
    s.retried += r.retried;
    s.invalid_utf8 += r.invalid_utf8;
    const std::optional<request_latency> l = r.ok() ? latency_of(r, o.rule) : std::nullopt;
    if (!l) {
      const error_kind kind = r.ok() ? error_kind::no_content : r.error;
      ++s.failed;
      ++s.errors[static_cast<std::size_t>(kind)];
      auto& first = s.first_error[static_cast<std::size_t>(kind)];
      if (first.empty()) first = r.error_message.empty() ? std::string(to_string(kind)) : r.error_message;
      s.input_lens.push_back(r.prompt_tokens.value_or(r.input_len));
      s.output_lens.push_back(0);
      continue;
    }
    ++s.completed;
    const std::int64_t in = r.prompt_tokens.value_or(r.input_len);
    const std::int64_t out = r.output_tokens.value_or(0);
    s.input_lens.push_back(in);
    s.output_lens.push_back(out);
    s.total_input_tokens += in;
    s.total_output_tokens += out;
    if (r.prompt_tokens) {
      ++s.prompt_tokens_reported;
      requested_sum += static_cast<double>(r.input_len);
      prompt_sum += static_cast<double>(*r.prompt_tokens);
    }
    ++s.token_sources[static_cast<std::size_t>(r.output_source)];
    s.count_mismatches += r.count_mismatch;
    s.without_continuous_usage += !r.continuous_usage;
    s.eos_only += r.eos_only;
    s.events += r.events;
    s.reads += r.reads;
    s.ttft_samples.push_back(l->ttft);
    s.e2el_samples.push_back(l->e2el);
    if (l->tpot) s.tpot_samples.push_back(*l->tpot);
    append_itls(r, o.rule, s.itl_samples);
    ttft_sched.push_back(l->ttft_from_schedule);
    e2el_sched.push_back(l->e2el_from_schedule);
    queue.push_back(r.queue_s());
    std::size_t content = 0;
    for (const auto& c : r.chunks) content += c.content;
    if (content) tpc.push_back(static_cast<double>(out) / static_cast<double>(content));
    if (r.rx_stamped)
      for (const auto& c : r.chunks) delays.push_back(c.client_delay_us * 1e-6);
    if (o.goodput.any()) {
      // vLLM: a request with <= 1 output token has TPOT 0 for the goodput check
      const double tpot_ms = l->tpot ? *l->tpot * 1000.0 : 0.0;
      const bool good = (!o.goodput.ttft_ms || l->ttft * 1000.0 <= *o.goodput.ttft_ms) &&
                        (!o.goodput.tpot_ms || tpot_ms <= *o.goodput.tpot_ms) &&
                        (!o.goodput.e2el_ms || l->e2el * 1000.0 <= *o.goodput.e2el_ms);
      s.good = s.good.value_or(0) + good;
    }
  }
  if (o.goodput.any() && !s.good) s.good = 0;
  if (s.prompt_tokens_reported > 0) {
    const double n = static_cast<double>(s.prompt_tokens_reported);
    s.mean_requested_input = requested_sum / n;
    s.mean_prompt_tokens = prompt_sum / n;
  }
  s.ttft = summarize(s.ttft_samples);
  s.tpot = summarize(s.tpot_samples);
  s.itl = summarize(s.itl_samples);
  s.e2el = summarize(s.e2el_samples);
  s.ttft_from_schedule = summarize(ttft_sched);
  s.e2el_from_schedule = summarize(e2el_sched);
  s.queue_time = summarize(queue);
  s.lag = summarize(lags);
  s.tokens_per_chunk = summarize(tpc);
  s.client_delay = summarize(delays);

  benchmark_point& p = s.point;
  p = std::move(identity);
  if (!p.num_prompts) p.num_prompts = s.completed + s.failed;
  p.duration = s.duration_s;
  p.completed = s.completed;
  p.failed = s.failed;
  p.total_input_tokens = s.total_input_tokens;
  p.total_output_tokens = s.total_output_tokens;
  if (s.duration_s > 0) {
    const double d = s.duration_s;
    p.request_throughput = static_cast<double>(s.completed) / d;
    p.input_throughput = static_cast<double>(s.total_input_tokens) / d;
    p.output_throughput = static_cast<double>(s.total_output_tokens) / d;
    p.total_token_throughput = static_cast<double>(s.total_input_tokens + s.total_output_tokens) / d;
    if (s.good) p.request_goodput = static_cast<double>(*s.good) / d;
  }
  p.ttft = detail::to_latency_stats(s.ttft);
  p.tpot = detail::to_latency_stats(s.tpot);
  p.itl = detail::to_latency_stats(s.itl);
  p.e2el = detail::to_latency_stats(s.e2el);
  derive(p);
  return s;
}

/// The failures of a run, one item per kind with its count and first message:
/// "http_status x3 (HTTP 404: The model `x` does not exist.); connect x1 (connect: connection refused)".
/// Empty when nothing failed.
inline std::string describe_failures(const run_summary& s) {
  std::string out;
  for (std::size_t k = 1; k < error_kind_count; ++k) {
    if (!s.errors[k]) continue;
    if (!out.empty()) out += "; ";
    out += to_string(static_cast<error_kind>(k));
    out += " x" + std::to_string(s.errors[k]);
    if (!s.first_error[k].empty()) out += " (" + s.first_error[k] + ")";
  }
  return out;
}

}  // namespace loadgen
INFERLENS_END_NAMESPACE
