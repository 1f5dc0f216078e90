// What a run leaves behind: the result JSON of each point in the raw `vllm bench serve` /
// InferenceMAX client schema (so `inferlens frontier` and InferenceMAX tooling read it), file
// names like InferenceMAX's, and per-request records as JSON lines written by a background thread
// as each request finishes (a killed run keeps everything already measured). No Boost.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "inferlens/error.hpp"
#include "inferlens/json.hpp"  // to_vllm_client_json, to_json(benchmark_point): the core's JSON hooks
#include "inferlens/loadgen/metrics.hpp"
#include "inferlens/record.hpp"
#include "inferlens/stats.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace loadgen {

/// What the result JSON says besides the point itself.
struct result_meta {
  std::string backend = "openai";        ///< vLLM's --backend spelling: openai or openai-chat
  std::string endpoint;                  ///< the request path
  std::optional<double> burstiness;      ///< open loop only
  std::string arrival;                   ///< constant, poisson, gamma (open loop)
  double start_unix = 0, end_unix = 0;   ///< benchmark_{start,end}_time_unix (power windows)
  std::string range_convention;          ///< how the lengths were drawn
  std::optional<double> range_ratio;
  std::int64_t prefix_len = 0;           ///< shared random prefix tokens (--random-prefix-len)
  std::uint64_t seed = 0;
  std::size_t warmups = 0;
  bool token_ids = false;
  /// Extra percentiles written as p{P}_{ttft,tpot,itl,e2el}_ms (vLLM's --metric-percentiles);
  /// p90, p99 and p99.9 are always there.
  std::vector<double> percentiles;
  // connections
  std::size_t connections_opened = 0;  ///< TCP connections opened (warm-ups included)
  std::size_t requests_retried = 0;    ///< sent again on a fresh connection (warm-ups included)
  std::size_t connections_found_closed = 0;  ///< idle keep-alive connections the server had closed
  bool keep_alive = true;
  std::size_t io_threads = 1;
  bool continuous_usage_requested = false;
  std::string partial_reason;  ///< why a point is partial (point.partial), e.g. "interrupted"
};

