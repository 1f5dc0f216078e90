// The simulated OpenAI-compatible server: HTTP/1.1 keep-alive, SSE streaming framed as vLLM does,
// a continuous-batching engine (sim/model.hpp) mapped onto wall time, fault injection, and the
// ground truth of when each chunk was written, for checking a client's measurements.
//
// One io_context thread runs everything: an accept loop, one coroutine per connection and the
// engine coroutine. The engine formats each step's SSE events straight into the connections'
// pending buffers; a connection writes all it has in one write.
#pragma once

#include <utility>  // before Asio: g++ 12's libstdc++ no longer brings it in transitively

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <sys/resource.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "inferlens/sim/model.hpp"
#include "inferlens/sim/personality.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace sim {

/// When a fault fires: on each generation request with `probability` (seeded by fault_options::seed
/// and the request's ordinal), and on every `every_nth` one (ordinal 1, 2, ... divisible by it).
struct fault_rule {
  double probability = 0.0;
  int every_nth = 0;  ///< 0: off
};

/// The faults the server can inject; at most one per request, tried in this order.
enum class fault_kind : std::uint8_t { none, http_error, reset, truncate, malformed_sse, error_event, stall, slow_write };

/// The name written to request_trace::fault ("" for none).
constexpr std::string_view to_string(fault_kind k) noexcept {
  switch (k) {
    case fault_kind::http_error: return "http_error";
    case fault_kind::reset: return "reset";
    case fault_kind::truncate: return "truncate";
    case fault_kind::malformed_sse: return "malformed_sse";
    case fault_kind::error_event: return "error_event";
    case fault_kind::stall: return "stall";
    case fault_kind::slow_write: return "slow_write";
    case fault_kind::none: break;
  }
  return "";
}

/// Fault injection. "Chunks" count content events (the chat role prelude excluded). A fault that
/// fires "after k chunks" fires on the last content event instead when the output is shorter.
/// Delays are wall seconds, not scaled by time_scale.
struct fault_options {
  /// Answer with this status and an OpenAI error body instead of generating (429, 500, 503, ...).
  fault_rule http_error;
  int http_error_status = 503;
  /// Close with a TCP reset after this many chunks; 0: right after reading the request.
  fault_rule reset;
  int reset_after_chunks = 2;
  /// End the body (cleanly, at the HTTP level) after this many chunks without `data: [DONE]`;
  /// with truncate_mid_event the stream ends inside the next event's JSON.
  fault_rule truncate;
  int truncate_after_chunks = 2;
  bool truncate_mid_event = true;
  /// Send the content event with this 0-based index as invalid JSON; the stream goes on.
  fault_rule malformed_sse;
  int malformed_chunk = 1;
  /// After this many chunks send `event: error` + `data: {"error":{...}}`, then `data: [DONE]`.
  fault_rule error_event;
  int error_event_after_chunks = 2;
  /// Write nothing for stall_s seconds once this many chunks were written (tokens pile up meanwhile).
  fault_rule stall;
  int stall_after_chunks = 1;
  double stall_s = 0.5;
  /// Split every write of the response into this many pieces, slow_write_delay_s apart.
  fault_rule slow_write;
  int slow_write_pieces = 3;
  double slow_write_delay_s = 0.002;
  /// Not exclusive with the others: the request's chunk ids and its error message (an injected
  /// http_error) carry bytes that are not UTF-8, as a broken server or proxy might send.
  fault_rule invalid_utf8;
  std::uint64_t seed = 0;
};

struct server_options {
  std::string host = "127.0.0.1";  ///< an address (IPv4 or IPv6) or a host name such as localhost
  std::uint16_t port = 0;  ///< 0: an ephemeral port, see server::port()
  std::string model_name = "sim-model";
  std::string api_key;  ///< empty: no check; otherwise /v1/* needs `Authorization: Bearer <key>`
  step_model model;
  fault_options faults;
  /// Whose framing, parameter handling and connection handling to reproduce (sim/personality.hpp).
  sim::personality personality = sim::personality::vllm;
  /// Tokens per SSE event after the first (vLLM --stream-interval); 0: the personality's (1, trt 3).
  int tokens_per_chunk = 0;
  /// A connection waiting for a request is closed after this many wall seconds of silence; 0: never.
  double idle_timeout_s = 60.0;
  /// Once a request's first bytes arrived, the rest of it must come within this; 0: no limit.
  double header_timeout_s = 10.0;
  /// Most connections open at once; at the cap the longest-idle one is closed for a newcomer, or
  /// the newcomer gets 503 when none is idle. 0: the process's file-descriptor limit less 64.
  std::size_t max_connections = 0;
  /// SO_REUSEPORT on the listener, so several servers (processes) can share one port.
  bool reuse_port = false;
  /// Wall seconds per model second: 0.01 runs the model 100× faster than real time; 0: no waiting.
  double time_scale = 1.0;
  std::uint64_t seed = 0;  ///< EOS draws and completion ids
  /// Keep request_trace records (chunks included). A long benchmark may turn it off to save memory.
  bool record_traces = true;
  /// When the engine runs behind wall time (CPU-bound), up to this many steps run back to back before
  /// connections get to write, so one write carries several steps' events.
  int max_steps_without_yield = 16;
  /// A stream whose unwritten bytes exceed this is paused in the engine until its client reads.
  std::size_t max_pending_bytes = std::size_t{1} << 20;
};

/// One write of an SSE event. `sent` is steady_clock::now() taken immediately before the write
/// holding the event's last byte is handed to the socket: a client can never read the bytes
/// earlier. `written` is taken right after the socket took them (the server's own share of any
/// delay lies between the two: a preempted server thread, a full socket buffer). Events written
/// together share the stamps.
struct chunk_trace {
  std::chrono::steady_clock::time_point sent, written;
  int tokens = 0;  ///< 0 for the chat role prelude
};

/// Ground truth for one generation request (POST /v1/completions or /v1/chat/completions).
struct request_trace {
  std::string id;  ///< the "id" in every chunk: "cmpl-..." or "chatcmpl-..."; "" if rejected before one was made
  std::chrono::steady_clock::time_point received;  ///< right after the request was read
  std::vector<chunk_trace> chunks;  ///< content events and the role prelude, in order (not usage, not [DONE])
  int prompt_tokens = 0;
  int completion_tokens = 0;  ///< tokens in the events sent (= the sum over chunks)
  int requested_tokens = 0;   ///< max_tokens in effect
  std::string fault;          ///< to_string(fault_kind) of the fault applied, "" for none
  int http_status = 200;
  // Beyond the minimum:
  std::string endpoint;  ///< "completions" or "chat"
  bool stream = false;
  std::string finish_reason;  ///< "length", "stop", or "" when the response did not get that far
  std::chrono::steady_clock::time_point headers_sent{};  ///< stamp of the write holding the status line
  std::chrono::steady_clock::time_point finished{};      ///< stamp of the last write (or of the reset)
  bool complete = false;  ///< the response was written to its end
};

/// Running totals, readable from any thread.
struct server_counters {
  std::uint64_t connections = 0;
  std::uint64_t requests = 0;             ///< HTTP requests of any kind
  std::uint64_t generation_requests = 0;  ///< POSTs to the two generation endpoints
  std::uint64_t completed = 0;            ///< generation responses written to their end
  std::uint64_t tokens = 0;               ///< tokens generated
  std::uint64_t faults = 0;               ///< faults applied
  std::uint64_t internal_errors = 0;      ///< exceptions escaping a coroutine (a bug if non-zero)
  std::uint64_t timed_out = 0;            ///< connections closed by the idle or header timeout
  std::uint64_t refused = 0;              ///< connections turned away at the cap (503)
  std::uint64_t evicted = 0;              ///< idle connections closed to make room at the cap
  /// Model seconds the engine ran, and those it lost because it could not keep up with wall
  /// time × time_scale (CPU-bound: the model clock jumps). lost / run > a few % means the time
  /// scale is not held.
  double model_run_s = 0, model_lost_s = 0;
};

namespace detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using sim_clock = std::chrono::steady_clock;

inline constexpr std::array<std::string_view, 16> token_words = {
    " the", " model", " streams", " one", " token", " at", " a", " time", " and",
    " every", " step", " decodes", " each", " running", " request", " again"};

