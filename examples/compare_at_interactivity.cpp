// "At 100 tok/s/user, system A delivers N× the tokens per GPU of system B": each system's
// frontier read at a target interactivity, systems on the same workload compared, and where one
// curve overtakes the other.
//   compare_at_interactivity TARGET_TOK_S_USER PATH...
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include <fmt/format.h>
#include <inferlens/inferlens.hpp>

int main(int argc, char** argv) {
  using namespace inferlens;
  if (argc < 3) {
    std::fprintf(stderr, "usage: compare_at_interactivity TARGET FILE_OR_DIR...\n");
    return 2;
  }
  const double target = parse_number(argv[1]).value_or(0);
  const frontier_set systems = load(std::vector<std::filesystem::path>(argv + 2, argv + argc)).frontiers();
  fmt::print("throughput per GPU at {} tok/s/user:\n", target);
  for (const system_frontier* s : systems.ranked_at(target)) {
    const auto op = s->at(target);
    fmt::print("  {:<56} {}\n", s->name(), op ? fmt::format("{:10.1f} tok/s/GPU", op->tput_per_gpu) : "outside its frontier");
  }
  // every pair on the same workload (model, ISL/OSL, precision) that both reach the target
  const auto workload = [](const system_frontier& s) {
    return s.key(cols::model) + " " + s.key(cols::isl) + "/" + s.key(cols::osl) + " " + s.key(cols::precision);
  };
  for (const system_frontier& a : systems)
    for (const system_frontier& b : systems) {
      if (&a >= &b || workload(a) != workload(b)) continue;
      const auto pa = a.at(target), pb = b.at(target);
      if (!pa || !pb || !(pb->tput_per_gpu > 0)) continue;
      fmt::print("{} delivers {:.2f}x the tokens per GPU of {}", a.name(), pa->tput_per_gpu / pb->tput_per_gpu, b.name());
      if (const auto cross = crossovers(a.curve(), b.curve()); !cross.empty())
        fmt::print(" (curves cross at {:.1f} tok/s/user)", cross.front().x);
      fmt::print("\n");
    }
}
