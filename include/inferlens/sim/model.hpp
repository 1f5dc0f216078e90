// The simulated engine: a step-time model and a vLLM-like continuous-batching scheduler on a
// virtual clock. Pure C++ and deterministic for a given seed, so it is tested without sockets;
// the simulated server (sim/server.hpp) maps its clock onto wall time.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace sim {

/// Cost and capacity of the simulated engine. The defaults give a plausible small-GPU shape
/// (an 8B-class model on one mid-range accelerator): about 8.2 ms per token at batch 1,
/// throughput saturating towards 1 / decode_per_seq_s ≈ 6,700 tok/s as the batch grows.
struct step_model {
  /// Fixed cost of every engine step that does any work (weights read, launch overheads).
  double decode_base_s = 0.008;
  /// Added per sequence that decodes a token in the step.
  double decode_per_seq_s = 0.00015;
  /// Added per context token (prompt + generated) of the decoding sequences: the KV-cache read.
  double kv_read_s_per_token = 5e-9;
  /// Added per prompt token prefilled in the step.
  double prefill_s_per_token = 20e-6;
  /// MoE: reading all the routed experts' weights of every MoE layer. A decode step of B
  /// sequences reads the share of them that B sequences touch, 1 - (1 - moe_expert_share)^B
  /// (each sequence routes to moe_expert_share = k / E of a layer's experts). 0: a dense model.
  double moe_expert_read_s = 0.0;
  double moe_expert_share = 0.0;
  /// Most sequences running at once (vLLM `max_num_seqs`).
  int max_batch = 256;
  /// KV-cache capacity. A sequence reserves prompt + max_tokens when admitted and keeps it until it
  /// ends (reserve-on-admission, no preemption); requests wait in FCFS order while it is full.
  std::int64_t kv_capacity_tokens = 262'144;
  /// Tokens processed per step: one per decoding sequence, the rest for prefill chunks
  /// (vLLM `max_num_batched_tokens` with chunked prefill). At least 1.
  int prefill_token_budget = 8192;
  /// Longest prompt + max_tokens a request may ask for (vLLM `max_model_len`).
  int max_model_len_tokens = 32'768;
  /// Without `ignore_eos`, each generated token is EOS with this probability (seeded per request),
  /// so outputs can end before max_tokens with finish_reason "stop".
  double eos_probability_per_token = 0.002;

  /// A shape for benchmarking clients: steps of 50 µs, no batch or KV limit, free prefill, no EOS.
  /// A server on it is CPU-bound and runs steps back to back, producing tokens as fast as it can.
  static step_model fast() {
    step_model m;
    m.decode_base_s = 50e-6;
    m.decode_per_seq_s = 0.0;
    m.kv_read_s_per_token = 0.0;
    m.prefill_s_per_token = 0.0;
    m.max_batch = std::numeric_limits<int>::max();
    m.kv_capacity_tokens = std::numeric_limits<std::int64_t>::max() / 4;
    m.prefill_token_budget = std::numeric_limits<int>::max();
    m.max_model_len_tokens = std::numeric_limits<int>::max() / 4;
    m.eos_probability_per_token = 0.0;
    return m;
  }

  /// Duration of one step with these contents.
  double step_seconds(int decode_sequences, std::int64_t context_tokens, std::int64_t prefill_tokens) const noexcept {
    if (decode_sequences <= 0 && prefill_tokens <= 0) return 0.0;
    return decode_base_s + decode_per_seq_s * decode_sequences + expert_read_seconds(decode_sequences) +
           kv_read_s_per_token * static_cast<double>(context_tokens) +
           prefill_s_per_token * static_cast<double>(prefill_tokens);
  }
  /// The MoE expert weights a step of `decode_sequences` reads (at least one sequence's share).
  double expert_read_seconds(double decode_sequences) const noexcept {
    if (!(moe_expert_read_s > 0) || !(moe_expert_share > 0)) return 0.0;
    return moe_expert_read_s * (1 - std::pow(1 - std::min(moe_expert_share, 1.0), std::max(decode_sequences, 1.0)));
  }
};

/// One generation request as the engine sees it.
struct request_spec {
  int prompt_tokens = 1;
  int max_tokens = 16;
  bool ignore_eos = false;
};

enum class finish_reason : std::uint8_t { none, length, stop };

/// The OpenAI spelling: "length", "stop", or "" for none.
constexpr std::string_view to_string(finish_reason r) noexcept {
  switch (r) {
    case finish_reason::length: return "length";
    case finish_reason::stop: return "stop";
    case finish_reason::none: break;
  }
  return "";
}

/// Handle of a submitted request; never 0, never reused by one scheduler.
using sequence_id = std::uint64_t;

