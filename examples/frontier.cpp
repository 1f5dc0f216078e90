// A vendor's own rows through the lower layer: no benchmark_point, no files. The frontier, the
// curve along it, and cost per million tokens and tokens per provisioned MW all take the
// caller's struct through projections (member pointers or lambdas).
//   frontier
#include <cstdio>
#include <vector>

#include <fmt/format.h>
#include <inferlens/inferlens.hpp>

// What a vendor's test harness records per run.
struct my_run {
  const char* config;
  double tokens_per_user_per_s;  // interactivity
  double tokens_per_gpu_per_s;   // throughput per GPU
};

int main() {
  const std::vector<my_run> runs = {{"tp8 conc256", 20, 9000}, {"tp8 conc64", 55, 6500}, {"tp4 conc64", 50, 5000},
                                    {"tp8 conc16", 110, 3200}, {"tp4 conc8", 150, 1500},  {"tp8 conc4", 180, 900}};
  // the frontier: maximise both; indices into runs, interactivity ascending
  const auto front = inferlens::pareto_frontier(runs, &my_run::tokens_per_user_per_s, &my_run::tokens_per_gpu_per_s);
  fmt::print("{} of {} runs on the frontier:", front.size(), runs.size());
  for (std::size_t i : front) fmt::print(" {}", runs[i].config);
  fmt::print("\n");

  // the curve through it (Steffen, as the InferenceMAX dashboard draws it), read at 100 tok/s/user
  const inferlens::curve c = inferlens::frontier_curve(runs, &my_run::tokens_per_user_per_s, &my_run::tokens_per_gpu_per_s);
  const double at100 = c.y_at(100).value();
  fmt::print("at 100 tok/s/user: {:.0f} tok/s/GPU\n", at100);

  // what each run costs and yields per MW at $2.10 per GPU-hour and 1.8 kW per GPU
  const auto cost = inferlens::usd_per_mtok(runs, &my_run::tokens_per_gpu_per_s, 2.10);
  const auto per_mw = inferlens::tok_per_s_per_mw(runs, &my_run::tokens_per_gpu_per_s, 1.8);
  for (std::size_t i : front) fmt::print("  {:<12} ${:.4f}/Mtok  {:.3g} tok/s/MW\n", runs[i].config, cost[i], per_mw[i]);
  fmt::print("at 100 tok/s/user: ${:.4f}/Mtok\n", inferlens::usd_per_mtok(at100, 2.10).value());
}