/// Text of `n` tokens starting at token `first` of a request (`first` includes the request's offset).
inline std::size_t text_size(std::uint64_t first, int n) noexcept {
  std::size_t size = 0;
  for (int i = 0; i < n; ++i) size += token_words[(first + static_cast<std::uint64_t>(i)) & 15u].size();
  return size;
}
inline void append_text(std::string& out, std::uint64_t first, int n) {
  for (int i = 0; i < n; ++i) out += token_words[(first + static_cast<std::uint64_t>(i)) & 15u];
}

/// A number as text in a fixed buffer (no allocation).
struct number_text {
  explicit number_text(std::uint64_t v, int base = 10) noexcept {
    size = static_cast<std::size_t>(std::to_chars(buf.data(), buf.data() + buf.size(), v, base).ptr - buf.data());
  }
  std::string_view view() const noexcept { return {buf.data(), size}; }
  std::array<char, 24> buf{};
  std::size_t size = 0;
};

/// One HTTP/1.1 chunk: head parts, then `words` tokens of text, then tail parts.
inline void append_chunk(std::string& out, std::initializer_list<std::string_view> head, std::uint64_t first_word,
                         int words, std::initializer_list<std::string_view> tail) {
  std::size_t size = text_size(first_word, words);
  for (const std::string_view p : head) size += p.size();
  for (const std::string_view p : tail) size += p.size();
  out += number_text(size, 16).view();
  out += "\r\n";
  for (const std::string_view p : head) out += p;
  append_text(out, first_word, words);
  for (const std::string_view p : tail) out += p;
  out += "\r\n";
}
inline void append_chunk(std::string& out, std::initializer_list<std::string_view> parts) {
  append_chunk(out, parts, 0, 0, {});
}

inline constexpr std::string_view done_event = "data: [DONE]\n\n";
inline constexpr std::string_view continue_response = "HTTP/1.1 100 Continue\r\n\r\n";
inline constexpr std::string_view last_chunk = "0\r\n\r\n";
inline constexpr std::string_view error_event_text =
    "event: error\ndata: {\"error\":{\"message\":\"simulated engine failure mid-stream\","
    "\"type\":\"InternalServerError\",\"param\":null,\"code\":500}}\n\n";

inline std::string_view finish_json(finish_reason r) noexcept {
  switch (r) {
    case finish_reason::length: return "\"length\"";
    case finish_reason::stop: return "\"stop\"";
    case finish_reason::none: break;
  }
  return "null";
}

/// An OpenAI-style error body: {"error":{"message":...,"type":...,"param":null,"code":...}}.
inline std::string error_body(int status, std::string_view message) {
  nlohmann::json code = nullptr;
  std::string type = "invalid_request_error";
  if (status == 401) code = "invalid_api_key";
  if (status == 404) code = "model_not_found";
  if (status == 429) {
    type = "rate_limit_error";
    code = "rate_limit_exceeded";
  }
  if (status >= 500) type = "server_error";
  nlohmann::json j = {{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}}}};
  return j.dump();
}

/// Status line and headers of a response with a known length, plus its body.
inline void format_response(std::string& out, int status, std::string_view content_type, std::string_view body,
                            bool keep_alive, std::size_t content_length) {
  out += "HTTP/1.1 ";
  out += number_text(static_cast<std::uint64_t>(status)).view();
  out += ' ';
  const auto reason = http::obsolete_reason(static_cast<http::status>(status));
  out.append(reason.data(), reason.size());
  out += "\r\nserver: inferlens-sim\r\n";
  if (!content_type.empty()) {
    out += "content-type: ";
    out += content_type;
    out += "\r\n";
  }
  out += "content-length: ";
  out += number_text(content_length).view();
  out += "\r\n";
  if (!keep_alive) out += "connection: close\r\n";
  out += "\r\n";
  out += body;
}

/// `advertise` adds llama.cpp's `Keep-Alive: timeout=5, max=100` (which it then does not keep).
inline void format_stream_headers(std::string& out, bool keep_alive, bool advertise = false) {
  out += "HTTP/1.1 200 OK\r\nserver: inferlens-sim\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
         "transfer-encoding: chunked\r\n";
  if (!keep_alive) out += "connection: close\r\n";
  else if (advertise) out += "keep-alive: timeout=5, max=100\r\n";
  out += "\r\n";
}

/// Prompt tokens of text: 1 per 4 bytes, rounded up, at least 1.
constexpr int text_tokens(std::size_t bytes) noexcept {
  return static_cast<int>(std::max<std::size_t>(1, (bytes + 3) / 4));
}

/// A generation request, validated.
struct generation_request {
  int prompt_tokens = 0;
  int max_tokens = 0;
  bool stream = false;
  bool include_usage = false;
  bool continuous_usage = false;  ///< stream_options.continuous_usage_stats, when the personality honours it
  bool ignore_eos = false;        ///< as asked, when the personality honours it
};

/// Reads a JSON body; on failure returns the HTTP status and sets `message`.
inline int parse_generation(const server_options& opts, bool chat, std::string_view body, generation_request& out,
                            std::string& message) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    message = "the request body is not a JSON object";
    return 400;
  }
  const auto field = [&j](const char* key) -> const nlohmann::json* {
    const auto it = j.find(key);
    return it == j.end() || it->is_null() ? nullptr : &*it;
  };
  const auto flag = [&](const char* key, bool& value) {
    const nlohmann::json* v = field(key);
    if (v && !v->is_boolean()) {
      message = std::string("'") + key + "' must be a boolean";
      return false;
    }
    if (v) value = v->get<bool>();
    return true;
  };

  if (const nlohmann::json* m = field("model")) {
    if (!m->is_string()) {
      message = "'model' must be a string";
      return 400;
    }
    if (traits_of(opts.personality).checks_model && m->get_ref<const std::string&>() != opts.model_name) {
      message = "The model `" + m->get<std::string>() + "` does not exist.";
      return 404;
    }
  }
  if (const nlohmann::json* n = field("n"); n && !(n->is_number_integer() && n->get<std::int64_t>() == 1)) {
    message = "only n = 1 is supported";
    return 400;
  }

  std::int64_t prompt = 0;
  if (!chat) {
    const nlohmann::json* p = field("prompt");
    const auto all_integers = [](const nlohmann::json& a) {
      for (const auto& e : a)
        if (!e.is_number_integer()) return false;
      return !a.empty();
    };
    if (p && p->is_string()) {
      prompt = text_tokens(p->get_ref<const std::string&>().size());
    } else if (p && p->is_array() && all_integers(*p)) {
      prompt = static_cast<std::int64_t>(p->size());
    } else if (p && p->is_array() && p->size() == 1 && (*p)[0].is_string()) {
      prompt = text_tokens((*p)[0].get_ref<const std::string&>().size());
    } else if (p && p->is_array() && p->size() == 1 && (*p)[0].is_array() && all_integers((*p)[0])) {
      prompt = static_cast<std::int64_t>((*p)[0].size());
    } else {
      message = "'prompt' must be a string or a non-empty list of token ids (one prompt per request)";
      return 400;
    }
  } else {
    // 3 tokens of framing per message and 3 to prime the reply, as OpenAI's token-counting recipe.
    const nlohmann::json* messages = field("messages");
    if (!messages || !messages->is_array() || messages->empty()) {
      message = "'messages' must be a non-empty list";
      return 400;
    }
    prompt = 3;
    for (const auto& m : *messages) {
      if (!m.is_object()) {
        message = "each message must be an object";
        return 400;
      }
      std::size_t bytes = 0;
      if (const auto c = m.find("content"); c != m.end()) {
        if (c->is_string()) {
          bytes = c->get_ref<const std::string&>().size();
        } else if (c->is_array()) {
          for (const auto& part : *c)
            if (const auto t = part.find("text"); part.is_object() && t != part.end() && t->is_string())
              bytes += t->get_ref<const std::string&>().size();
        } else if (!c->is_null()) {
          message = "message 'content' must be a string or a list of parts";
          return 400;
        }
      }
      prompt += 3 + static_cast<std::int64_t>((bytes + 3) / 4);
    }
  }

  const traits t = traits_of(opts.personality);
  const nlohmann::json* max_tokens = chat && t.max_completion_tokens && field("max_completion_tokens")
                                         ? field("max_completion_tokens")
                                         : field("max_tokens");
  std::int64_t wanted = 0;
  if (max_tokens) {
    if (!max_tokens->is_number_integer() || max_tokens->get<std::int64_t>() < 1) {
      message = "'max_tokens' must be a positive integer";
      return 400;
    }
    wanted = max_tokens->get<std::int64_t>();
  } else {
    // vLLM's defaults: 16 for completions, the rest of the context for chat.
    wanted = chat ? std::max<std::int64_t>(1, opts.model.max_model_len_tokens - prompt) : 16;
  }
  if (!flag("stream", out.stream) || !flag("ignore_eos", out.ignore_eos)) return 400;
  if (const nlohmann::json* so = field("stream_options")) {
    if (!so->is_object()) {
      message = "'stream_options' must be an object";
      return 400;
    }
    if (const auto u = so->find("include_usage"); u != so->end() && !u->is_null()) {
      if (!u->is_boolean()) {
        message = "'stream_options.include_usage' must be a boolean";
        return 400;
      }
      out.include_usage = u->get<bool>();
    }
    if (const auto u = so->find("continuous_usage_stats"); u != so->end() && !u->is_null()) {
      if (!u->is_boolean()) {
        message = "'stream_options.continuous_usage_stats' must be a boolean";
        return 400;
      }
      out.continuous_usage = t.continuous_usage && out.include_usage && u->get<bool>();
    }
  }
  if (!t.ignore_eos) out.ignore_eos = false;  // not a parameter this server knows
  const std::int64_t limit = std::min<std::int64_t>(opts.model.max_model_len_tokens, opts.model.kv_capacity_tokens);
  if (wanted > limit - prompt) {  // (prompt + wanted could overflow)
    message = "This model's maximum context length is " + std::to_string(limit) + " tokens. However, you requested " +
              (wanted > INT64_MAX - prompt ? std::string("more than 2^63") : std::to_string(prompt + wanted)) + " tokens (" + std::to_string(prompt) + " in the prompt, " +
              std::to_string(wanted) + " in the completion). Please reduce the length of the prompt or completion.";
    return 400;
  }
  out.prompt_tokens = static_cast<int>(prompt);
  out.max_tokens = static_cast<int>(wanted);
  return 200;
}

