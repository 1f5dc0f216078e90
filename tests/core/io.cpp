// Tests of load.hpp and write.hpp: every reader on fixtures written here; the CSV reader fed in
// blocks; the four writers' round trips, on fixtures and on generated points; every kind of input
// error with its file, row, byte and field; directory loading (strict, lenient, bad and odd
// files); load options; and an optional check on the shared InferenceMAX data.
#include <doctest/doctest.h>

#include <inferlens/columns.hpp>
#include <inferlens/detail/text.hpp>
#include <inferlens/formats.hpp>
#include <inferlens/json.hpp>
#include <inferlens/load.hpp>
#include <inferlens/record.hpp>
#include <inferlens/table.hpp>
#include <inferlens/write.hpp>

#include <algorithm>
#include <atomic>
#include <bit>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace inferlens;
namespace fs = std::filesystem;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

bool contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

/// Distance in units in the last place between two finite doubles of one sign.
std::uint64_t ulps(double a, double b) {
  const auto ordered = [](double d) {
    const auto bits = std::bit_cast<std::int64_t>(d);
    return bits < 0 ? std::numeric_limits<std::int64_t>::min() - bits : bits;
  };
  const std::int64_t x = ordered(a), y = ordered(b);
  return x > y ? static_cast<std::uint64_t>(x) - static_cast<std::uint64_t>(y) : static_cast<std::uint64_t>(y) - static_cast<std::uint64_t>(x);
}

bool is_latency(const column& c) {
  const std::string_view n = c.name;
  return c.unit == "s" && (n.ends_with("_ttft") || n.ends_with("_tpot") || n.ends_with("_itl") || n.ends_with("_e2el"));
}

/// Columns whose values differ: exactly (doubles bit for bit), except latencies within `latency_ulps`.
std::vector<std::string> differences(const benchmark_point& a, const benchmark_point& b, std::uint64_t latency_ulps = 0,
                                     const std::function<bool(const column&)>& compared = {}) {
  std::vector<std::string> out;
  for (const column& c : columns()) {
    if (c.economic() || (compared && !compared(c))) continue;
    const cell x = get(a, c.id), y = get(b, c.id);
    const double* dx = std::get_if<double>(&x);
    const double* dy = std::get_if<double>(&y);
    if (dx && dy) {
      if (std::bit_cast<std::uint64_t>(*dx) == std::bit_cast<std::uint64_t>(*dy)) continue;
      if (latency_ulps > 0 && is_latency(c) && std::isfinite(*dx) && std::isfinite(*dy) && ulps(*dx, *dy) <= latency_ulps) continue;
    } else if (x == y) {
      continue;
    }
    out.push_back(std::string(c.name) + ": '" + to_string(x) + "' vs '" + to_string(y) + "'");
  }
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "; ";
  return s;
}

/// Runs `f`, which must throw input_error; returns it.
input_error thrown(const std::function<void()>& f) {
  try {
    f();
  } catch (const input_error& e) {
    return e;
  }
  FAIL("no input_error thrown");
  return input_error({}, "unreachable");
}

load_options with_format(file_format f) {
  load_options o;
  o.format = f;
  return o;
}

input_error parse_error(std::string_view text, std::string_view name, file_format f = file_format::automatic) {
  return thrown([&] { parse(text, name, with_format(f)); });
}

input_error parse_error_with(std::string_view text, std::string_view name, const load_options& o) {
  return thrown([&] { parse(text, name, o); });
}

/// Every column vector of a table's store holds one value per row: reading a row past a shorter
/// vector would read outside it, so tests check this before reading values.
std::string misaligned_columns(const result_table& t) {
  std::string out;
  const detail::table_storage& s = t.storage();
  for (std::size_t i = 0; i < point_column_count; ++i) {
    const auto& c = s.columns[i];
    if ((!c.numbers.empty() && c.numbers.size() != s.rows) || (!c.codes.empty() && c.codes.size() != s.rows))
      out += std::string(name_of(static_cast<column_id>(i))) + " (" + std::to_string(std::max(c.numbers.size(), c.codes.size())) +
             " values, " + std::to_string(s.rows) + " rows); ";
  }
  return out;
}

/// `text` without the member `"key": value` (and the separator after it).
std::string erase_member(std::string text, const std::string& key) {
  const auto at = text.find("\"" + key + "\"");
  REQUIRE(at != std::string::npos);
  auto begin = at;
  auto end = text.find_first_of(",}", at);
  if (text[end] == ',') {
    end = text.find_first_not_of(" \n", end + 1);
  } else {  // the last member: drop the comma before it instead
    begin = text.find_last_not_of(" \n", at - 1);
    if (text[begin] != ',') ++begin;
  }
  text.erase(begin, end - begin);
  return text;
}

/// A fresh directory under the system's temporary directory, removed at the end.
struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "inferlens-io-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~temp_dir() {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec))
      if (it->is_directory(ec) && !it->is_symlink(ec)) fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  fs::path write(const fs::path& relative, std::string_view text) const {
    const fs::path file = path / relative;
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }
};

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// --- fixtures ----------------------------------------------------------------------------------

// Two InferenceMAX agg rows with upstream's keys: one single node (dp_attention spelled as a
// string, as upstream writes it), one disaggregated multinode row with extra nested keys.
const std::string agg_rows = R"([
  {
    "hw": "b200-trt", "conc": 64, "image": "nvcr.io/trt:1.2", "model": "openai/gpt-oss-120b",
    "infmax_model_prefix": "gptoss", "framework": "trt", "precision": "fp4", "spec_decoding": "none",
    "disagg": false, "isl": 1024, "osl": 8192, "is_multinode": false, "tp": 4, "ep": 1, "dp_attention": "false",
    "tput_per_gpu": 1000, "output_tput_per_gpu": 875.5, "input_tput_per_gpu": 124.5,
    "mean_ttft": 0.25, "median_ttft": 0.125, "std_ttft": 0.0625, "p99_ttft": 1.5,
    "mean_tpot": 0.03125, "mean_intvty": 32.0, "median_tpot": 0.015625, "median_intvty": 64.0,
    "std_tpot": 0.001, "std_intvty": 1000.0, "p99_tpot": 0.0625, "p99_intvty": 16.0,
    "mean_itl": 0.02, "median_itl": 0.01, "std_itl": 0.03, "p99_itl": 0.1,
    "mean_e2el": 10.5, "median_e2el": 10.25, "std_e2el": 1.5, "p99_e2el": 20.0
  },
  {
    "hw": "gb200", "conc": 256, "image": "nvcr.io#nvidia/ai-dynamo:0.5", "model": "deepseek-r1",
    "infmax_model_prefix": "dsr1", "framework": "dynamo-trt", "precision": "fp4", "spec_decoding": "mtp",
    "disagg": true, "isl": 8192, "osl": 1024, "is_multinode": true,
    "prefill_tp": 4, "prefill_ep": 4, "prefill_dp_attention": "true", "prefill_num_workers": 5,
    "decode_tp": 32, "decode_ep": 32, "decode_dp_attention": "false", "decode_num_workers": 1,
    "num_prefill_gpu": 20, "num_decode_gpu": 32,
    "tput_per_gpu": 1000, "output_tput_per_gpu": 200, "input_tput_per_gpu": 2280,
    "median_tpot": 0.0078125, "median_itl": 0.4375, "median_ttft": 0.75,
    "router": {"name": "kv", "version": [1, 2, {"x": null}]}, "recipe_fingerprint": "a\"b\\c\u00e9"
  }
])";

// A raw `vllm bench serve` / InferenceMAX client result, with --metadata keys (strings).
const std::string vllm_result = R"({
  "date": "20260428-110159", "backend": "openai", "model_id": "org/model", "tokenizer_id": "org/model",
  "best_of": 1, "num_prompts": 160, "hw": "mi355x-amd_0", "tp": "8", "framework": "vllm",
  "request_rate": "inf", "burstiness": 1.0, "max_concurrency": 16, "duration": 80.0,
  "benchmark_start_time_unix": 1777370000.5, "completed": 158,
  "total_input_tokens": 163840, "total_output_tokens": 160000, "request_throughput": 1.975,
  "request_goodput:": null, "output_throughput": 2000.0, "total_token_throughput": 4048.0,
  "input_lens": [1024, 1024], "output_lens": [1000, 1000], "ttfts": [0.1, 0.2], "itls": [[0.01], [0.02, 0.03]],
  "generated_texts": ["a", "b"], "errors": ["", ""],
  "mean_ttft_ms": 250.0, "median_ttft_ms": 125.0, "std_ttft_ms": 62.5, "p90_ttft_ms": 500.0,
  "p99_ttft_ms": 750.0, "p99.9_ttft_ms": 1000.0,
  "mean_tpot_ms": 31.25, "median_tpot_ms": 15.625, "std_tpot_ms": 1.0, "p90_tpot_ms": 62.5,
  "p99_tpot_ms": 125.0, "p99.9_tpot_ms": 250.0,
  "mean_itl_ms": 31.0, "median_itl_ms": 30.0, "std_itl_ms": 2.0, "p90_itl_ms": 33.0, "p99_itl_ms": 40.0,
  "p99.9_itl_ms": 50.0,
  "mean_e2el_ms": 9500.0, "median_e2el_ms": 9000.0, "std_e2el_ms": 250.0, "p90_e2el_ms": 9900.0,
  "p99_e2el_ms": 9950.0, "p99.9_e2el_ms": 9999.0
})";

// SGLang bench_serving --output-file: one run per line; Python writes inf as Infinity. Line 2 is
// blank; line 3 is a ShareGPT run without a concurrency limit.
const std::string sglang_lines =
    R"({"backend": "sglang", "dataset_name": "random", "request_rate": Infinity, "max_concurrency": 32, "sharegpt_output_len": null, "random_input_len": 1024, "random_output_len": 512, "random_range_ratio": 0.0, "duration": 100.0, "completed": 320, "total_input_tokens": 327680, "total_output_tokens": 163840, "total_output_tokens_retokenized": 163000, "request_throughput": 3.2, "input_throughput": 3276.8, "output_throughput": 1638.4, "mean_e2e_latency_ms": 10000.0, "median_e2e_latency_ms": 9500.0, "std_e2e_latency_ms": 500.0, "p99_e2e_latency_ms": 12000.0, "mean_ttft_ms": 250.0, "median_ttft_ms": 125.0, "std_ttft_ms": 50.0, "p99_ttft_ms": 900.0, "mean_tpot_ms": 20.0, "median_tpot_ms": 15.625, "std_tpot_ms": 1.0, "p99_tpot_ms": 31.25, "mean_itl_ms": 20.0, "median_itl_ms": 19.0, "std_itl_ms": 3.0, "p95_itl_ms": 25.0, "p99_itl_ms": 30.0, "concurrency": 31.5, "accept_length": null})"
    "\n\n"
    R"({"backend": "sglang-oai", "dataset_name": "sharegpt", "request_rate": 4.0, "max_concurrency": null, "random_input_len": 1024, "random_output_len": 1024, "duration": 50.0, "completed": 200, "total_input": 40000, "total_output": 60000, "request_throughput": 4.0, "input_throughput": 800.0, "output_throughput": 1200.0, "total_throughput": 2000.0, "median_ttft_ms": 62.5, "median_tpot_ms": 7.8125, "concurrency": 3.9})"
    "\n";

// CSV with aliases in the header, an unknown column, RFC 4180 quoting, CRLF line ends and no
// newline after the last record.
const std::string csv_table =
    "model,Concurrency,hw,source_run,tput_per_gpu,median_tpot,dp_attention,disagg,notes,image,tp\r\n"
    "\"org/model, v2\",8,b200,run_7,\"1500.5\",0.015625,True,False,\"say \"\"hi\"\"\",\"img\r\nline2\",2\r\n"
    "m2,16,h100,run_7,2000,,false,0,,,1.0";

// A GenAI-Perf / AIPerf aggregate export (AIPerf layout: nested input_config).
const std::string aiperf_export = R"({
  "request_throughput": {"unit": "requests/sec", "avg": 12.5},
  "request_latency": {"unit": "ms", "avg": 6500.0, "p1": 5000.0, "p50": 6000.0, "p90": 8500.0, "p99": 9000.0,
                      "min": 4000.0, "max": 9500.0, "std": 1000.0},
  "time_to_first_token": {"unit": "ms", "avg": 1500.0, "p50": 750.0, "p90": 3000.0, "p99": 4000.0, "std": 1200.0},
  "inter_token_latency": {"unit": "ms", "avg": 31.25, "p50": 15.625, "p99": 62.5, "std": 1.5},
  "inter_chunk_latency": {"unit": "ns", "avg": 50000000, "p50": 40000000},
  "output_token_throughput": {"unit": "tokens/sec", "avg": 1250.0},
  "output_token_throughput_per_user": {"unit": "tokens/sec/user", "avg": 64.0},
  "benchmark_duration": {"unit": "sec", "avg": 16.0},
  "request_count": {"unit": "requests", "avg": 200.0},
  "error_request_count": {"unit": "requests", "avg": 4.0},
  "total_isl": {"unit": "tokens", "avg": 110000.0},
  "total_osl": {"unit": "tokens", "avg": 20000.0},
  "goodput": null,
  "was_cancelled": false,
  "error_summary": [{"error_details": {"code": 500, "type": "InternalServerError"}, "count": 4}],
  "input_config": {"endpoint": {"model_names": ["openai/gpt-oss-20b"], "type": "chat", "streaming": true},
                   "loadgen": {"concurrency": 100, "request_rate_mode": "concurrency_burst"}}
})";

/// A latency read from milliseconds: the same double as `seconds`, or one ulp away (the
/// documented cost of ms -> s).
bool from_ms(const std::optional<double>& v, double seconds) { return v && ulps(*v, seconds) <= 1; }

std::vector<benchmark_point> fixture_points() {
  std::vector<benchmark_point> all;
  for (const result_table& part : {parse(agg_rows, "run_123_agg_bmk.json"), parse(vllm_result, "client.json"),
                                   parse(sglang_lines, "runs.jsonl"), parse(csv_table, "table.csv"),
                                   parse(aiperf_export, "profile_export_aiperf.json")})
    for (const benchmark_point& p : part.points()) all.push_back(p);
  return all;
}

/// Columns of two tables equal row by row: numbers bit for bit, text exactly.
std::string column_differences(const result_table& a, const result_table& b) {
  if (a.size() != b.size()) return "sizes " + std::to_string(a.size()) + " and " + std::to_string(b.size());
  std::string out;
  for (const column& c : columns()) {
    if (c.economic()) continue;
    if (c.type == column_type::text) {
      for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].text(c.id) != b[i].text(c.id)) {
          out += std::string(c.name) + " row " + std::to_string(i) + "; ";
          break;
        }
      continue;
    }
    const std::vector<double> x = a.values(c.id), y = b.values(c.id);
    for (std::size_t i = 0; i < x.size(); ++i)
      if (std::bit_cast<std::uint64_t>(x[i]) != std::bit_cast<std::uint64_t>(y[i])) {
        out += std::string(c.name) + " row " + std::to_string(i) + "; ";
        break;
      }
  }
  return out;
}

}  // namespace

// --- readers -----------------------------------------------------------------------------------

TEST_CASE("io: file_format names") {
  CHECK(to_string(file_format::inferencemax_agg) == "inferencemax_agg");
  CHECK(to_string(file_format::sglang_jsonl) == "sglang_jsonl");
  CHECK(file_format_from_string("automatic") == file_format::automatic);
  CHECK(file_format_from_string("auto") == file_format::automatic);
  for (file_format f : all_file_formats) CHECK(file_format_from_string(to_string(f)) == f);
  CHECK(file_format_from_string("agg") == file_format::inferencemax_agg);
  CHECK(file_format_from_string("vllm") == file_format::vllm_client);
  CHECK(file_format_from_string("sglang") == file_format::sglang_jsonl);
  CHECK(file_format_from_string("json") == file_format::inferlens_json);
  CHECK(file_format_from_string("aiperf") == file_format::aiperf_json);
  CHECK(!file_format_from_string("xml"));
  CHECK(!file_format_from_string(""));
  for (file_format f : {file_format::inferlens_json, file_format::csv, file_format::inferencemax_agg, file_format::vllm_client})
    CHECK(writable(f));
  for (file_format f : {file_format::sglang_jsonl, file_format::aiperf_json, file_format::automatic}) CHECK(!writable(f));
}

