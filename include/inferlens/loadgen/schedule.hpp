// Arrival schedules, computed in full before a run starts. A schedule is the send deadline of
// each request in seconds after the run's start; the client waits for absolute deadlines, never
// relative sleeps (which drift: vLLM #21104), and measures its own lag behind them.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "inferlens/error.hpp"
#include "inferlens/loadgen/workload.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace loadgen {

/// Inter-arrival distribution of an open loop.
enum class arrival_process {
  constant,  ///< every 1/rate
  poisson,   ///< exponential gaps (gamma with shape 1)
  gamma,     ///< gamma gaps with shape = burstiness, mean 1/rate (burstiness < 1 is burstier)
};

inline std::optional<arrival_process> parse_arrival_process(std::string_view s) noexcept {
  if (s == "constant") return arrival_process::constant;
  if (s == "poisson") return arrival_process::poisson;
  if (s == "gamma") return arrival_process::gamma;
  return std::nullopt;
}
inline std::string_view to_string(arrival_process a) noexcept {
  switch (a) {
    case arrival_process::constant: return "constant";
    case arrival_process::poisson: return "poisson";
    case arrival_process::gamma: return "gamma";
  }
  return "poisson";
}

/// A rate that changes with the request index, as `vllm bench serve --ramp-up-strategy`:
/// progress = i / (n − 1); linear: start + (end − start)·progress; exponential:
/// start·(end/start)^progress.
struct ramp_up {
  enum class shape { none, linear, exponential };
  shape kind = shape::none;
  double start_rps = 0.0, end_rps = 0.0;
};

/// An open-loop schedule's parameters.
struct rate_options {
  double rate = 1.0;  ///< requests per second (the end rate's scale when ramping is off)
  arrival_process process = arrival_process::poisson;
  double burstiness = 1.0;  ///< gamma shape; only with arrival_process::gamma
  std::uint64_t seed = 0;
  /// Rescale the cumulative gaps so the last arrival lands exactly at n / rate, as vLLM does to
  /// remove the 1–2 % run-to-run spread of a finite sum of random gaps. Not with a ramp.
  bool normalize = true;
  ramp_up ramp;
};

/// Send deadlines (seconds after the start) of `n` requests of an open loop. As in vLLM the
/// first request waits one gap, and the gaps are drawn in advance from a seeded stream.
inline std::vector<double> open_loop_schedule(const rate_options& o, std::size_t n) {
  const bool ramping = o.ramp.kind != ramp_up::shape::none;
  if (!ramping && !(o.rate > 0.0)) throw input_error({"", {}, {}, "rate"}, "request rate must be > 0");
  if (ramping) {
    if (!(o.ramp.start_rps > 0.0) || !(o.ramp.end_rps > 0.0))
      throw input_error({"", {}, {}, "ramp"}, "ramp-up start and end rates must be > 0");
  }
  if (o.process == arrival_process::gamma && !(o.burstiness > 0.0))
    throw input_error({"", {}, {}, "burstiness"}, "burstiness must be > 0");
  rng g = rng::stream(o.seed, detail::arrivals_stream);
  std::vector<double> t(n);
  double acc = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    double rate = o.rate;
    if (ramping) {
      const double progress = n > 1 ? static_cast<double>(i) / static_cast<double>(n - 1) : 1.0;
      rate = o.ramp.kind == ramp_up::shape::linear
                 ? o.ramp.start_rps + (o.ramp.end_rps - o.ramp.start_rps) * progress
                 : o.ramp.start_rps * std::pow(o.ramp.end_rps / o.ramp.start_rps, progress);
    }
    double gap = 1.0 / rate;
    if (o.process == arrival_process::poisson) gap = g.exponential() / rate;
    else if (o.process == arrival_process::gamma) gap = g.gamma(o.burstiness) / (rate * o.burstiness);
    acc += gap;
    t[i] = acc;
  }
  if (!ramping && o.normalize && n > 0 && acc > 0.0) {
    const double factor = (static_cast<double>(n) / o.rate) / acc;
    for (auto& x : t) x *= factor;
  }
  return t;
}

/// Deadlines of a closed loop: every request is due at the start; the concurrency cap decides
/// when it goes out, and the wait shows as client queue time.
inline std::vector<double> closed_loop_schedule(std::size_t n) { return std::vector<double>(n, 0.0); }

/// Deadlines of a replayed trace (its prompts' arrival_s; 0 where missing).
inline std::vector<double> trace_schedule(std::span<const prompt> prompts) {
  std::vector<double> t(prompts.size());
  for (std::size_t i = 0; i < prompts.size(); ++i) t[i] = prompts[i].arrival_s.value_or(0.0);
  return t;
}

/// How many requests of a sorted schedule are due within `duration_s` (all when none given).
inline std::size_t due_within(std::span<const double> deadlines, std::optional<double> duration_s) {
  if (!duration_s) return deadlines.size();
  return static_cast<std::size_t>(std::upper_bound(deadlines.begin(), deadlines.end(), *duration_s) - deadlines.begin());
}

}  // namespace loadgen
INFERLENS_END_NAMESPACE
