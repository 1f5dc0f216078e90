// Incremental Server-Sent Events parser (WHATWG "event stream" rules) and a fast scanner for the
// JSON chunks of OpenAI-compatible streams. No Boost, no allocation per event in steady state.
//
// The parser takes transport bytes exactly as they arrive: events split across reads, many events
// in one read, LF / CRLF / CR line ends, "data:" with or without the space, multi-line data,
// comment keep-alives (":"), "event:" and "id:" fields. Raw fragments are never trimmed (a
// stripped fragment corrupts data split mid-field, vLLM #51172).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "inferlens/detail/json.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace loadgen {

/// One dispatched event. Views stay valid until the next call to feed().
struct sse_event {
  std::string_view type;  ///< "event:" field; empty means the default "message"
  std::string_view data;  ///< the "data:" lines joined with '\n'
  std::string_view id;    ///< last "id:" field seen (persists across events, as the spec says)
};

/// Splits a byte stream into events. Feed it every body fragment in order.
class sse_parser {
 public:
  /// Lines, and events' data, longer than this are an error (a runaway stream), not a reason to
  /// grow without bound.
  static constexpr std::size_t max_line_bytes = std::size_t{64} << 20;

  /// Parse `bytes`; call `on_event(const sse_event&)` for every completed event. Returns false
  /// (and stops) once a line or an event's data exceeds max_line_bytes.
  template <class OnEvent>
  bool feed(std::string_view bytes, OnEvent&& on_event) {
    std::size_t i = 0;
    const std::size_t n = bytes.size();
    if (skip_lf_ && n > 0) {  // CR ended the previous fragment: a following LF belongs to it
      skip_lf_ = false;
      if (bytes[0] == '\n') i = 1;
    }
    while (i < n) {
      // find the end of the line: the first LF, unless a CR comes before it (memchr twice)
      const char* lf = static_cast<const char*>(std::memchr(bytes.data() + i, '\n', n - i));
      const std::size_t lf_at = lf ? static_cast<std::size_t>(lf - bytes.data()) : n;
      const char* cr_at = static_cast<const char*>(std::memchr(bytes.data() + i, '\r', lf_at - i));
      const std::size_t j = cr_at ? static_cast<std::size_t>(cr_at - bytes.data()) : lf_at;
      if (j == n) {  // partial line: keep it for the next fragment
        if (line_.size() + (n - i) > max_line_bytes) return overflow();
        line_.append(bytes.data() + i, n - i);
        break;
      }
      std::string_view line;
      if (line_.empty()) {
        line = bytes.substr(i, j - i);
      } else {
        if (line_.size() + (j - i) > max_line_bytes) return overflow();
        line_.append(bytes.data() + i, j - i);
        line = line_;
      }
      const bool cr = bytes[j] == '\r';
      i = j + 1;
      if (cr) {
        if (i < n) {
          if (bytes[i] == '\n') ++i;
        } else {
          skip_lf_ = true;
        }
      }
      process_line(line, on_event);
      line_.clear();
      if (overflowed_) return false;
    }
    return !overflowed_;
  }

  /// True when bytes of an unfinished event are pending (a stream that ends here was cut).
  bool has_partial() const noexcept { return !line_.empty() || has_fields_; }
  /// Comment lines (":" keep-alives) seen so far.
  std::size_t comments() const noexcept { return comments_; }
  /// Events dispatched so far.
  std::size_t events() const noexcept { return events_; }
  bool overflowed() const noexcept { return overflowed_; }

  void reset() {
    line_.clear();
    data_.clear();
    type_.clear();
    id_.clear();
    skip_lf_ = bom_checked_ = has_fields_ = overflowed_ = false;
    comments_ = events_ = 0;
  }

 private:
  bool overflow() {
    overflowed_ = true;
    return false;
  }

