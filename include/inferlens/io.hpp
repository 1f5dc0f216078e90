// Readers and writers of benchmark results: InferenceMAX/InferenceX aggregated rows
// (agg_bmk.json), raw `vllm bench serve` / InferenceMAX client JSON, SGLang bench_serving JSON
// lines, CSV with a header row, and the library's own JSON (agg rows plus every column).
//
// Every reader checks each value as it arrives and throws input_error naming the file, the row
// (1-based: array element, CSV data record, JSONL line) and the field, or the byte offset of a
// syntax error. Read points get derive() applied, and `source` = the file name when the row has
// none. Policies:
//  - null, an empty CSV cell or an empty string is a missing value, never zero;
//  - latencies, throughputs, token counts, power and energy must be finite and not negative; isl,
//    osl, conc, num_gpus and parallel sizes must be positive; request_rate may be inf ("inf" as
//    vLLM writes it, `Infinity` as Python's json writes it) and must be positive;
//  - a column given twice in one row (as its name and an alias) must have the same value;
//  - a zero-byte or blank file is an error; an empty JSON array `[]` or a CSV with a header and
//    no data rows is a valid empty result (a sweep that produced nothing), not an error;
//  - unknown keys and columns are ignored (schemas grow); a CSV without any known column is an error.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <optional>
#include <ostream>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "inferlens/detail/csv.hpp"
#include "inferlens/detail/json_point.hpp"
#include "inferlens/error.hpp"
#include "inferlens/record.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// The result file formats the library reads.
enum class file_format {
  automatic,         ///< decide from the content (and a .csv / .jsonl extension)
  inferencemax_agg,  ///< InferenceMAX agg_bmk.json: a JSON array of rows, latencies in seconds
  vllm_client,       ///< one raw `vllm bench serve` / InferenceMAX client result object (*_ms keys)
  sglang_jsonl,      ///< SGLang bench_serving --output-file: one JSON object per line, one run each
  csv,               ///< a header row of column names (aliases allowed), one point per record
  inferlens_json,    ///< the library's own JSON: agg rows keyed by every canonical column name
  aiperf_json,       ///< GenAI-Perf / AIPerf aggregate export (profile_export_genai_perf.json, *_aiperf.json)
};

inline std::string_view to_string(file_format f) noexcept {
  switch (f) {
    case file_format::automatic: return "automatic";
    case file_format::inferencemax_agg: return "inferencemax_agg";
    case file_format::vllm_client: return "vllm_client";
    case file_format::sglang_jsonl: return "sglang_jsonl";
    case file_format::csv: return "csv";
    case file_format::inferlens_json: return "inferlens_json";
    case file_format::aiperf_json: return "aiperf_json";
  }
  return "unknown";
}

/// The format spelled as to_string() does, or by a short name (auto, agg, vllm, sglang, json).
inline std::optional<file_format> file_format_from_string(std::string_view name) noexcept {
  for (file_format f : {file_format::automatic, file_format::inferencemax_agg, file_format::vllm_client,
                        file_format::sglang_jsonl, file_format::csv, file_format::inferlens_json,
                        file_format::aiperf_json})
    if (name == to_string(f)) return f;
  if (name == "auto") return file_format::automatic;
  if (name == "agg") return file_format::inferencemax_agg;
  if (name == "vllm") return file_format::vllm_client;
  if (name == "sglang" || name == "jsonl") return file_format::sglang_jsonl;
  if (name == "json") return file_format::inferlens_json;
  if (name == "aiperf" || name == "genai_perf") return file_format::aiperf_json;
  return std::nullopt;
}

