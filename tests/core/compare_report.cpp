// Bands, overlays and the pages that draw them: a band's polygon read back from the SVG's pixels
// gives the band's values (linear and log axes); shaded regions land at their x; the comparison
// page has one frontier chart and one ratio chart per matched system, bootstrap bands where
// there are repeats, the regressed region marked at the gate's x, and no external reference;
// the report's bound line passes through bound.at(x), its tooltips show pct_of_limit, and a
// calibrated prediction is drawn with its band.
#include <doctest/doctest.h>

#include <inferlens/chart.hpp>
#include <inferlens/compare.hpp>
#include <inferlens/compare_report.hpp>
#include <inferlens/limits.hpp>
#include <inferlens/predict_report.hpp>
#include <inferlens/report.hpp>
#include <inferlens/vega.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "chart_support.hpp"

namespace {

namespace il = inferlens;
using namespace chart_support;
using il::axis_scale;
using il::benchmark_point;
using il::cols;

// "M x y L x y ... Z" (several closed pieces) -> the vertices of each piece.
std::vector<std::vector<std::pair<double, double>>> polygons(const std::string& d) {
  std::vector<std::vector<std::pair<double, double>>> out;
  std::size_t i = 0;
  while (i < d.size()) {
    const char c = d[i];
    if (c == 'M') out.emplace_back();
    if (c == 'M' || c == 'L') {
      std::size_t used = 0;
      const double x = std::stod(d.substr(i + 1), &used);
      i += 1 + used;
      while (d[i] == ' ') ++i;
      const double y = std::stod(d.substr(i), &used);
      i += used;
      out.back().emplace_back(x, y);
      continue;
    }
    ++i;  // Z
  }
  return out;
}

il::chart band_chart(axis_scale xs, axis_scale ys) {
  il::chart ch;
  ch.x.scale = xs;
  ch.y.scale = ys;
  il::chart_series s;
  s.name = "a";
  il::chart_band b;
  b.kind = "test";
  for (int i = 0; i < 12; ++i) {
    const double x = 10 + 15.0 * i;
    b.x.push_back(x);
    b.low.push_back(1000 + 3000 / (1 + 0.05 * x));
    b.high.push_back(1400 + 5000 / (1 + 0.04 * x));
  }
  s.bands.push_back(b);
  ch.series.push_back(s);
  ch.regions.push_back({40, 90, "regressed", "#c00", 0.2, "regressed", ""});
  return ch;
}

}  // namespace

TEST_CASE("chart bands: the polygon's pixels map back to the band's low and high values") {
  for (const auto& [xs, ys] : {std::pair{axis_scale::linear, axis_scale::linear}, std::pair{axis_scale::log, axis_scale::log}}) {
    CAPTURE(il::to_string(xs));
    const il::chart ch = band_chart(xs, ys);
    const std::string svg = il::to_svg(ch);
    const auto svgs = tags(svg, "svg");
    REQUIRE(svgs.size() == 1);
    const svg_view v = svg_view::of(svg, svgs[0]);
    const auto bands = with_class(tags(svg, "path"), "band");
    REQUIRE(bands.size() == 1);
    CHECK(bands[0].has_class("band-test"));
    CHECK(bands[0].number("fill-opacity") == doctest::Approx(0.18));
    const auto polys = polygons(*bands[0].get("d"));
    REQUIRE(polys.size() == 1);
    const il::chart_band& b = ch.series[0].bands[0];
    const std::size_t n = b.x.size();
    REQUIRE(polys[0].size() == 2 * n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto [lx, ly] = polys[0][i];          // along low, x ascending
      const auto [hx, hy] = polys[0][2 * n - 1 - i];  // back along high
      CHECK(v.value_x(lx) == doctest::Approx(b.x[i]).epsilon(1e-3));
      CHECK(v.value_x(hx) == doctest::Approx(b.x[i]).epsilon(1e-3));
      CHECK(v.value_y(ly) == doctest::Approx(b.low[i]).epsilon(1e-3));
      CHECK(v.value_y(hy) == doctest::Approx(b.high[i]).epsilon(1e-3));
    }
    // The axes hold the band.
    CHECK(v.y_lo <= 1000 + 3000 / (1 + 0.05 * 175));
    CHECK(v.y_hi >= 1400 + 5000 / (1 + 0.04 * 10));
    // The region covers its x.
    const auto regions = with_class(tags(svg, "rect"), "region");
    REQUIRE(regions.size() == 1);
    CHECK(regions[0].has_class("region-regressed"));
    CHECK(v.value_x(regions[0].number("x")) == doctest::Approx(40).epsilon(1e-3));
    CHECK(v.value_x(regions[0].number("x") + regions[0].number("width")) == doctest::Approx(90).epsilon(1e-3));
  }
  SUBCASE("an unusable sample splits the band; Vega-Lite gets an area layer") {
    il::chart ch = band_chart(axis_scale::linear, axis_scale::log);
    ch.series[0].bands[0].low[5] = -1;  // not drawable on a log axis
    const std::string svg = il::to_svg(ch);
    const auto bands = with_class(tags(svg, "path"), "band");
    REQUIRE(bands.size() == 1);
    const auto polys = polygons(*bands[0].get("d"));
    REQUIRE(polys.size() == 2);
    CHECK(polys[0].size() == 10);
    CHECK(polys[1].size() == 12);
    const auto spec = il::vega_lite(ch).dump();
    CHECK(spec.find("\"area\"") != std::string::npos);
    CHECK(spec.find("\"y2\"") != std::string::npos);
  }
  SUBCASE("overlays are drawn in the series' colour through their points") {
    il::chart ch = band_chart(axis_scale::linear, axis_scale::linear);
    ch.series[0].overlays.push_back({"bound", {{10, 5000}, {100, 3000}, {175, 2000}}, "6 4", 1.6, "bound"});
    const std::string svg = il::to_svg(ch);
    const svg_view v = svg_view::of(svg, tags(svg, "svg")[0]);
    const auto ov = with_class(tags(svg, "path"), "overlay-bound");
    REQUIRE(ov.size() == 1);
    CHECK(ov[0].get("stroke-dasharray") == std::optional<std::string>("6 4"));
    const auto pts = polygons(*ov[0].get("d"));
    REQUIRE(pts.size() == 1);
    REQUIRE(pts[0].size() == 3);
    CHECK(v.value_y(pts[0][1].second) == doctest::Approx(3000).epsilon(1e-3));
  }
}

