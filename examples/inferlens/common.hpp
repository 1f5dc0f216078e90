// Helpers shared by the CLI's subcommands: list options, loading inputs, filters.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <inferlens/error.hpp>
#include <inferlens/io.hpp>
#include <inferlens/table.hpp>
#include <inferlens/tco.hpp>

namespace inferlens::cli {

/// "a,b,,c" -> {"a", "b", "c"}
inline std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

/// "1,2.5,1e3" -> numbers. Every item must be a finite number (a whole one for integral T), and
/// positive when asked; otherwise an input_error names the option and the item and says what
/// was `expected` (by default "a positive number" or "a finite number").
template <class T = double>
std::vector<T> parse_number_list(const std::string& list, const char* option, bool positive,
                                 std::string_view expected = {}) {
  std::vector<T> out;
  for (const auto& item : split_list(list)) {
    const std::optional<double> v = parse_number(item);
    bool ok = v && (!positive || *v > 0);
    if constexpr (std::is_integral_v<T>)
      ok = ok && *v == std::trunc(*v) && std::abs(*v) < static_cast<double>(std::numeric_limits<T>::max());
    if (!ok) {
      const std::string what = !expected.empty() ? std::string(expected)
                               : std::is_integral_v<T> ? (positive ? "a positive whole number" : "a whole number")
                               : positive ? "a positive number" : "a finite number";
      throw input_error({option, std::nullopt, std::nullopt, item}, "expected " + what);
    }
    out.push_back(static_cast<T>(*v));
  }
  return out;
}

/// A group's key as text: "model | 1024 | fp4 | b200", "-" for a missing value.
inline std::string group_label(const std::vector<cell>& key) {
  std::string s;
  for (const auto& c : key) {
    if (!s.empty()) s += " | ";
    const std::string t = to_string(c);
    s += t.empty() ? "-" : t;
  }
  return s.empty() ? "all points" : s;
}

/// Load files and directories. Strict: the first bad file throws. Lenient: bad files are listed
/// on stderr and the rest is loaded.
inline result_table load_inputs(const std::vector<std::string>& inputs, bool lenient) {
  std::vector<std::filesystem::path> paths(inputs.begin(), inputs.end());
  load_report report = load_results(paths, lenient);
  for (const auto& e : report.errors) std::fprintf(stderr, "inferlens: skipped: %s\n", e.what());
  if (report.points.empty())
    throw input_error({inputs.empty() ? "" : inputs.front(), std::nullopt, std::nullopt, ""},
                      "no benchmark points found in the inputs");
  return result_table(std::move(report.points));
}

/// --filter COL=VALUE (repeatable): keep rows whose column equals the value (text exactly,
/// numbers numerically).
inline result_table apply_filters(const result_table& table, const std::vector<std::string>& filters) {
  result_table out = table;
  for (const auto& f : filters) {
    const auto eq = f.find('=');
    if (eq == std::string::npos || eq == 0)
      throw input_error({"--filter", std::nullopt, std::nullopt, f}, "expected COLUMN=VALUE");
    const std::string name = f.substr(0, eq), value = f.substr(eq + 1);
    const column* c = find_column(name);
    if (!c) throw input_error({"--filter", std::nullopt, std::nullopt, name}, "unknown column");
    out = out.filter([&](const benchmark_point& p) {
      const cell v = c->get(p);
      if (const auto n = as_number(v)) {
        try {
          return *n == std::stod(value);
        } catch (const std::exception&) {
          return to_string(v) == value;
        }
      }
      return to_string(v) == value;
    });
  }
  return out;
}

}  // namespace inferlens::cli
