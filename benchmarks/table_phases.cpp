// The table's two steps on one file, timed apart: load() (file → column store) and frontiers()
// (one per system; then again on one thread, frontier_spec::threads = 1). benchmark_table_scale times the whole CLI; this is the library alone, for
// comparing two builds of the headers side by side (docs/benchmarks.md), e.g. with benchmarks/paired_runs.sh.
//
//   benchmark_table_phases FILE   (a CSV from `benchmark_table_scale --write FILE`)
#include <chrono>
#include <cstdio>

#include <inferlens/inferlens.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: benchmark_table_phases FILE\n");
    return 2;
  }
  using clock = std::chrono::steady_clock;
  const auto seconds = [](clock::duration d) { return std::chrono::duration<double>(d).count(); };
  const auto t0 = clock::now();
  const inferlens::result_table table = inferlens::load(argv[1]);
  const auto t1 = clock::now();
  const inferlens::frontier_set set = table.frontiers(inferlens::frontier_spec{});
  const auto t2 = clock::now();
  inferlens::frontier_spec one_thread;
  one_thread.threads = 1;
  const std::size_t points = table.frontiers(one_thread).rows_on_frontiers();
  const auto t3 = clock::now();
  std::printf("load %.3f s, frontiers %.3f s (on one thread %.3f s): %zu rows, %zu systems, %zu frontier points\n",
              seconds(t1 - t0), seconds(t2 - t1), seconds(t3 - t2), table.size(), set.size(), points);
}
