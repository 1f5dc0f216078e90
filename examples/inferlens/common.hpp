// Helpers shared by the CLI's subcommands: list options, loading inputs, filters.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <inferlens/error.hpp>
#include <inferlens/io.hpp>
#include <inferlens/table.hpp>

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
