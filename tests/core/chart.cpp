// Charts: the SVG's geometry read back as a reader of the axes would (a frontier point's pixel
// maps back to its value; the drawn curve passes through the values at() gives at the markers
// and between them; axis ranges contain the data; log axes), escaping, and the Vega-Lite spec.
#include <doctest/doctest.h>

#include <inferlens/chart.hpp>
#include <inferlens/frontier.hpp>
#include <inferlens/pricing.hpp>
#include <inferlens/vega.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "chart_support.hpp"

namespace {

using namespace chart_support;
using inferlens::axis_scale;
using inferlens::cols;

inferlens::frontier_set fixture_set(std::int64_t isl = 1024, inferlens::frontier_spec spec = {}) {
  return fixture_table().where(cols::isl, static_cast<double>(isl)).frontiers(spec);
}

std::string svg_of(const inferlens::frontier_set& set, axis_scale xs = axis_scale::linear, axis_scale ys = axis_scale::linear,
                   std::vector<double> at = {30, 60, 120}) {
  inferlens::frontier_chart_options o;
  o.at = std::move(at);
  o.x_scale = xs;
  o.y_scale = ys;
  return inferlens::to_svg(inferlens::frontier_chart(set, o));
}

// Every series group of an SVG: its extent in the text.
std::vector<tag> series_of(const std::string& svg) { return with_class(tags(svg, "g"), "series"); }

}  // namespace

TEST_CASE("chart: a frontier point's pixel position maps back to its value") {
  const auto set = fixture_set();
  for (const axis_scale scale : {axis_scale::linear, axis_scale::log}) {
    CAPTURE(inferlens::to_string(scale));
    const std::string svg = svg_of(set, scale, scale);
    const auto roots = tags(svg, "svg");
    REQUIRE(roots.size() == 1);
    const svg_view v = svg_view::of(svg, roots[0]);
    const auto groups = series_of(svg);
    REQUIRE(groups.size() == set.size());
    for (std::size_t s = 0; s < set.size(); ++s) {
      const auto fps = with_class(tags(svg, "circle", groups[s].begin, element_end(svg, groups[s])), "fp");
      const auto xs = set[s].curve().xs(), ys = set[s].curve().ys();
      REQUIRE(fps.size() == xs.size());
      for (std::size_t i = 0; i < fps.size(); ++i) {
        // the pixel, read back through the axes, is the frontier point's value (to 0.01 px)
        const double px = fps[i].number("cx"), py = fps[i].number("cy");
        CHECK(std::abs(v.pixel_x(xs[i]) - px) <= 0.006);
        CHECK(std::abs(v.pixel_y(ys[i]) - py) <= 0.006);
        // ... and back: within what 0.01 px is worth on each axis there
        CHECK(std::abs(v.value_x(px) - xs[i]) <= 0.006 * std::abs(v.value_x(px + 1) - v.value_x(px)));
        CHECK(std::abs(v.value_y(py) - ys[i]) <= 0.006 * std::abs(v.value_y(py - 1) - v.value_y(py)));
        CHECK(fps[i].number("data-x") == doctest::Approx(xs[i]).epsilon(1e-8));
      }
    }
    // the axes a reader sees agree with the mapping: every labelled tick sits at its value
    const auto axes = with_class(tags(svg, "g"), "axis");
    REQUIRE(axes.size() == 2);
    for (const tag& axis : axes) {
      const bool is_x = axis.has_class("x");
      const auto ticks = with_class(tags(svg, "text", axis.begin, element_end(svg, axis)), "tick");
      CHECK(ticks.size() >= 2);
      for (const tag& t : ticks) {
        const double value = t.number("data-v");
        if (is_x) CHECK(std::abs(t.number("x") - v.pixel_x(value)) <= 0.006);
        else CHECK(std::abs(t.number("y") - 4 - v.pixel_y(value)) <= 0.006);
      }
    }
  }
}

