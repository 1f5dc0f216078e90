// Tests of result_table.hpp: a table built from points gives every column back exactly; groups(),
// latest(), where(), filter(), distinct(), values(), has() and concat() against brute-force
// implementations of their documented rules on random tables; views share the column store.
#include <doctest/doctest.h>

#include <inferlens/columns.hpp>
#include <inferlens/frontier.hpp>
#include <inferlens/pricing.hpp>
#include <inferlens/record.hpp>
#include <inferlens/table.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

using namespace inferlens;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();

/// Two cells are the same value: same alternative, doubles bit for bit.
bool same_cell(const cell& a, const cell& b) {
  if (a.index() != b.index()) return false;
  if (const double* x = std::get_if<double>(&a)) return std::bit_cast<std::uint64_t>(*x) == std::bit_cast<std::uint64_t>(std::get<double>(b));
  return a == b;
}

std::vector<column_id> point_columns() {
  std::vector<column_id> out;
  for (const column& c : columns())
    if (!c.economic()) out.push_back(c.id);
  return out;
}

bool is_plain_bool(column_id c) { return c == cols::disagg || c == cols::multinode || c == cols::partial; }

/// Columns whose values differ between two points (exact, doubles bit for bit).
std::string differences(const benchmark_point& a, const benchmark_point& b) {
  std::string out;
  for (column_id c : point_columns())
    if (!same_cell(get(a, c), get(b, c))) out += std::string(name_of(c)) + ": '" + to_string(get(a, c)) + "' vs '" + to_string(get(b, c)) + "'; ";
  return out;
}

std::string random_text(std::mt19937_64& rng) {
  static const std::vector<std::string> pieces = {"a", "b", "Z", "0", " ", ",", "\"", "\n", "\\", "/", "\xC3\xA9", "\xF0\x9F\x98\x80", "\t", "{"};
  std::string s;
  const std::size_t n = rng() % 8;
  for (std::size_t i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
  return s;  // may be empty: missing
}

double random_real(std::mt19937_64& rng) {
  switch (rng() % 10) {
    case 0: return 0.0;
    case 1: return -0.0;
    case 2: return inf;
    case 3: return -inf;
    case 4: return static_cast<double>(static_cast<std::int64_t>(rng() % 2001) - 1000);
    case 5: return 4.9406564584124654e-324;
    case 6: return std::numeric_limits<double>::max();
    default: {
      double d = 0;
      do d = std::bit_cast<double>(rng());
      while (std::isnan(d));
      return d;
    }
  }
}

std::int64_t random_integer(std::mt19937_64& rng) {
  constexpr std::int64_t limit = std::int64_t{1} << 53;  // the store keeps integers as doubles: exact up to 2^53
  switch (rng() % 4) {
    case 0: return static_cast<std::int64_t>(rng() % 17) - 8;
    case 1: return limit;
    case 2: return -limit;
    default: return static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(2 * limit + 1)) - limit;
  }
}

/// A point with every column random: missing or a value of its type (no NaN: NaN is missing).
benchmark_point random_point(std::mt19937_64& rng, int missing_percent = 40) {
  benchmark_point p;
  for (column_id c : point_columns()) {
    if (static_cast<int>(rng() % 100) < missing_percent) continue;
    switch (info(c).type) {
      case column_type::text: set_text(p, c, random_text(rng)); break;
      case column_type::integer: set(p, c, cell{random_integer(rng)}); break;
      case column_type::real: set(p, c, cell{random_real(rng)}); break;
      case column_type::boolean: set(p, c, cell{rng() % 2 == 0}); break;
    }
  }
  return p;
}

/// Storage rows behind every position of a view.
std::vector<std::uint32_t> storage_rows(const result_table& t) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < t.size(); ++i) out.push_back(t.storage_row(i));
  return out;
}

benchmark_point config(std::string hw, std::int64_t conc, double intvty, double tput, std::string run = "1",
                       std::string image = "img:1") {
  benchmark_point p;
  p.model = "m";
  p.hw = std::move(hw);
  p.framework = "vllm";
  p.precision = "fp8";
  p.spec_decoding = "none";
  p.isl = 1024;
  p.osl = 1024;
  p.concurrency = conc;
  p.tp = 1;
  p.intvty.median = intvty;
  p.tput_per_gpu = tput;
  p.run = std::move(run);
  p.image = std::move(image);
  derive(p);
  return p;
}

}  // namespace

// --- building and reading back -------------------------------------------------------------------