namespace detail {

inline std::string lower_extension(std::string_view name) {
  std::string ext = std::filesystem::path(name).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

/// "run_<digits>" from "run_20218553330_agg_bmk.json" (the shared copies) or from the folder
/// of ".../run_20218553330/agg_bmk.json" (as `gh run download` lays them out): InferenceMAX
/// rows carry no run id of their own, only their artifact's name does.
inline std::string run_from_name(std::string_view name) {
  const std::filesystem::path path(name);
  auto run_prefix = [](const std::string& s, bool whole) -> std::string {
    if (s.rfind("run_", 0) != 0) return {};
    std::size_t end = 4;
    while (end < s.size() && std::isdigit(static_cast<unsigned char>(s[end]))) ++end;
    if (end == 4) return {};
    if (end < s.size() && (whole || (s[end] != '_' && s[end] != '.'))) return {};
    return s.substr(0, end);
  };
  if (std::string run = run_prefix(path.filename().string(), false); !run.empty()) return run;
  return run_prefix(path.parent_path().filename().string(), true);
}

inline std::string_view expectation(file_format f) noexcept {
  switch (f) {
    case file_format::inferencemax_agg:
    case file_format::inferlens_json: return "expected a JSON array of result rows";
    case file_format::vllm_client: return "expected a JSON object with a benchmark-client result";
    case file_format::sglang_jsonl: return "expected JSON lines, one benchmark run per line";
    case file_format::csv: return "expected a CSV header row";
    case file_format::aiperf_json: return "expected a JSON object of GenAI-Perf/AIPerf metrics";
    case file_format::automatic: break;
  }
  return "expected a JSON array of result rows, a benchmark-client JSON object, JSON lines or a CSV table";
}

[[noreturn]] inline void fail_empty(std::string_view name, file_format f) {
  throw input_error(input_location{std::string(name), {}, {}, {}}, "empty file: " + std::string(expectation(f)));
}

inline bool blank(std::string_view text) noexcept {
  text.remove_prefix(utf8_bom_length(text));
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

/// Fields a row must have to be a usable point, per format.
struct requirement {
  std::vector<std::size_t> any_of;  ///< column indices
};

struct row_requirements {
  std::vector<requirement> agg, client, sglang, table;

  static const row_requirements& get() {
    static const row_requirements r = [] {
      auto one_of = [](std::initializer_list<std::string_view> names) {
        requirement q;
        for (std::string_view n : names) q.any_of.push_back(column_index(*find_column(n)));
        return q;
      };
      row_requirements out;
      out.agg = {one_of({"hw"}),  one_of({"model"}),        one_of({"isl"}),
                 one_of({"osl"}), one_of({"conc"}),         one_of({"tput_per_gpu"}),
                 one_of({"median_tpot", "median_intvty"})};
      out.client = {one_of({"model"}), one_of({"duration"}), one_of({"completed"}),
                    one_of({"total_token_throughput", "output_throughput"})};
      out.sglang = {one_of({"duration"}), one_of({"completed"}),
                    one_of({"output_throughput", "total_token_throughput"})};
      // CSV and the library's own JSON: anything with a token throughput is a usable point.
      // The model is not required: SGLang's JSONL does not record it, and such points must
      // survive a round trip through these formats.
      out.table = {one_of({"total_token_throughput", "output_throughput", "input_throughput", "tput_per_gpu",
                           "output_tput_per_gpu", "input_tput_per_gpu"})};
      return out;
    }();
    return r;
  }
};

/// Checks a finished row, fills what the format implies, derives, and appends the point.
inline void finish_row(point_builder& b, std::string_view name, file_format f, std::vector<benchmark_point>& out) {
  static const std::size_t isl = column_index(*find_column("isl")), osl = column_index(*find_column("osl")),
                           input = column_index(*find_column("input_throughput")),
                           output = column_index(*find_column("output_throughput")),
                           total = column_index(*find_column("total_token_throughput"));
  const row_requirements& req = row_requirements::get();
  benchmark_point& p = b.point;
  if (f == file_format::automatic)  // a JSON array: rows from InferenceMAX are held to its schema
    f = b.has(column_rules::get().infmax_model_prefix) ? file_format::inferencemax_agg : file_format::inferlens_json;
  const std::vector<requirement>* required = &req.table;
  if (f == file_format::inferencemax_agg) required = &req.agg;
  if (f == file_format::vllm_client || f == file_format::sglang_jsonl) {
    required = f == file_format::vllm_client ? &req.client : &req.sglang;
    // SGLang: random_input_len / random_output_len are the nominal lengths only for the random
    // datasets (the script writes its defaults for the others too).
    if (b.dataset_name.rfind("random", 0) == 0) {
      if (b.random_input_len && !b.has(isl)) b.set(isl, *b.random_input_len, "random_input_len");
      if (b.random_output_len && !b.has(osl)) b.set(osl, *b.random_output_len, "random_output_len");
    }
    // Older SGLang lines have no total_throughput; it is defined as input + output.
    if (!b.has(total) && b.has(input) && b.has(output))
      b.set(total, *p.input_throughput + *p.output_throughput, "total_throughput");
  }
  for (const requirement& r : *required) b.require_any(r.any_of);
  // Input throughput is derived as total - output: a total below the output contradicts itself.
  if (p.total_token_throughput && p.output_throughput && *p.total_token_throughput < *p.output_throughput)
    b.fail("total_token_throughput", "is below output_throughput (" + to_string(cell(*p.output_throughput)) +
                                         "): total = input + output tokens/s");
  if (f == file_format::inferencemax_agg && p.run.empty()) p.run = run_from_name(name);
  if (p.source.empty()) p.source = std::string(name);
  derive(p);
  out.push_back(std::move(p));
}

inline std::vector<benchmark_point> parse_row_array(std::string_view text, std::string_view name, file_format f) {
  std::vector<benchmark_point> out;
  point_builder b(name);
  std::string key_scratch, value_scratch;
  json_scanner in(text, utf8_bom_length(text));
  if (in.at_end()) fail_empty(name, f);
  try {
    if (in.peek() != '[') in.fail(std::string(expectation(f)) + " ('['), got " + in.here());
    in.expect('[', "");
    if (!in.consume(']')) {
      out.reserve(text.size() / 1024 + 1);  // real rows are 1.2 to 1.4 KB
      for (std::size_t row = 1;; ++row) {
        b.start(row);
        if (in.peek() != '{') {
          const json_value v = in.value(value_scratch);
          b.fail("", "expected an object (one result row), got " + std::string(kind_name(v.type)));
        }
        read_object(in, row_keys(), b, key_scratch, value_scratch);
        finish_row(b, name, f, out);
        if (in.consume(',')) continue;
        in.expect(']', "or ',' after a result row");
        break;
      }
    }
    b.row.reset();
    if (!in.at_end()) in.fail("unexpected content after the array of result rows: " + in.here());
  } catch (const json_syntax_error& e) {
    throw input_error(input_location{std::string(name), b.row, e.byte, {}}, e.message);
  }
  return out;
}

/// vllm_client: exactly one object. sglang_jsonl: objects one after another, row = the line
/// where each starts (JSON lines, and also pretty-printed objects in a row).
inline std::vector<benchmark_point> parse_client_objects(std::string_view text, std::string_view name,
                                                         file_format f) {
  std::vector<benchmark_point> out;
  point_builder b(name);
  std::string key_scratch, value_scratch;
  json_scanner in(text, utf8_bom_length(text));
  if (in.at_end()) fail_empty(name, f);
  const bool lines = f == file_format::sglang_jsonl;
  std::size_t line = 1, counted = 0;
  try {
    while (!in.at_end()) {
      const std::size_t start = in.pos();
      line += static_cast<std::size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(counted),
                                                  text.begin() + static_cast<std::ptrdiff_t>(start), '\n'));
      counted = start;
      b.start(lines ? std::optional<std::size_t>(line) : std::nullopt);
      if (in.peek() != '{') {
        const json_value v = in.value(value_scratch);
        b.fail("", std::string(expectation(f)) + ": expected an object, got " + std::string(kind_name(v.type)));
      }
      read_object(in, client_keys(), b, key_scratch, value_scratch);
      finish_row(b, name, f, out);
      if (!lines && !in.at_end())
        in.fail("unexpected content after the result object (several objects, one per line, are sglang_jsonl)");
    }
  } catch (const json_syntax_error& e) {
    throw input_error(input_location{std::string(name), b.row, e.byte, {}}, e.message);
  }
  return out;
}

inline std::vector<benchmark_point> parse_csv(std::string_view text, std::string_view name) {
  std::vector<benchmark_point> out;
  point_builder b(name);
  csv_reader in(text);
  std::vector<std::string_view> fields;
  std::optional<std::size_t> row;  // the data record being read; none while reading the header
  try {
    if (!in.next(fields)) fail_empty(name, file_format::csv);
    std::vector<std::string> header;
    for (std::string_view h : fields) header.emplace_back(trim(h));
    constexpr std::size_t none = static_cast<std::size_t>(-1);
    std::vector<std::size_t> column_of(header.size(), none), header_of(columns().size(), none);
    bool any = false;
    for (std::size_t i = 0; i < header.size(); ++i) {
      const column* c = find_column(header[i]);  // case-insensitive, aliases such as source_run
      if (!c) continue;
      const std::size_t index = column_index(*c);
      if (header_of[index] != none)
        throw input_error(input_location{std::string(name), {}, {}, header[i]},
                          "names the same column as '" + header[header_of[index]] + "' (" + std::string(c->name) + ")");
      header_of[index] = i;
      column_of[i] = index;
      any = true;
    }
    if (!any)
      throw input_error(input_location{std::string(name), {}, {}, {}},
                        "no known column in the header row: expected column names such as model, conc, "
                        "tput_per_gpu, median_intvty (see inferlens::columns())");
    out.reserve(text.size() / 600 + 1);
    for (std::size_t n = 1;; ++n) {
      row = n;
      if (!in.next(fields)) break;
      b.start(n);
      if (fields.size() != header.size())
        b.fail("", "has " + std::to_string(fields.size()) + " fields, the header has " + std::to_string(header.size()));
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (column_of[i] == none) continue;
        cell value;
        if (std::string err = text_to_cell(columns()[column_of[i]], fields[i], value); !err.empty())
          b.fail(header[i], err);
        b.set(column_of[i], std::move(value), header[i]);
      }
      finish_row(b, name, file_format::csv, out);
    }
  } catch (const csv_syntax_error& e) {
    throw input_error(input_location{std::string(name), row, e.byte, {}}, e.message);
  }
  return out;
}