namespace {

const std::vector<int> concs{1, 2, 4, 8, 16, 32, 64, 128, 256};

benchmark_point point_of(const std::string& hw, int conc, double intvty, double tput, const std::string& image, const std::string& run) {
  benchmark_point p;
  p.model = "demo-model";
  p.framework = "vllm";
  p.hw = hw;
  p.precision = "fp8";
  p.spec_decoding = "none";
  p.isl = 1024;
  p.osl = 1024;
  p.concurrency = conc;
  p.tp = 8;
  p.image = image;
  p.run = run;
  p.completed = 10 * conc;
  p.intvty.median = intvty;
  p.total_token_throughput = tput * 8;
  p.output_throughput = tput * 4;
  il::derive(p);
  return p;
}

std::vector<benchmark_point> runs_of(const std::string& hw, double speed, double drop_from, double drop_to, double drop,
                                     const std::string& image, std::size_t repeats, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::vector<benchmark_point> out;
  for (std::size_t r = 0; r < repeats; ++r)
    for (int c : concs) {
      const double x = speed * 300.0 / std::pow(1.0 + 0.15 * c, 0.6);
      double y = speed * 400.0 * c / (1.0 + 0.02 * c);
      if (x >= drop_from && x <= drop_to) y *= drop;
      out.push_back(point_of(hw, c, x * (1 + 0.0003 * noise(rng)), y * (1 + 0.003 * noise(rng)), image, image + "-r" + std::to_string(r)));
    }
  return out;
}

il::result_table join(std::initializer_list<std::vector<benchmark_point>> parts) {
  std::vector<benchmark_point> all;
  for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  return il::result_table(all);
}

}  // namespace

