// The previous column registry, kept only while the load generator and the old readers move to
// columns.hpp (it is deleted when they have). Never include it together with columns.hpp.
#pragma once

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "inferlens/record.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

// ---------------------------------------------------------------------------------------------
// Columns
// ---------------------------------------------------------------------------------------------

/// The kind of value a column holds.
enum class column_type { text, integer, real, boolean };

/// One value of one column; monostate means missing.
using cell = std::variant<std::monostate, std::string, std::int64_t, double, bool>;

/// A named column of benchmark_point. Names follow InferenceMAX where it has one.
struct column {
  std::string_view name;
  column_type type;
  std::string_view unit;         ///< "s", "tok/s/gpu", "" for identity columns
  std::string_view description;
  cell (*get)(const benchmark_point&);
  void (*set)(benchmark_point&, const cell&);  ///< cell holds the column's type, or monostate
  bool identity = false;         ///< part of what a configuration is (used by group-by defaults and latest())
};

/// Numeric view of a cell: integers and booleans as doubles; text and missing have none.
inline std::optional<double> as_number(const cell& c) noexcept {
  if (auto* d = std::get_if<double>(&c)) return *d;
  if (auto* i = std::get_if<std::int64_t>(&c)) return static_cast<double>(*i);
  if (auto* b = std::get_if<bool>(&c)) return *b ? 1.0 : 0.0;
  return std::nullopt;
}

namespace detail {

template <class T>
cell to_cell(const std::optional<T>& v) {
  if (v) return *v;
  return std::monostate{};
}
inline cell to_cell(const std::string& v) {
  if (v.empty()) return std::monostate{};
  return v;
}
inline cell to_cell(bool v) { return v; }

template <class T>
void from_cell(std::optional<T>& slot, const cell& c) {
  if (auto* v = std::get_if<T>(&c)) slot = *v;
  else slot.reset();
}
inline void from_cell(std::string& slot, const cell& c) {
  if (auto* v = std::get_if<std::string>(&c)) slot = *v;
  else slot.clear();
}
inline void from_cell(bool& slot, const cell& c) {
  if (auto* v = std::get_if<bool>(&c)) slot = *v;
  else slot = false;
}

template <auto Member>
cell get_member(const benchmark_point& p) { return to_cell(p.*Member); }
template <auto Member>
void set_member(benchmark_point& p, const cell& c) { from_cell(p.*Member, c); }

template <auto Pool, auto Member>
cell get_pool(const benchmark_point& p) { return to_cell(p.*Pool.*Member); }
template <auto Pool, auto Member>
void set_pool(benchmark_point& p, const cell& c) { from_cell(p.*Pool.*Member, c); }

template <class T>
constexpr column_type type_of() {
  if constexpr (std::is_same_v<T, std::string>) return column_type::text;
  else if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::optional<bool>>) return column_type::boolean;
  else if constexpr (std::is_same_v<T, std::optional<std::int64_t>>) return column_type::integer;
  else return column_type::real;
}

template <auto Member>
column member_column(std::string_view name, std::string_view unit, std::string_view desc, bool identity = false) {
  using T = std::remove_cvref_t<decltype(std::declval<benchmark_point>().*Member)>;
  return {name, type_of<T>(), unit, desc, &get_member<Member>, &set_member<Member>, identity};
}

template <auto Pool, auto Member>
column pool_column(std::string_view name, std::string_view desc) {
  using T = std::remove_cvref_t<decltype(std::declval<benchmark_point>().*Pool.*Member)>;
  return {name, type_of<T>(), "", desc, &get_pool<Pool, Member>, &set_pool<Pool, Member>, true};
}

// Latency columns are generated: {stat}_{metric} for the six statistics and five metrics.
template <latency_stats benchmark_point::*Metric, std::optional<double> latency_stats::*Stat>
cell get_latency(const benchmark_point& p) { return to_cell(p.*Metric.*Stat); }
template <latency_stats benchmark_point::*Metric, std::optional<double> latency_stats::*Stat>
void set_latency(benchmark_point& p, const cell& c) { from_cell(p.*Metric.*Stat, c); }

