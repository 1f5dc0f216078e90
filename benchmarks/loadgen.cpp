// Client capacity of the load generator against the simulated server on loopback (the server in
// forked child processes, so each side has its own file-descriptor limit; on a small machine
// they share the cores). Every figure comes with a baseline measured in the same run:
//   1. batched writes: a CPU-bound server packs many events per write; client CPU per event,
//      against a reader that only drains the same responses (no HTTP parser, SSE or JSON);
//   2. one event per stream per engine step (how vLLM, SGLang and llama.cpp send tokens): reads
//      carry one event each, so the cost per event is the cost per read; against a bare
//      epoll + recvmsg loop over the same server (the floor of the epoll reactor) and a bare
//      io_uring loop (multishot recvmsg, provided buffers, completions reaped in batches: the
//      floor of the io_uring reader, which the client uses where the kernel allows it);
//   3. I/O threads: the per-step pattern with 1, 2, ... client threads (and as many server
//      processes sharing the port): events per client CPU-second per thread stay flat when the
//      threads do not contend, and wall events/s grow with the cores given;
//   4. concurrent streams held at once;
//   5. client-added delay at 10, 100 and 1,000 streams, by side: the server's own share (its
//      write-completed stamp − its pre-write stamp: a preempted thread, a full socket buffer), the
//      client's share (the client's stamp − the server's write-completed stamp) against DESIGN
//      §9's 200 µs p99, and the client's read lag (kernel receive → read), which kernel stamps
//      keep out of the measurements.
// Usage: benchmark_loadgen [--only 1..5] [--events-streams N] [--events-tokens N] [--step-streams N]
//        [--step-ms MS] [--step-tokens N] [--threads 1,2,4] [--streams N] [--delay-streams N]
//        [--delay-small 0|1] [--busy-poll 0|1] [--kernel-stamps 0|1] [--floor-window-us US]
#include <signal.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <inferlens/loadgen/client.hpp>  // first: it includes Asio the way g++ 12 needs
#include <inferlens/loadgen/detail/uring.hpp>
#include <inferlens/sim/server.hpp>
#include <inferlens/stats.hpp>

#include <boost/asio/detached.hpp>

namespace lg = inferlens::loadgen;
namespace sim = inferlens::sim;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
double process_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
double wall_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// ---- servers in child processes --------------------------------------------------------------

struct stamps {
  std::vector<std::int64_t> sent, written;
};

struct child_servers {
  std::vector<pid_t> pids;
  std::vector<int> cmds;  // parent → child
  std::uint16_t port = 0;
  std::string trace_file;
};

// `count` servers on one port (SO_REUSEPORT shares the connections among them).
child_servers start_servers(sim::server_options opts, int count = 1) {
  child_servers c;
  c.trace_file = "/tmp/inferlens_bench_traces_" + std::to_string(getpid()) + ".txt";
  opts.reuse_port = count > 1;
  for (int k = 0; k < count; ++k) {
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) std::abort();
    if (k > 0) opts.port = c.port;
    const pid_t pid = fork();
    if (pid == 0) {
      close(to_child[1]);
      close(from_child[0]);
      sim::server s(opts);
      s.start();
      const std::uint16_t port = s.port();
      if (write(from_child[1], &port, sizeof port) != sizeof port) _exit(1);
      char what = 0;
      if (read(to_child[0], &what, 1) == 1 && what == 'T') {
        std::ofstream out(c.trace_file);
        for (const auto& t : s.traces()) {
          out << t.id << ' ' << t.chunks.size();
          for (const auto& ch : t.chunks) out << ' ' << ch.sent.time_since_epoch().count() << ' ' << ch.written.time_since_epoch().count();
          out << '\n';
        }
      }
      s.stop();
      _exit(0);
    }
    close(to_child[0]);
    close(from_child[1]);
    c.pids.push_back(pid);
    c.cmds.push_back(to_child[1]);
    if (read(from_child[0], &c.port, sizeof c.port) != sizeof c.port) std::abort();
    close(from_child[0]);
  }
  return c;
}

