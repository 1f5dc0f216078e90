// Writing results, so that inferlens converts between harnesses: the library's own JSON (every
// column, canonical names), CSV (the columns some point has), InferenceMAX agg rows (upstream's
// spellings) and raw vLLM client JSON (one object per point, latencies in milliseconds). Each
// reads back through load() with the same values (docs/formats.md says what each format keeps).
// And a frontier set as one JSON document, written as text (no tree: 10^4 frontier points of a
// 10^6-row table take milliseconds).
#pragma once

#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <sys/stat.h>

#include "inferlens/columns.hpp"
#include "inferlens/detail/csv_reader.hpp"
#include "inferlens/detail/json.hpp"
#include "inferlens/error.hpp"
#include "inferlens/frontier.hpp"
#include "inferlens/load.hpp"
#include "inferlens/record.hpp"
#include "inferlens/table.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

namespace detail {

// A cell in JSON, or "" when it is left out (missing; NaN or an infinity other than an infinite
// request rate, which is written "inf" as vLLM does).
INFERLENS_LAZY std::string json_cell(column_id c, const cell& v, bool text_booleans = false) {
  if (std::holds_alternative<std::monostate>(v)) return {};
  std::string out;
  if (const double* d = std::get_if<double>(&v)) {
    if (std::isfinite(*d)) return shortest(*d);
    if (c == cols::request_rate && *d > 0) return "\"inf\"";
    return {};
  }
  if (const bool* b = std::get_if<bool>(&v)) {
    if (text_booleans) return *b ? "\"true\"" : "\"false\"";
    return *b ? "true" : "false";
  }
  if (const std::string* s = std::get_if<std::string>(&v)) {
    append_json_string(out, *s);
    return out;
  }
  return to_string(v);
}

INFERLENS_LAZY void append_member(std::string& out, bool& first, std::string_view key, const std::string& value) {
  if (value.empty()) return;
  if (!first) out += ", ";
  first = false;
  append_json_string(out, key);
  out += ": ";
  out += value;
}

// InferenceMAX's spelling of a column, where it differs from ours.
INFERLENS_LAZY std::string_view inferencemax_name(column_id c) noexcept {
  for (const column_alias& a : column_aliases)
    if (a.column == c && a.origin == "InferenceMAX") return a.alias;
  return name_of(c);
}

// The keys of an InferenceMAX agg row (process_result.py).
INFERLENS_LAZY bool in_inferencemax_row(const column& c) noexcept {
  switch (c.kind) {
    case column_kind::identity: return c.id != cols::request_rate && c.id != cols::num_prompts && c.id != cols::accelerator;
    case column_kind::derived: return c.id != cols::num_gpus;
    case column_kind::measured: {
      const std::string_view n = c.name;
      return n.ends_with("_ttft") || n.ends_with("_tpot") || n.ends_with("_itl") || n.ends_with("_e2el") ||
             n.ends_with("_intvty") || n.starts_with("joules_") || c.id == cols::avg_power_w ||
             c.id == cols::total_gpu_energy_j;
    }
    default: return false;
  }
}

INFERLENS_LAZY bool is_latency(const column& c) noexcept {
  const std::string_view n = c.name;
  return c.unit == "s" && (n.ends_with("_ttft") || n.ends_with("_tpot") || n.ends_with("_itl") || n.ends_with("_e2el"));
}

}  // namespace detail

/// One point as a JSON object of the library's own format: every column it has, canonical
/// names, latencies in seconds.
INFERLENS_LAZY std::string to_json_text(const benchmark_point& p) {
  std::string out = "{";
  bool first = true;
  for (const column& c : columns())
    if (!c.economic()) detail::append_member(out, first, c.name, detail::json_cell(c.id, get(p, c.id)));
  return out + "}";
}

/// One point as an InferenceMAX agg row (upstream's key spellings; `model` is the checkpoint as
/// written, dp_attention the strings "true"/"false").
INFERLENS_LAZY std::string to_inferencemax_row(const benchmark_point& p) {
  std::string out = "{";
  bool first = true;
  for (const column& c : columns()) {
    if (!detail::in_inferencemax_row(c)) continue;
    cell v = get(p, c.id);
    if (c.id == cols::model && !p.model_raw.empty()) v = p.model_raw;
    const bool text_booleans = c.id == cols::dp_attention || c.id == cols::prefill_dp_attention || c.id == cols::decode_dp_attention;
    detail::append_member(out, first, detail::inferencemax_name(c.id), detail::json_cell(c.id, v, text_booleans));
  }
  return out + "}";
}