/// nlohmann's value as the scanner's, so both paths share json_to_cell.
inline json_value scanner_value(const nlohmann::json& j, std::string& spelling) {
  json_value v;
  using K = json_value::kind;
  switch (j.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded: break;
    case nlohmann::json::value_t::boolean: v.type = K::boolean, v.boolean = j.get<bool>(); break;
    case nlohmann::json::value_t::number_integer: v.type = K::integer, v.integer = j.get<std::int64_t>(); break;
    case nlohmann::json::value_t::number_unsigned: {
      const auto u = j.get<std::uint64_t>();
      if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        v.type = K::integer, v.integer = static_cast<std::int64_t>(u);
      else
        v.type = K::real, v.real = static_cast<double>(u);
      break;
    }
    case nlohmann::json::value_t::number_float: v.type = K::real, v.real = j.get<double>(); break;
    case nlohmann::json::value_t::string: v.type = K::string, v.text = j.get_ref<const std::string&>(); break;
    case nlohmann::json::value_t::object: v.type = K::object; break;
    case nlohmann::json::value_t::array:
    case nlohmann::json::value_t::binary: v.type = K::array; break;
  }
  if (v.type == K::real) {
    spelling = to_string(cell{v.real});
    v.text = spelling;
  }
  return v;
}
/// GenAI-Perf / AIPerf aggregate export: one object of metrics {"unit": ..., "avg": ..., "p50":
/// ..., "std": ..., "p90": ..., "p99": ...} plus "input_config". Their inter_token_latency is
/// (latency - TTFT) / (tokens - 1) per request, which is vLLM's TPOT; their inter_chunk_latency
/// is vLLM's ITL. Fields that are not there (GPUs, ISL/OSL nominal lengths) stay missing.
inline std::vector<benchmark_point> parse_aiperf(std::string_view text, std::string_view name) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    throw input_error(input_location{std::string(name), {}, e.byte > 0 ? e.byte - 1 : 0, {}}, e.what());
  }
  point_builder b(name);
  b.start(std::nullopt);
  if (!doc.is_object()) b.fail("", std::string(expectation(file_format::aiperf_json)) + ", got " + doc.type_name());
  std::string spelling;
  auto put = [&](std::string_view column_name, const nlohmann::json& v, double scale, const std::string& field) {
    const column& c = *find_column(column_name);
    cell value;
    if (std::string err = json_to_cell(c, scanner_value(v, spelling), true, value); !err.empty()) b.fail(field, err);
    if (double* d = std::get_if<double>(&value)) *d *= scale;
    b.set(column_index(c), std::move(value), field);
  };
  auto metric = [&](const char* tag) -> const nlohmann::json* {
    const auto it = doc.find(tag);
    if (it == doc.end() || it->is_null()) return nullptr;
    if (!it->is_object()) b.fail(tag, std::string("expected an object of statistics, got ") + it->type_name());
    return &*it;
  };
  auto seconds_per = [&](const nlohmann::json& m, const std::string& tag) {
    const auto unit = m.find("unit");
    const std::string u = unit != m.end() && unit->is_string() ? unit->get<std::string>() : "";
    if (u == "ms") return 1e-3;
    if (u == "s" || u == "sec") return 1.0;
    if (u == "us") return 1e-6;
    if (u == "ns") return 1e-9;
    b.fail(tag + ".unit", "expected a time unit (ns, us, ms, s, sec), got " + quote_excerpt(u));
  };
  constexpr std::pair<const char*, const char*> latencies[] = {
      {"time_to_first_token", "ttft"}, {"inter_token_latency", "tpot"},
      {"inter_chunk_latency", "itl"},  {"request_latency", "e2el"}};
  constexpr std::pair<const char*, const char*> statistics[] = {
      {"avg", "mean"}, {"p50", "median"}, {"std", "std"}, {"p90", "p90"}, {"p99", "p99"}};
  for (const auto& [tag, metric_name] : latencies) {
    const nlohmann::json* m = metric(tag);
    if (!m) continue;
    const double scale = seconds_per(*m, tag);
    for (const auto& [key, stat] : statistics)
      if (const auto v = m->find(key); v != m->end())
        put(std::string(stat) + "_" + metric_name, *v, scale, std::string(tag) + "." + key);
  }
  constexpr std::pair<const char*, const char*> totals[] = {
      {"request_throughput", "request_throughput"},   {"output_token_throughput", "output_throughput"},
      {"total_token_throughput", "total_token_throughput"}, {"goodput", "request_goodput"},
      {"benchmark_duration", "duration"},             {"request_count", "completed"},
      {"error_request_count", "failed"},              {"total_isl", "total_input_tokens"},
      {"total_osl", "total_output_tokens"}};
  for (const auto& [tag, column_name] : totals) {
    const nlohmann::json* m = metric(tag);
    if (!m) continue;
    const auto v = m->find("avg");
    if (v == m->end()) b.fail(std::string(tag) + ".avg", "missing: expected the value under \"avg\"");
    put(column_name, *v, std::string_view(tag) == "benchmark_duration" ? seconds_per(*m, tag) : 1.0,
        std::string(tag) + ".avg");
  }
  // the run's settings: AIPerf nests them (endpoint.model_names, loadgen.*), GenAI-Perf does not
  if (const auto config = doc.find("input_config"); config != doc.end() && config->is_object()) {
    auto at = [&](std::initializer_list<const char*> path) -> const nlohmann::json* {
      const nlohmann::json* j = &*config;
      for (const char* key : path) {
        if (!j->is_object()) return nullptr;
        const auto it = j->find(key);
        if (it == j->end()) return nullptr;
        j = &*it;
      }
      return j;
    };
    for (auto [value, field] : {std::pair{at({"endpoint", "model_names"}), "input_config.endpoint.model_names"},
                                std::pair{at({"model"}), "input_config.model"}})
      if (value && !b.has(column_index(*find_column("model"))))
        put("model", value->is_array() && !value->empty() ? value->front() : *value, 1, field);
    for (auto [value, field] : {std::pair{at({"loadgen", "concurrency"}), "input_config.loadgen.concurrency"},
                                std::pair{at({"concurrency"}), "input_config.concurrency"}})
      if (value) put("conc", *value, 1, field);
    for (auto [value, field] : {std::pair{at({"loadgen", "request_rate"}), "input_config.loadgen.request_rate"},
                                std::pair{at({"request_rate"}), "input_config.request_rate"}})
      if (value) put("request_rate", *value, 1, field);
  }
  // AIPerf defines total_token_throughput = (total_isl + total_osl) / benchmark_duration; GenAI-Perf
  // and older AIPerf exports do not write it
  const benchmark_point& p = b.point;
  const std::size_t total = column_index(*find_column("total_token_throughput"));
  if (!b.has(total) && p.total_input_tokens && p.total_output_tokens && p.duration && *p.duration > 0)
    b.set(total, static_cast<double>(*p.total_input_tokens + *p.total_output_tokens) / *p.duration,
          "total_token_throughput");
  std::vector<benchmark_point> out;
  finish_row(b, name, file_format::aiperf_json, out);
  return out;
}