/// The fault for generation request `ordinal` (1-based), decided from the seed alone.
inline fault_kind pick_fault(const fault_options& f, std::uint64_t ordinal, bool stream) {
  const std::array<std::pair<const fault_rule*, fault_kind>, 7> rules = {{
      {&f.http_error, fault_kind::http_error},
      {&f.reset, fault_kind::reset},
      {&f.truncate, fault_kind::truncate},
      {&f.malformed_sse, fault_kind::malformed_sse},
      {&f.error_event, fault_kind::error_event},
      {&f.stall, fault_kind::stall},
      {&f.slow_write, fault_kind::slow_write},
  }};
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const fault_rule& r = *rules[i].first;
    if (rules[i].second == fault_kind::error_event && !stream) continue;  // no events to interrupt
    const bool every = r.every_nth > 0 && ordinal % static_cast<std::uint64_t>(r.every_nth) == 0;
    const bool drawn =
        r.probability > 0.0 && unit_interval(mix64(f.seed ^ mix64(ordinal * rules.size() + i))) < r.probability;
    if (every || drawn) return rules[i].second;
  }
  return fault_kind::none;
}

/// Whether request `ordinal` carries invalid UTF-8 (fault_options::invalid_utf8).
inline bool pick_invalid_utf8(const fault_options& f, std::uint64_t ordinal) {
  const fault_rule& r = f.invalid_utf8;
  return (r.every_nth > 0 && ordinal % static_cast<std::uint64_t>(r.every_nth) == 0) ||
         (r.probability > 0.0 && unit_interval(mix64(f.seed ^ mix64(ordinal * 31 + 7))) < r.probability);
}
inline constexpr std::string_view invalid_utf8_bytes = "\xC3\x28\xFF";  // a cut 2-byte sequence, then a byte never valid

/// A traced SSE event in a buffer: its tokens and the offset just past its last byte.
struct traced_event {
  int tokens = 0;
  std::size_t end = 0;
};

/// Per-connection state that outlives one request.
struct connection {
  explicit connection(tcp::socket s)
      : socket(std::move(s)), wake(socket.get_executor()), delay(socket.get_executor()) {
    wake.expires_at(sim_clock::time_point::max());
  }
  tcp::socket socket;
  beast::flat_buffer buffer;
  std::string out;              // bytes of the write in progress (capacity reused)
  std::vector<traced_event> out_events;  // the traced events in `out`
  asio::steady_timer wake;      // cancelled by the engine when it queued bytes for us
  asio::steady_timer delay;     // stalls and slow writes
  /// Waiting for a request (idle: the idle timeout applies), reading one (the header timeout),
  /// or answering one (no limit here: the response takes as long as the engine).
  enum class phase : std::uint8_t { idle, reading, busy };
  phase state = phase::idle;
  sim_clock::time_point deadline = sim_clock::time_point::max();
  sim_clock::time_point idle_since = sim_clock::now();
};

/// One generation request in flight: the engine formats its events into `pending`, the connection's
/// coroutine writes them.
struct stream_state {
  const server_options* opts = nullptr;
  traits t;
  connection* conn = nullptr;
  bool chat = false;
  bool streaming = false;
  bool include_usage = false;
  bool continuous_usage = false;  // usage on every chunk (continuous_usage_stats)
  int tokens_per_chunk = 1;
  double time_scale = 1.0;         // for llama.cpp's timings, in model milliseconds
  sim_clock::time_point first_token_at{};
  std::uint64_t word_offset = 0;  // where this request starts in token_words
  std::string envelope;           // {"id":"...","object":"...","created":N,"model":"...",
  fault_kind fault = fault_kind::none;
  int fault_at = 0;
  sequence_id seq = 0;
  bool seq_live = false;  // the engine still holds the sequence

  int generated = 0;       // tokens the engine produced
  int unsent = 0;          // produced, not yet in an event
  int content_events = 0;  // content events formatted
  int content_tokens = 0;  // tokens in them
  finish_reason finish = finish_reason::none;
  bool fault_fired = false;
  bool body_complete = false;  // `pending` ends the response
  bool reset_now = false;      // reset the connection once `pending` is written
  bool close_after = false;    // close the connection once `pending` is written
  bool paused = false;
  bool writer_waiting = false;
  bool stalled = false;
  bool headers_stamped = false;
  bool recorded = false;
  int chunks_written = 0;

  std::string pending;
  std::vector<traced_event> pending_events;  // the traced events in `pending`
  request_trace trace;

  bool ended() const noexcept { return body_complete || reset_now; }
  /// A fault fired that cut the response short.
  bool terminal_fault() const noexcept {
    return fault_fired && (fault == fault_kind::reset || fault == fault_kind::truncate || fault == fault_kind::error_event);
  }
  bool event_fault() const noexcept {
    return fault == fault_kind::reset || fault == fault_kind::truncate || fault == fault_kind::malformed_sse ||
           fault == fault_kind::error_event;
  }

  /// The engine produced `n` tokens (the last ones when `f` is not none).
  void on_tokens(int n, finish_reason f) {
    if (ended()) return;
    generated += n;
    unsent += n;
    if (f != finish_reason::none) finish = f;
    const bool last = f != finish_reason::none;
    if (!streaming) {
      if (last) finish_plain();
      return;
    }
    if (!last) {
      // the stream interval: the first token goes out at once, later ones in groups
      if (content_events > 0 && unsent < tokens_per_chunk) return;
      // llama.cpp: a token whose text ends inside a character waits for the next one
      if (t.two_tokens_every > 0 && (content_events + 1) % t.two_tokens_every == 0 && unsent < 2) return;
    }
    emit(last);
  }

 private:
  // `,"usage":{...}` with this many completion tokens
  void append_usage(std::string& out, int completion) const {
    const number_text p(static_cast<std::uint64_t>(trace.prompt_tokens));
    const number_text c(static_cast<std::uint64_t>(completion));
    const number_text total(static_cast<std::uint64_t>(trace.prompt_tokens + completion));
    out += R"(,"usage":{"prompt_tokens":)";
    out += p.view();
    out += R"(,"completion_tokens":)";
    out += c.view();
    out += R"(,"total_tokens":)";
    out += total.view();
    out += "}";
  }

  // What follows a chunk's "choices": usage as the personality puts it, the end of the object,
  // the event's end.
  void finish_tail(std::string& tail, int completion_so_far) const {
    if (continuous_usage) append_usage(tail, completion_so_far);
    else if (t.usage_null) tail += R"(,"usage":null)";
    tail += t.trailing_space ? "} \n\n" : "}\n\n";
  }