TEST_CASE("io: InferenceMAX agg rows") {
  CHECK(detect_format(agg_rows, "x.json") == file_format::inferencemax_agg);
  const result_table t = parse(agg_rows, "dir/run_123_agg_bmk.json");
  REQUIRE(t.size() == 2);
  REQUIRE(t.files().size() == 1);
  CHECK(t.files()[0].path == "dir/run_123_agg_bmk.json");
  CHECK(t.files()[0].format == "inferencemax_agg");
  CHECK(t.files()[0].rows == 2);
  CHECK(t.files()[0].error.empty());

  const benchmark_point a = t.point(0);
  CHECK(a.hw == "b200-trt");
  CHECK(a.accelerator == "b200");
  CHECK(a.model == "gpt-oss-120b");  // canonical: the base model
  CHECK(a.model_raw == "openai/gpt-oss-120b");  // as written
  CHECK(a.model_prefix == "gptoss");
  CHECK(a.framework == "trt");
  CHECK(a.image == "nvcr.io/trt:1.2");
  CHECK(a.spec_decoding == "none");
  CHECK(*a.isl == 1024);
  CHECK(*a.osl == 8192);
  CHECK(*a.concurrency == 64);
  CHECK(!a.disagg);
  CHECK(!a.multinode);
  CHECK(*a.tp == 4);
  CHECK(*a.ep == 1);
  REQUIRE(a.dp_attention);
  CHECK(*a.dp_attention == false);
  CHECK(*a.tpot.median == 0.015625);
  CHECK(*a.intvty.median == 64);  // kept as given
  CHECK(*a.intvty.std == 1000);   // kept, meaningless as it is
  CHECK(*a.e2el.p99 == 20);
  CHECK(!a.ttft.p90);  // this era had no p90
  // derived: 4 GPUs
  CHECK(*a.num_gpus == 4);
  CHECK(*a.total_token_throughput == 4000);
  CHECK(*a.output_throughput == 3502);
  CHECK(*a.input_throughput == 498);
  CHECK(a.run == "run_123");
  CHECK(a.source == "dir/run_123_agg_bmk.json");
  CHECK(a.source_row == 1);

  const benchmark_point b = t.point(1);
  CHECK(b.model == "DeepSeek-R1");  // from the model prefix dsr1 (data/models.json)
  CHECK(b.model_raw == "deepseek-r1");
  CHECK(b.disagg);
  CHECK(b.multinode);
  CHECK(!b.tp);
  CHECK(*b.prefill.num_workers == 5);
  CHECK(*b.prefill.tp == 4);
  CHECK(*b.decode.ep == 32);
  CHECK(*b.prefill.dp_attention == true);
  CHECK(*b.decode.dp_attention == false);
  CHECK(*b.prefill.gpus == 20);
  CHECK(*b.decode.gpus == 32);
  CHECK(*b.num_gpus == 52);
  CHECK(*b.total_token_throughput == 52000);
  CHECK(*b.output_throughput == 6400);
  CHECK(*b.input_throughput == 45600);
  CHECK(*b.intvty.median == 128);  // derived from median_tpot
  CHECK(!b.intvty.mean);
  CHECK(b.source_row == 2);
  // the table's own accessors agree with the points
  CHECK(t[1].text(cols::model) == "DeepSeek-R1");
  CHECK(t[0].number(cols::concurrency) == 64);
  CHECK(t.where(cols::model, "openai/gpt-oss-120b").size() == 1);  // any spelling of the model
}

TEST_CASE("io: run comes from a run_<digits> file or folder name, unless the row has one") {
  CHECK(parse(agg_rows, "results/run_42/agg_bmk.json").point(0).run == "run_42");
  CHECK(parse(agg_rows, "agg_bmk.json").point(0).run.empty());
  CHECK(parse(agg_rows, "run_x_agg.json").point(0).run.empty());
  CHECK(parse(agg_rows, "run_12.json").point(0).run == "run_12");
  CHECK(parse(agg_rows, "run_12_agg_bmk.json").point(1).run == "run_12");
  std::string with_run = agg_rows;
  with_run.replace(with_run.find("\"hw\""), 4, "\"run\": \"r9\", \"hw\"");
  CHECK(parse(with_run, "run_123_agg_bmk.json").point(0).run == "r9");
}

TEST_CASE("io: raw vLLM / InferenceMAX client result") {
  CHECK(detect_format(vllm_result, "c.json") == file_format::vllm_client);
  const result_table t = parse(vllm_result, "results/client.json");
  REQUIRE(t.size() == 1);
  CHECK(t.files()[0].format == "vllm_client");
  const benchmark_point p = t.point(0);
  CHECK(p.model_raw == "org/model");
  CHECK(p.model == "model");  // the checkpoint's base name
  CHECK(p.date == "20260428-110159");
  CHECK(*p.num_prompts == 160);
  CHECK(*p.concurrency == 16);
  CHECK(*p.request_rate == inf);
  CHECK(*p.duration == 80);
  CHECK(*p.completed == 158);
  CHECK(*p.failed == 2);
  CHECK(*p.total_input_tokens == 163840);
  CHECK(*p.total_output_tokens == 160000);
  CHECK(*p.request_throughput == 1.975);
  CHECK(!p.request_goodput);
  // milliseconds -> seconds
  CHECK(from_ms(p.ttft.mean, 0.25));
  CHECK(from_ms(p.ttft.median, 0.125));
  CHECK(from_ms(p.ttft.std, 0.0625));
  CHECK(from_ms(p.ttft.p90, 0.5));
  CHECK(from_ms(p.ttft.p99, 0.75));
  CHECK(from_ms(p.ttft.p999, 1));
  CHECK(from_ms(p.tpot.median, 0.015625));
  CHECK(from_ms(p.tpot.p90, 0.0625));
  CHECK(from_ms(p.itl.p999, 0.05));
  CHECK(from_ms(p.e2el.mean, 9.5));
  CHECK(from_ms(p.e2el.p999, 9.999));
  CHECK(*p.intvty.median == doctest::Approx(64).epsilon(1e-15));
  CHECK(*p.intvty.p99 == doctest::Approx(8).epsilon(1e-15));
  CHECK(!p.intvty.std);
  // --metadata keys: strings read by column type
  CHECK(p.hw == "mi355x-amd_0");
  CHECK(p.accelerator == "mi355x");
  CHECK(p.framework == "vllm");
  CHECK(*p.tp == 8);
  CHECK(*p.num_gpus == 8);
  CHECK(*p.tput_per_gpu == 506);
  CHECK(*p.input_throughput == 2048);
  CHECK(*p.input_tput_per_gpu == 256);
  CHECK(*p.output_tput_per_gpu == 250);
  CHECK(p.source == "results/client.json");
  CHECK(!p.source_row);  // one object: no row
}

TEST_CASE("io: a raw client result without a GPU count has no per-GPU throughput") {
  std::string text = vllm_result;
  text.replace(text.find("\"tp\": \"8\", "), 11, "");
  const auto p = parse(text, "c.json").point(0);
  CHECK(!p.tp);
  CHECK(!p.num_gpus);
  CHECK(!p.tput_per_gpu);
  CHECK(*p.total_token_throughput == 4048);
}

TEST_CASE("io: vllm bench serve --append-result: several client objects, one per line") {
  std::string second = vllm_result;
  second.replace(second.find("\"max_concurrency\": 16"), 21, "\"max_concurrency\": 32");
  std::string one_line = vllm_result, other = second;
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  std::replace(other.begin(), other.end(), '\n', ' ');
  const std::string text = one_line + "\n" + other + "\n";
  CHECK(detect_format(text, "append.json") == file_format::vllm_client);
  const result_table t = parse(text, "append.json");
  REQUIRE(t.size() == 2);
  CHECK(t.point(0).concurrency == 16);
  CHECK(t.point(1).concurrency == 32);
  CHECK(t.point(1).source_row == 2);  // the line it starts on
}

TEST_CASE("io: SGLang bench_serving JSON lines") {
  CHECK(detect_format(sglang_lines, "runs.txt") == file_format::sglang_jsonl);
  const result_table t = parse(sglang_lines, "runs.jsonl");
  REQUIRE(t.size() == 2);
  const benchmark_point a = t.point(0);
  CHECK(*a.request_rate == inf);
  CHECK(*a.concurrency == 32);  // the limit, not the measured mean of 31.5
  CHECK(*a.isl == 1024);        // random dataset: nominal lengths
  CHECK(*a.osl == 512);
  CHECK(from_ms(a.e2el.median, 9.5));
  CHECK(from_ms(a.e2el.p99, 12));
  CHECK(from_ms(a.ttft.median, 0.125));
  CHECK(from_ms(a.itl.p99, 0.03));
  CHECK(*a.intvty.median == doctest::Approx(64).epsilon(1e-15));
  CHECK(*a.total_output_tokens == 163840);
  CHECK(*a.input_throughput == 3276.8);
  CHECK(*a.total_token_throughput == 3276.8 + 1638.4);  // SGLang's definition
  CHECK(a.model.empty());  // SGLang does not record it
  CHECK(a.model_raw.empty());
  CHECK(a.source == "runs.jsonl");
  CHECK(a.source_row == 1);

  const benchmark_point b = t.point(1);
  CHECK(!b.concurrency);
  CHECK(*b.request_rate == 4);
  CHECK(!b.isl);  // ShareGPT: random_*_len do not apply
  CHECK(*b.total_input_tokens == 40000);
  CHECK(*b.total_output_tokens == 60000);
  CHECK(*b.total_token_throughput == 2000);
  CHECK(*b.intvty.median == doctest::Approx(128).epsilon(1e-15));
  CHECK(b.source_row == 3);  // line 3: line 2 is blank
}

TEST_CASE("io: one SGLang line alone is still SGLang") {
  const std::string one = sglang_lines.substr(0, sglang_lines.find('\n'));
  CHECK(detect_format(one, "x.json") == file_format::sglang_jsonl);
  const auto t = parse(one, "x.json");
  REQUIRE(t.size() == 1);
  CHECK(*t.point(0).concurrency == 32);
}

TEST_CASE("io: CSV with quoting, aliases, CRLF and no final newline") {
  CHECK(detect_format(csv_table, "t.csv") == file_format::csv);
  CHECK(detect_format(csv_table, "t.txt") == file_format::csv);  // its header names known columns
  const result_table t = parse(csv_table, "t.csv");
  REQUIRE(t.size() == 2);
  CHECK(t.files()[0].format == "csv");
  const benchmark_point a = t.point(0);
  CHECK(a.model_raw == "org/model, v2");
  CHECK(a.model == "model, v2");  // the base name of an unknown checkpoint
  CHECK(*a.concurrency == 8);
  CHECK(a.run == "run_7");
  CHECK(*a.tput_per_gpu == 1500.5);
  CHECK(*a.intvty.median == 64);
  CHECK(*a.dp_attention == true);
  CHECK(!a.disagg);
  CHECK(a.image == "img\r\nline2");
  CHECK(a.hw == "b200");
  CHECK(a.accelerator == "b200");
  CHECK(*a.tp == 2);
  CHECK(*a.num_gpus == 2);
  CHECK(*a.total_token_throughput == 3001);
  CHECK(a.source == "t.csv");
  CHECK(a.source_row == 1);
  const benchmark_point b = t.point(1);
  CHECK(b.model == "m2");
  CHECK(b.model_raw == "m2");
  CHECK(!b.tpot.median);
  CHECK(!b.intvty.median);
  CHECK(*b.dp_attention == false);
  CHECK(b.image.empty());
  CHECK(*b.tp == 1);  // "1.0": an integral real is an integer
  CHECK(b.source_row == 2);
  CHECK(b.accelerator == "h100");
}

TEST_CASE("io: CSV header only, an empty JSON array: no points, no error") {
  const result_table h = parse("model,conc\n", "h.csv");
  CHECK(h.empty());
  REQUIRE(h.files().size() == 1);
  CHECK(h.files()[0].rows == 0);
  CHECK(parse("model,conc", "h.csv").empty());
  CHECK(parse("[]", "e.json").empty());
  CHECK(parse(" [ ]\n", "e.json", with_format(file_format::inferencemax_agg)).empty());
}

TEST_CASE("io: JSON strings with escapes and a byte order mark; CSV with a byte order mark") {
  const std::string text =
      "\xEF\xBB\xBF[{\"model_raw\": \"m\\u00e9\\ud83d\\ude00\\n\\\"q\\\"\\/\", \"output_throughput\": 5}]";
  const auto t = parse(text, "x.json");
  REQUIRE(t.size() == 1);
  CHECK(t.point(0).model_raw == "m\xC3\xA9\xF0\x9F\x98\x80\n\"q\"/");
  const auto c = parse("\xEF\xBB\xBFmodel,tput_per_gpu\nm,2\n", "bom.csv");
  REQUIRE(c.size() == 1);
  CHECK(c.point(0).model == "m");
  CHECK(*c.point(0).tput_per_gpu == 2);
  CHECK(detect_format("\xEF\xBB\xBFmodel,tput_per_gpu\nm,2\n", "bom.txt") == file_format::csv);
}

TEST_CASE("io: number spellings (JSON)") {
  auto one = [](const std::string& fields) {
    return parse("[{\"output_throughput\": 1, " + fields + "}]", "x.json").point(0);
  };
  CHECK(*one("\"isl\": 1024.0").isl == 1024);
  CHECK(*one("\"isl\": 1.024e3").isl == 1024);
  CHECK(*one("\"isl\": 1024E0").isl == 1024);
  CHECK(*one("\"request_rate\": \"inf\"").request_rate == inf);
  CHECK(*one("\"request_rate\": \"Infinity\"").request_rate == inf);
  CHECK(*one("\"request_rate\": Infinity").request_rate == inf);
  CHECK(*one("\"request_rate\": 2.5").request_rate == 2.5);
  CHECK(*one("\"median_ttft\": 5e-324").ttft.median == 4.9406564584124654e-324);
  CHECK(*one("\"median_ttft\": 1e-400").ttft.median == 0);  // underflow is a (tiny) number, not an error
  CHECK(*one("\"median_ttft\": 0.5e-3").ttft.median == 0.0005);
  CHECK(one("\"run\": 20218553330").run == "20218553330");
  CHECK(one("\"model\": \"a\", \"model\": \"a\"").model == "a");  // repeated, same value
  CHECK(*one("\"conc\": 8, \"concurrency\": 8.0").concurrency == 8);  // name and alias agree
}

TEST_CASE("io: -0 reads as 0, in JSON and in CSV") {
  for (const char* spelling : {"-0", "-0.0", "-0e5"}) {
    const auto p = parse(std::string("[{\"output_throughput\": 1, \"median_ttft\": ") + spelling + "}]", "z.json").point(0);
    REQUIRE(p.ttft.median);
    CHECK(*p.ttft.median == 0);
    CHECK(!std::signbit(*p.ttft.median));
    const auto q = parse(std::string("tput_per_gpu,median_ttft\n1,") + spelling + "\n", "z.csv");
    REQUIRE(q.point(0).ttft.median);
    CHECK(!std::signbit(*q.point(0).ttft.median));
    CHECK(!std::signbit(q[0].number(cols::median_ttft)));
  }
  // -0 is 0: not positive
  CHECK(contains(parse_error("[{\"output_throughput\": 1, \"isl\": -0}]", "z.json").message(), "must be positive, got 0"));
  CHECK(contains(parse_error("tput_per_gpu,isl\n1,-0\n", "z.csv").message(), "must be positive, got 0"));
}

TEST_CASE("io: number spellings (CSV)") {
  auto one = [](const std::string& header, const std::string& value) {
    return parse("tput_per_gpu," + header + "\n1," + value + "\n", "n.csv").point(0);
  };
  CHECK(*one("isl", "1e3").isl == 1000);
  CHECK(*one("isl", " 8 ").isl == 8);
  CHECK(*one("isl", "+8").isl == 8);
  CHECK(*one("isl", "1024.0").isl == 1024);
  CHECK(*one("request_rate", "inf").request_rate == inf);
  CHECK(*one("request_rate", "Infinity").request_rate == inf);
  CHECK(*one("median_ttft", "1e-400").ttft.median == 0);
  CHECK(*one("dp_attention", "1").dp_attention == true);
  CHECK(*one("dp_attention", "TRUE").dp_attention == true);
  CHECK(*one("dp_attention", "0").dp_attention == false);
  CHECK(!one("request_rate", "trace").request_rate);  // SGLang trace replay: no nominal rate
  CHECK(contains(parse_error("tput_per_gpu,isl\n1,0x10\n", "n.csv").message(), "expected a whole number, got \"0x10\""));
  CHECK(contains(parse_error("tput_per_gpu,median_ttft\n1,1e\n", "n.csv").message(), "expected a number"));
}

TEST_CASE("io: from_json / to_json through nlohmann") {
  const benchmark_point p = parse(agg_rows, "run_1_agg_bmk.json").point(1);
  const nlohmann::json j = p;
  CHECK(j.at("model") == "DeepSeek-R1");
  CHECK(j.at("model_raw") == "deepseek-r1");
  CHECK(j.at("disagg").is_boolean());
  const auto back = j.get<benchmark_point>();
  CHECK_MESSAGE(differences(p, back).empty(), joined(differences(p, back)));
  benchmark_point r;
  r.request_rate = inf;
  r.tput_per_gpu = 2;
  const nlohmann::json jr = r;
  CHECK(jr.at("request_rate") == "inf");
  CHECK(*jr.get<benchmark_point>().request_rate == inf);

  benchmark_point q;
  auto e = thrown([&] { from_json(nlohmann::json{{"tput_per_gpu", "x"}}, q); });
  CHECK(e.where().field == "tput_per_gpu");
  CHECK(contains(e.message(), "expected a number, got a string"));
  CHECK(contains(thrown([&] { from_json(nlohmann::json::array(), q); }).message(), "expected a JSON object"));
  CHECK(contains(thrown([&] { from_json(nlohmann::json{{"isl", -3}}, q); }).message(), "must be positive"));
  from_json(nlohmann::json{{"isl", 8u}, {"dp_attention", true}, {"unknown", {1, 2}}}, q);
  CHECK(*q.isl == 8);
  CHECK(*q.dp_attention);
  CHECK(q.accelerator.empty());  // no derive()
}

