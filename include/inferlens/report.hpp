// One self-contained HTML report of result tables and of a load generator's sweep. No network,
// no CDN, no external file: the charts are inline SVG (chart.hpp), the styles inline CSS, and a
// small plain script adds tooltips, legend toggles and a self-check; without the script the
// page still shows every chart, table and the linear/log switch (pure CSS).
//
//   const auto results = inferlens::load("agg_bmk");
//   inferlens::report_options o;                        // --at 50,100,200, hyperscaler pricing
//   inferlens::write_file("report.html", inferlens::html_report(results, o));
//
// Per workload (model × ISL/OSL × precision): throughput per GPU, cost per million tokens and
// tokens/s per MW against interactivity, and throughput per GPU against end-to-end latency, for
// every system; a ranking at each chosen interactivity (the same numbers as
// system_frontier::at()); then an inventory of files, runs, engine images, prices and the rows
// on no frontier with their reasons.
//
// bench_report_html() is the same page for one sweep of the load generator: its frontier, the
// latency distributions of every point (CDFs of TTFT, TPOT, ITL, E2EL) and its timeline
// (requests in flight, output tokens/s), from plain structs the sweep fills.
#pragma once

#include <algorithm>
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
#include <tuple>
#include <utility>
#include <vector>

#include "inferlens/chart.hpp"
#include "inferlens/columns.hpp"
#include "inferlens/detail/text.hpp"
#include "inferlens/frontier.hpp"
#include "inferlens/limits.hpp"
#include "inferlens/pricing.hpp"
#include "inferlens/record.hpp"
#include "inferlens/stats.hpp"
#include "inferlens/table.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE

/// What a report shows.
struct report_options {
  std::string title = "inferlens report";
  /// Interactivities (tok/s/user) at which frontiers are read, marked and ranked.
  std::vector<double> at{50, 100, 200};
  /// How GPUs are priced and powered for $/Mtok and tok/s/MW; none leaves those charts out.
  std::optional<pricing> price = pricing::preset(tier::hyperscaler);
  interpolation kind = interpolation::steffen;
  /// What a workload is (one section of charts each).
  std::vector<column_id> workload_by{cols::model, cols::isl, cols::osl, cols::precision};
  /// What a system is (one series each): InferenceMAX's system columns by default.
  std::vector<column_id> group_by{std::begin(system_columns), std::end(system_columns)};
  /// Lines shown under the title: how the report was made (the command, the inputs).
  std::vector<std::string> made_from;
  double chart_width = 600, chart_height = 380;
  /// Draw, per system in the throughput chart, its physical bound (limits.hpp) as a dashed line
  /// in its colour: the upper envelope of the bounds of the system's configurations, over its
  /// measured interactivities; tooltips then show each point's pct_of_limit (and say when a
  /// point is above its bound).
  bool limits = false;
  /// More curves per system in the throughput chart (e.g. a calibrated prediction with its band,
  /// predict_report.hpp): called with each system and its series (linear and log charts alike).
  std::function<void(const system_frontier&, chart_series&)> tput_overlay;
};

/// The physical bound of a system drawn over its measured interactivities: at `samples`
/// log-spaced x between its lowest and highest measured interactivity (and at each frontier
/// point's x), the highest bound (limits.hpp) of the configurations among its rows. Rows that
/// cannot be bounded are left out; no configuration that can: no samples.
inline std::vector<std::pair<double, double>> system_bound_samples(const system_frontier& s, std::size_t samples = 64) {
  std::vector<std::pair<double, double>> out;
  std::vector<limit_bound> bounds;
  std::vector<std::string> seen;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::size_t i = 0; i < s.rows().size(); ++i) {
    const benchmark_point p = s.rows().point(i);
    if (p.intvty.median && *p.intvty.median > 0) {
      lo = std::min(lo, *p.intvty.median);
      hi = std::max(hi, *p.intvty.median);
    }
    limit_config c;
    try {
      c = config_of(p);
    } catch (const input_error&) {
      continue;
    }
    const std::string key = c.model + "|" + c.accelerator + "|" + c.precision + "|" + std::to_string(c.tp) + "|" + std::to_string(c.pp) +
                            "|" + std::to_string(c.ep) + "|" + (c.dp_attention ? "1" : "0") + "|" + std::to_string(c.isl) + "|" +
                            std::to_string(c.osl) + "|" + detail::shortest(c.tokens_per_step) + "|" + std::to_string(c.prefill_gpus) + "|" +
                            std::to_string(c.decode_gpus) + "|" + std::to_string(c.decode_gpus_per_worker);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    try {
      limit_bound b = bound(c);
      if (!b.empty()) bounds.push_back(std::move(b));
    } catch (const input_error&) {
    }
  }
  if (bounds.empty() || !(lo <= hi) || !(lo > 0)) return out;
  std::vector<double> xs;
  const std::size_t n = lo == hi ? 1 : std::max<std::size_t>(samples, 2);
  for (std::size_t i = 0; i < n; ++i)
    xs.push_back(i + 1 == n && n > 1 ? hi : lo * std::pow(hi / lo, static_cast<double>(i) / static_cast<double>(n > 1 ? n - 1 : 1)));
  for (double x : s.curve().xs())
    if (x >= lo && x <= hi) xs.push_back(x);
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  for (double x : xs) {
    double best = -1;
    for (const limit_bound& b : bounds)
      if (const auto at = b.at(x)) best = std::max(best, at->tput_per_gpu);
    if (best > 0) out.emplace_back(x, best);
  }
  return out;
}

