// Tests of record.hpp and columns.hpp: derive() for single-node and disaggregated points, the
// GPU-count product, accelerator names, and the one column registry: handles, names, aliases,
// lookup with suggestions, and reading and writing every column of a point. Expectations are
// computed by hand or by an independent computation; numbers are chosen to be exact in binary
// so that equality is exact.
#include <doctest/doctest.h>

#include <inferlens/columns.hpp>
#include <inferlens/record.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace inferlens;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
__extension__ typedef __int128 int128;  // exact products of two int64 factors and more
constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();

/// Two cells are the same value: same alternative, doubles bit for bit (NaN equals NaN).
bool same_cell(const cell& a, const cell& b) {
  if (a.index() != b.index()) return false;
  if (const double* x = std::get_if<double>(&a)) {
    const double y = std::get<double>(b);
    if (std::isnan(*x) && std::isnan(y)) return true;
    return std::bit_cast<std::uint64_t>(*x) == std::bit_cast<std::uint64_t>(y);
  }
  return a == b;
}

/// The point columns (fields of benchmark_point), in registry order.
std::vector<column_id> point_columns() {
  std::vector<column_id> out;
  for (const column& c : columns())
    if (!c.economic()) out.push_back(c.id);
  return out;
}

bool is_plain_bool(column_id c) { return c == cols::disagg || c == cols::multinode || c == cols::partial; }

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& ch : out)
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  return out;
}

std::string alternate_case(std::string_view s) {
  std::string out(s);
  for (std::size_t i = 0; i < out.size(); ++i)
    if (i % 2 == 0 && out[i] >= 'a' && out[i] <= 'z') out[i] = static_cast<char>(out[i] - 'a' + 'A');
  return out;
}

bool contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

}  // namespace

// --- accelerator names ---------------------------------------------------------------------------

TEST_CASE("normalize_accelerator keeps the base GPU, lower case, up to - _ or space") {
  CHECK(normalize_accelerator("b200-trt") == "b200");
  CHECK(normalize_accelerator("mi355x-amd_0") == "mi355x");
  CHECK(normalize_accelerator("H100 SXM") == "h100");
  CHECK(normalize_accelerator("GB200") == "gb200");
  CHECK(normalize_accelerator("h200_nv") == "h200");
  CHECK(normalize_accelerator("") == "");
  CHECK(normalize_accelerator("-b200") == "");
}

// --- derive() --------------------------------------------------------------------------------------

TEST_CASE("derive: accelerator from hw, but a given accelerator stays") {
  benchmark_point p;
  p.hw = "B200-trt";
  derive(p);
  CHECK(p.accelerator == "b200");
  benchmark_point q;
  q.hw = "b200-trt";
  q.accelerator = "b200-nvl";
  derive(q);
  CHECK(q.accelerator == "b200-nvl");
}

TEST_CASE("derive: single node divides whole-deployment throughput by tp x pp x pcp") {
  benchmark_point p;
  p.tp = 2;
  p.pp = 2;
  p.pcp = 2;
  p.dcp = 4;  // decode context parallelism reuses the TP GPUs: not in the count
  p.total_token_throughput = 8000;
  p.output_throughput = 1000;
  derive(p);
  REQUIRE(p.num_gpus);
  CHECK(*p.num_gpus == 8);
  CHECK(*p.tput_per_gpu == 1000);
  CHECK(*p.output_tput_per_gpu == 125);
  CHECK(*p.input_throughput == 7000);
  CHECK(*p.input_tput_per_gpu == 875);
  CHECK(!uses_worker_pools(p));
}

TEST_CASE("derive: tp alone means tp GPUs") {
  benchmark_point p;
  p.tp = 4;
  p.total_token_throughput = 1000;
  derive(p);
  CHECK(*p.num_gpus == 4);
  CHECK(*p.tput_per_gpu == 250);
  CHECK(!p.output_tput_per_gpu);  // no output throughput given
  CHECK(!p.input_throughput);
}

TEST_CASE("derive: per-GPU figures alone give the whole-deployment throughput (InferenceMAX rows)") {
  benchmark_point p;
  p.tp = 8;
  p.tput_per_gpu = 1000;
  p.output_tput_per_gpu = 125;
  p.input_tput_per_gpu = 875;
  derive(p);
  CHECK(*p.total_token_throughput == 8000);
  CHECK(*p.output_throughput == 1000);
  CHECK(*p.input_throughput == 7000);
}

TEST_CASE("derive: input throughput follows from per-GPU total and output in one pass") {
  benchmark_point p;
  p.tp = 8;
  p.tput_per_gpu = 1000;
  p.output_tput_per_gpu = 125;
  derive(p);
  REQUIRE(p.input_throughput);
  CHECK(*p.input_throughput == 7000);
  REQUIRE(p.input_tput_per_gpu);
  CHECK(*p.input_tput_per_gpu == 875);
}