TEST_CASE("io: GenAI-Perf / AIPerf aggregate export") {
  CHECK(detect_format(aiperf_export, "profile_export_aiperf.json") == file_format::aiperf_json);
  const result_table t = parse(aiperf_export, "profile_export_aiperf.json");
  REQUIRE(t.size() == 1);
  const benchmark_point p = t.point(0);
  CHECK(p.model_raw == "openai/gpt-oss-20b");
  CHECK(p.model == "gpt-oss-20b");
  CHECK(*p.concurrency == 100);
  CHECK(from_ms(p.ttft.mean, 1.5));
  CHECK(from_ms(p.ttft.median, 0.75));
  CHECK(from_ms(p.ttft.p90, 3));
  CHECK(from_ms(p.ttft.std, 1.2));
  CHECK(from_ms(p.tpot.median, 0.015625));  // their inter-token latency is vLLM's TPOT
  CHECK(*p.intvty.median == doctest::Approx(64).epsilon(1e-15));
  CHECK(p.itl.median == doctest::Approx(0.04).epsilon(1e-15));  // their inter-chunk latency is vLLM's ITL (in ns here)
  CHECK(from_ms(p.e2el.p99, 9));
  CHECK(!p.e2el.p999);
  CHECK(*p.request_throughput == 12.5);
  CHECK(*p.output_throughput == 1250);
  CHECK(*p.duration == 16);
  CHECK(*p.completed == 200);
  CHECK(*p.failed == 4);
  CHECK(*p.total_input_tokens == 110000);
  CHECK(*p.total_output_tokens == 20000);
  CHECK(*p.total_token_throughput == 8125);  // (110000 + 20000) / 16, AIPerf's definition
  CHECK(*p.input_throughput == 6875);
  CHECK(!p.request_goodput);
  CHECK(!p.tput_per_gpu);  // no GPU count in the export

  // GenAI-Perf keeps its settings flat
  const std::string genai = R"({"request_latency": {"unit": "ms", "avg": 100, "p50": 90},
      "output_token_throughput": {"unit": "tokens/sec", "avg": 500},
      "input_config": {"model": ["m1"], "concurrency": 4}})";
  const auto g = parse(genai, "profile_export_genai_perf.json").point(0);
  CHECK(g.model == "m1");
  CHECK(*g.concurrency == 4);
  CHECK(from_ms(g.e2el.median, 0.09));
}

TEST_CASE("io errors: GenAI-Perf / AIPerf export") {
  std::string bad = aiperf_export;
  bad.replace(bad.find("\"unit\": \"ms\", \"avg\": 1500.0"), 12, "\"unit\": \"tokens\"");
  auto e = parse_error(bad, "a.json");
  CHECK(e.where().field == "time_to_first_token.unit");
  CHECK(contains(e.message(), "expected a time unit"));

  bad = aiperf_export;
  bad.replace(bad.find("\"p50\": 15.625"), 13, "\"p50\": \"fast\"");
  e = parse_error(bad, "a.json");
  CHECK(e.where().field == "inter_token_latency.p50");
  CHECK(contains(e.message(), "expected a number"));

  bad = aiperf_export;
  bad.replace(bad.find("\"avg\": 200.0"), 12, "\"avg\": 200.5");
  e = parse_error(bad, "a.json");
  CHECK(e.where().field == "request_count.avg");
  CHECK(contains(e.message(), "expected a whole number"));

  e = parse_error(R"({"request_latency": {"unit": "ms", "avg": -1}, "output_token_throughput": {"avg": 1}})", "a.json");
  CHECK(e.where().field == "request_latency.avg");
  CHECK(contains(e.message(), "must not be negative"));

  e = parse_error(R"({"request_latency": {"unit": "ms", "avg": 1}})", "a.json");
  CHECK(contains(e.message(), "missing: expected total_token_throughput, output_throughput"));
  e = parse_error(R"({"request_latency": 5})", "a.json", file_format::aiperf_json);
  CHECK(contains(e.message(), "expected an object of statistics"));
  const std::string broken = R"({"request_latency": {"unit": "ms", "avg": }})";
  e = parse_error(broken, "a.json", file_format::aiperf_json);
  CHECK(e.where().byte == broken.find('}'));
}

TEST_CASE("io: an array of raw client objects keeps its millisecond latencies") {
  // Two `vllm bench serve` results collected into one JSON array: *_ms keys are read and divided
  // by 1000, "request_goodput:" (sic) is understood, nothing is dropped silently.
  const std::string text = R"([
    {"model_id": "m", "max_concurrency": 4, "duration": 10, "completed": 40, "total_token_throughput": 800,
     "output_throughput": 400, "median_ttft_ms": 120, "median_tpot_ms": 20, "p99.9_e2el_ms": 2500,
     "request_goodput:": 3.5},
    {"model_id": "m", "max_concurrency": 8, "duration": 10, "completed": 80, "total_token_throughput": 1500,
     "output_throughput": 750, "median_ttft_ms": 250, "median_tpot_ms": 40}
  ])";
  const auto t = parse(text, "collected.json");
  REQUIRE(t.size() == 2);
  const auto a = t.point(0), b = t.point(1);
  CHECK(a.model == "m");
  CHECK(from_ms(a.ttft.median, 0.120));
  CHECK(from_ms(a.tpot.median, 0.020));
  CHECK(a.interactivity() == doctest::Approx(50.0).epsilon(1e-15));  // 1 / 0.020 s
  CHECK(from_ms(a.e2el.p999, 2.5));
  CHECK(a.request_goodput == 3.5);
  CHECK(b.concurrency == 8);
  CHECK(b.interactivity() == doctest::Approx(25.0).epsilon(1e-15));
}

// --- the CSV reader in blocks ----------------------------------------------------------------------

namespace {

struct generated_csv {
  std::string text;
  std::vector<std::vector<std::string>> records;
  std::vector<std::size_t> starts;  // byte offset of each record
};

/// Random RFC 4180 text: quoted fields with commas, doubled quotes and line breaks; CR, LF and
/// CRLF line ends; blank lines; with or without a final line end and a byte order mark.
generated_csv random_csv(std::mt19937_64& rng) {
  generated_csv g;
  if (rng() % 4 == 0) g.text = "\xEF\xBB\xBF";
  const char* ends[] = {"\n", "\r", "\r\n"};
  const std::size_t n = 1 + rng() % 8;
  for (std::size_t r = 0; r < n; ++r) {
    if (r > 0) {
      g.text += ends[rng() % 3];
      if (rng() % 5 == 0) g.text += ends[rng() % 3];  // a blank line
    } else if (rng() % 6 == 0) {
      g.text += "\n";  // blank lines before the first record
    }
    g.starts.push_back(g.text.size());
    std::vector<std::string> fields;
    const std::size_t k = 1 + rng() % 5;
    for (std::size_t f = 0; f < k; ++f) {
      if (f > 0) g.text += ',';
      std::string value;
      const int kind = static_cast<int>(rng() % 4);
      if (kind == 0 && !(k == 1)) {  // empty (a lone empty field would be a blank line)
      } else if (kind == 1) {       // plain
        const char plain[] = "ab9 .-_";
        const std::size_t len = 1 + rng() % 4;
        for (std::size_t i = 0; i < len; ++i) value += plain[rng() % (sizeof plain - 1)];
        g.text += value;
      } else {  // quoted, with anything inside
        const char* pieces[] = {"a", ",", "\"", "\r", "\n", "\r\n", " ", "x,y", "\"\""};
        const std::size_t len = rng() % 5;
        for (std::size_t i = 0; i < len; ++i) value += pieces[rng() % 9];
        g.text += '"';
        for (char ch : value) {
          if (ch == '"') g.text += '"';
          g.text += ch;
        }
        g.text += '"';
      }
      fields.push_back(value);
    }
    g.records.push_back(fields);
  }
  if (rng() % 2) g.text += ends[rng() % 3];
  return g;
}

struct csv_read {
  std::vector<std::vector<std::string>> records;
  std::vector<std::size_t> starts;
};

/// Reads `text` through a csv_reader given windows that end at `cuts` (increasing, the last =
/// size), as load() does with a file's blocks: after need_more, the next window starts at the
/// bytes not consumed.
csv_read read_in_windows(std::string_view text, const std::vector<std::size_t>& cuts) {
  csv_read out;
  detail::csv_reader r;
  std::vector<std::string_view> fields;
  std::size_t base = 0;
  for (std::size_t ci = 0; ci < cuts.size(); ++ci) {
    const std::size_t end = std::max(cuts[ci], base);
    const bool last = end == text.size();
    r.window(text.substr(base, end - base), base, last);
    for (;;) {
      const auto st = r.next(fields);
      if (st == detail::csv_reader::status::record) {
        out.records.emplace_back(fields.begin(), fields.end());
        out.starts.push_back(r.record_start());
        continue;
      }
      if (st == detail::csv_reader::status::end) return out;
      REQUIRE_MESSAGE(!last, "need_more in the last window");
      base += r.consumed();
      break;
    }
  }
  FAIL("the windows ended before the reader did");
  return out;
}

}  // namespace

TEST_CASE("csv_reader: windows cut at every offset give the records of the whole text") {
  std::mt19937_64 rng(41);
  for (int round = 0; round < 400; ++round) {
    const generated_csv g = random_csv(rng);
    const std::size_t n = g.text.size();
    const csv_read whole = read_in_windows(g.text, {n});
    REQUIRE_MESSAGE(whole.records == g.records, "round ", round);
    CHECK(whole.starts == g.starts);
    // one cut at every offset
    for (std::size_t k = 0; k <= n; ++k) {
      const csv_read cut = read_in_windows(g.text, {k, n});
      CHECK_MESSAGE(cut.records == g.records, "round ", round, " cut at ", k);
      CHECK(cut.starts == g.starts);
    }
    // a byte at a time
    std::vector<std::size_t> bytewise;
    for (std::size_t k = 1; k <= n; ++k) bytewise.push_back(k);
    if (bytewise.empty()) bytewise.push_back(0);
    CHECK(read_in_windows(g.text, bytewise).records == g.records);
    // random cuts
    for (int trial = 0; trial < 5; ++trial) {
      std::vector<std::size_t> cuts;
      for (std::size_t k = 0; k < n; ++k)
        if (rng() % 3 == 0) cuts.push_back(k);
      cuts.push_back(n);
      CHECK(read_in_windows(g.text, cuts).records == g.records);
    }
  }
}

TEST_CASE("csv_reader: syntax errors name the same byte whatever the windows") {
  const std::vector<std::pair<std::string, std::size_t>> bad = {
      {"a,b\n\"x\"y,1\n", 7},           // text after a closing quote
      {"a,b\nx\"y,1\n", 5},             // a quote in an unquoted field
      {"a,b\n1,2\n\"open,3\r\n4\n", 8},  // unterminated: the opening quote
  };
  for (const auto& [text, byte] : bad) {
    for (std::size_t k = 0; k <= text.size(); ++k) {
      try {
        read_in_windows(text, {k, text.size()});
        FAIL_CHECK("no error for ", text);
      } catch (const detail::csv_syntax_error& e) {
        CHECK_MESSAGE(e.byte == byte, "cut at ", k);
      }
    }
  }
}

TEST_CASE("io: a CSV larger than one read block loads as its whole text parses") {
  // load() reads files in blocks of 4 MiB; records that straddle a block boundary (inside a
  // quoted field, between CR and LF, between the two quotes of a doubled quote) must read as
  // the one-piece parse reads them.
  constexpr std::size_t block = std::size_t{4} << 20;
  const std::string header = "model,hw,concurrency,tput_per_gpu,image\r\n";
  const std::string tricky = "\"line1\r\nline2, \"\"quoted\"\" end\"";  // the image of the tricky row
  temp_dir dir;
  // where in the tricky row the boundary falls: inside the quoted line break, after the first of
  // a doubled quote, right after the record's CR
  for (const std::string& cut_before : {std::string("\"line1\r"), std::string("\"line1\r\nline2, \""), std::string("EOL\r")}) {
    std::string text = header;
    std::size_t rows = 0;
    const auto row = [&](const std::string& image) {
      ++rows;
      return "m" + std::to_string(rows % 7) + ",h100-" + std::to_string(rows % 3) + "," + std::to_string(1 + rows % 64) + "," +
             std::to_string(rows) + ".5," + image + "\r\n";
    };
    const std::string tricky_row_prefix = "mt,b200,8,1.25,";
    while (text.size() + 200 < block) text += row("img");
    // pad so that the chosen point of the tricky row lands at the boundary
    const std::size_t offset_in_row = cut_before == "EOL\r" ? tricky_row_prefix.size() + tricky.size() + 1
                                                            : tricky_row_prefix.size() + cut_before.size();
    const std::size_t pad = block - text.size() - offset_in_row - std::string("pad,x,1,1,\r\n").size();
    text += "pad,x,1,1," + std::string(pad, 'p') + "\r\n";
    REQUIRE(text.size() + offset_in_row == block);
    text += tricky_row_prefix + tricky + "\r\n";
    const std::size_t tricky_record = rows + 2;  // rows so far, the pad row, then this one
    for (int i = 0; i < 1000; ++i) text += row(i % 2 ? "\"a,b\"" : "\"\"");
    const fs::path file = dir.write("big" + std::to_string(cut_before.size()) + ".csv", text);

    const result_table loaded = load(file);
    const result_table parsed = parse(text, file.string());
    REQUIRE(loaded.size() == parsed.size());
    REQUIRE(loaded.size() == rows + 2);  // the generated rows, the pad row and the tricky one
    CHECK_MESSAGE(column_differences(loaded, parsed).empty(), column_differences(loaded, parsed));
    const auto at = loaded.where(cols::model, "mt");
    REQUIRE(at.size() == 1);
    CHECK(at.point(0).image == "line1\r\nline2, \"quoted\" end");
    CHECK(at.point(0).source_row == static_cast<std::int64_t>(tricky_record));
    CHECK(at.point(0).concurrency == 8);
  }
}

TEST_CASE("io: a CSV record longer than the read buffer loads whole") {
  // the reader holds two 4 MiB blocks; a 9 MiB quoted field makes it grow
  const std::string image(std::size_t{9} << 20, 'i');
  const std::string text = "model,tput_per_gpu,image\nm,1,x\nm,2,\"" + image + "\"\nm,3,y\n";
  temp_dir dir;
  const result_table t = load(dir.write("long.csv", text));
  REQUIRE(t.size() == 3);
  CHECK(t.point(1).image == image);
  CHECK(t.point(2).tput_per_gpu == 3);
  CHECK(t.point(2).source_row == 3);
}

TEST_CASE("io: an error past the first block names its byte in the file and its record") {
  constexpr std::size_t block = std::size_t{4} << 20;
  std::string text = "model,tput_per_gpu\n";
  std::size_t records = 0;
  while (text.size() < block + 1000) {
    text += "m,1\n";
    ++records;
  }
  const std::size_t bad = text.size() + 1;  // the quote in m"x
  text += "m\"x,1\n";
  temp_dir dir;
  const fs::path file = dir.write("late.csv", text);
  const auto e = thrown([&] { load(file); });
  CHECK(e.where().file == file.string());
  CHECK(e.where().byte == bad);
  CHECK(e.where().row == records + 1);
  CHECK(contains(e.message(), "a quote inside an unquoted field"));
}

namespace {


/// A CSV of about 1 MB, read in parts (load_options::min_part_bytes made small), whose middle
/// byte lies inside a quoted field of many lines, so that a split at a line feed near the middle
/// must skip that field.
struct big_csv {
  std::string text;
  std::size_t records = 0;       // data records
  std::size_t big_record = 0;    // the record holding the long quoted field (1-based)
  std::string big_field;         // its image, unquoted
  std::vector<std::size_t> record_start;  // byte offset of every record
};

big_csv make_big_csv() {
  big_csv g;
  g.text = "model,hw,concurrency,tput_per_gpu,median_ttft,image\n";
  std::mt19937_64 rng(808);
  const auto row = [&] {
    g.record_start.push_back(g.text.size());
    ++g.records;
    const std::size_t k = g.records;
    std::string image;
    switch (rng() % 4) {
      case 0: image = "img" + std::to_string(k % 5); break;
      case 1: image = "\"a,\"\"b\"\"\nc" + std::to_string(k % 3) + "\""; break;
      case 2: image = ""; break;
      default: image = "\"x\r\ny\""; break;
    }
    g.text += "m" + std::to_string(k % 7) + ",h100-" + std::to_string(k % 3) + "," + std::to_string(1 + k % 64) + "," +
              std::to_string(k) + ".25," + (k % 5 ? "0.5" : "") + "," + image + (k % 11 ? "\n" : "\r\n");
  };
  while (g.text.size() < (std::size_t{1} << 19)) row();
  const std::size_t first_half = g.text.size();
  // the record whose field spans the middle: a quoted image of 100 KB of short lines
  for (int i = 0; i < 10000; ++i) g.big_field += "line " + std::to_string(i) + ",\n";
  g.record_start.push_back(g.text.size());
  g.big_record = ++g.records;
  g.text += "big,b200,8,1.5,0.25,\"" + g.big_field + "\"\n";
  const std::size_t second_start = g.text.size();
  while (g.text.size() - second_start < first_half) row();
  const std::size_t mid = g.text.size() / 2;
  REQUIRE(mid > g.record_start[g.big_record - 1] + 30);
  REQUIRE(mid < second_start - 30);
  return g;
}

}  // namespace

/// Options that cut a file of a few MB into `threads` parts (by default only files of 32 MB and
/// more are cut).
load_options in_parts(unsigned threads) {
  load_options o;
  o.threads = threads;
  o.min_part_bytes = std::size_t{64} << 10;
  return o;
}

