// A calibrated model of a system's frontier, for load levels, ISL/OSL pairs, parallelism and
// accelerators it was not measured on. The physical bound (limits.hpp) gives, for every point,
// the ideal time of a decode step by component: weight and KV reads over bandwidth, FLOPs over
// peak, the prefill share, the tensor-parallel all-reduce over scale-up bandwidth. A system
// (model, engine, precision, speculative decoding) reaches some fraction of each: least squares
// (Eigen, non-negative, relative residuals) fits
//
//   TPOT = c0 + c1 t_memory + c2 t_compute + c3 t_prefill_share + c4 t_allreduce + c5 n_allreduce
//   TTFT = d0 + d1 t_prefill + d2 concurrency x t_prefill
//
// to its measured points, and throughput per GPU follows from Little's law:
//   tput_per_gpu = rho (ISL + OSL) concurrency / (GPUs (TTFT + rho OSL TPOT)),
// rho the mean length over the nominal one (estimated from the points). Predicting for another
// accelerator assumes the engine reaches the same fractions of its specs (docs/prediction.md
// says where that fails). Uncertainty: the residual spread of the fit and each prediction's
// leverage; the validation figures in docs/prediction.md are the honest error.
//
// This header needs Eigen, so the umbrella <inferlens/inferlens.hpp> does not include it.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/QR>

#include "inferlens/columns.hpp"
#include "inferlens/curves.hpp"
#include "inferlens/error.hpp"
#include "inferlens/limits.hpp"
#include "inferlens/pareto.hpp"
#include "inferlens/record.hpp"
#include "inferlens/stats.hpp"
#include "inferlens/table.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

inline constexpr std::size_t tpot_terms = 6;  ///< c0 .. c5
inline constexpr std::size_t ttft_terms = 3;  ///< d0 .. d2

/// One linear fit y ~ X beta with non-negative beta, relative residuals.
struct linear_fit {
  std::vector<double> beta;      ///< per term; 0 for terms left out
  std::vector<bool> active;      ///< terms in the fit
  double sigma = 0;              ///< relative residual standard deviation (dof-corrected)
  Eigen::MatrixXd inverse;       ///< (A'A)^-1 of the active, relative design (for leverage)
  std::size_t points = 0;

  double value(std::span<const double> f) const noexcept {
    double v = 0;
    for (std::size_t j = 0; j < beta.size() && j < f.size(); ++j) v += beta[j] * f[j];
    return v;
  }
  /// Relative standard deviation of a prediction at f: sigma sqrt(1 + g'(A'A)^-1 g), g = f / value.
  double relative_sigma(std::span<const double> f) const {
    const double v = value(f);
    if (!(v > 0)) return sigma;
    Eigen::VectorXd g(inverse.rows());
    Eigen::Index k = 0;
    for (std::size_t j = 0; j < active.size(); ++j)
      if (active[j]) g(k++) = f[j] / v;
    return sigma * std::sqrt(1 + (k > 0 ? g.dot(inverse * g) : 0.0));
  }
};

namespace detail {

// Non-negative least squares on relative residuals by an active set: solve, drop the most
// negative term, solve again.
inline linear_fit nonnegative_fit(const std::vector<std::vector<double>>& rows, const std::vector<double>& y, std::size_t terms) {
  linear_fit fit;
  fit.beta.assign(terms, 0);
  fit.active.assign(terms, false);
  fit.points = rows.size();
  const auto n = static_cast<Eigen::Index>(rows.size());
  std::vector<double> scale(terms, 0);
  for (std::size_t j = 0; j < terms; ++j) {
    for (std::size_t i = 0; i < rows.size(); ++i) scale[j] = std::max(scale[j], std::abs(rows[i][j] / y[i]));
    fit.active[j] = scale[j] > 0;
  }
  for (;;) {
    std::vector<std::size_t> use;
    for (std::size_t j = 0; j < terms; ++j)
      if (fit.active[j]) use.push_back(j);
    if (use.empty() || n == 0) return fit;
    const auto m = static_cast<Eigen::Index>(use.size());
    Eigen::MatrixXd A(n, m);
    Eigen::VectorXd b = Eigen::VectorXd::Ones(n);
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index k = 0; k < m; ++k) {
        const std::size_t j = use[static_cast<std::size_t>(k)];
        A(i, k) = rows[static_cast<std::size_t>(i)][j] / y[static_cast<std::size_t>(i)] / scale[j];
      }
    const Eigen::VectorXd x = A.colPivHouseholderQr().solve(b);
    Eigen::Index worst = -1;
    for (Eigen::Index k = 0; k < m; ++k)
      if (x(k) < 0 && (worst < 0 || x(k) < x(worst))) worst = k;
    if (worst >= 0) {
      fit.active[use[static_cast<std::size_t>(worst)]] = false;
      continue;
    }
    std::fill(fit.beta.begin(), fit.beta.end(), 0.0);
    for (Eigen::Index k = 0; k < m; ++k) fit.beta[use[static_cast<std::size_t>(k)]] = x(k) / scale[use[static_cast<std::size_t>(k)]];
    const Eigen::VectorXd r = A * x - b;
    const double dof = static_cast<double>(std::max<Eigen::Index>(1, n - m));
    fit.sigma = std::sqrt(r.squaredNorm() / dof);
    // (A'A)^-1 in unscaled terms: D^-1 (A'A)^-1 D^-1
    const Eigen::MatrixXd inv = (A.transpose() * A).ldlt().solve(Eigen::MatrixXd::Identity(m, m));
    fit.inverse = inv;
    for (Eigen::Index a = 0; a < m; ++a)
      for (Eigen::Index c = 0; c < m; ++c)
        fit.inverse(a, c) = inv(a, c) / (scale[use[static_cast<std::size_t>(a)]] * scale[use[static_cast<std::size_t>(c)]]);
    return fit;
  }
}

}  // namespace detail