TEST_CASE("derive: is idempotent") {
  benchmark_point p;
  p.hw = "h100";
  p.tp = 8;
  p.tput_per_gpu = 1000;
  p.output_tput_per_gpu = 125;
  p.tpot.median = 0.015625;
  p.num_prompts = 10;
  p.completed = 9;
  derive(p);
  benchmark_point again = p;
  derive(again);
  for (const column& c : columns()) CHECK_MESSAGE(same_cell(get(p, c.id), get(again, c.id)), c.name);
  CHECK(*p.failed == 1);
  CHECK(*p.intvty.median == 64);
}

TEST_CASE("derive: given values are never overwritten") {
  benchmark_point p;
  p.tp = 8;
  p.total_token_throughput = 8000;
  p.tput_per_gpu = 999;  // inconsistent, but the source said so
  p.num_gpus = 4;
  p.tpot.median = 0.015625;
  p.intvty.median = 63;
  derive(p);
  CHECK(*p.tput_per_gpu == 999);
  CHECK(*p.num_gpus == 4);
  CHECK(*p.intvty.median == 63);
  CHECK(*p.tpot.median == 0.015625);
}

TEST_CASE("derive: interactivity is 1/TPOT per statistic, never for std, and the reverse") {
  benchmark_point p;
  p.tpot.mean = 0.03125;
  p.tpot.median = 0.015625;
  p.tpot.std = 0.0625;
  p.tpot.p90 = 0.25;
  p.intvty.p99 = 2;
  p.tpot.p999 = 0;  // no rate from a zero TPOT
  derive(p);
  CHECK(*p.intvty.mean == 32);
  CHECK(*p.intvty.median == 64);
  CHECK(*p.intvty.p90 == 4);
  CHECK(!p.intvty.std);
  CHECK(*p.tpot.p99 == 0.5);
  CHECK(!p.intvty.p999);
  CHECK(*p.interactivity() == 64);
  CHECK(*p.interactivity(statistic::mean) == 32);
  CHECK(!p.interactivity(statistic::std));

  benchmark_point q;
  q.intvty.std = 4;  // std of interactivity gives no std of TPOT either
  q.intvty.p999 = 8;
  derive(q);
  CHECK(!q.tpot.std);
  CHECK(*q.tpot.p999 == 0.125);
}

TEST_CASE("derive: interactivity comes from TPOT, not ITL") {
  benchmark_point p;
  p.itl.median = 0.5;  // MTP: many tokens per chunk
  p.tpot.median = 0.0078125;
  derive(p);
  CHECK(*p.intvty.median == 128);
  benchmark_point q;
  q.itl.median = 0.5;  // ITL alone gives no interactivity
  derive(q);
  CHECK(!q.intvty.median);
  CHECK(!q.tpot.median);
}

TEST_CASE("derive: failed = num_prompts - completed") {
  benchmark_point p;
  p.num_prompts = 640;
  p.completed = 638;
  derive(p);
  CHECK(*p.failed == 2);
  benchmark_point q;
  q.num_prompts = 5;
  q.completed = 6;  // inconsistent: no guess
  derive(q);
  CHECK(!q.failed);
  benchmark_point r;
  r.num_prompts = 5;
  r.completed = 3;
  r.failed = 1;  // given: kept
  derive(r);
  CHECK(*r.failed == 1);
}

TEST_CASE("derive: disaggregated pools divide output by decode GPUs, input by prefill GPUs") {
  benchmark_point p;
  p.multinode = true;
  p.disagg = true;
  p.prefill.num_workers = 5;
  p.prefill.tp = 4;  // 20 GPUs
  p.decode.num_workers = 1;
  p.decode.tp = 32;  // 32 GPUs
  p.total_token_throughput = 52000;
  p.output_throughput = 6400;
  derive(p);
  CHECK(uses_worker_pools(p));
  CHECK(*p.prefill.gpus == 20);
  CHECK(*p.decode.gpus == 32);
  CHECK(*p.num_gpus == 52);
  CHECK(*p.tput_per_gpu == 1000);
  CHECK(*p.output_tput_per_gpu == 200);
  CHECK(*p.input_throughput == 45600);
  CHECK(*p.input_tput_per_gpu == 2280);
}

TEST_CASE("derive: pool GPU counts include pp and pcp; given counts win") {
  benchmark_point p;
  p.multinode = true;
  p.prefill.num_workers = 2;
  p.prefill.tp = 4;
  p.prefill.pp = 2;
  p.prefill.pcp = 2;  // 32
  p.decode.gpus = 16;
  p.decode.num_workers = 1;
  p.decode.tp = 8;  // would be 8, but the source gave 16
  p.tput_per_gpu = 100;
  p.output_tput_per_gpu = 50;
  p.input_tput_per_gpu = 75;
  derive(p);
  CHECK(*p.prefill.gpus == 32);
  CHECK(*p.decode.gpus == 16);
  CHECK(*p.num_gpus == 48);
  CHECK(*p.total_token_throughput == 4800);
  CHECK(*p.output_throughput == 800);
  CHECK(*p.input_throughput == 2400);
}

