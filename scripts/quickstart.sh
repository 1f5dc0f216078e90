#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install packages, build, run the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DINFERLENS_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc)" --target inferlens_cli
bin=build/release/bin/inferlens
if "$bin" bench --help >/dev/null 2>&1; then
  # End to end: the simulated server on loopback, a concurrency sweep, the frontier of the sweep.
  exec "$bin" bench --sim --concurrency 1,2,4,8,16,32,64,128 --isl 1024 --osl 256 --out build/demo "$@"
else
  "$bin" sample --out build/sample.json
  echo "== SYNTHETIC sample data (made-up accelerators), frontier per system =="
  exec "$bin" frontier build/sample.json --at 50,100,200 "$@"
fi
