#!/usr/bin/env bash
# Collects the evidence of how GpuQos behaves on a real GPU host, in one folder, in a few minutes, and changes
# nothing on the host: no MIG mode change, no GPU reset, no clock, power limit or compute mode left changed.
#
#   scripts/gpu-check.sh                       # builds gpuqos (needs the .NET 10 SDK), writes docs/real-hardware/<date>-<device>/
#   scripts/gpu-check.sh --gpuqos ./gpuqos     # a pre-built Release binary (dotnet publish … -r linux-x64), no SDK needed
#   scripts/gpu-check.sh --out DIR --duration 60 --config /etc/gpuqos/gpuqos.yaml
#
# What it runs, each step's output and exit code kept in the folder (summary.txt lists them):
#   1. nvidia-smi -L, -q -x and a CSV of clocks/limits/modes, before and after (read-only queries)
#   2. gpuqos doctor --json and its table (with --config when given: doctor changes nothing)
#   3. the daemon on NVML for --duration seconds (default 60) with a generated configuration: enforcement in
#      dry-run and no policies, so nothing can be acted on; /metrics (twice), /api/v1/state, /api/v1/actions,
#      /readyz and the log are captured, and it is stopped with SIGTERM
#   4. where libcuda loads and the host allows it, a short CUDA isolation audit between two MIG instances of
#      one GPU, or between two worker processes on one time-sliced GPU (compute and bandwidth probes, 5 runs)
# Needs bash, curl, timeout (coreutils); python3 only to pick the audit pair on a MIG host.
set -uo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
gpuqos=""
out=""
duration=60
config=""
port=19451
audit_budget=150

usage() {
  sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --gpuqos) gpuqos="${2:?--gpuqos needs a path}"; shift 2 ;;
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    --duration) duration="${2:?--duration needs seconds}"; shift 2 ;;
    --config) config="${2:?--config needs a file}"; shift 2 ;;
    --port) port="${2:?--port needs a number}"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "gpu-check: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

case "$duration" in ''|*[!0-9]*) echo "gpu-check: --duration must be whole seconds" >&2; exit 2 ;; esac
case "$port" in ''|*[!0-9]*) echo "gpu-check: --port must be a number" >&2; exit 2 ;; esac
if [ -n "$config" ] && [ ! -r "$config" ]; then
  echo "gpu-check: --config: cannot read '$config'" >&2
  exit 2
fi
for tool in curl timeout; do
  command -v "$tool" >/dev/null 2>&1 || { echo "gpu-check: $tool is required" >&2; exit 2; }
done

started=$(date +%s)
work="$(mktemp -d "${TMPDIR:-/tmp}/gpuqos-gpu-check.XXXXXX")"
daemon_pid=""
cleanup() {
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM "$daemon_pid" 2>/dev/null
    wait "$daemon_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- gpuqos: a given binary or DLL, else publish one here --------------------------------------------------
if [ -z "$gpuqos" ]; then
  if ! command -v dotnet >/dev/null 2>&1; then
    cat >&2 <<'EOF'
gpu-check: no dotnet SDK here, and no --gpuqos given. On a machine with the .NET 10 SDK:
  dotnet publish src/Daemon -c Release -r linux-x64 -o out/gpuqos
  dotnet publish src/ProbeWorker -c Release -r linux-x64 -o out/gpuqos
then copy out/gpuqos/gpuqos and out/gpuqos/gpuqos-probe (the probe worker; keep the two in one directory)
and this repository's scripts/gpu-check.sh to the GPU host and run:  scripts/gpu-check.sh --gpuqos ./gpuqos
EOF
    exit 2
  fi
  echo "gpu-check: publishing gpuqos (Release)…"
  # gpuqos starts its isolation-probe workers from gpuqos-probe beside it.
  if ! { dotnet publish "$repo/src/Daemon" -c Release -r linux-x64 -o "$work/publish" --nologo -v q \
      && dotnet publish "$repo/src/ProbeWorker" -c Release -r linux-x64 -o "$work/publish" --nologo -v q; } >"$work/publish.log" 2>&1; then
    cat "$work/publish.log" >&2
    echo "gpu-check: dotnet publish failed" >&2
    exit 2
  fi
  gpuqos="$work/publish/gpuqos"
fi
if [ ! -e "$gpuqos" ]; then
  echo "gpu-check: --gpuqos: '$gpuqos' does not exist" >&2
  exit 2
fi
# A DLL (a Debug or Release build output) runs under the dotnet host; a published binary runs as it is.
case "$gpuqos" in
  *.dll) cmd=(dotnet "$gpuqos") ;;
  *) cmd=("$gpuqos") ;;
