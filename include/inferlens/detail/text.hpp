// Text helpers every layer shares: trimming, case-insensitive comparison, number parsing and
// printing without iostreams or fmt, UTF-8 validation, and "did you mean" suggestions.
#pragma once

#include <algorithm>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace detail {

INFERLENS_LAZY std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

INFERLENS_LAZY char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

INFERLENS_LAZY std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

INFERLENS_LAZY bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

/// std::from_chars for a double, through an exact shortcut first: a whole range spelled
/// -?digits[.digits][e±digits] whose digits, at most 19, make an integer w ≤ 2^53 and whose
/// power of ten is within ±22 is one IEEE multiply or divide of two exactly representable
/// numbers, hence correctly rounded: the double from_chars gives (Clinger 1990; fast_float's
/// fast path). That is how harnesses print numbers, and it costs about two thirds of
/// libstdc++'s from_chars.
INFERLENS_LAZY std::from_chars_result from_chars_double(const char* first, const char* last, double& out) noexcept {
#if FLT_EVAL_METHOD == 0
  static constexpr double powers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const auto digit = [](char c) { return static_cast<unsigned>(c - '0') < 10; };
  const char* p = first;
  const bool negative = p != last && *p == '-';
  p += negative;
  std::uint64_t w = 0;  // cannot wrap in 19 digits
  const char* digits = p;
  for (; p != last && digit(*p); ++p) w = w * 10 + static_cast<unsigned>(*p - '0');
  int count = static_cast<int>(p - digits), exponent = 0;
  if (p != last && *p == '.') {
    digits = ++p;
    for (; p != last && digit(*p); ++p) w = w * 10 + static_cast<unsigned>(*p - '0');
    exponent = -static_cast<int>(p - digits);
    count -= exponent;
  }
  bool valid = count > 0;
  if (valid && p != last && (*p == 'e' || *p == 'E')) {
    ++p;
    const bool minus = p != last && *p == '-';
    p += p != last && (*p == '-' || *p == '+');
    int e = 0;
    valid = false;
    for (; p != last && digit(*p) && e < 1000; ++p, valid = true) e = e * 10 + (*p - '0');
    exponent += minus ? -e : e;
  }
  if (valid && p == last && count <= 19 && w <= (std::uint64_t{1} << 53) && exponent >= -22 && exponent <= 22) {
    const double m = static_cast<double>(w);
    out = exponent < 0 ? m / powers[-exponent] : m * powers[exponent];
    if (negative) out = -out;
    return {last, std::errc()};
  }
#endif
  return std::from_chars(first, last, out);
}

/// A whole string as a double: decimal or exponent notation, "inf"/"nan" in any case, a leading
/// '+' allowed, surrounding blanks ignored; "-0" reads as 0. Nothing for anything else, and
/// nothing for a finite spelling that overflows (1e999 is not a number a harness measured).
INFERLENS_LAZY std::optional<double> parse_double(std::string_view s) noexcept {
  if (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.back() == ' ' || s.back() == '\t')) s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double d = 0;
  const auto r = from_chars_double(s.data(), s.data() + s.size(), d);
  if (r.ptr != s.data() + s.size()) return std::nullopt;
  if (r.ec == std::errc::result_out_of_range) {
    // underflow to a tiny value is a number; overflow is not
    const double v = std::strtod(std::string(s).c_str(), nullptr);
    if (std::isinf(v)) return std::nullopt;
    return v + 0.0;
  }
  if (r.ec != std::errc()) return std::nullopt;
  return d + 0.0;  // -0 -> +0
}

/// An integral double within int64 as an integer, or nothing.
INFERLENS_LAZY std::optional<std::int64_t> integral(double d) noexcept {
  if (!(d >= -9.2233720368547758e18 && d < 9.2233720368547758e18)) return std::nullopt;  // NaN too
  const auto i = static_cast<std::int64_t>(d);
  if (static_cast<double>(i) != d) return std::nullopt;
  return i;
}

INFERLENS_LAZY std::optional<bool> parse_bool(std::string_view s) noexcept {
  s = trim(s);
  if (s == "true" || s == "True" || s == "TRUE" || s == "1") return true;
  if (s == "false" || s == "False" || s == "FALSE" || s == "0") return false;
  return std::nullopt;
}

