#!/usr/bin/env bash
# Every test: warnings-as-errors build, unit and integration suites, package install and
# find_package consumer, header self-containment, examples; then the suites again under
# AddressSanitizer + UndefinedBehaviorSanitizer (skip with INFERLENS_NO_SANITIZE=1).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Debug -DINFERLENS_WERROR=ON -DINFERLENS_BUILD_BENCHMARKS=ON >/dev/null
cmake --build build/test -j"$jobs"
ctest --test-dir build/test --output-on-failure -j"$jobs"
if [ "${INFERLENS_NO_SANITIZE:-0}" != 1 ]; then
  cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DINFERLENS_WERROR=ON -DINFERLENS_SANITIZE=ON \
        -DINFERLENS_BUILD_EXAMPLES=OFF >/dev/null
  cmake --build build/asan -j"$jobs" --target inferlens_tests inferlens_loadgen_tests
  ctest --test-dir build/asan --output-on-failure -R '^(core|loadgen)$'
fi
