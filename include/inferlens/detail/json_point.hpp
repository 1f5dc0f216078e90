// JSON <-> benchmark_point internals of io.hpp: a small JSON scanner that streams result rows
// straight into points (no document tree), the key tables of each source schema, and the value
// rules (types, ranges, units) that the CSV reader shares.
//
// Why not nlohmann::json for reading: Python's json module writes NaN and Infinity as bare
// words (SGLang's default request_rate = inf comes out as `Infinity`), which strict JSON parsers
// reject; and streaming rows avoids building a tree for every file.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "inferlens/error.hpp"
#include "inferlens/detail/legacy_registry.hpp"
#include "inferlens/record.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace detail {

// ---------------------------------------------------------------------------------------------
// Scanner
// ---------------------------------------------------------------------------------------------

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
  std::string_view text;  ///< the string's decoded value, or the number's spelling
};

inline std::string_view kind_name(json_value::kind k) noexcept {
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

/// Quotes a piece of input for a message, cut short when long.
inline std::string quote_excerpt(std::string_view s) {
  constexpr std::size_t limit = 40;
  std::string out = "\"";
  out += s.substr(0, limit);
  if (s.size() > limit) out += "...";
  return out + "\"";
}

class json_scanner {
 public:
  static constexpr int max_depth = 256;  // deeper nesting is refused, never a stack overflow

  explicit json_scanner(std::string_view text, std::size_t pos = 0) noexcept : text_(text), pos_(pos) {}

  std::size_t pos() const noexcept { return pos_; }
  std::string_view text() const noexcept { return text_; }

  /// The next character after white space, or '\0' at the end.
  char peek() noexcept {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  bool at_end() noexcept {
    peek();
    return pos_ >= text_.size();
  }
  bool consume(char c) noexcept {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  void expect(char c, std::string_view context) {
    if (!consume(c)) fail(std::string("expected '") + c + "' " + std::string(context) + ", got " + here());
  }

  /// Reads a string at the current position; the view points into the text, or into `scratch`
  /// when the string had escapes.
  std::string_view string(std::string& scratch) {
    if (peek() != '"') fail("expected a string, got " + here());
    const std::size_t open = pos_++;
    std::size_t run = pos_;
    bool copied = false;
    for (;;) {
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
      ++pos_;
    }
  }

  /// Reads any value. Objects and arrays are skipped and reported by kind only.
  json_value value(std::string& scratch) {
    json_value v;
    switch (peek()) {
      case '"':
        v.type = json_value::kind::string;
        v.text = string(scratch);
        return v;
      case '{': v.type = json_value::kind::object; skip_value(); return v;
      case '[': v.type = json_value::kind::array; skip_value(); return v;
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
  void skip_value(int depth = 0) {
    if (depth > max_depth) fail("values nested deeper than " + std::to_string(max_depth) + " levels");
    const char c = peek();
    if (c == '{') {
      ++pos_;
      if (consume('}')) return;
      do {
        string(skip_scratch_);
        expect(':', "after an object key");
        skip_value(depth + 1);
      } while (consume(','));
      expect('}', "or ',' after an object member");
    } else if (c == '[') {
      ++pos_;
      if (consume(']')) return;
      do skip_value(depth + 1);
      while (consume(','));
      expect(']', "or ',' after an array element");
    } else {
      value(skip_scratch_);
    }
  }

  /// What is at the current position, for messages.
  std::string here() {
    if (at_end()) return "the end of the input";
    const auto c = static_cast<unsigned char>(text_[pos_]);
    if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
    char buf[8];
    const char* hex = "0123456789abcdef";
    buf[0] = '0', buf[1] = 'x', buf[2] = hex[c >> 4], buf[3] = hex[c & 15];
    return "byte " + std::string(buf, 4);
  }

  [[noreturn]] void fail(std::string message) const { throw json_syntax_error{pos_, std::move(message)}; }
  [[noreturn]] static void fail_at(std::size_t at, std::string message) {
    throw json_syntax_error{at, std::move(message)};
  }

 private:
  static bool is_space(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
  static bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

  void word(std::string_view w) {
    if (text_.substr(pos_, w.size()) != w) fail("expected a value, got " + here());
    pos_ += w.size();
  }

  json_value number() {
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
    v.text = text_.substr(begin, pos_ - begin);
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
    const auto r = std::from_chars(first, last, v.real);
    if (r.ec == std::errc::result_out_of_range)  // let the C library pick inf or the nearest tiny value
      v.real = std::strtod(std::string(v.text).c_str(), nullptr);
    return v;
  }

  void escape(std::string& out) {
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
      default: fail_at(at, std::string("invalid escape sequence '\\") + c + "'");
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

  std::uint32_t hex4(std::size_t escape_at) {
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
  std::string skip_scratch_;
};

// ---------------------------------------------------------------------------------------------
// Value rules: types, ranges, units
// ---------------------------------------------------------------------------------------------

/// What a column accepts beyond "finite and not negative".
enum class value_rule : unsigned char { non_negative, positive, request_rate };

/// Per column (same index as columns()): the range rule, found once by name.
struct column_rules {
  std::vector<value_rule> rule;
  std::vector<unsigned char> text_boolean;  ///< InferenceMAX writes dp_attention as "true"/"false"
  std::size_t request_rate = 0, infmax_model_prefix = 0;

  static const column_rules& get() {
    static const column_rules rules = [] {
      column_rules r;
      const auto all = columns();
      r.rule.assign(all.size(), value_rule::non_negative);
      r.text_boolean.assign(all.size(), 0);
      // sizes and nominal lengths: zero would be meaningless (and a divisor)
      constexpr std::string_view positive[] = {
          "isl",        "osl",        "conc",      "tp",        "pp",           "ep",
          "dcp_size",   "pcp_size",   "num_gpus",  "prefill_tp", "prefill_ep",  "prefill_pp",
          "prefill_dcp_size", "prefill_pcp_size", "decode_tp", "decode_ep", "decode_pp",
          "decode_dcp_size",  "decode_pcp_size"};
      for (std::size_t i = 0; i < all.size(); ++i) {
        const std::string_view name = all[i].name;
        if (std::find(std::begin(positive), std::end(positive), name) != std::end(positive))
          r.rule[i] = value_rule::positive;
        if (name == "request_rate") r.rule[i] = value_rule::request_rate, r.request_rate = i;
        if (name == "infmax_model_prefix") r.infmax_model_prefix = i;
        if (name.ends_with("dp_attention")) r.text_boolean[i] = 1;
      }
      return r;
    }();
    return rules;
  }
};

inline std::size_t column_index(const column& c) noexcept { return static_cast<std::size_t>(&c - columns().data()); }

inline std::string spell_real(double d) { return to_string(cell{d}); }

/// Checks a value against its column's range rule; returns the complaint, or "" when it fits.
inline std::string check_value(std::size_t index, const cell& c) {
  const value_rule rule = column_rules::get().rule[index];
  if (const double* d = std::get_if<double>(&c)) {
    if (std::isnan(*d)) return "must be a number, got NaN";
    if (rule == value_rule::request_rate) {
      if (!(*d > 0)) return "must be positive (or inf), got " + spell_real(*d);
      return {};
    }
    if (std::isinf(*d)) return "must be finite, got " + spell_real(*d);
    if (*d < 0) return "must not be negative, got " + spell_real(*d);
  } else if (const std::int64_t* i = std::get_if<std::int64_t>(&c)) {
    if (rule == value_rule::positive && *i <= 0) return "must be positive, got " + std::to_string(*i);
    if (*i < 0) return "must not be negative, got " + std::to_string(*i);
  }
  return {};
}

inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// A whole string as a double ("inf" and "nan" included), or nothing.
inline std::optional<double> parse_double(std::string_view s) noexcept {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double d = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), d);
  if (r.ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  if (r.ec == std::errc::result_out_of_range) return std::strtod(std::string(s).c_str(), nullptr);
  if (r.ec != std::errc()) return std::nullopt;
  return d;
}

/// An integral double within int64 as an integer, or nothing.
inline std::optional<std::int64_t> integral(double d) noexcept {
  if (!std::isfinite(d) || d != std::floor(d) || d < -9.2233720368547758e18 || d >= 9.2233720368547758e18)
    return std::nullopt;
  return static_cast<std::int64_t>(d);
}

inline std::optional<bool> parse_bool(std::string_view s) noexcept {
  if (s == "true" || s == "True" || s == "TRUE" || s == "1") return true;
  if (s == "false" || s == "False" || s == "FALSE" || s == "0") return false;
  return std::nullopt;
}

/// Reads a text cell (CSV, or a vLLM --metadata string) as a value of column `c`. Empty is
/// missing. Returns the complaint, or "" when `out` holds the value.
inline std::string text_to_cell(const column& c, std::string_view text, cell& out) {
  if (c.type == column_type::text) {
    out = text.empty() ? cell{} : cell{std::string(text)};
    return {};
  }
  text = trim(text);
  if (text.empty()) {
    out = std::monostate{};
    return {};
  }
  switch (c.type) {
    case column_type::integer: {
      std::int64_t i = 0;
      const auto r = std::from_chars(text.data(), text.data() + text.size(), i);
      if (r.ec == std::errc() && r.ptr == text.data() + text.size()) {
        out = i;
        return {};
      }
      if (auto d = parse_double(text)) {  // "1024.0" as pandas writes int columns with gaps
        if (auto whole = integral(*d)) {
          out = *whole;
          return {};
        }
      }
      return "expected an integer, got " + quote_excerpt(text);
    }
    case column_type::real:
      if (auto d = parse_double(text)) {
        out = *d;
        return {};
      }
      if (column_index(c) == column_rules::get().request_rate && text == "trace") {  // SGLang trace replay
        out = std::monostate{};
        return {};
      }
      return "expected a number, got " + quote_excerpt(text);
    case column_type::boolean:
      if (auto b = parse_bool(text)) {
        out = *b;
        return {};
      }
      return "expected true or false, got " + quote_excerpt(text);
    case column_type::text: break;
  }
  return {};
}

/// Reads a JSON value as a value of column `c`. `typed`: the source writes this key with its
/// JSON type (strings are an error for numbers); otherwise strings are read as text cells
/// (vLLM's --metadata k=v writes every value as a string). null is missing.
inline std::string json_to_cell(const column& c, const json_value& v, bool typed, cell& out) {
  using K = json_value::kind;
  out = std::monostate{};
  if (v.type == K::null) return {};
  if (v.type == K::object || v.type == K::array)
    return std::string("expected ") +
           (c.type == column_type::text      ? "a string"
            : c.type == column_type::boolean ? "a boolean"
            : c.type == column_type::integer ? "an integer"
                                             : "a number") +
           ", got " + std::string(kind_name(v.type));
  const bool rate = column_index(c) == column_rules::get().request_rate;
  switch (c.type) {
    case column_type::text:
      if (v.type == K::string) {
        if (!v.text.empty()) out = std::string(v.text);
        return {};
      }
      if (v.type == K::integer) {  // e.g. a run id written as a number
        out = std::to_string(v.integer);
        return {};
      }
      return "expected a string, got " + std::string(kind_name(v.type));
    case column_type::integer:
      if (v.type == K::integer) {
        out = v.integer;
        return {};
      }
      if (v.type == K::real) {
        if (auto whole = integral(v.real)) {
          out = *whole;
          return {};
        }
        return "expected an integer, got " + std::string(v.text);
      }
      if (v.type == K::string && !typed) return text_to_cell(c, v.text, out);
      return "expected an integer, got " + std::string(kind_name(v.type)) +
             (v.type == K::string ? " " + quote_excerpt(v.text) : "");
    case column_type::real:
      if (v.type == K::integer) {
        out = static_cast<double>(v.integer);
        return {};
      }
      if (v.type == K::real) {
        out = v.real;
        return {};
      }
      if (v.type == K::string && (rate || !typed)) {  // vLLM writes request_rate "inf"
        const std::string err = text_to_cell(c, v.text, out);
        if (err.empty() || !rate) return err;
        return "expected a number or \"inf\", got " + quote_excerpt(v.text);
      }
      return "expected a number, got " + std::string(kind_name(v.type)) +
             (v.type == K::string ? " " + quote_excerpt(v.text) : "");
    case column_type::boolean:
      if (v.type == K::boolean) {
        out = v.boolean;
        return {};
      }
      if (v.type == K::string) {
        if (v.text == "true" || v.text == "True") out = true;
        else if (v.text == "false" || v.text == "False") out = false;
        else if (!typed) return text_to_cell(c, v.text, out);
        else return "expected a boolean, got a string " + quote_excerpt(v.text);
        return {};
      }
      return "expected a boolean, got " + std::string(kind_name(v.type));
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Key tables
// ---------------------------------------------------------------------------------------------

enum class key_kind : unsigned char {
  column,            ///< sets `column`
  ignore,            ///< known and deliberately not read
  dataset_name,      ///< SGLang: tells whether random_input_len / random_output_len apply
  random_input_len,  ///< SGLang: nominal ISL of the random dataset
  random_output_len,
};

struct key_action {
  key_kind kind = key_kind::ignore;
  bool millis = false;  ///< the value is in milliseconds, the column in seconds
  bool typed = true;    ///< see json_to_cell
  std::uint16_t column = 0;
};

/// Exact (case-sensitive) JSON key -> action, built once from the column registry.
struct key_table {
  std::unordered_map<std::string_view, key_action> map;
  std::deque<std::string> generated;  ///< storage for keys that are not column names

  const key_action* find(std::string_view key) const noexcept {
    const auto it = map.find(key);
    return it == map.end() ? nullptr : &it->second;
  }
  void add(std::string_view key, key_action a) { map[key] = a; }
  void add_generated(std::string key, key_action a) { map[generated.emplace_back(std::move(key))] = a; }
  key_action column_action(std::string_view canonical, bool typed, bool millis = false) const {
    const column* c = find_column(canonical);
    return {key_kind::column, millis, typed, static_cast<std::uint16_t>(column_index(*c))};
  }
};

/// The benchmark clients' latency keys, {stat}_{metric}_ms in milliseconds (SGLang also spells
/// e2el as e2e_latency), and vLLM's "request_goodput:" with its trailing colon (sic).
inline void add_millisecond_keys(key_table& t) {
  constexpr std::string_view stats[] = {"mean", "median", "std", "p90", "p99", "p99.9"};
  for (std::string_view metric : {"ttft", "tpot", "itl", "e2el"})
    for (std::string_view stat : stats) {
      const std::string name = std::string(stat) + "_" + std::string(metric);
      t.add_generated(name + "_ms", t.column_action(name, true, true));
      if (metric == "e2el")
        t.add_generated(std::string(stat) + "_e2e_latency_ms", t.column_action(name, true, true));
    }
  t.add("request_goodput:", t.column_action("request_goodput", true));
}

/// Canonical column names and their aliases: InferenceMAX agg rows, the library's own JSON. The
/// clients' millisecond keys are understood too, so an array of raw client objects reads right
/// instead of losing its latencies.
inline const key_table& row_keys() {
  static const key_table table = [] {
    key_table t;
    for (const column& c : columns()) t.add(c.name, t.column_action(c.name, true));
    for (const auto& a : column_aliases) t.add(a.alias, t.column_action(a.name, true));
    add_millisecond_keys(t);
    return t;
  }();
  return table;
}

/// Raw benchmark-client results: `vllm bench serve` / InferenceMAX benchmark_serving.py and
/// SGLang bench_serving. Their own keys are typed; any other key that names a column is read as
/// vLLM --metadata (strings allowed).
inline const key_table& client_keys() {
  static const key_table table = [] {
    key_table t;
    for (const column& c : columns()) t.add(c.name, t.column_action(c.name, false));
    for (const auto& a : column_aliases) t.add(a.alias, t.column_action(a.name, false));
    for (std::string_view native :
         {"num_prompts", "request_rate", "date", "duration", "completed", "failed", "total_input_tokens",
          "total_output_tokens", "request_throughput", "request_goodput", "input_throughput", "output_throughput",
          "total_token_throughput"})
      t.add(native, t.column_action(native, true));
    t.add("model_id", t.column_action("model", true));
    t.add("max_concurrency", t.column_action("conc", true));
    add_millisecond_keys(t);
    // SGLang bench_serving
    t.add("total_input", t.column_action("total_input_tokens", true));
    t.add("total_output", t.column_action("total_output_tokens", true));
    t.add("total_throughput", t.column_action("total_token_throughput", true));
    t.add("concurrency", {});  // SGLang: Little's-law mean concurrency, a measurement, not the limit
    t.add("dataset_name", {key_kind::dataset_name});
    t.add("random_input_len", {key_kind::random_input_len});
    t.add("random_output_len", {key_kind::random_output_len});
    return t;
  }();
  return table;
}

// ---------------------------------------------------------------------------------------------
// Building points
// ---------------------------------------------------------------------------------------------

/// Collects the fields of one row, checking each as it arrives and naming it in errors.
struct point_builder {
  std::string file;
  std::optional<std::size_t> row;
  benchmark_point point;
  std::vector<unsigned char> given;  ///< by column index: set by this row
  std::string dataset_name;
  std::optional<std::int64_t> random_input_len, random_output_len;

  explicit point_builder(std::string_view file_name) : file(file_name), given(columns().size()) {}

  void start(std::optional<std::size_t> row_number) {
    row = row_number;
    point = benchmark_point{};
    std::fill(given.begin(), given.end(), 0);
    dataset_name.clear();
    random_input_len.reset();
    random_output_len.reset();
  }

  [[noreturn]] void fail(std::string_view field, const std::string& message) const {
    throw input_error(input_location{file, row, std::nullopt, std::string(field)}, message);
  }

  bool has(std::size_t index) const noexcept { return given[index] != 0; }

  /// Sets a checked value; a column given twice (e.g. as "model" and "model_id") must agree.
  void set(std::size_t index, cell value, std::string_view field) {
    if (std::holds_alternative<std::monostate>(value)) return;  // null / empty: not given
    if (std::string err = check_value(index, value); !err.empty()) fail(field, err);
    const column& c = columns()[index];
    if (given[index]) {
      if (c.get(point) != value)
        fail(field, "given twice with different values (" + to_string(c.get(point)) + " and " + to_string(value) + ")");
      return;
    }
    given[index] = 1;
    c.set(point, value);
  }

  void apply(const key_action& a, const json_value& v, std::string_view key) {
    switch (a.kind) {
      case key_kind::column: {
        cell value;
        if (std::string err = json_to_cell(columns()[a.column], v, a.typed, value); !err.empty()) fail(key, err);
        if (a.millis)
          if (double* d = std::get_if<double>(&value)) *d /= 1000;  // as InferenceMAX's process_result does
        set(a.column, std::move(value), key);
        return;
      }
      case key_kind::dataset_name:
        if (v.type == json_value::kind::string) dataset_name = v.text;
        return;
      case key_kind::random_input_len:
      case key_kind::random_output_len: {
        cell value;
        if (std::string err = json_to_cell(*find_column("isl"), v, true, value); !err.empty()) fail(key, err);
        auto& slot = a.kind == key_kind::random_input_len ? random_input_len : random_output_len;
        if (auto* i = std::get_if<std::int64_t>(&value)) slot = *i;
        return;
      }
      case key_kind::ignore: return;
    }
  }

  /// Fails unless at least one of the columns (by index) was given.
  void require_any(const std::vector<std::size_t>& any_of) const {
    for (std::size_t i : any_of)
      if (has(i)) return;
    std::string expected;
    for (std::size_t i : any_of) expected += (expected.empty() ? "" : " or ") + std::string(columns()[i].name);
    fail(columns()[any_of.front()].name, "missing: expected " + expected);
  }
};

/// Reads one JSON object at the scanner into `b` through `keys`; unknown keys are skipped.
inline void read_object(json_scanner& in, const key_table& keys, point_builder& b, std::string& key_scratch,
                        std::string& value_scratch) {
  in.expect('{', "to open a result object");
  if (in.consume('}')) return;
  for (;;) {
    const std::string_view key = in.string(key_scratch);
    in.expect(':', "after an object key");
    const key_action* a = keys.find(key);
    if (!a || a->kind == key_kind::ignore) {
      in.skip_value();
    } else {
      const json_value v = in.value(value_scratch);
      b.apply(*a, v, key);
    }
    if (in.consume(',')) continue;
    in.expect('}', "or ',' after an object member");
    return;
  }
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

inline void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

/// The JSON spelling of a cell of column `index`, or "" when it has none and is left out:
/// missing values, and NaN or infinities other than an infinite request rate ("inf", as vLLM
/// writes it); readers would refuse those anyway.
inline std::string json_cell_text(std::size_t index, const cell& c) {
  if (std::holds_alternative<std::monostate>(c)) return {};
  if (const double* d = std::get_if<double>(&c)) {
    if (std::isfinite(*d)) return to_string(c);
    if (index == column_rules::get().request_rate && *d > 0) return "\"inf\"";
    return {};
  }
  if (const bool* b = std::get_if<bool>(&c); b && column_rules::get().text_boolean[index])
    return *b ? "\"true\"" : "\"false\"";  // InferenceMAX's spelling of dp_attention
  if (const std::string* s = std::get_if<std::string>(&c)) {
    std::string out;
    append_json_string(out, *s);
    return out;
  }
  return to_string(c);  // integers, booleans
}

}  // namespace detail
INFERLENS_END_NAMESPACE