/// The terms of the TPOT model at `concurrency` sequences per replica.
inline std::array<double, tpot_terms> tpot_features(const limit_model& m, double concurrency) {
  const step_time t = m.step(concurrency);
  const double n = static_cast<double>(m.config.replica_gpus());
  return {1.0, t.memory_s(), t.compute_s, t.prefill_s, t.comm_s, n > 1 ? 2.0 * static_cast<double>(m.arch.layers) * 1e-6 : 0.0};
}

/// The terms of the TTFT model.
inline std::array<double, ttft_terms> ttft_features(const limit_model& m, double concurrency) {
  const double n = static_cast<double>(m.config.replica_gpus());
  const double prefill = m.prefill_flops() / (n * m.flops);
  return {1.0, prefill, concurrency * prefill};
}

/// How predictions are made.
struct predict_options {
  std::string kv_precision = "fp8";  ///< of the KV cache in the step model
  std::size_t min_points = 6;        ///< fewer measured points is an input_error
};

/// One predicted load level.
struct predicted_point {
  std::int64_t tp = 1;
  double concurrency = 0;
  double interactivity = 0;  ///< 1 / median TPOT, tok/s/user
  double tput_per_gpu = 0;   ///< total tokens/s per GPU
  double low = 0, high = 0;  ///< tput_per_gpu at minus / plus one standard deviation
  double tpot = 0, ttft = 0;  ///< s
  double sigma = 0;          ///< relative standard deviation of tput_per_gpu
  double bound = 0;          ///< the physical bound at this interactivity
};

/// A system's calibrated efficiencies.
struct calibration {
  std::string model, framework, precision, spec_decoding;
  std::vector<std::string> accelerators;  ///< measured on
  linear_fit tpot_median, tpot_mean, ttft;
  double length_ratio = 1;  ///< rho: mean lengths / nominal
  std::size_t points = 0;
  predict_options options;

  /// The configuration to predict, with this calibration's length ratio and KV precision.
  limit_config configure(limit_config c) const {
    c.length_scale = length_ratio;
    c.kv_precision = options.kv_precision;
    c.prefill = true;
    c.max_batch.reset();
    return c;
  }

  /// The prediction at one load level; nothing where the sequences do not fit in HBM.
  std::optional<predicted_point> predict(const limit_config& config, double concurrency) const {
    const limit_config c = configure(config);
    const limit_model m = resolve(c);
    if (m.max_batch() < concurrency) return std::nullopt;
    const auto f = tpot_features(m, concurrency);
    const auto g = ttft_features(m, concurrency);
    predicted_point p;
    p.tp = c.tp;
    p.concurrency = concurrency;
    const double med = tpot_median.value(f), mean = tpot_mean.value(f);
    p.ttft = std::max(0.0, ttft.value(g));
    if (!(med > 0) || !(mean > 0)) return std::nullopt;
    p.tpot = med;
    p.interactivity = 1 / med;
    const double n = static_cast<double>(c.gpus());
    const double e2el = p.ttft + m.osl * mean;
    p.tput_per_gpu = concurrency * (m.isl + m.osl) / (n * e2el);
    const double share = p.ttft / e2el;
    const double s_tpot = tpot_mean.relative_sigma(f), s_ttft = ttft.relative_sigma(g);
    p.sigma = std::sqrt(share * share * s_ttft * s_ttft + (1 - share) * (1 - share) * s_tpot * s_tpot);
    // never above the physical bound
    limit_config ideal = config;
    const limit_bound b = bound(ideal);
    if (const auto at = b.at(p.interactivity)) {
      p.bound = at->tput_per_gpu;
      p.tput_per_gpu = std::min(p.tput_per_gpu, p.bound);
    }
    p.low = p.tput_per_gpu * std::exp(-p.sigma);
    p.high = p.tput_per_gpu * std::exp(p.sigma);
    if (p.bound > 0) p.high = std::min(p.high, p.bound);
    return p;
  }
};