// Stops the children; with traces (one server only), returns id → chunk stamps.
std::map<std::string, stamps> stop_servers(child_servers& c, bool traces) {
  for (int fd : c.cmds) {
    const char what = traces ? 'T' : 'Q';
    if (write(fd, &what, 1) != 1) std::abort();
    close(fd);
  }
  for (pid_t pid : c.pids) {
    int status = 0;
    waitpid(pid, &status, 0);
  }
  std::map<std::string, stamps> m;
  if (traces) {
    std::ifstream in(c.trace_file);
    std::string id;
    std::size_t n = 0;
    while (in >> id >> n) {
      auto& v = m[id];
      v.sent.resize(n);
      v.written.resize(n);
      for (std::size_t k = 0; k < n; ++k) in >> v.sent[k] >> v.written[k];
    }
    std::remove(c.trace_file.c_str());
  }
  return m;
}

lg::run_plan plan(std::size_t streams, std::int64_t isl, std::int64_t osl) {
  lg::random_options ro;
  ro.isl = isl;
  ro.osl = osl;
  lg::run_plan p;
  p.prompts = lg::random_prompts(ro, streams);
  p.max_concurrency = streams;
  return p;
}

bool g_busy_poll = false, g_kernel_stamps = true;

lg::client_options client(std::uint16_t port, std::size_t threads = 1) {
  lg::client_options o;
  o.busy_poll = g_busy_poll;
  o.kernel_rx_stamps = g_kernel_stamps;
  o.io_threads = threads;
  o.url = "http://127.0.0.1:" + std::to_string(port);
  o.request.model = "sim-model";
  o.format = lg::prompt_format::token_ids;
  o.timeout.connect = std::chrono::seconds(30);
  o.timeout.first_token = std::chrono::seconds(120);
  o.timeout.idle = std::chrono::seconds(60);
  return o;
}

// The server of part 2/3/5: every running stream gets one event per step of `step_s`, each step
// written on its own (no batching of steps into one write).
sim::server_options per_step_server(double step_s) {
  sim::server_options so;
  so.model = sim::step_model::fast();
  so.model.decode_base_s = step_s;
  so.time_scale = 1.0;
  so.max_steps_without_yield = 1;
  so.record_traces = false;
  return so;
}

std::string request_text(const lg::prompt& p) {
  lg::request_options ro;
  ro.model = "sim-model";
  const std::string body = lg::build_body(p, ro, true);
  return "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// ---- baselines -------------------------------------------------------------------------------

struct drain_stats {
  std::uint64_t events = 0, bytes = 0, reads = 0;
  std::size_t ok = 0;
  double cpu_s = 0, wall = 0;
};

// Counts events (blank lines) and the end of each response in what a socket delivered.
struct stream_counter {
  char prev = 0;
  std::string tail;
  bool done = false;
  void add(const char* b, std::size_t n, drain_stats& st) {
    const char* e = b + n;
    for (const char* q = b; (q = static_cast<const char*>(std::memchr(q, '\n', static_cast<std::size_t>(e - q)))); ++q)
      if ((q == b ? prev : q[-1]) == '\n') ++st.events;
    if (n) prev = e[-1];
    tail.append(b, n);
    if (tail.size() > 16) tail.erase(0, tail.size() - 16);
    if (tail.ends_with("0\r\n\r\n")) done = true;
  }
};

// One loopback connection with its request sent, set up as the client sets up its own.
int open_stream(std::uint16_t port, const lg::prompt& prompt) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) std::abort();
  const int one = 1, zero = 0;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (g_kernel_stamps) setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
  const std::string req = request_text(prompt);
  if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) std::abort();
  setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &zero, sizeof zero);
  return fd;
}