TEST_CASE("result_table: points read back exactly, every column, by every accessor") {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 20; ++round) {
    std::vector<benchmark_point> points;
    const std::size_t n = rng() % 60;
    for (std::size_t i = 0; i < n; ++i) points.push_back(random_point(rng, static_cast<int>(rng() % 101)));
    const result_table t(points);
    REQUIRE(t.size() == n);
    CHECK(t.empty() == (n == 0));
    const std::vector<benchmark_point> back = t.points();
    REQUIRE(back.size() == n);
    for (std::size_t i = 0; i < n; ++i) {
      CHECK_MESSAGE(differences(points[i], back[i]).empty(), "row ", i, ": ", differences(points[i], back[i]));
      CHECK(differences(points[i], t.point(i)).empty());
      CHECK(differences(points[i], t[i].point()).empty());
      CHECK(t[i].position() == i);
    }
    for (column_id c : point_columns()) {
      const std::vector<double> values = t.values(c);
      REQUIRE(values.size() == n);
      bool any = false;
      for (std::size_t i = 0; i < n; ++i) {
        const cell want = get(points[i], c);
        const row_view r = t[i];
      // plain booleans included: false in the rows before the first true one (regression, see
      // "a plain boolean is false, never missing")
      CHECK_MESSAGE(same_cell(r.get(c), want), name_of(c), " row ", i);
        if (info(c).type == column_type::text) {
          CHECK(r.text(c) == text(points[i], c));
          CHECK(std::isnan(r.number(c)));
          CHECK(std::isnan(values[i]));
          any = any || !r.text(c).empty();
        } else {
          const double x = number(points[i], c);
          CHECK(std::bit_cast<std::uint64_t>(r.number(c)) == std::bit_cast<std::uint64_t>(x));  // NaN: the one missing value
          CHECK(std::bit_cast<std::uint64_t>(values[i]) == std::bit_cast<std::uint64_t>(x));
          CHECK(r.value(c).has_value() == !std::isnan(x));
          CHECK(r.text(c).empty());
          any = any || !std::holds_alternative<std::monostate>(want);
        }
      }
      // has(): whether any row has a value (plain booleans: checked for consistency below)
      if (!is_plain_bool(c)) CHECK_MESSAGE(t.has(c) == any, name_of(c));
    }
    // economic columns are no fields of a point: missing in every row, never present
    for (std::size_t i = 0; i < n; ++i) {
      CHECK(std::isnan(t[i].number(cols::usd_per_mtok)));
      CHECK(std::holds_alternative<std::monostate>(t[i].get(cols::usd_per_mtok)));
    }
    CHECK(!t.has(cols::usd_per_mtok));
  }
}

TEST_CASE("result_table: a NaN value is stored as missing; iteration; an empty table") {
  benchmark_point p;
  p.tput_per_gpu = nan_value;
  p.isl = 8;
  const result_table t(std::vector<benchmark_point>{p, p});
  CHECK(!t.point(0).tput_per_gpu);
  CHECK(!t.has(cols::tput_per_gpu));
  CHECK(t.has(cols::isl));
  std::size_t count = 0;
  for (const row_view r : t) {
    CHECK(r.number(cols::isl) == 8);
    CHECK(r.position() == count++);
  }
  CHECK(count == 2);
  CHECK(t.end() - t.begin() == 2);
  CHECK(std::count_if(t.begin(), t.end(), [](const row_view& r) { return r.number(cols::isl) == 8; }) == 2);
  CHECK((*(t.begin() + 1)).position() == 1);

  const result_table empty;
  CHECK(empty.size() == 0);
  CHECK(empty.empty());
  CHECK(empty.points().empty());
  CHECK(empty.values(cols::isl).empty());
  CHECK(empty.groups({cols::hw}).empty());
  CHECK(empty.groups({}).empty());
  CHECK(empty.latest().empty());
  CHECK(empty.distinct(cols::hw).empty());
  CHECK(empty.where(cols::hw, "x").empty());
  CHECK(empty.files().empty());
  for (column_id c : point_columns()) CHECK(!empty.has(c));
}

TEST_CASE("result_table: a plain boolean is false, never missing, in every row") {
  // disagg, multinode and partial are plain bools: a point always has a value (false by
  // default), and the store says "absent means false, not missing".
  // Regression (found by this test, fixed in 88d786c): detail::put() started a plain bool's
  // vector at the first true row with missing values before it, so earlier rows read as missing,
  // where(disagg, "false") missed them and groups() split the false rows in two.
  benchmark_point no, yes;
  yes.disagg = yes.multinode = yes.partial = true;
  const result_table t(std::vector<benchmark_point>{no, no, yes, no});
  for (column_id c : {cols::disagg, cols::multinode, cols::partial}) {
    for (std::size_t i = 0; i < t.size(); ++i) {
      const double want = i == 2 ? 1.0 : 0.0;
      CHECK_MESSAGE(t[i].number(c) == want, name_of(c), " row ", i);
      CHECK_MESSAGE(same_cell(t[i].get(c), cell{i == 2}), name_of(c), " row ", i);
      CHECK(t.values(c)[i] == want);
    }
    CHECK((storage_rows(t.where(c, "false")) == std::vector<std::uint32_t>{0, 1, 3}));
    CHECK(t.groups({c}).size() == 2);
    CHECK((t.distinct(c) == std::vector<std::string>{"false", "true"}));
  }
}