esac

# --- where the evidence goes --------------------------------------------------------------------------------
have_smi=0
command -v nvidia-smi >/dev/null 2>&1 && have_smi=1
device="unknown-gpu"
if [ "$have_smi" = 1 ]; then
  device="$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n1)"
fi
if [ -z "$device" ] || [ "$device" = "unknown-gpu" ]; then
  device="$(timeout 60 "${cmd[@]}" doctor --backend nvml --no-probe --json 2>/dev/null | sed -n 's/.*"name": "\([^"]*\)".*/\1/p' | head -n1)"
fi
slug="$(printf '%s' "${device:-unknown-gpu}" | tr '[:upper:]' '[:lower:]' | tr -cs 'a-z0-9' '-' | sed 's/^-//; s/-$//')"
out="${out:-$repo/docs/real-hardware/$(date -u +%Y-%m-%d)-${slug:-unknown-gpu}}"
mkdir -p "$out"
summary="$out/summary.txt"
{
  echo "gpuqos gpu-check, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -n), kernel $(uname -r), $(uname -m)"
  echo "device: ${device:-unknown}"
  echo "gpuqos: $("${cmd[@]}" --version 2>&1 | head -n1)"
  echo
  echo "step | exit code | output"
} >"$summary"
note() { echo "$1 | $2 | $3" >>"$summary"; echo "gpu-check: $1: exit $2 ($3)"; }

# --- 1. what the driver says, before ------------------------------------------------------------------------
smi_state() {
  nvidia-smi --query-gpu=index,name,uuid,driver_version,mig.mode.current,compute_mode,clocks.sm,clocks.max.sm,clocks.applications.graphics,power.limit,power.default_limit,power.min_limit,power.max_limit --format=csv 2>&1
}
if [ "$have_smi" = 1 ]; then
  nvidia-smi -L >"$out/nvidia-smi-L.txt" 2>&1; note "nvidia-smi -L" $? nvidia-smi-L.txt
  nvidia-smi -q -x >"$out/nvidia-smi-q.xml" 2>&1; note "nvidia-smi -q -x" $? nvidia-smi-q.xml
  smi_state >"$out/nvidia-smi-before.csv"; note "settings before" $? nvidia-smi-before.csv
  if grep -q "Enabled" "$out/nvidia-smi-before.csv"; then
    # Read-only listings of the MIG geometry; creating or destroying instances is never done here.
    nvidia-smi mig -lgi >"$out/nvidia-smi-mig-lgi.txt" 2>&1; note "nvidia-smi mig -lgi" $? nvidia-smi-mig-lgi.txt
    nvidia-smi mig -lci >"$out/nvidia-smi-mig-lci.txt" 2>&1; note "nvidia-smi mig -lci" $? nvidia-smi-mig-lci.txt
  fi
else
  note "nvidia-smi" - "not installed: skipped"
fi

# --- 2. doctor ------------------------------------------------------------------------------------------------
doctor_args=(doctor --backend nvml)
[ -n "$config" ] && doctor_args+=(--config "$config")
timeout 120 "${cmd[@]}" "${doctor_args[@]}" --json >"$out/doctor.json" 2>"$out/doctor.stderr"
note "gpuqos doctor --json" $? "doctor.json (0 all can work, 1 something cannot, 2 error)"
timeout 120 "${cmd[@]}" "${doctor_args[@]}" --no-probe >"$out/doctor.txt" 2>&1
note "gpuqos doctor (table)" $? doctor.txt

# --- 3. the daemon on NVML, dry-run, no policies ---------------------------------------------------------------
mkdir -p "$work/journal"
cat >"$work/gpuqos.yaml" <<EOF
# Written by scripts/gpu-check.sh: observe only. No policy, and enforcement in dry-run besides.
settings:
  backend: nvml
  interval: 1s
enforcement:
  mode: dry-run
  journal: $work/journal/actions.jsonl
EOF
cp "$work/gpuqos.yaml" "$out/daemon-config.yaml"
"${cmd[@]}" run --config "$work/gpuqos.yaml" --listen "127.0.0.1:$port" >"$out/daemon.log" 2>&1 &
daemon_pid=$!
ready=0
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >"$out/readyz.txt" 2>&1; then ready=1; break; fi
  kill -0 "$daemon_pid" 2>/dev/null || break
  sleep 1
done
if [ "$ready" = 1 ]; then
  note "daemon ready" 0 readyz.txt
  sleep 5
  curl -fsS "http://127.0.0.1:$port/metrics" >"$out/metrics-early.txt" 2>&1; note "/metrics (early)" $? metrics-early.txt
  remaining=$((duration - 5))
  [ "$remaining" -gt 0 ] && sleep "$remaining"
  curl -fsS "http://127.0.0.1:$port/metrics" >"$out/metrics.txt" 2>&1; note "/metrics" $? metrics.txt
  curl -fsS "http://127.0.0.1:$port/api/v1/state" >"$out/state.json" 2>&1; note "/api/v1/state" $? state.json
  curl -fsS "http://127.0.0.1:$port/api/v1/actions" >"$out/actions.json" 2>&1; note "/api/v1/actions" $? actions.json
  curl -sS "http://127.0.0.1:$port/readyz" >"$out/readyz-end.txt" 2>&1; note "/readyz (end)" $? readyz-end.txt
else
  note "daemon ready" 1 "did not answer /readyz within 60 s; see daemon.log"
fi
if kill -0 "$daemon_pid" 2>/dev/null; then
  kill -TERM "$daemon_pid"
  wait "$daemon_pid"
  note "daemon stop (SIGTERM)" $? daemon.log
else
  wait "$daemon_pid"
  note "daemon exited by itself" $? daemon.log
fi
daemon_pid=""

# --- 4. a short CUDA audit, where the host allows it -----------------------------------------------------------
cuda=0
if ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1'; then cuda=1; fi
if [ "$cuda" = 1 ] && [ -s "$out/state.json" ]; then
  audit_config="$work/audit.yaml"
  printf 'enforcement:\n  mode: dry-run\n  journal: %s/journal/audit.jsonl\n' "$work" >"$audit_config"
  pair=""
  if command -v python3 >/dev/null 2>&1; then
    # Two MIG instances of one GPU when there are, else a time-sliced GPU paired with itself (two workers).
    pair="$(python3 - "$out/state.json" <<'PY'
import json, sys
state = json.load(open(sys.argv[1]))
for gpu in state.get("gpus", []):
    mig = [p["reading"]["id"] for p in gpu.get("partitions", []) if p.get("reading", {}).get("kind") == "mig"]
    if len(mig) >= 2:
        print(f"gpu{gpu['index']}/{mig[0]} gpu{gpu['index']}/{mig[1]}")
        break
else:
    for gpu in state.get("gpus", []):
        if gpu.get("mode") in ("time-sliced", "mps"):
            print(f"gpu{gpu['index']}/whole gpu{gpu['index']}/whole")
            break
PY
)"
  fi
  if [ -n "$pair" ]; then
    read -r victim aggressor <<<"$pair"
    printf 'audit:\n  pairs:\n    - {victim: "%s", aggressor: "%s"}\n' "$victim" "$aggressor" >>"$audit_config"
    cp "$audit_config" "$out/audit-config.yaml"
    timeout "$audit_budget" "${cmd[@]}" audit --backend nvml --config "$audit_config" --accelerator cuda \
      --probe compute --probe bandwidth --repetitions 5 --out "$out/audit" >"$out/audit.txt" 2>&1
    note "gpuqos audit ($victim vs $aggressor)" $? "audit.txt, audit/ (0 passed, 1 violated, 2 error, 124 over ${audit_budget} s)"
  else
    note "gpuqos audit" - "skipped: no GPU with two MIG instances and no time-sliced GPU (or no python3 to pick them)"
  fi
else
  note "gpuqos audit" - "skipped: libcuda.so.1 is not installed, or the daemon gave no state"
fi

# --- 5. the driver again: nothing may have changed -------------------------------------------------------------
if [ "$have_smi" = 1 ]; then
  smi_state >"$out/nvidia-smi-after.csv"
  # The current SM clock (column 7) moves with load; every other column (modes, limits, application clocks)
  # must read as before.
  if diff <(cut -d, -f1-6,8- "$out/nvidia-smi-before.csv") <(cut -d, -f1-6,8- "$out/nvidia-smi-after.csv") >"$out/nvidia-smi-diff.txt"; then
    rm -f "$out/nvidia-smi-diff.txt"
    note "settings after" 0 "nvidia-smi-after.csv: modes, limits and application clocks as before"
  else
    note "settings after" 1 "nvidia-smi-diff.txt: a setting differs from before"
  fi
fi

echo >>"$summary"
echo "took $(( $(date +%s) - started )) s" >>"$summary"
echo "gpu-check: everything is in $out (summary.txt first)"
