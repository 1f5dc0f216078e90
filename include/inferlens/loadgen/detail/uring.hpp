// A minimal io_uring for the load generator's read path (Linux only): raw system calls, no
// liburing, no link dependency. One ring per I/O thread and phase, a ring of provided buffers,
// multishot recvmsg per connection, completions reaped from the shared CQ ring without a system
// call. See client.hpp's detail::reactor for how it is used.
#pragma once

#if defined(__linux__) && __has_include(<linux/io_uring.h>)
#define INFERLENS_LOADGEN_URING 1

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <linux/io_uring.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE
namespace loadgen::detail::uring {

// Newer than some installed headers: defined here when missing (values from the kernel's uapi).
#ifndef IORING_SETUP_SINGLE_ISSUER
#define IORING_SETUP_SINGLE_ISSUER (1U << 12)
#endif
inline constexpr unsigned feat_reg_reg_ring = 1U << 13;  // IORING_FEAT_REG_REG_RING: 6.3

// io_uring_getevents_arg with the field 6.12 named min_wait_usec (the same layout).
struct getevents_arg {
  std::uint64_t sigmask = 0;
  std::uint32_t sigmask_sz = 0;
  std::uint32_t min_wait_usec = 0;
  std::uint64_t ts = 0;
};

inline int sys_setup(unsigned entries, io_uring_params* p) noexcept {
  return static_cast<int>(::syscall(__NR_io_uring_setup, entries, p));
}
inline int sys_enter(int fd, unsigned to_submit, unsigned min_complete, unsigned flags, const void* arg,
                     std::size_t argsz) noexcept {
  return static_cast<int>(::syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, arg, argsz));
}
inline int sys_register(int fd, unsigned op, const void* arg, unsigned nr) noexcept {
  return static_cast<int>(::syscall(__NR_io_uring_register, fd, op, arg, nr));
}

