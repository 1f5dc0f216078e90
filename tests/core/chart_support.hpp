// What the chart and report tests share: reading elements and attributes back out of SVG and
// HTML text (the markup inferlens writes, or the DOM Chromium dumps), parsing an SVG path into
// Bézier segments, mapping pixels back to values the way a reader of the axes would, and a
// synthetic result table with known systems, workloads and awkward rows.
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include <inferlens/chart.hpp>
#include <inferlens/economics.hpp>
#include <inferlens/frontier.hpp>
#include <inferlens/pricing.hpp>
#include <inferlens/record.hpp>
#include <inferlens/table.hpp>

namespace chart_support {

/// One start tag: its name, its attribute text, and where it sits in the document.
struct tag {
  std::string name;
  std::string attrs;
  std::size_t begin = 0, end = 0;  ///< [begin, end) of the start tag

  /// An attribute's value with entities decoded, or nothing.
  std::optional<std::string> get(std::string_view a) const {
    std::size_t at = 0;
    while ((at = attrs.find(a, at)) != std::string::npos) {
      const bool starts = at == 0 || std::isspace(static_cast<unsigned char>(attrs[at - 1]));
      const std::size_t eq = at + a.size();
      if (starts && eq + 1 < attrs.size() && attrs[eq] == '=' && (attrs[eq + 1] == '"' || attrs[eq + 1] == '\'')) {
        const char q = attrs[eq + 1];
        const std::size_t close = attrs.find(q, eq + 2);
        return decode(attrs.substr(eq + 2, close - eq - 2));
      }
      at = eq;
    }
    return std::nullopt;
  }
  double number(std::string_view a) const {
    const auto v = get(a);
    return v ? std::stod(*v) : std::nan("");
  }
  bool has_class(std::string_view c) const {
    const auto v = get("class");
    if (!v) return false;
    std::istringstream in(*v);
    std::string w;
    while (in >> w)
      if (w == c) return true;
    return false;
  }

  static std::string decode(std::string s) {
    const std::pair<std::string_view, std::string_view> entities[] = {{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""},
                                                                     {"&#39;", "'"}, {"&#58;", ":"}, {"&amp;", "&"}};
    for (const auto& [from, to] : entities)
      for (std::size_t p; (p = s.find(from)) != std::string::npos;) s.replace(p, from.size(), to);
    return s;
  }
};

/// Every start tag named `name` in [from, to) of the text, in order.
inline std::vector<tag> tags(std::string_view text, std::string_view name, std::size_t from = 0, std::size_t to = std::string::npos) {
  std::vector<tag> out;
  to = std::min(to, text.size());
  const std::string open = "<" + std::string(name);
  for (std::size_t at = text.find(open, from); at != std::string::npos && at < to; at = text.find(open, at + 1)) {
    const std::size_t after = at + open.size();
    if (after >= text.size() || !(std::isspace(static_cast<unsigned char>(text[after])) || text[after] == '>' || text[after] == '/'))
      continue;
    // the end of the tag: the first '>' outside quotes
    char quote = 0;
    std::size_t e = after;
    for (; e < text.size(); ++e) {
      if (quote) {
        if (text[e] == quote) quote = 0;
      } else if (text[e] == '"' || text[e] == '\'') {
        quote = text[e];
      } else if (text[e] == '>') {
        break;
      }
    }
    std::string attrs(text.substr(after, e - after));
    if (!attrs.empty() && attrs.back() == '/') attrs.pop_back();
    out.push_back({std::string(name), attrs, at, e + 1});
  }
  return out;
}

/// Tags with a class among `tags(...)`.
inline std::vector<tag> with_class(const std::vector<tag>& all, std::string_view c) {
  std::vector<tag> out;
  for (const tag& t : all)
    if (t.has_class(c)) out.push_back(t);
  return out;
}

/// The end of the element that starts at `start` (after its matching close tag).
inline std::size_t element_end(std::string_view text, const tag& start) {
  const std::string open = "<" + start.name, close = "</" + start.name + ">";
  int depth = 1;
  std::size_t at = start.end;
  while (depth > 0) {
    const std::size_t o = text.find(open, at), c = text.find(close, at);
    if (c == std::string::npos) return text.size();
    if (o != std::string::npos && o < c) {
      ++depth;
      at = o + open.size();
    } else {
      --depth;
      at = c + close.size();
    }
  }
  return at;
}

/// The text between a start tag and its close tag.
inline std::string inner_text(std::string_view text, const tag& start) {
  const std::size_t end = element_end(text, start);
  const std::string close = "</" + start.name + ">";
  return std::string(text.substr(start.end, end - close.size() - start.end));
}

/// A chart read back from its <svg> element: the plot rectangle, domains and scales as the
/// markup states them; value_x/value_y map pixels back to values the way the axes say.
struct svg_view {
  double left = 0, top = 0, width = 0, height = 0;
  double x_lo = 0, x_hi = 0, y_lo = 0, y_hi = 0;
  bool log_x = false, log_y = false;
  std::size_t begin = 0, end = 0;  ///< the element's extent in the text

