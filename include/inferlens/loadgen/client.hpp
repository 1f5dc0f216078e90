// The HTTP/1.1 + SSE client and the runner that drives a workload through it: one io_context on
// the calling thread, one coroutine per request over keep-alive connections, closed loop (at most
// c in flight, everything queued at the start) or open loop (absolute deadlines), warm-ups that
// are excluded, a watchdog for the connect, first-token and idle timeouts, and a steady_clock
// stamp taken first thing after every read. Errors are error_codes, never exceptions per token.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include "inferlens/loadgen/detail/asio.hpp"
#include "inferlens/error.hpp"
#include "inferlens/loadgen/metrics.hpp"
#include "inferlens/loadgen/progress.hpp"
#include "inferlens/loadgen/protocol.hpp"
#include "inferlens/loadgen/workload.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace loadgen {

/// Separate limits for each phase of a request; zero means none. No total cap: a long request
/// that keeps streaming is never cut.
struct timeouts {
  std::chrono::milliseconds connect{10'000};       ///< TCP connect + TLS handshake
  std::chrono::milliseconds first_token{600'000};  ///< send → first chunk (includes server queueing)
  std::chrono::milliseconds idle{120'000};         ///< longest silence between reads after the first chunk
};

/// How to talk to the server.
struct client_options {
  std::string url = "http://127.0.0.1:8000";  ///< base URL or full endpoint path
  request_options request;
  prompt_format format = prompt_format::automatic;
  timeouts timeout;
  first_token_rule rule = first_token_rule::content;
  bool verify_tls = true;              ///< verify the server certificate and host name (https)
  /// Bytes asked for per read. Each connection's buffer is this big (10,000 streams: 160 MiB);
  /// longer lines just take several reads, SSE lines have no size limit.
  std::size_t read_size = 16 * 1024;
  /// Poll for events instead of sleeping in epoll: the thread never sleeps, so the time an idle
  /// thread takes to wake up (tens of µs on a VM) leaves the stamps. Burns its core.
  bool busy_poll = false;
  /// After each read, keep the socket in delayed-ACK mode (Linux TCP_QUICKACK = 0) so a stream of
  /// small events is acknowledged every other segment, not after every read (http only).
  bool delayed_ack = true;
  /// Stamp each read with the kernel's receive time of its data (Linux SO_TIMESTAMPNS, http
  /// only) instead of the moment the client got to it: when many streams deliver at once, one
  /// thread reads them in turn, and the later ones would carry the wait. The wait itself is
  /// recorded per chunk (client_delay_us) and reported as client_read_delay.
  bool kernel_rx_stamps = true;
};

/// What to send and when.
struct run_plan {
  std::vector<prompt> prompts;
  /// Send deadlines in seconds after the measured phase starts, one per prompt, sorted. Empty:
  /// every request is due at the start (closed loop; the concurrency cap paces them).
  std::vector<double> deadlines;
  std::size_t max_concurrency = 0;       ///< at most this many in flight; 0 = no cap
  std::size_t warmups = 0;               ///< copies of prompts[0] sent first at the same cap; excluded
  std::optional<double> max_duration_s;  ///< send nothing due (closed loop: started) after this
};

/// Callbacks, all on the I/O thread; keep them short.
struct run_hooks {
  std::function<void(const request_record&)> on_request;  ///< every finished request, warm-ups included
  std::function<void(const progress_snapshot&)> on_progress;
  std::chrono::milliseconds progress_interval{250};
  const std::atomic<bool>* stop = nullptr;  ///< set it (e.g. from SIGINT) to end the run early
};

/// One run's raw measurements.
struct run_result {
  std::vector<request_record> records;  ///< measured requests that were sent, in workload order
  std::vector<request_record> warmups;
  time_point start{}, end{};            ///< dispatch start (after warm-ups) → last request done
  double start_unix = 0, end_unix = 0;  ///< the same instants on the system clock (power windows)
  bool token_ids = false;               ///< prompts went as token ids
  std::size_t connections = 0;          ///< connections opened (warm-ups included)
  bool stopped = false;                 ///< the stop flag ended the run early
};

namespace detail {

inline time_point now() noexcept { return std::chrono::steady_clock::now(); }

inline std::chrono::steady_clock::duration to_duration(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

inline void set_delayed_ack([[maybe_unused]] tcp::socket& s) noexcept {
#if defined(TCP_QUICKACK)
  const int zero = 0;
  ::setsockopt(s.native_handle(), IPPROTO_TCP, TCP_QUICKACK, &zero, sizeof zero);
#endif
}

#if defined(__linux__) && defined(SO_TIMESTAMPNS)
inline constexpr bool have_rx_stamps = true;
#else
inline constexpr bool have_rx_stamps = false;
#endif

inline void enable_rx_stamps([[maybe_unused]] tcp::socket& s) noexcept {
#if defined(__linux__) && defined(SO_TIMESTAMPNS)
  const int one = 1;
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
#endif
}

// One non-blocking recv that also returns the kernel's receive time of the data (the last
// segment's), converted to steady_clock; `kernel` stays unset when the kernel gave none.
inline std::size_t recv_stamped(tcp::socket& s, net::mutable_buffer b, boost::system::error_code& ec, time_point& user,
                                std::optional<time_point>& kernel) {
#if defined(__linux__) && defined(SO_TIMESTAMPNS)
  iovec iov{b.data(), b.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec)) * 2];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t r = ::recvmsg(s.native_handle(), &msg, MSG_DONTWAIT);
  user = now();  // first thing after the read
  if (r < 0) {
    ec = boost::system::error_code(errno, net::error::get_system_category());
    return 0;
  }
  if (r == 0) {
    ec = net::error::eof;
    return 0;
  }
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) continue;
    timespec rx{}, rt{};
    std::memcpy(&rx, CMSG_DATA(c), sizeof rx);
    ::clock_gettime(CLOCK_REALTIME, &rt);  // the kernel stamps in real time: measure the data's age in it
    const std::int64_t age_ns = (static_cast<std::int64_t>(rt.tv_sec) - rx.tv_sec) * 1'000'000'000 + (rt.tv_nsec - rx.tv_nsec);
    if (age_ns >= 0 && age_ns < std::int64_t{10'000'000'000}) kernel = user - std::chrono::nanoseconds(age_ns);
  }
  return static_cast<std::size_t>(r);
#else
  const std::size_t n = s.read_some(b, ec);
  user = now();
  kernel.reset();
  return n;
#endif
}

using plain_stream = tcp::socket;
inline tcp::socket& lowest(plain_stream& s) noexcept { return s; }
#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
using tls_stream = net::ssl::stream<tcp::socket>;
inline tcp::socket& lowest(tls_stream& s) noexcept { return s.next_layer(); }
#endif

template <class Stream>
struct connection {
  std::optional<Stream> stream;
  boost::beast::flat_buffer buffer;
  std::string head;  // request head scratch
  std::uint64_t id = 0;
  bool open = false;
};

// A request the watchdog looks after.
struct watched {
  time_point deadline = time_point::max();
  error_kind on_expiry = error_kind::none;
  error_kind expired = error_kind::none;
  tcp::socket* socket = nullptr;
  std::size_t slot = 0;
};

template <class Stream>
struct run_state {
  run_state(net::io_context& io, const client_options& o, const run_hooks& h)
      : ioc(io), opt(o), hooks(h), wake(io), dispatch_timer(io), watchdog_timer(io), progress_timer(io) {}

  net::io_context& ioc;
  const client_options& opt;
  const run_hooks& hooks;
  endpoint ep;
  tcp::resolver::results_type addresses;
#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
  net::ssl::context* tls = nullptr;
#endif
  std::string head;
  std::vector<char> body;  // decoded body bytes; shared: only used between a read and the next co_await
  std::vector<std::unique_ptr<connection<Stream>>> connections;
  std::vector<connection<Stream>*> idle_open, spare;
  std::vector<watched*> active;
  std::size_t in_flight = 0, cap = 0, opened = 0;
  std::uint64_t next_connection_id = 1;
  std::deque<time_point> free_slots;  // when each free slot of the cap became free, oldest first
  bool stopping = false, finished = false;
  bool report = true;  // hand finished requests to hooks.on_request (not the format probe)
  net::steady_timer wake, dispatch_timer, watchdog_timer, progress_timer;
  progress_snapshot progress;
  time_point phase_start{};

  void watch(watched* w) {
    w->slot = active.size();
    active.push_back(w);
  }
  void unwatch(watched* w) {
    active[w->slot] = active.back();
    active[w->slot]->slot = w->slot;
    active.pop_back();
  }
  void expire(watched* w, error_kind why) {
    if (w->expired != error_kind::none) return;
    w->expired = why;
    if (w->socket) {
      boost::system::error_code ignored;
      w->socket->close(ignored);  // completes the pending operation with an error
    }
  }

  connection<Stream>* take_connection() {
    if (!idle_open.empty()) {
      auto* c = idle_open.back();
      idle_open.pop_back();
      return c;
    }
    if (!spare.empty()) {
      auto* c = spare.back();
      spare.pop_back();
      return c;
    }
    connections.push_back(std::make_unique<connection<Stream>>());
    return connections.back().get();
  }

  void close(connection<Stream>* c) {
    if (c->stream) {
      boost::system::error_code ignored;
      lowest(*c->stream).close(ignored);
    }
    c->open = false;
    c->buffer.clear();
  }

  void give_back(connection<Stream>* c) {
    if (c->open) idle_open.push_back(c);
    else spare.push_back(c);
  }
};

#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
template <class Stream>
inline constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;
#else
template <class Stream>
inline constexpr bool is_tls = false;
#endif

template <class Stream>
void emplace_stream(run_state<Stream>& st, connection<Stream>& c) {
#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
  if constexpr (is_tls<Stream>) {
    c.stream.emplace(st.ioc, *st.tls);
    return;
  }
#endif
  if constexpr (!is_tls<Stream>) c.stream.emplace(st.ioc);
}

// Connect (and handshake) a connection; returns the failure kind.
template <class Stream>
net::awaitable<error_kind> open_connection(run_state<Stream>* st, connection<Stream>* c, watched* w, std::string* message) {
  emplace_stream(*st, *c);
  tcp::socket& sock = lowest(*c->stream);
  w->socket = &sock;
  w->on_expiry = error_kind::connect_timeout;
  if (st->opt.timeout.connect.count() > 0) w->deadline = now() + st->opt.timeout.connect;
  auto connect_op = net::async_connect(sock, st->addresses, use_tuple);
  auto connected = co_await std::move(connect_op);
  const boost::system::error_code cec = std::get<0>(connected);
  if (cec) {
    *message = cec.message();
    if (w->expired != error_kind::none) co_return w->expired;
    co_return error_kind::connect;
  }
  boost::system::error_code ignored;
  sock.set_option(tcp::no_delay(true), ignored);
  sock.non_blocking(true, ignored);  // reads happen after readiness and must never block the thread
  if (st->opt.kernel_rx_stamps && !is_tls<Stream>) enable_rx_stamps(sock);
#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
  if constexpr (is_tls<Stream>) {
    if (!SSL_set_tlsext_host_name(c->stream->native_handle(), st->ep.host.c_str())) {
      *message = "cannot set the TLS server name";
      co_return error_kind::tls;
    }
    if (st->opt.verify_tls) c->stream->set_verify_callback(net::ssl::host_name_verification(st->ep.host));
    auto handshake_op = c->stream->async_handshake(net::ssl::stream_base::client, use_tuple);
    auto shaken = co_await std::move(handshake_op);
    const boost::system::error_code hec = std::get<0>(shaken);
    if (hec) {
      *message = hec.message();
      if (w->expired != error_kind::none) co_return w->expired;
      co_return error_kind::tls;
    }
  }
#endif
  c->open = true;
  c->id = st->next_connection_id++;
  ++st->opened;
  co_return error_kind::none;
}


// Read one response into the recorder. Returns the transport failure (none when the HTTP
// message completed) and whether the connection may be reused.
template <class Stream>
net::awaitable<error_kind> read_response(run_state<Stream>* st, connection<Stream>* c, request_record* rec,
                                         stream_recorder* recorder, watched* w, std::string* message, bool* reusable) {
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // SSE streams have no size limit
  boost::beast::flat_buffer& buf = c->buffer;
  const std::size_t read_size = st->opt.read_size;
  const auto first_token = st->opt.timeout.first_token;
  const auto idle = st->opt.timeout.idle;
  const time_point first_deadline = first_token.count() > 0 ? rec->sent + first_token : time_point::max();
  bool header_done = false, status_ok = false, any_bytes = false, more_pending = false;
  std::uint16_t delay_us = 0;  // how long the last read's data waited for the client (kernel stamps)
  std::string error_body;
  time_point stamp = rec->sent;
  *reusable = false;
  for (;;) {
    // parse everything buffered
    while (buf.size() > 0 && !parser.is_done()) {
      auto& body = parser.get().body();
      body.data = st->body.data();
      body.size = st->body.size();
      boost::system::error_code pec;
      const std::size_t used = parser.put(buf.data(), pec);
      buf.consume(used);
      const std::size_t produced = st->body.size() - body.size;
      if (!header_done && parser.is_header_done()) {
        header_done = true;
        rec->http_status = static_cast<int>(parser.get().result_int());
        status_ok = rec->http_status == 200;
        parser.eager(true);
      }
      if (produced > 0) {
        if (status_ok) {
          const std::size_t before = rec->chunks.size();
          recorder->on_body(stamp, std::string_view(st->body.data(), produced), delay_us);
          st->progress.content_chunks += rec->chunks.size() - before;
        } else if (error_body.size() < 2048) {
          error_body.append(st->body.data(), std::min(produced, 2048 - error_body.size()));
        }
      }
      if (pec == http::error::need_buffer) continue;
      if (pec == http::error::need_more) break;
      if (pec) {
        *message = "bad HTTP response: " + pec.message();
        co_return error_kind::malformed;
      }
      if (used == 0 && produced == 0) break;
    }
    if (parser.is_done()) break;

    // the watchdog's deadline for this read
    if (rec->chunks.empty()) {
      w->deadline = first_deadline;
      w->on_expiry = error_kind::first_token_timeout;
    } else {
      w->deadline = idle.count() > 0 ? stamp + idle : time_point::max();
      w->on_expiry = error_kind::idle_timeout;
    }
    const auto space = buf.prepare(read_size);
    boost::system::error_code rec_ec;
    std::size_t n = 0;
    if constexpr (is_tls<Stream>) {
      auto read_op = c->stream->async_read_some(space, use_tuple);
      auto got = co_await std::move(read_op);
      stamp = now();  // first thing: the arrival time of everything this read returned
      rec_ec = std::get<0>(got);
      n = std::get<1>(got);
    } else {
      // Wait for readiness, then one recv. Asio's async_read_some would first try a recv that
      // finds nothing; after a short read the edge-triggered reactor reports new data anyway.
      tcp::socket& sock = *c->stream;
      if (!more_pending) {
        auto wait_op = sock.async_wait(tcp::socket::wait_read, use_tuple);
        auto waited = co_await std::move(wait_op);
        rec_ec = std::get<0>(waited);
      }
      std::optional<time_point> kernel;
      if (!rec_ec) n = recv_stamped(sock, space, rec_ec, stamp, kernel);
      else stamp = now();
      if (rec_ec == net::error::would_block || rec_ec == net::error::try_again) {  // a spurious wake-up
        more_pending = false;
        continue;
      }
      more_pending = !rec_ec && n == space.size();
      if (n > 0 && st->opt.delayed_ack) set_delayed_ack(sock);
      delay_us = 0;
      if (kernel && st->opt.kernel_rx_stamps && *kernel <= stamp) {
        const auto waited = std::chrono::duration_cast<std::chrono::microseconds>(stamp - *kernel).count();
        delay_us = static_cast<std::uint16_t>(std::min<std::int64_t>(waited, 65535));
        stamp = *kernel;
        rec->rx_stamped = true;
      }
    }
    if (n > 0) {
      buf.commit(n);
      if (!any_bytes) {
        any_bytes = true;
        rec->first_byte = stamp;
      }
    }
    if (rec_ec) {
      if (w->expired != error_kind::none) {
        *message = w->expired == error_kind::first_token_timeout ? "no token within the first-token timeout"
                   : w->expired == error_kind::idle_timeout      ? "stream idle longer than the idle timeout"
                                                                  : "stopped";
        co_return w->expired;
      }
      if (n > 0) continue;  // parse what came with the error first; the next read reports it again
      if (rec_ec == net::error::eof
#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
          || rec_ec == net::ssl::error::stream_truncated
#endif
      ) {
        if (header_done) {
          boost::system::error_code eec;
          parser.put_eof(eec);  // a body delimited by the connection's end is complete now
          if (!eec && parser.is_done()) break;
          *message = "connection closed mid-response";
          co_return error_kind::truncated;
        }
        *message = any_bytes ? "connection closed inside the response header" : "connection closed before any response";
        co_return error_kind::connection_reset;
      }
      *message = rec_ec.message();
      co_return error_kind::connection_reset;
    }
  }
  *reusable = parser.keep_alive();
  if (!status_ok) {
    *message = "HTTP " + std::to_string(rec->http_status) + (error_body.empty() ? std::string() : ": " + error_body);
    co_return error_kind::http_status;
  }
  co_return error_kind::none;
}

template <class Stream>
void request_finished(run_state<Stream>* st, connection<Stream>* c, request_record* rec) {
  --st->in_flight;
  if (st->cap > 0) st->free_slots.push_back(rec->done);
  st->give_back(c);
  auto& p = st->progress;
  ++p.done;
  if (!rec->ok()) ++p.failed;
  p.in_flight = st->in_flight;
  if (rec->output_tokens) p.output_tokens += *rec->output_tokens;
  for (const auto& ch : rec->chunks) p.finished_chunks += ch.content;
  if (st->report && st->hooks.on_request) st->hooks.on_request(*rec);
  st->wake.cancel();
}

// One request, start to end, on connection c.
template <class Stream>
net::awaitable<void> run_request(run_state<Stream>* st, connection<Stream>* c, request_record* rec, const std::string* body) {
  watched w;
  st->watch(&w);
  stream_recorder recorder(*rec, st->opt.rule);
  error_kind transport = error_kind::none;
  std::string message;
  bool reusable = false;
  rec->sent = now();
  if (st->stopping) {
    transport = error_kind::cancelled;
    message = "run stopped";
  } else if (!c->open) {
    auto connect_op = open_connection(st, c, &w, &message);
    transport = co_await std::move(connect_op);
  } else {
    rec->reused_connection = true;
  }
  if (transport == error_kind::none) {
    rec->connection = c->id;
    w.socket = &lowest(*c->stream);
    w.deadline = st->opt.timeout.first_token.count() > 0 ? rec->sent + st->opt.timeout.first_token : time_point::max();
    w.on_expiry = error_kind::first_token_timeout;
    c->head = st->head;
    c->head += "Content-Length: ";
    c->head += std::to_string(body->size());
    c->head += "\r\n\r\n";
    const std::array<net::const_buffer, 2> out{net::buffer(c->head), net::buffer(*body)};
    auto write_op = net::async_write(*c->stream, out, use_tuple);
    auto written = co_await std::move(write_op);
    const boost::system::error_code wec = std::get<0>(written);
    if (wec) {
      transport = w.expired != error_kind::none ? w.expired : error_kind::write;
      message = wec.message();
    }
  }
  if (transport == error_kind::none) {
    auto read_op = read_response(st, c, rec, &recorder, &w, &message, &reusable);
    transport = co_await std::move(read_op);
  }
  if (w.expired == error_kind::cancelled) {
    transport = error_kind::cancelled;
    message = "run stopped";
  }
  const time_point end = now();
  if (transport != error_kind::none || !reusable) st->close(c);
  recorder.finish(end, transport, std::move(message));
  st->unwatch(&w);
  request_finished(st, c, rec);
}

template <class Stream>
net::awaitable<void> watchdog(run_state<Stream>* st, std::chrono::milliseconds tick) {
  while (!st->finished) {
    st->watchdog_timer.expires_after(tick);
    auto wait_op = st->watchdog_timer.async_wait(use_tuple);
    auto waited = co_await std::move(wait_op);
    (void)waited;
    const time_point t = now();
    for (std::size_t i = 0; i < st->active.size(); ++i) {
      watched* w = st->active[i];
      if (w->expired == error_kind::none && t >= w->deadline) st->expire(w, w->on_expiry);
    }
  }
}

template <class Stream>
net::awaitable<void> progress_ticker(run_state<Stream>* st) {
  while (!st->finished) {
    st->progress_timer.expires_after(st->hooks.progress_interval);
    auto wait_op = st->progress_timer.async_wait(use_tuple);
    auto waited = co_await std::move(wait_op);
    (void)waited;
    if (st->finished) break;
    if (st->hooks.stop && st->hooks.stop->load(std::memory_order_relaxed) && !st->stopping) {
      st->stopping = true;
      for (std::size_t i = 0; i < st->active.size(); ++i) st->expire(st->active[i], error_kind::cancelled);
      st->dispatch_timer.cancel();
      st->wake.cancel();
    }
    if (st->hooks.on_progress) {
      st->progress.in_flight = st->in_flight;
      st->progress.elapsed_s = seconds(st->phase_start, now());
      st->hooks.on_progress(st->progress);
    }
  }
}

template <class Stream>
void rethrow_on_error(std::exception_ptr e) {
  if (e) std::rethrow_exception(e);
}

// Send one phase's requests: absolute deadlines, the concurrency cap, then wait for all.
// Returns how many were sent.
template <class Stream>
net::awaitable<std::size_t> run_phase(run_state<Stream>* st, std::vector<request_record>* recs,
                                      const std::vector<std::string>* bodies, const std::vector<double>* deadlines,
                                      time_point t0, std::optional<double> max_duration) {
  std::size_t sent = 0;
  for (std::size_t i = 0; i < recs->size() && !st->stopping; ++i) {
    const double offset = deadlines->empty() ? 0.0 : (*deadlines)[i];
    if (max_duration) {
      if (deadlines->empty() ? seconds(t0, now()) >= *max_duration : offset > *max_duration) break;
    }
    const time_point due = t0 + to_duration(offset);
    if (now() < due) {
      st->dispatch_timer.expires_at(due);
      auto wait_op = st->dispatch_timer.async_wait(use_tuple);
      auto waited = co_await std::move(wait_op);
      (void)waited;
      if (st->stopping) break;
    }
    while (st->cap > 0 && st->in_flight >= st->cap && !st->stopping) {
      st->wake.expires_at(time_point::max());
      auto wait_op = st->wake.async_wait(use_tuple);
      auto woken = co_await std::move(wait_op);
      (void)woken;
    }
    if (st->stopping) break;
    if (max_duration && deadlines->empty() && seconds(t0, now()) >= *max_duration) break;  // waited past it
    request_record& rec = (*recs)[i];
    rec.scheduled = due;
    rec.ready = due;
    if (st->cap > 0 && !st->free_slots.empty()) {  // the slot it takes: free since then
      rec.ready = std::max(due, st->free_slots.front());
      st->free_slots.pop_front();
    }
    rec.chunks.reserve(static_cast<std::size_t>(std::clamp<std::int64_t>(rec.output_len + 2, 2, 1 << 16)));
    connection<Stream>* c = st->take_connection();
    ++st->in_flight;
    ++sent;
    const std::string* body = bodies->size() == 1 ? &(*bodies)[0] : &(*bodies)[i];
    net::co_spawn(st->ioc, run_request(st, c, &rec, body), &rethrow_on_error<Stream>);
  }
  while (st->in_flight > 0) {
    st->wake.expires_at(time_point::max());
    auto wait_op = st->wake.async_wait(use_tuple);
    auto woken = co_await std::move(wait_op);
    (void)woken;
  }
  co_return sent;
}

inline std::vector<request_record> make_records(std::span<const prompt> prompts, std::size_t n, bool warmup,
                                                bool ignore_eos) {
  std::vector<request_record> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    const prompt& p = prompts[warmup ? 0 : i];
    v[i].index = i;
    v[i].warmup = warmup;
    v[i].input_len = p.input_len;
    v[i].output_len = p.output_len;
    v[i].ignore_eos = ignore_eos;
  }
  return v;
}

// The whole run: probe the prompt format if needed, warm up, then the measured phase.
template <class Stream>
net::awaitable<void> run_all(run_state<Stream>* st, const run_plan* plan, run_result* out) {
  const client_options& o = st->opt;
  const bool chat = o.request.api == api_kind::chat;
  bool ids = !chat && o.format != prompt_format::text;
  if (ids && o.format == prompt_format::automatic && !plan->prompts.empty() && !plan->prompts[0].token_ids.empty()) {
    // does the server take token ids? one short request tells (400/422: no)
    prompt probe = plan->prompts[0];
    probe.output_len = 1;
    std::vector<std::string> probe_body{build_body(probe, o.request, true)};
    std::vector<request_record> probe_rec = make_records(std::span<const prompt>(&probe, 1), 1, true, false);
    const std::vector<double> none;
    st->report = false;
    auto probe_op = run_phase(st, &probe_rec, &probe_body, &none, now(), std::nullopt);
    const std::size_t probed = co_await std::move(probe_op);
    (void)probed;
    st->report = true;
    if (probe_rec[0].http_status == 400 || probe_rec[0].http_status == 422) ids = false;
  }
  out->token_ids = ids && !plan->prompts.empty() && !plan->prompts[0].token_ids.empty();

  if (plan->warmups > 0 && !plan->prompts.empty() && !st->stopping) {
    std::vector<std::string> warm_body{build_body(plan->prompts[0], o.request, ids)};
    out->warmups = make_records(plan->prompts, plan->warmups, true, o.request.ignore_eos);
    st->progress = progress_snapshot{};
    st->progress.warmup = true;
    st->progress.total = plan->warmups;
    st->phase_start = now();
    const std::vector<double> none;
    auto warm_op = run_phase(st, &out->warmups, &warm_body, &none, now(), std::nullopt);
    const std::size_t n = co_await std::move(warm_op);
    out->warmups.resize(n);
  }

  std::vector<std::string> bodies;
  bodies.reserve(plan->prompts.size());
  for (const auto& p : plan->prompts) bodies.push_back(build_body(p, o.request, ids));
  out->records = make_records(plan->prompts, plan->prompts.size(), false, o.request.ignore_eos);
  st->progress = progress_snapshot{};
  st->progress.total = plan->prompts.size();
  if (plan->max_duration_s && !plan->deadlines.empty())
    st->progress.total = static_cast<std::size_t>(
        std::upper_bound(plan->deadlines.begin(), plan->deadlines.end(), *plan->max_duration_s) - plan->deadlines.begin());
  const time_point t0 = now();
  st->phase_start = t0;
  out->start = t0;
  out->start_unix = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (!st->stopping) {
    auto measured_op = run_phase(st, &out->records, &bodies, &plan->deadlines, t0, plan->max_duration_s);
    const std::size_t n = co_await std::move(measured_op);
    out->records.resize(n);
  } else {
    out->records.clear();
  }
  time_point end = t0;
  for (const auto& r : out->records) end = std::max(end, r.done);
  out->end = end;
  out->end_unix = out->start_unix + seconds(t0, end);
  out->stopped = st->stopping;
  if (st->hooks.on_progress) {
    st->progress.in_flight = 0;
    st->progress.elapsed_s = seconds(t0, end);
    st->hooks.on_progress(st->progress);
  }
  st->finished = true;
  st->watchdog_timer.cancel();
  st->progress_timer.cancel();
}

inline std::chrono::milliseconds watchdog_tick(const timeouts& t) {
  std::chrono::milliseconds shortest{200 * 20};
  for (auto d : {t.connect, t.first_token, t.idle})
    if (d.count() > 0) shortest = std::min(shortest, d);
  return std::clamp(shortest / 20, std::chrono::milliseconds{5}, std::chrono::milliseconds{200});
}

template <class Stream>
run_result run_with(const client_options& o, const run_plan& plan, const run_hooks& hooks, const endpoint& ep) {
  net::io_context ioc{1};  // one thread: no locking inside Asio
#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
  std::optional<net::ssl::context> tls;
  if constexpr (is_tls<Stream>) {
    tls.emplace(net::ssl::context::tls_client);
    tls->set_default_verify_paths();
    tls->set_verify_mode(o.verify_tls ? net::ssl::verify_peer : net::ssl::verify_none);
  }
#endif
  run_state<Stream> st(ioc, o, hooks);
  st.ep = ep;
#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
  if (tls) st.tls = &*tls;
#endif
  st.head = build_request_head(ep, o.request);
  st.body.resize(o.read_size);
  st.cap = plan.max_concurrency;
  st.free_slots.assign(st.cap, time_point{});
  tcp::resolver resolver(ioc);
  boost::system::error_code rec;
  st.addresses = resolver.resolve(ep.host, std::to_string(ep.port), rec);
  if (rec) throw input_error({"--url", {}, {}, ep.host}, "cannot resolve host: " + rec.message());

  run_result out;
  net::co_spawn(ioc, run_all(&st, &plan, &out), &rethrow_on_error<Stream>);
  net::co_spawn(ioc, watchdog(&st, watchdog_tick(o.timeout)), &rethrow_on_error<Stream>);
  net::co_spawn(ioc, progress_ticker(&st), &rethrow_on_error<Stream>);
  if (o.busy_poll) {
    while (!ioc.stopped()) ioc.poll();
  } else {
    ioc.run();
  }
  out.connections = st.opened;
  return out;
}

}  // namespace detail

/// Run a plan against a server on the calling thread; returns when every sent request has
/// finished (or failed). Throws input_error for a bad URL or plan, never for a failed request.
inline run_result run(const client_options& o, const run_plan& plan, const run_hooks& hooks = {}) {
  const endpoint ep = parse_endpoint(o.url, o.request.api);
  if (!plan.deadlines.empty() && plan.deadlines.size() != plan.prompts.size())
    throw input_error({"", {}, {}, "deadlines"}, "one deadline per prompt expected");
  if (!std::is_sorted(plan.deadlines.begin(), plan.deadlines.end()))
    throw input_error({"", {}, {}, "deadlines"}, "deadlines must be sorted");
  if (o.read_size < 512) throw input_error({"", {}, {}, "read_size"}, "read size must be at least 512 bytes");
  if (ep.tls) {
#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
    return detail::run_with<detail::tls_stream>(o, plan, hooks, ep);
#else
    throw input_error({"--url", {}, {}, o.url}, "https needs the load generator built with INFERLENS_LOADGEN_TLS");
#endif
  }
  return detail::run_with<detail::plain_stream>(o, plan, hooks, ep);
}

}  // namespace loadgen
INFERLENS_END_NAMESPACE