TEST_CASE("comparison page: one frontier and one ratio chart per matched system, bands, regions, self-contained") {
  const il::result_table base = join({runs_of("b200", 1.0, 0, 0, 1, "engine:1", 4, 1), runs_of("h200", 0.7, 0, 0, 1, "engine:1", 4, 2)});
  const il::result_table next = join({runs_of("b200", 1.0, 60, 120, 0.9, "engine:2", 4, 3), runs_of("h200", 0.7, 0, 0, 1, "engine:2", 4, 4),
                                      runs_of("mi355x", 0.8, 0, 0, 1, "engine:2", 1, 5)});
  il::compare_options o;
  o.range = {40, 200};
  o.resamples = 300;
  const il::comparison c = il::compare(base, next, o);
  REQUIRE(!c.passed());
  const std::string html = il::html_compare_report(c);
  CHECK(external_references(html).empty());
  CHECK(html.find("<!DOCTYPE html>") == 0);

  std::size_t matched = 0;
  for (const auto& s : c.systems) matched += s.base && s.next ? 1 : 0;
  REQUIRE(matched == 2);
  const auto sections = with_class(tags(html, "section"), "system");
  REQUIRE(sections.size() == matched);
  CHECK(with_class(tags(html, "figure"), "chart").size() == 2 * matched);
  std::size_t frontier_figures = 0, ratio_figures = 0;
  for (const tag& f : tags(html, "figure")) {
    frontier_figures += f.get("data-kind") == std::optional<std::string>("frontier");
    ratio_figures += f.get("data-kind") == std::optional<std::string>("ratio");
  }
  CHECK(frontier_figures == matched);
  CHECK(ratio_figures == matched);
  CHECK(html.find("mi355x") != std::string::npos);  // listed as one-sided

  const il::system_comparison* b200 = nullptr;
  for (const auto& s : c.systems)
    if (s.name.find("b200") != std::string::npos) b200 = &s;
  REQUIRE(b200);
  CHECK(b200->result == il::verdict::regressed);
  const il::gate_region* worst = b200->deciding_region();
  REQUIRE(worst);
  // The b200 section: its frontier chart has both sides' bootstrap bands, and the regressed
  // region lands at the region's x in both charts (linear axes).
  for (const tag& sec : sections) {
    if (sec.get("data-system") != std::optional<std::string>(b200->name)) continue;
    CHECK(sec.get("data-verdict") == std::optional<std::string>("regressed"));
    const std::size_t end = element_end(html, sec);
    std::size_t lin_svgs = 0;
    for (const tag& svg : tags(html, "svg", sec.begin, end)) {
      if (!svg.has_class("v-lin")) continue;
      ++lin_svgs;
      const svg_view v = svg_view::of(html, svg);
      const auto regions = with_class(tags(html, "rect", v.begin, v.end), "region-regressed");
      REQUIRE(!regions.empty());
      CHECK(regions[0].number("data-from") == doctest::Approx(worst->from));
      CHECK(v.value_x(regions[0].number("x")) == doctest::Approx(std::max(worst->from, v.x_lo)).epsilon(1e-3));
      const bool is_frontier = svg.get("id")->find("frontier") != std::string::npos;
      const auto bands = with_class(tags(html, "path", v.begin, v.end), is_frontier ? "band-bootstrap" : "band-ratio-interval");
      CHECK(bands.size() == (is_frontier ? 2u : 1u));
      if (is_frontier) {
        // Bands read back: the baseline's band at its first sample.
        const auto polys = polygons(*bands[0].get("d"));
        REQUIRE(!polys.empty());
        const il::band_point* first = nullptr;  // the first sample with an interval (the end may have none)
        for (const il::band_point& q : b200->base->band)
          if (!first && std::isfinite(q.lo) && std::isfinite(q.hi)) first = &q;
        REQUIRE(first);
        const il::band_point& bp = *first;
        CHECK(v.value_x(polys[0].front().first) == doctest::Approx(bp.x).epsilon(1e-3));
        CHECK(v.value_y(polys[0].front().second) == doctest::Approx(bp.lo).epsilon(1e-3));
        CHECK(v.value_y(polys[0].back().second) == doctest::Approx(bp.hi).epsilon(1e-3));
      } else {
        CHECK(with_class(tags(html, "line", v.begin, v.end), "y-guide").size() == 1);
      }
    }
    CHECK(lin_svgs == 2);
  }
}

namespace {

// One configuration of a model the limits know (gpt-oss-120b on H100, fp4, tp 8), measured at
// `share` of its physical bound, with TPOT and TTFT as a calibration needs them.
std::vector<benchmark_point> bounded_points(double share, std::int64_t tp = 8) {
  std::vector<benchmark_point> out;
  for (int conc : {1, 2, 4, 8, 16, 32, 64, 128, 256}) {
    benchmark_point p;
    p.model = "gpt-oss-120b";
    p.accelerator = p.hw = "h100";
    p.precision = "fp4";
    p.framework = "synthetic";
    p.spec_decoding = "none";
    p.isl = 1024;
    p.osl = 1024;
    p.tp = tp;
    p.num_gpus = tp;
    p.concurrency = conc;
    const il::limit_bound b = il::bound(il::config_of(p));
    const double x = 0.6 * b.max_interactivity() / std::pow(1.0 + 0.1 * conc, 0.5);
    const auto at = b.at(x);
    REQUIRE(at);
    p.intvty.median = x;
    p.tpot.median = p.tpot.mean = 1 / x;
    p.ttft.mean = p.ttft.median = 0.05 + 0.002 * conc;
    p.tput_per_gpu = share * at->tput_per_gpu;
    p.completed = 10 * conc;
    out.push_back(p);
  }
  return out;
}

}  // namespace

