#!/usr/bin/env bash
# Start to the first /metrics answer of the demo host (docs/performance.md, Native AOT): starts
# `BINARY run --backend sim` RUNS times, one after the other, polls /metrics every 10 ms from the moment of the
# exec, and prints each time and the median in seconds.
#
#   scripts/measure-start.sh BINARY [RUNS] [PORT]
#
# BINARY may be a command with arguments in one word list, e.g. "dotnet src/Daemon/bin/Release/net10.0/gpuqos.dll".
set -euo pipefail
bin=$1; runs=${2:-9}; port=${3:-19470}
times=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  # shellcheck disable=SC2086 # BINARY is a word list on purpose
  $bin run --backend sim --listen "127.0.0.1:$port" > /dev/null 2>&1 & pid=$!
  until curl -sfo /dev/null "127.0.0.1:$port/metrics"; do
    kill -0 "$pid" 2>/dev/null || { echo "measure-start: $bin exited before answering" >&2; exit 1; }
    sleep 0.01
  done
  end=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  times+=("$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", (b - a) / 1e9}')")
done
echo "runs: ${times[*]}"
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR] = $1} END {printf "median: %s s (load %s)\n", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2), "'"$(cut -d' ' -f1-3 /proc/loadavg)"'"}'
