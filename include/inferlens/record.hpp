// One benchmark point (one run of one configuration at one load level), the InferenceMAX
// derivation rules, and the registry of named columns that readers, writers, tables and the
// CLI share. Units are in the names: latencies are seconds, throughputs tokens (or requests)
// per second, power watts, energy joules. A value the source did not give stays missing.
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

#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// The statistics a harness reports for one latency metric, in seconds (or tok/s/user for
/// interactivity). `p999` is the 99.9th percentile.
struct latency_stats {
  std::optional<double> mean, median, std, p90, p99, p999;
};

/// Which statistic of a latency metric.
enum class statistic { mean, median, std, p90, p99, p999 };

inline constexpr std::optional<double> latency_stats::*statistic_member(statistic s) noexcept {
  switch (s) {
    case statistic::mean: return &latency_stats::mean;
    case statistic::median: return &latency_stats::median;
    case statistic::std: return &latency_stats::std;
    case statistic::p90: return &latency_stats::p90;
    case statistic::p99: return &latency_stats::p99;
    case statistic::p999: return &latency_stats::p999;
  }
  return &latency_stats::median;
}

/// One side (prefill or decode) of a disaggregated deployment.
struct worker_pool {
  std::optional<std::int64_t> num_workers, tp, ep, pp, dcp, pcp;
  std::optional<bool> dp_attention;
  std::optional<std::int64_t> gpus;  ///< all GPUs of this side (InferenceMAX num_prefill_gpu / num_decode_gpu)
  std::string hw;                    ///< raw runner label when it differs from the point's
};

/// One run of one configuration at one load level.
struct benchmark_point {
  // --- identity ---------------------------------------------------------------------------
  std::string model;          ///< e.g. "openai/gpt-oss-120b"
  std::string model_prefix;   ///< InferenceMAX infmax_model_prefix, e.g. "gptoss"
  std::string framework;      ///< engine: vllm, sglang, trt, dynamo-trt, ...
  std::string image;          ///< engine image or version, e.g. "vllm/vllm-openai:v0.13.0"
  std::string hw;             ///< raw accelerator label as the source wrote it ("b200-trt")
  std::string accelerator;    ///< normalised base accelerator ("b200"); derived from hw when empty
  std::string precision;      ///< fp4, fp8, bf16, ...
  std::string spec_decoding;  ///< none, mtp, eagle3, ...; empty when unknown
  std::optional<std::int64_t> isl, osl;           ///< nominal input / output sequence length
  std::optional<std::int64_t> concurrency;        ///< max in-flight requests (InferenceMAX conc)
  std::optional<double> request_rate;             ///< req/s; +inf means all requests at once
  std::optional<std::int64_t> num_prompts;
  std::optional<std::int64_t> tp, pp, ep, dcp, pcp;  ///< single-node parallelism
  std::optional<bool> dp_attention;
  bool disagg = false;     ///< prefill and decode on separate workers
  bool multinode = false;  ///< InferenceMAX is_multinode: GPU counts come from the worker pools
  worker_pool prefill, decode;
  std::string date;    ///< when it ran, as the source wrote it (sortable, e.g. 20260428-095035)
  std::string run;     ///< run identifier (e.g. a CI run id); with date, orders runs
  std::string source;  ///< file it came from

  // --- measured ---------------------------------------------------------------------------
  std::optional<double> duration;                ///< s
  std::optional<std::int64_t> completed, failed;
  std::optional<std::int64_t> total_input_tokens, total_output_tokens;
  std::optional<double> request_throughput;      ///< req/s
  std::optional<double> request_goodput;         ///< req/s meeting the SLOs
  std::optional<double> input_throughput;        ///< tok/s, whole deployment
  std::optional<double> output_throughput;       ///< tok/s, whole deployment
  std::optional<double> total_token_throughput;  ///< tok/s, whole deployment
  latency_stats ttft, tpot, itl, e2el;           ///< seconds
  latency_stats intvty;                          ///< tok/s/user = 1 / TPOT (same statistic)
  std::optional<double> avg_power_w;             ///< measured, per GPU
  std::optional<double> total_gpu_energy_j;      ///< measured, all GPUs over the run
  std::optional<double> joules_per_input_token, joules_per_output_token, joules_per_total_token;

  // --- derived (filled by derive() when missing) -------------------------------------------
  std::optional<std::int64_t> num_gpus;          ///< GPUs the throughput is divided by
  std::optional<double> tput_per_gpu;            ///< total tok/s per GPU
  std::optional<double> input_tput_per_gpu;      ///< per prefill GPU when disaggregated
  std::optional<double> output_tput_per_gpu;     ///< per decode GPU when disaggregated

  /// Interactivity (tok/s/user) at a statistic of TPOT.
  std::optional<double> interactivity(statistic s = statistic::median) const noexcept {
    return intvty.*statistic_member(s);
  }
};

