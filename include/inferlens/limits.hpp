// The physical limit of a benchmark point: from the accelerator's specs (data/accelerator_specs.json,
// embedded) and the model's architecture (data/models.json), the most throughput per GPU any
// engine could reach at each interactivity for one configuration (model, precision, accelerator,
// parallelism, ISL/OSL). It is a roofline for decode: a step of B sequences cannot take less than
// the weights and KV cache it reads over the HBM bandwidth, nor less than its FLOPs over the peak,
// on the GPUs of one replica, plus the share of prefill work each step carries. The bound is a
// curve like a measured frontier (interpolate it, price it), and every measured point gets
// pct_of_limit = measured / bound at its interactivity; a point above 100% is flagged with why:
// either the data or the specs are wrong. Formulas and assumptions: docs/prediction.md.
//
//   const inferlens::limit_bound b = inferlens::bound(inferlens::config_of(point));
//   if (auto at = b.at(100)) std::printf("at most %.0f tok/s/GPU at 100 tok/s/user\n", at->tput_per_gpu);
//   inferlens::point_limit l = inferlens::limit_of(point);   // l.pct_of_limit, l.above, l.reason
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inferlens/columns.hpp"
#include "inferlens/curves.hpp"
#include "inferlens/detail/json.hpp"
#include "inferlens/detail/specs_data.hpp"
#include "inferlens/detail/text.hpp"
#include "inferlens/error.hpp"
#include "inferlens/models.hpp"
#include "inferlens/record.hpp"
#include "inferlens/table.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// One sourced figure of an accelerator.
struct spec_value {
  double value = std::numeric_limits<double>::quiet_NaN();
  std::string source, vintage;
  INFERLENS_LAZY bool known() const noexcept { return std::isfinite(value); }
};

/// Silicon figures of one accelerator (per GPU).
struct accelerator_spec {
  std::string key;   ///< normalised accelerator, e.g. "b200"
  std::string name;  ///< e.g. "NVIDIA B200 (HGX)"
  spec_value hbm_gb, hbm_tb_per_s;
  spec_value tflops_bf16, tflops_fp8, tflops_fp4;  ///< dense tensor TFLOP/s; unknown where the chip has no such format
  spec_value scale_up_gb_per_s;                    ///< NVLink / Infinity Fabric per GPU, both directions
  spec_value scale_up_domain;                      ///< GPUs in one scale-up domain

  /// Bytes per second of HBM bandwidth.
  INFERLENS_LAZY double bandwidth() const noexcept { return hbm_tb_per_s.value * 1e12; }
  /// Bytes of HBM.
  INFERLENS_LAZY double capacity() const noexcept { return hbm_gb.value * 1e9; }
  /// Peak dense FLOP/s for math on weights of a precision: its own format where the chip has
  /// one, else the nearest wider one it has (fp4 weights on Hopper run fp8 or bf16 math).
  INFERLENS_LAZY double peak_flops(std::string_view precision) const;
};