/// Whether the first record names at least one known column.
inline bool looks_like_csv(std::string_view text) {
  try {
    csv_reader in(text);
    std::vector<std::string_view> fields;
    if (!in.next(fields)) return false;
    return std::any_of(fields.begin(), fields.end(),
                       [](std::string_view f) { return find_column(trim(f)) != nullptr; });
  } catch (const csv_syntax_error&) {
    return false;
  }
}

/// Calls f(key) for each key of the object at the scanner, skipping the values.
template <class F>
void for_each_key(json_scanner& in, F&& f) {
  std::string scratch;
  in.expect('{', "");
  if (in.consume('}')) return;
  do {
    f(in.string(scratch));
    in.expect(':', "after an object key");
    in.skip_value();
  } while (in.consume(','));
  in.expect('}', "or ',' after an object member");
}

}  // namespace detail

/// The format of a document by its content: a JSON array is InferenceMAX agg rows when its first
/// row has `infmax_model_prefix` (every upstream row does), else the library's own JSON (when
/// parsing automatically this is decided row by row, see parse_results); one JSON
/// object is a vLLM/InferenceMAX client result (model_id, *_ms keys), or an SGLang run (SGLang's
/// dataset_name, *_e2e_latency_ms, total_throughput keys, or a .jsonl name), or a GenAI-Perf /
/// AIPerf export (time_to_first_token, request_latency, ... objects); several objects are
/// SGLang JSON lines; anything else is CSV when named *.csv or when its first line names a known
/// column. Throws input_error, saying what was expected, when nothing fits.
inline file_format detect_format(std::string_view text, std::string_view name) {
  using namespace detail;
  json_scanner in(text, utf8_bom_length(text));
  if (in.at_end()) fail_empty(name, file_format::automatic);
  const std::string ext = lower_extension(name);
  const char first = in.peek();
  if (first == '[') {
    bool agg = false;
    try {
      in.expect('[', "");
      if (in.peek() == '{') for_each_key(in, [&](std::string_view k) { agg = agg || k == "infmax_model_prefix"; });
    } catch (const json_syntax_error&) {  // the parse proper reports it
    }
    return agg ? file_format::inferencemax_agg : file_format::inferlens_json;
  }
  if (first == '{') {
    bool sglang = false, client = false, aiperf = false, more = false;
    try {
      for_each_key(in, [&](std::string_view k) {
        sglang = sglang || k == "dataset_name" || k == "total_throughput" || k.ends_with("_e2e_latency_ms");
        client = client || k == "model_id" || k == "request_goodput:" || k.ends_with("_ms");
        aiperf = aiperf || k == "time_to_first_token" || k == "inter_token_latency" || k == "request_latency" ||
                 k == "benchmark_duration" || k == "output_token_throughput";
      });
      more = !in.at_end();
    } catch (const json_syntax_error&) {  // judged by the keys before it; the parse proper reports it
      if (!aiperf && !sglang && ext != ".jsonl") return file_format::vllm_client;
    }
    if (aiperf && !more && !client) return file_format::aiperf_json;
    if (more || sglang || ext == ".jsonl") return file_format::sglang_jsonl;
    if (client) return file_format::vllm_client;
    throw input_error(input_location{std::string(name), {}, {}, {}},
                      "a JSON object without benchmark-client keys: expected a vLLM/InferenceMAX client result "
                      "(model_id, duration, *_ms latencies), SGLang bench_serving lines or a GenAI-Perf/AIPerf "
                      "export (time_to_first_token, request_latency, ...)");
  }
  if (ext == ".csv" || detail::looks_like_csv(text)) return file_format::csv;
  const std::string_view rest = text.substr(in.pos());
  throw input_error(input_location{std::string(name), {}, in.pos(), {}},
                    "not a result file: " + std::string(expectation(file_format::automatic)) + ", got " +
                        quote_excerpt(rest.substr(0, rest.find_first_of("\r\n"))));
}

