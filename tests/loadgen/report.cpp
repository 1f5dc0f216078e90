// A sweep's report.html, against the simulated server on loopback: written into the output
// directory at the end of the sweep, self-contained, with the sweep's frontier (every point a
// mark), the latency CDFs and the timelines of every point. Only counts and what the sweep
// itself measured are asserted, nothing timed.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <inferlens/loadgen/report.hpp>
#include <inferlens/loadgen/sweep.hpp>
#include <inferlens/sim/server.hpp>

#include "../core/chart_support.hpp"

namespace lg = inferlens::loadgen;
namespace sim = inferlens::sim;
using namespace chart_support;

namespace {

struct report_scratch {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("inferlens-report-" + std::to_string(std::random_device{}()));
  ~report_scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_SUITE("loadgen.report") {
  TEST_CASE("a sweep writes report.html with its frontier, latency distributions and timelines") {
    report_scratch s;
    sim::server_options so;
    so.time_scale = 0.05;
    sim::server srv(so);
    srv.start();
    lg::sweep_options o;
    o.client.url = srv.base_url();
    o.client.request.model = srv.options().model_name;
    o.prompts_per_concurrency = 3;
    o.warmups_per_concurrency = 1;
    o.out_dir = s.dir;
    o.run_id = "rep1";
    o.report_facts.emplace_back("command", "a test");
    inferlens::benchmark_point id;
    id.hw = "cpu-sim";
    id.framework = "sim";
    id.tp = 1;
    const std::pair<std::int64_t, std::int64_t> sl[] = {{64, 16}};
    const std::int64_t concs[] = {1, 2, 4};
    const auto points = lg::grid(id, sl, concs);
    const auto results = lg::run_sweep(o, points);
    srv.stop();
    REQUIRE(results.size() == 3);

    const auto file = s.dir / "report.html";
    REQUIRE(std::filesystem::exists(file));
    const std::string html = slurp(file);
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(external_references(html).empty());
    CHECK(html.find("rep1") != std::string::npos);
    CHECK(html.find("a test") != std::string::npos);

    // the points table: one row per point, labelled as the sweep labels them
    const auto tables = with_class(tags(html, "table"), "points");
    REQUIRE(tables.size() == 1);
    const std::size_t end = element_end(html, tables[0]);
    CHECK(tags(html, "tr", tables[0].begin, end).size() == 1 + results.size());
    for (const auto& r : results) CHECK(inner_text(html, tables[0]).find(lg::detail::point_label(r.spec)) != std::string::npos);
    for (const auto& r : results) CHECK(html.find(lg::detail::relative_to(r.result_file, s.dir)) != std::string::npos);

    // the frontier chart: every point a mark, in linear and in log
    std::size_t frontier_figures = 0;
    for (const tag& f : with_class(tags(html, "figure"), "chart")) {
      const std::string kind = f.get("data-kind").value_or("");
      const std::size_t fend = element_end(html, f);
      const auto svgs = tags(html, "svg", f.begin, fend);
      REQUIRE(svgs.size() == 2);
      if (kind == "tput") {
        ++frontier_figures;
        for (const tag& svg : svgs) {
          const auto circles = tags(html, "circle", svg.begin, element_end(html, svg));
          CHECK(with_class(circles, "pt").size() == results.size());
          CHECK(with_class(circles, "fp").size() >= 1);
        }
      }
      if (kind == "cdf" || kind == "timeline") {
        // one polyline per point (each point has samples and a timeline)
        for (const tag& svg : svgs) CHECK(with_class(tags(html, "path", svg.begin, element_end(html, svg)), "polyline").size() == results.size());
      }
    }
    CHECK(frontier_figures == 1);
    CHECK(with_class(tags(html, "figure"), "chart").size() == 2 + 4 + 2);  // frontier, vs E2EL; 4 CDFs; 2 timelines

    // the timeline: as many requests in flight as the concurrency at some moment, never more
    for (const auto& r : results) {
      REQUIRE_FALSE(r.timeline.empty());
      double most = 0, tokens = 0;
      for (const auto& t : r.timeline) {
        most = std::max(most, t.in_flight);
        tokens += t.output_tokens_per_s * (r.timeline[1].t_s - r.timeline[0].t_s);
      }
      CHECK(most <= static_cast<double>(*r.spec.concurrency) + 1e-9);
      CHECK(most > 0);
      CHECK(tokens == doctest::Approx(static_cast<double>(r.summary.total_output_tokens)).epsilon(0.02));
    }
  }

  TEST_CASE("report_point: samples and notes from the aggregate") {
    lg::run_summary s;
    s.point.concurrency = 8;
    s.ttft_samples = {0.1, 0.2};
    s.tpot_samples = {0.01};
    s.itl_samples = {0.01, 0.02, 0.03};
    s.e2el_samples = {1.0, 2.0};
    s.errors[static_cast<std::size_t>(lg::error_kind::http_status)] = 2;
    s.first_error[static_cast<std::size_t>(lg::error_kind::http_status)] = "HTTP 503";
    const auto d = lg::report_point(s);
    CHECK(d.ttft_s.size() == 2);
    CHECK(d.itl_s.size() == 3);
    REQUIRE(d.notes.size() == 1);
    CHECK(d.notes[0].find("HTTP 503") != std::string::npos);
  }
}