  std::string_view chat_open() const noexcept {
    return t.chat_prelude == traits::prelude::none ? std::string_view(R"("choices":[{"index":0,"delta":{"role":"assistant","content":")")
                                                   : std::string_view(R"("choices":[{"index":0,"delta":{"content":")");
  }

  void content_event(int n, bool last, bool malformed) {
    const std::uint64_t first = word_offset + static_cast<std::uint64_t>(generated - unsent);
    const std::string_view open = chat ? chat_open() : R"("choices":[{"index":0,"text":")";
    const std::string_view close = chat ? R"("},"logprobs":null,"finish_reason":)" : R"(","logprobs":null,"finish_reason":)";
    if (content_events == 0) first_token_at = sim_clock::now();
    if (malformed) {
      append_chunk(pending, {"data: ", envelope, open}, first, n, {"\n\n"});  // unterminated string
    } else {
      tail_.assign(close);
      tail_ += finish_json(last ? finish : finish_reason::none);
      tail_ += "}]";
      finish_tail(tail_, content_tokens + n);
      append_chunk(pending, {"data: ", envelope, open}, first, n, {tail_});
    }
    pending_events.push_back({n, pending.size()});
    ++content_events;
    content_tokens += n;
    unsent = 0;
  }

  void role_prelude() {
    tail_.assign(R"("choices":[{"index":0,"delta":{"role":"assistant")");
    if (t.chat_prelude == traits::prelude::role_empty_content) tail_ += R"(,"content":"")";
    else if (t.chat_prelude == traits::prelude::role_null_content) tail_ += R"(,"content":null)";
    tail_ += t.chat_prelude == traits::prelude::role_only ? R"(},"finish_reason":null}])" : R"(},"logprobs":null,"finish_reason":null}])";
    finish_tail(tail_, 0);
    append_chunk(pending, {"data: ", envelope, tail_});
    pending_events.push_back({0, pending.size()});
  }

  // A chunk without text: the finish_reason on its own (llama.cpp), or TGI's EOS token (`tokens` 1).
  void empty_event(int tokens) {
    if (content_events == 0) first_token_at = sim_clock::now();
    tail_.assign(chat ? (t.chat_prelude == traits::prelude::none ? R"("choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":)"
                                                                 : R"("choices":[{"index":0,"delta":{},"finish_reason":)")
                      : R"("choices":[{"index":0,"text":"","logprobs":null,"finish_reason":)");
    tail_ += finish_json(finish);
    tail_ += "}]";
    content_tokens += tokens;
    if (t.usage == traits::usage_place::llama_cpp && !chat) append_usage(tail_, content_tokens);  // always, llama.cpp
    if (t.timings) append_timings(tail_);
    if (tokens > 0) {
      ++content_events;
      unsent = 0;
    }
    finish_tail(tail_, content_tokens);
    append_chunk(pending, {"data: ", envelope, tail_});
    pending_events.push_back({tokens, pending.size()});
  }

  // llama.cpp's per-request timings, in the model's milliseconds.
  void append_timings(std::string& out) const {
    const double scale = time_scale > 0 ? 1.0 / time_scale : 1.0;
    const double prompt_ms = std::chrono::duration<double, std::milli>(first_token_at - trace.received).count() * scale;
    const double predicted_ms = std::chrono::duration<double, std::milli>(sim_clock::now() - first_token_at).count() * scale;
    const int pn = trace.prompt_tokens, dn = content_tokens;
    char buf[400];
    std::snprintf(buf, sizeof buf,
                  R"(,"timings":{"cache_n":0,"prompt_n":%d,"prompt_ms":%.3f,"prompt_per_token_ms":%.6f,"prompt_per_second":%.3f,)"
                  R"("predicted_n":%d,"predicted_ms":%.3f,"predicted_per_token_ms":%.6f,"predicted_per_second":%.3f})",
                  pn, prompt_ms, pn ? prompt_ms / pn : 0.0, prompt_ms > 0 ? pn * 1000.0 / prompt_ms : 0.0, dn, predicted_ms,
                  dn ? predicted_ms / dn : 0.0, predicted_ms > 0 ? dn * 1000.0 / predicted_ms : 0.0);
    out += buf;
  }

  void end_stream() {
    const bool usage_chunk = include_usage && (t.usage == traits::usage_place::usage_chunk ||
                                               (t.usage == traits::usage_place::llama_cpp && chat));
    if (usage_chunk) {
      tail_.assign(R"("choices":[])");
      append_usage(tail_, content_tokens);
      tail_ += t.trailing_space ? "} \n\n" : "}\n\n";
      append_chunk(pending, {"data: ", envelope, tail_});
    }
    if (t.sends_done) append_chunk(pending, {t.trailing_space ? std::string_view("data: [DONE] \n\n") : done_event});
    pending += last_chunk;
    body_complete = true;
  }

  void emit(bool last) {
    const bool fire = event_fault() && !fault_fired && (content_events >= fault_at || last);
    if (fire) {
      fault_fired = true;
      trace.fault = to_string(fault);
    }
    const bool terminal = fire && fault != fault_kind::malformed_sse;
    if (chat && content_events == 0 && !terminal && t.chat_prelude != traits::prelude::none) role_prelude();
    if (!terminal) {
      if (last && t.eos_without_text && finish == finish_reason::stop) {
        if (unsent > 1) {  // the tokens before EOS, then EOS as a chunk without text
          --unsent;
          content_event(unsent, false, fire);
          unsent = 1;
        }
        empty_event(1);
      } else if (last && t.finish_chunk_separate) {
        content_event(unsent, false, fire);
        empty_event(0);
      } else {
        content_event(unsent, last, fire);
      }
      if (last) end_stream();
      return;
    }
    switch (fault) {
      case fault_kind::reset:
        reset_now = true;
        return;
      case fault_kind::truncate:
        if (opts->faults.truncate_mid_event) {
          std::string whole;  // the next event, of which only the first half goes out
          const std::uint64_t first = word_offset + static_cast<std::uint64_t>(generated - unsent);
          whole += "data: ";
          whole += envelope;
          whole += chat ? chat_open() : R"("choices":[{"index":0,"text":")";
          append_text(whole, first, unsent);
          whole += "\"";
          append_chunk(pending, {std::string_view(whole).substr(0, whole.size() / 2)});
        }
        pending += last_chunk;
        body_complete = true;
        return;
      case fault_kind::error_event:
        append_chunk(pending, {error_event_text});
        if (t.sends_done) append_chunk(pending, {done_event});
        pending += last_chunk;
        body_complete = true;
        return;
      default:
        return;
    }
  }

  std::string tail_;  // scratch for a chunk's end (capacity reused)

 public:
  /// The whole non-streamed response, once the engine is done.
  void finish_plain() {
    const bool keep_alive = !close_after;
    if (fault == fault_kind::reset) {
      fault_fired = true;
      trace.fault = to_string(fault);
      reset_now = true;
      return;
    }
    std::string body;
    body.reserve(envelope.size() + 200 + text_size(word_offset, generated));
    body += envelope;
    body += chat ? R"("choices":[{"index":0,"message":{"role":"assistant","content":")" : R"("choices":[{"index":0,"text":")";
    append_text(body, word_offset, generated);
    body += chat ? R"("},"logprobs":null,"finish_reason":)" : R"(","logprobs":null,"finish_reason":)";
    body += finish_json(finish);
    body += R"(}],"usage":{"prompt_tokens":)";
    body += number_text(static_cast<std::uint64_t>(trace.prompt_tokens)).view();
    body += R"(,"completion_tokens":)";
    body += number_text(static_cast<std::uint64_t>(generated)).view();
    body += R"(,"total_tokens":)";
    body += number_text(static_cast<std::uint64_t>(trace.prompt_tokens + generated)).view();
    body += "}}";
    std::size_t length = body.size();
    if (fault == fault_kind::malformed_sse) {
      body.resize(body.size() - 2);  // invalid JSON, consistent length
      length = body.size();
      fault_fired = true;
      trace.fault = to_string(fault);
    } else if (fault == fault_kind::truncate) {
      body.resize(body.size() / 2);  // content-length promises more than comes
      close_after = true;
      fault_fired = true;
      trace.fault = to_string(fault);
    }
    format_response(pending, 200, "application/json", body, keep_alive, length);
    pending_events.push_back({generated, pending.size()});
    content_events = 1;
    content_tokens = generated;
    body_complete = true;
  }
};