TEST_CASE("io: a CSV read in parts at once (2, 3, 7 and as many as the cores) loads as its one-pass parse") {
  const big_csv g = make_big_csv();
  temp_dir dir;
  const fs::path file = dir.write("big.csv", g.text);
  const result_table parsed = parse(g.text, file.string());  // one pass, in memory
  REQUIRE(parsed.size() == g.records);
  load_options one;
  one.threads = 1;
  const result_table single = load(file, one);
  CHECK_MESSAGE(column_differences(single, parsed).empty(), column_differences(single, parsed));
  for (unsigned threads : {2u, 3u, 7u, 0u}) {
    CAPTURE(threads);
    const result_table parts = load(file, in_parts(threads));
    CHECK_MESSAGE(column_differences(parts, parsed).empty(), column_differences(parts, parsed));
    REQUIRE(parts.size() == g.records);
    CHECK(parts.files()[0].rows == g.records);
    const auto big = parts.where(cols::model, "big");
    REQUIRE(big.size() == 1);
    CHECK(big.point(0).image == g.big_field);
    CHECK(big.point(0).source_row == static_cast<std::int64_t>(g.big_record));
    CHECK(parts[g.records - 1].number(cols::source_row) == static_cast<double>(g.records));  // numbered from the file's start
    CHECK(parts[g.big_record].number(cols::source_row) == static_cast<double>(g.big_record + 1));
  }
  // a part smaller than the file's records (parts of one byte): as many parts as records allow
  load_options tiny = in_parts(64);
  tiny.min_part_bytes = 1;
  const result_table many = load(file, tiny);
  CHECK_MESSAGE(column_differences(many, parsed).empty(), column_differences(many, parsed));

  // after other files with other columns, and with a set value
  const fs::path before = dir.write("a.json", "[{\"model\": \"first\", \"output_throughput\": 1, \"osl\": 64, \"dp_attention\": true}]");
  load_options set = in_parts(2);
  set.set = {{cols::framework, "vllm"}};
  const std::vector<fs::path> both{before, file};
  const result_table joined = load(both, set);
  REQUIRE_MESSAGE(misaligned_columns(joined).empty(), misaligned_columns(joined));
  REQUIRE(joined.size() == g.records + 1);
  const result_table tail = joined.filter([](const row_view& r) { return r.position() > 0; });
  const result_table alone = load(file, set);
  CHECK_MESSAGE(column_differences(tail, alone).empty(), column_differences(tail, alone));
  CHECK(joined.where(cols::framework, "vllm").size() == g.records + 1);
  CHECK(std::isnan(joined[g.records].number(cols::osl)));
  CHECK(joined[0].number(cols::osl) == 64);
}

TEST_CASE("io: errors in a CSV read in parts: the first in file order, with its row and byte") {
  const big_csv g = make_big_csv();
  temp_dir dir;
  // a quote inside an unquoted field in a record of the last part, and one in the first part
  const std::size_t late = g.records - 10, early = 10;
  {
    std::string text = g.text;
    const std::size_t at = g.record_start[late - 1] + 1;  // m"x...: a quote inside an unquoted field
    text.insert(at, "\"");
    const fs::path file = dir.write("late.csv", text);
    for (unsigned threads : {1u, 2u, 5u}) {
      CAPTURE(threads);
      const auto e = thrown([&] { load(file, in_parts(threads)); });
      CHECK(e.where().file == file.string());
      CHECK(e.where().row == late);
      CHECK(e.where().byte == at);
      CHECK(contains(e.message(), "a quote inside an unquoted field"));
    }
  }
  {
    std::string text = g.text;
    text.insert(g.record_start[late - 1] + 1, "\"");
    const std::size_t at = g.record_start[early - 1] + 1;  // the first part: its error comes first
    text.insert(at, "\"");
    const fs::path file = dir.write("both.csv", text);
    const auto e = thrown([&] { load(file, in_parts(5)); });
    CHECK(e.where().row == early);
    CHECK(e.where().byte == at);
  }
  {
    // errors in a middle part and the last: the middle one, its row counted over the parts before
    std::string text = g.text;
    text.insert(g.record_start[late - 1] + 1, "\"");
    const std::size_t middle = g.records * 2 / 5, at = g.record_start[middle - 1] + 1;
    text.insert(at, "\"");
    const fs::path file = dir.write("middle.csv", text);
    for (unsigned threads : {1u, 5u, 7u}) {
      CAPTURE(threads);
      const auto e = thrown([&] { load(file, in_parts(threads)); });
      CHECK(e.where().row == middle);
      CHECK(e.where().byte == at);
    }
  }
  {
    // a bad value (not syntax) in the last part: row counted from the file's start
    std::string text = g.text;
    const std::size_t at = g.record_start[late - 1];
    const std::size_t comma = text.find(',', text.find(',', text.find(',', at) + 1) + 1);  // before tput_per_gpu
    text.insert(comma + 1, "x");
    const fs::path file = dir.write("value.csv", text);
    const auto e = thrown([&] { load(file, in_parts(5)); });
    CHECK(e.where().row == late);
    CHECK(e.where().field == "tput_per_gpu");
  }
  {
    // each part is finished (set values, derived columns) on its own thread: a reading error in
    // the last part still comes before a finishing error, as in one pass
    std::string text = g.text;
    const std::size_t at = g.record_start[late - 1] + 1;
    text.insert(at, "\"");
    const fs::path bad = dir.write("late_and_set.csv", text), good = dir.write("set.csv", g.text);
    load_options o = in_parts(2);  // (one pass reports the reading error: the block above)
    o.set = {{cols::tp, "four"}};
    const auto read_error = thrown([&] { load(bad, o); });
    CHECK(read_error.where().row == late);
    CHECK(read_error.where().byte == at);
    const auto finish_error = thrown([&] { load(good, o); });  // the finishing error is there
    CHECK(finish_error.where().file == good.string());
    CHECK(finish_error.where().field == "tp");
    CHECK(!finish_error.where().row);
  }
}

TEST_CASE("from_chars_double: the double std::from_chars gives, and the same end and error, on any text") {
  std::mt19937_64 rng(2026);
  const auto same = [](const std::string& s) {
    double a = 1, b = 2;
    const auto ra = std::from_chars(s.data(), s.data() + s.size(), a);
    const auto rb = detail::from_chars_double(s.data(), s.data() + s.size(), b);
    return ra.ptr == rb.ptr && ra.ec == rb.ec && (ra.ec != std::errc() || std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b));
  };
  // random strings over the characters of a number
  const std::string alphabet = "0123456789.-+eE00";
  for (int i = 0; i < 200000; ++i) {
    std::string s(1 + rng() % 12, ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    REQUIRE_MESSAGE(same(s), s);
  }
  // numbers as harnesses print them, over many magnitudes, and the edges of the shortcut
  std::uniform_real_distribution<double> unit(0, 1);
  const char* formats[] = {"%.4f", "%.6f", "%.3e", "%.15g", "%.17g", "%g", "%.1f", "%.10f"};
  char buf[64];
  for (int i = 0; i < 200000; ++i) {
    const double v = std::pow(10.0, static_cast<int>(rng() % 40) - 20) * unit(rng);
    std::snprintf(buf, sizeof buf, formats[rng() % 8], rng() % 2 ? -v : v);
    REQUIRE_MESSAGE(same(buf), buf);
  }
  for (const char* s : {"999999999999999", "9999999999999999", "9007199254740992", "9007199254740993", "-9007199254740993e-22", "0.000000000000000000001", "1e22", "1e23", "1e-22", "1e-23",
                        "123456789012345e7", "-0", "-0.0", "0e999", ".5", "5.", "-.5e1", "1e", "1e+", "--1", "inf", "nan"})
    CHECK_MESSAGE(same(s), s);
}

// --- writers and round trips -------------------------------------------------------------------

TEST_CASE("io: to_json_text then parse gives the same points, field by field, exactly") {
  const auto points = fixture_points();
  const result_table t(points);
  const std::string text = to_json_text(t);
  CHECK(text.front() == '[');
  CHECK(contains(text, "\"dp_attention\": false"));
  CHECK(contains(text, "\"request_rate\": \"inf\""));
  for (file_format f : {file_format::automatic, file_format::inferlens_json}) {
    const result_table back = parse(text, "written.json", with_format(f));
    REQUIRE(back.size() == points.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
      benchmark_point want = points[i];
      if (!want.source_row) want.source_row = static_cast<std::int64_t>(i + 1);  // a reader numbers rows that have none
      CHECK_MESSAGE(differences(want, back.point(i)).empty(), i, ": ", joined(differences(want, back.point(i))));
    }
  }
  // one point alone is an object of canonical names
  const std::string one = to_json_text(points[0]);
  CHECK(one.front() == '{');
  CHECK(contains(one, "\"concurrency\": 64"));
  CHECK(contains(one, "\"model_raw\": \"openai/gpt-oss-120b\""));
  CHECK(!contains(one, "\"conc\""));
}

TEST_CASE("io: a frontier set as JSON: every system, point, value and skipped row, readable by any parser") {
  // three systems: a priced one, one whose accelerator has no preset, one with a text key that
  // needs escaping; rows without a GPU count are skipped; the text is parsed back with nlohmann
  std::vector<benchmark_point> points;
  const char* hws[] = {"b200", "no-such-gpu", "h100"};
  for (int s = 0; s < 3; ++s)
    for (int i = 0; i < 6; ++i) {
      benchmark_point p;
      p.hw = p.accelerator = hws[s];
      p.model = s == 2 ? "m \"quoted\" \u00e9" : "m";
      p.isl = p.osl = 1024;
      p.tp = 8;
      p.source = "f" + std::to_string(s) + ".json";
      p.intvty.median = 10.0 * (i + 1);
      p.tput_per_gpu = 1000.0 - 100 * i + (i % 2 ? -250 : 0);  // every other point dominated
      derive(p);
      points.push_back(p);
    }
  benchmark_point no_gpus = points.front();
  no_gpus.tp.reset();
  no_gpus.num_gpus.reset();
  no_gpus.tput_per_gpu.reset();
  no_gpus.input_tput_per_gpu.reset();
  no_gpus.output_tput_per_gpu.reset();
  no_gpus.total_token_throughput = 5000;
  points.push_back(no_gpus);
  const result_table t(points);
  frontier_spec spec;
  spec.price = pricing::preset(tier::neocloud);
  const frontier_set set = t.frontiers(spec);
  REQUIRE(set.size() == 3);
  const std::vector<double> at = {15, 45, 1000};
  const source_file files[] = {{"f0.json", "inferlens_json", 7, "", {"a note"}}, {"bad.json", "", 0, "no rows", {}}};
  const std::string text = to_json_text(set, at, files);
  const auto doc = nlohmann::json::parse(text);
  CHECK(doc["x"] == "median_intvty");
  CHECK(doc["y"] == "tput_per_gpu");
  CHECK(doc["rows"] == set.rows());
  CHECK(doc["rows_on_frontiers"] == set.rows_on_frontiers());
  REQUIRE(doc["group_by"].size() == spec.group_by.size());
  for (std::size_t i = 0; i < spec.group_by.size(); ++i) CHECK(doc["group_by"][i] == name_of(spec.group_by[i]));
  REQUIRE(doc["skipped"].size() == set.skipped().size());
  REQUIRE(!set.skipped().empty());
  CHECK(doc["skipped"][0]["reason"] == set.skipped()[0].reason);
  CHECK(doc["skipped"][0]["rows"] == set.skipped()[0].rows);
  CHECK(doc["skipped"][0]["sources"] == nlohmann::json(set.skipped()[0].sources));
  REQUIRE(doc["systems"].size() == set.size());
  for (std::size_t k = 0; k < set.size(); ++k) {
    const system_frontier& s = set[k];
    const auto& js = doc["systems"][k];
    CAPTURE(s.name());
    CHECK(js["name"] == s.name());
    CHECK(js["points"] == s.rows().size());
    CHECK(js["key"]["accelerator"] == s.key(cols::accelerator));
    CHECK(js["key"]["model"] == s.key(cols::model));
    CHECK(js["key"]["isl"] == 1024);
    REQUIRE(js["frontier"].size() == s.points().size());
    for (std::size_t i = 0; i < s.points().size(); ++i) {
      CHECK(js["frontier"][i]["x"].get<double>() == s.curve().xs()[i]);
      CHECK(js["frontier"][i]["y"].get<double>() == s.curve().ys()[i]);
      const auto row = js["frontier"][i]["row"].get<benchmark_point>();  // the whole row, through from_json
      CHECK_MESSAGE(differences(s.points()[i], row).empty(), joined(differences(s.points()[i], row)));
    }
    REQUIRE(js["at"].size() == at.size());
    for (std::size_t i = 0; i < at.size(); ++i) {
      const auto& ja = js["at"][i];
      CHECK(ja["x"] == at[i]);
      const auto op = s.at(at[i]);
      if (!op) {
        CHECK(ja["y"].is_null());  // beyond the frontier: no value, never a guess
        continue;
      }
      CHECK(ja["y"].get<double>() == op->y);
      CHECK(ja["tput_per_gpu"].get<double>() == op->tput_per_gpu);
      CHECK(ja["interpolation"] == "steffen");
      if (op->priced()) {
        CHECK(ja["usd_per_mtok"].get<double>() == op->usd_per_mtok);
        CHECK(ja["tok_per_s_per_mw"].get<double>() == op->tok_per_s_per_mw);
        CHECK(ja["pricing"]["accelerator"] == op->price->accelerator);
        CHECK(ja["pricing"]["usd_per_gpu_hour"].get<double>() == op->price->usd_per_gpu_hour);
      } else {
        CHECK(!ja.contains("usd_per_mtok"));
        CHECK(ja["unpriced"] == op->unpriced_reason);
      }
    }
  }
  std::size_t unpriced = 0;  // no preset: economics absent, with the reason
  for (const auto& js : doc["systems"])
    if (js["key"]["accelerator"] == "no-such-gpu") unpriced += js["at"][0].contains("unpriced") && !js["at"][0].contains("usd_per_mtok");
  CHECK(unpriced == 1);
  CHECK(doc["systems"][0]["at"][2]["y"].is_null());  // 1000 tok/s/user: past every frontier
  CHECK(doc["files"].size() == 2);
  CHECK(doc["files"][0]["notes"][0] == "a note");
  CHECK(doc["files"][1]["error"] == "no rows");
  CHECK(!doc["files"][0].contains("error"));
  // frontier_json is the same document as a tree; without files, no "files" key
  CHECK(frontier_json(set, at) == nlohmann::json::parse(to_json_text(set, at)));
  CHECK(!frontier_json(set, at).contains("files"));
  // the nlohmann hooks of the parts write what the document holds
  CHECK(nlohmann::json(set[0].key()) == doc["systems"][0]["key"]);
  CHECK(nlohmann::json(*set[0].at(15)) == doc["systems"][0]["at"][0]);
  CHECK(nlohmann::json(set.skipped()[0]) == doc["skipped"][0]);
  CHECK(nlohmann::json(files[1]) == doc["files"][1]);
}

TEST_CASE("io: the writers of nothing") {
  const result_table empty;
  CHECK(to_json_text(empty) == "[]\n");
  CHECK(parse(to_json_text(empty), "e.json").empty());
  CHECK(to_inferencemax_text(empty) == "[]\n");
  CHECK(parse(to_inferencemax_text(empty), "e.json").empty());
  CHECK(to_csv_text(empty).empty());
  CHECK(to_text(empty, file_format::csv).empty());
}

TEST_CASE("io: to_csv_text then parse gives the same points, field by field, exactly") {
  const auto points = fixture_points();
  const std::string text = to_csv_text(result_table(points));
  CHECK(text.rfind("model,model_raw,model_prefix,", 0) == 0);  // registry order
  const result_table back = parse(text, "written.csv");
  REQUIRE(back.size() == points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    benchmark_point want = points[i];
    if (!want.source_row) want.source_row = static_cast<std::int64_t>(i + 1);  // a reader numbers rows that have none
    CHECK_MESSAGE(differences(want, back.point(i)).empty(), i, ": ", joined(differences(want, back.point(i))));
  }
}

TEST_CASE("io: to_csv_text writes the columns some point has, in registry order") {
  benchmark_point p;
  p.model = "m";
  p.tput_per_gpu = 2.5;
  benchmark_point q;
  q.hw = "h100";
  q.tput_per_gpu = 3;
  q.request_rate = inf;
  q.ttft.median = std::numeric_limits<double>::quiet_NaN();  // missing: no column
  q.image = "a \"b\", c";
  CHECK(to_csv_text(result_table(std::vector<benchmark_point>{p, q})) ==
        "model,image,hw,request_rate,tput_per_gpu\nm,,,,2.5\n,\"a \"\"b\"\", c\",h100,inf,3\n");
  // a plain boolean that one point has true: false in the others, never empty
  q.disagg = true;
  // (regression: the row before the first true one was written empty, see table.cpp)
  CHECK(to_csv_text(result_table(std::vector<benchmark_point>{p, q})) ==
        "model,image,hw,request_rate,disagg,tput_per_gpu\nm,,,,false,2.5\n,\"a \"\"b\"\", c\",h100,inf,true,3\n");
}

