// The result file formats the library reads (load.hpp) and writes (write.hpp), and how to load.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inferlens/columns.hpp"
#include "inferlens/error.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// The result file formats the library reads.
enum class file_format {
  automatic,         ///< decide from the content (and a .csv / .jsonl extension)
  inferencemax_agg,  ///< InferenceMAX agg_bmk.json: a JSON array of rows, latencies in seconds
  vllm_client,       ///< one raw `vllm bench serve` / InferenceMAX client result object (*_ms keys)
  sglang_jsonl,      ///< SGLang bench_serving --output-file: one JSON object per line, one run each
  csv,               ///< a header row of column names (aliases allowed), one point per record
  inferlens_json,    ///< the library's own JSON: rows keyed by canonical column names
  aiperf_json,       ///< GenAI-Perf / AIPerf aggregate export (profile_export_genai_perf.json, *_aiperf.json)
  guidellm_json,     ///< GuideLLM benchmarks.json: one point per benchmark of a sweep
  llmperf_summary,   ///< ray-project llmperf *_summary.json
};

inline constexpr file_format all_file_formats[] = {file_format::inferencemax_agg, file_format::vllm_client,
                                                   file_format::sglang_jsonl,     file_format::csv,
                                                   file_format::inferlens_json,   file_format::aiperf_json,
                                                   file_format::guidellm_json,    file_format::llmperf_summary};

INFERLENS_LAZY constexpr std::string_view to_string(file_format f) noexcept {
  switch (f) {
    case file_format::automatic: return "automatic";
    case file_format::inferencemax_agg: return "inferencemax_agg";
    case file_format::vllm_client: return "vllm_client";
    case file_format::sglang_jsonl: return "sglang_jsonl";
    case file_format::csv: return "csv";
    case file_format::inferlens_json: return "inferlens_json";
    case file_format::aiperf_json: return "aiperf_json";
    case file_format::guidellm_json: return "guidellm_json";
    case file_format::llmperf_summary: return "llmperf_summary";
  }
  return "unknown";
}

/// The format spelled as to_string() does, or by a short name (auto, agg, vllm, sglang, json).
INFERLENS_LAZY std::optional<file_format> file_format_from_string(std::string_view name) noexcept {
  if (name == "automatic" || name == "auto") return file_format::automatic;
  for (file_format f : all_file_formats)
    if (name == to_string(f)) return f;
  if (name == "agg" || name == "inferencemax") return file_format::inferencemax_agg;
  if (name == "vllm") return file_format::vllm_client;
  if (name == "sglang" || name == "jsonl") return file_format::sglang_jsonl;
  if (name == "json" || name == "inferlens") return file_format::inferlens_json;
  if (name == "aiperf" || name == "genai_perf") return file_format::aiperf_json;
  if (name == "guidellm") return file_format::guidellm_json;
  if (name == "llmperf") return file_format::llmperf_summary;
  return std::nullopt;
}

/// How to load.
struct load_options {
  file_format format = file_format::automatic;  ///< one format for every file, or detect each
  /// A file that cannot be read is recorded in files() with its error and skipped, instead of
  /// failing the load.
  bool lenient = false;
  /// Values for fields the files lack, applied to every point before derivation: e.g. a GPU count
  /// ({cols::tp, "8"}) for client files that have none. Values the files give are kept.
  std::vector<std::pair<column_id, std::string>> set;
  /// CSV headers with names of their own: header -> column (case-insensitive header match).
  std::vector<std::pair<std::string, column_id>> map;
  /// Files larger than this are refused (a guard against device files and mistakes).
  std::size_t max_file_bytes = std::size_t{4} << 30;
  /// Threads a large CSV is parsed on, one part of the file each: 0 as many as the cores this
  /// thread may run on, 1 for one pass. The table and its errors are the same either way.
  unsigned threads = 0;
  /// The smallest part worth a thread: a CSV is cut into parts of at least this many bytes (by
  /// default a file under 32 MB is read in one pass).
  std::size_t min_part_bytes = std::size_t{16} << 20;
};

/// Several inputs that could not be read: every one, with its own location and message.
class load_error : public input_error {
 public:
  explicit load_error(std::vector<input_error> errors)
      : input_error(errors.front().where(), summary(errors)), errors_(std::move(errors)) {}
  INFERLENS_LAZY std::span<const input_error> errors() const noexcept { return errors_; }

 private:
  INFERLENS_LAZY static std::string summary(const std::vector<input_error>& e) {
    std::string s = e.front().message();
    if (e.size() > 1) s += " (and " + std::to_string(e.size() - 1) + " more file" + (e.size() > 2 ? "s" : "") + " with errors)";
    return s;
  }
  std::vector<input_error> errors_;
};

INFERLENS_END_NAMESPACE