TEST_CASE("chart: the drawn curve passes through the interpolated values at the markers and between them") {
  const auto set = fixture_set();
  const std::vector<double> at{30, 60, 120};
  for (const axis_scale scale : {axis_scale::linear, axis_scale::log}) {
    CAPTURE(inferlens::to_string(scale));
    const std::string svg = svg_of(set, scale, scale, at);
    const svg_view v = svg_view::of(svg, tags(svg, "svg")[0]);
    const auto groups = series_of(svg);
    std::size_t markers_seen = 0;
    for (std::size_t s = 0; s < set.size(); ++s) {
      const std::size_t end = element_end(svg, groups[s]);
      const auto paths = with_class(tags(svg, "path", groups[s].begin, end), "line");
      REQUIRE(paths.size() == 1);
      const auto path = parse_path(*paths[0].get("d"));
      REQUIRE(!path.empty());
      const inferlens::curve& c = set[s].curve();
      // at each marker: the ring is at at(x), and the path passes through it
      const auto rings = with_class(tags(svg, "circle", groups[s].begin, end), "mk");
      std::size_t expected = 0;
      for (double x : at) {
        const auto op = set[s].at(x);
        if (!op) continue;
        ++expected;
        const auto y_px = path_y_at(path, v.pixel_x(x));
        REQUIRE(y_px.has_value());
        // to the path's rounding (0.01 px): the same value at() gives
        CHECK(std::abs(*y_px - v.pixel_y(*c.y_at(x))) <= 0.01);
        CHECK(std::abs(*y_px - v.pixel_y(op->y)) <= 0.01);
        CHECK(v.value_y(*y_px) == doctest::Approx(op->y).epsilon(1e-3));
        const auto ring = std::find_if(rings.begin(), rings.end(), [&](const tag& r) { return r.number("data-x") == doctest::Approx(x); });
        REQUIRE(ring != rings.end());
        CHECK(ring->number("data-y") == doctest::Approx(op->y).epsilon(1e-8));
        CHECK(std::abs(ring->number("cy") - *y_px) <= 0.02);
        CHECK(std::abs(ring->number("cx") - v.pixel_x(x)) <= 0.006);
      }
      CHECK(rings.size() == expected);
      markers_seen += expected;
      // between the knots: on linear axes the Béziers are the Hermite segments themselves; on log
      // axes short pieces through exact values, within a fraction of a pixel
      const double lo = c.xs().front(), hi = c.xs().back();
      for (int k = 0; k <= 200; ++k) {
        const double x = lo + (hi - lo) * k / 200.0;
        const auto y_px = path_y_at(path, v.pixel_x(x));
        REQUIRE(y_px.has_value());
        CHECK(std::abs(*y_px - v.pixel_y(*c.y_at(x))) <= (scale == axis_scale::linear ? 0.02 : 0.3));
      }
      // the path spans exactly the frontier's x range (no extrapolation)
      CHECK(std::abs(path.front().x0 - v.pixel_x(lo)) <= 0.006);
      CHECK(std::abs(path.back().x3 - v.pixel_x(hi)) <= 0.006);
    }
    CHECK(markers_seen >= 6);
  }
}

TEST_CASE("chart: linear Bézier control points come from the curve's own Hermite tangents") {
  const auto set = fixture_set();
  const inferlens::curve& c = set[0].curve();
  REQUIRE(c.size() >= 3);
  REQUIRE(c.tangents().size() == c.size());
  inferlens::chart ch = inferlens::frontier_chart(set, {});
  const inferlens::chart_layout L = inferlens::layout_of(ch);
  const auto segs = inferlens::line_beziers(ch.series[0], L);
  REQUIRE(segs.size() == c.size() - 1);  // no markers: one segment per knot interval
  for (std::size_t k = 0; k + 1 < c.size(); ++k) {
    const double h = c.xs()[k + 1] - c.xs()[k];
    CHECK(segs[k].x1 == doctest::Approx(L.px(c.xs()[k] + h / 3)));
    CHECK(segs[k].y1 == doctest::Approx(L.py(c.ys()[k] + c.tangents()[k] * h / 3)));
    CHECK(segs[k].x2 == doctest::Approx(L.px(c.xs()[k + 1] - h / 3)));
    CHECK(segs[k].y2 == doctest::Approx(L.py(c.ys()[k + 1] - c.tangents()[k + 1] * h / 3)));
  }
  // a linear curve: straight segments, control points on the chord
  inferlens::frontier_spec spec;
  spec.kind = inferlens::interpolation::linear;
  const auto lin = fixture_set(1024, spec);
  REQUIRE(lin[0].curve().tangents().empty());
  const auto lch = inferlens::frontier_chart(lin, {});
  for (const auto& b : inferlens::line_beziers(lch.series[0], inferlens::layout_of(lch))) {
    CHECK(b.y1 == doctest::Approx(b.y0 + (b.y3 - b.y0) / 3));
    CHECK(b.y2 == doctest::Approx(b.y0 + 2 * (b.y3 - b.y0) / 3));
  }
}

