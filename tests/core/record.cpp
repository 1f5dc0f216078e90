// Tests of record.hpp: derive() for single-node and disaggregated points, accelerator names,
// the column registry and its aliases. Expectations are computed by hand; the numbers are chosen
// to be exact in binary so equality is exact.
#include <doctest/doctest.h>

#include <inferlens/record.hpp>

#include <cmath>
#include <limits>
#include <set>
#include <string>

using namespace inferlens;

TEST_CASE("normalize_accelerator keeps the base GPU, lower case, up to - _ or space") {
  CHECK(normalize_accelerator("b200-trt") == "b200");
  CHECK(normalize_accelerator("mi355x-amd_0") == "mi355x");
  CHECK(normalize_accelerator("H100 SXM") == "h100");
  CHECK(normalize_accelerator("GB200") == "gb200");
  CHECK(normalize_accelerator("h200_nv") == "h200");
  CHECK(normalize_accelerator("") == "");
  CHECK(normalize_accelerator("-b200") == "");
}

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
  for (const column& c : columns()) CHECK_MESSAGE(c.get(p) == c.get(again), c.name);
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
}

TEST_CASE("derive: interactivity comes from TPOT, not ITL") {
  benchmark_point p;
  p.itl.median = 0.5;  // MTP: many tokens per chunk
  p.tpot.median = 0.0078125;
  derive(p);
  CHECK(*p.intvty.median == 128);
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

TEST_CASE("derive: NaN inputs produce no derived values") {
  benchmark_point p;
  p.tp = 2;
  p.total_token_throughput = std::numeric_limits<double>::quiet_NaN();
  derive(p);
  CHECK(!p.tput_per_gpu);
}

TEST_CASE("columns: names are unique, found case-insensitively and through aliases") {
  std::set<std::string_view> names;
  for (const column& c : columns()) CHECK_MESSAGE(names.insert(c.name).second, c.name);
  for (const column& c : columns()) CHECK(find_column(c.name) == &c);

  REQUIRE(find_column("conc"));
  CHECK(find_column("CONC") == find_column("conc"));
  CHECK(find_column("concurrency") == find_column("conc"));
  CHECK(find_column("Max_Concurrency") == find_column("conc"));
  CHECK(find_column("source_run")->name == "run");
  CHECK(find_column("model_id")->name == "model");
  CHECK(find_column("interactivity")->name == "median_intvty");
  CHECK(find_column("engine")->name == "framework");
  CHECK(find_column("gpus")->name == "num_gpus");
  CHECK(find_column("input_len")->name == "isl");
  CHECK(find_column("total_tput")->name == "total_token_throughput");
  CHECK(find_column("no_such_column") == nullptr);
  CHECK(find_column("") == nullptr);
}

TEST_CASE("columns: types, units and identity flags") {
  const column* ttft = find_column("p99.9_ttft");
  REQUIRE(ttft);
  CHECK(ttft->type == column_type::real);
  CHECK(ttft->unit == "s");
  CHECK(!ttft->identity);
  CHECK(find_column("median_intvty")->unit == "tok/s/user");
  CHECK(find_column("hw")->type == column_type::text);
  CHECK(find_column("hw")->identity);
  CHECK(find_column("isl")->type == column_type::integer);
  CHECK(find_column("isl")->identity);
  CHECK(find_column("dp_attention")->type == column_type::boolean);
  CHECK(find_column("is_multinode")->type == column_type::boolean);
  CHECK(find_column("num_prefill_gpu")->type == column_type::integer);
  CHECK(find_column("tput_per_gpu")->unit == "tok/s/gpu");
  // the five latency metrics x six statistics are all there
  for (const char* metric : {"ttft", "tpot", "itl", "e2el", "intvty"})
    for (const char* stat : {"mean", "median", "std", "p90", "p99", "p99.9"})
      CHECK(find_column(std::string(stat) + "_" + metric));
}

TEST_CASE("columns: every column's set and get round-trip a value of its type") {
  for (const column& c : columns()) {
    cell value;
    switch (c.type) {
      case column_type::text: value = std::string("x-1"); break;
      case column_type::integer: value = std::int64_t{3}; break;
      case column_type::real: value = 0.5; break;
      case column_type::boolean: value = true; break;
    }
    benchmark_point p;
    c.set(p, value);
    CHECK_MESSAGE(c.get(p) == value, c.name);
    c.set(p, std::monostate{});
    if (c.type == column_type::boolean && (c.name == "disagg" || c.name == "is_multinode"))
      CHECK(c.get(p) == cell{false});  // plain bools: unset is false
    else
      CHECK_MESSAGE(std::holds_alternative<std::monostate>(c.get(p)), c.name);
  }
}

TEST_CASE("columns: a default point has only its plain booleans") {
  const benchmark_point p;
  for (const column& c : columns()) {
    if (c.name == "disagg" || c.name == "is_multinode")
      CHECK(c.get(p) == cell{false});
    else
      CHECK_MESSAGE(std::holds_alternative<std::monostate>(c.get(p)), c.name);
  }
}

TEST_CASE("numeric and as_number") {
  benchmark_point p;
  p.isl = 1024;
  p.dp_attention = true;
  p.e2el.median = 2.5;
  p.model = "m";
  CHECK(*numeric(p, *find_column("isl")) == 1024);
  CHECK(*numeric(p, *find_column("dp_attention")) == 1);
  CHECK(*numeric(p, *find_column("median_e2el")) == 2.5);
  CHECK(!numeric(p, *find_column("model")));
  CHECK(!numeric(p, *find_column("osl")));
  CHECK(!as_number(cell{}));
}

TEST_CASE("to_string(cell): integers plain, reals shortest round-trip, missing empty") {
  CHECK(to_string(cell{}) == "");
  CHECK(to_string(cell{std::int64_t{-42}}) == "-42");
  CHECK(to_string(cell{true}) == "true");
  CHECK(to_string(cell{false}) == "false");
  CHECK(to_string(cell{std::string("a,b")}) == "a,b");
  CHECK(to_string(cell{0.1}) == "0.1");
  CHECK(to_string(cell{8192.0}) == "8192");
  CHECK(to_string(cell{std::numeric_limits<double>::infinity()}) == "inf");
  CHECK(to_string(cell{-std::numeric_limits<double>::infinity()}) == "-inf");
  CHECK(to_string(cell{std::numeric_limits<double>::quiet_NaN()}) == "nan");
  const double awkward = 0.017538221627262592;  // a real TPOT
  CHECK(std::stod(to_string(cell{awkward})) == awkward);
  const double tiny = 4.9406564584124654e-324;
  CHECK(std::stod(to_string(cell{1e300})) == 1e300);
  CHECK(to_string(cell{tiny}).size() < 12);
}

TEST_CASE("statistic_member names the matching field") {
  latency_stats s;
  s.p999 = 7;
  CHECK(*(s.*statistic_member(statistic::p999)) == 7);
  CHECK(!(s.*statistic_member(statistic::p99)));
}
