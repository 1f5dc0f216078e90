// A vendor's integration test in a few lines: fail the CI job when the new build's frontier
// regresses against the baseline's (results of any harness, files or directories).
//
//   vendor_gate BASELINE NEW [FROM:TO]     exit 0: no regression, 1: a regression, 2: bad input
//
// The same check inside a doctest or GoogleTest suite is one line (docs/compare.md):
//   CHECK(inferlens::no_regression(base, next, {.range = {50, 200}, .tolerance = 0.03}));
#include <cstdio>
#include <exception>
#include <string>

#include <inferlens/compare.hpp>

int main(int argc, char** argv) try {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s BASELINE NEW [FROM:TO]\n", argv[0]);
    return 2;
  }
  inferlens::compare_options gate{.tolerance = 0.03};  // 3 %; over the baseline's whole range
  if (argc > 3) {                                      // or over FROM:TO tok/s/user
    const std::string r = argv[3];
    gate.range = {std::stod(r.substr(0, r.find(':'))), std::stod(r.substr(r.find(':') + 1))};
  }
  const inferlens::comparison result = inferlens::no_regression(argv[1], argv[2], gate);
  std::printf("%s\n", result.description().c_str());
  return result ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "vendor_gate: %s\n", e.what());
  return 2;
}
