// Client capacity of the load generator: one client thread against the simulated server on
// loopback (the server runs in a forked child process, so each side has its own core and its own
// file-descriptor limit). Three figures, each against a baseline measured in the same run:
//   1. streamed token events per second: the load generator against a raw reader that only drains
//      the same responses (no HTTP parser, no SSE, no JSON);
//   2. concurrent streams held at once, out of the number asked for;
//   3. client-added delay (client stamp − the server's write stamp of the same chunk) at 1,000
//      streams, percentiles, against DESIGN §9's 200 µs p99.
// Usage: benchmark_loadgen [--events-streams N] [--events-tokens N] [--streams N] [--delay-streams N]
//        [--only 1|2|3] [--busy-poll 0|1] [--delayed-ack 0|1] [--kernel-stamps 0|1] [--delay-small 0|1]
#include <signal.h>
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

// ---- the server in a child process -----------------------------------------------------------

struct child_server {
  pid_t pid = -1;
  int cmd = -1;  // parent → child
  std::uint16_t port = 0;
  std::string trace_file;
};

child_server start_server(const sim::server_options& opts) {
  int to_child[2], from_child[2];
  if (pipe(to_child) != 0 || pipe(from_child) != 0) std::abort();
  child_server c;
  c.trace_file = "/tmp/inferlens_bench_traces_" + std::to_string(getpid()) + ".txt";
  c.pid = fork();
  if (c.pid == 0) {
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
        for (const auto& ch : t.chunks) out << ' ' << ch.sent.time_since_epoch().count();
        out << '\n';
      }
    }
    s.stop();
    _exit(0);
  }
  close(to_child[0]);
  close(from_child[1]);
  c.cmd = to_child[1];
  if (read(from_child[0], &c.port, sizeof c.port) != sizeof c.port) std::abort();
  close(from_child[0]);
  return c;
}

