// `inferlens serve-sim`: runs the simulated OpenAI-compatible server (sim/server.hpp) until SIGINT,
// SIGTERM or --duration. The first line of standard output is "listening on http://HOST:PORT", so a
// script can start it with --port 0 and read the port back; everything else goes to standard error.
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <cerrno>
#include <cmath>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include <inferlens/error.hpp>
#include <inferlens/sim/server.hpp>

#include "commands.hpp"
#include "sim_cli.hpp"

namespace inferlens::cli {
namespace {

/// Options in the units people type (ms, µs, ns); converted to the model's seconds at start.
struct serve_sim_options {
  sim::server_options server;
  bool fast = false;
  double duration_s = 0.0;
  double decode_base_ms = sim::step_model{}.decode_base_s * 1e3;
  double decode_per_seq_ms = sim::step_model{}.decode_per_seq_s * 1e3;
  double kv_read_ns_per_token = sim::step_model{}.kv_read_s_per_token * 1e9;
  double prefill_us_per_token = sim::step_model{}.prefill_s_per_token * 1e6;
  int max_batch = sim::step_model{}.max_batch;
  std::int64_t kv_capacity_tokens = sim::step_model{}.kv_capacity_tokens;
  int prefill_token_budget = sim::step_model{}.prefill_token_budget;
  int max_model_len = sim::step_model{}.max_model_len_tokens;
  double eos_probability = sim::step_model{}.eos_probability_per_token;
  double slow_write_delay_ms = sim::fault_options{}.slow_write_delay_s * 1e3;
  bool truncate_at_boundary = false;
  std::string personality = "vllm";
  calibrated_cli_options calibrated;  // --model-from RESULTS
};

void add_fault(CLI::App* cmd, const std::string& name, sim::fault_rule& rule, const std::string& what) {
  cmd->add_option("--fault-" + name, rule.probability, "probability per generation request of " + what)
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str()
      ->group("Faults");
  cmd->add_option("--fault-" + name + "-every", rule.every_nth, "also inject it on every Nth generation request (0: off)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group("Faults");
}

/// Lets the process hold as many connections as its hard limit allows.
void raise_file_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

/// Blocks until SIGINT/SIGTERM, or until `duration_s` passes when it is positive. The signals are
/// blocked in every thread (the server's inherits the mask), so waiting for them here is race-free.
void wait_for_signal(const sigset_t& signals, double duration_s) {
  if (duration_s <= 0.0) {
    int signal = 0;
    sigwait(&signals, &signal);
    return;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(duration_s);
  for (;;) {
    const auto left = std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0.0) return;
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(left);
    ts.tv_nsec = static_cast<long>((left - static_cast<double>(ts.tv_sec)) * 1e9);
    if (sigtimedwait(&signals, nullptr, &ts) >= 0) return;  // a signal
    if (errno != EINTR && errno != EAGAIN) return;
  }
}

void run_serve_sim(serve_sim_options& o, const CLI::App& cmd) {
  // CLI11's range checks let NaN through (every comparison with it is false)
  const std::pair<double, const char*> finite[] = {
      {o.server.time_scale, "--time-scale"},           {o.duration_s, "--duration"},
      {o.decode_base_ms, "--decode-base-ms"},          {o.decode_per_seq_ms, "--decode-per-seq-ms"},
      {o.kv_read_ns_per_token, "--kv-read-ns-per-token"}, {o.prefill_us_per_token, "--prefill-us-per-token"},
      {o.eos_probability, "--eos-probability"},        {o.slow_write_delay_ms, "--slow-write-delay-ms"},
      {o.server.faults.stall_s, "--stall-s"},          {o.server.idle_timeout_s, "--idle-timeout"},
      {o.server.header_timeout_s, "--header-timeout"}};
  for (const auto& [v, name] : finite)
    if (!std::isfinite(v) || v > 1e9) throw input_error({name, {}, {}, std::to_string(v)}, "expected a finite number");
  // --fast or --model-from starts from its shape; explicit model options still apply on top of it.
  if (o.fast && o.calibrated.given()) throw input_error({"--model-from", {}, {}, ""}, "--fast and --model-from are two step models: give one");
  std::optional<sim::calibrated_system> calibrated;
  if (o.calibrated.given()) calibrated = calibrated_from(o.calibrated, sim::step_model{});
  sim::step_model m = o.fast ? sim::step_model::fast() : calibrated ? calibrated->step.model : sim::step_model{};
  const bool preset = o.fast || calibrated.has_value();
  const auto given = [&](const char* name) { return !preset || cmd.get_option(name)->count() > 0; };
  if (given("--decode-base-ms")) m.decode_base_s = o.decode_base_ms * 1e-3;
  if (given("--decode-per-seq-ms")) m.decode_per_seq_s = o.decode_per_seq_ms * 1e-3;
  if (given("--kv-read-ns-per-token")) m.kv_read_s_per_token = o.kv_read_ns_per_token * 1e-9;
  if (given("--prefill-us-per-token")) m.prefill_s_per_token = o.prefill_us_per_token * 1e-6;
  if (given("--max-batch")) m.max_batch = o.max_batch;
  if (given("--kv-capacity-tokens")) m.kv_capacity_tokens = o.kv_capacity_tokens;
  if (given("--prefill-token-budget")) m.prefill_token_budget = o.prefill_token_budget;
  if (given("--max-model-len")) m.max_model_len_tokens = o.max_model_len;
  if (given("--eos-probability")) m.eos_probability_per_token = o.eos_probability;
  o.server.model = m;
  o.server.faults.slow_write_delay_s = o.slow_write_delay_ms * 1e-3;
  o.server.faults.truncate_mid_event = !o.truncate_at_boundary;
  o.server.record_traces = false;  // nobody reads them here; a long run would only grow
  o.server.personality = *sim::parse_personality(o.personality);

  raise_file_limit();
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &signals, &previous);

  sim::server server(o.server);
  server.start();
  std::fprintf(stdout, "listening on %s\n", server.base_url().c_str());
  std::fflush(stdout);
  if (!server.loopback_only())
    std::fputs(fmt::format("serve-sim: warning: listening on {} is reachable from other machines{}; use --host 127.0.0.1 "
                           "(or ::1) to keep it on this one\n",
                           server.address(), o.server.api_key.empty() ? " and asks for no API key" : "")
                   .c_str(),
               stderr);
  std::fputs(fmt::format("serve-sim: model '{}', step {:.3g} ms + {:.3g} ms/seq + {:.3g} ns/KV token, "
                         "prefill {:.3g} us/token, batch <= {}, KV {} tokens, budget {} tokens/step, "
                         "EOS p = {}, {} token(s)/chunk, time scale {}{}; personality {}, idle timeout {} s, header "
                         "timeout {} s, at most {} connections\n",
                         o.server.model_name, m.decode_base_s * 1e3, m.decode_per_seq_s * 1e3,
                         m.kv_read_s_per_token * 1e9, m.prefill_s_per_token * 1e6, m.max_batch,
                         m.kv_capacity_tokens, m.prefill_token_budget, m.eos_probability_per_token,
                         o.server.tokens_per_chunk > 0 ? std::to_string(o.server.tokens_per_chunk)
                                                       : std::to_string(sim::traits_of(o.server.personality).tokens_per_delta),
                         o.server.time_scale, o.fast ? " (fast preset)" : calibrated ? " (calibrated)" : "", sim::to_string(o.server.personality),
                         o.server.idle_timeout_s, o.server.header_timeout_s,
                         server.options().max_connections)
                 .c_str(),
             stderr);

  if (m.moe_expert_read_s > 0)
    std::fputs(fmt::format("serve-sim: MoE experts: up to {:.3g} ms a step, {:.3g} of them per sequence\n", m.moe_expert_read_s * 1e3,
                           m.moe_expert_share)
                   .c_str(),
               stderr);
  if (calibrated) std::fputs(fmt::format("serve-sim: {}\n", calibrated_note(*calibrated)).c_str(), stderr);

  wait_for_signal(signals, o.duration_s);
  server.stop();
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);

