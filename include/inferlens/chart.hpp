// Charts as values, rendered to SVG. A chart is series (measured points drawn faint, frontier
// points bold, the frontier's curve, markers read off it at chosen x, or a plain polyline),
// two axes (linear or log) and a few marks; to_svg() renders it to one self-contained SVG
// string a C++ tool can embed, and chart_layout says where every value lands in pixels.
//
// The frontier is drawn as the curve that system_frontier::at() evaluates: on linear axes each
// Steffen segment is one cubic Bézier whose control points come from the curve's own Hermite
// tangents (curve::tangents()), so the drawing and the numbers agree to rounding; on a log
// axis, or for a figure computed from the throughput (cost per token is 1 / throughput), each
// segment is split into short pieces, each a Bézier through exact values of the curve with its
// exact slopes in pixel space. Markers are split points: the path passes through them exactly.
//
//   const auto set = inferlens::load("agg_bmk").frontiers();
//   inferlens::frontier_chart_options o;
//   o.at = {50, 100, 200};
//   std::string svg = inferlens::to_svg(inferlens::frontier_chart(set, o));
//
// Only the standard library: this header belongs to the analytics core (vega.hpp gives the
// same chart as a Vega-Lite spec through nlohmann::json).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inferlens/columns.hpp"
#include "inferlens/curves.hpp"
#include "inferlens/detail/text.hpp"
#include "inferlens/economics.hpp"
#include "inferlens/frontier.hpp"
#include "inferlens/pricing.hpp"
#include "inferlens/record.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// How an axis maps values to pixels.
enum class axis_scale { linear, log };

inline constexpr std::string_view to_string(axis_scale s) noexcept { return s == axis_scale::log ? "log" : "linear"; }

/// The Okabe–Ito palette (colour-blind safe), in the order series take it: blue, vermillion,
/// bluish green, orange, reddish purple, sky blue, black, yellow. Series beyond eight reuse it
/// with dashed lines.
inline constexpr std::array<std::string_view, 8> okabe_ito = {"#0072B2", "#D55E00", "#009E73", "#E69F00",
                                                              "#CC79A7", "#56B4E9", "#000000", "#F0E442"};

/// The palette colour of series i.
inline std::string series_color(std::size_t i) { return std::string(okabe_ito[i % okabe_ito.size()]); }
/// The dash pattern of series i: solid for the first eight, then dashed, then dotted.
inline std::string series_dash(std::size_t i) {
  const std::size_t round = i / okabe_ito.size();
  return round == 0 ? std::string() : round == 1 ? std::string("7 3") : std::string("2 3");
}

/// One axis.
struct chart_axis {
  std::string label;
  axis_scale scale = axis_scale::linear;
  bool include_zero = false;        ///< linear: the range reaches 0 (throughput, cost)
  std::optional<double> min, max;   ///< fixed ends; by default nice ends around the data
};

/// One mark at a value. `tip` is its tooltip (lines separated by '\n'); `ref` a caller's
/// reference (a report's row number), rendered as data-ref when >= 0.
struct chart_point {
  double x = std::numeric_limits<double>::quiet_NaN();
  double y = std::numeric_limits<double>::quiet_NaN();
  std::string tip;
  std::int64_t ref = -1;
};

/// What a series' line draws from its curve: y = scale × curve(x)^power, power 1 or -1. The
/// identity draws the curve itself; cost per token of a throughput curve is {k, -1} with
/// k = economic_value_from_throughput(c, 1, price), tokens per MW {k, 1}.
struct y_transform {
  double scale = 1.0;
  double power = 1.0;

  bool identity() const noexcept { return scale == 1.0 && power == 1.0; }
  double operator()(double v) const noexcept { return power == 1.0 ? scale * v : scale * std::pow(v, power); }
  /// d/dx of scale × v(x)^power, given v and dv/dx.
  double slope(double v, double dv) const noexcept {
    return power == 1.0 ? scale * dv : scale * power * std::pow(v, power - 1.0) * dv;
  }
};

/// A translucent area between two curves sampled at the same x (a confidence band, the spread
/// of a prediction): x ascending, low[i] <= high[i]. Samples with an unusable value (NaN, or not
/// positive on a log axis) split the area into pieces. `kind` becomes the path's class suffix
/// ("band band-bootstrap") so pages and tests can tell bands apart.
struct chart_band {
  std::vector<double> x, low, high;
  std::string kind;
  double opacity = 0.18;

  bool empty() const noexcept { return x.size() < 2 || low.size() != x.size() || high.size() != x.size(); }
};

/// An extra line of a series, drawn in its colour (and hidden with it): a bound, a prediction,
/// a reference. Sampled (x, y) in x order; `kind` is the path's class suffix.
struct chart_overlay {
  std::string kind;
  std::vector<std::pair<double, double>> points;
  std::string dash = "6 4";  ///< SVG dash pattern; empty: solid
  double width = 1.6;
  std::string tip;  ///< tooltip of the whole line
};

/// One series: a system's points, frontier and curve, or a plain line.
struct chart_series {
  std::string name;
  std::string color;                 ///< CSS colour; empty: series_color(index)
  std::string dash;                  ///< SVG dash pattern of its line; empty: series_dash(index)
  std::vector<chart_point> points;   ///< every measured point, drawn faint
  std::vector<chart_point> frontier; ///< the frontier points, drawn bold
  inferlens::curve line;             ///< drawn through the frontier (transformed by `transform`)
  y_transform transform;
  std::vector<chart_point> markers;  ///< values read off the line at chosen x, drawn as rings
  std::vector<std::pair<double, double>> polyline;  ///< a plain line in order (timelines, CDFs)
  bool step = false;                 ///< the polyline as steps: horizontal, then vertical (a CDF)
  std::vector<chart_band> bands;     ///< translucent areas, drawn under everything else of the series
  std::vector<chart_overlay> overlays;  ///< extra lines in the series' colour (bounds, predictions)
};

/// A shaded range of x across the whole plot (a gate's range, a regressed region).
struct chart_region {
  double from = 0, to = 0;
  std::string kind;              ///< class suffix: "gate", "regressed", ...
  std::string color = "#999";
  double opacity = 0.12;
  std::string label;             ///< written at the top of the strip (empty: none)
  std::string tip;
};

/// A chart: a value to render, compare or serialise.
struct chart {
  std::string title, subtitle;
  chart_axis x, y;
  std::vector<chart_series> series;
  std::vector<double> guides;        ///< vertical dashed lines at these x (the chosen interactivities)
  std::vector<double> y_guides;      ///< horizontal dashed lines at these y (a ratio of 1)
  std::vector<chart_region> regions; ///< shaded x ranges, under the series
  std::string empty_note = "no data";
  double width = 640, height = 420;  ///< the SVG's size in CSS pixels (it scales with its box)
  bool legend = true;                ///< a legend below the plot
};

// ---------------------------------------------------------------------------------------------
// Geometry
// ---------------------------------------------------------------------------------------------

/// A tick: its value and its label.
struct axis_tick {
  double value = 0;
  std::string label;
  bool major = true;  ///< minor ticks (log axes) carry no label
};