/// "b200-trt" -> "b200", "mi355x-amd_0" -> "mi355x", "H100 SXM" -> "h100": lower case, up to the
/// first '-', '_' or space (the dashboard's base-GPU rule).
inline std::string normalize_accelerator(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    if (c == '-' || c == '_' || c == ' ') break;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

/// True when the point's GPU count comes from prefill + decode worker pools.
inline bool uses_worker_pools(const benchmark_point& p) noexcept {
  return p.multinode || p.prefill.gpus || p.decode.gpus || p.prefill.num_workers || p.decode.num_workers;
}

namespace detail {
inline std::optional<std::int64_t> pool_gpus(const worker_pool& w) {
  if (w.gpus) return w.gpus;
  if (!w.num_workers || !w.tp) return std::nullopt;
  return *w.num_workers * *w.tp * w.pp.value_or(1) * w.pcp.value_or(1);
}
inline void fill(std::optional<double>& slot, std::optional<double> v) {
  if (!slot && v && std::isfinite(*v)) slot = v;
}
}  // namespace detail

/// Fill every derived field that is missing, with InferenceMAX's rules:
///  - accelerator = normalize_accelerator(hw);
///  - single node: GPUs = tp × pp × pcp; tput/output/input per GPU = throughput / GPUs;
///  - worker pools: GPUs = prefill + decode GPUs; total per GPU divides by all of them, output
///    per GPU by decode GPUs, input per GPU by prefill GPUs;
///  - the reverse (whole-deployment throughput from per-GPU figures) when only those are given;
///  - interactivity = 1 / TPOT for each statistic (TPOT from interactivity when only it is given),
///    except std, for which 1/std has no meaning;
///  - failed = num_prompts − completed.
/// Values the source gave are never overwritten.
inline void derive(benchmark_point& p) {
  if (p.accelerator.empty()) p.accelerator = normalize_accelerator(p.hw);

  std::optional<double> all, in_gpus, out_gpus;  // denominators
  if (uses_worker_pools(p)) {
    if (!p.prefill.gpus) p.prefill.gpus = detail::pool_gpus(p.prefill);
    if (!p.decode.gpus) p.decode.gpus = detail::pool_gpus(p.decode);
    if (!p.num_gpus && p.prefill.gpus && p.decode.gpus) p.num_gpus = *p.prefill.gpus + *p.decode.gpus;
    if (p.prefill.gpus && *p.prefill.gpus > 0) in_gpus = static_cast<double>(*p.prefill.gpus);
    if (p.decode.gpus && *p.decode.gpus > 0) out_gpus = static_cast<double>(*p.decode.gpus);
  } else if (!p.num_gpus && p.tp) {
    p.num_gpus = *p.tp * p.pp.value_or(1) * p.pcp.value_or(1);
  }
  if (p.num_gpus && *p.num_gpus > 0) all = static_cast<double>(*p.num_gpus);
  if (!uses_worker_pools(p)) in_gpus = out_gpus = all;
  if (!out_gpus) out_gpus = all;  // InferenceMAX: decode GPUs if > 0, else all

  auto per = [](std::optional<double> v, std::optional<double> d) -> std::optional<double> {
    if (v && d) return *v / *d;
    return std::nullopt;
  };
  auto times = [](std::optional<double> v, std::optional<double> d) -> std::optional<double> {
    if (v && d) return *v * *d;
    return std::nullopt;
  };
  // Whole-deployment figures first (from per-GPU ones when only those are given), then
  // input = total - output, then per GPU: in this order one pass fills everything, so a second
  // derive() changes nothing.
  detail::fill(p.total_token_throughput, times(p.tput_per_gpu, all));
  detail::fill(p.output_throughput, times(p.output_tput_per_gpu, out_gpus));
  detail::fill(p.input_throughput, times(p.input_tput_per_gpu, in_gpus));
  if (!p.input_throughput && p.total_token_throughput && p.output_throughput)
    p.input_throughput = *p.total_token_throughput - *p.output_throughput;
  detail::fill(p.tput_per_gpu, per(p.total_token_throughput, all));
  detail::fill(p.output_tput_per_gpu, per(p.output_throughput, out_gpus));
  detail::fill(p.input_tput_per_gpu, per(p.input_throughput, in_gpus));

  for (statistic s : {statistic::mean, statistic::median, statistic::p90, statistic::p99, statistic::p999}) {
    auto& t = p.tpot.*statistic_member(s);
    auto& i = p.intvty.*statistic_member(s);
    if (!i && t && *t > 0) i = 1.0 / *t;
    if (!t && i && *i > 0) t = 1.0 / *i;
  }
  if (!p.failed && p.num_prompts && p.completed && *p.num_prompts >= *p.completed)
    p.failed = *p.num_prompts - *p.completed;
}

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
