// Incremental Server-Sent Events parser (WHATWG "event stream" rules) and a fast scanner for the
// JSON chunks of OpenAI-compatible streams. No Boost, no allocation per event in steady state.
//
// The parser takes transport bytes exactly as they arrive: events split across reads, many events
// in one read, LF / CRLF / CR line ends, "data:" with or without the space, multi-line data,
// comment keep-alives (":"), "event:" and "id:" fields. Raw fragments are never trimmed (a
// stripped fragment corrupts data split mid-field, vLLM #51172).
#pragma once

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

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

// A tiny forward-only JSON reader: enough to find a handful of keys and skip everything else.
class json_scanner {
 public:
  explicit json_scanner(std::string_view s) noexcept : s_(s) {}

  bool ok() const noexcept { return ok_; }
  /// Skips one value and returns its text as written.
  std::string_view raw_value() {
    ws();
    const std::size_t start = p_;
    skip();
    return ok_ ? s_.substr(start, p_ - start) : std::string_view{};
  }
  bool at_end() noexcept {
    ws();
    return p_ == s_.size();
  }
  void fail() noexcept { ok_ = false; }

  void ws() noexcept {
    while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\t' || s_[p_] == '\n' || s_[p_] == '\r')) ++p_;
  }
  bool peek(char c) noexcept {
    ws();
    return p_ < s_.size() && s_[p_] == c;
  }
  bool eat(char c) noexcept {
    if (!peek(c)) return false;
    ++p_;
    return true;
  }
  bool expect(char c) noexcept {
    if (eat(c)) return true;
    ok_ = false;
    return false;
  }

  // A string's raw contents (between the quotes, escapes left as written).
  std::string_view string() noexcept {
    if (!expect('"')) return {};
    const std::size_t start = p_;
    // the common case, no escape before the closing quote: two memchr calls
    if (const void* q = std::memchr(s_.data() + p_, '"', s_.size() - p_)) {
      const std::size_t end = static_cast<std::size_t>(static_cast<const char*>(q) - s_.data());
      if (!std::memchr(s_.data() + p_, '\\', end - p_)) {
        p_ = end + 1;
        return s_.substr(start, end - start);
      }
    }
    while (p_ < s_.size()) {
      const char c = s_[p_];
      if (c == '"') return s_.substr(start, p_++ - start);
      if (c == '\\') ++p_;
      else if (static_cast<unsigned char>(c) < 0x20) break;
      ++p_;
    }
    ok_ = false;
    return {};
  }

  bool null() noexcept {
    ws();
    if (s_.substr(p_, 4) == "null") {
      p_ += 4;
      return true;
    }
    return false;
  }

  std::optional<std::int64_t> integer() noexcept {
    ws();
    std::size_t q = p_;
    bool neg = false;
    if (q < s_.size() && s_[q] == '-') {
      neg = true;
      ++q;
    }
    if (q >= s_.size() || s_[q] < '0' || s_[q] > '9') {
      skip();
      return std::nullopt;
    }
    std::int64_t v = 0;
    while (q < s_.size() && s_[q] >= '0' && s_[q] <= '9') {
      if (v > (INT64_MAX - 9) / 10) {  // beyond 64 bits: valid JSON, but no count
        skip();
        return std::nullopt;
      }
      v = v * 10 + (s_[q++] - '0');
    }
    if (q < s_.size() && (s_[q] == '.' || s_[q] == 'e' || s_[q] == 'E')) {  // 12.0 and the like
      skip();
      return std::nullopt;
    }
    p_ = q;
    return neg ? -v : v;
  }

  // Object members: call `on_member(key)` with the scanner positioned on the value; the callback
  // must consume the value (or call skip()).
  template <class F>
  void object(F&& on_member) {
    if (!expect('{')) return;
    if (eat('}')) return;
    do {
      const std::string_view key = string();
      if (!ok_ || !expect(':')) return;
      on_member(key);
      if (!ok_) return;
    } while (eat(','));
    expect('}');
  }

  // Array elements: `on_element()` consumes one value. Returns the element count.
  template <class F>
  std::size_t array(F&& on_element) {
    if (!expect('[')) return 0;
    if (eat(']')) return 0;
    std::size_t n = 0;
    do {
      on_element();
      ++n;
      if (!ok_) return n;
    } while (eat(','));
    expect(']');
    return n;
  }

