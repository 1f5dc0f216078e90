// Load result files (any supported format, files or directories) and summarise what is there.
//   load_results PATH...
#include <cstdio>
#include <filesystem>
#include <vector>

#include <fmt/format.h>
#include <inferlens/inferlens.hpp>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: load_results FILE_OR_DIR...\n");
    return 2;
  }
  std::vector<std::filesystem::path> inputs(argv + 1, argv + argc);
  // Lenient: a bad file is reported and the rest still loads.
  const inferlens::load_report report = inferlens::load_results(inputs, /*lenient=*/true);
  for (const auto& e : report.errors) fmt::print(stderr, "skipped: {}\n", e.what());

  const inferlens::result_table table(report.points);
  fmt::print("{} points from {} files\n", table.size(), report.files_read);

  // One line per system: how many points, and its best throughput per GPU.
  const auto* hw = inferlens::find_column("accelerator");
  const auto* fw = inferlens::find_column("framework");
  const inferlens::column* by[] = {hw, fw};
  for (const auto& g : table.group_by(by)) {
    double best = 0;
    for (std::size_t r : g.rows) best = std::max(best, table[r].tput_per_gpu.value_or(0.0));
    fmt::print("{:>10} {:<14} {:>4} points, best {:.1f} tok/s/GPU\n", inferlens::to_string(g.key[0]),
               inferlens::to_string(g.key[1]), g.rows.size(), best);
  }
  return report.points.empty() ? 1 : 0;
}