template <latency_stats benchmark_point::*Metric>
void add_latency_columns(std::vector<column>& out, std::string_view metric_names[6], std::string_view unit,
                         std::string_view desc) {
  using L = latency_stats;
  out.push_back({metric_names[0], column_type::real, unit, desc, &get_latency<Metric, &L::mean>, &set_latency<Metric, &L::mean>});
  out.push_back({metric_names[1], column_type::real, unit, desc, &get_latency<Metric, &L::median>, &set_latency<Metric, &L::median>});
  out.push_back({metric_names[2], column_type::real, unit, desc, &get_latency<Metric, &L::std>, &set_latency<Metric, &L::std>});
  out.push_back({metric_names[3], column_type::real, unit, desc, &get_latency<Metric, &L::p90>, &set_latency<Metric, &L::p90>});
  out.push_back({metric_names[4], column_type::real, unit, desc, &get_latency<Metric, &L::p99>, &set_latency<Metric, &L::p99>});
  out.push_back({metric_names[5], column_type::real, unit, desc, &get_latency<Metric, &L::p999>, &set_latency<Metric, &L::p999>});
}

inline std::vector<column> make_columns() {
  using P = benchmark_point;
  using W = worker_pool;
  std::vector<column> c;
  c.reserve(112);
  // identity (InferenceMAX agg_bmk names)
  c.push_back(member_column<&P::hw>("hw", "", "raw accelerator label (runner), e.g. b200-trt", true));
  c.push_back(member_column<&P::accelerator>("accelerator", "", "normalised accelerator, e.g. b200", true));
  c.push_back(member_column<&P::model>("model", "", "model name", true));
  c.push_back(member_column<&P::model_prefix>("infmax_model_prefix", "", "InferenceMAX model code", true));
  c.push_back(member_column<&P::framework>("framework", "", "serving engine", true));
  c.push_back(member_column<&P::image>("image", "", "engine image or version", true));
  c.push_back(member_column<&P::precision>("precision", "", "weight precision", true));
  c.push_back(member_column<&P::spec_decoding>("spec_decoding", "", "speculative decoding method", true));
  c.push_back(member_column<&P::isl>("isl", "tokens", "nominal input sequence length", true));
  c.push_back(member_column<&P::osl>("osl", "tokens", "nominal output sequence length", true));
  c.push_back(member_column<&P::concurrency>("conc", "requests", "maximum concurrent requests", true));
  c.push_back(member_column<&P::request_rate>("request_rate", "req/s", "offered request rate (inf = all at once)", true));
  c.push_back(member_column<&P::num_prompts>("num_prompts", "requests", "requests in the measured run", true));
  c.push_back(member_column<&P::disagg>("disagg", "", "prefill/decode disaggregated", true));
  c.push_back(member_column<&P::multinode>("is_multinode", "", "GPU counts from worker pools", true));
  c.push_back(member_column<&P::tp>("tp", "", "tensor parallel size", true));
  c.push_back(member_column<&P::pp>("pp", "", "pipeline parallel size", true));
  c.push_back(member_column<&P::ep>("ep", "", "expert parallel size", true));
  c.push_back(member_column<&P::dcp>("dcp_size", "", "decode context parallel size", true));
  c.push_back(member_column<&P::pcp>("pcp_size", "", "prefill context parallel size", true));
  c.push_back(member_column<&P::dp_attention>("dp_attention", "", "data-parallel attention", true));
  c.push_back(pool_column<&P::prefill, &W::num_workers>("prefill_num_workers", "prefill workers"));
  c.push_back(pool_column<&P::prefill, &W::tp>("prefill_tp", "prefill tensor parallel size"));
  c.push_back(pool_column<&P::prefill, &W::ep>("prefill_ep", "prefill expert parallel size"));
  c.push_back(pool_column<&P::prefill, &W::pp>("prefill_pp", "prefill pipeline parallel size"));
  c.push_back(pool_column<&P::prefill, &W::dcp>("prefill_dcp_size", "prefill decode-context parallel size"));
  c.push_back(pool_column<&P::prefill, &W::pcp>("prefill_pcp_size", "prefill prefill-context parallel size"));
  c.push_back(pool_column<&P::prefill, &W::dp_attention>("prefill_dp_attention", "prefill data-parallel attention"));
  c.push_back(pool_column<&P::prefill, &W::gpus>("num_prefill_gpu", "GPUs of all prefill workers"));
  c.push_back(pool_column<&P::prefill, &W::hw>("prefill_hw", "prefill accelerator label"));
  c.push_back(pool_column<&P::decode, &W::num_workers>("decode_num_workers", "decode workers"));
  c.push_back(pool_column<&P::decode, &W::tp>("decode_tp", "decode tensor parallel size"));
  c.push_back(pool_column<&P::decode, &W::ep>("decode_ep", "decode expert parallel size"));
  c.push_back(pool_column<&P::decode, &W::pp>("decode_pp", "decode pipeline parallel size"));
  c.push_back(pool_column<&P::decode, &W::dcp>("decode_dcp_size", "decode decode-context parallel size"));
  c.push_back(pool_column<&P::decode, &W::pcp>("decode_pcp_size", "decode prefill-context parallel size"));
  c.push_back(pool_column<&P::decode, &W::dp_attention>("decode_dp_attention", "decode data-parallel attention"));
  c.push_back(pool_column<&P::decode, &W::gpus>("num_decode_gpu", "GPUs of all decode workers"));
  c.push_back(pool_column<&P::decode, &W::hw>("decode_hw", "decode accelerator label"));
  c.push_back(member_column<&P::date>("date", "", "when the run happened"));
  c.push_back(member_column<&P::run>("run", "", "run identifier"));
  c.push_back(member_column<&P::source>("source", "", "file the point was read from"));
  // measured
  c.push_back(member_column<&P::duration>("duration", "s", "measured run duration"));
  c.push_back(member_column<&P::completed>("completed", "requests", "successful requests"));
  c.push_back(member_column<&P::failed>("failed", "requests", "failed requests"));
  c.push_back(member_column<&P::total_input_tokens>("total_input_tokens", "tokens", "input tokens of successful requests"));
  c.push_back(member_column<&P::total_output_tokens>("total_output_tokens", "tokens", "output tokens of successful requests"));
  c.push_back(member_column<&P::request_throughput>("request_throughput", "req/s", "completed requests / duration"));
  c.push_back(member_column<&P::request_goodput>("request_goodput", "req/s", "requests meeting the SLOs / duration"));
  c.push_back(member_column<&P::input_throughput>("input_throughput", "tok/s", "input tokens / duration, whole deployment"));
  c.push_back(member_column<&P::output_throughput>("output_throughput", "tok/s", "output tokens / duration, whole deployment"));
  c.push_back(member_column<&P::total_token_throughput>("total_token_throughput", "tok/s", "(input + output tokens) / duration"));
  c.push_back(member_column<&P::num_gpus>("num_gpus", "GPUs", "GPUs the per-GPU throughput divides by"));
  c.push_back(member_column<&P::tput_per_gpu>("tput_per_gpu", "tok/s/gpu", "total token throughput per GPU"));
  c.push_back(member_column<&P::output_tput_per_gpu>("output_tput_per_gpu", "tok/s/gpu", "output throughput per (decode) GPU"));
  c.push_back(member_column<&P::input_tput_per_gpu>("input_tput_per_gpu", "tok/s/gpu", "input throughput per (prefill) GPU"));
  std::string_view ttft[6] = {"mean_ttft", "median_ttft", "std_ttft", "p90_ttft", "p99_ttft", "p99.9_ttft"};
  std::string_view tpot[6] = {"mean_tpot", "median_tpot", "std_tpot", "p90_tpot", "p99_tpot", "p99.9_tpot"};
  std::string_view itl[6] = {"mean_itl", "median_itl", "std_itl", "p90_itl", "p99_itl", "p99.9_itl"};
  std::string_view e2el[6] = {"mean_e2el", "median_e2el", "std_e2el", "p90_e2el", "p99_e2el", "p99.9_e2el"};
  std::string_view intv[6] = {"mean_intvty", "median_intvty", "std_intvty", "p90_intvty", "p99_intvty", "p99.9_intvty"};
  add_latency_columns<&P::ttft>(c, ttft, "s", "time to first token");
  add_latency_columns<&P::tpot>(c, tpot, "s", "time per output token after the first");
  add_latency_columns<&P::itl>(c, itl, "s", "inter-chunk latency");
  add_latency_columns<&P::e2el>(c, e2el, "s", "end-to-end request latency");
  add_latency_columns<&P::intvty>(c, intv, "tok/s/user", "interactivity = 1 / TPOT of the same statistic");
  c.push_back(member_column<&P::avg_power_w>("avg_power_w", "W", "measured average power per GPU"));
  c.push_back(member_column<&P::total_gpu_energy_j>("total_gpu_energy_j", "J", "measured GPU energy over the run"));
  c.push_back(member_column<&P::joules_per_input_token>("joules_per_input_token", "J/token", "measured GPU energy per input token"));
  c.push_back(member_column<&P::joules_per_output_token>("joules_per_output_token", "J/token", "measured GPU energy per output token"));
  c.push_back(member_column<&P::joules_per_total_token>("joules_per_total_token", "J/token", "measured GPU energy per token"));
  return c;
}

