// A chart (chart.hpp) as a Vega-Lite v5 specification, for people who draw with Vega: the same
// series, axes, marks and colours. The frontier's line is sampled from the curve itself (every
// knot and marker, and evenly between them), drawn with straight joins, so Vega shows the curve
// that system_frontier::at() evaluates rather than re-interpolating the knots in screen space.
// Separate from the analytics core: it needs nlohmann::json.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "inferlens/chart.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

namespace detail {

// The line of a series as (x, y) samples: knots, marker x and `per_segment` points between.
inline std::vector<std::pair<double, double>> line_samples(const chart_series& s, std::size_t per_segment = 24) {
  std::vector<std::pair<double, double>> out;
  const curve& c = s.line;
  if (c.empty()) return out;
  std::vector<double> xs(c.xs().begin(), c.xs().end());
  for (const chart_point& m : s.markers)
    if (m.x > xs.front() && m.x < xs.back()) xs.push_back(m.x);
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const std::size_t steps = i + 1 < xs.size() ? per_segment : 1;
    for (std::size_t k = 0; k < steps; ++k) {
      const double x = i + 1 < xs.size() ? xs[i] + (xs[i + 1] - xs[i]) * static_cast<double>(k) / static_cast<double>(steps) : xs[i];
      if (const auto y = c.y_at(x)) out.emplace_back(x, s.transform(*y));
    }
  }
  return out;
}

inline nlohmann::json vega_axis(const chart_axis& a, const char* field) {
  nlohmann::json scale{{"type", a.scale == axis_scale::log ? "log" : "linear"}, {"zero", a.scale == axis_scale::linear && a.include_zero}};
  if (a.min) scale["domainMin"] = *a.min;
  if (a.max) scale["domainMax"] = *a.max;
  return {{"field", field}, {"type", "quantitative"}, {"title", a.label}, {"scale", scale}};
}

}  // namespace detail