struct server_impl {
  explicit server_impl(server_options o)
      : opts(std::move(o)), model_json(nlohmann::json(opts.model_name).dump()), model(opts.model, opts.seed) {
    opts.tokens_per_chunk = std::max(opts.tokens_per_chunk, 0);
    opts.max_steps_without_yield = std::max(opts.max_steps_without_yield, 1);
    if (!(opts.time_scale >= 0.0)) throw std::invalid_argument("sim::server: time_scale must be >= 0");
    if (!(opts.idle_timeout_s >= 0.0) || !(opts.header_timeout_s >= 0.0))
      throw std::invalid_argument("sim::server: timeouts must be >= 0");
    const tcp::endpoint endpoint = resolve(opts.host, opts.port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
#if defined(SO_REUSEPORT)
    if (opts.reuse_port) {
      const int one = 1;
      ::setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    }
#endif
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    port = acceptor.local_endpoint().port();
    address = acceptor.local_endpoint().address();
    if (opts.max_connections == 0) {
      rlimit r{};
      const bool known = ::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != RLIM_INFINITY;
      opts.max_connections = known && r.rlim_cur > 128 ? static_cast<std::size_t>(r.rlim_cur - 64) : 65536;
    }
  }

  /// An address, or a host name (the first address it resolves to, IPv4 preferred).
  static tcp::endpoint resolve(const std::string& host, std::uint16_t port) {
    beast::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (!ec) return {address, port};
    asio::io_context io;
    tcp::resolver resolver(io);
    const auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty()) throw std::invalid_argument("sim::server: cannot resolve host '" + host + "': " + ec.message());
    for (const auto& r : results)
      if (r.endpoint().address().is_v4()) return r.endpoint();
    return results.begin()->endpoint();
  }

  // --- used by the coroutines, on the io thread only ---

  void record(stream_state& s) {
    if (s.recorded) return;
    s.recorded = true;
    s.trace.completion_tokens = s.content_tokens;
    const bool normal_end = s.body_complete && !s.reset_now && !s.terminal_fault();
    s.trace.finish_reason = std::string(to_string(normal_end ? s.finish : finish_reason::none));
    if (!s.trace.fault.empty()) faults.fetch_add(1, std::memory_order_relaxed);
    if (s.trace.complete) completed.fetch_add(1, std::memory_order_relaxed);
    if (opts.record_traces) {
      const std::lock_guard lock(trace_mutex);
      trace_store.push_back(std::move(s.trace));
    }
  }
  void record(request_trace t) {
    if (!t.fault.empty()) faults.fetch_add(1, std::memory_order_relaxed);
    if (!opts.record_traces) return;
    const std::lock_guard lock(trace_mutex);
    trace_store.push_back(std::move(t));
  }

  void wake_engine() {
    if (!stopping && engine_idle && engine_timer) {
      engine_idle = false;
      engine_timer->cancel();
    }
  }

  /// Drops the engine's side of a stream (client gone, or a fault ended it early).
  void release(stream_state& s) {
    if (!s.seq_live) return;
    s.seq_live = false;
    streams.erase(s.seq);
    model.cancel(s.seq);
    wake_engine();  // freed KV may admit a waiting request
  }

  /// Hands one step's tokens to their streams.
  void deliver(const step_result& r) {
    std::uint64_t produced = 0;
    for (const token_event& e : r.events) {
      produced += static_cast<std::uint64_t>(e.tokens);
      const auto it = streams.find(e.id);
      if (it == streams.end()) continue;
      stream_state& s = *it->second;
      if (e.finish != finish_reason::none) {
        s.seq_live = false;
        streams.erase(it);
      }
      s.on_tokens(e.tokens, e.finish);
      if (s.ended()) {
        release(s);
      } else if (!s.paused && s.pending.size() > opts.max_pending_bytes) {
        s.paused = true;
        model.set_paused(s.seq, true);
      }
      if (s.writer_waiting && (!s.pending.empty() || s.ended())) {
        s.writer_waiting = false;
        s.conn->wake.cancel();
      }
    }
    tokens.fetch_add(produced, std::memory_order_relaxed);
  }

  double model_seconds(sim_clock::time_point t) const noexcept {
    return std::chrono::duration<double>(t - origin).count() / opts.time_scale;
  }
  sim_clock::time_point wall_time(double model_s) const noexcept {
    if (opts.time_scale == 0.0) return sim_clock::time_point::min();
    return origin + std::chrono::duration_cast<sim_clock::duration>(std::chrono::duration<double>(model_s * opts.time_scale));
  }

  std::string next_id(bool chat) {
    const std::uint64_t n = ++id_counter;
    std::string id = chat ? "chatcmpl-" : "cmpl-";
    const number_text hex(mix64(opts.seed ^ mix64(n)), 16);  // a bijection of n: unique per server
    id.append(16 - hex.size, '0');
    id += hex.view();
    return id;
  }

  server_options opts;
  std::string model_json;
  std::uint16_t port = 0;
  asio::ip::address address;  // where it listens
  sim_clock::time_point origin = sim_clock::now();

  mutable std::mutex trace_mutex;
  std::vector<request_trace> trace_store;

  std::atomic<std::uint64_t> connections{0}, requests{0}, generation_requests{0}, completed{0}, tokens{0}, faults{0},
      internal_errors{0}, timed_out{0}, refused{0}, evicted{0};
  std::atomic<double> model_run_s{0}, model_lost_s{0};  // written by the engine only
  std::uint64_t id_counter = 0;

  scheduler model;
  std::unordered_map<sequence_id, stream_state*> streams;
  std::unordered_set<connection*> open_connections;
  asio::steady_timer* engine_timer = nullptr;  // lives in the engine coroutine
  asio::steady_timer* sweeper_timer = nullptr;
  bool engine_idle = false;
  bool stopping = false;
  bool started = false;

  // Coroutine frames still pending are destroyed with the io_context; they touch only the members
  // above, which outlive it. I/O objects below it are destroyed before it, as Asio requires.
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;
};

// g++ 12 at -O1 and above reports -Wmismatched-new-delete inside Asio's coroutine-frame allocator
// (aligned_alloc released through the frame's operator delete, which calls free): a false positive
// that would break -Werror builds of every coroutine below.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

/// Writes c->out, split into slow pieces when the fault asks for it; stamps and records on the way.
/// Writes bytes: a send() straight away (the socket is non-blocking), and only what the socket
/// did not take through Asio's asynchronous write, so most writes never suspend the coroutine.
inline asio::awaitable<beast::error_code> write_bytes(connection* c, const char* data, std::size_t n) {
  beast::error_code ec;
  const std::size_t done = c->socket.write_some(asio::buffer(data, n), ec);
  if (ec && ec != asio::error::would_block && ec != asio::error::try_again) co_return ec;
  if (done == n) co_return beast::error_code{};
  auto op = asio::async_write(c->socket, asio::buffer(data + done, n - done), asio::as_tuple(asio::use_awaitable));
  auto [wec, written] = co_await std::move(op);
  (void)written;
  co_return wec;
}

