// Reading results: load(file or directory, any format) gives a result table. Formats are
// recognised from the content: InferenceMAX/InferenceX aggregated rows (agg_bmk.json), raw
// `vllm bench serve` / InferenceMAX client JSON, SGLang bench_serving JSON lines, GenAI-Perf and
// AIPerf exports, CSV with a header row, and the library's own JSON (docs/formats.md).
//
// Every reader checks each value as it arrives and throws input_error naming the file, the row
// (1-based: array element, CSV data record, JSONL line) and the field, or the byte offset of a
// syntax error. Read points get derive() applied, and `source`/`source_row` set. Policies:
//  - null, an empty CSV cell or an empty string is a missing value, never zero;
//  - latencies, throughputs, token counts, power and energy must be finite and not negative; isl,
//    osl, concurrency, num_gpus and parallel sizes must be positive; request_rate may be inf ("inf"
//    as vLLM writes it, `Infinity` as Python's json writes it); -0 reads as 0;
//  - a column given twice in one row (as its name and an alias) must have the same value;
//  - figures that contradict each other are refused: a total throughput below the output, per-GPU
//    output above per-GPU total on one node, input + output unequal to the total;
//  - text must be valid UTF-8; a number that overflows a double is an error, not inf;
//  - a zero-byte or blank file is an error; an empty JSON array `[]` or a CSV with a header and no
//    data rows is a valid empty result (a sweep that produced nothing);
//  - unknown keys and columns are ignored (schemas grow); a CSV without any known column is an
//    error that lists the columns it saw.
#pragma once

#include <algorithm>
#include <bitset>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <sys/stat.h>

#include "inferlens/columns.hpp"
#include "inferlens/detail/csv_reader.hpp"
#include "inferlens/detail/json.hpp"
#include "inferlens/detail/point_builder.hpp"
#include "inferlens/detail/text.hpp"
#include "inferlens/error.hpp"
#include "inferlens/models.hpp"
#include "inferlens/record.hpp"
#include "inferlens/result_table.hpp"
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
};

inline constexpr file_format all_file_formats[] = {file_format::inferencemax_agg, file_format::vllm_client,
                                                   file_format::sglang_jsonl,     file_format::csv,
                                                   file_format::inferlens_json,   file_format::aiperf_json};

inline constexpr std::string_view to_string(file_format f) noexcept {
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
  if (name == "automatic" || name == "auto") return file_format::automatic;
  for (file_format f : all_file_formats)
    if (name == to_string(f)) return f;
  if (name == "agg" || name == "inferencemax") return file_format::inferencemax_agg;
  if (name == "vllm") return file_format::vllm_client;
  if (name == "sglang" || name == "jsonl") return file_format::sglang_jsonl;
  if (name == "json" || name == "inferlens") return file_format::inferlens_json;
  if (name == "aiperf" || name == "genai_perf") return file_format::aiperf_json;
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
};

/// Several inputs that could not be read: every one, with its own location and message.
class load_error : public input_error {
 public:
  explicit load_error(std::vector<input_error> errors)
      : input_error(errors.front().where(), summary(errors)), errors_(std::move(errors)) {}
  std::span<const input_error> errors() const noexcept { return errors_; }

 private:
  static std::string summary(const std::vector<input_error>& e) {
    std::string s = e.front().message();
    if (e.size() > 1) s += " (and " + std::to_string(e.size() - 1) + " more file" + (e.size() > 2 ? "s" : "") + " with errors)";
    return s;
  }
  std::vector<input_error> errors_;
};

