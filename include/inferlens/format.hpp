// Numbers as people read them, and fmt formatters for the library's types: a quantity with its
// unit and sensible precision ("19.7 M tok/s/MW", "125 ms", "$0.0123/Mtok"), a column with its
// unit, a system key by its name. Separate from the umbrella header: it needs fmt.
#pragma once

#include <cmath>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "inferlens/columns.hpp"
#include "inferlens/detail/text.hpp"
#include "inferlens/frontier.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// A value with `significant` digits and its unit: seconds below 1 as milliseconds (or µs),
/// money as "$0.0123/Mtok", large counts and rates with k / M / G ("19.7 M tok/s/MW"); "-" for
/// NaN. Whole numbers below 10^4 are printed whole.
inline std::string quantity(double v, std::string_view unit, int significant = 3) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  const auto g = [&](double x) { return detail::general(x, significant); };
  const auto with_unit = [&](std::string number, std::string_view u) {
    return u.empty() ? number : number + " " + std::string(u);
  };
  if (unit == "s") {
    const double a = std::abs(v);
    if (a != 0 && a < 1e-3) return g(v * 1e6) + " µs";
    if (a != 0 && a < 1) return g(v * 1e3) + " ms";
    return g(v) + " s";
  }
  if (unit.starts_with("$")) {  // "$/Mtok", "$/GPU-h"
    const std::string rest(unit.substr(1));
    return "$" + g(v) + rest;
  }
  const double a = std::abs(v);
  if (a >= 1e4) {
    constexpr struct { double scale; const char* prefix; } si[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
    for (const auto& s : si)
      if (a >= s.scale) return with_unit(g(v / s.scale) + " " + s.prefix, unit);
  }
  if (v == std::floor(v) && a < 1e4) return with_unit(detail::fixed(v, 0), unit);
  return with_unit(g(v), unit);
}

/// A number without its unit, for a column whose header names the unit: `significant` digits,
/// k / M / G from 10^4 on, whole numbers below 10^4 whole; "-" for NaN.
inline std::string number_text(double v, int significant = 4) {
  if (std::isnan(v)) return "-";
  return quantity(v, "", significant);
}

/// A column's value in its unit (see quantity()).
inline std::string quantity(column_id c, double v, int significant = 3) { return quantity(v, info(c).unit, significant); }

/// "tput_per_gpu [tok/s/gpu]": a column header with its unit.
inline std::string header(column_id c) {
  const column& k = info(c);
  if (k.unit.empty()) return std::string(k.name);
  return std::string(k.name) + " [" + std::string(k.unit) + "]";
}

INFERLENS_END_NAMESPACE

template <>
struct fmt::formatter<inferlens::column_id> : fmt::formatter<std::string_view> {
  template <class Context>
  auto format(inferlens::column_id c, Context& ctx) const {
    return fmt::formatter<std::string_view>::format(inferlens::name_of(c), ctx);
  }
};

template <>
struct fmt::formatter<inferlens::system_key> : fmt::formatter<std::string_view> {
  template <class Context>
  auto format(const inferlens::system_key& k, Context& ctx) const {
    const std::string name = k.name();
    return fmt::formatter<std::string_view>::format(name, ctx);
  }
};

template <>
struct fmt::formatter<inferlens::system_frontier> : fmt::formatter<std::string_view> {
  template <class Context>
  auto format(const inferlens::system_frontier& s, Context& ctx) const {
    const std::string name = s.name();
    return fmt::formatter<std::string_view>::format(name, ctx);
  }
};
