#!/usr/bin/env bash
# Side-by-side footprint of the published gpuqos and Debian's prometheus-node-exporter, read from /proc
# (docs/performance.md, Native AOT). Starts, in one run:
#   demo   gpuqos run --backend sim (the built-in demo host), scraped once a second
#   scale  the scale host (scenarios/scale.yaml, scale-config.yaml, history 10m), scraped once a second
#   scale15 the same scale host, scraped once every 15 s
#   node   prometheus-node-exporter, scraped once a second
# and prints, per minute, each one's CPU (utime + stime over the minute, % of one core), VmRSS at the end of the
# minute, and the load average. At the end it prints /proc/PID/smaps_rollup of each gpuqos.
#
#   scripts/measure-footprint.sh BINARY MINUTES OUTDIR [ENV=VALUE ...]
#
# ENV=VALUE pairs are set for the gpuqos processes only (e.g. DOTNET_GCConserveMemory=5).
# PORTS=N (environment) moves the ports to N+1..N+3 for gpuqos and N+4 for node-exporter (default 19460), so two
# runs with different settings can go side by side.
set -euo pipefail
if ! command -v prometheus-node-exporter > /dev/null; then
  echo "measure-footprint: prometheus-node-exporter is not installed; it runs beside gpuqos as the yardstick" >&2
  echo "  (Debian: apt-get install prometheus-node-exporter)" >&2
  exit 2
fi
if [ $# -lt 3 ]; then
  echo "usage: scripts/measure-footprint.sh BINARY MINUTES OUTDIR [ENV=VALUE ...]" >&2
  exit 2
fi
base=${PORTS:-19460}
bin=$(readlink -f "$1"); minutes=$2; out=$3; shift 3
mkdir -p "$out"
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
# The scale configuration, its dry-run journal in the scratch directory.
sed "s#^  mode: dry-run#  mode: dry-run\n  journal: $dir/actions.jsonl#" "$root/scenarios/scale-config.yaml" > "$dir/scale-config.yaml"
sed "s#^  mode: dry-run#  mode: dry-run\n  journal: $dir/actions15.jsonl#" "$root/scenarios/scale-config.yaml" > "$dir/scale15-config.yaml"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT

env "$@" "$bin" run --backend sim --listen 127.0.0.1:$((base + 1)) > "$out/demo.log" 2>&1 & demo=$!; pids+=("$demo")
env "$@" "$bin" run --backend sim --scenario "$root/scenarios/scale.yaml" --config "$dir/scale-config.yaml" \
  --listen 127.0.0.1:$((base + 2)) > "$out/scale.log" 2>&1 & scale=$!; pids+=("$scale")
env "$@" "$bin" run --backend sim --scenario "$root/scenarios/scale.yaml" --config "$dir/scale15-config.yaml" \
  --listen 127.0.0.1:$((base + 3)) > "$out/scale15.log" 2>&1 & scale15=$!; pids+=("$scale15")
prometheus-node-exporter --web.listen-address=127.0.0.1:$((base + 4)) > "$out/node.log" 2>&1 & node=$!; pids+=("$node")

( while :; do for p in $((base + 1)) $((base + 2)) $((base + 4)); do curl -so /dev/null "127.0.0.1:$p/metrics" || true; done; sleep 1; done ) & pids+=("$!")
( while :; do curl -so /dev/null "127.0.0.1:$((base + 3))/metrics" || true; sleep 15; done ) & pids+=("$!")

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)
names=(demo scale scale15 node); all=("$demo" "$scale" "$scale15" "$node")
declare -A last
for i in "${!all[@]}"; do last[$i]=$(ticks "${all[$i]}"); done
echo "minute ${names[*]/%/_cpu%} ${names[*]/%/_rssMiB} load1" | tee "$out/minutes.txt"
for m in $(seq "$minutes"); do
  sleep 60
  line="$m"; rl=""
  for i in "${!all[@]}"; do
    t=$(ticks "${all[$i]}")
    line="$line $(awk -v a="${last[$i]}" -v b="$t" -v hz="$hz" 'BEGIN {printf "%.2f", (b - a) / hz / 60 * 100}')"
    last[$i]=$t; rl="$rl $(rss "${all[$i]}")"
  done
  echo "$line$rl $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/minutes.txt"
done
for i in 0 1 2; do { echo "== ${names[$i]}"; cat "/proc/${all[$i]}/smaps_rollup"; grep -E 'Rss(Anon|File|Shmem)' "/proc/${all[$i]}/status"; } >> "$out/smaps.txt"; done
