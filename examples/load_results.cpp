// Load result files of any harness (files or directories) and say what is there: per file its
// format and rows (or why it was skipped), per system its points and best throughput per GPU.
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
  const std::vector<std::filesystem::path> inputs(argv + 1, argv + argc);
  inferlens::load_options options;
  options.lenient = true;  // a bad file is reported and the rest still loads
  const inferlens::result_table table = inferlens::load(inputs, options);
  for (const auto& f : table.files())
    fmt::print("{}: {}\n", f.path, f.error.empty() ? fmt::format("{} rows ({})", f.rows, f.format) : "skipped: " + f.error);
  fmt::print("{} points from {} files\n", table.size(), table.files().size());

  for (const auto& g : table.groups({inferlens::cols::accelerator, inferlens::cols::framework})) {
    double best = 0;
    for (const auto row : g.rows) best = std::max(best, row.value(inferlens::cols::tput_per_gpu).value_or(0.0));
    fmt::print("{:>10} {:<14} {:>4} points, best {:.1f} tok/s/GPU\n", inferlens::to_string(g.key[0]), inferlens::to_string(g.key[1]),
               g.rows.size(), best);
  }
  return table.empty() ? 1 : 0;
}