namespace detail {

inline std::string lower_extension(std::string_view name) {
  return lower(std::filesystem::path(name).extension().string());
}

/// "run_<digits>" from "run_20218553330_agg_bmk.json" or from the folder of
/// ".../run_20218553330/agg_bmk.json" (as `gh run download` lays them out): InferenceMAX rows carry
/// no run id of their own, only their artifact's name does.
inline std::string run_from_name(std::string_view name) {
  const std::filesystem::path path(name);
  auto run_prefix = [](const std::string& s, bool whole) -> std::string {
    if (s.rfind("run_", 0) != 0) return {};
    std::size_t end = 4;
    while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
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

/// Where finished rows go: a column store, with the load options applied to each point.
struct row_sink {
  std::shared_ptr<table_storage> storage = std::make_shared<table_storage>();
  const load_options* options = nullptr;
  std::size_t rows = 0;
  // The columns stored so far: what the files gave, what derive() fills, what add() sets.
  std::bitset<point_column_count> stored;
  std::vector<column_id> stored_ids;

  void add(point_builder& b, file_format f, std::string_view name);

  void store(point_builder& b) {
    std::bitset<point_column_count> now = stored | b.given;
    if (stored_ids.empty()) {
      for (column_id c : derived_columns) now.set(index_of(c));
      for (column_id c : {cols::model, cols::model_raw, cols::run, cols::source, cols::source_row}) now.set(index_of(c));
      if (options)
        for (const auto& s : options->set) now.set(index_of(s.first));
    }
    if (now != stored) {
      stored = now;
      stored_ids.clear();
      for (std::size_t i = 0; i < point_column_count; ++i)
        if (stored[i]) stored_ids.push_back(static_cast<column_id>(i));
    }
    append_point(*storage, b.point, stored_ids);
    ++rows;
  }
};

// The fields a row must have to be a usable point, per format.
inline void require_fields(const point_builder& b, file_format f) {
  switch (f) {
    case file_format::inferencemax_agg:
      b.require_any({cols::hw});
      b.require_any({cols::model, cols::model_raw});
      b.require_any({cols::isl});
      b.require_any({cols::osl});
      b.require_any({cols::concurrency});
      b.require_any({cols::tput_per_gpu});
      b.require_any({cols::median_tpot, cols::median_intvty});
      return;
    case file_format::vllm_client:
      b.require_any({cols::model, cols::model_raw});
      b.require_any({cols::duration});
      b.require_any({cols::completed});
      b.require_any({cols::total_token_throughput, cols::output_throughput});
      return;
    case file_format::sglang_jsonl:
      b.require_any({cols::duration});
      b.require_any({cols::completed});
      b.require_any({cols::output_throughput, cols::total_token_throughput});
      return;
    default:
      // CSV, the library's own JSON, exports: anything with a token throughput is a usable point.
      // The model is not required: SGLang's JSONL does not record it, and such points must survive
      // a round trip through these formats.
      b.require_any({cols::total_token_throughput, cols::output_throughput, cols::input_throughput, cols::tput_per_gpu,
                     cols::output_tput_per_gpu, cols::input_tput_per_gpu});
  }
}

inline void row_sink::add(point_builder& b, file_format f, std::string_view name) {
  benchmark_point& p = b.point;
  if (f == file_format::vllm_client || f == file_format::sglang_jsonl) {
    if (b.dataset_name.rfind("random", 0) == 0) {
      if (b.random_input_len && !b.has(cols::isl)) b.set_number(cols::isl, static_cast<double>(*b.random_input_len), "random_input_len");
      if (b.random_output_len && !b.has(cols::osl)) b.set_number(cols::osl, static_cast<double>(*b.random_output_len), "random_output_len");
    }
    // Older SGLang lines have no total_throughput; it is defined as input + output.
    if (!b.has(cols::total_token_throughput) && p.input_throughput && p.output_throughput)
      b.set_number(cols::total_token_throughput, *p.input_throughput + *p.output_throughput, "total_throughput");
  }
  require_fields(b, f);
  if (options)
    for (const auto& [c, value] : options->set)
      if (!b.has(c)) b.set_from_text(c, value, name_of(c));
  check_consistency([&](column_id c) { return number(p, c); }, [&](std::string_view field, const std::string& m) { b.fail(field, m); });
  // The model: `model` is canonical, `model_raw` as written (InferenceMAX's `model` is the
  // checkpoint). Either way the canonical name goes through the shipped identities.
  const bool raw_model = f == file_format::inferencemax_agg && !b.has(cols::model_raw);
  if (p.model_raw.empty()) p.model_raw = p.model;
  if (raw_model || !b.has(cols::model)) p.model = canonical_model(p.model_raw, p.model_prefix);
  else p.model = canonical_model(p.model, p.model_prefix);
  if (f == file_format::inferencemax_agg && p.run.empty()) p.run = run_from_name(name);
  if (p.source.empty()) p.source = std::string(name);
  if (!p.source_row && b.row) p.source_row = static_cast<std::int64_t>(*b.row);
  derive(p);
  store(b);
}

inline void parse_row_array(std::string_view text, std::string_view name, file_format f, row_sink& sink) {
  point_builder b(name);
  std::string key_scratch, value_scratch;
  json_scanner in(text, utf8_bom_length(text));
  if (in.at_end()) fail_empty(name, f);
  try {
    if (in.peek() != '[') in.fail(std::string(expectation(f)) + " ('['), got " + in.here());
    in.expect('[', "");
    if (!in.consume(']')) {
      for (std::size_t row = 1;; ++row) {
        b.start(row);
        if (in.peek() != '{') {
          const json_value v = in.value(value_scratch);
          b.fail("", "expected an object (one result row), got " + std::string(kind_name(v.type)));
        }
        read_object(in, row_keys(), b, key_scratch, value_scratch);
        // Rows from InferenceMAX are held to its schema; a file written by the library may mix.
        const file_format row_format =
            f != file_format::automatic ? f
            : b.has(cols::model_prefix) && !b.has(cols::model_raw) ? file_format::inferencemax_agg
                                                                   : file_format::inferlens_json;
        sink.add(b, row_format, name);
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
}

/// vllm_client: exactly one object. sglang_jsonl: objects one after another, row = the line where
/// each starts (JSON lines, and also pretty-printed objects in a row).
inline void parse_client_objects(std::string_view text, std::string_view name, file_format f, row_sink& sink) {
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
      sink.add(b, f, name);
      if (!lines && !in.at_end())
        in.fail("unexpected content after the result object (several objects, one per line, are sglang_jsonl)");
    }
  } catch (const json_syntax_error& e) {
    throw input_error(input_location{std::string(name), b.row, e.byte, {}}, e.message);
  }
}

/// The CSV header: each field's column (or none), checked.
struct csv_header {
  static constexpr std::size_t none = static_cast<std::size_t>(-1);
  std::vector<std::string> names;
  std::vector<std::size_t> column_of;  // header field -> column index, or none

  csv_header(const std::vector<std::string_view>& fields, std::string_view file, const load_options* o) {
    std::vector<std::size_t> header_of(point_column_count, none);
    bool any = false;
    for (std::string_view h : fields) names.emplace_back(trim(h));
    column_of.assign(names.size(), none);
    for (std::size_t i = 0; i < names.size(); ++i) {
      std::optional<column_id> c;
      if (o)
        for (const auto& [theirs, ours] : o->map)
          if (iequals(theirs, names[i])) c = ours;
      if (!c) c = lookup_column(names[i]);
      if (!c || info(*c).economic()) continue;
      const std::size_t index = index_of(*c);
      if (header_of[index] != none)
        throw input_error(input_location{std::string(file), {}, {}, names[i]},
                          "names the same column as '" + names[header_of[index]] + "' (" + std::string(name_of(*c)) + ")");
      header_of[index] = i;
      column_of[i] = index;
      any = true;
    }
    if (!any) {
      std::string message = "no known column in the header row; it has: ";
      for (std::size_t i = 0; i < names.size() && i < 12; ++i) message += (i ? ", " : "") + quote_excerpt(names[i]);
      if (names.size() > 12) message += ", ...";
      std::vector<std::string_view> near;
      for (const auto& n : names)
        for (std::string_view s : nearest_columns(n, 1))
          if (std::find(near.begin(), near.end(), s) == near.end()) near.push_back(s);
      if (!near.empty()) message += "; nearest known names: " + join(near);
      message += " (map a header onto a column with load_options::map, e.g. \"Their Name\" -> tput_per_gpu)";
      throw input_error(input_location{std::string(file), {}, {}, {}}, message);
    }
  }
};

/// Fills derive()'s columns for rows [first, rows) of a store, one reused point at a time: only
/// the columns derive() reads are loaded, only the ones it fills are stored.
inline void derive_rows(table_storage& s, std::size_t first) {
  std::vector<column_id> inputs;
  for (column_id c : derive_inputs)
    if (s.present(c)) inputs.push_back(c);
  benchmark_point p;
  for (std::size_t r = first; r < s.rows; ++r) {
    p = benchmark_point{};
    for (column_id c : inputs) {
      if (info(c).type == column_type::text) set_text(p, c, s.text(r, c));
      else set_number(p, c, s.number(r, c));
    }
    derive(p);
    for (column_id c : derived_columns) {
      column_store& store = s.columns[index_of(c)];
      if (info(c).type == column_type::text) {
        const std::string_view v = text(p, c);
        if (v.empty() || v == s.text(r, c)) continue;
        if (store.codes.empty()) {
          if (!store.dictionary) store.dictionary = std::make_unique<text_dictionary>();
          store.codes.assign(s.rows, 0);
        }
        store.codes[r] = store.dictionary->encode(v);
        continue;
      }
      const double v = number(p, c);
      if (std::isnan(v)) continue;
      if (store.numbers.empty()) store.numbers.assign(s.rows, missing);
      store.numbers[r] = v;
    }
  }
}

/// The CSV path: records go straight into the column store (no point per row), checked as the
/// point path checks them; derived columns are filled once the file is read.
struct csv_parser {
  std::string_view name;
  row_sink& sink;
  table_storage& s;
  csv_reader in;
  std::vector<std::string_view> fields;
  std::optional<csv_header> header;
  std::size_t record = 0;
  std::size_t first_row;
  std::vector<double> records;  // the record number of each row read
  std::string message;
  bool throughput_in_header = false;
  std::vector<std::size_t> others;  // columns present in the store (earlier files) but not in this header

  static constexpr column_id throughputs[] = {cols::total_token_throughput, cols::output_throughput, cols::input_throughput,
                                               cols::tput_per_gpu, cols::output_tput_per_gpu, cols::input_tput_per_gpu};

  csv_parser(std::string_view file, row_sink& sink_) : name(file), sink(sink_), s(*sink_.storage), first_row(s.rows) {}

  [[noreturn]] void fail(std::string_view field, const std::string& m) const {
    throw input_error(input_location{std::string(name), record, std::nullopt, std::string(field)}, m);
  }

  // The value of column c in the row being read (NaN when missing or not there yet).
  double value(column_id c) const noexcept {
    const auto& v = s.columns[index_of(c)].numbers;
    if (v.size() > s.rows) return v[s.rows];
    return false_when_absent[index_of(c)] ? 0.0 : missing;
  }

  void read_header() {
    header.emplace(fields, name, sink.options);
    for (std::size_t i = 0; i < point_column_count; ++i)
      if (s.present(static_cast<column_id>(i)) &&
          std::find(header->column_of.begin(), header->column_of.end(), i) == header->column_of.end())
        others.push_back(i);
    for (column_id c : throughputs)
      if (std::find(header->column_of.begin(), header->column_of.end(), index_of(c)) != header->column_of.end())
        throughput_in_header = true;
  }

  void read_record() {
    ++record;
    if (fields.size() != header->names.size())
      fail("", "has " + std::to_string(fields.size()) + " fields, the header has " + std::to_string(header->names.size()));
    const std::size_t r = s.rows;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const std::size_t index = header->column_of[i];
      if (index == csv_header::none) continue;
      const auto c = static_cast<column_id>(index);
      column_store& store = s.columns[index];
      if (info(c).type == column_type::text) {
        const std::string_view t = fields[i];
        std::uint32_t code = 0;
        if (!t.empty()) {
          if (!store.dictionary) store.dictionary = std::make_unique<text_dictionary>();
          const std::size_t known = store.dictionary->size();
          code = store.dictionary->encode(t);
          if (store.dictionary->size() != known)  // a new value: check it once
            if (const std::size_t bad = invalid_utf8_at(t); bad != std::string_view::npos)
              fail(header->names[i], "invalid UTF-8 at byte " + std::to_string(bad) + " of the value " + quote_excerpt(t));
        }
        if (code != 0 || !store.codes.empty()) {
          if (store.codes.empty()) {
            store.codes.reserve(std::max(r + 1, s.expected_rows));
            store.codes.assign(r, 0);
          }
          store.codes.push_back(code);
        }
        continue;
      }
      double v = missing;
      if (!read_number_text(c, fields[i], v, message)) v = missing;
      if (!message.empty()) fail(header->names[i], message);
      put(store, r, v, s.expected_rows);
    }
    if (!throughput_in_header || std::none_of(std::begin(throughputs), std::end(throughputs),
                                              [&](column_id c) { return !std::isnan(value(c)); })) {
      std::vector<std::string_view> names;
      for (column_id c : throughputs) names.push_back(name_of(c));
      fail(name_of(throughputs[0]), "missing: expected " + join_or(names));
    }
    check_consistency([&](column_id c) { return value(c); }, [&](std::string_view field, const std::string& m) { fail(field, m); });
    records.push_back(static_cast<double>(record));
    // every column present in the store has a value for this row
    for (std::size_t i : others) {
      column_store& c = s.columns[i];
      if (!c.numbers.empty()) c.numbers.push_back(false_when_absent[i] ? 0.0 : missing);
      if (!c.codes.empty()) c.codes.push_back(0);
    }
    ++s.rows;
  }

  // What the point path does per row, done per column once every record is in.
  void finish() {
    const std::size_t first = first_row, rows = s.rows;
    const auto column = [&](column_id c) -> column_store& { return s.columns[index_of(c)]; };
    const auto text_column = [&](column_id c) -> column_store& {
      column_store& store = column(c);
      if (!store.dictionary) store.dictionary = std::make_unique<text_dictionary>();
      if (store.codes.empty()) store.codes.assign(rows, 0);
      return store;
    };
    // values the files lack
    if (sink.options)
      for (const auto& [c, text] : sink.options->set) {
        if (info(c).type == column_type::text) {
          column_store& store = text_column(c);
          const std::uint32_t code = store.dictionary->encode(text);
          for (std::size_t r = first; r < rows; ++r)
            if (store.codes[r] == 0) store.codes[r] = code;
          continue;
        }
        double v = missing;
        if (!read_number_text(c, text, v, message) || !message.empty())
          throw input_error(input_location{std::string(name), std::nullopt, std::nullopt, std::string(name_of(c))},
                            message.empty() ? "no value to set" : message);
        column_store& store = column(c);
        if (store.numbers.empty()) store.numbers.assign(rows, missing);
        for (std::size_t r = first; r < rows; ++r)
          if (std::isnan(store.numbers[r])) store.numbers[r] = v;
      }
    // provenance
    if (rows > first) {
      column_store& src = text_column(cols::source);
      const std::uint32_t code = src.dictionary->encode(name);
      for (std::size_t r = first; r < rows; ++r)
        if (src.codes[r] == 0) src.codes[r] = code;
      column_store& row_no = column(cols::source_row);
      if (row_no.numbers.empty()) row_no.numbers.assign(rows, missing);
      for (std::size_t r = first; r < rows; ++r)
        if (std::isnan(row_no.numbers[r])) row_no.numbers[r] = records[r - first];
    }
    // the model: as written in model_raw, canonical in model (per distinct name, not per row)
    if (s.present(cols::model) && rows > first) {
      column_store& model = text_column(cols::model);
      column_store& raw = text_column(cols::model_raw);
      std::vector<std::uint32_t> canonical(model.dictionary->size(), 0), as_raw(model.dictionary->size(), 0);
      for (std::size_t r = first; r < rows; ++r) {
        const std::uint32_t code = model.codes[r];
        if (code == 0) continue;
        if (as_raw[code] == 0) {
          const std::string given(model.dictionary->decode(code));
          as_raw[code] = raw.dictionary->encode(given);
          canonical[code] = model.dictionary->encode(canonical_model(given, s.text(r, cols::model_prefix)));
        }
        if (raw.codes[r] == 0) raw.codes[r] = as_raw[code];
        model.codes[r] = canonical[code];
      }
    }
    // the accelerator from the runner label, per distinct label
    if (s.present(cols::hw) && rows > first) {
      column_store& hw = column(cols::hw);
      column_store& acc = text_column(cols::accelerator);
      std::vector<std::uint32_t> normalised(hw.dictionary->size(), 0);
      for (std::size_t r = first; r < rows; ++r) {
        const std::uint32_t code = hw.codes[r];
        if (code == 0 || acc.codes[r] != 0) continue;
        if (normalised[code] == 0) normalised[code] = acc.dictionary->encode(normalize_accelerator(hw.dictionary->decode(code)));
        acc.codes[r] = normalised[code];
      }
    }
    derive_rows(s, first);
    sink.rows += rows - first;
  }

  // Parses what the window holds; true at the end of the input.
  bool feed(std::string_view window, std::size_t base, bool last) {
    in.window(window, base, last);
    try {
      for (;;) {
        const csv_reader::status st = in.next(fields);
        if (st == csv_reader::status::need_more) return false;
        if (st == csv_reader::status::end) {
          if (!header) fail_empty(name, file_format::csv);
          finish();
          return true;
        }
        if (!header) read_header();
        else read_record();
      }
    } catch (const csv_syntax_error& e) {
      throw input_error(input_location{std::string(name), header ? std::optional<std::size_t>(record + 1) : std::nullopt,
                                       e.byte, {}},
                        e.message);
    }
  }
};

// GenAI-Perf / AIPerf aggregate export: one object of metrics {"unit": ..., "avg": ..., "p50":
// ..., "std": ..., "p90": ..., "p99": ...} plus "input_config". Their inter_token_latency is
// (latency - TTFT) / (tokens - 1) per request, which is vLLM's TPOT; their inter_chunk_latency is
// vLLM's ITL. Fields that are not there (GPUs, ISL/OSL nominal lengths) stay missing.
inline void parse_aiperf(std::string_view text, std::string_view name, row_sink& sink) {
  json_node doc;
  try {
    doc = parse_json(text);
  } catch (const json_syntax_error& e) {
    throw input_error(input_location{std::string(name), {}, e.byte, {}}, e.message);
  }
  point_builder b(name);
  b.start(std::nullopt);
  if (!doc.is_object()) b.fail("", std::string(expectation(file_format::aiperf_json)) + ", got " + std::string(kind_name(doc.type)));
  auto put = [&](column_id c, const json_node& v, double scale, const std::string& field) {
    b.set_from_json(c, v.as_value(), true, field, scale);
  };
  auto metric = [&](const char* tag) -> const json_node* {
    const json_node* m = doc.find(tag);
    if (!m || m->is_null()) return nullptr;
    if (!m->is_object()) b.fail(tag, "expected an object of statistics, got " + std::string(kind_name(m->type)));
    return m;
  };
  auto seconds_per = [&](const json_node& m, const std::string& tag) {
    const json_node* unit = m.find("unit");
    const std::string u = unit && unit->is_string() ? unit->text : "";
    if (u == "ms") return 1e-3;
    if (u == "s" || u == "sec") return 1.0;
    if (u == "us") return 1e-6;
    if (u == "ns") return 1e-9;
    b.fail(tag + ".unit", "expected a time unit (ns, us, ms, s, sec), got " + quote_excerpt(u));
  };
  constexpr std::pair<const char*, const char*> latencies[] = {
      {"time_to_first_token", "ttft"}, {"inter_token_latency", "tpot"}, {"inter_chunk_latency", "itl"}, {"request_latency", "e2el"}};
  constexpr std::pair<const char*, const char*> statistics[] = {
      {"avg", "mean"}, {"p50", "median"}, {"std", "std"}, {"p90", "p90"}, {"p99", "p99"}};
  for (const auto& [tag, metric_name] : latencies) {
    const json_node* m = metric(tag);
    if (!m) continue;
    const double scale = seconds_per(*m, tag);
    for (const auto& [key, stat] : statistics)
      if (const json_node* v = m->find(key)) put(*lookup_column(std::string(stat) + "_" + metric_name), *v, scale, std::string(tag) + "." + key);
  }
  constexpr std::pair<const char*, column_id> totals[] = {
      {"request_throughput", cols::request_throughput},       {"output_token_throughput", cols::output_throughput},
      {"total_token_throughput", cols::total_token_throughput}, {"goodput", cols::request_goodput},
      {"benchmark_duration", cols::duration},                 {"request_count", cols::completed},
      {"error_request_count", cols::failed},                  {"total_isl", cols::total_input_tokens},
      {"total_osl", cols::total_output_tokens}};
  for (const auto& [tag, c] : totals) {
    const json_node* m = metric(tag);
    if (!m) continue;
    const json_node* v = m->find("avg");
    if (!v) b.fail(std::string(tag) + ".avg", "missing: expected the value under \"avg\"");
    put(c, *v, std::string_view(tag) == "benchmark_duration" ? seconds_per(*m, tag) : 1.0, std::string(tag) + ".avg");
  }
  // the run's settings: AIPerf nests them (endpoint.model_names, loadgen.*), GenAI-Perf does not
  if (const json_node* config = doc.find("input_config"); config && config->is_object()) {
    for (auto [value, field] : {std::pair{config->at({"endpoint", "model_names"}), "input_config.endpoint.model_names"},
                                std::pair{config->find("model"), "input_config.model"}})
      if (value && !b.has(cols::model_raw))
        put(cols::model_raw, value->is_array() && !value->children.empty() ? value->children.front() : *value, 1, field);
    for (auto [value, field] : {std::pair{config->at({"loadgen", "concurrency"}), "input_config.loadgen.concurrency"},
                                std::pair{config->find("concurrency"), "input_config.concurrency"}})
      if (value) put(cols::concurrency, *value, 1, field);
    for (auto [value, field] : {std::pair{config->at({"loadgen", "request_rate"}), "input_config.loadgen.request_rate"},
                                std::pair{config->find("request_rate"), "input_config.request_rate"}})
      if (value) put(cols::request_rate, *value, 1, field);
  }
  // AIPerf defines total_token_throughput = (total_isl + total_osl) / benchmark_duration; GenAI-Perf
  // and older AIPerf exports do not write it
  const benchmark_point& p = b.point;
  if (!b.has(cols::total_token_throughput) && p.total_input_tokens && p.total_output_tokens && p.duration && *p.duration > 0)
    b.set_number(cols::total_token_throughput,
                 static_cast<double>(*p.total_input_tokens + *p.total_output_tokens) / *p.duration, "total_token_throughput");
  sink.add(b, file_format::aiperf_json, name);
}

/// Whether the first record names at least one known column.
inline bool looks_like_csv(std::string_view text, const load_options* o) {
  try {
    csv_reader in;
    in.window(text, 0, false);
    std::vector<std::string_view> fields;
    if (in.next(fields) != csv_reader::status::record) {
      in.window(text, 0, true);
      if (in.next(fields) != csv_reader::status::record) return false;
    }
    return std::any_of(fields.begin(), fields.end(), [&](std::string_view f) {
      if (lookup_column(trim(f))) return true;
      if (o)
        for (const auto& m : o->map)
          if (iequals(m.first, trim(f))) return true;
      return false;
    });
  } catch (const csv_syntax_error&) {
    return false;
  }
}

inline file_format detect(std::string_view text, std::string_view name, const load_options* o) {
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
  if (ext == ".csv" || looks_like_csv(text, o)) return file_format::csv;
  const std::string_view rest = text.substr(in.pos());
  throw input_error(input_location{std::string(name), {}, in.pos(), {}},
                    "not a result file: " + std::string(expectation(file_format::automatic)) + ", got " +
                        quote_excerpt(rest.substr(0, rest.find_first_of("\r\n"))));
}

inline void parse_into(std::string_view text, std::string_view name, file_format format, row_sink& sink) {
  if (blank(text)) fail_empty(name, format);
  const bool automatic = format == file_format::automatic;
  if (automatic) format = detect(text, name, sink.options);
  switch (format) {
    case file_format::inferencemax_agg:
    case file_format::inferlens_json:
      // Detected arrays are judged row by row (a file written by the library may mix both).
      return parse_row_array(text, name, automatic ? file_format::automatic : format, sink);
    case file_format::vllm_client:
    case file_format::sglang_jsonl: return parse_client_objects(text, name, format, sink);
    case file_format::csv: {
      csv_parser p(name, sink);
      p.feed(text, 0, true);
      return;
    }
    case file_format::aiperf_json: return parse_aiperf(text, name, sink);
    case file_format::automatic: break;
  }
}

/// Reads a file in blocks, never more than the limit; a CSV is parsed block by block, so its
/// text is never held whole.
inline file_format read_file_into(const std::filesystem::path& file, const load_options& o, row_sink& sink) {
  const std::string name = file.string();
  const auto fail = [&](const std::string& m) { throw input_error(input_location{name, {}, {}, {}}, m); };
  struct stat st {};
  if (::stat(name.c_str(), &st) != 0) fail(errno == ENOENT ? "no such file" : std::string("cannot read: ") + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) fail("is a directory (load() reads directories)");
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) fail("not a regular file (a device or socket)");
  if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > o.max_file_bytes)
    fail("larger than the limit of " + std::to_string(o.max_file_bytes) + " bytes (load_options::max_file_bytes)");
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(name.c_str(), "rb"), &std::fclose);
  if (!f) fail(std::string("cannot open: ") + std::strerror(errno));