/// One point as a raw `vllm bench serve` / InferenceMAX client result: model_id, max_concurrency,
/// num_prompts, request_rate ("inf" or a number), date, duration, counts, throughputs,
/// "request_goodput:" (upstream's spelling, null when missing) and {stat}_{metric}_ms in
/// milliseconds. Every other column is written under its canonical name, as `--metadata` keys
/// are, so reading it back keeps every field (ms <-> s may cost one ulp).
INFERLENS_LAZY std::string to_vllm_client_text(const benchmark_point& p) {
  std::string out = "{";
  bool first = true;
  detail::append_member(out, first, "model_id", detail::json_cell(cols::model_raw, get(p, p.model_raw.empty() ? cols::model : cols::model_raw)));
  detail::append_member(out, first, "max_concurrency", detail::json_cell(cols::concurrency, get(p, cols::concurrency)));
  const std::string goodput = detail::json_cell(cols::request_goodput, get(p, cols::request_goodput));
  detail::append_member(out, first, "request_goodput:", goodput.empty() ? "null" : goodput);
  for (const column& c : columns()) {
    if (c.economic() || c.id == cols::model_raw || c.id == cols::concurrency || c.id == cols::request_goodput) continue;
    const cell v = get(p, c.id);
    if (detail::is_latency(c)) {
      if (const double* d = std::get_if<double>(&v); d && std::isfinite(*d))
        detail::append_member(out, first, std::string(c.name) + "_ms", detail::shortest(*d * 1000));
      continue;
    }
    detail::append_member(out, first, c.name, detail::json_cell(c.id, v));
  }
  return out + "}";
}

/// The library's own JSON: an array with one object per point (one per line).
INFERLENS_LAZY std::string to_json_text(const result_table& t) {
  std::string out = t.empty() ? "[" : "[\n";
  for (std::size_t i = 0; i < t.size(); ++i) {
    out += to_json_text(t.point(i));
    out += i + 1 < t.size() ? ",\n" : "\n";
  }
  return out + "]\n";
}

/// InferenceMAX agg rows: an array with one row per point.
INFERLENS_LAZY std::string to_inferencemax_text(const result_table& t) {
  std::string out = t.empty() ? "[" : "[\n";
  for (std::size_t i = 0; i < t.size(); ++i) {
    out += to_inferencemax_row(t.point(i));
    out += i + 1 < t.size() ? ",\n" : "\n";
  }
  return out + "]\n";
}

/// One CSV field as the CSV writer writes it: quoted, with doubled quotes, when it holds a comma,
/// a quote, a line end or spaces at either end; as it is otherwise.
INFERLENS_LAZY std::string csv_field(std::string_view text) {
  std::string out;
  detail::append_csv_field(out, text);
  return out;
}

/// CSV with a header row of canonical column names: the columns that at least one point has, in
/// registry order; missing cells empty; RFC 4180 quoting; "\n" line ends; an infinite
/// request_rate as "inf". No points: an empty string (which does not read back: it has no header).
INFERLENS_LAZY std::string to_csv_text(const result_table& t) {
  const auto text_of = [](column_id c, const cell& v) -> std::string {
    if (const double* d = std::get_if<double>(&v); d && !std::isfinite(*d)) return c == cols::request_rate && *d > 0 ? "inf" : "";
    return to_string(v);
  };
  std::vector<column_id> used;
  for (const column& c : columns())
    if (!c.economic() && t.has(c.id)) used.push_back(c.id);
  if (used.empty() || t.empty()) return {};
  std::string out;
  for (std::size_t k = 0; k < used.size(); ++k) {
    if (k > 0) out += ',';
    detail::append_csv_field(out, name_of(used[k]));
  }
  out += '\n';
  for (const row_view r : t) {
    for (std::size_t k = 0; k < used.size(); ++k) {
      if (k > 0) out += ',';
      detail::append_csv_field(out, text_of(used[k], r.get(used[k])));
    }
    out += '\n';
  }
  return out;
}