namespace detail {

inline bool usable(double v, axis_scale s) noexcept { return std::isfinite(v) && (s == axis_scale::linear || v > 0); }

inline double nice_step(double span, int target) noexcept {
  const double raw = span / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double r = raw / mag;
  return (r < 1.5 ? 1.0 : r < 3.0 ? 2.0 : r < 7.0 ? 5.0 : 10.0) * mag;
}

// Decimals needed so that every multiple of step prints exactly.
inline int decimals_for(double step) noexcept {
  for (int d = 0; d < 9; ++d) {
    const double scaled = step * std::pow(10.0, d);
    if (std::abs(scaled - std::round(scaled)) <= 1e-6 * std::max(1.0, scaled)) return d;
  }
  return 9;
}

// "0", "250", "1.5k", "20k", "1.2M", "0.05": a tick value given the spacing of its neighbours.
inline std::string tick_text(double v, double step) {
  if (v == 0) return "0";
  const double a = std::abs(v);
  double unit = 1;
  const char* suffix = "";
  if (a >= 1e9 && step >= 1e8) unit = 1e9, suffix = "G";
  else if (a >= 1e6 && step >= 1e5) unit = 1e6, suffix = "M";
  else if (a >= 1e3 && step >= 1e2) unit = 1e3, suffix = "k";
  std::string s = fixed(v / unit, decimals_for(step / unit));
  return s + suffix;
}

// Nice 1-2-5 values around [lo, hi] for a log axis.
inline double log_floor(double v) noexcept {
  const double mag = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {5.0, 2.0, 1.0})
    if (m * mag <= v * (1 + 1e-12)) return m * mag;
  return mag;
}
inline double log_ceil(double v) noexcept {
  const double mag = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= v * (1 - 1e-12)) return m * mag;
  return 10 * mag;
}

}  // namespace detail

/// Where a chart's values land: the plot rectangle in pixels, each axis's domain and ticks.
/// px/py map values to pixels, x_of/y_of map pixels back.
class chart_layout {
 public:
  double left = 0, top = 0, width = 0, height = 0;  ///< the plot area
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;    ///< the domains
  axis_scale x_scale = axis_scale::linear, y_scale = axis_scale::linear;
  std::vector<axis_tick> x_ticks, y_ticks;
  double svg_width = 0, svg_height = 0;
  double legend_top = 0;  ///< where the legend's first row sits
  std::vector<std::pair<double, double>> legend_at;  ///< each series' legend entry (left, baseline)
  bool has_data = false;

  double px(double x) const noexcept { return left + fraction(x, x_lo, x_hi, x_scale) * width; }
  double py(double y) const noexcept { return top + height - fraction(y, y_lo, y_hi, y_scale) * height; }
  double x_of(double p) const noexcept { return value((p - left) / width, x_lo, x_hi, x_scale); }
  double y_of(double p) const noexcept { return value((top + height - p) / height, y_lo, y_hi, y_scale); }
  /// d(pixel)/d(value) at a value.
  double dpx(double x) const noexcept { return derivative(x, x_lo, x_hi, x_scale) * width; }
  double dpy(double y) const noexcept { return -derivative(y, y_lo, y_hi, y_scale) * height; }
  bool x_usable(double x) const noexcept { return detail::usable(x, x_scale); }
  bool y_usable(double y) const noexcept { return detail::usable(y, y_scale); }

 private:
  static double fraction(double v, double lo, double hi, axis_scale s) noexcept {
    if (s == axis_scale::log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return (v - lo) / (hi - lo);
  }
  static double value(double f, double lo, double hi, axis_scale s) noexcept {
    if (s == axis_scale::log) return std::pow(10.0, std::log10(lo) + f * (std::log10(hi) - std::log10(lo)));
    return lo + f * (hi - lo);
  }
  static double derivative(double v, double lo, double hi, axis_scale s) noexcept {
    if (s == axis_scale::log) return 1.0 / (v * std::log(10.0) * (std::log10(hi) - std::log10(lo)));
    return 1.0 / (hi - lo);
  }
};

namespace detail {

// Domain and ticks of one axis around the data.
inline void axis_domain(const chart_axis& a, std::vector<double> values, double& lo, double& hi, std::vector<axis_tick>& ticks,
                        double pixels) {
  std::erase_if(values, [&](double v) { return !usable(v, a.scale); });
  if (a.scale == axis_scale::linear && a.include_zero) values.push_back(0.0);
  double dlo = 0, dhi = 1;
  if (!values.empty()) {
    const auto [mn, mx] = std::minmax_element(values.begin(), values.end());
    dlo = *mn;
    dhi = *mx;
  } else if (a.scale == axis_scale::log) {
    dlo = 1;
    dhi = 10;
  }
  if (a.min && usable(*a.min, a.scale)) dlo = *a.min;
  if (a.max && usable(*a.max, a.scale)) dhi = *a.max;
  if (dhi < dlo) std::swap(dlo, dhi);
  ticks.clear();
  const int target = std::clamp(static_cast<int>(pixels / 70.0), 2, 10);
  if (a.scale == axis_scale::linear) {
    if (dhi == dlo) {
      const double pad = dlo == 0 ? 1.0 : std::abs(dlo) * 0.1;
      dlo -= pad;
      dhi += pad;
      if (a.include_zero && dlo < 0 && dhi > 0 && *std::min_element(values.begin(), values.end()) >= 0) dlo = 0;
    }
    const double step = nice_step(dhi - dlo, target);
    lo = a.min ? dlo : std::floor(dlo / step + 1e-9) * step;
    hi = a.max ? dhi : std::ceil(dhi / step - 1e-9) * step;
    if (hi <= lo) hi = lo + step;
    for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
      const double v = std::abs(t) < step * 1e-9 ? 0.0 : t;
      ticks.push_back({v, tick_text(v, step), true});
    }
    return;
  }
  lo = a.min ? dlo : log_floor(dlo);
  hi = a.max ? dhi : log_ceil(dhi);
  if (hi <= lo * (1 + 1e-12)) {
    lo = log_floor(lo / 1.5);
    hi = log_ceil(hi * 1.5);
  }
  const double decades = std::log10(hi / lo);
  const int first = static_cast<int>(std::floor(std::log10(lo))) - 1, last = static_cast<int>(std::ceil(std::log10(hi))) + 1;
  const std::vector<double> labelled = decades <= 1.2 * target / 3.0 ? std::vector<double>{1, 2, 5} : std::vector<double>{1};
  const std::size_t skip = decades > target ? static_cast<std::size_t>(std::ceil(decades / target)) : 1;
  for (int e = first; e <= last; ++e) {
    const double mag = std::pow(10.0, e);
    for (int m = 1; m <= 9; ++m) {
      const double v = m * mag;
      if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9)) continue;
      const bool major = std::find(labelled.begin(), labelled.end(), static_cast<double>(m)) != labelled.end() &&
                         (m != 1 || static_cast<std::size_t>(e - first) % skip == 0);
      ticks.push_back({v, major ? tick_text(v, v) : std::string(), major});
    }
  }
  if (std::count_if(ticks.begin(), ticks.end(), [](const axis_tick& t) { return t.major; }) < 2) {
    for (axis_tick& t : ticks) {  // a narrow range: label every tick
      t.major = true;
      t.label = tick_text(t.value, t.value / 10);
    }
  }
}

