// Compile weight: how long g++ takes to parse a translation unit that includes the umbrella
// header, against one that includes <nlohmann/json.hpp> and <fmt/format.h> together (the
// baseline of DESIGN.md §9: the umbrella may cost at most 1.5 × that), and one with only the
// frontier and curve kernels (which must cost less than the baseline). Parse time is
// `g++ -std=c++20 -fsyntax-only`, best of N runs; preprocessed lines are `g++ -E` output lines.
//
//   benchmark_compile_weight [runs]   (default 3)
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

namespace {

#ifndef INFERLENS_CXX
#define INFERLENS_CXX "g++"
#endif

std::string flags() {
  return std::string(" -std=c++20 -I") + INFERLENS_SOURCE_DIR + "/include -I/usr/include/eigen3 ";
}

struct weight {
  double best_s;
  long lines;
};

weight measure(const std::string& name, const std::string& source, int runs) {
  const std::filesystem::path tu = std::filesystem::temp_directory_path() / ("inferlens_weight_" + name + ".cpp");
  std::ofstream(tu) << source;
  double best = std::numeric_limits<double>::infinity();
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const int rc = std::system((INFERLENS_CXX + flags() + "-fsyntax-only " + tu.string()).c_str());
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (rc != 0) {
      std::fprintf(stderr, "compile_weight: %s does not compile\n", name.c_str());
      std::exit(1);
    }
    best = std::min(best, s);
  }
  long lines = 0;
  if (FILE* p = popen((INFERLENS_CXX + flags() + "-E " + tu.string()).c_str(), "r")) {
    for (int c; (c = std::fgetc(p)) != EOF;) lines += c == '\n';
    pclose(p);
  }
  std::filesystem::remove(tu);
  return {best, lines};
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  std::printf("compile weight, %s -fsyntax-only, best of %d; load average %s\n", INFERLENS_CXX, runs, load_average().c_str());
  const weight baseline = measure("baseline", "#include <nlohmann/json.hpp>\n#include <fmt/format.h>\n", runs);
  const weight umbrella = measure("umbrella", "#include <inferlens/inferlens.hpp>\n", runs);
  const weight kernels = measure("kernels", "#include <inferlens/pareto.hpp>\n#include <inferlens/curves.hpp>\n", runs);
  std::printf("  %-44s %8s %10s %8s\n", "translation unit", "seconds", "lines", "ratio");
  std::printf("  %-44s %8.2f %10ld %8.2f\n", "<nlohmann/json.hpp> + <fmt/format.h> (baseline)", baseline.best_s, baseline.lines, 1.0);
  std::printf("  %-44s %8.2f %10ld %8.2f   target <= 1.5 %s\n", "<inferlens/inferlens.hpp>", umbrella.best_s, umbrella.lines,
              umbrella.best_s / baseline.best_s, umbrella.best_s / baseline.best_s <= 1.5 ? "met" : "MISSED");
  std::printf("  %-44s %8.2f %10ld %8.2f   target < 1 %s\n", "<inferlens/pareto.hpp> + <inferlens/curves.hpp>", kernels.best_s,
              kernels.lines, kernels.best_s / baseline.best_s, kernels.best_s < baseline.best_s ? "met" : "MISSED");
  std::printf("  load average after: %s\n", load_average().c_str());
  return 0;
}