  template <class OnEvent>
  void process_line(std::string_view line, OnEvent& on_event) {
    if (!bom_checked_) {  // a UTF-8 byte order mark may open the stream
      bom_checked_ = true;
      if (line.size() >= 3 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    }
    if (line.empty()) {  // blank line: dispatch
      if (!data_.empty()) {
        data_.pop_back();  // the '\n' after the last data line
        ++events_;
        on_event(sse_event{type_, data_, id_});
      }
      data_.clear();
      type_.clear();
      has_fields_ = false;
      return;
    }
    if (line[0] == ':') {
      ++comments_;
      return;
    }
    const std::size_t colon = line.find(':');
    std::string_view field = line.substr(0, colon);
    std::string_view value;
    if (colon != std::string_view::npos) {
      value = line.substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
    }
    has_fields_ = true;
    if (field == "data") {
      if (data_.size() + value.size() + 1 > max_line_bytes) {  // an event that never ends, line by line
        overflowed_ = true;
        return;
      }
      data_.append(value);
      data_.push_back('\n');
    } else if (field == "event") {
      type_.assign(value);
    } else if (field == "id") {
      if (value.find('\0') == std::string_view::npos) id_.assign(value);
    }
    // "retry" and unknown fields are ignored
  }

  std::string line_, data_, type_, id_;
  bool skip_lf_ = false, bom_checked_ = false, has_fields_ = false, overflowed_ = false;
  std::size_t comments_ = 0, events_ = 0;
};

// ---------------------------------------------------------------------------------------------
// OpenAI stream chunks
// ---------------------------------------------------------------------------------------------

/// What one `data:` payload of an OpenAI-compatible stream says, read without building a DOM.
struct chunk_info {
  enum class kind { json, done, malformed };
  kind what = kind::json;
  bool has_choices = false;   ///< "choices" is a non-empty array
  bool has_content = false;   ///< non-empty text, delta.content, reasoning(_content) or tool_calls
  bool finished = false;      ///< some choice has a non-null finish_reason
  bool is_error = false;      ///< an "error" member, or "object": "error"
  bool has_usage = false;     ///< "usage" is an object (wherever it is: usage chunk, finish chunk, every chunk)
  std::optional<std::int64_t> prompt_tokens, completion_tokens;  ///< from "usage" when it is an object
  std::optional<std::int64_t> predicted_n;  ///< llama.cpp "timings.predicted_n": its own output count
  std::string_view id;             ///< "id" as written (escapes not decoded)
  std::string_view finish_reason;  ///< the (first) non-null finish_reason when it is a string, as written
  std::string_view timings;        ///< llama.cpp's "timings" object, its JSON text as written
  std::string_view error_message;  ///< "error.message", "error" (a string) or top-level "message"
};

namespace detail {

inline std::string_view trim_ascii(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

}  // namespace detail

/// Read one `data:` payload of a /v1/completions or /v1/chat/completions stream.
/// Content means a non-empty completions `text`, or in a chat `delta` a non-empty `content`,
/// `reasoning_content`, `reasoning` or `tool_calls` — never the role prelude, an empty finish
/// chunk or the usage chunk.
inline chunk_info scan_openai_chunk(std::string_view data) {
  namespace json = ::inferlens::detail;  // the library's scanner, strings as sent
  using json::for_each_element, json::for_each_key, json::for_each_member;
  chunk_info info;
  const std::string_view body = detail::trim_ascii(data);
  if (body == "[DONE]") {
    info.what = chunk_info::kind::done;
    return info;
  }
  json::json_scanner js(body, 0, json::utf8_policy::unchecked);
  std::string scratch;
  const auto at = [&](char c) { return js.peek() == c; };
  const auto integer = [&](json::json_scanner& in) -> std::optional<std::int64_t> {
    const json::json_value v = in.value(scratch);  // 12.0 or beyond 64 bits: no count
    if (v.type == json::json_value::kind::integer) return v.integer;
    return std::nullopt;
  };
  const auto text = [&]() -> std::string_view {
    if (at('"')) return js.raw_string();
    js.skip_value();
    return {};
  };
  // a non-empty string, array or object (null, numbers and booleans carry no content)
  const auto non_empty = [&] {
    if (at('"')) return !js.raw_string().empty();
    if (at('[')) return for_each_element(js, [&] { js.skip_value(); }) > 0;
    if (at('{')) {
      std::size_t members = 0;
      for_each_key(js, [&](std::string_view) { ++members; });
      return members > 0;
    }
    js.skip_value();
    return false;
  };
  const auto read_usage = [&] {
    info.has_usage = true;
    for_each_member(js, [&](std::string_view k) {
      if (k == "prompt_tokens") info.prompt_tokens = integer(js);
      else if (k == "completion_tokens") info.completion_tokens = integer(js);
      else js.skip_value();
    });
  };
  const auto read_timings = [&] {
    info.timings = js.raw_value();
    json::json_scanner t(info.timings, 0, json::utf8_policy::unchecked);
    for_each_member(t, [&](std::string_view k) {
      if (k == "predicted_n") info.predicted_n = integer(t);
      else t.skip_value();
    });
  };
  const auto read_delta = [&] {
    for_each_member(js, [&](std::string_view k) {
      if (k == "content" || k == "reasoning_content" || k == "reasoning" || k == "tool_calls") info.has_content |= non_empty();
      else js.skip_value();
    });
  };
  const auto read_choice = [&] {
    if (!at('{')) return js.skip_value();
    for_each_member(js, [&](std::string_view k) {
      if (k == "text") {
        info.has_content |= non_empty();
      } else if ((k == "delta" || k == "message") && at('{')) {
        read_delta();
      } else if (k == "finish_reason" && !at('n')) {
        const std::string_view reason = text();
        if (info.finish_reason.empty()) info.finish_reason = reason;
        info.finished = true;
      } else {
        js.skip_value();
      }
    });
  };
  const auto read_error = [&] {
    info.is_error = true;
    if (!at('{')) return void(info.error_message = text());
    for_each_member(js, [&](std::string_view k) {
      if (k == "message") info.error_message = text();
      else js.skip_value();
    });
  };
  std::string_view top_message;
  try {
    for_each_member(js, [&](std::string_view k) {
      if (k == "choices" && at('[')) info.has_choices = for_each_element(js, read_choice) > 0;
      else if (k == "usage" && at('{')) read_usage();
      else if (k == "timings" && at('{')) read_timings();
      else if (k == "id") info.id = text();
      else if (k == "error" && !at('n')) read_error();
      else if (k == "object") info.is_error |= text() == "error";
      else if (k == "message") top_message = text();
      else js.skip_value();
    });
    if (!js.at_end()) js.fail("unexpected content after the chunk");
  } catch (const json::json_syntax_error&) {
    info = chunk_info{};
    info.what = chunk_info::kind::malformed;
    return info;
  }
  if (info.is_error && info.error_message.empty()) info.error_message = top_message;
  return info;
}

}  // namespace loadgen
INFERLENS_END_NAMESPACE