/// The formats the writers produce: inferlens_json, csv, inferencemax_agg, vllm_client.
INFERLENS_LAZY bool writable(file_format f) noexcept {
  return f == file_format::inferlens_json || f == file_format::csv || f == file_format::inferencemax_agg ||
         f == file_format::vllm_client;
}

/// A table as text of one format; a vllm_client document holds one point, so the table must have
/// exactly one (see save_results for a directory of them).
INFERLENS_LAZY std::string to_text(const result_table& t, file_format f) {
  switch (f) {
    case file_format::inferlens_json: return to_json_text(t);
    case file_format::csv: return to_csv_text(t);
    case file_format::inferencemax_agg: return to_inferencemax_text(t);
    case file_format::vllm_client:
      if (t.size() != 1)
        throw input_error({"", std::nullopt, std::nullopt, "format"},
                          "a vllm_client document holds one point, the table has " + std::to_string(t.size()));
      return to_vllm_client_text(t.point(0)) + "\n";
    default: break;
  }
  throw input_error({"", std::nullopt, std::nullopt, "format"}, std::string(to_string(f)) + " is read, not written");
}

namespace detail {

INFERLENS_LAZY void write_json(json_text& j, const skipped_rows& s) {
  j.object().member("reason", s.reason).member("rows", s.rows).key("sources").array();
  for (const std::string& f : s.sources) j.value(f);
  j.end().end();
}

INFERLENS_LAZY void write_json(json_text& j, std::span<const skipped_rows> skipped) {
  j.array();
  for (const skipped_rows& s : skipped) write_json(j, s);
  j.end();
}

// A system's key: column name to value (a number, text or boolean; null when missing).
INFERLENS_LAZY void write_json(json_text& j, const system_key& k) {
  j.object();
  for (std::size_t i = 0; i < k.columns().size(); ++i) {
    j.key(name_of(k.columns()[i]));
    std::visit(
        [&](const auto& v) {
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::monostate>) j.null();
          else j.value(v);
        },
        k.values()[i]);
  }
  j.end();
}

INFERLENS_LAZY void write_json(json_text& j, const operating_point& op) {
  j.object().member("x", op.x).member("y", op.y).member("tput_per_gpu", op.tput_per_gpu);
  j.member("input_tput_per_gpu", op.input_tput_per_gpu).member("output_tput_per_gpu", op.output_tput_per_gpu);
  j.member("interpolation", op.kind == interpolation::linear ? "linear" : "steffen");
  if (op.priced()) {
    j.member("usd_per_mtok", op.usd_per_mtok).member("usd_per_mtok_input", op.usd_per_mtok_input);
    j.member("usd_per_mtok_output", op.usd_per_mtok_output).member("tokens_per_usd", op.tokens_per_usd);
    j.member("tok_per_s_per_mw", op.tok_per_s_per_mw).member("j_per_token", op.j_per_token);
    j.key("pricing").object().member("accelerator", op.price->accelerator);
    j.member("usd_per_gpu_hour", op.price->usd_per_gpu_hour).member("kw_per_gpu", op.price->kw_per_gpu);
    j.member("cost_source", op.price->cost_source).member("power_source", op.price->power_source).end();
  } else if (!op.unpriced_reason.empty()) {
    j.member("unpriced", op.unpriced_reason);
  }
  j.end();
}

INFERLENS_LAZY void write_json(json_text& j, const source_file& f) {
  j.object().member("path", f.path).member("format", f.format).member("rows", f.rows);
  if (!f.error.empty()) j.member("error", f.error);
  if (!f.notes.empty()) {
    j.key("notes").array();
    for (const std::string& n : f.notes) j.value(n);
    j.end();
  }
  j.end();
}

// One system: name, key, rows, what was skipped, its frontier points (x, y and the whole row) and
// its values at `at` (y null where the frontier does not reach).
INFERLENS_LAZY void write_json(json_text& j, const system_frontier& s, std::span<const double> at) {
  j.object().member("name", s.name()).key("key");
  write_json(j, s.key());
  j.member("points", s.rows().size()).key("skipped");
  write_json(j, s.skipped());
  j.key("frontier").array();
  const auto xs = s.curve().xs(), ys = s.curve().ys();
  for (std::size_t i = 0; i < s.points().size(); ++i)
    j.object().member("x", xs[i]).member("y", ys[i]).key("row").raw(to_json_text(s.points()[i])).end();
  j.end().key("at").array();
  for (double x : at) {
    if (const auto op = s.at(x)) write_json(j, *op);
    else j.object().member("x", x).key("y").null().end();
  }
  j.end().end();
}

