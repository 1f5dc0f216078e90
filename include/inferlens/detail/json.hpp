// The library's JSON reader: a scanner that streams values without building a tree (the result
// readers read rows straight into points with it), a small tree for the nested formats (AIPerf,
// GuideLLM, presets), and the writer's string escaping.
//
// Why not nlohmann::json: Python's json module writes NaN and Infinity as bare words (SGLang's
// default request_rate = inf comes out as `Infinity`), which strict parsers reject; a number that
// overflows a double must be an error that names the field, not a library exception; text must be
// valid UTF-8 so that every output can be written; and the analytics core compiles without it.
#pragma once

#include <bit>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inferlens/detail/text.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace detail {

/// Malformed JSON: where (0-based byte offset) and what was expected.
struct json_syntax_error {
  std::size_t byte;
  std::string message;
};

/// One JSON value as the scanner read it. Objects and arrays are only named (and skipped).
struct json_value {
  enum class kind : unsigned char { null, boolean, integer, real, string, object, array };
  kind type = kind::null;
  bool boolean = false;
  std::int64_t integer = 0;
  double real = 0;
  bool overflow = false;  ///< a number too large for a double (real is then ±inf): an error where it is used
  std::string_view text;  ///< the string's decoded value, or the number's spelling
};

INFERLENS_LAZY std::string_view kind_name(json_value::kind k) noexcept {
  switch (k) {
    case json_value::kind::null: return "null";
    case json_value::kind::boolean: return "a boolean";
    case json_value::kind::integer:
    case json_value::kind::real: return "a number";
    case json_value::kind::string: return "a string";
    case json_value::kind::object: return "an object";
    case json_value::kind::array: return "an array";
  }
  return "a value";
}

/// Whether the raw bytes of strings must be valid UTF-8: the result readers check them (what they
/// read must be writable); a stream's chunks are read as sent (the load generator flags bad bytes
/// where it stores them, and still counts the token).
enum class utf8_policy : unsigned char { checked, unchecked };

class json_scanner {
 public:
  static constexpr int max_depth = 256;  // deeper nesting is refused, never a stack overflow

  explicit json_scanner(std::string_view text, std::size_t pos = 0, utf8_policy utf8 = utf8_policy::checked) noexcept
      : text_(text), pos_(pos), utf8_(utf8) {}

  INFERLENS_LAZY std::size_t pos() const noexcept { return pos_; }
  INFERLENS_LAZY std::string_view text() const noexcept { return text_; }