/// Text for a file: invalid UTF-8 (which the inputs should never carry, but a server might) is
/// replaced instead of throwing (nlohmann's type_error.316), so a measurement is never lost.
inline std::string safe_dump(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// vLLM's percentile key word: 99 -> "99", 99.9 -> "99.9".
inline std::string percentile_word(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", p);
  return buf;
}

namespace detail {

// Round to `digits` decimals so the JSON shows the short decimal (21.429, not 21.429000000000002).
inline double round_to(double v, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

inline void put_summary_ms(nlohmann::json& j, const std::string& name, const summary& s) {
  if (!s.count) return;
  j["mean_" + name + "_ms"] = *s.mean * 1000;
  j["median_" + name + "_ms"] = *s.median * 1000;
  j["std_" + name + "_ms"] = *s.std * 1000;
  j["p90_" + name + "_ms"] = *s.p90 * 1000;
  j["p99_" + name + "_ms"] = *s.p99 * 1000;
  j["p99.9_" + name + "_ms"] = *s.p999 * 1000;
}

inline std::string seq_len_label(std::int64_t isl, std::int64_t osl) {
  auto k = [](std::int64_t v) -> std::string {
    if (v % 1024 == 0) return std::to_string(v / 1024) + "k";
    return {};
  };
  if (!k(isl).empty() && !k(osl).empty()) return k(isl) + k(osl);
  return std::to_string(isl) + "_" + std::to_string(osl);
}

inline std::string file_safe(std::string_view s) {
  std::string out;
  for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') ? c : '-';
  return out.empty() ? "model" : out;
}

}  // namespace detail

/// The raw client result JSON of a point: json.hpp's to_vllm_client_json (the `_ms` schema that
/// `inferlens frontier` and InferenceMAX's process_result read) plus the keys vLLM writes that a
/// point cannot know, vLLM's client-queue metrics (latency from the scheduled time), and what
/// inferlens adds, under names no other tool uses.
inline nlohmann::json result_json(const run_summary& s, const result_meta& m) {
  nlohmann::json j = to_vllm_client_json(s.point);
  j["backend"] = m.backend;
  if (!m.endpoint.empty()) j["endpoint_type"] = m.endpoint;
  j["tokenizer_id"] = s.point.model;
  j["best_of"] = 1;
  j["burstiness"] = m.burstiness.value_or(1.0);
  j["benchmark_start_time_unix"] = m.start_unix;
  j["benchmark_end_time_unix"] = m.end_unix;
  j["input_lens"] = s.input_lens;
  j["output_lens"] = s.output_lens;
  // --percentiles beyond p90/p99/p99.9, vLLM's key spelling
  const std::pair<const char*, const std::vector<double>*> samples[] = {
      {"ttft", &s.ttft_samples}, {"tpot", &s.tpot_samples}, {"itl", &s.itl_samples}, {"e2el", &s.e2el_samples}};
  for (const auto& [name, v] : samples) {
    if (v->empty()) continue;
    std::vector<double> sorted(*v);
    std::sort(sorted.begin(), sorted.end());
    for (double p : m.percentiles)
      if (const auto x = percentile_sorted(sorted, p)) j["p" + percentile_word(p) + "_" + name + "_ms"] = *x * 1000;
  }
  // vLLM's names: client queue time = sent − scheduled; e2el including it = last token − scheduled
  detail::put_summary_ms(j, "client_queue_time", s.queue_time);
  detail::put_summary_ms(j, "e2el_including_client_queue", s.e2el_from_schedule);
  // inferlens additions
  detail::put_summary_ms(j, "ttft_including_client_queue", s.ttft_from_schedule);
  detail::put_summary_ms(j, "client_lag", s.lag);
  detail::put_summary_ms(j, "client_read_delay", s.client_delay);
  j["timestamps"] = s.client_delay.count ? "kernel_rx" : "user_space";
  if (s.tokens_per_chunk.count) {
    j["mean_tokens_per_chunk"] = *s.tokens_per_chunk.mean;
    j["median_tokens_per_chunk"] = *s.tokens_per_chunk.median;
  }
  if (s.reads) j["events_per_read"] = static_cast<double>(s.events) / static_cast<double>(s.reads);
  nlohmann::json errors = nlohmann::json::object(), first = nlohmann::json::object();
  for (std::size_t k = 1; k < error_kind_count; ++k)
    if (s.errors[k]) {
      errors[std::string(to_string(static_cast<error_kind>(k)))] = s.errors[k];
      first[std::string(to_string(static_cast<error_kind>(k)))] = s.first_error[k];
    }
  j["errors_by_kind"] = errors;
  j["first_error_by_kind"] = first;
  j["failure_rate"] = s.failure_rate();
  if (s.good) j["good_requests"] = *s.good;
  nlohmann::json sources = nlohmann::json::object();
  for (std::size_t k = 1; k < s.token_sources.size(); ++k)
    if (s.token_sources[k]) sources[std::string(to_string(static_cast<token_source>(k)))] = s.token_sources[k];
  j["output_token_sources"] = sources;
  j["output_token_count_mismatches"] = s.count_mismatches;
  j["eos_only_requests"] = s.eos_only;
  if (s.invalid_utf8) j["invalid_utf8_requests"] = s.invalid_utf8;
  // what the server counted as the prompt against what was asked (chat templates add tokens)
  j["prompt_tokens_reported"] = s.prompt_tokens_reported;
  if (s.mean_requested_input) {
    j["mean_requested_input_len"] = *s.mean_requested_input;
    j["mean_server_prompt_tokens"] = *s.mean_prompt_tokens;
    j["mean_prompt_token_overhead"] = *s.prompt_token_overhead();
  }
  if (m.continuous_usage_requested) {
    j["continuous_usage_requested"] = true;
    j["requests_without_continuous_usage"] = s.without_continuous_usage;
  }
  j["connections_opened"] = m.connections_opened;
  j["requests_retried"] = m.requests_retried;
  j["connections_found_closed"] = m.connections_found_closed;
  j["keep_alive"] = m.keep_alive;
  j["io_threads"] = m.io_threads;
  if (s.point.partial) j["partial_reason"] = m.partial_reason.empty() ? "interrupted" : m.partial_reason;
  j["ttft_rule"] = s.rule == first_token_rule::content ? "content" : "any_choice";
  j["num_warmups"] = m.warmups;
  j["prompt_as_token_ids"] = m.token_ids;
  j["random_seed"] = m.seed;
  if (!m.range_convention.empty()) j["range_convention"] = m.range_convention;
  if (m.range_ratio) j["random_range_ratio"] = *m.range_ratio;
  if (m.prefix_len > 0) j["random_prefix_len"] = m.prefix_len;
  if (!m.arrival.empty()) j["arrival"] = m.arrival;
  j["client"] = "inferlens-loadgen " INFERLENS_VERSION_STRING;
  return j;
}

/// InferenceMAX's result file name (without extension):
/// {model}_{1k1k|isl_osl}_{precision}_{framework}_tp{TP}-pp{PP}-dcp{DCP}-pcp{PCP}-ep{EP}-dpa{DPA}_disagg-false_spec-{SPEC}_conc{C}_{hw}
/// with "rate{R}" in place of "conc{C}" for an open loop without a cap; unknown parts as
/// "na", the hardware as "local".
inline std::string result_file_stem(const benchmark_point& p) {
  std::string model = p.model_prefix;
  if (model.empty()) {
    const auto slash = p.model.find_last_of('/');
    model = p.model.substr(slash == std::string::npos ? 0 : slash + 1);
  }
  std::string s = detail::file_safe(model);
  s += "_" + detail::seq_len_label(p.isl.value_or(0), p.osl.value_or(0));
  s += "_" + (p.precision.empty() ? std::string("na") : detail::file_safe(p.precision));
  s += "_" + (p.framework.empty() ? std::string("na") : detail::file_safe(p.framework));
  s += "_tp" + std::to_string(p.tp.value_or(1)) + "-pp" + std::to_string(p.pp.value_or(1)) + "-dcp" +
       std::to_string(p.dcp.value_or(1)) + "-pcp" + std::to_string(p.pcp.value_or(1)) + "-ep" +
       std::to_string(p.ep.value_or(1)) + "-dpa" + (p.dp_attention.value_or(false) ? "true" : "false");
  s += "_disagg-false_spec-" + (p.spec_decoding.empty() ? std::string("none") : detail::file_safe(p.spec_decoding));
  const bool open_loop = p.request_rate && std::isfinite(*p.request_rate);
  if (p.concurrency) s += "_conc" + std::to_string(*p.concurrency);
  if (open_loop) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", *p.request_rate);
    s += std::string("_rate") + buf;
  }
  s += "_" + (p.hw.empty() ? std::string("local") : detail::file_safe(p.hw));
  return s;
}

/// One request as a JSON object. Times are milliseconds from the request's send time (so they
/// need no shared clock), except scheduled_unix/sent_unix, which place it in wall time.
/// `unix_offset` = system_clock − steady_clock in seconds (see steady_to_unix_offset()).
inline nlohmann::json record_json(const request_record& r, double unix_offset, first_token_rule rule) {
  auto ms = [&](time_point t) -> nlohmann::json {
    if (t == time_point{}) return nullptr;
    return detail::round_to(seconds(r.sent, t) * 1000.0, 3);
  };
  auto unix_s = [&](time_point t) -> nlohmann::json {
    if (t == time_point{}) return nullptr;
    return detail::round_to(std::chrono::duration<double>(t.time_since_epoch()).count() + unix_offset, 6);
  };
  nlohmann::json j;
  j["index"] = r.index;
  j["warmup"] = r.warmup;
  j["ok"] = r.ok();
  j["error"] = r.ok() ? nlohmann::json(nullptr) : nlohmann::json(std::string(to_string(r.error)));
  if (!r.error_message.empty()) j["error_message"] = r.error_message;
  j["http_status"] = r.http_status;
  j["id"] = r.id;
  j["connection"] = r.connection;
  j["reused_connection"] = r.reused_connection;
  if (r.retried) {
    j["retried"] = true;  // the first attempt found the reused connection closed by the server
    j["retry_lost_ms"] = detail::round_to(seconds(r.first_sent, r.sent) * 1000.0, 3);
  }
  if (r.invalid_utf8) j["invalid_utf8"] = true;
  j["input_len"] = r.input_len;
  j["prompt_tokens"] = r.prompt_tokens ? nlohmann::json(*r.prompt_tokens) : nlohmann::json(nullptr);
  j["output_len"] = r.output_len;
  j["output_tokens"] = r.output_tokens ? nlohmann::json(*r.output_tokens) : nlohmann::json(nullptr);
  j["output_tokens_source"] = std::string(to_string(r.output_source));
  j["count_mismatch"] = r.count_mismatch;
  j["finish_reason"] = r.finish_reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.finish_reason);
  if (r.eos_only) j["eos_only"] = true;
  if (r.continuous_usage) j["continuous_usage"] = true;
  if (!r.timings.empty()) {  // llama.cpp's own per-request measurements, kept as it sent them
    nlohmann::json t = nlohmann::json::parse(r.timings, nullptr, false);
    j["server_timings"] = t.is_discarded() ? nlohmann::json(r.timings) : std::move(t);
  }
  j["scheduled_unix"] = unix_s(r.scheduled);
  j["sent_unix"] = unix_s(r.sent);
  j["queue_ms"] = r.sent == time_point{} ? nlohmann::json(nullptr) : nlohmann::json(detail::round_to(r.queue_s() * 1000, 3));
  j["lag_ms"] = r.sent == time_point{} ? nlohmann::json(nullptr) : nlohmann::json(detail::round_to(r.lag_s() * 1000, 3));
  j["first_byte_ms"] = ms(r.first_byte);
  j["done_ms"] = ms(r.done);
  if (const auto l = latency_of(r, rule)) {
    j["ttft_ms"] = detail::round_to(l->ttft * 1000, 3);
    j["e2el_ms"] = detail::round_to(l->e2el * 1000, 3);
    j["tpot_ms"] = l->tpot ? nlohmann::json(detail::round_to(*l->tpot * 1000, 6)) : nlohmann::json(nullptr);
  }
  nlohmann::json t = nlohmann::json::array(), tok = nlohmann::json::array(), non_content = nlohmann::json::array();
  bool tokens_known = false;
  for (std::size_t i = 0; i < r.chunks.size(); ++i) {
    t.push_back(detail::round_to(seconds(r.sent, r.chunks[i].t) * 1000.0, 3));
    tok.push_back(r.chunks[i].tokens);
    tokens_known |= r.chunks[i].tokens >= 0;
    if (!r.chunks[i].content) non_content.push_back(i);
  }
  j["chunk_ms"] = std::move(t);
  j["chunk_tokens"] = tokens_known ? std::move(tok) : nlohmann::json(nullptr);  // null: not known exactly
  if (!non_content.empty()) j["non_content_chunks"] = std::move(non_content);
  j["events"] = r.events;
  j["reads"] = r.reads;
  j["comments"] = r.comments;
  j["saw_done"] = r.saw_done;
  j["finished"] = r.finished;
  return j;
}

