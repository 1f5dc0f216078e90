// The report in a real browser (headless Chromium): the DOM after the page's script ran, and a
// screenshot, checked for what a person would see: as many charts, series and points as the
// data has, axis ranges that contain the data, tooltips on every mark, the linear/log switch
// showing the other charts, no script error, a screenshot that is not blank and shows the
// series' colours. On the synthetic fixture always, on the shared real set when present.
//
// No Chromium is a failure, not a skip: the test command's dependency step
// (scripts/install-deps.sh) installs Debian's chromium package. Each page is opened by a fresh
// headless Chromium with a generous timeout; nothing here is timed.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <inferlens/load.hpp>
#include <inferlens/report.hpp>
#include <inferlens/write.hpp>

#include "../core/chart_support.hpp"
#include "png.hpp"

namespace {

namespace fs = std::filesystem;
using namespace chart_support;
using inferlens::cols;

std::string g_chromium;

std::string find_chromium() {
  if (const char* env = std::getenv("INFERLENS_CHROMIUM"); env && *env) return env;
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"})
    if (fs::exists(p)) return p;
  return {};
}

struct scratch {
  fs::path dir;
  scratch() {
    dir = fs::temp_directory_path() / ("inferlens-browser-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
  }
  ~scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  scratch(const scratch&) = delete;
  scratch& operator=(const scratch&) = delete;
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs Chromium headless on a URL with extra arguments; stdout comes back.
std::string chromium(const scratch& s, const std::string& url, const std::string& args) {
  static int n = 0;
  const fs::path profile = s.dir / ("profile-" + std::to_string(++n));
  const fs::path log = s.dir / ("chromium-" + std::to_string(n) + ".log");
  const std::string cmd = "timeout 180 " + quote(g_chromium) +
                          " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
                          " --disable-component-update --disable-sync --disable-extensions --hide-scrollbars --mute-audio"
                          " --user-data-dir=" + quote(profile.string()) + " " + args + " " + quote(url) + " 2>" + quote(log.string());
  FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 65536> buf{};
  for (std::size_t got; (got = std::fread(buf.data(), 1, buf.size(), pipe)) > 0;) out.append(buf.data(), got);
  const int rc = pclose(pipe);
  if (!WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
    std::ifstream in(log);
    std::stringstream err;
    err << in.rdbuf();
    FAIL("chromium failed (" << rc << "): " << cmd << "\n" << err.str().substr(0, 4000));
  }
  return out;
}

std::string url_of(const fs::path& p, const std::string& query = {}) { return "file://" + fs::absolute(p).string() + query; }

// What the reader sees in the DOM: charts, series, points, axes, tooltips, no script error.
void check_dom(const std::string& dom, const inferlens::result_table& table, const inferlens::report_options& o, const std::string& axes) {
  const auto html = tags(dom, "html");
  REQUIRE(html.size() == 1);
  CHECK(html[0].get("data-script") == std::optional<std::string>("ok"));
  CHECK(html[0].get("data-axes") == std::optional<std::string>(axes));
  const auto errors = tags(dom, "pre");
  for (const tag& e : errors)
    if (e.get("id") == std::optional<std::string>("script-errors")) {
      CHECK(e.get("hidden").has_value());
      CHECK(inner_text(dom, e).empty());
    }

  const auto workloads = table.groups(o.workload_by);
  const auto sections = with_class(tags(dom, "section"), "workload");
  REQUIRE(sections.size() == workloads.size());
  const auto figures = with_class(tags(dom, "figure"), "chart");
  CHECK(figures.size() == workloads.size() * (o.price ? 4 : 2));
  CHECK(html[0].get("data-charts") == std::optional<std::string>(std::to_string(figures.size())));

  std::size_t marks = 0;
  for (const tag& sec : sections) {
    // the section's workload, found by its label
    const std::string label = *sec.get("data-workload");
    const inferlens::result_table* rows = nullptr;
    for (const auto& w : workloads)
      if (inferlens::detail::workload_label(w.key, o.workload_by) == label) rows = &w.rows;
    REQUIRE(rows != nullptr);
    const std::size_t end = element_end(dom, sec);
    const auto figs = tags(dom, "figure", sec.begin, end);
    for (const tag& f : figs) {
      const std::string kind = *f.get("data-kind");
      CAPTURE(label);
      CAPTURE(kind);
      inferlens::frontier_spec spec;
      spec.price = o.price;
      if (kind == "cost") spec.y = cols::usd_per_mtok;
      if (kind == "mw") spec.y = cols::tok_per_s_per_mw;
      if (kind == "e2el") spec.x = cols::median_e2el;
      const auto set = rows->frontiers(spec);
      const std::vector<double> at = kind == "e2el" ? std::vector<double>{} : o.at;
      const auto svgs = tags(dom, "svg", f.begin, element_end(dom, f));
      REQUIRE(svgs.size() == 2);
      check_chart(dom, svgs[0], expect(set, at, false, o.price ? &*o.price : nullptr));
      check_chart(dom, svgs[1], expect(set, at, true, o.price ? &*o.price : nullptr));
      // series names in the legend and the chart agree
      const auto legend = tags(dom, "button", sec.begin, end);
      CHECK(legend.size() == set.size());
    }
  }
  for (const tag& c : tags(dom, "circle"))
    if (c.has_class("pt") || c.has_class("fp") || c.has_class("mk")) ++marks;
  CHECK(html[0].get("data-marks") == std::optional<std::string>(std::to_string(marks)));
  CHECK(marks > 0);
}

// A screenshot a person would not call blank: the page's size, many colours, much that is not
// background, and the series' palette colours drawn.
void check_screenshot(const fs::path& file, std::size_t min_colours) {
  const png::image img = png::read(file.string());
  CHECK(img.width == 1280);
  CHECK(img.height == 900);
  const auto hist = img.histogram();
  std::size_t background = 0;
  for (const auto& [colour, n] : hist) background = std::max(background, n);
  const double covered = 1.0 - static_cast<double>(background) / static_cast<double>(img.rgba.size());
  MESSAGE(file.filename().string() << ": " << hist.size() << " colours, " << static_cast<int>(covered * 100) << "% not background");
  CHECK(hist.size() >= min_colours);
  CHECK(covered > 0.05);
  std::size_t palette_seen = 0;
  for (const char* hex : {"#0072B2", "#D55E00", "#009E73"}) {
    const std::uint32_t rgb = static_cast<std::uint32_t>(std::stoul(std::string(hex + 1), nullptr, 16));
    std::size_t n = 0;
    for (const auto& [colour, count] : hist)
      if ((colour >> 8) == rgb) n += count;
    palette_seen += n >= 20;
  }
  CHECK(palette_seen == 3);
}

void check_report(const inferlens::result_table& table, const inferlens::report_options& o, const std::string& name) {
  scratch s;
  const fs::path page = s.dir / (name + ".html");
  inferlens::write_file(page, inferlens::html_report(table, o));
  CHECK(external_references(inferlens::html_report(table, o)).empty());

  SUBCASE("linear") {
    const std::string dom = chromium(s, url_of(page), "--dump-dom");
    check_dom(dom, table, o, "linear");
  }
  SUBCASE("log") {
    const std::string dom = chromium(s, url_of(page, "?axes=log"), "--dump-dom");
    check_dom(dom, table, o, "log");
  }
  SUBCASE("screenshots") {
    const fs::path shot = s.dir / (name + ".png"), log_shot = s.dir / (name + "-log.png"), blank_shot = s.dir / "blank.png";
    chromium(s, url_of(page), "--window-size=1280,900 --screenshot=" + quote(shot.string()));
    REQUIRE(fs::exists(shot));
    check_screenshot(shot, 200);
    chromium(s, url_of(page, "?axes=log"), "--window-size=1280,900 --screenshot=" + quote(log_shot.string()));
    REQUIRE(fs::exists(log_shot));
    check_screenshot(log_shot, 200);
    // the checks tell a blank page from a report
    const fs::path blank = s.dir / "blank.html";
    std::ofstream(blank) << "<!DOCTYPE html><html><body></body></html>";
    chromium(s, url_of(blank), "--window-size=1280,900 --screenshot=" + quote(blank_shot.string()));
    const png::image b = png::read(blank_shot.string());
    CHECK(b.histogram().size() <= 2);
    if (const char* keep = std::getenv("INFERLENS_KEEP_SCREENSHOT"); keep && *keep) fs::copy_file(shot, keep, fs::copy_options::overwrite_existing);
  }
}

}  // namespace

TEST_CASE("browser: the report of the synthetic fixture") {
  inferlens::report_options o;
  o.at = {30, 60, 120};
  check_report(fixture_table(), o, "fixture");
}

TEST_CASE("browser: the report without economics") {
  inferlens::report_options o;
  o.price.reset();
  check_report(fixture_table(), o, "unpriced");
}

TEST_CASE("browser: the report of the real InferenceMAX set") {
  const fs::path real = fs::path(INFERLENS_SHARED_DATA_DIR) / "inferencemax" / "agg_bmk";
  if (!fs::exists(real)) {
    MESSAGE("no shared real data at " << real.string() << ": only the fixture was checked");
    return;
  }
  check_report(inferlens::load(real), inferlens::report_options{}, "agg_bmk");
}

TEST_CASE("browser: the bench report") {
  inferlens::bench_report_data d;
  const auto points = fixture_points();
  for (std::size_t i = 0; i < 8; ++i) {
    inferlens::bench_point_data p;
    p.point = points[i];
    for (int k = 1; k <= 40; ++k) {
      p.ttft_s.push_back(0.02 * k);
      p.tpot_s.push_back(0.002 * k);
      p.itl_s.push_back(0.002 * k);
      p.e2el_s.push_back(0.4 * k);
    }
    for (int k = 0; k < 30; ++k) p.timeline.push_back({0.5 * k, static_cast<double>(*p.point.concurrency), 50.0 * k});
    d.points.push_back(std::move(p));
  }
  scratch s;
  const fs::path page = s.dir / "bench.html";
  inferlens::write_file(page, inferlens::bench_report_html(d, {}));
  const std::string dom = chromium(s, url_of(page), "--dump-dom");
  const auto html = tags(dom, "html");
  REQUIRE(html.size() == 1);
  CHECK(html[0].get("data-script") == std::optional<std::string>("ok"));
  CHECK(with_class(tags(dom, "figure"), "chart").size() == 8);
  CHECK(with_class(tags(dom, "path"), "polyline").size() == 2 * (4 + 2) * 8);  // CDFs and timelines, linear and log
}

int main(int argc, char** argv) {
  g_chromium = find_chromium();
  if (g_chromium.empty()) {
    std::cerr << "FAILED: no Chromium found (looked for $INFERLENS_CHROMIUM, /usr/bin/chromium, chromium-browser, google-chrome);\n"
                 "scripts/install-deps.sh installs Debian's chromium package, which this test needs.\n";
    return 1;
  }
  std::cout << "browser: " << g_chromium << "\n";
  doctest::Context ctx(argc, argv);
  return ctx.run();
}
