// A live progress line for terminals: requests done, tokens/s, errors, ETA. Quiet when the
// stream is not a terminal, so logs and CI output stay clean. No Boost.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#if __has_include(<unistd.h>)
#include <unistd.h>
#define INFERLENS_HAS_ISATTY 1
#endif

#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace loadgen {

/// Where a run stands; the runner hands one to its progress callback every interval.
struct progress_snapshot {
  bool warmup = false;            ///< still in the warm-up phase
  std::size_t total = 0;          ///< requests in this phase
  std::size_t done = 0;           ///< finished (ok or failed)
  std::size_t failed = 0;
  std::size_t in_flight = 0;
  std::uint64_t content_chunks = 0;  ///< content chunks received so far (in-flight included)
  std::int64_t output_tokens = 0;    ///< output tokens of finished requests
  std::uint64_t finished_chunks = 0; ///< content chunks of finished requests
  double elapsed_s = 0;              ///< since the phase began
};

/// True when `f` is an interactive terminal.
inline bool is_terminal(std::FILE* f) noexcept {
#ifdef INFERLENS_HAS_ISATTY
  return f && ::isatty(::fileno(f)) == 1;
#else
  (void)f;
  return false;
#endif
}

/// Rewrites one status line ("\r...") on a terminal; prints nothing otherwise.
class progress_display {
 public:
  explicit progress_display(std::FILE* out = stderr) : out_(out), enabled_(is_terminal(out)) {}
  progress_display(std::FILE* out, bool enabled) : out_(out), enabled_(enabled) {}

  bool enabled() const noexcept { return enabled_; }

  /// `label` names the point (e.g. "conc 16, 1024/1024").
  void update(const std::string& label, const progress_snapshot& s) {
    if (!enabled_) return;
    // tokens/s from the live chunk count, scaled by the tokens per chunk seen so far
    const double per_chunk = s.finished_chunks ? static_cast<double>(s.output_tokens) / static_cast<double>(s.finished_chunks) : 1.0;
    if (s.content_chunks < last_chunks_ || s.elapsed_s < last_elapsed_) {  // a new phase began
      last_chunks_ = 0;
      last_elapsed_ = last_rate_ = 0;
    }
    const double dt = s.elapsed_s - last_elapsed_;
    double rate = last_rate_;
    if (dt >= 0.25 || last_elapsed_ == 0) {
      rate = dt > 0 ? static_cast<double>(s.content_chunks - last_chunks_) * per_chunk / dt : 0.0;
      last_chunks_ = s.content_chunks;
      last_elapsed_ = s.elapsed_s;
      last_rate_ = rate;
    }
    char eta[32] = "--";
    if (s.done > 0 && s.total > s.done) {
      const double left = s.elapsed_s * static_cast<double>(s.total - s.done) / static_cast<double>(s.done);
      std::snprintf(eta, sizeof eta, "%.0fs", left);
    } else if (s.total == s.done) {
      std::snprintf(eta, sizeof eta, "0s");
    }
    std::fprintf(out_, "\r\033[K%s%s  %zu/%zu done  %zu in flight  %.0f tok/s  %zu errors  %.1fs  ETA %s", label.c_str(),
                 s.warmup ? " (warm-up)" : "", s.done, s.total, s.in_flight, rate, s.failed, s.elapsed_s, eta);
    std::fflush(out_);
    dirty_ = true;
  }

  /// End the line (call between points and at the end).
  void finish() {
    if (enabled_ && dirty_) {
      std::fprintf(out_, "\r\033[K");
      std::fflush(out_);
    }
    dirty_ = false;
    last_chunks_ = 0;
    last_elapsed_ = last_rate_ = 0;
  }

 private:
  std::FILE* out_;
  bool enabled_;
  bool dirty_ = false;
  std::uint64_t last_chunks_ = 0;
  double last_elapsed_ = 0, last_rate_ = 0;
};

}  // namespace loadgen
INFERLENS_END_NAMESPACE