  static svg_view of(std::string_view text, const tag& svg) {
    svg_view v;
    std::istringstream plot(*svg.get("data-plot")), xd(*svg.get("data-x-domain")), yd(*svg.get("data-y-domain"));
    plot >> v.left >> v.top >> v.width >> v.height;
    xd >> v.x_lo >> v.x_hi;
    yd >> v.y_lo >> v.y_hi;
    v.log_x = svg.get("data-x-scale") == std::optional<std::string>("log");
    v.log_y = svg.get("data-y-scale") == std::optional<std::string>("log");
    v.begin = svg.begin;
    v.end = element_end(text, svg);
    return v;
  }
  static double unmap(double f, double lo, double hi, bool log) {
    return log ? std::pow(10.0, std::log10(lo) + f * (std::log10(hi) - std::log10(lo))) : lo + f * (hi - lo);
  }
  static double map(double v, double lo, double hi, bool log) {
    return log ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) : (v - lo) / (hi - lo);
  }
  double value_x(double px) const { return unmap((px - left) / width, x_lo, x_hi, log_x); }
  double value_y(double py) const { return unmap((top + height - py) / height, y_lo, y_hi, log_y); }
  double pixel_x(double x) const { return left + map(x, x_lo, x_hi, log_x) * width; }
  double pixel_y(double y) const { return top + height - map(y, y_lo, y_hi, log_y) * height; }
};

/// An SVG path's cubic segments ("M x y C x1 y1 x2 y2 x y ..."), absolute coordinates.
inline std::vector<inferlens::bezier> parse_path(const std::string& d) {
  std::vector<inferlens::bezier> out;
  std::size_t i = 0;
  double cx = 0, cy = 0;
  const auto number = [&]() {
    while (i < d.size() && (d[i] == ' ' || d[i] == ',')) ++i;
    std::size_t used = 0;
    const double v = std::stod(d.substr(i), &used);
    i += used;
    return v;
  };
  while (i < d.size()) {
    const char c = d[i++];
    if (c == 'M') {
      cx = number();
      cy = number();
    } else if (c == 'C') {
      inferlens::bezier b{};
      b.x0 = cx;
      b.y0 = cy;
      b.x1 = number();
      b.y1 = number();
      b.x2 = number();
      b.y2 = number();
      b.x3 = number();
      b.y3 = number();
      cx = b.x3;
      cy = b.y3;
      out.push_back(b);
    } else if (c != ' ') {
      throw std::runtime_error(std::string("unexpected path command ") + c);
    }
  }
  return out;
}