  constexpr std::size_t block = std::size_t{4} << 20;
  std::string buffer;
  std::size_t total = 0;
  bool eof = false;
  const auto read_more = [&](std::size_t want) {
    const std::size_t old = buffer.size();
    buffer.resize(old + want);
    const std::size_t got = std::fread(buffer.data() + old, 1, want, f.get());
    buffer.resize(old + got);
    total += got;
    if (got < want) {
      if (std::ferror(f.get())) fail(std::string("read error: ") + std::strerror(errno));
      eof = true;
    }
    if (total > o.max_file_bytes)
      fail("larger than the limit of " + std::to_string(o.max_file_bytes) + " bytes (load_options::max_file_bytes)");
  };
  read_more(block);
  file_format format = o.format;
  if (format == file_format::automatic) {
    if (blank(buffer) && eof) fail_empty(name, format);
    // JSON is judged on the whole text; CSV on its first record
    const char first = buffer.empty() ? '\0' : buffer[buffer.find_first_not_of(" \t\r\n\xEF\xBB\xBF") == std::string::npos
                                                          ? 0
                                                          : buffer.find_first_not_of(" \t\r\n\xEF\xBB\xBF")];
    if (first != '[' && first != '{') format = detect(buffer, name, &o);
  }
  if (format == file_format::csv) {
    // Reserve the columns once from the line count of the first block: growing them by doubling
    // would copy and fault in twice the memory.
    if (S_ISREG(st.st_mode) && !buffer.empty()) {
      const auto lines = static_cast<double>(std::count(buffer.begin(), buffer.end(), '\n')) + 1;
      const double estimate = lines * static_cast<double>(st.st_size) / static_cast<double>(buffer.size()) * 1.05;
      sink.storage->expected_rows = sink.storage->rows + static_cast<std::size_t>(estimate);
    }
    csv_parser p(name, sink);
    std::size_t base = 0;
    for (;;) {
      if (p.feed(buffer, base, eof)) break;
      const std::size_t used = p.in.consumed();
      buffer.erase(0, used);
      base += used;
      read_more(std::max(block, buffer.size()));
    }
    return format;
  }
  while (!eof) read_more(block);
  if (format == file_format::automatic) format = detect(buffer, name, &o);
  parse_into(buffer, name, format, sink);
  return format;
}

