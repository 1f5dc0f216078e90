// What the CLI's subcommands share: reading option values (lists, numbers, FIELD=VALUE), loading
// inputs with the options users give (--set, --gpus, --map, --lenient, --filter, --latest), and
// messages that name the option. The work itself is the library's.
#pragma once

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <inferlens/columns.hpp>
#include <inferlens/error.hpp>
#include <inferlens/load.hpp>
#include <inferlens/table.hpp>

namespace inferlens::cli {

/// An input_error from the library, re-addressed to the option it came from.
[[noreturn]] inline void option_error(std::string_view option, const input_error& e) {
  throw input_error({std::string(option), std::nullopt, std::nullopt, e.where().field}, e.message());
}
[[noreturn]] inline void option_error(std::string_view option, std::string_view value, const std::string& message) {
  throw input_error({std::string(option), std::nullopt, std::nullopt, std::string(value)}, message);
}

inline std::string_view trim_view(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// "a,b,c" -> {"a", "b", "c"}; an empty item ("a,,b", "", a trailing comma) is an error.
inline std::vector<std::string> split_list(const std::string& s, std::string_view option) {
  std::vector<std::string> out;
  std::string cur;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ',') {
      const std::string item(trim_view(cur));
      if (item.empty()) option_error(option, s, "empty item in the list: expected comma-separated values");
      out.push_back(item);
      cur.clear();
    } else {
      cur += s[i];
    }
  }
  return out;
}

/// A finite number (optionally > 0) from an option's text.
inline double number_option(std::string_view text, std::string_view option, bool positive) {
  const std::optional<double> v = parse_number(text);
  if (!v || !std::isfinite(*v) || (positive && !(*v > 0)))
    option_error(option, text, positive ? "expected a number > 0" : "expected a finite number");
  return *v;
}

/// "50,100,200" -> numbers; every item a finite number, > 0 when asked.
inline std::vector<double> number_list(const std::string& list, std::string_view option, bool positive) {
  std::vector<double> out;
  for (const auto& item : split_list(list, option)) out.push_back(number_option(item, option, positive));
  return out;
}

/// A column named in an option; a typo is an error that names the option and suggests names.
inline column_id column_option(std::string_view name, std::string_view option, bool numeric = false) {
  try {
    const column_id c = find_column(name);
    if (numeric && !info(c).numeric()) option_error(option, name, "not a numeric column");
    return c;
  } catch (const input_error& e) {
    if (e.where().file == option) throw;
    option_error(option, e);
  }
}

/// "FIELD=VALUE" -> the column and the value.
inline std::pair<column_id, std::string> assignment_option(const std::string& text, std::string_view option) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) option_error(option, text, "expected COLUMN=VALUE");
  return {column_option(text.substr(0, eq), option), text.substr(eq + 1)};
}

/// The options every command that reads results has.
struct input_options {
  std::vector<std::string> inputs;
  std::vector<std::string> set, map, filters;
  std::optional<long long> gpus;
  std::string format = "auto";
  bool lenient = false, latest = false;

  void add_to(CLI::App* cmd, bool required = true) {
    auto* in = cmd->add_option("inputs", inputs,
                               "result files or directories of any harness: InferenceMAX agg_bmk.json, `vllm bench serve`\n"
                               "JSON, SGLang bench_serving JSONL, AIPerf/GenAI-Perf exports, CSV with a header, inferlens\n"
                               "JSON (docs/formats.md)");
    if (required) in->required();
    cmd->add_option("--set", set, "FIELD=VALUE: fill a field the files lack (repeatable), e.g. --set hw=h100 --set tp=8");
    cmd->add_option("--gpus", gpus, "GPUs per point where the files do not say (same as --set num_gpus=N)");
    cmd->add_option("--map", map, "'Their Name=column': read a CSV header of your own as a column (repeatable)");
    cmd->add_option("--input-format", format, "read every input as this format instead of detecting it")
        ->check(CLI::IsMember({"auto", "agg", "vllm", "sglang", "csv", "json", "aiperf"}));
    cmd->add_option("--filter", filters, "COLUMN=VALUE: keep only matching rows (repeatable)");
    cmd->add_flag("--latest", latest, "keep only the latest run of each configuration (by date, then run id)");
    cmd->add_flag("--lenient", lenient, "skip files that cannot be read (listed on stderr) instead of failing");
  }
};

/// Loads the inputs with the options; bad files are listed on stderr (all of them).
inline result_table load_inputs(const input_options& o) {
  load_options lo;
  lo.lenient = o.lenient;
  lo.format = *file_format_from_string(o.format);
  for (const auto& s : o.set) lo.set.push_back(assignment_option(s, "--set"));
  if (o.gpus) {
    if (*o.gpus <= 0) option_error("--gpus", std::to_string(*o.gpus), "expected a GPU count > 0");
    if (*o.gpus > (1LL << 53)) option_error("--gpus", std::to_string(*o.gpus), "expected a GPU count <= 2^53");
    lo.set.emplace_back(cols::num_gpus, std::to_string(*o.gpus));
  }
  for (const auto& m : o.map) {
    const auto eq = m.rfind('=');
    if (eq == std::string::npos || eq == 0) option_error("--map", m, "expected 'Their Name=column'");
    lo.map.emplace_back(m.substr(0, eq), column_option(m.substr(eq + 1), "--map"));
  }
  std::vector<std::filesystem::path> paths(o.inputs.begin(), o.inputs.end());
  result_table t;
  try {
    t = load(paths, lo);
  } catch (const load_error& e) {
    if (e.errors().size() == 1) throw e.errors().front();
    for (const input_error& f : e.errors()) fmt::print(stderr, "inferlens: {}\n", f.what());
    throw input_error({}, fmt::format("{} inputs could not be read (--lenient loads the others)", e.errors().size()));
  }
  for (const source_file& f : t.files())
    if (!f.error.empty()) fmt::print(stderr, "inferlens: skipped: {}\n", f.error);
  for (const auto& f : o.filters) {
    const auto [c, value] = assignment_option(f, "--filter");
    result_table kept = t.where(c, value);
    if (kept.empty() && !t.empty()) {
      std::vector<std::string> values = t.distinct(c);
      if (values.size() > 12) {
        values.resize(12);
        values.push_back("...");
      }
      option_error("--filter", f,
                   values.empty() ? fmt::format("no row has a value in {}", name_of(c))
                                  : fmt::format("no row has {} = {}; the values there: {}", name_of(c), value, fmt::join(values, ", ")));
    }
    t = std::move(kept);
  }
  if (o.latest) t = t.latest();
  return t;
}

}  // namespace inferlens::cli