TEST_CASE("chart: cost per million tokens is drawn from the throughput curve, as at() computes it") {
  const auto price = inferlens::pricing::preset(inferlens::tier::neocloud);
  inferlens::frontier_spec spec;
  spec.y = cols::usd_per_mtok;
  spec.price = price;
  const auto set = fixture_set(1024, spec);
  const std::vector<double> at{30, 60, 120};
  const std::string svg = svg_of(set, axis_scale::linear, axis_scale::linear, at);
  const svg_view v = svg_view::of(svg, tags(svg, "svg")[0]);
  const auto groups = series_of(svg);
  std::size_t checked = 0;
  for (std::size_t s = 0; s < set.size(); ++s) {
    const auto paths = with_class(tags(svg, "path", groups[s].begin, element_end(svg, groups[s])), "line");
    if (set[s].accelerator() == "mystery") {  // no preset: no line, and the legend says so
      CHECK(paths.empty());
      CHECK(groups[s].get("data-name")->find("(not priced)") != std::string::npos);
      continue;
    }
    REQUIRE(paths.size() == 1);
    const auto path = parse_path(*paths[0].get("d"));
    const auto t = set[s].curve_of(cols::tput_per_gpu);
    for (double x : at) {
      const auto op = set[s].at(x);
      if (!op) continue;
      const auto y_px = path_y_at(path, v.pixel_x(x));
      REQUIRE(y_px.has_value());
      CHECK(std::abs(*y_px - v.pixel_y(op->usd_per_mtok)) <= 0.01);
      CHECK(v.value_y(*y_px) == doctest::Approx(op->usd_per_mtok).epsilon(1e-3));
      ++checked;
    }
    const double lo = t.xs().front(), hi = t.xs().back();
    for (int k = 0; k <= 100; ++k) {  // in between: the cost of the interpolated throughput
      const double x = lo + (hi - lo) * k / 100.0;
      const auto op = set[s].at(x);
      REQUIRE(op);
      const auto y_px = path_y_at(path, v.pixel_x(x));
      REQUIRE(y_px);
      CHECK(std::abs(*y_px - v.pixel_y(op->usd_per_mtok)) <= 0.3);
    }
  }
  CHECK(checked >= 4);
}

