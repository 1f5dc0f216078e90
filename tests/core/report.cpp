// The HTML report as text: one figure per chart with a linear and a log SVG, series and points
// as many as the data has, rankings equal to system_frontier::at(), every mark's tooltip
// resolvable, the inventory, no external reference of any kind; the bench variant and its
// timeline. The same page in a real browser: tests/browser/report_browser.cpp.
#include <doctest/doctest.h>

#include <inferlens/frontier.hpp>
#include <inferlens/load.hpp>
#include <inferlens/pricing.hpp>
#include <inferlens/report.hpp>
#include <inferlens/write.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "chart_support.hpp"

namespace {

using namespace chart_support;
using inferlens::cols;

std::string fixture_json() { return inferlens::to_json_text(fixture_table()); }

}  // namespace

TEST_CASE("report: per workload, four charts in linear and log, with every system and point") {
  const auto table = inferlens::parse(fixture_json(), "fixture.json");
  inferlens::report_options o;
  o.price = inferlens::pricing::preset(inferlens::tier::neocloud);
  o.at = {30, 60, 120};
  const std::string html = inferlens::html_report(table, o);

  const auto sections = with_class(tags(html, "section"), "workload");
  REQUIRE(sections.size() == 2);
  const auto workloads = table.groups(o.workload_by);
  REQUIRE(workloads.size() == 2);
  for (std::size_t w = 0; w < 2; ++w) {
    const std::size_t end = element_end(html, sections[w]);
    const auto figures = tags(html, "figure", sections[w].begin, end);
    REQUIRE(figures.size() == 4);
    CHECK(tags(html, "button", sections[w].begin, end).size() == 3);  // the legend
    inferlens::frontier_spec spec;
    spec.price = o.price;
    const char* kinds[] = {"tput", "cost", "mw", "e2el"};
    for (std::size_t f = 0; f < 4; ++f) {
      CAPTURE(kinds[f]);
      CHECK(figures[f].get("data-kind") == std::optional<std::string>(kinds[f]));
      inferlens::frontier_spec s = spec;
      if (f == 1) s.y = cols::usd_per_mtok;
      if (f == 2) s.y = cols::tok_per_s_per_mw;
      if (f == 3) s.x = cols::median_e2el;
      const auto set = workloads[w].rows.frontiers(s);
      const std::vector<double> at = f == 3 ? std::vector<double>{} : o.at;
      const auto svgs = tags(html, "svg", figures[f].begin, element_end(html, figures[f]));
      REQUIRE(svgs.size() == 2);
      CHECK(svgs[0].has_class("v-lin"));
      CHECK(svgs[1].has_class("v-log"));
      CHECK(svgs[1].get("data-y-scale") == std::optional<std::string>("log"));
      check_chart(html, svgs[0], expect(set, at, false, &*o.price));
      check_chart(html, svgs[1], expect(set, at, true, &*o.price));
    }
  }
  // the linear/log switch works without the script: two radios and the CSS that follows them
  CHECK(html.find("id=\"scale-lin\" class=\"scale\" checked") != std::string::npos);
  CHECK(html.find("#scale-lin:checked~main .v-log,#scale-log:checked~main .v-lin{display:none}") != std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
}

TEST_CASE("report: rankings at each interactivity are system_frontier::at(x, price)") {
  const auto table = fixture_table();
  inferlens::report_options o;
  o.at = {30, 60, 120};
  const std::string html = inferlens::html_report(table, o);
  const auto rankings = with_class(tags(html, "table"), "ranking");
  REQUIRE(rankings.size() == 2 * o.at.size());
  std::size_t compared = 0, not_priced = 0;
  const auto set = table.frontiers(inferlens::frontier_spec{});
  for (const tag& t : rankings) {
    const double x = t.number("data-at");
    const auto rows = tags(html, "tr", t.begin, element_end(html, t));
    double best = NAN, previous = INFINITY;
    for (const tag& r : rows) {
      const auto name = r.get("data-system");
      if (!name) continue;
      const auto* sys = set.find(*name);
      REQUIRE(sys != nullptr);
      const auto op = sys->at(x, *o.price);
      const std::size_t end = element_end(html, r);
      const auto cells = tags(html, "td", r.begin, end);
      const auto tput = with_class(cells, "tput");
      if (!op) {
        CHECK(tput.empty());
        CHECK(r.has_class("out"));
        continue;
      }
      REQUIRE(tput.size() == 1);
      CHECK(tput[0].number("data-v") == doctest::Approx(op->tput_per_gpu).epsilon(1e-12));
      CHECK(op->tput_per_gpu <= previous);  // best first
      previous = op->tput_per_gpu;
      if (std::isnan(best)) best = op->tput_per_gpu;
      CHECK(with_class(cells, "ratio")[0].number("data-v") == doctest::Approx(op->tput_per_gpu / best));
      const auto cost = with_class(cells, "cost");
      if (op->priced()) {
        REQUIRE(cost.size() == 1);
        CHECK(cost[0].number("data-v") == doctest::Approx(op->usd_per_mtok).epsilon(1e-12));
        CHECK(with_class(cells, "mw")[0].number("data-v") == doctest::Approx(op->tok_per_s_per_mw).epsilon(1e-12));
      } else {
        CHECK(cost.empty());
        CHECK(inner_text(html, r).find("not priced") != std::string::npos);
        ++not_priced;
      }
      ++compared;
    }
  }
  CHECK(compared >= 12);
  CHECK(not_priced >= 2);  // "mystery" has no preset
}

TEST_CASE("report: every mark has a tooltip with its configuration and source row") {
  const auto table = fixture_table();
  const std::string html = inferlens::html_report(table, {});
  const auto tips_tag = tags(html, "script");
  std::string json;
  for (const tag& t : tips_tag)
    if (t.get("id") == std::optional<std::string>("tips")) json = inner_text(html, t);
  REQUIRE(!json.empty());
  CHECK(json.find("</") == std::string::npos);
  const auto tips = nlohmann::json::parse(json);
  REQUIRE(tips.is_array());
  CHECK(tips.size() == table.size());  // one per row of the table
  std::size_t marks = 0;
  for (const tag& c : tags(html, "circle")) {
    if (!(c.has_class("pt") || c.has_class("fp") || c.has_class("mk"))) continue;
    ++marks;
    if (const auto ref = c.get("data-ref")) {
      const auto i = static_cast<std::size_t>(std::stoul(*ref));
      REQUIRE(i < tips.size());
      const std::string t = tips[i];
      CHECK(t.find("concurrency ") != std::string::npos);
      CHECK(t.find(" row ") != std::string::npos);
      CHECK(t.find("image ") != std::string::npos);
    } else {
      REQUIRE(c.get("data-tip"));
      CHECK(c.has_class("mk"));
      CHECK(c.get("data-tip")->find(" at ") != std::string::npos);
    }
  }
  CHECK(marks > 100);
}

TEST_CASE("report: the inventory lists files, runs, images, prices and rows on no frontier") {
  const auto table = inferlens::parse(fixture_json(), "fixture.json");
  const std::string html = inferlens::html_report(table, {});
  const auto inv = tags(html, "section");
  const auto it = std::find_if(inv.begin(), inv.end(), [](const tag& t) { return t.get("id") == std::optional<std::string>("inventory"); });
  REQUIRE(it != inv.end());
  const std::string text = inner_text(html, *it);
  CHECK(text.find("fixture.json") != std::string::npos);
  CHECK(text.find("inferlens_json") != std::string::npos);
  CHECK(text.find(">1001<") != std::string::npos);  // runs
  CHECK(text.find(">1002<") != std::string::npos);
  CHECK(text.find("nvcr.io/nvidia/tensorrt-llm:1.2.0") != std::string::npos);
  CHECK(text.find("partial measurement") != std::string::npos);
  CHECK(text.find("no median_tpot") != std::string::npos);
  CHECK(text.find("20260101-120000 – 20260101-120007") != std::string::npos);  // dates
  // prices: a preset accelerator priced, the one without a preset says why
  const auto prices = with_class(tags(html, "table", it->begin, element_end(html, *it)), "prices");
  REQUIRE(prices.size() == 1);
  const std::string p = inner_text(html, prices[0]);
  CHECK(p.find("h100") != std::string::npos);
  CHECK(p.find("mystery") != std::string::npos);
  CHECK(p.find("preset") != std::string::npos);
}

TEST_CASE("report: no external reference, even for data that looks like addresses") {
  auto points = fixture_points();
  points[0].image = "https://registry.example.com/vllm:latest";
  points[1].source = "http://example.com/results.json";
  points[2].framework = "<script>alert(1)</script>";
  const std::string html = inferlens::html_report(inferlens::result_table(points), {});
  CHECK(external_references(html).empty());
  for (const auto& r : external_references(html)) CAPTURE(r);
  CHECK(html.find("<script>alert(1)") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  // still shown as written (entities in HTML, \u escapes in the tooltip table)
  CHECK(html.find("https&#58;//registry.example.com/vllm:latest") != std::string::npos);
  CHECK(html.find("https\\u003a//registry.example.com/vllm:latest") != std::string::npos);
  // the real set, when the shared data is present
  const std::filesystem::path real = std::filesystem::path(INFERLENS_SHARED_DATA_DIR) / "inferencemax" / "agg_bmk";
  if (std::filesystem::exists(real)) {
    const std::string page = inferlens::html_report(inferlens::load(real), {});
    CHECK(external_references(page).empty());
    CHECK(with_class(tags(page, "section"), "workload").size() == 9);
  }
}

TEST_CASE("report: without pricing, and with no rows") {
  inferlens::report_options o;
  o.price.reset();
  const std::string html = inferlens::html_report(fixture_table(), o);
  CHECK(tags(html, "figure").size() == 2 * 2);  // throughput against interactivity and E2EL
  CHECK(html.find("$/Mtok") == std::string::npos);
  const std::string empty = inferlens::html_report(inferlens::result_table{}, {});
  CHECK(empty.find("No rows") != std::string::npos);
  CHECK(tags(empty, "figure").empty());
  CHECK(empty.find("id=\"tips\">[]</script>") != std::string::npos);
}

TEST_CASE("bench report: timeline from request times") {
  // two requests: [0, 2] and [1, 3]; chunks at 0.5, 1.5 (1 token each) and 2.5 (4 tokens)
  std::vector<inferlens::bench_request_times> r(2);
  r[0] = {0.0, 2.0, {0.5, 1.5}, {}};
  r[1] = {1.0, 3.0, {2.5}, {4}};
  const auto t = inferlens::bench_timeline(r, 3);  // bins of 1 s
  REQUIRE(t.size() == 3);
  CHECK(t[0].t_s == doctest::Approx(0.5));
  CHECK(t[0].in_flight == doctest::Approx(1.0));
  CHECK(t[1].in_flight == doctest::Approx(2.0));
  CHECK(t[2].in_flight == doctest::Approx(1.0));
  CHECK(t[0].output_tokens_per_s == doctest::Approx(1.0));
  CHECK(t[1].output_tokens_per_s == doctest::Approx(1.0));
  CHECK(t[2].output_tokens_per_s == doctest::Approx(4.0));
  CHECK(inferlens::bench_timeline({}, 10).empty());
}

TEST_CASE("bench report: frontier, CDFs per point, timelines, points table") {
  inferlens::bench_report_data d;
  d.title = "bench demo";
  d.facts = {{"server", "http://127.0.0.1:8000"}, {"model", "demo"}};
  const auto points = fixture_points();
  for (std::size_t i = 0; i < 6; ++i) {
    inferlens::bench_point_data p;
    p.point = points[i];
    p.point.hw = "sim";
    p.point.accelerator = "sim";
    for (int k = 1; k <= 50; ++k) {
      p.ttft_s.push_back(0.01 * k * static_cast<double>(i + 1));
      p.tpot_s.push_back(0.001 * k);
      p.e2el_s.push_back(0.5 * k);
    }
    for (int k = 0; k < 1000; ++k) p.itl_s.push_back(0.0001 * k + 0.001);
    for (int k = 0; k < 20; ++k) p.timeline.push_back({k * 0.5, static_cast<double>(*p.point.concurrency), 100.0 * k});
    if (i == 2) p.notes.push_back("3 failed: http 500");
    d.points.push_back(std::move(p));
  }
  d.files = {"out/results/c1.json"};
  const std::string html = inferlens::bench_report_html(d, {});
  CHECK(external_references(html).empty());
  const auto figures = tags(html, "figure");
  REQUIRE(figures.size() == 2 + 4 + 2);
  // CDFs: one step line per point, at most 400 steps, ending at 1
  for (std::size_t f = 2; f < 6; ++f) {
    const auto svgs = tags(html, "svg", figures[f].begin, element_end(html, figures[f]));
    REQUIRE(svgs.size() == 2);
    const auto lines = with_class(tags(html, "path", svgs[0].begin, element_end(html, svgs[0])), "polyline");
    CHECK(lines.size() == 6);
    for (const tag& l : lines) CHECK(std::stoul(*l.get("data-count")) <= 400);
    const svg_view v = svg_view::of(html, svgs[0]);
    CHECK(v.y_hi == 1.0);
  }
  // the frontier chart: the sweep's points
  const auto svg = tags(html, "svg", figures[0].begin, element_end(html, figures[0]))[0];
  CHECK(with_class(tags(html, "circle", svg.begin, element_end(html, svg)), "pt").size() == 6);
  CHECK(html.find("3 failed: http 500") != std::string::npos);
  CHECK(html.find("127.0.0.1") != std::string::npos);
}

TEST_CASE("report: on the real set, every ring is the value `frontier --at` prints") {
  const std::filesystem::path real = std::filesystem::path(INFERLENS_SHARED_DATA_DIR) / "inferencemax" / "agg_bmk";
  if (!std::filesystem::exists(real)) return;
  const inferlens::result_table table = inferlens::load(real);
  const inferlens::report_options o;  // --at 50,100,200, hyperscaler pricing: the CLI's defaults
  const std::string page = inferlens::html_report(table, o);
  const auto workloads = table.groups(o.workload_by);
  std::size_t compared = 0, expected = 0;
  for (const tag& sec : with_class(tags(page, "section"), "workload")) {
    const std::string label = *sec.get("data-workload");
    CAPTURE(label);
    const inferlens::result_table* rows = nullptr;
    for (const auto& w : workloads)
      if (inferlens::detail::workload_label(w.key, o.workload_by) == label) rows = &w.rows;
    REQUIRE(rows != nullptr);
    inferlens::frontier_spec spec;  // what `inferlens frontier --at` evaluates
    spec.group_by = o.group_by;
    spec.price = o.price;
    const inferlens::frontier_set set = rows->frontiers(spec);
    for (const auto& s : set)
      for (double x : o.at)
        if (s.at(x, *o.price)) expected += 3 * 2;  // throughput, cost, per MW; linear and log
    const std::size_t sec_end = element_end(page, sec);
    for (const tag& fig : tags(page, "figure", sec.begin, sec_end)) {
      const std::string kind = *fig.get("data-kind");
      if (kind != "tput" && kind != "cost" && kind != "mw") continue;
      for (const tag& g : with_class(tags(page, "g", fig.begin, element_end(page, fig)), "series")) {
        const std::string name = *g.get("data-name");
        const inferlens::system_frontier* sys = nullptr;
        for (const auto& s : set)
          if (inferlens::detail::system_label(s.key(), o.workload_by) == name) sys = &s;
        REQUIRE(sys != nullptr);
        for (const tag& mk : with_class(tags(page, "circle", g.begin, element_end(page, g)), "mk")) {
          const double x = mk.number("data-x"), y = mk.number("data-y");
          const auto op = sys->at(x, *o.price);
          REQUIRE(op.has_value());
          const double want = kind == "tput" ? op->tput_per_gpu : kind == "cost" ? op->usd_per_mtok : op->tok_per_s_per_mw;
          CAPTURE(name);
          CAPTURE(kind);
          CAPTURE(x);
          CHECK(y == doctest::Approx(want).epsilon(1e-8));  // written with 9 significant digits
          ++compared;
        }
      }
    }
  }
  CHECK(compared == expected);
  CHECK(compared > 0);
}