/// The y pixel where a path (x increasing) crosses pixel column X, or nothing outside it.
inline std::optional<double> path_y_at(const std::vector<inferlens::bezier>& path, double X) {
  if (path.empty()) return std::nullopt;
  // coordinates are written to 0.01 px: a column within that of the path's ends is on it
  const double first = std::min(path.front().x0, path.back().x3), last = std::max(path.front().x0, path.back().x3);
  if (X < first - 0.006 || X > last + 0.006) return std::nullopt;
  X = std::clamp(X, first, last);
  for (const auto& b : path) {
    const double lo = std::min(b.x0, b.x3), hi = std::max(b.x0, b.x3);
    if (X < lo - 1e-9 || X > hi + 1e-9) continue;
    double a = 0, z = 1;  // x(t) is monotone on a segment: bisect for x(t) = X
    const bool rising = b.x3 >= b.x0;
    for (int k = 0; k < 100; ++k) {
      const double m = (a + z) / 2;
      if ((b.at(m).first < X) == rising) a = m;
      else z = m;
    }
    return b.at((a + z) / 2).second;
  }
  return std::nullopt;
}

// ---- what a page must show -------------------------------------------------------------------

/// Every reference a page makes to something outside itself: URLs, src, href other than "#...",
/// url(...) other than "#...", @import, <link>, <iframe>, <img>, <object>, <embed>.
inline std::vector<std::string> external_references(const std::string& html) {
  std::vector<std::string> out;
  for (const char* needle : {"http://", "https://", "ftp://", "file://", "@import", "<link", "<iframe", "<img", "<object", "<embed", "src="})
    for (std::size_t at = html.find(needle); at != std::string::npos; at = html.find(needle, at + 1))
      out.push_back(html.substr(at, 60));
  for (const char* attr : {"href=\"", "href='", "url("}) {
    const std::size_t len = std::string(attr).size();
    for (std::size_t at = html.find(attr); at != std::string::npos; at = html.find(attr, at + 1))
      if (html[at + len] != '#') out.push_back(html.substr(at, 60));
  }
  return out;
}

struct expected_chart {
  std::size_t series = 0, points = 0, frontier = 0, markers = 0;
};

// What a chart of this frontier set must show: every row with finite (and, on log axes,
// positive) x and y, every frontier point, a marker where at() answers.
inline expected_chart expect(const inferlens::frontier_set& set, const std::vector<double>& at, bool log, const inferlens::pricing* price) {
  expected_chart e;
  e.series = set.size();
  const auto spec = set.spec();
  for (const auto& s : set) {
    const auto pr = price ? std::optional(price->resolve(s.accelerator())) : std::nullopt;
    for (std::size_t i = 0; i < s.rows().size(); ++i) {
      const auto p = s.rows().point(i);
      if (p.partial || p.completed == 0) continue;
      double x = inferlens::number(p, spec.x), y = inferlens::number(p, spec.y);
      if (inferlens::info(spec.y).economic()) y = pr && *pr ? inferlens::economic_value(spec.y, p, **pr).value_or(NAN) : NAN;
      if (std::isfinite(x) && std::isfinite(y) && (!log || (x > 0 && y > 0))) ++e.points;
    }
    e.frontier += s.points().size();
    for (double x : at)
      if (const auto op = price ? s.at(x, *price) : s.at(x); op && std::isfinite(op->y)) ++e.markers;
  }
  return e;
}

inline void check_chart(const std::string& html, const tag& svg, const expected_chart& e) {
  const std::size_t end = element_end(html, svg);
  const auto circles = tags(html, "circle", svg.begin, end);
  CHECK(with_class(tags(html, "g", svg.begin, end), "series").size() == e.series);
  CHECK(with_class(circles, "pt").size() == e.points);
  CHECK(with_class(circles, "fp").size() == e.frontier);
  CHECK(with_class(circles, "mk").size() == e.markers);
  const svg_view v = svg_view::of(html, svg);
  for (const tag& c : circles) {
    if (!c.get("data-x")) continue;
    CHECK(c.number("data-x") >= v.x_lo);
    CHECK(c.number("data-x") <= v.x_hi);
    CHECK(c.number("data-y") >= v.y_lo);
    CHECK(c.number("data-y") <= v.y_hi);
  }
}

