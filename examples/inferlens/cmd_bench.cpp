// `inferlens bench`: drive an OpenAI-compatible server (or the built-in simulated one with --sim)
// through a sweep of concurrencies (or rates) × ISL/OSL pairs, write InferenceMAX-style result
// files, and print the sweep and its throughput–interactivity frontier.
#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <inferlens/loadgen/sweep.hpp>
#include <inferlens/pareto.hpp>
#include <inferlens/sim/server.hpp>

#include "commands.hpp"
#include "common.hpp"

namespace inferlens::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_interrupt(int) { g_stop.store(true); }

struct bench_options {
  std::string url, model, endpoint = "completions", api_key;
  std::string isl = "1024", osl = "1024", concurrency, rate;
  std::size_t prompts_per_concurrency = 10, warmups_per_concurrency = 2;
  std::optional<std::size_t> num_prompts;
  std::string arrival = "poisson";
  double burstiness = 1.0;
  std::string ramp;  // linear:START:END or exponential:START:END
  std::optional<double> duration_s;
  std::optional<double> range_ratio;
  std::string range_convention;
  std::uint64_t seed = 0;
  std::string dataset = "random";
  double trace_time_scale = 1.0;
  std::string prompt_format = "auto";
  std::optional<double> temperature = 0.0;
  bool no_ignore_eos = false, continuous_usage = false, insecure = false;
  std::string extra_body;
  std::vector<std::string> headers;
  double connect_timeout_s = 10, first_token_timeout_s = 600, idle_timeout_s = 120;
  std::string ttft_rule = "content";
  std::string goodput;
  double max_failure_rate = 0.05;
  std::string matrix, out_dir, format = "table";
  // identity
  std::string hw, framework, precision, image, model_prefix, spec_decoding;
  std::optional<std::int64_t> tp, ep, pp, gpus;
  // simulated server
  bool sim = false;
  double sim_time_scale = 0.05;
  bool sim_wall_time = false;
  int sim_tokens_per_chunk = 1;
  std::vector<std::string> sim_faults;
  std::uint64_t sim_seed = 0;
  bool quiet = false;
};