// The floor: one thread, level-triggered epoll, one recvmsg per ready socket into one buffer
// (with SO_TIMESTAMPNS, as the client), nothing parsed. What any client pays for the reads.
drain_stats bare_reader(std::uint16_t port, const lg::run_plan& p) {
  drain_stats st;
  const int ep = epoll_create1(0);
  std::vector<int> fds;
  std::vector<stream_counter> counters(p.prompts.size());
  for (std::size_t i = 0; i < p.prompts.size(); ++i) {
    const int fd = open_stream(port, p.prompts[i]);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    fds.push_back(fd);
  }
  std::vector<char> buf(256 * 1024);
  alignas(cmsghdr) char control[64];
  epoll_event evs[512];
  std::size_t open = fds.size();
  const double c0 = thread_cpu_s(), w0 = wall_s();
  while (open > 0) {
    const int n = epoll_wait(ep, evs, 512, 10000);
    if (n <= 0) break;
    for (int k = 0; k < n; ++k) {
      const std::size_t i = evs[k].data.u64;
      iovec iov{buf.data(), buf.size()};
      msghdr m{};
      m.msg_iov = &iov;
      m.msg_iovlen = 1;
      m.msg_control = control;
      m.msg_controllen = sizeof control;
      const ssize_t r = recvmsg(fds[i], &m, MSG_DONTWAIT);
      timespec rt{};
      clock_gettime(CLOCK_REALTIME, &rt);
      if (r > 0) {
        ++st.reads;
        st.bytes += static_cast<std::uint64_t>(r);
        counters[i].add(buf.data(), static_cast<std::size_t>(r), st);
      }
      if (r == 0 || counters[i].done) {
        st.ok += counters[i].done;
        epoll_ctl(ep, EPOLL_CTL_DEL, fds[i], nullptr);
        close(fds[i]);
        --open;
      }
    }
  }
  st.cpu_s = thread_cpu_s() - c0;
  st.wall = wall_s() - w0;
  close(ep);
  st.events -= 2 * st.ok;  // usage chunk and [DONE] are not token events
  return st;
}

