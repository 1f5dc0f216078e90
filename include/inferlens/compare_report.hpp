// A comparison (compare.hpp) as one self-contained HTML page: per matched system, the baseline's
// and the new frontier with their bootstrap bands (where either side has repeats), the ratio
// curve NEW/BASELINE with the interval of the ratio at every checked x, the gate's range and the
// regions that regressed, lost coverage or improved shaded, and the verdict. Systems on one side
// only are listed. Inline SVG and CSS, no network, no external file (report.hpp's page).
//
//   const inferlens::comparison c = inferlens::compare(base, next, {.range = {50, 200}});
//   inferlens::write_file("compare.html", inferlens::html_compare_report(c));
//
// Needs Eigen through compare.hpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inferlens/chart.hpp"
#include "inferlens/compare.hpp"
#include "inferlens/report.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// What html_compare_report shows.
struct compare_report_options {
  std::string title = "inferlens compare";
  std::vector<std::string> made_from;  ///< lines under the title: the command, the inputs
  std::string base_name = "baseline", next_name = "new";
  double chart_width = 600, chart_height = 380;
};

namespace detail::cmp_report {

inline const char* base_color = "#0072B2";
inline const char* next_color = "#D55E00";

inline std::string region_color(verdict v) {
  switch (v) {
    case verdict::regressed: return "#C0392B";
    case verdict::coverage_lost: return "#8E44AD";
    case verdict::improved: return "#1E8449";
    case verdict::inconclusive: return "#B7950B";
    default: return "#999";
  }
}

inline std::string kind_of(verdict v) {
  std::string k(to_string(v));
  std::replace(k.begin(), k.end(), ' ', '-');
  return k;
}

// The gate's range and every region of the system as shaded strips.
inline std::vector<chart_region> regions_of(const system_comparison& s, const compare_options& o) {
  std::vector<chart_region> out;
  if (o.range.valid()) out.push_back({o.range.lo, o.range.hi, "gate", "#777", 0.08, "gate", "gate range " + detail::cmp::range_text(std::optional<interval>(o.range))});
  for (const gate_region& r : s.regions) {
    if (!(r.to >= r.from)) continue;
    chart_region cr;
    cr.from = r.from;
    cr.to = r.to;
    cr.kind = kind_of(r.status);
    cr.color = region_color(r.status);
    cr.opacity = 0.16;
    cr.label = std::string(to_string(r.status));
    cr.tip = std::string(to_string(r.status)) + " over " + detail::cmp::bare_span(r.from, r.to, s.x) + "; worst at " +
             detail::cmp::with_unit(r.worst.x, s.x) + ": " + detail::cmp::percent(r.worst.gain - 1);
    out.push_back(std::move(cr));
  }
  for (const interval& l : s.lost)
    if (l.valid()) out.push_back({l.lo, l.hi, "lost", region_color(verdict::coverage_lost), 0.10, "", "the new frontier does not reach " + detail::cmp::bare_span(l.lo, l.hi, s.x)});
  return out;
}

inline std::string config_tip(const std::string& side, const configuration_stats& c, column_id x, column_id y) {
  std::string t = side + ": " + c.label + (c.on_frontier ? "  (on the frontier)" : "");
  const auto one = [&](column_id k, const estimate& e) {
    t += "\n" + std::string(name_of(k)) + ": " + chart_quantity(k, e.mean);
    if (e.has_interval()) t += " [" + chart_quantity(k, e.lo) + ", " + chart_quantity(k, e.hi) + "]";
  };
  one(x, c.x);
  one(y, c.y);
  t += "\n" + std::to_string(c.runs.size()) + " run" + (c.runs.size() == 1 ? "" : "s");
  if (c.dropped) t += ", " + std::to_string(c.dropped) + " rows left out";
  return t;
}

inline chart_series side_series(const std::string& name, const char* color, const side_summary& s, column_id x, column_id y) {
  chart_series cs;
  cs.name = name;
  cs.color = color;
  cs.dash = "";
  for (const configuration_stats& c : s.configurations) {
    if (!std::isfinite(c.x.mean) || !std::isfinite(c.y.mean)) continue;
    cs.points.push_back({c.x.mean, c.y.mean, config_tip(name, c, x, y), -1});
  }
  const auto xs = s.frontier.curve().xs(), ys = s.frontier.curve().ys();
  for (std::size_t i = 0; i < xs.size(); ++i) cs.frontier.push_back({xs[i], ys[i], name + " frontier\n" + chart_quantity(x, xs[i]) + ": " + chart_quantity(y, ys[i]), -1});
  cs.line = s.frontier.curve();
  if (!s.band.empty()) {
    chart_band b;
    b.kind = "bootstrap";
    for (const band_point& p : s.band) {
      b.x.push_back(p.x);
      b.low.push_back(p.lo);
      b.high.push_back(p.hi);
    }
    cs.bands.push_back(std::move(b));
  }
  return cs;
}

}  // namespace detail::cmp_report

