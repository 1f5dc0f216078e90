#!/usr/bin/env bash
# Installs the Debian 12 packages inferlens builds and tests with (skips what is already there).
#   install-deps.sh           what building and every test need
#   install-deps.sh --build   what building needs (the quickstart): no clang, no browser
set -euo pipefail
packages=(cmake g++ make pkg-config libeigen3-dev libfmt-dev nlohmann-json3-dev doctest-dev
          libboost1.81-dev libcli11-dev libssl-dev)
if [ "${1:-}" != --build ]; then
  packages+=(clang libclang-rt-14-dev  # clang: the libFuzzer harnesses (tests/fuzz)
             chromium)                 # chromium: the browser test of the HTML report (headless)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
