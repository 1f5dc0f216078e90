// Hardening (issue 12): inputs that used to crash, hang or give a wrong answer, each now refused
// with an input_error naming the file or option, the row and the field. The fuzz harnesses
// (tests/fuzz) replay their own regression corpus; these are the cases stated as tests, on the
// library and on the CLI.
#include <doctest/doctest.h>

#include <inferlens/economics.hpp>
#include <inferlens/error.hpp>
#include <inferlens/formats.hpp>
#include <inferlens/load.hpp>
#include <inferlens/loadgen/sse.hpp>
#include <inferlens/pricing.hpp>
#include <inferlens/site.hpp>
#include <inferlens/tco.hpp>
#include <inferlens/write.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include <random>

#ifdef INFERLENS_CLI
#include "cli_support.hpp"
#endif

using namespace inferlens;

namespace {

// A fresh directory under the system temp dir, removed with everything in it.
struct scratch_dir {
  std::filesystem::path path;
  scratch_dir() : path(std::filesystem::temp_directory_path() / ("inferlens-hardening-" + std::to_string(std::random_device{}()))) {
    std::filesystem::create_directories(path);
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return path / name;
  }
};

// what() of the input_error the call throws ("" when it does not throw).
std::string hardening_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const input_error& e) {
    return e.what();
  }
  return {};
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const std::string agg_row =
    R"({"infmax_model_prefix":"gptoss","model":"openai/gpt-oss-120b","hw":"gb200","framework":"dynamo-trt","precision":"fp4",)"
    R"("isl":8192,"osl":1024,"conc":64,"disagg":true,"is_multinode":true,"num_prefill_gpu":8,"num_decode_gpu":16,)"
    R"("tput_per_gpu":2000,"output_tput_per_gpu":1500,"input_tput_per_gpu":INPUT,"median_tpot":0.02,"median_intvty":50})";

std::string disagg(const std::string& input_per_gpu) {
  std::string row = agg_row;
  row.replace(row.find("INPUT"), 5, input_per_gpu);
  return "[" + row + "]";
}

}  // namespace

TEST_CASE("hardening: per-GPU figures of a disaggregated row that do not add up are refused, row and field named") {
  // 12000/GPU on 8 prefill GPUs + 1500/GPU on 16 decode GPUs is not 2000/GPU on 24
  const std::string e = hardening_error([] { parse(disagg("12000"), "agg.json"); });
  CHECK(has(e, "agg.json: row 1: field 'input_tput_per_gpu': the per-GPU throughputs contradict each other"));
  CHECK(has(e, "prefill 8, decode 16"));
  // consistent figures read, and what is written reads back with the same numbers
  const result_table t = parse(disagg("3000"), "agg.json");
  REQUIRE(t.size() == 1);
  CHECK(*t.point(0).input_throughput == doctest::Approx(24000));
  const result_table back = parse(to_text(t, file_format::inferlens_json), "written.json");
  REQUIRE(back.size() == 1);
  CHECK(*back.point(0).total_token_throughput == *t.point(0).total_token_throughput);
  // the CSV reader applies the same check to what it derives
  const std::string csv =
      "hw,prefill_gpus,decode_gpus,disagg,tput_per_gpu,output_tput_per_gpu,input_tput_per_gpu\n"
      "gb200,8,16,true,2000,1500,3000\n"
      "gb200,8,16,true,2000,1500,12000\n";
  CHECK(has(hardening_error([&] { parse(csv, "d.csv"); }), "d.csv: row 2: field 'input_tput_per_gpu': the per-GPU throughputs"));
}