/// The chart of one system's two frontiers: measured configurations (means over repeats) faint,
/// frontiers bold, each side's bootstrap band as a translucent area, the gate's range and the
/// regions shaded. Series 0 is the baseline, 1 the new results (either may be absent).
inline chart comparison_frontier_chart(const system_comparison& s, const compare_options& o, const compare_report_options& ro = {}) {
  namespace R = detail::cmp_report;
  chart ch;
  ch.title = axis_label(s.y).substr(0, axis_label(s.y).find(" (")) + ": " + ro.base_name + " and " + ro.next_name;
  ch.x = {axis_label(s.x), axis_scale::linear, false, std::nullopt, std::nullopt};
  ch.y = {axis_label(s.y), axis_scale::linear, s.y == cols::tput_per_gpu || info(s.y).economic(), std::nullopt, std::nullopt};
  ch.width = ro.chart_width;
  ch.height = ro.chart_height;
  ch.guides = o.at;
  ch.regions = R::regions_of(s, o);
  if (s.base) ch.series.push_back(R::side_series(ro.base_name, R::base_color, *s.base, s.x, s.y));
  if (s.next) ch.series.push_back(R::side_series(ro.next_name, R::next_color, *s.next, s.x, s.y));
  return ch;
}

/// The ratio NEW/BASELINE of one system against x: the ratio curve, the interval of the ratio at
/// every checked x as a band (with repeats), each checked x as a point with its verdict, the
/// tolerance as a grey band around 1, the gate's range and the regions shaded.
inline chart comparison_ratio_chart(const system_comparison& s, const compare_options& o, const compare_report_options& ro = {}) {
  namespace R = detail::cmp_report;
  chart ch;
  ch.title = "Ratio " + ro.next_name + " / " + ro.base_name;
  ch.x = {axis_label(s.x), axis_scale::linear, false, std::nullopt, std::nullopt};
  ch.y = {"ratio of " + std::string(name_of(s.y)) + (s.y_sense == sense::minimize ? " (lower is better)" : ""), axis_scale::linear,
          false, std::nullopt, std::nullopt};
  ch.width = ro.chart_width;
  ch.height = ro.chart_height;
  ch.guides = o.at;
  ch.y_guides = {1.0};
  ch.regions = R::regions_of(s, o);
  chart_series cs;
  cs.name = ro.next_name + " / " + ro.base_name;
  cs.color = "#333";
  cs.dash = "";
  for (const ratio_point& r : s.ratios) cs.polyline.emplace_back(r.x, r.ratio);
  // The tolerance around 1, over the common range.
  if (!s.ratios.empty()) {
    chart_band tol;
    tol.kind = "tolerance";
    tol.opacity = 0.10;
    for (double x : {s.ratios.front().x, s.ratios.back().x}) {
      tol.x.push_back(x);
      tol.low.push_back(1 - s.tolerance);
      tol.high.push_back(1 + s.tolerance);
    }
    if (tol.x[0] < tol.x[1]) cs.bands.push_back(std::move(tol));
  }
  // The interval of the ratio at the checked x (the gain's, turned back into next / base).
  chart_band iv;
  iv.kind = "ratio-interval";
  iv.opacity = 0.25;
  for (const gate_point& p : s.checked) {
    if (!std::isfinite(p.ratio)) continue;
    std::string tip = "at " + chart_quantity(s.x, p.x) + ": ratio " + detail::general(p.ratio, 4) + " (" + std::string(to_string(p.status)) + ")";
    if (p.has_interval()) {
      double lo = p.lo, hi = p.hi;
      if (s.y_sense == sense::minimize) {
        lo = p.hi > 0 ? 1 / p.hi : detail::cmp::nan_value;
        hi = p.lo > 0 ? 1 / p.lo : detail::cmp::nan_value;
      }
      iv.x.push_back(p.x);
      iv.low.push_back(lo);
      iv.high.push_back(hi);
      tip += "\ninterval [" + detail::general(lo, 4) + ", " + detail::general(hi, 4) + "]";
    }
    (p.status == verdict::unchanged ? cs.points : cs.frontier).push_back({p.x, p.ratio, std::move(tip), -1});
  }
  if (!iv.empty()) cs.bands.push_back(std::move(iv));
  ch.series.push_back(std::move(cs));
  return ch;
}

