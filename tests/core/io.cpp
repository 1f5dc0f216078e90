// Tests of io.hpp: every reader on fixtures written here, both writers' round trips, the vLLM
// client writer, every kind of input error with its file/row/byte/field, directory loading
// (strict and lenient), and an optional check on the shared InferenceMAX data.
#include <doctest/doctest.h>

#include <inferlens/io.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace inferlens;
namespace fs = std::filesystem;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

/// Columns whose values differ: exact for everything, or within `rel` (relative) for reals.
std::vector<std::string> differences(const benchmark_point& a, const benchmark_point& b, double rel = 0) {
  std::vector<std::string> out;
  for (const column& c : columns()) {
    const cell x = c.get(a), y = c.get(b);
    if (x == y) continue;
    const double* dx = std::get_if<double>(&x);
    const double* dy = std::get_if<double>(&y);
    if (rel > 0 && dx && dy && std::abs(*dx - *dy) <= rel * std::abs(*dx)) continue;
    out.push_back(std::string(c.name) + ": " + to_string(x) + " vs " + to_string(y));
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

input_error parse_error(std::string_view text, std::string_view name, file_format f = file_format::automatic) {
  return thrown([&] { parse_results(text, name, f); });
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

bool contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

/// A fresh directory under the system's temporary directory, removed at the end.
struct temp_dir {
  fs::path path;
  temp_dir() {
    static std::atomic<int> counter{0};
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    path = fs::temp_directory_path() /
           ("inferlens-io-test-" + std::to_string(stamp) + "-" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
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

/// A point with every column set to a valid, awkward value.
benchmark_point every_column_point() {
  benchmark_point p;
  std::size_t k = 0;
  for (const column& c : columns()) {
    ++k;
    switch (c.type) {
      case column_type::text: c.set(p, std::string("t,\"") + std::string(c.name) + "\"\n\\ \xC3\xA9"); break;
      case column_type::integer: c.set(p, static_cast<std::int64_t>(k)); break;
      case column_type::real: c.set(p, 0.1 * static_cast<double>(k) + 1e-7 / 3); break;
      case column_type::boolean: c.set(p, k % 2 == 0); break;
    }
  }
  p.request_rate = inf;
  p.duration = 1.7976931348623157e308;
  p.total_gpu_energy_j = 4.9406564584124654e-324;
  p.total_input_tokens = std::numeric_limits<std::int64_t>::max();
  return p;
}

std::vector<benchmark_point> fixture_points() {
  std::vector<benchmark_point> all;
  for (auto part : {parse_results(agg_rows, "run_123_agg_bmk.json"), parse_results(vllm_result, "client.json"),
                    parse_results(sglang_lines, "runs.jsonl"), parse_results(csv_table, "table.csv")})
    all.insert(all.end(), part.begin(), part.end());
  all.push_back(every_column_point());
  return all;
}

}  // namespace

// --- readers ---------------------------------------------------------------------------------

TEST_CASE("io: file_format names") {
  CHECK(to_string(file_format::inferencemax_agg) == "inferencemax_agg");
  CHECK(to_string(file_format::sglang_jsonl) == "sglang_jsonl");
  for (file_format f : {file_format::automatic, file_format::inferencemax_agg, file_format::vllm_client,
                        file_format::sglang_jsonl, file_format::csv, file_format::inferlens_json,
                        file_format::aiperf_json})
    CHECK(file_format_from_string(to_string(f)) == f);
  CHECK(file_format_from_string("agg") == file_format::inferencemax_agg);
  CHECK(!file_format_from_string("xml"));
}

TEST_CASE("io: InferenceMAX agg rows") {
  CHECK(detect_format(agg_rows, "x.json") == file_format::inferencemax_agg);
  const auto points = parse_results(agg_rows, "dir/run_123_agg_bmk.json");
  REQUIRE(points.size() == 2);

  const benchmark_point& a = points[0];
  CHECK(a.hw == "b200-trt");
  CHECK(a.accelerator == "b200");
  CHECK(a.model == "openai/gpt-oss-120b");
  CHECK(a.model_prefix == "gptoss");
  CHECK(a.framework == "trt");
  CHECK(a.spec_decoding == "none");
  CHECK(*a.isl == 1024);
  CHECK(*a.osl == 8192);
  CHECK(*a.concurrency == 64);
  CHECK(!a.disagg);
  CHECK(!a.multinode);
  CHECK(*a.tp == 4);
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

  const benchmark_point& b = points[1];
  CHECK(b.disagg);
  CHECK(b.multinode);
  CHECK(!b.tp);
  CHECK(*b.prefill.num_workers == 5);
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
}

TEST_CASE("io: run comes from a run_<digits> file or folder name, unless the row has one") {
  CHECK(parse_results(agg_rows, "results/run_42/agg_bmk.json")[0].run == "run_42");
  CHECK(parse_results(agg_rows, "agg_bmk.json")[0].run.empty());
  CHECK(parse_results(agg_rows, "run_x_agg.json")[0].run.empty());
  CHECK(parse_results(agg_rows, "run_12.json")[0].run == "run_12");
  std::string with_run = agg_rows;
  with_run.replace(with_run.find("\"hw\""), 4, "\"run\": \"r9\", \"hw\"");
  CHECK(parse_results(with_run, "run_123_agg_bmk.json")[0].run == "r9");
}

TEST_CASE("io: raw vLLM / InferenceMAX client result") {
  CHECK(detect_format(vllm_result, "c.json") == file_format::vllm_client);
  const auto points = parse_results(vllm_result, "results/client.json");
  REQUIRE(points.size() == 1);
  const benchmark_point& p = points[0];
  CHECK(p.model == "org/model");
  CHECK(p.date == "20260428-110159");
  CHECK(*p.num_prompts == 160);
  CHECK(*p.concurrency == 16);
  CHECK(*p.request_rate == inf);
  CHECK(*p.duration == 80);
  CHECK(*p.completed == 158);
  CHECK(*p.failed == 2);
  CHECK(*p.total_input_tokens == 163840);
  CHECK(*p.total_output_tokens == 160000);
  CHECK(!p.request_goodput);
  CHECK(*p.ttft.median == 0.125);  // ms -> s
  CHECK(*p.ttft.p999 == 1);
  CHECK(*p.tpot.median == 0.015625);
  CHECK(*p.tpot.p90 == 0.0625);
  CHECK(*p.e2el.p999 == 9.999);
  CHECK(*p.intvty.median == 64);
  CHECK(*p.intvty.p99 == 8);
  // --metadata keys: strings read by column type
  CHECK(p.hw == "mi355x-amd_0");
  CHECK(p.accelerator == "mi355x");
  CHECK(p.framework == "vllm");
  CHECK(*p.tp == 8);
  CHECK(*p.num_gpus == 8);
  CHECK(*p.tput_per_gpu == 506);
  CHECK(*p.input_throughput == 2048);
  CHECK(*p.input_tput_per_gpu == 256);
  CHECK(p.source == "results/client.json");
}

TEST_CASE("io: a raw client result without a GPU count has no per-GPU throughput") {
  std::string text = vllm_result;
  text.replace(text.find("\"tp\": \"8\", "), 11, "");
  const auto p = parse_results(text, "c.json").at(0);
  CHECK(!p.tp);
  CHECK(!p.num_gpus);
  CHECK(!p.tput_per_gpu);
  CHECK(*p.total_token_throughput == 4048);
}

TEST_CASE("io: SGLang bench_serving JSON lines") {
  CHECK(detect_format(sglang_lines, "runs.txt") == file_format::sglang_jsonl);
  const auto points = parse_results(sglang_lines, "runs.jsonl");
  REQUIRE(points.size() == 2);
  const benchmark_point& a = points[0];
  CHECK(*a.request_rate == inf);
  CHECK(*a.concurrency == 32);  // the limit, not the measured mean of 31.5
  CHECK(*a.isl == 1024);        // random dataset: nominal lengths
  CHECK(*a.osl == 512);
  CHECK(*a.e2el.median == 9.5);
  CHECK(*a.e2el.p99 == 12);
  CHECK(*a.ttft.median == 0.125);
  CHECK(*a.itl.p99 == 0.03);
  CHECK(*a.intvty.median == 64);
  CHECK(*a.total_output_tokens == 163840);
  CHECK(*a.input_throughput == 3276.8);
  CHECK(*a.total_token_throughput == 3276.8 + 1638.4);  // SGLang's definition
  CHECK(a.model.empty());  // SGLang does not record it
  CHECK(a.source == "runs.jsonl");

  const benchmark_point& b = points[1];
  CHECK(!b.concurrency);
  CHECK(*b.request_rate == 4);
  CHECK(!b.isl);  // ShareGPT: random_*_len do not apply
  CHECK(*b.total_input_tokens == 40000);
  CHECK(*b.total_output_tokens == 60000);
  CHECK(*b.total_token_throughput == 2000);
  CHECK(*b.intvty.median == 128);
}

TEST_CASE("io: one SGLang line alone is still SGLang") {
  const std::string one = sglang_lines.substr(0, sglang_lines.find('\n'));
  CHECK(detect_format(one, "x.json") == file_format::sglang_jsonl);
  const auto p = parse_results(one, "x.json");
  REQUIRE(p.size() == 1);
  CHECK(*p[0].concurrency == 32);
}

TEST_CASE("io: CSV with quoting, aliases, CRLF and no final newline") {
  CHECK(detect_format(csv_table, "t.csv") == file_format::csv);
  CHECK(detect_format(csv_table, "t.txt") == file_format::csv);  // its header names known columns
  const auto points = parse_results(csv_table, "t.csv");
  REQUIRE(points.size() == 2);
  const benchmark_point& a = points[0];
  CHECK(a.model == "org/model, v2");
  CHECK(*a.concurrency == 8);
  CHECK(a.run == "run_7");
  CHECK(*a.tput_per_gpu == 1500.5);
  CHECK(*a.intvty.median == 64);
  CHECK(*a.dp_attention == true);
  CHECK(!a.disagg);
  CHECK(a.image == "img\r\nline2");
  CHECK(*a.tp == 2);
  CHECK(*a.total_token_throughput == 3001);
  CHECK(a.source == "t.csv");
  const benchmark_point& b = points[1];
  CHECK(b.model == "m2");
  CHECK(!b.tpot.median);
  CHECK(!b.intvty.median);
  CHECK(*b.dp_attention == false);
  CHECK(b.image.empty());
  CHECK(*b.tp == 1);  // "1.0": an integral real is an integer
}

TEST_CASE("io: CSV header only, an empty JSON array: no points, no error") {
  CHECK(parse_results("model,conc\n", "h.csv").empty());
  CHECK(parse_results("[]", "e.json").empty());
  CHECK(parse_results(" [ ]\n", "e.json", file_format::inferencemax_agg).empty());
}

TEST_CASE("io: JSON strings with escapes and a byte order mark") {
  const std::string text =
      "\xEF\xBB\xBF[{\"model\": \"m\\u00e9\\ud83d\\ude00\\n\\\"q\\\"\\/\", \"output_throughput\": 5}]";
  const auto p = parse_results(text, "x.json");
  REQUIRE(p.size() == 1);
  CHECK(p[0].model == "m\xC3\xA9\xF0\x9F\x98\x80\n\"q\"/");
}

TEST_CASE("io: numbers: integral reals are integers, request_rate spellings") {
  auto one = [](const std::string& fields) {
    return parse_results("[{\"output_throughput\": 1, " + fields + "}]", "x.json").at(0);
  };
  CHECK(*one("\"isl\": 1024.0").isl == 1024);
  CHECK(*one("\"isl\": 1.024e3").isl == 1024);
  CHECK(*one("\"request_rate\": \"inf\"").request_rate == inf);
  CHECK(*one("\"request_rate\": Infinity").request_rate == inf);
  CHECK(*one("\"request_rate\": 2.5").request_rate == 2.5);
  CHECK(*one("\"median_ttft\": 5e-324").ttft.median == 4.9406564584124654e-324);
  CHECK(one("\"run\": 20218553330").run == "20218553330");
  CHECK(one("\"model\": \"a\", \"model\": \"a\"").model == "a");  // repeated, same value
}

TEST_CASE("io: from_json / to_json through nlohmann") {
  const benchmark_point p = every_column_point();
  const nlohmann::json j = p;
  CHECK(j.at("dp_attention").is_string());  // InferenceMAX spelling
  CHECK(j.at("disagg").is_boolean());
  CHECK(j.at("request_rate") == "inf");
  const auto back = j.get<benchmark_point>();
  CHECK_MESSAGE(differences(p, back).empty(), joined(differences(p, back)));

  benchmark_point q;
  const auto e = thrown([&] { from_json(nlohmann::json{{"tput_per_gpu", "x"}}, q); });
  CHECK(e.where().field == "tput_per_gpu");
  CHECK(contains(e.message(), "expected a number, got a string"));
  CHECK(contains(thrown([&] { from_json(nlohmann::json::array(), q); }).message(), "expected a JSON object"));
  CHECK(contains(thrown([&] { from_json(nlohmann::json{{"isl", -3}}, q); }).message(), "must be positive"));
  from_json(nlohmann::json{{"isl", 8u}, {"dp_attention", true}, {"unknown", {1, 2}}}, q);
  CHECK(*q.isl == 8);
  CHECK(*q.dp_attention);
  CHECK(!q.accelerator.size());  // no derive()
}

TEST_CASE("io: GenAI-Perf / AIPerf aggregate export") {
  CHECK(detect_format(aiperf_export, "profile_export_aiperf.json") == file_format::aiperf_json);
  const auto points = parse_results(aiperf_export, "profile_export_aiperf.json");
  REQUIRE(points.size() == 1);
  const benchmark_point& p = points[0];
  CHECK(p.model == "openai/gpt-oss-20b");
  CHECK(*p.concurrency == 100);
  CHECK(*p.ttft.mean == 1.5);
  CHECK(*p.ttft.median == 0.75);
  CHECK(*p.ttft.p90 == 3);
  CHECK(*p.ttft.std == 1.2);
  CHECK(*p.tpot.median == 0.015625);  // their inter-token latency is vLLM's TPOT
  CHECK(*p.intvty.median == 64);
  CHECK(*p.itl.median == 0.04);       // their inter-chunk latency is vLLM's ITL (in ns here)
  CHECK(*p.e2el.p99 == 9);
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
  const auto g = parse_results(genai, "profile_export_genai_perf.json").at(0);
  CHECK(g.model == "m1");
  CHECK(*g.concurrency == 4);
  CHECK(*g.e2el.median == 0.09);
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
  CHECK(contains(e.message(), "expected a number, got a string"));

  bad = aiperf_export;
  bad.replace(bad.find("\"avg\": 200.0"), 12, "\"avg\": 200.5");
  e = parse_error(bad, "a.json");
  CHECK(e.where().field == "request_count.avg");
  CHECK(contains(e.message(), "expected an integer"));

  e = parse_error(R"({"request_latency": {"unit": "ms", "avg": -1}, "output_token_throughput": {"avg": 1}})", "a.json");
  CHECK(e.where().field == "request_latency.avg");
  CHECK(contains(e.message(), "must not be negative"));

  e = parse_error(R"({"request_latency": {"unit": "ms", "avg": 1}})", "a.json");
  CHECK(contains(e.message(), "missing: expected total_token_throughput or"));
  e = parse_error(R"({"request_latency": 5})", "a.json", file_format::aiperf_json);
  CHECK(contains(e.message(), "expected an object of statistics"));
  const std::string broken = R"({"request_latency": {"unit": "ms", "avg": }})";
  e = parse_error(broken, "a.json", file_format::aiperf_json);
  CHECK(e.where().byte == broken.find('}'));
}

// --- writers and round trips -------------------------------------------------------------------

TEST_CASE("io: write_json then parse gives the same points, field by field, exactly") {
  const auto points = fixture_points();
  std::ostringstream os;
  write_json(os, points);
  const std::string text = os.str();
  CHECK(text.front() == '[');
  CHECK(contains(text, "\"dp_attention\": \"false\""));
  for (file_format f : {file_format::automatic, file_format::inferlens_json}) {
    const auto back = parse_results(text, "written.json", f);
    REQUIRE(back.size() == points.size());
    for (std::size_t i = 0; i < points.size(); ++i)
      CHECK_MESSAGE(differences(points[i], back[i]).empty(), i, ": ", joined(differences(points[i], back[i])));
  }
  // agg tooling reads it too: rows from agg files are still agg rows
  const auto agg = parse_results(agg_rows, "run_123_agg_bmk.json");
  std::ostringstream agg_text;
  write_json(agg_text, agg);
  const auto again = parse_results(agg_text.str(), "w.json", file_format::inferencemax_agg);
  REQUIRE(again.size() == 2);
  CHECK(differences(agg[1], again[1]).empty());
}

TEST_CASE("io: write_json of nothing is an empty array that reads back") {
  std::ostringstream os;
  write_json(os, {});
  CHECK(os.str() == "[]\n");
  CHECK(parse_results(os.str(), "e.json").empty());
}

TEST_CASE("io: write_csv then parse gives the same points, field by field, exactly") {
  const auto points = fixture_points();
  std::ostringstream os;
  write_csv(os, points);
  const std::string text = os.str();
  CHECK(text.rfind("hw,accelerator,model,", 0) == 0);  // registry order
  const auto back = parse_results(text, "written.csv");
  REQUIRE(back.size() == points.size());
  for (std::size_t i = 0; i < points.size(); ++i)
    CHECK_MESSAGE(differences(points[i], back[i]).empty(), i, ": ", joined(differences(points[i], back[i])));
}

TEST_CASE("io: write_csv writes only the columns some point has") {
  benchmark_point p;
  p.model = "m";
  p.tput_per_gpu = 2.5;
  benchmark_point q;
  q.hw = "h100";
  q.tput_per_gpu = 3;
  q.ttft.median = std::numeric_limits<double>::quiet_NaN();  // no spelling: left empty
  const std::vector<benchmark_point> points{p, q};
  std::ostringstream os;
  write_csv(os, points);
  CHECK(os.str() == "hw,model,disagg,is_multinode,tput_per_gpu\n,m,false,false,2.5\nh100,,false,false,3\n");
  std::ostringstream none;
  write_csv(none, {});
  CHECK(none.str().empty());
}

TEST_CASE("io: to_vllm_client_json keeps every field through a read (ms <-> s within 1e-15)") {
  std::vector<benchmark_point> points = parse_results(vllm_result, "client.json");
  points.push_back(every_column_point());
  for (const benchmark_point& p : points) {
    const nlohmann::json j = to_vllm_client_json(p);
    CHECK(j.contains("request_goodput:"));
    CHECK(j.contains("model_id"));
    CHECK(j.contains("max_concurrency"));
    CHECK(j.contains("median_ttft_ms"));
    CHECK(!j.contains("median_ttft"));
    CHECK(j.at("request_rate") == "inf");
    CHECK(j.at("median_ttft_ms").get<double>() == doctest::Approx(*p.ttft.median * 1000).epsilon(1e-15));
    const std::string text = j.dump();
    CHECK(detect_format(text, "c.json") == file_format::vllm_client);
    const auto back = parse_results(text, "c.json");
    REQUIRE(back.size() == 1);
    // the ms <-> s conversion may cost one ulp; everything else is exact
    CHECK_MESSAGE(differences(p, back[0], 1e-15).empty(), joined(differences(p, back[0], 1e-15)));
  }
  const nlohmann::json j = to_vllm_client_json(points[0]);
  CHECK(j.at("request_goodput:").is_null());
  CHECK(j.at("median_tpot_ms").get<double>() == 15.625);
  CHECK(j.at("num_prompts") == 160);
}

// --- errors --------------------------------------------------------------------------------------

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
  CHECK(contains(parse_error("[{\"a\": \"\\x\"}]", "t.json").message(), "invalid escape"));
  CHECK(contains(parse_error("[{\"a\": \"\\ud800\"}]", "t.json").message(), "surrogate"));
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
  CHECK(contains(e.message(), "expected an integer, got a string \"64\""));
  CHECK(!e.where().byte);

  e = parse_error(row2(R"("tput_per_gpu": "fast")"), "agg.json");
  CHECK(e.where().field == "tput_per_gpu");
  CHECK(contains(e.message(), "expected a number, got a string"));

  CHECK(contains(parse_error(row2(R"("dp_attention": 3)"), "a.json").message(), "expected a boolean, got a number"));
  CHECK(contains(parse_error(row2(R"("dp_attention": "yes")"), "a.json").message(), "expected a boolean"));
  CHECK(contains(parse_error(row2(R"("hw": 1.5)"), "a.json").message(), "expected a string, got a number"));
  CHECK(contains(parse_error(row2(R"("isl": 1024.5)"), "a.json").message(), "expected an integer, got 1024.5"));
  CHECK(contains(parse_error(row2(R"("isl": 99999999999999999999)"), "a.json").message(), "expected an integer"));
  CHECK(contains(parse_error(row2(R"("isl": [1])"), "a.json").message(), "expected an integer, got an array"));
  CHECK(contains(parse_error(row2(R"("request_rate": "fast")"), "a.json").message(), "expected a number or \"inf\""));
  e = parse_error(row2(R"("model_id": "other")"), "a.json");
  CHECK(e.where().field == "model_id");
  CHECK(contains(e.message(), "given twice with different values"));

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
  };
  check(R"("tput_per_gpu": -1)", "tput_per_gpu", "must not be negative, got -1");
  check(R"("median_ttft": NaN)", "median_ttft", "must be a number, got NaN");
  check(R"("median_ttft": Infinity)", "median_ttft", "must be finite, got inf");
  check(R"("total_token_throughput": 1e999)", "total_token_throughput", "must be finite");
  check(R"("total_output_tokens": -5)", "total_output_tokens", "must not be negative");
  check(R"("isl": 0)", "isl", "must be positive, got 0");
  check(R"("osl": -1)", "osl", "must be positive");
  check(R"("conc": 0)", "conc", "must be positive");
  check(R"("tp": 0)", "tp", "must be positive");
  check(R"("request_rate": 0)", "request_rate", "must be positive");
  check(R"("request_rate": -Infinity)", "request_rate", "must be positive");
}

TEST_CASE("io errors: missing required fields") {
  const std::string full =
      R"({"hw": "b200", "model": "m", "infmax_model_prefix": "p", "isl": 1, "osl": 1, "conc": 1, "tput_per_gpu": 1, "median_tpot": 0.5})";
  auto without = [&](const std::string& key) { return "[" + full + ", " + erase_member(full, key) + "]"; };
  for (std::string key : {"hw", "model", "isl", "osl", "conc", "tput_per_gpu"}) {
    for (file_format f : {file_format::automatic, file_format::inferencemax_agg}) {
      const auto e = parse_error(without(key), "agg.json", f);
      CHECK(e.where().row == 2u);
      CHECK(e.where().field == key);
      CHECK(contains(e.message(), "missing"));
    }
  }
  const std::string no_tpot = "[" + erase_member(full, "median_tpot") + "]";
  const auto e = parse_error(no_tpot, "agg.json");
  CHECK(e.where().field == "median_tpot");
  CHECK(contains(e.message(), "median_tpot or median_intvty"));
  std::string with_intvty = no_tpot;
  with_intvty.replace(with_intvty.find("}]"), 2, ", \"median_intvty\": 2}]");
  CHECK(*parse_results(with_intvty, "agg.json").at(0).tpot.median == 0.5);
  // the library's own rows need only a throughput
  CHECK(contains(parse_error(R"([{"model": "m"}])", "own.json").message(), "missing: expected total_token_throughput or"));
  CHECK(parse_error(R"([{"model": "m"}])", "own.json").where().row == 1u);

  auto client_without = [&](const std::string& key) { return erase_member(vllm_result, key); };
  for (auto [key, field] : std::map<std::string, std::string>{
           {"model_id", "model"}, {"duration", "duration"}, {"completed", "completed"}}) {
    const auto c = parse_error(client_without(key), "client.json");
    CHECK(c.where().field == field);
    CHECK(!c.where().row);
    CHECK(contains(c.message(), "missing"));
  }
  const auto t = parse_error(erase_member(client_without("output_throughput"), "total_token_throughput"), "client.json");
  CHECK(t.where().field == "total_token_throughput");
  CHECK(contains(t.message(), "total_token_throughput or output_throughput"));
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

TEST_CASE("io errors: a vllm_client document holds one object") {
  const auto e = parse_error(vllm_result + "\n" + vllm_result, "c.json", file_format::vllm_client);
  CHECK(contains(e.message(), "unexpected content after the result object"));
  CHECK(e.where().byte == vllm_result.size() + 1);
}

TEST_CASE("io errors: CSV") {
  auto e = parse_error("model,Concurrency,tput_per_gpu\nm,8,1\nm,eight,1\n", "t.csv");
  CHECK(e.where().row == 2u);
  CHECK(e.where().field == "Concurrency");  // as the header spells it
  CHECK(contains(e.message(), "expected an integer, got \"eight\""));

  e = parse_error("model,tput_per_gpu,disagg\nm,1,yes\n", "t.csv");
  CHECK(e.where().field == "disagg");
  CHECK(contains(e.message(), "expected true or false"));

  e = parse_error("model,tput_per_gpu\nm,inf\n", "t.csv");
  CHECK(contains(e.message(), "must be finite"));
  CHECK(contains(parse_error("model,tput_per_gpu\nm,nan\n", "t.csv").message(), "must be a number, got NaN"));
  CHECK(contains(parse_error("model,tput_per_gpu\nm,-2\n", "t.csv").message(), "must not be negative"));
  CHECK(contains(parse_error("model,tput_per_gpu,conc\nm,1,0\n", "t.csv").message(), "must be positive"));
  CHECK(contains(parse_error("model,tput_per_gpu\nm,1x\n", "t.csv").message(), "expected a number, got \"1x\""));

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

  e = parse_error("a,b,c\n1,2,3\n", "t.csv");
  CHECK(contains(e.message(), "no known column in the header row"));
  CHECK(!e.where().row);

  e = parse_error("conc,model,concurrency\n1,m,1\n", "t.csv");
  CHECK(e.where().field == "concurrency");
  CHECK(contains(e.message(), "names the same column as 'conc'"));

  e = parse_error("model,conc\nm,8\n", "t.csv");
  CHECK(e.where().row == 1u);
  CHECK(contains(e.message(), "missing: expected total_token_throughput or"));
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
  CHECK(contains(e.message(), "without benchmark-client keys"));
  e = parse_error("hello world\n", "notes.txt");
  CHECK(contains(e.message(), "not a result file"));
  CHECK(contains(e.message(), "\"hello world\""));
  e = parse_error("{}", "x.json", file_format::inferencemax_agg);
  CHECK(e.where().byte == 0u);
  CHECK(contains(e.message(), "expected a JSON array of result rows ('['), got '{'"));
  e = parse_error("[1]", "x.json", file_format::sglang_jsonl);
  CHECK(contains(e.message(), "expected an object, got an array"));
  e = parse_error("{a: 1}", "x.csv", file_format::csv);
  CHECK(contains(e.message(), "no known column"));
}

// --- files and directories ---------------------------------------------------------------------

TEST_CASE("io: read_results reads a file; missing files and directories are errors") {
  temp_dir dir;
  const fs::path file = dir.write("run_5_agg_bmk.json", agg_rows);
  const auto points = read_results(file);
  REQUIRE(points.size() == 2);
  CHECK(points[0].source == file.string());
  CHECK(points[0].run == "run_5");
  auto e = thrown([&] { read_results(dir.path / "nope.json"); });
  CHECK(e.where().file == (dir.path / "nope.json").string());
  CHECK(contains(e.message(), "no such file"));
  CHECK(contains(thrown([&] { read_results(dir.path); }).message(), "is a directory"));
  CHECK(read_results(dir.write("t.dat", csv_table), file_format::csv).size() == 2);
}

TEST_CASE("io: load_results walks directories in path order; strict throws, lenient reports") {
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
  const auto e = thrown([&] { load_results(inputs); });
  CHECK(e.where().file == (dir.path / "c" / "bad.json").string());
  CHECK(contains(e.message(), "the end of the input"));

  const load_report report = load_results(inputs, true);
  REQUIRE(report.errors.size() == 1);
  CHECK(report.errors[0].where().file == (dir.path / "c" / "bad.json").string());
  CHECK(report.files_read == 4);
  REQUIRE(report.points.size() == 2 + 2 + 2 + 1);
  CHECK(report.points[0].source == (dir.path / "a" / "table.CSV").string());
  CHECK(report.points[2].source == (dir.path / "b" / "run_1_agg_bmk.json").string());
  CHECK(report.points[2].run == "run_1");
  CHECK(report.points[4].source == (dir.path / "c" / "runs.jsonl").string());
  CHECK(report.points[6].source == extra.string());

  // one path, a missing path, an empty directory
  CHECK(load_results(dir.path / "b").points.size() == 2);
  const fs::path missing = dir.path / "missing";
  CHECK(contains(thrown([&] { load_results(missing); }).message(), "no such file"));
  const load_report lenient = load_results(missing, true);
  CHECK(lenient.errors.size() == 1);
  CHECK(lenient.files_read == 0);
  fs::create_directories(dir.path / "empty");
  CHECK(contains(thrown([&] { load_results(dir.path / "empty"); }).message(), "no result files"));
}

// --- the shared real data (optional) -----------------------------------------------------------

#ifdef INFERLENS_SHARED_DATA_DIR
TEST_CASE("io: the real InferenceMAX set (skipped when ../shared/data is absent)") {
  const fs::path data = fs::path(INFERLENS_SHARED_DATA_DIR) / "inferencemax";
  if (!fs::exists(data / "agg_bmk")) {
    MESSAGE("shared data not found, skipped: " << data.string());
    return;
  }
  const load_report agg = load_results(data / "agg_bmk");
  CHECK(agg.files_read == 9);
  REQUIRE(agg.points.size() == 698);
  std::size_t single = 0, pools = 0;
  for (const benchmark_point& p : agg.points) {
    REQUIRE(p.tpot.median);
    CHECK(*p.intvty.median == doctest::Approx(1 / *p.tpot.median).epsilon(1e-12));
    CHECK(p.run.rfind("run_", 0) == 0);
    CHECK(!p.accelerator.empty());
    REQUIRE(p.num_gpus);
    REQUIRE(p.total_token_throughput);
    const double in = *p.input_tput_per_gpu, out = *p.output_tput_per_gpu, all = *p.tput_per_gpu;
    if (!p.multinode) {
      ++single;
      CHECK(*p.num_gpus == *p.tp);
      CHECK(all * static_cast<double>(*p.num_gpus) ==
            doctest::Approx((in + out) * static_cast<double>(*p.num_gpus)).epsilon(1e-12));
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
  CHECK(agg.points[0].hw == "h100");
  CHECK(*agg.points[0].tput_per_gpu == 8005.765519222265);
  CHECK(*agg.points[0].total_token_throughput == 8005.765519222265 * 4);

  // the flat CSV holds the same rows, file by file in the same order
  const auto flat = read_results(data / "agg_bmk_flat.csv");
  REQUIRE(flat.size() == 698);
  std::map<std::string, std::vector<const benchmark_point*>> by_run_json, by_run_csv;
  for (const auto& p : agg.points) by_run_json[p.run].push_back(&p);
  for (const auto& p : flat) by_run_csv[p.run].push_back(&p);
  REQUIRE(by_run_json.size() == 9);
  for (const auto& [run, rows] : by_run_json) {
    REQUIRE(by_run_csv[run].size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      benchmark_point a = *rows[i], b = *by_run_csv[run][i];
      a.source = b.source = "";
      CHECK_MESSAGE(differences(a, b).empty(), run, " row ", i + 1, ": ", joined(differences(a, b)));
    }
  }

  // raw client examples: no GPU count in the file, so no per-GPU throughput
  const load_report raw = load_results(data / "raw_client_examples");
  CHECK(raw.files_read == 16);
  REQUIRE(raw.points.size() == 16);
  for (const auto& p : raw.points) {
    CHECK(!p.model.empty());
    CHECK(*p.request_rate == inf);
    CHECK(*p.num_prompts == 10 * *p.concurrency);
    CHECK(!p.tput_per_gpu);
    CHECK(*p.intvty.median == doctest::Approx(1 / *p.tpot.median).epsilon(1e-15));
  }
}
#endif

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
  const auto points = parse_results(text, "collected.json");
  REQUIRE(points.size() == 2);
  CHECK(points[0].ttft.median == doctest::Approx(0.120));
  CHECK(points[0].tpot.median == doctest::Approx(0.020));
  CHECK(points[0].interactivity() == doctest::Approx(50.0));  // 1 / 0.020 s
  CHECK(points[0].e2el.p999 == doctest::Approx(2.5));
  CHECK(points[0].request_goodput == doctest::Approx(3.5));
  CHECK(points[1].concurrency == 8);
  CHECK(points[1].interactivity() == doctest::Approx(25.0));
}

TEST_CASE("io: a total throughput below the output throughput is an error, not a negative input") {
  const std::string text = R"({"model_id": "m", "duration": 10, "completed": 4, "total_token_throughput": 300,
                               "output_throughput": 400})";
  CHECK_THROWS_WITH_AS(parse_results(text, "inconsistent.json"),
                       doctest::Contains("inconsistent.json: field 'total_token_throughput': is below output_throughput"),
                       input_error);
  const std::string csv = "model,total_token_throughput,output_throughput\nm,100,50\nm,100,150\n";
  CHECK_THROWS_WITH_AS(parse_results(csv, "t.csv", file_format::csv), doctest::Contains("t.csv: row 2"), input_error);
}