inline asio::awaitable<beast::error_code> write_out(server_impl* self, connection* c, stream_state* s, bool last) {
  std::size_t stamped = 0;
  // Stamps the events whose last byte lies before `upto`, just before the write that carries it.
  const auto stamp = [self, c, s, &stamped](std::size_t upto) {
    const auto now = sim_clock::now();
    for (; stamped < c->out_events.size() && c->out_events[stamped].end <= upto; ++stamped) {
      if (self->opts.record_traces) s->trace.chunks.push_back({now, now, c->out_events[stamped].tokens});
      ++s->chunks_written;
    }
    if (!s->headers_stamped) {
      s->headers_stamped = true;
      s->trace.headers_sent = now;
    }
    return now;
  };
  const auto finish = [self, s, last](sim_clock::time_point now) {
    if (!last) return;
    s->trace.finished = now;
    s->trace.complete = s->body_complete && !s->reset_now && !s->terminal_fault();
    self->record(*s);  // before the bytes leave, so a client that saw the end also sees the trace
  };

  const std::size_t size = c->out.size();
  const bool slow = s->fault == fault_kind::slow_write && self->opts.faults.slow_write_pieces > 1;
  // After a write, the events it carried were written now.
  const auto written = [s](std::size_t from) {
    const auto now = sim_clock::now();
    for (std::size_t k = from; k < s->trace.chunks.size(); ++k) s->trace.chunks[k].written = now;
  };
  if (!slow) {
    const std::size_t from = s->trace.chunks.size();
    finish(stamp(size));
    auto op = write_bytes(c, c->out.data(), size);
    const beast::error_code ec = co_await std::move(op);
    written(from);
    co_return ec;
  }
  if (s->trace.fault.empty()) {
    s->trace.fault = to_string(fault_kind::slow_write);
    s->fault_fired = true;
  }
  const std::size_t pieces = static_cast<std::size_t>(self->opts.faults.slow_write_pieces);
  const std::size_t piece = std::max<std::size_t>(1, (size + pieces - 1) / pieces);
  for (std::size_t offset = 0; offset < size; offset += piece) {
    const std::size_t n = std::min(piece, size - offset);
    const std::size_t from = s->trace.chunks.size();
    const auto now = stamp(offset + n);
    if (offset + n == size) finish(now);
    auto op = write_bytes(c, c->out.data() + offset, n);
    const beast::error_code ec = co_await std::move(op);
    written(from);
    if (ec) co_return ec;
    if (offset + n < size) {
      c->delay.expires_after(std::chrono::duration_cast<sim_clock::duration>(
          std::chrono::duration<double>(self->opts.faults.slow_write_delay_s)));
      auto wait = c->delay.async_wait(asio::as_tuple(asio::use_awaitable));
      auto [wait_ec] = co_await std::move(wait);
      if (self->stopping) co_return asio::error::operation_aborted;
      (void)wait_ec;
    }
  }
  co_return beast::error_code{};
}

inline void reset_socket(tcp::socket& socket) {
  beast::error_code ec;
  socket.set_option(asio::socket_base::linger(true, 0), ec);  // close() then sends RST
  socket.close(ec);
}

/// Writes the stream's bytes as the engine produces them. Returns whether the connection may serve
/// another request.
inline asio::awaitable<bool> pump(server_impl* self, connection* c, stream_state* s) {
  const fault_options& f = self->opts.faults;
  for (;;) {
    if (s->pending.empty()) {
      if (s->ended()) break;
      s->writer_waiting = true;
      auto wait = c->wake.async_wait(asio::as_tuple(asio::use_awaitable));
      auto [ec] = co_await std::move(wait);
      (void)ec;
      s->writer_waiting = false;
      if (self->stopping) co_return false;
      continue;
    }
    // A stall holds back everything after the first stall_after_chunks chunks (or the response's end).
    if (s->fault == fault_kind::stall && !s->stalled && (s->chunks_written >= f.stall_after_chunks || s->ended())) {
      s->stalled = true;
      s->fault_fired = true;
      s->trace.fault = to_string(fault_kind::stall);
      c->delay.expires_after(std::chrono::duration_cast<sim_clock::duration>(std::chrono::duration<double>(f.stall_s)));
      auto wait = c->delay.async_wait(asio::as_tuple(asio::use_awaitable));
      auto [ec] = co_await std::move(wait);
      (void)ec;
      if (self->stopping) co_return false;
      continue;
    }
    c->out.swap(s->pending);
    s->pending.clear();
    c->out_events.swap(s->pending_events);
    s->pending_events.clear();
    const bool last = s->ended();
    auto op = write_out(self, c, s, last);
    const beast::error_code ec = co_await std::move(op);
    if (ec) co_return false;
    if (s->paused && s->pending.size() <= self->opts.max_pending_bytes / 2) {
      s->paused = false;
      if (s->seq_live) {
        self->model.set_paused(s->seq, false);
        self->wake_engine();
      }
    }
  }
  if (s->reset_now) {
    if (!s->recorded) {
      if (!s->headers_stamped) s->trace.http_status = 0;  // nothing was sent
      s->trace.finished = sim_clock::now();
      self->record(*s);
    }
    reset_socket(c->socket);
    co_return false;
  }
  co_return !s->close_after;
}

/// Unregisters a stream from the engine however its coroutine ends.
struct stream_guard {
  server_impl* self;
  stream_state* s;
  stream_guard(server_impl* server, stream_state* stream) noexcept : self(server), s(stream) {}
  stream_guard(const stream_guard&) = delete;
  stream_guard& operator=(const stream_guard&) = delete;
  ~stream_guard() {
    if (s->seq_live) {
      s->seq_live = false;
      self->streams.erase(s->seq);
      self->model.cancel(s->seq);
      self->wake_engine();
    }
    if (!s->recorded) {
      if (s->trace.finished == sim_clock::time_point{}) s->trace.finished = sim_clock::now();
      self->record(*s);
    }
  }
};

inline asio::awaitable<bool> write_simple(server_impl* self, connection* c, int status, std::string body,
                                          bool keep_alive) {
  c->out.clear();
  format_response(c->out, status, body.empty() ? std::string_view() : std::string_view("application/json"), body,
                  keep_alive, body.size());
  auto op = asio::async_write(c->socket, asio::buffer(c->out), asio::as_tuple(asio::use_awaitable));
  auto [ec, n] = co_await std::move(op);
  (void)n;
  co_return !ec && keep_alive && !self->stopping;
}

inline asio::awaitable<bool> handle_generation(server_impl* self, connection* c, bool chat,
                                               http::request<http::string_body> req, sim_clock::time_point received) {
  const bool keep_alive = req.keep_alive();
  request_trace rejected;
  rejected.received = received;
  rejected.endpoint = chat ? "chat" : "completions";
  self->generation_requests.fetch_add(1, std::memory_order_relaxed);

  generation_request g;
  std::string message;
  const int status = parse_generation(self->opts, chat, req.body(), g, message);
  if (status != 200) {
    rejected.http_status = status;
    rejected.finished = sim_clock::now();
    rejected.complete = true;
    self->record(std::move(rejected));
    auto op = write_simple(self, c, status, error_body(status, message), keep_alive);
    const bool keep = co_await std::move(op);
    co_return keep;
  }

  const std::uint64_t ordinal = self->id_counter + 1;
  const fault_kind fault = pick_fault(self->opts.faults, ordinal, g.stream);
  const bool bad_utf8 = pick_invalid_utf8(self->opts.faults, ordinal);
  std::string id = self->next_id(chat);
  const fault_options& f = self->opts.faults;

  if (fault == fault_kind::http_error || (fault == fault_kind::reset && f.reset_after_chunks <= 0)) {
    rejected.id = std::move(id);
    rejected.stream = g.stream;
    rejected.prompt_tokens = g.prompt_tokens;
    rejected.requested_tokens = g.max_tokens;
    rejected.fault = to_string(fault);
    rejected.finished = sim_clock::now();
    if (fault == fault_kind::reset) {
      rejected.http_status = 0;
      self->record(std::move(rejected));
      reset_socket(c->socket);
      co_return false;
    }
    const int code = f.http_error_status;
    rejected.http_status = code;
    rejected.complete = true;
    if (bad_utf8) rejected.fault += "+invalid_utf8";
    self->record(std::move(rejected));
    std::string body = error_body(code, "simulated failure (injected by the server)");
    if (bad_utf8) body.insert(body.find("simulated"), invalid_utf8_bytes);  // raw bytes inside the JSON string
    auto op = write_simple(self, c, code, std::move(body), keep_alive);
    const bool keep = co_await std::move(op);
    co_return keep;
  }

  stream_state s;
  s.opts = &self->opts;
  s.t = traits_of(self->opts.personality);
  s.conn = c;
  s.chat = chat;
  s.streaming = g.stream;
  s.include_usage = g.include_usage;
  s.continuous_usage = g.continuous_usage;
  s.tokens_per_chunk = self->opts.tokens_per_chunk > 0 ? self->opts.tokens_per_chunk : std::max(s.t.tokens_per_delta, 1);
  s.time_scale = self->opts.time_scale;
  s.word_offset = ordinal;
  s.fault = fault;
  s.close_after = !keep_alive || (s.t.close_after_stream && g.stream);
  switch (fault) {
    case fault_kind::reset: s.fault_at = f.reset_after_chunks; break;
    case fault_kind::truncate: s.fault_at = f.truncate_after_chunks; break;
    case fault_kind::malformed_sse: s.fault_at = f.malformed_chunk; break;
    case fault_kind::error_event: s.fault_at = f.error_event_after_chunks; break;
    default: break;
  }
  const auto created = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
  std::string shown_id = s.t.empty_id ? std::string() : self->opts.personality == personality::sglang ? id.substr(id.find('-') + 1) : id;
  if (bad_utf8) {
    shown_id += invalid_utf8_bytes;
    s.trace.fault = s.trace.fault.empty() ? "invalid_utf8" : s.trace.fault + "+invalid_utf8";
  }
  s.envelope = R"({"id":")" + shown_id + R"(","object":")" +
               (chat ? (g.stream ? "chat.completion.chunk" : "chat.completion") : "text_completion") +
               R"(","created":)" + std::to_string(created) + R"(,"model":)" + self->model_json + ",";
  s.trace.id = std::move(id);
  s.trace.received = received;
  s.trace.endpoint = chat ? "chat" : "completions";
  s.trace.stream = g.stream;
  s.trace.prompt_tokens = g.prompt_tokens;
  s.trace.requested_tokens = g.max_tokens;
  if (self->opts.record_traces && g.stream)
    s.trace.chunks.reserve(static_cast<std::size_t>(std::min(g.max_tokens / s.tokens_per_chunk + 4, 4096)));

  const auto seq = self->model.submit(request_spec{g.prompt_tokens, g.max_tokens, g.ignore_eos});
  if (!seq) {  // parse_generation checked the limits; kept for safety
    s.recorded = true;
    auto op = write_simple(self, c, 400, error_body(400, "request does not fit the model"), keep_alive);
    const bool keep = co_await std::move(op);
    co_return keep;
  }
  s.seq = *seq;
  s.seq_live = true;
  self->streams.emplace(s.seq, &s);
  const stream_guard guard{self, &s};
  self->wake_engine();
  if (g.stream) format_stream_headers(s.pending, keep_alive, s.t.close_after_stream);

  auto op = pump(self, c, &s);
  const bool keep = co_await std::move(op);
  co_return keep && !self->stopping;
}