TEST_CASE("io: to_vllm_client_text keeps every field through a read (ms <-> s within one ulp)") {
  const auto points = fixture_points();
  for (const benchmark_point& p : points) {
    if (p.model_raw.empty()) continue;  // a client file always names its model
    const std::string text = to_vllm_client_text(p);
    CHECK(contains(text, "\"request_goodput:\": "));
    CHECK(contains(text, "\"model_id\": "));
    if (p.ttft.median) {
      CHECK(contains(text, "\"median_ttft_ms\": "));
      CHECK(!contains(text, "\"median_ttft\": "));
    }
    if (p.request_rate == inf) CHECK(contains(text, "\"request_rate\": \"inf\""));
    CHECK(detect_format(text, "c.json") == file_format::vllm_client);
    // Regression (fixed in 88d786c): the client reader mapped the writer's `model` key onto
    // model_raw as well as `model_id`, so any point whose model differs from model_raw failed
    // with "field 'model': given twice with different values".
    try {
      const result_table back = parse(text, "c.json");
      REQUIRE(back.size() == 1);
      CHECK_MESSAGE(differences(p, back.point(0), 1).empty(), joined(differences(p, back.point(0), 1)));
    } catch (const input_error& e) {
      FAIL_CHECK(p.source, ": ", std::string(e.what()));
    }
  }
  const std::string text = to_vllm_client_text(parse(vllm_result, "client.json").point(0));
  CHECK(contains(text, "\"request_goodput:\": null"));
  CHECK(contains(text, "\"median_tpot_ms\": 15.625"));
  CHECK(contains(text, "\"num_prompts\": 160"));
  CHECK(contains(text, "\"max_concurrency\": 16"));
  CHECK(contains(text, "\"model_id\": \"org/model\""));
}

TEST_CASE("io: to_inferencemax_text keeps upstream's row keys through a read") {
  const result_table agg = parse(agg_rows, "run_123_agg_bmk.json");
  const std::string text = to_inferencemax_text(agg);
  CHECK(contains(text, "\"conc\": 64"));
  CHECK(contains(text, "\"infmax_model_prefix\": \"gptoss\""));
  CHECK(contains(text, "\"is_multinode\": true"));
  CHECK(contains(text, "\"num_prefill_gpu\": 20"));
  CHECK(contains(text, "\"dp_attention\": \"false\""));
  CHECK(contains(text, "\"model\": \"openai/gpt-oss-120b\""));  // the checkpoint, as upstream
  CHECK(!contains(text, "\"concurrency\""));
  CHECK(!contains(text, "\"source\""));
  CHECK(detect_format(text, "w.json") == file_format::inferencemax_agg);
  const result_table back = parse(text, "run_123_agg_bmk.json");
  REQUIRE(back.size() == 2);
  for (std::size_t i = 0; i < 2; ++i)
    CHECK_MESSAGE(differences(agg.point(i), back.point(i)).empty(), joined(differences(agg.point(i), back.point(i))));
}

TEST_CASE("io: to_text of a format") {
  const result_table agg = parse(agg_rows, "run_123_agg_bmk.json");
  CHECK(to_text(agg, file_format::inferlens_json) == to_json_text(agg));
  CHECK(to_text(agg, file_format::csv) == to_csv_text(agg));
  CHECK(to_text(agg, file_format::inferencemax_agg) == to_inferencemax_text(agg));
  const result_table one = agg.filter([](const row_view& r) { return r.position() == 0; });
  CHECK(to_text(one, file_format::vllm_client) == to_vllm_client_text(agg.point(0)) + "\n");
  auto e = thrown([&] { to_text(agg, file_format::vllm_client); });
  CHECK(e.where().field == "format");
  CHECK(contains(e.message(), "the table has 2"));
  e = thrown([&] { to_text(agg, file_format::sglang_jsonl); });
  CHECK(contains(e.message(), "sglang_jsonl is read, not written"));
}

// --- round trips of generated points -----------------------------------------------------------

namespace {

struct generator {
  std::mt19937_64 rng;
  explicit generator(std::uint64_t seed) : rng(seed) {}
  bool coin(int percent = 50) { return static_cast<int>(rng() % 100) < percent; }
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  std::int64_t count() { return coin(70) ? between(0, 100000) : between(0, std::int64_t{1} << 53); }
  /// A finite non-negative double of any magnitude up to 10^max_exp, awkward digits included.
  double real(int max_exp = 300) {
    switch (rng() % 8) {
      case 0: return 0.0;
      case 1: return static_cast<double>(between(1, 100000));
      case 2: return 4.9406564584124654e-324;
      case 3: return std::ldexp(static_cast<double>(rng() >> 11), -static_cast<int>(rng() % 80));
      case 4: {
        const double mantissa = 1 + static_cast<double>(rng() >> 11) / 9007199254740992.0;
        return mantissa * std::pow(10.0, static_cast<double>(between(-300, max_exp)));
      }
      default: {
        const double mantissa = 1 + static_cast<double>(rng() >> 11) / 9007199254740992.0;
        return mantissa * std::pow(10.0, static_cast<double>(between(-12, max_exp > 12 ? 12 : max_exp)));
      }
    }
  }
  /// Valid UTF-8 with what writers must quote or escape; non-empty.
  std::string text() {
    static const char* pieces[] = {"a", "Z", "7", " ", ",", "\"", "\n", "\r", "\t", "\\", "/", "{", "[", ":", "\xC3\xA9", "\xF0\x9F\x98\x80", "-", "inf"};
    std::string s = "t";
    const std::size_t n = rng() % 8;
    for (std::size_t i = 0; i < n; ++i) s += pieces[rng() % std::size(pieces)];
    if (coin(20)) s = " " + s + " ";
    return s;
  }
};

/// A point as readers produce it (derived, a model whose canonical name is itself, consistent
/// throughputs, the fields every writer's format requires), with random values and random gaps.
benchmark_point generated_point(generator& g) {
  benchmark_point p;
  // a model no table knows, spelt so that it is its own base name: no '/', no edge blanks
  static const char* name_pieces[] = {"x", "9", "-", ".", ",", "\"", " ", "\xC3\xA9", "_"};
  p.model = "Mdl~";
  for (std::size_t i = g.rng() % 6; i > 0; --i) p.model += name_pieces[g.rng() % std::size(name_pieces)];
  p.model += "z";
  switch (g.rng() % 4) {
    case 0: p.model_raw = p.model; break;
    case 1: p.model_raw = "org/" + p.model; break;
    case 2: p.model_raw = "/mnt/models/" + p.model + "/"; break;
    default: p.model_raw = " vendor/" + p.model; break;
  }
  if (g.coin(70)) p.model_prefix = "pfx~" + g.text();
  for (std::string* s : {&p.framework, &p.image, &p.precision, &p.spec_decoding, &p.date, &p.run})
    if (g.coin(60)) *s = g.text();
  p.source = g.text();  // readers fill source (and source_row) when a row has none
  p.hw = g.coin() ? "H100-" + g.text() : g.text();
  if (g.coin(25)) p.accelerator = "acc" + g.text();
  p.isl = g.coin() ? g.between(1, 1 << 20) : g.between(1, std::int64_t{1} << 53);
  p.osl = g.between(1, 1 << 20);
  p.concurrency = g.between(1, 4096);
  if (g.coin(30)) p.request_rate = inf;
  else if (g.coin()) p.request_rate = std::max(g.real(), 1e-9);
  if (g.coin()) p.num_prompts = g.count();
  p.completed = p.num_prompts ? g.between(0, *p.num_prompts) : g.count();
  if (g.coin(30)) p.failed = g.count();
  p.disagg = g.coin(30);
  p.partial = g.coin(20);
  p.multinode = g.coin(30);
  if (g.coin()) p.dp_attention = g.coin();
  if (g.coin(30)) p.ep = g.between(1, 64);
  if (g.coin(20)) p.dcp = g.between(1, 8);
  if (!p.multinode) {
    p.tp = g.between(1, 64);
    if (g.coin(30)) p.pp = g.between(1, 8);
    if (g.coin(20)) p.pcp = g.between(1, 4);
  } else {
    for (worker_pool* w : {&p.prefill, &p.decode}) {
      w->num_workers = g.between(1, 16);
      w->tp = g.between(1, 32);
      if (g.coin(30)) w->ep = g.between(1, 64);
      if (g.coin(20)) w->pp = g.between(1, 4);
      if (g.coin(20)) w->dcp = g.between(1, 4);
      if (g.coin(20)) w->pcp = g.between(1, 2);
      if (g.coin()) w->dp_attention = g.coin();
      if (g.coin(30)) w->gpus = g.between(1, 1 << 20);
      if (g.coin(20)) w->hw = g.text();
    }
  }
  p.source_row = g.between(1, std::int64_t{1} << 53);
  p.duration = g.coin(10) ? std::numeric_limits<double>::max() : g.real();
  for (std::optional<std::int64_t>* v : {&p.total_input_tokens, &p.total_output_tokens})
    if (g.coin()) *v = g.count();
  for (std::optional<double>* v : {&p.request_throughput, &p.request_goodput})
    if (g.coin()) *v = g.real();
  const double total = g.real(250);
  p.total_token_throughput = total;
  p.output_throughput = total * (static_cast<double>(g.rng() % 1001) / 1000.0);
  if (g.coin()) p.input_throughput = total - *p.output_throughput;
  for (latency_stats* s : {&p.ttft, &p.tpot, &p.itl, &p.e2el, &p.intvty})
    for (statistic st : {statistic::mean, statistic::median, statistic::std, statistic::p90, statistic::p99, statistic::p999})
      if (g.coin(40)) s->*statistic_member(st) = g.real(200);  // milliseconds of it stay finite
  if (!p.tpot.median && !p.intvty.median) p.tpot.median = std::max(g.real(3), 1e-6);
  for (std::optional<double>* v : {&p.avg_power_w, &p.total_gpu_energy_j, &p.joules_per_input_token,
                                   &p.joules_per_output_token, &p.joules_per_total_token})
    if (g.coin(30)) *v = g.real();
  derive(p);
  return p;
}

std::vector<benchmark_point> generated_points(std::uint64_t seed, std::size_t n) {
  generator g(seed);
  std::vector<benchmark_point> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(generated_point(g));
  return out;
}

/// Collects failures of a property, printing the first few in full.
struct failures {
  std::vector<std::string> all;
  void add(std::string s) { all.push_back(std::move(s)); }
  std::string summary() const {
    std::string s = std::to_string(all.size()) + " failures; first: ";
    for (std::size_t i = 0; i < all.size() && i < 4; ++i) s += "\n  " + all[i];
    return s;
  }
};

/// What an InferenceMAX agg row holds (upstream's process_result.py keys, plus the parallel
/// sizes and power of later schemas): identity without request rate, prompt count and the
/// normalised accelerator; per-GPU throughputs; latency statistics and interactivity; power.
bool agg_keeps(const column& c) {
  if (c.kind == column_kind::identity) return c.id != cols::request_rate && c.id != cols::num_prompts && c.id != cols::accelerator;
  const std::string_view n = c.name;
  if (c.id == cols::tput_per_gpu || c.id == cols::output_tput_per_gpu || c.id == cols::input_tput_per_gpu) return true;
  if (n.ends_with("_ttft") || n.ends_with("_tpot") || n.ends_with("_itl") || n.ends_with("_e2el") || n.ends_with("_intvty")) return true;
  return c.id == cols::avg_power_w || c.id == cols::total_gpu_energy_j || n.starts_with("joules_per_");
}

}  // namespace

TEST_CASE("round trip: the library's JSON keeps every field of generated points") {
  const auto points = generated_points(101, 400);
  const std::string text = to_json_text(result_table(points));
  for (file_format f : {file_format::automatic, file_format::inferlens_json}) {
    const result_table back = parse(text, "gen.json", with_format(f));
    REQUIRE(back.size() == points.size());
    failures bad;
    for (std::size_t i = 0; i < points.size(); ++i)
      if (const auto d = differences(points[i], back.point(i)); !d.empty()) bad.add("point " + std::to_string(i) + ": " + joined(d));
    CHECK_MESSAGE(bad.all.empty(), to_string(f), ": ", bad.summary());
  }
}

TEST_CASE("round trip: CSV keeps every field of generated points") {
  const auto points = generated_points(202, 400);
  const std::string text = to_csv_text(result_table(points));
  temp_dir dir;
  const fs::path file = dir.write("gen.csv", text);
  for (const result_table& back : {parse(text, "gen.csv"), load(file)}) {
    REQUIRE(back.size() == points.size());
    failures bad;
    for (std::size_t i = 0; i < points.size(); ++i)
      if (const auto d = differences(points[i], back.point(i)); !d.empty()) bad.add("point " + std::to_string(i) + ": " + joined(d));
    CHECK_MESSAGE(bad.all.empty(), bad.summary());
  }
}

TEST_CASE("round trip: vLLM client JSON keeps every field of generated points (latencies within one ulp)") {
  const auto points = generated_points(303, 300);
  failures bad;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::string text = to_text(result_table(std::vector<benchmark_point>{points[i]}), file_format::vllm_client);
    try {
      const result_table back = parse(text, "gen.json");
      if (back.size() != 1) {
        bad.add("point " + std::to_string(i) + ": " + std::to_string(back.size()) + " points read");
        continue;
      }
      if (const auto d = differences(points[i], back.point(0), 1); !d.empty()) bad.add("point " + std::to_string(i) + ": " + joined(d));
    } catch (const input_error& e) {
      bad.add("point " + std::to_string(i) + ": " + e.what());
    }
  }
  CHECK_MESSAGE(bad.all.empty(), bad.summary());
}

TEST_CASE("round trip: InferenceMAX agg rows keep their keys' fields of generated points") {
  const auto points = generated_points(404, 400);
  const std::string text = to_inferencemax_text(result_table(points));
  for (file_format f : {file_format::automatic, file_format::inferencemax_agg}) {
    const result_table back = parse(text, "gen_agg.json", with_format(f));
    REQUIRE(back.size() == points.size());
    failures bad;
    for (std::size_t i = 0; i < points.size(); ++i) {
      const benchmark_point& want = points[i];
      const benchmark_point got = back.point(i);
      auto d = differences(want, got, 0, agg_keeps);
      // what follows from the kept fields: the GPU count exactly, the accelerator from the
      // runner label, whole-deployment throughputs up to rounding
      if (got.num_gpus != want.num_gpus) d.push_back("num_gpus");
      if (want.accelerator == normalize_accelerator(want.hw) && got.accelerator != want.accelerator) d.push_back("accelerator");
      for (auto [a, b] : {std::pair{want.total_token_throughput, got.total_token_throughput},
                          std::pair{want.output_throughput, got.output_throughput}})
        if (a.has_value() != b.has_value() || (a && std::abs(*a - *b) > 1e-12 * std::abs(*a) + 1e-300))  // per GPU x GPUs
          d.push_back("whole-deployment throughput");
      if (!got.source_row || *got.source_row != static_cast<std::int64_t>(i + 1)) d.push_back("source_row");
      if (got.source != "gen_agg.json") d.push_back("source");
      if (!d.empty()) bad.add("point " + std::to_string(i) + ": " + joined(d));
    }
    CHECK_MESSAGE(bad.all.empty(), to_string(f), ": ", bad.summary());
  }
}

TEST_CASE("save_results writes files that load back; write_file replaces, never half-writes") {
  const auto points = generated_points(505, 6);
  const result_table t(points);
  temp_dir dir;
  for (file_format f : {file_format::inferlens_json, file_format::csv}) {
    const fs::path file = dir.path / (std::string("all.") + (f == file_format::csv ? "csv" : "json"));
    CHECK(save_results(t, file, f) == std::vector<std::string>{file.string()});
    const result_table back = load(file);
    REQUIRE(back.size() == points.size());
    for (std::size_t i = 0; i < points.size(); ++i) CHECK(differences(points[i], back.point(i)).empty());
    CHECK(!fs::exists(file.string() + ".tmp"));
  }
  // vllm_client: a directory, one file per point
  const auto written = save_results(t, dir.path / "client", file_format::vllm_client);
  REQUIRE(written.size() == points.size());
  for (const fs::path p : written) {
    CHECK(p.parent_path() == dir.path / "client");
    CHECK(p.extension() == ".json");
    CHECK(fs::is_regular_file(p));
  }
  CHECK(std::set<std::string>(written.begin(), written.end()).size() == written.size());  // no name twice
  try {
    const result_table back = load(dir.path / "client");
    REQUIRE(back.size() == points.size());
    for (const benchmark_point& p : points) {  // matched by their row number (the files sort by name)
      const auto same = back.where(cols::source_row, static_cast<double>(*p.source_row));
      REQUIRE(same.size() == 1);
      CHECK(differences(p, same.point(0), 1).empty());
    }
  } catch (const input_error& e) {
    FAIL_CHECK(std::string(e.what()));
  }

  // write_file: over an existing file, over a symlink (replaced, its target untouched), past a
  // stale temporary file; a missing directory is an error naming the path
  const fs::path target = dir.write("target.txt", "keep me");
  const fs::path link = dir.path / "link.txt";
  fs::create_symlink(target, link);
  write_file(link, "new");
  CHECK(read_text(target) == "keep me");
  CHECK(!fs::is_symlink(link));
  CHECK(read_text(link) == "new");
  dir.write("over.txt", "old old old");
  dir.write("over.txt.tmp", "stale");
  write_file(dir.path / "over.txt", "fresh");
  CHECK(read_text(dir.path / "over.txt") == "fresh");
  CHECK(!fs::exists(dir.path / "over.txt.tmp"));
  const fs::path nowhere = dir.path / "no" / "such" / "dir" / "x.json";
  const auto e = thrown([&] { write_file(nowhere, "x"); });
  CHECK(e.where().file == nowhere.string());
  CHECK(!fs::exists(nowhere));
}

