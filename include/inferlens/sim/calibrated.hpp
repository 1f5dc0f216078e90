// The simulated engine with a calibrated system's step times: a calibration (predict.hpp) of one
// system, at one deployment (tp, ISL/OSL), expressed as the simulator's linear step model
// (sim/model.hpp), so that load-generator studies run on realistic step times.
//
// The calibrated TPOT at batch B is
//   c0 + c1 (weights(B) + B kv(ctx)) / (N bw) + c2 B a (2 P + attn ctx) / (N peak)
//      + c3 B a / OSL x prefill / (N peak) + c4 comm(B) + c5 n_allreduce,
// and the simulator's step is
//   decode_base + decode_per_seq x B + kv_read_per_token x context_tokens + prefill_per_token x prompt_tokens.
// Term by term: the constants and the weight read go to decode_base; the per-sequence FLOPs and
// all-reduce to decode_per_seq; the KV read and the attention FLOPs, proportional to context, to
// kv_read_per_token (at the mean context the calibration assumes); the prefill share to
// prefill_per_token (a batch of B in steady state prefills B x ISL / OSL prompt tokens a step).
// A MoE model's weight read grows with the batch as the distinct experts touched: its routed
// experts go to moe_expert_read_s with moe_expert_share = k / E, as limits.hpp counts them. So
// the simulator's step at B sequences with the mean context and the steady-state prefill equals
// the calibrated median TPOT at B.
//
// TTFT is not taken from the calibration's TTFT fit: the simulator's TTFT follows from its
// scheduling (the wait for a step, the prompt's prefill at prefill_per_token, queueing).
//
// This header needs Eigen (through predict.hpp), so neither the umbrella header nor
// sim/server.hpp includes it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "inferlens/error.hpp"
#include "inferlens/limits.hpp"
#include "inferlens/models.hpp"
#include "inferlens/predict.hpp"
#include "inferlens/record.hpp"
#include "inferlens/sim/model.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace sim {

/// A step model made from a calibration, with the figures it was made at.
struct calibrated_step_model {
  step_model model;
  limit_config deployment;  ///< as predicted (calibration's length ratio and KV precision applied)
  double context = 0;       ///< mean context per decoding sequence (tokens) the model assumes
  double isl = 0, osl = 0;  ///< effective lengths (nominal x the calibration's length ratio)
  double kv_max_batch = 0;     ///< sequences the replica's HBM holds at the mean context

  /// The prompt tokens a step of `batch` sequences prefills in steady state: batch x ISL / OSL.
  double steady_prefill_tokens(double batch) const noexcept { return batch * isl / osl; }
  /// The simulator's step at `batch` decoding sequences of the mean context, with the steady-state
  /// prefill: the calibrated median TPOT at that batch.
  double step_seconds(double batch) const noexcept {
    return model.decode_base_s + model.decode_per_seq_s * batch + model.expert_read_seconds(batch) +
           model.kv_read_s_per_token * batch * context +
           model.prefill_s_per_token * steady_prefill_tokens(batch);
  }
};

