// `inferlens bench`: drive an OpenAI-compatible server (or the built-in simulated one with --sim)
// through a sweep of concurrencies (or rates) × ISL/OSL pairs, write InferenceMAX-style result
// files, and print the sweep and its throughput–interactivity frontier. Before the sweep a
// pre-flight says clearly when the server cannot be reached, refuses TLS or does not know the
// model; after each point a line says what happened, failures by kind included.
#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <inferlens/frontier.hpp>
#include <inferlens/loadgen/preflight.hpp>
#include <inferlens/loadgen/sweep.hpp>
#include <inferlens/sim/server.hpp>

#include "commands.hpp"
#include "sim_cli.hpp"

namespace inferlens::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_interrupt(int sig) {
  g_stop.store(true);
  ::signal(sig, SIG_DFL);  // a second Ctrl-C ends the process at once
}

struct bench_options {
  std::string url, model, endpoint = "completions", api_key, ca_file;
  std::string isl = "1024", osl = "1024", concurrency, rate;
  double prompts_per_concurrency = 10, warmups_per_concurrency = 2;
  std::optional<double> num_prompts;
  std::string arrival = "poisson";
  double burstiness = 1.0;
  std::string ramp;  // linear:START:END or exponential:START:END
  std::optional<double> duration_s;
  std::optional<double> range_ratio;
  std::string range_convention;
  double prefix_len = 0;
  std::uint64_t seed = 0;
  std::string dataset = "random";
  double trace_time_scale = 1.0;
  std::string prompt_format = "auto";
  std::optional<double> temperature = 0.0;
  bool no_ignore_eos = false, continuous_usage = false, insecure = false, no_keep_alive = false;
  double io_threads = 1;
  std::string extra_body;
  std::vector<std::string> headers;
  double connect_timeout_s = 10, first_token_timeout_s = 600, idle_timeout_s = 120;
  std::string ttft_rule = "content";
  std::string goodput, percentiles;
  double max_failure_rate = 0.05;
  std::string matrix, out_dir, format = "table";
  bool overwrite = false, append = false;
  double progress_interval_s = 10;
  double repeats = 1;  // each point this many times, one run id per repeat (compare's intervals)
  // identity
  std::string hw, framework, precision, image, model_prefix, spec_decoding;
  std::optional<std::int64_t> tp, ep, pp, gpus;
  // simulated server
  bool sim = false;
  double sim_time_scale = 0.05;
  bool sim_wall_time = false;
  double sim_tokens_per_chunk = 0;
  std::string sim_personality = "vllm";
  std::vector<std::string> sim_faults;
  std::uint64_t sim_seed = 0;
  calibrated_cli_options sim_calibrated{{}, {}, {}, {}, {}, {}, "--sim-system", "--sim-filter"};  // --model-from RESULTS
  bool quiet = false;
};

// ---- options: every number range-checked, every message names the option -------------------

[[noreturn]] void bad(const std::string& option, const std::string& value, const std::string& expected) {
  throw input_error({option, {}, {}, value}, "expected " + expected);
}

/// A number from text, all of it (no "0.5abc"), finite.
double parse_strict(const std::string& text, const std::string& option, const std::string& expected) {
  double v = 0;
  const char* b = text.data();
  const char* e = b + text.size();
  while (b < e && *b == ' ') ++b;
  const auto r = std::from_chars(b, e, v);
  if (r.ec != std::errc{} || r.ptr != e || !std::isfinite(v)) bad(option, text, expected);
  return v;
}

/// `v` within [lo, hi] (and finite: NaN fails every comparison).
double in_range(double v, const std::string& option, double lo, double hi, const std::string& expected) {
  if (!(v >= lo && v <= hi)) bad(option, fmt::format("{}", v), expected);
  return v;
}

std::int64_t whole(double v, const std::string& option, double lo, double hi, const std::string& expected) {
  in_range(v, option, lo, hi, expected);
  if (v != std::trunc(v)) bad(option, fmt::format("{}", v), expected);
  return static_cast<std::int64_t>(v);
}

std::vector<std::string> items(const std::string& s, const std::string& option) {
  std::vector<std::string> out;
  std::string cur;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ',') {
      if (cur.empty()) bad(option, s, "a comma-separated list without empty items");
      out.push_back(cur);
      cur.clear();
    } else if (s[i] != ' ') {
      cur += s[i];
    }
  }
  return out;
}

std::vector<double> numbers(const std::string& s, const std::string& option, double lo, double hi, const std::string& expected) {
  std::vector<double> v;
  for (const auto& item : items(s, option)) v.push_back(in_range(parse_strict(item, option, expected), option, lo, hi, expected));
  return v;
}

std::vector<std::int64_t> lengths(const std::string& s, const std::string& option) {
  const std::string expected = fmt::format("whole numbers of tokens from 1 to {}", loadgen::max_sequence_tokens);
  std::vector<std::int64_t> v;
  for (double x : numbers(s, option, 1, static_cast<double>(loadgen::max_sequence_tokens), expected))
    v.push_back(whole(x, option, 1, static_cast<double>(loadgen::max_sequence_tokens), expected));
  return v;
}

std::chrono::milliseconds timeout(double s, const std::string& option) {
  in_range(s, option, 0, 86400, "0 (none) to 86400 seconds (a day)");
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(s * 1000)));
}

void utf8_option(const std::string& v, const std::string& option) {
  if (!loadgen::is_valid_utf8(v)) throw input_error({option, {}, {}, ""}, "is not valid UTF-8");
}

