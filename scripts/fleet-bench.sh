#!/usr/bin/env bash
# Measures `gpuqos report usage` and `gpuqos advise --prometheus` against a generated fleet in a real Prometheus
# (docs/performance.md, "Fleet"): wall time and peak RSS of every step, and per PromQL query its time and the
# samples it touched (Prometheus's query log with per-query stats).
#   scripts/fleet-bench.sh HOSTS DAYS WORKDIR [GPUQOS_DLL]
# Needs python3, promtool, prometheus, /usr/bin/time and a built gpuqos (dotnet build src/Daemon).
set -euo pipefail
hosts=${1:?hosts}; days=${2:?days}; work=${3:?workdir}
root="$(cd "$(dirname "$0")/.." && pwd)"
dll=${4:-$root/src/Daemon/bin/Debug/net10.0/gpuqos.dll}
port=${FLEET_BENCH_PORT:-19392}
mkdir -p "$work"
measure() { # name, command...: prints "name: wall s, peak RSS MiB"
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err" || echo "$name exited $?" >&2
  awk -v n="$name" '{printf "%-16s wall %8.1f s   peak RSS %7.1f MiB\n", n, $1, $2/1024}' "$work/$name.time"
}
measure generate python3 "$root/scripts/gen-fleet.py" --hosts "$hosts" --days "$days" --out "$work"
echo "samples: $(python3 -c "import json;print(json.load(open('$work/truth.json'))['samples'])"), file $(du -h "$work/fleet.om" | cut -f1)"
rm -rf "$work/tsdb"
measure create-blocks promtool tsdb create-blocks-from openmetrics "$work/fleet.om" "$work/tsdb"
rm -f "$work/fleet.om"
printf 'global:\n  scrape_interval: 1m\n  query_log_file: %s/query.log\n' "$work" > "$work/prometheus.yml"
rm -f "$work/query.log"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" --storage.tsdb.retention.time=30d \
  --web.listen-address="127.0.0.1:$port" --enable-feature=promql-per-step-stats > "$work/prometheus.log" 2>&1 &
prom=$!
trap 'kill $prom 2>/dev/null || true' EXIT
until=$(python3 -c "import json;print(json.load(open('$work/truth.json'))['until'])")
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null && break; sleep 1; done
since="${days}d"
: > "$work/query.log"
measure report-usage dotnet "$dll" report usage --prometheus "http://127.0.0.1:$port" --since "$since" --until "$until" --format json --top 0
cp "$work/query.log" "$work/report-usage.queries"; : > "$work/query.log"
measure advise dotnet "$dll" advise --prometheus "http://127.0.0.1:$port" --since "$since" --json
cp "$work/query.log" "$work/advise.queries"
echo "prometheus peak RSS: $(awk '/VmHWM/{printf "%.1f MiB", $2/1024}' /proc/$prom/status)"
for q in report-usage advise; do
  python3 - "$work/$q.queries" "$q" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def samples(r): return r.get("stats", {}).get("samples", {}).get("totalQueryableSamples", 0)
def secs(r): return r.get("stats", {}).get("timings", {}).get("evalTotalTime", 0)
big = max(rows, key=samples) if rows else {}
print(f"{sys.argv[2]}: {len(rows)} queries, {sum(map(secs, rows)):.1f} s evaluating, {sum(map(samples, rows))/1e6:.1f} M samples in all, "
      f"at most {samples(big)/1e6:.2f} M in one ({big.get('params', {}).get('query', '')[:90]})")
PY
done
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
truth = json.load(open(f"{w}/truth.json"))["tenants"]
rows = {r["key"]: r for r in json.load(open(f"{w}/report-usage.out"))["rows"]}
worst = max(abs(rows[t]["usedGpuHours"] - v["used_gpu_hours"]) / v["used_gpu_hours"] for t, v in truth.items() if v["used_gpu_hours"] > 0)
print(f"report usage against the ground truth: worst tenant off by {worst:.4%}")
PY