#if defined(INFERLENS_LOADGEN_URING)
// The io_uring floor: one thread, one ring, multishot recvmsg per socket into provided buffers
// (with SO_TIMESTAMPNS, as the client), completions reaped in batches: a wait for up to 64 of
// them or `window_us`, nothing parsed. drain_stats::reads counts completions, waits in `waits`.
drain_stats bare_uring(std::uint16_t port, const lg::run_plan& p, unsigned window_us, std::uint64_t* waits) {
  namespace ur = inferlens::loadgen::detail::uring;
  drain_stats st;
  ur::ring ring;
  if (!ring.open(256, 8192)) {
    std::printf("   (io_uring unavailable: %s)\n", std::strerror(errno));
    return st;
  }
  constexpr unsigned count = 1024, size = 16384;
  void* brmem = mmap(nullptr, count * sizeof(io_uring_buf), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  std::vector<char> mem(static_cast<std::size_t>(count) * size);
  if (!ring.provide(brmem, mem.data(), count, size, 0)) std::abort();
  msghdr tmpl{};
  tmpl.msg_controllen = CMSG_SPACE(sizeof(timespec));
  std::vector<int> fds;
  std::vector<stream_counter> counters(p.prompts.size());
  for (std::size_t i = 0; i < p.prompts.size(); ++i) {
    const int fd = open_stream(port, p.prompts[i]);
    ur::prep_recvmsg_multishot(ring.sqe(), fd, &tmpl, 0, i);
    fds.push_back(fd);
  }
  ring.submit();
  std::size_t open = fds.size();
  const std::size_t hdr = sizeof(io_uring_recvmsg_out) + tmpl.msg_controllen;
  const double c0 = thread_cpu_s(), w0 = wall_s();
  while (open > 0) {
    if (!ring.work_pending() && ring.ready() == 0) {
      pollfd pf{ring.event_fd(), POLLIN, 0};  // as the client: sleep on the eventfd, then batch
      if (poll(&pf, 1, 10000) <= 0) break;
      ring.clear_event();
    }
    ring.wait(64, static_cast<std::int64_t>(window_us) * 1000);
    ++*waits;
    unsigned used = 0;
    ring.reap([&](const io_uring_cqe& cqe) {
      const std::size_t i = cqe.user_data;
      if (i >= fds.size()) return;  // a cancel's own completion
      if (cqe.flags & IORING_CQE_F_BUFFER) {
        const auto bid = static_cast<std::uint16_t>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
        if (cqe.res > 0 && static_cast<std::size_t>(cqe.res) > hdr) {
          timespec rt{};
          clock_gettime(CLOCK_REALTIME, &rt);
          const std::size_t n = static_cast<std::size_t>(cqe.res) - hdr;
          ++st.reads;
          st.bytes += n;
          counters[i].add(ring.buffer(bid) + hdr, n, st);
        }
        ring.recycle(bid);
        ++used;
      }
      if (fds[i] < 0) return;
      const bool eof = cqe.res >= 0 && static_cast<std::size_t>(cqe.res) <= hdr;
      if (counters[i].done || eof || (cqe.res < 0 && cqe.res != -ENOBUFS)) {
        st.ok += counters[i].done;
        ur::prep_cancel(ring.sqe(), i, false, ~std::uint64_t{0});
        close(fds[i]);
        fds[i] = -1;
        --open;
      } else if (!(cqe.flags & IORING_CQE_F_MORE)) {
        ur::prep_recvmsg_multishot(ring.sqe(), fds[i], &tmpl, 0, i);
      }
    });
    if (used) ring.publish();
  }
  st.cpu_s = thread_cpu_s() - c0;
  st.wall = wall_s() - w0;
  ring.close();
  munmap(brmem, count * sizeof(io_uring_buf));
  st.events -= 2 * st.ok;
  return st;
}
#endif

// A reader that only drains (Asio coroutines, no HTTP parser), the batched pattern's baseline.
net::awaitable<void> drain_one(tcp::endpoint ep, std::string request, drain_stats* st) {
  tcp::socket sock(co_await net::this_coro::executor);
  auto c = co_await sock.async_connect(ep, net::as_tuple(net::use_awaitable));
  if (std::get<0>(c)) co_return;
  auto w = co_await net::async_write(sock, net::buffer(request), net::as_tuple(net::use_awaitable));
  if (std::get<0>(w)) co_return;
  std::vector<char> buf(16 * 1024);
  stream_counter counter;
  for (;;) {
    auto r = co_await sock.async_read_some(net::buffer(buf), net::as_tuple(net::use_awaitable));
    const std::size_t n = std::get<1>(r);
    st->bytes += n;
    ++st->reads;
    counter.add(buf.data(), n, *st);
    if (counter.done) {
      ++st->ok;
      break;
    }
    if (std::get<0>(r)) break;
  }
}

drain_stats drain(std::uint16_t port, const lg::run_plan& p) {
  net::io_context ioc{1};
  const tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  drain_stats st;
  for (const auto& pr : p.prompts) net::co_spawn(ioc, drain_one(ep, request_text(pr), &st), net::detached);
  const double c0 = thread_cpu_s(), w0 = wall_s();
  ioc.run();
  st.cpu_s = thread_cpu_s() - c0;
  st.wall = wall_s() - w0;
  st.events -= 2 * st.ok;
  return st;
}

struct client_stats {
  std::uint64_t events = 0, reads = 0;
  std::size_t ok = 0;
  double cpu_s = 0, wall = 0;
};

// The load generator on a plan; CPU is the whole process's minus the children (it runs alone).
client_stats run_client(std::uint16_t port, const lg::run_plan& p, std::size_t threads = 1) {
  const double c0 = process_cpu_s();
  const lg::run_result rr = lg::run(client(port, threads), p);
  client_stats s;
  s.cpu_s = process_cpu_s() - c0;
  s.wall = lg::seconds(rr.start, rr.end);
  for (const auto& r : rr.records) {
    s.events += r.chunks.size();
    s.reads += r.reads;
    s.ok += r.ok();
  }
  return s;
}

std::size_t arg(int argc, char** argv, const char* name, std::size_t dflt) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return static_cast<std::size_t>(std::strtoull(argv[i + 1], nullptr, 10));
  return dflt;
}
std::vector<std::size_t> list_arg(int argc, char** argv, const char* name, std::vector<std::size_t> dflt) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) {
      std::vector<std::size_t> v;
      for (char* s = argv[i + 1]; *s;) {
        v.push_back(std::strtoull(s, &s, 10));
        if (*s == ',') ++s;
      }
      return v;
    }
  return dflt;
}