// ---- a synthetic result table ----------------------------------------------------------------

/// One system of the fixture.
struct system_spec {
  std::string hw, framework;
  double peak;       ///< tok/s/GPU at the lowest interactivity
  double x0;         ///< interactivity scale
  std::string image;
};

/// Two workloads (1024/1024 and 8192/1024 of "demo-model" fp8) with three systems each: h100
/// vllm and b200 trt (priced by the presets) and "mystery" sglang (no preset: not priced). Each
/// system has a frontier of 6 concurrencies plus 2 dominated points; one extra row has no TPOT
/// and one is partial (both on no frontier).
inline std::vector<inferlens::benchmark_point> fixture_points() {
  std::vector<inferlens::benchmark_point> out;
  const system_spec systems[] = {{"h100", "vllm", 9000, 60, "vllm/vllm-openai:v0.13.0"},
                                 {"b200-trt", "trt", 24000, 90, "nvcr.io/nvidia/tensorrt-llm:1.2.0"},
                                 {"mystery", "sglang", 15000, 75, "lmsysorg/sglang:v0.5.6"}};
  std::int64_t row = 1;  // rows are numbered from 1
  for (const auto& [isl, osl] : {std::pair<std::int64_t, std::int64_t>{1024, 1024}, {8192, 1024}}) {
    const double scale = isl == 1024 ? 1.0 : 0.6;
    for (const system_spec& s : systems) {
      int k = 0;
      for (std::int64_t conc : {1, 4, 16, 64, 128, 256, 512, 1024}) {
        inferlens::benchmark_point p;
        p.model = "demo-model";
        p.model_raw = "org/demo-model";
        p.hw = s.hw;
        p.framework = s.framework;
        p.precision = "fp8";
        p.spec_decoding = "none";
        p.image = s.image;
        p.isl = isl;
        p.osl = osl;
        p.tp = conc >= 256 ? 8 : 4;
        p.ep = conc >= 512 ? 8 : 1;
        p.dp_attention = conc >= 512;
        p.concurrency = conc;
        p.num_prompts = conc * 10;
        p.completed = conc * 10;
        const double x = 400.0 / std::pow(static_cast<double>(conc), 0.55) + (k % 2 ? 2.0 : 0.0);  // tok/s/user
        double y = scale * s.peak / (1.0 + std::pow(x / s.x0, 1.6));
        if (conc == 128 || conc == 512) y *= 0.7;  // dominated
        const double gpus = static_cast<double>(*p.tp);
        p.tpot.median = 1.0 / x;
        p.tpot.mean = 1.05 / x;
        p.ttft.median = 0.05 + 0.002 * static_cast<double>(conc);
        p.e2el.median = *p.ttft.median + 1023.0 / x;
        p.total_token_throughput = y * gpus;
        p.output_throughput = y * gpus * static_cast<double>(osl) / static_cast<double>(isl + osl);
        p.date = "20260101-12000" + std::to_string(k % 10);
        p.run = isl == 1024 ? "1001" : "1002";
        p.source = isl == 1024 ? "fixture_a.json" : "fixture_b.json";
        p.source_row = row++;
        inferlens::derive(p);
        out.push_back(p);
        ++k;
      }
    }
  }
  inferlens::benchmark_point no_tpot = out.front();  // on no frontier: no TPOT
  no_tpot.tpot = {};
  no_tpot.intvty = {};
  no_tpot.source_row = row++;
  out.push_back(no_tpot);
  inferlens::benchmark_point partial = out[1];
  partial.partial = true;
  partial.source_row = row++;
  out.push_back(partial);
  return out;
}

inline inferlens::result_table fixture_table() { return inferlens::result_table(fixture_points()); }

}  // namespace chart_support
