// Uses the installed headers: frontier of three points, and the version matches CMake's.
#include <inferlens/inferlens.hpp>

#include <cstdio>
#include <cstring>
#include <vector>

int main() {
  if (std::strcmp(INFERLENS_VERSION_STRING, EXPECTED_VERSION) != 0) {
    std::fprintf(stderr, "version.hpp says %s, CMake says %s\n", INFERLENS_VERSION_STRING, EXPECTED_VERSION);
    return 1;
  }
  std::vector<inferlens::benchmark_point> pts(3);
  const double x[] = {50, 100, 150}, y[] = {900, 1000, 300};
  for (int i = 0; i < 3; ++i) {
    pts[i].intvty.median = x[i];
    pts[i].tput_per_gpu = y[i];
  }
  const auto front = inferlens::pareto_frontier(pts, [](const auto& p) { return *p.intvty.median; },
                                                [](const auto& p) { return *p.tput_per_gpu; });
  // (50, 900) is dominated by (100, 1000).
  if (front.size() != 2) return 1;
  std::printf("consumer ok: %zu frontier points\n", front.size());
  return 0;
}