namespace detail {

// ---- HTML and JSON text ---------------------------------------------------------------------

inline std::string html(std::string_view s) { return xml_escape(s); }

// A JSON string for a <script type="application/json"> block: no "</", no "://".
inline std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      case ':': out += s.substr(i, 3) == "://" ? "\\u003a" : ":"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          constexpr char hex[] = "0123456789abcdef";
          out += "\\u00";
          out += hex[(c >> 4) & 0xF];
          out += hex[c & 0xF];
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

inline std::string basename_of(std::string_view path) {
  const auto slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// ---- the page's styles and script ------------------------------------------------------------

inline constexpr std::string_view report_css = R"css(
:root{--fg:#1d1f23;--muted:#5d6470;--line:#dfe2e6;--panel:#fff;--bg:#f4f5f7;--accent:#0072B2}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;color:var(--fg);background:var(--bg)}
.bar{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;align-items:center;gap:8px 24px;padding:8px 24px;background:#fff;border-bottom:1px solid var(--line)}
.bar h1{font-size:18px;margin:0;font-weight:650}
.bar .switch{display:flex;align-items:center;gap:6px;font-size:13px;color:var(--muted)}
.bar .switch label{border:1px solid #c9ced6;padding:2px 10px;border-radius:4px;cursor:pointer;color:var(--fg);background:#fff;user-select:none}
nav.toc{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:13px;margin:8px 0 0}
nav.toc a{color:var(--accent);text-decoration:none}
nav.toc a:hover{text-decoration:underline}
input.scale{position:absolute;opacity:0;pointer-events:none}
#scale-lin:checked~.bar label[for=scale-lin],#scale-log:checked~.bar label[for=scale-log]{background:#1d1f23;color:#fff;border-color:#1d1f23}
#scale-lin:focus-visible~.bar label[for=scale-lin],#scale-log:focus-visible~.bar label[for=scale-log]{outline:2px solid var(--accent)}
#scale-lin:checked~main .v-log,#scale-log:checked~main .v-lin{display:none}
main{max-width:1320px;margin:0 auto;padding:12px 24px 48px}
.meta{color:var(--muted);font-size:12.5px;margin:6px 0 0}
.meta code{font-size:12px}
section.panel{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:14px 20px 18px;margin:16px 0;scroll-margin-top:56px}
section.panel>h2{font-size:17px;margin:0 0 2px}
section.panel h3{font-size:14.5px;margin:14px 0 6px}
.sub{color:var(--muted);font-size:12.5px;margin:0 0 8px}
.legend{display:flex;flex-wrap:wrap;gap:6px 8px;margin:8px 0 6px}
.legend button{display:inline-flex;align-items:center;gap:6px;border:1px solid #cfd4da;background:#fff;border-radius:14px;padding:2px 10px 2px 8px;font:inherit;font-size:12.5px;cursor:pointer;color:var(--fg)}
.legend button.off{opacity:.45;text-decoration:line-through}
.sw{display:inline-block;width:22px;height:0;border-top:3px solid;position:relative;vertical-align:middle}
.sw::after{content:"";position:absolute;left:7px;top:-6px;width:8px;height:8px;border-radius:50%;background:currentColor}
.charts{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:10px 22px}
figure.chart{margin:0;min-width:0}
figure.chart svg{display:block;width:100%;height:auto}
figure.chart figcaption{font-size:12px;color:var(--muted);margin:0 0 6px 12px}
g.series.off{display:none}
.pt,.fp,.mk{cursor:pointer}
.pt:hover,.fp:hover,.mk:hover{stroke:#111;stroke-width:1.5}
.rank{display:grid;grid-template-columns:repeat(auto-fit,minmax(390px,1fr));gap:4px 22px}
table{border-collapse:collapse;font-size:13px;width:100%}
th,td{padding:3px 7px;border-bottom:1px solid #edf0f2;text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
th{font-weight:600;color:#3b4048;border-bottom:1px solid #cfd4da;font-size:12.5px}
td.l,th.l{text-align:left;white-space:normal}
td.muted{color:var(--muted)}
caption{text-align:left;font-weight:600;padding:4px 0;font-size:13.5px}
.scroll{overflow-x:auto}
.note{color:var(--muted);font-size:12.5px}
.warn{color:#9a3b00}
#tooltip{position:fixed;z-index:20;display:none;pointer-events:none;max-width:480px;padding:7px 9px;border-radius:5px;background:rgba(22,24,28,.95);color:#fff;font-size:12px;line-height:1.4;white-space:pre-wrap;box-shadow:0 2px 8px rgba(0,0,0,.25)}
#script-errors{white-space:pre-wrap;color:#9a0000;background:#fff3f3;border:1px solid #e3b4b4;padding:8px;margin:12px 24px}
@media (max-width:1020px){.charts{grid-template-columns:1fr}.bar{padding:8px 12px}main{padding:8px 12px 32px}}
@media print{
 @page{size:A4 landscape;margin:10mm}
 body{background:#fff;font-size:10.5pt}
 .bar{position:static;border:none;padding:0 0 4px}
 nav.toc,.bar .switch,#tooltip,.legend button.off{display:none}
 main{max-width:none;padding:0}
 section.panel{border:none;padding:0;margin:0 0 8mm;break-before:page}
 section.panel:first-of-type{break-before:auto}
 figure.chart,table,.legend{break-inside:avoid}
 .charts{grid-template-columns:1fr 1fr;gap:4mm 8mm}
 .rank{grid-template-columns:1fr 1fr}
 table{font-size:8.5pt}
 th,td{padding:2px 5px}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
)css";

inline constexpr std::string_view report_js = R"js(
(function () {
  'use strict';
  var root = document.documentElement;
  function fail(msg) {
    var box = document.getElementById('script-errors');
    if (box) { box.hidden = false; box.textContent += msg + '\n'; }
    root.setAttribute('data-script', 'error');
  }
  window.addEventListener('error', function (e) { fail('error: ' + e.message + (e.lineno ? ' (line ' + e.lineno + ')' : '')); });
  try {
    if (/[?&]axes=log\b/.test(window.location.search)) document.getElementById('scale-log').checked = true;
    var tips = JSON.parse(document.getElementById('tips').textContent);
    var tip = document.getElementById('tooltip');
    function textOf(el) {
      var r = el.getAttribute('data-ref'), t = el.getAttribute('data-tip');
      if (t === null && r !== null) t = tips[+r];
      if (t === null || t === undefined) return null;
      if (r !== null && el.classList.contains('fp')) t = t.replace(/\n/, '  (on this chart\u2019s frontier)\n');
      return t;
    }
    function place(e) {
      var w = tip.offsetWidth, h = tip.offsetHeight, x = e.clientX + 14, y = e.clientY + 14;
      if (x + w > window.innerWidth - 8) x = Math.max(8, e.clientX - w - 14);
      if (y + h > window.innerHeight - 8) y = Math.max(8, e.clientY - h - 14);
      tip.style.left = x + 'px'; tip.style.top = y + 'px';
    }
    document.addEventListener('mouseover', function (e) {
      var el = e.target;
      if (!el || !el.getAttribute) return;
      var t = textOf(el);
      if (t === null) return;
      tip.textContent = t; tip.style.display = 'block'; place(e);
    });
    document.addEventListener('mousemove', function (e) { if (tip.style.display === 'block') place(e); });
    document.addEventListener('mouseout', function (e) { if (e.target && e.target.getAttribute && textOf(e.target) !== null) tip.style.display = 'none'; });
    document.querySelectorAll('.legend button').forEach(function (b) {
      b.addEventListener('click', function () {
        var off = b.classList.toggle('off');
        b.setAttribute('aria-pressed', off ? 'false' : 'true');
        var sec = b.closest('section');
        sec.querySelectorAll('g.series[data-series="' + b.getAttribute('data-series') + '"]').forEach(function (g) { g.classList.toggle('off', off); });
      });
    });
    var marks = 0, missing = 0;
    document.querySelectorAll('.pt,.fp,.mk').forEach(function (el) { marks++; if (textOf(el) === null) missing++; });
    root.setAttribute('data-charts', String(document.querySelectorAll('figure.chart').length));
    var shown = document.querySelector('figure.chart svg.v-log');
    root.setAttribute('data-axes', shown && window.getComputedStyle(shown).display !== 'none' ? 'log' : 'linear');
    root.setAttribute('data-marks', String(marks));
    if (missing) fail(missing + ' marks without a tooltip');
    if (root.getAttribute('data-script') !== 'error') root.setAttribute('data-script', 'ok');
  } catch (err) {
    fail('error: ' + (err && err.message ? err.message : String(err)));
  }
})();
)js";

// ---- pieces ------------------------------------------------------------------------------------

// Collects tooltips referenced by data-ref.
struct tip_table {
  std::vector<std::string> tips;
  std::int64_t add(std::string t) {
    tips.push_back(std::move(t));
    return static_cast<std::int64_t>(tips.size() - 1);
  }
  std::string json() const {
    std::string out = "[";
    for (std::size_t i = 0; i < tips.size(); ++i) {
      if (i) out += ",\n";
      out += json_string(tips[i]);
    }
    return out + "]";
  }
};

// A figure with the chart twice: linear axes and log axes (the page's switch shows one).
inline std::string figure_html(const std::string& id, const std::string& kind, chart lin, chart log, const std::string& caption) {
  std::string out = "<figure class=\"chart\" data-kind=\"" + html(kind) + "\" id=\"" + html(id) + "\">";
  if (!caption.empty()) lin.subtitle = log.subtitle = caption;
  svg_options so;
  so.standalone = false;
  so.titles = false;
  so.id = id + "-lin";
  so.css_class = "v-lin";
  out += to_svg(lin, so);
  so.id = id + "-log";
  so.css_class = "v-log";
  out += to_svg(log, so);
  return out + "</figure>\n";
}

inline std::string legend_html(std::span<const std::string> names) {
  std::string out = "<div class=\"legend\" role=\"group\" aria-label=\"series (click to hide or show)\">";
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string dash = series_dash(i);
    out += "<button type=\"button\" aria-pressed=\"true\" data-series=\"" + std::to_string(i) + "\" title=\"hide or show\">";
    out += "<span class=\"sw\" style=\"color:" + series_color(i) + ";border-top-style:" + (dash.empty() ? "solid" : "dashed") +
           "\"></span>" + html(names[i]) + "</button>";
  }
  return out + "</div>\n";
}

inline std::string page_head(std::string_view title) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"generator\" content=\"inferlens " INFERLENS_VERSION_STRING "\">\n";
  out += "<title>" + html(title) + "</title>\n<style>" + std::string(report_css) + "</style>\n</head>\n<body>\n";
  out += "<input type=\"radio\" name=\"scale\" id=\"scale-lin\" class=\"scale\" checked>";
  out += "<input type=\"radio\" name=\"scale\" id=\"scale-log\" class=\"scale\">\n";
  return out;
}

inline std::string page_bar(std::string_view title) {
  std::string out = "<div class=\"bar\"><h1>" + html(title) + "</h1>";
  out += "<div class=\"switch\" title=\"linear or logarithmic axes on every chart\">axes <label for=\"scale-lin\">linear</label>"
         "<label for=\"scale-log\">log</label></div>";
  return out + "</div>\n";
}

inline std::string page_nav(const std::vector<std::pair<std::string, std::string>>& nav) {
  std::string out = "<nav class=\"toc\" aria-label=\"sections\">";
  for (const auto& [anchor, text] : nav) out += "<a href=\"#" + html(anchor) + "\">" + html(text) + "</a>";
  return out + "</nav>\n";
}

inline std::string page_tail(const tip_table& tips) {
  std::string out = "<div id=\"tooltip\" role=\"tooltip\"></div>\n<pre id=\"script-errors\" hidden></pre>\n";
  out += "<script type=\"application/json\" id=\"tips\">" + tips.json() + "</script>\n";
  out += "<script>" + std::string(report_js) + "</script>\n</body>\n</html>\n";
  return out;
}

// The system part of a key: accelerator, framework, speculative decoding, then any other key
// column that is not a workload column.
inline std::string system_label(const system_key& key, std::span<const column_id> workload_by) {
  std::string out;
  const auto add = [&](const std::string& v) {
    if (v.empty()) return;
    if (!out.empty()) out += ' ';
    out += v;
  };
  const auto in_workload = [&](column_id c) { return std::find(workload_by.begin(), workload_by.end(), c) != workload_by.end(); };
  if (!in_workload(cols::accelerator)) add(key.contains(cols::accelerator) ? key[cols::accelerator] : key[cols::hw]);
  if (!in_workload(cols::framework)) add(key[cols::framework]);
  if (!in_workload(cols::spec_decoding))
    if (const std::string s = key[cols::spec_decoding]; s != "none") add(s);
  static constexpr column_id named[] = {cols::accelerator, cols::hw, cols::framework, cols::spec_decoding};
  for (std::size_t i = 0; i < key.columns().size(); ++i) {
    const column_id c = key.columns()[i];
    if (in_workload(c) || std::find(std::begin(named), std::end(named), c) != std::end(named)) continue;
    const std::string v = to_string(key.values()[i]);
    add(std::string(name_of(c)) + "=" + (v.empty() ? "-" : v));
  }
  return out.empty() ? key.label() : out;
}

inline std::string workload_label(const std::vector<cell>& key, std::span<const column_id> by) {
  std::string out;
  std::string isl, osl;
  for (std::size_t i = 0; i < by.size() && i < key.size(); ++i) {
    const std::string v = to_string(key[i]);
    if (by[i] == cols::isl) { isl = v; continue; }
    if (by[i] == cols::osl) {
      osl = v;
      continue;
    }
    if (v.empty()) continue;
    out += (out.empty() ? "" : " · ") + v;
  }
  if (!isl.empty() || !osl.empty()) {
    const std::string io = (isl.empty() ? "?" : isl) + "/" + (osl.empty() ? "?" : osl);
    const auto first = out.find(" · ");
    out = first == std::string::npos ? (out.empty() ? io : out + " · " + io) : out.substr(0, first) + " · " + io + out.substr(first);
  }
  return out.empty() ? std::string("all rows") : out;
}

// A key identifying a row across the table and its frontier points.
inline std::string row_key(const benchmark_point& p) {
  return p.source + '\x1f' + (p.source_row ? std::to_string(*p.source_row) : std::string("?")) + '\x1f' + p.run + '\x1f' +
         shortest(p.tput_per_gpu.value_or(-1)) + '\x1f' + shortest(p.intvty.median.value_or(-1));
}

inline std::string num_cell(double v, std::string text, const char* cls = nullptr) {
  std::string out = "<td";
  if (cls) out += std::string(" class=\"") + cls + "\"";
  if (std::isfinite(v)) out += " data-v=\"" + shortest(v) + "\"";
  return out + ">" + html(text) + "</td>";
}

inline std::string money(double v) { return std::isfinite(v) ? "$" + general(v, 4) : std::string("-"); }

// Reorders a chart's series (one per system of `set`, in set order) into `order` (indices into
// the set) and gives each its colour by position.
inline void order_series(chart& c, const std::vector<std::size_t>& order) {
  std::vector<chart_series> out;
  out.reserve(order.size());
  for (std::size_t i : order)
    if (i < c.series.size()) out.push_back(std::move(c.series[i]));
  c.series = std::move(out);
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    c.series[i].color = series_color(i);
    c.series[i].dash = series_dash(i);
  }
}

inline std::vector<std::size_t> matching_order(const frontier_set& set, const std::vector<const system_frontier*>& order) {
  std::vector<std::size_t> out;
  for (const system_frontier* s : order)
    for (std::size_t i = 0; i < set.size(); ++i)
      if (set[i].key() == s->key()) {
        out.push_back(i);
        break;
      }
  return out;
}

inline void add_skips(std::vector<skipped_rows>& into, std::span<const skipped_rows> from) {
  for (const skipped_rows& s : from) {
    auto it = std::find_if(into.begin(), into.end(), [&](const skipped_rows& k) { return k.reason == s.reason; });
    if (it == into.end()) {
      into.push_back(s);
      continue;
    }
    it->rows += s.rows;
    for (const std::string& src : s.sources)
      if (it->sources.size() < 3 && std::find(it->sources.begin(), it->sources.end(), src) == it->sources.end())
        it->sources.push_back(src);
  }
}

}  // namespace detail

/// The report of a result table as one self-contained HTML page.
inline std::string html_report(const result_table& results, const report_options& o = {}) {
  using detail::html;
  detail::tip_table tips;
  std::vector<table_group> workloads = results.groups(o.workload_by);
  // Workloads in a reading order: by model, then ISL, OSL (numerically), precision.
  std::stable_sort(workloads.begin(), workloads.end(), [](const table_group& a, const table_group& b) {
    for (std::size_t i = 0; i < a.key.size() && i < b.key.size(); ++i) {
      const std::string x = to_string(a.key[i]), y = to_string(b.key[i]);
      if (x == y) continue;
      const auto nx = parse_number(x), ny = parse_number(y);
      if (nx && ny) return *nx < *ny;
      return detail::lower(x) < detail::lower(y);
    }
    return false;
  });
  const bool priced = o.price.has_value();

  frontier_spec tput_spec;
  tput_spec.group_by = o.group_by;
  tput_spec.kind = o.kind;
  tput_spec.price = o.price;
  frontier_spec cost_spec = tput_spec, mw_spec = tput_spec, e2el_spec = tput_spec;
  cost_spec.y = cols::usd_per_mtok;
  mw_spec.y = cols::tok_per_s_per_mw;
  e2el_spec.x = cols::median_e2el;

  std::vector<std::pair<std::string, std::string>> nav;
  std::vector<std::string> sections;
  std::vector<skipped_rows> skipped;
  std::size_t on_frontiers = 0, systems_total = 0;

  for (std::size_t w = 0; w < workloads.size(); ++w) {
    const table_group& g = workloads[w];
    const std::string wid = "w" + std::to_string(w + 1);
    const std::string wname = detail::workload_label(g.key, o.workload_by);
    nav.emplace_back(wid, wname);

    // Tooltips for every row of the workload, referenced by the charts' marks.
    std::map<std::string, std::int64_t> refs;
    const frontier_set tput = g.rows.frontiers(tput_spec);
    systems_total += tput.size();
    on_frontiers += tput.rows_on_frontiers();
    detail::add_skips(skipped, tput.skipped());
    std::map<std::string, pricing_result, std::less<>> prices;
    const auto price_of = [&](std::string_view acc) -> const pricing_result* {
      if (!priced) return nullptr;
      auto it = prices.find(acc);
      if (it == prices.end()) it = prices.emplace(std::string(acc), o.price->resolve(acc)).first;
      return &it->second;
    };
    for (const system_frontier& s : tput) {
      const std::string name = detail::system_label(s.key(), o.workload_by);
      for (std::size_t i = 0; i < s.rows().size(); ++i) {
        const benchmark_point p = s.rows().point(i);
        std::vector<std::pair<column_id, double>> values{{cols::median_intvty, number(p, cols::median_intvty)},
                                                         {cols::tput_per_gpu, number(p, cols::tput_per_gpu)},
                                                         {cols::median_e2el, number(p, cols::median_e2el)},
                                                         {cols::median_ttft, number(p, cols::median_ttft)}};
        if (const pricing_result* pr = price_of(p.accelerator); pr && *pr) {
          values.emplace_back(cols::usd_per_mtok, economic_value(cols::usd_per_mtok, p, **pr).value_or(detail::missing));
          values.emplace_back(cols::tok_per_s_per_mw, economic_value(cols::tok_per_s_per_mw, p, **pr).value_or(detail::missing));
        }
        std::string limit_note;
        if (o.limits) {
          const point_limit l = limit_of(p);
          if (std::isfinite(l.pct_of_limit)) values.emplace_back(cols::pct_of_limit, l.pct_of_limit);
          if (l.above) limit_note = "\n" + l.reason;
          else if (!l.known()) limit_note = "\npct_of_limit: - (" + l.reason + ")";
        }
        std::erase_if(values, [](const auto& v) { return std::isnan(v.second); });
        refs.emplace(detail::row_key(p), tips.add(point_tooltip(p, name, values, false) + limit_note));
      }
    }
    const auto ref_of = [&](const benchmark_point& p) -> std::int64_t {
      const auto it = refs.find(detail::row_key(p));
      return it == refs.end() ? -1 : it->second;
    };

    // Series order: ranked at the first chosen interactivity, best first.
    std::vector<const system_frontier*> order;
    if (!o.at.empty()) order = tput.ranked_at(o.at.front());
    else
      for (const auto& s : tput) order.push_back(&s);
    std::vector<std::string> names;
    for (const system_frontier* s : order) names.push_back(detail::system_label(s->key(), o.workload_by));

    frontier_chart_options co;
    co.at = o.at;
    co.price = o.price;
    co.legend = false;
    co.width = o.chart_width;
    co.height = o.chart_height;
    co.series_name = [&](const system_frontier& s) { return detail::system_label(s.key(), o.workload_by); };
    co.tooltip = [](const system_frontier&, const benchmark_point&, double, double, bool) { return std::string(); };
    co.ref = ref_of;
    // The throughput chart's extra curves, per system in the set's order.
    std::vector<std::vector<chart_overlay>> bound_lines;
    std::size_t bounded = 0;
    if (o.limits)
      for (const system_frontier& s : tput) {
        std::vector<chart_overlay> lines;
        auto pts = system_bound_samples(s);
        if (!pts.empty()) {
          ++bounded;
          lines.push_back({"bound", std::move(pts), "6 4", 1.6,
                           detail::system_label(s.key(), o.workload_by) + ": physical bound (limits.hpp), the highest over its configurations"});
        }
        bound_lines.push_back(std::move(lines));
      }
    const auto decorate = [&](const frontier_set& set, chart& ch) {
      for (std::size_t i = 0; i < ch.series.size() && i < set.size(); ++i) {
        if (i < bound_lines.size())
          ch.series[i].overlays.insert(ch.series[i].overlays.end(), bound_lines[i].begin(), bound_lines[i].end());
        if (o.tput_overlay) o.tput_overlay(set[i], ch.series[i]);
      }
    };
    const auto two = [&](const frontier_set& set, frontier_chart_options opts, const std::string& title, bool log_x, bool overlays = false) {
      opts.title = title;
      chart lin = frontier_chart(set, opts);
      opts.x_scale = log_x ? axis_scale::log : axis_scale::linear;
      opts.y_scale = axis_scale::log;
      chart log = frontier_chart(set, opts);
      if (overlays) {
        decorate(set, lin);
        decorate(set, log);
      }
      const auto ord = detail::matching_order(set, order);
      detail::order_series(lin, ord);
      detail::order_series(log, ord);
      // A marker whose tip has no ref: keep its own text (data-tip).
      return std::pair{std::move(lin), std::move(log)};
    };

    std::string sec = "<section class=\"panel workload\" id=\"" + wid + "\" data-workload=\"" + html(wname) + "\">\n";
    std::size_t measured = 0;
    for (const auto& s : tput) measured += s.rows().size();
    sec += "<h2>" + html(wname) + "</h2>\n<p class=\"sub\">" + std::to_string(tput.size()) + " systems · " +
           std::to_string(measured) + " measured points · " + std::to_string(tput.rows_on_frontiers()) +
           " on frontiers. Faint dots: every measured point; bold: the frontier; rings: values read off the frontier at " +
           (o.at.empty() ? std::string("no interactivity") : [&] {
             std::string a;
             for (double x : o.at) a += (a.empty() ? "" : ", ") + detail::general(x, 6);
             return a + " tok/s/user";
           }()) +
           ". Hover for the configuration; click a system to hide it.</p>\n";
    sec += detail::legend_html(names);
    sec += "<div class=\"charts\">\n";
    {
      auto [lin, log] = two(tput, co, "Throughput per GPU vs interactivity", true, o.limits || static_cast<bool>(o.tput_overlay));
      std::string caption = "total tokens/s per GPU; interactivity = 1 / median TPOT";
      if (o.limits) caption += "; dashed: physical bound (" + std::to_string(bounded) + " of " + std::to_string(tput.size()) + " systems bounded)";
      sec += detail::figure_html(wid + "-tput", "tput", lin, log, caption);
    }
    if (priced) {
      const frontier_set cost = g.rows.frontiers(cost_spec);
      const frontier_set mw = g.rows.frontiers(mw_spec);
      for (const skipped_rows& s : cost.skipped())
        if (s.reason.find("price") != std::string::npos || s.reason.find("preset") != std::string::npos ||
            s.reason.find("priced") != std::string::npos) {
          const skipped_rows one[] = {s};
          detail::add_skips(skipped, one);
        }
      auto [clin, clog] = two(cost, co, "Cost per million tokens vs interactivity", true);
      sec += detail::figure_html(wid + "-cost", "cost", clin, clog, "pricing: " + o.price->describe());
      auto [mlin, mlog] = two(mw, co, "Tokens/s per provisioned MW vs interactivity", true);
      sec += detail::figure_html(wid + "-mw", "mw", mlin, mlog, "pricing: " + o.price->describe());
    }
    {
      const frontier_set e2el = g.rows.frontiers(e2el_spec);
      frontier_chart_options eo = co;
      eo.at.clear();
      auto [elin, elog] = two(e2el, eo, "Throughput per GPU vs end-to-end latency", true);
      sec += detail::figure_html(wid + "-e2el", "e2el", elin, elog, "median E2E latency; frontier: lower latency, higher throughput");
    }
    sec += "</div>\n";

    // Rankings at each chosen interactivity.
    if (!o.at.empty()) {
      sec += "<h3>Ranking at each interactivity</h3>\n<div class=\"rank\">\n";
      for (double x : o.at) {
        const std::vector<const system_frontier*> ranked = tput.ranked_at(x);
        std::optional<double> best;
        sec += "<table class=\"ranking\" data-at=\"" + detail::shortest(x) + "\"><caption>at " + detail::general(x, 6) +
               " tok/s/user</caption>\n<thead><tr><th>#</th><th class=\"l\">system</th><th>tok/s/GPU</th>";
        if (priced) sec += "<th>$/Mtok</th><th>tok/s/MW</th>";
        sec += "<th>vs best</th></tr></thead><tbody>\n";
        std::size_t rank = 0;
        for (const system_frontier* s : ranked) {
          const auto it = std::find(order.begin(), order.end(), s);
          const std::size_t idx = static_cast<std::size_t>(it - order.begin());
          const std::string name = detail::system_label(s->key(), o.workload_by);
          const std::string swatch = "<span class=\"sw\" style=\"color:" + series_color(idx) + "\"></span> ";
          const auto op = priced ? s->at(x, *o.price) : s->at(x);
          if (!op) {
            std::string range = "no frontier";
            if (const auto r = s->x_range())
              range = "frontier spans " + detail::general(r->first, 4) + "–" + detail::general(r->second, 4) + " tok/s/user";
            sec += "<tr class=\"out\" data-system=\"" + html(s->name()) + "\"><td></td><td class=\"l\">" + swatch + html(name) + "</td><td class=\"muted l\" colspan=\"" +
                   std::to_string(priced ? 4 : 2) + "\">" + html(range) + "</td></tr>\n";
            continue;
          }
          if (!best) best = op->tput_per_gpu;
          sec += "<tr data-system=\"" + html(s->name()) + "\"><td>" + std::to_string(++rank) + "</td><td class=\"l\">" + swatch +
                 html(name) + "</td>";
          sec += detail::num_cell(op->tput_per_gpu, chart_number(op->tput_per_gpu, 4), "tput");
          if (priced) {
            if (op->priced()) {
              sec += detail::num_cell(op->usd_per_mtok, detail::money(op->usd_per_mtok), "cost");
              sec += detail::num_cell(op->tok_per_s_per_mw, chart_number(op->tok_per_s_per_mw, 4), "mw");
            } else {
              sec += "<td class=\"muted\" colspan=\"2\" title=\"" + html(op->unpriced_reason) + "\">not priced</td>";
            }
          }
          const double ratio = *best > 0 ? op->tput_per_gpu / *best : detail::missing;
          sec += detail::num_cell(ratio, std::isfinite(ratio) ? detail::fixed(ratio, 2) + "×" : std::string("-"), "ratio");
          sec += "</tr>\n";
        }
        sec += "</tbody></table>\n";
      }
      sec += "</div>\n";
    }
    sec += "</section>\n";
    sections.push_back(std::move(sec));
  }

  // Inventory.
  std::string inv = "<section class=\"panel\" id=\"inventory\">\n<h2>Inventory</h2>\n";
  inv += "<p class=\"sub\">" + std::to_string(results.size()) + " rows from " + std::to_string(results.files().size()) +
         " files · " + std::to_string(workloads.size()) + " workloads · " + std::to_string(systems_total) + " systems · " +
         std::to_string(on_frontiers) + " rows on frontiers</p>\n";
  inv += "<h3>Files</h3><div class=\"scroll\"><table class=\"files\"><thead><tr><th class=\"l\">file</th><th class=\"l\">format</th>"
         "<th>rows</th><th class=\"l\">notes</th></tr></thead><tbody>\n";
  for (const source_file& f : results.files()) {
    std::string notes = f.error.empty() ? std::string() : "not read: " + f.error;
    for (const std::string& n : f.notes) notes += (notes.empty() ? "" : "; ") + n;
    inv += "<tr><td class=\"l\">" + html(f.path) + "</td><td class=\"l\">" + html(f.format.empty() ? "-" : f.format) + "</td><td>" +
           std::to_string(f.rows) + "</td><td class=\"l" + (f.error.empty() ? "" : " warn") + "\">" + html(notes) + "</td></tr>\n";
  }
  inv += "</tbody></table></div>\n";

  // Runs: id, dates, images, rows.
  {
    const column_id by[] = {cols::run};
    const auto runs = results.groups(by);
    inv += "<h3>Runs</h3><div class=\"scroll\"><table class=\"runs\"><thead><tr><th class=\"l\">run</th><th class=\"l\">dates</th>"
           "<th class=\"l\">engine images</th><th class=\"l\">accelerators</th><th>rows</th><th class=\"l\">files</th></tr></thead><tbody>\n";
    for (const table_group& r : runs) {
      std::vector<std::string> dates = r.rows.distinct(cols::date);
      std::sort(dates.begin(), dates.end());
      const std::string date_text = dates.empty() ? "-" : dates.size() == 1 ? dates.front() : dates.front() + " – " + dates.back();
      const auto join = [](std::vector<std::string> v, std::size_t limit) {
        std::string s;
        for (std::size_t i = 0; i < v.size() && i < limit; ++i) s += (s.empty() ? "" : ", ") + v[i];
        if (v.size() > limit) s += ", … (" + std::to_string(v.size()) + ")";
        return s.empty() ? std::string("-") : s;
      };
      std::vector<std::string> files;
      for (const std::string& f : r.rows.distinct(cols::source)) files.push_back(detail::basename_of(f));
      const std::string id = r.key.empty() ? std::string() : to_string(r.key.front());
      inv += "<tr><td class=\"l\">" + html(id.empty() ? "-" : id) + "</td><td class=\"l\">" + html(date_text) + "</td><td class=\"l\">" +
             html(join(r.rows.distinct(cols::image), 6)) + "</td><td class=\"l\">" + html(join(r.rows.distinct(cols::accelerator), 8)) +
             "</td><td>" + std::to_string(r.rows.size()) + "</td><td class=\"l\">" + html(join(files, 3)) + "</td></tr>\n";
    }
    inv += "</tbody></table></div>\n";
  }
  // Engine images.
  {
    const column_id by[] = {cols::framework, cols::image};
    inv += "<h3>Engine images</h3><div class=\"scroll\"><table class=\"images\"><thead><tr><th class=\"l\">framework</th>"
           "<th class=\"l\">image</th><th>rows</th><th class=\"l\">accelerators</th></tr></thead><tbody>\n";
    for (const table_group& r : results.groups(by)) {
      std::string accs;
      for (const std::string& a : r.rows.distinct(cols::accelerator)) accs += (accs.empty() ? "" : ", ") + a;
      inv += "<tr><td class=\"l\">" + html(to_string(r.key[0])) + "</td><td class=\"l\">" +
             html(to_string(r.key[1]).empty() ? "-" : to_string(r.key[1])) + "</td><td>" + std::to_string(r.rows.size()) +
             "</td><td class=\"l\">" + html(accs) + "</td></tr>\n";
    }
    inv += "</tbody></table></div>\n";
  }
  // Rows on no frontier.
  inv += "<h3>Rows on no frontier</h3>\n";
  if (skipped.empty()) {
    inv += "<p class=\"note\">None: every row has what its frontier needs.</p>\n";
  } else {
    inv += "<div class=\"scroll\"><table class=\"skipped\"><thead><tr><th>rows</th><th class=\"l\">reason</th><th class=\"l\">e.g. in</th>"
           "</tr></thead><tbody>\n";
    for (const skipped_rows& s : skipped) {
      std::string src;
      for (const std::string& f : s.sources) src += (src.empty() ? "" : ", ") + detail::basename_of(f);
      inv += "<tr><td>" + std::to_string(s.rows) + "</td><td class=\"l\">" + html(s.reason) + "</td><td class=\"l\">" + html(src) +
             "</td></tr>\n";
    }
    inv += "</tbody></table></div>\n";
  }
  // Prices.
  if (priced) {
    inv += "<h3>Prices</h3><p class=\"note\">" + html(o.price->describe()) + "</p>\n";
    inv += "<div class=\"scroll\"><table class=\"prices\"><thead><tr><th class=\"l\">accelerator</th><th>$/GPU-h</th><th>kW/GPU</th>"
           "<th class=\"l\">cost from</th><th class=\"l\">power from</th></tr></thead><tbody>\n";
    for (const std::string& acc : results.distinct(cols::accelerator)) {
      const pricing_result pr = o.price->resolve(acc);
      if (!pr) {
        inv += "<tr><td class=\"l\">" + html(acc) + "</td><td class=\"l warn\" colspan=\"4\">" + html(pr.reason) + "</td></tr>\n";
        continue;
      }
      inv += "<tr><td class=\"l\">" + html(acc) + "</td>" + detail::num_cell(pr->usd_per_gpu_hour, detail::general(pr->usd_per_gpu_hour, 4)) +
             detail::num_cell(pr->kw_per_gpu, detail::general(pr->kw_per_gpu, 4)) + "<td class=\"l\">" + html(pr->cost_source) +
             "</td><td class=\"l\">" + html(pr->power_source) + " (" + html(to_string(pr->basis)) + " kW)</td></tr>\n";
    }
    inv += "</tbody></table></div>\n";
  }
  inv += "<p class=\"note\">Frontiers: for each system (" ;
  for (std::size_t i = 0; i < o.group_by.size(); ++i) inv += (i ? ", " : "") + std::string(name_of(o.group_by[i]));
  inv += "), every parallelism and concurrency pooled; curves: " +
         std::string(o.kind == interpolation::steffen ? "monotone cubic (Steffen, as d3's curveMonotoneX)" : "linear") +
         ", no extrapolation. Economic figures at an interactivity come from the interpolated throughput. Made by inferlens " INFERLENS_VERSION_STRING
         ".</p>\n</section>\n";
  nav.emplace_back("inventory", "Inventory");

  std::string out = detail::page_head(o.title);
  out += detail::page_bar(o.title);
  out += "<main>\n" + detail::page_nav(nav) + "<p class=\"meta\">";
  out += std::to_string(results.size()) + " rows · " + std::to_string(workloads.size()) + " workloads · " +
         std::to_string(systems_total) + " systems";
  if (priced) out += " · priced: " + html(o.price->describe());
  if (!o.at.empty()) {
    out += " · read at";
    for (double x : o.at) out += " " + detail::general(x, 6);
    out += " tok/s/user";
  }
  for (const std::string& m : o.made_from) out += "<br><code>" + html(m) + "</code>";
  out += "</p>\n";
  if (workloads.empty()) out += "<section class=\"panel\"><h2>No rows</h2><p class=\"note\">The inputs hold no benchmark rows.</p></section>\n";
  for (const std::string& s : sections) out += s;
  out += inv;
  out += "</main>\n";
  out += detail::page_tail(tips);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The load generator's sweep
// ---------------------------------------------------------------------------------------------

/// One moment of a point's run.
struct bench_timeline_sample {
  double t_s = 0;                  ///< seconds since the point began
  double in_flight = 0;            ///< requests sent and not yet finished
  double output_tokens_per_s = 0;  ///< output tokens received per second around t
};

/// One request of a point, in seconds since the point began: what bench_timeline() needs.
struct bench_request_times {
  double sent_s = 0, done_s = 0;
  std::vector<double> chunk_s;       ///< when each content chunk arrived
  std::vector<double> chunk_tokens;  ///< tokens per chunk (same length), empty: one per chunk
};

/// The timeline of a point from its requests: requests in flight and output tokens/s over
/// `bins` equal intervals from 0 to the last request's end.
inline std::vector<bench_timeline_sample> bench_timeline(std::span<const bench_request_times> requests, std::size_t bins = 120) {
  std::vector<bench_timeline_sample> out;
  double end = 0;
  for (const auto& r : requests) end = std::max({end, r.done_s, r.chunk_s.empty() ? 0.0 : r.chunk_s.back()});
  if (requests.empty() || !(end > 0) || bins == 0) return out;
  const double w = end / static_cast<double>(bins);
  std::vector<double> tokens(bins, 0.0), busy(bins, 0.0);
  for (const auto& r : requests) {
    for (std::size_t i = 0; i < r.chunk_s.size(); ++i) {
      const auto b = std::min(bins - 1, static_cast<std::size_t>(std::max(0.0, r.chunk_s[i]) / w));
      tokens[b] += i < r.chunk_tokens.size() ? r.chunk_tokens[i] : 1.0;
    }
    // time-weighted requests in flight per bin
    const double a = std::max(0.0, r.sent_s), z = std::max(a, r.done_s);
    for (auto b = static_cast<std::size_t>(a / w); b < bins && static_cast<double>(b) * w < z; ++b) {
      const double lo = std::max(a, static_cast<double>(b) * w), hi = std::min(z, static_cast<double>(b + 1) * w);
      if (hi > lo) busy[b] += (hi - lo) / w;
    }
  }
  for (std::size_t b = 0; b < bins; ++b) out.push_back({(static_cast<double>(b) + 0.5) * w, busy[b], tokens[b] / w});
  return out;
}

/// One point of a sweep, as the load generator measured it.
struct bench_point_data {
  /// The row written for the point (identity, aggregates, derive()d): what `frontier` reads.
  benchmark_point point;
  std::string label;  ///< e.g. "conc 16"; empty: from the concurrency or rate and ISL/OSL
  /// Per-request samples in seconds (ITL: every gap between chunks), as vLLM defines them.
  std::vector<double> ttft_s, tpot_s, itl_s, e2el_s;
  std::vector<bench_timeline_sample> timeline;  ///< bench_timeline() of its requests
  std::vector<std::string> notes;               ///< failures by kind, warnings, shown as they are
};

/// A sweep for bench_report_html().
struct bench_report_data {
  std::string title = "inferlens bench";
  std::vector<std::pair<std::string, std::string>> facts;  ///< ("server", URL), ("model", ...), ("command", ...)
  std::vector<bench_point_data> points;
  std::vector<std::string> files;  ///< result files written
};

namespace detail {

inline std::string bench_label(const bench_point_data& p) {
  if (!p.label.empty()) return p.label;
  std::string s;
  if (p.point.concurrency) s = "conc " + std::to_string(*p.point.concurrency);
  else if (p.point.request_rate) s = std::isinf(*p.point.request_rate) ? "rate inf" : "rate " + general(*p.point.request_rate, 4) + "/s";
  if (p.point.isl || p.point.osl)
    s += (s.empty() ? "" : " · ") + std::to_string(p.point.isl.value_or(0)) + "/" + std::to_string(p.point.osl.value_or(0));
  return s.empty() ? std::string("point") : s;
}

// An empirical CDF with at most `limit` steps (quantiles of the sorted samples).
inline std::vector<std::pair<double, double>> cdf_of(std::vector<double> v, std::size_t limit = 400) {
  std::erase_if(v, [](double x) { return !std::isfinite(x); });
  std::sort(v.begin(), v.end());
  std::vector<std::pair<double, double>> out;
  const std::size_t n = v.size();
  if (n == 0) return out;
  const std::size_t steps = std::min(n, limit);
  for (std::size_t k = 0; k < steps; ++k) {
    const std::size_t i = steps == n ? k : (k + 1) * n / steps - 1;
    out.emplace_back(v[i], static_cast<double>(i + 1) / static_cast<double>(n));
  }
  return out;
}

}  // namespace detail

/// The report of one sweep: its frontier and points, the latency distributions of every point
/// and its timeline, as one self-contained HTML page.
inline std::string bench_report_html(const bench_report_data& d, const report_options& o = {}) {
  using detail::html;
  detail::tip_table tips;
  std::vector<benchmark_point> rows;
  for (const auto& p : d.points) rows.push_back(p.point);
  const result_table table(rows);
  bool per_gpu = !rows.empty();
  for (const auto& p : rows) per_gpu = per_gpu && p.tput_per_gpu.has_value();
  std::vector<std::string> names;
  for (const auto& p : d.points) names.push_back(detail::bench_label(p));

  std::vector<std::pair<std::string, std::string>> nav{{"frontier", "Frontier"}, {"latency", "Latency"},
                                                       {"timeline", "Timeline"}, {"points", "Points"}};
  std::string out = detail::page_head(d.title);
  out += detail::page_bar(d.title);
  out += "<main>\n" + detail::page_nav(nav) + "<p class=\"meta\">";
  for (const auto& [k, v] : d.facts) out += "<b>" + html(k) + "</b> " + html(v) + "<br>";
  out += std::to_string(d.points.size()) + " points</p>\n";

  // Frontier of the sweep: each point is a point of one "system".
  {
    // one frontier per ISL/OSL when the sweep has several
    std::vector<std::pair<std::int64_t, std::int64_t>> lens;
    for (const auto& p : rows) lens.emplace_back(p.isl.value_or(0), p.osl.value_or(0));
    std::sort(lens.begin(), lens.end());
    lens.erase(std::unique(lens.begin(), lens.end()), lens.end());
    const bool by_lens = lens.size() > 1;
    frontier_spec spec;
    spec.group_by.clear();
    if (by_lens) spec.group_by = {cols::isl, cols::osl};
    spec.kind = o.kind;
    if (!per_gpu) spec.y = cols::output_throughput;
    std::map<std::string, std::int64_t> refs;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      std::vector<std::pair<column_id, double>> values{{cols::median_intvty, number(rows[i], cols::median_intvty)},
                                                       {spec.y, number(rows[i], spec.y)},
                                                       {cols::median_ttft, number(rows[i], cols::median_ttft)},
                                                       {cols::median_e2el, number(rows[i], cols::median_e2el)}};
      std::erase_if(values, [](const auto& v) { return std::isnan(v.second); });
      refs.emplace(detail::row_key(rows[i]) + std::to_string(i), tips.add(point_tooltip(rows[i], names[i], values, false)));
    }
    out += "<section class=\"panel\" id=\"frontier\"><h2>Frontier of the sweep</h2>\n<p class=\"sub\">" +
           std::string(per_gpu ? "total tokens/s per GPU" : "output tokens/s (no GPU count given)") +
           " against median interactivity; the frontier drawn as the curve `inferlens frontier` evaluates.</p>\n<div class=\"charts\">\n";
    const auto ref_by_index = [&](const benchmark_point& p) -> std::int64_t {
      for (std::size_t i = 0; i < rows.size(); ++i)
        if (detail::row_key(rows[i]) == detail::row_key(p)) return refs[detail::row_key(rows[i]) + std::to_string(i)];
      return -1;
    };
    frontier_chart_options co;
    co.at = o.at;
    co.legend = by_lens;
    co.width = o.chart_width;
    co.height = o.chart_height;
    co.series_name = [by_lens](const system_frontier& s) {
      if (!by_lens || s.rows().size() == 0) return std::string("sweep");
      const benchmark_point p = s.rows().point(0);
      return "ISL/OSL " + std::to_string(p.isl.value_or(0)) + "/" + std::to_string(p.osl.value_or(0));
    };
    co.tooltip = [](const system_frontier&, const benchmark_point&, double, double, bool) { return std::string(); };
    co.ref = ref_by_index;
    for (const auto& [x, kind, title] : {std::tuple{cols::median_intvty, std::string("tput"), std::string("Throughput vs interactivity")},
                                         std::tuple{cols::median_e2el, std::string("e2el"), std::string("Throughput vs end-to-end latency")}}) {
      frontier_spec s = spec;
      s.x = x;
      const frontier_set set = table.frontiers(s);
      frontier_chart_options opts = co;
      opts.title = title;
      if (x != cols::median_intvty) opts.at.clear();
      const chart lin = frontier_chart(set, opts);
      opts.x_scale = opts.y_scale = axis_scale::log;
      const chart log = frontier_chart(set, opts);
      out += detail::figure_html("b-" + kind, kind, lin, log, "");
    }
    out += "</div></section>\n";
  }

  // Latency distributions: one CDF chart per metric, a series per point.
  {
    out += "<section class=\"panel\" id=\"latency\"><h2>Latency distributions</h2>\n<p class=\"sub\">Empirical CDFs per point "
           "(fraction of requests at or below a latency; ITL: every gap between streamed chunks). Log axes put the tails in view.</p>\n";
    out += detail::legend_html(names);
    out += "<div class=\"charts\">\n";
    const std::tuple<std::string, std::string, std::vector<double> bench_point_data::*> metrics[] = {
        {"ttft", "Time to first token (s)", &bench_point_data::ttft_s},
        {"tpot", "Time per output token (s)", &bench_point_data::tpot_s},
        {"itl", "Inter-token latency (s)", &bench_point_data::itl_s},
        {"e2el", "End-to-end latency (s)", &bench_point_data::e2el_s}};
    for (const auto& [id, label, member] : metrics) {
      chart c;
      c.title = label.substr(0, label.find(" ("));
      c.x = {label, axis_scale::linear, true, std::nullopt, std::nullopt};
      c.y = {id == "itl" ? "Fraction of gaps" : "Fraction of requests", axis_scale::linear, true, 0.0, 1.0};
      c.legend = false;
      c.width = o.chart_width;
      c.height = o.chart_height;
      c.empty_note = "no samples";
      for (std::size_t i = 0; i < d.points.size(); ++i) {
        chart_series s;
        s.name = names[i];
        s.polyline = detail::cdf_of(d.points[i].*member);
        s.step = true;
        s.color = series_color(i);
        s.dash = series_dash(i);
        c.series.push_back(std::move(s));
      }
      chart log = c;
      log.x.scale = axis_scale::log;
      log.x.include_zero = false;
      out += detail::figure_html("b-cdf-" + id, "cdf", c, log, "");
    }
    out += "</div></section>\n";
  }

  // Timelines.
  {
    out += "<section class=\"panel\" id=\"timeline\"><h2>Timeline</h2>\n<p class=\"sub\">Requests in flight and output tokens/s "
           "over each point's run.</p>\n";
    out += detail::legend_html(names);
    out += "<div class=\"charts\">\n";
    for (const auto& [id, label, pick] :
         {std::tuple{std::string("inflight"), std::string("Requests in flight"), &bench_timeline_sample::in_flight},
          std::tuple{std::string("tokens"), std::string("Output tokens/s"), &bench_timeline_sample::output_tokens_per_s}}) {
      chart c;
      c.title = label + " over time";
      c.x = {"Time since the point began (s)", axis_scale::linear, true, std::nullopt, std::nullopt};
      c.y = {label, axis_scale::linear, true, std::nullopt, std::nullopt};
      c.legend = false;
      c.width = o.chart_width;
      c.height = o.chart_height;
      c.empty_note = "no timeline";
      for (std::size_t i = 0; i < d.points.size(); ++i) {
        chart_series s;
        s.name = names[i];
        for (const auto& t : d.points[i].timeline) s.polyline.emplace_back(t.t_s, t.*pick);
        s.color = series_color(i);
        s.dash = series_dash(i);
        c.series.push_back(std::move(s));
      }
      chart log = c;
      log.y.scale = axis_scale::log;
      log.y.include_zero = false;
      out += detail::figure_html("b-time-" + id, "timeline", c, log, "");
    }
    out += "</div></section>\n";
  }

  // The points.
  {
    out += "<section class=\"panel\" id=\"points\"><h2>Points</h2><div class=\"scroll\"><table class=\"points\"><thead><tr>"
           "<th class=\"l\">point</th><th>ok</th><th>failed</th><th>req/s</th><th>out tok/s</th><th>tok/s/GPU</th><th>TTFT p50</th>"
           "<th>TTFT p99</th><th>TPOT p50</th><th>ITL p50</th><th>E2EL p50</th><th>tok/s/user</th><th class=\"l\">notes</th></tr></thead><tbody>\n";
    const auto ms = [](const std::optional<double>& v) {
      if (!v) return detail::num_cell(detail::missing, "-");
      // milliseconds up to 10 s, seconds beyond (no exponents in the table)
      return detail::num_cell(*v, std::abs(*v) < 10 ? detail::general(*v * 1e3, 4) + " ms" : detail::fixed(*v, 2) + " s");
    };
    const auto num = [](const std::optional<double>& v) {
      return detail::num_cell(v.value_or(detail::missing), v ? chart_number(*v, 4) : std::string("-"));
    };
    for (std::size_t i = 0; i < d.points.size(); ++i) {
      const benchmark_point& p = d.points[i].point;
      std::string notes;
      for (const std::string& n : d.points[i].notes) notes += (notes.empty() ? "" : "; ") + n;
      if (p.partial) notes = "partial (interrupted)" + std::string(notes.empty() ? "" : "; ") + notes;
      out += "<tr><td class=\"l\"><span class=\"sw\" style=\"color:" + series_color(i) + "\"></span> " + html(names[i]) + "</td>";
      out += "<td>" + (p.completed ? std::to_string(*p.completed) : std::string("-")) + "</td><td>" +
             (p.failed ? std::to_string(*p.failed) : std::string("-")) + "</td>";
      out += num(p.request_throughput) + num(p.output_throughput) + num(p.tput_per_gpu) + ms(p.ttft.median) + ms(p.ttft.p99) +
             ms(p.tpot.median) + ms(p.itl.median) + ms(p.e2el.median) + num(p.intvty.median);
      out += "<td class=\"l\">" + html(notes) + "</td></tr>\n";
    }
    out += "</tbody></table></div>\n";
    if (!d.files.empty()) {
      out += "<h3>Files</h3><ul class=\"note\">";
      for (const std::string& f : d.files) out += "<li>" + html(f) + "</li>";
      out += "</ul>\n";
    }
    out += "</section>\n";
  }
  out += "</main>\n";
  out += detail::page_tail(tips);
  return out;
}

INFERLENS_END_NAMESPACE
