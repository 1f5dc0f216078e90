// Comparing runs and the regression gate: ratio curves against an independent brute-force
// computation (O(n²) frontier, Steffen written out again here), planted regressions and
// frontiers cut short that must fail with the right system and range, unchanged and noisy copies
// that must pass, repeats with intervals, the statistics against textbook values, JSON,
// Markdown and JUnit XML read back, the assertion used from doctest, and (when the shared data
// is present) real vLLM v0.11.2 -> v0.13.0 runs.
#include <doctest/doctest.h>

#include <inferlens/compare.hpp>
#include <inferlens/load.hpp>
#include <inferlens/testing.hpp>
#include <inferlens/write.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace il = inferlens;
using il::benchmark_point;
using il::cols;
using il::result_table;
using il::verdict;

bool has(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

// ---- fixtures -------------------------------------------------------------------------------

// A system's true trade-off: interactivity falls and throughput per GPU rises with concurrency.
const std::vector<int> concurrencies{1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
double true_intvty(int c, double speed = 1.0) { return speed * 300.0 / std::pow(1.0 + 0.15 * c, 0.6); }
double true_tput(int c, double speed = 1.0) { return speed * 400.0 * c / (1.0 + 0.02 * c); }

benchmark_point make_point(const std::string& hw, int conc, double intvty, double tput, const std::string& image = "engine:1",
                           const std::string& run = "1", const std::string& framework = "vllm") {
  benchmark_point p;
  p.model = "demo-model";
  p.framework = framework;
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

// One system on the true curve, each point's throughput multiplied by factor(concurrency).
std::vector<benchmark_point> system_points(const std::string& hw, double speed = 1.0,
                                           const std::function<double(int)>& factor = {},
                                           const std::string& image = "engine:1", const std::string& run = "1") {
  std::vector<benchmark_point> out;
  for (int c : concurrencies)
    out.push_back(make_point(hw, c, true_intvty(c, speed), true_tput(c, speed) * (factor ? factor(c) : 1.0), image, run));
  return out;
}

result_table table_of(std::initializer_list<std::vector<benchmark_point>> parts) {
  std::vector<benchmark_point> all;
  for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  return result_table(all);
}

// Repeats: each point `n` times, y multiplied by independent noise of relative size sigma and x
// by noise a tenth of that (where the frontier is steep, noise in x is noise in y at a fixed x
// many times over).
std::vector<benchmark_point> repeated(const std::vector<benchmark_point>& pts, std::size_t n, double sigma, std::uint64_t seed,
                                      const std::string& tag, double sigma_x = -1) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  if (sigma_x < 0) sigma_x = sigma / 10;
  std::vector<benchmark_point> out;
  for (std::size_t r = 0; r < n; ++r)
    for (const benchmark_point& p : pts) {
      const double fx = 1 + sigma_x * noise(rng), fy = 1 + sigma * noise(rng);
      benchmark_point q = make_point(p.hw, static_cast<int>(*p.concurrency), *p.intvty.median * fx, *p.tput_per_gpu * fy, p.image,
                                     tag + "-r" + std::to_string(r + 1));
      out.push_back(q);
    }
  return out;
}

// ---- an independent oracle -------------------------------------------------------------------

// O(n²): a point survives unless another has x and y at least as large and one larger; of
// exact duplicates the first survives.
std::vector<std::pair<double, double>> brute_frontier(const std::vector<std::pair<double, double>>& pts) {
  std::vector<std::pair<double, double>> out;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    bool dominated = false;
    for (std::size_t j = 0; j < pts.size() && !dominated; ++j) {
      const auto [xp, yp] = pts[i];
      const auto [xq, yq] = pts[j];
      dominated = (xq >= xp && yq >= yp && (xq > xp || yq > yp)) || (j < i && xq == xp && yq == yp);
    }
    if (!dominated) out.push_back(pts[i]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Steffen's monotone cubic (d3.curveMonotoneX), written from the formulas; nothing outside.
std::optional<double> steffen(const std::vector<std::pair<double, double>>& k, double x) {
  const std::size_t n = k.size();
  if (n == 0 || x < k.front().first || x > k.back().first) return std::nullopt;
  if (n == 1) return k[0].second;
  std::size_t i = 0;
  while (i + 2 < n && x > k[i + 1].first) ++i;
  const auto h = [&](std::size_t j) { return k[j + 1].first - k[j].first; };
  const auto s = [&](std::size_t j) { return (k[j + 1].second - k[j].second) / h(j); };
  const auto sign = [](double v) { return v < 0 ? -1.0 : 1.0; };
  std::vector<double> m(n, 0.0);
  if (n == 2) {
    m[0] = m[1] = s(0);
  } else {
    for (std::size_t j = 1; j + 1 < n; ++j) {
      const double p = (s(j - 1) * h(j) + s(j) * h(j - 1)) / (h(j - 1) + h(j));
      m[j] = (sign(s(j - 1)) + sign(s(j))) * std::min({std::abs(s(j - 1)), std::abs(s(j)), 0.5 * std::abs(p)});
    }
    m[0] = (3 * s(0) - m[1]) / 2;
    m[n - 1] = (3 * s(n - 2) - m[n - 2]) / 2;
  }
  const double t = (x - k[i].first) / h(i), t2 = t * t, t3 = t2 * t;
  const double v = (2 * t3 - 3 * t2 + 1) * k[i].second + (t3 - 2 * t2 + t) * h(i) * m[i] + (-2 * t3 + 3 * t2) * k[i + 1].second +
                   (t3 - t2) * h(i) * m[i + 1];
  return std::max(0.0, v);
}

std::vector<std::pair<double, double>> xy_of(const std::vector<benchmark_point>& pts) {
  std::vector<std::pair<double, double>> out;
  for (const auto& p : pts) out.emplace_back(*p.intvty.median, *p.tput_per_gpu);
  return out;
}

const il::system_comparison& only(const il::comparison& c, const std::string& hw) {
  for (const auto& s : c.systems)
    if (s.key[cols::accelerator] == hw) return s;
  FAIL("no system " << hw);
  return c.systems.front();
}

const il::gate_region* region_of(const il::system_comparison& s, verdict v) {
  for (const auto& r : s.regions)
    if (r.status == v) return &r;
  return nullptr;
}

// ---- a small XML reader, to check the JUnit file's structure -------------------------------

struct xml_element {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::vector<xml_element> children;
  std::string text;
  std::vector<const xml_element*> all(const std::string& n) const {
    std::vector<const xml_element*> out;
    for (const auto& c : children)
      if (c.name == n) out.push_back(&c);
    return out;
  }
};

class xml_reader {
 public:
  explicit xml_reader(std::string s) : s_(std::move(s)) {}
  xml_element document() {
    skip_space();
    if (s_.compare(i_, 5, "<?xml") == 0) {
      const auto end = s_.find("?>", i_);
      REQUIRE(end != std::string::npos);
      i_ = end + 2;
    }
    skip_space();
    xml_element root = element();
    skip_space();
    CHECK_MESSAGE(i_ == s_.size(), "content after the root element");
    return root;
  }

 private:
  std::string s_;
  std::size_t i_ = 0;
  void skip_space() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  std::string name() {
    const std::size_t start = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' || s_[i_] == '_' || s_[i_] == ':')) ++i_;
    REQUIRE_MESSAGE(i_ > start, "expected a name at byte " << start);
    return s_.substr(start, i_ - start);
  }
  std::string decode(const std::string& raw) {
    std::string out;
    for (std::size_t k = 0; k < raw.size(); ++k) {
      REQUIRE_MESSAGE(raw[k] != '<', "raw '<' in text");
      if (raw[k] != '&') {
        out += raw[k];
        continue;
      }
      const auto semi = raw.find(';', k);
      REQUIRE_MESSAGE(semi != std::string::npos, "unterminated entity");
      const std::string e = raw.substr(k + 1, semi - k - 1);
      static const std::map<std::string, char> entities{{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
      REQUIRE_MESSAGE(entities.count(e), "unknown entity &" << e << ";");
      out += entities.at(e);
      k = semi;
    }
    return out;
  }
  xml_element element() {
    REQUIRE(s_[i_] == '<');
    ++i_;
    xml_element e;
    e.name = name();
    for (;;) {
      skip_space();
      REQUIRE(i_ < s_.size());
      if (s_[i_] == '/') {
        REQUIRE(s_.compare(i_, 2, "/>") == 0);
        i_ += 2;
        return e;
      }
      if (s_[i_] == '>') {
        ++i_;
        break;
      }
      const std::string key = name();
      REQUIRE(s_[i_] == '=');
      ++i_;
      REQUIRE(s_[i_] == '"');
      const auto end = s_.find('"', i_ + 1);
      REQUIRE(end != std::string::npos);
      CHECK_MESSAGE(!e.attributes.count(key), "attribute given twice: " << key);
      e.attributes[key] = decode(s_.substr(i_ + 1, end - i_ - 1));
      i_ = end + 1;
    }
    for (;;) {
      const auto lt = s_.find('<', i_);
      REQUIRE(lt != std::string::npos);
      e.text += decode(s_.substr(i_, lt - i_));
      i_ = lt;
      if (s_.compare(i_, 2, "</") == 0) {
        i_ += 2;
        const std::string closing = name();
        REQUIRE_MESSAGE(closing == e.name, "</" << closing << "> closes <" << e.name << ">");
        REQUIRE(s_[i_] == '>');
        ++i_;
        return e;
      }
      e.children.push_back(element());
    }
  }
};

// A stand-in for GoogleTest's ::testing::AssertionResult: constructible from bool, streams text.
class fake_assertion_result {
 public:
  explicit fake_assertion_result(bool ok) : ok_(ok) {}
  fake_assertion_result& operator<<(const std::string& s) {
    message_ += s;
    return *this;
  }
  const char* message() const { return message_.c_str(); }
  explicit operator bool() const { return ok_; }

 private:
  bool ok_;
  std::string message_;
};

}  // namespace

// ---- statistics ---------------------------------------------------------------------------------

TEST_CASE("compare statistics: Student's t and normal quantiles against textbook values; mean intervals by hand") {
  // Two-sided 95 % factors from any table of Student's t.
  const std::vector<std::pair<double, double>> t975{{1, 12.706204736}, {2, 4.302652730}, {3, 3.182446305},
                                                    {4, 2.776445105}, {9, 2.262157163}, {29, 2.045229642}};
  for (auto [df, t] : t975) CHECK(il::student_t_quantile(0.975, df) == doctest::Approx(t).epsilon(1e-8));
  CHECK(il::student_t_quantile(0.995, 1) == doctest::Approx(63.656741162).epsilon(1e-8));
  CHECK(il::student_t_quantile(0.025, 4) == doctest::Approx(-2.776445105).epsilon(1e-8));
  CHECK(il::student_t_quantile(0.5, 7) == 0);
  CHECK(il::student_t_cdf(0, 5) == doctest::Approx(0.5));
  CHECK(il::student_t_cdf(il::student_t_quantile(0.9, 3.5), 3.5) == doctest::Approx(0.9).epsilon(1e-12));
  CHECK(il::normal_quantile(0.975) == doctest::Approx(1.959963985).epsilon(1e-9));
  CHECK(il::normal_quantile(0.5) == 0);
  CHECK(std::isnan(il::student_t_quantile(1.0, 3)));
  CHECK(std::isnan(il::normal_quantile(0)));

  // 10, 12, 14: mean 12, sd 2, half width 4.3027 * 2 / sqrt(3).
  const std::vector<double> v{10, 12, 14};
  const il::estimate e = il::mean_interval(v, 0.95);
  CHECK(e.n == 3);
  CHECK(e.mean == doctest::Approx(12));
  CHECK(e.sd == doctest::Approx(2));
  CHECK(e.lo == doctest::Approx(12 - 4.302652730 * 2 / std::sqrt(3.0)));
  CHECK(e.hi == doctest::Approx(12 + 4.302652730 * 2 / std::sqrt(3.0)));
  const std::vector<double> one{5};
  const il::estimate single = il::mean_interval(one);
  CHECK(single.mean == 5);
  CHECK_FALSE(single.has_interval());
  CHECK(il::mean_interval(std::vector<double>{}).n == 0);
}

// ---- ratio curves against brute force -------------------------------------------------------

TEST_CASE("compare: ratio curves, extremes and crossovers equal an independent brute-force computation") {
  // Frontier points plus dominated ones; the new build is faster at low concurrency and slower
  // at high, so the curves cross.
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> below(0.4, 0.95);
  std::vector<benchmark_point> base = system_points("b200"), next;
  for (int c : concurrencies) {
    const double f = c <= 16 ? 1.12 : 0.9;
    next.push_back(make_point("b200", c, true_intvty(c, 1.02), true_tput(c) * f, "engine:2"));
  }
  for (int i = 0; i < 12; ++i) {  // dominated extras on both sides
    const int c = concurrencies[static_cast<std::size_t>(i) % concurrencies.size()];
    base.push_back(make_point("b200", c + 1000 + i, true_intvty(c) * below(rng), true_tput(c) * below(rng)));
    next.push_back(make_point("b200", c + 1000 + i, true_intvty(c) * below(rng), true_tput(c) * below(rng), "engine:2"));
  }
  const il::comparison cmp = il::compare(result_table(base), result_table(next), {.tolerance = 0.03, .samples = 257});
  REQUIRE(cmp.systems.size() == 1);
  const il::system_comparison& s = cmp.systems[0];
  CHECK(s.name == "b200 vllm · demo-model 1024/1024 fp8");

  const auto fb = brute_frontier(xy_of(base)), fn = brute_frontier(xy_of(next));
  REQUIRE(s.base->frontier.points().size() == fb.size());
  REQUIRE(s.next->frontier.points().size() == fn.size());
  const double lo = std::max(fb.front().first, fn.front().first), hi = std::min(fb.back().first, fn.back().first);
  REQUIRE(!s.ratios.empty());
  CHECK(s.ratios.front().x == doctest::Approx(lo));
  CHECK(s.ratios.back().x == doctest::Approx(hi));
  double worst = 1e300, best = -1e300, worst_x = 0, best_x = 0;
  for (const auto& r : s.ratios) {
    const auto b = steffen(fb, r.x), n = steffen(fn, r.x);
    REQUIRE(b);
    REQUIRE(n);
    CHECK(r.b == doctest::Approx(*b).epsilon(1e-10));
    CHECK(r.a == doctest::Approx(*n).epsilon(1e-10));
    CHECK(r.ratio == doctest::Approx(*n / *b).epsilon(1e-10));
    if (*n / *b < worst) worst = *n / *b, worst_x = r.x;
    if (*n / *b > best) best = *n / *b, best_x = r.x;
  }
  REQUIRE(s.lowest);
  REQUIRE(s.highest);
  CHECK(s.lowest->ratio == doctest::Approx(worst).epsilon(1e-10));
  CHECK(s.lowest->x == doctest::Approx(worst_x));
  CHECK(s.highest->ratio == doctest::Approx(best).epsilon(1e-10));
  CHECK(s.highest->x == doctest::Approx(best_x));
  // Where the curves cross, brute force agrees on the value and the sign changes around it.
  REQUIRE(!s.crossings.empty());
  for (const auto& x : s.crossings) {
    CHECK(*steffen(fb, x.x) == doctest::Approx(*steffen(fn, x.x)).epsilon(1e-8));
    const double d = 1e-3 * (hi - lo);
    CHECK((*steffen(fn, x.x - d) - *steffen(fb, x.x - d)) * (*steffen(fn, x.x + d) - *steffen(fb, x.x + d)) < 0);
  }
  // The gate saw both: better at high interactivity, worse at low.
  CHECK(s.result == verdict::regressed);
  CHECK(region_of(s, verdict::improved) != nullptr);
  CHECK(region_of(s, verdict::regressed)->worst.ratio == doctest::Approx(0.9).epsilon(0.02));
}

// ---- the gate without repeats -----------------------------------------------------------------

TEST_CASE("compare: an unchanged copy passes; a -5 % regression over part of the range fails with the system and the range") {
  const auto b200 = system_points("b200"), h100 = system_points("h100", 0.5);
  const result_table base = table_of({b200, h100});

  SUBCASE("unchanged copy") {
    const result_table copy = table_of({system_points("b200", 1.0, {}, "engine:2", "2"), system_points("h100", 0.5, {}, "engine:2", "2")});
    const il::comparison c = il::compare(base, copy, {.range = {20, 250}, .tolerance = 0.03});
    CHECK(c.passed());
    CHECK(static_cast<bool>(c));
    CHECK(c.count(verdict::unchanged) == 2);
    for (const auto& s : c.systems) {
      CHECK(s.lost.empty());
      CHECK(s.gained.empty());
      CHECK(s.lowest->ratio == doctest::Approx(1.0));
      CHECK(s.highest->ratio == doctest::Approx(1.0));
      for (const auto& p : s.checked) CHECK_FALSE(p.has_interval());
    }
    CHECK(has(c.uncertainty, "none: every configuration was measured once"));
    CHECK(has(c.description(), "no regression: 2 systems (2 unchanged)"));
    CHECK(c.baseline.images == std::vector<std::string>{"engine:1"});
    CHECK(c.candidate.images == std::vector<std::string>{"engine:2"});
  }

  SUBCASE("planted -5 % at concurrency 8 to 32") {
    const auto drop = [](int conc) { return conc >= 8 && conc <= 32 ? 0.95 : 1.0; };
    const result_table next = table_of({system_points("b200", 1.0, drop, "engine:2"), h100});
    const il::comparison c = il::compare(base, next, {.tolerance = 0.03});
    CHECK_FALSE(c.passed());
    REQUIRE(c.failures().size() == 1);
    const il::system_comparison& s = *c.failures().front();
    CHECK(s.key[cols::accelerator] == "b200");
    CHECK(s.result == verdict::regressed);
    CHECK(only(c, "h100").result == verdict::unchanged);
    const il::gate_region* r = region_of(s, verdict::regressed);
    REQUIRE(r != nullptr);
    // At the planted knots the drop is 5 % (between them and their unchanged neighbours the
    // interpolation can dip a little further); the region starts and ends between them.
    CHECK(r->worst.ratio <= 0.95 + 1e-12);
    CHECK(r->worst.ratio > 0.9);
    CHECK(r->from <= true_intvty(32));
    CHECK(r->from > true_intvty(64));
    CHECK(r->to >= true_intvty(8));
    CHECK(r->to < true_intvty(4));
    CHECK(std::count_if(s.regions.begin(), s.regions.end(), [](const auto& g) { return g.status == verdict::regressed; }) == 1);
    const std::string d = c.description();
    CHECK(has(d, "1 of 2 systems failed the gate"));
    CHECK(has(d, "b200 vllm · demo-model 1024/1024 fp8: regressed: tput_per_gpu -" + il::detail::cmp::percent(r->worst.ratio - 1).substr(1) + " over "));
    CHECK(has(d, "tok/s/user"));
    CHECK_FALSE(has(d, "h100"));

    // A tolerance above the drop, or a gate range away from it, passes.
    CHECK(il::compare(base, next, {.tolerance = 0.06}).passed());
    CHECK(il::compare(base, next, {.range = {true_intvty(2), true_intvty(1)}, .tolerance = 0.03}).passed());
    // Gating at chosen x: one inside the drop fails, one outside passes.
    const il::comparison at = il::compare(base, next, {.at = {true_intvty(16), true_intvty(1)}});
    CHECK_FALSE(at.passed());
    const auto& sa = only(at, "b200");
    REQUIRE(sa.checked.size() == 2);
    CHECK(sa.checked[0].requested);
    CHECK(sa.checked[0].status == verdict::regressed);
    CHECK(sa.checked[1].status == verdict::unchanged);
    CHECK(has(sa.description(), "-5.0% at " + il::detail::cmp::num(true_intvty(16)) + " tok/s/user"));
  }

  SUBCASE("a faster build improves and is not penalised for starting at higher interactivity") {
    const result_table next = table_of({system_points("b200", 1.1, {}, "engine:2"), h100});
    const il::comparison c = il::compare(base, next);
    CHECK(c.passed());
    const auto& s = only(c, "b200");
    CHECK(s.result == verdict::improved);
    // Its lowest-interactivity point is beyond the baseline's; below it that point serves.
    REQUIRE(s.lost.size() == 1);
    CHECK(s.lost[0].lo == doctest::Approx(true_intvty(512)));
    CHECK(s.lost[0].hi == doctest::Approx(true_intvty(512, 1.1)));
    CHECK(s.checked.front().how == il::reach::dominated);
    CHECK(s.checked.front().status == verdict::improved);
    REQUIRE(s.gained.size() == 1);
    CHECK(s.gained[0].hi == doctest::Approx(true_intvty(1, 1.1)));
  }
}

TEST_CASE("compare: a frontier cut short fails as lost coverage, at either end") {
  const result_table base = table_of({system_points("b200")});
  SUBCASE("the high-interactivity end (the lowest concurrencies missing)") {
    std::vector<benchmark_point> cut;
    for (const auto& p : system_points("b200", 1.0, {}, "engine:2"))
      if (*p.concurrency >= 4) cut.push_back(p);
    const il::comparison c = il::compare(base, result_table(cut), {.tolerance = 0.03});
    CHECK_FALSE(c.passed());
    const auto& s = c.systems.at(0);
    CHECK(s.result == verdict::coverage_lost);
    REQUIRE(s.lost.size() == 1);
    CHECK(s.lost[0].lo == doctest::Approx(true_intvty(4)));
    CHECK(s.lost[0].hi == doctest::Approx(true_intvty(1)));
    const il::gate_region* r = region_of(s, verdict::coverage_lost);
    REQUIRE(r != nullptr);
    CHECK(r->from > true_intvty(4) * 1.03);        // within the tolerance of its end the end point serves
    CHECK(r->from < true_intvty(4) * 1.03 + 2.0);  // the next x the gate checked
    CHECK(r->to == doctest::Approx(true_intvty(1)));
    CHECK(r->worst.how == il::reach::beyond);
    CHECK(has(s.description(), "coverage lost: the new frontier does not reach"));
    // The range shrank from a–b to a–c: a gate below the cut passes.
    CHECK(il::compare(base, result_table(cut), {.range = {30, true_intvty(4)}}).passed());
    // "A lost part of the range inside --range counts as a regression."
    CHECK_FALSE(il::compare(base, result_table(cut), {.range = {30, 250}}).passed());
  }
  SUBCASE("the low-interactivity end (the highest concurrencies missing)") {
    std::vector<benchmark_point> cut;
    for (const auto& p : system_points("b200", 1.0, {}, "engine:2"))
      if (*p.concurrency <= 128) cut.push_back(p);
    const il::comparison c = il::compare(base, result_table(cut));
    CHECK_FALSE(c.passed());
    const auto& s = c.systems.at(0);
    CHECK(s.result == verdict::coverage_lost);
    const il::gate_region* r = region_of(s, verdict::coverage_lost);
    REQUIRE(r != nullptr);
    CHECK(r->worst.how == il::reach::dominated);
    CHECK(r->from == doctest::Approx(true_intvty(512)));
    CHECK(r->to < true_intvty(128));
    CHECK(r->worst.next == doctest::Approx(true_tput(128)));  // its point at concurrency 128 is all it has there
    CHECK(has(s.description(), "is beyond the new frontier"));
  }
}

TEST_CASE("compare: systems on one side only, matching by chosen columns") {
  const result_table base = table_of({system_points("b200"), system_points("h100", 0.5)});
  const result_table next = table_of({system_points("b200", 1.0, {}, "engine:2"), system_points("mi355x", 0.8, {}, "engine:2")});
  const il::comparison c = il::compare(base, next);
  REQUIRE(c.systems.size() == 3);
  CHECK(c.systems[0].result == verdict::unchanged);
  CHECK(c.systems[1].key[cols::accelerator] == "h100");
  CHECK(c.systems[1].result == verdict::missing);
  CHECK(c.systems[1].failed);
  CHECK(c.systems[2].key[cols::accelerator] == "mi355x");
  CHECK(c.systems[2].result == verdict::added);
  CHECK_FALSE(c.systems[2].failed);
  CHECK_FALSE(c.passed());
  CHECK(has(c.description(), "h100 vllm · demo-model 1024/1024 fp8: only in baseline"));
  CHECK(il::compare(base, next, {.fail_missing = false}).passed());

  // Another engine on the same GPU: different systems by default, one when matched without it.
  std::vector<benchmark_point> sglang;
  for (int k : concurrencies) sglang.push_back(make_point("b200", k, true_intvty(k), true_tput(k) * 1.2, "sglang:1", "1", "sglang"));
  const il::comparison by_default = il::compare(table_of({system_points("b200")}), result_table(sglang));
  CHECK(by_default.count(verdict::missing) == 1);
  CHECK(by_default.count(verdict::added) == 1);
  const il::comparison matched = il::compare(table_of({system_points("b200")}), result_table(sglang),
                                             {.match = {cols::model, cols::isl, cols::osl, cols::accelerator}});
  REQUIRE(matched.systems.size() == 1);
  CHECK(matched.systems[0].result == verdict::improved);
  CHECK(matched.systems[0].lowest->ratio == doctest::Approx(1.2));
}

TEST_CASE("compare: a lower-is-better y ($/Mtok) regresses when it rises") {
  const result_table base = table_of({system_points("b200")});
  const auto drop = [](int conc) { return conc >= 8 && conc <= 32 ? 0.95 : 1.0; };
  const result_table next = table_of({system_points("b200", 1.0, drop, "engine:2")});
  const il::comparison c = il::compare(base, next, {.y = cols::usd_per_mtok, .price = il::pricing::fixed(2.0, 1.5)});
  const auto& s = c.systems.at(0);
  CHECK(s.result == verdict::regressed);
  const il::gate_region* r = region_of(s, verdict::regressed);
  REQUIRE(r != nullptr);
  CHECK(r->worst.ratio >= 1 / 0.95 - 1e-12);  // cost up by 5.3 % or more
  CHECK(r->worst.gain == doctest::Approx(1 / r->worst.ratio));
  CHECK(has(s.description(), "regressed: usd_per_mtok +"));
  CHECK_THROWS_AS(il::compare(base, next, {.y = cols::usd_per_mtok}), il::input_error);  // needs a price
}

// ---- uncertainty ---------------------------------------------------------------------------------

TEST_CASE("compare with repeats: per-point means and intervals, bands, and the gate's three outcomes") {
  const auto truth = system_points("b200");
  const auto drop = [](int conc) { return conc >= 8 && conc <= 32 ? 0.95 : 1.0; };
  const auto truth_dropped = system_points("b200", 1.0, drop, "engine:2");

  SUBCASE("small noise: unchanged passes with intervals, a -5 % drop is established") {
    const auto base_rows = repeated(truth, 5, 0.003, 1, "base");
    const result_table base(base_rows);
    const il::comparison same = il::compare(base, result_table(repeated(system_points("b200", 1.0, {}, "engine:2"), 5, 0.003, 2, "new")));
    CHECK(same.passed());
    const auto& s = same.systems.at(0);
    CHECK(s.result == verdict::unchanged);
    CHECK(has(same.uncertainty, "bootstrap over repeats"));
    CHECK(has(same.uncertainty, "baseline 10 of 10 configurations repeated (5–5 runs per configuration)"));
    for (const auto& p : s.checked) {
      REQUIRE(p.has_interval());
      CHECK(p.lo <= p.gain);
      CHECK(p.gain <= p.hi);
      CHECK(p.lo > 0.97);
    }
    // Per point: mean and Student-t interval of the repeats, computed here again.
    REQUIRE(s.base->configurations.size() == concurrencies.size());
    for (std::size_t i = 0; i < s.base->configurations.size(); ++i) {
      const il::configuration_stats& cs = s.base->configurations[i];
      std::vector<double> ys, xs;
      for (const auto& p : base_rows)
        if (*p.concurrency == concurrencies[i]) ys.push_back(*p.tput_per_gpu), xs.push_back(*p.intvty.median);
      REQUIRE(ys.size() == 5);
      double m = 0, ss = 0;
      for (double v : ys) m += v / 5;
      for (double v : ys) ss += (v - m) * (v - m);
      const double half = 2.776445105 * std::sqrt(ss / 4) / std::sqrt(5.0);
      CHECK(cs.y.n == 5);
      CHECK(cs.y.mean == doctest::Approx(m));
      CHECK(cs.y.lo == doctest::Approx(m - half));
      CHECK(cs.y.hi == doctest::Approx(m + half));
      CHECK(cs.x.has_interval());
      CHECK(cs.runs.size() == 5);
      CHECK(cs.on_frontier);
      CHECK(has(cs.label, "concurrency=" + std::to_string(concurrencies[i])));
    }
    // The frontier is drawn through the means; the band holds it and has width.
    CHECK(s.base->frontier.points().size() == concurrencies.size());
    REQUIRE(!s.base->band.empty());
    for (const auto& b : s.base->band) {
      REQUIRE(std::isfinite(b.lo));
      CHECK(b.lo <= b.y * (1 + 1e-12));
      CHECK(b.y <= b.hi * (1 + 1e-12));
    }
    CHECK(std::any_of(s.base->band.begin(), s.base->band.end(), [](const auto& b) { return b.hi > b.lo; }));

    const il::comparison worse = il::compare(base, result_table(repeated(truth_dropped, 5, 0.003, 3, "new")));
    CHECK_FALSE(worse.passed());
    const il::gate_region* r = region_of(worse.systems.at(0), verdict::regressed);
    REQUIRE(r != nullptr);
    CHECK(r->worst.hi < 0.97);
    CHECK(r->worst.ratio == doctest::Approx(0.95).epsilon(0.01));
    CHECK(r->from > true_intvty(64));
    CHECK(r->to < true_intvty(4));
    CHECK(has(worse.description(), "95% interval"));
  }

  SUBCASE("a copy with noise inside the interval passes") {
    const auto base_rows = repeated(truth, 4, 0.01, 4, "base");
    std::vector<benchmark_point> copy;
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> wiggle(-0.004, 0.004);
    for (const auto& p : base_rows)
      copy.push_back(make_point(p.hw, static_cast<int>(*p.concurrency), *p.intvty.median, *p.tput_per_gpu * (1 + wiggle(rng)), "engine:2",
                                p.run));
    const il::comparison c = il::compare(result_table(base_rows), result_table(copy));
    CHECK(c.passed());
    CHECK(c.systems.at(0).result != verdict::regressed);
    for (const auto& p : c.systems.at(0).checked) {
      CHECK(p.lo <= 1.0);
      CHECK(p.hi >= 1.0);
    }
  }

  SUBCASE("noise larger than the tolerance: inconclusive, not a regression (unless asked)") {
    const result_table base(repeated(truth, 3, 0.08, 6, "base"));
    const result_table next(repeated(truth_dropped, 3, 0.08, 7, "new"));
    const il::comparison c = il::compare(base, next);
    CHECK(c.passed());
    const auto& s = c.systems.at(0);
    CHECK(s.result == verdict::inconclusive);
    CHECK(has(s.description(), "the noise is larger than the tolerance"));
    CHECK(has(c.description(), "1 inconclusive"));
    CHECK_FALSE(il::compare(base, next, {.fail_inconclusive = true}).passed());
  }

  SUBCASE("reproducible: one seed, one answer; another seed, other intervals of the same size") {
    const result_table base(repeated(truth, 3, 0.02, 8, "base"));
    const result_table next(repeated(truth, 3, 0.02, 9, "new"));
    const il::comparison a = il::compare(base, next), b = il::compare(base, next), c = il::compare(base, next, {.seed = 99});
    REQUIRE(a.systems[0].checked.size() == b.systems[0].checked.size());
    bool differs = false;
    for (std::size_t i = 0; i < a.systems[0].checked.size(); ++i) {
      CHECK(a.systems[0].checked[i].lo == b.systems[0].checked[i].lo);
      CHECK(a.systems[0].checked[i].hi == b.systems[0].checked[i].hi);
      differs = differs || a.systems[0].checked[i].lo != c.systems[0].checked[i].lo;
      const double wa = a.systems[0].checked[i].hi - a.systems[0].checked[i].lo;
      const double wc = c.systems[0].checked[i].hi - c.systems[0].checked[i].lo;
      CHECK(wc == doctest::Approx(wa).epsilon(0.35));
    }
    CHECK(differs);
  }

  SUBCASE("rows that cannot be averaged are left out of their configuration's mean") {
    auto rows = repeated(truth, 3, 0.0, 10, "base");
    benchmark_point broken = rows.front();
    broken.partial = true;
    broken.tput_per_gpu = 1e9;
    broken.run = "base-r4";
    rows.push_back(broken);
    const il::comparison c = il::compare(result_table(rows), table_of({truth}));
    const il::configuration_stats& cs = c.systems.at(0).base->configurations.front();
    CHECK(cs.rows == 4);
    CHECK(cs.dropped == 1);
    CHECK(cs.y.n == 3);
    CHECK(cs.y.mean == doctest::Approx(true_tput(concurrencies.front())));
    CHECK(c.systems.at(0).result == verdict::unchanged);
  }
}

// ---- outputs -------------------------------------------------------------------------------------

TEST_CASE("compare outputs: JSON, Markdown and JUnit XML read back with the verdicts") {
  const auto drop = [](int conc) { return conc >= 8 && conc <= 32 ? 0.95 : 1.0; };
  const result_table base = table_of({system_points("b200"), system_points("h100", 0.5), system_points("h200", 0.7)});
  const result_table next = table_of({system_points("b200", 1.0, drop, "engine:2"), system_points("h100", 0.5, {}, "engine:2"),
                                      system_points("gb200", 2.0, {}, "engine:2")});
  const il::comparison c = il::compare(base, next, {.range = {30, 200}, .tolerance = 0.03});

  const auto j = nlohmann::json::parse(il::to_json_text(c));
  CHECK(j["format"] == "inferlens-compare/1");
  CHECK(j["passed"] == false);
  CHECK(j["range"] == nlohmann::json::array({30.0, 200.0}));
  CHECK(j["counts"]["regressed"] == 1);
  CHECK(j["counts"]["only in baseline"] == 1);
  CHECK(j["counts"]["only in new"] == 1);
  REQUIRE(j["systems"].size() == 4);
  const auto& js = j["systems"][0];
  CHECK(js["name"] == "b200 vllm · demo-model 1024/1024 fp8");
  CHECK(js["verdict"] == "regressed");
  CHECK(js["failed"] == true);
  CHECK(js["key"]["accelerator"] == "b200");
  CHECK(js["key"]["isl"] == 1024);
  CHECK(js["regions"][0]["worst"]["ratio"].get<double>() == doctest::Approx(c.systems[0].regions[0].worst.ratio));
  CHECK(js["regions"][0]["worst"]["ratio"].get<double>() <= 0.95 + 1e-12);
  CHECK(js["ratio"].size() == c.systems[0].ratios.size());
  CHECK(js["checked"].size() == c.systems[0].checked.size());
  CHECK(js["base"]["configurations"].size() == concurrencies.size());
  CHECK(js["base"]["band"].empty());  // no repeats, no band
  CHECK(js["new"]["images"] == nlohmann::json::array({"engine:2"}));
  CHECK(j["systems"][2]["new"].is_null());

  const std::string md = il::to_markdown(c);
  CHECK(has(md, "### inferlens compare: **2 of 4 systems failed**"));
  CHECK(has(md, "| system | verdict | change | where | baseline range | new range | ratio min – max |"));
  CHECK(has(md, "| b200 vllm · demo-model 1024/1024 fp8 | **regressed** | -"));
  CHECK(has(md, "| h200 vllm · demo-model 1024/1024 fp8 | **only in baseline** |"));
  CHECK(md.find("b200 vllm") < md.find("h100 vllm"));  // failing systems first

  const xml_element root = xml_reader(il::to_junit_xml(c)).document();
  CHECK(root.name == "testsuites");
  CHECK(root.attributes.at("tests") == "4");
  CHECK(root.attributes.at("failures") == "2");
  CHECK(root.attributes.at("errors") == "0");
  CHECK(root.attributes.at("skipped") == "1");
  const auto suites = root.all("testsuite");
  REQUIRE(suites.size() == 1);
  CHECK(suites[0]->attributes.at("failures") == "2");
  const auto cases = suites[0]->all("testcase");
  REQUIRE(cases.size() == 4);
  std::map<std::string, const xml_element*> by_name;
  for (const auto* tc : cases) {
    CHECK(tc->attributes.count("classname"));
    CHECK(tc->attributes.count("time"));
    by_name[tc->attributes.at("name")] = tc;
  }
  const xml_element* b200 = by_name.at("b200 vllm · demo-model 1024/1024 fp8");
  REQUIRE(b200->all("failure").size() == 1);
  const xml_element* failure = b200->all("failure")[0];
  CHECK(failure->attributes.at("type") == "regressed");
  CHECK(has(failure->attributes.at("message"), "regressed: tput_per_gpu -"));
  CHECK(has(failure->text, "\nregressed over "));
  CHECK(has(failure->text, "worst ratio 0.9"));
  CHECK(by_name.at("h100 vllm · demo-model 1024/1024 fp8")->all("failure").empty());
  CHECK(by_name.at("h100 vllm · demo-model 1024/1024 fp8")->all("system-out").size() == 1);
  CHECK(by_name.at("h200 vllm · demo-model 1024/1024 fp8")->all("failure").size() == 1);
  CHECK(by_name.at("gb200 vllm · demo-model 1024/1024 fp8")->all("skipped").size() == 1);
  const auto props = suites[0]->all("properties");
  REQUIRE(props.size() == 1);
  CHECK(props[0]->all("property").size() >= 4);

  // Text that XML must escape survives the round trip.
  std::vector<benchmark_point> odd = system_points("b200");
  for (auto& p : odd) p.framework = "a<b & \"c\"";
  const il::comparison oc = il::compare(result_table(odd), result_table(odd));
  const xml_element odd_root = xml_reader(il::to_junit_xml(oc, "suite <&>")).document();
  CHECK(odd_root.attributes.at("name") == "suite <&>");
  CHECK(odd_root.all("testsuite")[0]->all("testcase")[0]->attributes.at("name") == "b200 a<b & \"c\" · demo-model 1024/1024 fp8");
}

// ---- the assertion -----------------------------------------------------------------------------

TEST_CASE("no_regression as an assertion in doctest (and GoogleTest's assertion result)") {
  const result_table base = table_of({system_points("b200"), system_points("h100", 0.5)});
  const result_table same = table_of({system_points("b200", 1.0, {}, "engine:2"), system_points("h100", 0.5, {}, "engine:2")});
  CHECK(inferlens::no_regression(base, same, {.range = {50, 200}, .tolerance = 0.03}));

  const auto drop = [](int conc) { return conc >= 8 && conc <= 32 ? 0.95 : 1.0; };
  const result_table worse = table_of({system_points("b200", 1.0, drop, "engine:2"), system_points("h100", 0.5, {}, "engine:2")});
  const il::comparison c = inferlens::no_regression(base, worse, {.range = {30, 200}, .tolerance = 0.03});
  CHECK_FALSE(c);
  // What doctest prints for a failing CHECK(no_regression(...)): the failing system and where.
  const std::string printed = doctest::toString(c).c_str();
  CHECK(has(printed, "1 of 2 systems failed the gate (tput_per_gpu 30–200 tok/s/user, tolerance ±3%)"));
  CHECK(has(printed, "b200 vllm · demo-model 1024/1024 fp8: regressed: tput_per_gpu -"));
  CHECK_FALSE(has(printed, "h100"));
  std::ostringstream os;
  os << c;
  CHECK(os.str() == c.description());
  std::ostringstream vs;
  vs << verdict::coverage_lost;
  CHECK(vs.str() == "coverage lost");

  // GoogleTest: EXPECT_TRUE(x) builds ::testing::AssertionResult(x); a comparison converts to
  // such a type with its description as the message.
  const fake_assertion_result bad = c;
  CHECK_FALSE(static_cast<bool>(bad));
  CHECK(std::string(bad.message()) == c.description());
  const fake_assertion_result good = il::no_regression(base, same);
  CHECK(static_cast<bool>(good));

  // Files and directories directly.
  const auto dir = std::filesystem::temp_directory_path() / ("inferlens-compare-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  il::save_results(base, dir / "base.json", il::file_format::inferlens_json);
  il::save_results(worse, dir / "new.json", il::file_format::inferlens_json);
  CHECK_FALSE(il::no_regression(dir / "base.json", dir / "new.json"));
  CHECK(il::no_regression(dir / "base.json", dir / "base.json"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("compare: options out of range are refused, naming the field") {
  const result_table t = table_of({system_points("b200")});
  const auto field_of = [&](const il::compare_options& o) {
    try {
      (void)il::compare(t, t, o);
    } catch (const il::input_error& e) {
      return e.where().field;
    }
    return std::string("(no error)");
  };
  CHECK(field_of({.tolerance = -0.1}) == "tolerance");
  CHECK(field_of({.tolerance = 1.5}) == "tolerance");
  CHECK(field_of({.range = {200, 50}}) == "range");
  CHECK(field_of({.at = {std::nan("")}}) == "at");
  CHECK(field_of({.confidence = 1.0}) == "confidence");
  CHECK(field_of({.match = {}}) == "match");
  CHECK(field_of({.y = cols::model}) == "model");

  // A gate range the baseline does not reach says so and gates nothing.
  const il::comparison far = il::compare(t, t, {.range = {1000, 2000}});
  CHECK(far.passed());
  CHECK(far.systems[0].result == verdict::not_gated);
  CHECK(has(far.systems[0].notes.front(), "not gated over 1000–2000 tok/s/user: the baseline's frontier covers"));
}

// ---- over time -----------------------------------------------------------------------------------

TEST_CASE("trend: one system across runs at fixed interactivity, the change between versions") {
  // Three runs: v1 twice (dates out of order in the table), then v2 10 % faster per GPU.
  std::vector<benchmark_point> rows;
  for (auto [run, date, image, factor] : std::vector<std::tuple<std::string, std::string, std::string, double>>{
           {"103", "20260105", "engine:v2", 1.10}, {"101", "20260101", "engine:v1", 1.0}, {"102", "20260103", "engine:v1", 1.02}}) {
    for (auto p : system_points("b200", 1.0, [&](int) { return factor; }, image, run)) {
      p.date = date;
      rows.push_back(p);
    }
  }
  for (auto p : system_points("h100", 0.5, {}, "engine:v1", "101")) {
    p.date = "20260101";
    rows.push_back(p);
  }
  const double at = true_intvty(16);
  const il::trend_result t = il::trend(result_table(rows), {.at = {at, 1e6}});
  REQUIRE(t.systems.size() == 2);
  const il::system_trend& b = t.systems[0];
  CHECK(b.name == "b200 vllm · demo-model 1024/1024 fp8");
  REQUIRE(b.runs.size() == 3);
  CHECK(b.runs[0].run == "101");
  CHECK(b.runs[1].run == "102");
  CHECK(b.runs[2].run == "103");
  CHECK(b.runs[2].image == "engine:v2");
  CHECK(b.runs[0].values[0] == doctest::Approx(true_tput(16)));
  CHECK(b.runs[1].values[0] == doctest::Approx(true_tput(16) * 1.02));
  CHECK(std::isnan(b.runs[0].values[1]));  // outside the frontier
  REQUIRE(b.steps.size() == 1);
  CHECK(b.steps[0].from == "engine:v1");
  CHECK(b.steps[0].to == "engine:v2");
  CHECK(b.steps[0].before[0] == doctest::Approx(true_tput(16) * 1.01));  // the mean of v1's two runs
  CHECK(b.steps[0].change[0] == doctest::Approx(1.10 / 1.01 - 1));
  CHECK(t.systems[1].runs.size() == 1);
  CHECK(t.systems[1].steps.empty());
  const auto j = nlohmann::json::parse(il::to_json_text(t));
  CHECK(j["systems"][0]["steps"][0]["change"][0].get<double>() == doctest::Approx(1.10 / 1.01 - 1));
  CHECK(j["systems"][0]["runs"][0]["values"][1].is_null());
  CHECK_THROWS_AS(il::trend(result_table(rows), {}), il::input_error);
}

// ---- the real data -----------------------------------------------------------------------------

#ifdef INFERLENS_SHARED_DATA_DIR
namespace {

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string base_gpu(const std::string& hw) { return hw.substr(0, hw.find_first_of("-_")); }

// The rows of one (accelerator, isl, osl) system of an agg_bmk file, as (median_intvty, tput_per_gpu).
std::map<std::tuple<std::string, int, int>, std::vector<std::pair<double, double>>> systems_of(const nlohmann::json& rows) {
  std::map<std::tuple<std::string, int, int>, std::vector<std::pair<double, double>>> out;
  for (const auto& r : rows)
    out[{base_gpu(r["hw"].get<std::string>()), r["isl"].get<int>(), r["osl"].get<int>()}].emplace_back(
        r["median_intvty"].get<double>(), r["tput_per_gpu"].get<double>());
  return out;
}

}  // namespace

TEST_CASE("compare on real runs: vLLM v0.11.2 -> v0.13.0 against brute force; planted regressions in a copy") {
  const std::filesystem::path dir = std::filesystem::path(INFERLENS_SHARED_DATA_DIR) / "inferencemax" / "agg_bmk";
  const auto old_file = dir / "run_20218553330_agg_bmk.json", new_file = dir / "run_20667906037_agg_bmk.json";
  if (!std::filesystem::exists(old_file) || !std::filesystem::exists(new_file)) {
    MESSAGE("shared InferenceMAX data not found; skipping");
    return;
  }
  const nlohmann::json old_rows = nlohmann::json::parse(read_text(old_file)), new_rows = nlohmann::json::parse(read_text(new_file));
  const result_table v0112 = il::load(old_file), v0130 = il::load(new_file);

  // Software over time: every system matched, every ratio equal to the brute-force computation.
  const il::comparison c = il::compare(v0112, v0130, {.tolerance = 0.03});
  const auto old_sys = systems_of(old_rows), new_sys = systems_of(new_rows);
  REQUIRE(c.systems.size() == old_sys.size());
  for (const auto& s : c.systems) {
    CAPTURE(s.name);
    REQUIRE(s.base);
    REQUIRE(s.next);
    CHECK(s.base->images == std::vector<std::string>{"vllm/vllm-openai:v0.11.2"});
    CHECK(s.next->images == std::vector<std::string>{"vllm/vllm-openai:v0.13.0"});
    const std::tuple<std::string, int, int> key{s.key[cols::accelerator], std::stoi(s.key[cols::isl]), std::stoi(s.key[cols::osl])};
    const auto fb = brute_frontier(old_sys.at(key)), fn = brute_frontier(new_sys.at(key));
    CHECK(s.base_range->lo == fb.front().first);
    CHECK(s.base_range->hi == fb.back().first);
    CHECK(s.next_range->hi == fn.back().first);
    for (const auto& r : s.ratios) {
      const auto b = steffen(fb, r.x), n = steffen(fn, r.x);
      REQUIRE(b);
      REQUIRE(n);
      CHECK(r.ratio == doctest::Approx(*n / *b).epsilon(1e-9));
    }
    for (const auto& p : s.checked)
      if (p.how == il::reach::inside) CHECK(p.ratio == doctest::Approx(*steffen(fn, p.x) / *steffen(fb, p.x)).epsilon(1e-9));
  }
  MESSAGE("v0.11.2 -> v0.13.0: " << c.description());

  // An unchanged copy passes.
  CHECK(il::compare(v0130, v0130).passed());

  // -5 % in the middle third of b200 1k/1k's interactivity range fails, with that system and range.
  const auto b200 = brute_frontier(new_sys.at({"b200", 1024, 1024}));
  const double lo = b200.front().first, hi = b200.back().first;
  const double a = lo + (hi - lo) / 3, b = lo + 2 * (hi - lo) / 3;
  nlohmann::json planted = new_rows;
  for (auto& r : planted) {
    if (base_gpu(r["hw"]) != "b200" || r["isl"] != 1024 || r["osl"] != 1024) continue;
    const double x = r["median_intvty"].get<double>();
    if (x < a || x > b) continue;
    for (const char* k : {"tput_per_gpu", "output_tput_per_gpu", "input_tput_per_gpu"}) r[k] = r[k].get<double>() * 0.95;
  }
  const il::comparison pc = il::compare(v0130, il::parse(planted.dump(), "planted_agg_bmk.json"), {.tolerance = 0.03});
  CHECK_FALSE(pc.passed());
  REQUIRE(pc.failures().size() == 1);
  const il::system_comparison& ps = *pc.failures().front();
  CHECK(ps.key[cols::accelerator] == "b200");
  CHECK(ps.key[cols::isl] == "1024");
  CHECK(ps.key[cols::osl] == "1024");
  CHECK(ps.result == verdict::regressed);
  // Every regressed region lies between the frontier knots around [a, b]; the worst is the 5 %.
  double below_a = lo, above_b = hi;
  for (const auto& [x, y] : b200) {
    if (x < a) below_a = std::max(below_a, x);
    if (x > b) above_b = std::min(above_b, x);
  }
  bool overlaps = false;
  for (const auto& r : ps.regions) {
    if (r.status != verdict::regressed) continue;
    CHECK(r.from >= below_a);
    CHECK(r.to <= above_b);
    overlaps = overlaps || (r.to >= a && r.from <= b);
    CHECK(r.worst.ratio > 0.9);
  }
  CHECK(overlaps);
  CHECK(ps.deciding_region()->worst.ratio < 0.97);
  CHECK(has(pc.description(), "b200 vllm · gpt-oss-120b 1024/1024 fp4: regressed: tput_per_gpu -"));

  // A frontier cut short: h100 8k/1k without its highest-interactivity third.
  const auto h100 = brute_frontier(new_sys.at({"h100", 8192, 1024}));
  const double cut = h100.front().first + 2 * (h100.back().first - h100.front().first) / 3;
  nlohmann::json shortened = nlohmann::json::array();
  for (const auto& r : new_rows)
    if (!(base_gpu(r["hw"]) == "h100" && r["isl"] == 8192 && r["median_intvty"].get<double>() > cut)) shortened.push_back(r);
  const il::comparison sc = il::compare(v0130, il::parse(shortened.dump(), "short_agg_bmk.json"));
  REQUIRE(sc.failures().size() == 1);
  const il::system_comparison& ss = *sc.failures().front();
  CHECK(ss.key[cols::accelerator] == "h100");
  CHECK(ss.key[cols::isl] == "8192");
  CHECK(ss.result == verdict::coverage_lost);
  REQUIRE(ss.lost.size() == 1);
  CHECK(ss.lost[0].hi == h100.back().first);
  CHECK(ss.lost[0].lo <= cut);

  // Repeats made from the real runs: changes well beyond tolerance and noise keep their verdicts.
  const auto noisy_copies = [](const nlohmann::json& rows, std::uint64_t seed, const std::string& tag) {
    nlohmann::json out = nlohmann::json::array();
    std::mt19937_64 g(seed);
    std::normal_distribution<double> noise(0.0, 0.005);
    for (int rep = 0; rep < 3; ++rep)
      for (auto r : rows) {
        const double f = 1 + noise(g);
        for (const char* k : {"tput_per_gpu", "output_tput_per_gpu", "input_tput_per_gpu"}) r[k] = r[k].get<double>() * f;
        r["source_run"] = tag + std::to_string(rep);
        out.push_back(r);
      }
    return out;
  };
  const result_table rep_old = il::parse(noisy_copies(old_rows, 1, "old").dump(), "old_agg_bmk.json");
  const result_table rep_new = il::parse(noisy_copies(new_rows, 2, "new").dump(), "new_agg_bmk.json");
  // Noise inside the interval: two noisy sets of repeats of one run pass. (Without repeats a
  // noisy copy may not: where two frontier points nearly tie, noise decides which is on the
  // frontier, and the curve between its neighbours changes by far more than the noise; the
  // bootstrap sees both shapes and says inconclusive instead.)
  const il::comparison same_run = il::compare(rep_new, il::parse(noisy_copies(new_rows, 3, "again").dump(), "again_agg_bmk.json"),
                                              {.resamples = 400});
  CHECK_MESSAGE(same_run.passed(), same_run.description());
  const il::comparison rc = il::compare(rep_old, rep_new, {.resamples = 400});
  CHECK(has(rc.uncertainty, "bootstrap over repeats"));
  REQUIRE(rc.systems.size() == c.systems.size());
  for (std::size_t i = 0; i < c.systems.size(); ++i) {
    CAPTURE(c.systems[i].name);
    const il::system_comparison& exact = c.systems[i];
    const il::system_comparison* noisy_sys = rc.find(exact.name);
    REQUIRE(noisy_sys != nullptr);
    if (exact.lowest && exact.lowest->ratio > 1.10) CHECK(noisy_sys->result == verdict::improved);
    if (exact.highest && exact.highest->ratio < 0.90 && exact.lost.empty()) CHECK(noisy_sys->failed);
  }
}
#endif