  const sim::server_counters c = server.counters();
  std::fputs(fmt::format("serve-sim: {} connections, {} requests ({} generation, {} completed), {} tokens, "
                         "{} faults injected, {} connections timed out, {} refused and {} evicted at the cap\n",
                         c.connections, c.requests, c.generation_requests, c.completed, c.tokens, c.faults, c.timed_out,
                         c.refused, c.evicted)
                 .c_str(),
             stderr);
}

}  // namespace

void add_serve_sim_command(CLI::App& app) {
  auto o = std::make_shared<serve_sim_options>();
  CLI::App* cmd = app.add_subcommand(
      "serve-sim",
      "Run a simulated OpenAI-compatible server (POST /v1/completions, /v1/chat/completions, GET /v1/models,\n"
      "/health) with a continuous-batching step-time model and optional fault injection, for testing and\n"
      "demonstrating load generators. Prints \"listening on http://HOST:PORT\" as its first line of output\n"
      "and runs until SIGINT/SIGTERM or --duration. See docs/simulator.md.");

  sim::server_options& s = o->server;
  cmd->add_option("--host", s.host, "address (IPv4, IPv6) or host name to listen on; keep it on loopback")->capture_default_str();
  cmd->add_option("--personality", o->personality, "reproduce vllm, sglang, llama.cpp, tgi or trt (framing, parameters, connections)")
      ->check(CLI::IsMember({"vllm", "sglang", "llama.cpp", "tgi", "trt"}))
      ->capture_default_str();
  cmd->add_option("--idle-timeout", s.idle_timeout_s, "close a connection waiting this many seconds for a request (0: never)")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  cmd->add_option("--header-timeout", s.header_timeout_s, "seconds a request may take to arrive once it began (0: no limit)")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  cmd->add_option("--max-connections", s.max_connections,
                  "connections open at once; at the cap the longest-idle one is closed, else 503 (0: the fd limit - 64)")
      ->capture_default_str();
  cmd->add_option("--port", s.port, "port to listen on; 0 picks a free one (read it from the first line)")
      ->capture_default_str();
  cmd->add_option("--model", s.model_name, "model name served; requests naming another model get 404")
      ->capture_default_str();
  cmd->add_option("--api-key", s.api_key, "require `Authorization: Bearer KEY` on /v1/* (default: no check)");
  cmd->add_option("--tokens-per-chunk", s.tokens_per_chunk,
                  "tokens per SSE event after the first one (>1 imitates vLLM's --stream-interval; 0: the personality's)")
      ->check(CLI::Range(0, 10000))
      ->capture_default_str();
  cmd->add_option("--time-scale", s.time_scale,
                  "wall seconds per model second: 0.1 runs 10x faster than the model says, 0 never waits")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--seed", s.seed, "seed of EOS draws and completion ids")->capture_default_str();
  cmd->add_option("--duration", o->duration_s, "stop after this many seconds (default: run until SIGINT/SIGTERM)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-steps-without-yield", s.max_steps_without_yield,
                  "when CPU-bound, engine steps run back to back before connections write (more = bigger writes)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();

  const char* model = "Step-time model";
  const char* cal = "Calibrated step times (--model-from)";
  cmd->add_option("--model-from", o->calibrated.model_from,
                  "result files or directories: serve with the step times of a system calibrated on them\n"
                  "(docs/prediction.md); model options given explicitly still apply on top")
      ->group(cal);
  cmd->add_option("--system", o->calibrated.system,
                  "with --model-from: the system, 'model precision accelerator engine[ spec]' (the error lists them)")
      ->group(cal);
  cmd->add_option("--filter", o->calibrated.filters, "with --model-from: COLUMN=VALUE, keep only matching rows (repeatable)")
      ->group(cal);
  cmd->add_option("--tp", o->calibrated.tp, "with --model-from: tensor-parallel size (default: the one measured most)")
      ->check(CLI::PositiveNumber)
      ->group(cal);
  cmd->add_option("--isl", o->calibrated.isl, "with --model-from: ISL the step model assumes (default: the one measured most)")
      ->check(CLI::PositiveNumber)
      ->group(cal);
  cmd->add_option("--osl", o->calibrated.osl, "with --model-from: OSL the step model assumes (default: the one measured most)")
      ->check(CLI::PositiveNumber)
      ->group(cal);
  cmd->add_flag("--fast", o->fast,
                "benchmark preset: 50 us steps, no batch/KV limit, free prefill, no EOS; the server runs CPU-bound "
                "and streams as fast as it can (model options given explicitly still apply)")
      ->group(model);
  cmd->add_option("--decode-base-ms", o->decode_base_ms, "fixed cost of every engine step")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group(model);
  cmd->add_option("--decode-per-seq-ms", o->decode_per_seq_ms, "added per sequence decoding in the step")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group(model);
  cmd->add_option("--kv-read-ns-per-token", o->kv_read_ns_per_token,
                  "added per context token (prompt + generated) of the decoding sequences")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group(model);
  cmd->add_option("--prefill-us-per-token", o->prefill_us_per_token, "added per prompt token prefilled in the step")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group(model);
  cmd->add_option("--max-batch", o->max_batch, "most sequences running at once (vLLM max_num_seqs)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->group(model);
  cmd->add_option("--kv-capacity-tokens", o->kv_capacity_tokens,
                  "KV cache size; each request reserves prompt + max_tokens while it runs, others wait")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->group(model);
  cmd->add_option("--prefill-token-budget", o->prefill_token_budget,
                  "tokens per step: one per decoding sequence, the rest for prefill chunks (max_num_batched_tokens)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->group(model);
  cmd->add_option("--max-model-len", o->max_model_len, "longest prompt + max_tokens accepted (longer: 400)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->group(model);
  cmd->add_option("--eos-probability", o->eos_probability,
                  "per-token chance of EOS for requests without ignore_eos (finish_reason \"stop\")")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str()
      ->group(model);

  sim::fault_options& f = s.faults;
  add_fault(cmd, "http-error", f.http_error, "an HTTP error response with an OpenAI error body");
  cmd->add_option("--http-error-status", f.http_error_status, "status of injected HTTP errors (429, 500, 503, ...)")
      ->check(CLI::Range(400, 599))
      ->capture_default_str()
      ->group("Faults");
  add_fault(cmd, "reset", f.reset, "a TCP reset mid-stream");
  cmd->add_option("--reset-after-chunks", f.reset_after_chunks, "content events sent before the reset (0: before any response)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group("Faults");
  add_fault(cmd, "truncate", f.truncate, "a stream that ends without data: [DONE]");
  cmd->add_option("--truncate-after-chunks", f.truncate_after_chunks, "content events sent before the stream ends")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group("Faults");
  cmd->add_flag("--truncate-at-boundary", o->truncate_at_boundary,
                "end truncated streams between events (default: inside the next event's JSON)")
      ->group("Faults");
  add_fault(cmd, "malformed", f.malformed_sse, "one SSE data line of invalid JSON");
  cmd->add_option("--malformed-chunk", f.malformed_chunk, "0-based index of the content event sent malformed")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group("Faults");
  add_fault(cmd, "error-event", f.error_event, "an `event: error` chunk mid-stream, then [DONE]");
  cmd->add_option("--error-event-after-chunks", f.error_event_after_chunks, "content events sent before the error event")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group("Faults");
  add_fault(cmd, "stall", f.stall, "a pause in the stream (tokens pile up, then arrive together)");
  cmd->add_option("--stall-after-chunks", f.stall_after_chunks, "content events sent before the stall")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group("Faults");
  cmd->add_option("--stall-s", f.stall_s, "length of a stall in wall seconds")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group("Faults");
  add_fault(cmd, "slow-write", f.slow_write, "every write of the response split into delayed pieces");
  add_fault(cmd, "invalid-utf8", f.invalid_utf8, "chunk ids and error messages with bytes that are not UTF-8");
  cmd->add_option("--slow-write-pieces", f.slow_write_pieces, "pieces per write")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->group("Faults");
  cmd->add_option("--slow-write-delay-ms", o->slow_write_delay_ms, "wall milliseconds between pieces")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group("Faults");
  cmd->add_option("--fault-seed", f.seed, "seed of the fault draws")->capture_default_str()->group("Faults");

  cmd->callback([o, cmd] { run_serve_sim(*o, *cmd); });
}

}  // namespace inferlens::cli