/// Shortest text that reads back as the same double; "inf", "-inf", "nan".
INFERLENS_LAZY std::string shortest(double d) {
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  if (std::isnan(d)) return "nan";
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, d + 0.0);
  return std::string(buf, r.ptr);
}

/// printf's %.{digits}g: what messages and breakdown formulas show.
INFERLENS_LAZY std::string general(double d, int digits = 6) {
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  if (std::isnan(d)) return "nan";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, d + 0.0, std::chars_format::general, digits);
  return std::string(buf, r.ptr);
}

/// Fixed notation with `decimals` digits after the point.
INFERLENS_LAZY std::string fixed(double d, int decimals) {
  if (!std::isfinite(d)) return general(d);
  char buf[400];
  const auto r = std::to_chars(buf, buf + sizeof buf, d + 0.0, std::chars_format::fixed, decimals);
  if (r.ec != std::errc()) return general(d);
  return std::string(buf, r.ptr);
}

/// Length of a valid UTF-8 sequence at s[i], or 0 when the bytes there are not one (overlong
/// forms, surrogates and code points above U+10FFFF are invalid, as RFC 3629 says).
INFERLENS_LAZY std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept {
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
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}

/// A UTF-8 byte order mark (Excel writes one) is not part of the content.
INFERLENS_LAZY std::size_t utf8_bom_length(std::string_view text) noexcept {
  return text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
}

/// Offset of the first byte that is not valid UTF-8, or npos.
INFERLENS_LAZY std::size_t invalid_utf8_at(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

/// The text with every invalid UTF-8 byte replaced by U+FFFD.
INFERLENS_LAZY std::string replace_invalid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

/// Quotes a piece of input for a message, cut short when long, with bytes that are not
/// printable ASCII written as \xNN, so a message is always printable and valid UTF-8.
INFERLENS_LAZY std::string quote_excerpt(std::string_view s, std::size_t limit = 40) {
  std::string out = "\"";
  const char* hex = "0123456789abcdef";
  for (std::size_t i = 0; i < s.size() && i < limit; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  if (s.size() > limit) out += "...";
  return out + "\"";
}

/// Levenshtein distance, case-insensitive.
INFERLENS_LAZY std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (ascii_lower(a[i - 1]) == ascii_lower(b[j - 1]) ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

/// Up to `count` candidates nearest to `name`: those within a third of its length in edits, or
/// that contain it or are contained in it; nearest first.
INFERLENS_LAZY std::vector<std::string_view> nearest_names(std::string_view name, std::span<const std::string_view> candidates,
                                                   std::size_t count = 3) {
  struct scored {
    std::size_t distance;
    std::string_view name;
  };
  std::vector<scored> found;
  const std::string needle = lower(name);
  for (std::string_view c : candidates) {
    const std::size_t d = edit_distance(name, c);
    const std::string hay = lower(c);
    // one name inside the other counts as near, unless the shorter is too short to mean anything
    const bool contains = std::min(needle.size(), hay.size()) >= 4 &&
                          (hay.find(needle) != std::string::npos || needle.find(hay) != std::string::npos);
    if (d <= std::max<std::size_t>(2, name.size() / 3)) found.push_back({d, c});
    else if (contains) found.push_back({std::max<std::size_t>(2, name.size() / 3) + 1, c});
  }
  std::stable_sort(found.begin(), found.end(), [](const scored& a, const scored& b) { return a.distance < b.distance; });
  std::vector<std::string_view> out;
  for (const auto& f : found) {
    if (out.size() == count) break;
    if (std::find(out.begin(), out.end(), f.name) == out.end()) out.push_back(f.name);
  }
  return out;
}

/// "a, b or c"
INFERLENS_LAZY std::string join_or(std::span<const std::string_view> items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

/// "a, b, c"
template <class Range>
std::string join(const Range& items, std::string_view separator = ", ") {
  std::string out;
  bool first = true;
  for (const auto& i : items) {
    if (!first) out += separator;
    first = false;
    out += i;
  }
  return out;
}

}  // namespace detail
INFERLENS_END_NAMESPACE