struct column_alias {
  std::string_view alias, name;
};
// Other harnesses' and natural spellings of the same columns.
inline constexpr column_alias column_aliases[] = {
    {"concurrency", "conc"},          {"max_concurrency", "conc"},      {"engine", "framework"},
    {"gpu", "accelerator"},           {"model_id", "model"},            {"source_run", "run"},
    {"interactivity", "median_intvty"}, {"gpus", "num_gpus"},         {"multinode", "is_multinode"},
    {"dp_attn", "dp_attention"},      {"spec", "spec_decoding"},        {"input_len", "isl"},
    {"output_len", "osl"},            {"total_tput", "total_token_throughput"},
};

inline bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace detail

/// Every column, in a stable order (identity, measured, latency statistics, power).
inline std::span<const column> columns() {
  static const std::vector<column> all = detail::make_columns();
  return all;
}

/// The column called `name` (case-insensitive; aliases such as "concurrency" for "conc"
/// accepted), or nullptr.
inline const column* find_column(std::string_view name) noexcept {
  for (const auto& a : detail::column_aliases)
    if (detail::iequals(a.alias, name)) name = a.name;
  for (const auto& c : columns())
    if (detail::iequals(c.name, name)) return &c;
  return nullptr;
}

/// Numeric value of a column of a point (missing for text columns and missing values).
inline std::optional<double> numeric(const benchmark_point& p, const column& c) { return as_number(c.get(p)); }

/// A cell as text: integers without decimals, reals with round-trip precision, missing as "".
inline std::string to_string(const cell& c) {
  struct visitor {
    std::string operator()(std::monostate) const { return {}; }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(double d) const {
      if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
      if (std::isnan(d)) return "nan";
      char buf[32];
      const auto r = std::to_chars(buf, buf + sizeof buf, d);  // shortest text that round-trips
      return std::string(buf, r.ptr);
    }
  };
  return std::visit(visitor{}, c);
}

INFERLENS_END_NAMESPACE