/// Tokens a sequence produced in a step. A sequence's first token comes out of the step that
/// finishes its prefill; every later step that decodes it adds one.
struct token_event {
  sequence_id id = 0;
  int tokens = 0;
  finish_reason finish = finish_reason::none;  ///< not none: this was the sequence's last token
};

/// What one engine step did. Its tokens become visible at end_s().
struct step_result {
  double start_s = 0.0;
  double duration_s = 0.0;
  int decode_sequences = 0;         ///< sequences that decoded a token
  std::int64_t context_tokens = 0;  ///< KV tokens those decodes read
  std::int64_t prefill_tokens = 0;  ///< prompt tokens prefilled
  int admitted = 0;                 ///< waiting requests that started running
  std::vector<token_event> events;

  double end_s() const noexcept { return start_s + duration_s; }
  bool did_work() const noexcept { return decode_sequences > 0 || prefill_tokens > 0; }
};

namespace detail {

/// splitmix64's finaliser: a bijection, so distinct inputs give distinct outputs.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// A uniform draw in [0, 1) from 64 random bits.
constexpr double unit_interval(std::uint64_t bits) noexcept {
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

}  // namespace detail

/// Continuous batching on a virtual clock (seconds). Each step() runs, in this order:
/// one decode token for every running, fully prefilled, unpaused sequence (oldest first), then
/// prefill chunks of running sequences admitted earlier, then admits waiting requests FCFS while
/// the batch, the KV capacity and the step's token budget allow, prefilling what fits. The step
/// lasts step_model::step_seconds(...) and the clock advances by that much.
class scheduler {
 public:
  explicit scheduler(step_model model = {}, std::uint64_t seed = 0) : model_(model), seed_(seed) {
    model_.prefill_token_budget = std::max(model_.prefill_token_budget, 1);
    model_.max_batch = std::max(model_.max_batch, 1);
  }

  const step_model& model() const noexcept { return model_; }
  double now() const noexcept { return now_; }
  /// Lets idle time pass (arrivals are stamped with the clock); the clock never goes back.
  void advance_to(double t) noexcept { now_ = std::max(now_, t); }

  /// Whether the request can ever be served: positive sizes, within max_model_len and KV capacity.
  bool fits(const request_spec& r) const noexcept {
    if (r.prompt_tokens < 1 || r.max_tokens < 1) return false;
    const std::int64_t need = std::int64_t{r.prompt_tokens} + r.max_tokens;
    return need <= model_.max_model_len_tokens && need <= model_.kv_capacity_tokens;
  }

  /// Queues a request; nullopt when it does not fit(). Its output length (max_tokens, or less at a
  /// seeded EOS) is drawn here from the seed and the submission's ordinal.
  std::optional<sequence_id> submit(const request_spec& r) {
    if (!fits(r)) return std::nullopt;
    const std::uint32_t index = take_slot();
    sequence& s = slots_[index];
    s.live = true;
    s.prompt = r.prompt_tokens;
    s.prefilled = 0;
    s.generated = 0;
    s.reserve = std::int64_t{r.prompt_tokens} + r.max_tokens;
    s.paused = false;
    s.target = r.max_tokens;
    s.planned_finish = finish_reason::length;
    const double p = model_.eos_probability_per_token;
    ++submitted_;
    if (!r.ignore_eos && p > 0.0) {
      const double u = detail::unit_interval(detail::mix64(seed_ ^ detail::mix64(submitted_)));
      // Tokens up to and including EOS follow a geometric law.
      const double k = p >= 1.0 ? 1.0 : 1.0 + std::floor(std::log1p(-u) / std::log1p(-p));
      if (k < static_cast<double>(r.max_tokens)) {
        s.target = static_cast<int>(k);
        s.planned_finish = finish_reason::stop;
      }
    }
    waiting_.push_back(index);
    return make_id(index, s.generation);
  }

  /// Drops a request wherever it is and frees its KV. False when it is unknown or already ended.
  bool cancel(sequence_id id) {
    const auto index = find(id);
    if (!index) return false;
    if (auto w = std::find(waiting_.begin(), waiting_.end(), *index); w != waiting_.end()) {
      waiting_.erase(w);
    } else if (auto it = std::find(running_.begin(), running_.end(), *index); it != running_.end()) {
      running_.erase(it);
      kv_used_ -= slots_[*index].reserve;
    }
    release(*index);
    return true;
  }

  /// A paused sequence keeps its place and KV but is not decoded (the server pauses streams whose
  /// client is not reading, so undelivered output cannot pile up).
  void set_paused(sequence_id id, bool paused) noexcept {
    if (const auto index = find(id)) slots_[*index].paused = paused;
  }

  /// Output tokens the sequence will produce if it runs to the end (0 when unknown).
  int planned_output_tokens(sequence_id id) const noexcept {
    const auto index = find(id);
    return index ? slots_[*index].target : 0;
  }

