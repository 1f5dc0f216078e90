// The Pareto frontier of throughput per GPU against interactivity for each system, using the
// generic frontier on the library's rows (projections work the same on your own row type).
//   frontier PATH...
#include <cstdio>
#include <filesystem>
#include <vector>

#include <fmt/format.h>
#include <inferlens/inferlens.hpp>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: frontier FILE_OR_DIR...\n");
    return 2;
  }
  std::vector<std::filesystem::path> inputs(argv + 1, argv + argc);
  const inferlens::result_table table(inferlens::load_results(inputs).points);

  std::vector<const inferlens::column*> by;
  for (auto name : inferlens::default_group_columns) by.push_back(inferlens::find_column(name));

  for (const auto& g : table.group_by(by)) {
    std::vector<inferlens::benchmark_point> rows;
    for (std::size_t r : g.rows) rows.push_back(table[r]);
    // x: interactivity (tok/s/user), y: total tokens/s per GPU; both maximised.
    const auto front = inferlens::pareto_frontier(
        rows, [](const inferlens::benchmark_point& p) { return p.interactivity(); },
        [](const inferlens::benchmark_point& p) { return p.tput_per_gpu; });
    fmt::print("{} {} {}: {} of {} points on the frontier\n", inferlens::to_string(g.key[4]),
               inferlens::to_string(g.key[5]), inferlens::to_string(g.key[0]), front.size(), rows.size());
    for (std::size_t i : front)
      fmt::print("  {:8.2f} tok/s/user  {:10.1f} tok/s/GPU  conc {}\n", *rows[i].interactivity(), *rows[i].tput_per_gpu,
                 rows[i].concurrency.value_or(0));
  }
}
