// Charts from the CLI: `frontier --format svg` (or vega) writes the frontier set as one chart,
// to stdout or --out. The chart itself is the library's (chart.hpp, vega.hpp).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <inferlens/chart.hpp>
#include <inferlens/vega.hpp>
#include <inferlens/write.hpp>

namespace inferlens::cli {

struct chart_cli_options {
  std::string out;  ///< empty: stdout
  bool log_x = false, log_y = false;
  std::string title;
};

/// The frontier set as an SVG or a Vega-Lite spec, with markers and guides at `at`.
inline void write_chart(const frontier_set& set, const std::vector<double>& at, const std::string& format, const chart_cli_options& o) {
  frontier_chart_options co;
  co.at = at;
  co.title = o.title;
  co.x_scale = o.log_x ? axis_scale::log : axis_scale::linear;
  co.y_scale = o.log_y ? axis_scale::log : axis_scale::linear;
  co.width = 860;
  co.height = 560;
  const chart c = frontier_chart(set, co);
  const std::string text = format == "vega" ? vega_lite(c).dump(2) + "\n" : to_svg(c);
  if (o.out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  write_file(o.out, text);
  fmt::print(stderr, "wrote {} ({} systems)\n", o.out, set.size());
}

}  // namespace inferlens::cli
