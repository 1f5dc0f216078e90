// Reading results: the real InferenceMAX set (9 agg_bmk files, 698 rows, ~0.9 MB) loaded N
// times; prints min/median/max per full load and its ratio to the baseline of
// nlohmann::json::parse building a document tree from the same bytes (no points), against the
// target of DESIGN.md §9: at most 0.5 × that baseline.
//
//   benchmark_load [DIR] [N]   DIR defaults to ../shared/data/inferencemax/agg_bmk beside the
//                              source tree, N (runs, best taken) to 50
// When DIR/../agg_bmk_flat.csv exists (the same rows as CSV) its read time is printed too.
#include <inferlens/load.hpp>

#include <nlohmann/json.hpp>

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

struct spread {
  double min, median, max;
};

/// Wall time of `runs` calls, in milliseconds: min, median, max.
spread time_ms(int runs, const std::function<void()>& f) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(t.begin(), t.end());
  return {t.front(), t[t.size() / 2], t.back()};
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path dir = argc > 1 && argv[1][0] != 0 ? fs::path(argv[1]) : default_directory();
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 50;

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
    rows = inferlens::load(dir).size();
  } catch (const inferlens::input_error& e) {
    std::fprintf(stderr, "load: %s\n", e.what());
    return 1;
  }

  const std::string load_before = load_average();
  volatile std::size_t sink = 0;  // keeps the work observable
  const spread load_ms = time_ms(runs, [&] { sink = sink + inferlens::load(dir).size(); });
  const spread parse_ms = time_ms(runs, [&] {
    for (std::size_t i = 0; i < texts.size(); ++i) sink = sink + inferlens::parse(texts[i], files[i].string()).size();
  });
  const spread baseline_ms = time_ms(runs, [&] {
    for (const auto& t : texts) sink = sink + nlohmann::json::parse(t).size();
  });

  std::printf("reading results: %zu rows from %zu files (%zu bytes) in %s, %d runs, load average %s -> %s\n", rows, files.size(),
              bytes, dir.string().c_str(), runs, load_before.c_str(), load_average().c_str());
  std::printf("  %-44s %8s %8s %8s\n", "ms", "min", "median", "max");
  std::printf("  %-44s %8.3f %8.3f %8.3f\n", "load() (files -> table of derived points)", load_ms.min, load_ms.median, load_ms.max);
  constexpr double target_ms = 50;  // DESIGN.md §9: the 698-row real set in <= 50 ms
  std::printf("  load() median %.1f ms; target <= %.0f ms %s\n", load_ms.median, target_ms, load_ms.median <= target_ms ? "met" : "MISSED");
  std::printf("  %-44s %8.3f %8.3f %8.3f\n", "parse() (bytes in memory -> table)", parse_ms.min, parse_ms.median, parse_ms.max);
  std::printf("  %-44s %8.3f %8.3f %8.3f\n", "baseline nlohmann::json::parse (tree only)", baseline_ms.min, baseline_ms.median,
              baseline_ms.max);
  std::printf("  parse / baseline: %.2f (median), %.2f (min / min); target <= 0.5 %s\n", parse_ms.median / baseline_ms.median,
              parse_ms.min / baseline_ms.min, parse_ms.median / baseline_ms.median <= 0.5 ? "met" : "MISSED");
  // the same rows flattened to CSV, when it sits beside the folder (as in shared/data)
  const fs::path flat = dir.parent_path() / "agg_bmk_flat.csv";
  if (fs::is_regular_file(flat)) {
    const spread csv_ms = time_ms(runs, [&] { sink = sink + inferlens::load(flat).size(); });
    std::printf("  load() of %-34s %8.3f %8.3f %8.3f\n", flat.filename().string().c_str(), csv_ms.min, csv_ms.median, csv_ms.max);
  }
  return 0;
}