/// The simulator's step model of a calibrated system at a deployment (model, accelerator,
/// precision, tp, ISL/OSL: the limit_config of a point, config_of()). `base` gives what the
/// calibration does not: EOS, the prefill token budget; its max_batch stays unless the HBM holds
/// fewer sequences. KV capacity is the replica's HBM after weights, in tokens; max_model_len
/// covers ISL + OSL. A deployment whose weights do not fit in HBM is an input_error.
inline calibrated_step_model step_model_from(const calibration& cal, const limit_config& deployment, const step_model& base = {}) {
  calibrated_step_model out;
  out.deployment = cal.configure(deployment);
  const limit_model m = resolve(out.deployment);
  out.context = m.context;
  out.isl = m.isl;
  out.osl = m.osl;
  out.kv_max_batch = m.max_batch();
  if (!(out.kv_max_batch >= 1))
    throw input_error({"", std::nullopt, std::nullopt, "tp"},
                      "the weights of " + out.deployment.model + " leave no room for a sequence's KV cache on " +
                          std::to_string(out.deployment.replica_gpus()) + " " + out.deployment.accelerator + " GPU(s)");
  step_model s = base;
  s.max_batch = std::max(1, std::min(base.max_batch, static_cast<int>(std::min(out.kv_max_batch, 1e9))));
  const double lengths = static_cast<double>(deployment.isl + deployment.osl);
  s.kv_capacity_tokens = std::max<std::int64_t>(
      deployment.isl + deployment.osl, static_cast<std::int64_t>(std::min(std::floor(out.kv_max_batch * lengths), 1e15)));
  s.max_model_len_tokens = std::max<int>(base.max_model_len_tokens, static_cast<int>(std::min<std::int64_t>(
                                                                          deployment.isl + deployment.osl, std::numeric_limits<int>::max())));

  const std::vector<double>& c = cal.tpot_median.beta;
  const auto beta = [&](std::size_t j) { return j < c.size() ? c[j] : 0.0; };
  const double n = static_cast<double>(out.deployment.replica_gpus());
  const step_time t1 = m.step(1);
  const double a = out.deployment.tokens_per_step;
  // weights: all of a dense model's; a MoE model's shared ones, its routed experts apart
  const double moe_experts = m.arch.moe() ? m.arch.expert_parameters() * static_cast<double>(m.arch.moe_layers) *
                                                static_cast<double>(m.arch.experts) * m.weight_bytes / (n * m.bandwidth)
                                          : 0.0;
  const double weights = m.arch.moe() ? m.arch.shared_parameters() * m.weight_bytes / (n * m.bandwidth) : m.weights_read(1) / (n * m.bandwidth);
  const double compute_context = a * m.arch.attention_flops_per_context_token() * m.context / (n * m.flops);  // per sequence
  const double compute_sequence = t1.compute_s - compute_context;
  const auto f = tpot_features(m, 1);

  s.decode_base_s = beta(0) * f[0] + beta(5) * f[5] + beta(1) * weights;
  s.moe_expert_read_s = beta(1) * moe_experts;
  s.moe_expert_share = m.arch.moe() ? static_cast<double>(m.arch.experts_per_token) / static_cast<double>(m.arch.experts) : 0.0;
  s.decode_per_seq_s = beta(2) * compute_sequence + beta(4) * t1.comm_s;
  s.kv_read_s_per_token = m.context > 0 ? (beta(1) * t1.kv_s + beta(2) * compute_context) / m.context : 0.0;
  s.prefill_s_per_token = m.isl > 0 ? beta(3) * t1.prefill_s * m.osl / m.isl : 0.0;
  out.model = s;
  return out;
}

/// One system of the results that a calibration can use: model, precision, accelerator, engine
/// and speculative decoding.
struct calibrated_system {
  std::string name;  ///< "model precision accelerator engine[ spec]"
  calibration cal;
  std::vector<benchmark_point> points;  ///< the calibration's points
  calibrated_step_model step;           ///< at the chosen deployment
};

/// How to choose the system and its deployment.
struct calibrated_system_options {
  std::string system;                 ///< a candidate's name; empty: the only candidate
  std::optional<std::int64_t> tp;     ///< default: the tp measured most often (the smallest of ties)
  std::optional<std::int64_t> isl, osl;  ///< default: the ISL/OSL pair measured most often at that tp (the first of ties)
  predict_options predict;
  step_model base;                    ///< what the calibration does not give (step_model_from)
};

namespace detail {

inline std::string calibrated_name(const benchmark_point& p) {
  std::string s = canonical_model(p.model.empty() ? p.model_raw : p.model) + " " + p.precision + " " +
                  (p.accelerator.empty() ? normalize_accelerator(p.hw) : p.accelerator) + " " + p.framework;
  if (!p.spec_decoding.empty() && p.spec_decoding != "none") s += " " + p.spec_decoding;
  return s;
}

}  // namespace detail

