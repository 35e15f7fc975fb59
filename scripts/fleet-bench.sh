#!/usr/bin/env bash
# Measures `gpuqos report usage` and `gpuqos advise --prometheus` against a generated fleet in a real Prometheus
# (docs/performance.md, "Fleet"): wall time and peak RSS of every step, and per PromQL query its time and the
# samples it touched (Prometheus's query log with per-query stats).
#   scripts/fleet-bench.sh HOSTS DAYS WORKDIR [GPUQOS]
# GPUQOS is gpuqos.dll (run with dotnet; the Debug build by default) or a published gpuqos executable.
# FLEET_BENCH_REUSE=1 keeps WORKDIR's TSDB and ground truth from an earlier run and measures only the commands;
# FLEET_BENCH_LOAD_ONLY=1 stops once the TSDB is built. FLEET_BENCH_SCRAPE sets the generated scrape interval in
# seconds (default 60; 900 makes 1,000 hosts x 7 days about 100 M samples and 17 GB of OpenMetrics).
# The generator and promtool run at the lowest CPU and I/O priority (nice -n 19, ionice -c3): a shared machine.
# Needs python3, promtool, prometheus, /usr/bin/time and a built gpuqos (dotnet build src/Daemon).
set -euo pipefail
hosts=${1:?hosts}; days=${2:?days}; work=${3:?workdir}
root="$(cd "$(dirname "$0")/.." && pwd)"
dll=${4:-$root/src/Daemon/bin/Debug/net10.0/gpuqos.dll}
if [[ $dll == *.dll ]]; then gpuqos=(dotnet "$dll"); else gpuqos=("$dll"); fi
port=${FLEET_BENCH_PORT:-19392}
scrape=${FLEET_BENCH_SCRAPE:-60}
low=(nice -n 19 ionice -c3)
mkdir -p "$work"
measure() { # name, command...: prints "name: wall s, peak RSS MiB"
  local name=$1; shift
  local rc=0
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err" || rc=$?
  echo "$rc" > "$work/$name.rc"
  [ "$rc" = 0 ] || echo "$name exited $rc" >&2
  awk -v n="$name" '{printf "%-16s wall %8.1f s   peak RSS %7.1f MiB\n", n, $1, $2/1024}' "$work/$name.time"
}
if [ "${FLEET_BENCH_REUSE:-0}" != 1 ] || [ ! -d "$work/tsdb" ]; then
  measure generate "${low[@]}" python3 "$root/scripts/gen-fleet.py" --hosts "$hosts" --days "$days" --scrape "$scrape" --out "$work"
  echo "samples: $(python3 -c "import json;print(json.load(open('$work/truth.json'))['samples'])"), file $(du -h "$work/fleet.om" | cut -f1)"
  rm -rf "$work/tsdb"
  # promtool reads the whole file once per block it writes: with its default 2 h blocks, 84 passes over 7 days
  # (70 s for 5 hosts x 7 days here), with blocks of up to 162 h (the largest of its 2 h x 3^n ranges under 7 days)
  # two (3.7 s).
  measure create-blocks "${low[@]}" promtool tsdb create-blocks-from openmetrics --max-block-duration=162h "$work/fleet.om" "$work/tsdb"
  # Only once the blocks exist: the file took the generator 20 minutes at 1,000 x 7.
  if [ "$(cat "$work/create-blocks.rc")" = 0 ]; then rm -f "$work/fleet.om"; else echo "create-blocks failed: $work/fleet.om kept" >&2; exit 1; fi
fi
[ "${FLEET_BENCH_LOAD_ONLY:-0}" = 1 ] && exit 0
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
measure report-usage "${gpuqos[@]}" report usage --prometheus "http://127.0.0.1:$port" --since "$since" --until "$until" --format json --top 0
cp "$work/query.log" "$work/report-usage.queries"; : > "$work/query.log"
measure advise "${gpuqos[@]}" advise --prometheus "http://127.0.0.1:$port" --since "$since" --until "$until" --json
cp "$work/query.log" "$work/advise.queries"; : > "$work/query.log"
# The same share of the fleet per query as the default 1,000 host-days gives at 1,000 hosts x 7 days (142 hosts),
# so that this fleet's per-query samples scale to that one's by days x hosts / batch.
batch=$(python3 -c "print(round(1000 * $hosts * $days / 7000, 3))")
measure advise-batched "${gpuqos[@]}" advise --prometheus "http://127.0.0.1:$port" --since "$since" --until "$until" --json --host-days-per-query "$batch"
cp "$work/query.log" "$work/advise-batched.queries"
python3 -c "import json,sys;sys.exit(json.load(open(sys.argv[1]))['hosts'] != json.load(open(sys.argv[2]))['hosts'])" "$work/advise.out" "$work/advise-batched.out" \
  && echo "advise-batched (--host-days-per-query $batch): same advice as advise" || echo "advise-batched (--host-days-per-query $batch): ADVICE DIFFERS" >&2
echo "prometheus peak RSS: $(awk '/VmHWM/{printf "%.1f MiB", $2/1024}' /proc/$prom/status)"
for q in report-usage advise advise-batched; do
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
python3 - "$work" "$port" "$since" "$until" <<'PY'
import json, sys, urllib.parse, urllib.request
w, port, since, until = sys.argv[1:]
truth = json.load(open(f"{w}/truth.json"))
rows = {r["key"]: r for r in json.load(open(f"{w}/report-usage.out"))["rows"]}
# The gauge-based figure, as one would compute it without the counters: every 60 s sample of the SM share.
q = f"sum by (tenant) (sum_over_time(gpuqos_tenant_sm_share_ratio[{since}])) * {truth['scrape_seconds']} / 3600"
url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": q, "time": until})
gauge = {r["metric"]["tenant"]: float(r["value"][1]) for r in json.load(urllib.request.urlopen(url))["data"]["result"]}
def off(x, t): return abs(x - t) / t
used = {t: v["used_gpu_hours"] for t, v in truth["tenants"].items() if v["used_gpu_hours"] > 0}
print(f"used GPU-hours per tenant against the ground truth ({len(used)} tenants): counters worst {max(off(rows[t]['usedGpuHours'], v) for t, v in used.items()):.4%}, "
      f"gauges worst {max(off(gauge.get(t, 0), v) for t, v in used.items()):.4%}")
PY