/// system_clock − steady_clock, in seconds, to place steady stamps in wall time.
inline double steady_to_unix_offset() {
  const double sys = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const double steady = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  return sys - steady;
}

// ---------------------------------------------------------------------------------------------
// Files: never through a symlink someone planted, never half-written
// ---------------------------------------------------------------------------------------------

namespace detail {
inline input_error file_error(const std::filesystem::path& p, const char* what) {
  return input_error({p.string(), {}, {}, ""}, std::string(what) + ": " + std::strerror(errno));
}
}  // namespace detail

/// Opens a new file for writing: O_CREAT | O_EXCL | O_NOFOLLOW, so an existing file or a symlink
/// at `path` is an error, never followed or overwritten.
inline std::FILE* create_new_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) throw detail::file_error(path, errno == EEXIST ? "already exists (not overwritten)" : "cannot create");
  std::FILE* f = ::fdopen(fd, "wb");
  if (!f) {
    ::close(fd);
    throw detail::file_error(path, "cannot open");
  }
  return f;
}

/// Writes `text` to `path` in one step: into a new temporary file beside it, flushed to disk,
/// then renamed over `path`. A reader sees the old file or the new one, never half of one; a
/// symlink at `path` is replaced, not followed.
inline void write_file_replacing(const std::filesystem::path& path, std::string_view text) {
  static std::atomic<unsigned> counter{0};
  const std::filesystem::path tmp =
      path.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
  std::FILE* f = create_new_file(tmp);
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0 &&
                  ::fsync(::fileno(f)) == 0;
  std::fclose(f);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    errno = e;
    throw detail::file_error(path, "cannot write");
  }
}

