// The HTTP/1.1 + SSE client and the runner that drives a workload through it: N I/O threads
// (one by default), each with its own io_context, a coroutine per request over keep-alive
// connections, closed loop (at most c in flight, everything queued at the start) or open loop
// (absolute deadlines), warm-ups that are excluded, a watchdog for the connect, first-token and
// idle timeouts, and a stamp taken first thing after every read (the kernel's receive time when
// it gives one). Errors are error_codes, never exceptions per token.
//
// On Linux plain-HTTP responses are read by a small reactor per thread (detail::reactor), the
// parse done right there; the request's coroutine only wakes when its response ends. Where the
// kernel gives one (6.3+, client_options::io_uring), an io_uring per thread and phase
// (detail/uring.hpp, raw system calls): a multishot recvmsg per connection into provided buffers,
// each completion with its own bytes and kernel receive stamp, and one io_uring_enter reaping a
// batch of completions, so a read costs no system call of its own. Otherwise epoll: one recvmsg
// per ready socket, level-triggered interest registered once per connection, no per-read re-arm
// (Asio re-arms epoll for every async_wait). https (and other systems) read through Asio.
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
#include <thread>
#include <tuple>
#include <vector>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/epoll.h>
#include <sys/mman.h>
#endif

#include "inferlens/loadgen/detail/asio.hpp"
#include "inferlens/loadgen/detail/uring.hpp"
#include "inferlens/error.hpp"
#include "inferlens/loadgen/metrics.hpp"
#include "inferlens/loadgen/progress.hpp"
#include "inferlens/loadgen/protocol.hpp"
#include "inferlens/loadgen/workload.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace loadgen {