TEST_CASE("hardening: single-node contradictions, overflowing GPU counts and -0") {
  const std::string base =
      R"([{"infmax_model_prefix":"gptoss","model":"m","hw":"h100","framework":"vllm","precision":"fp4","isl":1,"osl":1,"conc":4,"tp":TP,)"
      R"("tput_per_gpu":1000,"output_tput_per_gpu":OUT,"median_tpot":TPOT}])";
  const auto row = [&](const std::string& tp, const std::string& out, const std::string& tpot) {
    std::string s = base;
    s.replace(s.find("TP"), 2, tp);
    s.replace(s.find("OUT"), 3, out);
    s.replace(s.find("TPOT"), 4, tpot);
    return s;
  };
  CHECK(has(hardening_error([&] { parse(row("8", "1100", "0.01"), "a.json"); }), "a.json: row 1: field 'output_tput_per_gpu': is above tput_per_gpu"));
  CHECK(has(hardening_error([&] { parse(row("4611686018427387904, \"pp\": 4", "600", "0.01"), "a.json"); }),
            "a.json: row 1: field 'tp': tp × pp × pcp overflows"));
  CHECK(has(hardening_error([&] { parse(row("8", "600", "1e999"), "a.json"); }), "a.json: row 1: field 'median_tpot': the number \"1e999\" overflows"));
  // -0 is 0: kept, positive zero, never a dropped point
  const result_table t = parse(row("8", "600", "-0.0"), "a.json");
  REQUIRE(t.size() == 1);
  REQUIRE(t.point(0).tpot.median);
  CHECK(*t.point(0).tpot.median == 0.0);
  CHECK_FALSE(std::signbit(*t.point(0).tpot.median));
}

TEST_CASE("hardening: text that is not UTF-8, deep nesting and endless files") {
  CHECK(has(hardening_error([] { parse("[{\"model\":\"a\xff\"}]", "u.json"); }), "u.json: row 1: byte"));
  CHECK(has(hardening_error([] { parse("model,hw,tput_per_gpu\nm\xc3(,h100,1\n", "u.csv"); }), "u.csv: row 1: field 'model': invalid UTF-8"));
  CHECK(has(hardening_error([] { parse(std::string(100000, '['), "deep.json"); }), "nested deeper than"));
  // a device is refused, never read forever; so is a file over the configured limit
  CHECK(has(hardening_error([] { load("/dev/zero"); }), "/dev/zero: not a regular file"));
  scratch_dir dir;
  const auto file = dir.write("big.json", "[" + std::string(4096, ' ') + "]");
  load_options small;
  small.max_file_bytes = 1024;
  CHECK(has(hardening_error([&] { load(file.string(), small); }), "larger than the limit of 1024 bytes"));
  // --lenient skips a file whatever failed in it
  dir.write("bad.json", "[{\"tput_per_gpu\": 1e999}]");
  load_options lenient;
  lenient.lenient = true;
  lenient.max_file_bytes = 1024;
  const result_table t = load(dir.path.string(), lenient);
  CHECK(t.empty());
  CHECK(t.files().size() == 2);
}

TEST_CASE("hardening: preset and override files are range-checked and bounded") {
  const auto overrides = [](const std::string& doc) { return hardening_error([&] { parse_presets(doc, "o.json", false); }); };
  CHECK(has(overrides(R"({"accelerators":{"h100":{"cost_usd_per_gpu_hour":{"hyperscaler":-1}}}})"), "o.json: field 'accelerators.h100.cost_usd_per_gpu_hour.hyperscaler': must be > 0"));
  CHECK(has(overrides(R"({"accelerators":{"h100":{"cost_usd_per_gpu_hour":{"hyperscaler":1e999}}}})"), "overflows a double"));
  // a denormal cost gave "$4.9e-324/Mtok", a denormal power infinite tokens per MW
  CHECK(has(overrides(R"({"accelerators":{"h100":{"cost_usd_per_gpu_hour":{"hyperscaler":4.9e-324}}}})"), "not a real cost or power figure"));
  CHECK(has(overrides(R"({"accelerators":{"h100":{"kw_per_gpu":1e-320}}})"), "'accelerators.h100.kw_per_gpu': must be between"));
  CHECK(has(hardening_error([] { pricing::fixed(1.0, 1e-300).validate(); }), "field 'kw_per_gpu': must be between"));
  CHECK(has(hardening_error([] { load_presets("/dev/zero"); }), "/dev/zero: not a regular file"));
  CHECK(has(hardening_error([] { load_presets("/"); }), "/: is a directory"));
  scratch_dir dir;
  const auto big = dir.path / "big.json";
  { std::ofstream(big) << "{}"; }
  std::filesystem::resize_file(big, detail::max_preset_file_bytes + 1);  // sparse: nothing written
  CHECK(has(hardening_error([&] { load_presets(big.string()); }), "larger than the limit"));
}