  /// The next character after white space, or '\0' at the end.
  INFERLENS_LAZY char peek() noexcept {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  INFERLENS_LAZY bool at_end() noexcept {
    peek();
    return pos_ >= text_.size();
  }
  INFERLENS_LAZY bool consume(char c) noexcept {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  INFERLENS_LAZY void expect(char c, std::string_view context) {
    if (!consume(c)) fail(std::string("expected '") + c + "' " + std::string(context) + ", got " + here());
  }

  /// Reads a string at the current position; the view points into the text, or into `scratch`
  /// when the string had escapes. Raw bytes must be valid UTF-8.
  INFERLENS_LAZY std::string_view string(std::string& scratch) {
    if (peek() != '"') fail("expected a string, got " + here());
    const std::size_t open = pos_++;
    std::size_t run = pos_;
    bool copied = false;
    for (;;) {
      pos_ = plain_run_end(pos_);
      if (pos_ >= text_.size()) fail_at(open, "unterminated string (the closing quote is missing)");
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        std::string_view out = text_.substr(run, pos_ - run);
        ++pos_;
        if (!copied) return out;
        scratch += out;
        return scratch;
      }
      if (c < 0x20) fail("a control character inside a string (escape it)");
      if (c == '\\') {
        if (!copied) scratch.clear();
        copied = true;
        scratch += text_.substr(run, pos_ - run);
        escape(scratch);
        run = pos_;
        continue;
      }
      if (c >= 0x80) {  // (plain_run_end stops on one only when UTF-8 is checked)
        skip_utf8_sequence();
        continue;
      }
      ++pos_;
    }
  }

  /// A string's contents as written, escapes left undecoded: a view into the text, never a copy.
  INFERLENS_LAZY std::string_view raw_string() {
    if (peek() != '"') fail("expected a string, got " + here());
    const std::size_t open = pos_++, begin = pos_;
    for (;;) {
      pos_ = plain_run_end(pos_);
      if (pos_ >= text_.size()) fail_at(open, "unterminated string (the closing quote is missing)");
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') return text_.substr(begin, pos_++ - begin);
      if (c < 0x20) fail("a control character inside a string (escape it)");
      if (c >= 0x80) skip_utf8_sequence();
      else pos_ += c == '\\' ? 2 : 1;
    }
  }

  /// Skips one value and returns its text as written.
  INFERLENS_LAZY std::string_view raw_value() {
    peek();  // past white space
    const std::size_t begin = pos_;
    skip_value();
    return text_.substr(begin, pos_ - begin);
  }

  /// Reads any value. Objects and arrays are skipped and reported by kind only.
  INFERLENS_LAZY json_value value(std::string& scratch, int depth = 0) {
    json_value v;
    switch (peek()) {
      case '"':
        v.type = json_value::kind::string;
        v.text = string(scratch);
        return v;
      case '{': v.type = json_value::kind::object; skip_value(depth); return v;
      case '[': v.type = json_value::kind::array; skip_value(depth); return v;
      case 't': word("true"); v.type = json_value::kind::boolean; v.boolean = true; return v;
      case 'f': word("false"); v.type = json_value::kind::boolean; return v;
      case 'n': word("null"); return v;
      case '\0':
        if (at_end()) fail("expected a value, got the end of the input");
        break;
      default: break;
    }
    return number();
  }

  /// Skips one value of any kind, checking its syntax.
  INFERLENS_LAZY void skip_value(int depth = 0) {
    if (depth > max_depth) fail("values nested deeper than " + std::to_string(max_depth) + " levels");
    const char c = peek();
    if (c == '{') {
      ++pos_;
      if (consume('}')) return;
      do {
        skip_string();
        expect(':', "after an object key");
        skip_value(depth + 1);
      } while (consume(','));
      expect('}', "or ',' after an object member");
    } else if (c == '"') {
      skip_string();
    } else if (c == '[') {
      ++pos_;
      if (consume(']')) return;
      do skip_value(depth + 1);
      while (consume(','));
      expect(']', "or ',' after an array element");
    } else if (c == '-' ? text_.substr(pos_, 9) != "-Infinity" : is_digit(c)) {
      number_syntax();  // only checked: a skipped number is never converted
    } else {
      value(skip_scratch_, depth);
    }
  }

  /// What is at the current position, for messages.
  INFERLENS_LAZY std::string here() {
    if (at_end()) return "the end of the input";
    const auto c = static_cast<unsigned char>(text_[pos_]);
    if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
    const char* hex = "0123456789abcdef";
    return std::string("byte 0x") + hex[c >> 4] + hex[c & 15];
  }

  INFERLENS_LAZY [[noreturn]] void fail(std::string message) const { throw json_syntax_error{pos_, std::move(message)}; }
  INFERLENS_LAZY [[noreturn]] static void fail_at(std::size_t at, std::string message) {
    throw json_syntax_error{at, std::move(message)};
  }

 private:
  INFERLENS_LAZY static bool is_space(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

  INFERLENS_LAZY void skip_utf8_sequence() {
    const std::size_t n = utf8_sequence(text_, pos_);
    if (n == 0) fail("invalid UTF-8 inside a string");
    pos_ += n;
  }

  // Strings as sent are only delimited; checked ones are decoded too (their escapes checked).
  INFERLENS_LAZY void skip_string() {
    if (utf8_ == utf8_policy::unchecked) raw_string();
    else string(skip_scratch_);
  }

  // The first byte from `pos` on that a string cannot simply hold: a quote, a backslash, a control
  // character or, when UTF-8 is checked, a non-ASCII byte; the text's end if none. Eight bytes at
  // a time (the lowest flagged byte is always a true hit: borrows only run upwards).
  INFERLENS_LAZY std::size_t plain_run_end(std::size_t pos) const noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    const bool stop_high = utf8_ == utf8_policy::checked;
    if constexpr (std::endian::native == std::endian::little) {
      for (; pos + 8 <= text_.size(); pos += 8) {
        std::uint64_t x;
        std::memcpy(&x, text_.data() + pos, 8);
        const std::uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');
        std::uint64_t hit = (((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) | ((x - ones * 0x20) & ~x)) & highs;
        if (stop_high) hit |= x & highs;
        if (hit) return pos + static_cast<std::size_t>(std::countr_zero(hit)) / 8;
      }
    }
    for (; pos < text_.size(); ++pos) {
      const auto c = static_cast<unsigned char>(text_[pos]);
      if (c == '"' || c == '\\' || c < 0x20 || (stop_high && c >= 0x80)) break;
    }
    return pos;
  }
  INFERLENS_LAZY static bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

  INFERLENS_LAZY void word(std::string_view w) {
    if (text_.substr(pos_, w.size()) != w) fail("expected a value, got " + here());
    pos_ += w.size();
  }

  INFERLENS_LAZY json_value number() {
    json_value v;
    const std::size_t begin = pos_;
    if (text_.substr(pos_, 3) == "NaN" || text_.substr(pos_, 8) == "Infinity" ||
        text_.substr(pos_, 9) == "-Infinity") {  // Python's json writes these bare words
      const bool negative = text_[pos_] == '-';
      const bool nan = text_[pos_] == 'N';
      pos_ += nan ? 3 : negative ? 9 : 8;
      v.type = json_value::kind::real;
      v.real = nan ? std::numeric_limits<double>::quiet_NaN()
                   : (negative ? -1 : 1) * std::numeric_limits<double>::infinity();
      v.text = text_.substr(begin, pos_ - begin);
      return v;
    }
    const bool integral = number_syntax();
    v.text = text_.substr(begin, pos_ - begin);
    return convert_number(v, integral);
  }

  // Moves past a number's spelling, checked; true when it has neither a fraction nor an exponent.
  INFERLENS_LAZY bool number_syntax() {
    const std::size_t begin = pos_;
    bool integral = true;
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
    } else if (pos_ < text_.size() && is_digit(text_[pos_])) {
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    } else {
      pos_ = begin;
      fail("expected a value, got " + here());
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      integral = false;
      if (++pos_ >= text_.size() || !is_digit(text_[pos_])) fail("expected a digit after the decimal point");
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      integral = false;
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (pos_ >= text_.size() || !is_digit(text_[pos_])) fail("expected a digit in the exponent");
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    }
    return integral;
  }

  INFERLENS_LAZY static json_value convert_number(json_value v, bool integral) {
    const char* first = v.text.data();
    const char* last = first + v.text.size();
    if (integral) {
      const auto r = std::from_chars(first, last, v.integer);
      if (r.ec == std::errc()) {
        v.type = json_value::kind::integer;
        return v;
      }  // beyond 64 bits: read as a real
    }
    v.type = json_value::kind::real;
    const auto r = from_chars_double(first, last, v.real);
    if (r.ec == std::errc::result_out_of_range) {
      v.real = std::strtod(std::string(v.text).c_str(), nullptr);  // the tiny value, or inf
      v.overflow = std::isinf(v.real);
    }
    v.real += 0.0;  // -0 reads as 0
    return v;
  }

  INFERLENS_LAZY void escape(std::string& out) {
    const std::size_t at = pos_++;  // at the backslash
    if (pos_ >= text_.size()) fail_at(at, "unterminated escape sequence");
    const char c = text_[pos_++];
    switch (c) {
      case '"': out += '"'; return;
      case '\\': out += '\\'; return;
      case '/': out += '/'; return;
      case 'b': out += '\b'; return;
      case 'f': out += '\f'; return;
      case 'n': out += '\n'; return;
      case 'r': out += '\r'; return;
      case 't': out += '\t'; return;
      case 'u': break;
      default: fail_at(at, std::string("invalid escape sequence '\\") + (c >= 0x20 && c < 0x7f ? std::string(1, c) : "?") + "'");
    }
    std::uint32_t code = hex4(at);
    if (code >= 0xDC00 && code <= 0xDFFF) fail_at(at, "invalid \\u escape: a lone low surrogate");
    if (code >= 0xD800 && code <= 0xDBFF) {
      if (text_.substr(pos_, 2) != "\\u") fail_at(at, "invalid \\u escape: a high surrogate without its low half");
      pos_ += 2;
      const std::uint32_t low = hex4(at);
      if (low < 0xDC00 || low > 0xDFFF) fail_at(at, "invalid \\u escape: a high surrogate without its low half");
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  INFERLENS_LAZY std::uint32_t hex4(std::size_t escape_at) {
    std::uint32_t code = 0;
    for (int i = 0; i < 4; ++i, ++pos_) {
      if (pos_ >= text_.size()) fail_at(escape_at, "invalid \\u escape: expected 4 hex digits");
      const char c = text_[pos_];
      const int digit = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
      if (digit < 0) fail_at(escape_at, "invalid \\u escape: expected 4 hex digits");
      code = code * 16 + static_cast<std::uint32_t>(digit);
    }
    return code;
  }

  std::string_view text_;
  std::size_t pos_;
  utf8_policy utf8_;
  std::string skip_scratch_;
};

/// Calls f(key) for each member of the object at the scanner, with the scanner at the member's
/// value: f reads or skips it.
template <class F>
void for_each_member(json_scanner& in, F&& f) {
  std::string scratch;
  in.expect('{', "");
  if (in.consume('}')) return;
  do {
    const std::string_view key = in.string(scratch);
    in.expect(':', "after an object key");
    f(key);
  } while (in.consume(','));
  in.expect('}', "or ',' after an object member");
}

/// Calls f(key) for each key of the object at the scanner, skipping the values.
template <class F>
void for_each_key(json_scanner& in, F&& f) {
  for_each_member(in, [&](std::string_view key) {
    f(key);
    in.skip_value();
  });
}

/// Calls f() for each element of the array at the scanner, which reads or skips it; returns the
/// number of elements.
template <class F>
std::size_t for_each_element(json_scanner& in, F&& f) {
  in.expect('[', "");
  if (in.consume(']')) return 0;
  std::size_t n = 0;
  do {
    f();
    ++n;
  } while (in.consume(','));
  in.expect(']', "or ',' after an array element");
  return n;
}

// ---------------------------------------------------------------------------------------------
// A small tree, for nested documents
// ---------------------------------------------------------------------------------------------

/// One JSON value with its children. Objects keep their members in document order.
struct json_node {
  json_value::kind type = json_value::kind::null;
  bool boolean = false;
  std::int64_t integer = 0;
  double real = 0;
  bool overflow = false;             ///< see json_value::overflow
  std::string text;                  ///< a string's value, or a number's spelling
  std::vector<std::string> keys;     ///< object member names
  std::vector<json_node> children;   ///< object member values (parallel to keys) or array elements
  std::size_t byte = 0;              ///< where the value starts in the document

  INFERLENS_LAZY bool is_null() const noexcept { return type == json_value::kind::null; }
  INFERLENS_LAZY bool is_object() const noexcept { return type == json_value::kind::object; }
  INFERLENS_LAZY bool is_array() const noexcept { return type == json_value::kind::array; }
  INFERLENS_LAZY bool is_string() const noexcept { return type == json_value::kind::string; }
  INFERLENS_LAZY bool is_number() const noexcept { return type == json_value::kind::integer || type == json_value::kind::real; }
  INFERLENS_LAZY double number() const noexcept { return type == json_value::kind::integer ? static_cast<double>(integer) : real; }

  /// The member called `key` of an object, or nullptr.
  INFERLENS_LAZY const json_node* find(std::string_view key) const noexcept {
    if (!is_object()) return nullptr;
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == key) return &children[i];
    return nullptr;
  }
  /// Members along a path of keys, or nullptr where one is missing.
  INFERLENS_LAZY const json_node* at(std::initializer_list<std::string_view> path) const noexcept {
    const json_node* n = this;
    for (std::string_view k : path)
      if (!(n = n->find(k))) return nullptr;
    return n;
  }
  /// The value as a json_value, as the scanner gives it (for the shared value rules).
  INFERLENS_LAZY json_value as_value() const noexcept {
    json_value v;
    v.type = type;
    v.boolean = boolean;
    v.integer = integer;
    v.real = real;
    v.overflow = overflow;
    v.text = text;
    return v;
  }
};

namespace json_tree_detail {
INFERLENS_LAZY void read(json_scanner& in, json_node& out, int depth, std::string& scratch) {
  if (depth > json_scanner::max_depth)
    in.fail("values nested deeper than " + std::to_string(json_scanner::max_depth) + " levels");
  const char c = in.peek();
  out.byte = in.pos();
  if (c == '{') {
    out.type = json_value::kind::object;
    in.expect('{', "");
    if (in.consume('}')) return;
    do {
      out.keys.emplace_back(in.string(scratch));
      in.expect(':', "after an object key");
      out.children.emplace_back();
      read(in, out.children.back(), depth + 1, scratch);
    } while (in.consume(','));
    in.expect('}', "or ',' after an object member");
    return;
  }
  if (c == '[') {
    out.type = json_value::kind::array;
    in.expect('[', "");
    if (in.consume(']')) return;
    do {
      out.children.emplace_back();
      read(in, out.children.back(), depth + 1, scratch);
    } while (in.consume(','));
    in.expect(']', "or ',' after an array element");
    return;
  }
  const json_value v = in.value(scratch, depth);
  out.type = v.type;
  out.boolean = v.boolean;
  out.integer = v.integer;
  out.real = v.real;
  out.overflow = v.overflow;
  out.text.assign(v.text.data(), v.text.size());
}
}  // namespace json_tree_detail

/// Parses a whole document into a tree (a leading byte order mark is skipped).
/// @throws json_syntax_error with the byte offset.
INFERLENS_LAZY json_node parse_json(std::string_view text) {
  json_scanner in(text, utf8_bom_length(text));
  if (in.at_end()) in.fail("empty document: expected a JSON value");
  json_node root;
  std::string scratch;
  json_tree_detail::read(in, root, 0, scratch);
  if (!in.at_end()) in.fail("unexpected content after the JSON value: " + in.here());
  return root;
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/// Appends a JSON string. Text is valid UTF-8 by the time it gets here (readers check it); any
/// byte that is not is written as U+FFFD, so the output is always valid JSON.
INFERLENS_LAZY void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  const char* hex = "0123456789abcdef";
  for (std::size_t i = 0; i < s.size();) {
    const char ch = s[i];
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence(s, i);
      if (n == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += ch;
        }
    }
    ++i;
  }
  out += '"';
}

/// A finite double as JSON (shortest round trip); null for NaN and infinities, which JSON cannot
/// spell.
INFERLENS_LAZY void append_json_number(std::string& out, double v) {
  if (std::isfinite(v)) out += shortest(v);
  else out += "null";
}

/// A JSON text writer: values in order, commas where they belong; `indent` > 0 puts each member
/// and element on its own line, indented that many spaces per level (0: one line).
class json_text {
 public:
  explicit json_text(int indent = 0) : indent_(indent) {}
  json_text& object() { return open('{'); }
  json_text& array() { return open('['); }
  json_text& end() {
    const char opened = stack_.back();
    const bool empty = first_.back();
    stack_.pop_back();
    first_.pop_back();
    if (!empty) newline();
    out_ += opened == '{' ? '}' : ']';
    return *this;
  }
  json_text& key(std::string_view k) {
    comma();
    append_json_string(out_, k);
    out_ += indent_ > 0 ? ": " : ":";
    keyed_ = true;
    return *this;
  }
  json_text& value(std::string_view s) {
    comma();
    append_json_string(out_, s);
    return *this;
  }
  json_text& value(const char* s) { return value(std::string_view(s)); }
  json_text& value(const std::string& s) { return value(std::string_view(s)); }
  json_text& value(double d) {
    comma();
    append_json_number(out_, d);
    return *this;
  }
  json_text& value(std::size_t v) { return raw(std::to_string(v)); }
  json_text& value(std::int64_t v) { return raw(std::to_string(v)); }
  json_text& value(bool b) { return raw(b ? "true" : "false"); }
  json_text& null() { return raw("null"); }
  /// A value that is already JSON text (e.g. a point's object).
  json_text& raw(std::string_view json) {
    comma();
    out_ += json;
    return *this;
  }
  template <class T>
  json_text& member(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }
  const std::string& str() const& noexcept { return out_; }
  std::string str() && noexcept { return std::move(out_); }

 private:
  json_text& open(char c) {
    comma();
    out_ += c;
    stack_.push_back(c);
    first_.push_back(true);
    return *this;
  }
  void comma() {
    if (keyed_) {
      keyed_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) out_ += ',';
    first_.back() = false;
    newline();
  }
  void newline() {
    if (indent_ <= 0) return;
    out_ += '\n';
    out_.append(stack_.size() * static_cast<std::size_t>(indent_), ' ');
  }
  std::string out_;
  std::vector<char> stack_;
  std::vector<bool> first_;
  bool keyed_ = false;
  int indent_ = 0;
};

}  // namespace detail
INFERLENS_END_NAMESPACE