// --- errors ------------------------------------------------------------------------------------

TEST_CASE("io errors: malformed JSON names the byte offset and the row") {
  const std::string text = R"([{"output_throughput": 8}, {"hw": "h100", "conc": 8,, "isl": 1}])";
  const auto e = parse_error(text, "bad.json");
  CHECK(e.where().file == "bad.json");
  CHECK(e.where().byte == text.find(",,") + 1);
  CHECK(e.where().row == 2u);
  CHECK(contains(e.what(), "bad.json: row 2: byte "));

  const std::string open = R"([{"model": "abc}])";
  const auto u = parse_error(open, "u.json");
  CHECK(u.where().byte == open.find("\"abc"));
  CHECK(contains(u.message(), "unterminated string"));

  const auto trailing = parse_error("[] x", "t.json");
  CHECK(trailing.where().byte == 3u);
  CHECK(!trailing.where().row);
  CHECK(contains(trailing.message(), "unexpected content after"));

  CHECK(contains(parse_error("[{\"a\": tru}]", "t.json").message(), "expected a value"));
  CHECK(contains(parse_error("[{\"a\": 01}]", "t.json").message(), "expected '}' or ','"));
  CHECK(contains(parse_error("[{\"a\": 1.}]", "t.json").message(), "digit after the decimal point"));
  CHECK(contains(parse_error("[{\"a\": 1e}]", "t.json").message(), "digit in the exponent"));
  CHECK(contains(parse_error("[{\"a\": \"\\x\"}]", "t.json").message(), "invalid escape"));
  CHECK(contains(parse_error("[{\"a\": \"\\ud800\"}]", "t.json").message(), "surrogate"));
  CHECK(contains(parse_error("[{\"a\": \"\\udc00\"}]", "t.json").message(), "surrogate"));
  CHECK(contains(parse_error("[{\"a\": \"\\u12\"}]", "t.json").message(), "4 hex digits"));
  CHECK(contains(parse_error("[{\"a\": \"x\ty\"}]", "t.json").message(), "control character"));
  CHECK(contains(parse_error("[{\"output_throughput\": 1}", "t.json").message(), "the end of the input"));
  const std::string deep = "[{\"ignored\": " + std::string(5000, '[') + std::string(5000, ']') + "}]";
  CHECK(contains(parse_error(deep, "deep.json").message(), "nested deeper"));
}

TEST_CASE("io errors: values of the wrong type") {
  auto row2 = [](const std::string& bad) {
    return R"([{"hw": "b200", "model": "m", "infmax_model_prefix": "p", "isl": 1, "osl": 1, "conc": 1, "tput_per_gpu": 1, "median_tpot": 0.5},
               {"hw": "b200", "model": "m", "infmax_model_prefix": "p", "isl": 1, "osl": 1, "conc": 1, "tput_per_gpu": 1, "median_tpot": 0.5, )" +
           bad + "}]";
  };
  auto e = parse_error(row2(R"("conc": "64")"), "agg.json");
  CHECK(e.where().row == 2u);
  CHECK(e.where().field == "conc");
  CHECK(contains(e.message(), "expected a whole number, got a string \"64\""));
  CHECK(!e.where().byte);

  e = parse_error(row2(R"("tput_per_gpu": "fast")"), "agg.json");
  CHECK(e.where().field == "tput_per_gpu");
  CHECK(contains(e.message(), "expected a number, got a string"));

  CHECK(contains(parse_error(row2(R"("dp_attention": 3)"), "a.json").message(), "expected a boolean, got a number"));
  CHECK(contains(parse_error(row2(R"("dp_attention": "yes")"), "a.json").message(), "expected a boolean"));
  CHECK(contains(parse_error(row2(R"("hw": 1.5)"), "a.json").message(), "expected a string, got a number"));
  CHECK(contains(parse_error(row2(R"("hw": {"a": 1})"), "a.json").message(), "expected a string, got an object"));
  CHECK(contains(parse_error(row2(R"("isl": 1024.5)"), "a.json").message(), "expected a whole number, got 1024.5"));
  CHECK(contains(parse_error(row2(R"("isl": 99999999999999999999)"), "a.json").message(), "expected a whole number"));
  CHECK(contains(parse_error(row2(R"("isl": [1])"), "a.json").message(), "expected a whole number, got an array"));
  CHECK(contains(parse_error(row2(R"("request_rate": "fast")"), "a.json").message(), "expected a number"));
  e = parse_error(row2(R"("model_id": "other")"), "a.json");
  CHECK(e.where().field == "model_id");
  CHECK(contains(e.message(), "given twice with different values"));
  e = parse_error(row2(R"("concurrency": 2)"), "a.json");
  CHECK(e.where().field == "concurrency");
  CHECK(contains(e.message(), "given twice with different values (1 and 2)"));

  e = parse_error("[{\"output_throughput\": 1}, 7]", "a.json");
  CHECK(e.where().row == 2u);
  CHECK(contains(e.message(), "expected an object (one result row), got a number"));
}

TEST_CASE("io errors: negative, NaN, infinite and non-positive values") {
  auto check = [](const std::string& field_json, std::string_view field, std::string_view message) {
    const auto e = parse_error("[{\"output_throughput\": 1, " + field_json + "}]", "v.json");
    CHECK_MESSAGE(e.where().field == field, field_json);
    CHECK_MESSAGE(contains(e.message(), message), e.what());
    CHECK(e.where().row == 1u);
    CHECK(e.where().file == "v.json");
  };
  check(R"("tput_per_gpu": -1)", "tput_per_gpu", "must not be negative, got -1");
  check(R"("median_ttft": NaN)", "median_ttft", "must be a number, got NaN");
  check(R"("median_ttft": Infinity)", "median_ttft", "must be finite, got inf");
  check(R"("median_ttft": -Infinity)", "median_ttft", "must be finite, got -inf");
  check(R"("total_output_tokens": -5)", "total_output_tokens", "must not be negative");
  check(R"("isl": 0)", "isl", "must be positive, got 0");
  check(R"("osl": -1)", "osl", "must be positive");
  check(R"("conc": 0)", "conc", "must be positive");
  check(R"("tp": 0)", "tp", "must be positive");
  check(R"("num_gpus": 0)", "num_gpus", "must be positive");
  check(R"("source_row": 0)", "source_row", "must be positive");
  check(R"("request_rate": 0)", "request_rate", "must be positive");
  check(R"("request_rate": -Infinity)", "request_rate", "must be positive");
  check(R"("request_rate": NaN)", "request_rate", "must be a number, got NaN");
}

TEST_CASE("io errors: a number that overflows a double names the file, the row and the field") {
  // 1e999 is no measurement; it must not become inf (nor a silent 0).
  // Regression (fixed in 88d786c): the JSON scanner refused it as a syntax error before the key
  // was applied, so the error named a byte but no field.
  auto e = parse_error(R"([{"output_throughput": 1, "total_token_throughput": 1e999}])", "o.json");
  CHECK(e.where().file == "o.json");
  CHECK(e.where().row == 1u);
  CHECK(contains(e.message(), "1e999"));
  CHECK(e.where().field == "total_token_throughput");
  e = parse_error("[{\"output_throughput\": 1}, {\"output_throughput\": 1, \"median_ttft\": -1e999}]", "o.json");
  CHECK(e.where().row == 2u);
  CHECK(e.where().field == "median_ttft");
  e = parse_error(erase_member(vllm_result, "duration").replace(1, 0, "\"duration\": 1e400, "), "c.json");
  CHECK(e.where().file == "c.json");
  CHECK(e.where().field == "duration");
  e = parse_error(R"({"dataset_name": "random", "duration": 1, "completed": 1, "output_throughput": 1E+999})" "\n", "r.jsonl");
  CHECK(e.where().row == 1u);
  CHECK(e.where().field == "output_throughput");
  e = parse_error(R"({"request_latency": {"unit": "ms", "avg": 1e999}, "output_token_throughput": {"avg": 1}})", "a.json");
  CHECK(e.where().field == "request_latency.avg");

  // CSV: named by its header, and said why
  e = parse_error("model,tput_per_gpu\nm,1\nm,1e999\n", "o.csv");
  CHECK(e.where().file == "o.csv");
  CHECK(e.where().row == 2u);
  CHECK(e.where().field == "tput_per_gpu");
  CHECK(contains(e.message(), "overflows a double"));
  e = parse_error("model,Median_TTFT,tput_per_gpu\nm,-1e400,1\n", "o.csv");
  CHECK(e.where().field == "Median_TTFT");
}

TEST_CASE("io errors: invalid UTF-8 in a JSON string or a CSV text cell") {
  for (const std::string bad : {"\xC3(", "\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF", "\xE2\x82"}) {
    const std::string text = "[{\"output_throughput\": 1}, {\"output_throughput\": 1, \"hw\": \"ab" + bad + "\"}]";
    const auto e = parse_error(text, "u.json");
    CHECK(e.where().file == "u.json");
    CHECK(e.where().row == 2u);
    CHECK(e.where().byte == text.find(bad));
    CHECK(contains(e.message(), "invalid UTF-8"));
    const std::string key = "[{\"output_throughput\": 1, \"k" + bad + "\": 1}]";  // in a key, even an unknown one
    CHECK(contains(parse_error(key, "u.json").message(), "invalid UTF-8"));

    const auto c = parse_error("model,hw,tput_per_gpu\nm,h100,1\nm,x" + bad + ",1\n", "u.csv");
    CHECK(c.where().file == "u.csv");
    CHECK(c.where().row == 2u);
    CHECK(c.where().field == "hw");
    CHECK(contains(c.message(), "invalid UTF-8 at byte 1"));
    // the message itself is printable, valid UTF-8
    CHECK(detail::invalid_utf8_at(c.what()) == std::string_view::npos);
  }
  // valid multi-byte text passes
  CHECK(parse("model,hw,tput_per_gpu\nm,\xE2\x82\xAC\xF0\x9F\x98\x80,1\n", "ok.csv").point(0).hw == "\xE2\x82\xAC\xF0\x9F\x98\x80");
}

TEST_CASE("io errors: figures that contradict each other name the row and the field") {
  struct contradiction {
    std::string fields, field, message;
  };
  const std::vector<contradiction> cases = {
      {R"("total_token_throughput": 300, "output_throughput": 400)", "total_token_throughput", "is below output_throughput"},
      {R"("total_token_throughput": 1000, "output_throughput": 400, "input_throughput": 500)", "input_throughput",
       "differ from total_token_throughput"},
      {R"("tp": 4, "tput_per_gpu": 100, "output_tput_per_gpu": 150)", "output_tput_per_gpu", "is above tput_per_gpu"},
      {R"("tp": 4, "tput_per_gpu": 100, "output_tput_per_gpu": 50, "input_tput_per_gpu": 60)", "input_tput_per_gpu",
       "differ from tput_per_gpu"},
      {R"("output_throughput": 1, "num_prompts": 10, "completed": 11)", "completed", "is above num_prompts"},
      {R"("output_throughput": 1, "tp": 4611686018427387904, "pp": 4)", "tp", "overflows a 64-bit GPU count"},
      {R"("output_throughput": 1, "tp": 3037000500, "pcp": 3037000500)", "tp", "overflows"},
      {R"("output_throughput": 1, "multinode": true, "prefill_num_workers": 4294967296, "prefill_tp": 4294967296)",
       "prefill_num_workers", "overflows"},
      {R"("output_throughput": 1, "multinode": true, "decode_num_workers": 2, "decode_tp": 4611686018427387904)",
       "decode_num_workers", "overflows"},
  };
  for (const auto& c : cases) {
    const auto e = parse_error("[{\"output_throughput\": 1}, {" + c.fields + "}]", "c.json");
    CHECK_MESSAGE(e.where().row == 2u, c.fields);
    CHECK_MESSAGE(e.where().field == c.field, c.fields, " -> ", e.what());
    CHECK_MESSAGE(contains(e.message(), c.message), e.what());
    // the same row as CSV (its own reading path): the same verdict
    std::string header, values;
    const nlohmann::json j = nlohmann::json::parse("{" + c.fields + "}");
    for (const auto& [k, v] : j.items()) {
      header += (header.empty() ? "" : ",") + k;
      values += (values.empty() ? "" : ",") + (v.is_boolean() ? std::string(v.get<bool>() ? "true" : "false") : v.dump());
    }
    const auto ce = parse_error(header + "\n" + values + "\n", "c.csv");
    CHECK_MESSAGE(ce.where().row == 1u, header);
    CHECK_MESSAGE(ce.where().field == c.field, header, " -> ", ce.what());
    CHECK_MESSAGE(contains(ce.message(), c.message), ce.what());
  }
  // within rounding (files print a few decimals) is no contradiction
  for (const std::string ok : {R"("total_token_throughput": 1000, "output_throughput": 1000.5)",
                               R"("total_token_throughput": 1000, "output_throughput": 400, "input_throughput": 600.4)",
                               R"("tp": 1, "tput_per_gpu": 100, "output_tput_per_gpu": 100.05)",
                               R"("multinode": true, "prefill_gpus": 4, "decode_gpus": 4, "tput_per_gpu": 100, "output_tput_per_gpu": 150)"})
    CHECK_NOTHROW(parse("[{" + ok + "}]", "ok.json"));
  // the client reader checks too
  const std::string text = R"({"model_id": "m", "duration": 10, "completed": 4, "total_token_throughput": 300,
                               "output_throughput": 400})";
  CHECK_THROWS_WITH_AS(parse(text, "inconsistent.json"),
                       doctest::Contains("inconsistent.json: field 'total_token_throughput': is below output_throughput"),
                       input_error);
}

TEST_CASE("io errors: missing required fields") {
  const std::string full =
      R"({"hw": "b200", "model": "m", "infmax_model_prefix": "p", "isl": 1, "osl": 1, "conc": 1, "tput_per_gpu": 1, "median_tpot": 0.5})";
  auto without = [&](const std::string& key) { return "[" + full + ", " + erase_member(full, key) + "]"; };
  for (auto [key, field] : std::vector<std::pair<std::string, std::string>>{
           {"hw", "hw"}, {"model", "model"}, {"isl", "isl"}, {"osl", "osl"}, {"conc", "concurrency"}, {"tput_per_gpu", "tput_per_gpu"}}) {
    for (file_format f : {file_format::automatic, file_format::inferencemax_agg}) {
      const auto e = parse_error(without(key), "agg.json", f);
      CHECK(e.where().row == 2u);
      CHECK_MESSAGE(e.where().field == field, key);
      CHECK(contains(e.message(), "missing"));
    }
  }
  const std::string no_tpot = "[" + erase_member(full, "median_tpot") + "]";
  const auto e = parse_error(no_tpot, "agg.json");
  CHECK(e.where().field == "median_tpot");
  CHECK(contains(e.message(), "median_tpot or median_intvty"));
  std::string with_intvty = no_tpot;
  with_intvty.replace(with_intvty.find("}]"), 2, ", \"median_intvty\": 2}]");
  CHECK(*parse(with_intvty, "agg.json").point(0).tpot.median == 0.5);
  // the library's own rows need only a throughput
  CHECK(contains(parse_error(R"([{"model": "m"}])", "own.json").message(), "missing: expected total_token_throughput, output_throughput"));
  CHECK(parse_error(R"([{"model": "m"}])", "own.json").where().row == 1u);

  // a client result needs its model and a throughput (b117e18: duration and counts, which every
  // real file has, are no longer required, so that rows converted to client JSON read back)
  std::string no_model = erase_member(erase_member(vllm_result, "model_id"), "tokenizer_id");
  const auto m = parse_error(no_model, "client.json");
  CHECK(m.where().field == "model");
  CHECK(!m.where().row);
  CHECK(contains(m.message(), "missing"));
  const auto no_duration = parse(erase_member(vllm_result, "duration"), "client.json").point(0);
  CHECK(!no_duration.duration);
  CHECK(*no_duration.completed == 158);
  const auto no_completed = parse(erase_member(vllm_result, "completed"), "client.json").point(0);
  CHECK(!no_completed.completed);
  CHECK(!no_completed.failed);  // nothing to derive it from
  const auto t = parse_error(erase_member(erase_member(vllm_result, "output_throughput"), "total_token_throughput"), "client.json");
  CHECK(t.where().field == "total_token_throughput");
  CHECK(contains(t.message(), "missing: expected total_token_throughput, output_throughput"));
}

TEST_CASE("io errors: JSON lines name the line") {
  std::string text = sglang_lines;
  text.replace(text.rfind("\"duration\": 50.0"), 16, "\"duration\": -50.0");
  auto e = parse_error(text, "runs.jsonl");
  CHECK(e.where().row == 3u);
  CHECK(e.where().field == "duration");

  const std::string broken = "{\"duration\": 1, \"completed\": 1, \"output_throughput\": 1}\n{\"duration\": }\n";
  e = parse_error(broken, "runs.jsonl");
  CHECK(e.where().row == 2u);
  CHECK(e.where().byte == broken.find("}\n", broken.find('\n')));

  e = parse_error("{\"duration\": 1, \"completed\": 1, \"output_throughput\": 1}\n[1]\n", "runs.jsonl");
  CHECK(e.where().row == 2u);
  CHECK(contains(e.message(), "expected an object, got an array"));
  e = parse_error("{\"duration\": 1, \"completed\": 1}\n", "runs.jsonl");
  CHECK(e.where().row == 1u);
  CHECK(e.where().field == "output_throughput");
}