TEST_CASE("derive: worker pools are used when any pool count is given, even without multinode") {
  benchmark_point p;
  p.prefill.gpus = 4;
  p.decode.gpus = 12;
  p.tp = 2;  // ignored: the pools count
  p.total_token_throughput = 1600;
  p.output_throughput = 1200;
  derive(p);
  CHECK(uses_worker_pools(p));
  CHECK(*p.num_gpus == 16);
  CHECK(*p.tput_per_gpu == 100);
  CHECK(*p.output_tput_per_gpu == 100);
  CHECK(*p.input_tput_per_gpu == 100);
}

TEST_CASE("derive: zero decode GPUs fall back to all GPUs for output, as InferenceMAX does") {
  benchmark_point p;
  p.multinode = true;
  p.prefill.gpus = 8;
  p.decode.gpus = 0;
  p.output_throughput = 800;
  p.total_token_throughput = 1600;
  derive(p);
  CHECK(*p.num_gpus == 8);
  CHECK(*p.output_tput_per_gpu == 100);
  CHECK(*p.input_tput_per_gpu == 100);
}

TEST_CASE("derive: pools without any GPU count leave per-GPU figures missing") {
  benchmark_point p;
  p.multinode = true;
  p.prefill.num_workers = 1;  // no tp: unknown GPUs
  p.total_token_throughput = 1000;
  derive(p);
  CHECK(!p.num_gpus);
  CHECK(!p.tput_per_gpu);
}

TEST_CASE("derive: no GPU count at all leaves per-GPU figures missing, not zero") {
  benchmark_point p;
  p.total_token_throughput = 1000;
  p.output_throughput = 400;
  derive(p);
  CHECK(!p.num_gpus);
  CHECK(!p.tput_per_gpu);
  CHECK(*p.input_throughput == 600);
}

TEST_CASE("derive: a total below the output gives no (negative) input throughput") {
  benchmark_point p;
  p.tp = 1;
  p.total_token_throughput = 300;
  p.output_throughput = 400;
  derive(p);
  CHECK(!p.input_throughput);
  CHECK(!p.input_tput_per_gpu);
}

TEST_CASE("derive: NaN and infinite inputs produce no derived values") {
  benchmark_point p;
  p.tp = 2;
  p.total_token_throughput = nan_value;
  p.output_throughput = inf;
  derive(p);
  CHECK(!p.tput_per_gpu);
  CHECK(!p.output_tput_per_gpu);
  CHECK(!p.input_throughput);
}

TEST_CASE("derive: a GPU count whose product leaves int64 stays missing") {
  benchmark_point p;
  p.tp = std::int64_t{1} << 62;
  p.pp = 4;
  p.total_token_throughput = 1000;
  derive(p);
  CHECK(!p.num_gpus);
  CHECK(!p.tput_per_gpu);

  benchmark_point q;
  q.multinode = true;
  q.prefill.num_workers = std::int64_t{1} << 40;
  q.prefill.tp = std::int64_t{1} << 30;  // 2^70
  q.decode.gpus = 8;
  derive(q);
  CHECK(!q.prefill.gpus);
  CHECK(!q.num_gpus);

  benchmark_point r;  // the sum of two pools overflows
  r.multinode = true;
  r.prefill.gpus = std::numeric_limits<std::int64_t>::max();
  r.decode.gpus = 1;
  r.total_token_throughput = 1000;
  r.output_throughput = 100;
  derive(r);
  CHECK(!r.num_gpus);
  CHECK(!r.tput_per_gpu);
  CHECK(*r.output_tput_per_gpu == 100);  // per decode GPU: 1 of them
}