/// Drops the rows from `rows` on (a file that failed half-way).
inline void truncate(table_storage& s, std::size_t rows) {
  for (column_store& c : s.columns) {
    if (c.numbers.size() > rows) c.numbers.resize(rows);
    if (c.codes.size() > rows) c.codes.resize(rows);
  }
  s.rows = rows;
}

inline result_table finish(row_sink& sink, std::vector<source_file> files) {
  result_table t(std::shared_ptr<const table_storage>(std::move(sink.storage)));
  t.set_files(std::move(files));
  return t;
}

}  // namespace detail

/// The format of a document by its content. A JSON array is InferenceMAX agg rows when its first
/// row has `infmax_model_prefix` (every upstream row does), else the library's own JSON; one JSON
/// object is a vLLM/InferenceMAX client result (model_id, *_ms keys), an SGLang run (dataset_name,
/// *_e2e_latency_ms, total_throughput keys, or a .jsonl name), or a GenAI-Perf/AIPerf export
/// (time_to_first_token, request_latency, ... objects); several objects are SGLang JSON lines;
/// anything else is CSV when named *.csv or when its first line names a known column.
/// @throws input_error, saying what was expected, when nothing fits.
inline file_format detect_format(std::string_view text, std::string_view name, const load_options& o = {}) {
  return detail::detect(text, name, &o);
}

