// Progress people can read anywhere: on a terminal one status line fitted to its width (and
// redrawn when it is resized), elsewhere (CI logs, files) a plain line every few seconds; and a
// warning when the client itself falls behind. No Boost.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#if __has_include(<unistd.h>)
#include <sys/ioctl.h>
#include <unistd.h>
#define INFERLENS_HAS_ISATTY 1
#endif

#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace loadgen {

/// Where a run stands; the runner hands one to its progress callback every interval. The
/// counters only grow during a phase, so rates are differences between two snapshots.
struct progress_snapshot {
  bool warmup = false;            ///< still in the warm-up (or the format probe)
  std::size_t total = 0;          ///< requests in this phase
  std::size_t done = 0;           ///< finished (ok or failed)
  std::size_t failed = 0;
  std::size_t in_flight = 0;
  std::uint64_t content_chunks = 0;  ///< content chunks received so far (in-flight included)
  std::int64_t output_tokens = 0;    ///< output tokens of finished requests
  std::uint64_t finished_chunks = 0; ///< content chunks of finished requests
  double elapsed_s = 0;              ///< since the phase began
  std::uint64_t reads = 0;                 ///< reads that returned response bytes
  std::uint64_t read_delay_us_sum = 0;     ///< kernel stamps: Σ (read − kernel receive), µs
  std::uint64_t read_delays = 0;           ///< reads in that sum
  std::uint64_t lag_us_sum = 0;            ///< Σ (dispatched − ready), µs: the client's own sending delay
  std::uint64_t sent = 0;                  ///< requests in that sum
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

/// Columns of the terminal behind `f` (80 when it does not say).
inline int terminal_width(std::FILE* f) noexcept {
#if defined(INFERLENS_HAS_ISATTY) && defined(TIOCGWINSZ)
  winsize w{};
  if (f && ::ioctl(::fileno(f), TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
#endif
  (void)f;
  return 80;
}

/// Thresholds of the "the client is the bottleneck" warning.
struct bottleneck_limits {
  double read_delay_ms = 2.0;  ///< mean time a read's data waited for the client, over a window
  double send_lag_ms = 5.0;    ///< mean time a request went out after it could (deadline or free slot)
  double window_s = 1.0;       ///< judged over windows at least this long
};

/// The status line and the warnings of a run.
class progress_display {
 public:
  enum class mode {
    off,       ///< nothing
    terminal,  ///< one line rewritten in place, fitted to the terminal's width
    lines,     ///< a plain line every `interval_s` (logs, CI)
  };

  /// A terminal line when `out` is a terminal, else a line every 10 seconds.
  explicit progress_display(std::FILE* out = stderr) : progress_display(out, is_terminal(out) ? mode::terminal : mode::lines) {}
  progress_display(std::FILE* out, mode m, double interval_s = 10.0) : out_(out), mode_(m), interval_s_(interval_s) {}

  bool enabled() const noexcept { return mode_ != mode::off; }
  mode current_mode() const noexcept { return mode_; }
  bottleneck_limits limits;

  /// `label` names the point (e.g. "1024/1024 conc 16").
  void update(const std::string& label, const progress_snapshot& s) {
    if (mode_ == mode::off) return;
    const auto now = std::chrono::steady_clock::now();
    if (s.content_chunks < last_chunks_ || s.elapsed_s < last_elapsed_ || s.warmup != last_warmup_) new_phase(s);
    // tokens/s from the live chunk count, scaled by the tokens per chunk seen so far
    const double per_chunk = s.finished_chunks ? static_cast<double>(s.output_tokens) / static_cast<double>(s.finished_chunks) : 1.0;
    const double dt = s.elapsed_s - last_elapsed_;
    if (dt >= 0.25 || last_elapsed_ == 0) {
      rate_ = dt > 0 ? static_cast<double>(s.content_chunks - last_chunks_) * per_chunk / dt : 0.0;
      last_chunks_ = s.content_chunks;
      last_elapsed_ = s.elapsed_s;
    }
    check_bottleneck(label, s);
    const std::string line = format(label, s);
    if (mode_ == mode::terminal) {
      const std::size_t width = static_cast<std::size_t>(terminal_width(out_));
      const std::string fitted = line.size() >= width ? line.substr(0, width > 1 ? width - 1 : 0) : line;
      std::fprintf(out_, "\r\033[K%s", fitted.c_str());
      dirty_ = true;
    } else {
      if (printed_ && std::chrono::duration<double>(now - last_print_).count() < interval_s_) return;
      std::fprintf(out_, "inferlens: %s\n", line.c_str());
      printed_ = true;
      last_print_ = now;
    }
    std::fflush(out_);
  }

  /// A line of its own (the live line is cleared first and redrawn by the next update).
  void warn(const std::string& text) {
    if (mode_ == mode::off) return;
    clear_line();
    std::fprintf(out_, "inferlens: warning: %s\n", text.c_str());
    std::fflush(out_);
  }

  /// End the point's line (call between points and at the end).
  void finish() {
    clear_line();
    last_chunks_ = 0;
    last_elapsed_ = rate_ = 0;
    printed_ = false;
    warned_read_ = warned_send_ = false;
    window_ = progress_snapshot{};
  }

 private:
  void new_phase(const progress_snapshot& s) {
    last_chunks_ = 0;
    last_elapsed_ = rate_ = 0;
    last_warmup_ = s.warmup;
    window_ = progress_snapshot{};
  }

  void clear_line() {
    if (mode_ == mode::terminal && dirty_) {
      std::fprintf(out_, "\r\033[K");
      std::fflush(out_);
    }
    dirty_ = false;
  }

  // Over windows of limits.window_s: does the client read or send late on average?
  void check_bottleneck(const std::string& label, const progress_snapshot& s) {
    if (s.elapsed_s - window_.elapsed_s < limits.window_s || s.reads < window_.reads) return;
    const double reads = static_cast<double>(s.read_delays - window_.read_delays);
    const double sent = static_cast<double>(s.sent - window_.sent);
    const double read_ms = reads >= 50 ? static_cast<double>(s.read_delay_us_sum - window_.read_delay_us_sum) / reads / 1000 : 0;
    const double send_ms = sent >= 10 ? static_cast<double>(s.lag_us_sum - window_.lag_us_sum) / sent / 1000 : 0;
    window_ = s;
    char buf[400];
    if (!warned_read_ && read_ms > limits.read_delay_ms) {
      warned_read_ = true;
      std::snprintf(buf, sizeof buf,
                    "%s: the client is the bottleneck: data waited %.1f ms on average before it read it (the "
                    "kernel stamps keep the latencies exact; more --io-threads or cores would keep up)",
                    label.c_str(), read_ms);
      warn(buf);
    }
    if (!warned_send_ && send_ms > limits.send_lag_ms) {
      warned_send_ = true;
      std::snprintf(buf, sizeof buf,
                    "%s: the client is the bottleneck: requests went out %.1f ms after they were due on average "
                    "(see client_lag in the results; more --io-threads or cores would keep up)",
                    label.c_str(), send_ms);
      warn(buf);
    }
  }

  std::string format(const std::string& label, const progress_snapshot& s) const {
    char eta[32] = "--";
    if (s.done > 0 && s.total > s.done)
      std::snprintf(eta, sizeof eta, "%.0fs", s.elapsed_s * static_cast<double>(s.total - s.done) / static_cast<double>(s.done));
    else if (s.total == s.done)
      std::snprintf(eta, sizeof eta, "0s");
    char buf[512];
    std::snprintf(buf, sizeof buf, "%s%s: %zu/%zu done, %zu in flight, %zu failed, %.0f tok/s, %.1fs, ETA %s", label.c_str(),
                  s.warmup ? " (warm-up)" : "", s.done, s.total, s.in_flight, s.failed, rate_, s.elapsed_s, eta);
    return buf;
  }

  std::FILE* out_;
  mode mode_;
  double interval_s_;
  bool dirty_ = false, printed_ = false, last_warmup_ = false, warned_read_ = false, warned_send_ = false;
  std::uint64_t last_chunks_ = 0;
  double last_elapsed_ = 0, rate_ = 0;
  std::chrono::steady_clock::time_point last_print_{};
  progress_snapshot window_;
};

}  // namespace loadgen
INFERLENS_END_NAMESPACE
