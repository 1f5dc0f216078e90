// The one registry of named columns: every field of a benchmark point (measured, derived,
// identity, provenance) and every economic figure computed from one. Readers, writers, tables,
// frontiers and the CLI all go through it. C++ code names a column with a typed handle
// (`cols::tput_per_gpu`), never a string; text names are looked up with find_column(), which
// accepts the documented aliases (InferenceMAX and vLLM spellings) and suggests the nearest
// names for a typo.
//
// A column's name is its member's name (pool members prefixed prefill_/decode_, latency
// statistics {stat}_{metric} with p99.9 spelled as upstream writes it).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "inferlens/detail/text.hpp"
#include "inferlens/error.hpp"
#include "inferlens/detail/sense.hpp"
#include "inferlens/record.hpp"
#include "inferlens/version.hpp"

// X(id, "name", type, kind, rule, "unit", member, "description") for every benchmark_point field.
// type: text, integer, real, boolean. kind: identity (what a configuration is), provenance
// (where and when it was measured), measured, derived. rule: what a reader accepts beyond the
// type: none, non_negative, positive, rate (positive or inf).
#define INFERLENS_LATENCY_COLUMNS(X, m, unit, what)                                              \
  X(mean_##m, "mean_" #m, real, measured, non_negative, unit, m.mean, "mean " what)               \
  X(median_##m, "median_" #m, real, measured, non_negative, unit, m.median, "median " what)       \
  X(std_##m, "std_" #m, real, measured, non_negative, unit, m.std, "population std of " what)     \
  X(p90_##m, "p90_" #m, real, measured, non_negative, unit, m.p90, "90th percentile " what)       \
  X(p99_##m, "p99_" #m, real, measured, non_negative, unit, m.p99, "99th percentile " what)       \
  X(p999_##m, "p99.9_" #m, real, measured, non_negative, unit, m.p999, "99.9th percentile " what)

#define INFERLENS_POOL_COLUMNS(X, side)                                                                             \
  X(side##_num_workers, #side "_num_workers", integer, identity, positive, "", side.num_workers, #side " workers")  \
  X(side##_tp, #side "_tp", integer, identity, positive, "", side.tp, #side " tensor parallel size")                \
  X(side##_ep, #side "_ep", integer, identity, positive, "", side.ep, #side " expert parallel size")                \
  X(side##_pp, #side "_pp", integer, identity, positive, "", side.pp, #side " pipeline parallel size")              \
  X(side##_dcp, #side "_dcp", integer, identity, positive, "", side.dcp, #side " decode-context parallel size")     \
  X(side##_pcp, #side "_pcp", integer, identity, positive, "", side.pcp, #side " prefill-context parallel size")    \
  X(side##_dp_attention, #side "_dp_attention", boolean, identity, none, "", side.dp_attention,                     \
    #side " data-parallel attention")                                                                               \
  X(side##_gpus, #side "_gpus", integer, identity, positive, "GPUs", side.gpus, "GPUs of all " #side " workers")    \
  X(side##_hw, #side "_hw", text, identity, none, "", side.hw, #side " accelerator label")

#define INFERLENS_POINT_COLUMNS(X)                                                                                  \
  X(model, "model", text, identity, none, "", model, "base model, canonical (e.g. gpt-oss-120b)")                   \
  X(model_raw, "model_raw", text, provenance, none, "", model_raw, "model or checkpoint as the source wrote it")    \
  X(model_prefix, "model_prefix", text, identity, none, "", model_prefix, "InferenceMAX model code")                \
  X(framework, "framework", text, identity, none, "", framework, "serving engine")                                  \
  X(image, "image", text, identity, none, "", image, "engine image or version")                                     \
  X(hw, "hw", text, identity, none, "", hw, "raw accelerator label (runner), e.g. b200-trt")                        \
  X(accelerator, "accelerator", text, identity, none, "", accelerator, "normalised accelerator, e.g. b200")         \
  X(precision, "precision", text, identity, none, "", precision, "weight precision")                                \
  X(spec_decoding, "spec_decoding", text, identity, none, "", spec_decoding, "speculative decoding method")         \
  X(isl, "isl", integer, identity, positive, "tokens", isl, "nominal input sequence length")                        \
  X(osl, "osl", integer, identity, positive, "tokens", osl, "nominal output sequence length")                       \
  X(concurrency, "concurrency", integer, identity, positive, "requests", concurrency, "maximum concurrent requests") \
  X(request_rate, "request_rate", real, identity, rate, "req/s", request_rate, "offered request rate (inf = all at once)") \
  X(num_prompts, "num_prompts", integer, identity, non_negative, "requests", num_prompts, "requests in the measured run") \
  X(disagg, "disagg", boolean, identity, none, "", disagg, "prefill/decode disaggregated")                          \
  X(multinode, "multinode", boolean, identity, none, "", multinode, "GPU counts from worker pools")                 \
  X(tp, "tp", integer, identity, positive, "", tp, "tensor parallel size")                                          \
  X(pp, "pp", integer, identity, positive, "", pp, "pipeline parallel size")                                        \
  X(ep, "ep", integer, identity, positive, "", ep, "expert parallel size")                                          \
  X(dcp, "dcp", integer, identity, positive, "", dcp, "decode context parallel size")                               \
  X(pcp, "pcp", integer, identity, positive, "", pcp, "prefill context parallel size")                              \
  X(dp_attention, "dp_attention", boolean, identity, none, "", dp_attention, "data-parallel attention")             \
  INFERLENS_POOL_COLUMNS(X, prefill)                                                                                \
  INFERLENS_POOL_COLUMNS(X, decode)                                                                                 \
  X(date, "date", text, provenance, none, "", date, "when the run happened")                                        \
  X(run, "run", text, provenance, none, "", run, "run identifier")                                                  \
  X(source, "source", text, provenance, none, "", source, "file the point was read from")                          \
  X(source_row, "source_row", integer, provenance, positive, "", source_row, "row of the point in its file")        \
  X(partial, "partial", boolean, provenance, none, "", partial, "an interrupted measurement")                       \
  X(duration, "duration", real, measured, non_negative, "s", duration, "measured run duration")                     \
  X(completed, "completed", integer, measured, non_negative, "requests", completed, "successful requests")          \
  X(failed, "failed", integer, measured, non_negative, "requests", failed, "failed requests")                       \
  X(total_input_tokens, "total_input_tokens", integer, measured, non_negative, "tokens", total_input_tokens,       \
    "input tokens of successful requests")                                                                          \
  X(total_output_tokens, "total_output_tokens", integer, measured, non_negative, "tokens", total_output_tokens,    \
    "output tokens of successful requests")                                                                         \
  X(request_throughput, "request_throughput", real, measured, non_negative, "req/s", request_throughput,          \
    "completed requests / duration")                                                                                \
  X(request_goodput, "request_goodput", real, measured, non_negative, "req/s", request_goodput,                   \
    "requests meeting the SLOs / duration")                                                                         \
  X(input_throughput, "input_throughput", real, measured, non_negative, "tok/s", input_throughput,                \
    "input tokens / duration, whole deployment")                                                                    \
  X(output_throughput, "output_throughput", real, measured, non_negative, "tok/s", output_throughput,             \
    "output tokens / duration, whole deployment")                                                                   \
  X(total_token_throughput, "total_token_throughput", real, measured, non_negative, "tok/s", total_token_throughput, \
    "(input + output tokens) / duration")                                                                           \
  X(num_gpus, "num_gpus", integer, derived, positive, "GPUs", num_gpus, "GPUs the per-GPU throughput divides by")    \
  X(tput_per_gpu, "tput_per_gpu", real, derived, non_negative, "tok/s/gpu", tput_per_gpu,                          \
    "total token throughput per GPU")                                                                               \
  X(output_tput_per_gpu, "output_tput_per_gpu", real, derived, non_negative, "tok/s/gpu", output_tput_per_gpu,     \
    "output throughput per (decode) GPU")                                                                           \
  X(input_tput_per_gpu, "input_tput_per_gpu", real, derived, non_negative, "tok/s/gpu", input_tput_per_gpu,        \
    "input throughput per (prefill) GPU")                                                                           \
  INFERLENS_LATENCY_COLUMNS(X, ttft, "s", "time to first token")                                                    \
  INFERLENS_LATENCY_COLUMNS(X, tpot, "s", "time per output token after the first")                                  \
  INFERLENS_LATENCY_COLUMNS(X, itl, "s", "inter-chunk latency")                                                     \
  INFERLENS_LATENCY_COLUMNS(X, e2el, "s", "end-to-end request latency")                                             \
  INFERLENS_LATENCY_COLUMNS(X, intvty, "tok/s/user", "interactivity = 1 / TPOT of the same statistic")             \
  X(avg_power_w, "avg_power_w", real, measured, non_negative, "W", avg_power_w, "measured average power per GPU")  \
  X(total_gpu_energy_j, "total_gpu_energy_j", real, measured, non_negative, "J", total_gpu_energy_j,              \
    "measured GPU energy over the run")                                                                             \
  X(joules_per_input_token, "joules_per_input_token", real, measured, non_negative, "J/tok", joules_per_input_token, \
    "measured GPU energy per input token")                                                                          \
  X(joules_per_output_token, "joules_per_output_token", real, measured, non_negative, "J/tok",                     \
    joules_per_output_token, "measured GPU energy per output token")                                                \
  X(joules_per_total_token, "joules_per_total_token", real, measured, non_negative, "J/tok", joules_per_total_token, \
    "measured GPU energy per token")                                                                                \
  X(pct_of_limit, "pct_of_limit", real, derived, non_negative, "%", pct_of_limit,                                 \
    "tput_per_gpu as a percentage of the physical bound at the point's interactivity (limits.hpp)")

// E(id, "unit", metric, tokens, better, "description"): figures computed from a point's per-GPU
// throughput (or measured energy) and a price; see economics.hpp.
#define INFERLENS_ECONOMIC_COLUMNS(E)                                                                               \
  E(usd_per_mtok, "$/Mtok", usd_per_mtok, total, minimize, "cost per million total tokens")                         \
  E(usd_per_mtok_input, "$/Mtok", usd_per_mtok, input, minimize, "cost per million input tokens (per prefill GPU when disaggregated)") \
  E(usd_per_mtok_output, "$/Mtok", usd_per_mtok, output, minimize, "cost per million output tokens (per decode GPU when disaggregated)") \
  E(tokens_per_usd, "tok/$", tokens_per_usd, total, maximize, "total tokens per dollar")                           \
  E(input_tokens_per_usd, "tok/$", tokens_per_usd, input, maximize, "input tokens per dollar")                     \
  E(output_tokens_per_usd, "tok/$", tokens_per_usd, output, maximize, "output tokens per dollar")                  \
  E(tok_per_s_per_mw, "tok/s/MW", tok_per_s_per_mw, total, maximize, "total tokens/s per provisioned MW")          \
  E(input_tok_per_s_per_mw, "tok/s/MW", tok_per_s_per_mw, input, maximize, "input tokens/s per provisioned MW")    \
  E(output_tok_per_s_per_mw, "tok/s/MW", tok_per_s_per_mw, output, maximize, "output tokens/s per provisioned MW") \
  E(j_per_token, "J/tok", j_per_token, total, minimize, "provisioned J per total token")                            \
  E(j_per_input_token, "J/tok", j_per_token, input, minimize, "provisioned J per input token")                     \
  E(j_per_output_token, "J/tok", j_per_token, output, minimize, "provisioned J per output token")                  \
  E(measured_j_per_token, "J/tok", measured_j_per_token, total, minimize, "measured GPU J per total token")        \
  E(measured_j_per_input_token, "J/tok", measured_j_per_token, input, minimize, "measured GPU J per input token")  \
  E(measured_j_per_output_token, "J/tok", measured_j_per_token, output, minimize, "measured GPU J per output token")

INFERLENS_BEGIN_NAMESPACE

/// Every column, by handle. `cols::tput_per_gpu` and `column_id::tput_per_gpu` are the same.
enum class column_id : std::uint16_t {
#define INFERLENS_X(id, ...) id,
  INFERLENS_POINT_COLUMNS(INFERLENS_X)
#undef INFERLENS_X
#define INFERLENS_E(id, ...) id,
  INFERLENS_ECONOMIC_COLUMNS(INFERLENS_E)
#undef INFERLENS_E
};
using cols = column_id;

#define INFERLENS_X(...) +1
/// Columns that are fields of benchmark_point: ids 0 .. point_column_count - 1.
inline constexpr std::size_t point_column_count = 0 INFERLENS_POINT_COLUMNS(INFERLENS_X);
#undef INFERLENS_X
#define INFERLENS_E(...) +1
inline constexpr std::size_t column_count = point_column_count + 0 INFERLENS_ECONOMIC_COLUMNS(INFERLENS_E);
#undef INFERLENS_E

INFERLENS_LAZY constexpr std::size_t index_of(column_id c) noexcept { return static_cast<std::size_t>(c); }

/// The kind of value a column holds.
enum class column_type : unsigned char { text, integer, real, boolean };
/// What a column describes.
enum class column_kind : unsigned char { identity, provenance, measured, derived, economic };
/// What a reader accepts for a column beyond its type.
enum class value_rule : unsigned char { none, non_negative, positive, rate };

/// Which throughput an economic figure is computed from.
enum class token_kind : unsigned char { total, input, output };
/// Which formula an economic column applies (economics.hpp).
enum class economic_metric : unsigned char { usd_per_mtok, tokens_per_usd, tok_per_s_per_mw, j_per_token, measured_j_per_token };

/// What the registry knows about a column.
struct column {
  column_id id;
  std::string_view name;
  column_type type;
  column_kind kind;
  value_rule rule;
  std::string_view unit;  ///< "s", "tok/s/gpu", "$/Mtok", ...; empty for identity columns
  std::string_view description;
  // economic columns only
  economic_metric metric = economic_metric::usd_per_mtok;
  token_kind tokens = token_kind::total;
  sense better = sense::maximize;

  INFERLENS_LAZY bool numeric() const noexcept { return type != column_type::text; }
  INFERLENS_LAZY bool economic() const noexcept { return kind == column_kind::economic; }
  /// The direction in which this column is better: latencies, cost and energy are minimised,
  /// everything else maximised.
  INFERLENS_LAZY sense natural_sense() const noexcept {
    if (economic()) return better;
    return unit == "s" ? sense::minimize : sense::maximize;
  }
};

namespace detail {
inline constexpr column column_table[] = {
#define INFERLENS_X(id, name, type, kind, rule, unit, member, description) \
  {column_id::id, name, column_type::type, column_kind::kind, value_rule::rule, unit, description},
    INFERLENS_POINT_COLUMNS(INFERLENS_X)
#undef INFERLENS_X
#define INFERLENS_E(id, unit, metric, tokens, better, description)                                          \
  {column_id::id, #id, column_type::real, column_kind::economic, value_rule::non_negative, unit, description, \
   economic_metric::metric, token_kind::tokens, sense::better},
        INFERLENS_ECONOMIC_COLUMNS(INFERLENS_E)
#undef INFERLENS_E
};
static_assert(std::size(column_table) == column_count);
}  // namespace detail

/// Every column in registry order: identity, provenance, measured, derived, latencies, power,
/// then the economic figures.
INFERLENS_LAZY constexpr std::span<const column> columns() noexcept { return detail::column_table; }

/// What the registry knows about a column.
INFERLENS_LAZY constexpr const column& info(column_id c) noexcept { return detail::column_table[index_of(c)]; }
INFERLENS_LAZY constexpr std::string_view name_of(column_id c) noexcept { return info(c).name; }

/// Another spelling of a column: upstream files' names and natural ones.
struct column_alias {
  std::string_view alias;
  column_id column;
  std::string_view origin;  ///< who spells it so
};

/// The accepted aliases, in one table (docs/api.md lists it). Lookup is case-insensitive.
inline constexpr column_alias column_aliases[] = {
    {"conc", cols::concurrency, "InferenceMAX"},
    {"infmax_model_prefix", cols::model_prefix, "InferenceMAX"},
    {"is_multinode", cols::multinode, "InferenceMAX"},
    {"dcp_size", cols::dcp, "InferenceMAX"},
    {"pcp_size", cols::pcp, "InferenceMAX"},
    {"prefill_dcp_size", cols::prefill_dcp, "InferenceMAX"},
    {"prefill_pcp_size", cols::prefill_pcp, "InferenceMAX"},
    {"decode_dcp_size", cols::decode_dcp, "InferenceMAX"},
    {"decode_pcp_size", cols::decode_pcp, "InferenceMAX"},
    {"num_prefill_gpu", cols::prefill_gpus, "InferenceMAX"},
    {"num_decode_gpu", cols::decode_gpus, "InferenceMAX"},
    {"source_run", cols::run, "InferenceMAX flat CSV"},
    {"model_id", cols::model, "vLLM"},
    {"max_concurrency", cols::concurrency, "vLLM"},
    {"hardware", cols::hw, "vLLM --metadata"},
    {"p999_ttft", cols::p999_ttft, "natural"},
    {"p999_tpot", cols::p999_tpot, "natural"},
    {"p999_itl", cols::p999_itl, "natural"},
    {"p999_e2el", cols::p999_e2el, "natural"},
    {"p999_intvty", cols::p999_intvty, "natural"},
    {"interactivity", cols::median_intvty, "natural"},
    {"engine", cols::framework, "natural"},
    {"gpu", cols::accelerator, "natural"},
    {"gpus", cols::num_gpus, "natural"},
    {"dp_attn", cols::dp_attention, "natural"},
    {"spec", cols::spec_decoding, "natural"},
    {"input_len", cols::isl, "natural"},
    {"output_len", cols::osl, "natural"},
    {"total_tput", cols::total_token_throughput, "natural"},
    {"checkpoint", cols::model_raw, "natural"},
    {"cost", cols::usd_per_mtok, "natural"},
    {"cost_per_mtok", cols::usd_per_mtok, "natural"},
    {"usd_per_input_mtok", cols::usd_per_mtok_input, "natural"},
    {"usd_per_output_mtok", cols::usd_per_mtok_output, "natural"},
    {"tokens_per_dollar", cols::tokens_per_usd, "natural"},
    {"usd_per_mtok_total", cols::usd_per_mtok, "natural"},
    {"tok_per_usd", cols::tokens_per_usd, "natural"},
    {"tok_per_s_per_mw_input", cols::input_tok_per_s_per_mw, "natural"},
    {"tok_per_s_per_mw_output", cols::output_tok_per_s_per_mw, "natural"},
    {"j_per_total_token", cols::j_per_token, "natural"},
    {"j_per_token_input", cols::j_per_input_token, "natural"},
    {"j_per_token_output", cols::j_per_output_token, "natural"},
    {"tokens_per_mw", cols::tok_per_s_per_mw, "natural"},
    {"tpPerMw", cols::tok_per_s_per_mw, "InferenceX app"},
    {"jTotal", cols::j_per_token, "InferenceX app"},
    {"jInput", cols::j_per_input_token, "InferenceX app"},
    {"jOutput", cols::j_per_output_token, "InferenceX app"},
};

/// The column a name or alias denotes (case-insensitive), or nothing.
INFERLENS_LAZY std::optional<column_id> lookup_column(std::string_view name) noexcept {
  name = detail::trim(name);
  for (const column& c : columns())
    if (detail::iequals(c.name, name)) return c.id;
  for (const column_alias& a : column_aliases)
    if (detail::iequals(a.alias, name)) return a.column;
  return std::nullopt;
}

/// Column names (and aliases) nearest to a misspelt one.
INFERLENS_LAZY std::vector<std::string_view> nearest_columns(std::string_view name, std::size_t count = 3) {
  std::vector<std::string_view> all;
  for (const column& c : columns()) all.push_back(c.name);
  for (const column_alias& a : column_aliases) all.push_back(a.alias);
  return detail::nearest_names(name, all, count);
}

/// The column a name or alias denotes. An unknown name is an input_error that names it (as the
/// field) and suggests the nearest names.
INFERLENS_LAZY column_id find_column(std::string_view name, std::string_view what = "column") {
  if (const auto c = lookup_column(name)) return *c;
  std::string message = "unknown " + std::string(what);
  const auto near = nearest_columns(name);
  if (!near.empty()) message += ": did you mean " + detail::join_or(near) + "?";
  else message += " (docs/api.md lists the columns)";
  throw input_error({"", std::nullopt, std::nullopt, std::string(name)}, message);
}

/// A number written in full ("1.95", "2e3", "inf", "-0" as 0), or nothing: the library's one
/// number parser (a finite spelling that overflows a double is not a number).
inline std::optional<double> parse_number(std::string_view s) noexcept { return detail::parse_double(s); }

// ---------------------------------------------------------------------------------------------
// Values of a point's columns
// ---------------------------------------------------------------------------------------------

/// One value of one column; monostate means missing.
using cell = std::variant<std::monostate, std::string, std::int64_t, double, bool>;

/// Numeric view of a cell: integers and booleans as doubles; text and missing have none.
INFERLENS_LAZY std::optional<double> as_number(const cell& c) noexcept {
  if (auto* d = std::get_if<double>(&c)) return *d;
  if (auto* i = std::get_if<std::int64_t>(&c)) return static_cast<double>(*i);
  if (auto* b = std::get_if<bool>(&c)) return *b ? 1.0 : 0.0;
  return std::nullopt;
}

/// A cell as text: integers without decimals, reals shortest round-trip, missing as "".
INFERLENS_LAZY std::string to_string(const cell& c) {
  if (auto* s = std::get_if<std::string>(&c)) return *s;
  if (auto* i = std::get_if<std::int64_t>(&c)) return std::to_string(*i);
  if (auto* b = std::get_if<bool>(&c)) return *b ? "true" : "false";
  if (auto* d = std::get_if<double>(&c)) return detail::shortest(*d);
  return {};
}

namespace detail {
inline constexpr double missing = std::numeric_limits<double>::quiet_NaN();

INFERLENS_LAZY double number_of(const std::optional<double>& v) noexcept { return v ? *v : missing; }
INFERLENS_LAZY double number_of(const std::optional<std::int64_t>& v) noexcept { return v ? static_cast<double>(*v) : missing; }
INFERLENS_LAZY double number_of(const std::optional<bool>& v) noexcept { return v ? (*v ? 1.0 : 0.0) : missing; }
INFERLENS_LAZY double number_of(bool v) noexcept { return v ? 1.0 : 0.0; }
INFERLENS_LAZY double number_of(const std::string&) noexcept { return missing; }

INFERLENS_LAZY std::string_view text_of(const std::string& v) noexcept { return v; }
template <class T>
std::string_view text_of(const T&) noexcept {
  return {};
}

INFERLENS_LAZY cell cell_of(const std::optional<double>& v) { return v ? cell(*v) : cell(); }
INFERLENS_LAZY cell cell_of(const std::optional<std::int64_t>& v) { return v ? cell(*v) : cell(); }
INFERLENS_LAZY cell cell_of(const std::optional<bool>& v) { return v ? cell(*v) : cell(); }
INFERLENS_LAZY cell cell_of(bool v) { return v; }
INFERLENS_LAZY cell cell_of(const std::string& v) { return v.empty() ? cell() : cell(v); }

// Setting from a number (NaN: missing). Integers take only whole values within int64.
INFERLENS_LAZY void assign_number(std::optional<double>& slot, double v) noexcept {
  if (std::isnan(v)) slot.reset();
  else slot = v;
}
INFERLENS_LAZY void assign_number(std::optional<std::int64_t>& slot, double v) noexcept { slot = integral(v); }
INFERLENS_LAZY void assign_number(std::optional<bool>& slot, double v) noexcept {
  if (std::isnan(v)) slot.reset();
  else slot = v != 0;
}
inline void assign_number(bool& slot, double v) noexcept { slot = !std::isnan(v) && v != 0; }
INFERLENS_LAZY void assign_number(std::string&, double) noexcept {}
INFERLENS_LAZY void assign_text(std::string& slot, std::string_view v) { slot.assign(v.data(), v.size()); }
template <class T>
void assign_text(T&, std::string_view) noexcept {}
}  // namespace detail

/// The value of a point column as a double: integers and booleans converted, NaN when missing,
/// for a text column or for an economic one (those need a price: economics.hpp).
INFERLENS_LAZY double number(const benchmark_point& p, column_id c) noexcept {
  switch (c) {
#define INFERLENS_X(id, name, type, kind, rule, unit, member, description) \
  case column_id::id: return detail::number_of(p.member);
    INFERLENS_POINT_COLUMNS(INFERLENS_X)
#undef INFERLENS_X
    default: return detail::missing;
  }
}

/// The value of a text column ("" when missing or not a text column).
INFERLENS_LAZY std::string_view text(const benchmark_point& p, column_id c) noexcept {
  switch (c) {
#define INFERLENS_X(id, name, type, kind, rule, unit, member, description) \
  case column_id::id: return detail::text_of(p.member);
    INFERLENS_POINT_COLUMNS(INFERLENS_X)
#undef INFERLENS_X
    default: return {};
  }
}

/// The value of a point column as a cell (missing for economic columns).
INFERLENS_LAZY cell get(const benchmark_point& p, column_id c) {
  switch (c) {
#define INFERLENS_X(id, name, type, kind, rule, unit, member, description) \
  case column_id::id: return detail::cell_of(p.member);
    INFERLENS_POINT_COLUMNS(INFERLENS_X)
#undef INFERLENS_X
    default: return {};
  }
}

/// Sets a numeric point column from a double (NaN clears it; an integer column takes only whole
/// values). No effect on text and economic columns.
INFERLENS_LAZY void set_number(benchmark_point& p, column_id c, double v) noexcept {
  switch (c) {
#define INFERLENS_X(id, name, type, kind, rule, unit, member, description) \
  case column_id::id: detail::assign_number(p.member, v); return;
    INFERLENS_POINT_COLUMNS(INFERLENS_X)
#undef INFERLENS_X
    default: return;
  }
}

/// Sets a text point column. No effect on other columns.
INFERLENS_LAZY void set_text(benchmark_point& p, column_id c, std::string_view v) {
  switch (c) {
#define INFERLENS_X(id, name, type, kind, rule, unit, member, description) \
  case column_id::id: detail::assign_text(p.member, v); return;
    INFERLENS_POINT_COLUMNS(INFERLENS_X)
#undef INFERLENS_X
    default: return;
  }
}

/// Sets a point column from a cell of its type (monostate clears it).
INFERLENS_LAZY void set(benchmark_point& p, column_id c, const cell& v) {
  if (info(c).type == column_type::text) {
    const std::string* s = std::get_if<std::string>(&v);
    set_text(p, c, s ? std::string_view(*s) : std::string_view());
  } else {
    set_number(p, c, as_number(v).value_or(detail::missing));
  }
}

/// The columns derive() may fill (record.hpp): readers store these besides the ones a file gives.
inline constexpr column_id derived_columns[] = {
    cols::accelerator,         cols::prefill_gpus,     cols::decode_gpus,        cols::num_gpus,
    cols::total_token_throughput, cols::output_throughput, cols::input_throughput, cols::tput_per_gpu,
    cols::output_tput_per_gpu, cols::input_tput_per_gpu, cols::mean_tpot,        cols::median_tpot,
    cols::p90_tpot,            cols::p99_tpot,         cols::p999_tpot,          cols::mean_intvty,
    cols::median_intvty,       cols::p90_intvty,       cols::p99_intvty,         cols::p999_intvty,
    cols::failed};

/// The columns derive() reads: it computes derived_columns from these alone.
inline constexpr column_id derive_inputs[] = {
    cols::hw,           cols::accelerator,      cols::multinode,       cols::tp,
    cols::pp,           cols::pcp,              cols::num_gpus,        cols::num_prompts,
    cols::completed,    cols::failed,           cols::prefill_num_workers, cols::prefill_tp,
    cols::prefill_pp,   cols::prefill_pcp,      cols::prefill_gpus,    cols::decode_num_workers,
    cols::decode_tp,    cols::decode_pp,        cols::decode_pcp,      cols::decode_gpus,
    cols::total_token_throughput, cols::output_throughput, cols::input_throughput, cols::tput_per_gpu,
    cols::output_tput_per_gpu, cols::input_tput_per_gpu, cols::mean_tpot, cols::median_tpot,
    cols::p90_tpot,     cols::p99_tpot,         cols::p999_tpot,       cols::mean_intvty,
    cols::median_intvty, cols::p90_intvty,      cols::p99_intvty,      cols::p999_intvty};

/// The columns one system is identified by on the InferenceMAX dashboard: a system on a workload.
inline constexpr column_id system_columns[] = {cols::model,       cols::isl,       cols::osl,          cols::precision,
                                               cols::accelerator, cols::framework, cols::spec_decoding};

INFERLENS_END_NAMESPACE