TEST_CASE("hardening: a site whose figures overflow a double is refused") {
  site_inputs in;
  in.kw_per_gpu = 1.37;
  in.tok_per_s_per_gpu = 1000;
  in.price_usd_per_mtok = 1;
  in.site_mw = 1e308;
  CHECK(has(hardening_error([&] { site_economics(in); }), "field 'site_mw': the site would hold"));
  in.site_mw.reset();
  in.gpus = 1e15;
  in.tok_per_s_per_gpu = 1e300;
  CHECK(has(hardening_error([&] { site_economics(in); }), "overflows a double"));
}

TEST_CASE("hardening: economics never answer inf, and a device is never written over") {
  CHECK_FALSE(usd_per_mtok(1e-320, 1.17));  // was inf $/Mtok
  CHECK_FALSE(j_per_token(1e-320, 1.0));
  CHECK_FALSE(tok_per_s_per_mw(1e300, 1e-6));
  CHECK(*usd_per_mtok(1000, 3.6) == doctest::Approx(1.0));
  // write_file renames a temporary over the path: a device or pipe there is refused, not replaced
  scratch_dir dir;
  const std::string fifo = (dir.path / "pipe").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(has(hardening_error([&] { write_file(fifo, "[]"); }), "pipe: not a regular file"));
  struct stat st {};
  REQUIRE(::lstat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  CHECK(has(hardening_error([&] { write_file(dir.path.string(), "[]"); }), "is a directory"));
}

TEST_CASE("hardening: an SSE event that never ends is cut at the limit; a count beyond int64 is absent, not malformed") {
  loadgen::sse_parser p;
  const std::string line = "data: " + std::string(std::size_t{1} << 20, 'x') + "\n";  // 1 MiB lines, no blank line
  bool ok = true;
  std::size_t lines = 0;
  for (; ok && lines < 100; ++lines) ok = p.feed(line, [](const loadgen::sse_event&) {});
  CHECK_FALSE(ok);
  CHECK(p.overflowed());
  CHECK(lines <= 65);
  const loadgen::chunk_info c =
      loadgen::scan_openai_chunk(R"({"choices":[{"text":"a"}],"usage":{"prompt_tokens":99999999999999999999,"completion_tokens":3}})");
  CHECK(c.what == loadgen::chunk_info::kind::json);
  CHECK_FALSE(c.prompt_tokens);
  CHECK(c.completion_tokens == 3);
  CHECK(c.has_content);
}

#ifdef INFERLENS_CLI
TEST_CASE("hardening: the CLI names the option of a bad number") {
  using cli_support::run_cli;
  scratch_dir dir;
  const std::string ok = dir.write("ok.json", disagg("3000")).string();
  CHECK(run_cli("frontier " + ok).status == 0);
  CHECK(has(run_cli("frontier " + ok + " --at 1,,2").out, "--at: field '1,,2': empty item"));
  CHECK(has(run_cli("frontier " + ok + " --at -5").out, "--at: field '-5': expected a number > 0"));
  CHECK(has(run_cli("frontier " + ok + " --at ''").out, "--at: empty item"));
  CHECK(run_cli("frontier " + ok + " --group-by ''").status != 0);
  CHECK(has(run_cli("frontier " + ok + " --group-by model,,hw").out, "--group-by: field 'model,,hw': empty item"));
  const auto site = run_cli("site --mw 1e308 --accelerator h100 --tput-per-gpu 1000 --price-per-mtok 1");
  CHECK(site.status != 0);
  CHECK(has(site.out, "inferlens: --mw: field 'site_mw': the site would hold"));
  CHECK_FALSE(has(site.out, "inf GPUs"));
  const auto devzero = run_cli("tco --accelerator h100 --overrides /dev/zero");
  CHECK(devzero.status != 0);
  CHECK(has(devzero.out, "/dev/zero: not a regular file"));
}
#endif