TEST_CASE("report --limits: the dashed bound passes through bound.at(x); tooltips show pct_of_limit") {
  const std::vector<benchmark_point> pts = bounded_points(0.5);
  const il::result_table t(pts);
  il::report_options o;
  o.price.reset();
  o.limits = true;
  const std::string html = il::html_report(t, o);
  CHECK(external_references(html).empty());
  const il::limit_bound b = il::bound(il::config_of(pts.front()));
  std::size_t checked = 0;
  for (const tag& svg : tags(html, "svg")) {
    if (svg.get("id")->find("-tput-") == std::string::npos) continue;
    const svg_view v = svg_view::of(html, svg);
    const auto lines = with_class(tags(html, "path", v.begin, v.end), "overlay-bound");
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].get("stroke-dasharray") == std::optional<std::string>("6 4"));
    const auto polys = polygons(*lines[0].get("d"));
    REQUIRE(polys.size() == 1);
    CHECK(polys[0].size() > 40);
    for (const auto& [px, py] : polys[0]) {
      const double x = v.value_x(px);
      const auto at = b.at(x);
      REQUIRE(at);
      CAPTURE(x);
      // two-decimal pixels: the y read back is within a pixel's hundredth of the bound
      const double tol = v.log_y ? at->tput_per_gpu * 1e-3 : (v.y_hi - v.y_lo) * 1e-4;
      CHECK(std::abs(v.value_y(py) - at->tput_per_gpu) <= tol + std::abs(v.value_y(py + 0.01) - v.value_y(py)) * 3);
      ++checked;
    }
  }
  CHECK(checked > 80);  // linear and log charts
  // The bound samples themselves are bound.at(x), x within the measured range.
  const il::frontier_set set = t.frontiers(il::frontier_spec{});
  REQUIRE(set.size() == 1);
  const auto samples = il::system_bound_samples(set[0]);
  REQUIRE(!samples.empty());
  for (const auto& [x, y] : samples) CHECK(y == doctest::Approx(b.at(x)->tput_per_gpu));
  CHECK(samples.front().first == doctest::Approx(*pts.back().intvty.median));
  CHECK(samples.back().first == doctest::Approx(*pts.front().intvty.median));
  // Each point's tooltip: pct_of_limit 50 %.
  CHECK(html.find("pct_of_limit: 50 %") != std::string::npos);
  // Off by default.
  il::report_options plain;
  plain.price.reset();
  const std::string without = il::html_report(t, plain);
  CHECK(without.find("overlay-bound") == std::string::npos);
  CHECK(without.find("pct_of_limit") == std::string::npos);
}

TEST_CASE("report with predictions: a predicted line and band per calibrated system") {
  std::vector<benchmark_point> pts = bounded_points(0.5, 8);
  for (const auto& p : bounded_points(0.45, 4)) pts.push_back(p);
  const il::result_table t(pts);
  il::report_options o;
  o.price.reset();
  o.limits = true;
  o.tput_overlay = il::predicted_overlay();
  const std::string html = il::html_report(t, o);
  const il::frontier_set set = t.frontiers(il::frontier_spec{});
  REQUIRE(set.size() == 1);
  const il::system_prediction sp = il::predict_system(set[0]);
  CHECK(sp.reason.empty());
  REQUIRE(!sp.x.empty());
  std::size_t charts = 0;
  for (const tag& svg : tags(html, "svg")) {
    if (svg.get("id")->find("-tput-lin") == std::string::npos) continue;
    ++charts;
    const svg_view v = svg_view::of(html, svg);
    const auto band = with_class(tags(html, "path", v.begin, v.end), "band-predicted");
    const auto line = with_class(tags(html, "path", v.begin, v.end), "overlay-predicted");
    REQUIRE(band.size() == 1);
    REQUIRE(line.size() == 1);
    const auto polys = polygons(*line[0].get("d"));
    REQUIRE(polys.size() == 1);
    REQUIRE(polys[0].size() == sp.x.size());
    for (std::size_t i = 0; i < sp.x.size(); ++i) {
      CHECK(v.value_x(polys[0][i].first) == doctest::Approx(sp.x[i]).epsilon(1e-3));
      CHECK(std::abs(v.value_y(polys[0][i].second) - sp.y[i]) <= (v.y_hi - v.y_lo) * 1e-4);
      CHECK(sp.low[i] <= sp.y[i]);
      CHECK(sp.y[i] <= sp.high[i]);
    }
  }
  CHECK(charts == 1);
}