TEST_CASE("checked_product: the product, or nothing when a factor is missing or it leaves int64") {
  CHECK(checked_product(2, 3) == 6);
  CHECK(checked_product(2, 3, 4, 5) == 120);
  CHECK(checked_product(-2, 3) == -6);
  CHECK(checked_product(0, std::numeric_limits<std::int64_t>::max()) == 0);
  CHECK(!checked_product(std::nullopt, 3));
  CHECK(!checked_product(2, std::nullopt));
  CHECK(!checked_product(2, 3, std::nullopt));
  CHECK(!checked_product(2, 3, 4, std::nullopt));
  CHECK(!checked_product(std::int64_t{1} << 32, std::int64_t{1} << 31));
  CHECK(!checked_product(std::int64_t{1} << 31, std::int64_t{1} << 31, 2));  // 2^63
  CHECK(checked_product(-(std::int64_t{1} << 31), std::int64_t{1} << 31, 2) == std::numeric_limits<std::int64_t>::min());
  CHECK(!checked_product(std::numeric_limits<std::int64_t>::min(), -1));
  CHECK(checked_product(std::numeric_limits<std::int64_t>::max(), 1, 1, 1) == std::numeric_limits<std::int64_t>::max());

  // against 128-bit arithmetic on random factors of every magnitude
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 20000; ++trial) {
    std::int64_t f[4];
    for (auto& x : f) {
      const int bits = static_cast<int>(rng() % 40);
      x = static_cast<std::int64_t>(rng() >> (64 - bits - 1) >> 1);
      if (x == 0) x = 1;  // non-zero factors: |partial products| never shrink, so "the product leaves int64" is unambiguous
      if (rng() % 4 == 0) x = -x;
    }
    int128 exact = 1;
    bool overflow = false;
    for (std::int64_t x : f) {
      exact *= x;
      if (exact > std::numeric_limits<std::int64_t>::max() || exact < std::numeric_limits<std::int64_t>::min()) {
        overflow = true;
        break;
      }
    }
    const auto got = checked_product(f[0], f[1], f[2], f[3]);
    if (overflow) {
      CHECK_MESSAGE(!got, f[0], " ", f[1], " ", f[2], " ", f[3]);
    } else {
      REQUIRE_MESSAGE(got, f[0], " ", f[1], " ", f[2], " ", f[3]);
      CHECK(static_cast<int128>(*got) == exact);
    }
  }
}

// --- derive() as a property ------------------------------------------------------------------------

namespace {

/// A point with a random subset of the fields derive() reads (and some others) given.
benchmark_point random_point(std::mt19937_64& rng) {
  auto coin = [&](int percent = 50) { return static_cast<int>(rng() % 100) < percent; };
  auto small = [&](std::int64_t lo, std::int64_t hi) { return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1)); };
  auto real = [&] {
    switch (rng() % 8) {
      case 0: return 0.0;
      case 1: return static_cast<double>(small(1, 4096));
      case 2: return nan_value;
      default: return std::ldexp(static_cast<double>(rng() % 1000000 + 1), static_cast<int>(small(-30, 10)));
    }
  };
  benchmark_point p;
  if (coin()) p.hw = std::vector<std::string>{"b200-trt", "H100 SXM", "mi355x-amd_0", "gb200", ""}[rng() % 5];
  if (coin(20)) p.accelerator = "given";
  if (coin(70)) p.tp = small(0, 8);
  if (coin(30)) p.pp = small(1, 4);
  if (coin(30)) p.pcp = small(1, 2);
  if (coin(20)) p.num_gpus = small(0, 64);
  if (coin(30)) p.multinode = true;
  for (worker_pool* w : {&p.prefill, &p.decode}) {
    if (coin(30)) w->num_workers = small(1, 8);
    if (coin(40)) w->tp = small(1, 16);
    if (coin(20)) w->pp = small(1, 2);
    if (coin(20)) w->pcp = small(1, 2);
    if (coin(20)) w->gpus = small(0, 64);
  }
  for (std::optional<double>* v : {&p.total_token_throughput, &p.output_throughput, &p.input_throughput, &p.tput_per_gpu,
                                   &p.output_tput_per_gpu, &p.input_tput_per_gpu})
    if (coin(35)) *v = real();
  for (latency_stats* s : {&p.tpot, &p.intvty})
    for (statistic st : {statistic::mean, statistic::median, statistic::std, statistic::p90, statistic::p99, statistic::p999})
      if (coin(30)) s->*statistic_member(st) = real();
  if (coin()) p.num_prompts = small(0, 100);
  if (coin()) p.completed = small(0, 100);
  if (coin(20)) p.failed = small(0, 5);
  if (coin(30)) p.ttft.median = real();
  if (coin(30)) p.itl.median = real();
  return p;
}

}  // namespace

TEST_CASE("derive: fills only the columns named in derived_columns, only where missing, and every one of them") {
  std::set<column_id> derived(std::begin(derived_columns), std::end(derived_columns));
  CHECK(derived.size() == std::size(derived_columns));  // no column listed twice
  for (column_id c : derived_columns) CHECK_MESSAGE(!info(c).economic(), name_of(c));

  std::set<column_id> ever_filled;
  std::mt19937_64 rng(2024);
  int reported = 0;
  for (int trial = 0; trial < 5000; ++trial) {
    const benchmark_point before = random_point(rng);
    benchmark_point after = before;
    derive(after);
    for (column_id c : point_columns()) {
      const cell a = get(before, c), b = get(after, c);
      if (same_cell(a, b)) continue;
      ever_filled.insert(c);
      if (reported < 10 && (!derived.count(c) || !std::holds_alternative<std::monostate>(a))) {
        ++reported;
        FAIL_CHECK("derive() changed ", name_of(c), " from '", to_string(a), "' to '", to_string(b), "'");
      }
    }
    benchmark_point again = after;
    derive(again);
    for (column_id c : point_columns())
      if (!same_cell(get(after, c), get(again, c)) && reported < 10) {
        ++reported;
        FAIL_CHECK("a second derive() changed ", name_of(c));
      }
  }
  CHECK(reported == 0);
  // every listed column is filled by some point: the list holds nothing derive() never fills
  for (column_id c : derived_columns) CHECK_MESSAGE(ever_filled.count(c), name_of(c), " is never filled");
}

