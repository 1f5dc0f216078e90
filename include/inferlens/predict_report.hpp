// The report's throughput charts with each system's calibrated prediction (predict.hpp): a
// dotted line through the predicted frontier of the system's own configurations (its tensor-
// parallel sizes and concurrencies) and its one-sigma band as a translucent area. Kept apart
// from report.hpp because predict.hpp needs Eigen.
//
//   inferlens::report_options o;
//   o.limits = true;                                        // the physical bound, dashed
//   o.tput_overlay = inferlens::predicted_overlay();  // the calibrated prediction
//   inferlens::write_file("report.html", inferlens::html_report(results, o));
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "inferlens/chart.hpp"
#include "inferlens/frontier.hpp"
#include "inferlens/predict.hpp"
#include "inferlens/report.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// What a system's prediction drew, or why none was drawn.
struct system_prediction {
  predicted_frontier frontier;
  std::string reason;  ///< "" when drawn
  std::vector<double> x, y, low, high;  ///< the samples drawn
};

/// The calibrated prediction of one measured system over its own configurations: calibrated on
/// its rows, predicted for its tensor-parallel sizes and concurrencies (and the powers of two
/// up to its highest), sampled at `samples` x over the predicted frontier's range.
inline system_prediction predict_system(const system_frontier& s, const predict_options& po = {}, std::size_t samples = 48) {
  system_prediction out;
  std::vector<benchmark_point> rows;
  for (std::size_t i = 0; i < s.rows().size(); ++i) {
    benchmark_point p = s.rows().point(i);
    if (calibration_point(p)) rows.push_back(std::move(p));
  }
  if (rows.size() < po.min_points) {
    out.reason = "too few points to calibrate (" + std::to_string(rows.size()) + " of at least " + std::to_string(po.min_points) + ")";
    return out;
  }
  try {
    const calibration cal = calibrate(std::span<const benchmark_point>(rows), po);
    std::vector<std::int64_t> tps;
    std::vector<double> concs;
    double top = 1;
    for (const benchmark_point& p : rows) {
      if (p.tp) tps.push_back(*p.tp);
      if (p.concurrency) {
        concs.push_back(static_cast<double>(*p.concurrency));
        top = std::max(top, static_cast<double>(*p.concurrency));
      }
    }
    for (double c = 1; c <= top; c *= 2) concs.push_back(c);
    std::sort(tps.begin(), tps.end());
    tps.erase(std::unique(tps.begin(), tps.end()), tps.end());
    std::sort(concs.begin(), concs.end());
    concs.erase(std::unique(concs.begin(), concs.end()), concs.end());
    out.frontier = predict_frontier(cal, config_of(rows.front()), tps, concs);
  } catch (const input_error& e) {
    out.reason = "no prediction: " + e.message();
    return out;
  }
  const predicted_frontier& f = out.frontier;
  if (f.empty() || f.curve.size() < 1) {
    out.reason = "no predicted point fits";
    return out;
  }
  const double lo = f.curve.xs().front(), hi = f.curve.xs().back();
  std::vector<double> xs(f.curve.xs().begin(), f.curve.xs().end());
  for (std::size_t i = 0; i < samples && hi > lo; ++i) xs.push_back(lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(samples - 1));
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  for (double x : xs) {
    const auto y = f.curve.y_at(x), l = f.low.y_at(x), h = f.high.y_at(x);
    if (!y || !l || !h) continue;
    out.x.push_back(x);
    out.y.push_back(*y);
    out.low.push_back(std::min(*l, *y));  // the three curves are interpolated apart: keep the band around the line
    out.high.push_back(std::max(*h, *y));
  }
  return out;
}

/// A report_options::tput_overlay that draws every system's calibrated prediction: a dotted
/// line (the predicted frontier) and a translucent one-sigma band, in the system's colour. Each
/// system is calibrated once (the linear and log charts share it).
inline std::function<void(const system_frontier&, chart_series&)> predicted_overlay(const predict_options& po = {}) {
  auto cache = std::make_shared<std::map<std::string, system_prediction>>();
  return [cache, po](const system_frontier& s, chart_series& cs) {
    auto it = cache->find(s.name());
    if (it == cache->end()) it = cache->emplace(s.name(), predict_system(s, po)).first;
    const system_prediction& p = it->second;
    if (!p.reason.empty() || p.x.empty()) return;
    chart_band b;
    b.kind = "predicted";
    b.opacity = 0.12;
    b.x = p.x;
    b.low = p.low;
    b.high = p.high;
    cs.bands.push_back(std::move(b));
    chart_overlay line;
    line.kind = "predicted";
    line.dash = "2 3";
    line.width = 1.8;
    line.tip = cs.name + ": calibrated prediction (predict.hpp) with its one-sigma band";
    for (std::size_t i = 0; i < p.x.size(); ++i) line.points.emplace_back(p.x[i], p.y[i]);
    cs.overlays.push_back(std::move(line));
  };
}

INFERLENS_END_NAMESPACE