/// Parses one document already in memory; `name` (the file path) names it in errors and becomes
/// the points' `source`. See the top of this header for the rules.
inline std::vector<benchmark_point> parse_results(std::string_view text, std::string_view name,
                                                  file_format format = file_format::automatic) {
  if (detail::blank(text)) detail::fail_empty(name, format);
  if (format == file_format::automatic) {
    format = detect_format(text, name);
    // Arrays: each row that has infmax_model_prefix is checked as an InferenceMAX row, the others
    // as the library's own rows (a file written by write_json may hold both).
    if (format == file_format::inferencemax_agg || format == file_format::inferlens_json)
      return detail::parse_row_array(text, name, file_format::automatic);
  }
  switch (format) {
    case file_format::inferencemax_agg:
    case file_format::inferlens_json: return detail::parse_row_array(text, name, format);
    case file_format::vllm_client:
    case file_format::sglang_jsonl: return detail::parse_client_objects(text, name, format);
    case file_format::csv: return detail::parse_csv(text, name);
    case file_format::aiperf_json: return detail::parse_aiperf(text, name);
    case file_format::automatic: break;
  }
  return {};
}

/// Reads one file.
inline std::vector<benchmark_point> read_results(const std::filesystem::path& file,
                                                 file_format format = file_format::automatic) {
  const std::string name = file.string();
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    throw input_error(input_location{name, {}, {}, {}}, "is a directory (load_results reads directories)");
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw input_error(input_location{name, {}, {}, {}},
                      std::filesystem::exists(file, ec) ? "cannot open the file" : "no such file");
  std::string text;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size > 0) {
    text.resize(static_cast<std::size_t>(size));
    in.seekg(0);
    in.read(text.data(), size);
    text.resize(static_cast<std::size_t>(in.gcount()));
  } else {  // not seekable (a pipe): read to the end
    in.clear();
    in.seekg(0);
    std::ostringstream all;
    all << in.rdbuf();
    text = std::move(all).str();
  }
  return parse_results(text, name, format);
}

