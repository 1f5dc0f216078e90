// Reading results: the real InferenceMAX set (9 agg_bmk files, 698 rows, ~0.9 MB) loaded N
// times; prints the best time per full load against the 50 ms target of DESIGN.md §9, and the
// baseline of nlohmann::json::parse building a document tree from the same bytes (no points).
//
//   benchmark_load [DIR] [N]   DIR defaults to ../shared/data/inferencemax/agg_bmk beside the
//                              source tree, N (runs, best taken) to 50
// When DIR/../agg_bmk_flat.csv exists (the same rows as CSV) its read time is printed too.
#include <inferlens/io.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

fs::path default_directory() {
#ifdef INFERLENS_SHARED_DATA_DIR
  return fs::path(INFERLENS_SHARED_DATA_DIR) / "inferencemax" / "agg_bmk";
#else
  // this file is <source>/benchmarks/load.cpp; the data lives in <source>/../shared/data
  return fs::absolute(__FILE__).parent_path().parent_path().parent_path() / "shared" / "data" / "inferencemax" /
         "agg_bmk";
#endif
}

/// Best wall time of `runs` calls, in milliseconds.
double best_ms(int runs, const std::function<void()>& f) {
  double best = std::numeric_limits<double>::infinity();
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    f();
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path dir = argc > 1 && argv[1][0] != 0 ? fs::path(argv[1]) : default_directory();
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 50;
  constexpr double target_ms = 50;  // DESIGN.md §9: the 698-row real set in <= 50 ms

  if (!fs::is_directory(dir)) {
    std::fprintf(stderr, "load: no directory %s (give the agg_bmk folder as the first argument)\n",
                 dir.string().c_str());
    return 2;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<std::string> texts;
  std::size_t bytes = 0;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    texts.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    bytes += texts.back().size();
  }

  std::size_t rows = 0;
  try {
    rows = inferlens::load_results(dir).points.size();
  } catch (const inferlens::input_error& e) {
    std::fprintf(stderr, "load: %s\n", e.what());
    return 1;
  }

  volatile std::size_t sink = 0;  // keeps the work observable
  const double load_ms = best_ms(runs, [&] { sink = sink + inferlens::load_results(dir).points.size(); });
  const double parse_ms = best_ms(runs, [&] {
    for (std::size_t i = 0; i < texts.size(); ++i)
      sink = sink + inferlens::parse_results(texts[i], files[i].string()).size();
  });
  const double baseline_ms = best_ms(runs, [&] {
    for (const auto& t : texts) sink = sink + nlohmann::json::parse(t).size();
  });

  std::printf("reading results: %zu rows from %zu files (%zu bytes) in %s, best of %d\n", rows, files.size(), bytes,
              dir.string().c_str(), runs);
  std::printf("  load_results (files -> derived points)   %8.3f ms   %.3f x the %.0f ms target%s\n", load_ms,
              load_ms / target_ms, target_ms, load_ms <= target_ms ? "" : "   MISSED");
  std::printf("  parse_results (bytes in memory -> points) %8.3f ms\n", parse_ms);
  std::printf("  baseline nlohmann::json::parse (tree only) %7.3f ms   parse_results / baseline = %.2f\n", baseline_ms,
              parse_ms / baseline_ms);
  // the same rows flattened to CSV, when it sits beside the folder (as in shared/data)
  const fs::path flat = dir.parent_path() / "agg_bmk_flat.csv";
  if (fs::is_regular_file(flat)) {
    const double csv_ms = best_ms(runs, [&] { sink = sink + inferlens::read_results(flat).size(); });
    std::printf("  read_results of %s     %8.3f ms   %.3f x the target\n", flat.filename().string().c_str(), csv_ms,
                csv_ms / target_ms);
  }
  return 0;
}