namespace detail {

// Bytes per weight of a precision name, or 0 when unknown.
INFERLENS_LAZY double precision_bytes(std::string_view precision) noexcept {
  const std::string p = lower(trim(precision));
  if (p == "fp4" || p == "mxfp4" || p == "nvfp4" || p == "int4" || p == "w4a16" || p == "w4a8" || p == "awq" || p == "gptq") return 0.5;
  if (p == "fp8" || p == "int8" || p == "w8a8" || p == "fp8_e4m3" || p == "mxfp8") return 1;
  if (p == "bf16" || p == "fp16" || p == "float16" || p == "bfloat16") return 2;
  if (p == "fp32" || p == "float32") return 4;
  return 0;
}

INFERLENS_LAZY std::vector<accelerator_spec> parse_specs(std::string_view text, const std::string& origin) {
  const auto fail = [&](const std::string& field, const std::string& m) -> void {
    throw input_error({origin, std::nullopt, std::nullopt, field}, m);
  };
  const json_node doc = parse_data_document(text, origin, "inferlens-accelerator-specs");
  const json_node* accs = doc.find("accelerators");
  if (!accs || !accs->is_object()) fail("accelerators", "expected an object of accelerators");
  std::vector<accelerator_spec> out;
  for (std::size_t i = 0; i < accs->keys.size(); ++i) {
    const json_node& a = accs->children[i];
    const std::string field = "accelerators." + accs->keys[i];
    if (!a.is_object()) fail(field, "expected an object");
    accelerator_spec s;
    s.key = lower(accs->keys[i]);
    if (const json_node* n = a.find("name"); n && n->is_string()) s.name = n->text;
    const auto value = [&](const json_node& o, const std::string& f, std::string_view key, bool required) {
      spec_value v;
      const json_node* n = o.find(key);
      if (!n) {
        if (required) fail(f + "." + std::string(key), "required");
        return v;
      }
      const json_node* x = n->find("value");
      if (!x || !x->is_number() || !(x->number() > 0)) fail(f + "." + std::string(key) + ".value", "expected a positive number");
      v.value = x->number();
      if (const json_node* src = n->find("source"); src && src->is_string()) v.source = src->text;
      if (const json_node* vin = n->find("vintage"); vin && vin->is_string()) v.vintage = vin->text;
      if (v.source.empty()) fail(f + "." + std::string(key) + ".source", "every value names its source");
      return v;
    };
    s.hbm_gb = value(a, field, "hbm_gb", true);
    s.hbm_tb_per_s = value(a, field, "hbm_tb_per_s", true);
    const json_node* fl = a.find("dense_tflops");
    if (!fl || !fl->is_object()) fail(field + ".dense_tflops", "expected an object of TFLOP/s per precision");
    s.tflops_bf16 = value(*fl, field + ".dense_tflops", "bf16", true);
    s.tflops_fp8 = value(*fl, field + ".dense_tflops", "fp8", false);
    s.tflops_fp4 = value(*fl, field + ".dense_tflops", "fp4", false);
    s.scale_up_gb_per_s = value(a, field, "scale_up_gb_per_s", false);
    s.scale_up_domain = value(a, field, "scale_up_domain", false);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace detail

template <class>
double accelerator_spec::peak_flops(std::string_view precision) const {
  const double bytes = detail::precision_bytes(precision);
  if (bytes == 0)
    throw input_error({"", std::nullopt, std::nullopt, "precision"},
                      "unknown precision '" + std::string(precision) + "' (expected fp4, fp8, bf16, ...)");
  if (bytes <= 0.5 && tflops_fp4.known()) return tflops_fp4.value * 1e12;
  if (bytes <= 1 && tflops_fp8.known()) return tflops_fp8.value * 1e12;
  return tflops_bf16.value * 1e12;
}

/// The accelerators whose specs the library ships (data/accelerator_specs.json, embedded).
INFERLENS_LAZY const std::vector<accelerator_spec>& shipped_specs() {
  static const std::vector<accelerator_spec> specs =
      detail::parse_specs(detail::accelerator_specs_json, "data/accelerator_specs.json");
  return specs;
}

/// The specs of an accelerator (a raw label such as "b200-trt" is normalised), or nullptr.
INFERLENS_LAZY const accelerator_spec* find_spec(std::string_view accelerator) {
  const std::string key = normalize_accelerator(detail::trim(accelerator));
  for (const accelerator_spec& s : shipped_specs())
    if (s.key == key) return &s;
  return nullptr;
}

/// Specs of an accelerator; an unknown one is an input_error naming the field.
INFERLENS_LAZY const accelerator_spec& spec_of(std::string_view accelerator, std::string_view field = "accelerator") {
  if (const accelerator_spec* s = find_spec(accelerator)) return *s;
  std::vector<std::string_view> names;
  for (const accelerator_spec& s : shipped_specs()) names.push_back(s.key);
  throw input_error({"", std::nullopt, std::nullopt, std::string(field)},
                    "no specs for accelerator '" + std::string(accelerator) + "' (known: " + detail::join_or(names) +
                        "; data/accelerator_specs.json)");
}

/// The architecture of a known model; a model without one is an input_error naming the field.
INFERLENS_LAZY const model_architecture& architecture_of(std::string_view model, std::string_view field = "model") {
  const model_identity* m = find_model(model);
  if (!m) throw input_error({"", std::nullopt, std::nullopt, std::string(field)}, "unknown model '" + std::string(model) + "' (data/models.json)");
  if (!m->architecture)
    throw input_error({"", std::nullopt, std::nullopt, std::string(field)},
                      "no architecture for model '" + m->name + "' in data/models.json");
  return *m->architecture;
}

/// One configuration to bound or predict. GPUs of one replica = tp x pp for aggregated serving;
/// disaggregated serving has its prefill and decode GPUs (decode_gpus_per_worker each worker).
struct limit_config {
  std::string model;  ///< canonical or any alias
  std::string accelerator;
  std::string precision;           ///< of the weights: fp4, fp8, bf16
  std::string kv_precision = "fp8";  ///< KV cache: the bound takes the smallest in use (fp8); bf16 for a 16-bit cache
  std::int64_t tp = 1, pp = 1, ep = 1;
  bool dp_attention = false;
  std::int64_t isl = 1024, osl = 1024;
  /// Tokens a decode step yields per sequence: 1 without speculative decoding; with it, at most
  /// the drafted tokens + 1 (the bound assumes every draft accepted).
  double tokens_per_step = 1;
  /// Sequence lengths as a fraction of the nominal ISL/OSL. InferenceMAX draws lengths in
  /// [0.8, 1] x nominal, so the bound takes 0.8 (the shortest, hence the highest bound).
  double length_scale = 0.8;
  double hbm_fraction = 1.0;  ///< of the (usable) HBM that holds weights and KV
  bool prefill = true;        ///< add the prefill share of each step (false: decode only, output tokens)
  std::optional<double> context;  ///< mean context per sequence in tokens, instead of (ISL + OSL/2) x length_scale
  /// At most this many sequences per replica (decode worker), e.g. a measured point's concurrency:
  /// the bound of that load level rather than of the configuration at any load.
  std::optional<double> max_batch;
  // disaggregated serving (decode_gpus > 0): prefill and decode on their own GPUs
  std::int64_t prefill_gpus = 0, decode_gpus = 0, decode_gpus_per_worker = 0;
  std::optional<model_architecture> architecture;  ///< instead of data/models.json's
  std::optional<accelerator_spec> spec;           ///< instead of data/accelerator_specs.json's

  INFERLENS_LAZY bool disaggregated() const noexcept { return decode_gpus > 0; }
  /// GPUs of one replica (aggregated) or of one decode worker (disaggregated).
  std::int64_t replica_gpus() const noexcept { return disaggregated() ? decode_gpus_per_worker : tp * pp; }
  /// GPUs the per-GPU throughput divides by.
  std::int64_t gpus() const noexcept { return disaggregated() ? prefill_gpus + decode_gpus : tp * pp; }
};

/// What limits a step.
enum class limit_kind : unsigned char { bandwidth, compute, capacity, interactivity, prefill };

INFERLENS_LAZY std::string_view to_string(limit_kind k) noexcept {
  switch (k) {
    case limit_kind::bandwidth: return "HBM bandwidth";
    case limit_kind::compute: return "compute";
    case limit_kind::capacity: return "HBM capacity";
    case limit_kind::interactivity: return "batch-1 step time";
    case limit_kind::prefill: return "prefill compute";
  }
  return "HBM bandwidth";
}

/// The ideal time of one decode step of `batch` sequences on one replica, by component.
struct step_time {
  double batch = 0;
  double weights_s = 0;   ///< weight bytes read (MoE: experts this batch touches) / (GPUs x bandwidth)
  double kv_s = 0;        ///< KV bytes read / (GPUs x bandwidth)
  double compute_s = 0;   ///< FLOPs / (GPUs x peak)
  double prefill_s = 0;   ///< prefill FLOPs of the requests this step replaces / (GPUs x peak)
  double comm_s = 0;      ///< tensor-parallel all-reduce bytes / scale-up bandwidth (not in the bound)
  INFERLENS_LAZY double memory_s() const noexcept { return weights_s + kv_s; }
  /// The bound's step: max(memory, compute) + prefill share.
  INFERLENS_LAZY double total_s() const noexcept { return std::max(memory_s(), compute_s) + prefill_s; }
};

/// The resolved figures of a configuration: bytes, FLOPs and rates.
struct limit_model {
  limit_config config;
  model_architecture arch;
  accelerator_spec spec;
  double weight_bytes = 0;  ///< per parameter
  double kv_bytes_per_token = 0;  ///< per context token, all layers holding the full context
  double bandwidth = 0, flops = 0, capacity = 0;  ///< per GPU
  double context = 0;     ///< mean context per sequence during decode
  double isl = 0, osl = 0;  ///< effective lengths (nominal x length_scale)

  /// KV bytes one sequence of `ctx` tokens holds (banded layers keep at most their window).
  INFERLENS_LAZY double kv_bytes(double ctx) const noexcept {
    const double layers = static_cast<double>(arch.layers);
    const double banded = static_cast<double>(arch.sliding_window > 0 ? arch.sliding_window_layers : 0);
    const double per_layer = kv_bytes_per_token / layers;
    return per_layer * ((layers - banded) * ctx + banded * std::min(ctx, static_cast<double>(arch.sliding_window)));
  }
  /// Weight bytes a step of `batch` sequences reads: shared weights, plus the expected distinct
  /// experts of each MoE layer, E x (1 - (1 - k/E)^batch).
  INFERLENS_LAZY double weights_read(double batch) const noexcept {
    if (!arch.moe()) return arch.parameters * weight_bytes;
    const double e = static_cast<double>(arch.experts), k = static_cast<double>(arch.experts_per_token);
    const double touched = e * (1 - std::pow(1 - k / e, std::max(batch, 1.0)));
    return (arch.shared_parameters() + arch.expert_parameters() * static_cast<double>(arch.moe_layers) * touched) * weight_bytes;
  }
  /// FLOPs to prefill one request of the effective ISL: 2 x active parameters per token plus
  /// causal attention (half of ISL^2 query-key pairs).
  INFERLENS_LAZY double prefill_flops() const noexcept {
    const double attention_pairs = isl * isl / 2;
    return 2 * arch.active_parameters * isl + arch.attention_flops_per_context_token() * attention_pairs;
  }
  /// The most sequences one replica holds: (GPUs x HBM x fraction - all weights) / KV per sequence.
  INFERLENS_LAZY double max_batch() const noexcept {
    const double n = static_cast<double>(config.replica_gpus());
    const double free = n * capacity * config.hbm_fraction - arch.parameters * weight_bytes;
    const double per_seq = kv_bytes(context);
    const double fit = free > 0 && per_seq > 0 ? free / per_seq : 0;
    return config.max_batch && fit >= 1 ? std::min(fit, std::max(1.0, *config.max_batch)) : fit;
  }
  /// The ideal step of `batch` sequences.
  INFERLENS_LAZY step_time step(double batch) const noexcept {
    const double n = static_cast<double>(config.replica_gpus());
    const double a = config.tokens_per_step;
    step_time t;
    t.batch = batch;
    t.weights_s = weights_read(batch) / (n * bandwidth);
    t.kv_s = batch * kv_bytes(context) / (n * bandwidth);
    t.compute_s = batch * a * (2 * arch.active_parameters + arch.attention_flops_per_context_token() * context) / (n * flops);
    if (config.prefill && !config.disaggregated()) t.prefill_s = batch * a / osl * prefill_flops() / (n * flops);
    if (n > 1 && spec.scale_up_gb_per_s.known())
      t.comm_s = 2 * static_cast<double>(arch.layers) * (n - 1) / n * batch * a * static_cast<double>(arch.hidden_size) * 2 /
                 (spec.scale_up_gb_per_s.value * 1e9 / 2);
    return t;
  }
  /// Tokens per GPU counted by InferenceMAX's tput_per_gpu for `output_rate` output tokens/s of
  /// one replica (aggregated) or of the whole deployment (disaggregated).
  INFERLENS_LAZY double total_factor() const noexcept { return config.prefill ? 1 + isl / osl : 1.0; }
};

/// Resolves a configuration: an unknown model, accelerator or precision, or an impossible
/// parallelism, is an input_error naming the field.
INFERLENS_LAZY limit_model resolve(const limit_config& c) {
  const auto bad = [](std::string_view field, const std::string& m) { return input_error({"", std::nullopt, std::nullopt, std::string(field)}, m); };
  limit_model m;
  m.config = c;
  m.arch = c.architecture ? *c.architecture : architecture_of(c.model);
  m.spec = c.spec ? *c.spec : spec_of(c.accelerator);
  m.weight_bytes = detail::precision_bytes(c.precision);
  if (m.weight_bytes == 0) throw bad("precision", "unknown precision '" + c.precision + "' (expected fp4, fp8, bf16, ...)");
  const double kvb = detail::precision_bytes(c.kv_precision);
  if (kvb == 0) throw bad("kv_precision", "unknown KV precision '" + c.kv_precision + "' (expected fp8 or bf16)");
  m.kv_bytes_per_token = kvb <= 1 ? m.arch.kv_bytes_per_token_fp8 * kvb : m.arch.kv_bytes_per_token_bf16 * kvb / 2;
  if (c.tp < 1) throw bad("tp", "expected a positive tensor-parallel size");
  if (c.pp < 1) throw bad("pp", "expected a positive pipeline-parallel size");
  if (c.ep < 1) throw bad("ep", "expected a positive expert-parallel size");
  if (c.isl < 1) throw bad("isl", "expected a positive input length");
  if (c.osl < 1) throw bad("osl", "expected a positive output length");
  if (!(c.tokens_per_step >= 1)) throw bad("tokens_per_step", "expected at least 1");
  if (!(c.length_scale > 0 && c.length_scale <= 1)) throw bad("length_scale", "expected a fraction in (0, 1]");
  if (!(c.hbm_fraction > 0 && c.hbm_fraction <= 1)) throw bad("hbm_fraction", "expected a fraction in (0, 1]");
  if (c.disaggregated() && (c.prefill_gpus < 1 || c.decode_gpus_per_worker < 1 || c.decode_gpus_per_worker > c.decode_gpus))
    throw bad("decode_gpus_per_worker", "disaggregated serving needs prefill GPUs and decode GPUs per worker within the decode GPUs");
  if (c.context && !(*c.context > 0)) throw bad("context", "expected a positive number of tokens");
  if (c.max_batch && !(*c.max_batch > 0)) throw bad("max_batch", "expected a positive number of sequences");
  m.bandwidth = m.spec.bandwidth();
  m.capacity = m.spec.capacity();
  m.flops = m.spec.peak_flops(c.precision);
  m.isl = static_cast<double>(c.isl) * c.length_scale;
  m.osl = static_cast<double>(c.osl) * c.length_scale;
  m.context = c.context ? *c.context : m.isl + m.osl / 2;
  return m;
}

/// The bound at one interactivity.
struct limit_point {
  double interactivity = 0;  ///< tok/s/user
  double batch = 0;          ///< sequences per replica (decode worker)
  double tput_per_gpu = 0;   ///< total (input + output) tokens/s per GPU, as InferenceMAX counts
  double output_tput_per_gpu = 0;  ///< output tokens/s per (decode) GPU
  limit_kind binding = limit_kind::bandwidth;
  step_time step;
};

/// The upper bound of throughput per GPU against interactivity of one configuration: a curve
/// (x = tok/s/user ascending, y = tput_per_gpu) and an exact evaluation at any interactivity.
class limit_bound {
 public:
  limit_bound() = default;
  INFERLENS_LAZY explicit limit_bound(limit_model m) : model_(std::move(m)) { build(); }

  INFERLENS_LAZY const limit_model& model() const noexcept { return model_; }
  /// y = tput_per_gpu against x = interactivity (Steffen, like a measured frontier).
  INFERLENS_LAZY const inferlens::curve& curve() const noexcept { return curve_; }
  /// y = output_tput_per_gpu against the same x.
  INFERLENS_LAZY const inferlens::curve& output_curve() const noexcept { return output_curve_; }
  /// The highest interactivity the hardware allows (one sequence per step); 0 when the weights
  /// do not fit.
  INFERLENS_LAZY double max_interactivity() const noexcept { return max_x_; }
  /// The most sequences one replica holds.
  INFERLENS_LAZY double max_batch() const noexcept { return max_batch_; }
  INFERLENS_LAZY bool empty() const noexcept { return max_batch_ < 1; }
  /// Why there is no bound ("" when there is).
  INFERLENS_LAZY const std::string& reason() const noexcept { return reason_; }

  /// The bound at an interactivity: nothing above max_interactivity() (unreachable) or when the
  /// weights do not fit. Below the interactivity at which HBM fills, the batch stays at its
  /// maximum and the bound falls with the interactivity.
  INFERLENS_LAZY std::optional<limit_point> at(double interactivity) const noexcept {
    if (empty() || !(interactivity > 0) || interactivity > max_x_ * (1 + 1e-12)) return std::nullopt;
    if (interactivity <= x_of(max_batch_)) {
      limit_point p = point(max_batch_, interactivity);
      p.binding = limit_kind::capacity;
      return p;
    }
    double lo = 1, hi = max_batch_;  // x_of decreases in batch
    for (int i = 0; i < 200 && hi - lo > 1e-9 * hi; ++i) {
      const double mid = 0.5 * (lo + hi);
      (x_of(mid) >= interactivity ? lo : hi) = mid;
    }
    return point(lo, interactivity);
  }

 private:
  INFERLENS_LAZY double x_of(double batch) const noexcept { return model_.config.tokens_per_step / model_.step(batch).total_s(); }

  INFERLENS_LAZY limit_point point(double batch, double interactivity) const noexcept {
    limit_point p;
    p.interactivity = interactivity;
    p.batch = batch;
    p.step = model_.step(batch);
    const limit_config& c = model_.config;
    const double n = static_cast<double>(c.replica_gpus());
    double out_rate = batch * interactivity;  // output tokens/s of one replica (decode worker)
    double out_per_gpu = out_rate / n;
    double total;
    if (c.disaggregated()) {
      const double decode_rate = out_per_gpu * static_cast<double>(c.decode_gpus);
      const double prefill_rate = model_.osl * static_cast<double>(c.prefill_gpus) * model_.flops / model_.prefill_flops();
      const double rate = std::min(decode_rate, prefill_rate);
      p.binding = prefill_rate < decode_rate ? limit_kind::prefill : p.binding;
      out_per_gpu = rate / static_cast<double>(c.decode_gpus);
      total = rate * model_.total_factor() / static_cast<double>(c.gpus());
    } else {
      total = out_per_gpu * model_.total_factor();
    }
    p.tput_per_gpu = total;
    p.output_tput_per_gpu = out_per_gpu;
    if (p.binding != limit_kind::prefill) p.binding = p.step.compute_s > p.step.memory_s() ? limit_kind::compute : limit_kind::bandwidth;
    if (batch <= 1 && interactivity >= max_x_ * (1 - 1e-9)) p.binding = limit_kind::interactivity;
    return p;
  }

  INFERLENS_LAZY void build() {
    max_batch_ = model_.max_batch();
    if (max_batch_ < 1) {
      reason_ = "the weights and one sequence's KV cache do not fit in the replica's HBM";
      max_batch_ = 0;
      return;
    }
    max_x_ = x_of(1);
    std::vector<double> xs, ys, os;
    constexpr int n = 160;
    const double ratio = std::log(max_batch_);
    for (int i = n; i >= 0; --i) {
      const double b = std::exp(ratio * i / n);
      const limit_point p = point(b, x_of(b));
      if (!xs.empty() && p.interactivity <= xs.back()) continue;
      xs.push_back(p.interactivity);
      ys.push_back(p.tput_per_gpu);
      os.push_back(p.output_tput_per_gpu);
    }
    curve_ = inferlens::curve(xs, std::move(ys));
    output_curve_ = inferlens::curve(std::move(xs), std::move(os));
  }

  limit_model model_;
  inferlens::curve curve_, output_curve_;
  double max_x_ = 0, max_batch_ = 0;
  std::string reason_;
};

/// The bound of a configuration (input_error for an unknown model, accelerator or precision).
INFERLENS_LAZY limit_bound bound(const limit_config& c) { return limit_bound(resolve(c)); }

/// Drafted tokens per step the bound assumes for a speculative-decoding method (all accepted).
INFERLENS_LAZY double tokens_per_step_of(std::string_view spec_decoding) {
  const std::string s = detail::lower(detail::trim(spec_decoding));
  if (s.empty() || s == "none") return 1;
  return 4;  // up to 3 drafted tokens (MTP/EAGLE as InferenceMAX runs them), every one accepted, + 1
}

/// The configuration of a measured point: its model, accelerator, precision, parallelism
/// (worker pools when disaggregated), ISL/OSL and speculative decoding. What is missing or unknown
/// is an input_error naming the field.
INFERLENS_LAZY limit_config config_of(const benchmark_point& p) {
  const auto bad = [](std::string_view field, const std::string& m) { return input_error({"", std::nullopt, std::nullopt, std::string(field)}, m); };
  limit_config c;
  c.model = p.model.empty() ? p.model_raw : p.model;
  if (c.model.empty()) throw bad("model", "the point names no model");
  c.accelerator = p.accelerator.empty() ? normalize_accelerator(p.hw) : p.accelerator;
  if (c.accelerator.empty()) throw bad("accelerator", "the point names no accelerator");
  c.precision = p.precision;
  if (c.precision.empty()) throw bad("precision", "the point names no precision");
  if (!p.isl) throw bad("isl", "the point has no ISL");
  if (!p.osl) throw bad("osl", "the point has no OSL");
  c.isl = *p.isl;
  c.osl = *p.osl;
  c.tokens_per_step = tokens_per_step_of(p.spec_decoding);
  if (uses_worker_pools(p) && p.disagg) {
    const auto gpus = [](const worker_pool& w) { return w.gpus ? w.gpus : detail::pool_gpus(w); };
    const auto pg = gpus(p.prefill), dg = gpus(p.decode);
    if (!pg || *pg < 1) throw bad("prefill_gpus", "a disaggregated point needs its prefill GPU count");
    if (!dg || *dg < 1) throw bad("decode_gpus", "a disaggregated point needs its decode GPU count");
    c.prefill_gpus = *pg;
    c.decode_gpus = *dg;
    // Harnesses report the decode tp of wide-EP workers unreliably (1 for a 48-GPU worker):
    // a worker's GPUs are the decode GPUs over the workers.
    const std::int64_t workers = std::max<std::int64_t>(1, p.decode.num_workers.value_or(1));
    c.decode_gpus_per_worker = std::max<std::int64_t>(1, *dg / workers);
    c.tp = p.decode.tp.value_or(1);
    c.ep = p.decode.ep.value_or(1);
    c.dp_attention = p.decode.dp_attention.value_or(false);
  } else {
    if (!p.tp) throw bad("tp", "the point has no tensor-parallel size (tp)");
    c.tp = *p.tp;
    c.pp = p.pp.value_or(1);
    c.ep = p.ep.value_or(1);
    c.dp_attention = p.dp_attention.value_or(false);
  }
  return c;
}

/// A measured point against its bound.
struct point_limit {
  double measured = std::numeric_limits<double>::quiet_NaN();  ///< tput_per_gpu
  double interactivity = std::numeric_limits<double>::quiet_NaN();  ///< median_intvty
  double bound = std::numeric_limits<double>::quiet_NaN();  ///< bound tput_per_gpu at that interactivity (0: unreachable)
  double pct_of_limit = std::numeric_limits<double>::quiet_NaN();  ///< 100 x measured / bound; +inf when unreachable
  /// The bound at the point's own concurrency (at most that many sequences per replica): tighter.
  double bound_at_concurrency = std::numeric_limits<double>::quiet_NaN();
  bool above = false;  ///< measured above the bound: the data or the specs are wrong
  std::optional<limit_kind> binding;
  std::string reason;  ///< why the point is above, or why there is no bound; "" otherwise
  INFERLENS_LAZY bool known() const noexcept { return std::isfinite(bound); }
};

/// A point against the bound of its own configuration. Never throws: what cannot be bounded
/// (a model without architecture, an accelerator without specs, a missing field) says why in
/// reason, with NaN figures.
INFERLENS_LAZY point_limit limit_of(const benchmark_point& p) {
  point_limit out;
  out.measured = p.tput_per_gpu.value_or(std::numeric_limits<double>::quiet_NaN());
  out.interactivity = p.intvty.median.value_or(std::numeric_limits<double>::quiet_NaN());
  if (!std::isfinite(out.measured) || !std::isfinite(out.interactivity) || out.interactivity <= 0) {
    out.reason = !std::isfinite(out.measured) ? "no tput_per_gpu" : "no median_intvty (interactivity is 1 / TPOT)";
    return out;
  }
  limit_bound b;
  try {
    b = bound(config_of(p));
  } catch (const input_error& e) {
    out.reason = "no bound: " + e.message() + (e.where().field.empty() ? "" : " (" + e.where().field + ")");
    return out;
  }
  if (b.empty()) {
    out.bound = 0;
    out.pct_of_limit = std::numeric_limits<double>::infinity();
    out.above = true;
    out.binding = limit_kind::capacity;
    out.reason = "above the bound: " + b.reason() + "; the data (GPU count, precision) or the specs (HBM, model size) are wrong";
    return out;
  }
  const auto at = b.at(out.interactivity);
  if (!at) {
    out.bound = 0;
    out.pct_of_limit = std::numeric_limits<double>::infinity();
    out.above = true;
    out.binding = limit_kind::interactivity;
    out.reason = "above the bound: interactivity " + detail::shortest(out.interactivity) + " tok/s/user exceeds the " +
                 detail::shortest(b.max_interactivity()) +
                 " a single sequence can reach (weights / bandwidth); the data (TPOT units, GPU count) or the specs are wrong";
    return out;
  }
  out.bound = at->tput_per_gpu;
  out.binding = at->binding;
  out.pct_of_limit = 100 * out.measured / out.bound;
  const auto too_high = [&](double limit, limit_kind why, const std::string& where) {
    out.above = true;
    out.binding = why;
    out.reason = "above the bound: " + detail::shortest(out.measured) + " tok/s/GPU exceeds the " + detail::shortest(limit) +
                 " that " + std::string(to_string(why)) + " allows at this interactivity" + where +
                 "; the data (GPU count, token counts) or the specs (bandwidth, FLOP/s, model size) are wrong";
  };
  if (out.measured > out.bound * (1 + 1e-9)) return too_high(out.bound, at->binding, ""), out;
  // At its own load level a point runs at most `concurrency` sequences per replica.
  if (p.concurrency && *p.concurrency > 0) {
    limit_config c = config_of(p);
    const double workers = c.disaggregated() ? std::max(1.0, static_cast<double>(c.decode_gpus / c.decode_gpus_per_worker)) : 1.0;
    c.max_batch = std::max(1.0, static_cast<double>(*p.concurrency) / workers);
    const limit_bound capped = bound(c);
    if (const auto cat = capped.at(out.interactivity)) {
      out.bound_at_concurrency = cat->tput_per_gpu;
      if (out.measured > cat->tput_per_gpu * (1 + 1e-9))
        too_high(cat->tput_per_gpu, cat->binding, " with at most " + std::to_string(*p.concurrency) + " concurrent requests");
    }
  }
  return out;
}

/// The table with pct_of_limit set on every row that can be bounded (others keep it missing).
INFERLENS_LAZY result_table with_limits(const result_table& t) {
  std::vector<benchmark_point> points = t.points();
  for (benchmark_point& p : points) {
    const point_limit l = limit_of(p);
    p.pct_of_limit = std::isfinite(l.pct_of_limit) ? std::optional<double>(l.pct_of_limit) : std::nullopt;
  }
  return result_table(std::span<const benchmark_point>(points));
}

/// A row above its bound and why.
struct limit_flag {
  std::size_t row = 0;  ///< in the table
  point_limit limit;
};

/// Every row of a table above its bound.
INFERLENS_LAZY std::vector<limit_flag> above_limits(const result_table& t) {
  std::vector<limit_flag> out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    point_limit l = limit_of(t.point(i));
    if (l.above) out.push_back({i, std::move(l)});
  }
  return out;
}

INFERLENS_END_NAMESPACE
