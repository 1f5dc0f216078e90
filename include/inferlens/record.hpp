// One benchmark point (one run of one configuration at one load level) and the InferenceMAX
// derivation rules. Units are in the names: latencies are seconds, throughputs tokens (or
// requests) per second, power watts, energy joules. A value the source did not give stays
// missing. Every field is also a named column (columns.hpp) spelled like the member.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// The statistics a harness reports for one latency metric, in seconds (or tok/s/user for
/// interactivity). `p999` is the 99.9th percentile (column names spell it p99.9).
struct latency_stats {
  std::optional<double> mean, median, std, p90, p99, p999;
};

/// Which statistic of a latency metric.
enum class statistic { mean, median, std, p90, p99, p999 };

INFERLENS_LAZY constexpr std::optional<double> latency_stats::*statistic_member(statistic s) noexcept {
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
  std::string model;          ///< canonical base model, e.g. "gpt-oss-120b"
  std::string model_raw;      ///< the model or checkpoint as the source wrote it
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
  bool disagg = false;     ///< prefill and decode on separate workers
  bool multinode = false;  ///< InferenceMAX is_multinode: GPU counts come from the worker pools
  std::optional<std::int64_t> tp, pp, ep, dcp, pcp;  ///< single-node parallelism
  std::optional<bool> dp_attention;
  worker_pool prefill, decode;
  // --- provenance -------------------------------------------------------------------------
  std::string date;    ///< when it ran, as the source wrote it (sortable, e.g. 20260428-095035)
  std::string run;     ///< run identifier (e.g. a CI run id); with date, orders runs
  std::string source;  ///< file it came from
  std::optional<std::int64_t> source_row;  ///< row (array element, CSV record, line) in that file
  bool partial = false;  ///< an interrupted measurement (e.g. a sweep point cut short)

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
  /// 100 x tput_per_gpu / the physical bound at this point's interactivity (limits.hpp); set by
  /// with_limits(), computed on demand by frontiers drawn on it.
  std::optional<double> pct_of_limit;

  /// Interactivity (tok/s/user) at a statistic of TPOT.
  INFERLENS_LAZY std::optional<double> interactivity(statistic s = statistic::median) const noexcept {
    return intvty.*statistic_member(s);
  }
};

/// "b200-trt" -> "b200", "mi355x-amd_0" -> "mi355x", "H100 SXM" -> "h100": lower case, up to the
/// first '-', '_' or space (the dashboard's base-GPU rule).
INFERLENS_LAZY std::string normalize_accelerator(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    if (c == '-' || c == '_' || c == ' ') break;
    out += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

/// True when the point's GPU count comes from prefill + decode worker pools.
INFERLENS_LAZY bool uses_worker_pools(const benchmark_point& p) noexcept {
  return p.multinode || p.prefill.gpus || p.decode.gpus || p.prefill.num_workers || p.decode.num_workers;
}

/// a × b × ..., or nothing when a factor is missing or the product leaves int64.
INFERLENS_LAZY std::optional<std::int64_t> checked_product(std::optional<std::int64_t> a, std::optional<std::int64_t> b,
                                                   std::optional<std::int64_t> c = 1,
                                                   std::optional<std::int64_t> d = 1) noexcept {
  if (!a || !b || !c || !d) return std::nullopt;
  std::int64_t out = 0;
  if (__builtin_mul_overflow(*a, *b, &out) || __builtin_mul_overflow(out, *c, &out) ||
      __builtin_mul_overflow(out, *d, &out))
    return std::nullopt;
  return out;
}

namespace detail {
INFERLENS_LAZY std::optional<std::int64_t> pool_gpus(const worker_pool& w) noexcept {
  if (w.gpus) return w.gpus;
  return checked_product(w.num_workers, w.tp, w.pp.value_or(1), w.pcp.value_or(1));
}
INFERLENS_LAZY void fill(std::optional<double>& slot, std::optional<double> v) noexcept {
  if (!slot && v && std::isfinite(*v)) slot = v;
}
}  // namespace detail

/// Fill every derived field that is missing, with InferenceMAX's rules:
///  - accelerator = normalize_accelerator(hw);
///  - single node: GPUs = tp × pp × pcp; tput/output/input per GPU = throughput / GPUs;
///  - worker pools: GPUs = prefill + decode GPUs; total per GPU divides by all of them, output
///    per GPU by decode GPUs, input per GPU by prefill GPUs;
///  - the reverse (whole-deployment throughput from per-GPU figures) when only those are given;
///  - input throughput = total − output when not given (and total ≥ output);
///  - interactivity = 1 / TPOT for each statistic (TPOT from interactivity when only it is given),
///    except std, for which 1/std has no meaning;
///  - failed = num_prompts − completed.
/// Values the source gave are never overwritten, and a second derive() changes nothing. A GPU
/// count whose product leaves int64 stays missing (readers reject such rows first).
INFERLENS_LAZY void derive(benchmark_point& p) noexcept {
  if (p.accelerator.empty()) p.accelerator = normalize_accelerator(p.hw);

  std::optional<double> all, in_gpus, out_gpus;  // denominators
  const bool pools = uses_worker_pools(p);
  if (pools) {
    if (!p.prefill.gpus) p.prefill.gpus = detail::pool_gpus(p.prefill);
    if (!p.decode.gpus) p.decode.gpus = detail::pool_gpus(p.decode);
    std::int64_t sum = 0;
    if (!p.num_gpus && p.prefill.gpus && p.decode.gpus && !__builtin_add_overflow(*p.prefill.gpus, *p.decode.gpus, &sum))
      p.num_gpus = sum;
    if (p.prefill.gpus && *p.prefill.gpus > 0) in_gpus = static_cast<double>(*p.prefill.gpus);
    if (p.decode.gpus && *p.decode.gpus > 0) out_gpus = static_cast<double>(*p.decode.gpus);
  } else if (!p.num_gpus && p.tp) {
    p.num_gpus = checked_product(p.tp, p.pp.value_or(1), p.pcp.value_or(1));
  }
  if (p.num_gpus && *p.num_gpus > 0) all = static_cast<double>(*p.num_gpus);
  if (!pools) in_gpus = out_gpus = all;
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
  // input = total - output, then per GPU: in this order one pass fills everything.
  detail::fill(p.total_token_throughput, times(p.tput_per_gpu, all));
  detail::fill(p.output_throughput, times(p.output_tput_per_gpu, out_gpus));
  detail::fill(p.input_throughput, times(p.input_tput_per_gpu, in_gpus));
  if (!p.input_throughput && p.total_token_throughput && p.output_throughput &&
      *p.total_token_throughput >= *p.output_throughput)
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

INFERLENS_END_NAMESPACE