TEST_CASE("derive: derived_columns follow from derive_inputs alone") {
  // The CSV reader loads only derive_inputs before deriving: a point reduced to those columns
  // must derive the same derived columns as the whole point.
  std::set<column_id> inputs(std::begin(derive_inputs), std::end(derive_inputs));
  CHECK(inputs.size() == std::size(derive_inputs));
  std::mt19937_64 rng(77);
  for (int trial = 0; trial < 5000; ++trial) {
    benchmark_point whole = random_point(rng);
    for (column_id c : point_columns())  // as stored in a table: NaN is missing
      if (info(c).numeric() && std::isnan(number(whole, c))) set_number(whole, c, nan_value);
    benchmark_point reduced;
    for (column_id c : derive_inputs) set(reduced, c, get(whole, c));
    derive(whole);
    derive(reduced);
    for (column_id c : derived_columns)
      CHECK_MESSAGE(same_cell(get(whole, c), get(reduced, c)), name_of(c), " trial ", trial);
  }
}

TEST_CASE("derive: single-node per-GPU figures equal an independent division by tp x pp x pcp") {
  std::mt19937_64 rng(99);
  for (int trial = 0; trial < 3000; ++trial) {
    benchmark_point p;
    p.tp = 1 + static_cast<std::int64_t>(rng() % 16);
    if (rng() % 2) p.pp = 1 + static_cast<std::int64_t>(rng() % 4);
    if (rng() % 2) p.pcp = 1 + static_cast<std::int64_t>(rng() % 4);
    const double total = std::ldexp(static_cast<double>(rng() % 100000000 + 1), -static_cast<int>(rng() % 20));
    const double output = total * static_cast<double>(rng() % 1000) / 1000.0;
    p.total_token_throughput = total;
    p.output_throughput = output;
    derive(p);
    const std::int64_t gpus = *p.tp * p.pp.value_or(1) * p.pcp.value_or(1);
    REQUIRE(p.num_gpus);
    CHECK(*p.num_gpus == gpus);
    CHECK(*p.tput_per_gpu == total / static_cast<double>(gpus));
    CHECK(*p.output_tput_per_gpu == output / static_cast<double>(gpus));
    CHECK(*p.input_throughput == total - output);
    CHECK(*p.input_tput_per_gpu == (total - output) / static_cast<double>(gpus));
  }
}

// --- the registry ----------------------------------------------------------------------------------

TEST_CASE("columns: handles, registry order and info() agree") {
  REQUIRE(columns().size() == column_count);
  for (std::size_t i = 0; i < columns().size(); ++i) {
    const column& c = columns()[i];
    CHECK(index_of(c.id) == i);
    CHECK(&info(c.id) == &c);
    CHECK(name_of(c.id) == c.name);
    CHECK(c.economic() == (i >= point_column_count));  // point columns first, then the economic ones
    CHECK(c.numeric() == (c.type != column_type::text));
  }
  CHECK(point_columns().size() == point_column_count);
  static_assert(std::is_same_v<cols, column_id>);
  CHECK(name_of(cols::tput_per_gpu) == "tput_per_gpu");
  CHECK(name_of(cols::concurrency) == "concurrency");
  CHECK(name_of(cols::multinode) == "multinode");
  CHECK(name_of(cols::model_prefix) == "model_prefix");
  CHECK(name_of(cols::p999_ttft) == "p99.9_ttft");
  CHECK(name_of(cols::prefill_gpus) == "prefill_gpus");
  CHECK(name_of(cols::usd_per_mtok) == "usd_per_mtok");
}

TEST_CASE("columns: names and aliases are unique, case-insensitively, and no alias hides a name") {
  std::set<std::string> names;
  for (const column& c : columns()) CHECK_MESSAGE(names.insert(upper(c.name)).second, c.name);
  for (const column_alias& a : column_aliases) {
    CHECK_MESSAGE(names.insert(upper(a.alias)).second, a.alias);
    CHECK(!a.origin.empty());
  }
}

