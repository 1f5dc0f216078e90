// Fuzzes the load generator's input files and the simulated server's request parser, in one
// binary (they share Boost's and nlohmann's headers, the heaviest part of the build). The first
// byte picks the parser, the rest is the document:
//   'm' sweep matrix (loadgen/sweep.hpp load_matrix, --matrix)
//   'p' dataset of prompts (loadgen/workload.hpp load_prompt_file, --dataset jsonl:FILE)
//   't' request trace (load_trace, --dataset trace:FILE)
//   'c' / 'C' a /v1/completions / /v1/chat/completions body (sim/server.hpp parse_generation)
//   any other byte: the parser its value modulo 5 picks.
// Properties: a file's error is an input_error naming the file; what reads is in range
// (positive lengths and concurrencies, finite rates and arrivals in order); the server's parser
// never throws, answers 200, 400 or 404, and a 200 is a request the model can hold.
#include <cmath>
#include <string>
#include <string_view>

#include <inferlens/loadgen/sweep.hpp>
#include <inferlens/loadgen/workload.hpp>
#include <inferlens/sim/server.hpp>

#include "fuzz.hpp"

namespace {

using namespace inferlens;

void matrix(std::string_view doc) {
  const std::string& path = fuzz::scratch_file(doc, ".matrix.json");
  try {
    for (const loadgen::sweep_point& p : loadgen::load_matrix(path, benchmark_point{})) {
      fuzz::check(p.isl >= 1 && p.osl >= 1, "matrix lengths are positive");
      fuzz::check(!p.concurrency || *p.concurrency >= 1, "matrix concurrencies are positive");
      fuzz::check(!p.rate || (std::isfinite(*p.rate) && *p.rate > 0), "matrix rates are finite and > 0");
      for (const auto& v : {p.identity.tp, p.identity.ep, p.identity.pp, p.identity.num_gpus})
        fuzz::check(!v || *v >= 1, "matrix parallel sizes are positive");
    }
  } catch (const input_error& e) {
    fuzz::check_named(e, path);
  }
}

void prompts(std::string_view doc) {
  const std::string& path = fuzz::scratch_file(doc, ".prompts.jsonl");
  try {
    for (const loadgen::prompt& p : loadgen::load_prompt_file(path, 16)) {
      fuzz::check(p.input_len >= 1 && p.output_len >= 1, "dataset lengths are positive");
      fuzz::check(!p.text.empty() || !p.token_ids.empty(), "a dataset prompt has a body");
    }
  } catch (const input_error& e) {
    fuzz::check_named(e, path);
  }
}

void trace(std::string_view doc) {
  const std::string& path = fuzz::scratch_file(doc, ".trace.jsonl");
  try {
    loadgen::trace_options o;
    o.token_id_max = 1010;
    double last = 0;
    for (const loadgen::prompt& p : loadgen::load_trace(path, o)) {
      fuzz::check(p.input_len >= 1 && p.output_len >= 1, "trace lengths are positive");
      fuzz::check(p.arrival_s && std::isfinite(*p.arrival_s) && *p.arrival_s >= last, "trace arrivals are finite and in order");
      last = *p.arrival_s;
    }
  } catch (const input_error& e) {
    fuzz::check_named(e, path);
  }
}

void request(std::string_view body, bool chat) {
  for (const sim::personality personality : sim::all_personalities) {
    sim::server_options opts;
    opts.personality = personality;
    sim::detail::generation_request r;
    std::string message;
    int status = 0;
    try {
      status = sim::detail::parse_generation(opts, chat, body, r, message);
    } catch (const std::exception& e) {
      fuzz::check(false, "the server's request parser never throws", e.what());
    }
    fuzz::check(status == 200 || status == 400 || status == 404, "the request parser answers 200, 400 or 404");
    if (status != 200) {
      fuzz::check(!message.empty(), "a refused request says why");
      continue;
    }
    const std::int64_t limit = std::min<std::int64_t>(opts.model.max_model_len_tokens, opts.model.kv_capacity_tokens);
    fuzz::check(r.prompt_tokens >= 0 && r.max_tokens >= 1 && std::int64_t{r.prompt_tokens} + r.max_tokens <= limit,
                "an accepted request fits the model", std::to_string(r.prompt_tokens) + " + " + std::to_string(r.max_tokens));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > (std::size_t{1} << 18)) return -1;
  const std::string_view doc = fuzz::text(data + 1, size - 1);
  const char pick = static_cast<char>(data[0]);
  const int which = pick == 'm' ? 0 : pick == 'p' ? 1 : pick == 't' ? 2 : pick == 'c' ? 3 : pick == 'C' ? 4 : data[0] % 5;
  switch (which) {
    case 0: matrix(doc); break;
    case 1: prompts(doc); break;
    case 2: trace(doc); break;
    default: request(doc, which == 4); break;
  }
  return 0;
}