inline asio::awaitable<bool> handle_request(server_impl* self, connection* c, http::request<http::string_body> req,
                                            sim_clock::time_point received) {
  self->requests.fetch_add(1, std::memory_order_relaxed);
  const bool keep_alive = req.keep_alive();
  std::string_view target(req.target().data(), req.target().size());
  target = target.substr(0, target.find('?'));
  const bool completions = target == "/v1/completions";
  const bool chat = target == "/v1/chat/completions";
  const bool models = target == "/v1/models";
  const bool health = target == "/health";

  if (!self->opts.api_key.empty() && target.substr(0, 4) == "/v1/") {
    const auto auth = req[http::field::authorization];
    const std::string expected = "Bearer " + self->opts.api_key;
    if (std::string_view(auth.data(), auth.size()) != expected) {
      if (completions || chat) {
        request_trace t;
        t.received = received;
        t.endpoint = chat ? "chat" : "completions";
        t.http_status = 401;
        t.finished = sim_clock::now();
        t.complete = true;
        self->generation_requests.fetch_add(1, std::memory_order_relaxed);
        self->record(std::move(t));
      }
      auto op = write_simple(self, c, 401, error_body(401, "Incorrect API key provided."), keep_alive);
      const bool keep = co_await std::move(op);
      co_return keep;
    }
  }

  if ((completions || chat) && req.method() == http::verb::post) {
    auto op = handle_generation(self, c, chat, std::move(req), received);
    const bool keep = co_await std::move(op);
    co_return keep;
  }
  if (health && req.method() == http::verb::get) {
    auto op = write_simple(self, c, 200, std::string(), keep_alive);
    const bool keep = co_await std::move(op);
    co_return keep;
  }
  if (models && req.method() == http::verb::get) {
    std::string body = R"({"object":"list","data":[{"id":)" + self->model_json + R"(,"object":"model","created":0,"owned_by":"inferlens")";
    if (traits_of(self->opts.personality).models_max_len)
      body += R"(,"max_model_len":)" + std::to_string(self->opts.model.max_model_len_tokens);
    body += "}]}";
    auto op = write_simple(self, c, 200, body, keep_alive);
    const bool keep = co_await std::move(op);
    co_return keep;
  }
  const bool known = completions || chat || models || health;
  const int status = known ? 405 : 404;
  auto op = write_simple(self, c, status, error_body(status, known ? "method not allowed" : "not found"), keep_alive);
  const bool keep = co_await std::move(op);
  co_return keep;
}

/// Removes a connection from the registry however its coroutine ends.
struct connection_guard {
  server_impl* self;
  connection* c;
  connection_guard(server_impl* server, connection* conn) noexcept : self(server), c(conn) {}
  connection_guard(const connection_guard&) = delete;
  connection_guard& operator=(const connection_guard&) = delete;
  ~connection_guard() { self->open_connections.erase(c); }
};

inline asio::awaitable<void> serve_connection(server_impl* self, tcp::socket socket) {
  connection c(std::move(socket));
  self->open_connections.insert(&c);
  const connection_guard guard{self, &c};
  beast::error_code nb;
  c.socket.non_blocking(true, nb);  // responses are sent at once where the socket takes them (write_bytes)
  const auto after = [](double s) {
    return s > 0 ? sim_clock::now() + std::chrono::duration_cast<sim_clock::duration>(std::chrono::duration<double>(s))
                 : sim_clock::time_point::max();
  };
  for (;;) {
    if (c.buffer.size() == 0) {  // idle until the next request's first bytes
      c.state = connection::phase::idle;
      c.idle_since = sim_clock::now();
      c.deadline = after(self->opts.idle_timeout_s);
      auto first = c.socket.async_read_some(c.buffer.prepare(4096), asio::as_tuple(asio::use_awaitable));
      auto [first_ec, first_n] = co_await std::move(first);
      if (first_ec || first_n == 0 || self->stopping) break;
      c.buffer.commit(first_n);
    }
    c.state = connection::phase::reading;
    c.deadline = after(self->opts.header_timeout_s);
    http::request_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{64} << 20);
    parser.header_limit(64u << 10);
    auto read_header = http::async_read_header(c.socket, c.buffer, parser, asio::as_tuple(asio::use_awaitable));
    auto [header_ec, header_n] = co_await std::move(read_header);
    (void)header_n;
    beast::error_code ec = header_ec;
    if (!ec && beast::iequals(parser.get()[http::field::expect], "100-continue")) {
      // curl waits a second for this before sending bodies over 1 KiB
      auto go_on = asio::async_write(c.socket, asio::buffer(continue_response), asio::as_tuple(asio::use_awaitable));
      auto [continue_ec, continue_n] = co_await std::move(go_on);
      (void)continue_n;
      ec = continue_ec;
    }
    if (!ec && !parser.is_done()) {
      auto read_body = http::async_read(c.socket, c.buffer, parser, asio::as_tuple(asio::use_awaitable));
      auto [body_ec, body_n] = co_await std::move(read_body);
      (void)body_n;
      ec = body_ec;
    }
    const auto received = sim_clock::now();
    c.state = connection::phase::busy;
    c.deadline = sim_clock::time_point::max();
    if (self->stopping) co_return;
    if (ec) {
      const bool bad_request = &ec.category() == &http::make_error_code(http::error::bad_target).category() &&
                               ec != http::error::end_of_stream && ec != http::error::partial_message;
      if (bad_request) {
        auto reply = write_simple(self, &c, 400, error_body(400, "malformed HTTP request"), false);
        const bool ignored = co_await std::move(reply);
        (void)ignored;
      }
      break;
    }
    auto handle = handle_request(self, &c, parser.release(), received);
    const bool keep = co_await std::move(handle);
    if (!keep || self->stopping) break;
  }
  beast::error_code ignored;
  c.socket.shutdown(tcp::socket::shutdown_send, ignored);
  c.socket.close(ignored);
}