/// The measured points a calibration can use: aggregated (not disaggregated), with TPOT, TTFT,
/// throughput per GPU, concurrency, tp, ISL/OSL, a model architecture and accelerator specs.
inline bool calibration_point(const benchmark_point& p) {
  if (p.disagg || uses_worker_pools(p)) return false;
  if (!p.tpot.median || !p.tpot.mean || !p.ttft.mean || !p.tput_per_gpu || !p.concurrency || !p.tp || !p.isl || !p.osl) return false;
  if (!(*p.tpot.median > 0) || !(*p.tpot.mean > 0) || !(*p.tput_per_gpu > 0) || *p.concurrency < 1) return false;
  const model_identity* id = find_model(p.model.empty() ? p.model_raw : p.model);
  return id && id->architecture && find_spec(p.accelerator.empty() ? p.hw : p.accelerator) && detail::precision_bytes(p.precision) > 0;
}

/// Fits a system's efficiencies to its measured points (every usable point of `points`; select
/// one system first). Too few usable points is an input_error.
inline calibration calibrate(std::span<const benchmark_point> points, const predict_options& o = {}) {
  calibration cal;
  cal.options = o;
  std::vector<const benchmark_point*> use;
  for (const benchmark_point& p : points)
    if (calibration_point(p)) use.push_back(&p);
  if (use.size() < o.min_points)
    throw input_error({"", std::nullopt, std::nullopt, "results"},
                      "calibration needs at least " + std::to_string(o.min_points) +
                          " aggregated points with TPOT, TTFT, throughput, concurrency and tp of a model and accelerator the library knows; found " +
                          std::to_string(use.size()));
  cal.model = canonical_model(use.front()->model.empty() ? use.front()->model_raw : use.front()->model);
  cal.framework = use.front()->framework;
  cal.precision = use.front()->precision;
  cal.spec_decoding = use.front()->spec_decoding;
  // rho from Little's law per point: tput N TTFT / (C (ISL+OSL) - tput N OSL TPOT)
  std::vector<double> rhos;
  for (const benchmark_point* p : use) {
    const double n = static_cast<double>(*p->tp * p->pp.value_or(1));
    const double c = static_cast<double>(*p->concurrency);
    const double t = *p->tput_per_gpu;
    const double den = c * static_cast<double>(*p->isl + *p->osl) - t * n * static_cast<double>(*p->osl) * *p->tpot.mean;
    if (den > 0) rhos.push_back(t * n * *p->ttft.mean / den);
    const std::string acc = p->accelerator.empty() ? normalize_accelerator(p->hw) : p->accelerator;
    if (std::find(cal.accelerators.begin(), cal.accelerators.end(), acc) == cal.accelerators.end()) cal.accelerators.push_back(acc);
  }
  cal.length_ratio = rhos.empty() ? 1.0 : std::clamp(median(rhos).value_or(1.0), 0.5, 1.0);
  std::vector<std::vector<double>> ftp, ftt;
  std::vector<double> ymed, ymean, yttft;
  for (const benchmark_point* p : use) {
    const limit_config c = cal.configure(config_of(*p));
    const limit_model m = resolve(c);
    const double conc = static_cast<double>(*p->concurrency);
    const auto f = tpot_features(m, conc);
    const auto g = ttft_features(m, conc);
    ftp.emplace_back(f.begin(), f.end());
    ftt.emplace_back(g.begin(), g.end());
    ymed.push_back(*p->tpot.median);
    ymean.push_back(*p->tpot.mean);
    yttft.push_back(std::max(*p->ttft.mean, 1e-6));
  }
  cal.tpot_median = detail::nonnegative_fit(ftp, ymed, tpot_terms);
  cal.tpot_mean = detail::nonnegative_fit(ftp, ymean, tpot_terms);
  cal.ttft = detail::nonnegative_fit(ftt, yttft, ttft_terms);
  cal.points = use.size();
  return cal;
}