TEST_CASE("result_table: has() of a view answers as the table does") {
  // A view that selects every row, and a filter that keeps all rows, are the same rows: every
  // question about them has the same answer.
  std::mt19937_64 rng(3);
  std::vector<benchmark_point> points;
  for (int i = 0; i < 30; ++i) points.push_back(random_point(rng, 70));
  for (auto& p : points) p.disagg = p.multinode = p.partial = false;  // no row has a true plain boolean
  const result_table t(points);
  const result_table all = t.filter([](const row_view&) { return true; });
  REQUIRE(all.size() == t.size());
  for (column_id c : point_columns()) {
    // Regression (fixed in 88d786c): for plain booleans with no row true the table said false and
    // a view of the same rows true; to_csv_text decides its columns by has().
    CHECK_MESSAGE(all.has(c) == t.has(c), name_of(c));
  }
  // and with one row true, both say so
  points[3].disagg = true;
  const result_table u(points);
  CHECK(u.has(cols::disagg));
  CHECK(u.filter([](const row_view&) { return true; }).has(cols::disagg));
}

// --- groups ------------------------------------------------------------------------------------------

namespace {

/// A small pool of values per key column, so that groups collide: text with case differences and
/// missing; integers; reals with -0, +0, NaN (missing) and infinities; booleans with missing.
benchmark_point key_point(std::mt19937_64& rng) {
  benchmark_point p;
  const char* texts[] = {"", "a", "A", "b", "a "};
  p.hw = texts[rng() % 5];
  p.model = texts[rng() % 5];
  const std::optional<std::int64_t> ints[] = {std::nullopt, 1, 2, -3, std::int64_t{1} << 53};
  p.concurrency = ints[rng() % 5];
  p.isl = ints[rng() % 5];
  const double reals[] = {nan_value, 0.0, -0.0, 1.5, inf, -inf};
  const double r = reals[rng() % 6];
  if (!std::isnan(r) || rng() % 2) p.request_rate = r;  // NaN in the optional, or nothing: both missing
  const double s = reals[rng() % 6];
  if (!std::isnan(s)) p.tput_per_gpu = s;
  const int b = static_cast<int>(rng() % 3);
  if (b < 2) p.dp_attention = b == 1;
  p.disagg = rng() % 2 == 0;
  p.tpot.median = static_cast<double>(rng() % 1000);  // a payload column, never a key
  return p;
}

/// The value that decides group membership: missing (NaN included) is one value, -0 == +0.
cell key_cell(const benchmark_point& p, column_id c) {
  cell v = get(p, c);
  if (const double* d = std::get_if<double>(&v)) {
    if (std::isnan(*d)) return {};
    if (*d == 0) return 0.0;
  }
  return v;
}

struct brute_group {
  std::vector<cell> key;              // cells of the first row
  std::vector<std::uint32_t> rows;    // storage rows
};

std::vector<brute_group> brute_groups(const std::vector<benchmark_point>& points, const std::vector<std::uint32_t>& selected,
                                      const std::vector<column_id>& by) {
  std::vector<brute_group> out;
  std::vector<std::vector<cell>> keys;
  for (std::uint32_t r : selected) {
    std::vector<cell> k;
    for (column_id c : by) k.push_back(key_cell(points[r], c));
    std::size_t g = 0;
    while (g < keys.size() && keys[g] != k) ++g;
    if (g == keys.size()) {
      keys.push_back(k);
      brute_group grp;
      for (column_id c : by) {
        cell v = get(points[r], c);
        if (const double* d = std::get_if<double>(&v); d && std::isnan(*d)) v = {};
        grp.key.push_back(v);
      }
      out.push_back(std::move(grp));
    }
    out[g].rows.push_back(r);
  }
  return out;
}

}  // namespace