/// Appends one JSON line per request to a file. push() only copies the record into a queue; a
/// background thread formats and writes it and flushes after every batch, so the timing thread
/// does no I/O and a killed run loses at most the records of the last microseconds. The file is
/// created new (create_new_file); push() may be called from any thread.
class jsonl_writer {
 public:
  explicit jsonl_writer(const std::filesystem::path& path, first_token_rule rule)
      : rule_(rule), offset_(steady_to_unix_offset()), file_(create_new_file(path)) {
    thread_ = std::thread([this] { drain(); });
  }
  jsonl_writer(const jsonl_writer&) = delete;
  jsonl_writer& operator=(const jsonl_writer&) = delete;
  ~jsonl_writer() { close(); }

  void push(const request_record& r) {
    {
      const std::lock_guard lock(mutex_);
      queue_.push_back(r);
    }
    cv_.notify_one();
  }

  /// Writes everything queued and closes the file. Idempotent.
  void close() {
    {
      const std::lock_guard lock(mutex_);
      if (closing_) return;
      closing_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
    if (file_ && std::fclose(file_) != 0) failed_ = true;
    file_ = nullptr;
  }

  std::size_t written() const noexcept { return written_.load(); }
  /// False when a write failed (disk full, ...): the file is missing lines.
  bool ok() const noexcept { return !failed_.load(); }

 private:
  void drain() {
    std::deque<request_record> batch;
    std::string text;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
        batch.swap(queue_);
        if (batch.empty() && closing_) return;
      }
      text.clear();
      for (const auto& r : batch) {
        try {
          text += safe_dump(record_json(r, offset_, rule_));
        } catch (const std::exception& e) {  // keep the line: which request, and why it is short
          text += safe_dump({{"index", r.index}, {"warmup", r.warmup}, {"record_error", e.what()}});
        }
        text += '\n';
      }
      if (std::fwrite(text.data(), 1, text.size(), file_) != text.size() || std::fflush(file_) != 0) failed_ = true;
      written_ += batch.size();
      batch.clear();
    }
  }

  first_token_rule rule_;
  double offset_;
  std::FILE* file_ = nullptr;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<request_record> queue_;
  bool closing_ = false;
  std::atomic<std::size_t> written_{0};
  std::atomic<bool> failed_{false};
  std::thread thread_;
};

}  // namespace loadgen
INFERLENS_END_NAMESPACE