/// The systems of `points` with enough calibration points, by name (sorted), with their points.
inline std::map<std::string, std::vector<benchmark_point>> calibrated_candidates(std::span<const benchmark_point> points,
                                                                                 const predict_options& o = {}) {
  std::map<std::string, std::vector<benchmark_point>> by;
  for (const benchmark_point& p : points)
    if (calibration_point(p)) by[detail::calibrated_name(p)].push_back(p);
  std::erase_if(by, [&](const auto& kv) { return kv.second.size() < o.min_points; });
  return by;
}

/// Chooses one system of the results, calibrates it and makes its step model. No candidate, an
/// unknown name, or several candidates and no name, is an input_error listing the candidates.
inline calibrated_system calibrated_system_of(std::span<const benchmark_point> points, const calibrated_system_options& o = {}) {
  auto by = calibrated_candidates(points, o.predict);
  std::string names;
  for (const auto& [name, pts] : by) names += (names.empty() ? "" : "; ") + name + " (" + std::to_string(pts.size()) + " points)";
  const auto fail = [](const std::string& m) { return input_error({"", std::nullopt, std::nullopt, "system"}, m); };
  if (by.empty())
    throw fail("no system of these results can be calibrated: it needs at least " + std::to_string(o.predict.min_points) +
               " aggregated points with TPOT, TTFT, throughput, concurrency and tp of a model and accelerator the library knows");
  auto it = by.end();
  if (!o.system.empty()) {
    it = by.find(o.system);
    if (it == by.end()) throw fail("no system '" + o.system + "' in these results; the candidates: " + names);
  } else if (by.size() == 1) {
    it = by.begin();
  } else {
    throw fail(std::to_string(by.size()) + " systems in these results can be calibrated; choose one: " + names);
  }
  calibrated_system out;
  out.name = it->first;
  out.points = std::move(it->second);
  out.cal = calibrate(std::span<const benchmark_point>(out.points), o.predict);

  // the deployment: the most measured tp, then the most measured ISL/OSL at it
  std::map<std::int64_t, std::size_t> tps;
  for (const benchmark_point& p : out.points) ++tps[*p.tp];
  std::int64_t tp = o.tp.value_or(0);
  if (!o.tp) {
    std::size_t best = 0;
    for (const auto& [t, k] : tps)
      if (k > best) std::tie(tp, best) = std::pair{t, k};
  }
  if (tp < 1) throw input_error({"", std::nullopt, std::nullopt, "tp"}, "expected a positive tensor-parallel size");
  std::map<std::pair<std::int64_t, std::int64_t>, std::size_t> lengths;
  std::vector<std::pair<std::int64_t, std::int64_t>> seen;  // in the results' order: ties go to the first
  const benchmark_point* like = &out.points.front();
  for (const benchmark_point& p : out.points)
    if (*p.tp == tp || !tps.contains(tp))
      if (++lengths[{*p.isl, *p.osl}] == 1) seen.emplace_back(*p.isl, *p.osl);
  std::pair<std::int64_t, std::int64_t> sl{*like->isl, *like->osl};
  std::size_t best = 0;
  for (const auto& w : seen)
    if (lengths[w] > best) std::tie(sl, best) = std::pair{w, lengths[w]};
  for (const benchmark_point& p : out.points)
    if (*p.tp == tp) {
      like = &p;
      break;
    }
  limit_config c = config_of(*like);
  c.tp = tp;
  c.ep = std::min(c.ep, tp);
  c.isl = o.isl.value_or(sl.first);
  c.osl = o.osl.value_or(sl.second);
  if (c.isl < 1 || c.osl < 1) throw input_error({"", std::nullopt, std::nullopt, c.isl < 1 ? "isl" : "osl"}, "expected a positive length");
  out.step = step_model_from(out.cal, c, o.base);
  return out;
}

}  // namespace sim
INFERLENS_END_NAMESPACE
