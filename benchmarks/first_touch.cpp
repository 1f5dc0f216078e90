// What this machine charges for memory a process writes for the first time: the figure that
// varies most in benchmark_table_scale (its "of it, system" line). 256 MiB is mapped (huge pages
// asked for, as the column store does), written and unmapped, WRITES times in a row: the first
// write gets pages the kernel (on a VM, the host) has to supply, the later ones the pages just
// freed. A table of 10^6 rows writes about 225 MB.
//
//   benchmark_first_touch [WRITES]
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

constexpr std::size_t bytes = std::size_t{256} << 20;

// Milliseconds to map, write and unmap the block.
double write_fresh_block(int value) {
  const auto t0 = std::chrono::steady_clock::now();
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    std::perror("mmap");
    std::exit(1);
  }
#ifdef MADV_HUGEPAGE
  ::madvise(p, bytes, MADV_HUGEPAGE);
#endif
  std::memset(p, value, bytes);
  ::munmap(p, bytes);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int writes = argc > 1 ? std::max(2, std::atoi(argv[1])) : 4;
  const double mb = static_cast<double>(bytes) / 1e6;
  std::printf("first touch: %.0f MB mapped, written and unmapped %d times in a row\n", mb, writes);
  double first = 0, later = 1e300;
  for (int w = 1; w <= writes; ++w) {
    const double ms = write_fresh_block(w);
    if (w == 1) first = ms;
    else later = std::min(later, ms);
    std::printf("  write %d%-30s %8.1f ms  %6.3f ms per MB\n", w, w == 1 ? " (the first in this process)" : " (the pages just freed)", ms, ms / mb);
  }
  std::printf("  the first write costs %.1f x the fastest later one\n", first / later);
}