  /// Runs one step at now() and advances the clock by its duration. The result stays valid until
  /// the next step(); submit/cancel in between do not touch it.
  const step_result& step() {
    step_result& r = last_;
    r.events.clear();
    r.start_s = now_;
    r.decode_sequences = 0;
    r.context_tokens = 0;
    r.prefill_tokens = 0;
    r.admitted = 0;
    decoding_.clear();
    first_token_.clear();
    std::int64_t budget = model_.prefill_token_budget;

    for (const std::uint32_t index : running_) {
      if (budget == 0) break;
      const sequence& s = slots_[index];
      if (s.paused || s.prefilled < s.prompt) continue;
      --budget;
      ++r.decode_sequences;
      r.context_tokens += s.prompt + s.generated;
      decoding_.push_back(index);
    }
    for (const std::uint32_t index : running_) {
      if (budget == 0) break;
      if (slots_[index].prefilled < slots_[index].prompt) prefill(index, budget, r);
    }
    while (!waiting_.empty() && budget > 0 && running_.size() < static_cast<std::size_t>(model_.max_batch)) {
      const std::uint32_t index = waiting_.front();
      if (kv_used_ + slots_[index].reserve > model_.kv_capacity_tokens) break;  // head-of-line waits
      waiting_.pop_front();
      kv_used_ += slots_[index].reserve;
      running_.push_back(index);
      ++r.admitted;
      prefill(index, budget, r);
    }

    r.duration_s = model_.step_seconds(r.decode_sequences, r.context_tokens, r.prefill_tokens);
    now_ += r.duration_s;

    bool any_finished = false;
    const auto produce = [&](std::uint32_t index) {
      sequence& s = slots_[index];
      ++s.generated;
      token_event e{make_id(index, s.generation), 1, finish_reason::none};
      if (s.generated >= s.target) {
        e.finish = s.planned_finish;
        any_finished = true;
      }
      r.events.push_back(e);
    };
    for (const std::uint32_t index : decoding_) produce(index);
    for (const std::uint32_t index : first_token_) produce(index);
    if (any_finished) {
      const auto end = std::remove_if(running_.begin(), running_.end(), [&](std::uint32_t index) {
        const sequence& s = slots_[index];
        if (s.generated < s.target) return false;
        kv_used_ -= s.reserve;
        release(index);
        return true;
      });
      running_.erase(end, running_.end());
    }
    return r;
  }

  /// Nothing waiting and nothing running.
  bool idle() const noexcept { return waiting_.empty() && running_.empty(); }
  std::size_t waiting() const noexcept { return waiting_.size(); }
  std::size_t running() const noexcept { return running_.size(); }
  std::int64_t kv_used_tokens() const noexcept { return kv_used_; }

 private:
  struct sequence {
    std::uint32_t generation = 0;
    bool live = false;
    bool paused = false;
    int prompt = 0;
    int prefilled = 0;
    int generated = 0;
    int target = 0;
    std::int64_t reserve = 0;
    finish_reason planned_finish = finish_reason::length;
  };

  static sequence_id make_id(std::uint32_t index, std::uint32_t generation) noexcept {
    return (sequence_id{generation} << 32) | index;
  }

  std::optional<std::uint32_t> find(sequence_id id) const noexcept {
    const auto index = static_cast<std::uint32_t>(id & 0xffffffffu);
    const auto generation = static_cast<std::uint32_t>(id >> 32);
    if (index >= slots_.size() || !slots_[index].live || slots_[index].generation != generation) return std::nullopt;
    return index;
  }

  std::uint32_t take_slot() {
    std::uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      index = static_cast<std::uint32_t>(slots_.size());
      slots_.emplace_back();
    }
    ++slots_[index].generation;  // ids of earlier occupants go stale; generation 0 is never used
    return index;
  }

  void release(std::uint32_t index) {
    slots_[index].live = false;
    free_.push_back(index);
  }

  void prefill(std::uint32_t index, std::int64_t& budget, step_result& r) {
    sequence& s = slots_[index];
    const std::int64_t chunk = std::min<std::int64_t>(s.prompt - s.prefilled, budget);
    if (chunk <= 0) return;
    budget -= chunk;
    s.prefilled += static_cast<int>(chunk);
    r.prefill_tokens += chunk;
    if (s.prefilled == s.prompt) first_token_.push_back(index);
  }

  step_model model_;
  std::uint64_t seed_;
  std::uint64_t submitted_ = 0;
  double now_ = 0.0;
  std::int64_t kv_used_ = 0;
  std::vector<sequence> slots_;
  std::vector<std::uint32_t> free_;
  std::deque<std::uint32_t> waiting_;
  std::vector<std::uint32_t> running_;  // admission order
  std::vector<std::uint32_t> decoding_;
  std::vector<std::uint32_t> first_token_;
  step_result last_;
};

}  // namespace sim
INFERLENS_END_NAMESPACE