// Rough width of a text in pixels at a font size (no font metrics in a header-only library).
inline double text_width(std::string_view s, double font) noexcept {
  double w = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation
    w += c == ' ' || c == '.' || c == ',' || c == 'i' || c == 'l' || c == '1' || c == '/' || c == '|' ? 0.33
         : (c >= 'A' && c <= 'Z') || c == 'm' || c == 'w'                                       ? 0.72
                                                                                                  : 0.56;
  }
  return w * font;
}

inline std::string legend_text(const std::string& name) {
  constexpr std::size_t limit = 60;
  if (name.size() <= limit) return name;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  return name.substr(0, cut) + "…";
}

}  // namespace detail

inline constexpr double chart_font = 11.0;  ///< tick, legend and tooltip text (px)

/// The geometry of a chart: margins from its labels, domains from its data (or its axes' fixed
/// ends), ticks, and where the legend goes. The SVG grows taller when the legend needs room.
inline chart_layout layout_of(const chart& c) {
  chart_layout L;
  L.x_scale = c.x.scale;
  L.y_scale = c.y.scale;
  std::vector<double> xs, ys;
  for (const chart_series& s : c.series) {
    for (const auto* list : {&s.points, &s.frontier, &s.markers})
      for (const chart_point& p : *list)
        if (detail::usable(p.x, c.x.scale) && detail::usable(p.y, c.y.scale)) {
          xs.push_back(p.x);
          ys.push_back(p.y);
        }
    for (const auto& [x, y] : s.polyline)
      if (detail::usable(x, c.x.scale) && detail::usable(y, c.y.scale)) {
        xs.push_back(x);
        ys.push_back(y);
      }
    for (std::size_t i = 0; i < s.line.size(); ++i) {
      const double x = s.line.xs()[i], y = s.transform(s.line.ys()[i]);
      if (detail::usable(x, c.x.scale) && detail::usable(y, c.y.scale)) {
        xs.push_back(x);
        ys.push_back(y);
      }
    }
    for (const chart_band& b : s.bands) {
      if (b.empty()) continue;
      for (std::size_t i = 0; i < b.x.size(); ++i)
        for (double y : {b.low[i], b.high[i]})
          if (detail::usable(b.x[i], c.x.scale) && detail::usable(y, c.y.scale)) {
            xs.push_back(b.x[i]);
            ys.push_back(y);
          }
    }
    for (const chart_overlay& ov : s.overlays)
      for (const auto& [x, y] : ov.points)
        if (detail::usable(x, c.x.scale) && detail::usable(y, c.y.scale)) {
          xs.push_back(x);
          ys.push_back(y);
        }
  }
  L.has_data = !xs.empty();
  for (double g : c.y_guides)
    if (L.has_data && detail::usable(g, c.y.scale)) ys.push_back(g);
  L.svg_width = c.width;
  // Legend rows, laid out at the final width.
  const double margin_right = 18;
  std::vector<double> widths;
  for (const chart_series& s : c.series) widths.push_back(28 + detail::text_width(detail::legend_text(s.name), chart_font) + 16);
  // Y ticks first (their labels set the left margin), with a provisional height.
  const double top = 10 + (c.title.empty() ? 0 : 20) + (c.subtitle.empty() ? 0 : 16) + 16;  // room for the guides' labels
  const double axis_bottom = 22 + (c.x.label.empty() ? 0 : 20);
  const double legend_left = 12;
  std::size_t rows = 0;
  if (c.legend && !c.series.empty()) {
    double at = legend_left;
    rows = 1;
    for (double w : widths) {
      if (at > legend_left && at + w > c.width - margin_right) {
        ++rows;
        at = legend_left;
      }
      at += w;
    }
  }
  const double legend_height = rows ? 8 + 17.0 * static_cast<double>(rows) : 0;
  double plot_h = c.height - top - axis_bottom - legend_height - 8;
  L.svg_height = c.height;
  if (plot_h < 160) {
    L.svg_height += 160 - plot_h;
    plot_h = 160;
  }
  detail::axis_domain(c.y, ys, L.y_lo, L.y_hi, L.y_ticks, plot_h);
  double label_w = 0;
  for (const axis_tick& t : L.y_ticks) label_w = std::max(label_w, detail::text_width(t.label, chart_font));
  L.left = (c.y.label.empty() ? 8 : 26) + label_w + 10;
  L.top = top;
  L.width = std::max(80.0, c.width - L.left - margin_right);
  L.height = plot_h;
  detail::axis_domain(c.x, xs, L.x_lo, L.x_hi, L.x_ticks, L.width);
  L.legend_top = L.top + L.height + axis_bottom + 10;
  if (rows) {
    double at = legend_left, row = 0;
    for (double w : widths) {
      if (at > legend_left && at + w > c.width - margin_right) {
        row += 1;
        at = legend_left;
      }
      L.legend_at.emplace_back(at, L.legend_top + 12 + 17 * row);
      at += w;
    }
  }
  return L;
}

/// One cubic Bézier segment in pixels.
struct bezier {
  double x0, y0, x1, y1, x2, y2, x3, y3;

  /// The point at parameter t in [0, 1].
  std::pair<double, double> at(double t) const noexcept {
    const double u = 1 - t;
    const double a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t;
    return {a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3};
  }
};

namespace detail {

// The curve's value and slope at x inside segment k (the library's y_at for the value).
inline std::pair<double, double> value_and_slope(const curve& c, std::size_t k, double x) {
  const auto xs = c.xs(), ys = c.ys();
  const auto m = c.tangents();
  const double h = xs[k + 1] - xs[k];
  const double v = c.y_at(x).value_or(std::numeric_limits<double>::quiet_NaN());
  if (m.empty()) return {v, (ys[k + 1] - ys[k]) / h};
  const double t = (x - xs[k]) / h, t2 = t * t;
  const double d = ((6 * t2 - 6 * t) * (ys[k] - ys[k + 1])) / h + (3 * t2 - 4 * t + 1) * m[k] + (3 * t2 - 2 * t) * m[k + 1];
  return {v, d};
}

}  // namespace detail