TEST_CASE("groups() equals a brute-force grouping by the key cells, on tables and on views") {
  const std::vector<column_id> pool = {cols::hw,           cols::model,     cols::concurrency, cols::isl,
                                       cols::request_rate, cols::tput_per_gpu, cols::dp_attention, cols::disagg};
  std::mt19937_64 rng(17);
  for (int round = 0; round < 300; ++round) {
    std::vector<benchmark_point> points;
    const std::size_t n = rng() % 120;
    for (std::size_t i = 0; i < n; ++i) points.push_back(key_point(rng));
    const result_table t(points);
    std::vector<column_id> by;
    const std::size_t k = rng() % 5;
    for (std::size_t i = 0; i < k; ++i) by.push_back(pool[rng() % pool.size()]);  // repeats allowed

    // the whole table, or a random view of it
    result_table view = t;
    if (round % 2) {
      const std::uint64_t mask = rng();
      view = t.filter([&](const row_view& r) { return (mask >> (r.position() % 64)) & 1; });
    }
    const std::vector<std::uint32_t> selected = storage_rows(view);
    const auto want = brute_groups(points, selected, by);
    const auto got = view.groups(by);
    CHECK_MESSAGE(got.size() == want.size(), "round ", round);
    if (got.size() != want.size()) continue;
    for (std::size_t g = 0; g < got.size(); ++g) {
      REQUIRE(got[g].key.size() == by.size());
      for (std::size_t j = 0; j < by.size(); ++j)
        CHECK_MESSAGE(same_cell(got[g].key[j], want[g].key[j]), "round ", round, " group ", g, " ", name_of(by[j]), ": '",
                      to_string(got[g].key[j]), "' vs '", to_string(want[g].key[j]), "'");
      CHECK(&got[g].rows.storage() == &t.storage());
      CHECK(storage_rows(got[g].rows) == want[g].rows);
      if (storage_rows(got[g].rows) != want[g].rows) continue;
      for (std::size_t i = 0; i < got[g].rows.size(); ++i)  // rows read through the group view
        CHECK(got[g].rows[i].number(cols::median_tpot) == *points[want[g].rows[i]].tpot.median);
    }
    if (by.empty() && !selected.empty()) CHECK(got.size() == 1);
  }
}

TEST_CASE("groups: order of first appearance, rows in table order, -0 with 0, missing together") {
  benchmark_point a = config("h100", 1, 100, 10), b = config("b200-trt", 1, 90, 50), c = config("h100-x", 2, 80, 20);
  const result_table t(std::vector<benchmark_point>{a, b, c});
  const auto g = t.groups({cols::accelerator});
  REQUIRE(g.size() == 2);
  CHECK(std::get<std::string>(g[0].key[0]) == "h100");
  CHECK(storage_rows(g[0].rows) == std::vector<std::uint32_t>{0, 2});
  CHECK(std::get<std::string>(g[1].key[0]) == "b200");
  CHECK(storage_rows(g[1].rows) == std::vector<std::uint32_t>{1});
  CHECK(t.groups({}).size() == 1);

  benchmark_point z, nz, m1, m2;
  z.tput_per_gpu = 0.0;
  nz.tput_per_gpu = -0.0;
  m2.tput_per_gpu = nan_value;
  const result_table u(std::vector<benchmark_point>{z, m1, nz, m2});
  const auto h = u.groups({cols::tput_per_gpu});
  REQUIRE(h.size() == 2);
  CHECK(storage_rows(h[0].rows) == std::vector<std::uint32_t>{0, 2});
  CHECK(storage_rows(h[1].rows) == std::vector<std::uint32_t>{1, 3});
  CHECK(std::holds_alternative<std::monostate>(h[1].key[0]));
}

// --- latest ------------------------------------------------------------------------------------------

namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