// Stops the child; with traces, returns id → chunk write stamps.
std::map<std::string, std::vector<std::int64_t>> stop_server(child_server& c, bool traces) {
  const char what = traces ? 'T' : 'Q';
  if (write(c.cmd, &what, 1) != 1) std::abort();
  close(c.cmd);
  int status = 0;
  waitpid(c.pid, &status, 0);
  std::map<std::string, std::vector<std::int64_t>> m;
  if (traces) {
    std::ifstream in(c.trace_file);
    std::string id;
    std::size_t n = 0;
    while (in >> id >> n) {
      auto& v = m[id];
      v.resize(n);
      for (auto& x : v) in >> x;
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

bool g_busy_poll = false, g_delayed_ack = true, g_kernel_stamps = true;

lg::client_options client(std::uint16_t port) {
  lg::client_options o;
  o.busy_poll = g_busy_poll;
  o.delayed_ack = g_delayed_ack;
  o.kernel_rx_stamps = g_kernel_stamps;
  o.url = "http://127.0.0.1:" + std::to_string(port);
  o.request.model = "sim-model";
  o.format = lg::prompt_format::token_ids;
  o.timeout.connect = std::chrono::seconds(30);
  o.timeout.first_token = std::chrono::seconds(120);
  o.timeout.idle = std::chrono::seconds(60);
  return o;
}

// ---- the baseline: a reader that only drains the bytes ---------------------------------------

struct drain_stats {
  std::uint64_t events = 0, bytes = 0;
  std::size_t ok = 0;
};

net::awaitable<void> drain_one(tcp::endpoint ep, std::string request, drain_stats* st) {
  tcp::socket sock(co_await net::this_coro::executor);
  auto c = co_await sock.async_connect(ep, net::as_tuple(net::use_awaitable));
  if (std::get<0>(c)) co_return;
  auto w = co_await net::async_write(sock, net::buffer(request), net::as_tuple(net::use_awaitable));
  if (std::get<0>(w)) co_return;
  std::vector<char> buf(16 * 1024);
  char prev = 0;
  bool done_seen = false;
  std::string last;  // the stream's last bytes, for markers split across reads
  for (;;) {
    auto r = co_await sock.async_read_some(net::buffer(buf), net::as_tuple(net::use_awaitable));
    const std::size_t n = std::get<1>(r);
    st->bytes += n;
    const char* b = buf.data();
    const char* e = b + n;
    for (const char* q = b; (q = static_cast<const char*>(std::memchr(q, '\n', static_cast<std::size_t>(e - q)))); ++q)
      if ((q == b ? prev : q[-1]) == '\n') ++st->events;  // an event ends at a blank line
    if (n) prev = e[-1];
    last.append(b, n);
    if (!done_seen && last.find("[DONE]") != std::string::npos) done_seen = true;
    if (last.size() > 32) last.erase(0, last.size() - 32);
    if (done_seen && last.ends_with("0\r\n\r\n")) {
      ++st->ok;
      break;
    }
    if (std::get<0>(r)) break;
  }
}

drain_stats drain(std::uint16_t port, const lg::run_plan& p) {
  net::io_context ioc{1};
  const tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  lg::request_options ro;
  ro.model = "sim-model";
  drain_stats st;
  for (const auto& pr : p.prompts) {
    const std::string body = lg::build_body(pr, ro, true);
    std::string req = "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body;
    net::co_spawn(ioc, drain_one(ep, std::move(req), &st), net::detached);
  }
  ioc.run();
  return st;
}

std::size_t arg(int argc, char** argv, const char* name, std::size_t dflt) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return static_cast<std::size_t>(std::strtoull(argv[i + 1], nullptr, 10));
  return dflt;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  const std::size_t ev_streams = arg(argc, argv, "--events-streams", 200);
  const std::int64_t ev_tokens = static_cast<std::int64_t>(arg(argc, argv, "--events-tokens", 2000));
  const std::size_t held = arg(argc, argv, "--streams", 10000);
  const std::size_t delay_streams = arg(argc, argv, "--delay-streams", 1000);
  const std::size_t only = arg(argc, argv, "--only", 0);  // 1, 2 or 3: run that part alone
  const bool busy = arg(argc, argv, "--busy-poll", 0) != 0;  // the client never sleeps in epoll
  g_busy_poll = busy;
  g_delayed_ack = arg(argc, argv, "--delayed-ack", 1) != 0;
  g_kernel_stamps = arg(argc, argv, "--kernel-stamps", 1) != 0;
  std::printf("inferlens load generator, one client thread%s; simulated server in a child process (fd limit %llu)\n",
              busy ? " (busy polling)" : "", static_cast<unsigned long long>(rl.rlim_cur));

  // 1. token events per second: a CPU-bound server (no model waits), one token per event
  if (only == 0 || only == 1) {
    sim::server_options so;
    so.model = sim::step_model::fast();
    so.time_scale = 0.0;
    so.record_traces = false;
    const lg::run_plan p = plan(ev_streams, 16, ev_tokens);

    child_server base = start_server(so);
    const double b_cpu0 = thread_cpu_s();
    const auto b0 = std::chrono::steady_clock::now();
    const drain_stats d = drain(base.port, p);
    const double b_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - b0).count();
    const double b_cpu = thread_cpu_s() - b_cpu0;
    stop_server(base, false);

    child_server srv = start_server(so);
    const double cpu0 = thread_cpu_s();
    const lg::run_result rr = lg::run(client(srv.port), p);
    const double cpu = thread_cpu_s() - cpu0;
    stop_server(srv, false);
    std::uint64_t events = 0;
    std::size_t ok = 0;
    for (const auto& r : rr.records) {
      events += r.chunks.size();
      ok += r.ok();
    }
    const double wall = lg::seconds(rr.start, rr.end);
    const double drain_events = static_cast<double>(d.events) - 2.0 * static_cast<double>(d.ok);  // minus usage and [DONE]
    std::printf("\n1. streamed token events, %zu streams x %lld tokens (%zu ok)\n", ev_streams, static_cast<long long>(ev_tokens), ok);
    std::printf("   load generator: %.0f events/s wall, %.0f events per client CPU second (%.2f us/event)\n",
                static_cast<double>(events) / wall, static_cast<double>(events) / cpu, cpu / static_cast<double>(events) * 1e6);
    std::printf("   baseline (drain only, no parsing): %.0f events/s wall, %.0f events per client CPU second\n",
                drain_events / b_wall, drain_events / b_cpu);
    std::printf("   ratio to baseline: %.2f wall, %.2f CPU;  capacity vs target 500,000/s: %.2fx\n",
                (static_cast<double>(events) / wall) / (drain_events / b_wall),
                (static_cast<double>(events) / cpu) / (drain_events / b_cpu), static_cast<double>(events) / cpu / 500000.0);
  }

  // 2. concurrent streams held: all connected and streaming at once
  if (only == 0 || only == 2) {
    sim::server_options so;
    so.model = sim::step_model::fast();
    so.model.decode_base_s = 0.02;  // 20 ms steps (at 10k sequences the server is CPU-bound anyway)
    so.time_scale = 1.0;
    so.record_traces = false;
    child_server srv = start_server(so);
    const lg::run_plan p = plan(held, 16, 400);
    const double cpu0 = thread_cpu_s();
    const lg::run_result rr = lg::run(client(srv.port), p);
    const double cpu = thread_cpu_s() - cpu0;
    stop_server(srv, false);
    // most requests open at one instant (sent → done), and most streaming (first → last chunk)
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
    std::printf("\n2. concurrent streams: %zu asked, %zu completed ok over %zu connections; at the peak %d open at once, %d of them\n"
                "   between their first and last token\n",
                held, ok, rr.connections, held_peak, streaming_peak);
    std::printf("   ratio to asked: %.3f; vs target 10,000: %.2fx; %.1f s wall, %.1f s client CPU\n",
                static_cast<double>(held_peak) / static_cast<double>(held), held_peak / 10000.0, lg::seconds(rr.start, rr.end), cpu);
  }

  // 3. client-added delay: the server writes every stream's token at each 10 ms engine step, so
  //    N streams deliver N events at once and one thread works through them in turn; the delay
  //    grows with N. Measured at 10, 100 and N = --delay-streams (1,000).
  if (only == 0 || only == 3) {
    std::printf("\n3. client-added delay = the client's stamp - the server's write stamp of the same chunk%s\n",
                g_kernel_stamps ? " (stamps: kernel receive time)" : " (stamps: steady_clock after each read)");
    std::printf("   %7s %8s %9s %9s %9s %9s %9s %11s %10s   %s\n", "streams", "chunks", "p50 us", "p90 us", "p99 us",
                "p99.9 us", "max us", "us/event", "p99/200us", "bytes waiting for the client: p50 / p99 us");
    std::vector<std::size_t> sizes{10, 100, delay_streams};
    if (arg(argc, argv, "--delay-small", 1) == 0) sizes = {delay_streams};
    for (const std::size_t n : sizes) {
      sim::server_options so;
      so.model = sim::step_model::fast();
      so.model.decode_base_s = 0.01;
      so.time_scale = 1.0;
      child_server srv = start_server(so);
      const lg::run_plan p = plan(n, 16, 300);
      const double cpu0 = thread_cpu_s();
      const lg::run_result rr = lg::run(client(srv.port), p);
      const double cpu = thread_cpu_s() - cpu0;
      const auto truth = stop_server(srv, true);
      std::vector<double> delay_us, wait_us;
      for (const auto& r : rr.records) {
        const auto it = truth.find(r.id);
        if (it == truth.end() || it->second.size() != r.chunks.size()) continue;
        for (std::size_t k = 0; k < r.chunks.size(); ++k) {
          delay_us.push_back(static_cast<double>(r.chunks[k].t.time_since_epoch().count() - it->second[k]) / 1000.0);
          if (r.rx_stamped) wait_us.push_back(r.chunks[k].client_delay_us);
        }
      }
      const auto s = inferlens::summarize(delay_us);
      const auto w = inferlens::summarize(wait_us);
      if (!s.count) {
        std::printf("   %7zu: no chunk matched the server's traces\n", n);
        continue;
      }
      std::printf("   %7zu %8zu %9.0f %9.0f %9.0f %9.0f %9.0f %11.2f %10.2f   %s\n", n, s.count, *s.median, *s.p90, *s.p99,
                  *s.p999, *s.max, cpu / static_cast<double>(s.count) * 1e6, *s.p99 / 200.0,
                  w.count ? (std::to_string(static_cast<long>(*w.median)) + " / " + std::to_string(static_cast<long>(*w.p99))).c_str()
                          : "-");
    }
  }
  return 0;
}