double us(double cpu, std::uint64_t events) { return events ? cpu / static_cast<double>(events) * 1e6 : 0; }

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  const std::size_t only = arg(argc, argv, "--only", 0);
  g_busy_poll = arg(argc, argv, "--busy-poll", 0) != 0;
  g_kernel_stamps = arg(argc, argv, "--kernel-stamps", 1) != 0;
  const auto part = [&](std::size_t k) { return only == 0 || only == k; };
  std::printf("inferlens load generator; simulated server in child processes (fd limit %llu, %ld cores)%s\n",
              static_cast<unsigned long long>(rl.rlim_cur), sysconf(_SC_NPROCESSORS_ONLN), g_busy_poll ? "; busy polling" : "");

  // 1. batched writes: a CPU-bound server (no model waits) packs many events per write
  if (part(1)) {
    const std::size_t streams = arg(argc, argv, "--events-streams", 200);
    const auto tokens = static_cast<std::int64_t>(arg(argc, argv, "--events-tokens", 2000));
    sim::server_options so;
    so.model = sim::step_model::fast();
    so.time_scale = 0.0;
    so.record_traces = false;
    const lg::run_plan p = plan(streams, 16, tokens);
    child_servers base = start_servers(so);
    const drain_stats d = drain(base.port, p);
    stop_servers(base, false);
    child_servers srv = start_servers(so);
    const client_stats c = run_client(srv.port, p);
    stop_servers(srv, false);
    std::printf("\n1. batched writes, %zu streams x %lld tokens (%zu ok): %.1f events per read\n", streams, static_cast<long long>(tokens), c.ok,
                static_cast<double>(c.events) / static_cast<double>(std::max<std::uint64_t>(c.reads, 1)));
    std::printf("   load generator: %.0f events/s wall, %.0f per client CPU second (%.2f us/event)\n", static_cast<double>(c.events) / c.wall,
                static_cast<double>(c.events) / c.cpu_s, us(c.cpu_s, c.events));
    std::printf("   drain-only reader: %.0f events/s wall, %.0f per CPU second (%.2f us/event)\n", static_cast<double>(d.events) / d.wall,
                static_cast<double>(d.events) / d.cpu_s, us(d.cpu_s, d.events));
    std::printf("   ratio to the drain-only reader (CPU per event): %.2f;  capacity vs target 500,000/s: %.2fx\n",
                us(c.cpu_s, c.events) / us(d.cpu_s, d.events), static_cast<double>(c.events) / c.cpu_s / 500000.0);
  }

  // 2. one event per stream per step
  if (part(2)) {
    const std::size_t streams = arg(argc, argv, "--step-streams", 1000);
    const double step_ms = static_cast<double>(arg(argc, argv, "--step-ms", 10));
    const auto tokens = static_cast<std::int64_t>(arg(argc, argv, "--step-tokens", 300));
    const auto so = per_step_server(step_ms * 1e-3);
    const lg::run_plan p = plan(streams, 16, tokens);
    child_servers base = start_servers(so);
    const drain_stats f = bare_reader(base.port, p);
    stop_servers(base, false);
#if defined(INFERLENS_LOADGEN_URING)
    const unsigned window = static_cast<unsigned>(arg(argc, argv, "--floor-window-us", 200));
    std::uint64_t waits = 0;
    child_servers ubase = start_servers(so);
    const drain_stats u = bare_uring(ubase.port, p, window, &waits);
    stop_servers(ubase, false);
#endif
    child_servers srv = start_servers(so);
    const client_stats c = run_client(srv.port, p);
    stop_servers(srv, false);
    std::printf("\n2. one event per stream per %.0f ms step, %zu streams x %lld tokens (%zu ok; offered %.0f events/s)\n", step_ms, streams,
                static_cast<long long>(tokens), c.ok, static_cast<double>(streams) / (step_ms * 1e-3));
    std::printf("   load generator: %.2f events per read, %.2f us of client CPU per event: %.0f events per client CPU second\n",
                static_cast<double>(c.events) / static_cast<double>(std::max<std::uint64_t>(c.reads, 1)), us(c.cpu_s, c.events),
                static_cast<double>(c.events) / c.cpu_s);
    std::printf("   bare epoll + recvmsg (the kernel's floor): %.2f events per read, %.2f us per event: %.0f per CPU second\n",
                static_cast<double>(f.events) / static_cast<double>(std::max<std::uint64_t>(f.reads, 1)), us(f.cpu_s, f.events),
                static_cast<double>(f.events) / f.cpu_s);
    std::printf("   ratio to the floor (CPU per event): %.2f;  capacity vs target 500,000/s: %.2fx (the floor's: %.2fx)\n",
                us(c.cpu_s, c.events) / us(f.cpu_s, f.events), static_cast<double>(c.events) / c.cpu_s / 500000.0,
                static_cast<double>(f.events) / f.cpu_s / 500000.0);
#if defined(INFERLENS_LOADGEN_URING)
    if (u.events > 0) {
      std::printf("   bare io_uring multishot recvmsg (%u us batch window): %.2f events per completion, %.1f completions per wait, %.2f us per event: %.0f per CPU second\n",
                  window, static_cast<double>(u.events) / static_cast<double>(std::max<std::uint64_t>(u.reads, 1)),
                  static_cast<double>(u.reads) / static_cast<double>(std::max<std::uint64_t>(waits, 1)), us(u.cpu_s, u.events),
                  static_cast<double>(u.events) / u.cpu_s);
      std::printf("   ratio to the io_uring floor (CPU per event): %.2f (the io_uring floor's capacity vs target: %.2fx)\n",
                  us(c.cpu_s, c.events) / us(u.cpu_s, u.events), static_cast<double>(u.events) / u.cpu_s / 500000.0);
    }
#endif
  }

  // 3. I/O threads on the per-step pattern
  if (part(3)) {
    const auto threads = list_arg(argc, argv, "--threads", {1, 2});
    const std::size_t streams = arg(argc, argv, "--step-streams", 1000);
    const double step_ms = static_cast<double>(arg(argc, argv, "--step-ms", 10));
    const auto tokens = static_cast<std::int64_t>(arg(argc, argv, "--step-tokens", 300));
    std::printf("\n3. I/O threads, one event per stream per %.0f ms step, %zu streams x %lld tokens, one server process per thread\n", step_ms,
                streams, static_cast<long long>(tokens));
    std::printf("   %7s %12s %16s %20s %14s\n", "threads", "events/s", "events per read", "per client CPU-s", "per thread");
    double base = 0;
    for (const std::size_t n : threads) {
      const lg::run_plan p = plan(streams, 16, tokens);
      child_servers srv = start_servers(per_step_server(step_ms * 1e-3), static_cast<int>(n));
      const client_stats c = run_client(srv.port, p, n);
      stop_servers(srv, false);
      const double per_cpu = static_cast<double>(c.events) / c.cpu_s;  // all client threads' CPU together
      if (base == 0) base = per_cpu;
      std::printf("   %7zu %12.0f %16.2f %20.0f %13.2fx\n", n, static_cast<double>(c.events) / c.wall,
                  static_cast<double>(c.events) / static_cast<double>(std::max<std::uint64_t>(c.reads, 1)), per_cpu, per_cpu / base);
    }
    std::printf("   (per thread: events per CPU-second relative to one thread; 1.00x = no contention between threads)\n");
  }

  // 4. concurrent streams held: all connected and streaming at once
  if (part(4)) {
    const std::size_t held = arg(argc, argv, "--streams", 10000);
    sim::server_options so;
    so.model = sim::step_model::fast();
    so.model.decode_base_s = 0.02;  // 20 ms steps (at 10k sequences the server is CPU-bound anyway)
    so.time_scale = 1.0;
    so.record_traces = false;
    child_servers srv = start_servers(so);
    const lg::run_plan p = plan(held, 16, 400);
    const double cpu0 = process_cpu_s();
    const lg::run_result rr = lg::run(client(srv.port), p);
    const double cpu = process_cpu_s() - cpu0;
    stop_servers(srv, false);
    auto peak_of = [](std::vector<std::pair<lg::time_point, int>> ev) {
      std::sort(ev.begin(), ev.end(), [](const auto& a, const auto& b) { return a.first < b.first || (a.first == b.first && a.second > b.second); });
      int cur = 0, peak = 0;
      for (const auto& e : ev) peak = std::max(peak, cur += e.second);
      return peak;
    };
    std::vector<std::pair<lg::time_point, int>> open, streaming;
    std::size_t ok = 0;
    for (const auto& r : rr.records) {
      ok += r.ok();
      open.emplace_back(r.sent, +1);
      open.emplace_back(r.done, -1);
      if (r.chunks.empty()) continue;
      streaming.emplace_back(r.chunks.front().t, +1);
      streaming.emplace_back(r.chunks.back().t, -1);
    }
    const int held_peak = peak_of(open), streaming_peak = peak_of(streaming);
    std::printf("\n4. concurrent streams: %zu asked, %zu completed ok over %zu connections; at the peak %d open at once, %d of them mid-stream\n",
                held, ok, rr.connections, held_peak, streaming_peak);
    std::printf("   ratio to asked: %.3f; vs target 10,000: %.2fx; %.1f s wall, %.1f s client CPU\n",
                static_cast<double>(held_peak) / static_cast<double>(held), held_peak / 10000.0, lg::seconds(rr.start, rr.end), cpu);
  }

  // 5. client-added delay, by side
  if (part(5)) {
    std::printf("\n5. delay between the server's write and the client's stamp of the same chunk, 10 ms steps, 300 tokens a stream%s\n",
                g_kernel_stamps ? " (client stamps: kernel receive time)" : " (client stamps: after each read)");
    std::printf("   %7s %8s | %-29s | %-29s | %-20s | %s\n", "streams", "chunks", "client's share p50/p99/max us", "server's share p50/p99/max us",
                "read lag p50/p99 us", "client p99 / 200 us");
    std::vector<std::size_t> sizes{10, 100, arg(argc, argv, "--delay-streams", 1000)};
    if (arg(argc, argv, "--delay-small", 1) == 0) sizes = {sizes.back()};
    for (const std::size_t n : sizes) {
      auto so = per_step_server(0.01);
      so.record_traces = true;
      child_servers srv = start_servers(so);
      const lg::run_plan p = plan(n, 16, 300);
      const lg::run_result rr = lg::run(client(srv.port), p);
      const auto truth = stop_servers(srv, true);
      std::vector<double> client_us, server_us, lag_us;
      for (const auto& r : rr.records) {
        const auto it = truth.find(r.id);
        if (it == truth.end() || it->second.sent.size() != r.chunks.size()) continue;
        for (std::size_t k = 0; k < r.chunks.size(); ++k) {
          const double written = static_cast<double>(it->second.written[k]), sent = static_cast<double>(it->second.sent[k]);
          client_us.push_back((static_cast<double>(r.chunks[k].t.time_since_epoch().count()) - written) / 1000.0);
          server_us.push_back((written - sent) / 1000.0);
          if (r.rx_stamped) lag_us.push_back(r.chunks[k].client_delay_us);
        }
      }
      const auto c = inferlens::summarize(client_us), s = inferlens::summarize(server_us), l = inferlens::summarize(lag_us);
      if (!c.count) {
        std::printf("   %7zu: no chunk matched the server's traces\n", n);
        continue;
      }
      const std::string lag = l.count ? std::to_string(static_cast<long>(*l.median)) + " / " + std::to_string(static_cast<long>(*l.p99)) : "-";
      std::printf("   %7zu %8zu | %8.0f %9.0f %10.0f | %8.0f %9.0f %10.0f | %-20s | %.2f\n", n, c.count, *c.median, *c.p99, *c.max,
                  *s.median, *s.p99, *s.max, lag.c_str(), *c.p99 / 200.0);
    }
    std::printf("   (client's share < 0: the kernel took the bytes before the server's write() returned)\n");
  }
  return 0;
}