TEST_CASE("io errors: CSV") {
  auto e = parse_error("model,Concurrency,tput_per_gpu\nm,8,1\nm,eight,1\n", "t.csv");
  CHECK(e.where().row == 2u);
  CHECK(e.where().field == "Concurrency");  // as the header spells it
  CHECK(contains(e.message(), "expected a whole number, got \"eight\""));

  e = parse_error("model,tput_per_gpu,disagg\nm,1,yes\n", "t.csv");
  CHECK(e.where().field == "disagg");
  CHECK(contains(e.message(), "expected true or false"));

  e = parse_error("model,tput_per_gpu\nm,inf\n", "t.csv");
  CHECK(contains(e.message(), "must be finite"));
  CHECK(contains(parse_error("model,tput_per_gpu\nm,nan\n", "t.csv").message(), "must be a number, got NaN"));
  CHECK(contains(parse_error("model,tput_per_gpu\nm,-2\n", "t.csv").message(), "must not be negative"));
  CHECK(contains(parse_error("model,tput_per_gpu,conc\nm,1,0\n", "t.csv").message(), "must be positive"));
  CHECK(contains(parse_error("model,tput_per_gpu\nm,1x\n", "t.csv").message(), "expected a number, got \"1x\""));
  CHECK(contains(parse_error("model,tput_per_gpu,isl\nm,1,2.5\n", "t.csv").message(), "expected a whole number, got 2.5"));

  e = parse_error("model,tput_per_gpu\nm,1\nm,1,3\n", "t.csv");
  CHECK(e.where().row == 2u);
  CHECK(contains(e.message(), "has 3 fields, the header has 2"));

  const std::string open = "model,tput_per_gpu\nm,1\n\"m,1\n";
  e = parse_error(open, "t.csv");
  CHECK(e.where().row == 2u);
  CHECK(e.where().byte == open.rfind('"'));
  CHECK(contains(e.message(), "unterminated quoted field"));

  e = parse_error("model,tput_per_gpu\nm\"x,1\n", "t.csv");
  CHECK(e.where().byte == 20u);
  CHECK(contains(e.message(), "a quote inside an unquoted field"));
  CHECK(contains(parse_error("model,tput_per_gpu\n\"m\"x,1\n", "t.csv").message(), "after a closing quote"));

  e = parse_error("conc,model,concurrency\n1,m,1\n", "t.csv");
  CHECK(e.where().field == "concurrency");
  CHECK(contains(e.message(), "names the same column as 'conc'"));

  e = parse_error("model,conc\nm,8\n", "t.csv");
  CHECK(e.where().row == 1u);
  CHECK(contains(e.message(), "missing: expected total_token_throughput, output_throughput"));
}

TEST_CASE("io errors: a CSV with no known column lists what it saw and the nearest known names") {
  auto e = parse_error("a,b,c\n1,2,3\n", "t.csv");
  CHECK(contains(e.message(), "no known column in the header row"));
  CHECK(contains(e.message(), "\"a\", \"b\", \"c\""));
  CHECK(!e.where().row);
  CHECK(e.where().file == "t.csv");

  e = parse_error("modle,tput_per_gpuu,Throughput/GPU\nm,1,2\n", "near.csv");
  CHECK(contains(e.message(), "\"modle\", \"tput_per_gpuu\", \"Throughput/GPU\""));
  CHECK(contains(e.message(), "nearest known names"));
  CHECK(contains(e.message(), "model"));
  CHECK(contains(e.message(), "tput_per_gpu"));
  CHECK(contains(e.message(), "load_options::map"));
  // forced as CSV, anything is judged by its header
  CHECK(contains(parse_error("{a: 1}", "x.csv", file_format::csv).message(), "no known column"));
}

TEST_CASE("io errors: empty files, and files that are nothing known") {
  for (std::string text : {"", "  \n\t\r\n", "\xEF\xBB\xBF"}) {
    for (file_format f : {file_format::automatic, file_format::inferencemax_agg, file_format::vllm_client,
                          file_format::sglang_jsonl, file_format::csv, file_format::inferlens_json,
                          file_format::aiperf_json}) {
      const auto e = parse_error(text, "empty.json", f);
      CHECK(e.where().file == "empty.json");
      CHECK(e.message().rfind("empty file: expected ", 0) == 0);
    }
  }
  auto e = parse_error("{\"foo\": 1}", "o.json");
  CHECK(contains(e.message(), "no known harness"));
  CHECK(contains(e.message(), "\"foo\""));
  e = parse_error("hello world\n", "notes.txt");
  CHECK(contains(e.message(), "not a result file"));
  CHECK(contains(e.message(), "\"hello world\""));
  e = parse_error("{}", "x.json", file_format::inferencemax_agg);
  CHECK(e.where().byte == 0u);
  CHECK(contains(e.message(), "expected a JSON array of result rows ('['), got '{'"));
  e = parse_error("[1]", "x.json", file_format::sglang_jsonl);
  CHECK(contains(e.message(), "expected an object, got an array"));
}

// --- files and directories ---------------------------------------------------------------------

TEST_CASE("io: load reads a file; a missing file is an error; files() says what was read") {
  temp_dir dir;
  const fs::path file = dir.write("run_5_agg_bmk.json", agg_rows);
  const result_table t = load(file);
  REQUIRE(t.size() == 2);
  CHECK(t.point(0).source == file.string());
  CHECK(t.point(0).run == "run_5");
  REQUIRE(t.files().size() == 1);
  CHECK(t.files()[0].path == file.string());
  CHECK(t.files()[0].format == "inferencemax_agg");
  CHECK(t.files()[0].rows == 2);
  auto e = thrown([&] { load(dir.path / "nope.json"); });
  CHECK(e.where().file == (dir.path / "nope.json").string());
  CHECK(contains(e.message(), "no such file"));
  CHECK(load(dir.write("t.dat", csv_table), with_format(file_format::csv)).size() == 2);
  CHECK(load(dir.write("t2.dat", csv_table)).size() == 2);  // recognised by its header
}

TEST_CASE("io: load walks directories in path order; strict throws, lenient reports") {
  temp_dir dir;
  dir.write("b/run_1_agg_bmk.json", agg_rows);
  dir.write("a/table.CSV", csv_table);
  dir.write("c/runs.jsonl", sglang_lines);
  dir.write("c/bad.json", "[{\"output_throughput\": 1},");
  dir.write("c/notes.txt", "not results");
  dir.write(".hidden/broken.json", "{{{");
  dir.write("d/.broken.json", "{{{");
  temp_dir other;
  const fs::path extra = other.write("extra.json", vllm_result);

  const std::vector<fs::path> inputs{dir.path, extra};
  const auto e = thrown([&] { load(inputs); });
  CHECK(e.where().file == (dir.path / "c" / "bad.json").string());
  CHECK(contains(e.message(), "the end of the input"));

  load_options lenient;
  lenient.lenient = true;
  const result_table t = load(inputs, lenient);
  REQUIRE(t.size() == 2 + 2 + 2 + 1);
  CHECK(t.point(0).source == (dir.path / "a" / "table.CSV").string());
  CHECK(t.point(2).source == (dir.path / "b" / "run_1_agg_bmk.json").string());
  CHECK(t.point(2).run == "run_1");
  CHECK(t.point(4).source == (dir.path / "c" / "runs.jsonl").string());
  CHECK(t.point(6).source == extra.string());
  REQUIRE(t.files().size() == 5);
  const std::vector<std::string> paths = {(dir.path / "a" / "table.CSV").string(), (dir.path / "b" / "run_1_agg_bmk.json").string(),
                                          (dir.path / "c" / "bad.json").string(), (dir.path / "c" / "runs.jsonl").string(),
                                          extra.string()};
  for (std::size_t i = 0; i < paths.size(); ++i) CHECK(t.files()[i].path == paths[i]);
  CHECK(t.files()[0].format == "csv");
  CHECK(t.files()[0].rows == 2);
  CHECK(t.files()[2].format.empty());
  CHECK(t.files()[2].rows == 0);
  CHECK(contains(t.files()[2].error, "bad.json"));
  CHECK(contains(t.files()[2].error, "the end of the input"));
  CHECK(t.files()[3].format == "sglang_jsonl");
  CHECK(t.files()[4].format == "vllm_client");
  for (std::size_t i : {0u, 1u, 3u, 4u}) CHECK(t.files()[i].error.empty());

  // one path, a missing path, an empty directory
  CHECK(load(dir.path / "b").size() == 2);
  const fs::path missing = dir.path / "missing";
  CHECK(contains(thrown([&] { load(missing); }).message(), "no such file"));
  const result_table none = load(missing, lenient);
  CHECK(none.empty());
  REQUIRE(none.files().size() == 1);
  CHECK(contains(none.files()[0].error, "no such file"));
  fs::create_directories(dir.path / "empty");
  const auto empty_dir = thrown([&] { load(dir.path / "empty"); });
  CHECK(contains(empty_dir.message(), "no result files"));
  CHECK(empty_dir.where().file == (dir.path / "empty").string());
}

TEST_CASE("io: several bad files: load_error lists every one, in path order") {
  temp_dir dir;
  dir.write("a/bad1.json", "[{\"output_throughput\": -1}]");
  dir.write("b/bad2.csv", "model,tput_per_gpu\nm,x\n");
  dir.write("c/good.json", agg_rows);
  dir.write("d/bad3.jsonl", "{\"duration\": 1}\n");
  dir.write("e/fine.csv", csv_table);
  try {
    load(dir.path);
    FAIL("no load_error");
  } catch (const load_error& e) {
    REQUIRE(e.errors().size() == 3);
    CHECK(e.errors()[0].where().file == (dir.path / "a" / "bad1.json").string());
    CHECK(e.errors()[0].where().field == "output_throughput");
    CHECK(e.errors()[1].where().file == (dir.path / "b" / "bad2.csv").string());
    CHECK(e.errors()[1].where().row == 1u);
    CHECK(e.errors()[1].where().field == "tput_per_gpu");
    CHECK(e.errors()[2].where().file == (dir.path / "d" / "bad3.jsonl").string());
    CHECK(e.where().file == (dir.path / "a" / "bad1.json").string());  // the first one's location
    CHECK(contains(e.what(), "and 2 more files with errors"));
  }
  // inputs in the order given, each with its own error
  const std::vector<fs::path> inputs{dir.path / "d" / "bad3.jsonl", dir.path / "nope.json", dir.path / "c" / "good.json"};
  try {
    load(inputs);
    FAIL("no load_error");
  } catch (const load_error& e) {
    REQUIRE(e.errors().size() == 2);
    CHECK(e.errors()[0].where().file == inputs[0].string());
    CHECK(e.errors()[1].where().file == inputs[1].string());
    CHECK(contains(e.what(), "and 1 more file with errors"));
  }
  // lenient: each bad file in files(), with its error; the rest loaded
  load_options lenient;
  lenient.lenient = true;
  const result_table t = load(dir.path, lenient);
  CHECK(t.size() == 2 + 2);
  REQUIRE(t.files().size() == 5);
  for (std::size_t i : {0u, 1u, 3u}) {
    CHECK(!t.files()[i].error.empty());
    CHECK(t.files()[i].rows == 0);
    CHECK(contains(t.files()[i].error, t.files()[i].path));
  }
  CHECK(t.files()[2].rows == 2);
  CHECK(t.files()[4].rows == 2);
}

TEST_CASE("io: one bad file among good ones is a load_error too, listing it") {
  // load()'s contract: "without lenient, a load_error listing every bad input is thrown"; a
  // caller that catches load_error to list the bad files must not miss the case of one.
  // Regression (fixed in b117e18): with exactly one bad input load() threw a plain input_error.
  temp_dir dir;
  dir.write("good.json", agg_rows);
  const fs::path bad = dir.write("zbad.json", "[{\"output_throughput\": -1}]");
  bool caught = false;
  try {
    load(dir.path);
  } catch (const load_error& e) {
    caught = true;
    REQUIRE(e.errors().size() == 1);
    CHECK(e.errors()[0].where().file == bad.string());
  } catch (const input_error& e) {
    CHECK(e.where().file == bad.string());
  }
  CHECK_MESSAGE(caught, "one bad file: not a load_error");
}

TEST_CASE("io: a file that fails half-way adds no rows and leaves no trace in the table") {
  temp_dir dir;
  dir.write("a.csv", "model,tput_per_gpu\nm1,1\nm2,2\n");
  // b: its first rows are good and bring new columns (median_ttft, hw, image); row 3 is bad
  dir.write("b.csv", "model,tput_per_gpu,median_ttft,hw,image\nm3,3,0.5,h100,i\nm4,4,0.25,b200,j\nm5,x,1,h200,k\n");
  dir.write("c.json", "[{\"model\": \"m6\", \"output_throughput\": 6, \"median_e2el\": 2},"
                      " {\"model\": \"m7\", \"output_throughput\": 7, \"median_e2el\": 3, \"isl\": 0}]");
  dir.write("d.csv", "model,tput_per_gpu\nm8,8\n");
  load_options lenient;
  lenient.lenient = true;
  const result_table t = load(dir.path, lenient);
  REQUIRE(t.size() == 3);
  REQUIRE_MESSAGE(misaligned_columns(t).empty(), misaligned_columns(t));
  CHECK(t.distinct(cols::model) == std::vector<std::string>{"m1", "m2", "m8"});
  CHECK(t.values(cols::tput_per_gpu) == std::vector<double>{1, 2, 8});
  REQUIRE(t.files().size() == 4);
  CHECK(t.files()[1].rows == 0);
  CHECK(t.files()[1].error.find("row 3") != std::string::npos);
  CHECK(t.files()[2].rows == 0);
  CHECK(t.files()[3].rows == 1);
  for (std::size_t i = 0; i < t.size(); ++i) {
    const benchmark_point p = t.point(i);
    CHECK(!p.ttft.median);
    CHECK(p.hw.empty());
    CHECK(p.image.empty());
    CHECK(!p.e2el.median);
    CHECK(!p.isl);
  }
  // Regression (fixed in 88d786c): truncation left the failed file's column vectors, all missing,
  // so has() said yes and to_csv_text wrote empty columns.
  for (column_id c : {cols::median_ttft, cols::hw, cols::image, cols::median_e2el, cols::accelerator})
    CHECK_MESSAGE(!t.has(c), name_of(c));
  CHECK(to_csv_text(t).find("median_ttft") == std::string::npos);
}

TEST_CASE("io: files of different formats in one load keep every column aligned") {
  // A CSV brings columns the JSON rows after it lack: every row must read its own values, as when
  // each file is loaded alone.
  temp_dir dir;
  const fs::path a = dir.write("a.csv", "model,hw,tput_per_gpu,image,tp,median_ttft\nm1,h100,10,img1,2,0.5\nm2,b200,20,img2,4,\n");
  const fs::path b = dir.write("b.json", "[{\"model\": \"m3\", \"output_throughput\": 30, \"median_e2el\": 2, \"osl\": 128},"
                                         " {\"model\": \"m4\", \"output_throughput\": 40, \"dp_attention\": true}]");
  const fs::path d = dir.write("d.json", vllm_result);
  const result_table all = load(dir.path);
  // Regression (fixed in b117e18): the JSON reader after a CSV appended only the columns its
  // row_sink had seen, so the CSV's own columns (hw, image, tp, median_ttft) stayed two values
  // long in a table of five rows; checked first, so that a failure cannot read past a vector.
  const std::string misaligned = misaligned_columns(all);
  REQUIRE_MESSAGE(misaligned.empty(), "columns shorter than the table: ", misaligned);
  std::vector<benchmark_point> alone;
  for (const fs::path& f : {a, b, d})
    for (const benchmark_point& p : load(f).points()) alone.push_back(p);
  REQUIRE(all.size() == alone.size());
  for (std::size_t i = 0; i < all.size(); ++i)
    CHECK_MESSAGE(differences(alone[i], all.point(i)).empty(), "row ", i, ": ", joined(differences(alone[i], all.point(i))));
  CHECK(std::isnan(all[2].number(cols::median_ttft)));
  CHECK(all[2].text(cols::image).empty());
  CHECK(all[0].number(cols::tp) == 2);
  CHECK(std::isnan(all[3].number(cols::tp)));
  CHECK(all[4].number(cols::tp) == 8);  // the client file's --metadata tp
  CHECK(all[4].text(cols::hw) == "mi355x-amd_0");
}

// Regression (fixed in b117e18): then a CSV after the JSON file read past the short vectors in
// csv_parser::finish(), a heap-buffer-overflow inside load().
TEST_CASE("io: a CSV after JSON after CSV in one load keeps every column aligned") {
  temp_dir dir;
  const fs::path a = dir.write("a.csv", "model,hw,tput_per_gpu,image,tp,median_ttft\nm1,h100,10,img1,2,0.5\nm2,b200,20,img2,4,\n");
  const fs::path b = dir.write("b.json", "[{\"model\": \"m3\", \"output_throughput\": 30, \"median_e2el\": 2, \"osl\": 128},"
                                         " {\"model\": \"m4\", \"output_throughput\": 40, \"dp_attention\": true}]");
  const fs::path c = dir.write("c.csv", "model,tput_per_gpu,osl\nm5,50,256\n");
  const result_table all = load(dir.path);
  REQUIRE_MESSAGE(misaligned_columns(all).empty(), misaligned_columns(all));
  std::vector<benchmark_point> alone;
  for (const fs::path& f : {a, b, c})
    for (const benchmark_point& p : load(f).points()) alone.push_back(p);
  REQUIRE(all.size() == alone.size());
  for (std::size_t i = 0; i < all.size(); ++i)
    CHECK_MESSAGE(differences(alone[i], all.point(i)).empty(), "row ", i, ": ", joined(differences(alone[i], all.point(i))));
}