/// The chart as a Vega-Lite v5 spec: one data table (rows with series, kind: point, frontier,
/// line, marker; x, y, tip) and one layer per kind, plus rules for the guides.
inline nlohmann::json vega_lite(const chart& c) {
  using nlohmann::json;
  json values = json::array();
  bool has_band = false, has_overlay = false;  // their layers only when a series has one
  json domain = json::array(), range = json::array();
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const chart_series& s = c.series[i];
    domain.push_back(s.name);
    range.push_back(s.color.empty() ? series_color(i) : s.color);
    const auto add = [&](const char* kind, double x, double y, const std::string& tip, std::size_t order) {
      if (!std::isfinite(x) || !std::isfinite(y)) return;
      json row{{"series", s.name}, {"kind", kind}, {"x", x}, {"y", y}, {"order", order}};
      if (!tip.empty()) row["tip"] = tip;
      values.push_back(std::move(row));
    };
    for (const chart_point& p : s.points) add("point", p.x, p.y, p.tip, 0);
    for (const chart_point& p : s.frontier) add("frontier", p.x, p.y, p.tip, 0);
    for (const chart_point& p : s.markers) add("marker", p.x, p.y, p.tip, 0);
    std::size_t k = 0;
    for (const auto& [x, y] : detail::line_samples(s)) add("line", x, y, "", k++);
    for (const auto& [x, y] : s.polyline) add(s.step ? "step" : "line", x, y, "", k++);
    std::size_t band_no = 0;
    for (const chart_band& b : s.bands) {
      if (b.empty()) continue;
      for (std::size_t j = 0; j < b.x.size(); ++j) {
        if (!std::isfinite(b.x[j]) || !std::isfinite(b.low[j]) || !std::isfinite(b.high[j])) continue;
        has_band = true;
        values.push_back({{"series", s.name}, {"kind", "band"}, {"band", s.name + "#" + std::to_string(band_no)},
                          {"x", b.x[j]}, {"y", b.low[j]}, {"y2", b.high[j]}, {"order", j}});
      }
      ++band_no;
    }
    std::size_t overlay_no = 0;
    for (const chart_overlay& ov : s.overlays) {
      std::size_t j = 0;
      for (const auto& [x, y] : ov.points) {
        if (!std::isfinite(x) || !std::isfinite(y)) continue;
        json row{{"series", s.name}, {"kind", "overlay"}, {"overlay", s.name + "#" + std::to_string(overlay_no)}, {"x", x}, {"y", y}, {"order", j++}};
        if (!ov.tip.empty()) row["tip"] = ov.tip;
        has_overlay = true;
        values.push_back(std::move(row));
      }
      ++overlay_no;
    }
  }
  const json color{{"field", "series"}, {"type", "nominal"}, {"title", nullptr},
                   {"scale", {{"domain", domain}, {"range", range}}}, {"legend", c.legend ? json{{"orient", "bottom"}, {"columns", 2}} : json(nullptr)}};
  const auto enc = [&](bool tooltip) {
    json e{{"x", detail::vega_axis(c.x, "x")}, {"y", detail::vega_axis(c.y, "y")}, {"color", color}};
    if (tooltip) e["tooltip"] = json::array({{{"field", "series"}, {"type", "nominal"}}, {{"field", "tip"}, {"type", "nominal"}}});
    return e;
  };
  const auto only = [](const char* kind) { return json::array({{{"filter", std::string("datum.kind === '") + kind + "'"}}}); };
  json layer = json::array();
  if (has_band) {
    json e = enc(false);
    e["y2"] = {{"field", "y2"}};
    e["order"] = {{"field", "order"}, {"type", "quantitative"}};
    e["detail"] = {{"field", "band"}};
    layer.push_back({{"transform", only("band")}, {"mark", {{"type", "area"}, {"opacity", 0.18}}}, {"encoding", e}});
  }
  layer.push_back({{"transform", only("point")}, {"mark", {{"type", "circle"}, {"opacity", 0.3}, {"size", 22}}}, {"encoding", enc(true)}});
  {
    json e = enc(false);
    e["order"] = {{"field", "order"}, {"type", "quantitative"}};
    e["detail"] = {{"field", "series"}};
    layer.push_back({{"transform", only("line")}, {"mark", {{"type", "line"}, {"strokeWidth", 2.2}, {"interpolate", "linear"}}}, {"encoding", e}});
    json oe = e;
    oe["detail"] = {{"field", "overlay"}};
    if (has_overlay)
      layer.push_back({{"transform", only("overlay")}, {"mark", {{"type", "line"}, {"strokeWidth", 1.6}, {"strokeDash", {6, 4}}}}, {"encoding", oe}});
    layer.push_back({{"transform", only("step")}, {"mark", {{"type", "line"}, {"strokeWidth", 1.8}, {"interpolate", "step-after"}}}, {"encoding", e}});
  }
  layer.push_back({{"transform", only("frontier")}, {"mark", {{"type", "circle"}, {"opacity", 1}, {"size", 55}, {"stroke", "#fff"}, {"strokeWidth", 1}}},
                   {"encoding", enc(true)}});
  layer.push_back({{"transform", only("marker")}, {"mark", {{"type", "point"}, {"filled", true}, {"fill", "#fff"}, {"size", 95}, {"strokeWidth", 2.2}, {"opacity", 1}}},
                   {"encoding", enc(true)}});
  if (!c.guides.empty()) {
    json g = json::array();
    for (double x : c.guides) g.push_back({{"x", x}});
    layer.push_back({{"data", {{"values", g}}},
                     {"mark", {{"type", "rule"}, {"strokeDash", {4, 4}}, {"color", "#777"}}},
                     {"encoding", {{"x", {{"field", "x"}, {"type", "quantitative"}}}}}});
  }
  json spec{{"$schema", "https://vega.github.io/schema/vega-lite/v5.json"},
            {"description", "inferlens " INFERLENS_VERSION_STRING " chart"},
            {"width", c.width - 80},
            {"height", c.height - 110},
            {"data", {{"values", values}}},
            {"layer", layer}};
  if (!c.title.empty()) spec["title"] = c.subtitle.empty() ? json(c.title) : json{{"text", c.title}, {"subtitle", c.subtitle}};
  return spec;
}

INFERLENS_END_NAMESPACE