loadgen::ramp_up parse_ramp(const std::string& s) {
  loadgen::ramp_up r;
  if (s.empty()) return r;
  const auto parts = [&] {
    std::vector<std::string> v;
    std::string cur;
    for (char c : s) {
      if (c == ':') {
        v.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    v.push_back(cur);
    return v;
  }();
  if (parts.size() != 3 || (parts[0] != "linear" && parts[0] != "exponential"))
    throw input_error({"--ramp-up", {}, {}, s}, "expected linear:START_RPS:END_RPS or exponential:START_RPS:END_RPS");
  r.kind = parts[0] == "linear" ? loadgen::ramp_up::shape::linear : loadgen::ramp_up::shape::exponential;
  r.start_rps = parse_number_list<double>(parts[1], "--ramp-up", true).at(0);
  r.end_rps = parse_number_list<double>(parts[2], "--ramp-up", true).at(0);
  return r;
}

loadgen::slo parse_goodput(const std::string& s) {
  loadgen::slo g;
  for (const auto& item : split_list(s)) {
    const auto colon = item.find(':');
    if (colon == std::string::npos) throw input_error({"--goodput", {}, {}, item}, "expected ttft:MS, tpot:MS or e2el:MS");
    const std::string key = item.substr(0, colon);
    const double v = parse_number_list<double>(item.substr(colon + 1), "--goodput", true).at(0);
    if (key == "ttft") g.ttft_ms = v;
    else if (key == "tpot") g.tpot_ms = v;
    else if (key == "e2el") g.e2el_ms = v;
    else throw input_error({"--goodput", {}, {}, item}, "expected ttft:MS, tpot:MS or e2el:MS");
  }
  return g;
}

void apply_sim_fault(sim::fault_options& f, const std::string& spec) {
  const auto eq = spec.find('=');
  const std::string kind = spec.substr(0, eq);
  const double p = eq == std::string::npos ? 0.0 : std::atof(spec.c_str() + eq + 1);
  if (eq == std::string::npos || !(p >= 0.0 && p <= 1.0))
    throw input_error({"--sim-fault", {}, {}, spec}, "expected KIND=PROBABILITY with a probability in [0, 1]");
  sim::fault_rule* r = kind == "http_error"      ? &f.http_error
                       : kind == "reset"         ? &f.reset
                       : kind == "truncate"      ? &f.truncate
                       : kind == "malformed_sse" ? &f.malformed_sse
                       : kind == "error_event"   ? &f.error_event
                       : kind == "stall"         ? &f.stall
                       : kind == "slow_write"    ? &f.slow_write
                                                 : nullptr;
  if (!r)
    throw input_error({"--sim-fault", {}, {}, kind},
                      "unknown fault; one of http_error, reset, truncate, malformed_sse, error_event, stall, slow_write");
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

void print_points(const std::vector<loadgen::point_result>& results) {
  fmt::print("\n{:>11} {:>9} {:>5} {:>4} {:>8} {:>10} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>10}\n", "isl/osl", "load", "ok",
             "fail", "req/s", "out tok/s", "tok/s/gpu", "TTFT p50", "TTFT p99", "TPOT p50", "ITL p50", "E2EL p50",
             "tok/s/user");
  fmt::print("{:>11} {:>9} {:>5} {:>4} {:>8} {:>10} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>10}\n", "", "", "", "", "", "",
             "", "ms", "ms", "ms", "ms", "ms", "(median)");
  for (const auto& r : results) {
    const auto& p = r.summary.point;
    fmt::print("{:>11} {:>9} {:>5} {:>4} {:>8} {:>10} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>10}\n",
               fmt::format("{}/{}", p.isl.value_or(0), p.osl.value_or(0)), load_label(r), r.summary.completed,
               r.summary.failed, num_or_dash(p.request_throughput, "{:.2f}"), num_or_dash(p.output_throughput),
               num_or_dash(p.tput_per_gpu), ms_or_dash(p.ttft.median), ms_or_dash(p.ttft.p99), ms_or_dash(p.tpot.median),
               ms_or_dash(p.itl.median), ms_or_dash(p.e2el.median), num_or_dash(p.intvty.median));
  }
}

// The frontier of the sweep: interactivity up, throughput (per GPU when known) up.
std::vector<std::size_t> sweep_frontier(const std::vector<loadgen::point_result>& results, bool per_gpu) {
  std::vector<double> x, y;
  for (const auto& r : results) {
    const auto& p = r.summary.point;
    const std::optional<double> yy = per_gpu ? p.tput_per_gpu : p.output_throughput;
    x.push_back(p.intvty.median.value_or(std::nan("")));
    y.push_back(yy.value_or(std::nan("")));
  }
  return frontier_2d(x, y);
}

void print_frontier(const std::vector<loadgen::point_result>& results, bool per_gpu) {
  const auto f = sweep_frontier(results, per_gpu);
  fmt::print("\nfrontier ({} of {} points): {} against median interactivity\n", f.size(), results.size(),
             per_gpu ? "total tok/s per GPU" : "output tok/s (no GPU count given: --gpus or --tp)");
  fmt::print("{:>14} {:>14} {:>11} {:>9}\n", "tok/s/user", per_gpu ? "tok/s/gpu" : "out tok/s", "isl/osl", "load");
  for (std::size_t i : f) {
    const auto& p = results[i].summary.point;
    fmt::print("{:>14.1f} {:>14.1f} {:>11} {:>9}\n", *p.intvty.median, per_gpu ? *p.tput_per_gpu : *p.output_throughput,
               fmt::format("{}/{}", p.isl.value_or(0), p.osl.value_or(0)), load_label(results[i]));
  }
}

void run_bench(const bench_options& o) {
  namespace lg = loadgen;
  raise_file_limit();
  lg::sweep_options so;
  lg::client_options& co = so.client;

  // the simulated server, in this process on loopback
  std::unique_ptr<sim::server> server;
  if (o.sim) {
    if (!o.url.empty()) throw input_error({"--sim", {}, {}, o.url}, "--sim starts its own server: leave out --url");
    sim::server_options sopt;
    sopt.time_scale = o.sim_time_scale;
    sopt.tokens_per_chunk = o.sim_tokens_per_chunk;
    sopt.seed = o.sim_seed;
    sopt.faults.seed = o.sim_seed;
    for (const auto& f : o.sim_faults) apply_sim_fault(sopt.faults, f);
    if (!o.model.empty()) sopt.model_name = o.model;
    server = std::make_unique<sim::server>(sopt);
    server->start();
    co.url = server->base_url();
    co.request.model = sopt.model_name;
    if (!o.sim_wall_time && o.sim_time_scale > 0) so.time_scale = o.sim_time_scale;
    if (!o.quiet)
      std::fprintf(stderr, "inferlens: simulated server on %s, running %gx faster than its model's real time; %s\n",
                   co.url.c_str(), o.sim_time_scale > 0 ? 1.0 / o.sim_time_scale : 0.0,
                   so.time_scale != 1.0 ? "results are in model time (--sim-wall-time for the wall clock's)"
                                        : "results are in wall time");
  } else {
    if (o.url.empty()) throw input_error({"--url", {}, {}, ""}, "give the server's --url (or --sim)");
    if (o.model.empty()) throw input_error({"--model", {}, {}, ""}, "give the served --model name");
    co.url = o.url;
    co.request.model = o.model;
  }
  const auto api = lg::parse_api_kind(o.endpoint);
  if (!api) throw input_error({"--endpoint", {}, {}, o.endpoint}, "expected completions or chat");
  co.request.api = *api;
  co.request.api_key = o.api_key;
  if (co.request.api_key.empty())
    if (const char* k = std::getenv("OPENAI_API_KEY")) co.request.api_key = k;
  co.request.temperature = o.temperature;
  co.request.ignore_eos = !o.no_ignore_eos;
  co.request.continuous_usage = o.continuous_usage;
  if (!o.extra_body.empty()) {
    try {
      co.request.extra_body = nlohmann::json::parse(o.extra_body);
    } catch (const nlohmann::json::parse_error& e) {
      throw input_error({"--extra-body", {}, {}, ""}, std::string("not valid JSON: ") + e.what());
    }
    if (!co.request.extra_body.is_object()) throw input_error({"--extra-body", {}, {}, ""}, "expected a JSON object");
  }
  for (const auto& h : o.headers) {
    const auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0) throw input_error({"--header", {}, {}, h}, "expected NAME: VALUE");
    std::string v = h.substr(colon + 1);
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    co.request.headers.emplace_back(h.substr(0, colon), v);
  }
  const auto pf = lg::parse_prompt_format(o.prompt_format);
  if (!pf) throw input_error({"--prompt-format", {}, {}, o.prompt_format}, "expected auto, ids or text");
  co.format = *pf;
  auto secs = [](double s) { return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(s * 1000))); };
  co.timeout = {secs(o.connect_timeout_s), secs(o.first_token_timeout_s), secs(o.idle_timeout_s)};
  co.verify_tls = !o.insecure;
  if (o.ttft_rule != "content" && o.ttft_rule != "any-choice" && o.ttft_rule != "vllm")
    throw input_error({"--ttft-rule", {}, {}, o.ttft_rule}, "expected content or any-choice (vllm)");
  so.metrics.rule = o.ttft_rule == "content" ? lg::first_token_rule::content : lg::first_token_rule::any_choice;
  so.metrics.goodput = parse_goodput(o.goodput);

  so.dataset = lg::parse_dataset(o.dataset);
  so.dataset.seed = o.seed;
  so.dataset.trace_time_scale = o.trace_time_scale;
  if (o.range_ratio) {
    // two conventions give very different lengths for the same r: make the caller say which
    if (o.range_convention.empty())
      throw input_error({"--range-ratio", {}, {}, ""},
                        "say which convention: --range-convention inferencemax ([r*L, L]) or vllm ([L(1-r), L(1+r)])");
    so.dataset.range_ratio = *o.range_ratio;
  }
  if (!o.range_convention.empty()) {
    const auto rc = lg::parse_range_convention(o.range_convention);
    if (!rc) throw input_error({"--range-convention", {}, {}, o.range_convention}, "expected inferencemax or vllm");
    so.dataset.convention = *rc;
  }
  so.prompts_per_concurrency = o.prompts_per_concurrency;
  so.warmups_per_concurrency = o.warmups_per_concurrency;
  so.num_prompts = o.num_prompts;
  const auto arrival = lg::parse_arrival_process(o.arrival);
  if (!arrival) throw input_error({"--arrival", {}, {}, o.arrival}, "expected poisson, gamma or constant");
  so.arrival = *arrival;
  so.burstiness = o.burstiness;
  so.ramp = parse_ramp(o.ramp);
  so.max_duration_s = o.duration_s;
  so.out_dir = o.out_dir;

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
  if (o.sim) {
    if (id.hw.empty()) id.hw = "sim";
    if (id.framework.empty()) id.framework = "inferlens-sim";
    if (!id.tp && !id.num_gpus) id.tp = 1;  // the model is one accelerator
  }

  std::vector<lg::sweep_point> points;
  if (!o.matrix.empty()) {
    points = lg::load_matrix(o.matrix, id);
  } else {
    const auto isls = parse_number_list<std::int64_t>(o.isl, "--isl", true), osls = parse_number_list<std::int64_t>(o.osl, "--osl", true);
    if (isls.size() != osls.size() && isls.size() != 1 && osls.size() != 1)
      throw input_error({"--isl/--osl", {}, {}, ""}, "give as many --osl values as --isl values (or one of either)");
    std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
    for (std::size_t i = 0; i < std::max(isls.size(), osls.size()); ++i)
      pairs.emplace_back(isls[std::min(i, isls.size() - 1)], osls[std::min(i, osls.size() - 1)]);
    const auto concs = o.concurrency.empty() ? std::vector<std::int64_t>{} : parse_number_list<std::int64_t>(o.concurrency, "--concurrency", true);
    const auto rates = o.rate.empty() ? std::vector<double>{} : parse_number_list<double>(o.rate, "--rate", true);
    if (concs.empty() && rates.empty())
      throw input_error({"--concurrency", {}, {}, ""}, "give --concurrency 1,2,4,... (closed loop) or --rate R (open loop)");
    if (!rates.empty() && concs.size() > 1)
      throw input_error({"--rate", {}, {}, ""}, "with --rate, --concurrency is one in-flight cap");
    points = lg::grid(id, pairs, concs, rates);
  }

  g_stop = false;
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  lg::progress_display progress(stderr, !o.quiet && lg::is_terminal(stderr));
  lg::sweep_hooks hooks;
  hooks.stop = &g_stop;
  hooks.progress = &progress;
  hooks.on_point = [&](const lg::point_result& r) {
    if (o.quiet) return;
    const auto& p = r.summary.point;
    std::fprintf(stderr, "inferlens: %s: %lld ok, %lld failed, %.1f out tok/s, median TTFT %s ms, median TPOT %s ms%s\n",
                 lg::detail::point_label(r.spec).c_str(), static_cast<long long>(r.summary.completed),
                 static_cast<long long>(r.summary.failed), p.output_throughput.value_or(0), ms_or_dash(p.ttft.median).c_str(),
                 ms_or_dash(p.tpot.median).c_str(), r.result_file.empty() ? "" : (" -> " + r.result_file.string()).c_str());
  };
  const auto results = lg::run_sweep(so, points, hooks);
  if (server) server->stop();
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);

  bool per_gpu = !results.empty();
  for (const auto& r : results) per_gpu = per_gpu && r.summary.point.tput_per_gpu.has_value();
  if (o.format == "json") {
    nlohmann::json out;
    out["points"] = nlohmann::json::array();
    for (const auto& r : results) out["points"].push_back(r.raw);
    out["frontier"] = nlohmann::json::array();
    for (std::size_t i : sweep_frontier(results, per_gpu)) out["frontier"].push_back(i);
    out["frontier_y"] = per_gpu ? "tput_per_gpu" : "output_throughput";
    std::cout << out.dump(2) << '\n';
  } else {
    print_points(results);
    print_frontier(results, per_gpu);
    if (!o.out_dir.empty()) fmt::print("\nresults in {}/ (sweep.json for `inferlens frontier`)\n", o.out_dir);
  }
  std::cout.flush();
  std::fflush(stdout);

  std::string over;
  for (const auto& r : results)
    if (r.summary.failure_rate() > o.max_failure_rate)
      over += fmt::format("{}{} ({:.1f}% failed)", over.empty() ? "" : ", ", lg::detail::point_label(r.spec),
                          100 * r.summary.failure_rate());
  if (g_stop) throw std::runtime_error("interrupted; the points finished so far were written");
  if (!over.empty())
    throw std::runtime_error(fmt::format("failure rate above --max-failure-rate {:g}: {}", o.max_failure_rate, over));
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
  cmd->add_option("--model", o->model, "model name to request")->group(server);
  cmd->add_option("--endpoint", o->endpoint, "completions (/v1/completions) or chat (/v1/chat/completions)")
      ->check(CLI::IsMember({"completions", "chat"}))
      ->capture_default_str()
      ->group(server);
  cmd->add_option("--api-key", o->api_key, "Bearer token (default: $OPENAI_API_KEY)")->group(server);
  cmd->add_option("--header", o->headers, "extra request header NAME: VALUE (repeatable)")->group(server);
  cmd->add_flag("--insecure", o->insecure, "https: do not verify the server certificate")->group(server);
  cmd->add_option("--connect-timeout", o->connect_timeout_s, "seconds for TCP connect (+ TLS); 0: none")
      ->capture_default_str()
      ->group(server);
  cmd->add_option("--first-token-timeout", o->first_token_timeout_s, "seconds from send to the first chunk; 0: none")
      ->capture_default_str()
      ->group(server);
  cmd->add_option("--idle-timeout", o->idle_timeout_s, "seconds of silence allowed mid-stream; 0: none")
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
  cmd->add_flag("--continuous-usage", o->continuous_usage, "ask for per-chunk usage (vLLM/SGLang): exact tokens per chunk")->group(work);
  cmd->add_option("--extra-body", o->extra_body, "JSON object merged into every request body")->group(work);

  const char* metrics = "Metrics and output";
  cmd->add_option("--ttft-rule", o->ttft_rule,
                  "content: first token = first chunk with text (default); any-choice: first chunk with choices (vLLM's client)")
      ->check(CLI::IsMember({"content", "any-choice", "vllm"}))
      ->capture_default_str()
      ->group(metrics);
  cmd->add_option("--goodput", o->goodput, "SLOs in ms, e.g. ttft:500,tpot:50 (a request is good when it meets all)")->group(metrics);
  cmd->add_option("--matrix", o->matrix, "JSON sweep matrix (InferenceMAX master-config style) instead of --isl/--osl/--concurrency")
      ->group(metrics);
  cmd->add_option("--out", o->out_dir, "directory: results/*.json (one per point), requests/*.jsonl, sweep.json")->group(metrics);
  cmd->add_option("--format", o->format, "table or json (stdout)")
      ->check(CLI::IsMember({"table", "json"}))
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
  cmd->add_option("--sim-time-scale", o->sim_time_scale, "wall seconds per model second (0.05: 20x faster than real time)")
      ->capture_default_str()
      ->group(simg);
  cmd->add_flag("--sim-wall-time", o->sim_wall_time,
                "report what the wall clock measured instead of converting to the model's time")
      ->group(simg);
  cmd->add_option("--sim-tokens-per-chunk", o->sim_tokens_per_chunk, "tokens per SSE event after the first")
      ->capture_default_str()
      ->group(simg);
  cmd->add_option("--sim-fault", o->sim_faults,
                  "KIND=P: inject a fault into a fraction P of requests (http_error, reset, truncate, malformed_sse,\n"
                  "error_event, stall, slow_write); repeatable")
      ->group(simg);
  cmd->add_option("--sim-seed", o->sim_seed, "seed of the server's EOS and fault draws")->capture_default_str()->group(simg);
  cmd->callback([o] { run_bench(*o); });
}

}  // namespace inferlens::cli