/// What load_results found: the points of every good file, the errors of the bad ones (lenient
/// mode), and how many files were loaded.
struct load_report {
  std::vector<benchmark_point> points;
  std::vector<input_error> errors;
  std::size_t files_read = 0;  ///< files whose points were loaded
};

/// Loads files and directories, in the order given. A directory contributes every *.json,
/// *.jsonl and *.csv file inside it, recursively, sorted by path (hidden files and folders,
/// named with a leading '.', are skipped); a directory without any is an error. Strict
/// (lenient = false): the first bad input throws its input_error. Lenient: bad inputs are
/// reported in `errors` and the good ones loaded.
inline load_report load_results(std::span<const std::filesystem::path> inputs, bool lenient = false) {
  namespace fs = std::filesystem;
  load_report report;
  auto failed = [&](const input_error& e) {
    if (!lenient) throw e;
    report.errors.push_back(e);
  };
  auto load = [&](const fs::path& file) {
    try {
      std::vector<benchmark_point> points = read_results(file);
      report.points.insert(report.points.end(), std::make_move_iterator(points.begin()),
                           std::make_move_iterator(points.end()));
      ++report.files_read;
    } catch (const input_error& e) {
      failed(e);
    }
  };
  for (const fs::path& input : inputs) {
    std::error_code ec;
    if (!fs::is_directory(input, ec)) {
      load(input);
      continue;
    }
    std::vector<fs::path> files;
    try {
      for (auto it = fs::recursive_directory_iterator(input, fs::directory_options::skip_permission_denied);
           it != fs::recursive_directory_iterator(); ++it) {
        const std::string file_name = it->path().filename().string();
        if (!file_name.empty() && file_name.front() == '.') {
          if (it->is_directory(ec)) it.disable_recursion_pending();
          continue;
        }
        const std::string ext = detail::lower_extension(file_name);
        if (it->is_regular_file(ec) && (ext == ".json" || ext == ".jsonl" || ext == ".csv"))
          files.push_back(it->path());
      }
    } catch (const fs::filesystem_error& e) {
      failed(input_error(input_location{input.string(), {}, {}, {}},
                         "cannot list the directory: " + e.code().message()));
      continue;
    }
    std::sort(files.begin(), files.end());
    if (files.empty())
      failed(input_error(input_location{input.string(), {}, {}, {}},
                         "no result files (*.json, *.jsonl, *.csv) in the directory"));
    for (const fs::path& file : files) load(file);
  }
  return report;
}