TEST_CASE("lookup_column finds every name and every alias, in any case, with surrounding blanks") {
  for (const column& c : columns()) {
    CHECK_MESSAGE(lookup_column(c.name) == c.id, c.name);
    CHECK_MESSAGE(lookup_column(upper(c.name)) == c.id, c.name);
    CHECK_MESSAGE(lookup_column(alternate_case(c.name)) == c.id, c.name);
    CHECK_MESSAGE(lookup_column(" " + std::string(c.name) + "\t") == c.id, c.name);
    CHECK(find_column(c.name) == c.id);
  }
  for (const column_alias& a : column_aliases) {
    CHECK_MESSAGE(lookup_column(a.alias) == a.column, a.alias);
    CHECK_MESSAGE(lookup_column(upper(a.alias)) == a.column, a.alias);
    CHECK_MESSAGE(lookup_column(alternate_case(a.alias)) == a.column, a.alias);
    CHECK(find_column(a.alias) == a.column);
  }
  // the documented spellings, one by one
  CHECK(lookup_column("conc") == cols::concurrency);
  CHECK(lookup_column("Max_Concurrency") == cols::concurrency);
  CHECK(lookup_column("infmax_model_prefix") == cols::model_prefix);
  CHECK(lookup_column("is_multinode") == cols::multinode);
  CHECK(lookup_column("num_prefill_gpu") == cols::prefill_gpus);
  CHECK(lookup_column("num_decode_gpu") == cols::decode_gpus);
  CHECK(lookup_column("dcp_size") == cols::dcp);
  CHECK(lookup_column("decode_pcp_size") == cols::decode_pcp);
  CHECK(lookup_column("source_run") == cols::run);
  CHECK(lookup_column("model_id") == cols::model);
  CHECK(lookup_column("checkpoint") == cols::model_raw);
  CHECK(lookup_column("interactivity") == cols::median_intvty);
  CHECK(lookup_column("engine") == cols::framework);
  CHECK(lookup_column("GPU") == cols::accelerator);
  CHECK(lookup_column("gpus") == cols::num_gpus);
  CHECK(lookup_column("input_len") == cols::isl);
  CHECK(lookup_column("output_len") == cols::osl);
  CHECK(lookup_column("total_tput") == cols::total_token_throughput);
  CHECK(lookup_column("hardware") == cols::hw);
  CHECK(lookup_column("p999_e2el") == cols::p999_e2el);
  CHECK(lookup_column("p99.9_e2el") == cols::p999_e2el);
  CHECK(!lookup_column("no_such_column"));
  CHECK(!lookup_column(""));
  CHECK(!lookup_column("   "));
  CHECK(!lookup_column("conc_"));
}

TEST_CASE("find_column: an unknown name is an input_error naming it and suggesting the nearest names") {
  try {
    find_column("median_intvy");
    FAIL("no input_error");
  } catch (const input_error& e) {
    CHECK(e.where().field == "median_intvy");
    CHECK(contains(e.message(), "unknown column"));
    CHECK(contains(e.message(), "did you mean"));
    CHECK(contains(e.message(), "median_intvty"));
    CHECK(contains(e.what(), "median_intvy"));
  }
  try {
    find_column("tput_per_gpuu", "frontier y");
    FAIL("no input_error");
  } catch (const input_error& e) {
    CHECK(contains(e.message(), "unknown frontier y"));
    CHECK(contains(e.message(), "tput_per_gpu"));
  }
  try {
    find_column("Concurency");
    FAIL("no input_error");
  } catch (const input_error& e) {
    CHECK(contains(e.message(), "concurrency"));
  }
  try {
    find_column("zzzzzzzzzzzzzzzzzzzzzzzzzzzzqqq");
    FAIL("no input_error");
  } catch (const input_error& e) {
    CHECK(!contains(e.message(), "did you mean"));
    CHECK(contains(e.message(), "docs/api.md"));
  }
  // nearest first: the suggestion list starts with the closest name
  const auto near = nearest_columns("median_intvy");
  REQUIRE(!near.empty());
  CHECK(near.front() == "median_intvty");
  CHECK(near.size() <= 3);
}

