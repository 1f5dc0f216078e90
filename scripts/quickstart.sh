#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install packages, build, run the main job, and end
# with a self-contained HTML report of it (its path is the last line printed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --build
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DINFERLENS_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc)" --target inferlens_cli
bin=build/release/bin/inferlens
if "$bin" bench --help >/dev/null 2>&1; then
  # End to end: the simulated server on loopback, a concurrency sweep, the frontier of the sweep,
  # and build/demo/report.html (the frontier, latency distributions and timeline of every point).
  "$bin" bench --sim --concurrency 1,2,4,8,16,32,64,128 --isl 1024 --osl 256 --out build/demo --overwrite "$@"
  report=build/demo/report.html
else
  "$bin" sample --out build/sample.json
  echo "== SYNTHETIC sample data (made-up accelerators), frontier per system =="
  "$bin" frontier build/sample.json --at 50,100,200 "$@"
  report=build/sample-report.html
  "$bin" report build/sample.json --out "$report" --title "inferlens: SYNTHETIC sample data" >/dev/null
fi
[ -s "$report" ] || { echo "quickstart: no report was written at $report" >&2; exit 1; }
echo "the report of this run, for any browser (no network needed): $(realpath "$report")"