TEST_CASE("chart: axis ranges contain the data, on nice ticks") {
  const auto set = fixture_set(8192);
  for (const axis_scale scale : {axis_scale::linear, axis_scale::log}) {
    CAPTURE(inferlens::to_string(scale));
    const std::string svg = svg_of(set, scale, scale);
    const svg_view v = svg_view::of(svg, tags(svg, "svg")[0]);
    CHECK(v.log_x == (scale == axis_scale::log));
    const auto circles = tags(svg, "circle");
    std::size_t marks = 0;
    for (const tag& c : circles) {
      if (!c.get("data-x")) continue;
      ++marks;
      const double x = c.number("data-x"), y = c.number("data-y");
      CHECK(x >= v.x_lo);
      CHECK(x <= v.x_hi);
      CHECK(y >= v.y_lo);
      CHECK(y <= v.y_hi);
      CHECK(c.number("cx") >= v.left - 1e-6);
      CHECK(c.number("cx") <= v.left + v.width + 1e-6);
      CHECK(c.number("cy") >= v.top - 1e-6);
      CHECK(c.number("cy") <= v.top + v.height + 1e-6);
    }
    std::size_t rows = 0;
    for (const auto& s : set) rows += s.rows().size();
    CHECK(marks >= rows);
    if (scale == axis_scale::linear) {
      CHECK(v.y_lo == 0.0);  // throughput axes start at zero
      // the ends are ticks a reader sees
      const auto ticks = with_class(tags(svg, "text"), "tick");
      bool lo_tick = false, hi_tick = false;
      for (const tag& t : ticks) {
        lo_tick = lo_tick || t.number("data-v") == v.y_lo;
        hi_tick = hi_tick || t.number("data-v") == v.y_hi;
      }
      CHECK(lo_tick);
      CHECK(hi_tick);
    } else {
      // log ticks are 1, 2, 5 × 10^k
      for (const tag& t : with_class(tags(svg, "text"), "tick")) {
        const double d = t.number("data-v");
        const double m = d / std::pow(10.0, std::floor(std::log10(d) + 1e-9));
        CHECK((std::abs(m - 1) < 1e-9 || std::abs(m - 2) < 1e-9 || std::abs(m - 5) < 1e-9));
      }
    }
  }
}

TEST_CASE("chart: log axes leave out what they cannot show and say so; fixed ranges are kept") {
  inferlens::chart c;
  c.x.scale = axis_scale::log;
  c.y.scale = axis_scale::log;
  inferlens::chart_series s;
  s.name = "s";
  s.points = {{0.0, 5.0, "zero", -1}, {10, 100, "a", -1}, {1000, 1e4, "b", -1}, {50, -3, "negative", -1}};
  c.series.push_back(s);
  const std::string svg = inferlens::to_svg(c);
  const auto root = tags(svg, "svg")[0];
  CHECK(root.get("data-points") == std::optional<std::string>("2"));
  CHECK(root.get("data-omitted") == std::optional<std::string>("2"));
  const svg_view v = svg_view::of(svg, root);
  CHECK(v.x_lo == doctest::Approx(10));
  CHECK(v.x_hi == doctest::Approx(1000));
  CHECK(v.pixel_x(100) == doctest::Approx(v.left + v.width / 2));  // a decade is a decade

  inferlens::chart f = c;
  f.x.scale = f.y.scale = axis_scale::linear;
  f.x.min = 0;
  f.x.max = 2000;
  f.y.min = -10;
  f.y.max = 20000;
  const std::string fixed = inferlens::to_svg(f);
  const svg_view fv = svg_view::of(fixed, tags(fixed, "svg")[0]);
  CHECK(fv.x_lo == 0);
  CHECK(fv.x_hi == 2000);
  CHECK(fv.y_lo == -10);
  CHECK(fv.y_hi == 20000);
}

TEST_CASE("chart: an empty chart says so; names and tooltips are escaped; inline SVG has no address") {
  inferlens::chart empty;
  empty.title = "nothing";
  const std::string e = inferlens::to_svg(empty);
  CHECK(e.find("no data") != std::string::npos);
  CHECK(tags(e, "svg")[0].get("data-series") == std::optional<std::string>("0"));

  inferlens::chart c;
  c.title = "a <b> & \"c\"";
  inferlens::chart_series s;
  s.name = "x<y & z";
  s.points = {{1, 2, "see https://example.com/<x>", -1}};
  c.series.push_back(s);
  const std::string svg = inferlens::to_svg(c);
  CHECK(svg.find("a &lt;b&gt; &amp; &quot;c&quot;") != std::string::npos);
  CHECK(svg.find("x&lt;y &amp; z") != std::string::npos);
  CHECK(svg.find("<title>see https&#58;//example.com/&lt;x&gt;</title>") != std::string::npos);
  inferlens::svg_options inline_svg;
  inline_svg.standalone = false;
  inline_svg.titles = false;
  const std::string in = inferlens::to_svg(c, inline_svg);
  CHECK(in.find("://") == std::string::npos);
  CHECK(in.find("xmlns") == std::string::npos);
  CHECK(tags(in, "circle")[0].get("data-tip") == std::optional<std::string>("see https://example.com/<x>"));
  // standalone: the SVG namespace, so a browser renders the file
  CHECK(svg.find("xmlns=\"http://www.w3.org/2000/svg\"") != std::string::npos);
}