inline calibration calibrate(const result_table& t, const predict_options& o = {}) {
  const std::vector<benchmark_point> pts = t.points();
  return calibrate(std::span<const benchmark_point>(pts), o);
}

/// A predicted frontier: every predicted load level, the frontier among them and curves through
/// it (the prediction and its one-sigma band), interpolated like a measured frontier.
struct predicted_frontier {
  std::vector<predicted_point> all;     ///< every (tp, concurrency) predicted
  std::vector<predicted_point> points;  ///< the frontier, interactivity ascending
  inferlens::curve curve, low, high;    ///< tput_per_gpu (and band) against interactivity
  limit_bound bound;                    ///< the physical bound of the first configuration

  bool empty() const noexcept { return points.empty(); }
};

/// Predicts the frontier of a configuration over tensor-parallel sizes and concurrencies.
inline predicted_frontier predict_frontier(const calibration& cal, const limit_config& base, std::span<const std::int64_t> tps,
                                           std::span<const double> concurrencies) {
  if (tps.empty()) throw input_error({"", std::nullopt, std::nullopt, "tp"}, "no tensor-parallel sizes to predict");
  if (concurrencies.empty()) throw input_error({"", std::nullopt, std::nullopt, "concurrency"}, "no concurrencies to predict");
  predicted_frontier out;
  for (std::int64_t tp : tps) {
    if (tp < 1) throw input_error({"", std::nullopt, std::nullopt, "tp"}, "expected positive tensor-parallel sizes");
    limit_config c = base;
    c.tp = tp;
    c.ep = std::min(base.ep, tp);
    for (double conc : concurrencies) {
      if (!(conc >= 1)) throw input_error({"", std::nullopt, std::nullopt, "concurrency"}, "expected concurrencies of at least 1");
      if (auto p = cal.predict(c, conc)) out.all.push_back(*p);
    }
  }
  std::vector<double> xs, ys;
  for (const predicted_point& p : out.all) {
    xs.push_back(p.interactivity);
    ys.push_back(p.tput_per_gpu);
  }
  std::vector<double> fx, fy, fl, fh;
  for (std::size_t i : frontier_2d(xs, ys)) {
    out.points.push_back(out.all[i]);
    fx.push_back(out.all[i].interactivity);
    fy.push_back(out.all[i].tput_per_gpu);
    fl.push_back(out.all[i].low);
    fh.push_back(out.all[i].high);
  }
  if (!fx.empty()) {
    out.curve = inferlens::curve(fx, std::move(fy));
    out.low = inferlens::curve(fx, std::move(fl));
    out.high = inferlens::curve(std::move(fx), std::move(fh));
  }
  limit_config b = base;
  b.tp = tps.front();
  out.bound = bound(b);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/// One comparison of a prediction with a measured frontier at one interactivity.
struct validation_error {
  std::string kind;  ///< "leave-one-out" or "cross-hardware"
  std::string model, framework, precision, spec_decoding;
  std::string accelerator;       ///< predicted (and measured) on
  std::string calibrated_on;     ///< accelerators of the calibration
  std::int64_t isl = 0, osl = 0;  ///< the held-out workload
  double interactivity = 0;
  double measured = 0, predicted = 0;
  double error() const noexcept { return predicted / measured - 1; }
};

namespace detail {

struct system_rows {
  std::string model, framework, precision, spec, accelerator;
  std::vector<benchmark_point> points;
};

inline std::vector<system_rows> calibration_systems(const result_table& t) {
  std::vector<system_rows> out;
  for (const benchmark_point& p : t.points()) {
    if (!calibration_point(p)) continue;
    const std::string acc = p.accelerator.empty() ? normalize_accelerator(p.hw) : p.accelerator;
    const std::string model = canonical_model(p.model.empty() ? p.model_raw : p.model);
    auto it = std::find_if(out.begin(), out.end(), [&](const system_rows& s) {
      return s.model == model && s.framework == p.framework && s.precision == p.precision && s.spec == p.spec_decoding && s.accelerator == acc;
    });
    if (it == out.end()) {
      out.push_back({model, p.framework, p.precision, p.spec_decoding, acc, {}});
      it = std::prev(out.end());
    }
    it->points.push_back(p);
  }
  return out;
}

// Predicted against measured frontier of one workload (points of one ISL/OSL), at each x.
inline void compare_workload(const calibration& cal, const std::vector<benchmark_point>& measured, std::span<const double> at,
                             validation_error proto, std::vector<validation_error>& out) {
  std::vector<double> mx, my;
  for (const benchmark_point& p : measured) {
    mx.push_back(1 / *p.tpot.median);
    my.push_back(*p.tput_per_gpu);
  }
  const curve meas = frontier_curve(mx, my);
  // every (tp, concurrency) measured, predicted together
  std::vector<predicted_point> all;
  for (const benchmark_point& p : measured)
    if (auto q = cal.predict(config_of(p), static_cast<double>(*p.concurrency))) all.push_back(*q);
  std::vector<double> px, py;
  for (const predicted_point& q : all) {
    px.push_back(q.interactivity);
    py.push_back(q.tput_per_gpu);
  }
  if (px.empty()) return;
  const curve pred = frontier_curve(px, py);
  for (double x : at) {
    const auto m = meas.y_at(x), q = pred.y_at(x);
    if (!m || !q || !(*m > 0)) continue;
    validation_error e = proto;
    e.interactivity = x;
    e.measured = *m;
    e.predicted = *q;
    out.push_back(e);
  }
}

}  // namespace detail

/// Leave one workload (ISL/OSL) out of each system (model, engine, precision, speculative
/// decoding, accelerator; aggregated points): calibrate on the others, predict it, compare its
/// frontier at each interactivity of `at` where both reach it.
inline std::vector<validation_error> validate_leave_one_out(const result_table& t, std::span<const double> at,
                                                            const predict_options& o = {}) {
  std::vector<validation_error> out;
  for (const detail::system_rows& s : detail::calibration_systems(t)) {
    std::vector<std::pair<std::int64_t, std::int64_t>> workloads;
    for (const benchmark_point& p : s.points)
      if (std::find(workloads.begin(), workloads.end(), std::pair{*p.isl, *p.osl}) == workloads.end())
        workloads.emplace_back(*p.isl, *p.osl);
    if (workloads.size() < 2) continue;
    for (const auto& w : workloads) {
      std::vector<benchmark_point> train, test;
      for (const benchmark_point& p : s.points) (std::pair{*p.isl, *p.osl} == w ? test : train).push_back(p);
      if (train.size() < o.min_points) continue;
      const calibration cal = calibrate(std::span<const benchmark_point>(train), o);
      validation_error proto{"leave-one-out", s.model, s.framework, s.precision, s.spec, s.accelerator, s.accelerator, w.first, w.second, 0, 0, 0};
      detail::compare_workload(cal, test, at, proto, out);
    }
  }
  return out;
}

/// Where two accelerators share a model, engine, precision and speculative decoding: calibrate on
/// one, predict every workload of the other, compare at each interactivity of `at`.
inline std::vector<validation_error> validate_cross_hardware(const result_table& t, std::span<const double> at,
                                                             const predict_options& o = {}) {
  std::vector<validation_error> out;
  const auto systems = detail::calibration_systems(t);
  for (const detail::system_rows& from : systems) {
    if (from.points.size() < o.min_points) continue;
    std::optional<calibration> cal;
    for (const detail::system_rows& to : systems) {
      if (&to == &from || to.model != from.model || to.framework != from.framework || to.precision != from.precision ||
          to.spec != from.spec)
        continue;
      if (!cal) cal = calibrate(std::span<const benchmark_point>(from.points), o);
      std::map<std::pair<std::int64_t, std::int64_t>, std::vector<benchmark_point>> by_workload;
      for (const benchmark_point& p : to.points) by_workload[{*p.isl, *p.osl}].push_back(p);
      for (const auto& [w, pts] : by_workload) {
        validation_error proto{"cross-hardware", to.model, to.framework, to.precision, to.spec, to.accelerator, from.accelerator, w.first, w.second, 0, 0, 0};
        detail::compare_workload(*cal, pts, at, proto, out);
      }
    }
  }
  return out;
}

/// Mean absolute relative error and count of a set of comparisons.
struct error_summary {
  double mean_abs = 0, median_abs = 0, bias = 0;  ///< fractions (0.1 = 10%)
  std::size_t n = 0;
};

inline error_summary summarize(std::span<const validation_error> errors) {
  error_summary s;
  std::vector<double> abs;
  for (const validation_error& e : errors) {
    abs.push_back(std::abs(e.error()));
    s.bias += e.error();
  }
  s.n = abs.size();
  if (s.n == 0) return s;
  s.mean_abs = mean(abs).value_or(0.0);
  s.median_abs = median(abs).value_or(0.0);
  s.bias /= static_cast<double>(s.n);
  return s;
}

INFERLENS_END_NAMESPACE
