// Uses the installed headers: the version matches CMake's, the embedded data is there (no file is
// read at run time), and the pipeline runs on a table built in memory.
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
    pts[i].model = "gpt-oss-120b";
    pts[i].hw = "b200";
    pts[i].intvty.median = x[i];
    pts[i].tput_per_gpu = y[i];
    inferlens::derive(pts[i]);
  }
  const auto systems = inferlens::result_table(pts).frontiers();
  // (50, 900) is dominated by (100, 1000).
  if (systems.size() != 1 || systems[0].points().size() != 2) return 1;
  const auto op = systems[0].at(120, inferlens::pricing::preset(inferlens::tier::hyperscaler));
  if (!op || !op->priced()) return 1;
  std::printf("consumer ok: %zu frontier points, $%.4f/Mtok at 120 tok/s/user\n", systems[0].points().size(), op->usd_per_mtok);
  return 0;
}