TEST_CASE("io: the size limit, device files and directories given where files are expected") {
  temp_dir dir;
  const std::string text = "model,tput_per_gpu\nm,1\n";
  const fs::path file = dir.write("small.csv", text);
  load_options o;
  o.max_file_bytes = text.size();
  CHECK(load(file, o).size() == 1);  // exactly at the limit: read
  o.max_file_bytes = text.size() - 1;
  auto e = thrown([&] { load(file, o); });
  CHECK(e.where().file == file.string());
  CHECK(contains(e.message(), "larger than the limit of " + std::to_string(text.size() - 1) + " bytes"));
  CHECK(contains(e.message(), "max_file_bytes"));

  // device files are refused at once, not read forever
  for (const char* device : {"/dev/zero", "/dev/null", "/dev/urandom"}) {
    if (!fs::exists(device)) continue;
    e = thrown([&] { load(fs::path(device)); });
    CHECK(e.where().file == device);
    CHECK(contains(e.message(), "not a regular file"));
  }
  // a directory named like a result file is a directory: walked, and an empty one says so
  fs::create_directories(dir.path / "results.json");
  e = thrown([&] { load(dir.path / "results.json"); });
  CHECK(e.where().file == (dir.path / "results.json").string());
  CHECK(contains(e.message(), "no result files"));
  dir.write("results.json/inner.csv", text);
  CHECK(load(dir.path / "results.json").size() == 1);
  // inside a walked directory, a folder named *.json is walked too, never opened as a file
  dir.write("outer/x.json/y.csv", text);
  CHECK(load(dir.path / "outer").size() == 1);
}

namespace {

/// Writes `chunk` into a FIFO until the reader closes it (or `bytes` are written), from a thread
/// that blocks SIGPIPE so that a closed reader ends it with EPIPE.
struct fifo_writer {
  std::atomic<bool> done{false};
  std::thread thread;
  fifo_writer(const fs::path& fifo, std::string chunk, std::size_t bytes) {
    thread = std::thread([this, fifo, chunk = std::move(chunk), bytes] {
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGPIPE);
      pthread_sigmask(SIG_BLOCK, &set, nullptr);
      int fd = -1;
      while (!done && (fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK)) < 0) std::this_thread::yield();  // until a reader opens
      if (fd < 0) return;
      ::fcntl(fd, F_SETFL, 0);  // blocking from here on
      std::size_t written = 0;
      while (written < bytes) {
        const ssize_t n = ::write(fd, chunk.data(), std::min(chunk.size(), bytes - written));
        if (n <= 0) break;  // EPIPE: the reader is gone
        written += static_cast<std::size_t>(n);
      }
      ::close(fd);
    });
  }
  ~fifo_writer() {
    done = true;
    thread.join();
  }
};

}  // namespace

TEST_CASE("io: a FIFO is read, up to the size limit and no further") {
  temp_dir dir;
  const fs::path fifo = dir.path / "results.csv";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  {
    const std::string text = "model,tput_per_gpu\nm,1\nm,2\n";
    fifo_writer w(fifo, text, text.size());
    const result_table t = load(fifo);
    CHECK(t.size() == 2);
  }
  {
    // an endless stream: refused at the limit, not read forever
    load_options o;
    o.max_file_bytes = std::size_t{1} << 20;
    fifo_writer w(fifo, std::string(65536, '\n'), std::numeric_limits<std::size_t>::max());
    const auto e = thrown([&] { load(fifo, o); });
    CHECK(contains(e.message(), "larger than the limit of 1048576 bytes"));
  }
}

TEST_CASE("io: a folder that cannot be listed is reported, not skipped; the rest still loads") {
  temp_dir dir;
  dir.write("a.json", agg_rows);
  dir.write("locked/x.json", agg_rows);
  dir.write("z.csv", csv_table);
  const fs::path locked = dir.path / "locked";
  fs::permissions(locked, fs::perms::none);
  if (::access(locked.c_str(), R_OK | X_OK) == 0) {  // root reads it anyway: nothing to check
    fs::permissions(locked, fs::perms::owner_all);
    MESSAGE("skipped: this user can read a folder without permissions (root)");
    return;
  }
  const auto e = thrown([&] { load(dir.path); });
  CHECK(e.where().file == locked.string());
  CHECK(contains(e.message(), "cannot list the directory"));
  load_options lenient;
  lenient.lenient = true;
  const result_table t = load(dir.path, lenient);
  CHECK(t.size() == 4);  // a.json and z.csv
  bool reported = false;
  for (const source_file& f : t.files()) reported = reported || (f.path == locked.string() && !f.error.empty());
  CHECK(reported);
  fs::permissions(locked, fs::perms::owner_all);
}

TEST_CASE("io: symlinked folders and hidden files are skipped; inferlens bench folders read once") {
  temp_dir dir;
  dir.write("real/a.json", agg_rows);
  fs::create_directory_symlink(dir.path / "real", dir.path / "alias");
  dir.write(".git/x.json", "{{{");
  CHECK(load(dir.path).size() == 2);  // a.json once, not through the link again

  // a bench output folder: sweep.json, results/ with the same points, requests/ logs
  const std::string sweep = to_json_text(parse(agg_rows, "agg.json"));
  dir.write("bench/sweep.json", sweep);
  dir.write("bench/run.json", "{\"format\": \"inferlens-run\", \"runs\": []}");
  dir.write("bench/results/c1.json", sweep);
  dir.write("bench/requests/c1.jsonl", "{\"index\": 0, \"warmup\": false, \"ok\": true}\n");
  const result_table t = load(dir.path / "bench");
  CHECK(t.size() == 2);
  REQUIRE(t.files().size() == 1);
  CHECK(t.files()[0].path == (dir.path / "bench" / "sweep.json").string());
  CHECK(!t.files()[0].notes.empty());
}

// --- load options ------------------------------------------------------------------------------

TEST_CASE("io: load_options::set fills only what files lack") {
  temp_dir dir;
  std::string without_tp = vllm_result;  // and without hw
  without_tp.replace(without_tp.find("\"tp\": \"8\", "), 11, "");
  without_tp.replace(without_tp.find("\"hw\": \"mi355x-amd_0\", "), 22, "");
  const fs::path a = dir.write("a.json", without_tp);
  const fs::path b = dir.write("b.json", vllm_result);  // tp 8 of its own
  const fs::path c = dir.write("c.csv", "model,tput_per_gpu,hw\nm,10,b200\nm,20,\n");
  load_options o;
  o.set = {{cols::tp, "4"}, {cols::hw, "h100-sxm"}, {cols::framework, "vllm-x"}};
  const std::vector<fs::path> inputs{a, b, c};
  const result_table t = load(inputs, o);
  REQUIRE(t.size() == 4);
  const auto pa = t.point(0), pb = t.point(1), pc = t.point(2), pd = t.point(3);
  CHECK(*pa.tp == 4);
  CHECK(*pa.num_gpus == 4);  // derived after the set values
  CHECK(*pa.tput_per_gpu == 4048.0 / 4);
  CHECK(pa.hw == "h100-sxm");
  CHECK(pa.accelerator == "h100");
  CHECK(*pb.tp == 8);                // the file's own value kept
  CHECK(pb.hw == "mi355x-amd_0");    // the file's own value kept
  CHECK(pb.framework == "vllm");     // the file's own value kept
  CHECK(pc.hw == "b200");
  CHECK(pd.hw == "h100-sxm");        // the CSV cell was empty
  CHECK(pd.accelerator == "h100");
  CHECK(*pc.tp == 4);
  CHECK(*pc.num_gpus == 4);
  CHECK(pc.framework == "vllm-x");
  // a value that is not one of the column's is an error naming the field
  load_options bad;
  bad.set = {{cols::tp, "eight"}};
  for (const fs::path& f : {a, c}) {
    const auto e = thrown([&] { load(f, bad); });
    CHECK(e.where().field == "tp");
    CHECK(contains(e.message(), "expected a whole number"));
  }
  bad.set = {{cols::isl, "0"}};
  CHECK(contains(thrown([&] { parse(without_tp, "a.json", bad); }).message(), "must be positive"));
}

TEST_CASE("io: load_options::map maps a CSV's own header names") {
  const std::string text = "Run Name,Throughput/GPU,TTFT p50 (s),GPU Type\nr1,1500,0.25,H100 SXM\n";
  load_options o;
  o.map = {{"throughput/gpu", cols::tput_per_gpu}, {"TTFT P50 (S)", cols::median_ttft}, {"gpu type", cols::hw}, {"run name", cols::run}};
  CHECK(contains(parse_error(text, "t.csv").message(), "no known column"));
  CHECK(detect_format(text, "t.txt", o) == file_format::csv);  // recognised through the map
  const result_table t = parse(text, "t.txt", o);
  REQUIRE(t.size() == 1);
  const auto p = t.point(0);
  CHECK(*p.tput_per_gpu == 1500);
  CHECK(*p.ttft.median == 0.25);
  CHECK(p.hw == "H100 SXM");
  CHECK(p.accelerator == "h100");
  CHECK(p.run == "r1");
  // errors name the header as written
  const auto e = parse_error_with(text + "r2,fast,1,x\n", "t.csv", o);
  CHECK(e.where().field == "Throughput/GPU");
  CHECK(e.where().row == 2u);
  // a mapped name wins over a known one
  load_options swap;
  swap.map = {{"tp", cols::ep}};
  const auto s = parse("tp,tput_per_gpu\n4,1\n", "s.csv", swap).point(0);
  CHECK(*s.ep == 4);
  CHECK(!s.tp);
}

TEST_CASE("io: the model of a CSV row as of a JSON row: canonical from model_raw and the model prefix") {
  // Every reader fills model from model_raw when only the checkpoint is given, and applies the
  // model prefix row by row.
  const std::string json = R"([{"model_raw": "openai/gpt-oss-120b", "tput_per_gpu": 1},
                               {"model": "x-model", "model_raw": "ckpt", "model_prefix": "gptoss", "tput_per_gpu": 1},
                               {"model": "x-model", "tput_per_gpu": 1}])";
  const result_table j = parse(json, "m.json");
  REQUIRE(j.size() == 3);
  CHECK(j.point(0).model == "gpt-oss-120b");
  CHECK(j.point(1).model == "gpt-oss-120b");
  CHECK(j.point(2).model == "x-model");
  const std::string csv = "model_raw,model,model_prefix,tput_per_gpu\nopenai/gpt-oss-120b,,,1\nckpt,x-model,gptoss,1\n,x-model,,1\n";
  const result_table c = parse(csv, "m.csv");
  REQUIRE(c.size() == 3);
  // Regression (fixed in 88d786c): the CSV reader filled model only from a model column, and
  // cached the canonical name per model string with the first row's prefix (row 3 inherited
  // row 2's "gpt-oss-120b").
  for (std::size_t i = 0; i < 3; ++i) CHECK_MESSAGE(c.point(i).model == j.point(i).model, "row ", i + 1);
  CHECK(parse("checkpoint,tput_per_gpu\nopenai/gpt-oss-120b,1\n", "k.csv").point(0).model == "gpt-oss-120b");
  // A model prefix alone names no model, in either reader; and what was read writes and reads
  // back the same (regression, found by fuzz_results: the JSON reader made "DeepSeek-R1" of the
  // prefix with an empty model_raw, which came back from its own JSON as the model_raw).
  load_options ours;  // (a JSON row with a model prefix is InferenceMAX's, which needs hw and a model)
  ours.format = file_format::inferlens_json;
  const result_table pj = parse(R"([{"model_prefix": "dsr1", "tput_per_gpu": 1}])", "p.json", ours);
  const result_table pc = parse("model_prefix,tput_per_gpu\ndsr1,1\n", "p.csv");
  CHECK(pj.point(0).model.empty());
  CHECK(pc.point(0).model.empty());
  CHECK(parse(to_text(pj, file_format::inferlens_json), "p.json", ours).point(0).model_raw.empty());
}

// --- the shared real data (optional) -----------------------------------------------------------

#ifdef INFERLENS_SHARED_DATA_DIR
TEST_CASE("io: the real InferenceMAX set (skipped when ../shared/data is absent)") {
  const fs::path data = fs::path(INFERLENS_SHARED_DATA_DIR) / "inferencemax";
  if (!fs::exists(data / "agg_bmk")) {
    MESSAGE("shared data not found, skipped: " << data.string());
    return;
  }
  const result_table agg = load(data / "agg_bmk");
  CHECK(agg.files().size() == 9);
  for (const source_file& f : agg.files()) {
    CHECK(f.format == "inferencemax_agg");
    CHECK(f.error.empty());
  }
  REQUIRE(agg.size() == 698);
  std::size_t single = 0, pools = 0;
  const std::vector<benchmark_point> points = agg.points();
  for (const benchmark_point& p : points) {
    REQUIRE(p.tpot.median);
    CHECK(*p.intvty.median == doctest::Approx(1 / *p.tpot.median).epsilon(1e-12));
    CHECK(p.run.rfind("run_", 0) == 0);
    CHECK(!p.accelerator.empty());
    // the canonical model from the model prefix (data/models.json), the checkpoint kept
    CHECK(((p.model_prefix == "gptoss" && p.model == "gpt-oss-120b") || (p.model_prefix == "dsr1" && p.model == "DeepSeek-R1")));
    CHECK(!p.model_raw.empty());
    REQUIRE(p.num_gpus);
    REQUIRE(p.total_token_throughput);
    REQUIRE(p.source_row);
    const double in = *p.input_tput_per_gpu, out = *p.output_tput_per_gpu, all = *p.tput_per_gpu;
    if (!p.multinode) {
      ++single;
      CHECK(*p.num_gpus == *p.tp);
      CHECK(all * static_cast<double>(*p.num_gpus) == doctest::Approx((in + out) * static_cast<double>(*p.num_gpus)).epsilon(1e-12));
    } else {
      ++pools;
      const auto prefill = static_cast<double>(*p.prefill.gpus), decode = static_cast<double>(*p.decode.gpus);
      CHECK(*p.num_gpus == *p.prefill.gpus + *p.decode.gpus);
      CHECK(all * (prefill + decode) == doctest::Approx(out * decode + in * prefill).epsilon(1e-12));
      CHECK(*p.output_throughput == doctest::Approx(out * decode).epsilon(1e-15));
    }
  }
  CHECK(single == 533);
  CHECK(pools == 165);
  // first row of the first file, as written there
  CHECK(points[0].hw == "h100");
  CHECK(points[0].model_raw == "openai/gpt-oss-120b");
  CHECK(points[0].source_row == 1);
  CHECK(*points[0].tput_per_gpu == 8005.765519222265);
  CHECK(*points[0].total_token_throughput == 8005.765519222265 * 4);
  // single-node rows before disaggregated ones: disagg reads false (regression, see table.cpp)
  std::size_t false_rows = 0, read_false = 0;
  for (std::size_t i = 0; i < agg.size(); ++i)
    if (!points[i].disagg) {
      ++false_rows;
      if (agg[i].number(cols::disagg) == 0) ++read_false;
    }
  CHECK(false_rows == 533);
  CHECK(read_false == false_rows);

  // the flat CSV holds the same rows, file by file in the same order
  const result_table flat = load(data / "agg_bmk_flat.csv");
  REQUIRE(flat.size() == 698);
  std::map<std::string, std::vector<benchmark_point>> by_run_json, by_run_csv;
  for (const auto& p : points) by_run_json[p.run].push_back(p);
  for (const auto& p : flat.points()) by_run_csv[p.run].push_back(p);
  REQUIRE(by_run_json.size() == 9);
  for (const auto& [run, rows] : by_run_json) {
    REQUIRE(by_run_csv[run].size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      benchmark_point a = rows[i], b = by_run_csv[run][i];
      a.source = b.source = "";
      a.source_row = b.source_row = std::nullopt;  // array element vs CSV record
      CHECK_MESSAGE(differences(a, b).empty(), run, " row ", i + 1, ": ", joined(differences(a, b)));
    }
  }

  // raw client examples: no GPU count in the file, so no per-GPU throughput
  const result_table raw = load(data / "raw_client_examples");
  CHECK(raw.files().size() == 16);
  REQUIRE(raw.size() == 16);
  for (const benchmark_point& p : raw.points()) {
    // the checkpoint is a Hugging Face cache path: /models/models--ORG--NAME/snapshots/<hash>/
    CHECK(p.model_raw.rfind("/models/models--", 0) == 0);
    CHECK(((p.model == "gpt-oss-120b" && contains(p.source, "gpt-oss-120b")) ||
           (p.model == "MiniMax-M2.5" && contains(p.source, "minimax-m2.5"))));
    CHECK(*p.request_rate == inf);
    CHECK(*p.num_prompts == 10 * *p.concurrency);
    CHECK(!p.tput_per_gpu);
    CHECK(*p.intvty.median == doctest::Approx(1 / *p.tpot.median).epsilon(1e-15));
  }
}
#endif