/// Parses one document already in memory; `name` names it in errors and becomes the points'
/// `source`.
inline result_table parse(std::string_view text, std::string_view name, const load_options& o = {}) {
  detail::row_sink sink;
  sink.options = &o;
  if (detail::blank(text)) detail::fail_empty(name, o.format);
  const file_format f = o.format == file_format::automatic ? detail::detect(text, name, &o) : o.format;
  const bool rows = f == file_format::inferencemax_agg || f == file_format::inferlens_json;
  detail::parse_into(text, name, rows && o.format == file_format::automatic ? file_format::automatic : f, sink);
  return detail::finish(sink, {source_file{std::string(name), std::string(to_string(f)), sink.rows, {}, {}}});
}

/// Loads files and directories, in the order given. A directory contributes every *.json,
/// *.jsonl and *.csv file inside it, recursively, sorted by path (hidden files and folders, named
/// with a leading '.', are skipped); a directory without any is an error, and so is one that
/// cannot be listed. Every input is tried: without `lenient`, a load_error listing every bad
/// input is thrown at the end; with it, bad inputs are recorded in files() and the rest is loaded.
inline result_table load(std::span<const std::filesystem::path> inputs, const load_options& o = {}) {
  namespace fs = std::filesystem;
  detail::row_sink sink;
  sink.options = &o;
  std::vector<source_file> files;
  std::vector<input_error> errors;
  const auto failed = [&](const std::string& path, const input_error& e) {
    errors.push_back(e);
    files.push_back({path, {}, 0, e.what(), {}});
  };
  const auto read = [&](const fs::path& file) {
    const std::size_t before = sink.rows;
    try {
      const file_format f = detail::read_file_into(file, o, sink);
      files.push_back({file.string(), std::string(to_string(f)), sink.rows - before, {}, {}});
    } catch (const input_error& e) {
      detail::truncate(*sink.storage, before);  // a bad file adds no rows
      sink.rows = before;
      failed(file.string(), e);
    }
  };
  for (const fs::path& input : inputs) {
    std::error_code ec;
    if (!fs::is_directory(input, ec)) {
      read(input);
      continue;
    }
    std::vector<fs::path> found;
    try {
      for (auto it = fs::recursive_directory_iterator(input); it != fs::recursive_directory_iterator(); ++it) {
        const std::string file_name = it->path().filename().string();
        if (!file_name.empty() && file_name.front() == '.') {
          if (it->is_directory(ec)) it.disable_recursion_pending();
          continue;
        }
        const std::string ext = detail::lower_extension(file_name);
        if (it->is_regular_file(ec) && (ext == ".json" || ext == ".jsonl" || ext == ".csv")) found.push_back(it->path());
      }
    } catch (const fs::filesystem_error& e) {
      failed(input.string(), input_error(input_location{e.path1().empty() ? input.string() : e.path1().string(), {}, {}, {}},
                                         "cannot list the directory: " + e.code().message()));
      continue;
    }
    std::sort(found.begin(), found.end());
    if (found.empty()) {
      failed(input.string(), input_error(input_location{input.string(), {}, {}, {}},
                                         "no result files (*.json, *.jsonl, *.csv) in the directory"));
      continue;
    }
    for (const fs::path& file : found) read(file);
  }
  if (!errors.empty() && !o.lenient) {
    if (errors.size() == 1) throw errors.front();
    throw load_error(std::move(errors));
  }
  return detail::finish(sink, std::move(files));
}

/// One file or directory.
inline result_table load(const std::filesystem::path& input, const load_options& o = {}) {
  return load(std::span<const std::filesystem::path>(&input, 1), o);
}

INFERLENS_END_NAMESPACE
