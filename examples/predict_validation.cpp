// How good is the calibrated model (predict.hpp)? On a directory of results (the real
// InferenceMAX set by default): every point against its physical bound, then leave-one-workload-out
// (calibrate a system on its other ISL/OSL pairs, predict the held-out one) and cross-hardware
// (calibrate on one accelerator, predict another with the same model, engine and precision), the
// error of the predicted frontier at 50, 100 and 200 tok/s/user per accelerator and engine.
//
//   predict_validation ../shared/data/inferencemax/agg_bmk
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <inferlens/inferlens.hpp>
#include <inferlens/limits.hpp>
#include <inferlens/predict.hpp>

namespace {

void print_table(const char* title, const std::vector<inferlens::validation_error>& errors, bool cross) {
  std::printf("\n%s\n", title);
  std::printf("%-10s %-14s %-14s %-5s %-10s %20s %20s %20s\n", "hw", "engine", "model", "prec", cross ? "from" : "", "@50 MAE (n)",
              "@100 MAE (n)", "@200 MAE (n)");
  std::map<std::string, std::map<int, std::vector<inferlens::validation_error>>> rows;
  for (const auto& e : errors) {
    char key[256];
    std::snprintf(key, sizeof key, "%-10s %-14s %-14s %-5s %-10s", e.accelerator.c_str(), e.framework.c_str(), e.model.c_str(),
                  e.precision.c_str(), cross ? e.calibrated_on.c_str() : "");
    rows[key][static_cast<int>(e.interactivity)].push_back(e);
  }
  for (const auto& [key, by_x] : rows) {
    std::printf("%s", key.c_str());
    for (int x : {50, 100, 200}) {
      const auto it = by_x.find(x);
      if (it == by_x.end()) {
        std::printf(" %20s", "-");
        continue;
      }
      const auto s = inferlens::summarize(it->second);
      char cell[64];
      std::snprintf(cell, sizeof cell, "%.1f%% %+.0f%% (%zu)", 100 * s.mean_abs, 100 * s.bias, s.n);
      std::printf(" %20s", cell);
    }
    std::printf("\n");
  }
  for (int x : {50, 100, 200}) {
    std::vector<inferlens::validation_error> at_x;
    for (const auto& e : errors)
      if (static_cast<int>(e.interactivity) == x) at_x.push_back(e);
    const auto s = inferlens::summarize(at_x);
    std::printf("all at %3d tok/s/user: mean |error| %.1f%%, median %.1f%%, bias %+.1f%%, %zu comparisons\n", x, 100 * s.mean_abs,
                100 * s.median_abs, 100 * s.bias, s.n);
  }
  const auto s = inferlens::summarize(errors);
  std::printf("all: mean |error| %.1f%%, median %.1f%%, %zu comparisons\n", 100 * s.mean_abs, 100 * s.median_abs, s.n);
}

}  // namespace

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "../shared/data/inferencemax/agg_bmk";
  inferlens::result_table t;
  try {
    t = inferlens::load(path).latest();  // one engine image per configuration
  } catch (const std::exception& e) {
    std::fprintf(stderr, "predict_validation: %s\n", e.what());
    return 1;
  }
  std::size_t bounded = 0, above = 0;
  double worst = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const inferlens::point_limit l = inferlens::limit_of(t.point(i));
    if (!l.known() && !l.above) continue;
    ++bounded;
    if (l.above) {
      ++above;
      std::printf("above its bound: %s row %lld: %s\n", t.point(i).source.c_str(),
                  static_cast<long long>(t.point(i).source_row.value_or(0)), l.reason.c_str());
    } else {
      worst = std::max(worst, l.pct_of_limit);
    }
  }
  std::printf("%zu points (latest run of each configuration), %zu bounded, %zu above their bound, highest pct_of_limit %.1f%%\n", t.size(),
              bounded, above, worst);
  const double at[] = {50, 100, 200};
  print_table("leave one workload (ISL/OSL) out: mean |predicted / measured - 1|, bias, comparisons",
              inferlens::validate_leave_one_out(t, at), false);
  print_table("cross-hardware: calibrated on 'from', predicted for 'hw'", inferlens::validate_cross_hardware(t, at), true);
  return 0;
}