template <class T>
T load_acquire(const T* p) noexcept {
  return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
template <class T>
void store_release(T* p, T v) noexcept {
  __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/// One ring: SQ, CQ, an eventfd the kernel signals when work for it arrives, and one group of
/// provided buffers (bid 0 … count−1, `size` bytes each) in memory the caller owns.
class ring {
 public:
  ring() = default;
  ~ring() { close(); }
  ring(const ring&) = delete;
  ring& operator=(const ring&) = delete;

  /// Creates the ring on the calling thread (the only one that may submit to it). Returns false,
  /// with errno set, where io_uring is unavailable or too old (before 6.3), or refused.
  bool open(unsigned sq_entries, unsigned cq_entries) noexcept {
    close();
    const unsigned base = IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL;
    // Not DEFER_TASKRUN: its receives run only when this thread enters the ring, and on Linux
    // 6.18 the eventfd was then signalled once per response, not per arrival: a whole stream was
    // read at once and every token carried its last one's stamp (TPOT 0). Cooperative task work
    // posts each completion, and signals the eventfd, as the data arrives.
    const unsigned tries[] = {base | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
                              base | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG, base};
    int fd = -1;
    io_uring_params p{};
    for (const unsigned flags : tries) {
      p = io_uring_params{};
      p.flags = flags;
      p.cq_entries = cq_entries;
      fd = sys_setup(sq_entries, &p);
      if (fd >= 0 || errno != EINVAL) break;
    }
    if (fd < 0) return false;
    fd_ = fd;
    if (!(p.features & IORING_FEAT_SINGLE_MMAP) || !(p.features & IORING_FEAT_NODROP) ||
        !(p.features & IORING_FEAT_EXT_ARG) || !(p.features & feat_reg_reg_ring)) {
      close();
      errno = ENOSYS;
      return false;
    }
    ring_size_ = std::max<std::size_t>(p.sq_off.array + p.sq_entries * sizeof(unsigned),
                                       p.cq_off.cqes + p.cq_entries * sizeof(io_uring_cqe));
    void* r = ::mmap(nullptr, ring_size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd_, IORING_OFF_SQ_RING);
    if (r == MAP_FAILED) return fail();
    ring_mem_ = static_cast<char*>(r);
    sqes_size_ = p.sq_entries * sizeof(io_uring_sqe);
    void* s = ::mmap(nullptr, sqes_size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd_, IORING_OFF_SQES);
    if (s == MAP_FAILED) return fail();
    sqes_ = static_cast<io_uring_sqe*>(s);
    sq_head_ = reinterpret_cast<unsigned*>(ring_mem_ + p.sq_off.head);
    sq_tail_ = reinterpret_cast<unsigned*>(ring_mem_ + p.sq_off.tail);
    sq_mask_ = *reinterpret_cast<unsigned*>(ring_mem_ + p.sq_off.ring_mask);
    sq_entries_ = p.sq_entries;
    sq_flags_ = reinterpret_cast<unsigned*>(ring_mem_ + p.sq_off.flags);
    unsigned* array = reinterpret_cast<unsigned*>(ring_mem_ + p.sq_off.array);
    for (unsigned i = 0; i < p.sq_entries; ++i) array[i] = i;  // SQE i in slot i, once
    cq_head_ = reinterpret_cast<unsigned*>(ring_mem_ + p.cq_off.head);
    cq_tail_ = reinterpret_cast<unsigned*>(ring_mem_ + p.cq_off.tail);
    cq_mask_ = *reinterpret_cast<unsigned*>(ring_mem_ + p.cq_off.ring_mask);
    cqes_ = reinterpret_cast<io_uring_cqe*>(ring_mem_ + p.cq_off.cqes);
    tail_ = *sq_tail_;
    efd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (efd_ < 0) return fail();
    if (sys_register(fd_, IORING_REGISTER_EVENTFD, &efd_, 1) < 0) return fail();
    return true;
  }

  /// Registers `count` (a power of two ≤ 32768) buffers of `size` bytes at `mem` as group `bgid`;
  /// `ring_mem` holds count io_uring_buf entries (16 bytes each), page-aligned.
  bool provide(void* ring_mem, char* mem, unsigned count, unsigned size, std::uint16_t bgid) noexcept {
    br_ = static_cast<io_uring_buf*>(ring_mem);
    std::memset(br_, 0, count * sizeof(io_uring_buf));
    io_uring_buf_reg reg{};
    reg.ring_addr = reinterpret_cast<std::uintptr_t>(ring_mem);
    reg.ring_entries = count;
    reg.bgid = bgid;
    if (sys_register(fd_, IORING_REGISTER_PBUF_RING, &reg, 1) < 0) {
      br_ = nullptr;
      return false;
    }
    bufs_ = mem;
    buf_size_ = size;
    br_mask_ = count - 1;
    br_tail_ = 0;
    for (unsigned i = 0; i < count; ++i) recycle(static_cast<std::uint16_t>(i));
    publish();
    return true;
  }
  char* buffer(std::uint16_t bid) const noexcept { return bufs_ + static_cast<std::size_t>(bid) * buf_size_; }
  /// Hands buffer bid back (visible to the kernel at the next publish()).
  void recycle(std::uint16_t bid) noexcept {
    io_uring_buf& b = br_[br_tail_ & br_mask_];
    b.addr = reinterpret_cast<std::uintptr_t>(buffer(bid));
    b.len = buf_size_;
    b.bid = bid;
    ++br_tail_;
  }
  // The ring's tail overlays the first entry's resv field (io_uring_buf_ring; its bufs[] is not
  // used here: in C++ __DECLARE_FLEX_ARRAY puts it 8 bytes too far).
  void publish() noexcept { store_release(&br_[0].resv, br_tail_); }

  void close() noexcept {
    if (sqes_) ::munmap(sqes_, sqes_size_);
    if (ring_mem_) ::munmap(ring_mem_, ring_size_);
    if (fd_ >= 0) ::close(fd_);
    if (efd_ >= 0) ::close(efd_);
    sqes_ = nullptr;
    ring_mem_ = nullptr;
    fd_ = efd_ = -1;
    br_ = nullptr;
  }
  bool is_open() const noexcept { return fd_ >= 0; }
  int event_fd() const noexcept { return efd_; }

  /// The next free SQE, zeroed; submits what is queued when the SQ is full. nullptr: none free.
  io_uring_sqe* sqe() noexcept {
    if (tail_ - load_acquire(sq_head_) >= sq_entries_) {
      submit();
      if (tail_ - load_acquire(sq_head_) >= sq_entries_) return nullptr;
    }
    io_uring_sqe* e = &sqes_[tail_ & sq_mask_];
    std::memset(e, 0, sizeof *e);
    ++tail_;
    return e;
  }
  unsigned queued() const noexcept { return tail_ - *sq_tail_; }

  /// Submits what is queued (one system call, none when nothing is).
  int submit() noexcept {
    const unsigned n = flush();
    if (n == 0) return 0;
    int r;
    do r = sys_enter(fd_, n, 0, 0, nullptr, 0);
    while (r < 0 && errno == EINTR);
    return r;
  }

  /// Submits what is queued and waits until `min_complete` completions are there or `timeout_ns`
  /// passed (0: do not wait; runs the pending kernel work and returns). One system call.
  int wait(unsigned min_complete, std::int64_t timeout_ns) noexcept {
    const unsigned n = flush();
    getevents_arg arg{};
    __kernel_timespec ts{};
    ts.tv_sec = timeout_ns / 1'000'000'000;
    ts.tv_nsec = timeout_ns % 1'000'000'000;
    arg.ts = reinterpret_cast<std::uintptr_t>(&ts);
    const int r = sys_enter(fd_, n, min_complete, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &arg, sizeof arg);
    return r < 0 && (errno == ETIME || errno == EINTR || errno == EBUSY) ? 0 : r;
  }

  /// Completions ready in the CQ ring; work the kernel has pending for this thread (it runs at
  /// the next wait()).
  unsigned ready() const noexcept { return load_acquire(cq_tail_) - *cq_head_; }
  bool work_pending() const noexcept {
    return (load_acquire(sq_flags_) & (IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW)) != 0;
  }

  /// Calls f(const io_uring_cqe&) for every completion ready, then frees their slots.
  template <class F>
  unsigned reap(F&& f) {
    unsigned head = *cq_head_, count = 0;
    const unsigned tail = load_acquire(cq_tail_);
    for (; head != tail; ++head, ++count) {
      const io_uring_cqe cqe = cqes_[head & cq_mask_];
      store_release(cq_head_, head + 1);  // the slot is copied: free it before f (which may submit)
      f(cqe);
    }
    return count;
  }

  /// Drains the eventfd (after a wake-up it signalled).
  void clear_event() const noexcept {
    std::uint64_t v = 0;
    [[maybe_unused]] const ssize_t r = ::read(efd_, &v, sizeof v);
  }
  void kick() const noexcept {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t r = ::write(efd_, &one, sizeof one);
  }

 private:
  unsigned flush() noexcept {
    const unsigned n = tail_ - *sq_tail_;
    if (n) store_release(sq_tail_, tail_);
    return n;
  }
  bool fail() noexcept {
    const int e = errno;
    close();
    errno = e;
    return false;
  }

  int fd_ = -1, efd_ = -1;
  char* ring_mem_ = nullptr;
  std::size_t ring_size_ = 0, sqes_size_ = 0;
  io_uring_sqe* sqes_ = nullptr;
  unsigned *sq_head_ = nullptr, *sq_tail_ = nullptr, *sq_flags_ = nullptr;
  unsigned sq_mask_ = 0, sq_entries_ = 0, tail_ = 0;
  unsigned *cq_head_ = nullptr, *cq_tail_ = nullptr, cq_mask_ = 0;
  io_uring_cqe* cqes_ = nullptr;
  io_uring_buf* br_ = nullptr;
  char* bufs_ = nullptr;
  unsigned buf_size_ = 0;
  std::uint16_t br_mask_ = 0, br_tail_ = 0;
};

/// Multishot recvmsg on fd into buffer group bgid; `msg` gives the name and control sizes.
inline void prep_recvmsg_multishot(io_uring_sqe* e, int fd, const msghdr* msg, std::uint16_t bgid,
                                   std::uint64_t user_data) noexcept {
  e->opcode = IORING_OP_RECVMSG;
  e->fd = fd;
  e->addr = reinterpret_cast<std::uintptr_t>(msg);
  e->len = 1;
  e->ioprio = IORING_RECV_MULTISHOT;
  e->flags = IOSQE_BUFFER_SELECT;
  e->buf_group = bgid;
  e->user_data = user_data;
}
inline void prep_send(io_uring_sqe* e, int fd, const void* data, std::size_t n, std::uint64_t user_data) noexcept {
  e->opcode = IORING_OP_SEND;
  e->fd = fd;
  e->addr = reinterpret_cast<std::uintptr_t>(data);
  e->len = static_cast<std::uint32_t>(n);
  e->msg_flags = MSG_NOSIGNAL;
  e->user_data = user_data;
}
/// Cancels the request with `target` user data, or every request (target 0 and all).
inline void prep_cancel(io_uring_sqe* e, std::uint64_t target, bool all, std::uint64_t user_data) noexcept {
  e->opcode = IORING_OP_ASYNC_CANCEL;
  e->fd = -1;
  e->addr = target;
  e->cancel_flags = all ? (IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_ANY) : 0;
  e->user_data = user_data;
}

}  // namespace loadgen::detail::uring
INFERLENS_END_NAMESPACE

#endif