/// One file or directory.
inline load_report load_results(const std::filesystem::path& input, bool lenient = false) {
  return load_results(std::span<const std::filesystem::path>(&input, 1), lenient);
}

// ---------------------------------------------------------------------------------------------
// Writers
// ---------------------------------------------------------------------------------------------

/// The library's own JSON: an array with one object per point (one per line), keyed by the
/// canonical column names in registry order, latencies in seconds; missing values are left out.
/// It is a superset of the InferenceMAX agg row, spelled the same way (dp_attention as the
/// strings "true"/"false", disagg and is_multinode as booleans), so agg tooling can read it.
/// Doubles are written shortest-exact; an infinite request_rate as "inf"; NaN and other
/// infinities have no JSON spelling and are left out.
inline void write_json(std::ostream& os, std::span<const benchmark_point> points) {
  const auto all = columns();
  std::string out;
  out.reserve(points.size() * 1600 + 4);
  out += points.empty() ? "[" : "[\n";
  for (std::size_t k = 0; k < points.size(); ++k) {
    out += '{';
    bool first = true;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const std::string value = detail::json_cell_text(i, all[i].get(points[k]));
      if (value.empty()) continue;
      if (!first) out += ", ";
      first = false;
      detail::append_json_string(out, all[i].name);
      out += ": ";
      out += value;
    }
    out += k + 1 < points.size() ? "},\n" : "}\n";
  }
  out += "]\n";
  os.write(out.data(), static_cast<std::streamsize>(out.size()));
}