loadgen::ramp_up parse_ramp(const std::string& s) {
  loadgen::ramp_up r;
  if (s.empty()) return r;
  std::vector<std::string> parts;
  std::string cur;
  for (char c : s + ":") {
    if (c == ':') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  const char* expected = "linear:START_RPS:END_RPS or exponential:START_RPS:END_RPS (rates in (0, 1e6])";
  if (parts.size() != 3 || (parts[0] != "linear" && parts[0] != "exponential")) bad("--ramp-up", s, expected);
  r.kind = parts[0] == "linear" ? loadgen::ramp_up::shape::linear : loadgen::ramp_up::shape::exponential;
  r.start_rps = in_range(parse_strict(parts[1], "--ramp-up", expected), "--ramp-up", 1e-9, 1e6, expected);
  r.end_rps = in_range(parse_strict(parts[2], "--ramp-up", expected), "--ramp-up", 1e-9, 1e6, expected);
  return r;
}

loadgen::slo parse_goodput(const std::string& s) {
  loadgen::slo g;
  if (s.empty()) return g;
  const char* expected = "ttft:MS, tpot:MS or e2el:MS with milliseconds in (0, 86400000]";
  for (const auto& item : items(s, "--goodput")) {
    const auto colon = item.find(':');
    if (colon == std::string::npos) bad("--goodput", item, expected);
    const std::string key = item.substr(0, colon);
    const double v = in_range(parse_strict(item.substr(colon + 1), "--goodput", expected), "--goodput", 1e-9, 86'400'000, expected);
    if (key == "ttft") g.ttft_ms = v;
    else if (key == "tpot") g.tpot_ms = v;
    else if (key == "e2el") g.e2el_ms = v;
    else bad("--goodput", item, expected);
  }
  return g;
}

void apply_sim_fault(sim::fault_options& f, const std::string& spec) {
  const auto eq = spec.find('=');
  const char* expected = "KIND=PROBABILITY with a probability in [0, 1]";
  if (eq == std::string::npos) bad("--sim-fault", spec, expected);
  const std::string kind = spec.substr(0, eq);
  const double p = in_range(parse_strict(spec.substr(eq + 1), "--sim-fault", expected), "--sim-fault", 0, 1, expected);
  sim::fault_rule* r = kind == "http_error"      ? &f.http_error
                       : kind == "reset"         ? &f.reset
                       : kind == "truncate"      ? &f.truncate
                       : kind == "malformed_sse" ? &f.malformed_sse
                       : kind == "error_event"   ? &f.error_event
                       : kind == "stall"         ? &f.stall
                       : kind == "slow_write"    ? &f.slow_write
                       : kind == "invalid_utf8"  ? &f.invalid_utf8
                                                 : nullptr;
  if (!r)
    throw input_error({"--sim-fault", {}, {}, kind},
                      "unknown fault; one of http_error, reset, truncate, malformed_sse, error_event, stall, slow_write, invalid_utf8");
  r->probability = p;
}

void raise_file_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

std::string ms_or_dash(const std::optional<double>& s) { return s ? fmt::format("{:.2f}", *s * 1000) : "-"; }
std::string num_or_dash(const std::optional<double>& v, const char* f = "{:.1f}") {
  return v ? fmt::format(fmt::runtime(f), *v) : "-";
}

std::string load_label(const loadgen::point_result& r) {
  std::string s;
  if (r.spec.rate) s = fmt::format("{:g}/s", *r.spec.rate);
  if (r.spec.concurrency) s += (s.empty() ? "" : " cap ") + std::to_string(*r.spec.concurrency);
  return s;
}

// ---- what the console says after each point --------------------------------------------------

std::string point_line(const loadgen::point_result& r, const bench_options& o) {
  const auto& s = r.summary;
  const auto& p = s.point;
  std::string line = fmt::format("{}: {} ok, {} failed, {:.1f} out tok/s, median TTFT {} ms, median TPOT {} ms",
                                 loadgen::detail::point_label(r.spec), s.completed, s.failed, p.output_throughput.value_or(0),
                                 ms_or_dash(p.ttft.median), ms_or_dash(p.tpot.median));
  if (s.good) {
    const double share = s.completed ? 100.0 * static_cast<double>(*s.good) / static_cast<double>(s.completed) : 0.0;
    line += fmt::format(", goodput {:.2f} req/s ({} good, {:.0f}%)", p.request_goodput.value_or(0), *s.good, share);
  }
  if (p.partial) line += " [partial: interrupted]";
  if (!r.result_file.empty()) line += " -> " + r.result_file.string();
  if (s.failed) line += "\n  failed: " + loadgen::describe_failures(s);
  if (const auto over = s.prompt_token_overhead(); over && std::abs(*over) >= 1.0)
    line += fmt::format("\n  note: the server counted {:+.1f} prompt tokens per request beyond the {:.0f} asked{}", *over,
                        *s.mean_requested_input, o.endpoint == "chat" ? " (the chat template)" : "");
  if (s.count_mismatches)
    line += fmt::format("\n  note: {} requests did not get the {} tokens asked (the server did not honour ignore_eos)", s.count_mismatches,
                        p.osl.value_or(0));
  if (o.continuous_usage && s.completed && s.without_continuous_usage == s.completed)
    line += "\n  warning: the server ignored --continuous-usage (no chunk carried usage): tokens per chunk are not known";
  if (s.token_sources[static_cast<std::size_t>(loadgen::token_source::chunks)])
    line += fmt::format("\n  note: {} requests had no token count from the server: one token per content chunk was assumed",
                        s.token_sources[static_cast<std::size_t>(loadgen::token_source::chunks)]);
  if (r.retried || r.found_closed)
    line += fmt::format("\n  note: the server closed keep-alive connections: {} found closed before reuse, {} requests resent "
                        "on a fresh connection ({} connections opened)",
                        r.found_closed, r.retried, r.connections);
  if (s.invalid_utf8) line += fmt::format("\n  note: {} requests carried invalid UTF-8 from the server (stored with U+FFFD)", s.invalid_utf8);
  return line;
}

// ---- the end-of-sweep summary ---------------------------------------------------------------

// The sweep's frontier by the library's pipeline (result_table::frontiers, as `inferlens frontier`):
// every point pooled into one system, median interactivity up, throughput (per GPU when every point
// knows its GPUs) up. Each row's source_row is its index in `results`.
frontier_set sweep_frontier(const std::vector<loadgen::point_result>& results, bool per_gpu) {
  std::vector<benchmark_point> points;
  points.reserve(results.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    points.push_back(results[i].summary.point);
    points.back().source_row = static_cast<std::int64_t>(i);
  }
  frontier_spec spec;
  spec.x = cols::median_intvty;
  spec.y = per_gpu ? cols::tput_per_gpu : cols::output_throughput;
  spec.group_by.clear();
  return result_table(points).frontiers(spec);
}

void print_summary(const std::vector<loadgen::point_result>& results, const bench_options& o) {
  bool per_gpu = !results.empty();
  for (const auto& r : results) per_gpu = per_gpu && r.summary.point.tput_per_gpu.has_value();
  const frontier_set set = sweep_frontier(results, per_gpu);
  std::vector<std::size_t> f;  // indices into results, interactivity ascending
  for (const system_frontier& s : set)
    for (const benchmark_point& p : s.points()) f.push_back(static_cast<std::size_t>(p.source_row.value_or(0)));
  if (o.format == "json") {
    nlohmann::json out;
    out["points"] = nlohmann::json::array();
    for (const auto& r : results) out["points"].push_back(r.raw);
    out["frontier"] = f;
    out["frontier_y"] = per_gpu ? "tput_per_gpu" : "output_throughput";
    if (!o.out_dir.empty()) out["report"] = std::filesystem::absolute(std::filesystem::path(o.out_dir) / "report.html").string();
    std::cout << loadgen::safe_dump(out, 2) << '\n';
    return;
  }
  fmt::print("\n{:>11} {:>9} {:>5} {:>4} {:>8} {:>10} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>10}\n", "isl/osl", "load", "ok",
             "fail", "req/s", "out tok/s", "tok/s/gpu", "TTFT p50", "TTFT p99", "TPOT p50", "ITL p50", "E2EL p50", "tok/s/user");
  fmt::print("{:>11} {:>9} {:>5} {:>4} {:>8} {:>10} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>10}\n", "", "", "", "", "", "", "",
             "ms", "ms", "ms", "ms", "ms", "(median)");
  for (const auto& r : results) {
    const auto& p = r.summary.point;
    fmt::print("{:>11} {:>9} {:>5} {:>4} {:>8} {:>10} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>10}{}\n",
               fmt::format("{}/{}", p.isl.value_or(0), p.osl.value_or(0)), load_label(r), r.summary.completed, r.summary.failed,
               num_or_dash(p.request_throughput, "{:.2f}"), num_or_dash(p.output_throughput), num_or_dash(p.tput_per_gpu),
               ms_or_dash(p.ttft.median), ms_or_dash(p.ttft.p99), ms_or_dash(p.tpot.median), ms_or_dash(p.itl.median),
               ms_or_dash(p.e2el.median), num_or_dash(p.intvty.median), p.partial ? " partial" : "");
  }
  fmt::print("\nfrontier ({} of {} points): {} against median interactivity\n", f.size(), results.size(),
             per_gpu ? "total tok/s per GPU" : "output tok/s (no GPU count given: --gpus or --tp)");
  fmt::print("{:>14} {:>14} {:>11} {:>9}\n", "tok/s/user", per_gpu ? "tok/s/gpu" : "out tok/s", "isl/osl", "load");
  for (const system_frontier& s : set) {
    const auto xs = s.curve().xs(), ys = s.curve().ys();
    for (std::size_t k = 0; k < s.points().size(); ++k) {
      const benchmark_point& p = s.points()[k];
      fmt::print("{:>14.1f} {:>14.1f} {:>11} {:>9}\n", xs[k], ys[k], fmt::format("{}/{}", p.isl.value_or(0), p.osl.value_or(0)),
                 load_label(results[static_cast<std::size_t>(p.source_row.value_or(0))]));
    }
  }
  if (!o.out_dir.empty()) {
    fmt::print("\nresults in {}/ (sweep.json for `inferlens frontier`, run.json lists every point)\n", o.out_dir);
    fmt::print("report: {} (open it in any browser; it needs no network)\n",
               std::filesystem::absolute(std::filesystem::path(o.out_dir) / "report.html").string());
  }
}

// ---- the run ---------------------------------------------------------------------------------

void run_bench(const bench_options& o) {
  namespace lg = loadgen;
  raise_file_limit();
  lg::sweep_options so;
  lg::client_options& co = so.client;

  for (const auto& [v, name] : {std::pair{&o.hw, "--hw"}, {&o.framework, "--framework"}, {&o.precision, "--precision"},
                                {&o.image, "--image"}, {&o.model_prefix, "--model-prefix"}, {&o.spec_decoding, "--spec-decoding"},
                                {&o.model, "--model"}, {&o.extra_body, "--extra-body"}})
    utf8_option(*v, name);
  co.timeout = {timeout(o.connect_timeout_s, "--connect-timeout"), timeout(o.first_token_timeout_s, "--first-token-timeout"),
                timeout(o.idle_timeout_s, "--idle-timeout")};
  in_range(o.max_failure_rate, "--max-failure-rate", 0, 1, "a fraction in [0, 1]");
  co.io_threads = static_cast<std::size_t>(whole(o.io_threads, "--io-threads", 1, 1024, "1 to 1024 threads"));
  in_range(o.progress_interval_s, "--progress-interval", 0.1, 3600, "0.1 to 3600 seconds");
  if (o.overwrite && o.append) throw input_error({"--overwrite", {}, {}, ""}, "give --overwrite or --append, not both");
  if ((o.overwrite || o.append) && o.out_dir.empty()) throw input_error({o.overwrite ? "--overwrite" : "--append", {}, {}, ""}, "needs --out");

  // the simulated server, in this process on loopback
  std::unique_ptr<sim::server> server;
  if (o.sim) {
    if (!o.url.empty()) throw input_error({"--sim", {}, {}, o.url}, "--sim starts its own server: leave out --url");
    sim::server_options sopt;
    sopt.time_scale = in_range(o.sim_time_scale, "--sim-time-scale", 0, 1000, "0 (no waiting) to 1000 wall seconds per model second");
    sopt.tokens_per_chunk = static_cast<int>(whole(o.sim_tokens_per_chunk, "--sim-tokens-per-chunk", 0, 10000, "0 (the personality's) to 10000"));
    const auto personality = sim::parse_personality(o.sim_personality);
    if (!personality) bad("--sim-personality", o.sim_personality, "vllm, sglang, llama.cpp, tgi or trt");
    sopt.personality = *personality;
    sopt.seed = o.sim_seed;
    sopt.faults.seed = o.sim_seed;
    for (const auto& f : o.sim_faults) apply_sim_fault(sopt.faults, f);
    if (!o.model.empty()) sopt.model_name = o.model;
    std::optional<sim::calibrated_system> calibrated;
    if (o.sim_calibrated.given()) {
      calibrated_cli_options c = o.sim_calibrated;
      c.tp = o.tp;  // the deployment benchmarked
      calibrated = calibrated_from(c, sopt.model);
      sopt.model = calibrated->step.model;
      if (!o.quiet) std::fprintf(stderr, "inferlens: %s\n", calibrated_note(*calibrated).c_str());
    }
    sopt.record_traces = false;
    server = std::make_unique<sim::server>(sopt);
    server->start();
    co.url = server->base_url();
    co.request.model = sopt.model_name;
    if (!o.sim_wall_time && o.sim_time_scale > 0) so.time_scale = o.sim_time_scale;
    if (!o.quiet)
      std::fprintf(stderr, "inferlens: simulated %s server on %s, running %gx faster than its model's real time; %s\n",
                   o.sim_personality.c_str(), co.url.c_str(), o.sim_time_scale > 0 ? 1.0 / o.sim_time_scale : 0.0,
                   so.time_scale != 1.0 ? "results are in model time (--sim-wall-time for the wall clock's)"
                                        : "results are in wall time");
  } else {
    if (o.sim_calibrated.given()) throw input_error({"--model-from", {}, {}, ""}, "--model-from is the simulated server's: it needs --sim");
    if (o.url.empty()) throw input_error({"--url", {}, {}, ""}, "give the server's --url (or --sim)");
    co.url = o.url;
    co.request.model = o.model;
  }
  const auto api = lg::parse_api_kind(o.endpoint);
  if (!api) bad("--endpoint", o.endpoint, "completions or chat");
  co.request.api = *api;
  co.request.api_key = o.api_key;
  if (co.request.api_key.empty())
    if (const char* k = std::getenv("OPENAI_API_KEY")) co.request.api_key = k;
  if (o.temperature) in_range(*o.temperature, "--temperature", 0, 100, "a temperature in [0, 100]");
  co.request.temperature = o.temperature;
  co.request.ignore_eos = !o.no_ignore_eos;
  co.request.continuous_usage = o.continuous_usage;
  co.keep_alive = !o.no_keep_alive;
  co.ca_file = o.ca_file;
  if (!o.extra_body.empty()) {
    co.request.extra_body = nlohmann::json::parse(o.extra_body, nullptr, false);
    if (co.request.extra_body.is_discarded()) throw input_error({"--extra-body", {}, {}, ""}, "not valid JSON");
    if (!co.request.extra_body.is_object()) throw input_error({"--extra-body", {}, {}, ""}, "expected a JSON object");
  }
  for (const auto& h : o.headers) {
    const auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0 || h.find_first_of("\r\n") != std::string::npos)
      bad("--header", h, "NAME: VALUE on one line");
    std::string v = h.substr(colon + 1);
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    co.request.headers.emplace_back(h.substr(0, colon), v);
  }
  const auto pf = lg::parse_prompt_format(o.prompt_format);
  if (!pf) bad("--prompt-format", o.prompt_format, "auto, ids or text");
  co.format = *pf;
  co.verify_tls = !o.insecure;
  if (o.ttft_rule != "content" && o.ttft_rule != "any-choice" && o.ttft_rule != "vllm")
    bad("--ttft-rule", o.ttft_rule, "content or any-choice (vllm)");
  so.metrics.rule = o.ttft_rule == "content" ? lg::first_token_rule::content : lg::first_token_rule::any_choice;
  so.metrics.goodput = parse_goodput(o.goodput);
  if (!o.percentiles.empty()) so.percentiles = numbers(o.percentiles, "--percentiles", 1e-9, 100, "percentiles in (0, 100], e.g. 50,90,99,99.9");

  so.dataset = lg::parse_dataset(o.dataset);
  so.dataset.seed = o.seed;
  so.dataset.trace_time_scale = in_range(o.trace_time_scale, "--trace-time-scale", 1e-6, 1e6, "a factor in (0, 1e6]");
  so.dataset.prefix_len = whole(o.prefix_len, "--random-prefix-len", 0, static_cast<double>(lg::max_sequence_tokens),
                                fmt::format("0 to {} tokens", lg::max_sequence_tokens));
  if (o.range_ratio) {
    // two conventions give very different lengths for the same r: make the caller say which
    if (o.range_convention.empty())
      throw input_error({"--range-ratio", {}, {}, ""},
                        "say which convention: --range-convention inferencemax ([r*L, L]) or vllm ([L(1-r), L(1+r)])");
    so.dataset.range_ratio = in_range(*o.range_ratio, "--range-ratio", 0, 1, "a ratio in [0, 1] ([0, 1) with vllm)");
  }
  if (!o.range_convention.empty()) {
    const auto rc = lg::parse_range_convention(o.range_convention);
    if (!rc) bad("--range-convention", o.range_convention, "inferencemax or vllm");
    so.dataset.convention = *rc;
  }
  so.prompts_per_concurrency = static_cast<std::size_t>(whole(o.prompts_per_concurrency, "--num-prompts-per-concurrency", 1, 1e6, "1 to 1,000,000"));
  so.warmups_per_concurrency = static_cast<std::size_t>(whole(o.warmups_per_concurrency, "--warmup-per-concurrency", 0, 1e4, "0 to 10,000"));
  if (o.num_prompts) so.num_prompts = static_cast<std::size_t>(whole(*o.num_prompts, "--num-prompts", 1, 1e7, "1 to 10,000,000"));
  const auto arrival = lg::parse_arrival_process(o.arrival);
  if (!arrival) bad("--arrival", o.arrival, "poisson, gamma or constant");
  so.arrival = *arrival;
  so.burstiness = in_range(o.burstiness, "--burstiness", 1e-6, 1e6, "a gamma shape in (0, 1e6]");
  so.ramp = parse_ramp(o.ramp);
  if (o.duration_s) so.max_duration_s = in_range(*o.duration_s, "--duration", 1e-3, 30 * 86400.0, "(0, 30 days] in seconds");
  so.out_dir = o.out_dir;
  so.if_exists = o.overwrite ? lg::sweep_options::existing::overwrite
                 : o.append  ? lg::sweep_options::existing::append
                             : lg::sweep_options::existing::refuse;

  benchmark_point id;
  id.hw = o.hw;
  id.framework = o.framework;
  id.precision = o.precision;
  id.image = o.image;
  id.model_prefix = o.model_prefix;
  id.spec_decoding = o.spec_decoding;
  id.tp = o.tp;
  id.ep = o.ep;
  id.pp = o.pp;
  id.num_gpus = o.gpus;
  for (const auto& [v, name] : {std::pair{o.tp, "--tp"}, {o.ep, "--ep"}, {o.pp, "--pp"}, {o.gpus, "--gpus"}})
    if (v && (*v < 1 || *v > 1'000'000)) bad(name, std::to_string(*v), "1 to 1,000,000");
  if (o.sim) {
    if (id.hw.empty()) id.hw = "sim";
    if (id.framework.empty()) id.framework = "inferlens-sim-" + o.sim_personality;
    if (!id.tp && !id.num_gpus) id.tp = 1;  // the model is one accelerator
  }

  std::vector<lg::sweep_point> points;
  if (!o.matrix.empty()) {
    points = lg::load_matrix(o.matrix, id);
  } else {
    const auto isls = lengths(o.isl, "--isl"), osls = lengths(o.osl, "--osl");
    if (isls.size() != osls.size() && isls.size() != 1 && osls.size() != 1)
      throw input_error({"--isl/--osl", {}, {}, ""}, "give as many --osl values as --isl values (or one of either)");
    std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
    for (std::size_t i = 0; i < std::max(isls.size(), osls.size()); ++i)
      pairs.emplace_back(isls[std::min(i, isls.size() - 1)], osls[std::min(i, osls.size() - 1)]);
    std::vector<std::int64_t> concs;
    if (!o.concurrency.empty())
      for (double c : numbers(o.concurrency, "--concurrency", 1, 1e6, "whole numbers from 1 to 1,000,000"))
        concs.push_back(whole(c, "--concurrency", 1, 1e6, "whole numbers from 1 to 1,000,000"));
    const auto rates = o.rate.empty() ? std::vector<double>{} : numbers(o.rate, "--rate", 1e-6, 1e6, "request rates in (0, 1e6] per second");
    if (concs.empty() && rates.empty())
      throw input_error({"--concurrency", {}, {}, ""}, "give --concurrency 1,2,4,... (closed loop) or --rate R (open loop)");
    if (!rates.empty() && concs.size() > 1) throw input_error({"--rate", {}, {}, ""}, "with --rate, --concurrency is one in-flight cap");
    points = lg::grid(id, pairs, concs, rates);
  }
  for (const auto& p : points) {  // memory: every prompt of a point is built before it runs
    const double n = static_cast<double>(so.num_prompts.value_or(so.prompts_per_concurrency * static_cast<std::size_t>(p.concurrency.value_or(100))));
    if (n * static_cast<double>(p.isl + so.dataset.prefix_len) > static_cast<double>(std::int64_t{1} << 30))
      throw input_error({"--isl", {}, {}, std::to_string(p.isl)}, "a point would hold more than 2^30 prompt tokens; lower --isl or the prompt count");
  }

  // pre-flight: the server answers, knows the model, and takes the prompt format
  {
    lg::random_options ro;
    ro.isl = points.front().isl;
    ro.osl = 1;
    std::int64_t longest = 0;
    for (const auto& p : points) longest = std::max(longest, p.isl + so.dataset.prefix_len + p.osl);
    if (so.dataset.kind != lg::dataset_options::source::random) longest = 0;  // a file's lengths are its own
    const lg::preflight_result pre = lg::preflight(co, lg::random_prompts(ro, 1).front(), longest);
    if (!pre.ok) throw std::runtime_error(pre.message);
    if (co.request.model.empty()) co.request.model = pre.model;
    if (co.format == lg::prompt_format::automatic) co.format = pre.token_ids ? lg::prompt_format::token_ids : lg::prompt_format::text;
    if (!o.quiet)
      std::fprintf(stderr, "inferlens: %s answers%s; model '%s'%s%s; prompts as %s\n", co.url.c_str(),
                   pre.server.empty() ? "" : (" (server: " + pre.server + ")").c_str(), co.request.model.c_str(),
                   o.model.empty() && !o.sim ? " (from /v1/models)" : "",
                   pre.max_model_len ? fmt::format(", context {} tokens", *pre.max_model_len).c_str() : "",
                   co.format == lg::prompt_format::token_ids ? "token ids" : "text");
  }

  g_stop = false;
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  lg::progress_display progress(stderr, o.quiet ? lg::progress_display::mode::off
                                        : lg::is_terminal(stderr) ? lg::progress_display::mode::terminal
                                                                  : lg::progress_display::mode::lines,
                                o.progress_interval_s);
  lg::sweep_hooks hooks;
  hooks.stop = &g_stop;
  hooks.progress = &progress;
  // the simulated server says when it cannot keep its time scale (a busy machine)
  sim::server_counters baseline = server ? server->counters() : sim::server_counters{};
  auto lateness = [&]() -> std::string {
    if (!server || o.sim_time_scale <= 0) return {};
    const sim::server_counters c = server->counters();
    const double run = c.model_run_s - baseline.model_run_s, lost = c.model_lost_s - baseline.model_lost_s;
    if (run < 0.5 || lost / (run + lost) < 0.05) return {};
    return fmt::format("the simulated server cannot hold --sim-time-scale {:g} here: its model clock lost {:.0f}% to the wall "
                       "(a busy machine), which stretches TPOT and lowers throughput; raise --sim-time-scale",
                       o.sim_time_scale, 100 * lost / (run + lost));
  };
  bool warned = false;  // the progress display printed the warning during this point
  hooks.health = [&] {
    std::string w = lateness();
    warned = warned || !w.empty();
    return w;
  };
  hooks.on_point = [&](const lg::point_result& r) {
    if (!o.quiet) {
      if (r.skipped) std::fprintf(stderr, "inferlens: %s: interrupted before anything was measured; not written\n", lg::detail::point_label(r.spec).c_str());
      else std::fprintf(stderr, "inferlens: %s\n", point_line(r, o).c_str());
      if (const std::string w = lateness(); !w.empty() && !warned) std::fprintf(stderr, "  warning: %s\n", w.c_str());
    }
    warned = false;
    if (server) baseline = server->counters();
  };
  // --repeats N: the whole sweep N times, each with its own run id (RUN-r1, RUN-r2, ...) appended
  // to the same output, so that `inferlens compare` sees N repeats of every configuration.
  const auto repeats = static_cast<std::size_t>(whole(o.repeats, "--repeats", 1, 1000, "1 to 1000 runs of each point"));
  std::vector<lg::point_result> results;
  const std::string run_base = so.run_id.empty() ? lg::detail::new_run_id() : so.run_id;
  for (std::size_t k = 0; k < repeats && !g_stop; ++k) {
    lg::sweep_options rep = so;
    if (repeats > 1) {
      rep.run_id = run_base + "-r" + std::to_string(k + 1);
      if (k > 0) rep.if_exists = lg::sweep_options::existing::append;
      if (!o.quiet) std::fprintf(stderr, "inferlens: repeat %zu of %zu (run %s)\n", k + 1, repeats, rep.run_id.c_str());
    }
    auto done = lg::run_sweep(rep, points, hooks);
    results.insert(results.end(), std::make_move_iterator(done.begin()), std::make_move_iterator(done.end()));
  }
  if (server) server->stop();
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  // every sweep wrote DIR/report.html of its own run; with repeats, one of them all
  if (repeats > 1 && !so.out_dir.empty()) lg::write_sweep_report(so, results, run_base + "-r1..r" + std::to_string(repeats));

  print_summary(results, o);
  std::cout.flush();
  std::fflush(stdout);

  std::string over;
  for (const auto& r : results)
    if (r.summary.failure_rate() > o.max_failure_rate)
      over += fmt::format("{}{} ({:.1f}% failed)", over.empty() ? "" : ", ", lg::detail::point_label(r.spec), 100 * r.summary.failure_rate());
  if (g_stop) throw std::runtime_error("interrupted; the points finished so far were written (an interrupted one marked partial)");
  if (!over.empty()) throw std::runtime_error(fmt::format("failure rate above --max-failure-rate {:g}: {}", o.max_failure_rate, over));
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto o = std::make_shared<bench_options>();
  CLI::App* cmd = app.add_subcommand(
      "bench",
      "Benchmark an OpenAI-compatible server: streamed requests at fixed concurrencies (closed loop,\n"
      "InferenceMAX style: prompts = k x c, 2 x c warm-ups) or at request rates (open loop), metrics\n"
      "exactly as `vllm bench serve`, one result file per point and the throughput-interactivity frontier.\n"
      "--sim benchmarks the built-in simulated server on loopback.");
  const char* server = "Server";
  cmd->add_option("--url", o->url, "base URL (http://host:port, .../v1, or a full .../completions path)")->group(server);
  cmd->add_option("--model", o->model, "model name to request (default: the one /v1/models lists)")->group(server);
  cmd->add_option("--endpoint", o->endpoint, "completions (/v1/completions) or chat (/v1/chat/completions)")
      ->check(CLI::IsMember({"completions", "chat"}))
      ->capture_default_str()
      ->group(server);
  cmd->add_option("--api-key", o->api_key, "Bearer token (default: $OPENAI_API_KEY)")->group(server);
  cmd->add_option("--header", o->headers, "extra request header NAME: VALUE (repeatable)")->group(server);
  cmd->add_flag("--insecure", o->insecure, "https: do not verify the server certificate")->group(server);
  cmd->add_option("--ca-file", o->ca_file, "https: PEM certificates to trust besides the system's ($SSL_CERT_FILE, $SSL_CERT_DIR)")
      ->group(server);
  cmd->add_flag("--no-keep-alive", o->no_keep_alive, "a new connection per request (Connection: close)")->group(server);
  cmd->add_option("--connect-timeout", o->connect_timeout_s, "seconds for TCP connect (+ TLS); 0: none; at most 86400")
      ->capture_default_str()
      ->group(server);
  cmd->add_option("--first-token-timeout", o->first_token_timeout_s, "seconds from send to the first chunk; 0: none; at most 86400")
      ->capture_default_str()
      ->group(server);
  cmd->add_option("--idle-timeout", o->idle_timeout_s, "seconds of silence allowed mid-stream; 0: none; at most 86400")
      ->capture_default_str()
      ->group(server);
  cmd->add_option("--io-threads", o->io_threads, "client I/O threads (requests dealt round-robin, the cap split evenly)")
      ->capture_default_str()
      ->group(server);

  const char* load = "Load";
  cmd->add_option("--concurrency", o->concurrency, "comma-separated concurrencies (closed loop), e.g. 1,2,4,8")->group(load);
  cmd->add_option("--num-prompts-per-concurrency", o->prompts_per_concurrency, "prompts = K x concurrency (InferenceMAX: 10)")
      ->capture_default_str()
      ->group(load);
  cmd->add_option("--num-prompts", o->num_prompts, "a fixed prompt count per point instead (open loop default 1000)")->group(load);
  cmd->add_option("--warmup-per-concurrency", o->warmups_per_concurrency, "warm-ups = W x concurrency, excluded (InferenceMAX: 2)")
      ->capture_default_str()
      ->group(load);
  cmd->add_option("--rate", o->rate, "comma-separated request rates per second (open loop)")->group(load);
  cmd->add_option("--arrival", o->arrival, "open-loop arrivals: poisson, gamma or constant")
      ->check(CLI::IsMember({"poisson", "gamma", "constant"}))
      ->capture_default_str()
      ->group(load);
  cmd->add_option("--burstiness", o->burstiness, "gamma shape (< 1 burstier, 1 = Poisson)")->capture_default_str()->group(load);
  cmd->add_option("--ramp-up", o->ramp, "linear:START:END or exponential:START:END request rates by request index")->group(load);
  cmd->add_option("--duration", o->duration_s, "seconds per point: nothing is sent after it")->group(load);
  cmd->add_option("--repeats", o->repeats, "run the whole sweep N times, one run id per repeat (intervals in `inferlens compare`)")
      ->capture_default_str()
      ->group(load);
  cmd->add_option("--max-failure-rate", o->max_failure_rate, "exit non-zero when a point fails more (InferenceMAX: 0.05)")
      ->capture_default_str()
      ->group(load);

  const char* work = "Workload";
  cmd->add_option("--isl", o->isl, "input lengths (tokens), comma-separated, paired with --osl")->capture_default_str()->group(work);
  cmd->add_option("--osl", o->osl, "output lengths (max_tokens), comma-separated")->capture_default_str()->group(work);
  cmd->add_option("--range-ratio", o->range_ratio, "spread lengths by R (needs --range-convention)")->group(work);
  cmd->add_option("--range-convention", o->range_convention,
                  "inferencemax: uniform in [R*L, L] (InferenceMAX, SGLang); vllm: [L(1-R), L(1+R)] (vllm bench serve)")
      ->check(CLI::IsMember({"inferencemax", "vllm"}))
      ->group(work);
  cmd->add_option("--random-prefix-len", o->prefix_len, "a random prefix of N tokens shared by every prompt (prefix caching)")
      ->capture_default_str()
      ->group(work);
  cmd->add_option("--seed", o->seed, "seed of prompts, lengths and arrivals")->capture_default_str()->group(work);
  cmd->add_option("--dataset", o->dataset, "random, jsonl:FILE (prompts) or trace:FILE (arrival, lengths)")
      ->capture_default_str()
      ->group(work);
  cmd->add_option("--trace-time-scale", o->trace_time_scale, "multiply a trace's arrival gaps")->capture_default_str()->group(work);
  cmd->add_option("--prompt-format", o->prompt_format, "auto (token ids if the server takes them), ids or text")
      ->check(CLI::IsMember({"auto", "ids", "text"}))
      ->capture_default_str()
      ->group(work);
  cmd->add_option("--temperature", o->temperature, "sampling temperature sent with every request")->capture_default_str()->group(work);
  cmd->add_flag("--no-ignore-eos", o->no_ignore_eos, "do not send ignore_eos (outputs may end before --osl)")->group(work);
  cmd->add_flag("--continuous-usage", o->continuous_usage, "ask for per-chunk usage (vLLM/SGLang/TRT-LLM): exact tokens per chunk")
      ->group(work);
  cmd->add_option("--extra-body", o->extra_body, "JSON object merged into every request body")->group(work);

  const char* metrics = "Metrics and output";
  cmd->add_option("--ttft-rule", o->ttft_rule,
                  "content: first token = first chunk with text (default); any-choice: first chunk with choices (vLLM's client)")
      ->check(CLI::IsMember({"content", "any-choice", "vllm"}))
      ->capture_default_str()
      ->group(metrics);
  cmd->add_option("--goodput", o->goodput, "SLOs in ms, e.g. ttft:500,tpot:50 (a request is good when it meets all)")->group(metrics);
  cmd->add_option("--percentiles", o->percentiles, "extra percentiles in each result, e.g. 50,90,99,99.9 (p90/p99/p99.9 always)")
      ->group(metrics);
  cmd->add_option("--matrix", o->matrix, "JSON sweep matrix (InferenceMAX master-config style) instead of --isl/--osl/--concurrency")
      ->group(metrics);
  cmd->add_option("--out", o->out_dir, "directory: results/*.json (one per point), requests/*.jsonl, sweep.json, run.json, report.html")->group(metrics);
  cmd->add_flag("--overwrite", o->overwrite, "--out holds an earlier run: replace its results")->group(metrics);
  cmd->add_flag("--append", o->append, "--out holds an earlier run: add this one beside it (a new run id)")->group(metrics);
  cmd->add_option("--format", o->format, "table or json (stdout)")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str()
      ->group(metrics);
  cmd->add_option("--progress-interval", o->progress_interval_s, "seconds between progress lines when stderr is not a terminal")
      ->capture_default_str()
      ->group(metrics);
  cmd->add_flag("--quiet", o->quiet, "no progress or per-point lines on stderr")->group(metrics);

  const char* identity = "Identity (recorded in every point; GPUs make per-GPU throughput)";
  cmd->add_option("--hw", o->hw, "accelerator label, e.g. h100 or b200-trt")->group(identity);
  cmd->add_option("--framework", o->framework, "serving engine, e.g. vllm, sglang, trt")->group(identity);
  cmd->add_option("--precision", o->precision, "fp8, fp4, bf16, ...")->group(identity);
  cmd->add_option("--image", o->image, "engine image or version")->group(identity);
  cmd->add_option("--model-prefix", o->model_prefix, "short model code for file names")->group(identity);
  cmd->add_option("--spec-decoding", o->spec_decoding, "none, mtp, eagle3, ...")->group(identity);
  cmd->add_option("--tp", o->tp, "tensor parallel size (GPUs = tp x pp unless --gpus)")->group(identity);
  cmd->add_option("--ep", o->ep, "expert parallel size")->group(identity);
  cmd->add_option("--pp", o->pp, "pipeline parallel size")->group(identity);
  cmd->add_option("--gpus", o->gpus, "GPUs serving the endpoint")->group(identity);

  const char* simg = "Simulated server (--sim)";
  cmd->add_flag("--sim", o->sim, "start the simulated server in this process on 127.0.0.1 and benchmark it")->group(simg);
  cmd->add_option("--sim-personality", o->sim_personality, "whose framing and behaviour: vllm, sglang, llama.cpp, tgi or trt")
      ->capture_default_str()
      ->group(simg);
  cmd->add_option("--sim-time-scale", o->sim_time_scale, "wall seconds per model second (0.05: 20x faster than real time)")
      ->capture_default_str()
      ->group(simg);
  cmd->add_flag("--sim-wall-time", o->sim_wall_time, "report what the wall clock measured instead of converting to the model's time")
      ->group(simg);
  cmd->add_option("--sim-tokens-per-chunk", o->sim_tokens_per_chunk, "tokens per SSE event after the first (0: the personality's)")
      ->capture_default_str()
      ->group(simg);
  cmd->add_option("--sim-fault", o->sim_faults,
                  "KIND=P: inject a fault into a fraction P of requests (http_error, reset, truncate, malformed_sse,\n"
                  "error_event, stall, slow_write, invalid_utf8); repeatable")
      ->group(simg);
  cmd->add_option("--model-from", o->sim_calibrated.model_from,
                  "result files or directories: the simulated server takes the step times of a system calibrated on\n"
                  "them (docs/simulator.md), at --tp (default: the tp measured most)")
      ->group(simg);
  cmd->add_option("--sim-system", o->sim_calibrated.system,
                  "with --model-from: the system, 'model precision accelerator engine[ spec]' (the error lists them)")
      ->group(simg);
  cmd->add_option("--sim-filter", o->sim_calibrated.filters, "with --model-from: COLUMN=VALUE, keep only matching rows (repeatable)")
      ->group(simg);
  cmd->add_option("--sim-seed", o->sim_seed, "seed of the server's EOS and fault draws")->capture_default_str()->group(simg);
  cmd->callback([o] { run_bench(*o); });
}

}  // namespace inferlens::cli