TEST_CASE("columns: types, units, kinds and natural senses") {
  const column& ttft = info(cols::p999_ttft);
  CHECK(ttft.type == column_type::real);
  CHECK(ttft.unit == "s");
  CHECK(ttft.kind == column_kind::measured);
  CHECK(ttft.natural_sense() == sense::minimize);
  CHECK(info(cols::median_intvty).unit == "tok/s/user");
  CHECK(info(cols::median_intvty).natural_sense() == sense::maximize);
  CHECK(info(cols::hw).type == column_type::text);
  CHECK(info(cols::hw).kind == column_kind::identity);
  CHECK(info(cols::isl).type == column_type::integer);
  CHECK(info(cols::isl).kind == column_kind::identity);
  CHECK(info(cols::isl).rule == value_rule::positive);
  CHECK(info(cols::request_rate).rule == value_rule::rate);
  CHECK(info(cols::dp_attention).type == column_type::boolean);
  CHECK(info(cols::multinode).type == column_type::boolean);
  CHECK(info(cols::prefill_gpus).type == column_type::integer);
  CHECK(info(cols::tput_per_gpu).unit == "tok/s/gpu");
  CHECK(info(cols::tput_per_gpu).kind == column_kind::derived);
  CHECK(info(cols::tput_per_gpu).natural_sense() == sense::maximize);
  CHECK(info(cols::date).kind == column_kind::provenance);
  CHECK(info(cols::source_row).kind == column_kind::provenance);
  CHECK(info(cols::model_raw).kind == column_kind::provenance);
  CHECK(info(cols::model).kind == column_kind::identity);
  CHECK(info(cols::usd_per_mtok).economic());
  CHECK(info(cols::usd_per_mtok).natural_sense() == sense::minimize);
  CHECK(info(cols::usd_per_mtok_output).tokens == token_kind::output);
  CHECK(info(cols::tokens_per_usd).natural_sense() == sense::maximize);
  CHECK(info(cols::tok_per_s_per_mw).metric == economic_metric::tok_per_s_per_mw);
  CHECK(info(cols::j_per_token).natural_sense() == sense::minimize);
  for (const column& c : columns()) {
    if (c.economic()) {
      CHECK(c.type == column_type::real);
      CHECK(!c.unit.empty());
    }
    CHECK_MESSAGE(!c.description.empty(), c.name);
  }
  // the five latency metrics x six statistics are all there
  for (const char* metric : {"ttft", "tpot", "itl", "e2el", "intvty"})
    for (const char* stat : {"mean", "median", "std", "p90", "p99", "p99.9"})
      CHECK_MESSAGE(lookup_column(std::string(stat) + "_" + metric), stat, "_", metric);
  // the system key
  CHECK(std::size(system_columns) == 7);
  for (column_id c : system_columns) CHECK(info(c).kind == column_kind::identity);
}

// --- reading and writing a point's columns -------------------------------------------------------

TEST_CASE("number/text/get/set round-trip every column, and touch no other column") {
  const benchmark_point empty;
  int k = 0;
  for (const column& c : columns()) {
    ++k;
    cell value;
    double as_double = nan_value;
    std::string as_text;
    switch (c.type) {
      case column_type::text:
        as_text = "x-" + std::string(c.name) + ",\"\n\xC3\xA9";
        value = as_text;
        break;
      case column_type::integer:
        value = std::int64_t{1000} + k;
        as_double = 1000.0 + k;
        break;
      case column_type::real:
        value = 0.1 * k + 1e-7 / 3;
        as_double = 0.1 * k + 1e-7 / 3;
        break;
      case column_type::boolean:
        value = true;
        as_double = 1;
        break;
    }
    benchmark_point p;
    set(p, c.id, value);
    if (c.economic()) {  // not fields of a point: no effect, nothing to read
      CHECK(std::holds_alternative<std::monostate>(get(p, c.id)));
      CHECK(std::isnan(number(p, c.id)));
      CHECK(text(p, c.id).empty());
      for (column_id o : point_columns()) CHECK(same_cell(get(p, o), get(empty, o)));
      continue;
    }
    CHECK_MESSAGE(same_cell(get(p, c.id), value), c.name);
    if (c.type == column_type::text) {
      CHECK(text(p, c.id) == as_text);
      CHECK(std::isnan(number(p, c.id)));
    } else {
      CHECK_MESSAGE(number(p, c.id) == as_double, c.name);
      CHECK(text(p, c.id).empty());
    }
    // exactly one field changed: the registry maps each column onto its own member
    for (column_id o : point_columns())
      if (o != c.id) CHECK_MESSAGE(same_cell(get(p, o), get(empty, o)), c.name, " also changed ", name_of(o));

    // set_number / set_text write the same member
    benchmark_point q;
    if (c.type == column_type::text) {
      set_text(q, c.id, as_text);
      set_number(q, c.id, 5);  // no effect on a text column
      CHECK(text(q, c.id) == as_text);
    } else {
      set_number(q, c.id, as_double);
      set_text(q, c.id, "7");  // no effect on a numeric column
      CHECK(number(q, c.id) == as_double);
    }
    CHECK(same_cell(get(q, c.id), value));

    // clearing: missing again, except plain booleans, which are false
    set(p, c.id, std::monostate{});
    if (is_plain_bool(c.id))
      CHECK(same_cell(get(p, c.id), cell{false}));
    else
      CHECK_MESSAGE(std::holds_alternative<std::monostate>(get(p, c.id)), c.name);
    if (c.numeric()) {
      set_number(q, c.id, nan_value);  // NaN clears
      CHECK(std::holds_alternative<std::monostate>(get(q, c.id)) == !is_plain_bool(c.id));
    }
  }
}