/// CSV with a header row of canonical column names: the columns that at least one point has, in
/// registry order; missing cells empty; RFC 4180 quoting; "\n" line ends. Doubles shortest-exact;
/// an infinite request_rate as "inf"; NaN and other infinities are left empty. No points: nothing
/// is written (and an empty file does not read back: it has no header).
inline void write_csv(std::ostream& os, std::span<const benchmark_point> points) {
  const auto all = columns();
  auto text_of = [](std::size_t i, const cell& c) -> std::string {
    if (const double* d = std::get_if<double>(&c); d && !std::isfinite(*d))
      return i == detail::column_rules::get().request_rate && *d > 0 ? "inf" : "";
    return to_string(c);
  };
  std::vector<std::size_t> used;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (std::any_of(points.begin(), points.end(),
                    [&](const benchmark_point& p) { return !text_of(i, all[i].get(p)).empty(); }))
      used.push_back(i);
  if (used.empty()) return;
  std::string out;
  for (std::size_t k = 0; k < used.size(); ++k) {
    if (k > 0) out += ',';
    detail::append_csv_field(out, all[used[k]].name);
  }
  out += '\n';
  for (const benchmark_point& p : points) {
    for (std::size_t k = 0; k < used.size(); ++k) {
      if (k > 0) out += ',';
      detail::append_csv_field(out, text_of(used[k], all[used[k]].get(p)));
    }
    out += '\n';
  }
  os.write(out.data(), static_cast<std::streamsize>(out.size()));
}

namespace detail {
/// A cell as nlohmann::json with write_json's spelling, or nothing when it is left out.
inline std::optional<nlohmann::json> cell_json(std::size_t index, const cell& c) {
  if (std::holds_alternative<std::monostate>(c)) return std::nullopt;
  if (const double* d = std::get_if<double>(&c)) {
    if (std::isfinite(*d)) return nlohmann::json(*d);
    if (index == column_rules::get().request_rate && *d > 0) return nlohmann::json("inf");
    return std::nullopt;
  }
  if (const bool* b = std::get_if<bool>(&c))
    return column_rules::get().text_boolean[index] ? nlohmann::json(*b ? "true" : "false") : nlohmann::json(*b);
  if (const std::int64_t* i = std::get_if<std::int64_t>(&c)) return nlohmann::json(*i);
  return nlohmann::json(std::get<std::string>(c));
}

}  // namespace detail

/// One point as a JSON object with write_json's keys and spelling (ADL hook for nlohmann::json).
inline void to_json(nlohmann::json& j, const benchmark_point& p) {
  j = nlohmann::json::object();
  const auto all = columns();
  for (std::size_t i = 0; i < all.size(); ++i)
    if (auto v = detail::cell_json(i, all[i].get(p))) j[std::string(all[i].name)] = std::move(*v);
}

/// One point from a JSON object keyed by canonical column names or aliases, seconds units
/// (ADL hook). Strict: wrong types and out-of-range values throw input_error naming the key
/// (file "<json>"). Unknown keys are ignored; derive() is not applied, so it inverts to_json.
inline void from_json(const nlohmann::json& j, benchmark_point& p) {
  detail::point_builder b("<json>");
  b.start(std::nullopt);
  if (!j.is_object())
    b.fail("", "expected a JSON object (one result row), got " + std::string(j.type_name()));
  const auto& keys = detail::row_keys();
  std::string spelling;
  for (const auto& [key, value] : j.items()) {
    const detail::key_action* a = keys.find(key);
    if (a && a->kind != detail::key_kind::ignore) b.apply(*a, detail::scanner_value(value, spelling), key);
  }
  p = std::move(b.point);
}

/// The raw `vllm bench serve` / InferenceMAX client schema: model_id, max_concurrency,
/// num_prompts, request_rate ("inf" or a number), date, duration, completed, failed, token totals
/// and throughputs, "request_goodput:" (upstream's spelling, with its colon; null when missing)
/// and {mean,median,std,p90,p99,p99.9}_{ttft,tpot,itl,e2el}_ms in milliseconds. Every other
/// column the point has is written under its canonical name, as `--metadata` keys are, so
/// reading the object back keeps every field (the ms <-> s conversion may cost one ulp).
/// Keys the point cannot know (backend, tokenizer_id, burstiness, ...) are the caller's to add.
inline nlohmann::json to_vllm_client_json(const benchmark_point& p) {
  nlohmann::json j = nlohmann::json::object();
  const auto all = columns();
  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::string_view name = all[i].name;
    std::optional<nlohmann::json> v = detail::cell_json(i, all[i].get(p));
    if (name == "request_goodput") {
      j["request_goodput:"] = v ? std::move(*v) : nlohmann::json(nullptr);
      continue;
    }
    if (!v) continue;
    const bool latency = all[i].unit == "s" && (name.ends_with("_ttft") || name.ends_with("_tpot") ||
                                                name.ends_with("_itl") || name.ends_with("_e2el"));
    if (latency)
      j[std::string(name) + "_ms"] = v->get<double>() * 1000;
    else if (name == "model")
      j["model_id"] = std::move(*v);
    else if (name == "conc")
      j["max_concurrency"] = std::move(*v);
    else
      j[std::string(name)] = std::move(*v);
  }
  return j;
}

INFERLENS_END_NAMESPACE