TEST_CASE("chart: tooltips carry the configuration, run and source row") {
  const auto set = fixture_set();
  const auto ch = inferlens::frontier_chart(set, {});
  const auto& fp = ch.series[0].frontier.back();  // highest interactivity: concurrency 1
  CHECK(fp.tip.find("h100 vllm") != std::string::npos);
  CHECK(fp.tip.find("(on the frontier)") != std::string::npos);
  CHECK(fp.tip.find("tp4") != std::string::npos);
  CHECK(fp.tip.find("concurrency 1") != std::string::npos);
  CHECK(fp.tip.find("image vllm/vllm-openai:v0.13.0") != std::string::npos);
  CHECK(fp.tip.find("run 1001") != std::string::npos);
  CHECK(fp.tip.find("fixture_a.json row ") != std::string::npos);
  const auto& big = ch.series[0].points[7];  // concurrency 1024: tp8 ep8 dpa
  CHECK(big.tip.find("tp8 ep8 dpa") != std::string::npos);
  CHECK(big.tip.find("(on the frontier)") == std::string::npos);
  // the no-TPOT and partial rows are not drawn
  std::size_t drawn = 0;
  for (const auto& s : ch.series) drawn += s.points.size();
  CHECK(drawn == 3 * 8);
}

TEST_CASE("chart: polylines and steps (CDFs, timelines)") {
  inferlens::chart c;
  inferlens::chart_series s;
  s.name = "cdf";
  s.polyline = {{1, 0.25}, {2, 0.5}, {4, 1.0}};
  s.step = true;
  c.series.push_back(s);
  const std::string svg = inferlens::to_svg(c);
  const auto p = with_class(tags(svg, "path"), "polyline");
  REQUIRE(p.size() == 1);
  const svg_view v = svg_view::of(svg, tags(svg, "svg")[0]);
  const std::string d = *p[0].get("d");
  CHECK(d.find('H') != std::string::npos);
  CHECK(d.find('V') != std::string::npos);
  CHECK(p[0].get("data-count") == std::optional<std::string>("3"));
  CHECK(v.x_lo <= 1);
  CHECK(v.x_hi >= 4);
}

TEST_CASE("vega-lite: the same series, marks and the curve's own values") {
  const auto set = fixture_set();
  inferlens::frontier_chart_options o;
  o.at = {30, 60};
  const auto ch = inferlens::frontier_chart(set, o);
  const nlohmann::json j = inferlens::vega_lite(ch);
  CHECK(j["$schema"].get<std::string>().find("vega-lite/v5") != std::string::npos);
  REQUIRE(j["layer"].is_array());
  CHECK(j["layer"].size() == 6);  // points, line, steps, frontier, markers, guides
  std::size_t points = 0, frontier = 0, markers = 0, line = 0;
  for (const auto& row : j["data"]["values"]) {
    const std::string kind = row["kind"];
    points += kind == "point";
    frontier += kind == "frontier";
    markers += kind == "marker";
    if (kind == "line") {
      ++line;
      for (const auto& sys : set)
        if (sys.name() == row["series"].get<std::string>()) CHECK(row["y"].get<double>() == doctest::Approx(*sys.curve().y_at(row["x"])));
    }
  }
  CHECK(points == 24);
  CHECK(frontier == set.rows_on_frontiers());
  CHECK(markers >= 4);
  CHECK(line > 100);
  CHECK(j["data"]["values"][0]["tip"].is_string());
  const auto& colors = j["layer"][0]["encoding"]["color"]["scale"]["range"];
  CHECK(colors[0] == "#0072B2");
}
