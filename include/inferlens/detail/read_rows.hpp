// Readers of JSON rows and objects into the column store: InferenceMAX agg rows and the
// library's own JSON (arrays of rows), raw vLLM / InferenceMAX client results and SGLang
// bench_serving lines (objects), through point_builder; what every reader's row goes through.
#pragma once

#include <algorithm>
#include <bitset>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inferlens/columns.hpp"
#include "inferlens/detail/json.hpp"
#include "inferlens/detail/point_builder.hpp"
#include "inferlens/detail/text.hpp"
#include "inferlens/error.hpp"
#include "inferlens/formats.hpp"
#include "inferlens/models.hpp"
#include "inferlens/record.hpp"
#include "inferlens/table.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace detail {

/// The last component of a path, and the one before it.
INFERLENS_LAZY std::string_view file_name_of(std::string_view path) noexcept {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const auto slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}
INFERLENS_LAZY std::string_view parent_name_of(std::string_view path) noexcept {
  const auto slash = path.find_last_of('/');
  return slash == std::string_view::npos ? std::string_view() : file_name_of(path.substr(0, slash));
}

/// ".json" from "a/b.JSON" (lower case), "" without one.
INFERLENS_LAZY std::string lower_extension(std::string_view name) {
  const std::string_view file = file_name_of(name);
  const auto dot = file.find_last_of('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return lower(file.substr(dot));
}

/// "run_<digits>" from "run_20218553330_agg_bmk.json" or from the folder of
/// ".../run_20218553330/agg_bmk.json" (as `gh run download` lays them out): InferenceMAX rows carry
/// no run id of their own, only their artifact's name does.
INFERLENS_LAZY std::string run_from_name(std::string_view name) {
  const auto run_prefix = [](std::string_view s, bool whole) -> std::string {
    if (!s.starts_with("run_")) return {};
    std::size_t end = 4;
    while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
    if (end == 4) return {};
    if (end < s.size() && (whole || (s[end] != '_' && s[end] != '.'))) return {};
    return std::string(s.substr(0, end));
  };
  if (std::string run = run_prefix(file_name_of(name), false); !run.empty()) return run;
  return run_prefix(parent_name_of(name), true);
}

INFERLENS_LAZY std::string_view expectation(file_format f) noexcept {
  switch (f) {
    case file_format::inferencemax_agg:
    case file_format::inferlens_json: return "expected a JSON array of result rows";
    case file_format::vllm_client: return "expected a JSON object with a benchmark-client result";
    case file_format::sglang_jsonl: return "expected JSON lines, one benchmark run per line";
    case file_format::csv: return "expected a CSV header row";
    case file_format::aiperf_json: return "expected a JSON object of GenAI-Perf/AIPerf metrics";
    case file_format::guidellm_json: return "expected a GuideLLM report with a \"benchmarks\" array";
    case file_format::llmperf_summary: return "expected an llmperf summary object (results_* keys)";
    case file_format::automatic: break;
  }
  return "expected a JSON array of result rows, a benchmark-client JSON object, JSON lines or a CSV table";
}

INFERLENS_LAZY [[noreturn]] inline void fail_empty(std::string_view name, file_format f) {
  throw input_error(input_location{std::string(name), {}, {}, {}}, "empty file: " + std::string(expectation(f)));
}

INFERLENS_LAZY bool blank(std::string_view text) noexcept {
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
  std::size_t stored_rows = 0;  // the store's rows after this sink's last point

  std::vector<std::string> notes;  // what the readers noticed, once per message

  INFERLENS_LAZY void add(point_builder& b, file_format f, std::string_view name);
  INFERLENS_LAZY void note(std::string message) {
    if (std::find(notes.begin(), notes.end(), message) == notes.end()) notes.push_back(std::move(message));
  }

  INFERLENS_LAZY void store(point_builder& b) {
    std::bitset<point_column_count> now = stored | b.given;
    if (storage->rows != stored_rows)  // another reader (CSV) added rows and maybe columns since
      for (std::size_t i = 0; i < point_column_count; ++i)
        if (storage->present(static_cast<column_id>(i))) now.set(i);
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
    stored_rows = storage->rows;
    ++rows;
  }
};

// The fields a row must have to be a usable point, per format.
INFERLENS_LAZY void require_fields(const point_builder& b, file_format f) {
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
    case file_format::vllm_client:  // duration and counts too in every real file; a converted row may lack them
      b.require_any({cols::model, cols::model_raw});
      b.require_any({cols::total_token_throughput, cols::output_throughput, cols::tput_per_gpu, cols::output_tput_per_gpu});
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

template <class>
void row_sink::add(point_builder& b, file_format f, std::string_view name) {
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
  // checkpoint). Either way the canonical name goes through the shipped identities; a row that
  // names no model gets none (a model prefix alone does not name one, as in the CSV reader).
  const bool raw_model = f == file_format::inferencemax_agg && !b.has(cols::model_raw);
  if (p.model_raw.empty()) p.model_raw = p.model;
  if (!p.model_raw.empty()) p.model = canonical_model(raw_model || !b.has(cols::model) ? p.model_raw : p.model, p.model_prefix);
  if (f == file_format::inferencemax_agg && p.run.empty()) p.run = run_from_name(name);
  if (p.source.empty()) p.source = std::string(name);
  if (!p.source_row && b.row) p.source_row = static_cast<std::int64_t>(*b.row);
  derive(p);
  check_derived(p, [&](std::string_view field, const std::string& m) { b.fail(field, m); });
  store(b);
}

INFERLENS_LAZY void parse_row_array(std::string_view text, std::string_view name, file_format f, row_sink& sink) {
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

/// SGLang bench_serving: the client keys, plus its first (July 2024) spelling of latencies in
/// milliseconds without the _ms suffix.
INFERLENS_LAZY const key_table& sglang_keys() {
  static const key_table table = [] {
    key_table t = client_keys();
    t.generated.clear();  // the copy's views point into the original's storage, which lives on
    t.add("median_ttft", cols::median_ttft, true, true);
    t.add("median_itl", cols::median_itl, true, true);
    t.add("output_token_throughput", cols::output_throughput, true);
    return t;
  }();
  return table;
}

/// SGLang's server_info (the server's /get_server_info, written by bench_serving since late
/// 2025): the checkpoint, the parallelism and the engine version. GPUs = tp × pp, times dp when
/// data parallelism replicates the model (without dp-attention).
INFERLENS_LAZY void read_server_info(point_builder& b, const json_node& info, row_sink& sink) {
  if (info.is_null()) return;
  if (!info.is_object() || info.find("prefill") || info.find("decode")) {
    sink.note("server_info is not one SGLang server's (a disaggregation router?): GPUs and model not taken from it");
    return;
  }
  const auto field = [](const char* k) { return std::string("server_info.") + k; };
  if (const json_node* m = info.find("model_path"); m && m->is_string() && !b.has(cols::model_raw)) b.set_text(cols::model_raw, m->text, field("model_path"));
  for (auto [key, c] : {std::pair{"tp_size", cols::tp}, std::pair{"pp_size", cols::pp}, std::pair{"ep_size", cols::ep}})
    if (const json_node* v = info.find(key); v && v->is_number() && !b.has(c)) b.set_from_json(c, v->as_value(), true, field(key));
  const json_node* dpa = info.find("enable_dp_attention");
  const bool dp_attention = dpa && dpa->type == json_value::kind::boolean && dpa->boolean;
  if (dpa && dpa->type == json_value::kind::boolean && !b.has(cols::dp_attention))
    b.set_number(cols::dp_attention, dp_attention ? 1.0 : 0.0, field("enable_dp_attention"));
  if (const json_node* dp = info.find("dp_size"); dp && dp->is_number() && dp->number() > 1 && !dp_attention && !b.has(cols::num_gpus)) {
    const auto gpus = checked_product(b.point.tp.value_or(1), b.point.pp.value_or(1), integral(dp->number()));
    if (!gpus) b.fail(field("dp_size"), "tp × pp × dp does not make a GPU count");
    b.set_number(cols::num_gpus, static_cast<double>(*gpus), field("dp_size"));
  }
  if (!b.has(cols::framework)) b.set_text(cols::framework, "sglang", field("version"));
  if (const json_node* v = info.find("version"); v && v->is_string() && !b.has(cols::image))
    b.set_text(cols::image, "sglang " + v->text, field("version"));
}

/// vllm_client: one object, or several one per line (vllm bench serve --append-result).
/// sglang_jsonl: objects one after another, row = the line where each starts (JSON lines, and
/// also pretty-printed objects in a row).
INFERLENS_LAZY void parse_client_objects(std::string_view text, std::string_view name, file_format f, row_sink& sink) {
  point_builder b(name);
  std::string key_scratch, value_scratch;
  json_scanner in(text, utf8_bom_length(text));
  if (in.at_end()) fail_empty(name, f);
  const bool sglang = f == file_format::sglang_jsonl;
  const key_table& keys = sglang ? sglang_keys() : client_keys();
  std::size_t line = 1, counted = 0, objects = 0;
  const auto on_other = [&](std::string_view key, json_scanner& at) {
    if (key != "server_info") return false;
    at.peek();
    const std::size_t start = at.pos();
    at.skip_value();
    json_node tree;
    try {
      tree = parse_json(at.text().substr(start, at.pos() - start));
    } catch (const json_syntax_error& e) {
      throw json_syntax_error{start + e.byte, e.message};
    }
    read_server_info(b, tree, sink);
    return true;
  };
  try {
    while (!in.at_end()) {
      const std::size_t start = in.pos();
      line += static_cast<std::size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(counted),
                                                  text.begin() + static_cast<std::ptrdiff_t>(start), '\n'));
      counted = start;
      b.start(sglang || objects > 0 ? std::optional<std::size_t>(line) : std::nullopt);
      ++objects;
      if (in.peek() != '{') {
        const json_value v = in.value(value_scratch);
        b.fail("", std::string(expectation(f)) + ": expected an object, got " + std::string(kind_name(v.type)));
      }
      read_object(in, keys, b, key_scratch, value_scratch, on_other);
      sink.add(b, f, name);
    }
  } catch (const json_syntax_error& e) {
    throw input_error(input_location{std::string(name), b.row, e.byte, {}}, e.message);
  }
}

}  // namespace detail
INFERLENS_END_NAMESPACE