/// The Bézier segments that draw a series' line in a layout, in x order. On linear axes with the
/// identity transform each curve segment between split points is one exact Bézier (control
/// points at thirds of the segment, from the Hermite tangents); otherwise each is split into
/// pieces of about 16 px, each through exact values with exact pixel slopes. Split points: the
/// knots and the x of every marker, so the path passes through the markers exactly.
inline std::vector<bezier> line_beziers(const chart_series& s, const chart_layout& L) {
  std::vector<bezier> out;
  const curve& c = s.line;
  if (c.size() < 2) return out;
  const auto xs = c.xs();
  std::vector<double> splits(xs.begin(), xs.end());
  for (const chart_point& m : s.markers)
    if (m.x > xs.front() && m.x < xs.back()) splits.push_back(m.x);
  std::sort(splits.begin(), splits.end());
  splits.erase(std::unique(splits.begin(), splits.end()), splits.end());
  const bool exact = L.x_scale == axis_scale::linear && L.y_scale == axis_scale::linear && s.transform.identity();
  std::size_t k = 0;
  for (std::size_t i = 0; i + 1 < splits.size(); ++i) {
    const double a = splits[i], b = splits[i + 1];
    while (k + 2 < xs.size() && xs[k + 1] <= a) ++k;
    if (!L.x_usable(a) || !L.x_usable(b)) continue;
    std::size_t pieces = 1;
    if (!exact) pieces = std::clamp<std::size_t>(static_cast<std::size_t>(std::ceil(std::abs(L.px(b) - L.px(a)) / 16.0)), 2, 256);
    for (std::size_t j = 0; j < pieces; ++j) {
      const double u0 = j == 0 ? a : a + (b - a) * static_cast<double>(j) / static_cast<double>(pieces);
      const double u1 = j + 1 == pieces ? b : a + (b - a) * static_cast<double>(j + 1) / static_cast<double>(pieces);
      const auto [v0, d0] = detail::value_and_slope(c, k, u0);
      const auto [v1, d1] = detail::value_and_slope(c, k, u1);
      const double y0 = s.transform(v0), y1 = s.transform(v1);
      if (!L.y_usable(y0) || !L.y_usable(y1)) continue;
      const double X0 = L.px(u0), X3 = L.px(u1), Y0 = L.py(y0), Y3 = L.py(y1);
      // slopes in pixels per pixel
      const double s0 = L.dpy(y0) * s.transform.slope(v0, d0) / L.dpx(u0);
      const double s1 = L.dpy(y1) * s.transform.slope(v1, d1) / L.dpx(u1);
      const double third = (X3 - X0) / 3;
      out.push_back({X0, Y0, X0 + third, Y0 + s0 * third, X3 - third, Y3 - s1 * third, X3, Y3});
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// SVG
// ---------------------------------------------------------------------------------------------

/// How to_svg writes a chart.
struct svg_options {
  /// A file of its own: the XML namespace and a white background. Off when the SVG is inlined
  /// in HTML (where it needs no namespace).
  bool standalone = true;
  /// Tooltips as <title> children (shown by every viewer). Off: data-tip attributes for a
  /// page's own tooltip script, and data-ref for points that have a ref.
  bool titles = true;
  /// Prefix of the element ids in the SVG (unique per document when several are inlined).
  std::string id = "chart";
  /// Extra classes on the <svg> element.
  std::string css_class;
};

namespace detail {

inline std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case ':':  // text that reads like a URL is shown as such but is never an address in the file
        if (s.substr(i, 3) == "://") out += "&#58;";
        else out += ch;
        break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\n' && ch != '\t') out += ' ';
        else out += ch;
    }
  }
  return out;
}

// A pixel coordinate with two decimals, trailing zeros dropped.
inline std::string px_text(double v) {
  if (!std::isfinite(v)) return "0";
  std::string s = fixed(std::round(v * 100) / 100, 2);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

inline void attr(std::string& out, std::string_view name, std::string_view value) {
  out += ' ';
  out += name;
  out += "=\"";
  out += xml_escape(value);
  out += '"';
}
inline void attr(std::string& out, std::string_view name, double v) { attr(out, name, px_text(v)); }

inline void tip_of(std::string& out, const chart_point& p, const svg_options& o, bool& open_title) {
  open_title = false;
  if (p.ref >= 0) attr(out, "data-ref", std::to_string(p.ref));
  if (p.tip.empty()) return;
  if (o.titles) open_title = true;
  else if (p.ref < 0) attr(out, "data-tip", p.tip);
}

inline void point_mark(std::string& out, const char* cls, const chart_point& p, double cx, double cy, double r,
                       const svg_options& o) {
  out += "<circle class=\"";
  out += cls;
  out += '"';
  attr(out, "cx", cx);
  attr(out, "cy", cy);
  attr(out, "r", r);
  attr(out, "data-x", general(p.x, 9));
  attr(out, "data-y", general(p.y, 9));
  bool title = false;
  tip_of(out, p, o, title);
  if (title) {
    out += "><title>";
    out += xml_escape(p.tip);
    out += "</title></circle>";
  } else {
    out += "/>";
  }
}

}  // namespace detail

/// The SVG path data of a band in a layout: one closed polygon per run of usable samples,
/// along `low` in x order and back along `high` ("M x y L ... Z"). Empty when nothing is drawable.
inline std::string band_path(const chart_band& b, const chart_layout& L) {
  std::string d;
  if (b.empty()) return d;
  const auto ok = [&](std::size_t i) { return L.x_usable(b.x[i]) && L.y_usable(b.low[i]) && L.y_usable(b.high[i]); };
  std::size_t i = 0;
  while (i < b.x.size()) {
    if (!ok(i)) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j + 1 < b.x.size() && ok(j + 1)) ++j;
    if (j > i) {
      for (std::size_t k = i; k <= j; ++k)
        d += (k == i ? "M" : "L") + detail::px_text(L.px(b.x[k])) + " " + detail::px_text(L.py(b.low[k]));
      for (std::size_t k = j + 1; k-- > i;) d += "L" + detail::px_text(L.px(b.x[k])) + " " + detail::px_text(L.py(b.high[k]));
      d += "Z";
    }
    i = j + 1;
  }
  return d;
}