// A value of the types above as one line of JSON.
template <class T>
std::string json_of(const T& v) {
  json_text j;
  write_json(j, v);
  return std::move(j).str();
}

}  // namespace detail

/// A frontier set as one JSON document: the spec's x, y and grouping, the rows and what was
/// skipped, every system (key, frontier points with their whole rows, values at `at`) and, when
/// given, the files it was read from. Indented two spaces per level; each row on one line.
INFERLENS_LAZY std::string to_json_text(const frontier_set& set, std::span<const double> at = {},
                                        std::span<const source_file> files = {}) {
  detail::json_text j(2);
  j.object().member("x", name_of(set.spec().x)).member("y", name_of(set.spec().y)).key("group_by").array();
  for (column_id c : set.spec().group_by) j.value(name_of(c));
  j.end().member("rows", set.rows()).member("rows_on_frontiers", set.rows_on_frontiers()).key("skipped");
  detail::write_json(j, set.skipped());
  j.key("systems").array();
  for (const system_frontier& s : set) detail::write_json(j, s, at);
  j.end();
  if (!files.empty()) {
    j.key("files").array();
    for (const source_file& f : files) detail::write_json(j, f);
    j.end();
  }
  j.end();
  return std::move(j).str() + "\n";
}

/// Writes a file whole: to a temporary name beside it, then renamed over it, so a reader never
/// sees half a file and a symlink at the path is replaced, not followed.
INFERLENS_LAZY void write_file(const std::string& path, std::string_view text) {
  const std::string tmp = path + ".tmp";
  const auto fail = [&](const std::string& why) { throw input_error({path, std::nullopt, std::nullopt, ""}, why); };
  // a device, folder or socket at the path is never replaced by the renamed file (/dev/full, /dev/null)
  if (struct stat st {}; ::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
    fail(S_ISDIR(st.st_mode) ? "is a directory, not a file to write" : "not a regular file (a device, pipe or socket): not replaced");
  std::remove(tmp.c_str());
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(tmp.c_str(), "wbx"), &std::fclose);
  if (!f) fail(std::string("cannot create the file: ") + std::strerror(errno));
  if (std::fwrite(text.data(), 1, text.size(), f.get()) != text.size() || std::fflush(f.get()) != 0) fail("write failed");
  f.reset();
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    fail("cannot rename the written file into place: " + why);
  }
}

/// Saves a table in a format. vllm_client writes one file per point into `path` as a directory
/// (created), named <model>_<accelerator>_c<concurrency>_<n>.json; the others write one file.
/// Returns the files written.
INFERLENS_LAZY std::vector<std::string> save_results(const result_table& t, const std::string& path, file_format f) {
  if (f != file_format::vllm_client) {
    write_file(path, to_text(t, f));
    return {path};
  }
  for (std::size_t at = path.find('/', 1);; at = path.find('/', at + 1)) {  // mkdir -p
    const std::string part = path.substr(0, at);
    if (::mkdir(part.c_str(), 0777) != 0 && errno != EEXIST)
      throw input_error({part, std::nullopt, std::nullopt, ""}, std::string("cannot create the directory: ") + std::strerror(errno));
    if (at == std::string::npos) break;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const benchmark_point p = t.point(i);
    std::string stem = (p.model.empty() ? "model" : p.model) + "_" + (p.accelerator.empty() ? "gpu" : p.accelerator) + "_c" +
                       (p.concurrency ? std::to_string(*p.concurrency) : "x") + "_" + std::to_string(i + 1);
    for (char& ch : stem)
      if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.')) ch = '_';
    out.push_back(path + (path.ends_with("/") ? "" : "/") + stem + ".json");
    write_file(out.back(), to_vllm_client_text(p) + "\n");
  }
  return out;
}

INFERLENS_END_NAMESPACE
