// "At 100 tok/s/user, system A delivers N× the tokens per GPU of system B": interpolate each
// system's frontier (Steffen monotone cubic, as the InferenceMAX dashboard) at a target
// interactivity and compare.
//   compare_at_interactivity TARGET_TOK_S_USER PATH...
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <inferlens/inferlens.hpp>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: compare_at_interactivity TARGET FILE_OR_DIR...\n");
    return 2;
  }
  const double target = std::atof(argv[1]);
  std::vector<std::filesystem::path> inputs(argv + 2, argv + argc);
  const inferlens::result_table table(inferlens::load_results(inputs).points);

  std::vector<const inferlens::column*> by;
  for (auto name : inferlens::default_group_columns) by.push_back(inferlens::find_column(name));
  const auto& x = *inferlens::find_column("median_intvty");
  const auto& y = *inferlens::find_column("tput_per_gpu");

  struct system_at {
    std::string name, workload;  // only systems on the same model and ISL/OSL are compared
    inferlens::curve curve;
    std::optional<double> tput;
  };
  std::vector<system_at> systems;
  for (const auto& f : table.frontiers(by, x, y)) {
    if (f.frontier.empty()) continue;
    inferlens::curve c(table.frontier_values(f, [](const inferlens::benchmark_point& p) { return p.interactivity(); }),
                       table.frontier_values(f, &inferlens::benchmark_point::tput_per_gpu));
    const auto at = c.y_at(target);
    systems.push_back({fmt::format("{} {} ({} {}/{})", inferlens::to_string(f.key[4]), inferlens::to_string(f.key[5]),
                                   inferlens::to_string(f.key[3]), inferlens::to_string(f.key[1]),
                                   inferlens::to_string(f.key[2])),
                       fmt::format("{}|{}|{}", inferlens::to_string(f.key[0]), inferlens::to_string(f.key[1]),
                                   inferlens::to_string(f.key[2])),
                       std::move(c), at});
  }
  fmt::print("throughput per GPU at {} tok/s/user:\n", target);
  for (const auto& s : systems)
    fmt::print("  {:<44} {}\n", s.name, s.tput ? fmt::format("{:10.1f} tok/s/GPU", *s.tput) : "outside its frontier");

  // Every pair on the same workload that both reach the target: the ratio, and where one overtakes the other.
  for (std::size_t i = 0; i < systems.size(); ++i)
    for (std::size_t j = i + 1; j < systems.size(); ++j) {
      if (systems[i].workload != systems[j].workload) continue;
      if (!systems[i].tput || !systems[j].tput || *systems[j].tput <= 0) continue;
      fmt::print("{} delivers {:.2f}x the tokens per GPU of {}", systems[i].name, *systems[i].tput / *systems[j].tput,
                 systems[j].name);
      const auto cross = inferlens::crossovers(systems[i].curve, systems[j].curve);
      if (!cross.empty()) fmt::print(" (curves cross at {:.1f} tok/s/user)", cross.front().x);
      fmt::print("\n");
    }
}