/// The comparison as one self-contained HTML page.
inline std::string html_compare_report(const comparison& c, const compare_report_options& ro = {}) {
  using detail::html;
  namespace R = detail::cmp_report;
  const detail::tip_table tips;
  std::string body;
  std::vector<std::pair<std::string, std::string>> nav;
  std::size_t matched = 0;
  std::string one_sided;
  for (std::size_t i = 0; i < c.systems.size(); ++i) {
    const system_comparison& s = c.systems[i];
    if (!s.base || !s.next) {
      one_sided += "<tr data-system=\"" + html(s.name) + "\"><td class=\"l\">" + html(s.name) + "</td><td class=\"l\">" +
                   html(to_string(s.result)) + (s.failed ? " (fails the gate)" : "") + "</td></tr>\n";
      continue;
    }
    ++matched;
    const std::string id = "s" + std::to_string(matched);
    nav.emplace_back(id, s.name);
    body += "<section class=\"panel system\" id=\"" + id + "\" data-system=\"" + html(s.name) + "\" data-verdict=\"" +
            html(to_string(s.result)) + "\" data-failed=\"" + (s.failed ? "true" : "false") + "\">\n";
    body += "<h2>" + html(s.name) + "</h2>\n";
    body += "<p class=\"verdict" + std::string(s.failed ? " warn" : "") + "\"><strong>" + html(to_string(s.result)) + "</strong>" +
            (s.failed ? " — fails the gate" : "") + ": " + html(s.description()) + "</p>\n";
    std::string facts;
    if (s.lowest) facts += "lowest ratio " + detail::general(s.lowest->ratio, 4) + " at " + chart_quantity(s.x, s.lowest->x);
    if (s.highest) facts += (facts.empty() ? "" : " · ") + std::string("highest ") + detail::general(s.highest->ratio, 4) + " at " + chart_quantity(s.x, s.highest->x);
    facts += (facts.empty() ? "" : " · ") + std::string("baseline range ") + detail::cmp::range_text(s.base_range) + ", new " +
             detail::cmp::range_text(s.next_range);
    facts += std::string(" · bands: ") + (s.base->has_repeats() || s.next->has_repeats() ? "bootstrap over repeats" : "none (no repeats)");
    body += "<p class=\"sub\">" + html(facts) + "</p>\n";
    for (const std::string& n : s.notes) body += "<p class=\"note\">" + html(n) + "</p>\n";
    body += "<div class=\"charts\">\n";
    {
      chart lin = comparison_frontier_chart(s, c.options, ro), log = lin;
      log.x.scale = log.y.scale = axis_scale::log;
      log.y.include_zero = false;
      body += detail::figure_html(id + "-frontier", "frontier", std::move(lin), std::move(log),
                                  "faint: configurations (means over repeats); bold: frontiers; shaded: bootstrap bands");
    }
    {
      chart lin = comparison_ratio_chart(s, c.options, ro), log = lin;
      log.x.scale = axis_scale::log;
      body += detail::figure_html(id + "-ratio", "ratio", std::move(lin), std::move(log),
                                  "dashed: ratio 1; grey: ±" + detail::cmp::share(s.tolerance) + " tolerance; dark: interval at checked x");
    }
    body += "</div>\n";
    if (!s.regions.empty()) {
      body += "<table class=\"regions\"><thead><tr><th class=\"l\">verdict</th><th class=\"l\">over</th><th>checked x</th><th>worst</th></tr></thead><tbody>\n";
      for (const gate_region& r : s.regions)
        body += "<tr class=\"region-" + html(R::kind_of(r.status)) + "\"><td class=\"l\">" + html(to_string(r.status)) + "</td><td class=\"l\">" +
                html(detail::cmp::bare_span(r.from, r.to, s.x)) + "</td><td>" + std::to_string(r.points) + "</td><td>" +
                html(detail::cmp::percent(r.worst.gain - 1)) + " at " + html(chart_quantity(s.x, r.worst.x)) + "</td></tr>\n";
      body += "</tbody></table>\n";
    }
    body += "</section>\n";
  }
  if (!one_sided.empty()) {
    nav.emplace_back("one-sided", "On one side only");
    body += "<section class=\"panel\" id=\"one-sided\"><h2>Systems on one side only</h2>\n<table class=\"one-sided\"><thead><tr>"
            "<th class=\"l\">system</th><th class=\"l\">verdict</th></tr></thead><tbody>\n" +
            one_sided + "</tbody></table></section>\n";
  }

  std::string out = detail::page_head(ro.title);
  out += detail::page_bar(ro.title);
  out += "<main>\n" + detail::page_nav(nav) + "<p class=\"meta\">";
  out += std::string(c.passed() ? "passed" : "FAILED") + " · " + html(c.description());
  out += "<br>gate: " + html(c.gate_text()) + " · tolerance " + html(detail::cmp::share(c.options.tolerance));
  out += "<br>" + html(ro.base_name) + ": " + std::to_string(c.baseline.rows) + " rows from " + std::to_string(c.baseline.files) +
         " files · " + html(ro.next_name) + ": " + std::to_string(c.candidate.rows) + " rows from " + std::to_string(c.candidate.files) + " files";
  out += "<br>uncertainty: " + html(c.uncertainty);
  for (const std::string& m : ro.made_from) out += "<br><code>" + html(m) + "</code>";
  out += "</p>\n";
  out += "<p class=\"meta\" data-matched=\"" + std::to_string(matched) + "\">" + std::to_string(matched) + " matched system" +
         (matched == 1 ? "" : "s") + ". Made by inferlens " INFERLENS_VERSION_STRING ".</p>\n";
  if (matched == 0 && one_sided.empty())
    out += "<section class=\"panel\"><h2>No systems</h2><p class=\"note\">Neither side holds a system.</p></section>\n";
  out += body;
  out += "</main>\n";
  out += detail::page_tail(tips);
  return out;
}

INFERLENS_END_NAMESPACE
