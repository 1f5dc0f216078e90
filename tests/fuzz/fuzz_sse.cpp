// Fuzzes the Server-Sent Events parser and the OpenAI chunk scanner (loadgen/sse.hpp).
// Properties:
//  - the bytes fed whole, in two pieces split where the first byte says, in 3-byte pieces and
//    byte by byte give the same events (type, data, id), comment count and partial state;
//  - the chunk scanner, on every event's data and on the bytes themselves, never reads out of
//    bounds, gives the same answer twice, and agrees with a full JSON parser (nlohmann) on what a
//    valid document says: a valid object is never "malformed"; "choices" non-empty; usage counts.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <inferlens/loadgen/sse.hpp>

#include "fuzz.hpp"

namespace {

using namespace inferlens::loadgen;

struct trace {
  std::vector<std::string> events;  // "type\x01data\x01id"
  std::size_t comments = 0;
  bool partial = false, ok = true;
  bool operator==(const trace&) const = default;
};

trace feed_in_pieces(std::string_view bytes, std::size_t piece) {
  sse_parser p;
  trace t;
  for (std::size_t at = 0; at < bytes.size() && t.ok; at += piece)
    t.ok = p.feed(bytes.substr(at, piece), [&](const sse_event& e) {
      std::string s(e.type);
      s += '\x01';
      s += e.data;
      s += '\x01';
      s += e.id;
      t.events.push_back(std::move(s));
    });
  t.comments = p.comments();
  t.partial = p.has_partial();
  fuzz::check(p.events() == t.events.size(), "events() counts the events dispatched");
  return t;
}

std::string describe(const chunk_info& c) {
  std::string s = std::to_string(static_cast<int>(c.what)) + (c.has_choices ? "c" : "-") + (c.has_content ? "t" : "-") +
                  (c.finished ? "f" : "-") + (c.is_error ? "e" : "-") + (c.has_usage ? "u" : "-");
  s += c.prompt_tokens ? std::to_string(*c.prompt_tokens) : "?";
  s += '/';
  s += c.completion_tokens ? std::to_string(*c.completion_tokens) : "?";
  s += c.predicted_n ? std::to_string(*c.predicted_n) : "?";
  s += '|';
  s += c.id;
  s += '|';
  s += c.finish_reason;
  s += '|';
  s += c.timings;
  s += '|';
  s += c.error_message;
  return s;
}

bool within(std::string_view outer, std::string_view inner) {
  return inner.empty() || (inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size());
}

void scan(std::string_view data) {
  const chunk_info a = scan_openai_chunk(data);
  fuzz::check(describe(a) == describe(scan_openai_chunk(data)), "the chunk scanner is deterministic");
  for (std::string_view v : {a.id, a.finish_reason, a.timings, a.error_message})
    fuzz::check(within(data, v), "the chunk scanner's views lie in its input");
  std::size_t nesting = 0;
  for (const char c : data) nesting += c == '[' || c == '{';
  // beyond the scanner's depth limit; nlohmann reads a NUL byte as the end of its input and
  // skips a byte order mark, which no chunk has (the SSE parser drops one at the stream's start)
  if (nesting > 200 || data.find('\0') != std::string_view::npos || data.substr(0, 3) == "\xEF\xBB\xBF") return;
  const nlohmann::json j = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return;
  fuzz::check(a.what == chunk_info::kind::json, "a valid JSON object is not malformed", std::string(data));
  if (const auto c = j.find("choices"); c != j.end() && c->is_array())
    fuzz::check(a.has_choices == !c->empty(), "has_choices is a non-empty choices array", std::string(data));
  if (const auto u = j.find("usage"); u != j.end() && u->is_object()) {
    fuzz::check(a.has_usage, "an object usage is seen", std::string(data));
    if (const auto pt = u->find("prompt_tokens"); pt != u->end() && pt->is_number_integer() && !pt->is_number_unsigned())
      fuzz::check(!a.prompt_tokens || *a.prompt_tokens == pt->get<std::int64_t>(), "prompt_tokens as written", std::string(data));
    if (const auto pt = u->find("prompt_tokens"); pt != u->end() && pt->is_number_unsigned() && pt->get<std::uint64_t>() < (1ull << 62))
      fuzz::check(a.prompt_tokens && *a.prompt_tokens == pt->get<std::int64_t>(), "prompt_tokens as written", std::string(data));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > (std::size_t{1} << 16)) return -1;
  const std::string_view bytes = fuzz::text(data, size);
  const trace whole = feed_in_pieces(bytes, bytes.size() + 1);
  const std::size_t split = size ? 1 + data[0] % size : 1;
  for (const std::size_t piece : {split, std::size_t{3}, std::size_t{1}})
    fuzz::check(feed_in_pieces(bytes, piece) == whole, "SSE in pieces gives the events of SSE whole", "piece " + std::to_string(piece));
  scan(bytes);
  for (const std::string& e : whole.events) scan(std::string_view(e).substr(e.find('\x01') + 1, e.rfind('\x01') - e.find('\x01') - 1));
  return 0;
}