TEST_CASE("set_number: integers take only whole values, booleans any non-zero as true") {
  benchmark_point p;
  set_number(p, cols::isl, 1024);
  CHECK(*p.isl == 1024);
  set_number(p, cols::isl, 2.5);  // not a whole number: never rounded to 2 or 3
  CHECK((!p.isl || *p.isl == 1024));
  set_number(p, cols::dp_attention, 2);
  CHECK(*p.dp_attention == true);
  set_number(p, cols::dp_attention, 0);
  CHECK(*p.dp_attention == false);
  set_number(p, cols::disagg, 1);
  CHECK(p.disagg);
  set_number(p, cols::request_rate, inf);
  CHECK(*p.request_rate == inf);
  CHECK(number(p, cols::request_rate) == inf);
}

TEST_CASE("columns: a default point has only its plain booleans") {
  const benchmark_point p;
  for (const column& c : columns()) {
    if (is_plain_bool(c.id))
      CHECK(same_cell(get(p, c.id), cell{false}));
    else
      CHECK_MESSAGE(std::holds_alternative<std::monostate>(get(p, c.id)), c.name);
  }
  CHECK(number(p, cols::disagg) == 0);
  CHECK(std::isnan(number(p, cols::isl)));
}

TEST_CASE("number() and as_number") {
  benchmark_point p;
  p.isl = 1024;
  p.dp_attention = true;
  p.e2el.median = 2.5;
  p.model = "m";
  CHECK(number(p, cols::isl) == 1024);
  CHECK(number(p, cols::dp_attention) == 1);
  CHECK(number(p, cols::median_e2el) == 2.5);
  CHECK(std::isnan(number(p, cols::model)));
  CHECK(std::isnan(number(p, cols::osl)));
  CHECK(std::isnan(number(p, cols::usd_per_mtok)));
  CHECK(text(p, cols::model) == "m");
  CHECK(!as_number(cell{}));
  CHECK(!as_number(cell{std::string("5")}));
  CHECK(as_number(cell{std::int64_t{-3}}) == -3.0);
  CHECK(as_number(cell{true}) == 1.0);
  CHECK(as_number(cell{false}) == 0.0);
  CHECK(as_number(cell{0.25}) == 0.25);
}

TEST_CASE("to_string(cell): integers plain, reals shortest round-trip, missing empty") {
  CHECK(to_string(cell{}) == "");
  CHECK(to_string(cell{std::int64_t{-42}}) == "-42");
  CHECK(to_string(cell{true}) == "true");
  CHECK(to_string(cell{false}) == "false");
  CHECK(to_string(cell{std::string("a,b")}) == "a,b");
  CHECK(to_string(cell{0.1}) == "0.1");
  CHECK(to_string(cell{8192.0}) == "8192");
  CHECK(to_string(cell{-0.0}) == "0");
  CHECK(to_string(cell{inf}) == "inf");
  CHECK(to_string(cell{-inf}) == "-inf");
  CHECK(to_string(cell{nan_value}) == "nan");
  std::mt19937_64 rng(5);
  for (int i = 0; i < 2000; ++i) {
    double d = 0;
    do d = std::bit_cast<double>(rng());
    while (!std::isfinite(d));
    CHECK(std::strtod(to_string(cell{d}).c_str(), nullptr) == d);  // subnormals too
  }
  const double awkward = 0.017538221627262592;  // a real TPOT
  CHECK(std::stod(to_string(cell{awkward})) == awkward);
  const double tiny = 4.9406564584124654e-324;
  CHECK(std::strtod(to_string(cell{tiny}).c_str(), nullptr) == tiny);
  CHECK(to_string(cell{tiny}).size() < 12);
}

TEST_CASE("parse_number: the library's one number parser") {
  CHECK(parse_number("1.95") == 1.95);
  CHECK(parse_number("2e3") == 2000);
  CHECK(parse_number(" 8 ") == 8);
  CHECK(parse_number("+8") == 8);
  CHECK(parse_number("inf") == inf);
  CHECK(parse_number("-inf") == -inf);
  const auto z = parse_number("-0");
  REQUIRE(z);
  CHECK(!std::signbit(*z));
  CHECK(!parse_number("1e999"));  // overflows: not a number
  CHECK(!parse_number("-1e999"));
  CHECK(parse_number("1e-400") == 0);  // underflow is a (tiny) number
  CHECK(!parse_number(""));
  CHECK(!parse_number("0x10"));
  CHECK(!parse_number("1,5"));
  CHECK(!parse_number("12abc"));
}

TEST_CASE("statistic_member names the matching field; interactivity() reads it") {
  latency_stats s;
  s.p999 = 7;
  CHECK(*(s.*statistic_member(statistic::p999)) == 7);
  CHECK(!(s.*statistic_member(statistic::p99)));
  benchmark_point p;
  p.intvty.p90 = 12;
  CHECK(p.interactivity(statistic::p90) == 12);
  CHECK(!p.interactivity());
}
