// Threads for the library's parallel parts (a large CSV read in parts, frontiers of many
// systems): pthreads directly, since <thread> would weigh on every user's compile for this.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <memory>
#include <utility>
#include <vector>

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace detail {

/// Runs a callable on a thread of its own until join(); when no thread can be started it runs in
/// join().
template <class F>
class worker_thread {
 public:
  explicit worker_thread(F f) : f_(std::move(f)) { started_ = ::pthread_create(&id_, nullptr, &run, this) == 0; }
  worker_thread(const worker_thread&) = delete;
  worker_thread& operator=(const worker_thread&) = delete;
  ~worker_thread() { join(); }
  INFERLENS_LAZY void join() {
    if (joined_) return;
    joined_ = true;
    if (started_) ::pthread_join(id_, nullptr);
    else f_();
  }

 private:
  INFERLENS_LAZY static void* run(void* self) {
    static_cast<worker_thread*>(self)->f_();
    return nullptr;
  }
  F f_;
  pthread_t id_{};
  bool started_ = false, joined_ = false;
};

/// The processors this thread may run on (its affinity mask: taskset and container limits).
INFERLENS_LAZY unsigned usable_cores() noexcept {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
  return static_cast<unsigned>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
}

/// Runs f(t) for t in [0, count): t = 0 on the calling thread, the others on threads of their
/// own, all at once. Exceptions are rethrown after every task has ended, the lowest t's first.
template <class F>
void run_parallel(std::size_t count, const F& f) {
  std::vector<std::exception_ptr> errors(count);
  const auto guarded = [&](std::size_t t) {
    try {
      f(t);
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  const auto task = [&guarded](std::size_t t) { return [&guarded, t] { guarded(t); }; };
  using worker = worker_thread<decltype(task(0))>;
  {
    std::vector<std::unique_ptr<worker>> workers;
    for (std::size_t t = 1; t < count; ++t) workers.push_back(std::make_unique<worker>(task(t)));
    if (count > 0) guarded(0);
  }  // joined here
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace detail
INFERLENS_END_NAMESPACE