inline asio::awaitable<void> accept_loop(server_impl* self) {
  for (;;) {
    auto op = self->acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    auto [ec, socket] = co_await std::move(op);
    if (self->stopping || ec == asio::error::operation_aborted || !self->acceptor.is_open()) co_return;
    if (ec) {  // e.g. out of file descriptors: back off briefly
      asio::steady_timer pause(self->io, std::chrono::milliseconds(5));
      auto wait = pause.async_wait(asio::as_tuple(asio::use_awaitable));
      auto [wait_ec] = co_await std::move(wait);
      (void)wait_ec;
      continue;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (self->open_connections.size() >= self->opts.max_connections) {
      // at the cap: the longest-idle connection makes room, else the newcomer is turned away
      connection* oldest = nullptr;
      for (connection* c : self->open_connections)
        if (c->state == connection::phase::idle && (!oldest || c->idle_since < oldest->idle_since)) oldest = c;
      if (oldest) {
        oldest->socket.close(ignored);
        self->open_connections.erase(oldest);  // its coroutine ends on the next turn
        self->evicted.fetch_add(1, std::memory_order_relaxed);
      } else {
        std::string busy;
        format_response(busy, 503, "application/json", error_body(503, "too many connections"), false,
                        error_body(503, "too many connections").size());
        socket.non_blocking(true, ignored);
        socket.write_some(asio::buffer(busy), ignored);
        socket.close(ignored);
        self->refused.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
    }
    self->connections.fetch_add(1, std::memory_order_relaxed);
    asio::co_spawn(self->io, serve_connection(self, std::move(socket)), [self](std::exception_ptr e) {
      if (e) self->internal_errors.fetch_add(1, std::memory_order_relaxed);
    });
  }
}

/// Closes connections that overstayed the idle or header timeout.
inline asio::awaitable<void> sweep_connections(server_impl* self) {
  asio::steady_timer timer(self->io);
  self->sweeper_timer = &timer;
  double shortest = 1.0;
  for (double t : {self->opts.idle_timeout_s, self->opts.header_timeout_s})
    if (t > 0) shortest = std::min(shortest, t);
  const auto tick = std::chrono::duration_cast<sim_clock::duration>(std::chrono::duration<double>(std::clamp(shortest / 4, 0.01, 0.25)));
  while (!self->stopping) {
    timer.expires_after(tick);
    auto wait = timer.async_wait(asio::as_tuple(asio::use_awaitable));
    auto [ec] = co_await std::move(wait);
    (void)ec;
    if (self->stopping) break;
    const auto now = sim_clock::now();
    for (connection* c : self->open_connections)
      if (c->state != connection::phase::busy && now >= c->deadline) {
        beast::error_code ignored;
        c->socket.close(ignored);  // its read fails and its coroutine ends
        c->deadline = sim_clock::time_point::max();
        self->timed_out.fetch_add(1, std::memory_order_relaxed);
      }
  }
}

/// Steps the model and hands out its tokens at the wall time each step ends.
inline asio::awaitable<void> run_engine(server_impl* self) {
  asio::steady_timer timer(self->io);
  self->engine_timer = &timer;
  int steps_since_yield = 0;
  bool after_idle = true;  // the model clock may jump over idle time without losing anything
  for (;;) {
    if (self->stopping) co_return;
    const auto now = sim_clock::now();
    if (self->opts.time_scale > 0.0) {
      const double target = self->model_seconds(now);
      if (!after_idle && target > self->model.now())  // behind the wall: a late wake-up, or CPU-bound
        self->model_lost_s.store(self->model_lost_s.load(std::memory_order_relaxed) + (target - self->model.now()),
                                 std::memory_order_relaxed);
      self->model.advance_to(target);
    }
    after_idle = false;
    const step_result& r = self->model.step();
    if (!r.did_work()) {  // nothing runnable: sleep until a request arrives, ends, or resumes
      self->engine_idle = true;
      timer.expires_at(sim_clock::time_point::max());
      auto wait = timer.async_wait(asio::as_tuple(asio::use_awaitable));
      auto [ec] = co_await std::move(wait);
      (void)ec;
      self->engine_idle = false;
      steps_since_yield = 0;
      after_idle = true;
      continue;
    }
    self->model_run_s.store(self->model_run_s.load(std::memory_order_relaxed) + r.duration_s, std::memory_order_relaxed);
    const auto due = self->wall_time(r.end_s());
    if (due > sim_clock::now()) {
      timer.expires_at(due);
      auto wait = timer.async_wait(asio::as_tuple(asio::use_awaitable));
      auto [ec] = co_await std::move(wait);
      (void)ec;
      steps_since_yield = 0;
    } else if (++steps_since_yield >= self->opts.max_steps_without_yield) {
      auto ex = co_await asio::this_coro::executor;
      auto yield = asio::post(ex, asio::use_awaitable);
      co_await std::move(yield);
      steps_since_yield = 0;
    }
    if (self->stopping) co_return;
    self->deliver(r);
  }
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace detail

/// The simulated OpenAI-compatible server. Binds in the constructor (so port() is known at once),
/// serves on one background thread after start(). Not restartable: start() once.
class server {
 public:
  explicit server(server_options options) : impl_(std::make_unique<detail::server_impl>(std::move(options))) {}
  ~server() { stop(); }
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// The bound port (the ephemeral one when options.port was 0).
  std::uint16_t port() const noexcept { return impl_->port; }
  /// "http://host:port" for clients: the bound address (IPv6 in brackets; a wildcard bind as
  /// the loopback address of its family).
  std::string base_url() const {
    auto a = impl_->address;
    if (a.is_unspecified()) a = a.is_v6() ? detail::asio::ip::address(detail::asio::ip::address_v6::loopback())
                                          : detail::asio::ip::address(detail::asio::ip::address_v4::loopback());
    const std::string host = a.is_v6() ? "[" + a.to_string() + "]" : a.to_string();
    return "http://" + host + ":" + std::to_string(impl_->port);
  }
  /// The address it listens on.
  std::string address() const { return impl_->address.to_string(); }
  /// Only this machine can reach it.
  bool loopback_only() const { return impl_->address.is_loopback(); }
  const server_options& options() const noexcept { return impl_->opts; }

  /// Starts the accept loop and the engine on a background thread.
  void start() {
    detail::server_impl& s = *impl_;
    if (s.started) throw std::logic_error("sim::server::start: already started");
    s.started = true;
    s.origin = detail::sim_clock::now();
    const auto on_error = [p = impl_.get()](std::exception_ptr e) {
      if (e) p->internal_errors.fetch_add(1, std::memory_order_relaxed);
    };
    detail::asio::co_spawn(s.io, detail::accept_loop(&s), on_error);
    detail::asio::co_spawn(s.io, detail::run_engine(&s), on_error);
    detail::asio::co_spawn(s.io, detail::sweep_connections(&s), on_error);
    s.thread = std::thread([p = impl_.get()] {
      try {
        p->io.run();
      } catch (...) {
        p->internal_errors.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }

  /// Closes the listener and every connection, then joins the thread. Idempotent.
  void stop() {
    detail::server_impl& s = *impl_;
    if (s.thread.joinable()) {
      detail::asio::post(s.io, [p = impl_.get()] {
        p->stopping = true;
        detail::beast::error_code ignored;
        p->acceptor.close(ignored);
        if (p->sweeper_timer) p->sweeper_timer->cancel();
        for (detail::connection* c : p->open_connections) c->socket.close(ignored);
        p->io.stop();
      });
      s.thread.join();
    }
    s.stopping = true;
    detail::beast::error_code ignored;
    s.acceptor.close(ignored);
  }

  /// Traces of the generation requests finished so far (a copy; thread-safe).
  std::vector<request_trace> traces() const {
    const std::lock_guard lock(impl_->trace_mutex);
    return impl_->trace_store;
  }
  void clear_traces() {
    const std::lock_guard lock(impl_->trace_mutex);
    impl_->trace_store.clear();
  }

  server_counters counters() const noexcept {
    const detail::server_impl& s = *impl_;
    constexpr auto relaxed = std::memory_order_relaxed;
    server_counters c;
    c.connections = s.connections.load(relaxed);
    c.requests = s.requests.load(relaxed);
    c.generation_requests = s.generation_requests.load(relaxed);
    c.completed = s.completed.load(relaxed);
    c.tokens = s.tokens.load(relaxed);
    c.faults = s.faults.load(relaxed);
    c.internal_errors = s.internal_errors.load(relaxed);
    c.timed_out = s.timed_out.load(relaxed);
    c.refused = s.refused.load(relaxed);
    c.evicted = s.evicted.load(relaxed);
    c.model_run_s = s.model_run_s.load(relaxed);
    c.model_lost_s = s.model_lost_s.load(relaxed);
    return c;
  }

 private:
  std::unique_ptr<detail::server_impl> impl_;
};

}  // namespace sim
INFERLENS_END_NAMESPACE