/// Run ids compared as documented: numerically when both are numbers, else as text. -1, 0, 1.
int compare_run(const std::string& a, const std::string& b) {
  if (all_digits(a) && all_digits(b)) {
    auto strip = [](const std::string& s) {
      const auto nz = s.find_first_not_of('0');
      return nz == std::string::npos ? std::string("0") : s.substr(nz);
    };
    const std::string x = strip(a), y = strip(b);
    if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/// The documented rule: per configuration (every identity column except the image), the row
/// that is last in the order (date, run id, position); the survivors in table order.
std::vector<std::uint32_t> brute_latest(const std::vector<benchmark_point>& points) {
  std::vector<column_id> key;
  for (const column& c : columns())
    if (c.kind == column_kind::identity && c.id != cols::image) key.push_back(c.id);
  std::vector<std::vector<cell>> keys;
  std::vector<std::uint32_t> best;
  for (std::uint32_t i = 0; i < points.size(); ++i) {
    std::vector<cell> k;
    for (column_id c : key) k.push_back(key_cell(points[i], c));
    std::size_t g = 0;
    while (g < keys.size() && keys[g] != k) ++g;
    if (g == keys.size()) {
      keys.push_back(k);
      best.push_back(i);
      continue;
    }
    const benchmark_point& b = points[best[g]];
    const benchmark_point& p = points[i];
    int order = p.date < b.date ? -1 : p.date > b.date ? 1 : 0;
    if (order == 0) order = compare_run(p.run, b.run);
    if (order >= 0) best[g] = i;  // equal date and run: the later position
  }
  std::sort(best.begin(), best.end());
  return best;
}

benchmark_point latest_point(std::mt19937_64& rng, const std::vector<std::string>& runs) {
  benchmark_point p;
  p.hw = rng() % 2 ? "h100" : "b200";
  p.model = rng() % 3 ? "m" : "";
  p.concurrency = 1 + static_cast<std::int64_t>(rng() % 3);
  if (rng() % 4 == 0) p.request_rate = rng() % 2 ? 0.0 : -0.0;
  if (rng() % 5 == 0) p.dp_attention = rng() % 2 == 0;
  if (rng() % 6 == 0) p.decode.tp = 8;
  if (rng() % 7 == 0) p.num_prompts = 10;
  p.image = "img:" + std::to_string(rng() % 3);           // not part of the configuration
  p.tput_per_gpu = static_cast<double>(rng() % 1000);     // nor is a measurement
  p.date = std::vector<std::string>{"", "20260101-000000", "20260102-000000"}[rng() % 3];
  p.run = runs[rng() % runs.size()];
  return p;
}

}  // namespace

TEST_CASE("latest() keeps, per configuration, the last row in (date, run id, position) order") {
  const std::vector<std::string> runs = {"", "9", "10", "100", "abc", "run_2", "run_10", "99999999999999999999"};
  std::mt19937_64 rng(23);
  for (int round = 0; round < 300; ++round) {
    std::vector<benchmark_point> points;
    const std::size_t n = rng() % 80;
    for (std::size_t i = 0; i < n; ++i) points.push_back(latest_point(rng, runs));
    const result_table t(points);
    const result_table latest = t.latest();
    CHECK_MESSAGE(storage_rows(latest) == brute_latest(points), "round ", round);
    CHECK(&latest.storage() == &t.storage());
  }
}

TEST_CASE("latest(): run ids with leading zeros compare numerically") {
  // "010" and "10" are the same number: neither run is later, so the position decides (the later
  // row); "9" is before "010".
  const std::vector<std::string> runs = {"10", "010", "0010", "9", "09", "11"};
  std::mt19937_64 rng(29);
  for (int round = 0; round < 200; ++round) {
    std::vector<benchmark_point> points;
    const std::size_t n = 1 + rng() % 20;
    for (std::size_t i = 0; i < n; ++i) {
      benchmark_point p;
      p.hw = "h100";
      p.concurrency = 1 + static_cast<std::int64_t>(rng() % 2);
      p.run = runs[rng() % runs.size()];
      points.push_back(p);
    }
    // Regression (fixed in 88d786c): "10" was ordered before "010" (shorter digit strings first)
    // although both are the number 10.
    CHECK_MESSAGE(storage_rows(result_table(points).latest()) == brute_latest(points), "round ", round);
  }
}

TEST_CASE("latest(): examples") {
  // Same configuration (h100, conc 1) in runs 9 and 10 with different images: run 10 wins
  // (numeric order, not text order); conc 2 appears only in run 9 and stays.
  const result_table t(std::vector<benchmark_point>{config("h100", 1, 100, 10, "9", "img:old"),
                                                    config("h100", 1, 110, 12, "10", "img:new"),
                                                    config("h100", 2, 90, 20, "9", "img:old")});
  const auto latest = t.latest();
  REQUIRE(latest.size() == 2);
  CHECK(latest.point(0).run == "10");
  CHECK(latest.point(0).tput_per_gpu == 12);
  CHECK(latest.point(1).concurrency == 2);

  // Dates order before run ids.
  auto older = config("h100", 1, 100, 10, "99");
  older.date = "20260101-000000";
  auto newer = config("h100", 1, 100, 11, "1");
  newer.date = "20260201-000000";
  CHECK(result_table(std::vector<benchmark_point>{newer, older}).latest().point(0).tput_per_gpu == 11);
  // A different accelerator label is a different configuration.
  CHECK(result_table(std::vector<benchmark_point>{config("h100", 1, 1, 1), config("h100-x", 1, 1, 1)}).latest().size() == 2);
}

// --- where, filter, distinct, values, concat -------------------------------------------------------

TEST_CASE("where(): text exactly, numbers numerically, booleans as true/false/1/0") {
  std::vector<benchmark_point> points;
  for (int i = 0; i < 6; ++i) {
    benchmark_point p;
    p.hw = std::vector<std::string>{"h100", "H100", "b200", "", "h100", "b200 "}[i];
    p.concurrency = std::vector<std::int64_t>{1, 4, 4, 8, 16, 4}[i];
    p.request_rate = std::vector<double>{inf, 2.5, 0.0, 1, 2.5, inf}[i];
    if (i % 3 != 2) p.dp_attention = i % 3 == 0;
    p.disagg = i == 5;
    points.push_back(p);
  }
  points[3].request_rate = -0.0;
  const result_table t(points);
  auto rows = [](const result_table& r) { return storage_rows(r); };
  using v = std::vector<std::uint32_t>;

  CHECK(rows(t.where(cols::hw, "h100")) == v{0, 4});
  CHECK(rows(t.where(cols::hw, "H100")) == v{1});
  CHECK(rows(t.where(cols::hw, "b200")) == v{2});  // "b200 " is another value
  CHECK(t.where(cols::hw, "h200").empty());
  CHECK(t.where(cols::model, "m").empty());  // a column no row has

  for (const char* four : {"4", "4.0", "4e0", " 4 ", "+4"}) CHECK_MESSAGE((rows(t.where(cols::concurrency, four)) == v{1, 2, 5}), four);
  CHECK(t.where(cols::concurrency, "four").empty());
  CHECK(t.where(cols::concurrency, "4.5").empty());
  CHECK(t.where(cols::concurrency, "nan").empty());
  CHECK(t.where(cols::concurrency, "").empty());
  CHECK(rows(t.where(cols::request_rate, "inf")) == v{0, 5});
  CHECK(rows(t.where(cols::request_rate, "2.5")) == v{1, 4});
  CHECK(rows(t.where(cols::request_rate, "0")) == v{2, 3});   // -0 == 0
  CHECK(rows(t.where(cols::request_rate, "-0")) == v{2, 3});
  CHECK(rows(t.where(cols::concurrency, 4.0)) == v{1, 2, 5});
  CHECK(rows(t.where(cols::request_rate, -0.0)) == v{2, 3});
  CHECK(t.where(cols::hw, 4.0).empty());  // a text column holds no numbers

  for (const char* yes : {"true", "True", "TRUE", "1"}) CHECK_MESSAGE((rows(t.where(cols::dp_attention, yes)) == v{0, 3}), yes);
  for (const char* no : {"false", "False", "0"}) CHECK_MESSAGE((rows(t.where(cols::dp_attention, no)) == v{1, 4}), no);
  CHECK(t.where(cols::dp_attention, "yes").empty());
  CHECK(rows(t.where(cols::disagg, "true")) == v{5});
  CHECK(rows(t.where(cols::disagg, "false")) == v{0, 1, 2, 3, 4});  // a plain boolean is false, not missing

  // on a view: only its rows
  const result_table odd = t.filter([](const row_view& r) { return r.position() % 2 == 1; });
  CHECK(rows(odd.where(cols::hw, "h100")).empty());
  CHECK(rows(odd.where(cols::concurrency, "4")) == v{1, 5});
  CHECK(rows(odd.where(cols::hw, "H100")) == v{1});
  CHECK(rows(t.where(cols::hw, "h100").where(cols::concurrency, "16")) == v{4});
}

TEST_CASE("filter(), distinct(), values() against brute force on random tables") {
  std::mt19937_64 rng(31);
  for (int round = 0; round < 100; ++round) {
    std::vector<benchmark_point> points;
    const std::size_t n = rng() % 60;
    for (std::size_t i = 0; i < n; ++i) points.push_back(key_point(rng));
    const result_table t(points);
    const std::uint64_t mask = rng();
    const result_table f = t.filter([&](const row_view& r) { return (mask >> (r.position() % 64)) & 1; });
    std::vector<std::uint32_t> want;
    for (std::uint32_t i = 0; i < n; ++i)
      if ((mask >> (i % 64)) & 1) want.push_back(i);
    REQUIRE(storage_rows(f) == want);
    // a filter of a filter sees positions in its own view
    const result_table ff = f.filter([](const row_view& r) { return r.position() % 2 == 0; });
    std::vector<std::uint32_t> want2;
    for (std::size_t i = 0; i < want.size(); i += 2) want2.push_back(want[i]);
    CHECK(storage_rows(ff) == want2);

    for (column_id c : {cols::hw, cols::concurrency, cols::request_rate, cols::tput_per_gpu, cols::dp_attention, cols::disagg}) {
      // distinct: values as text in order of first appearance, missing left out, -0 and 0 one value
      std::vector<std::string> expected;
      std::vector<cell> seen;
      for (std::uint32_t r : want) {
        const cell k = key_cell(points[r], c);
        if (std::find(seen.begin(), seen.end(), k) != seen.end()) continue;
        seen.push_back(k);
        const std::string s = to_string(k);
        if (!s.empty()) expected.push_back(s);
      }
      CHECK_MESSAGE(f.distinct(c) == expected, name_of(c));
      const std::vector<double> values = f.values(c);
      REQUIRE(values.size() == want.size());
      for (std::size_t i = 0; i < want.size(); ++i) {
        const double x = number(points[want[i]], c);
        CHECK((std::isnan(x) ? std::isnan(values[i]) : values[i] == x));
      }
      if (!is_plain_bool(c)) {
        bool any = false;
        for (std::uint32_t r : want) any = any || !std::holds_alternative<std::monostate>(key_cell(points[r], c));
        CHECK_MESSAGE(f.has(c) == any, name_of(c));
      }
    }
  }
}

TEST_CASE("distinct(): numbers as text") {
  benchmark_point a, b, c, d;
  a.concurrency = 8;
  b.concurrency = 8;
  c.concurrency = 16;
  a.request_rate = inf;
  b.request_rate = 0.5;
  c.request_rate = -0.0;
  d.request_rate = 0.0;
  a.dp_attention = true;
  b.dp_attention = false;
  const result_table t(std::vector<benchmark_point>{a, b, c, d});
  CHECK(t.distinct(cols::concurrency) == std::vector<std::string>{"8", "16"});
  CHECK(t.distinct(cols::request_rate) == std::vector<std::string>{"inf", "0.5", "0"});
  CHECK(t.distinct(cols::dp_attention) == std::vector<std::string>{"true", "false"});
  CHECK(t.distinct(cols::hw).empty());
  CHECK(t.distinct(cols::disagg) == std::vector<std::string>{"false"});
}

TEST_CASE("concat(): this table's rows, then the other's, in a new store; files joined") {
  std::mt19937_64 rng(37);
  std::vector<benchmark_point> first, second;
  for (int i = 0; i < 15; ++i) first.push_back(random_point(rng));
  for (int i = 0; i < 10; ++i) second.push_back(random_point(rng));
  result_table a(first), b(second);
  a.set_files({source_file{"a.json", "inferlens_json", 15, {}, {}}});
  b.set_files({source_file{"b.csv", "csv", 10, {}, {"note"}}, source_file{"bad.csv", "", 0, "broken", {}}});
  const result_table odd = a.filter([](const row_view& r) { return r.position() % 2 == 1; });
  const result_table joined = odd.concat(b);
  REQUIRE(joined.size() == 7 + 10);
  CHECK(&joined.storage() != &a.storage());
  for (std::size_t i = 0; i < 7; ++i) CHECK(differences(joined.point(i), first[2 * i + 1]).empty());
  for (std::size_t i = 0; i < 10; ++i) CHECK(differences(joined.point(7 + i), second[i]).empty());
  REQUIRE(joined.files().size() == 3);
  CHECK(joined.files()[0].path == "a.json");
  CHECK(joined.files()[1].notes == std::vector<std::string>{"note"});
  CHECK(joined.files()[2].error == "broken");
  CHECK(odd.files().size() == 1);  // a view keeps its table's files
  CHECK(a.concat(result_table()).size() == 15);
  CHECK(result_table().concat(b).size() == 10);
  // the inputs are untouched
  CHECK(a.size() == 15);
  CHECK(differences(a.point(3), first[3]).empty());
}

// --- views -------------------------------------------------------------------------------------------

TEST_CASE("views share the column store: a filter of a million rows holds only its selection") {
  constexpr std::size_t n = 1'000'000;
  result_table view, groups_view, b200_view;
  std::vector<table_group> groups;
  const detail::table_storage* store = nullptr;
  {
    auto s = std::make_shared<detail::table_storage>();
    const column_id ids[] = {cols::hw, cols::concurrency, cols::tput_per_gpu};
    benchmark_point p;
    for (std::size_t i = 0; i < n; ++i) {
      p.hw = i % 3 == 0 ? "h100" : i % 3 == 1 ? "b200" : "mi355x";
      p.concurrency = static_cast<std::int64_t>(i % 1000);
      p.tput_per_gpu = static_cast<double>(i);
      detail::append_point(*s, p, ids);
    }
    const result_table t(std::shared_ptr<const detail::table_storage>(std::move(s)));
    REQUIRE(t.size() == n);
    store = &t.storage();
    view = t.filter([](const row_view& r) { return r.number(cols::concurrency) == 7; });
    groups = t.groups({cols::hw});
    b200_view = t.where(cols::hw, "b200").where(cols::concurrency, "7");
    const result_table copy = t;
    CHECK(&copy.storage() == store);
  }  // the table is gone; its views keep the store alive
  REQUIRE(view.size() == n / 1000);
  CHECK(&view.storage() == store);
  for (std::size_t k = 0; k < view.size(); ++k) {
    CHECK(view.storage_row(k) == 7 + 1000 * k);
    CHECK(view[k].number(cols::tput_per_gpu) == static_cast<double>(7 + 1000 * k));
  }
  CHECK(view.point(3).hw == "b200");  // row 3007
  REQUIRE(groups.size() == 3);
  std::size_t total = 0;
  for (const auto& g : groups) {
    CHECK(&g.rows.storage() == store);
    total += g.rows.size();
  }
  CHECK(total == n);
  CHECK(std::get<std::string>(groups[1].key[0]) == "b200");
  CHECK(groups[1].rows.storage_row(2) == 7);
  CHECK(&b200_view.storage() == store);
  const auto in_view = storage_rows(view);
  CHECK(b200_view.size() == static_cast<std::size_t>(std::count_if(in_view.begin(), in_view.end(), [](std::uint32_t r) { return r % 3 == 1; })));
  for (std::size_t k = 0; k < b200_view.size(); ++k) CHECK(b200_view.storage_row(k) % 3 == 1);
  // a view of a view still points into the one store
  const result_table narrower = view.filter([](const row_view& r) { return r.number(cols::tput_per_gpu) < 10000; });
  CHECK(&narrower.storage() == store);
  CHECK(storage_rows(narrower) == std::vector<std::uint32_t>{7, 1007, 2007, 3007, 4007, 5007, 6007, 7007, 8007, 9007});
}

TEST_CASE("frontiers() on several threads equal one thread's: systems, points, curves, skipped rows") {
  std::mt19937_64 rng(77);
  std::uniform_real_distribution<double> unit(0, 1);
  const char* hws[] = {"h100", "b200", "mi355x", "no-such-gpu"};  // the last cannot be priced
  const char* models[] = {"m1", "m2", "m3", "m4", "m5", "m6", "m7"};
  std::vector<benchmark_point> points;
  for (int i = 0; i < 4000; ++i) {
    benchmark_point p;
    p.hw = p.accelerator = hws[rng() % 4];
    p.model = models[rng() % 7];
    p.isl = 1024;
    p.osl = rng() % 2 ? 1024 : 8192;
    p.source = "file" + std::to_string(rng() % 6) + ".json";
    p.intvty.median = 1 + unit(rng) * 200;
    if (rng() % 10) p.tput_per_gpu = unit(rng) * 5000;  // else: no token throughput
    p.completed = rng() % 25 ? 100 : 0;
    points.push_back(p);
  }
  const result_table t(points);
  for (bool priced : {false, true}) {
    frontier_spec spec;
    if (priced) {
      spec.y = cols::usd_per_mtok;
      spec.price = pricing::preset(tier::neocloud);
    }
    spec.threads = 1;
    const frontier_set one = t.frontiers(spec);
    REQUIRE(one.size() > 20);
    REQUIRE(one.skipped().size() >= (priced ? 3u : 2u));
    for (unsigned threads : {2u, 3u, 8u, 1000u}) {
      CAPTURE(priced);
      CAPTURE(threads);
      spec.threads = threads;
      const frontier_set many = t.frontiers(spec);
      REQUIRE(many.size() == one.size());
      CHECK(many.rows() == one.rows());
      const auto same_skips = [](std::span<const skipped_rows> a, std::span<const skipped_rows> b) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i)
          if (a[i].reason != b[i].reason || a[i].rows != b[i].rows || a[i].sources != b[i].sources) return false;
        return true;
      };
      CHECK(same_skips(many.skipped(), one.skipped()));
      for (std::size_t k = 0; k < one.size(); ++k) {
        const system_frontier &a = one[k], &b = many[k];
        REQUIRE(a.name() == b.name());
        CHECK(same_skips(a.skipped(), b.skipped()));
        CHECK(storage_rows(a.rows()) == storage_rows(b.rows()));
        REQUIRE(a.points().size() == b.points().size());
        for (std::size_t i = 0; i < a.points().size(); ++i) CHECK(differences(a.points()[i], b.points()[i]).empty());
        CHECK(std::ranges::equal(a.curve().xs(), b.curve().xs()));
        CHECK(std::ranges::equal(a.curve().ys(), b.curve().ys()));
      }
    }
  }
}

TEST_CASE("text dictionary: one code per distinct string, against a map, for every length and through growth") {
  std::mt19937_64 rng(23);
  detail::text_dictionary d;
  std::map<std::string, std::uint32_t> want;
  std::vector<std::string> seen;
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    if (!seen.empty() && rng() % 2) {
      s = seen[rng() % seen.size()];  // again: the code it had
    } else {
      s.resize(rng() % 41);  // lengths 0..40 cross every branch of the hash
      for (char& c : s) c = static_cast<char>("ab\0\xff"[rng() % 4]);  // few letters: many strings alike
      seen.push_back(s);
    }
    const std::uint32_t code = d.encode(s);
    if (s.empty()) {
      CHECK(code == 0);
      continue;
    }
    const auto [it, added] = want.emplace(s, code);
    CHECK(it->second == code);
    if (added) CHECK(code == want.size());  // codes 1, 2, ... in order of first appearance
    CHECK(d.decode(code) == s);
  }
  CHECK(d.size() == want.size() + 1);
  for (const auto& [s, code] : want) CHECK(d.find(s) == code);
  CHECK(d.find("not there") == std::nullopt);
  CHECK(d.find("") == 0u);
}