/// The chart as an SVG document (or fragment for inlining, svg_options::standalone = false).
/// Every value mark carries data-x and data-y; the <svg> carries data-plot ("left top width
/// height"), data-x-domain and data-y-domain ("lo hi"), data-x-scale and data-y-scale, and
/// data-series, data-points, data-frontier-points and data-markers counts, so tools and tests
/// can map pixels back to values.
inline std::string to_svg(const chart& c, const svg_options& o = {}) {
  using detail::attr;
  using detail::px_text;
  using detail::xml_escape;
  const chart_layout L = layout_of(c);
  std::string out;
  out.reserve(4096 + 160 * c.series.size() * 16);
  std::size_t n_points = 0, n_frontier = 0, n_markers = 0, n_omitted = 0;
  const auto inside = [&](const chart_point& p) { return L.x_usable(p.x) && L.y_usable(p.y); };
  for (const chart_series& s : c.series) {
    for (const chart_point& p : s.points) (inside(p) ? n_points : n_omitted) += 1;
    for (const chart_point& p : s.frontier) (inside(p) ? n_frontier : n_omitted) += 1;
    for (const chart_point& p : s.markers) (inside(p) ? n_markers : n_omitted) += 1;
  }

  out += "<svg";
  if (o.standalone) out += " xmlns=\"http://www.w3.org/2000/svg\"";  // the one address: SVG's namespace
  attr(out, "class", o.css_class.empty() ? std::string("chart") : "chart " + o.css_class);
  attr(out, "id", o.id);
  attr(out, "viewBox", "0 0 " + px_text(L.svg_width) + " " + px_text(L.svg_height));
  attr(out, "width", L.svg_width);
  attr(out, "height", L.svg_height);
  attr(out, "role", "img");
  attr(out, "aria-label", c.title.empty() ? std::string("chart") : c.title);
  attr(out, "font-family", "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif");
  attr(out, "font-size", px_text(chart_font));
  attr(out, "data-plot", px_text(L.left) + " " + px_text(L.top) + " " + px_text(L.width) + " " + px_text(L.height));
  attr(out, "data-x-domain", detail::shortest(L.x_lo) + " " + detail::shortest(L.x_hi));
  attr(out, "data-y-domain", detail::shortest(L.y_lo) + " " + detail::shortest(L.y_hi));
  attr(out, "data-x-scale", to_string(L.x_scale));
  attr(out, "data-y-scale", to_string(L.y_scale));
  attr(out, "data-series", std::to_string(c.series.size()));
  attr(out, "data-points", std::to_string(n_points));
  attr(out, "data-frontier-points", std::to_string(n_frontier));
  attr(out, "data-markers", std::to_string(n_markers));
  if (n_omitted) attr(out, "data-omitted", std::to_string(n_omitted));
  out += ">\n";
  if (o.standalone) {
    out += "<title>" + xml_escape(c.title) + "</title>\n";
    out += "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n";
  }
  const std::string clip = o.id + "-clip";
  out += "<defs><clipPath id=\"" + xml_escape(clip) + "\"><rect";
  attr(out, "x", L.left - 6);
  attr(out, "y", L.top - 6);
  attr(out, "width", L.width + 12);
  attr(out, "height", L.height + 12);
  out += "/></clipPath></defs>\n";

  // title
  double ty = 10;
  if (!c.title.empty()) {
    ty += 14;
    out += "<text class=\"title\" x=\"12\"";
    attr(out, "y", ty);
    out += " font-size=\"14\" font-weight=\"600\" fill=\"#111\">" + xml_escape(c.title) + "</text>\n";
    ty += 4;
  }
  if (!c.subtitle.empty()) {
    ty += 13;
    out += "<text class=\"subtitle\" x=\"12\"";
    attr(out, "y", ty);
    out += " fill=\"#555\">" + xml_escape(c.subtitle) + "</text>\n";
  }

  // grid and axes
  const double bottom = L.top + L.height, right = L.left + L.width;
  out += "<g class=\"grid\" stroke=\"#e6e6e6\" stroke-width=\"1\" shape-rendering=\"crispEdges\">";
  for (const axis_tick& t : L.y_ticks) {
    if (!t.major && L.y_ticks.size() > 30) continue;
    out += "<line";
    attr(out, "x1", L.left);
    attr(out, "x2", right);
    attr(out, "y1", L.py(t.value));
    attr(out, "y2", L.py(t.value));
    if (!t.major) out += " stroke=\"#f3f3f3\"";
    out += "/>";
  }
  for (const axis_tick& t : L.x_ticks) {
    out += "<line";
    attr(out, "y1", L.top);
    attr(out, "y2", bottom);
    attr(out, "x1", L.px(t.value));
    attr(out, "x2", L.px(t.value));
    if (!t.major) out += " stroke=\"#f3f3f3\"";
    out += "/>";
  }
  out += "</g>\n";
  out += "<rect class=\"frame\" fill=\"none\" stroke=\"#999\" stroke-width=\"1\" shape-rendering=\"crispEdges\"";
  attr(out, "x", L.left);
  attr(out, "y", L.top);
  attr(out, "width", L.width);
  attr(out, "height", L.height);
  out += "/>\n";
  out += "<g class=\"axis x\" fill=\"#333\" text-anchor=\"middle\">";
  for (const axis_tick& t : L.x_ticks) {
    out += "<line stroke=\"#999\"";
    attr(out, "x1", L.px(t.value));
    attr(out, "x2", L.px(t.value));
    attr(out, "y1", bottom);
    attr(out, "y2", bottom + (t.major ? 5 : 3));
    out += "/>";
    if (!t.major) continue;
    out += "<text class=\"tick\"";
    attr(out, "data-v", detail::shortest(t.value));
    attr(out, "x", L.px(t.value));
    attr(out, "y", bottom + 17);
    out += ">" + xml_escape(t.label) + "</text>";
  }
  if (!c.x.label.empty()) {
    out += "<text class=\"label\" font-size=\"12\" fill=\"#222\"";
    attr(out, "x", L.left + L.width / 2);
    attr(out, "y", bottom + 36);
    out += ">" + xml_escape(c.x.label + (c.x.scale == axis_scale::log ? " (log)" : "")) + "</text>";
  }
  out += "</g>\n";
  out += "<g class=\"axis y\" fill=\"#333\" text-anchor=\"end\">";
  for (const axis_tick& t : L.y_ticks) {
    out += "<line stroke=\"#999\"";
    attr(out, "x1", L.left - (t.major ? 5 : 3));
    attr(out, "x2", L.left);
    attr(out, "y1", L.py(t.value));
    attr(out, "y2", L.py(t.value));
    out += "/>";
    if (!t.major) continue;
    out += "<text class=\"tick\"";
    attr(out, "data-v", detail::shortest(t.value));
    attr(out, "x", L.left - 8);
    attr(out, "y", L.py(t.value) + 4);
    out += ">" + xml_escape(t.label) + "</text>";
  }
  if (!c.y.label.empty()) {
    const double cx = 15, cy = L.top + L.height / 2;
    out += "<text class=\"label\" font-size=\"12\" fill=\"#222\" text-anchor=\"middle\"";
    attr(out, "transform", "rotate(-90 " + px_text(cx) + " " + px_text(cy) + ")");
    attr(out, "x", cx);
    attr(out, "y", cy);
    out += ">" + xml_escape(c.y.label + (c.y.scale == axis_scale::log ? " (log)" : "")) + "</text>";
  }
  out += "</g>\n";

  // shaded x ranges
  if (!c.regions.empty()) {
    out += "<g class=\"regions\" stroke=\"none\">";
    for (const chart_region& r : c.regions) {
      if (!L.x_usable(r.from) || !L.x_usable(r.to)) continue;
      const double a = std::clamp(std::min(r.from, r.to), L.x_lo, L.x_hi), b = std::clamp(std::max(r.from, r.to), L.x_lo, L.x_hi);
      const double x0 = L.px(a), x1 = L.px(b);
      out += "<rect class=\"region";
      if (!r.kind.empty()) out += " region-" + xml_escape(r.kind);
      out += '"';
      attr(out, "data-from", detail::shortest(r.from));
      attr(out, "data-to", detail::shortest(r.to));
      attr(out, "fill", r.color);
      attr(out, "fill-opacity", detail::general(r.opacity, 3));
      attr(out, "x", x0);
      attr(out, "y", L.top);
      attr(out, "width", std::max(x1 - x0, 1.0));
      attr(out, "height", L.height);
      if (!r.tip.empty() && !o.titles) attr(out, "data-tip", r.tip);
      if (!r.tip.empty() && o.titles) out += "><title>" + xml_escape(r.tip) + "</title></rect>";
      else out += "/>";
      if (!r.label.empty() && x1 - x0 >= detail::text_width(r.label, 10) + 4) {  // only where it fits
        out += "<text font-size=\"10\" text-anchor=\"middle\"";
        attr(out, "fill", r.color);
        attr(out, "x", (x0 + x1) / 2);
        attr(out, "y", L.top + 12);
        out += ">" + xml_escape(r.label) + "</text>";
      }
    }
    out += "</g>\n";
  }
  if (!c.y_guides.empty()) {
    out += "<g class=\"y-guides\" stroke=\"#555\" stroke-width=\"1\" stroke-dasharray=\"3 3\">";
    for (double g : c.y_guides) {
      if (!L.y_usable(g) || g < L.y_lo || g > L.y_hi) continue;
      out += "<line class=\"y-guide\"";
      attr(out, "data-y", detail::shortest(g));
      attr(out, "x1", L.left);
      attr(out, "x2", right);
      attr(out, "y1", L.py(g));
      attr(out, "y2", L.py(g));
      out += "/>";
    }
    out += "</g>\n";
  }

  // guides at the chosen x
  out += "<g class=\"guides\" stroke=\"#777\" stroke-width=\"1\" stroke-dasharray=\"4 4\" fill=\"#555\">";
  for (double g : c.guides) {
    if (!L.x_usable(g) || g < L.x_lo || g > L.x_hi) continue;
    const double gx = L.px(g);
    out += "<line class=\"guide\"";
    attr(out, "data-x", detail::shortest(g));
    attr(out, "x1", gx);
    attr(out, "x2", gx);
    attr(out, "y1", L.top);
    attr(out, "y2", bottom);
    out += "/><text stroke=\"none\" text-anchor=\"middle\" font-size=\"10\"";  // above the plot, clear of the data
    attr(out, "x", gx);
    attr(out, "y", L.top - 4);
    out += ">" + xml_escape(detail::general(g, 4)) + "</text>";
  }
  out += "</g>\n";

  // series
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const chart_series& s = c.series[i];
    const std::string color = s.color.empty() ? series_color(i) : s.color;
    const std::string dash = s.dash.empty() ? series_dash(i) : s.dash;
    out += "<g class=\"series\"";
    attr(out, "data-series", std::to_string(i));
    attr(out, "data-name", s.name);
    attr(out, "fill", color);
    attr(out, "stroke", color);
    out += ">";
    for (const chart_band& b : s.bands) {
      const std::string d = band_path(b, L);
      if (d.empty()) continue;
      out += "<path class=\"band";
      if (!b.kind.empty()) out += " band-" + xml_escape(b.kind);
      out += "\" stroke=\"none\"";
      attr(out, "fill-opacity", detail::general(b.opacity, 3));
      attr(out, "clip-path", "url(#" + clip + ")");
      attr(out, "data-count", std::to_string(b.x.size()));
      attr(out, "d", d);
      out += "/>";
    }
    if (!s.points.empty()) {
      out += "<g class=\"pts\" fill-opacity=\"0.3\" stroke=\"none\">";
      for (const chart_point& p : s.points)
        if (inside(p)) detail::point_mark(out, "pt", p, L.px(p.x), L.py(p.y), 2.6, o);
      out += "</g>";
    }
    const auto paths = line_beziers(s, L);
    if (!paths.empty()) {
      std::string d;
      double last_x = std::numeric_limits<double>::quiet_NaN(), last_y = last_x;
      for (const bezier& b : paths) {
        if (!(std::abs(b.x0 - last_x) < 1e-9 && std::abs(b.y0 - last_y) < 1e-9)) d += "M" + px_text(b.x0) + " " + px_text(b.y0);
        d += "C" + px_text(b.x1) + " " + px_text(b.y1) + " " + px_text(b.x2) + " " + px_text(b.y2) + " " + px_text(b.x3) + " " +
             px_text(b.y3);
        last_x = b.x3;
        last_y = b.y3;
      }
      out += "<path class=\"line\" fill=\"none\" stroke-width=\"2.2\" stroke-linejoin=\"round\"";
      if (!dash.empty()) attr(out, "stroke-dasharray", dash);
      attr(out, "clip-path", "url(#" + clip + ")");
      attr(out, "d", d);
      out += "/>";
    }
    if (!s.polyline.empty()) {
      std::string d;
      bool open = false;
      for (const auto& [x, y] : s.polyline) {
        if (!L.x_usable(x) || !L.y_usable(y)) {
          open = false;
          continue;
        }
        if (!open) d += "M" + px_text(L.px(x)) + " " + px_text(L.py(y));
        else if (s.step) d += "H" + px_text(L.px(x)) + "V" + px_text(L.py(y));
        else d += "L" + px_text(L.px(x)) + " " + px_text(L.py(y));
        open = true;
      }
      out += "<path class=\"polyline\" fill=\"none\" stroke-width=\"1.8\" stroke-linejoin=\"round\"";
      if (!dash.empty()) attr(out, "stroke-dasharray", dash);
      attr(out, "clip-path", "url(#" + clip + ")");
      attr(out, "data-count", std::to_string(s.polyline.size()));
      attr(out, "d", d);
      out += "/>";
    }
    for (const chart_overlay& ov : s.overlays) {
      std::string d;
      bool open = false;
      for (const auto& [x, y] : ov.points) {
        if (!L.x_usable(x) || !L.y_usable(y)) {
          open = false;
          continue;
        }
        d += (open ? "L" : "M") + px_text(L.px(x)) + " " + px_text(L.py(y));
        open = true;
      }
      if (d.empty()) continue;
      out += "<path class=\"overlay";
      if (!ov.kind.empty()) out += " overlay-" + xml_escape(ov.kind);
      out += "\" fill=\"none\" stroke-linejoin=\"round\"";
      attr(out, "stroke-width", ov.width);
      if (!ov.dash.empty()) attr(out, "stroke-dasharray", ov.dash);
      attr(out, "clip-path", "url(#" + clip + ")");
      attr(out, "data-count", std::to_string(ov.points.size()));
      if (!ov.tip.empty() && !o.titles) attr(out, "data-tip", ov.tip);
      attr(out, "d", d);
      if (!ov.tip.empty() && o.titles) out += "><title>" + xml_escape(ov.tip) + "</title></path>";
      else out += "/>";
    }
    if (!s.frontier.empty()) {
      out += "<g class=\"fps\" stroke=\"#fff\" stroke-width=\"1\">";
      for (const chart_point& p : s.frontier)
        if (inside(p)) detail::point_mark(out, "fp", p, L.px(p.x), L.py(p.y), 4.2, o);
      out += "</g>";
    }
    if (!s.markers.empty()) {
      out += "<g class=\"mks\" fill=\"#fff\" stroke-width=\"2.2\">";
      for (const chart_point& p : s.markers)
        if (inside(p)) detail::point_mark(out, "mk", p, L.px(p.x), L.py(p.y), 5.2, o);
      out += "</g>";
    }
    out += "</g>\n";
  }
  if (!L.has_data) {
    out += "<text class=\"empty\" text-anchor=\"middle\" fill=\"#777\" font-size=\"13\"";
    attr(out, "x", L.left + L.width / 2);
    attr(out, "y", L.top + L.height / 2);
    out += ">" + xml_escape(c.empty_note) + "</text>\n";
  }

  // legend
  if (!L.legend_at.empty()) {
    out += "<g class=\"legend\" fill=\"#222\">";
    for (std::size_t i = 0; i < c.series.size() && i < L.legend_at.size(); ++i) {
      const chart_series& s = c.series[i];
      const std::string color = s.color.empty() ? series_color(i) : s.color;
      const std::string dash = s.dash.empty() ? series_dash(i) : s.dash;
      const auto [lx, ly] = L.legend_at[i];
      out += "<g class=\"entry\"";
      attr(out, "data-series", std::to_string(i));
      out += "><line stroke-width=\"2.2\"";
      attr(out, "stroke", color);
      if (!dash.empty()) attr(out, "stroke-dasharray", dash);
      attr(out, "x1", lx);
      attr(out, "x2", lx + 20);
      attr(out, "y1", ly - 4);
      attr(out, "y2", ly - 4);
      out += "/><circle r=\"3.6\" stroke=\"#fff\"";
      attr(out, "fill", color);
      attr(out, "cx", lx + 10);
      attr(out, "cy", ly - 4);
      out += "/><text";
      attr(out, "x", lx + 26);
      attr(out, "y", ly);
      out += ">" + xml_escape(detail::legend_text(s.name)) + "</text></g>";
    }
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

// ---------------------------------------------------------------------------------------------
// Charts of frontiers
// ---------------------------------------------------------------------------------------------

/// An axis label for a column: "Interactivity (tok/s/user)", "Throughput per GPU (tok/s/GPU)",
/// "Cost ($/Mtok)", ...; other columns as "name [unit]".
inline std::string axis_label(column_id c) {
  const column& k = info(c);
  const std::string name(k.name);
  std::string stat;
  for (std::string_view s : {"mean_", "median_", "p90_", "p99_", "p99.9_"})
    if (name.starts_with(s)) stat = std::string(s.substr(0, s.size() - 1));
  const std::string metric = stat.empty() ? name : name.substr(stat.size() + 1);
  const auto with_stat = [&](std::string what, std::string_view unit) {
    if (!stat.empty() && stat != "median") what += ", " + stat;
    return what + " (" + std::string(unit) + ")";
  };
  if (metric == "intvty") return with_stat("Interactivity", "tok/s/user");
  if (metric == "e2el") return with_stat("End-to-end latency", "s");
  if (metric == "ttft") return with_stat("Time to first token", "s");
  if (metric == "tpot") return with_stat("Time per output token", "s");
  if (metric == "itl") return with_stat("Inter-token latency", "s");
  switch (c) {
    case cols::tput_per_gpu: return "Throughput per GPU (tok/s/GPU)";
    case cols::output_tput_per_gpu: return "Output throughput per GPU (tok/s/GPU)";
    case cols::input_tput_per_gpu: return "Input throughput per GPU (tok/s/GPU)";
    case cols::usd_per_mtok: return "Cost per million tokens ($/Mtok)";
    case cols::usd_per_mtok_output: return "Cost per million output tokens ($/Mtok)";
    case cols::usd_per_mtok_input: return "Cost per million input tokens ($/Mtok)";
    case cols::tok_per_s_per_mw: return "Tokens/s per provisioned MW";
    case cols::output_tok_per_s_per_mw: return "Output tokens/s per provisioned MW";
    case cols::j_per_token: return "Provisioned energy per token (J/tok)";
    case cols::tokens_per_usd: return "Tokens per dollar";
    case cols::pct_of_limit: return "pct_of_limit (%)";
    default: break;
  }
  if (k.unit.empty()) return name;
  return name + " [" + std::string(k.unit) + "]";
}

/// A number for people: `significant` digits, k / M / G from 10^4 on, "-" for NaN.
inline std::string chart_number(double v, int significant = 4) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  const double a = std::abs(v);
  if (a >= 1e4) {
    constexpr std::pair<double, const char*> si[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
    for (const auto& [scale, prefix] : si)
      if (a >= scale) return detail::general(v / scale, significant) + " " + prefix;
  }
  if (v == std::floor(v)) return detail::fixed(v, 0);
  return detail::general(v, significant);
}

/// A value with its column's unit: "32.8 k tok/s/GPU", "$0.1234/Mtok", "125 ms".
inline std::string chart_quantity(column_id c, double v, int significant = 4) {
  if (std::isnan(v)) return "-";
  const std::string_view unit = info(c).unit;
  if (unit == "s") {
    if (v != 0 && std::abs(v) < 1) return detail::general(v * 1e3, significant) + " ms";
    return detail::general(v, significant) + " s";
  }
  if (unit.starts_with("$")) return "$" + detail::general(v, significant) + std::string(unit.substr(1));
  const std::string u = unit == "tok/s/gpu" ? std::string("tok/s/GPU") : std::string(unit);
  return chart_number(v, significant) + (u.empty() ? "" : " " + u);
}

/// "tp8", "tp8 ep8 dpa", "1P tp4 + 2D tp8 ep8": a point's parallelism as people write it.
inline std::string parallelism_text(const benchmark_point& p) {
  const auto side = [](const worker_pool& w, const char* role) {
    std::string s = std::to_string(w.num_workers.value_or(1)) + role;
    if (w.tp) s += " tp" + std::to_string(*w.tp);
    if (w.ep && *w.ep > 1) s += " ep" + std::to_string(*w.ep);
    if (w.dp_attention.value_or(false)) s += " dpa";
    return s;
  };
  if (uses_worker_pools(p)) return side(p.prefill, "P") + " + " + side(p.decode, "D");
  std::string s = p.tp ? "tp" + std::to_string(*p.tp) : "";
  if (p.pp && *p.pp > 1) s += " pp" + std::to_string(*p.pp);
  if (p.ep && *p.ep > 1) s += " ep" + std::to_string(*p.ep);
  if (p.dp_attention.value_or(false)) s += " dpa";
  return s.empty() ? "-" : s;
}

/// A point's tooltip: the configuration (parallelism, GPUs, concurrency), image, run, date and
/// source file and row, with the given values first.
inline std::string point_tooltip(const benchmark_point& p, std::string_view system,
                                 std::span<const std::pair<column_id, double>> values, bool on_frontier) {
  std::string t(system);
  t += on_frontier ? "  (on the frontier)" : "";
  for (const auto& [c, v] : values) t += "\n" + axis_label(c).substr(0, axis_label(c).find(" (")) + ": " + chart_quantity(c, v);
  t += "\n" + parallelism_text(p);
  if (p.num_gpus) t += " · " + std::to_string(*p.num_gpus) + " GPUs";
  if (p.concurrency) t += " · concurrency " + std::to_string(*p.concurrency);
  else if (p.request_rate) t += " · rate " + detail::general(*p.request_rate, 4) + " req/s";
  if (!p.image.empty()) t += "\nimage " + p.image;
  if (!p.run.empty() || !p.date.empty()) {
    t += "\n";
    if (!p.run.empty()) t += "run " + p.run;
    if (!p.date.empty()) t += (p.run.empty() ? "" : " · ") + p.date;
  }
  if (!p.source.empty()) {
    t += "\n" + p.source;
    if (p.source_row) t += " row " + std::to_string(*p.source_row);
  }
  return t;
}

/// What frontier_chart draws.
struct frontier_chart_options {
  std::string title, subtitle;     ///< default title: "y against x"
  std::vector<double> at;          ///< markers on every frontier and guides at these x
  /// Prices an economic y when the frontier set has none (and the tooltips' $/Mtok); by default
  /// the set's own.
  std::optional<pricing> price;
  axis_scale x_scale = axis_scale::linear, y_scale = axis_scale::linear;
  bool measured_points = true;     ///< every measured point, faint
  bool legend = true;
  double width = 640, height = 420;
  /// A series' name; default: the system's name.
  std::function<std::string(const system_frontier&)> series_name;
  /// A point's tooltip; default: point_tooltip with the chart's x and y.
  std::function<std::string(const system_frontier&, const benchmark_point&, double x, double y, bool on_frontier)> tooltip;
  /// A point's reference (data-ref); default none.
  std::function<std::int64_t(const benchmark_point&)> ref;
};

namespace detail {

// The transform from a system's throughput curve to an economic y, from the library's formula.
inline std::optional<y_transform> economic_transform(column_id y, const resolved_pricing& pr) {
  const auto one = economic_value_from_throughput(y, 1.0, pr), two = economic_value_from_throughput(y, 2.0, pr);
  if (!one || !two || !(*one > 0)) return std::nullopt;
  return y_transform{*one, *two > *one ? 1.0 : -1.0};
}

}  // namespace detail

/// A chart of every system's frontier in a frontier set: measured points faint, frontier points
/// bold, the curve that at() evaluates, markers at `at`. For an economic y (cost per token,
/// tokens per MW) the line is the system's throughput curve through the economic formula, so
/// chart and at() agree; a system that cannot be priced has no line and says why in its name.
inline chart frontier_chart(const frontier_set& set, const frontier_chart_options& o = {}) {
  const frontier_spec& spec = set.spec();
  chart ch;
  ch.title = o.title.empty() ? axis_label(spec.y).substr(0, axis_label(spec.y).find(" (")) + " vs " +
                                   axis_label(spec.x).substr(0, axis_label(spec.x).find(" ("))
                             : o.title;
  ch.subtitle = o.subtitle;
  ch.x = {axis_label(spec.x), o.x_scale, false, std::nullopt, std::nullopt};
  const bool zero_y = spec.y == cols::tput_per_gpu || spec.y == cols::output_tput_per_gpu || spec.y == cols::input_tput_per_gpu ||
                      info(spec.y).economic();
  ch.y = {axis_label(spec.y), o.y_scale, zero_y, std::nullopt, std::nullopt};
  ch.width = o.width;
  ch.height = o.height;
  ch.legend = o.legend;
  ch.guides = o.at;
  const pricing* price = o.price ? &*o.price : spec.price ? &*spec.price : nullptr;
  const column& ky = info(spec.y);
  const bool through_throughput = ky.economic() && ky.metric != economic_metric::measured_j_per_token;
  std::map<std::string, pricing_result, std::less<>> prices;
  const auto price_of = [&](std::string_view acc) -> const pricing_result* {
    if (!price) return nullptr;
    auto it = prices.find(acc);
    if (it == prices.end()) it = prices.emplace(std::string(acc), price->resolve(acc)).first;
    return &it->second;
  };
  const auto value_of = [&](const row_view& r, column_id c) -> double {
    const column& k = info(c);
    if (!k.economic()) return r.number(c);
    const pricing_result* pr = price_of(r.text(cols::accelerator));
    if (!pr || !*pr) return std::numeric_limits<double>::quiet_NaN();
    return economic_value(c, r.point(), **pr).value_or(std::numeric_limits<double>::quiet_NaN());
  };
  const auto tip = [&](const system_frontier& s, const benchmark_point& p, double x, double y, bool on) {
    if (o.tooltip) return o.tooltip(s, p, x, y, on);
    const std::pair<column_id, double> values[] = {{spec.x, x}, {spec.y, y}};
    return point_tooltip(p, o.series_name ? o.series_name(s) : s.name(), values, on);
  };
  for (const system_frontier& s : set) {
    chart_series cs;
    cs.name = o.series_name ? o.series_name(s) : s.name();
    if (o.measured_points) {
      for (std::size_t i = 0; i < s.rows().size(); ++i) {
        const row_view r = s.rows()[i];
        if (r.number(cols::partial) == 1.0 || r.number(cols::completed) == 0.0) continue;
        const double x = value_of(r, spec.x), y = value_of(r, spec.y);
        if (!std::isfinite(x) || !std::isfinite(y)) continue;
        const benchmark_point p = r.point();
        cs.points.push_back({x, y, tip(s, p, x, y, false), o.ref ? o.ref(p) : -1});
      }
    }
    const auto xs = s.curve().xs(), ys = s.curve().ys();
    for (std::size_t i = 0; i < s.points().size(); ++i) {
      const benchmark_point& p = s.points()[i];
      cs.frontier.push_back({xs[i], ys[i], tip(s, p, xs[i], ys[i], true), o.ref ? o.ref(p) : -1});
    }
    cs.line = s.curve();
    if (through_throughput) {
      cs.line = {};
      const pricing_result* pr = price_of(s.accelerator());
      if (pr && *pr) {
        if (const auto t = detail::economic_transform(spec.y, **pr)) {
          cs.line = s.curve_of(throughput_column(ky.tokens));
          cs.transform = *t;
        }
      } else if (pr) {
        cs.name += " (not priced)";
      }
    }
    for (double x : o.at) {
      const auto op = price ? s.at(x, *price) : s.at(x);
      if (!op || !std::isfinite(op->y)) continue;
      std::string t = cs.name + " at " + chart_quantity(spec.x, x) + ": " + chart_quantity(spec.y, op->y);
      if (spec.y != cols::tput_per_gpu && std::isfinite(op->tput_per_gpu)) t += "\n" + chart_quantity(cols::tput_per_gpu, op->tput_per_gpu);
      if (op->priced()) {
        if (spec.y != cols::usd_per_mtok) t += "\n" + chart_quantity(cols::usd_per_mtok, op->usd_per_mtok);
        if (spec.y != cols::tok_per_s_per_mw) t += "\n" + chart_quantity(cols::tok_per_s_per_mw, op->tok_per_s_per_mw);
      }
      cs.markers.push_back({x, op->y, std::move(t), -1});
    }
    ch.series.push_back(std::move(cs));
  }
  return ch;
}

INFERLENS_END_NAMESPACE