  // Skip any value.
  void skip(int depth = 0) {
    ws();
    if (p_ >= s_.size() || depth > 256) {
      ok_ = false;
      return;
    }
    const char c = s_[p_];
    if (c == '"') {
      string();
    } else if (c == '{') {
      object([&](std::string_view) { skip(depth + 1); });
    } else if (c == '[') {
      array([&] { skip(depth + 1); });
    } else {
      const std::size_t start = p_;
      const auto token_char = [](char ch) noexcept {
        return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '-' || ch == '+' ||
               ch == '.';
      };
      while (p_ < s_.size() && token_char(s_[p_])) ++p_;
      const std::string_view tok = s_.substr(start, p_ - start);
      if (tok.empty()) ok_ = false;
      else if (std::isalpha(static_cast<unsigned char>(tok[0])) && tok != "true" && tok != "false" && tok != "null")
        ok_ = false;
    }
  }

  // True when the value is a non-empty string or a non-empty array/object; consumes it.
  bool non_empty_value() {
    ws();
    if (p_ >= s_.size()) {
      ok_ = false;
      return false;
    }
    const char c = s_[p_];
    if (c == '"') return !string().empty();
    if (c == '[') return array([&] { skip(1); }) > 0;
    if (c == '{') {
      std::size_t members = 0;
      object([&](std::string_view) {
        ++members;
        skip(1);
      });
      return members > 0;
    }
    skip();
    return false;  // null, numbers, booleans carry no content
  }

 private:
  std::string_view s_;
  std::size_t p_ = 0;
  bool ok_ = true;
};

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
  chunk_info info;
  const std::string_view body = detail::trim_ascii(data);
  if (body == "[DONE]") {
    info.what = chunk_info::kind::done;
    return info;
  }
  detail::json_scanner js(body);
  auto read_usage = [&] {
    if (js.null()) return;
    if (!js.peek('{')) {
      js.skip();
      return;
    }
    info.has_usage = true;
    js.object([&](std::string_view k) {
      if (k == "prompt_tokens") info.prompt_tokens = js.integer();
      else if (k == "completion_tokens") info.completion_tokens = js.integer();
      else js.skip();
    });
  };
  auto read_timings = [&] {
    if (!js.peek('{')) {
      js.skip();
      return;
    }
    info.timings = js.raw_value();
    detail::json_scanner t(info.timings);
    t.object([&](std::string_view k) {
      if (k == "predicted_n") info.predicted_n = t.integer();
      else t.skip();
    });
  };
  auto read_delta = [&] {
    if (!js.peek('{')) {
      js.skip();
      return;
    }
    js.object([&](std::string_view k) {
      if (k == "content" || k == "reasoning_content" || k == "reasoning" || k == "tool_calls") {
        if (js.non_empty_value()) info.has_content = true;
      } else {
        js.skip();
      }
    });
  };
  auto read_choice = [&] {
    if (!js.peek('{')) {
      js.skip();
      return;
    }
    js.object([&](std::string_view k) {
      if (k == "text") {
        if (js.non_empty_value()) info.has_content = true;
      } else if (k == "delta" || k == "message") {
        read_delta();
      } else if (k == "finish_reason") {
        if (!js.null()) {
          if (js.peek('"')) {
            const std::string_view reason = js.string();
            if (info.finish_reason.empty()) info.finish_reason = reason;
          } else {
            js.skip();
          }
          info.finished = true;
        }
      } else {
        js.skip();
      }
    });
  };
  auto read_error = [&] {
    info.is_error = true;
    if (js.peek('"')) {
      info.error_message = js.string();
    } else if (js.peek('{')) {
      js.object([&](std::string_view k) {
        if (k == "message" && js.peek('"')) info.error_message = js.string();
        else js.skip();
      });
    } else {
      js.skip();
    }
  };
  std::string_view top_message;
  if (!js.peek('{')) {
    info.what = chunk_info::kind::malformed;
    return info;
  }
  js.object([&](std::string_view k) {
    if (k == "choices") {
      if (js.null()) return;
      if (!js.peek('[')) {
        js.skip();
        return;
      }
      info.has_choices = js.array(read_choice) > 0;
    } else if (k == "usage") {
      read_usage();
    } else if (k == "timings") {
      read_timings();
    } else if (k == "id") {
      if (js.peek('"')) info.id = js.string();
      else js.skip();
    } else if (k == "error") {
      if (js.null()) return;
      read_error();
    } else if (k == "object") {
      if (!js.peek('"')) js.skip();
      else if (js.string() == "error") info.is_error = true;
    } else if (k == "message") {
      if (js.peek('"')) top_message = js.string();
      else js.skip();
    } else {
      js.skip();
    }
  });
  if (!js.ok() || !js.at_end()) {
    info = chunk_info{};
    info.what = chunk_info::kind::malformed;
    return info;
  }
  if (info.is_error && info.error_message.empty()) info.error_message = top_message;
  return info;
}

}  // namespace loadgen
INFERLENS_END_NAMESPACE
