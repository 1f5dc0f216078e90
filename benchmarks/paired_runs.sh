#!/usr/bin/env bash
# Two commands timed in turn (A B A B ...), each run as a whole process under /usr/bin/time, with
# BUSY processes spinning beside them for the whole measurement: pairing keeps the ratio B/A
# meaningful when this VM's speed drifts (docs/benchmarks.md). Prints min / median / max of wall,
# user, system seconds and peak MiB per command, and of B's wall over A's, pair by pair.
#
#   benchmarks/paired_runs.sh [-n RUNS] [-b BUSY] 'COMMAND_A' 'COMMAND_B'
#
# e.g. an old and a new build of the CLI on the 10^6-row CSV (benchmark_table_scale --write FILE):
#   benchmarks/paired_runs.sh -n 7 -b 2 'OLD/inferlens frontier FILE --format csv' 'NEW/inferlens frontier FILE --format csv'
set -euo pipefail
runs=5 busy=0
while getopts n:b: opt; do
  case $opt in
    n) runs=$OPTARG ;;
    b) busy=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { sed -n 7p "$0" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian: apt install time)" >&2; exit 2; }

spinners=()
trap 'kill "${spinners[@]}" 2>/dev/null || true' EXIT
for ((i = 0; i < busy; i++)); do
  sh -c 'while :; do :; done' &
  spinners+=($!)
done

out=$(mktemp)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $runs pairs, $busy busy processes beside"
for ((i = 0; i < runs; i++)); do
  for which in A B; do
    cmd=$1
    [ $which = B ] && cmd=$2
    /usr/bin/time -f "$which %e %U %S %M" -a -o "$out" sh -c "$cmd" > /dev/null 2>&1
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk '
  function stats(name, v, n,   i, j, t) {  # min / median / max of v[1..n]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    printf "  %-12s %9.3f %9.3f %9.3f\n", name, v[1], (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2), v[n]
  }
  { k = ++count[$1]; wall[$1, k] = $2; user[$1, k] = $3; sys[$1, k] = $4; peak[$1, k] = $5 / 1024 }
  END {
    printf "  %-12s %9s %9s %9s\n", "", "min", "median", "max"
    for (c = 0; c < 2; c++) {
      w = c ? "B" : "A"; n = count[w]
      for (i = 1; i <= n; i++) { a[i] = wall[w, i]; b[i] = user[w, i]; d[i] = sys[w, i]; e[i] = peak[w, i] }
      stats(w " wall s", a, n); stats(w " user s", b, n); stats(w " sys s", d, n); stats(w " peak MiB", e, n)
    }
    n = count["B"] < count["A"] ? count["B"] : count["A"]
    for (i = 1; i <= n; i++) r[i] = wall["B", i] / wall["A", i]
    stats("B/A wall", r, n)
  }' "$out"
rm -f "$out"