/// Separate limits for each phase of a request; zero means none. No total cap: a long request
/// that keeps streaming is never cut. Each must be at most a day (max_timeout).
struct timeouts {
  std::chrono::milliseconds connect{10'000};       ///< TCP connect + TLS handshake
  std::chrono::milliseconds first_token{600'000};  ///< send → first chunk (includes server queueing)
  std::chrono::milliseconds idle{120'000};         ///< longest silence between reads after the first chunk
};
inline constexpr std::chrono::milliseconds max_timeout{86'400'000};

/// How to talk to the server.
struct client_options {
  std::string url = "http://127.0.0.1:8000";  ///< base URL or full endpoint path
  request_options request;
  prompt_format format = prompt_format::automatic;
  timeouts timeout;
  first_token_rule rule = first_token_rule::content;
  bool verify_tls = true;  ///< verify the server certificate and host name (https)
  /// PEM file of certificates to trust (https), besides the system's store (which OpenSSL finds
  /// through $SSL_CERT_FILE / $SSL_CERT_DIR when they are set).
  std::string ca_file;
  /// HTTP keep-alive. Off: every request says `Connection: close` and gets a new connection.
  bool keep_alive = true;
  /// I/O threads. Requests are dealt to them round-robin and the concurrency cap is split
  /// evenly (thread i of N gets cap/N, the first cap % N one more), so at most cap are in flight.
  std::size_t io_threads = 1;
  /// Bytes asked for per read, into one buffer per thread (connections keep only what a read
  /// left unparsed, usually nothing).
  std::size_t read_size = 256 * 1024;
  /// Poll for events instead of sleeping in epoll: the thread never sleeps, so the time an idle
  /// thread takes to wake up (tens of µs on a VM) leaves the stamps. Burns its cores.
  bool busy_poll = false;
  /// After each request is written, put its socket in delayed-ACK mode (Linux TCP_QUICKACK = 0),
  /// so a stream of small events is acknowledged about every other segment (http only).
  bool delayed_ack = true;
  /// Stamp each read with the kernel's receive time of its data (Linux SO_TIMESTAMPNS, http)
  /// instead of the moment the client got to it: when many streams deliver at once, a thread
  /// reads them in turn, and the later ones would carry the wait. The wait itself is recorded
  /// per chunk (client_delay_us) and reported as client_read_delay.
  bool kernel_rx_stamps = true;
  /// Read plain-HTTP responses through io_uring (Linux 6.3 or later): a multishot recvmsg per
  /// connection into a ring of provided buffers, many completions reaped per system call. Where
  /// the kernel refuses a ring (ENOSYS, EPERM, seccomp, io_uring_disabled) or when this is false,
  /// the epoll reactor reads them, one recvmsg per ready socket.
  bool io_uring = true;
  /// io_uring: after a wake-up, wait up to this long for up to 64 completions to gather before
  /// reaping them (0: reap what is there). Only the read lag grows (client_read_delay); the stamps
  /// are the kernel's receive times. Used only with kernel_rx_stamps (else 0).
  std::chrono::microseconds io_uring_batch_wait{200};
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

/// Callbacks. on_request runs on the I/O thread that finished the request (several threads may
/// call it at once when io_threads > 1); on_progress on the first I/O thread. Keep them short.
struct run_hooks {
  std::function<void(const request_record&)> on_request;  ///< every finished request, warm-ups included
  std::function<void(const progress_snapshot&)> on_progress;
  std::chrono::milliseconds progress_interval{250};
  const std::atomic<bool>* stop = nullptr;  ///< set it (e.g. from SIGINT) to end the run early
};

/// Which part of a run was going on.
enum class run_phase_kind : std::uint8_t { probe, warmup, measured };

/// One run's raw measurements.
struct run_result {
  std::vector<request_record> records;  ///< measured requests that were sent, in workload order
  std::vector<request_record> warmups;
  time_point start{}, end{};            ///< dispatch start (after warm-ups) → last request done
  double start_unix = 0, end_unix = 0;  ///< the same instants on the system clock (power windows)
  bool token_ids = false;               ///< prompts went as token ids
  std::size_t connections = 0;          ///< connections opened (warm-ups included)
  std::size_t retried = 0;              ///< requests sent again after a reused connection failed
  std::size_t found_closed = 0;         ///< idle connections found closed by the server before reuse
  std::size_t io_threads = 1;
  bool io_uring = false;                ///< plain-HTTP responses were read through io_uring (else epoll, or Asio)
  bool stopped = false;                 ///< the stop flag ended the run early
  run_phase_kind stopped_in = run_phase_kind::measured;  ///< where the stop came (when stopped)
};

namespace detail {

inline time_point now() noexcept { return std::chrono::steady_clock::now(); }

inline std::chrono::steady_clock::duration to_duration(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

inline void set_delayed_ack([[maybe_unused]] int fd) noexcept {
#if defined(TCP_QUICKACK)
  const int zero = 0;
  ::setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &zero, sizeof zero);
#endif
}

inline void enable_rx_stamps([[maybe_unused]] int fd) noexcept {
#if defined(__linux__) && defined(SO_TIMESTAMPNS)
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
#endif
}

inline std::string errno_text(int e) { return std::strerror(e); }

using plain_stream = tcp::socket;
inline tcp::socket& lowest(plain_stream& s) noexcept { return s; }
#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
using tls_stream = net::ssl::stream<tcp::socket>;
inline tcp::socket& lowest(tls_stream& s) noexcept { return s.next_layer(); }
template <class Stream>
inline constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;
#else
template <class Stream>
inline constexpr bool is_tls = false;
#endif

#if defined(__linux__)
/// Plain-HTTP responses go through the epoll reactor (see the file comment).
template <class Stream>
inline constexpr bool use_reactor = !is_tls<Stream>;
#else
template <class Stream>
inline constexpr bool use_reactor = false;
#endif

/// What the progress reporter reads from each I/O thread: written by that thread only (a
/// relaxed load and store, no read-modify-write), read by the first thread.
struct alignas(64) thread_counters {
  std::atomic<std::uint64_t> done{0}, failed{0}, in_flight{0}, total{0}, content_chunks{0}, output_tokens{0},
      finished_chunks{0}, reads{0}, delay_us_sum{0}, delay_count{0}, lag_us_sum{0}, sent{0};
  static void add(std::atomic<std::uint64_t>& a, std::uint64_t v) noexcept {
    a.store(a.load(std::memory_order_relaxed) + v, std::memory_order_relaxed);
  }
  static void set(std::atomic<std::uint64_t>& a, std::uint64_t v) noexcept { a.store(v, std::memory_order_relaxed); }
  void reset() noexcept {
    for (auto* a : {&done, &failed, &in_flight, &total, &content_chunks, &output_tokens, &finished_chunks, &reads,
                    &delay_us_sum, &delay_count, &lag_us_sum, &sent})
      set(*a, 0);
  }
};

struct connection_base;

// A request the watchdog looks after.
struct watched {
  time_point deadline = time_point::max();
  error_kind on_expiry = error_kind::none;
  error_kind expired = error_kind::none;
  tcp::socket* socket = nullptr;       // while connecting (and the TLS path): closed on expiry
  connection_base* conn = nullptr;     // the reactor path: failed directly on expiry
  std::size_t slot = 0;
};

/// One connection and the response in progress on it.
struct connection_base {
  explicit connection_base(net::io_context& io) : signal(io) {}
  std::uint64_t id = 0;
  bool open = false;
  int fd = -1;  // the reactor path, once connected
  std::string carry;  // bytes a read left unparsed (a split chunk-size line or header)
  time_point idle_until = time_point::max();      // the server's Keep-Alive timeout, minus a margin
  std::optional<std::int64_t> requests_left;      // the server's Keep-Alive max
  // the response in progress
  std::optional<http::response_parser<http::buffer_body>> parser;
  request_record* rec = nullptr;
  stream_recorder* recorder = nullptr;
  watched* w = nullptr;
  time_point first_deadline = time_point::max();
  bool busy = false, header_done = false, status_ok = false, any_bytes = false;
  std::string error_body;
  // its outcome
  bool done = false, reusable = false;
  error_kind outcome = error_kind::none;
  std::string message;
  // a request write the socket could not take at once (the reactor path)
  std::string out;
  std::size_t out_sent = 0;
  bool writing = false;
  std::uint16_t ring_gen = 0;  // io_uring: bumped when the connection leaves the ring (stale completions)
  net::steady_timer signal;  // wakes the request's coroutine (the reactor path)
};

template <class Stream>
struct connection : connection_base {
  using connection_base::connection_base;
  std::optional<Stream> stream;  // TLS, or plain while connecting / without the reactor
};

#if defined(__linux__)
/// The plain connections of one I/O thread, read by io_uring where the kernel allows it, else by
/// level-triggered epoll; either one is watched by Asio through one descriptor.
///
/// epoll: one epoll_ctl per connection (and one per wake-up for the watch), one recvmsg per ready
/// socket. io_uring: one ring per phase, created on the thread that runs the phase (it is the only
/// one that submits: SINGLE_ISSUER | COOP_TASKRUN where the kernel has them), a multishot recvmsg
/// per connection into 1,024 provided buffers, each completion carrying its own bytes and its
/// kernel receive stamp (cmsg); the kernel signals an eventfd when work arrives, and one
/// io_uring_enter then runs the receives and reaps up to a batch of completions.
class reactor {
 public:
  explicit reactor(net::io_context& io) : epfd_(::epoll_create1(EPOLL_CLOEXEC)), watch_(io), ring_watch_(io) {
    if (epfd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
    watch_.assign(::dup(epfd_));
  }
  ~reactor() {
    close_ring();
    ::close(epfd_);
#if defined(INFERLENS_LOADGEN_URING)
    if (bufs_) ::munmap(bufs_, bufs_size_);
    if (brmem_) ::munmap(brmem_, brmem_size_);
#endif
  }
  reactor(const reactor&) = delete;
  reactor& operator=(const reactor&) = delete;

  /// Whether this thread reads through io_uring (decided at the first arm()).
  bool uring() const noexcept { return mode_ == mode::uring; }

  /// A new connection: its reads begin.
  bool attach(int fd, connection_base* c) noexcept {
#if defined(INFERLENS_LOADGEN_URING)
    if (uring()) {
      arm_recv(fd, c);
      flush();
      return true;
    }
#endif
    return ctl(EPOLL_CTL_ADD, fd, c, EPOLLIN | EPOLLRDHUP);
  }
  /// The connection is about to be closed: no more events for it.
  void detach(int fd, connection_base* c) noexcept {
#if defined(INFERLENS_LOADGEN_URING)
    if (uring()) {
      ++c->ring_gen;  // whatever it still completes is stale
      if (ring_.is_open()) {
        if (io_uring_sqe* e = ring_.sqe()) {
          uring::prep_cancel(e, 0, false, 0);
          e->fd = fd;
          e->cancel_flags = IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL;
        }
        flush();  // now: the cancelled requests hold the socket open until then
      }
      return;
    }
#endif
    (void)c;
    ::epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
  }
  /// The rest of a request the socket did not take at once: epoll waits for EPOLLOUT (the caller
  /// then writes), io_uring sends it (its completion comes to on_cqe).
  void want_write(int fd, connection_base* c, const char* data, std::size_t n) noexcept {
#if defined(INFERLENS_LOADGEN_URING)
    if (uring()) {
      if (io_uring_sqe* e = ring_.sqe()) uring::prep_send(e, fd, data, n, user_data(c, kind_send));
      flush();
      return;
    }
#endif
    (void)data;
    (void)n;
    ctl(EPOLL_CTL_MOD, fd, c, EPOLLIN | EPOLLRDHUP | EPOLLOUT);
  }
  void write_done(int fd, connection_base* c) noexcept {
    if (!uring()) ctl(EPOLL_CTL_MOD, fd, c, EPOLLIN | EPOLLRDHUP);
  }

  /// Ready for another run() on the calling thread (call before spawning it: a phase may end, and
  /// stop() it, first). The first call picks io_uring or epoll; with io_uring it opens this
  /// phase's ring, and the caller then attach()es the connections already open.
  void arm(const client_options& o) {
    stopping_ = false;
#if defined(INFERLENS_LOADGEN_URING)
    if (mode_ == mode::undecided) mode_ = o.io_uring && open_ring(o) ? mode::uring : mode::epoll;
    else if (mode_ == mode::uring && !open_ring(o))
      throw std::system_error(errno, std::generic_category(), "io_uring_setup");
#else
    (void)o;
    mode_ = mode::epoll;
#endif
  }

  /// Calls on_event(void* p, std::uint32_t events) for every ready connection (epoll), or
  /// on_cqe(const io_uring_cqe&) for every completion (io_uring), until stop().
  template <class OnEvent, class OnCqe>
  net::awaitable<void> run(OnEvent on_event, OnCqe on_cqe, bool busy) {
#if defined(INFERLENS_LOADGEN_URING)
    if (uring()) {
      auto run_op = run_uring(on_cqe, busy);
      co_await std::move(run_op);
      co_return;
    }
#endif
    (void)on_cqe;
    while (!stopping_) {
      if (busy) {
        auto ex = co_await net::this_coro::executor;
        auto yield = net::post(ex, net::use_awaitable);
        co_await std::move(yield);
      } else {
        auto wait_op = watch_.async_wait(net::posix::stream_descriptor::wait_read, use_tuple);
        auto waited = co_await std::move(wait_op);
        (void)waited;
      }
      if (stopping_) break;
      const int n = ::epoll_wait(epfd_, events_.data(), static_cast<int>(events_.size()), 0);
      for (int i = 0; i < n; ++i) on_event(events_[static_cast<std::size_t>(i)].data.ptr, events_[static_cast<std::size_t>(i)].events);
    }
  }
  void stop() {
    stopping_ = true;
    boost::system::error_code ignored;
    watch_.cancel(ignored);
    ring_watch_.cancel(ignored);
  }

  /// The phase is over (after its run() returned, on its thread): the ring's requests are
  /// cancelled, and the ring closed. The connections stay open.
  void close_ring() noexcept {
#if defined(INFERLENS_LOADGEN_URING)
    if (!ring_.is_open()) return;
    ring_watch_.release();
    if (io_uring_sqe* e = ring_.sqe()) {
      uring::prep_cancel(e, 0, true, cancel_all_tag);
      bool done = false;
      for (int rounds = 0; !done && rounds < 100; ++rounds) {
        if (ring_.wait(1, 10'000'000) < 0) break;  // not this ring's thread (an exception unwound it)
        ring_.reap([&](const io_uring_cqe& q) {
          if (q.user_data == cancel_all_tag) done = true;
        });
      }
    }
    ring_.close();
#endif
  }

#if defined(INFERLENS_LOADGEN_URING)
  static constexpr std::uint64_t kind_send = 1;
  /// A completion's connection (nullptr: none of ours), whether it is a send's, and whether it is
  /// stale (the connection left the ring since).
  static connection_base* connection_of(const io_uring_cqe& q, bool& send, bool& stale) noexcept {
    send = (q.user_data & kind_send) != 0;
    auto* c = reinterpret_cast<connection_base*>(static_cast<std::uintptr_t>(q.user_data & ((std::uint64_t{1} << 48) - 1) & ~std::uint64_t{7}));
    stale = c && static_cast<std::uint16_t>(q.user_data >> 48) != c->ring_gen;
    return c;
  }
  /// The received bytes and cmsg area of a recvmsg completion's buffer (its bid is returned with
  /// recycle()). Bytes: 0 at the end of the stream.
  struct received {
    const char* data = nullptr;
    std::size_t size = 0;
    const char* control = nullptr;
    std::size_t control_size = 0;
  };
  received buffer_of(const io_uring_cqe& q) const noexcept {
    received r;
    if (!(q.flags & IORING_CQE_F_BUFFER) || q.res < 0) return r;
    const char* b = ring_.buffer(static_cast<std::uint16_t>(q.flags >> IORING_CQE_BUFFER_SHIFT));
    io_uring_recvmsg_out out{};
    std::memcpy(&out, b, sizeof out);
    const std::size_t hdr = sizeof out + msg_.msg_controllen;
    r.control = b + sizeof out;
    r.control_size = std::min<std::size_t>(out.controllen, msg_.msg_controllen);
    if (static_cast<std::size_t>(q.res) > hdr) {
      r.data = b + hdr;
      r.size = static_cast<std::size_t>(q.res) - hdr;
    }
    return r;
  }
  void recycle(const io_uring_cqe& q) noexcept {
    if (q.flags & IORING_CQE_F_BUFFER) {
      ring_.recycle(static_cast<std::uint16_t>(q.flags >> IORING_CQE_BUFFER_SHIFT));
      recycled_ = true;
    }
  }
  /// A multishot receive that ended (no IORING_CQE_F_MORE) on a connection still wanted.
  void rearm(int fd, connection_base* c) noexcept { arm_recv(fd, c); }
#endif

 private:
  enum class mode : std::uint8_t { undecided, epoll, uring };
  bool ctl(int op, int fd, void* p, std::uint32_t events) noexcept {
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = p;
    return ::epoll_ctl(epfd_, op, fd, &ev) == 0;
  }

#if defined(INFERLENS_LOADGEN_URING)
  static constexpr unsigned buffer_count = 1024;
  static constexpr std::uint64_t cancel_all_tag = ~std::uint64_t{0} & ~((std::uint64_t{1} << 48) - 1);  // no connection

  static std::uint64_t user_data(connection_base* c, std::uint64_t kind) noexcept {
    return reinterpret_cast<std::uintptr_t>(c) | kind | (static_cast<std::uint64_t>(c->ring_gen) << 48);
  }
  void arm_recv(int fd, connection_base* c) noexcept {
    if (io_uring_sqe* e = ring_.sqe()) uring::prep_recvmsg_multishot(e, fd, &msg_, 0, user_data(c, 0));
  }
  // Submits now, from outside run(): what completes at once is not always signalled, so a ready
  // completion kicks the eventfd the loop sleeps on.
  void flush() noexcept {
    if (!ring_.is_open()) return;
    ring_.submit();
    if (ring_.ready() > 0) ring_.kick();
  }

  bool open_ring(const client_options& o) {
    if (!ring_.open(256, 8192)) return false;
    const std::size_t payload = std::min<std::size_t>(o.read_size, 16384);
    msg_ = msghdr{};
    msg_.msg_controllen = o.kernel_rx_stamps ? CMSG_SPACE(sizeof(timespec)) * 2 : 0;
    const std::size_t size = (payload + sizeof(io_uring_recvmsg_out) + msg_.msg_controllen + 63) / 64 * 64;
    if (size != buf_size_) {
      if (bufs_) ::munmap(bufs_, bufs_size_);
      bufs_size_ = size * buffer_count;
      void* m = ::mmap(nullptr, bufs_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      bufs_ = m == MAP_FAILED ? nullptr : static_cast<char*>(m);
      buf_size_ = bufs_ ? size : 0;
    }
    if (!brmem_) {
      brmem_size_ = buffer_count * sizeof(io_uring_buf);
      void* m = ::mmap(nullptr, brmem_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      brmem_ = m == MAP_FAILED ? nullptr : m;
    }
    if (!bufs_ || !brmem_ || !ring_.provide(brmem_, bufs_, buffer_count, static_cast<unsigned>(buf_size_), 0)) {
      const int e = errno;
      ring_.close();
      errno = e;
      return false;
    }
    batch_ns_ = o.kernel_rx_stamps ? std::chrono::duration_cast<std::chrono::nanoseconds>(o.io_uring_batch_wait).count() : 0;
    ring_watch_.assign(ring_.event_fd());
    return true;
  }

  template <class OnCqe>
  net::awaitable<void> run_uring(OnCqe on_cqe, bool busy) {
    bool again = false;  // the last round reaped something: look again (after a yield) before sleeping
    while (!stopping_) {
      if (busy || again) {  // every round lets Asio run its handlers first
        auto ex = co_await net::this_coro::executor;
        auto yield = net::post(ex, net::use_awaitable);
        co_await std::move(yield);
      } else {
        auto wait_op = ring_watch_.async_wait(net::posix::stream_descriptor::wait_read, use_tuple);
        auto waited = co_await std::move(wait_op);
        (void)waited;
        if (!stopping_) ring_.clear_event();
      }
      if (stopping_) break;
      // after a wake-up, gather a batch (up to batch_ns_); else only what is there
      const bool gather = !busy && !again && batch_ns_ > 0;
      ring_.wait(gather ? 64 : 0, gather ? batch_ns_ : 0);
      // One enter runs a bounded amount of the kernel's pending work, and what it leaves is not
      // always signalled again: enter once more without waiting until nothing more comes.
      unsigned total = 0;
      for (;;) {
        recycled_ = false;
        const unsigned got = ring_.reap([&](const io_uring_cqe& q) { on_cqe(q); });
        if (recycled_) ring_.publish();
        total += got;
        if (got == 0 || stopping_) break;
        ring_.wait(0, 0);
        if (ring_.ready() == 0) break;
      }
      again = total > 0 || ring_.queued() > 0;
    }
  }

  uring::ring ring_;
  msghdr msg_{};
  char* bufs_ = nullptr;
  std::size_t bufs_size_ = 0, buf_size_ = 0, brmem_size_ = 0;
  void* brmem_ = nullptr;
  std::int64_t batch_ns_ = 0;
  bool recycled_ = false;
#endif
  int epfd_;
  net::posix::stream_descriptor watch_, ring_watch_;
  std::array<epoll_event, 512> events_{};
  bool stopping_ = false;
  mode mode_ = mode::undecided;
};
#endif

/// A slice of one phase for one I/O thread.
struct phase_share {
  std::vector<request_record*> recs;
  std::vector<const std::string*> bodies;
  std::vector<double> deadlines;  // empty: all due at t0
  std::size_t cap = 0;
};

template <class Stream>
struct run_state {
  run_state(const client_options& o, const run_hooks& h, std::size_t index_)
      : opt(o), hooks(h), index(index_), wake(ioc), dispatch_timer(ioc), watchdog_timer(ioc), progress_timer(ioc)
#if defined(__linux__)
        , poller(ioc)
#endif
  {
  }

  net::io_context ioc{1};  // one thread: no locking inside Asio
  const client_options& opt;
  const run_hooks& hooks;
  std::size_t index;  // which I/O thread
  endpoint ep;
  tcp::resolver::results_type addresses;
#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
  net::ssl::context* tls = nullptr;
#endif
  std::string head;
  std::vector<char> rbuf, body;  // this thread's read buffer and body scratch: used between a read and its parse
  std::vector<std::unique_ptr<connection<Stream>>> connections;
  std::vector<connection<Stream>*> idle_open, spare;
  std::vector<watched*> active;
  std::size_t in_flight = 0, cap = 0, opened = 0, retried = 0, found_closed = 0;
  std::uint64_t next_connection_id = 1;
  std::deque<time_point> free_slots;  // when each free slot of the cap became free, oldest first
  bool stopping = false, phase_done = false;
  bool report = true;  // hand finished requests to hooks.on_request (not the format probe)
  run_phase_kind phase = run_phase_kind::measured;
  net::steady_timer wake, dispatch_timer, watchdog_timer, progress_timer;
#if defined(__linux__)
  reactor poller;
#endif
  thread_counters counters;
  time_point phase_start{};
  std::vector<run_state*>* all = nullptr;  // every thread's state (the reporter sums them)

  void watch(watched* w) {
    w->slot = active.size();
    active.push_back(w);
  }
  void unwatch(watched* w) {
    active[w->slot] = active.back();
    active[w->slot]->slot = w->slot;
    active.pop_back();
  }
};

// ---------------------------------------------------------------------------------------------
// Responses: bytes in, records out (shared by both read paths)
// ---------------------------------------------------------------------------------------------

template <class Stream>
void close_connection(run_state<Stream>* st, connection<Stream>* c) {
  boost::system::error_code ignored;
  if (c->fd >= 0) {
#if defined(__linux__)
    st->poller.detach(c->fd, c);
#endif
    ::close(c->fd);
    c->fd = -1;
  }
  if (c->stream) lowest(*c->stream).close(ignored);
  c->open = false;
  c->carry.clear();
  c->requests_left.reset();
  c->idle_until = time_point::max();
  (void)st;
}

// The response on c ended: how, and whether the connection may carry another request.
inline void complete(connection_base& c, error_kind e, std::string message = {}) {
  if (c.done) return;
  c.done = true;
  c.outcome = e;
  c.message = std::move(message);
  if (e == error_kind::none && c.parser) {
    c.reusable = c.parser->keep_alive() && c.carry.empty() && c.requests_left.value_or(1) > 0;
    if (!c.status_ok) {
      c.outcome = error_kind::http_status;
      const std::string text = c.error_body.empty() ? std::string() : error_body_message(c.error_body);
      c.message = "HTTP " + std::to_string(c.rec->http_status) + (text.empty() ? std::string() : ": " + text);
    }
  }
  c.signal.cancel();
}

// The server ended the connection (orderly) while c's response was in progress.
inline void response_eof(connection_base& c) {
  if (c.header_done) {
    boost::system::error_code ec;
    c.parser->put_eof(ec);  // a body delimited by the connection's end is complete now
    if (!ec && c.parser->is_done()) {
      complete(c, error_kind::none);
      c.reusable = false;
      return;
    }
    complete(c, error_kind::truncated, "connection closed mid-response");
    return;
  }
  complete(c, error_kind::connection_reset,
           c.any_bytes ? "connection closed inside the response header" : "connection closed before any response");
}

// Parse as much of `in` as the parser takes; returns the bytes consumed. A malformed response
// completes c.
template <class Stream>
std::size_t parse_some(run_state<Stream>* st, connection_base& c, std::string_view in, time_point stamp,
                       std::uint16_t delay_us) {
  request_record& rec = *c.rec;
  std::size_t consumed = 0;
  auto& parser = *c.parser;
  while (consumed < in.size() && !parser.is_done()) {
    auto& body = parser.get().body();
    body.data = st->body.data();
    body.size = st->body.size();
    boost::system::error_code pec;
    const std::size_t used = parser.put(net::buffer(in.data() + consumed, in.size() - consumed), pec);
    consumed += used;
    const std::size_t produced = st->body.size() - body.size;
    if (!c.header_done && parser.is_header_done()) {
      c.header_done = true;
      rec.http_status = static_cast<int>(parser.get().result_int());
      c.status_ok = rec.http_status == 200;
      parser.eager(true);
      const auto ka = parser.get()["Keep-Alive"];
      if (!ka.empty()) {
        const keep_alive_hint h = parse_keep_alive(std::string_view(ka.data(), ka.size()));
        if (h.max) c.requests_left = *h.max - 1;
        if (h.timeout_s) c.idle_until = stamp + to_duration(std::max(0.0, *h.timeout_s - 1.0));
      }
    }
    if (produced > 0) {
      if (c.status_ok) {
        const std::size_t before = rec.chunks.size();
        c.recorder->on_body(stamp, std::string_view(st->body.data(), produced), delay_us);
        std::uint64_t content = 0;
        for (std::size_t k = before; k < rec.chunks.size(); ++k) content += rec.chunks[k].content;
        thread_counters::add(st->counters.content_chunks, content);
      } else if (c.error_body.size() < 4096) {
        c.error_body.append(st->body.data(), std::min(produced, 4096 - c.error_body.size()));
      }
    }
    if (pec == http::error::need_buffer) continue;
    if (pec == http::error::need_more) break;
    if (pec) {
      complete(c, error_kind::malformed, "bad HTTP response: " + pec.message());
      break;
    }
    if (used == 0 && produced == 0) break;
  }
  return consumed;
}

// Parse the bytes a read returned at `stamp`. Everything stays valid for the next read: what
// the parser could not take yet (a split header or chunk-size line) is kept in c.carry, and the
// next read completes it with as few of its bytes as it takes before the rest is parsed in place.
template <class Stream>
void feed(run_state<Stream>* st, connection_base& c, const char* data, std::size_t n, time_point stamp,
          std::uint16_t delay_us) {
  if (c.done || n == 0) return;
  request_record& rec = *c.rec;
  if (!c.any_bytes) {
    c.any_bytes = true;
    rec.first_byte = stamp;
  }
  ++rec.reads;
  thread_counters::add(st->counters.reads, 1);
  if (st->opt.kernel_rx_stamps && rec.rx_stamped) {
    thread_counters::add(st->counters.delay_us_sum, delay_us);
    thread_counters::add(st->counters.delay_count, 1);
  }
  std::string_view in(data, n);
  if (!c.carry.empty()) {
    const std::size_t carried = c.carry.size();
    std::size_t take = std::min<std::size_t>(n, 4096);
    c.carry.append(data, take);
    std::size_t used = parse_some(st, c, c.carry, stamp, delay_us);
    if (used < carried && take < n && !c.done) {  // a longer piece (a big header): all of it, then
      c.carry.append(data + take, n - take);
      take = n;
      used += parse_some(st, c, std::string_view(c.carry).substr(used), stamp, delay_us);
    }
    if (used >= carried) {
      in.remove_prefix(used - carried);
      c.carry.clear();
    } else {
      c.carry.erase(0, used);
      c.carry.append(data + take, n - take);
      in = {};
    }
  }
  if (!in.empty() && !c.done) {
    const std::size_t used = parse_some(st, c, in, stamp, delay_us);
    if (used < in.size() && !c.done) c.carry.assign(in.substr(used));
  }
  // the watchdog's deadline for what comes next
  if (c.w) {
    if (rec.chunks.empty()) {
      c.w->deadline = c.first_deadline;
      c.w->on_expiry = error_kind::first_token_timeout;
    } else {
      c.w->deadline = st->opt.timeout.idle.count() > 0 ? stamp + st->opt.timeout.idle : time_point::max();
      c.w->on_expiry = error_kind::idle_timeout;
    }
  }
  if (c.parser->is_done()) complete(c, error_kind::none);
}

inline std::string expiry_message(error_kind e) {
  switch (e) {
    case error_kind::connect_timeout: return "no connection within the connect timeout";
    case error_kind::first_token_timeout: return "no token within the first-token timeout";
    case error_kind::idle_timeout: return "stream idle longer than the idle timeout";
    default: return "run stopped";
  }
}

// ---------------------------------------------------------------------------------------------
// The reactor path (Linux, plain HTTP)
// ---------------------------------------------------------------------------------------------

#if defined(__linux__)
inline std::optional<time_point> kernel_stamp(const msghdr& msg, const timespec& rt, time_point user) noexcept;

// One recvmsg; the stamp is the kernel's receive time of the data (its last segment) converted
// to steady_clock, else the moment the read returned. The realtime clock is read before the
// steady one, so a preemption between the two makes the converted stamp late, never early.
inline ssize_t recv_stamped(int fd, char* buf, std::size_t size, bool want_kernel, time_point& user,
                            std::optional<time_point>& kernel) {
  iovec iov{buf, size};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec)) * 2];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (want_kernel) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
  }
  const ssize_t r = ::recvmsg(fd, &msg, MSG_DONTWAIT);
  timespec rt{};
  if (want_kernel) ::clock_gettime(CLOCK_REALTIME, &rt);
  user = now();  // first thing after the read
  kernel.reset();
  if (r <= 0 || !want_kernel) return r;
  kernel = kernel_stamp(msg, rt, user);
  return r;
}

// The SCM_TIMESTAMPNS in msg's control area on the steady clock: `user` less the data's age at
// `rt` (the realtime clock, read before `user`).
inline std::optional<time_point> kernel_stamp(const msghdr& msg, const timespec& rt, time_point user) noexcept {
  std::optional<time_point> kernel;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(const_cast<msghdr*>(&msg), c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) continue;
    timespec rx{};
    std::memcpy(&rx, CMSG_DATA(c), sizeof rx);
    const std::int64_t age_ns =
        (static_cast<std::int64_t>(rt.tv_sec) - rx.tv_sec) * 1'000'000'000 + (rt.tv_nsec - rx.tv_nsec);
    if (age_ns >= 0 && age_ns < std::int64_t{10'000'000'000}) kernel = user - std::chrono::nanoseconds(age_ns);
  }
  return kernel;
}

// Feed what a read returned, stamped with the kernel's receive time where there is one.
template <class Stream>
void feed_stamped(run_state<Stream>* st, connection<Stream>* c, const char* data, std::size_t n, time_point user,
                  std::optional<time_point> kernel) {
  time_point stamp = user;
  std::uint16_t delay_us = 0;
  if (kernel && *kernel <= user) {
    const time_point floor = c->rec->sent;  // no byte of the response arrives before the request left
    stamp = std::max(*kernel, floor);
    const auto waited = std::chrono::duration_cast<std::chrono::microseconds>(user - stamp).count();
    delay_us = static_cast<std::uint16_t>(std::min<std::int64_t>(waited, 65535));
    c->rec->rx_stamped = true;
  }
  feed(st, *c, data, n, stamp, delay_us);
}

template <class Stream>
void reactor_fail(run_state<Stream>* st, connection<Stream>* c, error_kind e, std::string message) {
  (void)st;
  complete(*c, e, std::move(message));
}

// A ready socket. Idle keep-alive connections that turn readable were closed by the server (or
// sent something unasked): they are retired at once.
template <class Stream>
void on_socket_event(run_state<Stream>* st, connection<Stream>* c, std::uint32_t events) {
  if (c->fd < 0) return;
  if (!c->busy) {
    char b = 0;
    const ssize_t r = ::recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // spurious
    ++st->found_closed;
    close_connection(st, c);
    return;
  }
  if ((events & EPOLLOUT) && c->writing) {
    while (c->out_sent < c->out.size()) {
      const ssize_t w = ::send(c->fd, c->out.data() + c->out_sent, c->out.size() - c->out_sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        c->writing = false;
        reactor_fail(st, c, error_kind::write, "write: " + errno_text(errno));
        return;
      }
      c->out_sent += static_cast<std::size_t>(w);
    }
    if (c->out_sent == c->out.size()) {
      c->writing = false;
      st->poller.write_done(c->fd, c);
      c->signal.cancel();
    }
  }
  if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) || c->done) return;
  time_point user{};
  std::optional<time_point> kernel;
  const bool want = st->opt.kernel_rx_stamps;
  const ssize_t r = recv_stamped(c->fd, st->rbuf.data(), st->rbuf.size(), want, user, kernel);
  if (r < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    const int e = errno;
    if (!c->header_done) reactor_fail(st, c, error_kind::connection_reset, (c->any_bytes ? "read: " : "connection reset before any response: ") + errno_text(e));
    else reactor_fail(st, c, error_kind::connection_reset, "read: " + errno_text(e));
    return;
  }
  if (r == 0) {
    response_eof(*c);
    return;
  }
  feed_stamped(st, c, st->rbuf.data(), static_cast<std::size_t>(r), user, kernel);
}

template <class Stream>
void dispatch_event(run_state<Stream>* st, void* p, std::uint32_t events) {
  on_socket_event(st, static_cast<connection<Stream>*>(p), events);
}

#if defined(INFERLENS_LOADGEN_URING)
// A write the socket did not take at once: the ring sent n more bytes (or failed).
template <class Stream>
void on_send_completion(run_state<Stream>* st, connection<Stream>* c, int res) {
  if (!c->writing || !c->busy) return;
  if (res < 0) {
    c->writing = false;
    reactor_fail(st, c, error_kind::write, "write: " + errno_text(-res));
    return;
  }
  c->out_sent += static_cast<std::size_t>(res);
  if (c->out_sent < c->out.size()) {
    st->poller.want_write(c->fd, c, c->out.data() + c->out_sent, c->out.size() - c->out_sent);
    return;
  }
  c->writing = false;
  c->signal.cancel();
}

// One io_uring completion: a multishot recvmsg's bytes (with their kernel receive stamp), its end,
// or a send's. The same outcomes as on_socket_event's; a buffer goes back to the ring at once.
template <class Stream>
void on_completion(run_state<Stream>* st, const io_uring_cqe& q) {
  bool send = false, stale = false;
  auto* c = static_cast<connection<Stream>*>(reactor::connection_of(q, send, stale));
  if (!c || stale || c->fd < 0) {
    st->poller.recycle(q);
    return;
  }
  if (send) {
    on_send_completion(st, c, q.res);
    return;
  }
  const bool more = (q.flags & IORING_CQE_F_MORE) != 0;
  if (q.res < 0) {
    st->poller.recycle(q);
    if (q.res == -ENOBUFS || q.res == -EINTR || q.res == -EAGAIN) {  // buffers ran out: data waits in the socket
      if (!more) st->poller.rearm(c->fd, c);
      return;
    }
    if (!c->busy) {
      ++st->found_closed;
      close_connection(st, c);
      return;
    }
    if (c->done) return;
    const int e = -q.res;
    if (!c->header_done) reactor_fail(st, c, error_kind::connection_reset, (c->any_bytes ? "read: " : "connection reset before any response: ") + errno_text(e));
    else reactor_fail(st, c, error_kind::connection_reset, "read: " + errno_text(e));
    return;
  }
  timespec rt{};
  const bool want = st->opt.kernel_rx_stamps;
  if (want) ::clock_gettime(CLOCK_REALTIME, &rt);
  const time_point user = now();  // first thing after the completion is seen
  const reactor::received r = st->poller.buffer_of(q);
  if (!c->busy) {  // an idle connection's end, or bytes nobody asked for: the server closed it
    st->poller.recycle(q);
    ++st->found_closed;
    close_connection(st, c);
    return;
  }
  if (r.size == 0) {
    st->poller.recycle(q);
    if (!c->done) response_eof(*c);  // (after the response: still_open() finds it before reuse, as with epoll)
    return;  // the stream ended: no re-arm
  }
  if (c->done) {  // bytes after the response (epoll would find them before reuse)
    if (c->reusable) ++st->found_closed;
    c->reusable = false;
  } else {
    std::optional<time_point> kernel;
    if (want && r.control_size > 0) {
      msghdr m{};
      m.msg_control = const_cast<char*>(r.control);
      m.msg_controllen = r.control_size;
      kernel = kernel_stamp(m, rt, user);
    }
    feed_stamped(st, c, r.data, r.size, user, kernel);
  }
  st->poller.recycle(q);
  if (!more && c->fd >= 0) st->poller.rearm(c->fd, c);
}
#endif
#endif

// ---------------------------------------------------------------------------------------------
// Connections
// ---------------------------------------------------------------------------------------------

// Is an idle keep-alive connection still good? Closed when the server's Keep-Alive limits say
// so, or when the socket shows an EOF or unasked bytes (a server that closes after a response
// although it advertised keep-alive, llama.cpp's does).
template <class Stream>
bool still_open(run_state<Stream>* st, connection<Stream>* c) {
  if (c->requests_left && *c->requests_left <= 0) return false;
  if (now() >= c->idle_until) return false;
  const int fd = c->fd >= 0 ? c->fd : (c->stream ? lowest(*c->stream).native_handle() : -1);
  if (fd < 0) return false;
  char b = 0;
  const ssize_t r = ::recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
  (void)st;
  return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

template <class Stream>
connection<Stream>* take_connection(run_state<Stream>* st) {
  while (!st->idle_open.empty()) {
    auto* c = st->idle_open.back();
    st->idle_open.pop_back();
    if (c->open && still_open(st, c)) return c;
    if (c->open) {
      ++st->found_closed;
      close_connection(st, c);
    }
    st->spare.push_back(c);
  }
  if (!st->spare.empty()) {
    auto* c = st->spare.back();
    st->spare.pop_back();
    return c;
  }
  st->connections.push_back(std::make_unique<connection<Stream>>(st->ioc));
  return st->connections.back().get();
}

template <class Stream>
void give_back(run_state<Stream>* st, connection<Stream>* c) {
  c->busy = false;
  if (c->open) st->idle_open.push_back(c);
  else st->spare.push_back(c);
}

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
  w->conn = nullptr;
  w->on_expiry = error_kind::connect_timeout;
  w->deadline = st->opt.timeout.connect.count() > 0 ? now() + st->opt.timeout.connect : time_point::max();
  auto connect_op = net::async_connect(sock, st->addresses, use_tuple);
  auto connected = co_await std::move(connect_op);
  const boost::system::error_code cec = std::get<0>(connected);
  if (cec) {
    w->socket = nullptr;
    if (w->expired != error_kind::none) {
      *message = expiry_message(w->expired);
      co_return w->expired;
    }
    *message = "connect: " + cec.message();
    c->stream.reset();
    co_return error_kind::connect;
  }
  boost::system::error_code ignored;
  sock.set_option(tcp::no_delay(true), ignored);
#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
  if constexpr (is_tls<Stream>) {
    if (!SSL_set_tlsext_host_name(c->stream->native_handle(), st->ep.host.c_str())) {
      *message = "tls: cannot set the server name";
      co_return error_kind::tls;
    }
    if (st->opt.verify_tls) c->stream->set_verify_callback(net::ssl::host_name_verification(st->ep.host));
    auto handshake_op = c->stream->async_handshake(net::ssl::stream_base::client, use_tuple);
    auto shaken = co_await std::move(handshake_op);
    const boost::system::error_code hec = std::get<0>(shaken);
    if (hec) {
      w->socket = nullptr;
      c->stream.reset();
      if (w->expired != error_kind::none) {
        *message = expiry_message(w->expired);
        co_return w->expired;
      }
      *message = "tls: " + hec.message();
      co_return error_kind::tls;
    }
  }
#endif
  w->socket = nullptr;
  if constexpr (use_reactor<Stream>) {
#if defined(__linux__)
    c->fd = sock.release();  // from here on the reactor owns it, Asio's own epoll no longer sees it
    ::fcntl(c->fd, F_SETFL, ::fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    if (st->opt.kernel_rx_stamps) enable_rx_stamps(c->fd);
    c->stream.reset();
    if (!st->poller.attach(c->fd, c)) {
      *message = "epoll: " + errno_text(errno);
      ::close(c->fd);
      c->fd = -1;
      co_return error_kind::connect;
    }
#endif
  } else {
    sock.non_blocking(true, ignored);
  }
  c->open = true;
  c->id = st->next_connection_id++;
  ++st->opened;
  co_return error_kind::none;
}

// Wait until the reactor signals c (a response end, or a write the socket took).
template <class Stream>
net::awaitable<void> wait_signal(connection<Stream>* c) {
  c->signal.expires_at(time_point::max());
  auto wait_op = c->signal.async_wait(use_tuple);
  auto waited = co_await std::move(wait_op);
  (void)waited;
}

// Send the request and read its response on an open connection; the outcome is in c.
template <class Stream>
net::awaitable<void> exchange(run_state<Stream>* st, connection<Stream>* c, const std::string* body) {
  std::string& head = c->out;
  head = st->head;
  head += "Content-Length: ";
  head += std::to_string(body->size());
  head += "\r\n\r\n";
  if constexpr (use_reactor<Stream>) {
#if defined(__linux__)
    // one sendmsg of head + body; what the socket does not take waits for EPOLLOUT
    iovec iov[2] = {{head.data(), head.size()}, {const_cast<char*>(body->data()), body->size()}};
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = 2;
    const ssize_t w = ::sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    const std::size_t total = head.size() + body->size();
    if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      complete(*c, error_kind::write, "write: " + errno_text(errno));
      co_return;
    }
    const std::size_t sent = w < 0 ? 0 : static_cast<std::size_t>(w);
    if (sent < total) {
      head += *body;  // the rest goes from c->out
      c->out_sent = sent;
      c->writing = true;
      st->poller.want_write(c->fd, c, c->out.data() + sent, c->out.size() - sent);
    }
    if (st->opt.delayed_ack) set_delayed_ack(c->fd);
    while (!c->done) {
      auto wait_op = wait_signal(c);
      co_await std::move(wait_op);
    }
    if (c->writing) {  // failed mid-write
      c->writing = false;
      if (st->poller.uring()) c->reusable = false;  // a send may still be in the ring: not with the next request
      else if (c->fd >= 0) st->poller.write_done(c->fd, c);
    }
#endif
  } else {
    const std::array<net::const_buffer, 2> out{net::buffer(head), net::buffer(*body)};
    auto write_op = net::async_write(*c->stream, out, use_tuple);
    auto written = co_await std::move(write_op);
    const boost::system::error_code wec = std::get<0>(written);
    if (wec) {
      const error_kind e = c->w->expired != error_kind::none ? c->w->expired : error_kind::write;
      complete(*c, e, e == error_kind::write ? "write: " + wec.message() : expiry_message(e));
      co_return;
    }
    if constexpr (!is_tls<Stream>)
      if (st->opt.delayed_ack) set_delayed_ack(lowest(*c->stream).native_handle());
    c->w->socket = &lowest(*c->stream);
    while (!c->done) {
      auto read_op = c->stream->async_read_some(net::buffer(st->rbuf), use_tuple);
      auto got = co_await std::move(read_op);
      const time_point stamp = now();  // first thing: the arrival time of everything this read returned
      const boost::system::error_code ec = std::get<0>(got);
      const std::size_t n = std::get<1>(got);
      if (n > 0) feed(st, *c, st->rbuf.data(), n, stamp, 0);
      if (c->done) break;
      if (c->w->expired != error_kind::none) {
        complete(*c, c->w->expired, expiry_message(c->w->expired));
        break;
      }
      if (!ec) continue;
      if (ec == net::error::eof
#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
          || ec == net::ssl::error::stream_truncated
#endif
      ) {
        response_eof(*c);
      } else {
        complete(*c, error_kind::connection_reset, (c->any_bytes ? "read: " : "connection reset before any response: ") + ec.message());
      }
    }
    c->w->socket = nullptr;
  }
}

template <class Stream>
void request_finished(run_state<Stream>* st, request_record* rec) {
  --st->in_flight;
  if (st->cap > 0) st->free_slots.push_back(rec->done);
  thread_counters& k = st->counters;
  thread_counters::add(k.done, 1);
  if (!rec->ok()) thread_counters::add(k.failed, 1);
  thread_counters::set(k.in_flight, st->in_flight);
  if (rec->output_tokens) thread_counters::add(k.output_tokens, static_cast<std::uint64_t>(*rec->output_tokens));
  std::uint64_t content = 0;
  for (const auto& ch : rec->chunks) content += ch.content;
  thread_counters::add(k.finished_chunks, content);
  if (st->report && st->hooks.on_request) st->hooks.on_request(*rec);
  st->wake.cancel();
}

// Whether a failed attempt may go again on a fresh connection: the connection was reused and
// broke before any byte of the response came (the server had closed it).
inline bool retryable(const connection_base& c, bool reused) noexcept {
  return reused && !c.any_bytes && (c.outcome == error_kind::connection_reset || c.outcome == error_kind::write);
}

// One request, start to end.
template <class Stream>
net::awaitable<void> run_request(run_state<Stream>* st, request_record* rec, const std::string* body) {
  watched w;
  st->watch(&w);
  error_kind transport = error_kind::none;
  std::string message;
  std::optional<stream_recorder> recorder;
  connection<Stream>* c = nullptr;
  for (int attempt = 0; attempt < 2; ++attempt) {
    recorder.emplace(*rec, st->opt.rule);
    c = take_connection(st);
    c->busy = true;
    bool reused = false;
    transport = error_kind::none;
    message.clear();
    rec->sent = now();  // before the connect, as vLLM's client stamps before session.post
    if (st->stopping) {
      transport = error_kind::cancelled;
      message = "run stopped";
    } else if (!c->open) {
      auto connect_op = open_connection(st, c, &w, &message);
      transport = co_await std::move(connect_op);
    } else {
      reused = true;
    }
    if (transport != error_kind::none) break;
    rec->connection = c->id;
    rec->reused_connection = reused;
    // the response's state
    c->parser.emplace();
    c->parser->body_limit(std::numeric_limits<std::uint64_t>::max());  // SSE streams have no size limit
    c->rec = rec;
    c->recorder = &*recorder;
    c->w = &w;
    c->header_done = c->status_ok = c->any_bytes = c->done = c->reusable = false;
    c->outcome = error_kind::none;
    c->message.clear();
    c->error_body.clear();
    c->first_deadline = st->opt.timeout.first_token.count() > 0 ? rec->sent + st->opt.timeout.first_token : time_point::max();
    w.deadline = c->first_deadline;
    w.on_expiry = error_kind::first_token_timeout;
    w.conn = c;
    auto exchange_op = exchange(st, c, body);
    co_await std::move(exchange_op);
    w.conn = nullptr;
    transport = c->outcome;
    message = std::move(c->message);
    if (transport != error_kind::none && attempt == 0 && retryable(*c, reused) && !st->stopping &&
        w.expired == error_kind::none) {
      close_connection(st, c);
      give_back(st, c);
      ++st->retried;
      rec->retried = true;
      rec->first_sent = rec->sent;  // this attempt's; the retry restamps sent
      rec->chunks.clear();
      rec->http_status = 0;
      rec->first_byte = time_point{};
      rec->reads = 0;
      rec->rx_stamped = false;
      continue;
    }
    break;
  }
  if (w.expired == error_kind::cancelled) {
    transport = error_kind::cancelled;
    message = "run stopped";
  }
  const time_point end = now();
  if (c) {
    const bool broken = transport != error_kind::none && transport != error_kind::http_status;
    if (broken || !c->reusable || !st->opt.keep_alive) close_connection(st, c);
    c->rec = nullptr;
    c->recorder = nullptr;
    c->w = nullptr;
    c->parser.reset();
  }
  recorder->finish(end, transport, message);
  st->unwatch(&w);
  if (c) give_back(st, c);
  request_finished(st, rec);
}

template <class Stream>
void expire(run_state<Stream>* st, watched* w, error_kind why) {
  if (w->expired != error_kind::none) return;
  w->expired = why;
  if (w->conn) {
    complete(*w->conn, why, expiry_message(why));
    auto* c = static_cast<connection<Stream>*>(w->conn);
    if (c->fd >= 0 || (c->stream && !use_reactor<Stream>)) close_connection(st, c);  // a TLS read then fails at once
  }
  if (w->socket) {
    boost::system::error_code ignored;
    w->socket->close(ignored);  // completes the pending connect / handshake / read with an error
  }
}

template <class Stream>
void stop_now(run_state<Stream>* st) {
  if (st->stopping) return;
  st->stopping = true;
  for (std::size_t i = 0; i < st->active.size(); ++i) expire(st, st->active[i], error_kind::cancelled);
  st->dispatch_timer.cancel();
  st->wake.cancel();
}

template <class Stream>
net::awaitable<void> watchdog(run_state<Stream>* st, std::chrono::milliseconds tick) {
  while (!st->phase_done) {
    st->watchdog_timer.expires_after(tick);
    auto wait_op = st->watchdog_timer.async_wait(use_tuple);
    auto waited = co_await std::move(wait_op);
    (void)waited;
    if (st->phase_done) break;
    if (st->hooks.stop && st->hooks.stop->load(std::memory_order_relaxed)) stop_now(st);
    const time_point t = now();
    for (std::size_t i = 0; i < st->active.size(); ++i) {
      watched* w = st->active[i];
      if (w->expired == error_kind::none && t >= w->deadline) expire(st, w, w->on_expiry);
    }
  }
}

// Sums every thread's counters into one snapshot.
template <class Stream>
progress_snapshot snapshot(run_state<Stream>* st) {
  progress_snapshot p;
  const auto load = [](const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  for (run_state<Stream>* s : *st->all) {
    const thread_counters& k = s->counters;
    p.total += load(k.total);
    p.done += load(k.done);
    p.failed += load(k.failed);
    p.in_flight += load(k.in_flight);
    p.content_chunks += load(k.content_chunks);
    p.output_tokens += static_cast<std::int64_t>(load(k.output_tokens));
    p.finished_chunks += load(k.finished_chunks);
    p.reads += load(k.reads);
    p.read_delay_us_sum += load(k.delay_us_sum);
    p.read_delays += load(k.delay_count);
    p.lag_us_sum += load(k.lag_us_sum);
    p.sent += load(k.sent);
  }
  p.warmup = st->phase != run_phase_kind::measured;
  p.elapsed_s = seconds(st->phase_start, now());
  return p;
}

template <class Stream>
net::awaitable<void> progress_ticker(run_state<Stream>* st) {
  while (!st->phase_done) {
    st->progress_timer.expires_after(st->hooks.progress_interval);
    auto wait_op = st->progress_timer.async_wait(use_tuple);
    auto waited = co_await std::move(wait_op);
    (void)waited;
    if (st->phase_done) break;
    if (st->hooks.on_progress) st->hooks.on_progress(snapshot(st));
  }
}

template <class Stream>
void rethrow_on_error(std::exception_ptr e) {
  if (e) std::rethrow_exception(e);
}

// Send one thread's share of a phase: absolute deadlines, its part of the cap, then wait for
// all. Returns how many were sent.
template <class Stream>
net::awaitable<void> run_phase(run_state<Stream>* st, const phase_share* share, time_point t0,
                               std::optional<double> max_duration) {
  st->cap = share->cap;
  st->free_slots.assign(st->cap, t0);
  for (std::size_t i = 0; i < share->recs.size() && !st->stopping; ++i) {
    const double offset = share->deadlines.empty() ? 0.0 : share->deadlines[i];
    if (max_duration) {
      if (share->deadlines.empty() ? seconds(t0, now()) >= *max_duration : offset > *max_duration) break;
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
    if (max_duration && share->deadlines.empty() && seconds(t0, now()) >= *max_duration) break;  // waited past it
    request_record& rec = *share->recs[i];
    rec.scheduled = due;
    rec.ready = due;
    if (st->cap > 0 && !st->free_slots.empty()) {  // the slot it takes: free since then
      rec.ready = std::max(due, st->free_slots.front());
      st->free_slots.pop_front();
    }
    rec.chunks.reserve(static_cast<std::size_t>(std::clamp<std::int64_t>(rec.output_len + 2, 2, 1 << 16)));
    ++st->in_flight;
    thread_counters::set(st->counters.in_flight, st->in_flight);
    net::co_spawn(st->ioc, run_request(st, &rec, share->bodies[i]), &rethrow_on_error<Stream>);
    const auto lag = std::chrono::duration_cast<std::chrono::microseconds>(now() - rec.ready).count();
    thread_counters::add(st->counters.lag_us_sum, static_cast<std::uint64_t>(std::max<std::int64_t>(lag, 0)));
    thread_counters::add(st->counters.sent, 1);
  }
  while (st->in_flight > 0) {
    st->wake.expires_at(time_point::max());
    auto wait_op = st->wake.async_wait(use_tuple);
    auto woken = co_await std::move(wait_op);
    (void)woken;
  }
  st->phase_done = true;
  st->watchdog_timer.cancel();
  st->progress_timer.cancel();
#if defined(__linux__)
  st->poller.stop();
#endif
}

inline std::chrono::milliseconds watchdog_tick(const timeouts& t) {
  std::chrono::milliseconds shortest{100 * 20};
  for (auto d : {t.connect, t.first_token, t.idle})
    if (d.count() > 0) shortest = std::min(shortest, d);
  return std::clamp(shortest / 20, std::chrono::milliseconds{5}, std::chrono::milliseconds{100});
}

// Run one phase on one thread (the calling one): its share, the watchdog, the reactor, and on
// the first thread the progress reporter.
template <class Stream>
void run_phase_on(run_state<Stream>* st, const phase_share* share, time_point t0, std::optional<double> max_duration) {
  st->phase_done = false;
  st->ioc.restart();
#if defined(__linux__)
  if constexpr (use_reactor<Stream>) {
    st->poller.arm(st->opt);
    if (st->poller.uring())  // this phase's ring: the connections kept open from the last one
      for (auto& c : st->connections)
        if (c->open && c->fd >= 0) st->poller.attach(c->fd, c.get());
  }
#endif
  net::co_spawn(st->ioc, run_phase(st, share, t0, max_duration), &rethrow_on_error<Stream>);
  net::co_spawn(st->ioc, watchdog(st, watchdog_tick(st->opt.timeout)), &rethrow_on_error<Stream>);
  if (st->index == 0 && st->hooks.on_progress) net::co_spawn(st->ioc, progress_ticker(st), &rethrow_on_error<Stream>);
#if defined(__linux__)
  if constexpr (use_reactor<Stream>) {
    auto on_event = [st](void* p, std::uint32_t events) { dispatch_event(st, p, events); };
#if defined(INFERLENS_LOADGEN_URING)
    auto on_cqe = [st](const io_uring_cqe& q) { on_completion(st, q); };
#else
    auto on_cqe = [](const auto&) {};
#endif
    net::co_spawn(st->ioc, st->poller.run(on_event, on_cqe, st->opt.busy_poll), &rethrow_on_error<Stream>);
  }
#endif
  if (st->opt.busy_poll) {
    while (!st->ioc.stopped()) st->ioc.poll();
  } else {
    st->ioc.run();
  }
#if defined(__linux__)
  st->poller.close_ring();  // on the thread that made it
#endif
}

// Run a phase on every thread at once; request i goes to thread i % N. Returns how many requests
// were sent.
template <class Stream>
void run_phase_all(std::vector<run_state<Stream>*>& states, std::span<request_record> recs,
                   const std::vector<std::string>& bodies, const std::vector<double>& deadlines, std::size_t cap,
                   time_point t0, std::optional<double> max_duration, run_phase_kind kind) {
  const std::size_t n = states.size();
  std::vector<phase_share> shares(n);
  for (std::size_t i = 0; i < recs.size(); ++i) {
    phase_share& s = shares[i % n];
    s.recs.push_back(&recs[i]);
    s.bodies.push_back(bodies.size() == 1 ? &bodies[0] : &bodies[i]);
    if (!deadlines.empty()) s.deadlines.push_back(deadlines[i]);
  }
  for (std::size_t k = 0; k < n; ++k) {
    shares[k].cap = cap == 0 ? 0 : cap / n + (k < cap % n ? 1 : 0);
    run_state<Stream>* st = states[k];
    st->phase = kind;
    st->phase_start = t0;
    st->counters.reset();
    thread_counters::set(st->counters.total, shares[k].recs.size());
  }
  std::vector<std::exception_ptr> errors(n);
  std::vector<std::thread> threads;
  for (std::size_t k = 1; k < n; ++k)
    threads.emplace_back([&, k] {
      try {
        run_phase_on(states[k], &shares[k], t0, max_duration);
      } catch (...) {
        errors[k] = std::current_exception();
      }
    });
  try {
    run_phase_on(states[0], &shares[0], t0, max_duration);
  } catch (...) {
    errors[0] = std::current_exception();
  }
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
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

// The requests that went out (a stop or a duration limit leaves the rest unsent), in order.
inline void keep_sent(std::vector<request_record>& v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](const request_record& r) { return r.sent == time_point{}; }), v.end());
}

template <class Stream>
run_result run_with(const client_options& o, const run_plan& plan, const run_hooks& hooks, const endpoint& ep) {
#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
  std::optional<net::ssl::context> tls;
  if constexpr (is_tls<Stream>) {
    tls.emplace(net::ssl::context::tls_client);
    tls->set_default_verify_paths();  // honours $SSL_CERT_FILE and $SSL_CERT_DIR
    if (!o.ca_file.empty()) {
      boost::system::error_code ec;
      tls->load_verify_file(o.ca_file, ec);
      if (ec) throw input_error({"--ca-file", {}, {}, o.ca_file}, "cannot load certificates: " + ec.message());
    }
    tls->set_verify_mode(o.verify_tls ? net::ssl::verify_peer : net::ssl::verify_none);
  }
#endif
  std::size_t threads = std::max<std::size_t>(1, o.io_threads);
  if (plan.max_concurrency > 0) threads = std::min(threads, plan.max_concurrency);
  threads = std::min(threads, std::max<std::size_t>(1, plan.prompts.size()));
  std::vector<std::unique_ptr<run_state<Stream>>> owned;
  std::vector<run_state<Stream>*> states;
  tcp::resolver::results_type addresses;
  for (std::size_t k = 0; k < threads; ++k) {
    owned.push_back(std::make_unique<run_state<Stream>>(o, hooks, k));
    run_state<Stream>& st = *owned.back();
    st.ep = ep;
#if defined(INFERLENS_LOADGEN_TLS) && INFERLENS_LOADGEN_TLS
    if (tls) st.tls = &*tls;
#endif
    st.head = build_request_head(ep, o.request, o.keep_alive);
    st.rbuf.resize(o.read_size);
    st.body.resize(o.read_size + 4096);
    if (k == 0) {
      tcp::resolver resolver(st.ioc);
      boost::system::error_code rec;
      addresses = resolver.resolve(ep.host, std::to_string(ep.port), rec);
      if (rec) throw input_error({"--url", {}, {}, ep.host}, "cannot resolve host: " + rec.message());
    }
    st.addresses = addresses;
    states.push_back(&st);
  }
  for (auto* st : states) st->all = &states;
  run_result out;
  out.io_threads = threads;
  const auto stop_seen = [&] {
    for (auto* st : states)
      if (st->stopping) return true;
    return hooks.stop && hooks.stop->load();
  };
  const std::vector<double> none;

  const client_options& co = o;
  const bool chat = co.request.api == api_kind::chat;
  bool ids = !chat && co.format != prompt_format::text && !plan.prompts.empty() && !plan.prompts[0].token_ids.empty();
  if (ids && co.format == prompt_format::automatic) {
    // does the server take token ids? one short request tells (400/422: no)
    prompt probe = plan.prompts[0];
    probe.output_len = 1;
    std::vector<std::string> probe_body{build_body(probe, co.request, true)};
    std::vector<request_record> probe_rec = make_records(std::span<const prompt>(&probe, 1), 1, true, false);
    std::vector<run_state<Stream>*> first{states[0]};
    states[0]->report = false;
    run_phase_all(first, probe_rec, probe_body, none, 0, now(), std::nullopt, run_phase_kind::probe);
    states[0]->report = true;
    if (probe_rec[0].http_status == 400 || probe_rec[0].http_status == 422) ids = false;
    if (stop_seen()) {
      out.stopped = true;
      out.stopped_in = run_phase_kind::probe;
    }
  }
  out.token_ids = ids;

  if (plan.warmups > 0 && !plan.prompts.empty() && !out.stopped) {
    std::vector<std::string> warm_body{build_body(plan.prompts[0], co.request, ids)};
    out.warmups = make_records(plan.prompts, plan.warmups, true, co.request.ignore_eos);
    run_phase_all(states, out.warmups, warm_body, none, plan.max_concurrency, now(), std::nullopt, run_phase_kind::warmup);
    keep_sent(out.warmups);
    if (stop_seen()) {
      out.stopped = true;
      out.stopped_in = run_phase_kind::warmup;
    }
  }

  std::vector<std::string> bodies;
  bodies.reserve(plan.prompts.size());
  for (const auto& p : plan.prompts) bodies.push_back(build_body(p, co.request, ids));
  out.records = make_records(plan.prompts, plan.prompts.size(), false, co.request.ignore_eos);
  std::size_t due = plan.prompts.size();
  if (plan.max_duration_s && !plan.deadlines.empty())
    due = static_cast<std::size_t>(std::upper_bound(plan.deadlines.begin(), plan.deadlines.end(), *plan.max_duration_s) -
                                   plan.deadlines.begin());
  const time_point t0 = now();
  out.start = t0;
  out.start_unix = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (!out.stopped) {
    std::span<request_record> measured(out.records.data(), due);
    const std::vector<double> deadlines(plan.deadlines.begin(), plan.deadlines.begin() + (plan.deadlines.empty() ? 0 : static_cast<std::ptrdiff_t>(due)));
    run_phase_all(states, measured, bodies, deadlines, plan.max_concurrency, t0, plan.max_duration_s, run_phase_kind::measured);
    if (stop_seen()) out.stopped = true;
  }
  keep_sent(out.records);
  time_point end = t0;
  for (const auto& r : out.records) end = std::max(end, r.done);
  out.end = end;
  out.end_unix = out.start_unix + seconds(t0, end);
  if (hooks.on_progress && !out.records.empty()) {
    progress_snapshot p = snapshot(states[0]);
    p.in_flight = 0;
    p.elapsed_s = seconds(t0, end);
    hooks.on_progress(p);
  }
#if defined(__linux__)
  if constexpr (use_reactor<Stream>) out.io_uring = states[0]->poller.uring();
#endif
  for (auto* st : states) {
    out.connections += st->opened;
    out.retried += st->retried;
    out.found_closed += st->found_closed;
    for (auto& c : st->connections) close_connection(st, c.get());
  }
  return out;
}

}  // namespace detail

/// Check a client's options: timeouts within a day, a read size of at least 512 bytes, one or
/// more threads. Throws input_error naming the option.
inline void validate(const client_options& o) {
  const std::pair<const char*, std::chrono::milliseconds> limits[] = {
      {"--connect-timeout", o.timeout.connect}, {"--first-token-timeout", o.timeout.first_token}, {"--idle-timeout", o.timeout.idle}};
  for (const auto& [name, t] : limits)
    if (t.count() < 0 || t > max_timeout)
      throw input_error({name, {}, {}, std::to_string(t.count()) + " ms"}, "expected 0 (none) to 86400 seconds (a day)");
  if (o.read_size < 512) throw input_error({"read_size", {}, {}, std::to_string(o.read_size)}, "read size must be at least 512 bytes");
  if (o.io_threads < 1 || o.io_threads > 1024)
    throw input_error({"--io-threads", {}, {}, std::to_string(o.io_threads)}, "expected 1 to 1024 threads");
}

/// Run a plan against a server; returns when every sent request has finished (or failed). The
/// first I/O thread is the calling one. Throws input_error for a bad URL, option or plan, never
/// for a failed request.
inline run_result run(const client_options& o, const run_plan& plan, const run_hooks& hooks = {}) {
  const endpoint ep = parse_endpoint(o.url, o.request.api);
  validate(o);
  if (!plan.deadlines.empty() && plan.deadlines.size() != plan.prompts.size())
    throw input_error({"", {}, {}, "deadlines"}, "one deadline per prompt expected");
  if (!std::is_sorted(plan.deadlines.begin(), plan.deadlines.end()))
    throw input_error({"", {}, {}, "deadlines"}, "deadlines must be sorted");
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
